"""The scene kit's base: themes resolved at call time, step bookkeeping, stills, registry."""

from __future__ import annotations

import re

import numpy as np
import pytest
from manim import RIGHT, Create, FadeIn, Square

from scenes.kit import LIGHT, LectureSlide, SceneConfig, current_theme, get_theme, use_theme
from scenes.kit.theme import set_theme
from tests.conftest import build_scene


class _TwoSteps(LectureSlide):
    scene_id = "two-steps"
    title = "Two steps"
    description = "A square, then it walks off screen."

    def construct(self) -> None:
        square = Square(color=self.theme.c, fill_opacity=1.0, fill_color=self.theme.c)
        self.step("A square appears.")
        self.play(Create(square))
        self.step("It walks off to the right.")
        self.play(square.animate.shift(RIGHT * 8))


class _Centered(LectureSlide):
    scene_id = "centered"
    title = "Centered"
    description = "A filled square in the middle."

    def construct(self) -> None:
        self.step("A filled square in the cell colour.")
        self.play(FadeIn(Square(side_length=4, fill_opacity=1.0, fill_color=self.theme.c)))


def _hex_to_rgb(color: str) -> np.ndarray:
    return np.array([int(color[k : k + 2], 16) for k in (1, 3, 5)])


def test_unknown_theme_names_the_valid_ones():
    with pytest.raises(ValueError, match="unknown theme 'sepia'; choose one of: light, dark"):
        get_theme("sepia")


def test_use_theme_is_resolved_at_call_time_and_restored():
    set_theme("light")
    assert current_theme() is LIGHT
    with use_theme("dark") as dark:
        assert current_theme() is dark
        assert dark.background != LIGHT.background
    assert current_theme() is LIGHT


def test_shade_sign_picks_hue_and_magnitude_picks_opacity():
    theme = get_theme("light")
    pos_color, strong = theme.shade(0.9)
    neg_color, weak = theme.shade(-0.1)
    assert pos_color == theme.pos and neg_color == theme.neg
    assert strong > weak
    assert theme.shade(5.0) == theme.shade(1.0)  # saturates at vmax


def test_steps_record_notes_and_what_left_the_frame(tiny_render):
    scene = build_scene(_TwoSteps)
    assert [s.notes for s in scene.steps] == ["A square appears.", "It walks off to the right."]
    assert scene.steps[0].out_of_frame == []
    assert scene.steps[1].out_of_frame, "a square moved 8 units right must be reported"


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_theme_colours_reach_the_pixels(tiny_render, theme_name):
    theme = get_theme(theme_name)
    scene = build_scene(_Centered.configured(SceneConfig(theme=theme_name)))
    frame = scene.renderer.get_frame()  # (H, W, 4)
    corner = frame[2, 2, :3].astype(int)
    centre = frame[frame.shape[0] // 2, frame.shape[1] // 2, :3].astype(int)
    assert np.abs(corner - _hex_to_rgb(theme.background)).max() <= 2
    assert np.abs(centre - _hex_to_rgb(theme.c)).max() <= 2


def test_capture_step_returns_that_steps_last_frame_and_stops(tiny_render):
    cls = _TwoSteps.configured(SceneConfig(), capture_step=1)
    scene = build_scene(cls)
    assert scene.captured_frame is not None
    assert len(scene.steps) == 1  # stopped before step 2 began
    assert _TwoSteps.capture_step is None, "configured() must not touch the original class"


def test_registry_ids_are_unique_kebab_case_with_titles():
    from slidebuild.registry import all_scenes, lecture_titles

    infos = all_scenes()
    ids = [info.id for info in infos]
    assert len(ids) == len(set(ids))
    for info in infos:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", info.id), info.id
        assert info.title and info.description, info.id
        assert info.lecture in lecture_titles()
    lectures = [info.lecture for info in infos]
    assert lectures == sorted(lectures), "scenes are listed in lecture order"


def test_unknown_scene_id_suggests_the_closest():
    from slidebuild.registry import all_scenes, get_scene

    if not all_scenes():
        pytest.skip("no lecture modules registered yet")
    real = all_scenes()[0].id
    with pytest.raises(KeyError, match=re.escape(f"did you mean {real!r}")):
        get_scene(real[:-1] + "x")
