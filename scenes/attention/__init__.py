"""Lecture 6's scenes, one module per topic; ``scenes/lecture6_attention.py`` lists them in
lecture order."""
