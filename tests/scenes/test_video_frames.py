"""The video agrees with the scene: for every step of every scene, the last frame the step's
video shows equals the scene's state at the end of the step (what a still shows), up to
anti-aliasing. A missing or extra glyph, a copy left behind by a transform, an edge in a
different place are reported with their boxes in scene units.

The frames come from the shared build (``built_scenes``): animations play through manim's
real path, drawing only the last frame each animation's video would show at 15 fps (the
deck's ``-q l``), so a step's last drawn frame is the last frame of its video; a slow test
checks that against the last frame decoded from real per-step videos written by
manim-slides. Scenes are checked at the default config, in the dark theme and at the largest
model sizes (``tests.conftest.check_configs``); known failures are listed in
``tests/scenes/test_all_scenes.py::KNOWN_BROKEN``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from manim import DEGREES, UP, FadeIn, FadeOut, ReplacementTransform, Transform
from manim_slides import ThreeDSlide

from scenes.kit.base import LectureSlide
from scenes.kit.components import VectorGlyph, label
from scenes.kit.config import SceneConfig
from scenes.kit.lint import FrameDifference, frame_differences
from tests.conftest import VIDEO_FPS, build_scene
from tests.scenes.test_all_scenes import scene_config_params


def _describe(step: int, diffs: list[FrameDifference], shape) -> str:
    boxes = ", ".join(f"{d.scene_box(shape)} ({d.pixels} px)" for d in diffs[:4])
    return f"step {step}: video differs from the scene at {boxes}"


def video_disagreements(scene) -> list[str]:
    """One line per step whose last video frame differs from the scene's state."""
    out = []
    for step in scene.steps:
        assert step.frame is not None and step.video_frame is not None, "frames not recorded"
        diffs = frame_differences(step.frame, step.video_frame)
        if diffs:
            out.append(_describe(step.index, diffs, step.frame.shape))
    return out


@pytest.mark.parametrize(("info", "config"), scene_config_params("video"))
def test_video_agrees_with_the_scene(built_scenes, info, config) -> None:
    scene = built_scenes(info.cls, config=config)
    problems = video_disagreements(scene)
    assert not problems, f"{info.id} at config {config!r}:\n" + "\n".join(problems)


# Fixture scenes -----------------------------------------------------------------------------
class _Titled3D(LectureSlide, ThreeDSlide):
    """A 3-D scene with a title fixed in the frame, as the cliff scene had. Its steps end on
    the animation's last frame (no settling frame after it), where the defect shows."""

    settle_steps = False

    def title_mob(self, text: str):
        title = label(text, font_size=40).to_edge(UP, buff=0.25)
        self.add_fixed_in_frame_mobjects(title)
        self.remove(title)
        return title

    def open(self):
        self.set_camera_orientation(phi=60 * DEGREES, theta=-60 * DEGREES)
        title = self.title_mob("A cliff in the loss landscape")
        self.step("A title fixed in the frame of a 3-D scene.")
        self.play(FadeIn(title))
        return title


class TitleLeftBehind(_Titled3D):
    """The old gradient-clipping defect: a transform between two fixed-in-frame titles with
    different numbers of letters. manim pads the shorter one with copies that are not fixed
    in the frame, so every frame of the animation draws them through the 3-D camera, away
    from the title; the scene's final state (the new title) is whole."""

    scene_id = "fixture-title-left-behind"

    def construct(self) -> None:
        title = self.open()
        self.step("Retitled with a transform: letters are left behind in the video.")
        self.play(ReplacementTransform(title, self.title_mob("Norm clipping vs value clipping")))


class TitleSwapped(_Titled3D):
    """The same retitling done right: fade one title out and the other in."""

    scene_id = "fixture-title-swapped"

    def construct(self) -> None:
        title = self.open()
        self.step("Retitled by fading: the video ends on the whole title.")
        new = self.title_mob("Norm clipping vs value clipping")
        self.play(FadeOut(title), FadeIn(new))


class Moving2D(LectureSlide):
    """Ordinary animations (smooth moves, transforms of text, value changes) end where the
    scene ends: the check must not flag them."""

    scene_id = "fixture-moving"

    def construct(self) -> None:
        self.step("A title moves across; a glyph fades in.")
        title = label("Forget gate", font_size=40).to_edge(UP).shift(5 * np.array([-1, 0, 0]))
        glyph = VectorGlyph([0.1, -0.4, 0.8], font_size=24)
        self.play(FadeIn(title), FadeIn(glyph))
        self.play(title.animate.to_edge(UP), run_time=1.0)
        self.step("The title is rewritten; the glyph's values change.")
        self.play(Transform(title, label("Input gate", font_size=40).to_edge(UP)))
        self.play(glyph.animate_values([0.9, 0.3, -0.7]))


def _build_frames(cls):
    return build_scene(
        cls.configured(
            SceneConfig(), record_frames=True, last_frame_fps=VIDEO_FPS, write_slides=False
        ),
        skip_animations=False,
    )


def test_letters_left_behind_by_a_transform_are_caught(tiny_render) -> None:
    scene = _build_frames(TitleLeftBehind)
    assert frame_differences(scene.steps[0].frame, scene.steps[0].video_frame) == []
    diffs = frame_differences(scene.steps[1].frame, scene.steps[1].video_frame)
    assert diffs, "the letters missing from the video's title must be found"
    # The title's letters are missing: at least one blob in the title band (top 12%).
    h = scene.steps[1].frame.shape[0]
    assert any(d.box[3] < 0.12 * h for d in diffs), [d.box for d in diffs]


def test_a_correct_retitling_passes(tiny_render) -> None:
    assert video_disagreements(_build_frames(TitleSwapped)) == []


def test_ordinary_animations_pass(tiny_render) -> None:
    assert video_disagreements(_build_frames(Moving2D)) == []


# The comparison itself ---------------------------------------------------------------------------
def _canvas(h: int = 72, w: int = 128) -> np.ndarray:
    return np.full((h, w, 3), 255, dtype=np.uint8)


def _bar(img: np.ndarray, x0: float, x1: float, y0: int, y1: int) -> np.ndarray:
    """A dark bar with anti-aliased (fractional) left and right edges."""
    out = img.astype(float)
    for x in range(img.shape[1]):
        cover = np.clip(min(x + 1, x1) - max(x, x0), 0.0, 1.0)
        out[y0:y1, x] = out[y0:y1, x] * (1 - cover) + 20 * cover
    return out.round().astype(np.uint8)


def test_subpixel_shift_is_not_a_difference() -> None:
    a = _bar(_canvas(), 20.0, 60.0, 10, 30)
    b = _bar(_canvas(), 20.6, 60.6, 10, 30)
    assert frame_differences(a, b) == []


def test_missing_glyph_and_shifted_edge_are_found() -> None:
    a = _bar(_bar(_canvas(), 20.0, 60.0, 10, 30), 80.0, 84.0, 40, 46)  # a bar and a "glyph"
    missing = _bar(_canvas(), 20.0, 60.0, 10, 30)
    (d,) = frame_differences(a, missing)
    assert d.box == (80, 40, 83, 45) and d.pixels == 24
    shifted = _bar(_bar(_canvas(), 23.0, 63.0, 10, 30), 80.0, 84.0, 40, 46)
    boxes = sorted(d.box for d in frame_differences(a, shifted))
    # Both edges moved by 3 px: one blob at each, the height of the bar.
    assert len(boxes) == 2, boxes
    (l0, t0, r0, b0), (l1, t1, r1, b1) = boxes
    assert 19 <= l0 <= r0 <= 23 and 59 <= l1 <= r1 <= 63
    assert (t0, b0) == (t1, b1) == (10, 29)


def test_difference_boxes_in_scene_units() -> None:
    d = FrameDifference((0, 0, 255, 143), 10, 200)
    x0, y0, x1, y1 = d.scene_box((144, 256, 3))
    assert (x0, x1) == pytest.approx((-7.11, 7.11), abs=0.01)
    assert (y0, y1) == pytest.approx((-4.0, 4.0), abs=0.01)


@pytest.mark.slow
def test_last_drawn_frame_is_the_last_frame_of_the_step_video(tmp_path: Path) -> None:
    """The shortcut the check relies on: the frame drawn last in a step, with only each
    animation's last frame drawn, is the last frame of that step's video as manim-slides
    writes it (decoded with PyAV; video coding blurs colours a little, so the comparison
    uses a looser colour threshold)."""
    import av
    from manim import tempconfig

    from tests.conftest import TINY

    settings = {
        **TINY,
        "frame_rate": VIDEO_FPS,
        "media_dir": str(tmp_path / "media"),
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "ERROR",
    }
    with tempconfig({**settings, "write_to_movie": True}):
        cls = Moving2D.configured(SceneConfig(), record_frames=True)
        video = cls(output_folder=tmp_path / "slides", skip_animations=False)
        video.render()
    with tempconfig({**settings, "write_to_movie": False}):
        quick = _build_frames(Moving2D)
    files = sorted((tmp_path / "slides" / "files" / "Moving2D").glob("*.mp4"))
    files = [f for f in files if "reversed" not in f.name]
    assert len(files) == len(video.steps) == len(quick.steps)
    for path, full, step in zip(files, video.steps, quick.steps, strict=True):
        with av.open(str(path)) as container:
            last = None
            for frame in container.decode(video=0):
                last = frame.to_ndarray(format="rgb24")
        assert last is not None
        # Drawing every frame or only the last one gives the same last frame ...
        assert frame_differences(full.video_frame, step.video_frame) == []
        # ... and that is the last frame of the step's video file.
        assert frame_differences(step.video_frame, last, threshold=96) == [], path.name
