"""What ``--narration tts`` and ``render --join`` need from the build engine.

:mod:`slidebuild.narration` and :mod:`slidebuild.captions` work on audio, video and caption
files and know nothing of the engine (the engine calls them after each render). This module
sits above both: the speaker notes of each step, which the draft voice speaks (building a
scene for them takes seconds, so they are cached by content hash), and one video per
lecture, recorded in the output folder's manifest like every other output.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from slidebuild import engine
from slidebuild.narration import join_videos

__all__ = ["step_notes", "join_lecture"]


def step_notes(info: Any, scene_config: Any, out: Path) -> list[str]:
    """The speaker notes of a scene's steps, cached by content hash in
    ``OUT/.cache/notes.json`` (building a scene for them takes seconds)."""
    digest = engine.content_hash(info, scene_config, "notes", "-", False)
    path = out / ".cache" / "notes.json"
    try:
        cache = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    notes = cache.get(digest) if isinstance(cache, dict) else None
    if isinstance(notes, list) and all(isinstance(n, str) for n in notes):
        return notes
    notes = [r.notes for r in engine.construct(info, scene_config, "tiny").steps]
    with contextlib.suppress(OSError):
        out.mkdir(parents=True, exist_ok=True)
        with engine.locked(out):
            try:
                cache = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                cache = {}
            cache = cache if isinstance(cache, dict) else {}
            cache[digest] = notes
            engine.atomic_write_bytes(path, json.dumps(cache).encode())
    return notes


def join_lecture(
    out: Path, infos: Sequence[Any], lecture: int, fmt: str, quality: str
) -> tuple[Path, float, bool]:
    """``OUT/lecture<N>.<fmt>`` (other qualities: ``lecture<N>-<height>p<fps>.<fmt>``): the
    lecture's rendered scenes in order, with sound and captions. Returns the path, its
    length in seconds, and whether it was written (False: the recorded one is current)."""
    suffix = "" if quality == engine.DEFAULT_QUALITY else f"-{engine.quality_tag(quality)}"
    dest = out / f"lecture{lecture}{suffix}.{fmt}"
    keys = [engine.output_key(info, fmt, quality) for info in infos]
    outputs = engine.read_manifest(out)["outputs"]
    parts = [[k, outputs.get(k, {}).get("sha256"), outputs.get(k, {}).get("files")] for k in keys]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    key = dest.name
    entry = outputs.get(key)
    if entry and entry.get("hash") == digest:
        files = engine._entry_files(entry, dest, out)
        if files is not None and engine._intact(files):
            return dest, float(entry.get("duration", 0.0)), False
    seconds, _cues = join_videos([out / k for k in keys], dest)
    files = {
        p.name: engine.file_record(p) for p in (dest.with_suffix(".vtt"), dest.with_suffix(".srt"))
    }
    engine.update_manifest(
        out,
        {
            key: {
                "hash": digest,
                "lecture": lecture,
                "scenes": [info.id for info in infos],
                "format": fmt,
                "quality": quality,
                "duration": round(seconds, 3),
                **engine.file_record(dest),
                "files": files,
            }
        },
    )
    return dest, seconds, True
