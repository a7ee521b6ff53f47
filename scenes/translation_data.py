"""What lecture 6's seq2seq and attention slides show, computed from the three shipped
translation models (:mod:`rnn_core.pretrained_translation`): no manim here, so the print
figures (``slidebuild.figures``) read the same numbers as the scenes.

Everything comes from a greedy translation of the lecture's example sentences and from the
exact match measured on fresh sentences (:func:`rnn_core.pretrained_translation.
exact_match_by_length`); nothing is typed in.

Example
-------
>>> data = alignment_data()
>>> data.source[:3], data.output[-1]
(('the', 'black', 'cat'), 'taberu')
>>> data.weights.shape  # written words x source words
(8, 8)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from rnn_core.pretrained import load
from rnn_core.pretrained_translation import LENGTHS, Seq2SeqTranslation, exact_match_by_length
from rnn_core.tasks import translation_example
from scenes.kit.theme import Theme

__all__ = [
    "CURVE_MODELS",
    "CURVE_NAMES",
    "CURVE_STYLE",
    "curve_style",
    "LengthCurves",
    "length_curves",
    "BottleneckExample",
    "bottleneck_example",
    "AttentionStep",
    "attention_step",
    "AlignmentData",
    "alignment_data",
    "top_words",
]

# The models the by-length slide compares, in the order they are drawn.
CURVE_MODELS = ("seq2seq-lstm", "seq2seq-attention", "tiny-transformer")

# How each model's curve is drawn (colour quantity, dashed, stroke width): a colour-blind-safe
# vermillion / blue pair for without / with attention, the Transformer dashed on top.
CURVE_STYLE = {
    "seq2seq-lstm": ("c", False, 5.0),
    "seq2seq-attention": ("peephole", False, 9.0),
    "tiny-transformer": ("z", True, 4.0),
}
CURVE_NAMES = {
    "seq2seq-lstm": "LSTMs, no attention",
    "seq2seq-attention": "LSTMs with attention",
    "tiny-transformer": "Transformer",
}


def curve_style(th: Theme, name: str) -> tuple[str, bool, float]:
    quantity, dashed, width = CURVE_STYLE[name]
    """(colour, dashed, stroke width) of a model's curve in theme ``th``."""
    return th.quantity(quantity), dashed, width


@dataclass(frozen=True)
class LengthCurves:
    """Exact match by source length of each model (100 fresh sentences per length)."""

    lengths: tuple[int, ...]
    curves: dict[str, np.ndarray]  # model name -> (len(lengths),)

    def at(self, name: str, length: int) -> float:
        return float(self.curves[name][self.lengths.index(length)])


@functools.cache
def length_curves() -> LengthCurves:
    """Measured now from the shipped files (a second or two: greedy decoding of 800
    sentences per model); the tests check it equals the ``meta["story"]`` stored with them."""
    curves = {}
    for name in CURVE_MODELS:
        by_length = exact_match_by_length(load(name))
        curves[name] = np.array([by_length[L] for L in LENGTHS])
    return LengthCurves(tuple(LENGTHS), curves)


def top_words(probs: np.ndarray, words: tuple[str, ...], k: int = 3) -> list[tuple[str, float]]:
    """The ``k`` most probable words of one decoder step, best first."""
    order = np.argsort(-probs, kind="stable")[:k]
    return [(words[i], float(probs[i])) for i in order]


@dataclass(frozen=True)
class BottleneckExample:
    """The model without attention on the long example sentence: its trace, the reference
    translation, and the same sentence through the attention model."""

    trace: Seq2SeqTranslation
    reference: tuple[str, ...]
    attention_output: tuple[str, ...]
    n_hidden: int
    short_source: tuple[str, ...]  # the seed example, which this model gets right
    short_reference: tuple[str, ...]
    short_output: tuple[str, ...]

    @property
    def source(self) -> tuple[str, ...]:
        return self.trace.source

    @property
    def output(self) -> tuple[str, ...]:
        return self.trace.output

    @property
    def written(self) -> tuple[str, ...]:
        """Every word the decoder wrote, ``<eos>`` included when it ended."""
        return self.trace.output + (("<eos>",) if self.trace.ended else ())

    @property
    def chosen_probs(self) -> np.ndarray:
        """The probability of each written word at its step (written words,)."""
        return self.trace.probs.max(axis=1)[: len(self.written)]

    @property
    def exact(self) -> bool:
        return self.output == self.reference

    @property
    def invented(self) -> tuple[int, ...]:
        """Positions of written words that the reference does not contain at all."""
        return tuple(k for k, w in enumerate(self.output) if w not in self.reference)


@functools.cache
def bottleneck_example() -> BottleneckExample:
    source, reference, _ = translation_example(long=True)
    short_source, short_reference, _ = translation_example(long=False)
    model = load("seq2seq-lstm")
    return BottleneckExample(
        trace=model.trace(source),
        reference=reference,
        attention_output=load("seq2seq-attention").translate(source),
        n_hidden=int(model.meta["sizes"]["n_hidden"]),
        short_source=short_source,
        short_reference=short_reference,
        short_output=model.translate(short_source),
    )


@dataclass(frozen=True)
class AttentionStep:
    """One decoder step of ``seq2seq-attention`` on the long example: the step that writes
    the verb (the last word, whose source word sits in the middle of the sentence)."""

    trace: Seq2SeqTranslation
    t: int  # the step (0-based): it reads decoder_input[t] and writes output[t]
    target_words: tuple[str, ...]

    @property
    def source(self) -> tuple[str, ...]:
        return self.trace.source

    @property
    def written_before(self) -> tuple[str, ...]:
        return self.trace.output[: self.t]

    @property
    def word(self) -> str:
        return self.trace.output[self.t]

    @property
    def state(self) -> np.ndarray:
        """s^t, the decoder's state (N,)."""
        return self.trace.decoder_states[self.t]

    @property
    def keys(self) -> np.ndarray:
        """h^j, the encoder's states (Ts, N)."""
        return self.trace.encoder_states

    @property
    def scores(self) -> np.ndarray:
        return self.trace.scores[self.t]

    @property
    def weights(self) -> np.ndarray:
        return self.trace.weights[self.t]

    @property
    def context(self) -> np.ndarray:
        return self.trace.context[self.t]

    @property
    def probs(self) -> np.ndarray:
        return self.trace.probs[self.t]

    @property
    def best(self) -> int:
        """The source word with the largest weight."""
        return int(np.argmax(self.weights))

    def candidates(self, k: int = 3) -> list[tuple[str, float]]:
        return top_words(self.probs, self.target_words, k)


@functools.cache
def attention_step() -> AttentionStep:
    source, _, _ = translation_example(long=True)
    model = load("seq2seq-attention")
    trace = model.trace(source)
    return AttentionStep(trace, len(trace.output) - 1, model.target_words)


@dataclass(frozen=True)
class AlignmentData:
    """The attention map of the long example: ``weights`` (written words, source words) of
    ``seq2seq-attention``, the reference alignment, and the Transformer's cross-attention
    (mean over its heads) when it writes the same words."""

    source: tuple[str, ...]
    output: tuple[str, ...]
    reference: tuple[str, ...]
    alignment: tuple[int | None, ...]
    weights: np.ndarray  # (Tt, Ts)
    transformer: np.ndarray | None  # (Tt, Ts), mean over heads
    transformer_heads: int
    mean_aligned: float  # this model's story: mean weight on the aligned word, fresh sentences
    transformer_mean_aligned: float

    @property
    def verb_row(self) -> int:
        """The last written word (the verb, moved to the end)."""
        return len(self.output) - 1

    @property
    def aligned_rows(self) -> list[int]:
        """Rows with a source word (particles have none)."""
        return [j for j, a in enumerate(self.alignment) if a is not None]

    def aligned_weights(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Each aligned row's weight on its source word."""
        w = self.weights if weights is None else weights
        return np.array([w[j, self.alignment[j]] for j in self.aligned_rows])

    def phases(self) -> list[list[int]]:
        """The rows grouped as the slide fills them: the subject up to its particle "wa",
        the rest up to the verb, then the verb alone."""
        first_particle = self.alignment.index(None)
        verb = self.verb_row
        return [
            list(range(first_particle + 1)),
            list(range(first_particle + 1, verb)),
            [verb],
        ]


@functools.cache
def alignment_data() -> AlignmentData:
    source, reference, alignment = translation_example(long=True)
    model = load("seq2seq-attention")
    output = model.translate(source)
    if output != reference:
        raise RuntimeError(f"seq2seq-attention no longer translates {' '.join(source)!r}")
    weights = model.attention(source)
    tf = load("tiny-transformer")
    heads = tf.attention(source)  # (H, Tt, Ts)
    same = tf.translate(source) == output
    return AlignmentData(
        source=source,
        output=output,
        reference=reference,
        alignment=alignment,
        weights=weights,
        transformer=heads.mean(axis=0) if same else None,
        transformer_heads=int(heads.shape[0]),
        mean_aligned=float(model.meta["story"]["aligned_attention"]),
        transformer_mean_aligned=float(tf.meta["story"]["aligned_attention"]),
    )
