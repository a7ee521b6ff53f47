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


# Errors of one loss at a time (the coloured errors of BPTT) ---------------------------------
def test_rnn_loss_errors_match_finite_differences_and_sum_to_the_bptt_errors():
    from rnn_core import rnn_backward
    from rnn_core.gradcheck import numeric_gradient
    from rnn_core.jacobians import rnn_loss_errors

    rng = np.random.default_rng(3)
    params = rnn_with_spectral_norm(2, 3, 4, 1.1, rng)
    T = 5
    trace = rnn_forward(params, rng.normal(size=(T, 2)), rng.integers(0, 4, size=T))
    E = rnn_loss_errors(params, trace)
    assert E.shape == (T, T, 3)

    def loss_s(s, k):
        def f(h):
            if s == k:  # its own loss: cross-entropy of V h + c
                o = params.V @ h + params.c
                return float(np.log(np.exp(o).sum()) - o[trace.targets[s]])
            rest = rnn_forward(params, trace.xs[k + 1 :], trace.targets[k + 1 :], h0=h)
            return float(rest.losses[s - k - 1])

        return f

    for s, k in [(0, 0), (2, 2), (3, 1), (4, 0), (4, 3)]:
        fd = numeric_gradient(loss_s(s, k), trace.h[k])
        assert relative_error(E[s, k], fd) < 1e-7, (s, k)
    assert np.all(E[1, 2:] == 0.0)  # a loss reaches no later step
    _, deltas = rnn_backward(params, trace)
    assert relative_error(E.sum(axis=0), deltas.dh) < 1e-12


def test_lstm_loss_errors_match_finite_differences_and_sum_to_the_deltas():
    from rnn_core import lstm_backward
    from rnn_core.gradcheck import numeric_gradient
    from rnn_core.jacobians import lstm_loss_errors

    rng = np.random.default_rng(4)
    params = LSTMParams.init(2, 3, rng)
    params = type(params)(**{**vars(params), "p_o": rng.normal(size=3)})
    T = 4
    trace = lstm_forward(params, rng.normal(size=(T, 2)))
    dy_ext = rng.normal(size=(T, 3))
    dc, dy = lstm_loss_errors(params, trace, dy_ext)

    def after(s, k, y, c):  # L^s = dy_ext[s] . y^s, from the state (y, c) at step k on
        if s == k:
            return float(dy_ext[s] @ y)
        rest = lstm_forward(params, trace.xs[k + 1 :], y0=y, c0=c)
        return float(dy_ext[s] @ rest.y[s - k - 1])

    def y_of_c(k, c):  # y^k = o^k tanh(c^k), the output gate seeing c^k through p_o
        o_bar = trace.o_bar[k] - params.p_o * trace.c[k] + params.p_o * c
        return 1.0 / (1.0 + np.exp(-o_bar)) * np.tanh(c)

    for s, k in [(1, 1), (3, 0), (3, 2)]:
        fd_y = numeric_gradient(lambda y, s=s, k=k: after(s, k, y, trace.c[k]), trace.y[k])
        fd_c = numeric_gradient(lambda c, s=s, k=k: after(s, k, y_of_c(k, c), c), trace.c[k])
        assert relative_error(dy[s, k], fd_y) < 1e-7, (s, k)
        assert relative_error(dc[s, k], fd_c) < 1e-7, (s, k)
    assert np.all(dc[0, 1:] == 0.0) and np.all(dy[0, 1:] == 0.0)
    _, deltas = lstm_backward(params, trace, dy_ext)
    assert relative_error(dc.sum(axis=0), deltas.dc) < 1e-12
    assert relative_error(dy.sum(axis=0), deltas.dy) < 1e-12
