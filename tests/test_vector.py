"""Vector stills and handouts draw what the PNG camera draws."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import cairo
import numpy as np
import pytest
from manim import DOWN, UP, Circle, FadeIn, Square, Text

from scenes.kit import LectureSlide
from slidebuild.vector import Handout, draw_scene, with_step_hook, write_vector_still
from tests.conftest import build_scene


class _ShapesAndText(LectureSlide):
    scene_id = "shapes-and-text"
    title = "Shapes and text"
    description = "A square, a circle and a word."

    def construct(self) -> None:
        self.step("A filled square and a word in the theme's colours.")
        square = Square(side_length=3, fill_opacity=1.0, fill_color=self.theme.c)
        self.play(FadeIn(square))
        self.play(FadeIn(Text("cell", color=self.theme.text).next_to(square, UP)))
        self.step("A circle joins them below the square, for the second page.")
        self.play(FadeIn(Circle(radius=1.0, color=self.theme.y).next_to(square, DOWN)))


def _surface_rgb(surface: cairo.ImageSurface) -> np.ndarray:
    h, w = surface.get_height(), surface.get_width()
    data = np.ndarray((h, surface.get_stride() // 4, 4), np.uint8, surface.get_data())
    return data[:, :w, [2, 1, 0]].astype(float)  # cairo ARGB32 is BGRA in memory


def test_vector_drawing_matches_the_png_camera(tiny_render: Path) -> None:
    scene = build_scene(_ShapesAndText)
    frame = np.asarray(scene.renderer.get_frame())[..., :3].astype(float)
    h, w = frame.shape[:2]
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, w, h)
    draw_scene(scene, cairo.Context(surface), w, h)
    surface.flush()
    drawn = _surface_rgb(surface)
    assert np.abs(frame - frame[0, 0]).sum(axis=-1).max() > 100, "the frame shows something"
    differs = np.abs(drawn - frame).max(axis=-1) > 8
    assert differs.mean() < 0.002, f"{differs.mean():.2%} of pixels differ from the PNG camera"


def test_svg_and_pdf_stills(tiny_render: Path) -> None:
    scene = build_scene(_ShapesAndText)
    svg, pdf = tiny_render / "still.svg", tiny_render / "still.pdf"
    write_vector_still(scene, svg)
    write_vector_still(scene, pdf)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert root.get("width") == f"{scene.renderer.camera.pixel_width}pt"
    paths = [el for el in root.iter() if el.tag.endswith("path")]
    assert len(paths) >= 5, "square, circle and the glyphs of 'cell' are vector paths"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/Image" not in data, "vectors, not a raster"
    assert not list(tiny_render.glob(".*.part")), "no temporary files left"


def test_unknown_vector_format_is_refused_and_keeps_the_old_file(tiny_render: Path) -> None:
    scene = build_scene(_ShapesAndText)
    target = tiny_render / "still.eps"
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match="svg"):
        write_vector_still(scene, target)
    assert target.read_bytes() == b"old"


def test_handout_has_one_page_per_step_with_notes(tiny_render: Path) -> None:
    path = tiny_render / "handout.pdf"
    notes_seen = []
    with Handout(path, title="Shapes") as handout:

        def page(scene, record) -> None:
            notes_seen.append(record.notes)
            handout.add_step(scene, label=f"step {record.index}", notes=record.notes)

        build_scene(with_step_hook(_ShapesAndText, page))
    assert handout.pages == 2
    assert notes_seen[0].startswith("A filled square")
    data = path.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 2
    assert b"/Image" not in data


def test_notes_wrap_to_the_slide_width() -> None:
    handout = Handout(Path("unused.pdf"))
    surface = cairo.PDFSurface(None, 100, 100)
    ctx = cairo.Context(surface)
    ctx.set_font_size(13)
    text = "the forget gate keeps the cell state " * 20
    lines = handout._wrap(ctx, text)
    assert len(lines) > 2
    assert all(ctx.text_extents(line).x_advance <= handout.slide_width for line in lines)
    assert " ".join(lines).split() == text.split()


def test_still_cli_writes_vectors_and_refuses_other_suffixes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from render import cli

    runner = CliRunner()
    svg = tmp_path / "timeline.svg"
    result = runner.invoke(
        cli, ["still", "history-timeline", "--step", "1", "-q", "l", "-o", str(svg)]
    )
    assert result.exit_code == 0, result.output
    root = ET.parse(svg).getroot()
    assert root.get("width") == "854pt" and any(el.tag.endswith("path") for el in root.iter())
    eps = tmp_path / "timeline.eps"
    result = runner.invoke(cli, ["still", "history-timeline", "-o", str(eps)])
    assert result.exit_code != 0 and ".svg" in result.output and not eps.exists()


def test_handout_deck_has_a_vector_page_per_step(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from render import _load_config, cli
    from slidebuild.engine import count_steps
    from slidebuild.registry import get_scene

    dest = tmp_path / "lecture3.pdf"
    args = ["deck", "--lecture", "3", "--to", "handout", "-q", "l", "-o", str(dest)]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = dest.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    steps = count_steps(get_scene("history-timeline"), _load_config(None, None, None)(3))
    assert pages == steps and f"{pages} pages" in result.output
    assert b"/Image" not in data
    bad = CliRunner().invoke(cli, [*args[:-1], str(tmp_path / "handout.html")])
    assert bad.exit_code != 0 and "*.pdf" in bad.output


def test_compact_svg_keeps_every_point_within_a_hundredth(tiny_render: Path) -> None:
    """Resting frames are cairo's SVG with shorter numbers: fills (in points) to two
    decimals, stroked paths (in scene units under a scale transform) to four; the same
    paths, each number within 0.01 pt of cairo's."""
    from slidebuild.vector import compact_svg, rest_svg

    scene = build_scene(_ShapesAndText)
    with_transform = (
        b'<path style="stroke-width:0.04;" d="M 1.234567 -2.000001 L 3.5 4.123456 Z"'
        b' transform="matrix(60.046875,0,0,-60.046875,427,240)"/>'
    )
    fill = b'<path style="fill:rgb(10.588235%,0%,0%);" d="M 428.351562 36.070312 L 5 6 Z"/>'
    assert compact_svg(with_transform) == (
        b'<path style="stroke-width:0.04;" d="M 1.2345 -2.0000 L 3.5 4.1234 Z"'
        b' transform="matrix(60.0468,0,0,-60.0468,427,240)"/>'
    )
    assert compact_svg(fill) == (
        b'<path style="fill:rgb(10.58%,0%,0%);" d="M 428.35 36.07 L 5 6 Z"/>'
    )
    svg, full = rest_svg(scene), rest_svg(scene, compact=False)
    assert len(svg) < 0.8 * len(full)

    def paths(data: bytes) -> list[list[float]]:
        tags = re.findall(rb"<path\b[^>]*>", data)
        return [[float(x) for x in re.findall(rb"-?\d+(?:\.\d+)?", t)] for t in tags]

    ours, theirs = paths(svg), paths(full)
    assert len(ours) == len(theirs) > 3
    for a, b in zip(ours, theirs, strict=True):
        assert len(a) == len(b) and np.abs(np.subtract(a, b)).max() < 0.01
