"""Training: clipping lowers the loss; without it a cliff-side start spikes."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import LSTMParams, RNNParams
from rnn_core.tasks import copy_task, parity_task, sine_task
from rnn_core.train import ClippingDemo, train_lstm, train_rnn


def test_lstm_with_clipping_learns_the_sine_task():
    rng = np.random.default_rng(0)
    task = sine_task(rng, steps=20, batch=8)
    hist = train_lstm(
        LSTMParams.init(1, 4, rng),
        task,
        lr=0.05,
        n_steps=200,
        clip=("norm", 1.0),
        rng=np.random.default_rng(1),
    )
    assert hist.loss[-1] < 0.2 * hist.loss[0]
    assert hist.clipped.any()
    assert np.all(hist.grad_norm[hist.clipped] > 1.0)
    assert hist.loss.shape == hist.grad_norm.shape == hist.clipped.shape == (200,)


def test_clipping_demo_spikes_without_clipping_and_learns_with_it():
    plain, clipped = ClippingDemo().histories()
    spike = plain.grad_norm.max() / np.median(plain.grad_norm)
    assert spike > 10, "plain SGD must show a gradient-norm spike (max > 10x the median)"
    assert plain.loss[-1] > 5 * clipped.loss[-1], "the spike throws plain SGD off; clipping learns"
    assert clipped.loss[-1] < 0.1 * clipped.loss[0]


def test_rnn_learns_the_copy_task_with_clipping():
    rng = np.random.default_rng(3)
    task = copy_task(rng, n_symbols=3, delay=2, batch=16)
    hist = train_rnn(RNNParams.init(4, 8, 4, rng), task, lr=0.3, n_steps=300, clip=("norm", 1.0))
    assert hist.loss[-1] < 0.5 * hist.loss[0]


def test_tasks_are_seeded_and_shaped():
    a = parity_task(np.random.default_rng(5), steps=4, batch=3)
    b = parity_task(np.random.default_rng(5), steps=4, batch=3)
    assert np.array_equal(a.xs, b.xs) and a.xs.shape == (4, 3, 2)
    assert np.array_equal(a.targets, np.cumsum(a.xs[..., 0], axis=0) % 2)
    c = copy_task(np.random.default_rng(0), n_symbols=3, delay=4, batch=2)
    assert np.array_equal(c.targets[-1], np.argmax(c.xs[0, :, :3], axis=-1))


def test_wrong_task_kind_is_refused():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="train_rnn needs a classification task"):
        train_rnn(RNNParams.init(1, 2, 2, rng), sine_task(rng), lr=0.1, n_steps=1)
