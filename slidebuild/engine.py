"""The build engine behind ``rnn-slides``: what is stale, rendering it, installing it.

The CLI (``render.py``) says *what* to build (scenes from :mod:`slidebuild.registry` and a
function giving each lecture's resolved config), *where* (an output folder) and *how*
(:class:`RenderSettings`), then calls :func:`build`, :func:`build_deck`, :func:`construct`
or :func:`count_steps`. This module owns:

- the content hash of everything that changes a scene's pixels, computed from source text
  (the scene's class and its module's shared code, as :mod:`ast` segments), the resolved
  config and the tool versions. Deciding that nothing needs rendering imports neither
  manim nor the scenes;
- the manifest ``OUT/manifest.json``: per output its content hash and the size and sha256
  of every file it installed (the video and, for mp4, the manim-slides JSON and the step
  videos a deck is built from). "Up to date" means the hash matches and every one of those
  files is there with that size and sha256. A file that is not a manifest is moved aside
  (``manifest.json.corrupt-<time>``) with a one-line warning and rebuilt;
- atomic installs (a temporary file or folder, then a rename on the same filesystem) and
  a cross-platform lock (``filelock``) around the manifest;
- one temporary folder per run, ``OUT/.tmp/<uuid>/``, holding a lock for as long as its
  run lives: the next run removes the folders of dead runs (whose lock it can take) and
  never those of live ones;
- the worker pool (spawned processes: a fresh manim per scene) and in-process builds for
  stills and step counts. manim reads ``manim.cfg`` from the working folder (and the
  user's config folder) when imported; renders here ignore both: manim's defaults, then
  the settings below, so a stray ``manim.cfg`` never changes an output.

Example
-------
>>> from slidebuild.engine import RenderSettings, build
>>> from slidebuild.registry import get_scene
>>> from scenes.kit.config import SceneConfig
>>> build([get_scene("lstm-circuit")], lambda lecture: SceneConfig(), out=Path("out"),
...       settings=RenderSettings(quality="l"))  # doctest: +SKIP
"""

from __future__ import annotations

import ast
import configparser
import contextlib
import errno
import functools
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from slidebuild import outputs
from slidebuild.outputs import STALE_PART_SECONDS, atomic_target, remove_stale_parts
from slidebuild.registry import SceneInfo, absolute_module, module_file, parsed_source

__all__ = [
    "VERSION",
    "QUALITIES",
    "FORMATS",
    "SLIDES_DIR",
    "atomic_target",
    "remove_stale_parts",
    "STALE_PART_SECONDS",
    "read_slide_rests",
    "output_key",
    "slides_dir",
    "quality_tag",
    "quality_spec",
    "frame_size",
    "EngineError",
    "RenderSettings",
    "build",
    "plan",
    "build_deck",
    "construct",
    "count_steps",
    "content_hash",
    "source_hash",
    "config_dict",
    "read_manifest",
    "update_manifest",
    "atomic_write_bytes",
    "check_writable",
    "locked",
    "run_folder",
    "reap_dead_runs",
    "manim_config",
]

VERSION = "0.1.0"
QUALITIES = {  # flag -> (pixel width, height, frame rate)
    "l": (854, 480, 15),
    "m": (1280, 720, 30),
    "h": (1920, 1080, 60),
    "k": (3840, 2160, 60),
}
FORMATS = ("mp4", "webm", "mov", "gif")
# x264 (mp4) at manim's crf 23 with the "veryfast" preset instead of x264's "medium": on a
# slide scene at 1080p30 a quarter less encoding time, and files no larger (flat colours,
# text). Part of every content hash: a change re-renders.
ENCODER_OPTIONS = {"preset": "veryfast"}
GLYPH_CACHE = ".cache/glyphs"  # under the output folder: typeset glyphs shared by renders
SLIDES_DIR = "slides"  # under the output folder: manim-slides data for decks
RESTS_DIR = "rests"  # in a render's temporary folder: each step's resting frame (SVG)
RESTS_SUFFIX = ".rests.json"  # OUT/slides/<Class>.rests.json: each slide's resting frame
RESTS_VERSION = 1  # how resting frames are drawn (slidebuild.vector.rest_svg); in the hash
MANIFEST = "manifest.json"
TMP_DIR = ".tmp"  # under the output folder: one folder per run
LOCK_NAME = ".rnn-slides.lock"  # the output folder's lock (manifest, run folders)
OWNER_LOCK = ".owner.lock"  # inside a run folder: held while the run is alive
LOCK_TIMEOUT = 120.0  # seconds to wait for the output folder's lock
PROJECT = Path(__file__).resolve().parent.parent
SCENES_DIR = PROJECT / "scenes"

Echo = Callable[[str], None]


class EngineError(Exception):
    """A problem the user can fix; the CLI prints it as one line."""


@dataclass(frozen=True)
class RenderSettings:
    """How to render: quality flag, frame rate (None: the quality's), container format,
    alpha, parallel jobs, cache bypass."""

    quality: str = "l"
    fmt: str = "mp4"
    transparent: bool = False
    jobs: int = 1
    force: bool = False
    # scene id -> slidebuild.narration.SceneNarration, for narrated renders (--narration)
    narration: Any = None
    fps: int | None = None

    @property
    def spec(self) -> str:
        """The quality with its frame rate, as outputs are keyed: ``h``, ``h@30``."""
        return quality_spec(self.quality, self.fps)


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Content hash (no manim, no scene imports)


def _text_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    # a Windows checkout (CRLF) hashes like a Linux one: same code, same pixels
    return data.replace(b"\r\n", b"\n") if path.suffix == ".py" else data


@functools.cache
def _folder_digest(folder: Path) -> str:
    """Every file of a package folder (code and data such as bundled weights)."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(_text_bytes(path) + b"\0")
    return h.hexdigest()


def _in_module_chain(tree: ast.Module, class_name: str) -> set[str]:
    """``class_name`` and its bases defined in the same module, transitively."""
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    chain: set[str] = set()
    todo = [class_name]
    while todo:
        name = todo.pop()
        if name in chain or name not in classes:
            continue
        chain.add(name)
        todo += [b.id for b in classes[name].bases if isinstance(b, ast.Name)]
    return chain


def _listed_scenes(tree: ast.Module) -> set[str]:
    """The module's scene classes: those its ``SCENES`` lists and, in a topic module that a
    lecture module lists them from, every class that sets its own ``scene_id``."""
    found: set[str] = set()
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "SCENES" for t in stmt.targets)
            and isinstance(stmt.value, ast.List | ast.Tuple)
        ):
            found |= {e.id for e in stmt.value.elts if isinstance(e, ast.Name)}
        elif isinstance(stmt, ast.ClassDef) and any(
            isinstance(s, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "scene_id" for t in s.targets)
            for s in stmt.body
        ):
            found.add(stmt.name)
    return found


def _module_segment(path: Path, class_name: str) -> str:
    """The module's text without the scene classes ``class_name`` does not derive from:
    editing one scene re-renders that scene only, editing shared code re-renders all."""
    text, tree = parsed_source(path)
    drop = _listed_scenes(tree) - _in_module_chain(tree, class_name)
    lines = text.splitlines(keepends=True)
    keep = [True] * len(lines)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in drop:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            for i in range(start - 1, node.end_lineno or node.lineno):
                keep[i] = False
    return "".join(line for line, k in zip(lines, keep, strict=True) if k)


def _imported_names(stmts: list, module_name: str, is_package: bool) -> Iterator[str]:
    """Dotted names a block imports, in nested blocks too (functions, classes, ifs, trys).
    Imports are statements, so only statement lists are visited, never expressions: a
    fraction of the work of ``ast.walk`` over a lecture module."""
    for node in stmts:
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = absolute_module(node, module_name, is_package)
            yield base
            yield from (f"{base}.{a.name}" for a in node.names)
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                yield from _imported_names(children, module_name, is_package)


def _module_name(path: Path) -> tuple[str, bool]:
    """The dotted name of a file under the project, and whether it is a package (a module
    elsewhere, such as a test's scene file, counts as a top-level module)."""
    try:
        parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    except ValueError:
        return path.stem, False
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


@functools.cache
def _imported_project_modules(path: Path) -> frozenset[Path]:
    """Files of ``scenes`` modules outside the kit that ``path`` imports, transitively
    (such as ``scenes/lesson_data.py`` or a topic module's shared ``common.py``); the kit
    and ``rnn_core`` are hashed whole."""
    found: set[Path] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        _, tree = parsed_source(current)
        name, is_package = _module_name(current)
        for imported in _imported_names(tree.body, name, is_package):
            parts = imported.split(".")
            if len(parts) < 2 or parts[0] != "scenes" or parts[1] == "kit":
                continue
            candidate = module_file(imported)
            if candidate is not None and candidate != path and candidate not in found:
                found.add(candidate)
                todo.append(candidate)
    return frozenset(found)


@functools.cache
def _source_hash(path: Path, class_name: str) -> str:
    h = hashlib.sha256(_module_segment(path, class_name).encode())
    for dep in sorted(_imported_project_modules(path)):
        h.update(dep.relative_to(SCENES_DIR).as_posix().encode() + b"\0" + _text_bytes(dep) + b"\0")
    h.update(_folder_digest(SCENES_DIR / "kit").encode())
    h.update(_folder_digest(PROJECT / "rnn_core").encode())
    return h.hexdigest()


def source_hash(info: SceneInfo) -> str:
    """Hash of the code a scene's pixels depend on: its class (and in-module bases), the
    module's shared code, the ``scenes`` modules it imports, the scene kit and rnn_core."""
    return _source_hash(Path(info.path), info.class_name)


@functools.cache
def _version(package: str) -> str:
    """The installed version of ``package``, from its ``<name>-<version>.dist-info`` folder
    on ``sys.path`` (importing importlib.metadata would cost more than the rest of a
    no-op decision), else from importlib.metadata."""
    stem = re.sub(r"[-_.]+", "_", package).lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.lower().startswith(stem) and name.endswith(".dist-info"):
                version = name[len(stem) : -len(".dist-info")]
                if version[:1].isdigit():
                    return version
    import importlib.metadata

    return importlib.metadata.version(package)


def config_dict(scene_config: Any) -> dict:
    """A scene config as JSON-ready data; a weights file counts by its content."""
    data = asdict(scene_config)
    weights = data["model"].get("weights")
    if weights:
        data["model"]["weights_sha256"] = hashlib.sha256(Path(weights).read_bytes()).hexdigest()
    return data


def scene_config_from_dict(data: dict) -> Any:
    from scenes.kit.config import ModelConfig, SceneConfig

    model = dict(data["model"])
    model.pop("weights_sha256", None)
    if model.get("inputs") is not None:
        model["inputs"] = tuple(tuple(r) for r in model["inputs"])
    return SceneConfig(theme=data["theme"], model=ModelConfig(**model))


def content_hash(
    info: SceneInfo,
    scene_config: Any,
    quality: str,
    fmt: str,
    transparent: bool,
    narration: str | None = None,
) -> str:
    """Everything that changes the pixels of a scene's video, as one hex digest
    (``narration``: the digest of its narration, when it has one)."""
    payload = {
        "source": source_hash(info),
        "config": config_dict(scene_config),
        "quality": quality,
        "format": fmt,
        "transparent": transparent,
        "encoder": ENCODER_OPTIONS,
        "manim": _version("manim"),
        "manim_slides": _version("manim-slides"),
    }
    if fmt == "mp4":  # an mp4 render also writes its slides' resting frames
        payload["rests"] = RESTS_VERSION
    if narration is not None:
        payload["narration"] = narration
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# ---------------------------------------------------------------------------------------
# Files: atomic writes, locks, checksums


def check_writable(out: Path) -> None:
    """Create ``out`` if needed and prove a file can be written there (the output rule's
    folder check: :func:`slidebuild.outputs.check_folder`)."""
    outputs.check_folder(out)


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """The output folder's lock, re-entrant within a process. It is held for milliseconds
    (a manifest update, creating a run folder), so a long wait means something is wrong,
    e.g. a lock left behind where the filesystem has no real locks."""
    lock = FileLock(out / LOCK_NAME, is_singleton=True)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise EngineError(
            f"{out / LOCK_NAME} stayed locked for {LOCK_TIMEOUT:.0f} s; if no other rnn-slides "
            "run is writing to this folder, delete that file"
        ) from None
    try:
        yield
    finally:
        lock.release()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    with atomic_target(path) as tmp:
        tmp.write_bytes(data)


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def file_record(path: Path) -> dict:
    """Size and sha256 of an installed file, as the manifest keeps them."""
    return {"size": path.stat().st_size, "sha256": _sha256(path)}


def _intact(records: dict[Path, dict]) -> bool:
    """Every file exists with its recorded size and sha256 (sizes first: a cheap no)."""
    for path, record in records.items():
        try:
            if not path.is_file() or path.stat().st_size != record["size"]:
                return False
        except OSError:
            return False
    return all(_sha256(path) == record["sha256"] for path, record in records.items())


def _entry_files(entry: dict, target: Path, base: Path) -> dict[Path, dict] | None:
    """The files an entry vouches for, or None for an entry without checksums (written
    by an older version: its files cannot be trusted)."""
    if "sha256" not in entry or "size" not in entry:
        return None
    files = {target: {"size": entry["size"], "sha256": entry["sha256"]}}
    for rel, record in entry.get("files", {}).items():
        files[base / rel] = record
    return files


# ---------------------------------------------------------------------------------------
# The manifest

_ENTRY_FIELDS: dict[str, type | tuple[type, ...]] = {
    "hash": str,
    "size": int,
    "sha256": str,
    "files": dict,
    "steps": int,
    "scenes": list,
}


def _manifest_problem(data: object) -> str | None:
    """Why ``data`` is not a manifest this engine wrote, or None."""
    if not isinstance(data, dict):
        return f"it holds {type(data).__name__ if data is not None else 'null'}, not an object"
    outputs = data.get("outputs", {})
    if not isinstance(outputs, dict):
        return f'"outputs" is {type(outputs).__name__}, not an object'
    if not isinstance(data.get("tool", {}), dict):
        return '"tool" is not an object'
    for key, entry in outputs.items():
        if not isinstance(entry, dict):
            return f"entry {key[:60]!r} is {type(entry).__name__}, not an object"
        for name, kind in _ENTRY_FIELDS.items():
            value = entry.get(name)
            if name in entry and (not isinstance(value, kind) or isinstance(value, bool)):
                return f"entry {key[:60]!r} has a {type(value).__name__} {name}"
        for rel, record in entry.get("files", {}).items():
            if not (
                isinstance(record, dict)
                and isinstance(record.get("size"), int)
                and not isinstance(record.get("size"), bool)
                and isinstance(record.get("sha256"), str)
            ):
                return f"entry {key[:60]!r} has a bad record for {rel[:60]!r}"
    return None


def _load_manifest(path: Path) -> tuple[dict, str | None]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {"outputs": {}}, None
    except IsADirectoryError:
        return {"outputs": {}}, "it is a folder"
    except OSError as exc:
        raise EngineError(f"cannot read {path} ({exc.strerror}); check its permissions") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, absurdly nested or long
        return {"outputs": {}}, "it is not JSON"
    problem = _manifest_problem(data)
    if problem:
        return {"outputs": {}}, problem
    data.setdefault("outputs", {})
    return data, None


def _move_aside(path: Path, problem: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, aside)
    _warn(
        f"{path} was not a valid manifest ({problem}); moved it to {aside.name} "
        "and rendering what it listed again"
    )


def read_manifest(out: Path) -> dict:
    """The manifest of ``out``; a damaged one is moved aside (with a warning) and an empty
    one returned, so every output it listed is checked and rendered again."""
    path = out / MANIFEST
    data, problem = _load_manifest(path)
    if problem is None:
        return data
    with locked(out):
        data, problem = _load_manifest(path)  # another run may have repaired it meanwhile
        if problem is not None:
            _move_aside(path, problem)
            data = {"outputs": {}}
    return data


def update_manifest(out: Path, entries: dict[str, dict]) -> None:
    """Merge ``entries`` into the manifest, under the output folder's lock."""
    with locked(out):
        manifest = read_manifest(out)
        manifest["outputs"].update(entries)
        manifest["tool"] = {"rnn-slides": VERSION, "manim": _version("manim")}
        atomic_write_bytes(out / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())


DEFAULT_QUALITY = "l"


def quality_spec(quality: str, fps: int | None = None) -> str:
    """A quality flag with another frame rate than its own, as ``h@30`` (manim's ``-q h``
    stays 1080p60); the flag alone when ``fps`` is None or the flag's own rate."""
    if fps is None or fps == QUALITIES[quality][2]:
        return quality
    return f"{quality}@{fps}"


def frame_size(quality: str) -> tuple[int, int, int]:
    """Pixel width, height and frame rate of a quality flag or of a :func:`quality_spec`."""
    flag, _, fps = quality.partition("@")
    width, height, rate = QUALITIES[flag]
    return width, height, int(fps) if fps else rate


def quality_tag(quality: str) -> str:
    """``480p15``, ``720p30``, ``1080p30``, ... for a quality flag or spec."""
    _width, height, fps = frame_size(quality)
    return f"{height}p{fps}"


def slides_dir(quality: str) -> str:
    """The folder (under the output folder) of the manim-slides data decks are made from:
    one per quality, so decks of different qualities never replace each other's data."""
    return SLIDES_DIR if quality == DEFAULT_QUALITY else f"{SLIDES_DIR}-{quality_tag(quality)}"


def output_key(info: SceneInfo, ext: str, quality: str = DEFAULT_QUALITY) -> str:
    """Where a scene's video lands under the output folder: ``lecture<N>/<id>.<ext>`` at the
    default quality, ``lecture<N>/<id>-<height>p<fps>.<ext>`` at the others (side by side,
    each cached on its own)."""
    suffix = "" if quality == DEFAULT_QUALITY else f"-{quality_tag(quality)}"
    return f"lecture{info.lecture}/{info.id}{suffix}.{ext}"


# ---------------------------------------------------------------------------------------
# Run folders


def _reap(folder: Path) -> bool:
    """Remove a run folder whose owner is gone; keep it (False) while its lock is held."""
    owner = folder / OWNER_LOCK
    if owner.exists():
        lock = FileLock(owner)  # a new handle: a live owner, even in this process, blocks it
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        lock.release()
    shutil.rmtree(folder, ignore_errors=True)
    return not folder.exists()


def reap_dead_runs(out: Path) -> int:
    """Remove ``OUT/.tmp/<run>/`` folders left by runs that died (killed, power loss);
    returns how many were removed. Folders of live runs are kept."""
    root = out / TMP_DIR
    if not root.is_dir():
        return 0
    removed = 0
    with locked(out):  # run folders are created and locked under this lock: no race
        for folder in root.iterdir():
            if folder.is_dir() and _reap(folder):
                removed += 1
        with contextlib.suppress(OSError):
            root.rmdir()
    return removed


@contextlib.contextmanager
def run_folder(out: Path) -> Iterator[Path]:
    """A private temporary folder ``OUT/.tmp/<uuid>/`` for one run, on the same filesystem
    as the outputs (so installs are renames), locked while the run lives."""
    with locked(out):
        folder = out / TMP_DIR / uuid.uuid4().hex
        folder.mkdir(parents=True)
        owner = FileLock(folder / OWNER_LOCK)
        owner.acquire()
    try:
        yield folder
    finally:
        owner.release()
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            (out / TMP_DIR).rmdir()


# ---------------------------------------------------------------------------------------
# manim, configured the same way wherever it runs


def _import_manim() -> Any:
    """Import manim from a neutral folder: at import it reads ``manim.cfg`` from the
    working folder (and a malformed one would stop the import)."""
    if "manim" in sys.modules:
        return sys.modules["manim"]
    old = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="rnn-slides-") as neutral:
        os.chdir(neutral)
        try:
            import manim
        finally:
            os.chdir(old)
    return manim


@contextlib.contextmanager
def manim_config(settings: dict) -> Iterator[None]:
    """manim's library defaults (no folder-wide or user-wide ``manim.cfg``), then
    ``settings``; the previous config is restored on exit."""
    import logging

    manim = _import_manim()
    from manim import config, tempconfig

    parser = configparser.ConfigParser()
    with open(Path(manim.__file__).parent / "_config" / "default.cfg", encoding="utf-8") as f:
        parser.read_file(f)
    for name in ("manim", "manim-slides", "manim_slides"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with tempconfig({}):
        config.digest_parser(parser)
        config.update(settings)
        yield


def _scene_class(module: str, class_name: str, lecture: int) -> type:
    cls = getattr(importlib.import_module(module), class_name)
    cls.lecture = lecture
    return cls


# ---------------------------------------------------------------------------------------
# Rendering (in worker processes)


def _tune_encoder() -> None:
    """Every x264 stream manim opens gets :data:`ENCODER_OPTIONS` (set before its first
    frame, when the codec opens)."""
    from manim.scene.scene_file_writer import SceneFileWriter

    original = SceneFileWriter.open_partial_movie_stream
    if getattr(original, "tuned", False):
        return

    def open_partial_movie_stream(self, *args, **kwargs):
        original(self, *args, **kwargs)
        context = self._current_encode_job.stream.codec_context
        if context.name == "libx264":
            context.options = {**context.options, **ENCODER_OPTIONS}

    open_partial_movie_stream.tuned = True
    SceneFileWriter.open_partial_movie_stream = open_partial_movie_stream


def _render_worker(job: dict) -> dict:
    """Render one scene into its private temporary folder; runs in a fresh process."""
    _import_manim()
    _tune_encoder()
    if job.get("glyphs"):  # typeset glyphs shared with the other renders into this folder
        from slidebuild import glyphcache

        glyphcache.enable(job["glyphs"])
    cls = _scene_class(job["module"], job["class_name"], job["lecture"])
    scene_config = scene_config_from_dict(job["config"])
    width, height, fps = frame_size(job["quality"])
    tmp = Path(job["tmp"])
    started = time.perf_counter()
    settings = {
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "media_dir": str(tmp / "media"),
        "format": job["format"],
        "transparent": job["transparent"],
        "output_file": job["id"],
        "progress_bar": "none",
        "verbosity": "ERROR",
        "disable_caching": True,
        "write_to_movie": True,
    }
    narration = None
    if job.get("narration"):
        from slidebuild.narration import SceneNarration

        narration = SceneNarration.from_json(job["narration"])
    with manim_config(settings):
        configured = cls.configured(
            scene_config, narration_hold=narration.hold() if narration is not None else None
        )
        if job["format"] == "mp4":  # the slide data decks are made of: each step's rest
            configured = _resting_frames(configured, tmp / RESTS_DIR)
        if job.get("progress") is not None:
            configured = _reporting_steps(configured, job["progress"], job["id"])
        scene = configured(output_folder=tmp / SLIDES_DIR)
        scene.render()
        writer = scene.renderer.file_writer
        # manim writes a gif beside the movie path, under its own name
        movie = Path(writer.gif_file_path if job["format"] == "gif" else writer.movie_file_path)
    from slidebuild.narration import finish_render

    captions = finish_render(
        movie=movie,
        fmt=job["format"],
        fps=fps,
        steps=[(r.start, r.end, r.notes) for r in scene.steps],
        narration=narration,
        slides_json=tmp / SLIDES_DIR / f"{type(scene).__name__}.json"
        if job["format"] == "mp4"
        else None,
    )
    rests = [str(tmp / RESTS_DIR / f"{k}.svg") if k else None for k in captions["slide_steps"]]
    return {
        "id": job["id"],
        "movie": str(movie),
        "rests": rests,
        "duration": float(scene.renderer.time),
        "steps": len(scene.steps),
        "seconds": time.perf_counter() - started,
        "slides_name": type(scene).__name__,
        "captions": captions,
    }


def _resting_frames(cls: type, folder: Path) -> type:
    """A subclass of the scene class that writes each click step's final frame, as it rests
    in a deck once the step has played, to ``folder/<step>.svg`` (vectors: crisp on any
    projector whatever the video's resolution)."""
    from slidebuild.vector import rest_svg, with_step_hook

    folder.mkdir(parents=True, exist_ok=True)

    def write(scene: Any, record: Any) -> None:
        (folder / f"{record.index}.svg").write_bytes(rest_svg(scene))

    return with_step_hook(cls, write)


def _reporting_steps(cls: type, queue: Any, scene_id: str) -> type:
    """A subclass of the scene class that reports each click step it starts on ``queue``
    as ``(scene_id, step)``, for the progress display of the process that waits."""

    def step(self, notes: str) -> None:
        with contextlib.suppress(Exception):  # progress is a nicety: never fail a render
            queue.put((scene_id, len(self.steps) + 1))
        cls.step(self, notes)

    return type(cls.__name__, (cls,), {"step": step, "__module__": cls.__module__})


@contextlib.contextmanager
def _step_progress(progress: Any, tasks: dict[str, Any], totals: dict[str, int]):
    """A queue the render workers report their steps on, and a thread that shows them."""
    import multiprocessing
    import queue as queue_module
    import threading

    manager = multiprocessing.get_context("spawn").Manager()
    queue = manager.Queue()
    stop = threading.Event()

    def show() -> None:
        while not stop.is_set():
            try:
                scene_id, step = queue.get(timeout=0.2)
            except (queue_module.Empty, EOFError, OSError):
                continue
            total = totals.get(scene_id)
            label = f"{scene_id}: step {step}" + (f"/{total}" if total else "")
            progress.update(tasks["scenes"], description=label)

    thread = threading.Thread(target=show, daemon=True)
    thread.start()
    try:
        yield queue
    finally:
        stop.set()
        thread.join(timeout=2)
        manager.shutdown()


def _install_slides(
    out: Path,
    tmp: Path,
    name: str,
    scene_id: str,
    digest: str,
    quality: str,
    *,
    rests: Sequence[str | None] = (),
) -> dict:
    """Move a scene's manim-slides data from its temporary folder into ``OUT/slides``,
    rewriting the paths manim-slides records; returns the records of the files installed.
    ``rests`` are the resting frames of its slides (SVG files, None for a slide without
    one): they join the slide videos, listed in ``OUT/slides/<name>.rests.json``."""
    src_json = tmp / SLIDES_DIR / f"{name}.json"
    if not src_json.exists():
        return {}
    slides_root = out / slides_dir(quality)
    files_dir = slides_root / "files" / f"{scene_id}-{digest[:12]}"
    files_dir.parent.mkdir(parents=True, exist_ok=True)
    # Same digest, same pixels, but an existing copy may be the damaged one that caused
    # this render: set it aside (inside the run folder, removed with it) and install ours.
    if files_dir.exists():
        with contextlib.suppress(OSError):
            os.replace(files_dir, tmp / f"old-{uuid.uuid4().hex}")
    scene_files = tmp / SLIDES_DIR / "files" / name
    rest_names = [f"rest-{i}.svg" if rest else None for i, rest in enumerate(rests, 1)]
    for rest, rest_name in zip(rests, rest_names, strict=True):
        if rest:
            os.replace(rest, scene_files / rest_name)
    with contextlib.suppress(OSError):  # a concurrent run installed the same files first
        os.replace(scene_files, files_dir)
    data = json.loads(src_json.read_text(encoding="utf-8"))
    # manim-slides reads these paths relative to the folder that holds ``slides/``, so they
    # work whether ``out`` was given as a relative or an absolute path, and if it is moved.
    relative_dir = files_dir.relative_to(out)
    used: set[str] = set()
    for slide in data["slides"]:
        for key in ("file", "rev_file"):
            if slide.get(key):
                slide[key] = (relative_dir / Path(slide[key]).name).as_posix()
                used.add(slide[key])
    json_path = slides_root / f"{name}.json"
    atomic_write_bytes(json_path, json.dumps(data, indent=2).encode())
    rests_json = slides_root / f"{name}{RESTS_SUFFIX}"
    if rests and len(rests) == len(data["slides"]):
        listed = [(relative_dir / n).as_posix() if n else None for n in rest_names]
        used.update(rel for rel in listed if rel)
        atomic_write_bytes(rests_json, json.dumps(listed, indent=1).encode())
        used.add(rests_json.relative_to(out).as_posix())
    else:  # slides that pair with no steps: the deck rests on the videos' last frames
        rests_json.unlink(missing_ok=True)
    for stale in files_dir.parent.glob(f"{scene_id}-*"):  # earlier versions of this scene
        if stale != files_dir and stale.name[len(scene_id) + 1 :].isalnum():
            shutil.rmtree(stale, ignore_errors=True)
    records = {json_path.relative_to(out).as_posix(): file_record(json_path)}
    for rel in sorted(used):
        records[rel] = file_record(out / rel)
    return records


@dataclass(frozen=True)
class _Job:
    info: SceneInfo
    scene_config: Any
    digest: str
    target: Path
    key: str


def plan(
    infos: Sequence[SceneInfo], resolve: Callable[[int], Any], out: Path, settings: RenderSettings
) -> tuple[list[_Job], dict[str, dict]]:
    """Which scenes need rendering, and the manifest entries of those that do not.

    Every config is resolved (and so validated) here, before anything renders."""
    manifest = read_manifest(out)["outputs"]
    todo, fresh = [], {}
    configs: dict[int, Any] = {}  # resolved (and validated) once per lecture
    for info in infos:
        if info.lecture not in configs:
            configs[info.lecture] = resolve(info.lecture)
        scene_config = configs[info.lecture]
        narration = (settings.narration or {}).get(info.id)
        digest = content_hash(
            info,
            scene_config,
            settings.spec,
            settings.fmt,
            settings.transparent,
            narration.digest() if narration is not None else None,
        )
        key = output_key(info, settings.fmt, settings.spec)
        target = out / key
        entry = manifest.get(key)
        if not settings.force and entry and entry.get("hash") == digest:
            files = _entry_files(entry, target, out)
            slides_json = f"{slides_dir(settings.spec)}/{info.class_name}.json"
            needs_slides = settings.fmt == "mp4" and slides_json not in entry.get("files", {})
            # outputs from before captions existed are rendered again, with them
            needs_captions = Path(key).with_suffix(".vtt").as_posix() not in entry.get("files", {})
            if files is not None and not needs_slides and not needs_captions and _intact(files):
                fresh[info.id] = entry
                continue
        todo.append(_Job(info, scene_config, digest, target, key))
    return todo, fresh


def build(
    infos: Sequence[SceneInfo],
    resolve: Callable[[int], Any],
    *,
    out: Path,
    settings: RenderSettings,
    echo: Echo = print,
) -> dict[str, dict]:
    """Render what is missing, stale or damaged; returns id -> manifest entry for every
    scene. Outputs land in ``OUT/lecture<N>/<id>.<format>`` (and ``OUT/slides`` for mp4)."""
    check_writable(out)
    reap_dead_runs(out)
    todo, results = plan(infos, resolve, out, settings)
    for job in todo:  # the one output rule, before anything renders (e.g. a read-only video)
        outputs.check_output(
            job.target,
            suffixes=(job.target.suffix,),
            writes="",
            out=out,
            own=job.key,
            fix="render into another folder with -o",
        )
    if not todo:
        echo(f"nothing to render: {len(infos)} scene(s) up to date in {out}")
        return results

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with run_folder(out) as run_dir:
        jobs = []
        for job in todo:
            tmp = run_dir / job.info.id
            tmp.mkdir()
            payload = {
                "id": job.info.id,
                "module": job.info.module,
                "class_name": job.info.class_name,
                "lecture": job.info.lecture,
                "config": config_dict(job.scene_config),
                "quality": settings.spec,
                "format": settings.fmt,
                "transparent": settings.transparent,
                "tmp": str(tmp.resolve()),
                "narration": narration.to_json()
                if (narration := (settings.narration or {}).get(job.info.id)) is not None
                else None,
                "glyphs": str((out / GLYPH_CACHE).resolve()),
            }
            jobs.append((job, payload))
        totals = {  # steps seen in earlier renders (any quality), to show "step 3/10"
            entry.get("scene"): entry.get("steps")
            for entry in read_manifest(out)["outputs"].values()
            if isinstance(entry, dict) and isinstance(entry.get("steps"), int)
        }
        with Progress(
            TextColumn("[bold]rendering"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} scenes"),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            transient=not sys.stdout.isatty(),
        ) as progress:
            task = progress.add_task("starting", total=len(jobs))
            with _step_progress(progress, {"scenes": task}, totals) as steps_queue:
                for _job, payload in jobs:
                    payload["progress"] = steps_queue  # workers report each step they start
                for job, payload, result in _run_jobs(jobs, settings.jobs):
                    entry = _install(out, job, payload, result, settings)
                    update_manifest(out, {job.key: entry})
                    results[job.info.id] = entry
                    progress.update(task, advance=1, description=f"{job.info.id}: done")
                    echo(f"  {job.key}  ({result['steps']} steps, {result['duration']:.1f} s)")
    return results


def _install(out: Path, job: _Job, payload: dict, result: dict, settings: RenderSettings) -> dict:
    """Rename a finished render into place and describe it for the manifest."""
    job.target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(result["movie"], job.target)  # same filesystem: atomic
    files = {}
    if settings.fmt == "mp4":
        files = _install_slides(
            out,
            Path(payload["tmp"]),
            result["slides_name"],
            job.info.id,
            job.digest,
            settings.spec,
            rests=result.get("rests") or [],
        )
    from slidebuild import captions

    sidecar = None
    if settings.fmt == "mp4":
        sidecar = out / slides_dir(settings.spec) / f"{result['slides_name']}.captions.json"
    for path in captions.install(job.target, result["captions"], sidecar):
        files[path.relative_to(out).as_posix()] = file_record(path)
    return {
        "hash": job.digest,
        "config_hash": hashlib.sha256(
            json.dumps(payload["config"], sort_keys=True).encode()
        ).hexdigest(),
        "scene": job.info.id,
        "lecture": job.info.lecture,
        "quality": settings.spec,
        "format": settings.fmt,
        "transparent": settings.transparent,
        "theme": payload["config"]["theme"],
        "duration": round(result["duration"], 3),
        "steps": result["steps"],
        "render_seconds": round(result["seconds"], 2),
        **file_record(job.target),
        "files": files,
    }


def _run_jobs(jobs: list[tuple[_Job, dict]], workers: int) -> Iterator[tuple[_Job, dict, dict]]:
    # spawn, not fork: a fresh manim per scene (its global state never leaks between
    # scenes) and the same behaviour on Linux, macOS and Windows
    context = get_context("spawn")
    if workers <= 1 or len(jobs) == 1:
        for job, payload in jobs:
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                yield job, payload, _result(pool.submit(_render_worker, payload), payload)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(_render_worker, payload): (job, payload) for job, payload in jobs}
        for future in as_completed(futures):
            job, payload = futures[future]
            yield job, payload, _result(future, payload)


def _result(future: Any, payload: dict) -> dict:
    """A worker's result; an OSError that names no file (manim's full disk) names the
    output folder, so the message says where space is missing."""
    try:
        return future.result()
    except OSError as exc:
        if exc.filename:
            raise
        out = Path(payload["tmp"]).parents[2]  # OUT/.tmp/<run>/<scene id>
        raise OSError(exc.errno, exc.strerror or str(exc), str(out)) from None


# ---------------------------------------------------------------------------------------
# Steps and stills (in this process, animations skipped)


def construct(
    info: SceneInfo,
    scene_config: Any,
    quality: str,
    capture_step: int | None = None,
    *,
    wrap: Callable[[type], type] | None = None,
):
    """Build a scene in this process with animations skipped; returns the finished scene
    (``steps``, ``captured_frame`` for ``capture_step``, ``renderer.get_frame()``).
    ``wrap`` may subclass the configured scene class (e.g. to act at every step's end)."""
    width, height, fps = (256, 144, 5) if quality == "tiny" else frame_size(quality)
    _import_manim()
    cls = info.cls
    with tempfile.TemporaryDirectory(prefix="rnn-slides-") as media:
        settings = {
            "pixel_width": width,
            "pixel_height": height,
            "frame_rate": fps,
            "media_dir": media,
            "write_to_movie": False,
            "save_last_frame": False,
            "progress_bar": "none",
            "verbosity": "ERROR",
            "disable_caching": True,
        }
        with manim_config(settings):
            configured = cls.configured(scene_config, capture_step=capture_step, write_slides=False)
            if wrap is not None:
                configured = wrap(configured)
            # skip_animations must reach the constructor: manim resets the renderer's flag
            # to its construction value at every play.
            scene = configured(output_folder=Path(media) / SLIDES_DIR, skip_animations=True)
            scene.render()
            scene.renderer.update_frame(scene, ignore_skipping=True)
            return scene


def count_steps(info: SceneInfo, scene_config: Any, out: Path | None = None) -> int:
    """Number of click steps, cached by content hash in ``OUT/.cache/steps.json``."""
    digest = content_hash(info, scene_config, "steps", "-", False)
    out = out or Path("out")
    cache_path = out / ".cache" / "steps.json"
    cache = _read_steps_cache(cache_path)
    if digest in cache:
        return cache[digest]
    steps = len(construct(info, scene_config, "tiny").steps)  # steps never depend on size
    with contextlib.suppress(OSError):
        out.mkdir(parents=True, exist_ok=True)
        with locked(out):
            cache = _read_steps_cache(cache_path)
            cache[digest] = steps
            atomic_write_bytes(cache_path, json.dumps(cache).encode())
    return steps


def _read_steps_cache(path: Path) -> dict[str, int]:
    """The step-count cache; anything unreadable or of the wrong shape counts as empty
    (it is only a cache: it is rebuilt, never trusted)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        k: v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool) and v > 0
    }


# ---------------------------------------------------------------------------------------
# Decks


def deck_digest(
    out: Path, names: list[str], to: str, extra: list[str], quality: str = DEFAULT_QUALITY
) -> str:
    """What a deck is made of: each scene's slide data (which names its video files, whose
    names carry the scene's content hash), the format and the conversion options."""
    h = hashlib.sha256(json.dumps([names, to, extra]).encode())
    h.update(_version("manim-slides").encode())
    for name in names:
        path = out / slides_dir(quality) / f"{name}.json"
        h.update(path.read_bytes() if path.exists() else b"missing")
    return h.hexdigest()


def read_slide_rests(out: Path, names: Sequence[str], quality: str) -> list[Path | None] | None:
    """The resting frame of every slide of the scenes ``names`` (manim-slides' class names)
    in deck order, as files under ``out`` (None for a slide without one); None when a
    scene has none recorded or one is missing (the deck then rests on the videos)."""
    rests: list[Path | None] = []
    for name in names:
        try:
            listed = json.loads((out / slides_dir(quality) / f"{name}{RESTS_SUFFIX}").read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(listed, list):
            return None
        for rel in listed:
            if rel is not None and not (isinstance(rel, str) and (out / rel).is_file()):
                return None
            rests.append(out / rel if rel else None)
    return rests


@contextlib.contextmanager
def _deck_workspace(out: Path, dest: Path) -> Iterator[Path]:
    """A temporary folder on the deck's filesystem: a run folder under ``out`` when the
    deck lands on the same filesystem (removed at the next start if this run dies),
    otherwise one beside the deck."""
    same_fs = False
    with contextlib.suppress(OSError):
        same_fs = out.stat().st_dev == dest.parent.stat().st_dev
    if same_fs:
        with run_folder(out) as folder:
            yield folder
    else:
        with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".deck-") as folder:
            yield Path(folder)


def build_deck(
    out: Path,
    names: list[str],
    dest: Path,
    to: str,
    extra: list[str],
    *,
    prepare: Callable[[], None] | None = None,
    finish: Callable[[Path], None] | None = None,
    finish_tag: str = "",
    quality: str = DEFAULT_QUALITY,
) -> bool:
    """Convert the scenes' slide data in ``OUT/slides`` into one deck file ``dest`` with
    manim-slides; False when the recorded deck is current and intact (nothing done).
    ``prepare`` runs first when a conversion is needed; ``finish`` edits the converted file
    before it is installed (``finish_tag`` names what it does, for the deck's hash)."""
    key = f"decks/{dest.resolve().as_posix()}"
    digest = deck_digest(out, names, to, [*extra, finish_tag], quality)
    entry = read_manifest(out)["outputs"].get(key)
    if entry and entry.get("hash") == digest:
        files = _entry_files(entry, dest, dest.parent)
        if files is not None and _intact(files):
            return False
    rule = functools.partial(  # checked again before the install: this run rendered files
        outputs.check_output, dest, suffixes=(dest.suffix,), writes="", out=out, own=key
    )
    rule()
    assets = dest.parent / f"{dest.stem}_assets"  # manim-slides' videos beside an HTML deck
    if to == "html" and "--one-file" not in extra and assets.exists():
        ours = entry and any(rel.startswith(f"{assets.name}/") for rel in entry.get("files", {}))
        if not ours:
            raise outputs.OutputError(
                f"{str(assets)!r} would be replaced by the deck's videos, and {out / MANIFEST} "
                "does not record it as this deck's: move it, or choose another deck name with -o"
            )
    if prepare is not None:
        prepare()
    with _deck_workspace(out, dest) as tmp:
        tmp_dest = tmp / dest.name
        cmd = [
            sys.executable,
            "-m",
            "manim_slides",
            "convert",
            *names,
            str(tmp_dest),
            "--folder",
            str(out / slides_dir(quality)),
            "--to",
            to,
            "-v",
            "error",
            *extra,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not tmp_dest.exists():
            text = proc.stderr or proc.stdout
            if "No space left on device" in text or "[Errno 28]" in text:
                raise OSError(errno.ENOSPC, "No space left on device", str(dest))
            last = text.strip().splitlines()
            raise EngineError(f"manim-slides convert failed: {last[-1] if last else 'no output'}")
        if finish is not None:
            finish(tmp_dest)
        rule()
        files: dict[str, dict] = {}
        assets = tmp / f"{dest.stem}_assets"
        if assets.exists():
            final_assets = dest.parent / assets.name
            if final_assets.exists():
                os.replace(final_assets, tmp / f"old-{uuid.uuid4().hex}")
            os.replace(assets, final_assets)
            for path in sorted(final_assets.rglob("*")):
                if path.is_file():
                    files[path.relative_to(dest.parent).as_posix()] = file_record(path)
        os.replace(tmp_dest, dest)
    record = {"hash": digest, "format": to, "scenes": names, **file_record(dest), "files": files}
    try:
        update_manifest(out, {key: record})
    except OSError as exc:  # the deck is written: say so, and exit 0
        _warn(
            f"{dest} is written, but {out / MANIFEST} could not record it ("
            f"{exc.strerror or exc}); the next run builds the deck again"
        )
    return True
