"""Reusable diagram parts: vector glyphs with real values, gates, pointwise operators,
wires, and an equation panel whose lines can be highlighted.

Every component is a ``VGroup`` with named parts and keyword arguments; colours come from
the theme passed in (or the active one, looked up when the component is built). Components
expose the values they display (``glyph.values``, ``glyph.displayed``) so tests compare
them with the trace, and return animations for scenes to play.

Example
-------
>>> glyph = VectorGlyph([0.12, -0.5, 0.98], label="bold(f)^t", quantity="f")
>>> glyph.displayed
['0.12', '-0.50', '0.98']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Animation,
    AnimationGroup,
    Circle,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    Line,
    ManimColor,
    MathTypst,
    Mobject,
    MoveAlongPath,
    Polygon,
    Rectangle,
    RoundedRectangle,
    ShowPassingFlash,
    SurroundingRectangle,
    Text,
    Transform,
    VGroup,
    VMobject,
)

from .theme import TYPE, Theme, current_theme

__all__ = [
    "math",
    "label",
    "format_value",
    "cell_size",
    "index_ranges",
    "subset_note",
    "shown_indices",
    "place_clear",
    "VectorGlyph",
    "GateBox",
    "PointwiseOp",
    "Wire",
    "route",
    "EquationPanel",
]

MINUS = "\u2212"


def _theme(theme: Theme | None) -> Theme:
    return theme if theme is not None else current_theme()


def math(
    expr: str,
    *,
    color: str | None = None,
    font_size: float = TYPE.math,
    theme: Theme | None = None,
) -> MathTypst:
    """Typst math (no LaTeX needed), in the theme's text colour unless told otherwise."""
    return MathTypst(expr, font_size=font_size, color=ManimColor(color or _theme(theme).text))


def label(
    text: str,
    *,
    font_size: float = TYPE.label,
    color: str | None = None,
    theme: Theme | None = None,
    weight: str = "NORMAL",
) -> Text:
    """Plain text in the theme's font."""
    th = _theme(theme)
    return Text(
        text, font=th.font, font_size=font_size, color=ManimColor(color or th.text), weight=weight
    )


def format_value(value: float, decimals: int = 2) -> str:
    """How a number is shown on screen (ASCII minus; tests parse it back with float())."""
    if not np.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
    text = f"{value:.{decimals}f}"
    return "0." + "0" * decimals if text.lstrip("-") == "0." + "0" * decimals else text


_TEXT_CACHE: dict[tuple[str, str, float, str], Text] = {}


def _text(text: str, font: str, font_size: float, color: str) -> Text:
    """A copy of a cached ``Text``: value cells repeat the same few strings, and building a
    Text (pango, SVG parsing) costs far more than copying one."""
    key = (text, font, float(font_size), color)
    cached = _TEXT_CACHE.get(key)
    if cached is None:
        if len(_TEXT_CACHE) > 4096:
            _TEXT_CACHE.clear()
        cached = Text(text, font=font, font_size=font_size, color=ManimColor(color))
        _TEXT_CACHE[key] = cached
    return cached.copy()


# Padding between a cell's border and its widest number (scene units).
CELL_PAD_X = 0.08
CELL_PAD_Y = 0.065


def _mono_width(font: str, font_size: float, chars: int) -> float:
    """Width of ``chars`` characters of a monospaced font at ``font_size`` (measured once)."""
    return _text("0" * chars, font, font_size, "#000000").width


def index_ranges(indices: Sequence[int]) -> str:
    """0-based indices as the 1-based numbers a note shows, contiguous runs as ranges:
    [0, 1, 2] -> "1-3", [0, 3, 5] -> "1, 4, 6", [0, 1, 2, 5] -> "1-3, 6"."""
    numbers = sorted(int(i) + 1 for i in indices)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def subset_note(noun: str, indices: Sequence[int], total: int) -> str:
    """Which of ``total`` cells (or inputs...) are on screen: "cells 1, 4, 6 of 64",
    "input 2 of 10"; "" when all are. ``noun`` is plural ("cells", "inputs")."""
    if len(indices) >= total:
        return ""
    word = noun[:-1] if len(indices) == 1 and noun.endswith("s") else noun
    return f"{word} {index_ranges(indices)} of {total}"


def shown_indices(
    total: int, show: Sequence[int] | None = None, max_cells: int | None = None
) -> tuple[int, ...]:
    """The indices a glyph of ``max_cells`` slots shows out of ``total`` values: ``show``
    (sorted: shown in index order) or, without it, the first ones that fit (all when they
    fit, else ``max_cells - 1`` and an ellipsis slot)."""
    if max_cells is not None and max_cells < 2:
        raise ValueError(f"max_cells must be at least 2, got {max_cells}")
    if show is None:
        fits = max_cells is None or total <= max_cells
        return tuple(range(total if fits else max_cells - 1))
    chosen = tuple(sorted(int(i) for i in show))
    if not chosen or len(set(chosen)) != len(chosen):
        raise ValueError(f"show must name distinct indices, got {list(show)}")
    if chosen[0] < 0 or chosen[-1] >= total:
        raise ValueError(f"show has index {chosen[-1]}; the vector has {total} values")
    room = None if max_cells is None else (max_cells if len(chosen) == total else max_cells - 1)
    if room is not None and len(chosen) > room:
        raise ValueError(f"show names {len(chosen)} values; the glyph has room for {room}")
    return chosen


def _obstacles(mobjects: Sequence[Mobject], spacing: float = 0.04) -> tuple[np.ndarray, np.ndarray]:
    """What a note must stay clear of: boxes (K, 4: x0, y0, x1, y1) of text and filled
    shapes, and points (P, 2) sampled along every drawn stroke (a wire's bounding box would
    wall off the free space beside it). Invisible parts do not count."""
    boxes: list[tuple[float, float, float, float]] = []
    points: list[np.ndarray] = [np.zeros((0, 2))]
    seen: set[int] = set()
    for top in mobjects:
        for mob in top.get_family():
            if id(mob) in seen or not isinstance(mob, VMobject) or mob.points.size == 0:
                continue
            seen.add(id(mob))
            fill = float(np.max(mob.get_fill_opacities(), initial=0.0))
            stroke = float(np.max(mob.get_stroke_opacities(), initial=0.0))
            stroke *= float(mob.get_stroke_width() > 0)
            if fill >= 0.05:
                (x0, y0, _), (x1, y1, _) = mob.get_corner(DL), mob.get_corner(UR)
                boxes.append((x0, y0, x1, y1))
            if stroke >= 0.05:
                pts = mob.points[:, :2]
                if len(pts) > 1:
                    steps = np.ceil(np.linalg.norm(np.diff(pts, axis=0), axis=1) / spacing)
                    for a, b, n in zip(pts[:-1], pts[1:], steps.astype(int), strict=True):
                        t = np.linspace(0.0, 1.0, max(n, 1) + 1)[:, None]
                        points.append(a + (b - a) * t)
    return np.array(boxes, dtype=float).reshape(-1, 4), np.concatenate(points)


def place_clear(
    note: Mobject,
    obstacles: Sequence[Mobject],
    zone: tuple[float, float, float, float],
    *,
    margin: float = 0.1,
    step: float = 0.1,
    scan: bool = True,
) -> bool:
    """Move ``note`` to a spot inside ``zone`` (left, right, bottom, top) clear of every
    part of ``obstacles`` by ``margin``: the first free corner of the zone (bottom-right,
    top-right, bottom-left, top-left), else the free spot nearest the bottom-right corner
    (bottom rows first; with ``scan=False`` only the corners are tried). Returns False
    (note left at the bottom-right corner) when no spot is free."""
    left, right, bottom, top = zone
    w, h = note.width, note.height
    boxes, points = _obstacles(obstacles)

    def clear(x: float, y: float) -> bool:
        x0, y0, x1, y1 = x - margin, y - margin, x + w + margin, y + h + margin
        in_box = (boxes[:, 0] < x1) & (boxes[:, 2] > x0) & (boxes[:, 1] < y1) & (boxes[:, 3] > y0)
        inside = (points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0)
        return not (np.any(in_box) or np.any(inside & (points[:, 1] < y1)))

    corners = [(right - w, bottom), (right - w, top - h), (left, bottom), (left, top - h)]
    grid = [
        (x, y)
        for y in np.arange(bottom, top - h + 1e-9, step)  # bottom rows first
        for x in np.arange(right - w, left - 1e-9, -step)  # right to left
        if scan
    ]
    spot = next(((x, y) for x, y in [*corners, *grid] if clear(x, y)), None)
    x, y = spot if spot is not None else corners[0]
    note.move_to(np.array([x, y, 0.0]), aligned_edge=DL)
    return spot is not None


def cell_size(
    decimals: int = 2,
    *,
    font_size: float = TYPE.number,
    font: str | None = None,
    digits: int = 1,
) -> tuple[float, float]:
    """(width, height) of a value cell that fits the widest number it can show: a sign,
    ``digits`` integer digits, the point and ``decimals`` places ("-0.00")."""
    font = font or current_theme().mono_font
    chars = 1 + digits + (1 + decimals if decimals > 0 else 0)
    glyph = _text("0", font, font_size, "#000000")
    return _mono_width(font, font_size, chars) + 2 * CELL_PAD_X, glyph.height + 2 * CELL_PAD_Y


class VectorGlyph(VGroup):
    """A small vector drawn as a column (or row) of cells, each shaded by its value with the
    number written in it at ``decimals`` places.

    Cells are sized for the widest number the glyph can show (sign, the integer digits of
    the largest value, ``decimals`` places), so new values never change the cell size.
    ``max_cells`` is the most cell slots the glyph may take: a longer vector shows its
    first ``max_cells - 1`` values and a "more" mark (an ellipsis) in the last slot, so the
    glyph never outgrows the room a layout gave it; ``note`` says which cells are shown
    ("cells 1-3 of 6") for the scene to put on screen. ``show`` picks the values shown
    instead (0-based indices, shown in index order, an ellipsis after them when some are
    left out): ``show=[0, 3, 5]`` of 64 values notes "cells 1, 4, 6 of 64"; ``noun`` names
    what the entries are in the note ("inputs" for an input vector).

    Parts: ``frame`` (outline in the quantity's colour), ``cells``, ``numbers``, ``more``
    (the ellipsis or ``None``), ``label`` (Typst math or ``None``). ``values`` are all the
    vector's values, ``indices`` those on screen, ``displayed`` the numbers written in the
    cells (``values[indices]``, formatted).
    """

    def __init__(
        self,
        values: Sequence[float] | np.ndarray,
        *,
        label: str | None = None,
        quantity: str = "y",
        color: str | None = None,
        theme: Theme | None = None,
        direction: str = "column",
        cell_width: float | None = None,
        cell_height: float | None = None,
        font_size: float = TYPE.number,
        label_size: float = TYPE.math,
        label_side: np.ndarray | None = None,
        decimals: int = 2,
        vmax: float = 1.0,
        max_cells: int | None = None,
        show: Sequence[int] | None = None,
        noun: str = "cells",
    ) -> None:
        super().__init__()
        self.theme = _theme(theme)
        self.noun = noun
        self.color_hex = color or self.theme.quantity(quantity)
        self.direction = direction
        self.decimals = decimals
        self.vmax = vmax
        self._values = np.array(values, dtype=np.float64).ravel()
        if self._values.size == 0:
            raise ValueError("VectorGlyph needs at least one value")
        self.indices = shown_indices(self._values.size, show, max_cells)
        self.n_shown = len(self.indices)
        # Cells are sized from all values (not only the shown ones), so a glyph keeps its
        # size whichever cells a config shows.
        finite = np.abs(self._values[np.isfinite(self._values)])
        digits = len(str(int(finite.max()))) if finite.size else 1
        width, height = cell_size(
            decimals, font_size=font_size, font=self.theme.mono_font, digits=digits
        )
        self._style = dict(
            cell_width=max(cell_width or 0.0, width),
            cell_height=max(cell_height or 0.0, height),
            font_size=font_size,
        )
        self.cells, self.numbers = self._create_cells(self._values[list(self.indices)])
        self.more = None
        outline = VGroup(self.cells)
        if self.n_shown < self._values.size:
            self.more = self._create_more()
            outline.add(self.more)
        self.frame = SurroundingRectangle(
            outline, buff=0.0, color=ManimColor(self.color_hex), stroke_width=2.5
        )
        self.add(self.cells, self.numbers, self.frame)
        if self.more is not None:
            self.add(self.more)
        self.label = None
        if label is not None:
            self.label = math(label, color=self.color_hex, font_size=label_size)
            side = label_side if label_side is not None else (LEFT if direction == "column" else UP)
            self.label.next_to(self.frame, side, buff=0.12)
            self.add(self.label)

    @property
    def values(self) -> np.ndarray:
        """All the vector's values (a copy); those at ``indices`` are on screen."""
        return self._values.copy()

    @property
    def displayed(self) -> list[str]:
        """The numbers as written in the cells."""
        return [format_value(v, self.decimals) for v in self._values[list(self.indices)]]

    @property
    def truncated(self) -> bool:
        """True when some of the vector's cells are left out."""
        return self.n_shown < self._values.size

    @property
    def note(self) -> str:
        """Which cells are on screen, e.g. "cells 1-4 of 6", "inputs 2, 10 of 10" ("" when
        all are)."""
        return subset_note(self.noun, self.indices, self._values.size)

    @property
    def cell_width(self) -> float:
        """Width of one cell as drawn now (scene units)."""
        return float(self.cells[0].width)

    def _step(self) -> np.ndarray:
        w, h = self._style["cell_width"], self._style["cell_height"]
        return DOWN * h if self.direction == "column" else RIGHT * w

    def _create_more(self) -> VGroup:
        """The ellipsis after the last shown cell: three dots along the vector, in a slot
        the size of a cell."""
        w, h = self._style["cell_width"], self._style["cell_height"]
        column = self.direction == "column"
        along = h if column else w
        unit = DOWN if column else RIGHT
        slot = Rectangle(width=w, height=h)
        slot.set_stroke(width=0).set_fill(opacity=0)
        last = self.cells[-1].get_center()
        slot.move_to(last + unit * along)
        dots = VGroup(
            *[
                Dot(radius=0.035, color=ManimColor(self.theme.text)).move_to(
                    slot.get_center() + unit * d * along * 0.25
                )
                for d in (-1, 0, 1)
            ]
        )
        return VGroup(slot, dots)

    def _create_cells(self, values: np.ndarray) -> tuple[VGroup, VGroup]:
        w, h, fs = self._style["cell_width"], self._style["cell_height"], self._style["font_size"]
        cells, numbers = VGroup(), VGroup()
        step = self._step()
        for k, v in enumerate(values):
            fill, opacity = self.theme.shade(v, self.vmax)
            cell = Rectangle(
                width=w, height=h, stroke_width=1, stroke_color=ManimColor(self.theme.grid)
            )
            cell.set_fill(ManimColor(fill), opacity=opacity * 0.7)
            cell.move_to(step * k)
            text = _text(
                format_value(v, self.decimals).replace("-", MINUS),
                self.theme.mono_font,
                fs,
                self.theme.text,
            )
            text.move_to(cell)
            cells.add(cell)
            numbers.add(text)
        return cells, numbers

    def animate_values(self, values: Sequence[float] | np.ndarray) -> Animation:
        """Change the values shown: cells re-shade and numbers roll over in place, at the
        size and position the cells have now (the glyph may have been scaled or moved)."""
        new = np.array(values, dtype=np.float64).ravel()
        if new.shape != self._values.shape:
            raise ValueError(
                f"new values have {new.size} entries; the glyph shows {self._values.size}"
            )
        cells, numbers = self._create_cells(new[list(self.indices)])
        fresh = VGroup(cells, numbers)
        fresh.scale(self.cells[0].width / cells[0].width, about_point=cells[0].get_center())
        fresh.shift(self.cells[0].get_center() - cells[0].get_center())
        self._values = new
        return AnimationGroup(Transform(self.cells, cells), Transform(self.numbers, numbers))


class GateBox(VGroup):
    """A gate or activation box: sigma (logistic) or tanh, outlined in its quantity's colour.

    Parts: ``box``, ``symbol``; ``name`` is the quantity (``"f"``...) it computes.
    """

    def __init__(
        self,
        kind: str = "sigma",
        *,
        name: str = "",
        quantity: str | None = None,
        theme: Theme | None = None,
        size: float = 0.72,
        font_size: float = TYPE.symbol,
    ) -> None:
        super().__init__()
        if kind not in ("sigma", "tanh"):
            raise ValueError(f"GateBox kind must be 'sigma' or 'tanh', got {kind!r}")
        th = _theme(theme)
        self.kind = kind
        self.name = name
        color = ManimColor(
            th.quantity(quantity or name or "text") if (quantity or name) else th.text
        )
        self.box = RoundedRectangle(
            width=size * (1.35 if kind == "tanh" else 1.0),
            height=size,
            corner_radius=0.1,
            stroke_width=3,
            color=color,
        )
        self.box.set_fill(ManimColor(th.panel), opacity=1.0)
        self.symbol = math("sigma" if kind == "sigma" else "tanh", color=color, font_size=font_size)
        self.symbol.move_to(self.box)
        self.add(self.box, self.symbol)

    @property
    def top(self) -> np.ndarray:
        return self.box.get_top()

    @property
    def bottom(self) -> np.ndarray:
        return self.box.get_bottom()

    @property
    def left(self) -> np.ndarray:
        return self.box.get_left()

    @property
    def right(self) -> np.ndarray:
        return self.box.get_right()


class PointwiseOp(VGroup):
    """A pointwise operator node: Hadamard product (circle with a dot) or sum (circle with +).

    Parts: ``circle``, ``sign``.
    """

    def __init__(
        self,
        kind: str = "mul",
        *,
        theme: Theme | None = None,
        radius: float = 0.2,
        color: str | None = None,
    ) -> None:
        super().__init__()
        if kind not in ("mul", "add"):
            raise ValueError(f"PointwiseOp kind must be 'mul' or 'add', got {kind!r}")
        th = _theme(theme)
        self.kind = kind
        stroke = ManimColor(color or th.text)
        self.circle = Circle(radius=radius, color=stroke, stroke_width=3).set_fill(
            ManimColor(th.panel), 1.0
        )
        if kind == "mul":
            self.sign = Dot(radius=radius * 0.28, color=stroke)
        else:
            arm = radius * 0.6
            self.sign = VGroup(
                Line(LEFT * arm, RIGHT * arm, color=stroke, stroke_width=3),
                Line(DOWN * arm, UP * arm, color=stroke, stroke_width=3),
            )
        self.add(self.circle, self.sign)

    @property
    def radius(self) -> float:
        return self.circle.width / 2


def route(
    start: np.ndarray, end: np.ndarray, *, first: str = "h", via: Sequence[np.ndarray] = ()
) -> list[np.ndarray]:
    """Points of an orthogonal (Manhattan) path from ``start`` to ``end``.

    ``first`` is the direction of the first leg ("h" or "v"); ``via`` adds fixed corner
    points in between, so a wire can be led around boxes.
    """
    pts = [np.asarray(start, dtype=float)]
    for target in [*via, end]:
        target = np.asarray(target, dtype=float)
        here = pts[-1]
        if not np.isclose(here[0], target[0]) and not np.isclose(here[1], target[1]):
            corner = (
                np.array([target[0], here[1], 0.0])
                if first == "h"
                else np.array([here[0], target[1], 0.0])
            )
            pts.append(corner)
        pts.append(target)
    return pts


class _Flash(ShowPassingFlash):
    """A passing flash that is off the wire before the animation's last frame.

    The last frame a video shows of an animation is one frame short of its end, where
    manim's flash still covers the last stretch of the wire: a tick of the flash colour
    left at the end of the wire in every step that pulses one (a still, built with the
    animation finished, shows nothing). This flash runs in the first ``LEAD`` of the time.
    """

    LEAD = 0.85

    def _get_bounds(self, alpha: float) -> tuple[float, float]:
        return super()._get_bounds(min(1.0, alpha / self.LEAD))

    def interpolate_mobject(self, alpha: float) -> None:
        super().interpolate_mobject(alpha)
        if self.rate_func(alpha) >= self.LEAD:
            self.mobject.set_stroke(opacity=0.0)


class Wire(VGroup):
    """A wire along a polyline with an arrowhead at its end; dotted for the past.

    Parts: ``path`` (the line, dashed when ``past``), ``tip``, ``joint`` (a dot where the
    wire branches off another line, with ``joint=True``; else ``None``). ``points_list``
    gives the corner points. :meth:`signal` moves a mobject along it; :meth:`pulse`
    flashes it; :meth:`grow` draws it.
    """

    def __init__(
        self,
        points: Sequence[np.ndarray],
        *,
        quantity: str | None = None,
        color: str | None = None,
        theme: Theme | None = None,
        past: bool = False,
        dashed: bool = False,
        tip: bool = True,
        stroke_width: float = 3.0,
        tip_length: float = 0.16,
        joint: bool = False,
    ) -> None:
        super().__init__()
        th = _theme(theme)
        if len(points) < 2:
            raise ValueError("a wire needs at least two points")
        corners = [np.asarray(p, dtype=float) for p in points]
        self.color_hex = color or (th.quantity(quantity) if quantity else th.text)
        if past:
            self.color_hex = color or th.past
        stroke = ManimColor(self.color_hex)
        line = VMobject(stroke_color=stroke, stroke_width=stroke_width)
        end = corners[-1]
        direction = end - corners[-2]
        direction = direction / (np.linalg.norm(direction) or 1.0)
        shortened = [*corners[:-1], end - direction * (tip_length * 0.9 if tip else 0.0)]
        line.set_points_as_corners(shortened)
        self.line = line
        length = sum(np.linalg.norm(b - a) for a, b in zip(corners, corners[1:], strict=False))
        self.path = (
            DashedVMobject(line, num_dashes=max(4, int(length / 0.12)), dashed_ratio=0.55)
            if (past or dashed)
            else line
        )
        self.add(self.path)
        if self.path is not line:
            # The dashed path is drawn; the plain line stays in the group, invisible, so
            # pulses and signals follow the wire after it is scaled or moved.
            line.set_stroke(opacity=0.0)
            self.add(line)
        self.tip = None
        if tip:
            normal = np.array([-direction[1], direction[0], 0.0])
            base = end - direction * tip_length
            self.tip = Polygon(
                end,
                base + normal * tip_length * 0.5,
                base - normal * tip_length * 0.5,
                stroke_width=0,
                fill_color=stroke,
                fill_opacity=1.0,
            )
            self.add(self.tip)
        self.joint = None
        if joint:
            self.joint = Dot(corners[0], radius=stroke_width * 0.017, color=stroke)
            self.add(self.joint)

    @property
    def points_list(self) -> list[np.ndarray]:
        """The corner points as the wire stands now (after any scale or shift)."""
        starts, ends = self.line.get_start_anchors(), self.line.get_end_anchors()
        points = [starts[0], *ends]
        if self.tip is not None:  # the line stops short of the tip; the wire ends at its point
            points[-1] = self.tip.get_vertices()[0]
        kept = [points[0]]
        for p in points[1:]:
            if not np.allclose(p, kept[-1]):
                kept.append(p)
        return kept

    @property
    def start(self) -> np.ndarray:
        return self.points_list[0]

    @property
    def end(self) -> np.ndarray:
        return self.points_list[-1]

    def signal(
        self, mobject: VMobject | None = None, *, color: str | None = None, run_time: float = 1.0
    ) -> Animation:
        """A dot (or the given mobject) travelling along the wire from start to end."""
        mob = (
            mobject
            if mobject is not None
            else Dot(radius=0.08, color=ManimColor(color or self.color_hex))
        )
        mob.move_to(self.start)
        return MoveAlongPath(mob, self.line, run_time=run_time)

    def pulse(
        self, color: str | None = None, *, width: float = 7.0, run_time: float = 1.0
    ) -> Animation:
        """A bright stretch running along the wire (the wire itself stays)."""
        flash = self.line.copy().set_stroke(
            ManimColor(color or self.color_hex), width=width, opacity=1.0
        )
        return _Flash(flash, time_width=0.5, run_time=run_time)

    def grow(self, run_time: float = 0.6) -> Animation:
        """Draw the wire from its start; tip and joint fade in (every visible part)."""
        marks = [m for m in (self.tip, self.joint) if m is not None]
        return AnimationGroup(
            Create(self.path, run_time=run_time),
            *[FadeIn(m, run_time=run_time) for m in marks],
        )


class EquationPanel(VGroup):
    """Equations stacked and left-aligned; each line is addressed by a key and can be
    highlighted in sync with the diagram.

    ``lines`` maps key -> MathTypst. Terms written ``{{ ... : name }}`` in the Typst source
    can be picked with :meth:`term`.
    """

    def __init__(
        self,
        entries: Sequence[tuple[str, str]],
        *,
        theme: Theme | None = None,
        font_size: float = TYPE.equation,
        spacing: float = 0.22,
        colors: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.theme = _theme(theme)
        self.lines: dict[str, MathTypst] = {}
        colors = colors or {}
        group = VGroup()
        for key, expr in entries:
            line = math(expr, color=colors.get(key), font_size=font_size, theme=self.theme)
            self.lines[key] = line
            group.add(line)
        group.arrange(DOWN, aligned_edge=LEFT, buff=spacing)
        self.add(group)
        self.body = group

    def term(self, key: str, name: str) -> VGroup:
        """The sub-expression labelled ``name`` in line ``key``."""
        return self.lines[key].select(name)

    def highlight(self, key: str, color: str | None = None) -> Animation:
        """Draw a box around line ``key`` (in ``color``, default the text colour)."""
        box = SurroundingRectangle(
            self.lines[key],
            buff=0.08,
            corner_radius=0.06,
            color=ManimColor(color or self.theme.text),
            stroke_width=2.5,
        )
        self.highlight_box = box
        return Create(box)
