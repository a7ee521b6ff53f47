"""Lecture 4: understanding LSTM forward propagation in two ways.

The "electronic circuit" type (two streams: the gates, and the cell highway) and the
"Space Odyssey" type of Greff et al. (2017), drawn from one real forward pass of a small
seeded LSTM (``rnn_core.lstm_forward``); a morph between the two; the black-box view
unrolled over time; and the gate extremes (all gates open, all shut).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ManimColor,
    ReplacementTransform,
    RoundedRectangle,
    Transform,
    VGroup,
)

from rnn_core import LSTMParams, LSTMStep, LSTMTrace, lstm_forward
from scenes.kit.base import LectureSlide
from scenes.kit.components import VectorGlyph, Wire, label, math, place_clear
from scenes.kit.config import lstm_setup
from scenes.kit.lstm_cell import MAX_CELLS, VALUE_LABELS, LSTMCell
from scenes.kit.theme import TYPE
from scenes.lstm_forward_shared import BAR_LABELS, BARE, EQUATIONS, FOOT_Y, STRIP_BUFF
from scenes.trained_story import (
    build_gates_over_time,
    extremes_note,
    store_step_note,
    story_for,
    unrolled_story,
)

__all__ = [
    "LSTMCircuit",
    "LSTMOdyssey",
    "LSTMCircuitToOdyssey",
    "LSTMUnrolled",
    "LSTMGateExtremes",
    "SCENES",
    "lecture4_traces",
    "EQUATIONS",
]

LECTURE = 4
LECTURE_TITLE = "Understanding LSTM forward propagation in two ways"

MAX_STEPS = 4  # time steps drawn in the unrolled chain; longer sequences say so in a note


def without_peepholes(params: LSTMParams) -> LSTMParams:
    """The same weights with the peepholes removed."""
    n = params.n_hidden
    return dataclasses.replace(
        params, p_i=np.zeros(n), p_f=np.zeros(n), p_o=np.zeros(n), peepholes=False
    )


def lecture4_traces(
    scene_config,
) -> tuple[LSTMParams, np.ndarray, LSTMTrace, LSTMTrace | None, int]:
    """(params, xs, trace without peepholes, trace with them or None, step shown).

    The step shown is t = 1 (0-based) when the sequence has two steps or more, so the
    previous state is not the all-zero start.
    """
    params, xs = lstm_setup(scene_config)
    bare = lstm_forward(without_peepholes(params), xs)
    peep = lstm_forward(params, xs) if params.peepholes else None
    return params, xs, bare, peep, min(1, xs.shape[0] - 1)


def step_values(step: LSTMStep) -> dict[str, np.ndarray]:
    return {
        "x": step.x,
        "y_prev": step.y_prev,
        "c_prev": step.c_prev,
        "z": step.z,
        "i": step.i,
        "f": step.f,
        "o": step.o,
        "c": step.c,
        "y": step.y,
    }


# What each computed value reads (Greff et al.'s equations), without and with peepholes:
# the columns a step keeps at full strength while the others dim.
READS: dict[str, tuple[str, ...]] = {
    "f": ("x", "y_prev"),
    "i": ("x", "y_prev"),
    "z": ("x", "y_prev"),
    "c": ("c_prev", "f", "i", "z"),
    "o": ("x", "y_prev"),
    "y": ("c", "o"),
}
PEEPHOLE_READS: dict[str, tuple[str, ...]] = {"f": ("c_prev",), "i": ("c_prev",), "o": ("c",)}


class _LSTMForwardSlide(LectureSlide):
    """Shared steps of the lecture-4 scenes: the three zones of every slide (title, figure,
    equation strip) at the deck's type scale."""

    def _cell(self, layout: str, *, peepholes: bool) -> LSTMCell:
        """A cell drawn at its natural size: it is laid out to fill the figure zone; its
        value columns show the cells and inputs the config picks (``model.show_cells``,
        ``model.show_inputs``)."""
        model = self.scene_config.model
        return LSTMCell(
            layout=layout,
            theme=self.theme,
            peepholes=peepholes,
            max_cells=MAX_CELLS,
            show_cells=model.show_cells,
            show_inputs=model.show_inputs,
        )

    def _shown(self, noun: str = "cells") -> dict:
        """The ``show`` and ``noun`` of a value glyph of cells or of inputs (the config's
        selection, or None: the first ones that fit)."""
        model = self.scene_config.model
        return {"show": model.show_inputs if noun == "inputs" else model.show_cells, "noun": noun}

    def _note(self, text: str, *, bottom: float | None = None, avoid: list | None = None) -> VGroup:
        """A small note at the bottom-right corner of the figure zone ("cells 1-3 of 6"),
        or with its bottom edge at ``bottom`` (a slide without an equation strip). With
        ``avoid`` (the figure's parts, shown now or later) it goes to the first free spot
        of the figure zone instead (see :func:`place_clear`), on two lines ("cells ..." over
        "inputs ...") when one line finds no room."""
        _, right, zone_bottom, _ = TYPE.figure_zone()
        if avoid is None:
            note = self._note_text(text)
            y = zone_bottom if bottom is None else bottom
            note.move_to([right, y, 0.0], aligned_edge=DOWN + RIGHT)
            return note
        lines = [text, text.replace(" · ", "\n")] if " · " in text else [text]
        # a corner of the zone on one line or two, else any free spot (one line or two)
        tries = [(v, scan) for scan in (False, True) for v in lines]
        for k, (variant, scan) in enumerate(tries):
            note = self._note_text(variant)
            if place_clear(note, avoid, TYPE.figure_zone(), scan=scan) or k == len(tries) - 1:
                return note
        raise AssertionError("unreachable")

    def _note_text(self, text: str) -> VGroup:
        note = label(text, font_size=TYPE.note, color=self.theme.muted, theme=self.theme)
        if "\n" in text:  # right-aligned lines
            rows = VGroup(
                *[
                    label(line, font_size=TYPE.note, color=self.theme.muted, theme=self.theme)
                    for line in text.split("\n")
                ]
            )
            note = rows.arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
        return note

    def _strip(self, key: str, step: LSTMStep, *, peepholes: bool) -> VGroup:
        """The bottom strip: the equation of ``key`` and its values at this step."""
        expr = EQUATIONS[key] if peepholes or key not in BARE else BARE[key]
        eq = math(expr, font_size=TYPE.equation, theme=self.theme)
        if peepholes and key in BARE:
            eq.select("peep").set_color(ManimColor(self.theme.peephole))
        names = ([f"{key}_bar"] if key in BAR_LABELS else []) + [key]
        labels = {f"{key}_bar": BAR_LABELS.get(key), key: VALUE_LABELS[key]}
        glyphs = [
            VectorGlyph(
                getattr(step, name),
                label=labels[name],
                quantity=key,
                theme=self.theme,
                direction="row",
                label_side=LEFT,
                max_cells=MAX_CELLS,
                **self._shown(),
            )
            for name in names
        ]
        row = VGroup(*glyphs).arrange(RIGHT, buff=0.7)
        strip = VGroup(eq, row).arrange(DOWN, buff=0.15)
        strip.to_edge(DOWN, buff=STRIP_BUFF)
        strip.glyphs = glyphs
        return strip

    def _swap_strip(self, old: VGroup | None, new: VGroup) -> AnimationGroup:
        if old is None:
            return AnimationGroup(FadeIn(new, shift=UP * 0.2))
        return AnimationGroup(FadeOut(old), FadeIn(new, shift=UP * 0.2))

    def _focus(self, cell: LSTMCell, key: str, *, peepholes: bool) -> list[Animation]:
        """While ``key`` (a gate, c or y) is computed, the values it reads and the new value
        are at full strength and the other value columns dim (STYLE.md: the step's new
        thing is the brightest). The new glyph must already be in ``cell.values``."""
        reads = set(READS[key]) | {key}
        if peepholes:
            reads |= set(PEEPHOLE_READS.get(key, ()))
        return self.focus(cell.values, reads)

    def _note_in(
        self, cell: LSTMCell, step: LSTMStep | None = None, also: tuple = ()
    ) -> list[Animation]:
        """Fade in a note saying which cells (and inputs) the value columns leave out, when
        they leave any (played with the step's animation so the video's last frame has it).
        It goes where nothing of the figure is, now or later: the cell, its peepholes, the
        value glyphs of ``step`` in their slots (drawn later, one by one), and ``also``
        (e.g. the other layout a cell morphs into)."""
        if not cell.note:
            return []
        avoid = [*self.mobjects, cell, cell.peephole_group, *also]
        if step is not None:
            avoid += [cell.make_glyph(k, v) for k, v in step_values(step).items()]
        self.cells_note = self._note(cell.note, avoid=avoid)
        return [FadeIn(self.cells_note)]


class LSTMCircuit(_LSTMForwardSlide):
    """The electronic-circuit type, step by step, then the peepholes added in blue."""

    scene_id = "lstm-circuit"
    title = "LSTM forward propagation: the electronic circuit type"
    description = "Gates and the cell highway with real values; then peepholes change them."

    def construct(self) -> None:
        params, _, bare, peep, t = lecture4_traces(self.scene_config)
        step = bare.step(t)
        cell = self._cell("circuit", peepholes=False)
        self.cell = cell

        story = story_for(self.scene_config)  # None unless the trained model tells its story

        # The two streams
        self.step(
            "In the electronic circuit type, information flows in two streams: the gates "
            "below, and the cell state on a highway at the top."
        )
        title = self.slide_title("LSTM as an electronic circuit")
        self.play(
            FadeIn(title),
            Create(cell.extras),
            LaggedStart(*[w.grow() for w in cell.wires.values()], lag_ratio=0.05),
            FadeIn(cell.node_group),
            FadeIn(cell.terminals_group),
            run_time=2,
        )
        self.play(AnimationGroup(*[w.pulse(self.theme.c, run_time=1.5) for w in cell.highway]))

        # Inputs of this step
        self.step(
            f"At time step t = {t + 1}, the input x^t and the previous output y^(t-1) enter "
            "every gate; the previous cell state c^(t-1) arrives on the highway."
            + store_step_note(story, t, bare)
        )
        inputs = cell.show_values(step, ["x", "y_prev", "c_prev"])
        self.play(
            *[FadeIn(g) for g in inputs.values()],
            *self._note_in(cell, step),
            cell.x_bus.pulse(self.theme.x),
            cell.y_bus.pulse(self.theme.y),
        )

        strip = None
        narration = {
            "f": "The forget gate: a sigmoid of x^t and y^(t-1). Values near 1 keep the cell "
            "state, near 0 erase it.",
            "i": "The input gate decides how much of the block input gets onto the highway.",
            "z": "The block input: a tanh of the same inputs, the candidate new content.",
        }
        for key in ("f", "i", "z"):
            self.step(narration[key])
            new_strip = self._strip(key, step, peepholes=False)
            glyph = cell.show_values(step, [key])[key]
            self.remove(glyph)
            self.play(
                cell.wires[f"{key}_in"].pulse(),
                self._swap_strip(strip, new_strip),
                *self._focus(cell, key, peepholes=False),
                run_time=1.0,
            )
            self.play(FadeIn(glyph), cell.wires[f"{key}_out"].pulse(self.theme.quantity(key)))
            strip = new_strip

        # On-ramps join the highway
        self.step(
            "The Hadamard products are on-ramps: z^t times i^t joins the highway, c^(t-1) "
            "times f^t is what the forget gate lets through; their sum renews the cell state."
        )
        new_strip = self._strip("c", step, peepholes=False)
        glyph = cell.show_values(step, ["c"])["c"]
        self.remove(glyph)
        self.play(
            cell.light(["mul_i_out", "c_in", "mul_f_out"], self.theme.c),
            self._swap_strip(strip, new_strip),
            *self._focus(cell, "c", peepholes=False),
        )
        self.play(cell.wires["c_out"].pulse(self.theme.c), FadeIn(glyph))
        strip = new_strip

        # Output gate and the block output
        self.step("The output gate decides how much of tanh(c^t) leaves the block as y^t.")
        new_strip = self._strip("o", step, peepholes=False)
        glyph = cell.show_values(step, ["o"])["o"]
        self.remove(glyph)
        self.play(
            cell.wires["o_in"].pulse(),
            self._swap_strip(strip, new_strip),
            *self._focus(cell, "o", peepholes=False),
        )
        self.play(FadeIn(glyph), cell.wires["o_out"].pulse(self.theme.o))
        strip = new_strip

        self.step(
            "tanh squashes the new cell state; multiplied by o^t it gives the block output y^t."
        )
        new_strip = self._strip("y", step, peepholes=False)
        glyph = cell.show_values(step, ["y"])["y"]
        self.remove(glyph)
        self.play(
            cell.light(["c_tap", "tanh_out", "y_out"], self.theme.y),
            self._swap_strip(strip, new_strip),
            *self._focus(cell, "y", peepholes=False),
        )
        self.play(FadeIn(glyph))
        strip = new_strip

        if peep is None:
            return
        # Peepholes join the gates
        pstep = peep.step(t)
        self.step(
            "Peephole connections (blue) let the gates look at the cell state: i and f at "
            "c^(t-1), o at c^t. Same weights plus peepholes: every value downstream changes."
        )
        new_strip = self._strip("f", pstep, peepholes=True)
        changes = [
            cell.values[k].animate_values(v)
            for k, v in step_values(pstep).items()
            if k in cell.values
        ]
        self.play(
            LaggedStart(*[w.grow() for w in cell.peepholes.values()], lag_ratio=0.3),
            self._swap_strip(strip, new_strip),
            *self.undim(*cell.values.values()),  # every value changes: all at full strength
            run_time=1.5,
        )
        self.add(cell.peephole_group)
        self.play(
            *changes, cell.light(["peep_i", "peep_f", "peep_o"], self.theme.peephole), run_time=1.5
        )
        strip = new_strip

        self.step(
            "The output gate's peephole looks at the new cell state c^t, so o^t and y^t "
            "are computed after the cell is renewed."
        )
        new_strip = self._strip("o", pstep, peepholes=True)
        self.play(
            self._swap_strip(strip, new_strip), cell.peepholes["o"].pulse(self.theme.peephole)
        )


class LSTMOdyssey(_LSTMForwardSlide):
    """The Space Odyssey type (Greff et al. Fig. 1), narrated in the article's order."""

    scene_id = "lstm-odyssey"
    title = "LSTM forward propagation: the Space Odyssey type"
    description = "Greff et al.'s chart with the same numbers: forget, input, cell, output."

    def construct(self) -> None:
        params, _, bare, peep, t = lecture4_traces(self.scene_config)
        trace = peep if peep is not None else bare
        step = trace.step(t)
        has_peep = peep is not None
        cell = self._cell("odyssey", peepholes=has_peep)
        self.cell = cell

        self.step(
            "The Space Odyssey type of Greff et al.: the cell in the middle, the gates around "
            "it. x^t and y^(t-1) reach every gate on the two buses below; peepholes in blue, "
            "dotted lines for information from the previous time step."
            + store_step_note(story_for(self.scene_config), t, trace)
        )
        title = self.slide_title("LSTM: the Space Odyssey type")
        peepholes = list(cell.peepholes.values()) if has_peep else []
        self.play(
            FadeIn(title),
            FadeIn(cell.node_group),
            FadeIn(cell.terminals_group),
            Create(cell.extras),
            LaggedStart(*[w.grow() for w in [*cell.wires.values(), *peepholes]], lag_ratio=0.04),
            run_time=2,
        )
        inputs = cell.show_values(step, ["x", "y_prev", "c_prev"])
        self.play(
            *[FadeIn(g) for g in inputs.values()],
            *self._note_in(cell, step),
            cell.x_bus.pulse(self.theme.x),
            cell.y_bus.pulse(self.theme.y),
        )

        strip = None
        order = [
            (
                "f",
                "First the forget gate, fed by x^t, y^(t-1) and its peephole on c^(t-1).",
                ["f_in", "f_out"],
            ),
            ("i", "Then the input gate ...", ["i_in", "i_out"]),
            ("z", "... and the block input, whose product enters the cell.", ["z_in", "z_out"]),
            (
                "c",
                "The cell is renewed: the kept part of c^(t-1) plus the new input.",
                ["c_in", "mul_f_out", "mul_i_out"],
            ),
            (
                "o",
                "The output gate looks at the new cell state through its peephole.",
                ["o_in", "o_out"],
            ),
            ("y", "tanh(c^t) times o^t is the block output y^t.", ["c_tap", "tanh_out", "y_out"]),
        ]
        for key, notes, wires in order:
            self.step(notes)
            new_strip = self._strip(key, step, peepholes=has_peep)
            glyph = cell.show_values(step, [key])[key]
            self.remove(glyph)
            self.play(
                cell.light(wires, self.theme.quantity(key)),
                self._swap_strip(strip, new_strip),
                *self._focus(cell, key, peepholes=has_peep),
            )
            self.play(FadeIn(glyph))
            strip = new_strip


class LSTMCircuitToOdyssey(_LSTMForwardSlide):
    """One cell morphs from the circuit layout to the Odyssey layout and back."""

    scene_id = "lstm-circuit-to-odyssey"
    title = "Two drawings, one LSTM"
    description = "The circuit cell morphs into Greff's chart and back, values and all."

    def construct(self) -> None:
        _, _, _, peep, t = lecture4_traces(self.scene_config)
        trace = peep if peep is not None else lecture4_traces(self.scene_config)[2]
        step = trace.step(t)
        has_peep = peep is not None
        circuit = self._cell("circuit", peepholes=has_peep)
        circuit.show_values(step)
        odyssey = self._cell("odyssey", peepholes=has_peep)
        odyssey.show_values(step)
        self.circuit, self.odyssey = circuit, odyssey

        self.step("The circuit drawing, with one step's real values.")
        title = self.slide_title("Two drawings of the same LSTM block")
        self.add(title)  # the notes below keep clear of it
        notes = self._note_in(circuit)
        # The note moves with the drawing: a free spot of each layout (one spot clear of
        # both may not exist at large sizes).
        places = {}
        if notes:
            note = self.cells_note
            for name, cell in (("circuit", circuit), ("odyssey", odyssey)):
                places[name] = self._note(cell.note, avoid=[title, cell, cell.peephole_group])
            note.become(places["circuit"])
        self.remove(title)
        self.play(FadeIn(title), FadeIn(circuit), *notes)

        self.step(
            "Every gate, product, wire and value moves to its place in the Space Odyssey chart: "
            "nothing is added, nothing is lost."
        )
        moves = [Transform(self.cells_note, places["odyssey"])] if notes else []
        self.play(self._morph(circuit, odyssey), *moves, run_time=3)

        self.step("And back: the two charts are the same computation.")
        back = self._cell("circuit", peepholes=has_peep)
        back.show_values(step)
        moves = [Transform(self.cells_note, places["circuit"].copy())] if notes else []
        self.play(self._morph(circuit, back), *moves, run_time=3)

    @staticmethod
    def _morph(source: LSTMCell, target: LSTMCell) -> AnimationGroup:
        anims = []
        names = ["gates", "ops", "wires", "terminals", "values"]
        if source.has_peepholes:  # a cell without peepholes never shows them
            names.append("peepholes")
        for name in names:
            src, dst = getattr(source, name), getattr(target, name)
            anims += [Transform(src[k], dst[k]) for k in src if k in dst]
        anims.append(Transform(source.tanh_c, target.tanh_c))
        anims.append(
            Transform(source.extras, target.extras)
            if len(target.extras)
            else FadeOut(source.extras)
        )
        return AnimationGroup(*anims)


class LSTMUnrolled(_LSTMForwardSlide):
    """The black-box view unrolled over time; the inside expands at one step."""

    scene_id = "lstm-unrolled"
    title = "The LSTM unrolled over time"
    description = "Black boxes pass y and c along with real values; one box opens up."

    PITCH = 3.4  # distance between two time steps: room for a column of values between
    BOX = (1.4, 1.1)  # width, height of a black box
    BOX_Y = -0.2  # centres the chain and its value columns between title and foot
    ARROW = 0.35  # length of the x and y arrows between a box and its value column

    def construct(self) -> None:
        params, xs, bare, peep, t = lecture4_traces(self.scene_config)
        trace = peep if peep is not None else bare
        T = min(trace.T, MAX_STEPS)
        th = self.theme
        box_w, box_h = self.BOX
        xs_pos = [(k - (T - 1) / 2) * self.PITCH for k in range(T)]

        # Black boxes passing y and c along
        self.step(
            "Seen from outside, an LSTM block is a black box that passes two vectors to the "
            "next time step: the output y^t and the cell state c^t."
        )
        title = self.slide_title("The LSTM unrolled through time")
        boxes = VGroup()
        for k in range(T):
            box = RoundedRectangle(
                width=box_w,
                height=box_h,
                corner_radius=0.15,
                stroke_width=3,
                color=ManimColor(th.text),
            ).set_fill(ManimColor(th.panel), 1.0)
            box.move_to(RIGHT * xs_pos[k] + UP * self.BOX_Y)
            box.add(label("LSTM", font_size=TYPE.label, theme=th).move_to(box))
            boxes.add(box)
        self.boxes = boxes
        chain = VGroup()
        for k in range(T - 1):
            a, b = boxes[k], boxes[k + 1]
            chain.add(
                Wire([a.get_right() + UP * 0.3, b.get_left() + UP * 0.3], quantity="c", theme=th),
                Wire(
                    [a.get_right() + DOWN * 0.3, b.get_left() + DOWN * 0.3], quantity="y", theme=th
                ),
            )
        legend = VGroup(
            math("bold(c)", color=th.c, font_size=TYPE.math, theme=th),
            math("bold(y)", color=th.y, font_size=TYPE.math, theme=th),
        )
        if T > 1:  # name the two chains once, on the first link
            legend[0].next_to(chain[0], UP, buff=0.08)
            legend[1].next_to(chain[1], DOWN, buff=0.08)
        # What the chain leaves out, said once at the foot of the slide (no strip here)
        cut = [f"time steps 1-{T} of {trace.T}"] if trace.T > T else []
        column = dict(theme=th, max_cells=MAX_CELLS)
        for noun, width in (("cells", trace.y.shape[1]), ("inputs", trace.xs.shape[1])):
            probe = VectorGlyph(np.zeros(width), **column, **self._shown(noun))
            cut += [probe.note] if probe.note else []
        notes = []
        if cut:
            self.cells_note = self._note(" · ".join(cut), bottom=FOOT_Y)
            notes.append(FadeIn(self.cells_note))
        self.play(
            FadeIn(title),
            LaggedStart(*[FadeIn(b) for b in boxes], lag_ratio=0.2),
            *[w.grow() for w in chain],
            FadeIn(legend if T > 1 else VGroup()),
            *notes,
        )

        # Values along the chain
        self.step(
            "Each step takes x^t from below and gives y^t above; the cell state c^t runs "
            "along the chain to the next step, and so does y^t."
        )
        glyphs = VGroup()
        self.glyphs = {}
        for k in range(T):
            box = boxes[k]
            gx = VectorGlyph(trace.xs[k], quantity="x", **column, **self._shown("inputs"))
            gx.next_to(box, DOWN, buff=self.ARROW)
            gy = VectorGlyph(trace.y[k], quantity="y", **column, **self._shown())
            gy.next_to(box, UP, buff=self.ARROW)
            lx = math(f"bold(x)^{k + 1}", color=th.x, font_size=TYPE.math, theme=th)
            lx.next_to(gx, DOWN, buff=0.1)
            ly = math(f"bold(y)^{k + 1}", color=th.y, font_size=TYPE.math, theme=th)
            ly.next_to(gy, UP, buff=0.1)
            wires = VGroup(
                Wire([gx.frame.get_top(), box.get_bottom()], quantity="x", theme=th),
                Wire([box.get_top(), gy.frame.get_bottom()], quantity="y", theme=th),
            )
            glyphs.add(gx, gy, lx, ly, wires)
            self.glyphs[("x", k)], self.glyphs[("y", k)] = gx, gy
        for k in range(T - 1):
            gc = VectorGlyph(trace.c[k], quantity="c", **column, **self._shown())
            gc.next_to(chain[2 * k], UP, buff=0.1)
            lc = math(f"bold(c)^{k + 1}", color=th.c, font_size=TYPE.math, theme=th)
            lc.next_to(gc, UP, buff=0.1)
            glyphs.add(gc, lc)
            self.glyphs[("c", k)] = gc
        self.play(FadeOut(legend), FadeIn(glyphs), run_time=1.5)

        # Inside one box
        self.step(
            f"Open the box at t = {t + 1}: inside is the cell we drew as a circuit, "
            "with exactly these numbers."
        )
        cell = self._cell("circuit", peepholes=peep is not None)
        cell.show_values(trace.step(t))
        self.play(
            FadeOut(glyphs),
            FadeOut(chain),
            *[FadeOut(b) for k, b in enumerate(boxes) if k != t],
            *([FadeOut(self.cells_note)] if hasattr(self, "cells_note") else []),
        )
        self.play(ReplacementTransform(boxes[t], cell), *self._note_in(cell), run_time=1.5)
        self.cell = cell

        # The trained model's story: all steps along the highway, then the read-out.

        story = story_for(self.scene_config)
        if story is not None:
            unrolled_story(self, story, title)


class LSTMGateExtremes(_LSTMForwardSlide):
    """All gates open (1) and all gates shut (0), computed with saturated biases."""

    scene_id = "lstm-gate-extremes"
    title = "Gate extremes: all open, all shut"
    description = "Saturated biases drive every gate to 1 or 0; the core computes what follows."

    SATURATION = 30.0  # sigmoid(30) = 1 - 1e-13: a gate fully open

    def construct(self) -> None:
        params, xs, bare, _, t = lecture4_traces(self.scene_config)
        n = params.n_hidden
        base = without_peepholes(params)
        c0 = np.round(np.linspace(0.8, -0.6, n), 2)  # a visible previous cell state
        y0 = bare.step(t).y
        opened = dataclasses.replace(base, **{f"b_{g}": np.full(n, self.SATURATION) for g in "ifo"})
        shut = dataclasses.replace(base, **{f"b_{g}": np.full(n, -self.SATURATION) for g in "ifo"})
        x = xs[t : t + 1]
        open_step = lstm_forward(opened, x, y0=y0, c0=c0).step(0)
        shut_step = lstm_forward(shut, x, y0=y0, c0=c0).step(0)
        self.steps_shown = {"open": open_step, "shut": shut_step}

        cell = self._cell("circuit", peepholes=False)
        self.cell = cell
        self.step(
            "What if every gate is fully open? Large positive biases saturate the sigmoids at "
            "1: the cell forgets nothing, takes everything in, and gives everything out."
        )
        title = self.slide_title("All gates open: f = i = o = 1")
        self.play(FadeIn(title), FadeIn(cell))
        cell.show_values(open_step)
        self.play(*[FadeIn(g) for g in cell.values.values()], *self._note_in(cell))

        self.step(
            "With f = 1 the cell keeps all of c^(t-1); with i = 1 it adds all of z^t: "
            "c^t = c^(t-1) + z^t. With o = 1, y^t = tanh(c^t)."
        )
        strip = self._strip("c", open_step, peepholes=False)
        self.play(
            FadeIn(strip), cell.light(["c_in", "mul_f_out", "mul_i_out", "c_out"], self.theme.c)
        )

        story = story_for(self.scene_config)
        self.step(
            "Now every gate shut: large negative biases give f = i = o = 0. The cell forgets "
            "everything, takes nothing in, and gives nothing out."
            + (extremes_note(story) if story is not None else "")
        )
        title2 = self.slide_title("All gates shut: f = i = o = 0")
        changes = [cell.values[k].animate_values(v) for k, v in step_values(shut_step).items()]
        strip2 = self._strip("y", shut_step, peepholes=False)
        self.play(Transform(title, title2), *changes, FadeOut(strip), FadeIn(strip2), run_time=1.5)


class LSTMGatesOverTime(_LSTMForwardSlide):
    """Heat maps (cells x time) of i, f, o and c over the example sequence, filled in step
    by step; then the random model on the same inputs. The body and the story's notes are
    in :mod:`scenes.trained_story`."""

    scene_id = "lstm-gates-over-time"
    title = "The gates over time"
    description = "Heat maps of i, f, o, c on the example: store, hold, recall; then random."

    def construct(self) -> None:

        build_gates_over_time(self)


SCENES = [
    LSTMCircuit,
    LSTMOdyssey,
    LSTMCircuitToOdyssey,
    LSTMUnrolled,
    LSTMGatesOverTime,
    LSTMGateExtremes,
]
