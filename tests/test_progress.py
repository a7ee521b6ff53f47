"""The render progress moves during a scene: workers report each click step they start."""

from __future__ import annotations

import time
from pathlib import Path

from manim import Circle, FadeIn

from scenes.kit import LectureSlide
from slidebuild import engine
from tests.conftest import build_scene


class _ThreeSteps(LectureSlide):
    scene_id = "three-steps"
    title = "Three steps"
    description = "A circle, three times."

    def construct(self) -> None:
        for k in range(3):
            self.step(f"Step {k + 1}: a circle fades in, so this step has something to show.")
            self.play(FadeIn(Circle(radius=0.5 + k)))


class _ListQueue(list):
    def put(self, item) -> None:
        self.append(item)


def test_workers_report_every_step_they_start(tiny_render: Path) -> None:
    reported = _ListQueue()
    build_scene(engine._reporting_steps(_ThreeSteps, reported, "three-steps"))
    assert reported == [("three-steps", 1), ("three-steps", 2), ("three-steps", 3)]


def test_the_progress_line_shows_scene_and_step() -> None:
    class _Progress:
        def __init__(self) -> None:
            self.descriptions: list[str] = []

        def update(self, _task, description: str) -> None:
            self.descriptions.append(description)

    progress = _Progress()
    with engine._step_progress(progress, {"scenes": 0}, {"lstm-circuit": 10}) as queue:
        queue.put(("lstm-circuit", 3))
        queue.put(("why-not-dcl", 2))
        deadline = time.monotonic() + 10
        while len(progress.descriptions) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert progress.descriptions == ["lstm-circuit: step 3/10", "why-not-dcl: step 2"]
