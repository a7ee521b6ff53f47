"""Lecture 5's scenes, one module per topic; ``scenes/lecture5_lstm_backprop.py`` lists them in
lecture order.
"""
