"""Lecture 1's tasks drawn from trained models."""
