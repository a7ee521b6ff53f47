"""LSTM forward/backward: finite-difference checks, stepwise and batch equivalence."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core import LSTMParams, lstm_backward, lstm_forward, lstm_step
from rnn_core.gradcheck import check_gradients, numeric_gradient, relative_error

TOL = 1e-7


def _setup(peepholes: bool, batched: bool, seed: int = 0):
    rng = np.random.default_rng(seed)
    params = LSTMParams.init(3, 4, rng, peepholes=peepholes)
    # Non-trivial biases so no gate sits at a symmetric point.
    params = dataclasses.replace(params, **{f"b_{g}": rng.normal(size=4) * 0.3 for g in "zifo"})
    lead = (5, 2) if batched else (5,)
    xs = rng.normal(size=(*lead, 3))
    y0 = rng.normal(size=(*lead[1:], 4)) * 0.5
    c0 = rng.normal(size=(*lead[1:], 4))
    weights = rng.normal(size=(*lead, 4))  # loss = sum(weights * y): dL/dy = weights
    return params, xs, y0, c0, weights


@pytest.mark.parametrize("peepholes", [True, False])
@pytest.mark.parametrize("batched", [False, True])
def test_every_gradient_matches_central_differences(peepholes, batched):
    params, xs, y0, c0, weights = _setup(peepholes, batched)

    def loss(p=params, xs=xs, y0=y0, c0=c0) -> float:
        return float(np.sum(weights * lstm_forward(p, xs, y0, c0).y))

    grads, deltas = lstm_backward(params, lstm_forward(params, xs, y0, c0), weights)
    errors = check_gradients(lambda p: loss(p), params, grads)
    assert max(errors.values()) < TOL, errors
    assert relative_error(deltas.dx, numeric_gradient(lambda x: loss(xs=x), xs)) < TOL
    assert relative_error(deltas.dy0, numeric_gradient(lambda y: loss(y0=y), y0)) < TOL
    assert relative_error(deltas.dc0, numeric_gradient(lambda c: loss(c0=c), c0)) < TOL


def test_deltas_follow_greffs_equations_at_the_last_step():
    params, xs, y0, c0, weights = _setup(True, False)
    trace = lstm_forward(params, xs, y0, c0)
    _, d = lstm_backward(params, trace, weights)
    t = trace.T - 1  # no future terms at the last step
    s = trace.step(t)
    assert np.allclose(d.dy[t], weights[t])
    assert np.allclose(d.do_bar[t], d.dy[t] * np.tanh(s.c) * s.o * (1 - s.o))
    dc = d.dy[t] * s.o * (1 - np.tanh(s.c) ** 2) + params.p_o * d.do_bar[t]
    assert np.allclose(d.dc[t], dc)
    # One step earlier the highway term dc^{t+1} * f^{t+1} and the peepholes join in.
    u = t - 1
    su = trace.step(u)
    dc_u = (
        d.dy[u] * su.o * (1 - np.tanh(su.c) ** 2)
        + params.p_o * d.do_bar[u]
        + params.p_i * d.di_bar[t]
        + params.p_f * d.df_bar[t]
        + d.dc[t] * s.f
    )
    assert np.allclose(d.dc[u], dc_u)


def test_stepwise_equals_whole_sequence():
    params, xs, y0, c0, _ = _setup(True, False)
    trace = lstm_forward(params, xs, y0, c0)
    y, c = y0, c0
    for t in range(len(xs)):
        s = lstm_step(params, xs[t], y, c)
        for name in ("z", "i", "f", "c", "o", "y", "z_bar", "o_bar"):
            assert np.allclose(getattr(s, name), getattr(trace, name)[t], rtol=1e-13, atol=1e-15), (
                name
            )
        y, c = s.y, s.c


def test_batch_equals_separate_runs():
    params, xs, y0, c0, weights = _setup(True, True)
    trace = lstm_forward(params, xs, y0, c0)
    grads, deltas = lstm_backward(params, trace, weights)
    summed = None
    for b in range(xs.shape[1]):
        tb = lstm_forward(params, xs[:, b], y0[b], c0[b])
        assert np.allclose(tb.y, trace.y[:, b]) and np.allclose(tb.c, trace.c[:, b])
        gb, db = lstm_backward(params, tb, weights[:, b])
        assert np.allclose(db.dc, deltas.dc[:, b]) and np.allclose(db.dx, deltas.dx[:, b])
        summed = (
            gb
            if summed is None
            else dataclasses.replace(
                summed, **{n: getattr(summed, n) + getattr(gb, n) for n in params.array_names()}
            )
        )
    for name in params.array_names():
        assert np.allclose(getattr(summed, name), getattr(grads, name)), name


def test_trace_keeps_the_input_batch_axis():
    params, xs, *_ = _setup(True, True)
    assert lstm_forward(params, xs).y.shape == (5, 2, 4)
    assert lstm_forward(params, xs[:, 0]).y.shape == (5, 4)


def test_without_peepholes_the_peepholes_stay_zero():
    params, xs, y0, c0, weights = _setup(False, False)
    assert all(np.all(getattr(params, p) == 0) for p in ("p_i", "p_f", "p_o"))
    grads, _ = lstm_backward(params, lstm_forward(params, xs, y0, c0), weights)
    assert all(np.all(getattr(grads, p) == 0) for p in ("p_i", "p_f", "p_o"))
    with pytest.raises(ValueError, match="p_i is non-zero but peepholes=False"):
        dataclasses.replace(params, p_i=np.ones(4))


def test_peepholes_change_the_values():
    rng = np.random.default_rng(3)
    with_p = LSTMParams.init(3, 4, rng, peepholes=True)
    without = dataclasses.replace(
        with_p, p_i=np.zeros(4), p_f=np.zeros(4), p_o=np.zeros(4), peepholes=False
    )
    xs = rng.normal(size=(4, 3))
    assert not np.allclose(lstm_forward(with_p, xs).y, lstm_forward(without, xs).y)


def test_saturated_gates_give_the_textbook_extremes():
    rng = np.random.default_rng(0)
    params = LSTMParams.init(2, 3, rng, peepholes=False)
    big = 40.0
    open_all = dataclasses.replace(
        params, b_i=np.full(3, big), b_f=np.full(3, big), b_o=np.full(3, big)
    )
    trace = lstm_forward(open_all, rng.normal(size=(1, 2)), c0=np.array([0.5, -0.2, 0.1]))
    s = trace.step(0)
    assert np.allclose(s.c, s.z + np.array([0.5, -0.2, 0.1]))  # keeps c_prev, adds all of z
    shut = dataclasses.replace(
        params, b_i=np.full(3, -big), b_f=np.full(3, -big), b_o=np.full(3, -big)
    )
    s = lstm_forward(shut, rng.normal(size=(1, 2)), c0=np.ones(3)).step(0)
    assert np.allclose(s.c, 0) and np.allclose(s.y, 0)


def test_exploding_errors_are_flagged_without_warnings():
    rng = np.random.default_rng(0)
    params = LSTMParams.init(2, 3, rng)
    huge = dataclasses.replace(params, **{f"R_{g}": np.full((3, 3), 1e155) for g in "zifo"})
    trace = lstm_forward(huge, rng.normal(size=(30, 2)))
    # pyproject turns RuntimeWarnings from rnn_core into errors, so a stray warning fails here.
    _, deltas = lstm_backward(huge, trace, np.full((30, 3), 1e155))
    assert deltas.nonfinite
    _, fine = lstm_backward(
        params, lstm_forward(params, rng.normal(size=(30, 2))), np.ones((30, 3))
    )
    assert not fine.nonfinite


def test_fused_and_unfused_recurrent_matmuls_agree(monkeypatch):
    import rnn_core.lstm as lstm_module

    params, xs, y0, c0, weights = _setup(True, True)
    trace = lstm_forward(params, xs, y0, c0)
    grads, deltas = lstm_backward(params, trace, weights)
    monkeypatch.setattr(lstm_module, "FUSE_MAX_N", 0)  # the large-size code path
    trace2 = lstm_forward(params, xs, y0, c0)
    grads2, deltas2 = lstm_backward(params, trace2, weights)
    assert np.allclose(trace.y, trace2.y, rtol=1e-13) and np.allclose(trace.c, trace2.c, rtol=1e-13)
    for name in params.array_names():
        assert np.allclose(getattr(grads, name), getattr(grads2, name), rtol=1e-12), name
    assert np.allclose(deltas.dc, deltas2.dc, rtol=1e-12)
