"""The scene registry: stable kebab-case ids -> scene classes, in lecture order.

Lecture modules are found by name (``scenes/lecture<N>_<topic>.py``); each defines
``LECTURE`` (its number), ``LECTURE_TITLE`` and an ordered ``SCENES`` list, and each scene
class sets ``scene_id``, ``title`` and ``description`` as string literals. A scene listed in
``SCENES`` is a class defined in the lecture module or one it imports by name from a topic
module of the ``scenes`` package (``from scenes.lstm_backprop.clipping import
GradientClipping``): a lecture whose scenes share little keeps one module per topic and its
lecture module is then the table of contents. Nothing else needs editing when a lecture
module is added.

The registry reads those names from the modules' source (with :mod:`ast`) instead of
importing them: listing scenes, selecting them and deciding that nothing needs rendering
never import manim or the scenes. :attr:`SceneInfo.cls` imports the class on first use.

Example
-------
>>> from slidebuild.registry import get_scene
>>> get_scene("lstm-circuit").lecture
4
"""

from __future__ import annotations

import ast
import difflib
import importlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scenes.kit.base import LectureSlide

__all__ = [
    "SceneInfo",
    "all_scenes",
    "get_scene",
    "lecture_titles",
    "lecture_modules",
    "lecture_scenes",
    "parsed_source",
    "scan_module",
    "suggest",
]

_MODULE_RE = re.compile(r"^lecture(\d+)_\w+$")
SCENES_DIR = Path(__file__).resolve().parent.parent / "scenes"


@dataclass(frozen=True)
class SceneInfo:
    """One registered scene, known without importing it.

    ``module`` is the dotted module name, ``path`` its source file and ``class_name`` the
    scene class's name (manim-slides keys its data by it).
    """

    id: str
    lecture: int
    title: str
    description: str
    module: str
    class_name: str
    path: Path

    @property
    def cls(self) -> type[LectureSlide]:
        """The scene class (imports its module, and with it manim, on first use)."""
        return _load_class(self.module, self.class_name, self.id, self.lecture)


@cache
def _load_class(module_name: str, class_name: str, scene_id: str, lecture: int) -> type:
    module = importlib.import_module(module_name)
    cls = getattr(module, class_name)
    if getattr(cls, "scene_id", None) != scene_id:
        raise RuntimeError(
            f"{module_name}.{class_name}.scene_id is {cls.scene_id!r} after import but "
            f"{scene_id!r} in the source; set it as a plain string literal"
        )
    cls.lecture = lecture
    return cls


@dataclass(frozen=True)
class _ModuleIndex:
    lecture: int
    title: str
    scenes: tuple[SceneInfo, ...]


def _literal(node: ast.AST | None, what: str, where: str, kind: type) -> object:
    try:
        value = ast.literal_eval(node) if node is not None else None
    except ValueError:
        value = None
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise RuntimeError(
            f"{where}: {what} must be a plain {kind.__name__} literal "
            "(the registry reads it from the source without importing the module)"
        )
    return value


def _assignments(body: list[ast.stmt]) -> dict[str, ast.AST]:
    """Top-level ``name = value`` (and ``name: type = value``) statements of a body."""
    found: dict[str, ast.AST] = {}
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            if isinstance(stmt.target, ast.Name):
                found[stmt.target.id] = stmt.value
    return found


@cache
def parsed_source(path: Path) -> tuple[str, ast.Module]:
    """A module's text and syntax tree, read once per process (the engine hashes the
    same text it was parsed from)."""
    text = path.read_text(encoding="utf-8")
    return text, ast.parse(text, filename=str(path))


def _attribute(classes: dict[str, ast.ClassDef], class_name: str, name: str) -> ast.AST | None:
    """A class attribute, looked up through the in-module bases as Python would."""
    node = classes.get(class_name)
    if node is None:
        return None
    own = _assignments(node.body)
    if name in own:
        return own[name]
    for base in node.bases:
        if isinstance(base, ast.Name):
            found = _attribute(classes, base.id, name)
            if found is not None:
                return found
    return None


def module_file(module_name: str) -> Path | None:
    """The source file of a ``scenes`` module (``scenes.a.b`` -> ``scenes/a/b.py`` or
    ``scenes/a/b/__init__.py``), or None when it is not one."""
    parts = module_name.split(".")
    if parts[0] != "scenes" or len(parts) < 2:
        return None
    base = SCENES_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def absolute_module(node: ast.ImportFrom, module_name: str, is_package: bool = False) -> str:
    """The dotted module an ``from ... import`` statement in ``module_name`` names."""
    if not node.level:
        return node.module or ""
    package = module_name.split(".")
    if not is_package:
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _imported_classes(tree: ast.Module, module_name: str) -> dict[str, tuple[str, Path]]:
    """Names a lecture module imports from topic modules of ``scenes``: name -> (module, file)."""
    found: dict[str, tuple[str, Path]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            source = absolute_module(node, module_name)
            path = module_file(source)
            if path is None:
                continue
            for alias in node.names:
                if alias.asname is None:
                    found[alias.name] = (source, path)
    return found


def scan_module(path: Path, module_name: str) -> _ModuleIndex:
    """The lecture number, title and scenes of a lecture module, read from its source."""
    where = str(path)
    _, tree = parsed_source(path)
    top = _assignments(tree.body)
    lecture = _literal(top.get("LECTURE"), "LECTURE", where, int)
    title = _literal(top.get("LECTURE_TITLE"), "LECTURE_TITLE", where, str)
    listed = top.get("SCENES")
    if not isinstance(listed, ast.List | ast.Tuple) or not all(
        isinstance(e, ast.Name) for e in listed.elts
    ):
        raise RuntimeError(f"{where}: SCENES must be a list of scene class names")
    imported = _imported_classes(tree, module_name)

    scenes = []
    for element in listed.elts:
        name = element.id  # type: ignore[attr-defined]
        home_module, home_path = imported.get(name, (module_name, path))
        _, home_tree = parsed_source(home_path)
        classes = {n.name: n for n in home_tree.body if isinstance(n, ast.ClassDef)}
        if name not in classes:
            raise RuntimeError(
                f"{where}: SCENES lists {name}, which is not a class defined there "
                "or imported by name from a scenes module"
            )
        here = f"{home_path}: {name}"
        scenes.append(
            SceneInfo(
                id=_literal(_attribute(classes, name, "scene_id"), "scene_id", here, str),
                lecture=lecture,
                title=_literal(_attribute(classes, name, "title"), "title", here, str),
                description=_literal(
                    _attribute(classes, name, "description"), "description", here, str
                ),
                module=home_module,
                class_name=name,
                path=home_path,
            )
        )
    return _ModuleIndex(lecture=lecture, title=title, scenes=tuple(scenes))


@cache
def _numbered_modules() -> tuple[tuple[int, str], ...]:
    found = []
    for path in SCENES_DIR.glob("lecture*.py"):
        match = _MODULE_RE.match(path.stem)
        if match:
            found.append((int(match.group(1)), f"scenes.{path.stem}"))
    return tuple(sorted(found))


def lecture_modules() -> tuple[str, ...]:
    """Names of the lecture modules, ordered by lecture number."""
    return tuple(name for _, name in _numbered_modules())


@cache
def _module_index(number: int, module_name: str) -> _ModuleIndex:
    path = SCENES_DIR / f"{module_name.rsplit('.', 1)[1]}.py"
    index = scan_module(path, module_name)
    if index.lecture != number:
        raise RuntimeError(f"{path}: LECTURE = {index.lecture}, but the file name says {number}")
    return index


def _index() -> tuple[_ModuleIndex, ...]:
    return tuple(_module_index(number, name) for number, name in _numbered_modules())


def lecture_scenes(lecture: int) -> tuple[SceneInfo, ...]:
    """The scenes of one lecture, reading only that lecture's module(s)."""
    return tuple(
        info
        for number, name in _numbered_modules()
        if number == lecture
        for info in _module_index(number, name).scenes
    )


@cache
def all_scenes() -> tuple[SceneInfo, ...]:
    """Every registered scene, in lecture order and each lecture's declared order."""
    result: list[SceneInfo] = []
    seen: dict[str, str] = {}
    for module in _index():
        for info in module.scenes:
            if not info.id:
                raise RuntimeError(f"{info.module}.{info.class_name} has no scene_id")
            if info.id in seen:
                raise RuntimeError(f"scene id {info.id!r} is used twice")
            seen[info.id] = info.module
            result.append(info)
    return tuple(result)


@cache
def lecture_titles() -> dict[int, str]:
    """Lecture number -> title."""
    return {module.lecture: module.title for module in _index()}


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
