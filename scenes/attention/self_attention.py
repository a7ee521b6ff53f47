"""Self-attention matrix by matrix, drawn from the trained ``tiny-transformer``
(``rnn_core.pretrained``), and what lecture 6's Transformer scenes share: their data, the
value matrix and the slide base (word order in ``positional.py``, heads in ``multi_head.py``).

Every number on screen comes from the shipped model's forward pass on the lecture's example
sentence ("I am a student"); :func:`self_attention_example` and :func:`order_example` are
what the scenes and their tests read.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Animation,
    FadeIn,
    FadeOut,
    ManimColor,
    SurroundingRectangle,
    VGroup,
)

from rnn_core.attention import positional_encoding
from rnn_core.pretrained import load
from rnn_core.tasks import translation_example
from scenes.kit.base import LectureSlide
from scenes.kit.components import format_value, label, math
from scenes.kit.heatmap import HeatMap
from scenes.kit.theme import TYPE, Theme

__all__ = [
    "MODEL",
    "HEAD",
    "SelfAttentionExample",
    "self_attention_example",
    "OrderExample",
    "order_example",
    "ValueMatrix",
    "AttentionSlide",
    "SelfAttention",
]

MODEL = "tiny-transformer"
# The head drawn matrix by matrix: its pattern reads at a glance (each word mostly attends
# to itself, "am" spreads over its neighbours); multi-head shows the other three.
HEAD = 2
SHOWN_COLUMNS = 3  # columns of a wide matrix on screen; a note says which
ORDER_COLUMNS = 4  # the word-order slide has room for one more
ORDERS = (("cat", "cat", "dog"), ("dog", "cat", "cat"))  # why-not-dcl's two orders
PE_POSITIONS = 10  # the task's longest source sentence
# Fast, middle and slower sinusoids (0-based). Over 10 positions the slowest pairs would
# print 0.00 and 1.00 everywhere, saying nothing, so the slow end is pair 12, 13.
PE_DIMS = (0, 1, 4, 5, 8, 9, 12, 13)


# ---------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class SelfAttentionExample:
    """One head of the trained encoder's self-attention over the example sentence:
    ``x`` (T, E) embeddings plus positions, the head's ``q k v`` (T, d), ``scores``
    (T, T) = q k^T / sqrt(d), ``weights`` (T, T) their row softmax, ``out`` (T, d) =
    weights v; ``heads`` (H, T, T) every head's weights."""

    words: tuple[str, ...]
    head: int
    n_heads: int
    x: np.ndarray
    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    out: np.ndarray
    heads: np.ndarray

    @property
    def d(self) -> int:
        return self.q.shape[1]


@functools.cache
def self_attention_example() -> SelfAttentionExample:
    model = load(MODEL)
    words = tuple(translation_example()[0])
    mha = model.trace(words).encoder_self_attention
    head = mha.head(HEAD)
    return SelfAttentionExample(
        words=words,
        head=HEAD,
        n_heads=mha.n_heads,
        x=mha.x_q,
        q=head.q,
        k=head.k,
        v=head.v,
        scores=head.scores,
        weights=head.weights,
        out=head.out,
        heads=mha.weights,
    )


@dataclass(frozen=True)
class OrderExample:
    """The trained encoder's self-attention output (T, E) for both orders of
    :data:`ORDERS`, without and with the positional encodings ``pe`` (T, E) added."""

    orders: tuple[tuple[str, ...], ...]
    without: tuple[np.ndarray, ...]
    with_positions: tuple[np.ndarray, ...]
    pe: np.ndarray  # (PE_POSITIONS, E)


@functools.cache
def order_example() -> OrderExample:
    model = load(MODEL)
    return OrderExample(
        orders=ORDERS,
        without=tuple(model.self_attention(o, positions=False).out for o in ORDERS),
        with_positions=tuple(model.self_attention(o, positions=True).out for o in ORDERS),
        pe=positional_encoding(PE_POSITIONS, model.params.n_embed),
    )


# ---------------------------------------------------------------------------------------
# Drawing


class ValueMatrix(VGroup):
    """A matrix of real values as a heat map with its numbers: a Typst ``name`` above, the
    words naming its rows on the left, optional column words above, and a note under it
    when only some columns are shown ("columns 1-3 of 32").

    ``columns`` picks the columns drawn (the first ones); ``shown`` is the drawn part of
    ``values``. Fill it with :meth:`fill` (an animation) once it is in place.
    """

    def __init__(
        self,
        values: np.ndarray,
        *,
        name: str,
        quantity: str,
        theme: Theme,
        rows: Sequence[str] | None = None,
        cols: Sequence[str] | None = None,
        columns: int | None = None,
        decimals: int = 2,
        vmax: float | None = None,
    ) -> None:
        super().__init__()
        values = np.asarray(values, dtype=np.float64)
        n = values.shape[1] if columns is None else min(columns, values.shape[1])
        self.full = values
        self.shown = values[:, :n]
        self.heat = HeatMap(
            self.shown,
            quantity=quantity,
            row_labels=rows,
            theme=theme,
            decimals=decimals,
            vmax=vmax if vmax is not None else max(float(np.abs(values).max()), 1e-12),
        )
        self.add(self.heat)
        top = self.heat.frame
        self.col_labels = VGroup()
        if cols is not None:
            for t, word in enumerate(cols):
                mob = label(word, font_size=TYPE.note, color=theme.muted, theme=theme)
                mob.next_to(self.heat.grid[0][t], UP, buff=0.1)
                self.col_labels.add(mob)
            self.col_labels.align_to(self.col_labels, DOWN)
            self.add(self.col_labels)
            top = self.col_labels
        self.name = math(name, color=theme.quantity(quantity), theme=theme)
        self.name.next_to(top, UP, buff=0.12).set_x(self.heat.frame.get_x())
        self.add(self.name)
        self.note = None
        if n < values.shape[1]:
            self.note = label(
                f"columns 1-{n} of {values.shape[1]}",
                font_size=TYPE.note,
                color=theme.muted,
                theme=theme,
            )
            self.note.next_to(self.heat.frame, DOWN, buff=0.1)
            self.add(self.note)

    @property
    def displayed(self) -> list[list[str]]:
        return self.heat.displayed

    def fill(self) -> Animation:
        return self.heat.reveal(range(self.shown.shape[1]))

    def filled(self) -> VGroup:
        """The filled cells (added to the scene by :meth:`fill`, not part of this group)."""
        return _heat_cells(self.heat)


def _heat_cells(heat: HeatMap) -> VGroup:
    return VGroup(
        *[m for row in heat.fills for m in row if m is not None],
        *[m for row in heat.numbers for m in row if m is not None],
    )


class AttentionSlide(LectureSlide):
    """A lecture-6 slide with the matrices' equation strip."""

    def equation(self, expr: str) -> VGroup:
        eq = math(expr, font_size=TYPE.equation, theme=self.theme)
        return eq.to_edge(DOWN, buff=0.4)

    def swap_strip(self, old: VGroup | None, expr: str) -> tuple[VGroup, list[Animation]]:
        new = self.equation(expr)
        anims: list[Animation] = [FadeIn(new)]
        if old is not None:
            anims.insert(0, FadeOut(old))
        return new, anims


def _fmt(v: float, decimals: int = 2) -> str:
    return format_value(v, decimals).replace("-", "\u2212")


def _signed(v: float, decimals: int = 2) -> str:
    """A factor in on-screen math: in parentheses when negative."""
    text = _fmt(v, decimals)
    return f"({text})" if text.startswith("\u2212") else text


# ---------------------------------------------------------------------------------------
# Self-attention, matrix by matrix


class SelfAttention(AttentionSlide):
    """Q = X W_Q, K, V, the scores, the row softmax and the weighted sum of V, matrix by
    matrix, for one head of the trained Transformer's encoder on "I am a student"."""

    scene_id = "self-attention"
    title = "Self-attention, matrix by matrix"
    description = "Q, K, V, scores, row softmax and weighted sum of V: one trained head."

    def construct(self) -> None:
        th = self.theme
        ex = self_attention_example()
        self.example = ex
        words = list(ex.words)
        d, E = ex.d, ex.x.shape[1]
        self.shown: dict[str, list[list[str]]] = {}
        title = self.slide_title(
            f"Self-attention: head {ex.head + 1} of {ex.n_heads}, matrix by matrix"
        )
        _, _, bottom, top = TYPE.figure_zone()

        # Top row: X, then Q K V; bottom row: scores, weights, out
        X = ValueMatrix(
            ex.x, name="X", quantity="x", theme=th, rows=words, columns=SHOWN_COLUMNS, decimals=1
        )
        qkv_vmax = float(np.abs(np.stack([ex.q, ex.k, ex.v])).max())
        Q, K, V = (
            ValueMatrix(
                m, name=n, quantity=qty, theme=th, columns=SHOWN_COLUMNS, decimals=1, vmax=qkv_vmax
            )
            for m, n, qty in ((ex.q, "Q", "i"), (ex.k, "K", "f"), (ex.v, "V", "z"))
        )
        top_row = VGroup(X, Q, K, V).arrange(RIGHT, buff=0.45, aligned_edge=DOWN)
        top_row.move_to([0.0, top - top_row.height / 2 - 0.05, 0.0])
        S = ValueMatrix(
            ex.scores,
            name=f"S = Q K^T \\/ sqrt({d})",
            quantity="o",
            theme=th,
            rows=words,
            cols=words,
            decimals=1,
        )
        A = ValueMatrix(
            ex.weights, name='A = op("softmax")(S)', quantity="o", theme=th, cols=words, vmax=1.0
        )
        O = ValueMatrix(
            ex.out, name="O = A V", quantity="y", theme=th, columns=SHOWN_COLUMNS, decimals=1
        )
        bottom_row = VGroup(S, A, O).arrange(RIGHT, buff=0.5, aligned_edge=DOWN)
        bottom_row.move_to([0.0, bottom + bottom_row.height / 2 + 0.1, 0.0])
        self.matrices = {"X": X, "Q": Q, "K": K, "V": V, "S": S, "A": A, "out": O}

        # X: embeddings plus positions
        self.step(
            f"Each word of '{' '.join(words)}' is a row of X: its learned embedding plus its "
            f"positional encoding, {E} numbers; we show columns 1-{SHOWN_COLUMNS}. These are "
            f"the trained Transformer's own numbers, its encoder's input."
        )
        strip = self.equation(f'X = E[bold("words")] + P E quad ({len(words)} "words" times {E})')
        self.play(FadeIn(title), FadeIn(X), FadeIn(strip))
        self.play(X.fill())
        self.shown["X"] = X.displayed

        # Q, K, V: three projections of the same rows
        self.step(
            f"Three learned projections of the same rows: queries, keys and values. Head "
            f"{ex.head + 1} of {ex.n_heads} uses {d} columns of each (W_Q is {E} x {d}). "
            f"The query of 'I' starts {_fmt(ex.q[0, 0], 1)}, {_fmt(ex.q[0, 1], 1)}."
        )
        strip, anims = self.swap_strip(
            strip, "Q = X W_Q + b_Q, quad K = X W_K + b_K, quad V = X W_V + b_V"
        )
        self.play(*anims, FadeIn(Q), FadeIn(K), FadeIn(V), *self.dim(X))
        self.play(Q.fill(), K.fill(), V.fill())
        for key in "QKV":
            self.shown[key] = self.matrices[key].displayed

        # Scores: every query against every key
        self.step(
            f"Scores: every query against every key, a dot product scaled by 1/sqrt({d}). Row "
            f"'{words[-1]}' scores {', '.join(_fmt(s, 1) for s in ex.scores[-1])} against "
            f"{', '.join(words)}."
        )
        strip, anims = self.swap_strip(strip, f"S = Q K^T \\/ sqrt(d), quad d = {d}")
        self.play(*anims, FadeIn(S), *self.dim(V))
        self.play(S.fill())
        self.shown["S"] = S.displayed

        # Row softmax
        self.step(
            f"Softmax along each row turns scores into weights that sum to 1. '{words[-1]}' "
            f"puts {_fmt(ex.weights[-1, -1])} on itself; 'am' spreads its weight "
            f"{', '.join(_fmt(w) for w in ex.weights[1])}."
        )
        strip, anims = self.swap_strip(
            strip, "A_(i j) = e^(S_(i j)) \\/ sum_k e^(S_(i k)), quad sum_j A_(i j) = 1"
        )
        self.play(*anims, FadeIn(A), *self.dim(Q, K))
        self.play(A.fill())
        self.shown["A"] = A.displayed

        # Weighted sum of the values
        self.step(
            "Each output row is the weighted sum of the value rows, with that row's weights: "
            "every word now carries a mix of the words it attends to."
        )
        strip, anims = self.swap_strip(strip, "bold(o)_i = sum_j A_(i j) bold(v)_j, quad O = A V")
        self.play(*anims, FadeIn(O), *self.undim(V), *self.dim(S))
        self.play(O.fill())
        self.shown["out"] = O.displayed

        # One row in full
        i = len(words) - 1
        terms = " + ".join(
            f"{_fmt(ex.weights[i, j])} dot {_signed(ex.v[j, 0])}" for j in range(len(words))
        )
        self.step(
            f"One entry in full: the first column of '{words[i]}''s output is "
            f"{_fmt(ex.out[i, 0], 2)}, the weights of its row times the first column of V "
            "(shown to two places here; the matrices round to one)."
        )
        rings = VGroup(
            *[
                SurroundingRectangle(VGroup(*m.heat.grid[i]), buff=0.04, color=ManimColor(th.text))
                for m in (A, O)
            ],
            SurroundingRectangle(
                VGroup(*[row[0] for row in V.heat.grid]), buff=0.04, color=ManimColor(th.text)
            ),
        )
        strip, anims = self.swap_strip(strip, f"o_({i + 1},1) = {terms} = {_fmt(ex.out[i, 0])}")
        self.shown["sum"] = [[_fmt(ex.out[i, 0])]]
        self.play(*anims, FadeIn(rings))
