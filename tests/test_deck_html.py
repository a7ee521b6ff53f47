"""The HTML deck fixes, on decks written by manim-slides' own reveal.js template.

The decks are converted from two presentations of three slides whose "videos" are small
placeholder files (the template only copies or base64-encodes them), so the test needs no
render and no network: the offline conversion finds reveal.js in a primed asset cache.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from slidebuild.deck_html import external_assets, polish_html

manim_slides_convert = pytest.importorskip("manim_slides.convert")


def _presentation(tmp_path: Path, name: str):
    from manim_slides.config import PresentationConfig, SlideConfig

    slides = []
    for k in range(3):
        video = tmp_path / f"{name}-{k}.mp4"
        video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(16))
        slides.append(
            SlideConfig(file=video, rev_file=video, notes=f"notes of {name} step {k + 1}")
        )
    return PresentationConfig(slides=slides, background_color="#ffffff")


@pytest.fixture
def written_deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write a deck with manim-slides (online or offline) and return its text."""

    def write(*, offline: bool) -> str:
        cache = tmp_path / "cache"
        revealjs = manim_slides_convert.RevealJS
        version = revealjs.model_fields["reveal_version"].default
        assets = cache / f"revealjs{version}"
        assets.mkdir(parents=True, exist_ok=True)
        for asset in (
            "reveal.css",
            "black.css",
            "zenburn.css",
            "reveal.js",
            "notes.js",
            "markdown.js",
            "highlight.js",
            "search.js",
            "zoom.js",
            "math.js",
            "white.css",
        ):
            (assets / asset).write_text(f"/* {asset} */")
        monkeypatch.setattr(manim_slides_convert, "user_cache_path", lambda _name: cache)
        configs = [_presentation(tmp_path, "a"), _presentation(tmp_path, "b")]
        dest = tmp_path / ("offline.html" if offline else "online.html")
        converter = revealjs(
            presentation_configs=configs,
            one_file=offline,
            offline=offline,
            revealjs_assets_timeout=0.01,
        )
        try:
            converter.convert_to(dest)
        except RuntimeError as exc:  # an asset name the list above lacks
            pytest.fail(f"offline conversion needs another cached asset: {exc}")
        return dest.read_text(encoding="utf-8")

    return write


def _sections(text: str) -> list[str]:
    return re.findall(r"<section\b[^>]*data-background-video[^>]*>", text)


def test_every_background_video_is_muted(written_deck) -> None:
    raw = written_deck(offline=False)
    assert sum("data-background-video-muted" in s for s in _sections(raw)) == 1  # the defect
    polished = polish_html(raw, title="Lecture 4")
    sections = _sections(polished)
    assert len(sections) == 6
    assert all("data-background-video-muted" in s for s in sections)


def test_title_hash_and_slide_number(written_deck) -> None:
    polished = polish_html(written_deck(offline=False), title="4. LSTM <forward> & back")
    assert "<title>4. LSTM &lt;forward&gt; &amp; back</title>" in polished
    assert "Manim Slides" not in re.search(r"<title>.*?</title>", polished).group(0)
    settings = polished[polished.index("Reveal.initialize(") :]
    assert re.search(r"\bhash:\s*true", settings)
    assert re.search(r"\brespondToHashChanges:\s*true", settings)
    assert re.search(r"\bslideNumber:\s*'c/t'", settings)
    assert re.search(r"font-size:\s*3\dpx", polished), "slide number readable from afar"


def test_space_advances_instead_of_replaying(written_deck) -> None:
    raw = written_deck(offline=False)
    polished = polish_html(raw, title="t")
    binding = polished.index("addKeyBinding")
    removal = polished.index("Reveal.removeKeyBinding(32)")
    assert removal > binding, "Space is given back to reveal.js after manim-slides binds it"


def test_polish_is_idempotent(written_deck) -> None:
    once = polish_html(written_deck(offline=False), title="t")
    assert polish_html(once, title="t") == once


def test_each_slide_gets_its_resting_frame_and_the_script_that_shows_it(written_deck) -> None:
    """Six slides, six resting frames (one slide without): each section carries its own as
    ``data-rnn-rest``; a list that does not pair with the slides is not used."""
    from slidebuild.deck_html import rest_url

    raw = written_deck(offline=True)
    svgs = [f'<svg id="s{k}"/>'.encode() if k != 2 else None for k in range(6)]
    urls = [rest_url(svg) if svg else None for svg in svgs]
    polished = polish_html(raw, title="t", rests=urls)
    sections = _sections(polished)
    found = [re.search(r'data-rnn-rest="([^"]*)"', s) for s in sections]
    assert [m[1] if m else None for m in found] == urls
    assert external_assets(polished) == []
    assert 'id="rnn-slides-polish-rests"' in polished and "img.rnn-rest" in polished
    assert "data-rnn-rest" not in polish_html(raw, title="t", rests=urls[:5])
    assert polish_html(polished, title="t", rests=urls) == polished


def test_offline_deck_loads_nothing_from_the_network(written_deck) -> None:
    online = polish_html(written_deck(offline=False), title="t")
    assert external_assets(online), "the online deck uses a CDN (the check can fail)"
    offline = polish_html(written_deck(offline=True), title="t")
    assert external_assets(offline) == []
    assert "reveal.js */" in offline  # inlined
    assert offline.count("data:video/mp4;base64") >= 6


def test_deck_command_polishes_the_html_it_installs(
    written_deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rnn-slides deck --to html` hands manim-slides' file to polish_html before installing
    it, titled with the lecture (rendering and conversion replaced by the template's output)."""
    from click.testing import CliRunner

    import render
    from slidebuild import engine

    raw = written_deck(offline=False)
    calls = {}

    def fake_build_deck(
        out, names, dest, to, extra, *, prepare=None, finish=None, finish_tag="", quality="l"
    ):
        converted = tmp_path / "converted.html"
        converted.write_text(raw, encoding="utf-8")
        finish(converted)
        calls.update(names=names, tag=finish_tag)
        dest.write_text(converted.read_text(encoding="utf-8"), encoding="utf-8")
        return True

    monkeypatch.setattr(engine, "build", lambda *a, **k: {})
    monkeypatch.setattr(engine, "build_deck", fake_build_deck)
    dest = tmp_path / "deck.html"
    result = CliRunner().invoke(
        render.cli,
        ["deck", "--lecture", "4", "--to", "html", "-o", str(dest), "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    text = dest.read_text(encoding="utf-8")
    assert re.search(r"<title>Lecture 4\. [^<]*LSTM[^<]*</title>", text)
    assert all("data-background-video-muted" in s for s in _sections(text))
    assert "polish_html" in calls["tag"] and "Lecture 4" in calls["tag"]
