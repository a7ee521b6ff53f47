"""Adam over parameter dataclasses, arrays and lists (the optimiser of the shipped models)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core import LSTMParams
from rnn_core._params import tree_map
from rnn_core.optim import Adam


def test_matches_the_published_update():
    """Three steps against Kingma and Ba's Algorithm 1 written out by hand."""
    rng = np.random.default_rng(0)
    p = rng.normal(size=4)
    opt = Adam(lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8)
    m = v = np.zeros(4)
    ref = p.copy()
    for t in range(1, 4):
        g = rng.normal(size=4)
        (p,) = opt.step([p], [g])
        m = 0.9 * m + 0.1 * g
        v = 0.99 * v + 0.01 * g * g
        ref = ref - 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.99**t)) + 1e-8)
        np.testing.assert_allclose(p, ref, rtol=1e-12)


def test_minimises_a_quadratic_over_dataclass_and_list():
    rng = np.random.default_rng(1)
    params = LSTMParams.init(2, 3, rng)
    target = tree_map(lambda a: rng.normal(size=a.shape), params)
    head = [rng.normal(size=(1, 3)), np.zeros(1)]
    opt = Adam(lr=0.05)
    for _ in range(600):
        grads = type(params)(
            **{n: getattr(params, n) - getattr(target, n) for n in params.array_names()}
        )
        params, head = opt.step([params, head], [grads, [head[0] - 1.0, head[1] + 2.0]])
    for n in params.array_names():
        np.testing.assert_allclose(getattr(params, n), getattr(target, n), atol=1e-2)
    np.testing.assert_allclose(head[0], 1.0, atol=1e-2)
    np.testing.assert_allclose(head[1], -2.0, atol=1e-2)
    assert isinstance(head, list)


def test_peepholes_off_stay_zero_and_inputs_are_not_edited():
    params = LSTMParams.init(2, 2, np.random.default_rng(2), peepholes=False)
    before = params.W_i.copy()
    # gradients that would move the peepholes if the optimiser let them
    grads = tree_map(np.ones_like, dataclasses.replace(params, peepholes=True))
    (new,) = Adam(lr=0.1).step([params], [grads])
    assert not new.peepholes
    for n in ("p_i", "p_f", "p_o"):
        np.testing.assert_array_equal(getattr(new, n), 0.0)
    np.testing.assert_array_equal(params.W_i, before)
    np.testing.assert_allclose(new.W_i, before - 0.1)


def test_bad_use_is_a_one_line_error():
    with pytest.raises(ValueError, match="lr"):
        Adam(lr=0.0)
    with pytest.raises(ValueError, match="beta2"):
        Adam(beta2=1.0)
    opt = Adam()
    with pytest.raises(ValueError, match="one each"):
        opt.step([np.zeros(2)], [])
    with pytest.raises(ValueError, match="shape"):
        opt.step([np.zeros(2)], [np.zeros(3)])
