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

``Mobject.get_family`` (every part of a mobject, the mobject first) is called for every
moving mobject on every frame, and manim builds it recursively, removing repeats at every
level (about a tenth of a frame's time in the same profile). Here it is one walk in the
same order; repeats (a part in two groups) are removed as manim removes them, keeping the
last occurrence, which gives the same list.
"""

from __future__ import annotations

from typing import Any

from manim import Mobject
from manim.camera.camera import Camera
from manim.utils.iterables import remove_list_redundancies

__all__ = ["install", "stats"]

LIMIT_BYTES = 64 * 2**20
_paths: dict[tuple, Any] = {}
_size = 0
_original = Camera.__dict__.get("_rnn_slides_original") or Camera.set_cairo_context_path
stats = {"hits": 0, "misses": 0}


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


def install() -> None:
    Camera._rnn_slides_original = _original
    Camera.set_cairo_context_path = _set_cairo_context_path  # type: ignore[method-assign]
    Mobject.get_family = _get_family  # type: ignore[method-assign]


install()
