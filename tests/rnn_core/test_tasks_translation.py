"""The toy translation task of lecture 6: English-like SVO to Japanese-like SOV with
particles, and the alignment other tools read (target word j translates source word
``alignment[j]``, or is a particle: ``None``)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from rnn_core.tasks import (
    TRANSLATION_ADJECTIVES,
    TRANSLATION_ADVERBS,
    TRANSLATION_BE,
    TRANSLATION_EXAMPLE,
    TRANSLATION_EXAMPLE_LONG,
    TRANSLATION_NOUNS,
    TRANSLATION_PRONOUNS,
    TRANSLATION_VERBS,
    translate_reference,
    translation_example,
    translation_source_words,
    translation_target_words,
    translation_task,
)

VERB_WORDS = {form: jp for forms, jp in TRANSLATION_VERBS.items() for form in forms}
LEXICON = {
    **TRANSLATION_PRONOUNS,
    **TRANSLATION_NOUNS,
    **TRANSLATION_ADJECTIVES,
    **TRANSLATION_ADVERBS,
    **TRANSLATION_BE,
    **VERB_WORDS,
}


@pytest.fixture(scope="module")
def pairs():
    return translation_task(np.random.default_rng(0), 3000)


def test_the_seeds_example():
    src, tgt, align = translation_example()
    assert src == TRANSLATION_EXAMPLE == ("I", "am", "a", "student")
    assert tgt == ("watashi", "wa", "gakusei", "desu")
    assert align == (0, None, 3, 1)  # "am" -> "desu" jumps to the end
    src, tgt, align = translation_example(long=True)
    assert src == TRANSLATION_EXAMPLE_LONG
    assert " ".join(tgt) == "kuroi neko wa yoku chiisai sakana o taberu"
    assert align == (1, 2, None, 3, 6, 7, None, 4)


def test_every_target_word_translates_its_aligned_source_word(pairs):
    for src, tgt, align in pairs:
        assert len(tgt) == len(align)
        for word, i in zip(tgt, align, strict=True):
            if i is None:
                assert word in ("wa", "o")
            else:
                assert LEXICON[src[i]] == word
        # each source word is translated at most once; only articles are left out
        used = [i for i in align if i is not None]
        assert len(used) == len(set(used))
        assert {src[i] for i in range(len(src)) if i not in used} <= {"a", "an", "the"}


def test_the_verb_moves_to_the_end_so_the_alignment_is_not_diagonal(pairs):
    for src, tgt, align in pairs:
        verb = next(i for i, w in enumerate(src) if w in VERB_WORDS or w in TRANSLATION_BE)
        assert align[-1] == verb  # the last target word is the verb (or the copula)
        assert tgt[-1] in set(VERB_WORDS.values()) | {"desu"}
        assert tgt.index("wa") >= 1
        used = [i for i in align if i is not None]
        assert used != sorted(used)  # never monotone: the verb comes from the middle


def test_lengths_and_vocabulary(pairs):
    src_len = Counter(len(s) for s, _, _ in pairs)
    tgt_len = Counter(len(t) for _, t, _ in pairs)
    assert min(src_len) == 3 and max(src_len) == 10
    assert min(tgt_len) == 4 and max(tgt_len) == 10
    assert all(src_len[L] >= 10 for L in range(3, 11))
    words = {w for s, _, _ in pairs for w in s}
    assert words == set(translation_source_words())  # every word occurs
    assert {w for _, t, _ in pairs for w in t} == set(translation_target_words())
    assert 30 <= len(translation_source_words()) <= 60  # a few dozen words
    assert len(set(translation_source_words())) == len(translation_source_words())
    # about one sentence in five is a copula sentence, nearly half have an adjective pair
    copula = sum(t[-1] == "desu" for _, t, _ in pairs) / len(pairs)
    assert 0.15 < copula < 0.25
    assert len({s for s, _, _ in pairs}) > 0.5 * len(pairs)  # mostly different sentences


def test_grammar_details(pairs):
    third = {"he", "she"}
    for src, _, _ in pairs:
        for i, w in enumerate(src):
            if w in VERB_WORDS:
                third_person = src[0] in third or src[0] == "the"
                assert w.endswith("s") == third_person, src  # he eats, they eat
            if w == "a":
                assert src[i + 1][0] not in "aeiou", src  # an apple, an old book
            if w == "an":
                assert src[i + 1][0] in "aeiou", src
        if "am" in src:
            assert src[0] == "I"
    short = {s for s, _, _ in pairs if len(s) == 3}
    assert all(s[0] in TRANSLATION_PRONOUNS for s in short)  # "we drink tea"


def test_seeded():
    a = translation_task(np.random.default_rng(7), 50)
    b = translation_task(np.random.default_rng(7), 50)
    c = translation_task(np.random.default_rng(8), 50)
    assert a == b and a != c


@pytest.mark.parametrize(
    ("sentence", "message"),
    [
        ("I am a cat dog", r"should end at word 4"),
        ("I am a purple student", r"unknown word\(s\) 'purple'; the task's English words are"),
        ("I eat", r"expected the object's noun at word 3"),
        ("the cat", r"expected a verb or am/is/are at word 3"),
        ("I often am a student", r"the adverb comes with a verb"),
        ("", r"the sentence is empty"),
    ],
)
def test_out_of_grammar_sentences_are_one_line_errors(sentence, message):
    with pytest.raises(ValueError, match=message) as info:
        translate_reference(sentence)
    assert "\n" not in str(info.value)


def test_reference_translation_of_a_string():
    assert translate_reference("she often reads an old letter") == (
        ("kanojo", "wa", "yoku", "furui", "tegami", "o", "yomu"),
        (0, None, 1, 4, 5, None, 2),
    )
    with pytest.raises(ValueError, match="n must be a positive integer"):
        translation_task(np.random.default_rng(0), 0)
