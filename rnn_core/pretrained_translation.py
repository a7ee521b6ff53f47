"""The three trained translation models of lecture 6 and the recipes that reproduce them.

All three translate :func:`rnn_core.tasks.translation_task`: English-like subject-verb-
object sentences into Japanese-like subject-object-verb with the particles "wa" and "o"
("the black cat often eats a small fish" -> "kuroi neko wa yoku chiisai sakana o
taberu"). Source vocabulary: the task's 52 English words; target vocabulary: ``<bos>``,
``<eos>`` and the task's 44 Japanese-like words. Each is trained from its seed with
rnn_core's own forward and backward passes and :class:`rnn_core.optim.Adam`, on a pool
of 40 000 sentences drawn from the task with that seed, in batches of 64 sentences of one
source length (targets padded at the end and left out of the loss), with teacher forcing
and label smoothing 0.1 (so word probabilities stop near 0.9: a slide shows real
numbers, not 1.00), gradients clipped to norm 5.

``seq2seq-lstm`` (4 650 parameters): an encoder-decoder of two Greff LSTMs with peepholes,
M = 16 inputs (word embeddings) and N = 11 cells each (:mod:`rnn_core.seq2seq`). The
encoder reads the source; its final (y, c) is all the decoder gets; the decoder reads
``<bos>`` and then its previous word and writes W_out s^t + b_out. No attention. 3000
Adam steps, lr 0.01 falling to 0.001.

``seq2seq-attention`` (4 903 parameters): the same sizes and recipe, plus dot-product
attention over the encoder's states at every decoder step (scores s^t . h^j, softmax,
context vector, attentional state tanh(W_c [ctx; s] + b_c) before the read-out); its
decoder starts from zeros, so attention is its only view of the source
(:mod:`rnn_core.seq2seq` says why dot product, unscaled, and why no bridge).

``tiny-transformer`` (26 030 parameters): a one-layer post-norm Transformer
encoder-decoder, E = 32, 4 heads of 8, feed-forward 64, sinusoidal positions
(:mod:`rnn_core.transformer`). 2000 Adam steps (beta2 0.98), 200 warm-up steps to lr
0.003, falling to 0.0003.

The measures (:func:`translation_story`) use fresh sentences from their own seed (2024),
not the training stream: ``exact_match`` on 1000 sentences of the task's own length mix,
``exact_match_by_length`` on 100 sentences of each source length 3 .. 10 (the slide's
curve), and for the attention models the mean attention weight on the source word each
target word translates (particles left out; for the Transformer the last layer's
cross-attention, averaged over heads). Measured on the shipped files, and stored in
their ``meta["story"]`` when they were written (the tests check the files reproduce it):

==================  =====  =======  ====================================================
model               exact  aligned  exact match at source length 3, 4, ..., 10
==================  =====  =======  ====================================================
seq2seq-lstm        0.807  --       1.00 0.99 0.96 0.90 0.71 0.71 0.63 0.39
seq2seq-attention   1.000  0.651    1.00 at every length
tiny-transformer    1.000  0.891    1.00 at every length (heads 0.86 0.86 0.91 0.93)
==================  =====  =======  ====================================================

The task has fewer distinct short sentences than the training pool draws, so 62 % of the
1000 fresh sentences (99 % of the 3-word ones, 2 % of the 10-word ones) also occur in the
training pool; on the 384 that do not, exact match is 0.61 without attention and 1.00 for
both attention models (``meta["fresh_vs_training"]``). Other seeds tell the same story
(seed 2 without attention: 1.00 falling to 0.34; seed 1 with attention: 1.00, 0.709 on the
aligned word). Training takes 17 to 24 s of CPU each with one BLAS thread (wall time in
``meta["train_seconds"]``: 24 to 133 s on a machine shared with other jobs; a
multithreaded BLAS on a busy machine is several times slower than one thread)::

    OPENBLAS_NUM_THREADS=1 python -m rnn_core.pretrained --retrain --name seq2seq-attention

writes the file only when the model passes :data:`TRANSLATION_LIMITS`.

Example
-------
>>> from rnn_core.pretrained import load
>>> model = load("seq2seq-attention")
>>> model.translate("I am a student")
('watashi', 'wa', 'gakusei', 'desu')
>>> model.attention("I am a student").shape  # target words x source words
(4, 4)
>>> load("tiny-transformer").attention("I am a student").shape  # per head
(4, 4, 4)
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from ._nested import leaves, replace_leaves
from ._npzfile import save_npz_atomic
from ._tokens import sequence_cross_entropy
from .attention import MHATrace, mha_forward, positional_encoding, softmax
from .clipping import clip_by_global_norm
from .optim import Adam
from .seq2seq import Seq2SeqParams, Seq2SeqTrace, seq2seq_backward, seq2seq_forward, seq2seq_greedy
from .tasks import (
    TranslationPair,
    translation_source_words,
    translation_target_words,
    translation_task,
)
from .transformer import (
    DecoderLayerParams,
    EncoderLayerParams,
    TransformerParams,
    TransformerTrace,
    transformer_backward,
    transformer_forward,
    transformer_greedy,
)

__all__ = [
    "TRANSLATION_MODELS",
    "TRANSLATION_LIMITS",
    "BOS",
    "EOS",
    "LENGTHS",
    "Seq2SeqRecipe",
    "TransformerRecipe",
    "RECIPES",
    "PretrainedSeq2Seq",
    "PretrainedTransformer",
    "Seq2SeqTranslation",
    "TransformerTranslation",
    "train_translator",
    "fresh_translation_sentences",
    "exact_match_by_length",
    "aligned_attention",
    "translation_story",
    "translation_failures",
    "read_translator",
    "save_translator",
    "retrain_translator",
    "translator_arrays",
]

BOS, EOS = "<bos>", "<eos>"
LENGTHS = tuple(range(3, 11))  # the task's source lengths: the by-length curve's x axis
MAX_EXTRA_WORDS = 4  # greedy decoding stops after len(source) + this many words

# Name -> one-line description (joins rnn_core.pretrained.MODELS).
TRANSLATION_MODELS = {
    "seq2seq-lstm": "encoder-decoder LSTMs (M = 16, N = 11) translating SVO to SOV, no attention",
    "seq2seq-attention": "encoder-decoder LSTMs (M = 16, N = 11) with dot-product attention",
    "tiny-transformer": "one-layer Transformer encoder-decoder (E = 32, 4 heads, FF 64)",
}


def _source_vocab() -> tuple[str, ...]:
    return translation_source_words()


def _target_vocab() -> tuple[str, ...]:
    return (BOS, EOS, *translation_target_words())


# ---------------------------------------------------------------------------------------
# Recipes


@dataclass(frozen=True)
class Seq2SeqRecipe:
    """How ``seq2seq-lstm`` and ``seq2seq-attention`` are trained: Adam on batches of
    ``batch`` sentences of one source length drawn from a pool of ``pool`` sentences of the
    task (seeded), mean cross-entropy per target word (``<eos>`` included) with label
    smoothing ``smoothing`` (so a trained model's word probabilities stop near 0.9 instead
    of printing as 1.00 on a slide), gradients clipped to global norm ``clip``; the
    learning rate falls linearly to ``lr_end`` over the second half of the run. A source
    length is drawn with probability proportional to the square root of its share of the
    pool, so the rare long sentences are trained on about three times as often as they
    occur. ``bridge``: the decoder starts from the encoder's final state (see
    :mod:`rnn_core.seq2seq`)."""

    seed: int = 0
    attention: bool = True
    bridge: bool = True  # the decoder starts from the encoder's final state (y, c)
    n_embed: int = 16
    n_hidden: int = 11
    n_steps: int = 3000
    batch: int = 64
    lr: float = 0.01
    lr_end: float = 0.001
    clip: float = 5.0
    pool: int = 40000
    smoothing: float = 0.1


@dataclass(frozen=True)
class TransformerRecipe:
    """How ``tiny-transformer`` is trained: as :class:`Seq2SeqRecipe` (label smoothing 0.1
    is the paper's too), with Adam's beta2 = 0.98 and a linear warm-up over ``warmup``
    steps (Vaswani et al.), then the same linear fall to ``lr_end`` over the second half."""

    seed: int = 0
    n_embed: int = 32
    n_heads: int = 4
    n_ff: int = 64
    n_steps: int = 2000
    batch: int = 64
    lr: float = 0.003
    lr_end: float = 0.0003
    warmup: int = 200
    clip: float = 5.0
    pool: int = 40000
    smoothing: float = 0.1


RECIPES: dict[str, Seq2SeqRecipe | TransformerRecipe] = {
    "seq2seq-lstm": Seq2SeqRecipe(attention=False),
    "seq2seq-attention": Seq2SeqRecipe(attention=True, bridge=False),
    "tiny-transformer": TransformerRecipe(),
}


@dataclass(frozen=True)
class _Bucket:
    """The pool's sentences of one source length, as padded id arrays (time first)."""

    src: np.ndarray  # (Ts, n)
    tgt_in: np.ndarray  # (T_max, n): <bos>, target words, then padding
    tgt_out: np.ndarray  # (T_max, n): target words, <eos>, then padding
    mask: np.ndarray  # (T_max, n): 1 where the word counts
    steps: np.ndarray  # (n,) decoder steps of each sentence (target words + 1)


def _buckets(pairs: Sequence[TranslationPair]) -> dict[int, _Bucket]:
    src_id = {w: k for k, w in enumerate(_source_vocab())}
    tgt_id = {w: k for k, w in enumerate(_target_vocab())}
    by_len: dict[int, list[TranslationPair]] = {}
    for pair in pairs:
        by_len.setdefault(len(pair[0]), []).append(pair)
    out = {}
    for Ts, group in sorted(by_len.items()):
        n = len(group)
        steps = np.array([len(t) + 1 for _, t, _ in group])
        T = int(steps.max())
        src = np.array([[src_id[w] for w in s] for s, _, _ in group]).T  # (Ts, n)
        tgt_in = np.full((T, n), tgt_id[EOS])
        tgt_out = np.full((T, n), tgt_id[EOS])
        mask = np.zeros((T, n))
        for b, (_, t, _) in enumerate(group):
            ids = [tgt_id[w] for w in t]
            tgt_in[: len(ids) + 1, b] = [tgt_id[BOS], *ids]
            tgt_out[: len(ids) + 1, b] = [*ids, tgt_id[EOS]]
            mask[: len(ids) + 1, b] = 1.0
        out[Ts] = _Bucket(src, tgt_in, tgt_out, mask, steps)
    return out


def _schedule(recipe: Seq2SeqRecipe | TransformerRecipe, step: int) -> float:
    """Learning rate at ``step``: warm-up (Transformer), flat, then linear fall to lr_end."""
    warmup = getattr(recipe, "warmup", 0)
    if step < warmup:
        return recipe.lr * (step + 1) / warmup
    half = recipe.n_steps // 2
    if step < half:
        return recipe.lr
    share = (step - half) / max(recipe.n_steps - half, 1)
    return recipe.lr + share * (recipe.lr_end - recipe.lr)


def train_translator(
    name: str, recipe: Seq2SeqRecipe | TransformerRecipe | None = None
) -> tuple[PretrainedSeq2Seq | PretrainedTransformer, np.ndarray]:
    """Train model ``name`` from its recipe (default :data:`RECIPES`). Returns the model
    and the per-step training loss (mean cross-entropy per target word)."""
    if name not in TRANSLATION_MODELS:
        raise ValueError(f"unknown translation model {name!r}; known: {', '.join(RECIPES)}")
    r = RECIPES[name] if recipe is None else recipe
    transformer = isinstance(r, TransformerRecipe)
    if not transformer and r.attention != (name == "seq2seq-attention"):
        raise ValueError(f"{name} needs a Seq2SeqRecipe with attention={name != 'seq2seq-lstm'}")
    if transformer != (name == "tiny-transformer"):
        raise ValueError(f"{name} needs a {'Transformer' if not transformer else 'Seq2Seq'}Recipe")
    start, start_cpu = time.perf_counter(), time.process_time()
    rng = np.random.default_rng(r.seed)
    pool = translation_task(rng, r.pool)
    buckets = _buckets(pool)
    lengths = sorted(buckets)
    share = np.sqrt([buckets[L].steps.size for L in lengths])
    share /= share.sum()
    n_src, n_tgt = len(_source_vocab()), len(_target_vocab())
    params: Seq2SeqParams | TransformerParams
    if transformer:
        params = TransformerParams.init(n_src, n_tgt, r.n_embed, r.n_heads, r.n_ff, rng)
        opt = Adam(lr=r.lr, beta2=0.98)
    else:
        params = Seq2SeqParams.init(
            n_src, n_tgt, r.n_embed, r.n_hidden, rng, attention=r.attention, bridge=r.bridge
        )
        opt = Adam(lr=r.lr)
    names = list(leaves(params))
    losses = np.empty(r.n_steps)
    for step in range(r.n_steps):
        bucket = buckets[lengths[int(rng.choice(len(lengths), p=share))]]
        pick = rng.integers(bucket.steps.size, size=r.batch)
        T = int(bucket.steps[pick].max())
        src, tgt_in = bucket.src[:, pick], bucket.tgt_in[:T, pick]
        if transformer:
            trace = transformer_forward(params, src, tgt_in)
        else:
            trace = seq2seq_forward(params, src, tgt_in)
        loss, dlogits = sequence_cross_entropy(
            trace.logits, bucket.tgt_out[:T, pick], bucket.mask[:T, pick], r.smoothing
        )
        if transformer:
            grads = transformer_backward(params, trace, dlogits)
        else:
            grads = seq2seq_backward(params, trace, dlogits)
        flat, _ = clip_by_global_norm(list(leaves(grads).values()), r.clip)
        opt.lr = _schedule(r, step)
        (new,) = opt.step([list(leaves(params).values())], [flat])
        params = replace_leaves(params, dict(zip(names, new, strict=True)))
        losses[step] = loss
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    sizes = (
        {"n_embed": r.n_embed, "n_heads": r.n_heads, "n_ff": r.n_ff}
        if transformer
        else {
            "n_embed": r.n_embed,
            "n_hidden": r.n_hidden,
            "attention": r.attention,
            "bridge": r.bridge,
        }
    )
    meta = {
        "name": name,
        "description": TRANSLATION_MODELS[name],
        "task": "rnn_core.tasks.translation_task",
        "source_words": list(_source_vocab()),
        "target_words": list(_target_vocab()),
        "sizes": sizes,
        "n_parameters": int(sum(a.size for a in leaves(params).values())),
        "recipe": dataclasses.asdict(r),
        "final_loss": float(np.mean(losses[-100:])),
        "train_seconds": round(seconds, 1),
        "train_cpu_seconds": round(cpu, 1),
    }
    model_cls = PretrainedTransformer if transformer else PretrainedSeq2Seq
    model = model_cls(params, _source_vocab(), _target_vocab(), MappingProxyType(meta))
    meta["fresh_vs_training"] = _fresh_vs_training(model, pool)
    return model, losses


def _fresh_vs_training(model: Translator, pool: Sequence[TranslationPair]) -> dict[str, Any]:
    """How many of the fresh test sentences the training pool also held (short sentences
    are few, so most of them were seen; long ones mostly were not), and the exact match
    on the 1000 fresh sentences the pool did not hold."""
    seen = {s for s, _, _ in pool}
    overall, by_length = fresh_translation_sentences()
    unseen = [p for p in overall if p[0] not in seen]
    return {
        "seen_share": float(np.mean([s in seen for s, _, _ in overall])),
        "seen_share_by_length": [
            float(np.mean([s in seen for s, _, _ in by_length[L]])) for L in LENGTHS
        ],
        "unseen_sentences": len(unseen),
        "unseen_exact_match": _exact_match(model, unseen) if unseen else float("nan"),
    }


# ---------------------------------------------------------------------------------------
# The trained models


def _words(tokens: str | Iterable[str]) -> tuple[str, ...]:
    return tuple(tokens.split()) if isinstance(tokens, str) else tuple(tokens)


class _Translator:
    """What both kinds of model share: vocabularies, encoding and batched greedy decoding."""

    params: Any
    source_words: tuple[str, ...]
    target_words: tuple[str, ...]
    meta: MappingProxyType

    @property
    def name(self) -> str:
        return str(self.meta.get("name", "translator"))

    def encode(self, tokens: str | Iterable[str]) -> np.ndarray:
        """Source ids (Ts,) of a sentence (a string is split on spaces)."""
        words = _words(tokens)
        index = {w: k for k, w in enumerate(self.source_words)}
        unknown = [w for w in words if w not in index]
        if not words or unknown:
            what = f"unknown word(s) {', '.join(map(repr, unknown))}" if unknown else "no words"
            raise ValueError(
                f"cannot translate {' '.join(words)!r}: {what}; use the task's English words "
                f"({', '.join(self.source_words)})"
            )
        return np.array([index[w] for w in words], dtype=np.int64)

    def _greedy(self, src: np.ndarray) -> np.ndarray:  # (Ts, B) -> (T_out, B)
        raise NotImplementedError

    def _cut(self, ids: np.ndarray) -> tuple[str, ...]:
        eos = self.target_words.index(EOS)
        ids = list(ids)
        if eos in ids:
            ids = ids[: ids.index(eos)]
        return tuple(self.target_words[k] for k in ids)

    def translate(self, tokens: str | Iterable[str]) -> tuple[str, ...]:
        """Greedy translation of one sentence: the target words, without ``<eos>``."""
        return self.translate_batch([tokens])[0]

    def translate_batch(self, sentences: Sequence[str | Iterable[str]]) -> list[tuple[str, ...]]:
        """Greedy translations of many sentences (decoded together, one batch per length)."""
        encoded = [self.encode(s) for s in sentences]
        out: list[tuple[str, ...]] = [()] * len(encoded)
        by_len: dict[int, list[int]] = {}
        for k, ids in enumerate(encoded):
            by_len.setdefault(ids.size, []).append(k)
        for _, members in sorted(by_len.items()):
            src = np.stack([encoded[k] for k in members], axis=1)  # (Ts, B)
            ids = self._greedy(src)  # (T_out, B)
            for b, k in enumerate(members):
                out[k] = self._cut(ids[:, b])
        return out

    def _decoder_input(self, output: Sequence[str], ended: bool) -> np.ndarray:
        """<bos> then the written words: the decoder's inputs for every step that wrote a word
        (and the step that wrote <eos>, when it did)."""
        index = {w: k for k, w in enumerate(self.target_words)}
        words = [BOS, *output] if ended else [BOS, *output[:-1]]
        return np.array([index[w] for w in words], dtype=np.int64)

    def _target_ids(self, target: Sequence[str]) -> np.ndarray:
        index = {w: k for k, w in enumerate(self.target_words)}
        unknown = [w for w in target if w not in index]
        if unknown:
            raise ValueError(f"unknown target word(s) {', '.join(map(repr, unknown))}")
        return np.array([index[w] for w in target], dtype=np.int64)


@dataclass(frozen=True)
class Seq2SeqTranslation:
    """One sentence through a seq2seq LSTM, for a slide: the words read and written, and the
    core's :class:`~rnn_core.seq2seq.Seq2SeqTrace` of the decoder fed its own words (the
    same numbers as the greedy steps: tested). Step t of the decoder reads
    ``decoder_input[t]`` and writes ``output[t]`` (the last step writes ``<eos>`` when
    ``ended``). ``probs`` (Tt, V_tgt) are the softmax outputs of every step."""

    source: tuple[str, ...]
    output: tuple[str, ...]
    decoder_input: tuple[str, ...]
    ended: bool
    trace: Seq2SeqTrace
    probs: np.ndarray  # (Tt, V_tgt)

    @property
    def encoder_states(self) -> np.ndarray:
        """h^j, the encoder's outputs y (Ts, N)."""
        return self.trace.encoder.y

    @property
    def encoder_cells(self) -> np.ndarray:
        """The encoder's cell states c (Ts, N)."""
        return self.trace.encoder.c

    @property
    def bottleneck(self) -> tuple[np.ndarray, np.ndarray]:
        """(y, c) of the encoder's last step: all the decoder gets of the source when the
        model has no attention (with ``bridge=False`` the decoder starts from zeros)."""
        return self.trace.encoder.y[-1], self.trace.encoder.c[-1]

    @property
    def decoder_states(self) -> np.ndarray:
        """s^t, the decoder's outputs y (Tt, N)."""
        return self.trace.decoder.y

    @property
    def scores(self) -> np.ndarray | None:
        """e^t_j = s^t . h^j, unscaled (see :mod:`rnn_core.seq2seq`), before the softmax
        (Tt, Ts); None without attention."""
        return None if self.trace.attention is None else self.trace.attention.scores

    @property
    def weights(self) -> np.ndarray | None:
        """alpha^t_j, the attention weights (Tt, Ts); None without attention."""
        return None if self.trace.attention is None else self.trace.attention.weights

    @property
    def context(self) -> np.ndarray | None:
        """ctx^t = sum_j alpha^t_j h^j (Tt, N); None without attention."""
        return self.trace.context

    @property
    def att_state(self) -> np.ndarray | None:
        """s~^t = tanh(W_c [ctx^t; s^t] + b_c) (Tt, N); None without attention."""
        return self.trace.att_state


@dataclass(frozen=True)
class PretrainedSeq2Seq(_Translator):
    """A trained encoder-decoder LSTM (``seq2seq-lstm`` or ``seq2seq-attention``):
    ``params`` (:class:`~rnn_core.seq2seq.Seq2SeqParams`), the vocabularies and ``meta``."""

    params: Seq2SeqParams
    source_words: tuple[str, ...]
    target_words: tuple[str, ...]
    meta: MappingProxyType

    def _greedy(self, src: np.ndarray) -> np.ndarray:
        return seq2seq_greedy(
            self.params,
            src,
            self.target_words.index(BOS),
            self.target_words.index(EOS),
            src.shape[0] + MAX_EXTRA_WORDS,
        )

    def trace(self, tokens: str | Iterable[str]) -> Seq2SeqTranslation:
        """Translate one sentence and return every number of it (see
        :class:`Seq2SeqTranslation`)."""
        source = _words(tokens)
        src = self.encode(source)
        ids = self._greedy(src)
        output = self._cut(ids)
        ended = len(output) < ids.size
        tgt_in = self._decoder_input(output, ended)
        trace = seq2seq_forward(self.params, src, tgt_in)
        return Seq2SeqTranslation(
            source=source,
            output=output,
            decoder_input=tuple(self.target_words[k] for k in tgt_in),
            ended=ended,
            trace=trace,
            probs=softmax(trace.logits),
        )

    def attention(self, tokens: str | Iterable[str]) -> np.ndarray:
        """The attention weights that produced the translation: (written words, source words),
        row t the weights of the step that wrote word t."""
        if not self.params.attention:
            raise ValueError(
                f"{self.name} has no attention; use seq2seq-attention or tiny-transformer"
            )
        tr = self.trace(tokens)
        return tr.trace.attention.weights[: len(tr.output)]

    def teacher_forced(self, source: Sequence[str], target: Sequence[str]) -> Seq2SeqTrace:
        """The core trace with the decoder fed the given target (<bos>, then its words)."""
        tgt_in = np.concatenate([[self.target_words.index(BOS)], self._target_ids(target)])
        return seq2seq_forward(self.params, self.encode(source), tgt_in)


@dataclass(frozen=True)
class TransformerTranslation:
    """One sentence through the Transformer, for a slide: the words read and written and the
    core's :class:`~rnn_core.transformer.TransformerTrace` of the decoder fed its own words
    (the same numbers as the greedy steps: tested). ``probs`` (Tt, V_tgt)."""

    source: tuple[str, ...]
    output: tuple[str, ...]
    decoder_input: tuple[str, ...]
    ended: bool
    trace: TransformerTrace
    probs: np.ndarray  # (Tt, V_tgt)

    @property
    def source_positions(self) -> np.ndarray:
        """The positional encodings added to the source embeddings (Ts, E)."""
        return self.trace.src_pos

    @property
    def target_positions(self) -> np.ndarray:
        """The positional encodings added to the decoder's inputs (Tt, E)."""
        return self.trace.tgt_pos

    @property
    def encoder_self_attention(self) -> MHATrace:
        """Q, K, V (``q k v``), per-head ``scores`` and ``weights`` (H, Ts, Ts), ``out``."""
        return self.trace.encoder.self_attn

    @property
    def decoder_self_attention(self) -> MHATrace:
        """The decoder's causal self-attention: weights (H, Tt, Tt), zero above the diagonal."""
        return self.trace.decoder.self_attn

    @property
    def cross_attention(self) -> MHATrace:
        """Decoder queries over the encoder's output: weights (H, Tt, Ts)."""
        return self.trace.decoder.cross_attn


@dataclass(frozen=True)
class PretrainedTransformer(_Translator):
    """The trained ``tiny-transformer``: ``params``
    (:class:`~rnn_core.transformer.TransformerParams`), the vocabularies and ``meta``."""

    params: TransformerParams
    source_words: tuple[str, ...]
    target_words: tuple[str, ...]
    meta: MappingProxyType

    def _greedy(self, src: np.ndarray) -> np.ndarray:
        return transformer_greedy(
            self.params,
            src,
            self.target_words.index(BOS),
            self.target_words.index(EOS),
            src.shape[0] + MAX_EXTRA_WORDS,
        )

    def trace(self, tokens: str | Iterable[str]) -> TransformerTranslation:
        """Translate one sentence and return every number of it (see
        :class:`TransformerTranslation`)."""
        source = _words(tokens)
        src = self.encode(source)
        ids = self._greedy(src[:, None])[:, 0]
        output = self._cut(ids)
        ended = len(output) < ids.size
        tgt_in = self._decoder_input(output, ended)
        trace = transformer_forward(self.params, src, tgt_in)
        return TransformerTranslation(
            source=source,
            output=output,
            decoder_input=tuple(self.target_words[k] for k in tgt_in),
            ended=ended,
            trace=trace,
            probs=softmax(trace.logits),
        )

    def attention(self, tokens: str | Iterable[str]) -> np.ndarray:
        """The cross-attention weights of the (last and only) decoder layer that produced the
        translation, per head: (n_heads, written words, source words)."""
        tr = self.trace(tokens)
        return tr.trace.decoder.cross_attn.weights[:, : len(tr.output)]

    def self_attention(self, tokens: str | Iterable[str], positions: bool = True) -> MHATrace:
        """The encoder's self-attention over any words of the source vocabulary (no grammar
        needed), with or without the positional encodings added to the embeddings. Without
        them, reordering the words only reorders the output rows: self-attention alone
        cannot tell "cat cat dog" from "dog cat cat"."""
        src = self.encode(tokens)
        x = self.params.src_embed[src]
        if positions:
            x = x + positional_encoding(src.size, self.params.n_embed)
        return mha_forward(self.params.encoder.self_attn, x, x, self.params.n_heads)

    def teacher_forced(self, source: Sequence[str], target: Sequence[str]) -> TransformerTrace:
        """The core trace with the decoder fed the given target (<bos>, then its words)."""
        tgt_in = np.concatenate([[self.target_words.index(BOS)], self._target_ids(target)])
        return transformer_forward(self.params, self.encode(source), tgt_in)


Translator = PretrainedSeq2Seq | PretrainedTransformer


# ---------------------------------------------------------------------------------------
# Measures

FRESH_SEED = 2024  # the test sentences' own seed (training pools use the recipes' seeds)
FRESH_OVERALL = 1000
FRESH_PER_LENGTH = 100

# What each model must show (tested on the shipped files and on a retrain before writing).
# ("min", x): the measure must be >= x; ("max", x): <= x.
TRANSLATION_LIMITS: dict[str, dict[str, tuple[str, float]]] = {
    "seq2seq-lstm": {
        "length_drop": ("min", 0.2),
    },
    "seq2seq-attention": {
        "exact_match": ("min", 0.9),
        "aligned_attention": ("min", 0.5),
    },
    "tiny-transformer": {
        "exact_match": ("min", 0.9),
        "aligned_attention": ("min", 0.5),
    },
}


def fresh_translation_sentences(
    seed: int = FRESH_SEED, n: int = FRESH_OVERALL, per_length: int = FRESH_PER_LENGTH
) -> tuple[list[TranslationPair], dict[int, list[TranslationPair]]]:
    """Test sentences from their own seed: the first ``n`` of the stream (the task's own mix
    of lengths), and the first ``per_length`` of each source length in :data:`LENGTHS`
    from the same stream (drawn on until every length has them)."""
    overall, by_length = _fresh(seed, n, per_length)
    return list(overall), {L: list(pairs) for L, pairs in by_length}


@functools.lru_cache(maxsize=4)
def _fresh(seed: int, n: int, per_length: int) -> tuple[tuple, tuple]:
    rng = np.random.default_rng(seed)
    stream: list[TranslationPair] = []
    by_length: dict[int, list[TranslationPair]] = {L: [] for L in LENGTHS}
    while len(stream) < n or any(len(v) < per_length for v in by_length.values()):
        batch = translation_task(rng, 2000)
        stream.extend(batch)
        for pair in batch:
            group = by_length.get(len(pair[0]))
            if group is not None and len(group) < per_length:
                group.append(pair)
    return tuple(stream[:n]), tuple((L, tuple(v)) for L, v in by_length.items())


def exact_match_by_length(
    model: Translator, by_length: dict[int, list[TranslationPair]] | None = None
) -> dict[int, float]:
    """Share of sentences translated exactly right, by source length (default: 100 fresh
    sentences of each length 3 .. 10, :func:`fresh_translation_sentences`)."""
    groups = fresh_translation_sentences()[1] if by_length is None else by_length
    return {L: _exact_match(model, pairs) for L, pairs in sorted(groups.items())}


def _exact_match(model: Translator, pairs: Sequence[TranslationPair]) -> float:
    outputs = model.translate_batch([s for s, _, _ in pairs])
    return float(np.mean([out == t for out, (_, t, _) in zip(outputs, pairs, strict=True)]))


def aligned_attention(model: Translator, pairs: Sequence[TranslationPair]) -> np.ndarray:
    """Mean attention weight on the aligned source word, over every target word that has one
    (particles and <eos> left out), with the decoder fed the reference translation. One
    number for the LSTM with attention ((1,)); one per head for the Transformer ((H,)).
    Sentences are run in batches of one source length (targets padded at the end: the
    decoders are causal, so padding never reaches a counted word)."""
    if isinstance(model, PretrainedSeq2Seq) and not model.params.attention:
        raise ValueError(f"{model.name} has no attention to measure")
    total: np.ndarray | float = 0.0
    count = 0
    for group in _by_source_length(pairs).values():
        src, tgt_in = _padded(model, group)
        if isinstance(model, PretrainedTransformer):
            weights = transformer_forward(model.params, src, tgt_in).decoder.cross_attn.weights
        else:
            weights = seq2seq_forward(model.params, src, tgt_in).attention.weights[None]
        # weights: (H, Tt, B, Ts)
        for b, (_, _, alignment) in enumerate(group):
            rows = [j for j, a in enumerate(alignment) if a is not None]
            cols = [alignment[j] for j in rows]
            total = total + weights[:, rows, b, cols].sum(axis=1)
            count += len(rows)
    return np.asarray(total) / count


def _by_source_length(pairs: Sequence[TranslationPair]) -> dict[int, list[TranslationPair]]:
    groups: dict[int, list[TranslationPair]] = {}
    for pair in pairs:
        groups.setdefault(len(pair[0]), []).append(pair)
    return groups


def _padded(model: Translator, group: Sequence[TranslationPair]) -> tuple[np.ndarray, np.ndarray]:
    """Source ids (Ts, B) and decoder inputs (Tt, B): <bos>, the reference words, padding."""
    src = np.stack([model.encode(s) for s, _, _ in group], axis=1)
    T = max(len(t) for _, t, _ in group)
    tgt_in = np.full((T, len(group)), model.target_words.index(EOS), dtype=np.int64)
    for b, (_, t, _) in enumerate(group):
        tgt_in[: len(t), b] = [model.target_words.index(BOS), *model._target_ids(t[:-1])]
    return src, tgt_in


def translation_story(model: Translator) -> dict[str, Any]:
    """Measure a translation model on fresh sentences (:func:`fresh_translation_sentences`).

    - ``exact_match``: share of the 1000 sentences translated exactly right;
    - ``exact_match_by_length``: the same for 100 sentences of each source length 3 .. 10
      (a list in the order of :data:`LENGTHS`);
    - ``length_drop``: mean exact match at the two shortest lengths minus at the two
      longest (how much worse long sentences are);
    - for the attention models, ``aligned_attention``: the mean attention weight on the
      aligned source word (1000 sentences, reference translation fed in); for the
      Transformer the mean over heads, with ``aligned_attention_by_head``.
    """
    overall, by_length = fresh_translation_sentences()
    curve = exact_match_by_length(model, by_length)
    values = [curve[L] for L in LENGTHS]
    story: dict[str, Any] = {
        "exact_match": _exact_match(model, overall),
        "exact_match_by_length": values,
        "length_drop": float(np.mean(values[:2]) - np.mean(values[-2:])),
    }
    has_attention = isinstance(model, PretrainedTransformer) or model.params.attention
    if has_attention:
        per_head = aligned_attention(model, overall)
        story["aligned_attention"] = float(per_head.mean())
        if isinstance(model, PretrainedTransformer):
            story["aligned_attention_by_head"] = [float(x) for x in per_head]
    return story


def translation_failures(name: str, story: dict[str, Any]) -> list[str]:
    """The measures of ``story`` that miss the limits of model ``name``; empty when all pass."""
    bad = []
    for key, (kind, limit) in TRANSLATION_LIMITS[name].items():
        value = story[key]
        if (kind == "max" and not value <= limit) or (kind == "min" and not value >= limit):
            word = "<=" if kind == "max" else ">="
            bad.append(f"{key} = {value:.3f}, wanted {word} {limit}")
    return bad


# ---------------------------------------------------------------------------------------
# Files: the parameters by dotted path ("encoder.W_z") plus a JSON "meta" string


def translator_arrays(model: Translator) -> dict[str, np.ndarray]:
    """What the ``.npz`` file holds: every parameter array by dotted path, and ``meta``."""
    payload = {path: np.asarray(a) for path, a in leaves(model.params).items()}
    payload["meta"] = np.array(json.dumps(dict(model.meta), sort_keys=True))
    return payload


def _template(meta: dict[str, Any]) -> Seq2SeqParams | TransformerParams:
    """Parameters of the right shapes (all zeros) for the sizes the meta records."""
    n_src, n_tgt = len(meta["source_words"]), len(meta["target_words"])
    sizes = meta["sizes"]
    rng = np.random.default_rng(0)
    if meta["name"] == "tiny-transformer":
        return TransformerParams(
            src_embed=np.zeros((n_src, sizes["n_embed"])),
            tgt_embed=np.zeros((n_tgt, sizes["n_embed"])),
            encoder=EncoderLayerParams.init(sizes["n_embed"], sizes["n_ff"], rng),
            decoder=DecoderLayerParams.init(sizes["n_embed"], sizes["n_ff"], rng),
            W_out=np.zeros((n_tgt, sizes["n_embed"])),
            b_out=np.zeros(n_tgt),
            n_heads=sizes["n_heads"],
        )
    return Seq2SeqParams.init(
        n_src,
        n_tgt,
        sizes["n_embed"],
        sizes["n_hidden"],
        rng,
        attention=sizes["attention"],
        bridge=sizes["bridge"],
    )


def read_translator(path: Path) -> Translator:
    """Read a translation model written by :func:`translator_arrays` (through
    ``rnn_core.pretrained.save``); ``ValueError`` for a damaged or foreign file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads(str(arrays.pop("meta")))
        template = _template(meta)
    except Exception as exc:  # a truncated or foreign file
        raise ValueError(f"{path} is not a readable translation model file ({exc})") from None
    want = leaves(template)
    missing = [k for k in want if k not in arrays]
    if missing:
        raise ValueError(f"{path} lacks {', '.join(missing[:3])}; retrain it with --retrain")
    values = {}
    for k, ref in want.items():
        arr = np.asarray(arrays[k], dtype=np.float64)
        if arr.shape != ref.shape:
            raise ValueError(f"{path}: {k} has shape {arr.shape}, expected {ref.shape}")
        arr.setflags(write=False)
        values[k] = arr
    params = replace_leaves(template, values)
    source, target = tuple(meta["source_words"]), tuple(meta["target_words"])
    model_cls = PretrainedTransformer if meta["name"] == "tiny-transformer" else PretrainedSeq2Seq
    return model_cls(params, source, target, MappingProxyType(meta))


def save_translator(model: Translator, path: Path) -> None:
    """Write ``model`` to ``path`` atomically (temporary file in the same folder, renamed)."""
    save_npz_atomic(path, translator_arrays(model))


def retrain_translator(
    name: str, out_dir: Path | None, default_path: Path
) -> tuple[Path, dict[str, Any], float]:
    """Train ``name`` from its seed, measure it, and write it to ``out_dir/<name>.npz``
    (default ``default_path``) only when it passes :data:`TRANSLATION_LIMITS`; the story
    goes into ``meta["story"]``. Returns (path, story, seconds); ``ValueError`` and no
    file when the checks fail."""
    start = time.perf_counter()
    model, _ = train_translator(name)
    seconds = time.perf_counter() - start
    measured = translation_story(model)
    bad = translation_failures(name, measured)
    if bad:
        raise ValueError(f"retrained {name!r} misses its story ({'; '.join(bad)}); not written")
    meta = dict(model.meta)
    meta["story"] = measured
    model = dataclasses.replace(model, meta=MappingProxyType(meta))
    path = (Path(out_dir) / f"{name}.npz") if out_dir is not None else Path(default_path)
    save_translator(model, path)
    return path, measured, seconds
