"""The project's rooms and the one direction imports run between them:
core (``rnn_core``) <- kit (``scenes.kit``) <- lectures (``scenes``) <- registry <- engine
(``slidebuild``) <- CLI (``render.py``). Read from source with :mod:`ast` (imports inside
functions count too), so a lazy import cannot hide a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from slidebuild.registry import absolute_module

ROOT = Path(__file__).resolve().parent.parent

# room -> rooms it may import from (besides itself and third-party packages)
ALLOWED = {
    "core": set(),
    "kit": {"core"},
    "lectures": {"core", "kit"},
    "registry": {"core", "kit"},  # the kit only for type hints
    "build": {"core", "kit", "lectures", "registry"},
    "cli": {"core", "kit", "lectures", "registry", "build"},
}
THIRD_PARTY_OF_CORE = {"numpy"}


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _room(module: str) -> str | None:
    if module == "rnn_core" or module.startswith("rnn_core."):
        return "core"
    if module == "scenes.kit" or module.startswith("scenes.kit."):
        return "kit"
    if module == "scenes" or module.startswith("scenes."):
        return "lectures"
    if module == "slidebuild.registry":
        return "registry"
    if module == "slidebuild" or module.startswith("slidebuild."):
        return "build"
    if module == "render":
        return "cli"
    return None


def _sources() -> list[Path]:
    files = [ROOT / "render.py"]
    for package in ("rnn_core", "scenes", "slidebuild"):
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports (at any depth), with its line."""
    name, is_package = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = absolute_module(node, name, is_package)
            found.append((base, node.lineno))
            # ``from scenes import lecture4_lstm_forward`` imports a submodule
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _project_module(imported: str, known: set[str]) -> str | None:
    """The project module an import names (the longest known prefix), if any."""
    parts = imported.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p)[0]: p for p in _sources()}
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported, _ in _imports(path):
            target = _project_module(imported, known)
            # a package's __init__ importing from a child is the package itself, not a cycle
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def test_imports_run_one_way():
    wrong = []
    for path in _sources():
        name = _module_name(path)[0]
        room = _room(name)
        for imported, line in _imports(path):
            target = _room(imported)
            if target is None or target == room:
                continue
            if target not in ALLOWED[room]:
                wrong.append(
                    f"{path.relative_to(ROOT)}:{line} ({room}) imports {imported} ({target})"
                )
    assert not wrong, "imports against the direction:\n" + "\n".join(wrong)


def test_core_imports_numpy_only():
    wrong = []
    for path in sorted((ROOT / "rnn_core").rglob("*.py")):
        for imported, line in _imports(path):
            top = imported.split(".")[0]
            if _room(imported) == "core" or top in THIRD_PARTY_OF_CORE:
                continue
            if top == "torch" and path.name == "interop.py":
                continue  # optional, only to read a user's .pt/.pth file
            if top in {"manim", "matplotlib", "scenes", "slidebuild", "render", "torch", "cairo"}:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not wrong, "\n".join(wrong)


def _circles(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # a package and its own modules: ``scenes.kit`` re-exports from ``scenes.kit.x``
            if node.startswith(nxt + ".") or nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                circles.append(" -> ".join(stack[stack.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return circles


def test_no_import_circle():
    circles = _circles(_graph())
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_scenes_folder_holds_scenes_and_the_kit_only():
    """The build machinery lives in ``slidebuild``: nothing in ``scenes`` writes files."""
    machinery = {"engine", "registry", "deck_html", "vector", "figures"}
    assert not [p.stem for p in (ROOT / "scenes").glob("*.py") if p.stem in machinery]


@pytest.mark.parametrize(
    "low, high",
    [
        ("scenes.kit.lint", "slidebuild.registry"),  # the kit once imported the registry
        ("scenes.trained_story", "scenes.lecture4_lstm_forward"),  # and these each other
    ],
)
def test_the_circle_check_finds_a_circle(low, high):
    graph = _graph()
    assert low in graph and high in graph
    graph[low] = graph[low] | {high}
    graph[high] = graph[high] | {low}
    assert _circles(graph)
