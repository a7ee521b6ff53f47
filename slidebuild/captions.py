"""Captions: one cue per click step, as WebVTT and SRT files and as a subtitle stream.

A rendered scene knows when each of its click steps starts and ends in its video (the
scene records it, :class:`scenes.kit.base.StepRecord`) and what each step says (its speaker
notes, or the lecturer's own ``DIR/<scene-id>/<step>.txt``, see :mod:`slidebuild.narration`).
This module turns that into:

- ``<id>.vtt`` and ``<id>.srt`` beside the video, written with ``webvtt-py`` and ``srt``
  (WebVTT text is escaped, ``&``, ``<`` and ``>``, as the format asks; the libraries write
  the text as given);
- a subtitle stream inside mp4/mov (``mov_text``) and webm (``webvtt``), encoded by PyAV
  (:func:`subtitle_packets`), so players show the captions with no side file;
- the caption texts of a scene's slides, in slide order, for the HTML deck
  (``OUT/slides/<Class>.captions.json``).

Example
-------
>>> cues = [Cue(1, 0.0, 2.5, "The forget gate decides."), Cue(2, 2.5, 4.0, "Then the input gate.")]
>>> print(to_srt(cues).splitlines()[1])
00:00:00,000 --> 00:00:02,500
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

__all__ = [
    "Cue",
    "caption_text",
    "to_srt",
    "to_vtt",
    "read_vtt",
    "read_srt",
    "subtitle_codec",
    "subtitle_packets",
    "shift",
    "LINE_WIDTH",
]

LINE_WIDTH = 60  # characters per caption line (two short lines read better than one long)
SUBTITLE_CODECS = {"mp4": "mov_text", "mov": "mov_text", "webm": "webvtt"}

# The ASS header the subtitle encoders in FFmpeg expect (they convert from ASS events).
_ASS_HEADER = b"""[Script Info]
ScriptType: v4.00+
PlayResX: 384
PlayResY: 288

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, \
Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


@dataclass(frozen=True)
class Cue:
    """One click step's caption: its step number (1-based), start and end in seconds."""

    step: int
    start: float
    end: float
    text: str
    scene: str = ""  # set in a joined lecture's captions: which scene the step is in

    @property
    def identifier(self) -> str:
        return f"{self.scene}/step-{self.step}" if self.scene else f"step-{self.step}"


def caption_text(text: str) -> str:
    """A step's text as one caption: whitespace collapsed, lines of :data:`LINE_WIDTH`."""
    flat = " ".join(text.split())
    return "\n".join(textwrap.wrap(flat, LINE_WIDTH)) if flat else ""


def _timedelta(seconds: float) -> datetime.timedelta:
    return datetime.timedelta(milliseconds=round(seconds * 1000))


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _shown(cues: Sequence[Cue]) -> list[Cue]:
    """Cues a player can show: with text and some time on screen."""
    return [c for c in cues if c.text.strip() and round(c.end * 1000) > round(c.start * 1000)]


def to_srt(cues: Sequence[Cue]) -> str:
    """SubRip text, cue numbers from 1."""
    import srt

    subtitles = [
        srt.Subtitle(index=i, start=_timedelta(c.start), end=_timedelta(c.end), content=c.text)
        for i, c in enumerate(_shown(cues), 1)
    ]
    return srt.compose(subtitles, reindex=False) if subtitles else ""


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: Sequence[Cue]) -> str:
    """WebVTT text, each cue named ``step-<k>`` (players and the tests can tell which step)."""
    import webvtt

    captions = []
    for c in _shown(cues):
        caption = webvtt.Caption(_vtt_time(c.start), _vtt_time(c.end), _vtt_escape(c.text))
        caption.identifier = c.identifier
        captions.append(caption)
    return webvtt.WebVTT(captions=captions).content


def _seconds(stamp: str) -> float:
    h, m, s = stamp.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def read_vtt(path: Path) -> list[Cue]:
    """The cues of a WebVTT file this module wrote (step numbers from the identifiers)."""
    import webvtt

    cues = []
    for n, caption in enumerate(webvtt.from_buffer(io.StringIO(path.read_text("utf-8"))), 1):
        scene, _, ident = (caption.identifier or "").rpartition("/")
        step = int(ident[5:]) if ident.startswith("step-") and ident[5:].isdigit() else n
        text = caption.text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        cues.append(Cue(step, _seconds(caption.start), _seconds(caption.end), text, scene))
    return cues


def read_srt(path: Path) -> list[Cue]:
    import srt

    return [
        Cue(s.index, s.start.total_seconds(), s.end.total_seconds(), s.content)
        for s in srt.parse(path.read_text("utf-8"))
    ]


def shift(cues: Sequence[Cue], seconds: float, scene: str | None = None) -> list[Cue]:
    """``cues`` later by ``seconds`` (and said to be in ``scene``, for a joined video)."""
    return [
        Cue(c.step, c.start + seconds, c.end + seconds, c.text, c.scene if scene is None else scene)
        for c in cues
    ]


def write_files(video: Path, cues: Sequence[Cue]) -> list[Path]:
    """``<video stem>.vtt`` and ``.srt`` beside ``video``, each replaced atomically."""
    paths = []
    for suffix, text in ((".vtt", to_vtt(cues)), (".srt", to_srt(cues))):
        path = video.with_suffix(suffix)
        _atomic_write(path, text.encode("utf-8"))
        paths.append(path)
    return paths


def _atomic_write(path: Path, data: bytes) -> None:
    """Write a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def install(video: Path, result: dict, sidecar: Path | None) -> list[Path]:
    """Write a rendered scene's caption files (``result`` from
    :func:`slidebuild.narration.finish_render`): beside ``video``, and the slides'
    captions at ``sidecar`` (for decks); returns the paths written."""
    cues = [Cue(**c) for c in result["cues"]]
    paths = write_files(video, cues)
    if sidecar is not None:
        write_slide_captions(sidecar, result["slide_captions"])
        paths.append(sidecar)
    return paths


def write_slide_captions(path: Path, texts: Sequence[str]) -> None:
    """The caption of each slide of a scene, in slide order, for the HTML deck."""
    _atomic_write(path, json.dumps(list(texts), ensure_ascii=False, indent=1).encode())


def subtitle_codec(fmt: str) -> str | None:
    """The subtitle codec a container carries, or None (gif)."""
    return SUBTITLE_CODECS.get(fmt)


def add_subtitle_stream(container, fmt: str):
    """A subtitle stream on an output ``container`` (millisecond time base), or None."""
    codec = subtitle_codec(fmt)
    if codec is None:
        return None
    stream = container.add_stream(codec)
    stream.codec_context.subtitle_header = _ASS_HEADER
    stream.codec_context.time_base = Fraction(1, 1000)
    stream.time_base = Fraction(1, 1000)
    stream.metadata["language"] = "eng"
    stream.metadata["title"] = "Speaker notes"
    return stream


def subtitle_packets(stream, cues: Sequence[Cue]) -> Iterator:
    """Encoded packets of ``cues`` for ``stream`` (from :func:`add_subtitle_stream`)."""
    from av.subtitles.subtitle import SubtitleSet

    for c in _shown(cues):
        start, end = round(c.start * 1000), round(c.end * 1000)
        # The encoders read an ASS event line (ReadOrder, Layer, Style, Name, MarginL/R/V,
        # Effect, Text) in which a backslash starts markup: a caption's own backslashes
        # become U+2216, which looks the same. WebVTT's encoder passes &, <, > as they are.
        text = c.text.replace("\\", "\u2216")
        if stream.codec_context.name == "webvtt":
            text = _vtt_escape(text)
        line = "0,0,Default,,0,0,0,," + text.replace("\n", "\\N")
        packet = stream.codec_context.encode_subtitle(
            SubtitleSet.create(line.encode("utf-8"), 0, end - start, pts=start * 1000)
        )
        packet.stream = stream
        packet.time_base = Fraction(1, 1000)
        packet.pts = packet.dts = start
        packet.duration = end - start
        yield packet


def read_slide_captions(folder: Path, names: Sequence[str]) -> list[str] | None:
    """The captions of every slide of the scenes ``names`` (manim-slides' class names), in
    deck order, from ``folder`` (``OUT/slides``); None when a scene has none recorded."""
    texts: list[str] = []
    for name in names:
        try:
            data = json.loads((folder / f"{name}.captions.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, list) or not all(isinstance(t, str) for t in data):
            return None
        texts += data
    return texts
