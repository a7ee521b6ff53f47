"""Cheaper copies of mobjects: the same copies manim makes, with less Python per attribute.

Manim copies mobjects all the time (every Transform copies its target and start, every fade
makes a faded copy, the SVG cache hands out copies), and ``Mobject.copy`` is a
``copy.deepcopy`` of every attribute of every part. Two things made that expensive
(measured with ``python -m cProfile`` on scene builds: a third of a lecture-4 build, then,
with the first fix, still a third of every deck scene's build):

- each glyph of a text or formula (``VMobjectFromSVGPath``) keeps the parsed svgelements
  ``path_obj`` it was drawn from, a tree of dozens of Python objects that is only read once,
  when the glyph's points are made in its constructor. A copy shares it with the original;
- ``copy.deepcopy`` dispatches every attribute through its generic machinery: about forty
  calls per part for numbers, strings, flags, enums and small arrays. Here values that
  cannot change in place (numbers, strings, None, enums, paths) are shared as deepcopy
  shares them, numeric arrays are copied with ``ndarray.copy`` and colours rebuilt from a
  copy of their array; everything else (lists of parts, dicts, other objects) still goes
  through ``copy.deepcopy`` with the same memo, so shared references stay shared.

Everything that can change after construction (points, colours, submobjects) is still
copied. Importing this module installs the change; it is idempotent.
"""

from __future__ import annotations

import copy
import enum
import pathlib
from typing import Any

import numpy as np
from manim import ManimColor, Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

__all__ = ["install"]

# Attributes written once in the constructor and never changed afterwards.
_SHARED = ("path_obj",)

# How each type of attribute value is copied, decided once per type: values deepcopy itself
# returns as they are (immutable) are shared without the dispatch.
_SHARE, _ARRAY, _COLOR, _DEEP = range(4)
_ATOMIC = (
    type(None),
    int,
    float,
    bool,
    complex,
    str,
    bytes,
    np.float64,
    np.int64,
    np.bool_,
    pathlib.PurePath,
)
_HOW: dict[type, int] = {}


def _how(kind: type) -> int:
    if issubclass(kind, (*_ATOMIC, enum.Enum)):
        how = _SHARE
    elif kind is np.ndarray:
        how = _ARRAY
    elif kind is ManimColor:
        how = _COLOR
    else:
        how = _DEEP
    _HOW[kind] = how
    return how


def _deepcopy_mobject(self: Mobject, memo: dict[int, Any]) -> Any:
    """``Mobject.__deepcopy__`` (a new instance, every attribute deep-copied, the memo
    shared), with the cheap cases above taken directly."""
    cls = self.__class__
    result = cls.__new__(cls)
    memo[id(self)] = result
    keep = memo.setdefault(id(memo), [])  # deepcopy's keep-alive list: ids stay unique
    copied = {}
    for name, value in self.__dict__.items():
        how = _HOW.get(type(value))
        if how is None:
            how = _how(type(value))
        if how == _SHARE:
            copied[name] = value
            continue
        found = memo.get(id(value))
        if found is not None:
            copied[name] = found
            continue
        if how == _ARRAY and value.dtype != object:
            new = value.copy()
        elif how == _COLOR:
            new = ManimColor.__new__(ManimColor)
            new.__dict__.update(
                {k: v.copy() if type(v) is np.ndarray else v for k, v in value.__dict__.items()}
            )
        else:
            copied[name] = copy.deepcopy(value, memo)
            continue
        memo[id(value)] = new
        keep.append(value)
        copied[name] = new
    result.__dict__.update(copied)
    result.original_id = str(id(self))
    return result


def _deepcopy_sharing_paths(self: VMobjectFromSVGPath, memo: dict[int, Any]) -> Any:
    for name in _SHARED:
        value = self.__dict__.get(name)
        if value is not None:
            memo.setdefault(id(value), value)  # deepcopy returns memo hits as they are
    return _deepcopy_mobject(self, memo)


def install() -> None:
    Mobject.__deepcopy__ = _deepcopy_mobject  # type: ignore[method-assign]
    VMobjectFromSVGPath.__deepcopy__ = _deepcopy_sharing_paths  # type: ignore[method-assign]


install()
