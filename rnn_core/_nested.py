"""Nested parameter dataclasses (a model made of layers, each a parameter dataclass) seen as
one flat mapping from dotted paths (``"encoder.W_z"``) to arrays: for Adam, saving to
``.npz`` and finite-difference checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from .gradcheck import EPS, numeric_gradient, relative_error

__all__ = ["leaves", "replace_leaves", "check_leaf_gradients"]


def _is_dataclass(obj: Any) -> bool:
    return dataclasses.is_dataclass(obj) and not isinstance(obj, type)


def leaves(obj: Any, prefix: str = "") -> dict[str, np.ndarray]:
    """Every trainable array of a nested parameter dataclass, by dotted path, in field order
    (a dataclass with ``trainable_names()``, such as an LSTM without peepholes, gives only
    those)."""
    allowed = set(obj.trainable_names()) if hasattr(obj, "trainable_names") else None
    out: dict[str, np.ndarray] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray) and (allowed is None or f.name in allowed):
            out[prefix + f.name] = value
        elif _is_dataclass(value):
            out.update(leaves(value, f"{prefix}{f.name}."))
    return out


def replace_leaves(obj: Any, values: dict[str, np.ndarray]) -> Any:
    """A copy of ``obj`` with the arrays at the given dotted paths replaced."""
    direct: dict[str, Any] = {}
    nested: dict[str, dict[str, np.ndarray]] = {}
    for path, value in values.items():
        head, _, rest = path.partition(".")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            direct[head] = value
    for head, sub in nested.items():
        direct[head] = replace_leaves(getattr(obj, head), sub)
    return dataclasses.replace(obj, **direct)


def check_leaf_gradients(
    loss: Callable[[Any], float], params: Any, grads: Any, eps: float = EPS
) -> dict[str, float]:
    """Relative error of every analytic gradient leaf against central differences."""
    mine = leaves(grads)
    return {
        path: relative_error(
            mine[path],
            numeric_gradient(
                lambda a, path=path: loss(replace_leaves(params, {path: a})), arr, eps
            ),
        )
        for path, arr in leaves(params).items()
    }
