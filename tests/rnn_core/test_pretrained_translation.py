"""The three shipped translation models of lecture 6, checked on fresh sentences.

The lecture's claims: the model with attention and the Transformer translate at least 90 %
of fresh sentences exactly; their attention rests on the source word each target word
translates (at least 0.5 of the weight on average); the model without attention gets worse
as sentences get longer. These tests read the SHIPPED files; the by-length curve a slide
draws is the one stored in each file's meta, and it is reproduced here from the weights.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_core import pretrained
from rnn_core.attention import softmax
from rnn_core.pretrained_translation import (
    BOS,
    EOS,
    LENGTHS,
    RECIPES,
    TRANSLATION_LIMITS,
    TRANSLATION_MODELS,
    PretrainedSeq2Seq,
    PretrainedTransformer,
    Seq2SeqRecipe,
    aligned_attention,
    exact_match_by_length,
    fresh_translation_sentences,
    read_translator,
    train_translator,
    translation_failures,
    translation_story,
)
from rnn_core.tasks import translation_example, translation_task

NAMES = list(TRANSLATION_MODELS)


@pytest.fixture(scope="module")
def models():
    return {name: pretrained.load(name) for name in NAMES}


@pytest.fixture(scope="module")
def stories(models):
    return {name: translation_story(m) for name, m in models.items()}


def test_the_three_models_are_registered_and_shipped(models):
    for name in NAMES:
        assert name in pretrained.MODELS
        assert pretrained.model_path(name).is_file()
        assert models[name].meta["name"] == name
    assert isinstance(models["seq2seq-lstm"], PretrainedSeq2Seq)
    assert not models["seq2seq-lstm"].params.attention
    assert models["seq2seq-attention"].params.attention
    assert isinstance(models["tiny-transformer"], PretrainedTransformer)
    # the two LSTM models have the same sizes and recipe; the one with attention starts its
    # decoder from zeros (no bridge), so attention is its only view of the source
    a, b = (models[n].meta["recipe"] for n in ("seq2seq-lstm", "seq2seq-attention"))
    differ = {k for k in a if a[k] != b[k]}
    assert differ == {"attention", "bridge"}
    assert models["seq2seq-lstm"].params.bridge and not models["seq2seq-attention"].params.bridge
    # weights are read-only: a scene cannot change them for the next one
    with pytest.raises(ValueError):
        models["tiny-transformer"].params.W_out[0, 0] = 1.0


def test_attention_models_translate_fresh_sentences(stories):
    for name in ("seq2seq-attention", "tiny-transformer"):
        assert stories[name]["exact_match"] >= 0.9, name
        assert min(stories[name]["exact_match_by_length"]) >= 0.9, name


def test_attention_rests_on_the_aligned_word(stories):
    assert stories["seq2seq-attention"]["aligned_attention"] >= 0.5
    assert stories["tiny-transformer"]["aligned_attention"] >= 0.5  # the mean over heads
    assert len(stories["tiny-transformer"]["aligned_attention_by_head"]) == 4


def test_without_attention_long_sentences_fare_worse(stories):
    curve = stories["seq2seq-lstm"]["exact_match_by_length"]
    assert len(curve) == len(LENGTHS) == 8
    assert np.mean(curve[:2]) - np.mean(curve[-2:]) >= 0.2
    assert curve[-1] < 0.8 and max(curve[:3]) >= 0.85
    # and the same network with attention does not
    with_attention = stories["seq2seq-attention"]["exact_match_by_length"]
    assert all(w > c for w, c in zip(with_attention[-3:], curve[-3:], strict=True))


def test_every_story_passes_and_matches_the_one_stored_at_training(models, stories):
    for name, model in models.items():
        assert translation_failures(name, stories[name]) == [], name
        stored = model.meta["story"]
        assert set(stored) == set(stories[name])
        for key, value in stored.items():
            # greedy decoding from the shipped weights: the same words on every BLAS
            np.testing.assert_allclose(stories[name][key], value, rtol=1e-9, err_msg=key)


def test_the_slides_example_sentences(models):
    for name, model in models.items():
        source, target, _ = translation_example()  # "I am a student"
        assert model.translate(source) == target, name
        assert model.translate(" ".join(source)) == target
    for name in ("seq2seq-attention", "tiny-transformer"):
        source, target, alignment = translation_example(long=True)
        assert models[name].translate(source) == target, name


def test_attention_maps_are_the_weights_that_wrote_the_translation(models):
    source, target, alignment = translation_example(long=True)
    att = models["seq2seq-attention"].attention(source)
    assert att.shape == (len(target), len(source))
    np.testing.assert_allclose(att.sum(axis=1), 1.0, rtol=1e-12)
    # the verb's weight jumps to the end: the last word "taberu" looks at "eats"
    assert int(np.argmax(att[-1])) == alignment[-1] == 4
    heads = models["tiny-transformer"].attention(source)
    assert heads.shape == (4, len(target), len(source))
    np.testing.assert_allclose(heads.sum(axis=2), 1.0, rtol=1e-12)
    with pytest.raises(ValueError, match="seq2seq-lstm has no attention"):
        models["seq2seq-lstm"].attention(source)


def test_seq2seq_trace_has_what_a_slide_draws(models):
    source, target, _ = translation_example()
    for name in ("seq2seq-lstm", "seq2seq-attention"):
        tr = models[name].trace(source)
        assert tr.source == source and tr.output == target and tr.ended
        assert tr.decoder_input == (BOS, *target)
        n = models[name].params.n_hidden
        assert tr.encoder_states.shape == (4, n) and tr.decoder_states.shape == (5, n)
        y, c = tr.bottleneck
        np.testing.assert_array_equal(y, tr.encoder_states[-1])
        if models[name].params.bridge:  # all the decoder gets of the source
            np.testing.assert_array_equal(tr.trace.decoder.y0, y)
            np.testing.assert_array_equal(tr.trace.decoder.c0, c)
        else:  # it starts blank and reads the source through attention only
            np.testing.assert_array_equal(tr.trace.decoder.y0, 0.0)
        words = models[name].target_words
        np.testing.assert_array_equal(
            np.argmax(tr.probs, axis=1), [words.index(w) for w in (*target, EOS)]
        )
    tr = models["seq2seq-attention"].trace(source)
    np.testing.assert_allclose(tr.scores, tr.decoder_states @ tr.encoder_states.T, rtol=1e-12)
    np.testing.assert_allclose(tr.weights, softmax(tr.scores), rtol=1e-12)
    np.testing.assert_allclose(tr.context, tr.weights @ tr.encoder_states, rtol=1e-12)
    assert models["seq2seq-lstm"].trace(source).weights is None


def test_transformer_trace_has_what_a_slide_draws(models):
    model = models["tiny-transformer"]
    source, target, _ = translation_example()
    tr = model.trace(source)
    assert tr.output == target and tr.decoder_input == (BOS, *target)
    E = model.params.n_embed
    assert tr.source_positions.shape == (4, E) and tr.target_positions.shape == (5, E)
    enc = tr.encoder_self_attention
    x = tr.trace.src_x
    np.testing.assert_allclose(
        enc.q,
        x @ model.params.encoder.self_attn.W_q.T + model.params.encoder.self_attn.b_q,
        rtol=1e-12,
    )
    assert enc.weights.shape == (4, 4, 4)
    assert tr.cross_attention.weights.shape == (4, 5, 4)
    assert np.all(np.triu(tr.decoder_self_attention.weights, 1) == 0.0)


def test_trained_self_attention_cannot_tell_word_order_without_positions(models):
    """The slide's callback to lecture 1: "cat cat dog" and "dog cat cat" through the
    trained encoder's self-attention give the same rows, reordered, until positions are
    added."""
    model = models["tiny-transformer"]
    a = model.self_attention("cat cat dog", positions=False)
    b = model.self_attention("dog cat cat", positions=False)
    np.testing.assert_allclose(b.out, a.out[[2, 0, 1]], rtol=1e-12)
    np.testing.assert_allclose(a.out[0], a.out[1], rtol=1e-12)  # the two cats are one
    a_pos = model.self_attention("cat cat dog")
    b_pos = model.self_attention("dog cat cat")
    assert np.abs(b_pos.out - a_pos.out[[2, 0, 1]]).max() > 0.1
    assert np.abs(a_pos.out[0] - a_pos.out[1]).max() > 0.01  # seen at two decimals


def test_batch_translation_equals_one_by_one(models):
    pairs = translation_task(np.random.default_rng(11), 12)
    for model in models.values():
        together = model.translate_batch([s for s, _, _ in pairs])
        assert together == [model.translate(s) for s, _, _ in pairs]


def test_measures_measure_what_they_say(models):
    """exact match and aligned attention recomputed one sentence at a time."""
    pairs = translation_task(np.random.default_rng(12), 40)
    model = models["seq2seq-attention"]
    by_length = {}
    for p in pairs:
        by_length.setdefault(len(p[0]), []).append(p)
    curve = exact_match_by_length(model, by_length)
    for L, group in by_length.items():
        assert curve[L] == np.mean([model.translate(s) == t for s, t, _ in group])
    weights, count = 0.0, 0
    for s, t, a in pairs:
        w = model.teacher_forced(s, t).attention.weights
        for j, i in enumerate(a):
            if i is not None:
                weights += w[j, i]
                count += 1
    assert aligned_attention(model, pairs)[0] == pytest.approx(weights / count, rel=1e-12)


def test_fresh_sentences_are_seeded_and_cover_every_length():
    overall, by_length = fresh_translation_sentences()
    assert len(overall) == 1000 and sorted(by_length) == list(LENGTHS)
    assert all(len(v) == 100 and all(len(s) == L for s, _, _ in v) for L, v in by_length.items())
    assert fresh_translation_sentences()[0] == overall


def test_an_undertrained_model_fails_the_checks_and_is_not_written(tmp_path, monkeypatch):
    tiny = dataclasses.replace(RECIPES["seq2seq-attention"], n_steps=3, pool=300)
    weak, losses = train_translator("seq2seq-attention", tiny)
    assert losses.shape == (3,)
    bad = translation_failures("seq2seq-attention", translation_story(weak))
    assert any(b.startswith("exact_match") for b in bad)
    target = tmp_path / "seq2seq-attention.npz"
    target.write_bytes(b"the good old file")
    from rnn_core import pretrained_translation

    monkeypatch.setattr(pretrained_translation, "train_translator", lambda name: (weak, losses))
    assert (
        pretrained.main(["--retrain", "--name", "seq2seq-attention", "--out", str(tmp_path)]) == 2
    )
    assert target.read_bytes() == b"the good old file"
    assert [p.name for p in tmp_path.iterdir()] == ["seq2seq-attention.npz"]


def test_files_round_trip(models, tmp_path):
    for name, model in models.items():
        path = tmp_path / f"{name}.npz"
        pretrained.save(model, path)
        again = read_translator(path)
        assert dict(again.meta) == dict(model.meta)
        source, target, _ = translation_example()
        assert again.translate(source) == target
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable translation model file"):
        read_translator(bad)


def test_unknown_words_are_a_one_line_error(models):
    with pytest.raises(ValueError, match=r"unknown word\(s\) 'purple'") as info:
        models["tiny-transformer"].translate("I am a purple student")
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="no words"):
        models["seq2seq-lstm"].translate("")


def test_limits_are_the_issues():
    assert TRANSLATION_LIMITS["seq2seq-attention"]["exact_match"] == ("min", 0.9)
    assert TRANSLATION_LIMITS["tiny-transformer"]["aligned_attention"] == ("min", 0.5)
    assert isinstance(RECIPES["seq2seq-lstm"], Seq2SeqRecipe)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_retrain_from_the_seed_tells_the_story(tmp_path, name):
    assert pretrained.main(["--retrain", "--name", name, "--out", str(tmp_path)]) == 0
    fresh = read_translator(tmp_path / f"{name}.npz")
    assert translation_failures(name, translation_story(fresh)) == []
