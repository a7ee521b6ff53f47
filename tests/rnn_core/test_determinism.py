"""Every number shown on screen survives rounding noise.

BLAS kernels (``OPENBLAS_CORETYPE``) differ in the last bits of a matrix product. Each
iterated computation a scene or figure shows is rerun here from a start changed by 1e-12
relative (thousands of times more than those last bits) and must tell the same story: the
same spike step, the same clipped steps, the same verdicts, curves equal far below a pixel,
and the same strings wherever a value is printed (``format_value``, the scene kit's
formatter). tests/test_blas_settings.py runs this file under two BLAS kernels.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pytest

from rnn_core.landscape import CliffDemo
from rnn_core.train import ClippingDemo
from scenes import lesson_data
from scenes.kit.components import format_value
from scenes.kit.config import SceneConfig

EPS = 1e-12
SIGNS = list(itertools.product((1, -1), repeat=2))


def _nudge(value: float, sign: int) -> float:
    return value * (1 + sign * EPS)


def _perturbed(params: Any, seed: int) -> Any:
    """``params`` (a parameter dataclass or an array) with every entry changed by 1e-12
    relative, in random directions."""
    rng = np.random.default_rng(seed)

    def nudge(a: np.ndarray) -> np.ndarray:
        return a * (1 + EPS * rng.choice([-1.0, 1.0], size=a.shape))

    if isinstance(params, np.ndarray):
        return nudge(params)
    names = [f.name for f in dataclasses.fields(params)]
    arrays = {
        n: nudge(getattr(params, n)) for n in names if isinstance(getattr(params, n), np.ndarray)
    }
    return dataclasses.replace(params, **arrays)


def _strings(values: Iterable[float] | np.ndarray, decimals: Iterable[int]) -> list[str]:
    flat = np.asarray(list(values) if not isinstance(values, np.ndarray) else values).ravel()
    return [format_value(float(v), d) for d in decimals for v in flat]


def _same_display(a, b, decimals=(2, 3), what: str = "") -> None:
    sa, sb = _strings(a, decimals), _strings(b, decimals)
    diff = [(x, y) for x, y in zip(sa, sb, strict=True) if x != y]
    assert not diff, f"{what}: displayed values change under a 1e-12 change: {diff[:5]}"


# ---------------------------------------------------------------------------------------
# The clipping figure's training runs


@pytest.mark.parametrize("signs", SIGNS)
def test_clipping_demo_tells_the_same_story_from_a_perturbed_start(signs):
    base = ClippingDemo()
    other = dataclasses.replace(base, w0=_nudge(base.w0, signs[0]), b0=_nudge(base.b0, signs[1]))
    story, story2 = base.story(), other.story()
    for name in ("spike_step", "clipped_steps", "thrown_off", "stuck", "learns", "ends_lower"):
        assert getattr(story, name) == getattr(story2, name), name
    assert story2.spike_ratio == pytest.approx(story.spike_ratio, rel=1e-4)
    # the figure's curves agree far below a pixel (1e-5 of the axis range)
    for h, h2 in zip(base.histories(), other.histories(), strict=True):
        np.testing.assert_allclose(h2.loss, h.loss, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(h2.grad_norm, h.grad_norm, rtol=1e-5, atol=1e-9)
        np.testing.assert_array_equal(h2.clipped, h.clipped)


def test_clipping_demo_story_margins():
    """The verdicts are not close calls: each threshold is cleared by a wide margin."""
    plain, clipped = ClippingDemo().paths()
    story = ClippingDemo().story()
    k = story.spike_step
    assert story.spike_ratio > 100
    assert plain.grad_norms[k] > 100 * ClippingDemo().threshold
    assert plain.grad_norms[:k].max() < 0.5 * ClippingDemo().threshold
    # the largest gradient after the spike in the clipped run is far below the spike
    assert np.delete(clipped.grad_norms, k).max() < 0.6 * ClippingDemo().threshold
    assert np.linalg.norm(plain.points[k + 1] - plain.points[k]) > 10
    assert plain.grad_norms[k + 1 :].max() < 1e-7
    assert clipped.losses[-1] < 0.02 * clipped.losses[0]
    # after its one clipped step the clipped run only goes down: no second crossing
    assert np.all(np.diff(clipped.losses[k + 1 :]) < 0)


# ---------------------------------------------------------------------------------------
# The cliff scene (gradient-clipping) and the cliff figures


def _cliff_display(runs: lesson_data.CliffRuns) -> list[str]:
    """Every number the cliff scene and figures print, at every precision they use."""
    jump = int(np.argmax(runs.plain.grad_norms))
    far = runs.plain.points[jump + 1]
    angles = [
        np.degrees(np.arctan2(v[1], v[0]))
        for v in (runs.gradient, runs.norm_clipped, runs.value_clipped)
    ]
    scalars = [
        runs.plain.grad_norms[jump],
        *far,
        runs.clipped.losses[-1],
        *runs.gradient,
        np.linalg.norm(runs.gradient),
        *runs.norm_clipped,
        *runs.value_clipped,
        *angles,
    ]
    return _strings(scalars, decimals=(0, 1, 2, 3, 4)) + [
        str(jump),
        str(runs.cliff_step),
        str(np.flatnonzero(runs.clipped.clipped).tolist()),
    ]


@pytest.mark.parametrize("signs", SIGNS)
def test_cliff_scene_runs_survive_a_perturbed_start(signs):
    base = CliffDemo()
    other = dataclasses.replace(base, w0=_nudge(base.w0, signs[0]), b0=_nudge(base.b0, signs[1]))
    runs, runs2 = lesson_data.cliff_runs(base), lesson_data.cliff_runs(other)
    assert _cliff_display(runs2) == _cliff_display(runs)
    for p, p2 in ((runs.plain, runs2.plain), (runs.clipped, runs2.clipped)):
        np.testing.assert_array_equal(p2.clipped, p.clipped)
        # the drawn paths: 1e-5 of the map's 3.5 x 3 units is far below a pixel
        np.testing.assert_allclose(p2.points, p.points, rtol=0, atol=1e-5)
        np.testing.assert_allclose(p2.losses, p.losses, rtol=0, atol=1e-7)


def test_cliff_data_is_built_from_cliff_runs():
    data, runs = lesson_data.cliff_data(), lesson_data.cliff_runs(CliffDemo())
    np.testing.assert_array_equal(data.plain.points, runs.plain.points)
    np.testing.assert_array_equal(data.gradient, runs.gradient)
    assert data.cliff_step == runs.cliff_step


# ---------------------------------------------------------------------------------------
# Jacobian products (vanishing/exploding scene and the gradient-norm figure)


def _patched(monkeypatch, name: str, wrap: Callable[[Callable], Callable]) -> None:
    monkeypatch.setattr(lesson_data, name, wrap(getattr(lesson_data, name)))


def test_gradient_norm_curves_survive_perturbed_weights(monkeypatch):
    cfg = SceneConfig()
    base = lesson_data.gradient_norms(cfg)
    _patched(monkeypatch, "rnn_with_spectral_norm", lambda f: lambda *a: _perturbed(f(*a), 1))
    _patched(monkeypatch, "lstm_forward", lambda f: lambda p, xs: f(_perturbed(p, 2), xs))
    other = lesson_data.gradient_norms(cfg)
    for a, b in [(base.rnn[0], other.rnn[0]), (base.rnn[1], other.rnn[1])]:
        np.testing.assert_allclose(b, a, rtol=1e-9)
    np.testing.assert_allclose(other.bounds[1], base.bounds[1], rtol=1e-9)
    np.testing.assert_allclose(other.lstm, base.lstm, rtol=1e-9)
    np.testing.assert_allclose(other.highway, base.highway, rtol=1e-9)


# ---------------------------------------------------------------------------------------
# Values printed in cells (lectures 2 and 5): forward/backward passes of the lesson data


def _arrays(obj: Any) -> list[np.ndarray]:
    if isinstance(obj, np.ndarray):
        return [obj]
    if dataclasses.is_dataclass(obj):
        out = []
        for f in dataclasses.fields(obj):
            out += _arrays(getattr(obj, f.name))
        return out
    return []


def test_lstm_backward_example_cells_survive_perturbed_weights(monkeypatch):
    cfg = SceneConfig()
    base = lesson_data.lstm_backward_example(cfg)
    _patched(
        monkeypatch,
        "lstm_setup",
        lambda f: lambda c: (_perturbed(f(c)[0], 3), _perturbed(f(c)[1], 4)),
    )
    other = lesson_data.lstm_backward_example(cfg)
    assert other.t == base.t
    # the trained example's target is its stored input, perturbed with the inputs
    _same_display(other.targets, base.targets, what="lstm_backward_example.targets")
    for name, a, b in zip(
        ("trace", "dy_ext", "grads", "deltas"),
        (base.trace, base.dy_ext, base.grads, base.deltas),
        (other.trace, other.dy_ext, other.grads, other.deltas),
        strict=True,
    ):
        for x, y in zip(_arrays(a), _arrays(b), strict=True):
            _same_display(x, y, what=f"lstm_backward_example.{name}")


def test_lstm_errors_through_time_cells_survive_perturbed_weights(monkeypatch):
    cfg = SceneConfig()
    base = lesson_data.lstm_errors_through_time(cfg)
    _patched(
        monkeypatch,
        "lstm_setup",
        lambda f: lambda c: (_perturbed(f(c)[0], 5), _perturbed(f(c)[1], 6)),
    )
    other = lesson_data.lstm_errors_through_time(cfg)
    for x, y in zip(_arrays(base), _arrays(other), strict=True):
        _same_display(x, y, what="lstm_errors_through_time")


def test_rnn_errors_through_time_cells_survive_perturbed_weights(monkeypatch):
    cfg = SceneConfig()
    base = lesson_data.rnn_errors_through_time(cfg)

    def setup(f):
        def run(c):
            params, xs, targets = f(c)
            return _perturbed(params, 7), _perturbed(xs, 8), targets

        return run

    _patched(monkeypatch, "rnn_setup", setup)
    other = lesson_data.rnn_errors_through_time(cfg)
    for x, y in zip(_arrays(base), _arrays(other), strict=True):
        _same_display(x, y, what="rnn_errors_through_time")


def test_chain_rule_numbers_are_not_close_calls():
    """Closed-form values (no iteration): each printed value is at least 1e-9 away from a
    rounding boundary at the places it is shown, so a last-bit change cannot flip a digit."""
    for ex in lesson_data.chain_examples().values():
        for value, places in [
            *[(v, 4) for v in ex.local.values()],
            *[(v, 3) for v in ex.terms],
            *[(v, 4) for v in ex.terms],
            (ex.derivative, 6),
            (ex.numeric, 6),
        ]:
            scaled = abs(value) * 10**places
            assert abs(scaled - np.floor(scaled) - 0.5) > 1e-9 * 10**places, (ex.name, value)
