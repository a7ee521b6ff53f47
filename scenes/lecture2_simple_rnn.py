"""Lecture 2: the simple RNN, its forward propagation and backpropagation through time.

A simple RNN is a three-layer densely connected network whose middle layer also feeds
itself at the next step (recurrent connections); unfolding it over time gives one copy
per step sharing the same U, W, V; forward propagation in Goodfellow's notation with the
real values of ``rnn_core.rnn_forward``; BPTT: each loss sends errors back, its share of
the gradient is framed in its colour, the shares are summed for one update, and truncated
BPTT limits how far back the errors go.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    LaggedStart,
    ManimColor,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    VGroup,
)

from rnn_core import rnn_backward, rnn_forward
from scenes.kit.base import LectureSlide
from scenes.kit.bptt import (
    error_flow,
    flow_chain,
    flow_lanes,
    lane_widest,
    play_errors_through_time,
)
from scenes.kit.components import VectorGlyph, Wire, format_value, label, math
from scenes.kit.config import SceneConfig, rnn_setup
from scenes.kit.diagrams import (
    BottomStrip,
    MatrixGlyph,
    figure_zone,
    fit_to_zone,
    step_palette,
)
from scenes.kit.network import Connections, DenseLayer, RNNBlackBox, UnrolledRNN, neuron_radius
from scenes.kit.theme import TYPE
from scenes.lesson_data import rnn_errors_through_time

__all__ = [
    "DCLBackpropReview",
    "dcl_lesson",
    "RNNNeurons",
    "RNNUnfolding",
    "RNNForward",
    "BPTT",
    "SCENES",
    "rnn_lesson",
    "TRUNCATE",
    "FORWARD_EQUATIONS",
]

LECTURE = 2
LECTURE_TITLE = "Simple RNNs: forward propagation, unfolding and backpropagation through time"

TITLE_SIZE = 34
TRUNCATE = 1  # the window of the truncated-BPTT step

FORWARD_EQUATIONS = (
    "bold(a)^t = bold(b) + W bold(h)^(t-1) + U bold(x)^t",
    "bold(h)^t = tanh(bold(a)^t)",
    "bold(o)^t = bold(c) + V bold(h)^t",
    'hat(bold(y))^t = op("softmax")(bold(o)^t)',
)


def rnn_lesson(cfg: SceneConfig):
    """(params, trace) of the configured simple RNN: the numbers of every lecture-2 scene."""
    params, xs, targets = rnn_setup(cfg)
    return params, rnn_forward(params, xs, targets)


# The three layers of one step: (key, trace field, colour quantity, Typst name).
_LAYERS = (
    ("x", "xs", "x", "bold(x)"),
    ("h", "h", "y", "bold(h)"),
    ("y", "y_hat", "o", "hat(bold(y))"),
)


def _step_layers(trace, t: int, th, *, superscript: bool, **style) -> dict[str, DenseLayer]:
    """Input, middle and output layer of step ``t`` with the trace's values, named with
    the step as a superscript or without; ``style`` goes to every :class:`DenseLayer`."""
    sup = f"^({t + 1})" if superscript else ""
    return {
        key: DenseLayer(
            getattr(trace, field)[t], quantity=q, label_expr=name + sup, theme=th, **style
        )
        for key, field, q, name in _LAYERS
    }


def _layer_wires(layers: dict[str, DenseLayer], th) -> VGroup:
    """Every connection input -> middle and middle -> output."""
    return VGroup(
        Connections(layers["x"], layers["h"], color=th.param, theme=th),
        Connections(layers["h"], layers["y"], color=th.param, theme=th),
    )


# ---------------------------------------------------------------------------------------
# Review: backprop of a densely connected network


def dcl_lesson(cfg: SceneConfig):
    """(params, trace, grads, deltas) of a three-layer DCL: one step of the configured simple
    RNN from h^0 = 0, so W plays no part: h = tanh(b + U x), y_hat = softmax(c + V h)."""
    params, xs, targets = rnn_setup(cfg)
    trace = rnn_forward(params, xs[:1], targets[:1])
    grads, deltas = rnn_backward(params, trace)
    return params, trace, grads, deltas


class DCLBackpropReview(LectureSlide):
    """Backprop of a three-layer DCL with real values: output errors, errors of the layer
    before as sums over the next layer's errors (red arrows), then the gradients."""

    scene_id = "dcl-backprop-review"
    title = "Review: backpropagation in a densely connected network"
    description = "Errors of one layer come from all errors of the next; real values."

    def construct(self) -> None:
        th = self.theme
        params, trace, grads, deltas = dcl_lesson(self.scene_config)
        self.lesson = (params, trace, grads, deltas)
        err = th.error  # errors are purple in every lecture
        target = int(trace.targets[0])
        title = self.slide_title("Review: backprop in a densely connected network", TITLE_SIZE)
        left, right, bottom, top = figure_zone()
        # Columns of neurons across the zone; a column holds as many neurons as its height
        # allows below its name and above its error row (the rest named in a note).
        radius = neuron_radius(np.concatenate([trace.xs[0], trace.h[0], trace.y_hat[0]]))
        spacing = 2 * radius + 0.2
        room = (top - 0.45) - (bottom + 0.75)
        most = max(1, int((room - 2 * radius) // spacing) + 1)
        widest = min(most, max(len(getattr(trace, f)[0]) for _, f, _, _ in _LAYERS))
        if widest > 1:  # spread the neurons over the column's height, within reason
            spacing = min(max(spacing, (room - 2 * radius) / (widest - 1)), 2 * radius + 0.7)
        xs = (left + 1.3, (left + right) / 2 - 0.4, right - 2.4)
        layers = {}
        for (key, field, q, name), x in zip(_LAYERS, xs, strict=True):
            values = getattr(trace, field)[0]
            layer = DenseLayer(
                values[:most],
                quantity=q,
                label_expr=name,
                theme=th,
                radius=radius,
                spacing=spacing,
            )
            layer.move_to([x, 0, 0]).align_to([0, top - 0.05, 0], UP)
            layers[key] = layer
        self.layers = layers
        self.notes_shown = [
            f"units 1-{most} of {len(getattr(trace, f)[0])}"
            for _, f, _, _ in _LAYERS
            if len(getattr(trace, f)[0]) > most
        ]
        cut = VGroup(
            *[
                label(
                    f"units 1-{most} of {len(getattr(trace, f)[0])}",
                    font_size=TYPE.note,
                    color=th.muted,
                    theme=th,
                ).next_to(layers[key].label, RIGHT, buff=0.2)
                for key, f, _, _ in _LAYERS
                if len(getattr(trace, f)[0]) > most
            ]
        )
        wires = _layer_wires(layers, th)
        strip = BottomStrip()
        eq = TYPE.equation

        def err_glyph(values, layer: DenseLayer) -> VectorGlyph:
            # Under its column; as many cells as the gap between the columns holds.
            probe = VectorGlyph(values, quantity="error", color=err, theme=th, direction="row")
            slots = max(2, int(3.6 // probe.cells[0].width))
            g = VectorGlyph(
                values, quantity="error", color=err, theme=th, direction="row", max_cells=slots
            )
            g.next_to(layer.neurons, DOWN, buff=0.3)
            return g

        def strip_vector(values) -> VectorGlyph:
            return VectorGlyph(values, quantity="error", color=err, theme=th, direction="row")

        self.step(
            "A densely connected network with three layers, forward: the input, the middle "
            "layer after tanh, and the class probabilities. These are the configured model's "
            "values: one step of the simple RNN, without its recurrent connections."
        )
        self.play(
            FadeIn(title),
            FadeIn(wires),
            *[FadeIn(v) for v in layers.values()],
            FadeIn(cut),
            *strip.show(
                math(
                    "bold(h) = tanh(bold(b) + U bold(x)), quad "
                    'hat(bold(y)) = op("softmax")(bold(c) + V bold(h))',
                    font_size=eq,
                    theme=th,
                )
            ),
        )

        self.step(
            f"Backprop starts at the output. With softmax and cross-entropy the error of "
            f"the output layer is y-hat minus the one-hot target (class {target + 1})."
        )
        self.glyphs: dict[str, VectorGlyph] = {}
        g_out = err_glyph(deltas.do[0], layers["y"])
        self.glyphs["do"] = g_out
        self.play(
            *self.dim(wires, layers["x"]),  # the forward pass is context now
            FadeIn(g_out),
            *strip.show(
                math(
                    f"delta bold(o) = hat(bold(y)) - bold(e)_({target + 1}) =",
                    font_size=eq,
                    theme=th,
                ),
                strip_vector(deltas.do[0]),
            ),
        )
        self.wait(0.2)  # the video's last frame shows the settled state, not a fading ghost

        j = 0
        terms = params.V[:, j] * deltas.do[0]
        self.first_sum = (terms, float(deltas.dh[0][j]))
        self.step(
            "To get the error of one neuron in the middle layer you need the errors of every "
            "neuron in the next layer (purple arrows), each weighted by the connection "
            "between them, added up."
        )
        arrows = VGroup(
            *[
                Arrow(
                    layers["y"].neurons[k].get_left(),
                    layers["h"].neurons[j].get_right(),
                    buff=0.05,
                    stroke_width=5,
                    color=ManimColor(err),
                    tip_length=0.22,
                )
                for k in range(len(layers["y"].neurons))
            ]
        )
        shown_terms = min(len(terms), 3)
        sum_text = " + ".join(
            f"({format_value(params.V[k, j])})({format_value(deltas.do[0][k])})"
            for k in range(shown_terms)
        )
        if shown_terms < len(terms):
            sum_text += " + ..."
        self.play(
            LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.2),
            *strip.show(
                math(
                    f"delta h_1 = sum_k V_(k 1) delta o_k = {sum_text} = "
                    f"{format_value(deltas.dh[0][j], 3)}",
                    font_size=eq,
                    theme=th,
                )
            ),
        )
        self.wait(0.2)  # the video's last frame shows the settled state, not a fading ghost

        self.step(
            "The same for every middle neuron, then through tanh's slope: the errors of the "
            "middle layer. In turn they would give the errors of the layer before, and so on "
            "backward."
        )
        all_arrows = VGroup(
            *[
                Arrow(
                    layers["y"].neurons[k].get_left(),
                    layers["h"].neurons[i].get_right(),
                    buff=0.05,
                    stroke_width=3,
                    color=ManimColor(err),
                    tip_length=0.18,
                )
                for k in range(len(layers["y"].neurons))
                for i in range(len(layers["h"].neurons))
            ]
        )
        g_hid = err_glyph(deltas.da[0], layers["h"])
        self.glyphs["da"] = g_hid
        self.play(
            FadeOut(arrows),
            FadeIn(all_arrows),
            FadeIn(g_hid),
            *strip.show(
                math(
                    "delta bold(a) = (1 - bold(h)^2) dot.o V^T delta bold(o) =",
                    font_size=eq,
                    theme=th,
                ),
                strip_vector(deltas.da[0]),
            ),
        )
        self.wait(0.2)  # the video's last frame shows the settled state, not a fading ghost

        self.step(
            "The errors give the gradients: the gradient of a weight is the error at its "
            "end times the value at its start. To adjust a layer's parameters you need the "
            "errors of the next layer."
        )
        # The two gradients side by side fill the figure zone; wider ones show a corner.
        half = (right - left - 1.0) / 2
        probe = MatrixGlyph(grads.V, color=err, theme=th)
        col_w = probe.rows[0].cells[0].width
        cols = max(2, int(half // col_w))
        rows_fit = max(2, int((top - bottom - 1.6) // probe.rows[0].cells[0].height))
        mats = {}
        for key, grad, expr in (
            ("U", grads.U, "(partial L)/(partial U) = delta bold(a) bold(x)^T"),
            ("V", grads.V, "(partial L)/(partial V) = delta bold(o) bold(h)^T"),
        ):
            mats[key] = MatrixGlyph(
                grad, label_expr=expr, color=err, theme=th, max_cells=cols, max_rows=rows_fit
            )
        self.grad_glyphs = mats
        pair = VGroup(mats["U"], mats["V"]).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        # The strip is gone in this step: the matrices take the whole height below the title.
        no_strip = figure_zone(strip=False)
        fit_to_zone(
            pair, zone=(*no_strip[:2], no_strip[2] + 0.5, no_strip[3]), max_scale=1.6, min_scale=1.0
        )
        notes = VGroup(
            *[
                label(m.note, font_size=TYPE.note, color=th.muted, theme=th).next_to(
                    m, DOWN, buff=0.15
                )
                for m in mats.values()
                if m.note
            ]
        )
        net = VGroup(wires, all_arrows, g_out, g_hid, cut, *layers.values())
        self.play(FadeOut(net), FadeOut(strip.current))
        strip.current = None
        self.play(FadeIn(pair), FadeIn(notes))


# ---------------------------------------------------------------------------------------
# Neurons


def units_shown(
    counts: dict[str, int], room: float, spacing: float, radius: float
) -> dict[str, int]:
    """How many neurons of each row fit side by side in ``room`` (scene units) with
    ``spacing`` centre to centre: the largest counts, taking one from the longest row
    until they fit (a row is never cut below one neuron)."""
    shown = dict(counts)

    def width() -> float:
        gaps = len(shown) - 1
        return sum((k - 1) * spacing + 2 * radius for k in shown.values()) + gaps * spacing

    while width() > room and max(shown.values()) > 1:
        longest = max(shown, key=lambda key: shown[key])
        shown[longest] -= 1
    return shown


class RNNNeurons(LectureSlide):
    """The simple RNN as connections of neurons, Goodfellow's a = b + W h^(t-1) + U x^t:
    the input row and the previous step's middle layer (a faded row) both feed the middle
    layer, U and W between the rows; the middle layer is handed on to the next step
    along a dashed wire; real values at t = 1 and t = 2; then the usual black box."""

    scene_id = "rnn-neurons"
    title = "A simple RNN is connections of neurons"
    description = "Input and previous middle layer feed the middle layer (U, W), then V."

    # The previous step's row is context: drawn at this opacity, its numbers a little more.
    PAST_OPACITY = 0.45

    def construct(self) -> None:
        th = self.theme
        params, trace = rnn_lesson(self.scene_config)
        self.trace = trace
        self.shown: dict[int, dict[str, list[str | None]]] = {}
        title = self.slide_title("A simple RNN is connections of neurons", TITLE_SIZE)
        T = min(trace.T, 2)
        h_prev = trace.h_prev
        left, right, bottom, top = figure_zone()
        # Every value any row will show, so the neurons keep one size across the steps.
        radius = neuron_radius(
            np.concatenate(
                [
                    trace.xs[:T].ravel(),
                    trace.h[:T].ravel(),
                    trace.y_hat[:T].ravel(),
                    h_prev[:T].ravel(),
                    trace.a[:T].ravel(),  # the two-layer step shows a^t too
                ]
            )
        )
        spacing = 2 * radius + 0.28
        sizes = {"x": trace.xs.shape[-1], "prev": trace.h.shape[-1]}
        # The bottom row holds the input and the previous middle layer side by side.
        fit = units_shown(sizes, right - left - 0.4, spacing, radius)
        k_h = fit["prev"]
        k = {"x": fit["x"], "h": k_h, "prev": k_h}
        k["y"] = units_shown({"y": trace.y_hat.shape[-1]}, right - left - 2.0, spacing, radius)["y"]
        self.units = dict(k)
        y_bottom = bottom + 0.5 + radius
        y_top = top - radius - 0.05
        y_mid = (y_bottom + y_top) / 2
        row_w = {key: (n - 1) * spacing + 2 * radius for key, n in k.items()}
        gap = right - left - 0.4 - row_w["x"] - row_w["prev"]
        gap = min(max(gap, spacing), 1.6)
        bottom_w = row_w["x"] + gap + row_w["prev"]
        x_centre = -bottom_w / 2 + row_w["x"] / 2
        prev_centre = bottom_w / 2 - row_w["prev"] / 2
        h_centre = (x_centre + prev_centre) / 2
        centres = {
            "x": (x_centre, y_bottom),
            "prev": (prev_centre, y_bottom),
            "h": (h_centre, y_mid),
            "y": (h_centre, y_top),
        }
        fields = {"x": ("xs", "x"), "h": ("h", "y"), "y": ("y_hat", "o")}

        def row(key: str, values: np.ndarray) -> DenseLayer:
            quantity = "y" if key == "prev" else fields[key][1]
            layer = DenseLayer(
                values[: k[key]],
                quantity=quantity,
                theme=th,
                direction=RIGHT,
                spacing=spacing,
                radius=radius,
            )
            layer.move_to(RIGHT * centres[key][0] + UP * centres[key][1])
            if key == "prev":
                for neuron in layer.neurons:
                    neuron.circle.set_stroke(opacity=self.PAST_OPACITY)
                    neuron.circle.set_fill(opacity=neuron.circle.get_fill_opacity() * 0.5)
                    neuron.text.set_opacity(0.75)
            return layer

        def layers(t: int) -> dict[str, DenseLayer]:
            made = {key: row(key, getattr(trace, f)[t]) for key, (f, _) in fields.items()}
            made["prev"] = row("prev", h_prev[t])
            self.shown[t + 1] = {key: layer.displayed for key, layer in made.items()}
            return made

        net = layers(0)
        self.net = net
        u_lines = Connections(net["x"], net["h"], color=th.param, theme=th, stroke_width=2)
        v_lines = Connections(net["h"], net["y"], color=th.param, theme=th, stroke_width=2)
        w_lines = Connections(
            net["prev"], net["h"], color=th.y, theme=th, stroke_width=2.5, opacity=0.85
        )
        self.w_lines = w_lines

        def bundle_label(expr: str, a: DenseLayer, b: DenseLayer, side, colour: str):
            # Beside the outermost line of a bundle, halfway between the rows.
            ia = 0 if side is LEFT else len(a.neurons) - 1
            ib = 0 if side is LEFT else len(b.neurons) - 1
            mid = (a.neurons[ia].get_center() + b.neurons[ib].get_center()) / 2
            text = math(expr, color=colour, font_size=TYPE.math, theme=th)
            return text.next_to(mid, side, buff=0.35)

        u_label = bundle_label("U", net["x"], net["h"], LEFT, th.param)
        v_label = bundle_label("V", net["h"], net["y"], LEFT, th.param)
        w_label = bundle_label("W", net["prev"], net["h"], RIGHT, th.y)
        self.w_label = w_label
        names = {
            "y": math("hat(bold(y))^t", color=th.o, font_size=TYPE.math, theme=th),
            "h": math("bold(h)^t", color=th.y, font_size=TYPE.math, theme=th),
        }
        for key, name in names.items():
            # Above the row's centre line: the U lines arrive at h^t from below left.
            name.next_to(net[key].neurons[0], LEFT, buff=0.25).shift(UP * radius * 0.5)
        under = {
            "x": math("bold(x)^t", color=th.x, font_size=TYPE.math, theme=th),
            "prev": math("bold(h)^(t-1)", color=th.y, font_size=TYPE.math, theme=th),
        }
        for key, name in under.items():
            name.next_to(net[key], DOWN, buff=0.12)
        under["prev"].set_opacity(0.8)
        # Rows cut to what fits say so under the row.
        notes = {key: VGroup() for key in ("x", "prev", "y")}
        totals = {"x": sizes["x"], "prev": sizes["prev"], "y": trace.y_hat.shape[-1]}
        for key, total in totals.items():
            if k[key] < total:
                note = label(
                    f"units 1-{k[key]} of {total}", font_size=TYPE.note, color=th.muted, theme=th
                )
                if key == "y":
                    note.next_to(net["y"], RIGHT, buff=0.3)
                else:
                    note.next_to(under[key], RIGHT, buff=0.3)
                notes[key].add(note)
        self.unit_notes = {key: [n.text for n in group] for key, group in notes.items()}
        # The hand-over to the next step: out of the middle layer on the right, down,
        # and into the previous-step row from the right.
        h_end = net["h"].neurons[-1].circle.get_right()
        p_end = net["prev"].neurons[-1].circle.get_right()
        x_turn = max(h_end[0], p_end[0]) + 0.55
        delay = Wire(
            [
                h_end + RIGHT * 0.05,
                [x_turn, h_end[1], 0],
                [x_turn, p_end[1], 0],
                p_end + RIGHT * 0.05,
            ],
            color=th.past,
            theme=th,
            dashed=True,
            stroke_width=2.5,
        )
        delay_note = label("next step", font_size=TYPE.note, color=th.muted, theme=th)
        delay_note.next_to(delay.points_list[1], UP, buff=0.1).align_to(delay.points_list[1], RIGHT)
        self.delay = delay
        strip = BottomStrip(buff=0.3)
        eq = TYPE.equation

        self.step(
            "One time step of a simple RNN is an ordinary densely connected network: the "
            "input x^t at the bottom, the middle layer h^t, the output y-hat^t at the top, "
            "weights U and V between the rows. These are the configured model's values at t = 1."
        )
        self.play(
            FadeIn(title),
            FadeIn(VGroup(u_lines, v_lines)),
            *[FadeIn(net[key]) for key in ("x", "h", "y")],
            FadeIn(VGroup(u_label, v_label, names["y"], names["h"], under["x"])),
            FadeIn(VGroup(notes["x"], notes["y"])),
            *strip.show(math("bold(h)^t = tanh(bold(b) + U bold(x)^t)", font_size=eq, theme=th)),
        )

        self.step(
            "What makes it recurrent: the middle layer also reads its own values from the "
            "step before, h^(t-1), drawn faded on the right. Every neuron of h^(t-1) is "
            "connected to every neuron of h^t by the weights W (orange), just as U connects "
            "the input. At t = 1 there is no step before, so h^0 = 0."
        )
        output = (v_lines, v_label, net["y"], names["y"], notes["y"])  # context in this step
        self.play(
            *self.dim(*output),
            FadeIn(net["prev"]),
            FadeIn(under["prev"]),
            FadeIn(notes["prev"]),
            LaggedStart(*[Create(line) for line in w_lines], lag_ratio=0.05),
            FadeIn(w_label),
            delay.grow(),
            FadeIn(delay_note),
            *strip.show(
                math(
                    "bold(a)^t = bold(b) + W bold(h)^(t-1) + U bold(x)^t, "
                    "quad bold(h)^t = tanh(bold(a)^t)",
                    font_size=eq,
                    theme=th,
                )
            ),
        )

        if T > 1:
            self.step(
                "At the next step the middle layer's values move along the dashed wire into "
                "the previous-step row: h^1 is now h^(t-1). The new input x^2 comes in; the "
                "middle layer adds the two linear sums, U x^2 and W h^1, before tanh; the "
                "output follows. Same weights, new values."
            )
            nxt = layers(1)
            moving = net["h"].copy()
            self.play(
                *self.undim(*output),  # the whole step again: the output follows
                delay.pulse(color=th.y),
                ReplacementTransform(moving, nxt["prev"]),
                FadeOut(net["prev"]),
            )
            self.remove(nxt["prev"])
            net["prev"].become(nxt["prev"])
            self.add(net["prev"])
            self.play(
                *[Transform(net[key], nxt[key]) for key in ("x", "h", "y")],
                *strip.show(
                    math(
                        "bold(h)^2 = tanh(bold(b) + W bold(h)^1 + U bold(x)^2)",
                        font_size=eq,
                        theme=th,
                    )
                ),
            )
            self.wait(0.2)  # the settled state ends the step's video

        self._show_two_layers(
            net,
            names,
            (u_lines, w_lines, v_lines),
            (delay, delay_note, v_label),  # the hand-over and V's name make room
            strip,
            trace,
            T - 1,
            k_h,
            radius,
            spacing,
        )

        self.step(
            "Drawing every neuron soon gets unreadable, so an RNN is usually drawn as a "
            "black box with a loop: the loop is the recurrent connection through W, the "
            "dashed hand-over of the drawing before."
        )
        drawing = VGroup(
            u_lines,
            v_lines,
            w_lines,
            *net.values(),
            u_label,
            v_label,
            w_label,
            *names.values(),
            *under.values(),
            *notes.values(),
            delay,
            delay_note,
        )
        box = RNNBlackBox(loop_expr="W", theme=th)
        fit_to_zone(box, max_scale=2.0)
        self.box = box
        self.play(FadeOut(drawing, scale=0.6), FadeIn(box, scale=1.4))
        self.play(
            *strip.show(
                math(
                    "bold(h)^t = tanh(bold(b) + W bold(h)^(t-1) + U bold(x)^t), quad "
                    'hat(bold(y))^t = op("softmax")(bold(c) + V bold(h)^t)',
                    font_size=eq,
                    theme=th,
                )
            )
        )
        self.wait(0.2)  # the settled state ends the step's video

    # ---------------------------------------------------------------------------------------
    # Unfolding

    def _show_two_layers(
        self, net, names, lines, hand_over, strip, trace, t, k_h, radius, spacing
    ) -> None:
        """The middle layer as the two layers of neurons it is: a^t, the linear sums of
        x^t and h^(t-1), and h^t = tanh(a^t), one to one; then merged back. Leaves
        ``self.split`` (the rows) and ``self.split_shown`` (their values as written)."""
        th = self.theme
        u_lines, w_lines, v_lines = lines
        h_row = net["h"]
        d = radius + 0.3  # each half moves this far from the middle layer's line
        a_row = DenseLayer(
            trace.a[t][:k_h],
            quantity="y",
            theme=th,
            direction=RIGHT,
            spacing=spacing,
            radius=radius,
        ).move_to(h_row.get_center() + DOWN * d)
        for neuron in a_row.neurons:  # a^t is a linear sum, not yet a state: outlined as sums
            neuron.circle.set_stroke(color=ManimColor(th.param))
        h_up = DenseLayer(  # fresh from the trace: a transformed row keeps its old values
            trace.h[t][:k_h],
            quantity="y",
            theme=th,
            direction=RIGHT,
            spacing=spacing,
            radius=radius,
        ).move_to(h_row.get_center() + UP * d)
        u2 = Connections(net["x"], a_row, color=th.param, theme=th, stroke_width=2)
        w2 = Connections(net["prev"], a_row, color=th.y, theme=th, stroke_width=2.5, opacity=0.85)
        v2 = Connections(h_up, net["y"], color=th.param, theme=th, stroke_width=2)
        tanh_lines = VGroup(
            *[
                Arrow(
                    a.circle.get_top(),
                    h.circle.get_bottom(),
                    buff=0.04,
                    stroke_width=3,
                    color=ManimColor(th.y),
                    tip_length=0.14,
                    max_tip_length_to_length_ratio=0.4,
                )
                for a, h in zip(a_row.neurons, h_up.neurons, strict=True)
            ]
        )
        tanh_name = math("tanh", color=th.y, font_size=TYPE.math, theme=th)
        tanh_name.next_to(tanh_lines[-1], RIGHT, buff=0.2)
        a_name = math("bold(a)^t", color=th.param, font_size=TYPE.math, theme=th)
        a_name.next_to(a_row.neurons[0], LEFT, buff=0.25)
        self.split = {"a": a_row, "h": h_up}
        self.split_shown = {"a": a_row.displayed, "h": h_up.displayed}
        a_text = ", ".join(a_row.displayed)
        h_text = ", ".join(h_up.displayed)
        self.step(
            "Strictly, the middle layer is two layers of neurons: a^t, the linear sums of "
            "the input and the previous state (b + W h^(t-1) + U x^t), and h^t, each a^t "
            f"through tanh, one to one. Here at t = {t + 1}: a = ({a_text}) and "
            f"h = tanh(a) = ({h_text}). Most drawings, like the one before, merge the two "
            "into one neuron."
        )
        self.play(
            FadeOut(VGroup(u_lines, w_lines, v_lines, *hand_over)),
            Transform(h_row, h_up),
            names["h"].animate.shift(UP * d),
            FadeIn(a_row),
            FadeIn(a_name),
            FadeIn(VGroup(u2, w2, v2)),
            *strip.show(
                math(
                    "bold(a)^t = bold(b) + W bold(h)^(t-1) + U bold(x)^t, "
                    "quad bold(h)^t = tanh(bold(a)^t)",
                    font_size=TYPE.equation,
                    theme=th,
                )
            ),
        )
        self.play(
            LaggedStart(*[GrowArrow(a) for a in tanh_lines], lag_ratio=0.2), FadeIn(tanh_name)
        )
        self.wait(0.2)  # the settled state ends the step's video

        self.step(
            "Merged back into the usual drawing: one neuron per unit of h^t, which holds "
            "both the sum and its tanh."
        )
        back = h_up.copy().shift(DOWN * d)
        self.play(
            FadeOut(VGroup(u2, w2, v2, tanh_lines, tanh_name, a_name)),
            ReplacementTransform(a_row, back),
            Transform(h_row, back.copy()),
            names["h"].animate.shift(DOWN * d),
        )
        self.remove(back)
        self.play(FadeIn(VGroup(u_lines, w_lines, v_lines, *hand_over)))


class RNNUnfolding(LectureSlide):
    """The black box unfolded over the steps of the sequence; U, W and V shared."""

    scene_id = "rnn-unfolding"
    title = "Unfolding an RNN over time"
    description = "One copy per time step, the same U, W and V in every copy."

    def construct(self) -> None:
        th = self.theme
        params, trace = rnn_lesson(self.scene_config)
        T = min(trace.T, 5)
        title = self.slide_title("Unfolding an RNN over time", TITLE_SIZE)
        left, right, bottom, top = figure_zone()

        self.step(
            "The black box with its loop hides time. To compute, and later to "
            "backpropagate, we need the values of every step, so we unfold it."
        )
        box = RNNBlackBox(output_expr="bold(o)^t", loop_expr="W", theme=th)
        fit_to_zone(box, max_scale=2.0)
        self.play(FadeIn(title), FadeIn(box))

        self.step(
            f"Unfolded over {T} steps: one copy of the network per time step, the middle "
            "layer passing its state to the next copy through W. The whole unfolded "
            "network is also called an RNN."
        )
        cut = VGroup()
        if T < trace.T:  # the steps left out are named right of the last copy
            cut.add(
                label(f"steps 1-{T} of {trace.T}", font_size=TYPE.note, color=th.muted, theme=th)
            )
        room = (left, right - (cut.width + 0.3 if len(cut) else 0.0), bottom, top)
        # The unrolled width is about (T - 0.4) spacings plus the nodes and the h^0 name.
        spacing = min(3.0, (room[1] - room[0] - 1.0) / (T - 0.4))
        unrolled = UnrolledRNN(T, theme=th, spacing=spacing, levels=(-2.0, 0.0, 2.0))
        fit_to_zone(unrolled, zone=room, max_scale=1.0, min_scale=1.0)
        if len(cut):
            cut.next_to(unrolled.h_nodes[-1], RIGHT, buff=0.3)
        self.unrolled = unrolled
        self.play(ReplacementTransform(box, unrolled), FadeIn(cut), run_time=1.5)
        self.wait(0.2)  # the video's last frame shows the settled state, not a fading ghost

        self.step(
            "The copies are not different networks: U, W and V are the same parameters at "
            "every step. Only the values, and later the errors, depend on the time step."
        )
        for name in ("U", "W", "V"):
            self.play(LaggedStart(*[Indicate(m) for m in unrolled.shared[name]], lag_ratio=0.1))

        self.step(
            "Here is the one W every recurrent arrow uses, the values of the configured "
            "model: training changes this one matrix, once per update."
        )
        # The matrix goes in the equation strip: W = [...]; rows beyond the strip's
        # height (and columns beyond its width) are named in a note.
        strip = BottomStrip(buff=0.15)
        probe = MatrixGlyph(params.W, color=th.y, theme=th)
        rows_fit = max(2, int((TYPE.strip_band - 0.2) // probe.rows[0].cells[0].height))
        glyph = MatrixGlyph(params.W, color=th.y, theme=th, max_rows=rows_fit, max_cells=8)
        self.w_glyph = glyph
        parts = [math("W =", color=th.y, font_size=TYPE.equation, theme=th), glyph]
        if glyph.note:
            parts.append(label(glyph.note, font_size=TYPE.note, color=th.muted, theme=th))
        boxes = VGroup(
            *[SurroundingRectangle(m, buff=0.05, color=ManimColor(th.y)) for m in unrolled.w_labels]
        )
        self.play(*strip.show(*parts), Create(boxes))


# ---------------------------------------------------------------------------------------
# Forward propagation


class RNNForward(LectureSlide):
    """Two time steps of forward propagation with the real values of ``rnn_forward``."""

    scene_id = "rnn-forward"
    title = "Forward propagation of a simple RNN"
    description = "a, h, o, y-hat and the loss for two steps, values from rnn_forward."

    def construct(self) -> None:
        th = self.theme
        params, trace = rnn_lesson(self.scene_config)
        self.trace = trace
        T = min(trace.T, 2)
        self.glyphs: dict[tuple[str, int], VectorGlyph] = {}
        self.losses_shown: list[str] = []
        title = self.slide_title("Forward propagation, step by step", TITLE_SIZE)
        left, right, bottom, top = figure_zone()
        # Two copies of the network across the zone; each value sits in a row of cells to
        # the right of its node, as many cells as reach the next copy (or the zone's edge).
        radius = 0.42
        probe = VectorGlyph(trace.h[0], quantity="y", theme=th, direction="row")
        cell_w = probe.cells[0].width

        def place(spacing: float) -> UnrolledRNN:
            made = UnrolledRNN(T, theme=th, spacing=spacing, levels=(-1.9, 0.0, 1.9), radius=radius)
            made.move_to([0, (top + bottom) / 2, 0])
            return made.shift(RIGHT * (left + 0.2 - made.get_left()[0]))

        # Both copies get the same room for their cells: the gap to the next copy equals
        # the room right of the last one (a few rounds settle the spacing).
        spacing = 4.0
        if T > 1:
            # The last node's right edge moves linearly with the spacing (the h^0 arrow
            # grows with it too): measure the line at two spacings and solve.
            s0, s1 = 3.0, 5.0
            e0 = place(s0).h_nodes[-1].get_right()[0]
            e1 = place(s1).h_nodes[-1].get_right()[0]
            slope = (e1 - e0) / (s1 - s0)
            base = e0 - slope * s0
            spacing = max((right - 0.35 - base + 2 * radius + 0.5) / (1 + slope), 2.4)
        net = place(spacing)
        reach = min(
            right - 0.1 - (net.h_nodes[-1].get_right()[0] + 0.25),
            spacing - 2 * radius - 0.5 if T > 1 else np.inf,
        )
        self.net = net
        slots = max(2, int(reach // cell_w))
        strip = BottomStrip(buff=0.25)
        eq = TYPE.equation
        general = VGroup(
            math(f"{FORWARD_EQUATIONS[0]}, quad {FORWARD_EQUATIONS[1]}", font_size=eq, theme=th),
            math(f"{FORWARD_EQUATIONS[2]}, quad {FORWARD_EQUATIONS[3]}", font_size=eq, theme=th),
        ).arrange(DOWN, buff=0.15)

        self.step(
            "Goodfellow's drawing of two time steps. a^t is a linear sum of the input and "
            "of the last hidden state, h^t its tanh, o^t a linear sum of h^t, and y-hat^t "
            "the softmax: an estimate, hence the hat. Each circle is a whole layer."
        )
        self.play(FadeIn(title), FadeIn(net), *strip.show(general))

        on_screen: dict[tuple[str, int], VGroup] = {}  # (key, t) -> glyph (and note, mark)

        def glyph(key: str, t: int, values: np.ndarray, quantity: str, node) -> VGroup:
            g = VectorGlyph(values, quantity=quantity, theme=th, direction="row", max_cells=slots)
            if key == "h":  # under the W arrow, which leaves h to the right
                g.next_to(node, DOWN + RIGHT, buff=0.05).shift(RIGHT * 0.1)
            else:
                g.next_to(node, RIGHT, buff=0.2)
            self.glyphs[(key, t)] = g
            shown = VGroup(g)
            on_screen[(key, t)] = shown
            if g.truncated:
                note = label(g.note, font_size=TYPE.note, color=th.muted, theme=th)
                note.next_to(g, UP if key == "y" else DOWN, buff=0.06).align_to(g, RIGHT)
                shown.add(note)
            return shown

        def show_strip(expr: str, values: np.ndarray, quantity: str, suffix: str = ""):
            parts = [
                math(expr, font_size=eq, theme=th),
                VectorGlyph(values, quantity=quantity, theme=th, direction="row"),
            ]
            if suffix:
                parts.append(math(suffix, font_size=eq, theme=th))
            return strip.show(*parts)

        for t in range(T):
            k = t + 1
            x_node, h_node, o_node = net.x_nodes[t], net.h_nodes[t], net.o_nodes[t]
            source = "the initial state h^0 = 0" if t == 0 else f"h^{t} from the last step"
            self.step(
                f"Step {k}: the input x^{k} (through U) and {source} (through W) give the "
                f"linear sum a^{k}; tanh squashes it into h^{k}."
            )
            anims = show_strip(
                f"bold(h)^({k}) = tanh(bold(b) + W bold(h)^({t}) + U bold(x)^({k})) =",
                trace.h[t],
                "y",
            )
            gx = glyph("x", t, trace.xs[t], "x", x_node)
            gh = glyph("h", t, trace.h[t], "y", h_node)
            # The last step's values are context now: dimmed, all but h^(t-1), which this
            # step reads through W.
            earlier = [on_screen[(k, t - 1)] for k in ("x", "y") if (k, t - 1) in on_screen]
            earlier += [on_screen[("h", t - 2)]] if ("h", t - 2) in on_screen else []
            self.play(
                *self.dim(*earlier),
                FadeIn(gx),
                Indicate(net.u_arrows[t]),
                Indicate(net.w_arrows[t]),
                *anims,
            )
            self.play(FadeIn(gh))

            target = int(trace.targets[t])
            loss = float(trace.losses[t])
            self.losses_shown.append(format_value(loss, 3))
            self.step(
                f"Then o^{k} = c + V h^{k} and the softmax gives y-hat^{k}, a probability per "
                f"class. The target class is {target + 1}, so the loss is "
                f"L^{k} = -log y-hat^{k}_{target + 1} = {loss:.3f}."
            )
            anims = show_strip(
                f'hat(bold(y))^({k}) = op("softmax")(bold(c) + V bold(h)^({k})) =',
                trace.y_hat[t],
                "o",
                f"L^({k}) = -log hat(y)^({k})_({target + 1}) = {format_value(loss, 3)}",
            )
            gy = glyph("y", t, trace.y_hat[t], "o", o_node)
            self.play(Indicate(net.v_arrows[t]), *anims)
            self.play(FadeIn(gy))
            cells = self.glyphs[("y", t)]
            if target < cells.n_shown:  # the target's cell, when it is on screen
                mark = SurroundingRectangle(
                    cells.cells[target], buff=0.02, color=ManimColor(th.loss), stroke_width=5
                )
                on_screen[("y", t)].add(mark)
                self.play(Create(mark))


# ---------------------------------------------------------------------------------------
# Backpropagation through time


class BPTT(LectureSlide):
    """Errors from each loss flow back; per-loss shares of dL/dW summed once; truncated
    BPTT cuts the errors after k steps."""

    scene_id = "bptt"
    title = "Backpropagation through time"
    description = "Per-loss gradients of W in coloured frames, summed once; truncated BPTT."

    def construct(self) -> None:
        th = self.theme
        params, trace = rnn_lesson(self.scene_config)
        self.data = rnn_errors_through_time(self.scene_config)
        shown = play_errors_through_time(
            self,
            self.data,
            block_label='"RNN"',
            param_expr="W",
            param_name="W",
            title_text="Backpropagation through time",
        )

        T = trace.T
        k = min(TRUNCATE, T - 1)
        self.truncate = k
        truncated, _ = rnn_backward(params, trace, truncate=k)
        self.truncated_W = truncated.W
        self.step(
            f"Full BPTT needs the whole sequence before one update. Truncated BPTT lets each "
            f"loss send its errors back through at most {k} recurrent connection"
            f"{'s' if k != 1 else ''}: cheaper, but the gradient is only an approximation."
        )
        colours = step_palette(th, T)
        left, right, bottom, top = figure_zone(strip=False)
        chain = flow_chain(T, '"RNN"', th, right - left)  # gaps wide enough for the arrows
        chain.scale(0.85).move_to(UP * 1.5)
        # each loss's errors go back at most k steps: the same coloured flows, cut short
        lanes = flow_lanes(chain, T)
        norms = self.data.error_norms
        arrows = VGroup(
            *[
                error_flow(
                    chain,
                    s,
                    norms[s],
                    colours[s],
                    lane_y=lanes[s],
                    top=float(np.max(norms)),
                    widest=lane_widest(lanes),
                    down_to=max(s - k, 0),
                )
                for s in range(T)
            ]
        )
        probe = MatrixGlyph(self.data.total, quantity="error", theme=th)
        cols = max(2, int(((right - left - 1.2) / 2) // probe.rows[0].cells[0].width))
        room_h = chain.get_bottom()[1] - 0.45 - bottom - 1.3
        rows_fit = max(2, int(room_h // probe.rows[0].cells[0].height))
        full = MatrixGlyph(
            self.data.total,
            label_expr='(partial L)/(partial W) quad "full"',
            quantity="error",
            theme=th,
            max_cells=cols,
            max_rows=rows_fit,
        )
        trunc = MatrixGlyph(
            truncated.W,
            label_expr=f'(partial L)/(partial W) quad "truncated, k = {k}"',
            quantity="error",
            theme=th,
            max_cells=cols,
            max_rows=rows_fit,
        )
        pair = VGroup(full, trunc).arrange(RIGHT, buff=1.2, aligned_edge=UP)
        pair.next_to(chain, DOWN, buff=0.45)
        gap = float(np.max(np.abs(truncated.W - self.data.total)))
        self.max_difference = gap
        text = f"largest difference: {gap:.3f}"
        if full.note:
            text += f"   ({full.note})"
        diff = label(text, font_size=TYPE.note, color=th.muted, theme=th).next_to(
            pair, DOWN, buff=0.25
        )
        self.full_glyph, self.truncated_glyph = full, trunc
        leaving = VGroup(*shown[1:])
        if getattr(self, "size_note", None) is not None:  # the "rows 1-r ..." note, if any
            leaving.add(self.size_note)
        self.play(FadeOut(leaving))
        self.play(
            FadeIn(chain), LaggedStart(*[GrowArrow(a) for f in arrows for a in f], lag_ratio=0.1)
        )
        self.play(FadeIn(pair), FadeIn(diff))


SCENES = [DCLBackpropReview, RNNNeurons, RNNUnfolding, RNNForward, BPTT]
