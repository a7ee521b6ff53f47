"""The cliff landscape of Pascanu et al. 2013 and descent paths on it."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core.gradcheck import numeric_gradient, relative_error
from rnn_core.landscape import CliffDemo, descent_path, find_cliff, pascanu_cliff


@pytest.mark.parametrize(("w", "b"), [(4.0, -1.5), (6.0, -3.5), (5.0, -2.5), (3.5, -2.0)])
def test_derivatives_match_central_differences(w, b):
    _, dw, db = pascanu_cliff(w, b)
    num_w = numeric_gradient(lambda x: float(pascanu_cliff(x[0], b)[0]), np.array([w]))
    num_b = numeric_gradient(lambda x: float(pascanu_cliff(w, x[0])[0]), np.array([b]))
    assert relative_error(np.array([dw]), num_w) < 1e-7
    assert relative_error(np.array([db]), num_b) < 1e-7


def test_the_cliff_wall_stands_near_b_minus_2_612_at_w_5():
    wall = find_cliff(5.0)
    assert wall == pytest.approx(-2.612, abs=0.005)
    below, _, _ = pascanu_cliff(5.0, wall - 0.01)
    above, _, _ = pascanu_cliff(5.0, wall + 0.01)
    assert below - above > 0.3  # the loss jumps across the wall
    _, _, db_at_wall = pascanu_cliff(5.0, wall + 1e-4)
    _, _, db_far = pascanu_cliff(5.0, -1.5)
    assert abs(db_at_wall) > 100 * abs(db_far)


def test_vectorised_grid_equals_pointwise():
    w, b = np.meshgrid(np.linspace(3, 7, 7), np.linspace(-4, -1, 6))
    loss, dw, db = pascanu_cliff(w, b)
    assert loss.shape == (6, 7)
    for idx in [(0, 0), (3, 4), (5, 6)]:
        point = pascanu_cliff(w[idx], b[idx])
        assert np.allclose([loss[idx], dw[idx], db[idx]], [float(v) for v in point])


def test_plain_descent_jumps_off_the_cliff_and_norm_clipping_does_not():
    plain, clipped = CliffDemo().paths()
    plain_jump = np.linalg.norm(np.diff(plain.points, axis=0), axis=1).max()
    clipped_jump = np.linalg.norm(np.diff(clipped.points, axis=0), axis=1).max()
    assert plain_jump > 5.0
    assert clipped_jump <= CliffDemo().lr * CliffDemo().threshold + 1e-12
    assert clipped.clipped.any() and not plain.clipped.any()
    assert clipped.losses[-1] < plain.losses[-1]


def test_value_clipping_path_and_bad_clip_spec():
    path = descent_path(4.5, -2.9, lr=0.1, n_steps=5, clip=("value", 0.5))
    steps = np.abs(np.diff(path.points, axis=0))
    assert np.all(steps <= 0.05 + 1e-12)
    with pytest.raises(ValueError, match="clip must be None"):
        descent_path(4.5, -2.9, lr=0.1, n_steps=5, clip=("max", 1.0))


def test_non_finite_grid_is_rejected():
    with pytest.raises(ValueError, match="w contains 1 NaN"):
        pascanu_cliff(np.array([np.nan, 1.0]), 0.0)
