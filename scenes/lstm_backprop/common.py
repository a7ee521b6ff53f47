"""What every lecture-5 scene shares: the type scale named for its uses, titles, graph fitting
and the slide base class that settles animations before a step ends.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
)

from scenes.kit.components import format_value
from scenes.kit.diagrams import (
    FunctionGraph,
)
from scenes.kit.theme import TYPE

MAX_CELLS = 4  # value slots of a vector: longer ones show 3 cells and "cells 1-3 of n"
BIAS_CELLS = 6  # the bias gradients as columns have room for every cell

# The deck's type scale (scenes.kit.theme.TYPE), named for what each size is for here.
LABEL_SIZE = TYPE.label  # names, legends (Text)
NUMBER_SIZE = TYPE.note  # tick numbers (Text)
SMALL_SIZE = TYPE.note  # side notes (Text)
EQ_SIZE = TYPE.equation  # the equation strip (Typst)
AXIS_NAME_SIZE = TYPE.math  # math labels on a figure (Typst)
FIGURE_WIDTH = TYPE.figure_zone()[1] - TYPE.figure_zone()[0]


# The graphs of functions fill the figure zone above this line; their equations stack below.
GRAPH_FLOOR = DOWN * 0.75


def _fit_graph(graph: FunctionGraph, top: float = 2.95, bottom: float = -0.75) -> float:
    """Scale a graph of functions up to fill the figure zone above its equations (at most
    1.7x), centred in it; returns the factor (back edges are offset by it too)."""
    left, right, _, _ = TYPE.figure_zone()
    s = min((right - left - 1.0) / graph.width, (top - bottom) / graph.height, 1.7)
    graph.scale(s).move_to(np.array([0.0, (top + bottom) / 2, 0.0]))
    graph.radius *= s  # back edges start and end on the scaled circles
    return s


def _fmt(v: float, places: int = 4) -> str:
    """A value in on-screen math: :func:`format_value` with a typographic minus."""
    return format_value(v, places).replace("-", "\u2212")
