"""Colour themes for every lecture: one colour per quantity, light and dark.

The palette is built from colour-blind-safe sets (Okabe-Ito and Paul Tol's).
Themes are plain frozen dataclasses; the *active* theme is looked up at call time
with :func:`current_theme`, never bound at import time, so switching the theme
(``use_theme("dark")``) changes every component built afterwards.

One type scale serves the whole deck (:data:`TYPE`): every font size a scene uses comes
from it, so a title, a label or a number has the same size in every lecture and nothing a
student must read is smaller than 2% of the frame height.

Example
-------
>>> from scenes.kit.theme import TYPE, current_theme, use_theme
>>> with use_theme("dark"):
...     current_theme().background
'#14161B'
>>> TYPE.title, TYPE.number
(40, 24)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

__all__ = [
    "TypeScale",
    "TYPE",
    "Theme",
    "LIGHT",
    "DARK",
    "THEMES",
    "get_theme",
    "current_theme",
    "use_theme",
    "set_theme",
]


@dataclass(frozen=True)
class TypeScale:
    """Font sizes of the deck, in manim font units at the default frame (8 units high).

    Plain text (``Text``, DejaVu Sans) and Typst math do not draw the same height at the
    same font size: Typst glyphs come out about 0.73x as tall, so math has its own, larger
    sizes. Measured heights (scene units) at these sizes: a title's capitals 0.40, a text
    label's capitals 0.28 (x-height 0.22), value-cell digits 0.25, math ``bold(x)^t`` at
    ``math`` 0.27, a ``sigma`` in a gate at ``symbol`` 0.17. ``min_height`` is the floor
    for anything a student must read: 2% of the frame height (about 22 px at 1080p).

    A layout that does not fit at these sizes adapts (fewer cells with a note, wrapping,
    a scaled diagram with its text rebuilt at these sizes), it never shrinks the type.
    """

    title: int = 40  # slide title (Text)
    heading: int = 32  # panel headings, captions that name a figure (Text)
    label: int = 28  # text labels on a figure: names, legends, axis titles (Text)
    note: int = 24  # small print that still must be read: ticks, "cells 1-4 of 6" (Text)
    number: int = 24  # numbers in value cells (mono Text)
    math: int = 32  # math labels on a figure: x^t, W, c^(t-1) (Typst)
    equation: int = 30  # the equation strip at the bottom (Typst)
    symbol: int = 36  # sigma / tanh inside gate boxes, big operators (Typst)
    min_height: float = 0.16  # smallest height (scene units) of any readable element
    # Zones of every slide (scene units, frame 14.22 x 8): the title band at the top, the
    # equation strip at the bottom, the figure fills what is between.
    title_buff: float = 0.25  # title top edge below the frame top
    title_band: float = 0.95  # the title zone's height, from the frame top
    strip_band: float = 1.5  # the equation strip's height, from the frame bottom
    margin: float = 0.3  # side margin of the figure zone

    def figure_zone(
        self, frame_width: float = 128 / 9, frame_height: float = 8.0
    ) -> tuple[float, float, float, float]:
        """(left, right, bottom, top) of the figure zone between title and equation strip."""
        half_w, half_h = frame_width / 2, frame_height / 2
        return (
            -half_w + self.margin,
            half_w - self.margin,
            -half_h + self.strip_band,
            half_h - self.title_band,
        )


TYPE = TypeScale()


@dataclass(frozen=True)
class Theme:
    """Colours (hex strings) and fonts of one theme.

    Quantity colours follow the lectures' notation: ``x`` inputs, ``y`` hidden state /
    outputs (``h`` in the simple RNN), ``c`` the cell state (the highway), ``z`` the
    block input, ``i f o`` the gates, ``peephole`` in blue, ``error`` (deltas) in
    purple, ``past`` for information from the previous time step (drawn dotted).
    """

    name: str
    background: str
    text: str
    muted: str
    grid: str
    panel: str  # fill behind boxes and panels
    x: str
    y: str
    c: str
    z: str
    i: str
    f: str
    o: str
    peephole: str
    error: str
    past: str
    loss: str
    param: str
    neg: str  # shading of negative values
    pos: str  # shading of positive values
    font: str = "DejaVu Sans"
    mono_font: str = "DejaVu Sans Mono"

    def quantity(self, name: str) -> str:
        """Colour of a named quantity (``"x"``, ``"c"``, ``"error"``, ...)."""
        aliases = {"h": "y", "a": "y", "delta": "error", "o_out": "o"}
        key = aliases.get(name, name)
        if not hasattr(self, key):
            raise KeyError(f"theme has no colour for quantity {name!r}")
        return getattr(self, key)

    def shade(self, value: float, vmax: float = 1.0) -> tuple[str, float]:
        """Fill colour and opacity for a value: sign picks the hue, magnitude the opacity."""
        if not np.isfinite(value):
            return self.error, 1.0
        strength = float(min(abs(value) / vmax, 1.0)) if vmax > 0 else 0.0
        return (self.pos if value >= 0 else self.neg), 0.12 + 0.6 * strength


LIGHT = Theme(
    name="light",
    background="#FFFFFF",
    text="#1B1B1B",
    muted="#5F5F5F",
    grid="#C8C8C8",
    panel="#F4F4F4",
    x="#117733",
    y="#B86E00",
    c="#CC3311",
    z="#009988",
    i="#0F8FBF",
    f="#DD2277",
    o="#8A7000",
    peephole="#0055CC",
    error="#7A3E9D",
    past="#777777",
    loss="#882255",
    param="#444444",
    neg="#2166AC",
    pos="#B2182B",
)

DARK = Theme(
    name="dark",
    background="#14161B",
    text="#ECECEC",
    muted="#A0A0A0",
    grid="#3A3F47",
    panel="#1F232A",
    x="#44BB99",
    y="#F0A030",
    c="#FF6644",
    z="#33CCBB",
    i="#66CCEE",
    f="#FF66A0",
    o="#DDCC77",
    peephole="#5599FF",
    error="#C39BD3",
    past="#999999",
    loss="#EE99AA",
    param="#CCCCCC",
    neg="#4393C3",
    pos="#D6604D",
)

THEMES: dict[str, Theme] = {"light": LIGHT, "dark": DARK}

_active: list[str] = ["light"]


def get_theme(name: str) -> Theme:
    """The theme called ``name``; ``ValueError`` naming the valid ones otherwise."""
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}") from None


def current_theme() -> Theme:
    """The active theme, looked up now (components call this when built)."""
    return THEMES[_active[-1]]


def set_theme(name: str) -> None:
    """Make ``name`` the active theme."""
    get_theme(name)
    _active[-1] = name


@contextlib.contextmanager
def use_theme(name: str) -> Iterator[Theme]:
    """Activate a theme inside a ``with`` block and restore the previous one after."""
    theme = get_theme(name)
    _active.append(name)
    try:
        yield theme
    finally:
        _active.pop()
