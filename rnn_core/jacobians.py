"""Jacobians of the recurrent state and the norms of their products (why gradients vanish
or explode, Pascanu et al. 2013; and why the LSTM's cell path helps).

Simple RNN: ``d h^t / d h^{t-1} = diag(1 - (h^t)^2) W`` and
``d h^t / d h^k = prod_{j=k+1..t} d h^j / d h^{j-1}``, bounded by ``(gamma ||W||_2)^(t-k)``
with ``gamma = 1`` the bound of tanh'. LSTM: the joint state ``s = (c, y)`` has a
(2N, 2N) step Jacobian (through every gate, recurrent weight and peephole); the cell-only
"highway" path keeps just ``d c^t / d c^{t-1}`` through the forget gate, ``diag(f^t)``,
whose product is ``prod f``.

Norm tables are (T, T) with entry [t, k] = ||d state^t / d state^k||_2 for k <= t (the
diagonal is the identity, norm 1) and NaN above the diagonal. Unbatched traces only.

Example
-------
>>> rng = np.random.default_rng(0)
>>> p = rnn_with_spectral_norm(2, 3, 2, 0.5, rng)
>>> round(float(np.linalg.norm(p.W, 2)), 6)
0.5
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .lstm import LSTMParams, LSTMTrace, lstm_backward
from .rnn import RNNParams, RNNTrace, _output_errors

__all__ = [
    "rnn_step_jacobians",
    "rnn_jacobian_norms",
    "rnn_gradient_bound",
    "rnn_with_spectral_norm",
    "lstm_step_jacobians",
    "lstm_jacobian_norms",
    "lstm_highway_products",
    "product_norms",
    "rnn_loss_errors",
    "lstm_loss_errors",
]


def _unbatched(trace_h: np.ndarray, what: str) -> None:
    if trace_h.ndim != 2:
        raise ValueError(
            f"{what} has shape {trace_h.shape}; Jacobians need an unbatched trace (T, N)"
        )


def rnn_step_jacobians(params: RNNParams, trace: RNNTrace) -> np.ndarray:
    """(T, H, H): entry t is d h^t / d h^{t-1} = diag(1 - (h^t)^2) W."""
    _unbatched(trace.h, "trace.h")
    return (1.0 - trace.h**2)[:, :, None] * params.W[None]


def product_norms(step_jacobians: np.ndarray) -> np.ndarray:
    """(T, T) spectral norms of products of step Jacobians: [t, k] = ||J_t ... J_{k+1}||_2."""
    T, n, _ = step_jacobians.shape
    norms = np.full((T, T), np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(T):
            prod = np.eye(n)
            norms[k, k] = 1.0
            for t in range(k + 1, T):
                prod = step_jacobians[t] @ prod
                norms[t, k] = np.linalg.norm(prod, 2) if np.all(np.isfinite(prod)) else np.inf
    return norms


def rnn_jacobian_norms(params: RNNParams, trace: RNNTrace) -> np.ndarray:
    """(T, T) table of ||d h^t / d h^k||_2 (NaN above the diagonal)."""
    return product_norms(rnn_step_jacobians(params, trace))


def rnn_gradient_bound(W: np.ndarray, distances: np.ndarray, gamma: float = 1.0) -> np.ndarray:
    """The bound (gamma * ||W||_2)^(t - k) for each distance t - k (gamma = 1 for tanh)."""
    return (gamma * np.linalg.norm(np.asarray(W, dtype=np.float64), 2)) ** np.asarray(
        distances, dtype=np.float64
    )


def rnn_with_spectral_norm(
    n_in: int, n_hidden: int, n_out: int, sigma_max: float, rng: np.random.Generator
) -> RNNParams:
    """A simple RNN whose recurrent W has largest singular value exactly ``sigma_max``
    (an orthogonal matrix scaled: every singular value equals ``sigma_max``)."""
    base = RNNParams.init(n_in, n_hidden, n_out, rng)
    q, r = np.linalg.qr(rng.normal(size=(n_hidden, n_hidden)))
    q = q * np.sign(np.diag(r))  # a uniformly drawn orthogonal matrix
    return dataclasses.replace(base, W=sigma_max * q)


def lstm_step_jacobians(params: LSTMParams, trace: LSTMTrace) -> np.ndarray:
    """(T, 2N, 2N): entry t is d (c^t, y^t) / d (c^{t-1}, y^{t-1}), rows and columns ordered
    c then y."""
    _unbatched(trace.y, "trace.y")
    n = params.n_hidden
    T = trace.T
    c_prev = trace.c_prev
    out = np.zeros((T, 2 * n, 2 * n))
    for t in range(T):
        z, i, f, o, c = (getattr(trace, k)[t] for k in ("z", "i", "f", "o", "c"))
        dz = (1 - z**2)[:, None]
        di = (i * (1 - i))[:, None]
        df = (f * (1 - f))[:, None]
        do = (o * (1 - o))[:, None]
        # Pre-activations against the previous state: columns [c_prev | y_prev].
        dzbar = np.hstack([np.zeros((n, n)), params.R_z])
        dibar = np.hstack([np.diag(params.p_i), params.R_i])
        dfbar = np.hstack([np.diag(params.p_f), params.R_f])
        dc = (
            (dz * dzbar) * i[:, None]
            + (di * dibar) * z[:, None]
            + (df * dfbar) * c_prev[t][:, None]
            + np.hstack([np.diag(f), np.zeros((n, n))])
        )
        dobar = np.hstack([np.zeros((n, n)), params.R_o]) + params.p_o[:, None] * dc
        dy = (1 - np.tanh(c) ** 2)[:, None] * o[:, None] * dc + np.tanh(c)[:, None] * (do * dobar)
        out[t, :n] = dc
        out[t, n:] = dy
    return out


def lstm_jacobian_norms(params: LSTMParams, trace: LSTMTrace) -> np.ndarray:
    """(T, T) table of ||d (c^t, y^t) / d (c^k, y^k)||_2 (NaN above the diagonal)."""
    return product_norms(lstm_step_jacobians(params, trace))


def lstm_highway_products(trace: LSTMTrace) -> np.ndarray:
    """(T, T) table of ||prod_{j=k+1..t} diag(f^j)||_2 = max_n prod f^j_n: the cell path alone."""
    _unbatched(trace.y, "trace.y")
    T = trace.T
    out = np.full((T, T), np.nan)
    for k in range(T):
        prod = np.ones(trace.f.shape[1])
        out[k, k] = 1.0
        for t in range(k + 1, T):
            prod = prod * trace.f[t]
            out[t, k] = float(np.max(np.abs(prod)))
    return out


def rnn_loss_errors(params: RNNParams, trace: RNNTrace) -> np.ndarray:
    """(T, T, H): entry [s, k] = d L^s / d h^k, the error the loss of step s alone sends to
    the state of step k (zero for k > s: a loss reaches no later step). The "coloured"
    errors of BPTT: summed over s they are the total error ``rnn_backward`` puts on h^k.

    ``d L^s / d h^s = V^T (y_hat^s - onehot^s)``, then back one step at a time through
    ``d h^j / d h^{j-1} = diag(1 - (h^j)^2) W``.
    """
    _unbatched(trace.h, "trace.h")
    T, n = trace.h.shape
    dh_local = _output_errors(trace) @ params.V  # (T, H) error each loss puts on its own h
    out = np.zeros((T, T, n))
    with np.errstate(over="ignore", invalid="ignore"):
        for s in range(T):
            err = dh_local[s]  # (H,)
            for k in range(s, -1, -1):
                out[s, k] = err
                if k:
                    err = ((1.0 - trace.h[k] ** 2) * err) @ params.W  # back to h^{k-1}
    return out


def lstm_loss_errors(
    params: LSTMParams, trace: LSTMTrace, dy_ext: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(dc, dy), each (T, T, N): [s, k] is the error the loss of step s alone (its external
    error ``dy_ext[s]``) sends to c^k and to y^k, zero for k > s. One ``lstm_backward`` per
    loss step (backprop is linear in the error from above): summed over s they are the
    deltas of the whole loss."""
    _unbatched(trace.y, "trace.y")
    dy_ext = np.asarray(dy_ext, dtype=np.float64)
    T, n = trace.y.shape
    dc = np.zeros((T, T, n))
    dy = np.zeros((T, T, n))
    for s in range(T):
        one = np.zeros_like(dy_ext)
        one[s] = dy_ext[s]
        _, d = lstm_backward(params, trace, one)
        dc[s], dy[s] = d.dc, d.dy
    return dc, dy
