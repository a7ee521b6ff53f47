"""Cheaper frames (scenes/kit/fastdraw.py): a reused cairo path draws the same pixels as a
path built from the points, and the family walk lists what manim's recursion lists."""

from __future__ import annotations

import itertools

import numpy as np
from manim import Circle, Square, VGroup
from manim.camera.camera import Camera
from manim.utils.iterables import remove_list_redundancies

import scenes.kit.base  # noqa: F401  (installs the cheaper frames, as every scene does)
from scenes.kit import fastdraw
from scenes.kit.components import VectorGlyph, math


def _manims_family(mob) -> list:
    subs = [_manims_family(m) for m in mob.submobjects]
    return remove_list_redundancies([mob, *itertools.chain(*subs)])


def test_the_family_walk_lists_what_manim_lists(tiny_render) -> None:
    a, b, c = Square(), Circle(), Square()
    inner = VGroup(a, b)
    top = VGroup(inner, VGroup(b, c, VGroup(a)), VectorGlyph([0.5, -0.25]), VGroup(inner))
    for mob in (top, inner, a):
        assert mob.get_family() == _manims_family(mob)


def _frame(mobjects, cached: bool) -> np.ndarray:
    camera = Camera(pixel_width=320, pixel_height=180)
    if not cached:
        Camera.set_cairo_context_path = fastdraw._original
    try:
        camera.capture_mobjects(mobjects)
    finally:
        fastdraw.install()
    return np.array(camera.pixel_array)


def test_a_reused_path_draws_the_same_pixels(tiny_render) -> None:
    glyph = VectorGlyph([0.12, -0.5, 0.98], label="bold(f)^t", quantity="f").shift([1, 0.5, 0])
    formula = math("bold(c)^t = bold(z)^t dot.o bold(i)^t", font_size=30).shift([-2, -1, 0])
    mobjects = [glyph, formula, Circle(radius=1.3).set_fill("#3060a0", 0.4)]
    plain = _frame(mobjects, cached=False)
    hits = fastdraw.stats["hits"]
    first = _frame(mobjects, cached=True)  # builds and keeps the paths
    second = _frame(mobjects, cached=True)  # reuses them
    assert fastdraw.stats["hits"] > hits
    np.testing.assert_array_equal(first, plain)
    np.testing.assert_array_equal(second, plain)
    # an outline that changes is drawn from its new points, never from a kept path
    glyph.shift([0.013, 0, 0])
    np.testing.assert_array_equal(_frame(mobjects, cached=True), _frame(mobjects, cached=False))
