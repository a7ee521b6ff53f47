"""Shared pytest fixtures: tiny renders into a temporary media folder, config restored after.

Test folders are packages (``tests.rnn_core``, ``tests.scenes``) so they never shadow the
real ``rnn_core`` and ``scenes`` packages. Import helpers as
``from tests.conftest import build_scene`` (``from conftest import build_scene`` works too).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.modules.setdefault("conftest", sys.modules[__name__])

# Tiny frames keep scene tests fast; 16:9 like every real quality.
TINY = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5}


@pytest.fixture
def tiny_render(tmp_path: Path) -> Iterator[Path]:
    """Manim config for fast scene tests: tiny frames, no files kept, media in tmp_path."""
    from manim import tempconfig

    with tempconfig(
        {
            **TINY,
            "media_dir": str(tmp_path / "media"),
            "disable_caching": True,
            "write_to_movie": False,
            "save_last_frame": False,
            "progress_bar": "none",
            "verbosity": "ERROR",
        }
    ):
        yield tmp_path


def build_scene(cls, *, skip_animations: bool = True):
    """Construct a scene (animations skipped by default) and return the finished instance.

    The scene's ``steps`` record each click step's notes and what left the frame;
    ``renderer.get_frame()`` gives the last frame (H, W, 4) uint8.
    """
    from manim import config

    scene = cls(output_folder=Path(config.media_dir) / "slides")
    if skip_animations:
        scene.renderer.skip_animations = True
    scene.render()
    scene.renderer.update_frame(scene, ignore_skipping=True)
    return scene


@pytest.fixture(scope="session")
def built_scenes(tmp_path_factory):
    """Build each requested scene once per test session (tiny frames, animations skipped):
    the per-lecture tests and the all-scenes checks share one build.

    Use as ``built_scenes(SceneClass)`` or ``built_scenes(SceneClass, theme="dark")``.
    """
    from manim import tempconfig

    from scenes.kit.config import SceneConfig

    media = tmp_path_factory.mktemp("media")
    cache: dict = {}

    def build(cls, theme: str = "light"):
        key = (cls, theme)
        if key not in cache:
            with tempconfig(
                {
                    **TINY,
                    "media_dir": str(media),
                    "disable_caching": True,
                    "write_to_movie": False,
                    "save_last_frame": False,
                    "progress_bar": "none",
                    "verbosity": "ERROR",
                }
            ):
                cache[key] = build_scene(cls.configured(SceneConfig(theme=theme)))
        return cache[key]

    return build
