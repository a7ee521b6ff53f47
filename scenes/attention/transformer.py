"""The Transformer's encoder block drawn as a circuit (attention, add & norm, feed-forward,
add & norm) with the trained ``tiny-transformer``'s values of one word flowing through it;
then an RNN's T sequential steps against the Transformer's one parallel step.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Line,
    ManimColor,
    RoundedRectangle,
    Succession,
    VGroup,
)

from rnn_core.pretrained import load
from rnn_core.tasks import translation_example
from scenes.attention.self_attention import MODEL, AttentionSlide, _fmt
from scenes.kit.components import VectorGlyph, Wire, label, math
from scenes.kit.diagrams import BlockChain, fit_to_zone
from scenes.kit.theme import TYPE, Theme

__all__ = ["BlockExample", "block_example", "TransformerBlock"]

CELLS = 4  # value slots of a vector glyph: 3 values and the ellipsis of the rest


@dataclass(frozen=True)
class BlockExample:
    """One word through the trained encoder layer: ``x`` (E,) its embedding plus position,
    ``attn`` the self-attention output, ``residual_1`` = x + attn, ``n1`` its layer norm
    (with ``mean_1`` and ``std_1``), ``f`` the feed-forward output (``active`` of ``n_ff``
    hidden units above zero), ``residual_2`` = n1 + f and ``z`` the layer's output; ``weights``
    (H, T) every head's attention from this word."""

    words: tuple[str, ...]
    t: int
    x: np.ndarray
    attn: np.ndarray
    residual_1: np.ndarray
    mean_1: float
    std_1: float
    n1: np.ndarray
    f: np.ndarray
    active: int
    n_ff: int
    residual_2: np.ndarray
    z: np.ndarray
    weights: np.ndarray

    @property
    def word(self) -> str:
        return self.words[self.t]


@functools.cache
def block_example() -> BlockExample:
    model = load(MODEL)
    words = tuple(translation_example()[0])
    enc = model.trace(words).trace.encoder
    t = len(words) - 1  # the last word: the one whose row the self-attention scene follows
    return BlockExample(
        words=words,
        t=t,
        x=enc.x[t],
        attn=enc.self_attn.out[t],
        residual_1=enc.add_norm_1.residual[t],
        mean_1=float(enc.add_norm_1.norm.mean[t]),
        std_1=float(1.0 / enc.add_norm_1.norm.inv_std[t]),
        n1=enc.add_norm_1.out[t],
        f=enc.ff.out[t],
        active=int((enc.ff.h[t] > 0).sum()),
        n_ff=int(enc.ff.h.shape[-1]),
        residual_2=enc.add_norm_2.residual[t],
        z=enc.out[t],
        weights=enc.self_attn.weights[:, t],
    )


def _box(text: str, width: float, colour: str, theme: Theme) -> VGroup:
    rect = RoundedRectangle(
        width=width, height=1.15, corner_radius=0.12, stroke_width=3, color=ManimColor(colour)
    )
    rect.set_fill(ManimColor(theme.panel), opacity=1.0)
    words = VGroup(*[label(line, font_size=TYPE.label, theme=theme) for line in text.split("\n")])
    words.arrange(DOWN, buff=0.08).move_to(rect)
    group = VGroup(rect, words)
    group.rect = rect
    return group


class TransformerBlock(AttentionSlide):
    """The encoder block as a circuit with one word's real values on its wires, then the
    RNN's sequential steps against the Transformer's single parallel step."""

    scene_id = "transformer-block"
    title = "The Transformer's encoder block"
    description = "Attention, add & norm, feed-forward, add & norm with one word's real values."

    def construct(self) -> None:
        th = self.theme
        ex = block_example()
        self.example = ex
        self.shown: dict[str, list[str]] = {}
        E = ex.x.size
        title = self.slide_title("The encoder block, one word flowing through")

        # The circuit: boxes left to right, residual wires above
        y_box, y_skip = 1.45, 2.65
        gap = 1.35
        boxes = {
            "attn": _box("Multi-head\nattention", 2.1, th.o, th),
            "norm1": _box("Add &\nnorm", 1.35, th.text, th),
            "ff": _box("Feed-\nforward", 1.6, th.z, th),
            "norm2": _box("Add &\nnorm", 1.35, th.text, th),
        }
        row = VGroup(*boxes.values()).arrange(RIGHT, buff=gap)
        row.move_to([0.0, y_box, 0.0])
        x_in = row.get_left()[0] - gap
        x_out = row.get_right()[0] + gap

        def at(x: float, y: float = y_box) -> np.ndarray:
            return np.array([x, y, 0.0])

        b = {k: v.rect for k, v in boxes.items()}
        wires = {
            "x": Wire([at(x_in), b["attn"].get_left()], quantity="x", theme=th),
            "attn": Wire([b["attn"].get_right(), b["norm1"].get_left()], quantity="o", theme=th),
            "n1": Wire([b["norm1"].get_right(), b["ff"].get_left()], quantity="y", theme=th),
            "f": Wire([b["ff"].get_right(), b["norm2"].get_left()], quantity="z", theme=th),
            "z": Wire([b["norm2"].get_right(), at(x_out)], quantity="y", theme=th),
        }
        j1 = (x_in + b["attn"].get_left()[0]) / 2
        j2 = (b["norm1"].get_right()[0] + b["ff"].get_left()[0]) / 2
        skips = {
            "skip1": Wire(
                [at(j1), at(j1, y_skip), at(b["norm1"].get_x(), y_skip), b["norm1"].get_top()],
                quantity="x",
                theme=th,
                joint=True,
            ),
            "skip2": Wire(
                [at(j2), at(j2, y_skip), at(b["norm2"].get_x(), y_skip), b["norm2"].get_top()],
                quantity="y",
                theme=th,
                joint=True,
            ),
        }
        # The other words reach the attention as keys and values, from below
        kv_y = b["attn"].get_bottom()[1] - 0.75
        others = label(f"all {len(ex.words)} words", font_size=TYPE.note, color=th.x, theme=th)
        others.next_to(at(b["attn"].get_x(), kv_y), DOWN, buff=0.08)
        kv = Wire([at(b["attn"].get_x(), kv_y), b["attn"].get_bottom()], quantity="x", theme=th)
        circuit = VGroup(*wires.values(), *skips.values(), kv, others, *boxes.values())

        # Value glyphs under the wires they travel on, tied to them
        glyph_top = -0.35  # every glyph's frame starts here
        specs = [
            ("x", ex.x, "x", "bold(x)", j1),
            ("attn", ex.attn, "o", "bold(a)", wires["attn"].get_x()),
            ("n1", ex.n1, "y", "bold(n)", j2),
            ("f", ex.f, "z", "bold(f)", wires["f"].get_x()),
            ("z", ex.z, "y", "bold(z)", (b["norm2"].get_right()[0] + x_out) / 2),
        ]
        glyphs: dict[str, VGroup] = {}
        for key, values, qty, name, gx in specs:
            glyph = VectorGlyph(
                values,
                quantity=qty,
                theme=th,
                max_cells=CELLS,
                vmax=float(np.abs(values).max()),
                label=name,
                label_side=UP,
            )
            glyph.set_x(gx).align_to(at(gx, glyph_top), UP)
            glyph.shift(UP * (glyph_top - glyph.frame.get_top()[1]))
            tie = Line(
                at(gx, glyph.get_top()[1] + 0.08),
                at(gx, y_box - 0.08),
                color=ManimColor(th.quantity(qty)),
                stroke_width=2,
            )
            glyphs[key] = VGroup(tie, glyph)
        note = label(
            f"each vector: {glyphs['x'][1].note}", font_size=TYPE.note, color=th.muted, theme=th
        )
        note.next_to(glyphs["attn"][1], DOWN, buff=0.15)
        note.set_x((glyphs["attn"][1].get_x() + glyphs["n1"][1].get_x()) / 2)
        relu = label(
            f"ReLU: {ex.active} of {ex.n_ff} on", font_size=TYPE.note, color=th.muted, theme=th
        )
        relu.next_to(glyphs["f"][1], DOWN, buff=0.15)
        word = VGroup(
            label(f"'{ex.word}'", font_size=TYPE.note, color=th.x, theme=th),
            label(f"position {ex.t}", font_size=TYPE.note, color=th.muted, theme=th),
        ).arrange(DOWN, buff=0.08)
        word.next_to(glyphs["x"][1], DOWN, buff=0.15)

        # The input: one word's embedding plus its position
        self.step(
            f"The encoder block the Transformer stacks (here one layer). Follow one word, "
            f"'{ex.word}': its input is its embedding plus its positional encoding, {E} "
            f"numbers starting {', '.join(_fmt(v) for v in ex.x[:3])}."
        )
        strip = self.equation(f'bold(x) = E["{ex.word}"] + P E_{ex.t}')
        self.play(FadeIn(title), FadeIn(circuit), FadeIn(strip))
        self.play(FadeIn(glyphs["x"]), FadeIn(note), FadeIn(word), wires["x"].pulse())
        self.shown["x"] = glyphs["x"][1].displayed
        self.circuit, self.glyphs = circuit, glyphs

        # Attention: the word looks at every word
        mix = ", ".join(
            f"{w} {_fmt(a)}" for w, a in zip(ex.words, ex.weights.mean(axis=0), strict=True)
        )
        self.step(
            f"Multi-head attention: '{ex.word}' is the query; the keys and values come from "
            f"all {len(ex.words)} words. Averaged over the heads its weights are {mix}. The "
            f"result a starts {', '.join(_fmt(v) for v in ex.attn[:3])}."
        )
        strip, anims = self.swap_strip(
            strip,
            'bold(a) = op("MultiHead")(bold(x), X, X) quad "(query: this word; keys, values: all)"',
        )
        self.play(*anims, kv.pulse(), wires["attn"].pulse(), FadeIn(glyphs["attn"]))
        self.shown["attn"] = glyphs["attn"][1].displayed

        # Add & norm: the skip path brings x around the attention
        self.step(
            "Add and norm. The skip wire carries x around the attention and adds it back, as "
            "the LSTM's highway carries its cell state: the block only has to learn a change. "
            f"First cell: {_fmt(ex.x[0])} + {_fmt(ex.attn[0])} = {_fmt(ex.residual_1[0])}; "
            f"then the {E} sums are normalised to mean 0 and spread 1 (their mean is "
            f"{_fmt(ex.mean_1)}, their spread {_fmt(ex.std_1)}) and scaled by learned gains."
        )
        strip, anims = self.swap_strip(
            strip,
            f'bold(n) = op("LayerNorm")(bold(x) + bold(a)), quad '
            f"x_1 + a_1 = {_fmt(ex.x[0])} + {_fmt(ex.attn[0])} = {_fmt(ex.residual_1[0])}",
        )
        self.play(*anims, skips["skip1"].pulse(), wires["n1"].pulse(), FadeIn(glyphs["n1"]))
        self.shown["n1"] = glyphs["n1"][1].displayed

        # Feed-forward: the same two layers on every word, alone
        self.step(
            f"The feed-forward layer works on this word alone (the same weights for every "
            f"word): {E} numbers up to {ex.n_ff} hidden units, ReLU ({ex.active} of them are "
            f"positive here), back down to {E}."
        )
        strip, anims = self.swap_strip(
            strip, 'bold(f) = W_2 op("ReLU")(W_1 bold(n) + bold(b)_1) + bold(b)_2'
        )
        self.play(*anims, wires["f"].pulse(), FadeIn(glyphs["f"]), FadeIn(relu))
        self.shown["f"] = glyphs["f"][1].displayed

        # Add & norm again: the block's output
        self.step(
            "Add and norm again, around the feed-forward layer. z is the encoder's output for "
            f"'{ex.word}', starting {', '.join(_fmt(v) for v in ex.z[:3])}: what the "
            "decoder's cross-attention reads."
        )
        strip, anims = self.swap_strip(
            strip,
            f'bold(z) = op("LayerNorm")(bold(n) + bold(f)), quad '
            f"n_1 + f_1 = {_fmt(ex.n1[0])} + {_fmt(ex.f[0])} = {_fmt(ex.residual_2[0])}",
        )
        self.play(*anims, skips["skip2"].pulse(), wires["z"].pulse(), FadeIn(glyphs["z"]))
        self.shown["z"] = glyphs["z"][1].displayed

        # T sequential steps against one parallel step
        self._sequential_vs_parallel(strip, title, [circuit, *glyphs.values(), note, relu, word])

    def _sequential_vs_parallel(self, strip: VGroup, title: VGroup, old: list) -> None:
        th = self.theme
        words = block_example().words
        T = len(words)
        self.step(
            f"Why it trains fast: an RNN must compute h^1 before h^2, and so on, {T} steps "
            f"one after another for '{' '.join(words)}'. The encoder block computes every "
            f"word's row at once, {T} rows in one step of matrix products: attention links "
            "every pair of words directly, however far apart."
        )
        rnn = BlockChain(
            T,
            block_label="h",
            input_label='"{t}"',
            output_label="bold(h)^({t})",
            output_quantity="y",
            theme=th,
            spacing=1.45,
            box=0.75,
        )
        for k, mob in enumerate(rnn.inputs):
            mob.become(label(words[k], font_size=TYPE.note, color=th.x, theme=th).move_to(mob))
        rnn_title = label(f"RNN: {T} steps, one after another", font_size=TYPE.label, theme=th)
        rnn_group = VGroup(rnn_title, rnn).arrange(DOWN, buff=0.2)

        cells = VGroup()
        for _ in range(T):
            rect = RoundedRectangle(
                width=0.9, height=0.75, corner_radius=0.12, stroke_width=3, color=ManimColor(th.o)
            )
            rect.set_fill(ManimColor(th.panel), opacity=1.0)
            cells.add(rect)
        cells.arrange(RIGHT, buff=0.55)
        ins = VGroup(*[label(w, font_size=TYPE.note, color=th.x, theme=th) for w in words])
        for w, c in zip(ins, cells, strict=True):
            w.next_to(c, DOWN, buff=1.1)
        links = VGroup(
            *[
                Line(
                    w.get_top() + UP * 0.05, c.get_bottom(), color=ManimColor(th.x), stroke_width=2
                )
                for w in ins
                for c in cells
            ]
        )
        outs = VGroup(
            *[
                math(f"bold(z)^({k + 1})", color=th.y, theme=th).next_to(c, UP, buff=0.3)
                for k, c in enumerate(cells)
            ]
        )
        tf_title = label("Transformer: 1 step, all at once", font_size=TYPE.label, theme=th)
        tf = VGroup(links, cells, ins, outs)
        tf_group = VGroup(tf_title, tf).arrange(DOWN, buff=0.2)
        both = VGroup(rnn_group, tf_group).arrange(RIGHT, buff=0.8, aligned_edge=UP)
        self.comparison_scale = fit_to_zone(both, max_scale=1.4, min_scale=1.0)
        self.comparison = {"rnn": rnn, "transformer": tf}

        strip, anims = self.swap_strip(
            strip,
            'bold(h)^t = f(bold(h)^(t-1), bold(x)^t) quad "vs" quad Z = op("Block")(X) '
            '" (all rows together)"',
        )
        new_title = self.slide_title(f"{T} steps in a row, or one step for all {T} words")
        self.play(
            *[FadeOut(m) for m in old],
            *anims,
            FadeOut(title),
            FadeIn(new_title),
            FadeIn(rnn_title),
            FadeIn(tf_title),
            FadeIn(rnn.inputs),
            FadeIn(ins),
        )
        # the RNN's steps one after another, the Transformer's rows at once
        self.play(
            Succession(
                *[
                    FadeIn(
                        VGroup(
                            rnn.blocks[k],
                            rnn.input_arrows[k],
                            rnn.outputs[k],
                            rnn.output_arrows[k],
                            *([rnn.state_arrows[k - 1]] if k else []),
                        ),
                        run_time=0.5,
                    )
                    for k in range(T)
                ]
            )
        )
        self.play(Create(links), FadeIn(cells), FadeIn(outs))
