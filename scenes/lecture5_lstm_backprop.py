"""Lecture 5: LSTM back propagation, following the flows of variables.

Chain rules as small graphs of functions (one product per route, summed over routes);
errors flowing back through time at the block level; the deltas inside the LSTM block in
the article's order; vanishing and exploding gradients; and gradient clipping on the cliff
landscape of Pascanu et al. Every number comes from ``rnn_core`` through
``scenes.lesson_data``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    PI,
    RIGHT,
    UP,
    Arrow,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    ManimColor,
    ReplacementTransform,
    Surface,
    SurroundingRectangle,
    ThreeDScene,
    VGroup,
    VMobject,
)

from scenes.kit.base import LectureSlide
from scenes.kit.bptt import play_errors_through_time
from scenes.kit.components import VectorGlyph, format_value, label, math
from scenes.kit.diagrams import (
    FunctionGraph,
    LogAxes,
    back_pulse,
    step_palette,
)
from scenes.kit.lstm_cell import LSTMCell
from scenes.lesson_data import (
    chain_examples,
    cliff_data,
    gradient_norms,
    lstm_backward_example,
    lstm_errors_through_time,
)

__all__ = [
    "ChainRuleGraphs",
    "ErrorsThroughTime",
    "LSTMBackwardFlow",
    "VanishingExploding",
    "GradientClipping",
    "SCENES",
    "DELTA_EQUATIONS",
]

LECTURE = 5
LECTURE_TITLE = "LSTM back propagation: following the flows of variables"

TITLE_SIZE = 34
CAMERA = (62.0, 70.0, 0.85)  # phi, theta (degrees), zoom of the cliff landscape


def _title(scene: LectureSlide, text: str) -> VGroup:
    title = label(text, font_size=TITLE_SIZE, theme=scene.theme)
    title.to_edge(UP, buff=0.25)
    return title


def _fmt(v: float, places: int = 4) -> str:
    """A value in on-screen math: :func:`format_value` with a typographic minus."""
    return format_value(v, places).replace("-", "\u2212")


# ---------------------------------------------------------------------------------------
# Chain rules


class ChainRuleGraphs(LectureSlide):
    """Chain rules as graphs: one chain, two routes, n routes; purple arrows go backward."""

    scene_id = "chain-rule-graphs"
    title = "Chain rules as graphs of functions"
    description = "Derivative = sum over routes of the product of local derivatives."

    def construct(self) -> None:
        th = self.theme
        ex = chain_examples()
        self.examples = ex
        self.shown: dict[str, str] = {}
        title = _title(self, "Chain rules: follow every route")

        # 1. A single chain
        self.step(
            "Every node is a function of the nodes pointing into it. With a single chain "
            "x -> u -> v -> L, the derivative of L by x is the product of the local "
            "derivatives along the chain: differentiation flows backward (purple)."
        )
        single = ex["single"]
        g1 = FunctionGraph(
            {
                "x": (LEFT * 4.5, "x", single.values["x"]),
                "u": (LEFT * 1.5, "u", single.values["u"]),
                "v": (RIGHT * 1.5, "v", single.values["v"]),
                "L": (RIGHT * 4.5, "L", single.values["L"]),
            },
            [("x", "u"), ("u", "v"), ("v", "L")],
            theme=th,
        ).shift(UP * 1.6)
        defs = math(
            "u = x^2, quad v = sin(u), quad L = v^2, quad x = 0.5", font_size=26, theme=th
        ).next_to(g1, DOWN, buff=0.35)
        self.play(FadeIn(title), FadeIn(g1), FadeIn(defs))
        backs = [g1.back_edge(a, b) for a, b in [("v", "L"), ("u", "v"), ("x", "u")]]
        rule = math(
            "(partial L)/(partial x) = (partial L)/(partial v) (partial v)/(partial u) "
            "(partial u)/(partial x)",
            font_size=30,
            theme=th,
        ).next_to(defs, DOWN, buff=0.4)
        self.play(LaggedStart(*[GrowArrow(a) for a in backs], lag_ratio=0.5), FadeIn(rule))
        local = single.local
        nums = math(
            f"= {_fmt(local[('v', 'L')])} times {_fmt(local[('u', 'v')])} times "
            f"{_fmt(local[('x', 'u')])} = {_fmt(single.derivative, 6)}",
            font_size=28,
            theme=th,
        ).next_to(rule, DOWN, buff=0.25)
        check = self._check(single).next_to(nums, DOWN, buff=0.3)
        self.play(FadeIn(nums), FadeIn(check))
        self.shown["single"] = _fmt(single.derivative, 6)
        part1 = VGroup(g1, defs, rule, nums, check, *backs)

        # 2. Two routes
        self.step(
            "Now x reaches L through two intermediate variables u and v. Each route gives "
            "one term, a product along it, and the derivative is the sum of the terms."
        )
        two = ex["two"]
        g2 = FunctionGraph(
            {
                "x": (LEFT * 3.5, "x", two.values["x"]),
                "u": (UP * 1.0, "u", two.values["u"]),
                "v": (DOWN * 1.0, "v", two.values["v"]),
                "L": (RIGHT * 3.5, "L", two.values["L"]),
            },
            [("x", "u"), ("x", "v"), ("u", "L"), ("v", "L")],
            theme=th,
        ).shift(UP * 1.0)
        defs2 = math("u = x^2, quad v = sin(x), quad L = u v + u", font_size=26, theme=th).next_to(
            g2, DOWN, buff=0.3
        )
        self.play(FadeOut(part1), FadeIn(g2), FadeIn(defs2))
        colours = [th.error, th.y]
        route_arrows = VGroup()
        for route, colour in zip(two.routes, colours, strict=True):
            for a, b in zip(route, route[1:], strict=False):
                arrow = g2.back_edge(a, b)
                arrow.set_color(ManimColor(colour))
                route_arrows.add(arrow)
        rule2 = math(
            "(partial L)/(partial x) = (partial L)/(partial u) (partial u)/(partial x) + "
            "(partial L)/(partial v) (partial v)/(partial x)",
            font_size=28,
            theme=th,
        ).next_to(defs2, DOWN, buff=0.3)
        nums2 = math(
            f"= {_fmt(two.terms[0])} + {_fmt(two.terms[1])} = {_fmt(two.derivative, 6)}",
            font_size=28,
            theme=th,
        ).next_to(rule2, DOWN, buff=0.2)
        check2 = self._check(two).next_to(nums2, DOWN, buff=0.25)
        self.play(LaggedStart(*[GrowArrow(a) for a in route_arrows], lag_ratio=0.3))
        self.play(FadeIn(rule2), FadeIn(nums2), FadeIn(check2))
        self.shown["two"] = _fmt(two.derivative, 6)
        part2 = VGroup(g2, defs2, route_arrows, rule2, nums2, check2)

        # 3. n routes
        general = ex["general"]
        n = len(general.routes)
        self.step(
            f"In general, if x reaches L through n variables, the derivative has n terms, "
            f"one per route. Here n = {n}: y_k = sin(k x), L = sum of y_k^2 / k. This is how "
            "to read every LSTM backprop equation: find all routes, multiply along each, add."
        )
        nodes = {"x": (LEFT * 3.5, "x", None), "L": (RIGHT * 3.5, "L", None)}
        for k in range(1, n + 1):
            nodes[f"y{k}"] = (UP * (1.5 - (k - 1) * 1.0), f"y_{k}", None)
        g3 = FunctionGraph(
            nodes,
            [("x", f"y{k}") for k in range(1, n + 1)] + [(f"y{k}", "L") for k in range(1, n + 1)],
            theme=th,
            radius=0.32,
        ).shift(UP * 0.75)
        palette = step_palette(th, n)
        arrows3 = VGroup()
        for k, colour in zip(range(1, n + 1), palette, strict=True):
            for a, b in (("x", f"y{k}"), (f"y{k}", "L")):
                arrow = g3.back_edge(a, b, offset=0.13)
                arrow.set_color(ManimColor(colour))
                arrows3.add(arrow)
        rule3 = math(
            "(partial L)/(partial x) = sum_(k=1)^n (partial L)/(partial y_k) "
            "(partial y_k)/(partial x)",
            font_size=28,
            theme=th,
        ).next_to(g3, DOWN, buff=0.3)
        terms = " + ".join(f"({_fmt(t, 3)})" for t in general.terms)
        nums3 = math(f"= {terms} = {_fmt(general.derivative, 6)}", font_size=26, theme=th).next_to(
            rule3, DOWN, buff=0.2
        )
        check3 = self._check(general).next_to(nums3, DOWN, buff=0.2)
        self.play(FadeOut(part2), FadeIn(g3))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows3], lag_ratio=0.15))
        self.play(FadeIn(rule3), FadeIn(nums3), FadeIn(check3))
        self.shown["general"] = _fmt(general.derivative, 6)

    def _check(self, example) -> VGroup:
        return label(
            f"finite difference: {example.numeric:.6f}   (chain rule: {example.derivative:.6f})",
            font_size=22,
            color=self.theme.muted,
            theme=self.theme,
        )


# ---------------------------------------------------------------------------------------
# Errors through time


class ErrorsThroughTime(LectureSlide):
    """Block level: each loss sends errors back to all earlier steps; per-step gradients in
    coloured frames are summed once for one parameter update."""

    scene_id = "errors-through-time"
    title = "Errors flow back through time"
    description = "Per-loss gradients of W_z in coloured frames, summed once per update."

    def construct(self) -> None:
        self.data = lstm_errors_through_time(self.scene_config, "W_z")
        play_errors_through_time(
            self, self.data, block_label='"LSTM"', param_expr="W_z", param_name="W_z"
        )


# ---------------------------------------------------------------------------------------
# Inside the block


# The deltas in Greff et al.'s notation (Typst). ``next`` terms come from step t+1.
DELTA_EQUATIONS = {
    "dy": "delta bold(y)^t &= Delta^t + R_z^T delta macron(bold(z))^(t+1) + "
    "R_i^T delta macron(bold(i))^(t+1) \\ &+ R_f^T delta macron(bold(f))^(t+1) + "
    "R_o^T delta macron(bold(o))^(t+1)",
    "do_bar": "delta macron(bold(o))^t = delta bold(y)^t dot.o tanh(bold(c)^t) dot.o "
    "sigma'(macron(bold(o))^t)",
    "dc": "delta bold(c)^t &= delta bold(y)^t dot.o bold(o)^t dot.o tanh'(bold(c)^t) + "
    "bold(p)_o dot.o delta macron(bold(o))^t \\ &+ bold(p)_i dot.o delta macron(bold(i))^(t+1) + "
    "bold(p)_f dot.o delta macron(bold(f))^(t+1) + "
    "{{ delta bold(c)^(t+1) dot.o bold(f)^(t+1) : highway }}",
    "df_bar": "delta macron(bold(f))^t = delta bold(c)^t dot.o bold(c)^(t-1) dot.o "
    "sigma'(macron(bold(f))^t)",
    "di_bar": "delta macron(bold(i))^t = delta bold(c)^t dot.o bold(z)^t dot.o "
    "sigma'(macron(bold(i))^t)",
    "dz_bar": "delta macron(bold(z))^t = delta bold(c)^t dot.o bold(i)^t dot.o "
    "tanh'(macron(bold(z))^t)",
    "grads": "delta W_star = sum_t delta macron(bold(star))^t (bold(x)^t)^T, quad "
    "delta R_star = sum_t delta macron(bold(star))^(t+1) (bold(y)^t)^T, quad "
    "delta bold(b)_star = sum_t delta macron(bold(star))^t",
}
DELTA_LABELS = {
    "dy": "delta bold(y)^t",
    "do_bar": "delta macron(bold(o))^t",
    "dc": "delta bold(c)^t",
    "df_bar": "delta macron(bold(f))^t",
    "di_bar": "delta macron(bold(i))^t",
    "dz_bar": "delta macron(bold(z))^t",
}
# Where each delta is drawn: the anchor of the forward value it belongs to.
DELTA_ANCHOR = {"dy": "y", "do_bar": "o", "dc": "c", "df_bar": "f", "di_bar": "i", "dz_bar": "z"}


class LSTMBackwardFlow(LectureSlide):
    """The deltas inside the block in the article's order, flowing along the wires."""

    scene_id = "lstm-backward-flow"
    title = "LSTM backprop inside the block"
    description = "delta y, o, c (with the highway term), f, i, z and the gradients, real values."

    def construct(self) -> None:
        th = self.theme
        ex = lstm_backward_example(self.scene_config)
        self.example = ex
        t = ex.t
        peep = ex.params.peepholes
        cell = LSTMCell(layout="circuit", theme=th, peepholes=peep)
        cell.scale(0.8).move_to(UP * 0.55)
        self.cell = cell
        self.glyphs: dict[str, VectorGlyph] = {}
        err = th.error
        title = _title(self, f"Errors inside the LSTM block at t = {t + 1}")

        self.step(
            "The forward pass left every value in place. Backprop visits the block in the "
            "reverse order: errors (deltas) flow back along the same wires, drawn in purple."
        )
        drawn = [cell.extras, cell.wire_group, cell.node_group, cell.terminals_group]
        if peep:
            drawn.append(cell.peephole_group)
        self.play(FadeIn(title), *[FadeIn(g) for g in drawn])
        strip = None

        def show(key: str, wires: list[str], notes: str, extra=()) -> None:
            nonlocal strip
            self.step(notes)
            new_strip = self._strip(key, ex.at(key))
            glyph = self._delta_glyph(cell, key, ex.at(key))
            pulses = [back_pulse(cell.wires[w], err) for w in wires]
            self.play(
                *pulses,
                *extra,
                *([FadeOut(strip)] if strip is not None else []),
                FadeIn(new_strip, shift=UP * 0.2),
                run_time=1.2,
            )
            self.play(FadeIn(glyph))
            strip = new_strip

        show(
            "dy",
            ["y_out"],
            "First the error at the output y^t: the error from the loss above (Delta^t) plus "
            "the errors coming back from the four gates of step t+1 through R.",
        )
        show(
            "do_bar",
            ["y_out", "o_out"],
            "y^t depends on the output gate through a single route, so delta o-bar is one "
            "product: the first kind of chain rule.",
        )
        highway_note = (
            "delta c^t collects every route back to the cell: through o and tanh, through "
            "the peepholes, and along the highway from step t+1, where it is multiplied by "
            "the next forget gate: delta c^(t+1) times f^(t+1)."
        )
        show("dc", ["y_out", "tanh_out", "c_tap", "c_out"], highway_note)
        self.highway = self._strip_highlight(strip)
        nxt = ex.at("dc", t + 1) * ex.at("f", t + 1)
        self.highway_value = nxt
        hv = VectorGlyph(
            nxt,
            label="delta bold(c)^(t+1) dot.o bold(f)^(t+1)",
            quantity="error",
            theme=th,
            direction="row",
            cell_width=0.95,
            font_size=18,
            label_size=22,
        )
        hv.next_to(strip, UP, buff=0.2).to_edge(RIGHT, buff=0.4)
        self.highway_glyph = hv
        self.step(
            "The highway term on its own: the error that reaches c^t from the future, scaled "
            "only by the forget gate. When f is near 1 it passes almost unchanged, which is "
            "how LSTMs keep gradients from vanishing."
        )
        self.play(
            back_pulse(cell.wires["c_out"], err, width=9),
            back_pulse(cell.wires["mul_f_out"], err, width=9),
            Create(self.highway),
            FadeIn(hv),
        )
        show(
            "df_bar",
            ["mul_f_out", "f_out"],
            "Then the forget gate: the cell error times c^(t-1), through the sigmoid's slope.",
            extra=[FadeOut(hv), FadeOut(self.highway)],
        )
        show(
            "di_bar",
            ["mul_i_out", "i_out"],
            "The input gate: the cell error times the block input z^t.",
        )
        show(
            "dz_bar",
            ["mul_i_out", "z_out"],
            "The block input: the cell error times the input gate i^t, through tanh's slope.",
        )

        self.step(
            "Parameters do not depend on time: their gradients sum the deltas of every step, "
            "multiplied by what entered the gate. Here the biases, straight from lstm_backward."
        )
        eq = math(DELTA_EQUATIONS["grads"], font_size=27, theme=th)
        biases = VGroup(
            *[
                VectorGlyph(
                    getattr(ex.grads, f"b_{g}"),
                    label=f"delta bold(b)_{g}",
                    quantity="error",
                    theme=th,
                    direction="row",
                    cell_width=0.85,
                    font_size=16,
                    label_size=20,
                )
                for g in ("z", "i", "f", "o")
            ]
        ).arrange(RIGHT, buff=0.35)
        new_strip = VGroup(eq, biases).arrange(DOWN, buff=0.2)
        if new_strip.width > 13.4:
            new_strip.scale_to_fit_width(13.4)
        new_strip.to_edge(DOWN, buff=0.2)
        self.bias_glyphs = {g: biases[k] for k, g in enumerate("zifo")}
        self.play(FadeOut(strip), FadeIn(new_strip, shift=UP * 0.2))

    def _delta_glyph(self, cell: LSTMCell, key: str, values: np.ndarray) -> VectorGlyph:
        glyph = cell.make_glyph(DELTA_ANCHOR[key], values)
        fresh = VectorGlyph(
            values, quantity="error", theme=self.theme, cell_width=0.95, font_size=20
        )
        fresh.match_height(glyph).move_to(glyph)
        self.glyphs[key] = fresh
        return fresh

    def _strip(self, key: str, values: np.ndarray) -> VGroup:
        eq = math(DELTA_EQUATIONS[key], font_size=28, theme=self.theme)
        glyph = VectorGlyph(
            values,
            label=DELTA_LABELS[key],
            quantity="error",
            theme=self.theme,
            direction="row",
            cell_width=1.0,
            font_size=20,
        )
        strip = VGroup(eq, glyph).arrange(RIGHT, buff=0.6)
        if strip.width > 13.4:
            strip.scale_to_fit_width(13.4)
        strip.to_edge(DOWN, buff=0.25)
        strip.eq, strip.glyph = eq, glyph
        return strip

    def _strip_highlight(self, strip: VGroup) -> VMobject:
        term = strip.eq.select("highway")
        term.set_color(ManimColor(self.theme.error))
        return SurroundingRectangle(
            term, buff=0.05, color=ManimColor(self.theme.error), stroke_width=2.5
        )


# ---------------------------------------------------------------------------------------
# Vanishing and exploding gradients


class VanishingExploding(LectureSlide):
    """||dh^t/dh^k|| against t - k on a log scale: RNNs below and above 1/gamma, the bound,
    then the LSTM."""

    scene_id = "vanishing-exploding"
    title = "Vanishing and exploding gradients"
    description = "Jacobian norms on a log scale for RNNs with ||W|| below/above 1; the LSTM."

    def construct(self) -> None:
        th = self.theme
        data = gradient_norms(self.scene_config)
        self.data = data
        d = data.distances
        title = _title(self, "How far back does an error reach?")
        axes = LogAxes(
            (0, float(d[-1]), 5),
            (-6, 4),
            x_length=7.2,
            y_length=5.0,
            x_label="t - k",
            y_label="norm((partial bold(h)^t)/(partial bold(h)^k))",
            theme=th,
        )
        axes.to_edge(LEFT, buff=0.9).shift(DOWN * 0.35)
        self.axes = axes
        legend = VGroup()

        def entry(colour: str, text: str, dashed: bool = False) -> VGroup:
            if dashed:
                line = DashedLine(ORIGIN, RIGHT * 0.6, color=ManimColor(colour), stroke_width=4)
            else:
                line = VMobject(stroke_color=ManimColor(colour), stroke_width=4)
                line.set_points_as_corners([ORIGIN, RIGHT * 0.6])
            words = label(text, font_size=20, color=th.text, theme=th)
            return VGroup(line, words).arrange(RIGHT, buff=0.15)

        def place_legend() -> None:
            legend.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
            legend.next_to(axes, RIGHT, buff=0.4).align_to(axes, UP)

        low_s, high_s = data.sigmas
        self.step(
            "Backprop through a simple RNN multiplies one Jacobian per step, "
            "diag(1 - h^2) W. The norm of the product is bounded by (gamma ||W||)^(t-k), "
            "with gamma = 1 for tanh."
        )
        self.play(FadeIn(title), FadeIn(axes))

        self.curves: dict[str, VMobject] = {}
        specs = [
            (
                "rnn_low",
                data.rnn[0],
                th.i,
                f"simple RNN, ||W|| = {low_s}",
                False,
                f"With ||W|| = {low_s}, below 1/gamma, the norm shrinks exponentially with the "
                "distance: errors from far away vanish.",
            ),
            (
                "bound_low",
                data.bounds[0],
                th.i,
                f"bound {low_s}^(t-k)",
                True,
                "The bound (gamma ||W||)^(t-k), dotted, is a straight line on a log scale. With "
                "small activations tanh' is close to 1, so the norm follows the bound closely.",
            ),
            (
                "rnn_high",
                data.rnn[1],
                th.c,
                f"simple RNN, ||W|| = {high_s}",
                False,
                f"With ||W|| = {high_s}, above 1/gamma, the norm grows until tanh saturates; "
                "the bound allows exponential growth: exploding gradients.",
            ),
            (
                "bound_high",
                data.bounds[1],
                th.c,
                f"bound {high_s}^(t-k)",
                True,
                "Its bound grows exponentially; large weights, or inputs that keep tanh in its "
                "linear range, let the gradient follow it.",
            ),
            (
                "highway",
                data.highway,
                th.f,
                "LSTM highway: product of f",
                False,
                "In an LSTM the cell path multiplies forget gates only, no weight matrix. With "
                "forget gates near 1 the product decays slowly.",
            ),
            (
                "lstm",
                data.lstm,
                th.y,
                "LSTM, full (c, y) Jacobian",
                False,
                "The full LSTM Jacobian, through all routes, stays in the same range: errors "
                "reach much further back than in the simple RNN with small weights.",
            ),
        ]
        for key, ys, colour, text, dashed, notes in specs:
            self.step(notes)
            curve = axes.curve(d, ys, colour, dashed=dashed)
            self.curves[key] = curve
            legend.add(entry(colour, text, dashed))
            place_legend()
            self.play(Create(curve), FadeIn(legend[-1]), run_time=1.2)
        self.legend = legend


# ---------------------------------------------------------------------------------------
# Gradient clipping on the cliff


class GradientClipping(LectureSlide, ThreeDScene):
    """The cliff landscape in 3-D, descent with and without norm clipping, then value vs
    norm clipping."""

    scene_id = "gradient-clipping"
    title = "Gradient clipping on a loss cliff"
    description = "Plain descent jumps off the cliff; norm clipping does not."

    def construct(self) -> None:
        th = self.theme
        data = cliff_data()
        self.data = data
        w, b, loss = data.w, data.b, data.loss
        # Scene coordinates: w and b span 6 units each, loss height 3 units per 0.5.
        sx, sy, sz = 6.0 / np.ptp(w), 6.0 / np.ptp(b), 6.0
        w0, b0 = w.mean(), b.mean()

        def to_scene(wv: float, bv: float, lv: float) -> np.ndarray:
            return np.array([(wv - w0) * sx, (bv - b0) * sy, lv * sz - 1.2])

        mw, mb, ml = data.mesh_w, data.mesh_b, data.mesh_loss

        def surface_point(u: float, v: float) -> np.ndarray:  # u, v index the cliff mesh
            i, r = int(round(u)), int(round(v))
            return to_scene(mw[i, r], mb[i, r], ml[i, r])

        surface = Surface(
            surface_point,
            u_range=[0, mw.shape[0] - 1],
            v_range=[0, mw.shape[1] - 1],
            resolution=(mw.shape[0] - 1, mw.shape[1] - 1),
            fill_opacity=0.85,
            stroke_width=0.3,
            stroke_color=ManimColor(th.grid),
            checkerboard_colors=False,
        )
        surface.set_fill_by_value(
            axes=_HeightAxes(),
            colorscale=[(ManimColor(th.i), -1.2), (ManimColor(th.y), 0.6), (ManimColor(th.c), 1.6)],
            axis=2,
        )
        self.surface = surface
        # Each axis letter sits just outside the middle of the edge along which it varies.
        mid_w, mid_b = len(w) // 2, len(b) // 2
        axis_labels = VGroup(
            math("w", font_size=34, theme=th).move_to(
                to_scene(w[mid_w], b[0], loss[0, mid_w]) + np.array([0, -0.8, 0])
            ),
            math("b", font_size=34, theme=th).move_to(
                to_scene(w[0], b[mid_b], loss[mid_b, 0]) + np.array([-0.8, 0, 0])
            ),
        )
        self.add_fixed_orientation_mobjects(*axis_labels)
        self.remove(*axis_labels)
        self.set_camera_orientation(
            phi=CAMERA[0] * PI / 180, theta=CAMERA[1] * PI / 180, zoom=CAMERA[2]
        )
        _paint_back_to_front(surface, self.renderer.camera.get_rotation_matrix())

        title = _title(self, "A cliff in the loss landscape")
        self.add_fixed_in_frame_mobjects(title)
        self.remove(title)
        self.step(
            "The loss of a recurrent net can have flat plains and steep cliffs. This is the "
            "one-unit RNN of Pascanu et al. run for 50 steps: loss over its weight w and "
            "bias b, computed on the whole grid in one vectorised call."
        )
        caption = label(
            "loss after 50 steps, over the weight w and the bias b",
            font_size=22,
            color=th.muted,
            theme=th,
        ).next_to(title, DOWN, buff=0.12)
        self.add_fixed_in_frame_mobjects(caption)
        self.remove(caption)
        self.play(FadeIn(title), FadeIn(caption), Create(surface), FadeIn(axis_labels), run_time=2)

        def path_mobject(
            path, colour: str, limit: int | None = None, width: float = 5
        ) -> tuple[VMobject, list]:
            pts = []
            for (wv, bv), lv in zip(path.points, path.losses, strict=True):
                inside = w[0] <= wv <= w[-1] and b[0] <= bv <= b[-1]
                if not inside:
                    pts.append(None)
                    break
                pts.append(to_scene(wv, bv, lv) + np.array([0, 0, 0.06]))
            kept = [p for p in pts if p is not None][: limit or None]
            line = VMobject(stroke_color=ManimColor(colour), stroke_width=width)
            line.set_points_as_corners(kept)
            return line, pts

        plain_line, plain_pts = path_mobject(data.plain, th.c, width=9)
        clip_line, _ = path_mobject(data.clipped, th.x, width=4)
        # Where the unclipped step leaves the map: an arrow from the cliff edge toward it.
        edge = [p for p in plain_pts if p is not None][-1]
        jump = int(np.argmax(data.plain.grad_norms))
        heading = data.plain.points[jump + 1] - data.plain.points[jump]
        heading = np.array([heading[0] * sx, heading[1] * sy, 0.0])
        leave = Arrow(
            edge,
            edge + heading / np.linalg.norm(heading) * 2.2 + np.array([0, 0, 1.0]),
            buff=0,
            stroke_width=6,
            color=ManimColor(th.c),
        )
        self.paths = {"plain": data.plain, "clipped": data.clipped}
        start = Dot(point=to_scene(*data.plain.points[0], data.plain.losses[0]), color=th.text)

        legend = VGroup(
            label("without clipping", font_size=22, color=th.c, theme=th),
            label(
                f"norm clipping, threshold {data.threshold:g}", font_size=22, color=th.x, theme=th
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        legend.to_corner(DOWN + LEFT, buff=0.3)
        self.add_fixed_in_frame_mobjects(legend)
        self.remove(legend)

        far = data.plain.points[jump + 1]
        self.step(
            f"Plain gradient descent from (w, b) = ({data.plain.points[0][0]:g}, "
            f"{data.plain.points[0][1]:g}) walks down to the edge; there the gradient norm "
            f"is {data.plain.grad_norms[jump]:.0f} and one step throws it to "
            f"({far[0]:.1f}, {far[1]:.1f}), far off this map."
        )
        self.play(FadeIn(start), FadeIn(legend[0]))
        self.play(Create(plain_line), run_time=2)
        self.play(GrowArrow(leave))
        off = label(
            f"\u2192 one step jumps to (w, b) = ({far[0]:.1f}, {far[1]:.1f}), off the map",
            font_size=22,
            color=th.c,
            theme=th,
        )
        off.next_to(legend[0], RIGHT, buff=0.25)
        self.add_fixed_in_frame_mobjects(off)
        self.remove(off)
        self.play(FadeIn(off))

        self.step(
            "With norm clipping the same start and step size take the same path until the "
            "cliff; there the step is cut to the threshold, and descent continues into the "
            f"valley (loss {data.clipped.losses[-1]:.3f})."
        )
        self.play(FadeIn(legend[1]), Create(clip_line), run_time=2)

        self.step(
            "The algorithm is two lines: if the norm of the gradient exceeds the threshold, "
            "rescale the gradient to the threshold. The direction is kept."
        )
        code = VGroup(
            math("bold(g) <- (partial L)/(partial theta)", font_size=26, theme=th),
            math(
                '"if" norm(bold(g)) >= v : quad bold(g) <- v / norm(bold(g)) bold(g)',
                font_size=26,
                theme=th,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        box = SurroundingRectangle(code, buff=0.2, color=ManimColor(th.muted), stroke_width=2)
        pseudo = VGroup(box, code).to_corner(UP + RIGHT, buff=0.3).shift(DOWN * 1.0)
        self.add_fixed_in_frame_mobjects(pseudo)
        self.remove(pseudo)
        self.play(FadeIn(pseudo))

        self.step(
            "Value clipping cuts each component separately instead. At the cliff step the "
            f"gradient is ({data.gradient[0]:.1f}, {data.gradient[1]:.1f}): norm clipping "
            "keeps its direction, value clipping turns it."
        )
        panel = self._clip_panel(data)
        self.add_fixed_in_frame_mobjects(panel)
        self.remove(panel)
        self.play(
            FadeOut(pseudo),
            FadeOut(off),
            FadeOut(legend),
            FadeOut(surface),
            FadeOut(plain_line),
            FadeOut(clip_line),
            FadeOut(start),
            FadeOut(leave),
            FadeOut(axis_labels),
            FadeOut(caption),
        )
        new_title = _title(self, "Norm clipping vs value clipping")
        self.add_fixed_in_frame_mobjects(new_title)
        self.remove(new_title)
        self.play(FadeIn(panel), ReplacementTransform(title, new_title))
        self.clip_panel = panel

    def _clip_panel(self, data) -> VGroup:
        th = self.theme
        scale = 1.6  # scene units per gradient unit for the clipped vectors
        origin = ORIGIN
        g = data.gradient / np.linalg.norm(data.gradient) * 3.0  # the raw gradient, shortened

        def arrow(vec: np.ndarray, colour: str) -> Arrow:
            return Arrow(
                origin,
                origin + np.array([vec[0], vec[1], 0.0]),
                buff=0,
                stroke_width=4,
                color=ManimColor(colour),
                tip_length=0.16,
            )

        raw = arrow(g, th.muted)
        by_norm = arrow(data.norm_clipped * scale, th.x)
        by_value = arrow(data.value_clipped * scale, th.i)
        angles = [
            np.degrees(np.arctan2(v[1], v[0]))
            for v in (data.gradient, data.norm_clipped, data.value_clipped)
        ]
        texts = VGroup(
            label(
                f"gradient ({data.gradient[0]:.1f}, {data.gradient[1]:.1f}), "
                f"angle {angles[0]:.0f}\u00b0 (arrow shortened)",
                font_size=20,
                color=th.muted,
                theme=th,
            ),
            label(
                f"norm-clipped ({format_value(data.norm_clipped[0])}, "
                f"{format_value(data.norm_clipped[1])}), angle {angles[1]:.0f}\u00b0",
                font_size=20,
                color=th.x,
                theme=th,
            ),
            label(
                f"value-clipped ({format_value(data.value_clipped[0])}, "
                f"{format_value(data.value_clipped[1])}), angle {angles[2]:.0f}\u00b0",
                font_size=20,
                color=th.i,
                theme=th,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        arrows = VGroup(raw, by_norm, by_value)
        texts.next_to(arrows, RIGHT, buff=0.3)
        bg = SurroundingRectangle(
            VGroup(arrows, texts), buff=0.2, color=ManimColor(th.muted), stroke_width=1.5
        )
        bg.set_fill(ManimColor(th.background), opacity=0.92)
        panel = VGroup(bg, arrows, texts)
        panel.scale(1.3).move_to(DOWN * 0.3)
        self.clip_texts = texts
        return panel


def _paint_back_to_front(surface: Surface, rotation: np.ndarray) -> None:
    """Order a height field's faces far to near by their footprint on the ground plane and
    turn off manim's own 3-D sort (by each face's 3-D centre), which draws the tall thin
    faces of a cliff wall in the wrong order and saws the wall into teeth. Seen from above
    (the camera's phi < 90 degrees), footprint order paints a height field correctly; the
    camera must not move afterwards."""
    faces = list(surface.submobjects)
    # manim's shading goes with its sort; shade by hand instead: brightness follows how
    # squarely each face meets a light above and behind the camera, so the wall reads.
    light = rotation.T @ np.array([-0.3, 0.5, 1.0])
    light /= np.linalg.norm(light)
    for face in faces:
        p = face.points  # four straight cubic segments: corners at 0, 4, 8, 12
        normal = np.cross(p[8] - p[0], p[12] - p[4])
        n = np.linalg.norm(normal)
        if n == 0:
            continue
        lit = abs(float(normal @ light)) / n
        rgb = face.get_fill_color().to_rgb() * (0.55 + 0.45 * lit)
        face.set_fill(ManimColor(rgb), opacity=face.get_fill_opacity())
    depth = []
    for face in faces:
        x, y = face.get_center()[:2]
        depth.append(float((rotation @ np.array([x, y, 0.0]))[2]))
    order = np.argsort(depth, kind="stable")  # larger = nearer the camera, drawn last
    surface.submobjects = [faces[k] for k in order]
    for mob in surface.get_family():
        mob.shade_in_3d = False


class _HeightAxes:
    """The minimal axes interface ``Surface.set_fill_by_value`` needs: scene z is the value."""

    x_range = y_range = z_range = (-10.0, 10.0, 1.0)

    def point_to_coords(self, point: np.ndarray) -> np.ndarray:
        return np.asarray(point)


SCENES = [
    ChainRuleGraphs,
    ErrorsThroughTime,
    LSTMBackwardFlow,
    VanishingExploding,
    GradientClipping,
]
