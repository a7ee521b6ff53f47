"""The scene kit shared by every lecture: theme, config, base slide and components."""

from __future__ import annotations

from .base import LectureSlide, StepRecord, out_of_frame
from .config import LIMITS, ModelConfig, SceneConfig, lstm_setup, rnn_setup
from .theme import DARK, LIGHT, THEMES, Theme, current_theme, get_theme, set_theme, use_theme

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
