"""The layout lint catches what makes a slide unreadable, and only that: fixture scenes with
two labels on top of each other, a number outside its cell, a tiny label, a wire through
text, value boxes that grow over their labels; a clean scene passes. Plus ``rnn-slides
check``: its table and its exit code."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, FadeIn, Line, Transform, VGroup

from scenes.kit.base import LectureSlide
from scenes.kit.components import VectorGlyph, Wire, label, math
from scenes.kit.lint import declare_contains, format_table, lint_ignore, lint_mobjects
from tests.conftest import build_scene


class _Fixture(LectureSlide):
    lint_layout = True

    def problems(self) -> list:
        return [p for step in self.steps for p in step.layout]


class TwoLabels(_Fixture):
    scene_id = "fixture-two-labels"

    def construct(self) -> None:
        self.step("Two labels drawn on top of each other.")
        self.add(label("Forget gate", font_size=28).move_to(ORIGIN))
        self.play(FadeIn(label("Input gate", font_size=28).move_to(RIGHT * 0.3 + UP * 0.05)))


class NumberOutsideCell(_Fixture):
    scene_id = "fixture-number-outside-cell"

    def construct(self) -> None:
        self.step("A value glyph whose second number slid out of its cell.")
        glyph = VectorGlyph([0.5, -0.25, 0.75], font_size=24)
        self.add(glyph)
        glyph.numbers[1].shift(RIGHT * 0.5)
        self.wait(0.1)


class TinyLabel(_Fixture):
    scene_id = "fixture-tiny-label"

    def construct(self) -> None:
        self.step("A label too small to read from the back of a room.")
        self.add(label("Cell state", font_size=10).to_edge(UP))
        self.add(label("Readable", font_size=28))
        self.wait(0.1)


class WireThroughText(_Fixture):
    scene_id = "fixture-wire-through-text"

    def construct(self) -> None:
        self.step("A wire drawn straight through a label.")
        self.add(label("Output gate", font_size=28))
        self.add(Wire([LEFT * 3, RIGHT * 3]))
        self.wait(0.1)


class GrownCells(_Fixture):
    """The old lstm-gate-extremes defect: new cells built at the glyph's unscaled size and
    transformed into place grow over the label beside them."""

    scene_id = "fixture-grown-cells"

    def construct(self) -> None:
        self.step("A glyph drawn at 60% next to its label.")
        glyph = VectorGlyph([0.1, 0.2, 0.3], font_size=36).scale(0.6)
        name = math("bold(c)^(t-1)", font_size=32).next_to(glyph, RIGHT, buff=0.08)
        self.add(glyph, name)
        self.wait(0.1)
        self.step("New values: cells rebuilt at full size and transformed onto the old ones.")
        big = VectorGlyph([0.9, 0.8, 0.7], font_size=36).move_to(glyph)
        self.play(Transform(glyph.cells, big.cells), Transform(glyph.numbers, big.numbers))


class Clean(_Fixture):
    scene_id = "fixture-clean"

    def construct(self) -> None:
        self.step("Everything readable, apart, inside the frame.")
        title = label("A clean slide", font_size=40).to_edge(UP)
        glyph = VectorGlyph([0.12, -0.5, 0.98], label="bold(x)^t", font_size=24)
        name = label("input", font_size=28).next_to(glyph, DOWN, buff=0.3)
        wire = Wire([glyph.get_right() + RIGHT * 0.1, glyph.get_right() + RIGHT * 2.5])
        # A wire ending next to a label is fine.
        target = label("gate", font_size=28).next_to(wire, RIGHT, buff=0.05)
        self.add(title, glyph, name, wire, target)
        self.wait(0.1)
        self.step("Values change in place; a label fades out where another comes.")
        self.play(glyph.animate_values([0.3, 0.2, -0.1]))
        gone = label("old", font_size=28).move_to(DOWN * 2.5)
        self.add(gone)
        gone.set_opacity(0.0)  # invisible: it does not count
        self.add(label("new", font_size=28).move_to(DOWN * 2.5))
        self.wait(0.1)


class DissolvedGlyph(_Fixture):
    """manim takes a component apart when one of its parts is removed and added on its own;
    the lint still knows which number belongs to which cell."""

    scene_id = "fixture-dissolved-glyph"

    def construct(self) -> None:
        self.step("A glyph, then one of its numbers removed and added back alone.")
        glyph = VectorGlyph([0.5, -0.25, 0.75], font_size=24)
        self.add(glyph)
        self.remove(glyph.numbers[0])
        self.add(glyph.numbers[0])
        self.wait(0.1)
        self.step("That number now slides out of its cell.")
        glyph.numbers[0].shift(LEFT * 0.6)
        self.wait(0.1)


def _problems(cls) -> list:
    scene = build_scene(cls)
    return scene.problems()


def _kinds(problems) -> set[str]:
    return {p.kind for p in problems}


def test_two_labels_on_top_of_each_other(tiny_render) -> None:
    problems = _problems(TwoLabels)
    assert _kinds(problems) == {"overlap"}
    (p,) = problems
    assert {'"Forget gate"', '"Input gate"'} == set(p.parts)
    assert (p.scene, p.step) == ("fixture-two-labels", 1)


def test_number_outside_its_cell(tiny_render) -> None:
    problems = _problems(NumberOutsideCell)
    outside = [p for p in problems if p.kind == "outside cell"]
    assert len(outside) == 1
    assert outside[0].parts[0].startswith('"−0.25"'), outside[0].parts
    assert "cells[1]" in outside[0].parts[1]
    # The stray number now also covers the next cell: that is reported as well.
    assert _kinds(problems) <= {"outside cell", "overlap"}


def test_tiny_label(tiny_render) -> None:
    problems = _problems(TinyLabel)
    assert [(p.kind, p.parts) for p in problems] == [("too small", ('"Cell state"',))]


def test_wire_through_text(tiny_render) -> None:
    problems = _problems(WireThroughText)
    assert [(p.kind, p.parts[1]) for p in problems] == [("wire through text", '"Output gate"')]


def test_cells_grown_over_their_label(tiny_render) -> None:
    problems = _problems(GrownCells)
    assert all(p.step == 2 for p in problems), problems
    overlaps = [p for p in problems if p.kind == "overlap"]
    assert overlaps and any("$bold(c)^(t-1)$" in " ".join(p.parts) for p in overlaps)


def test_clean_scene_passes(tiny_render) -> None:
    assert _problems(Clean) == []


def test_dissolved_component_keeps_its_cells(tiny_render) -> None:
    scene = build_scene(DissolvedGlyph)
    assert scene.steps[0].layout == []  # number and its cell are one element
    kinds = _kinds(scene.steps[1].layout)
    assert "outside cell" in kinds


def test_declared_containment_and_opt_out() -> None:
    box = VectorGlyph([0.5]).cells[0]
    inside = label("0.5", font_size=24).move_to(box)
    other = label("0.5", font_size=24).move_to(box)
    # Undeclared: a label on a bare rectangle is fine (the box is not readable), two labels
    # on each other are not.
    assert [p.kind for p in lint_mobjects([box, inside, other])] == ["overlap"]
    declare_contains(box, inside)
    assert [p.kind for p in lint_mobjects([box, inside, other])] == ["overlap"]
    lint_ignore(other, "overlap")
    assert lint_mobjects([box, inside, other]) == []
    assert lint_mobjects([box, inside]) == []
    inside.shift(RIGHT * 0.5)
    assert [p.kind for p in lint_mobjects([box, inside])] == ["outside cell"]
    with pytest.raises(ValueError, match="unknown lint kinds"):
        lint_ignore(other, "overlaps")


def test_axes_and_invisible_parts_do_not_count() -> None:
    text = label("Loss", font_size=28)
    line = Line(LEFT * 2, RIGHT * 2)
    assert [p.kind for p in lint_mobjects([text, line])] == ["wire through text"]
    line.set_stroke(opacity=0.0)
    assert lint_mobjects([text, line]) == []
    tiny = label("x", font_size=8).set_opacity(0.02)
    assert lint_mobjects([VGroup(tiny)]) == []


def test_table_merges_steps() -> None:
    from scenes.kit.lint import Problem

    rows = [Problem("overlap", ('"a"', '"b"'), scene="s", step=k) for k in (1, 2, 3, 5)]
    table = format_table(rows).splitlines()
    assert table[0].split() == ["scene", "step", "problem", "parts"]
    assert table[1].split()[:3] == ["s", "1-3,5", "overlap"]
    assert len(table) == 2


def test_check_command_table_and_exit_code(tmp_path, monkeypatch) -> None:
    import render

    class Info:
        def __init__(self, cls) -> None:
            self.cls, self.id, self.lecture = cls, cls.scene_id, 4

    chosen: list = []
    monkeypatch.setattr(render, "_select", lambda ids, lecture, all_: chosen)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    chosen[:] = [Info(Clean)]
    ok = runner.invoke(render.cli, ["check", "fixture-clean"])
    assert ok.exit_code == 0, ok.output
    assert "no layout problems" in ok.output
    chosen[:] = [Info(Clean), Info(WireThroughText)]
    bad = runner.invoke(render.cli, ["check", "fixture-clean", "fixture-wire-through-text"])
    assert bad.exit_code == 1, bad.output
    lines = [line for line in bad.output.splitlines() if "wire through text" in line]
    assert len(lines) == 1 and lines[0].split()[:2] == ["fixture-wire-through-text", "1"]
    assert '"Output gate"' in lines[0]


def test_cell_numbers_measured_on_digits() -> None:
    # A lowercase-only word is measured on its x-height scaled to a cap height, so "tanh"
    # and "Tanh" at the same size get (about) the same verdict.
    from scenes.kit.lint import MIN_CAP_FRACTION

    for size in (14, 22):
        verdicts = {
            word: bool(lint_mobjects([label(word, font_size=size)]))
            for word in ("tanh", "Tanh", "0.25")
        }
        assert len(set(verdicts.values())) == 1, (size, verdicts, MIN_CAP_FRACTION)
    assert np.isclose(MIN_CAP_FRACTION, 0.02)
