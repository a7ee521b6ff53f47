"""Shared pytest fixtures: tiny renders into a temporary media folder, config restored after.

Test folders are packages (``tests.rnn_core``, ``tests.scenes``) so they never shadow the
real ``rnn_core`` and ``scenes`` packages. Import helpers as
``from tests.conftest import build_scene`` (``from conftest import build_scene`` works too).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest

sys.modules.setdefault("conftest", sys.modules[__name__])

# Tiny frames keep scene tests fast; 16:9 like every real quality.
TINY = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5}


@pytest.fixture(scope="session", autouse=True)
def _private_media_folder(tmp_path_factory) -> Iterator[None]:
    """Manim's default media folder is ``./media``: test workers building the same formula
    at once there raced (one removed the SVG file the other was about to remove). Each
    test process gets its own; nothing is left in the checkout."""
    from manim import config

    old = config.media_dir
    config.media_dir = str(tmp_path_factory.mktemp("manim-media"))
    yield
    config.media_dir = old


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
    ``renderer.get_frame()`` gives the last frame (H, W, 4) uint8. Skipping is passed to
    the constructor: manim resets ``renderer.skip_animations`` at every ``play`` to the value
    the renderer was built with, so setting it afterwards renders every frame anyway.
    """
    from manim import config

    from scenes.kit.base import LectureSlide

    if skip_animations and issubclass(cls, LectureSlide) and cls.write_slides:
        # No videos to collect when nothing is rendered: manim-slides would refuse.
        cls = type(
            cls.__name__,
            (cls,),
            {"write_slides": False, "__module__": cls.__module__, "__qualname__": cls.__qualname__},
        )
    scene = cls(output_folder=Path(config.media_dir) / "slides", skip_animations=skip_animations)
    scene.render()
    scene.renderer.update_frame(scene, ignore_skipping=True)
    return scene


# The configurations every scene is checked at: the default, the dark theme, and the largest
# model a config may ask for (every size at its maximum, with and without peepholes).
def check_configs() -> dict:
    from scenes.kit.config import ModelConfig, SceneConfig

    big = {"n_in": 6, "n_hidden": 6, "n_out": 6, "steps": 8}
    return {
        "default": SceneConfig(),
        "dark": SceneConfig(theme="dark"),
        "max": SceneConfig(model=ModelConfig(**big, peepholes=True)),
        "max-nopeep": SceneConfig(model=ModelConfig(**big, peepholes=False)),
    }


# The frame rate whose last frame of each animation the checks look at (the deck's -q l).
VIDEO_FPS = 15


def _tracking(scene_config):
    """A copy of ``scene_config`` that notes whether anything reads its ``model``: a scene
    that never does looks the same at every model size, so one build serves them all."""
    reads: set[str] = set()

    class Tracked(type(scene_config)):
        def __getattribute__(self, name: str):
            if name == "model":
                reads.add(name)
            return super().__getattribute__(name)

    tracked = Tracked(**{f.name: getattr(scene_config, f.name) for f in fields(scene_config)})
    return tracked, reads


@pytest.fixture(scope="session")
def built_scenes(tmp_path_factory):
    """Build each requested scene once per test session and configuration, at tiny frames:
    the per-lecture tests, the layout lint and the video check share one build.

    The build plays the animations through manim's real path but draws only the last frame
    each animation's video would show (``last_frame_fps``); at the end of every step it keeps
    that frame (``steps[k].video_frame``), the scene's state drawn as a still
    (``steps[k].frame``) and the layout problems (``steps[k].layout``).

    Use as ``built_scenes(SceneClass)``, ``built_scenes(SceneClass, theme="dark")`` or
    ``built_scenes(SceneClass, config="max")`` (a name from :func:`check_configs`). A scene
    that never reads the model config is built once for all model sizes.
    """
    from manim import tempconfig

    from scenes.kit.config import SceneConfig

    media = tmp_path_factory.mktemp("media")
    cache: dict = {}
    model_free: set = set()  # (class, theme) pairs whose build never read the model config
    configs = check_configs()

    def build(cls, theme: str = "light", *, config: str | None = None):
        scene_config = configs[config] if config is not None else SceneConfig(theme=theme)
        key = (cls, scene_config)
        if key in cache:
            return cache[key]
        default = SceneConfig(theme=scene_config.theme)
        if scene_config != default:
            first = build(cls, scene_config.theme)
            if (cls, scene_config.theme) in model_free:
                cache[key] = first
                return first
        tracked, reads = _tracking(scene_config)
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
            scene = build_scene(
                cls.configured(
                    tracked,
                    lint=True,
                    record_frames=True,
                    last_frame_fps=VIDEO_FPS,
                    write_slides=False,
                ),
                skip_animations=False,
            )
        if scene_config == default and not reads:
            model_free.add((cls, scene_config.theme))
        cache[key] = scene
        return scene

    return build


def pytest_collection_modifyitems(config, items) -> None:
    """`make test` runs the tests on every core (pytest-xdist, ``--dist loadgroup``): the
    tests of one lecture's scenes stay on one worker, so the session-cached builds in
    :func:`built_scenes` are made once per scene and config, not once per worker."""
    import re

    for item in items:
        callspec = getattr(item, "callspec", None)
        info = callspec.params.get("info") if callspec is not None else None
        lecture = getattr(info, "lecture", None)
        if lecture is None:
            match = re.search(r"test_lecture(\d+)\.py", item.nodeid)
            lecture = int(match.group(1)) if match else None
        if lecture is None and "test_trained_slides.py" in item.nodeid:
            lecture = 4  # mostly lecture-4 scenes
        if lecture is not None:
            item.add_marker(pytest.mark.xdist_group(f"lecture{lecture}"))
