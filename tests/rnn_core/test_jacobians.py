"""Step Jacobians and their product norms against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import LSTMParams, lstm_forward, lstm_step, rnn_forward
from rnn_core.gradcheck import relative_error
from rnn_core.jacobians import (
    lstm_highway_products,
    lstm_jacobian_norms,
    lstm_step_jacobians,
    rnn_gradient_bound,
    rnn_jacobian_norms,
    rnn_step_jacobians,
    rnn_with_spectral_norm,
)


def _fd_jacobian(f, x, eps=1e-6):
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = eps
        cols.append((f(x + e) - f(x - e)) / (2 * eps))
    return np.stack(cols, axis=1)


def _rnn(sigma=1.5, T=6):
    rng = np.random.default_rng(0)
    params = rnn_with_spectral_norm(2, 3, 2, sigma, rng)
    return params, rnn_forward(params, rng.normal(size=(T, 2)), np.zeros(T, dtype=int))


def test_rnn_step_jacobian_matches_finite_differences():
    params, trace = _rnn()
    J = rnn_step_jacobians(params, trace)
    t = 3

    def step(h):
        return np.tanh(params.b + params.W @ h + params.U @ trace.xs[t])

    assert relative_error(J[t], _fd_jacobian(step, trace.h[t - 1])) < 1e-7


def test_rnn_product_norms_match_finite_differences_of_the_unrolled_map():
    params, trace = _rnn()
    norms = rnn_jacobian_norms(params, trace)
    k, t = 1, 5

    def unroll(h):
        for j in range(k + 1, t + 1):
            h = np.tanh(params.b + params.W @ h + params.U @ trace.xs[j])
        return h

    fd = _fd_jacobian(unroll, trace.h[k])
    assert norms[t, k] == pytest.approx(np.linalg.norm(fd, 2), rel=1e-7)
    assert np.isnan(norms[k, t]) and norms[k, k] == 1.0


@pytest.mark.parametrize("sigma", [0.5, 0.9, 1.5])
def test_norms_never_exceed_the_bound(sigma):
    params, trace = _rnn(sigma, T=10)
    norms = rnn_jacobian_norms(params, trace)
    for t in range(10):
        for k in range(t + 1):
            assert norms[t, k] <= rnn_gradient_bound(params.W, t - k) * (1 + 1e-9)


def test_spectral_norm_is_set_exactly_and_small_norms_vanish():
    params, trace = _rnn(0.5, T=10)
    assert np.linalg.norm(params.W, 2) == pytest.approx(0.5)
    assert rnn_jacobian_norms(params, trace)[9, 0] < 0.5**9 + 1e-12


@pytest.mark.parametrize("peepholes", [True, False])
def test_lstm_joint_state_jacobian_matches_finite_differences(peepholes):
    rng = np.random.default_rng(1)
    params = LSTMParams.init(3, 4, rng, peepholes=peepholes)
    xs = rng.normal(size=(5, 3))
    trace = lstm_forward(params, xs, y0=rng.normal(size=4) * 0.3, c0=rng.normal(size=4))
    J = lstm_step_jacobians(params, trace)
    t, n = 2, 4

    def step(s):
        out = lstm_step(params, xs[t], s[n:], s[:n])
        return np.concatenate([out.c, out.y])

    state = np.concatenate([trace.c[t - 1], trace.y[t - 1]])
    assert relative_error(J[t], _fd_jacobian(step, state)) < 1e-7
    norms = lstm_jacobian_norms(params, trace)
    assert norms[t, t - 1] == pytest.approx(np.linalg.norm(J[t], 2))


def test_highway_product_is_the_product_of_forget_gates():
    rng = np.random.default_rng(2)
    params = LSTMParams.init(2, 3, rng)
    trace = lstm_forward(params, rng.normal(size=(6, 2)))
    table = lstm_highway_products(trace)
    assert table[5, 1] == pytest.approx(np.max(np.prod(trace.f[2:6], axis=0)))


def test_batched_traces_are_refused_with_a_clear_message():
    rng = np.random.default_rng(0)
    params = LSTMParams.init(2, 3, rng)
    trace = lstm_forward(params, rng.normal(size=(4, 2, 2)))
    with pytest.raises(ValueError, match="Jacobians need an unbatched trace"):
        lstm_step_jacobians(params, trace)
