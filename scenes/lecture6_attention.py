"""Lecture 6: from seq2seq to attention to the Transformer, drawn from three trained
translation models (``seq2seq-lstm``, ``seq2seq-attention``, ``tiny-transformer``).

Each topic has its module in ``scenes/attention/``; this module is the lecture's table of
contents.
"""

from __future__ import annotations

from scenes.attention.alignment import AttentionAlignment, AttentionStep
from scenes.attention.seq2seq import Seq2SeqBottleneck

__all__ = [
    "Seq2SeqBottleneck",
    "AttentionStep",
    "AttentionAlignment",
    "SCENES",
]

LECTURE = 6
LECTURE_TITLE = "From seq2seq to attention to the Transformer"

SCENES = [
    Seq2SeqBottleneck,
    AttentionStep,
    AttentionAlignment,
]
