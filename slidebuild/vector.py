"""Vector output: a scene's frame as SVG or PDF, and a handout with one page per step.

The PNG camera draws every vectorised mobject with cairo onto an image surface. Here the
same camera draws the same mobjects, in the same order and with the same transform, onto
cairo's SVG or PDF surfaces instead, so a vector still is the PNG still at any zoom.
(Text and math are glyph outlines in manim, so they stay outlines here.)

A handout is a PDF with one page per click step: the frame at the end of the step on top,
the step's speaker notes below it.

Example
-------
>>> # after building a scene up to the end of step 3 (animations skipped):
>>> # write_vector_still(scene, Path("odyssey-3.svg"))  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import cairo
import numpy as np

from slidebuild.outputs import atomic_target

if TYPE_CHECKING:
    from manim import Scene

__all__ = [
    "VECTOR_FORMATS",
    "draw_scene",
    "write_vector_still",
    "rest_svg",
    "compact_svg",
    "Handout",
    "with_step_hook",
]

VECTOR_FORMATS = ("svg", "pdf")

# Handout page: the slide at 16:9 on top, notes below, in PDF points (1/72 inch).
PAGE_WIDTH = 842.0  # A4 landscape width
SLIDE_MARGIN = 28.0
NOTES_FONT_SIZE = 13.0
NOTES_LINE_HEIGHT = 1.35
NOTES_LINES = 12


def _scene_mobjects(scene: Scene) -> list:
    seen: set[int] = set()
    ordered = []
    for mob in [*scene.mobjects, *scene.foreground_mobjects]:
        if id(mob) not in seen:  # manim's list_update: foreground drawn last, once
            seen.add(id(mob))
            ordered.append(mob)
    return ordered


def draw_scene(scene: Scene, ctx: cairo.Context, width: float, height: float) -> None:
    """Draw ``scene``'s current mobjects into ``ctx`` over a ``width`` x ``height`` box at
    the context's origin: background first, then what the camera would draw."""
    camera = scene.renderer.camera
    fw, fh = camera.frame_width, camera.frame_height
    fc = camera.frame_center
    base = ctx.get_matrix()
    ctx.save()
    ctx.rectangle(0, 0, width, height)
    ctx.clip()
    rgba = camera.background_color.to_rgba()
    ctx.set_source_rgba(*rgba[:3], 1.0 if camera.background_opacity is None else rgba[3])
    ctx.paint()
    # The camera's own transform (scene units -> pixels), composed with where the box is.
    slide = cairo.Matrix(
        width / fw,
        0,
        0,
        -(height / fh),
        width / 2 - fc[0] * width / fw,
        height / 2 + fc[1] * height / fh,
    )
    ctx.set_matrix(slide.multiply(base))
    camera.get_cairo_context = lambda _pixels: ctx
    camera.set_cairo_context_color = functools.partial(_set_color, camera)
    try:
        camera.capture_mobjects(_scene_mobjects(scene))
    finally:  # back to the class's methods
        del camera.get_cairo_context, camera.set_cairo_context_color
        ctx.restore()


def _set_color(camera, ctx: cairo.Context, rgbas, vmobject):
    """The camera's colour setter in true RGB order: the PNG camera swaps red and blue
    because it draws into a numpy RGBA array through a cairo ARGB32 (BGRA) surface."""
    if len(rgbas) == 1:
        ctx.set_source_rgba(*rgbas[0][:3], rgbas[0][3])
    else:
        points = vmobject.get_gradient_start_and_end_points()
        points = camera.transform_points_pre_display(vmobject, points)
        pattern = cairo.LinearGradient(*points[0][:2], *points[1][:2])
        for rgba, offset in zip(rgbas, np.linspace(0, 1, len(rgbas)), strict=True):
            pattern.add_color_stop_rgba(offset, *rgba[:3], rgba[3])
        ctx.set_source(pattern)
    return camera


def _surface(fmt: str, target: Path | io.BytesIO, width: float, height: float) -> cairo.Surface:
    target = str(target) if isinstance(target, Path) else target
    if fmt == "svg":
        surface = cairo.SVGSurface(target, width, height)
        surface.set_document_unit(cairo.SVGUnit.PT)
        return surface
    if fmt == "pdf":
        return cairo.PDFSurface(target, width, height)
    raise ValueError(f"vector format must be one of {VECTOR_FORMATS}, not {fmt!r}")


def write_vector_still(scene: Scene, path: Path, *, fmt: str | None = None) -> None:
    """Write ``scene``'s current frame to ``path`` as SVG or PDF (from the suffix by
    default), sized like the scene's pixel frame in points."""
    fmt = fmt or path.suffix.lstrip(".").lower()
    with atomic_target(path) as tmp:
        _draw_frame(scene, fmt, tmp)


def _draw_frame(scene: Scene, fmt: str, target: Path | io.BytesIO) -> None:
    """``scene``'s current frame into ``target`` as SVG or PDF, the size of its pixel frame
    in points."""
    camera = scene.renderer.camera
    width, height = float(camera.pixel_width), float(camera.pixel_height)
    surface = _surface(fmt, target, width, height)
    draw_scene(scene, cairo.Context(surface), width, height)
    surface.finish()


# Numbers in an SVG cairo writes carry six decimals. A path drawn in the frame's points (a
# fill) needs two: a hundredth of a point. A stroked path is written in scene units under a
# scale ``transform`` (about 135 points per unit at 1080p), so it keeps four.
_PATH_TAG = re.compile(rb"<path\b[^>]*>")
_DECIMALS = {2: re.compile(rb"(\d\.\d\d)\d+"), 4: re.compile(rb"(\d\.\d{4})\d+")}


def compact_svg(data: bytes) -> bytes:
    """``data`` (an SVG cairo wrote) with every number in a path cut to the decimals that
    still place it within a hundredth of a point: about a third smaller, the same drawing."""

    def path(match: re.Match) -> bytes:
        tag = match.group()
        places = 4 if b"transform=" in tag else 2
        return _DECIMALS[places].sub(rb"\1", tag)

    return _PATH_TAG.sub(path, data)


def rest_svg(scene: Scene, *, compact: bool = True) -> bytes:
    """``scene``'s current frame as an SVG of the scene's pixel size in points, compact
    (:func:`compact_svg`) unless told otherwise: the resting frame a deck shows, crisp at
    any size, once a step's animation has played."""
    buffer = io.BytesIO()
    _draw_frame(scene, "svg", buffer)
    return compact_svg(buffer.getvalue()) if compact else buffer.getvalue()


def with_step_hook(cls: type, on_step_end: Callable[[Scene, object], None]) -> type:
    """A subclass of the lecture scene ``cls`` that calls ``on_step_end(scene, record)`` at
    the end of every click step, with the frame as it is then."""

    def _finish_step(self, *args, **kwargs):
        on_step_end(self, self.steps[-1])
        return cls._finish_step(self, *args, **kwargs)

    return type(cls.__name__, (cls,), {"_finish_step": _finish_step, "__module__": cls.__module__})


class Handout:
    """A PDF handout written page by page: one page per click step, notes under the slide.

    Use as a context manager; the file appears (atomically) when the block succeeds.
    """

    def __init__(self, path: Path, *, title: str = "") -> None:
        self.path = path
        self.title = title
        self.pages = 0
        self._target = atomic_target(path)
        self._surface: cairo.PDFSurface | None = None
        self._ctx: cairo.Context | None = None
        self.slide_width = PAGE_WIDTH - 2 * SLIDE_MARGIN
        self.slide_height = self.slide_width * 9 / 16
        notes_height = NOTES_LINES * NOTES_FONT_SIZE * NOTES_LINE_HEIGHT
        self.page_height = SLIDE_MARGIN * 3 + self.slide_height + notes_height + 20

    def __enter__(self) -> Handout:
        tmp = self._target.__enter__()
        self._surface = cairo.PDFSurface(str(tmp), PAGE_WIDTH, self.page_height)
        if self.title:
            self._surface.set_metadata(cairo.PDFMetadata.TITLE, self.title)
        self._ctx = cairo.Context(self._surface)
        return self

    def __exit__(self, *exc) -> bool:
        assert self._surface is not None
        if exc[0] is None and self.pages == 0:
            self._surface.finish()
            self._target.__exit__(ValueError, ValueError("empty handout"), None)
            raise ValueError("the handout has no pages")
        self._surface.finish()
        return bool(self._target.__exit__(*exc))

    def add_step(self, scene: Scene, *, label: str, notes: str) -> None:
        """Draw ``scene`` as it is now on a new page, with ``label`` and ``notes`` below."""
        ctx = self._ctx
        assert ctx is not None, "use Handout as a context manager"
        ctx.save()
        ctx.translate(SLIDE_MARGIN, SLIDE_MARGIN)
        draw_scene(scene, ctx, self.slide_width, self.slide_height)
        ctx.restore()
        # A thin frame around the slide, for light themes on white paper.
        ctx.set_source_rgb(0.6, 0.6, 0.6)
        ctx.set_line_width(0.5)
        ctx.rectangle(SLIDE_MARGIN, SLIDE_MARGIN, self.slide_width, self.slide_height)
        ctx.stroke()
        y = SLIDE_MARGIN * 2 + self.slide_height
        ctx.set_source_rgb(0.1, 0.1, 0.1)
        ctx.select_font_face("DejaVu Sans", cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_BOLD)
        ctx.set_font_size(NOTES_FONT_SIZE)
        ctx.move_to(SLIDE_MARGIN, y)
        ctx.show_text(label)
        ctx.select_font_face("DejaVu Sans", cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_NORMAL)
        for line in self._wrap(ctx, notes)[: NOTES_LINES - 1]:
            y += NOTES_FONT_SIZE * NOTES_LINE_HEIGHT
            ctx.move_to(SLIDE_MARGIN, y)
            ctx.show_text(line)
        ctx.show_page()
        self.pages += 1

    def _wrap(self, ctx: cairo.Context, text: str) -> list[str]:
        """Greedy word wrap to the slide's width, measured with the page's font."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            words = paragraph.split()
            line = ""
            for word in words:
                candidate = f"{line} {word}".strip()
                if ctx.text_extents(candidate).x_advance <= self.slide_width or not line:
                    line = candidate
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return [ln for ln in lines if ln] or [""]
