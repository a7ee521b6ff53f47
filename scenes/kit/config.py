"""What a scene is built from: the model (seed, sizes, inputs, weights) and the theme.

Scenes never type numbers in by hand; they call :func:`lstm_setup` / :func:`rnn_setup`
with their :class:`SceneConfig` and draw what ``rnn_core`` computes from it.
``render.py`` builds a ``SceneConfig`` from the user's TOML file (validated against
:data:`LIMITS` and :data:`VALUE_LIMIT`), checks with :func:`validate_for_lecture` that the
weights fit the model each selected lecture draws, and only then renders.

Every problem is a :class:`ConfigError` whose message is one line of at most
:data:`MAX_MESSAGE` characters naming the file, the key and the fix (values abbreviated).
This module imports NumPy but neither manim nor ``rnn_core`` at import time, so the render
engine can validate a config without loading either.

Example
-------
>>> cfg = SceneConfig(model=ModelConfig(seed=3, n_hidden=4))
>>> params, xs = lstm_setup(cfg)
>>> xs.shape
(4, 3)
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from rnn_core.lstm import LSTMParams
    from rnn_core.rnn import RNNParams

__all__ = [
    "ModelConfig",
    "SceneConfig",
    "LIMITS",
    "VALUE_LIMIT",
    "LECTURE_MODELS",
    "MAX_MESSAGE",
    "lstm_setup",
    "lstm_preset",
    "lstm_readout",
    "PRESETS",
    "rnn_setup",
    "model_inputs",
    "check_model",
    "check_weights_file",
    "validate_for_lecture",
    "ConfigError",
    "ConfigFile",
    "SHOW_LIMIT",
    "check_shown",
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
# Largest |value| of a configured input or weight: value cells are sized for a sign, three
# digits and two decimals; 1e308 would be drawn as 309 digits across the frame.
VALUE_LIMIT = 100.0
# Sizes of an LSTM given by a weights file (its slides show a subset of cells and inputs).
TRAINED_LSTM_LIMITS: dict[str, tuple[int, int]] = {"n_in": (1, 256), "n_hidden": (1, 256)}
# Most cells (or inputs) a selection may name: an LSTM value column or heat map has room
# for 3 values and an ellipsis (scenes.kit.lstm_cell.MAX_CELLS - 1).
SHOW_LIMIT = 3
# Which model each lecture's scenes draw (lecture 3 is history: no model of its own).
LECTURE_MODELS: dict[int, Literal["rnn", "lstm"]] = {1: "rnn", 2: "rnn", 4: "lstm", 5: "lstm"}
MAX_MESSAGE = 190  # characters; with click's "Error: " the line stays under ~200
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")  # all str.splitlines splits on

Kind = Literal["rnn", "lstm"]
_KIND_LABEL = {"lstm": "LSTM", "rnn": "simple-RNN"}
_KIND_ARRAYS = {"lstm": "W_z..W_o R_z..R_o p_i..p_o b_z..b_o", "rnn": "U W V b c"}
_LSTM_ARRAYS = ("W_z", "W_i", "W_f", "W_o", "R_z", "R_i", "R_f", "R_o")
_LSTM_ARRAYS += ("p_i", "p_f", "p_o", "b_z", "b_i", "b_f", "b_o")
_RNN_ARRAYS = ("U", "W", "V", "b", "c")
_ARRAY_NAMES: dict[str, tuple[str, ...]] = {"lstm": _LSTM_ARRAYS, "rnn": _RNN_ARRAYS}
_MAX_ARRAY_BYTES = 1 << 20  # a 6x6 float64 matrix is 288 bytes: anything this big is wrong
_WEIGHTS_FIX = "a weights file is an .npz archive of named arrays: numpy.savez(path, W_z=..., ...)"


@dataclass(frozen=True)
class ModelConfig:
    """The small model a scene draws.

    ``inputs`` is an optional explicit input sequence, ``steps`` rows of ``n_in`` values;
    when ``None`` the inputs are drawn from the seeded generator. ``weights`` names an
    ``.npz`` file whose arrays use ``rnn_core`` field names (``W_z``, ``R_i``, ``p_f`` ...
    for the LSTM; ``U W V b c`` for the simple RNN); it overrides ``seed`` for the weights.

    ``preset`` picks the LSTM of lectures 4 and 5 when no ``weights`` are given:
    ``"trained"`` (the default) is ``rnn_core.pretrained``'s memory LSTM on its example
    sequence (store 0.80 at step 1, recall at step 7), ``"random"`` the seeded model of the
    configured sizes. The trained model has 3 inputs, 3 cells and peepholes: a config that
    sets other sizes or turns peepholes off draws the seeded model (see :func:`lstm_preset`).

    ``show_cells`` / ``show_inputs`` choose which cells (hidden units) and which inputs the
    LSTM scenes (lectures 4 and 5) show when a model is larger than a value column: 0-based
    indices, at most :data:`SHOW_LIMIT`, kept sorted (they are shown in index order), e.g.
    ``(0, 3, 5)`` shows cells 1, 4 and 6 with the note "cells 1, 4, 6 of 64". ``None``
    shows the first ones that fit. Every number shown is the full model's value at that
    index. The simple-RNN lectures draw every unit and do not use them (set under their
    own ``[lecture.N.model]`` they are refused); lecture 5's ``errors-through-time`` draws
    the chosen rows (cells) and columns (inputs) of its W_z matrices.
    """

    seed: int = 0
    n_in: int = 3
    n_hidden: int = 3
    n_out: int = 3
    steps: int = 4
    inputs: tuple[tuple[float, ...], ...] | None = None
    peepholes: bool = True
    weights: str | None = None
    preset: str = "trained"
    show_cells: tuple[int, ...] | None = None
    show_inputs: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        # Hashable and canonical whatever the caller passed (a list from JSON, any order).
        for name in ("show_cells", "show_inputs"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, tuple(sorted(int(i) for i in value)))


@dataclass(frozen=True)
class SceneConfig:
    """Everything outside a scene's code that changes its pixels."""

    theme: str = "light"
    model: ModelConfig = field(default_factory=ModelConfig)

    def with_model(self, **changes: object) -> SceneConfig:
        """A copy with some model fields replaced."""
        return dataclasses.replace(self, model=dataclasses.replace(self.model, **changes))


# ---------------------------------------------------------------------------------------
# Messages: one line, short, values abbreviated


class ConfigError(ValueError):
    """A config or weights problem: one line of at most :data:`MAX_MESSAGE` characters
    naming the file, the key and the fix."""

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))


def _one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """Control characters become spaces; an over-long line loses its middle, so the key
    (at the start) and the fix (at the end) both survive."""
    text = _LINE_BREAKS.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    tail = limit // 3
    return text[: limit - tail - 5] + " ... " + text[-tail:]


def _short(value: object, limit: int = 32) -> str:
    """``repr(value)`` abbreviated in the middle: a 1 MB string stays a few words."""
    if isinstance(value, bool):
        return str(value).lower()  # as TOML spells it
    if isinstance(value, str) and len(value) > 4 * limit:
        value = value[: 2 * limit] + value[-limit:]  # repr of a huge string costs its size
    text = _LINE_BREAKS.sub(" ", repr(value))
    if len(text) <= limit:
        return text
    head = (limit - 3) * 2 // 3
    return text[:head] + "..." + text[-(limit - 3 - head) :]


def _short_path(path: str | Path, limit: int = 32) -> str:
    """A file name as the user wrote it, quoted; long paths keep their end (the file name)."""
    text = str(path)
    if len(text) > limit:
        text = "..." + text[-(limit - 3) :]
    return repr(text)


def _suggest(key: str, valid: tuple[str, ...], *, list_valid: bool = True) -> str:
    """``; did you mean 'x'?``: exact-but-for-case first, then a valid name the key starts
    with (``V_out`` -> ``V``), then the closest spelling."""
    low = key.lower()
    folded = [v for v in valid if v.lower() == low]
    prefixes = sorted((v for v in valid if low.startswith(v.lower())), key=len, reverse=True)
    close = folded or prefixes or difflib.get_close_matches(key[:64], valid, n=1, cutoff=0.5)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; valid keys: {', '.join(valid)}" if list_valid else ""


# ---------------------------------------------------------------------------------------
# Inputs and weights


def model_inputs(model: ModelConfig, rng: np.random.Generator | None) -> np.ndarray:
    """The input sequence, (steps, n_in): the configured one or a seeded draw in [-1, 1]."""
    if model.inputs is not None:
        xs = np.asarray(model.inputs, dtype=np.float64)  # (T, M)
        if xs.ndim != 2 or xs.shape[1] != model.n_in:
            raise ConfigError(
                f"model.inputs has shape {xs.shape}; expected (steps, n_in) = (T, {model.n_in})"
            )
        return xs
    return np.round(rng.uniform(-1.0, 1.0, size=(model.steps, model.n_in)), 2)  # (T, M)


def _expected_shapes(kind: Kind, model: ModelConfig) -> dict[str, tuple[int, ...]]:
    """The shape of every array of the model (as ``rnn_core``'s ``init`` makes them;
    tests hold the two in step), computed without importing ``rnn_core``."""
    M, N, K = model.n_in, model.n_hidden, model.n_out
    if kind == "rnn":
        return {"U": (N, M), "W": (N, N), "V": (K, N), "b": (N,), "c": (K,)}
    shapes: dict[str, tuple[int, ...]] = {}
    for gate in "zifo":
        shapes[f"W_{gate}"] = (N, M)
        shapes[f"R_{gate}"] = (N, N)
        shapes[f"b_{gate}"] = (N,)
        if gate != "z":
            shapes[f"p_{gate}"] = (N,)
    return {name: shapes[name] for name in _LSTM_ARRAYS}


def _read_weights(path: str) -> dict[str, np.ndarray]:
    """Every array of a weights file as float64, or a one-line :class:`ConfigError`:
    the file must be an ``.npz`` archive of real, finite numbers within ``VALUE_LIMIT``."""
    name = _short_path(Path(path).name, 32)  # the config names its folder
    file = Path(path)
    if not _is_file(file):
        if _is_dir(file):
            raise ConfigError(f"weights file {name} is a folder, not a file; {_WEIGHTS_FIX}")
        raise ConfigError(f"weights file {name} does not exist; {_WEIGHTS_FIX}")
    try:
        with file.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise ConfigError(f"weights file {name} cannot be read: {exc.strerror}") from None
    if head.startswith(b"\x93NUMPY"):
        raise ConfigError(f"weights file {name} is a single-array .npy file; {_WEIGHTS_FIX}")
    if not head.startswith(b"PK") or not zipfile.is_zipfile(file):
        what = (
            "empty"
            if not head
            else "a text file"
            if _looks_like_text(head)
            else "not an .npz archive"
        )
        raise ConfigError(f"weights file {name} is {what}; {_WEIGHTS_FIX}")
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(file) as archive:
            _check_headers(archive, name)  # .npy members: shapes, from their headers
            big = [i.filename for i in archive.infolist() if i.file_size > _MAX_ARRAY_BYTES]
            if big:
                raise ConfigError(
                    f"weights file {name}: array {_short(big[0].removesuffix('.npy'))} is over "
                    "1 MB, far more than a slide's model needs; is this the right file?"
                )
        with np.load(file, allow_pickle=False) as data:
            for key in data.files:
                try:
                    raw = data[key]
                except ValueError:  # object arrays need pickle, which is never enabled
                    raw = np.empty(0, dtype=object)
                arrays[key] = _numeric_array(raw, key, name)
    except ConfigError:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, RuntimeError):
        raise ConfigError(
            f"weights file {name} is a damaged .npz archive; {_WEIGHTS_FIX}"
        ) from None
    if not arrays:
        raise ConfigError(f"weights file {name} holds no arrays; {_WEIGHTS_FIX}")
    return arrays


def _mib(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.1f} MiB"


def _check_headers(archive: zipfile.ZipFile, name: str) -> None:
    """Read every array's ``.npy`` header (never its data) and refuse a shape over 1 MB or
    one the stored bytes do not fill: NumPy allocates what a header claims before reading
    (100000 x 100000 would ask for 74.5 GiB), so this runs before anything is loaded."""
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            continue
        key = _short(info.filename[: -len(".npy")])
        try:
            with archive.open(info) as handle:
                version = np.lib.format.read_magic(handle)
                read = {
                    (1, 0): np.lib.format.read_array_header_1_0,
                    (2, 0): np.lib.format.read_array_header_2_0,
                }[version]
                shape, _fortran, dtype = read(handle)
                stored = info.file_size - handle.tell()
        except Exception:  # noqa: BLE001 - a damaged header raises many kinds
            raise ConfigError(
                f"weights file {name}: array {key} has a damaged header; {_WEIGHTS_FIX}"
            ) from None
        if dtype.hasobject or any(d < 0 for d in shape):
            continue  # refused when read: pickles are never enabled
        claimed = math.prod(shape) * dtype.itemsize
        if claimed > _MAX_ARRAY_BYTES:
            raise ConfigError(
                f"weights file {name}: array {key} has shape {_short(tuple(shape), 40)} "
                f"({_mib(claimed)}), more than any model slides draw (256 units at most); "
                "is this the right file?"
            )
        if claimed != stored:
            raise ConfigError(
                f"weights file {name}: array {key} is damaged (its header claims shape "
                f"{_short(tuple(shape), 40)}, {claimed} bytes; the file holds {max(stored, 0)}); "
                "save it again with numpy.savez"
            )


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _is_file(path: Path) -> bool:
    """``Path.is_file`` that answers False for names the OS cannot even look up (too long,
    NUL bytes) instead of raising."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _numeric_array(raw: object, key: str, name: str) -> np.ndarray:
    """A stored array as float64 if it holds real, finite numbers within ``VALUE_LIMIT``."""
    where = f"weights file {name}: array {_short(key)}"
    fix = "weights must be real numeric arrays (float or int)"
    if not isinstance(raw, np.ndarray):
        raise ConfigError(f"{where} is not a NumPy array; {_WEIGHTS_FIX}")
    kind = raw.dtype.kind
    problem = {
        "c": f"is complex ({raw.dtype})",
        "b": "holds booleans",
        "U": "holds strings",
        "S": "holds bytes",
        "O": "holds Python objects",
    }.get(kind, f"has dtype {raw.dtype}")
    if kind not in "fiu":
        raise ConfigError(f"{where} {problem}; {fix}")
    arr = raw.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ConfigError(f"{where} holds NaN or infinite values; weights must be finite numbers")
    if arr.size and np.max(np.abs(arr)) > VALUE_LIMIT:
        raise ConfigError(
            f"{where} has a value of {_short(float(arr.flat[np.argmax(np.abs(arr))]))}; "
            f"weights must lie in -{VALUE_LIMIT:g}..{VALUE_LIMIT:g} to fit on a slide"
        )
    return arr


def _kind_of(arrays: dict[str, np.ndarray]) -> Kind | None:
    """The model a file's array names belong to (case-insensitively), or None."""
    names = {n.lower() for n in arrays}
    lstm = len(names & {n.lower() for n in _LSTM_ARRAYS})
    rnn = len(names & {n.lower() for n in _RNN_ARRAYS})
    if not lstm and not rnn:
        return None
    return "lstm" if lstm >= rnn else "rnn"


def _weights_for(
    model: ModelConfig, kind: Kind, missing_ok: tuple[str, ...] = ()
) -> dict[str, np.ndarray]:
    """The arrays of ``model.weights`` for a ``kind`` model, checked against the model's
    sizes: known names only, none missing, right shapes. Peephole arrays are optional
    when peepholes are off (they stay zero); ``missing_ok`` names others that may be absent
    (only :func:`check_weights_file` passes any)."""
    assert model.weights is not None
    name = _short_path(Path(model.weights).name, 32)
    arrays = _read_weights(model.weights)
    label = _KIND_LABEL[kind]
    found = _kind_of(arrays)
    if found is None:
        raise ConfigError(
            f"weights file {name} holds arrays {_short(sorted(arrays), 40)}; expected LSTM "
            f"arrays ({_KIND_ARRAYS['lstm']}) or simple-RNN arrays ({_KIND_ARRAYS['rnn']})"
        )
    if found != kind:
        raise ConfigError(
            f"weights file {name} holds {_KIND_LABEL[found]} arrays, not {label} ones; set "
            "them under [lecture.N.model], N = 1-2 (simple RNN) or 4-5 (LSTM)"
        )
    known = _ARRAY_NAMES[kind]
    for key in arrays:
        if key not in known:
            raise ConfigError(
                f"weights file {name}: unknown {label} array {_short(key)}"
                f"{_suggest(key, known, list_valid=False)} ({label}: {_KIND_ARRAYS[kind]})"
            )
    needed = [n for n in known if model.peepholes or not n.startswith("p_")]
    needed = [n for n in needed if n in arrays or n not in missing_ok]
    missing = [n for n in needed if n not in arrays]
    if missing:
        raise ConfigError(
            f"weights file {name} lacks {label} arrays {' '.join(missing)}; "
            f"expected {_KIND_ARRAYS[kind]}"
        )
    shapes = _expected_shapes(kind, model)
    sizes = f"n_in={model.n_in}, n_hidden={model.n_hidden}"
    sizes += f", n_out={model.n_out}" if kind == "rnn" else ""
    for key in needed:
        if arrays[key].shape != shapes[key]:
            raise ConfigError(
                f"weights file {name}: array {key} has shape {arrays[key].shape}, expected "
                f"{shapes[key]} for {sizes}; make the file and the model sizes agree"
            )
    return {key: arrays[key] for key in needed}


PRESETS = ("trained", "random")
TRAINED_LSTM = "memory-lstm"  # rnn_core.pretrained name of the lecture-4/5 model
_TRAINED_SIZES = {"n_in": 3, "n_hidden": 3}


def lstm_preset(model: ModelConfig) -> str:
    """Which LSTM a config draws: ``"weights"`` (its own file), ``"trained"`` (the shipped
    memory LSTM) or ``"random"`` (seeded). ``preset = "trained"`` falls back to the seeded
    model when the config asks for sizes or peepholes the trained model does not have."""
    if model.weights is not None:
        return "weights"
    if model.preset == "random" or not model.peepholes:
        return "random"
    if any(getattr(model, key) != size for key, size in _TRAINED_SIZES.items()):
        return "random"
    return "trained"


def lstm_readout(cfg: SceneConfig) -> tuple[np.ndarray, np.ndarray] | None:
    """The trained model's read-out ``(W_out (1, N), b_out (1,))``, or None when the config
    draws another LSTM (which has no read-out)."""
    if lstm_preset(cfg.model) != "trained":
        return None
    from rnn_core.pretrained import load

    model = load(TRAINED_LSTM)
    return model.W_out, model.b_out


def lstm_setup(cfg: SceneConfig) -> tuple[LSTMParams, np.ndarray]:
    """LSTM parameters and input sequence (T, M) for a scene's config."""
    from rnn_core.lstm import LSTMParams

    model = cfg.model
    if lstm_preset(model) == "trained":
        from rnn_core.pretrained import example_sequence, load

        xs = model_inputs(model, None) if model.inputs is not None else example_sequence().xs
        return load(TRAINED_LSTM).params, np.array(xs)  # (T, 3)
    rng = np.random.default_rng(model.seed)
    params = LSTMParams.init(model.n_in, model.n_hidden, rng, peepholes=model.peepholes)
    if model.weights is not None:
        loaded = _weights_for(model, "lstm")
        # Peephole arrays are needed only when peepholes are on; off, they stay zero.
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
        params = RNNParams(**_weights_for(model, "rnn"))
    xs = model_inputs(model, rng)
    targets = rng.integers(0, model.n_out, size=xs.shape[0])  # (T,)
    return params, xs, targets


def check_model(
    cfg: SceneConfig, kind: Kind, *, shown: bool = True, missing_ok: tuple[str, ...] = ()
) -> None:
    """Refuse (:class:`ConfigError`) a config whose weights file, inputs or (with
    ``shown``, for an LSTM) cell and input selection do not fit a ``kind`` model ("lstm"
    or "rnn"). Reads the weights file; imports neither manim nor ``rnn_core``."""
    model = cfg.model
    if model.inputs is not None:
        model_inputs(model, np.random.default_rng(0))  # shape against n_in
    if model.weights is not None:
        _weights_for(model, kind, missing_ok)
    if kind == "lstm" and shown:  # (parse_config checks the selection with its own key)
        check_shown(model)


def validate_for_lecture(cfg: SceneConfig, lecture: int, source: str | None = None) -> None:
    """Refuse, before anything renders, a config that lecture ``lecture``'s scenes cannot
    draw: e.g. simple-RNN weights given to the LSTM lectures. ``source`` (the config file)
    starts the message."""
    kind = LECTURE_MODELS.get(lecture)
    if kind is None:
        return
    try:
        check_model(cfg, kind)
    except ConfigError as exc:
        prefix = f"{_short_path(source)}: " if source else ""
        raise ConfigError(f"{prefix}lecture {lecture}: {exc}") from None


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
    "preset": str,
    "show_cells": list,
    "show_inputs": list,
}
# The selection keys: what they index, and the model size they index into.
_SHOWN = {"show_cells": ("cell", "n_hidden"), "show_inputs": ("input", "n_in")}
LSTM_LECTURES = tuple(n for n, kind in LECTURE_MODELS.items() if kind == "lstm")
TOP_KEYS = ("theme", "model", "lecture")
LECTURE_KEYS = ("theme", "model")
_TOML_TYPE = {
    "int": "integer",
    "float": "float",
    "str": "string",
    "bool": "boolean",
    "list": "array",
    "dict": "table",
}


def _type_name(value: object) -> str:
    name = type(value).__name__
    return _TOML_TYPE.get(name, name)


@dataclass(frozen=True)
class ConfigFile:
    """A validated config file: the default scene config and per-lecture overrides."""

    default: SceneConfig
    lectures: dict[int, SceneConfig]
    source: str | None = None

    def for_lecture(self, lecture: int) -> SceneConfig:
        return self.lectures.get(lecture, self.default)


def _check_keys(table: dict, valid: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in valid:
            raise ConfigError(f"unknown key {where}{_short(key)}{_suggest(str(key), valid)}")


def _require_table(value: object, where: str, header: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{where} must be a table ({header}), got {_type_name(value)} {_short(value)}"
        )
    return value


def _inputs_from(value: list, where: str) -> tuple[tuple[float, ...], ...]:
    """Explicit inputs: a non-empty list of rows of real numbers (TOML booleans and strings
    refused: Python's bools are ints) within +-VALUE_LIMIT, all rows the same length."""
    example = "e.g. inputs = [[0.5, -0.2, 0.1], [0.0, 0.8, -0.4]]"
    if not value or not all(isinstance(row, list) for row in value):
        raise ConfigError(
            f"{where}inputs must be a list of steps, each a list of numbers; {example}"
        )
    rows = []
    for t, row in enumerate(value):
        for m, x in enumerate(row):
            key = f"{where}inputs[{t}][{m}]"
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                raise ConfigError(
                    f"{key} must be a number, got {_type_name(x)} {_short(x)}; write plain "
                    "numbers like 0.5 (no quotes, no true/false)"
                )
            if not np.isfinite(x) or abs(x) > VALUE_LIMIT:
                raise ConfigError(
                    f"{key} = {_short(x)} is outside -{VALUE_LIMIT:g}..{VALUE_LIMIT:g} "
                    "(larger or non-finite numbers do not fit on a slide)"
                )
        rows.append(tuple(float(x) for x in row))
    widths = sorted({len(row) for row in rows})
    if len(widths) > 1 or widths[0] == 0:
        raise ConfigError(
            f"{where}inputs rows have {', '.join(map(str, widths[:4]))} numbers; every step "
            "needs n_in numbers"
        )
    return tuple(rows)


def _indices_from(value: object, key: str, where: str) -> tuple[int, ...]:
    """A selection of cells or inputs: a non-empty array of distinct, non-negative
    integers, at most :data:`SHOW_LIMIT` of them (checked against the model's size later,
    by :func:`check_shown`, once a weights file has fixed it)."""
    noun = _SHOWN[key][0]
    example = f"e.g. {key} = [0, 3, 5]"
    if not isinstance(value, list):
        raise ConfigError(
            f"{where}{key} must be an array of 0-based {noun} indices, got "
            f"{_type_name(value)} {_short(value)}; {example}"
        )
    if not value:
        raise ConfigError(
            f"{where}{key} is empty; name 1 to {SHOW_LIMIT} {noun} indices ({example}) or "
            "leave the key out to show the first ones"
        )
    seen: set[int] = set()
    for k, index in enumerate(value):
        if isinstance(index, bool) or not isinstance(index, int):
            raise ConfigError(
                f"{where}{key}[{k}] must be an integer {noun} index, got {_type_name(index)} "
                f"{_short(index)}; {example}"
            )
        if index < 0:
            raise ConfigError(
                f"{where}{key}[{k}] = {_short(index)} is negative; indices count from 0 "
                f"({noun} 1 is index 0)"
            )
        if index in seen:
            raise ConfigError(f"{where}{key} names {noun} index {index} twice; list each once")
        seen.add(index)
    if len(value) > SHOW_LIMIT:
        raise ConfigError(
            f"{where}{key} names {len(value)} {noun}s; a value column has room for "
            f"{SHOW_LIMIT} (and an ellipsis): pick at most {SHOW_LIMIT}"
        )
    return tuple(sorted(value))


def check_shown(
    model: ModelConfig,
    where: str = "model.",
    whose: str = "the model",
    keys: tuple[str, ...] = tuple(_SHOWN),
) -> None:
    """Refuse a ``show_cells`` / ``show_inputs`` index beyond the model's size (after the
    sizes a weights file implies): "show_cells has 70 but the model has 64 cells (0..63)"."""
    for key in keys:
        noun, size_key = _SHOWN[key]
        shown = getattr(model, key)
        if not shown:
            continue
        n = getattr(model, size_key)
        beyond = [i for i in shown if not 0 <= i < n]
        if beyond:
            raise ConfigError(
                f"{where}{key} has {beyond[0]} but {whose} has {n} {noun}{'s' if n != 1 else ''}"
                f" (0..{n - 1}); use indices 0..{n - 1}"
            )


def _model_from_table(table: dict, base: ModelConfig, where: str, root: Path) -> ModelConfig:
    _check_keys(table, tuple(_MODEL_TYPES), where)
    changes: dict[str, object] = {}
    for key, value in table.items():
        if key in _SHOWN:
            changes[key] = _indices_from(value, key, where)
            continue
        want = _MODEL_TYPES[key]
        ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
        if not ok:
            wanted = want.__name__ if isinstance(want, type) else want
            raise ConfigError(
                f"{where}{key} must be {wanted}, got {_type_name(value)} {_short(value)}"
            )
        if key in LIMITS:
            lo, hi = LIMITS[key]
            if not lo <= value <= hi:
                raise ConfigError(
                    f"{where}{key} = {_short(value)} is outside the range {lo}..{hi}"
                    + (" (larger diagrams are not legible on a slide)" if key != "seed" else "")
                )
        if key == "preset" and value not in PRESETS:
            raise ConfigError(
                f"{where}preset must be one of {', '.join(PRESETS)}, got {_short(value)}"
            )
        if key == "inputs":
            value = _inputs_from(value, where)
        if key == "weights":
            path = Path(value)
            if not path.is_absolute():
                path = root / path
            if not _is_file(path):
                problem = "is a folder, not a file" if _is_dir(path) else "does not exist"
                raise ConfigError(
                    f"{where}weights file {_short_path(value)} {problem} (paths are "
                    "relative to the config file)"
                )
            value = str(path)
        changes[key] = value
    model = dataclasses.replace(base, **changes)
    if "weights" in changes:
        model = _implied_by_weights(model, table, where)
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


def _implied_by_weights(model: ModelConfig, table: dict, where: str) -> ModelConfig:
    """The sizes and peepholes a weights file fixes, where ``table`` does not set them: a
    file's shapes give n_in, n_hidden (and n_out), and an LSTM file without peephole arrays
    (as `rnn-slides weights import` writes for PyTorch and Keras models) means no peepholes."""
    assert model.weights is not None
    try:
        arrays = _read_weights(model.weights)
    except ConfigError as exc:
        raise ConfigError(f"{where}{exc}") from None  # "lecture.4.model.weights file ..."
    kind = _kind_of(arrays)
    sizes: dict[str, int] = {}
    changes: dict[str, object] = {}
    if kind == "lstm" and np.ndim(arrays.get("W_z")) == 2:
        sizes["n_hidden"], sizes["n_in"] = arrays["W_z"].shape
        if "peepholes" not in table and not any(n.startswith("p_") for n in arrays):
            changes["peepholes"] = False
    elif kind == "rnn" and np.ndim(arrays.get("U")) == 2:
        sizes["n_hidden"], sizes["n_in"] = arrays["U"].shape
        if np.ndim(arrays.get("V")) == 2:
            sizes["n_out"] = arrays["V"].shape[0]
    for key, value in sizes.items():
        if key in table:
            continue  # an explicit size is checked against the file's shapes later
        # A trained LSTM runs at full size and the slides show a few of its cells and
        # inputs ("cells 1-3 of 64"); the simple RNN's slides draw every unit.
        lo, hi = TRAINED_LSTM_LIMITS[key] if kind == "lstm" else LIMITS[key]
        if not lo <= value <= hi:
            raise ConfigError(
                f"{where}weights file {_short_path(Path(model.weights).name)} has {key} = "
                f"{value}; slides draw models with {key} {lo}..{hi}"
            )
        changes[key] = value
    return dataclasses.replace(model, **changes)


def _theme_from(value: object, where: str) -> str:
    if not isinstance(value, str) or value not in THEME_NAMES:
        raise ConfigError(
            f"{where}theme must be one of {', '.join(THEME_NAMES)}, got {_short(value)}"
        )
    return value


def parse_config(data: dict, *, root: Path | None = None, source: str | None = None) -> ConfigFile:
    """Validate a config table (as read from TOML)."""
    root = root or Path.cwd()
    _check_keys(data, TOP_KEYS, "")
    theme = _theme_from(data.get("theme", "light"), "")
    model_table = _require_table(data.get("model", {}), "model", "[model]")
    model = _model_from_table(model_table, ModelConfig(), "model.", root)
    default = SceneConfig(theme=theme, model=model)
    lectures: dict[int, SceneConfig] = {}
    lecture_tables = data.get("lecture", {})
    if not isinstance(lecture_tables, dict):
        raise ConfigError(
            f"lecture must be a table of tables ([lecture.4], [lecture.4.model]), got "
            f"{_type_name(lecture_tables)} {_short(lecture_tables)}"
        )
    for number, table in lecture_tables.items():
        if not re.fullmatch(r"[1-5]", str(number)):
            raise ConfigError(f"lecture.{_short(number)[1:-1]}: lectures are numbered 1..5")
        where = f"lecture.{number}."
        _require_table(table, f"lecture.{number}", f"[lecture.{number}]")
        _check_keys(table, LECTURE_KEYS, where)
        lecture_theme = _theme_from(table.get("theme", theme), where)
        own_model = _require_table(
            table.get("model", {}), f"{where}model", f"[lecture.{number}.model]"
        )
        lecture_model = _model_from_table(own_model, model, where + "model.", root)
        shown_here = [key for key in _SHOWN if key in own_model]
        if shown_here and int(number) not in LSTM_LECTURES:
            raise ConfigError(
                f"{where}model.{shown_here[0]}: lecture {number} draws every unit (only the "
                "LSTM lectures 4 and 5 show a subset); remove the key or set it under "
                "[lecture.4.model] / [lecture.5.model]"
            )
        lectures[int(number)] = SceneConfig(theme=lecture_theme, model=lecture_model)
        if "weights" in own_model:  # weights set for this lecture must fit its model
            _check_weights(lectures[int(number)], f"{where}model.", LECTURE_MODELS.get(int(number)))
    _check_weights(default, "model.", None)
    # A selection must fit the model of each LSTM lecture that uses it (the simple-RNN
    # lectures draw every unit and ignore [model]'s selection).
    for number in LSTM_LECTURES:
        used = lectures.get(number, default).model
        own = data.get("lecture", {}).get(str(number), {}).get("model", {})
        for key in _SHOWN:
            if key in own:
                check_shown(used, f"lecture.{number}.model.", keys=(key,))
            elif number not in lectures:
                check_shown(used, "model.", keys=(key,))
            else:  # inherited from [model] by a lecture whose own table may change its size
                check_shown(used, "model.", f"lecture {number}'s model", keys=(key,))
    return ConfigFile(default=default, lectures=lectures, source=source)


def _check_weights(
    scene_config: SceneConfig, where: str, kind: Kind | None, missing_ok: tuple[str, ...] = ()
) -> None:
    """Open a weights file now, so a bad one fails before any rendering starts. Without a
    ``kind`` (the shared [model], used by lectures of both models) the file's array names
    decide which model it is checked as; :func:`validate_for_lecture` checks it against
    each selected lecture later."""
    model = scene_config.model
    if model.weights is None:
        return
    try:
        if kind is None:
            kind = _kind_of(_read_weights(model.weights)) or "lstm"
        check_model(scene_config, kind, shown=False, missing_ok=missing_ok)
    except ConfigError as exc:
        raise ConfigError(f"{where}{exc}") from None  # "lecture.4.model.weights file ..."


def check_weights_file(path: str | Path, *, missing_ok: tuple[str, ...] = ()) -> ModelConfig:
    """The model a weights file gives a config, checked exactly as ``weights = "path"`` in a
    config's ``[model]`` is (real finite numbers within :data:`VALUE_LIMIT`, sizes within
    the limits, known names, shapes that agree), or that check's :class:`ConfigError`.
    ``rnn-slides weights import`` runs it on what it is about to write; ``missing_ok``
    lets a simple RNN without its output layer (``V``, ``c``: added by hand) through."""
    file = Path(path).absolute()
    model = _model_from_table({"weights": str(file)}, ModelConfig(), "", file.parent)
    _check_weights(SceneConfig(model=model), "", None, missing_ok)
    return model


def load_config(path: str | Path) -> ConfigFile:
    """Read and validate a TOML config file; :class:`ConfigError` with one line otherwise."""
    import tomllib

    file = Path(path)
    name = _short_path(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {name}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")  # a BOM (some Windows editors) is harmless
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config file {name} is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8 TOML"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {name} is not valid TOML: {exc}") from None
    try:
        return parse_config(data, root=file.parent, source=str(file))
    except ConfigError as exc:
        raise ConfigError(f"{name}: {exc}") from None
