"""Image encoder + LSTM decoder: gradients end to end (encoder included) by central
differences, greedy decoding against the teacher-forced pass, batched against unbatched."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core.captioning import (
    CaptionParams,
    caption_backward,
    caption_forward,
    encoder_backward,
    encoder_forward,
    greedy_decode,
)
from rnn_core.gradcheck import check_gradients, numeric_gradient, relative_error

TOL = 1e-7
P, D1, D, N, K = 6, 5, 3, 4, 5  # pixels, encoder hidden, semantic, LSTM cells, words


def _setup(batched: bool, seed: int = 0):
    rng = np.random.default_rng(seed)
    params = CaptionParams.init(P, D1, D, N, K, rng)
    # non-zero biases so nothing sits at a symmetric point
    params = dataclasses.replace(
        params,
        encoder=dataclasses.replace(params.encoder, b1=rng.normal(size=D1) * 0.3),
        decoder=dataclasses.replace(
            params.decoder, b_y=rng.normal(size=N) * 0.3, b_c=rng.normal(size=N)
        ),
    )
    lead = (4, 3) if batched else (4,)
    x = rng.uniform(size=(*lead[1:], P))
    inputs = rng.integers(0, K, size=lead)
    targets = rng.integers(0, K, size=lead)
    mask = np.ones(lead)
    mask[-1] = 0.0  # the last step does not count (a padded caption)
    return params, x, inputs, targets, mask


@pytest.mark.parametrize("batched", [False, True])
def test_every_gradient_matches_central_differences(batched):
    params, x, inputs, targets, mask = _setup(batched)

    def loss(p=params, x=x) -> float:
        return caption_forward(p, x, inputs, targets, mask).loss

    grads, dx = caption_backward(
        params, caption_forward(params, x, inputs, targets, mask), with_dx=True
    )
    for part in ("encoder", "decoder", "lstm"):
        errors = check_gradients(
            lambda q, part=part: loss(dataclasses.replace(params, **{part: q})),
            getattr(params, part),
            getattr(grads, part),
        )
        assert max(errors.values()) < TOL, (part, errors)
    assert relative_error(dx, numeric_gradient(lambda z: loss(x=z), x)) < TOL


def test_encoder_gradient_alone():
    params, x, _, _, _ = _setup(True)
    weights = np.random.default_rng(1).normal(size=(3, D))

    def loss(p) -> float:
        return float(np.sum(weights * encoder_forward(p, x).v))

    grads, _ = encoder_backward(params.encoder, encoder_forward(params.encoder, x), weights)
    errors = check_gradients(loss, params.encoder, grads)
    assert max(errors.values()) < TOL, errors


def test_masked_steps_change_nothing():
    params, x, inputs, targets, mask = _setup(False)
    a = caption_forward(params, x, inputs, targets, mask)
    other = targets.copy()
    other[-1] = (other[-1] + 1) % K  # a different word where the mask is 0
    b = caption_forward(params, x, inputs, other, mask)
    assert a.loss == b.loss
    ga, gb = caption_backward(params, a), caption_backward(params, b)
    np.testing.assert_array_equal(ga.encoder.W1, gb.encoder.W1)
    np.testing.assert_array_equal(ga.lstm.W_z, gb.lstm.W_z)


def test_greedy_decode_equals_teacher_forcing_on_its_own_words():
    """Feeding each written word back, step by step, gives the same numbers as the
    whole-sequence pass with those words as the teacher's."""
    params, x, _, _, _ = _setup(False, seed=4)
    start, end = 0, 1
    dec = greedy_decode(params, x, start, end, max_steps=6)
    L = len(dec.words)
    assert 1 <= L <= 6 and (dec.words[-1] == end or L == 6)
    assert end not in dec.words[:-1]
    inputs = np.array([start, *dec.words[:-1]])
    trace = caption_forward(params, x, inputs, np.array(dec.words))
    np.testing.assert_allclose(dec.probs, trace.probs, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dec.y, trace.lstm.y, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dec.c, trace.lstm.c, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dec.v, trace.encoder.v, rtol=1e-13)
    np.testing.assert_array_equal(dec.words, np.argmax(dec.probs, axis=1))
    np.testing.assert_allclose(dec.word_probs, dec.probs.max(axis=1))
    # the initial state comes from the semantic vector
    np.testing.assert_allclose(dec.y0, np.tanh(params.decoder.W_y @ dec.v + params.decoder.b_y))


def test_batched_equals_unbatched():
    params, x, inputs, targets, mask = _setup(True)
    trace = caption_forward(params, x, inputs, targets, mask)
    grads = caption_backward(params, trace)
    summed = None
    for b in range(x.shape[0]):
        one = caption_forward(params, x[b], inputs[:, b], targets[:, b], mask[:, b])
        np.testing.assert_allclose(one.probs, trace.probs[:, b], rtol=1e-12)
        np.testing.assert_allclose(one.encoder.v, trace.encoder.v[b], rtol=1e-12)
        g = caption_backward(params, one)
        if summed is None:
            summed = g
        else:
            summed = dataclasses.replace(
                summed,
                encoder=dataclasses.replace(summed.encoder, W1=summed.encoder.W1 + g.encoder.W1),
                lstm=dataclasses.replace(summed.lstm, R_i=summed.lstm.R_i + g.lstm.R_i),
            )
    np.testing.assert_allclose(summed.encoder.W1, grads.encoder.W1, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(summed.lstm.R_i, grads.lstm.R_i, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda p: encoder_forward(p.encoder, np.zeros(P + 1)), r"expects \(P,\) or \(B, P\)"),
        (lambda p: caption_forward(p, np.zeros(P), np.array([0, K]), np.array([0, 1])), "0 .. 4"),
        (lambda p: caption_forward(p, np.zeros(P), np.array([0, 1]), np.array([0])), "targets"),
        (lambda p: caption_forward(p, np.zeros((2, P)), np.array([0, 1]), np.array([0, 1])), "B"),
        (lambda p: greedy_decode(p, np.zeros(P), K, 1), "start must be"),
        (lambda p: greedy_decode(p, np.zeros((2, P)), 0, 1), "one image"),
        (
            lambda p: dataclasses.replace(
                p,
                decoder=dataclasses.replace(
                    p.decoder, W_y=np.zeros((N, D + 1)), W_c=np.zeros((N, D + 1))
                ),
            ),
            "join",
        ),
    ],
)
def test_bad_input_is_a_one_line_error(call, match):
    params = _setup(False)[0]
    with pytest.raises(ValueError, match=match) as info:
        call(params)
    assert "\n" not in str(info.value)
