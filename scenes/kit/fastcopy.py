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

A typeset text or formula (an ``SVGMobject``) also keeps ``id_to_vgroup_dict``: a group for
every element of its SVG (about four groups per glyph), never drawn and not part of its
family, which manim reads only to select parts by name. Copying those groups was most of
the cost of copying a text (measured: 2.6 times the copy without them). A copy now holds
them lazily: the original's dict and which copied part stands for each part its groups
hold; the first read of the copy's ``id_to_vgroup_dict`` makes the groups, then, as manim's
copy would have (the same parts, the groups' own attributes as the original's groups have
them then; nothing ever changes those groups but a read of them). When a part the groups
hold was not copied with the family, the groups are copied at once, as before.

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
from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath

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


_GROUPS = "id_to_vgroup_dict"


class LazyGroups:
    """The ``id_to_vgroup_dict`` of a copy, made on first read: ``source`` is the dict of
    the first mobject copied (a copy of a copy keeps it), ``parts`` maps the id of each part its
    groups hold to the copy of that part."""

    __slots__ = ("made", "parts", "source")

    def __init__(self, source: dict, parts: dict[int, Any]) -> None:
        self.source = source
        self.parts = parts
        self.made: dict | None = None

    def groups(self) -> dict:
        """The groups (made once: mobjects that shared the dict share them)."""
        if self.made is None:
            memo = dict(self.parts)  # the source keeps the parts alive: their ids stay theirs
            self.made = copy.deepcopy(self.source, memo)
        return self.made

    def __reduce__(self) -> Any:  # a pickled copy holds the groups themselves
        return (dict, (self.groups(),))


def _held_parts(groups: dict) -> dict[int, Any] | None:
    """id -> part for every mobject the groups hold that is not one of the groups, or None
    when they hold something else than mobjects."""
    own = {id(g) for g in groups.values()}
    held: dict[int, Any] = {}
    for group in groups.values():
        if not isinstance(group, Mobject):
            return None
        for part in group.submobjects:
            if id(part) not in own:
                held[id(part)] = part
    return held


def _lazy_groups(value: Any, memo: dict[int, Any]) -> LazyGroups | None:
    """A lazy copy of ``value`` (an ``id_to_vgroup_dict``) when every part its groups hold
    has already been copied in this copy (is in ``memo``)."""
    if type(value) is LazyGroups:
        parts = {}
        for key, part in value.parts.items():
            new = memo.get(id(part))
            if new is None:
                return None
            parts[key] = new
        return LazyGroups(value.source, parts)
    if type(value) is not dict or not value:
        return None
    held = _held_parts(value)
    if held is None:
        return None
    parts = {}
    for key in held:
        new = memo.get(key)
        if new is None:
            return None
        parts[key] = new
    return LazyGroups(value, parts)


def _get_groups(self: SVGMobject) -> dict:
    try:
        value = self.__dict__[_GROUPS]
    except KeyError:
        raise AttributeError(_GROUPS) from None
    if type(value) is LazyGroups:
        value = value.groups()
        self.__dict__[_GROUPS] = value
    return value


def _set_groups(self: SVGMobject, value: dict) -> None:
    self.__dict__[_GROUPS] = value


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
        if name == _GROUPS and isinstance(self, SVGMobject):
            lazy = _lazy_groups(value, memo)
            if lazy is not None:
                memo[id(value)] = lazy  # other holders of the same dict share its copy
                keep.append(value)
                copied[name] = lazy
                continue
            if type(value) is LazyGroups:
                value = _get_groups(self)
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
    SVGMobject.id_to_vgroup_dict = property(_get_groups, _set_groups)  # type: ignore[assignment]


install()
