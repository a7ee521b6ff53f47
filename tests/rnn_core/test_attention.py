"""Attention and the Transformer's parts: the equations by hand, finite-difference checks of
every backward pass, batched-vs-unbatched equivalence, masks, positional encoding values,
and the permutation equivariance of self-attention without positions."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core.attention import (
    FeedForwardParams,
    LayerNormParams,
    MultiHeadParams,
    add_norm_backward,
    add_norm_forward,
    attention_backward,
    attention_forward,
    causal_mask,
    feed_forward_backward,
    feed_forward_forward,
    layer_norm_backward,
    layer_norm_forward,
    mha_backward,
    mha_forward,
    positional_encoding,
    softmax,
)
from rnn_core.gradcheck import check_gradients, numeric_gradient, relative_error

TOL = 1e-7


def _mask(rng, shape):
    mask = rng.random(shape) < 0.4
    mask[..., 0] = False  # every query keeps a key
    return mask


# ---------------------------------------------------------------------------------------
# Scaled dot-product attention


def test_attention_follows_the_equations():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    tr = attention_forward(q, k, v)
    scores = np.array([[q[i] @ k[j] / 2.0 for j in range(5)] for i in range(3)])  # sqrt(4)
    np.testing.assert_allclose(tr.scores, scores, rtol=1e-13)
    weights = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(tr.weights, weights, rtol=1e-13)
    np.testing.assert_allclose(tr.out, weights @ v, rtol=1e-13)
    np.testing.assert_allclose(tr.weights.sum(axis=1), 1.0, rtol=1e-14)


def test_mask_blocks_exactly_and_equals_leaving_the_keys_out():
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(4, 3)), rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    mask = _mask(rng, (4, 6))
    tr = attention_forward(q, k, v, mask)
    assert np.all(tr.weights[mask] == 0.0)
    np.testing.assert_allclose(tr.weights.sum(axis=1), 1.0, rtol=1e-14)
    for i in range(4):
        keep = ~mask[i]
        alone = attention_forward(q[i : i + 1], k[keep], v[keep])
        np.testing.assert_allclose(tr.out[i], alone.out[0], rtol=1e-12)
    # the scores are kept as computed, before the mask
    np.testing.assert_allclose(tr.scores, q @ k.T / np.sqrt(3), rtol=1e-13)


def test_causal_mask_lets_each_query_see_itself_and_the_past():
    m = causal_mask(4)
    np.testing.assert_array_equal(m, np.triu(np.ones((4, 4), bool), 1))
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 3))
    tr = attention_forward(x, x, x, m)
    assert np.all(np.triu(tr.weights, 1) == 0.0)
    assert tr.weights[0, 0] == 1.0  # the first word sees only itself


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("batched", [False, True])
def test_attention_backward_matches_central_differences(masked, batched):
    rng = np.random.default_rng(3)
    lead = (4, 2) if batched else (4,)
    q = rng.normal(size=(*lead, 3))
    k = rng.normal(size=(5, *lead[1:], 3))
    v = rng.normal(size=(5, *lead[1:], 2))
    mask = _mask(rng, (4, *lead[1:], 5)) if masked else None
    w = rng.normal(size=(*lead, 2))

    def loss(q=q, k=k, v=v) -> float:
        return float(np.sum(w * attention_forward(q, k, v, mask).out))

    dq, dk, dv = attention_backward(attention_forward(q, k, v, mask), w)
    assert relative_error(dq, numeric_gradient(lambda a: loss(q=a), q)) < TOL
    assert relative_error(dk, numeric_gradient(lambda a: loss(k=a), k)) < TOL
    assert relative_error(dv, numeric_gradient(lambda a: loss(v=a), v)) < TOL


def test_attention_batched_equals_unbatched():
    rng = np.random.default_rng(4)
    q, k, v = rng.normal(size=(3, 4, 2)), rng.normal(size=(5, 4, 2)), rng.normal(size=(5, 4, 3))
    mask = _mask(rng, (3, 4, 5))
    tr = attention_forward(q, k, v, mask)
    dq, dk, dv = attention_backward(tr, np.ones_like(tr.out))
    for b in range(4):
        one = attention_forward(q[:, b], k[:, b], v[:, b], mask[:, b])
        np.testing.assert_allclose(tr.weights[:, b], one.weights, rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(tr.out[:, b], one.out, rtol=1e-13, atol=1e-15)
        d1 = attention_backward(one, np.ones_like(one.out))
        for whole, single in zip((dq, dk, dv), d1, strict=True):
            np.testing.assert_allclose(whole[:, b], single, rtol=1e-12, atol=1e-15)
    # one (Tq, Tk) mask serves a whole batch
    shared = attention_forward(q, k, v, mask[:, 0])
    np.testing.assert_allclose(
        shared.weights[:, 2], attention_forward(q[:, 2], k[:, 2], v[:, 2], mask[:, 0]).weights
    )


# ---------------------------------------------------------------------------------------
# Multi-head attention


def _mha_setup(seed=5, batched=False, E=6, Tq=3, Tk=4):
    rng = np.random.default_rng(seed)
    params = MultiHeadParams.init(E, rng)
    params = dataclasses.replace(params, **{f"b_{p}": rng.normal(size=E) * 0.3 for p in "qkvo"})
    lead = (2,) if batched else ()
    x_q = rng.normal(size=(Tq, *lead, E))
    x_kv = rng.normal(size=(Tk, *lead, E))
    return rng, params, x_q, x_kv


def test_mha_is_heads_side_by_side():
    _, p, x_q, x_kv = _mha_setup()
    tr = mha_forward(p, x_q, x_kv, n_heads=2)
    Q, K, V = x_q @ p.W_q.T + p.b_q, x_kv @ p.W_k.T + p.b_k, x_kv @ p.W_v.T + p.b_v
    heads = []
    for h in range(2):
        cols = slice(3 * h, 3 * h + 3)
        one = attention_forward(Q[:, cols], K[:, cols], V[:, cols])
        np.testing.assert_allclose(tr.weights[h], one.weights, rtol=1e-13)
        np.testing.assert_allclose(tr.scores[h], one.scores, rtol=1e-13)
        np.testing.assert_allclose(tr.head(h).out, one.out, rtol=1e-13)
        heads.append(one.out)
    np.testing.assert_allclose(tr.out, np.concatenate(heads, 1) @ p.W_o.T + p.b_o, rtol=1e-13)
    assert tr.weights.shape == (2, 3, 4) and tr.out.shape == (3, 6)


@pytest.mark.parametrize("batched", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_mha_backward_matches_central_differences(batched, masked):
    rng, params, x_q, x_kv = _mha_setup(batched=batched)
    mask = _mask(rng, (3, *x_q.shape[1:-1], 4)) if masked else None
    w = rng.normal(size=x_q.shape)

    def loss(p=params, x_q=x_q, x_kv=x_kv) -> float:
        return float(np.sum(w * mha_forward(p, x_q, x_kv, 2, mask).out))

    grads, dx_q, dx_kv = mha_backward(params, mha_forward(params, x_q, x_kv, 2, mask), w)
    errors = check_gradients(lambda p: loss(p), params, grads)
    # adding b_k adds q . b_k to every score of a row: the softmax ignores it, so its
    # true gradient is zero and only rounding is left to compare
    assert np.abs(grads.b_k).max() < 1e-12
    del errors["b_k"]
    assert max(errors.values()) < TOL, errors
    assert relative_error(dx_q, numeric_gradient(lambda a: loss(x_q=a), x_q)) < TOL
    assert relative_error(dx_kv, numeric_gradient(lambda a: loss(x_kv=a), x_kv)) < TOL


def test_self_attention_gradient_is_the_sum_of_both_roles():
    rng, params, x, _ = _mha_setup(Tq=4)
    w = rng.normal(size=x.shape)
    mask = causal_mask(4)
    _, dx_q, dx_kv = mha_backward(params, mha_forward(params, x, x, 3, mask), w)
    numeric = numeric_gradient(
        lambda a: float(np.sum(w * mha_forward(params, a, a, 3, mask).out)), x
    )
    assert relative_error(dx_q + dx_kv, numeric) < TOL


def test_mha_batched_equals_unbatched():
    rng, params, x_q, x_kv = _mha_setup(batched=True)
    mask = _mask(rng, (3, 2, 4))
    tr = mha_forward(params, x_q, x_kv, 3, mask)
    w = rng.normal(size=tr.out.shape)
    grads, dx_q, dx_kv = mha_backward(params, tr, w)
    total = {n: 0.0 for n in params.array_names()}
    for b in range(2):
        one = mha_forward(params, x_q[:, b], x_kv[:, b], 3, mask[:, b])
        np.testing.assert_allclose(tr.out[:, b], one.out, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(tr.weights[:, :, b], one.weights, rtol=1e-12, atol=1e-16)
        g1, dq1, dkv1 = mha_backward(params, one, w[:, b])
        np.testing.assert_allclose(dx_q[:, b], dq1, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(dx_kv[:, b], dkv1, rtol=1e-11, atol=1e-14)
        for n in total:
            total[n] = total[n] + getattr(g1, n)
    for n, g in total.items():
        np.testing.assert_allclose(getattr(grads, n), g, rtol=1e-11, atol=1e-13)


def test_self_attention_without_positions_is_permutation_equivariant():
    """Reorder the words and the outputs are reordered the same way, nothing else changes:
    self-attention alone cannot tell "cat cat dog" from "dog cat cat". With positional
    encodings added it can."""
    rng, params, _, _ = _mha_setup(E=8)
    cat, dog = rng.normal(size=8), rng.normal(size=8)
    x = np.stack([cat, cat, dog])  # "cat cat dog"
    y = np.stack([dog, cat, cat])  # "dog cat cat"
    perm = [2, 0, 1]  # y = x[perm]
    np.testing.assert_array_equal(y, x[perm])
    a, b = mha_forward(params, x, x, 2), mha_forward(params, y, y, 2)
    np.testing.assert_allclose(b.out, a.out[perm], rtol=1e-12)
    np.testing.assert_allclose(b.weights, a.weights[:, perm][:, :, perm], rtol=1e-12)
    # the two "cat"s of a sentence get exactly the same output: nothing tells them apart
    np.testing.assert_allclose(a.out[0], a.out[1], rtol=1e-13)
    # a random permutation of a longer sentence, too
    z = rng.normal(size=(6, 8))
    p = rng.permutation(6)
    np.testing.assert_allclose(
        mha_forward(params, z[p], z[p], 4).out, mha_forward(params, z, z, 4).out[p], rtol=1e-12
    )
    # with positions, the same words in another order give other answers
    pe = positional_encoding(3, 8)
    a_pos, b_pos = mha_forward(params, x + pe, x + pe, 2), mha_forward(params, y + pe, y + pe, 2)
    assert np.abs(b_pos.out - a_pos.out[perm]).max() > 1e-2
    assert np.abs(a_pos.out[0] - a_pos.out[1]).max() > 1e-2


# ---------------------------------------------------------------------------------------
# Positional encoding, layer norm, feed-forward, add & norm


def test_positional_encoding_values():
    pe = positional_encoding(3, 4)
    # position 0: sin 0 = 0 and cos 0 = 1 in alternate columns
    np.testing.assert_array_equal(pe[0], [0.0, 1.0, 0.0, 1.0])
    # position 1: frequencies 1 and 1/10000^(2/4) = 1/100
    np.testing.assert_allclose(pe[1], [np.sin(1), np.cos(1), np.sin(0.01), np.cos(0.01)])
    np.testing.assert_allclose(pe[1], [0.8414709848, 0.5403023059, 0.0099998333, 0.9999500004])
    np.testing.assert_allclose(pe[2, :2], [0.9092974268, -0.4161468365])
    big = positional_encoding(50, 16)
    i = np.arange(8)
    for p in (0, 7, 49):
        np.testing.assert_allclose(big[p, 0::2], np.sin(p / 10000 ** (2 * i / 16)), rtol=1e-13)
        np.testing.assert_allclose(big[p, 1::2], np.cos(p / 10000 ** (2 * i / 16)), rtol=1e-13)
    assert np.all(np.abs(big) <= 1.0)
    # a shift by k positions is the same rotation of every (sin, cos) pair, whatever the
    # position: what lets attention read relative positions
    k = 5
    for p in (3, 20):
        ang = k / 10000 ** (2 * i / 16)
        s, c = big[p, 0::2], big[p, 1::2]
        np.testing.assert_allclose(big[p + k, 0::2], s * np.cos(ang) + c * np.sin(ang), atol=1e-12)
        np.testing.assert_allclose(big[p + k, 1::2], c * np.cos(ang) - s * np.sin(ang), atol=1e-12)
    assert positional_encoding(2, 5).shape == (2, 5)  # odd widths end on a sine
    np.testing.assert_allclose(positional_encoding(2, 5)[1, 4], np.sin(1 / 10000**0.8))


@pytest.mark.parametrize("shape", [(4, 5), (3, 2, 5)])
def test_layer_norm_normalises_and_its_backward_matches(shape):
    rng = np.random.default_rng(6)
    x = rng.normal(size=shape) * 3 + 1
    plain = layer_norm_forward(LayerNormParams.init(5), x)
    np.testing.assert_allclose(plain.out.mean(axis=-1), 0.0, atol=1e-14)
    np.testing.assert_allclose(plain.out.var(axis=-1), 1.0, rtol=1e-4)  # eps = 1e-5 inside
    params = LayerNormParams(rng.normal(size=5), rng.normal(size=5))
    w = rng.normal(size=shape)

    def loss(p=params, x=x) -> float:
        return float(np.sum(w * layer_norm_forward(p, x).out))

    grads, dx = layer_norm_backward(params, layer_norm_forward(params, x), w)
    assert max(check_gradients(lambda p: loss(p), params, grads).values()) < TOL
    assert relative_error(dx, numeric_gradient(lambda a: loss(x=a), x)) < TOL
    # the error at x sums to zero over each token: shifting a token changes nothing
    np.testing.assert_allclose(dx.sum(axis=-1), 0.0, atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 5), (3, 2, 5)])
def test_feed_forward_backward_matches(shape):
    rng = np.random.default_rng(7)
    params = FeedForwardParams.init(5, 7, rng)
    params = dataclasses.replace(params, b_1=rng.normal(size=7) * 0.3, b_2=rng.normal(size=5))
    x = rng.normal(size=shape)
    w = rng.normal(size=shape)
    tr = feed_forward_forward(params, x)
    np.testing.assert_allclose(
        tr.out, np.maximum(x @ params.W_1.T + params.b_1, 0) @ params.W_2.T + params.b_2, rtol=1e-13
    )
    assert np.all(np.abs(tr.a) > 1e-4)  # no entry sits on relu's kink

    def loss(p=params, x=x) -> float:
        return float(np.sum(w * feed_forward_forward(p, x).out))

    grads, dx = feed_forward_backward(params, tr, w)
    assert max(check_gradients(lambda p: loss(p), params, grads).values()) < TOL
    assert relative_error(dx, numeric_gradient(lambda a: loss(x=a), x)) < TOL


def test_add_norm_is_a_residual_then_a_norm():
    rng = np.random.default_rng(8)
    params = LayerNormParams(rng.normal(size=4), rng.normal(size=4))
    x, s = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    w = rng.normal(size=(3, 4))
    tr = add_norm_forward(params, x, s)
    np.testing.assert_array_equal(tr.residual, x + s)
    np.testing.assert_array_equal(tr.out, layer_norm_forward(params, x + s).out)
    grads, d = add_norm_backward(params, tr, w)
    f = lambda x, s: float(np.sum(w * add_norm_forward(params, x, s).out))  # noqa: E731
    # the same error reaches the sub-layer and, through the skip path, its input
    assert relative_error(d, numeric_gradient(lambda a: f(a, s), x)) < TOL
    assert relative_error(d, numeric_gradient(lambda a: f(x, a), s)) < TOL
    errors = check_gradients(
        lambda p: float(np.sum(w * add_norm_forward(p, x, s).out)), params, grads
    )
    assert max(errors.values()) < TOL


def test_softmax_never_overflows():
    p = softmax(np.array([[1000.0, 0.0], [-1000.0, -1000.0]]))
    np.testing.assert_allclose(p, [[1.0, 0.0], [0.5, 0.5]])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: attention_forward(np.zeros((2, 3)), np.zeros((4, 2)), np.zeros((4, 2))),
            r"q and k need the same d_k",
        ),
        (
            lambda: attention_forward(np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((3, 2))),
            r"k and v the same length Tk",
        ),
        (
            lambda: attention_forward(
                np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 2)), np.zeros((2, 4))
            ),
            r"mask has dtype float64; expected bool",
        ),
        (
            lambda: attention_forward(
                np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 2)), np.zeros((4, 2), bool)
            ),
            r"mask has shape \(4, 2\); expected \(2, 4\)",
        ),
        (
            lambda: attention_forward(
                np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 2)), np.ones((2, 4), bool)
            ),
            r"mask blocks every key for some query",
        ),
        (
            lambda: mha_forward(
                MultiHeadParams.init(6, np.random.default_rng(0)),
                np.zeros((2, 6)),
                np.zeros((2, 6)),
                4,
            ),
            r"n_heads = 4 does not divide E = 6",
        ),
        (
            lambda: mha_forward(
                MultiHeadParams.init(6, np.random.default_rng(0)),
                np.zeros((2, 5)),
                np.zeros((2, 6)),
                2,
            ),
            r"x_q has shape \(2, 5\) but the attention with E = 6 expects",
        ),
        (
            lambda: MultiHeadParams(
                *(np.zeros((3, 3)),) * 3, np.zeros((3, 2)), *(np.zeros(3),) * 4
            ),
            r"W_o has shape \(3, 2\); expected \(3, 3\)",
        ),
        (lambda: positional_encoding(0, 4), r"T must be a positive integer, got 0"),
        (
            lambda: layer_norm_forward(LayerNormParams.init(3), np.zeros((2, 4))),
            r"the layer norm expects \(\.\.\., 3\)",
        ),
    ],
)
def test_bad_input_is_a_one_line_error(call, message):
    with pytest.raises(ValueError, match=message) as info:
        call()
    assert "\n" not in str(info.value)
