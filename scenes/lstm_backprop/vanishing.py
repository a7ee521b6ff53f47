"""Vanishing and exploding gradients: ||dh^t/dh^k|| against t - k on a log scale. Every number
comes from ``rnn_core`` through ``scenes.lesson_data``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    Line,
    ManimColor,
    VGroup,
    VMobject,
)

from scenes.kit.base import LectureSlide
from scenes.kit.components import format_value, math
from scenes.kit.diagrams import (
    LogAxes,
)
from scenes.kit.theme import TYPE
from scenes.lesson_data import (
    gradient_norms,
)

# ---------------------------------------------------------------------------------------
# Vanishing and exploding gradients


class VanishingExploding(LectureSlide):
    """||dh^t/dh^k|| against t - k on a log scale: RNNs below and above 1/gamma, the bound,
    then the LSTM."""

    scene_id = "vanishing-exploding"
    title = "Vanishing and exploding gradients"
    description = "Jacobian norms on a log scale for RNNs with ||W|| below/above 1; the LSTM."

    def construct(self) -> None:
        th = self.theme
        data = gradient_norms(self.scene_config)
        self.data = data
        d = data.distances
        title = self.slide_title("How far back does an error reach?")
        self.decades = norm_decades(data)
        left, right, bottom, top = TYPE.figure_zone()

        def make_axes(y_length: float) -> LogAxes:
            return LogAxes(
                (0, float(d[-1]), 5),
                self.decades,
                x_length=7.4,
                y_length=y_length,
                x_label="t - k",
                y_label="norm((partial bold(h)^t)/(partial bold(h)^k))",
                theme=th,
                decade_step=1,
            )

        # the axes with their labels fill the figure zone's height: measure what the
        # labels add to the plot's height, then build at the height that fits
        probe = make_axes(4.0)
        axes = make_axes((top - bottom) - 0.1 - (probe.height - 4.0))
        axes.align_to(np.array([left + 0.2, top, 0.0]), UP + LEFT)
        self.axes = axes
        legend = VGroup()
        self.legend_right = right

        def entry(colour: str, expr: str, bound: bool = False) -> VGroup:
            line = Line(ORIGIN, RIGHT * 0.7, color=ManimColor(colour), **_curve_style(bound))
            words = math(expr, font_size=TYPE.math, color=th.text, theme=th)
            return VGroup(line, words).arrange(RIGHT, buff=0.2)

        def place_legend() -> None:
            legend.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
            legend.next_to(axes.axes, RIGHT, buff=0.5).align_to(axes, UP)

        low_s, high_s = data.sigmas
        self.step(
            "Backprop through a simple RNN multiplies one Jacobian per step, "
            "diag(1 - h^2) W. The norm of the product is bounded by (gamma ||W||)^(t-k), "
            "with gamma = 1 for tanh."
        )
        bound_eq = math(
            'norm(product_(j=k+1)^t op("diag")(1 - (bold(h)^j)^2) W) <= '
            '(gamma norm(W))^(t-k), quad gamma = 1 " for " tanh',
            font_size=TYPE.equation,
            theme=th,
        )
        bound_eq.to_edge(DOWN, buff=0.35)
        self.play(FadeIn(title), FadeIn(axes), FadeIn(bound_eq))

        self.curves: dict[str, VMobject] = {}
        specs = [
            (
                "rnn_low",
                data.rnn[0],
                th.i,
                f'"simple RNN, " norm(W) = {low_s}',
                False,
                f"With ||W|| = {low_s}, below 1/gamma, the norm shrinks exponentially with the "
                "distance: errors from far away vanish.",
            ),
            (
                "bound_low",
                data.bounds[0],
                th.i,
                f'"bound " {low_s}^(t-k)',
                True,
                "The bound (gamma ||W||)^(t-k), the wide pale band, is a straight line on a log "
                "scale. With small activations tanh' is close to 1, so the norm runs along the "
                "middle of its bound.",
            ),
            (
                "rnn_high",
                data.rnn[1],
                th.c,
                f'"simple RNN, " norm(W) = {high_s}',
                False,
                f"With ||W|| = {high_s}, above 1/gamma, the norm grows until tanh saturates; "
                "the bound allows exponential growth: exploding gradients.",
            ),
            (
                "bound_high",
                data.bounds[1],
                th.c,
                f'"bound " {high_s}^(t-k)',
                True,
                "Its bound grows exponentially; large weights, or inputs that keep tanh in its "
                "linear range, let the gradient follow it.",
            ),
            (
                "highway",
                data.highway,
                th.f,
                '"LSTM highway: " product bold(f)',
                False,
                _trained_curves(data)
                + "In an LSTM the cell path multiplies forget gates only, no weight matrix. "
                "With forget gates near 1 the product decays slowly." + _trained_highway(data),
            ),
            (
                "lstm",
                data.lstm,
                th.y,
                '"LSTM, full Jacobian"',
                False,
                "The full LSTM Jacobian, through all routes, stays in the same range: errors "
                "reach much further back than in the simple RNN with small weights.",
            ),
        ]
        for key, ys, colour, expr, bound, notes in specs:
            self.step(notes)
            curve = axes.curve(d, ys, colour)
            style = _curve_style(bound)
            curve.set_stroke(width=style["stroke_width"], opacity=style["stroke_opacity"])
            # a bound is a wide pale band under the curves: visible even where a norm runs
            # exactly along it
            curve.set_z_index(0 if bound else 1)
            self.curves[key] = curve
            legend.add(entry(colour, expr, bound))
            place_legend()
            self.play(Create(curve), FadeIn(legend[-1]), run_time=1.2)
        self.legend = legend


def _trained_curves(data) -> str:
    """Which LSTM the curves come from, when it is the trained memory LSTM."""
    if data.lstm_model != "trained":
        return ""
    return (
        "The LSTM curves here are the trained memory LSTM's, on a "
        f"{len(data.distances)}-step memory sequence that stores a value at step 1: k is the "
        "store step, and the whole axis is the span it must remember over. "
    )


def _trained_highway(data) -> str:
    """The trained forget-gate product at the end of the span against the small-weight RNN."""
    if data.lstm_model != "trained":
        return ""
    return (
        f" In the trained memory LSTM the product of forget gates from the store step is "
        f"still {format_value(data.highway[-1])} after {len(data.distances) - 1} steps, while "
        f"the simple RNN's (||W|| = {data.sigmas[0]}) has decayed to {data.rnn[0][-1]:.0e}."
    )


# On-screen style of a norm curve and of a bound (stroke width, opacity): the bound is wide
# and pale so a curve lying exactly on it shows it on both sides.
CURVE_STROKE = {"stroke_width": 4.0, "stroke_opacity": 1.0}
BOUND_STROKE = {"stroke_width": 16.0, "stroke_opacity": 0.3}


def _curve_style(bound: bool) -> dict[str, float]:
    return dict(BOUND_STROKE if bound else CURVE_STROKE)


def norm_decades(data, margin: float = 0.15) -> tuple[int, int]:
    """The decades (10^lo, 10^hi) of the log axis: every curve inside, with at least
    ``margin`` decade of room above and below, no empty decade beyond that."""
    values = np.concatenate([*data.rnn, *data.bounds, data.lstm, data.highway])
    values = values[np.isfinite(values) & (values > 0)]
    logs = np.log10(values)
    return int(np.floor(logs.min() - margin)), int(np.ceil(logs.max() + margin))
