"""Vanilla LSTM with peepholes (Greff et al. 2017, "LSTM: A Search Space Odyssey").

Forward, one step (``*`` is the Hadamard product)::

    z_bar = W_z x + R_z y_prev + b_z               ; z = tanh(z_bar)     block input
    i_bar = W_i x + R_i y_prev + p_i * c_prev + b_i ; i = sigmoid(i_bar)  input gate
    f_bar = W_f x + R_f y_prev + p_f * c_prev + b_f ; f = sigmoid(f_bar)  forget gate
    c     = z * i + c_prev * f                                           cell (the highway)
    o_bar = W_o x + R_o y_prev + p_o * c + b_o      ; o = sigmoid(o_bar)  output gate
    y     = tanh(c) * o                                                  block output

Backward through time (Greff's Delta^t is ``dy_ext``, the error arriving from above)::

    dy^t     = Delta^t + R_z^T dz_bar^{t+1} + R_i^T di_bar^{t+1}
               + R_f^T df_bar^{t+1} + R_o^T do_bar^{t+1}
    do_bar^t = dy^t * tanh(c^t) * sigma'(o_bar^t)
    dc^t     = dy^t * o^t * tanh'(c^t) + p_o * do_bar^t + p_i * di_bar^{t+1} + p_f * df_bar^{t+1}
               + dc^{t+1} * f^{t+1}                                       (the highway term)
    df_bar^t = dc^t * c^{t-1} * sigma'(f_bar^t)
    di_bar^t = dc^t * z^t * sigma'(i_bar^t)
    dz_bar^t = dc^t * i^t * tanh'(z_bar^t)
    dx^t     = W_z^T dz_bar^t + W_i^T di_bar^t + W_f^T df_bar^t + W_o^T do_bar^t

Shapes: T steps, M inputs, N cells; sequences are (T, M) or (T, B, M) and traces keep the
batch axis when the input had one.

Example
-------
>>> rng = np.random.default_rng(0)
>>> params = LSTMParams.init(3, 4, rng)
>>> trace = lstm_forward(params, rng.normal(size=(5, 3)))
>>> trace.y.shape
(5, 4)
>>> grads, deltas = lstm_backward(params, trace, np.ones((5, 4)))
>>> grads.W_f.shape, deltas.dc.shape
((4, 3), (5, 4))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_sequence, check_size, check_state

__all__ = [
    "LSTMParams",
    "LSTMTrace",
    "LSTMStep",
    "LSTMDeltas",
    "lstm_step",
    "lstm_forward",
    "lstm_backward",
]

GATES = ("z", "i", "f", "o")
FUSE_MAX_N = 32  # up to this many cells, peepholes ride along in the recurrent matmul


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function written with tanh: exact, and it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _sigmoid_into(x: np.ndarray, out: np.ndarray) -> None:
    """``out[...] = 1 / (1 + exp(-x))`` in place (exp is about 3x cheaper than tanh in NumPy).

    For x below about -709, exp(-x) overflows to inf and the result is exactly 0, as it
    should be; callers silence that overflow with ``np.errstate``."""
    np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)


@dataclass(frozen=True)
class LSTMParams:
    """Weights of one LSTM layer (treat the arrays as immutable: replace, never edit in place,
    since stacked copies are cached). ``peepholes=False`` keeps ``p_i p_f p_o`` at zero for good:
    their gradients are reported as zeros, so no optimiser ever moves them."""

    W_z: np.ndarray  # (N, M) input weights
    W_i: np.ndarray  # (N, M)
    W_f: np.ndarray  # (N, M)
    W_o: np.ndarray  # (N, M)
    R_z: np.ndarray  # (N, N) recurrent weights
    R_i: np.ndarray  # (N, N)
    R_f: np.ndarray  # (N, N)
    R_o: np.ndarray  # (N, N)
    p_i: np.ndarray  # (N,) peephole weights
    p_f: np.ndarray  # (N,)
    p_o: np.ndarray  # (N,)
    b_z: np.ndarray  # (N,) biases
    b_i: np.ndarray  # (N,)
    b_f: np.ndarray  # (N,)
    b_o: np.ndarray  # (N,)
    peepholes: bool = True

    def __post_init__(self) -> None:
        w_z = as_float_array("W_z", self.W_z)
        if w_z.ndim != 2 or w_z.shape[0] < 1 or w_z.shape[1] < 1:
            raise ValueError(f"W_z has shape {w_z.shape}; expected (N, M) with N, M >= 1")
        n, m = w_z.shape
        want = {"W": (n, m), "R": (n, n), "p": (n,), "b": (n,)}
        for name in self.array_names():
            arr = as_float_array(name, getattr(self, name))
            if arr.shape != want[name[0]]:
                raise ValueError(
                    f"{name} has shape {arr.shape}; expected {want[name[0]]} for N = {n} cells, "
                    f"M = {m} inputs"
                )
            if name[0] == "p" and not self.peepholes and np.any(arr != 0):
                raise ValueError(
                    f"{name} is non-zero but peepholes=False; pass zeros or peepholes=True"
                )
            object.__setattr__(self, name, arr)

    @staticmethod
    def array_names() -> tuple[str, ...]:
        """The array fields, in declaration order."""
        return (
            tuple(f"{k}_{g}" for k in "WR" for g in GATES)
            + ("p_i", "p_f", "p_o")
            + tuple(f"b_{g}" for g in GATES)
        )

    def trainable_names(self) -> tuple[str, ...]:
        """The array fields training may change: all but the peepholes when they are off."""
        names = self.array_names()
        return names if self.peepholes else tuple(n for n in names if not n.startswith("p_"))

    @property
    def n_in(self) -> int:
        return self.W_z.shape[1]

    @property
    def n_hidden(self) -> int:
        return self.W_z.shape[0]

    @classmethod
    def init(
        cls, n_in: int, n_hidden: int, rng: np.random.Generator, *, peepholes: bool = True
    ) -> LSTMParams:
        """Uniform(-1/sqrt(N), 1/sqrt(N)) weights, zero biases except the forget gate's +1."""
        m = check_size("n_in", n_in)
        n = check_size("n_hidden", n_hidden)
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
        scale = 1.0 / np.sqrt(n)
        draw = {}
        for g in GATES:
            draw[f"W_{g}"] = rng.uniform(-scale, scale, size=(n, m))
        for g in GATES:
            draw[f"R_{g}"] = rng.uniform(-scale, scale, size=(n, n))
        for g in "ifo":
            p = rng.uniform(-scale, scale, size=n)
            draw[f"p_{g}"] = p if peepholes else np.zeros(n)
        for g in GATES:
            draw[f"b_{g}"] = np.ones(n) if g == "f" else np.zeros(n)
        return cls(**draw, peepholes=peepholes)

    def stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(W (4N, M), R (4N, N), b (4N,)) with gates in the order z, i, f, o."""
        return self._fused[0], self._fused[1], self._fused[2]

    @functools.cached_property
    def _fused(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Stacked weights, built once per parameter set: W (4N, M), R (4N, N), b (4N,),
        RP = [R | P] (4N, 2N) with P the i and f peepholes as diagonal blocks, and RP^T.

        The previous state [y^{t-1}, c^{t-1}] times RP^T gives all four gates' recurrent
        input and the i, f peephole terms in one matmul; backward uses RP itself."""
        n = self.W_z.shape[0]
        W = np.concatenate([self.W_z, self.W_i, self.W_f, self.W_o])
        R = np.concatenate([self.R_z, self.R_i, self.R_f, self.R_o])
        b = np.concatenate([self.b_z, self.b_i, self.b_f, self.b_o])
        peep = np.zeros((4 * n, n))
        peep[n : 2 * n] = np.diag(self.p_i)
        peep[2 * n : 3 * n] = np.diag(self.p_f)
        RP = np.concatenate([R, peep], axis=1)
        return W, R, b, RP, np.ascontiguousarray(RP.T)


@dataclass(frozen=True)
class LSTMStep:
    """Every quantity of one time step, for scenes that draw a single step."""

    t: int
    x: np.ndarray
    y_prev: np.ndarray
    c_prev: np.ndarray
    z_bar: np.ndarray
    z: np.ndarray
    i_bar: np.ndarray
    i: np.ndarray
    f_bar: np.ndarray
    f: np.ndarray
    c: np.ndarray
    o_bar: np.ndarray
    o: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class LSTMTrace:
    """Forward activations of a whole sequence; per-step arrays are (T, N) or (T, B, N)."""

    xs: np.ndarray  # (T, M) or (T, B, M)
    y0: np.ndarray  # (N,) or (B, N)
    c0: np.ndarray  # (N,) or (B, N)
    z_bar: np.ndarray
    z: np.ndarray
    i_bar: np.ndarray
    i: np.ndarray
    f_bar: np.ndarray
    f: np.ndarray
    c: np.ndarray
    o_bar: np.ndarray
    o: np.ndarray
    y: np.ndarray

    @property
    def T(self) -> int:
        return self.xs.shape[0]

    @property
    def y_prev(self) -> np.ndarray:
        """y^{t-1} for every t: y0 then y[:-1]."""
        return np.concatenate([self.y0[None], self.y[:-1]])

    @property
    def c_prev(self) -> np.ndarray:
        """c^{t-1} for every t: c0 then c[:-1]."""
        return np.concatenate([self.c0[None], self.c[:-1]])

    def step(self, t: int) -> LSTMStep:
        """All quantities at step ``t`` (0-based; negative counts from the end)."""
        if not -self.T <= t < self.T:
            raise ValueError(f"step t = {t} is outside 0 .. {self.T - 1}")
        t = t % self.T
        return LSTMStep(
            t=t,
            x=self.xs[t],
            y_prev=self.y0 if t == 0 else self.y[t - 1],
            c_prev=self.c0 if t == 0 else self.c[t - 1],
            **{
                k: getattr(self, k)[t]
                for k in ("z_bar", "z", "i_bar", "i", "f_bar", "f", "c", "o_bar", "o", "y")
            },
        )


@dataclass(frozen=True)
class LSTMDeltas:
    """Errors of every neuron at every step (Greff's delta notation).

    ``dy`` is the total error at y^t (from above plus recurrent), ``dc`` the total error at
    c^t; ``dy0`` and ``dc0`` the errors at the initial states. ``nonfinite`` is True when a
    delta overflowed (deliberately exploding settings); no warning is raised for it.
    """

    dy: np.ndarray  # (T, N) or (T, B, N)
    do_bar: np.ndarray
    dc: np.ndarray
    df_bar: np.ndarray
    di_bar: np.ndarray
    dz_bar: np.ndarray
    dx: np.ndarray  # (T, M) or (T, B, M)
    dy0: np.ndarray  # (N,) or (B, N)
    dc0: np.ndarray
    nonfinite: bool = False


def lstm_step(
    params: LSTMParams, x: np.ndarray, y_prev: np.ndarray, c_prev: np.ndarray
) -> LSTMStep:
    """One forward step; ``x`` is (M,) or (B, M). Same numbers as :func:`lstm_forward`."""
    trace = lstm_forward(params, np.asarray(x)[None], y0=y_prev, c0=c_prev)
    return trace.step(0)


def lstm_forward(
    params: LSTMParams,
    xs: np.ndarray,
    y0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> LSTMTrace:
    """Run the LSTM over ``xs`` (T, M) or (T, B, M); initial states default to zeros."""
    n, m = params.W_z.shape
    xs = check_sequence("xs", xs, m, f"LSTM with M = {m} inputs")
    batched = xs.ndim == 3
    batch = xs.shape[1:-1]
    y_prev = check_state("y0", y0, batch, n)
    c_prev = check_state("c0", c0, batch, n)
    y0_arr, c0_arr = y_prev, c_prev

    W, R, b = params.stacked()
    T = xs.shape[0]
    x3 = xs if batched else xs[:, None, :]  # (T, B, M)
    B = x3.shape[1]
    pre = (x3.reshape(T * B, m) @ W.T + b).reshape(T, B, 4 * n)  # (T, B, 4N) input part
    # The previous state s = [y_prev, c_prev] (B, 2N) meets one matrix per step: the recurrent
    # weights for all four gates and the i and f peepholes (diagonal blocks).
    RS = params._fused[4]
    # Folding the peepholes into the matmul saves NumPy calls at lecture sizes but doubles
    # the matmul's work at large sizes, where calls are cheap next to the arithmetic.
    fuse = n <= FUSE_MAX_N
    p_i, p_f = params.p_i, params.p_f
    bars = np.empty((T, B, 4 * n))  # z_bar i_bar f_bar o_bar
    acts = np.empty((T, B, 4 * n))  # z i f o
    c_all = np.empty((T, B, n))
    y_all = np.empty((T, B, n))
    state = np.concatenate([y_prev.reshape(B, n), c_prev.reshape(B, n)], axis=1)  # (B, 2N)
    tanh_c = np.empty((B, n))
    p_o = params.p_o
    silence = np.errstate(over="ignore")  # exp(-x) -> inf gives sigmoid(x) = 0 exactly
    silence.__enter__()
    for t in range(T):
        g = bars[t]
        if fuse:
            np.matmul(state, RS, out=g)
        else:
            np.matmul(state[:, :n], RS[:n], out=g)
            g[:, n : 2 * n] += p_i * state[:, n:]
            g[:, 2 * n : 3 * n] += p_f * state[:, n:]
        g += pre[t]
        a = acts[t]
        np.tanh(g[:, :n], out=a[:, :n])
        _sigmoid_into(g[:, n : 3 * n], a[:, n : 3 * n])
        c = c_all[t]
        np.multiply(a[:, :n], a[:, n : 2 * n], out=c)
        c += state[:, n:] * a[:, 2 * n : 3 * n]
        g[:, 3 * n :] += p_o * c
        _sigmoid_into(g[:, 3 * n :], a[:, 3 * n :])
        np.tanh(c, out=tanh_c)
        np.multiply(tanh_c, a[:, 3 * n :], out=y_all[t])
        state[:, :n] = y_all[t]
        state[:, n:] = c
    silence.__exit__(None, None, None)

    def out(arr: np.ndarray) -> np.ndarray:
        return arr if batched else arr[:, 0, :]

    return LSTMTrace(
        xs=xs,
        y0=y0_arr,
        c0=c0_arr,
        z_bar=out(bars[..., :n]),
        z=out(acts[..., :n]),
        i_bar=out(bars[..., n : 2 * n]),
        i=out(acts[..., n : 2 * n]),
        f_bar=out(bars[..., 2 * n : 3 * n]),
        f=out(acts[..., 2 * n : 3 * n]),
        c=out(c_all),
        o_bar=out(bars[..., 3 * n :]),
        o=out(acts[..., 3 * n :]),
        y=out(y_all),
    )


def lstm_backward(
    params: LSTMParams, trace: LSTMTrace, dy_ext: np.ndarray, *, dc_last: np.ndarray | None = None
) -> tuple[LSTMParams, LSTMDeltas]:
    """Backpropagation through time: gradients of every parameter and every delta.

    ``dy_ext`` (T, N) or (T, B, N) is the error arriving at y^t from above (for a loss
    L(y), dL/dy^t). Gradients are summed over time steps and over the batch.
    ``dc_last`` (N,) or (B, N), optional, is an error arriving at the last cell state
    c^{T-1} from outside, as when a decoder starts from the encoder's final state: it joins
    the highway as dc^T f^T would (with f^T = 1).
    """
    n, m = params.W_z.shape
    batched = trace.xs.ndim == 3
    want = trace.y.shape
    dy_ext = as_float_array("dy_ext", dy_ext)
    if dy_ext.shape != want:
        raise ValueError(f"dy_ext has shape {dy_ext.shape}; expected {want} to match trace.y")
    if dc_last is not None:
        dc_last = as_float_array("dc_last", dc_last)
        if dc_last.shape != want[1:]:
            raise ValueError(
                f"dc_last has shape {dc_last.shape}; expected {want[1:]} to match trace.c[-1]"
            )

    def b3(arr: np.ndarray) -> np.ndarray:
        return arr if batched else arr[:, None, :]

    T = trace.xs.shape[0]
    z, i, f, o, c, y = (b3(getattr(trace, k)) for k in ("z", "i", "f", "o", "c", "y"))
    B = z.shape[1]
    c0 = trace.c0.reshape(B, n)
    y0 = trace.y0.reshape(B, n)
    c_prev = np.concatenate([c0[None], c[:-1]])  # (T, B, N)
    y_prev = np.concatenate([y0[None], y[:-1]])  # (T, B, N)
    dext = b3(dy_ext)
    W, R, _ = params.stacked()
    p_i, p_f, p_o = params.p_i, params.p_f, params.p_o

    dgates = np.zeros((T + 1, B, 4 * n))  # dz_bar di_bar df_bar do_bar; row T stays zero
    dy_all = np.empty((T, B, n))
    dc_all = np.empty((T + 1, B, n))  # row T stays zero
    dc_all[T] = 0.0
    f_next_all = np.concatenate([f[1:], np.zeros((1, B, n))])  # f^{t+1}; zero after the end
    if dc_last is not None:  # an outside error at c^{T-1}, carried in as dc^T * 1
        dc_all[T] = dc_last.reshape(B, n)
        f_next_all[T - 1] = 1.0
    # One matmul per step gives both the recurrent error at y (R^T d_gates^{t+1}) and the
    # peephole error at c (p_i di_bar^{t+1} + p_f df_bar^{t+1}).
    RP = params._fused[3]  # (4N, 2N)
    fuse = n <= FUSE_MAX_N
    with np.errstate(over="ignore", invalid="ignore"):
        tanh_c = np.tanh(c)  # (T, B, N)
        o_slope = o * (1.0 - o)
        # Factors that do not depend on the recurrence, computed once for all steps.
        dobar_dy = tanh_c * o_slope  # do_bar = dy * dobar_dy
        dc_dy = o * (1.0 - tanh_c**2) + p_o * dobar_dy  # via tanh(c) and via the o peephole
        gate_factor = np.concatenate(  # d(z_bar, i_bar, f_bar) / dc, (T, B, 3, N)
            [
                (i * (1.0 - z**2))[:, :, None],
                (z * i * (1.0 - i))[:, :, None],
                (c_prev * f * (1.0 - f))[:, :, None],
            ],
            axis=2,
        )
        for t in range(T - 1, -1, -1):
            nxt = dgates[t + 1]
            if fuse:
                rec = nxt @ RP  # (B, 2N): [R^T d_gates, p_i di_bar + p_f df_bar] at t+1
                rec_y, rec_c = rec[:, :n], rec[:, n:]
            else:
                rec_y = nxt @ R
                rec_c = p_i * nxt[:, n : 2 * n] + p_f * nxt[:, 2 * n : 3 * n]
            dy = np.add(dext[t], rec_y, out=dy_all[t])
            dc = dc_all[t]
            np.multiply(dy, dc_dy[t], out=dc)
            dc += rec_c
            dc += dc_all[t + 1] * f_next_all[t]  # the highway: error carried from c^{t+1}
            g = dgates[t]
            np.multiply(dy, dobar_dy[t], out=g[:, 3 * n :])
            np.multiply(dc[:, None, :], gate_factor[t], out=g[:, : 3 * n].reshape(B, 3, n))
        dc_all = dc_all[:T]
        dg = dgates[:T]  # (T, B, 4N)
        dy0 = dg[0] @ R
        dc0 = p_i * dg[0, :, n : 2 * n] + p_f * dg[0, :, 2 * n : 3 * n] + dc_all[0] * f[0]
        flat = dg.reshape(T * B, 4 * n)
        dW = flat.T @ b3(trace.xs).reshape(T * B, m)  # (4N, M)
        dR = flat.T @ y_prev.reshape(T * B, n)  # (4N, N)
        db = flat.sum(axis=0)  # (4N,)
        dx = (flat @ W).reshape(T, B, m)
        if params.peepholes:
            dp_i = np.einsum("tbn,tbn->n", dg[..., n : 2 * n], c_prev)
            dp_f = np.einsum("tbn,tbn->n", dg[..., 2 * n : 3 * n], c_prev)
            dp_o = np.einsum("tbn,tbn->n", dg[..., 3 * n :], c)
        else:
            dp_i = dp_f = dp_o = np.zeros(n)
        # A NaN or infinity anywhere makes its array's sum non-finite: one cheap test each.
        nonfinite = not np.isfinite(
            [a.sum() for a in (flat, dc_all, dy_all, dW, dR, dx, dy0, dc0)]
        ).all()

    # Our own gradients skip the input checks of LSTMParams (they may overflow on purpose).
    grads = _unchecked_params(dW, dR, db, dp_i, dp_f, dp_o, n, params.peepholes)

    def out(arr: np.ndarray) -> np.ndarray:
        return arr if batched else arr[:, 0, :]

    deltas = LSTMDeltas(
        dy=out(dy_all),
        do_bar=out(dg[..., 3 * n :]),
        dc=out(dc_all),
        df_bar=out(dg[..., 2 * n : 3 * n]),
        di_bar=out(dg[..., n : 2 * n]),
        dz_bar=out(dg[..., :n]),
        dx=out(dx),
        dy0=dy0 if batched else dy0[0],
        dc0=dc0 if batched else dc0[0],
        nonfinite=nonfinite,
    )
    return grads, deltas


def _unchecked_params(
    dW: np.ndarray,
    dR: np.ndarray,
    db: np.ndarray,
    dp_i: np.ndarray,
    dp_f: np.ndarray,
    dp_o: np.ndarray,
    n: int,
    peepholes: bool,
) -> LSTMParams:
    """Build gradients without the input checks of ``LSTMParams``."""
    grads = object.__new__(LSTMParams)
    values = {
        **{f"W_{g}": dW[k * n : (k + 1) * n] for k, g in enumerate(GATES)},
        **{f"R_{g}": dR[k * n : (k + 1) * n] for k, g in enumerate(GATES)},
        "p_i": dp_i,
        "p_f": dp_f,
        "p_o": dp_o,
        **{f"b_{g}": db[k * n : (k + 1) * n] for k, g in enumerate(GATES)},
        "peepholes": peepholes,
    }
    for key, value in values.items():
        object.__setattr__(grads, key, value)
    return grads
