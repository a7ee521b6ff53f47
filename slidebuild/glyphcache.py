"""A cache of typeset glyphs shared by every render into the same output folder.

Typesetting a formula or a text in manim is: write an SVG (Typst or pango), parse it with
svgelements, turn every path into a mobject. Manim keeps the result in memory for the rest
of its process only, and each scene renders in a fresh process, so every scene typeset the
same digits, labels and equations again: with the copies, the larger part of building a
scene (measured with ``python -m cProfile`` on every deck scene: parsing and building glyph
mobjects about a quarter of the build at 480p, most of the typesetting). Here the result of
``SVGMobject.generate_mobject`` (the parts, their points and styles, everything the step
sets on the mobject) is stored in ``folder`` and loaded by later processes (a pickle load
is 10 to 30 times faster than the parse).

The key is everything that changes the glyphs: the bytes of the SVG (so the outlines of
the fonts it was set in, and the Typst or pango output), every attribute the mobject had
before the step (font size, colours, stroke widths, path settings...), its class, and the
manim, svgelements and numpy versions. A file holds the sha256 of its payload and is
checked on every load: a truncated or damaged file is never used (it is typeset again
and replaced). Files are written to a temporary name and renamed, so a killed writer
leaves no half file under a key. Deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import hashlib
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from manim import ManimColor, config
from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath
from manim.mobject.text import typst_mobject
from manim.utils.typst_file_writing import TYPST_COMPILATION_FONT_SIZE

__all__ = ["enable", "disable", "cache_key", "stats"]

FORMAT = b"rnn-slides glyphs 2\n"
_DIGEST = 32
_folder: Path | None = None
_original = SVGMobject.generate_mobject
_original_typst = typst_mobject.typst_to_svg_file
stats = {"hits": 0, "misses": 0, "damaged": 0}


@functools.cache
def _versions() -> str:
    import manim
    import svgelements

    svg = svgelements.SVGELEMENTS_VERSION
    return f"manim {manim.__version__}; svgelements {svg}; numpy {np.__version__}"


def _canonical(value: Any, depth: int = 0) -> str:
    """A text that is equal for equal values (no memory addresses for the types seen here;
    anything else falls back to ``repr``, which at worst makes a key that never hits)."""
    if depth > 6:
        return "<deep>"
    if isinstance(value, np.ndarray):
        return f"nd{value.dtype.str}{value.shape}:{hashlib.sha256(value.tobytes()).hexdigest()}"
    if isinstance(value, ManimColor):
        return "color:" + _canonical(value.to_rgba(), depth + 1)
    if isinstance(value, enum.Enum):
        return f"{type(value).__qualname__}.{value.name}"
    if isinstance(value, dict):
        items = sorted((repr(k), _canonical(v, depth + 1)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return f"{type(value).__name__}[" + ",".join(_canonical(v, depth + 1) for v in value) + "]"
    return f"{type(value).__qualname__}:{value!r}"


def cache_key(mob: SVGMobject, svg: bytes) -> str:
    """The key of ``mob``'s glyphs typeset from ``svg`` (its state before the step)."""
    h = hashlib.sha256(FORMAT + _versions().encode() + b"\0")
    h.update(".".join(f"{c.__module__}.{c.__qualname__}" for c in type(mob).__mro__).encode())
    for name in sorted(mob.__dict__):
        if name != "file_name":  # where the SVG sits differs between runs; its bytes count
            h.update(f"\0{name}={_canonical(mob.__dict__[name])}".encode())
    h.update(b"\0svg\0" + svg)
    return h.hexdigest()


# Cairo names the group of each surface it writes to an SVG ``surface<N>``, N counting every
# surface the process has made: a text's SVG differs with what the process typeset before it
# (a render worker that renders several scenes, a test run). The name changes nothing
# drawn; manim keeps it only as a key of ``id_to_vgroup_dict``. The key hashes the SVG with
# these names replaced by ``surface#<k>`` (k: order of first use), and the stored
# ``id_to_vgroup_dict`` uses those names, turned back into the SVG's own on a hit.
_SURFACE = re.compile(rb"surface[0-9]+")
_CANONICAL_SURFACE = re.compile(r"surface#([0-9]+)")


def _surface_names(svg: bytes) -> list[bytes]:
    """The cairo surface names of ``svg`` in order of first use."""
    return list(dict.fromkeys(_SURFACE.findall(svg)))


def _canonical_svg(svg: bytes, names: list[bytes]) -> bytes:
    index = {name: b"surface#%d" % k for k, name in enumerate(names)}
    return _SURFACE.sub(lambda m: index[m.group(0)], svg) if index else svg


def _renamed(groups: Any, rename: Any) -> Any:
    """``id_to_vgroup_dict`` with its keys passed through ``rename``, in the same order."""
    if not isinstance(groups, dict):
        return groups
    return {rename(k) if isinstance(k, str) else k: v for k, v in groups.items()}


def _load_bytes(path: Path) -> bytes | None:
    """The payload of a cache file, or None when it is missing or fails its checksum."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(FORMAT)
    payload = data[head + _DIGEST :]
    if data[:head] != FORMAT or hashlib.sha256(payload).digest() != data[head : head + _DIGEST]:
        stats["damaged"] += 1
        return None
    return payload


def _load(path: Path) -> dict | None:
    payload = _load_bytes(path)
    if payload is None:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - an unreadable entry is typeset again, never used
        stats["damaged"] += 1
        return None


def _fits(state: dict, names: list[str]) -> bool:
    """Whether a stored state's surface names can be given the SVG's own names."""
    groups = state.get("id_to_vgroup_dict")
    if not isinstance(groups, dict):
        return True
    for name in groups:
        found = isinstance(name, str) and _CANONICAL_SURFACE.fullmatch(name)
        if found and int(found.group(1)) >= len(names):
            return False
    return True


def _store(path: Path, state: dict | bytes) -> None:
    payload = state if isinstance(state, bytes) else pickle.dumps(state, protocol=5)
    with contextlib.suppress(OSError):  # only a cache: a full disk must not stop a render
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(FORMAT + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _generate_cached(self: SVGMobject) -> SVGMobject:
    folder = _folder
    try:
        svg = Path(self.get_file_path()).read_bytes()
    except (OSError, ValueError):
        svg = None
    if folder is None or svg is None:
        return _original(self)
    names = [n.decode("ascii") for n in _surface_names(svg)]
    key = cache_key(self, _canonical_svg(svg, [n.encode("ascii") for n in names]))
    path = folder / key[:2] / f"{key}.glyphs"
    state = _load(path)
    if state is not None and not _fits(state, names):
        state = None
    if state is not None:
        stats["hits"] += 1
        file_name = self.__dict__.get("file_name")
        if names and "id_to_vgroup_dict" in state:

            def own(name: str) -> str:
                found = _CANONICAL_SURFACE.fullmatch(name)
                return names[int(found.group(1))] if found else name

            state["id_to_vgroup_dict"] = _renamed(state["id_to_vgroup_dict"], own)
        self.__dict__.update(state)
        if file_name is not None:
            self.file_name = file_name
        return self
    stats["misses"] += 1
    _original(self)
    state = dict(self.__dict__)
    state.pop("file_name", None)
    if names and "id_to_vgroup_dict" in state:
        canonical = {name: f"surface#{k}" for k, name in enumerate(names)}
        state["id_to_vgroup_dict"] = _renamed(
            state["id_to_vgroup_dict"], lambda name: canonical.get(name, name)
        )
    # The parsed svgelements path of each glyph is read once, by its constructor: not kept.
    saved = {}
    for part in self.get_family():
        if isinstance(part, VMobjectFromSVGPath) and part.__dict__.get("path_obj") is not None:
            saved[id(part)] = (part, part.path_obj)
            part.path_obj = None
    try:
        _store(path, state)
    finally:
        for part, path_obj in saved.values():
            part.path_obj = path_obj
    return self


_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "%WINDIR%/Fonts",
    "%LOCALAPPDATA%/Microsoft/Windows/Fonts",
)


@functools.cache
def _fonts_fingerprint(extra: tuple[str, ...] = ()) -> str:
    """Names, sizes and times of the font files Typst may read (its own are in its version)."""
    h = hashlib.sha256()
    for entry in (*_FONT_DIRS, *extra):
        root = Path(os.path.expandvars(os.path.expanduser(entry)))
        if not root.is_dir():
            continue
        for folder, _dirs, files in sorted(os.walk(root)):
            for name in sorted(files):
                with contextlib.suppress(OSError):
                    st = os.stat(os.path.join(folder, name))
                    h.update(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _typst_cached(
    typst_code: str,
    preamble: str = "",
    text_size: float = TYPST_COMPILATION_FONT_SIZE,
    font_paths: list | None = None,
) -> Path:
    """manim's ``typst_to_svg_file`` with the SVG kept in the shared folder, keyed on the
    Typst version, the whole source and the fonts it can use: a formula is compiled once."""
    folder = _folder
    if folder is None:
        return _original_typst(typst_code, preamble, text_size, font_paths)
    import typst

    fonts = tuple(str(p) for p in font_paths or ())
    version = getattr(typst, "__version__", "") or _dist_version("typst")
    key = hashlib.sha256(
        "\0".join(
            [
                "typst-svg 1",
                version,
                _canonical((typst_code, preamble, float(text_size), fonts)),
                _fonts_fingerprint(fonts),
            ]
        ).encode()
    ).hexdigest()
    path = folder / key[:2] / f"{key}.svg.cached"
    svg = _load_bytes(path)
    if svg is None:
        stats["misses"] += 1
        made = _original_typst(typst_code, preamble, text_size, font_paths)
        _store(path, made.read_bytes())
        return made
    stats["hits"] += 1
    target = config.get_dir("tex_dir") / f"cached-{key[:32]}.svg"
    if not target.exists() or target.read_bytes() != svg:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(svg)
    return target


@functools.cache
def _dist_version(name: str) -> str:
    import importlib.metadata

    return importlib.metadata.version(name)


def enable(folder: Path | str) -> None:
    """Use (and fill) the glyph cache in ``folder`` for every SVG mobject and Typst formula
    built from now on."""
    global _folder
    _folder = Path(folder)
    SVGMobject.generate_mobject = _generate_cached  # type: ignore[method-assign]
    typst_mobject.typst_to_svg_file = _typst_cached


def disable() -> None:
    global _folder
    _folder = None
    SVGMobject.generate_mobject = _original  # type: ignore[method-assign]
    typst_mobject.typst_to_svg_file = _original_typst
