"""Nothing a user types destroys a file: the one output rule (``slidebuild.outputs``) that
every command applies before it writes, mutually exclusive and ineffective options, and
OS errors (a full disk, permission denied) as one line naming the path.

Every refusal here happens before anything renders, so the CLI runs through click's
CliRunner in milliseconds; the deck's conversion is replaced where a test needs it to
succeed.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from render import cli
from slidebuild import engine, outputs
from slidebuild.outputs import OutputError, check_output, os_error_message

CHEAP = "lstm-gate-extremes"  # lecture 4
LINE_LIMIT = 200


def run(*args: str, cwd: Path | None = None):
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def refused(result, *needles: str) -> str:
    """Exit 1 and exactly one line 'Error: ...' (at most ~200 characters) holding
    ``needles``; no traceback."""
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    line = lines[0]
    assert line.startswith("Error: ") and "Traceback" not in line, line
    assert len(line) <= LINE_LIMIT, f"{len(line)}: {line}"
    for needle in needles:
        assert needle in line, line
    return line


def rendered_out(tmp_path: Path) -> Path:
    """An output folder as a render of lstm-gate-extremes leaves it: the video, its slide
    data and a manifest recording both (contents are stand-ins: nothing here reads them)."""
    out = tmp_path / "out"
    video = out / "lecture4" / f"{CHEAP}.mp4"
    slides = out / "slides" / "LstmGateExtremes.json"
    for path, data in ((video, b"a rendered video"), (slides, b"{}")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    engine.update_manifest(
        out,
        {
            f"lecture4/{CHEAP}.mp4": {
                "hash": "h",
                "scene": CHEAP,
                **engine.file_record(video),
                "files": {"slides/LstmGateExtremes.json": engine.file_record(slides)},
            }
        },
    )
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# ---------------------------------------------------------------------------------------
# The table's "output lost" cases


def test_deck_never_writes_over_its_manifest(tmp_path: Path) -> None:
    out = rendered_out(tmp_path)
    before = snapshot(out)
    line = refused(
        run(
            "deck",
            "--lecture",
            "4",
            "--to",
            "pdf",
            "--out",
            "out",
            "-o",
            "out/manifest.json",
            cwd=tmp_path,
        ),
        "'out/manifest.json' is the manifest of 'out'",
        "choose another file with -o",
        "deck-lecture4.pdf",
    )
    assert "corrupt" not in line
    assert snapshot(out) == before  # every cache record kept, nothing moved aside


def test_handout_never_writes_over_the_manifest_of_a_new_folder(tmp_path: Path) -> None:
    """The command's own output folder is protected before its manifest exists."""
    refused(
        run(
            "deck",
            "--lecture",
            "4",
            "--to",
            "handout",
            "--out",
            "new",
            "-o",
            "new/manifest.json",
            cwd=tmp_path,
        ),
        "manifest of 'new'",
    )


def test_deck_never_writes_over_a_rendered_video(tmp_path: Path) -> None:
    out = rendered_out(tmp_path)
    before = snapshot(out)
    video = f"out/lecture4/{CHEAP}.mp4"
    refused(
        run("deck", "--lecture", "4", "--to", "html", "--out", "out", "-o", video, cwd=tmp_path),
        f"'{video}' is the rendered video of {CHEAP}",
        "'out/manifest.json' tracks it",
    )
    refused(  # the slide data decks are built from, too
        run(
            "deck",
            "--lecture",
            "4",
            "--to",
            "html",
            "-o",
            "out/slides/LstmGateExtremes.json",
            cwd=tmp_path,
        ),
        "slide data of lstm-gate-extremes",
    )
    assert snapshot(out) == before


def test_deck_never_writes_over_a_video_it_is_about_to_render(tmp_path: Path) -> None:
    """Before the first render no manifest tracks the video yet: it is an input."""
    refused(
        run(
            "deck",
            "--lecture",
            "4",
            "--to",
            "html",
            "-o",
            f"out/lecture4/{CHEAP}.mp4",
            cwd=tmp_path,
        ),
        "is an input of this command",
    )
    assert not (tmp_path / "out" / "lecture4").exists()


def test_weights_import_never_writes_over_its_source(tmp_path: Path) -> None:
    state = {"weight_ih_l0": np.ones((12, 2)) * 0.1, "weight_hh_l0": np.ones((12, 3)) * 0.1}
    np.savez(tmp_path / "a.npz", **state)
    before = (tmp_path / "a.npz").read_bytes()
    refused(
        run("weights", "import", "a.npz", "--from", "torch", "-o", "a.npz", cwd=tmp_path),
        "'a.npz' is an input of this command",
        "-o",
    )
    os.link(tmp_path / "a.npz", tmp_path / "b.npz")  # the same file under another name
    refused(
        run("weights", "import", "a.npz", "--from", "torch", "-o", "b.npz", cwd=tmp_path),
        "'b.npz' is an input",
    )
    assert (tmp_path / "a.npz").read_bytes() == before
    line = refused(
        run("weights", "import", "a.npz", "--from", "torch", "-o", "a.txt", cwd=tmp_path)
    )
    assert "'a-out.npz'" in line  # never suggests the source's own name


def test_read_only_target_is_refused_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "protected.png"
    target.write_bytes(b"the lecturer's own figure")
    target.chmod(stat.S_IREAD)
    try:
        refused(
            run("still", CHEAP, "-q", "l", "-o", str(target)),
            "protected.png' is read-only and was left untouched",
            "make it writable",
        )
        assert target.read_bytes() == b"the lecturer's own figure"
        assert not target.stat().st_mode & stat.S_IWUSR  # not made 0644 either
    finally:
        target.chmod(stat.S_IREAD | stat.S_IWRITE)


def test_render_refuses_a_read_only_video_before_rendering(tmp_path: Path, monkeypatch) -> None:
    video = tmp_path / "out" / "lecture4" / f"{CHEAP}.mp4"
    video.parent.mkdir(parents=True)
    video.write_bytes(b"kept")
    video.chmod(stat.S_IREAD)
    monkeypatch.setattr(engine, "_run_jobs", lambda *a: pytest.fail("rendered"))
    try:
        refused(run("render", CHEAP, "-o", str(tmp_path / "out")), "read-only", f"{CHEAP}.mp4")
    finally:
        video.chmod(stat.S_IREAD | stat.S_IWRITE)
    assert video.read_bytes() == b"kept"


def test_figures_refuse_a_read_only_figure_before_drawing_any(tmp_path: Path) -> None:
    from slidebuild.figures import FIGURES

    spec = FIGURES[-1]
    target = tmp_path / f"lecture{spec.lecture}" / f"{spec.id}.svg"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"kept")
    target.chmod(stat.S_IREAD)
    try:
        result = run(
            "figures", "--format", "svg", "--lecture", str(spec.lecture), "-o", str(tmp_path)
        )
        refused(result, "read-only", f"{spec.id}.svg")
    finally:
        target.chmod(stat.S_IREAD | stat.S_IWRITE)
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # none drawn


@pytest.mark.parametrize(
    ("to", "name", "suggested"),
    [
        ("pptx", "lstm.pdf", "lstm.pptx"),
        ("pdf", "lstm.pptx", "lstm.pdf"),
        ("html", "lstm", "lstm.html"),
        ("handout", "lstm.html", "lstm.pdf"),
    ],
)
def test_deck_extension_matches_its_format(tmp_path: Path, to, name, suggested) -> None:
    refused(
        run("deck", "--lecture", "4", "--to", to, "-o", name, cwd=tmp_path),
        f"name the output '{suggested}', not '{name}'",
    )
    assert not any(tmp_path.iterdir())


def test_still_extension_picks_a_format(tmp_path: Path) -> None:
    refused(run("still", CHEAP, "-o", str(tmp_path / "x.jpg")), ".png, .svg or .pdf", "x.png")


# ---------------------------------------------------------------------------------------
# The rule itself


def test_the_rule_lives_where_the_engine_keeps_its_names() -> None:
    assert outputs.MANIFEST == engine.MANIFEST and outputs.LOCK_NAME == engine.LOCK_NAME


def test_a_deck_may_replace_its_own_build_but_not_another_deck(tmp_path: Path) -> None:
    out, deck, other = tmp_path / "out", tmp_path / "a.html", tmp_path / "b.pdf"
    for path in (deck, other, tmp_path / "a_assets" / "x.js"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    entries = {
        f"decks/{deck.resolve().as_posix()}": {
            "hash": "h",
            "format": "html",
            "files": {"a_assets/x.js": {"size": 1, "sha256": "s"}},
        },
        f"decks/{other.resolve().as_posix()}": {"hash": "h", "format": "pdf", "files": {}},
    }
    engine.update_manifest(out, entries)
    rule = {"suffixes": (".html",), "writes": "", "out": out}
    check_output(deck, own=f"decks/{deck.resolve().as_posix()}", **rule)  # its own: fine
    with pytest.raises(OutputError, match="the HTML deck rnn-slides built"):
        check_output(deck, own="decks/elsewhere", **rule)
    with pytest.raises(OutputError, match="part of a deck"):
        check_output(tmp_path / "a_assets" / "x.js", suffixes=(".js",), writes="", out=out)
    with pytest.raises(OutputError, match="the PDF deck"):  # a handout over a deck
        check_output(other, suffixes=(".pdf",), writes="", out=out)


@pytest.mark.parametrize("name", [".rnn-slides.lock", ".cache/steps.json", ".tmp/run/x.png"])
def test_working_files_of_an_output_folder_are_protected(tmp_path: Path, name: str) -> None:
    engine.update_manifest(tmp_path, {})
    with pytest.raises(OutputError, match="a working file of rnn-slides"):
        check_output(tmp_path / name, suffixes=(Path(name).suffix,), writes="")


def test_a_foreign_manifest_json_is_not_ours_to_protect(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"name": "a web app"}')
    check_output(tmp_path / "x.png", suffixes=(".png",), writes="")  # no refusal


def test_a_folder_is_named_as_one(tmp_path: Path) -> None:
    (tmp_path / "x.png").mkdir()
    with pytest.raises(OutputError, match="is a folder, not a file"):
        check_output(tmp_path / "x.png", suffixes=(".png",), writes="")


# ---------------------------------------------------------------------------------------
# Options: mutually exclusive, or without effect


@pytest.mark.parametrize(
    "args",
    [
        ("render", "--lecture", "4", "--all"),
        ("check", "--lecture", "4", "--all"),
        ("deck", "--lecture", "4", "--all", "--to", "pdf"),
    ],
    ids=["render", "check", "deck"],
)
def test_lecture_and_all_together_are_refused(args) -> None:
    refused(run(*args), "pass --lecture 4 or --all, not both")


def test_ids_and_lecture_together_are_refused() -> None:
    refused(run("render", CHEAP, "--lecture", "4"), "not both")


def test_seed_with_the_trained_lstm_says_it_has_no_effect(tmp_path: Path) -> None:
    result = run("still", CHEAP, "--seed", "5", "-o", str(tmp_path / "x.jpg"))
    warning = [ln for ln in result.output.splitlines() if ln.startswith("warning:")]
    assert len(warning) == 1, result.output
    for needle in ("lecture 4 draws the trained LSTM", "ignores --seed", 'preset = "random"'):
        assert needle in warning[0]
    # the seeded models (lecture 2) use the seed: no warning
    result = run("still", "rnn-neurons", "--seed", "5", "-o", str(tmp_path / "x.jpg"))
    assert "warning" not in result.output
    # the random preset uses it too
    cfg = tmp_path / "cfg.toml"
    cfg.write_text('[lecture.4.model]\npreset = "random"\n')
    result = run("still", CHEAP, "--seed", "5", "--config", str(cfg), "-o", str(tmp_path / "x.jpg"))
    assert "warning" not in result.output


def test_revealjs_without_offline_says_it_is_ignored(tmp_path: Path) -> None:
    result = run(
        "deck", "--lecture", "4", "--to", "pdf", "--revealjs", "rj", "-o", "x.txt", cwd=tmp_path
    )
    assert "warning: --revealjs is used with --offline only" in result.output


# ---------------------------------------------------------------------------------------
# OS errors: the path and what to do


def test_full_disk_names_the_file_and_keeps_the_old_one(tmp_path: Path, monkeypatch) -> None:
    np.savez(
        tmp_path / "sd.npz",
        weight_ih_l0=np.ones((12, 2)) * 0.1,
        weight_hh_l0=np.ones((12, 3)) * 0.1,
    )
    (tmp_path / "w.npz").write_bytes(b"an earlier import")

    def full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(engine.os, "replace", full)
    refused(
        run("weights", "import", "sd.npz", "--from", "torch", "-o", "w.npz", cwd=tmp_path),
        "no space left on the disk holding 'w.npz'",
        "free some space",
    )
    assert (tmp_path / "w.npz").read_bytes() == b"an earlier import"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sd.npz", "w.npz"]


def test_a_written_deck_exits_0_when_the_manifest_cannot_record_it(
    tmp_path: Path, monkeypatch
) -> None:
    """The disk fills after the deck is installed: a warning, the deck, exit code 0."""

    def convert(cmd, **_kwargs):
        Path(cmd[cmd.index("--folder") - 1]).write_bytes(b"%PDF a deck")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "out/manifest.json")

    monkeypatch.setattr(engine, "build", lambda *a, **k: {})  # the scenes are rendered
    monkeypatch.setattr(engine.subprocess, "run", convert)
    monkeypatch.setattr(engine, "update_manifest", full)
    result = run("deck", "--lecture", "4", "--to", "pdf", "-o", "deck.pdf", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "deck.pdf").read_bytes() == b"%PDF a deck"
    assert "wrote deck.pdf" in result.output
    assert "could not record it" in result.output and "No space left" in result.output


def test_a_full_disk_during_conversion_names_the_deck(tmp_path: Path, monkeypatch) -> None:
    def convert(cmd, **_kwargs):
        return subprocess.CompletedProcess(
            cmd, 1, "", "OSError: [Errno 28] No space left on device"
        )

    monkeypatch.setattr(engine, "build", lambda *a, **k: {})
    monkeypatch.setattr(engine.subprocess, "run", convert)
    refused(
        run("deck", "--lecture", "4", "--to", "pdf", "-o", "deck.pdf", cwd=tmp_path),
        "no space left on the disk holding 'deck.pdf'",
    )


@pytest.mark.parametrize(
    ("code", "needles"),
    [
        (errno.ENOSPC, ("no space left", "'out/x.mp4'", "free some space")),
        (errno.EACCES, ("permission denied for 'out/x.mp4'", "write elsewhere")),
        (errno.EROFS, ("'out/x.mp4' is on a read-only file system",)),
        (errno.EISDIR, ("is a folder",)),
    ],
)
def test_os_errors_name_the_path_and_the_fix(code: int, needles) -> None:
    message = os_error_message(OSError(code, os.strerror(code), "out/x.mp4"))
    for needle in needles:
        assert needle in message, message


def test_an_atomic_write_failure_names_the_target_not_the_temporary(
    tmp_path: Path, monkeypatch
) -> None:
    def full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(engine.os, "replace", full)
    with pytest.raises(OSError) as info:
        engine.atomic_write_bytes(tmp_path / "deck.pdf", b"x")
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(tmp_path / "deck.pdf")


def test_a_worker_full_disk_names_the_output_folder(tmp_path: Path) -> None:
    """manim's ENOSPC in a render worker carries no file name: the output folder's is given."""
    from concurrent.futures import Future

    future: Future = Future()
    future.set_exception(OSError(errno.ENOSPC, "No space left on device"))
    payload = {"tmp": str(tmp_path / "out" / ".tmp" / "run" / CHEAP)}
    with pytest.raises(OSError) as info:
        engine._result(future, payload)
    assert info.value.errno == errno.ENOSPC
    assert "no space left on the disk holding" in os_error_message(info.value)
    assert info.value.filename == str(tmp_path / "out")


def test_folders_where_files_belong_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "weights").mkdir()
    refused(
        run("weights", "import", "weights", "--from", "torch", "-o", "w.npz", cwd=tmp_path),
        "weights is a folder, not a file",
    )
    refused(run("still", CHEAP, "-o", str(tmp_path)), "is a folder, not a file", "-o")
    refused(
        run("deck", "--lecture", "4", "--to", "pdf", "-o", "weights", cwd=tmp_path),
        "'weights' is a folder",
    )


def test_an_html_deck_never_replaces_an_assets_folder_it_did_not_make(
    tmp_path: Path, monkeypatch
) -> None:
    def convert(cmd, **_kwargs):
        deck = Path(cmd[cmd.index("--folder") - 1])
        deck.write_text("<html></html>")
        (deck.parent / f"{deck.stem}_assets").mkdir()
        (deck.parent / f"{deck.stem}_assets" / "s0_1.mp4").write_bytes(b"video")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(engine.subprocess, "run", convert)
    out, deck, theirs = tmp_path / "out", tmp_path / "talk.html", tmp_path / "talk_assets"
    theirs.mkdir()
    (theirs / "photo.jpg").write_bytes(b"the lecturer's")
    with pytest.raises(OutputError, match="talk_assets' would be replaced by the deck's videos"):
        engine.build_deck(out, ["A"], deck, "html", [])
    assert (theirs / "photo.jpg").read_bytes() == b"the lecturer's" and not deck.exists()
    (theirs / "photo.jpg").rename(tmp_path / "photo.jpg")
    theirs.rmdir()
    assert engine.build_deck(out, ["A"], deck, "html", [])  # made and recorded
    deck.unlink()  # damaged: rebuilt over its own assets
    assert engine.build_deck(out, ["A"], deck, "html", [])
    assert [p.name for p in theirs.iterdir()] == ["s0_1.mp4"]
