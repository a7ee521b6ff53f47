"""The deltas inside the LSTM block, in the article's order (Greff et al.'s notation). Every
number comes from ``rnn_core`` through ``scenes.lesson_data``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ManimColor,
    RoundedRectangle,
    SurroundingRectangle,
    VGroup,
    VMobject,
)

from scenes.kit.base import LectureSlide
from scenes.kit.bptt import flow_width
from scenes.kit.components import (
    PointwiseOp,
    VectorGlyph,
    Wire,
    format_value,
    label,
    math,
    shown_indices,
)
from scenes.kit.lstm_cell import LSTMCell
from scenes.kit.magnitudes import common_exponent, factor_text
from scenes.kit.theme import TYPE
from scenes.lesson_data import (
    delta_terms,
    lstm_backward_example,
)
from scenes.lstm_backprop.common import (
    BIAS_CELLS,
    MAX_CELLS,
)

# ---------------------------------------------------------------------------------------
# Inside the block


# The deltas in Greff et al.'s notation (Typst). Every term is labelled ({{ term : name }})
# with its name in DELTA_ROUTES: the strip lights the terms whose routes are drawn.
DELTA_EQUATIONS = {
    "dy": "delta bold(y)^t &= {{ Delta^t : ext }} + "
    "{{ R_z^T delta macron(bold(z))^(t+1) : rec_z }} + "
    "{{ R_i^T delta macron(bold(i))^(t+1) : rec_i }} \\ &+ "
    "{{ R_f^T delta macron(bold(f))^(t+1) : rec_f }} + "
    "{{ R_o^T delta macron(bold(o))^(t+1) : rec_o }}",
    "do_bar": "delta macron(bold(o))^t = {{ delta bold(y)^t dot.o tanh(bold(c)^t) dot.o "
    "sigma'(macron(bold(o))^t) : main }}",
    "dc": "delta bold(c)^t &= {{ delta bold(y)^t dot.o bold(o)^t dot.o tanh'(bold(c)^t) : via_y }} "
    "+ {{ bold(p)_o dot.o delta macron(bold(o))^t : peep_o }} \\ &+ "
    "{{ bold(p)_i dot.o delta macron(bold(i))^(t+1) : peep_i }} + "
    "{{ bold(p)_f dot.o delta macron(bold(f))^(t+1) : peep_f }} + "
    "{{ delta bold(c)^(t+1) dot.o bold(f)^(t+1) : highway }}",
    # without peepholes the cell reaches no gate directly: only the two routes are left
    "dc_nopeep": "delta bold(c)^t = "
    "{{ delta bold(y)^t dot.o bold(o)^t dot.o tanh'(bold(c)^t) : via_y }} + "
    "{{ delta bold(c)^(t+1) dot.o bold(f)^(t+1) : highway }}",
    "df_bar": "delta macron(bold(f))^t = {{ delta bold(c)^t dot.o bold(c)^(t-1) dot.o "
    "sigma'(macron(bold(f))^t) : main }}",
    "di_bar": "delta macron(bold(i))^t = {{ delta bold(c)^t dot.o bold(z)^t dot.o "
    "sigma'(macron(bold(i))^t) : main }}",
    "dz_bar": "delta macron(bold(z))^t = {{ delta bold(c)^t dot.o bold(i)^t dot.o "
    "tanh'(macron(bold(z))^t) : main }}",
    "grads": "delta W_star = sum_t delta macron(bold(star))^t (bold(x)^t)^T, quad "
    "delta R_star = sum_t delta macron(bold(star))^(t+1) (bold(y)^t)^T, quad "
    "delta bold(b)_star = sum_t delta macron(bold(star))^t",
}


@dataclass(frozen=True)
class Route:
    """One term of a delta's equation as a path on the block: the wires its error travels,
    in the order it travels them (backward). A wire is a key of ``LSTMCell.wires``,
    ``"peep_<g>"`` for a peephole of this block, ``"next.<part>"`` for a part of the faded
    block of step t+1 (``next.z`` ... ``next.o``: its gates' inputs; ``next.peep_i``,
    ``next.peep_f``: its peepholes; ``next.highway``: its forget product), ``"link_y"`` /
    ``"link_c"`` for the lines that bring y^t / c^t into step t+1, or ``"loss"`` for the
    error from the loss above (Delta^t)."""

    term: str  # the term's label in DELTA_EQUATIONS
    wires: tuple[str, ...]


# THE table: which wires each delta's equation reads. The scene draws these routes, the
# strip lights these terms, and the tests hold both to the equations.
DELTA_ROUTES: dict[str, tuple[Route, ...]] = {
    "dy": (
        Route("ext", ("loss",)),
        *(Route(f"rec_{g}", (f"next.{g}", "link_y")) for g in "zifo"),
    ),
    "do_bar": (Route("main", ("y_out", "o_out")),),
    "dc": (
        Route("via_y", ("y_out", "tanh_out", "c_tap")),
        Route("peep_o", ("peep_o",)),
        Route("peep_i", ("next.peep_i", "link_c")),
        Route("peep_f", ("next.peep_f", "link_c")),
        Route("highway", ("next.highway", "link_c")),
    ),
    "df_bar": (Route("main", ("c_out", "mul_f_out", "f_out")),),
    "di_bar": (Route("main", ("c_out", "mul_i_out", "i_out")),),
    "dz_bar": (Route("main", ("c_out", "mul_i_out", "z_out")),),
}


def equation_key(key: str, peepholes: bool) -> str:
    """The DELTA_EQUATIONS entry a delta shows (delta c without peepholes has its own)."""
    return "dc_nopeep" if key == "dc" and not peepholes else key


def equation_terms(expr: str) -> list[str]:
    """The labelled terms of a Typst equation, in order ({{ ... : name }})."""
    return re.findall(r":\s*([a-z_]+)\s*\}\}", expr)


def routes_for(key: str, peepholes: bool) -> tuple[Route, ...]:
    """The routes of ``key`` whose terms its equation has (no peephole terms without
    peepholes)."""
    terms = set(equation_terms(DELTA_EQUATIONS[equation_key(key, peepholes)]))
    return tuple(r for r in DELTA_ROUTES[key] if r.term in terms)


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


class NextBlock(VGroup):
    """The block of step t+1, faded, to the right of the block of step t: only the parts
    the errors of step t+1 come back from. Its gates' inputs (z-bar, i-bar, f-bar, o-bar,
    top to bottom after the peephole ones) on a bus that y^t feeds, the cell line that
    c^t feeds with its forget product and the two peepholes of i and f.

    ``paths`` maps each ``next.<part>`` of :class:`Route` and ``link_y`` / ``link_c`` to the
    corner points of its line, in the forward direction (an error runs them backward).
    """

    def __init__(
        self, left: float, right: float, bottom: float, top: float, c_in, y_in, th
    ) -> None:
        super().__init__()
        faded = th.muted
        self.box = RoundedRectangle(
            width=right - left, height=top - bottom, corner_radius=0.15, stroke_width=2
        )
        self.box.set_stroke(ManimColor(faded), opacity=0.6).move_to(
            np.array([(left + right) / 2, (top + bottom) / 2, 0.0])
        )
        self.name = label("t+1", font_size=TYPE.label, color=faded, theme=th)
        self.name.next_to(self.box.get_corner(DOWN + RIGHT), UP + LEFT, buff=0.12)
        rail_y, bus_x = c_in[1], left + 0.2
        gate_x = left + 0.95
        ys = np.linspace(rail_y - 0.7, y_in[1] - 0.5, 4)
        # the gates' pre-activations, where their deltas sit: names in the gates' colours
        self.gates = {}
        for g, gy in zip("fizo", ys, strict=True):
            self.gates[g] = math(
                f"macron(bold({g}))", color=th.quantity(g), font_size=TYPE.math, theme=th
            ).move_to(np.array([gate_x, gy, 0.0]))
        self.mul_f = PointwiseOp("mul", theme=th, radius=0.17, color=th.c)
        self.mul_f.move_to(np.array([right - 0.3, rail_y, 0.0]))
        gl = {g: b.get_left()[0] - 0.06 for g, b in self.gates.items()}
        self.paths = {
            "link_c": [c_in, np.array([left, rail_y, 0.0])],
            "link_y": [y_in, np.array([bus_x, y_in[1], 0.0])],
            "next.highway": [np.array([left, rail_y, 0.0]), self.mul_f.get_left()],
            "next.peep_f": [
                np.array([left + 0.42, rail_y, 0.0]),
                np.array([left + 0.42, ys[0], 0.0]),
                np.array([gl["f"], ys[0], 0.0]),
            ],
            "next.peep_i": [
                np.array([left + 0.55, rail_y, 0.0]),
                np.array([left + 0.55, ys[1], 0.0]),
                np.array([gl["i"], ys[1], 0.0]),
            ],
        }
        for g, gy in zip("fizo", ys, strict=True):
            self.paths[f"next.{g}"] = [
                np.array([bus_x, y_in[1], 0.0]),
                np.array([bus_x, gy, 0.0]),
                np.array([gl[g], gy, 0.0]),
            ]
        self.lines = VGroup()
        for key, pts in self.paths.items():
            dashed = key in ("next.peep_i", "next.peep_f")
            colour = (
                th.peephole if dashed else th.c if "highway" in key or key == "link_c" else th.y
            )
            self.lines.add(Wire(pts, color=colour, theme=th, dashed=dashed, stroke_width=2.5))
        self.add(self.box, self.lines, *self.gates.values(), self.mul_f, self.name)
        self.set_opacity(0.45)


class LSTMBackwardFlow(LectureSlide):
    """The deltas inside the block in the article's order, each flowing back along the
    wires its equation reads (:data:`DELTA_ROUTES`), in purple, as wide as the term it
    carries; the terms from step t+1 arrive from a faded block to the right."""

    scene_id = "lstm-backward-flow"
    title = "LSTM backprop inside the block"
    description = "delta y, o, c (with the highway term), f, i, z and the gradients, real values."

    def construct(self) -> None:
        th = self.theme
        ex = lstm_backward_example(self.scene_config)
        self.example = ex
        self.terms = delta_terms(ex)
        t = ex.t
        peep = ex.params.peepholes
        self.equations_shown: list[str] = []  # keys of DELTA_EQUATIONS, in order
        self.routes_drawn: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self.flows: dict[tuple[str, str], VGroup] = {}  # (delta, term) -> its arrows
        self.factors: dict[str, int] = {}  # delta -> the power of ten taken out, if any
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
        # at its natural size (the deck's type scale), against the left of the figure zone:
        # the faded block of step t+1 takes the right
        cell.move_to(np.array([0.0, (top + bottom) / 2, 0.0]))
        cell.shift(RIGHT * (left + 0.1 - cell.get_left()[0]))
        self.cell = cell
        self.glyphs: dict[str, VectorGlyph] = {}
        probe_c = cell.make_glyph("c", ex.at("dc"), quantity="error")
        probe_y = cell.make_glyph("y", ex.at("dy"), quantity="error")
        start = max(probe_c.get_right()[0], probe_y.get_right()[0]) + 0.35
        nxt = NextBlock(
            start,
            right + 0.15,  # into the side margin: the block of t+1 is context
            cell.get_bottom()[1] + 0.2,
            cell.get_top()[1],
            np.array([probe_c.get_right()[0], cell.terminals["c"].get_center()[1], 0.0]),
            np.array([probe_y.get_right()[0], cell.terminals["y"].get_center()[1], 0.0]),
            th,
        )
        self.next_block = nxt
        all_terms = [v for d in self.terms.values() for v in d.values()]
        self.top_norm = max(float(np.linalg.norm(v)) for v in all_terms)
        title = self.slide_title(f"Errors inside the LSTM block at t = {t + 1}")

        self.step(
            "The forward pass left every value in place. Backprop visits the block in the "
            "reverse order: errors (deltas) flow back along the same wires, drawn in purple, "
            "each arrow as wide as the error it carries. The faded block on the right is "
            "step t+1: its errors come back into this one." + _recall_story(ex)
        )
        drawn = [cell.extras, cell.wire_group, cell.node_group, cell.terminals_group]
        if peep:
            drawn.append(cell.peephole_group)
        self.play(FadeIn(title), *[FadeIn(g) for g in drawn], FadeIn(nxt))
        strip = None
        earlier: list[VGroup] = []

        def show(key: str, notes: str, extra=()) -> None:
            nonlocal strip
            routes = routes_for(key, peep)
            sizes = "; ".join(
                f"{r.term}: {np.linalg.norm(self.terms[key][r.term]):.2g}" for r in routes
            )
            self.step(notes + f" The size of each term's error (the arrow's width): {sizes}.")
            new_strip = self._strip(key, ex.at(key), routes)
            reads = set(DELTA_READS[key]) | ({"do_bar"} if key == "dc" and peep else set())
            # the deltas this one is made of stay bright, the others are context: dimmed
            focus = self.focus(self.glyphs, reads)
            glyph = self._delta_glyph(cell, key, ex.at(key))
            flows = []
            for r in routes:
                flow = self._route_flow(r, self.terms[key][r.term])
                self.flows[(key, r.term)] = flow
                flows.append(flow)
            self.routes_drawn[key] = [(r.term, r.wires) for r in routes]
            self.play(
                *self.dim(*earlier),
                LaggedStart(*[Create(f) for f in flows], lag_ratio=0.3),
                *extra,
                *focus,
                *([FadeOut(strip)] if strip is not None else []),
                FadeIn(new_strip, shift=UP * 0.2),
                run_time=1.4,
            )
            earlier.extend(flows)
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
            "First the error at the output y^t: the error from the loss above (Delta^t) plus "
            "the errors coming back from the four gates of step t+1 through R.",
        )
        show(
            "do_bar",
            "y^t depends on the output gate through a single route, so delta o-bar is one "
            "product: the first kind of chain rule.",
        )
        show(
            "dc",
            "delta c^t collects every route back to the cell: through y, o and tanh, "
            + ("through the peepholes of o^t and of i and f at t+1, " if peep else "")
            + "and along the highway from step t+1, where it is multiplied by the next "
            "forget gate: delta c^(t+1) times f^(t+1).",
        )
        self.highway = self._strip_highlight(strip)
        hv_values = self.terms["dc"]["highway"]
        self.highway_value = hv_values
        hv = self._value_row(hv_values, "delta bold(c)^(t+1) dot.o bold(f)^(t+1)", cells)
        hv.next_to(strip, UP, buff=0.25).align_to(np.array([left, 0.0, 0.0]), LEFT)
        self.highway_glyph = hv
        self.step(
            "The highway term on its own: the error that reaches c^t from the future, scaled "
            "only by the forget gate. When f is near 1 it passes almost unchanged, which is "
            "how LSTMs keep gradients from vanishing." + _recall_highway(ex)
        )
        highway = self.flows[("dc", "highway")]
        self.play(
            *self.undim(highway),
            *self.dim(*[f for f in earlier if f is not highway]),
            Create(self.highway),
            FadeIn(hv),
        )
        show(
            "df_bar",
            "Then the forget gate: the cell error times c^(t-1), through the sigmoid's slope.",
            extra=[FadeOut(hv), FadeOut(self.highway)],
        )
        show("di_bar", "The input gate: the cell error times the block input z^t.")
        show(
            "dz_bar",
            "The block input: the cell error times the input gate i^t, through tanh's slope.",
        )
        self.flows_at_end = {
            k: float(f[0].path.get_stroke_opacity()) for k, f in self.flows.items()
        }

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
        self.bias_factors = {}
        columns = []
        for g in ("z", "i", "f", "o"):
            values = getattr(ex.grads, f"b_{g}")
            e = common_exponent(
                values[list(shown_indices(values.size, model.show_cells, BIAS_CELLS))]
            )
            self.bias_factors[g] = e
            factor = "" if e == 0 else f" quad (times 10^({e}))"
            columns.append(
                VectorGlyph(
                    values / 10.0**e,
                    label=f"delta bold(b)_{g}{factor}",
                    quantity="error",
                    theme=th,
                    label_side=UP,
                    max_cells=BIAS_CELLS,
                    **cells,
                )
            )
        biases = VGroup(*columns).arrange(RIGHT, buff=1.2, aligned_edge=UP)
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
            FadeOut(nxt),
            *[FadeOut(f) for f in earlier],
            *[FadeOut(g) for g in [*self.glyphs.values(), *leaving]],
        )
        self.play(*[FadeIn(p_) for p_ in parts])

    def _route_points(self, wire: str) -> list[np.ndarray]:
        """The corner points of one wire of a route, forward."""
        if wire in self.next_block.paths:
            return [np.asarray(p) for p in self.next_block.paths[wire]]
        if wire.startswith("peep_"):
            return self.cell.peepholes[wire[5:]].points_list
        if wire == "loss":  # Delta^t comes down from the loss onto y^t
            y = self.cell.terminals["y"].get_center()
            return [y + UP * 1.1 + RIGHT * 0.05, y + UP * 0.25 + RIGHT * 0.05]
        return self.cell.wires[wire].points_list

    def _route_flow(self, route: Route, term: np.ndarray) -> VGroup:
        """The error of one term along its route: one purple arrow per wire, against the
        wire's direction (the loss's arrow comes down, with it), as wide as the term."""
        width = flow_width(float(np.linalg.norm(term)), self.top_norm)
        arrows = VGroup()
        for wire in route.wires:
            pts = self._route_points(wire)
            if wire != "loss":
                pts = pts[::-1]
            arrows.add(Wire(pts, color=self.theme.error, theme=self.theme, stroke_width=width))
        arrows.width_value = width
        arrows.norm = float(np.linalg.norm(term))
        return arrows

    def _value_row(self, values: np.ndarray, name: str, cells: dict) -> VectorGlyph:
        """A row of error values with its Typst name, the common factor stated when the
        values would print as zero."""
        e = common_exponent(values)
        factor = "" if e == 0 else f" quad (times 10^({e}))"
        return VectorGlyph(
            values / 10.0**e,
            label=name + factor,
            quantity="error",
            theme=self.theme,
            direction="row",
            max_cells=MAX_CELLS,
            label_side=LEFT,
            **cells,
        )

    def _delta_glyph(self, cell: LSTMCell, key: str, values: np.ndarray) -> VectorGlyph:
        """The delta in the slot of the forward value it belongs to, in the error colour;
        values that would print as zero are shown times a stated power of ten."""
        e = common_exponent(values)
        self.factors[key] = e
        glyph = cell.make_glyph(DELTA_ANCHOR[key], values / 10.0**e, quantity="error")
        if e:
            glyph.factor = label(
                factor_text(e), font_size=TYPE.note, color=self.theme.error, theme=self.theme
            ).next_to(glyph.frame, DOWN, buff=0.06)
            glyph.add(glyph.factor)
        self.glyphs[key] = glyph
        return glyph

    def _strip(self, key: str, values: np.ndarray, routes: tuple[Route, ...]) -> VGroup:
        key_eq = equation_key(key, self.example.params.peepholes)
        self.equations_shown.append(key_eq)
        eq = math(DELTA_EQUATIONS[key_eq], font_size=TYPE.equation, theme=self.theme)
        # the terms whose routes are drawn, in the error colour (from the same table)
        for r in routes:
            eq.select(r.term).set_color(ManimColor(self.theme.error))
        glyph = self._value_row(
            values, DELTA_LABELS[key], dict(show=self.scene_config.model.show_cells)
        )
        glyph.label.next_to(glyph.frame, UP, buff=0.12)
        strip = VGroup(eq, glyph).arrange(RIGHT, buff=0.6)
        width = TYPE.figure_zone()[1] - TYPE.figure_zone()[0]
        if strip.width > width:  # at most to 80%: type stays above the 2% floor
            strip.scale(max(width / strip.width, 0.8))
        strip.to_edge(DOWN, buff=0.25)
        strip.eq, strip.glyph = eq, glyph
        return strip

    def _strip_highlight(self, strip: VGroup) -> VMobject:
        term = strip.eq.select("highway")
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
