"""Lecture 1: prerequisites for understanding RNN at a more mathematical level.

Neural networks as mappings (a dense layer, a CNN, an RNN); why densely connected layers
do not suit sequences (fixed input size, and order: a bag of word vectors cannot tell
"cat cat dog" from "dog cat cat", a simple RNN can; both computed); sequence data (a
4-dimensional weather record every ten minutes, a sentence as time steps); and the types
of RNN tasks.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import (
    DOWN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    LaggedStart,
    VGroup,
)

from scenes.kit.base import LectureSlide
from scenes.kit.components import label
from scenes.kit.network import TaskDiagram

__all__ = [
    "TaskType",
    "TASK_TYPES",
    "FORECAST_HOURS",
    "SAMPLES_PER_HOUR",
    "RNNTaskTypes",
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


SCENES = [RNNTaskTypes]
