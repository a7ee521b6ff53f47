"""Lecture 4: the two LSTM drawings show exactly the numbers rnn_core computes."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import lstm_forward
from scenes import lecture4_lstm_forward as l4
from scenes.kit.components import format_value
from scenes.kit.config import SceneConfig
from scenes.registry import all_scenes

SCENE_CLASSES = [info.cls for info in all_scenes() if info.lecture == 4]


def _shown(glyph) -> list[str]:
    return glyph.displayed


def _expected(values) -> list[str]:
    return [format_value(v) for v in np.asarray(values).ravel()]


def test_lecture_4_registers_its_five_scenes_in_order():
    ids = [cls.scene_id for cls in SCENE_CLASSES]
    assert ids == [
        "lstm-circuit",
        "lstm-odyssey",
        "lstm-circuit-to-odyssey",
        "lstm-unrolled",
        "lstm-gate-extremes",
    ]


@pytest.mark.parametrize("cls", SCENE_CLASSES, ids=lambda c: c.scene_id)
def test_every_step_has_notes_and_stays_inside_the_frame(built_scenes, cls):
    scene = built_scenes(cls)
    assert len(scene.steps) >= 3
    for step in scene.steps:
        assert len(step.notes) > 20, f"step {step.index} needs speaker notes"
        assert step.out_of_frame == [], f"step {step.index}: {step.out_of_frame[:3]}"


def test_circuit_shows_the_peephole_trace_at_the_end(built_scenes):
    scene = built_scenes(l4.LSTMCircuit)
    params, xs, bare, peep, t = l4.lecture4_traces(SceneConfig())
    assert peep is not None
    expected = l4.step_values(peep.step(t))
    for key, glyph in scene.cell.values.items():
        assert _shown(glyph) == _expected(expected[key]), key
    # and the peepholes really changed something
    before = l4.step_values(bare.step(t))
    assert any(_expected(before[k]) != _expected(expected[k]) for k in ("i", "f", "o", "c", "y"))


def test_circuit_values_come_from_the_configured_model(tiny_render):
    from tests.conftest import build_scene

    cfg = SceneConfig().with_model(seed=7, n_hidden=4, peepholes=False)
    scene = build_scene(l4.LSTMCircuit.configured(cfg))
    params, xs = l4.lstm_setup(cfg)
    step = lstm_forward(params, xs).step(1)
    assert len(scene.cell.values["c"].values) == 4
    assert _shown(scene.cell.values["c"]) == _expected(step.c)
    assert scene.cell.peephole_group not in scene.cell.submobjects  # no peephole step


def test_odyssey_and_morph_show_the_same_numbers(built_scenes):
    odyssey = built_scenes(l4.LSTMOdyssey)
    morph = built_scenes(l4.LSTMCircuitToOdyssey)
    for key, glyph in odyssey.cell.values.items():
        assert _shown(glyph) == _shown(morph.circuit.values[key]), key
    _, _, _, peep, t = l4.lecture4_traces(SceneConfig())
    expected = l4.step_values(peep.step(t))
    for key, glyph in morph.circuit.values.items():
        assert _shown(glyph) == _expected(expected[key]), key


def test_unrolled_chain_carries_the_real_states(built_scenes):
    scene = built_scenes(l4.LSTMUnrolled)
    _, _, _, peep, _ = l4.lecture4_traces(SceneConfig())
    for (kind, k), glyph in scene.glyphs.items():
        source = {"x": peep.xs, "y": peep.y, "c": peep.c}[kind]
        assert _shown(glyph) == _expected(source[k]), (kind, k)


def test_gate_extremes_are_computed_not_typed(built_scenes):
    scene = built_scenes(l4.LSTMGateExtremes)
    opened, shut = scene.steps_shown["open"], scene.steps_shown["shut"]
    for g in ("i", "f", "o"):
        assert np.allclose(getattr(opened, g), 1.0) and np.allclose(getattr(shut, g), 0.0)
    assert np.allclose(opened.c, opened.c_prev + opened.z)  # forgets nothing, takes everything
    assert np.allclose(opened.y, np.tanh(opened.c))  # gives out everything
    assert np.allclose(shut.c, 0.0) and np.allclose(shut.y, 0.0)
    for key, glyph in scene.cell.values.items():  # the screen ends on the shut case
        assert _shown(glyph) == _expected(l4.step_values(shut)[key]), key


def test_dark_theme_changes_the_drawing(built_scenes):
    light = built_scenes(l4.LSTMGateExtremes)
    dark = built_scenes(l4.LSTMGateExtremes, theme="dark")
    assert (
        light.cell.gates["f"].box.get_stroke_color() != dark.cell.gates["f"].box.get_stroke_color()
    )
    assert not np.array_equal(light.renderer.get_frame(), dark.renderer.get_frame())
