"""`rnn-slides weights import`: framework weights in, a file model.weights accepts out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from click.testing import CliRunner

from render import cli
from rnn_core import lstm_forward
from scenes.kit.config import load_config, lstm_setup


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
