"""CTC: the loss against a brute-force sum over every alignment, the forward variables
against brute-force prefix sums, the gradient against central differences, the collapse."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rnn_core.ctc import (
    best_path,
    collapse,
    ctc_alpha,
    ctc_beta,
    ctc_loss,
    ctc_occupancy,
    extended_labels,
    log_softmax,
    min_frames,
)
from rnn_core.gradcheck import numeric_gradient, relative_error

TOL = 1e-7

# (labels, T, C, blank): doubled letters need a blank between them; a blank that is not 0.
CASES = [
    ([1], 3, 3, 0),
    ([1, 2], 4, 3, 0),
    ([1, 1], 4, 3, 0),  # the "ee" of "tee": paths must put a blank between the two 1s
    ([2, 1, 1], 5, 3, 0),
    ([1, 1], 3, 3, 0),  # exactly the minimum: the only path is 1, blank, 1
    ([], 3, 3, 0),  # no labels: only the all-blank path
    ([0, 0], 4, 3, 2),  # blank = 2, so 0 is a letter
]


def _probs(logits: np.ndarray) -> np.ndarray:
    return np.exp(log_softmax(logits))


def _brute_force(logits: np.ndarray, labels: list[int], blank: int) -> float:
    """p(labels | x) summed over every path of T symbols that collapses to the labels."""
    y = _probs(logits)
    T, C = y.shape
    return sum(
        float(np.prod(y[np.arange(T), path]))
        for path in itertools.product(range(C), repeat=T)
        if collapse(path, blank) == list(labels)
    )


@pytest.mark.parametrize(("labels", "T", "C", "blank"), CASES)
def test_loss_is_minus_log_of_the_sum_over_all_alignments(labels, T, C, blank):
    rng = np.random.default_rng(len(labels) + 10 * T)
    logits = rng.normal(size=(T, C)) * 1.5
    loss, dlogits = ctc_loss(logits, labels, blank=blank)
    assert dlogits.shape == (T, C)
    assert np.exp(-loss) == pytest.approx(_brute_force(logits, labels, blank), rel=1e-12)


def test_doubled_letter_needs_a_blank_between():
    """Three frames for (1, 1): the only alignment is 1, blank, 1."""
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(3, 3))
    y = _probs(logits)
    loss, _ = ctc_loss(logits, [1, 1])
    assert np.exp(-loss) == pytest.approx(y[0, 1] * y[1, 0] * y[2, 1], rel=1e-12)
    # without the blank the repeat merges: "tee" written t, e, e reads "te"
    assert collapse([3, 2, 2]) == [3, 2] and collapse([3, 2, 0, 2]) == [3, 2, 2]


@pytest.mark.parametrize(("labels", "T", "C", "blank"), CASES)
def test_alpha_is_the_brute_force_sum_over_prefixes(labels, T, C, blank):
    """alpha^t(s) sums every prefix of t+1 symbols that ends in row s of the lattice: it
    has emitted the first j labels (row 2j, ending in a blank) or the first j+1 labels
    (row 2j+1, ending in label j)."""
    rng = np.random.default_rng(7 + T)
    logits = rng.normal(size=(T, C))
    y = _probs(logits)
    alpha = ctc_alpha(logits, labels, blank=blank)
    ext = extended_labels(labels, blank)
    assert alpha.shape == (T, 2 * len(labels) + 1)
    for t in range(T):
        want = np.zeros(len(ext))
        for prefix in itertools.product(range(C), repeat=t + 1):
            p = float(np.prod(y[np.arange(t + 1), prefix]))
            read = collapse(prefix, blank)
            for s in range(len(ext)):
                j = s // 2
                if s % 2 == 0:
                    hit = read == list(labels[:j]) and prefix[-1] == blank
                else:
                    hit = read == list(labels[: j + 1]) and prefix[-1] == labels[j]
                want[s] += p * hit
        with np.errstate(divide="ignore"):
            np.testing.assert_allclose(np.exp(alpha[t]), want, rtol=1e-12, atol=1e-300)
            assert np.all(np.isneginf(alpha[t][want == 0]))


@pytest.mark.parametrize(("labels", "T", "C", "blank"), CASES)
def test_alpha_beta_give_the_probability_at_every_frame(labels, T, C, blank):
    rng = np.random.default_rng(11)
    logits = rng.normal(size=(T, C))
    alpha, beta = ctc_alpha(logits, labels, blank), ctc_beta(logits, labels, blank)
    ext = extended_labels(labels, blank)
    loss, _ = ctc_loss(logits, labels, blank)
    emit = log_softmax(logits)[:, ext]
    with np.errstate(invalid="ignore"):
        per_frame = np.logaddexp.reduce(np.nan_to_num(alpha + beta - emit, nan=-np.inf), axis=1)
    np.testing.assert_allclose(per_frame, -loss, rtol=1e-12)
    # the end of the lattice: the last frame's two end rows hold p(labels | x)
    end = alpha[-1, -2:] if len(ext) > 1 else alpha[-1, -1:]
    assert np.logaddexp.reduce(end) == pytest.approx(-loss, rel=1e-12)
    gamma = ctc_occupancy(logits, labels, blank)
    np.testing.assert_allclose(gamma.sum(axis=1), 1.0, rtol=1e-12)


@pytest.mark.parametrize(("labels", "T", "C", "blank"), [*CASES, ([1, 2, 2, 3], 9, 5, 0)])
def test_gradient_matches_central_differences(labels, T, C, blank):
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(T, C))
    _, dlogits = ctc_loss(logits, labels, blank)
    numeric = numeric_gradient(lambda u: ctc_loss(u, labels, blank)[0], logits)
    assert relative_error(dlogits, numeric) < TOL
    np.testing.assert_allclose(dlogits.sum(axis=1), 0.0, atol=1e-12)  # softmax: rows sum to 0


def test_large_logits_stay_finite():
    """Log space: confident frames (scores of hundreds) neither overflow nor underflow."""
    logits = np.zeros((6, 4))
    for t, k in enumerate([1, 1, 0, 1, 2, 2]):
        logits[t, k] = 300.0
    loss, dlogits = ctc_loss(logits, [1, 1, 2])
    assert np.isfinite(loss) and loss == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.isfinite(dlogits))
    loss, dlogits = ctc_loss(logits, [2, 1])  # a label sequence these frames all but exclude
    assert np.isfinite(loss) and loss > 200 and np.all(np.isfinite(dlogits))


def test_best_path_and_collapse():
    logits = np.array([[0, 5, 0], [0, 5, 0], [5, 0, 0], [0, 5, 0], [0, 0, 5], [5, 0, 0.0]])
    np.testing.assert_array_equal(best_path(logits), [1, 1, 0, 1, 2, 0])
    assert collapse(best_path(logits)) == [1, 1, 2]
    assert collapse([]) == []
    assert collapse([0, 0, 0]) == []
    assert collapse([1, 1, 1]) == [1]
    assert collapse([2, 0, 2, 2, 0, 0, 3]) == [2, 2, 3]
    assert collapse(np.array([1, 2, 2, 1])) == [1, 2, 1]
    assert collapse([1, 0, 0, 2], blank=2) == [1, 0]  # another blank: 0 is a letter
    assert all(isinstance(v, int) for v in collapse(np.array([3, 0, 4])))


def test_min_frames_and_extended_labels():
    assert min_frames([1, 2, 3]) == 3
    assert min_frames([1, 1]) == 3
    assert min_frames([3, 2, 2, 2]) == 6
    assert min_frames([]) == 0
    np.testing.assert_array_equal(extended_labels([3, 2, 2]), [0, 3, 0, 2, 0, 2, 0])
    np.testing.assert_array_equal(extended_labels([], blank=4), [4])


def test_too_few_frames_is_a_clear_error():
    logits = np.zeros((2, 3))
    with pytest.raises(ValueError, match="need at least 3 frames .* T = 2") as info:
        ctc_loss(logits, [1, 1])
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="need at least 3 frames"):
        ctc_occupancy(logits, [1, 2, 1])
    # the lattice itself exists: no path reaches either end row
    alpha = ctc_alpha(logits, [1, 1])
    assert alpha.shape == (2, 5) and np.all(np.isneginf(alpha[-1, -2:]))


@pytest.mark.parametrize(
    ("logits", "labels", "blank", "match"),
    [
        (np.zeros((3,)), [1], 0, r"expected \(T, C\)"),
        (np.zeros((3, 1)), [], 0, r"C >= 2"),
        (np.zeros((3, 3)), [0], 0, "differ from the blank 0"),
        (np.zeros((3, 3)), [3], 0, r"0 \.\. 2"),
        (np.zeros((3, 3)), [1.5], 0, "integer"),
        (np.zeros((3, 3)), [1], 3, "blank = 3 is outside"),
        (np.full((3, 3), np.nan), [1], 0, "NaN"),
    ],
)
def test_bad_input_is_a_one_line_error(logits, labels, blank, match):
    with pytest.raises(ValueError, match=match) as info:
        ctc_loss(logits, labels, blank)
    assert "\n" not in str(info.value)
