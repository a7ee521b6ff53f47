"""The deltas inside the LSTM block, in the article's order (Greff et al.'s notation). Every
number comes from ``rnn_core`` through ``scenes.lesson_data``.
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
    ManimColor,
    SurroundingRectangle,
    VGroup,
    VMobject,
)

from scenes.kit.components import VectorGlyph, format_value, label, math
from scenes.kit.diagrams import (
    back_pulse,
)
from scenes.kit.lstm_cell import LSTMCell
from scenes.kit.theme import TYPE
from scenes.lesson_data import (
    lstm_backward_example,
)
from scenes.lstm_backprop.common import (
    BIAS_CELLS,
    MAX_CELLS,
    _Lecture5Slide,
    _title,
)

# ---------------------------------------------------------------------------------------
# Inside the block


# The deltas in Greff et al.'s notation (Typst). ``next`` terms come from step t+1.
DELTA_EQUATIONS = {
    "dy": "delta bold(y)^t &= Delta^t + R_z^T delta macron(bold(z))^(t+1) + "
    "R_i^T delta macron(bold(i))^(t+1) \\ &+ R_f^T delta macron(bold(f))^(t+1) + "
    "R_o^T delta macron(bold(o))^(t+1)",
    "do_bar": "delta macron(bold(o))^t = delta bold(y)^t dot.o tanh(bold(c)^t) dot.o "
    "sigma'(macron(bold(o))^t)",
    "dc": "delta bold(c)^t &= delta bold(y)^t dot.o bold(o)^t dot.o tanh'(bold(c)^t) + "
    "bold(p)_o dot.o delta macron(bold(o))^t \\ &+ bold(p)_i dot.o delta macron(bold(i))^(t+1) + "
    "bold(p)_f dot.o delta macron(bold(f))^(t+1) + "
    "{{ delta bold(c)^(t+1) dot.o bold(f)^(t+1) : highway }}",
    # without peepholes the cell reaches no gate directly: only the two routes are left
    "dc_nopeep": "delta bold(c)^t = delta bold(y)^t dot.o bold(o)^t dot.o tanh'(bold(c)^t) + "
    "{{ delta bold(c)^(t+1) dot.o bold(f)^(t+1) : highway }}",
    "df_bar": "delta macron(bold(f))^t = delta bold(c)^t dot.o bold(c)^(t-1) dot.o "
    "sigma'(macron(bold(f))^t)",
    "di_bar": "delta macron(bold(i))^t = delta bold(c)^t dot.o bold(z)^t dot.o "
    "sigma'(macron(bold(i))^t)",
    "dz_bar": "delta macron(bold(z))^t = delta bold(c)^t dot.o bold(i)^t dot.o "
    "tanh'(macron(bold(z))^t)",
    "grads": "delta W_star = sum_t delta macron(bold(star))^t (bold(x)^t)^T, quad "
    "delta R_star = sum_t delta macron(bold(star))^(t+1) (bold(y)^t)^T, quad "
    "delta bold(b)_star = sum_t delta macron(bold(star))^t",
}
DELTA_LABELS = {
    "dy": "delta bold(y)^t",
    "do_bar": "delta macron(bold(o))^t",
    "dc": "delta bold(c)^t",
    "df_bar": "delta macron(bold(f))^t",
    "di_bar": "delta macron(bold(i))^t",
    "dz_bar": "delta macron(bold(z))^t",
}
# The deltas of this step each delta is made of (the peephole route, delta o-bar into
# delta c, only with peepholes; the terms from step t+1 are not drawn in the block).
DELTA_READS: dict[str, tuple[str, ...]] = {
    "dy": (),
    "do_bar": ("dy",),
    "dc": ("dy",),
    "df_bar": ("dc",),
    "di_bar": ("dc",),
    "dz_bar": ("dc",),
}
# Where each delta is drawn: the anchor of the forward value it belongs to.
DELTA_ANCHOR = {"dy": "y", "do_bar": "o", "dc": "c", "df_bar": "f", "di_bar": "i", "dz_bar": "z"}


class LSTMBackwardFlow(_Lecture5Slide):
    """The deltas inside the block in the article's order, flowing along the wires."""

    scene_id = "lstm-backward-flow"
    title = "LSTM backprop inside the block"
    description = "delta y, o, c (with the highway term), f, i, z and the gradients, real values."

    def construct(self) -> None:
        th = self.theme
        ex = lstm_backward_example(self.scene_config)
        self.example = ex
        t = ex.t
        peep = ex.params.peepholes
        self.equations_shown: list[str] = []  # keys of DELTA_EQUATIONS, in order
        # drawn at its natural size (the deck's type scale), centred in the figure zone
        model = self.scene_config.model
        cells = dict(show=model.show_cells, noun="cells")  # the config's selection, if any
        cell = LSTMCell(
            layout="circuit",
            theme=th,
            peepholes=peep,
            max_cells=MAX_CELLS,
            show_cells=model.show_cells,
            show_inputs=model.show_inputs,
        )
        left, right, bottom, top = TYPE.figure_zone()
        cell.move_to(np.array([0.0, (top + bottom) / 2, 0.0]))
        self.cell = cell
        self.glyphs: dict[str, VectorGlyph] = {}
        err = th.error
        title = _title(self, f"Errors inside the LSTM block at t = {t + 1}")

        self.step(
            "The forward pass left every value in place. Backprop visits the block in the "
            "reverse order: errors (deltas) flow back along the same wires, drawn in purple."
            + _recall_story(ex)
        )
        drawn = [cell.extras, cell.wire_group, cell.node_group, cell.terminals_group]
        if peep:
            drawn.append(cell.peephole_group)
        self.play(FadeIn(title), *[FadeIn(g) for g in drawn])
        strip = None

        def show(key: str, wires: list[str], notes: str, extra=()) -> None:
            nonlocal strip
            self.step(notes)
            new_strip = self._strip(key, ex.at(key))
            reads = set(DELTA_READS[key]) | ({"do_bar"} if key == "dc" and peep else set())
            # the deltas this one is made of stay bright, the others are context: dimmed
            focus = self.focus(self.glyphs, reads)
            glyph = self._delta_glyph(cell, key, ex.at(key))
            pulses = [back_pulse(cell.wires[w], err) for w in wires]
            self.play(
                *pulses,
                *extra,
                *focus,
                *([FadeOut(strip)] if strip is not None else []),
                FadeIn(new_strip, shift=UP * 0.2),
                run_time=1.2,
            )
            extra_in = []
            if glyph.more is not None and not hasattr(self, "cells_note"):
                # a vector longer than its slots: say which cells are shown, once
                self.cells_note = label(
                    glyph.note, font_size=TYPE.note, color=th.muted, theme=th
                ).move_to(np.array([left, top, 0.0]), aligned_edge=UP + LEFT)
                extra_in.append(FadeIn(self.cells_note))
            self.play(FadeIn(glyph), *extra_in)
            strip = new_strip

        show(
            "dy",
            ["y_out"],
            "First the error at the output y^t: the error from the loss above (Delta^t) plus "
            "the errors coming back from the four gates of step t+1 through R.",
        )
        show(
            "do_bar",
            ["y_out", "o_out"],
            "y^t depends on the output gate through a single route, so delta o-bar is one "
            "product: the first kind of chain rule.",
        )
        highway_note = (
            "delta c^t collects every route back to the cell: through o and tanh, "
            + ("through the peepholes, " if peep else "")
            + "and along the highway from step t+1, where it is multiplied by "
            "the next forget gate: delta c^(t+1) times f^(t+1)."
        )
        show("dc", ["y_out", "tanh_out", "c_tap", "c_out"], highway_note)
        self.highway = self._strip_highlight(strip)
        nxt = ex.at("dc", t + 1) * ex.at("f", t + 1)
        self.highway_value = nxt
        hv = VectorGlyph(
            nxt,
            label="delta bold(c)^(t+1) dot.o bold(f)^(t+1)",
            quantity="error",
            theme=th,
            direction="row",
            max_cells=MAX_CELLS,
            label_side=LEFT,
            **cells,
        )
        # under the block's input wires, left: the value column on the right is taken
        hv.next_to(strip, UP, buff=0.25).align_to(np.array([left, 0.0, 0.0]), LEFT)
        self.highway_glyph = hv
        self.step(
            "The highway term on its own: the error that reaches c^t from the future, scaled "
            "only by the forget gate. When f is near 1 it passes almost unchanged, which is "
            "how LSTMs keep gradients from vanishing." + _recall_highway(ex)
        )
        self.play(
            back_pulse(cell.wires["c_out"], err, width=9),
            back_pulse(cell.wires["mul_f_out"], err, width=9),
            Create(self.highway),
            FadeIn(hv),
        )
        show(
            "df_bar",
            ["mul_f_out", "f_out"],
            "Then the forget gate: the cell error times c^(t-1), through the sigmoid's slope.",
            extra=[FadeOut(hv), FadeOut(self.highway)],
        )
        show(
            "di_bar",
            ["mul_i_out", "i_out"],
            "The input gate: the cell error times the block input z^t.",
        )
        show(
            "dz_bar",
            ["mul_i_out", "z_out"],
            "The block input: the cell error times the input gate i^t, through tanh's slope.",
        )

        self.step(
            "Parameters do not depend on time: their gradients sum the deltas of every step, "
            "multiplied by what entered the gate. Here the biases, straight from lstm_backward."
        )
        # The block has done its part: the bias gradients take the figure zone, as
        # columns at the deck's number size; the sum over time is the equation strip.
        eq = math(DELTA_EQUATIONS["grads"], font_size=TYPE.equation, theme=th)
        if eq.width > right - left:
            eq.scale_to_fit_width(right - left)
        eq.to_edge(DOWN, buff=0.35)
        biases = VGroup(
            *[
                VectorGlyph(
                    getattr(ex.grads, f"b_{g}"),
                    label=f"delta bold(b)_{g}",
                    quantity="error",
                    theme=th,
                    label_side=UP,
                    max_cells=BIAS_CELLS,
                    **cells,
                )
                for g in ("z", "i", "f", "o")
            ]
        ).arrange(RIGHT, buff=1.2, aligned_edge=UP)
        for glyph in biases[1:]:  # columns level by their frames (delta b_f's label is taller)
            glyph.shift(UP * (biases[0].frame.get_top()[1] - glyph.frame.get_top()[1]))
        biases.move_to(np.array([0.0, (top + bottom) / 2, 0.0]))
        parts = [biases, eq]
        shown_note = biases[0].note if biases[0].more is not None else None
        if shown_note:
            note = label(shown_note, font_size=TYPE.note, color=th.muted, theme=th)
            note.next_to(biases, DOWN, buff=0.3)
            parts.append(note)
        self.bias_glyphs = {g: biases[k] for k, g in enumerate("zifo")}
        # the block's note leaves with the block: the bias columns have their own
        leaving = [self.cells_note] if hasattr(self, "cells_note") else []
        self.play(
            FadeOut(strip),
            FadeOut(cell),
            *[FadeOut(g) for g in [*self.glyphs.values(), *leaving]],
        )
        self.play(*[FadeIn(p_) for p_ in parts])

    def _delta_glyph(self, cell: LSTMCell, key: str, values: np.ndarray) -> VectorGlyph:
        """The delta in the slot of the forward value it belongs to, in the error colour."""
        glyph = cell.make_glyph(DELTA_ANCHOR[key], values, quantity="error")
        self.glyphs[key] = glyph
        return glyph

    def _strip(self, key: str, values: np.ndarray) -> VGroup:
        if key == "dc" and not self.example.params.peepholes:
            key_eq = "dc_nopeep"
        else:
            key_eq = key
        self.equations_shown.append(key_eq)
        eq = math(DELTA_EQUATIONS[key_eq], font_size=TYPE.equation, theme=self.theme)
        glyph = VectorGlyph(
            values,
            label=DELTA_LABELS[key],
            quantity="error",
            theme=self.theme,
            direction="row",
            max_cells=MAX_CELLS,
            show=self.scene_config.model.show_cells,
        )
        strip = VGroup(eq, glyph).arrange(RIGHT, buff=0.6)
        width = TYPE.figure_zone()[1] - TYPE.figure_zone()[0]
        if strip.width > width:  # at most to 80%: type stays above the 2% floor
            strip.scale(max(width / strip.width, 0.8))
        strip.to_edge(DOWN, buff=0.25)
        strip.eq, strip.glyph = eq, glyph
        return strip

    def _strip_highlight(self, strip: VGroup) -> VMobject:
        term = strip.eq.select("highway")
        term.set_color(ManimColor(self.theme.error))
        return SurroundingRectangle(
            term, buff=0.05, color=ManimColor(self.theme.error), stroke_width=2.5
        )


def _recall_story(ex) -> str:
    """What the block view shows for the trained model (its loss at the recall only)."""
    if not ex.recall_only:
        return ""
    T, t = ex.trace.T, ex.t
    return (
        f" This is the trained memory LSTM at t = {t + 1}, the store step of its example. "
        f"Its only loss is at the recall step t = {T}, so Delta^t = 0 here: every error in "
        "this block came back from the recall. Drawn per unit of the read-out's error "
        f"(pred - target = {format_value(ex.recall_error)})."
    )


def _recall_highway(ex) -> str:
    """The highway term against the error at the recall, for the trained model."""
    if not ex.recall_only:
        return ""
    T, t = ex.trace.T, ex.t
    here = ", ".join(format_value(v) for v in ex.at("dc", t + 1) * ex.at("f", t + 1))
    there = ", ".join(format_value(v) for v in ex.at("dc", T - 1))
    return (
        f" Here the error of the recall step (delta c^{T} = ({there})) has come "
        f"{T - 1 - t} steps back along the highway and still arrives as ({here})."
    )
