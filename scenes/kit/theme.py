"""Colour themes for every lecture: one colour per quantity, light and dark.

The palette is built from colour-blind-safe sets (Okabe-Ito and Paul Tol's).
Themes are plain frozen dataclasses; the *active* theme is looked up at call time
with :func:`current_theme`, never bound at import time, so switching the theme
(``use_theme("dark")``) changes every component built afterwards.

Example
-------
>>> from scenes.kit.theme import current_theme, use_theme
>>> with use_theme("dark"):
...     current_theme().background
'#14161B'
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

__all__ = [
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
