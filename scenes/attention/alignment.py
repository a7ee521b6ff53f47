"""Attention in the LSTM encoder-decoder, with the shipped ``seq2seq-attention``'s numbers:

- ``attention-step``: one decoder step (the one that writes the verb): a score per source
  word, the softmax weights, the context vector as their weighted sum, the word chosen;
- ``attention-alignment``: the whole target x source weight map of the lecture's long
  example, filled row by row as the words are written; the verb's weight jumps back to
  the middle of the source when the verb is written at the end.

Scores are dot products s^t . h^j, unscaled (:mod:`rnn_core.seq2seq` says why). The data
come from :mod:`scenes.translation_data`.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    LaggedStart,
    ManimColor,
    Rectangle,
    SurroundingRectangle,
    VGroup,
    VMobject,
)

from scenes.kit.base import LectureSlide
from scenes.kit.components import MINUS, VectorGlyph, Wire, _text, format_value, label, math
from scenes.kit.diagrams import BottomStrip
from scenes.kit.heatmap import HeatMap
from scenes.kit.lint import declare_contains
from scenes.kit.theme import TYPE, Theme
from scenes.translation_data import alignment_data, attention_step

__all__ = ["AttentionStep", "AttentionAlignment", "AlignmentMap", "ATTENTION_QUANTITY"]

# Attention scores and weights are drawn in the input gate's colour: like a gate, a weight
# says how much of each encoder state goes in.
ATTENTION_QUANTITY = "i"


def v(x: float) -> str:
    return format_value(float(x))


def value_cell(value: float, th: Theme, colour: str, width: float, height: float) -> VGroup:
    """One number in a box outlined in ``colour`` (shaded as every value cell is)."""
    fill, opacity = th.shade(value, 1.0)
    box = Rectangle(width=width, height=height, stroke_width=2)
    box.set_stroke(ManimColor(colour)).set_fill(ManimColor(fill), opacity=opacity * 0.7)
    text = _text(v(value).replace("-", MINUS), th.mono_font, TYPE.number, th.text)
    text.move_to(box)
    declare_contains(box, text)
    group = VGroup(box, text)
    group.box, group.number = box, text
    return group


def wrap_words(words: tuple[str, ...], width: float, th: Theme, size: float) -> VGroup:
    """Words as lines of text no wider than ``width`` (greedy fill), left-aligned."""
    lines: list[list[str]] = [[]]
    for w in words:
        trial = " ".join([*lines[-1], w])
        if lines[-1] and label(trial, font_size=size, theme=th).width > width:
            lines.append([w])
        else:
            lines[-1].append(w)
    group = VGroup(*[label(" ".join(ln), font_size=size, theme=th) for ln in lines if ln])
    return group.arrange(DOWN, aligned_edge=LEFT, buff=0.14)


ROW = 0.46  # distance between two source rows (value cells 0.42 high)
CELL_H = 0.42
BAR_LEN = 1.6  # length of a weight bar of 1.0


class AttentionStep(LectureSlide):
    """One decoder step of the LSTM with attention: scores, weights, context, word."""

    scene_id = "attention-step"
    title = "One decoder step with attention"
    description = (
        "Scores s.h per source word, softmax weights, the context vector as their weighted "
        "sum, and the word chosen, with the trained model's numbers."
    )

    def construct(self) -> None:
        th = self.theme
        d = attention_step()
        self.data = d
        self.shown: dict[str, object] = {}
        att = th.quantity(ATTENTION_QUANTITY)
        strip = BottomStrip()
        n = len(d.source)
        title = self.slide_title(f"Writing word {d.t + 1}: where does the decoder look?")

        # Columns: source word | h^j | e_j | alpha_j | bar ; the right panel: the words
        left = -6.75
        top = 2.72
        glyph_kw = dict(
            direction="row", quantity="y", max_cells=4, label_side=LEFT, cell_height=CELL_H
        )
        s_glyph = VectorGlyph(d.state, label="bold(s)^t", **glyph_kw)
        keys = [VectorGlyph(h, **glyph_kw) for h in d.keys]
        h_x = left + 1.45  # left edge of the h column
        s_glyph.frame.get_left()
        s_glyph.shift([h_x - s_glyph.frame.get_left()[0], top - s_glyph.frame.get_y(), 0.0])
        rows_top = top - 1.05
        ys = [rows_top - ROW * j for j in range(n)]
        for g, y in zip(keys, ys, strict=True):
            g.shift([h_x - g.frame.get_left()[0], y - g.frame.get_y(), 0.0])
        words = VGroup(
            *[
                label(w, font_size=TYPE.label, color=th.x, theme=th).next_to(
                    g.frame, LEFT, buff=0.18
                )
                for w, g in zip(d.source, keys, strict=True)
            ]
        )
        heading_h = math("bold(h)^j", color=th.y).next_to(keys[0].frame, UP, buff=0.1)
        cell_w, cell_h = keys[0].cells[0].width, keys[0].cells[0].height
        e_x = keys[0].frame.get_right()[0] + 0.35 + cell_w / 2
        a_x = e_x + cell_w + 0.2
        scores = VGroup(
            *[
                value_cell(e, th, att, cell_w, cell_h).move_to([e_x, y, 0.0])
                for e, y in zip(d.scores, ys, strict=True)
            ]
        )
        weights = VGroup(
            *[
                value_cell(a, th, att, cell_w, cell_h).move_to([a_x, y, 0.0])
                for a, y in zip(d.weights, ys, strict=True)
            ]
        )
        bar_x = a_x + cell_w / 2 + 0.15
        bars = VGroup()
        for a, y in zip(d.weights, ys, strict=True):
            bar = Rectangle(width=max(float(a) * BAR_LEN, 0.02), height=cell_h * 0.7)
            bar.set_stroke(width=0).set_fill(ManimColor(att), opacity=0.85)
            bar.move_to([bar_x, y, 0.0], aligned_edge=LEFT)
            bars.add(bar)
        heading_e = math("e_j", color=att).next_to(scores[0], UP, buff=0.1)
        heading_a = math("alpha_j", color=att).next_to(weights[0], UP, buff=0.1)
        heading_e.align_to(heading_h, DOWN)
        heading_a.align_to(heading_h, DOWN)
        note = label(s_glyph.note + " of each", font_size=TYPE.note, color=th.muted, theme=th)
        note.next_to(s_glyph.frame, RIGHT, buff=0.3)
        panel_x = bar_x + BAR_LEN + 0.35
        self.shown["source"] = list(d.source)
        self.shown["state"] = s_glyph.displayed
        self.shown["keys"] = [g.displayed for g in keys]

        written_head = label("written so far:", font_size=TYPE.note, color=th.muted, theme=th)
        written = wrap_words(d.written_before, 6.75 - panel_x, th, TYPE.label)
        written_group = VGroup(written_head, written).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        written_group.move_to([panel_x, top + 0.15, 0.0], aligned_edge=UP + LEFT)

        # The setting: the words written so far, the decoder's state, the encoder's states
        self.step(
            f"The decoder has written '{' '.join(d.written_before)}' and is about to write "
            f"word {d.t + 1}. Its state s^t (the LSTM's output at this step) and the encoder's "
            f"states h^1 .. h^{n}, one per source word, are all vectors of "
            f"{d.state.size} numbers; the slide shows the first {s_glyph.n_shown} of each. "
            "Attention compares the state with every source word's state."
        )
        self.play(FadeIn(title), FadeIn(written_group))
        self.play(FadeIn(s_glyph), FadeIn(note), FadeIn(words), FadeIn(VGroup(*keys)))
        self.play(
            FadeIn(heading_h),
            *strip.show(
                label(
                    "h: the encoder's state after each source word;  s: the decoder's now",
                    font_size=TYPE.label,
                    color=th.text,
                    theme=th,
                )
            ),
        )

        # Scores: one dot product per source word
        best = d.best
        self.shown["scores"] = [c.number.text.replace(MINUS, "-") for c in scores]
        self.step(
            "The score of each source word is the dot product of the decoder's state with "
            f"that word's encoder state, all {d.state.size} products summed: "
            + ", ".join(f"{w} {v(e)}" for w, e in zip(d.source, d.scores, strict=True))
            + f". The highest is '{d.source[best]}' with {v(d.scores[best])}."
        )
        self.play(
            FadeIn(heading_e),
            LaggedStart(*[FadeIn(c) for c in scores], lag_ratio=0.15),
            *strip.show(math("e_j = bold(s)^t dot bold(h)^j")),
        )

        # Softmax: weights that sum to one
        box = SurroundingRectangle(
            VGroup(words[best], weights[best], bars[best]), buff=0.06, stroke_width=3
        ).set_stroke(ManimColor(att))
        self.shown["weights"] = [c.number.text.replace(MINUS, "-") for c in weights]
        self.step(
            "A softmax turns the scores into weights that are positive and sum to one: "
            + ", ".join(f"{w} {v(a)}" for w, a in zip(d.source, d.weights, strict=True))
            + f" (sum {v(d.weights.sum())}). '{d.source[best]}' gets {v(d.weights[best])} of "
            "the attention: the decoder looks back at the verb, in the middle of the sentence."
        )
        self.play(
            FadeIn(heading_a),
            LaggedStart(*[FadeIn(c) for c in weights], lag_ratio=0.1),
            LaggedStart(*[GrowFromEdge(b, LEFT) for b in bars], lag_ratio=0.1),
            *strip.show(math("alpha_j = exp(e_j) / (sum_k exp(e_k))")),
        )
        self.play(Create(box))

        # The context vector: the weighted sum of the encoder's states
        ctx = VectorGlyph(d.context, label='"ctx"^t', **glyph_kw)
        ctx.shift([h_x - ctx.frame.get_left()[0], ys[-1] - 0.68 - ctx.frame.get_y(), 0.0])
        self.shown["context"] = ctx.displayed
        flows = VGroup(
            *[
                g.cells.copy()
                .set_fill(opacity=0.0)
                .set_stroke(ManimColor(th.y), width=3, opacity=float(a))
                for g, a in zip(keys, d.weights, strict=True)
            ]
        )
        self.step(
            "The context vector is the weighted sum of the encoder's states, "
            "ctx = sum_j alpha_j h^j: mostly h of "
            f"'{d.source[best]}' ({v(d.weights[best])} of it). Its first numbers: "
            + ", ".join(ctx.displayed)
            + ". Each state's outline travels down as strongly as it is weighted."
        )
        self.play(*self.dim(scores, heading_e))
        self.play(
            LaggedStart(*[f.animate.move_to(ctx.cells) for f in flows], lag_ratio=0.08),
            run_time=1.2,
        )
        self.play(
            FadeOut(flows), FadeIn(ctx), *strip.show(math('"ctx"^t = sum_j alpha_j bold(h)^j'))
        )

        # The word chosen
        cands = d.candidates(3)
        self.shown["candidates"] = [(w, v(p)) for w, p in cands]
        head = label("next word:", font_size=TYPE.note, color=th.muted, theme=th)
        lines = VGroup()
        for k, (w, p) in enumerate(cands):
            colour = th.text if k == 0 else th.muted
            word = label(w, font_size=TYPE.label, color=colour, theme=th)
            prob = label(v(p), font_size=TYPE.label, color=colour, theme=th)
            lines.add(VGroup(word, prob).arrange(RIGHT, buff=0.3))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        for ln in lines:
            ln[1].set_x(lines.get_right()[0] - ln[1].width / 2)
        choice = VGroup(head, lines).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        choice.move_to([panel_x, ys[4], 0.0], aligned_edge=UP + LEFT)
        feed = Wire(
            [
                ctx.frame.get_right(),
                [panel_x - 0.3, ctx.frame.get_y(), 0.0],
                [panel_x - 0.3, lines[0].get_y(), 0.0],
                [panel_x - 0.08, lines[0].get_y(), 0.0],
            ],
            quantity="y",
        )
        pick = SurroundingRectangle(lines[0], buff=0.08, stroke_width=3).set_stroke(
            ManimColor(th.text)
        )
        self.step(
            "The context and the state together give the attentional state "
            "s~ = tanh(W_c [ctx; s] + b_c), and the read-out a probability for every target "
            f"word. The decoder writes '{cands[0][0]}' with {v(cands[0][1])}; next come "
            + ", ".join(f"'{w}' {v(p)}" for w, p in cands[1:])
            + f". '{cands[0][0]}' is the translation of '{d.source[best]}': looking back at "
            "the right word made the verb come out at the end of the Japanese sentence."
        )
        self.play(feed.grow())
        self.play(
            FadeIn(choice),
            *strip.show(
                math(
                    'p = op("softmax")(W_"out" tanh(W_c [ "ctx"^t ; bold(s)^t ] + bold(b)_c) '
                    '+ bold(b)_"out")'
                )
            ),
        )
        self.play(Create(pick))


class AlignmentMap(HeatMap):
    """A heat map of attention weights, written words (rows) x source words (columns),
    filled row by row (:meth:`reveal_rows`), with the source words over the columns."""

    def __init__(
        self,
        values: np.ndarray,
        *,
        source: tuple[str, ...],
        written: tuple[str, ...],
        **kw,
    ) -> None:
        super().__init__(values, **kw)
        th = self.theme
        self.column_labels = VGroup(
            *[
                label(w, font_size=TYPE.label, color=th.x, theme=th).next_to(
                    self.grid[0][t], UP, buff=0.15
                )
                for t, w in enumerate(source)
            ]
        )
        base = max(m.get_bottom()[1] for m in self.column_labels)
        for mob in self.column_labels:  # one baseline, whatever the letters
            mob.shift(UP * (base - mob.get_bottom()[1]))
        # the written words name the rows, at the label size; they are not part of the map
        # (each appears with its row): :meth:`place_row_words` puts them beside it
        self.row_words = VGroup(*[label(w, font_size=TYPE.label, theme=th) for w in written])
        self.add(self.column_labels)

    def place_row_words(self) -> VGroup:
        """Put the written words left of their rows, as the map stands now."""
        for r, mob in enumerate(self.row_words):
            mob.next_to(self.grid[r][0], LEFT, buff=0.2)
        return self.row_words

    def reveal_rows(self, rows: list[int]) -> VGroup:
        """Fill rows (indices into the drawn rows); returns the new cells (to fade in)."""
        group = VGroup()
        for r in rows:
            for t in range(self.steps):
                if self.numbers[r][t] is not None:
                    continue
                rect, text = self._cell(r, t, float(self._values[self.rows[r], t]))
                self.fills[r][t], self.numbers[r][t] = rect, text
                group.add(rect, text)
        return group


class AttentionAlignment(LectureSlide):
    """The attention map of the long example, row by row; the verb's jump; the aligned
    words; the Transformer's sharper map."""

    scene_id = "attention-alignment"
    title = "Attention as an alignment"
    description = (
        "The trained model's target x source attention weights for one sentence, filled "
        "row by row: the verb's weight jumps to the end."
    )

    def construct(self) -> None:
        th = self.theme
        d = alignment_data()
        self.data = d
        self.shown: dict[str, object] = {}
        strip = BottomStrip()
        title = self.slide_title("Where the decoder looks, word by word")
        left, right, bottom, top = TYPE.figure_zone()
        n_rows, n_cols = d.weights.shape
        # cells wide enough for the longest source word, tall enough to fill the zone
        widest = max(label(w, font_size=TYPE.label).width for w in d.source)
        words_w = max(label(w, font_size=TYPE.label).width for w in d.output) + 0.2
        cell_w = max(widest + 0.12, min((right - left - words_w) / n_cols, 1.5))
        cell_h = min((top - bottom - 0.6) / n_rows, 0.6)
        heat = AlignmentMap(
            d.weights,
            source=d.source,
            written=d.output,
            quantity=ATTENTION_QUANTITY,
            cell_width=cell_w,
            cell_height=cell_h,
            theme=th,
        )
        heat.move_to([(left + right) / 2 + words_w / 2, (top + bottom) / 2, 0.0])
        heat.align_to([0, top, 0], UP)
        labels = heat.place_row_words()
        self.heat = heat
        grid = VGroup(heat.grid, heat.frame, heat.column_labels)

        # The empty map: the source words across the top
        self.step(
            f"The model with attention translates '{' '.join(d.source)}'. Each row of this map "
            f"will hold the weights of one decoder step over the {len(d.source)} source words "
            "(each row "
            "sums to one); the rows fill in as the words are written."
        )
        self.play(FadeIn(title), FadeIn(grid))
        self.play(*strip.show(math("alpha^t_j, quad sum_j alpha^t_j = 1")))

        phases = d.phases()
        self.shown["rows"] = {}
        notes = [
            self._phase_note(d, phases[0], "The subject comes first in both languages"),
            self._phase_note(d, phases[1], "Then the adverb and the object"),
        ]
        for rows, note in zip(phases[:2], notes, strict=True):
            self.step(note)
            cells = heat.reveal_rows(rows)
            self.play(
                LaggedStart(
                    *[FadeIn(VGroup(labels[r], *self._row_cells(heat, r))) for r in rows],
                    lag_ratio=0.4,
                ),
            )
            del cells
            for r in rows:
                self.shown["rows"][d.output[r]] = heat.displayed[r]

        # The verb: the weight jumps back to the middle of the source
        verb = d.verb_row
        src = d.alignment[verb]
        self.shown["rows"][d.output[verb]] = None
        jump = SurroundingRectangle(heat.grid[verb][src], buff=0.0, stroke_width=5)
        jump.set_stroke(ManimColor(th.text))
        prev = verb - 1
        self.step(
            f"Last, the verb. The weight jumps from '{d.source[int(np.argmax(d.weights[prev]))]}'"
            f" back to '{d.source[src]}': {v(d.weights[verb, src])} on it while writing "
            f"'{d.output[verb]}'. English puts the verb in the middle, Japanese at the end, and "
            "the model learned to look back for it; nobody told it where the verb is."
        )
        heat.reveal_rows([verb])
        self.play(FadeIn(VGroup(labels[verb], *self._row_cells(heat, verb))))
        self.shown["rows"][d.output[verb]] = heat.displayed[verb]
        self.play(Create(jump))

        # The reference alignment
        aligned = d.aligned_weights()
        outlines = VGroup(
            *[
                SurroundingRectangle(
                    heat.grid[j][d.alignment[j]], buff=0.0, stroke_width=3.5
                ).set_stroke(ManimColor(th.text))
                for j in d.aligned_rows
                if j != verb
            ]
        )
        particles = [d.output[j] for j, a in enumerate(d.alignment) if a is None]
        self.shown["aligned"] = [v(x) for x in aligned]
        self.step(
            "Outlined: the source word each Japanese word translates. The weight on it: "
            + ", ".join(f"{d.output[j]} {v(d.weights[j, d.alignment[j]])}" for j in d.aligned_rows)
            + f"; mean {v(aligned.mean())} here, {v(d.mean_aligned)} over 1000 fresh sentences."
            f" The particles {' and '.join(repr(p) for p in particles)} translate no word, "
            "and their weights spread out."
        )
        self.play(
            Create(outlines),
            *strip.show(
                label(
                    f"weight on the aligned word: mean {v(aligned.mean())} in this sentence",
                    font_size=TYPE.label,
                    theme=th,
                )
            ),
        )

        # The Transformer's cross-attention is sharper
        if d.transformer is not None:
            tf_aligned = d.aligned_weights(d.transformer)
            self.step(
                f"The Transformer writes the same words. Its cross-attention, averaged over its "
                f"{d.transformer_heads} heads, is sharper: mean {v(tf_aligned.mean())} on the "
                f"aligned word here, {v(d.transformer_mean_aligned)} over 1000 fresh sentences."
                " Its encoder has already mixed the words with self-attention, as the next "
                "slides show."
            )
            new_title = self.slide_title("The Transformer looks more sharply")
            self.play(
                heat.animate_values(d.transformer),
                FadeOut(title),
                FadeIn(new_title),
                *strip.show(
                    label(
                        f"weight on the aligned word: mean {v(tf_aligned.mean())} in this sentence",
                        font_size=TYPE.label,
                        theme=th,
                    )
                ),
            )
            self.bring_to_front(outlines, jump)  # the outlines stay over the new shading
            self.shown["transformer"] = heat.displayed

    @staticmethod
    def _row_cells(heat: HeatMap, r: int) -> list[VMobject]:
        return [m for t in range(heat.steps) for m in (heat.fills[r][t], heat.numbers[r][t])]

    @staticmethod
    def _phase_note(d, rows: list[int], opening: str) -> str:
        parts = []
        for j in rows:
            a = d.alignment[j]
            top = int(np.argmax(d.weights[j]))
            if a is None:
                parts.append(
                    f"'{d.output[j]}' is a particle: its weight is spread, at most "
                    f"{v(d.weights[j, top])} on '{d.source[top]}'"
                )
            else:
                parts.append(f"'{d.output[j]}' puts {v(d.weights[j, a])} on '{d.source[a]}'")
        return f"{opening}: " + "; ".join(parts) + "."
