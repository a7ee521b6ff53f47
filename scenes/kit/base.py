"""The base class of every lecture scene: a manim-slides ``Slide`` with theme, config,
speaker notes, and the bookkeeping tests and ``render.py`` rely on.

A scene opens each click step with :meth:`LectureSlide.step` (which calls
``next_slide(notes=...)``: manim-slides attaches notes to the slide that *starts*).
At the end of every step the base class records which mobjects stick out of the frame,
and it can capture the frame at the end of a chosen step for stills.

Example
-------
>>> class Hello(LectureSlide):
...     scene_id = "hello"
...     title = "Hello"
...     description = "A square."
...     def construct(self):
...         self.step("A square appears.")
...         self.play(Create(Square(color=self.theme.c)))
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from manim import UP, Animation, ManimColor, Mobject, Transform, VGroup, config
from manim.utils.exceptions import EndSceneEarlyException
from manim_slides import Slide
from tqdm import tqdm

from . import (
    fastcopy,  # noqa: F401  (cheaper copies of typeset mobjects)
    fastdraw,  # noqa: F401  (unchanged outlines reuse their cairo path)
)
from .components import label
from .config import SceneConfig
from .lint import Problem, lint_mobjects, out_of_frame, tag_parts
from .theme import TYPE, Theme, get_theme, set_theme

__all__ = ["CONTEXT_OPACITY", "LectureSlide", "StepRecord", "out_of_frame"]

# How much of its opacity the context of a step keeps when the step's new thing appears
# (3Blue1Brown fades context to about 40% rather than removing it; STYLE.md).
CONTEXT_OPACITY = 0.4


@dataclass
class StepRecord:
    """What happened in one click step: its notes and what stuck out of the frame at its end."""

    index: int  # 1-based, as lecturers count slides
    notes: str
    out_of_frame: list[str] = field(default_factory=list)
    # Layout problems at the end of the step (scenes.kit.lint), when the scene is linted.
    layout: list[Problem] = field(default_factory=list)
    # When the scene records frames, (H, W, 3) uint8: the scene's state at the end of the
    # step (what a still shows), and, when animations play, the last frame drawn in the step
    # (what the step's video shows last).
    frame: np.ndarray | None = field(default=None, repr=False)
    video_frame: np.ndarray | None = field(default=None, repr=False)
    # Seconds into the scene's video where the step starts and ends (the renderer's clock,
    # which counts the frames written): captions and narration are placed by them.
    start: float = 0.0
    end: float = 0.0


class LectureSlide(Slide):
    """Base class of every lecture scene.

    Class attributes set by subclasses: ``scene_id`` (stable kebab-case id), ``title``,
    ``description`` (one line). ``lecture`` comes from the module's ``LECTURE`` constant
    through the registry. ``scene_config`` is replaced by ``render.py`` (see
    :meth:`configured`). ``capture_step`` asks for the frame at the end of that step.
    """

    scene_id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    lecture: ClassVar[int] = 0
    # hold each step's final state for one frame before the next step (see _settle): the
    # step video then ends on the frame its vector resting frame draws, and a PDF or PPTX
    # deck (which shows the last frame) shows the finished step
    settle_steps: ClassVar[bool] = True
    scene_config: ClassVar[SceneConfig] = SceneConfig()
    capture_step: ClassVar[int | None] = None
    # Run the layout lint at the end of every step (``rnn-slides check`` and the tests do).
    lint_layout: ClassVar[bool] = False
    # Keep the frame at the end of every step in ``steps[k].frame`` (the frame checks do).
    record_frames: ClassVar[bool] = False
    # When set (and animations are not skipped), each animation draws only the last frame a
    # video at this frame rate would show (at t = the last multiple of 1/fps before its end):
    # the real animation path, without paying for every frame.
    last_frame_fps: ClassVar[float | None] = None
    # Write manim-slides' slide files at the end. Builds that only look at the scene (checks,
    # stills) turn it off: with animations really skipped there are no videos to collect.
    write_slides: ClassVar[bool] = True
    # Reversed clips are only for stepping backwards in manim-slides' own player; decks
    # (HTML, PPTX, PDF) never use them, and they double the render time.
    skip_reversing: ClassVar[bool] = True
    # Seconds each step lasts at least, by step (from 1): its narration and a pause
    # (slidebuild.narration). A step that ends sooner holds its last frame until then.
    narration_hold: ClassVar[tuple[float, ...]] = ()

    theme: Theme

    @classmethod
    def configured(
        cls,
        scene_config: SceneConfig,
        *,
        capture_step: int | None = None,
        lint: bool | None = None,
        record_frames: bool | None = None,
        last_frame_fps: float | None = None,
        write_slides: bool | None = None,
        narration_hold: tuple[float, ...] | None = None,
    ) -> type[LectureSlide]:
        """A subclass of this scene bound to ``scene_config`` (the class itself is untouched);
        ``lint`` turns the layout lint at the end of each step on or off, ``record_frames``
        keeps each step's last frame, ``last_frame_fps`` draws only each animation's last
        video frame, ``write_slides`` writes manim-slides' files, ``narration_hold`` the
        least length of each step (see the class attributes).

        To build with animations skipped, pass ``skip_animations=True`` to the constructor
        (setting ``renderer.skip_animations`` afterwards is undone by the first ``play``)
        and ``write_slides=False`` here."""
        return type(
            cls.__name__,
            (cls,),
            {
                "scene_config": scene_config,
                "capture_step": capture_step,
                "lint_layout": cls.lint_layout if lint is None else lint,
                "record_frames": cls.record_frames if record_frames is None else record_frames,
                "last_frame_fps": last_frame_fps or cls.last_frame_fps,
                "write_slides": cls.write_slides if write_slides is None else write_slides,
                "narration_hold": cls.narration_hold
                if narration_hold is None
                else tuple(narration_hold),
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
            },
        )

    def setup(self) -> None:
        super().setup()
        self.theme = get_theme(self.scene_config.theme)
        set_theme(self.theme.name)  # components built without an explicit theme use it
        self.camera.background_color = ManimColor(self.theme.background)
        self.steps: list[StepRecord] = []
        # id of a mobject faded by dim() -> (the mobject, kept so its id stays its own while
        # it is recorded; its parts' opacities before)
        self._dimmed: dict[int, tuple[Mobject, dict[int, tuple[np.ndarray, ...]]]] = {}
        self.captured_frame: np.ndarray | None = None

    def add(self, *mobjects: Mobject) -> LectureSlide:
        # Components are whole when they are first added; manim may later dissolve them into
        # loose groups, so the lint notes their cells and part names now.
        if self.lint_layout:
            tag_parts(mobjects, scene=self)
        return super().add(*mobjects)

    def _save_slides(self, *args: Any, **kwargs: Any) -> None:
        if self.write_slides:
            super()._save_slides(*args, **kwargs)

    def get_time_progression(self, run_time: float, *args: Any, **kwargs: Any) -> Any:
        progression = super().get_time_progression(run_time, *args, **kwargs)
        fps = self.last_frame_fps
        if fps and not self.renderer.skip_animations and not kwargs.get("n_iterations"):
            times = np.arange(0, run_time, 1 / fps)
            if len(times):
                progression.close()
                return tqdm([float(times[-1])], disable=True)
        return progression

    def _state_frame(self) -> np.ndarray:
        """The scene as it stands, drawn on a fresh copy of the camera (a still of this
        moment). Drawing reads the mobjects and never changes them, so no copy of them is
        needed; the camera is copied so the frame the renderer keeps is left as it was (the
        frame checks must not change what they check)."""
        live = self.renderer.camera
        extra = [m for m in self.foreground_mobjects if m not in self.mobjects]
        mobjects = [*self.mobjects, *extra]
        camera = copy.copy(live)
        camera.pixel_array_to_cairo_context = {}
        camera.pixel_array = np.array(live.pixel_array)
        camera.reset()
        camera.capture_mobjects(mobjects)
        return np.array(camera.pixel_array)

    # Context and focus --------------------------------------------------------------------
    _ALPHAS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")

    @classmethod
    def _alphas(cls, mob: Mobject) -> dict[int, tuple[np.ndarray, ...]]:
        """Each part's opacities (fill, stroke, background stroke), by part id."""
        return {
            id(part): tuple(
                np.array(getattr(part, name, np.zeros((0, 4))))[:, 3] for name in cls._ALPHAS
            )
            for part in mob.get_family()
        }

    def dim(self, *mobjects: Mobject, run_time: float = 0.6) -> list[Animation]:
        """Animations that fade ``mobjects`` to :data:`CONTEXT_OPACITY` of their opacity: the
        context of the step's new thing stays on screen, dimmer, so the new thing is the
        brightest (3Blue1Brown's way, STYLE.md). Every part keeps its share of its own
        opacity (a pale cell stays paler than a strong one). A mobject already dimmed is
        left as it is; :meth:`undim` brings it back."""
        anims = []
        for mob in mobjects:
            if id(mob) not in self._dimmed:
                self._dimmed[id(mob)] = (mob, self._alphas(mob))
                anims.append(mob.animate(run_time=run_time).fade(1.0 - CONTEXT_OPACITY))
        return anims

    def undim(self, *mobjects: Mobject, run_time: float = 0.6) -> list[Animation]:
        """Animations that bring the dimmed ones of ``mobjects`` back to the opacities they
        had. A part changed since it was dimmed (say, transformed into new values at full
        strength) keeps what it has now."""
        anims = []
        for mob in mobjects:
            recorded = self._dimmed.pop(id(mob), None)
            if recorded is None:
                continue
            before = recorded[1]
            target = mob.copy()
            for live, part in zip(mob.get_family(), target.get_family(), strict=True):
                old = before.get(id(live))
                if old is None:
                    continue
                for name, alphas in zip(self._ALPHAS, old, strict=True):
                    rgbas = getattr(part, name, None)
                    if not isinstance(rgbas, np.ndarray) or rgbas.shape[:1] != alphas.shape:
                        continue
                    if np.allclose(rgbas[:, 3], alphas * CONTEXT_OPACITY, atol=1e-9):
                        rgbas[:, 3] = alphas  # still as dim() left it
            anims.append(Transform(mob, target, run_time=run_time))
        return anims

    def focus(self, parts: dict[str, Mobject], keep: Iterable[str]) -> list[Animation]:
        """Animations that bring the ``parts`` named in ``keep`` to full strength and dim the
        others: the columns a step computes from stay bright, the rest are context."""
        keep = set(keep)
        return [
            *self.undim(*[m for k, m in parts.items() if k in keep]),
            *self.dim(*[m for k, m in parts.items() if k not in keep]),
        ]

    # Click steps ---------------------------------------------------------------------------
    def slide_title(self, text: str, font_size: float = TYPE.title) -> VGroup:
        """The slide's title in the theme, at the top of the frame (the title zone every
        slide shares), at the deck's title size unless a lecture sets its own."""
        title = label(text, font_size=font_size, theme=self.theme)
        return title.to_edge(UP, buff=TYPE.title_buff)

    def step(self, notes: str) -> None:
        """Start a new click step; ``notes`` are its speaker notes."""
        if self.steps:
            self._settle()
            self._hold_for_narration()
            self._finish_step()
        self.steps.append(StepRecord(index=len(self.steps) + 1, notes=notes.strip()))
        self.next_slide(notes=notes)
        self.steps[-1].start = self.renderer.time

    def tear_down(self) -> None:
        if self.steps:
            self._settle()
            self._hold_for_narration()
            self._finish_step(stop_early=False)
        super().tear_down()

    def _settle(self) -> None:
        """With ``settle_steps``, hold the step's final state for one frame: an animation
        writes its last frame just before its end (at run_time - 1/fps), where a lagged or
        growing animation is not quite complete, and that frame is the one a deck shows."""
        if self.settle_steps and not self.renderer.skip_animations:
            # (skipped, the wait would draw nothing, yet leave manim's static background
            # behind, which the final frame of a still would then be drawn over twice)
            self.wait(1 / config.frame_rate)

    def _hold_for_narration(self) -> None:
        """Hold the step's last frame until its narration (and a pause) has finished."""
        record = self.steps[-1]
        hold = self.narration_hold
        need = hold[record.index - 1] if record.index <= len(hold) else 0.0
        if need <= 0 or self.renderer.skip_animations:
            return
        fps = self.camera.frame_rate
        frames = math.ceil((need - (self.renderer.time - record.start)) * fps - 1e-6)
        if frames > 0:
            self.wait((frames + 0.5) / fps)  # manim writes int(duration * fps) frames

    def _finish_step(self, *, stop_early: bool = True) -> None:
        record = self.steps[-1]
        record.end = self.renderer.time
        record.out_of_frame = [
            f"{type(m).__name__} at {np.round(m.get_center(), 2).tolist()}"
            for m in out_of_frame(self.mobjects)
        ]
        if self.lint_layout:
            record.layout = [
                Problem(p.kind, p.parts, p.detail, scene=self.scene_id, step=record.index)
                for p in lint_mobjects(self.mobjects, scene=self)
            ]
        if self.record_frames:
            # The scene's state, drawn from copies by a fresh camera (drawing the live scene
            # can leave state behind); and, when animations play, the last frame drawn.
            record.frame = self._state_frame()[..., :3]
            if not self.renderer.skip_animations:
                record.video_frame = np.array(self.renderer.get_frame())[..., :3]
        if self.capture_step is not None and record.index == self.capture_step:
            self.renderer.update_frame(self, ignore_skipping=True)
            self.captured_frame = np.array(self.renderer.get_frame())
            if stop_early:
                raise EndSceneEarlyException()
