"""Lecture 6 topic modules: seq2seq, attention and the Transformer."""
