"""Cheaper copies of typeset mobjects: the parsed SVG path each glyph keeps is shared, not
deep-copied.

Manim copies mobjects all the time (every Transform copies its target and start, every fade
makes a faded copy, the SVG cache hands out copies), and ``Mobject.copy`` is a deepcopy of
every attribute. Each glyph of a text or formula (``VMobjectFromSVGPath``) keeps the parsed
svgelements ``path_obj`` it was drawn from, a tree of dozens of Python objects that is only
read once, when the glyph's points are made in its constructor. Deep-copying it was most of
the cost of copying a slide's formulas (measured with ``python -m cProfile`` on a lecture-4
build: about a third of the build). A copy now shares that path object with the original;
everything that can change after construction (points, colours, submobjects) is still
copied. Importing this module installs the change; it is idempotent.
"""

from __future__ import annotations

from typing import Any

from manim import Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

__all__ = ["install"]

# Attributes written once in the constructor and never changed afterwards.
_SHARED = ("path_obj",)


def _deepcopy_sharing_paths(self: VMobjectFromSVGPath, memo: dict[int, Any]) -> Any:
    for name in _SHARED:
        value = self.__dict__.get(name)
        if value is not None:
            memo.setdefault(id(value), value)  # deepcopy returns memo hits as they are
    return Mobject.__deepcopy__(self, memo)


def install() -> None:
    VMobjectFromSVGPath.__deepcopy__ = _deepcopy_sharing_paths  # type: ignore[method-assign]


install()
