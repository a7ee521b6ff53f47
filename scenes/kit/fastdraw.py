"""Cheaper frames: a drawn part whose outline has not changed since the last frame reuses
the cairo path built for it, and a mobject's family is listed without recursion.

Manim's cairo camera builds the path of every part it draws, on every frame, in Python:
split the Bezier points into subpaths, then one ``curve_to`` call per curve. During a step
most moving parts keep their outline and change only colour or opacity (fades, dims,
highlights), and the static image manim draws once per animation covers only the parts no
animation touches. Measured with ``python -m cProfile`` on an LSTM scene at 1080p30, path
building was about half of drawing the frames. Here the path built for a part is kept
(keyed on its points' bytes, the camera's transform and the settings that decide subpaths)
and appended to the context the next time the same outline is drawn: cairo stores the path
in the same device coordinates either way, so the pixels are the same. The cache is
bounded (cleared when it holds more than :data:`LIMIT_BYTES` of keys). Importing this
module installs it; it is idempotent. The 3-D camera keeps manim's own drawing.

A path that is not in the cache (a moving outline) is built by :func:`_build_path`: the
same cairo calls with the same numbers as manim's, from a Python list of the coordinates
(manim indexes a NumPy array once per number) and, for outlines of up to
:data:`SMALL_POINTS` points, the subpath splits found in Python (manim's NumPy version costs
about 50 microseconds a call whatever the size; a glyph has a few dozen points).

``Mobject.get_family`` (every part of a mobject, the mobject first) is called for every
moving mobject on every frame, and manim builds it recursively, removing repeats at every
level (about a tenth of a frame's time in the same profile). Here it is one walk in the
same order; repeats (a part in two groups) are removed as manim removes them, keeping the
last occurrence, which gives the same list. ``extract_mobject_family_members`` (what the
camera lists on every frame: the family members with points of every moving mobject, which
is itself the list of the moving mobjects' whole families) walked each member's subtree
again; here each member's family is made once per call, from its children's.
"""

from __future__ import annotations

import math
from typing import Any

from manim import Mobject, VMobject
from manim.camera.camera import Camera
from manim.utils import family as manim_family
from manim.utils.iterables import remove_list_redundancies

__all__ = ["install", "stats"]

LIMIT_BYTES = 64 * 2**20
SMALL_POINTS = 512
_paths: dict[tuple, Any] = {}
_size = 0
_original = Camera.__dict__.get("_rnn_slides_original") or Camera.set_cairo_context_path
stats = {"hits": 0, "misses": 0}


def _build_path(camera: Camera, ctx: Any, vmobject: Any) -> None:
    """manim's ``Camera.set_cairo_context_path`` for a plain 2-D camera and a VMobject whose
    subpath rules are VMobject's own: the same calls on ``ctx`` with the same numbers."""
    points = camera.transform_points_pre_display(vmobject, vmobject.points)
    n = len(points)
    if n == 0:
        return
    ctx.new_path()
    if n < 4:
        return
    xy = points[:, :2].ravel().tolist()  # x0, y0, x1, y1, ...: the same doubles
    atol = vmobject.tolerance_for_point_equality
    rtol = 1.0e-5  # numpy.isclose's, as manim uses
    if n > SMALL_POINTS:
        splits = vmobject.get_subpath_split_indices_from_points(points, n_dims=2).tolist()
    else:
        # VMobject.get_subpath_split_indices_from_points(points, n_dims=2) on finite points
        # (transform_points_pre_display replaces any others): a split where the end anchor
        # of a curve is not close to the start anchor of the next.
        splits = []
        start = 0
        for b in range(4, n, 4):
            ex, ey, sx, sy = xy[2 * b - 2 : 2 * b + 2]
            if not (
                abs(ex - sx) <= atol + rtol * abs(sx) and abs(ey - sy) <= atol + rtol * abs(sy)
            ):
                splits.append((start, b))
                start = b
        splits.append((start, n))
    new_sub_path = ctx.new_sub_path
    move_to = ctx.move_to
    curve_to = ctx.curve_to
    for start, end in splits:
        if end - start < 4:
            continue
        new_sub_path()
        move_to(xy[2 * start], xy[2 * start + 1])
        for i in range(start, end - 3, 4):
            b = 2 * i + 2
            curve_to(*xy[b : b + 6])
        # VMobject.consider_points_equals_2d(points[start], points[end - 1])
        x0, y0 = xy[2 * start], xy[2 * start + 1]
        x1, y1 = xy[2 * end - 2], xy[2 * end - 1]
        if x0 != x1:
            dx = abs(x0 - x1)
            if not (dx <= atol + rtol * abs(x1) and math.isfinite(dx)):
                continue
        if y0 == y1:
            ctx.close_path()
            continue
        dy = abs(y0 - y1)
        if dy <= atol + rtol * abs(y1) and math.isfinite(dy):
            ctx.close_path()


def _plain(vmobject: Any) -> bool:
    """Whether ``vmobject`` splits and closes subpaths by VMobject's own rules."""
    kind = type(vmobject)
    return (
        vmobject.n_points_per_cubic_curve == 4
        and kind.get_subpath_split_indices_from_points
        is VMobject.get_subpath_split_indices_from_points
        and kind.consider_points_equals_2d is VMobject.consider_points_equals_2d
    )


def _set_cairo_context_path(self: Camera, ctx: Any, vmobject: Any) -> Camera:
    global _size
    points = vmobject.points
    if type(self).transform_points_pre_display is not Camera.transform_points_pre_display:
        return _original(self, ctx, vmobject)  # a camera that moves points (3-D)
    if len(points) == 0 or points.dtype.kind != "f":
        return _original(self, ctx, vmobject)
    key = (
        points.tobytes(),
        points.shape,
        vmobject.n_points_per_cubic_curve,
        vmobject.tolerance_for_point_equality,
        type(vmobject).consider_points_equals_2d,
        type(vmobject).get_subpath_split_indices_from_points,
        tuple(ctx.get_matrix()),
    )
    path = _paths.get(key)
    if path is not None:
        stats["hits"] += 1
        ctx.new_path()
        ctx.append_path(path)
        return self
    stats["misses"] += 1
    if _plain(vmobject):
        _build_path(self, ctx, vmobject)
    else:
        _original(self, ctx, vmobject)
    if _size > LIMIT_BYTES:
        _paths.clear()
        _size = 0
    _paths[key] = ctx.copy_path()
    _size += len(key[0])
    return self


def _get_family(self: Mobject, recurse: bool = True) -> list[Mobject]:
    family = []
    stack = [self]
    while stack:
        mob = stack.pop()
        family.append(mob)
        if mob.submobjects:
            stack.extend(reversed(mob.submobjects))
    if len(set(family)) != len(family):
        return remove_list_redundancies(family)
    return family


_original_extract = (
    getattr(manim_family, "_rnn_slides_original", None)
    or manim_family.extract_mobject_family_members
)


def _extract_family_members(
    mobjects: Any, use_z_index: bool = False, only_those_with_points: bool = False
) -> list[Mobject]:
    """manim's ``extract_mobject_family_members``, each family made once."""
    mobjects = list(mobjects)
    for mob in mobjects:
        kind = type(mob)
        if (
            kind.get_family is not _get_family
            or kind.family_members_with_points is not Mobject.family_members_with_points
        ):
            return _original_extract(mobjects, use_z_index, only_those_with_points)
    walks: dict[int, list[Mobject]] = {}

    def walk(mob: Mobject) -> list[Mobject]:
        # the walk _get_family makes, repeats kept (keeping a member or not commutes with
        # removing repeats), only the members with points when asked
        found = walks.get(id(mob))
        if found is None:
            found = [mob] if not only_those_with_points or mob.get_num_points() > 0 else []
            for sub in mob.submobjects:
                found += walk(sub)
            walks[id(mob)] = found
        return found

    extracted: list[Mobject] = []
    for mob in mobjects:
        family = walk(mob)
        if len(family) > 1 and len(set(family)) != len(family):
            family = remove_list_redundancies(family)
        extracted += family
    extracted = remove_list_redundancies(extracted)
    if use_z_index:
        return sorted(extracted, key=lambda m: m.z_index)
    return extracted


def install() -> None:
    Camera._rnn_slides_original = _original
    Camera.set_cairo_context_path = _set_cairo_context_path  # type: ignore[method-assign]
    Mobject.get_family = _get_family  # type: ignore[method-assign]
    import manim.camera.camera
    import manim.scene.scene

    manim_family._rnn_slides_original = _original_extract
    for module in (manim_family, manim.camera.camera, manim.scene.scene):
        module.extract_mobject_family_members = _extract_family_members


install()
