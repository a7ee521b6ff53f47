"""Lecture 1's captioning scenes show the trained caption-lstm's own numbers: the greedy
decode word by word with each word's probability and the runners-up, each word fed back,
the semantic vector, and the map's pairs with their pixel and semantic distances."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core.pretrained import load
from rnn_core.tasks import caption_task
from scenes.kit.components import format_value
from scenes.lecture1_tasks import captioning as cap


@pytest.fixture(scope="module")
def model():
    return load("caption-lstm")


def test_the_example_is_captioned_right_and_has_one_hard_word(model):
    ex = cap.caption_example()
    assert model.predict(ex.image) == ex.caption
    assert ex.words[-1] == "<end>" and " ".join(ex.words[:-1]) == ex.caption
    assert ex.inputs == ("<start>", *ex.words[:-1])  # each word fed back as the next input
    hard = float(ex.word_probs.min())
    assert 0.5 < hard < 0.9, "the hard word is a real hesitation, with a robust argmax"
    np.testing.assert_allclose(ex.v, model.encode(ex.image))


def test_captioning_scene_shows_the_decode(built_scenes, model):
    scene = built_scenes(cap.ImageCaptioning)
    ex = cap.caption_example()
    decode = model.decode(ex.image)
    words = model.words(decode)
    shown = scene.shown
    assert shown["words"] == words
    assert shown["inputs"] == ["<start>", *words[:-1]]
    assert shown["probs"] == [format_value(p, 2) for p in decode.word_probs]
    np.testing.assert_allclose(shown["v"], decode.v)
    assert shown["caption"] == model.predict(ex.image)
    # the line under the decoder names each step's three most likely words, the written first
    for k, line in enumerate(shown["top"]):
        order = np.argsort(decode.probs[k])[::-1][:3]
        assert order[0] == decode.words[k]
        for j in order:
            p = decode.probs[k, j]
            text = "< 0.01" if p < 0.005 else format_value(p, 2)
            assert f"{model.vocabulary[j]} {text}" in line
    # one click for the picture, the encoder, the decoder, each word, and the caption
    assert len(scene.steps) == 3 + len(words) + 1


def test_map_places_pictures_by_their_semantic_vectors(model):
    data = cap.map_data()
    images = [im for im, _ in caption_task(np.random.default_rng(cap.MAP_SEED), cap.MAP_COUNT)]
    sm = model.semantic_map(images)
    np.testing.assert_allclose(data.coords, sm.coords)
    np.testing.assert_allclose(data.explained, sm.explained)
    i, j = data.same
    assert data.captions[i] == data.captions[j]
    assert data.contrast is not None
    a, b = data.contrast
    assert data.captions[a] != data.captions[b]
    # the story: the same-caption pair is farther apart in pixels than the contrast pair
    # but far closer in meaning, and closer in meaning than the median pair by a wide margin
    assert data.pixel_distance(i, j) > data.pixel_distance(a, b)
    assert data.semantic_distance(i, j) * 5 < data.semantic_distance(a, b)
    med_p, med_v = data.medians()
    assert data.semantic_distance(i, j) * 5 < med_v
    # PC 1 parts pictures of one shape from pictures of two, as the notes say
    one = np.array([len(c.split()) == 2 for c in data.captions])
    assert data.coords[one, 0].max() < data.coords[~one, 0].min()
    # distances are of the encoder's own inputs and outputs
    np.testing.assert_allclose(
        data.pixel_distance(i, j),
        np.linalg.norm(model.pixels(images[i]) - model.pixels(images[j])),
    )
    np.testing.assert_allclose(
        data.semantic_distance(i, j),
        np.linalg.norm(model.encode(images[i]) - model.encode(images[j])),
    )


def test_map_scene_shows_the_distances(built_scenes):
    scene = built_scenes(cap.SemanticMap)
    data = cap.map_data()
    i, j = data.same
    a, b = data.contrast
    assert scene.shown["same"][1:] == [
        f"pixels {data.pixel_distance(i, j):.2f}",
        f"meaning {data.semantic_distance(i, j):.2f}",
    ]
    assert scene.shown["contrast"][1:] == [
        f"pixels {data.pixel_distance(a, b):.2f}",
        f"meaning {data.semantic_distance(a, b):.2f}",
    ]
    med_p, med_v = data.medians()
    assert scene.shown["medians"][1] == f"pixels {med_p:.2f}, meaning {med_v:.2f}"
    assert scene.shown["explained"] == tuple(f"{e:.0%}" for e in data.explained)
    # every picture is drawn at its place on the map (the centre of its thumbnail)
    for thumb, spot in zip(scene.thumbs, scene.spots, strict=True):
        np.testing.assert_allclose(thumb.get_center()[:2], spot, atol=1e-6)
    assert len(scene.thumbs) == cap.MAP_COUNT


def test_pixel_picture_draws_every_shape_pixel_in_its_colour():
    image, _ = caption_task(np.random.default_rng(0), 1)[0]
    pic = cap.PixelPicture(image, 1.6)
    assert pic.height == pytest.approx(1.6)
    plain = np.all(np.abs(image - 0.95) < cap.PixelPicture.BACKGROUND_TOL, axis=-1)
    squares = sum(len(shape.points) // 16 for shape in pic.colours)  # 4 cubic curves each
    assert squares == int((~plain).sum())
