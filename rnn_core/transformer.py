"""A one-layer Transformer encoder-decoder (Vaswani et al. 2017) built from
:mod:`rnn_core.attention`, forward and backward.

Post-norm layers, as in the paper (each sub-layer is followed by add & norm)::

    encoder:  x = E_src[source] + PE                                   (Ts, E)
              a = MultiHead(x, x, x)                      self-attention, every word sees all
              n1 = LayerNorm(x + a)
              memory = LayerNorm(n1 + FeedForward(n1))
    decoder:  y = E_tgt[target input] + PE                              (Tt, E)
              a = MultiHead(y, y, y, causal mask)         word t sees words 0 .. t only
              n1 = LayerNorm(y + a)
              c = MultiHead(n1, memory, memory)           cross-attention to the encoder
              n2 = LayerNorm(n1 + c)
              n3 = LayerNorm(n2 + FeedForward(n2))
              logits = n3 W_out^T + b_out                               (Tt, V_tgt)

The target input is the target shifted right behind a begin token (teacher forcing in
training); :func:`transformer_greedy` feeds each chosen word back in instead. Because the
decoder's self-attention is causal, the logits of a whole-sequence pass over a prefix equal
those of the step-by-step decoder (tested).

Token ids are (T,) or (T, B) (batch after time, as in the rest of the core); every
sequence of a batch has the same length (a batch is a bucket of one source length;
targets of different lengths are padded at the end and left out of the loss).

Example
-------
>>> rng = np.random.default_rng(0)
>>> params = TransformerParams.init(6, 7, 8, 2, 16, rng)
>>> trace = transformer_forward(params, np.array([1, 2, 3]), np.array([0, 4]))
>>> trace.logits.shape, trace.decoder.cross_attn.weights.shape
((2, 7), (2, 2, 3))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_size
from ._tokens import check_bos_eos, check_tokens, embedding_grad
from .attention import (
    AddNormTrace,
    FeedForwardParams,
    FeedForwardTrace,
    LayerNormParams,
    MHATrace,
    MultiHeadParams,
    _attend,
    _linear,
    _merge_heads,
    _split_heads,
    add_norm_backward,
    add_norm_forward,
    causal_mask,
    feed_forward_backward,
    feed_forward_forward,
    mha_backward,
    mha_forward,
    positional_encoding,
)

__all__ = [
    "EncoderLayerParams",
    "EncoderLayerTrace",
    "encoder_layer_forward",
    "encoder_layer_backward",
    "DecoderLayerParams",
    "DecoderLayerTrace",
    "decoder_layer_forward",
    "decoder_layer_backward",
    "TransformerParams",
    "TransformerTrace",
    "transformer_forward",
    "transformer_backward",
    "transformer_greedy",
    "DecoderCache",
    "decoder_cache",
    "decoder_step",
]


# ---------------------------------------------------------------------------------------
# Encoder layer


@dataclass(frozen=True)
class EncoderLayerParams:
    """Self-attention, add & norm, feed-forward, add & norm."""

    self_attn: MultiHeadParams
    norm_1: LayerNormParams
    ff: FeedForwardParams
    norm_2: LayerNormParams

    @classmethod
    def init(cls, n_embed: int, n_ff: int, rng: np.random.Generator) -> EncoderLayerParams:
        return cls(
            self_attn=MultiHeadParams.init(n_embed, rng),
            norm_1=LayerNormParams.init(n_embed),
            ff=FeedForwardParams.init(n_embed, n_ff, rng),
            norm_2=LayerNormParams.init(n_embed),
        )


@dataclass(frozen=True)
class EncoderLayerTrace:
    """Every intermediate of one encoder layer, in the order the block computes them."""

    x: np.ndarray  # (T, [B,] E) the layer's input
    self_attn: MHATrace
    add_norm_1: AddNormTrace  # LayerNorm(x + self-attention)
    ff: FeedForwardTrace
    add_norm_2: AddNormTrace  # LayerNorm(n1 + feed-forward)
    out: np.ndarray  # (T, [B,] E)


def encoder_layer_forward(
    params: EncoderLayerParams, x: np.ndarray, n_heads: int, mask: np.ndarray | None = None
) -> EncoderLayerTrace:
    """One post-norm encoder layer over ``x`` (T, E) or (T, B, E)."""
    attn = mha_forward(params.self_attn, x, x, n_heads, mask)
    n1 = add_norm_forward(params.norm_1, attn.x_q, attn.out)
    ff = feed_forward_forward(params.ff, n1.out)
    n2 = add_norm_forward(params.norm_2, n1.out, ff.out)
    return EncoderLayerTrace(
        x=attn.x_q, self_attn=attn, add_norm_1=n1, ff=ff, add_norm_2=n2, out=n2.out
    )


def encoder_layer_backward(
    params: EncoderLayerParams, trace: EncoderLayerTrace, dout: np.ndarray
) -> tuple[EncoderLayerParams, np.ndarray]:
    """Gradients of the layer and the error at its input ``x``."""
    g_n2, d = add_norm_backward(params.norm_2, trace.add_norm_2, dout)  # at n1 + ff
    g_ff, d_ff = feed_forward_backward(params.ff, trace.ff, d)
    g_n1, d = add_norm_backward(params.norm_1, trace.add_norm_1, d + d_ff)  # at x + attn
    g_attn, dx_q, dx_kv = mha_backward(params.self_attn, trace.self_attn, d)
    grads = EncoderLayerParams(self_attn=g_attn, norm_1=g_n1, ff=g_ff, norm_2=g_n2)
    return grads, d + dx_q + dx_kv  # skip path + queries + keys and values


# ---------------------------------------------------------------------------------------
# Decoder layer


@dataclass(frozen=True)
class DecoderLayerParams:
    """Masked self-attention, add & norm, cross-attention, add & norm, feed-forward, add & norm."""

    self_attn: MultiHeadParams
    norm_1: LayerNormParams
    cross_attn: MultiHeadParams
    norm_2: LayerNormParams
    ff: FeedForwardParams
    norm_3: LayerNormParams

    @classmethod
    def init(cls, n_embed: int, n_ff: int, rng: np.random.Generator) -> DecoderLayerParams:
        return cls(
            self_attn=MultiHeadParams.init(n_embed, rng),
            norm_1=LayerNormParams.init(n_embed),
            cross_attn=MultiHeadParams.init(n_embed, rng),
            norm_2=LayerNormParams.init(n_embed),
            ff=FeedForwardParams.init(n_embed, n_ff, rng),
            norm_3=LayerNormParams.init(n_embed),
        )


@dataclass(frozen=True)
class DecoderLayerTrace:
    """Every intermediate of one decoder layer, in the order the block computes them."""

    x: np.ndarray  # (Tt, [B,] E) the layer's input
    memory: np.ndarray  # (Ts, [B,] E) the encoder's output
    self_attn: MHATrace  # causal
    add_norm_1: AddNormTrace
    cross_attn: MHATrace  # queries from the decoder, keys and values from the memory
    add_norm_2: AddNormTrace
    ff: FeedForwardTrace
    add_norm_3: AddNormTrace
    out: np.ndarray  # (Tt, [B,] E)


def decoder_layer_forward(
    params: DecoderLayerParams,
    x: np.ndarray,
    memory: np.ndarray,
    n_heads: int,
    self_mask: np.ndarray | None = None,
    cross_mask: np.ndarray | None = None,
) -> DecoderLayerTrace:
    """One post-norm decoder layer over ``x`` (Tt, E) attending to ``memory`` (Ts, E) (each
    with an optional batch axis); ``self_mask`` is usually :func:`causal_mask` (Tt)."""
    attn = mha_forward(params.self_attn, x, x, n_heads, self_mask)
    n1 = add_norm_forward(params.norm_1, attn.x_q, attn.out)
    cross = mha_forward(params.cross_attn, n1.out, memory, n_heads, cross_mask)
    n2 = add_norm_forward(params.norm_2, n1.out, cross.out)
    ff = feed_forward_forward(params.ff, n2.out)
    n3 = add_norm_forward(params.norm_3, n2.out, ff.out)
    return DecoderLayerTrace(
        x=attn.x_q,
        memory=cross.x_kv,
        self_attn=attn,
        add_norm_1=n1,
        cross_attn=cross,
        add_norm_2=n2,
        ff=ff,
        add_norm_3=n3,
        out=n3.out,
    )


def decoder_layer_backward(
    params: DecoderLayerParams, trace: DecoderLayerTrace, dout: np.ndarray
) -> tuple[DecoderLayerParams, np.ndarray, np.ndarray]:
    """Gradients of the layer, the error at its input ``x`` and at the ``memory``."""
    g_n3, d = add_norm_backward(params.norm_3, trace.add_norm_3, dout)  # at n2 + ff
    g_ff, d_ff = feed_forward_backward(params.ff, trace.ff, d)
    g_n2, d = add_norm_backward(params.norm_2, trace.add_norm_2, d + d_ff)  # at n1 + cross
    g_cross, d_q, dmemory = mha_backward(params.cross_attn, trace.cross_attn, d)
    g_n1, d = add_norm_backward(params.norm_1, trace.add_norm_1, d + d_q)  # at x + attn
    g_attn, dx_q, dx_kv = mha_backward(params.self_attn, trace.self_attn, d)
    grads = DecoderLayerParams(
        self_attn=g_attn, norm_1=g_n1, cross_attn=g_cross, norm_2=g_n2, ff=g_ff, norm_3=g_n3
    )
    return grads, d + dx_q + dx_kv, dmemory


# ---------------------------------------------------------------------------------------
# The encoder-decoder


@dataclass(frozen=True)
class TransformerParams:
    """A one-layer Transformer encoder-decoder: word embeddings ``src_embed`` (V_src, E) and
    ``tgt_embed`` (V_tgt, E), one encoder layer, one decoder layer, the read-out ``W_out``
    (V_tgt, E), ``b_out`` (V_tgt,), and the number of heads."""

    src_embed: np.ndarray  # (V_src, E)
    tgt_embed: np.ndarray  # (V_tgt, E)
    encoder: EncoderLayerParams
    decoder: DecoderLayerParams
    W_out: np.ndarray  # (V_tgt, E)
    b_out: np.ndarray  # (V_tgt,)
    n_heads: int

    def __post_init__(self) -> None:
        E = self.encoder.self_attn.n_embed
        want = {
            "src_embed": (np.shape(self.src_embed)[0], E),
            "tgt_embed": (np.shape(self.W_out)[0], E),
            "W_out": (np.shape(self.W_out)[0], E),
            "b_out": (np.shape(self.W_out)[0],),
        }
        for name, shape in want.items():
            arr = np.asarray(getattr(self, name), dtype=np.float64)
            if arr.shape != shape:
                raise ValueError(f"{name} has shape {arr.shape}; expected {shape} for E = {E}")
            object.__setattr__(self, name, arr)
        if self.decoder.self_attn.n_embed != E:
            raise ValueError(f"the decoder's width {self.decoder.self_attn.n_embed} is not E = {E}")
        H = check_size("n_heads", self.n_heads)
        if E % H:
            raise ValueError(f"n_heads = {H} does not divide E = {E}; pick a divisor of {E}")

    @property
    def n_embed(self) -> int:
        return self.encoder.self_attn.n_embed

    @property
    def n_src(self) -> int:
        return self.src_embed.shape[0]

    @property
    def n_tgt(self) -> int:
        return self.tgt_embed.shape[0]

    @classmethod
    def init(
        cls,
        n_src: int,
        n_tgt: int,
        n_embed: int,
        n_heads: int,
        n_ff: int,
        rng: np.random.Generator,
    ) -> TransformerParams:
        """Embeddings N(0, 1) (the paper's N(0, 1/E) times sqrt(E)), layers as their
        ``init``, read-out Uniform(-1/sqrt(E), 1/sqrt(E)), zero bias."""
        vs, vt = check_size("n_src", n_src), check_size("n_tgt", n_tgt)
        e = check_size("n_embed", n_embed)
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
        return cls(
            src_embed=rng.normal(size=(vs, e)),
            tgt_embed=rng.normal(size=(vt, e)),
            encoder=EncoderLayerParams.init(e, n_ff, rng),
            decoder=DecoderLayerParams.init(e, n_ff, rng),
            W_out=rng.uniform(-1, 1, size=(vt, e)) / np.sqrt(e),
            b_out=np.zeros(vt),
            n_heads=n_heads,
        )


@dataclass(frozen=True)
class TransformerTrace:
    """A whole forward pass: the tokens, the positional encodings added to the embeddings,
    both layers' traces and the logits. ``encoder.out`` is the memory the decoder reads."""

    src: np.ndarray  # (Ts,) or (Ts, B) ids
    tgt_in: np.ndarray  # (Tt,) or (Tt, B) ids: begin token, then the words fed back
    src_pos: np.ndarray  # (Ts, E) positional encodings of the source positions
    tgt_pos: np.ndarray  # (Tt, E)
    src_x: np.ndarray  # (Ts, [B,] E) embedding + positional encoding
    tgt_x: np.ndarray  # (Tt, [B,] E)
    encoder: EncoderLayerTrace
    decoder: DecoderLayerTrace
    logits: np.ndarray  # (Tt, [B,] V_tgt)

    @property
    def memory(self) -> np.ndarray:
        return self.encoder.out


def _with_positions(table: np.ndarray, ids: np.ndarray, pos: np.ndarray) -> np.ndarray:
    x = table[ids]  # (T, [B,] E)
    return x + (pos[:, None, :] if ids.ndim == 2 else pos)


def transformer_forward(
    params: TransformerParams, src: np.ndarray, tgt_in: np.ndarray
) -> TransformerTrace:
    """Encode ``src`` (Ts,) or (Ts, B) ids and decode ``tgt_in`` (Tt,) or (Tt, B) ids (the
    target shifted right behind the begin token) with a causal decoder."""
    src = check_tokens("src", src, params.n_src)
    tgt_in = check_tokens("tgt_in", tgt_in, params.n_tgt)
    if src.ndim != tgt_in.ndim or src.shape[1:] != tgt_in.shape[1:]:
        raise ValueError(f"src {src.shape} and tgt_in {tgt_in.shape} need the same batch layout")
    E, H = params.n_embed, params.n_heads
    src_pos = positional_encoding(src.shape[0], E)
    tgt_pos = positional_encoding(tgt_in.shape[0], E)
    src_x = _with_positions(params.src_embed, src, src_pos)
    tgt_x = _with_positions(params.tgt_embed, tgt_in, tgt_pos)
    enc = encoder_layer_forward(params.encoder, src_x, H)
    dec = decoder_layer_forward(params.decoder, tgt_x, enc.out, H, causal_mask(tgt_in.shape[0]))
    logits = dec.out @ params.W_out.T + params.b_out  # (Tt, [B,] V_tgt)
    return TransformerTrace(
        src=src,
        tgt_in=tgt_in,
        src_pos=src_pos,
        tgt_pos=tgt_pos,
        src_x=src_x,
        tgt_x=tgt_x,
        encoder=enc,
        decoder=dec,
        logits=logits,
    )


def transformer_backward(
    params: TransformerParams, trace: TransformerTrace, dlogits: np.ndarray
) -> TransformerParams:
    """Gradients of every parameter from the error ``dlogits`` at the logits."""
    dlogits = np.asarray(dlogits, dtype=np.float64)
    if dlogits.shape != trace.logits.shape:
        raise ValueError(f"dlogits has shape {dlogits.shape}; expected {trace.logits.shape}")
    E = params.n_embed
    out = trace.decoder.out
    dW_out = dlogits.reshape(-1, params.n_tgt).T @ out.reshape(-1, E)
    db_out = dlogits.reshape(-1, params.n_tgt).sum(axis=0)
    g_dec, dtgt_x, dmemory = decoder_layer_backward(
        params.decoder, trace.decoder, dlogits @ params.W_out
    )
    g_enc, dsrc_x = encoder_layer_backward(params.encoder, trace.encoder, dmemory)
    return TransformerParams(
        src_embed=embedding_grad(trace.src, dsrc_x, params.n_src),
        tgt_embed=embedding_grad(trace.tgt_in, dtgt_x, params.n_tgt),
        encoder=g_enc,
        decoder=g_dec,
        W_out=dW_out,
        b_out=db_out,
        n_heads=params.n_heads,
    )


@dataclass(frozen=True)
class DecoderCache:
    """What incremental decoding keeps between steps: the decoder self-attention's keys and
    values of the words read so far (t, B, E), and the cross-attention's keys and values of
    the encoder's output (Ts, B, E), projected once."""

    k_self: np.ndarray
    v_self: np.ndarray
    k_memory: np.ndarray
    v_memory: np.ndarray


def decoder_cache(params: DecoderLayerParams, memory: np.ndarray) -> DecoderCache:
    """An empty cache for a decoder reading ``memory`` (Ts, B, E)."""
    ca = params.cross_attn
    B, E = memory.shape[1], memory.shape[2]
    empty = np.zeros((0, B, E))
    return DecoderCache(
        empty, empty, _linear(memory, ca.W_k, ca.b_k), _linear(memory, ca.W_v, ca.b_v)
    )


def decoder_step(
    params: DecoderLayerParams, x: np.ndarray, cache: DecoderCache, n_heads: int
) -> tuple[np.ndarray, DecoderCache]:
    """The decoder layer for one new word only, ``x`` (B, E) (its embedding plus position),
    reading the cached keys and values of the earlier words and of the memory: how a
    Transformer decodes at inference, one row per step instead of the whole prefix. Returns
    the layer's output for the new word (B, E) and the cache grown by it. The same numbers
    as :func:`decoder_layer_forward` with a causal mask (tested), up to rounding."""
    sa, ca = params.self_attn, params.cross_attn
    k = np.concatenate([cache.k_self, _linear(x, sa.W_k, sa.b_k)[None]])  # (t+1, B, E)
    v = np.concatenate([cache.v_self, _linear(x, sa.W_v, sa.b_v)[None]])
    q = _linear(x, sa.W_q, sa.b_q)[None]  # (1, B, E): only the new word asks
    _, _, heads = _attend(
        _split_heads(q, n_heads), _split_heads(k, n_heads), _split_heads(v, n_heads), None
    )  # no mask: every key is in the past
    attn = _linear(_merge_heads(heads)[0], sa.W_o, sa.b_o)  # (B, E)
    n1 = add_norm_forward(params.norm_1, x, attn).out
    q = _linear(n1, ca.W_q, ca.b_q)[None]
    _, _, heads = _attend(
        _split_heads(q, n_heads),
        _split_heads(cache.k_memory, n_heads),
        _split_heads(cache.v_memory, n_heads),
        None,
    )
    cross = _linear(_merge_heads(heads)[0], ca.W_o, ca.b_o)
    n2 = add_norm_forward(params.norm_2, n1, cross).out
    out = add_norm_forward(params.norm_3, n2, feed_forward_forward(params.ff, n2).out).out
    return out, DecoderCache(k, v, cache.k_memory, cache.v_memory)


def transformer_greedy(
    params: TransformerParams, src: np.ndarray, bos: int, eos: int, max_len: int
) -> np.ndarray:
    """Greedy decoding: start from ``bos``, feed each chosen word back in, stop when every
    sequence has written ``eos`` or after ``max_len`` words. Returns (T_out,) or (T_out, B)
    ids, ``eos`` included where it was written (a finished sequence keeps writing ``eos``).

    The encoder runs once; each step runs the decoder for the new word only
    (:func:`decoder_step`, with the earlier words' keys and values cached)."""
    src = check_tokens("src", src, params.n_src)
    n = check_size("max_len", max_len)
    check_bos_eos(bos, eos, params.n_tgt)
    batched = src.ndim == 2
    src2 = src if batched else src[:, None]
    B, E, H = src2.shape[1], params.n_embed, params.n_heads
    enc = encoder_layer_forward(
        params.encoder,
        _with_positions(params.src_embed, src2, positional_encoding(src2.shape[0], E)),
        H,
    )
    cache = decoder_cache(params.decoder, enc.out)
    word = np.full(B, bos, dtype=np.int64)
    done = np.zeros(B, dtype=bool)
    pos = positional_encoding(n, E)
    out = []
    for t in range(n):
        x = params.tgt_embed[word] + pos[t]  # (B, E)
        y, cache = decoder_step(params.decoder, x, cache, H)
        logits = y @ params.W_out.T + params.b_out  # (B, V_tgt)
        word = np.where(done, eos, np.argmax(logits, axis=-1))
        out.append(word)
        done |= word == eos
        if done.all():
            break
    ids = np.stack(out)
    return ids if batched else ids[:, 0]
