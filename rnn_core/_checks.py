"""Input validation shared by the core: one-line ``ValueError`` messages that name the
argument, its shape and the shape that was expected.

Integers are accepted and converted to float64; booleans, complex numbers, strings and
objects are rejected, and so are NaN and infinity.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_float_array", "check_size", "check_sequence", "check_state"]


def as_float_array(name: str, value: object) -> np.ndarray:
    """``value`` as a float64 array; ``ValueError`` for non-numeric or non-finite data."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} is not an array of numbers ({exc})") from None
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise ValueError(
            f"{name} has dtype {arr.dtype}; expected real numbers (float64, or integers to convert)"
        )
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); inputs must be finite")
    return arr


def check_size(name: str, value: object) -> int:
    """A layer size: a positive integer."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_sequence(name: str, value: object, width: int, what: str) -> np.ndarray:
    """A sequence (T, width) or batch of sequences (T, B, width) with T >= 1."""
    arr = as_float_array(name, value)
    if arr.ndim not in (2, 3) or arr.shape[-1] != width or arr.shape[0] < 1:
        raise ValueError(
            f"{name} has shape {arr.shape} but the {what} expects (T, {width}) or "
            f"(T, B, {width}) with {width} features per step"
        )
    if arr.ndim == 3 and arr.shape[1] < 1:
        raise ValueError(f"{name} has shape {arr.shape}; the batch axis B must be at least 1")
    return arr


def check_state(name: str, value: object, batch_shape: tuple[int, ...], width: int) -> np.ndarray:
    """An initial state of shape ``batch_shape + (width,)``; ``None`` means zeros."""
    want = (*batch_shape, width)
    if value is None:
        return np.zeros(want)
    arr = as_float_array(name, value)
    if arr.shape != want:
        raise ValueError(f"{name} has shape {arr.shape}; expected {want} to match xs")
    return arr
