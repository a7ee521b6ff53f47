"""A real trained LSTM is larger than a slide: it runs at full size and the LSTM scenes show
a few of its cells with a note, passing the layout lint (64 cells, 10 inputs, imported from
PyTorch, so no peepholes). ``model.show_cells`` / ``model.show_inputs`` pick which cells
and inputs: every number shown is the full model's value at those indices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnn_core.interop import lstm_from_torch
from scenes import lecture4_lstm_forward as l4
from scenes.kit.components import format_value
from scenes.kit.config import load_config
from scenes.kit.lint import check_scene, format_table
from slidebuild.registry import all_scenes, get_scene

N, M = 64, 10
SHOW_CELLS, SHOW_INPUTS = [0, 3, 5], [1, 9]
LSTM_SCENES = [info.id for info in all_scenes() if info.lecture in (4, 5)]
# The default run checks a couple of scenes per config (the rest with -m slow): the
# Odyssey scenes, whose subset note used to cross the input bus, and one of lecture 5.
FAST = {"lstm-circuit", "lstm-odyssey"}
FAST_CHOSEN = {"lstm-circuit-to-odyssey", "lstm-backward-flow"}


def _write_model(folder: Path) -> None:
    rng = np.random.default_rng(0)
    state = {
        "weight_ih_l0": rng.normal(size=(4 * N, M)) * 0.3,
        "weight_hh_l0": rng.normal(size=(4 * N, N)) * 0.1,
        "bias_ih_l0": rng.normal(size=4 * N) * 0.1,
        "bias_hh_l0": rng.normal(size=4 * N) * 0.1,
    }
    np.savez(folder / "big.npz", **lstm_from_torch(state))


@pytest.fixture(scope="module")
def big_config(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    _write_model(folder)
    (folder / "cfg.toml").write_text("[model]\nweights = 'big.npz'\n")
    config = load_config(Path(folder / "cfg.toml"))
    assert (config.for_lecture(4).model.n_hidden, config.for_lecture(4).model.n_in) == (N, M)
    return config


@pytest.fixture(scope="module")
def chosen_config(tmp_path_factory):
    """The same model with ``show_cells = [0, 3, 5]`` and ``show_inputs = [1, 9]``."""
    folder = tmp_path_factory.mktemp("chosen")
    _write_model(folder)
    (folder / "cfg.toml").write_text(
        f"[model]\nweights = 'big.npz'\nshow_cells = {SHOW_CELLS}\nshow_inputs = {SHOW_INPUTS}\n"
    )
    return load_config(Path(folder / "cfg.toml"))


def _param(scene_id: str, fast: set[str]):
    return pytest.param(scene_id, marks=[] if scene_id in fast else [pytest.mark.slow])


def _lecture(scene_id: str) -> int:
    return next(info.lecture for info in all_scenes() if info.id == scene_id)


@pytest.mark.parametrize("scene_id", [_param(s, FAST) for s in LSTM_SCENES])
def test_lstm_scenes_show_part_of_a_64_cell_model_cleanly(big_config, scene_id: str) -> None:
    problems = check_scene(get_scene(scene_id).cls, big_config.for_lecture(_lecture(scene_id)))
    assert problems == [], format_table(problems)


@pytest.mark.parametrize("scene_id", [_param(s, FAST_CHOSEN) for s in LSTM_SCENES])
def test_lstm_scenes_show_chosen_cells_of_a_64_cell_model_cleanly(
    chosen_config, scene_id: str
) -> None:
    problems = check_scene(get_scene(scene_id).cls, chosen_config.for_lecture(_lecture(scene_id)))
    assert problems == [], format_table(problems)


def _note_text(note) -> str:
    """The words of a note as drawn (one Text, or lines of Text), spaces removed."""
    parts = [note] if hasattr(note, "text") else list(note)
    return "".join(p.text for p in parts).replace(" ", "")


def test_circuit_shows_the_full_models_values_of_the_chosen_cells(
    chosen_config, tiny_render
) -> None:
    from tests.conftest import build_scene

    cfg = chosen_config.for_lecture(4)
    scene = build_scene(l4.LSTMCircuit.configured(cfg))
    _, _, bare, _, t = l4.lecture4_traces(cfg)
    step = l4.step_values(bare.step(t))
    assert set(scene.cell.values) == set(step)
    for key, glyph in scene.cell.values.items():
        assert glyph.values.size == (M if key == "x" else N)  # the model ran at full size
        which = SHOW_INPUTS if key == "x" else SHOW_CELLS
        expected = [format_value(v) for v in step[key][which]]
        assert glyph.displayed == expected, key
        drawn = [n.text.replace("\u2212", "-") for n in glyph.numbers]
        assert drawn == expected, key
    # the note is on screen at the end and names both selections
    assert scene.cells_note in scene.mobjects
    text = _note_text(scene.cells_note)
    assert "cells1,4,6of64" in text and "inputs2,10of10" in text, text
    for key in ("z", "i", "f", "o", "c", "y"):
        assert scene.cell.values[key].more is not None  # an ellipsis: more cells exist


def test_odyssey_note_names_the_inputs_as_inputs_and_clears_the_buses(
    big_config, tiny_render
) -> None:
    from tests.conftest import build_scene

    scene = build_scene(l4.LSTMOdyssey.configured(big_config.for_lecture(4)))
    text = _note_text(scene.cells_note)
    assert "cells1-3of64" in text and "inputs1-3of10" in text, text
    assert "of10,cells" not in text  # was "cells 1-3 of 10, cells 1-3 of 64"
    note, cell = scene.cells_note, scene.cell
    for bus in (cell.x_bus, cell.y_bus):
        points = bus.get_all_points()
        inside = (
            (points[:, 0] > note.get_left()[0])
            & (points[:, 0] < note.get_right()[0])
            & (points[:, 1] > note.get_bottom()[1])
            & (points[:, 1] < note.get_top()[1])
        )
        assert not inside.any()
        assert note.get_bottom()[1] > bus.get_top()[1] or note.get_left()[0] > bus.get_right()[0]


def test_errors_through_time_draws_the_chosen_rows_and_columns_of_w_z(
    chosen_config, tiny_render
) -> None:
    """W_z's rows are cells and its columns inputs: the loss shares and their sum show the
    chosen ones, with the full model's values, and the note names them."""
    from scenes import lecture5_lstm_backprop as l5
    from scenes.kit.components import index_ranges
    from scenes.lesson_data import lstm_errors_through_time
    from tests.conftest import build_scene

    cfg = chosen_config.for_lecture(5)
    scene = build_scene(l5.ErrorsThroughTime.configured(cfg))
    data = lstm_errors_through_time(cfg, "W_z")
    assert data.contributions.shape[1:] == (N, M)  # the model ran at full size
    rows, cols = scene.shown_index
    assert rows == SHOW_CELLS[: scene.shown[0]] and cols == SHOW_INPUTS[: scene.shown[1]]
    assert len(rows) * len(cols) > 1
    block = np.ix_(rows, cols)
    # a share that would print as 0.00 is shown times its stated power of ten
    for frame, share, e in zip(scene.frames, data.contributions, scene.frame_factors, strict=True):
        assert frame.displayed == [[format_value(v / 10.0**e) for v in r] for r in share[block]]
    e = scene.total_factor
    assert scene.total.displayed == [
        [format_value(v / 10.0**e) for v in r] for r in data.total[block]
    ]
    expected = f"rows {index_ranges(rows)}, columns {index_ranges(cols)} of {N} \u00d7 {M}"
    assert scene.size_note.text.replace(" ", "") == expected.replace(" ", "")
    assert "columns 2, 10" in expected


@pytest.mark.parametrize(
    "scene_id", [_param(s, {"lstm-circuit", "errors-through-time"}) for s in LSTM_SCENES]
)
def test_lstm_scenes_video_agrees_with_the_scene_at_64_cells(
    chosen_config, tiny_render, scene_id: str
) -> None:
    """The frames issue's second check at the 64-cell model with a selection: each step's
    last video frame (animations played) shows what the step's state shows."""
    from slidebuild.registry import get_scene
    from tests.conftest import VIDEO_FPS, build_scene
    from tests.scenes.test_video_frames import video_disagreements

    info = get_scene(scene_id)
    cls = info.cls.configured(
        chosen_config.for_lecture(info.lecture),
        record_frames=True,
        last_frame_fps=VIDEO_FPS,
        write_slides=False,
    )
    scene = build_scene(cls, skip_animations=False)
    problems = video_disagreements(scene)
    assert not problems, "\n".join(problems)
