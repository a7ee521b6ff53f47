"""Gradient clipping on the cliff landscape of Pascanu et al. Every number comes from
``rnn_core`` through ``scenes.lesson_data``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    PI,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    ManimColor,
    Square,
    SurroundingRectangle,
    VGroup,
    VMobject,
    config,
)
from manim.utils.space_ops import rotation_about_z, rotation_matrix

from rnn_core.landscape import pascanu_cliff
from scenes.kit.base import LectureSlide
from scenes.kit.components import label, math
from scenes.lesson_data import (
    CliffData,
    cliff_data,
)
from scenes.lstm_backprop.common import (
    AXIS_NAME_SIZE,
    EQ_SIZE,
    FIGURE_WIDTH,
    LABEL_SIZE,
    NUMBER_SIZE,
    SMALL_SIZE,
    _fmt,
)

# The cliff landscape: w and b span MAP scene units; the loss axis runs from 0 to LOSS_TOP
# over LOSS_HEIGHT units, its floor at FLOOR; seen from CAMERA = (phi, theta, zoom).
CAMERA = (58.0, 15.0, 1.0)
# the box around the landscape fills this part of the frame ((x0, x1), (y0, y1)); the rest
# is for tick labels, axis names and the legend
LANDSCAPE_ZONE = ((-6.1, 1.6), (-2.75, 2.45))
SIDE_X = 2.3  # left edge of the column beside the landscape (legend, notes)
MAP = 6.0
LOSS_TOP = 0.5
LOSS_HEIGHT = 2.4
FLOOR = -1.2
# Compared paths and rules: a colour-blind-safe pair (blue vs vermillion), the second of
# each pair also dashed.
CLIFF_PLAIN, CLIFF_CLIPPED = "c", "peephole"
NORM_CLIP, VALUE_CLIP = "peephole", "c"


# ---------------------------------------------------------------------------------------
# Gradient clipping on the cliff


class Projection:
    """The view of the cliff: manim's 3-D camera projection (rotation by phi, theta, then
    perspective from ``focal`` and ``zoom``), done here so every part of the landscape is an
    ordinary 2-D mobject. No 3-D scene means no fixed-in-frame bookkeeping: text, paths and
    arrows draw exactly where they are, in the video as in a still.
    """

    def __init__(
        self, phi: float, theta: float, zoom: float, focal: float = 20.0, centre=ORIGIN
    ) -> None:
        self.rotation = rotation_matrix(-phi * PI / 180, RIGHT) @ rotation_about_z(
            -theta * PI / 180 - PI / 2
        )
        self.zoom, self.focal = zoom, focal
        self.centre = np.asarray(centre, dtype=float)

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Frame points (z = 0) of scene points (..., 3)."""
        p = np.asarray(points, dtype=float) @ self.rotation.T
        factor = self.focal / (self.focal - p[..., 2]) * self.zoom
        out = np.zeros_like(p)
        out[..., 0], out[..., 1] = p[..., 0] * factor, p[..., 1] * factor
        return out + self.centre

    def depth(self, points: np.ndarray) -> np.ndarray:
        """Distance toward the camera (larger = nearer)."""
        return (np.asarray(points, dtype=float) @ self.rotation.T)[..., 2]


def cliff_surface_mesh(
    data: CliffData, rows_per_side: int = 22, power: float = 2.5, fine: int = 2001
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(W, B, loss, wall) on a drawing mesh whose rows follow the cliff.

    In every column ``wall`` is the b of the loss's steepest drop (the largest step of a
    ``fine`` sampling, narrowed by bisection to 1e-9), and the rows sit at the same
    fractions of the way from the map's edge to it, densest at the wall (``power`` > 1).
    So the wall lies between the same two rows in every column and its faces join into one
    smooth wall; a regular grid, or rows spread column by column, put the drop in a
    different row from one column to the next and saw the wall into a staircase.

    Row ``rows_per_side`` lies on the wall; every loss is ``pascanu_cliff`` at its mesh
    point.
    """
    w = np.asarray(data.mesh_w[:, 0], dtype=float)  # (columns,)
    lo, hi = float(data.b[0]), float(data.b[-1])
    bf = np.linspace(lo, hi, fine)
    lf, _, _ = pascanu_cliff(w[:, None], bf[None, :])  # (columns, fine)
    k = np.argmax(np.abs(np.diff(lf, axis=1)), axis=1)
    a, z = bf[k], bf[k + 1]
    la, lz = lf[np.arange(len(w)), k], lf[np.arange(len(w)), k + 1]
    for _ in range(40):  # bisection: which side of the drop's midpoint is the middle on
        mid = 0.5 * (a + z)
        lm, _, _ = pascanu_cliff(w, mid)
        first_half = np.abs(lm - la) < np.abs(lz - lm)
        a, la = np.where(first_half, mid, a), np.where(first_half, lm, la)
        z, lz = np.where(first_half, z, mid), np.where(first_half, lz, lm)
    wall = 0.5 * (a + z)
    u = np.linspace(0.0, 1.0, rows_per_side + 1) ** power  # 0 at the wall, 1 at the edge
    below = wall[:, None] - (wall[:, None] - lo) * u[::-1][None, :]  # lo ... wall
    above = wall[:, None] + (hi - wall[:, None]) * u[1:][None, :]  # past the wall ... hi
    B = np.concatenate([below, above], axis=1)  # (columns, 2 * rows_per_side + 1)
    W = np.broadcast_to(w[:, None], B.shape).copy()
    loss, _, _ = pascanu_cliff(W, B)
    return W, B, np.asarray(loss), wall


def _mix(a: str, b: str, t: float) -> ManimColor:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    return ManimColor(a).interpolate(ManimColor(b), t)


class GradientClipping(LectureSlide):
    """The cliff landscape in 3-D, descent with and without norm clipping, then value vs
    norm clipping."""

    scene_id = "gradient-clipping"
    title = "Gradient clipping on a loss cliff"
    description = "Plain descent jumps off the cliff; norm clipping does not."

    def construct(self) -> None:
        th = self.theme
        data = cliff_data()
        self.data = data
        self.paths = {"plain": data.plain, "clipped": data.clipped}
        # Scene coordinates: w and b span MAP units each, the loss axis LOSS_HEIGHT units.
        self._w0, self._b0 = float(data.w.mean()), float(data.b.mean())
        self._sx, self._sy = MAP / np.ptp(data.w), MAP / np.ptp(data.b)
        self._sz = LOSS_HEIGHT / LOSS_TOP
        self.view = self._fit_view()

        # A cliff in the loss landscape
        self.step(
            "The loss of a recurrent net can have flat plains and steep cliffs. This is the "
            "one-unit RNN of Pascanu et al. run for 50 steps: its loss over the weight w and "
            "the bias b. Along the wall a tiny change of b flips the final state."
        )
        title = self.slide_title("A cliff in the loss landscape")
        self.surface = self._surface()
        self.axes3d = self._axes()
        # Fade, not Create: Create draws a group of faces one after another, and the last
        # frame of the animation (just before its end) still misses the nearest faces.
        self.play(FadeIn(title), FadeIn(self.surface), FadeIn(self.axes3d), run_time=1.5)

        # Plain descent falls off the cliff
        plain = self._path_line(data.plain, CLIFF_PLAIN, width=8)
        arc, arc_label = self._jump_arc()
        legend = self._legend(data)
        start = Dot(self._screen(*data.plain.points[0], data.plain.losses[0]), color=th.text)
        jump = int(np.argmax(data.plain.grad_norms))
        far = data.plain.points[jump + 1]
        self.step(
            f"Plain gradient descent from (w, b) = ({data.plain.points[0][0]:g}, "
            f"{data.plain.points[0][1]:g}) walks down to the edge; there the gradient norm "
            f"is {data.plain.grad_norms[jump]:.0f} and one step throws it to "
            f"({far[0]:.1f}, {far[1]:.1f}), far off this map."
        )
        self.play(FadeIn(start), FadeIn(legend[0]))
        self.play(Create(plain), run_time=2)
        self.play(Create(arc), FadeIn(arc_label))

        # Norm clipping stays on the map
        clipped = self._path_line(data.clipped, CLIFF_CLIPPED, width=5, dashed=True)
        self.step(
            "With norm clipping the same start and step size take the same path until the "
            "cliff; there the step is cut to the threshold, and descent continues into the "
            f"valley (loss {data.clipped.losses[-1]:.3f})."
        )
        self.play(FadeIn(legend[1]), FadeIn(clipped), run_time=1.5)
        self.plain_line, self.clip_line, self.jump_arc = plain, clipped, arc

        # The algorithm
        self.step(
            "The algorithm is two lines: if the norm of the gradient exceeds the threshold, "
            "rescale the gradient to the threshold. The direction is kept."
        )
        code = VGroup(
            math("bold(g) <- (partial L)/(partial theta)", font_size=EQ_SIZE, theme=th),
            math(
                '"if" norm(bold(g)) >= v : quad bold(g) <- v / norm(bold(g)) bold(g)',
                font_size=EQ_SIZE,
                theme=th,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        box = SurroundingRectangle(code, buff=0.2, color=ManimColor(th.muted), stroke_width=2)
        pseudo = VGroup(box, code)
        if pseudo.width > config.frame_width / 2 - SIDE_X - 0.3:
            pseudo.scale_to_fit_width(config.frame_width / 2 - SIDE_X - 0.3)
        pseudo.to_edge(DOWN, buff=0.6).align_to(RIGHT * SIDE_X, LEFT)
        self.pseudo = pseudo
        self.play(FadeIn(pseudo))

        # Norm clipping vs value clipping
        self.step(
            "Value clipping cuts each component separately instead. At the cliff step the "
            f"gradient is ({data.gradient[0]:.1f}, {data.gradient[1]:.1f}): norm clipping "
            "keeps its direction, value clipping turns it."
        )
        panel = self._clip_panel(data)
        new_title = self.slide_title("Norm clipping vs value clipping")
        landscape = (title, self.surface, self.axes3d, plain, clipped, arc, arc_label)
        self.play(*[FadeOut(m) for m in (*landscape, legend, start, pseudo)])
        self.play(FadeIn(new_title), FadeIn(panel))
        self.clip_panel = panel

    # The landscape ----------------------------------------------------------------------
    def _scene(self, wv, bv, lv) -> np.ndarray:
        """Scene point(s) of (w, b, loss)."""
        return np.stack(
            np.broadcast_arrays(
                (np.asarray(wv) - self._w0) * self._sx,
                (np.asarray(bv) - self._b0) * self._sy,
                np.asarray(lv) * self._sz + FLOOR,
            ),
            axis=-1,
        ).astype(float)

    def _fit_view(self) -> Projection:
        """The camera of CAMERA, zoomed and centred so that the box around the landscape
        (plus room for tick labels) fills the figure zone."""
        d = self.data
        phi, theta, _ = CAMERA
        box = self._scene(
            *np.meshgrid([d.w[0], d.w[-1]], [d.b[0], d.b[-1]], [0.0, LOSS_TOP], indexing="ij")
        ).reshape(-1, 3)
        flat = Projection(phi, theta, 1.0)(box)
        lo, hi = flat.min(axis=0)[:2], flat.max(axis=0)[:2]
        (x0, x1), (y0, y1) = LANDSCAPE_ZONE
        zoom = min((x1 - x0) / (hi[0] - lo[0]), (y1 - y0) / (hi[1] - lo[1]))
        # zooming scales about the frame centre (perspective aside): centre the box after
        view = Projection(phi, theta, zoom)
        pts = view(box)
        mid = (pts.min(axis=0) + pts.max(axis=0)) / 2
        target = np.array([(x0 + x1) / 2, (y0 + y1) / 2, 0.0])
        return Projection(phi, theta, zoom, centre=target - mid * np.array([1.0, 1.0, 0.0]))

    def _screen(self, wv, bv, lv) -> np.ndarray:
        """Where (w, b, loss) appears in the frame."""
        return self.view(self._scene(wv, bv, lv))

    def _surface(self) -> VGroup:
        th = self.theme
        W, B, L, _ = cliff_surface_mesh(self.data)
        self.mesh = (W, B, L)
        pts3 = self._scene(W, B, L)  # (columns, rows, 3)
        pts = self.view(pts3)
        low, high = _mix(th.i, th.background, 0.2), _mix(th.grid, th.background, 0.3)
        # brightness follows how squarely a face meets a light above and behind the
        # camera, so the wall reads as a wall
        light = self.view.rotation.T @ np.array([-0.3, 0.5, 1.0])
        light /= np.linalg.norm(light)
        faces, depth = [], []
        for i in range(W.shape[0] - 1):
            for r in range(W.shape[1] - 1):
                c3 = [pts3[i, r], pts3[i + 1, r], pts3[i + 1, r + 1], pts3[i, r + 1]]
                normal = np.cross(c3[2] - c3[0], c3[3] - c3[1])
                n = np.linalg.norm(normal)
                lit = abs(float(normal @ light)) / n if n > 0 else 1.0
                height = float(np.clip(np.mean(L[i : i + 2, r : r + 2]) / LOSS_TOP, 0, 1))
                colour = ManimColor(low.interpolate(high, height).to_rgb() * (0.62 + 0.38 * lit))
                corners = [pts[i, r], pts[i + 1, r], pts[i + 1, r + 1], pts[i, r + 1]]
                # a stroke in the face's own colour closes the hairline seams between faces
                face = VMobject(stroke_width=1.0, stroke_color=colour)
                face.set_points_as_corners([*corners, corners[0]])
                face.set_fill(colour, opacity=1.0)
                faces.append(face)
                foot = np.mean(c3, axis=0) * np.array([1.0, 1.0, 0.0])
                depth.append(float(self.view.depth(foot)))
        # Paint far to near by each face's footprint on the ground: right for a height
        # field seen from above (a sort by face centre draws a tall wall out of order).
        order = np.argsort(depth, kind="stable")
        return VGroup(*[faces[k] for k in order])

    def _axes(self) -> VGroup:
        """Floor axes along the two near edges (w and b, with ticks) and a loss axis with
        ticks at the far corner."""
        th = self.theme
        d = self.data
        (w_lo, w_hi), (b_lo, b_hi) = (
            (float(d.w[0]), float(d.w[-1])),
            (float(d.b[0]), float(d.b[-1])),
        )
        corners = [(w, b) for w in (w_lo, w_hi) for b in (b_lo, b_hi)]
        depth = [float(self.view.depth(self._scene(w, b, 0.0))) for w, b in corners]
        near_w, near_b = corners[int(np.argmax(depth))]
        far_w, far_b = corners[int(np.argmin(depth))]
        gap_b = (1 if near_b == b_hi else -1) * 0.05 * (b_hi - b_lo)  # outward from the map
        gap_w = (1 if near_w == w_hi else -1) * 0.05 * (w_hi - w_lo)
        kw = dict(color=ManimColor(th.muted), stroke_width=2.5)
        lines, ticks, names = VGroup(), VGroup(), VGroup()

        def seg(a, b) -> Line:
            return Line(self._screen(*a), self._screen(*b), **kw)

        def place(mob, anchor: np.ndarray, away: np.ndarray) -> VMobject:
            """Put ``mob`` beside ``anchor``, on the side ``away`` points to."""
            away = away / (np.linalg.norm(away) or 1.0)
            half = np.array([mob.width / 2, mob.height / 2, 0.0])
            return mob.move_to(anchor + away * (np.abs(away) @ half + 0.12))

        # w along the near b edge
        wb = near_b + gap_b
        lines.add(seg((w_lo, wb, 0), (w_hi, wb, 0)))
        out = self._screen(w_lo, wb + gap_b, 0) - self._screen(w_lo, wb, 0)
        for wv in np.arange(np.ceil(w_lo), w_hi + 1e-9, 1.0):
            lines.add(seg((wv, wb, 0), (wv, wb + 0.5 * gap_b, 0)))
            ticks.add(place(self._number(wv), self._screen(wv, wb + 0.5 * gap_b, 0), out))
        names.add(
            place(
                self._name("w"),
                self._screen((w_lo + w_hi) / 2, wb + 2.2 * gap_b, 0),
                out,
            )
        )
        # b along the near w edge
        bw = near_w + gap_w
        lines.add(seg((bw, b_lo, 0), (bw, b_hi, 0)))
        out = self._screen(bw + gap_w, b_lo, 0) - self._screen(bw, b_lo, 0)
        for bv in np.arange(np.ceil(b_lo), b_hi + 1e-9, 1.0):
            lines.add(seg((bw, bv, 0), (bw + 0.5 * gap_w, bv, 0)))
            ticks.add(place(self._number(bv), self._screen(bw + 0.5 * gap_w, bv, 0), out))
        names.add(place(self._name("b"), self._screen(bw + 2.2 * gap_w, (b_lo + b_hi) / 2, 0), out))
        # loss, upright at the far corner, ticks pointing away from the map
        lines.add(seg((far_w, far_b, 0), (far_w, far_b, LOSS_TOP)))
        away = self._screen(far_w, far_b, 0) - self._screen((w_lo + w_hi) / 2, (b_lo + b_hi) / 2, 0)
        away = np.array([np.sign(away[0]) or 1.0, 0.0, 0.0])
        for lv in np.arange(0.0, LOSS_TOP + 1e-9, 0.25):
            p = self._screen(far_w, far_b, lv)
            lines.add(Line(p, p + away * 0.12, **kw))
            ticks.add(place(self._number(lv, 1), p + away * 0.12, away))
        names.add(self._name("loss").next_to(self._screen(far_w, far_b, LOSS_TOP), UP, buff=0.2))
        self.axis_ticks, self.axis_names = ticks, names
        return VGroup(lines, ticks, names)

    def _number(self, value: float, places: int = 0) -> VMobject:
        return label(
            _fmt(value, places), font_size=NUMBER_SIZE, color=self.theme.muted, theme=self.theme
        )

    def _name(self, name: str) -> VMobject:
        """An axis name: a math symbol, or a word in the label font."""
        if len(name) == 1:
            return math(name, font_size=AXIS_NAME_SIZE, theme=self.theme)
        return label(name, font_size=LABEL_SIZE, theme=self.theme)

    def _path_points(self, path) -> np.ndarray:
        """Frame points of a descent path while it stays on the map."""
        d = self.data
        pts = path.points
        inside = (
            (d.w[0] <= pts[:, 0])
            & (pts[:, 0] <= d.w[-1])
            & (d.b[0] <= pts[:, 1])
            & (pts[:, 1] <= d.b[-1])
        )
        stop = int(np.argmin(inside)) if not inside.all() else len(pts)
        # drawn a hair above the surface so the faces never cover it
        return self._screen(pts[:stop, 0], pts[:stop, 1], path.losses[:stop] + 0.004)

    def _path_line(self, path, colour: str, *, width: float, dashed: bool = False) -> VMobject:
        line = VMobject(stroke_color=ManimColor(self.theme.quantity(colour)), stroke_width=width)
        line.set_points_as_corners(self._path_points(path))
        if dashed:
            line = DashedVMobject(line, num_dashes=20, dashed_ratio=0.55)
        return line

    def _jump_arc(self) -> tuple[VGroup, VMobject]:
        """The unclipped step as an arc: from the last point on the map it flies toward the
        step's target, over the map's edge; its end says where it would land."""
        th = self.theme
        d = self.data
        path = d.plain
        jump = int(np.argmax(path.grad_norms))
        (w1, b1), l1 = path.points[jump], float(path.losses[jump])
        w2, b2 = path.points[jump + 1]
        # the fraction of the step at which the straight step crosses the map's edge
        exits = [
            (edge - a) / (z - a)
            for a, z, lo, hi in ((w1, w2, d.w[0], d.w[-1]), (b1, b2, d.b[0], d.b[-1]))
            if z != a
            for edge in (lo, hi)
            if (edge - a) / (z - a) > 0
        ]
        t_end = min(exits) * 1.3
        k = np.linspace(0.0, 1.0, 40)
        rise = 0.6 * LOSS_TOP  # a ballistic bump: up, and over the edge still high
        pts = self._screen(
            w1 + (w2 - w1) * t_end * k, b1 + (b2 - b1) * t_end * k, l1 + rise * k * (1.8 - k)
        )
        colour = ManimColor(th.quantity(CLIFF_PLAIN))
        curve = VMobject(stroke_color=colour, stroke_width=6)
        curve.set_points_smoothly(pts[:-2])
        tip = Arrow(
            pts[-4],
            pts[-1],
            buff=0,
            stroke_width=6,
            color=colour,
            tip_length=0.3,
            max_tip_length_to_length_ratio=1.0,
        )
        arc = VGroup(DashedVMobject(curve, num_dashes=16, dashed_ratio=0.6), tip)
        text = label(
            f"one step jumps to\n(w, b) = ({_fmt(w2, 1)}, {_fmt(b2, 1)})",
            font_size=LABEL_SIZE,
            color=th.quantity(CLIFF_PLAIN),
            theme=th,
        )
        text.next_to(pts[-1], RIGHT, buff=0.2).align_to(RIGHT * SIDE_X, LEFT)
        _keep_in_frame(text)
        self.arc_points = pts
        self.arc_ground_end = (w1 + (w2 - w1) * t_end, b1 + (b2 - b1) * t_end)
        self.arc_label = text
        return arc, text

    def _legend(self, data) -> VGroup:
        th = self.theme

        def entry(colour: str, text: str, dashed: bool) -> VGroup:
            line = Line(
                ORIGIN,
                RIGHT * 0.9,
                color=ManimColor(th.quantity(colour)),
                stroke_width=5 if dashed else 8,
            )
            sample = DashedVMobject(line, num_dashes=3, dashed_ratio=0.6) if dashed else line
            words = label(text, font_size=LABEL_SIZE, color=th.text, theme=th)
            return VGroup(sample, words).arrange(RIGHT, buff=0.2)

        legend = VGroup(
            entry(CLIFF_PLAIN, "plain descent", False),
            entry(CLIFF_CLIPPED, f"norm clipping, v = {data.threshold:g}", True),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        room = config.frame_width / 2 - SIDE_X - 0.2
        if legend.width > room:
            legend.scale_to_fit_width(room)
        legend.to_edge(UP, buff=1.1).align_to(RIGHT * SIDE_X, LEFT)
        self.legend = legend
        return legend

    # Norm vs value clipping ---------------------------------------------------------------
    def _clip_panel(self, data) -> VGroup:
        """The gradient at the cliff step and both clipped versions in the (dL/dw, dL/db)
        plane, with the set each rule clips into: the circle of norm v, the square
        |g_i| <= v."""
        th = self.theme
        v = data.threshold
        unit = 2.3  # scene units per gradient unit
        reach = 1.45 * v * unit
        axis_kw = dict(color=ManimColor(th.muted), stroke_width=2)
        plane = VGroup(
            Line(LEFT * reach, RIGHT * reach, **axis_kw), Line(DOWN * reach, UP * reach, **axis_kw)
        )
        names = VGroup(
            math("(partial L)/(partial w)", font_size=LABEL_SIZE, theme=th).next_to(
                plane[0], RIGHT, buff=0.12
            ),
            math("(partial L)/(partial b)", font_size=LABEL_SIZE, theme=th).next_to(
                plane[1], UP, buff=0.1
            ),
        )
        norm_c, value_c = ManimColor(th.quantity(NORM_CLIP)), ManimColor(th.quantity(VALUE_CLIP))
        circle = Circle(radius=v * unit, color=norm_c, stroke_width=2.5)
        square = DashedVMobject(
            Square(side_length=2 * v * unit, color=value_c, stroke_width=2.5), num_dashes=40
        )
        direction = data.gradient / np.linalg.norm(data.gradient)

        def arrow(vec: np.ndarray, colour: ManimColor, width: float = 7) -> Arrow:
            return Arrow(
                ORIGIN,
                np.array([vec[0], vec[1], 0.0]) * unit,
                buff=0,
                stroke_width=width,
                color=colour,
                tip_length=0.28,
                max_tip_length_to_length_ratio=0.3,
            )

        raw = arrow(direction * 1.4 * v, ManimColor(th.muted), 4)
        by_norm = arrow(data.norm_clipped, norm_c)
        by_value = arrow(data.value_clipped, value_c)
        figure = VGroup(plane, circle, square, raw, by_norm, by_value, names)
        angles = [
            float(np.degrees(np.arctan2(u[1], u[0])))
            for u in (data.gradient, data.norm_clipped, data.value_clipped)
        ]

        def row(name: str, vec: np.ndarray, places: int, angle: float, colour: str) -> VMobject:
            return label(
                f"{name}: ({_fmt(vec[0], places)}, {_fmt(vec[1], places)}), "
                f"angle {_fmt(angle, 0)}\u00b0",
                font_size=LABEL_SIZE,
                color=colour,
                theme=th,
            )

        rows = VGroup(
            row("gradient", data.gradient, 1, angles[0], th.muted),
            row("norm clipping", data.norm_clipped, 2, angles[1], th.quantity(NORM_CLIP)),
            row("value clipping", data.value_clipped, 2, angles[2], th.quantity(VALUE_CLIP)),
            label(
                "grey arrow: the gradient's direction (its length is "
                f"{np.linalg.norm(data.gradient):.0f})",
                font_size=SMALL_SIZE,
                color=th.muted,
                theme=th,
            ),
            label(
                "circle: norm = v;  dashed square: every |g\u1d62| \u2264 v",
                font_size=SMALL_SIZE,
                color=th.muted,
                theme=th,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        panel = VGroup(figure, rows).arrange(RIGHT, buff=0.7)
        if panel.width > FIGURE_WIDTH:
            panel.scale_to_fit_width(FIGURE_WIDTH)
        panel.move_to(DOWN * 0.35)
        self.clip_texts = rows
        self.clip_arrows = {"raw": raw, "norm": by_norm, "value": by_value}
        return panel


def _keep_in_frame(mob: VMobject, margin: float = 0.2) -> VMobject:
    """Shift ``mob`` back inside the frame if it sticks out."""
    hw, hh = config.frame_width / 2 - margin, config.frame_height / 2 - margin
    dx = min(0.0, hw - mob.get_right()[0]) + max(0.0, -hw - mob.get_left()[0])
    dy = min(0.0, hh - mob.get_top()[1]) + max(0.0, -hh - mob.get_bottom()[1])
    return mob.shift(np.array([dx, dy, 0.0]))
