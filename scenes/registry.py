"""The scene registry: stable kebab-case ids -> scene classes, in lecture order.

Lecture modules are found by name (``scenes/lecture<N>_<topic>.py``); each defines
``LECTURE`` (its number), ``LECTURE_TITLE`` and an ordered ``SCENES`` list. Nothing
else needs editing when a lecture module is added.

Example
-------
>>> from scenes.registry import get_scene
>>> get_scene("lstm-circuit").lecture
4
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import cache

import scenes

from .kit.base import LectureSlide

__all__ = ["SceneInfo", "all_scenes", "get_scene", "lecture_titles", "lecture_modules", "suggest"]

_MODULE_RE = re.compile(r"^lecture(\d+)_\w+$")


@dataclass(frozen=True)
class SceneInfo:
    """One registered scene."""

    id: str
    cls: type[LectureSlide]
    lecture: int
    title: str
    description: str
    module: str


@cache
def lecture_modules() -> tuple[str, ...]:
    """Names of the lecture modules, ordered by lecture number."""
    found = []
    for info in pkgutil.iter_modules(scenes.__path__):
        match = _MODULE_RE.match(info.name)
        if match:
            found.append((int(match.group(1)), f"scenes.{info.name}"))
    return tuple(name for _, name in sorted(found))


@cache
def all_scenes() -> tuple[SceneInfo, ...]:
    """Every registered scene, in lecture order and each lecture's declared order."""
    result: list[SceneInfo] = []
    seen: dict[str, str] = {}
    for module_name in lecture_modules():
        module = importlib.import_module(module_name)
        for cls in module.SCENES:
            if not cls.scene_id:
                raise RuntimeError(f"{module_name}.{cls.__name__} has no scene_id")
            if cls.scene_id in seen:
                raise RuntimeError(f"scene id {cls.scene_id!r} is used twice")
            seen[cls.scene_id] = module_name
            cls.lecture = module.LECTURE
            result.append(
                SceneInfo(
                    id=cls.scene_id,
                    cls=cls,
                    lecture=module.LECTURE,
                    title=cls.title,
                    description=cls.description,
                    module=module_name,
                )
            )
    return tuple(result)


@cache
def lecture_titles() -> dict[int, str]:
    """Lecture number -> title."""
    titles = {}
    for module_name in lecture_modules():
        module = importlib.import_module(module_name)
        titles[module.LECTURE] = module.LECTURE_TITLE
    return titles


def suggest(scene_id: str) -> str | None:
    """The registered id closest to ``scene_id``, if any is close."""
    close = difflib.get_close_matches(scene_id, [s.id for s in all_scenes()], n=1, cutoff=0.5)
    return close[0] if close else None


def get_scene(scene_id: str) -> SceneInfo:
    """The scene registered as ``scene_id``; ``KeyError`` with the closest id otherwise."""
    for info in all_scenes():
        if info.id == scene_id:
            return info
    hint = suggest(scene_id)
    raise KeyError(f"unknown scene id {scene_id!r}" + (f"; did you mean {hint!r}?" if hint else ""))
