"""The glyph cache shared by renders into one output folder (slidebuild/glyphcache.py):
a hit gives the same glyphs as typesetting, the key changes with what changes the glyphs,
and a damaged or truncated file is never used."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scenes.kit.components import label, math
from slidebuild import glyphcache


@pytest.fixture
def cache(tmp_path: Path, tiny_render):
    folder = tmp_path / "glyphs"
    glyphcache.enable(folder)
    before = dict(glyphcache.stats)
    yield folder, before
    glyphcache.disable()


def _clear_manims_memory_cache() -> None:
    from manim.mobject.svg.svg_mobject import SVG_HASH_TO_MOB_MAP

    SVG_HASH_TO_MOB_MAP.clear()


def _picture(mob) -> list[tuple]:
    return [
        (type(m).__name__, m.points.tobytes(), np.asarray(m.get_fill_rgbas()).tobytes())
        for m in mob.get_family()
    ]


def _made(kind: str):
    if kind == "math":
        return math("bold(c)^t = bold(z)^t dot.o bold(i)^t", font_size=30, color="#7b3fa0")
    return label("0.42 - c", font_size=28, color="#205080")


@pytest.mark.parametrize("kind", ["math", "text"])
def test_a_hit_gives_the_glyphs_typesetting_gives(cache, kind) -> None:
    folder, before = cache
    _clear_manims_memory_cache()
    glyphcache.disable()
    plain = _picture(_made(kind))
    glyphcache.enable(folder)
    _clear_manims_memory_cache()
    first = _made(kind)  # typeset, stored
    assert list(folder.rglob("*.glyphs")), "nothing was stored"
    _clear_manims_memory_cache()  # as a new process: manim's own cache is empty
    hits = glyphcache.stats["hits"]
    second = _made(kind)
    assert glyphcache.stats["hits"] > hits
    assert _picture(first) == plain
    assert _picture(second) == plain
    # what the slides do with it afterwards works on the loaded glyphs too
    second.set_color("#ff0000").scale(2)
    assert _picture(second) != plain


def test_the_key_changes_with_what_changes_the_glyphs(cache) -> None:
    _clear_manims_memory_cache()
    math("bold(x)^t", font_size=30)
    _clear_manims_memory_cache()
    math("bold(x)^t", font_size=40)
    _clear_manims_memory_cache()
    math("bold(x)^t", font_size=30, color="#ff0000")
    _clear_manims_memory_cache()
    math("bold(y)^t", font_size=30)
    folder, _ = cache
    assert len(list(folder.rglob("*.glyphs"))) == 4


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_a_damaged_file_is_never_used(cache, damage) -> None:
    folder, _ = cache
    _clear_manims_memory_cache()
    glyphcache.disable()
    plain = _picture(_made("math"))
    glyphcache.enable(folder)
    _clear_manims_memory_cache()
    _made("math")
    files = [*folder.rglob("*.glyphs"), *folder.rglob("*.cached")]
    assert files
    for path in files:
        data = path.read_bytes()
        if damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "flip":
            i = len(data) - 10
            path.write_bytes(data[:i] + bytes([data[i] ^ 1]) + data[i + 1 :])
        elif damage == "empty":
            path.write_bytes(b"")
        else:
            path.write_bytes(b"not a cache file at all")
    _clear_manims_memory_cache()
    damaged = glyphcache.stats["damaged"]
    hits = glyphcache.stats["hits"]
    again = _made("math")
    assert _picture(again) == plain
    assert glyphcache.stats["hits"] == hits  # nothing served from the damaged files
    if damage != "empty":
        assert glyphcache.stats["damaged"] > damaged
    _clear_manims_memory_cache()
    _made("math")  # the damaged entries were replaced by good ones
    assert glyphcache.stats["hits"] > hits


def test_a_text_typeset_after_others_still_hits(cache, tmp_path: Path) -> None:
    """Cairo numbers the surfaces of a process (``<g id="surface7">`` in a text's SVG): a
    render worker that typesets a text after other texts writes another SVG for it, with
    the same glyphs. That must hit, and give the names of its own SVG."""
    from manim import config

    folder, _ = cache
    _clear_manims_memory_cache()
    first = _made("text")
    svg_first = Path(first.file_name).read_bytes()
    label("something else first", font_size=20)  # a new surface number for the next text
    config.media_dir = str(tmp_path / "media-2")  # typeset again, as a new scene does
    _clear_manims_memory_cache()
    hits = glyphcache.stats["hits"]
    second = _made("text")
    svg_second = Path(second.file_name).read_bytes()
    assert svg_first != svg_second, "the SVGs should differ by their surface number"
    assert glyphcache.stats["hits"] > hits
    assert _picture(second) == _picture(first)
    own = set(glyphcache._surface_names(svg_second))
    names = {k.encode() for k in second.id_to_vgroup_dict if k.startswith("surface")}
    assert names and names <= own
