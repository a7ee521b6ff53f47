"""Lecture 6: from seq2seq to attention to the Transformer, drawn from real trained models.

The encoder-decoder's bottleneck, one attention step, the alignment map, self-attention
matrix by matrix, word order and positional encodings, multi-head attention and the
Transformer's encoder block. Each topic has its module in ``scenes/attention/``; this module
is the lecture's table of contents.
"""

from __future__ import annotations

from scenes.attention.alignment import AttentionAlignment, AttentionStep
from scenes.attention.multi_head import MultiHead
from scenes.attention.positional import PositionalEncoding
from scenes.attention.self_attention import SelfAttention
from scenes.attention.seq2seq import Seq2SeqBottleneck
from scenes.attention.transformer import TransformerBlock

__all__ = [
    "Seq2SeqBottleneck",
    "AttentionStep",
    "AttentionAlignment",
    "SelfAttention",
    "PositionalEncoding",
    "MultiHead",
    "TransformerBlock",
    "SCENES",
]

LECTURE = 6
LECTURE_TITLE = "From seq2seq to attention to the Transformer"

SCENES = [
    Seq2SeqBottleneck,
    AttentionStep,
    AttentionAlignment,
    SelfAttention,
    PositionalEncoding,
    MultiHead,
    TransformerBlock,
]
