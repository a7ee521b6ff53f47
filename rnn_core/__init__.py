"""rnn_core: a small NumPy RNN/LSTM core whose every number a lecture scene shows.

NumPy only, float64 throughout; every backward pass is checked against central finite
differences in the tests. Notation follows Greff et al. 2017 (LSTM) and Goodfellow et al.
ch. 10 (simple RNN).

Lecture 1's tasks (:mod:`rnn_core.ctc`, :mod:`rnn_core.birnn`, :mod:`rnn_core.captioning`,
generators in :mod:`rnn_core.tasks`, models in :mod:`rnn_core.pretrained_tasks`, loaded by
``rnn_core.pretrained.load(name)``; each trained from seed 0 with rnn_core's own backward
passes and Adam by ``python -m rnn_core.pretrained --retrain --name NAME``; accuracies
measured on 2000 fresh examples from seed 1, training times with one BLAS thread):

- ``speech-ctc``: voice recognition. A bidirectional simple RNN (12 inputs per frame,
  H = 24 per direction) with a softmax over the CTC blank and the letters a b c e t,
  trained with the CTC loss on 3000 batches of 8 synthetic utterances (``speech_task``:
  about 20 noisy frames for a 3-letter word). ``predict(frames)`` takes the best path and
  collapses it. Word accuracy 99.8 %, 99.5 % on words with a doubled letter ("tee",
  "bee", "ebb": the best path holds the two letters apart with a blank). About 35 s.
- ``ner-rnn`` and ``ner-birnn``: named entities. A forward simple RNN and a bidirectional
  one (54 one-hot words, H = 6 per direction, softmax over {other, name} per word),
  trained with cross-entropy on 1500 batches of 32 sentences (``ner_task``).
  ``predict(tokens)`` gives P(name) per word. At an ambiguous first word ("Teddy bears
  ..." / "Teddy Roosevelt ...") the forward RNN answers 0.484 to 0.523 (it has read one
  word: 0.494 at "Teddy" in both sentences) and the bidirectional one is right on 100 %
  (0.0001 and 0.9999 at "Teddy"); every other word: 100 % both. About 3 s and 5 s.
- ``caption-lstm``: image captioning. An MLP encoder (16 x 16 x 3 = 768 pixel values ->
  128 tanh -> the 32-dimensional tanh semantic vector) and a Greff LSTM decoder (N = 32,
  peepholes; its initial state and each step's input come from the semantic vector, each
  written word is fed back) over 11 words, trained by teacher forcing on 3000 batches of
  32 from 10000 pictures (``caption_task``). ``predict(image)`` decodes greedily,
  ``encode(image)`` gives the semantic vector. Exact caption match 97.0 % (99.4 % with
  one shape, 95.7 % with two), 99.3 % of words. About 20 s.

Lecture 6 adds seq2seq with attention (Luong et al. 2015) and the
Transformer (Vaswani et al. 2017): :mod:`rnn_core.attention`, :mod:`rnn_core.seq2seq`,
:mod:`rnn_core.transformer`, and the trained translators of
:mod:`rnn_core.pretrained_translation`.
"""

from __future__ import annotations

from . import (
    attention,
    birnn,
    captioning,
    clipping,
    ctc,
    jacobians,
    landscape,
    optim,
    pretrained_tasks,
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
from .birnn import BiRNNDeltas, BiRNNParams, BiRNNTrace, birnn_backward, birnn_forward
from .captioning import (
    CaptionParams,
    CaptionTrace,
    EncoderParams,
    GreedyDecode,
    caption_backward,
    caption_forward,
    greedy_decode,
)
from .clipping import clip_by_global_norm, clip_by_value
from .ctc import best_path, collapse, ctc_alpha, ctc_loss
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
    # lecture 1's tasks: CTC, the bidirectional RNN, the captioner and their models
    "birnn",
    "captioning",
    "ctc",
    "pretrained_tasks",
    "ctc_loss",
    "ctc_alpha",
    "best_path",
    "collapse",
    "BiRNNParams",
    "BiRNNTrace",
    "BiRNNDeltas",
    "birnn_forward",
    "birnn_backward",
    "EncoderParams",
    "CaptionParams",
    "CaptionTrace",
    "GreedyDecode",
    "caption_forward",
    "caption_backward",
    "greedy_decode",
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
