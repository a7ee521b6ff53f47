"""Lecture 1's task models, trained by rnn_core and shipped: voice recognition with CTC,
named entities forwards and both ways, and image captioning.

``speech-ctc``: a bidirectional simple RNN (:mod:`rnn_core.birnn`; F = 12 inputs, H = 24
per direction, C = 6 outputs: the blank and the letters a b c e t) reading
:func:`~rnn_core.tasks.speech_task` utterances (about 20 frames for a 3-letter word), with a
CTC output (:mod:`rnn_core.ctc`). ``predict(frames)`` takes the best path and collapses
it. Trained with the CTC loss of every utterance, BPTT in both directions and Adam.

``ner-rnn`` and ``ner-birnn``: a forward-only simple RNN (:mod:`rnn_core.rnn`) and a
bidirectional one, both H = 6 per direction over one-hot words (M = 54, the grammar's
vocabulary) with a two-way softmax per word, trained with cross-entropy at every word
on :func:`~rnn_core.tasks.ner_task`. ``predict(tokens)`` gives P(name) per token. At an
ambiguous first word ("Teddy" in "Teddy bears ..." / "Teddy Roosevelt ...") the forward
RNN has seen nothing else and answers about 0.5 for both; the bidirectional one has heard
the next word from its backward half and answers right.

``caption-lstm``: an MLP image encoder (768 pixel values -> 128 -> D = 32, the semantic
vector) and a Greff LSTM decoder (N = 32 cells, peepholes) over K = 11 words, started
from the semantic vector and seeing it at every step (:mod:`rnn_core.captioning`), trained
by teacher forcing on :func:`~rnn_core.tasks.caption_task` pictures; ``predict(image)``
decodes greedily, ``encode(image)`` gives the semantic vector and ``decode(image)`` every
step's word distribution.

Each model is trained from its seed by :func:`train` with rnn_core's own backward passes
and :class:`~rnn_core.optim.Adam`, and measured by :func:`story` on fresh examples from
seeds that training never sees; :data:`LIMITS` says what each must reach. Measured on the
shipped files (the story stored in each file's ``meta``): see the ``rnn_core`` package
docstring. Files hold every array as ``<part>.<field>`` plus a JSON ``meta``.

Training repeats bit for bit from the seed on one machine, whatever the number of BLAS
threads. It takes 3 to 35 s per model on one core; the captioner's encoder multiplies
(32, 768) by (768, 128) matrices, which OpenBLAS spreads over threads, and on a busy
machine those threads wait for each other: ``OPENBLAS_NUM_THREADS=1 python -m
rnn_core.pretrained --retrain`` is then several times faster.

Example
-------
>>> import numpy as np
>>> from rnn_core.tasks import speech_task
>>> from rnn_core import pretrained
>>> model = pretrained.load("speech-ctc")
>>> frames, word = speech_task(np.random.default_rng(3), 1)[0]
>>> model.predict(frames) == word
True
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from . import ctc
from ._checks import as_float_array
from ._npzfile import save_npz_atomic
from .birnn import BiRNNParams, BiRNNTrace, birnn_backward, birnn_forward, cross_entropy
from .captioning import (
    CaptionParams,
    DecoderParams,
    EncoderParams,
    GreedyDecode,
    caption_backward,
    caption_forward,
    encoder_forward,
    greedy_decode,
)
from .lstm import LSTMParams
from .optim import Adam
from .rnn import RNNParams, RNNTrace, rnn_backward, rnn_forward
from .tasks import (
    CAPTION_BACKGROUND,
    CAPTION_COLOURS,
    CAPTION_RELATIONS,
    CAPTION_SHAPES,
    CAPTION_SIZE,
    NER_AMBIGUOUS,
    NER_VOCABULARY,
    SPEECH_BANDS,
    SPEECH_LETTERS,
    SPEECH_WORDS,
    caption_task,
    ner_task,
    speech_task,
)

__all__ = [
    "MODELS",
    "LIMITS",
    "SpeechCTC",
    "NERTagger",
    "Captioner",
    "SemanticMap",
    "principal_components",
    "SpeechRecipe",
    "NERRecipe",
    "CaptionRecipe",
    "NER_PAIR",
    "SPEECH_SYMBOLS",
    "CAPTION_VOCABULARY",
    "train",
    "train_speech_ctc",
    "train_ner",
    "train_caption_lstm",
    "story",
    "speech_story",
    "ner_story",
    "caption_story",
    "speech_example",
    "read",
    "save",
]

MODELS = {
    "speech-ctc": "bidirectional RNN (F = 12, H = 24 per direction) with a CTC output over "
    "blank + 5 letters, spelling synthetic spoken words",
    "ner-rnn": "forward simple RNN (54 one-hot words, H = 6) giving P(name) per word",
    "ner-birnn": "bidirectional RNN (54 one-hot words, H = 6 per direction) giving P(name) "
    "per word",
    "caption-lstm": "MLP image encoder (768 -> 128 -> 32) + LSTM decoder (N = 32) captioning "
    "16 x 16 pictures of coloured shapes",
}

# CTC symbols of speech-ctc: the blank ("-" on a slide) then the letters.
SPEECH_SYMBOLS = ("-", *SPEECH_LETTERS)

# The decoder's words: the start token (only ever fed in), the end token, then the words.
CAPTION_VOCABULARY = (
    "<start>",
    "<end>",
    *CAPTION_COLOURS,
    *CAPTION_SHAPES,
    *sorted({w for r in CAPTION_RELATIONS for w in r.split()}),
)
_START, _END = 0, 1

# The lecture's pair: the same first word, a name in one and not in the other.
NER_PAIR = ("Teddy bears are on sale", "Teddy Roosevelt was a great president")

# What each model's story must show (keys of story(name, model)): ("min", x) means >= x,
# ("max", x) means <= x. Measured on fresh examples (their own seeds, never trained on).
LIMITS: dict[str, dict[str, tuple[str, float]]] = {
    "speech-ctc": {"accuracy": ("min", 0.9), "doubled_accuracy": ("min", 0.9)},
    "ner-rnn": {"ambiguous_deviation": ("max", 0.1), "other_token_accuracy": ("min", 0.95)},
    "ner-birnn": {"ambiguous_accuracy": ("min", 0.95), "token_accuracy": ("min", 0.95)},
    "caption-lstm": {"exact_match": ("min", 0.8)},
}


# ---------------------------------------------------------------------------------------
# speech-ctc


@dataclass(frozen=True)
class SpeechCTC:
    """A bidirectional RNN whose per-frame softmax over :data:`SPEECH_SYMBOLS` (blank
    first) is read by CTC. ``params`` is a :class:`~rnn_core.birnn.BiRNNParams`."""

    params: BiRNNParams
    meta: MappingProxyType
    symbols: tuple[str, ...] = SPEECH_SYMBOLS

    def _frames(self, frames: np.ndarray) -> np.ndarray:
        arr = as_float_array("frames", frames)
        if arr.ndim != 2 or arr.shape[1] != self.params.n_in:
            raise ValueError(
                f"frames has shape {arr.shape}; expected (T, {self.params.n_in}) feature "
                f"frames as rnn_core.tasks.speech_task makes them"
            )
        return arr

    def trace(self, frames: np.ndarray) -> BiRNNTrace:
        """The forward pass: per-direction hidden states ``h_f h_b`` (T, H), logits ``o``
        and per-frame symbol probabilities ``y_hat`` (T, C)."""
        return birnn_forward(self.params, self._frames(frames))

    def log_probs(self, frames: np.ndarray) -> np.ndarray:
        """log y^t_k, (T, C): the heat map of the per-frame output distribution."""
        return ctc.log_softmax(self.trace(frames).o)

    def best_path(self, frames: np.ndarray) -> np.ndarray:
        """The most probable symbol at every frame, (T,) (0 is the blank)."""
        return ctc.best_path(self.trace(frames).o)

    def spell(self, path: Sequence[int]) -> str:
        """Symbols as a string, the blank as "-": ``[0, 3, 3, 0, 1]`` -> ``"-cc-a"``."""
        return "".join(self.symbols[k] for k in path)

    def decode_steps(self, frames: np.ndarray) -> dict[str, str]:
        """The collapse, one step at a time: ``path`` (one symbol per frame), ``merged``
        (repeats merged), ``word`` (blanks dropped)."""
        path = self.best_path(frames)
        keep = np.ones(len(path), dtype=bool)
        keep[1:] = path[1:] != path[:-1]
        return {
            "path": self.spell(path),
            "merged": self.spell(path[keep]),
            "word": self.spell(ctc.collapse(path)),
        }

    def predict(self, frames: np.ndarray) -> str:
        """The word heard: best path, merge repeats, drop blanks."""
        return self.spell(ctc.collapse(self.best_path(frames)))

    def labels(self, word: str) -> list[int]:
        """A word's CTC labels (indices into :data:`SPEECH_SYMBOLS`)."""
        bad = sorted({ch for ch in word if ch not in self.symbols[1:]})
        if not word or bad:
            raise ValueError(
                f"cannot spell {word!r} with the letters {''.join(self.symbols[1:])}; "
                f"use a non-empty word of those"
            )
        return [self.symbols.index(ch) for ch in word]

    def alpha(self, frames: np.ndarray, word: str) -> np.ndarray:
        """The CTC forward variables (log), (T, 2U+1), of ``word`` over these frames; rows
        follow :func:`~rnn_core.ctc.extended_labels` (blank, w_1, blank, ..., w_U, blank)."""
        return ctc.ctc_alpha(self.trace(frames).o, self.labels(word))

    def word_probability(self, frames: np.ndarray, word: str) -> float:
        """p(word | frames) summed over every alignment (0 when T is too short)."""
        a = self.alpha(frames, word)
        return float(np.exp(np.logaddexp(a[-1, -1], a[-1, -2])))


@dataclass(frozen=True)
class SpeechRecipe:
    """How ``speech-ctc`` is trained: Adam on the mean CTC loss of ``batch`` fresh
    utterances per step (each utterance its own length, processed one by one)."""

    seed: int = 0
    n_hidden: int = 24
    n_steps: int = 3000
    batch: int = 8
    lr: float = 0.01


def _scaled_sum(grads: Sequence[Any], factor: float) -> Any:
    """``factor`` times the sum of parameter dataclasses of gradients (one or more)."""
    first = grads[0]
    return dataclasses.replace(
        first, **{n: factor * sum(getattr(g, n) for g in grads) for n in first.array_names()}
    )


def train_speech_ctc(recipe: SpeechRecipe | None = None) -> tuple[SpeechCTC, np.ndarray]:
    """Train ``speech-ctc``; returns the model and the mean CTC loss of each step."""
    r = SpeechRecipe() if recipe is None else recipe
    rng = np.random.default_rng(r.seed)
    params = BiRNNParams.init(SPEECH_BANDS, r.n_hidden, len(SPEECH_SYMBOLS), rng)
    opt = Adam(lr=r.lr)
    losses = np.empty(r.n_steps)
    for step in range(r.n_steps):
        grads, total = [], 0.0
        for frames, word in speech_task(rng, r.batch):
            trace = birnn_forward(params, frames)
            loss, dlogits = ctc.ctc_loss(trace.o, [SPEECH_SYMBOLS.index(ch) for ch in word])
            g, _ = birnn_backward(params, trace, dlogits)
            grads.append(g)
            total += loss
        (params,) = opt.step([params], [_scaled_sum(grads, 1.0 / r.batch)])
        losses[step] = total / r.batch
    meta = {
        "name": "speech-ctc",
        "description": MODELS["speech-ctc"],
        "task": "rnn_core.tasks.speech_task",
        "symbols": list(SPEECH_SYMBOLS),
        "recipe": dataclasses.asdict(r),
        "final_loss": float(np.mean(losses[-100:])),
    }
    return SpeechCTC(params, MappingProxyType(meta)), losses


def speech_story(model: SpeechCTC, seed: int = 2024, n: int = 300) -> dict[str, Any]:
    """``accuracy``: share of ``n`` fresh utterances spelled exactly; ``doubled_accuracy``
    the same over the utterances of words with a doubled letter in a sample twice as large
    (``doubled``: how many); ``tee``: the best path and collapse of the lecture's example
    (:func:`speech_example`), and ``tee_probability`` p("tee" | its frames)."""
    right = [model.predict(f) == w for f, w in speech_task(np.random.default_rng(seed), n)]
    doubled = [
        (f, w)
        for f, w in speech_task(np.random.default_rng(seed + 1), 2 * n)
        if any(a == b for a, b in zip(w[:-1], w[1:], strict=True))
    ]
    frames = speech_example("tee")
    steps = model.decode_steps(frames)
    return {
        "accuracy": float(np.mean(right)),
        "doubled_accuracy": float(np.mean([model.predict(f) == w for f, w in doubled])),
        "doubled": len(doubled),
        "utterances": n,
        "tee_path": steps["path"],
        "tee_word": steps["word"],
        "tee_probability": model.word_probability(frames, "tee"),
    }


EXAMPLE_SPEECH_SEED = 19


def speech_example(word: str = "tee", seed: int = EXAMPLE_SPEECH_SEED) -> np.ndarray:
    """The frames (T, F) of the first utterance of ``word`` in the speech task's stream
    from ``seed``: the lecture's example ("tee" needs a blank between its e's)."""
    if word not in SPEECH_WORDS:
        raise ValueError(f"{word!r} is not a word of the speech task; use one of {SPEECH_WORDS}")
    rng = np.random.default_rng(seed)
    while True:
        frames, said = speech_task(rng, 1)[0]
        if said == word:
            return frames


# ---------------------------------------------------------------------------------------
# ner-rnn and ner-birnn


@dataclass(frozen=True)
class NERTagger:
    """A named-entity tagger over one-hot words: ``params`` is an
    :class:`~rnn_core.rnn.RNNParams` (forward only, ``ner-rnn``) or a
    :class:`~rnn_core.birnn.BiRNNParams` (``ner-birnn``); output class 1 is "part of a
    name"."""

    params: RNNParams | BiRNNParams
    meta: MappingProxyType
    vocabulary: tuple[str, ...] = NER_VOCABULARY

    @property
    def bidirectional(self) -> bool:
        return isinstance(self.params, BiRNNParams)

    def encode(self, tokens: str | Sequence[str]) -> np.ndarray:
        """One-hot word vectors, (T, V); a string is split on spaces."""
        words = tokens.split() if isinstance(tokens, str) else list(tokens)
        if not words:
            raise ValueError("tokens is empty; pass a sentence such as 'Teddy bears are on sale'")
        unknown = [w for w in words if w not in self.vocabulary]
        if unknown:
            raise ValueError(
                f"unknown word(s) {unknown[:3]} in {' '.join(map(str, words))!r}: the tagger "
                f"knows the {len(self.vocabulary)} words of rnn_core.tasks.NER_VOCABULARY"
            )
        return np.eye(len(self.vocabulary))[[self.vocabulary.index(w) for w in words]]

    def trace(self, tokens: str | Sequence[str]) -> RNNTrace | BiRNNTrace:
        """The forward pass: for ``ner-rnn`` an RNNTrace (hidden states ``h`` (T, H)), for
        ``ner-birnn`` a BiRNNTrace (``h_f`` the past, ``h_b`` the future, (T, H) each);
        ``y_hat`` (T, 2) either way."""
        xs = self.encode(tokens)
        if self.bidirectional:
            return birnn_forward(self.params, xs)  # type: ignore[arg-type]
        return rnn_forward(self.params, xs, np.zeros(len(xs), dtype=np.int64))  # type: ignore[arg-type]

    def predict(self, tokens: str | Sequence[str]) -> list[float]:
        """P(name) for every token."""
        return [float(p) for p in self.trace(tokens).y_hat[:, 1]]


@dataclass(frozen=True)
class NERRecipe:
    """How ``ner-rnn`` / ``ner-birnn`` are trained: Adam on the mean per-sentence
    cross-entropy (summed over its words) of ``batch`` fresh sentences per step, sentences
    of one length batched together; the learning rate drops to ``lr_final`` for the last
    quarter of the steps (so the forward RNN's answer at an ambiguous first word settles
    near the share of names among such words, 1/2, instead of following the last batches).
    Both use the same seed and data stream."""

    seed: int = 0
    n_hidden: int = 6
    n_steps: int = 1500
    batch: int = 32
    lr: float = 0.02
    lr_final: float = 0.002


def _ner_batches(rng: np.random.Generator, n: int):
    """``n`` fresh sentences as (one-hot (T, B, V), labels (T, B)) groups of one length."""
    by_length: dict[int, list] = {}
    for tokens, labels in ner_task(rng, n):
        by_length.setdefault(len(tokens), []).append((tokens, labels))
    eye = np.eye(len(NER_VOCABULARY))
    index = {w: k for k, w in enumerate(NER_VOCABULARY)}
    for _, items in sorted(by_length.items()):
        xs = np.stack([eye[[index[w] for w in t]] for t, _ in items], axis=1)
        yield xs, np.array([lab for _, lab in items], dtype=np.int64).T


def train_ner(bidirectional: bool, recipe: NERRecipe | None = None) -> tuple[NERTagger, np.ndarray]:
    """Train ``ner-birnn`` (``bidirectional=True``) or ``ner-rnn``; returns the model and
    the mean loss per sentence at each step."""
    r = NERRecipe() if recipe is None else recipe
    rng = np.random.default_rng(r.seed)
    V = len(NER_VOCABULARY)
    params: Any = (
        BiRNNParams.init(V, r.n_hidden, 2, rng)
        if bidirectional
        else RNNParams.init(V, r.n_hidden, 2, rng)
    )
    opt = Adam(lr=r.lr)
    losses = np.empty(r.n_steps)
    for step in range(r.n_steps):
        if step == (3 * r.n_steps) // 4:
            opt.lr = r.lr_final
        grads, total = [], 0.0
        for xs, labels in _ner_batches(rng, r.batch):
            if bidirectional:
                trace = birnn_forward(params, xs)
                loss, do = cross_entropy(trace, labels)
                g, _ = birnn_backward(params, trace, do)
            else:
                rtrace = rnn_forward(params, xs, labels)
                loss = rtrace.loss
                g, _ = rnn_backward(params, rtrace)
            grads.append(g)
            total += loss
        (params,) = opt.step([params], [_scaled_sum(grads, 1.0 / r.batch)])
        losses[step] = total / r.batch
    name = "ner-birnn" if bidirectional else "ner-rnn"
    meta = {
        "name": name,
        "description": MODELS[name],
        "task": "rnn_core.tasks.ner_task",
        "vocabulary": list(NER_VOCABULARY),
        "recipe": dataclasses.asdict(r),
        "final_loss": float(np.mean(losses[-100:])),
    }
    return NERTagger(params, MappingProxyType(meta)), losses


def ner_story(model: NERTagger, seed: int = 2024, n: int = 300) -> dict[str, Any]:
    """Measured on ``n`` fresh sentences. At the ambiguous first word (sentences starting
    with a word of :data:`~rnn_core.tasks.NER_AMBIGUOUS`): ``ambiguous_accuracy`` (share
    answered right at 0.5), ``ambiguous_deviation`` (largest |P(name) - 0.5|),
    ``ambiguous_mean`` (mean P(name)) and ``ambiguous`` (how many). Over all tokens:
    ``token_accuracy``; over every token but an ambiguous first word:
    ``other_token_accuracy``. ``pair``: P(name) per word of the two sentences of
    :data:`NER_PAIR`; ``teddy``: P(name) at "Teddy" in each."""
    amb_p, amb_y, right, other = [], [], [], []
    for tokens, labels in ner_task(np.random.default_rng(seed), n):
        p = np.array(model.predict(tokens))
        hit = (p > 0.5) == np.array(labels, dtype=bool)
        right += hit.tolist()
        if tokens[0] in NER_AMBIGUOUS:
            amb_p.append(p[0])
            amb_y.append(labels[0])
            other += hit[1:].tolist()
        else:
            other += hit.tolist()
    if not amb_p:
        raise ValueError(f"none of the {n} sentences starts with an ambiguous word; use n >= 50")
    amb = np.array(amb_p)
    pair = {s: model.predict(s) for s in NER_PAIR}
    return {
        "ambiguous_accuracy": float(np.mean((amb > 0.5) == np.array(amb_y, dtype=bool))),
        "ambiguous_deviation": float(np.max(np.abs(amb - 0.5))),
        "ambiguous_mean": float(amb.mean()),
        "ambiguous": len(amb),
        "token_accuracy": float(np.mean(right)),
        "other_token_accuracy": float(np.mean(other)),
        "teddy": [pair[s][0] for s in NER_PAIR],
        "pair": pair,
    }


# ---------------------------------------------------------------------------------------
# caption-lstm


@dataclass(frozen=True)
class Captioner:
    """An image encoder and LSTM decoder (:class:`~rnn_core.captioning.CaptionParams`)
    over :data:`CAPTION_VOCABULARY`. Images are (H, W, 3) in 0..1 as
    :func:`~rnn_core.tasks.caption_task` makes them; the encoder reads their pixels minus
    the background grey, flattened."""

    params: CaptionParams
    meta: MappingProxyType
    vocabulary: tuple[str, ...] = CAPTION_VOCABULARY

    def pixels(self, image: np.ndarray) -> np.ndarray:
        """The encoder's input (P,): the image minus the background, flattened."""
        arr = as_float_array("image", image)
        want = (CAPTION_SIZE, CAPTION_SIZE, 3)
        if arr.shape != want:
            raise ValueError(f"image has shape {arr.shape}; expected {want} RGB values in 0..1")
        return (arr - CAPTION_BACKGROUND).reshape(-1)

    def encode(self, image: np.ndarray) -> np.ndarray:
        """The semantic vector v, (D,), each entry in -1..1."""
        return encoder_forward(self.params.encoder, self.pixels(image)).v

    def decode(self, image: np.ndarray, max_steps: int = 10) -> GreedyDecode:
        """The greedy decode: the words written (``words``, ending with ``<end>``), each
        step's distribution over the vocabulary ``probs`` (L, K), ``word_probs`` (L,), the
        semantic vector ``v`` and the LSTM states."""
        return greedy_decode(self.params, self.pixels(image), _START, _END, max_steps)

    def words(self, decode: GreedyDecode) -> list[str]:
        """The written words of a decode, ``<end>`` included."""
        return [self.vocabulary[k] for k in decode.words]

    def predict(self, image: np.ndarray) -> str:
        """The caption: the greedy decode's words up to ``<end>``."""
        return " ".join(w for w in self.words(self.decode(image)) if w != "<end>")

    def semantic_map(self, images: Sequence[np.ndarray]) -> SemanticMap:
        """The pictures placed by the first two principal components of their semantic
        vectors (:func:`principal_components`): pictures that mean the same land together."""
        return principal_components(np.array([self.encode(im) for im in images]))


@dataclass(frozen=True)
class SemanticMap:
    """Vectors (n, D) seen along their first principal components: ``coords`` (n, k) =
    (vectors - mean) @ components.T, ``components`` (k, D) orthonormal, ``explained`` (k,)
    the share of the total variance along each."""

    vectors: np.ndarray
    mean: np.ndarray
    components: np.ndarray
    coords: np.ndarray
    explained: np.ndarray


def principal_components(vectors: np.ndarray, k: int = 2) -> SemanticMap:
    """PCA of ``vectors`` (n, D) by the eigenvectors of their covariance. Each component's
    sign is fixed (its largest entry in absolute value is positive), so the map does not
    mirror from one run or machine to the next."""
    x = as_float_array("vectors", vectors)
    if x.ndim != 2 or x.shape[0] < 2 or not 1 <= k <= x.shape[1]:
        raise ValueError(
            f"vectors has shape {x.shape}; expected (n, D) with n >= 2 and D >= k = {k}"
        )
    mean = x.mean(axis=0)
    centred = x - mean  # (n, D)
    values, vecs = np.linalg.eigh(centred.T @ centred / len(x))  # ascending
    order = np.argsort(values)[::-1][:k]
    components = vecs[:, order].T  # (k, D)
    pivot = np.argmax(np.abs(components), axis=1)
    components *= np.sign(components[np.arange(k), pivot])[:, None]
    total = float(values.clip(min=0.0).sum())
    return SemanticMap(
        vectors=x,
        mean=mean,
        components=components,
        coords=centred @ components.T,
        explained=values[order] / total if total > 0 else np.zeros(k),
    )


@dataclass(frozen=True)
class CaptionRecipe:
    """How ``caption-lstm`` is trained: ``n_pool`` pictures drawn once from the seed (the
    drawing costs more than a training step), then Adam on the mean per-caption
    cross-entropy (teacher forcing, every word and the end token) of ``batch`` pictures
    drawn from the pool per step; the learning rate drops to ``lr_final`` for the last
    quarter of the steps."""

    seed: int = 0
    n_hidden: int = 128
    n_semantic: int = 32
    n_cells: int = 32
    n_steps: int = 3000
    batch: int = 32
    n_pool: int = 10000
    lr: float = 0.005
    lr_final: float = 0.0015


def _caption_batch(examples: list[tuple[np.ndarray, str]]):
    """Pixels (B, P), fed-back words (T, B), next words (T, B) and mask (T, B)."""
    x = np.stack([(im - CAPTION_BACKGROUND).reshape(-1) for im, _ in examples])
    index = {w: k for k, w in enumerate(CAPTION_VOCABULARY)}
    caps = [[index[w] for w in c.split()] + [_END] for _, c in examples]
    T, B = max(map(len, caps)), len(caps)
    targets = np.full((T, B), _END, dtype=np.int64)
    mask = np.zeros((T, B))
    for b, c in enumerate(caps):
        targets[: len(c), b] = c
        mask[: len(c), b] = 1.0
    inputs = np.vstack([np.full((1, B), _START, dtype=np.int64), targets[:-1]])
    return x, inputs, targets, mask


def train_caption_lstm(recipe: CaptionRecipe | None = None) -> tuple[Captioner, np.ndarray]:
    """Train ``caption-lstm``; returns the model and the mean loss per caption per step."""
    r = CaptionRecipe() if recipe is None else recipe
    rng = np.random.default_rng(r.seed)
    P = CAPTION_SIZE * CAPTION_SIZE * 3
    params = CaptionParams.init(
        P, r.n_hidden, r.n_semantic, r.n_cells, len(CAPTION_VOCABULARY), rng
    )
    x, inputs, targets, mask = _caption_batch(caption_task(rng, r.n_pool))
    opt = Adam(lr=r.lr)
    losses = np.empty(r.n_steps)
    for step in range(r.n_steps):
        if step == (3 * r.n_steps) // 4:
            opt.lr = r.lr_final
        pick = rng.integers(0, r.n_pool, size=r.batch)
        trace = caption_forward(params, x[pick], inputs[:, pick], targets[:, pick], mask[:, pick])
        grads = caption_backward(params, trace)
        scaled = [_scaled_sum([g], 1.0 / r.batch) for g in grads.parts()]
        params = CaptionParams.from_parts(opt.step(params.parts(), scaled))
        losses[step] = trace.loss / r.batch
    meta = {
        "name": "caption-lstm",
        "description": MODELS["caption-lstm"],
        "task": "rnn_core.tasks.caption_task",
        "vocabulary": list(CAPTION_VOCABULARY),
        "recipe": dataclasses.asdict(r),
        "final_loss": float(np.mean(losses[-100:])),
    }
    return Captioner(params, MappingProxyType(meta)), losses


def caption_story(model: Captioner, seed: int = 2024, n: int = 300) -> dict[str, Any]:
    """``exact_match``: share of ``n`` fresh pictures captioned word for word;
    ``word_accuracy``: share of caption words right in place; ``one_shape`` and
    ``two_shapes``: exact match of each kind of picture."""
    exact, words, kinds = [], [], []
    for image, caption in caption_task(np.random.default_rng(seed), n):
        said, want = model.predict(image).split(), caption.split()
        exact.append(said == want)
        words += [k < len(said) and said[k] == w for k, w in enumerate(want)]
        kinds.append(len(want) > 2)
    exact_arr, kinds_arr = np.array(exact), np.array(kinds)
    return {
        "exact_match": float(exact_arr.mean()),
        "word_accuracy": float(np.mean(words)),
        "one_shape": float(exact_arr[~kinds_arr].mean()),
        "two_shapes": float(exact_arr[kinds_arr].mean()),
        "pictures": n,
    }


# ---------------------------------------------------------------------------------------
# Dispatch, files

TaskModel = SpeechCTC | NERTagger | Captioner
TASK_TYPES = (SpeechCTC, NERTagger, Captioner)


def _check_name(name: str) -> str:
    if name not in MODELS:
        raise ValueError(f"unknown task model {name!r}; known: {', '.join(MODELS)}")
    return name


def train(name: str) -> tuple[TaskModel, np.ndarray]:
    """Train model ``name`` from its default recipe: (model, loss per step)."""
    _check_name(name)
    if name == "speech-ctc":
        return train_speech_ctc()
    if name in ("ner-rnn", "ner-birnn"):
        return train_ner(bidirectional=name == "ner-birnn")
    return train_caption_lstm()


def story(name: str, model: TaskModel) -> tuple[dict[str, Any], list[str]]:
    """The story of model ``name`` on fresh examples and the limits it misses."""
    _check_name(name)
    if name == "speech-ctc":
        measured = speech_story(model)  # type: ignore[arg-type]
    elif name == "caption-lstm":
        measured = caption_story(model)  # type: ignore[arg-type]
    else:
        measured = ner_story(model)  # type: ignore[arg-type]
    bad = []
    for key, (kind, limit) in LIMITS[name].items():
        value = measured[key]
        if (kind == "max" and not value <= limit) or (kind == "min" and not value >= limit):
            word = "<=" if kind == "max" else ">="
            bad.append(f"{key} = {value:.3f}, wanted {word} {limit}")
    return measured, bad


def _parts(model: TaskModel) -> dict[str, Any]:
    """The parameter dataclasses of a model, by the prefix their arrays are saved under."""
    if isinstance(model, Captioner):
        return {
            "encoder": model.params.encoder,
            "decoder": model.params.decoder,
            "lstm": model.params.lstm,
        }
    return {"params": model.params}


def is_task_file(arrays: dict[str, np.ndarray]) -> bool:
    """Whether the arrays of an ``.npz`` are one of these models' (their meta says so)."""
    if "meta" not in arrays:
        return False
    try:
        return json.loads(str(arrays["meta"])).get("name") in MODELS
    except ValueError:
        return False


def to_arrays(model: TaskModel) -> dict[str, np.ndarray]:
    """What :func:`save` writes: ``<part>.<field>`` arrays and the JSON ``meta``."""
    payload: dict[str, np.ndarray] = {}
    for part, obj in _parts(model).items():
        for field in obj.array_names():
            payload[f"{part}.{field}"] = np.asarray(getattr(obj, field))
    meta = dict(model.meta)
    if isinstance(model, NERTagger):
        meta["kind"] = "birnn" if model.bidirectional else "rnn"
    payload["meta"] = np.array(json.dumps(meta, sort_keys=True))
    return payload


def from_arrays(arrays: dict[str, np.ndarray], where: str = "the file") -> TaskModel:
    """The model stored in ``arrays`` (as :func:`to_arrays` wrote them); ``ValueError``
    naming what is missing or malformed."""
    meta = json.loads(str(arrays["meta"]))
    name = meta.get("name")
    _check_name(name)

    def part(prefix: str, cls: type) -> Any:
        names = cls.array_names()
        missing = [f"{prefix}.{n}" for n in names if f"{prefix}.{n}" not in arrays]
        if missing:
            raise ValueError(f"{where} lacks {', '.join(missing)}; retrain it with --retrain")
        values = {}
        for n in names:
            arr = np.asarray(arrays[f"{prefix}.{n}"], dtype=np.float64)
            arr.setflags(write=False)
            values[n] = arr
        return cls(**values)

    frozen = MappingProxyType(meta)
    if name == "speech-ctc":
        return SpeechCTC(part("params", BiRNNParams), frozen, tuple(meta["symbols"]))
    if name == "caption-lstm":
        params = CaptionParams(
            part("encoder", EncoderParams), part("decoder", DecoderParams), part("lstm", LSTMParams)
        )
        return Captioner(params, frozen, tuple(meta["vocabulary"]))
    cls = BiRNNParams if meta.get("kind") == "birnn" else RNNParams
    return NERTagger(part("params", cls), frozen, tuple(meta["vocabulary"]))


def read(path: Path) -> TaskModel:
    """Load a model file written by :func:`save`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except Exception as exc:  # a truncated or foreign file
        raise ValueError(f"{path} is not a readable model file ({exc})") from None
    if not is_task_file(arrays):
        raise ValueError(f"{path} holds none of the models {', '.join(MODELS)}")
    return from_arrays(arrays, str(path))


def save(model: TaskModel, path: Path) -> None:
    """Write ``model`` to ``path`` atomically (temporary file in the same folder, then
    rename)."""
    save_npz_atomic(path, to_arrays(model))
