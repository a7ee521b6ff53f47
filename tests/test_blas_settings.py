"""The same numbers and figures under two BLAS kernels.

OpenBLAS picks a matrix-product kernel for the CPU at import time, and kernels differ in
the last bits of a result. ``OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512`` forces the
Haswell kernel, as some machines do; without them this CPU gets another one (check with
``python -c "import numpy, threadpoolctl; print(threadpoolctl.threadpool_info())"``:
``'architecture'`` is ``Haswell`` with the variables and ``SkylakeX`` without on an
AVX-512 machine). Anything a slide shows must not depend on which: the rnn_core tests
(including tests/rnn_core/test_determinism.py) pass under both, and the lecture-5 static
figures are the same pixels under both.

Each case runs two subprocesses side by side (about 10 s of CPU each case).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BLAS_VARS = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"}


def _env(forced: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in BLAS_VARS}
    if forced:
        env.update(BLAS_VARS)
    return env


def _run_both(args: list[str], timeout: float = 600) -> dict[str, subprocess.CompletedProcess]:
    """Run ``args`` (after the interpreter) with the BLAS variables set and unset, at once."""
    procs = {
        name: subprocess.Popen(
            [sys.executable, *args(name)] if callable(args) else [sys.executable, *args],
            cwd=ROOT,
            env=_env(forced=name == "haswell"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("haswell", "default")
    }
    done = {}
    for name, proc in procs.items():
        out, _ = proc.communicate(timeout=timeout)
        done[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, None)
    return done


def test_rnn_core_tests_pass_with_and_without_the_haswell_kernel():
    runs = _run_both(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/rnn_core"])
    for name, run in runs.items():
        tail = "\n".join(run.stdout.splitlines()[-25:])
        assert run.returncode == 0, f"tests/rnn_core fail with the {name} BLAS kernel:\n{tail}"
        assert " passed" in run.stdout, tail


def test_lecture_5_figures_are_pixel_identical_under_both_kernels(tmp_path):
    def args(name: str) -> list[str]:
        out = tmp_path / name
        return ["render.py", "figures", "--lecture", "5", "--format", "png", "-o", str(out)]

    runs = _run_both(args)
    for name, run in runs.items():
        assert run.returncode == 0, f"figures with the {name} kernel failed:\n{run.stdout[-2000:]}"
    first = sorted(
        p.relative_to(tmp_path / "haswell") for p in (tmp_path / "haswell").rglob("*.png")
    )
    second = sorted(
        p.relative_to(tmp_path / "default") for p in (tmp_path / "default").rglob("*.png")
    )
    assert first == second and len(first) >= 4, (first, second)
    for rel in first:
        with (
            Image.open(tmp_path / "haswell" / rel) as a,
            Image.open(tmp_path / "default" / rel) as b,
        ):
            pa, pb = np.asarray(a.convert("RGBA")), np.asarray(b.convert("RGBA"))
        assert pa.shape == pb.shape, rel
        changed = np.any(pa != pb, axis=-1).mean()
        assert changed == 0, f"{rel}: {changed:.2%} of the pixels differ between BLAS kernels"
