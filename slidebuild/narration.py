"""Narration: a voice for every click step, and videos that carry it.

Two sources, chosen with ``--narration`` on ``render`` and ``deck``:

- a folder of the lecturer's recordings, ``DIR/<scene-id>/<step>.<wav|mp3|m4a|ogg>``, steps
  counted from 1 as ``still --step`` counts them; ``DIR/<scene-id>/<step>.txt`` replaces the
  step's caption when the lecturer said something else than the notes. A step without a
  recording is silent. :func:`from_folder` refuses, with one line naming the file, a
  recording for a step the scene does not have, an audio file that is empty or cannot be
  decoded, and a folder with no recordings for the scenes chosen;
- ``tts``: each step's speaker notes spoken by the system's offline text-to-speech engine
  through ``pyttsx3`` (eSpeak NG on Linux, NSSpeechSynthesizer on macOS, SAPI5 on Windows).
  It is a draft voice, to time a lecture and hear it before recording; nothing goes to the
  network. Spoken files are kept in ``OUT/.cache/tts/`` by text and voice.

Either way each scene gets a :class:`SceneNarration`: per step an audio file and its length.
The render holds each step's last frame until its narration has finished plus :data:`PAUSE`
(``LectureSlide.narration_hold``), then :func:`finish_render` muxes the audio into the step
videos the decks play and into the scene's video, with the captions as a subtitle stream
(:mod:`slidebuild.captions`). The narration's digest is part of the scene's content hash: a
new recording re-renders its scene only. :func:`join_videos` makes one video of a lecture.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from slidebuild import captions as captions_mod
from slidebuild.captions import Cue

__all__ = [
    "AUDIO_EXTS",
    "PAUSE",
    "RATE",
    "NarrationError",
    "StepAudio",
    "SceneNarration",
    "from_folder",
    "from_tts",
    "tts_problem",
    "tts_voices",
    "audio_seconds",
    "decode_audio",
    "finish_render",
    "join_videos",
    "write_video",
]

AUDIO_EXTS = ("wav", "mp3", "m4a", "ogg")
# Audio a lecturer may have that is not one of the four: refused with the fix, not ignored.
OTHER_AUDIO_EXTS = ("flac", "aif", "aiff", "aac", "opus", "wma", "webm", "mp4", "caf")
PAUSE = 0.6  # seconds of stillness after a step's narration before the next click
RATE = 48_000  # samples per second of every audio track written (Opus needs 48 kHz)
DRAFT_TITLE = "Draft narration (text-to-speech)"


class NarrationError(Exception):
    """A narration input the user can fix; printed as one line."""


@dataclass(frozen=True)
class StepAudio:
    """One step's narration: the audio file, its length in seconds, its sha256, and the
    caption text when it is not the step's notes."""

    path: str
    seconds: float
    sha256: str
    caption: str | None = None


@dataclass(frozen=True)
class SceneNarration:
    """A scene's narration: step number (from 1) -> audio; ``captions`` are caption texts
    of steps without audio (``<step>.txt`` beside no recording); ``draft`` marks TTS."""

    steps: dict[int, StepAudio] = field(default_factory=dict)
    captions: dict[int, str] = field(default_factory=dict)
    draft: bool = False

    def digest(self) -> str:
        """What the narration adds to a scene's content hash."""
        data = {
            "steps": {
                str(k): [a.sha256, round(a.seconds, 4), a.caption] for k, a in self.steps.items()
            },
            "captions": {str(k): v for k, v in self.captions.items()},
            "draft": self.draft,
            "pause": PAUSE,
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def hold(self) -> tuple[float, ...]:
        """Seconds each step must last at least (narration + pause; 0 for a silent step)."""
        last = max([*self.steps, 0])
        return tuple(
            self.steps[k].seconds + PAUSE if k in self.steps else 0.0 for k in range(1, last + 1)
        )

    def caption(self, step: int, notes: str) -> str:
        audio = self.steps.get(step)
        if audio is not None and audio.caption is not None:
            return audio.caption
        return self.captions.get(step, notes)

    def to_json(self) -> dict:
        return {
            "steps": {str(k): vars(a) for k, a in self.steps.items()},
            "captions": {str(k): v for k, v in self.captions.items()},
            "draft": self.draft,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> SceneNarration:
        data = data or {}
        return cls(
            steps={int(k): StepAudio(**v) for k, v in data.get("steps", {}).items()},
            captions={int(k): v for k, v in data.get("captions", {}).items()},
            draft=bool(data.get("draft", False)),
        )


# ---------------------------------------------------------------------------------------
# Audio in


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def decode_audio(path: Path, rate: int = RATE) -> np.ndarray:
    """The audio of ``path`` as mono float32 samples at ``rate``; NarrationError (naming
    the file) when it is empty, not audio, or holds no sound at all."""
    import av

    if path.stat().st_size == 0:
        raise NarrationError(
            f"{path} is empty; record it again or delete it (the step is then silent)"
        )
    chunks: list[np.ndarray] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise NarrationError(
                    f"{path} has no audio stream; export it as wav, mp3, m4a or ogg"
                )
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except NarrationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure is the file's problem
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NarrationError(
            f"{path} is not readable audio ({reason}); export it again as wav, mp3, m4a or ogg"
        ) from None
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if len(samples) == 0:
        raise NarrationError(f"{path} holds no sound (0 samples); record it again or delete it")
    return samples.astype(np.float32, copy=False)


def audio_seconds(path: Path) -> float:
    """Length of an audio file in seconds, from its decoded samples."""
    return len(decode_audio(path)) / RATE


# ---------------------------------------------------------------------------------------
# Sources


def _step_number(stem: str) -> int | None:
    return int(stem) if stem.isdigit() and not stem.startswith("0") else None


def from_folder(
    folder: Path,
    infos: Sequence[Any],
    count_steps: Callable[[Any], int],
    known_ids: Iterable[str] = (),
) -> dict[str, SceneNarration]:
    """The lecturer's recordings for the scenes ``infos`` (scene id -> narration; scenes
    without recordings are left out). ``count_steps(info)`` gives a scene's step count
    (asked only for scenes that have a folder); ``known_ids`` are every scene id there is
    (a folder named after none of them is refused: a typo would leave a scene silent)."""
    if not folder.is_dir():
        what = "a file" if folder.exists() else "no such folder"
        raise NarrationError(
            f"--narration {folder}: {what}; give a folder of recordings "
            "(DIR/<scene-id>/<step>.wav) or 'tts'"
        )
    chosen = {info.id: info for info in infos}
    known = set(known_ids) | set(chosen)
    found: dict[str, SceneNarration] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file():
            if entry.suffix.lower().lstrip(".") in AUDIO_EXTS + OTHER_AUDIO_EXTS:
                raise NarrationError(
                    f"{entry}: recordings go in a folder per scene, "
                    f"{folder}/<scene-id>/<step>{entry.suffix}"
                )
            continue
        if entry.name not in known:
            raise NarrationError(
                f"{entry}: no scene has the id {entry.name!r}; name each folder after a "
                "scene id (see `rnn-slides list`)"
            )
        if entry.name in chosen:
            narration = _scene_folder(entry, lambda e=entry: count_steps(chosen[e.name]))
            if narration.steps:
                found[entry.name] = narration
    if not found:
        names = ", ".join(list(chosen)[:4]) + (", ..." if len(chosen) > 4 else "")
        raise NarrationError(
            f"{folder} has no recordings for the scenes chosen ({names}); "
            f"put them in {folder}/<scene-id>/<step>.wav (mp3, m4a, ogg)"
        )
    return found


def _scene_folder(folder: Path, count: Callable[[], int]) -> SceneNarration:
    audio: dict[int, Path] = {}
    texts: dict[int, Path] = {}
    steps: int | None = None
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        ext = path.suffix.lower().lstrip(".")
        if ext not in AUDIO_EXTS + OTHER_AUDIO_EXTS + ("txt",):
            continue  # a lecturer's other files (project files, notes) are no business of ours
        if ext in OTHER_AUDIO_EXTS:
            raise NarrationError(
                f"{path}: .{ext} is not read; export the recording as wav, mp3, m4a or ogg"
            )
        number = _step_number(path.stem)
        if number is None:
            raise NarrationError(
                f"{path}: name each file by its step number, from 1 (1.wav, 2.wav, ... 1.txt)"
            )
        if steps is None:
            steps = count()
        if number > steps:
            raise NarrationError(
                f"{path}: scene {folder.name!r} has {steps} step{'s' * (steps != 1)}, "
                f"so no step {number}; number recordings 1..{steps} as `still --step` counts"
            )
        bucket = texts if ext == "txt" else audio
        if number in bucket:
            raise NarrationError(
                f"{path}: step {number} already has {bucket[number]}; keep one of them"
            )
        bucket[number] = path
    captions: dict[int, str] = {}
    for number, path in texts.items():
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise NarrationError(
                f"{path} cannot be read ({reason}); save it as UTF-8 text"
            ) from None
        if not text:
            raise NarrationError(f"{path} is empty; write the step's caption or delete the file")
        captions[number] = text
    steps_audio = {
        number: StepAudio(
            path=str(path.resolve()),
            seconds=audio_seconds(path),
            sha256=_sha256(path),
            caption=captions.pop(number, None),
        )
        for number, path in sorted(audio.items())
    }
    return SceneNarration(steps=steps_audio, captions=captions)


# Text to speech ---------------------------------------------------------------------------
#
# Linux: the eSpeak NG program (`make tts` installs it with apt). pyttsx3 drives eSpeak NG
# through its library too, but returns before a long, many-sentence text is written; the
# program writes the file before it exits. macOS and Windows: pyttsx3, with the system's
# own voices (NSSpeechSynthesizer, SAPI5).

WORDS_PER_MINUTE = 165  # a lecturer's pace, not a newsreader's


class _Espeak:
    """The ``espeak-ng`` (or ``espeak``) program."""

    def __init__(self, program: str):
        self.program = program
        version = subprocess.run(
            [program, "--version"], capture_output=True, text=True, timeout=30
        ).stdout
        self.tag = " ".join(version.split()[:5])

    def voices(self) -> list[tuple[str, str]]:
        listing = subprocess.run(
            [self.program, "--voices"], capture_output=True, text=True, timeout=30
        ).stdout.splitlines()[1:]
        found = []
        for line in listing:
            cols = line.split()
            # Pty Language Age/Gender VoiceName File [Other languages]; mbrola voices need
            # a program and data this project does not install
            if len(cols) >= 5 and not cols[4].startswith("mb/"):
                found.append((cols[4], cols[3].replace("_", " ")))
        return found

    def default_voice(self) -> str:
        return "gmw/en-US"

    def speak(self, text: str, voice: str, path: Path) -> None:
        subprocess.run(
            [self.program, "-v", voice, "-s", str(WORDS_PER_MINUTE), "-w", str(path)],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=600,
            check=False,
        )


class _Pyttsx3:
    """pyttsx3 and the system's voices (macOS, Windows)."""

    def __init__(self):
        try:
            import pyttsx3
        except ImportError:
            raise NarrationError(
                "--narration tts needs pyttsx3: run `make setup` (or pip install pyttsx3)"
            ) from None
        try:
            with _quiet():
                self.engine = pyttsx3.init()
        except Exception as exc:  # noqa: BLE001 - a missing system engine shows up as anything
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise NarrationError(
                f"--narration tts found no speech engine ({reason}); on Linux run `make tts` "
                "(apt-get install espeak-ng)"
            ) from None
        driver = type(self.engine.proxy._driver).__module__
        self.tag = f"pyttsx3 {getattr(pyttsx3, '__version__', '')} {driver}"

    def voices(self) -> list[tuple[str, str]]:
        return [(str(v.id), str(v.name)) for v in self.engine.getProperty("voices")]

    def default_voice(self) -> str:
        return str(self.engine.getProperty("voice") or "")

    def speak(self, text: str, voice: str, path: Path) -> None:
        if voice:
            self.engine.setProperty("voice", voice)
        self.engine.setProperty("rate", WORDS_PER_MINUTE)
        with _quiet():
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pyttsx3 prints "Audio saved to ..." for every file; keep the CLI's output clean."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def _speaker() -> _Espeak | _Pyttsx3:
    if sys.platform.startswith("linux"):
        program = shutil.which("espeak-ng") or shutil.which("espeak")
        if program is None:
            raise NarrationError(
                "--narration tts needs eSpeak NG on Linux: run `make tts` "
                "(or apt-get install espeak-ng)"
            )
        return _Espeak(program)
    return _Pyttsx3()


def tts_problem() -> str | None:
    """Why ``--narration tts`` cannot speak here (one line with the fix), or None."""
    try:
        _speaker()
    except NarrationError as exc:
        return str(exc)
    return None


def tts_voices() -> list[tuple[str, str]]:
    """(id, name) of every voice the system's engine offers."""
    return _speaker().voices()


def _pick_voice(speaker: Any, voice: str | None) -> str:
    voices = speaker.voices()
    if voice is None:
        return speaker.default_voice()
    wanted = voice.lower()
    for vid, name in voices:
        if wanted in (vid.lower(), name.lower()):
            return vid
    partial = [(vid, name) for vid, name in voices if wanted in f"{vid} {name}".lower()]
    if len(partial) == 1:
        return partial[0][0]
    sample = ", ".join(name for _, name in (partial or voices)[:5])
    raise NarrationError(
        f"--voice {voice!r} matches {len(partial) or 'no'} voices of this system "
        f"(e.g. {sample}); pick one from `rnn-slides voices`"
    )


def from_tts(
    notes: dict[str, list[str]], cache: Path, voice: str | None = None
) -> dict[str, SceneNarration]:
    """Speak every step's notes (scene id -> the notes of steps 1..N) with the system's
    offline voice; files are cached in ``cache`` by engine, voice and text."""
    speaker = _speaker()
    voice_id = _pick_voice(speaker, voice)
    cache.mkdir(parents=True, exist_ok=True)
    result: dict[str, SceneNarration] = {}
    for scene_id, texts in notes.items():
        steps: dict[int, StepAudio] = {}
        for number, text in enumerate(texts, 1):
            spoken = " ".join(text.split())
            if not spoken:
                continue
            key = hashlib.sha256(
                json.dumps([speaker.tag, voice_id, WORDS_PER_MINUTE, spoken]).encode()
            ).hexdigest()[:24]
            path = cache / f"{key}.wav"
            if not path.is_file() or path.stat().st_size == 0:
                part = cache / f".{key}.{os.getpid()}.wav"
                speaker.speak(spoken, voice_id, part)
                if not part.is_file() or part.stat().st_size <= 44:  # a bare wav header
                    with contextlib.suppress(OSError):
                        part.unlink()
                    raise NarrationError(
                        f"the speech engine ({speaker.tag}) wrote nothing for step {number} "
                        f"of {scene_id!r}; try another --voice (see `rnn-slides voices`)"
                    )
                os.replace(part, path)
            steps[number] = StepAudio(
                path=str(path.resolve()), seconds=audio_seconds(path), sha256=_sha256(path)
            )
        if steps:
            result[scene_id] = SceneNarration(steps=steps, draft=True)
    return result


# ---------------------------------------------------------------------------------------
# Audio out: muxing into the videos manim wrote


class AudioTrack:
    """A sparse mono track: (start sample, samples) segments over ``length`` samples."""

    def __init__(self, length: int, segments: Iterable[tuple[int, np.ndarray]] = ()):
        self.length = length
        self.segments = sorted(((int(s), a) for s, a in segments), key=lambda x: x[0])

    def chunk(self, start: int, n: int) -> np.ndarray:
        out = np.zeros(n, np.float32)
        for s, a in self.segments:
            lo, hi = max(start, s), min(start + n, s + len(a), self.length)
            if lo < hi:
                out[lo - start : hi - start] += a[lo - s : hi - s]
        return out


def _container_format(path: Path) -> str:
    return {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}[path.suffix.lower()]


def _audio_codec(fmt: str) -> str:
    return "libopus" if fmt == "webm" else "aac"


def _audio_packets(container: Any, track: AudioTrack, fmt: str) -> tuple[Any, Iterator]:
    import av

    stream = container.add_stream(_audio_codec(fmt), rate=RATE)
    stream.layout = "mono"
    stream.bit_rate = 96_000

    def packets() -> Iterator:
        size = stream.codec_context.frame_size or 1024
        for start in range(0, track.length, size):
            n = min(size, track.length - start)
            frame = av.AudioFrame.from_ndarray(
                np.clip(track.chunk(start, n), -1, 1)[None, :], format="flt", layout="mono"
            )
            frame.sample_rate = RATE
            frame.pts = start
            frame.time_base = Fraction(1, RATE)
            yield from stream.encode(frame)
        yield from stream.encode(None)

    return stream, packets()


def _packet_seconds(packet: Any) -> float:
    return float(packet.pts * packet.time_base) if packet.pts is not None else 0.0


def write_video(
    sources: Sequence[Path],
    dest: Path,
    *,
    audio: AudioTrack | None,
    cues: Sequence[Cue] = (),
    draft: bool = False,
) -> None:
    """``dest``: the video streams of ``sources`` one after another (packets copied, never
    re-encoded), with ``audio`` and ``cues`` as a subtitle stream (mp4, mov, webm)."""
    import av

    fmt = _container_format(dest)
    options = {"movflags": "+faststart"} if fmt in ("mp4", "mov") else {}
    inputs = [av.open(str(s)) for s in sources]
    try:
        template = inputs[0].streams.video[0]
        with av.open(str(dest), "w", format=fmt, options=options) as out:
            video = out.add_stream_from_template(template)
            if template.metadata.get("alpha_mode"):  # a transparent VP9 overlay stays one:
                # set on the file, the muxer writes the track's AlphaMode element (browsers
                # read it); on the stream it would add a tag beside it of the same name
                out.metadata["alpha_mode"] = template.metadata["alpha_mode"]
            audio_iter: Iterator = iter(())
            if audio is not None:
                audio_stream, audio_iter = _audio_packets(out, audio, fmt)
                if draft:
                    audio_stream.metadata["title"] = DRAFT_TITLE
            subs = captions_mod.add_subtitle_stream(out, fmt) if cues else None
            sub_iter = captions_mod.subtitle_packets(subs, cues) if subs is not None else iter(())
            comment = inputs[0].metadata.get("comment")  # "Rendered with Manim Community ..."
            if draft or comment:
                out.metadata["comment"] = DRAFT_TITLE if draft else comment

            def video_packets() -> Iterator:
                offset = 0  # in the template's time base
                for container in inputs:
                    stream = container.streams.video[0]
                    scale = Fraction(stream.time_base) / Fraction(template.time_base)
                    end = offset
                    for packet in container.demux(stream):
                        if packet.dts is None:
                            continue
                        pts, dts = packet.pts, packet.dts
                        packet.pts = offset + round(pts * scale)
                        packet.dts = offset + round(dts * scale)
                        packet.time_base = template.time_base
                        length = round((packet.duration or 0) * scale)
                        end = max(end, packet.pts + length)
                        yield packet
                    offset = end

            merged = _interleave([(video_packets(), video), (audio_iter, None), (sub_iter, None)])
            for packet, stream in merged:
                if stream is not None:
                    packet.stream = stream
                out.mux(packet)
    finally:
        for container in inputs:
            container.close()


def _interleave(sources: list[tuple[Iterator, Any]]) -> Iterator[tuple[Any, Any]]:
    """Packets of several iterators in time order (each iterator is in time order)."""
    heads: list[list] = []
    for it, stream in sources:
        first = next(it, None)
        if first is not None:
            heads.append([first, it, stream])
    while heads:
        best = min(heads, key=lambda h: _packet_seconds(h[0]))
        yield best[0], best[2]
        nxt = next(best[1], None)
        if nxt is None:
            heads.remove(best)
        else:
            best[0] = nxt


def finish_render(
    *,
    movie: Path,
    fmt: str,
    fps: float,
    steps: Sequence[tuple[float, float, str]],
    narration: SceneNarration | None,
    slides_json: Path | None,
) -> dict:
    """After manim has written a scene: mux narration and captions into its video and its
    step videos. ``steps`` are each step's (start, end, notes), seconds into the video.
    Returns ``{"cues": [...], "slide_captions": [...], "slide_steps": [...]}`` (the step
    each slide of the deck ends, None for a slide played before the first step) for the
    install."""
    frames = [(round(s * fps), round(e * fps)) for s, e, _ in steps]
    narration = narration if narration is not None and narration.steps else None
    cues = []
    for k, ((a, b), (_s, _e, notes)) in enumerate(zip(frames, steps, strict=True), 1):
        text = narration.caption(k, notes) if narration is not None else notes
        cues.append(Cue(k, a / fps, b / fps, captions_mod.caption_text(text)))
    decoded = {
        k: decode_audio(Path(a.path)) for k, a in (narration.steps.items() if narration else ())
    }
    # Steps that drew frames are the slides manim-slides wrote, in order.
    shown = [k for k, (a, b) in enumerate(frames, 1) if b > a]
    slides: list[dict] = []
    lead = 0  # a slide of animations played before the first step (silent, no caption)
    if slides_json is not None and slides_json.exists():
        slides = json.loads(slides_json.read_text(encoding="utf-8"))["slides"]
        lead = len(slides) - len(shown)
        if lead not in (0, 1):
            if narration is not None:
                raise RuntimeError(
                    f"{slides_json.name}: {len(slides)} slides for {len(shown)} steps with frames"
                )
            slides, lead = [], -1  # slides that pair with no steps: the deck shows no captions
        slides = slides[max(lead, 0) :]
    slide_captions = [""] * lead + [cues[k - 1].text.replace("\n", " ") for k in shown]
    slide_steps: list[int | None] = [None] * lead + shown  # the step each slide ends
    if lead < 0:
        slide_captions, slide_steps = [], []
    result = {
        "cues": [vars(c) for c in cues],
        "slide_captions": slide_captions,
        "slide_steps": slide_steps,
    }
    if fmt == "gif":
        return result
    total = frames[-1][1] if frames else 0
    track = None
    if narration is not None:
        track = AudioTrack(
            round(total / fps * RATE),
            [(round(frames[k - 1][0] / fps * RATE), samples) for k, samples in decoded.items()],
        )
    draft = bool(narration and narration.draft)
    _rewrite(movie, lambda tmp: write_video([movie], tmp, audio=track, cues=cues, draft=draft))
    if narration is not None and slides:  # the step videos decks play (mp4 renders)
        for k, slide in zip(shown, slides, strict=True):
            a, b = frames[k - 1]
            samples = decoded.get(k)
            step_track = AudioTrack(
                round((b - a) / fps * RATE), [(0, samples)] if samples is not None else []
            )
            path = Path(slide["file"])
            if not path.is_absolute():
                path = slides_json.parent.parent / path
            _rewrite(
                path, lambda tmp, p=path, t=step_track: write_video([p], tmp, audio=t, draft=draft)
            )
    return result


def _rewrite(path: Path, write: Callable[[Path], None]) -> None:
    """``write`` a temporary file beside ``path`` (same suffix: the container is chosen by
    it), then rename it into place; ``path`` is untouched when writing fails."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.muxing{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def video_seconds(path: Path) -> float:
    """Length of a video's video stream: its last packet's end."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        end = 0
        for packet in container.demux(stream):
            if packet.pts is not None:
                end = max(end, packet.pts + (packet.duration or 0))
        return float(end * stream.time_base)


def join_videos(videos: Sequence[Path], dest: Path) -> tuple[float, list[Cue]]:
    """One video of ``videos`` in order (as rendered: same size, frame rate and codec), with
    their audio (silence where one has none) and their captions, read from the ``.vtt``
    beside each; ``dest`` and its ``.vtt``/``.srt`` are replaced atomically. Returns the
    length in seconds and the cues."""
    import av

    lengths = [video_seconds(v) for v in videos]
    starts = np.concatenate([[0.0], np.cumsum(lengths)])
    segments = []
    cues: list[Cue] = []
    has_audio = False
    draft = False
    for video, start in zip(videos, starts, strict=False):
        with av.open(str(video)) as container:
            audible = bool(container.streams.audio)
            draft |= container.metadata.get("comment") == DRAFT_TITLE
        if audible:
            has_audio = True
            segments.append((round(start * RATE), decode_audio(video)))
        vtt = video.with_suffix(".vtt")
        if vtt.exists():
            label = video.stem
            while any(c.scene == label for c in cues):  # WebVTT identifiers are unique
                label += "+"
            cues += captions_mod.shift(captions_mod.read_vtt(vtt), float(start), label)
    track = AudioTrack(round(float(starts[-1]) * RATE), segments) if has_audio else None
    dest.parent.mkdir(parents=True, exist_ok=True)
    _rewrite(dest, lambda tmp: write_video(videos, tmp, audio=track, cues=cues, draft=draft))
    captions_mod.write_files(dest, cues)
    return float(starts[-1]), cues
