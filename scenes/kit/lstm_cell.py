"""The LSTM block drawn two ways, with the same named parts in both.

- ``layout="circuit"``: the "electronic circuit" type of the lectures. The cell state runs
  along a straight highway at the top (c^{t-1} -> forget product -> sum -> c^t); the gates
  stand in a row below it, fed by the x^t and y^{t-1} buses; the input product joins the
  highway through an on-ramp; tanh(c^t) and the output gate give y^t on the right.
- ``layout="odyssey"``: the "Space Odyssey" type of Greff et al. (2017, Fig. 1): the cell
  (the sum node) at the centre, the gates around it, peepholes drawn from the cell to the
  gates, the previous cell state arriving on a dotted line. As in the paper's figure every
  gate gets its inputs on a wire: x^t (solid) and y^{t-1} (dotted) come down on the left and
  run along the bottom on two buses, and each gate takes its feed straight up from them.

The cell is drawn at the size it is shown: positions are scene units laid out to fill the
figure zone between the title and the equation strip, and every text is at the deck's type
scale (:data:`~scenes.kit.theme.TYPE`). Each value column has a slot of its own for up to
:data:`MAX_CELLS` cells; a longer vector shows its first cells (or the cells and inputs a
config picks: ``show_cells``, ``show_inputs``) and an ellipsis, and :attr:`LSTMCell.note`
says so ("cells 1-3 of 6", "cells 1, 4, 6 of 64 · inputs 2, 10 of 10").

Parts (same keys in both layouts, so a scene can morph one into the other part by part):
``gates`` (z, i, f, o: :class:`GateBox`), ``ops`` (mul_i, mul_f, add, mul_o:
:class:`PointwiseOp`), ``tanh_c``, ``wires`` (see :data:`WIRE_KEYS`), ``peepholes``
(i, f, o: blue wires), ``terminals`` (Typst labels x^t, y^{t-1}, c^{t-1}, c^t, y^t),
``extras`` (the x^t and y^{t-1} buses, ``x_bus`` and ``y_bus``, with their joints).
Values: :meth:`LSTMCell.show_values` attaches :class:`VectorGlyph` s for one step of a
trace (keys x, y_prev, c_prev, z, i, f, o, c, y) in their slots (:data:`GLYPH_PLACES`).

Lighting a path: ``cell.wires[key].pulse(color)`` or ``cell.wires[key].signal(glyph)``;
``cell.light(keys, color)`` pulses several wires at once (lecture 5 draws backward error
flows this way, in the theme's error colour).

Example
-------
>>> cell = LSTMCell(layout="circuit")
>>> sorted(cell.gates)
['f', 'i', 'o', 'z']
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Animation, AnimationGroup, Dot, ManimColor, VGroup

from rnn_core.lstm import LSTMStep

from .components import GateBox, PointwiseOp, VectorGlyph, Wire, math, route
from .theme import TYPE, Theme, current_theme

__all__ = ["LSTMCell", "WIRE_KEYS", "VALUE_KEYS", "VALUE_LABELS"]

WIRE_KEYS = (
    "z_in",
    "i_in",
    "f_in",
    "o_in",  # x^t and y^{t-1} into each gate
    "z_out",
    "i_out",
    "mul_i_out",  # block input and input gate -> product -> sum
    "c_in",
    "f_out",
    "mul_f_out",  # previous cell state and forget gate -> product -> sum
    "c_tap",
    "tanh_out",
    "o_out",
    "y_out",
    "c_out",
)
VALUE_KEYS = ("x", "y_prev", "c_prev", "z", "i", "f", "o", "c", "y")
VALUE_LABELS = {
    "x": "bold(x)^t",
    "y_prev": "bold(y)^(t-1)",
    "c_prev": "bold(c)^(t-1)",
    "z": "bold(z)^t",
    "i": "bold(i)^t",
    "f": "bold(f)^t",
    "o": "bold(o)^t",
    "c": "bold(c)^t",
    "y": "bold(y)^t",
}
VALUE_QUANTITY = {
    "x": "x",
    "y_prev": "y",
    "c_prev": "c",
    "z": "z",
    "i": "i",
    "f": "f",
    "o": "o",
    "c": "c",
    "y": "y",
}


GATE_SIZE = 0.62  # height of a gate box (scene units at the cell's natural size)
MAX_CELLS = 4  # cell slots of a value column; longer vectors show 3 cells and an ellipsis


def P(x: float, y: float) -> np.ndarray:  # noqa: N802 - a point, as in the drawings
    return np.array([x, y, 0.0])


# Where the parts stand, in scene units: the cell is drawn at the size it is shown, with its
# text at the deck's type scale, and fills the figure zone between the title and the
# equation strip (x in [-6.8, 6.8], y in [-2.5, 3.05]). Every value column (up to
# MAX_CELLS cells of 0.38) has its own free slot, so no two glyphs, labels or wires meet.
LAYOUTS = {
    "circuit": {
        "gates": {
            "f": P(-2.65, 0.15),
            "i": P(-0.65, 0.15),
            "z": P(1.35, 0.15),
            "o": P(3.45, 0.15),
        },
        "ops": {
            "mul_f": P(-2.65, 2.3),
            "mul_i": P(1.35, 1.6),
            "add": P(1.35, 2.3),
            "mul_o": P(4.45, 0.15),
        },
        "tanh_c": P(4.45, 1.3),
        "terminals": {
            "c_prev": P(-5.2, 2.3),
            "c": P(5.25, 2.3),
            "x": P(-5.35, -0.75),
            "y_prev": P(-3.3, -1.62),
            "y": P(5.25, 0.15),
        },
        # The peephole taps on the highway (x) and the rail that leads c^{t-1} to i (y).
        "peep": {"f_tap": -4.4, "i_tap": -3.9, "rail": 1.1, "o_tap": 3.25},
    },
    "odyssey": {
        "gates": {
            "z": P(0.0, -1.4),
            "i": P(-2.0, -0.6),
            "f": P(3.9, 0.3),
            "o": P(-3.7, 2.2),
        },
        "ops": {
            "mul_i": P(0.0, -0.6),
            "add": P(0.0, 0.3),
            "mul_f": P(2.2, 0.3),
            "mul_o": P(0.0, 2.2),
        },
        "tanh_c": P(0.0, 1.25),
        "terminals": {
            "c_prev": P(2.2, -1.15),
            "c": P(4.6, 0.78),
            "x": P(-5.35, 1.0),
            "y_prev": P(-5.25, -0.9),
            "y": P(1.35, 2.2),
        },
        # Buses: the x^t bus (solid) and the y^{t-1} bus (dotted) come down on the left
        # and run along the bottom under every gate, which takes its feed straight up.
        "bus": {"x_down": -4.0, "y_down": -4.4, "x": -2.0, "y": -2.4},
        # The drawing above is centred on x = -0.45; this centres it in the frame.
        "offset": P(0.45, 0.0),
    },
}

# Where each value glyph goes: (part, side of the part, how the glyph hangs). "next" puts
# the glyph beside the part, centred; a corner (e.g. DOWN+RIGHT) hangs the glyph from that
# corner; "bottom" sits beside the part with the glyph's bottom on the part's bottom.
GLYPH_PLACES = {
    "circuit": {
        "x": ("terminal", LEFT, "next"),
        "y_prev": ("terminal", LEFT, "next"),
        "c_prev": ("terminal", LEFT, "next"),
        "c": ("terminal", RIGHT, "next"),
        "y": ("terminal", RIGHT, "next"),
        "f": ("gate", RIGHT, "next"),
        "i": ("gate", RIGHT, "next"),
        "z": ("gate", RIGHT, "next"),
        "o": ("gate", DOWN + RIGHT, "corner"),
    },
    "odyssey": {
        "x": ("terminal", LEFT, "next"),
        "y_prev": ("terminal", LEFT, "next"),
        "c_prev": ("terminal", RIGHT, "next"),
        "c": ("terminal", RIGHT, "next"),
        "y": ("terminal", RIGHT, "next"),
        "f": ("gate", DOWN + RIGHT, "corner"),
        "i": ("gate", UP + LEFT, "corner"),
        "z": ("gate", RIGHT, "bottom"),
        "o": ("gate", LEFT, "next"),
    },
}


class LSTMCell(VGroup):
    """One LSTM block, drawn as ``"circuit"`` or ``"odyssey"`` (see the module docstring).

    The cell is built at the size it is shown (scene units, text at the deck's type scale);
    ``max_cells`` caps the value columns (longer vectors show their first cells, an
    ellipsis, and :attr:`note` says so). ``show_cells`` picks the cells every column but
    x^t shows (0-based, in index order), ``show_inputs`` the entries of x^t; ``None`` shows
    the first ones that fit.
    """

    def __init__(
        self,
        *,
        layout: str = "circuit",
        theme: Theme | None = None,
        peepholes: bool = True,
        max_cells: int = MAX_CELLS,
        show_cells: Iterable[int] | None = None,
        show_inputs: Iterable[int] | None = None,
    ) -> None:
        super().__init__()
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {sorted(LAYOUTS)}, got {layout!r}")
        self.layout = layout
        self.theme = theme if theme is not None else current_theme()
        self.spec = LAYOUTS[layout]
        self.has_peepholes = peepholes
        self.max_cells = max_cells
        self.show_cells = None if show_cells is None else tuple(show_cells)
        self.show_inputs = None if show_inputs is None else tuple(show_inputs)
        self._create_nodes()
        self.terminals = self._create_terminals()
        self.wires = self._create_wires()
        self.peepholes = self._create_peepholes()
        self.extras = self._create_extras()
        self.values: dict[str, VectorGlyph] = {}
        self.wire_group = VGroup(*self.wires.values())
        self.node_group = VGroup(*self.gates.values(), *self.ops.values(), self.tanh_c)
        self.peephole_group = VGroup(*self.peepholes.values())
        self.add(self.extras, self.wire_group, self.node_group, self.terminals_group)
        if peepholes:
            self.add(self.peephole_group)
        offset = self.spec.get("offset")
        if offset is not None:
            self.shift(offset)
            if not peepholes:  # not a part yet, but scenes add it later where it belongs
                self.peephole_group.shift(offset)

    # Parts -------------------------------------------------------------------------------
    def _create_nodes(self) -> None:
        th = self.theme
        self.gates = {
            g: GateBox("tanh" if g == "z" else "sigma", name=g, theme=th, size=GATE_SIZE).move_to(
                pos
            )
            for g, pos in self.spec["gates"].items()
        }
        self.ops = {
            k: PointwiseOp(
                "add" if k == "add" else "mul",
                theme=th,
                color=th.c if k in ("add", "mul_f") else None,
            ).move_to(pos)
            for k, pos in self.spec["ops"].items()
        }
        self.tanh_c = GateBox("tanh", quantity="c", theme=th, size=GATE_SIZE).move_to(
            self.spec["tanh_c"]
        )
        self.forget_gate, self.input_gate, self.output_gate, self.block_input = (
            self.gates["f"],
            self.gates["i"],
            self.gates["o"],
            self.gates["z"],
        )

    def _edge(self, key: str, side: np.ndarray) -> np.ndarray:
        node = (
            self.gates.get(key) or self.ops.get(key) or (self.tanh_c if key == "tanh_c" else None)
        )
        if isinstance(node, PointwiseOp):
            return node.get_center() + side * node.radius
        return node.box.get_critical_point(side)

    def _term(self, key: str, side: np.ndarray, gap: float = 0.1) -> np.ndarray:
        """A point just off a terminal label, where its wire starts or ends."""
        return self.terminals[key].get_critical_point(side) + side * gap

    def _create_wires(self) -> dict[str, Wire]:
        th, e, s, term = self.theme, self._edge, self.spec, self._term
        g = s["gates"]
        if self.layout == "circuit":
            bus_y = s["terminals"]["y_prev"][1]
            highway = s["ops"]["add"][1]
            pts = {
                **{f"{k}_in": route(P(g[k][0], bus_y), e(k, DOWN)) for k in "zifo"},
                "z_out": route(e("z", UP), e("mul_i", DOWN)),
                "i_out": route(e("i", UP), e("mul_i", LEFT), first="v"),
                "mul_i_out": route(e("mul_i", UP), e("add", DOWN)),
                "c_in": route(term("c_prev", RIGHT), e("mul_f", LEFT)),
                "f_out": route(e("f", UP), e("mul_f", DOWN)),
                "mul_f_out": route(e("mul_f", RIGHT), e("add", LEFT)),
                "c_tap": route(P(s["tanh_c"][0], highway), e("tanh_c", UP)),
                "tanh_out": route(e("tanh_c", DOWN), e("mul_o", UP)),
                "o_out": route(e("o", RIGHT), e("mul_o", LEFT)),
                "y_out": route(e("mul_o", RIGHT), term("y", LEFT)),
                "c_out": route(e("add", RIGHT), term("c", LEFT)),
            }
        else:
            bus_y = s["bus"]["y"]
            c_y = s["terminals"]["c"][1]
            pts = {
                **{f"{k}_in": route(P(g[k][0], bus_y), e(k, DOWN)) for k in "zifo"},
                "z_out": route(e("z", UP), e("mul_i", DOWN)),
                "i_out": route(e("i", RIGHT), e("mul_i", LEFT)),
                "mul_i_out": route(e("mul_i", UP), e("add", DOWN)),
                "c_in": route(term("c_prev", UP, 0.08), e("mul_f", DOWN)),
                "f_out": route(e("f", LEFT), e("mul_f", RIGHT)),
                "mul_f_out": route(e("mul_f", LEFT), e("add", RIGHT)),
                "c_tap": route(e("add", UP), e("tanh_c", DOWN)),
                "tanh_out": route(e("tanh_c", UP), e("mul_o", DOWN)),
                "o_out": route(e("o", RIGHT), e("mul_o", LEFT)),
                "y_out": route(e("mul_o", RIGHT), term("y", LEFT)),
                "c_out": route(P(s["ops"]["add"][0], c_y), term("c", LEFT)),
            }
        quantity = {
            "z_in": "text",
            "i_in": "text",
            "f_in": "text",
            "o_in": "text",
            "z_out": "z",
            "i_out": "i",
            "mul_i_out": "c",
            "c_in": "c",
            "f_out": "f",
            "mul_f_out": "c",
            "c_tap": "c",
            "tanh_out": "c",
            "o_out": "o",
            "y_out": "y",
            "c_out": "c",
        }
        past = {"c_in"}
        return {
            k: Wire(
                pts[k],
                color=th.text if quantity[k] == "text" else th.quantity(quantity[k]),
                theme=th,
                past=k in past and self.layout == "odyssey",
                stroke_width=4 if quantity[k] == "c" and self.layout == "circuit" else 3,
            )
            for k in WIRE_KEYS
        }

    def _create_peepholes(self) -> dict[str, Wire]:
        th, e, s = self.theme, self._edge, self.spec
        g = s["gates"]
        top = {k: e(k, UP)[1] for k in "ifo"}
        if self.layout == "circuit":
            pk, highway = s["peep"], s["ops"]["add"][1]
            i_drop = g["i"][0] - 0.2
            pts = {
                # i and f look at c^{t-1}: taps on the highway before the forget product
                "f": route(P(pk["f_tap"], highway), e("f", LEFT), first="v"),
                "i": route(
                    P(pk["i_tap"], highway),
                    P(i_drop, top["i"]),
                    first="v",
                    via=[P(pk["i_tap"], pk["rail"]), P(i_drop, pk["rail"])],
                ),
                # o looks at c^t: a tap after the sum
                "o": route(P(pk["o_tap"], highway), P(pk["o_tap"], top["o"]), first="v"),
            }
        else:
            add = e("add", LEFT)
            o_in = g["o"][0] + 0.2
            o_bottom = e("o", DOWN)[1]
            corner = P(-1.0, o_bottom - 0.3)
            c_prev_x = s["ops"]["mul_f"][0]
            branch_y = e("f", DOWN)[1] - 0.22
            pts = {
                "i": route(add, P(g["i"][0] + 0.15, top["i"])),
                "o": route(
                    add,
                    P(o_in, o_bottom),
                    via=[P(corner[0], add[1]), corner, P(o_in, corner[1])],
                ),
                # f looks at c^{t-1}: a branch off the dotted line that brings it in
                "f": route(P(c_prev_x, branch_y), P(g["f"][0] - 0.2, e("f", DOWN)[1])),
            }
        # Each peephole branches off a line of the cell state: a joint marks the branch.
        return {
            k: Wire(p, color=th.peephole, theme=th, dashed=True, stroke_width=3, joint=True)
            for k, p in pts.items()
        }

    def _create_terminals(self) -> dict[str, VGroup]:
        th = self.theme
        terms = {}
        for key, pos in self.spec["terminals"].items():
            q = VALUE_QUANTITY[key]
            terms[key] = math(VALUE_LABELS[key], color=th.quantity(q), font_size=TYPE.math)
            terms[key].move_to(pos)
        self.terminals_group = VGroup(*terms.values())
        return terms

    def _create_extras(self) -> VGroup:
        th, s, term = self.theme, self.spec, self._term
        g = s["gates"]
        extras = VGroup()
        if self.layout == "circuit":
            t = s["terminals"]
            right = g["o"][0]
            x_y, y_y = t["x"][1], t["y_prev"][1]
            x_pts = [term("x", RIGHT), P(right, x_y)]
            y_pts = [term("y_prev", RIGHT), P(right, y_y)]
            joint_y = x_y
            self.highway = VGroup(self.wires["c_in"], self.wires["mul_f_out"], self.wires["c_out"])
        else:
            b = s["bus"]
            right = g["f"][0]
            x_start, y_start = term("x", RIGHT), term("y_prev", RIGHT)
            x_pts = [x_start, P(b["x_down"], x_start[1]), P(b["x_down"], b["x"]), P(right, b["x"])]
            y_pts = [y_start, P(b["y_down"], y_start[1]), P(b["y_down"], b["y"]), P(right, b["y"])]
            joint_y = b["x"]
            self.highway = VGroup(self.wires["c_in"], self.wires["mul_f_out"], self.wires["c_tap"])
        self.x_bus = Wire(x_pts, color=th.x, theme=th, tip=False, stroke_width=4)
        self.y_bus = Wire(y_pts, color=th.past, theme=th, past=True, tip=False, stroke_width=4)
        joints = VGroup(
            *[Dot(P(g[k][0], joint_y), radius=0.06, color=ManimColor(th.text)) for k in "zifo"]
        )
        extras.add(self.x_bus, self.y_bus, joints)
        return extras

    # Values ------------------------------------------------------------------------------
    @property
    def unit(self) -> float:
        """How much the cell has been scaled since it was built (1.0 as built)."""
        return float(self.gates["f"].box.height / GATE_SIZE)

    def make_glyph(
        self,
        key: str,
        values: np.ndarray,
        *,
        with_label: bool = False,
        quantity: str | None = None,
    ) -> VectorGlyph:
        """A value glyph for ``key`` in its slot beside its part (not yet added to the cell);
        ``quantity`` recolours it (lecture 5 shows errors in the same slots). x^t shows the
        selected inputs, every other key the selected cells."""
        glyph = VectorGlyph(
            values,
            quantity=quantity or VALUE_QUANTITY[key],
            theme=self.theme,
            label=VALUE_LABELS[key] if with_label else None,
            max_cells=self.max_cells,
            **self.selection(key),
        )
        glyph.scale(self.unit)  # as large as the cell is drawn
        kind, side, how = GLYPH_PLACES[self.layout][key]
        part = self.terminals[key] if kind == "terminal" else self.gates[key].box
        gap = 0.08 * self.unit
        if how == "corner":
            glyph.move_to(part.get_corner(side) + side * gap * 0.6, aligned_edge=-side)
        else:
            glyph.next_to(part, side, buff=gap)
            if how == "bottom":
                glyph.shift(UP * (part.get_bottom()[1] - glyph.frame.get_bottom()[1]))
        return glyph

    def show_values(
        self, step: LSTMStep, keys: Iterable[str] = VALUE_KEYS
    ) -> dict[str, VectorGlyph]:
        """Attach glyphs with one step's real values (returned, and kept in ``self.values``)."""
        source = {
            "x": step.x,
            "y_prev": step.y_prev,
            "c_prev": step.c_prev,
            "z": step.z,
            "i": step.i,
            "f": step.f,
            "o": step.o,
            "c": step.c,
            "y": step.y,
        }
        for key in keys:
            glyph = self.make_glyph(key, source[key])
            self.values[key] = glyph
            self.add(glyph)
        return {k: self.values[k] for k in keys}

    def selection(self, key: str) -> dict:
        """The ``show`` and ``noun`` a value glyph of ``key`` takes (x: the inputs)."""
        if key == "x":
            return {"show": self.show_inputs, "noun": "inputs"}
        return {"show": self.show_cells, "noun": "cells"}

    @property
    def note(self) -> str:
        """What the value columns leave out, cells first: "cells 1-3 of 6",
        "cells 1, 4, 6 of 64 · inputs 1-3 of 10" ("" when nothing)."""
        notes = {g.noun: g.note for g in self.values.values() if g.truncated}
        return " · ".join(notes[n] for n in sorted(notes))

    # Animations --------------------------------------------------------------------------
    def light(
        self, keys: Iterable[str], color: str | None = None, run_time: float = 1.0
    ) -> Animation:
        """Pulse several wires (or peepholes, as ``"peep_i"``) at once."""
        wires = [self.peepholes[k[5:]] if k.startswith("peep_") else self.wires[k] for k in keys]
        return AnimationGroup(*[w.pulse(color, run_time=run_time) for w in wires])
