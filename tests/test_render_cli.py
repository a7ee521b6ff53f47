"""The CLI as lecturers use it: every command's help, one-line errors for the mistakes users
make, stills, the render cache and manifest (a damaged output is rendered again, a no-op
rebuild imports no manim, a manim.cfg in the working folder changes nothing), atomic
outputs and concurrent runs.

Real renders are kept to one cheap scene at -ql; whole decks are marked slow.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import render
from render import cli
from scenes.kit.config import LIMITS, SceneConfig
from slidebuild import engine
from slidebuild.registry import all_scenes, get_scene

ROOT = Path(__file__).resolve().parent.parent
CHEAP = "lstm-gate-extremes"  # the shortest lecture-4 scene: about 10 s to render at -ql


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args), catch_exceptions=False)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def assert_one_line_error(result, *needles: str) -> None:
    """A non-zero exit with one short message naming the problem, never a traceback."""
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]


# ---------------------------------------------------------------------------------------
# Help, version, list, doctor


COMMANDS = sorted(
    [name] + ([sub] if sub else [])
    for name, command in cli.commands.items()
    for sub in (sorted(getattr(command, "commands", {})) or [None])
) + [["weights"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_examples(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    if command == ["list"]:
        return
    lines = result.output.splitlines()
    start = lines.index(next(line for line in lines if line.strip() == "Examples:"))
    # the examples keep their lines (a missing \b re-wraps them into one paragraph)
    assert lines[start + 1].strip().startswith("rnn-slides "), result.output
    assert all(len(line) <= 100 for line in lines[start + 1 : start + 4])


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert render.VERSION in result.output


def test_list_shows_every_scene_id() -> None:
    result = run("list", "--no-steps")
    assert result.exit_code == 0
    for info in all_scenes():
        assert info.id in result.output


def test_step_count_is_cached_by_content(tmp_path: Path) -> None:
    info = get_scene(CHEAP)
    scene = engine.construct(info, SceneConfig(), "tiny")
    assert engine.count_steps(info, SceneConfig(), tmp_path) == len(scene.steps)
    cache = json.loads((tmp_path / ".cache" / "steps.json").read_text())
    assert list(cache.values()) == [len(scene.steps)]
    (tmp_path / ".cache" / "steps.json").write_text(json.dumps({k: 99 for k in cache}))
    assert engine.count_steps(info, SceneConfig(), tmp_path) == 99  # read, not rebuilt


@pytest.mark.slow
def test_list_counts_steps_of_one_lecture(tmp_path: Path) -> None:
    result = run("list", "--lecture", "4", "--steps", "-o", str(tmp_path))
    assert result.exit_code == 0
    for info in all_scenes():
        if info.lecture == 4:
            row = next(ln for ln in result.output.splitlines() if f" {info.id} " in f" {ln} ")
            steps = len(engine.construct(info, SceneConfig(), "tiny").steps)
            assert row.split()[-1] == str(steps)


def test_doctor_reports_each_check(tmp_path: Path) -> None:
    result = run("doctor", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    for name in ("cairo", "pango", "manim", "manim-slides", "typst", "output folder"):
        assert name in result.output


def test_doctor_flags_unwritable_output(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run("doctor", "-o", str(blocker / "out"))
    assert result.exit_code != 0
    assert "FIX  output folder" in result.output


# ---------------------------------------------------------------------------------------
# Errors users will hit


def test_unknown_scene_id_suggests_the_closest(tmp_path: Path) -> None:
    result = run("still", "lstm-circiut", "-o", str(tmp_path / "x.png"))
    assert_one_line_error(result, "lstm-circuit")
    result = run("render", "lstm-odysey", "-o", str(tmp_path))
    assert_one_line_error(result, "lstm-odyssey")
    assert not any(tmp_path.rglob("*.mp4"))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("-q", "x"), "'-q'"),
        (("--format", "avi"), "'--format'"),
        (("--theme", "pink"), "'--theme'"),
        (("-j", "0"), "'-j'"),
    ],
)
def test_bad_option_values_are_usage_errors(args: tuple[str, ...], needle: str) -> None:
    result = run("render", CHEAP, *args)
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output


def test_transparent_needs_an_alpha_format(tmp_path: Path) -> None:
    result = run("render", CHEAP, "--transparent", "-o", str(tmp_path))
    assert_one_line_error(result, "--format webm")


def test_ids_and_lecture_together_are_rejected() -> None:
    assert_one_line_error(run("render", CHEAP, "--lecture", "4"), "not both")


def test_render_without_a_selection_says_how() -> None:
    assert_one_line_error(run("render"), "--lecture")


def test_deck_of_chosen_scenes_keeps_their_order(tmp_path: Path, monkeypatch) -> None:
    """`deck ID ID ...` builds a deck of those scenes in the order given; unknown ids and ids
    with --all are refused in one line."""
    from slidebuild import engine

    seen = {}
    monkeypatch.setattr(
        engine, "build", lambda infos, *a, **k: seen.update(ids=[i.id for i in infos])
    )
    monkeypatch.setattr(engine, "build_deck", lambda out, names, dest, *a, **k: True)
    result = run("deck", "bptt", "lstm-circuit", "--to", "pptx", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert seen["ids"] == ["bptt", "lstm-circuit"]
    assert "deck-scenes.pptx" in result.output
    assert_one_line_error(run("deck", "no-such-scene", "--to", "pptx"), "no-such-scene")
    assert_one_line_error(run("deck", "bptt", "--all", "--to", "pptx"), "not both")
    assert_one_line_error(run("deck", "--to", "pptx"), "--lecture")


def write(tmp_path: Path, text: str, name: str = "cfg.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("toml", "needles"),
    [
        ("[model]\nn_hiden = 3\n", ("n_hiden", "did you mean 'n_hidden'")),
        ("thme = 'dark'\n", ("did you mean 'theme'",)),
        ("[lecture.4]\nmodle = {}\n", ("lecture.4.", "'model'")),
        ("[model]\nn_hidden = 'three'\n", ("model.n_hidden must be int",)),
        ("[model]\nn_hidden = 40\n", ("model.n_hidden = 40", f"{LIMITS['n_hidden'][1]}")),
        ("[model]\nseed = -1\n", ("model.seed",)),
        ("[model]\npeepholes = 1\n", ("model.peepholes must be bool",)),
        ("theme = 'pink'\n", ("theme must be one of light, dark",)),
        ("[lecture.9]\ntheme = 'dark'\n", ("lecture.9", "1..5")),
        ("[model]\nn_in = 2\ninputs = [[0.1, 0.2, 0.3]]\n", ("n_in = 2",)),
        ("[model]\ninputs = [[0.1, 'a', 0.3]]\n", ("inputs",)),
        ("[model\nseed = 1\n", ("not valid TOML",)),
        ("[model]\nweights = 'nowhere.npz'\n", ("nowhere.npz", "does not exist")),
    ],
)
def test_invalid_config_is_one_line_naming_the_key(
    tmp_path: Path, toml: str, needles: tuple[str, ...]
) -> None:
    config = write(tmp_path, toml)
    result = run("render", CHEAP, "--config", str(config), "-o", str(tmp_path / "out"))
    assert_one_line_error(result, *needles)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.mp4"))


def test_unreadable_config(tmp_path: Path) -> None:
    result = run("still", CHEAP, "--config", str(tmp_path / "missing.toml"), "-o", "x.png")
    assert_one_line_error(result, "cannot read config file", "missing.toml")


def _lstm_arrays(n_in: int, n_hidden: int) -> dict[str, np.ndarray]:
    from rnn_core.lstm import LSTMParams

    params = LSTMParams.init(n_in, n_hidden, np.random.default_rng(5))
    return {name: getattr(params, name) for name in params.array_names()}


def test_weights_with_wrong_shapes(tmp_path: Path) -> None:
    np.savez(tmp_path / "w.npz", **_lstm_arrays(3, 5))  # config says n_hidden = 3
    config = write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\nn_hidden = 3\n")
    result = run("render", CHEAP, "--config", str(config), "-o", str(tmp_path / "out"))
    assert_one_line_error(result, "w.npz", "shape", "n_hidden=3")


def test_weights_file_drives_the_drawn_model(tmp_path: Path) -> None:
    arrays = _lstm_arrays(3, 4)
    np.savez(tmp_path / "w.npz", **arrays)
    config = write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\nn_hidden = 4\n")
    scene_config = render._load_config(str(config), None, None)(4)
    from scenes.kit.config import lstm_setup

    params, _ = lstm_setup(scene_config)
    for name, value in arrays.items():
        np.testing.assert_array_equal(getattr(params, name), value)
    no_peep = write(
        tmp_path, "[lecture.4.model]\nweights = 'w.npz'\nn_hidden = 4\npeepholes = false\n"
    )
    params, _ = lstm_setup(render._load_config(str(no_peep), None, None)(4))
    assert not params.peepholes and not params.p_f.any()


def test_weights_missing_arrays_and_corrupt_files(tmp_path: Path) -> None:
    np.savez(tmp_path / "partial.npz", W_z=np.zeros((3, 3)))
    config = write(tmp_path, "[lecture.4.model]\nweights = 'partial.npz'\n")
    assert_one_line_error(run("render", CHEAP, "--config", str(config)), "partial.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    config = write(tmp_path, "[lecture.4.model]\nweights = 'junk.npz'\n")
    assert_one_line_error(run("render", CHEAP, "--config", str(config)), "junk.npz")


def test_pickled_weights_are_refused(tmp_path: Path) -> None:
    arrays = _lstm_arrays(3, 3)
    arrays["W_z"] = np.array([{"evil": 1}], dtype=object)
    np.savez(tmp_path / "obj.npz", **arrays)
    config = write(tmp_path, "[lecture.4.model]\nweights = 'obj.npz'\n")
    assert_one_line_error(run("render", CHEAP, "--config", str(config)), "obj.npz")


def test_unwritable_output_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run("render", CHEAP, "-o", str(blocker / "out"))
    assert_one_line_error(result, "not writable", "-o")
    result = run("still", CHEAP, "-o", str(blocker / "x.png"))
    assert_one_line_error(result, "not writable")


def test_still_must_be_png_svg_or_pdf(tmp_path: Path) -> None:
    assert_one_line_error(run("still", CHEAP, "-o", str(tmp_path / "x.jpg")), ".png, .svg or .pdf")


# ---------------------------------------------------------------------------------------
# Stills


def test_still_writes_the_last_frame_and_step_frames(tmp_path: Path) -> None:
    last = tmp_path / "last.png"
    result = run("still", CHEAP, "-q", "l", "-o", str(last))
    assert result.exit_code == 0, result.output
    image = np.asarray(Image.open(last).convert("RGB"))
    assert image.shape == (480, 854, 3)
    assert image.std() > 10  # a drawing, not a blank frame
    first = tmp_path / "first.png"
    result = run("still", CHEAP, "-q", "l", "--step", "1", "--theme", "dark", "-o", str(first))
    assert result.exit_code == 0, result.output
    dark = np.asarray(Image.open(first).convert("RGB"))
    assert dark.mean() < image.mean()  # the dark theme's background
    assert not np.array_equal(dark, image)
    result = run("still", CHEAP, "-q", "l", "--step", "99", "-o", str(tmp_path / "n.png"))
    assert_one_line_error(result, "--step must be 1..")
    assert not (tmp_path / "n.png").exists()


# ---------------------------------------------------------------------------------------
# Render, cache, manifest


# A manim.cfg that crops the frame and paints it red, as a stray one in a lecturer's folder
# would: renders and stills must ignore it (manim reads it from the working folder).
MANIM_CFG = "[CLI]\nframe_height = 4.0\nframe_width = 7.0\nbackground_color = #FF0000\n"


@pytest.fixture(scope="module")
def cheap_render(tmp_path_factory) -> Path:
    """CHEAP rendered once at -ql into ``<cwd>/out``, run from a folder holding a manim.cfg;
    returns the working folder."""
    cwd = tmp_path_factory.mktemp("render")
    (cwd / "manim.cfg").write_text(MANIM_CFG)
    # a relative output folder, as `make slides` uses (out/ under the current directory)
    result = run("render", CHEAP, "-q", "l", "-j", "1", "-o", "out", cwd=cwd)
    assert result.exit_code == 0, result.output
    return cwd


def _video_frames(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def test_render_then_rebuild_renders_nothing(cheap_render: Path) -> None:
    out = cheap_render / "out"
    video = out / "lecture4" / f"{CHEAP}.mp4"
    assert video.stat().st_size > 10_000
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["outputs"][f"lecture4/{CHEAP}.mp4"]
    assert entry["quality"] == "l" and entry["theme"] == "light"
    assert entry["steps"] == len(engine.construct(get_scene(CHEAP), SceneConfig(), "l").steps)
    assert entry["duration"] > 0 and len(entry["config_hash"]) == 64
    assert entry["size"] == video.stat().st_size
    assert entry["sha256"] == engine.file_record(video)["sha256"]
    # read back the way manim-slides convert reads it: every video must resolve to a file
    from manim_slides.config import PresentationConfig

    slides = PresentationConfig.from_file(out / "slides" / f"{get_scene(CHEAP).class_name}.json")
    assert len(slides.slides) == entry["steps"]
    assert all(Path(s.file).is_file() for s in slides.slides)
    assert all(Path(s.file).relative_to(out).as_posix() in entry["files"] for s in slides.slides)
    assert not (out / ".tmp").exists()  # no partial files left behind

    mtime = video.stat().st_mtime_ns
    again = run("render", CHEAP, "-q", "l", "-j", "1", "-o", str(out))  # same folder, absolute
    assert again.exit_code == 0
    assert "nothing to render" in again.output
    assert video.stat().st_mtime_ns == mtime


def test_render_ignores_manim_cfg_in_the_working_folder(cheap_render: Path) -> None:
    """The rendered video's last frame is the scene's last frame at 480p, uncropped and on
    the theme's background, though the render ran beside a manim.cfg saying otherwise."""
    last = _video_frames(cheap_render / "out" / "lecture4" / f"{CHEAP}.mp4")[-1].astype(int)
    scene = engine.construct(get_scene(CHEAP), SceneConfig(), "l")
    expected = np.asarray(scene.renderer.get_frame())[..., :3].astype(int)
    assert last.shape == expected.shape == (480, 854, 3)
    # video compression blurs edges a little; a cropped frame would move nearly every stroke
    assert (np.abs(last - expected).max(axis=2) > 40).mean() < 0.03


def test_still_ignores_manim_cfg_in_the_working_folder(tmp_path: Path) -> None:
    (tmp_path / "manim.cfg").write_text(MANIM_CFG)
    png = tmp_path / "still.png"
    cmd = [sys.executable, str(ROOT / "render.py"), "still", CHEAP, "-q", "l", "--step", "1"]
    proc = subprocess.run([*cmd, "-o", str(png)], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    still = np.asarray(Image.open(png).convert("RGB")).astype(int)
    scene = engine.construct(get_scene(CHEAP), SceneConfig(), "l", capture_step=1)
    expected = np.asarray(scene.captured_frame)[..., :3].astype(int)
    assert still.shape == expected.shape
    differ = np.abs(still - expected).max(axis=2) > 2
    assert not differ.any(), f"{differ.mean():.2%} of the pixels differ"


NO_OP_PROBE = """
import runpy, sys
sys.argv = ["render.py", *sys.argv[1:]]
try:
    runpy.run_path({render!r}, run_name="__main__")
except SystemExit as exit:
    assert not exit.code, exit.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("manim", "manim_slides")
               or m.startswith("scenes.lecture"))
print("imported:", heavy[:5])
"""


def test_no_op_render_imports_neither_manim_nor_the_scenes(cheap_render: Path) -> None:
    probe = NO_OP_PROBE.format(render=str(ROOT / "render.py"))
    args = ["render", CHEAP, "-q", "l", "-o", "out"]
    proc = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=cheap_render, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "nothing to render" in proc.stdout
    assert "imported: []" in proc.stdout, proc.stdout


def test_damaged_video_is_rendered_again(cheap_render: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(cheap_render / "out", out)
    video = out / "lecture4" / f"{CHEAP}.mp4"
    good = video.read_bytes()
    video.write_bytes(good[: len(good) // 3])  # a truncated copy, a full disk, a bad sync
    result = run("render", CHEAP, "-q", "l", "-j", "1", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "nothing to render" not in result.output
    reference = cheap_render / "out" / "lecture4" / f"{CHEAP}.mp4"
    assert len(_video_frames(video)) == len(_video_frames(reference))


@pytest.mark.slow
def test_deleted_step_videos_and_corrupt_manifest_are_rebuilt(
    cheap_render: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(cheap_render / "out", out)
    shutil.rmtree(out / "slides" / "files")
    result = run("render", CHEAP, "-q", "l", "-j", "1", "-o", str(out))
    assert result.exit_code == 0 and "nothing to render" not in result.output, result.output
    assert list((out / "slides" / "files").rglob("*.mp4"))
    (out / "manifest.json").write_text("[]")
    result = run("render", CHEAP, "-q", "l", "-j", "1", "-o", str(out))
    assert result.exit_code == 0 and "nothing to render" not in result.output, result.output
    assert "moved it to manifest.json.corrupt-" in result.output
    assert run("render", CHEAP, "-o", str(out)).output.startswith("nothing to render")


def test_content_hash_tracks_what_changes_pixels() -> None:
    circuit, odyssey = get_scene("lstm-circuit"), get_scene("lstm-odyssey")
    base = SceneConfig()
    h = engine.content_hash(circuit, base, "l", "mp4", False)
    assert h == engine.content_hash(circuit, base, "l", "mp4", False)  # stable
    assert h != engine.content_hash(odyssey, base, "l", "mp4", False)
    assert h != engine.content_hash(circuit, SceneConfig(theme="dark"), "l", "mp4", False)
    assert h != engine.content_hash(circuit, base.with_model(seed=1), "l", "mp4", False)
    assert h != engine.content_hash(circuit, base, "m", "mp4", False)
    assert h != engine.content_hash(circuit, base, "l", "webm", False)


def test_source_hash_of_a_scene_ignores_its_sibling_classes() -> None:
    """Editing one scene class re-renders that scene only: its hash is computed from its
    own class source plus the module's shared code, without the other scene classes."""
    import inspect

    info = get_scene("lstm-circuit")
    sibling = get_scene("lstm-odyssey")
    module_src = inspect.getsource(sys.modules[info.cls.__module__])
    assert inspect.getsource(sibling.cls) in module_src
    assert engine.source_hash(info) == engine.source_hash(info)
    assert engine.source_hash(info) != engine.source_hash(sibling)


def test_per_lecture_config_changes_only_that_lecture(tmp_path: Path) -> None:
    config = write(tmp_path, "[lecture.4.model]\nseed = 7\n")
    resolve = render._load_config(str(config), None, None)
    assert resolve(4).model.seed == 7
    assert resolve(2).model.seed == SceneConfig().model.seed
    plain = render._load_config(None, None, None)
    info = get_scene(CHEAP)
    assert engine.content_hash(info, resolve(4), "l", "mp4", False) != engine.content_hash(
        info, plain(4), "l", "mp4", False
    )


# ---------------------------------------------------------------------------------------
# Atomic outputs and concurrent runs


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "figure.png"
    target.write_bytes(b"old")

    def boom(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(engine.os, "replace", boom)
    with pytest.raises(OSError):
        engine.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]


def _hammer_manifest(out: str, worker: int) -> None:
    for k in range(15):
        engine.update_manifest(Path(out), {f"w{worker}/{k}": {"k": k}})


def test_concurrent_runs_do_not_lose_manifest_entries(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_hammer_manifest, args=(str(tmp_path), w)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    outputs = json.loads((tmp_path / "manifest.json").read_text())["outputs"]
    assert len(outputs) == 45


@pytest.mark.slow
def test_interrupted_render_keeps_earlier_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    video = out / "lecture4" / f"{CHEAP}.mp4"
    video.parent.mkdir(parents=True)
    video.write_bytes(b"an earlier render")
    proc = subprocess.Popen(
        [sys.executable, "render.py", "render", CHEAP, "--force", "-j", "1", "-o", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # inside the render: once the worker has written a partial movie (a fixed sleep raced
    # the render as it got faster)
    deadline = time.monotonic() + 60
    while not list((out / ".tmp").rglob("*.mp4")) and time.monotonic() < deadline:
        assert proc.poll() is None, "the render ended before it could be interrupted"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    output = proc.communicate(timeout=60)[0].decode()
    assert proc.returncode != 0
    assert "Traceback" not in output
    assert video.read_bytes() == b"an earlier render"
    partial = [p for p in out.rglob("*") if p.is_file() and p != video]
    assert not [p for p in partial if p.suffix in (".mp4", ".part")], partial


# ---------------------------------------------------------------------------------------
# Decks


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["pptx", "pdf", "html"])
def test_deck_of_lecture_4(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    dest = tmp_path / f"deck.{fmt}"
    result = run(
        "deck", "--lecture", "4", "--to", fmt, "-j", "2", "--out", str(out), "-o", str(dest)
    )
    assert result.exit_code == 0, result.output
    assert dest.stat().st_size > 10_000
    head = dest.read_bytes()[:8]
    assert head.startswith({"pptx": b"PK", "pdf": b"%PDF", "html": b"<"}[fmt]) or fmt == "html"
    if fmt == "html":
        text = dest.read_text()
        assert text.count("<section") >= sum(
            len(json.loads(p.read_text())["slides"])
            for p in (out / "slides").glob("*.json")
            if p.name.count(".") == 1  # not the .captions.json and .rests.json beside them
        )


# ---------------------------------------------------------------------------------------
# The example config and plain manim


def test_example_config_is_valid_and_shows_every_key() -> None:
    from scenes.kit import config as config_module

    example = ROOT / "examples" / "config.toml"
    parsed = config_module.load_config(example)
    assert parsed.for_lecture(4).model.seed == 7
    assert parsed.for_lecture(5).theme == "dark"
    text = example.read_text()
    readme = (ROOT / "README.md").read_text()
    for key in config_module.TOP_KEYS:
        assert key in text, key
        assert f"`{key}`" in readme, f"README does not document config key {key!r}"
    for key in config_module._MODEL_TYPES:
        assert key in text, key
        assert f"`model.{key}`" in readme, f"README does not document config key model.{key}"


def test_lecture_files_load_without_the_package() -> None:
    """`manim render scenes/lectureN_*.py Class` loads a file outside its package, so
    lecture modules use absolute imports."""
    import importlib.util
    import sys

    for path in sorted((ROOT / "scenes").glob("lecture*_*.py")):
        # the way manim's module_ops loads a scene file: registered, then executed
        name = f"standalone_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        finally:
            sys.modules.pop(name, None)
        assert module.SCENES, path.name


def test_readme_lists_every_scene() -> None:
    readme = (ROOT / "README.md").read_text()
    for info in all_scenes():
        assert f"`{info.id}`" in readme, f"README's scene table lacks {info.id}"


POSIX_ONLY = ("fcntl", "termios", "pwd", "grp", "resource")


def test_cli_imports_without_posix_only_modules() -> None:
    """On Windows there is no fcntl (nor termios, pwd, grp, resource): importing the CLI and
    listing scenes must not need them (filelock picks the platform's own lock)."""
    code = (
        "import sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        f"for name in {POSIX_ONLY!r}:\n"
        "    sys.modules[name] = None  # any import of it now fails\n"
        "import render\n"
        "from click.testing import CliRunner\n"
        "result = CliRunner().invoke(render.cli, ['list', '--no-steps', '--lecture', '3'])\n"
        "print(result.exit_code, result.output)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("0 ") and "history-timeline" in proc.stdout


def test_qualities_live_side_by_side(cheap_render: Path, tmp_path: Path) -> None:
    """Switching quality renders the other one once; both stay, each cached on its own."""
    import av

    out = tmp_path / "out"
    shutil.copytree(cheap_render / "out", out)
    result = run("render", CHEAP, "-q", "m", "-j", "1", "-o", str(out))
    assert result.exit_code == 0 and "nothing to render" not in result.output, result.output
    low, mid = out / "lecture4" / f"{CHEAP}.mp4", out / "lecture4" / f"{CHEAP}-720p30.mp4"
    for path, height in ((low, 480), (mid, 720)):
        with av.open(str(path)) as container:
            assert container.streams.video[0].codec_context.height == height
    assert (out / "slides-720p30" / "LSTMGateExtremes.json").exists()
    assert (out / "slides" / "LSTMGateExtremes.json").exists()
    for quality in ("l", "m"):
        again = run("render", CHEAP, "-q", quality, "-o", str(out))
        assert again.output.startswith("nothing to render"), again.output
