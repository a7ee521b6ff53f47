"""Lecture 1's task generators: shapes, determinism from the seed, and that each example
says what its label says (the ambiguous word's label follows the next word, the caption
names the shapes where they are drawn)."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core.tasks import (
    CAPTION_BACKGROUND,
    CAPTION_COLOURS,
    CAPTION_SHAPES,
    CAPTION_SIZE,
    NER_AMBIGUOUS,
    NER_VOCABULARY,
    SPEECH_BANDS,
    SPEECH_LETTERS,
    SPEECH_WORDS,
    caption_task,
    ner_task,
    speech_task,
    speech_templates,
)

GENERATORS = [speech_task, ner_task, caption_task]


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and bool(np.all(a == b))
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.mark.parametrize("task", GENERATORS)
def test_deterministic_from_the_seed(task):
    a = task(np.random.default_rng(5), 20)
    b = task(np.random.default_rng(5), 20)
    c = task(np.random.default_rng(6), 20)
    assert len(a) == 20 and _same(a, b) and not _same(a, c)


@pytest.mark.parametrize("task", GENERATORS)
@pytest.mark.parametrize("n", [0, -1, 2.5, True])
def test_bad_count_is_a_one_line_error(task, n):
    with pytest.raises(ValueError, match="n must be a positive integer") as info:
        task(np.random.default_rng(0), n)
    assert "\n" not in str(info.value)


def test_speech_frames_are_several_times_longer_than_the_word():
    examples = speech_task(np.random.default_rng(0), 400)
    words = {w for _, w in examples}
    assert words == set(SPEECH_WORDS)  # every word occurs, the doubled ones included
    assert {"tee", "bee", "ebb"} <= words
    for frames, word in examples:
        assert frames.dtype == np.float64 and frames.shape[1] == SPEECH_BANDS
        assert set(word) <= set(SPEECH_LETTERS)
        # 3 to 6 frames per letter, 2 to 4 of silence at each end
        assert 3 * len(word) + 4 <= frames.shape[0] <= 6 * len(word) + 8
        assert np.all(np.isfinite(frames))
    lengths = [f.shape[0] for f, _ in examples]
    assert min(lengths) < max(lengths)  # durations vary


def test_speech_letters_sound_different_and_doubled_letters_dip_between():
    templates = speech_templates()
    assert set(templates) == set(SPEECH_LETTERS)
    vecs = np.array([templates[k] for k in SPEECH_LETTERS])
    cos = vecs @ vecs.T / np.outer(np.linalg.norm(vecs, axis=1), np.linalg.norm(vecs, axis=1))
    assert np.max(cos - np.eye(len(vecs))) < 0.9  # no two letters alike
    # Two equal letters in a row swell twice: within the frames that sound most like an e,
    # "tee" has a valley (a frame well below the loudest on each side); one e never has.
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    e = SPEECH_LETTERS.index("e")

    def valley(frames: np.ndarray) -> bool:
        loud = np.linalg.norm(frames, axis=1)
        like = np.argmax(frames @ unit.T, axis=1)
        span = np.flatnonzero((like == e) & (loud > 0.5 * loud.max()))
        seg = loud[span[0] : span[-1] + 1]
        return any(
            seg[k] < 0.75 * seg[:k].max() and seg[k] < 0.75 * seg[k + 1 :].max()
            for k in range(1, len(seg) - 1)
        )

    found: dict[str, list[bool]] = {}
    for frames, word in speech_task(np.random.default_rng(1), 600):
        if word in ("tee", "tea", "ace"):
            found.setdefault(word, []).append(valley(frames))
    assert min(len(v) for v in found.values()) > 20
    assert np.mean(found["tee"]) > 0.9
    assert np.mean(found["tea"]) < 0.1 and np.mean(found["ace"]) < 0.1


def test_ner_labels_follow_the_word_after_the_ambiguous_one():
    examples = ner_task(np.random.default_rng(0), 2000)
    names_after = []
    for tokens, labels in examples:
        assert len(tokens) == len(labels) >= 4
        assert set(labels) <= {0, 1}
        assert all(t in NER_VOCABULARY for t in tokens)
        if tokens[0] in NER_AMBIGUOUS:
            is_noun = tokens[1] in NER_AMBIGUOUS[tokens[0]]
            assert labels[:2] == ((0, 0) if is_noun else (1, 1))
            names_after.append(not is_noun)
        # names come as first name + surname
        ones = [k for k, v in enumerate(labels) if v]
        assert ones == [] or (len(ones) == 2 and ones[1] == ones[0] + 1)
    # half the ambiguous first words are names: a forward reader cannot do better than 0.5
    assert 0.45 < np.mean(names_after) < 0.55
    assert 0.45 < len(names_after) / len(examples) < 0.55
    sentences = {" ".join(t) for t, _ in examples}
    assert "Teddy bears are on sale" in sentences
    assert "Teddy Roosevelt was a great president" in sentences


def _colour_mask(image: np.ndarray, colour: str) -> np.ndarray:
    return np.linalg.norm(image - np.array(CAPTION_COLOURS[colour]), axis=-1) < 0.25


def test_captions_name_the_shapes_where_they_are():
    examples = caption_task(np.random.default_rng(0), 300)
    kinds = {"one": 0, "above": 0, "left of": 0}
    for image, caption in examples:
        assert image.shape == (CAPTION_SIZE, CAPTION_SIZE, 3) and image.dtype == np.float64
        assert image.min() >= 0.0 and image.max() <= 1.0
        words = caption.split()
        if len(words) == 2:
            kinds["one"] += 1
            objects = [words]
        else:
            relation = "left of" if "left" in words else "above"
            kinds[relation] += 1
            first, second = words[:2], words[-2:]
            assert first != second  # two different shapes
            objects = [first, second]
            if first[0] != second[0]:  # tell them apart by colour: where is each?
                a = np.argwhere(_colour_mask(image, first[0])).mean(axis=0)
                b = np.argwhere(_colour_mask(image, second[0])).mean(axis=0)
                axis = 0 if relation == "above" else 1
                assert a[axis] + 5 < b[axis]  # first above (or left of) second, well apart
        for colour, shape in objects:
            assert colour in CAPTION_COLOURS and shape in CAPTION_SHAPES
            assert _colour_mask(image, colour).sum() >= 6  # the shape is drawn
        # the rest is background (with a little noise)
        painted = np.any([_colour_mask(image, c) for c in CAPTION_COLOURS], axis=0)
        assert np.abs(image[~painted] - CAPTION_BACKGROUND).mean() < 0.1
    assert min(kinds.values()) > 50


def test_same_caption_different_pixels():
    """Pictures that mean the same differ pixel by pixel (size, place and noise vary)."""
    examples = caption_task(np.random.default_rng(2), 300)
    by_caption: dict[str, list[np.ndarray]] = {}
    for image, caption in examples:
        by_caption.setdefault(caption, []).append(image)
    pairs = [v for v in by_caption.values() if len(v) >= 2]
    assert pairs
    for images in pairs:
        assert np.abs(images[0] - images[1]).max() > 0.3
