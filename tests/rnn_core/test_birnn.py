"""Bidirectional RNN: finite-difference checks, each direction against the simple RNN
(stepwise and on the reversed sequence), batched against unbatched."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core import RNNParams, rnn_forward
from rnn_core.birnn import BiRNNParams, birnn_backward, birnn_forward, cross_entropy
from rnn_core.ctc import ctc_loss
from rnn_core.gradcheck import check_gradients, numeric_gradient, relative_error

TOL = 1e-7


def _setup(batched: bool, seed: int = 0):
    rng = np.random.default_rng(seed)
    params = BiRNNParams.init(3, 4, 3, rng)
    params = dataclasses.replace(
        params, b_f=rng.normal(size=4) * 0.3, b_b=rng.normal(size=4) * 0.3, c=rng.normal(size=3)
    )
    lead = (5, 2) if batched else (5,)
    xs = rng.normal(size=(*lead, 3))
    h0_f = rng.normal(size=(*lead[1:], 4)) * 0.5
    h0_b = rng.normal(size=(*lead[1:], 4)) * 0.5
    targets = rng.integers(0, 3, size=lead)
    mask = (rng.uniform(size=lead) < 0.8).astype(float)
    return params, xs, h0_f, h0_b, targets, mask


@pytest.mark.parametrize("batched", [False, True])
def test_every_gradient_matches_central_differences(batched):
    params, xs, h0_f, h0_b, targets, mask = _setup(batched)

    def loss(p=params, xs=xs, h0_f=h0_f, h0_b=h0_b) -> float:
        return cross_entropy(birnn_forward(p, xs, h0_f, h0_b), targets, mask)[0]

    trace = birnn_forward(params, xs, h0_f, h0_b)
    _, do = cross_entropy(trace, targets, mask)
    grads, deltas = birnn_backward(params, trace, do)
    errors = check_gradients(lambda p: loss(p), params, grads)
    assert max(errors.values()) < TOL, errors
    assert relative_error(deltas.dx, numeric_gradient(lambda x: loss(xs=x), xs)) < TOL
    assert relative_error(deltas.dh0_f, numeric_gradient(lambda h: loss(h0_f=h), h0_f)) < TOL
    assert relative_error(deltas.dh0_b, numeric_gradient(lambda h: loss(h0_b=h), h0_b)) < TOL
    # the output error is what the loss says: d loss / d o
    numeric_do = numeric_gradient(
        lambda o: cross_entropy(dataclasses.replace(trace, o=o, y_hat=_softmax(o)), targets, mask)[
            0
        ],
        trace.o,
    )
    assert relative_error(do, numeric_do) < TOL


def _softmax(o):
    e = np.exp(o - o.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_gradient_through_a_ctc_output():
    """The BiRNN under a CTC loss (the speech model): end to end by central differences."""
    params, xs, _, _, _, _ = _setup(False, seed=3)
    labels = [1, 1]  # a doubled letter

    def loss(p) -> float:
        return ctc_loss(birnn_forward(p, xs).o, labels)[0]

    trace = birnn_forward(params, xs)
    _, dlogits = ctc_loss(trace.o, labels)
    grads, _ = birnn_backward(params, trace, dlogits)
    errors = check_gradients(loss, params, grads)
    assert max(errors.values()) < TOL, errors


def test_each_direction_is_a_simple_rnn():
    """The forward half is rnn_forward on xs; the backward half is rnn_forward on the
    reversed sequence, reversed back."""
    params, xs, h0_f, h0_b, _, _ = _setup(False)
    trace = birnn_forward(params, xs, h0_f, h0_b)
    zeros = np.zeros(len(xs), dtype=np.int64)
    fwd = RNNParams(U=params.U_f, W=params.W_f, V=np.ones((1, 4)), b=params.b_f, c=np.zeros(1))
    bwd = RNNParams(U=params.U_b, W=params.W_b, V=np.ones((1, 4)), b=params.b_b, c=np.zeros(1))
    np.testing.assert_allclose(trace.h_f, rnn_forward(fwd, xs, zeros, h0_f).h, rtol=1e-13)
    np.testing.assert_allclose(trace.a_f, rnn_forward(fwd, xs, zeros, h0_f).a, rtol=1e-13)
    back = rnn_forward(bwd, xs[::-1], zeros, h0_b)
    np.testing.assert_allclose(trace.h_b, back.h[::-1], rtol=1e-13)
    np.testing.assert_allclose(trace.a_b, back.a[::-1], rtol=1e-13)


def test_stepwise_equals_whole_sequence():
    params, xs, h0_f, h0_b, _, _ = _setup(False)
    trace = birnn_forward(params, xs, h0_f, h0_b)
    T = len(xs)
    h = h0_f
    for t in range(T):
        h = np.tanh(params.b_f + params.W_f @ h + params.U_f @ xs[t])
        np.testing.assert_allclose(trace.h_f[t], h, rtol=1e-13, atol=1e-15)
    h = h0_b
    for t in reversed(range(T)):
        h = np.tanh(params.b_b + params.W_b @ h + params.U_b @ xs[t])
        np.testing.assert_allclose(trace.h_b[t], h, rtol=1e-13, atol=1e-15)
    for t in range(T):
        o = params.c + params.V @ np.concatenate([trace.h_f[t], trace.h_b[t]])
        np.testing.assert_allclose(trace.o[t], o, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(trace.y_hat[t].sum(), 1.0)
    np.testing.assert_array_equal(trace.h, np.concatenate([trace.h_f, trace.h_b], axis=1))


def test_batched_equals_unbatched():
    params, xs, h0_f, h0_b, targets, mask = _setup(True)
    trace = birnn_forward(params, xs, h0_f, h0_b)
    _, do = cross_entropy(trace, targets, mask)
    grads, deltas = birnn_backward(params, trace, do)
    total = {n: np.zeros_like(getattr(params, n)) for n in params.array_names()}
    for b in range(xs.shape[1]):
        one = birnn_forward(params, xs[:, b], h0_f[b], h0_b[b])
        for name in ("h_f", "h_b", "o", "y_hat"):
            np.testing.assert_allclose(getattr(one, name), getattr(trace, name)[:, b], rtol=1e-12)
        _, do1 = cross_entropy(one, targets[:, b], mask[:, b])
        g1, d1 = birnn_backward(params, one, do1)
        np.testing.assert_allclose(d1.dx, deltas.dx[:, b], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(d1.dh0_b, deltas.dh0_b[b], rtol=1e-12, atol=1e-15)
        for n in total:
            total[n] += getattr(g1, n)
    for n, g in total.items():
        np.testing.assert_allclose(getattr(grads, n), g, rtol=1e-12, atol=1e-14)


def test_the_output_sees_the_future_and_the_forward_half_does_not():
    params, xs, _, _, _, _ = _setup(False)
    changed = xs.copy()
    changed[-1] += 1.0
    a, b = birnn_forward(params, xs), birnn_forward(params, changed)
    np.testing.assert_array_equal(a.h_f[:-1], b.h_f[:-1])  # the past half cannot know yet
    assert np.abs(a.h_b[0] - b.h_b[0]).max() > 1e-3  # the future half carries it back
    assert np.abs(a.y_hat[0] - b.y_hat[0]).max() > 1e-4


def test_errors_flow_in_opposite_directions():
    """An error at the first output reaches only the first step of the forward RNN but
    every step of the backward RNN (which read the whole sequence to get there)."""
    params, xs, _, _, _, _ = _setup(False)
    trace = birnn_forward(params, xs)
    do = np.zeros_like(trace.o)
    do[0, 0] = 1.0
    _, d = birnn_backward(params, trace, do)
    assert np.all(d.dh_f[1:] == 0) and np.all(d.dh_f[0] != 0)
    assert np.all(np.abs(d.dh_b).sum(axis=1) > 0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda p: birnn_forward(p, np.zeros((4, 2))), r"expects \(T, 3\)"),
        (lambda p: birnn_forward(p, np.zeros((4, 3)), h0_f=np.zeros(3)), r"h0_f has shape"),
        (lambda p: birnn_backward(p, birnn_forward(p, np.zeros((4, 3))), np.zeros((4, 2))), "do"),
        (lambda p: cross_entropy(birnn_forward(p, np.zeros((4, 3))), np.full(4, 3)), r"0 \.\. 2"),
        (lambda p: BiRNNParams.init(3, 0, 2, np.random.default_rng(0)), "n_hidden"),
        (lambda p: dataclasses.replace(p, V=np.zeros((3, 4))), r"V has shape"),
    ],
)
def test_bad_input_is_a_one_line_error(call, match):
    params = _setup(False)[0]
    with pytest.raises(ValueError, match=match) as info:
        call(params)
    assert "\n" not in str(info.value)
