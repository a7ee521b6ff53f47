"""Scene kit components: values shown, animations, theme at call time, golden frames."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from manim import DOWN, RIGHT, UP, FadeIn

from rnn_core import LSTMParams, lstm_forward
from scenes.kit import LectureSlide, SceneConfig, get_theme, use_theme
from scenes.kit.components import (
    EquationPanel,
    GateBox,
    PointwiseOp,
    VectorGlyph,
    Wire,
    format_value,
    index_ranges,
    route,
    subset_note,
)
from scenes.kit.heatmap import HeatMap
from scenes.kit.lstm_cell import VALUE_KEYS, WIRE_KEYS, LSTMCell
from tests.conftest import build_scene

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RNN_SLIDES_UPDATE_GOLDEN") == "1"


def test_vector_glyph_shows_values_at_two_decimals():
    glyph = VectorGlyph([0.123, -0.5, 0.999, -0.0004])
    assert glyph.displayed == ["0.12", "-0.50", "1.00", "0.00"]
    assert np.allclose([float(s) for s in glyph.displayed], np.round(glyph.values, 2))
    assert len(glyph.cells) == 4 and len(glyph.numbers) == 4


def test_vector_glyph_animates_to_new_values_and_checks_length():
    glyph = VectorGlyph([0.1, 0.2])
    anim = glyph.animate_values([0.3, -0.4])
    assert anim is not None and glyph.displayed == ["0.30", "-0.40"]
    with pytest.raises(ValueError, match="new values have 3 entries; the glyph shows 2"):
        glyph.animate_values([1, 2, 3])


def test_vector_glyph_shading_follows_the_sign():
    theme = get_theme("light")
    glyph = VectorGlyph([0.8, -0.8], theme=theme)
    pos, neg = (c.get_fill_color().to_hex().upper() for c in glyph.cells)
    assert pos == theme.pos.upper() and neg == theme.neg.upper()


def test_format_value_handles_non_finite():
    assert [format_value(v) for v in (np.inf, -np.inf, np.nan)] == ["inf", "-inf", "nan"]


def test_components_take_the_theme_active_when_built():
    with use_theme("dark") as dark:
        gate = GateBox("sigma", name="f")
    with use_theme("light"):  # whatever theme an earlier scene build left active
        light_gate = GateBox("sigma", name="f")
    assert gate.box.get_stroke_color().to_hex().upper() == dark.f.upper()
    assert light_gate.box.get_stroke_color().to_hex().upper() == get_theme("light").f.upper()


def test_bad_component_kinds_are_refused():
    with pytest.raises(ValueError, match="GateBox kind must be 'sigma' or 'tanh'"):
        GateBox("relu")
    with pytest.raises(ValueError, match="PointwiseOp kind must be 'mul' or 'add'"):
        PointwiseOp("div")
    with pytest.raises(ValueError, match="layout must be one of"):
        LSTMCell(layout="spiral")


def test_route_is_orthogonal_and_wires_end_at_their_target():
    pts = route(np.array([0, 0, 0]), np.array([2, 1, 0]), via=[np.array([1, -1, 0])])
    for a, b in zip(pts, pts[1:], strict=False):
        assert np.isclose(a[0], b[0]) or np.isclose(a[1], b[1])
    wire = Wire(pts)
    assert np.allclose(wire.end, [2, 1, 0]) and np.allclose(wire.tip.get_vertices()[0], [2, 1, 0])


def test_equation_panel_lines_and_terms():
    panel = EquationPanel(
        [("c", "bold(c)^t = {{ bold(z)^t dot.o bold(i)^t : ramp }} + bold(c)^(t-1)")]
    )
    assert "c" in panel.lines and len(panel.term("c", "ramp")) > 0
    assert panel.highlight("c") is not None


def test_both_cell_layouts_have_the_same_parts():
    circuit, odyssey = LSTMCell(layout="circuit"), LSTMCell(layout="odyssey")
    for name in ("gates", "ops", "wires", "peepholes", "terminals"):
        assert set(getattr(circuit, name)) == set(getattr(odyssey, name)), name
    assert set(circuit.wires) == set(WIRE_KEYS)


def test_cell_glyphs_hold_the_trace_values():
    rng = np.random.default_rng(0)
    params = LSTMParams.init(3, 3, rng)
    step = lstm_forward(params, rng.normal(size=(2, 3))).step(1)
    cell = LSTMCell(layout="odyssey")
    cell.show_values(step)
    assert set(cell.values) == set(VALUE_KEYS)
    for key, glyph in cell.values.items():
        assert glyph.displayed == [format_value(v) for v in getattr(step, key)], key


class _CellFrame(LectureSlide):
    """A text-free frame for golden tests: the bare cell drawn with Typst's bundled fonts."""

    scene_id = "golden-cell"
    title = "Golden cell"
    description = "The bare LSTM cell."
    layout = "circuit"

    def construct(self) -> None:
        self.step("The bare cell.")
        cell = LSTMCell(layout=self.layout, theme=self.theme)
        self.add(cell)
        self.play(FadeIn(cell))


class _OdysseyFrame(_CellFrame):
    layout = "odyssey"


@pytest.mark.parametrize(
    ("cls", "name"), [(_CellFrame, "cell_circuit"), (_OdysseyFrame, "cell_odyssey_dark")]
)
def test_golden_last_frames(tiny_render, cls, name):
    theme = "dark" if name.endswith("dark") else "light"
    frame = build_scene(cls.configured(SceneConfig(theme=theme))).renderer.get_frame()
    path = GOLDEN / f"{name}.npz"
    if UPDATE or not path.exists():
        if not UPDATE and os.environ.get("CI"):
            pytest.fail(f"golden frame {path.name} is missing; run with RNN_SLIDES_UPDATE_GOLDEN=1")
        np.savez_compressed(path, frame=frame)
    expected = np.load(path)["frame"]
    assert frame.shape == expected.shape
    diff = np.abs(frame.astype(int) - expected.astype(int))
    # Anti-aliasing may differ slightly between cairo builds: allow small per-pixel noise.
    assert diff.max() <= 40 and (diff > 10).mean() < 0.005, (
        f"{name}: {(diff > 10).mean():.4f} of pixels differ"
    )


def test_vector_glyph_cells_fit_the_widest_value_whatever_is_shown():
    # Cells are sized for a sign and two decimals, not for today's values, so a vector
    # that changes value keeps its cell size.
    small, wide = VectorGlyph([0.1, 0.2]), VectorGlyph([-0.99, 0.5])
    assert small.cell_width == pytest.approx(wide.cell_width)
    widest = VectorGlyph([-0.0001 - 0.999])  # "-1.00": the widest two-decimal value
    assert widest.numbers[0].width < widest.cells[0].width
    assert VectorGlyph([-12.5]).cell_width > wide.cell_width  # more digits, wider cells


def test_vector_glyph_keeps_its_cells_when_values_change_after_scaling():
    glyph = VectorGlyph([0.1, -0.2, 0.3]).scale(0.6).shift(RIGHT * 2 + UP)
    before = [(c.get_center().copy(), c.width, c.height) for c in glyph.cells]
    anim = glyph.animate_values([-0.9, 0.05, 0.99])
    target = anim.animations[0].target_mobject
    for (center, width, height), cell in zip(before, target, strict=True):
        assert np.allclose(cell.get_center(), center, atol=1e-6)
        assert cell.width == pytest.approx(width) and cell.height == pytest.approx(height)
    numbers = anim.animations[1].target_mobject
    for number, cell in zip(numbers, target, strict=True):
        assert np.allclose(number.get_center(), cell.get_center(), atol=1e-6)


def test_vector_glyph_shows_a_subset_with_an_ellipsis_and_a_note():
    glyph = VectorGlyph(np.linspace(-1, 1, 6), max_cells=4)
    assert glyph.truncated and glyph.n_shown == 3 and len(glyph.cells) == 3
    assert glyph.displayed == ["-1.00", "-0.60", "-0.20"]
    assert glyph.note == "cells 1-3 of 6" and glyph.more is not None
    # the ellipsis takes the fourth slot: the glyph is exactly four cells long
    assert glyph.frame.height == pytest.approx(4 * glyph.cells[0].height, rel=1e-3)
    assert VectorGlyph([0.1] * 4, max_cells=4).note == ""
    with pytest.raises(ValueError, match="max_cells must be at least 2"):
        VectorGlyph([0.1, 0.2], max_cells=1)


@pytest.mark.parametrize(
    "indices, text",
    [
        ([0, 1, 2], "1-3"),
        ([0, 3, 5], "1, 4, 6"),
        ([5, 0, 3], "1, 4, 6"),
        ([0, 1, 2, 5], "1-3, 6"),
        ([1, 9], "2, 10"),
        ([7], "8"),
        ([0, 1, 4, 5], "1-2, 5-6"),
    ],
)
def test_index_ranges_are_one_based_with_runs_as_ranges(indices, text):
    assert index_ranges(indices) == text


def test_subset_note_names_what_is_shown_and_the_total():
    assert subset_note("cells", [0, 3, 5], 64) == "cells 1, 4, 6 of 64"
    assert subset_note("inputs", [1], 10) == "input 2 of 10"  # one: singular
    assert subset_note("cells", [0, 1, 2], 3) == ""  # all shown: nothing to say


def test_vector_glyph_shows_a_chosen_subset_of_the_full_values():
    values = np.linspace(-0.9, 0.9, 64)
    glyph = VectorGlyph(values, max_cells=4, show=[5, 0, 3])
    assert glyph.indices == (0, 3, 5)  # shown in index order
    assert glyph.displayed == [format_value(v) for v in values[[0, 3, 5]]]
    assert [n.text.replace("\u2212", "-") for n in glyph.numbers] == glyph.displayed
    assert glyph.note == "cells 1, 4, 6 of 64" and glyph.more is not None
    # the cells keep the size the whole vector gives them (a 2-digit value elsewhere)
    wide = values.copy()
    wide[40] = -12.0
    assert VectorGlyph(wide, max_cells=4, show=[0, 3, 5]).cell_width > glyph.cell_width
    inputs = VectorGlyph(np.arange(10) / 10, max_cells=4, show=[1, 9], noun="inputs")
    assert inputs.note == "inputs 2, 10 of 10" and inputs.displayed == ["0.10", "0.90"]
    # new values keep the selection
    glyph.animate_values(-values)
    assert glyph.displayed == [format_value(v) for v in -values[[0, 3, 5]]]
    # every value of a short vector chosen: no ellipsis, no note
    whole = VectorGlyph([0.1, 0.2, 0.3], max_cells=4, show=[0, 1, 2])
    assert whole.more is None and whole.note == ""


@pytest.mark.parametrize(
    "show, match",
    [([64], "index 64"), ([1, 1], "distinct"), ([], "distinct"), ([0, 1, 2, 3], "room for 3")],
)
def test_vector_glyph_refuses_a_selection_it_cannot_show(show, match):
    with pytest.raises(ValueError, match=match):
        VectorGlyph(np.zeros(64), max_cells=4, show=show)


def test_heat_map_draws_the_chosen_rows_of_the_full_values():
    values = np.arange(64 * 4, dtype=float).reshape(64, 4) / 1000  # (rows, T)
    heat = HeatMap(values, max_rows=3, show=[5, 0, 3], row_labels=["cell 1", "cell 4", "cell 6"])
    assert heat.rows == (0, 3, 5) and heat.n_rows == 3
    assert heat.note == "cells 1, 4, 6 of 64"
    heat.reveal([0, 2])
    expected = [
        [format_value(values[r, t]) if t in (0, 2) else "" for t in range(4)] for r in (0, 3, 5)
    ]
    assert heat.displayed == expected
    written = [heat.numbers[r][0].text.replace("\u2212", "-") for r in range(3)]
    assert written == [format_value(values[r, 0]) for r in (0, 3, 5)]
    heat.animate_values(values / 2)
    assert heat.displayed[1][2] == format_value(values[3, 2] / 2)
    assert HeatMap(values, max_rows=3).note == "cells 1-3 of 64"  # default: the first rows
    with pytest.raises(ValueError, match="room for 3"):
        HeatMap(values, max_rows=3, show=[0, 1, 2, 3])


def test_cell_columns_use_the_cell_and_input_selections():
    rng = np.random.default_rng(3)
    params = LSTMParams.init(10, 64, rng, peepholes=False)
    step = lstm_forward(params, rng.uniform(-1, 1, size=(2, 10))).step(1)
    cell = LSTMCell(layout="odyssey", peepholes=False, show_cells=[0, 3, 5], show_inputs=[1, 9])
    cell.show_values(step)
    for key, glyph in cell.values.items():
        which = [1, 9] if key == "x" else [0, 3, 5]
        full = getattr(step, key)
        assert glyph.displayed == [format_value(v) for v in full[which]], key
    assert cell.note == "cells 1, 4, 6 of 64 · inputs 2, 10 of 10"
    default = LSTMCell(layout="circuit", peepholes=False)
    default.show_values(step)
    assert default.note == "cells 1-3 of 64 · inputs 1-3 of 10"


def test_place_clear_finds_room_beside_a_figure_and_off_its_wires():
    from manim import Rectangle

    from scenes.kit.components import label, place_clear

    zone = (-6.0, 6.0, -2.0, 2.0)
    block = Rectangle(width=6.0, height=3.6).set_fill("#888888", 1.0).move_to([-2.5, 0.0, 0.0])
    bus = Wire([np.array([-6.0, -1.9, 0.0]), np.array([6.0, -1.9, 0.0])])  # along the foot
    note = label("cells 1, 4, 6 of 64")
    assert place_clear(note, [block, bus], zone)
    assert note.get_right()[0] <= 6.0 + 1e-9 and note.get_left()[0] >= block.get_right()[0]
    assert note.get_bottom()[1] > -1.9 + 0.1 - 1e-9  # above the bus, not across it
    assert note.get_top()[1] <= 2.0 + 1e-9
    # no room at all: reported, note at the bottom-right corner
    wall = Rectangle(width=12.0, height=4.0).set_fill("#888888", 1.0)
    assert not place_clear(note, [wall], zone)
    assert note.get_right()[0] == pytest.approx(6.0) and note.get_bottom()[1] == pytest.approx(-2.0)


def test_dashed_wire_pulses_where_it_is_drawn_after_a_move():
    # The flash of a dotted bus used to run along the wire's unmoved path: a stray tick
    # below the diagram once the cell was scaled and placed.
    wire = Wire([np.array([0.0, 0.0, 0.0]), np.array([2.0, 0.0, 0.0])], past=True, tip=False)
    wire.scale(0.5).shift(RIGHT * 3 + DOWN * 2)
    flash = wire.pulse().mobject
    assert np.allclose(flash.get_center(), wire.path.get_center(), atol=1e-6)
    assert flash.width == pytest.approx(wire.path.width, rel=0.05)


def test_type_scale_has_nothing_below_the_floor():
    from manim import Text

    from scenes.kit.theme import TYPE

    assert TYPE.title > TYPE.heading > TYPE.label >= TYPE.note
    for size in (TYPE.title, TYPE.heading, TYPE.label, TYPE.note, TYPE.number):
        assert Text("0", font="DejaVu Sans", font_size=size).height >= TYPE.min_height
    assert GateBox("sigma").symbol.height >= TYPE.min_height


@pytest.mark.parametrize("fps", [5, 15, 30, 60])
def test_a_pulse_is_gone_on_the_last_frame_a_video_shows(fps):
    # A video's last frame of an animation is one frame short of its end; manim's passing
    # flash still covered the end of the wire there: an orange tick at the end of the
    # dotted y bus in the circuit's step 2 (not in the still).
    wire = Wire([np.array([0.0, 0.0, 0.0]), np.array([2.0, 0.0, 0.0])], past=True, tip=False)
    anim = wire.pulse("#FF8800", run_time=1.0)
    anim.begin()
    anim.interpolate(0.3)  # it does flash on the way
    assert anim.mobject.get_stroke_opacity() == 1.0 and len(anim.mobject.points) > 0
    anim.interpolate(1.0 - 1.0 / fps)
    assert anim.mobject.get_stroke_opacity() == 0.0
