"""Chain rules as small graphs of functions: one product per route, summed over routes. Every
number comes from ``rnn_core`` through ``scenes.lesson_data``.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    ManimColor,
    VGroup,
)

from scenes.kit.base import LectureSlide
from scenes.kit.components import label, math
from scenes.kit.diagrams import (
    FunctionGraph,
)
from scenes.kit.theme import TYPE
from scenes.lesson_data import (
    chain_examples,
)
from scenes.lstm_backprop.common import (
    GRAPH_FLOOR,
    _fit_graph,
    _fmt,
)

# ---------------------------------------------------------------------------------------
# Chain rules


class ChainRuleGraphs(LectureSlide):
    """Chain rules as graphs: one chain, two routes, n routes; purple arrows go backward."""

    scene_id = "chain-rule-graphs"
    title = "Chain rules as graphs of functions"
    description = "Derivative = sum over routes of the product of local derivatives."

    def construct(self) -> None:
        th = self.theme
        ex = chain_examples()
        self.examples = ex
        self.shown: dict[str, str] = {}
        title = self.slide_title("Chain rules: follow every route")

        # 1. A single chain
        self.step(
            "Every node is a function of the nodes pointing into it. With a single chain "
            "x -> u -> v -> L, the derivative of L by x is the product of the local "
            "derivatives along the chain: differentiation flows backward (purple)."
        )
        single = ex["single"]
        g1 = FunctionGraph(
            {
                "x": (LEFT * 4.5, "x", single.values["x"]),
                "u": (LEFT * 1.5, "u", single.values["u"]),
                "v": (RIGHT * 1.5, "v", single.values["v"]),
                "L": (RIGHT * 4.5, "L", single.values["L"]),
            },
            [("x", "u"), ("u", "v"), ("v", "L")],
            theme=th,
        )
        s1 = _fit_graph(g1)
        defs = math(
            "u = x^2, quad v = sin(u), quad L = v^2, quad x = 0.5",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(GRAPH_FLOOR, DOWN, buff=0.35)
        self.play(FadeIn(title), FadeIn(g1), FadeIn(defs))
        backs = [
            g1.back_edge(a, b, offset=0.16 * s1) for a, b in [("v", "L"), ("u", "v"), ("x", "u")]
        ]
        rule = math(
            "(partial L)/(partial x) = (partial L)/(partial v) (partial v)/(partial u) "
            "(partial u)/(partial x)",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(defs, DOWN, buff=0.3)
        self.play(LaggedStart(*[GrowArrow(a) for a in backs], lag_ratio=0.5), FadeIn(rule))
        local = single.local
        nums = math(
            f"= {_fmt(local[('v', 'L')])} times {_fmt(local[('u', 'v')])} times "
            f"{_fmt(local[('x', 'u')])} = {_fmt(single.derivative, 6)}",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(rule, DOWN, buff=0.25)
        check = self._check(single).next_to(nums, DOWN, buff=0.3)
        self.play(FadeIn(nums), FadeIn(check))
        self.shown["single"] = _fmt(single.derivative, 6)
        part1 = VGroup(g1, defs, rule, nums, check, *backs)

        # 2. Two routes
        self.step(
            "Now x reaches L through two intermediate variables u and v. Each route gives "
            "one term, a product along it, and the derivative is the sum of the terms."
        )
        two = ex["two"]
        g2 = FunctionGraph(
            {
                "x": (LEFT * 3.5, "x", two.values["x"]),
                "u": (UP * 1.0, "u", two.values["u"]),
                "v": (DOWN * 1.0, "v", two.values["v"]),
                "L": (RIGHT * 3.5, "L", two.values["L"]),
            },
            [("x", "u"), ("x", "v"), ("u", "L"), ("v", "L")],
            theme=th,
        )
        s2 = _fit_graph(g2)
        defs2 = math(
            "u = x^2, quad v = sin(x), quad L = u v + u", font_size=TYPE.equation, theme=th
        ).next_to(GRAPH_FLOOR, DOWN, buff=0.35)
        self.play(FadeOut(part1), FadeIn(g2), FadeIn(defs2))
        colours = [th.error, th.y]
        route_arrows = VGroup()
        for route, colour in zip(two.routes, colours, strict=True):
            for a, b in zip(route, route[1:], strict=False):
                arrow = g2.back_edge(a, b, offset=0.16 * s2)
                arrow.set_color(ManimColor(colour))
                route_arrows.add(arrow)
        rule2 = math(
            "(partial L)/(partial x) = (partial L)/(partial u) (partial u)/(partial x) + "
            "(partial L)/(partial v) (partial v)/(partial x)",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(defs2, DOWN, buff=0.3)
        nums2 = math(
            f"= {_fmt(two.terms[0])} + {_fmt(two.terms[1])} = {_fmt(two.derivative, 6)}",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(rule2, DOWN, buff=0.2)
        check2 = self._check(two).next_to(nums2, DOWN, buff=0.25)
        self.play(LaggedStart(*[GrowArrow(a) for a in route_arrows], lag_ratio=0.3))
        self.play(FadeIn(rule2), FadeIn(nums2), FadeIn(check2))
        self.shown["two"] = _fmt(two.derivative, 6)
        part2 = VGroup(g2, defs2, route_arrows, rule2, nums2, check2)

        # 3. n routes
        general = ex["general"]
        n = len(general.routes)
        self.step(
            f"In general, if x reaches L through n variables, the derivative has n terms, "
            f"one per route. Here n = {n}: y_k = sin(k x), L = sum of y_k^2 / k. This is how "
            "to read every LSTM backprop equation: find all routes, multiply along each, add."
        )
        nodes = {"x": (LEFT * 3.5, "x", None), "L": (RIGHT * 3.5, "L", None)}
        for k in range(1, n + 1):
            nodes[f"y{k}"] = (UP * (1.5 - (k - 1) * 1.0), f"y_{k}", None)
        g3 = FunctionGraph(
            nodes,
            [("x", f"y{k}") for k in range(1, n + 1)] + [(f"y{k}", "L") for k in range(1, n + 1)],
            theme=th,
            radius=0.32,
        )
        s3 = _fit_graph(g3)
        # routes told apart by colour: Okabe-Ito-style hues, no red next to green
        route_colours = [th.error, th.y, th.i, th.c, th.peephole, th.f]
        palette = [route_colours[k % len(route_colours)] for k in range(n)]
        arrows3 = VGroup()
        for k, colour in zip(range(1, n + 1), palette, strict=True):
            for a, b in (("x", f"y{k}"), (f"y{k}", "L")):
                arrow = g3.back_edge(a, b, offset=0.13 * s3)
                arrow.set_color(ManimColor(colour))
                arrows3.add(arrow)
        rule3 = math(
            "(partial L)/(partial x) = sum_(k=1)^n (partial L)/(partial y_k) "
            "(partial y_k)/(partial x)",
            font_size=TYPE.equation,
            theme=th,
        ).next_to(GRAPH_FLOOR, DOWN, buff=0.35)
        terms = " + ".join(f"({_fmt(t, 3)})" for t in general.terms)
        nums3 = math(
            f"= {terms} = {_fmt(general.derivative, 6)}", font_size=TYPE.equation, theme=th
        ).next_to(rule3, DOWN, buff=0.2)
        check3 = self._check(general).next_to(nums3, DOWN, buff=0.2)
        self.play(FadeOut(part2), FadeIn(g3))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows3], lag_ratio=0.15))
        self.play(FadeIn(rule3), FadeIn(nums3), FadeIn(check3))
        self.shown["general"] = _fmt(general.derivative, 6)

    def _check(self, example) -> VGroup:
        return label(
            f"finite difference: {example.numeric:.6f}   (chain rule: {example.derivative:.6f})",
            font_size=TYPE.note,
            color=self.theme.muted,
            theme=self.theme,
        )
