"""Seq2seq LSTMs without and with attention: end-to-end finite-difference checks of every
parameter (embeddings included), the decoder fed its own words equals the greedy decoder
step by step, batched equals unbatched, and the attention equations by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core import LSTMParams, lstm_backward, lstm_forward
from rnn_core._nested import check_leaf_gradients, leaves, replace_leaves
from rnn_core.attention import softmax
from rnn_core.gradcheck import numeric_gradient, relative_error
from rnn_core.seq2seq import (
    Seq2SeqParams,
    seq2seq_backward,
    seq2seq_forward,
    seq2seq_greedy,
    sequence_cross_entropy,
)

TOL = 1e-7
EPS = 1e-5  # the deepest paths carry gradients near 1e-3: a larger step keeps rounding out


def _setup(attention: bool, batched: bool, bridge: bool = True, seed: int = 0):
    rng = np.random.default_rng(seed)
    params = Seq2SeqParams.init(5, 6, 2, 3, rng, attention=attention, bridge=bridge)
    lead = (2,) if batched else ()
    src = rng.integers(0, 5, size=(4, *lead))
    tgt_in = rng.integers(0, 6, size=(3, *lead))
    w = rng.normal(size=(3, *lead, 6))  # loss = sum(w * logits): dL/dlogits = w
    return rng, params, src, tgt_in, w


@pytest.mark.parametrize(
    ("attention", "bridge", "batched"),
    [(False, True, True), (True, True, True), (True, False, True), (True, True, False)],
)
def test_every_gradient_matches_central_differences(attention, bridge, batched):
    _, params, src, tgt_in, w = _setup(attention, batched, bridge)

    def loss(p) -> float:
        return float(np.sum(w * seq2seq_forward(p, src, tgt_in).logits))

    grads = seq2seq_backward(params, seq2seq_forward(params, src, tgt_in), w)
    errors = check_leaf_gradients(loss, params, grads, eps=EPS)
    assert set(errors) == set(leaves(params))
    assert max(errors.values()) < TOL, {k: v for k, v in errors.items() if v >= TOL}
    if not bridge:  # the encoder reaches the loss only through attention, and does
        assert np.abs(grads.encoder.W_z).max() > 1e-4


def test_cross_entropy_gradient_end_to_end():
    _, params, src, tgt_in, _ = _setup(True, True)
    targets = np.roll(tgt_in, -1, axis=0)
    mask = np.ones(targets.shape)
    mask[-2:, 1] = 0.0  # the second target is shorter: padding does not count

    def loss(p) -> float:
        return sequence_cross_entropy(seq2seq_forward(p, src, tgt_in).logits, targets, mask)[0]

    tr = seq2seq_forward(params, src, tgt_in)
    value, dlogits = sequence_cross_entropy(tr.logits, targets, mask)
    assert value == pytest.approx(loss(params))
    np.testing.assert_array_equal(dlogits[-2:, 1], 0.0)
    grads = leaves(seq2seq_backward(params, tr, dlogits))
    for path in ("src_embed", "encoder.W_i", "decoder.R_f", "W_c"):  # one leaf per stage
        arr = leaves(params)[path]
        num = numeric_gradient(
            lambda a, path=path: loss(replace_leaves(params, {path: a})), arr, EPS
        )
        assert relative_error(grads[path], num) < TOL, path
    # the loss is the mean of -log p(target) over the counted words
    p = softmax(tr.logits)
    picked = np.take_along_axis(p, targets[..., None], axis=-1)[..., 0]
    assert value == pytest.approx(-(np.log(picked) * mask).sum() / mask.sum(), rel=1e-12)


def test_sequence_cross_entropy_gradient():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(3, 2, 5)) * 3
    targets = rng.integers(0, 5, size=(3, 2))
    mask = np.array([[1, 1], [1, 1], [1, 0]])
    _, d = sequence_cross_entropy(logits, targets, mask)
    numeric = numeric_gradient(lambda x: sequence_cross_entropy(x, targets, mask)[0], logits)
    assert relative_error(d, numeric) < TOL


def test_lstm_backward_carries_an_outside_error_at_the_last_cell_state():
    """``dc_last``: the error a decoder sends back into the encoder's final c."""
    rng = np.random.default_rng(4)
    params = LSTMParams.init(3, 4, rng)
    xs = rng.normal(size=(5, 2, 3))
    w_y, w_c = rng.normal(size=(5, 2, 4)), rng.normal(size=(2, 4))

    def loss(p=params, xs=xs) -> float:
        tr = lstm_forward(p, xs)
        return float(np.sum(w_y * tr.y) + np.sum(w_c * tr.c[-1]))

    grads, deltas = lstm_backward(params, lstm_forward(params, xs), w_y, dc_last=w_c)
    for name in params.array_names():
        num = numeric_gradient(
            lambda a, name=name: loss(p=dataclasses.replace(params, **{name: a})),
            getattr(params, name),
        )
        assert relative_error(getattr(grads, name), num) < TOL, name
    assert relative_error(deltas.dx, numeric_gradient(lambda a: loss(xs=a), xs)) < TOL
    # without it, the same call as before
    g0, _ = lstm_backward(params, lstm_forward(params, xs), w_y)
    g1, _ = lstm_backward(params, lstm_forward(params, xs), w_y, dc_last=np.zeros((2, 4)))
    np.testing.assert_array_equal(g0.W_f, g1.W_f)


def test_decoder_starts_from_the_encoder_final_state():
    _, params, src, tgt_in, _ = _setup(False, False)
    tr = seq2seq_forward(params, src, tgt_in)
    np.testing.assert_array_equal(tr.decoder.y0, tr.encoder.y[-1])
    np.testing.assert_array_equal(tr.decoder.c0, tr.encoder.c[-1])
    # nothing else of the source reaches the decoder: change the source, keep the final
    # state's inputs... the logits are a function of the final state alone
    same = lstm_forward(
        params.decoder, params.tgt_embed[tgt_in], tr.encoder.y[-1], tr.encoder.c[-1]
    )
    np.testing.assert_allclose(tr.logits, same.y @ params.W_out.T + params.b_out, rtol=1e-13)
    _, free, *_ = _setup(True, False, bridge=False)
    tr_free = seq2seq_forward(free, src, tgt_in)
    np.testing.assert_array_equal(tr_free.decoder.y0, 0.0)


def test_attention_equations_by_hand():
    _, params, src, tgt_in, _ = _setup(True, False)
    tr = seq2seq_forward(params, src, tgt_in)
    h, s = tr.encoder.y, tr.decoder.y  # (4, 3), (3, 3)
    scores = s @ h.T  # plain dot products: LSTM states are bounded, no 1/sqrt(N)
    np.testing.assert_allclose(tr.attention.scores, scores, rtol=1e-13)
    alpha = softmax(scores)
    np.testing.assert_allclose(tr.attention.weights, alpha, rtol=1e-13)
    ctx = alpha @ h
    np.testing.assert_allclose(tr.context, ctx, rtol=1e-13)
    att = np.tanh(np.concatenate([ctx, s], axis=1) @ params.W_c.T + params.b_c)
    np.testing.assert_allclose(tr.att_state, att, rtol=1e-13)
    np.testing.assert_allclose(tr.logits, att @ params.W_out.T + params.b_out, rtol=1e-13)


@pytest.mark.parametrize("attention", [False, True])
def test_greedy_steps_equal_the_decoder_fed_its_own_words(attention):
    """Stepwise (the greedy loop, one LSTM step at a time) equals whole-sequence (one
    forward pass with the written words as inputs): the same words, the same numbers."""
    rng, params, *_ = _setup(attention, True, seed=5)
    src = rng.integers(0, 5, size=(6, 3))
    out = seq2seq_greedy(params, src, bos=0, eos=1, max_len=5)  # (T_out, 3)
    tgt_in = np.concatenate([np.zeros((1, 3), dtype=int), out[:-1]])
    tr = seq2seq_forward(params, src, tgt_in)
    written = np.argmax(tr.logits, axis=-1)
    done = np.cumsum(out == 1, axis=0) > 0
    first_done = np.concatenate([np.zeros((1, 3), bool), done[:-1]])
    # where a sequence had not finished, the whole-sequence pass picks the same word
    np.testing.assert_array_equal(written[~first_done], out[~first_done])
    # and one sentence alone gives its column of the batch
    for b in range(3):
        one = seq2seq_greedy(params, src[:, b], bos=0, eos=1, max_len=5)
        n = one.size
        np.testing.assert_array_equal(one, out[:n, b])


@pytest.mark.parametrize("attention", [False, True])
def test_batched_equals_unbatched(attention):
    _, params, src, tgt_in, w = _setup(attention, True)
    tr = seq2seq_forward(params, src, tgt_in)
    grads = seq2seq_backward(params, tr, w)
    summed = None
    for b in range(2):
        one = seq2seq_forward(params, src[:, b], tgt_in[:, b])
        np.testing.assert_allclose(tr.logits[:, b], one.logits, rtol=1e-12, atol=1e-14)
        g = leaves(seq2seq_backward(params, one, w[:, b]))
        summed = g if summed is None else {k: summed[k] + g[k] for k in g}
    for k, v in leaves(grads).items():
        np.testing.assert_allclose(v, summed[k], rtol=1e-10, atol=1e-13, err_msg=k)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda p: seq2seq_forward(p, np.array([1, 9]), np.array([0])),
            r"src must lie in 0 \.\. 4 for a vocabulary of 5",
        ),
        (
            lambda p: seq2seq_forward(p, np.array([1.0, 2.0]), np.array([0])),
            r"src has dtype float64; expected integer token ids",
        ),
        (
            lambda p: seq2seq_forward(p, np.zeros((2, 3), int), np.zeros(2, int)),
            r"need the same batch layout",
        ),
        (
            lambda p: seq2seq_greedy(p, np.array([1, 2]), bos=0, eos=7, max_len=3),
            r"eos = 7 is not a target id 0 \.\. 5",
        ),
        (
            lambda p: Seq2SeqParams.init(
                5, 6, 2, 3, np.random.default_rng(0), attention=False, bridge=False
            ),
            r"bridge=False leaves the decoder blind without attention",
        ),
        (
            lambda p: dataclasses.replace(p, W_out=np.zeros((6, 2))),
            r"W_out has shape \(6, 2\); expected \(6, 3\)",
        ),
    ],
)
def test_bad_input_is_a_one_line_error(call, message):
    _, params, *_ = _setup(True, False)
    with pytest.raises(ValueError, match=message) as info:
        call(params)
    assert "\n" not in str(info.value)


def test_label_smoothing_gradient_and_its_optimum():
    rng = np.random.default_rng(6)
    logits = rng.normal(size=(3, 2, 5)) * 3
    targets = rng.integers(0, 5, size=(3, 2))
    mask = np.array([[1, 1], [1, 0], [1, 1]])
    _, d = sequence_cross_entropy(logits, targets, mask, smoothing=0.1)
    numeric = numeric_gradient(lambda x: sequence_cross_entropy(x, targets, mask, 0.1)[0], logits)
    assert relative_error(d, numeric) < TOL
    # the loss is smallest where the probabilities are the smoothed targets: 0.92, 0.02 x 4
    best = np.log(np.full((1, 5), 0.02))
    best[0, 2] = np.log(0.92)
    _, d_best = sequence_cross_entropy(best, np.array([2]), smoothing=0.1)
    np.testing.assert_allclose(d_best, 0.0, atol=1e-15)
