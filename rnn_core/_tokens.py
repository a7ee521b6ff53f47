"""Token sequences for the translation models: id checks, the embedding's gradient and the
cross-entropy of a sequence of softmax outputs."""

from __future__ import annotations

import numpy as np

__all__ = ["check_bos_eos", "check_tokens", "embedding_grad", "sequence_cross_entropy"]


def check_tokens(name: str, tokens: object, vocab: int) -> np.ndarray:
    """Token ids (T,) or (T, B) in 0 .. vocab-1, as int64."""
    arr = np.asarray(tokens)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} has dtype {arr.dtype}; expected integer token ids")
    if arr.ndim not in (1, 2) or arr.shape[0] < 1 or (arr.ndim == 2 and arr.shape[1] < 1):
        raise ValueError(f"{name} has shape {arr.shape}; expected (T,) or (T, B) token ids")
    if arr.min() < 0 or arr.max() >= vocab:
        raise ValueError(f"{name} must lie in 0 .. {vocab - 1} for a vocabulary of {vocab}")
    return arr.astype(np.int64, copy=False)


def check_bos_eos(bos: int, eos: int, vocab: int) -> None:
    """The begin and end tokens of a greedy decode are target ids 0 .. vocab-1."""
    for name, tok in (("bos", bos), ("eos", eos)):
        if not 0 <= tok < vocab:
            raise ValueError(f"{name} = {tok} is not a target id 0 .. {vocab - 1}")


def embedding_grad(tokens: np.ndarray, dx: np.ndarray, vocab: int) -> np.ndarray:
    """Gradient of an embedding table (vocab, M) whose rows ``tokens`` became ``dx`` (..., M)."""
    grad = np.zeros((vocab, dx.shape[-1]))
    np.add.at(grad, tokens.ravel(), dx.reshape(-1, dx.shape[-1]))
    return grad


def sequence_cross_entropy(
    logits: np.ndarray,
    targets: np.ndarray,
    mask: np.ndarray | None = None,
    smoothing: float = 0.0,
) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy over the counted tokens, and its gradient at ``logits``.

    ``logits`` (T, V) or (T, B, V); ``targets`` (T,) or (T, B) ids; ``mask`` the same shape
    as ``targets``, true (or 1) where a token counts (padding after a short target: 0).
    ``smoothing`` eps > 0 is label smoothing (Szegedy et al. 2016, used by Vaswani et al.):
    the wanted distribution is q = (1 - eps) one-hot + eps / V instead of the one-hot, so a
    trained model's probabilities stop short of 1; the loss is -sum q log p."""
    logits = np.asarray(logits, dtype=np.float64)
    V = logits.shape[-1]
    targets = check_tokens("targets", targets, V)
    if targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets {targets.shape} do not match logits {logits.shape[:-1]}")
    weight = np.ones(targets.shape) if mask is None else np.asarray(mask, dtype=np.float64)
    if weight.shape != targets.shape:
        raise ValueError(f"mask {weight.shape} does not match targets {targets.shape}")
    count = weight.sum()
    if count <= 0:
        raise ValueError("mask counts no token; at least one target token must count")
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"smoothing = {smoothing!r} is outside 0 <= smoothing < 1")
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # never log(0)
    q = np.full(logits.shape, smoothing / V)  # the wanted distribution
    np.put_along_axis(q, targets[..., None], 1.0 - smoothing + smoothing / V, axis=-1)
    loss = float(-(weight * (q * log_p).sum(axis=-1)).sum() / count)
    dlogits = (np.exp(log_p) - q) * (weight / count)[..., None]  # (softmax - q) per token
    return loss, dlogits
