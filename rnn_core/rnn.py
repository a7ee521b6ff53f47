"""The simple RNN of Goodfellow et al. (Deep Learning, ch. 10), with softmax cross-entropy.

Forward, one step::

    a^t     = b + W h^{t-1} + U x^t
    h^t     = tanh(a^t)
    o^t     = c + V h^t
    y_hat^t = softmax(o^t)
    L^t     = -log y_hat^t[target^t]

Backward through time::

    do^t = y_hat^t - onehot(target^t)
    dh^t = V^T do^t + W^T da^{t+1}           (total error at h^t)
    da^t = (1 - (h^t)^2) * dh^t              (backprop through tanh)
    dW   = sum_t da^t (h^{t-1})^T,  dU = sum_t da^t (x^t)^T,  dV = sum_t do^t (h^t)^T

Truncated BPTT (``truncate=k``): the loss at step t sends its error back through at most
k recurrent connections, i.e. it reaches h^t, h^{t-1}, ..., h^{t-k} and stops there.
``truncate=0`` keeps only the error at h^t itself; ``truncate=None`` (or k >= T - 1) is
full BPTT. The gradient is the sum over loss steps of these windowed contributions.

Example
-------
>>> rng = np.random.default_rng(0)
>>> params = RNNParams.init(3, 4, 2, rng)
>>> trace = rnn_forward(params, rng.normal(size=(6, 3)), np.array([0, 1, 1, 0, 1, 0]))
>>> grads, deltas = rnn_backward(params, trace)
>>> grads.W.shape, deltas.dh.shape
((4, 4), (6, 4))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_sequence, check_size, check_state

__all__ = [
    "RNNParams",
    "RNNTrace",
    "RNNDeltas",
    "rnn_forward",
    "rnn_backward",
    "rnn_gradient_contributions",
    "softmax",
]


def softmax(o: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the maximum so it never overflows."""
    e = np.exp(o - o.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class RNNParams:
    """Weights of the simple RNN: U (H, M) input, W (H, H) recurrent, V (K, H) output."""

    U: np.ndarray  # (H, M)
    W: np.ndarray  # (H, H)
    V: np.ndarray  # (K, H)
    b: np.ndarray  # (H,)
    c: np.ndarray  # (K,)

    def __post_init__(self) -> None:
        U = as_float_array("U", self.U)
        V = as_float_array("V", self.V)
        if U.ndim != 2 or min(U.shape) < 1:
            raise ValueError(f"U has shape {U.shape}; expected (H, M) with H, M >= 1")
        if V.ndim != 2 or min(V.shape) < 1:
            raise ValueError(f"V has shape {V.shape}; expected (K, H) with K, H >= 1")
        h, m = U.shape
        k = V.shape[0]
        want = {"U": (h, m), "W": (h, h), "V": (k, h), "b": (h,), "c": (k,)}
        for name, shape in want.items():
            arr = as_float_array(name, getattr(self, name))
            if arr.shape != shape:
                raise ValueError(
                    f"{name} has shape {arr.shape}; expected {shape} for H = {h} hidden, "
                    f"M = {m} inputs, K = {k} outputs"
                )
            object.__setattr__(self, name, arr)

    @staticmethod
    def array_names() -> tuple[str, ...]:
        return ("U", "W", "V", "b", "c")

    def trainable_names(self) -> tuple[str, ...]:
        return self.array_names()

    @property
    def n_in(self) -> int:
        return self.U.shape[1]

    @property
    def n_hidden(self) -> int:
        return self.U.shape[0]

    @property
    def n_out(self) -> int:
        return self.V.shape[0]

    @classmethod
    def init(cls, n_in: int, n_hidden: int, n_out: int, rng: np.random.Generator) -> RNNParams:
        """Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights and zero biases."""
        m = check_size("n_in", n_in)
        h = check_size("n_hidden", n_hidden)
        k = check_size("n_out", n_out)
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
        return cls(
            U=rng.uniform(-1, 1, size=(h, m)) / np.sqrt(m),
            W=rng.uniform(-1, 1, size=(h, h)) / np.sqrt(h),
            V=rng.uniform(-1, 1, size=(k, h)) / np.sqrt(h),
            b=np.zeros(h),
            c=np.zeros(k),
        )


@dataclass(frozen=True)
class RNNTrace:
    """Forward values; per-step arrays are (T, .) or (T, B, .) like the input."""

    xs: np.ndarray  # (T, M) or (T, B, M)
    targets: np.ndarray  # (T,) or (T, B) integer classes
    h0: np.ndarray  # (H,) or (B, H)
    a: np.ndarray  # (T, H)
    h: np.ndarray  # (T, H)
    o: np.ndarray  # (T, K)
    y_hat: np.ndarray  # (T, K)
    losses: np.ndarray  # (T,) or (T, B)

    @property
    def T(self) -> int:
        return self.xs.shape[0]

    @property
    def loss(self) -> float:
        """Total loss: the sum over steps (and batch)."""
        return float(self.losses.sum())

    @property
    def h_prev(self) -> np.ndarray:
        """h^{t-1} for every t: h0 then h[:-1]."""
        return np.concatenate([self.h0[None], self.h[:-1]])


@dataclass(frozen=True)
class RNNDeltas:
    """Errors: ``do`` at the outputs, ``dh`` total error at h^t, ``da`` at the pre-activation.

    ``dh0`` is the error reaching the initial state. ``nonfinite`` is True when an error
    overflowed (exploding settings); no warning is raised for it.
    """

    do: np.ndarray  # (T, K)
    dh: np.ndarray  # (T, H)
    da: np.ndarray  # (T, H)
    dx: np.ndarray  # (T, M)
    dh0: np.ndarray  # (H,)
    nonfinite: bool = False


def _check_targets(targets: object, shape: tuple[int, ...], n_out: int) -> np.ndarray:
    arr = np.asarray(targets)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        if (
            np.issubdtype(arr.dtype, np.floating)
            and np.all(np.isfinite(arr))
            and np.all(arr == np.round(arr))
        ):
            arr = arr.astype(np.int64)
        else:
            raise ValueError(
                f"targets has dtype {arr.dtype}; expected integer class indices 0 .. {n_out - 1}"
            )
    if arr.shape != shape:
        raise ValueError(f"targets has shape {arr.shape}; expected {shape} (one class per step)")
    if arr.size and (arr.min() < 0 or arr.max() >= n_out):
        raise ValueError(f"targets must lie in 0 .. {n_out - 1} for K = {n_out} outputs")
    return arr


def rnn_forward(
    params: RNNParams, xs: np.ndarray, targets: np.ndarray, h0: np.ndarray | None = None
) -> RNNTrace:
    """Run the RNN over ``xs`` (T, M) or (T, B, M) with integer ``targets`` (T,) or (T, B)."""
    h_dim, m = params.U.shape
    xs = check_sequence("xs", xs, m, f"RNN with M = {m} inputs")
    batch = xs.shape[1:-1]
    targets = _check_targets(targets, xs.shape[:-1], params.n_out)
    h_prev = check_state("h0", h0, batch, h_dim)
    T = xs.shape[0]
    a = xs @ params.U.T + params.b  # (T, [B,] H) input part, completed in the loop
    h = np.empty_like(a)
    for t in range(T):
        a[t] += h_prev @ params.W.T
        h[t] = np.tanh(a[t])
        h_prev = h[t]
    o = h @ params.V.T + params.c  # (T, [B,] K)
    y_hat = softmax(o)
    log_norm = np.log(np.exp(o - o.max(axis=-1, keepdims=True)).sum(axis=-1)) + o.max(axis=-1)
    picked = np.take_along_axis(o, targets[..., None], axis=-1)[..., 0]
    losses = log_norm - picked  # cross-entropy, computed stably from the logits
    return RNNTrace(
        xs=xs,
        targets=targets,
        h0=check_state("h0", h0, batch, h_dim),
        a=a,
        h=h,
        o=o,
        y_hat=y_hat,
        losses=losses,
    )


def _output_errors(trace: RNNTrace) -> np.ndarray:
    do = trace.y_hat.copy()
    np.put_along_axis(
        do, trace.targets[..., None], np.take_along_axis(do, trace.targets[..., None], -1) - 1.0, -1
    )
    return do  # dL/do^t = y_hat^t - onehot(target^t)


def rnn_backward(
    params: RNNParams, trace: RNNTrace, truncate: int | None = None
) -> tuple[RNNParams, RNNDeltas]:
    """Backpropagation through time of the summed loss; ``truncate=k`` as in the module doc.

    With truncation the deltas ``dh`` and ``da`` are the sums of the windowed errors each
    h^t receives (the quantity whose products with inputs give the truncated gradient).
    """
    if truncate is not None and (
        isinstance(truncate, bool) or not isinstance(truncate, int | np.integer) or truncate < 0
    ):
        raise ValueError(f"truncate must be None or a whole number >= 0, got {truncate!r}")
    T = trace.T
    do = _output_errors(trace)  # (T, [B,] K)
    dh_local = do @ params.V  # error each loss puts on its own h^t
    one_minus_h2 = 1.0 - trace.h**2
    with np.errstate(over="ignore", invalid="ignore"):
        if truncate is None or truncate >= T - 1:
            dh = np.empty_like(trace.h)
            da = np.empty_like(trace.h)
            carry = np.zeros_like(trace.h[0])
            for t in range(T - 1, -1, -1):
                dh[t] = dh_local[t] + carry
                da[t] = one_minus_h2[t] * dh[t]
                carry = da[t] @ params.W
            dh0 = carry
        else:
            # Each loss step s carries its own error back at most `truncate` steps.
            dh = np.zeros_like(trace.h)
            da = np.zeros_like(trace.h)
            dh0 = np.zeros_like(trace.h0)
            for s in range(T):
                err = dh_local[s]
                for t in range(s, max(s - truncate, 0) - 1, -1):
                    dh[t] += err
                    d = one_minus_h2[t] * err
                    da[t] += d
                    err = d @ params.W
                    if t == 0 and s - t < truncate:
                        dh0 += err
        grads = _param_grads(trace, do, da)
        dx = da @ params.U
        nonfinite = not bool(np.all(np.isfinite(da)))
    return grads, RNNDeltas(do=do, dh=dh, da=da, dx=dx, dh0=dh0, nonfinite=nonfinite)


def _param_grads(trace: RNNTrace, do: np.ndarray, da: np.ndarray) -> RNNParams:
    h_dim, k = trace.h.shape[-1], do.shape[-1]
    m = trace.xs.shape[-1]
    da2 = da.reshape(-1, h_dim)
    grads = object.__new__(RNNParams)  # skip validation: gradients may overflow on purpose
    for name, value in {
        "U": da2.T @ trace.xs.reshape(-1, m),
        "W": da2.T @ trace.h_prev.reshape(-1, h_dim),
        "V": do.reshape(-1, k).T @ trace.h.reshape(-1, h_dim),
        "b": da2.sum(axis=0),
        "c": do.reshape(-1, k).sum(axis=0),
    }.items():
        object.__setattr__(grads, name, value)
    return grads


def rnn_gradient_contributions(params: RNNParams, trace: RNNTrace) -> np.ndarray:
    """dW split by the loss step it comes from: (T, H, H), summing to ``grads.W`` (full BPTT).

    Entry s is the gradient of the loss at step s alone with respect to W (its error flows
    back to every earlier step): the "coloured frames" of the BPTT lecture.
    """
    T = trace.T
    do = _output_errors(trace)
    dh_local = do @ params.V
    one_minus_h2 = 1.0 - trace.h**2
    h_prev = trace.h_prev
    out = np.zeros((T, params.n_hidden, params.n_hidden))
    with np.errstate(over="ignore", invalid="ignore"):
        for s in range(T):
            err = dh_local[s]
            for t in range(s, -1, -1):
                d = one_minus_h2[t] * err
                out[s] += np.einsum("...i,...j->ij", d, h_prev[t])  # summed over the batch
                err = d @ params.W
    return out
