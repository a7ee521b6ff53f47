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
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rnn_core.lstm import LSTMParams
    from rnn_core.rnn import RNNParams

__all__ = [
    "ModelConfig",
    "SceneConfig",
    "LIMITS",
    "lstm_setup",
    "rnn_setup",
    "model_inputs",
    "ConfigError",
    "ConfigFile",
    "parse_config",
    "load_config",
]

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
        try:
            return {n: np.asarray(data[n], dtype=np.float64) for n in names}
        except (ValueError, TypeError) as exc:  # object arrays are refused, never unpickled
            raise ValueError(
                f"weights file {path!r}: {str(exc).splitlines()[0]}; store plain float arrays"
            ) from None


def lstm_setup(cfg: SceneConfig) -> tuple[LSTMParams, np.ndarray]:
    """LSTM parameters and input sequence (T, M) for a scene's config."""
    from rnn_core.lstm import LSTMParams

    model = cfg.model
    rng = np.random.default_rng(model.seed)
    params = LSTMParams.init(model.n_in, model.n_hidden, rng, peepholes=model.peepholes)
    if model.weights is not None:
        # Peephole arrays are needed only when peepholes are on; off, they stay zero.
        names = [n for n in LSTMParams.array_names() if model.peepholes or not n.startswith("p_")]
        loaded = _load_npz(model.weights, names)
        for name, arr in loaded.items():
            want = getattr(params, name).shape
            if arr.shape != want:
                raise ValueError(
                    f"weights file {model.weights!r}: array {name} has shape {arr.shape}, "
                    f"expected {want} for n_in={model.n_in}, n_hidden={model.n_hidden}"
                )
        zeros = {n: np.zeros(model.n_hidden) for n in ("p_i", "p_f", "p_o") if n not in loaded}
        params = LSTMParams(**loaded, **zeros, peepholes=model.peepholes)
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


# ---------------------------------------------------------------------------------------
# Config files (TOML)

THEME_NAMES = ("light", "dark")
_MODEL_TYPES: dict[str, type | tuple[type, ...]] = {
    "seed": int,
    "n_in": int,
    "n_hidden": int,
    "n_out": int,
    "steps": int,
    "inputs": list,
    "peepholes": bool,
    "weights": str,
}
TOP_KEYS = ("theme", "model", "lecture")
LECTURE_KEYS = ("theme", "model")


class ConfigError(ValueError):
    """A config file problem, with a one-line message naming the key and the fix."""


@dataclass(frozen=True)
class ConfigFile:
    """A validated config file: the default scene config and per-lecture overrides."""

    default: SceneConfig
    lectures: dict[int, SceneConfig]
    source: str | None = None

    def for_lecture(self, lecture: int) -> SceneConfig:
        return self.lectures.get(lecture, self.default)


def _suggest(key: str, valid: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else f"; valid keys: {', '.join(valid)}"
    return hint


def _check_keys(table: dict, valid: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in valid:
            raise ConfigError(f"unknown key {where}{key!r}{_suggest(key, valid)}")


def _model_from_table(table: dict, base: ModelConfig, where: str, root: Path) -> ModelConfig:
    _check_keys(table, tuple(_MODEL_TYPES), where)
    changes: dict[str, object] = {}
    for key, value in table.items():
        want = _MODEL_TYPES[key]
        ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
        if not ok:
            raise ConfigError(
                f"{where}{key} must be {want.__name__ if isinstance(want, type) else want}, "
                f"got {type(value).__name__} {value!r}"
            )
        if key in LIMITS:
            lo, hi = LIMITS[key]
            if not lo <= value <= hi:
                raise ConfigError(
                    f"{where}{key} = {value} is outside the range {lo}..{hi} "
                    "(larger diagrams are not legible on a slide)"
                    if key != "seed"
                    else f"{where}{key} = {value} is outside the range {lo}..{hi}"
                )
        if key == "inputs":
            try:
                arr = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                raise ConfigError(f"{where}inputs must be a list of lists of numbers") from None
            if arr.ndim != 2 or not np.all(np.isfinite(arr)):
                raise ConfigError(
                    f"{where}inputs must be a list of steps, each a list of n_in finite numbers, "
                    f"got shape {arr.shape}"
                )
            value = tuple(tuple(float(v) for v in row) for row in arr)
        if key == "weights":
            path = Path(value)
            if not path.is_absolute():
                path = root / path
            if not path.is_file():
                raise ConfigError(f"{where}weights file {str(path)!r} does not exist")
            value = str(path)
        changes[key] = value
    model = dataclasses.replace(base, **changes)
    if model.inputs is not None:
        n_steps, width = len(model.inputs), len(model.inputs[0])
        if width != model.n_in:
            raise ConfigError(
                f"{where}inputs rows have {width} numbers but n_in = {model.n_in}; make them agree"
            )
        lo, hi = LIMITS["steps"]
        if not lo <= n_steps <= hi:
            raise ConfigError(f"{where}inputs has {n_steps} steps; the range is {lo}..{hi}")
        model = dataclasses.replace(model, steps=n_steps)
    return model


def _theme_from(value: object, where: str) -> str:
    if value not in THEME_NAMES:
        raise ConfigError(f"{where}theme must be one of {', '.join(THEME_NAMES)}, got {value!r}")
    return str(value)


def parse_config(data: dict, *, root: Path | None = None, source: str | None = None) -> ConfigFile:
    """Validate a config table (as read from TOML)."""
    root = root or Path.cwd()
    _check_keys(data, TOP_KEYS, "")
    theme = _theme_from(data.get("theme", "light"), "")
    model_table = data.get("model", {})
    if not isinstance(model_table, dict):
        raise ConfigError("model must be a table: [model]")
    model = _model_from_table(model_table, ModelConfig(), "model.", root)
    default = SceneConfig(theme=theme, model=model)
    lectures: dict[int, SceneConfig] = {}
    lecture_tables = data.get("lecture", {})
    if not isinstance(lecture_tables, dict):
        raise ConfigError("lecture must be a table of tables: [lecture.4.model]")
    for number, table in lecture_tables.items():
        if not str(number).isdigit() or not 1 <= int(number) <= 5:
            raise ConfigError(f"lecture.{number}: lectures are numbered 1..5")
        where = f"lecture.{number}."
        if not isinstance(table, dict):
            raise ConfigError(f"{where[:-1]} must be a table")
        _check_keys(table, LECTURE_KEYS, where)
        lecture_theme = _theme_from(table.get("theme", theme), where)
        lecture_model = _model_from_table(table.get("model", {}), model, where + "model.", root)
        lectures[int(number)] = SceneConfig(theme=lecture_theme, model=lecture_model)
    config = ConfigFile(default=default, lectures=lectures, source=source)
    _check_weights(config)
    return config


def _check_weights(config: ConfigFile) -> None:
    """Open every weights file now, so a bad one fails before any rendering starts."""
    for scene_config in [config.default, *config.lectures.values()]:
        if scene_config.model.weights is None:
            continue
        path = scene_config.model.weights
        try:
            with np.load(path, allow_pickle=False) as data:
                names = set(data.files)
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            raise ConfigError(
                f"weights file {path!r} is not a NumPy .npz archive of plain arrays "
                f"({str(exc).splitlines()[0]}); save it with numpy.savez"
            ) from None
        if not isinstance(names, set) or not names:
            raise ConfigError(f"weights file {path!r} holds no arrays; save it with numpy.savez")
        try:
            if {"W_z", "R_z"} <= names:
                lstm_setup(scene_config)
            elif {"U", "W", "V"} <= names:
                rnn_setup(scene_config)
            else:
                raise ValueError(
                    f"weights file {scene_config.model.weights!r} holds {sorted(names)}; expected "
                    "LSTM arrays (W_z, R_z, ...) or simple-RNN arrays (U, W, V, b, c)"
                )
        except ValueError as exc:
            raise ConfigError(str(exc)) from None


def load_config(path: str | Path) -> ConfigFile:
    """Read and validate a TOML config file; :class:`ConfigError` with one line otherwise."""
    import tomllib

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {str(file)!r}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {str(file)!r} is not valid TOML: {exc}") from None
    return parse_config(data, root=file.parent, source=str(file))
