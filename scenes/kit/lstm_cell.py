"""The LSTM block drawn two ways, with the same named parts in both.

- ``layout="circuit"``: the "electronic circuit" type of the lectures. The cell state runs
  along a straight highway at the top (c^{t-1} -> forget product -> sum -> c^t); the gates
  stand in a row below it, fed by the x^t and y^{t-1} buses; the input product joins the
  highway through an on-ramp; tanh(c^t) and the output gate give y^t on the right.
- ``layout="odyssey"``: the "Space Odyssey" type of Greff et al. (2017, Fig. 1): the cell
  (the sum node) at the centre, the gates around it, peepholes drawn from the cell to the
  gates, the previous cell state arriving on a dotted line.

Parts (same keys in both layouts, so a scene can morph one into the other part by part):
``gates`` (z, i, f, o: :class:`GateBox`), ``ops`` (mul_i, mul_f, add, mul_o:
:class:`PointwiseOp`), ``tanh_c``, ``wires`` (see :data:`WIRE_KEYS`), ``peepholes``
(i, f, o: blue wires), ``terminals`` (Typst labels x^t, y^{t-1}, c^{t-1}, c^t, y^t),
``extras`` (parts only one layout has, e.g. the circuit's input buses).
Values: :meth:`LSTMCell.show_values` attaches :class:`VectorGlyph` s for one step of a
trace (keys x, y_prev, c_prev, z, i, f, o, c, y) at layout-specific anchors.

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
from .theme import Theme, current_theme

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


GATE_SIZE = 0.72  # height of a gate box in the cell's own units


def P(x: float, y: float) -> np.ndarray:  # noqa: N802 - a point, as in the drawings
    return np.array([x, y, 0.0])


# Where the parts stand, in the cell's own units (the scene scales and places the cell).
LAYOUTS = {
    "circuit": {
        "gates": {"f": P(-3.3, -0.5), "i": P(-1.3, -0.5), "z": P(0.7, -0.5), "o": P(2.7, -0.5)},
        "ops": {
            "mul_f": P(-3.3, 2.0),
            "mul_i": P(0.7, 0.9),
            "add": P(0.7, 2.0),
            "mul_o": P(4.1, -0.5),
        },
        "tanh_c": P(4.1, 0.9),
        "terminals": {
            "c_prev": P(-4.9, 2.0),
            "c": P(5.15, 2.0),
            "x": P(-5.0, -1.6),
            "y_prev": P(-5.0, -2.95),
            "y": P(5.15, -0.5),
        },
    },
    "odyssey": {
        "gates": {"z": P(0.0, -2.7), "i": P(-2.6, -1.35), "f": P(3.0, 0.0), "o": P(-2.6, 2.45)},
        "ops": {
            "mul_i": P(0.0, -1.35),
            "add": P(0.0, 0.0),
            "mul_f": P(1.5, 0.0),
            "mul_o": P(0.0, 2.45),
        },
        "tanh_c": P(0.0, 1.25),
        "terminals": {
            "c_prev": P(1.5, -1.75),
            "c": P(4.8, 0.65),
            "x": P(-4.9, 0.95),
            "y_prev": P(-4.9, -0.55),
            "y": P(2.0, 2.45),
        },
    },
}


class LSTMCell(VGroup):
    """One LSTM block, drawn as ``"circuit"`` or ``"odyssey"`` (see the module docstring)."""

    def __init__(
        self, *, layout: str = "circuit", theme: Theme | None = None, peepholes: bool = True
    ) -> None:
        super().__init__()
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {sorted(LAYOUTS)}, got {layout!r}")
        self.layout = layout
        self.theme = theme if theme is not None else current_theme()
        self.spec = LAYOUTS[layout]
        self.has_peepholes = peepholes
        self._create_nodes()
        self.wires = self._create_wires()
        self.peepholes = self._create_peepholes()
        self.terminals = self._create_terminals()
        self.extras = self._create_extras()
        self.values: dict[str, VectorGlyph] = {}
        self.wire_group = VGroup(*self.wires.values())
        self.node_group = VGroup(*self.gates.values(), *self.ops.values(), self.tanh_c)
        self.peephole_group = VGroup(*self.peepholes.values())
        self.add(self.extras, self.wire_group, self.node_group, self.terminals_group)
        if peepholes:
            self.add(self.peephole_group)

    # Parts -------------------------------------------------------------------------------
    def _create_nodes(self) -> None:
        th = self.theme
        self.gates = {
            g: GateBox("tanh" if g == "z" else "sigma", name=g, theme=th).move_to(pos)
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
        self.tanh_c = GateBox("tanh", quantity="c", theme=th).move_to(self.spec["tanh_c"])
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

    def _create_wires(self) -> dict[str, Wire]:
        th, e, s = self.theme, self._edge, self.spec
        t = s["terminals"]
        if self.layout == "circuit":
            bus_y = t["x"][1]
            feed = {g: route(P(s["gates"][g][0], t["y_prev"][1]), e(g, DOWN)) for g in "zifo"}
            pts = {
                **{f"{g}_in": feed[g] for g in "zifo"},
                "z_out": route(e("z", UP), e("mul_i", DOWN)),
                "i_out": route(e("i", UP), e("mul_i", LEFT), first="v"),
                "mul_i_out": route(e("mul_i", UP), e("add", DOWN)),
                "c_in": route(t["c_prev"] + RIGHT * 0.45, e("mul_f", LEFT)),
                "f_out": route(e("f", UP), e("mul_f", DOWN)),
                "mul_f_out": route(e("mul_f", RIGHT), e("add", LEFT)),
                "c_tap": route(P(s["tanh_c"][0], 2.0), e("tanh_c", UP)),
                "tanh_out": route(e("tanh_c", DOWN), e("mul_o", UP)),
                "o_out": route(e("o", RIGHT), e("mul_o", LEFT)),
                "y_out": route(e("mul_o", RIGHT), t["y"] + LEFT * 0.42),
                "c_out": route(e("add", RIGHT), t["c"] + LEFT * 0.35),
            }
            del bus_y
        else:
            pts = {
                "z_in": route(P(0.0, -3.55), e("z", DOWN)),
                "i_in": route(P(-3.75, -1.35), e("i", LEFT)),
                "f_in": route(P(3.0, 1.5), e("f", UP)),
                "o_in": route(P(-3.75, 2.45), e("o", LEFT)),
                "z_out": route(e("z", UP), e("mul_i", DOWN)),
                "i_out": route(e("i", RIGHT), e("mul_i", LEFT)),
                "mul_i_out": route(e("mul_i", UP), e("add", DOWN)),
                "c_in": route(t["c_prev"] + UP * 0.3, e("mul_f", DOWN)),
                "f_out": route(e("f", LEFT), e("mul_f", RIGHT)),
                "mul_f_out": route(e("mul_f", LEFT), e("add", RIGHT)),
                "c_tap": route(e("add", UP), e("tanh_c", DOWN)),
                "tanh_out": route(e("tanh_c", UP), e("mul_o", DOWN)),
                "o_out": route(e("o", RIGHT), e("mul_o", LEFT)),
                "y_out": route(e("mul_o", RIGHT), t["y"] + LEFT * 0.45),
                "c_out": route(P(0.0, 0.65), t["c"] + LEFT * 0.4),
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
        if self.layout == "circuit":
            tap_x = s["terminals"]["c_prev"][0] + 0.85
            pts = {
                "f": route(P(tap_x, 2.0), e("f", LEFT), first="v"),
                "i": route(
                    P(tap_x, 2.0),
                    e("i", LEFT),
                    first="v",
                    via=[P(tap_x, 0.3), P(-1.85, 0.3), P(-1.85, -0.5)],
                ),
                "o": route(P(s["gates"]["o"][0], 2.0), e("o", UP), first="v"),
            }
        else:
            pts = {
                "i": route(e("add", LEFT), e("i", UP), first="h"),
                "f": route(
                    P(0.14, -0.14), e("f", DOWN), first="v", via=[P(0.14, -0.55), P(3.0, -0.55)]
                ),
                "o": route(
                    e("add", LEFT), e("o", DOWN), via=[P(-1.7, 0.0), P(-1.7, 1.6), P(-2.6, 1.6)]
                ),
            }
        return {
            g: Wire(p, color=th.peephole, theme=th, dashed=True, stroke_width=3)
            for g, p in pts.items()
        }

    def _create_terminals(self) -> dict[str, VGroup]:
        th = self.theme
        terms = {}
        for key, pos in self.spec["terminals"].items():
            q = VALUE_QUANTITY[key]
            terms[key] = math(VALUE_LABELS[key], color=th.quantity(q), font_size=30).move_to(pos)
        self.terminals_group = VGroup(*terms.values())
        return terms

    def _create_extras(self) -> VGroup:
        th = self.theme
        extras = VGroup()
        if self.layout == "circuit":
            t = self.spec["terminals"]
            right = self.spec["gates"]["o"][0]
            self.x_bus = Wire(
                [t["x"] + RIGHT * 0.4, P(right, t["x"][1])],
                color=th.x,
                theme=th,
                tip=False,
                stroke_width=4,
            )
            self.y_bus = Wire(
                [t["y_prev"] + RIGHT * 0.55, P(right, t["y_prev"][1])],
                color=th.past,
                theme=th,
                past=True,
                tip=False,
                stroke_width=4,
            )
            joints = VGroup(
                *[
                    Dot(
                        P(self.spec["gates"][g][0], t["x"][1]),
                        radius=0.06,
                        color=ManimColor(th.text),
                    )
                    for g in "zifo"
                ]
            )
            self.highway = VGroup(self.wires["c_in"], self.wires["mul_f_out"], self.wires["c_out"])
            extras.add(self.x_bus, self.y_bus, joints)
        else:
            self.highway = VGroup(self.wires["c_in"], self.wires["mul_f_out"], self.wires["c_tap"])
        return extras

    # Values ------------------------------------------------------------------------------
    def value_anchor(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Where the glyph for ``key`` goes: a point and the side it extends to (a diagonal
        side means the glyph hangs from that corner of the part)."""
        corner = {("circuit", "o"): DOWN + RIGHT, ("odyssey", "o"): DOWN + LEFT}.get(
            (self.layout, key)
        )
        if corner is not None:
            return self.gates[key].box.get_corner(corner) + corner * 0.05, corner
        if key in ("z", "i", "f", "o"):
            side = RIGHT if self.layout == "circuit" else {"z": RIGHT, "i": DOWN, "f": RIGHT}[key]
            return self.gates[key].box.get_critical_point(side) + side * 0.08, side
        side = {"x": LEFT, "y_prev": LEFT, "c_prev": LEFT, "c": RIGHT, "y": RIGHT}[key]
        if self.layout == "odyssey":
            side = {"c_prev": RIGHT, "c": UP}.get(key, side)
        return self.terminals[key].get_critical_point(side) + side * 0.08, side

    def make_glyph(self, key: str, values: np.ndarray, *, with_label: bool = False) -> VectorGlyph:
        """A value glyph for ``key`` placed at its anchor (not yet added to the cell)."""
        glyph = VectorGlyph(
            values,
            quantity=VALUE_QUANTITY[key],
            theme=self.theme,
            label=VALUE_LABELS[key] if with_label else None,
            cell_width=0.95,
            cell_height=0.36,
            font_size=20,
        )
        glyph.scale(self.gates["f"].box.height / GATE_SIZE)  # as large as the cell is drawn
        point, side = self.value_anchor(key)
        if abs(side[0]) > 0 and abs(side[1]) > 0:  # a corner: the glyph hangs from it
            glyph.move_to(point, aligned_edge=-side)
        else:
            glyph.next_to(point, side, buff=0.0)
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

    # Animations --------------------------------------------------------------------------
    def light(
        self, keys: Iterable[str], color: str | None = None, run_time: float = 1.0
    ) -> Animation:
        """Pulse several wires (or peepholes, as ``"peep_i"``) at once."""
        wires = [self.peepholes[k[5:]] if k.startswith("peep_") else self.wires[k] for k in keys]
        return AnimationGroup(*[w.pulse(color, run_time=run_time) for w in wires])
