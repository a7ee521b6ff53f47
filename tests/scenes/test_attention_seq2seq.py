"""Lecture 6's seq2seq and attention scenes show the shipped models' numbers: the values on
screen are compared with the core's (recomputed here from the traces, not read back from
the scene's data module), and the story each slide tells holds for those numbers."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from rnn_core.attention import softmax
from rnn_core.pretrained import load
from rnn_core.pretrained_translation import LENGTHS
from rnn_core.tasks import translation_example
from scenes.attention.alignment import AttentionAlignment, AttentionStep
from scenes.attention.seq2seq import Seq2SeqBottleneck
from scenes.kit.components import format_value
from slidebuild.registry import lecture_scenes

pytestmark = pytest.mark.xdist_group("lecture6")


def fmt(values) -> list[str]:
    return [format_value(float(x)) for x in np.asarray(values).ravel()]


def test_lecture_6_opens_with_seq2seq_and_attention():
    ids = [info.id for info in lecture_scenes(6)]
    assert ids[:3] == ["seq2seq-bottleneck", "attention-step", "attention-alignment"]


def test_cli_lists_lecture_6_and_refuses_an_unknown_lecture_in_one_line():
    from render import cli

    result = CliRunner().invoke(cli, ["list", "--no-steps", "--lecture", "6"])
    assert result.exit_code == 0, result.output
    assert "seq2seq-bottleneck" in result.output and "attention-alignment" in result.output
    result = CliRunner().invoke(cli, ["list", "--no-steps", "--lecture", "99"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "no scenes in lecture 99" in lines[0], result.output


def test_bottleneck_shows_the_model_without_attention(built_scenes):
    scene = built_scenes(Seq2SeqBottleneck)
    source, reference, _ = translation_example(long=True)
    model = load("seq2seq-lstm")
    tr = model.trace(source)
    h, c = tr.trace.encoder.y[-1], tr.trace.encoder.c[-1]
    shown = scene.shown["bottleneck"]
    assert shown["h"] == fmt(h[: len(shown["h"])]) and shown["c"] == fmt(c[: len(shown["c"])])
    assert len(shown["h"]) >= 3
    # the decoder's words are its greedy translation, each with its probability
    written = list(model.translate(source)) + ["<eos>"]
    assert scene.shown["written"] == written
    probs = softmax(tr.trace.logits)
    ids = [model.target_words.index(w) for w in written]
    assert scene.shown["probs"] == fmt(probs[np.arange(len(ids)), ids])
    # the hard case: this sentence is wrong without attention, right with it
    assert scene.shown["reference"] == list(reference)
    assert tuple(written[:-1]) != reference
    assert load("seq2seq-attention").translate(source) == reference
    assert scene.shown["invented"] and not set(scene.shown["invented"]) & set(reference)


def test_bottleneck_curves_are_the_measured_exact_match(built_scenes):
    scene = built_scenes(Seq2SeqBottleneck)
    curves = scene.shown["curve"]
    for name in ("seq2seq-lstm", "seq2seq-attention", "tiny-transformer"):
        stored = load(name).meta["story"]["exact_match_by_length"]
        assert curves[name] == fmt(stored), name
        assert len(curves[name]) == len(LENGTHS)
    plain = [float(x) for x in curves["seq2seq-lstm"]]
    assert plain[0] - plain[-1] >= 0.2, "without attention, long sentences fail"
    assert min(float(x) for x in curves["seq2seq-attention"]) >= 0.9


def test_attention_step_numbers_are_the_decoder_step(built_scenes):
    scene = built_scenes(AttentionStep)
    source, reference, alignment = translation_example(long=True)
    model = load("seq2seq-attention")
    tr = model.trace(source)
    t = len(tr.output) - 1  # the step that writes the verb
    s = tr.trace.decoder.y[t]  # (N,)
    H = tr.trace.encoder.y  # (Ts, N)
    scores = H @ s  # e_j = s . h^j, unscaled
    np.testing.assert_allclose(scores, tr.trace.attention.scores[t], rtol=1e-12)
    weights = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    context = weights @ H
    assert scene.shown["source"] == list(source)
    assert scene.shown["state"] == fmt(s[: len(scene.shown["state"])])
    assert scene.shown["keys"] == [fmt(h[: len(scene.shown["state"])]) for h in H]
    assert scene.shown["scores"] == fmt(scores)
    assert scene.shown["weights"] == fmt(weights)
    assert scene.shown["context"] == fmt(context[: len(scene.shown["context"])])
    # the story: the weight is on the verb, in the middle of the source, and the word
    # chosen is its translation, at the end of the target
    assert int(np.argmax(weights)) == alignment[t] and weights.max() >= 0.5
    word, prob = scene.shown["candidates"][0]
    assert word == reference[t] == tr.output[t]
    assert prob == format_value(float(softmax(tr.trace.logits[t]).max()))


def test_alignment_map_is_the_attention_of_the_translation(built_scenes):
    scene = built_scenes(AttentionAlignment)
    source, reference, alignment = translation_example(long=True)
    weights = load("seq2seq-attention").attention(source)  # (Tt, Ts)
    rows = scene.shown["rows"]
    assert list(rows) == list(reference)
    for j, word in enumerate(reference):
        assert rows[word] == fmt(weights[j]), word
    aligned = [weights[j, a] for j, a in enumerate(alignment) if a is not None]
    assert scene.shown["aligned"] == fmt(aligned)
    # the verb's weight jumps back: the last row's largest weight is on the verb, which is
    # not the last source word
    verb = alignment[-1]
    assert int(np.argmax(weights[-1])) == verb < len(source) - 1
    # the Transformer step: its cross-attention, mean over heads, for the same words
    tf = load("tiny-transformer")
    assert tf.translate(source) == reference
    mean = tf.attention(source).mean(axis=0)
    assert scene.shown["transformer"] == [fmt(row) for row in mean]
    # every row the map shows is a distribution
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-12)


def test_readme_quotes_the_shipped_translators_measures():
    """The README's lecture-6 paragraph quotes each model's stored measures (2 decimals)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    plain = load("seq2seq-lstm").meta["story"]
    attention = load("seq2seq-attention").meta["story"]
    transformer = load("tiny-transformer").meta["story"]
    by_length = plain["exact_match_by_length"]
    quotes = [
        f"`seq2seq-lstm`\n(encoder-decoder LSTMs, no attention) translates "
        f"{plain['exact_match']:.2f} of them exactly, from {by_length[0]:.2f} of the\n"
        f"{LENGTHS[0]}-word sentences down to {by_length[-1]:.2f} of the {LENGTHS[-1]}-word ones",
        f"{attention['exact_match']:.2f} at every length, "
        f"{attention['aligned_attention']:.2f} of its attention on the aligned word",
        f"{transformer['exact_match']:.2f}, {transformer['aligned_attention']:.2f} on the "
        "aligned word",
    ]
    for quote in quotes:
        assert quote in readme, quote
    assert min(attention["exact_match_by_length"]) == attention["exact_match"] == 1.0
