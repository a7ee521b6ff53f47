"""Diagram parts shared by the RNN and backprop lectures: matrices of real values, backward
(error) pulses along wires, chains of blocks unrolled over time, small graphs of functions,
and axes with a log-scaled y axis that need no LaTeX.

Example
-------
>>> m = MatrixGlyph(np.eye(2), quantity="error")
>>> m.displayed
[['1.00', '0.00'], ['0.00', '1.00']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    Axes,
    Circle,
    CurvedArrow,
    FadeIn,
    FadeOut,
    Line,
    ManimColor,
    RoundedRectangle,
    ShowPassingFlash,
    SurroundingRectangle,
    VGroup,
    VMobject,
    config,
)

from .components import VectorGlyph, label, math
from .theme import TYPE, Theme, current_theme

__all__ = [
    "figure_zone",
    "fit_to_zone",
    "MatrixGlyph",
    "BottomStrip",
    "back_pulse",
    "BlockChain",
    "FunctionGraph",
    "LogAxes",
    "step_palette",
]


def _theme(theme: Theme | None) -> Theme:
    return theme if theme is not None else current_theme()


def figure_zone(*, strip: bool = True) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) of the slide's figure zone: below the title band, above
    the equation strip (or down to the bottom margin when the slide has no strip)."""
    left, right, bottom, top = TYPE.figure_zone(config.frame_width, config.frame_height)
    if not strip:
        bottom = -config.frame_height / 2 + TYPE.margin
    return left, right, bottom, top


def fit_to_zone(
    mob: VMobject,
    *,
    strip: bool = True,
    zone: tuple[float, float, float, float] | None = None,
    max_scale: float = 2.5,
    min_scale: float = 0.0,
) -> float:
    """Scale ``mob`` to fill the figure zone (or ``zone``) and centre it there; returns
    the factor. ``max_scale`` stops a small diagram from becoming a poster; a figure
    that holds text should be built near its final size so the factor stays near or
    above 1 (scaling text down shrinks it under the type scale); ``min_scale`` is that
    floor (the figure is then centred but may be left larger than the zone)."""
    left, right, bottom, top = zone or figure_zone(strip=strip)
    factor = min((right - left) / mob.width, (top - bottom) / mob.height, max_scale)
    factor = max(factor, min_scale)
    mob.scale(factor).move_to([(left + right) / 2, (bottom + top) / 2, 0.0])
    return factor


def step_palette(theme: Theme, n: int) -> list[str]:
    """One distinct colour per time step (the article's purple, orange, red frames first)."""
    base = [theme.error, theme.y, theme.c, theme.x, theme.i, theme.f, theme.z, theme.o]
    return [base[k % len(base)] for k in range(n)]


class MatrixGlyph(VGroup):
    """A small matrix of real values: rows of value cells inside a frame in ``color``.

    Cells are sized for the widest value (``VectorGlyph``) at the deck's number size.
    ``max_cells`` caps the columns shown (the last slot becomes an ellipsis); ``max_rows``
    caps the rows. ``note`` says what is left out ("rows 1-4, columns 1-4 of 6 x 6").

    Parts: ``rows`` (row :class:`VectorGlyph` s), ``frame``, ``label`` (or ``None``).
    """

    def __init__(
        self,
        values: np.ndarray,
        *,
        label_expr: str | None = None,
        quantity: str = "error",
        color: str | None = None,
        theme: Theme | None = None,
        cell_width: float | None = None,
        cell_height: float | None = None,
        font_size: float = TYPE.number,
        label_size: float = TYPE.math,
        max_cells: int | None = None,
        max_rows: int | None = None,
        vmax: float | None = None,
    ) -> None:
        super().__init__()
        th = _theme(theme)
        arr = np.atleast_2d(np.asarray(values, dtype=np.float64))
        # shading scale: the matrix's own largest value, unless matrices compared side by
        # side share one (``vmax``)
        scale = vmax if vmax is not None else max(float(np.max(np.abs(arr))), 1e-12)
        self.values = arr.copy()
        self.shape = arr.shape
        if max_rows is not None and arr.shape[0] > max_rows:
            arr = arr[:max_rows]
        colour = color or th.quantity(quantity)
        self.rows = VGroup(
            *[
                VectorGlyph(
                    row,
                    direction="row",
                    theme=th,
                    color=colour,
                    cell_width=cell_width,
                    cell_height=cell_height,
                    font_size=font_size,
                    vmax=scale,
                    max_cells=max_cells,
                )
                for row in arr
            ]
        ).arrange(DOWN, buff=0.0)
        for row in self.rows:  # one frame around the whole matrix, not one per row
            row.frame.set_stroke(width=0)
        self.frame = SurroundingRectangle(
            self.rows, buff=0.04, color=ManimColor(colour), stroke_width=3
        )
        self.add(self.rows, self.frame)
        self.label = None
        if label_expr is not None:
            self.label = math(label_expr, color=colour, font_size=label_size, theme=th)
            self.label.next_to(self.frame, UP, buff=0.1)
            self.add(self.label)

    @property
    def displayed(self) -> list[list[str]]:
        return [row.displayed for row in self.rows]

    @property
    def truncated(self) -> bool:
        return len(self.rows) < self.shape[0] or self.rows[0].truncated

    @property
    def note(self) -> str:
        """What is on screen when the matrix is cut, e.g. "rows 1-4, columns 1-3 of 6 x 6"."""
        if not self.truncated:
            return ""
        rows, cols = self.shape
        shown_rows, shown_cols = len(self.rows), self.rows[0].n_shown
        if shown_cols == cols:
            return f"rows 1-{shown_rows} of {rows}"
        if shown_rows == rows:
            return f"columns 1-{shown_cols} of {cols}"
        return f"rows 1-{shown_rows}, columns 1-{shown_cols} of {rows} x {cols}"


class BottomStrip:
    """The line along the bottom edge that states the current equation: each :meth:`show`
    puts up a new line (parts arranged left to right, shrunk to ``max_width`` when wider)
    and takes the previous one down. ``current`` is the line on screen, or ``None``."""

    def __init__(self, *, buff: float = 0.3, max_width: float = 13.4) -> None:
        self.buff = buff
        self.max_width = max_width
        self.current: VGroup | None = None

    def show(self, *parts) -> list[Animation]:
        """The animations that replace the current line by ``parts``."""
        new = VGroup(*parts).arrange(RIGHT, buff=0.3).to_edge(DOWN, buff=self.buff)
        if new.width > self.max_width:
            new.scale_to_fit_width(self.max_width)
        anims: list[Animation] = [FadeIn(new, shift=UP * 0.2)]
        if self.current is not None:
            anims.append(FadeOut(self.current))
        self.current = new
        return anims


def back_pulse(
    wire: VMobject, color: str, *, width: float = 7.0, run_time: float = 1.0
) -> Animation:
    """A bright stretch running along a wire against its direction: an error flowing back."""
    line = getattr(wire, "line", wire)
    flash = line.copy().reverse_points().set_stroke(ManimColor(color), width=width)
    return ShowPassingFlash(flash, time_width=0.5, run_time=run_time)


class BlockChain(VGroup):
    """Recurrent blocks unrolled over time: ``n`` boxes left to right, the state arrows
    between them, inputs below and outputs/losses above.

    Parts: ``blocks``, ``state_arrows`` (block k -> k+1), ``inputs``, ``outputs``,
    ``input_arrows``, ``output_arrows``; ``block_label`` written in each box.
    """

    def __init__(
        self,
        n: int,
        *,
        block_label: str = "A",
        input_label: str = "bold(x)^({t})",
        output_label: str = "L^({t})",
        state_quantity: str = "y",
        output_quantity: str = "loss",
        theme: Theme | None = None,
        spacing: float = 2.2,
        box: float = 0.9,
    ) -> None:
        super().__init__()
        th = _theme(theme)
        self.theme = th
        self.blocks, self.inputs, self.outputs = VGroup(), VGroup(), VGroup()
        self.state_arrows, self.input_arrows, self.output_arrows = VGroup(), VGroup(), VGroup()
        for k in range(n):
            rect = RoundedRectangle(
                width=box * 1.2,
                height=box,
                corner_radius=0.12,
                stroke_width=3,
                color=ManimColor(th.text),
            )
            rect.set_fill(ManimColor(th.panel), opacity=1.0)
            rect.move_to(RIGHT * spacing * (k - (n - 1) / 2))
            name = math(block_label, font_size=30, theme=th).move_to(rect)
            self.blocks.add(VGroup(rect, name))
            x = math(input_label.format(t=k + 1), color=th.x, font_size=28, theme=th)
            x.next_to(rect, DOWN, buff=0.75)
            self.inputs.add(x)
            self.input_arrows.add(self._arrow(x.get_top(), rect.get_bottom(), th.x))
            out = math(
                output_label.format(t=k + 1),
                color=th.quantity(output_quantity),
                font_size=28,
                theme=th,
            )
            out.next_to(rect, UP, buff=0.75)
            self.outputs.add(out)
            self.output_arrows.add(self._arrow(rect.get_top(), out.get_bottom(), th.text))
        for k in range(n - 1):
            a, b = self.blocks[k][0], self.blocks[k + 1][0]
            self.state_arrows.add(
                self._arrow(a.get_right(), b.get_left(), th.quantity(state_quantity))
            )
        self.add(
            self.state_arrows,
            self.input_arrows,
            self.output_arrows,
            self.blocks,
            self.inputs,
            self.outputs,
        )

    @staticmethod
    def _arrow(start: np.ndarray, end: np.ndarray, color: str) -> Arrow:
        return Arrow(
            start,
            end,
            buff=0.08,
            stroke_width=3,
            color=ManimColor(color),
            max_tip_length_to_length_ratio=0.25,
            tip_length=0.16,
        )

    def error_arrow(self, source: int, target: int, color: str) -> VMobject:
        """A curved arrow from the loss at step ``source`` back to block ``target``
        (0-based); straight down into its own block when they are the same step."""
        start = self.outputs[source].get_bottom() + DOWN * 0.05
        if source == target:
            end = self.blocks[target][0].get_top() + UP * 0.02
            shift = RIGHT * 0.22
            return Arrow(
                start + shift,
                end + shift,
                buff=0.02,
                stroke_width=3,
                color=ManimColor(color),
                tip_length=0.14,
            )
        end = self.blocks[target][0].get_corner(UP + RIGHT) + LEFT * 0.12
        angle = 0.55 + 0.08 * (source - target)
        return CurvedArrow(
            start + LEFT * 0.15,
            end,
            angle=angle,
            stroke_width=3,
            color=ManimColor(color),
            tip_length=0.14,
        )


class FunctionGraph(VGroup):
    """A small graph of functions: nodes (circles with a Typst name and a value below) and
    forward edges; :meth:`back_edge` draws the purple arrow differentiation follows.

    ``nodes`` maps name -> (position, Typst label, value or None).
    """

    def __init__(
        self,
        nodes: dict[str, tuple[np.ndarray, str, float | None]],
        edges: Sequence[tuple[str, str]],
        *,
        theme: Theme | None = None,
        radius: float = 0.36,
        value_size: float = 20,
    ) -> None:
        super().__init__()
        th = _theme(theme)
        self.theme = th
        self.radius = radius
        self.nodes: dict[str, VGroup] = {}
        self.values: dict[str, VMobject] = {}
        self.edges: dict[tuple[str, str], Line] = {}
        self.back_edges: dict[tuple[str, str], VMobject] = {}
        node_group, edge_group = VGroup(), VGroup()
        for name, (pos, expr, value) in nodes.items():
            circle = Circle(radius=radius, stroke_width=3, color=ManimColor(th.text))
            circle.set_fill(ManimColor(th.panel), opacity=1.0).move_to(pos)
            text = math(expr, font_size=28, theme=th).move_to(circle)
            node = VGroup(circle, text)
            self.nodes[name] = node
            node_group.add(node)
            if value is not None:
                shown = label(f"{value:.3f}", font_size=value_size, color=th.muted, theme=th)
                shown.next_to(circle, DOWN, buff=0.08)
                self.values[name] = shown
                node_group.add(shown)
        for a, b in edges:
            start, end = self.nodes[a][0].get_center(), self.nodes[b][0].get_center()
            direction = (end - start) / np.linalg.norm(end - start)
            arrow = Arrow(
                start + direction * radius,
                end - direction * radius,
                buff=0.0,
                stroke_width=3,
                color=ManimColor(th.text),
                tip_length=0.15,
                max_tip_length_to_length_ratio=0.3,
            )
            self.edges[(a, b)] = arrow
            edge_group.add(arrow)
        self.edge_group, self.node_group = edge_group, node_group
        self.add(edge_group, node_group)

    def back_edge(self, a: str, b: str, *, offset: float = 0.16) -> VMobject:
        """The purple arrow from ``b`` back to ``a`` beside the forward edge ``a -> b``."""
        start, end = self.nodes[b][0].get_center(), self.nodes[a][0].get_center()
        direction = (end - start) / np.linalg.norm(end - start)
        normal = np.array([-direction[1], direction[0], 0.0])
        arrow = Arrow(
            start + direction * self.radius + normal * offset,
            end - direction * self.radius + normal * offset,
            buff=0.0,
            stroke_width=4,
            color=ManimColor(self.theme.error),
            tip_length=0.15,
            max_tip_length_to_length_ratio=0.3,
        )
        self.back_edges[(a, b)] = arrow
        return arrow


class LogAxes(VGroup):
    """Axes whose y axis is log10-scaled, labelled 10^k in Typst (no LaTeX needed).

    Plot with :meth:`point` / :meth:`curve`, giving real (not logged) y values; values
    outside the y range are clipped to its edges (and reported by :meth:`clipped`).
    """

    def __init__(
        self,
        x_range: tuple[float, float, float],
        decades: tuple[int, int],
        *,
        x_length: float = 6.0,
        y_length: float = 4.0,
        x_label: str = "t - k",
        y_label: str = "norm",
        theme: Theme | None = None,
        decade_step: int = 2,
    ) -> None:
        super().__init__()
        th = _theme(theme)
        self.theme = th
        self.decades = decades
        span = decades[1] - decades[0]
        # The y axis runs over log10(y) - decades[0], so the x axis sits at the bottom.
        self.axes = Axes(
            x_range=list(x_range),
            y_range=[0, span, decade_step],
            x_length=x_length,
            y_length=y_length,
            tips=False,
            axis_config={"color": ManimColor(th.muted), "stroke_width": 2},
        )
        ticks = VGroup()
        for k in range(decades[0], decades[1] + 1, decade_step):
            tick = math(f"10^({k})", font_size=24, color=th.muted, theme=th)
            tick.next_to(self.axes.c2p(x_range[0], k - decades[0]), LEFT, buff=0.12)
            ticks.add(tick)
        x0, x1, dx = x_range
        for v in np.arange(x0, x1 + 1e-9, dx):
            tick = label(f"{v:g}", font_size=20, color=th.muted, theme=th)
            tick.next_to(self.axes.c2p(v, 0), DOWN, buff=0.12)
            ticks.add(tick)
        self.ticks = ticks
        self.x_label = math(x_label, font_size=24, color=th.text, theme=th)
        self.x_label.next_to(self.axes.x_axis, DOWN, buff=0.5)
        self.y_label = math(y_label, font_size=24, color=th.text, theme=th)
        self.y_label.next_to(self.axes.y_axis, UP, buff=0.15)
        self.add(self.axes, ticks, self.x_label, self.y_label)

    def log_y(self, y: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            ly = np.log10(np.where(np.isfinite(y), y, np.finfo(float).max))
        return np.clip(ly, self.decades[0], self.decades[1])

    def clipped(self, y: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            ly = np.log10(np.asarray(y, dtype=float))
        return (ly < self.decades[0]) | (ly > self.decades[1]) | ~np.isfinite(ly)

    def point(self, x: float, y: float) -> np.ndarray:
        return self.axes.c2p(x, float(self.log_y(np.array([y]))[0]) - self.decades[0])

    def curve(
        self,
        xs: np.ndarray,
        ys: np.ndarray,
        color: str,
        *,
        dashed: bool = False,
        width: float = 4,
    ) -> VMobject:
        pts = [self.point(x, y) for x, y in zip(xs, ys, strict=True)]
        line = VMobject(stroke_color=ManimColor(color), stroke_width=width)
        line.set_points_as_corners(pts)
        if dashed:
            from manim import DashedVMobject

            return DashedVMobject(line, num_dashes=40, dashed_ratio=0.5)
        return line
