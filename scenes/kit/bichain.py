"""A bidirectional RNN drawn as two clean rows, as in Goodfellow et al. (fig. 10.11): the
forward row h (left to right) below, the backward row g (right to left) above, each input
wired up to both rows and both rows wired up to the output of the same step.

Within each step's column the forward node sits left of centre and the backward node right
of it, so every wire runs straight up beside the other row's node: the only crossings are
right angles with the other row's chain arrows, and the two wires of a step meet at its
output.

The chain holds blocks and wires only; a scene puts its own inputs (dots, word boxes) at
``input_points`` and its outputs at ``output_points``.

Example
-------
>>> chain = BiChain(4)
>>> len(chain.fwd), len(chain.bwd_arrows), len(chain.output_points)
(4, 3, 4)
>>> bool(chain.bwd_arrows[0].end[0] < chain.bwd_arrows[0].start[0])
True
"""

from __future__ import annotations

import numpy as np
from manim import Circle, ManimColor, RoundedRectangle, VGroup

from .components import Wire
from .theme import Theme, current_theme

__all__ = ["BiChain"]


class BiChain(VGroup):
    """``n`` steps of a bidirectional RNN, centred on the origin.

    Parts: ``fwd`` and ``bwd`` (the blocks of the forward and backward rows),
    ``fwd_arrows`` (h^t -> h^(t+1)), ``bwd_arrows`` (g^(t+1) -> g^t, ``bwd_arrows[k]`` ends
    at step k), ``in_fwd`` / ``in_bwd`` (input of step k to each row), ``out_fwd`` /
    ``out_bwd`` (each row to the output of step k). ``input_points[k]`` is where step k's
    input wires start, ``output_points[k]`` where its output wires end (scene units, as
    built; they move with the group through :meth:`input_point` / :meth:`output_point`).

    ``shape`` is ``"box"`` (rounded squares, the task charts) or ``"circle"``; ``size`` the
    block's width, ``spacing`` centre to centre between steps, ``offset`` how far each
    row's block sits from the column's centre, ``row_gap`` between the rows' centres,
    ``input_gap`` / ``output_gap`` from the rows to the input and output points.
    """

    def __init__(
        self,
        n: int,
        *,
        theme: Theme | None = None,
        shape: str = "box",
        size: float = 0.5,
        spacing: float = 1.5,
        offset: float = 0.4,
        row_gap: float = 0.9,
        input_gap: float = 0.7,
        output_gap: float = 0.7,
        stroke_width: float = 3.0,
        tip_length: float = 0.14,
    ) -> None:
        super().__init__()
        if n < 1:
            raise ValueError(f"a BiChain needs at least one step, got {n}")
        if shape not in ("box", "circle"):
            raise ValueError(f"shape must be 'box' or 'circle', got {shape!r}")
        if offset < size / 2 + 0.08 or spacing < 2 * offset + size:
            raise ValueError(
                "offset must clear half a block and spacing must hold both rows' blocks: "
                f"got size {size}, offset {offset}, spacing {spacing}"
            )
        th = theme if theme is not None else current_theme()
        self.n = n
        centres = [spacing * (k - (n - 1) / 2) for k in range(n)]
        y_fwd, y_bwd = 0.0, row_gap
        y_in, y_out = y_fwd - size / 2 - input_gap, y_bwd + size / 2 + output_gap
        self.fwd = VGroup(*[self._block(x - offset, y_fwd, size, shape, th) for x in centres])
        self.bwd = VGroup(*[self._block(x + offset, y_bwd, size, shape, th) for x in centres])
        kw = {"theme": th, "stroke_width": stroke_width, "tip_length": tip_length}
        self.fwd_arrows = VGroup(
            *[
                Wire([a.get_right(), b.get_left()], color=th.y, **kw)
                for a, b in zip(self.fwd[:-1], self.fwd[1:], strict=True)
            ]
        )
        self.bwd_arrows = VGroup(
            *[
                Wire([b.get_left(), a.get_right()], color=th.y, dashed=True, **kw)
                for a, b in zip(self.bwd[:-1], self.bwd[1:], strict=True)
            ]
        )
        bend = min(input_gap, output_gap) * 0.35  # the short slant from the centre line
        self.in_fwd, self.in_bwd = VGroup(), VGroup()
        self.out_fwd, self.out_bwd = VGroup(), VGroup()
        self._inputs, self._outputs = VGroup(), VGroup()
        for x, h, g in zip(centres, self.fwd, self.bwd, strict=True):
            start, end = np.array([x, y_in, 0.0]), np.array([x, y_out, 0.0])
            self.in_fwd.add(
                Wire([start, [h.get_x(), y_in + bend, 0], h.get_bottom()], color=th.x, **kw)
            )
            self.in_bwd.add(
                Wire([start, [g.get_x(), y_in + bend, 0], g.get_bottom()], color=th.x, **kw)
            )
            self.out_fwd.add(
                Wire([h.get_top(), [h.get_x(), y_out - bend, 0], end], color=th.o, **kw)
            )
            self.out_bwd.add(
                Wire([g.get_top(), [g.get_x(), y_out - bend, 0], end], color=th.o, **kw)
            )
            # Invisible markers that travel with the group (scale, move).
            self._inputs.add(Circle(radius=0.01, stroke_opacity=0).move_to(start))
            self._outputs.add(Circle(radius=0.01, stroke_opacity=0).move_to(end))
        self.add(self.fwd_arrows, self.bwd_arrows, self.in_fwd, self.in_bwd)
        self.add(self.out_fwd, self.out_bwd, self.fwd, self.bwd, self._inputs, self._outputs)

    @property
    def input_points(self) -> list[np.ndarray]:
        """Where each step's input wires start, as the chain stands now."""
        return [m.get_center() for m in self._inputs]

    @property
    def output_points(self) -> list[np.ndarray]:
        """Where each step's output wires end, as the chain stands now."""
        return [m.get_center() for m in self._outputs]

    def step_parts(self, k: int) -> VGroup:
        """Everything of step k: its two blocks and four wires."""
        return VGroup(
            self.fwd[k],
            self.bwd[k],
            self.in_fwd[k],
            self.in_bwd[k],
            self.out_fwd[k],
            self.out_bwd[k],
        )

    @staticmethod
    def _block(x: float, y: float, size: float, shape: str, th: Theme):
        if shape == "circle":
            mob = Circle(radius=size / 2, stroke_width=3, color=ManimColor(th.y))
        else:
            mob = RoundedRectangle(
                width=size,
                height=size,
                corner_radius=size * 0.18,
                stroke_width=3,
                color=ManimColor(th.y),
            )
        return mob.set_fill(ManimColor(th.panel), opacity=1.0).move_to([x, y, 0])
