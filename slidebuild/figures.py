"""Static figures for handouts and papers (PNG, SVG, PDF), drawn with matplotlib from the
same ``scenes.lesson_data`` and ``scenes.translation_data`` numbers the animated scenes
show, in the theme's colours.

``rnn-slides figures`` writes them as ``out/lecture<N>/<id>.<ext>``.

Example
-------
>>> from slidebuild.figures import FIGURES, get_figure
>>> from scenes.kit.theme import get_theme
>>> fig = get_figure("gradient-norm-decay").make(get_theme("light"))
>>> fig.axes[0].get_yscale()
'log'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # figures are files: never open a window (CI has no screen)

import numpy as np  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap, to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from rnn_core.landscape import pascanu_cliff  # noqa: E402
from scenes.kit.config import SceneConfig  # noqa: E402
from scenes.kit.theme import Theme  # noqa: E402
from scenes.lesson_data import cliff_data, clipping_histories, gradient_norms  # noqa: E402
from scenes.lstm_backprop.clipping import (  # noqa: E402
    CLIFF_CLIPPED,
    CLIFF_PLAIN,
    cliff_surface_mesh,
)
from scenes.lstm_backprop.vanishing import norm_decades  # noqa: E402
from scenes.translation_data import (  # noqa: E402
    CURVE_MODELS,
    CURVE_NAMES,
    alignment_data,
    curve_style,
    length_curves,
)

__all__ = ["FigureSpec", "FIGURES", "get_figure"]


@dataclass(frozen=True)
class FigureSpec:
    """One static figure: a stable id, its lecture, a title, and ``make(theme) -> Figure``."""

    id: str
    lecture: int
    title: str
    make: Callable[[Theme], Figure]


def _figure(th: Theme, size=(7.0, 4.2), projection: str | None = None) -> tuple[Figure, object]:
    fig = Figure(figsize=size, facecolor=th.background, layout="constrained")
    ax = fig.add_subplot(projection=projection)
    ax.set_facecolor(th.background)
    for spine in getattr(ax, "spines", {}).values():
        spine.set_color(th.muted)
    ax.tick_params(colors=th.text, labelcolor=th.text)
    ax.xaxis.label.set_color(th.text)
    ax.yaxis.label.set_color(th.text)
    ax.title.set_color(th.text)
    return fig, ax


def _legend(ax, th: Theme, **kw) -> None:
    leg = ax.legend(frameon=True, fontsize=9, **kw)
    leg.get_frame().set_facecolor(th.background)
    leg.get_frame().set_edgecolor(th.grid)
    for text in leg.get_texts():
        text.set_color(th.text)


def gradient_norm_decay(th: Theme) -> Figure:
    """||dh^t/dh^k|| against t - k: simple RNNs below/above 1/gamma with their bounds, and
    the LSTM (full Jacobian and forget-gate highway).

    A bound is drawn as a wide pale band under the curves (as on the slide): the norm with
    ||W|| = 0.75 runs exactly along its bound, and a thin dashed line there is invisible."""
    data = gradient_norms(SceneConfig())
    d = data.distances
    fig, ax = _figure(th)
    low_s, high_s = data.sigmas
    band = dict(lw=BOUND_LW, alpha=BOUND_ALPHA, solid_capstyle="butt", zorder=1)
    curve = dict(lw=CURVE_LW, zorder=3)
    ax.semilogy(d, data.rnn[0], color=th.i, label=rf"simple RNN, $\|W\| = {low_s}$", **curve)
    ax.semilogy(d, data.bounds[0], color=th.i, label=rf"bound ${low_s}^{{t-k}}$", **band)
    ax.semilogy(d, data.rnn[1], color=th.c, label=rf"simple RNN, $\|W\| = {high_s}$", **curve)
    ax.semilogy(d, data.bounds[1], color=th.c, label=rf"bound ${high_s}^{{t-k}}$", **band)
    ax.semilogy(d, data.highway, color=th.f, label=r"LSTM highway: $\prod f$", **curve)
    ax.semilogy(d, data.lstm, color=th.y, label="LSTM, full Jacobian", **curve)
    lo, hi = norm_decades(data)
    ax.set_ylim(10.0**lo, 10.0**hi)
    ax.set_xlim(0, d[-1])
    ax.set_xlabel(r"distance $t - k$ (steps)")
    ax.set_ylabel(r"$\|\partial h^t / \partial h^k\|$")
    ax.set_title("How far back does an error reach?")
    ax.grid(True, which="major", color=th.grid, lw=0.6)
    _legend(ax, th, loc="lower left", ncol=2)
    return fig


# Line widths (points) of a norm curve and of a bound's band, and the band's opacity.
CURVE_LW = 2.0
BOUND_LW = 9.0
BOUND_ALPHA = 0.3


def _landscape_cmap(th: Theme) -> LinearSegmentedColormap:
    """Low loss in a pale blue, high loss in pale grey: quiet, so the two paths (blue and
    vermillion) stand out on it; every colour is a theme colour mixed with the background."""
    bg = np.array(to_rgb(th.background))
    low = 0.8 * np.array(to_rgb(th.i)) + 0.2 * bg
    high = 0.7 * np.array(to_rgb(th.grid)) + 0.3 * bg
    return LinearSegmentedColormap.from_list("cliff", [low, high])


# The two compared paths: a colour-blind-safe pair (vermillion and blue, different
# lightness), the second also dashed; the same pair as the slide.
def _path_styles(th: Theme, data) -> tuple[tuple, tuple]:
    return (
        (data.plain, th.quantity(CLIFF_PLAIN), 4.0, "-", "plain descent"),
        (
            data.clipped,
            th.quantity(CLIFF_CLIPPED),
            2.2,
            "--",
            f"norm clipping, $v = {data.threshold:g}$",
        ),
    )


def _paths(ax, data, th: Theme, z: bool) -> None:
    w0, w1, b0, b1 = data.w[0], data.w[-1], data.b[0], data.b[-1]
    for path, colour, width, style, name in _path_styles(th, data):
        pts, losses = path.points, path.losses
        inside = (pts[:, 0] >= w0) & (pts[:, 0] <= w1) & (pts[:, 1] >= b0) & (pts[:, 1] <= b1)
        stop = int(np.argmin(inside)) if not inside.all() else len(pts)
        p, lv = pts[:stop], losses[:stop]
        if z:
            ax.plot(
                p[:, 0], p[:, 1], lv + 0.01, color=colour, lw=width, ls=style, label=name, zorder=5
            )
        else:
            ax.plot(p[:, 0], p[:, 1], color=colour, lw=width, ls=style, label=name)
        if stop < len(pts):
            _jump(ax, data, p[-1], lv[-1], pts[stop], colour, z)


def _jump(ax, data, start, loss, target, colour: str, z: bool) -> None:
    """The step that leaves the map: an arc from the last point on the map over its edge,
    labelled with where it lands."""
    w0, w1, b0, b1 = data.w[0], data.w[-1], data.b[0], data.b[-1]
    step = target - start
    exits = [
        (edge - s) / v
        for s, v, edges in ((start[0], step[0], (w0, w1)), (start[1], step[1], (b0, b1)))
        if v != 0
        for edge in edges
        if (edge - s) / v > 0
    ]
    k = np.linspace(0.0, 1.0, 40) * min(exits) * 1.15
    text = f"next step: ({target[0]:.1f}, {target[1]:.1f})"
    if z:
        height = loss + 0.3 * (k / k[-1]) * (1.8 - k / k[-1])
        ax.plot(
            start[0] + step[0] * k,
            start[1] + step[1] * k,
            height,
            color=colour,
            lw=2.5,
            ls=":",
            zorder=6,
        )
        ax.text(
            start[0] + step[0] * k[-1],
            start[1] + step[1] * k[-1],
            height[-1] + 0.05,
            text,
            color=colour,
            fontsize=9,
            ha="right",  # beyond the arc's end, clear of the arc
            va="bottom",
        )
    else:
        end = start + step * k[-1]
        edge = (min(max(end[0], w0), w1), min(max(end[1], b0), b1))
        ax.annotate(
            "",
            xy=edge,
            xytext=tuple(start),
            arrowprops=dict(
                arrowstyle="-|>", color=colour, lw=1.8, ls=":", connectionstyle="arc3,rad=0.35"
            ),
        )
        ax.text(
            edge[0] - 0.12, edge[1] - 0.05, text, color=colour, fontsize=9, ha="right", va="top"
        )


def _mesh(data):
    W, B, L, _ = cliff_surface_mesh(data)
    return W, B, L


def cliff_landscape_3d(th: Theme) -> Figure:
    """The cliff of Pascanu et al. as a surface, with both descent paths."""
    data = cliff_data()
    fig, ax = _figure(th, size=(7.0, 5.0), projection="3d")
    W, B, L = _mesh(data)
    ax.plot_surface(
        W,
        B,
        L,
        cmap=_landscape_cmap(th),
        rcount=W.shape[0],
        ccount=W.shape[1],
        linewidth=0,
        antialiased=False,  # antialiased faces leave hairline seams between them
    )
    _paths(ax, data, th, z=True)
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_zlabel("loss")
    ax.zaxis.label.set_color(th.text)
    ax.tick_params(axis="z", colors=th.text)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_pane_color(matplotlib.colors.to_rgba(th.background, 0.0))
    ax.view_init(elev=32, azim=105)  # from the valley side, facing the wall
    ax.set_title("A cliff in the loss landscape (50 steps)")
    _legend(ax, th, loc="upper left")
    return fig


def cliff_landscape_contour(th: Theme) -> Figure:
    """The same landscape from above, filled contours, the cliff line and both paths."""
    data = cliff_data()
    fig, ax = _figure(th, size=(6.4, 4.8))
    # the cliff-following mesh keeps the contours' edge at the cliff sharp
    W, B, L = _mesh(data)
    filled = ax.contourf(W, B, L, levels=24, cmap=_landscape_cmap(th))
    bar = fig.colorbar(filled, ax=ax)
    bar.set_label("loss", color=th.text)
    bar.ax.tick_params(colors=th.text)
    # the cliff proper: where the loss drops by more than 0.1 within 0.01 in b
    w_line, b_line = data.mesh_w[:, 0], data.cliff_line
    above, _, _ = pascanu_cliff(w_line, b_line - 5e-3)
    below, _, _ = pascanu_cliff(w_line, b_line + 5e-3)
    jump = np.abs(np.asarray(above) - np.asarray(below)) > 0.1
    ax.plot(w_line[jump], b_line[jump], color=th.text, lw=1.2, ls=":", label="the cliff")
    _paths(ax, data, th, z=False)
    ax.set_xlim(data.w[0], data.w[-1])
    ax.set_ylim(data.b[0], data.b[-1])
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_title("The cliff from above")
    _legend(ax, th, loc="lower left")
    return fig


def clipping_training_history(th: Theme) -> Figure:
    """Training a simple RNN with and without norm clipping: loss and gradient norm."""
    plain, clipped = clipping_histories()
    fig = Figure(figsize=(7.0, 5.0), facecolor=th.background, layout="constrained")
    axes = fig.subplots(2, 1, sharex=True)
    steps = np.arange(len(plain.loss))
    for ax in axes:
        ax.set_facecolor(th.background)
        for spine in ax.spines.values():
            spine.set_color(th.muted)
        ax.tick_params(colors=th.text, labelcolor=th.text)
        ax.grid(True, color=th.grid, lw=0.6)
    c_plain, c_clip = th.quantity(CLIFF_PLAIN), th.quantity(CLIFF_CLIPPED)
    axes[0].plot(steps, plain.loss, color=c_plain, lw=1.6, label="without clipping")
    axes[0].plot(steps, clipped.loss, color=c_clip, lw=1.6, ls="--", label="norm clipping")
    axes[0].set_ylabel("loss", color=th.text)
    axes[0].set_title("Training with and without gradient clipping", color=th.text)
    _legend(axes[0], th, loc="upper right")
    axes[1].semilogy(steps, plain.grad_norm, color=c_plain, lw=1.2)
    axes[1].semilogy(steps, clipped.grad_norm, color=c_clip, lw=1.2, ls="--")
    marked = np.flatnonzero(clipped.clipped)
    axes[1].plot(
        steps[marked],
        clipped.grad_norm[marked],
        ls="none",
        marker="o",
        ms=3.5,
        color=c_clip,
        label=f"clipped steps ({len(marked)})",
    )
    _legend(axes[1], th, loc="upper right")
    threshold = clipped.clip[1] if clipped.clip else None
    if threshold is not None:
        axes[1].axhline(threshold, color=th.muted, ls="--", lw=1)
        axes[1].text(
            steps[-1],
            threshold * 1.15,
            f"threshold {threshold:g}",
            color=th.muted,
            ha="right",
            va="bottom",
            fontsize=9,
        )
    axes[1].set_ylabel("gradient norm (before clipping)", color=th.text)
    axes[1].set_xlabel("SGD step", color=th.text)
    return fig


def exact_match_by_length(th: Theme) -> Figure:
    """Exact match by source length of the three translation models (lecture 6): the
    model without attention falls as sentences grow; with attention it does not."""
    curves = length_curves()
    fig, ax = _figure(th)
    for name in CURVE_MODELS:
        colour, dashed, width = curve_style(th, name)
        ax.plot(
            curves.lengths,
            curves.curves[name],
            color=colour,
            lw=width * 0.5,
            ls="--" if dashed else "-",
            marker="o",
            ms=4,
            label=CURVE_NAMES[name],
            zorder=3 if dashed else 2,
        )
    ax.set_ylim(0.0, 1.05)
    ax.set_xticks(curves.lengths)
    ax.set_xlabel("source sentence length (words)")
    ax.set_ylabel("exact match (100 fresh sentences per length)")
    ax.set_title("Translations exactly right, by sentence length")
    ax.grid(True, color=th.grid, lw=0.6)
    _legend(ax, th, loc="lower left")
    return fig


def attention_alignment_map(th: Theme) -> Figure:
    """The attention weights of ``seq2seq-attention`` on the lecture's long example:
    written words (rows) x source words (columns), the reference alignment outlined."""
    d = alignment_data()
    fig, ax = _figure(th, size=(7.0, 5.2))
    bg = np.array(to_rgb(th.background))
    cmap = LinearSegmentedColormap.from_list(
        "attention", [bg, 0.35 * np.array(to_rgb(th.pos)) + 0.65 * bg, to_rgb(th.pos)]
    )
    image = ax.imshow(d.weights, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto")
    for (r, c), w in np.ndenumerate(d.weights):
        ax.text(c, r, f"{w:.2f}", ha="center", va="center", fontsize=8, color=th.text)
    for r, c in enumerate(d.alignment):
        if c is not None:
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor=th.text, lw=1.6))
    ax.set_xticks(range(len(d.source)), d.source)
    ax.set_yticks(range(len(d.output)), d.output)
    ax.set_xlabel("source word (English)")
    ax.set_ylabel("written word (Japanese-like)")
    ax.set_title("Attention weights, one row per written word")
    bar = fig.colorbar(image, ax=ax)
    bar.set_label("attention weight", color=th.text)
    bar.ax.tick_params(colors=th.text)
    return fig


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("gradient-norm-decay", 5, "Jacobian norms over distance", gradient_norm_decay),
    FigureSpec("cliff-landscape-3d", 5, "The cliff loss surface in 3-D", cliff_landscape_3d),
    FigureSpec("cliff-landscape-contour", 5, "The cliff from above", cliff_landscape_contour),
    FigureSpec(
        "clipping-training-history",
        5,
        "Training with and without clipping",
        clipping_training_history,
    ),
    FigureSpec(
        "translation-exact-match-by-length",
        6,
        "Exact match by sentence length, without and with attention",
        exact_match_by_length,
    ),
    FigureSpec(
        "attention-alignment-map",
        6,
        "The attention map of one sentence",
        attention_alignment_map,
    ),
)


def get_figure(figure_id: str) -> FigureSpec:
    """The figure registered as ``figure_id``; ``KeyError`` listing the ids otherwise."""
    for spec in FIGURES:
        if spec.id == figure_id:
            return spec
    raise KeyError(f"unknown figure {figure_id!r}; known: {', '.join(f.id for f in FIGURES)}")
