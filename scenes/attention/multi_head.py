"""Multi-head attention: the trained encoder's four heads on "I am a student" side by
side, each with its own pattern; their outputs concatenated and mixed by W_O.
"""

from __future__ import annotations

import numpy as np
from manim import FadeIn, LaggedStart, ManimColor, SurroundingRectangle, VGroup

from scenes.attention.self_attention import (
    AttentionSlide,
    ValueMatrix,
    _fmt,
    self_attention_example,
)
from scenes.kit.theme import TYPE

__all__ = ["MultiHead"]

# ---------------------------------------------------------------------------------------
# Multi-head attention


class MultiHead(AttentionSlide):
    """The trained encoder's four heads on "I am a student", side by side: each head has
    its own W_Q, W_K, W_V and its own pattern; their outputs are concatenated and mixed by
    W_O."""

    scene_id = "multi-head"
    title = "Multi-head attention"
    description = "The trained encoder's four heads side by side: four different patterns."

    def construct(self) -> None:
        th = self.theme
        ex = self_attention_example()
        self.example = ex
        words = list(ex.words)
        H, T = ex.heads.shape[0], len(words)
        title = self.slide_title(f"{H} heads, {H} ways to look at the sentence")
        mats = [
            ValueMatrix(
                ex.heads[h],
                name=f'"head {h + 1}"',
                quantity="o",
                theme=th,
                rows=words,
                cols=words,
                vmax=1.0,
            )
            for h in range(H)
        ]
        grid = VGroup(*mats).arrange_in_grid(rows=2, buff=(0.9, 0.35))
        _, _, bottom, top = TYPE.figure_zone()
        grid.move_to([0.0, (top + bottom) / 2, 0.0])
        self.matrices = mats
        self.shown: dict[str, list] = {}

        # Four heads, four patterns
        lower = np.tril(np.ones((T, T)), -1).astype(bool)
        back = [float(ex.heads[h][lower].sum() / (T - 1)) for h in range(H)]
        own = [float(np.trace(ex.heads[h]) / T) for h in range(H)]
        described = "; ".join(
            f"head {h + 1} puts {_fmt(own[h])} of a word's weight on itself on average and, "
            f"from the second word on, {_fmt(back[h])} on earlier words"
            for h in range(H)
        )
        self.step(
            f"The trained encoder runs {H} attentions side by side, each with its own "
            f"projections to {ex.d} dimensions. Same sentence, different patterns: "
            f"{described}."
        )
        strip = self.equation(
            f'bold("head")_h = op("softmax")(Q_h K_h^T \\/ sqrt({ex.d})) V_h, quad h = 1, ..., {H}'
        )
        self.play(
            FadeIn(title), FadeIn(strip), LaggedStart(*[FadeIn(m) for m in mats], lag_ratio=0.2)
        )
        self.play(*[m.fill() for m in mats])
        self.shown["heads"] = [m.displayed for m in mats]

        # One word, four questions
        r = 1
        peaks = ", ".join(
            f"head {h + 1} to '{words[int(np.argmax(ex.heads[h][r]))]}' "
            f"({_fmt(ex.heads[h][r].max())})"
            for h in range(H)
        )
        self.step(
            f"Follow '{words[r]}': {peaks}. The four outputs are concatenated back to "
            f"{H} x {ex.d} = {H * ex.d} numbers and mixed by W_O, so the next layer sees "
            "every head's view at once."
        )
        rings = VGroup(
            *[
                SurroundingRectangle(
                    VGroup(*m.heat.grid[r]), buff=0.05, color=ManimColor(th.text), stroke_width=4
                )
                for m in mats
            ]
        )
        strip, anims = self.swap_strip(
            strip,
            f'op("MultiHead")(X) = [bold("head")_1, ..., bold("head")_{H}] W_O + b_O',
        )
        self.play(*anims, FadeIn(rings))
