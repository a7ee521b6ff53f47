"""Static figures as a journal or Inkscape needs them: SVG text as text, PDF with TrueType."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from render import cli


def test_figures_keep_text_as_text_and_embed_truetype(tmp_path: Path) -> None:
    args = ["figures", "--lecture", "5", "-o", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "--format", "svg", "--format", "pdf"])
    assert result.exit_code == 0, result.output
    svg = tmp_path / "lecture5" / "gradient-norm-decay.svg"
    texts = [
        "".join(el.itertext()) for el in ET.parse(svg).getroot().iter() if el.tag.endswith("text")
    ]
    assert len(texts) > 5, "tick labels, axis labels and the legend are <text>"
    assert any(re.search(r"[A-Za-z]{3,}", t) for t in texts)
    for pdf in (tmp_path / "lecture5").glob("*.pdf"):
        data = pdf.read_bytes()
        assert b"/Type3" not in data and b"/FontType 3" not in data, pdf.name
        assert b"/FontFile2" in data, f"{pdf.name} embeds no TrueType font"
