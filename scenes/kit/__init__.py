"""The scene kit shared by every lecture: theme, config, base slide and components.

Names are imported on first use (a module ``__getattr__``), so ``scenes.kit.config`` and
``scenes.kit.theme`` load without manim: the CLI decides what to render without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import LectureSlide, StepRecord, out_of_frame
    from .config import LIMITS, ModelConfig, SceneConfig, lstm_setup, rnn_setup
    from .theme import (
        DARK,
        LIGHT,
        THEMES,
        Theme,
        current_theme,
        get_theme,
        set_theme,
        use_theme,
    )

_WHERE = {
    "LectureSlide": "base",
    "StepRecord": "base",
    "out_of_frame": "base",
    "LIMITS": "config",
    "ModelConfig": "config",
    "SceneConfig": "config",
    "lstm_setup": "config",
    "rnn_setup": "config",
    "DARK": "theme",
    "LIGHT": "theme",
    "THEMES": "theme",
    "Theme": "theme",
    "current_theme": "theme",
    "get_theme": "theme",
    "set_theme": "theme",
    "use_theme": "theme",
}

__all__ = [
    "LectureSlide",
    "StepRecord",
    "out_of_frame",
    "LIMITS",
    "ModelConfig",
    "SceneConfig",
    "lstm_setup",
    "rnn_setup",
    "DARK",
    "LIGHT",
    "THEMES",
    "Theme",
    "current_theme",
    "get_theme",
    "set_theme",
    "use_theme",
]
assert set(__all__) == set(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
