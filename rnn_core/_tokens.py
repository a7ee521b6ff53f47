"""Token sequences for the translation models: id checks, the embedding's gradient and the
cross-entropy of a sequence of softmax outputs."""

from __future__ import annotations

import numpy as np

from .attention import softmax

__all__ = ["check_tokens", "embedding_grad", "sequence_cross_entropy"]


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


def embedding_grad(tokens: np.ndarray, dx: np.ndarray, vocab: int) -> np.ndarray:
    """Gradient of an embedding table (vocab, M) whose rows ``tokens`` became ``dx`` (..., M)."""
    grad = np.zeros((vocab, dx.shape[-1]))
    np.add.at(grad, tokens.ravel(), dx.reshape(-1, dx.shape[-1]))
    return grad


def sequence_cross_entropy(
    logits: np.ndarray, targets: np.ndarray, mask: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy over the counted tokens, and its gradient at ``logits``.

    ``logits`` (T, V) or (T, B, V); ``targets`` (T,) or (T, B) ids; ``mask`` the same shape
    as ``targets``, true (or 1) where a token counts (padding after a short target: 0)."""
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
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=-1))  # log-softmax never takes log(0)
    log_p = np.take_along_axis(shifted, targets[..., None], axis=-1)[..., 0] - log_norm
    loss = float(-(weight * log_p).sum() / count)
    dlogits = softmax(logits)  # d loss / d logits = (softmax - one-hot) * weight / count
    np.put_along_axis(
        dlogits, targets[..., None], np.exp(log_p)[..., None] - 1.0, axis=-1
    )
    dlogits *= (weight / count)[..., None]
    return loss, dlogits
