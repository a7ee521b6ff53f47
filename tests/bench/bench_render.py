"""Rendering speed of the CLI, as ratios measured in one run.

1. A no-op rebuild of one lecture (``rnn-slides render --lecture N`` with nothing changed)
   against rendering that lecture (targets: under 5% and under 1 s). Deciding "nothing to
   do" imports neither manim nor the scenes; what it costs is Python, numpy, hashing the
   source text and checking the sha256 of every video and step video the lecture has.
2. The whole deck at -ql with ``-j 2`` against the same scenes rendered one after another
   with plain ``manim render`` (target: at most 0.6x the time).
3. A deck rebuild with nothing changed against that full build, in seconds and as a ratio
   (target: under 5%).
4. Each scene's render time against an empty scene of the same length and quality
   (target: at most 4x; slow updaters that rebuild text every frame would show here).
5. Peak memory of a 1080p render per scene: opt-in, ``BENCH_MEMORY=1`` (slow).

``BENCH_LECTURES=4,5`` limits the scenes (default: every lecture); ``BENCH_NOOP_LECTURE``
picks the lecture of part 1 (default 4); ``BENCH_PARTS=noop,deck,per-scene`` runs only
those parts (default: all).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable

# Runs in a child process: render one scene (or an empty scene of a given length) and
# report the render time (imports excluded), frame count and peak memory.
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
spec = json.loads(sys.argv[1])
from manim import Scene, tempconfig
from slidebuild.registry import get_scene
import logging
for name in ("manim", "manim-slides", "manim_slides"):
    logging.getLogger(name).setLevel(logging.ERROR)
sizes = {"l": (854, 480, 15), "h": (1920, 1080, 60)}
w, h, fps = sizes[spec["quality"]]
settings = dict(pixel_width=w, pixel_height=h, frame_rate=fps, media_dir=spec["media"],
                progress_bar="none", verbosity="ERROR", disable_caching=True,
                write_to_movie=True)
with tempconfig(settings):
    if spec.get("empty"):
        class Empty(Scene):
            def construct(self):
                self.wait(spec["empty"])
        scene = Empty()
    else:
        cls = get_scene(spec["id"]).cls
        skip = bool(spec.get("skip"))  # build only: the scene's cost that is not per frame
        if skip:  # no videos to collect; skipping must go to the constructor (manim resets
            # renderer.skip_animations to its construction value at every play)
            from scenes.kit.config import SceneConfig
            cls = cls.configured(SceneConfig(), write_slides=False)
        scene = cls(output_folder=Path(spec["media"]) / "slides", skip_animations=skip)
    t0 = time.perf_counter()
    scene.render()
    seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "duration": float(scene.renderer.time),
                  "frames": int(round(scene.renderer.time * fps)),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(spec: dict) -> dict:
    proc = subprocess.run(
        [PY, "-c", CHILD, json.dumps(spec)], cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _scenes():
    sys.path.insert(0, str(ROOT))
    from slidebuild.registry import all_scenes

    wanted = os.environ.get("BENCH_LECTURES")
    lectures = {int(x) for x in wanted.split(",")} if wanted else None
    return [s for s in all_scenes() if lectures is None or s.lecture in lectures]


def _timed(cmd: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{' '.join(cmd[:4])}... failed: {' | '.join(tail)}")
    return time.perf_counter() - t0


def _snapshot(work: Path) -> Path:
    """A frozen copy of the sources: the no-op timings mean "nothing changed" only if
    nobody edits the tree during the run (any edit to the kit rightly re-renders)."""
    src = work / "src"
    if (src / "render.py").exists():
        return src / "render.py"
    for name in ("render.py", "scenes", "rnn_core"):
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, src / name)
    return src / "render.py"


def _noop_seconds(cmd: list[str], cwd: Path, runs: int = 3) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of the fastest of a few no-op runs: the
    machines are shared, so the minimum is the cost, and CPU time shows it under load."""
    import resource

    best = (float("inf"), float("inf"))
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = _timed(cmd, cwd)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return best


def bench_noop_lecture(lecture: int, work: Path) -> int:
    """Rendering one lecture, then rebuilding it with nothing changed."""
    cmd = [PY, str(_snapshot(work)), "render", "--lecture", str(lecture), "-q", "l"]
    cmd += ["-j", "2", "-o", str(work / "noop")]
    full = _timed(cmd, cwd=work)
    noop, cpu = _noop_seconds(cmd, cwd=work)
    ratio = noop / full
    print(
        f"lecture {lecture}: render -ql -j 2 {full:.1f} s; no-op rebuild {noop:.2f} s "
        f"({cpu:.2f} s CPU) = {100 * ratio:.1f}% of it (targets < 5% and < 1 s)"
    )
    return int(ratio >= 0.05) + int(noop >= 1.0)


def bench_deck(infos, work: Path) -> int:
    """The CLI's parallel deck build against sequential plain manim renders."""
    misses = 0
    plain = 0.0
    for info in infos:
        module = str(info.path)
        plain += _timed(
            [
                PY,
                "-m",
                "manim",
                "render",
                "-ql",
                "--disable_caching",
                "--progress_bar",
                "none",
                "-v",
                "ERROR",
                "--media_dir",
                str(work / "plain"),
                module,
                info.class_name,
            ],
            cwd=work,
        )
    lectures = sorted({i.lecture for i in infos})
    select = ["--all"] if len(lectures) > 1 else ["--lecture", str(lectures[0])]
    deck = [
        PY,
        str(_snapshot(work)),
        "deck",
        *select,
        "--to",
        "html",
        "-q",
        "l",
        "-j",
        "2",
        "--out",
        str(work / "out"),
        "-o",
        str(work / "deck.html"),
    ]
    full = _timed(deck, cwd=work)
    rebuild, rebuild_cpu = _noop_seconds(deck, cwd=work)
    ratio, rebuild_ratio = full / plain, rebuild / full
    print(
        f"{len(infos)} scenes: sequential `manim render -ql` {plain:.1f} s; "
        f"`rnn-slides deck -j 2` {full:.1f} s = {ratio:.2f}x (target <= 0.6x)"
    )
    print(
        f"deck rebuild with nothing changed: {rebuild:.2f} s ({rebuild_cpu:.2f} s CPU) = "
        f"{100 * rebuild_ratio:.1f}% "
        "of the full build (target < 5%)"
    )
    misses += ratio > 0.6
    misses += rebuild_ratio >= 0.05
    return misses


def bench_per_scene(infos, work: Path) -> int:
    """Each scene against an empty scene of the same length and quality: the whole render,
    and the per-frame part (the render minus building the scene with animations skipped,
    which is typesetting and layout paid once, not per frame)."""
    misses = 0
    print(
        f"{'scene':26} {'frames':>6} {'render s':>8} {'build s':>8} {'empty s':>8} "
        f"{'whole':>6} {'per frame':>9}"
    )
    for info in infos:
        ours = _child({"id": info.id, "quality": "l", "media": str(work / "ps")})
        build = _child({"id": info.id, "quality": "l", "media": str(work / "pb"), "skip": True})
        empty = _child({"empty": ours["duration"], "quality": "l", "media": str(work / "pe")})
        whole = ours["seconds"] / empty["seconds"]
        per_frame = max(ours["seconds"] - build["seconds"], 0.0) / empty["seconds"]
        flag = "" if per_frame <= 4 else "  (per frame over 4x)"
        misses += per_frame > 4
        print(
            f"{info.id:26} {ours['frames']:6d} {ours['seconds']:8.2f} {build['seconds']:8.2f} "
            f"{empty['seconds']:8.2f} {whole:5.1f}x {per_frame:8.1f}x{flag}"
        )
    return misses


def bench_memory(infos, work: Path) -> None:
    """Peak resident memory of a 1080p60 render, per scene (and of an empty scene)."""
    empty = _child({"empty": 2.0, "quality": "h", "media": str(work / "me")})
    print(f"peak memory at 1080p60 (empty scene: {empty['maxrss_mb']:.0f} MB)")
    for info in infos:
        result = _child({"id": info.id, "quality": "h", "media": str(work / "mh")})
        print(f"  {info.id:28} {result['maxrss_mb']:7.0f} MB  ({result['seconds']:.1f} s)")


COPY_CHILD = r"""
import copy, json, sys, time
import numpy as np
from manim import Mobject, tempconfig
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from scenes.kit import fastcopy
from scenes.kit.config import SceneConfig, lstm_setup
from scenes.kit.lstm_cell import LSTMCell
from rnn_core import lstm_forward
params, xs = lstm_setup(SceneConfig())
trace = lstm_forward(params, xs)
with tempconfig({"pixel_width": 256, "pixel_height": 144, "verbosity": "ERROR"}):
    cell = LSTMCell(layout="circuit")
    cell.show_values(trace.step(0))
def best(n=5, reps=3):
    times = []
    for _ in range(reps):
        t0 = time.process_time()  # CPU: steadier on a shared machine
        for _ in range(n):
            cell.copy()
        times.append((time.process_time() - t0) / n)
    return min(times)
def manims_deepcopy(self, memo):  # manim 0.21's Mobject.__deepcopy__
    result = self.__class__.__new__(self.__class__)
    memo[id(self)] = result
    for k, v in self.__dict__.items():
        setattr(result, k, copy.deepcopy(v, memo))
    result.original_id = str(id(self))
    return result
def sharing_paths(self, memo):  # the first step: parsed paths shared, manim's deepcopy
    memo.setdefault(id(self.path_obj), self.path_obj)
    return manims_deepcopy(self, memo)
fast = best()
Mobject.__deepcopy__ = manims_deepcopy
VMobjectFromSVGPath.__deepcopy__ = sharing_paths
shared = best()
VMobjectFromSVGPath.__deepcopy__ = manims_deepcopy
plain = best()
fastcopy.install()
print(json.dumps({"fast": fast, "shared": shared, "plain": plain,
                  "mobjects": len(cell.get_family())}))
"""


def bench_copy() -> int:
    """Copying an LSTM cell drawing with its values (what every Transform and fade does to
    its mobjects) with scenes/kit/fastcopy.py (parsed SVG paths shared, plain values taken
    directly) against manim's own deepcopy; the paths-shared-only step for information."""
    proc = subprocess.run([PY, "-c", COPY_CHILD], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1])
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    ratio = r["plain"] / r["fast"]
    print(
        f"copy of an LSTM cell with values ({r['mobjects']} mobjects): "
        f"{1000 * r['fast']:.1f} ms fastcopy vs {1000 * r['plain']:.1f} ms manim's "
        f"deepcopy = {ratio:.1f}x faster (target >= 2x; paths shared only: "
        f"{1000 * r['shared']:.1f} ms)"
    )
    return int(ratio < 2)


def main() -> int:
    infos = _scenes()
    parts = os.environ.get("BENCH_PARTS", "copy,noop,deck,per-scene").split(",")
    work = Path(tempfile.mkdtemp(prefix="rnn-slides-bench-"))
    misses = 0
    try:
        if "copy" in parts:
            misses += bench_copy()
        if "noop" in parts:
            misses += bench_noop_lecture(int(os.environ.get("BENCH_NOOP_LECTURE", "4")), work)
        if "deck" in parts:
            misses += bench_deck(infos, work)
        if "per-scene" in parts:
            misses += bench_per_scene(infos, work)
        if os.environ.get("BENCH_MEMORY"):
            bench_memory(infos, work)
        else:
            print("peak memory at 1080p: skipped (set BENCH_MEMORY=1)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return misses


if __name__ == "__main__":
    sys.exit(main())
