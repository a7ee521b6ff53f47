"""Clipping: Pascanu's Algorithm 1 (norm) and value clipping."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import LSTMParams
from rnn_core.clipping import clip_by_global_norm, clip_by_value, global_norm


def _grads(scale: float) -> LSTMParams:
    rng = np.random.default_rng(0)
    g = LSTMParams.init(3, 4, rng)
    return LSTMParams(**{n: getattr(g, n) * scale for n in g.array_names()})


def _flat(p) -> np.ndarray:
    return np.concatenate([getattr(p, n).ravel() for n in p.array_names()])


def test_below_the_threshold_nothing_changes():
    grads = _grads(0.01)
    clipped, norm = clip_by_global_norm(grads, threshold=100.0)
    assert norm == pytest.approx(np.linalg.norm(_flat(grads)))
    assert np.array_equal(_flat(clipped), _flat(grads))


def test_above_the_threshold_the_norm_equals_it_and_the_direction_is_kept():
    grads = _grads(50.0)
    clipped, norm = clip_by_global_norm(grads, threshold=1.5)
    assert norm > 1.5 and norm == pytest.approx(np.linalg.norm(_flat(grads)))
    assert global_norm(clipped) == pytest.approx(1.5, rel=1e-12)
    a, b = _flat(clipped), _flat(grads)
    assert np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)) == pytest.approx(1.0, abs=1e-12)
    assert isinstance(clipped, LSTMParams)


def test_overflowed_gradients_are_skipped_not_propagated():
    clipped, norm = clip_by_global_norm((np.array([np.inf, 1.0]),), 1.0)
    assert np.isinf(norm) and np.all(clipped[0] == 0)


def test_value_clipping_bounds_entries_and_changes_direction():
    g = (np.array([10.0, 0.5]), np.array([-3.0]))
    clipped = clip_by_value(g, 1.0)
    assert [c.tolist() for c in clipped] == [[1.0, 0.5], [-1.0]]
    a, b = np.concatenate(clipped), np.concatenate(g)
    cosine = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    assert cosine < 0.99  # the direction moved, unlike norm clipping


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), "1", True])
def test_threshold_must_be_positive(bad):
    with pytest.raises(ValueError, match="threshold must be a positive"):
        clip_by_global_norm(np.ones(2), bad)
