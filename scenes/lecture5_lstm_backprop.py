"""Lecture 5: LSTM back propagation, following the flows of variables.

Chain rules as small graphs of functions (one product per route, summed over routes);
errors flowing back through time at the block level; the deltas inside the LSTM block in
the article's order; vanishing and exploding gradients; and gradient clipping on the cliff
landscape of Pascanu et al. The scenes share little, so each topic has its module in
``scenes/lstm_backprop/``; this module is the lecture's table of contents.
"""

from __future__ import annotations

from scenes.lstm_backprop.backward_flow import LSTMBackwardFlow
from scenes.lstm_backprop.chain_rule import ChainRuleGraphs
from scenes.lstm_backprop.clipping import GradientClipping
from scenes.lstm_backprop.delta_c_graph import DeltaCGraph
from scenes.lstm_backprop.errors_through_time import ErrorsThroughTime
from scenes.lstm_backprop.vanishing import VanishingExploding

__all__ = [
    "ChainRuleGraphs",
    "DeltaCGraph",
    "ErrorsThroughTime",
    "LSTMBackwardFlow",
    "VanishingExploding",
    "GradientClipping",
    "SCENES",
]

LECTURE = 5
LECTURE_TITLE = "LSTM back propagation: following the flows of variables"

SCENES = [
    ChainRuleGraphs,
    ErrorsThroughTime,
    LSTMBackwardFlow,
    DeltaCGraph,
    VanishingExploding,
    GradientClipping,
]
