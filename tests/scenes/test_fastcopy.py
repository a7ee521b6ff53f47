"""Copies of typeset mobjects share the parsed SVG path they were drawn from
(scenes/kit/fastcopy.py) and are otherwise independent of the original."""

from __future__ import annotations

import copy

import numpy as np

import scenes.kit.base  # noqa: F401  (installs the cheaper copy, as every scene does)
from scenes.kit.components import math


def _glyphs(mob):
    return [m for m in mob.get_family() if hasattr(m, "path_obj")]


def test_a_copy_shares_the_parsed_path_and_nothing_else() -> None:
    original = math("bold(c)^t = bold(z)^t dot.o bold(i)^t", font_size=28)
    glyphs = _glyphs(original)
    assert glyphs, "a formula is made of glyphs parsed from SVG paths"
    points = [np.array(g.points) for g in glyphs]
    colours = [np.array(g.get_fill_rgbas()) for g in glyphs]

    twin = original.copy()
    twins = _glyphs(twin)
    assert len(twins) == len(glyphs)
    # the read-only parse is shared ...
    assert all(a.path_obj is b.path_obj for a, b in zip(glyphs, twins, strict=True))
    # ... everything that can change is not
    assert all(a is not b for a, b in zip(glyphs, twins, strict=True))
    assert all(a.points is not b.points for a, b in zip(glyphs, twins, strict=True))
    twin.shift(np.array([1.0, 2.0, 0.0])).set_color("#ff0000").scale(3)
    for g, p, c in zip(glyphs, points, colours, strict=True):
        np.testing.assert_array_equal(g.points, p)
        np.testing.assert_array_equal(g.get_fill_rgbas(), c)


def test_a_deepcopy_in_a_larger_structure_shares_the_path_too() -> None:
    formula = math("bold(y)^t", font_size=28)
    copied = copy.deepcopy({"formula": formula})["formula"]
    assert all(
        a.path_obj is b.path_obj for a, b in zip(_glyphs(formula), _glyphs(copied), strict=True)
    )
    np.testing.assert_array_equal(copied.get_center(), formula.get_center())
