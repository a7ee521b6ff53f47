"""Word order and positional encodings: without positions the trained encoder's
self-attention cannot tell "cat cat dog" from "dog cat cat" (lecture 1's why-not-dcl); the
sinusoids as a heat map; with them added, the outputs differ.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, FadeIn, FadeOut, ManimColor, SurroundingRectangle, VGroup

from scenes.attention.self_attention import (
    ORDER_COLUMNS,
    ORDERS,
    PE_DIMS,
    AttentionSlide,
    ValueMatrix,
    _fmt,
    _heat_cells,
    order_example,
)
from scenes.kit.components import label, math
from scenes.kit.heatmap import HeatMap
from scenes.kit.theme import TYPE

__all__ = ["PositionalEncoding"]

# ---------------------------------------------------------------------------------------
# Word order and positional encodings


class PositionalEncoding(AttentionSlide):
    """Without positions, self-attention cannot tell "cat cat dog" from "dog cat cat" (the
    output rows only reorder, computed with the trained encoder); the sinusoids as a heat
    map; with them added, the outputs differ."""

    scene_id = "positional-encoding"
    title = "Word order and positional encodings"
    description = "Self-attention is blind to order until sinusoids are added: real outputs."

    def _pair(
        self, outs: Sequence[np.ndarray], name: str, verdict: str
    ) -> tuple[VGroup, list[ValueMatrix]]:
        th = self.theme
        vmax = float(np.abs(np.stack(outs)).max())
        mats = [
            ValueMatrix(
                out,
                name=f'{name}("{" ".join(words)}")',
                quantity="y",
                theme=th,
                rows=words,
                columns=ORDER_COLUMNS,
                vmax=vmax,
            )
            for out, words in zip(outs, ORDERS, strict=True)
        ]
        group = VGroup(*mats).arrange(RIGHT, buff=1.2, aligned_edge=DOWN)
        caption = label(verdict, font_size=TYPE.label, theme=self.theme)
        group.add(caption.next_to(VGroup(*mats), DOWN, buff=0.45))
        _, _, bottom, top = TYPE.figure_zone()
        group.move_to([0.0, (top + bottom) / 2, 0.0])
        return group, mats

    def _rings(self, mats: Sequence[ValueMatrix]) -> VGroup:
        """The "dog" row outlined in both orders."""
        rings = VGroup()
        for m, words in zip(mats, ORDERS, strict=True):
            r = words.index("dog")
            rings.add(
                SurroundingRectangle(
                    VGroup(*m.heat.grid[r]),
                    buff=0.05,
                    color=ManimColor(self.theme.text),
                    stroke_width=4,
                )
            )
        return rings

    def construct(self) -> None:
        th = self.theme
        ex = order_example()
        self.example = ex
        self.shown: dict[str, list] = {}
        title = self.slide_title("Word order: self-attention needs positions")
        E = ex.pe.shape[1]

        # Without positions: the same rows, reordered
        self.step(
            "Remember 'cat cat dog' and 'dog cat cat' from lecture 1: a bag of vectors cannot "
            "tell them apart. Feed both to the trained encoder's self-attention with the word "
            "embeddings alone, no positions. The 'dog' row is "
            f"{', '.join(_fmt(v) for v in ex.without[0][2, :ORDER_COLUMNS])} in both, and "
            "the two 'cat' rows are equal: the output rows just follow the words around."
        )
        group, mats = self._pair(
            ex.without, 'op("attention")', "the same rows, in another order: 'dog' is 'dog'"
        )
        rings = self._rings(mats)
        strip = self.equation(
            '"no positions:" quad op("attention")(P X) = P op("attention")(X) '
            'quad "for any reordering " P'
        )
        self.play(FadeIn(title), FadeIn(group), FadeIn(strip))
        self.play(*[m.fill() for m in mats])
        self.play(FadeIn(rings))
        self.shown["without"] = [m.displayed for m in mats]

        # The sinusoids
        self.step(
            f"The fix: add a position code to each embedding. Each pair of the {E} dimensions "
            "is a sine and a cosine of the position, fast in the first pairs, slower and "
            "slower further on; every position gets its own pattern, and nearby positions get "
            "similar ones. No training: it is a formula."
        )
        heat = HeatMap(
            ex.pe.T,
            quantity="x",
            theme=th,
            show=PE_DIMS,
            noun="dimensions",
            row_labels=[f"dim {k + 1}" for k in PE_DIMS],
        )
        cols = VGroup(
            *[
                label(str(p), font_size=TYPE.note, color=th.muted, theme=th).next_to(
                    heat.grid[0][p], UP, buff=0.1
                )
                for p in range(ex.pe.shape[0])
            ]
        )
        name = math("P E" + "_(p, k)", color=th.x, theme=th)
        caption = label("position p", font_size=TYPE.note, color=th.muted, theme=th)
        note = label(heat.note, font_size=TYPE.note, color=th.muted, theme=th)
        heat_group = VGroup(heat, cols)
        VGroup(caption, name).arrange(RIGHT, buff=0.6).next_to(cols, UP, buff=0.12)
        note.next_to(heat.frame, DOWN, buff=0.1)
        pe_group = VGroup(heat_group, caption, name, note)
        _, _, bottom, top = TYPE.figure_zone()
        pe_group.move_to([0.0, (top + bottom) / 2, 0.0])
        strip, anims = self.swap_strip(
            strip,
            f"P E_(p, 2i) = sin(p \\/ 10000^(2i \\/ {E})), quad "
            f"P E_(p, 2i+1) = cos(p \\/ 10000^(2i \\/ {E}))",
        )
        self.play(
            FadeOut(group),
            *[FadeOut(m.filled()) for m in mats],
            FadeOut(rings),
            *anims,
            FadeIn(pe_group),
        )
        self.play(heat.reveal(range(ex.pe.shape[0])))
        self.shown["pe"] = heat.displayed
        self.pe_heat = heat

        # With positions: the orders differ
        self.step(
            "Add the codes to the embeddings and run the same attention again. Now 'dog' "
            f"first gives {', '.join(_fmt(v) for v in ex.with_positions[1][0, :ORDER_COLUMNS])} "
            "and 'dog' last "
            f"{', '.join(_fmt(v) for v in ex.with_positions[0][2, :ORDER_COLUMNS])}: "
            "the same word in another place is another vector, and the two cats differ too."
        )
        group2, mats2 = self._pair(
            ex.with_positions,
            'op("attention")',
            "with positions: every row differs, 'dog' first is not 'dog' last",
        )
        rings2 = self._rings(mats2)
        strip, anims = self.swap_strip(
            strip, 'X = E[bold("words")] + P E quad "(the positions added)"'
        )
        self.play(FadeOut(pe_group), FadeOut(_heat_cells(heat)), *anims, FadeIn(group2))
        self.play(*[m.fill() for m in mats2])
        self.play(FadeIn(rings2))
        self.shown["with"] = [m.displayed for m in mats2]
