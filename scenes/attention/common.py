"""What every lecture-6 scene shares: the slide base class."""

from __future__ import annotations

from scenes.kit.base import LectureSlide

__all__ = ["Lecture6Slide"]


class Lecture6Slide(LectureSlide):
    """A lecture-6 slide: holds the final state of every step for one frame before the next
    step starts, so the last frame of a step's video is the finished step (a growing arrow
    or a lagged fade is not quite complete one frame before its end)."""

    settle_steps = True
