"""Sizes that read when the values themselves would print as 0.00: a row of per-step
magnitudes on a log colour scale with its scale bar, a matrix in scientific notation, and
the words for both ("2.5·10⁻¹", "99.0 %").

A number that prints as 0.00 says nothing (``rnn-slides check`` reports a figure made mostly
of them as "uninformative values"); these figures show how large the values are instead, and
list what they print as ``displayed`` so the lint and the tests read them like any glyph.

Example
-------
>>> sci_text(-0.000231)
'−2.3·10⁻⁴'
>>> percent_text(0.98991), percent_text(0.00024)
('99.0 %', '0.024 %')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, ManimColor, Rectangle, SurroundingRectangle, VGroup

from .components import label, math
from .lint import declare_contains
from .theme import TYPE, Theme, current_theme

__all__ = [
    "sci_text",
    "percent_text",
    "log_position",
    "common_exponent",
    "factor_text",
    "LogStrip",
    "SciMatrix",
]

MINUS = "\u2212"
SWATCH = 1.0  # width of one decade on the scale bar: its power fits under it
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci_text(value: float, digits: int = 2) -> str:
    """``value`` with ``digits`` significant digits times a power of ten ("2.5·10⁻¹");
    an exact zero is "0", and powers 10⁰ are left out ("1.5")."""
    if not np.isfinite(value):
        return "inf" if value > 0 else ("−inf" if value < 0 else "nan")
    if value == 0:
        return "0"
    exponent = int(np.floor(np.log10(abs(value))))
    mantissa = round(abs(value) / 10.0**exponent, digits - 1)
    if mantissa >= 10:  # 9.96 rounds up to 10.0
        mantissa, exponent = mantissa / 10, exponent + 1
    sign = MINUS if value < 0 else ""
    body = f"{mantissa:.{digits - 1}f}"
    if exponent == 0:
        return sign + body
    return f"{sign}{body}·10{str(exponent).translate(_SUPERSCRIPT)}"


def percent_text(share: float) -> str:
    """A share of a total (0..1) in percent: one decimal from 10 % up, else two
    significant digits, so a small share never prints as 0 ("0.024 %")."""
    pct = 100.0 * float(share)
    if pct == 0:
        return "0 %"
    if pct >= 10:
        return f"{pct:.1f} %"
    exponent = int(np.floor(np.log10(pct)))
    places = max(1 - exponent, 0)
    return f"{pct:.{places}f} %"


def log_position(value: float, lo: float, hi: float) -> float:
    """Where ``value`` sits on a log scale from 10^lo to 10^hi, clipped to 0..1."""
    if value <= 0 or not np.isfinite(value):
        return 0.0
    return float(np.clip((np.log10(value) - lo) / max(hi - lo, 1e-12), 0.0, 1.0))


def _fill(cell: Rectangle, colour: str, position: float) -> None:
    cell.set_fill(ManimColor(colour), opacity=0.08 + 0.8 * position)


class LogStrip(VGroup):
    """One cell per time step, filled on a log colour scale by a magnitude (each value's
    decade is its shade), with a text in each cell and the step below it, and a scale bar
    of the decades under the row.

    ``magnitudes`` (T,) are the sizes shaded, ``texts`` what each cell says (a share in
    percent, a value in scientific notation), ``steps`` the labels under the cells
    ("t = 1"). The scale runs from ``10^lo`` to ``10^hi`` (default: the decades the
    magnitudes span, at most ``max_decades``).

    Parts: ``cells``, ``texts``, ``steps``, ``bar`` (``bar.cells``, ``bar.ticks``,
    ``bar.caption``); ``magnitudes``, ``positions`` (0..1 on the scale) and ``displayed``.
    """

    def __init__(
        self,
        magnitudes: Sequence[float] | np.ndarray,
        texts: Sequence[str],
        steps: Sequence[str],
        *,
        colour: str,
        caption: str,
        theme: Theme | None = None,
        cell_width: float | None = None,
        max_decades: int = 6,
        font_size: float = TYPE.number,
    ) -> None:
        super().__init__()
        th = theme or current_theme()
        mags = np.asarray(magnitudes, dtype=np.float64)
        if mags.ndim != 1 or len(texts) != mags.size or len(steps) != mags.size:
            raise ValueError("LogStrip needs one magnitude, one text and one step per cell")
        positive = mags[mags > 0]
        hi = int(np.ceil(np.log10(positive.max()))) if positive.size else 0
        lo = int(np.floor(np.log10(positive.min()))) if positive.size else hi - 1
        lo = max(lo, hi - max_decades)
        if lo == hi:
            lo = hi - 1
        self.lo, self.hi = lo, hi
        self.magnitudes = mags.copy()
        self.positions = np.array([log_position(m, lo, hi) for m in mags])
        self._texts = list(texts)
        texts_m = [label(s, font_size=font_size, theme=th) for s in texts]
        width = cell_width or max(t.width for t in texts_m) + 0.3
        height = max(t.height for t in texts_m) + 0.3
        self.cells, self.texts, self.steps = VGroup(), VGroup(), VGroup()
        for k, (text, pos) in enumerate(zip(texts_m, self.positions, strict=True)):
            cell = Rectangle(width=width, height=height, stroke_width=2)
            cell.set_stroke(ManimColor(colour))
            _fill(cell, colour, pos)
            cell.move_to(RIGHT * width * k)
            # light text on a strong fill, the theme's text on a pale one
            text.set_color(ManimColor(th.background if pos > 0.55 else th.text))
            text.move_to(cell)
            declare_contains(cell, text)
            step = label(steps[k], font_size=TYPE.note, color=th.muted, theme=th)
            step.next_to(cell, DOWN, buff=0.1)
            self.cells.add(cell)
            self.texts.add(text)
            self.steps.add(step)
        self.add(self.cells, self.texts, self.steps)
        self.bar = self._create_bar(colour, caption, th)
        self.bar.next_to(self.steps, DOWN, buff=0.3)
        self.add(self.bar)

    def _create_bar(self, colour: str, caption: str, th: Theme) -> VGroup:
        """One swatch per decade, 10^lo on the left, its power under each swatch."""
        bar = VGroup()
        bar.cells, bar.ticks = VGroup(), VGroup()
        n = self.hi - self.lo
        for k in range(n + 1):
            swatch = Rectangle(width=SWATCH, height=0.3, stroke_width=1)
            swatch.set_stroke(ManimColor(th.grid))
            _fill(swatch, colour, k / n)
            swatch.move_to(RIGHT * SWATCH * k)
            power = self.lo + k
            tick = label(
                "1" if power == 0 else "10" + str(power).translate(_SUPERSCRIPT),
                font_size=TYPE.note,
                color=th.muted,
                theme=th,
            )
            tick.next_to(swatch, DOWN, buff=0.08)
            bar.cells.add(swatch)
            bar.ticks.add(tick)
        bar.caption = label(caption, font_size=TYPE.note, color=th.muted, theme=th)
        bar.caption.next_to(bar.cells, RIGHT, buff=0.3)
        bar.add(bar.cells, bar.ticks, bar.caption)
        return bar

    @property
    def displayed(self) -> list[str]:
        """The texts written in the cells."""
        return list(self._texts)


class SciMatrix(VGroup):
    """A small matrix written in scientific notation (two significant digits), so values
    five decades apart all read; framed in ``colour`` with a Typst label above.

    Parts: ``cells``, ``numbers``, ``frame``, ``label``; ``values`` and ``displayed``
    (rows of strings).
    """

    def __init__(
        self,
        values: np.ndarray,
        *,
        colour: str,
        label_expr: str | None = None,
        theme: Theme | None = None,
        font_size: float = TYPE.number,
    ) -> None:
        super().__init__()
        th = theme or current_theme()
        arr = np.atleast_2d(np.asarray(values, dtype=np.float64))
        self.values = arr.copy()
        self._displayed = [[sci_text(v) for v in row] for row in arr]
        texts = [
            [label(s, font_size=font_size, theme=th, color=th.text) for s in row]
            for row in self._displayed
        ]
        w = max(t.width for row in texts for t in row) + 0.25
        h = max(t.height for row in texts for t in row) + 0.25
        self.cells, self.numbers = VGroup(), VGroup()
        for r, row in enumerate(texts):
            for c, text in enumerate(row):
                cell = Rectangle(width=w, height=h, stroke_width=1)
                cell.set_stroke(ManimColor(th.grid))
                cell.move_to(RIGHT * w * c + DOWN * h * r)
                text.move_to(cell)
                declare_contains(cell, text)
                self.cells.add(cell)
                self.numbers.add(text)
        self.frame = SurroundingRectangle(
            self.cells, buff=0.04, color=ManimColor(colour), stroke_width=3
        )
        self.add(self.cells, self.numbers, self.frame)
        self.label = None
        if label_expr is not None:
            self.label = math(label_expr, color=colour, font_size=TYPE.math, theme=th)
            self.label.next_to(self.frame, UP, buff=0.1)
            self.add(self.label)

    @property
    def displayed(self) -> list[list[str]]:
        return [list(row) for row in self._displayed]


def common_exponent(values: Sequence[float] | np.ndarray, decimals: int = 2) -> int:
    """The power of ten to take out of ``values`` as a stated common factor so that they
    read: 0 when fewer than three quarters of them print as zero at ``decimals`` places,
    else the exponent of the largest (1.4·10⁻⁴ and its neighbours show as 1.40 × 10⁻⁴)."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    finite = np.abs(arr[np.isfinite(arr)])
    if finite.size == 0 or finite.max() == 0:
        return 0
    zeros = np.sum(np.round(finite, decimals) == 0)
    if zeros < 0.75 * arr.size:
        return 0
    return int(np.floor(np.log10(finite.max())))


def factor_text(exponent: int) -> str:
    """The stated common factor, "× 10⁻⁴" ("" for 10⁰)."""
    return "" if exponent == 0 else "\u00d7 10" + str(exponent).translate(_SUPERSCRIPT)
