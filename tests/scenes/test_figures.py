"""Static figures: they plot the lesson data the scenes show, in the theme's colours, and the
CLI writes them where the README says."""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.colors import to_hex
from PIL import Image

from render import cli
from scenes.kit.config import SceneConfig
from scenes.kit.theme import get_theme
from scenes.lesson_data import cliff_data, clipping_histories, gradient_norms
from slidebuild.figures import FIGURES, get_figure


def test_figure_ids_are_unique_and_stable():
    ids = [f.id for f in FIGURES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    with pytest.raises(KeyError, match="known: gradient-norm-decay"):
        get_figure("no-such-figure")


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("spec", FIGURES, ids=lambda f: f.id)
def test_figures_use_the_theme(spec, theme):
    th = get_theme(theme)
    fig = spec.make(th)
    assert to_hex(fig.get_facecolor()) == th.background.lower()
    assert fig.axes, "a figure has axes"
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        assert ax.get_title() or ax.get_ylabel(), "every plot says what it shows"


def test_gradient_norm_figure_plots_the_jacobian_norms():
    fig = get_figure("gradient-norm-decay").make(get_theme("light"))
    data = gradient_norms(SceneConfig())
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    np.testing.assert_allclose(
        lines[rf"simple RNN, $\|W\| = {data.sigmas[0]}$"].get_ydata(), data.rnn[0]
    )
    np.testing.assert_allclose(lines[r"LSTM highway: $\prod f$"].get_ydata(), data.highway)
    assert fig.axes[0].get_yscale() == "log"
    # legends in math (mathtext), not caret text
    labels = list(lines)
    assert not any("^(" in s or "||" in s for s in labels), labels
    assert lines[f"bound ${data.sigmas[0]}^{{t-k}}$"]


def test_gradient_norm_figure_shows_the_bound_beside_its_curve_and_fits_the_data():
    fig = get_figure("gradient-norm-decay").make(get_theme("light"))
    data = gradient_norms(SceneConfig())
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    curve = lines[rf"simple RNN, $\|W\| = {data.sigmas[0]}$"]
    bound = lines[f"bound ${data.sigmas[0]}^{{t-k}}$"]
    # the curve runs on its bound: the bound is a wide pale band under it, not a thin dashed
    # line hidden beneath the solid one
    assert bound.get_linewidth() >= 3 * curve.get_linewidth()
    assert bound.get_alpha() < 0.6 and bound.get_zorder() < curve.get_zorder()
    assert bound.get_linestyle() == "-"
    # the y range covers the data with a margin and has no empty decades
    values = np.concatenate([*data.rnn, *data.bounds, data.lstm, data.highway])
    lo, hi = np.log10(ax.get_ylim())
    assert lo <= np.log10(values.min()) - 0.1 and hi >= np.log10(values.max()) + 0.1
    assert lo > np.log10(values.min()) - 1 and hi < np.log10(values.max()) + 1


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(
    "fig_id", ["cliff-landscape-3d", "cliff-landscape-contour", "clipping-training-history"]
)
def test_compared_runs_use_a_colour_blind_safe_pair_from_the_theme(fig_id, theme):
    """Plain descent and norm clipping: the theme's vermillion and blue (not red vs green),
    the clipped run also dashed."""
    th = get_theme(theme)
    fig = get_figure(fig_id).make(th)
    lines = [ln for ax in fig.axes for ln in ax.get_lines()]
    plain = [ln for ln in lines if to_hex(ln.get_color()) == th.c.lower()]
    clipped = [ln for ln in lines if to_hex(ln.get_color()) == th.peephole.lower()]
    assert plain and clipped
    assert all(ln.get_linestyle() == "-" for ln in plain if not ln.get_label().startswith("_"))
    assert any(ln.get_linestyle() == "--" for ln in clipped)
    assert not any(to_hex(ln.get_color()) == th.x.lower() for ln in lines), "no green"


def test_contour_figure_marks_the_cliff_and_the_jump():
    fig = get_figure("cliff-landscape-contour").make(get_theme("light"))
    data = cliff_data()
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    cliff = lines["the cliff"]
    # the dotted line only runs where the loss really jumps, and does lie on the cliff
    assert 0 < len(cliff.get_xdata()) < len(data.cliff_line)
    far = data.plain.points[int(np.argmax(data.plain.grad_norms)) + 1]
    texts = [t.get_text() for t in ax.texts]
    assert f"next step: ({far[0]:.1f}, {far[1]:.1f})" in texts


def test_training_history_figure_plots_both_runs():
    fig = get_figure("clipping-training-history").make(get_theme("light"))
    plain, clipped = clipping_histories()
    loss_lines = fig.axes[0].get_lines()
    np.testing.assert_allclose(loss_lines[0].get_ydata(), plain.loss)
    np.testing.assert_allclose(loss_lines[1].get_ydata(), clipped.loss)
    # the story the figure tells: clipping ends far lower
    assert clipped.loss[-1] < 0.1 * plain.loss[-1]


def test_cli_writes_lecture_5_figures(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["figures", "-o", str(out), "--format", "png", "--lecture", "5"]
    )
    assert result.exit_code == 0, result.output
    for spec in [f for f in FIGURES if f.lecture == 5]:
        path = out / "lecture5" / f"{spec.id}.png"
        assert path.exists(), path
        with Image.open(path) as img:
            assert img.width >= 800 and img.height >= 600
            pixels = np.asarray(img.convert("RGB"), dtype=float)
        assert pixels.std() > 10, f"{spec.id} looks blank"
    assert not list(out.rglob("*.tmp*")), "no temporary files left behind"


def test_cli_figures_for_a_lecture_without_figures_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["figures", "-o", str(tmp_path), "--lecture", "3"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "no figures for lecture 3" in lines[0], result.output


def test_training_history_marks_every_clipped_step():
    fig = get_figure("clipping-training-history").make(get_theme("light"))
    _, clipped = clipping_histories()
    marks = [ln for ln in fig.axes[1].get_lines() if ln.get_label().startswith("clipped steps")]
    assert len(marks) == 1
    np.testing.assert_array_equal(marks[0].get_xdata(), np.flatnonzero(clipped.clipped))
    assert clipped.clipped.sum() > 0


# Lecture 6 --------------------------------------------------------------------------------


def test_exact_match_figure_plots_the_measured_curves():
    from rnn_core.pretrained import load
    from scenes.translation_data import CURVE_MODELS, CURVE_NAMES, length_curves

    fig = get_figure("translation-exact-match-by-length").make(get_theme("light"))
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    curves = length_curves()
    for name in CURVE_MODELS:
        line = lines[CURVE_NAMES[name]]
        np.testing.assert_array_equal(line.get_xdata(), curves.lengths)
        np.testing.assert_allclose(
            line.get_ydata(), load(name).meta["story"]["exact_match_by_length"]
        )
    # the story the figure tells: without attention long sentences fail, with it they do not
    plain = lines[CURVE_NAMES["seq2seq-lstm"]].get_ydata()
    assert plain[0] - plain[-1] >= 0.2
    assert min(lines[CURVE_NAMES["seq2seq-attention"]].get_ydata()) >= 0.9


def test_alignment_figure_shows_the_attention_weights_and_the_reference():
    from rnn_core.pretrained import load
    from rnn_core.tasks import translation_example

    fig = get_figure("attention-alignment-map").make(get_theme("dark"))
    ax = fig.axes[0]
    source, target, alignment = translation_example(long=True)
    weights = load("seq2seq-attention").attention(source)
    np.testing.assert_allclose(ax.get_images()[0].get_array(), weights)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(source)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(target)
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"{w:.2f}" for w in weights.ravel()]
    assert len(ax.patches) == sum(a is not None for a in alignment)


def test_cli_writes_lecture_6_figures(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["figures", "-o", str(out), "--format", "png", "--lecture", "6"]
    )
    assert result.exit_code == 0, result.output
    for spec in [f for f in FIGURES if f.lecture == 6]:
        with Image.open(out / "lecture6" / f"{spec.id}.png") as img:
            pixels = np.asarray(img.convert("RGB"), dtype=float)
        assert pixels.std() > 10, f"{spec.id} looks blank"
