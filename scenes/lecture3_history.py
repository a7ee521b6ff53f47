"""Lecture 3: a brief history of neural nets, everything you should know before learning LSTM.

One scene: a timeline from the Mark I Perceptron to the Transformer, with the two AI
winters shaded, built up era by era in the order the lecture tells it. The events and
their years are data (:data:`EVENTS`, :data:`WINTERS`), so tests check them and the
drawing places every mark at its year.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    LaggedStart,
    Line,
    ManimColor,
    Rectangle,
    VGroup,
)

from scenes.kit.base import LectureSlide
from scenes.kit.components import label

__all__ = ["Event", "Winter", "EVENTS", "WINTERS", "ERAS", "Timeline", "HistoryTimeline", "SCENES"]

LECTURE = 3
LECTURE_TITLE = "A brief history of neural nets: everything you should know before learning LSTM"


@dataclass(frozen=True)
class Event:
    """One mark on the timeline: its year, a short name, who, and the era it belongs to.

    ``level`` is the label's height above (positive) or below (negative) the axis, in
    label rows, chosen so that neighbouring labels never collide.
    """

    year: int
    name: str
    who: str
    era: str
    level: int


@dataclass(frozen=True)
class Winter:
    """A shaded span of the timeline: an AI winter and its cause."""

    start: int
    end: int
    name: str
    cause: str
    era: str


# Years as the lecture (and the standard references) give them.
EVENTS: tuple[Event, ...] = (
    Event(1958, "Mark I Perceptron", "Rosenblatt", "first", 1),
    Event(1969, "Perceptrons: linear only", "Minsky & Papert", "first", -1),
    Event(1980, "Neocognitron", "Fukushima", "second", 1),
    Event(1986, "Backpropagation", "Rumelhart, Hinton, Williams", "second", -2),
    Event(1989, "CNN reads digits", "LeCun, Bell Labs", "second", 2),
    Event(1997, "LSTM", "Hochreiter & Schmidhuber", "lstm", 1),
    Event(2001, "Programmable GPU", "GeForce3, Xbox", "gpu", -3),
    Event(2006, "Deep belief net pre-training", "Hinton", "dawn", 3),
    Event(2014, "Neural machine translation", "seq2seq RNNs", "third", -1),
    Event(2017, "Transformer", "Vaswani et al.", "third", 2),
)

WINTERS: tuple[Winter, ...] = (
    Winter(1974, 1980, "first AI winter", "perceptrons criticised", "first"),
    Winter(1990, 2006, "second AI winter", "vanishing / exploding gradients", "second"),
)

# The order the lecture tells the story in, and each step's speaker notes.
ERAS: tuple[tuple[str, str], ...] = (
    (
        "first",
        "The first AI boom: Rosenblatt's perceptron, built as the Mark I Perceptron with a "
        "20 by 20 array of photocells. Minsky showed perceptrons only separate linearly "
        "separable data; budgets were cut and AI research entered its first winter.",
    ),
    (
        "second",
        "The second boom: Fukushima's Neocognitron (1980), the origin of CNNs; back "
        "propagation; LeCun's CNN reading handwritten digits at AT&T Bell Labs (1989). At the "
        "start of the 1990s the second winter came, partly from vanishing/exploding gradients.",
    ),
    (
        "lstm",
        "LSTM was proposed in 1997, in the middle of the second winter, as an RNN that "
        "tackles the vanishing gradient problem. It took some 20 years to get attention.",
    ),
    (
        "gpu",
        "Meanwhile video games drove massively parallel linear algebra: the programmable "
        "NV20 GPU (GeForce3, in the Xbox) opened GPUs to uses beyond graphics.",
    ),
    (
        "dawn",
        "2006: Hinton's layer-by-layer pre-training of deep belief networks tackled "
        "vanishing gradients, 'the dawn of deep learning' and the start of the third boom.",
    ),
    (
        "third",
        "The third boom: neural machine translation with RNNs around 2014, and the "
        "Transformer in 2017.",
    ),
)

FIRST_YEAR, LAST_YEAR = 1955, 2020
TICK_EVERY = 10
NAME_SIZE = 19
WHO_SIZE = 15
ROW = 0.78  # vertical distance between label rows


class Timeline(VGroup):
    """An axis of years with event marks and shaded winters.

    Parts: ``axis``, ``ticks``, ``years``; ``marks`` and ``labels`` keyed by event year;
    ``winters`` keyed by winter name. :meth:`x_of` maps a year to the scene x coordinate.
    """

    def __init__(self, theme, *, width: float = 13.0, y: float = -0.2) -> None:
        super().__init__()
        self.theme = theme
        self.span = width
        self.y = y
        left, right = self.x_of(FIRST_YEAR), self.x_of(LAST_YEAR)
        self.axis = Line([left, y, 0], [right, y, 0], color=ManimColor(theme.muted), stroke_width=3)
        self.ticks, self.years = VGroup(), VGroup()
        for year in range(1960, LAST_YEAR + 1, TICK_EVERY):
            x = self.x_of(year)
            self.ticks.add(Line([x, y - 0.08, 0], [x, y + 0.08, 0], color=ManimColor(theme.muted)))
            self.years.add(
                label(str(year), font_size=14, color=theme.muted, theme=theme).move_to(
                    [x, y - 0.25, 0]
                )
            )
        self.winters = {w.name: self._winter(w) for w in WINTERS}
        self.marks, self.labels = {}, {}
        for event in EVENTS:
            self.marks[event.year], self.labels[event.year] = self._event(event)
        self.add(self.axis, self.ticks, self.years)

    def x_of(self, year: float) -> float:
        """The x coordinate of ``year`` on the axis."""
        return (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR) * self.span - self.span / 2

    def _winter(self, winter: Winter) -> VGroup:
        th = self.theme
        x0, x1 = self.x_of(winter.start), self.x_of(winter.end)
        band = Rectangle(width=x1 - x0, height=0.34, stroke_width=0)
        band.set_fill(ManimColor(th.neg), opacity=0.35)
        band.move_to([(x0 + x1) / 2, self.y, 0])
        text = VGroup(
            label(winter.name, font_size=WHO_SIZE, color=th.neg, theme=th),
            label(winter.cause, font_size=WHO_SIZE - 2, color=th.neg, theme=th),
        ).arrange(DOWN, buff=0.05)
        text.move_to([max((x0 + x1) / 2, x0 + text.width / 2), self.y - 0.62, 0])
        # Opaque behind the text and drawn above later event stems that cross it.
        text.add_background_rectangle(color=ManimColor(th.background), opacity=1.0, buff=0.04)
        text.set_z_index(2)
        group = VGroup(band, text)
        group.band, group.text = band, text
        return group

    def _event(self, event: Event) -> tuple[VGroup, VGroup]:
        th = self.theme
        x = self.x_of(event.year)
        colour = th.c if event.era in ("lstm",) else th.text
        top = self.y + event.level * ROW + (0.15 if event.level > 0 else -0.15)
        stem = Line([x, self.y, 0], [x, top, 0], color=ManimColor(th.muted), stroke_width=1.5)
        dot = Rectangle(width=0.09, height=0.09, stroke_width=0).set_fill(ManimColor(colour), 1)
        dot.move_to([x, self.y, 0])
        text = VGroup(
            label(f"{event.year}  {event.name}", font_size=NAME_SIZE, color=colour, theme=th),
            label(event.who, font_size=WHO_SIZE, color=th.muted, theme=th),
        ).arrange(DOWN, buff=0.05, aligned_edge=LEFT)
        text.next_to([x, top, 0], UP if event.level > 0 else DOWN, buff=0.05)
        text.shift(RIGHT * (text.width / 2 - 0.05))
        # Keep labels inside the axis span: the last ones hang to the left of their stem.
        overflow = text.get_right()[0] - self.x_of(LAST_YEAR)
        if overflow > 0:
            text.shift(LEFT * overflow)
        return VGroup(stem, dot), text


class HistoryTimeline(LectureSlide):
    """The history of neural nets from the perceptron to the Transformer, era by era."""

    scene_id = "history-timeline"
    title = "A brief history of neural nets"
    description = "Perceptron, two AI winters, backprop and CNNs, LSTM 1997, GPUs, 2006, NMT."

    def construct(self) -> None:
        th = self.theme
        timeline = Timeline(th)
        self.timeline = timeline
        self.shown_years: list[int] = []
        title = label("A brief history of neural nets", font_size=34, theme=th)
        title.to_edge(UP, buff=0.25)
        for k, (era, notes) in enumerate(ERAS):
            self.step(notes)
            anims = []
            if k == 0:
                self.play(
                    FadeIn(title),
                    Create(timeline.axis),
                    FadeIn(timeline.ticks),
                    FadeIn(timeline.years),
                )
            for winter in WINTERS:
                if winter.era == era:
                    anims.append(FadeIn(timeline.winters[winter.name]))
            events = [e for e in EVENTS if e.era == era]
            for event in events:
                anims.append(
                    FadeIn(
                        VGroup(timeline.marks[event.year], timeline.labels[event.year]),
                        shift=UP * 0.1,
                    )
                )
                self.shown_years.append(event.year)
            self.play(LaggedStart(*anims, lag_ratio=0.3))


SCENES = [HistoryTimeline]
