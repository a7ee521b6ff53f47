"""The one rule for every file ``rnn-slides`` writes, and OS errors as one line.

Every command calls :func:`check_output` on each file it is about to write (``still -o``,
``deck -o``, ``weights import -o``, the figures and videos under an output folder) before
the work starts, so a refusal costs nothing and destroys nothing:

- the name's extension matches the format written (``--to pptx`` writes ``.pptx``); a
  mismatch is refused with the right name suggested;
- never over the tool's own files in an output folder (``manifest.json``, its lock, the
  step cache, run folders), over a file a manifest records as another output (a rendered
  video, the slide data decks are made of, another deck), or over an input of the same
  command (the weights file being imported, the config);
- a target that exists must be a writable file: a read-only one is refused, not replaced
  (the write itself still goes to a temporary file renamed into place), and a folder is
  named as one;
- the folder must take a new file (created when missing).

:func:`os_error_message` turns an ``OSError`` (a full disk, permission denied, a read-only
file system) into one line naming the path and what to do.

This module reads a manifest without the build engine (which imports this one); the engine
owns writing it. Names here must match :mod:`slidebuild.engine`'s (a test holds them so).

Example
-------
>>> check_output(Path("out/manifest.json"), suffixes=(".pdf",), writes="--to pdf writes .pdf files",
...              out=Path("out"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
slidebuild.outputs.OutputError: 'out/manifest.json' is the manifest of 'out' (rnn-slides' record ...
"""

from __future__ import annotations

import contextlib
import errno
import functools
import glob
import json
import os
import shutil
import stat
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

__all__ = [
    "OutputError",
    "check_output",
    "check_folder",
    "os_error_message",
    "atomic_target",
    "remove_stale_parts",
]

MANIFEST = "manifest.json"  # slidebuild.engine.MANIFEST
LOCK_NAME = ".rnn-slides.lock"  # slidebuild.engine.LOCK_NAME
INTERNAL = (MANIFEST, LOCK_NAME, ".cache/steps.json")  # under an output folder
INTERNAL_FOLDERS = (".tmp", ".cache")
DEFAULT_OUT = Path("out")
_MAX_MANIFEST_BYTES = 256 << 20  # a manifest bigger than this is not one this tool wrote
_LIMIT = 60  # characters of a path shown in a message


class OutputError(Exception):
    """A file the tool must not or cannot write; the CLI prints the message as one line."""


def _shown(path: Path | str) -> str:
    text = str(path)
    if len(text) > _LIMIT:
        text = "..." + text[-(_LIMIT - 3) :]
    return repr(text)


def _absolute(path: Path) -> Path:
    """The absolute, symlink-resolved path (of the folder when the file does not exist)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _key(path: Path) -> str:
    return os.path.normcase(str(path))


def _same_file(a: Path, b: Path) -> bool:
    if _key(_absolute(a)) == _key(_absolute(b)):
        return True
    try:
        return os.path.samefile(a, b)  # hard links, case-insensitive file systems
    except (OSError, ValueError):
        return False


# ---------------------------------------------------------------------------------------
# What a manifest protects


def _read_manifest(folder: Path) -> dict | None:
    """The outputs a manifest of this tool records, or None (no manifest, or not ours)."""
    path = folder / MANIFEST
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_MANIFEST_BYTES:
        return None
    return _parsed_manifest(str(path), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=16)
def _parsed_manifest(path: str, _mtime_ns: int, _size: int) -> dict | None:
    """A manifest's outputs, parsed once per version of the file (``figures`` checks
    dozens of targets against the same manifest)."""
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        return None
    return data["outputs"]


def _describe(key: str, entry: object, rel: str | None) -> str:
    """What a manifest entry (or one of its files ``rel``) is, for a message."""
    entry = entry if isinstance(entry, dict) else {}
    if key.startswith("decks/"):
        fmt = str(entry.get("format", "")).upper()
        if rel is None:
            return f"the {fmt} deck rnn-slides built".replace("  ", " ")
        return "part of a deck rnn-slides built"
    scene = entry.get("scene", "a scene")
    if rel is None:
        return f"the rendered video of {scene}"
    return f"slide data of {scene} that decks are built from"


def _tracked(folder: Path, outputs: dict, target: Path) -> tuple[str, str] | None:
    """``(key, description)`` when ``target`` is a file the manifest of ``folder`` records."""
    wanted = _key(target)
    root = _absolute(folder)
    try:
        rel = target.relative_to(root).as_posix()
    except ValueError:
        rel = None
    for key, entry in outputs.items():
        if not isinstance(key, str):
            continue
        files = entry.get("files", {}) if isinstance(entry, dict) else {}
        files = files if isinstance(files, dict) else {}
        if key.startswith("decks/"):
            deck = Path(key[len("decks/") :])
            if _key(deck) == wanted:
                return key, _describe(key, entry, None)
            for name in files:
                if _key(deck.parent / name) == wanted:
                    return key, _describe(key, entry, name)
            continue
        if rel is None:
            continue
        if _key(Path(key)) == _key(Path(rel)):
            return key, _describe(key, entry, None)
        for name in files:
            if _key(Path(name)) == _key(Path(rel)):
                return key, _describe(key, entry, name)
    return None


def _internal(folder: Path, target: Path) -> bool:
    try:
        rel = target.relative_to(_absolute(folder))
    except ValueError:
        return False
    return rel.as_posix() in INTERNAL or (len(rel.parts) > 1 and rel.parts[0] in INTERNAL_FOLDERS)


def _manifest_folders(target: Path, out: Path | None) -> list[tuple[Path, dict | None]]:
    """The output folders whose files ``target`` could hit: the command's own (even before
    its manifest exists), the default ``out``, and every folder above ``target`` that holds
    a manifest of this tool."""
    found: list[tuple[Path, dict | None]] = []
    seen: set[str] = set()
    candidates = [p for p in (out, DEFAULT_OUT) if p is not None] + list(target.parents)
    # (target is absolute: its parents are every folder above it)
    for folder in candidates:
        absolute = _absolute(folder)
        if _key(absolute) in seen:
            continue
        seen.add(_key(absolute))
        outputs = _read_manifest(absolute)
        if outputs is not None or (out is not None and folder is out):
            found.append((folder, outputs))
    return found


# ---------------------------------------------------------------------------------------
# The rule


def check_folder(folder: Path, option: str = "-o") -> None:
    """Create ``folder`` if needed and prove a new file can be written there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(
            f"output folder {_shown(folder)} is not writable ({exc.strerror}); "
            f"choose another with {option}"
        ) from None


def check_output(
    path: Path,
    *,
    suffixes: Sequence[str],
    writes: str,
    out: Path | None = None,
    own: str | None = None,
    inputs: Iterable[Path | str | None] = (),
    option: str = "-o",
    instead: Path | None = None,
    fix: str | None = None,
) -> None:
    """Refuse (:class:`OutputError`, one line) to write ``path`` unless the one rule holds.

    ``suffixes``: the extensions the format may have (the first is suggested), ``writes``
    says so ("--to pptx writes .pptx files"). ``out``: the command's output folder, whose
    manifest is protected even before it exists. ``own``: the manifest key this file is
    recorded under (a deck may replace its own earlier build, never another output).
    ``inputs``: files the same command reads. ``option`` names the option that chose the
    path and ``instead`` a good name to suggest (e.g. the command's default); ``fix``
    replaces the advice for files the tool names itself ("write into another folder")."""
    shown = _shown(path)
    if fix is None:
        fix = f"choose another file with {option}"
        fix += f", e.g. {_shown(instead)}" if instead else ""
    target = _absolute(path)
    if path.is_dir():
        raise OutputError(f"{shown} is a folder, not a file; name the file to write with {option}")
    for folder, outputs in _manifest_folders(target, out):
        if _internal(folder, target):
            what = (
                "(rnn-slides' record of every output and its checksums)"
                if target.name == MANIFEST
                else "(a working file of rnn-slides)"
            )
            kind = "the manifest" if target.name == MANIFEST else "part"
            raise OutputError(f"{shown} is {kind} of {_shown(folder)} {what}; {fix}")
        found = _tracked(folder, outputs or {}, target)
        if found is not None and found[0] != own:
            where = _shown(Path(folder) / MANIFEST)
            raise OutputError(f"{shown} is {found[1]} ({where} tracks it); {fix}")
    sources = [Path(p) for p in inputs if p is not None]
    for source in sources:
        if _same_file(source, path):
            raise OutputError(f"{shown} is an input of this command; it would be lost: {fix}")
    if path.suffix.lower() not in [s.lower() for s in suffixes]:
        suggested = path.with_suffix(suffixes[0])
        if any(_same_file(source, suggested) for source in sources):
            suggested = path.with_name(f"{path.stem}-out{suffixes[0]}")
        raise OutputError(f"{writes}; name the output {_shown(suggested)}, not {_shown(path.name)}")
    if path.exists() and not _writable_file(path):
        raise OutputError(f"{shown} is read-only and was left untouched; make it writable or {fix}")
    check_folder(path.parent if str(path.parent) else Path("."), option)


def _writable_file(path: Path) -> bool:
    """A file the user lets be written: write permission bits set (even the superuser, for
    whom ``os.access`` always says yes, respects a 0444 file) and ``os.access`` agrees."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return True  # gone meanwhile: nothing to protect
    return bool(mode & stat.S_IWUSR) and os.access(path, os.W_OK)


# ---------------------------------------------------------------------------------------
# OS errors as one line


def os_error_message(exc: OSError, path: Path | str | None = None) -> str:
    """One line naming the path and what to do, for an OSError from reading or writing."""
    where = path if path is not None else exc.filename
    shown = _shown(where) if where not in (None, "") else "a file"
    elsewhere = "write elsewhere (-o / --out)"
    code = exc.errno
    if code == errno.ENOSPC:
        return f"no space left on the disk holding {shown}; free some space or {elsewhere}"
    if code == getattr(errno, "EDQUOT", -1):
        return f"disk quota exceeded writing {shown}; free some space or {elsewhere}"
    if code == errno.EROFS:
        return f"{shown} is on a read-only file system; {elsewhere}"
    if code in (errno.EACCES, errno.EPERM):
        return f"permission denied for {shown}; check the permissions there or {elsewhere}"
    if code == errno.EISDIR:
        return f"{shown} is a folder, not a file; name a file"
    if code == errno.ENOTDIR:
        return f"part of the path {shown} is a file, not a folder; choose another path"
    if code == errno.ENAMETOOLONG:
        return f"the name {shown} is too long for the file system; choose a shorter one"
    if code == errno.ENOENT:
        return f"{shown} does not exist"
    reason = exc.strerror or (str(exc).splitlines() or [type(exc).__name__])[0]
    if where not in (None, "") and _disk_full(Path(where)):  # e.g. cairo's "error while
        # writing to output stream" carries no errno
        return f"{reason} for {shown}: its disk is full; free some space or {elsewhere}"
    return f"{reason}: {shown}"


def _disk_full(path: Path) -> bool:
    """Less than 1 MiB free on the disk of ``path`` (or of the nearest folder above it)."""
    for folder in [path, *path.parents]:
        try:
            return shutil.disk_usage(folder).free < (1 << 20)
        except OSError:
            continue
    return False


# Atomic writes (every output is written beside its target, then renamed into place)

# A writer's temporary file is written to as it goes; one untouched this long belongs to a
# writer that was killed (an offline deck's can be a hundred megabytes).
STALE_PART_SECONDS = 3600.0


def remove_stale_parts(path: Path, *, now: float | None = None) -> int:
    """Remove ``.<name>.*.part`` files beside ``path`` untouched for
    :data:`STALE_PART_SECONDS`; returns how many went. A live writer's file is recent."""
    now = time.time() if now is None else now
    removed = 0
    for part in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        with contextlib.suppress(OSError):
            if now - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()
                removed += 1
    return removed


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write; it replaces ``path`` only when the block
    succeeds, and is removed otherwise (the old file stays). Temporary files of ``path``
    that a killed writer left behind (untouched for :data:`STALE_PART_SECONDS`) go first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would surprise a web server
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename in (None, tmp, str(tmp)):
            # a full disk or a denied rename is about ``path``, not the temporary name
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
        raise
