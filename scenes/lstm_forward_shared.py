"""What lecture 4's scenes and the trained memory story both draw: Greff et al.'s
equations in Typst and the bottom-strip layout, in one place so neither module imports
the other.
"""

from __future__ import annotations

__all__ = ["BAR_LABELS", "BARE", "EQUATIONS", "FOOT_Y", "STRIP_BUFF"]

STRIP_BUFF = 0.2  # the equation strip's bottom edge above the frame bottom
FOOT_Y = -4.0 + STRIP_BUFF  # bottom edge of a note on a slide without a strip (8-unit frame)

# The lecture's equations (Greff et al. 2017), in Typst. Peephole terms are labelled so
# they can be coloured blue; ``_bare`` variants are the LSTM without peepholes.
EQUATIONS = {
    "z": "bold(z)^t = tanh(W_z bold(x)^t + R_z bold(y)^(t-1) + bold(b)_z)",
    "i": "bold(i)^t = sigma(W_i bold(x)^t + R_i bold(y)^(t-1) + {{ bold(p)_i dot.o bold(c)^(t-1) : peep }} + bold(b)_i)",  # noqa: E501
    "f": "bold(f)^t = sigma(W_f bold(x)^t + R_f bold(y)^(t-1) + {{ bold(p)_f dot.o bold(c)^(t-1) : peep }} + bold(b)_f)",  # noqa: E501
    "c": "bold(c)^t = bold(z)^t dot.o bold(i)^t + bold(c)^(t-1) dot.o bold(f)^t",
    "o": "bold(o)^t = sigma(W_o bold(x)^t + R_o bold(y)^(t-1) + {{ bold(p)_o dot.o bold(c)^t : peep }} + bold(b)_o)",  # noqa: E501
    "y": "bold(y)^t = tanh(bold(c)^t) dot.o bold(o)^t",
}
BARE = {
    "i": "bold(i)^t = sigma(W_i bold(x)^t + R_i bold(y)^(t-1) + bold(b)_i)",
    "f": "bold(f)^t = sigma(W_f bold(x)^t + R_f bold(y)^(t-1) + bold(b)_f)",
    "o": "bold(o)^t = sigma(W_o bold(x)^t + R_o bold(y)^(t-1) + bold(b)_o)",
}
BAR_LABELS = {
    "z": "macron(bold(z))^t",
    "i": "macron(bold(i))^t",
    "f": "macron(bold(f))^t",
    "o": "macron(bold(o))^t",
}
