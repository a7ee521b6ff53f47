"""Lecture 1's speech-ctc and bidirectional-ner scenes show the shipped models' numbers."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import ctc, pretrained
from rnn_core.pretrained_tasks import NER_PAIR, speech_example
from scenes.kit.components import format_value
from scenes.lecture1_tasks import ner, speech

# Built with the other lecture-1 scenes on one worker (the session cache is per worker).
pytestmark = pytest.mark.xdist_group("lecture1")


# speech-ctc --------------------------------------------------------------------------------
def test_speech_data_is_the_models_collapse_of_tee():
    d = speech.speech_slide_data()
    model = pretrained.load("speech-ctc")
    frames = speech_example("tee")
    np.testing.assert_array_equal(d.frames, frames)
    assert d.decoded == model.predict(frames) == "tee"
    # the collapse as the core does it: merge repeats then drop blanks
    path = [model.symbols.index(ch) for ch in d.path]
    assert len(d.path) == d.T and model.spell(ctc.collapse(path)) == d.decoded
    merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
    assert model.spell(merged) == d.merged
    # the doubled letter: the blank between the e's keeps them apart
    assert "e-e" in d.merged and d.blanks_first == "te"
    assert d.ext == ("-", "t", "-", "e", "-", "e", "-")
    np.testing.assert_allclose(
        np.exp(np.logaddexp(d.alpha[-1, -1], d.alpha[-1, -2])), d.probability, rtol=1e-12
    )
    assert d.probability == pytest.approx(model.word_probability(frames, "tee"))


def test_speech_scene_shows_the_distribution_path_and_lattice(built_scenes):
    d = speech.speech_slide_data()
    scene = built_scenes(speech.SpeechCTCScene)
    assert len(scene.steps) == 7
    # the heat maps: every frame's distribution, in two rows of frames
    shown = [row for half in scene.shown["distribution"] for row in half]
    halves = scene.shown["distribution"]
    for h, half in enumerate(halves):
        cols = range(h * speech.HALF, min(d.T, (h + 1) * speech.HALF))
        want = [[format_value(d.probs[t, c]) for t in cols] for c in range(len(d.symbols))]
        assert half == want
    assert len(shown) == 2 * len(d.symbols)
    assert (scene.shown["path"], scene.shown["merged"], scene.shown["word"]) == (
        d.path,
        d.merged,
        d.decoded,
    )
    # the lattice: ln alpha rounded, blank where no path reaches
    for h, half in enumerate(scene.shown["lattice"]):
        cols = range(h * speech.HALF, min(d.T, (h + 1) * speech.HALF))
        for s, row in enumerate(half):
            for text, t in zip(row, cols, strict=True):
                value = d.alpha[t, s]
                if np.isfinite(value):
                    assert float(text) == pytest.approx(round(value), abs=0.5), (s, t)
                else:
                    assert text == ""
    assert scene.shown["probability"] == f"{d.probability:.4f}"


# bidirectional-ner -------------------------------------------------------------------------
def test_ner_forward_rnn_cannot_tell_the_teddys_apart_the_birnn_can():
    d = ner.ner_slide_data()
    assert [" ".join(s) for s in d.sentences] == list(NER_PAIR)
    # the forward RNN has read the same single word: the same answer, a coin toss
    assert d.forward[0][0] == d.forward[1][0]
    assert abs(d.forward[0][0] - 0.5) < 0.1
    # both ways: not a name before "bears", a name before "Roosevelt"
    assert d.both[0][0] < 0.05 and d.both[1][0] > 0.95


def test_ner_scene_shows_the_models_probabilities(built_scenes):
    d = ner.ner_slide_data()
    scene = built_scenes(ner.BidirectionalNER)
    assert len(scene.steps) == 4
    fwd, bi = pretrained.load("ner-rnn"), pretrained.load("ner-birnn")
    assert scene.shown["forward"] == [[format_value(p) for p in fwd.predict(s)] for s in NER_PAIR]
    assert scene.shown["both"] == [[format_value(p) for p in bi.predict(s)] for s in NER_PAIR]
    assert scene.shown["forward"][0][0] == scene.shown["forward"][1][0]
    assert scene.shown["both"][0][0] != scene.shown["both"][1][0]
    # word k of both sentences stands in one column
    a, b = scene.blocks
    assert a.words[0].get_x() == pytest.approx(b.words[0].get_x())
    assert d.sentences[1][1] == "Roosevelt"
