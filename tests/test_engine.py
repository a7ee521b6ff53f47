"""The build engine (slidebuild/engine.py): a cache that never vouches for a damaged or missing
file, a damaged manifest moved aside and rebuilt, run folders of dead runs removed and those
of live runs kept, renders untouched by a stray ``manim.cfg``, and a no-op decision that
imports neither manim nor the scenes.

Renders use a two-step scene written to a temporary module (a fraction of a second of
video at 480p), rendered once per module and copied for each test that damages it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scenes.kit.config import SceneConfig
from slidebuild import engine
from slidebuild.engine import RenderSettings
from slidebuild.registry import SceneInfo, all_scenes, lecture_titles, scan_module

ROOT = Path(__file__).resolve().parent.parent

TINY_MODULE = "rnn_slides_tiny_scene"
TINY_SOURCE = '''
"""A two-step scene for the engine tests."""
from manim import FadeIn, Rotate, Square

from scenes.kit.base import LectureSlide

LECTURE = 9
LECTURE_TITLE = "Engine test"


class TinyScene(LectureSlide):
    scene_id = "tiny"
    title = "Tiny"
    description = "A square appears, then turns."

    def construct(self):
        self.step("First step: a square appears in the middle of the frame.")
        square = Square(color=self.theme.text)
        self.play(FadeIn(square), run_time=0.2)
        self.step("Second step: the square turns by half a radian.")
        self.play(Rotate(square, 0.5), run_time=0.2)


SCENES = [TinyScene]
'''


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> SceneInfo:
    """The tiny scene as the registry would describe it, importable by render workers
    (spawned workers inherit ``sys.path``)."""
    folder = tmp_path_factory.mktemp("tiny_module")
    path = folder / f"{TINY_MODULE}.py"
    path.write_text(TINY_SOURCE)
    sys.path.insert(0, str(folder))
    try:
        yield scan_module(path, TINY_MODULE).scenes[0]
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop(TINY_MODULE, None)


def resolve(_lecture: int) -> SceneConfig:
    return SceneConfig()


SETTINGS = RenderSettings(quality="l", jobs=1)


def build(info: SceneInfo, out: Path) -> list[str]:
    """Build ``info`` into ``out``; returns the lines the engine printed."""
    lines: list[str] = []
    engine.build([info], resolve, out=out, settings=SETTINGS, echo=lines.append)
    return lines


def rendered(lines: list[str]) -> bool:
    return not any(line.startswith("nothing to render") for line in lines)


@pytest.fixture(scope="module")
def rendered_once(tiny, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rendered") / "out"
    assert rendered(build(tiny, out))
    return out


@pytest.fixture
def out(rendered_once, tmp_path) -> Path:
    """A private copy of a finished render, to damage."""
    copy = tmp_path / "out"
    shutil.copytree(rendered_once, copy)
    return copy


def video(out: Path) -> Path:
    return out / "lecture9" / "tiny.mp4"


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def step_videos(out: Path) -> list[Path]:
    return sorted((out / "slides" / "files").rglob("*.mp4"))


# ---------------------------------------------------------------------------------------
# The index: what the CLI knows without importing a scene


def test_index_matches_the_imported_classes() -> None:
    titles = lecture_titles()
    for info in all_scenes():
        cls = info.cls
        assert (cls.scene_id, cls.title, cls.description) == (
            info.id,
            info.title,
            info.description,
        )
        assert (cls.__module__, cls.__name__) == (info.module, info.class_name)
        assert cls.lecture == info.lecture and info.lecture in titles


def test_source_hash_covers_the_scene_and_shared_code_only(tmp_path: Path) -> None:
    """Editing one scene class changes that scene's hash only; editing shared module code
    or a ``scenes`` module it imports changes every scene of the module."""
    module = tmp_path / "lecture_x.py"
    base = textwrap.dedent(
        """
        from scenes import lesson_data
        LECTURE = 8
        LECTURE_TITLE = "x"
        SHARED = 1
        class A:
            scene_id = "a"
            title = description = "a"
        class B:
            scene_id = "b"
            title = description = "b"
        SCENES = [A, B]
        """
    )

    def hashes(text: str) -> tuple[str, str]:
        path = tmp_path / f"v{abs(hash(text))}" / "lecture_x.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        a, b = scan_module(path, "lecture_x").scenes
        return engine.source_hash(a), engine.source_hash(b)

    module.write_text(base)
    a, b = hashes(base)
    assert a != b
    a2, b2 = hashes(base.replace('title = description = "a"', 'title = description = "A"'))
    assert a2 != a and b2 == b
    a3, b3 = hashes(base.replace("SHARED = 1", "SHARED = 2"))
    assert a3 != a and b3 != b
    assert engine._imported_project_modules(module) == {ROOT / "scenes" / "lesson_data.py"}


def test_content_hash_does_not_import_manim() -> None:
    code = textwrap.dedent(
        """
        import sys
        from slidebuild import engine
        from scenes.kit.config import SceneConfig
        from slidebuild.registry import all_scenes
        for info in all_scenes():
            engine.content_hash(info, SceneConfig(), "l", "mp4", False)
        loaded = sorted(m for m in sys.modules if m == "manim" or m.startswith("scenes.lecture"))
        print(loaded)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------
# A cache that never lies


def test_rebuild_of_an_intact_render_does_nothing(tiny, out: Path) -> None:
    before = video(out).stat().st_mtime_ns
    assert not rendered(build(tiny, out))
    assert video(out).stat().st_mtime_ns == before
    entry = manifest(out)["outputs"]["lecture9/tiny.mp4"]
    assert entry == {**entry, **engine.file_record(video(out))}
    captions = {"lecture9/tiny.vtt", "lecture9/tiny.srt", "slides/TinyScene.captions.json"}
    rests = {"slides/TinyScene.rests.json"} | {
        p.relative_to(out).as_posix() for p in (out / "slides" / "files").rglob("rest-*.svg")
    }
    assert set(entry["files"]) == {"slides/TinyScene.json"} | captions | rests | {
        p.relative_to(out).as_posix() for p in step_videos(out)
    }
    assert len(rests) == 3
    assert len(step_videos(out)) == 2
    assert not (out / ".tmp").exists()


def test_truncated_video_is_rendered_again(tiny, out: Path) -> None:
    good = video(out).read_bytes()
    video(out).write_bytes(good[: len(good) // 2])
    assert rendered(build(tiny, out))
    assert video(out).stat().st_size == manifest(out)["outputs"]["lecture9/tiny.mp4"]["size"]
    assert video(out).read_bytes()[:12] == good[:12]


def test_damaged_video_of_the_same_size_is_caught(tiny, out: Path) -> None:
    data = bytearray(video(out).read_bytes())
    data[len(data) // 2] ^= 0xFF
    video(out).write_bytes(bytes(data))
    todo, fresh = engine.plan([tiny], resolve, out, SETTINGS)
    assert [job.info.id for job in todo] == ["tiny"] and not fresh


def test_deleted_or_damaged_step_videos_are_rendered_again(tiny, out: Path) -> None:
    from manim_slides.config import PresentationConfig

    first = step_videos(out)[0]
    first.write_bytes(first.read_bytes()[:100])
    todo, _ = engine.plan([tiny], resolve, out, SETTINGS)
    assert todo, "a damaged step video must not pass as up to date"
    shutil.rmtree(out / "slides" / "files")
    assert rendered(build(tiny, out))
    slides = PresentationConfig.from_file(out / "slides" / "TinyScene.json")
    assert len(slides.slides) == 2
    assert all((out / s.file).is_file() for s in slides.slides)
    (out / "slides" / "TinyScene.json").unlink()
    todo, _ = engine.plan([tiny], resolve, out, SETTINGS)
    assert todo, "a missing slide JSON must not pass as up to date"


CORRUPT_MANIFESTS = {
    "random bytes": bytes(range(256)) * 4,
    "a list": b"[]",
    "null": b"null",
    "outputs not an object": b'{"outputs": 5}',
    "entry not an object": b'{"outputs": {"lecture9/tiny.mp4": "yes"}}',
    "hash of the wrong type": b'{"outputs": {"lecture9/tiny.mp4": {"hash": 5}}}',
    "file record of the wrong type": (
        b'{"outputs": {"lecture9/tiny.mp4": {"hash": "x", "files": {"a": [1]}}}}'
    ),
    "truncated": b'{"outputs": {"lecture9/tiny.mp4": {"hash": "ab',
    "empty": b"",
    "nested too deep": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("content", CORRUPT_MANIFESTS.values(), ids=list(CORRUPT_MANIFESTS))
def test_corrupt_manifest_is_moved_aside_with_one_warning(
    tiny, tmp_path: Path, content: bytes, capsys
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(content)
    todo, fresh = engine.plan([tiny], resolve, out, SETTINGS)
    assert [job.info.id for job in todo] == ["tiny"] and not fresh
    warning = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(warning) == 1 and warning[0].startswith("warning: "), warning
    assert "manifest.json" in warning[0] and "moved it to manifest.json.corrupt-" in warning[0]
    aside = list(out.glob("manifest.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content
    assert not (out / "manifest.json").exists()
    engine.update_manifest(out, {"x": {"hash": "h"}})  # rebuilt from scratch
    assert manifest(out)["outputs"] == {"x": {"hash": "h"}}


def test_corrupt_manifest_is_rebuilt_by_the_next_render(tiny, out: Path, capsys) -> None:
    (out / "manifest.json").write_bytes(b"\x00\xffnot a manifest")
    assert rendered(build(tiny, out))
    assert "moved it to manifest.json.corrupt-" in capsys.readouterr().err
    entry = manifest(out)["outputs"]["lecture9/tiny.mp4"]
    assert entry["sha256"] == engine.file_record(video(out))["sha256"]
    assert not rendered(build(tiny, out))


def test_manifest_from_an_older_version_is_not_trusted(tiny, out: Path) -> None:
    data = manifest(out)
    for entry in data["outputs"].values():
        entry.pop("sha256")
        entry.pop("files")
    (out / "manifest.json").write_text(json.dumps(data))
    todo, _ = engine.plan([tiny], resolve, out, SETTINGS)
    assert todo


# ---------------------------------------------------------------------------------------
# Temporary folders of dead and live runs

HOLD_RUN_FOLDER = """
import sys
from pathlib import Path
from slidebuild import engine
with engine.run_folder(Path(sys.argv[1])) as folder:
    print(folder, flush=True)
    sys.stdin.readline()  # hold the run until told to finish (or killed)
"""


def _start_run(out: Path) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_RUN_FOLDER, str(out)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    folder = Path(proc.stdout.readline().strip())
    assert folder.is_dir() and folder.parent == out / ".tmp"
    return proc, folder


def test_dead_runs_folders_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead, dead_folder = _start_run(out)
    (dead_folder / "partial.mp4").write_bytes(b"half a video")
    dead.kill()  # no cleanup runs: as after SIGKILL or a power cut
    dead.wait(30)
    live, live_folder = _start_run(out)
    legacy = out / ".tmp" / "0123abcd"  # an older version's run folder: no owner lock
    legacy.mkdir()
    try:
        assert dead_folder.is_dir()
        assert engine.reap_dead_runs(out) == 2
        assert not dead_folder.exists() and not legacy.exists()
        assert live_folder.is_dir(), "a live run's folder must be kept"
    finally:
        live.communicate("done\n", timeout=30)
    assert live.returncode == 0
    assert not (out / ".tmp").exists()  # the live run cleaned up after itself


def test_a_no_op_render_removes_dead_runs_folders(tiny, out: Path) -> None:
    stale = out / ".tmp" / "feedface"
    stale.mkdir(parents=True)
    (stale / engine.OWNER_LOCK).write_text("")  # a lock file nobody holds
    assert not rendered(build(tiny, out))
    assert not (out / ".tmp").exists()


# ---------------------------------------------------------------------------------------
# manim.cfg in the working folder


def test_manim_config_starts_from_manims_defaults() -> None:
    """Whatever a manim.cfg put into manim's config at import, renders start from the
    library defaults; the previous config is back afterwards."""
    from manim import config, tempconfig

    with tempconfig({"frame_height": 4.0, "frame_width": 7.0}):
        with engine.manim_config({"pixel_width": 256, "pixel_height": 144}):
            assert config.frame_height == 8.0
            assert abs(config.frame_width - 8.0 * 16 / 9) < 1e-9
            assert config.pixel_width == 256
        assert (config.frame_height, config.frame_width) == (4.0, 7.0)


def test_versions_in_the_hash_match_the_installed_packages() -> None:
    import importlib.metadata

    for package in ("manim", "manim-slides"):
        assert engine._version(package) == importlib.metadata.version(package)


def test_one_lecture_is_selected_from_its_own_file() -> None:
    from slidebuild import registry

    for lecture in lecture_titles():
        assert registry.lecture_scenes(lecture) == tuple(
            info for info in all_scenes() if info.lecture == lecture
        )


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    """A writer killed mid-write (SIGKILL, power loss) leaves `.<name>.<random>.part` beside
    its target; the next write of that target removes it once it is stale, and never a live
    writer's recent one or another target's."""
    import os
    import time

    target = tmp_path / "deck-all.html"
    target.write_text("old deck")
    stale = tmp_path / ".deck-all.html.k1ll3d.part"
    stale.write_bytes(b"x" * 1000)
    old = time.time() - engine.STALE_PART_SECONDS - 60
    os.utime(stale, (old, old))
    live = tmp_path / ".deck-all.html.wr1t1ng.part"
    live.write_bytes(b"y")
    other = tmp_path / ".manifest.json.k1ll3d.part"
    other.write_bytes(b"z")
    os.utime(other, (old, old))

    engine.atomic_write_bytes(target, b"new deck")

    assert target.read_bytes() == b"new deck"
    assert not stale.exists()
    assert live.exists(), "a recent temporary file may be a live writer's"
    assert other.exists(), "only the target's own temporary files are touched"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, live.name, other.name]
    )


def test_a_frame_rate_of_its_own_names_and_keys_the_outputs_apart() -> None:
    """``-q h --fps 30`` is 1080p30: its own file names, slide folder and content hash; the
    quality's own rate is the quality itself (no second copy of the same video)."""
    from slidebuild.registry import get_scene

    info = get_scene("nn-as-mappings")
    assert engine.quality_spec("h", 30) == "h@30"
    assert engine.quality_spec("h", 60) == engine.quality_spec("h", None) == "h"
    assert engine.frame_size("h@30") == (1920, 1080, 30)
    assert engine.frame_size("h") == engine.QUALITIES["h"]
    assert RenderSettings(quality="h", fps=30).spec == "h@30"
    assert engine.quality_tag("h@30") == "1080p30"
    assert engine.output_key(info, "mp4", "h@30") == "lecture1/nn-as-mappings-1080p30.mp4"
    assert engine.output_key(info, "mp4", "l@30") == "lecture1/nn-as-mappings-480p30.mp4"
    assert engine.output_key(info, "mp4", "l") == "lecture1/nn-as-mappings.mp4"
    assert engine.slides_dir("h@30") == "slides-1080p30"
    config = SceneConfig()
    hashes = {engine.content_hash(info, config, q, "mp4", False) for q in ("h", "h@30", "l")}
    assert len(hashes) == 3


def test_a_render_at_another_frame_rate_has_that_many_frames(tmp_path: Path) -> None:
    """A real scene (the shortest) at 480p and 5 frames per second: a few seconds."""
    import av

    from slidebuild.registry import get_scene

    info = get_scene("nn-as-mappings")

    out = tmp_path / "out"
    lines: list[str] = []
    settings = RenderSettings(quality="l", fps=5, jobs=1)
    engine.build([info], resolve, out=out, settings=settings, echo=lines.append)
    path = out / "lecture1" / "nn-as-mappings-480p5.mp4"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.average_rate == 5
        assert (stream.width, stream.height) == (854, 480)
    assert manifest(out)["outputs"]["lecture1/nn-as-mappings-480p5.mp4"]["quality"] == "l@5"
    assert (out / "slides-480p5" / f"{info.class_name}.json").exists()
    assert list((out / ".cache" / "glyphs").rglob("*.glyphs")), "no glyphs were shared"


def test_scenes_sharing_a_topic_module_hash_apart(tmp_path: Path) -> None:
    """A topic module (listed by a lecture module, with no SCENES of its own) may hold
    several scenes: each one's hash covers its own class, not its siblings', so editing one
    re-renders that one and the step counts cached by hash never mix them up."""
    topic = tmp_path / "topic_x.py"
    text = textwrap.dedent(
        """
        SHARED = 1
        class Base:
            pass
        class A(Base):
            scene_id = "a"
        class B(Base):
            scene_id = "b"
        """
    )
    topic.write_text(text)

    def info(name: str) -> SceneInfo:
        return SceneInfo(name.lower(), 8, name, name, "topic_x", name, topic)

    a, b = engine.source_hash(info("A")), engine.source_hash(info("B"))
    assert a != b
    engine._source_hash.cache_clear()
    engine.parsed_source.cache_clear()
    topic.write_text(text.replace('scene_id = "b"', 'scene_id = "b"\n    extra = 2'))
    assert engine.source_hash(info("A")) == a and engine.source_hash(info("B")) != b


# ---------------------------------------------------------------------------------------
# Resting frames: what a deck shows once a step has played


def _last_frame(path: Path):
    import av

    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return frames[-1].astype(float)


def _drawn(svg: bytes, width: int, height: int):
    import io

    import numpy as np
    from PIL import Image

    cairosvg = pytest.importorskip("cairosvg")
    png = cairosvg.svg2png(bytestring=svg, output_width=width, output_height=height)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def _apart(a, b) -> float:
    """The share of pixels that differ clearly (more than video compression moves them)."""
    return float((abs(a - b).max(axis=-1) > 48).mean())


def test_each_slide_rests_on_a_vector_drawing_of_its_last_frame(out: Path) -> None:
    """An mp4 render writes one SVG per slide (listed in OUT/slides/<Class>.rests.json and
    recorded in the manifest); drawn at the video's size it is the slide video's last frame,
    and not the other slide's."""
    slides = json.loads((out / "slides" / "TinyScene.json").read_text())["slides"]
    rests = engine.read_slide_rests(out, ["TinyScene"], "l")
    assert rests is not None and len(rests) == len(slides) == 2
    files = manifest(out)["outputs"]["lecture9/tiny.mp4"]["files"]
    assert "slides/TinyScene.rests.json" in files
    lasts = [_last_frame(out / slide["file"]) for slide in slides]
    height, width = lasts[0].shape[:2]
    drawn = []
    for rest in rests:
        assert rest is not None and rest.relative_to(out).as_posix() in files
        svg = rest.read_bytes()
        assert svg.startswith(b"<?xml") and b"<svg" in svg[:300]
        drawn.append(_drawn(svg, width, height))
    for k in range(2):
        assert _apart(drawn[k], lasts[k]) < 0.002, k
        assert _apart(drawn[k], lasts[1 - k]) > 10 * max(_apart(drawn[k], lasts[k]), 0.0005)


def test_a_missing_resting_frame_makes_the_deck_rest_on_its_videos(tiny, out: Path) -> None:
    """A rests list naming a file that is gone is not used (the deck falls back to the
    videos' last frames) and the scene renders again on the next build."""
    rests = engine.read_slide_rests(out, ["TinyScene"], "l")
    rests[1].unlink()
    assert engine.read_slide_rests(out, ["TinyScene"], "l") is None
    todo, _ = engine.plan([tiny], resolve, out, SETTINGS)
    assert [job.info.id for job in todo] == ["tiny"]


def test_the_html_deck_carries_each_slides_resting_frame(out: Path, tmp_path: Path) -> None:
    """`deck --to html` puts each slide's SVG in its section (a data: URL, the deck stays one
    file), with the script that shows it once the video has ended."""
    import base64
    import functools
    import gzip
    import re

    from render import _polish_html_deck

    rests = engine.read_slide_rests(out, ["TinyScene"], "l")
    dest = tmp_path / "deck.html"
    finish = functools.partial(_polish_html_deck, title="T", rests=rests)
    assert engine.build_deck(out, ["TinyScene"], dest, "html", [], finish=finish)
    page = dest.read_text(encoding="utf-8")
    sections = re.findall(r"<section\b[^>]*data-background-video[^>]*>", page)
    urls = [re.search(r'data-rnn-rest="gzip:([^"]*)"', s) for s in sections]
    assert [gzip.decompress(base64.b64decode(u[1])) for u in urls] == [
        r.read_bytes() for r in rests
    ]
    assert 'id="rnn-slides-polish-rests"' in page and "img.rnn-rest" in page


@pytest.mark.slow
def test_a_browser_rests_on_the_vector_frame_once_the_video_has_played(
    out: Path, tmp_path: Path
) -> None:
    """The offline HTML deck in headless Chromium (skipped without Chromium or a local
    reveal.js): once the slide's video has played, its resting frame is unpacked and shown
    over it."""
    import functools
    import http.server
    import re
    import threading

    from render import _polish_html_deck, _prime_revealjs_cache

    browser = next(
        (
            shutil.which(n)
            for n in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(n)
        ),
        None,
    )
    revealjs = ROOT / "node_modules" / "reveal.js"
    if browser is None or not revealjs.is_dir():
        pytest.skip("needs Chromium and node_modules/reveal.js (make revealjs)")
    rests = engine.read_slide_rests(out, ["TinyScene"], "l")
    dest = tmp_path / "deck.html"
    offline = ["--offline", "--one-file", "--revealjs-assets-timeout", "0.5"]
    assert engine.build_deck(
        out,
        ["TinyScene"],
        dest,
        "html",
        offline,
        prepare=functools.partial(_prime_revealjs_cache, revealjs),
        finish=functools.partial(_polish_html_deck, title="T", rests=rests),
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--mute-audio",
                "--autoplay-policy=no-user-gesture-required",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--window-size=1280,720",
                "--virtual-time-budget=8000",
                "--dump-dom",
                f"http://127.0.0.1:{server.server_port}/deck.html#/0",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    finally:
        server.shutdown()
    images = re.findall(r"<img\b[^>]*\bclass=\"rnn-rest\"[^>]*>", page)
    shown = [tag for tag in images if not re.search(r"\shidden\b", tag)]
    assert images, "the deck's script put no resting frame over the videos"
    assert len(shown) == 1 and 'src="blob:' in shown[0], images
