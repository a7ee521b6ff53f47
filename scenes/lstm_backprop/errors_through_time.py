"""Errors flowing back through time at the block level: each loss sends its error to every
earlier step, and the per-step gradients in coloured frames are summed once. Every number
comes from ``rnn_core`` through ``scenes.lesson_data``.
"""

from __future__ import annotations

from scenes.kit.base import LectureSlide
from scenes.kit.bptt import play_errors_through_time
from scenes.lesson_data import (
    lstm_errors_through_time,
)

# ---------------------------------------------------------------------------------------
# Errors through time


class ErrorsThroughTime(LectureSlide):
    """Block level: each loss sends errors back to all earlier steps; per-step gradients in
    coloured frames are summed once for one parameter update."""

    scene_id = "errors-through-time"
    title = "Errors flow back through time"
    description = "Per-loss gradients of W_z in coloured frames, summed once per update."

    def construct(self) -> None:
        self.data = lstm_errors_through_time(self.scene_config, "W_z")
        model = self.scene_config.model
        play_errors_through_time(
            self,
            self.data,
            block_label='"LSTM"',
            param_expr="W_z",
            param_name="W_z",
            rows=model.show_cells,  # W_z's rows are cells, its columns inputs
            cols=model.show_inputs,
        )
