"""A heat map of one quantity over time: rows (cells or inputs) x columns (time steps),
each cell shaded by its value with the number written in it, filled in column by column.

The shading is the theme's value map (:meth:`Theme.shade`, ColorBrewer's colour-blind-safe
red/blue: the hue gives the sign, the strength the magnitude), the same map every value
cell of the deck uses, only stronger so the pattern reads from afar; numbers are written
at :data:`TYPE.number` in the theme's mono font, formatted by :func:`format_value`.

The empty grid is the component itself; the filled cells of a column are built by
:meth:`HeatMap.reveal` (an animation that adds them to the scene) so a scene can fill the
map step by step, and :meth:`HeatMap.animate_values` rolls every revealed cell to new
values (another model on the same sequence).

Example
-------
>>> heat = HeatMap([[0.01, 0.95], [0.0, 0.0]], label="bold(i)^t", quantity="i")
>>> heat.displayed
[['', ''], ['', '']]
>>> _ = heat.reveal([1])
>>> heat.displayed
[['', '0.95'], ['', '0.00']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Animation,
    AnimationGroup,
    FadeIn,
    ManimColor,
    Rectangle,
    SurroundingRectangle,
    Text,
    Transform,
    VGroup,
)

from .components import (
    MINUS,
    _text,
    cell_size,
    format_value,
    label,
    math,
    shown_indices,
    subset_note,
)
from .lint import declare_contains
from .theme import TYPE, Theme, current_theme

__all__ = ["HeatMap", "heat_cell_size"]

# Fill opacity of a cell: FLOOR for zero, FLOOR + SPAN at |value| >= vmax. Stronger than a
# value glyph's shading so the map reads as a pattern, light enough that the theme's text
# colour keeps a contrast ratio of about 5:1 on the strongest cell in both themes.
FLOOR = 0.06
SPAN = 0.62
ROW_LABEL_GAP = 0.12  # between a row label and the grid
BLOCK_LABEL_GAP = 0.15  # between the block label and the row labels


def heat_cell_size(values: np.ndarray, decimals: int = 2) -> tuple[float, float]:
    """(width, height) of a cell that fits the widest number of ``values`` at the number
    size: sign, integer digits, ``decimals`` places (as a value glyph sizes its cells)."""
    finite = np.abs(values[np.isfinite(values)])
    digits = len(str(int(finite.max()))) if finite.size else 1
    return cell_size(decimals, font_size=TYPE.number, digits=digits)


class HeatMap(VGroup):
    """One quantity over time: ``values`` (rows, T) drawn as a grid of value cells.

    ``max_rows`` caps the rows drawn (the first ones; ``note`` then says "cells 1-3 of 6"
    with ``noun`` for the rows' name); ``show`` picks the rows drawn instead (0-based, drawn
    in index order, at most ``max_rows``; ``note`` "cells 1, 4, 6 of 64"). ``row_labels``
    name the rows drawn, in order (text at :data:`TYPE.note`), ``label`` is the block's
    Typst label in the quantity's colour.

    Parts: ``grid`` (rows of empty outline cells), ``frame``, ``row_label_group``,
    ``label``; ``fills[r][t]`` and ``numbers[r][t]`` exist once column t is revealed.
    ``values`` are all the values, ``rows`` the indices of the rows drawn, ``displayed`` the
    strings shown, row by row (``values[rows]`` formatted; '' where not revealed).
    """

    def __init__(
        self,
        values: Sequence[Sequence[float]] | np.ndarray,
        *,
        label: str | None = None,
        quantity: str = "y",
        row_labels: Sequence[str] | None = None,
        noun: str = "cells",
        theme: Theme | None = None,
        cell_width: float | None = None,
        cell_height: float | None = None,
        decimals: int = 2,
        vmax: float = 1.0,
        max_rows: int | None = None,
        show: Sequence[int] | None = None,
    ) -> None:
        super().__init__()
        self.theme = theme if theme is not None else current_theme()
        arr = np.array(values, dtype=np.float64)
        if arr.ndim != 2 or arr.size == 0:
            raise ValueError(f"HeatMap needs a (rows, steps) array, got shape {arr.shape}")
        self._values = arr
        self.quantity = quantity
        self.decimals = decimals
        self.vmax = vmax
        self.noun = noun
        total = arr.shape[0]
        if show is None:
            self.rows = tuple(range(total if max_rows is None else min(total, max_rows)))
        else:
            self.rows = shown_indices(total, show)
            if max_rows is not None and len(self.rows) > max_rows:
                raise ValueError(
                    f"show names {len(self.rows)} rows; the map has room for {max_rows}"
                )
        self.n_rows = len(self.rows)
        # Cells are sized from all rows, so the map's size does not depend on the selection.
        width, height = heat_cell_size(arr, decimals)
        # A layout may ask for wider cells, or for shorter ones down to the digits' height
        # plus a hair of padding (rows of a tall map); never narrower than the widest number.
        digit_h = height - 0.13
        self.cell_w = max(cell_width or 0.0, width)
        self.cell_h = max(cell_height or height, digit_h + 0.05)
        self.grid = VGroup()
        for r in range(self.n_rows):
            row = VGroup()
            for t in range(arr.shape[1]):
                box = Rectangle(width=self.cell_w, height=self.cell_h, stroke_width=1)
                box.set_stroke(ManimColor(self.theme.grid)).set_fill(opacity=0)
                box.move_to(RIGHT * t * self.cell_w + DOWN * r * self.cell_h)
                row.add(box)
            self.grid.add(row)
        self.frame = SurroundingRectangle(
            self.grid,
            buff=0.0,
            color=ManimColor(self.theme.quantity(quantity)),
            stroke_width=2.5,
        )
        self.add(self.grid, self.frame)
        self.row_label_group = VGroup()
        for r, text in enumerate((row_labels or [])[: self.n_rows]):
            mob = _label(text, self.theme)
            mob.next_to(self.grid[r][0], LEFT, buff=ROW_LABEL_GAP)
            self.row_label_group.add(mob)
        self.add(self.row_label_group)
        self.label = None
        if label is not None:
            self.label = math(label, color=self.theme.quantity(quantity), theme=self.theme)
            left_of = self.row_label_group if len(self.row_label_group) else self.frame
            self.label.next_to(left_of, LEFT, buff=BLOCK_LABEL_GAP)
            self.label.set_y(self.frame.get_center()[1])
            self.add(self.label)
        self.fills: list[list[Rectangle | None]] = [
            [None] * arr.shape[1] for _ in range(self.n_rows)
        ]
        self.numbers: list[list[Text | None]] = [[None] * arr.shape[1] for _ in range(self.n_rows)]

    # -- what is shown -------------------------------------------------------------------
    @property
    def values(self) -> np.ndarray:
        """All values (a copy), shown or not."""
        return self._values.copy()

    @property
    def steps(self) -> int:
        return int(self._values.shape[1])

    @property
    def revealed(self) -> list[int]:
        """The columns filled in so far."""
        return [t for t in range(self.steps) if self.numbers[0][t] is not None]

    @property
    def displayed(self) -> list[list[str]]:
        """The numbers as written, row by row ('' in a column not yet revealed)."""
        return [
            [
                format_value(self._values[self.rows[r], t], self.decimals)
                if self.numbers[r][t]
                else ""
                for t in range(self.steps)
            ]
            for r in range(self.n_rows)
        ]

    @property
    def truncated(self) -> bool:
        return self.n_rows < self._values.shape[0]

    @property
    def note(self) -> str:
        """Which rows are drawn ("cells 1-3 of 6", "cells 1, 4, 6 of 64"), or "" when all are."""
        return subset_note(self.noun, self.rows, self._values.shape[0])

    def column_x(self, t: int) -> float:
        """The x of column t's centre (scene units, as the map is placed now)."""
        return float(self.grid[0][t].get_center()[0])

    # -- filling in ----------------------------------------------------------------------
    def _cell(self, r: int, t: int, value: float) -> tuple[Rectangle, Text]:
        fill, _ = self.theme.shade(value, self.vmax)  # the hue: sign (and non-finite)
        strength = min(abs(value) / self.vmax, 1.0) if np.isfinite(value) else 1.0
        opacity = FLOOR + SPAN * strength
        box = self.grid[r][t]
        rect = Rectangle(width=box.width, height=box.height, stroke_width=1)
        rect.set_stroke(ManimColor(self.theme.grid)).set_fill(ManimColor(fill), opacity=opacity)
        rect.move_to(box)
        text = _text(
            format_value(value, self.decimals).replace("-", MINUS),
            self.theme.mono_font,
            TYPE.number,
            self.theme.text,
        )
        text.move_to(box)
        declare_contains(rect, text)
        return rect, text

    def reveal(self, columns: Sequence[int]) -> Animation:
        """Fill in ``columns`` (shade and number); the returned animation adds them."""
        group = VGroup()
        for t in columns:
            for r in range(self.n_rows):
                if self.numbers[r][t] is not None:
                    continue
                rect, text = self._cell(r, t, float(self._values[self.rows[r], t]))
                self.fills[r][t], self.numbers[r][t] = rect, text
                group.add(rect, text)
        return FadeIn(group)

    def animate_values(self, values: Sequence[Sequence[float]] | np.ndarray) -> Animation:
        """Roll the revealed cells to new values of the same shape (another model on the
        same sequence); hidden columns stay hidden but will show the new values."""
        new = np.array(values, dtype=np.float64)
        if new.shape != self._values.shape:
            raise ValueError(
                f"new values have shape {new.shape}; the map holds {self._values.shape}"
            )
        widest, _ = heat_cell_size(new, self.decimals)
        if widest > self.cell_w + 1e-9:
            raise ValueError("new values need wider cells than the map has; build a new map")
        self._values = new
        anims = []
        for t in self.revealed:
            for r in range(self.n_rows):
                rect, text = self._cell(r, t, float(new[self.rows[r], t]))
                anims.append(Transform(self.fills[r][t], rect))
                anims.append(Transform(self.numbers[r][t], text))
        return AnimationGroup(*anims)


def _label(text: str, theme: Theme) -> Text:
    return label(text, font_size=TYPE.note, color=theme.muted, theme=theme)
