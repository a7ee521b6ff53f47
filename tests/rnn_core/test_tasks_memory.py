"""The memory task's input layout, which other tools rely on: x^t = (v^t, s^t, r^t), one
store flag in the first half, the recall flag at the last step, the target at the last step."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core.tasks import MEMORY_INPUTS, MemoryTask, memory_task


@pytest.mark.parametrize("steps", [2, 6, 7, 8, 10])
def test_layout(steps):
    task = memory_task(np.random.default_rng(0), steps, 500)
    assert isinstance(task, MemoryTask)
    assert MEMORY_INPUTS == ("value", "store", "recall")
    assert task.xs.shape == (steps, 500, 3)
    assert task.targets.shape == (steps, 500, 1)
    v, s, r = np.moveaxis(task.xs, -1, 0)
    assert v.min() >= -1.0 and v.max() <= 1.0
    # exactly one store flag per sequence, in the first half, where store_step says
    np.testing.assert_array_equal(s.sum(axis=0), 1.0)
    np.testing.assert_array_equal(np.argmax(s, axis=0), task.store_step)
    assert task.store_step.max() < steps // 2
    assert set(np.unique(s)) == {0.0, 1.0}
    # the recall flag at the last step only
    np.testing.assert_array_equal(r[-1], 1.0)
    np.testing.assert_array_equal(r[:-1], 0.0)
    # the target: the stored value, at the last step only
    np.testing.assert_array_equal(task.stored, v[task.store_step, np.arange(500)])
    np.testing.assert_array_equal(task.targets[-1, :, 0], task.stored)
    np.testing.assert_array_equal(task.targets[:-1], 0.0)
    np.testing.assert_array_equal(task.mask[-1], 1.0)
    np.testing.assert_array_equal(task.mask[:-1], 0.0)
    assert task.kind == "regression"


def test_every_first_half_step_is_used_and_values_are_spread():
    task = memory_task(np.random.default_rng(1), 10, 2000)
    assert set(task.store_step.tolist()) == {0, 1, 2, 3, 4}
    assert task.xs[:, :, 0].std() > 0.5  # uniform on [-1, 1] has std 0.577
    assert abs(task.stored.mean()) < 0.1


def test_seeded_and_store_step_fixable():
    a = memory_task(np.random.default_rng(3), 8, 4)
    b = memory_task(np.random.default_rng(3), 8, 4)
    np.testing.assert_array_equal(a.xs, b.xs)
    c = memory_task(np.random.default_rng(3), 8, 4, store_step=2)
    np.testing.assert_array_equal(c.store_step, 2)
    np.testing.assert_array_equal(c.xs[2, :, 1], 1.0)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"steps": 1}, "at least 2"),
        ({"steps": 0}, "positive integer"),
        ({"batch": 0}, "batch"),
        ({"steps": 8, "store_step": 4}, "first half"),
        ({"steps": 8, "store_step": -1}, "first half"),
        ({"steps": 8, "store_step": 1.0}, "integer"),
    ],
)
def test_bad_arguments_are_one_line_errors(kwargs, words):
    with pytest.raises(ValueError, match=words) as info:
        memory_task(np.random.default_rng(0), **kwargs)
    assert "\n" not in str(info.value)
