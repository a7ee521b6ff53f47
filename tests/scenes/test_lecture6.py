"""Lecture 6, the Transformer's scenes: the numbers on screen are the trained
``tiny-transformer``'s, recomputed here from the core's own functions."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core.attention import (
    add_norm_forward,
    attention_forward,
    feed_forward_forward,
    positional_encoding,
)
from rnn_core.pretrained import load
from rnn_core.tasks import translation_example
from scenes.attention import multi_head as mh
from scenes.attention import positional as pe
from scenes.attention import self_attention as sa
from scenes.attention import transformer as tb
from scenes.kit.components import format_value


def _fmt(values, decimals: int = 2) -> list[list[str]]:
    return [[format_value(v, decimals) for v in row] for row in np.atleast_2d(values)]


@pytest.fixture(scope="module")
def model():
    return load("tiny-transformer")


def _encoder_input(model, words):
    src = model.encode(words)
    return model.params.src_embed[src] + positional_encoding(src.size, model.params.n_embed)


def test_self_attention_example_is_one_head_recomputed(model):
    ex = sa.self_attention_example()
    words = translation_example()[0]
    assert ex.words == tuple(words)
    x = _encoder_input(model, words)
    np.testing.assert_allclose(ex.x, x, atol=1e-12)
    p, d = model.params.encoder.self_attn, ex.d
    cols = slice(ex.head * d, (ex.head + 1) * d)
    q = x @ p.W_q.T[:, cols] + p.b_q[cols]  # Q = X W_Q + b_Q, the slide's convention
    k = x @ p.W_k.T[:, cols] + p.b_k[cols]
    v = x @ p.W_v.T[:, cols] + p.b_v[cols]
    ref = attention_forward(q, k, v)
    for name in ("q", "k", "v", "scores", "weights", "out"):
        np.testing.assert_allclose(getattr(ex, name), getattr(ref, name), atol=1e-12)
    np.testing.assert_allclose(ex.weights.sum(axis=1), 1.0, atol=1e-12)
    # the head is one of the trained model's: its weights are the trace's
    trace = model.trace(words).encoder_self_attention
    np.testing.assert_allclose(ex.heads, trace.weights, atol=1e-12)


def test_self_attention_scene_shows_the_head(built_scenes):
    scene = built_scenes(sa.SelfAttention)
    ex = sa.self_attention_example()
    assert len(scene.steps) == 6
    n = sa.SHOWN_COLUMNS
    assert scene.shown["X"] == _fmt(ex.x[:, :n], 1)
    assert scene.shown["Q"] == _fmt(ex.q[:, :n], 1)
    assert scene.shown["K"] == _fmt(ex.k[:, :n], 1)
    assert scene.shown["V"] == _fmt(ex.v[:, :n], 1)
    assert scene.shown["S"] == _fmt(ex.scores, 1)
    assert scene.shown["A"] == _fmt(ex.weights)
    assert scene.shown["out"] == _fmt(ex.out[:, :n], 1)
    # the one entry written out is the weighted sum of the first column of V
    i = len(ex.words) - 1
    assert float(scene.shown["sum"][0][0].replace("\u2212", "-")) == pytest.approx(
        float(ex.weights[i] @ ex.v[:, 0]), abs=0.006
    )
    # the notes under the cut matrices say which columns are drawn
    notes = {key: m.note.text for key, m in scene.matrices.items() if m.note is not None}
    assert notes["X"] == f"columns1-{n}of{ex.x.shape[1]}"  # Text drops spaces
    assert notes["Q"] == f"columns1-{n}of{ex.d}"


def test_without_positions_the_order_only_reorders_rows(model):
    ex = sa.order_example()
    a, b = ex.without  # "cat cat dog", "dog cat cat"
    np.testing.assert_allclose(a[[2, 0, 1]], b, atol=1e-12)
    np.testing.assert_allclose(a[0], a[1], atol=1e-12)
    # with the positions added the same word in another place is another vector
    pa, pb = ex.with_positions
    assert np.abs(pa[2] - pb[0]).max() > 0.05
    assert np.abs(pb[1] - pb[2]).max() > 0.05
    np.testing.assert_allclose(ex.pe, positional_encoding(sa.PE_POSITIONS, 32), atol=0)
    # the scene's outputs are the model's own self-attention
    ref = model.self_attention(" ".join(sa.ORDERS[0]), positions=False)
    np.testing.assert_allclose(a, ref.out, atol=1e-12)


def test_positional_encoding_scene_shows_both_orders_and_the_sinusoids(built_scenes):
    scene = built_scenes(pe.PositionalEncoding)
    ex = sa.order_example()
    n = sa.ORDER_COLUMNS
    assert len(scene.steps) == 3
    assert scene.shown["without"] == [_fmt(o[:, :n]) for o in ex.without]
    assert scene.shown["with"] == [_fmt(o[:, :n]) for o in ex.with_positions]
    # the same rows (the dog's) without positions, different ones with them
    assert scene.shown["without"][0][2] == scene.shown["without"][1][0]
    assert scene.shown["with"][0][2] != scene.shown["with"][1][0]
    assert scene.shown["pe"] == _fmt(ex.pe.T[list(sa.PE_DIMS)])
    # no sinusoid row on screen is a row of zeros (STYLE: 0.00 says nothing)
    assert all(any(v not in ("0.00", "1.00") for v in row) for row in scene.shown["pe"])


def test_multi_head_scene_shows_every_head(built_scenes, model):
    scene = built_scenes(mh.MultiHead)
    ex = sa.self_attention_example()
    assert len(scene.steps) == 2
    assert scene.shown["heads"] == [_fmt(w) for w in ex.heads]
    # the heads differ: no two patterns are the same
    H = ex.heads.shape[0]
    for g in range(H):
        for h in range(g + 1, H):
            assert np.abs(ex.heads[g] - ex.heads[h]).max() > 0.1


def test_block_example_is_the_encoder_layer_recomputed(model):
    ex = tb.block_example()
    words = translation_example()[0]
    p = model.params.encoder
    x = _encoder_input(model, words)
    attn = model.self_attention(words).out
    n1 = add_norm_forward(p.norm_1, x, attn)
    ff = feed_forward_forward(p.ff, n1.out)
    n2 = add_norm_forward(p.norm_2, n1.out, ff.out)
    t = ex.t
    np.testing.assert_allclose(ex.x, x[t], atol=1e-12)
    np.testing.assert_allclose(ex.attn, attn[t], atol=1e-12)
    np.testing.assert_allclose(ex.residual_1, x[t] + attn[t], atol=1e-12)
    np.testing.assert_allclose(ex.n1, n1.out[t], atol=1e-12)
    assert ex.mean_1 == pytest.approx(float(n1.residual[t].mean()), abs=1e-12)
    assert ex.std_1 == pytest.approx(float(n1.residual[t].std()), rel=1e-4)
    np.testing.assert_allclose(ex.f, ff.out[t], atol=1e-12)
    assert ex.active == int((ff.h[t] > 0).sum())
    np.testing.assert_allclose(ex.z, n2.out[t], atol=1e-12)
    np.testing.assert_allclose(ex.z, model.trace(words).trace.memory[t], atol=1e-12)


def test_transformer_block_scene_shows_one_word_through_the_block(built_scenes):
    scene = built_scenes(tb.TransformerBlock)
    ex = tb.block_example()
    assert len(scene.steps) == 6
    shown = tb.CELLS - 1
    for key, values in (("x", ex.x), ("attn", ex.attn), ("n1", ex.n1), ("f", ex.f), ("z", ex.z)):
        assert scene.shown[key] == [format_value(v) for v in values[:shown]], key
    assert len(scene.comparison["rnn"].blocks) == len(ex.words)
    assert len(scene.comparison["transformer"][0]) == len(ex.words) ** 2  # every pair linked
