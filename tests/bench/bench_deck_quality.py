"""The default deck (vector resting frames over 720p15 video) against the 480p deck it
replaced, the 1080p30 deck against its empty-frame floor, all measured in one run.

Built from scratch, each into an empty output folder, with ``-j 2``:

1. the 480p deck as commit ``37a54ca`` built it (``render --all -q l -j 2 --force``, from a
   ``git worktree`` of that commit made here in a temporary folder); its scenes are the
   reference set: the lectures have grown since, so every other build below renders the
   same scenes (``deck ID ID ...``), and the whole of today's deck is timed beside them;
2. the same scenes at 480p15 with this code (``render IDS -q l -j 2 --force``);
3. the default deck, as ``make slides`` builds it (``deck IDS --to html -q m --fps 15
   --offline``: each step's video at 720p15 and its resting frame as vectors, the HTML
   conversion included); then today's whole deck the same way, and its rebuild with
   nothing changed;
4. the 1080p30 video deck of the same scenes (``deck IDS --to html -q h --fps 30``);
5. the floors: for each quality, empty scenes (a scene that only waits) of the deck's scene
   lengths in two processes, through manim's own encoder settings; at 1080p30 also through
   this engine's (x264 "veryfast", see ``slidebuild.engine.ENCODER_OPTIONS``).

Targets: the default deck <= 1.1x the old 480p deck; the 1080p30 deck <= 1.5x its floor;
the 480p time beyond the floor at most a third of the old deck's; the no-op rebuild < 1 s.
Each figure is wall time, with the CPU time (user + system, every process) beside it: on a
shared machine the CPU ratios are the steadier ones.

``BENCH_DECK_COMMIT`` picks another reference commit; ``BENCH_LECTURES=4`` limits the
scenes to one lecture (for a quick look; the README's figures are for the whole deck);
``BENCH_DECK_KEEP=DIR`` keeps the default deck of the reference scenes (``deck.html``) and
its output folder (``DIR/out``) there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
REFERENCE = os.environ.get("BENCH_DECK_COMMIT", "37a54ca")

# One process per lane, rendering its empty scenes one after another (as the engine's two
# workers render their scenes: manim is imported once per process, not once per scene).
EMPTY = r"""
import json, sys, tempfile
sys.path.insert(0, sys.argv[2])
from slidebuild import engine
spec = json.loads(sys.argv[1])
engine._import_manim()
if spec["tuned"]:
    engine._tune_encoder()
from manim import Scene
w, h, fps = engine.frame_size(spec["quality"])
for seconds in spec["seconds"]:
    with tempfile.TemporaryDirectory() as media:
        settings = dict(pixel_width=w, pixel_height=h, frame_rate=fps, media_dir=media,
                        progress_bar="none", verbosity="ERROR", disable_caching=True,
                        write_to_movie=True)
        with engine.manim_config(settings):
            class Empty(Scene):
                def construct(self):
                    self.wait(seconds)
            Empty().render()
"""


def _cpu() -> float:
    """CPU seconds of the finished child processes (and theirs), or 0 where unknown."""
    try:
        import resource
    except ImportError:  # Windows: wall times only
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{' '.join(cmd[:5])}... failed: {' | '.join(tail)}")
    return time.perf_counter() - t0


def _timed(fn, *args, **kwargs) -> tuple[float, float]:
    """Wall and CPU seconds of ``fn(*args, **kwargs)`` (which runs child processes)."""
    cpu = _cpu()
    wall = fn(*args, **kwargs)
    return wall, _cpu() - cpu


def _select() -> list[str]:
    wanted = os.environ.get("BENCH_LECTURES")
    if not wanted:
        return ["--all"]
    lectures = wanted.split(",")
    if len(lectures) > 1:
        raise SystemExit("BENCH_LECTURES: one lecture (or none, for the whole deck)")
    return ["--lecture", lectures[0]]


def _floor(durations: list[float], quality: str, tuned: bool) -> float:
    """Empty scenes of ``durations`` at ``quality`` in two processes (the longest first, each
    to the process with less to do)."""
    lanes: list[list[float]] = [[], []]
    for seconds in sorted(durations, reverse=True):
        min(lanes, key=sum).append(seconds)

    def lane(seconds: list[float]) -> None:
        spec = {"quality": quality, "seconds": seconds, "tuned": tuned}
        _run([PY, "-c", EMPTY, json.dumps(spec), str(ROOT)], cwd=ROOT)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lane, lanes))
    return time.perf_counter() - t0


def _durations(out: Path) -> dict[str, float]:
    manifest = json.loads((out / "manifest.json").read_text())
    return {
        e["scene"]: e["duration"] for k, e in manifest["outputs"].items() if k.startswith("lecture")
    }


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="rnn-slides-deck-quality-"))
    old = work / "reference"
    select = _select()
    env = {**os.environ, "PYTHONPATH": ""}
    offline = ["--offline"] if (ROOT / "node_modules" / "reveal.js").is_dir() else []
    try:
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(old), REFERENCE],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        old_env = {**env, "PYTHONPATH": str(old)}
        render = [PY, "render.py", "render", "-q", "l", "-j", "2", "--force", "-o"]
        old_480 = _timed(
            _run, [*render[:3], *select, *render[3:], str(work / "old-480")], cwd=old, env=old_env
        )
        ids = list(_durations(work / "old-480"))
        new_480 = _timed(
            _run, [*render[:3], *ids, *render[3:], str(work / "new-480")], cwd=ROOT, env=env
        )

        def deck(scenes: list[str], quality: list[str], name: str, extra: list[str]) -> list:
            return [
                PY,
                "render.py",
                "deck",
                *scenes,
                "--to",
                "html",
                *quality,
                *extra,
                "-j",
                "2",
                "--out",
                str(work / name),
                "-o",
                str(work / f"{name}.html"),
            ]

        default_q = ["-q", "m", "--fps", "15"]
        new_default = _timed(_run, deck(ids, default_q, "default", offline), cwd=ROOT, env=env)
        whole = _timed(_run, deck(select, default_q, "whole", offline), cwd=ROOT, env=env)
        noop = min(
            _run(deck(select, default_q, "whole", offline), cwd=ROOT, env=env) for _ in range(3)
        )
        new_1080 = _timed(
            _run, deck(ids, ["-q", "h", "--fps", "30"], "video-1080", []), cwd=ROOT, env=env
        )
        lengths = _durations(work / "default")
        durations = [lengths[i] for i in ids]
        whole_seconds = sum(_durations(work / "whole").values())
        if os.environ.get("BENCH_DECK_KEEP"):
            keep = Path(os.environ["BENCH_DECK_KEEP"])
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / "default.html", keep / "deck.html")
            shutil.copytree(work / "default", keep / "out", dirs_exist_ok=True)
        floor_480 = _timed(_floor, durations, "l", tuned=False)
        floor_1080 = _timed(_floor, durations, "h@30", tuned=False)
        floor_1080_tuned = _timed(_floor, durations, "h@30", tuned=True)
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, capture_output=True
        )
        shutil.rmtree(work, ignore_errors=True)

    def both(pair: tuple[float, float]) -> str:
        wall, cpu = pair
        return f"{wall:7.1f} s ({cpu:6.1f} s CPU)"

    print(
        f"{len(ids)} scenes of {REFERENCE} (git worktree), {sum(durations):.0f} video seconds; "
        f"today's whole deck {whole_seconds:.0f} video seconds"
    )
    print(f"  old 480p15 deck (render --all -q l -j 2 --force):   {both(old_480)}")
    print(f"  same scenes, 480p15, this code:                     {both(new_480)}")
    print(f"  default deck, same scenes (720p15 + vector rests):  {both(new_default)}")
    print(f"  default deck, today's whole deck:                   {both(whole)}")
    print(f"  its no-op rebuild:                                  {noop:7.2f} s (target < 1 s)")
    print(f"  1080p30 video deck, same scenes:                    {both(new_1080)}")
    print(f"  floor 480p15, manim's encoder:                      {both(floor_480)}")
    print(f"  floor 1080p30, manim's encoder:                     {both(floor_1080)}")
    print(f"  floor 1080p30, this engine's encoder:               {both(floor_1080_tuned)}")
    misses = int(noop >= 1.0)
    for i, kind in ((0, "wall"), (1, "CPU")):
        if kind == "CPU" and not old_480[1]:
            continue
        beyond_old = old_480[i] - floor_480[i]
        beyond_new = new_480[i] - floor_480[i]
        rows = [
            ("default deck / old 480p deck", new_default[i] / old_480[i], 1.1),
            ("1080p30 deck / its floor (manim's encoder)", new_1080[i] / floor_1080[i], 1.5),
            (
                "1080p30 deck / its floor (this engine's encoder)",
                new_1080[i] / floor_1080_tuned[i],
                1.5,
            ),
            ("480p time beyond the floor, new / old", beyond_new / beyond_old, 1 / 3),
        ]
        print(f"  {kind}: 480p beyond the floor: old {beyond_old:.1f} s, new {beyond_new:.1f} s")
        for name, value, target in rows:
            ok = value <= target
            if kind == "wall":
                misses += not ok
            flag = "" if ok else "  MISSED"
            print(f"  {kind}: {name}: {value:.2f}x (target <= {target:.2f}x){flag}")
    return misses


if __name__ == "__main__":
    sys.exit(main())
