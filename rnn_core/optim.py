"""Adam (Kingma and Ba 2015) over parameter dataclasses, plain arrays or lists of arrays.

The optimiser updates only the trainable fields of a dataclass (``trainable_names()`` when
it has one, so an LSTM without peepholes keeps them at zero; otherwise every array field)
and returns new objects: parameters are never edited in place.

Example
-------
>>> import numpy as np
>>> from rnn_core import LSTMParams
>>> from rnn_core._params import tree_map
>>> params = LSTMParams.init(3, 2, np.random.default_rng(0))
>>> opt = Adam(lr=0.01)
>>> grads = tree_map(np.ones_like, params)
>>> (new,) = opt.step([params], [grads])
>>> round(float(new.b_i[0] - params.b_i[0]), 6)  # the first Adam step moves each entry by lr
-0.01
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._params import array_names, arrays

__all__ = ["Adam", "trainable_names"]


def trainable_names(obj: Any) -> tuple[str, ...]:
    """The array fields of a parameter dataclass that training may change."""
    if hasattr(obj, "trainable_names"):
        return tuple(obj.trainable_names())
    return tuple(array_names(obj))


class Adam:
    """Adam with bias correction; one moment pair per array of every object passed to
    :meth:`step` (objects are matched by position, arrays by field name)."""

    def __init__(
        self,
        lr: float = 1e-2,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        for name, value, ok, want in (
            ("lr", lr, lambda v: 0.0 < v < np.inf, "0 < lr"),
            ("beta1", beta1, lambda v: 0.0 <= v < 1.0, "0 <= beta1 < 1"),
            ("beta2", beta2, lambda v: 0.0 <= v < 1.0, "0 <= beta2 < 1"),
            ("eps", eps, lambda v: 0.0 < v < np.inf, "0 < eps"),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float) or not ok(value):
                raise ValueError(f"{name} = {value!r} is out of range; expected {want}")
        self.lr = float(lr)
        self.beta1 = float(beta1)
        self.beta2 = float(beta2)
        self.eps = float(eps)
        self.t = 0  # steps taken
        self._m: dict[tuple[int, str], np.ndarray] = {}
        self._v: dict[tuple[int, str], np.ndarray] = {}

    def step(self, objects: Sequence[Any], grads: Sequence[Any]) -> list[Any]:
        """One update: returns new objects of the same kinds as ``objects``."""
        if len(objects) != len(grads):
            raise ValueError(
                f"got {len(objects)} parameter objects but {len(grads)} gradients; pass one each"
            )
        self.t += 1
        c1 = 1.0 - self.beta1**self.t
        c2 = 1.0 - self.beta2**self.t
        new = []
        for k, (obj, g) in enumerate(zip(objects, grads, strict=True)):
            if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
                updates = {
                    name: self._update((k, name), getattr(obj, name), getattr(g, name), c1, c2)
                    for name in trainable_names(obj)
                }
                new.append(dataclasses.replace(obj, **updates))
            elif isinstance(obj, np.ndarray):
                new.append(self._update((k, ""), obj, np.asarray(g, dtype=np.float64), c1, c2))
            else:
                pairs = list(zip(arrays(obj), arrays(g), strict=True))
                new.append(
                    type(obj)(
                        self._update((k, str(j)), p, d, c1, c2) for j, (p, d) in enumerate(pairs)
                    )
                )
        return new

    def _update(
        self, key: tuple[int, str], p: np.ndarray, g: np.ndarray, c1: float, c2: float
    ) -> np.ndarray:
        if g.shape != p.shape:
            what = key[1] or "array"
            raise ValueError(f"gradient of {what} has shape {g.shape}; expected {p.shape}")
        m = self._m.get(key)
        v = self._v.get(key)
        if m is None or v is None:
            m = np.zeros_like(p)
            v = np.zeros_like(p)
        m = self.beta1 * m + (1.0 - self.beta1) * g
        v = self.beta2 * v + (1.0 - self.beta2) * g * g
        self._m[key], self._v[key] = m, v
        return p - self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
