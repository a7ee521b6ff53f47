"""Image captioning and the map of semantic vectors, drawn from the trained ``caption-lstm``.

``image-captioning``: a task picture, drawn pixel by pixel, goes through the MLP encoder to
its semantic vector v (a few of its 32 values on screen); the LSTM decoder starts from v,
sees v at every step, and writes one word per click with the probability it gave that
word, each word fed back as the next step's input, until it writes ``<end>``.

``semantic-map``: 48 task pictures placed by the first two principal components of their
semantic vectors. Pictures that mean the same land together although their pixels differ:
one such pair, with its pixel distance and its semantic distance, and for contrast the
pair closest in pixels among those that mean different things.

Every number comes from ``rnn_core.pretrained.load("caption-lstm")`` on pictures of
``rnn_core.tasks.caption_task`` with fixed seeds (a forward pass and a greedy decode from
the shipped weights; no training here).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    ManimColor,
    Rectangle,
    ReplacementTransform,
    RoundedRectangle,
    Transform,
    VGroup,
    VMobject,
)

from rnn_core.pretrained import load
from rnn_core.tasks import CAPTION_BACKGROUND, caption_task
from scenes.kit.base import LectureSlide
from scenes.kit.components import Wire, format_value, label, route
from scenes.kit.diagrams import figure_zone
from scenes.kit.lint import declare_contains
from scenes.kit.network import arrow
from scenes.kit.theme import TYPE

__all__ = [
    "CAPTION_SEED",
    "MAP_SEED",
    "MAP_COUNT",
    "CaptionExample",
    "caption_example",
    "MapData",
    "map_data",
    "HeatStrip",
    "PixelPicture",
    "pixel_image",
    "ImageCaptioning",
    "SemanticMap",
]

# The pictures: seeds of rnn_core.tasks.caption_task (a fixed seed, a rule to pick one).
CAPTION_SEED = 19
CAPTION_POOL = 40
MAP_SEED = 6
MAP_COUNT = 48
THUMB_LEVELS = 4  # colour levels of the map's thumbnails (fewer shapes to draw)


@dataclass(frozen=True)
class CaptionExample:
    """One picture and the trained captioner's greedy decode of it: the ``words`` written
    (``<end>`` included), the ``inputs`` fed in at each step (``<start>``, then each word
    written before), ``probs`` (L, K) each step's distribution over ``vocabulary``,
    ``word_probs`` (L,) the written word's probability, ``v`` (D,) the semantic vector."""

    image: np.ndarray
    caption: str
    words: tuple[str, ...]
    inputs: tuple[str, ...]
    probs: np.ndarray
    word_probs: np.ndarray
    v: np.ndarray
    vocabulary: tuple[str, ...]
    sizes: tuple[int, int, int]  # pixel values P, encoder hidden units, semantic D
    n_cells: int

    def top(self, step: int, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most likely words at ``step`` (0-based) with their probabilities."""
        order = np.argsort(self.probs[step])[::-1][:k]
        return [(self.vocabulary[j], float(self.probs[step, j])) for j in order]


@cache
def caption_example() -> CaptionExample:
    """The first picture of ``caption_task(default_rng(CAPTION_SEED), CAPTION_POOL)`` with
    two shapes one above the other, captioned right, and a word the model was unsure of
    (probability under 0.9): a decode with one hard step to talk about."""
    model = load("caption-lstm")
    for image, caption in caption_task(np.random.default_rng(CAPTION_SEED), CAPTION_POOL):
        if " above " not in caption or model.predict(image) != caption:
            continue
        decode = model.decode(image)
        if decode.word_probs.min() >= 0.9:
            continue
        words = tuple(model.words(decode))
        enc = model.params.encoder
        return CaptionExample(
            image=image,
            caption=caption,
            words=words,
            inputs=("<start>", *words[:-1]),
            probs=decode.probs,
            word_probs=decode.word_probs,
            v=decode.v,
            vocabulary=tuple(model.vocabulary),
            sizes=(enc.W1.shape[1], enc.W1.shape[0], enc.W2.shape[0]),
            n_cells=model.params.lstm.n_hidden,
        )
    raise RuntimeError("no picture in the pool fits the rule; change CAPTION_SEED")


@dataclass(frozen=True)
class MapData:
    """``MAP_COUNT`` task pictures, their ``captions``, the encoder's inputs ``pixels``
    (n, P), semantic ``vectors`` (n, D), their ``coords`` (n, 2) along the first two
    principal components and the share of variance ``explained`` by each; ``same`` the
    pair with one caption whose pixels differ most for how close their meanings are,
    ``contrast`` the closest pair in pixels among those with different captions (``None``
    when it is not also farther in meaning and closer in pixels than ``same``)."""

    images: tuple[np.ndarray, ...]
    captions: tuple[str, ...]
    pixels: np.ndarray
    vectors: np.ndarray
    coords: np.ndarray
    explained: np.ndarray
    same: tuple[int, int]
    contrast: tuple[int, int] | None

    def pixel_distance(self, i: int, j: int) -> float:
        """Euclidean distance between two pictures' pixel values (the encoder's input)."""
        return float(np.linalg.norm(self.pixels[i] - self.pixels[j]))

    def semantic_distance(self, i: int, j: int) -> float:
        """Euclidean distance between two pictures' semantic vectors."""
        return float(np.linalg.norm(self.vectors[i] - self.vectors[j]))

    def medians(self) -> tuple[float, float]:
        """The median pixel and semantic distance over all pairs of pictures."""
        n = len(self.captions)
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
        return (
            float(np.median([self.pixel_distance(i, j) for i, j in pairs])),
            float(np.median([self.semantic_distance(i, j) for i, j in pairs])),
        )


@cache
def map_data() -> MapData:
    """The semantic map of ``caption_task(default_rng(MAP_SEED), MAP_COUNT)``."""
    model = load("caption-lstm")
    data = caption_task(np.random.default_rng(MAP_SEED), MAP_COUNT)
    images = tuple(im for im, _ in data)
    captions = tuple(c for _, c in data)
    semantic = model.semantic_map(images)
    pixels = np.array([model.pixels(im) for im in images])  # (n, P)
    dp = np.linalg.norm(pixels[:, None] - pixels[None], axis=-1)  # (n, n)
    dv = np.linalg.norm(semantic.vectors[:, None] - semantic.vectors[None], axis=-1)
    n = len(images)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    same_pairs = [p for p in pairs if captions[p[0]] == captions[p[1]]]
    if not same_pairs:
        raise RuntimeError("no two pictures share a caption; change MAP_SEED")
    same = max(same_pairs, key=lambda p: dp[p] / dv[p])
    contrast = min((p for p in pairs if captions[p[0]] != captions[p[1]]), key=lambda p: dp[p])
    if not (dp[contrast] < dp[same] and dv[contrast] > dv[same]):
        contrast = None
    return MapData(
        images=images,
        captions=captions,
        pixels=pixels,
        vectors=semantic.vectors,
        coords=semantic.coords,
        explained=semantic.explained,
        same=same,
        contrast=contrast,
    )


def _pc1_split_note(data: MapData) -> str:
    """What PC 1 separates, from the data: pictures of one shape from pictures of two."""
    one = np.array([len(c.split()) == 2 for c in data.captions])
    x = data.coords[:, 0]
    if x[one].max() < x[~one].min():
        side, other = "left", "right"
    elif x[one].min() > x[~one].max():
        side, other = "right", "left"
    else:
        return "Pictures that mean similar things gather together."
    return (
        f"PC 1 splits the map by meaning: all {int(one.sum())} pictures of one shape sit "
        f"{side}, all {int((~one).sum())} pictures of two shapes sit {other}, whatever "
        "their colours and places."
    )


class PixelPicture(VGroup):
    """A picture (H, W, 3) in 0..1 drawn as its pixels, ``height`` scene units tall: one
    flat square per pixel, the pixels of one colour joined in one shape. Colours are
    rounded to 1/8, and pixels within 0.1 of the task's background grey are that grey (the
    square behind, ``backing``): the task's pixel noise (sd 0.03) is too faint to see and
    would cost a shape per shade. Parts: ``backing``, ``colours`` (one ``VMobject`` per
    colour); ``image`` is the picture drawn."""

    LEVELS = 8
    BACKGROUND_TOL = 0.1

    def __init__(self, image: np.ndarray, height: float, *, levels: int = LEVELS) -> None:
        super().__init__()
        self.image = np.asarray(image, dtype=float)
        rows, cols = self.image.shape[:2]
        side = height / rows
        quantised = np.round(np.clip(self.image, 0.0, 1.0) * levels).astype(int)
        plain = np.all(np.abs(self.image - CAPTION_BACKGROUND) < self.BACKGROUND_TOL, axis=-1)
        self.backing = Rectangle(width=side * cols, height=side * rows, stroke_width=0)
        self.backing.set_fill(ManimColor((CAPTION_BACKGROUND,) * 3), opacity=1.0)
        self.colours = VGroup()
        for key in np.unique(quantised[~plain], axis=0):
            rr, cc = np.nonzero(np.all(quantised == key, axis=-1) & ~plain)
            shape = VMobject(stroke_width=0)
            for r, c in zip(rr, cc, strict=True):
                x0 = (c - cols / 2) * side
                y0 = (rows / 2 - r - 1) * side
                shape.start_new_path(np.array([x0, y0, 0.0]))
                shape.add_points_as_corners(
                    [
                        np.array([x0 + side, y0, 0.0]),
                        np.array([x0 + side, y0 + side, 0.0]),
                        np.array([x0, y0 + side, 0.0]),
                        np.array([x0, y0, 0.0]),
                    ]
                )
            shape.set_fill(ManimColor(tuple(key / levels)), opacity=1.0)
            self.colours.add(shape)
        self.add(self.backing, self.colours)


def pixel_image(image: np.ndarray, height: float, levels: int = PixelPicture.LEVELS):
    """A picture drawn as its pixels (:class:`PixelPicture`), ``height`` scene units tall."""
    return PixelPicture(image, height, levels=levels)


def _framed(image: np.ndarray, height: float, th, colour: str | None = None, width=2.0) -> VGroup:
    pic = pixel_image(image, height)
    border = Rectangle(width=height, height=height, stroke_width=width)
    border.set_stroke(ManimColor(colour or th.grid)).move_to(pic)
    return VGroup(pic, border)


class HeatStrip(VGroup):
    """A vector as a row of cells shaded by value (the theme's ``shade``: hue by sign,
    strength by size, 1 the strongest), no digits: all of a long vector at a glance.
    Parts: ``cells``, ``frame``; ``values`` the vector shown, one per cell in order."""

    CELL_W = 0.17
    CELL_H = 0.5

    def __init__(self, values: np.ndarray, th, quantity: str = "y") -> None:
        super().__init__()
        self.theme = th
        self.values = np.array(values, dtype=float)
        self.cells = VGroup()
        for k, v in enumerate(self.values):
            self.cells.add(self._cell(float(v)).move_to(RIGHT * self.CELL_W * k))
        self.frame = Rectangle(
            width=self.CELL_W * len(self.values), height=self.CELL_H, stroke_width=2.5
        ).set_stroke(ManimColor(th.quantity(quantity)))
        self.frame.move_to(self.cells)
        self.add(self.cells, self.frame)

    def _cell(self, value: float) -> Rectangle:
        fill, opacity = self.theme.shade(value, 1.0)
        cell = Rectangle(width=self.CELL_W, height=self.CELL_H, stroke_width=0)
        return cell.set_fill(ManimColor(fill), opacity=opacity)

    def legend(self) -> VGroup:
        """Two cells that say what the shades mean: -1 and +1."""
        parts = VGroup()
        for value, text in ((-1.0, "\u22121"), (1.0, "+1")):
            parts.add(self._cell(value).scale(0.6))
            parts.add(label(text, font_size=TYPE.note, color=self.theme.muted, theme=self.theme))
        return parts.arrange(RIGHT, buff=0.12)


def _words_line(words: list[tuple[str, str]], th, size: float = TYPE.label) -> VGroup:
    """A line of text in parts, each (text, colour)."""
    return VGroup(*[label(t, font_size=size, color=c, theme=th) for t, c in words]).arrange(
        RIGHT, buff=0.18
    )


def _on_baseline(word, x: float, y: float) -> None:
    """Centre a one-word ``Text`` at ``x`` with its baseline at ``y`` - 0.1 (letters
    without descenders sit on it), so words in a row line up whatever their letters."""
    chars = [c for c, m in zip(word.text, word.submobjects, strict=False) if c not in "gjpqy"]
    word.move_to([x, y, 0])
    if chars:
        base = min(
            m.get_bottom()[1]
            for c, m in zip(word.text, word.submobjects, strict=False)
            if c not in "gjpqy"
        )
        word.shift(UP * (y - 0.1 - base))


def _prob_text(p: float) -> str:
    return "< 0.01" if p < 0.005 else format_value(p, 2)


# ---------------------------------------------------------------------------------------
# image-captioning


class ImageCaptioning(LectureSlide):
    """Picture -> MLP encoder -> semantic vector -> LSTM decoder writing one word per
    click, each word fed back in."""

    scene_id = "image-captioning"
    title = "Image captioning"
    description = "Picture, encoder, semantic vector; an LSTM writes the caption word by word."

    def construct(self) -> None:
        th = self.theme
        ex = caption_example()
        self.example = ex
        self.shown: dict[str, object] = {"words": [], "probs": [], "inputs": [], "top": []}
        left, right, bottom, top = figure_zone(strip=False)
        title = self.slide_title("Image captioning: a picture in, a sentence out")
        n_steps = len(ex.words)

        # A picture in
        self.step(
            f"The task: write a caption for a picture. These pictures are {ex.image.shape[0]} "
            f"by {ex.image.shape[1]} pixels in red, green and blue, {ex.sizes[0]} numbers, "
            "with one or two coloured shapes. A CNN would read a photograph; here a small "
            "trained network reads this picture."
        )
        image_h = 2.3
        picture = _framed(ex.image, image_h, th)
        picture.move_to([left + 0.3 + image_h / 2, top - image_h / 2, 0])
        size_note = label(
            f"{ex.image.shape[0]} \u00d7 {ex.image.shape[1]} pixels \u00d7 3 = {ex.sizes[0]}",
            font_size=TYPE.note,
            color=th.muted,
            theme=th,
        )
        size_note.next_to(picture, DOWN, buff=0.12).align_to(picture, LEFT)
        self.picture = picture
        self.play(FadeIn(title), FadeIn(picture), FadeIn(size_note))

        # The encoder gives the semantic vector
        between = [(k, float(x)) for k, x in enumerate(ex.v) if abs(x) < 0.995]
        self.step(
            f"The encoder, a two-layer perceptron ({ex.sizes[0]} pixel values, "
            f"{ex.sizes[1]} tanh units, {ex.sizes[2]} tanh outputs), turns the picture into "
            f"its semantic vector v: {ex.sizes[2]} numbers between -1 and 1 that hold what "
            "the picture means, drawn as a strip of cells, blue for -1, red for +1. Most "
            "sit at -1 or +1 (the tanh is saturated): the code is nearly binary. The ones in "
            "between are " + ", ".join(f"value {k + 1} = {x:.2f}" for k, x in between) + "."
        )
        enc_rect = RoundedRectangle(
            width=3.0, height=1.2, corner_radius=0.12, stroke_width=3, color=ManimColor(th.text)
        ).set_fill(ManimColor(th.panel), opacity=1.0)
        enc_text = VGroup(
            label("MLP encoder", font_size=TYPE.label, theme=th),
            label(
                f"{ex.sizes[0]} \u2192 {ex.sizes[1]} \u2192 {ex.sizes[2]}",
                font_size=TYPE.note,
                color=th.muted,
                theme=th,
            ),
        ).arrange(DOWN, buff=0.1)
        enc_rect.next_to(picture, RIGHT, buff=0.9)
        enc_text.move_to(enc_rect)
        declare_contains(enc_rect, enc_text)
        encoder = VGroup(enc_rect, enc_text)
        glyph = HeatStrip(ex.v, th)
        glyph.next_to(enc_rect, RIGHT, buff=0.9)
        v_name = label(
            f"semantic vector v: {len(ex.v)} values", font_size=TYPE.label, color=th.y, theme=th
        )
        v_name.next_to(glyph, UP, buff=0.15).align_to(glyph, LEFT)
        v_note = glyph.legend()
        v_note.next_to(glyph, DOWN, buff=0.15).align_to(glyph, RIGHT)
        to_enc = arrow(picture.get_right() + RIGHT * 0.1, enc_rect.get_left() + LEFT * 0.08, th.x)
        to_v = arrow(enc_rect.get_right() + RIGHT * 0.08, glyph.get_left() + LEFT * 0.08, th.y)
        self.glyph = glyph
        self.shown["v"] = glyph.values
        self.shown["v_name"] = f"semantic vector v: {len(ex.v)} values"
        self.play(Create(to_enc), FadeIn(encoder))
        self.play(Create(to_v), FadeIn(glyph), FadeIn(v_name), FadeIn(v_note))

        # The decoder: an LSTM started from v, seeing v at every step
        self.step(
            f"The decoder is an LSTM with {ex.n_cells} cells. Its initial state is computed "
            "from v, and v is also part of its input at every step, next to the word written "
            "before. The first input word is the start token."
        )
        trunk_x = left + 0.2
        box_w, box_h = 1.3, 0.8
        first_x = trunk_x + 0.45 + box_w / 2
        last_x = right - 0.1 - box_w / 2
        spacing = (last_x - first_x) / max(n_steps - 1, 1)
        box_y = -1.5
        out_y, prob_y = -0.15, -0.57
        bus_y, in_y = -2.3, -2.77
        boxes = VGroup()
        box_name = label("LSTM", font_size=TYPE.label, theme=th)
        for k in range(n_steps):
            rect = RoundedRectangle(
                width=box_w,
                height=box_h,
                corner_radius=0.12,
                stroke_width=3,
                color=ManimColor(th.text),
            ).set_fill(ManimColor(th.panel), opacity=1.0)
            rect.move_to([first_x + spacing * k, box_y, 0])
            name = box_name.copy().move_to(rect)
            declare_contains(rect, name)
            boxes.add(VGroup(rect, name))
        states = VGroup(
            *[
                arrow(
                    boxes[k][0].get_right() + RIGHT * 0.06,
                    boxes[k + 1][0].get_left() + LEFT * 0.06,
                    th.text,
                )
                for k in range(n_steps - 1)
            ]
        )
        trunk_y = size_note.get_bottom()[1] - 0.2
        drop = glyph.cells[1].get_bottom()
        v_wire = Wire(
            route(
                drop,
                [trunk_x, box_y, 0],
                first="v",
                via=[[drop[0], trunk_y, 0], [trunk_x, trunk_y, 0]],
            )
            + [boxes[0][0].get_left() + LEFT * 0.04],
            color=th.y,
            theme=th,
        )
        bus = Wire(
            [[trunk_x, box_y, 0], [trunk_x, bus_y, 0], [boxes[-1][0].get_x(), bus_y, 0]],
            color=th.y,
            theme=th,
            tip=False,
        )
        joints = VGroup(
            Dot([trunk_x, box_y, 0], radius=0.06, color=ManimColor(th.y)),
            *[Dot([b.get_x(), bus_y, 0], radius=0.06, color=ManimColor(th.y)) for b in boxes],
        )
        ups = VGroup(
            *[arrow([b.get_x(), bus_y, 0], b[0].get_bottom() + DOWN * 0.04, th.text) for b in boxes]
        )
        bus_name = label("v", font_size=TYPE.label, color=th.y, theme=th)
        bus_name.next_to([boxes[-1].get_x(), bus_y, 0], RIGHT, buff=0.15)
        inputs = [label(w, font_size=TYPE.note, color=th.x, theme=th) for w in ex.inputs]
        feeds = []
        for k, word in enumerate(inputs):
            _on_baseline(word, boxes[k].get_x(), in_y)
            feeds.append(arrow(word.get_top() + UP * 0.06, [boxes[k].get_x(), bus_y, 0], th.x))
        self.boxes = boxes
        self.play(*self.dim(encoder, to_enc, size_note))
        self.play(
            v_wire.grow(),
            Create(bus),
            FadeIn(joints),
            FadeIn(boxes),
            Create(states),
            Create(ups),
            FadeIn(bus_name),
        )
        self.play(FadeIn(inputs[0]), Create(feeds[0]))
        self.shown["inputs"].append(ex.inputs[0])

        # One word per click, fed back as the next input
        written: list = []
        bottom_line = None
        for k in range(n_steps):
            word_text, p = ex.words[k], float(ex.word_probs[k])
            ranked = ex.top(k)
            runner, runner_p = ranked[1]
            is_end = word_text == "<end>"
            notes = (
                f"Step {k + 1}: the LSTM reads '{ex.inputs[k]}' and v and gives a "
                f"distribution over the {len(ex.vocabulary)} words; the most likely, "
                f"'{word_text}', has probability {p:.3f}"
                + (f"; next is '{runner}' with {runner_p:.3f}." if runner_p >= 0.005 else ".")
            )
            if p < 0.9:
                notes += (
                    " This is the hard word of this picture: the model hesitates between "
                    f"'{word_text}' and '{runner}', and the greedy decoder takes the larger."
                )
            if is_end:
                notes += (
                    " The end token stops the decoder. The caption is '"
                    + " ".join(ex.words[:-1])
                    + "', word for word the picture's true caption."
                )
            else:
                notes += " The word is fed back: it is the next step's input."
            self.step(notes)
            word = label(word_text, font_size=TYPE.label, color=th.o, theme=th)
            _on_baseline(word, boxes[k].get_x(), out_y)
            prob = label(format_value(p, 2), font_size=TYPE.number, color=th.o, theme=th)
            prob.move_to([boxes[k].get_x(), prob_y, 0])
            up = arrow(boxes[k][0].get_top() + UP * 0.04, prob.get_bottom() + DOWN * 0.06, th.o)
            line_text = f"p at step {k + 1}:  " + ",  ".join(
                f"{w} {_prob_text(q)}" for w, q in ranked
            )
            new_line = label(line_text, font_size=TYPE.label, color=th.muted, theme=th)
            new_line.move_to([0, bottom + 0.35, 0])
            anims = [Create(up), FadeIn(word), FadeIn(prob), FadeIn(new_line)]
            if bottom_line is not None:
                anims.append(FadeOut(bottom_line))
            anims += self.dim(*written)
            self.play(*anims)
            bottom_line = new_line
            written.append(VGroup(word, prob, up))
            self.shown["words"].append(word_text)
            self.shown["probs"].append(format_value(p, 2))
            self.shown["top"].append(line_text)
            if not is_end:
                nxt = inputs[k + 1]
                x_mid = (boxes[k].get_x() + boxes[k + 1].get_x()) / 2
                start = word.get_right() + RIGHT * 0.08
                feedback = Wire(
                    [
                        start,
                        [x_mid, start[1], 0],
                        [x_mid, nxt.get_y(), 0],
                        [nxt.get_left()[0] - 0.06, nxt.get_y(), 0],
                    ],
                    color=th.x,
                    theme=th,
                )
                self.play(
                    feedback.grow(),
                    ReplacementTransform(word.copy(), nxt),
                    Create(feeds[k + 1]),
                )
                written[-1].add(feedback)
                self.shown["inputs"].append(ex.inputs[k + 1])

        # The caption
        self.step(
            "Read along the top: the caption the LSTM wrote from the picture's semantic "
            "vector, one word per step, each word fed back in. Every probability on this "
            "slide is the trained model's own."
        )
        caption = _words_line(
            [("caption:", th.muted), (" ".join(ex.words[:-1]), th.o)], th, size=TYPE.heading
        )
        caption.move_to([0, bottom + 0.35, 0])
        self.shown["caption"] = " ".join(ex.words[:-1])
        self.play(FadeOut(bottom_line), FadeIn(caption), *self.undim(*written))


# ---------------------------------------------------------------------------------------
# semantic-map


class SemanticMap(LectureSlide):
    """Task pictures placed by their semantic vectors: close in meaning, not pixelwise."""

    scene_id = "semantic-map"
    title = "The map of semantic vectors"
    description = "Pictures placed by the principal components of their semantic vectors."

    def construct(self) -> None:
        th = self.theme
        data = map_data()
        self.data = data
        self.shown: dict[str, object] = {}
        left, right, bottom, top = figure_zone(strip=False)
        n = len(data.captions)
        title = self.slide_title("Pictures placed by what they mean")

        # The pictures, in the order they came
        self.step(
            f"{n} pictures of the captioning task, in the order they were drawn. Each goes "
            f"through the trained encoder and becomes a semantic vector of "
            f"{data.vectors.shape[1]} numbers."
        )
        cols = 12
        grid_size = 0.85
        thumbs = []
        for k, image in enumerate(data.images):
            row, col = divmod(k, cols)
            pic = pixel_image(image, grid_size, levels=THUMB_LEVELS)
            pic.move_to(
                [
                    (col - (cols - 1) / 2) * (grid_size + 0.2),
                    (top + bottom) / 2 + ((n - 1) // cols / 2 - row) * (grid_size + 0.2),
                    0,
                ]
            )
            thumbs.append(pic)
        self.thumbs = thumbs
        self.play(FadeIn(title), FadeIn(VGroup(*thumbs)))

        # Placed by the first two principal components
        pc = data.explained
        self.step(
            "Now each picture sits at the first two principal components of its semantic "
            f"vector (PC 1 holds {pc[0]:.0%} of the variance, PC 2 {pc[1]:.0%}). "
            + _pc1_split_note(data)
            + " Nobody told the encoder to do this: it learnt it from captions alone."
        )
        thumb = 0.5
        map_right = -0.4
        left += 0.45  # room for the PC 2 label
        label_h = 0.45
        xy = data.coords
        span_x = xy[:, 0].max() - xy[:, 0].min()
        span_y = xy[:, 1].max() - xy[:, 1].min()
        scale = min(
            (map_right - left - thumb - 0.2) / span_x, (top - bottom - label_h - thumb) / span_y
        )
        cx = (left + map_right) / 2 - scale * (xy[:, 0].max() + xy[:, 0].min()) / 2
        cy = (top + bottom + label_h) / 2 - scale * (xy[:, 1].max() + xy[:, 1].min()) / 2
        spots = np.column_stack([cx + scale * xy[:, 0], cy + scale * xy[:, 1]])
        self.spots = spots
        frame = Rectangle(
            width=scale * span_x + thumb + 0.2,
            height=scale * span_y + thumb + 0.2,
            stroke_width=2,
            color=ManimColor(th.grid),
        ).move_to(
            [
                (spots[:, 0].max() + spots[:, 0].min()) / 2,
                (spots[:, 1].max() + spots[:, 1].min()) / 2,
                0,
            ]
        )
        pc1 = label(
            f"PC 1 ({pc[0]:.0%} of the variance) \u2192",
            font_size=TYPE.note,
            color=th.muted,
            theme=th,
        )
        pc1.next_to(frame, DOWN, buff=0.08).align_to(frame, RIGHT)
        pc2 = label(
            f"PC 2 ({pc[1]:.0%}) \u2192", font_size=TYPE.label, color=th.muted, theme=th
        ).rotate(np.pi / 2)
        pc2.next_to(frame, LEFT, buff=0.08).align_to(frame, UP)
        self.shown["explained"] = (f"{pc[0]:.0%}", f"{pc[1]:.0%}")
        placed = VGroup(*thumbs).copy()
        for t, (x, y) in zip(placed, spots, strict=True):
            t.scale_to_fit_height(thumb).move_to([x, y, 0])
        self.play(Transform(VGroup(*thumbs), placed), run_time=1.5)
        self.play(Create(frame), FadeIn(pc1), FadeIn(pc2))

        # Same meaning, different pixels
        i, j = data.same
        dp, dv = data.pixel_distance(i, j), data.semantic_distance(i, j)
        med_p, med_v = data.medians()
        self.step(
            f"Two pictures with the same caption, '{data.captions[i]}': their shapes sit in "
            f"different places and sizes, so their pixels are {dp:.2f} apart (the median "
            f"pair of pictures: {med_p:.2f}), but their semantic vectors are only {dv:.2f} "
            f"apart (median {med_v:.2f}). On the map they sit together."
        )
        panel_left = map_right + 0.5
        same_panel, same_marks = self._pair_panel(
            data, (i, j), "same caption", th.i, th, dashed=False
        )
        same_panel.align_to([panel_left, 0, 0], LEFT).align_to([0, top, 0], UP)
        self.shown["same"] = same_panel.texts
        pair_b = data.contrast or (i, j)
        others = VGroup(*[t for k, t in enumerate(thumbs) if k not in (i, j, *pair_b)])
        contrast_thumbs = VGroup(*[thumbs[k] for k in pair_b if k not in (i, j)])
        n_pairs = n * (n - 1) // 2
        median_texts = [
            f"median of all {n_pairs} pairs:",
            f"pixels {med_p:.2f}, meaning {med_v:.2f}",
        ]
        medians = VGroup(
            *[label(t, font_size=TYPE.label, color=th.muted, theme=th) for t in median_texts]
        ).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        medians.align_to([panel_left, 0, 0], LEFT).align_to([0, bottom + 0.1, 0], DOWN)
        self.shown["medians"] = median_texts
        self.play(
            *self.dim(others, contrast_thumbs),
            *[Create(m) for m in same_marks],
            FadeIn(same_panel),
            FadeIn(medians),
        )

        if data.contrast is None:
            return
        # Close pixels, different meaning
        a, b = data.contrast
        cp, cv = data.pixel_distance(a, b), data.semantic_distance(a, b)
        self.step(
            f"For contrast, the two pictures closest in pixels among those that mean "
            f"different things: '{data.captions[a]}' and '{data.captions[b]}'. Their pixels "
            f"are only {cp:.2f} apart, closer than the pair before ({dp:.2f}), but their "
            f"semantic vectors are {cv:.2f} apart, against {dv:.2f}: the encoder has learnt "
            "to keep what the caption needs and to forget where exactly the shapes are."
        )
        other_panel, other_marks = self._pair_panel(
            data, (a, b), "different captions", th.c, th, dashed=True
        )
        other_panel.next_to(same_panel, DOWN, buff=0.45).align_to(same_panel, LEFT)
        self.shown["contrast"] = other_panel.texts
        self.play(
            *self.dim(same_panel, *same_marks, VGroup(thumbs[i], thumbs[j])),
            *self.undim(contrast_thumbs),
            *[Create(m) for m in other_marks],
            FadeIn(other_panel),
        )

    def _pair_panel(self, data: MapData, pair, heading: str, colour: str, th, *, dashed: bool):
        """Two pictures enlarged, their captions, and their pixel and semantic distances;
        and outlines around the two on the map."""
        i, j = pair
        size = 1.1
        one = data.captions[i] == data.captions[j]
        captions = VGroup(
            *[self._caption_lines(data.captions[k], th) for k in ((i,) if one else (i, j))]
        )
        gap = 0.4 if one else max(0.4, max(c.width for c in captions) - size + 0.25)
        pics = VGroup(
            *[_framed(data.images[k], size, th, colour, width=4) for k in (i, j)]
        ).arrange(RIGHT, buff=gap)
        head = label(heading, font_size=TYPE.label, color=colour, theme=th)
        if one:
            captions.next_to(pics, DOWN, buff=0.12).align_to(pics, LEFT)
        else:
            for cap, pic in zip(captions, pics, strict=True):
                cap.next_to(pic, DOWN, buff=0.12)
        texts = [
            (f"pixels {data.pixel_distance(i, j):.2f}", th.text),
            (f"meaning {data.semantic_distance(i, j):.2f}", th.y),
        ]
        numbers = VGroup(
            *[label(t, font_size=TYPE.label, color=c, theme=th) for t, c in texts]
        ).arrange(DOWN, buff=0.18, aligned_edge=LEFT)
        numbers.next_to(pics, RIGHT, buff=0.35)
        head.next_to(pics, UP, buff=0.12).align_to(pics, LEFT)
        panel = VGroup(head, pics, captions, numbers)
        panel.texts = [heading, *[t for t, _ in texts]]
        marks = []
        for k in (i, j):
            copy = self.thumbs[k]
            box = (
                Rectangle(width=copy.height + 0.08, height=copy.height + 0.08, stroke_width=4)
                .set_stroke(ManimColor(colour))
                .move_to(copy)
            )
            if dashed:  # the second pair's marks differ by dash, not only by hue
                box = DashedVMobject(box, num_dashes=12)
            marks.append(box)
        return panel, marks

    @staticmethod
    def _caption_lines(caption: str, th) -> VGroup:
        """A caption in at most two lines: the first shape and the relation, the second."""
        words = caption.split()
        cut = len(words) if len(words) <= 2 else (3 if words[2] == "above" else 4)
        lines = [" ".join(words[:cut])] + ([" ".join(words[cut:])] if words[cut:] else [])
        return VGroup(
            *[label(t, font_size=TYPE.note, color=th.muted, theme=th) for t in lines]
        ).arrange(DOWN, buff=0.06)
