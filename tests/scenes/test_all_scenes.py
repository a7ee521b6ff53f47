"""Checks every registered scene passes, whoever wrote it: it builds, every click step has
speaker notes, nothing leaves the frame, the last frame is a drawing in the theme's colours,
the registry metadata a lecturer sees in `rnn-slides list` is filled in, and the layout lint
(scenes/kit/lint.py) finds nothing at the end of any step, at the default config, in the dark
theme and at the largest model sizes a config allows (with and without peepholes)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from scenes.kit.lint import format_table
from scenes.kit.theme import get_theme
from slidebuild.registry import all_scenes, lecture_titles
from tests.conftest import check_configs

SCENES = all_scenes()
CONFIGS = tuple(check_configs())

# Scenes that fail a frame check today, by (scene id, config name) -> the checks that fail
# ("lint": the layout lint here, "video": tests/scenes/test_video_frames.py). They are
# expected failures (strict: one that passes is an error, so a fix removes its entry).
# The problems themselves: /work/helper-notes/lint-findings.md or `rnn-slides check`.
KNOWN_BROKEN: dict[tuple[str, str], set[str]] = {}


def known_broken(scene_id: str, config: str, check: str) -> list:
    """pytest marks for a (scene, config) pair listed in KNOWN_BROKEN for ``check``."""
    if check in KNOWN_BROKEN.get((scene_id, config), set()):
        return [pytest.mark.xfail(strict=True, reason=f"known {check} problems")]
    return []


def scene_config_params(check: str) -> list:
    """One test per scene and config of :func:`check_configs`: all of them run in the
    default `make test`."""
    return [
        pytest.param(
            info, name, id=f"{info.id}-{name}", marks=known_broken(info.id, name, check)
        )
        for info in SCENES
        for name in CONFIGS
    ]


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


@pytest.mark.parametrize(("info", "config"), scene_config_params("lint"))
def test_layout_lint_finds_nothing(built_scenes, info, config) -> None:
    scene = built_scenes(info.cls, config=config)
    problems = [p for step in scene.steps for p in step.layout]
    assert not problems, f"layout problems at config {config!r}:\n" + format_table(problems)
