"""Training: clipping lowers the loss; without it the cliff demo spikes and is thrown off."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import LSTMParams, RNNParams
from rnn_core.landscape import CliffDemo, find_cliff
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
    assert spike > 10, "plain descent must show a gradient-norm spike (max > 10x the median)"
    assert plain.loss[-1] > 5 * clipped.loss[-1], (
        "the spike throws plain descent off; clipping learns"
    )
    assert clipped.loss[-1] < 0.1 * clipped.loss[0]
    assert plain.loss.shape == plain.grad_norm.shape == clipped.clipped.shape == (37,)
    assert clipped.clip == ("norm", 1.0) and plain.clip is None


def test_clipping_demo_spike_is_the_cliff_not_chaos():
    """The spike is where the descent reaches the fold of the recurrence: a smooth approach
    (every earlier gradient below the threshold), the point at the spike within one step of
    the wall, a huge step off it, and a flat plateau after it."""
    demo = ClippingDemo()
    plain, clipped = demo.paths()
    story = demo.story()
    k = story.spike_step
    assert k == 30 and story.clipped_steps == (k,)
    assert np.all(plain.grad_norms[:k] < demo.threshold)
    assert np.all(np.diff(plain.grad_norms[:k]) > 0), "the slope steepens toward the cliff"
    w_k, b_k = plain.points[k]
    assert abs(b_k - find_cliff(w_k)) < demo.lr * plain.grad_norms[k - 1] + 0.05
    assert story.thrown_off and story.stuck and story.learns and story.ends_lower
    # both runs are the same up to the spike: clipping changes nothing before it
    np.testing.assert_array_equal(plain.points[: k + 1], clipped.points[: k + 1])


def test_clipping_demo_is_the_cliff_scene_run():
    """The training-history figure and the cliff scene show the same two runs."""
    demo, cliff = ClippingDemo(), CliffDemo()
    for name in ("w0", "b0", "lr", "n_steps", "threshold"):
        assert getattr(demo, name) == getattr(cliff, name), name
    for a, b in zip(demo.paths(), cliff.paths(), strict=True):
        np.testing.assert_array_equal(a.points, b.points)


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
