"""Lecture 3: the history timeline has the lecture's events at the right years, in order."""

from __future__ import annotations

import pytest

from scenes import lecture3_history as l3
from scenes.registry import all_scenes


def test_lecture_3_registers_the_timeline():
    assert [i.id for i in all_scenes() if i.lecture == 3] == ["history-timeline"]


def test_dates_are_the_lectures():
    years = {e.name: e.year for e in l3.EVENTS}
    assert years["Mark I Perceptron"] == 1958
    assert years["Neocognitron"] == 1980
    assert years["CNN reads digits"] == 1989
    assert years["LSTM"] == 1997
    assert years["Deep belief net pre-training"] == 2006
    assert years["Neural machine translation"] == 2014
    assert years["Transformer"] == 2017
    assert [e.year for e in l3.EVENTS] == sorted(e.year for e in l3.EVENTS)
    second = next(w for w in l3.WINTERS if w.name == "second AI winter")
    assert second.start == 1990 and second.end == 2006  # early 1990s until pre-training
    assert "vanishing" in second.cause


@pytest.fixture(scope="module")
def scene(request):
    built = request.getfixturevalue("built_scenes")
    return built(l3.HistoryTimeline)


def test_every_event_shown_once_at_its_year(scene):
    assert scene.shown_years == [e.year for e in l3.EVENTS]
    tl = scene.timeline
    for event in l3.EVENTS:
        stem, _ = tl.marks[event.year]
        assert stem.get_start()[0] == pytest.approx(tl.x_of(event.year))
        assert tl.labels[event.year] in scene.get_mobject_family_members()


def test_steps_have_notes_and_stay_in_frame(scene):
    assert len(scene.steps) == len(l3.ERAS)
    for step in scene.steps:
        assert len(step.notes) > 40 and step.out_of_frame == []


def test_labels_do_not_overlap(scene):
    boxes = []
    for text in scene.timeline.labels.values():
        (x0, y0, _), (x1, y1, _) = text.get_corner([-1, -1, 0]), text.get_corner([1, 1, 0])
        boxes.append((x0, y0, x1, y1))
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            p, q = boxes[a], boxes[b]
            apart = p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1]
            assert apart, (l3.EVENTS[a].name, l3.EVENTS[b].name)
