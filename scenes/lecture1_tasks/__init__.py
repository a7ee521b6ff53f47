"""Lecture 1's task scenes, each drawn from a small model trained by ``rnn_core``."""
