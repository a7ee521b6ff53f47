"""Backpropagation through time at the block level, shared by the simple-RNN lecture and
the LSTM lecture: each loss L^(t) sends errors back to its own and every earlier step; its
share of one parameter's gradient is framed in the loss's colour; the shares are summed
once for a single update.

:func:`play_errors_through_time` plays it on a scene and leaves ``scene.chain``,
``scene.frames`` (one :class:`MatrixGlyph` per loss) and ``scene.total`` for tests.
"""

from __future__ import annotations

from manim import DOWN, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, VGroup

from .components import label, math
from .diagrams import BlockChain, MatrixGlyph, step_palette

__all__ = ["play_errors_through_time"]


def play_errors_through_time(
    scene,
    data,
    *,
    block_label: str,
    param_expr: str,
    param_name: str,
    title_text: str = "Errors flow back to every earlier step",
) -> VGroup:
    """Play the BPTT story for ``data`` (``lesson_data.ErrorsThroughTime``) on ``scene``.

    ``block_label`` is the Typst text in each block (``'"RNN"'``), ``param_expr`` the Typst
    name of the parameter (``W_z``), ``param_name`` how the notes say it. One click step for
    the chain, one per loss, one for the sum. Returns the final group (frames, sum, update).
    """
    th = scene.theme
    T = data.contributions.shape[0]
    colours = step_palette(th, T)
    title = label(title_text, font_size=34, theme=th).to_edge(UP, buff=0.25)
    chain = BlockChain(
        T,
        block_label=block_label,
        output_label="L^(({t}))",
        theme=th,
        spacing=min(2.6, 11.0 / max(T, 1)),
    )
    chain.scale(0.85).move_to(UP * 1.25)
    scene.chain = chain

    scene.step(
        "After the forward pass every time step has its own loss L^(t). The parameters "
        "are the same at every step, but the errors that reach them depend on the step."
    )
    scene.play(FadeIn(title), FadeIn(chain))

    scene.frames = [
        MatrixGlyph(
            data.contributions[s],
            label_expr=f"(partial L^(({s + 1})))/(partial {param_expr})",
            color=colours[s],
            theme=th,
            cell_width=0.85,
            font_size=16,
            label_size=22,
        )
        for s in range(T)
    ]
    frames = VGroup(*scene.frames).arrange(RIGHT, buff=0.55)
    if frames.width > 12.6:
        frames.scale_to_fit_width(12.6)
    frames.next_to(chain, DOWN, buff=0.35)
    for s in range(T):
        scene.step(
            f"The loss at step {s + 1} sends errors back to step {s + 1} and to every "
            f"earlier step. Collected, they give this loss's share of the gradient of "
            f"{param_name}, framed in its colour."
        )
        arrows = VGroup(*[chain.error_arrow(s, t, colours[s]) for t in range(s, -1, -1)])
        scene.play(LaggedStart(*[Create(a) for a in arrows], lag_ratio=0.25))
        scene.play(FadeIn(scene.frames[s]), FadeOut(arrows))

    scene.step(
        "The shares are summed into one gradient, and the parameters are renewed once "
        "per sequence, not once per step."
    )
    total = MatrixGlyph(
        data.total,
        label_expr=f"(partial L)/(partial {param_expr})",
        quantity="error",
        theme=th,
        cell_width=0.8,
        font_size=18,
        label_size=24,
    )
    shift = UP * 1.6 - frames.get_center()
    scene.play(FadeOut(chain), *[f.animate.shift(shift) for f in scene.frames])
    pluses = VGroup(
        *[
            math("+", font_size=36, theme=th).move_to(
                (scene.frames[k].frame.get_right() + scene.frames[k + 1].frame.get_left()) / 2
            )
            for k in range(T - 1)
        ]
    )
    scene.play(FadeIn(pluses))
    summed = VGroup(*scene.frames, pluses)
    equals = math("=", font_size=40, theme=th)
    result = VGroup(equals, total).arrange(RIGHT, buff=0.3)
    result.next_to(summed, DOWN, buff=0.5)
    scene.total = total
    scene.play(FadeIn(result, shift=UP * 0.2))
    update = math(
        f"{param_expr} <- {param_expr} - eta (partial L)/(partial {param_expr})",
        font_size=30,
        theme=th,
    ).next_to(result, RIGHT, buff=0.8)
    scene.play(FadeIn(update))
    return VGroup(title, summed, result, update)
