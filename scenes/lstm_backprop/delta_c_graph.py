"""delta c as the article draws it: a small graph of the nodes the cell c^t reaches (y^t
through o-bar^t or directly; c^(t+1) directly or through the peepholes of i-bar^(t+1) and
f-bar^(t+1)), its two streams and their branches lit one by one, each branch with its real
term, the terms summing to delta c^t. The branches are the routes of delta c in
:data:`scenes.lstm_backprop.backward_flow.DELTA_ROUTES` (no peephole branches without
peepholes); every number comes from ``rnn_core`` through ``scenes.lesson_data``.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, FadeIn, GrowArrow, VGroup, config

from scenes.kit.base import LectureSlide
from scenes.kit.bptt import flow_width
from scenes.kit.components import VectorGlyph, label, math
from scenes.kit.diagrams import FunctionGraph
from scenes.kit.magnitudes import common_exponent, factor_text, percent_text
from scenes.kit.theme import TYPE
from scenes.lesson_data import delta_terms, lstm_backward_example
from scenes.lstm_backprop.backward_flow import routes_for
from scenes.lstm_backprop.common import MAX_CELLS

__all__ = ["DeltaCGraph", "BRANCHES", "STREAMS"]

# Each branch of delta c: the nodes its error passes, from c^t forward (the error runs it
# backward), keyed by the term's name in DELTA_ROUTES / DELTA_EQUATIONS.
BRANCHES: dict[str, tuple[str, ...]] = {
    "via_y": ("c", "y"),
    "peep_o": ("c", "o", "y"),
    "highway": ("c", "c1"),
    "peep_i": ("c", "i1", "c1"),
    "peep_f": ("c", "f1", "c1"),
}
# The two streams: to y^t and to c^(t+1), each fed from the loss (the error arriving there).
STREAMS = {"y": ("via_y", "peep_o"), "c1": ("highway", "peep_i", "peep_f")}
# Where the nodes stand (before the graph is fitted to the figure zone) and their names.
NODES = {
    "c": ((-2.6, 0.0), "bold(c)^t"),
    "o": ((-0.6, 2.3), "macron(bold(o))^t"),
    "y": ((1.4, 1.2), "bold(y)^t"),
    "i1": ((-0.6, -2.0), "macron(bold(i))^(t+1)"),
    "f1": ((-0.6, -3.4), "macron(bold(f))^(t+1)"),
    "c1": ((1.4, -1.2), "bold(c)^(t+1)"),
    "L": ((2.9, 0.0), "L"),
}
TERM_EXPR = {
    "via_y": "delta bold(y)^t dot.o bold(o)^t dot.o tanh'(bold(c)^t)",
    "peep_o": "bold(p)_o dot.o delta macron(bold(o))^t",
    "highway": "delta bold(c)^(t+1) dot.o bold(f)^(t+1)",
    "peep_i": "bold(p)_i dot.o delta macron(bold(i))^(t+1)",
    "peep_f": "bold(p)_f dot.o delta macron(bold(f))^(t+1)",
}


class DeltaCGraph(LectureSlide):
    """The graph of what c^t reaches; delta c's branches lit one by one with their values."""

    scene_id = "delta-c-graph"
    title = "delta c as a graph: two streams, five branches"
    description = "The routes from c^t to the loss, each branch's real term, summing to delta c."

    def construct(self) -> None:
        th = self.theme
        ex = lstm_backward_example(self.scene_config)
        self.example = ex
        peep = ex.params.peepholes
        terms = delta_terms(ex)["dc"]
        branches = [r.term for r in routes_for("dc", peep)]  # the equation's terms, in order
        self.branches = branches
        self.terms = {b: terms[b] for b in branches}
        used = {"L"} | {n for b in branches for n in BRANCHES[b]}
        nodes = {
            k: (np.array([x, y, 0.0]), expr, None)
            for k, ((x, y), expr) in NODES.items()
            if k in used
        }
        edges = [
            (a, b) for br in branches for a, b in zip(BRANCHES[br], BRANCHES[br][1:], strict=False)
        ]
        edges = list(dict.fromkeys(edges)) + [("y", "L"), ("c1", "L")]
        graph = FunctionGraph(nodes, edges, theme=th, radius=0.5)
        left, right, _, top = TYPE.figure_zone()
        bottom = -config.frame_height / 2 + 0.3  # no equation strip: the terms are the column
        # the graph takes the left of the figure zone, the terms the right
        s = min((0.52 * (right - left)) / graph.width, (top - bottom - 0.2) / graph.height)
        graph.scale(s)
        graph.radius *= s
        graph.move_to(np.array([left + graph.width / 2, (top + bottom) / 2, 0.0]))
        self.graph = graph
        top_norm = max(float(np.linalg.norm(v)) for v in self.terms.values())
        title = self.slide_title(f"Where delta c flows from, at t = {ex.t + 1}")

        # the terms column: one row per branch, filled in as the branch is lit
        rows: dict[str, VGroup] = {}
        self.glyphs: dict[str, VectorGlyph] = {}
        self.factors: dict[str, int] = {}
        model = self.scene_config.model
        dc = ex.at("dc")
        total = float(np.sum(np.abs(list(self.terms.values()))))
        self.shares = {
            b: float(np.sum(np.abs(v))) / max(total, 1e-300) for b, v in self.terms.items()
        }
        for b in branches:
            rows[b] = self._row(TERM_EXPR[b], self.terms[b], b, model)
        rows["sum"] = self._row("delta bold(c)^t", dc, "sum", model)
        column = VGroup(*rows.values()).arrange(DOWN, buff=0.3, aligned_edge=RIGHT)
        column.move_to(np.array([right - column.width / 2, (top + bottom) / 2, 0.0]))
        room = column.get_left()[0] - 0.4 - left
        if graph.width > room:  # a wide column (many cells): the graph gives way
            k = room / graph.width
            graph.scale(k, about_point=np.array([left, graph.get_center()[1], 0.0]))
            graph.radius *= k
            s *= k
        self.rows = rows

        self.step(
            "The cell c^t reaches the loss along every route of this graph: one stream goes "
            "to y^t (directly, and through the output gate's peephole), the other to "
            "c^(t+1) (directly along the highway, and through the peepholes of the next "
            "input and forget gates). delta c^t is the sum over these routes."
            if peep
            else "Without peepholes the cell c^t reaches the loss along two routes: to y^t "
            "and along the highway to c^(t+1). delta c^t is their sum."
        )
        self.play(FadeIn(title), FadeIn(graph))

        self.branch_edges: dict[str, list] = {}
        lit: list = []
        for stream, members in STREAMS.items():
            members = [b for b in members if b in branches]
            # the error arriving at the stream's node from the loss
            source = graph.back_edge(stream, "L", offset=0.12 * s)
            name = "y^t" if stream == "y" else "c^(t+1)"
            self.step(
                f"Stream {1 if stream == 'y' else 2}: the error that reached {name} from the "
                f"loss flows back to c^t along {len(members)} branch"
                f"{'es' if len(members) != 1 else ''}."
            )
            self.play(*self.dim(*lit), GrowArrow(source))
            lit.append(source)
            for b in members:
                path = BRANCHES[b]
                arrows = [
                    graph.back_edge(a, c, offset=0.12 * s)
                    for a, c in zip(path, path[1:], strict=False)
                ][::-1]
                width = flow_width(float(np.linalg.norm(self.terms[b])), top_norm)
                for arrow in arrows:
                    arrow.set_stroke(width=width)
                self.branch_edges[b] = arrows
                self.step(
                    f"Branch {' -> '.join(reversed(path))}: {TERM_EXPR[b]} = "
                    f"({', '.join(f'{v:.3g}' for v in self.terms[b])}), "
                    f"{percent_text(self.shares[b])} of delta c^t's summed magnitudes."
                )
                self.play(
                    *self.dim(*lit, *[r for k, r in rows.items() if k != b and r in self.mobjects]),
                    *[GrowArrow(a) for a in arrows],
                    FadeIn(rows[b]),
                )
                lit.extend(arrows)

        self.step(
            "The branches add up to delta c^t, the value lstm_backward computed: "
            f"({', '.join(f'{v:.3g}' for v in dc)})."
        )
        self.play(*self.undim(*lit, *[rows[b] for b in branches]), FadeIn(rows["sum"]))

    def _row(self, expr: str, values: np.ndarray, key: str, model) -> VGroup:
        """A term's name and its values (times a stated power of ten when they would print
        as zero), the share of delta c beside a branch."""
        th = self.theme
        e = common_exponent(values)
        self.factors[key] = e
        glyph = VectorGlyph(
            values / 10.0**e,
            quantity="error",
            theme=th,
            direction="row",
            max_cells=MAX_CELLS,
            show=model.show_cells,
        )
        self.glyphs[key] = glyph
        prefix = "= " if key == "sum" else ""
        name = math(prefix + expr, font_size=TYPE.math, color=th.error, theme=th)
        row = VGroup(name, glyph).arrange(RIGHT, buff=0.25)
        # under the values: their stated factor (left) and the branch's share (right)
        if e:
            factor = label(factor_text(e), font_size=TYPE.note, color=th.error, theme=th)
            factor.next_to(glyph, DOWN, buff=0.06).align_to(glyph, LEFT)
            row.add(factor)
        if key != "sum":
            share = label(
                percent_text(self.shares[key]), font_size=TYPE.note, color=th.muted, theme=th
            )
            share.next_to(glyph, DOWN, buff=0.06).align_to(glyph, RIGHT)
            row.add(share)
        return row
