"""The layout lint's "uninformative values" rule: a figure of errors or gradients whose
numbers mostly print as 0.00 says nothing. A fixture trips it; true zeros (a one-hot
input), forward values and the kit's magnitude figures do not; and it catches the
``errors-through-time`` of commit 982ca56, whose trained story showed the recall's error
as 3 x 3 matrices that printed 32 zeros of 36 (rebuilt here as it drew them)."""

from __future__ import annotations

import numpy as np
from manim import LEFT, RIGHT

from scenes.kit.base import LectureSlide
from scenes.kit.components import VectorGlyph
from scenes.kit.config import SceneConfig
from scenes.kit.diagrams import MatrixGlyph, step_palette
from scenes.kit.lint import lint_ignore, prints_as_zero, uninformative_values
from scenes.kit.magnitudes import LogStrip, SciMatrix, percent_text, sci_text
from scenes.kit.theme import get_theme
from scenes.lesson_data import lstm_errors_through_time
from tests.conftest import build_scene


class TinyErrors(LectureSlide):
    scene_id = "fixture-tiny-errors"
    lint_layout = True

    def construct(self) -> None:
        th = self.theme
        self.step("Deltas that round to zero, drawn as numbers.")
        self.add(VectorGlyph([2e-4, -3e-5, 0.31, 1e-3], quantity="error", theme=th))
        self.wait(0.1)
        self.step("The same sizes as they read, and values whose zeros are true or forward.")
        self.clear()
        self.add(SciMatrix(np.array([[2e-4, -3e-5], [0.31, 1e-3]]), colour=th.error, theme=th))
        self.add(VectorGlyph([0.0, 0.0, 1.0, 0.0], quantity="error", theme=th).shift(LEFT * 4))
        self.add(VectorGlyph([0.001, 0.002, 0.003], quantity="i", theme=th).shift(RIGHT * 4))
        self.wait(0.1)


def test_fixture_trips_the_rule_and_its_remedy_passes(tiny_render) -> None:
    scene = build_scene(TinyErrors)
    problems = [p for step in scene.steps for p in step.layout]
    assert [(p.kind, p.step) for p in problems] == [("uninformative values", 1)]
    assert problems[0].detail.startswith("3 of 4 numbers print as zero")


def test_what_prints_as_zero() -> None:
    assert all(prints_as_zero(s) for s in ("0.00", "-0.00", "\u22120.00", "0", "0 %"))
    assert not any(prints_as_zero(s) for s in ("0.01", "2.5·10⁻⁴", "0.024 %", "1"))
    assert sci_text(-0.000231) == "\u22122.3·10⁻⁴" and sci_text(0.0) == "0"
    assert sci_text(9.97e-3) == "1.0·10⁻²" and sci_text(1.5) == "1.5"
    assert percent_text(0.98991) == "99.0 %" and percent_text(0.00024) == "0.024 %"
    glyph = MatrixGlyph(np.full((2, 2), 1e-4))
    assert len(uninformative_values([glyph])) == 1
    assert uninformative_values([lint_ignore(glyph, "uninformative values")]) == []


def test_rule_catches_the_errors_through_time_of_982ca56() -> None:
    """Commit 982ca56 drew the trained story's shares as MatrixGlyphs (3 x 3, one per
    step, a common shading scale): at its last step 32 of its 36 shown numbers printed as
    0.00. Its frames, rebuilt the way it built them, trip the rule; the strip that replaces
    them does not."""
    th = get_theme("light")
    data = lstm_errors_through_time(SceneConfig(), "W_z")
    T = data.contributions.shape[0]
    colours = step_palette(th, T)
    common = float(np.max(np.abs(data.contributions)))
    old = [
        MatrixGlyph(
            data.contributions[s][:3, :3],
            label_expr=data.share_label.format(t=s + 1),
            color=colours[s],
            theme=th,
            vmax=common,
        )
        for s in range(T)
    ]
    zeros = sum(prints_as_zero(v) for f in old for row in f.displayed for v in row)
    assert zeros >= 0.75 * 9 * T
    flagged = uninformative_values(old, error_colour=th.error)
    assert len(flagged) >= T - 1  # every frame but the store step's
    new = LogStrip(
        data.shares,
        [percent_text(v) for v in data.shares],
        [f"t = {k + 1}" for k in range(T)],
        colour=th.error,
        caption="share",
        theme=th,
    )
    assert uninformative_values([new], error_colour=th.error) == []
