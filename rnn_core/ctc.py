"""Connectionist temporal classification (Graves et al. 2006), in log space.

An utterance of T frames gets a distribution over C symbols per frame: the letters and a
*blank* (index ``blank``, 0 by default). A path pi (one symbol per frame) reads as a label
sequence through the collapse B: merge repeats, then drop blanks, so
``B("cc-aa-t") = B("c-a--tt") = "cat"`` and "tee" needs a blank between its two e's
(``B("tee") = "te"``, ``B("te-e") = "tee"``). The probability of labels l is the sum over
every path that collapses to them::

    p(l | x) = sum_{pi : B(pi) = l} prod_t y^t_{pi_t},     y^t = softmax(u^t)

Forward variables over the extended labels l' = (blank, l_1, blank, l_2, ..., l_U, blank),
S = 2U + 1 rows, all in log space (alpha here is log alpha of the paper)::

    alpha^0(0) = log y^0_blank,   alpha^0(1) = log y^0_{l_1}
    alpha^t(s) = log y^t_{l'_s} + logsumexp(alpha^{t-1}(s), alpha^{t-1}(s-1),
                                            alpha^{t-1}(s-2) if l'_s != blank and l'_s != l'_{s-2})
    log p(l | x) = logsumexp(alpha^{T-1}(S-1), alpha^{T-1}(S-2))

The backward variables beta mirror them from the last frame. The occupancy
gamma^t(s) = exp(alpha^t(s) + beta^t(s) - log y^t_{l'_s} - log p) is the probability that
a path sits in row s at frame t (each frame's occupancies sum to 1), and the gradient of
the loss L = -log p(l | x) with respect to the unnormalised scores u^t is (Graves et al.
2006, eq. 16)::

    dL/du^t_k = y^t_k - sum_{s : l'_s = k} gamma^t(s)

A label sequence needs at least U + R frames, R being the number of adjacent repeats
(each needs a blank between). With fewer frames no path collapses to the labels:
:func:`ctc_alpha` still returns its lattice (both end rows at -inf), and :func:`ctc_loss`
raises ``ValueError`` saying how many frames are needed.

Example
-------
>>> logits = np.zeros((4, 3))  # 4 frames, blank + 2 letters, all equally likely
>>> loss, dlogits = ctc_loss(logits, [1, 1])
>>> round(float(np.exp(-loss) * 3**4))  # of 81 paths, 5 give (1, 1): 1-11 11-1 1--1 -1-1 1-1-
5
>>> collapse(best_path(np.array([[0, 5, 0], [0, 5, 0], [5, 0, 0], [0, 5, 0]])))
[1, 1]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import as_float_array

__all__ = [
    "log_softmax",
    "extended_labels",
    "min_frames",
    "ctc_alpha",
    "ctc_beta",
    "ctc_occupancy",
    "ctc_loss",
    "best_path",
    "collapse",
]

NEG_INF = -np.inf


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, shifted by the maximum so it never overflows."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _check_logits(logits: object) -> np.ndarray:
    arr = as_float_array("logits", logits)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 2:
        raise ValueError(
            f"logits has shape {arr.shape}; expected (T, C) with T >= 1 frames and C >= 2 "
            f"symbols (the blank and at least one label)"
        )
    return arr


def _check_blank(blank: object, n_symbols: int) -> int:
    if isinstance(blank, bool) or not isinstance(blank, int | np.integer):
        raise ValueError(f"blank must be an integer symbol index, got {blank!r}")
    if not 0 <= blank < n_symbols:
        raise ValueError(f"blank = {blank} is outside 0 .. {n_symbols - 1} for C = {n_symbols}")
    return int(blank)


def _check_labels(labels: object, n_symbols: int, blank: int) -> np.ndarray:
    try:
        arr = np.asarray(labels)
    except Exception as exc:
        raise ValueError(f"labels is not a sequence of integers ({exc})") from None
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.ndim != 1 or arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            f"labels must be a flat sequence of integer symbols, got {arr.dtype} of shape "
            f"{arr.shape}"
        )
    bad = [int(v) for v in arr if not 0 <= v < n_symbols or v == blank]
    if bad:
        raise ValueError(
            f"labels contain {bad[:3]}; each label must lie in 0 .. {n_symbols - 1} and differ "
            f"from the blank {blank}"
        )
    return arr.astype(np.int64)


def extended_labels(labels: Sequence[int], blank: int = 0) -> np.ndarray:
    """l' = (blank, l_1, blank, ..., l_U, blank): the rows of the CTC lattice, (2U+1,)."""
    lab = np.asarray(labels, dtype=np.int64).reshape(-1)
    ext = np.full(2 * lab.size + 1, int(blank), dtype=np.int64)
    ext[1::2] = lab
    return ext


def min_frames(labels: Sequence[int]) -> int:
    """The fewest frames a path for ``labels`` needs: U plus one blank per adjacent repeat."""
    lab = np.asarray(labels, dtype=np.int64).reshape(-1)
    return int(lab.size + np.count_nonzero(lab[1:] == lab[:-1]))


def _lattice(
    logits: object, labels: object, blank: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Checked inputs: log y (T, C), labels (U,), extended labels (S,)."""
    u = _check_logits(logits)
    b = _check_blank(blank, u.shape[1])
    lab = _check_labels(labels, u.shape[1], b)
    return log_softmax(u), lab, extended_labels(lab, b)


def _skips(ext: np.ndarray) -> np.ndarray:
    """skip[s]: row s may be entered from row s-2 (s is a label differing from l'_{s-2})."""
    skip = np.zeros(ext.size, dtype=bool)
    skip[2:] = (ext[2:] != ext[:-2]) & (np.arange(2, ext.size) % 2 == 1)
    return skip


def _alpha(logy: np.ndarray, ext: np.ndarray) -> np.ndarray:
    T, S = logy.shape[0], ext.size
    emit = logy[:, ext]  # (T, S): log y^t_{l'_s}
    skip = _skips(ext)
    alpha = np.full((T, S), NEG_INF)
    alpha[0, 0] = emit[0, 0]
    if S > 1:
        alpha[0, 1] = emit[0, 1]
    from_prev = np.full(S, NEG_INF)
    for t in range(1, T):
        prev = alpha[t - 1]
        from_prev[:] = prev  # stay in row s
        from_prev[1:] = np.logaddexp(from_prev[1:], prev[:-1])  # come from s - 1
        from_prev[2:] = np.where(skip[2:], np.logaddexp(from_prev[2:], prev[:-2]), from_prev[2:])
        alpha[t] = emit[t] + from_prev
    return alpha


def _beta(logy: np.ndarray, ext: np.ndarray) -> np.ndarray:
    T, S = logy.shape[0], ext.size
    emit = logy[:, ext]
    skip = _skips(ext)  # row s + 2 may be entered from row s when skip[s + 2]
    beta = np.full((T, S), NEG_INF)
    beta[-1, -1] = emit[-1, -1]
    if S > 1:
        beta[-1, -2] = emit[-1, -2]
    to_next = np.full(S, NEG_INF)
    for t in range(T - 2, -1, -1):
        nxt = beta[t + 1]
        to_next[:] = nxt  # stay in row s
        to_next[:-1] = np.logaddexp(to_next[:-1], nxt[1:])  # go on to s + 1
        to_next[:-2] = np.where(skip[2:], np.logaddexp(to_next[:-2], nxt[2:]), to_next[:-2])
        beta[t] = emit[t] + to_next
    return beta


def _log_prob(alpha: np.ndarray) -> float:
    """log p(l | x) from the last frame's forward variables (the two end rows)."""
    return float(np.logaddexp.reduce(alpha[-1, -2:])) if alpha.shape[1] > 1 else float(alpha[-1, 0])


def ctc_alpha(logits: np.ndarray, labels: Sequence[int], blank: int = 0) -> np.ndarray:
    """Log forward variables alpha^t(s), (T, 2U+1), over the extended labels
    (:func:`extended_labels`); -inf where no path prefix reaches row s by frame t.
    ``logsumexp`` of the last row's two end entries is log p(labels | x)."""
    logy, _, ext = _lattice(logits, labels, blank)
    return _alpha(logy, ext)


def ctc_beta(logits: np.ndarray, labels: Sequence[int], blank: int = 0) -> np.ndarray:
    """Log backward variables beta^t(s), (T, 2U+1): the paths from row s at frame t to the
    end (both include the symbol emitted at frame t)."""
    logy, _, ext = _lattice(logits, labels, blank)
    return _beta(logy, ext)


def _occupancy(logy: np.ndarray, ext: np.ndarray) -> tuple[np.ndarray, float]:
    alpha, beta = _alpha(logy, ext), _beta(logy, ext)
    log_p = _log_prob(alpha)
    with np.errstate(invalid="ignore"):  # -inf - -inf where a row is unreachable
        log_gamma = alpha + beta - logy[:, ext] - log_p
    return np.exp(np.nan_to_num(log_gamma, nan=NEG_INF)), log_p


def _need_frames(lab: np.ndarray, T: int) -> None:
    need = min_frames(lab)
    if T < need:
        repeats = need - lab.size
        raise ValueError(
            f"labels {lab.tolist()} need at least {need} frames ({lab.size} labels plus "
            f"{repeats} blank(s) between repeated labels) but the logits have T = {T}; "
            f"use a longer utterance or shorter labels"
        )


def ctc_occupancy(logits: np.ndarray, labels: Sequence[int], blank: int = 0) -> np.ndarray:
    """gamma^t(s), (T, 2U+1): the probability that an alignment of the labels sits in row s
    at frame t, given that it is an alignment of the labels (each row of frames sums to 1).
    ``ValueError`` when T is too short for the labels."""
    logy, lab, ext = _lattice(logits, labels, blank)
    _need_frames(lab, logy.shape[0])
    return _occupancy(logy, ext)[0]


def ctc_loss(logits: np.ndarray, labels: Sequence[int], blank: int = 0) -> tuple[float, np.ndarray]:
    """The CTC loss -log p(labels | x) summed over every alignment, and its gradient with
    respect to ``logits`` (T, C) (unnormalised scores: log-softmax is taken inside).

    ``labels`` are ints in 0 .. C-1 other than ``blank`` (may be empty: all blanks).
    ``ValueError`` when the T frames cannot hold the labels (see :func:`min_frames`)."""
    logy, lab, ext = _lattice(logits, labels, blank)
    _need_frames(lab, logy.shape[0])
    gamma, log_p = _occupancy(logy, ext)
    occ = np.zeros_like(logy)  # (T, C): sum of gamma over the rows of each symbol
    np.add.at(occ.T, ext, gamma.T)
    dlogits = np.exp(logy) - occ
    return -log_p, dlogits


def best_path(logits: np.ndarray) -> np.ndarray:
    """The most probable symbol at every frame, (T,) ints (best-path decoding)."""
    return np.argmax(_check_logits(logits), axis=1).astype(np.int64)


def collapse(path: Sequence[int], blank: int = 0) -> list[int]:
    """The CTC collapse B: merge repeated symbols, then drop blanks."""
    arr = np.asarray(path)
    if arr.size and (
        arr.ndim != 1 or arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer)
    ):
        raise ValueError(
            f"path must be a flat sequence of integer symbols, got {arr.dtype} {arr.shape}"
        )
    out: list[int] = []
    prev = None
    for s in arr.tolist():
        if s != prev and s != blank:
            out.append(int(s))
        prev = s
    return out
