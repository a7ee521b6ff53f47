"""Lecture 1: prerequisites for understanding RNN at a more mathematical level.

Neural networks as mappings (a dense layer, a CNN, an RNN); why densely connected layers
do not suit sequences (fixed input size, and order: a bag of word vectors cannot tell
"cat cat dog" from "dog cat cat", a simple RNN can; both computed); sequence data (a
4-dimensional weather record every ten minutes, a sentence as time steps); and the types
of RNN tasks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ManimColor,
    Rectangle,
    RoundedRectangle,
    SurroundingRectangle,
    VGroup,
)

from rnn_core import rnn_forward
from rnn_core.tasks import WEATHER_FIELDS, weather_task
from scenes.kit.base import LectureSlide
from scenes.kit.components import VectorGlyph, label, math
from scenes.kit.config import SceneConfig, rnn_setup
from scenes.kit.network import TaskDiagram, arrow

__all__ = [
    "TaskType",
    "TASK_TYPES",
    "FORECAST_HOURS",
    "SAMPLES_PER_HOUR",
    "RNNTaskTypes",
    "NetworksAsMappings",
    "SequenceData",
    "weather_record",
    "WhyNotDCL",
    "order_example",
    "OrderExample",
    "SENTENCES",
    "SCENES",
]

LECTURE = 1
LECTURE_TITLE = "Prerequisites for understanding RNN at a more mathematical level"

TITLE_SIZE = 34
HEAD_SIZE = 22
TEXT_SIZE = 15

# The lecture's many-to-one example: 96 hours of weather, one record every ten minutes.
FORECAST_HOURS = 96
SAMPLES_PER_HOUR = 6


@dataclass(frozen=True)
class TaskType:
    """One type of RNN task: the diagram kind, its heading, examples, and speaker notes."""

    kind: str
    heading: str
    examples: tuple[str, ...]
    notes: str


TASK_TYPES: tuple[TaskType, ...] = (
    TaskType(
        "one-to-one",
        "one-to-one",
        ("one vector in, one vector out:", "an ordinary network"),
        "One-to-one is no sequence task at all: one vector in, one vector out, like a "
        "densely connected layer. RNN tasks are classified by the lengths of the input and "
        "output sequences.",
    ),
    TaskType(
        "one-to-many",
        "one-to-many",
        ("text / music generation;", "image captioning from", "a CNN's semantic vector"),
        "One-to-many: give the first word or sound and generate a phrase. Image captioning is "
        "one-to-many too: its one input is the semantic vector a CNN extracts from the picture.",
    ),
    TaskType(
        "many-to-one",
        "many-to-one",
        (
            "sentiment of a post;",
            f"temperature in 24 h from {FORECAST_HOURS} h:",
            f"{FORECAST_HOURS} \u00d7 {SAMPLES_PER_HOUR} = "
            f"{FORECAST_HOURS * SAMPLES_PER_HOUR} vectors \u2192 1 value",
        ),
        "Many-to-one: sentiment classification of a post of any length gives (1, 0) or (0, 1). "
        f"Predicting the temperature in 24 hours from the last {FORECAST_HOURS} hours, sampled "
        f"every ten minutes, maps {FORECAST_HOURS * SAMPLES_PER_HOUR} vectors to one value.",
    ),
    TaskType(
        "many-to-many",
        "many-to-many",
        (
            "named-entity recognition:",
            "\u201cTeddy bears are on sale\u201d",
            "\u201cTeddy Roosevelt was a president\u201d",
        ),
        "Many-to-many with aligned steps: named-entity recognition tags every word. Is "
        "'Teddy' a proper noun? In 'Teddy bears are on sale' no, in 'Teddy Roosevelt was a "
        "great president' yes; the network must read the words that follow.",
    ),
    TaskType(
        "seq2seq",
        "sequence-to-sequence",
        ("machine translation,", "text summarization"),
        "Machine translation uses a sequence-to-sequence model: the encoder gives out a "
        "hidden state vector, the decoder generates the text, feeding each output back in as "
        "the next step's input.",
    ),
    TaskType(
        "bidirectional",
        "bidirectional",
        ("each output sees the", "past and the future"),
        "Bidirectional RNNs are connected in both directions, so each output depends on the "
        "past and the future of the sequence; machine translation is a good example.",
    ),
)


def _text_block(lines: tuple[str, ...], theme, size: float = TEXT_SIZE) -> VGroup:
    return VGroup(
        *[label(line, font_size=size, color=theme.muted, theme=theme) for line in lines]
    ).arrange(DOWN, buff=0.06)


class RNNTaskTypes(LectureSlide):
    """The six charts of RNN task types, each with the lecture's examples."""

    scene_id = "rnn-task-types"
    title = "Types of RNN tasks"
    description = "One-to-one, one-to-many, many-to-one, many-to-many, seq2seq, bidirectional."

    def construct(self) -> None:
        th = self.theme
        title = label("Types of RNN tasks", font_size=TITLE_SIZE, theme=th).to_edge(UP, buff=0.2)
        self.diagrams: dict[str, TaskDiagram] = {}
        cells = VGroup()
        for task in TASK_TYPES:
            steps = 3 if task.kind == "seq2seq" else 4
            diagram = TaskDiagram(task.kind, steps=steps, theme=th)
            head = label(task.heading, font_size=HEAD_SIZE, theme=th, weight="BOLD")
            text = _text_block(task.examples, th)
            cell = VGroup(head, diagram, text).arrange(DOWN, buff=0.22)
            self.diagrams[task.kind] = diagram
            cells.add(cell)
        columns = (-4.55, 0.0, 4.55)
        for k, cell in enumerate(cells):
            row, col = divmod(k, 3)
            cell.move_to(RIGHT * columns[col])
            cell.align_to(UP * (2.95 if row == 0 else -0.35), UP)
        self.cells = cells
        for k, task in enumerate(TASK_TYPES):
            self.step(task.notes)
            if k == 0:
                self.play(FadeIn(title))
            head, diagram, text = cells[k]
            self.play(
                FadeIn(head),
                LaggedStart(
                    FadeIn(diagram.blocks),
                    FadeIn(diagram.back_blocks),
                    FadeIn(diagram.inputs),
                    Create(diagram.arrows),
                    Create(diagram.recurrent),
                    Create(diagram.back_recurrent),
                    Create(diagram.feedback),
                    FadeIn(diagram.outputs),
                    FadeIn(diagram.part_labels),
                    lag_ratio=0.15,
                ),
                FadeIn(text, shift=UP * 0.1),
            )


# ---------------------------------------------------------------------------------------
# Neural networks as mappings


def _box(text: str, th, width: float = 2.2, colour: str | None = None) -> VGroup:
    rect = RoundedRectangle(
        width=width,
        height=0.8,
        corner_radius=0.12,
        stroke_width=3,
        color=ManimColor(colour or th.text),
    ).set_fill(ManimColor(th.panel), opacity=1.0)
    return VGroup(rect, label(text, font_size=22, theme=th).move_to(rect))


def _cells(n: int, colour: str, th, vertical: bool = True, size: float = 0.26) -> VGroup:
    cells = VGroup(
        *[
            Rectangle(width=size, height=size, stroke_width=2, color=ManimColor(colour)).set_fill(
                ManimColor(colour), opacity=0.15
            )
            for _ in range(n)
        ]
    )
    return cells.arrange(DOWN if vertical else RIGHT, buff=0)


class NetworksAsMappings(LectureSlide):
    """A DCL, a CNN and an RNN drawn as what they are: mappings between shapes."""

    scene_id = "nn-as-mappings"
    title = "Neural networks are mappings"
    description = "DCL: vector to vector; CNN: image tensor to semantic vector; RNN: sequences."

    def construct(self) -> None:
        th = self.theme
        title = label("Neural networks are just mappings", font_size=TITLE_SIZE, theme=th)
        title.to_edge(UP, buff=0.25)
        rows: list[VGroup] = []

        self.step(
            "Forget magical spider webs: a neural network is a mapping. A densely connected "
            "network maps a vector to a vector; as the last layers of a network it works as "
            "a classifier or a regressor."
        )
        dcl_in = _cells(4, th.x, th)
        dcl = _box("DCL", th)
        dcl_out = _cells(2, th.o, th)
        row1 = VGroup(dcl_in, dcl, dcl_out).arrange(RIGHT, buff=1.0)
        rows.append(row1)
        self.play(FadeIn(title), FadeIn(row1))

        self.step(
            "A CNN maps an image, a (3, 150, 150) tensor of red, green and blue, to a vector: "
            "its feature extraction part gives a semantic vector holding the meaning of the "
            "picture, and a DCL classifies it: (1, 0) for dog, (0, 1) for cat."
        )
        image = VGroup(
            *[
                Rectangle(width=1.0, height=1.0, stroke_width=2, color=ManimColor(c))
                .set_fill(ManimColor(c), opacity=0.25)
                .shift((RIGHT + UP) * 0.12 * k)
                for k, c in enumerate(("#d64541", "#2e9e4f", "#3a6fd8"))
            ]
        )
        shape = label("(3, 150, 150)", font_size=18, color=th.muted, theme=th)
        shape.next_to(image, DOWN, buff=0.12)
        conv = _box("feature extraction", th, width=3.0)
        semantic = _cells(5, th.y, th)
        sem_label = label("semantic vector", font_size=18, color=th.muted, theme=th)
        classifier = _box("DCL", th, width=1.4)
        out = math("(1, 0)", font_size=26, theme=th)
        row2 = VGroup(VGroup(image, shape), conv, semantic, classifier, out).arrange(
            RIGHT, buff=0.55
        )
        sem_label.next_to(semantic, DOWN, buff=0.12)
        rows.append(VGroup(row2, sem_label))

        self.step(
            "An RNN is also just a mapping, from sequence data to sequence data: a list of "
            "vectors whose order matters, to another list, possibly of a different length."
        )
        seq_in = VGroup(*[_cells(3, th.x, th) for _ in range(5)]).arrange(RIGHT, buff=0.12)
        rnn = _box("RNN", th, colour=th.y)
        seq_out = VGroup(*[_cells(2, th.o, th) for _ in range(3)]).arrange(RIGHT, buff=0.12)
        row3 = VGroup(seq_in, rnn, seq_out).arrange(RIGHT, buff=1.0)
        sub = VGroup(
            math("bold(x)^1, ..., bold(x)^5", font_size=22, color=th.x, theme=th).next_to(
                seq_in, DOWN, buff=0.15
            ),
            math("hat(bold(y))^1, ..., hat(bold(y))^3", font_size=22, color=th.o, theme=th).next_to(
                seq_out, DOWN, buff=0.15
            ),
        )
        rows.append(VGroup(row3, sub))

        stack = VGroup(*rows).arrange(DOWN, buff=0.7).next_to(title, DOWN, buff=0.5)
        self.rows = rows
        arrows = VGroup()
        for group in (row1, row2, row3):
            parts = list(group)
            for a, b in zip(parts, parts[1:], strict=False):
                arrows.add(arrow(a.get_right() + RIGHT * 0.06, b.get_left() + LEFT * 0.06, th.text))
        self.play(FadeIn(stack[1]), Create(arrows[2:6]))
        self.step(
            "Keep two points: a DCL classifies or regresses, a CNN extracts features, and an "
            "RNN maps sequences. The next scenes show why the first two cannot do the third."
        )
        self.play(FadeIn(stack[2]), Create(arrows[6:]), Create(arrows[:2]))


# ---------------------------------------------------------------------------------------
# Sequence data

TABLE_START_HOUR = 12  # the table shows two hours from noon on the first day
TABLE_COLUMNS = 12
SENTENCE = ("Teddy", "bears", "are", "on", "sale")


def weather_record(cfg: SceneConfig) -> np.ndarray:
    """(T, 4) the lecture's weather record: ``FORECAST_HOURS`` hours, one vector every ten
    minutes, seeded by the model seed (``rnn_core.tasks.weather_task``)."""
    task = weather_task(
        np.random.default_rng(cfg.model.seed),
        hours=FORECAST_HOURS,
        samples_per_hour=SAMPLES_PER_HOUR,
    )
    return task.xs[:, 0, :]


def _clock(step: int) -> str:
    minutes = step * 60 // SAMPLES_PER_HOUR
    return f"{(minutes // 60) % 24:02d}:{minutes % 60:02d}"


class SequenceData(LectureSlide):
    """A weather record as 4-dimensional vectors every ten minutes; a sentence as steps."""

    scene_id = "sequence-data"
    title = "Sequence data"
    description = "A 4-d weather record every ten minutes; a sentence; time steps."

    def construct(self) -> None:
        th = self.theme
        record = weather_record(self.scene_config)
        self.record = record
        title = label("Sequence data: lists of vectors in order", font_size=TITLE_SIZE, theme=th)
        title.to_edge(UP, buff=0.25)
        first = TABLE_START_HOUR * SAMPLES_PER_HOUR
        window = record[first : first + TABLE_COLUMNS]
        decimals = (1, 1, 1, 0)
        self.table_text: list[list[str]] = []

        self.step(
            "Sequence data are lists of vectors whose order matters. A weather station "
            "records temperature, air pressure, wind speed and humidity every ten minutes: "
            "one 4-dimensional vector per time step."
        )
        cell_w, cell_h = 0.92, 0.42
        rows = VGroup()
        header = VGroup(
            *[
                label(_clock(first + k), font_size=14, color=th.muted, theme=th)
                for k in range(TABLE_COLUMNS)
            ]
        )
        for r, (name, unit) in enumerate(WEATHER_FIELDS):
            values = window[:, r]
            lo, hi = float(values.min()), float(values.max())
            texts, cells = [], VGroup()
            for v in values:
                text = f"{v:.{decimals[r]}f}"
                texts.append(text)
                weight = 0.0 if hi == lo else (float(v) - lo) / (hi - lo)
                box = Rectangle(
                    width=cell_w, height=cell_h, stroke_width=1, color=ManimColor(th.grid)
                )
                box.set_fill(ManimColor(th.x), opacity=0.08 + 0.35 * weight)
                cells.add(VGroup(box, label(text, font_size=15, theme=th).move_to(box)))
            cells.arrange(RIGHT, buff=0)
            name_text = label(f"{name} ({unit})", font_size=16, theme=th)
            rows.add(VGroup(name_text, cells))
            self.table_text.append(texts)
        for row in rows:
            row[1].move_to(RIGHT * 1.2)
            row[0].next_to(row[1], LEFT, buff=0.25)
        rows.arrange(DOWN, buff=0, aligned_edge=RIGHT)
        for k, h in enumerate(header):
            h.next_to(rows[0][1][k], UP, buff=0.12)
        table = VGroup(header, rows).next_to(title, DOWN, buff=0.45)
        column = VGroup(*[rows[r][1][3] for r in range(4)])
        pick = SurroundingRectangle(column, buff=0.03, color=ManimColor(th.x), stroke_width=3)
        pick_label = math("bold(x)^t in RR^4", font_size=24, color=th.x, theme=th)
        pick_label.next_to(pick, DOWN, buff=0.12)
        self.play(FadeIn(title), FadeIn(table))
        self.play(Create(pick), FadeIn(pick_label))

        self.step(
            f"{FORECAST_HOURS} hours of this record are {FORECAST_HOURS} x {SAMPLES_PER_HOUR} "
            f"= {FORECAST_HOURS * SAMPLES_PER_HOUR} time steps: the input of the many-to-one "
            "forecast later in this lecture. The shaded stretch is the table above."
        )
        charts = VGroup()
        hours = np.arange(len(record)) / SAMPLES_PER_HOUR
        for r, (name, unit) in enumerate(WEATHER_FIELDS):
            values = record[:, r]
            lo, hi = float(values.min()), float(values.max())
            unit_text = f"{name} ({unit})"
            pad = 0.1 * (hi - lo or 1.0)
            axes = Axes(
                x_range=[0, FORECAST_HOURS, 24],
                y_range=[lo - pad, hi + pad, (hi - lo + 2 * pad) / 2],
                x_length=5.6,
                y_length=0.62,
                axis_config={
                    "stroke_width": 1.5,
                    "color": ManimColor(th.muted),
                    "include_ticks": False,
                    "include_tip": False,
                },
            )
            line = axes.plot_line_graph(
                hours, values, add_vertex_dots=False, line_color=ManimColor(th.x), stroke_width=1.6
            )
            shade = Rectangle(
                width=axes.x_length * (TABLE_COLUMNS / SAMPLES_PER_HOUR) / FORECAST_HOURS,
                height=0.62,
                stroke_width=0,
            ).set_fill(ManimColor(th.y), opacity=0.3)
            shade.move_to(
                axes.c2p(TABLE_START_HOUR + TABLE_COLUMNS / SAMPLES_PER_HOUR / 2, (lo + hi) / 2)
            )
            tag = label(unit_text, font_size=14, color=th.muted, theme=th)
            tag.next_to(axes, UP, buff=0.05).align_to(axes, LEFT)
            charts.add(VGroup(shade, axes, line, tag))
        charts.arrange_in_grid(rows=2, cols=2, buff=(1.6, 0.35))
        ticks = label(
            f"0 to {FORECAST_HOURS} h, one point every ten minutes "
            f"({FORECAST_HOURS * SAMPLES_PER_HOUR} points per line)",
            font_size=16,
            color=th.muted,
            theme=th,
        )
        block = VGroup(charts, ticks).arrange(DOWN, buff=0.2)
        block.next_to(table, DOWN, buff=0.4)
        self.charts = charts
        self.play(FadeIn(block))

        self.step(
            "A time step does not have to be time. In language processing each part of a "
            "sentence is a time step, one vector per word; order matters here too. RNNs are "
            "mappings from sequence data to sequence data."
        )
        words = VGroup()
        for k, w in enumerate(SENTENCE):
            text = label(w, font_size=22, theme=th)
            box = SurroundingRectangle(text, buff=0.12, color=ManimColor(th.x), stroke_width=2)
            step = math(f"bold(x)^{k + 1}", font_size=22, color=th.x, theme=th)
            step.next_to(box, DOWN, buff=0.1)
            words.add(VGroup(box, text, step))
        words.arrange(RIGHT, buff=0.35)
        words.scale(1.3).move_to(DOWN * 0.9)
        self.words = words
        self.play(FadeOut(block), LaggedStart(*[FadeIn(w) for w in words], lag_ratio=0.15))


# ---------------------------------------------------------------------------------------
# Why not a densely connected layer?

# The lecture's point about input size: one meaning, a different number of parts.
SENTENCES = (
    ("English", ("I", "am", "a", "student")),
    ("German", ("Ich", "bin", "Student")),
    ("Japanese", ("watashi", "wa", "gakusei", "desu")),
)


@dataclass(frozen=True)
class OrderExample:
    """Two orders of the same words, their vectors, what a DCL on the bag of vectors gives
    (identical) and what a simple RNN gives after the last word (different)."""

    words: tuple[tuple[str, ...], tuple[str, ...]]
    vectors: tuple[np.ndarray, np.ndarray]  # (T, M) each
    bags: tuple[np.ndarray, np.ndarray]
    dcl: tuple[np.ndarray, np.ndarray]  # class probabilities from the bag
    rnn: tuple[np.ndarray, np.ndarray]  # class probabilities after the last step


def order_example(cfg: SceneConfig) -> OrderExample:
    """'cat cat dog' and 'dog cat cat' through the configured simple RNN, and through the same
    network as a DCL on the summed word vectors (one step, no recurrence): rnn_core only."""
    params, _, _ = rnn_setup(cfg)
    rng = np.random.default_rng(cfg.model.seed + 100)
    cat, dog = np.round(rng.uniform(-1, 1, (2, cfg.model.n_in)), 2)
    table = {"cat": cat, "dog": dog}
    orders = (("cat", "cat", "dog"), ("dog", "cat", "cat"))
    vecs = tuple(np.array([table[w] for w in ws]) for ws in orders)
    bags = tuple(v.sum(axis=0) for v in vecs)
    zeros = np.zeros(3, dtype=int)
    dcl = tuple(rnn_forward(params, b[None], zeros[:1]).y_hat[0] for b in bags)
    rnn = tuple(rnn_forward(params, v, zeros).y_hat[-1] for v in vecs)
    return OrderExample(orders, vecs, bags, dcl, rnn)


class WhyNotDCL(LectureSlide):
    """Fixed input size and order blindness, with 'cat cat dog' vs 'dog cat cat' computed."""

    scene_id = "why-not-dcl"
    title = "Why not a densely connected layer?"
    description = "Input sizes vary; a bag of vectors forgets the order, an RNN does not."

    def construct(self) -> None:
        th = self.theme
        ex = order_example(self.scene_config)
        self.example = ex
        title = label("Why DCLs and CNNs do not fit sequences", font_size=TITLE_SIZE, theme=th)
        title.to_edge(UP, buff=0.25)

        self.step(
            "First, a DCL or CNN has a fixed input size; images are first molded into "
            "(3, 150, 150). The same meaning takes a different number of parts in different "
            "languages, and a translator must accept any length."
        )
        lines = VGroup()
        for lang, parts in SENTENCES:
            words = VGroup(
                *[
                    VGroup(
                        SurroundingRectangle(
                            label(w, font_size=20, theme=th),
                            buff=0.08,
                            color=ManimColor(th.x),
                            stroke_width=2,
                        ),
                        label(w, font_size=20, theme=th),
                    )
                    for w in parts
                ]
            ).arrange(RIGHT, buff=0.12)
            name = label(f"{lang} ({len(parts)} parts)", font_size=20, color=th.muted, theme=th)
            lines.add(VGroup(name, words).arrange(RIGHT, buff=0.3))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.3).scale(1.15)
        lines.next_to(title, DOWN, buff=0.6)
        slots = VGroup(*[_cells(1, th.x, th, size=0.5) for _ in range(4)]).arrange(RIGHT, buff=0.15)
        fixed = VGroup(slots, _box("DCL", th)).arrange(RIGHT, buff=0.9)
        fixed.add(
            arrow(slots.get_right() + RIGHT * 0.06, fixed[1].get_left() + LEFT * 0.06, th.text)
        )
        caption = label(
            "a DCL has exactly 4 input slots: 3 parts leave a hole, 5 do not fit",
            font_size=20,
            color=th.muted,
            theme=th,
        )
        fixed_group = VGroup(fixed, caption).arrange(DOWN, buff=0.3).move_to(DOWN * 1.9)
        self.play(FadeIn(title), LaggedStart(*[FadeIn(ln) for ln in lines], lag_ratio=0.3))
        self.play(FadeIn(fixed_group))

        self.step(
            "Second, order. Give each word a vector and take 'cat cat dog' and 'dog cat cat'. "
            "These are the same three vectors in two orders."
        )
        columns = VGroup()
        self.glyphs: dict[str, list[VectorGlyph]] = {"bag": [], "dcl": [], "rnn": []}
        for k in range(2):
            vecs = VGroup(
                *[
                    VGroup(
                        VectorGlyph(v, quantity="x", theme=th, cell_width=0.7, font_size=16),
                        label(w, font_size=18, theme=th),
                    ).arrange(DOWN, buff=0.08)
                    for w, v in zip(ex.words[k], ex.vectors[k], strict=True)
                ]
            ).arrange(RIGHT, buff=0.18)
            columns.add(vecs)
        columns.arrange(RIGHT, buff=2.6).next_to(title, DOWN, buff=0.35)
        self.play(
            lines.animate.set_opacity(0.0), fixed_group.animate.set_opacity(0.0), FadeIn(columns)
        )
        self.remove(lines, fixed_group)

        def row(key: str, values, quantity: str, text: str, notes: str, same: bool) -> None:
            self.step(notes)
            glyphs = []
            for k in range(2):
                g = VectorGlyph(
                    values[k],
                    quantity=quantity,
                    theme=th,
                    direction="row",
                    cell_width=0.75,
                    font_size=17,
                )
                glyphs.append(g)
            level = {"bag": 0.2, "dcl": -0.8, "rnn": -1.8}[key]
            for k, g in enumerate(glyphs):
                g.move_to(columns[k].get_center() * RIGHT + UP * level)
            sign = math(
                "=" if same else "!=", font_size=34, theme=th, color=th.x if same else th.c
            ).move_to(UP * level)
            name = label(text, font_size=18, color=th.muted, theme=th)
            name.next_to(glyphs[0], LEFT, buff=0.3)
            self.glyphs[key] = glyphs
            self.play(FadeIn(name), *[FadeIn(g) for g in glyphs], FadeIn(sign))

        row(
            "bag",
            ex.bags,
            "x",
            "bag (sum)",
            "A DCL needs one fixed-size input, so put the words in a bag: add their vectors. "
            "Both sentences give exactly the same bag.",
            True,
        )
        row(
            "dcl",
            ex.dcl,
            "o",
            "DCL on the bag",
            "Whatever the DCL computes from the bag is then the same for both sentences: here "
            "the class probabilities of the network, one step, no recurrence.",
            True,
        )
        row(
            "rnn",
            ex.rnn,
            "o",
            "simple RNN",
            "The simple RNN reads the words one at a time and carries a state; after the last "
            "word its outputs differ, because the order differs. This is what sequence data "
            "needs.",
            False,
        )


SCENES = [NetworksAsMappings, WhyNotDCL, SequenceData, RNNTaskTypes]
