"""Lecture 2: the simple-RNN scenes show rnn_core's forward values, its BPTT gradient split
by loss, and the truncated gradient; the gradients are checked against finite differences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core import rnn_backward, rnn_forward
from scenes import lecture2_simple_rnn as l2
from scenes.kit.components import format_value
from scenes.kit.config import SceneConfig
from scenes.lesson_data import rnn_errors_through_time
from slidebuild.registry import all_scenes

SCENE_CLASSES = [info.cls for info in all_scenes() if info.lecture == 2]


def _expected(values) -> list[str]:
    return [format_value(v) for v in np.asarray(values).ravel()]


def test_lecture_2_registers_its_scenes_in_order():
    assert [c.scene_id for c in SCENE_CLASSES] == [
        "dcl-backprop-review",
        "rnn-neurons",
        "rnn-unfolding",
        "rnn-forward",
        "bptt",
    ]


def test_neurons_show_the_forward_values_of_two_steps(built_scenes):
    scene = built_scenes(l2.RNNNeurons)
    _, trace = l2.rnn_lesson(SceneConfig())
    for t in (1, 2):
        shown = scene.shown[t]
        assert shown["x"] == _expected(trace.xs[t - 1])
        assert shown["h"] == _expected(trace.h[t - 1])
        assert shown["y"] == _expected(trace.y_hat[t - 1])
        # the faded row is the middle layer one step earlier: h^0 = 0, then h^1
        assert shown["prev"] == _expected(trace.h_prev[t - 1])
    assert shown["prev"] == _expected(trace.h[0])


def _centre(mob) -> np.ndarray:
    return mob.get_center()


def test_neurons_draw_the_recurrence_as_a_previous_step_row_with_w_between_rows(built_scenes):
    """The recurrence was once a tangle of self-loops and curved arrows inside one row;
    now h^(t-1) is its own row below h^t and every W line runs from it up to h^t."""
    scene = built_scenes(l2.RNNNeurons)
    net = scene.net
    n = len(net["h"].neurons)
    assert len(net["prev"].neurons) == n
    assert len(scene.w_lines.edges) == n * n, "every neuron of h^(t-1) feeds every neuron of h^t"
    prev_y = max(_centre(m)[1] for m in net["prev"].neurons)
    h_y = min(_centre(m)[1] for m in net["h"].neurons)
    assert prev_y < h_y - 2 * net["h"].neurons[0].radius, "the rows are apart, not one row"
    for (i, j), line in scene.w_lines.edges.items():
        start, end = line.get_start(), line.get_end()
        a, b = net["prev"].neurons[i], net["h"].neurons[j]
        assert np.linalg.norm(start - _centre(a)) == pytest.approx(a.radius, abs=1e-6)
        assert np.linalg.norm(end - _centre(b)) == pytest.approx(b.radius, abs=1e-6)
        assert end[1] > start[1], "W lines go up, from the past row into h^t"
    # no self-loops or curved arrows inside the middle layer any more
    from manim import CurvedArrow

    assert not [
        m
        for m in scene.get_mobject_family_members()
        if isinstance(m, CurvedArrow) and m not in scene.box.get_family()
    ]
    # the hand-over to the next step: from h^t round into the h^(t-1) row
    assert np.linalg.norm(scene.delay.start - net["h"].neurons[-1].circle.get_right()) < 0.1
    assert np.linalg.norm(scene.delay.end - net["prev"].neurons[-1].circle.get_right()) < 0.1
    assert scene.w_label.get_y() < h_y and scene.w_label.get_y() > prev_y


def test_neurons_at_six_units_show_a_subset_with_a_note(tiny_render):
    from scenes.kit.config import ModelConfig
    from tests.conftest import build_scene

    cfg = SceneConfig(theme="dark", model=ModelConfig(n_in=6, n_hidden=6, n_out=6, steps=8))
    scene = build_scene(l2.RNNNeurons.configured(cfg))
    _, trace = l2.rnn_lesson(cfg)
    k = scene.units
    assert k["h"] == k["prev"] < 6, "six and six neurons side by side do not fit the width"
    assert scene.shown[2]["x"] == _expected(trace.xs[1][: k["x"]])
    assert scene.shown[2]["prev"] == _expected(trace.h[0][: k["prev"]])
    # manim's Text keeps its string without spaces
    assert scene.unit_notes["x"] == [f"units1-{k['x']}of6"]
    assert scene.unit_notes["prev"] == [f"units1-{k['prev']}of6"]
    for step in scene.steps:
        assert step.out_of_frame == [], step


def test_unfolding_shares_one_set_of_parameters(built_scenes):
    scene = built_scenes(l2.RNNUnfolding)
    params, trace = l2.rnn_lesson(SceneConfig())
    T = min(trace.T, 5)
    for name in ("U", "W", "V"):
        assert len(scene.unrolled.shared[name]) == T
    assert scene.w_glyph.displayed == [_expected(r) for r in params.W]


def test_forward_scene_values_are_rnn_forward(built_scenes):
    scene = built_scenes(l2.RNNForward)
    params, trace = l2.rnn_lesson(SceneConfig())
    for t in range(2):
        assert scene.glyphs[("x", t)].displayed == _expected(trace.xs[t])
        assert scene.glyphs[("h", t)].displayed == _expected(trace.h[t])
        assert scene.glyphs[("y", t)].displayed == _expected(trace.y_hat[t])
        assert scene.losses_shown[t] == format_value(trace.losses[t], 3)
    # the values obey the equations on the slide
    h0 = np.zeros_like(trace.h[0])
    a1 = params.b + params.W @ h0 + params.U @ trace.xs[0]
    np.testing.assert_allclose(trace.h[0], np.tanh(a1))
    a2 = params.b + params.W @ trace.h[0] + params.U @ trace.xs[1]
    np.testing.assert_allclose(trace.h[1], np.tanh(a2))
    o2 = params.c + params.V @ trace.h[1]
    np.testing.assert_allclose(trace.y_hat[1], np.exp(o2) / np.exp(o2).sum())
    assert trace.losses[1] == pytest.approx(-np.log(trace.y_hat[1][trace.targets[1]]))


def test_bptt_frames_sum_to_the_gradient(built_scenes):
    scene = built_scenes(l2.BPTT)
    data = rnn_errors_through_time(SceneConfig())
    for s, frame in enumerate(scene.frames):
        e = scene.frame_factors[s]  # a stated power of ten, where 0.00s would say nothing
        assert frame.displayed == [_expected(r / 10.0**e) for r in data.contributions[s]]
    assert scene.total.displayed == [_expected(r / 10.0**scene.total_factor) for r in data.total]
    np.testing.assert_allclose(data.contributions.sum(axis=0), data.total, atol=1e-12)


def _nudged(params, name, index, h):
    arr = getattr(params, name).copy()
    arr[index] += h
    return dataclasses.replace(params, **{name: arr})


def test_bptt_gradient_is_the_numeric_derivative_of_the_total_loss():
    params, trace = l2.rnn_lesson(SceneConfig())
    data = rnn_errors_through_time(SceneConfig())

    def loss(p) -> float:
        return float(rnn_forward(p, trace.xs, trace.targets).losses.sum())

    h = 1e-6
    for idx in [(0, 0), (1, 2), (2, 1)]:
        numeric = (loss(_nudged(params, "W", idx, h)) - loss(_nudged(params, "W", idx, -h))) / (
            2 * h
        )
        assert data.total[idx] == pytest.approx(numeric, abs=1e-7)


def test_truncated_step_shows_rnn_backward_with_truncate(built_scenes):
    scene = built_scenes(l2.BPTT)
    params, trace = l2.rnn_lesson(SceneConfig())
    k = scene.truncate
    assert k == l2.TRUNCATE
    grads, _ = rnn_backward(params, trace, truncate=k)
    assert scene.truncated_glyph.displayed == [_expected(r) for r in grads.W]
    assert scene.full_glyph.displayed == [_expected(r) for r in scene.data.total]
    # truncation really changes the gradient here, and the scene says by how much
    gap = np.max(np.abs(grads.W - scene.data.total))
    assert gap > 1e-3
    assert scene.max_difference == pytest.approx(gap)
    # the last step was added after the BPTT sum
    assert len(scene.steps) == trace.T + 3


def test_dcl_review_shows_real_forward_values_errors_and_gradients(built_scenes):
    scene = built_scenes(l2.DCLBackpropReview)
    params, trace, grads, deltas = l2.dcl_lesson(SceneConfig())
    assert scene.layers["x"].displayed == _expected(trace.xs[0])
    assert scene.layers["h"].displayed == _expected(trace.h[0])
    assert scene.layers["y"].displayed == _expected(trace.y_hat[0])
    onehot = np.eye(len(trace.y_hat[0]))[trace.targets[0]]
    np.testing.assert_allclose(deltas.do[0], trace.y_hat[0] - onehot)
    assert scene.glyphs["do"].displayed == _expected(deltas.do[0])
    assert scene.glyphs["da"].displayed == _expected(deltas.da[0])
    # the worked sum for one middle neuron: every output error, weighted, added up
    terms, total = scene.first_sum
    np.testing.assert_allclose(terms, params.V[:, 0] * deltas.do[0])
    assert total == pytest.approx(terms.sum())
    assert scene.grad_glyphs["V"].displayed == [_expected(r) for r in grads.V]
    assert scene.grad_glyphs["U"].displayed == [_expected(r) for r in grads.U]


def test_dcl_review_gradient_is_the_numeric_derivative():
    params, trace, grads, _ = l2.dcl_lesson(SceneConfig())

    def loss(p) -> float:
        return float(rnn_forward(p, trace.xs, trace.targets).losses.sum())

    h = 1e-6
    for name in ("U", "V"):
        for idx in [(0, 0), (1, 2)]:
            up, down = _nudged(params, name, idx, h), _nudged(params, name, idx, -h)
            numeric = (loss(up) - loss(down)) / (2 * h)
            assert getattr(grads, name)[idx] == pytest.approx(numeric, abs=1e-7)
    assert np.all(grads.W == 0), "one step from h0 = 0: the recurrent weights play no part"


def test_forward_scene_dims_the_last_steps_values_as_context(built_scenes):
    """The step's new values are the brightest on screen: the last step's x and y values
    fade to CONTEXT_OPACITY, h^(t-1) (read through W) and the new values stay at full."""
    from scenes.kit.base import CONTEXT_OPACITY

    scene = built_scenes(l2.RNNForward)

    def opacity(key: str, t: int) -> float:
        return float(scene.glyphs[(key, t)].numbers[0].get_fill_opacity())

    assert opacity("x", 0) == pytest.approx(CONTEXT_OPACITY)
    assert opacity("y", 0) == pytest.approx(CONTEXT_OPACITY)
    assert opacity("h", 0) == pytest.approx(1.0)
    for key in ("x", "h", "y"):
        assert opacity(key, 1) == pytest.approx(1.0)


def test_bptt_errors_flow_back_in_their_colour_as_wide_as_their_size(built_scenes):
    """Each loss's errors are arrows along the chain in its colour, one per earlier step,
    each as wide as ||dL^s/dh^k|| from rnn_core; they stay on screen (the earlier losses'
    dimmed) at the end of every loss's step, and a share that is exactly zero says so."""
    from rnn_core.jacobians import rnn_loss_errors
    from scenes.kit.base import CONTEXT_OPACITY
    from scenes.kit.bptt import flow_lanes, flow_width, lane_widest
    from scenes.kit.diagrams import step_palette
    from scenes.kit.theme import get_theme

    scene = built_scenes(l2.BPTT)
    params, trace = l2.rnn_lesson(SceneConfig())
    T = trace.T
    norms = np.linalg.norm(rnn_loss_errors(params, trace), axis=2)  # (T, T)
    assert sorted(scene.flows) == sorted((s, k) for s in range(T) for k in range(s + 1))
    s, k = T - 1, 0  # the last loss's error at the first step: the longest way back
    arrow, norm = scene.flows[(s, k)]
    assert norm == pytest.approx(norms[s, k], rel=1e-12)
    widest = lane_widest(flow_lanes(scene.chain, T))
    assert arrow.get_stroke_width() == pytest.approx(flow_width(norm, norms.max(), widest))
    colour = step_palette(get_theme("light"), T)[s]
    assert arrow.get_stroke_color().to_hex().lower() == colour.lower()
    # the errors shrink on the way back here, and the widths say so
    widths = [scene.flows[(s, j)][0].get_stroke_width() for j in range(s, -1, -1)]
    assert widths[0] > widths[-1]
    # at the end of each loss's step its arrows and every earlier loss's are on screen,
    # the earlier ones dimmed
    for s, shown in enumerate(scene.flows_at_end):
        assert sorted(shown) == sorted((a, b) for a in range(s + 1) for b in range(a + 1))
        for (a, _), opacity in shown.items():
            expected = 1.0 if a == s else CONTEXT_OPACITY
            assert opacity == pytest.approx(expected, abs=1e-6)
    # W's share of the first loss is exactly zero (it multiplies h^0 = 0): said in words
    assert not np.any(scene.data.contributions[0])
    assert scene.frames[0].zero_note.text == "exactly0"
    assert "exactly zero" in scene.steps[1].notes


def test_neurons_split_the_middle_layer_into_a_and_tanh_of_a(built_scenes):
    """One step draws the middle layer as the two layers of neurons it is: a^t, the linear
    sums, and h^t = tanh(a^t), with the model's values; the next merges them back."""
    scene = built_scenes(l2.RNNNeurons)
    params, trace = l2.rnn_lesson(SceneConfig())
    t = min(trace.T, 2) - 1
    a = params.b + params.W @ trace.h_prev[t] + params.U @ trace.xs[t]
    np.testing.assert_allclose(trace.a[t], a)
    n = len(scene.split_shown["a"])
    assert scene.split_shown["a"] == _expected(trace.a[t][:n])
    assert scene.split_shown["h"] == _expected(np.tanh(trace.a[t])[:n])
    notes = [s.notes for s in scene.steps]
    split = next(k for k, s in enumerate(notes) if s.startswith("Strictly, the middle layer"))
    assert notes[split + 1].startswith("Merged back")
    # after the merge the a^t row is gone and h^t is back on its line, between x and y-hat
    assert scene.split["a"] not in scene.mobjects
