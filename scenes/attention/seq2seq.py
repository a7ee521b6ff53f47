"""``seq2seq-bottleneck``: an encoder LSTM reads the source, its last state is all the
decoder gets, the decoder writes word by word feeding each word back; then the measured
exact match by sentence length of the model without attention against the ones with it.

The numbers are the shipped ``seq2seq-lstm`` on the lecture's long example (which it gets
wrong) and the curves of :func:`scenes.translation_data.length_curves`.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    ManimColor,
    RoundedRectangle,
    SurroundingRectangle,
    Underline,
    VGroup,
    VMobject,
)

from scenes.kit.base import LectureSlide
from scenes.kit.components import VectorGlyph, Wire, format_value, label, math
from scenes.kit.diagrams import BottomStrip
from scenes.kit.theme import TYPE, Theme
from scenes.translation_data import (
    CURVE_MODELS,
    CURVE_NAMES,
    bottleneck_example,
    curve_style,
    length_curves,
)

__all__ = ["Seq2SeqBottleneck", "word_box"]


def v(x: float) -> str:
    return format_value(float(x))


def word_box(th: Theme, width: float = 0.8, height: float = 0.5) -> RoundedRectangle:
    """One LSTM step drawn as a block (the recurrent cell of lecture 4, folded up)."""
    box = RoundedRectangle(width=width, height=height, corner_radius=0.08, stroke_width=2.5)
    box.set_stroke(ManimColor(th.muted)).set_fill(ManimColor(th.panel), opacity=1.0)
    return box


PITCH = 1.32  # horizontal distance between two steps (fits the widest word at TYPE.note)
ENC_Y, DEC_Y = 2.5, -1.45  # rows of the encoder and decoder blocks
BOTTLENECK_Y = 0.65  # centre of the panel that holds the encoder's last state


class Seq2SeqBottleneck(LectureSlide):
    """Encoder, the one state passed on, decoder feeding its words back; then accuracy by
    sentence length without and with attention."""

    scene_id = "seq2seq-bottleneck"
    title = "The seq2seq bottleneck"
    description = (
        "Encoder-decoder LSTMs: the last encoder state is all the decoder gets; "
        "exact match by sentence length without and with attention."
    )

    def construct(self) -> None:
        th = self.theme
        ex = bottleneck_example()
        self.example = ex
        self.shown: dict[str, object] = {}
        strip = BottomStrip()
        title = self.slide_title("Encoder, decoder, and one state between them")

        # The encoder reads the source
        enc = self._encoder(ex.source)
        self.step(
            f"The encoder is an LSTM with {ex.n_hidden} cells. It reads the English sentence "
            f"'{' '.join(ex.source)}' one word at a time, each word an embedding vector, and "
            "passes its state from word to word, as the LSTM of lecture 4 did. Nothing comes "
            "out of it yet."
        )
        self.play(FadeIn(title), FadeIn(enc["words"]), FadeIn(enc["boxes"]), FadeIn(enc["ins"]))
        self.play(LaggedStart(*[w.grow() for w in enc["links"]], lag_ratio=0.3, run_time=1.2))
        self.play(*strip.show(math('bold(h)^j = op("LSTM")_"enc" (bold(x)^j, bold(h)^(j-1))')))

        # Its last state is all the decoder gets
        h_last, c_last = ex.trace.bottleneck
        n_src = len(ex.source)
        h_glyph = VectorGlyph(
            h_last,
            label=f"bold(h)^{n_src}",
            quantity="y",
            direction="row",
            label_side=LEFT,
            max_cells=5,
        )
        c_glyph = VectorGlyph(
            c_last,
            label=f"bold(c)^{n_src}",
            quantity="c",
            direction="row",
            label_side=LEFT,
            max_cells=5,
        )
        glyphs = VGroup(h_glyph, c_glyph).arrange(DOWN, buff=0.12, aligned_edge=RIGHT)
        note = label(h_glyph.note + " each", font_size=TYPE.note, color=th.muted, theme=th)
        note.next_to(glyphs, RIGHT, buff=0.25)
        panel = SurroundingRectangle(
            VGroup(glyphs, note), buff=0.15, corner_radius=0.1, stroke_width=2.5
        )
        panel.set_stroke(ManimColor(th.y))
        bottleneck = VGroup(panel, glyphs, note).move_to([0.0, BOTTLENECK_Y, 0.0])
        self.shown["bottleneck"] = {"h": h_glyph.displayed, "c": c_glyph.displayed}
        last_box = enc["boxes"][0][-1]
        down = Wire(
            [
                last_box.get_right(),
                [last_box.get_right()[0] + 0.45, ENC_Y, 0.0],
                [last_box.get_right()[0] + 0.45, BOTTLENECK_Y, 0.0],
                panel.get_right(),
            ],
            quantity="y",
        )
        self.step(
            f"After the last word, '{ex.source[-1]}', the encoder's output h and its cell state "
            f"c, {ex.n_hidden} numbers each, are all the decoder will ever see of the sentence: "
            f"{2 * ex.n_hidden} numbers for {n_src} words, however long the sentence. This is "
            "the bottleneck (Sutskever et al. 2014, Cho et al. 2014). The values shown are the "
            f"trained model's: h ranges from {v(h_last.min())} to {v(h_last.max())}."
        )
        self.play(FadeIn(bottleneck))
        self.play(down.grow())
        self.play(down.pulse())

        # The decoder writes word by word, feeding each word back
        dec = self._decoder(ex)
        self.dec = dec
        into = Wire(
            [
                panel.get_left(),
                [dec["boxes"][0].get_left()[0] - 0.45, BOTTLENECK_Y, 0.0],
                [dec["boxes"][0].get_left()[0] - 0.45, DEC_Y, 0.0],
                dec["boxes"][0].get_left(),
            ],
            quantity="y",
        )
        self.shown["written"] = list(ex.written)
        self.shown["probs"] = [v(p) for p in ex.chosen_probs]
        self.step(
            "The decoder is a second LSTM that starts from that state. It reads <bos>, writes "
            "the most probable word, and reads that word back in at the next step, until it "
            "writes <eos>. Above each word, its probability: "
            + ", ".join(f"{w} {v(p)}" for w, p in zip(ex.written, ex.chosen_probs, strict=True))
            + "."
        )
        self.play(*self.dim(enc["boxes"], enc["words"], enc["ins"], enc["links"]))
        self.play(into.grow(), FadeIn(dec["boxes"]), FadeIn(dec["links"]))
        self.play(
            *strip.show(
                math('bold(s)^t = op("LSTM")_"dec" (bold(w)^(t-1), bold(s)^(t-1))'),
                math('w^t = arg max op("softmax")(W_"out" bold(s)^t + bold(b))'),
            )
        )
        for t in range(len(ex.written)):
            parts = [FadeIn(dec["inputs"][t]), FadeIn(dec["outputs"][t]), FadeIn(dec["probs"][t])]
            if t > 0:
                parts.append(dec["feedback"][t - 1].grow(run_time=0.3))
            self.play(*parts, run_time=0.3)

        # The hard case: the sentence is long
        marks = VGroup(
            *[
                Underline(dec["outputs"][k], color=ManimColor(th.c), stroke_width=4, buff=0.04)
                for k in ex.invented
            ]
        )
        invented = [ex.output[k] for k in ex.invented]
        self.shown["reference"] = list(ex.reference)
        self.shown["invented"] = invented
        verdict = "right" if ex.exact else "wrong"
        short_verdict = "right" if ex.short_output == ex.short_reference else "wrong"
        attention_verdict = "right" if ex.attention_output == ex.reference else "wrong too"
        self.step(
            f"Fluent-looking, and {verdict}. The reference is '{' '.join(ex.reference)}'. The "
            "decoder writes words of the right kinds in roughly the right places (particles, "
            f"a verb at the end), but {', '.join(repr(w) for w in invented)} come from other "
            f"sentences: one state could not carry {len(ex.source)} words. On the short seed "
            f"sentence, '{' '.join(ex.short_source)}', this model writes "
            f"'{' '.join(ex.short_output)}' ({short_verdict}); the model with attention gets "
            f"the long one {attention_verdict}: '{' '.join(ex.attention_output)}'."
        )
        ref = label(
            "reference:  " + " ".join(ex.reference), font_size=TYPE.label, color=th.text, theme=th
        )
        self.play(
            FadeIn(marks),
            *[dec["outputs"][k].animate.set_color(ManimColor(th.c)) for k in ex.invented],
            *strip.show(ref),
        )

        # Exact match by length
        curves = length_curves()
        self._curves(curves, strip, title, [enc, dec], [bottleneck, into, down, marks])

    # -- parts ---------------------------------------------------------------------------
    def _encoder(self, source: tuple[str, ...]) -> dict[str, VGroup]:
        th = self.theme
        n = len(source)
        xs = [PITCH * (j - (n - 1) / 2) for j in range(n)]
        boxes = VGroup(*[word_box(th).move_to([x, ENC_Y, 0.0]) for x in xs])
        words = VGroup(
            *[
                label(w, font_size=TYPE.note, color=th.x, theme=th).move_to([x, ENC_Y - 0.85, 0])
                for w, x in zip(source, xs, strict=True)
            ]
        )
        ins = VGroup(
            *[
                Wire([w.get_top() + UP * 0.06, b.get_bottom()], quantity="x")
                for w, b in zip(words, boxes, strict=True)
            ]
        )
        links = [
            Wire([a.get_right(), b.get_left()], quantity="y")
            for a, b in zip(boxes[:-1], boxes[1:], strict=True)
        ]
        heading = label("encoder", font_size=TYPE.label, color=th.muted, theme=th)
        heading.next_to(boxes[0], LEFT, buff=0.25)
        return {
            "boxes": VGroup(boxes, heading),
            "words": words,
            "ins": ins,
            "links": VGroup(*links),
        }

    def _decoder(self, ex) -> dict[str, VGroup]:
        th = self.theme
        written = ex.written
        n = len(written)
        xs = [PITCH * (t - (n - 1) / 2) for t in range(n)]
        boxes = VGroup(*[word_box(th).move_to([x, DEC_Y, 0.0]) for x in xs])
        inputs = VGroup(
            *[
                label(w, font_size=TYPE.note, color=th.x, theme=th).move_to([x, DEC_Y - 0.8, 0])
                for w, x in zip(ex.trace.decoder_input, xs, strict=True)
            ]
        )
        outputs = VGroup(
            *[
                label(w, font_size=TYPE.note, color=th.text, theme=th).move_to([x, DEC_Y + 0.8, 0])
                for w, x in zip(written, xs, strict=True)
            ]
        )
        probs = VGroup(
            *[
                label(v(p), font_size=TYPE.note, color=th.muted, theme=th).next_to(o, UP, buff=0.1)
                for p, o in zip(ex.chosen_probs, outputs, strict=True)
            ]
        )
        links = VGroup(
            *[
                Wire([a.get_right(), b.get_left()], quantity="y")
                for a, b in zip(boxes[:-1], boxes[1:], strict=True)
            ],
            *[
                Wire([i.get_top() + UP * 0.04, b.get_bottom()], quantity="x")
                for i, b in zip(inputs, boxes, strict=True)
            ],
            *[
                Wire([b.get_top(), o.get_bottom() + DOWN * 0.06], color=th.text)
                for o, b in zip(outputs, boxes, strict=True)
            ],
        )
        # each written word goes back in: from under the word, past the next block's left
        # edge, to the top of the next input
        feedback = []
        for t in range(n - 1):
            start = np.array([xs[t] + 0.3, DEC_Y + 0.55, 0.0])
            end = np.array([xs[t + 1] - 0.3, DEC_Y - 0.6, 0.0])
            feedback.append(Wire([start, end], past=True, stroke_width=2.5, tip_length=0.13))
        return {
            "boxes": VGroup(*boxes),
            "inputs": inputs,
            "outputs": outputs,
            "probs": probs,
            "links": links,
            "feedback": feedback,
        }

    def _curves(self, curves, strip, title, groups, extras) -> None:
        th = self.theme
        lengths = curves.lengths
        left, right, bottom, top = TYPE.figure_zone()
        axes = Axes(
            x_range=[lengths[0] - 0.5, lengths[-1] + 0.5, 1],
            y_range=[0, 1.0, 0.25],
            x_length=(right - left) - 2.2,
            y_length=(top - bottom) - 1.45,
            tips=False,
            axis_config={"color": ManimColor(th.muted), "stroke_width": 2},
        )
        axes.move_to([(left + right) / 2 + 0.7, (top + bottom) / 2 + 0.1, 0.0])
        ticks = VGroup()
        for L in lengths:
            ticks.add(
                label(str(L), font_size=TYPE.note, color=th.muted, theme=th).next_to(
                    axes.c2p(L, 0), DOWN, buff=0.12
                )
            )
        for y in (0.0, 0.25, 0.5, 0.75, 1.0):
            ticks.add(
                label(f"{y:.2f}", font_size=TYPE.note, color=th.muted, theme=th).next_to(
                    axes.c2p(lengths[0] - 0.5, y), LEFT, buff=0.12
                )
            )
        grid = VGroup(
            *[
                Line(
                    axes.c2p(lengths[0] - 0.5, y),
                    axes.c2p(lengths[-1] + 0.5, y),
                    stroke_width=1,
                    color=ManimColor(th.grid),
                )
                for y in (0.25, 0.5, 0.75, 1.0)
            ]
        )
        x_title = label("source sentence length (words)", font_size=TYPE.label, theme=th)
        x_title.next_to(ticks[0], DOWN, buff=0.15).set_x(axes.get_x())
        y_title = label("exact match", font_size=TYPE.label, theme=th).rotate(np.pi / 2)
        y_title.next_to(ticks[len(lengths) :], LEFT, buff=0.15)
        frame = VGroup(grid, axes, ticks, x_title, y_title)
        new_title = self.slide_title("Without attention, long sentences fail")

        def curve(name: str) -> tuple[VMobject, VGroup]:
            colour, dashed, width = curve_style(th, name)
            pts = [axes.c2p(L, y) for L, y in zip(lengths, curves.curves[name], strict=True)]
            line = VMobject(stroke_color=ManimColor(colour), stroke_width=width)
            line.set_points_as_corners(pts)
            if dashed:
                from manim import DashedVMobject

                line = DashedVMobject(line, num_dashes=36, dashed_ratio=0.55)
            dots = VGroup(*[Dot(p, radius=0.07, color=ManimColor(colour)) for p in pts])
            return line, dots

        def entry(name: str) -> VGroup:
            colour, dashed, width = curve_style(th, name)
            swatch = Line(LEFT * 0.35, RIGHT * 0.35, stroke_width=width, color=ManimColor(colour))
            if dashed:
                from manim import DashedVMobject

                swatch = DashedVMobject(swatch, num_dashes=3, dashed_ratio=0.55)
            return VGroup(swatch, label(CURVE_NAMES[name], font_size=TYPE.label, theme=th)).arrange(
                RIGHT, buff=0.2
            )

        plain = CURVE_MODELS[0]
        line, dots = curve(plain)
        values = curves.curves[plain]
        numbers = VGroup(
            *[
                label(v(y), font_size=TYPE.number, color=th.text, theme=th).next_to(
                    d, DOWN + LEFT * 0.0, buff=0.14
                )
                for d, y in zip(dots, values, strict=True)
            ]
        )
        # numbers sit below their points, except where the curve is flat at the top (they
        # would collide with the curve of the next step): there above
        for n_mob, d, y in zip(numbers, dots, values, strict=True):
            n_mob.next_to(d, DOWN if y > 0.5 else UP, buff=0.14)
            if y > 0.9:
                n_mob.next_to(d, DOWN, buff=0.2)
        entries = [entry(name) for name in CURVE_MODELS]
        legend = VGroup(*entries).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        legend.next_to(axes.c2p(lengths[0] - 0.4, 0.05), UP + RIGHT, buff=0.0)
        self.shown["curve"] = {plain: [n.text for n in numbers]}
        drop = curves.at(plain, lengths[0]), curves.at(plain, lengths[-1])
        self.step(
            "Measured on 100 fresh sentences of each length: the share translated exactly "
            f"right. Without attention the model gets {v(drop[0])} of the {lengths[0]}-word "
            f"sentences and {v(drop[1])} of the {lengths[-1]}-word ones: "
            + ", ".join(f"{L} words {v(y)}" for L, y in zip(lengths, values, strict=True))
            + ". The longer the sentence, the more the one state must carry."
        )
        everything = [m for g in groups for m in g.values() if isinstance(m, VMobject)]
        everything += [w for g in groups for w in g.get("feedback", [])] + list(extras)
        self.play(
            *[FadeOut(m) for m in everything],
            FadeOut(strip.current),
            FadeOut(title),
            FadeIn(new_title),
        )
        strip.current = None
        self.play(FadeIn(frame))
        self.play(Create(line), FadeIn(dots), FadeIn(numbers), FadeIn(entries[0]))
        self.play(
            *strip.show(
                label(
                    "exact match: the whole translation right; 100 fresh sentences per length",
                    font_size=TYPE.label,
                    theme=th,
                )
            )
        )

        # With attention, and the Transformer
        others = [name for name in CURVE_MODELS[1:]]
        drawn = [curve(name) for name in others]
        for name in others:
            self.shown["curve"][name] = [v(y) for y in curves.curves[name]]
        lows = {name: float(curves.curves[name].min()) for name in others}
        highs = {name: float(curves.curves[name].max()) for name in others}

        def span(name: str) -> str:
            low, high = v(lows[name]), v(highs[name])
            return f"{low} at every length" if low == high else f"{low} to {high}"

        same = len({tuple(v(y) for y in curves.curves[name]) for name in others}) == 1
        self.step(
            "With attention the decoder looks back at every encoder state at every step, "
            "and the length no longer matters: "
            + "; ".join(f"{CURVE_NAMES[name]}: {span(name)}" for name in others)
            + (
                ". Their lines lie on top of each other; the Transformer's is dashed. "
                if same
                else ". The Transformer's line is dashed. "
            )
            + "Next: how one decoder step looks back."
        )
        final_title = self.slide_title("Longer sentences: without and with attention")
        self.play(
            FadeOut(new_title),
            FadeIn(final_title),
            *[Create(ln) for ln, _ in drawn],
            *[FadeIn(d) for _, d in drawn],
            *[FadeIn(e) for e in entries[1:]],
            *self.dim(line, dots, numbers),
        )
        self.legend = legend
