"""Central finite differences in float64, for checking every backward pass.

The relative error reported is ``max|analytic - numeric| / max(max(|analytic| + |numeric|), tiny)``
over all entries: one number per tensor, scale-free, and 0 when both are exactly zero.

Example
-------
>>> f = lambda w: float(np.sum(np.sin(w)))
>>> w = np.array([0.1, 0.2])
>>> relative_error(np.cos(w), numeric_gradient(f, w)) < 1e-9
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from ._params import array_names

__all__ = ["numeric_gradient", "numeric_param_gradients", "relative_error", "check_gradients"]

EPS = 1e-6


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Scale-free difference of two gradients (see the module docstring)."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic has shape {a.shape} but numeric has shape {n.shape}")
    scale = float(np.max(np.abs(a) + np.abs(n))) if a.size else 0.0
    return float(np.max(np.abs(a - n)) / max(scale, 1e-300)) if a.size else 0.0


def numeric_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = EPS
) -> np.ndarray:
    """d f / d x by central differences, entry by entry (``x`` is not modified)."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up = x.copy()
        up[idx] += eps
        down = x.copy()
        down[idx] -= eps
        grad[idx] = (f(up) - f(down)) / (2 * eps)
    return grad


def numeric_param_gradients(
    loss: Callable[[Any], float], params: Any, eps: float = EPS
) -> dict[str, np.ndarray]:
    """Numeric gradient of ``loss(params)`` for every trainable array of a parameter dataclass."""
    names = params.trainable_names() if hasattr(params, "trainable_names") else array_names(params)
    return {
        name: numeric_gradient(
            lambda arr, name=name: loss(dataclasses.replace(params, **{name: arr})),
            getattr(params, name),
            eps,
        )
        for name in names
    }


def check_gradients(
    loss: Callable[[Any], float], params: Any, grads: Any, eps: float = EPS
) -> dict[str, float]:
    """Relative error of every analytic gradient field against central differences."""
    numeric = numeric_param_gradients(loss, params, eps)
    return {name: relative_error(getattr(grads, name), num) for name, num in numeric.items()}
