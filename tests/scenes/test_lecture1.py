"""Lecture 1: the task-type charts have the inputs and outputs each task type means."""

from __future__ import annotations

import numpy as np
import pytest

from scenes import lecture1_prerequisites as l1
from scenes.kit.network import TASK_KINDS, TaskDiagram


def test_one_chart_per_task_type_in_the_lectures_order(built_scenes):
    scene = built_scenes(l1.RNNTaskTypes)
    assert tuple(scene.diagrams) == TASK_KINDS
    assert len(scene.steps) == len(l1.TASK_TYPES) // l1.TASKS_PER_STEP


def test_each_task_chart_is_at_least_a_sixth_of_the_frame_high(built_scenes):
    from manim import config

    scene = built_scenes(l1.RNNTaskTypes)
    for kind, chart in scene.diagrams.items():
        assert chart.height >= config.frame_height / 6, kind


def test_bidirectional_chart_is_two_rows_meeting_at_each_output(built_scenes):
    scene = built_scenes(l1.RNNTaskTypes)
    chain = scene.diagrams["bidirectional"].chain
    fwd_y = {round(float(b.get_y()), 6) for b in chain.fwd}
    bwd_y = {round(float(b.get_y()), 6) for b in chain.bwd}
    assert len(fwd_y) == 1 and len(bwd_y) == 1 and fwd_y != bwd_y  # two straight rows
    for a in chain.fwd_arrows:
        assert a.end[0] > a.start[0]
    for a in chain.bwd_arrows:
        assert a.end[0] < a.start[0]
    for k, out in enumerate(chain.output_points):  # both rows end at step k's output
        np.testing.assert_allclose(chain.out_fwd[k].end, out, atol=1e-6)
        np.testing.assert_allclose(chain.out_bwd[k].end, out, atol=1e-6)


def test_encoder_and_decoder_labels_stand_apart(built_scenes):
    scene = built_scenes(l1.RNNTaskTypes)
    enc, dec = scene.diagrams["seq2seq"].part_labels
    assert enc.get_right()[0] + 0.3 < dec.get_left()[0]


@pytest.mark.parametrize(
    ("kind", "n_in", "n_out"),
    [
        ("one-to-one", 1, 1),
        ("one-to-many", 1, 4),
        ("many-to-one", 4, 1),
        ("many-to-many", 4, 4),
        ("bidirectional", 4, 4),
    ],
)
def test_task_diagrams_count_inputs_and_outputs(kind, n_in, n_out):
    d = TaskDiagram(kind, steps=4)
    assert (len(d.inputs), len(d.outputs)) == (n_in, n_out)


def test_seq2seq_reads_then_writes_and_feeds_outputs_back():
    d = TaskDiagram("seq2seq", steps=3)
    assert len(d.blocks) == 5
    assert len(d.inputs) == 3 and len(d.outputs) == 3
    # the decoder's outputs after the first one are fed to its next step
    assert len(d.feedback) >= 2
    # the outputs sit over the decoder, right of every input
    assert min(o.get_x() for o in d.outputs) >= max(i.get_x() for i in d.inputs) - 1e-6


def test_bidirectional_has_a_backward_row_running_right_to_left():
    d = TaskDiagram("bidirectional", steps=4)
    assert len(d.back_blocks) == 4 and len(d.back_recurrent) == 3
    for arrow in d.back_recurrent:
        start, end = arrow.get_start(), arrow.get_end()
        assert end[0] < start[0]


def test_many_to_one_example_counts_the_weather_vectors():
    example = next(t for t in l1.TASK_TYPES if t.kind == "many-to-one")
    n = l1.FORECAST_HOURS * l1.SAMPLES_PER_HOUR
    assert any(str(n) in line for line in example.examples), example.examples


def test_unknown_task_kind_names_the_choices():
    with pytest.raises(ValueError, match="one-to-one"):
        TaskDiagram("two-to-one")


def test_mappings_scene_draws_three_networks(built_scenes):
    scene = built_scenes(l1.NetworksAsMappings)
    assert len(scene.rows) == 3
    assert len(scene.steps) == 4


def test_a_bag_of_vectors_forgets_the_order_a_simple_rnn_does_not(built_scenes):
    from scenes.kit.components import format_value
    from scenes.kit.config import SceneConfig

    ex = l1.order_example(SceneConfig())
    assert ex.words[0] == tuple(reversed(ex.words[1]))
    np.testing.assert_allclose(ex.bags[0], ex.bags[1])
    np.testing.assert_allclose(ex.dcl[0], ex.dcl[1])
    assert np.max(np.abs(ex.rnn[0] - ex.rnn[1])) > 0.02

    scene = built_scenes(l1.WhyNotDCL)
    shown = {k: [g.displayed for g in gs] for k, gs in scene.glyphs.items()}
    for key, values in (("bag", ex.bags), ("dcl", ex.dcl), ("rnn", ex.rnn)):
        assert shown[key] == [[format_value(v) for v in arr] for arr in values], key
    assert shown["bag"][0] == shown["bag"][1] and shown["dcl"][0] == shown["dcl"][1]
    assert shown["rnn"][0] != shown["rnn"][1], "the difference must be visible on screen"
    # The trained order RNN (default preset) names the first word: its class names stand
    # under the probabilities, so the answer reads on screen.
    assert ex.classes
    for key in ("dcl", "rnn"):
        assert scene.class_tags[key] == [list(ex.classes)] * 2, key
    answers = [ex.classes[int(np.argmax(p))] for p in ex.rnn]
    assert answers == [ws[0] for ws in ex.words], "the RNN names each sentence's first word"


def test_sentences_differ_in_length():
    lengths = {len(parts) for _, parts in l1.SENTENCES}
    assert len(lengths) > 1


def test_sequence_data_table_is_the_weather_record(built_scenes):
    from scenes.kit.config import SceneConfig

    scene = built_scenes(l1.SequenceData)
    record = l1.weather_record(SceneConfig())
    assert record.shape == (l1.FORECAST_HOURS * l1.SAMPLES_PER_HOUR, 4)
    first = l1.TABLE_START_HOUR * l1.SAMPLES_PER_HOUR
    assert 6 <= scene.table_columns <= l1.TABLE_COLUMNS
    window = record[first : first + scene.table_columns]
    decimals = (1, 1, 1, 0)
    for r, texts in enumerate(scene.table_text):
        assert texts == [f"{v:.{decimals[r]}f}" for v in window[:, r]]
    assert len(scene.charts) == 4
    assert len(scene.words) == len(l1.SENTENCE)
