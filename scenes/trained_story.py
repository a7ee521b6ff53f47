"""The trained memory LSTM's story, as the slides tell it: facts read off one forward pass
(the store step, the memory cells, what each gate does when) and the speaker notes and
on-screen lines built from them, plus the ``lstm-gates-over-time`` scene's body.

Every number here comes from ``rnn_core`` (``lstm_forward`` on the configured model and
sequence, the shipped read-out); nothing is typed in. A story is told only when the trace
shows it: :func:`memory_facts` returns ``None`` unless the model is the trained preset, the
sequence has the memory task's layout (value, store, recall) and the gates really do what
the notes will say (input gate open at the store step and shut elsewhere, forget gate
holding, output gate opening at the recall). Otherwise the slides keep their generic notes.

Example
-------
>>> from scenes.kit.config import SceneConfig
>>> facts = story_for(SceneConfig())
>>> facts.store, facts.recall, facts.cells
(1, 7, (0, 2))
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rnn_core import LSTMTrace, lstm_forward
from scenes.kit.components import format_value
from scenes.kit.config import SceneConfig, lstm_preset, lstm_readout, lstm_setup

if TYPE_CHECKING:
    from scenes.kit.base import LectureSlide
    from scenes.kit.heatmap import HeatMap

__all__ = [
    "MemoryFacts",
    "memory_facts",
    "story_for",
    "GatesOverTime",
    "gates_over_time",
    "phases",
    "gates_notes",
    "store_step_note",
    "unrolled_notes",
    "extremes_note",
    "build_gates_over_time",
    "GATE_KEYS",
    "MAX_ROWS",
]

GATE_KEYS = ("i", "f", "o", "c")  # the heat maps under the input rows, top to bottom
MAX_ROWS = 3  # rows per heat map: 5 maps of 3 rows fill the figure zone at the number size
OPEN = 0.5  # a gate "opens" above this and is "shut" below it (the sigmoid's midpoint)


def v(value: float) -> str:
    """A number as the slides write it (:func:`format_value`)."""
    return format_value(float(value))


def _cells(cells: tuple[int, ...]) -> str:
    """ "cell 1" / "cells 1 and 3" (1-based, as the slides count)."""
    names = [str(c + 1) for c in cells]
    if len(names) == 1:
        return f"cell {names[0]}"
    return f"cells {', '.join(names[:-1])} and {names[-1]}"


def _per_cell(values: np.ndarray, cells: tuple[int, ...]) -> str:
    """ "0.95 in cell 1, 0.93 in cell 3"."""
    return ", ".join(f"{v(values[c])} in cell {c + 1}" for c in cells)


@dataclass(frozen=True)
class MemoryFacts:
    """What the trained model does on one memory-task sequence (0-based steps)."""

    xs: np.ndarray  # (T, 3) value, store, recall
    trace: LSTMTrace
    pred: np.ndarray  # (T,) the read-out at every step
    store: int
    recall: int
    stored: float
    cells: tuple[int, ...]  # the memory cells: input gate open at the store step
    idle: tuple[int, ...]  # the other cells
    shown: tuple[int, ...] | None = None  # the cells the slides show (model.show_cells)

    @property
    def T(self) -> int:
        return int(self.trace.T)

    @property
    def carry(self) -> range:
        """The steps between store and recall, where distractors pass by."""
        return range(self.store + 1, self.recall)

    def gate(self, key: str) -> np.ndarray:
        """(T, N) values of ``i f o c y``."""
        return getattr(self.trace, key)

    def memory(self, key: str, steps) -> np.ndarray:
        """(len(steps), len(cells)) values of ``key`` in the memory cells at ``steps``."""
        return self.gate(key)[np.ix_(list(steps), list(self.cells))]

    @property
    def input_elsewhere(self) -> float:
        """The largest input gate of a memory cell at any step but the store step."""
        others = [t for t in range(self.T) if t != self.store]
        return float(self.memory("i", others).max()) if others else 0.0

    @property
    def held_forget(self) -> np.ndarray:
        """The memory cells' forget gates from after the store step to the recall."""
        return self.memory("f", range(self.store + 1, self.recall + 1))

    @property
    def forget_hold(self) -> float:
        """The smallest forget gate of a memory cell from after the store to the recall."""
        return float(self.memory("f", range(self.store + 1, self.recall + 1)).min())

    @property
    def output_before(self) -> float:
        """The largest output gate of a memory cell before the recall."""
        return float(self.memory("o", range(self.recall)).max()) if self.recall else 0.0

    @property
    def answer(self) -> float:
        """The read-out at the recall step."""
        return float(self.pred[self.recall])


def memory_facts(xs: np.ndarray, trace: LSTMTrace, pred: np.ndarray) -> MemoryFacts | None:
    """The story of one sequence, or None when the sequence is not a memory-task sequence
    (three inputs, one store flag before the last step, the recall flag at the last step
    only) or the gates do not tell the story (no cell's input gate opens at the store step
    and stays shut elsewhere, the forget gate does not hold, or the output gate does not
    open at the recall only)."""
    xs = np.asarray(xs)
    T = xs.shape[0]
    if xs.ndim != 2 or xs.shape[1] != 3 or T < 2:
        return None
    store_flags = np.flatnonzero(xs[:, 1] == 1.0)
    recall_flags = np.flatnonzero(xs[:, 2] == 1.0)
    if len(store_flags) != 1 or list(recall_flags) != [T - 1] or store_flags[0] >= T - 1:
        return None
    if np.any((xs[:, 1] != 0) & (xs[:, 1] != 1)) or np.any((xs[:, 2] != 0) & (xs[:, 2] != 1)):
        return None
    store, recall = int(store_flags[0]), T - 1
    open_now = np.flatnonzero(trace.i[store] >= OPEN)
    cells = tuple(int(c) for c in open_now)
    if not cells:
        return None
    idle = tuple(c for c in range(trace.i.shape[1]) if c not in cells)
    facts = MemoryFacts(
        xs, trace, np.asarray(pred).ravel(), store, recall, float(xs[store, 0]), cells, idle
    )
    told = (
        facts.input_elsewhere < OPEN
        and facts.forget_hold >= OPEN
        and facts.output_before < OPEN
        and bool(np.all(facts.memory("o", [recall]) >= OPEN))
    )
    return facts if told else None


def story_for(cfg: SceneConfig) -> MemoryFacts | None:
    """The facts of the configured model on its sequence, when it is the trained preset."""
    readout = lstm_readout(cfg)
    if readout is None:
        return None
    params, xs = lstm_setup(cfg)
    trace = lstm_forward(params, xs)
    W_out, b_out = readout
    facts = memory_facts(xs, trace, trace.y @ W_out.T + b_out)
    return None if facts is None else dataclasses.replace(facts, shown=cfg.model.show_cells)


def _off_screen(facts: MemoryFacts) -> str:
    """The sentence " (Cell 3 is not on screen: ...)" when the config's selection leaves
    out a memory cell the notes talk about ("" otherwise)."""
    if facts.shown is None:
        return ""
    hidden = tuple(c for c in facts.cells if c not in facts.shown)
    if not hidden:
        return ""
    verb, pronoun = ("is", "it") if len(hidden) == 1 else ("are", "them")
    return (
        f" ({_cells(hidden).capitalize()} {verb} not on screen: the config's show_cells "
        f"leaves {pronoun} out.)"
    )


# ---------------------------------------------------------------------------------------
# lstm-gates-over-time: data and notes


@dataclass(frozen=True)
class GatesOverTime:
    """What the heat-map scene draws: the configured model's trace on its sequence, the
    story when there is one, and the seeded random model on the same inputs (only in the
    story, as the contrast)."""

    preset: str
    xs: np.ndarray  # (T, M)
    trace: LSTMTrace
    facts: MemoryFacts | None
    contrast: LSTMTrace | None
    show_cells: tuple[int, ...] | None = None  # the config's selection (model.show_cells)
    show_inputs: tuple[int, ...] | None = None


def gates_over_time(cfg: SceneConfig) -> GatesOverTime:
    params, xs = lstm_setup(cfg)
    trace = lstm_forward(params, xs)
    facts = story_for(cfg)
    contrast = None
    if facts is not None:
        # The random preset of the same sizes, on exactly these inputs (its own default
        # sequence has another length).
        rows = tuple(tuple(float(a) for a in row) for row in xs)
        rparams, rxs = lstm_setup(cfg.with_model(preset="random", inputs=rows, steps=len(rows)))
        contrast = lstm_forward(rparams, rxs)
    return GatesOverTime(
        lstm_preset(cfg.model),
        np.asarray(xs),
        trace,
        facts,
        contrast,
        cfg.model.show_cells,
        cfg.model.show_inputs,
    )


def phases(data: GatesOverTime) -> list[tuple[str, list[int]]]:
    """The click steps that fill the maps: (name, columns). The story groups the steps as
    it tells them (before the store, the store, the distractors between, the recall);
    otherwise one click per time step."""
    f = data.facts
    if f is None:
        return [(f"step {t}", [t]) for t in range(data.trace.T)]
    groups = [
        ("before", list(range(f.store))),
        ("store", [f.store]),
        ("carry", list(f.carry)),
        ("recall", [f.recall]),
    ]
    return [(name, cols) for name, cols in groups if cols]


def _span(cols: list[int]) -> str:
    return f"t = {cols[0] + 1}" if len(cols) == 1 else f"t = {cols[0] + 1} to {cols[-1] + 1}"


def gates_notes(data: GatesOverTime) -> dict[str, str]:
    """Speaker notes of every click step, keyed ``intro``, each phase name, ``contrast``."""
    tr, T = data.trace, data.trace.T
    f = data.facts
    notes: dict[str, str] = {}
    if f is None:
        lo = min(float(getattr(tr, g).min()) for g in "ifo")
        hi = max(float(getattr(tr, g).max()) for g in "ifo")
        why = {
            "random": 'the seeded random LSTM (preset = "random", or sizes the trained '
            "model does not have)",
            "weights": "the LSTM of the configured weights file",
            "trained": "the trained LSTM on a sequence that is not a memory-task sequence",
        }[data.preset]
        notes["intro"] = (
            f"This config draws {why} on its own {T}-step input sequence, so there is no "
            f"stored value to follow: its gates range from {v(lo)} to {v(hi)}. Rows are "
            "cells, columns time steps; the maps fill in step by step."
        )
        for name, cols in phases(data):
            t = cols[0]
            notes[name] = (
                f"{_span(cols)}: the input gate is {_range(tr.i[t])}, the forget gate "
                f"{_range(tr.f[t])}, the output gate {_range(tr.o[t])}; the cell state "
                f"becomes {_range(tr.c[t])}."
            )
        return notes
    values = [v(a) for a in f.xs[:, 0]]
    notes["intro"] = (
        f"The trained memory LSTM on the example sequence, x^t = (value, store, recall): "
        f"the store signal is on at t = {f.store + 1} (value {v(f.stored)}), "
        f"{len(f.carry)} distractors follow, the recall signal is on at t = {f.recall + 1}, "
        f"where the target is {v(f.stored)}. Heat maps of the gates i, f, o and the cell "
        "state c: rows are the cells, columns the time steps; they fill in as the sequence "
        "runs."
    )
    for name, cols in phases(data):
        if name == "before":
            notes[name] = (
                f"{_span(cols)}: a distractor ({', '.join(values[t] for t in cols)}) arrives "
                "before anything is stored. The input gate stays shut (at most "
                f"{v(f.memory('i', cols).max())}), so the cell state stays at "
                f"{v(np.abs(f.memory('c', cols)).max())}."
            )
        elif name == "store":
            t = f.store
            idle = ""
            if f.idle:
                idle = (
                    f" {_cells(f.idle).capitalize()} stays unused (input gate at most "
                    f"{v(f.gate('i')[:, list(f.idle)].max())})."
                )
            notes[name] = (
                f"t = {t + 1}: the store signal is on. The input gate of the memory "
                f"{_cells(f.cells)} opens ({_per_cell(f.gate('i')[t], f.cells)}), the only "
                f"time it does, and writes {v(f.stored)}'s trace into the cell state "
                f"(c = {_per_cell(f.gate('c')[t], f.cells)}).{idle}" + _off_screen(f)
            )
        elif name == "carry":
            c = f.memory("c", cols)
            kept = ", ".join(
                f"{v(c[:, k].min())} to {v(c[:, k].max())} in cell {cell + 1}"
                for k, cell in enumerate(f.cells)
            )
            notes[name] = (
                f"{_span(cols)}: the distractors {', '.join(values[t] for t in cols)} pass by. "
                f"The input gate stays shut (at most {v(f.memory('i', cols).max())}), the "
                f"forget gate holds at {_range(f.memory('f', cols))}, so the cell "
                f"state carries {v(f.stored)}'s trace along: c stays {kept}. The output gate "
                f"stays nearly shut (at most {v(f.memory('o', cols).max())}): nothing is "
                "given out yet."
            )
        else:
            t = f.recall
            notes[name] = (
                f"t = {t + 1}: the recall signal is on. The output gate opens "
                f"({_per_cell(f.gate('o')[t], f.cells)}), y^t = tanh(c^t) o^t gives the "
                f"kept trace out (y = {_per_cell(f.gate('y')[t], f.cells)}), and the "
                f"read-out pred = W_out y^t + b_out answers {v(f.answer)} for the stored "
                f"{v(f.stored)}."
            )
    if data.contrast is not None:
        r = data.contrast
        span = list(range(f.store + 1, f.recall + 1))
        kept_trained = np.prod(f.gate("f")[span][:, list(f.cells)], axis=0)
        kept_random = np.prod(r.f[span], axis=0)
        notes["contrast"] = (
            'The same sequence through the seeded random LSTM (preset = "random"): its '
            f"input gate is {_range(r.i)} at every step and its forget gate {_range(r.f)}, "
            f"so every step overwrites part of the cell state. The product of the forget "
            f"gates from t = {span[0] + 1} to {span[-1] + 1}, the share of the stored trace "
            f"that survives, is {_range(kept_random)} here against "
            f"{_range(kept_trained)} in the trained memory cells: training made the gates "
            "do their jobs."
        )
    return notes


def _range(values: np.ndarray) -> str:
    """ "0.32 to 0.69" (or one number when all round alike)."""
    lo, hi = v(np.min(values)), v(np.max(values))
    return lo if lo == hi else f"{lo} to {hi}"


# ---------------------------------------------------------------------------------------
# Notes for the other lecture-4 scenes


def store_step_note(facts: MemoryFacts | None, t: int, trace: LSTMTrace | None = None) -> str:
    """Why the circuit and Odyssey drawings show step ``t`` (0-based), when it is the
    example's store step ("" otherwise), with the numbers of ``trace``: the trace the slide
    draws (the circuit starts without its peepholes), by default the model's own."""
    if facts is None or t != facts.store:
        return ""
    trace = trace if trace is not None else facts.trace
    plain = " (without the peepholes yet)" if trace is not facts.trace else ""
    return (
        f" The step shown is t = {t + 1}, the store step of the trained model's example "
        f"sequence: the store signal is on (x^t = ({v(facts.xs[t, 0])}, 1, 0)), so the input "
        f"gate opens ({_per_cell(trace.i[t], facts.cells)}){plain} and writes "
        f"{v(facts.stored)}'s trace into the cell state (c = {_per_cell(trace.c[t], facts.cells)})."
        + _off_screen(facts)
    )


def unrolled_notes(facts: MemoryFacts) -> dict[str, str]:
    """Notes of lstm-unrolled's story steps: the highway over all steps, the read-out."""
    cols = list(facts.carry)
    c = facts.memory("c", range(facts.store, facts.recall + 1))
    kept = ", ".join(
        f"{v(c[:, k].min())} to {v(c[:, k].max())} in cell {cell + 1}"
        for k, cell in enumerate(facts.cells)
    )
    values = ", ".join(v(facts.xs[t, 0]) for t in cols)
    return {
        "highway": (
            f"All {facts.T} steps of the example: {v(facts.stored)} is stored at "
            f"t = {facts.store + 1}; the cell state carries its trace along the highway "
            f"(c stays {kept}) while the distractors {values} pass by below, the forget "
            f"gate holding at {_range(facts.held_forget)}." + _off_screen(facts)
        ),
        "readout": (
            f"At the recall step t = {facts.recall + 1} the output gate opens and the linear "
            f"read-out pred = W_out y^t + b_out answers {v(facts.answer)}; the stored value "
            f"was {v(facts.stored)}. Before the recall the read-out stays near "
            f"{v(np.median(facts.pred[: facts.recall]))}."
        ),
    }


def extremes_note(facts: MemoryFacts) -> str:
    """What the trained gates do, against the all-open / all-shut extremes."""
    return (
        " The trained gates sit between the extremes and switch when it matters: in the "
        f"memory {_cells(facts.cells)} the input gate is "
        f"{_range(facts.memory('i', [facts.store]))} "
        f"at the store step and at most {v(facts.input_elsewhere)} elsewhere, the forget gate "
        f"at {_range(facts.held_forget)} until the "
        "recall, and the output gate at most "
        f"{v(facts.output_before)} before the recall and "
        f"{_range(facts.memory('o', [facts.recall]))} at it."
    )


# ---------------------------------------------------------------------------------------
# The lstm-gates-over-time scene

HEADER_H = 0.34  # the row of time-step numbers above the maps
BLOCK_GAP = 0.1  # between two heat maps
ROOM_WIDTH = 1.3  # widest cell the maps use when the zone has room
LABELS_WIDTH = 2.2  # room left of the grid for block and row labels


def _titles(data: GatesOverTime) -> tuple[str, str]:
    if data.facts is not None:
        return "The trained LSTM's gates over time", "A random LSTM, same sequence"
    names = {"random": "A seeded random LSTM", "weights": "The configured LSTM"}
    return f"{names.get(data.preset, 'The LSTM')}: gates over time", ""


def layout_maps(data: GatesOverTime, theme) -> tuple[dict[str, HeatMap], object]:
    """The input map and the i, f, o, c maps, stacked in the figure zone with aligned
    columns, and the header of time-step numbers. Returns (maps, header)."""
    from manim import LEFT, RIGHT, UP, VGroup

    from scenes.kit.components import label, math
    from scenes.kit.heatmap import HeatMap, heat_cell_size
    from scenes.kit.theme import TYPE

    tr = data.trace
    story = data.facts is not None
    arrays = {"x": data.xs.T, **{k: getattr(tr, k).T for k in GATE_KEYS}}  # (rows, T)
    others = [getattr(data.contrast, k).T for k in GATE_KEYS] if data.contrast else []
    width = max(heat_cell_size(a)[0] for a in [*arrays.values(), *others])
    left, right, bottom, top = TYPE.figure_zone()
    # Wider than the widest number when the zone has room: breathing space around digits.
    width = max(width, min(ROOM_WIDTH, (right - left - LABELS_WIDTH) / tr.T))
    # The rows drawn: the config's selection (model.show_cells / show_inputs, drawn in
    # index order) or the first MAX_ROWS.
    chosen = {key: data.show_inputs if key == "x" else data.show_cells for key in arrays}
    shown = {
        key: tuple(range(min(a.shape[0], MAX_ROWS))) if chosen[key] is None else chosen[key]
        for key, a in arrays.items()
    }
    rows = sum(len(r) for r in shown.values())
    height = (top - bottom - HEADER_H - BLOCK_GAP * (len(arrays) - 1)) / rows
    height = min(height, heat_cell_size(arrays["c"])[1])
    from rnn_core.tasks import MEMORY_INPUTS

    maps: dict[str, HeatMap] = {}
    for key, arr in arrays.items():
        if key == "x":
            every = (
                list(MEMORY_INPUTS) if story else [f"input {m + 1}" for m in range(arr.shape[0])]
            )
            noun = "inputs"
        else:
            every = [f"cell {n + 1}" for n in range(arr.shape[0])]
            noun = "cells"
        names = [every[r] for r in shown[key]]
        maps[key] = HeatMap(
            arr,
            label=f"bold({key})^t",
            quantity=key,
            row_labels=names,
            noun=noun,
            theme=theme,
            cell_width=width,
            cell_height=height,
            max_rows=MAX_ROWS,
            show=shown[key],
        )
    # Stack: each map's grid starts at the same x, one below the other.
    y = top - HEADER_H
    for m in maps.values():
        m.shift(-m.grid[0][0].get_corner(UP + LEFT) + np.array([0.0, y, 0.0]))
        y = m.frame.get_bottom()[1] - BLOCK_GAP
    # Block labels in one column, left of the widest row labels.
    label_right = min(m.row_label_group.get_left()[0] for m in maps.values()) - 0.15
    for m in maps.values():
        m.label.set_x(label_right - m.label.width / 2)
    everything = VGroup(*maps.values())
    lx = everything.get_left()[0]
    rx = max(m.frame.get_right()[0] for m in maps.values())
    everything.shift(RIGHT * ((left + right) / 2 - (lx + rx) / 2))
    first = maps["x"]
    header = VGroup()
    for t in range(tr.T):
        num = label(str(t + 1), font_size=TYPE.note, color=theme.muted, theme=theme)
        num.move_to([first.column_x(t), top - HEADER_H / 2, 0.0])
        header.add(num)
    t_label = math("t", color=theme.muted, theme=theme)
    t_label.move_to([first.label.get_center()[0], top - HEADER_H / 2, 0.0])
    header.add(t_label)
    return maps, header


def _strip_math(data: GatesOverTime, phase: str, theme):
    """The equation strip of a click step (one or two Typst lines), or None."""
    from manim import DOWN, VGroup

    from scenes.kit.components import math
    from scenes.kit.theme import TYPE
    from scenes.lstm_forward_shared import EQUATIONS, STRIP_BUFF

    f = data.facts
    lines: list[str] = []
    if phase == "intro":
        if f is None:
            return None
        lines = ['bold(x)^t = ("value", "store", "recall")']
    elif phase == "recall" or (f is None and phase == f"step {data.trace.T - 1}"):
        lines = [EQUATIONS["y"]]
        if f is not None:
            lines.append(
                f'"pred" = W_"out" bold(y)^{f.recall + 1} + b_"out" = {v(f.answer)}'
                f' quad "(stored: {v(f.stored)})"'
            )
    elif phase == "contrast":
        lines = [EQUATIONS["f"].replace("{{ ", "").replace(" : peep }}", "")]
    else:
        lines = [EQUATIONS["c"]]
    group = VGroup(*[math(line, font_size=TYPE.equation, theme=theme) for line in lines])
    group.arrange(DOWN, buff=0.15)
    group.to_edge(DOWN, buff=STRIP_BUFF + 0.1)
    return group


def _cut_note(scene: LectureSlide, data: GatesOverTime, cut: list[str], figure: list):
    """The note naming the rows the maps leave out ("cells 1, 4, 6 of 64 · inputs 1-3 of
    10"), in a free spot: beside the maps in the figure zone, else in the strip band clear
    of every strip the scene shows; on two lines when one finds no room."""
    from manim import DOWN, VGroup

    from scenes.kit.components import label, place_clear
    from scenes.kit.theme import TYPE
    from scenes.lstm_forward_shared import FOOT_Y

    th = scene.theme
    left, right, bottom, _ = TYPE.figure_zone()
    strips = [_strip_math(data, name, th) for name in ["intro", *dict(phases(data)), "contrast"]]
    band = (left, right, FOOT_Y, bottom)
    tries = [(" · ".join(cut), TYPE.figure_zone(), figure), (" · ".join(cut), band, strips)]
    if len(cut) > 1:
        tries += [(cut, TYPE.figure_zone(), figure), (cut, band, strips)]

    def make(text: str | list[str]):
        if isinstance(text, str):
            return label(text, font_size=TYPE.note, color=th.muted, theme=th)
        rows = [label(t, font_size=TYPE.note, color=th.muted, theme=th) for t in text]
        return VGroup(*rows).arrange(DOWN, aligned_edge=[1, 0, 0], buff=0.12)

    for text, zone, avoid in tries:
        note = make(text)
        if place_clear(note, [*figure, *(m for m in avoid if m is not None)], zone):
            return note
    note = make(" · ".join(cut))
    note.move_to([right, FOOT_Y, 0.0], aligned_edge=[1, -1, 0])
    return note


def build_gates_over_time(scene: LectureSlide) -> None:
    """The body of ``LSTMGatesOverTime.construct``: heat maps filled step by step, then
    (in the story) the random model on the same sequence. Sets ``scene.data``,
    ``scene.maps``, ``scene.header`` and ``scene.shown`` (what each map displayed at the
    end of the trained run and, in the story, of the random one)."""
    from manim import FadeIn, FadeOut, ManimColor, SurroundingRectangle, Transform, VGroup

    th = scene.theme
    data = gates_over_time(scene.scene_config)
    notes = gates_notes(data)
    maps, header = layout_maps(data, th)
    scene.data, scene.maps, scene.header = data, maps, header
    scene.shown = {}
    gate_maps = [maps[k] for k in GATE_KEYS]

    scene.step(notes["intro"])
    first_title, contrast_title = _titles(data)
    title = scene.slide_title(first_title)
    strip = _strip_math(data, "intro", th)
    scene.play(
        FadeIn(title),
        *[FadeIn(m) for m in maps.values()],
        FadeIn(header),
        *([FadeIn(strip)] if strip is not None else []),
    )
    cut = [m.note for m in (maps["c"], maps["x"]) if m.note]
    shown_note = []
    if cut:
        # faded in with the inputs (an added mobject would be missing from the video)
        note = _cut_note(scene, data, cut, [*maps.values(), header])
        scene.cells_note = note
        shown_note.append(FadeIn(note))
    scene.play(maps["x"].reveal(range(data.trace.T)), *shown_note)

    marker = None
    for name, cols in phases(data):
        scene.step(notes[name])
        column = VGroup(
            *[m.grid[r][t] for m in maps.values() for r in range(m.n_rows) for t in cols]
        )
        new_marker = SurroundingRectangle(
            column, buff=0.04, color=ManimColor(th.text), stroke_width=4
        )
        new_strip = _strip_math(data, name, th)
        anims = [m.reveal(cols) for m in gate_maps]
        anims.append(FadeIn(new_marker) if marker is None else Transform(marker, new_marker))
        if new_strip is not None:
            anims += [FadeIn(new_strip)] + ([FadeOut(strip)] if strip is not None else [])
        scene.play(*anims)
        marker = marker if marker is not None else new_marker
        strip = new_strip if new_strip is not None else strip
    scene.shown["trained" if data.facts is not None else data.preset] = {
        k: m.displayed for k, m in maps.items()
    }

    if data.contrast is None:
        return
    scene.step(notes["contrast"])
    new_title = scene.slide_title(contrast_title)
    new_strip = _strip_math(data, "contrast", th)
    changes = [maps[k].animate_values(getattr(data.contrast, k).T) for k in GATE_KEYS]
    scene.play(
        Transform(title, new_title),
        FadeOut(marker),
        FadeOut(strip),
        FadeIn(new_strip),
        *changes,
        run_time=2,
    )
    scene.shown["random"] = {k: m.displayed for k, m in maps.items()}


# ---------------------------------------------------------------------------------------
# lstm-unrolled: the whole example along the highway, and the read-out

UNROLL_PITCH = 1.66  # at most: 8 columns of value cells across the figure zone
UNROLL_BOX_H = 0.62


def unrolled_story(scene: LectureSlide, facts: MemoryFacts, title) -> None:
    """Two click steps appended to ``lstm-unrolled`` when the trained model tells its story:
    all T steps of the example with the cell state on the highway (c^t above each block,
    x^t below, the store and recall steps tagged), then the read-out answering at the
    recall step. Sets ``scene.story_glyphs`` ({("c"|"x", t): glyph}) and
    ``scene.readout`` (the read-out line's glyph and text)."""
    from manim import (
        DOWN,
        LEFT,
        RIGHT,
        UP,
        FadeIn,
        FadeOut,
        LaggedStart,
        ManimColor,
        RoundedRectangle,
        SurroundingRectangle,
        VGroup,
    )

    from scenes.kit.components import VectorGlyph, Wire, label, math
    from scenes.kit.lstm_cell import MAX_CELLS
    from scenes.kit.theme import TYPE
    from scenes.lstm_forward_shared import STRIP_BUFF

    th = scene.theme
    tr, T = facts.trace, facts.T
    left, right, bottom, top = TYPE.figure_zone()
    pitch = min(UNROLL_PITCH, (right - left) / T)
    xs_pos = [(k - (T - 1) / 2) * pitch for k in range(T)]
    column = dict(theme=th, max_cells=MAX_CELLS)
    model = scene.scene_config.model
    cells = dict(show=model.show_cells, noun="cells")
    inputs = dict(show=model.show_inputs, noun="inputs")
    probe = VectorGlyph(tr.c[0], quantity="c", **column, **cells)
    glyph_h, glyph_w = probe.frame.height, probe.frame.width
    # c label, c column, wire, box, wire, x column, x label, tag: centred in the zone
    total = 2 * (0.45 + glyph_h + 0.3) + UNROLL_BOX_H + 0.3
    box_y = top - (top - bottom - total) / 2 - 0.45 - glyph_h - 0.3 - UNROLL_BOX_H / 2

    boxes, chain, wires = VGroup(), VGroup(), VGroup()
    cs, xs_g, labels, tags = VGroup(), VGroup(), VGroup(), VGroup()
    glyphs: dict[tuple[str, int], VectorGlyph] = {}
    for k in range(T):
        box = RoundedRectangle(
            width=glyph_w, height=UNROLL_BOX_H, corner_radius=0.12, stroke_width=3
        )
        box.set_stroke(ManimColor(th.text)).set_fill(ManimColor(th.panel), 1.0)
        box.move_to([xs_pos[k], box_y, 0.0])
        box.add(label("LSTM", font_size=TYPE.note, theme=th).move_to(box))
        boxes.add(box)
        gc = VectorGlyph(tr.c[k], quantity="c", **column, **cells)
        gc.next_to(box, UP, buff=0.3)
        gx = VectorGlyph(facts.xs[k], quantity="x", **column, **inputs)
        gx.next_to(box, DOWN, buff=0.3)
        lc = math(f"bold(c)^{k + 1}", color=th.c, theme=th).next_to(gc, UP, buff=0.08)
        lx = math(f"bold(x)^{k + 1}", color=th.x, theme=th).next_to(gx, DOWN, buff=0.08)
        wires.add(
            Wire([box.get_top(), gc.frame.get_bottom()], quantity="c", theme=th),
            Wire([gx.frame.get_top(), box.get_bottom()], quantity="x", theme=th),
        )
        cs.add(gc)
        xs_g.add(gx)
        labels.add(lc, lx)
        glyphs[("c", k)], glyphs[("x", k)] = gc, gx
        tag = {facts.store: "store", facts.recall: "recall"}.get(k)
        if tag:
            tags.add(
                label(tag, font_size=TYPE.note, color=th.muted, theme=th).next_to(
                    lx, DOWN, buff=0.06
                )
            )
    for k in range(T - 1):
        a, b = boxes[k], boxes[k + 1]
        chain.add(Wire([a.get_right(), b.get_left()], quantity="c", theme=th))
    # The memory cells' rows of the cell state from the store step on: the stored trace
    # (of those the config's show_cells shows).
    held = VGroup()
    for cell in (c for c in facts.cells if c in cs[0].indices):
        row = VGroup(*[cs[k].cells[cs[k].indices.index(cell)] for k in range(facts.store, T)])
        held.add(SurroundingRectangle(row, buff=0.03, color=ManimColor(th.c), stroke_width=3))
    scene.story_glyphs = glyphs

    notes = unrolled_notes(facts)
    scene.step(notes["highway"])
    leaving = [m for m in scene.mobjects if m is not title]
    scene.play(*[FadeOut(m) for m in leaving])
    scene.play(
        LaggedStart(*[FadeIn(b) for b in boxes], lag_ratio=0.1),
        *[w.grow() for w in chain],
        *[w.grow() for w in wires],
        FadeIn(cs),
        FadeIn(xs_g),
        FadeIn(labels),
        FadeIn(tags),
        run_time=2,
    )
    scene.play(FadeIn(held))

    scene.step(notes["readout"])
    y_glyph = VectorGlyph(
        tr.y[facts.recall],
        label=f"bold(y)^{facts.recall + 1}",
        quantity="y",
        direction="row",
        label_side=LEFT,
        **column,
        **cells,
    )
    line = math(
        f'arrow.r quad "pred" = W_"out" bold(y)^{facts.recall + 1} + b_"out" = '
        f'{v(facts.answer)} quad ("stored:" {v(facts.stored)})',
        font_size=TYPE.equation,
        theme=th,
    )
    strip = VGroup(y_glyph, line).arrange(RIGHT, buff=0.25)
    strip.to_edge(DOWN, buff=STRIP_BUFF + 0.15)
    ring = SurroundingRectangle(boxes[facts.recall], buff=0.06, color=ManimColor(th.y))
    scene.play(FadeIn(ring), FadeIn(strip, shift=UP * 0.2))
    scene.readout = {"glyph": y_glyph, "pred": v(facts.answer), "stored": v(facts.stored)}


# ---------------------------------------------------------------------------------------
# Lecture 1, why-not-dcl: the trained order RNN


def order_rnn_for(cfg: SceneConfig):
    """The trained ``order-rnn`` (``rnn_core.pretrained``) when the config draws the
    trained preset at its sizes (3 inputs, 3 hidden units) without a weights file; else
    None (the seeded model)."""
    m = cfg.model
    if m.weights is not None or m.preset != "trained" or (m.n_in, m.n_hidden) != (3, 3):
        return None
    from rnn_core.pretrained import load

    return load("order-rnn")


def order_note(ex, key: str) -> str:
    """The trained order RNN's answers, for the notes of why-not-dcl's "dcl" and "rnn"
    rows ("" for the seeded model, whose classes mean nothing)."""
    classes = getattr(ex, "classes", None)
    if not classes:
        return ""
    probs = ex.dcl if key == "dcl" else ex.rnn
    answers = [(classes[int(np.argmax(p))], v(np.max(p))) for p in probs]
    sentences = [" ".join(ws) for ws in ex.words]
    if key == "dcl":
        (a, p), (b, q) = answers
        return (
            f" The network is the trained order RNN (it names the first word). On the bag "
            f"it answers '{a}' ({p}) for '{sentences[0]}' and '{b}' ({q}) for "
            f"'{sentences[1]}': one answer for two sentences, so one of them is wrong."
        )
    right = [ans == ws[0] for (ans, _), ws in zip(answers, ex.words, strict=True)]
    verdict = "both right" if all(right) else "not both right"
    said = " and ".join(
        f"'{a}' ({p}) for '{s}'" for (a, p), s in zip(answers, sentences, strict=True)
    )
    return f" The trained RNN answers {said}: {verdict}."
