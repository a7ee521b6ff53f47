"""Named entities need the future: the shipped ``ner-rnn`` (forward only) and ``ner-birnn``
(bidirectional) taggers on the lecture's two sentences, "Teddy bears are on sale" and
"Teddy Roosevelt was a great president". At "Teddy" the forward RNN has read one word, the
same word in both, and must answer the same; the backward direction brings the next word
from the future, and the bidirectional answers differ.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from manim import (
    DOWN,
    LEFT,
    UP,
    Create,
    FadeIn,
    LaggedStart,
    ManimColor,
    SurroundingRectangle,
    VGroup,
)

from rnn_core import pretrained
from rnn_core.pretrained_tasks import NER_PAIR
from scenes.kit.base import LectureSlide
from scenes.kit.bichain import BiChain
from scenes.kit.components import VectorGlyph, label, math
from scenes.kit.diagrams import BottomStrip, figure_zone
from scenes.kit.theme import TYPE, Theme

__all__ = ["NERSlideData", "ner_slide_data", "BidirectionalNER"]

SPACING = 1.95  # centre to centre between words: the longest word and its box fit


@dataclass(frozen=True)
class NERSlideData:
    """P(name) per word of each sentence of :data:`NER_PAIR`, forward RNN and both ways."""

    sentences: tuple[tuple[str, ...], ...]
    forward: tuple[tuple[float, ...], ...]  # ner-rnn
    both: tuple[tuple[float, ...], ...]  # ner-birnn


@functools.cache
def ner_slide_data() -> NERSlideData:
    fwd, bi = pretrained.load("ner-rnn"), pretrained.load("ner-birnn")
    sentences = tuple(tuple(s.split()) for s in NER_PAIR)
    return NERSlideData(
        sentences=sentences,
        forward=tuple(tuple(fwd.predict(list(s))) for s in sentences),
        both=tuple(tuple(bi.predict(list(s))) for s in sentences),
    )


class _SentenceChain(VGroup):
    """One sentence under a bidirectional chain: word boxes at the inputs, one P(name)
    cell at each output. Parts: ``chain``, ``words`` (box + text), ``cells``
    (VectorGlyphs), ``names`` (row names at the left)."""

    def __init__(self, words: tuple[str, ...], values: tuple[float, ...], th: Theme) -> None:
        super().__init__()
        self.chain = BiChain(
            len(words),
            theme=th,
            shape="circle",
            size=0.34,
            spacing=SPACING,
            offset=0.3,
            row_gap=0.55,
            input_gap=0.4,
            output_gap=0.5,
            stroke_width=2.5,
            tip_length=0.12,
        )
        self.words = VGroup()
        for w, p in zip(words, self.chain.input_points, strict=True):
            text = label(w, font_size=TYPE.label, theme=th)
            box = SurroundingRectangle(text, buff=0.1, color=ManimColor(th.x), stroke_width=2.5)
            box.stretch_to_fit_height(0.48)
            word = VGroup(box, text)
            self.words.add(word.move_to(p + DOWN * (0.24 + 0.02)))
        self.cells = VGroup(
            *[
                VectorGlyph([v], quantity="o", theme=th).next_to(p, UP, buff=0.02)
                for v, p in zip(values, self.chain.output_points, strict=True)
            ]
        )
        self.names = VGroup(
            label("P(name)", font_size=TYPE.note, color=th.o, theme=th),
            label("backward", font_size=TYPE.note, color=th.y, theme=th),
            label("forward", font_size=TYPE.note, color=th.y, theme=th),
        )
        x0 = self.chain.get_left()[0] - 0.3
        for name, y in zip(
            self.names,
            (self.cells.get_y(), self.chain.bwd.get_y(), self.chain.fwd.get_y()),
            strict=True,
        ):
            name.move_to([x0 - name.width / 2, y, 0])
        self.add(self.chain, self.words, self.cells, self.names)
        # What the forward RNN alone draws (dimmed while the backward row arrives).
        self.forward_parts = VGroup(
            self.chain.fwd,
            self.chain.in_fwd,
            self.chain.fwd_arrows,
            self.chain.out_fwd,
            self.cells,
        )


class BidirectionalNER(LectureSlide):
    """Is "Teddy" a name? Forward RNN: the same answer for both sentences; both ways: right."""

    scene_id = "bidirectional-ner"
    title = "Named entities need the future"
    description = (
        "ner-rnn vs ner-birnn on 'Teddy bears are on sale' / 'Teddy Roosevelt was a great "
        "president': P(name) at Teddy."
    )

    def construct(self) -> None:
        th = self.theme
        d = ner_slide_data()
        self.data = d
        self.shown: dict[str, object] = {}
        self.strip = BottomStrip()
        title = self.slide_title("Named entities: is \u201cTeddy\u201d a name?")
        left, right, bottom, top = figure_zone()
        blocks = [_SentenceChain(s, v, th) for s, v in zip(d.sentences, d.forward, strict=True)]
        # Word k of both sentences in one column: a shorter sentence shifts by whole steps.
        longest = max(len(s) for s in d.sentences)
        for b, s in zip(blocks, d.sentences, strict=True):
            b.shift(LEFT * SPACING * (longest - len(s)) / 2)
        stack = VGroup(*blocks).arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        stack.move_to([(left + right) / 2, (top + bottom) / 2, 0])
        self.blocks = blocks

        # The two sentences
        self.step(
            "Named-entity recognition tags every word: is it part of a name? The article's "
            f"example: '{NER_PAIR[0]}' and '{NER_PAIR[1]}'. Both start with Teddy; only the "
            "next word tells whether Teddy is a name."
        )
        self.play(FadeIn(title), *[FadeIn(b.words) for b in blocks])

        # The forward RNN
        fwd = [round(v[0], 2) for v in d.forward]
        self.step(
            "A forward RNN reads left to right; here the shipped tagger ner-rnn, its P(name) "
            f"above each word. At Teddy it has read only 'Teddy', the same in both sentences, "
            f"so it must give the same answer: {fwd[0]:.2f} and {fwd[1]:.2f}, a coin toss. "
            "One word later it knows: Roosevelt is a name."
        )
        rings = VGroup(
            *[
                SurroundingRectangle(b.cells[0], buff=0.06, color=ManimColor(th.c), stroke_width=4)
                for b in blocks
            ]
        )
        self.shown["forward"] = [[g.displayed[0] for g in b.cells] for b in blocks]
        self.play(
            *[
                FadeIn(
                    VGroup(
                        b.chain.fwd, b.chain.in_fwd, b.chain.fwd_arrows, b.chain.out_fwd, b.names[2]
                    )
                )
                for b in blocks
            ]
        )
        self.play(*[FadeIn(VGroup(b.cells, b.names[0])) for b in blocks], Create(rings))
        self.play(
            *self.strip.show(
                label("forward only, at Teddy:", font_size=TYPE.label, theme=th),
                math(f"{fwd[0]:.2f} = {fwd[1]:.2f}", color=th.o, theme=th),
                label(
                    "(it has not seen the next word)",
                    font_size=TYPE.label,
                    color=th.muted,
                    theme=th,
                ),
            )
        )

        # The backward direction arrives from the future
        self.step(
            "A bidirectional RNN adds a second row that reads the sentence backwards, from "
            "the last word to the first (dashed arrows, right to left). When it reaches "
            "Teddy it has already read 'bears' in one sentence and 'Roosevelt' in the other."
        )
        nexts = VGroup(
            *[
                SurroundingRectangle(b.words[1], buff=0.05, color=ManimColor(th.c), stroke_width=4)
                for b in blocks
            ]
        )
        self.play(
            *self.dim(*[b.forward_parts for b in blocks], rings),
            *[FadeIn(VGroup(b.chain.bwd, b.chain.in_bwd, b.names[1])) for b in blocks],
        )
        self.play(
            *[
                LaggedStart(*[Create(a) for a in reversed(b.chain.bwd_arrows)], lag_ratio=0.5)
                for b in blocks
            ],
            Create(nexts),
        )

        # The bidirectional answer
        both = [v[0] for v in d.both]
        self.step(
            "Each output now joins both rows: the past from the forward row, the future from "
            "the backward row. The shipped ner-birnn gives P(name) at Teddy "
            f"{both[0]:.2f} in '{NER_PAIR[0]}' and {both[1]:.2f} in '{NER_PAIR[1]}': "
            "right both times, where the forward RNN could only guess."
        )
        self.play(
            *self.undim(*[b.forward_parts for b in blocks]),
            *[Create(b.chain.out_bwd) for b in blocks],
        )
        self.play(
            *[
                b.cells[k].animate_values([v])
                for b, vs in zip(blocks, d.both, strict=True)
                for k, v in enumerate(vs)
            ],
            *self.undim(rings),
            *self.strip.show(
                label("both ways, at Teddy:", font_size=TYPE.label, theme=th),
                math(f"{both[0]:.2f} != {both[1]:.2f}", color=th.o, theme=th),
                label(
                    f"(forward only: {fwd[0]:.2f}, {fwd[1]:.2f})",
                    font_size=TYPE.label,
                    color=th.muted,
                    theme=th,
                ),
            ),
        )
        self.shown["both"] = [[g.displayed[0] for g in b.cells] for b in blocks]
