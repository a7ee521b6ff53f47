"""The weather record behind the sequence-data slide: shapes, plausible ranges, the daily
cycle, and the forecast target."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core.tasks import WEATHER_FIELDS, weather_task


def test_shapes_follow_hours_and_sampling():
    task = weather_task(np.random.default_rng(0), hours=96, samples_per_hour=6, batch=2)
    assert task.xs.shape == (576, 2, 4)
    assert task.targets.shape == (576, 2, 1)
    assert len(WEATHER_FIELDS) == 4
    assert "576" in task.description


def test_values_are_plausible_and_seeded():
    a = weather_task(np.random.default_rng(3))
    b = weather_task(np.random.default_rng(3))
    np.testing.assert_array_equal(a.xs, b.xs)
    temp, pressure, wind, humidity = np.moveaxis(a.xs[:, 0], -1, 0)
    assert -10 < temp.min() and temp.max() < 35
    assert 980 < pressure.min() and pressure.max() < 1045
    assert wind.min() >= 0 and wind.max() < 20
    assert 15 <= humidity.min() and humidity.max() <= 100


def test_afternoons_are_warmer_than_nights_and_target_is_the_later_temperature():
    task = weather_task(np.random.default_rng(1), hours=96, samples_per_hour=6, lead_hours=24)
    temp = task.xs[:, 0, 0]
    hour = (np.arange(len(temp)) / 6) % 24
    assert temp[(hour >= 13) & (hour < 17)].mean() > temp[(hour >= 2) & (hour < 6)].mean() + 5
    # the target at step t is the temperature 24 h (144 samples) later
    np.testing.assert_allclose(task.targets[:-144, 0, 0], temp[144:])


def test_bad_sizes_are_one_line_errors():
    with pytest.raises(ValueError, match="hours"):
        weather_task(np.random.default_rng(0), hours=0)
