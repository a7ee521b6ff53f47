"""Checks every registered scene passes, whoever wrote it: it builds, every click step has
speaker notes, nothing leaves the frame, the last frame is a drawing in the theme's colours,
and the registry metadata a lecturer sees in `rnn-slides list` is filled in."""

from __future__ import annotations

import re

import numpy as np
import pytest

from scenes.kit.theme import get_theme
from scenes.registry import all_scenes, lecture_titles

SCENES = all_scenes()


def test_registry_metadata() -> None:
    ids = [info.id for info in SCENES]
    assert len(ids) == len(set(ids)), "scene ids must be unique"
    names = [info.cls.__name__ for info in SCENES]
    assert len(names) == len(set(names)), "class names must be unique (manim-slides keys)"
    titles = lecture_titles()
    for info in SCENES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", info.id), info.id
        assert info.title and info.lecture in titles


@pytest.mark.parametrize("info", SCENES, ids=lambda i: i.id)
def test_scene_builds_with_notes_inside_the_frame(built_scenes, info) -> None:
    scene = built_scenes(info.cls)
    assert scene.steps, "a scene has at least one click step"
    for step in scene.steps:
        assert len(step.notes.strip()) > 20, f"step {step.index} needs speaker notes"
        assert step.out_of_frame == [], f"step {step.index}: {step.out_of_frame[:3]}"
    frame = np.asarray(scene.renderer.get_frame())[..., :3].astype(float)
    background = np.array(
        [int(get_theme("light").background[k : k + 2], 16) for k in (1, 3, 5)], dtype=float
    )
    drawn = np.abs(frame - background).sum(axis=-1) > 30
    assert drawn.mean() > 0.01, "the last frame is (nearly) blank"
