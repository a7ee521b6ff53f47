"""The trained memory LSTM's story on the slides: the gates-over-time heat maps, the notes
of lecture 4 and the recall-only loss of lecture 5 follow the core's numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnn_core import lstm_forward
from rnn_core.pretrained import example_sequence, load, memory_story
from scenes import lecture4_lstm_forward as l4
from scenes import trained_story as ts
from scenes.kit.components import format_value
from scenes.kit.config import SceneConfig, lstm_readout, lstm_setup


def _fmt(rows) -> list[list[str]]:
    return [[format_value(v) for v in row] for row in np.asarray(rows)]


def _trained_trace():
    params, xs = lstm_setup(SceneConfig())
    return xs, lstm_forward(params, xs)


def _random_trace_on(xs):
    rows = tuple(tuple(float(a) for a in r) for r in xs)
    cfg = SceneConfig().with_model(preset="random", inputs=rows, steps=len(rows))
    params, rxs = lstm_setup(cfg)
    return lstm_forward(params, rxs)


@pytest.fixture(scope="module")
def gates_scene(built_scenes):
    return built_scenes(l4.LSTMGatesOverTime)


def test_gates_over_time_is_registered_before_the_extremes():
    ids = [cls.scene_id for cls in l4.SCENES]
    assert ids.index("lstm-gates-over-time") == ids.index("lstm-gate-extremes") - 1


def test_heat_maps_show_the_trained_trace_then_the_random_one(gates_scene):
    xs, trace = _trained_trace()
    assert np.array_equal(xs, example_sequence().xs)
    trained = gates_scene.shown["trained"]
    assert trained["x"] == _fmt(xs.T)
    for key in ("i", "f", "o", "c"):
        assert trained[key] == _fmt(getattr(trace, key).T), key
    # the contrast: the seeded random model on exactly the same 8 inputs
    rtrace = _random_trace_on(xs)
    assert rtrace.T == 8
    random = gates_scene.shown["random"]
    for key in ("i", "f", "o", "c"):
        assert random[key] == _fmt(getattr(rtrace, key).T), key
        assert random[key] != trained[key], key
    assert gates_scene.shown["random"]["x"] == trained["x"]


def test_memory_cell_input_gate_is_largest_at_the_store_step(gates_scene):
    ex = example_sequence()
    cell = memory_story(load("memory-lstm"))["memory_cell"]
    shown = np.array(gates_scene.shown["trained"]["i"], dtype=float)  # (cells, T) as displayed
    assert int(np.argmax(shown[cell])) == ex.store_step
    assert shown[cell, ex.store_step] > 0.5 > np.delete(shown[cell], ex.store_step).max()


def test_gates_notes_tell_the_trace(gates_scene):
    xs, trace = _trained_trace()
    W_out, b_out = lstm_readout(SceneConfig())
    pred = (trace.y @ W_out.T + b_out).ravel()
    notes = {i: step.notes for i, step in enumerate(gates_scene.steps)}
    assert len(notes) == 6  # intro, before, store, carry, recall, contrast
    store = notes[2]
    assert "t = 2: the store signal is on" in store
    assert f"{format_value(trace.i[1, 0])} in cell 1" in store
    assert f"c = {format_value(trace.c[1, 0])} in cell 1" in store
    carry = notes[3]
    held = trace.f[2:7][:, [0, 2]]
    assert f"holds at {ts._range(held)}," in carry
    assert float(ts._range(held).split()[0]) >= 0.9  # "0.99 to 1.00" or "1.00"
    assert f"at most {format_value(trace.i[2:7][:, [0, 2]].max())}" in carry
    recall = notes[4]
    assert f"answers {format_value(pred[7])} for the stored 0.80" in recall
    assert f"{format_value(trace.o[7, 0])} in cell 1" in recall
    contrast = notes[5]
    rtrace = _random_trace_on(xs)
    assert f"{format_value(rtrace.i.min())} to {format_value(rtrace.i.max())}" in contrast
    # every number in the notes is one the trace, the inputs or the read-out gives
    known = {format_value(a) for arr in (xs, pred, rtrace.i, rtrace.f) for a in np.ravel(arr)}
    for key in "ifocy":
        known |= {format_value(a) for a in np.ravel(getattr(trace, key))}
    products = np.concatenate(
        [np.prod(trace.f[2:8][:, [0, 2]], axis=0), np.prod(rtrace.f[2:8], axis=0)]
    )
    known |= {format_value(a) for a in products}
    for text in notes.values():
        for number in re.findall(r"-?\d+\.\d\d", text):
            assert number in known, (number, text)


def test_memory_facts_refuse_sequences_without_the_story():
    xs, trace = _trained_trace()
    pred = np.zeros(trace.T)
    assert ts.memory_facts(xs, trace, pred) is not None
    no_store = np.array(xs)
    no_store[:, 1] = 0.0
    assert ts.memory_facts(no_store, trace, pred) is None
    rtrace = _random_trace_on(xs)  # gates near 0.5: no gate opens and shuts
    assert ts.memory_facts(xs, rtrace, pred) is None


def test_random_preset_draws_the_seeded_model_and_says_so(tiny_render):
    from tests.conftest import build_scene

    cfg = SceneConfig().with_model(preset="random")
    scene = build_scene(l4.LSTMGatesOverTime.configured(cfg))
    params, xs = lstm_setup(cfg)
    trace = lstm_forward(params, xs)
    assert scene.data.facts is None and scene.data.contrast is None
    assert scene.shown["random"]["c"] == _fmt(trace.c.T)
    assert "seeded random LSTM" in scene.steps[0].notes
    assert len(scene.steps) == 1 + trace.T  # intro, then one click per step


def test_extreme_sizes_show_three_rows_and_a_note(tiny_render):
    from tests.conftest import build_scene

    cfg = SceneConfig(theme="dark").with_model(n_in=6, n_hidden=6, steps=8)
    scene = build_scene(l4.LSTMGatesOverTime.configured(cfg))
    assert len(scene.maps["c"].displayed) == 3
    assert scene.cells_note.text.replace(" ", "") == "cells1-3of6·inputs1-3of6"
    for step in scene.steps:
        assert step.out_of_frame == [], step.index


def test_circuit_and_odyssey_notes_say_why_the_store_step(built_scenes):
    params, xs, bare, peep, t = l4.lecture4_traces(SceneConfig())
    assert t == example_sequence().store_step
    circuit = " ".join(s.notes for s in built_scenes(l4.LSTMCircuit).steps)
    odyssey = " ".join(s.notes for s in built_scenes(l4.LSTMOdyssey).steps)
    for notes, trace in ((circuit, bare), (odyssey, peep)):
        assert "The step shown is t = 2, the store step" in notes
        assert f"the input gate opens ({format_value(trace.i[t, 0])} in cell 1" in notes
        assert f"c = {format_value(trace.c[t, 0])} in cell 1" in notes


def test_unrolled_follows_the_highway_and_shows_the_read_out(built_scenes):
    scene = built_scenes(l4.LSTMUnrolled)
    xs, trace = _trained_trace()
    W_out, b_out = lstm_readout(SceneConfig())
    pred = (trace.y @ W_out.T + b_out).ravel()
    for k in range(trace.T):  # all 8 steps, not only the first 4 of the chain
        assert scene.story_glyphs[("c", k)].displayed == [format_value(a) for a in trace.c[k]]
        assert scene.story_glyphs[("x", k)].displayed == [format_value(a) for a in xs[k]]
    assert scene.readout["pred"] == format_value(pred[-1]) == "0.79"
    assert scene.readout["stored"] == "0.80"
    assert scene.readout["glyph"].displayed == [format_value(a) for a in trace.y[-1]]
    assert f"answers {format_value(pred[-1])}" in scene.steps[-1].notes
    assert scene.readout["glyph"] in scene.mobjects or any(
        scene.readout["glyph"] in m.get_family() for m in scene.mobjects
    )


def test_gate_extremes_notes_contrast_the_trained_gates(built_scenes):
    scene = built_scenes(l4.LSTMGateExtremes)
    xs, trace = _trained_trace()
    notes = scene.steps[-1].notes
    assert "The trained gates sit between the extremes" in notes
    assert f"at most {format_value(trace.i[[0, 2, 3, 4, 5, 6, 7]][:, [0, 2]].max())}" in notes


def test_random_preset_keeps_the_generic_lecture_4_notes(tiny_render):
    from tests.conftest import build_scene

    cfg = SceneConfig().with_model(preset="random")
    scene = build_scene(l4.LSTMUnrolled.configured(cfg))
    assert not hasattr(scene, "readout")
    assert all("store step" not in s.notes for s in scene.steps)
    assert ts.story_for(cfg) is None


def test_errors_through_time_uses_the_recall_only_loss_when_trained(built_scenes):
    from rnn_core import lstm_backward
    from scenes import lecture5_lstm_backprop as l5
    from scenes.lesson_data import lstm_backward_example, lstm_errors_through_time

    cfg = SceneConfig()
    ex = lstm_backward_example(cfg)
    xs, trace = _trained_trace()
    W_out, b_out = lstm_readout(cfg)
    # the error enters at the recall step only, as W_out^T (per unit of read-out error)
    assert np.all(ex.dy_ext[:-1] == 0.0)
    np.testing.assert_allclose(ex.dy_ext[-1], W_out[0])
    pred = float((W_out @ trace.y[-1] + b_out)[0])
    assert ex.recall_error == pytest.approx(pred - 0.80)
    # scaled by the read-out's error, the deltas are those of L = 1/2 (pred - target)^2
    dy_true = np.zeros_like(trace.y)
    dy_true[-1] = W_out[0] * (pred - 0.80)
    grads, _ = lstm_backward(ex.params, ex.trace, dy_true)
    np.testing.assert_allclose(ex.grads.W_z * ex.recall_error, grads.W_z, atol=1e-15)
    # the scene draws the shares of that one loss, step by step from the recall back, in
    # percent (as 3 x 3 matrices they printed as a block of 0.00)
    from scenes.kit.magnitudes import percent_text

    data = lstm_errors_through_time(cfg, "W_z")
    scene = built_scenes(l5.ErrorsThroughTime)
    assert scene.strip.displayed == [percent_text(v) for v in data.shares]
    notes = [step.notes for step in scene.steps]
    assert "asked only at the recall step t = 8" in notes[0]
    assert notes[1].startswith("The recall's error reaches step 8")  # from the recall back
    assert "step 2 (the store step)" in notes[-3]  # steps 8..1, then the sum
    # one loss, so one loss drawn: L^(8) above the last block, none above the others
    drawn = [m for m in scene.chain.get_family() if m in set(scene.chain.outputs)]
    assert drawn == [scene.chain.outputs[trace.T - 1]]
    # the block view zooms into the store step, where the recall's error arrives
    flow = built_scenes(l5.LSTMBackwardFlow)
    assert flow.example.t == example_sequence().store_step
    assert "Delta^t = 0 here" in flow.steps[0].notes


def test_why_not_dcl_uses_the_trained_order_rnn(built_scenes):
    from scenes import lecture1_prerequisites as l1

    model = load("order-rnn")
    scene = built_scenes(l1.WhyNotDCL)
    ex = scene.example
    assert ex.classes == tuple(model.classes)
    shown = {k: [g.displayed for g in gs] for k, gs in scene.glyphs.items()}
    for k, words in enumerate(ex.words):
        sentence = " ".join(words)
        assert shown["dcl"][k] == [format_value(p) for p in model.classify_bag(sentence)]
        assert shown["rnn"][k] == [format_value(p) for p in model.classify(sentence)]
        # the RNN names the first word; the DCL on the bag cannot, for both orders
        assert model.classes[int(np.argmax(model.classify(sentence)))] == words[0]
    assert shown["dcl"][0] == shown["dcl"][1]
    notes = " ".join(s.notes for s in scene.steps)
    assert "both right" in notes and "one of them is wrong" in notes
    # the seeded model (preset random) keeps the old example and generic notes
    random = l1.order_example(SceneConfig().with_model(preset="random"))
    assert random.classes is None and ts.order_note(random, "rnn") == ""


def test_story_notes_say_when_a_memory_cell_is_off_screen():
    """The notes name the memory cells; when model.show_cells leaves one out, they say so
    (and say nothing extra when every memory cell is shown)."""
    from scenes.trained_story import store_step_note, story_for, unrolled_notes

    facts = story_for(SceneConfig())
    assert facts is not None and len(facts.cells) >= 1
    hidden = facts.cells[-1]
    shown = tuple(c for c in range(3) if c != hidden)
    cut = story_for(SceneConfig().with_model(show_cells=shown))
    marker = f"Cell {hidden + 1} is not on screen"
    assert marker in store_step_note(cut, cut.store)
    assert marker in unrolled_notes(cut)["highway"]
    assert "not on screen" not in store_step_note(facts, facts.store)
    everything = story_for(SceneConfig().with_model(show_cells=tuple(sorted(facts.cells))))
    assert "not on screen" not in store_step_note(everything, everything.store)
