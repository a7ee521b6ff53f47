"""Narration and captions (slidebuild/narration.py, slidebuild/captions.py): a two-step
scene rendered at 480p with a folder of test tones (made here with numpy and the ``wave``
module) speaks for exactly as long as its recordings, each step video holds its last frame
until its tone has finished plus the pause, and its captions have one cue per step at the
step's times; the same with the offline text-to-speech voice where one is installed; every
bad narration input is refused with one line naming the file; a lecture joins into one
video; the decks carry the sound (PPTX: checked inside the file) and the captions (HTML).
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import sys
import wave
import zipfile
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

from render import cli
from scenes.kit.config import SceneConfig
from slidebuild import captions, engine, narration
from slidebuild.deck_html import polish_html
from slidebuild.engine import RenderSettings
from slidebuild.narration import PAUSE, RATE, NarrationError
from slidebuild.registry import get_scene, scan_module

MODULE = "rnn_slides_narrated_scene"
SOURCE = '''
"""A two-step scene for the narration tests."""
from manim import FadeIn, Rotate, Square

from scenes.kit.base import LectureSlide

LECTURE = 9
LECTURE_TITLE = "Narration test"


class NarratedScene(LectureSlide):
    scene_id = "narrated"
    title = "Narrated"
    description = "A square appears, then turns."

    def construct(self):
        self.step("A square appears.")
        square = Square(color=self.theme.text)
        self.play(FadeIn(square), run_time=0.4)
        self.step("It turns: x < y & {a, b}.")
        self.play(Rotate(square, 0.5), run_time=0.4)


SCENES = [NarratedScene]
'''
NOTES = ["A square appears.", "It turns: x < y & {a, b}."]
TONES = {1: 1.2, 2: 0.5}  # step -> seconds of tone
FPS = 15  # quality "l"
ANIMATION = 0.4  # each step's animation


def tone(path: Path, seconds: float, freq: float = 440.0, rate: int = 22_050) -> None:
    t = np.arange(round(seconds * rate)) / rate
    samples = (0.4 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(samples.tobytes())


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    folder = tmp_path_factory.mktemp("narrated_module")
    path = folder / f"{MODULE}.py"
    path.write_text(SOURCE)
    sys.path.insert(0, str(folder))
    try:
        yield scan_module(path, MODULE).scenes[0]
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop(MODULE, None)


@pytest.fixture(scope="module")
def tones(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("recordings")
    (root / "narrated").mkdir()
    for step, seconds in TONES.items():
        tone(root / "narrated" / f"{step}.wav", seconds, 330.0 * step)
    return root


def render(scene, out: Path, found, fmt: str = "mp4") -> list[str]:
    lines: list[str] = []
    settings = RenderSettings(quality="l", fmt=fmt, narration=found)
    engine.build([scene], lambda _l: SceneConfig(), out=out, settings=settings, echo=lines.append)
    return lines


@pytest.fixture(scope="module")
def narrated(scene, tones, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("narrated_out")
    found = narration.from_folder(tones, [scene], lambda _info: 2)
    render(scene, out, found)
    return out, found


# ---------------------------------------------------------------------------------------
# Reading videos back


def audio_of(path: Path) -> np.ndarray:
    return narration.decode_audio(path)


def video_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def stream_seconds(path: Path, kind: str) -> float:
    with av.open(str(path)) as container:
        stream = getattr(container.streams, kind)[0]
        return float(stream.duration * stream.time_base)


def sounding(samples: np.ndarray, threshold: float = 0.05) -> list[tuple[float, float]]:
    """(start, end) seconds of the stretches where the track is not silent."""
    window = RATE // 100  # 10 ms
    n = len(samples) // window
    loud = np.abs(samples[: n * window]).reshape(n, window).max(axis=1) > threshold
    runs, start = [], None
    for i, on in enumerate([*loud, False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            runs.append((start / 100, i / 100))
            start = None
    return runs


def step_videos(out: Path) -> list[Path]:
    data = json.loads((out / "slides" / "NarratedScene.json").read_text())
    return [out / slide["file"] for slide in data["slides"]]


def held_seconds(frames: list[np.ndarray]) -> float:
    """How long the last frame is on screen at the end of a video."""
    last = frames[-1].astype(int)
    same = 0
    for frame in reversed(frames):
        # the same picture, up to the encoder refining a still frame over a few frames
        if np.abs(frame.astype(int) - last).mean() > 0.02:
            break
        same += 1
    return same / FPS


# ---------------------------------------------------------------------------------------
# Recordings


def test_step_videos_hold_their_last_frame_until_the_recording_ends(narrated) -> None:
    out, _found = narrated
    videos = step_videos(out)
    assert len(videos) == 2
    for step, video in enumerate(videos, 1):
        length = stream_seconds(video, "video")
        # the step lasts its tone plus the pause (to the next frame), never less
        assert TONES[step] + PAUSE <= length + 1e-6 <= TONES[step] + PAUSE + 1 / FPS + 1e-6
        # after its animation the step shows its last frame until the end
        assert held_seconds(video_frames(video)) >= length - ANIMATION - 1 / FPS
        # its sound is the step's recording, from the step's first frame, then silence
        audio = audio_of(video)
        assert abs(len(audio) / RATE - length) < 0.03
        (run,) = sounding(audio)
        assert run[0] == pytest.approx(0.0, abs=0.03)
        assert run[1] == pytest.approx(TONES[step], abs=0.03)


def test_scene_video_speaks_each_step_at_its_start(narrated) -> None:
    out, _found = narrated
    video = out / "lecture9" / "narrated.mp4"
    lengths = [stream_seconds(v, "video") for v in step_videos(out)]
    assert stream_seconds(video, "video") == pytest.approx(sum(lengths), abs=1e-3)
    audio = audio_of(video)
    assert abs(len(audio) / RATE - sum(lengths)) < 0.03
    runs = sounding(audio)
    assert len(runs) == 2
    for (start, end), step_start, step in zip(runs, [0.0, lengths[0]], (1, 2), strict=True):
        assert start == pytest.approx(step_start, abs=0.03)
        assert end - start == pytest.approx(TONES[step], abs=0.03)


def test_captions_have_one_cue_per_step_at_the_step_times(narrated) -> None:
    out, _found = narrated
    lengths = [stream_seconds(v, "video") for v in step_videos(out)]
    bounds = [(0.0, lengths[0]), (lengths[0], lengths[0] + lengths[1])]
    video = out / "lecture9" / "narrated.mp4"
    for cues in (
        captions.read_vtt(video.with_suffix(".vtt")),
        captions.read_srt(video.with_suffix(".srt")),
    ):
        assert [c.step for c in cues] == [1, 2]
        assert [c.text for c in cues] == NOTES
        for cue, (start, end) in zip(cues, bounds, strict=True):
            assert (cue.start, cue.end) == (
                pytest.approx(start, abs=1e-3),
                pytest.approx(end, abs=1e-3),
            )
    # the WebVTT file escapes what WebVTT reads as markup
    assert "x &lt; y &amp; {a, b}" in video.with_suffix(".vtt").read_text()
    # the mp4 carries them as a subtitle stream, each cue from its step's start
    with av.open(str(video)) as container:
        (stream,) = container.streams.subtitles
        assert stream.codec_context.name == "mov_text"
        packets = [
            (float(p.pts * p.time_base), bytes(p)[2:].decode())
            for p in container.demux(stream)
            if p.size > 2
        ]
    assert [text for _, text in packets] == NOTES
    assert [t for t, _ in packets] == pytest.approx([b[0] for b in bounds], abs=1e-3)
    # the installed files are in the manifest: a damaged caption file renders again
    entry = json.loads((out / "manifest.json").read_text())["outputs"]["lecture9/narrated.mp4"]
    assert {"lecture9/narrated.vtt", "lecture9/narrated.srt"} <= set(entry["files"])
    slide_captions = json.loads((out / "slides" / "NarratedScene.captions.json").read_text())
    assert slide_captions == NOTES


def test_narration_is_part_of_the_content_hash(scene, tones, narrated, tmp_path) -> None:
    out, found = narrated
    settings = RenderSettings(quality="l", narration=found)
    todo, fresh = engine.plan([scene], lambda _l: SceneConfig(), out, settings)
    assert not todo and "narrated" in fresh  # same recordings: nothing to do
    copy = tmp_path / "recordings"
    shutil.copytree(tones, copy)
    tone(copy / "narrated" / "2.wav", 0.7, 500.0)  # a new take of step 2
    changed = narration.from_folder(copy, [scene], lambda _info: 2)
    todo, _ = engine.plan(
        [scene], lambda _l: SceneConfig(), out, RenderSettings(quality="l", narration=changed)
    )
    assert [job.info.id for job in todo] == ["narrated"]
    (copy / "narrated" / "2.txt").write_text("What I said instead.\n")
    recaptioned = narration.from_folder(copy, [scene], lambda _info: 2)
    assert recaptioned["narrated"].digest() != changed["narrated"].digest()
    assert recaptioned["narrated"].caption(2, NOTES[1]) == "What I said instead."
    # without narration the video is another output (silent), hashed as before
    todo, _ = engine.plan([scene], lambda _l: SceneConfig(), out, RenderSettings(quality="l"))
    assert [job.info.id for job in todo] == ["narrated"]


def test_other_audio_formats_are_read_to_their_length(tmp_path: Path) -> None:
    """mp3, m4a and ogg recordings, encoded here by PyAV, decode to their length."""
    t = np.arange(RATE * 3 // 4) / RATE
    samples = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    for ext, fmt, codec in (
        ("mp3", "mp3", "libmp3lame"),
        ("m4a", "ipod", "aac"),
        ("ogg", "ogg", "libopus"),
    ):
        if codec not in av.codecs_available:
            codec = codec.removeprefix("lib")
        path = tmp_path / f"1.{ext}"
        with av.open(str(path), "w", format=fmt) as container:
            stream = container.add_stream(codec, rate=RATE)
            stream.layout = "mono"
            size = stream.codec_context.frame_size or 1024
            resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=RATE)
            for start in range(0, len(samples), size):
                chunk = samples[start : start + size]
                frame = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
                frame.sample_rate = RATE
                frame.pts = start
                for fitted in resampler.resample(frame):
                    for packet in stream.encode(fitted):
                        container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)
        assert narration.audio_seconds(path) == pytest.approx(0.75, abs=0.06), ext


# ---------------------------------------------------------------------------------------
# Bad narration input: one line naming the file


@pytest.mark.parametrize(
    "case",
    [
        "no folder",
        "step 3",
        "empty",
        "not audio",
        "other scenes",
        "unknown scene",
        "named",
        "flac",
        "twice",
        "empty text",
        "top level",
    ],
)
def test_bad_narration_input_is_refused_with_one_line(scene, tmp_path: Path, case: str) -> None:
    root = tmp_path / "rec"
    own = root / "narrated"
    own.mkdir(parents=True)
    (root / "history-timeline").mkdir()
    tone(root / "history-timeline" / "1.wav", 0.2)
    named = {
        "step 3": own / "3.wav",
        "empty": own / "1.wav",
        "not audio": own / "2.mp3",
        "named": own / "intro.wav",
        "flac": own / "1.flac",
        "twice": own / "1.mp3",
        "empty text": own / "1.txt",
        "unknown scene": root / "narated",
        "top level": root / "1.wav",
        "other scenes": root,
        "no folder": tmp_path / "nowhere",
    }[case]
    if case in ("step 3", "named", "flac", "twice", "top level"):
        tone(named, 0.2)
    if case == "twice":
        tone(own / "1.wav", 0.2)
    if case in ("empty", "empty text"):
        named.write_bytes(b"")
    if case == "not audio":
        named.write_bytes(b"this is not an mp3 file at all" * 20)
    if case == "unknown scene":
        named.mkdir()
    folder = tmp_path / "nowhere" if case == "no folder" else root
    with pytest.raises(NarrationError) as err:
        narration.from_folder(folder, [scene], lambda _info: 2, known_ids=["history-timeline"])
    message = str(err.value)
    assert "\n" not in message and str(named) in message, message


def test_cli_refuses_bad_narration_before_rendering(tmp_path: Path) -> None:
    """Through the CLI: one line, exit 1, nothing rendered (the step count comes from the
    step cache, built once at tiny size)."""
    runner = CliRunner()
    rec = tmp_path / "rec" / "history-timeline"
    rec.mkdir(parents=True)
    tone(rec / "99.wav", 0.2)
    out = tmp_path / "out"
    # the scene's step count as `rnn-slides list` caches it (counting builds the scene)
    info = get_scene("history-timeline")
    digest = engine.content_hash(info, SceneConfig(), "steps", "-", False)
    (out / ".cache").mkdir(parents=True)
    (out / ".cache" / "steps.json").write_text(json.dumps({digest: 6}))
    result = runner.invoke(
        cli, ["render", "history-timeline", "--narration", str(rec.parent), "-o", str(out)]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "99.wav" in lines[0] and "has 6 steps" in lines[0], result.output
    assert not (out / "lecture3").exists()
    for args, needle in (
        (["render", "history-timeline", "--format", "gif", "--narration", "tts"], "gif"),
        (["render", "history-timeline", "--join"], "--lecture"),
        (["render", "history-timeline", "--voice", "x"], "--narration tts"),
        (["deck", "--lecture", "3", "--to", "handout", "--narration", "tts"], "handout"),
    ):
        result = runner.invoke(cli, [*args, "-o" if args[0] == "render" else "--out", str(out)])
        assert result.exit_code != 0
        assert len(result.output.strip().splitlines()) == 1 and needle in result.output, args


# ---------------------------------------------------------------------------------------
# Text to speech (where an engine is installed)


def test_tts_narration_matches_the_spoken_files(scene, tmp_path: Path) -> None:
    problem = narration.tts_problem()
    if problem:
        pytest.skip(f"no offline speech engine here: {problem}")
    found = narration.from_tts({"narrated": NOTES}, tmp_path / "tts")
    spoken = found["narrated"]
    assert spoken.draft and sorted(spoken.steps) == [1, 2]
    out = tmp_path / "out"
    render(scene, out, found)
    video = out / "lecture9" / "narrated.mp4"
    cues = captions.read_vtt(video.with_suffix(".vtt"))
    assert [c.text for c in cues] == NOTES
    audio = audio_of(video)
    for cue, step in zip(cues, (1, 2), strict=True):
        want = spoken.steps[step].seconds
        # each step lasts its speech plus the pause; the speech is there, at the step's start
        assert cue.end - cue.start == pytest.approx(
            max(want + PAUSE, ANIMATION), abs=1 / FPS + 1e-3
        )
        own = narration.decode_audio(Path(spoken.steps[step].path))
        placed = audio[round(cue.start * RATE) : round(cue.start * RATE) + len(own)]
        assert np.corrcoef(own[: len(placed)], placed)[0, 1] > 0.9
    with av.open(str(video)) as container:
        assert container.metadata.get("comment") == narration.DRAFT_TITLE
    with pytest.raises(NarrationError, match="--voice"):
        narration.from_tts({"narrated": NOTES}, tmp_path / "tts", voice="no-such-voice-xyz")


# ---------------------------------------------------------------------------------------
# One video per lecture; other containers


def test_join_puts_scenes_one_after_another_with_sound_and_captions(narrated, tmp_path) -> None:
    out, _found = narrated
    scene_video = out / "lecture9" / "narrated.mp4"
    dest = tmp_path / "lecture9.mp4"
    seconds, cues = narration.join_videos([scene_video, scene_video], dest)
    one = stream_seconds(scene_video, "video")
    assert seconds == pytest.approx(2 * one, abs=1e-3)
    assert stream_seconds(dest, "video") == pytest.approx(2 * one, abs=1e-3)
    assert len(video_frames(dest)) == 2 * len(video_frames(scene_video))
    runs = sounding(audio_of(dest))
    assert [round(r[0], 1) for r in runs] == pytest.approx(
        [0.0, TONES[1] + PAUSE, one, one + TONES[1] + PAUSE], abs=0.1
    )
    written = captions.read_vtt(dest.with_suffix(".vtt"))
    assert len(written) == 4 and written[2].start == pytest.approx(one, abs=1e-3)
    assert len({c.identifier for c in written}) == 4  # WebVTT identifiers are unique
    assert len(captions.read_srt(dest.with_suffix(".srt"))) == 4


def test_webm_carries_opus_sound_and_webvtt_captions(scene, tones, tmp_path) -> None:
    found = narration.from_folder(tones, [scene], lambda _info: 2)
    out = tmp_path / "out"
    render(scene, out, found, fmt="webm")
    video = out / "lecture9" / "narrated.webm"
    with av.open(str(video)) as container:
        kinds = {s.type: s.codec_context.name for s in container.streams}
        assert kinds == {"video": "vp9", "audio": "opus", "subtitle": "webvtt"}
        texts = [
            bytes(p).decode() for p in container.demux(container.streams.subtitles[0]) if p.size
        ]
    assert [html.unescape(t) for t in texts] == NOTES and "&lt;" in texts[1]
    assert len(sounding(audio_of(video))) == 2


# ---------------------------------------------------------------------------------------
# Decks


def test_pptx_deck_embeds_step_videos_that_speak(narrated, tmp_path) -> None:
    """The PPTX deck manim-slides writes embeds each step's video; each carries its tone."""
    out, _found = narrated
    dest = tmp_path / "deck.pptx"
    assert engine.build_deck(out, ["NarratedScene"], dest, "pptx", [])
    with zipfile.ZipFile(dest) as deck:
        media = sorted(
            n for n in deck.namelist() if n.startswith("ppt/media/") and n.endswith(".mp4")
        )
        assert len(media) == 2
        lengths = []
        for name in media:
            path = tmp_path / Path(name).name
            path.write_bytes(deck.read(name))
            lengths.append(len(sounding(audio_of(path))[0]) and sounding(audio_of(path))[0][1])
        slides = [n for n in deck.namelist() if n.startswith("ppt/slides/slide")]
        assert all(b"p:video" in deck.read(n) for n in slides if n.endswith(".xml"))
    assert sorted(lengths) == pytest.approx(sorted(TONES.values()), abs=0.03)


def test_html_deck_plays_sound_and_shows_captions_on_a_key() -> None:
    page = (
        "<html><head><title>Manim Slides</title></head><body>"
        '<section data-background-video="a.mp4" data-background-video-muted></section>'
        '<section data-background-video="b.mp4"></section>'
        "<script>Reveal.initialize({ hash: false });</script></body></html>"
    )
    quiet = polish_html(page, title="T", captions=["one", 'two & "three"'])
    assert quiet.count("data-background-video-muted") == 2  # no narration: muted
    assert 'data-rnn-caption="one"' in quiet
    assert 'data-rnn-caption="two &amp; &quot;three&quot;"' in quiet
    assert 'id="rnn-captions"' in quiet and "hidden" in quiet  # off at first
    assert "keyCode: 67" in quiet  # C shows and hides them
    spoken = polish_html(page, title="T", captions=["one", "two"], narrated=True)
    assert "data-background-video-muted" not in spoken
    assert "video.muted = false" in spoken
    # a deck whose slides do not pair with the captions gets none rather than wrong ones
    assert "data-rnn-caption" not in polish_html(page, title="T", captions=["one"])


def test_an_output_from_before_captions_is_rendered_again(scene, narrated, tmp_path) -> None:
    out, found = narrated
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    path = copy / "manifest.json"
    data = json.loads(path.read_text())
    entry = data["outputs"]["lecture9/narrated.mp4"]
    for rel in ("lecture9/narrated.vtt", "lecture9/narrated.srt"):
        del entry["files"][rel]
    path.write_text(json.dumps(data))
    settings = RenderSettings(quality="l", narration=found)
    todo, _ = engine.plan([scene], lambda _l: SceneConfig(), copy, settings)
    assert [job.info.id for job in todo] == ["narrated"]


def test_html_deck_from_a_narrated_render_pairs_each_step_with_its_caption(
    narrated, tmp_path
) -> None:
    """manim-slides' own HTML of the narrated scene, finished as `deck --to html` does:
    every step's video unmuted, with its caption (the deck loads reveal.js from a CDN, which
    this test never opens)."""
    from render import _polish_html_deck

    out, _found = narrated
    dest = tmp_path / "deck.html"
    texts = captions.read_slide_captions(out / "slides", ["NarratedScene"])
    assert texts == NOTES
    finish = functools.partial(_polish_html_deck, title="T", captions=texts, narrated=True)
    assert engine.build_deck(out, ["NarratedScene"], dest, "html", [], finish=finish)
    page = dest.read_text(encoding="utf-8")
    sections = re.findall(r"<section\b[^>]*data-background-video[^>]*>", page)
    assert len(sections) == 2
    assert not any("data-background-video-muted" in s for s in sections)
    assert [
        html.unescape(re.search(r'data-rnn-caption="([^"]*)"', s)[1]) for s in sections
    ] == NOTES
