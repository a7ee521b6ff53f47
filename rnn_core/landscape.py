"""The loss landscape with a cliff of Pascanu et al. 2013 (Fig. 6), and descent paths on it.

A one-unit RNN with no input, run for ``steps`` steps::

    x_t  = w * sigmoid(x_{t-1}) + b,      x_0 = 0.5
    loss = (sigmoid(x_steps) - target)^2

For w = 5 the map has a fold bifurcation near b = -2.612: on one side x settles on the
upper fixed point, on the other on the lower one, so the loss jumps across a thin wall
where the gradient is enormous. Everything is vectorised over any broadcastable shape of
``(w, b)``: a 400 x 400 grid is one call.

Example
-------
>>> loss, dw, db = pascanu_cliff(np.array([5.0, 5.0]), np.array([-2.7, -2.5]))
>>> bool(loss[0] < loss[1])
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array
from .clipping import check_clip_spec

__all__ = ["pascanu_cliff", "DescentPath", "descent_path", "find_cliff", "CliffDemo"]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def pascanu_cliff(
    w: np.ndarray | float,
    b: np.ndarray | float,
    *,
    steps: int = 50,
    x0: float = 0.5,
    target: float = 0.7,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Loss and its derivatives with respect to w and b, by backprop through the steps.

    ``w`` and ``b`` broadcast against each other; the three results have their shape.
    """
    w_arr = as_float_array("w", w)
    b_arr = as_float_array("b", b)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    w_arr, b_arr = np.broadcast_arrays(w_arr, b_arr)
    s_prev = np.empty((steps, *w_arr.shape))  # sigmoid(x_{t-1}) for t = 1..steps
    x = np.full(w_arr.shape, float(x0))
    for t in range(steps):
        s_prev[t] = _sigmoid(x)
        x = w_arr * s_prev[t] + b_arr
    s_last = _sigmoid(x)
    err = s_last - target
    loss = err**2
    dx = 2.0 * err * s_last * (1.0 - s_last)  # dloss/dx_steps
    dw = np.zeros_like(x)
    db = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps - 1, -1, -1):
            dw += dx * s_prev[t]
            db += dx
            dx = dx * w_arr * s_prev[t] * (1.0 - s_prev[t])  # through x_t = w*sigmoid(x_{t-1})+b
    return loss, dw, db


def find_cliff(
    w: float = 5.0, lo: float = -3.0, hi: float = -2.0, *, tol: float = 1e-10, **kw: float
) -> float:
    """The b where the loss jumps at fixed w, by bisection on the final state's branch."""

    def upper(b: float) -> bool:
        loss, _, _ = pascanu_cliff(w, b, **kw)
        # On the upper branch sigmoid(x_50) is close to 1, so the loss is near (1 - target)^2.
        return bool(loss < _loss_midpoint(kw.get("target", 0.7)))

    if upper(lo) == upper(hi):
        raise ValueError(f"no cliff between b = {lo} and b = {hi} at w = {w}")
    lo_up = upper(lo)
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if upper(mid) == lo_up:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _loss_midpoint(target: float) -> float:
    return 0.5 * ((1 - target) ** 2 + target**2)


@dataclass(frozen=True)
class DescentPath:
    """A gradient-descent run on the cliff landscape.

    ``points`` (n_steps + 1, 2) holds (w, b) after each step, ``losses`` (n_steps + 1,) the
    loss there, ``grad_norms`` (n_steps,) the gradient norm before clipping, ``clipped``
    (n_steps,) whether the step was clipped.
    """

    points: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    clipped: np.ndarray
    clip: tuple[str, float] | None


def descent_path(
    w0: float,
    b0: float,
    *,
    lr: float,
    n_steps: int,
    clip: tuple[str, float] | None = None,
    steps: int = 50,
) -> DescentPath:
    """Plain gradient descent on :func:`pascanu_cliff` from (w0, b0).

    ``clip`` is ``None``, ``("norm", threshold)`` (Pascanu's Algorithm 1) or
    ``("value", limit)``.
    """
    check_clip_spec(clip)
    point = np.array([w0, b0], dtype=np.float64)
    points = [point.copy()]
    losses = [float(pascanu_cliff(point[0], point[1], steps=steps)[0])]
    norms, clipped = [], []
    for _ in range(n_steps):
        _, dw, db = pascanu_cliff(point[0], point[1], steps=steps)
        g = np.array([float(dw), float(db)])
        norm = float(np.linalg.norm(g))
        was_clipped = False
        if clip is not None and clip[0] == "norm" and norm > clip[1]:
            g *= clip[1] / norm
            was_clipped = True
        elif clip is not None and clip[0] == "value" and np.any(np.abs(g) > clip[1]):
            g = np.clip(g, -clip[1], clip[1])
            was_clipped = True
        point = point - lr * g
        points.append(point.copy())
        losses.append(float(pascanu_cliff(point[0], point[1], steps=steps)[0]))
        norms.append(norm)
        clipped.append(was_clipped)
    return DescentPath(
        points=np.array(points),
        losses=np.array(losses),
        grad_norms=np.array(norms),
        clipped=np.array(clipped, dtype=bool),
        clip=clip,
    )


@dataclass(frozen=True)
class CliffDemo:
    """A start and step size where plain descent is thrown off the cliff and norm clipping
    is not (checked in the tests): the default of the gradient-clipping lecture.

    Both runs take the same 30 steps down a gentle slope (every gradient norm below 0.4)
    to the fold of the recurrence, where the gradient norm is about 120: plain descent
    jumps to the saturated plateau near (10.9, 8.1) and stays there (gradient about 5e-9);
    the clipped run steps ``lr * threshold`` and descends the valley beside the wall.
    ``n_steps`` stops at 37, where the clipped run reaches the valley's bottom at the
    wall's edge: step 38 would cross the wall again (loss 0.27 for one step), an outcome
    that depends on how close to the wall it lands, not on the lesson. Every number
    shown is unchanged by a 1e-12 change of the start (tests/rnn_core/test_determinism.py).
    """

    w0: float = 4.5
    b0: float = -2.9
    lr: float = 0.1
    n_steps: int = 37
    threshold: float = 1.0

    def paths(self) -> tuple[DescentPath, DescentPath]:
        """(without clipping, with norm clipping) from the same start."""
        kw = dict(lr=self.lr, n_steps=self.n_steps)
        return (
            descent_path(self.w0, self.b0, **kw),
            descent_path(self.w0, self.b0, clip=("norm", self.threshold), **kw),
        )
