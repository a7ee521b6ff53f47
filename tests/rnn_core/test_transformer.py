"""The one-layer Transformer encoder-decoder: finite-difference checks of both layers and of
the whole model (embeddings included), the causal decoder (a later word never changes an
earlier step), greedy step-by-step equals whole-sequence, batched equals unbatched."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core._nested import check_leaf_gradients, leaves
from rnn_core.attention import causal_mask, positional_encoding
from rnn_core.gradcheck import numeric_gradient, relative_error
from rnn_core.seq2seq import sequence_cross_entropy
from rnn_core.transformer import (
    DecoderLayerParams,
    EncoderLayerParams,
    TransformerParams,
    decoder_cache,
    decoder_layer_backward,
    decoder_layer_forward,
    decoder_step,
    encoder_layer_backward,
    encoder_layer_forward,
    transformer_backward,
    transformer_forward,
    transformer_greedy,
)

TOL = 1e-7
EPS = 1e-5


def _jitter(params, rng):
    """Every array moved off its initial value (gains off 1, biases off 0), so no gradient
    is checked at a symmetric point."""
    return dataclasses.replace(
        params,
        **{
            f.name: (
                _jitter(getattr(params, f.name), rng)
                if dataclasses.is_dataclass(getattr(params, f.name))
                else getattr(params, f.name) + 0.3 * rng.normal(size=getattr(params, f.name).shape)
            )
            for f in dataclasses.fields(params)
            if not isinstance(getattr(params, f.name), int)
        },
    )


@pytest.mark.parametrize("batched", [False, True])
def test_encoder_layer_backward_matches(batched):
    rng = np.random.default_rng(0)
    params = _jitter(EncoderLayerParams.init(4, 6, rng), rng)
    x = rng.normal(size=(3, 2, 4) if batched else (3, 4))
    w = rng.normal(size=x.shape)

    def loss(p=params, x=x) -> float:
        return float(np.sum(w * encoder_layer_forward(p, x, 2).out))

    grads, dx = encoder_layer_backward(params, encoder_layer_forward(params, x, 2), w)
    errors = check_leaf_gradients(lambda p: loss(p), params, grads, EPS)
    assert np.abs(grads.self_attn.b_k).max() < 1e-12  # the key bias cannot matter
    del errors["self_attn.b_k"]
    assert max(errors.values()) < TOL, errors
    assert relative_error(dx, numeric_gradient(lambda a: loss(x=a), x, EPS)) < TOL


@pytest.mark.parametrize("batched", [False, True])
def test_decoder_layer_backward_matches(batched):
    rng = np.random.default_rng(1)
    params = _jitter(DecoderLayerParams.init(4, 6, rng), rng)
    lead = (2,) if batched else ()
    x, memory = rng.normal(size=(3, *lead, 4)), rng.normal(size=(5, *lead, 4))
    w = rng.normal(size=x.shape)
    mask = causal_mask(3)

    def loss(p=params, x=x, memory=memory) -> float:
        return float(np.sum(w * decoder_layer_forward(p, x, memory, 2, mask).out))

    tr = decoder_layer_forward(params, x, memory, 2, mask)
    grads, dx, dmemory = decoder_layer_backward(params, tr, w)
    errors = check_leaf_gradients(lambda p: loss(p), params, grads, EPS)
    for name in ("self_attn.b_k", "cross_attn.b_k"):
        assert np.abs(leaves(grads)[name]).max() < 1e-12
        del errors[name]
    assert max(errors.values()) < TOL, errors
    assert relative_error(dx, numeric_gradient(lambda a: loss(x=a), x, EPS)) < TOL
    num = numeric_gradient(lambda a: loss(memory=a), memory, EPS)
    assert relative_error(dmemory, num) < TOL


def _model(seed=2, batched=True):
    rng = np.random.default_rng(seed)
    params = _jitter(TransformerParams.init(5, 6, 4, 2, 6, rng), rng)
    lead = (2,) if batched else ()
    src = rng.integers(0, 5, size=(4, *lead))
    tgt_in = rng.integers(0, 6, size=(3, *lead))
    return rng, params, src, tgt_in


@pytest.mark.parametrize("batched", [False, True])
def test_whole_transformer_backward_matches(batched):
    rng, params, src, tgt_in = _model(batched=batched)
    targets = rng.integers(0, 6, size=tgt_in.shape)
    mask = np.ones(targets.shape)
    if batched:
        mask[-1, 1] = 0.0  # a padded word does not count

    def loss(p) -> float:
        return sequence_cross_entropy(transformer_forward(p, src, tgt_in).logits, targets, mask)[0]

    tr = transformer_forward(params, src, tgt_in)
    _, dlogits = sequence_cross_entropy(tr.logits, targets, mask)
    grads = transformer_backward(params, tr, dlogits)
    errors = check_leaf_gradients(loss, params, grads, EPS)
    assert set(errors) == set(leaves(params)) and len(errors) == 46
    key_bias = [k for k in errors if k.endswith("b_k")]
    assert len(key_bias) == 3 and all(np.abs(leaves(grads)[k]).max() < 1e-12 for k in key_bias)
    errors = {k: v for k, v in errors.items() if k not in key_bias}
    assert max(errors.values()) < TOL, {k: v for k, v in errors.items() if v >= TOL}


def test_inputs_are_embeddings_plus_positions():
    _, params, src, tgt_in = _model(batched=False)
    tr = transformer_forward(params, src, tgt_in)
    np.testing.assert_array_equal(tr.src_pos, positional_encoding(4, 4))
    np.testing.assert_array_equal(tr.src_x, params.src_embed[src] + positional_encoding(4, 4))
    np.testing.assert_array_equal(tr.tgt_x, params.tgt_embed[tgt_in] + positional_encoding(3, 4))
    np.testing.assert_array_equal(tr.decoder.memory, tr.encoder.out)
    np.testing.assert_allclose(
        tr.logits, tr.decoder.out @ params.W_out.T + params.b_out, rtol=1e-13
    )
    # the decoder's self-attention is causal, its cross-attention sees every source word
    assert np.all(np.triu(tr.decoder.self_attn.weights, 1)[:, :] == 0.0)
    assert np.all(tr.decoder.cross_attn.weights > 0.0)


def test_a_later_word_never_changes_an_earlier_step():
    _, params, src, tgt_in = _model(batched=False)
    a = transformer_forward(params, src, tgt_in)
    changed = tgt_in.copy()
    changed[-1] = (changed[-1] + 1) % 6
    b = transformer_forward(params, src, changed)
    np.testing.assert_array_equal(a.logits[:-1], b.logits[:-1])
    assert np.abs(a.logits[-1] - b.logits[-1]).max() > 1e-6


def test_greedy_steps_equal_the_decoder_fed_its_own_words():
    rng, params, *_ = _model(seed=3)
    src = rng.integers(0, 5, size=(5, 3))
    out = transformer_greedy(params, src, bos=0, eos=1, max_len=6)
    tgt_in = np.concatenate([np.zeros((1, 3), dtype=int), out[:-1]])
    tr = transformer_forward(params, src, tgt_in)
    finished_before = np.concatenate([np.zeros((1, 3), bool), np.cumsum(out == 1, 0)[:-1] > 0])
    written = np.argmax(tr.logits, axis=-1)
    np.testing.assert_array_equal(written[~finished_before], out[~finished_before])
    for b in range(3):
        one = transformer_greedy(params, src[:, b], bos=0, eos=1, max_len=6)
        np.testing.assert_array_equal(one, out[: one.size, b])
        # the prefix pass of every step gives the same logits as the whole pass
        for t in range(one.size):
            prefix = transformer_forward(params, src[:, b], tgt_in[: t + 1, b])
            np.testing.assert_allclose(prefix.logits, tr.logits[: t + 1, b], rtol=1e-11, atol=1e-13)


def test_decoder_steps_with_a_cache_equal_the_whole_causal_layer():
    """Stepwise (one new word per step, earlier keys and values cached) equals
    whole-sequence (every word at once under the causal mask)."""
    rng = np.random.default_rng(4)
    params = _jitter(DecoderLayerParams.init(4, 6, rng), rng)
    x, memory = rng.normal(size=(5, 3, 4)), rng.normal(size=(6, 3, 4))
    whole = decoder_layer_forward(params, x, memory, 2, causal_mask(5)).out
    cache = decoder_cache(params, memory)
    for t in range(5):
        row, cache = decoder_step(params, x[t], cache, 2)
        np.testing.assert_allclose(row, whole[t], rtol=1e-12, atol=1e-14)
        assert cache.k_self.shape == (t + 1, 3, 4)
    np.testing.assert_allclose(
        cache.v_self, x @ params.self_attn.W_v.T + params.self_attn.b_v, rtol=1e-13
    )


def test_batched_equals_unbatched():
    rng, params, src, tgt_in = _model()
    tr = transformer_forward(params, src, tgt_in)
    w = rng.normal(size=tr.logits.shape)
    grads = leaves(transformer_backward(params, tr, w))
    summed = None
    for b in range(2):
        one = transformer_forward(params, src[:, b], tgt_in[:, b])
        np.testing.assert_allclose(tr.logits[:, b], one.logits, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(
            tr.decoder.cross_attn.weights[:, :, b], one.decoder.cross_attn.weights, rtol=1e-12
        )
        g = leaves(transformer_backward(params, one, w[:, b]))
        summed = g if summed is None else {k: summed[k] + g[k] for k in g}
    for k, v in grads.items():
        np.testing.assert_allclose(v, summed[k], rtol=1e-10, atol=1e-12, err_msg=k)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda p: transformer_forward(p, np.array([7]), np.array([0])),
            r"src must lie in 0 \.\. 4 for a vocabulary of 5",
        ),
        (
            lambda p: transformer_forward(p, np.zeros((2, 2), int), np.zeros(2, int)),
            r"need the same batch layout",
        ),
        (lambda p: dataclasses.replace(p, n_heads=3), r"n_heads = 3 does not divide E = 4"),
        (
            lambda p: transformer_greedy(p, np.array([1]), bos=9, eos=1, max_len=3),
            r"bos = 9 is not a target id 0 \.\. 5",
        ),
        (
            lambda p: transformer_greedy(p, np.array([1]), bos=0, eos=1, max_len=0),
            r"max_len must be a positive integer, got 0",
        ),
    ],
)
def test_bad_input_is_a_one_line_error(call, message):
    _, params, *_ = _model(batched=False)
    with pytest.raises(ValueError, match=message) as info:
        call(params)
    assert "\n" not in str(info.value)
