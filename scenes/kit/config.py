"""What a scene is built from: the model (seed, sizes, inputs, weights) and the theme.

Scenes never type numbers in by hand; they call :func:`lstm_setup` / :func:`rnn_setup`
with their :class:`SceneConfig` and draw what ``rnn_core`` computes from it.
``render.py`` builds a ``SceneConfig`` from the user's TOML file (validated against
:data:`LIMITS`) and hands it to the scene class before rendering.

Example
-------
>>> cfg = SceneConfig(model=ModelConfig(seed=3, n_hidden=4))
>>> params, xs = lstm_setup(cfg)
>>> xs.shape
(4, 3)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rnn_core.lstm import LSTMParams
    from rnn_core.rnn import RNNParams

__all__ = ["ModelConfig", "SceneConfig", "LIMITS", "lstm_setup", "rnn_setup", "model_inputs"]

# Ranges a diagram stays legible in (inclusive). render.py validates user configs against these.
LIMITS: dict[str, tuple[int, int]] = {
    "seed": (0, 2**32 - 1),
    "n_in": (1, 6),
    "n_hidden": (1, 6),
    "n_out": (1, 6),
    "steps": (1, 8),
}


@dataclass(frozen=True)
class ModelConfig:
    """The small model a scene draws.

    ``inputs`` is an optional explicit input sequence, ``steps`` rows of ``n_in`` values;
    when ``None`` the inputs are drawn from the seeded generator. ``weights`` names an
    ``.npz`` file whose arrays use ``rnn_core`` field names (``W_z``, ``R_i``, ``p_f`` ...
    for the LSTM; ``U W V b c`` for the simple RNN); it overrides ``seed`` for the weights.
    """

    seed: int = 0
    n_in: int = 3
    n_hidden: int = 3
    n_out: int = 3
    steps: int = 4
    inputs: tuple[tuple[float, ...], ...] | None = None
    peepholes: bool = True
    weights: str | None = None


@dataclass(frozen=True)
class SceneConfig:
    """Everything outside a scene's code that changes its pixels."""

    theme: str = "light"
    model: ModelConfig = field(default_factory=ModelConfig)

    def with_model(self, **changes: object) -> SceneConfig:
        """A copy with some model fields replaced."""
        return dataclasses.replace(self, model=dataclasses.replace(self.model, **changes))


def model_inputs(model: ModelConfig, rng: np.random.Generator) -> np.ndarray:
    """The input sequence, (steps, n_in): the configured one or a seeded draw in [-1, 1]."""
    if model.inputs is not None:
        xs = np.asarray(model.inputs, dtype=np.float64)  # (T, M)
        if xs.ndim != 2 or xs.shape[1] != model.n_in:
            raise ValueError(
                f"model.inputs has shape {xs.shape}; expected (steps, n_in) = (T, {model.n_in})"
            )
        return xs
    return np.round(rng.uniform(-1.0, 1.0, size=(model.steps, model.n_in)), 2)  # (T, M)


def _load_npz(path: str, names: list[str]) -> dict[str, np.ndarray]:
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"weights file {path!r} does not exist")
    with np.load(file, allow_pickle=False) as data:
        missing = [n for n in names if n not in data.files]
        if missing:
            raise ValueError(f"weights file {path!r} lacks arrays {missing}; it has {data.files}")
        return {n: np.asarray(data[n], dtype=np.float64) for n in names}


def lstm_setup(cfg: SceneConfig) -> tuple[LSTMParams, np.ndarray]:
    """LSTM parameters and input sequence (T, M) for a scene's config."""
    from rnn_core.lstm import LSTMParams

    model = cfg.model
    rng = np.random.default_rng(model.seed)
    params = LSTMParams.init(model.n_in, model.n_hidden, rng, peepholes=model.peepholes)
    if model.weights is not None:
        names = [f.name for f in dataclasses.fields(LSTMParams)]
        loaded = _load_npz(model.weights, names)
        for name, arr in loaded.items():
            want = getattr(params, name).shape
            if arr.shape != want:
                raise ValueError(
                    f"weights file {model.weights!r}: array {name} has shape {arr.shape}, "
                    f"expected {want} for n_in={model.n_in}, n_hidden={model.n_hidden}"
                )
        params = LSTMParams(**loaded)
    return params, model_inputs(model, rng)


def rnn_setup(cfg: SceneConfig) -> tuple[RNNParams, np.ndarray, np.ndarray]:
    """Simple-RNN parameters, inputs (T, M) and integer targets (T,) for a scene's config."""
    from rnn_core.rnn import RNNParams

    model = cfg.model
    rng = np.random.default_rng(model.seed)
    params = RNNParams.init(model.n_in, model.n_hidden, model.n_out, rng)
    if model.weights is not None:
        names = [f.name for f in dataclasses.fields(RNNParams)]
        loaded = _load_npz(model.weights, names)
        for name, arr in loaded.items():
            want = getattr(params, name).shape
            if arr.shape != want:
                raise ValueError(
                    f"weights file {model.weights!r}: array {name} has shape {arr.shape}, "
                    f"expected {want} for n_in={model.n_in}, n_hidden={model.n_hidden}, "
                    f"n_out={model.n_out}"
                )
        params = RNNParams(**loaded)
    xs = model_inputs(model, rng)
    targets = rng.integers(0, model.n_out, size=xs.shape[0])  # (T,)
    return params, xs, targets
