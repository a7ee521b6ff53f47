"""The 3-D cliff landscape (``gradient-clipping``) at 1080p60 against an empty scene of the
same length and quality, measured in the same run.

Reported: the whole render against the empty scene, and for information the same scene
run with animations skipped (at 1080p that run takes nearly as long as the whole render, so
it is not a clean "build only" figure and no per-frame split is derived from it).

Target: the whole render at most 6x the empty scene's time (a 3-D surface of about 2000
faces is drawn on every frame; manim's own 3-D sort and shading are off).

``BENCH_LANDSCAPE_QUALITY=l`` measures at 480p15 instead (quicker).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from tests.bench.bench_render import _child

SCENE = "gradient-clipping"
TARGET = 6.0


def main() -> int:
    quality = os.environ.get("BENCH_LANDSCAPE_QUALITY", "h")
    work = Path(tempfile.mkdtemp(prefix="rnn-slides-landscape-"))
    try:
        ours = _child({"id": SCENE, "quality": quality, "media": str(work / "s")})
        build = _child({"id": SCENE, "quality": quality, "media": str(work / "b"), "skip": True})
        empty = _child({"empty": ours["duration"], "quality": quality, "media": str(work / "e")})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    whole = ours["seconds"] / empty["seconds"]
    size = "1080p60" if quality == "h" else "480p15"
    print(
        f"{SCENE} at {size}: {ours['frames']} frames in {ours['seconds']:.1f} s "
        f"(animations skipped: {build['seconds']:.1f} s; peak {ours['maxrss_mb']:.0f} MB); "
        f"empty scene of the same length {empty['seconds']:.1f} s"
    )
    print(f"  whole render {whole:.1f}x the empty scene (target <= {TARGET:g}x)")
    return int(whole > TARGET)


if __name__ == "__main__":
    import sys

    sys.exit(main())
