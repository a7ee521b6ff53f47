"""Attention and the Transformer's parts (Vaswani et al. 2017), forward and backward.

Scaled dot-product attention, queries q (Tq, d_k), keys k (Tk, d_k), values v (Tk, d_v)::

    scores  = q k^T / sqrt(d_k)                    (Tq, Tk)
    weights = softmax(scores), row by row          (Tq, Tk); a blocked entry (mask True) gets 0
    out     = weights v                            (Tq, d_v)

Multi-head attention, model width E, H heads of d = E / H; weights act as ``x @ W.T + b``
(PyTorch's convention), so a slide's ``Q = X W_Q`` has ``W_Q = W_q.T``::

    Q = x_q W_q^T + b_q,  K = x_kv W_k^T + b_k,  V = x_kv W_v^T + b_v      (T, E)
    head_h = attention(Q[:, h d:(h+1) d], K[:, h d:(h+1) d], V[:, h d:(h+1) d])
    out = concat(head_0 .. head_{H-1}) W_o^T + b_o                           (Tq, E)

The other parts of a Transformer layer::

    positional encoding  PE[p, 2i] = sin(p / 10000^(2i/E)),  PE[p, 2i+1] = cos(same angle)
    layer norm           out = gamma * (x - mean(x)) / sqrt(var(x) + eps) + beta   (per token)
    feed-forward         out = W_2 relu(W_1 x + b_1) + b_2                         (per token)
    add & norm           out = LayerNorm(x + sublayer(x))      (the residual connection)

Backward, the softmax's Jacobian applied row by row::

    dweights = dout v^T ;  dv = weights^T dout
    dscores  = weights * (dweights - sum_k(dweights * weights))
    dq = dscores k / sqrt(d_k) ;  dk = dscores^T q / sqrt(d_k)

Shapes carry an optional batch axis after time, as in the rest of the core: x (T, E) or
(T, B, E). Attention weights are then (Tq, Tk) or (Tq, B, Tk), a mask (Tq, Tk) or
(Tq, B, Tk), and multi-head scores and weights (H, Tq, Tk) or (H, Tq, B, Tk).

Example
-------
>>> rng = np.random.default_rng(0)
>>> q, k, v = rng.normal(size=(2, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 5))
>>> trace = attention_forward(q, k, v)
>>> trace.weights.shape, trace.out.shape
((2, 3), (2, 5))
>>> bool(np.allclose(trace.weights.sum(axis=1), 1.0))
True
>>> params = MultiHeadParams.init(8, rng)
>>> mha = mha_forward(params, rng.normal(size=(4, 8)), rng.normal(size=(6, 8)), n_heads=2)
>>> mha.out.shape, mha.weights.shape
((4, 8), (2, 4, 6))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_sequence, check_size

__all__ = [
    "softmax",
    "causal_mask",
    "AttentionTrace",
    "attention_forward",
    "attention_backward",
    "MultiHeadParams",
    "MHATrace",
    "mha_forward",
    "mha_backward",
    "positional_encoding",
    "LayerNormParams",
    "LayerNormTrace",
    "layer_norm_forward",
    "layer_norm_backward",
    "FeedForwardParams",
    "FeedForwardTrace",
    "feed_forward_forward",
    "feed_forward_backward",
    "AddNormTrace",
    "add_norm_forward",
    "add_norm_backward",
]

LAYER_NORM_EPS = 1e-5  # PyTorch's default


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, shifted by the maximum so it never overflows."""
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return z / np.sum(z, axis=axis, keepdims=True)


def causal_mask(T: int) -> np.ndarray:
    """(T, T) bool, True above the diagonal: query t may not look at keys after t."""
    n = check_size("T", T)
    return np.triu(np.ones((n, n), dtype=bool), k=1)


# ---------------------------------------------------------------------------------------
# Scaled dot-product attention


def _attend(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    blocked: np.ndarray | None,
    scale: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The equations on stacked arrays q (..., Tq, d_k), k (..., Tk, d_k), v (..., Tk, d_v);
    ``blocked`` broadcasts to (..., Tq, Tk). Returns scores, weights and out."""
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ np.swapaxes(k, -1, -2) * scale  # (..., Tq, Tk)
    if blocked is None:
        weights = softmax(scores)
    else:
        weights = softmax(np.where(blocked, -np.inf, scores))  # exp(-inf) = 0 exactly
    out = weights @ v  # (..., Tq, d_v)
    return scores, weights, out


def _attend_backward(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    weights: np.ndarray,
    dout: np.ndarray,
    scale: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dweights = dout @ np.swapaxes(v, -1, -2)  # (..., Tq, Tk)
    dv = np.swapaxes(weights, -1, -2) @ dout  # (..., Tk, d_v)
    # softmax backward; a blocked entry has weight 0, so its score gets no error
    dscores = weights * (dweights - np.sum(dweights * weights, axis=-1, keepdims=True))
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    dq = dscores @ k * scale  # (..., Tq, d_k)
    dk = np.swapaxes(dscores, -1, -2) @ q * scale  # (..., Tk, d_k)
    return dq, dk, dv


def _check_mask(mask: object, shape: tuple[int, ...], what: str) -> np.ndarray | None:
    """A bool mask of ``shape`` (True = blocked) that leaves every query a key, or None.
    With a batch, ``shape`` is (Tq, B, Tk) and a (Tq, Tk) mask serves every sequence."""
    if mask is None:
        return None
    arr = np.asarray(mask)
    if arr.dtype != bool:
        raise ValueError(f"mask has dtype {arr.dtype}; expected bool (True = blocked)")
    if len(shape) == 3 and arr.shape == (shape[0], shape[2]):
        arr = np.broadcast_to(arr[:, None, :], shape)
    if arr.shape != shape:
        raise ValueError(f"mask has shape {arr.shape}; expected {shape} for {what}")
    if np.any(arr.all(axis=-1)):
        raise ValueError("mask blocks every key for some query; leave each query a key to see")
    return arr


@dataclass(frozen=True)
class AttentionTrace:
    """Scaled dot-product attention of a whole sequence of queries.

    ``scores`` are q k^T * scale (scale = 1 / sqrt(d_k) unless given) before the mask and
    the softmax (a slide shows them as computed; blocked entries are the ones ``mask``
    marks), ``weights`` the softmax rows (blocked entries exactly 0), ``out`` their
    weighted sums of the values."""

    q: np.ndarray  # (Tq, d_k) or (Tq, B, d_k)
    k: np.ndarray  # (Tk, d_k) or (Tk, B, d_k)
    v: np.ndarray  # (Tk, d_v) or (Tk, B, d_v)
    mask: np.ndarray | None  # (Tq, Tk) or (Tq, B, Tk) bool, True = blocked
    scores: np.ndarray  # (Tq, Tk) or (Tq, B, Tk)
    weights: np.ndarray  # (Tq, Tk) or (Tq, B, Tk)
    out: np.ndarray  # (Tq, d_v) or (Tq, B, d_v)
    scale: float = 0.0  # the factor of q k^T in the scores


def _batch_first(x: np.ndarray) -> np.ndarray:
    """(T, B, d) -> (B, T, d); (T, d) stays."""
    return np.swapaxes(x, 0, 1) if x.ndim == 3 else x


def attention_forward(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
    *,
    scale: float | None = None,
) -> AttentionTrace:
    """Scaled dot-product attention: weights = softmax(q k^T / sqrt(d_k)), out = weights v.

    ``q`` (Tq, d_k), ``k`` (Tk, d_k), ``v`` (Tk, d_v), each with an optional batch axis
    after time; ``mask`` (Tq, Tk) (or (Tq, B, Tk)) bool, True where a query may not look.
    ``scale`` replaces 1 / sqrt(d_k) (1.0 gives plain dot-product scores, as Luong et al.'s
    attention over LSTM states, whose entries are bounded by 1)."""
    q = as_float_array("q", q)
    k = as_float_array("k", k)
    v = as_float_array("v", v)
    if q.ndim not in (2, 3) or k.ndim != q.ndim or v.ndim != q.ndim:
        raise ValueError(
            f"q, k, v have shapes {q.shape}, {k.shape}, {v.shape}; expected (T, d) each, or "
            f"(T, B, d) each with a batch axis"
        )
    if q.shape[-1] != k.shape[-1] or k.shape[:-1] != v.shape[:-1]:
        raise ValueError(
            f"q {q.shape}, k {k.shape}, v {v.shape} do not fit: q and k need the same d_k, "
            f"k and v the same length Tk"
        )
    if q.ndim == 3 and q.shape[1] != k.shape[1]:
        raise ValueError(f"q has batch {q.shape[1]} but k and v have batch {k.shape[1]}")
    if min(q.shape) < 1 or min(k.shape) < 1 or v.shape[-1] < 1:
        raise ValueError(f"q {q.shape}, k {k.shape}, v {v.shape}: every axis needs size >= 1")
    shape = (q.shape[0], *q.shape[1:-1], k.shape[0])
    blocked = _check_mask(mask, shape, f"{q.shape[0]} queries and {k.shape[0]} keys")
    if scale is None:
        scale = 1.0 / np.sqrt(q.shape[-1])
    elif isinstance(scale, bool) or not isinstance(scale, int | float) or not scale > 0:
        raise ValueError(f"scale = {scale!r}; expected a positive number (default 1/sqrt(d_k))")
    scores, weights, out = _attend(
        _batch_first(q),
        _batch_first(k),
        _batch_first(v),
        None if blocked is None else _batch_first(blocked),
        float(scale),
    )
    return AttentionTrace(
        q=q,
        k=k,
        v=v,
        mask=blocked,
        scores=_batch_first(scores),
        weights=_batch_first(weights),
        out=_batch_first(out),
        scale=float(scale),
    )


def attention_backward(
    trace: AttentionTrace, dout: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Errors at q, k and v from the error ``dout`` (the shape of ``trace.out``) at the output."""
    dout = as_float_array("dout", dout)
    if dout.shape != trace.out.shape:
        raise ValueError(f"dout has shape {dout.shape}; expected {trace.out.shape} to match out")
    dq, dk, dv = _attend_backward(
        _batch_first(trace.q),
        _batch_first(trace.k),
        _batch_first(trace.v),
        _batch_first(trace.weights),
        _batch_first(dout),
        trace.scale,
    )
    return _batch_first(dq), _batch_first(dk), _batch_first(dv)


# ---------------------------------------------------------------------------------------
# Multi-head attention


@dataclass(frozen=True)
class MultiHeadParams:
    """Projections of multi-head attention; each acts as ``x @ W.T + b``. Heads are the
    consecutive blocks of d = E / H columns of the projected queries, keys and values."""

    W_q: np.ndarray  # (E, E)
    W_k: np.ndarray  # (E, E)
    W_v: np.ndarray  # (E, E)
    W_o: np.ndarray  # (E, E)
    b_q: np.ndarray  # (E,)
    b_k: np.ndarray  # (E,)
    b_v: np.ndarray  # (E,)
    b_o: np.ndarray  # (E,)

    def __post_init__(self) -> None:
        e = as_float_array("W_q", self.W_q).shape[0] if np.ndim(self.W_q) == 2 else -1
        for name in self.array_names():
            arr = as_float_array(name, getattr(self, name))
            want = (e, e) if name.startswith("W") else (e,)
            if e < 1 or arr.shape != want:
                raise ValueError(
                    f"{name} has shape {arr.shape}; expected {want} (every W (E, E), every b "
                    f"(E,), E from W_q)"
                )
            object.__setattr__(self, name, arr)

    @staticmethod
    def array_names() -> tuple[str, ...]:
        return ("W_q", "W_k", "W_v", "W_o", "b_q", "b_k", "b_v", "b_o")

    @property
    def n_embed(self) -> int:
        return self.W_q.shape[0]

    @classmethod
    def init(cls, n_embed: int, rng: np.random.Generator) -> MultiHeadParams:
        """Xavier-uniform weights (PyTorch's choice for attention), zero biases."""
        e = check_size("n_embed", n_embed)
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
        limit = np.sqrt(6.0 / (e + e))
        weights = {f"W_{p}": rng.uniform(-limit, limit, size=(e, e)) for p in "qkvo"}
        return cls(**weights, **{f"b_{p}": np.zeros(e) for p in "qkvo"})


@dataclass(frozen=True)
class MHATrace:
    """Multi-head attention of a whole sequence: the projected ``q k v`` (all heads side by
    side), every head's ``scores`` (scaled, before mask and softmax) and ``weights``, the
    heads' outputs side by side (``concat``, before W_o) and ``out``."""

    x_q: np.ndarray  # (Tq, E) or (Tq, B, E)
    x_kv: np.ndarray  # (Tk, E) or (Tk, B, E)
    n_heads: int
    mask: np.ndarray | None  # (Tq, Tk) or (Tq, B, Tk) bool, True = blocked
    q: np.ndarray  # (Tq, E) or (Tq, B, E)
    k: np.ndarray  # (Tk, E) or (Tk, B, E)
    v: np.ndarray  # (Tk, E) or (Tk, B, E)
    scores: np.ndarray  # (H, Tq, Tk) or (H, Tq, B, Tk)
    weights: np.ndarray  # (H, Tq, Tk) or (H, Tq, B, Tk)
    concat: np.ndarray  # (Tq, E) or (Tq, B, E)
    out: np.ndarray  # (Tq, E) or (Tq, B, E)

    @property
    def head_size(self) -> int:
        return self.q.shape[-1] // self.n_heads

    def head(self, h: int) -> AttentionTrace:
        """Head ``h`` alone, as a scaled dot-product attention of its slices of q, k, v."""
        if not -self.n_heads <= h < self.n_heads:
            raise ValueError(f"head h = {h} is outside 0 .. {self.n_heads - 1}")
        h = h % self.n_heads
        cols = slice(h * self.head_size, (h + 1) * self.head_size)
        return AttentionTrace(
            q=self.q[..., cols],
            k=self.k[..., cols],
            v=self.v[..., cols],
            mask=self.mask,
            scores=self.scores[h],
            weights=self.weights[h],
            out=self.concat[..., cols],
            scale=1.0 / np.sqrt(self.head_size),
        )


def _split_heads(x: np.ndarray, n_heads: int) -> np.ndarray:
    """(T, B, E) -> (B, H, T, d)."""
    T, B, E = x.shape
    return x.reshape(T, B, n_heads, E // n_heads).transpose(1, 2, 0, 3)


def _merge_heads(x: np.ndarray) -> np.ndarray:
    """(B, H, T, d) -> (T, B, E)."""
    B, H, T, d = x.shape
    return x.transpose(2, 0, 1, 3).reshape(T, B, H * d)


def _linear(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x @ W.T + b over the last axis of any stack of vectors."""
    return (x.reshape(-1, x.shape[-1]) @ W.T + b).reshape(*x.shape[:-1], W.shape[0])


def _linear_grads(x: np.ndarray, dy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of W and b of y = x @ W.T + b, summed over every leading axis."""
    x2 = x.reshape(-1, x.shape[-1])
    dy2 = dy.reshape(-1, dy.shape[-1])
    return dy2.T @ x2, dy2.sum(axis=0)


def mha_forward(
    params: MultiHeadParams,
    x_q: np.ndarray,
    x_kv: np.ndarray,
    n_heads: int,
    mask: np.ndarray | None = None,
) -> MHATrace:
    """Multi-head attention of the queries ``x_q`` (Tq, E) over ``x_kv`` (Tk, E) (pass the
    same array twice for self-attention), each with an optional batch axis after time;
    ``mask`` (Tq, Tk) (or (Tq, B, Tk)) bool, True = blocked, the same for every head."""
    E = params.n_embed
    H = check_size("n_heads", n_heads)
    if E % H:
        raise ValueError(f"n_heads = {H} does not divide E = {E}; pick a divisor of {E}")
    x_q = check_sequence("x_q", x_q, E, f"attention with E = {E}")
    x_kv = check_sequence("x_kv", x_kv, E, f"attention with E = {E}")
    if x_q.ndim != x_kv.ndim or x_q.shape[1:-1] != x_kv.shape[1:-1]:
        raise ValueError(
            f"x_q {x_q.shape} and x_kv {x_kv.shape} need the same batch layout: (T, E) both "
            f"or (T, B, E) both"
        )
    batched = x_q.ndim == 3
    Tq, Tk = x_q.shape[0], x_kv.shape[0]
    blocked = _check_mask(
        mask, (Tq, *x_q.shape[1:-1], Tk), f"{Tq} queries and {Tk} keys and values"
    )
    q = _linear(x_q, params.W_q, params.b_q)  # (Tq, [B,] E)
    k = _linear(x_kv, params.W_k, params.b_k)  # (Tk, [B,] E)
    v = _linear(x_kv, params.W_v, params.b_v)  # (Tk, [B,] E)

    def b3(x: np.ndarray) -> np.ndarray:
        return x if batched else x[:, None, :]

    inner_mask = None
    if blocked is not None:  # (Tq, [B,] Tk) -> (B, 1, Tq, Tk), the same for every head
        inner_mask = (blocked if batched else blocked[:, None, :]).transpose(1, 0, 2)[:, None]
    scores, weights, heads = _attend(
        _split_heads(b3(q), H), _split_heads(b3(k), H), _split_heads(b3(v), H), inner_mask
    )  # (B, H, Tq, Tk), (B, H, Tq, Tk), (B, H, Tq, d)
    concat = _merge_heads(heads)  # (Tq, B, E)
    out = _linear(concat, params.W_o, params.b_o)  # (Tq, B, E)
    if batched:
        per_head = (scores.transpose(1, 2, 0, 3), weights.transpose(1, 2, 0, 3))
    else:
        per_head = (scores[0], weights[0])
        concat, out = concat[:, 0], out[:, 0]
    return MHATrace(
        x_q=x_q,
        x_kv=x_kv,
        n_heads=H,
        mask=blocked,
        q=q,
        k=k,
        v=v,
        scores=per_head[0],
        weights=per_head[1],
        concat=concat,
        out=out,
    )


def mha_backward(
    params: MultiHeadParams, trace: MHATrace, dout: np.ndarray
) -> tuple[MultiHeadParams, np.ndarray, np.ndarray]:
    """Gradients of every projection and the errors at ``x_q`` and ``x_kv`` from ``dout``
    (the shape of ``trace.out``). For self-attention the input's error is dx_q + dx_kv."""
    dout = as_float_array("dout", dout)
    if dout.shape != trace.out.shape:
        raise ValueError(f"dout has shape {dout.shape}; expected {trace.out.shape} to match out")
    batched = trace.x_q.ndim == 3
    H = trace.n_heads

    def b3(x: np.ndarray) -> np.ndarray:
        return x if batched else x[:, None, :]

    weights = trace.weights.transpose(2, 0, 1, 3) if batched else trace.weights[None]
    dW_o, db_o = _linear_grads(trace.concat, dout)
    dconcat = b3(dout) @ params.W_o  # (Tq, B, E)
    dq, dk, dv = _attend_backward(
        _split_heads(b3(trace.q), H),
        _split_heads(b3(trace.k), H),
        _split_heads(b3(trace.v), H),
        weights,
        _split_heads(dconcat, H),
    )
    dq, dk, dv = _merge_heads(dq), _merge_heads(dk), _merge_heads(dv)  # (T, B, E)
    x_q, x_kv = b3(trace.x_q), b3(trace.x_kv)
    dW_q, db_q = _linear_grads(x_q, dq)
    dW_k, db_k = _linear_grads(x_kv, dk)
    dW_v, db_v = _linear_grads(x_kv, dv)
    dx_q = dq @ params.W_q
    dx_kv = dk @ params.W_k + dv @ params.W_v
    grads = MultiHeadParams(dW_q, dW_k, dW_v, dW_o, db_q, db_k, db_v, db_o)
    if not batched:
        dx_q, dx_kv = dx_q[:, 0], dx_kv[:, 0]
    return grads, dx_q, dx_kv


# ---------------------------------------------------------------------------------------
# Positional encoding, layer norm, feed-forward, add & norm


def positional_encoding(T: int, d: int) -> np.ndarray:
    """The sinusoids of Vaswani et al. (T, d): PE[p, 2i] = sin(p / 10000^(2i/d)) and
    PE[p, 2i+1] = cos(p / 10000^(2i/d)), for positions p = 0 .. T-1."""
    n = check_size("T", T)
    width = check_size("d", d)
    pos = np.arange(n)[:, None]  # (T, 1)
    angle = pos / 10000.0 ** (np.arange(0, width, 2) / width)  # (T, ceil(d/2))
    pe = np.empty((n, width))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : width // 2])
    return pe


@dataclass(frozen=True)
class LayerNormParams:
    """Gain ``gamma`` and shift ``beta`` of a layer norm over the last axis, (E,) each."""

    gamma: np.ndarray  # (E,)
    beta: np.ndarray  # (E,)

    def __post_init__(self) -> None:
        gamma = as_float_array("gamma", self.gamma)
        beta = as_float_array("beta", self.beta)
        if gamma.ndim != 1 or gamma.size < 1 or beta.shape != gamma.shape:
            raise ValueError(
                f"gamma {gamma.shape} and beta {beta.shape} must both be (E,) with E >= 1"
            )
        object.__setattr__(self, "gamma", gamma)
        object.__setattr__(self, "beta", beta)

    @staticmethod
    def array_names() -> tuple[str, ...]:
        return ("gamma", "beta")

    @classmethod
    def init(cls, n_embed: int) -> LayerNormParams:
        """gamma = 1, beta = 0: the plain normalisation."""
        e = check_size("n_embed", n_embed)
        return cls(np.ones(e), np.zeros(e))


@dataclass(frozen=True)
class LayerNormTrace:
    """Layer norm of every token: its ``mean``, ``inv_std`` = 1 / sqrt(var + eps) (one per
    token), the normalised ``x_hat`` and ``out`` = gamma * x_hat + beta."""

    x: np.ndarray  # (..., E)
    mean: np.ndarray  # (...,)
    inv_std: np.ndarray  # (...,)
    x_hat: np.ndarray  # (..., E)
    out: np.ndarray  # (..., E)
    eps: float


def layer_norm_forward(
    params: LayerNormParams, x: np.ndarray, eps: float = LAYER_NORM_EPS
) -> LayerNormTrace:
    """Normalise each vector of ``x`` (..., E) over its E entries, then scale and shift."""
    x = as_float_array("x", x)
    E = params.gamma.shape[0]
    if x.ndim < 1 or x.shape[-1] != E:
        raise ValueError(f"x has shape {x.shape}; the layer norm expects (..., {E})")
    mean = x.mean(axis=-1)
    centred = x - mean[..., None]
    inv_std = 1.0 / np.sqrt((centred**2).mean(axis=-1) + eps)
    x_hat = centred * inv_std[..., None]
    out = params.gamma * x_hat + params.beta
    return LayerNormTrace(x=x, mean=mean, inv_std=inv_std, x_hat=x_hat, out=out, eps=eps)


def layer_norm_backward(
    params: LayerNormParams, trace: LayerNormTrace, dout: np.ndarray
) -> tuple[LayerNormParams, np.ndarray]:
    """Gradients of gamma and beta (summed over every token) and the error at ``x``."""
    dout = as_float_array("dout", dout)
    if dout.shape != trace.out.shape:
        raise ValueError(f"dout has shape {dout.shape}; expected {trace.out.shape} to match out")
    lead = tuple(range(dout.ndim - 1))
    dgamma = np.sum(dout * trace.x_hat, axis=lead)
    dbeta = np.sum(dout, axis=lead)
    dx_hat = dout * params.gamma  # (..., E)
    # through the mean and the standard deviation, which every entry shares
    dx = trace.inv_std[..., None] * (
        dx_hat
        - dx_hat.mean(axis=-1, keepdims=True)
        - trace.x_hat * np.mean(dx_hat * trace.x_hat, axis=-1, keepdims=True)
    )
    return LayerNormParams(dgamma, dbeta), dx


@dataclass(frozen=True)
class FeedForwardParams:
    """The position-wise feed-forward layer: W_1 (F, E), b_1 (F,), W_2 (E, F), b_2 (E,)."""

    W_1: np.ndarray  # (F, E)
    b_1: np.ndarray  # (F,)
    W_2: np.ndarray  # (E, F)
    b_2: np.ndarray  # (E,)

    def __post_init__(self) -> None:
        w1 = as_float_array("W_1", self.W_1)
        if w1.ndim != 2 or min(w1.shape) < 1:
            raise ValueError(f"W_1 has shape {w1.shape}; expected (F, E) with F, E >= 1")
        f, e = w1.shape
        want = {"W_1": (f, e), "b_1": (f,), "W_2": (e, f), "b_2": (e,)}
        for name, shape in want.items():
            arr = as_float_array(name, getattr(self, name))
            if arr.shape != shape:
                raise ValueError(f"{name} has shape {arr.shape}; expected {shape} (F={f}, E={e})")
            object.__setattr__(self, name, arr)

    @staticmethod
    def array_names() -> tuple[str, ...]:
        return ("W_1", "b_1", "W_2", "b_2")

    @classmethod
    def init(cls, n_embed: int, n_hidden: int, rng: np.random.Generator) -> FeedForwardParams:
        """Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights (as PyTorch's Linear), zero biases."""
        e = check_size("n_embed", n_embed)
        f = check_size("n_hidden", n_hidden)
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
        W_1 = rng.uniform(-1, 1, size=(f, e)) / np.sqrt(e)
        W_2 = rng.uniform(-1, 1, size=(e, f)) / np.sqrt(f)
        return cls(W_1, np.zeros(f), W_2, np.zeros(e))


@dataclass(frozen=True)
class FeedForwardTrace:
    """The feed-forward layer on every token: ``a`` = W_1 x + b_1, ``h`` = relu(a), ``out``."""

    x: np.ndarray  # (..., E)
    a: np.ndarray  # (..., F)
    h: np.ndarray  # (..., F)
    out: np.ndarray  # (..., E)


def feed_forward_forward(params: FeedForwardParams, x: np.ndarray) -> FeedForwardTrace:
    """out = W_2 relu(W_1 x + b_1) + b_2, the same two layers on every token of ``x`` (..., E)."""
    x = as_float_array("x", x)
    E = params.W_1.shape[1]
    if x.ndim < 1 or x.shape[-1] != E:
        raise ValueError(f"x has shape {x.shape}; the feed-forward layer expects (..., {E})")
    a = _linear(x, params.W_1, params.b_1)
    h = np.maximum(a, 0.0)
    out = _linear(h, params.W_2, params.b_2)
    return FeedForwardTrace(x=x, a=a, h=h, out=out)


def feed_forward_backward(
    params: FeedForwardParams, trace: FeedForwardTrace, dout: np.ndarray
) -> tuple[FeedForwardParams, np.ndarray]:
    """Gradients of W_1 b_1 W_2 b_2 (summed over every token) and the error at ``x``."""
    dout = as_float_array("dout", dout)
    if dout.shape != trace.out.shape:
        raise ValueError(f"dout has shape {dout.shape}; expected {trace.out.shape} to match out")
    dW_2, db_2 = _linear_grads(trace.h, dout)
    dh = dout @ params.W_2  # (..., F)
    da = dh * (trace.a > 0)  # backprop through relu
    dW_1, db_1 = _linear_grads(trace.x, da)
    dx = da @ params.W_1
    return FeedForwardParams(dW_1, db_1, dW_2, db_2), dx


@dataclass(frozen=True)
class AddNormTrace:
    """Add & norm: the residual sum ``residual`` = x + sublayer(x), then its layer norm."""

    x: np.ndarray  # (..., E) the sub-layer's input, carried around it by the skip path
    sublayer: np.ndarray  # (..., E) the sub-layer's output
    residual: np.ndarray  # (..., E)
    norm: LayerNormTrace
    out: np.ndarray  # (..., E)


def add_norm_forward(params: LayerNormParams, x: np.ndarray, sublayer: np.ndarray) -> AddNormTrace:
    """LayerNorm(x + sublayer): the residual connection around a sub-layer, then the norm."""
    x = as_float_array("x", x)
    sublayer = as_float_array("sublayer", sublayer)
    if x.shape != sublayer.shape:
        raise ValueError(f"x {x.shape} and sublayer {sublayer.shape} must have the same shape")
    residual = x + sublayer
    norm = layer_norm_forward(params, residual)
    return AddNormTrace(x=x, sublayer=sublayer, residual=residual, norm=norm, out=norm.out)


def add_norm_backward(
    params: LayerNormParams, trace: AddNormTrace, dout: np.ndarray
) -> tuple[LayerNormParams, np.ndarray]:
    """Gradients of the norm and the error at the residual sum, which reaches the sub-layer's
    output and (unchanged, through the skip path) its input ``x`` alike."""
    grads, dresidual = layer_norm_backward(params, trace.norm, dout)
    return grads, dresidual
