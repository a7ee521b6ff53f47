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
from scenes.kit.bptt import play_errors_through_time
from scenes.kit.components import VectorGlyph, Wire, format_value, label, math
from scenes.kit.config import SceneConfig, rnn_setup
from scenes.kit.diagrams import (
    BlockChain,
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


def _title(scene: LectureSlide, text: str) -> VGroup:
    return label(text, font_size=TITLE_SIZE, theme=scene.theme).to_edge(UP, buff=0.25)


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
        red = th.c
        target = int(trace.targets[0])
        title = _title(self, "Review: backprop in a densely connected network")
        xs = (-4.6, -0.9, 2.8)
        layers = _step_layers(trace, 0, th, superscript=False, spacing=1.05, radius=0.36)
        for key, x in zip(("x", "h", "y"), xs, strict=True):
            layers[key].move_to(RIGHT * x + DOWN * 0.2)
        self.layers = layers
        wires = _layer_wires(layers, th)
        eq = VGroup(
            math("bold(h) = tanh(bold(b) + U bold(x))", font_size=24, theme=th),
            math('hat(bold(y)) = op("softmax")(bold(c) + V bold(h))', font_size=24, theme=th),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        eq.next_to(title, DOWN, buff=0.25)
        strip = BottomStrip()

        def err_glyph(values, layer: DenseLayer) -> VectorGlyph:
            g = VectorGlyph(
                values,
                quantity="error",
                color=red,
                theme=th,
                direction="row",
                cell_width=0.9,
                font_size=17,
            )
            g.next_to(layer.neurons, DOWN, buff=0.3)
            return g

        self.step(
            "A densely connected network with three layers, forward: the input, the middle "
            "layer after tanh, and the class probabilities. These are the configured model's "
            "values: one step of the simple RNN, without its recurrent connections."
        )
        self.play(FadeIn(title), FadeIn(eq), FadeIn(wires), *[FadeIn(v) for v in layers.values()])

        self.step(
            f"Backprop starts at the output. With softmax and cross-entropy the error of "
            f"the output layer is y-hat minus the one-hot target (class {target + 1})."
        )
        self.glyphs: dict[str, VectorGlyph] = {}
        g_out = err_glyph(deltas.do[0], layers["y"])
        self.glyphs["do"] = g_out
        self.play(
            FadeIn(g_out),
            *strip.show(
                math(
                    f"delta bold(o) = hat(bold(y)) - bold(e)_({target + 1}) =",
                    font_size=26,
                    theme=th,
                ),
                VectorGlyph(
                    deltas.do[0],
                    quantity="error",
                    color=red,
                    theme=th,
                    direction="row",
                    cell_width=0.92,
                    font_size=18,
                ),
            ),
        )

        j = 0
        terms = params.V[:, j] * deltas.do[0]
        self.first_sum = (terms, float(deltas.dh[0][j]))
        self.step(
            "To get the error of one neuron in the middle layer you need the errors of every "
            "neuron in the next layer (red arrows), each weighted by the connection between "
            "them, added up."
        )
        arrows = VGroup(
            *[
                Arrow(
                    layers["y"].neurons[k].get_left(),
                    layers["h"].neurons[j].get_right(),
                    buff=0.05,
                    stroke_width=4,
                    color=ManimColor(red),
                    tip_length=0.18,
                )
                for k in range(len(layers["y"].neurons))
            ]
        )
        sum_text = " + ".join(
            f"({format_value(params.V[k, j])})({format_value(deltas.do[0][k])})"
            for k in range(len(terms))
        )
        self.play(
            LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.2),
            *strip.show(
                math(
                    f"delta h_1 = sum_k V_(k 1) delta o_k = {sum_text} = "
                    f"{format_value(deltas.dh[0][j], 3)}",
                    font_size=24,
                    theme=th,
                )
            ),
        )

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
                    stroke_width=2.5,
                    color=ManimColor(red),
                    tip_length=0.14,
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
                    font_size=26,
                    theme=th,
                ),
                VectorGlyph(
                    deltas.da[0],
                    quantity="error",
                    color=red,
                    theme=th,
                    direction="row",
                    cell_width=0.92,
                    font_size=18,
                ),
            ),
        )

        self.step(
            "The errors give the gradients: the gradient of a weight is the error at its "
            "end times the value at its start. To adjust a layer's parameters you need the "
            "errors of the next layer."
        )
        dv = MatrixGlyph(
            grads.V,
            label_expr="(partial L)/(partial V) = delta bold(o) bold(h)^T",
            color=red,
            theme=th,
            cell_width=0.78,
            font_size=16,
            label_size=20,
        )
        du = MatrixGlyph(
            grads.U,
            label_expr="(partial L)/(partial U) = delta bold(a) bold(x)^T",
            color=red,
            theme=th,
            cell_width=0.78,
            font_size=16,
            label_size=20,
        )
        self.grad_glyphs = {"V": dv, "U": du}
        pair = VGroup(du, dv).arrange(RIGHT, buff=1.0).to_edge(DOWN, buff=0.2)
        net = VGroup(wires, all_arrows, g_out, g_hid, *layers.values())
        self.play(
            FadeOut(strip.current),
            FadeOut(eq),
            net.animate.scale(0.8).next_to(title, DOWN, buff=0.4),
        )
        pair.scale(1.15).next_to(net, DOWN, buff=0.4)
        self.play(FadeIn(pair))


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
        title = _title(self, "A simple RNN is connections of neurons")
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
        self.play(
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


# ---------------------------------------------------------------------------------------
# Unfolding


class RNNUnfolding(LectureSlide):
    """The black box unfolded over the steps of the sequence; U, W and V shared."""

    scene_id = "rnn-unfolding"
    title = "Unfolding an RNN over time"
    description = "One copy per time step, the same U, W and V in every copy."

    def construct(self) -> None:
        th = self.theme
        params, trace = rnn_lesson(self.scene_config)
        T = min(trace.T, 5)
        title = _title(self, "Unfolding an RNN over time")

        self.step(
            "The black box with its loop hides time. To compute, and later to "
            "backpropagate, we need the values of every step, so we unfold it."
        )
        box = RNNBlackBox(output_expr="bold(o)^t", theme=th).scale(1.1)
        self.play(FadeIn(title), FadeIn(box))

        self.step(
            f"Unfolded over {T} steps: one copy of the network per time step, the middle "
            "layer passing its state to the next copy through W. The whole unfolded "
            "network is also called an RNN."
        )
        unrolled = UnrolledRNN(T, theme=th, spacing=min(2.4, 11.0 / T)).move_to(DOWN * 0.2)
        if unrolled.width > 12.8:
            unrolled.scale_to_fit_width(12.8)
        self.unrolled = unrolled
        self.play(ReplacementTransform(box, unrolled), run_time=1.5)

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
        glyph = MatrixGlyph(
            params.W, label_expr="W", color=th.y, theme=th, cell_width=0.8, font_size=17
        )
        glyph.next_to(unrolled, DOWN, buff=0.3)
        if glyph.get_bottom()[1] < -3.8:
            self.play(unrolled.animate.shift(UP * 0.6))
            glyph.next_to(unrolled, DOWN, buff=0.25)
        self.w_glyph = glyph
        boxes = VGroup(
            *[SurroundingRectangle(m, buff=0.05, color=ManimColor(th.y)) for m in unrolled.w_labels]
        )
        self.play(FadeIn(glyph), Create(boxes))


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
        title = _title(self, "Forward propagation, step by step")
        net = UnrolledRNN(T, theme=th, spacing=4.4, levels=(-1.7, 0.0, 1.7), radius=0.34)
        net.move_to(LEFT * 2.6 + DOWN * 0.35)
        self.net = net
        eqs = VGroup(*[math(e, font_size=24, theme=th) for e in FORWARD_EQUATIONS]).arrange(
            DOWN, aligned_edge=LEFT, buff=0.22
        )
        box = SurroundingRectangle(eqs, buff=0.2, color=ManimColor(th.muted), stroke_width=1.5)
        panel = VGroup(box, eqs).to_edge(RIGHT, buff=0.3).shift(UP * 1.3)
        note = label(
            "each circle is a whole layer;\na and h: before and after tanh",
            font_size=16,
            color=th.muted,
            theme=th,
        ).next_to(panel, DOWN, buff=0.2)
        note.align_to(panel, RIGHT)

        self.step(
            "Goodfellow's drawing of two time steps. a^t is a linear sum of the input and "
            "of the last hidden state, h^t its tanh, o^t a linear sum of h^t, and y-hat^t "
            "the softmax: an estimate, hence the hat."
        )
        self.play(FadeIn(title), FadeIn(net), FadeIn(panel), FadeIn(note))
        strip = BottomStrip(buff=0.25)

        def glyph(key: str, t: int, values: np.ndarray, quantity: str, node) -> VectorGlyph:
            if key == "h":  # a row under the W arrow, which leaves h to the right
                g = VectorGlyph(
                    values,
                    quantity=quantity,
                    theme=th,
                    direction="row",
                    cell_width=0.86,
                    font_size=17,
                )
                g.next_to(node, DOWN + RIGHT, buff=0.02).shift(RIGHT * 0.1)
            else:
                g = VectorGlyph(values, quantity=quantity, theme=th, cell_width=0.72, font_size=17)
                g.next_to(node, RIGHT, buff=0.15)
            self.glyphs[(key, t)] = g
            return g

        def show_strip(expr: str, values: np.ndarray, quantity: str, suffix: str = ""):
            parts = [
                math(expr, font_size=26, theme=th),
                VectorGlyph(
                    values,
                    quantity=quantity,
                    theme=th,
                    direction="row",
                    cell_width=0.8,
                    font_size=18,
                ),
            ]
            if suffix:
                parts.append(math(suffix, font_size=26, theme=th))
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
            self.play(
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
            mark = SurroundingRectangle(gy.cells[target], buff=0.02, color=ManimColor(th.loss))
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
        chain = BlockChain(
            T,
            block_label='"RNN"',
            output_label="L^(({t}))",
            theme=th,
            spacing=min(2.6, 11.0 / max(T, 1)),
        )
        chain.scale(0.85).move_to(UP * 1.5)
        arrows = VGroup(
            *[
                chain.error_arrow(s, t, colours[s])
                for s in range(T)
                for t in range(s, max(s - k, 0) - 1, -1)
            ]
        )
        full = MatrixGlyph(
            self.data.total,
            label_expr='(partial L)/(partial W) quad "full"',
            quantity="error",
            theme=th,
            cell_width=0.8,
            font_size=17,
            label_size=22,
        )
        trunc = MatrixGlyph(
            truncated.W,
            label_expr=f'(partial L)/(partial W) quad "truncated, k = {k}"',
            quantity="error",
            theme=th,
            cell_width=0.8,
            font_size=17,
            label_size=22,
        )
        pair = VGroup(full, trunc).arrange(RIGHT, buff=1.2).scale(1.15)
        pair.next_to(chain, DOWN, buff=0.45)
        gap = float(np.max(np.abs(truncated.W - self.data.total)))
        self.max_difference = gap
        diff = label(
            f"largest difference: {gap:.3f}", font_size=20, color=th.muted, theme=th
        ).next_to(pair, DOWN, buff=0.25)
        self.full_glyph, self.truncated_glyph = full, trunc
        self.play(FadeOut(VGroup(*shown[1:])))
        self.play(FadeIn(chain), LaggedStart(*[Create(a) for a in arrows], lag_ratio=0.1))
        self.play(FadeIn(pair), FadeIn(diff))


SCENES = [DCLBackpropReview, RNNNeurons, RNNUnfolding, RNNForward, BPTT]
