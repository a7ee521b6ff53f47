"""Layout lint: what a lecturer would call a broken slide, found from the mobject tree at the
end of every click step.

Problems (``Problem.kind``):

- ``overlap``: two readable elements cover each other. Readable elements are text
  (``Text``, ``MarkupText``), math (``MathTypst``/``Typst``, ``MathTex``/``Tex``), numbers
  (``DecimalNumber``) and *cells*: a box meant to contain a readable element (a value cell of
  a :class:`~scenes.kit.components.VectorGlyph` with its number, a neuron with its value, a
  gate box with its symbol). A cell and what it contains are one element; two cells that only
  share an edge do not overlap. Text is compared glyph by glyph (two words whose bounding
  boxes cross but whose letters do not are fine).
- ``outside cell``: a number (or any content) sticks out of the cell that contains it.
- ``too small``: a readable element whose cap height (the height of a digit or a capital) is
  under 2% of the frame height (about 22 px at 1080p). Text is measured on its digits,
  capitals and ascender letters (a lowercase-only word is measured on its x-height and scaled
  up by the font's cap/x ratio, so "tanh" is not punished for having no capitals); math on its
  font size (Typst's cap height is 0.717% of the font size in scene units), numbers on their
  digits.
- ``wire through text``: a wire or arrow (the kit's :class:`~scenes.kit.components.Wire`,
  manim ``Line``/``Arrow``/``CurvedArrow``; not axes) passes through the inside of a glyph.
- ``out of frame``: a visible part leaves the frame.
- ``uninformative values``: a figure of errors or gradients (anything that shows numbers
  and lists them as ``displayed``, drawn as a :class:`~scenes.kit.diagrams.MatrixGlyph` or
  in the error colour: :class:`~scenes.kit.components.VectorGlyph` s of deltas, the BPTT
  frames, the kit's magnitude figures) where three quarters or more of the numbers on
  screen print as zero (no digit 1-9: "0.00", "-0.00", "0") and some of them are not zero
  (a true zero, a state that starts empty or a one-hot input, is information). Forward
  values keep their own bounded scale (a gate that prints 0.00 is shut) and are not
  checked. A block of zeros says nothing: show the sizes instead (the arrow's width, a log
  colour scale, a common factor, shares in percent) and keep the exact values a click away.

Invisible parts (fill and stroke opacity under :data:`MIN_OPACITY`) do not count.

Declaring what is meant to contain what
---------------------------------------
The kit's own cells are known by class (:data:`KIT_CELLS`). Any other box declares its
content with :func:`declare_contains` (an attribute on the box, so it survives ``copy()``)::

    box = RoundedRectangle(...)
    declare_contains(box, number)

Opting out
----------
:func:`lint_ignore` marks a mobject (and everything in it) as exempt from some or all checks
(e.g. a deliberately tiny footnote or a label that is meant to sit on a wire)::

    lint_ignore(footnote, "too small")

Use
---
``rnn-slides check IDS`` prints the problems of whole scenes; from Python::

    from scenes.kit.lint import check_scene
    from slidebuild.registry import get_scene
    for p in check_scene(get_scene("lstm-circuit").cls):
        print(p)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from manim import (
    Arrow,
    CurvedArrow,
    CurvedDoubleArrow,
    DecimalNumber,
    Group,
    Line,
    MarkupText,
    Mobject,
    NumberLine,
    SingleStringMathTex,
    Text,
    Typst,
    VGroup,
    VMobject,
    config,
)

from .fastcopy import LazyGroups

__all__ = [
    "Problem",
    "KINDS",
    "KIT_CELLS",
    "MIN_OPACITY",
    "MIN_CAP_FRACTION",
    "declare_contains",
    "lint_ignore",
    "lint_mobjects",
    "tag_parts",
    "check_scene",
    "format_table",
    "out_of_frame",
    "prints_as_zero",
    "uninformative_values",
]

KINDS = (
    "overlap",
    "outside cell",
    "too small",
    "wire through text",
    "out of frame",
    "uninformative values",
)
# Below this opacity a part counts as invisible (faded out, or a transform's hidden copy).
MIN_OPACITY = 0.05
# A readable element's cap height must be at least this fraction of the frame height.
MIN_CAP_FRACTION = 0.02
# Two elements overlap when their glyphs intersect by more than this (scene units) in both
# directions: about 2.7 px at 1080p, so glyphs that merely touch are not reported.
OVERLAP_TOL = 0.02
# A value figure is uninformative when at least this share of its numbers prints as zero
# (and it shows at least MIN_VALUES numbers: a lone 0.00 may be the point of a slide).
ZERO_SHARE = 0.75
MIN_VALUES = 3
# Content may stick out of its cell by this much (scene units) before it counts.
CELL_TOL = 0.005
# A wire must enter a glyph's box by this fraction of the glyph's size (each side) to count,
# so wires that end next to a label, or graze an accent, are fine.
GLYPH_SHRINK = 0.18
# Cap height of Typst math per unit of font size, in scene units (digits and capitals of New
# Computer Modern Math: 0.344 units at font size 48).
TYPST_CAP_PER_FONT_SIZE = 0.344 / 48
# Cap height / x-height of the deck's sans fonts (DejaVu: 0.729 / 0.545).
CAP_OVER_X = 1.33
_CAP_CHARS = set("0123456789ABCDEFGHIKLMNOPRSTUVWXYZbdhkl")
_X_CHARS = set("acemnorsuvwxz")

_CONTAINS_ATTR = "lint_contains"
_IGNORE_ATTR = "lint_ignore"


@dataclass(frozen=True)
class Problem:
    """One layout problem: its kind, the readable names of the parts involved, a detail."""

    kind: str
    parts: tuple[str, ...]
    detail: str = ""
    scene: str = ""
    step: int = 0

    def __str__(self) -> str:
        where = f"{self.scene} step {self.step}: " if self.scene else ""
        extra = f" ({self.detail})" if self.detail else ""
        return f"{where}{self.kind}: {' | '.join(self.parts)}{extra}"


def declare_contains(box: Mobject, *contents: Mobject) -> Mobject:
    """Declare that ``box`` is meant to contain ``contents`` (a cell and its number): they
    count as one readable element, and the contents must fit inside the box."""
    existing = list(getattr(box, _CONTAINS_ATTR, []))
    setattr(box, _CONTAINS_ATTR, existing + list(contents))
    return box


def lint_ignore(mob: Mobject, *kinds: str) -> Mobject:
    """Exempt ``mob`` (and its parts) from the given problem kinds (all kinds if none)."""
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown lint kinds {unknown}; known: {', '.join(KINDS)}")
    setattr(mob, _IGNORE_ATTR, frozenset(kinds or KINDS))
    return mob


def _kit_cells() -> dict[str, Callable[[Any], Iterable[tuple[str, Mobject, Mobject]]]]:
    """Cells of the kit's components, by class name: (part name, box, content)."""

    def vector_glyph(g: Any) -> Iterable[tuple[str, Mobject, Mobject]]:
        return [
            (f"cells[{k}]", box, number)
            for k, (box, number) in enumerate(
                zip(g.cells.submobjects, g.numbers.submobjects, strict=False)
            )
        ]

    def neuron(n: Any) -> Iterable[tuple[str, Mobject, Mobject]]:
        return [("circle", n.circle, n.text)] if getattr(n, "text", None) is not None else []

    def gate(g: Any) -> Iterable[tuple[str, Mobject, Mobject]]:
        return [("box", g.box, g.symbol)]

    return {"VectorGlyph": vector_glyph, "Neuron": neuron, "GateBox": gate}


KIT_CELLS = tuple(_kit_cells())

READABLE = (Text, MarkupText, Typst, SingleStringMathTex, DecimalNumber)


# Geometry ------------------------------------------------------------------------------------
def _opacity(mob: Mobject) -> float:
    if not isinstance(mob, VMobject):
        return 1.0 if len(mob.points) else 0.0
    fill = float(np.max(mob.get_fill_opacities())) if len(mob.fill_rgbas) else 0.0
    stroke = (
        float(np.max(mob.get_stroke_opacities()))
        if mob.get_stroke_width() > 0 and len(mob.stroke_rgbas)
        else 0.0
    )
    return max(fill, stroke)


def _leaves(mob: Mobject) -> list[Mobject]:
    """The visible parts of ``mob`` that draw something."""
    return [m for m in mob.get_family() if len(m.points) > 0 and _opacity(m) >= MIN_OPACITY]


def _rect(mob: Mobject) -> np.ndarray:
    pts = mob.points
    return np.array(
        [pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()], dtype=float
    )


def _union(rects: np.ndarray) -> np.ndarray:
    return np.array([rects[:, 0].min(), rects[:, 1].min(), rects[:, 2].max(), rects[:, 3].max()])


def _intersections(a: np.ndarray, b: np.ndarray, tol: float) -> np.ndarray:
    """Boolean (len(a), len(b)): rectangles that intersect by more than ``tol`` both ways."""
    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    return (w > tol) & (h > tol)


def _sample_curves(mob: VMobject, spacing: float = 0.02) -> np.ndarray:
    """Points along the cubic Bezier curves of ``mob`` (about ``spacing`` apart)."""
    pts = mob.points
    n = len(pts) // 4
    if n == 0:
        return np.zeros((0, 2))
    p = pts[: 4 * n].reshape(n, 4, 3)[:, :, :2]
    chord = np.linalg.norm(p[:, 3] - p[:, 0], axis=1) + np.linalg.norm(p[:, 1] - p[:, 0], axis=1)
    out = []
    for k in range(n):
        t = np.linspace(0.0, 1.0, max(2, int(np.ceil(chord[k] / spacing)) + 1))[:, None]
        a, b, c, d = p[k]
        out.append((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d)
    return np.concatenate(out)


# Naming ----------------------------------------------------------------------------------------
# Attributes that hold mobjects but are bookkeeping, not names (the Scene's own lists too).
_SKIP_ATTRS = {
    "submobjects",
    "target",
    "updaters",
    "points",
    "saved_state",
    "family",
    "mobjects",
    "foreground_mobjects",
    "moving_mobjects",
    "static_mobjects",
    "camera",
    "renderer",
}


def _attr_children(obj: Any) -> Iterator[tuple[str, Mobject]]:
    """(name, mobject) for the attributes of ``obj`` that hold mobjects (directly, or in a
    dict, list or tuple)."""
    for attr, val in vars(obj).items():
        if attr.startswith("_") or attr in _SKIP_ATTRS:
            continue
        if isinstance(val, LazyGroups):  # a copied text's groups, made when first read
            val = getattr(obj, attr)
        if isinstance(val, Mobject):
            yield attr, val
        elif isinstance(val, dict):
            for key, item in val.items():
                if isinstance(item, Mobject):
                    yield f"{attr}[{key!r}]", item
        elif isinstance(val, list | tuple) and len(val) < 200:
            for k, item in enumerate(val):
                if isinstance(item, Mobject):
                    yield f"{attr}[{k}]", item


class _Names:
    """Readable names of parts: their attribute path from the scene or their component."""

    def __init__(self, roots: Sequence[Mobject], scene: Any | None) -> None:
        self.parent: dict[int, tuple[Mobject | None, str]] = {}
        if scene is not None:
            for attr, mob in _attr_children(scene):
                self.parent.setdefault(id(mob), (None, attr))
        for mob in _walk(roots):
            if type(mob).__module__.startswith("scenes"):
                for attr, child in _attr_children(mob):
                    self.parent.setdefault(id(child), (mob, attr))

    def path(self, mob: Mobject, depth: int = 4) -> str:
        entry = self.parent.get(id(mob))
        if entry is None:
            return ""
        parent, attr = entry
        if parent is None:
            return attr
        above = self.path(parent, depth - 1) if depth > 1 else ""
        return f"{above or type(parent).__name__}.{attr}"


_NAME_ATTR = "lint_name"


def tag_parts(roots: Sequence[Mobject], scene: Any | None = None) -> None:
    """Record, on the parts themselves, what the component tree says about them: the kit's
    cells (box -> content, see :data:`KIT_CELLS`) and each part's attribute path.

    manim dissolves a component into loose groups when one of its parts is added to or
    removed from the scene on its own (``Scene.restructure_mobjects``), so the lint cannot
    rely on finding a ``VectorGlyph`` in the tree at the end of a step. :class:`LectureSlide`
    calls this whenever something is added to the scene, while components are still whole.
    """
    cells = _kit_cells()
    names = _Names(roots, scene)
    for mob in _walk(roots):
        if getattr(mob, _NAME_ATTR, None) is None:
            path = names.path(mob)
            if path:
                setattr(mob, _NAME_ATTR, path)
        kit = cells.get(type(mob).__name__)
        if kit is not None:
            base = names.path(mob) or type(mob).__name__
            for part, box, content in kit(mob):
                if content is None:
                    continue
                if not any(c is content for c in getattr(box, _CONTAINS_ATTR, [])):
                    declare_contains(box, content)
                if getattr(box, _NAME_ATTR, None) is None:
                    setattr(box, _NAME_ATTR, f"{base}.{part}")


def _walk(roots: Sequence[Mobject]) -> Iterator[Mobject]:
    """Every mobject under ``roots`` once, depth first (a part shared by two groups once)."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        mob = stack.pop()
        if id(mob) in seen:
            continue
        seen.add(id(mob))
        yield mob
        stack.extend(mob.submobjects)


def _content(mob: Mobject) -> str:
    if isinstance(mob, Text | MarkupText):
        text = getattr(mob, "original_text", None) or getattr(mob, "text", "")
        text = " ".join(str(text).split())
        return f'"{text[:40]}"'
    if isinstance(mob, Typst):
        code = " ".join(mob.typst_code.split()).strip("$ ")
        return f"${code[:40]}$"
    if isinstance(mob, SingleStringMathTex):
        return f"${mob.tex_string[:40]}$"
    if isinstance(mob, DecimalNumber):
        return f"number {mob.get_value():g}"
    return type(mob).__name__


# Elements ---------------------------------------------------------------------------------------
@dataclass
class _Element:
    """A readable element: text/math/number, or a cell with its content."""

    name: str
    rects: np.ndarray  # (n, 4) glyph boxes (or the cell box) used for overlaps
    glyphs: np.ndarray  # (m, 4) glyph boxes of the readable content (for wires)
    ignore: frozenset[str] = frozenset()
    cell: Mobject | None = None
    contents: list[Mobject] = field(default_factory=list)
    contents_rects: list[tuple[str, np.ndarray]] = field(default_factory=list)

    @property
    def box(self) -> np.ndarray:
        return _union(self.rects)


def _cap_height(mob: Mobject, leaves: list[Mobject]) -> float | None:
    """The cap height of a readable element in scene units (see the module docstring)."""
    heights = np.array([leaf.height for leaf in leaves])
    if len(heights) == 0:
        return None
    if isinstance(mob, Text | MarkupText):
        chars = "".join(str(getattr(mob, "text", "")).split())
        if len(chars) == len(mob.submobjects):
            cap = [s.height for c, s in zip(chars, mob.submobjects, strict=True) if c in _CAP_CHARS]
            if cap:
                return float(np.median(cap))
            low = [s.height for c, s in zip(chars, mob.submobjects, strict=True) if c in _X_CHARS]
            if low:
                return float(np.median(low)) * CAP_OVER_X
        return float(np.max(heights))
    if isinstance(mob, Typst):
        return float(mob.font_size) * TYPST_CAP_PER_FONT_SIZE
    # Numbers and TeX: the tallest glyph (digits are cap height; a lone sign is not a number).
    return float(np.max(heights))


def _ignored(mob: Mobject, inherited: frozenset[str]) -> frozenset[str]:
    own = getattr(mob, _IGNORE_ATTR, None)
    return inherited | own if own else inherited


def _is_wire(mob: Mobject) -> bool:
    if type(mob).__name__ == "Wire":
        return True
    if isinstance(mob, NumberLine):
        return False
    return isinstance(mob, Line | Arrow | CurvedArrow | CurvedDoubleArrow)


def _collect(
    roots: Sequence[Mobject], names: _Names
) -> tuple[list[_Element], list[tuple[str, Mobject, frozenset[str]]], list[Problem]]:
    """Walk the tree: readable elements, wires, and per-element problems (size, cell fit)."""
    elements: list[_Element] = []
    wires: list[tuple[str, Mobject, frozenset[str]]] = []
    problems: list[Problem] = []
    owner: dict[int, _Element] = {}  # id(content part) -> its cell element
    cell_of_box: dict[int, _Element] = {}
    seen: set[int] = set()
    min_cap = MIN_CAP_FRACTION * config.frame_height

    def name_of(mob: Mobject) -> str:
        path = names.path(mob) or getattr(mob, _NAME_ATTR, None) or ""
        content = _content(mob)
        if path and content != type(mob).__name__:
            return f"{content} ({path})"
        return path or content

    def declare(box: Mobject, content: Mobject, ignore: frozenset[str], name: str) -> None:
        el = cell_of_box.get(id(box))
        if el is None:
            el = _Element(
                name=name,
                rects=np.zeros((0, 4)),
                glyphs=np.zeros((0, 4)),
                ignore=ignore,
                cell=box,
            )
            cell_of_box[id(box)] = el
            elements.append(el)
        el.contents.append(content)
        for part in content.get_family():
            owner[id(part)] = el

    def visit(mob: Mobject, ignore: frozenset[str]) -> None:
        if id(mob) in seen:
            return
        seen.add(id(mob))
        ignore = _ignored(mob, ignore)
        if _is_wire(mob):
            if _leaves(mob):
                wires.append((name_of(mob), mob, ignore))
            return
        if isinstance(mob, READABLE):
            leaves = _leaves(mob)
            if not leaves:
                return
            rects = np.array([_rect(leaf) for leaf in leaves])
            name = name_of(mob)
            cap = _cap_height(mob, leaves)
            if cap is not None and cap < min_cap and "too small" not in ignore:
                problems.append(
                    Problem(
                        "too small",
                        (name,),
                        f"cap height {cap / config.frame_height:.2%} of the frame, "
                        f"needs {MIN_CAP_FRACTION:.0%}",
                    )
                )
            cell = owner.get(id(mob))
            if cell is not None:
                cell.glyphs = np.concatenate([cell.glyphs, rects])
                cell.contents_rects.append((name, rects))
            else:
                elements.append(_Element(name=name, rects=rects, glyphs=rects, ignore=ignore))
            return
        for sub in mob.submobjects:
            visit(sub, ignore)

    # First the cells (a box may come after its content in a dissolved tree), then the rest.
    def declare_all(mob: Mobject, ignore: frozenset[str], done: set[int]) -> None:
        if id(mob) in done:
            return
        done.add(id(mob))
        ignore = _ignored(mob, ignore)
        for content in getattr(mob, _CONTAINS_ATTR, []):
            declare(mob, content, ignore, name_of(mob))
        for sub in mob.submobjects:
            declare_all(sub, ignore, done)

    done: set[int] = set()
    for root in roots:
        declare_all(root, frozenset(), done)
    for root in roots:
        visit(root, frozenset())

    # Cells: their box is what overlaps; their content must fit inside it.
    kept = []
    for el in elements:
        if el.cell is None:
            kept.append(el)
            continue
        box_visible = len(el.cell.points) > 0 and _opacity(el.cell) >= MIN_OPACITY
        content = el.contents_rects
        if not box_visible and not content:
            continue
        if box_visible:
            box = _rect(el.cell)
            el.rects = box[None, :]
            for name, rects in content:
                r = _union(rects)
                out = max(box[0] - r[0], box[1] - r[1], r[2] - box[2], r[3] - box[3])
                if out > CELL_TOL and "outside cell" not in el.ignore:
                    problems.append(
                        Problem(
                            "outside cell",
                            (name, el.name),
                            f"sticks out by {out / config.frame_height:.1%} of the frame",
                        )
                    )
        else:
            el.rects = np.concatenate([rects for _, rects in content])
        if content:
            el.name = f"{el.name} {content[0][0].split(' (')[0]}"
        kept.append(el)
    return kept, wires, problems


def _overlaps(elements: list[_Element]) -> list[Problem]:
    problems = []
    active = [e for e in elements if "overlap" not in e.ignore and len(e.rects)]
    if len(active) < 2:
        return problems
    boxes = np.array([e.box for e in active])
    candidates = _intersections(boxes, boxes, OVERLAP_TOL)
    for i, j in zip(*np.nonzero(np.triu(candidates, k=1)), strict=True):
        a, b = active[i], active[j]
        if _intersections(a.rects, b.rects, OVERLAP_TOL).any():
            problems.append(Problem("overlap", (a.name, b.name)))
    return problems


def _wires_through_text(
    elements: list[_Element], wires: list[tuple[str, Mobject, frozenset[str]]]
) -> list[Problem]:
    problems = []
    texts = [e for e in elements if len(e.glyphs) and "wire through text" not in e.ignore]
    if not texts:
        return problems
    for wire_name, wire, ignore in wires:
        if "wire through text" in ignore:
            continue
        samples = [_sample_curves(leaf) for leaf in _leaves(wire) if isinstance(leaf, VMobject)]
        pts = np.concatenate(samples) if samples else np.zeros((0, 2))
        if len(pts) == 0:
            continue
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        for el in texts:
            g = el.glyphs
            size = np.minimum(g[:, 2] - g[:, 0], g[:, 3] - g[:, 1])
            pad = np.maximum(GLYPH_SHRINK * size, 0.01)[:, None]
            inner = np.concatenate([g[:, :2] + pad, g[:, 2:] - pad], axis=1)
            near = (inner[:, 0] < hi[0]) & (inner[:, 2] > lo[0])
            near &= (inner[:, 1] < hi[1]) & (inner[:, 3] > lo[1])
            inner = inner[near & (inner[:, 2] > inner[:, 0]) & (inner[:, 3] > inner[:, 1])]
            if not len(inner):
                continue
            inside = (
                (pts[:, None, 0] > inner[None, :, 0])
                & (pts[:, None, 0] < inner[None, :, 2])
                & (pts[:, None, 1] > inner[None, :, 1])
                & (pts[:, None, 1] < inner[None, :, 3])
            )
            if inside.any():
                problems.append(Problem("wire through text", (wire_name, el.name)))
    return problems


# Mobjects may touch the frame edge by this much (in scene units) before counting as cut off.
FRAME_TOLERANCE = 1e-3


def out_of_frame(mobjects: Iterable[Mobject], margin: float = 0.0) -> list[Mobject]:
    """The visible mobjects whose bounding box leaves the frame (shrunk by ``margin``)."""
    half_w = config.frame_width / 2 - margin + FRAME_TOLERANCE
    half_h = config.frame_height / 2 - margin + FRAME_TOLERANCE
    bad = []
    for mob in mobjects:
        for part in mob.get_family():
            if not _is_visible(part) or len(part.points) == 0:
                continue
            pts = part.points
            if np.any(np.abs(pts[:, 0]) > half_w) or np.any(np.abs(pts[:, 1]) > half_h):
                bad.append(part)
    return bad


def _is_visible(mob: Mobject) -> bool:
    if not isinstance(mob, VMobject):
        return not isinstance(mob, Group | VGroup) and len(mob.points) > 0
    stroke = mob.get_stroke_opacity() if mob.get_stroke_width() > 0 else 0.0
    return bool(mob.get_fill_opacity() > 0 or stroke > 0)


def _out_of_frame(roots: Sequence[Mobject], names: _Names) -> list[Problem]:

    problems = []
    for mob in out_of_frame(roots):
        if "out of frame" in getattr(mob, _IGNORE_ATTR, frozenset()):
            continue
        name = names.path(mob) or _content(mob)
        problems.append(
            Problem("out of frame", (name,), f"at {np.round(mob.get_center(), 2)[:2].tolist()}")
        )
    return problems


def lint_mobjects(
    mobjects: Sequence[Mobject], *, scene: Any | None = None, frame: bool = True
) -> list[Problem]:
    """The layout problems of ``mobjects`` as drawn now (``scene`` names parts by the
    scene's attributes; ``frame`` adds the out-of-frame check)."""
    tag_parts(mobjects, scene)
    names = _Names(mobjects, scene)
    elements, wires, problems = _collect(mobjects, names)
    problems += _overlaps(elements)
    problems += _wires_through_text(elements, wires)
    if frame:
        problems += _out_of_frame(mobjects, names)
    theme = getattr(scene, "theme", None)
    problems += uninformative_values(mobjects, names, getattr(theme, "error", None))
    return problems


def prints_as_zero(text: str) -> bool:
    """True when a number as written shows no nonzero digit ("0.00", "-0.00", "0")."""
    return not any(ch in "123456789" for ch in text)


def _is_error_figure(fig: Any, error_colour: str) -> bool:
    """Errors and gradients: a matrix (the deck's matrices are gradients and weights), or a
    figure drawn in the error colour."""
    if type(fig).__name__ == "MatrixGlyph":
        return True
    colour = getattr(fig, "color_hex", None)
    return isinstance(colour, str) and colour.lower() == error_colour.lower()


def _value_figures(roots: Sequence[Mobject]) -> Iterator[Mobject]:
    """The outermost visible mobjects that list their numbers as ``displayed`` (a matrix,
    not also each of its rows)."""
    seen: set[int] = set()
    stack = list(reversed(list(roots)))
    while stack:
        mob = stack.pop()
        if id(mob) in seen:
            continue
        seen.add(id(mob))
        if "uninformative values" in getattr(mob, _IGNORE_ATTR, frozenset()):
            continue
        if hasattr(type(mob), "displayed") and _leaves(mob):
            yield mob
            continue
        stack.extend(reversed(mob.submobjects))


def _flat(displayed: Any) -> list[str]:
    """The strings of a ``displayed`` (nested lists; None and "" are not numbers)."""
    if displayed is None or isinstance(displayed, str):
        return [displayed] if displayed else []
    return [s for part in displayed for s in _flat(part)]


def _shown_numbers(fig: Any) -> list[tuple[str, float | None]]:
    """The numbers of a value figure as written, with their true values where the figure
    knows them, those drawn visibly only (a matrix: its rows'; a glyph with ``numbers``
    matching ``displayed``: the visible ones)."""
    rows = getattr(fig, "rows", None)
    if isinstance(rows, Mobject) and all(hasattr(type(r), "displayed") for r in rows):
        return [pair for r in rows for pair in _shown_numbers(r)]
    shown = _flat(fig.displayed)
    values: list[float | None] = [None] * len(shown)
    indices = getattr(fig, "indices", None)
    if indices is not None and len(indices) == len(shown):  # a VectorGlyph
        values = [float(v) for v in np.asarray(fig.values)[list(indices)]]
    pairs = list(zip(shown, values, strict=True))
    numbers = getattr(fig, "numbers", None)
    if isinstance(numbers, Mobject) and len(numbers.submobjects) == len(shown):
        return [p for p, m in zip(pairs, numbers.submobjects, strict=True) if _leaves(m)]
    return pairs


def uninformative_values(
    roots: Sequence[Mobject], names: Any | None = None, error_colour: str | None = None
) -> list[Problem]:
    """``uninformative values`` problems: figures of errors or gradients (matrices, and
    figures in ``error_colour``, by default the current theme's) where at least
    :data:`ZERO_SHARE` of the numbers shown print as zero and some of those are not zero.
    Forward values are on their own bounded scale (a gate that prints 0.00 is shut, which is
    what it says); an error or a gradient has no such scale, and its size is the point."""
    if error_colour is None:
        from .theme import current_theme

        error_colour = current_theme().error
    problems = []
    for fig in _value_figures(roots):
        if not _is_error_figure(fig, error_colour):
            continue
        shown = _shown_numbers(fig)
        zeros = [v for s, v in shown if prints_as_zero(s)]
        # a true zero written as 0 is information (a state that starts empty, a one-hot
        # input); a value that only rounds to zero is not
        hidden = any(v is None or v != 0.0 for v in zeros)
        if len(shown) >= MIN_VALUES and hidden and len(zeros) >= ZERO_SHARE * len(shown):
            name = (names.path(fig) if names is not None else "") or type(fig).__name__
            problems.append(
                Problem(
                    "uninformative values",
                    (name,),
                    f"{len(zeros)} of {len(shown)} numbers print as zero: show their sizes",
                )
            )
    return problems


# Whole scenes ---------------------------------------------------------------------------------
def check_scene(
    scene: type,
    scene_config: Any | None = None,
    *,
    pixel_height: int = 144,
) -> list[Problem]:
    """Build a scene class with animations skipped at a tiny size and return the
    layout problems of every step. ``scene_config`` is a
    :class:`~scenes.kit.config.SceneConfig` (default: the defaults)."""
    import logging

    from .config import SceneConfig

    cls = scene
    scene_config = scene_config if scene_config is not None else SceneConfig()
    # manim-slides logs every slide it writes; a check prints only its findings.
    loggers = [logging.getLogger(n) for n in ("manim", "manim-slides", "manim_slides")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        built = _build(cls, scene_config, pixel_height)
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
    return [p for step in built.steps for p in step.layout]


def _build(cls: type, scene_config: Any, pixel_height: int) -> Any:
    import tempfile
    from pathlib import Path

    from manim import tempconfig

    with (
        tempfile.TemporaryDirectory() as tmp,
        tempconfig(
            {
                "pixel_height": pixel_height,
                "pixel_width": pixel_height * 16 // 9,
                "frame_rate": 5,
                "media_dir": str(Path(tmp) / "media"),
                "disable_caching": True,
                "write_to_movie": False,
                "save_last_frame": False,
                "progress_bar": "none",
                "verbosity": "ERROR",
            }
        ),
    ):
        built = cls.configured(scene_config, lint=True, write_slides=False)(
            output_folder=Path(tmp) / "slides", skip_animations=True
        )
        built.render()
    return built


def _step_ranges(steps: Sequence[int]) -> str:
    """1,2,3,5 -> "1-3,5"."""
    out: list[str] = []
    run: list[int] = []
    for k in sorted(set(steps)):
        if run and k != run[-1] + 1:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
            run = []
        run.append(k)
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(out)


def format_table(problems: Sequence[Problem]) -> str:
    """Problems as an aligned text table: scene, steps, problem, parts. A problem that lasts
    several steps is one row (steps "3-7")."""
    groups: dict[tuple[str, str, tuple[str, ...]], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.scene, p.kind, p.parts), []).append(p)
    rows = [("scene", "step", "problem", "parts")]
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][0], min(p.step for p in kv[1])))
    for (scene, kind, parts), found in ordered:
        detail = found[0].detail
        rows.append(
            (
                scene,
                _step_ranges([p.step for p in found]),
                kind,
                " | ".join(parts) + (f" ({detail})" if detail else ""),
            )
        )
    widths = [max(len(r[k]) for r in rows) for k in range(3)]
    return "\n".join("  ".join(r[k].ljust(widths[k]) for k in range(3)) + "  " + r[3] for r in rows)


# Video against scene -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FrameDifference:
    """A blob where two frames differ: its pixel box (left, top, right, bottom; inclusive),
    its size in pixels and the largest colour difference in it (0-255)."""

    box: tuple[int, int, int, int]
    pixels: int
    peak: int

    def scene_box(self, shape: tuple[int, ...]) -> tuple[float, float, float, float]:
        """The box in scene units (x0, y0, x1, y1) for a frame of ``shape``."""
        h, w = shape[:2]
        sx, sy = config.frame_width / w, config.frame_height / h
        left, top, right, bottom = self.box
        return (
            round(left * sx - config.frame_width / 2, 2),
            round(config.frame_height / 2 - (bottom + 1) * sy, 2),
            round((right + 1) * sx - config.frame_width / 2, 2),
            round(config.frame_height / 2 - top * sy, 2),
        )


# A pixel differs when no pixel within this many pixels of it in the other frame has (about)
# its colour: anti-aliasing and sub-pixel shifts move edges by less than that.
FRAME_REACH = 1
# Colour difference (max over R, G, B; 0-255) that counts, after the neighbourhood match.
FRAME_THRESHOLD = 64
# Blobs smaller than this many differing pixels are noise (a lone anti-aliased corner).
FRAME_MIN_PIXELS = 3


def _unmatched(a: np.ndarray, b: np.ndarray, reach: int) -> np.ndarray:
    """Per pixel of ``a``: how far its colour lies outside the range of colours of ``b``
    within ``reach`` pixels (per channel, the max over R, G, B). An anti-aliased edge pixel
    is a mix of its neighbours' colours, so an edge moved by less than ``reach`` pixels is
    explained; a glyph that is not there in ``b`` is not."""
    h, w = a.shape[:2]
    pad = np.pad(b, ((reach, reach), (reach, reach), (0, 0)), mode="edge")
    low = np.full(a.shape, 255, dtype=np.int16)
    high = np.zeros(a.shape, dtype=np.int16)
    for dy in range(2 * reach + 1):
        for dx in range(2 * reach + 1):
            shifted = pad[dy : dy + h, dx : dx + w]
            np.minimum(low, shifted, out=low)
            np.maximum(high, shifted, out=high)
    outside = np.maximum(low - a, a - high)
    return np.maximum(outside, 0).max(axis=-1)


def frame_differences(
    expected: np.ndarray,
    actual: np.ndarray,
    *,
    reach: int = FRAME_REACH,
    threshold: int = FRAME_THRESHOLD,
    min_pixels: int = FRAME_MIN_PIXELS,
) -> list[FrameDifference]:
    """Where two frames of the same size differ beyond anti-aliasing: a glyph missing or
    extra, a leftover copy, an edge moved by more than ``reach`` pixels. Differing pixels
    (checked both ways, each against a neighbourhood of the other frame) are grouped into
    blobs (8-connected, after closing one-pixel gaps), largest first."""
    from scipy import ndimage

    if expected.shape[:2] != actual.shape[:2]:
        raise ValueError(f"frames differ in size: {expected.shape} vs {actual.shape}")
    a = expected[..., :3].astype(np.int16)
    b = actual[..., :3].astype(np.int16)
    diff = np.maximum(_unmatched(a, b, reach), _unmatched(b, a, reach))
    mask = diff > threshold
    if not mask.any():
        return []
    grouped = ndimage.binary_dilation(mask, structure=np.ones((3, 3), dtype=bool))
    labels, count = ndimage.label(grouped, structure=np.ones((3, 3), dtype=bool))
    blobs = []
    for k, box in enumerate(ndimage.find_objects(labels), start=1):
        inside = (labels[box] == k) & mask[box]
        pixels = int(inside.sum())
        if pixels < min_pixels:
            continue
        ys, xs = np.nonzero(inside)
        top, left = box[0].start + int(ys.min()), box[1].start + int(xs.min())
        bottom, right = box[0].start + int(ys.max()), box[1].start + int(xs.max())
        peak = int(diff[box][inside].max())
        blobs.append(FrameDifference((left, top, right, bottom), pixels, peak))
    return sorted(blobs, key=lambda d: -d.pixels)
