"""Gradient clipping: by global norm (Pascanu et al. 2013, Algorithm 1) and by value.

Algorithm 1 ("norm clipping")::

    g_hat <- dE/dtheta
    if ||g_hat|| >= threshold:  g_hat <- threshold / ||g_hat|| * g_hat

The norm is the L2 norm of every gradient tensor taken together, so clipping rescales all
of them by one factor and keeps the direction. Value clipping clips each entry to
[-limit, limit] on its own, which can change the direction.

Example
-------
>>> clipped, norm = clip_by_global_norm((np.array([3.0]), np.array([4.0])), 1.0)
>>> norm, [float(c[0]) for c in clipped]
(5.0, [0.6, 0.8])
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from ._params import global_norm, tree_map

__all__ = ["clip_by_global_norm", "clip_by_value", "global_norm", "check_clip_spec"]

G = TypeVar("G")


def _check_positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def clip_by_global_norm(grads: G, threshold: float) -> tuple[G, float]:
    """Rescale ``grads`` so their global L2 norm is at most ``threshold``.

    Returns ``(clipped, norm_before)``; ``clipped`` has the type of ``grads`` (a parameter
    dataclass, an array, or a tuple/list of arrays). Below the threshold the gradients come
    back unchanged; above it their norm equals ``threshold`` exactly. An overflowed (infinite)
    norm cannot give a direction, so non-finite gradients become zeros and the step is skipped.
    """
    threshold = _check_positive("threshold", threshold)
    norm = global_norm(grads)
    if not np.isfinite(norm):
        return tree_map(np.zeros_like, grads), norm
    if norm <= threshold:
        return grads, norm
    scale = threshold / norm
    return tree_map(lambda g: g * scale, grads), norm


def clip_by_value(grads: G, limit: float) -> G:
    """Clip every entry of ``grads`` to ``[-limit, limit]`` (may change the direction)."""
    limit = _check_positive("limit", limit)
    return tree_map(lambda g: np.clip(np.nan_to_num(g, nan=0.0), -limit, limit), grads)


def check_clip_spec(clip: tuple[str, float] | None) -> None:
    """Validate a clipping choice: ``None``, ``("norm", threshold)`` or ``("value", limit)``."""
    if clip is None:
        return
    ok = isinstance(clip, tuple) and len(clip) == 2 and clip[0] in ("norm", "value")
    if not ok or not isinstance(clip[1], int | float) or not clip[1] > 0:
        raise ValueError(
            f"clip must be None, ('norm', threshold) or ('value', limit), bound > 0; got {clip!r}"
        )
