"""LectureSlide.dim / undim: a step's context fades to CONTEXT_OPACITY of its own opacity
(every part keeps its share: a pale cell stays paler) and comes back exactly."""

from __future__ import annotations

import numpy as np
import pytest
from manim import FadeIn, Transform

from scenes.kit.base import CONTEXT_OPACITY, LectureSlide
from scenes.kit.components import VectorGlyph
from scenes.kit.config import SceneConfig
from tests.conftest import build_scene


def _opacities(mob) -> np.ndarray:
    return np.array(
        [(m.get_fill_opacity(), m.get_stroke_opacity()) for m in mob.get_family() if m.has_points()]
    )


class DimAndBack(LectureSlide):
    scene_id = "dim-and-back"
    title = "dim"

    def construct(self) -> None:
        self.glyph = VectorGlyph([0.9, -0.1, 0.4], theme=self.theme)
        self.step("A glyph at full strength: the step's new thing.")
        self.play(FadeIn(self.glyph))
        self.before = _opacities(self.glyph)
        self.step("The glyph is context now: dimmed, and dimming twice changes nothing.")
        self.play(*self.dim(self.glyph))
        assert self.dim(self.glyph) == []
        self.dimmed = _opacities(self.glyph)
        self.step("Back at full strength for the sum.")
        self.play(*self.undim(self.glyph))
        assert self.undim(self.glyph) == []
        self.after = _opacities(self.glyph)


@pytest.mark.parametrize("skip", [True, False], ids=["still", "animated"])
def test_dim_keeps_each_parts_share_and_undim_restores_it(tiny_render, skip: bool) -> None:
    cls = DimAndBack.configured(SceneConfig(), write_slides=False)
    scene = build_scene(cls, skip_animations=skip)
    assert scene.before.max() == pytest.approx(1.0)
    assert scene.before.min() < 1.0, "the cells' shading is partly transparent"
    np.testing.assert_allclose(scene.dimmed, scene.before * CONTEXT_OPACITY, atol=1e-9)
    np.testing.assert_allclose(scene.after, scene.before, atol=1e-9)


class DimChangeUndim(LectureSlide):
    scene_id = "dim-change-undim"
    title = "dim"

    def construct(self) -> None:
        self.glyph = VectorGlyph([0.9, -0.1, 0.4], theme=self.theme)
        fresh = VectorGlyph([0.2, 0.3, -0.4], theme=self.theme)
        self.step("A glyph, dimmed as context.")
        self.play(FadeIn(self.glyph))
        self.play(*self.dim(self.glyph))
        self.step("New values arrive at full strength while it is dimmed; then it is undimmed.")
        self.play(Transform(self.glyph, fresh))
        self.changed = _opacities(self.glyph)
        self.play(*self.undim(self.glyph))
        self.after = _opacities(self.glyph)


def test_undim_never_overshoots_full_strength(tiny_render) -> None:
    scene = build_scene(DimChangeUndim.configured(SceneConfig(), write_slides=False))
    assert scene.changed.max() == pytest.approx(1.0)
    np.testing.assert_allclose(scene.after, scene.changed, atol=1e-9)
