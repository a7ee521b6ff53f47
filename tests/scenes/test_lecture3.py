"""Lecture 3: the history timeline has the lecture's events at the right years, in order."""

from __future__ import annotations

import pytest

from scenes import lecture3_history as l3
from slidebuild.registry import all_scenes


def test_lecture_3_registers_the_timeline():
    assert [i.id for i in all_scenes() if i.lecture == 3] == ["history-timeline"]


def test_dates_are_the_lectures():
    years = {e.name: e.year for e in l3.EVENTS}
    assert years["Mark I Perceptron"] == 1958
    assert years["Neocognitron"] == 1980
    assert years["CNN reads digits"] == 1989
    assert years["LSTM"] == 1997
    assert years["Deep pre-training"] == 2006
    assert years["Neural translation"] == 2014
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


def _label_boxes(tl) -> dict[str, tuple[float, float, float, float]]:
    boxes = {}
    for event in l3.EVENTS:
        text = tl.labels[event.year]
        (x0, y0, _), (x1, y1, _) = text.get_corner([-1, -1, 0]), text.get_corner([1, 1, 0])
        boxes[f"label {event.year}"] = (x0, y0, x1, y1)
    for name, winter in tl.winters.items():
        (x0, y0, _), (x1, y1, _) = (
            winter.text.get_corner([-1, -1, 0]),
            winter.text.get_corner([1, 1, 0]),
        )
        boxes[name] = (x0, y0, x1, y1)
    for year in tl.years:
        (x0, y0, _), (x1, y1, _) = year.get_corner([-1, -1, 0]), year.get_corner([1, 1, 0])
        boxes[f"tick {year.text}"] = (x0, y0, x1, y1)
    return boxes


def test_no_leader_line_runs_through_a_label(scene):
    """The last step once had '2014 Neural machine translation' sitting on the 2001 line."""
    tl = scene.timeline
    boxes = _label_boxes(tl)
    for event in l3.EVENTS:
        stem = tl.marks[event.year][0]
        x = stem.get_start()[0]
        lo, hi = sorted((stem.get_start()[1], stem.get_end()[1]))
        for name, (x0, y0, x1, y1) in boxes.items():
            if name == f"label {event.year}":
                continue
            crosses = x0 < x < x1 and lo < y1 - 1e-6 and y0 + 1e-6 < hi
            assert not crosses, f"the {event.year} leader line runs through {name}"


def test_each_leader_line_reaches_its_label(scene):
    tl = scene.timeline
    for event in l3.EVENTS:
        stem, text = tl.marks[event.year][0], tl.labels[event.year]
        end = stem.get_end()
        assert text.get_left()[0] - 0.1 <= end[0] <= text.get_right()[0] + 0.1
        edge = text.get_bottom()[1] if end[1] > tl.y else text.get_top()[1]
        assert abs(end[1] - edge) < 0.1, event.year


def test_timeline_uses_the_frame(scene):
    """The figure fills the slide: labels span most of the width and height below the title."""
    everything = [
        *scene.timeline.labels.values(),
        *[w.text for w in scene.timeline.winters.values()],
    ]
    top = max(m.get_top()[1] for m in everything)
    bottom = min(m.get_bottom()[1] for m in everything)
    assert top - bottom > 5.5
    assert scene.timeline.axis.get_length() > 12.5
