"""rnn_core: a small NumPy RNN/LSTM core whose every number a lecture scene shows.

NumPy only, float64 throughout; every backward pass is checked against central finite
differences in the tests. Notation follows Greff et al. 2017 (LSTM) and Goodfellow et al.
ch. 10 (simple RNN).
"""

from __future__ import annotations

from . import clipping, jacobians, landscape, optim, tasks, train
from .clipping import clip_by_global_norm, clip_by_value
from .gradcheck import check_gradients, numeric_gradient, relative_error
from .lstm import (
    LSTMDeltas,
    LSTMParams,
    LSTMStep,
    LSTMTrace,
    lstm_backward,
    lstm_forward,
    lstm_step,
)
from .rnn import (
    RNNDeltas,
    RNNParams,
    RNNTrace,
    rnn_backward,
    rnn_forward,
    rnn_gradient_contributions,
)

__all__ = [
    "clipping",
    "jacobians",
    "landscape",
    "optim",
    "pretrained",
    "tasks",
    "train",
    "clip_by_global_norm",
    "clip_by_value",
    "LSTMParams",
    "LSTMTrace",
    "LSTMStep",
    "LSTMDeltas",
    "lstm_forward",
    "lstm_backward",
    "lstm_step",
    "RNNParams",
    "RNNTrace",
    "RNNDeltas",
    "rnn_forward",
    "rnn_backward",
    "rnn_gradient_contributions",
    "check_gradients",
    "numeric_gradient",
    "relative_error",
]


def __getattr__(name: str) -> object:
    # ``pretrained`` is imported on first use, so ``python -m rnn_core.pretrained`` does not
    # find it already imported by the package (runpy warns about that).
    if name == "pretrained":
        import importlib

        return importlib.import_module(".pretrained", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
