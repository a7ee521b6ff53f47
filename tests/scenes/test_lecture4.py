"""Lecture 4: the two LSTM drawings show exactly the numbers rnn_core computes."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import LSTMParams, lstm_forward
from scenes import lecture4_lstm_forward as l4
from scenes.kit.components import format_value
from scenes.kit.config import SceneConfig
from scenes.kit.lstm_cell import MAX_CELLS, LSTMCell
from scenes.kit.theme import TYPE
from slidebuild.registry import all_scenes

SCENE_CLASSES = [info.cls for info in all_scenes() if info.lecture == 4]


def _shown(glyph) -> list[str]:
    return glyph.displayed


def _expected(values) -> list[str]:
    return [format_value(v) for v in np.asarray(values).ravel()]


def test_lecture_4_registers_its_six_scenes_in_order():
    ids = [cls.scene_id for cls in SCENE_CLASSES]
    assert ids == [
        "lstm-circuit",
        "lstm-odyssey",
        "lstm-circuit-to-odyssey",
        "lstm-unrolled",
        "lstm-gates-over-time",
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


# Layout: the defects of issue 10 ---------------------------------------------------------
def _rect(mob) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) of a mobject's bounding box."""
    return (mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1])


def _inside(inner, outer, tol: float = 0.01) -> bool:
    a, b = _rect(inner), _rect(outer)
    return a[0] >= b[0] - tol and a[1] <= b[1] + tol and a[2] >= b[2] - tol and a[3] <= b[3] + tol


def _overlap(p, q, tol: float = 0.01) -> bool:
    a, b = _rect(p), _rect(q)
    return min(a[1], b[1]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[2], b[2]) > tol


def _assert_glyphs_clean(cell) -> None:
    """Every number inside its cell, every cell inside its glyph's outline, and no glyph
    over another glyph, a terminal label or a gate."""
    for key, glyph in cell.values.items():
        for box, number in zip(glyph.cells, glyph.numbers, strict=True):
            assert _inside(box, glyph.frame), f"{key}: a cell leaves its outline"
            assert _inside(number, box), f"{key}: {number.text!r} leaves its cell"
    parts = {
        **{f"glyph {k}": g.frame for k, g in cell.values.items()},
        **{f"label {k}": m for k, m in cell.terminals.items()},
        **{f"gate {k}": g.box for k, g in cell.gates.items()},
        "tanh_c": cell.tanh_c.box,
        **{f"op {k}": op.circle for k, op in cell.ops.items()},
    }
    names = list(parts)
    for n, a in enumerate(names):
        for b in names[n + 1 :]:
            if a.startswith("glyph") or b.startswith("glyph"):
                assert not _overlap(parts[a], parts[b]), f"{a} overlaps {b}"


def test_gate_extremes_all_shut_values_stay_in_their_cells(built_scenes):
    # The shut step re-shades every glyph: its cells used to come back 1.5x too large,
    # drawn over the old outline and the labels.
    scene = built_scenes(l4.LSTMGateExtremes)
    _assert_glyphs_clean(scene.cell)


def test_circuit_peephole_values_stay_in_their_cells(built_scenes):
    scene = built_scenes(l4.LSTMCircuit)
    _assert_glyphs_clean(scene.cell)


def test_unrolled_vector_entries_are_separated(built_scenes):
    # The rows used to run together ("-0.070.070.01"): numbers wider than their cells.
    scene = built_scenes(l4.LSTMUnrolled)
    for (kind, k), glyph in scene.glyphs.items():
        for box, number in zip(glyph.cells, glyph.numbers, strict=True):
            assert _inside(number, box, tol=0.0), (kind, k, number.text)
        for a, b in zip(glyph.numbers, glyph.numbers[1:], strict=False):
            assert not _overlap(a, b, tol=0.0), (kind, k)
    frames = [g.frame for g in scene.glyphs.values()]
    for n, a in enumerate(frames):
        for b in frames[n + 1 :]:
            assert not _overlap(a, b)


@pytest.mark.parametrize("layout", ["circuit", "odyssey"])
@pytest.mark.parametrize("n", [1, 3, 4, 6])
def test_cell_layout_holds_for_every_size(layout, n):
    rng = np.random.default_rng(n)
    params = LSTMParams.init(n, n, rng)
    step = lstm_forward(params, rng.uniform(-1, 1, size=(2, n))).step(1)
    cell = LSTMCell(layout=layout, peepholes=True)
    cell.show_values(step)
    _assert_glyphs_clean(cell)
    for glyph in cell.values.values():
        assert glyph.n_shown == (n if n <= MAX_CELLS else MAX_CELLS - 1)
        assert len(glyph.cells) <= MAX_CELLS - (1 if glyph.truncated else 0)
    # the inputs are named as inputs (x^t is cut too at n = 6)
    assert cell.note == ("cells 1-3 of 6 · inputs 1-3 of 6" if n == 6 else "")
    left, right, bottom, top = TYPE.figure_zone()
    assert cell.get_left()[0] >= left - 0.1 and cell.get_right()[0] <= right + 0.1
    assert cell.get_bottom()[1] >= bottom - 0.1 and cell.get_top()[1] <= top + 0.1


def test_odyssey_inputs_reach_every_gate_on_a_wire():
    # x^t and y^{t-1} used to float on the left, wired to nothing.
    cell = LSTMCell(layout="odyssey")
    x_bus, y_bus = cell.x_bus.points_list, cell.y_bus.points_list
    assert np.linalg.norm(x_bus[0] - cell.terminals["x"].get_right()) < 0.2
    assert np.linalg.norm(y_bus[0] - cell.terminals["y_prev"].get_right()) < 0.2

    def on(point, polyline) -> bool:
        for a, b in zip(polyline, polyline[1:], strict=False):
            lo, hi = np.minimum(a, b) - 1e-6, np.maximum(a, b) + 1e-6
            if np.all(point >= lo) and np.all(point <= hi):
                return True
        return False

    for g in "zifo":
        feed = cell.wires[f"{g}_in"].points_list
        assert on(feed[0], y_bus), f"{g}: the feed does not start on the y bus"
        crossing = [p for p in x_bus if np.isclose(p[1], x_bus[-1][1])]
        assert crossing and on(np.array([feed[0][0], crossing[0][1], 0.0]), feed), g
        assert on(np.array([feed[0][0], crossing[0][1], 0.0]), x_bus), g
        assert np.allclose(feed[-1], cell.gates[g].box.get_bottom()), g


def test_titles_and_labels_use_the_type_scale(built_scenes):
    scene = built_scenes(l4.LSTMCircuit)
    cell = scene.cell
    for term in cell.terminals.values():
        assert term.font_size == pytest.approx(TYPE.math)
    for glyph in cell.values.values():
        digits = [n for n in glyph.numbers]
        assert min(d.height for d in digits) >= TYPE.min_height


@pytest.mark.parametrize(
    ("step", "bright"),
    [
        (4, {"x", "y_prev", "i"}),  # i^t reads x^t and y^(t-1); f^t and c^(t-1) dim
        (5, {"x", "y_prev", "z"}),  # z^t
        (6, {"c_prev", "f", "i", "z", "c"}),  # c^t: the on-ramps and the kept state
        (7, {"x", "y_prev", "o"}),  # o^t
        (8, {"c", "o", "y"}),  # y^t = tanh(c^t) o^t
    ],
)
def test_circuit_keeps_what_a_step_reads_bright_and_dims_the_rest(
    tiny_render, step: int, bright: set[str]
) -> None:
    """STYLE.md: the step's new value and what it reads at full strength, the other value
    columns dimmed to CONTEXT_OPACITY (the scene stopped at the end of ``step``)."""
    from scenes.kit.base import CONTEXT_OPACITY
    from tests.conftest import build_scene

    scene = build_scene(l4.LSTMCircuit.configured(SceneConfig(), capture_step=step))
    on_screen = {k: g for k, g in scene.cell.values.items() if g in scene.mobjects}
    assert bright <= set(on_screen), sorted(on_screen)
    for key, glyph in on_screen.items():
        opacity = glyph.frame.get_stroke_opacity()
        want = 1.0 if key in bright else CONTEXT_OPACITY
        assert opacity == pytest.approx(want), (key, opacity)
