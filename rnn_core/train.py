"""A few hundred steps of plain SGD on toy tasks, with optional gradient clipping.

The history records, for every step, the loss, the global gradient norm *before* clipping
and whether the step was clipped: what the clipping lecture plots.

- :func:`train_rnn`: the simple RNN on a classification task (softmax cross-entropy).
- :func:`train_lstm`: the LSTM with a linear read-out ``pred = y W_out^T + b_out`` on a
  regression task (squared error).

Losses are summed over time and averaged over the batch.

Example
-------
>>> rng = np.random.default_rng(0)
>>> task = parity_task(rng, steps=4, batch=4)
>>> hist = train_rnn(RNNParams.init(2, 4, 2, rng), task, lr=0.1, n_steps=5)
>>> hist.loss.shape, hist.clipped.dtype
((5,), dtype('bool'))
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._params import array_names, global_norm
from .clipping import check_clip_spec
from .landscape import DescentPath, descent_path
from .lstm import LSTMParams, lstm_backward, lstm_forward
from .rnn import RNNParams, rnn_backward, rnn_forward
from .tasks import Task

__all__ = [
    "TrainHistory",
    "Readout",
    "train_rnn",
    "train_lstm",
    "ClippingDemo",
    "ClippingStory",
]


@dataclass(frozen=True)
class Readout:
    """Linear read-out of the LSTM output: W_out (K, N), b_out (K,)."""

    W_out: np.ndarray
    b_out: np.ndarray

    @classmethod
    def init(cls, n_hidden: int, n_out: int, rng: np.random.Generator) -> Readout:
        return cls(
            W_out=rng.uniform(-1, 1, size=(n_out, n_hidden)) / np.sqrt(n_hidden),
            b_out=np.zeros(n_out),
        )


@dataclass(frozen=True)
class TrainHistory:
    """Per-step loss (n_steps,), gradient norm before clipping (n_steps,), clipped flags,
    and the final parameters (``readout`` for the LSTM only)."""

    loss: np.ndarray
    grad_norm: np.ndarray
    clipped: np.ndarray
    params: Any
    readout: Readout | None
    clip: tuple[str, float] | None


def _step(
    objects: list[Any], grads: list[Any], lr: float, clip: tuple[str, float] | None
) -> tuple[list[Any], float, bool]:
    """One SGD update of several parameter dataclasses with one shared clipping decision."""
    norm = float(np.sqrt(sum(global_norm(g) ** 2 for g in grads)))
    scale, clipped, limit = 1.0, False, None
    if not np.isfinite(norm):
        return objects, norm, True  # an overflowed gradient has no direction: skip the step
    if clip is not None and clip[0] == "norm" and norm > clip[1]:
        scale, clipped = clip[1] / norm, True
    if clip is not None and clip[0] == "value":
        limit = float(clip[1])
        clipped = any(np.any(np.abs(getattr(g, n)) > limit) for g in grads for n in array_names(g))
    new = []
    for obj, g in zip(objects, grads, strict=True):
        names = obj.trainable_names() if hasattr(obj, "trainable_names") else array_names(obj)
        updates = {}
        for n in names:
            d = getattr(g, n) * scale
            if limit is not None:
                d = np.clip(d, -limit, limit)
            updates[n] = getattr(obj, n) - lr * d
        new.append(dataclasses.replace(obj, **updates))
    return new, norm, clipped


def _batched(task: Task) -> None:
    if task.xs.ndim != 3:
        raise ValueError(f"task.xs has shape {task.xs.shape}; training expects (T, B, M)")


def train_rnn(
    params: RNNParams, task: Task, *, lr: float, n_steps: int, clip: tuple[str, float] | None = None
) -> TrainHistory:
    """SGD on the simple RNN for a classification task."""
    check_clip_spec(clip)
    _batched(task)
    if task.kind != "classification":
        raise ValueError(f"train_rnn needs a classification task, got a {task.kind} task")
    B = task.xs.shape[1]
    losses, norms, flags = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            trace = rnn_forward(params, task.xs, task.targets)
            grads, _ = rnn_backward(params, trace)
            grads = dataclasses.replace(
                grads, **{n: getattr(grads, n) / B for n in params.array_names()}
            )
            (params,), norm, clipped = _step([params], [grads], lr, clip)
            losses.append(trace.loss / B)
            norms.append(norm)
            flags.append(clipped)
    return TrainHistory(
        np.array(losses), np.array(norms), np.array(flags, dtype=bool), params, None, clip
    )


def train_lstm(
    params: LSTMParams,
    task: Task,
    *,
    lr: float,
    n_steps: int,
    clip: tuple[str, float] | None = None,
    readout: Readout | None = None,
    rng: np.random.Generator | None = None,
) -> TrainHistory:
    """SGD on the LSTM plus a linear read-out for a regression task (squared error)."""
    check_clip_spec(clip)
    _batched(task)
    if task.kind != "regression":
        raise ValueError(f"train_lstm needs a regression task, got a {task.kind} task")
    if readout is None:
        if rng is None:
            raise ValueError("pass readout=... or rng=np.random.default_rng(...) to initialise one")
        readout = Readout.init(params.n_hidden, task.targets.shape[-1], rng)
    B = task.xs.shape[1]
    losses, norms, flags = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            trace = lstm_forward(params, task.xs)
            pred = trace.y @ readout.W_out.T + readout.b_out  # (T, B, K)
            err = pred - task.targets
            dpred = 2.0 * err / B
            grads, _ = lstm_backward(params, trace, dpred @ readout.W_out)
            head = Readout(
                W_out=np.einsum("tbk,tbn->kn", dpred, trace.y), b_out=dpred.sum(axis=(0, 1))
            )
            (params, readout), norm, clipped = _step([params, readout], [grads, head], lr, clip)
            losses.append(float(np.sum(err**2)) / B)
            norms.append(norm)
            flags.append(clipped)
    return TrainHistory(
        np.array(losses), np.array(norms), np.array(flags, dtype=bool), params, readout, clip
    )


@dataclass(frozen=True)
class ClippingStory:
    """What the clipping figure tells, as facts a test can compare between runs."""

    spike_step: int  # the step of the plain run's largest gradient norm
    spike_ratio: float  # that norm over the median norm of the plain run
    clipped_steps: tuple[int, ...]  # steps the clipped run rescaled
    thrown_off: bool  # the plain step at the spike moves (w, b) by more than 5
    stuck: bool  # after the spike the plain run's gradient stays below 1e-6: it barely moves
    learns: bool  # the clipped run ends below a tenth of its starting loss
    ends_lower: bool  # and below a fifth of where the plain run ends


@dataclass(frozen=True)
class ClippingDemo:
    """The training run of the clipping figure: gradient descent on the one-unit RNN of
    Pascanu et al. (:func:`rnn_core.landscape.pascanu_cliff`, 50 steps) from the start of
    :class:`rnn_core.landscape.CliffDemo`, without and with norm clipping: the two runs of
    the cliff scene and figures, shown over the steps.

    The spike comes from the landscape, not from chaos. The plain run walks down a gentle
    slope (gradient norms 0.12 to 0.39, all below the threshold) until its 31st point lies
    just past the fold of the recurrence, where the gradient norm is about 120: the cliff.
    That huge step lands on the far plateau, where the sigmoid is saturated and the
    gradient is about 5e-9, so the run stays put and nothing after the spike amplifies
    rounding noise. The clipped run steps ``lr * threshold`` there instead and descends
    into the valley. Changing the start by 1e-12 relative (far more than BLAS kernels
    differ by) moves the spike's norm by about 1e-6 relative and leaves every step, flag
    and verdict as it was (tests/rnn_core/test_determinism.py). ``n_steps`` stops at 37,
    where the clipped run reaches the valley's bottom at the wall's edge (see
    :class:`~rnn_core.landscape.CliffDemo`).

    The earlier demo trained an 8-unit RNN on running parity with plain SGD at lr 0.8;
    after a first spike its unclipped run bounced chaotically, so its largest gradient
    (step 7 or step 78) depended on the BLAS kernel. Random searches over that setup (gain
    of W, input scale, read-out scale, learning rate 0.05 to 0.8, sequence length) found no
    start where the unclipped run is thrown off and then stays insensitive: wherever the
    large step lands, the loss is not flat and the big-step descent that follows is chaotic.
    """

    w0: float = 4.5
    b0: float = -2.9
    lr: float = 0.1
    n_steps: int = 37
    threshold: float = 1.0
    steps: int = 50

    def paths(self) -> tuple[DescentPath, DescentPath]:
        """(without clipping, with norm clipping) as descent paths in (w, b)."""
        kw = dict(lr=self.lr, n_steps=self.n_steps, steps=self.steps)
        return (
            descent_path(self.w0, self.b0, **kw),
            descent_path(self.w0, self.b0, clip=("norm", self.threshold), **kw),
        )

    def histories(self) -> tuple[TrainHistory, TrainHistory]:
        """(without clipping, with norm clipping) from the same start: per step, the loss
        before the step, the gradient norm before clipping and the clipped flag."""
        return tuple(_as_history(path) for path in self.paths())  # type: ignore[return-value]

    def story(self) -> ClippingStory:
        """The facts the figure shows (see :class:`ClippingStory`)."""
        plain, clipped = self.paths()
        k = int(np.argmax(plain.grad_norms))
        return ClippingStory(
            spike_step=k,
            spike_ratio=float(plain.grad_norms[k] / np.median(plain.grad_norms)),
            clipped_steps=tuple(int(i) for i in np.flatnonzero(clipped.clipped)),
            thrown_off=bool(np.linalg.norm(plain.points[k + 1] - plain.points[k]) > 5.0),
            stuck=bool(np.all(plain.grad_norms[k + 1 :] < 1e-6)),
            learns=bool(clipped.losses[-1] < 0.1 * clipped.losses[0]),
            ends_lower=bool(clipped.losses[-1] < 0.2 * plain.losses[-1]),
        )


def _as_history(path: DescentPath) -> TrainHistory:
    """A descent path in the shape of a training history (loss before each step)."""
    return TrainHistory(
        loss=path.losses[:-1].copy(),
        grad_norm=path.grad_norms.copy(),
        clipped=path.clipped.copy(),
        params=path.points[-1].copy(),
        readout=None,
        clip=path.clip,
    )
