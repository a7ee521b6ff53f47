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
    CurvedArrow,
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
from scenes.kit.components import VectorGlyph, format_value, label, math
from scenes.kit.config import SceneConfig, rnn_setup
from scenes.kit.diagrams import BlockChain, BottomStrip, MatrixGlyph, step_palette
from scenes.kit.network import Connections, DenseLayer, RNNBlackBox, UnrolledRNN
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


class RNNNeurons(LectureSlide):
    """The simple RNN as connections of neurons: a DCL per step plus recurrent connections
    in the middle layer; real values at t = 1 and t = 2; then the usual black box."""

    scene_id = "rnn-neurons"
    title = "A simple RNN is connections of neurons"
    description = "Three layers, recurrent connections in the middle, then the black box."

    def construct(self) -> None:
        th = self.theme
        params, trace = rnn_lesson(self.scene_config)
        self.trace = trace
        self.shown: dict[int, dict[str, list[str | None]]] = {}
        title = _title(self, "A simple RNN is connections of neurons")

        def layers(t: int) -> dict[str, DenseLayer]:
            made = _step_layers(
                trace, t, th, superscript=True, direction=RIGHT, spacing=1.25, radius=0.34
            )
            for key, level in (("x", -2.3), ("h", 0.0), ("y", 2.0)):
                made[key].move_to(LEFT * 1.0 + UP * level)
            self.shown[t + 1] = {k: v.displayed for k, v in made.items()}
            return made

        self.step(
            "One time step of a simple RNN is an ordinary densely connected network: the "
            "input x^t comes in at the bottom, the middle layer h^t, the output y-hat^t goes "
            "up. These are the real values of the configured model at t = 1."
        )
        net = layers(0)
        wires = _layer_wires(net, th)
        self.play(FadeIn(title), FadeIn(wires), *[FadeIn(v) for v in net.values()])

        self.step(
            "What makes it recurrent: each neuron of the middle layer also sends its value "
            "to every middle neuron of the next time step (the yellow arrows, weights W). "
            "The RNN keeps information from earlier steps this way."
        )
        hidden = net["h"].neurons
        loops = VGroup()
        n = len(hidden)
        for i in range(n):
            for j in range(n):
                a, b = hidden[i].circle, hidden[j].circle
                if i == j:
                    arc = CurvedArrow(
                        a.get_bottom() + LEFT * 0.12,
                        a.get_bottom() + RIGHT * 0.12,
                        angle=np.pi * 1.5,
                        color=ManimColor(th.y),
                        stroke_width=2.5,
                        tip_length=0.12,
                    )
                else:
                    side = DOWN if i < j else UP
                    arc = CurvedArrow(
                        a.get_critical_point(side),
                        b.get_critical_point(side),
                        angle=0.8,
                        color=ManimColor(th.y),
                        stroke_width=2.5,
                        tip_length=0.12,
                    )
                loops.add(arc)
        self.loops = loops
        w_label = math("W", color=th.y, font_size=30, theme=th).next_to(net["h"], RIGHT, buff=0.6)
        self.play(LaggedStart(*[Create(a) for a in loops], lag_ratio=0.1), FadeIn(w_label))

        self.step(
            "At the next step the same network gets x^2. The middle layer now adds two "
            "linear sums, one of x^2 (weights U) and one of h^1 (weights W), before tanh; "
            "the output follows as before. Same weights, new values."
        )
        nxt = layers(1)
        self.play(*[Transform(net[k], nxt[k]) for k in net])

        self.step(
            "Drawing every neuron soon gets unreadable, so an RNN is usually drawn as a "
            "black box with a loop: the loop is the recurrent connection through W."
        )
        box = RNNBlackBox(theme=th).scale(1.1).move_to(RIGHT * 4.6 + DOWN * 0.1)
        self.box = box
        drawing = VGroup(wires, loops, w_label, *net.values())
        self.play(drawing.animate.scale(0.8).shift(LEFT * 1.2), FadeIn(box, shift=LEFT * 0.3))


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
