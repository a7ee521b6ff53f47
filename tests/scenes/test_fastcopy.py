"""Copies of typeset mobjects share the parsed SVG path they were drawn from
(scenes/kit/fastcopy.py) and are otherwise independent of the original."""

from __future__ import annotations

import copy

import numpy as np

import scenes.kit.base  # noqa: F401  (installs the cheaper copy, as every scene does)
from scenes.kit.components import math


def _glyphs(mob):
    return [m for m in mob.get_family() if hasattr(m, "path_obj")]


def test_a_copy_shares_the_parsed_path_and_nothing_else() -> None:
    original = math("bold(c)^t = bold(z)^t dot.o bold(i)^t", font_size=28)
    glyphs = _glyphs(original)
    assert glyphs, "a formula is made of glyphs parsed from SVG paths"
    points = [np.array(g.points) for g in glyphs]
    colours = [np.array(g.get_fill_rgbas()) for g in glyphs]

    twin = original.copy()
    twins = _glyphs(twin)
    assert len(twins) == len(glyphs)
    # the read-only parse is shared ...
    assert all(a.path_obj is b.path_obj for a, b in zip(glyphs, twins, strict=True))
    # ... everything that can change is not
    assert all(a is not b for a, b in zip(glyphs, twins, strict=True))
    assert all(a.points is not b.points for a, b in zip(glyphs, twins, strict=True))
    twin.shift(np.array([1.0, 2.0, 0.0])).set_color("#ff0000").scale(3)
    for g, p, c in zip(glyphs, points, colours, strict=True):
        np.testing.assert_array_equal(g.points, p)
        np.testing.assert_array_equal(g.get_fill_rgbas(), c)


def test_a_deepcopy_in_a_larger_structure_shares_the_path_too() -> None:
    formula = math("bold(y)^t", font_size=28)
    copied = copy.deepcopy({"formula": formula})["formula"]
    assert all(
        a.path_obj is b.path_obj for a, b in zip(_glyphs(formula), _glyphs(copied), strict=True)
    )
    np.testing.assert_array_equal(copied.get_center(), formula.get_center())


def test_a_copy_equals_manims_deepcopy_and_shares_nothing_mutable() -> None:
    """The quick attribute copy gives what manim's own __deepcopy__ gives: same state, new
    arrays and colours, references shared inside the original shared in the copy."""
    from manim import ManimColor, Mobject, VGroup

    from scenes.kit import fastcopy
    from scenes.kit.components import VectorGlyph

    glyph = VectorGlyph([0.12, -0.5, 0.98], label="bold(f)^t", quantity="f")
    glyph.shared_list = [glyph.cells[0]]  # a reference inside the family
    twin = glyph.copy()
    assert twin.shared_list[0] is twin.cells[0]
    pairs = list(zip(glyph.get_family(), twin.get_family(), strict=True))
    for a, b in pairs:
        assert a is not b and type(a) is type(b)
        assert a.__dict__.keys() | {"original_id"} == b.__dict__.keys() | {"original_id"}
        for name, value in a.__dict__.items():
            other = b.__dict__[name]
            if isinstance(value, np.ndarray):
                assert other is not value
                np.testing.assert_array_equal(other, value)
            elif isinstance(value, ManimColor):
                assert other is not value and other.to_hex() == value.to_hex()
    # manim's own deepcopy, for the same picture
    try:
        Mobject.__deepcopy__ = lambda self, memo: _manims_deepcopy(self, memo)
        reference = glyph.copy()
    finally:
        fastcopy.install()
    for a, b in zip(reference.get_family(), twin.get_family(), strict=True):
        np.testing.assert_array_equal(a.points, b.points)
        np.testing.assert_array_equal(a.get_fill_rgbas(), b.get_fill_rgbas())
        np.testing.assert_array_equal(a.get_stroke_rgbas(), b.get_stroke_rgbas())
    assert isinstance(VGroup(twin).copy()[0], VectorGlyph)


def _manims_deepcopy(self, memo):
    result = self.__class__.__new__(self.__class__)
    memo[id(self)] = result
    for k, v in self.__dict__.items():
        setattr(result, k, copy.deepcopy(v, memo))
    result.original_id = str(id(self))
    return result


def _groups_picture(mob) -> list:
    """Each named group of ``mob``: its name, and for each part it holds, the part's place
    in ``mob``'s family (or the name of the group it is) and its points."""
    family = {id(m): k for k, m in enumerate(mob.get_family())}
    groups = mob.id_to_vgroup_dict
    names = {id(g): name for name, g in groups.items()}
    return [
        (
            name,
            [(family.get(id(p)), names.get(id(p)), p.points.tobytes()) for p in group.submobjects],
            group.get_fill_rgbas().tobytes(),
        )
        for name, group in groups.items()
    ]


def test_a_copied_texts_groups_are_the_groups_manims_copy_makes() -> None:
    """A copy reads its named groups (``id_to_vgroup_dict``) lazily: they hold the copy's
    own parts, as manim's copy's do, also for a copy of a copy and a copy reshaped before
    its groups are read; a group is read as the same group every time."""
    from manim import Mobject

    from scenes.kit import fastcopy
    from scenes.kit.components import label

    for original in (math("bold(h)_t = tanh(bold(a)_t)", font_size=28), label("0.42 - c")):
        try:
            Mobject.__deepcopy__ = lambda self, memo: _manims_deepcopy(self, memo)
            reference = original.copy()
        finally:
            fastcopy.install()
        twin = original.copy()
        assert isinstance(twin.__dict__["id_to_vgroup_dict"], fastcopy.LazyGroups)
        twice = twin.copy()  # copied before its groups were ever read
        expected = _groups_picture(reference)
        assert _groups_picture(twin) == expected
        assert _groups_picture(twice) == expected
        assert twin.id_to_vgroup_dict is twin.id_to_vgroup_dict
        own = {id(m) for m in twin.get_family()}
        held = {id(p) for g in twin.id_to_vgroup_dict.values() for p in g.submobjects}
        assert held & own and not held & {id(m) for m in original.get_family()}
        # reshaped before its groups are read (a transform aligns a copy with its target)
        reshaped = original.copy()
        parts = reshaped.get_family()[1:]
        reshaped.align_data(math("x", font_size=28))
        groups = reshaped.id_to_vgroup_dict
        for group, ref in zip(groups.values(), reference.id_to_vgroup_dict.values(), strict=True):
            for p, q in zip(group.submobjects, ref.submobjects, strict=True):
                assert p in parts or p in groups.values(), "a group holds a part not copied"
                assert type(p) is type(q)
