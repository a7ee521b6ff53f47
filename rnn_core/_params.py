"""Helpers over parameter dataclasses: their array fields, maps and the global norm.

Parameter dataclasses (``LSTMParams``, ``RNNParams``) hold float64 arrays; the LSTM also
holds one non-array flag (``peepholes``). These helpers treat any such dataclass, a plain
array, or a tuple/list of arrays alike, so clipping, training and gradient checks work on
all of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

__all__ = ["array_names", "arrays", "tree_map", "global_norm"]

P = TypeVar("P")


def array_names(params: Any) -> list[str]:
    """Names of the array fields of a parameter dataclass, in declaration order."""
    return [
        f.name
        for f in dataclasses.fields(params)
        if isinstance(getattr(params, f.name), np.ndarray)
    ]


def arrays(params: Any) -> list[np.ndarray]:
    """The arrays of a dataclass, array, or sequence of arrays, in a fixed order."""
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        return [getattr(params, name) for name in array_names(params)]
    if isinstance(params, np.ndarray):
        return [params]
    if isinstance(params, tuple | list):
        return [np.asarray(p, dtype=np.float64) for p in params]
    raise TypeError(
        f"expected a parameter dataclass, an array or a list of arrays, got {type(params).__name__}"
    )


def tree_map(fn: Callable[[np.ndarray], np.ndarray], params: P) -> P:
    """Apply ``fn`` to every array and rebuild the same kind of container."""
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        return dataclasses.replace(
            params, **{n: fn(getattr(params, n)) for n in array_names(params)}
        )
    if isinstance(params, np.ndarray):
        return fn(params)  # type: ignore[return-value]
    if isinstance(params, tuple | list):
        return type(params)(fn(np.asarray(p, dtype=np.float64)) for p in params)  # type: ignore[return-value]
    raise TypeError(
        f"expected a parameter dataclass, an array or a list of arrays, got {type(params).__name__}"
    )


def global_norm(params: Any) -> float:
    """The L2 norm of all arrays taken together (inf when any entry overflows)."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = sum(float(np.sum(np.square(a))) for a in arrays(params))
        return float(np.sqrt(total))
