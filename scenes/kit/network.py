"""Neural networks drawn as neurons and as black boxes: neurons, dense layers, the
connections between layers, the RNN black-box symbol, the simple RNN unrolled over time
(with its shared U, W, V), and the diagrams of the RNN task types.

Every part is a ``VGroup`` with named parts, built from the theme passed in (or the
active one, looked up when the part is built). Values written in neurons are kept on the
mobject (``neuron.value``, ``layer.values``) so tests compare them with the computation.

Example
-------
>>> layer = DenseLayer([0.5, -0.25], quantity="x")
>>> [n.displayed for n in layer.neurons]
['0.50', '-0.25']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    CurvedArrow,
    Line,
    ManimColor,
    RoundedRectangle,
    VGroup,
    VMobject,
)

from .components import MINUS, Wire, format_value, label, math
from .theme import TYPE, Theme, current_theme

__all__ = [
    "Neuron",
    "neuron_radius",
    "DenseLayer",
    "Connections",
    "arrow",
    "RNNBlackBox",
    "UnrolledRNN",
    "TaskDiagram",
    "TASK_KINDS",
    "source_colours",
]


def _theme(theme: Theme | None) -> Theme:
    return theme if theme is not None else current_theme()


def source_colours(theme: Theme, n: int) -> list[str]:
    """One distinct colour per time step (for the frames of BPTT's gradient contributions)."""
    base = [theme.error, theme.y, theme.c, theme.x, theme.i, theme.f, theme.z, theme.o]
    return [base[k % len(base)] for k in range(n)]


def arrow(
    start: np.ndarray,
    end: np.ndarray,
    color: str,
    *,
    stroke_width: float = 3.0,
    tip_length: float = 0.16,
    buff: float = 0.0,
) -> Arrow:
    """A straight arrow in a theme colour whose tip keeps its size on short arrows."""
    return Arrow(
        start,
        end,
        buff=buff,
        stroke_width=stroke_width,
        color=ManimColor(color),
        tip_length=tip_length,
        max_tip_length_to_length_ratio=0.35,
        max_stroke_width_to_length_ratio=20,
    )


def neuron_radius(
    values: Sequence[float] | np.ndarray = (),
    *,
    font_size: float = TYPE.number,
    decimals: int = 2,
    pad: float = 0.07,
) -> float:
    """The radius of a neuron that holds the widest of ``values`` (and never less than a
    signed one-digit value such as -0.00) written at ``font_size``: neurons whose values
    change keep one size, and no number sticks out of its circle."""
    texts = [f"{MINUS}{format_value(0.0, decimals)}"]
    texts += [format_value(float(v), decimals).replace("-", MINUS) for v in np.ravel(values)]
    widest = max(texts, key=len)
    # Digits are about as wide as each other; the widest string decides the width.
    width = label(widest, font_size=font_size).width
    return width / 2 + pad


class Neuron(VGroup):
    """A neuron: a circle outlined in its quantity's colour, optionally with its value.

    Parts: ``circle``, ``text`` (the value or ``None``). ``value`` is the number shown.
    The default radius fits any signed one-digit value at ``font_size``
    (:func:`neuron_radius`).
    """

    def __init__(
        self,
        value: float | None = None,
        *,
        quantity: str = "y",
        theme: Theme | None = None,
        radius: float | None = None,
        font_size: float = TYPE.number,
        decimals: int = 2,
    ) -> None:
        super().__init__()
        th = _theme(theme)
        self.theme = th
        self.decimals = decimals
        self.value = None if value is None else float(value)
        if radius is None:
            radius = neuron_radius([] if value is None else [value], font_size=font_size)
        self.circle = Circle(
            radius=radius, stroke_width=2.5, color=ManimColor(th.quantity(quantity))
        )
        if value is None:
            self.circle.set_fill(ManimColor(th.panel), opacity=1.0)
        else:
            fill, opacity = th.shade(self.value)
            self.circle.set_fill(ManimColor(fill), opacity=opacity * 0.7)
        self.add(self.circle)
        self.text = None
        if value is not None:
            self.text = label(
                format_value(self.value, decimals).replace("-", "\u2212"),
                font_size=font_size,
                theme=th,
            ).move_to(self.circle)
            self.add(self.text)

    @property
    def displayed(self) -> str | None:
        """The value as written in the circle."""
        return None if self.value is None else format_value(self.value, self.decimals)

    @property
    def radius(self) -> float:
        return self.circle.width / 2


class DenseLayer(VGroup):
    """A column (or row) of neurons. ``values`` (or a count) sets how many; parts:
    ``neurons``, ``label`` (Typst or ``None``, written above a column, left of a row).
    ``spacing`` is centre to centre; ``None`` leaves a quarter radius between circles."""

    def __init__(
        self,
        values: Sequence[float] | np.ndarray | int,
        *,
        quantity: str = "y",
        label_expr: str | None = None,
        theme: Theme | None = None,
        spacing: float | None = None,
        radius: float | None = None,
        font_size: float = TYPE.number,
        direction: np.ndarray = DOWN,
    ) -> None:
        super().__init__()
        th = _theme(theme)
        if isinstance(values, int | np.integer):
            shown: list[float | None] = [None] * int(values)
        else:
            shown = [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]
        if not shown:
            raise ValueError("a DenseLayer needs at least one neuron")
        if radius is None:
            radius = neuron_radius([v for v in shown if v is not None], font_size=font_size)
        if spacing is None:
            spacing = 2.5 * radius
        self.neurons = VGroup(
            *[
                Neuron(v, quantity=quantity, theme=th, radius=radius, font_size=font_size)
                for v in shown
            ]
        ).arrange(direction, buff=spacing - 2 * radius)
        self.add(self.neurons)
        self.label = None
        if label_expr is not None:
            self.label = math(
                label_expr, color=th.quantity(quantity), font_size=TYPE.math, theme=th
            )
            self.label.next_to(self.neurons, UP if direction is DOWN else LEFT, buff=0.15)
            self.add(self.label)

    @property
    def values(self) -> list[float | None]:
        return [n.value for n in self.neurons]

    @property
    def displayed(self) -> list[str | None]:
        return [n.displayed for n in self.neurons]


class Connections(VGroup):
    """Every line from the neurons of layer ``a`` to those of layer ``b``.

    ``edges[(i, j)]`` is the line from neuron i of ``a`` to neuron j of ``b``.
    """

    def __init__(
        self,
        a: DenseLayer,
        b: DenseLayer,
        *,
        color: str | None = None,
        theme: Theme | None = None,
        stroke_width: float = 1.5,
        opacity: float = 0.6,
    ) -> None:
        super().__init__()
        th = _theme(theme)
        self.edges: dict[tuple[int, int], Line] = {}
        for i, na in enumerate(a.neurons):
            for j, nb in enumerate(b.neurons):
                start, end = na.circle.get_center(), nb.circle.get_center()
                direction = (end - start) / np.linalg.norm(end - start)
                line = Line(
                    start + direction * na.radius,
                    end - direction * nb.radius,
                    stroke_width=stroke_width,
                    color=ManimColor(color or th.muted),
                    stroke_opacity=opacity,
                )
                self.edges[(i, j)] = line
                self.add(line)


class RNNBlackBox(VGroup):
    """The usual RNN symbol: a box with a recurrent loop, input below and output above.

    Parts: ``box``, ``name``, ``loop`` (the recurrent arrow, in the hidden state's colour),
    ``loop_label`` (the loop's weights, ``W``, or ``None``), ``x_label``, ``y_label``,
    ``x_arrow``, ``y_arrow``.
    """

    def __init__(
        self,
        *,
        name: str = "RNN",
        input_expr: str = "bold(x)^t",
        output_expr: str = "hat(bold(y))^t",
        loop_expr: str | None = None,
        theme: Theme | None = None,
        width: float = 1.5,
        height: float = 1.0,
        font_size: float = TYPE.label,
        math_size: float = TYPE.math,
    ) -> None:
        super().__init__()
        th = _theme(theme)
        self.box = RoundedRectangle(
            width=width, height=height, corner_radius=0.15, stroke_width=3, color=ManimColor(th.y)
        ).set_fill(ManimColor(th.panel), opacity=1.0)
        self.name = label(name, font_size=font_size, theme=th).move_to(self.box)
        right = self.box.get_right()
        self.loop = CurvedArrow(
            right + UP * height * 0.25,
            right + DOWN * height * 0.25,
            angle=-np.pi * 1.4,
            color=ManimColor(th.y),
            stroke_width=3,
            tip_length=0.15,
        )
        self.loop_label = None
        if loop_expr is not None:
            self.loop_label = math(loop_expr, color=th.y, font_size=math_size, theme=th)
            self.loop_label.next_to(self.loop, RIGHT, buff=0.12)
        self.x_label = math(input_expr, color=th.x, font_size=math_size, theme=th)
        self.x_label.next_to(self.box, DOWN, buff=0.7)
        self.y_label = math(output_expr, color=th.o, font_size=math_size, theme=th)
        self.y_label.next_to(self.box, UP, buff=0.7)
        self.x_arrow = arrow(self.x_label.get_top() + UP * 0.08, self.box.get_bottom(), th.x)
        self.y_arrow = arrow(self.box.get_top(), self.y_label.get_bottom() + DOWN * 0.08, th.o)
        self.add(self.loop, self.box, self.name, self.x_arrow, self.y_arrow)
        self.add(self.x_label, self.y_label)
        if self.loop_label is not None:
            self.add(self.loop_label)


class UnrolledRNN(VGroup):
    """The simple RNN unfolded over ``n`` time steps, Goodfellow's drawing: inputs x^t below,
    hidden states h^t in the middle, outputs o^t above; the same U (input), W (recurrent)
    and V (output) label every step's arrows, so the sharing is visible.

    Parts: ``x_nodes``, ``h_nodes``, ``o_nodes`` (circles with a Typst name),
    ``u_arrows``, ``w_arrows``, ``v_arrows`` and their ``u_labels``, ``w_labels``,
    ``v_labels``; ``w_arrows[0]`` comes in from the initial state h^0 on the left.
    """

    def __init__(
        self,
        n: int,
        *,
        theme: Theme | None = None,
        spacing: float = 2.4,
        levels: tuple[float, float, float] = (-1.6, 0.0, 1.6),
        radius: float = 0.42,
        output_expr: str = "bold(o)^({t})",
    ) -> None:
        super().__init__()
        if n < 1:
            raise ValueError(f"UnrolledRNN needs at least one step, got {n}")
        th = _theme(theme)
        self.n = n
        xs_pos = [RIGHT * spacing * (k - (n - 1) / 2) for k in range(n)]
        self.x_nodes, self.h_nodes, self.o_nodes = VGroup(), VGroup(), VGroup()
        specs = (
            (self.x_nodes, levels[0], "bold(x)^({t})", th.x),
            (self.h_nodes, levels[1], "bold(h)^({t})", th.y),
            (self.o_nodes, levels[2], output_expr, th.o),
        )
        for group, level, expr, colour in specs:
            for k, pos in enumerate(xs_pos):
                circle = Circle(radius=radius, stroke_width=3, color=ManimColor(colour))
                circle.set_fill(ManimColor(th.panel), opacity=1.0).move_to(pos + UP * level)
                name = math(expr.format(t=k + 1), color=colour, font_size=TYPE.math, theme=th)
                name.move_to(circle)
                group.add(VGroup(circle, name))
        self.u_arrows, self.v_arrows, self.w_arrows = VGroup(), VGroup(), VGroup()
        self.u_labels, self.v_labels, self.w_labels = VGroup(), VGroup(), VGroup()
        for k in range(n):
            x, h, o = self.x_nodes[k][0], self.h_nodes[k][0], self.o_nodes[k][0]
            u = arrow(x.get_top(), h.get_bottom(), th.param)
            v = arrow(h.get_top(), o.get_bottom(), th.param)
            self.u_arrows.add(u)
            self.v_arrows.add(v)
            self.u_labels.add(self._param("U", u, th))
            self.v_labels.add(self._param("V", v, th))
            start = (
                self.h_nodes[k - 1][0].get_right()
                if k
                else h.get_left() + LEFT * (spacing - 2 * radius) * 0.6
            )
            w = arrow(start, h.get_left(), th.y)
            self.w_arrows.add(w)
            wl = math("W", color=th.y, font_size=TYPE.math, theme=th)
            wl.next_to(w, UP, buff=0.06)
            self.w_labels.add(wl)
        self.h0_label = math("bold(h)^(0)", color=th.y, font_size=TYPE.math, theme=th)
        self.h0_label.next_to(self.w_arrows[0], LEFT, buff=0.06)
        self.add(self.w_arrows, self.u_arrows, self.v_arrows)
        self.add(self.x_nodes, self.h_nodes, self.o_nodes)
        self.add(self.u_labels, self.v_labels, self.w_labels, self.h0_label)

    @staticmethod
    def _param(name: str, arrow_: VMobject, th: Theme) -> VMobject:
        text = math(name, color=th.param, font_size=TYPE.math, theme=th)
        text.next_to(arrow_, RIGHT, buff=0.08)
        return text

    @property
    def shared(self) -> dict[str, VGroup]:
        """The labels of each shared parameter, one per step."""
        return {"U": self.u_labels, "W": self.w_labels, "V": self.v_labels}


TASK_KINDS = (
    "one-to-one",
    "one-to-many",
    "many-to-one",
    "many-to-many",
    "seq2seq",
    "bidirectional",
)


class TaskDiagram(VGroup):
    """A simplified RNN chart for one task type: a row of recurrent blocks (orange), input
    arrows from below (green) and output arrows up (the output colour).

    ``kind`` is one of :data:`TASK_KINDS`. Parts: ``blocks``, ``inputs`` (input dots),
    ``outputs`` (output dots), ``arrows`` (every arrow), ``recurrent`` (block-to-block
    arrows); for ``seq2seq`` also ``feedback`` (each output fed to the next decoder step)
    and for ``bidirectional`` a second row ``back_blocks`` with ``back_recurrent`` leftward.
    ``n_in`` and ``n_out`` count the input and output vectors.
    """

    def __init__(
        self,
        kind: str,
        *,
        steps: int = 4,
        theme: Theme | None = None,
        box: float = 0.42,
        spacing: float = 0.72,
    ) -> None:
        super().__init__()
        if kind not in TASK_KINDS:
            raise ValueError(f"unknown task kind {kind!r}; choose one of: {', '.join(TASK_KINDS)}")
        th = _theme(theme)
        self.kind = kind
        n = 1 if kind == "one-to-one" else steps
        if kind == "seq2seq":
            n = 2 * steps - 1
        ins = {
            "one-to-one": [0],
            "one-to-many": [0],
            "many-to-one": list(range(n)),
            "many-to-many": list(range(n)),
            "seq2seq": list(range(steps)),
            "bidirectional": list(range(n)),
        }[kind]
        outs = {
            "one-to-one": [0],
            "one-to-many": list(range(n)),
            "many-to-one": [n - 1],
            "many-to-many": list(range(n)),
            "seq2seq": list(range(steps - 1, n)),
            "bidirectional": list(range(n)),
        }[kind]
        self.blocks, self.inputs, self.outputs = VGroup(), VGroup(), VGroup()
        self.arrows, self.recurrent, self.feedback = VGroup(), VGroup(), VGroup()
        self.part_labels = VGroup()
        self.back_blocks, self.back_recurrent = VGroup(), VGroup()
        if kind == "bidirectional":
            spacing *= 1.4  # room for the arrows that cross between the two rows
        for k in range(n):
            self.blocks.add(self._block(RIGHT * spacing * (k - (n - 1) / 2), box, th))
        if kind == "bidirectional":
            for k in range(n):
                self.back_blocks.add(
                    self._block(RIGHT * spacing * (k - (n - 1) / 2) + UP * spacing, box, th)
                )
        top_row = self.back_blocks if kind == "bidirectional" else self.blocks
        for k in range(n - 1):
            a, b = self.blocks[k], self.blocks[k + 1]
            self.recurrent.add(arrow(a.get_right(), b.get_left(), th.y, tip_length=0.1))
        for k in range(n - 1, 0, -1):
            if kind == "bidirectional":
                a, b = self.back_blocks[k], self.back_blocks[k - 1]
                self.back_recurrent.add(arrow(a.get_left(), b.get_right(), th.y, tip_length=0.1))
        dot_r = 0.09
        for k in ins:
            blk = self.blocks[k]
            dot = Circle(radius=dot_r, stroke_width=0).set_fill(ManimColor(th.x), 1.0)
            dot.move_to(blk.get_bottom() + DOWN * 0.45)
            self.inputs.add(dot)
            self.arrows.add(arrow(dot.get_top(), blk.get_bottom(), th.x, tip_length=0.1))
            if kind == "bidirectional":
                # The input also reaches the backward row, led up through the gap on the left.
                up = self.back_blocks[k]
                gap_x = blk.get_left()[0] - (spacing - box) / 3
                y_in = up.get_y() - box / 4
                self.arrows.add(
                    Wire(
                        [
                            dot.get_left(),
                            [gap_x, dot.get_y(), 0],
                            [gap_x, y_in, 0],
                            [up.get_left()[0], y_in, 0],
                        ],
                        color=th.x,
                        theme=th,
                        stroke_width=2,
                        tip_length=0.1,
                    )
                )
        for k in outs:
            blk = top_row[k]
            dot = Circle(radius=dot_r, stroke_width=0).set_fill(ManimColor(th.o), 1.0)
            dot.move_to(blk.get_top() + UP * 0.45)
            self.outputs.add(dot)
            self.arrows.add(arrow(blk.get_top(), dot.get_bottom(), th.o, tip_length=0.1))
            if kind == "bidirectional":
                # The output also reads the forward row, led up through the gap on the right.
                low = self.blocks[k]
                gap_x = low.get_right()[0] + (spacing - box) / 3
                y_out = low.get_y() + box / 4
                self.arrows.add(
                    Wire(
                        [
                            [low.get_right()[0], y_out, 0],
                            [gap_x, y_out, 0],
                            [gap_x, dot.get_y(), 0],
                            dot.get_right(),
                        ],
                        color=th.o,
                        theme=th,
                        stroke_width=2,
                        tip_length=0.1,
                    )
                )
        if kind == "seq2seq":
            # The decoder feeds each output back as the next step's input (dashed, from the
            # previous step), led down between the blocks and in from below.
            below = self.blocks[0].get_bottom()[1] - 0.25
            for idx, k in enumerate(outs[:-1]):
                src, dst = self.outputs[idx], self.blocks[k + 1]
                mid = (self.blocks[k].get_right()[0] + dst.get_left()[0]) / 2
                self.feedback.add(
                    Wire(
                        [
                            src.get_right(),
                            [mid, src.get_y(), 0],
                            [mid, below, 0],
                            [dst.get_x(), below, 0],
                            dst.get_bottom(),
                        ],
                        color=th.past,
                        theme=th,
                        dashed=True,
                        stroke_width=2,
                        tip_length=0.1,
                    )
                )
            enc = VGroup(*self.blocks[: len(ins)])
            dec = VGroup(*self.blocks[len(ins) - 1 :])
            self.part_labels = VGroup(
                label("encoder", font_size=TYPE.note, color=th.muted, theme=th).next_to(
                    enc, DOWN, buff=0.62
                ),
                label("decoder", font_size=TYPE.note, color=th.muted, theme=th).next_to(
                    dec, DOWN, buff=0.62
                ),
            )
            self.part_labels[1].align_to(self.part_labels[0], DOWN)
            self.add(self.part_labels)
        self.n_in, self.n_out = len(ins), len(outs)
        self.add(self.recurrent, self.back_recurrent, self.feedback, self.arrows)
        self.add(self.blocks, self.back_blocks, self.inputs, self.outputs)

    @staticmethod
    def _block(pos: np.ndarray, size: float, th: Theme) -> RoundedRectangle:
        rect = RoundedRectangle(
            width=size, height=size, corner_radius=0.08, stroke_width=2.5, color=ManimColor(th.y)
        )
        return rect.set_fill(ManimColor(th.panel), opacity=1.0).move_to(pos)
