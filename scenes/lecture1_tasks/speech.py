"""Voice recognition with CTC, drawn from the shipped ``speech-ctc`` model: the utterance's
feature frames, the per-frame distribution over the blank and the letters, the best path,
the collapse (merge repeats, drop blanks) of the doubled-letter word "tee", and the lattice
of CTC forward variables alpha whose two end cells sum to the word's probability.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    ManimColor,
    Rectangle,
    SurroundingRectangle,
    Text,
    VGroup,
)

from rnn_core import ctc, pretrained
from rnn_core.pretrained_tasks import speech_example
from scenes.kit.base import LectureSlide
from scenes.kit.components import MINUS, Wire, label, math
from scenes.kit.diagrams import BottomStrip, figure_zone
from scenes.kit.heatmap import FLOOR, SPAN, HeatMap, heat_cell_size
from scenes.kit.lint import declare_contains, lint_ignore
from scenes.kit.theme import TYPE, Theme

__all__ = ["SpeechSlideData", "speech_slide_data", "SpeechCTCScene", "HALF", "BLANK_NAME"]

WORD = "tee"  # the lecture's doubled-letter case: only a blank keeps the two e's apart
LATTICE_SIDE = 2.6  # left of the lattice: its key and row names
HALF = 10  # frames per row of a map: 20 frames do not fit one row at the number size
BLANK_NAME = "blank"  # the blank's row label ("-" inside spelled paths, as the core spells it)


@dataclass(frozen=True)
class SpeechSlideData:
    """What the slide shows, all from ``speech-ctc`` on the lecture's utterance of "tee"."""

    word: str
    frames: np.ndarray  # (T, F) feature frames
    probs: np.ndarray  # (T, C) per-frame symbol probabilities, blank first
    symbols: tuple[str, ...]  # C symbols, "-" the blank
    path: str  # best path, one symbol per frame
    merged: str  # repeats merged
    decoded: str  # blanks dropped: the word heard
    blanks_first: str  # what dropping the blanks before merging would give
    ext: tuple[str, ...]  # S extended labels (blank, w1, blank, ..., blank)
    alpha: np.ndarray  # (T, S) log alpha
    probability: float  # p(word | frames) over every alignment

    @property
    def T(self) -> int:
        return int(self.frames.shape[0])


@functools.cache
def speech_slide_data() -> SpeechSlideData:
    model = pretrained.load("speech-ctc")
    frames = speech_example(WORD)
    steps = model.decode_steps(frames)
    best = model.best_path(frames)  # (T,)
    no_blanks = [int(k) for k in best if k != 0]
    ext = ctc.extended_labels(model.labels(WORD))
    return SpeechSlideData(
        word=WORD,
        frames=frames,
        probs=np.exp(model.log_probs(frames)),
        symbols=tuple(model.symbols),
        path=steps["path"],
        merged=steps["merged"],
        decoded=steps["word"],
        blanks_first=model.spell(ctc.collapse(no_blanks)),
        ext=tuple(model.symbols[k] for k in ext),
        alpha=model.alpha(frames, WORD),
        probability=model.word_probability(frames, WORD),
    )


def _row_name(symbol: str) -> str:
    return BLANK_NAME if symbol == "-" else symbol


def _log_text(value: float) -> str:
    """ln alpha as written in a lattice cell: rounded to a whole number, "" when -inf."""
    if not np.isfinite(value):
        return ""
    text = f"{value:.0f}"
    return "0" if text == "-0" else text


class _Spectrogram(VGroup):
    """The feature frames as shaded cells (bands x frames), no numbers: the pattern is the
    point, like a spectrogram. Parts: ``cells`` (rows of rectangles), ``ticks``."""

    def __init__(self, frames: np.ndarray, th: Theme, cell_w: float, cell_h: float) -> None:
        super().__init__()
        vmax = float(np.abs(frames).max())
        self.cells = VGroup()
        for band in range(frames.shape[1] - 1, -1, -1):  # low bands at the bottom
            row = VGroup()
            for t in range(frames.shape[0]):
                fill, _ = th.shade(float(frames[t, band]), vmax)
                strength = min(abs(float(frames[t, band])) / vmax, 1.0)
                box = Rectangle(width=cell_w, height=cell_h, stroke_width=1)
                box.set_stroke(ManimColor(th.grid)).set_fill(
                    ManimColor(fill), opacity=FLOOR + SPAN * strength
                )
                row.add(box)
            self.cells.add(row.arrange(RIGHT, buff=0))
        self.cells.arrange(DOWN, buff=0)
        self.add(self.cells)


class _LogLattice(VGroup):
    """CTC forward variables as a grid: one row per extended label, one column per frame;
    each cell shaded by alpha (a probability, 0..1) and holding ln alpha rounded to a
    whole number. Parts: ``cells[s][t]`` (rectangle, number text or None), ``texts``."""

    def __init__(
        self, alpha: np.ndarray, frames: range, th: Theme, cell_w: float, cell_h: float
    ) -> None:
        super().__init__()
        S = alpha.shape[1]
        self.cells: list[list[VGroup]] = []
        self.texts: list[list[str]] = []
        grid = VGroup()
        for s in range(S):
            row, texts = VGroup(), []
            for t in frames:
                value = float(alpha[t, s])
                prob = float(np.exp(value)) if np.isfinite(value) else 0.0
                box = Rectangle(width=cell_w, height=cell_h, stroke_width=1)
                box.set_stroke(ManimColor(th.grid)).set_fill(
                    ManimColor(th.pos), opacity=FLOOR + SPAN * prob
                )
                text = _log_text(value)
                texts.append(text)
                cell = VGroup(box)
                if text:
                    number = Text(
                        text.replace("-", MINUS),
                        font=th.mono_font,
                        font_size=TYPE.number,
                        color=ManimColor(th.text),
                    )
                    cell.add(number)
                row.add(cell)
            row.arrange(RIGHT, buff=0)
            for cell in row:
                if len(cell) > 1:
                    cell[1].move_to(cell[0])
                    declare_contains(cell[0], cell[1])
            grid.add(row)
            self.cells.append(list(row))
            self.texts.append(texts)
        grid.arrange(DOWN, buff=0)
        self.grid = grid
        self.add(grid)


def _char_row(text: str, th: Theme, colour: str, size: float = 0.5) -> VGroup:
    """A string as a row of boxed characters (mono, heading size)."""
    row = VGroup()
    for ch in text:
        box = Rectangle(width=size, height=size * 1.2, stroke_width=2)
        box.set_stroke(ManimColor(colour)).set_fill(ManimColor(th.panel), opacity=1.0)
        glyph = Text(ch, font=th.mono_font, font_size=TYPE.heading, color=ManimColor(th.text))
        glyph.move_to(box)
        if ch == "-":
            lint_ignore(glyph, "too small")  # the blank's dash: wide, meant to be flat
        declare_contains(box, glyph)
        row.add(VGroup(box, glyph))
    return row.arrange(RIGHT, buff=0.04)


def _filled(heat: HeatMap) -> VGroup:
    """The revealed cells of a heat map (reveal adds them to the scene, not to the map)."""
    return VGroup(
        *[m for row in heat.fills for m in row if m is not None],
        *[m for row in heat.numbers for m in row if m is not None],
    )


def _runs(text: str) -> list[tuple[int, int]]:
    """(start, stop) of each run of one repeated symbol."""
    runs, start = [], 0
    for k in range(1, len(text) + 1):
        if k == len(text) or text[k] != text[start]:
            runs.append((start, k))
            start = k
    return runs


class SpeechCTCScene(LectureSlide):
    """speech-ctc hears "tee": frames, per-frame distribution, best path, collapse, lattice."""

    scene_id = "speech-ctc"
    title = "Voice recognition with CTC"
    description = (
        "speech-ctc on a spoken 'tee': frames, blank + letters per frame, best path, merge, "
        "drop blanks; the alpha lattice summing to p(word)."
    )

    def construct(self) -> None:
        d = speech_slide_data()
        self.data = d
        self.shown: dict[str, object] = {}
        self.strip = BottomStrip()
        title = self.slide_title("Voice recognition: CTC collapses the frames")
        self._show_frames(d, title)
        maps = self._show_distribution(d)
        self._show_best_path(d, maps)
        rows = self._show_merge(d, maps)
        self._show_drop_blanks(d, rows)
        lattice = self._show_lattice(d, rows)
        self._show_sum(d, lattice)

    # The utterance
    def _show_frames(self, d: SpeechSlideData, title) -> None:
        th = self.theme
        self.step(
            f"A spoken word is a sequence of feature frames: here {d.T} frames of "
            f"{d.frames.shape[1]} frequency bands for the three letters of '{d.word}', from "
            "the speech task's synthetic voice. Each column is one frame: the letters show "
            "as stripes, with silence and noise between. The output must be much shorter "
            "than the input: 3 letters from 20 frames."
        )
        left, right, bottom, top = figure_zone()
        cell_w = (right - left - 1.2) / d.T
        spec = _Spectrogram(d.frames, th, cell_w, 0.34)
        ticks = VGroup(
            *[
                label(str(t + 1), font_size=TYPE.note, color=th.muted, theme=th).next_to(
                    spec.cells[-1][t], DOWN, buff=0.1
                )
                for t in range(d.T)
            ]
        )
        side = label("bands", font_size=TYPE.label, color=th.x, theme=th)
        side.next_to(spec.cells, LEFT, buff=0.15)
        x_label = math("bold(x)^t", color=th.x, theme=th).next_to(spec.cells, UP, buff=0.15)
        caption = label(
            f"frame t = 1 ... {d.T}; shade: + red, \u2212 blue",
            font_size=TYPE.note,
            color=th.muted,
            theme=th,
        ).next_to(ticks, DOWN, buff=0.15)
        self.spectrogram = VGroup(spec, ticks, side, x_label, caption)
        self.spectrogram.move_to([(left + right) / 2, (top + bottom) / 2, 0])
        self.shown["frames"] = d.frames
        self.play(FadeIn(title), FadeIn(self.spectrogram))

    # The per-frame distribution over the blank and the letters
    def _show_distribution(self, d: SpeechSlideData) -> list[VGroup]:
        th = self.theme
        self.step(
            "The bidirectional RNN reads the frames and gives, at every frame, a softmax over "
            "six symbols: the blank and the letters a, b, c, e, t. Most frames are sure: the "
            f"blank wins {d.path.count('-')} of the {d.T} frames; frames "
            f"{self._frames_of(d, 't')} say t and frames {self._frames_of(d, 'e')} say e."
        )
        left, right, bottom, top = figure_zone(strip=False)
        names = [_row_name(s) for s in d.symbols]
        width, _ = heat_cell_size(d.probs, 2)
        maps = []
        for half in range(2):
            cols = range(half * HALF, min(d.T, (half + 1) * HALF))
            heat = HeatMap(
                d.probs[cols.start : cols.stop].T,
                label="hat(bold(y))^t",
                quantity="o",
                row_labels=names,
                noun="symbols",
                theme=th,
                cell_width=width,
                cell_height=0.34,
            )
            ticks = VGroup(
                *[
                    label(str(t + 1), font_size=TYPE.note, color=th.muted, theme=th).next_to(
                        heat.grid[0][k], UP, buff=0.08
                    )
                    for k, t in enumerate(cols)
                ]
            )
            block = VGroup(heat, ticks)
            block.heat, block.ticks, block.cols = heat, ticks, cols
            maps.append(block)
        stack = VGroup(*maps).arrange(DOWN, buff=0.35, aligned_edge=RIGHT)
        stack.move_to([(left + right) / 2, (top + bottom) / 2, 0])
        self.maps = maps
        self.play(FadeOut(self.spectrogram), *[FadeIn(m) for m in maps])
        self.play(*[m.heat.reveal(range(len(m.cols))) for m in maps])
        self.shown["distribution"] = [m.heat.displayed for m in maps]
        return maps

    @staticmethod
    def _frames_of(d: SpeechSlideData, symbol: str) -> str:
        return ", ".join(str(t + 1) for t, s in enumerate(d.path) if s == symbol)

    # The best path: the most probable symbol at every frame
    def _show_best_path(self, d: SpeechSlideData, maps: list[VGroup]) -> None:
        th = self.theme
        self.step(
            "The best path takes the most probable symbol at every frame: "
            f"'{d.path}', one symbol per frame, the blank written as a dash. It is as long "
            "as the utterance; now it must be collapsed to the word."
        )
        marks = VGroup()
        for block in maps:
            for k, t in enumerate(block.cols):
                r = d.symbols.index(d.path[t])
                marks.add(
                    SurroundingRectangle(
                        block.heat.grid[r][k], buff=0.0, color=ManimColor(th.y), stroke_width=5
                    )
                )
        self.path_marks = marks
        self.shown["path"] = d.path
        self.play(Create(marks, lag_ratio=0.05))

    # Merge repeats
    def _show_merge(self, d: SpeechSlideData, maps: list[VGroup]) -> VGroup:
        th = self.theme
        self.step(
            f"The collapse, first half: merge repeated symbols. '{d.path}' becomes "
            f"'{d.merged}': each run of one symbol, blanks included, becomes one symbol."
        )
        left, right, bottom, top = figure_zone()
        path_row = _char_row(d.path, th, th.y)
        merged_row = _char_row(d.merged, th, th.y)
        merged_row.next_to(path_row, DOWN, buff=1.1)
        links = VGroup()
        for k, (a, b) in enumerate(_runs(d.path)):
            run = VGroup(*path_row[a:b])
            links.add(
                Wire(
                    [run.get_bottom() + DOWN * 0.06, merged_row[k].get_top() + UP * 0.06],
                    color=th.muted,
                    theme=th,
                    stroke_width=2.5,
                    tip_length=0.14,
                )
            )
        names = VGroup(
            label("best path", font_size=TYPE.label, color=th.muted, theme=th).next_to(
                path_row, LEFT, buff=0.3
            ),
            label("merged", font_size=TYPE.label, color=th.muted, theme=th).next_to(
                merged_row, LEFT, buff=0.3
            ),
        )
        names[1].align_to(names[0], RIGHT)
        rows = VGroup(path_row, merged_row, links, names)
        rows.move_to([(left + right) / 2, 0, 0]).align_to([0, top - 0.2, 0], UP)
        rows.path_row, rows.merged_row = path_row, merged_row
        self.shown["merged"] = d.merged
        self.play(
            *[FadeOut(m) for m in maps],
            *[FadeOut(_filled(m.heat)) for m in maps],
            FadeOut(self.path_marks),
            FadeIn(path_row),
            FadeIn(names[0]),
        )
        self.play(Create(links), FadeIn(merged_row), FadeIn(names[1]))
        self.play(
            *self.strip.show(
                math('B(pi) = "' + d.decoded + '"', theme=th),
                label("merge repeats, then drop blanks", font_size=TYPE.label, theme=th),
            )
        )
        return rows

    # Drop blanks: the word
    def _show_drop_blanks(self, d: SpeechSlideData, rows: VGroup) -> None:
        th = self.theme
        self.step(
            f"Second half: drop the blanks. '{d.merged}' becomes '{d.decoded}'. This is why "
            "the blank exists: the blank between the two e's keeps them apart. Drop the "
            f"blanks first and the e's would merge: '{d.blanks_first}'. The model spells the "
            "word right."
        )
        word_row = _char_row(d.decoded, th, th.o)
        word_row.next_to(rows.merged_row, DOWN, buff=1.0)
        letters = [k for k, ch in enumerate(d.merged) if ch != "-"]
        links = VGroup(
            *[
                Wire(
                    [
                        rows.merged_row[k].get_bottom() + DOWN * 0.06,
                        word_row[j].get_top() + UP * 0.06,
                    ],
                    color=th.o,
                    theme=th,
                    stroke_width=2.5,
                    tip_length=0.14,
                )
                for j, k in enumerate(letters)
            ]
        )
        name = label("word", font_size=TYPE.label, color=th.muted, theme=th)
        name.next_to(word_row, LEFT, buff=0.3).align_to(rows[3][0], RIGHT)
        keeper = rows.merged_row[d.merged.index("e") + 1]  # the blank between the e's
        ring = SurroundingRectangle(keeper, buff=0.06, color=ManimColor(th.c), stroke_width=5)
        note = label(
            f"without this blank: \u201c{d.blanks_first}\u201d",
            font_size=TYPE.label,
            color=th.c,
            theme=th,
        ).next_to(word_row, RIGHT, buff=0.8)
        self.word_row = VGroup(word_row, links, name, ring, note)
        self.shown["word"] = d.decoded
        self.shown["blanks_first"] = d.blanks_first
        self.play(*self.dim(rows.path_row, rows[2]), Create(links), FadeIn(word_row), FadeIn(name))
        self.play(Create(ring), FadeIn(note))

    # The lattice of alignments
    def _show_lattice(self, d: SpeechSlideData, rows: VGroup) -> list[VGroup]:
        th = self.theme
        self.step(
            "Training needs p('tee' | frames) summed over every path that collapses to "
            "'tee'. CTC sums them in a lattice: rows are the word with blanks around and "
            "between its letters (blank t blank e blank e blank), columns the frames. "
            "alpha at row s, frame t is the probability of all path beginnings that reach "
            "it: each cell adds the cells it can come from in the previous frame (same row, "
            "the row above, or two above when that skips a blank between different letters; "
            "never from e to e, the blank between them is compulsory). The numbers are "
            "natural logs of alpha, rounded; the shade is alpha itself. The model is so sure "
            "that one path carries almost everything: the shaded band."
        )
        left, right, bottom, top = figure_zone()
        finite = d.alpha[np.isfinite(d.alpha)]
        # Cells as wide as the zone allows (past the widest number): the lattice fills it.
        width = max(heat_cell_size(np.round(finite), 0)[0], (right - left - LATTICE_SIDE) / HALF)
        names = [_row_name(s) for s in d.ext]
        blocks = []
        for half in range(2):
            cols = range(half * HALF, min(d.T, (half + 1) * HALF))
            grid = _LogLattice(d.alpha, cols, th, width, 0.33)
            row_names = VGroup(
                *[
                    label(n, font_size=TYPE.note, color=th.muted, theme=th).next_to(
                        grid.grid[s], LEFT, buff=0.12
                    )
                    for s, n in enumerate(names)
                ]
            )
            ticks = VGroup(
                *[
                    label(str(t + 1), font_size=TYPE.note, color=th.muted, theme=th).next_to(
                        grid.grid[0][k], UP, buff=0.06
                    )
                    for k, t in enumerate(cols)
                ]
            )
            block = VGroup(grid, row_names, ticks)
            block.grid, block.cols = grid, cols
            blocks.append(block)
        stack = VGroup(*blocks).arrange(DOWN, buff=0.2, aligned_edge=RIGHT)
        key = VGroup(
            label("numbers", font_size=TYPE.note, color=th.muted, theme=th),
            math("ln alpha^t (s)", color=th.pos, theme=th),
            label("shade", font_size=TYPE.note, color=th.muted, theme=th),
            math("alpha^t (s)", color=th.pos, theme=th),
        ).arrange(DOWN, buff=0.12)
        key.next_to(stack, LEFT, buff=0.3)
        figure = VGroup(stack, key)
        figure.move_to([(left + right) / 2, (top + bottom) / 2, 0])
        self.lattice = blocks
        self.shown["lattice"] = [b.grid.texts for b in blocks]
        self.play(
            FadeOut(rows),
            FadeOut(self.word_row),
            *self.strip.show(
                math(
                    "alpha^t (s) = hat(y)^t_(l'_s) (alpha^(t-1)(s) + alpha^(t-1)(s-1) "
                    "+ alpha^(t-1)(s-2))",
                    theme=th,
                ),
                label(
                    "(s − 2: only between different letters)",
                    font_size=TYPE.note,
                    color=th.muted,
                    theme=th,
                ),
            ),
        )
        self.play(FadeIn(key), *[FadeIn(b) for b in blocks])
        return blocks

    # Summing to the probability of the word
    def _show_sum(self, d: SpeechSlideData, blocks: list[VGroup]) -> None:
        th = self.theme
        last, second = float(d.alpha[-1, -1]), float(d.alpha[-1, -2])
        self.step(
            "A path must end in the last row (the final blank) or the one before it (the "
            "last e). Their two alphas at the last frame sum to the probability of the word "
            f"over every alignment: e^({last:.4f}) + e^({second:.2f}) = "
            f"{d.probability:.4f}. That number, as -log p, is the CTC loss the model was "
            "trained on."
        )
        grid = blocks[-1].grid
        ends = VGroup(
            *[
                SurroundingRectangle(
                    grid.cells[s][-1], buff=0.0, color=ManimColor(th.o), stroke_width=6
                )
                for s in (len(d.ext) - 2, len(d.ext) - 1)
            ]
        )
        self.shown["probability"] = f"{d.probability:.4f}"
        self.shown["ends"] = (f"{last:.4f}", f"{second:.2f}")
        expr = f'p("{d.word}" | bold(x)) = e^({last:.4f}) + e^({second:.2f}) = {d.probability:.4f}'
        self.play(Create(ends), *self.strip.show(math(expr, theme=th)))
