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
from .lstm import LSTMParams, lstm_backward, lstm_forward
from .rnn import RNNParams, rnn_backward, rnn_forward
from .tasks import Task

__all__ = ["TrainHistory", "Readout", "train_rnn", "train_lstm", "ClippingDemo"]


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
class ClippingDemo:
    """The training run of the clipping lecture: a simple RNN learning running parity, where
    plain SGD hits a cliff (a gradient-norm spike throws it far off) and the same run with
    norm clipping does not. The tests check that it does exactly that."""

    task_seed: int = 0
    model_seed: int = 10
    steps: int = 6
    batch: int = 16
    n_hidden: int = 8
    sigma_max: float = 1.0
    lr: float = 0.8
    n_steps: int = 200
    threshold: float = 1.0

    def histories(self) -> tuple[TrainHistory, TrainHistory]:
        """(without clipping, with norm clipping) from the same start."""
        from .jacobians import rnn_with_spectral_norm
        from .tasks import parity_task

        task = parity_task(
            np.random.default_rng(self.task_seed), steps=self.steps, batch=self.batch
        )
        start = rnn_with_spectral_norm(
            2, self.n_hidden, 2, self.sigma_max, np.random.default_rng(self.model_seed)
        )
        plain = train_rnn(start, task, lr=self.lr, n_steps=self.n_steps)
        clipped = train_rnn(
            start, task, lr=self.lr, n_steps=self.n_steps, clip=("norm", self.threshold)
        )
        return plain, clipped
