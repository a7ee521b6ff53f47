"""Backpropagation through time at the block level, shared by the simple-RNN lecture and
the LSTM lecture: each loss L^(t) sends errors back to its own and every earlier step, drawn
as arrows in the loss's colour along the chain of blocks (:func:`error_flow`, each arrow as
wide as the error it carries, ``||d L^t / d h^k||`` from ``rnn_core``); its share of one
parameter's gradient is framed in the same colour; the shares are summed once for a single
update. The arrows stay on screen (dimmed when the next loss comes in), so a paused slide
still shows every loss's errors.

With one loss (the trained memory LSTM, asked at the recall step) the error is followed
back block by block, and the share of the gradient each step takes is shown as a percent on
a log colour scale (:class:`~scenes.kit.magnitudes.LogStrip`): those shares are mostly
tiny, and as 3 x 3 matrices they would print as a block of 0.00.

:func:`play_errors_through_time` plays it on a scene and leaves ``scene.chain``,
``scene.frames`` (one :class:`MatrixGlyph` per loss), ``scene.total``, ``scene.shown``
(how many rows and columns of the matrices are drawn) and ``scene.shown_index`` (which)
for tests, and ``scene.flows`` ({(loss, step): (arrow, norm)}) with the arrows drawn.

The frames use the deck's type scale. A matrix larger than :data:`MAX_SHOWN` rows or
columns shows its top-left block (or the rows and columns a config chose) with a visible
note ("rows 1-3, columns 1-3 of 6 x 6", "rows 1, 4, 6, columns 2, 10 of 64 x 10"),
and more than :data:`PER_ROW` losses put the frames on two rows: the layout adapts, the
digits never shrink.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    ManimColor,
    VGroup,
    config,
)

from .components import index_ranges, label, math
from .diagrams import BlockChain, MatrixGlyph, step_palette
from .magnitudes import LogStrip, SciMatrix, common_exponent, percent_text
from .theme import TYPE

__all__ = [
    "play_errors_through_time",
    "error_flow",
    "flow_width",
    "flow_lanes",
    "flow_chain",
    "lane_widest",
    "MAX_SHOWN",
    "PER_ROW",
    "FLOW_WIDTH",
]

# Stroke widths of the thinnest and the widest error arrow (the widest: the largest error
# of the slide; narrower lanes cap it so neighbouring arrows never touch).
FLOW_WIDTH = (1.5, 8.0)

MAX_SHOWN = 3  # rows and columns of a gradient matrix drawn at most (rows: 2 on two rows)
PER_ROW = 4  # frames on one row at most


def _zone() -> tuple[float, float, float, float]:
    return TYPE.figure_zone()


def _note(shape: tuple[int, int], rows: Sequence[int], cols: Sequence[int], th) -> VGroup | None:
    """ "rows 1-3, columns 1-2 of 3 x 3" (or "rows 1, 4, 6, columns 2, 10 of 64 x 10" for a
    chosen selection); None when the whole matrix is drawn."""
    if (len(rows), len(cols)) == shape:
        return None
    return label(
        f"rows {index_ranges(rows)}, columns {index_ranges(cols)} of {shape[0]} \u00d7 {shape[1]}",
        font_size=TYPE.note,
        color=th.muted,
        theme=th,
    )


def _rows(frames: list, per_row: int, buff: float = 0.5) -> VGroup:
    """Frames arranged left to right, ``per_row`` to a row, rows top to bottom."""
    rows = VGroup(
        *[
            VGroup(*frames[k : k + per_row]).arrange(RIGHT, buff=buff, aligned_edge=UP)
            for k in range(0, len(frames), per_row)
        ]
    )
    return rows.arrange(DOWN, buff=0.35, aligned_edge=LEFT)


def _layout(
    T: int,
    shape: tuple[int, int],
    th,
    width: float,
    below_chain: float,
    whole: float,
    label_w: float = 0.0,
    for_sum: bool = True,
) -> tuple[int, tuple[int, int], float]:
    """(frames per row, (rows, columns) of each matrix drawn, gap between frames): the most
    cells that fit at the deck's number size, trying one row of frames and two (T = 4 as
    2 x 2 keeps whole 3 x 3 matrices). A frame is as wide as its matrix or its label
    (``label_w``), whichever is wider; the gap narrows from 0.5 to 0.25 before a layout is
    given up. While the losses come in, the frames and the size note fit ``below_chain``;
    for the sum, the frames with the total beside them, or above it, fit ``whole``."""
    note_h, gap_y, widest_gap, narrowest_gap = 0.45, 0.35, 0.5, 0.25
    label_h = math("(partial L^((1)))/(partial W)", font_size=TYPE.math, theme=th).height + 0.1
    best = None
    for per_row in sorted({T, (T + 1) // 2}, reverse=True):  # one row when it shows as much
        n_rows = -(-T // per_row)
        for r in range(min(shape[0], MAX_SHOWN), 0, -1):
            for c in range(min(shape[1], MAX_SHOWN), 0, -1):
                probe = MatrixGlyph(np.full((r, c), -0.05), theme=th).frame
                item_w = max(probe.width, label_w)
                # a hair of margin: labels measured alone and placed on a frame differ
                room = width - 0.05 - per_row * item_w - (n_rows > 1) * widest_gap
                gap_x = widest_gap if per_row == 1 else min(widest_gap, room / (per_row - 1))
                frame_h = probe.height + label_h
                grid_w = per_row * item_w + (per_row - 1) * gap_x + (n_rows > 1) * widest_gap
                grid_h = n_rows * frame_h + (n_rows - 1) * gap_y + note_h
                side = grid_w + 0.8 + probe.width + 0.9 <= width and grid_h <= whole
                below = grid_h + gap_y + frame_h <= whole
                fits = gap_x >= narrowest_gap and grid_w <= width + 1e-9
                if fits and grid_h <= below_chain and (side or below or not for_sum):
                    if best is None or r * c > best[0]:
                        best = (r * c, per_row, (r, c), gap_x)
                    break
    if best is None:
        return min(T, PER_ROW), (1, 1), narrowest_gap
    return best[1], best[2], best[3]


def flow_chain(T: int, block_label: str, th, width: float) -> BlockChain:
    """The chain of blocks the errors flow along, spread over ``width``: the gaps between
    blocks are where the error arrows run, so many steps get smaller blocks rather than
    gaps too short to read an arrow in."""
    box = 0.9 if T <= 5 else 0.8
    spacing = min(2.6, (width - 0.2 - 1.2 * box) / max(T - 1, 1))
    return BlockChain(
        T,
        block_label=block_label,
        output_label="L^(({t}))",
        theme=th,
        spacing=spacing,
        box=box,
    )


def flow_lanes(chain: BlockChain, n: int) -> list[float]:
    """The heights (scene y) of ``n`` lanes across the gaps between blocks, top to bottom,
    clear of the forward state arrow in the middle."""
    rect = chain.blocks[0][0]
    yc, hb = rect.get_center()[1], rect.height
    slots = list(np.linspace(0.4 * hb, -0.4 * hb, n + 1))
    slots.pop(int(np.argmin(np.abs(slots))))  # the forward arrow's height
    return [yc + y for y in slots[:n]]


def flow_width(norm: float, top: float, widest: float = FLOW_WIDTH[1]) -> float:
    """The stroke width of an arrow carrying an error of size ``norm`` when the largest
    error on the slide is ``top``: linear from :data:`FLOW_WIDTH` [0] (no error) to
    ``widest``."""
    thin = FLOW_WIDTH[0]
    if not (top > 0 and np.isfinite(norm)):
        return thin
    return thin + (widest - thin) * float(min(abs(norm) / top, 1.0))


def _flow_arrow(start: np.ndarray, end: np.ndarray, colour: str, width: float) -> Arrow:
    return Arrow(
        start,
        end,
        buff=0.04,
        stroke_width=width,
        color=ManimColor(colour),
        tip_length=0.14,
        max_tip_length_to_length_ratio=0.45,
        max_stroke_width_to_length_ratio=1000,  # the width is the error's size: never cut
    )


def error_flow(
    chain: BlockChain,
    source: int,
    norms: np.ndarray,
    colour: str,
    *,
    lane_y: float,
    top: float,
    widest: float = FLOW_WIDTH[1],
    down_to: int = 0,
    entry: bool = True,
) -> VGroup:
    """The error of the loss at step ``source`` (0-based) flowing back along the chain: an
    arrow from L^(source) down into its block (``entry``), then one across every gap from
    block k+1 back to block k, for k = source-1 .. ``down_to``, at height ``lane_y``.
    ``norms[k]`` is the size of the error reaching step k (``||d L^source / d h^k||``); each
    arrow's width is :func:`flow_width` of it. Returns the group with ``arrows`` {k: arrow}
    (the entry arrow under ``source``) and ``norms`` {k: norm}."""
    group = VGroup()
    group.arrows, group.norms = {}, {}
    rects = [b[0] for b in chain.blocks]
    if entry:
        rect = rects[source]
        x = rect.get_center()[0] + 0.2 * rect.width
        start = np.array([x, chain.outputs[source].get_bottom()[1] - 0.05, 0.0])
        end = np.array([x, rect.get_top()[1], 0.0])
        arrow = _flow_arrow(start, end, colour, flow_width(norms[source], top, widest))
        group.arrows[source], group.norms[source] = arrow, float(norms[source])
        group.add(arrow)
    for k in range(source - 1, down_to - 1, -1):
        start = np.array([rects[k + 1].get_left()[0], lane_y, 0.0])
        end = np.array([rects[k].get_right()[0], lane_y, 0.0])
        arrow = _flow_arrow(start, end, colour, flow_width(norms[k], top, widest))
        group.arrows[k], group.norms[k] = arrow, float(norms[k])
        group.add(arrow)
    return group


def lane_widest(lanes: list[float]) -> float:
    """The widest stroke that keeps neighbouring lanes apart (stroke width 100 = 1 unit)."""
    if len(lanes) < 2:
        return FLOW_WIDTH[1]
    gap = abs(lanes[0] - lanes[1])
    return float(min(FLOW_WIDTH[1], max(FLOW_WIDTH[0] + 1.0, 0.8 * gap * 100)))


def play_errors_through_time(
    scene,
    data,
    *,
    block_label: str,
    param_expr: str,
    param_name: str,
    title_text: str = "Errors flow back to every earlier step",
    rows: Sequence[int] | None = None,
    cols: Sequence[int] | None = None,
) -> VGroup:
    """Play the BPTT story for ``data`` (``lesson_data.ErrorsThroughTime``) on ``scene``.

    ``block_label`` is the Typst text in each block (``'"RNN"'``), ``param_expr`` the Typst
    name of the parameter (``W_z``), ``param_name`` how the notes say it. One click step for
    the chain, one per loss, one for the sum. Returns the final group (frames, sum, update).
    ``rows`` / ``cols`` choose the matrix rows and columns drawn (0-based, e.g. the config's
    ``show_cells`` / ``show_inputs``); by default the first ones that fit.
    """
    th = scene.theme
    left, right, bottom, top = _zone()
    T = data.contributions.shape[0]
    shape = data.contributions.shape[1:]
    # the rows and columns that may be drawn, in order: the first ones that fit are taken
    pick_rows = sorted(rows) if rows is not None else list(range(shape[0]))
    pick_cols = sorted(cols) if cols is not None else list(range(shape[1]))
    avail = (len(pick_rows), len(pick_cols))
    colours = step_palette(th, T)
    title = scene.slide_title(title_text)
    chain = flow_chain(T, block_label, th, right - left)
    if chain.width > right - left:
        chain.scale_to_fit_width(right - left)
    chain.move_to(np.array([0.0, top - chain.height / 2 - 0.05, 0.0]))
    scene.chain = chain
    floor = -config.frame_height / 2 + 0.25  # the strip is free in this story
    story_labels = getattr(data, "notes", None) and getattr(data, "share_label", None)

    def share_label(s: int) -> str:
        return (
            data.share_label.format(t=s + 1)
            if story_labels
            else f"(partial L^(({s + 1})))/(partial {param_expr})"
        )

    def block(m: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        return np.asarray(m)[np.ix_(pick_rows[: size[0]], pick_cols[: size[1]])]

    # A share whose numbers would mostly print as 0.00 is shown times a stated power of ten
    # (of the block drawn); the layout makes room for the factor wherever a size may need it
    def factor_for(s: int, size: tuple[int, int]) -> int:
        return common_exponent(block(data.contributions[s], size))

    def may_need(s: int) -> int:
        sizes = [
            (r, c)
            for r in range(1, min(avail[0], MAX_SHOWN) + 1)
            for c in range(1, min(avail[1], MAX_SHOWN) + 1)
        ]
        return min((factor_for(s, z) for z in sizes), default=0)

    def frame_label(s: int, e: int) -> str:
        return share_label(s) + (f" quad (times 10^({e}))" if e else "")

    label_w = max(
        math(frame_label(s, may_need(s)), font_size=TYPE.math, theme=th).width for s in range(T)
    )
    per_row, shown, gap = _layout(
        T,
        avail,
        th,
        right - left,
        chain.get_bottom()[1] - 0.3 - floor,
        top - floor,
        label_w,
        for_sum=False,  # the sum step lays the frames out again, without the chain
    )
    scene.shown = shown
    scene.shown_index = (pick_rows[: shown[0]], pick_cols[: shown[1]])

    # One loss only (the trained model, asked at the recall step): the gradient is split by
    # the step the error reaches, and the data brings its own labels and notes.
    story = getattr(data, "notes", None)
    if story:  # so only the last step has a loss above it (the others are not drawn;
        # chain.outputs keeps them all, as error_arrow finds the loss by its step)
        chain.remove(chain.outputs, chain.output_arrows)
        chain.add(VGroup(chain.outputs[T - 1], chain.output_arrows[T - 1]))
    scene.step(
        story["intro"]
        if story
        else "After the forward pass every time step has its own loss L^(t). The parameters "
        "are the same at every step, but the errors that reach them depend on the step."
    )
    scene.play(FadeIn(title), FadeIn(chain))
    scene.flows = {}
    scene.flows_at_end = []  # per loss step: {(loss, step): stroke opacity} on screen
    if story:
        return _play_story(scene, data, chain, title, param_expr, pick_rows, pick_cols)

    def note_for(size: tuple[int, int]) -> VGroup | None:
        return _note(shape, pick_rows[: size[0]], pick_cols[: size[1]], th)

    def frames_for(size: tuple[int, int]) -> list[MatrixGlyph]:
        frames = []
        scene.frame_factors = [factor_for(s, size) for s in range(T)]
        for s in range(T):
            frame = MatrixGlyph(
                block(data.contributions[s], size) / 10.0 ** scene.frame_factors[s],
                label_expr=frame_label(s, scene.frame_factors[s]),
                color=colours[s],
                theme=th,
                label_size=TYPE.math,
            )
            if not np.any(data.contributions[s]):
                _mark_exact_zero(frame, th)
            frames.append(frame)
        return frames

    scene.frames = frames_for(shown)
    scene.loss_frame_factors = list(scene.frame_factors)  # the sum may redraw the frames
    frames = _rows(scene.frames, per_row, gap)
    note = note_for(shown)
    below_chain = chain.get_bottom()[1] - 0.3
    frames.move_to(np.array([0.0, below_chain - frames.height / 2, 0.0]))
    if note is not None:
        note.next_to(frames, DOWN, buff=0.15)
        scene.size_note = note
    lanes = flow_lanes(chain, T)
    widest = lane_widest(lanes)
    norms = data.error_norms
    top_norm = float(np.max(norms))
    flows: list[VGroup] = []
    for s in range(T):
        sizes = ", ".join(f"{norms[s, k]:.3g}" for k in range(s, -1, -1))
        zero = (
            f" This loss's share is exactly zero: {param_name} multiplies the state before "
            "step 1, which is zero."
            if not np.any(data.contributions[s])
            else ""
        )
        scene.step(
            f"The loss at step {s + 1} sends errors back to step {s + 1} and to every "
            f"earlier step, drawn in its colour; each arrow is as wide as the error it "
            f"carries, ||dL^{s + 1}/d{'h' if data.state_expr == 'bold(h)' else '(c, y)'}^k|| "
            f"= {sizes} from step {s + 1} back to step 1. Collected, they give this "
            f"loss's share of the gradient of {param_name}, framed in its colour." + zero
        )
        flow = error_flow(
            chain, s, norms[s], colours[s], lane_y=lanes[s], top=top_norm, widest=widest
        )
        for k, arrow in flow.arrows.items():
            scene.flows[(s, k)] = (arrow, flow.norms[k])
        # the earlier losses' errors stay, dimmed: the new one is the brightest
        scene.play(
            *scene.dim(*flows),
            LaggedStart(*[GrowArrow(a) for a in flow], lag_ratio=0.3),
        )
        flows.append(flow)
        extra = [FadeIn(note)] if (note is not None and s == 0) else []
        shown_before = [f for k, f in enumerate(scene.frames) if k != s and f in scene.mobjects]
        scene.play(FadeIn(scene.frames[s]), *extra, *scene.dim(*shown_before))
        scene.flows_at_end.append(_on_screen(scene))
    scene.flow_groups = flows

    scene.step(
        "The shares are summed into one gradient, and the parameters are renewed once "
        "per sequence, not once per step."
    )
    # Without the chain the frames, the sum and the update share the figure zone (T = 4:
    # whole 3 x 3 in a 2 x 2 grid): when that takes another layout, the frames are redrawn.
    sum_row, sum_shown, sum_gap = _layout(
        T, avail, th, right - left, top - floor, top - floor, label_w
    )
    if sum_shown != shown or sum_row != per_row:
        old = [*scene.frames, *([note] if note is not None else [])]
        per_row, shown, gap = sum_row, sum_shown, sum_gap
        scene.frames = frames_for(shown)
        note = note_for(shown)
        grid = VGroup(_rows(scene.frames, per_row, gap), *([note] if note is not None else []))
        if note is not None:
            note.next_to(grid[0], DOWN, buff=0.15)
            scene.size_note = note
        elif hasattr(scene, "size_note"):
            del scene.size_note
        scene.shown = shown
        scene.shown_index = (pick_rows[: shown[0]], pick_cols[: shown[1]])
        swap = [FadeOut(m) for m in old]
    else:
        grid = VGroup(*scene.frames, *([note] if note is not None else []))
        swap = []
    target = grid.copy()  # where everything goes, worked out before anything moves
    target.shift(UP * (top - 0.05 - target.get_top()[1]))
    scene.total_factor = common_exponent(block(data.total, shown))
    total = MatrixGlyph(
        block(data.total, shown) / 10.0**scene.total_factor,
        label_expr=f"(partial L)/(partial {param_expr})"
        + (f" quad (times 10^({scene.total_factor}))" if scene.total_factor else ""),
        quantity="error",
        theme=th,
        label_size=TYPE.math,
    )
    # a '+' between neighbours (and after a full first row when there are two); the sum to
    # the right of the frames when there is room, else below them
    equals = math("=", font_size=TYPE.symbol, theme=th)
    beside = VGroup(equals, total).arrange(RIGHT, buff=0.3)
    update = math(
        f"{param_expr} <- {param_expr} - eta (partial L)/(partial {param_expr})",
        font_size=TYPE.equation,
        theme=th,
    )
    side_width = max(beside.width, equals.width + 0.3 + update.width)
    if target.width + side_width + 0.8 <= right - left:
        dx = left + ((right - left) - target.width - 0.8 - side_width) / 2 - target.get_left()[0]
        target.shift(RIGHT * dx)
        beside.next_to(target, RIGHT, buff=0.8)
        update.next_to(total, DOWN, buff=0.4).align_to(total, LEFT)
    else:
        beside.next_to(target, DOWN, buff=0.35)
        update.next_to(beside, RIGHT, buff=0.8)
        row = VGroup(beside, update)
        row.set_x(0.0)
        if row.get_bottom()[1] < floor:
            row.shift(UP * (floor - row.get_bottom()[1]))
    undim = [] if swap else scene.undim(*scene.frames)  # the summed frames: full strength
    if undim:
        scene.play(*undim)
    if swap:
        grid.move_to(target)
        scene.play(FadeOut(chain), *[FadeOut(f) for f in flows], *swap)
        scene.play(FadeIn(grid))
    else:
        shift = target.get_center() - grid.get_center()
        scene.play(
            FadeOut(chain), *[FadeOut(f) for f in flows], *[m.animate.shift(shift) for m in grid]
        )
    pluses = VGroup()
    for k in range(T - 1):
        a, b = scene.frames[k].frame, scene.frames[k + 1].frame
        plus = math("+", font_size=TYPE.symbol, theme=th)
        if (k + 1) % per_row == 0:  # the row wraps: '+' after the last frame of the row
            pluses.add(plus.next_to(a, RIGHT, buff=0.12))
        else:
            pluses.add(plus.move_to((a.get_right() + b.get_left()) / 2))
    scene.play(FadeIn(pluses))
    summed = VGroup(*scene.frames, pluses)
    result = VGroup(equals, total, update)
    scene.total = total
    scene.play(FadeIn(beside, shift=UP * 0.2))
    scene.play(FadeIn(update))
    return VGroup(title, summed, result)


def _on_screen(scene) -> dict[tuple[int, int], float]:
    """The error arrows on screen now, with their stroke opacity (for tests)."""
    family = {id(m) for m in scene.get_mobject_family_members()}
    return {
        key: float(arrow.get_stroke_opacity())
        for key, (arrow, _) in scene.flows.items()
        if id(arrow) in family
    }


def _mark_exact_zero(frame: MatrixGlyph, th) -> None:
    """A share that is exactly zero says so in words instead of a block of 0.00 (its cells
    stay, invisible, so the frame keeps its size)."""
    frame.rows.set_opacity(0.0)
    words = label("exactly 0", font_size=TYPE.note, color=th.muted, theme=th)
    if words.width > frame.rows.width - 0.1:  # one column: fewer words
        words = label("all 0", font_size=TYPE.note, color=th.muted, theme=th)
    words.move_to(frame.rows)
    frame.zero_note = words
    frame.add(words)


def _play_story(
    scene,
    data,
    chain: BlockChain,
    title,
    param_expr: str,
    pick_rows: Sequence[int],
    pick_cols: Sequence[int],
) -> VGroup:
    """One loss (the trained model's recall): its error followed back block by block, in
    the error colour, each arrow as wide as ``||(delta c^k, delta y^k)||``; under the chain
    the share of the gradient each step takes, in percent on a log colour scale. The sum
    step shows the exact values in scientific notation: the store step's share and the
    whole gradient. Leaves ``scene.strip`` (:class:`LogStrip`), ``scene.exact`` and
    ``scene.total`` (:class:`SciMatrix`), ``scene.flows``."""
    th = scene.theme
    left, right, bottom, top = _zone()
    T = data.contributions.shape[0]
    story = data.notes
    colour = th.error
    norms = data.error_norms[T - 1]  # the one loss, at the last step
    top_norm = float(np.max(norms))
    lane = flow_lanes(chain, 1)[0]
    shares = data.shares
    strip = LogStrip(
        shares,
        [percent_text(v) for v in shares],
        [f"t = {k + 1}" for k in range(T)],
        colour=colour,
        caption="share of the gradient (log scale)",
        theme=th,
    )
    if strip.width > right - left:
        strip.scale_to_fit_width(right - left)
    # in the middle of the room under the chain (the equation strip is free in this story)
    floor = -config.frame_height / 2 + 0.25
    room_top = chain.get_bottom()[1] - 0.35
    strip.move_to(np.array([0.0, (room_top + floor) / 2, 0.0]))
    strip.bar.set_x(0.0)
    scene.strip = strip
    flows = VGroup()
    for s in range(T - 1, -1, -1):  # from the recall back to step s: this step's share
        scene.step(
            story[s] + f" The arrow's width is the error's size there, ||(delta c, delta y)|| "
            f"= {norms[s]:.3g}; this step takes {percent_text(shares[s])} of the gradient."
        )
        flow = error_flow(
            chain,
            T - 1,
            norms,
            colour,
            lane_y=lane,
            top=top_norm,
            down_to=s,
            entry=s == T - 1,
        )
        # only the new arrow: the ones from later steps are on screen already
        arrow = flow.arrows[s]
        scene.flows[(T - 1, s)] = (arrow, flow.norms[s])
        flows.add(arrow)
        cell = VGroup(strip.cells[s], strip.texts[s], strip.steps[s])
        extra = [FadeIn(strip.bar)] if s == T - 1 else []
        scene.play(GrowArrow(arrow), FadeIn(cell), *extra)
        scene.flows_at_end.append(_on_screen(scene))
    scene.flow_groups = [flows]

    scene.step(story["sum"])
    store = int(np.argmax(shares))
    size = (min(len(pick_rows), MAX_SHOWN), min(len(pick_cols), MAX_SHOWN))

    def block(m: np.ndarray) -> np.ndarray:
        return np.asarray(m)[np.ix_(pick_rows[: size[0]], pick_cols[: size[1]])]

    exact = SciMatrix(
        block(data.contributions[store]),
        colour=colour,
        label_expr=data.share_label.format(t=store + 1),
        theme=th,
    )
    rest = math(
        f"+ sum_(t != {store + 1}) {data.share_label.format(t='t')} =",
        font_size=TYPE.math,
        theme=th,
    )
    total = SciMatrix(
        block(data.total),
        colour=colour,
        label_expr=f"(partial L)/(partial {param_expr})",
        theme=th,
    )
    row = VGroup(exact, rest, total).arrange(RIGHT, buff=0.35)
    rest.match_y(exact.frame)
    if row.width > right - left:
        row.scale_to_fit_width(right - left)
    update = math(
        f"{param_expr} <- {param_expr} - eta (partial L)/(partial {param_expr})",
        font_size=TYPE.equation,
        theme=th,
    )
    note = _note(data.total.shape, pick_rows[: size[0]], pick_cols[: size[1]], th)
    target = strip.copy()
    target.shift(UP * (top - 0.05 - target.get_top()[1]))
    row.next_to(target, DOWN, buff=0.45).set_x(0.0)
    update.next_to(row, DOWN, buff=0.35)
    parts = [row, update]
    if note is not None:
        note.next_to(update, DOWN, buff=0.2)
        parts.append(note)
        scene.size_note = note
    # the store step's share stays bright; the other steps are context
    others = [VGroup(strip.cells[k], strip.texts[k]) for k in range(T) if k != store]
    scene.play(FadeOut(chain), FadeOut(flows), strip.animate.move_to(target))
    scene.play(*scene.dim(*others), FadeIn(row))
    scene.play(*[FadeIn(p) for p in parts[1:]])
    scene.exact, scene.total = exact, total
    scene.store_step = store
    return VGroup(title, strip, VGroup(*parts))
