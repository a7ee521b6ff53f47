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
    Circle,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ManimColor,
    Rectangle,
    RoundedRectangle,
    SurroundingRectangle,
    Transform,
    VGroup,
)

from rnn_core import rnn_forward
from rnn_core.tasks import WEATHER_FIELDS, weather_task
from scenes.kit.base import LectureSlide
from scenes.kit.bichain import BiChain
from scenes.kit.components import VectorGlyph, label, math
from scenes.kit.config import SceneConfig, rnn_setup
from scenes.kit.diagrams import figure_zone, fit_to_zone
from scenes.kit.lint import declare_contains
from scenes.kit.network import TaskDiagram, arrow
from scenes.kit.theme import TYPE
from scenes.lecture1_tasks.captioning import ImageCaptioning, SemanticMap
from scenes.lecture1_tasks.ner import BidirectionalNER
from scenes.lecture1_tasks.speech import SpeechCTCScene

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
        ("one vector in, one out:", "an ordinary network"),
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
            f"24 h forecast from {FORECAST_HOURS} h:",
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
            "named entities: is \u201cTeddy\u201d",
            "a name? \u201cTeddy bears are",
            "on sale\u201d: no",
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


def _text_block(lines: tuple[str, ...], theme, size: float = TYPE.note) -> VGroup:
    return VGroup(
        *[label(line, font_size=size, color=theme.muted, theme=theme) for line in lines]
    ).arrange(DOWN, buff=0.06)


# The charts come two per click step, side by side, so each is drawn large.
TASKS_PER_STEP = 2
ROW_NAME_ROOM = 1.5  # left of the bidirectional chart: "forward", "backward"


class RNNTaskTypes(LectureSlide):
    """The six charts of RNN task types, two per step, each with the lecture's examples."""

    scene_id = "rnn-task-types"
    title = "Types of RNN tasks"
    description = "One-to-one, one-to-many, many-to-one, many-to-many, seq2seq, bidirectional."

    def construct(self) -> None:
        th = self.theme
        title = self.slide_title("Types of RNN tasks")
        left, right, bottom, top = figure_zone(strip=False)
        col_w = (right - left) / TASKS_PER_STEP
        self.diagrams: dict[str, VGroup] = {}
        cells = VGroup()
        for k, task in enumerate(TASK_TYPES):
            head = label(task.heading, font_size=TYPE.heading, theme=th, weight="BOLD")
            text = _text_block(task.examples, th, size=TYPE.label)
            diagram = _task_chart(task.kind, th)
            # The chart takes what the heading and the examples leave of its half.
            room_h = (top - bottom) - head.height - text.height - 2 * 0.4
            # The bidirectional chart keeps room on its left for its rows' names.
            room_w = col_w - 0.6 - (ROW_NAME_ROOM if task.kind == "bidirectional" else 0.0)
            diagram.scale(min(room_w / diagram.width, room_h / diagram.height, 2.6))
            if task.kind == "seq2seq":
                _label_encoder_decoder(diagram, th)
            if task.kind == "bidirectional":
                _name_rows(diagram, th)
            cell = VGroup(head, diagram, text).arrange(DOWN, buff=0.4)
            cell.move_to([left + col_w * (k % TASKS_PER_STEP + 0.5), (top + bottom) / 2, 0])
            self.diagrams[task.kind] = diagram
            cells.add(cell)
        self.cells = cells
        for first in range(0, len(TASK_TYPES), TASKS_PER_STEP):
            pair = range(first, first + TASKS_PER_STEP)
            self.step(" ".join(TASK_TYPES[k].notes for k in pair))
            if first == 0:
                self.play(FadeIn(title))
            else:
                self.play(*[FadeOut(cells[k]) for k in range(first - TASKS_PER_STEP, first)])
            for k in pair:
                head, diagram, text = cells[k]
                self.play(
                    *self.dim(*[cells[j] for j in pair if j < k]),  # the chart just told
                    FadeIn(head),
                    FadeIn(diagram, lag_ratio=0.05),
                    FadeIn(text, shift=UP * 0.1),
                )
            self.play(*self.undim(*[cells[k] for k in pair]))  # the pair, side by side


def _task_chart(kind: str, th) -> VGroup:
    """The chart of one task type at its natural size: the kit's TaskDiagram, and for the
    bidirectional RNN two clean rows (forward below, backward above) meeting at each
    output, with input and output dots and the rows named."""
    if kind != "bidirectional":
        return TaskDiagram(kind, steps=3 if kind == "seq2seq" else 4, theme=th)
    chain = BiChain(
        4,
        theme=th,
        size=0.42,
        spacing=1.25,
        offset=0.33,
        row_gap=0.75,
        input_gap=0.5,
        output_gap=0.5,
        stroke_width=2.5,
        tip_length=0.1,
    )
    dots = VGroup()
    for points, colour in ((chain.input_points, th.x), (chain.output_points, th.o)):
        for p in points:
            dot = Circle(radius=0.09, stroke_width=0).set_fill(ManimColor(colour), 1.0)
            dots.add(dot.move_to(p + (DOWN if colour == th.x else UP) * 0.09))
    chart = VGroup(chain, dots)
    chart.chain = chain
    chart.dots = dots
    return chart


def _name_rows(chart: VGroup, th) -> None:
    """Name the bidirectional chart's two rows at their left, at the label size (added
    after the chart is scaled, so the names stay on the type scale)."""
    chain = chart.chain
    names = VGroup()
    for row, text in ((chain.fwd, "forward"), (chain.bwd, "backward")):
        name = label(text, font_size=TYPE.label, color=th.y, theme=th)
        names.add(name.next_to(row, LEFT, buff=0.25).set_y(row.get_y()))
    names.align_to(chain, LEFT).shift(LEFT * (names.width + 0.25))
    chart.row_names = names
    chart.add(names)


def _label_encoder_decoder(diagram: TaskDiagram, th) -> None:
    """Name the seq2seq chart's two halves below it, apart: "encoder" under the steps that
    read, "decoder" under the steps that write (the kit's labels are dropped: scaled with
    the chart they would shrink or grow off the type scale and run into each other)."""
    diagram.remove(diagram.part_labels)
    n_read = diagram.n_in
    enc = VGroup(*diagram.blocks[: n_read - 1])
    dec = VGroup(*diagram.blocks[n_read:])
    low = diagram.get_bottom()[1] - 0.15
    names = VGroup()
    for part, text in ((enc, "encoder"), (dec, "decoder")):
        name = label(text, font_size=TYPE.label, color=th.muted, theme=th)
        names.add(name.move_to([part.get_x(), low - name.height / 2, 0]))
    diagram.part_labels = names
    diagram.add(names)


# ---------------------------------------------------------------------------------------
# Neural networks as mappings


def _box(text: str, th, width: float = 2.6, colour: str | None = None) -> VGroup:
    rect = RoundedRectangle(
        width=width,
        height=0.95,
        corner_radius=0.12,
        stroke_width=3,
        color=ManimColor(colour or th.text),
    ).set_fill(ManimColor(th.panel), opacity=1.0)
    return VGroup(rect, label(text, font_size=TYPE.label, theme=th).move_to(rect))


def _cells(n: int, colour: str, th, vertical: bool = True, size: float = 0.34) -> VGroup:
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
        title = self.slide_title("Neural networks are just mappings")
        rows = [self._dcl_row(th), self._cnn_row(th), self._rnn_row(th)]
        self.rows = rows
        # The final layout: three rows filling the figure zone (no equation strip here),
        # each with room above its main box for the tag of the last step.
        tags = VGroup()
        for row, text in zip(
            rows,
            ("classifier or regressor", "feature extractor", "sequences to sequences"),
            strict=True,
        ):
            tag = label(text, font_size=TYPE.note, color=th.y, theme=th)
            tag.next_to(row.main, UP, buff=0.12)
            tags.add(tag)
            row.add(tag)
        left, right, bottom, top = figure_zone(strip=False)
        stack = VGroup(*rows).arrange(DOWN, buff=0.6)
        fit_to_zone(stack, strip=False, max_scale=1.3, min_scale=1.0)
        for row, tag in zip(rows, tags, strict=True):
            row.remove(tag)
        self.tags = tags

        self.step(
            "Forget magical spider webs: a neural network is a mapping. A densely connected "
            "network maps a vector to a vector; as the last layers of a network it works as "
            "a classifier or a regressor."
        )
        # Alone on the slide, the first mapping is drawn large; it moves to its row later.
        final = rows[0].copy()
        rows[0].scale(1.8).move_to([(left + right) / 2, (top + bottom) / 2, 0])
        self.play(FadeIn(title), FadeIn(rows[0]))

        self.step(
            "A CNN maps an image, a (3, 150, 150) tensor of red, green and blue, to a vector: "
            "its feature extraction part gives a semantic vector holding the meaning of the "
            "picture, and a DCL classifies it: (1, 0) for dog, (0, 1) for cat."
        )
        self.play(Transform(rows[0], final))
        self.play(FadeIn(rows[1], shift=UP * 0.2), *self.dim(rows[0]))

        self.step(
            "An RNN is also just a mapping, from sequence data to sequence data: a list of "
            "vectors whose order matters, to another list, possibly of a different length."
        )
        self.play(FadeIn(rows[2], shift=UP * 0.2), *self.dim(rows[1]))

        self.step(
            "Keep two points: a DCL classifies or regresses, a CNN extracts features, and an "
            "RNN maps sequences. The next scenes show why the first two cannot do the third."
        )
        self.play(*self.undim(*rows))  # the summary: all three at full strength
        self.play(LaggedStart(*[FadeIn(t, shift=UP * 0.1) for t in tags], lag_ratio=0.3))

    def _link(self, parts: list, th) -> VGroup:
        group = VGroup(*parts).arrange(RIGHT, buff=0.85)
        arrows = VGroup(
            *[
                arrow(a.get_right() + RIGHT * 0.08, b.get_left() + LEFT * 0.08, th.text)
                for a, b in zip(parts, parts[1:], strict=False)
            ]
        )
        return VGroup(group, arrows)

    def _dcl_row(self, th) -> VGroup:
        main = _box("DCL", th)
        row = self._link([_cells(4, th.x, th), main, _cells(2, th.o, th)], th)
        row.main = main
        return row

    def _cnn_row(self, th) -> VGroup:
        image = VGroup(
            *[
                Rectangle(width=1.2, height=1.2, stroke_width=2, color=ManimColor(c))
                .set_fill(ManimColor(c), opacity=0.25)
                .shift((RIGHT + UP) * 0.14 * k)
                for k, c in enumerate((th.c, th.x, th.i))
            ]
        )
        shape = label("(3, 150, 150)", font_size=TYPE.note, color=th.muted, theme=th)
        shape.next_to(image, DOWN, buff=0.12)
        main = _box("feature extraction", th, width=3.6)
        semantic = _cells(5, th.y, th)
        sem_label = label("semantic vector", font_size=TYPE.note, color=th.muted, theme=th)
        out = math("(1, 0)", font_size=TYPE.math, theme=th)
        row = self._link([image, main, semantic, _box("DCL", th, width=1.6), out], th)
        shape.next_to(image, DOWN, buff=0.12)
        sem_label.next_to(semantic, DOWN, buff=0.12)
        row.add(shape, sem_label)
        row.main = main
        return row

    def _rnn_row(self, th) -> VGroup:
        seq_in = VGroup(*[_cells(3, th.x, th) for _ in range(5)]).arrange(RIGHT, buff=0.14)
        main = _box("RNN", th, colour=th.y)
        seq_out = VGroup(*[_cells(2, th.o, th) for _ in range(3)]).arrange(RIGHT, buff=0.14)
        row = self._link([seq_in, main, seq_out], th)
        row.add(
            math("bold(x)^1, ..., bold(x)^5", font_size=TYPE.math, color=th.x, theme=th).next_to(
                seq_in, DOWN, buff=0.15
            ),
            math(
                "hat(bold(y))^1, ..., hat(bold(y))^3", font_size=TYPE.math, color=th.o, theme=th
            ).next_to(seq_out, DOWN, buff=0.15),
        )
        row.main = main
        return row


# ---------------------------------------------------------------------------------------
# Sequence data

TABLE_START_HOUR = 12  # the table shows two hours from noon on the first day
TABLE_COLUMNS = 12  # the most ten-minute columns the table shows (fewer when they do not fit)
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
        title = self.slide_title("Sequence data: lists of vectors in order")
        left, right, bottom, top = figure_zone(strip=False)
        first = TABLE_START_HOUR * SAMPLES_PER_HOUR
        decimals = (1, 1, 1, 0)
        self.table_text: list[list[str]] = []

        self.step(
            "Sequence data are lists of vectors whose order matters. A weather station "
            "records temperature, air pressure, wind speed and humidity every ten minutes: "
            "one 4-dimensional vector per time step."
        )
        # Cells as wide as the widest value of the record (not of this window).
        widest = max((f"{v:.{decimals[r]}f}" for r in range(4) for v in record[:, r]), key=len)
        cell_w = label(widest, font_size=TYPE.number, theme=th).width + 0.18
        cell_h = 0.52
        names = [label(f"{n} ({u})", font_size=TYPE.note, theme=th) for n, u in WEATHER_FIELDS]
        room = right - left - max(n.width for n in names) - 0.25
        columns = min(TABLE_COLUMNS, int(room // cell_w))
        self.table_columns = columns
        window = record[first : first + columns]
        rows = VGroup()
        header = VGroup(
            *[
                label(_clock(first + k), font_size=TYPE.note, color=th.muted, theme=th)
                for k in range(columns)
            ]
        )
        for r in range(len(WEATHER_FIELDS)):
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
                number = label(text, font_size=TYPE.number, theme=th).move_to(box)
                declare_contains(box, number)
                cells.add(VGroup(box, number))
            cells.arrange(RIGHT, buff=0)
            rows.add(VGroup(names[r], cells))
            self.table_text.append(texts)
        for row in rows:
            row[0].next_to(row[1], LEFT, buff=0.25)
        rows.arrange(DOWN, buff=0, aligned_edge=RIGHT)
        for k, h in enumerate(header):
            h.next_to(rows[0][1][k], UP, buff=0.12)
        table = VGroup(header, rows)
        table.move_to([(left + right) / 2, (top + bottom) / 2 + 0.3, 0])
        column = VGroup(*[rows[r][1][3] for r in range(4)])
        pick = SurroundingRectangle(column, buff=0.03, color=ManimColor(th.x), stroke_width=4)
        pick_label = math("bold(x)^t in RR^4", font_size=TYPE.math, color=th.x, theme=th)
        pick_label.next_to(pick, DOWN, buff=0.12)
        self.play(FadeIn(title), FadeIn(table))
        self.play(Create(pick), FadeIn(pick_label))

        self.step(
            f"{FORECAST_HOURS} hours of this record are {FORECAST_HOURS} x {SAMPLES_PER_HOUR} "
            f"= {FORECAST_HOURS * SAMPLES_PER_HOUR} time steps: the input of the many-to-one "
            "forecast later in this lecture. The shaded stretch is the table above."
        )
        upper = VGroup(table, pick, pick_label)
        self.play(upper.animate.align_to([0, top, 0], UP))
        charts = VGroup()
        hours = np.arange(len(record)) / SAMPLES_PER_HOUR
        chart_w, chart_h = (right - left - 1.0) / 2, 0.75
        for r, (name, unit) in enumerate(WEATHER_FIELDS):
            values = record[:, r]
            lo, hi = float(values.min()), float(values.max())
            pad = 0.1 * (hi - lo or 1.0)
            axes = Axes(
                x_range=[0, FORECAST_HOURS, 24],
                y_range=[lo - pad, hi + pad, (hi - lo + 2 * pad) / 2],
                x_length=chart_w,
                y_length=chart_h,
                axis_config={
                    "stroke_width": 1.5,
                    "color": ManimColor(th.muted),
                    "include_ticks": False,
                    "include_tip": False,
                },
            )
            line = axes.plot_line_graph(
                hours, values, add_vertex_dots=False, line_color=ManimColor(th.x), stroke_width=2
            )
            shade = Rectangle(
                width=axes.x_length * (columns / SAMPLES_PER_HOUR) / FORECAST_HOURS,
                height=chart_h,
                stroke_width=0,
            ).set_fill(ManimColor(th.y), opacity=0.35)
            shade.move_to(
                axes.c2p(TABLE_START_HOUR + columns / SAMPLES_PER_HOUR / 2, (lo + hi) / 2)
            )
            tag = label(f"{name} ({unit})", font_size=TYPE.note, color=th.muted, theme=th)
            tag.next_to(axes, UP, buff=0.06).align_to(axes, LEFT)
            charts.add(VGroup(shade, axes, line, tag))
        charts.arrange_in_grid(rows=2, cols=2, buff=(1.0, 0.3))
        ticks = label(
            f"0 to {FORECAST_HOURS} h, one point every ten minutes "
            f"({FORECAST_HOURS * SAMPLES_PER_HOUR} points per line)",
            font_size=TYPE.note,
            color=th.muted,
            theme=th,
        )
        block = VGroup(charts, ticks).arrange(DOWN, buff=0.2)
        room = upper.get_bottom()[1] - 0.3 - bottom
        block.move_to([(left + right) / 2, bottom + room / 2, 0])
        self.charts = charts
        self.play(FadeIn(block))

        self.step(
            "A time step does not have to be time. In language processing each part of a "
            "sentence is a time step, one vector per word; order matters here too. RNNs are "
            "mappings from sequence data to sequence data."
        )
        words = VGroup()
        for k, w in enumerate(SENTENCE):
            text = label(w, font_size=TYPE.heading, theme=th)
            box = SurroundingRectangle(text, buff=0.16, color=ManimColor(th.x), stroke_width=3)
            step = math(f"bold(x)^{k + 1}", font_size=TYPE.math, color=th.x, theme=th)
            step.next_to(box, DOWN, buff=0.12)
            words.add(VGroup(box, text, step))
        words.arrange(RIGHT, buff=0.5).scale(1.3).move_to(block)
        self.words = words
        self.play(
            FadeOut(block),
            *self.dim(upper),  # the weather record is context for the sentence now
            LaggedStart(*[FadeIn(w) for w in words], lag_ratio=0.15),
        )
        self.wait(0.2)  # the video's last frame shows the settled state, not a fading ghost


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
    classes: tuple[str, ...] | None = None  # the trained order RNN's class names


def order_example(cfg: SceneConfig) -> OrderExample:
    """'cat cat dog' and 'dog cat cat' through the configured simple RNN, and through the same
    network as a DCL on the summed word vectors (one step, no recurrence): rnn_core only."""
    orders = (("cat", "cat", "dog"), ("dog", "cat", "cat"))
    from scenes.trained_story import order_rnn_for

    trained = order_rnn_for(cfg)  # the trained order RNN (preset "trained"), or None
    if trained is not None:
        vecs = tuple(trained.encode(ws) for ws in orders)
        bags = tuple(v.sum(axis=0) for v in vecs)
        dcl = tuple(trained.classify_bag(ws) for ws in orders)
        rnn = tuple(trained.classify(ws) for ws in orders)
        return OrderExample(orders, vecs, bags, dcl, rnn, classes=tuple(trained.classes))
    params, _, _ = rnn_setup(cfg)
    rng = np.random.default_rng(cfg.model.seed + 100)
    cat, dog = np.round(rng.uniform(-1, 1, (2, cfg.model.n_in)), 2)
    table = {"cat": cat, "dog": dog}
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
        from scenes.trained_story import order_note

        title = self.slide_title("Why DCLs and CNNs do not fit sequences")
        left, right, bottom, top = figure_zone(strip=False)

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
                            label(w, font_size=TYPE.label, theme=th),
                            buff=0.1,
                            color=ManimColor(th.x),
                            stroke_width=2,
                        ),
                        label(w, font_size=TYPE.label, theme=th),
                    )
                    for w in parts
                ]
            ).arrange(RIGHT, buff=0.15)
            name = label(
                f"{lang} ({len(parts)} parts)", font_size=TYPE.label, color=th.muted, theme=th
            )
            lines.add(VGroup(name, words).arrange(RIGHT, buff=0.4))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        slots = VGroup(*[_cells(1, th.x, th, size=0.7) for _ in range(4)]).arrange(RIGHT, buff=0.2)
        fixed = VGroup(slots, _box("DCL", th)).arrange(RIGHT, buff=1.1)
        fixed.add(
            arrow(slots.get_right() + RIGHT * 0.08, fixed[1].get_left() + LEFT * 0.08, th.text)
        )
        caption = label(
            "a DCL has exactly 4 input slots: 3 parts leave a hole, 5 do not fit",
            font_size=TYPE.label,
            color=th.muted,
            theme=th,
        )
        fixed_group = VGroup(fixed, caption).arrange(DOWN, buff=0.35)
        first = VGroup(lines, fixed_group).arrange(DOWN, buff=0.9)
        fit_to_zone(first, strip=False, max_scale=1.3, min_scale=1.0)
        self.play(FadeIn(title), LaggedStart(*[FadeIn(ln) for ln in lines], lag_ratio=0.3))
        self.play(FadeIn(fixed_group))

        self.step(
            "Second, order. Give each word a vector and take 'cat cat dog' and 'dog cat cat'. "
            "These are the same three vectors in two orders."
        )
        # Two columns (one per sentence) and a middle lane for each row's sign; each row's
        # name sits above its left glyph.
        lane = 1.0
        side = (right - left - lane) / 2
        centres = (left + side / 2, right - side / 2)
        words = VGroup()
        for k in range(2):
            vecs = VGroup(
                *[
                    VGroup(
                        VectorGlyph(v, quantity="x", theme=th),
                        label(w, font_size=TYPE.label, theme=th),
                    ).arrange(DOWN, buff=0.1)
                    for w, v in zip(ex.words[k], ex.vectors[k], strict=True)
                ]
            ).arrange(RIGHT, buff=0.3)
            vecs.move_to([centres[k], 0, 0]).align_to([0, top, 0], UP)
            words.add(vecs)
        self.words = words
        self.play(FadeOut(lines), FadeOut(fixed_group), FadeIn(words))
        self.wait(0.2)  # the video's last frame shows the settled state, not a fading ghost

        rows_top = words.get_bottom()[1] - 0.2
        row_gap = (rows_top - bottom) / 3
        self.glyphs: dict[str, list[VectorGlyph]] = {"bag": [], "dcl": [], "rnn": []}
        self.notes_shown: list[str] = []
        self.class_tags: dict[str, list[list[str]]] = {}  # row -> the names under each glyph

        def row(key: str, values, quantity: str, text: str, notes: str, same: bool) -> None:
            self.step(notes)
            level = rows_top - row_gap * ({"bag": 0, "dcl": 1, "rnn": 2}[key] + 0.5)
            # As many cells as the column's width holds; the rest named in a note.
            probe = VectorGlyph(values[0], quantity=quantity, theme=th, direction="row")
            cell_w = probe.cells[0].width
            most = max(2, int((side - 0.2) // cell_w))
            glyphs = [
                VectorGlyph(
                    values[k], quantity=quantity, theme=th, direction="row", max_cells=most
                ).move_to([centres[k], level, 0])
                for k in range(2)
            ]
            name = label(text, font_size=TYPE.note, color=th.muted, theme=th)
            name.next_to(glyphs[0], UP, buff=0.1).align_to(glyphs[0], LEFT)
            sign = math(
                "=" if same else "!=",
                font_size=TYPE.symbol * 1.6,
                theme=th,
                color=th.text if same else th.y,
            ).move_to([0, level, 0])
            parts = [name, sign, *glyphs]
            if quantity == "o" and ex.classes:
                # The trained order RNN's classes under its probabilities: the answer reads
                # on screen ("dog" for both bags), not only in the notes.
                self.class_tags[key] = []
                for glyph in glyphs:
                    tags = [
                        label(cls, font_size=TYPE.note, color=th.muted, theme=th).next_to(
                            cell, DOWN, buff=0.08
                        )
                        for cell, cls in zip(glyph.cells, ex.classes, strict=False)
                    ]
                    self.class_tags[key].append([t.text for t in tags])
                    parts.extend(tags)
            if glyphs[0].truncated:
                note = label(glyphs[0].note, font_size=TYPE.note, color=th.muted, theme=th)
                note.next_to(glyphs[1], DOWN, buff=0.08).align_to(glyphs[1], RIGHT)
                self.notes_shown.append(glyphs[0].note)
                parts.append(note)
            self.glyphs[key] = glyphs
            self.play(*[FadeIn(p) for p in parts])

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
            "the class probabilities of the network, one step, no recurrence."
            + order_note(ex, "dcl"),
            True,
        )
        row(
            "rnn",
            ex.rnn,
            "o",
            "simple RNN",
            "The simple RNN reads the words one at a time and carries a state; after the last "
            "word its outputs differ, because the order differs. This is what sequence data "
            "needs." + order_note(ex, "rnn"),
            False,
        )


SCENES = [
    NetworksAsMappings,
    WhyNotDCL,
    SequenceData,
    RNNTaskTypes,
    SpeechCTCScene,
    BidirectionalNER,
    ImageCaptioning,
    SemanticMap,
]
