"""Weights from the frameworks lecturers train in, as rnn_core arrays.

PyTorch's ``nn.LSTM`` stacks its four gates as (i, f, g, o) in ``weight_ih_l0`` (4N, M) and
``weight_hh_l0`` (4N, N) with two biases; Keras' ``LSTM`` layer stacks (i, f, c, o) in a
``kernel`` (M, 4N) and ``recurrent_kernel`` (N, 4N), transposed, with one bias. Both compute
the vanilla LSTM without peepholes, which is Greff et al.'s with p_i = p_f = p_o = 0:
g (Keras' c) is the block input z, and h is the block output y. PyTorch's ``nn.RNN`` (tanh)
is Goodfellow's simple RNN with U = weight_ih, W = weight_hh, b = bias_ih + bias_hh; its
output layer V, c comes from a linear layer of the same module when there is one.

The result is a dict of arrays under rnn_core's field names (``W_z`` ... ``b_o``, or
``U W b [V c]``), ready for ``numpy.savez`` and ``model.weights``. Peephole arrays are left
out: a weights file without them means ``peepholes = false``.

Example
-------
>>> import numpy as np
>>> state = {"weight_ih_l0": np.zeros((8, 3)), "weight_hh_l0": np.zeros((8, 2)),
...          "bias_ih_l0": np.zeros(8), "bias_hh_l0": np.ones(8)}
>>> sorted(lstm_from_torch(state))[:3]
['R_f', 'R_i', 'R_o']
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

__all__ = [
    "FRAMEWORKS",
    "lstm_from_torch",
    "lstm_from_keras",
    "rnn_from_torch",
    "read_framework_arrays",
    "torch_module_kind",
    "recurrent_layers",
    "select_layer",
    "LayerChoiceError",
    "import_weights",
]

FRAMEWORKS = ("torch", "keras")
# Largest array read from a framework's file: an LSTM of 256 units and 256 inputs stacks
# 4 x 256 x 256 float64 numbers (2 MiB); anything past this is another layer (an
# embedding) or a header that lies, and is refused before it is read.
MAX_SOURCE_ARRAY_BYTES = 64 << 20
_TORCH_RECURRENT = re.compile(r"(weight|bias)_(ih|hh|hr)_l\d+(_reverse)?")
_KERAS_NAMES = ("kernel", "recurrent_kernel", "bias")
_GATES = ("i", "f", "z", "o")  # PyTorch's (i, f, g, o) and Keras' (i, f, c, o), g = c = z


def _real(name: str, value: object) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "fiu":
        raise ValueError(f"{name} has dtype {array.dtype}; framework weights must be real numbers")
    return array.astype(np.float64)


def _strip_prefix(state: Mapping[str, object], suffixes: tuple[str, ...]) -> dict[str, object]:
    """Keys of a module's state_dict without the submodule prefix (``rnn.weight_ih_l0``)."""
    out: dict[str, object] = {}
    for key, value in state.items():
        short = key.rsplit(".", 1)[-1] if "." in key else key
        short = short.split("/")[-1].split(":")[0]  # Keras paths such as lstm/kernel:0
        if short in suffixes or re.fullmatch(r"(weight|bias)_(ih|hh|hr)_l\d+(_reverse)?", short):
            out.setdefault(short, value)
    return out


def _refuse_layouts(state: Mapping[str, object], module: str) -> None:
    keys = list(state)
    if any(k.endswith("_reverse") for k in keys):
        raise ValueError(f"bidirectional {module} is not supported: export one direction")
    if any(re.search(r"_l[1-9]\d*$", k) for k in keys):
        raise ValueError(f"multi-layer {module} is not supported: export one layer (l0)")
    if any(k.startswith("weight_hr") for k in keys):
        raise ValueError(f"{module} with proj_size is not supported: use proj_size = 0")


def _require(state: Mapping[str, object], names: tuple[str, ...], module: str) -> None:
    missing = [n for n in names if n not in state]
    if missing:
        found = ", ".join(sorted(state)) or "nothing"
        raise ValueError(f"not a {module} state_dict: missing {', '.join(missing)} (found {found})")


def _split_gates(stacked: np.ndarray, n_hidden: int) -> dict[str, np.ndarray]:
    return {gate: stacked[k * n_hidden : (k + 1) * n_hidden] for k, gate in enumerate(_GATES)}


def _gate_rows(w_ih: np.ndarray, w_hh: np.ndarray, bias: np.ndarray, framework: str) -> dict:
    """rnn_core LSTM arrays from stacked (4N, M), (4N, N), (4N,) in (i, f, z, o) order."""
    if w_ih.ndim != 2 or w_hh.ndim != 2 or bias.ndim != 1:
        raise ValueError(f"{framework} LSTM arrays must be 2-D weights and a 1-D bias")
    rows, n_in = w_ih.shape
    n_hidden = w_hh.shape[1]
    if rows == 3 * n_hidden:
        raise ValueError(f"these are GRU weights (3 gates), not an LSTM's (4): {framework}")
    if rows != 4 * n_hidden or w_hh.shape != (rows, n_hidden) or bias.shape != (rows,):
        raise ValueError(
            f"{framework} LSTM sizes do not match: input weights {w_ih.shape}, recurrent "
            f"{w_hh.shape}, bias {bias.shape}; expected (4N, M), (4N, N), (4N,)"
        )
    out = {}
    for gate, block in _split_gates(w_ih, n_hidden).items():
        out[f"W_{gate}"] = block.copy()
    for gate, block in _split_gates(w_hh, n_hidden).items():
        out[f"R_{gate}"] = block.copy()
    for gate, block in _split_gates(bias, n_hidden).items():
        out[f"b_{gate}"] = block.copy()
    return out


def lstm_from_torch(state: Mapping[str, object]) -> dict[str, np.ndarray]:
    """rnn_core LSTM arrays from an ``nn.LSTM`` state_dict (one layer, one direction)."""
    state = _strip_prefix(state, ())
    _refuse_layouts(state, "nn.LSTM")
    _require(state, ("weight_ih_l0", "weight_hh_l0"), "nn.LSTM")
    w_ih = _real("weight_ih_l0", state["weight_ih_l0"])
    w_hh = _real("weight_hh_l0", state["weight_hh_l0"])
    bias = _summed_biases(state, w_ih.shape[0], "nn.LSTM")
    return _gate_rows(w_ih, w_hh, bias, "PyTorch")


def _summed_biases(state: Mapping[str, object], rows: int, module: str) -> np.ndarray:
    """bias_ih_l0 + bias_hh_l0 (either is absent when the module has bias=False)."""
    bias = np.zeros(rows)
    for name in ("bias_ih_l0", "bias_hh_l0"):
        if name in state:
            value = _real(name, state[name])
            if value.shape != (rows,):
                raise ValueError(
                    f"{module} sizes do not match: {name} is {value.shape}, expected ({rows},)"
                )
            bias = bias + value
    return bias


def lstm_from_keras(state: Mapping[str, object]) -> dict[str, np.ndarray]:
    """rnn_core LSTM arrays from a Keras LSTM layer's ``kernel``, ``recurrent_kernel``,
    ``bias`` (sigmoid recurrent activation, tanh activation: the Keras defaults)."""
    state = _strip_prefix(state, ("kernel", "recurrent_kernel", "bias"))
    _require(state, ("kernel", "recurrent_kernel"), "Keras LSTM")
    kernel = _real("kernel", state["kernel"])
    recurrent = _real("recurrent_kernel", state["recurrent_kernel"])
    if kernel.ndim != 2 or recurrent.ndim != 2:
        raise ValueError("Keras kernel and recurrent_kernel must be 2-D")
    bias = _real("bias", state["bias"]) if "bias" in state else np.zeros(kernel.shape[1])
    return _gate_rows(kernel.T, recurrent.T, bias, "Keras")


def rnn_from_torch(state: Mapping[str, object]) -> dict[str, np.ndarray]:
    """rnn_core simple-RNN arrays ``U W b`` from an ``nn.RNN`` state_dict (tanh, one layer,
    one direction), plus ``V c`` from a linear layer in the same state_dict when present."""
    full = dict(state)
    rnn_state = _strip_prefix(full, ())
    _refuse_layouts(rnn_state, "nn.RNN")
    _require(rnn_state, ("weight_ih_l0", "weight_hh_l0"), "nn.RNN")
    U = _real("weight_ih_l0", rnn_state["weight_ih_l0"])
    W = _real("weight_hh_l0", rnn_state["weight_hh_l0"])
    n_hidden = W.shape[0]
    if U.ndim != 2 or W.shape != (n_hidden, n_hidden) or U.shape[0] != n_hidden:
        if U.ndim == 2 and U.shape[0] in (3 * W.shape[-1], 4 * W.shape[-1]):
            kind = "GRU" if U.shape[0] == 3 * W.shape[-1] else "LSTM"
            raise ValueError(f"these are {kind} weights, not nn.RNN's; use the {kind} import")
        raise ValueError(
            f"nn.RNN sizes do not match: weight_ih_l0 {U.shape}, weight_hh_l0 {W.shape}; "
            "expected (H, M) and (H, H)"
        )
    out = {"U": U, "W": W, "b": _summed_biases(rnn_state, n_hidden, "nn.RNN")}
    linear = [
        key[: -len(".weight")]
        for key, value in full.items()
        if key.endswith(".weight") and np.ndim(value) == 2 and np.shape(value)[1] == n_hidden
    ]
    if len(linear) > 1:
        raise ValueError(f"several linear layers could be the output: {', '.join(linear)}")
    if linear:
        out["V"] = _real(f"{linear[0]}.weight", full[f"{linear[0]}.weight"])
        bias_key = f"{linear[0]}.bias"
        k = out["V"].shape[0]
        out["c"] = _real(bias_key, full[bias_key]) if bias_key in full else np.zeros(k)
    return out


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _npy_header(handle) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype from an open ``.npy`` stream's header; reads the header only."""
    version = np.lib.format.read_magic(handle)
    if version == (1, 0):
        shape, _fortran, dtype = np.lib.format.read_array_header_1_0(handle)
    elif version == (2, 0):
        shape, _fortran, dtype = np.lib.format.read_array_header_2_0(handle)
    else:
        raise ValueError(f".npy format {version} is not read here")
    if any(d < 0 for d in shape):
        raise ValueError("negative size")
    return tuple(shape), dtype


def check_npz_headers(src: Path, limit: int = MAX_SOURCE_ARRAY_BYTES) -> None:
    """Refuse an ``.npz`` whose array headers claim absurd shapes (over ``limit`` bytes) or
    more or less data than the file holds, naming the file and the key, before any array
    is read (NumPy would allocate what a header claims: 74.5 GiB for 100000 x 100000)."""
    try:
        archive = zipfile.ZipFile(src)
    except (OSError, zipfile.BadZipFile, ValueError):
        return  # not a zip: the reader says what it is
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                continue
            key = info.filename[: -len(".npy")]
            try:
                with archive.open(info) as handle:
                    shape, dtype = _npy_header(handle)
                    stored = info.file_size - handle.tell()
            except Exception:  # noqa: BLE001 - a damaged header raises many kinds
                raise ValueError(
                    f"{src.name}: array {key!r} has a damaged header; save the file again "
                    "with numpy.savez(path, **arrays)"
                ) from None
            if dtype.hasobject:
                continue  # never loaded: pickles are refused when it is read
            claimed = math.prod(shape) * dtype.itemsize
            if claimed > limit:
                raise ValueError(
                    f"{src.name}: array {key!r} claims shape {shape} ({_size(claimed)}), far "
                    "more than rnn_core's models (at most 256 units); save only the recurrent "
                    "layer (and its output layer)"
                )
            if claimed != stored:
                raise ValueError(
                    f"{src.name}: array {key!r} is damaged: its header claims shape {shape} "
                    f"({_size(claimed)}) but it holds {_size(max(stored, 0))}"
                )


def read_framework_arrays(src: Path) -> dict[str, np.ndarray]:
    """The named arrays in ``src``: an ``.npz`` (no pickles) or, when torch is importable,
    a ``.pt``/``.pth`` state_dict."""
    suffix = src.suffix.lower()
    if src.is_dir():
        raise ValueError(f"{src} is a folder, not a file; name the weights file in it")
    if not src.is_file():
        raise ValueError(f"{src}: no such file")
    if suffix in (".pt", ".pth"):
        try:
            import torch  # optional: only for .pt/.pth files
        except ImportError:
            raise ValueError(
                f"{src}: reading .pt/.pth needs PyTorch (pip install torch); or save the "
                "state_dict as .npz: numpy.savez(path, **{k: v.numpy() for k, v in sd.items()})"
            ) from None
        try:
            state = torch.load(src, map_location="cpu", weights_only=True)
        except Exception as exc:  # noqa: BLE001 - torch raises many kinds
            raise ValueError(f"{src}: not a PyTorch state_dict ({type(exc).__name__})") from None
        if hasattr(state, "state_dict"):
            state = state.state_dict()
        if not isinstance(state, Mapping):
            raise ValueError(f"{src}: holds a {type(state).__name__}, not a state_dict")
        return {k: v.detach().cpu().double().numpy() for k, v in state.items()}
    check_npz_headers(src)
    try:
        with np.load(src, allow_pickle=False) as data:
            if not hasattr(data, "files"):
                raise ValueError
            return {name: data[name] for name in data.files}
    except Exception:  # noqa: BLE001 - numpy raises many kinds for a bad file
        raise ValueError(
            f"{src}: not an .npz of named arrays; save one with numpy.savez(path, **arrays)"
        ) from None


def torch_module_kind(state: Mapping[str, object]) -> str:
    """``lstm``, ``rnn`` or ``gru``, from the shapes of a PyTorch recurrent state_dict."""
    short = _strip_prefix(state, ())
    _require(short, ("weight_ih_l0", "weight_hh_l0"), "PyTorch nn.LSTM or nn.RNN")
    rows, hidden = np.shape(short["weight_ih_l0"])[0], np.shape(short["weight_hh_l0"])[-1]
    return {4 * hidden: "lstm", hidden: "rnn", 3 * hidden: "gru"}.get(rows, "unknown")


def _split_key(key: str) -> tuple[str, str]:
    """``(layer, name)`` of a state_dict key: ``encoder.weight_ih_l0`` -> ``encoder``,
    ``weight_ih_l0``; Keras' ``lstm/lstm_cell/kernel:0`` -> ``lstm/lstm_cell``, ``kernel``."""
    name = key.split(":")[0]
    cut = max(name.rfind("/"), name.rfind("."))
    return (name[:cut], name[cut + 1 :]) if cut >= 0 else ("", name)


def _is_recurrent(name: str, framework: str) -> bool:
    if framework == "keras":
        return name in _KERAS_NAMES
    return _TORCH_RECURRENT.fullmatch(name) is not None


def recurrent_layers(state: Mapping[str, object], framework: str) -> list[str]:
    """The recurrent layers in a state_dict, by key prefix in order of appearance
    (``""`` for unprefixed keys): PyTorch's ``encoder.weight_hh_l0`` and
    ``decoder.weight_hh_l0`` are two layers, ``encoder`` and ``decoder``."""
    marker = "recurrent_kernel" if framework == "keras" else "weight_hh_l0"
    layers: list[str] = []
    for key in state:
        layer, name = _split_key(key)
        if name == marker and layer not in layers:
            layers.append(layer)
    return layers


class LayerChoiceError(ValueError):
    """A file holds several recurrent layers and none (or no existing one) was named."""

    def __init__(self, source: str, layers: list[str], wanted: str | None) -> None:
        self.source, self.layers, self.wanted = source, layers, wanted
        names = ", ".join(repr(n) if n else "(unprefixed)" for n in layers)
        if wanted is None:
            message = f"{source} holds {len(layers)} recurrent layers ({names}); name one"
        else:
            message = f"{source} has no recurrent layer {wanted!r}; it holds {names}"
        super().__init__(message + f", e.g. layer={layers[0]!r}")


def select_layer(
    state: Mapping[str, object], framework: str, layer: str | None, source: str = "the file"
) -> dict[str, object]:
    """The keys of one recurrent layer (and, for PyTorch, the keys outside every recurrent
    layer, such as a linear output layer). ``layer`` names it by its key prefix, or by the
    start or end of it (``lstm`` for Keras' ``lstm/lstm_cell``); it may be None when the
    file holds one recurrent layer. :class:`LayerChoiceError` otherwise."""
    layers = recurrent_layers(state, framework)
    if not layers:
        return dict(state)
    if layer is None:
        if len(layers) > 1:
            raise LayerChoiceError(source, layers, None)
        chosen = layers[0]
    else:
        matches = [n for n in layers if n == layer]
        matches = matches or [n for n in layers if n.startswith((f"{layer}.", f"{layer}/"))]
        matches = matches or [n for n in layers if n.endswith((f".{layer}", f"/{layer}"))]
        if len(matches) != 1:
            raise LayerChoiceError(source, layers, layer)
        chosen = matches[0]
    selected = {}
    for key, value in state.items():
        prefix, name = _split_key(key)
        if prefix == chosen:
            selected[key] = value
        elif framework == "torch" and not (prefix in layers and _is_recurrent(name, framework)):
            selected[key] = value  # e.g. the linear output layer of an nn.RNN
    return selected


def _check_dimensions(state: Mapping[str, object], framework: str, source: str) -> None:
    """A recurrent weight is a matrix and a bias a vector: name the key of one that is not
    (a 0-d array would otherwise fail deep inside with "tuple index out of range")."""
    for key, value in state.items():
        _layer, name = _split_key(key)
        if not _is_recurrent(name, framework):
            continue
        want = 1 if name.startswith("bias") else 2
        ndim = np.ndim(value)
        if ndim != want:
            what = "a single number (0-d)" if ndim == 0 else f"{ndim}-d, shape {np.shape(value)}"
            kind = "a 1-d bias vector" if want == 1 else "a 2-d weight matrix"
            raise ValueError(f"{source}: array {key!r} is {what}; {name} must be {kind}")


def import_weights(
    src: Path, framework: str, *, module: str = "auto", layer: str | None = None
) -> dict[str, np.ndarray]:
    """rnn_core arrays from a framework's weights file: ``framework`` is ``torch`` or
    ``keras``; ``module`` is ``lstm``, ``rnn`` (PyTorch only) or ``auto`` (from the shapes);
    ``layer`` picks one recurrent layer of several (see :func:`select_layer`)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {', '.join(FRAMEWORKS)}, not {framework!r}")
    state = select_layer(read_framework_arrays(src), framework, layer, Path(src).name)
    _check_dimensions(state, framework, Path(src).name)
    if module == "auto":
        module = torch_module_kind(state) if framework == "torch" else "lstm"
        if module == "gru":
            raise ValueError(f"{src}: GRU weights; rnn_core draws LSTMs and simple RNNs only")
        if module == "unknown":
            raise ValueError(f"{src}: weight_ih_l0 and weight_hh_l0 sizes fit no LSTM or RNN")
    if module == "rnn":
        if framework != "torch":
            raise ValueError("simple-RNN import reads PyTorch nn.RNN weights only")
        return rnn_from_torch(state)
    if module != "lstm":
        raise ValueError(f"module must be lstm or rnn, not {module!r}")
    return lstm_from_torch(state) if framework == "torch" else lstm_from_keras(state)
