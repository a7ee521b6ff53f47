"""Lecture 3: a brief history of neural nets, everything you should know before learning LSTM.

One scene: a timeline from the Mark I Perceptron to the Transformer, with the two AI
winters shaded, built up era by era in the order the lecture tells it. The events and
their years are data (:data:`EVENTS`, :data:`WINTERS`), so tests check them and the
drawing places every mark at its year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    UP,
    UR,
    Create,
    FadeIn,
    LaggedStart,
    Line,
    ManimColor,
    Rectangle,
    VGroup,
    VMobject,
)

from scenes.kit.base import LectureSlide
from scenes.kit.components import label
from scenes.kit.diagrams import figure_zone
from scenes.kit.theme import TYPE

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
    Event(1969, "Perceptrons", "Minsky & Papert: linear only", "first", -1),
    Event(1980, "Neocognitron", "Fukushima", "second", 1),
    Event(1986, "Backpropagation", "Rumelhart et al.", "second", -2),
    Event(1989, "CNN reads digits", "LeCun, Bell Labs", "second", 2),
    Event(1997, "LSTM", "Hochreiter & Schmidhuber", "lstm", 1),
    Event(2001, "Programmable GPU", "GeForce3, Xbox", "gpu", -3),
    Event(2006, "Deep pre-training", "Hinton: deep belief nets", "dawn", 3),
    Event(2014, "Neural translation", "seq2seq RNNs", "third", -1),
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
NAME_SIZE = TYPE.note
WHO_SIZE = TYPE.note
ROW = 0.75  # vertical distance between label rows (a two-line label is 0.66 high)
LEVELS = 4  # label rows on each side of the axis
CLEARANCE = 0.06  # the least gap between a label and any other label or leader line


def _box(mob: VMobject, pad: float = 0.0) -> np.ndarray:
    """(x0, y0, x1, y1) of a mobject's bounding box, grown by ``pad``."""
    (x0, y0, _), (x1, y1, _) = mob.get_corner(DL), mob.get_corner(UR)
    return np.array([x0 - pad, y0 - pad, x1 + pad, y1 + pad])


def _boxes_meet(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def _stem_meets(x: float, y0: float, y1: float, box: np.ndarray) -> bool:
    """Whether the vertical segment at ``x`` from ``y0`` to ``y1`` enters ``box``."""
    lo, hi = min(y0, y1), max(y0, y1)
    return bool(box[0] < x < box[2] and lo < box[3] and box[1] < hi)


class Timeline(VGroup):
    """An axis of years with event marks and shaded winters.

    Parts: ``axis``, ``ticks``, ``years``; ``marks`` and ``labels`` keyed by event year;
    ``winters`` keyed by winter name; ``levels`` the label row each event got.
    :meth:`x_of` maps a year to the scene x coordinate.

    Labels are placed, in the order of the years, on the nearest free row (the event's
    ``level`` first), hanging right of their leader line or, where that is taken, left of
    it: no label touches another label, a winter's caption or another event's leader line.
    """

    def __init__(self, theme, *, width: float | None = None, y: float | None = None) -> None:
        super().__init__()
        self.theme = theme
        left, right, bottom, top = figure_zone(strip=False)
        # the last year's label is centred on the axis's end: half of it must fit too
        end_label = label(str(LAST_YEAR), font_size=TYPE.note, theme=theme).width
        self.span = width if width is not None else right - left - 0.2 - end_label
        self.y = y if y is not None else (bottom + top) / 2 - 0.15
        y = self.y
        lo, hi = self.x_of(FIRST_YEAR), self.x_of(LAST_YEAR)
        self.axis = Line([lo, y, 0], [hi, y, 0], color=ManimColor(theme.muted), stroke_width=3)
        self.ticks, self.years = VGroup(), VGroup()
        for year in range(1960, LAST_YEAR + 1, TICK_EVERY):
            x = self.x_of(year)
            self.ticks.add(Line([x, y - 0.08, 0], [x, y + 0.08, 0], color=ManimColor(theme.muted)))
            self.years.add(
                label(str(year), font_size=TYPE.note, color=theme.muted, theme=theme)
                .move_to([x, 0, 0])
                .align_to([0, y - 0.14, 0], UP)
            )
        self.winters = {w.name: self._winter(w) for w in WINTERS}
        self.marks, self.labels, self.levels = {}, {}, {}
        self._place_events()
        self.add(self.axis, self.ticks, self.years)

    def x_of(self, year: float) -> float:
        """The x coordinate of ``year`` on the axis."""
        return (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR) * self.span - self.span / 2

    def _row_edge(self, level: int) -> float:
        """The y of a label row's edge nearest the axis (its bottom above, top below)."""
        if level > 0:
            return self.y + 0.3 + (level - 1) * ROW
        return self.y - 0.42 - (-level - 1) * ROW

    def _winter(self, winter: Winter) -> VGroup:
        th = self.theme
        x0, x1 = self.x_of(winter.start), self.x_of(winter.end)
        band = Rectangle(width=x1 - x0, height=0.34, stroke_width=0)
        band.set_fill(ManimColor(th.neg), opacity=0.35)
        band.move_to([(x0 + x1) / 2, self.y, 0])
        text = VGroup(
            label(winter.name, font_size=WHO_SIZE, color=th.neg, theme=th),
            label(winter.cause, font_size=WHO_SIZE, color=th.neg, theme=th),
        ).arrange(DOWN, buff=0.05)
        # The captions take the outermost row below the axis: no leader line reaches past
        # them, so they never block an event's label.
        text.next_to([(x0 + x1) / 2, self._row_edge(-LEVELS), 0], DOWN, buff=0.0)
        group = VGroup(band, text)
        group.band, group.text = band, text
        return group

    def _event_text(self, event: Event, colour: str) -> VGroup:
        th = self.theme
        return VGroup(
            label(f"{event.year}  {event.name}", font_size=NAME_SIZE, color=colour, theme=th),
            label(event.who, font_size=WHO_SIZE, color=th.muted, theme=th),
        ).arrange(DOWN, buff=0.05, aligned_edge=LEFT)

    def _winter_options(self, winter: Winter, text: VGroup) -> list[tuple[float, np.ndarray]]:
        """Where a winter's caption may go (its x, and its box): centred under the band,
        starting at the band's start, or ending at the band's end; inside the axis span."""
        x0, x1 = self.x_of(winter.start), self.x_of(winter.end)
        half, w = self.span / 2, text.width
        options = []
        for cx in ((x0 + x1) / 2, x0 + w / 2, x1 - w / 2):
            cx = min(max(cx, -half + w / 2), half - w / 2)
            text.set_x(cx)
            options.append((cx, _box(text, CLEARANCE / 2)))
        return options

    def _event_options(self, event: Event, text: VGroup) -> list[tuple[int, float, np.ndarray]]:
        """Where an event's label may go: (row, x, box), nearest its preferred row first,
        hanging right of the leader line before hanging left of it."""
        x = self.x_of(event.year)
        half = self.span / 2
        sides = [lv for d in range(1, LEVELS + 1) for lv in (d, -d)]
        order = sorted(sides, key=lambda lv: (abs(lv - event.level), -lv * event.level))
        options = []
        for level in order:
            edge = self._row_edge(level)
            text.next_to([x, edge, 0], UP if level > 0 else DOWN, buff=0.0)
            for sign in (1, -1):
                text.set_x(x + sign * (text.width / 2 - 0.05))
                box = _box(text, CLEARANCE / 2)
                if -half - 0.3 <= box[0] and box[2] <= half + 0.3:
                    options.append((level, text.get_x(), box))
        return options

    def _place_events(self) -> None:
        """Search (depth first, in the order of the years) for label places where no label
        touches another label or caption and no leader line enters a label or caption."""
        th = self.theme
        colours = {e.year: th.c if e.era in ("lstm",) else th.text for e in EVENTS}
        texts = {e.year: self._event_text(e, colours[e.year]) for e in EVENTS}
        winter_opts = [self._winter_options(w, self.winters[w.name].text) for w in WINTERS]
        event_opts = [self._event_options(e, texts[e.year]) for e in EVENTS]
        # The years under the axis are text too: no leader line runs through them.
        year_boxes = [_box(year, CLEARANCE / 2) for year in self.years]

        def stem_end(level: int, box: np.ndarray) -> float:
            # The leader line stops at the label's edge nearest the axis.
            return box[1] + CLEARANCE / 2 if level > 0 else box[3] - CLEARANCE / 2

        def stem_start(x: float, level: int) -> float:
            # A leader line going down starts under the year written at its x, if any.
            under = [b[1] for b in year_boxes if level < 0 and b[0] < x < b[2]]
            return min(under, default=self.y)

        def fits_event(k: int, option, boxes, stems) -> bool:
            level, _, box = option
            x = self.x_of(EVENTS[k].year)
            start, end = stem_start(x, level), stem_end(level, box)
            return (
                not any(_boxes_meet(box, b) for b in boxes)
                and not any(_stem_meets(sx, y0, y1, box) for sx, y0, y1 in stems)
                and not any(_stem_meets(x, start, end, b) for b in [*boxes, *year_boxes])
            )

        def search_events(k: int, boxes, stems, chosen):
            if k == len(EVENTS):
                return chosen
            for option in event_opts[k]:
                if fits_event(k, option, boxes, stems):
                    level, _, box = option
                    x = self.x_of(EVENTS[k].year)
                    found = search_events(
                        k + 1,
                        [*boxes, box],
                        [*stems, (x, stem_start(x, level), stem_end(level, box))],
                        [*chosen, option],
                    )
                    if found is not None:
                        return found
            return None

        def search_winters(k: int, boxes, chosen):
            if k == len(WINTERS):
                events = search_events(0, boxes, [], [])
                return None if events is None else (chosen, events)
            for cx, box in winter_opts[k]:
                if not any(_boxes_meet(box, b) for b in boxes):
                    found = search_winters(k + 1, [*boxes, box], [*chosen, cx])
                    if found is not None:
                        return found
            return None

        found = search_winters(0, [], [])
        if found is None:
            raise ValueError("the timeline labels do not fit: fewer events or shorter names")
        for winter, cx in zip(WINTERS, found[0], strict=True):
            self.winters[winter.name].text.set_x(cx)
        for event, (level, cx, box) in zip(EVENTS, found[1], strict=True):
            x = self.x_of(event.year)
            text = texts[event.year]
            edge = self._row_edge(level)
            text.next_to([x, edge, 0], UP if level > 0 else DOWN, buff=0.0).set_x(cx)
            self.levels[event.year] = level
            end = stem_end(level, box)
            start = stem_start(x, level)
            stem = Line([x, start, 0], [x, end, 0], color=ManimColor(th.muted), stroke_width=2)
            dot = Rectangle(width=0.1, height=0.1, stroke_width=0)
            dot.set_fill(ManimColor(colours[event.year]), 1).move_to([x, self.y, 0])
            self.marks[event.year], self.labels[event.year] = VGroup(stem, dot), text


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
        title = self.slide_title("A brief history of neural nets")
        seen_eras: set = set()
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
            # Earlier eras are context now: their labels and winters dim (the LSTM, the
            # subject of the course, stays bright), so the new era is the brightest.
            anims += self.dim(
                *[
                    timeline.labels[e.year]
                    for e in EVENTS
                    if e.year in self.shown_years and e.era != "lstm"
                ]
                + [timeline.winters[w.name] for w in WINTERS if w.era in seen_eras],
            )
            seen_eras.add(era)
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
