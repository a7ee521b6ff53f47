"""Image captioning: an image encoder gives the semantic vector, an LSTM decoder writes.

The encoder is a two-layer perceptron (an MLP), not a convolution: the task's images are
tiny (a few hundred pixel values), so a dense layer sees the whole picture at once for
the price of two matrix products, its gradient is two lines of the chain rule, and it
trains in seconds. What the lecture needs from it is a *semantic vector*, a short code in
which pictures that mean the same sit close together; a CNN would give translation
invariance for free, but at this size the MLP learns what it needs (which colour and
shape is where) from data. Encoder, with x the image's pixels flattened (P,)::

    a1 = W1 x + b1,   h1 = tanh(a1)         (D1 hidden units)
    a2 = W2 h1 + b2,  v  = tanh(a2)         (D: the semantic vector, each entry in -1..1)

The decoder is the Greff LSTM of :mod:`rnn_core.lstm`. The semantic vector sets its
initial state through a linear map and is part of its input at every step, next to the
word written before, which is fed back (one-hot over the vocabulary; the LSTM's input
weights act as word embeddings)::

    y^{-1} = tanh(W_y v + b_y),   c^{-1} = W_c v + b_c
    x^t = [onehot(w^{t-1}) ; v]    (K + D inputs; w^{-1} = the start token)
    y^t, c^t = LSTM(x^t, y^{t-1}, c^{t-1})
    p^t = softmax(W_out y^t + b_out)         (next-word distribution over K words)

Why both: with the picture only in the initial state, the decoder must carry the second
shape's colour and form through four steps of its own writing, and the trained model
got the second half of two-shape captions wrong far more often; seeing v at every step
(as in Donahue et al.'s LRCN) lets each word look at the picture again.

In training the fed-back word is the true one (teacher forcing) and the loss is the
cross-entropy of every true next word up to and including the end token (``mask`` marks
the steps that count); at inference :func:`greedy_decode` feeds back its own most likely
word until it writes the end token. The backward pass is the chain rule end to end: the
read-out's error enters the LSTM as ``dy_ext``, :func:`~rnn_core.lstm.lstm_backward`
returns the error at the initial state (``dy0``, ``dc0``) and at its inputs (``dx``, whose
last D columns belong to v at every step), the bridge and those columns add up to the
error at the semantic vector, and the encoder's backward pass takes it to the weights and
the pixels.

Shapes: B images, P pixels, D1 encoder hidden units, D semantic dimensions, N LSTM cells,
K words, T decoder steps; one image is (P,) with tokens (T,), a batch (B, P) with tokens
(T, B), and traces keep whichever the input had.

Example
-------
>>> rng = np.random.default_rng(0)
>>> params = CaptionParams.init(12, 5, 4, 6, 7, rng)  # P, D1, D, N, K
>>> x = rng.uniform(size=12)
>>> trace = caption_forward(params, x, np.array([0, 3, 4]), np.array([3, 4, 1]))
>>> trace.probs.shape, trace.encoder.v.shape
((3, 7), (4,))
>>> grads = caption_backward(params, trace)
>>> grads.encoder.W1.shape
(5, 12)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_size
from .lstm import LSTMParams, LSTMTrace, lstm_backward, lstm_forward
from .rnn import softmax

__all__ = [
    "EncoderParams",
    "EncoderTrace",
    "encoder_forward",
    "encoder_backward",
    "DecoderParams",
    "CaptionParams",
    "CaptionTrace",
    "caption_forward",
    "caption_backward",
    "GreedyDecode",
    "greedy_decode",
]


def _check_shapes(obj: object, want: dict[str, tuple[int, ...]], sizes: str) -> None:
    for name, shape in want.items():
        arr = as_float_array(name, getattr(obj, name))
        if arr.shape != shape:
            raise ValueError(f"{name} has shape {arr.shape}; expected {shape} for {sizes}")
        object.__setattr__(obj, name, arr)


def _unchecked(cls: type, values: dict[str, np.ndarray]) -> object:
    """A parameter dataclass of gradients, built without the input checks."""
    out = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(out, name, value)
    return out


@dataclass(frozen=True)
class EncoderParams:
    """The MLP encoder: W1 (D1, P), b1 (D1,), W2 (D, D1), b2 (D,)."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    def __post_init__(self) -> None:
        W1 = as_float_array("W1", self.W1)
        W2 = as_float_array("W2", self.W2)
        if W1.ndim != 2 or W2.ndim != 2 or min(W1.shape) < 1 or W2.shape[0] < 1:
            raise ValueError(f"W1 {W1.shape} and W2 {W2.shape} must be (D1, P) and (D, D1)")
        d1, p = W1.shape
        d = W2.shape[0]
        _check_shapes(
            self,
            {"W1": (d1, p), "b1": (d1,), "W2": (d, d1), "b2": (d,)},
            f"P = {p} pixels, D1 = {d1} hidden, D = {d} semantic",
        )

    @staticmethod
    def array_names() -> tuple[str, ...]:
        return ("W1", "b1", "W2", "b2")

    def trainable_names(self) -> tuple[str, ...]:
        return self.array_names()

    @classmethod
    def init(
        cls, n_pixels: int, n_hidden: int, n_semantic: int, rng: np.random.Generator
    ) -> EncoderParams:
        """Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights, zero biases."""
        p = check_size("n_pixels", n_pixels)
        d1 = check_size("n_hidden", n_hidden)
        d = check_size("n_semantic", n_semantic)
        return cls(
            W1=rng.uniform(-1, 1, size=(d1, p)) / np.sqrt(p),
            b1=np.zeros(d1),
            W2=rng.uniform(-1, 1, size=(d, d1)) / np.sqrt(d1),
            b2=np.zeros(d),
        )


@dataclass(frozen=True)
class EncoderTrace:
    """The encoder's values: ``x`` (P,) or (B, P), ``a1 h1`` (.., D1), ``a2 v`` (.., D)."""

    x: np.ndarray
    a1: np.ndarray
    h1: np.ndarray
    a2: np.ndarray
    v: np.ndarray


def encoder_forward(params: EncoderParams, x: np.ndarray) -> EncoderTrace:
    """The semantic vector of one image (P,) or a batch (B, P) of flattened images."""
    p = params.W1.shape[1]
    x = as_float_array("x", x)
    if x.ndim not in (1, 2) or x.shape[-1] != p:
        raise ValueError(f"x has shape {x.shape}; the encoder expects (P,) or (B, P) with P = {p}")
    a1 = x @ params.W1.T + params.b1
    h1 = np.tanh(a1)
    a2 = h1 @ params.W2.T + params.b2
    return EncoderTrace(x=x, a1=a1, h1=h1, a2=a2, v=np.tanh(a2))


def encoder_backward(
    params: EncoderParams, trace: EncoderTrace, dv: np.ndarray
) -> tuple[EncoderParams, np.ndarray]:
    """Gradients of the encoder's weights (summed over the batch) and the error at the
    pixels ``dx``, from the error ``dv`` at the semantic vector."""
    dv = as_float_array("dv", dv)
    if dv.shape != trace.v.shape:
        raise ValueError(f"dv has shape {dv.shape}; expected {trace.v.shape} like trace.v")
    da2 = dv * (1.0 - trace.v**2)  # (.., D)
    dh1 = da2 @ params.W2  # (.., D1)
    da1 = dh1 * (1.0 - trace.h1**2)
    d, d1 = params.W2.shape
    p = params.W1.shape[1]
    grads = _unchecked(
        EncoderParams,
        {
            "W1": da1.reshape(-1, d1).T @ trace.x.reshape(-1, p),
            "b1": da1.reshape(-1, d1).sum(axis=0),
            "W2": da2.reshape(-1, d).T @ trace.h1.reshape(-1, d1),
            "b2": da2.reshape(-1, d).sum(axis=0),
        },
    )
    return grads, da1 @ params.W1  # type: ignore[return-value]


@dataclass(frozen=True)
class DecoderParams:
    """What the decoder adds to its LSTM: the bridge from the semantic vector to the initial
    state, W_y (N, D), b_y (N,), W_c (N, D), b_c (N,), and the read-out W_out (K, N),
    b_out (K,)."""

    W_y: np.ndarray
    b_y: np.ndarray
    W_c: np.ndarray
    b_c: np.ndarray
    W_out: np.ndarray
    b_out: np.ndarray

    def __post_init__(self) -> None:
        W_y = as_float_array("W_y", self.W_y)
        W_out = as_float_array("W_out", self.W_out)
        if W_y.ndim != 2 or W_out.ndim != 2 or min(W_y.shape) < 1 or W_out.shape[0] < 1:
            raise ValueError(f"W_y {W_y.shape} and W_out {W_out.shape} must be (N, D) and (K, N)")
        n, d = W_y.shape
        k = W_out.shape[0]
        _check_shapes(
            self,
            {
                "W_y": (n, d),
                "b_y": (n,),
                "W_c": (n, d),
                "b_c": (n,),
                "W_out": (k, n),
                "b_out": (k,),
            },
            f"N = {n} cells, D = {d} semantic, K = {k} words",
        )

    @staticmethod
    def array_names() -> tuple[str, ...]:
        return ("W_y", "b_y", "W_c", "b_c", "W_out", "b_out")

    def trainable_names(self) -> tuple[str, ...]:
        return self.array_names()


@dataclass(frozen=True)
class CaptionParams:
    """The whole captioner: ``encoder`` (:class:`EncoderParams`), ``decoder``
    (:class:`DecoderParams`) and ``lstm`` (:class:`~rnn_core.lstm.LSTMParams` with
    M = K + D inputs: one per word, then the semantic vector). An optimiser takes the three
    parts as a list."""

    encoder: EncoderParams
    decoder: DecoderParams
    lstm: LSTMParams

    def __post_init__(self) -> None:
        d = self.encoder.W2.shape[0]
        n, k = self.lstm.n_hidden, self.decoder.W_out.shape[0]
        if self.decoder.W_y.shape != (n, d):
            raise ValueError(
                f"decoder.W_y has shape {self.decoder.W_y.shape}; expected (N, D) = {(n, d)} "
                f"to join the encoder's D = {d} to the LSTM's N = {n} cells"
            )
        if self.decoder.W_out.shape[1] != n or self.lstm.n_in != k + d:
            raise ValueError(
                f"the LSTM has M = {self.lstm.n_in} inputs and N = {n} cells; the read-out "
                f"W_out {self.decoder.W_out.shape} must be (K, N) with M = K words + D = {d}"
            )

    def parts(self) -> list:
        """[encoder, decoder, lstm]: the order an optimiser's ``step`` takes them in."""
        return [self.encoder, self.decoder, self.lstm]

    @classmethod
    def from_parts(cls, parts: list) -> CaptionParams:
        return cls(*parts)

    @property
    def n_words(self) -> int:
        return self.decoder.W_out.shape[0]

    @classmethod
    def init(
        cls,
        n_pixels: int,
        n_hidden: int,
        n_semantic: int,
        n_cells: int,
        n_words: int,
        rng: np.random.Generator,
        *,
        peepholes: bool = True,
    ) -> CaptionParams:
        """Random weights: the encoder and LSTM as their own ``init``, the bridge and the
        read-out uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) with zero biases."""
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
        encoder = EncoderParams.init(n_pixels, n_hidden, n_semantic, rng)
        n = check_size("n_cells", n_cells)
        k = check_size("n_words", n_words)
        d = encoder.W2.shape[0]
        lstm = LSTMParams.init(k + d, n, rng, peepholes=peepholes)
        decoder = DecoderParams(
            W_y=rng.uniform(-1, 1, size=(n, d)) / np.sqrt(d),
            b_y=np.zeros(n),
            W_c=rng.uniform(-1, 1, size=(n, d)) / np.sqrt(d),
            b_c=np.zeros(n),
            W_out=rng.uniform(-1, 1, size=(k, n)) / np.sqrt(n),
            b_out=np.zeros(k),
        )
        return cls(encoder, decoder, lstm)


@dataclass(frozen=True)
class CaptionTrace:
    """Everything the forward pass computed: the ``encoder`` trace (its ``v`` is the
    semantic vector), the initial state ``y0 c0`` (.., N), the fed-back words ``inputs``
    and the words to predict ``targets`` (T,) or (T, B), the ``lstm`` trace, ``logits`` and
    ``probs`` (T, .., K), and ``losses`` (T, ..) the masked cross-entropy per step."""

    encoder: EncoderTrace
    y0: np.ndarray
    c0: np.ndarray
    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    lstm: LSTMTrace
    logits: np.ndarray
    probs: np.ndarray
    losses: np.ndarray

    @property
    def loss(self) -> float:
        return float(self.losses.sum())


def _check_tokens(name: str, tokens: object, shape: tuple[int, ...] | None, k: int) -> np.ndarray:
    arr = np.asarray(tokens)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} has dtype {arr.dtype}; expected integer word indices")
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}; expected {shape}")
    if arr.size and (arr.min() < 0 or arr.max() >= k):
        raise ValueError(f"{name} must lie in 0 .. {k - 1} for K = {k} words")
    return arr.astype(np.int64)


def caption_forward(
    params: CaptionParams,
    x: np.ndarray,
    inputs: np.ndarray,
    targets: np.ndarray,
    mask: np.ndarray | None = None,
) -> CaptionTrace:
    """Teacher-forced forward pass: image(s) ``x`` (P,) or (B, P), fed-back words ``inputs``
    and next words ``targets`` (T,) or (T, B), ``mask`` (same shape, default all ones)."""
    enc = encoder_forward(params.encoder, x)
    k = params.n_words
    batch = enc.v.shape[:-1]
    inputs = _check_tokens("inputs", inputs, None, k)
    if inputs.ndim != 1 + len(batch) or inputs.shape[1:] != batch or inputs.shape[0] < 1:
        raise ValueError(
            f"inputs has shape {inputs.shape}; expected (T,{' B' if batch else ''}) with "
            f"T >= 1 for x of shape {enc.x.shape}"
        )
    targets = _check_tokens("targets", targets, inputs.shape, k)
    w = np.ones(inputs.shape) if mask is None else as_float_array("mask", mask)
    if w.shape != inputs.shape:
        raise ValueError(f"mask has shape {w.shape}; expected {inputs.shape} like inputs")
    d = params.decoder
    y0 = np.tanh(enc.v @ d.W_y.T + d.b_y)  # (.., N)
    c0 = enc.v @ d.W_c.T + d.b_c
    words = np.eye(k)[inputs]  # (T, .., K) one-hot words
    seen = np.broadcast_to(enc.v, (*inputs.shape, enc.v.shape[-1]))  # (T, .., D) v at every step
    xs = np.concatenate([words, seen], axis=-1)  # (T, .., K + D)
    lstm = lstm_forward(params.lstm, xs, y0=y0, c0=c0)
    logits = lstm.y @ d.W_out.T + d.b_out  # (T, .., K)
    top = logits.max(axis=-1)
    log_norm = np.log(np.exp(logits - top[..., None]).sum(axis=-1)) + top
    picked = np.take_along_axis(logits, targets[..., None], axis=-1)[..., 0]
    return CaptionTrace(
        encoder=enc,
        y0=y0,
        c0=c0,
        inputs=inputs,
        targets=targets,
        mask=w,
        lstm=lstm,
        logits=logits,
        probs=softmax(logits),
        losses=w * (log_norm - picked),
    )


def caption_backward(
    params: CaptionParams, trace: CaptionTrace, *, with_dx: bool = False
) -> CaptionParams | tuple[CaptionParams, np.ndarray]:
    """Gradients of the summed loss for every part (a :class:`CaptionParams` of gradients;
    summed over the batch); with ``with_dx=True`` also the error at the pixels."""
    d = params.decoder
    n, k = params.lstm.n_hidden, params.n_words
    dlogits = trace.probs.copy()  # softmax cross-entropy: p - onehot(target), masked
    idx = trace.targets[..., None]
    np.put_along_axis(dlogits, idx, np.take_along_axis(dlogits, idx, -1) - 1.0, -1)
    dlogits *= trace.mask[..., None]
    dy_ext = dlogits @ d.W_out  # (T, .., N) error arriving at y^t from the read-out
    lstm_grads, deltas = lstm_backward(params.lstm, trace.lstm, dy_ext)
    da_y = deltas.dy0 * (1.0 - trace.y0**2)  # through y^{-1} = tanh(W_y v + b_y)
    dc0 = deltas.dc0
    v = trace.encoder.v
    dim = v.shape[-1]
    decoder_grads = _unchecked(
        DecoderParams,
        {
            "W_y": da_y.reshape(-1, n).T @ v.reshape(-1, dim),
            "b_y": da_y.reshape(-1, n).sum(axis=0),
            "W_c": dc0.reshape(-1, n).T @ v.reshape(-1, dim),
            "b_c": dc0.reshape(-1, n).sum(axis=0),
            "W_out": dlogits.reshape(-1, k).T @ trace.lstm.y.reshape(-1, n),
            "b_out": dlogits.reshape(-1, k).sum(axis=0),
        },
    )
    dv = da_y @ d.W_y + dc0 @ d.W_c + deltas.dx[..., k:].sum(axis=0)  # state + every step
    encoder_grads, dx = encoder_backward(params.encoder, trace.encoder, dv)
    grads = object.__new__(CaptionParams)
    for name, value in (
        ("encoder", encoder_grads),
        ("decoder", decoder_grads),
        ("lstm", lstm_grads),
    ):
        object.__setattr__(grads, name, value)
    return (grads, dx) if with_dx else grads


@dataclass(frozen=True)
class GreedyDecode:
    """A greedy decode of one image: ``words`` the indices written (ending with the end
    token unless ``max_steps`` ran out), ``probs`` (L, K) the next-word distribution at each
    step (the written word is its argmax), ``v`` the semantic vector, ``y`` and ``c`` (L, N)
    the LSTM's states, ``y0 c0`` its initial state."""

    words: tuple[int, ...]
    probs: np.ndarray
    v: np.ndarray
    y0: np.ndarray
    c0: np.ndarray
    y: np.ndarray
    c: np.ndarray

    @property
    def word_probs(self) -> np.ndarray:
        """The probability of each written word when it was written, (L,)."""
        return self.probs[np.arange(len(self.words)), list(self.words)]


def greedy_decode(
    params: CaptionParams, x: np.ndarray, start: int, end: int, max_steps: int = 10
) -> GreedyDecode:
    """Write a caption for one image ``x`` (P,): start from the semantic vector, feed the
    ``start`` token, then at each step write the most likely word and feed it back, until
    the ``end`` token (included) or ``max_steps`` words."""
    k = params.n_words
    for name, tok in (("start", start), ("end", end)):
        if isinstance(tok, bool) or not isinstance(tok, int | np.integer) or not 0 <= tok < k:
            raise ValueError(f"{name} must be a word index in 0 .. {k - 1}, got {tok!r}")
    steps = check_size("max_steps", max_steps)
    enc = encoder_forward(params.encoder, x)
    if enc.v.ndim != 1:
        raise ValueError(f"greedy_decode takes one image (P,), got x of shape {enc.x.shape}")
    d = params.decoder
    y = y0 = np.tanh(d.W_y @ enc.v + d.b_y)
    c = c0 = d.W_c @ enc.v + d.b_c
    word = int(start)
    words: list[int] = []
    probs, ys, cs = [], [], []
    for _ in range(steps):
        x_t = np.concatenate([np.eye(k)[word], enc.v])  # (K + D,) the word fed back, and v
        step = lstm_forward(params.lstm, x_t[None], y0=y, c0=c)
        y, c = step.y[0], step.c[0]
        p = softmax(d.W_out @ y + d.b_out)
        word = int(np.argmax(p))
        words.append(word)
        probs.append(p)
        ys.append(y)
        cs.append(c)
        if word == end:
            break
    return GreedyDecode(
        words=tuple(words),
        probs=np.array(probs),
        v=enc.v,
        y0=y0,
        c0=c0,
        y=np.array(ys),
        c=np.array(cs),
    )
