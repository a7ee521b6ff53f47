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


def _path_of(build, mob) -> list:
    import cairo

    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, 64, 36)
    ctx = cairo.Context(surface)
    ctx.scale(7.0, -3.0)
    ctx.move_to(0.25, 0.5)  # a path left over from the last part drawn
    build(Camera(pixel_width=64, pixel_height=36), ctx, mob)
    return list(ctx.copy_path())


def test_a_built_path_is_the_path_manim_builds(tiny_render) -> None:
    from manim import Arrow, Dot, Line, VMobject

    rng = np.random.default_rng(3)
    near = VMobject()  # anchors equal, just within and just outside the tolerance
    tol = near.tolerance_for_point_equality
    pts = rng.normal(size=(16, 3))
    pts[4] = pts[3]
    pts[8] = pts[7] + [tol * 0.999, 0, 0]
    pts[12] = pts[11] + [0, tol * 1.01 + 1e-5 * abs(pts[12][1]), 0]
    pts[15] = pts[0] + [0, tol * 0.5, 0]  # closes
    near.points = pts
    big = VMobject().set_points_as_corners(rng.normal(size=(400, 3)))  # NumPy's splits
    odd = VMobject()
    odd.points = rng.normal(size=(7, 3))  # not a whole number of curves
    parts = [
        *math("bold(c)^t = sum_k alpha_k bold(h)_k", font_size=30).get_family(),
        Circle(),
        Square(),
        Arrow([-1, 0, 0], [1, 1, 0]),
        Line([0, 0, 0], [1, 0, 0]),
        Dot(),
        near,
        big,
        odd,
        VMobject(),  # no points: the path is left as it was
    ]
    for part in parts:
        if not isinstance(part, VMobject):
            continue
        assert fastdraw._plain(part)
        mine = _path_of(fastdraw._build_path, part)
        assert mine == _path_of(fastdraw._original, part), type(part).__name__
    assert len(big.points) > fastdraw.SMALL_POINTS


def test_the_family_members_listed_are_the_ones_manim_lists(tiny_render) -> None:
    """What the camera draws each frame: every member (with points) of every family given,
    once, in manim's order, also with repeats and z-indices."""
    from manim import Dot

    a, b, c, empty = Square(), Circle(), Dot(), VGroup()
    inner = VGroup(a, b, empty)
    top = VGroup(inner, VGroup(b, c, VGroup(a)), VectorGlyph([0.5, -0.25]), VGroup(inner))
    c.set_z_index(-1)
    b.set_z_index(2)
    flat = top.get_family()
    for given in ([top], flat, [c, top, a], [*reversed(flat)], [empty], []):
        for z in (False, True):
            for points in (False, True):
                expected = fastdraw._original_extract(given, z, points)
                assert fastdraw._extract_family_members(given, z, points) == expected
