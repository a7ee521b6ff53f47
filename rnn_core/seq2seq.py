"""Encoder-decoder (seq2seq) LSTMs, without and with attention, forward and backward.

Both are built from the Greff LSTM of :mod:`rnn_core.lstm` (Sutskever et al. 2014): the
encoder reads the source words; its final state (y, c) is the decoder's initial state; the
decoder reads a begin token and then the previous target word, so at inference it feeds its
own output back in (:func:`seq2seq_greedy`); in training it is given the right previous
word instead (teacher forcing). ``h^j`` are the encoder's outputs (Ts, N), ``s^t`` the
decoder's (Tt, N).

Without attention the source reaches the decoder only through that one final state::

    logits^t = W_out s^t + b_out

With attention (Luong et al. 2015, "global attention" with dot-product scores) every
decoder step looks at every encoder state::

    e^t_j   = s^t . h^j                           scores, one per source word (Tt, Ts)
    alpha^t = softmax(e^t)                        attention weights (Tt, Ts)
    ctx^t   = sum_j alpha^t_j h^j                 context vector (Tt, N)
    s~^t    = tanh(W_c [ctx^t ; s^t] + b_c)       attentional state (Tt, N)
    logits^t = W_out s~^t + b_out

Why dot-product scores rather than additive ones (Bahdanau et al. 2015, v^T tanh(W s +
U h)): a score is then one dot product between two states a slide already shows, with no
weights of its own, and it is the Transformer's q . k with the projections left out, so
the lecture goes from here to Q K^T / sqrt(d_k) in one step. Why not scaled by
1/sqrt(N) as the Transformer's: LSTM outputs lie in (-1, 1), so a scaled score could
never leave +-sqrt(N) and the softmax could not single out one word (trained that way, the
attention stayed nearly uniform: 0.2 to 0.4 of the weight on the aligned word, against
0.65 to 0.75 unscaled, at the same accuracy). Why the current state s^t (Luong), not the
previous one (Bahdanau, whose context feeds the recurrence): the decoder LSTM then runs
as one piece with attention on top, so forward and backward reuse ``lstm_forward`` and
``lstm_backward`` on the whole sequence. The scores are computed by
:func:`rnn_core.attention.attention_forward` (queries s^t, keys and values h^j, scale 1).

``bridge=False`` starts the decoder from zeros instead of the encoder's final state, so
attention is its only view of the source. The shipped ``seq2seq-attention`` is built so:
trained with the bridge as well, it was as accurate but leaned on the final state, and
its attention rested less on the aligned word (0.51 to 0.65 of the weight on average over
two seeds, against 0.68 to 0.74 without).

Token ids are (T,) or (T, B) (batch after time, as the rest of the core); every source of
a batch has the same length; targets of different lengths are padded at the end and left
out of the loss (:func:`rnn_core.seq2seq.sequence_cross_entropy` with a mask).

Example
-------
>>> rng = np.random.default_rng(0)
>>> params = Seq2SeqParams.init(6, 7, 4, 5, rng, attention=True)
>>> trace = seq2seq_forward(params, np.array([1, 2, 3]), np.array([0, 4]))
>>> trace.logits.shape, trace.attention.weights.shape
((2, 7), (2, 3))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_size
from ._tokens import check_bos_eos, check_tokens, embedding_grad, sequence_cross_entropy
from .attention import AttentionTrace, attention_backward, attention_forward
from .lstm import LSTMParams, LSTMTrace, lstm_backward, lstm_forward

__all__ = [
    "Seq2SeqParams",
    "Seq2SeqTrace",
    "seq2seq_forward",
    "seq2seq_backward",
    "seq2seq_greedy",
    "sequence_cross_entropy",
]


@dataclass(frozen=True)
class Seq2SeqParams:
    """Word embeddings ``src_embed`` (V_src, M) and ``tgt_embed`` (V_tgt, M), the encoder and
    decoder LSTMs (N cells, M inputs each), the read-out ``W_out`` (V_tgt, N), ``b_out``;
    with attention also ``W_c`` (N, 2N) and ``b_c`` (N,) of the attentional state (both
    ``None`` without attention)."""

    src_embed: np.ndarray  # (V_src, M)
    tgt_embed: np.ndarray  # (V_tgt, M)
    encoder: LSTMParams
    decoder: LSTMParams
    W_out: np.ndarray  # (V_tgt, N)
    b_out: np.ndarray  # (V_tgt,)
    W_c: np.ndarray | None = None  # (N, 2N): s~ = tanh(W_c [ctx; s] + b_c)
    b_c: np.ndarray | None = None  # (N,)
    bridge: bool = True  # the decoder starts from the encoder's final (y, c); else from zeros

    def __post_init__(self) -> None:
        n, m = self.encoder.n_hidden, self.encoder.n_in
        if (self.decoder.n_hidden, self.decoder.n_in) != (n, m):
            raise ValueError(
                f"decoder (N = {self.decoder.n_hidden}, M = {self.decoder.n_in}) and encoder "
                f"(N = {n}, M = {m}) must have the same sizes"
            )
        if (self.W_c is None) != (self.b_c is None):
            raise ValueError("give both W_c and b_c (attention) or neither (no attention)")
        if not self.bridge and self.W_c is None:
            raise ValueError(
                "bridge=False leaves the decoder blind without attention; add W_c, b_c"
            )
        v_tgt = np.shape(self.W_out)[0] if np.ndim(self.W_out) == 2 else -1
        want = {
            "src_embed": (np.shape(self.src_embed)[0] if np.ndim(self.src_embed) else -1, m),
            "tgt_embed": (v_tgt, m),
            "W_out": (v_tgt, n),
            "b_out": (v_tgt,),
        }
        if self.W_c is not None:
            want.update(W_c=(n, 2 * n), b_c=(n,))
        for name, shape in want.items():
            arr = as_float_array(name, getattr(self, name))
            if arr.shape != shape or min(shape) < 1:
                raise ValueError(
                    f"{name} has shape {arr.shape}; expected {shape} for N = {n}, M = {m}"
                )
            object.__setattr__(self, name, arr)

    @property
    def attention(self) -> bool:
        return self.W_c is not None

    @property
    def n_src(self) -> int:
        return self.src_embed.shape[0]

    @property
    def n_tgt(self) -> int:
        return self.tgt_embed.shape[0]

    @property
    def n_hidden(self) -> int:
        return self.encoder.n_hidden

    @classmethod
    def init(
        cls,
        n_src: int,
        n_tgt: int,
        n_embed: int,
        n_hidden: int,
        rng: np.random.Generator,
        *,
        attention: bool,
        bridge: bool = True,
        peepholes: bool = True,
    ) -> Seq2SeqParams:
        """Embeddings N(0, 1), LSTMs as :meth:`LSTMParams.init`, read-out and W_c
        Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)), zero biases."""
        vs, vt = check_size("n_src", n_src), check_size("n_tgt", n_tgt)
        m, n = check_size("n_embed", n_embed), check_size("n_hidden", n_hidden)
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
        src_embed = rng.normal(size=(vs, m))
        tgt_embed = rng.normal(size=(vt, m))
        encoder = LSTMParams.init(m, n, rng, peepholes=peepholes)
        decoder = LSTMParams.init(m, n, rng, peepholes=peepholes)
        W_out = rng.uniform(-1, 1, size=(vt, n)) / np.sqrt(n)
        extra = {}
        if attention:
            extra = dict(W_c=rng.uniform(-1, 1, size=(n, 2 * n)) / np.sqrt(2 * n), b_c=np.zeros(n))
        return cls(
            src_embed, tgt_embed, encoder, decoder, W_out, np.zeros(vt), **extra, bridge=bridge
        )


@dataclass(frozen=True)
class Seq2SeqTrace:
    """A whole forward pass: the tokens and their embeddings, both LSTM traces (``encoder.y``
    are the states h^j, ``decoder.y`` the states s^t; the decoder starts from the encoder's
    final y and c), and with attention the :class:`AttentionTrace` (``scores`` e, ``weights``
    alpha, ``out`` the context vectors) and the attentional states ``att_state`` s~."""

    src: np.ndarray  # (Ts,) or (Ts, B) ids
    tgt_in: np.ndarray  # (Tt,) or (Tt, B) ids: the begin token, then the previous words
    src_x: np.ndarray  # (Ts, [B,] M)
    tgt_x: np.ndarray  # (Tt, [B,] M)
    encoder: LSTMTrace
    decoder: LSTMTrace
    attention: AttentionTrace | None
    att_state: np.ndarray | None  # (Tt, [B,] N)
    logits: np.ndarray  # (Tt, [B,] V_tgt)

    @property
    def context(self) -> np.ndarray | None:
        """The context vectors ctx^t (Tt, [B,] N), or None without attention."""
        return None if self.attention is None else self.attention.out


def _check_pair(params: Seq2SeqParams, src: object, tgt_in: object) -> tuple[np.ndarray, ...]:
    src = check_tokens("src", src, params.n_src)
    tgt_in = check_tokens("tgt_in", tgt_in, params.n_tgt)
    if src.ndim != tgt_in.ndim or src.shape[1:] != tgt_in.shape[1:]:
        raise ValueError(f"src {src.shape} and tgt_in {tgt_in.shape} need the same batch layout")
    return src, tgt_in


def _bridge(params: Seq2SeqParams, enc: LSTMTrace) -> tuple[np.ndarray, np.ndarray]:
    """The decoder's initial (y, c): the encoder's final state, or zeros without a bridge."""
    if params.bridge:
        return enc.y[-1], enc.c[-1]
    return np.zeros_like(enc.y[-1]), np.zeros_like(enc.c[-1])


def _read_out(
    params: Seq2SeqParams, s: np.ndarray, h: np.ndarray
) -> tuple[AttentionTrace | None, np.ndarray | None, np.ndarray]:
    """From decoder states s (Tt, [B,] N) and encoder states h (Ts, [B,] N) to the logits."""
    if not params.attention:
        return None, None, s @ params.W_out.T + params.b_out
    att = attention_forward(s, h, h, scale=1.0)  # scores s.h, weights, context vectors
    combined = np.concatenate([att.out, s], axis=-1)  # [ctx; s] (Tt, [B,] 2N)
    att_state = np.tanh(combined @ params.W_c.T + params.b_c)  # s~ (Tt, [B,] N)
    return att, att_state, att_state @ params.W_out.T + params.b_out


def seq2seq_forward(params: Seq2SeqParams, src: np.ndarray, tgt_in: np.ndarray) -> Seq2SeqTrace:
    """Encode ``src`` (Ts,) or (Ts, B) ids and decode ``tgt_in`` (Tt,) or (Tt, B) ids (the
    begin token, then the target words but the last: teacher forcing)."""
    src, tgt_in = _check_pair(params, src, tgt_in)
    src_x = params.src_embed[src]  # (Ts, [B,] M)
    tgt_x = params.tgt_embed[tgt_in]  # (Tt, [B,] M)
    enc = lstm_forward(params.encoder, src_x)
    y0, c0 = _bridge(params, enc)
    dec = lstm_forward(params.decoder, tgt_x, y0=y0, c0=c0)
    att, att_state, logits = _read_out(params, dec.y, enc.y)
    return Seq2SeqTrace(
        src=src,
        tgt_in=tgt_in,
        src_x=src_x,
        tgt_x=tgt_x,
        encoder=enc,
        decoder=dec,
        attention=att,
        att_state=att_state,
        logits=logits,
    )


def seq2seq_backward(
    params: Seq2SeqParams, trace: Seq2SeqTrace, dlogits: np.ndarray
) -> Seq2SeqParams:
    """Gradients of every parameter from the error ``dlogits`` at the logits: through the
    read-out (and attention) into the decoder, from the decoder's initial state into the
    encoder's final y and c, and through the encoder to the source embeddings."""
    dlogits = as_float_array("dlogits", dlogits)
    if dlogits.shape != trace.logits.shape:
        raise ValueError(f"dlogits has shape {dlogits.shape}; expected {trace.logits.shape}")
    n = params.n_hidden
    s, h = trace.decoder.y, trace.encoder.y
    top = s if trace.att_state is None else trace.att_state
    dW_out = dlogits.reshape(-1, params.n_tgt).T @ top.reshape(-1, n)
    db_out = dlogits.reshape(-1, params.n_tgt).sum(axis=0)
    dtop = dlogits @ params.W_out  # (Tt, [B,] N)
    extra = {}
    if trace.attention is None:
        ds = dtop
        dh = np.zeros_like(h)
    else:
        dpre = dtop * (1.0 - trace.att_state**2)  # backprop through tanh
        combined = np.concatenate([trace.attention.out, s], axis=-1)
        extra = dict(
            W_c=dpre.reshape(-1, n).T @ combined.reshape(-1, 2 * n),
            b_c=dpre.reshape(-1, n).sum(axis=0),
        )
        dcombined = dpre @ params.W_c  # (Tt, [B,] 2N)
        dq, dk, dv = attention_backward(trace.attention, dcombined[..., :n])
        ds = dcombined[..., n:] + dq  # the state reaches the read-out and the scores
        dh = dk + dv  # every encoder state is a key and a value
    g_dec, d_dec = lstm_backward(params.decoder, trace.decoder, ds)
    dc_last = None
    if params.bridge:
        dh[-1] += d_dec.dy0  # the decoder started from the encoder's final y ...
        dc_last = d_dec.dc0  # ... and c
    g_enc, d_enc = lstm_backward(params.encoder, trace.encoder, dh, dc_last=dc_last)
    return Seq2SeqParams(
        src_embed=embedding_grad(trace.src, d_enc.dx, params.n_src),
        tgt_embed=embedding_grad(trace.tgt_in, d_dec.dx, params.n_tgt),
        encoder=g_enc,
        decoder=g_dec,
        W_out=dW_out,
        b_out=db_out,
        **extra,
        bridge=params.bridge,
    )


def seq2seq_greedy(
    params: Seq2SeqParams, src: np.ndarray, bos: int, eos: int, max_len: int
) -> np.ndarray:
    """Greedy decoding: the decoder starts from the encoder's final state and the begin
    token ``bos``, and each step's most likely word is fed back in as the next input, until
    every sequence has written ``eos`` or after ``max_len`` words. Returns (T_out,) or
    (T_out, B) ids, ``eos`` included where it was written (a finished sequence keeps
    writing ``eos``)."""
    src = check_tokens("src", src, params.n_src)
    n_max = check_size("max_len", max_len)
    check_bos_eos(bos, eos, params.n_tgt)
    batched = src.ndim == 2
    src2 = src if batched else src[:, None]
    B = src2.shape[1]
    enc = lstm_forward(params.encoder, params.src_embed[src2])  # (Ts, B, N)
    y, c = _bridge(params, enc)
    word = np.full(B, bos, dtype=np.int64)
    done = np.zeros(B, dtype=bool)
    out = []
    for _ in range(n_max):
        step = lstm_forward(params.decoder, params.tgt_embed[word][None], y0=y, c0=c)
        _, _, logits = _read_out(params, step.y, enc.y)  # (1, B, V_tgt)
        word = np.where(done, eos, np.argmax(logits[0], axis=-1))
        out.append(word)
        done |= word == eos
        y, c = step.y[0], step.c[0]
        if done.all():
            break
    ids = np.stack(out)
    return ids if batched else ids[:, 0]
