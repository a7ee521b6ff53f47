"""Simple RNN: finite-difference checks of full and truncated BPTT, batches, contributions."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import RNNParams, rnn_backward, rnn_forward, rnn_gradient_contributions
from rnn_core.gradcheck import check_gradients, numeric_gradient, relative_error

TOL = 1e-7


def _setup(batched: bool, seed: int = 1):
    rng = np.random.default_rng(seed)
    p = RNNParams.init(3, 4, 2, rng)
    params = RNNParams(
        U=p.U, W=1.5 * p.W, V=p.V, b=rng.normal(size=4) * 0.1, c=rng.normal(size=2) * 0.1
    )
    lead = (6, 2) if batched else (6,)
    xs = rng.normal(size=(*lead, 3))
    targets = rng.integers(0, 2, size=lead)
    h0 = rng.normal(size=(*lead[1:], 4)) * 0.3
    return params, xs, targets, h0


@pytest.mark.parametrize("batched", [False, True])
def test_full_bptt_matches_central_differences(batched):
    params, xs, targets, h0 = _setup(batched)
    trace = rnn_forward(params, xs, targets, h0)
    grads, deltas = rnn_backward(params, trace)
    errors = check_gradients(lambda p: rnn_forward(p, xs, targets, h0).loss, params, grads)
    assert max(errors.values()) < TOL, errors
    assert (
        relative_error(
            deltas.dx, numeric_gradient(lambda x: rnn_forward(params, x, targets, h0).loss, xs)
        )
        < TOL
    )
    assert (
        relative_error(
            deltas.dh0, numeric_gradient(lambda h: rnn_forward(params, xs, targets, h).loss, h0)
        )
        < TOL
    )


def test_forward_follows_the_equations():
    params, xs, targets, h0 = _setup(False)
    tr = rnn_forward(params, xs, targets, h0)
    h = h0
    for t in range(len(xs)):
        a = params.b + params.W @ h + params.U @ xs[t]
        h = np.tanh(a)
        o = params.c + params.V @ h
        y = np.exp(o) / np.exp(o).sum()
        assert np.allclose(tr.a[t], a) and np.allclose(tr.h[t], h) and np.allclose(tr.y_hat[t], y)
        assert np.isclose(tr.losses[t], -np.log(y[targets[t]]))


def _truncated_reference(params, xs, targets, k):
    """Sum over loss steps s of d loss_s / dW with the graph cut k steps before s."""
    trace = rnn_forward(params, xs, targets)
    total = np.zeros_like(params.W)
    for s in range(len(xs)):
        start = max(s - k, 0)
        h_start = trace.h0 if start == 0 else trace.h[start - 1]

        def loss_s(W, s=s, start=start, h_start=h_start):
            h = h_start
            for t in range(start, s + 1):
                h = np.tanh(params.b + W @ h + params.U @ xs[t])
            o = params.c + params.V @ h
            return float(np.log(np.exp(o).sum()) - o[targets[s]])

        total += numeric_gradient(loss_s, params.W)
    return total


@pytest.mark.parametrize("k", [0, 1, 2, 4])
def test_truncated_bptt_cuts_each_loss_k_steps_back(k):
    params, xs, targets, _ = _setup(False)
    grads, _ = rnn_backward(params, rnn_forward(params, xs, targets), truncate=k)
    assert relative_error(grads.W, _truncated_reference(params, xs, targets, k)) < TOL


def test_long_truncation_equals_full_bptt_and_short_differs():
    params, xs, targets, h0 = _setup(False)
    trace = rnn_forward(params, xs, targets, h0)
    full, _ = rnn_backward(params, trace)
    assert np.allclose(rnn_backward(params, trace, truncate=len(xs))[0].W, full.W)
    assert not np.allclose(rnn_backward(params, trace, truncate=1)[0].W, full.W)


def test_batch_equals_separate_runs():
    params, xs, targets, h0 = _setup(True)
    grads, _ = rnn_backward(params, rnn_forward(params, xs, targets, h0))
    parts = [
        rnn_backward(params, rnn_forward(params, xs[:, b], targets[:, b], h0[b]))[0]
        for b in range(2)
    ]
    for name in params.array_names():
        assert np.allclose(getattr(grads, name), sum(getattr(g, name) for g in parts)), name


def test_gradient_contributions_sum_to_the_gradient_and_come_from_each_loss():
    params, xs, targets, h0 = _setup(False)
    trace = rnn_forward(params, xs, targets, h0)
    contributions = rnn_gradient_contributions(params, trace)  # (T, H, H)
    assert contributions.shape == (6, 4, 4)
    assert np.allclose(contributions.sum(axis=0), rnn_backward(params, trace)[0].W)

    # Entry s is the gradient of loss s alone.
    def loss_2(W):
        p = RNNParams(U=params.U, W=W, V=params.V, b=params.b, c=params.c)
        return float(rnn_forward(p, xs, targets, h0).losses[2])

    assert relative_error(contributions[2], numeric_gradient(loss_2, params.W)) < TOL


def test_exploding_errors_are_flagged_without_warnings():
    rng = np.random.default_rng(0)
    p = RNNParams.init(2, 3, 2, rng)
    # tanh'(a) is tiny when saturated, so explode through near-zero activations and a huge W.
    params = RNNParams(U=p.U * 0, W=np.eye(3) * 1e30, V=p.V * 1e30, b=p.b, c=p.c)
    trace = rnn_forward(params, np.zeros((40, 2)), np.zeros(40, dtype=int))
    _, deltas = rnn_backward(params, trace)
    assert deltas.nonfinite
