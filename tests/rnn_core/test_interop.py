"""Framework weights (PyTorch, Keras) map onto rnn_core's LSTM and simple RNN exactly.

Without torch, each mapping is checked against the framework's own equations written out
here in NumPy on arrays in the framework's layout; with torch installed, against nn.LSTM
and nn.RNN themselves.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnn_core import LSTMParams, RNNParams, lstm_forward, rnn_forward
from rnn_core.interop import (
    LayerChoiceError,
    _check_dimensions,
    import_weights,
    lstm_from_keras,
    lstm_from_torch,
    read_framework_arrays,
    recurrent_layers,
    rnn_from_torch,
    select_layer,
    torch_module_kind,
)

M, N, T = 3, 4, 6


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _lstm_params(arrays: dict) -> LSTMParams:
    zeros = {name: np.zeros(arrays["b_i"].shape[0]) for name in ("p_i", "p_f", "p_o")}
    return LSTMParams(**arrays, **zeros, peepholes=False)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def _torch_layout(rng, n_in=M, n_hidden=N) -> dict:
    return {
        "lstm.weight_ih_l0": rng.normal(size=(4 * n_hidden, n_in)),
        "lstm.weight_hh_l0": rng.normal(size=(4 * n_hidden, n_hidden)),
        "lstm.bias_ih_l0": rng.normal(size=4 * n_hidden),
        "lstm.bias_hh_l0": rng.normal(size=4 * n_hidden),
    }


def _torch_lstm_reference(state: dict, xs: np.ndarray) -> np.ndarray:
    """nn.LSTM's documented equations, gates stacked (i, f, g, o)."""
    w_ih, w_hh = state["lstm.weight_ih_l0"], state["lstm.weight_hh_l0"]
    bias = state["lstm.bias_ih_l0"] + state["lstm.bias_hh_l0"]
    h, c, hs = np.zeros(N), np.zeros(N), []
    for x in xs:
        i, f, g, o = np.split(w_ih @ x + w_hh @ h + bias, 4)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        hs.append(h)
    return np.array(hs)


def test_torch_lstm_layout_maps_onto_greff_without_peepholes(rng) -> None:
    state = _torch_layout(rng)
    xs = rng.normal(size=(T, M))
    trace = lstm_forward(_lstm_params(lstm_from_torch(state)), xs)
    np.testing.assert_allclose(trace.y, _torch_lstm_reference(state, xs), rtol=0, atol=1e-12)


def test_keras_lstm_layout_maps_onto_greff(rng) -> None:
    kernel = rng.normal(size=(M, 4 * N))
    recurrent = rng.normal(size=(N, 4 * N))
    bias = rng.normal(size=4 * N)
    xs = rng.normal(size=(T, M))
    h, c, expected = np.zeros(N), np.zeros(N), []
    for x in xs:  # Keras: z = x K + h R + b, gates (i, f, c, o)
        i, f, cand, o = np.split(x @ kernel + h @ recurrent + bias, 4)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(cand)
        h = _sigmoid(o) * np.tanh(c)
        expected.append(h)
    arrays = lstm_from_keras(
        {"lstm/kernel:0": kernel, "lstm/recurrent_kernel:0": recurrent, "lstm/bias:0": bias}
    )
    trace = lstm_forward(_lstm_params(arrays), xs)
    np.testing.assert_allclose(trace.y, np.array(expected), rtol=0, atol=1e-12)


def test_torch_rnn_with_its_linear_output_layer(rng) -> None:
    H, K = 5, 3
    state = {
        "rnn.weight_ih_l0": rng.normal(size=(H, M)),
        "rnn.weight_hh_l0": rng.normal(size=(H, H)) * 0.3,
        "rnn.bias_ih_l0": rng.normal(size=H),
        "rnn.bias_hh_l0": rng.normal(size=H),
        "fc.weight": rng.normal(size=(K, H)),
        "fc.bias": rng.normal(size=K),
    }
    arrays = rnn_from_torch(state)
    assert sorted(arrays) == ["U", "V", "W", "b", "c"]
    xs = rng.normal(size=(T, M))
    trace = rnn_forward(RNNParams(**arrays), xs, np.zeros(T, dtype=int))
    h = np.zeros(H)
    for t, x in enumerate(xs):  # nn.RNN: h = tanh(W_ih x + b_ih + W_hh h + b_hh)
        h = np.tanh(
            state["rnn.weight_ih_l0"] @ x
            + state["rnn.bias_ih_l0"]
            + state["rnn.weight_hh_l0"] @ h
            + state["rnn.bias_hh_l0"]
        )
        np.testing.assert_allclose(trace.h[t], h, atol=1e-12)
        np.testing.assert_allclose(
            trace.o[t], state["fc.weight"] @ h + state["fc.bias"], atol=1e-12
        )


def test_rnn_without_output_layer_gives_u_w_b(rng) -> None:
    state = {"weight_ih_l0": rng.normal(size=(5, M)), "weight_hh_l0": rng.normal(size=(5, 5))}
    assert sorted(rnn_from_torch(state)) == ["U", "W", "b"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"lstm.weight_ih_l0_reverse": np.zeros((16, 3))}, "bidirectional"),
        ({"lstm.weight_ih_l1": np.zeros((16, 4))}, "multi-layer"),
        ({"lstm.weight_hr_l0": np.zeros((2, 4))}, "proj_size"),
    ],
)
def test_unsupported_torch_layouts_are_refused(rng, extra, message) -> None:
    with pytest.raises(ValueError, match=message):
        lstm_from_torch({**_torch_layout(rng), **extra})


def test_gru_and_mismatched_sizes_are_refused(rng) -> None:
    gru = {"weight_ih_l0": np.zeros((12, 3)), "weight_hh_l0": np.zeros((12, 4))}
    assert torch_module_kind(gru) == "gru"
    with pytest.raises(ValueError, match="GRU"):
        lstm_from_torch(gru)
    bad = _torch_layout(rng)
    bad["lstm.bias_hh_l0"] = np.zeros(5)
    with pytest.raises(ValueError, match="sizes do not match"):
        lstm_from_torch(bad)
    with pytest.raises(ValueError, match="missing weight_hh_l0"):
        lstm_from_torch({"weight_ih_l0": np.zeros((16, 3))})
    with pytest.raises(ValueError, match="real numbers"):
        lstm_from_torch({**_torch_layout(rng), "lstm.bias_ih_l0": np.array(["a"] * 16)})


def test_import_from_files_detects_the_module(tmp_path: Path, rng) -> None:
    lstm_file = tmp_path / "lstm.npz"
    np.savez(lstm_file, **_torch_layout(rng))
    assert "W_z" in import_weights(lstm_file, "torch")
    gru_file = tmp_path / "gru.npz"
    np.savez(gru_file, weight_ih_l0=np.zeros((12, 3)), weight_hh_l0=np.zeros((12, 4)))
    with pytest.raises(ValueError, match="GRU"):
        import_weights(gru_file, "torch")
    npy = tmp_path / "renamed.npz"
    np.save(tmp_path / "a.npy", np.zeros(3))
    (tmp_path / "a.npy").rename(npy)
    with pytest.raises(ValueError, match="not an .npz") as info:
        import_weights(npy, "torch")
    assert "allow_pickle" not in str(info.value)
    with pytest.raises(ValueError, match="framework must be"):
        import_weights(lstm_file, "jax")


def test_against_torch_itself(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(M, N, dtype=torch.float64)
    xs = torch.randn(T, 1, M, dtype=torch.float64)
    with torch.no_grad():
        expected = lstm(xs)[0][:, 0, :].numpy()
    path = tmp_path / "sd.npz"
    np.savez(path, **{k: v.numpy() for k, v in lstm.state_dict().items()})
    trace = lstm_forward(_lstm_params(import_weights(path, "torch")), xs[:, 0, :].numpy())
    np.testing.assert_allclose(trace.y, expected, rtol=0, atol=1e-9)

    torch_path = tmp_path / "sd.pt"
    torch.save(lstm.state_dict(), torch_path)
    trace = lstm_forward(_lstm_params(import_weights(torch_path, "torch")), xs[:, 0, :].numpy())
    np.testing.assert_allclose(trace.y, expected, rtol=0, atol=1e-9)

    rnn = torch.nn.RNN(M, 5, dtype=torch.float64)
    with torch.no_grad():
        h_expected = rnn(xs)[0][:, 0, :].numpy()
    np.savez(path, **{k: v.numpy() for k, v in rnn.state_dict().items()})
    arrays = import_weights(path, "torch")
    params = RNNParams(**arrays, V=np.zeros((2, 5)), c=np.zeros(2))
    trace = rnn_forward(params, xs[:, 0, :].numpy(), np.zeros(T, dtype=int))
    np.testing.assert_allclose(trace.h, h_expected, rtol=0, atol=1e-9)


# ---------------------------------------------------------------------------------------
# Several recurrent layers in one file, 0-d arrays, .npz headers


def test_recurrent_layers_are_found_by_key_prefix(rng) -> None:
    state = {
        **{k.replace("lstm.", "encoder."): v for k, v in _torch_layout(rng).items()},
        "decoder.weight_ih_l0": np.zeros((16, 4)),
        "decoder.weight_hh_l0": np.zeros((16, 4)),
        "fc.weight": np.zeros((2, 4)),
    }
    assert recurrent_layers(state, "torch") == ["encoder", "decoder"]
    with pytest.raises(LayerChoiceError, match=r"2 recurrent layers \('encoder', 'decoder'\)"):
        select_layer(state, "torch", None)
    chosen = select_layer(state, "torch", "decoder")
    assert sorted(chosen) == ["decoder.weight_hh_l0", "decoder.weight_ih_l0", "fc.weight"]
    with pytest.raises(LayerChoiceError, match="no recurrent layer 'dec'") as info:
        select_layer(state, "torch", "dec")
    assert info.value.layers == ["encoder", "decoder"]
    keras = {
        "lstm/lstm_cell/kernel:0": np.zeros((3, 16)),
        "lstm/lstm_cell/recurrent_kernel:0": np.zeros((4, 16)),
        "lstm/lstm_cell/bias:0": np.zeros(16),
        "dense/kernel:0": np.zeros((4, 1)),  # a Dense layer's kernel is not recurrent
        "dense/bias:0": np.zeros(1),
    }
    bare = {"weight_ih_l0": np.zeros((8, 2)), "weight_hh_l0": np.zeros((8, 2))}
    both = {**bare, "dec.weight_ih_l0": np.zeros((8, 2)), "dec.weight_hh_l0": np.zeros((8, 2))}
    assert recurrent_layers(both, "torch") == ["", "dec"]
    assert sorted(select_layer(both, "torch", "")) == sorted(bare)  # keys without a prefix
    assert recurrent_layers(keras, "keras") == ["lstm/lstm_cell"]
    assert sorted(select_layer(keras, "keras", "lstm")) == sorted(keras)[2:]  # by its start
    assert lstm_from_keras(select_layer(keras, "keras", None))["W_z"].shape == (4, 3)


def test_a_0d_recurrent_array_is_named(rng) -> None:
    state = {**_torch_layout(rng), "lstm.weight_ih_l0": np.array(1.0)}
    state["running.num_batches_tracked"] = np.array(3)  # 0-d, but not recurrent: fine
    with pytest.raises(ValueError, match="'lstm.weight_ih_l0' is a single number"):
        _check_dimensions(state, "torch", "sd.npz")


def test_npz_headers_are_checked_before_reading(tmp_path: Path) -> None:
    import io
    import zipfile

    def npz(shape: tuple[int, ...], data: bytes) -> Path:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": shape}
        )
        path = tmp_path / "sd.npz"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("weight_ih_l0.npy", header.getvalue() + data)
        return path

    with pytest.raises(ValueError, match=r"claims shape \(100000, 100000\) \(74.5 GiB\)"):
        read_framework_arrays(npz((100000, 100000), b"\0" * 64))
    with pytest.raises(ValueError, match="is damaged"):
        read_framework_arrays(npz((4, 4), b"\0" * 64))
    assert read_framework_arrays(npz((2, 4), b"\0" * 64))["weight_ih_l0"].shape == (2, 4)
    folder = tmp_path / "weights"
    folder.mkdir()
    with pytest.raises(ValueError, match="is a folder, not a file"):
        read_framework_arrays(folder)
