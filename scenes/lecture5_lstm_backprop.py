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
    Circle,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    Line,
    ManimColor,
    Square,
    SurroundingRectangle,
    VGroup,
    VMobject,
    config,
)
from manim.utils.space_ops import rotation_about_z, rotation_matrix

from rnn_core.landscape import pascanu_cliff
from scenes.kit.base import LectureSlide
from scenes.kit.bptt import play_errors_through_time
from scenes.kit.components import VectorGlyph, format_value, label, math
from scenes.kit.diagrams import (
    FunctionGraph,
    LogAxes,
    back_pulse,
)
from scenes.kit.lstm_cell import LSTMCell
from scenes.kit.theme import TYPE
from scenes.lesson_data import (
    CliffData,
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

MAX_CELLS = 4  # value slots of a vector: longer ones show 3 cells and "cells 1-3 of n"
BIAS_CELLS = 6  # the bias gradients as columns have room for every cell

# The deck's type scale (scenes.kit.theme.TYPE), named for what each size is for here.
TITLE_SIZE = TYPE.title
LABEL_SIZE = TYPE.label  # names, legends (Text)
NUMBER_SIZE = TYPE.note  # tick numbers (Text)
SMALL_SIZE = TYPE.note  # side notes (Text)
EQ_SIZE = TYPE.equation  # the equation strip (Typst)
AXIS_NAME_SIZE = TYPE.math  # math labels on a figure (Typst)
FIGURE_WIDTH = TYPE.figure_zone()[1] - TYPE.figure_zone()[0]

# The cliff landscape: w and b span MAP scene units; the loss axis runs from 0 to LOSS_TOP
# over LOSS_HEIGHT units, its floor at FLOOR; seen from CAMERA = (phi, theta, zoom).
CAMERA = (58.0, 15.0, 1.0)
# the box around the landscape fills this part of the frame ((x0, x1), (y0, y1)); the rest
# is for tick labels, axis names and the legend
LANDSCAPE_ZONE = ((-6.1, 1.6), (-2.75, 2.45))
SIDE_X = 2.3  # left edge of the column beside the landscape (legend, notes)
MAP = 6.0
LOSS_TOP = 0.5
LOSS_HEIGHT = 2.4
FLOOR = -1.2
# Compared paths and rules: a colour-blind-safe pair (blue vs vermillion), the second of
# each pair also dashed.
CLIFF_PLAIN, CLIFF_CLIPPED = "c", "peephole"
NORM_CLIP, VALUE_CLIP = "peephole", "c"


def _title(scene: LectureSlide, text: str) -> VGroup:
    title = label(text, font_size=TITLE_SIZE, theme=scene.theme)
    title.to_edge(UP, buff=TYPE.title_buff)
    return title


# The graphs of functions fill the figure zone above this line; their equations stack below.
GRAPH_FLOOR = DOWN * 0.75


def _fit_graph(graph: FunctionGraph, top: float = 2.95, bottom: float = -0.75) -> float:
    """Scale a graph of functions up to fill the figure zone above its equations (at most
    1.7x), centred in it; returns the factor (back edges are offset by it too)."""
    left, right, _, _ = TYPE.figure_zone()
    s = min((right - left - 1.0) / graph.width, (top - bottom) / graph.height, 1.7)
    graph.scale(s).move_to(np.array([0.0, (top + bottom) / 2, 0.0]))
    graph.radius *= s  # back edges start and end on the scaled circles
    return s


def _fmt(v: float, places: int = 4) -> str:
    """A value in on-screen math: :func:`format_value` with a typographic minus."""
    return format_value(v, places).replace("-", "\u2212")


class _Lecture5Slide(LectureSlide):
    """The lecture's slides hold the final state of every step for one frame. An animation
    writes its last frame just before its end (at run_time - 1/fps): a lagged or growing
    animation is not quite complete there (an arrow without its tip, a curve short of its
    end), and that frame would be the one a deck shows for the step."""

    def step(self, notes: str) -> None:
        if self.steps:
            self._settle()
        super().step(notes)

    def tear_down(self) -> None:
        if self.steps:
            self._settle()
        super().tear_down()

    def _settle(self) -> None:
        self.wait(1 / config.frame_rate)


# ---------------------------------------------------------------------------------------
# Chain rules


class ChainRuleGraphs(_Lecture5Slide):
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
        )
        s1 = _fit_graph(g1)
        defs = math(
            "u = x^2, quad v = sin(u), quad L = v^2, quad x = 0.5",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(GRAPH_FLOOR, DOWN, buff=0.35)
        self.play(FadeIn(title), FadeIn(g1), FadeIn(defs))
        backs = [
            g1.back_edge(a, b, offset=0.16 * s1) for a, b in [("v", "L"), ("u", "v"), ("x", "u")]
        ]
        rule = math(
            "(partial L)/(partial x) = (partial L)/(partial v) (partial v)/(partial u) "
            "(partial u)/(partial x)",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(defs, DOWN, buff=0.3)
        self.play(LaggedStart(*[GrowArrow(a) for a in backs], lag_ratio=0.5), FadeIn(rule))
        local = single.local
        nums = math(
            f"= {_fmt(local[('v', 'L')])} times {_fmt(local[('u', 'v')])} times "
            f"{_fmt(local[('x', 'u')])} = {_fmt(single.derivative, 6)}",
            font_size=TYPE.equation,
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
        )
        s2 = _fit_graph(g2)
        defs2 = math(
            "u = x^2, quad v = sin(x), quad L = u v + u", font_size=TYPE.equation, theme=th
        ).next_to(GRAPH_FLOOR, DOWN, buff=0.35)
        self.play(FadeOut(part1), FadeIn(g2), FadeIn(defs2))
        colours = [th.error, th.y]
        route_arrows = VGroup()
        for route, colour in zip(two.routes, colours, strict=True):
            for a, b in zip(route, route[1:], strict=False):
                arrow = g2.back_edge(a, b, offset=0.16 * s2)
                arrow.set_color(ManimColor(colour))
                route_arrows.add(arrow)
        rule2 = math(
            "(partial L)/(partial x) = (partial L)/(partial u) (partial u)/(partial x) + "
            "(partial L)/(partial v) (partial v)/(partial x)",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(defs2, DOWN, buff=0.3)
        nums2 = math(
            f"= {_fmt(two.terms[0])} + {_fmt(two.terms[1])} = {_fmt(two.derivative, 6)}",
            font_size=TYPE.equation,
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
        )
        s3 = _fit_graph(g3)
        # routes told apart by colour: Okabe-Ito-style hues, no red next to green
        route_colours = [th.error, th.y, th.i, th.c, th.peephole, th.f]
        palette = [route_colours[k % len(route_colours)] for k in range(n)]
        arrows3 = VGroup()
        for k, colour in zip(range(1, n + 1), palette, strict=True):
            for a, b in (("x", f"y{k}"), (f"y{k}", "L")):
                arrow = g3.back_edge(a, b, offset=0.13 * s3)
                arrow.set_color(ManimColor(colour))
                arrows3.add(arrow)
        rule3 = math(
            "(partial L)/(partial x) = sum_(k=1)^n (partial L)/(partial y_k) "
            "(partial y_k)/(partial x)",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(GRAPH_FLOOR, DOWN, buff=0.35)
        terms = " + ".join(f"({_fmt(t, 3)})" for t in general.terms)
        nums3 = math(
            f"= {terms} = {_fmt(general.derivative, 6)}", font_size=TYPE.equation, theme=th
        ).next_to(rule3, DOWN, buff=0.2)
        check3 = self._check(general).next_to(nums3, DOWN, buff=0.2)
        self.play(FadeOut(part2), FadeIn(g3))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows3], lag_ratio=0.15))
        self.play(FadeIn(rule3), FadeIn(nums3), FadeIn(check3))
        self.shown["general"] = _fmt(general.derivative, 6)

    def _check(self, example) -> VGroup:
        return label(
            f"finite difference: {example.numeric:.6f}   (chain rule: {example.derivative:.6f})",
            font_size=TYPE.note,
            color=self.theme.muted,
            theme=self.theme,
        )


# ---------------------------------------------------------------------------------------
# Errors through time


class ErrorsThroughTime(_Lecture5Slide):
    """Block level: each loss sends errors back to all earlier steps; per-step gradients in
    coloured frames are summed once for one parameter update."""

    scene_id = "errors-through-time"
    title = "Errors flow back through time"
    description = "Per-loss gradients of W_z in coloured frames, summed once per update."

    def construct(self) -> None:
        self.data = lstm_errors_through_time(self.scene_config, "W_z")
        model = self.scene_config.model
        play_errors_through_time(
            self,
            self.data,
            block_label='"LSTM"',
            param_expr="W_z",
            param_name="W_z",
            rows=model.show_cells,  # W_z's rows are cells, its columns inputs
            cols=model.show_inputs,
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
    # without peepholes the cell reaches no gate directly: only the two routes are left
    "dc_nopeep": "delta bold(c)^t = delta bold(y)^t dot.o bold(o)^t dot.o tanh'(bold(c)^t) + "
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
# The deltas of this step each delta is made of (the peephole route, delta o-bar into
# delta c, only with peepholes; the terms from step t+1 are not drawn in the block).
DELTA_READS: dict[str, tuple[str, ...]] = {
    "dy": (),
    "do_bar": ("dy",),
    "dc": ("dy",),
    "df_bar": ("dc",),
    "di_bar": ("dc",),
    "dz_bar": ("dc",),
}
# Where each delta is drawn: the anchor of the forward value it belongs to.
DELTA_ANCHOR = {"dy": "y", "do_bar": "o", "dc": "c", "df_bar": "f", "di_bar": "i", "dz_bar": "z"}


class LSTMBackwardFlow(_Lecture5Slide):
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
        self.equations_shown: list[str] = []  # keys of DELTA_EQUATIONS, in order
        # drawn at its natural size (the deck's type scale), centred in the figure zone
        model = self.scene_config.model
        cells = dict(show=model.show_cells, noun="cells")  # the config's selection, if any
        cell = LSTMCell(
            layout="circuit",
            theme=th,
            peepholes=peep,
            max_cells=MAX_CELLS,
            show_cells=model.show_cells,
            show_inputs=model.show_inputs,
        )
        left, right, bottom, top = TYPE.figure_zone()
        cell.move_to(np.array([0.0, (top + bottom) / 2, 0.0]))
        self.cell = cell
        self.glyphs: dict[str, VectorGlyph] = {}
        err = th.error
        title = _title(self, f"Errors inside the LSTM block at t = {t + 1}")

        self.step(
            "The forward pass left every value in place. Backprop visits the block in the "
            "reverse order: errors (deltas) flow back along the same wires, drawn in purple."
            + _recall_story(ex)
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
            reads = set(DELTA_READS[key]) | ({"do_bar"} if key == "dc" and peep else set())
            # the deltas this one is made of stay bright, the others are context: dimmed
            focus = self.focus(self.glyphs, reads)
            glyph = self._delta_glyph(cell, key, ex.at(key))
            pulses = [back_pulse(cell.wires[w], err) for w in wires]
            self.play(
                *pulses,
                *extra,
                *focus,
                *([FadeOut(strip)] if strip is not None else []),
                FadeIn(new_strip, shift=UP * 0.2),
                run_time=1.2,
            )
            extra_in = []
            if glyph.more is not None and not hasattr(self, "cells_note"):
                # a vector longer than its slots: say which cells are shown, once
                self.cells_note = label(
                    glyph.note, font_size=TYPE.note, color=th.muted, theme=th
                ).move_to(np.array([left, top, 0.0]), aligned_edge=UP + LEFT)
                extra_in.append(FadeIn(self.cells_note))
            self.play(FadeIn(glyph), *extra_in)
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
            "delta c^t collects every route back to the cell: through o and tanh, "
            + ("through the peepholes, " if peep else "")
            + "and along the highway from step t+1, where it is multiplied by "
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
            max_cells=MAX_CELLS,
            label_side=LEFT,
            **cells,
        )
        # under the block's input wires, left: the value column on the right is taken
        hv.next_to(strip, UP, buff=0.25).align_to(np.array([left, 0.0, 0.0]), LEFT)
        self.highway_glyph = hv
        self.step(
            "The highway term on its own: the error that reaches c^t from the future, scaled "
            "only by the forget gate. When f is near 1 it passes almost unchanged, which is "
            "how LSTMs keep gradients from vanishing." + _recall_highway(ex)
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
        # The block has done its part: the bias gradients take the figure zone, as
        # columns at the deck's number size; the sum over time is the equation strip.
        eq = math(DELTA_EQUATIONS["grads"], font_size=TYPE.equation, theme=th)
        if eq.width > right - left:
            eq.scale_to_fit_width(right - left)
        eq.to_edge(DOWN, buff=0.35)
        biases = VGroup(
            *[
                VectorGlyph(
                    getattr(ex.grads, f"b_{g}"),
                    label=f"delta bold(b)_{g}",
                    quantity="error",
                    theme=th,
                    label_side=UP,
                    max_cells=BIAS_CELLS,
                    **cells,
                )
                for g in ("z", "i", "f", "o")
            ]
        ).arrange(RIGHT, buff=1.2, aligned_edge=UP)
        for glyph in biases[1:]:  # columns level by their frames (delta b_f's label is taller)
            glyph.shift(UP * (biases[0].frame.get_top()[1] - glyph.frame.get_top()[1]))
        biases.move_to(np.array([0.0, (top + bottom) / 2, 0.0]))
        parts = [biases, eq]
        shown_note = biases[0].note if biases[0].more is not None else None
        if shown_note:
            note = label(shown_note, font_size=TYPE.note, color=th.muted, theme=th)
            note.next_to(biases, DOWN, buff=0.3)
            parts.append(note)
        self.bias_glyphs = {g: biases[k] for k, g in enumerate("zifo")}
        # the block's note leaves with the block: the bias columns have their own
        leaving = [self.cells_note] if hasattr(self, "cells_note") else []
        self.play(
            FadeOut(strip),
            FadeOut(cell),
            *[FadeOut(g) for g in [*self.glyphs.values(), *leaving]],
        )
        self.play(*[FadeIn(p_) for p_ in parts])

    def _delta_glyph(self, cell: LSTMCell, key: str, values: np.ndarray) -> VectorGlyph:
        """The delta in the slot of the forward value it belongs to, in the error colour."""
        glyph = cell.make_glyph(DELTA_ANCHOR[key], values, quantity="error")
        self.glyphs[key] = glyph
        return glyph

    def _strip(self, key: str, values: np.ndarray) -> VGroup:
        if key == "dc" and not self.example.params.peepholes:
            key_eq = "dc_nopeep"
        else:
            key_eq = key
        self.equations_shown.append(key_eq)
        eq = math(DELTA_EQUATIONS[key_eq], font_size=TYPE.equation, theme=self.theme)
        glyph = VectorGlyph(
            values,
            label=DELTA_LABELS[key],
            quantity="error",
            theme=self.theme,
            direction="row",
            max_cells=MAX_CELLS,
            show=self.scene_config.model.show_cells,
        )
        strip = VGroup(eq, glyph).arrange(RIGHT, buff=0.6)
        width = TYPE.figure_zone()[1] - TYPE.figure_zone()[0]
        if strip.width > width:  # at most to 80%: type stays above the 2% floor
            strip.scale(max(width / strip.width, 0.8))
        strip.to_edge(DOWN, buff=0.25)
        strip.eq, strip.glyph = eq, glyph
        return strip

    def _strip_highlight(self, strip: VGroup) -> VMobject:
        term = strip.eq.select("highway")
        term.set_color(ManimColor(self.theme.error))
        return SurroundingRectangle(
            term, buff=0.05, color=ManimColor(self.theme.error), stroke_width=2.5
        )


def _recall_story(ex) -> str:
    """What the block view shows for the trained model (its loss at the recall only)."""
    if not ex.recall_only:
        return ""
    T, t = ex.trace.T, ex.t
    return (
        f" This is the trained memory LSTM at t = {t + 1}, the store step of its example. "
        f"Its only loss is at the recall step t = {T}, so Delta^t = 0 here: every error in "
        "this block came back from the recall. Drawn per unit of the read-out's error "
        f"(pred - target = {format_value(ex.recall_error)})."
    )


def _recall_highway(ex) -> str:
    """The highway term against the error at the recall, for the trained model."""
    if not ex.recall_only:
        return ""
    T, t = ex.trace.T, ex.t
    here = ", ".join(format_value(v) for v in ex.at("dc", t + 1) * ex.at("f", t + 1))
    there = ", ".join(format_value(v) for v in ex.at("dc", T - 1))
    return (
        f" Here the error of the recall step (delta c^{T} = ({there})) has come "
        f"{T - 1 - t} steps back along the highway and still arrives as ({here})."
    )


# ---------------------------------------------------------------------------------------
# Vanishing and exploding gradients


class VanishingExploding(_Lecture5Slide):
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
        self.decades = norm_decades(data)
        left, right, bottom, top = TYPE.figure_zone()

        def make_axes(y_length: float) -> LogAxes:
            return LogAxes(
                (0, float(d[-1]), 5),
                self.decades,
                x_length=7.4,
                y_length=y_length,
                x_label="t - k",
                y_label="norm((partial bold(h)^t)/(partial bold(h)^k))",
                theme=th,
                decade_step=1,
            )

        # the axes with their labels fill the figure zone's height: measure what the
        # labels add to the plot's height, then build at the height that fits
        probe = make_axes(4.0)
        axes = make_axes((top - bottom) - 0.1 - (probe.height - 4.0))
        axes.align_to(np.array([left + 0.2, top, 0.0]), UP + LEFT)
        self.axes = axes
        legend = VGroup()
        self.legend_right = right

        def entry(colour: str, expr: str, bound: bool = False) -> VGroup:
            line = Line(ORIGIN, RIGHT * 0.7, color=ManimColor(colour), **_curve_style(bound))
            words = math(expr, font_size=TYPE.math, color=th.text, theme=th)
            return VGroup(line, words).arrange(RIGHT, buff=0.2)

        def place_legend() -> None:
            legend.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
            legend.next_to(axes.axes, RIGHT, buff=0.5).align_to(axes, UP)

        low_s, high_s = data.sigmas
        self.step(
            "Backprop through a simple RNN multiplies one Jacobian per step, "
            "diag(1 - h^2) W. The norm of the product is bounded by (gamma ||W||)^(t-k), "
            "with gamma = 1 for tanh."
        )
        bound_eq = math(
            'norm(product_(j=k+1)^t op("diag")(1 - (bold(h)^j)^2) W) <= '
            '(gamma norm(W))^(t-k), quad gamma = 1 " for " tanh',
            font_size=TYPE.equation,
            theme=th,
        )
        bound_eq.to_edge(DOWN, buff=0.35)
        self.play(FadeIn(title), FadeIn(axes), FadeIn(bound_eq))

        self.curves: dict[str, VMobject] = {}
        specs = [
            (
                "rnn_low",
                data.rnn[0],
                th.i,
                f'"simple RNN, " norm(W) = {low_s}',
                False,
                f"With ||W|| = {low_s}, below 1/gamma, the norm shrinks exponentially with the "
                "distance: errors from far away vanish.",
            ),
            (
                "bound_low",
                data.bounds[0],
                th.i,
                f'"bound " {low_s}^(t-k)',
                True,
                "The bound (gamma ||W||)^(t-k), the wide pale band, is a straight line on a log "
                "scale. With small activations tanh' is close to 1, so the norm runs along the "
                "middle of its bound.",
            ),
            (
                "rnn_high",
                data.rnn[1],
                th.c,
                f'"simple RNN, " norm(W) = {high_s}',
                False,
                f"With ||W|| = {high_s}, above 1/gamma, the norm grows until tanh saturates; "
                "the bound allows exponential growth: exploding gradients.",
            ),
            (
                "bound_high",
                data.bounds[1],
                th.c,
                f'"bound " {high_s}^(t-k)',
                True,
                "Its bound grows exponentially; large weights, or inputs that keep tanh in its "
                "linear range, let the gradient follow it.",
            ),
            (
                "highway",
                data.highway,
                th.f,
                '"LSTM highway: " product bold(f)',
                False,
                _trained_curves(data)
                + "In an LSTM the cell path multiplies forget gates only, no weight matrix. "
                "With forget gates near 1 the product decays slowly." + _trained_highway(data),
            ),
            (
                "lstm",
                data.lstm,
                th.y,
                '"LSTM, full Jacobian"',
                False,
                "The full LSTM Jacobian, through all routes, stays in the same range: errors "
                "reach much further back than in the simple RNN with small weights.",
            ),
        ]
        for key, ys, colour, expr, bound, notes in specs:
            self.step(notes)
            curve = axes.curve(d, ys, colour)
            style = _curve_style(bound)
            curve.set_stroke(width=style["stroke_width"], opacity=style["stroke_opacity"])
            # a bound is a wide pale band under the curves: visible even where a norm runs
            # exactly along it
            curve.set_z_index(0 if bound else 1)
            self.curves[key] = curve
            legend.add(entry(colour, expr, bound))
            place_legend()
            self.play(Create(curve), FadeIn(legend[-1]), run_time=1.2)
        self.legend = legend


def _trained_curves(data) -> str:
    """Which LSTM the curves come from, when it is the trained memory LSTM."""
    if data.lstm_model != "trained":
        return ""
    return (
        "The LSTM curves here are the trained memory LSTM's, on a "
        f"{len(data.distances)}-step memory sequence that stores a value at step 1: k is the "
        "store step, and the whole axis is the span it must remember over. "
    )


def _trained_highway(data) -> str:
    """The trained forget-gate product at the end of the span against the small-weight RNN."""
    if data.lstm_model != "trained":
        return ""
    return (
        f" In the trained memory LSTM the product of forget gates from the store step is "
        f"still {format_value(data.highway[-1])} after {len(data.distances) - 1} steps, while "
        f"the simple RNN's (||W|| = {data.sigmas[0]}) has decayed to {data.rnn[0][-1]:.0e}."
    )


# On-screen style of a norm curve and of a bound (stroke width, opacity): the bound is wide
# and pale so a curve lying exactly on it shows it on both sides.
CURVE_STROKE = {"stroke_width": 4.0, "stroke_opacity": 1.0}
BOUND_STROKE = {"stroke_width": 16.0, "stroke_opacity": 0.3}


def _curve_style(bound: bool) -> dict[str, float]:
    return dict(BOUND_STROKE if bound else CURVE_STROKE)


def norm_decades(data, margin: float = 0.15) -> tuple[int, int]:
    """The decades (10^lo, 10^hi) of the log axis: every curve inside, with at least
    ``margin`` decade of room above and below, no empty decade beyond that."""
    values = np.concatenate([*data.rnn, *data.bounds, data.lstm, data.highway])
    values = values[np.isfinite(values) & (values > 0)]
    logs = np.log10(values)
    return int(np.floor(logs.min() - margin)), int(np.ceil(logs.max() + margin))


# ---------------------------------------------------------------------------------------
# Gradient clipping on the cliff


class Projection:
    """The view of the cliff: manim's 3-D camera projection (rotation by phi, theta, then
    perspective from ``focal`` and ``zoom``), done here so every part of the landscape is an
    ordinary 2-D mobject. No 3-D scene means no fixed-in-frame bookkeeping: text, paths and
    arrows draw exactly where they are, in the video as in a still.
    """

    def __init__(
        self, phi: float, theta: float, zoom: float, focal: float = 20.0, centre=ORIGIN
    ) -> None:
        self.rotation = rotation_matrix(-phi * PI / 180, RIGHT) @ rotation_about_z(
            -theta * PI / 180 - PI / 2
        )
        self.zoom, self.focal = zoom, focal
        self.centre = np.asarray(centre, dtype=float)

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Frame points (z = 0) of scene points (..., 3)."""
        p = np.asarray(points, dtype=float) @ self.rotation.T
        factor = self.focal / (self.focal - p[..., 2]) * self.zoom
        out = np.zeros_like(p)
        out[..., 0], out[..., 1] = p[..., 0] * factor, p[..., 1] * factor
        return out + self.centre

    def depth(self, points: np.ndarray) -> np.ndarray:
        """Distance toward the camera (larger = nearer)."""
        return (np.asarray(points, dtype=float) @ self.rotation.T)[..., 2]


def cliff_surface_mesh(
    data: CliffData, rows_per_side: int = 22, power: float = 2.5, fine: int = 2001
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(W, B, loss, wall) on a drawing mesh whose rows follow the cliff.

    In every column ``wall`` is the b of the loss's steepest drop (the largest step of a
    ``fine`` sampling, narrowed by bisection to 1e-9), and the rows sit at the same
    fractions of the way from the map's edge to it, densest at the wall (``power`` > 1).
    So the wall lies between the same two rows in every column and its faces join into one
    smooth wall; a regular grid, or rows spread column by column, put the drop in a
    different row from one column to the next and saw the wall into a staircase.

    Row ``rows_per_side`` lies on the wall; every loss is ``pascanu_cliff`` at its mesh
    point.
    """
    w = np.asarray(data.mesh_w[:, 0], dtype=float)  # (columns,)
    lo, hi = float(data.b[0]), float(data.b[-1])
    bf = np.linspace(lo, hi, fine)
    lf, _, _ = pascanu_cliff(w[:, None], bf[None, :])  # (columns, fine)
    k = np.argmax(np.abs(np.diff(lf, axis=1)), axis=1)
    a, z = bf[k], bf[k + 1]
    la, lz = lf[np.arange(len(w)), k], lf[np.arange(len(w)), k + 1]
    for _ in range(40):  # bisection: which side of the drop's midpoint is the middle on
        mid = 0.5 * (a + z)
        lm, _, _ = pascanu_cliff(w, mid)
        first_half = np.abs(lm - la) < np.abs(lz - lm)
        a, la = np.where(first_half, mid, a), np.where(first_half, lm, la)
        z, lz = np.where(first_half, z, mid), np.where(first_half, lz, lm)
    wall = 0.5 * (a + z)
    u = np.linspace(0.0, 1.0, rows_per_side + 1) ** power  # 0 at the wall, 1 at the edge
    below = wall[:, None] - (wall[:, None] - lo) * u[::-1][None, :]  # lo ... wall
    above = wall[:, None] + (hi - wall[:, None]) * u[1:][None, :]  # past the wall ... hi
    B = np.concatenate([below, above], axis=1)  # (columns, 2 * rows_per_side + 1)
    W = np.broadcast_to(w[:, None], B.shape).copy()
    loss, _, _ = pascanu_cliff(W, B)
    return W, B, np.asarray(loss), wall


def _mix(a: str, b: str, t: float) -> ManimColor:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    return ManimColor(a).interpolate(ManimColor(b), t)


class GradientClipping(_Lecture5Slide):
    """The cliff landscape in 3-D, descent with and without norm clipping, then value vs
    norm clipping."""

    scene_id = "gradient-clipping"
    title = "Gradient clipping on a loss cliff"
    description = "Plain descent jumps off the cliff; norm clipping does not."

    def construct(self) -> None:
        th = self.theme
        data = cliff_data()
        self.data = data
        self.paths = {"plain": data.plain, "clipped": data.clipped}
        # Scene coordinates: w and b span MAP units each, the loss axis LOSS_HEIGHT units.
        self._w0, self._b0 = float(data.w.mean()), float(data.b.mean())
        self._sx, self._sy = MAP / np.ptp(data.w), MAP / np.ptp(data.b)
        self._sz = LOSS_HEIGHT / LOSS_TOP
        self.view = self._fit_view()

        # A cliff in the loss landscape
        self.step(
            "The loss of a recurrent net can have flat plains and steep cliffs. This is the "
            "one-unit RNN of Pascanu et al. run for 50 steps: its loss over the weight w and "
            "the bias b. Along the wall a tiny change of b flips the final state."
        )
        title = _title(self, "A cliff in the loss landscape")
        self.surface = self._surface()
        self.axes3d = self._axes()
        # Fade, not Create: Create draws a group of faces one after another, and the last
        # frame of the animation (just before its end) still misses the nearest faces.
        self.play(FadeIn(title), FadeIn(self.surface), FadeIn(self.axes3d), run_time=1.5)

        # Plain descent falls off the cliff
        plain = self._path_line(data.plain, CLIFF_PLAIN, width=8)
        arc, arc_label = self._jump_arc()
        legend = self._legend(data)
        start = Dot(self._screen(*data.plain.points[0], data.plain.losses[0]), color=th.text)
        jump = int(np.argmax(data.plain.grad_norms))
        far = data.plain.points[jump + 1]
        self.step(
            f"Plain gradient descent from (w, b) = ({data.plain.points[0][0]:g}, "
            f"{data.plain.points[0][1]:g}) walks down to the edge; there the gradient norm "
            f"is {data.plain.grad_norms[jump]:.0f} and one step throws it to "
            f"({far[0]:.1f}, {far[1]:.1f}), far off this map."
        )
        self.play(FadeIn(start), FadeIn(legend[0]))
        self.play(Create(plain), run_time=2)
        self.play(Create(arc), FadeIn(arc_label))

        # Norm clipping stays on the map
        clipped = self._path_line(data.clipped, CLIFF_CLIPPED, width=5, dashed=True)
        self.step(
            "With norm clipping the same start and step size take the same path until the "
            "cliff; there the step is cut to the threshold, and descent continues into the "
            f"valley (loss {data.clipped.losses[-1]:.3f})."
        )
        self.play(FadeIn(legend[1]), FadeIn(clipped), run_time=1.5)
        self.plain_line, self.clip_line, self.jump_arc = plain, clipped, arc

        # The algorithm
        self.step(
            "The algorithm is two lines: if the norm of the gradient exceeds the threshold, "
            "rescale the gradient to the threshold. The direction is kept."
        )
        code = VGroup(
            math("bold(g) <- (partial L)/(partial theta)", font_size=EQ_SIZE, theme=th),
            math(
                '"if" norm(bold(g)) >= v : quad bold(g) <- v / norm(bold(g)) bold(g)',
                font_size=EQ_SIZE,
                theme=th,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        box = SurroundingRectangle(code, buff=0.2, color=ManimColor(th.muted), stroke_width=2)
        pseudo = VGroup(box, code)
        if pseudo.width > config.frame_width / 2 - SIDE_X - 0.3:
            pseudo.scale_to_fit_width(config.frame_width / 2 - SIDE_X - 0.3)
        pseudo.to_edge(DOWN, buff=0.6).align_to(RIGHT * SIDE_X, LEFT)
        self.pseudo = pseudo
        self.play(FadeIn(pseudo))

        # Norm clipping vs value clipping
        self.step(
            "Value clipping cuts each component separately instead. At the cliff step the "
            f"gradient is ({data.gradient[0]:.1f}, {data.gradient[1]:.1f}): norm clipping "
            "keeps its direction, value clipping turns it."
        )
        panel = self._clip_panel(data)
        new_title = _title(self, "Norm clipping vs value clipping")
        landscape = (title, self.surface, self.axes3d, plain, clipped, arc, arc_label)
        self.play(*[FadeOut(m) for m in (*landscape, legend, start, pseudo)])
        self.play(FadeIn(new_title), FadeIn(panel))
        self.clip_panel = panel

    # The landscape ----------------------------------------------------------------------
    def _scene(self, wv, bv, lv) -> np.ndarray:
        """Scene point(s) of (w, b, loss)."""
        return np.stack(
            np.broadcast_arrays(
                (np.asarray(wv) - self._w0) * self._sx,
                (np.asarray(bv) - self._b0) * self._sy,
                np.asarray(lv) * self._sz + FLOOR,
            ),
            axis=-1,
        ).astype(float)

    def _fit_view(self) -> Projection:
        """The camera of CAMERA, zoomed and centred so that the box around the landscape
        (plus room for tick labels) fills the figure zone."""
        d = self.data
        phi, theta, _ = CAMERA
        box = self._scene(
            *np.meshgrid([d.w[0], d.w[-1]], [d.b[0], d.b[-1]], [0.0, LOSS_TOP], indexing="ij")
        ).reshape(-1, 3)
        flat = Projection(phi, theta, 1.0)(box)
        lo, hi = flat.min(axis=0)[:2], flat.max(axis=0)[:2]
        (x0, x1), (y0, y1) = LANDSCAPE_ZONE
        zoom = min((x1 - x0) / (hi[0] - lo[0]), (y1 - y0) / (hi[1] - lo[1]))
        # zooming scales about the frame centre (perspective aside): centre the box after
        view = Projection(phi, theta, zoom)
        pts = view(box)
        mid = (pts.min(axis=0) + pts.max(axis=0)) / 2
        target = np.array([(x0 + x1) / 2, (y0 + y1) / 2, 0.0])
        return Projection(phi, theta, zoom, centre=target - mid * np.array([1.0, 1.0, 0.0]))

    def _screen(self, wv, bv, lv) -> np.ndarray:
        """Where (w, b, loss) appears in the frame."""
        return self.view(self._scene(wv, bv, lv))

    def _surface(self) -> VGroup:
        th = self.theme
        W, B, L, _ = cliff_surface_mesh(self.data)
        self.mesh = (W, B, L)
        pts3 = self._scene(W, B, L)  # (columns, rows, 3)
        pts = self.view(pts3)
        low, high = _mix(th.i, th.background, 0.2), _mix(th.grid, th.background, 0.3)
        # brightness follows how squarely a face meets a light above and behind the
        # camera, so the wall reads as a wall
        light = self.view.rotation.T @ np.array([-0.3, 0.5, 1.0])
        light /= np.linalg.norm(light)
        faces, depth = [], []
        for i in range(W.shape[0] - 1):
            for r in range(W.shape[1] - 1):
                c3 = [pts3[i, r], pts3[i + 1, r], pts3[i + 1, r + 1], pts3[i, r + 1]]
                normal = np.cross(c3[2] - c3[0], c3[3] - c3[1])
                n = np.linalg.norm(normal)
                lit = abs(float(normal @ light)) / n if n > 0 else 1.0
                height = float(np.clip(np.mean(L[i : i + 2, r : r + 2]) / LOSS_TOP, 0, 1))
                colour = ManimColor(low.interpolate(high, height).to_rgb() * (0.62 + 0.38 * lit))
                corners = [pts[i, r], pts[i + 1, r], pts[i + 1, r + 1], pts[i, r + 1]]
                # a stroke in the face's own colour closes the hairline seams between faces
                face = VMobject(stroke_width=1.0, stroke_color=colour)
                face.set_points_as_corners([*corners, corners[0]])
                face.set_fill(colour, opacity=1.0)
                faces.append(face)
                foot = np.mean(c3, axis=0) * np.array([1.0, 1.0, 0.0])
                depth.append(float(self.view.depth(foot)))
        # Paint far to near by each face's footprint on the ground: right for a height
        # field seen from above (a sort by face centre draws a tall wall out of order).
        order = np.argsort(depth, kind="stable")
        return VGroup(*[faces[k] for k in order])

    def _axes(self) -> VGroup:
        """Floor axes along the two near edges (w and b, with ticks) and a loss axis with
        ticks at the far corner."""
        th = self.theme
        d = self.data
        (w_lo, w_hi), (b_lo, b_hi) = (
            (float(d.w[0]), float(d.w[-1])),
            (float(d.b[0]), float(d.b[-1])),
        )
        corners = [(w, b) for w in (w_lo, w_hi) for b in (b_lo, b_hi)]
        depth = [float(self.view.depth(self._scene(w, b, 0.0))) for w, b in corners]
        near_w, near_b = corners[int(np.argmax(depth))]
        far_w, far_b = corners[int(np.argmin(depth))]
        gap_b = (1 if near_b == b_hi else -1) * 0.05 * (b_hi - b_lo)  # outward from the map
        gap_w = (1 if near_w == w_hi else -1) * 0.05 * (w_hi - w_lo)
        kw = dict(color=ManimColor(th.muted), stroke_width=2.5)
        lines, ticks, names = VGroup(), VGroup(), VGroup()

        def seg(a, b) -> Line:
            return Line(self._screen(*a), self._screen(*b), **kw)

        def place(mob, anchor: np.ndarray, away: np.ndarray) -> VMobject:
            """Put ``mob`` beside ``anchor``, on the side ``away`` points to."""
            away = away / (np.linalg.norm(away) or 1.0)
            half = np.array([mob.width / 2, mob.height / 2, 0.0])
            return mob.move_to(anchor + away * (np.abs(away) @ half + 0.12))

        # w along the near b edge
        wb = near_b + gap_b
        lines.add(seg((w_lo, wb, 0), (w_hi, wb, 0)))
        out = self._screen(w_lo, wb + gap_b, 0) - self._screen(w_lo, wb, 0)
        for wv in np.arange(np.ceil(w_lo), w_hi + 1e-9, 1.0):
            lines.add(seg((wv, wb, 0), (wv, wb + 0.5 * gap_b, 0)))
            ticks.add(place(self._number(wv), self._screen(wv, wb + 0.5 * gap_b, 0), out))
        names.add(
            place(
                self._name("w"),
                self._screen((w_lo + w_hi) / 2, wb + 2.2 * gap_b, 0),
                out,
            )
        )
        # b along the near w edge
        bw = near_w + gap_w
        lines.add(seg((bw, b_lo, 0), (bw, b_hi, 0)))
        out = self._screen(bw + gap_w, b_lo, 0) - self._screen(bw, b_lo, 0)
        for bv in np.arange(np.ceil(b_lo), b_hi + 1e-9, 1.0):
            lines.add(seg((bw, bv, 0), (bw + 0.5 * gap_w, bv, 0)))
            ticks.add(place(self._number(bv), self._screen(bw + 0.5 * gap_w, bv, 0), out))
        names.add(place(self._name("b"), self._screen(bw + 2.2 * gap_w, (b_lo + b_hi) / 2, 0), out))
        # loss, upright at the far corner, ticks pointing away from the map
        lines.add(seg((far_w, far_b, 0), (far_w, far_b, LOSS_TOP)))
        away = self._screen(far_w, far_b, 0) - self._screen((w_lo + w_hi) / 2, (b_lo + b_hi) / 2, 0)
        away = np.array([np.sign(away[0]) or 1.0, 0.0, 0.0])
        for lv in np.arange(0.0, LOSS_TOP + 1e-9, 0.25):
            p = self._screen(far_w, far_b, lv)
            lines.add(Line(p, p + away * 0.12, **kw))
            ticks.add(place(self._number(lv, 1), p + away * 0.12, away))
        names.add(self._name("loss").next_to(self._screen(far_w, far_b, LOSS_TOP), UP, buff=0.2))
        self.axis_ticks, self.axis_names = ticks, names
        return VGroup(lines, ticks, names)

    def _number(self, value: float, places: int = 0) -> VMobject:
        return label(
            _fmt(value, places), font_size=NUMBER_SIZE, color=self.theme.muted, theme=self.theme
        )

    def _name(self, name: str) -> VMobject:
        """An axis name: a math symbol, or a word in the label font."""
        if len(name) == 1:
            return math(name, font_size=AXIS_NAME_SIZE, theme=self.theme)
        return label(name, font_size=LABEL_SIZE, theme=self.theme)

    def _path_points(self, path) -> np.ndarray:
        """Frame points of a descent path while it stays on the map."""
        d = self.data
        pts = path.points
        inside = (
            (d.w[0] <= pts[:, 0])
            & (pts[:, 0] <= d.w[-1])
            & (d.b[0] <= pts[:, 1])
            & (pts[:, 1] <= d.b[-1])
        )
        stop = int(np.argmin(inside)) if not inside.all() else len(pts)
        # drawn a hair above the surface so the faces never cover it
        return self._screen(pts[:stop, 0], pts[:stop, 1], path.losses[:stop] + 0.004)

    def _path_line(self, path, colour: str, *, width: float, dashed: bool = False) -> VMobject:
        line = VMobject(stroke_color=ManimColor(self.theme.quantity(colour)), stroke_width=width)
        line.set_points_as_corners(self._path_points(path))
        if dashed:
            line = DashedVMobject(line, num_dashes=20, dashed_ratio=0.55)
        return line

    def _jump_arc(self) -> tuple[VGroup, VMobject]:
        """The unclipped step as an arc: from the last point on the map it flies toward the
        step's target, over the map's edge; its end says where it would land."""
        th = self.theme
        d = self.data
        path = d.plain
        jump = int(np.argmax(path.grad_norms))
        (w1, b1), l1 = path.points[jump], float(path.losses[jump])
        w2, b2 = path.points[jump + 1]
        # the fraction of the step at which the straight step crosses the map's edge
        exits = [
            (edge - a) / (z - a)
            for a, z, lo, hi in ((w1, w2, d.w[0], d.w[-1]), (b1, b2, d.b[0], d.b[-1]))
            if z != a
            for edge in (lo, hi)
            if (edge - a) / (z - a) > 0
        ]
        t_end = min(exits) * 1.3
        k = np.linspace(0.0, 1.0, 40)
        rise = 0.6 * LOSS_TOP  # a ballistic bump: up, and over the edge still high
        pts = self._screen(
            w1 + (w2 - w1) * t_end * k, b1 + (b2 - b1) * t_end * k, l1 + rise * k * (1.8 - k)
        )
        colour = ManimColor(th.quantity(CLIFF_PLAIN))
        curve = VMobject(stroke_color=colour, stroke_width=6)
        curve.set_points_smoothly(pts[:-2])
        tip = Arrow(
            pts[-4],
            pts[-1],
            buff=0,
            stroke_width=6,
            color=colour,
            tip_length=0.3,
            max_tip_length_to_length_ratio=1.0,
        )
        arc = VGroup(DashedVMobject(curve, num_dashes=16, dashed_ratio=0.6), tip)
        text = label(
            f"one step jumps to\n(w, b) = ({_fmt(w2, 1)}, {_fmt(b2, 1)})",
            font_size=LABEL_SIZE,
            color=th.quantity(CLIFF_PLAIN),
            theme=th,
        )
        text.next_to(pts[-1], RIGHT, buff=0.2).align_to(RIGHT * SIDE_X, LEFT)
        _keep_in_frame(text)
        self.arc_points = pts
        self.arc_ground_end = (w1 + (w2 - w1) * t_end, b1 + (b2 - b1) * t_end)
        self.arc_label = text
        return arc, text

    def _legend(self, data) -> VGroup:
        th = self.theme

        def entry(colour: str, text: str, dashed: bool) -> VGroup:
            line = Line(
                ORIGIN,
                RIGHT * 0.9,
                color=ManimColor(th.quantity(colour)),
                stroke_width=5 if dashed else 8,
            )
            sample = DashedVMobject(line, num_dashes=3, dashed_ratio=0.6) if dashed else line
            words = label(text, font_size=LABEL_SIZE, color=th.text, theme=th)
            return VGroup(sample, words).arrange(RIGHT, buff=0.2)

        legend = VGroup(
            entry(CLIFF_PLAIN, "plain descent", False),
            entry(CLIFF_CLIPPED, f"norm clipping, v = {data.threshold:g}", True),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        room = config.frame_width / 2 - SIDE_X - 0.2
        if legend.width > room:
            legend.scale_to_fit_width(room)
        legend.to_edge(UP, buff=1.1).align_to(RIGHT * SIDE_X, LEFT)
        self.legend = legend
        return legend

    # Norm vs value clipping ---------------------------------------------------------------
    def _clip_panel(self, data) -> VGroup:
        """The gradient at the cliff step and both clipped versions in the (dL/dw, dL/db)
        plane, with the set each rule clips into: the circle of norm v, the square
        |g_i| <= v."""
        th = self.theme
        v = data.threshold
        unit = 2.3  # scene units per gradient unit
        reach = 1.45 * v * unit
        axis_kw = dict(color=ManimColor(th.muted), stroke_width=2)
        plane = VGroup(
            Line(LEFT * reach, RIGHT * reach, **axis_kw), Line(DOWN * reach, UP * reach, **axis_kw)
        )
        names = VGroup(
            math("(partial L)/(partial w)", font_size=LABEL_SIZE, theme=th).next_to(
                plane[0], RIGHT, buff=0.12
            ),
            math("(partial L)/(partial b)", font_size=LABEL_SIZE, theme=th).next_to(
                plane[1], UP, buff=0.1
            ),
        )
        norm_c, value_c = ManimColor(th.quantity(NORM_CLIP)), ManimColor(th.quantity(VALUE_CLIP))
        circle = Circle(radius=v * unit, color=norm_c, stroke_width=2.5)
        square = DashedVMobject(
            Square(side_length=2 * v * unit, color=value_c, stroke_width=2.5), num_dashes=40
        )
        direction = data.gradient / np.linalg.norm(data.gradient)

        def arrow(vec: np.ndarray, colour: ManimColor, width: float = 7) -> Arrow:
            return Arrow(
                ORIGIN,
                np.array([vec[0], vec[1], 0.0]) * unit,
                buff=0,
                stroke_width=width,
                color=colour,
                tip_length=0.28,
                max_tip_length_to_length_ratio=0.3,
            )

        raw = arrow(direction * 1.4 * v, ManimColor(th.muted), 4)
        by_norm = arrow(data.norm_clipped, norm_c)
        by_value = arrow(data.value_clipped, value_c)
        figure = VGroup(plane, circle, square, raw, by_norm, by_value, names)
        angles = [
            float(np.degrees(np.arctan2(u[1], u[0])))
            for u in (data.gradient, data.norm_clipped, data.value_clipped)
        ]

        def row(name: str, vec: np.ndarray, places: int, angle: float, colour: str) -> VMobject:
            return label(
                f"{name}: ({_fmt(vec[0], places)}, {_fmt(vec[1], places)}), "
                f"angle {_fmt(angle, 0)}\u00b0",
                font_size=LABEL_SIZE,
                color=colour,
                theme=th,
            )

        rows = VGroup(
            row("gradient", data.gradient, 1, angles[0], th.muted),
            row("norm clipping", data.norm_clipped, 2, angles[1], th.quantity(NORM_CLIP)),
            row("value clipping", data.value_clipped, 2, angles[2], th.quantity(VALUE_CLIP)),
            label(
                "grey arrow: the gradient's direction (its length is "
                f"{np.linalg.norm(data.gradient):.0f})",
                font_size=SMALL_SIZE,
                color=th.muted,
                theme=th,
            ),
            label(
                "circle: norm = v;  dashed square: every |g\u1d62| \u2264 v",
                font_size=SMALL_SIZE,
                color=th.muted,
                theme=th,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        panel = VGroup(figure, rows).arrange(RIGHT, buff=0.7)
        if panel.width > FIGURE_WIDTH:
            panel.scale_to_fit_width(FIGURE_WIDTH)
        panel.move_to(DOWN * 0.35)
        self.clip_texts = rows
        self.clip_arrows = {"raw": raw, "norm": by_norm, "value": by_value}
        return panel


def _keep_in_frame(mob: VMobject, margin: float = 0.2) -> VMobject:
    """Shift ``mob`` back inside the frame if it sticks out."""
    hw, hh = config.frame_width / 2 - margin, config.frame_height / 2 - margin
    dx = min(0.0, hw - mob.get_right()[0]) + max(0.0, -hw - mob.get_left()[0])
    dy = min(0.0, hh - mob.get_top()[1]) + max(0.0, -hh - mob.get_bottom()[1])
    return mob.shift(np.array([dx, dy, 0.0]))


SCENES = [
    ChainRuleGraphs,
    ErrorsThroughTime,
    LSTMBackwardFlow,
    VanishingExploding,
    GradientClipping,
]
