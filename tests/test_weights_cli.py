"""`rnn-slides weights import`: framework weights in, a file model.weights accepts out."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from render import cli
from rnn_core import lstm_forward
from rnn_core.interop import import_weights
from scenes.kit.config import ConfigError, load_config, lstm_setup, parse_config


def _torch_lstm_state(rng: np.random.Generator, n_in: int, n_hidden: int) -> dict:
    return {
        "lstm.weight_ih_l0": rng.normal(size=(4 * n_hidden, n_in)) * 0.5,
        "lstm.weight_hh_l0": rng.normal(size=(4 * n_hidden, n_hidden)) * 0.5,
        "lstm.bias_ih_l0": rng.normal(size=4 * n_hidden) * 0.1,
        "lstm.bias_hh_l0": rng.normal(size=4 * n_hidden) * 0.1,
        "head.weight": rng.normal(size=(1, n_hidden)),
    }


def test_imported_torch_lstm_drives_lecture_4(tmp_path: Path) -> None:
    state = _torch_lstm_state(np.random.default_rng(3), n_in=2, n_hidden=4)
    np.savez(tmp_path / "sd.npz", **state)
    result = CliRunner().invoke(
        cli,
        [
            "weights",
            "import",
            str(tmp_path / "sd.npz"),
            "--from",
            "torch",
            "-o",
            str(tmp_path / "mine.npz"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "LSTM with 4 units and 2 inputs" in result.output
    (tmp_path / "cfg.toml").write_text("[lecture.4.model]\nweights = 'mine.npz'\n")
    cfg = load_config(tmp_path / "cfg.toml").for_lecture(4)
    assert not cfg.model.peepholes and (cfg.model.n_in, cfg.model.n_hidden) == (2, 4)
    params, xs = lstm_setup(cfg)
    h, c = np.zeros(4), np.zeros(4)  # nn.LSTM's own equations, gates (i, f, g, o)
    bias = state["lstm.bias_ih_l0"] + state["lstm.bias_hh_l0"]
    for t, x in enumerate(xs):
        i, f, g, o = np.split(
            state["lstm.weight_ih_l0"] @ x + state["lstm.weight_hh_l0"] @ h + bias, 4
        )
        c = c / (1 + np.exp(-f)) + np.tanh(g) / (1 + np.exp(-i))
        h = np.tanh(c) / (1 + np.exp(-o))
        np.testing.assert_allclose(lstm_forward(params, xs).y[t], h, atol=1e-12)


def test_refusals_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    np.savez(tmp_path / "gru.npz", weight_ih_l0=np.zeros((12, 3)), weight_hh_l0=np.zeros((12, 4)))
    runner = CliRunner()
    for args, needle in (
        (["gru.npz", "--from", "torch", "-o", "x.npz"], "GRU"),
        (["gru.npz", "--from", "torch", "-o", "x.txt"], "*.npz"),
        (["missing.npz", "--from", "keras", "-o", "x.npz"], "no such file"),
    ):
        result = runner.invoke(
            cli,
            [
                "weights",
                "import",
                *[str(tmp_path / a) if a.endswith(("npz", "txt")) else a for a in args],
            ],
        )
        assert result.exit_code == 1, result.output
        assert needle in result.output and len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    assert not (tmp_path / "x.npz").exists()


# ---------------------------------------------------------------------------------------
# What is written passes the config's own check; several layers need --layer


def _import(tmp_path: Path, *args: str):
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(cli, ["weights", "import", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


def _one_line(result, *needles: str) -> str:
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert len(lines[0]) <= 200, lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("change", "n_hidden", "needles"),
    [
        (lambda s: s["lstm.weight_hh_l0"].__setitem__((0, 0), np.nan), 4, ("NaN or infinite",)),
        (lambda s: s["lstm.weight_ih_l0"].__setitem__((5, 1), 500.0), 4, ("500", "-100..100")),
        (lambda s: None, 1024, ("(1024, 1024)", "256 units")),
        (lambda s: None, 300, ("n_hidden = 300", "1..256")),
    ],
    ids=["nan", "value-500", "1024-cells", "300-cells"],
)
def test_import_refuses_what_every_config_would_refuse(
    tmp_path: Path, change, n_hidden: int, needles
) -> None:
    state = _torch_lstm_state(np.random.default_rng(0), n_in=2, n_hidden=n_hidden)
    change(state)
    np.savez(tmp_path / "sd.npz", **state)
    line = _one_line(
        _import(tmp_path, "sd.npz", "--from", "torch", "-o", "mine.npz"),
        "not written (a config would refuse it)",
        "'mine.npz'",
        *needles,
    )
    assert not (tmp_path / "mine.npz").exists(), line
    # the very message a config naming such a file gets (one code path)
    state_file = tmp_path / "mine.npz"
    np.savez(state_file, **import_weights(tmp_path / "sd.npz", "torch"))
    with pytest.raises(ConfigError) as info:
        parse_config({"lecture": {"4": {"model": {"weights": "mine.npz"}}}}, root=tmp_path)
    assert str(info.value).endswith(line.split("(a config would refuse it): ")[1])


def test_a_simple_rnn_without_its_output_layer_is_still_written(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    np.savez(
        tmp_path / "rnn.npz",
        weight_ih_l0=rng.normal(size=(3, 2)) * 0.3,
        weight_hh_l0=rng.normal(size=(3, 3)) * 0.3,
    )
    result = _import(tmp_path, "rnn.npz", "--from", "torch", "-o", "u.npz")
    assert result.exit_code == 0, result.output
    assert "add V and c (the output layer) by hand" in result.output


def test_two_recurrent_layers_need_layer(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    encoder, decoder = (
        {k.replace("lstm.", f"{name}."): v for k, v in _torch_lstm_state(rng, m, n).items()}
        for name, m, n in (("encoder", 2, 3), ("decoder", 3, 4))
    )
    encoder.pop("head.weight")  # one output layer, after the decoder
    np.savez(tmp_path / "seq2seq.npz", **encoder, **decoder)
    _one_line(
        _import(tmp_path, "seq2seq.npz", "--from", "torch", "-o", "x.npz"),
        "seq2seq.npz holds 2 recurrent layers (encoder, decoder)",
        "--layer encoder",
    )
    _one_line(
        _import(tmp_path, "seq2seq.npz", "--from", "torch", "--layer", "enc", "-o", "x.npz"),
        "no recurrent layer 'enc'",
        "encoder, decoder",
    )
    assert not (tmp_path / "x.npz").exists()
    result = _import(
        tmp_path, "seq2seq.npz", "--from", "torch", "--layer", "decoder", "-o", "d.npz"
    )
    assert result.exit_code == 0, result.output
    assert "LSTM with 4 units and 3 inputs" in result.output
    with np.load(tmp_path / "d.npz") as data:  # the decoder's numbers, not the encoder's
        np.testing.assert_array_equal(data["W_i"], decoder["decoder.weight_ih_l0"][:4])


def test_a_0d_array_is_named(tmp_path: Path) -> None:
    state = _torch_lstm_state(np.random.default_rng(3), 2, 3)
    state["lstm.weight_hh_l0"] = np.array(0.5)
    state["bn.num_batches_tracked"] = np.array(7)  # a 0-d array of another layer is fine
    np.savez(tmp_path / "sd.npz", **state)
    _one_line(
        _import(tmp_path, "sd.npz", "--from", "torch", "-o", "x.npz"),
        "'lstm.weight_hh_l0' is a single number (0-d)",
        "2-d weight matrix",
    )


def test_an_absurd_header_is_refused_before_reading(tmp_path: Path) -> None:
    _huge_npz(tmp_path / "sd.npz", ("weight_ih_l0", "weight_hh_l0"))
    _one_line(
        _import(tmp_path, "sd.npz", "--from", "torch", "-o", "x.npz"),
        "sd.npz: array 'weight_ih_l0' claims shape (100000, 100000) (74.5 GiB)",
    )


def test_a_lying_header_is_named_damaged(tmp_path: Path) -> None:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (16, 3)}
    )
    with zipfile.ZipFile(tmp_path / "sd.npz", "w") as archive:
        archive.writestr("weight_ih_l0.npy", header.getvalue() + b"\0" * 8)
    _one_line(
        _import(tmp_path, "sd.npz", "--from", "torch", "-o", "x.npz"),
        "'weight_ih_l0' is damaged",
        "(16, 3)",
    )


def _huge_npz(path: Path, keys: tuple[str, ...]) -> None:
    """An .npz whose arrays' headers claim 100000 x 100000 float64 (74.5 GiB) over 64 bytes."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (100000, 100000)}
    )
    with zipfile.ZipFile(path, "w") as archive:
        for key in keys:
            archive.writestr(f"{key}.npy", header.getvalue() + b"\0" * 64)
