"""A bidirectional simple RNN (Schuster and Paliwal 1997) with a per-step softmax output.

Two simple RNNs (Goodfellow et al. ch. 10) read the same sequence, one from the left and
one from the right; their hidden states are joined at every step and one output layer
reads both, so the output at step t sees the whole past *and* the whole future::

    forward  (t = 0 .. T-1):   a_f^t = b_f + W_f h_f^{t-1} + U_f x^t,  h_f^t = tanh(a_f^t)
    backward (t = T-1 .. 0):   a_b^t = b_b + W_b h_b^{t+1} + U_b x^t,  h_b^t = tanh(a_b^t)
    joined:                    h^t = [h_f^t ; h_b^t]                     (2H)
    output:                    o^t = c + V h^t,   y_hat^t = softmax(o^t)

with h_f^{-1} = h0_f and h_b^{T} = h0_b (zeros by default). The output layer's loss is
the caller's (cross-entropy per step, or CTC over the whole sequence): the backward pass
takes the error ``do`` (T, K) at the logits and runs BPTT in each direction, the forward
RNN's error flowing from the end to the start, the backward RNN's from the start to the end::

    dh^t   = V^T do^t = [g_f^t ; g_b^t]
    dh_f^t = g_f^t + W_f^T da_f^{t+1},   da_f^t = (1 - (h_f^t)^2) * dh_f^t
    dh_b^t = g_b^t + W_b^T da_b^{t-1},   da_b^t = (1 - (h_b^t)^2) * dh_b^t
    dW_f = sum_t da_f^t (h_f^{t-1})^T,   dW_b = sum_t da_b^t (h_b^{t+1})^T,
    dU_f = sum_t da_f^t (x^t)^T,  dU_b = sum_t da_b^t (x^t)^T,  dV = sum_t do^t (h^t)^T

Shapes: T steps, M inputs, H hidden units per direction, K outputs; sequences are (T, M)
or (T, B, M), and traces keep the batch axis when the input had one.

Example
-------
>>> rng = np.random.default_rng(0)
>>> params = BiRNNParams.init(3, 4, 2, rng)
>>> trace = birnn_forward(params, rng.normal(size=(5, 3)))
>>> trace.h.shape, trace.y_hat.shape
((5, 8), (5, 2))
>>> loss, do = cross_entropy(trace, np.array([0, 1, 1, 0, 1]))
>>> grads, deltas = birnn_backward(params, trace, do)
>>> grads.W_b.shape, deltas.da_b.shape
((4, 4), (5, 4))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_sequence, check_size, check_state
from .rnn import softmax

__all__ = [
    "BiRNNParams",
    "BiRNNTrace",
    "BiRNNDeltas",
    "birnn_forward",
    "birnn_backward",
    "cross_entropy",
]


@dataclass(frozen=True)
class BiRNNParams:
    """Weights: per direction U (H, M), W (H, H), b (H,) (suffix _f forward, _b backward),
    and the output layer V (K, 2H) (columns 0..H-1 read h_f, H..2H-1 read h_b), c (K,)."""

    U_f: np.ndarray  # (H, M)
    W_f: np.ndarray  # (H, H)
    b_f: np.ndarray  # (H,)
    U_b: np.ndarray  # (H, M)
    W_b: np.ndarray  # (H, H)
    b_b: np.ndarray  # (H,)
    V: np.ndarray  # (K, 2H)
    c: np.ndarray  # (K,)

    def __post_init__(self) -> None:
        U = as_float_array("U_f", self.U_f)
        V = as_float_array("V", self.V)
        if U.ndim != 2 or min(U.shape) < 1:
            raise ValueError(f"U_f has shape {U.shape}; expected (H, M) with H, M >= 1")
        if V.ndim != 2 or V.shape[0] < 1:
            raise ValueError(f"V has shape {V.shape}; expected (K, 2H) with K >= 1")
        h, m = U.shape
        k = V.shape[0]
        want = {
            "U_f": (h, m),
            "W_f": (h, h),
            "b_f": (h,),
            "U_b": (h, m),
            "W_b": (h, h),
            "b_b": (h,),
            "V": (k, 2 * h),
            "c": (k,),
        }
        for name, shape in want.items():
            arr = as_float_array(name, getattr(self, name))
            if arr.shape != shape:
                raise ValueError(
                    f"{name} has shape {arr.shape}; expected {shape} for H = {h} hidden per "
                    f"direction, M = {m} inputs, K = {k} outputs"
                )
            object.__setattr__(self, name, arr)

    @staticmethod
    def array_names() -> tuple[str, ...]:
        return ("U_f", "W_f", "b_f", "U_b", "W_b", "b_b", "V", "c")

    def trainable_names(self) -> tuple[str, ...]:
        return self.array_names()

    @property
    def n_in(self) -> int:
        return self.U_f.shape[1]

    @property
    def n_hidden(self) -> int:
        """H, the hidden units of one direction (the joined state has 2H)."""
        return self.U_f.shape[0]

    @property
    def n_out(self) -> int:
        return self.V.shape[0]

    @classmethod
    def init(cls, n_in: int, n_hidden: int, n_out: int, rng: np.random.Generator) -> BiRNNParams:
        """Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights and zero biases."""
        m = check_size("n_in", n_in)
        h = check_size("n_hidden", n_hidden)
        k = check_size("n_out", n_out)
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
        return cls(
            U_f=rng.uniform(-1, 1, size=(h, m)) / np.sqrt(m),
            W_f=rng.uniform(-1, 1, size=(h, h)) / np.sqrt(h),
            b_f=np.zeros(h),
            U_b=rng.uniform(-1, 1, size=(h, m)) / np.sqrt(m),
            W_b=rng.uniform(-1, 1, size=(h, h)) / np.sqrt(h),
            b_b=np.zeros(h),
            V=rng.uniform(-1, 1, size=(k, 2 * h)) / np.sqrt(2 * h),
            c=np.zeros(k),
        )


@dataclass(frozen=True)
class BiRNNTrace:
    """Forward values; per-step arrays are (T, .) or (T, B, .) like the input.

    ``h_f`` holds what the forward RNN has read up to step t (the past), ``h_b`` what the
    backward RNN has read from the end back to step t (the future)."""

    xs: np.ndarray  # (T, M)
    h0_f: np.ndarray  # (H,)
    h0_b: np.ndarray  # (H,)
    a_f: np.ndarray  # (T, H)
    h_f: np.ndarray  # (T, H)
    a_b: np.ndarray  # (T, H)
    h_b: np.ndarray  # (T, H)
    o: np.ndarray  # (T, K) logits
    y_hat: np.ndarray  # (T, K) softmax(o)

    @property
    def T(self) -> int:
        return self.xs.shape[0]

    @property
    def h(self) -> np.ndarray:
        """The joined state [h_f ; h_b] at every step, (T, 2H)."""
        return np.concatenate([self.h_f, self.h_b], axis=-1)

    @property
    def h_f_prev(self) -> np.ndarray:
        """h_f^{t-1} for every t: h0_f then h_f[:-1]."""
        return np.concatenate([self.h0_f[None], self.h_f[:-1]])

    @property
    def h_b_next(self) -> np.ndarray:
        """h_b^{t+1} for every t: h_b[1:] then h0_b."""
        return np.concatenate([self.h_b[1:], self.h0_b[None]])


@dataclass(frozen=True)
class BiRNNDeltas:
    """Errors: ``do`` at the logits; per direction ``dh_*`` the total error at the hidden
    state and ``da_*`` at its pre-activation; ``dx`` at the inputs; ``dh0_f``, ``dh0_b`` at
    the initial states."""

    do: np.ndarray  # (T, K)
    dh_f: np.ndarray  # (T, H)
    da_f: np.ndarray  # (T, H)
    dh_b: np.ndarray  # (T, H)
    da_b: np.ndarray  # (T, H)
    dx: np.ndarray  # (T, M)
    dh0_f: np.ndarray  # (H,)
    dh0_b: np.ndarray  # (H,)


def birnn_forward(
    params: BiRNNParams,
    xs: np.ndarray,
    h0_f: np.ndarray | None = None,
    h0_b: np.ndarray | None = None,
) -> BiRNNTrace:
    """Run both directions over ``xs`` (T, M) or (T, B, M); initial states default to zeros."""
    h_dim, m = params.U_f.shape
    xs = check_sequence("xs", xs, m, f"bidirectional RNN with M = {m} inputs")
    batch = xs.shape[1:-1]
    start_f = check_state("h0_f", h0_f, batch, h_dim)
    start_b = check_state("h0_b", h0_b, batch, h_dim)
    T = xs.shape[0]
    a_f = xs @ params.U_f.T + params.b_f  # (T, [B,] H) input part, completed in the loops
    a_b = xs @ params.U_b.T + params.b_b
    h_f = np.empty_like(a_f)
    h_b = np.empty_like(a_b)
    prev = start_f
    for t in range(T):  # left to right
        a_f[t] += prev @ params.W_f.T
        h_f[t] = np.tanh(a_f[t])
        prev = h_f[t]
    nxt = start_b
    for t in range(T - 1, -1, -1):  # right to left
        a_b[t] += nxt @ params.W_b.T
        h_b[t] = np.tanh(a_b[t])
        nxt = h_b[t]
    H = h_dim
    o = h_f @ params.V[:, :H].T + h_b @ params.V[:, H:].T + params.c  # (T, [B,] K)
    return BiRNNTrace(
        xs=xs, h0_f=start_f, h0_b=start_b, a_f=a_f, h_f=h_f, a_b=a_b, h_b=h_b, o=o, y_hat=softmax(o)
    )


def cross_entropy(
    trace: BiRNNTrace, targets: np.ndarray, mask: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy summed over the steps (and batch) where ``mask`` is 1, and its
    error at the logits ``do = mask * (y_hat - onehot(targets))``, to pass to
    :func:`birnn_backward`. ``targets`` (T,) or (T, B) ints; ``mask`` the same shape."""
    K = trace.o.shape[-1]
    tg = np.asarray(targets)
    if (
        tg.shape != trace.o.shape[:-1]
        or not np.issubdtype(tg.dtype, np.integer)
        or tg.dtype == bool
    ):
        raise ValueError(
            f"targets has shape {tg.shape} and dtype {tg.dtype}; expected integer classes of "
            f"shape {trace.o.shape[:-1]}"
        )
    if tg.size and (tg.min() < 0 or tg.max() >= K):
        raise ValueError(f"targets must lie in 0 .. {K - 1} for K = {K} outputs")
    w = np.ones(tg.shape) if mask is None else as_float_array("mask", mask)
    if w.shape != tg.shape:
        raise ValueError(f"mask has shape {w.shape}; expected {tg.shape} like targets")
    o = trace.o
    top = o.max(axis=-1)
    log_norm = np.log(np.exp(o - top[..., None]).sum(axis=-1)) + top
    picked = np.take_along_axis(o, tg[..., None], axis=-1)[..., 0]
    loss = float(np.sum(w * (log_norm - picked)))
    do = trace.y_hat.copy()
    np.put_along_axis(do, tg[..., None], np.take_along_axis(do, tg[..., None], -1) - 1.0, -1)
    return loss, do * w[..., None]


def birnn_backward(
    params: BiRNNParams, trace: BiRNNTrace, do: np.ndarray
) -> tuple[BiRNNParams, BiRNNDeltas]:
    """BPTT in both directions from the error ``do`` (T, K) or (T, B, K) at the logits (for
    a loss L(o), dL/do^t). Gradients are summed over steps and batch."""
    do = as_float_array("do", do)
    if do.shape != trace.o.shape:
        raise ValueError(f"do has shape {do.shape}; expected {trace.o.shape} to match trace.o")
    H = params.n_hidden
    T = trace.T
    g_f = do @ params.V[:, :H]  # (T, [B,] H) error each output puts on h_f^t
    g_b = do @ params.V[:, H:]
    slope_f = 1.0 - trace.h_f**2
    slope_b = 1.0 - trace.h_b**2
    dh_f = np.empty_like(g_f)
    da_f = np.empty_like(g_f)
    dh_b = np.empty_like(g_b)
    da_b = np.empty_like(g_b)
    carry = np.zeros_like(trace.h0_f)
    for t in range(T - 1, -1, -1):  # the forward RNN's errors flow from the end
        dh_f[t] = g_f[t] + carry
        da_f[t] = slope_f[t] * dh_f[t]
        carry = da_f[t] @ params.W_f
    dh0_f = carry
    carry = np.zeros_like(trace.h0_b)
    for t in range(T):  # the backward RNN's errors flow from the start
        dh_b[t] = g_b[t] + carry
        da_b[t] = slope_b[t] * dh_b[t]
        carry = da_b[t] @ params.W_b
    dh0_b = carry

    M, K = params.n_in, params.n_out

    def flat(a: np.ndarray, width: int) -> np.ndarray:
        return a.reshape(-1, width)

    grads = object.__new__(BiRNNParams)  # skip validation: gradients need no checks
    for name, value in {
        "U_f": flat(da_f, H).T @ flat(trace.xs, M),
        "W_f": flat(da_f, H).T @ flat(trace.h_f_prev, H),
        "b_f": flat(da_f, H).sum(axis=0),
        "U_b": flat(da_b, H).T @ flat(trace.xs, M),
        "W_b": flat(da_b, H).T @ flat(trace.h_b_next, H),
        "b_b": flat(da_b, H).sum(axis=0),
        "V": flat(do, K).T @ flat(trace.h, 2 * H),
        "c": flat(do, K).sum(axis=0),
    }.items():
        object.__setattr__(grads, name, value)
    dx = da_f @ params.U_f + da_b @ params.U_b
    deltas = BiRNNDeltas(
        do=do, dh_f=dh_f, da_f=da_f, dh_b=dh_b, da_b=da_b, dx=dx, dh0_f=dh0_f, dh0_b=dh0_b
    )
    return grads, deltas
