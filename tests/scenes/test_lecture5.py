"""Lecture 5: the backprop scenes show the numbers rnn_core computes, and those numbers are
the derivatives they claim to be (checked here against finite differences)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from rnn_core.landscape import pascanu_cliff
from scenes import lecture5_lstm_backprop as l5
from scenes.kit.components import format_value
from scenes.kit.config import SceneConfig
from scenes.kit.theme import get_theme
from scenes.lesson_data import (
    chain_examples,
    cliff_data,
    gradient_norms,
    lstm_backward_example,
    lstm_errors_through_time,
)
from scenes.lstm_backprop import backward_flow as l5_flow
from scenes.lstm_backprop import clipping as l5_clipping
from scenes.lstm_backprop import common as l5_common
from slidebuild.registry import all_scenes

SCENE_CLASSES = [info.cls for info in all_scenes() if info.lecture == 5]


def _expected(values) -> list[str]:
    return [format_value(v) for v in np.asarray(values).ravel()]


def _nudged(params, name: str, index, h: float):
    """A copy of ``params`` with one entry of one array moved by ``h``."""
    arr = getattr(params, name).copy()
    arr[index] += h
    return dataclasses.replace(params, **{name: arr})


def test_lecture_5_registers_its_scenes_in_order():
    assert [cls.scene_id for cls in SCENE_CLASSES] == [
        "chain-rule-graphs",
        "errors-through-time",
        "lstm-backward-flow",
        "delta-c-graph",
        "vanishing-exploding",
        "gradient-clipping",
    ]


# Chain rules ---------------------------------------------------------------------------


def test_chain_examples_match_hand_derivatives_and_finite_differences():
    ex = chain_examples()
    x = 0.5
    by_hand = {
        # L = sin(x^2)^2
        "single": 2 * math.sin(x * x) * math.cos(x * x) * 2 * x,
        # L = x^2 sin x + x^2
        "two": 2 * x * math.sin(x) + x * x * math.cos(x) + 2 * x,
        # L = sum_k sin(k x)^2 / k
        "general": sum(2 * math.sin(k * x) * math.cos(k * x) for k in range(1, 5)),
    }
    for name, expected in by_hand.items():
        assert ex[name].derivative == pytest.approx(expected, abs=1e-12), name
        assert ex[name].numeric == pytest.approx(expected, abs=1e-7), name
        assert sum(ex[name].terms) == pytest.approx(ex[name].derivative, abs=1e-15)
    assert len(ex["two"].terms) == 2 and len(ex["general"].terms) == 4


def test_chain_rule_scene_shows_the_derivatives(built_scenes):
    scene = built_scenes(l5.ChainRuleGraphs)
    assert len(scene.steps) == 3
    for name, example in chain_examples().items():
        assert scene.shown[name] == l5_common._fmt(example.derivative, 6)


# Errors through time -------------------------------------------------------------------


def test_errors_through_time_shows_each_steps_share_as_it_reads(built_scenes):
    """The trained story: one loss at the recall; its shares by step are tiny except at the
    store step, so they are written in percent on a log colour scale, and the exact values
    of the sum step in scientific notation (no block of 0.00)."""
    from scenes.kit.magnitudes import percent_text, sci_text

    scene = built_scenes(l5.ErrorsThroughTime)
    data = lstm_errors_through_time(SceneConfig(), "W_z")
    T = data.contributions.shape[0]
    assert len(scene.steps) == T + 2  # the chain, one step per block reached, the sum
    assert scene.strip.displayed == [percent_text(v) for v in data.shares]
    assert scene.strip.displayed[1] == "99.0 %"  # the store step, t = 2
    r, c = min(3, data.total.shape[0]), min(3, data.total.shape[1])
    store = scene.store_step
    assert scene.exact.displayed == [
        [sci_text(v) for v in row] for row in data.contributions[store][:r, :c]
    ]
    assert scene.total.displayed == [[sci_text(v) for v in row] for row in data.total[:r, :c]]
    # the shares add up to the gradient of the whole loss, which is what the scene sums to
    np.testing.assert_allclose(data.contributions.sum(axis=0), data.total, atol=1e-12)
    assert data.shares.sum() == pytest.approx(1.0)
    # the trained model has one loss, at the recall step: split by the step the error
    # reaches, the store step (the zoomed step of the block view) takes the largest share
    ex = lstm_backward_example(SceneConfig())
    assert ex.recall_only and data.share_label is not None
    assert np.count_nonzero(data.losses) == 1 and data.losses[-1] > 0
    assert int(np.argmax(data.shares)) == ex.t == store == 1
    assert data.shares[ex.t] > 0.9


def test_errors_through_time_lights_the_chain_from_the_recall_to_the_store_step(built_scenes):
    """Every block from the recall back to step 1 gets its arrow, in the error colour, as
    wide as ||(delta c^k, delta y^k)|| of the recall's loss (rnn_core), and the arrows stay
    on screen until the sum."""
    from rnn_core.jacobians import lstm_loss_errors
    from scenes.kit.bptt import flow_width

    scene = built_scenes(l5.ErrorsThroughTime)
    ex = lstm_backward_example(SceneConfig())
    T = ex.trace.T
    dc, dy = lstm_loss_errors(ex.params, ex.trace, ex.dy_ext)
    norms = np.sqrt((dc[T - 1] ** 2).sum(axis=1) + (dy[T - 1] ** 2).sum(axis=1))
    assert sorted(scene.flows) == [(T - 1, k) for k in range(T)]
    arrow, norm = scene.flows[(T - 1, ex.t)]  # the arrow into the store step
    assert norm == pytest.approx(norms[ex.t], rel=1e-12)
    assert arrow.get_stroke_width() == pytest.approx(flow_width(norms[ex.t], norms.max()))
    assert arrow.get_stroke_color().to_hex().lower() == get_theme("light").error.lower()
    # the highway keeps the error alive: no arrow on the way back is a hairline
    assert norms.min() > 0.5 * norms.max()
    # the chain stays lit: at the end of the step that reaches block k, every arrow from
    # the recall back to k is on screen, at full strength
    for n, shown in enumerate(scene.flows_at_end):
        assert sorted(shown) == [(T - 1, k) for k in range(T - 1 - n, T)]
        assert all(v == pytest.approx(1.0) for v in shown.values())


def test_errors_through_time_states_a_factor_where_a_share_would_print_as_zero(tiny_render):
    """The seeded model's first loss sends a tiny share to W_z: it is drawn times a stated
    power of ten (the lint's "uninformative values" found its 0.00s), the others as they
    are."""
    from scenes.kit.magnitudes import common_exponent
    from tests.conftest import build_scene

    cfg = SceneConfig(theme="dark").with_model(preset="random")
    scene = build_scene(l5.ErrorsThroughTime.configured(cfg))
    data = lstm_errors_through_time(cfg, "W_z")
    r, c = scene.shown
    for s, frame in enumerate(scene.frames):
        e = scene.frame_factors[s]
        assert e == common_exponent(data.contributions[s][:r, :c])
        assert frame.displayed == [_expected(x / 10.0**e) for x in data.contributions[s][:r, :c]]
    # while the losses come in (3 x 2 blocks), the first share is 5 of 6 zeros at 2 places
    assert scene.loss_frame_factors[0] == -3 and scene.loss_frame_factors[-1] == 0
    assert not [p for step in scene.steps for p in step.layout]


def test_errors_through_time_keeps_one_share_per_loss_for_the_random_model():
    data = lstm_errors_through_time(SceneConfig().with_model(preset="random"), "W_z")
    assert data.share_label is None and data.notes is None
    # every loss contributes: no frame is empty
    assert all(np.abs(c).max() > 1e-6 for c in data.contributions)


def test_the_summed_gradient_is_the_loss_derivative():
    cfg = SceneConfig()
    ex = lstm_backward_example(cfg)
    data = lstm_errors_through_time(cfg, "W_z")

    def loss(params) -> float:
        return ex.objective(params)  # the loss, or the trained read-out at the recall

    h = 1e-6
    for idx in [(0, 0), (data.total.shape[0] - 1, data.total.shape[1] - 1)]:
        numeric = (
            loss(_nudged(ex.params, "W_z", idx, h)) - loss(_nudged(ex.params, "W_z", idx, -h))
        ) / (2 * h)
        assert data.total[idx] == pytest.approx(numeric, abs=1e-7)


# Inside the block ----------------------------------------------------------------------


def test_backward_flow_glyphs_are_the_deltas_at_t(built_scenes):
    scene = built_scenes(l5.LSTMBackwardFlow)
    ex = lstm_backward_example(SceneConfig())
    t = ex.t
    assert 0 <= t < ex.trace.T - 1, "the zoomed step must have a next step to receive from"
    for key in ("dy", "do_bar", "dc", "df_bar", "di_bar", "dz_bar"):
        # values that would print as 0.00 are shown times a stated power of ten
        e = scene.factors[key]
        assert scene.glyphs[key].displayed == _expected(getattr(ex.deltas, key)[t] / 10.0**e)
        if e:
            assert scene.glyphs[key].factor.text == f"×10{_sup(e)}"
    # the trained model's tiny deltas (delta o-bar ~ 1e-4) read, with their factor
    assert scene.factors["do_bar"] == -4 and scene.factors["dc"] == 0
    highway = ex.deltas.dc[t + 1] * ex.trace.f[t + 1]
    np.testing.assert_allclose(scene.highway_value, highway)
    assert np.abs(highway).max() > 1e-3, "the highway term should be visible, not zero"
    for gate, glyph in scene.bias_glyphs.items():
        e = scene.bias_factors[gate]
        assert glyph.displayed == _expected(getattr(ex.grads, f"b_{gate}") / 10.0**e), gate


def _sup(e: int) -> str:
    return str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def test_delta_terms_sum_to_the_deltas_of_lstm_backward():
    """The terms the routes carry are the terms of the equations, and they add up to the
    deltas lstm_backward computed (every config's model: peepholes or not)."""
    from scenes.lesson_data import delta_terms

    for cfg in (
        SceneConfig(),
        SceneConfig().with_model(preset="random", peepholes=False),
        SceneConfig().with_model(n_in=6, n_hidden=6, steps=8),
    ):
        ex = lstm_backward_example(cfg)
        for key, terms in delta_terms(ex).items():
            np.testing.assert_allclose(sum(terms.values()), ex.at(key), atol=1e-12)
            assert set(terms) == {r.term for r in l5_flow.DELTA_ROUTES[key]}


def test_routes_table_matches_the_equations_and_the_block():
    """ONE table says which wires each delta's equation reads: every labelled term of every
    equation has its route and every route its term; every wire it names exists on the
    block (or the faded block of t+1)."""
    from scenes.kit.lstm_cell import LSTMCell

    cell = LSTMCell(layout="circuit", peepholes=True)
    for key, routes in l5_flow.DELTA_ROUTES.items():
        for peep in (True, False):
            expr = l5_flow.DELTA_EQUATIONS[l5_flow.equation_key(key, peep)]
            drawn = [r.term for r in l5_flow.routes_for(key, peep)]
            assert drawn == l5_flow.equation_terms(expr), (key, peep)
        assert len({r.term for r in routes}) == len(routes)
        for r in routes:
            for wire in r.wires:
                ok = (
                    wire in cell.wires
                    or (wire.startswith("peep_") and wire[5:] in cell.peepholes)
                    or wire in ("loss", "link_y", "link_c")
                    or wire in {f"next.{g}" for g in "zifo"}
                    or wire in ("next.peep_i", "next.peep_f", "next.highway")
                )
                assert ok, (key, r.term, wire)
    # the terms of step t+1 are the ones that come from the faded block
    for key, routes in l5_flow.DELTA_ROUTES.items():
        for r in routes:
            from_next = any(w.startswith("next.") for w in r.wires)
            assert from_next == ("t+1" in _term_expr(key, r.term)), (key, r.term)


def _term_expr(key: str, term: str) -> str:
    import re

    expr = l5_flow.DELTA_EQUATIONS[key]
    return re.search(r"\{\{([^{}]*):\s*" + term + r"\s*\}\}", expr).group(1)


def test_backward_flow_draws_the_routes_of_the_table_as_wide_as_their_terms(built_scenes):
    """The scene draws exactly the table's routes, one arrow per wire, purple, each as wide
    as its term's size (computed from rnn_core's deltas), lights the same terms in the
    strip, and the arrows stay on screen (dimmed) to the last delta's step."""
    from scenes.kit.bptt import flow_width
    from scenes.lesson_data import delta_terms

    scene = built_scenes(l5.LSTMBackwardFlow)
    ex = lstm_backward_example(SceneConfig())
    terms = delta_terms(ex)
    top = max(np.linalg.norm(v) for d in terms.values() for v in d.values())
    for key, drawn in scene.routes_drawn.items():
        assert drawn == [(r.term, r.wires) for r in l5_flow.routes_for(key, True)]
        for term, wires in drawn:
            flow = scene.flows[(key, term)]
            assert len(flow) == len(wires)
            width = flow_width(np.linalg.norm(terms[key][term]), top)
            assert all(a.path.get_stroke_width() == pytest.approx(width) for a in flow)
            assert flow[0].color_hex == get_theme("light").error
    # one arrow checked against lstm_backward itself: the highway into c^t
    t = ex.t
    highway = ex.deltas.dc[t + 1] * ex.trace.f[t + 1]
    assert scene.flows[("dc", "highway")].norm == pytest.approx(np.linalg.norm(highway))
    # every route is still on screen at the end of the last delta's step: its own at full
    # strength, the earlier ones dimmed
    assert set(scene.flows_at_end) == set(scene.flows)
    for (key, _), opacity in scene.flows_at_end.items():
        assert opacity == pytest.approx(1.0 if key == "dz_bar" else 0.4, abs=1e-6)


def test_displayed_bias_gradient_is_the_numeric_one():
    ex = lstm_backward_example(SceneConfig())

    def loss(params) -> float:
        return ex.objective(params)  # the loss, or the trained read-out at the recall

    h = 1e-6
    for j in range(ex.params.b_f.shape[0]):
        numeric = (
            loss(_nudged(ex.params, "b_f", j, h)) - loss(_nudged(ex.params, "b_f", j, -h))
        ) / (2 * h)
        assert ex.grads.b_f[j] == pytest.approx(numeric, abs=1e-7)


# Vanishing and exploding ---------------------------------------------------------------


def test_vanishing_and_exploding_curves(built_scenes):
    scene = built_scenes(l5.VanishingExploding)
    data = gradient_norms(SceneConfig())
    low, high = data.rnn
    assert set(scene.curves) == {
        "rnn_low",
        "bound_low",
        "rnn_high",
        "bound_high",
        "highway",
        "lstm",
    }
    # below 1/gamma the norm vanishes, and never beats its bound
    assert low[-1] < 1e-2 * low[0]
    assert np.all(low <= data.bounds[0] * (1 + 1e-9))
    assert np.all(high <= data.bounds[1] * (1 + 1e-9))
    assert high[-1] > 100 * low[-1]
    # the forget-gate highway decays far more slowly than the small-weight RNN
    assert data.highway[-1] > 100 * low[-1]
    # each curve passes through its data on the log axes
    pts = scene.curves["rnn_low"].get_anchors()
    for k in (0, len(low) // 2, len(low) - 1):
        expected = scene.axes.point(data.distances[k], low[k])
        assert np.min(np.linalg.norm(pts - expected, axis=1)) < 1e-6


# Gradient clipping ---------------------------------------------------------------------


def test_clipping_paths_plain_leaves_the_map_clipped_stays(built_scenes):
    scene = built_scenes(l5.GradientClipping)
    data = cliff_data()
    plain, clipped = scene.paths["plain"], scene.paths["clipped"]
    inside = (
        (data.w[0] <= plain.points[:, 0])
        & (plain.points[:, 0] <= data.w[-1])
        & (data.b[0] <= plain.points[:, 1])
        & (plain.points[:, 1] <= data.b[-1])
    )
    assert not inside.all(), "plain descent should be thrown off the map"
    assert plain.grad_norms.max() > 10 * data.threshold
    for w, b in clipped.points:
        assert data.w[0] <= w <= data.w[-1] and data.b[0] <= b <= data.b[-1]
    assert clipped.clipped.any()
    assert clipped.losses[-1] < clipped.losses[0]


def test_clipping_panel_numbers():
    data = cliff_data()
    g = data.gradient
    # norm clipping rescales to exactly the threshold and keeps the direction
    assert np.linalg.norm(data.norm_clipped) == pytest.approx(data.threshold)
    cos = g @ data.norm_clipped / (np.linalg.norm(g) * np.linalg.norm(data.norm_clipped))
    assert cos == pytest.approx(1.0)
    # value clipping bounds each component and turns the vector
    assert np.all(np.abs(data.value_clipped) <= data.threshold)
    cos_v = g @ data.value_clipped / (np.linalg.norm(g) * np.linalg.norm(data.value_clipped))
    assert cos_v < 0.99


def test_cliff_mesh_is_the_real_loss_and_follows_the_cliff():
    data = cliff_data()
    loss, _, _ = pascanu_cliff(data.mesh_w, data.mesh_b)
    off_wall = np.abs(data.mesh_b - data.cliff_line[:, None]) > 0.02
    assert off_wall.mean() > 0.5
    # the mesh interpolates between samples 0.001 apart in b: exact to a few percent of the
    # loss range even on the steepest slope, and far closer almost everywhere
    err = np.abs(data.mesh_loss - np.asarray(loss))[off_wall]
    assert err.max() < 0.03 * np.ptp(data.loss)
    assert np.mean(err < 1e-3) > 0.95
    # rows run monotonically in b across the whole range in every column
    assert np.all(np.diff(data.mesh_b, axis=1) >= 0)
    np.testing.assert_allclose(data.mesh_b[:, 0], data.b[0])
    np.testing.assert_allclose(data.mesh_b[:, -1], data.b[-1])
    # where the cliff is a real jump, several rows sit on the wall
    w_hi = data.mesh_w[:, 0] > 5.5
    on_wall = np.abs(data.mesh_b[w_hi] - data.cliff_line[w_hi, None]) < 1e-3
    assert np.all(on_wall.sum(axis=1) >= 4)


@pytest.mark.parametrize(
    "cls", [l5.ErrorsThroughTime, l5.VanishingExploding], ids=lambda c: c.scene_id
)
def test_dark_theme_builds(built_scenes, cls):
    scene = built_scenes(cls, theme="dark")
    for step in scene.steps:
        assert step.out_of_frame == [], f"step {step.index}: {step.out_of_frame[:3]}"
    frame = np.asarray(scene.renderer.get_frame())[..., :3].astype(float)
    bg = get_theme("dark").background
    corner = frame[2, 2]
    assert np.allclose(corner, [int(bg[k : k + 2], 16) for k in (1, 3, 5)], atol=2)


# The issue-10 defects: bound under the curve, axis range, cliff staircase, video vs still --


def test_bound_is_a_wide_band_under_its_curve_and_visible_beside_it(built_scenes):
    """The ||W|| = 0.75 norm runs exactly along its bound: the bound must still show, as a
    band wider than the curve on both sides of it, drawn beneath it."""
    scene = built_scenes(l5.VanishingExploding)
    for norm, bound in (("rnn_low", "bound_low"), ("rnn_high", "bound_high")):
        curve, band = scene.curves[norm], scene.curves[bound]
        assert band.get_stroke_width() >= 3 * curve.get_stroke_width()
        assert band.get_stroke_opacity() < 0.6 <= curve.get_stroke_opacity()
        assert band.z_index < curve.z_index, "the band is drawn under the curve"
    # on screen the low curve lies inside its band (manim strokes are 0.01 scene units per
    # unit of width), so the band shows on both sides of it
    data = scene.data
    band_w, curve_w = (scene.curves[k].get_stroke_width() for k in ("bound_low", "rnn_low"))
    assert (band_w - curve_w) / 2 >= curve_w, "the band shows a curve width on each side"
    for k in range(len(data.distances)):
        on_curve = scene.axes.point(data.distances[k], data.rnn[0][k])
        on_bound = scene.axes.point(data.distances[k], data.bounds[0][k])
        assert np.linalg.norm(on_curve - on_bound) <= 0.01 * (band_w - curve_w) / 2


def test_log_axis_covers_the_data_with_a_margin_and_no_empty_decades(built_scenes):
    scene = built_scenes(l5.VanishingExploding)
    data = scene.data
    values = np.concatenate([*data.rnn, *data.bounds, data.lstm, data.highway])
    lo, hi = np.log10(values.min()), np.log10(values.max())
    d_lo, d_hi = scene.decades
    assert d_lo <= lo - 0.1 and d_hi >= hi + 0.1, "every curve inside, with room"
    assert d_lo > lo - 1 and d_hi < hi + 1, "no empty decade (the old axis ran to 1e-6)"
    assert scene.axes.clipped(values).sum() == 0


def test_cliff_mesh_has_the_wall_in_the_same_row_of_every_column():
    """A staircase wall is the steepest drop moving from one row to another between
    neighbouring columns; the drawing mesh keeps it between the same two rows."""
    W, B, L, wall = l5_clipping.cliff_surface_mesh(cliff_data())
    drops = np.abs(np.diff(L, axis=1))  # (columns, rows - 1)
    jump = drops.max(axis=1) > 0.1  # columns where the cliff is a real jump
    assert jump.sum() >= 10
    steepest = np.argmax(drops[jump], axis=1)
    assert len(set(steepest.tolist())) == 1, steepest
    # the loss at every mesh point is the core's, exactly
    loss, _, _ = pascanu_cliff(W, B)
    np.testing.assert_array_equal(L, loss)
    assert np.all(np.diff(B, axis=1) > 0)


def test_projection_is_manims_3d_camera():
    """The landscape is projected by hand with the same maths as manim's ThreeDCamera."""
    from manim.camera.three_d_camera import ThreeDCamera

    cam = ThreeDCamera(phi=58 * np.pi / 180, theta=15 * np.pi / 180, zoom=1.3)
    view = l5_clipping.Projection(58.0, 15.0, 1.3)
    pts = np.random.default_rng(0).uniform(-3, 3, size=(20, 3))
    np.testing.assert_allclose(view(pts)[:, :2], cam.project_points(pts)[:, :2], atol=1e-12)


def test_cliff_scene_has_axes_with_ticks_and_an_arc_leaving_the_map(built_scenes):
    scene = built_scenes(l5.GradientClipping)
    ticks = [t.text for t in scene.axis_ticks]
    for expected in ("3", "4", "5", "6", "\u22124", "\u22123", "\u22122", "\u22121", "0.0", "0.5"):
        assert expected in ticks, (expected, ticks)
    assert len(scene.axis_names) == 3  # w, b, loss
    # the unclipped jump: an arc from the last point on the map over its edge
    d = scene.data
    np.testing.assert_allclose(scene.arc_points[0], scene._path_points(d.plain)[-1], atol=0.05)
    w_end, b_end = scene.arc_ground_end
    assert not (d.w[0] <= w_end <= d.w[-1] and d.b[0] <= b_end <= d.b[-1])
    assert scene.arc_label.text.startswith("onestepjumpsto")  # Text drops spaces
    # colour-blind-safe pair: the paths are blue and vermillion from the theme, the clipped
    # one dashed
    th = scene.theme
    assert scene.plain_line.get_stroke_color().to_hex().upper() == th.c.upper()
    assert len(scene.clip_line.submobjects) > 5, "the clipped path is dashed"
    assert scene.clip_line.submobjects[0].get_stroke_color().to_hex().upper() == th.peephole.upper()


@pytest.mark.slow  # the default run checks every step of this scene at every config in
# tests/scenes/test_video_frames.py; this one draws every frame of the animations
def test_cliff_video_frame_of_the_last_step_is_the_still(tiny_render):
    """The last frame the video shows of the last step equals the frame built with
    animations skipped (the old title transform left letters drawn through the 3-D camera:
    'N rm cli ping vs alue cl pping')."""
    from scenes.kit.lint import frame_differences
    from tests.conftest import build_scene

    cls = _recording_last_play(l5.GradientClipping.configured(SceneConfig()))
    video = build_scene(cls, skip_animations=False)
    moving = video.last_played_frame[..., :3].astype(float)
    still_scene = build_scene(cls)
    still = np.asarray(still_scene.renderer.get_frame())[..., :3].astype(float)
    # the video check's comparison: anti-aliasing and sub-pixel shifts are no defects
    assert frame_differences(still, moving) == []


def _recording_last_play(cls):
    """``cls`` that keeps the frame the camera drew last in each ``play``: the frame a
    video shows at the end of the animation (after it, a still build draws the final
    state again, which hides a defect that only the animation's own frames have)."""

    def play(self, *args, **kwargs):
        cls.play(self, *args, **kwargs)
        self.last_played_frame = np.array(self.renderer.get_frame())

    return type(cls.__name__, (cls,), {"play": play, "__module__": cls.__module__})


@pytest.mark.parametrize(("config", "peepholes"), [("max", True), ("max-nopeep", False)])
def test_delta_c_equation_has_peephole_terms_only_with_peepholes(
    built_scenes, config: str, peepholes: bool
) -> None:
    scene = built_scenes(l5.LSTMBackwardFlow, config=config)
    shown = scene.equations_shown
    dc = [key for key in shown if key.startswith("dc")]
    assert dc == ["dc" if peepholes else "dc_nopeep"]
    has_p = "bold(p)_" in l5_flow.DELTA_EQUATIONS[dc[0]]
    assert has_p == peepholes, "a model without peepholes has no p terms on the slide"


def test_backward_flow_keeps_the_deltas_a_delta_is_made_of_bright(tiny_render) -> None:
    """At delta f-bar (step 6) the cell's delta it is made of stays at full strength and
    the output's deltas dim (STYLE.md: the step's new thing is the brightest)."""
    from scenes.kit.base import CONTEXT_OPACITY
    from tests.conftest import build_scene

    scene = build_scene(l5.LSTMBackwardFlow.configured(SceneConfig(), capture_step=6))
    opacity = {k: g.frame.get_stroke_opacity() for k, g in scene.glyphs.items()}
    assert set(opacity) == {"dy", "do_bar", "dc", "df_bar"}
    assert opacity["df_bar"] == pytest.approx(1.0) and opacity["dc"] == pytest.approx(1.0)
    assert opacity["dy"] == pytest.approx(CONTEXT_OPACITY)
    assert opacity["do_bar"] == pytest.approx(CONTEXT_OPACITY)


def test_loss_shares_row_stays_inside_the_figure_zone(tiny_render) -> None:
    """Eight shares on one row (the trained story) and their scale bar stay in the figure
    zone."""
    from scenes.kit.theme import TYPE
    from tests.conftest import build_scene

    T = lstm_errors_through_time(SceneConfig(), "W_z").contributions.shape[0]
    scene = build_scene(l5.ErrorsThroughTime.configured(SceneConfig(), capture_step=T + 1))
    left, right, _, _ = TYPE.figure_zone()
    assert all(
        cell in scene.mobjects or cell in scene.strip.get_family() for cell in scene.strip.cells
    )
    for part in (scene.strip.cells, scene.strip.bar):
        assert part.get_left()[0] >= left - 1e-6
        assert part.get_right()[0] <= right + 1e-6


# delta c as a graph --------------------------------------------------------------------


def test_delta_c_graph_branches_are_the_routes_and_sum_to_delta_c(built_scenes):
    """The branches lit are delta c's routes in the one table, each with its real term
    (shown times its stated factor), as wide as the term; they add up to lstm_backward's
    delta c, which the last row shows."""
    from scenes.kit.bptt import flow_width
    from scenes.lstm_backprop import delta_c_graph as dcg

    scene = built_scenes(l5.DeltaCGraph)
    ex = lstm_backward_example(SceneConfig())
    t = ex.t
    assert scene.branches == [r.term for r in l5_flow.routes_for("dc", True)]
    assert set(scene.branches) == set(dcg.BRANCHES)
    np.testing.assert_allclose(sum(scene.terms.values()), ex.deltas.dc[t], atol=1e-12)
    for b, values in scene.terms.items():
        e = scene.factors[b]
        assert scene.glyphs[b].displayed == _expected(values / 10.0**e), b
    assert scene.glyphs["sum"].displayed == _expected(ex.deltas.dc[t])
    # the highway branch, from lstm_backward's own deltas: 99 % of delta c at the store step
    highway = ex.deltas.dc[t + 1] * ex.trace.f[t + 1]
    np.testing.assert_allclose(scene.terms["highway"], highway)
    assert scene.shares["highway"] > 0.9
    top = max(np.linalg.norm(v) for v in scene.terms.values())
    for arrow in scene.branch_edges["highway"]:
        assert arrow.get_stroke_width() == pytest.approx(flow_width(np.linalg.norm(highway), top))
    assert len(scene.steps) == 1 + 2 + len(scene.branches) + 1


def test_delta_c_graph_without_peepholes_has_two_branches(tiny_render):
    from tests.conftest import build_scene

    cfg = SceneConfig().with_model(preset="random", peepholes=False)
    scene = build_scene(l5.DeltaCGraph.configured(cfg))
    assert scene.branches == ["via_y", "highway"]
    ex = lstm_backward_example(cfg)
    np.testing.assert_allclose(sum(scene.terms.values()), ex.at("dc"), atol=1e-12)
