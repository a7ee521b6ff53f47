"""Bad input gets a one-line ValueError naming the argument, its shape and what was expected."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import LSTMParams, RNNParams, lstm_backward, lstm_forward, rnn_backward, rnn_forward

RNG = np.random.default_rng(0)
LSTM = LSTMParams.init(3, 4, RNG)
RNN = RNNParams.init(3, 4, 2, RNG)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: lstm_forward(LSTM, np.zeros((5, 2))),
            r"xs has shape \(5, 2\) but the LSTM with M = 3 inputs expects \(T, 3\) or \(T, B, 3\)",
        ),
        (lambda: lstm_forward(LSTM, np.zeros(3)), r"xs has shape \(3,\)"),
        (
            lambda: lstm_forward(LSTM, np.full((2, 3), np.nan)),
            r"xs contains 6 NaN or infinite value\(s\)",
        ),
        (lambda: lstm_forward(LSTM, np.array([[1, 2, np.inf]])), r"xs contains 1 NaN or infinite"),
        (
            lambda: lstm_forward(LSTM, np.zeros((2, 3), dtype=bool)),
            r"xs has dtype bool; expected real numbers",
        ),
        (lambda: lstm_forward(LSTM, [["a", "b", "c"]]), r"xs has dtype <U1; expected real numbers"),
        (
            lambda: lstm_forward(LSTM, np.zeros((2, 3)), y0=np.zeros(3)),
            r"y0 has shape \(3,\); expected \(4,\)",
        ),
        (
            lambda: lstm_forward(LSTM, np.zeros((2, 5, 3)), c0=np.zeros(4)),
            r"c0 has shape \(4,\); expected \(5, 4\)",
        ),
        (
            lambda: lstm_backward(LSTM, lstm_forward(LSTM, np.zeros((2, 3))), np.zeros((3, 4))),
            r"dy_ext has shape \(3, 4\); expected \(2, 4\)",
        ),
        (lambda: LSTMParams.init(3, 0, RNG), r"n_hidden must be a positive integer, got 0"),
        (lambda: LSTMParams.init(0, 3, RNG), r"n_in must be a positive integer, got 0"),
        (lambda: LSTMParams.init(3, 2.5, RNG), r"n_hidden must be a positive integer, got 2.5"),
        (lambda: LSTMParams.init(3, 3, 42), r"rng must be a numpy.random.Generator"),
        (lambda: RNNParams.init(3, 0, 2, RNG), r"n_hidden must be a positive integer, got 0"),
        (
            lambda: rnn_forward(RNN, np.zeros((4, 2)), np.zeros(4, dtype=int)),
            r"xs has shape \(4, 2\) but the RNN with M = 3 inputs expects",
        ),
        (
            lambda: rnn_forward(RNN, np.zeros((4, 3)), np.zeros(3, dtype=int)),
            r"targets has shape \(3,\); expected \(4,\)",
        ),
        (
            lambda: rnn_forward(RNN, np.zeros((4, 3)), np.full(4, 2)),
            r"targets must lie in 0 .. 1 for K = 2 outputs",
        ),
        (
            lambda: rnn_forward(RNN, np.zeros((4, 3)), np.full(4, 0.5)),
            r"targets has dtype float64; expected integer class indices",
        ),
        (
            lambda: rnn_backward(
                RNN, rnn_forward(RNN, np.zeros((4, 3)), np.zeros(4, dtype=int)), truncate=-1
            ),
            r"truncate must be None or a whole number >= 0",
        ),
    ],
)
def test_bad_input_gets_a_clear_one_line_message(call, message):
    with pytest.raises(ValueError, match=message) as info:
        call()
    assert "\n" not in str(info.value)


def test_params_with_wrong_shapes_are_rejected():
    with pytest.raises(
        ValueError, match=r"R_f has shape \(4, 3\); expected \(4, 4\) for N = 4 cells, M = 3 inputs"
    ):
        LSTMParams(**{**{n: getattr(LSTM, n) for n in LSTM.array_names()}, "R_f": np.zeros((4, 3))})
    with pytest.raises(
        ValueError,
        match=r"V has shape \(2, 3\); expected \(2, 4\) for H = 4 hidden, M = 3 inputs",
    ):
        RNNParams(U=RNN.U, W=RNN.W, V=np.zeros((2, 3)), b=RNN.b, c=RNN.c)


def test_integer_inputs_are_converted_to_float():
    trace = lstm_forward(LSTM, np.array([[1, 0, -1]]))
    assert trace.y.dtype == np.float64
