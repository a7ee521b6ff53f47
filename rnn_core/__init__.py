"""rnn_core: a small NumPy RNN/LSTM core whose every number a lecture scene shows.

NumPy only, float64 throughout; every backward pass is checked against central finite
differences in the tests. Notation follows Greff et al. 2017 (LSTM) and Goodfellow et al.
ch. 10 (simple RNN); lecture 6 adds seq2seq with attention (Luong et al. 2015) and the
Transformer (Vaswani et al. 2017): :mod:`rnn_core.attention`, :mod:`rnn_core.seq2seq`,
:mod:`rnn_core.transformer`, and the trained translators of
:mod:`rnn_core.pretrained_translation`.
"""

from __future__ import annotations

from . import (
    attention,
    clipping,
    jacobians,
    landscape,
    optim,
    pretrained_translation,
    seq2seq,
    tasks,
    train,
    transformer,
)
from .attention import (
    AttentionTrace,
    MHATrace,
    MultiHeadParams,
    attention_backward,
    attention_forward,
    mha_backward,
    mha_forward,
    positional_encoding,
)
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
from .seq2seq import Seq2SeqParams, Seq2SeqTrace, seq2seq_backward, seq2seq_forward
from .transformer import (
    TransformerParams,
    TransformerTrace,
    transformer_backward,
    transformer_forward,
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
    # lecture 6: attention, seq2seq, the Transformer
    "attention",
    "seq2seq",
    "transformer",
    "pretrained_translation",
    "AttentionTrace",
    "MHATrace",
    "MultiHeadParams",
    "attention_forward",
    "attention_backward",
    "mha_forward",
    "mha_backward",
    "positional_encoding",
    "Seq2SeqParams",
    "Seq2SeqTrace",
    "seq2seq_forward",
    "seq2seq_backward",
    "TransformerParams",
    "TransformerTrace",
    "transformer_forward",
    "transformer_backward",
]


def __getattr__(name: str) -> object:
    # ``pretrained`` is imported on first use, so ``python -m rnn_core.pretrained`` does not
    # find it already imported by the package (runpy warns about that).
    if name == "pretrained":
        import importlib

        return importlib.import_module(".pretrained", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
