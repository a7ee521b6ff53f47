"""Lecture 1's shipped task models, checked on fresh seeded examples (never trained on):
speech-ctc spells >= 90 % of words (doubled letters included), the forward NER RNN stays
near 0.5 at an ambiguous first word while the bidirectional one is right on >= 95 %, and
caption-lstm writes >= 80 % of captions exactly. Training is not part of this file except
a few steps (to catch a broken backward pass)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core import ctc, pretrained
from rnn_core import pretrained_tasks as pt
from rnn_core.birnn import BiRNNParams, BiRNNTrace
from rnn_core.captioning import caption_forward
from rnn_core.rnn import RNNParams
from rnn_core.tasks import NER_AMBIGUOUS, caption_task, ner_task, speech_task

SEED = 777  # fresh examples: neither the training streams (seed 0) nor the story's (2024)
NAMES = ("speech-ctc", "ner-rnn", "ner-birnn", "caption-lstm")


@pytest.fixture(scope="module")
def models():
    return {name: pretrained.load(name) for name in NAMES}


def test_listed_loaded_and_sized(models):
    assert set(NAMES) <= set(pretrained.MODELS)
    speech = models["speech-ctc"]
    assert isinstance(speech, pt.SpeechCTC) and isinstance(speech.params, BiRNNParams)
    assert (speech.params.n_in, speech.params.n_hidden, speech.params.n_out) == (12, 24, 6)
    assert speech.symbols == ("-", "a", "b", "c", "e", "t")
    fwd, both = models["ner-rnn"], models["ner-birnn"]
    assert isinstance(fwd.params, RNNParams) and not fwd.bidirectional
    assert isinstance(both.params, BiRNNParams) and both.bidirectional
    assert fwd.params.n_hidden == both.params.n_hidden == 6
    cap = models["caption-lstm"]
    assert cap.params.encoder.W1.shape == (128, 768) and cap.params.encoder.W2.shape == (32, 128)
    assert cap.params.lstm.n_hidden == 32 and cap.params.n_words == len(pt.CAPTION_VOCABULARY)
    for name, model in models.items():
        assert model.meta["name"] == name
        assert pt.story(name, model)[1] == [], name  # the stories print clean
        # weights are read-only: a scene cannot change them for the next one by accident
        for part in pt._parts(model).values():
            assert not any(getattr(part, n).flags.writeable for n in part.array_names())


def test_speech_ctc_spells_fresh_words(models):
    model = models["speech-ctc"]
    examples = speech_task(np.random.default_rng(SEED), 200)
    right = [model.predict(f) == w for f, w in examples]
    assert np.mean(right) >= 0.9
    doubled = [
        (f, w)
        for f, w in speech_task(np.random.default_rng(SEED + 1), 300)
        if w in ("tee", "bee", "ebb")
    ]
    assert len(doubled) >= 40
    assert np.mean([model.predict(f) == w for f, w in doubled]) >= 0.9


def test_speech_ctc_puts_a_blank_between_the_doubled_letters(models):
    """The lecture's "tee": the best path holds the two e's apart with a blank, and the
    collapse's steps read path -> merged -> word."""
    model = models["speech-ctc"]
    frames = pt.speech_example("tee")
    steps = model.decode_steps(frames)
    assert model.predict(frames) == steps["word"] == "tee"
    assert len(steps["path"]) == frames.shape[0]
    assert "e-" in steps["merged"] and steps["merged"].replace("-", "") == "tee"
    assert steps["merged"].count("e") == 2  # merged repeats, the blank kept them two
    # the path is the argmax of the per-frame distribution; the heat map is a distribution
    logp = model.log_probs(frames)
    np.testing.assert_allclose(np.exp(logp).sum(axis=1), 1.0)
    assert model.spell(np.argmax(logp, axis=1)) == steps["path"]


def test_speech_ctc_alpha_sums_to_the_word_probability(models):
    model = models["speech-ctc"]
    frames = pt.speech_example("tee")
    alpha = model.alpha(frames, "tee")
    assert alpha.shape == (frames.shape[0], 7)
    loss, _ = ctc.ctc_loss(model.trace(frames).o, model.labels("tee"))
    p = model.word_probability(frames, "tee")
    assert p == pytest.approx(np.exp(-loss), rel=1e-12)
    assert p > 0.9  # confident: a slide shows a probability that is not a coin toss
    assert model.word_probability(frames, "te") < 0.01  # without the second e
    for word in ("cat", "bee", "ebb"):
        assert pt.speech_example(word).shape[1] == 12
        assert model.predict(pt.speech_example(word)) == word


def test_ner_forward_cannot_know_and_bidirectional_can(models):
    fwd, both = models["ner-rnn"], models["ner-birnn"]
    amb = [
        (t, lab) for t, lab in ner_task(np.random.default_rng(SEED), 300) if t[0] in NER_AMBIGUOUS
    ]
    assert len(amb) >= 100
    p_fwd = np.array([fwd.predict(t)[0] for t, _ in amb])
    p_both = np.array([both.predict(t)[0] for t, _ in amb])
    truth = np.array([lab[0] for _, lab in amb], dtype=bool)
    assert np.abs(p_fwd - 0.5).max() <= 0.1  # near 0.5: it has seen one word
    assert np.mean((p_both > 0.5) == truth) >= 0.95
    # after the first word both are right about the rest of the sentence
    rest = [(t, lab) for t, lab in ner_task(np.random.default_rng(SEED + 1), 200)]
    for model in (fwd, both):
        hits = [(np.array(model.predict(t)) > 0.5) == np.array(lab, dtype=bool) for t, lab in rest]
        tail = np.concatenate(
            [h[1:] if t[0] in NER_AMBIGUOUS else h for h, (t, _) in zip(hits, rest, strict=True)]
        )
        assert tail.mean() >= 0.95


def test_ner_lecture_pair(models):
    """ "Teddy bears ..." and "Teddy Roosevelt ...": the forward RNN answers the same at
    "Teddy" for both (it has read the same one word), the bidirectional one differs and is
    right; the backward half differs at "Teddy" because the future differs."""
    fwd, both = models["ner-rnn"], models["ner-birnn"]
    bears, roosevelt = pt.NER_PAIR
    a, b = fwd.predict(bears), fwd.predict(roosevelt)
    assert a[0] == b[0] and abs(a[0] - 0.5) <= 0.1
    assert a[1] < 0.5 < b[1]  # at the second word it knows
    a, b = both.predict(bears), both.predict(roosevelt)
    assert a[0] < 0.05 and b[0] > 0.95
    ta, tb = both.trace(bears), both.trace(roosevelt)
    assert isinstance(ta, BiRNNTrace)
    np.testing.assert_array_equal(ta.h_f[0], tb.h_f[0])  # the past: the same word
    assert np.abs(ta.h_b[0] - tb.h_b[0]).max() > 0.1  # the future arrives from the right
    assert fwd.trace(bears).h.shape == (5, 6)
    assert [round(p, 6) for p in both.predict("Teddy bears are on sale".split())] == [
        round(p, 6) for p in a
    ]


def test_caption_lstm_captions_fresh_pictures(models):
    model = models["caption-lstm"]
    examples = caption_task(np.random.default_rng(SEED), 200)
    exact = [model.predict(im) == c for im, c in examples]
    assert np.mean(exact) >= 0.8


def test_caption_lstm_exposes_what_a_slide_draws(models):
    model = models["caption-lstm"]
    image, caption = caption_task(np.random.default_rng(SEED + 2), 1)[0]
    v = model.encode(image)
    assert v.shape == (32,) and np.all(np.abs(v) < 1)
    dec = model.decode(image)
    words = model.words(dec)
    assert words[-1] == "<end>" and " ".join(words[:-1]) == model.predict(image)
    assert dec.probs.shape == (len(words), len(pt.CAPTION_VOCABULARY))
    np.testing.assert_allclose(dec.probs.sum(axis=1), 1.0)
    np.testing.assert_array_equal(dec.v, v)
    assert np.all(dec.word_probs == dec.probs.max(axis=1))
    # teacher forcing on the written words gives the same distributions, step by step
    ids = list(dec.words)
    trace = caption_forward(
        model.params, model.pixels(image), np.array([0, *ids[:-1]]), np.array(ids)
    )
    np.testing.assert_allclose(trace.probs, dec.probs, rtol=1e-12, atol=1e-15)


def test_semantic_vectors_put_equal_meanings_together(models):
    """Pictures with the same caption lie closer in the semantic space than pictures
    with different ones, though their pixels differ: what the semantic map shows."""
    model = models["caption-lstm"]
    examples = caption_task(np.random.default_rng(SEED + 3), 300)
    v = np.array([model.encode(im) for im, _ in examples])
    px = np.array([im.reshape(-1) for im, _ in examples])
    caps = np.array([c for _, c in examples])
    same = caps[:, None] == caps[None, :]
    off = ~np.eye(len(caps), dtype=bool)

    def ratio(x: np.ndarray) -> float:
        sq = (x * x).sum(axis=1)
        d = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2.0 * x @ x.T, 0.0))
        return float(d[same & off].mean() / d[~same].mean())

    assert (same & off).sum() >= 20
    assert ratio(v) < 0.5 and ratio(v) < ratio(px)


def test_semantic_map_is_the_pca_of_the_semantic_vectors(models):
    model = models["caption-lstm"]
    examples = caption_task(np.random.default_rng(SEED + 5), 120)
    sm = model.semantic_map([im for im, _ in examples])
    v = np.array([model.encode(im) for im, _ in examples])
    np.testing.assert_array_equal(sm.vectors, v)
    np.testing.assert_allclose(sm.components @ sm.components.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(sm.coords, (v - v.mean(axis=0)) @ sm.components.T, atol=1e-12)
    # the first component carries the most variance of any direction: more than each axis
    assert sm.explained[0] >= sm.explained[1] > 0
    assert np.var(sm.coords[:, 0]) >= np.var(v - v.mean(axis=0), axis=0).max()
    # the sign is fixed: each component's largest entry is positive
    top = sm.components[np.arange(2), np.argmax(np.abs(sm.components), axis=1)]
    assert np.all(top > 0)
    # on the map, pictures with the same caption sit far closer than pictures without
    caps = np.array([c for _, c in examples])
    same = (caps[:, None] == caps[None, :]) & ~np.eye(len(caps), dtype=bool)
    d = np.linalg.norm(sm.coords[:, None] - sm.coords[None, :], axis=-1)
    assert same.sum() >= 10 and d[same].mean() < 0.3 * d[caps[:, None] != caps[None, :]].mean()
    with pytest.raises(ValueError, match="expected \\(n, D\\)"):
        pt.principal_components(np.zeros((1, 3)))


def test_save_and_read_round_trip(models, tmp_path):
    for name, model in models.items():
        path = tmp_path / f"{name}.npz"
        pretrained.save(model, path)
        again = pretrained._read(path)
        assert type(again) is type(model) and dict(again.meta) == dict(model.meta)
        for part, obj in pt._parts(model).items():
            other = pt._parts(again)[part]
            for field in obj.array_names():
                np.testing.assert_array_equal(getattr(obj, field), getattr(other, field))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.npz" for n in NAMES)


def test_damaged_or_partial_files_are_clear_errors(models, tmp_path):
    bad = tmp_path / "speech-ctc.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="not a readable model file"):
        pt.read(bad)
    payload = pt.to_arrays(models["speech-ctc"])
    del payload["params.W_b"]
    np.savez(bad, **payload)
    with pytest.raises(ValueError, match=r"lacks params\.W_b; retrain"):
        pretrained._read(bad)


@pytest.mark.parametrize(
    ("name", "call", "match"),
    [
        ("speech-ctc", lambda m: m.predict(np.zeros((20, 5))), r"expected \(T, 12\)"),
        ("speech-ctc", lambda m: m.alpha(np.zeros((20, 12)), "dog"), "cannot spell 'dog'"),
        ("speech-ctc", lambda m: pt.speech_example("dog"), "not a word of the speech task"),
        (
            "ner-birnn",
            lambda m: m.predict("Teddy Kennedy was here"),
            r"unknown word\(s\) \['Kennedy'\]",
        ),
        ("ner-rnn", lambda m: m.predict([]), "tokens is empty"),
        ("caption-lstm", lambda m: m.predict(np.zeros((12, 12, 3))), r"expected \(16, 16, 3\)"),
    ],
)
def test_bad_input_is_a_one_line_error(models, name, call, match):
    with pytest.raises(ValueError, match=match) as info:
        call(models[name])
    assert "\n" not in str(info.value)


def test_shown_values_survive_rounding_noise(models):
    """Weights changed by 1e-12 relative (far more than BLAS kernels differ by) give the
    same words, paths and probabilities to 3 decimals on the lecture's examples."""
    rng = np.random.default_rng(0)

    def nudged(obj):
        return dataclasses.replace(
            obj,
            **{
                n: getattr(obj, n)
                * (1 + 1e-12 * rng.choice([-1.0, 1.0], size=getattr(obj, n).shape))
                for n in obj.array_names()
            },
        )

    speech = models["speech-ctc"]
    other = dataclasses.replace(speech, params=nudged(speech.params))
    frames = pt.speech_example("tee")
    assert other.decode_steps(frames) == speech.decode_steps(frames)
    assert round(other.word_probability(frames, "tee"), 3) == round(
        speech.word_probability(frames, "tee"), 3
    )
    for name in ("ner-rnn", "ner-birnn"):
        m = models[name]
        o = dataclasses.replace(m, params=nudged(m.params))
        for s in pt.NER_PAIR:
            assert np.round(o.predict(s), 3).tolist() == np.round(m.predict(s), 3).tolist()
    cap = models["caption-lstm"]
    o = dataclasses.replace(cap, params=type(cap.params)(*[nudged(p) for p in cap.params.parts()]))
    for image, _ in caption_task(np.random.default_rng(SEED + 4), 5):
        assert o.predict(image) == cap.predict(image)
        np.testing.assert_array_equal(
            np.round(o.decode(image).word_probs, 3), np.round(cap.decode(image).word_probs, 3)
        )


def test_a_few_training_steps_learn():
    """A short run of each recipe lowers its loss (a broken backward pass or Adam fails
    here; the full runs are the slow test), and training repeats from the seed."""
    _, speech = pt.train_speech_ctc(pt.SpeechRecipe(n_steps=40))
    assert speech[-10:].mean() < 0.7 * speech[:10].mean()
    for bidirectional in (False, True):
        model, ner = pt.train_ner(bidirectional, pt.NERRecipe(n_steps=60))
        assert ner[-10:].mean() < 0.5 * ner[:10].mean()
        again, _ = pt.train_ner(bidirectional, pt.NERRecipe(n_steps=60))
        np.testing.assert_array_equal(again.params.V, model.params.V)
    _, cap = pt.train_caption_lstm(pt.CaptionRecipe(n_steps=60, n_pool=200, n_hidden=16, batch=8))
    assert cap[-10:].mean() < 0.7 * cap[:10].mean()


def test_failed_retrain_writes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "ner-birnn.npz"
    target.write_bytes(b"the good old file")
    monkeypatch.setattr(pt, "train", lambda name: pt.train_ner(True, pt.NERRecipe(n_steps=2)))
    assert pretrained.main(["--retrain", "--name", "ner-birnn", "--out", str(tmp_path)]) == 2
    assert target.read_bytes() == b"the good old file"
    assert [p.name for p in tmp_path.iterdir()] == ["ner-birnn.npz"]


# The full retrain of these models from their seeds is the slow test of test_pretrained.py
# (test_retrain_from_the_seed_tells_the_story retrains every name in MODELS through the CLI,
# which writes nothing and fails unless each model passes its story).
