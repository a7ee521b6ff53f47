"""Finishing touches on the HTML decks manim-slides writes, in one small place.

manim-slides' reveal.js template is close to what a lecturer needs in a classroom, but:
only the first slide's background video is muted (a deck opened at a later slide shows an
"Unmute video" button, though the videos have no sound), Space plays/pauses the video
instead of advancing, the tab and presenter-view title is "Manim Slides", reloading does
not return to the current slide, and the slide number is a tiny box. :func:`polish_html`
fixes all of that on the written file's text; :func:`external_assets` lists what a deck
would still fetch from the network (nothing, for an offline deck).

Example
-------
>>> html = '<title>Manim Slides</title><section data-background-video="a.mp4"></section>'
>>> 'data-background-video-muted' in polish_html(html, title="Lecture 4")
True
"""

from __future__ import annotations

import html as html_lib
import re

__all__ = ["polish_html", "external_assets", "SLIDE_NUMBER_CSS"]

# Readable from the back of the room: about 3% of a 1080p frame, on a translucent box.
SLIDE_NUMBER_CSS = (
    ".reveal .slide-number { font-size: 32px; line-height: 1.2; padding: 6px 14px;"
    " right: 12px; bottom: 12px; border-radius: 6px;"
    " background-color: rgba(0, 0, 0, 0.55); color: #fff; }"
)
_MARK = "rnn-slides-polish"

# reveal.js settings the deck needs, as they appear in the template's Reveal.initialize({...}).
_SETTINGS = {
    "hash": "true",  # reload and bookmarks keep the current slide
    "respondToHashChanges": "true",
    "slideNumber": "'c/t'",
    "keyboard": "true",
}

# manim-slides binds Space to play/pause the background video; give Space back to reveal.js,
# whose default is "next slide" (as for the arrows and PageDown).
_KEYS_SCRIPT = f"""<script id="{_MARK}">
  Reveal.removeKeyBinding(32);
</script>"""


def polish_html(text: str, *, title: str) -> str:
    """The deck ``text`` with every background video muted, ``title`` as the page title,
    URL hash navigation, Space advancing, and a readable slide number.

    Applying it twice gives the same text as applying it once.
    """
    if _MARK in text:
        return text
    text = _set_title(text, title)
    text = _mute_all_videos(text)
    for key, value in _SETTINGS.items():
        text = _set_reveal_setting(text, key, value)
    text = _insert_before(text, "</head>", f'<style id="{_MARK}-css">{SLIDE_NUMBER_CSS}</style>')
    text = _insert_before(text, "</body>", _KEYS_SCRIPT)
    return text


def external_assets(text: str) -> list[str]:
    """URLs of scripts, stylesheets and media the deck would load from the network."""
    url = r"[\"']?((?:https?:)?//[^\"' >]+)"
    found = re.findall(
        r"<(?:script|link|img|video|source)\b[^>]*?\b(?:src|href)\s*=\s*" + url,
        text,
        flags=re.IGNORECASE,
    )
    found += re.findall(
        r"\bdata-background-(?:video|image)\s*=\s*" + url,
        text,
        flags=re.IGNORECASE,
    )
    return found


def _set_title(text: str, title: str) -> str:
    escaped = html_lib.escape(title, quote=False)
    new, count = re.subn(
        r"<title>.*?</title>", lambda _m: f"<title>{escaped}</title>", text, count=1, flags=re.S
    )
    if count == 0:
        new = _insert_before(text, "</head>", f"<title>{escaped}</title>")
    return new


def _mute_all_videos(text: str) -> str:
    def mute(match: re.Match[str]) -> str:
        tag = match.group(0)
        if "data-background-video" not in tag or "data-background-video-muted" in tag:
            return tag
        return tag[:-1].rstrip() + " data-background-video-muted>"

    return re.sub(r"<section\b[^>]*>", mute, text)


def _set_reveal_setting(text: str, key: str, value: str) -> str:
    pattern = re.compile(rf"(Reveal\.initialize\(\s*\{{.*?\b{key}\s*:\s*)([^,\n}}]+)", re.S)
    new, count = pattern.subn(lambda m: m.group(1) + value, text, count=1)
    if count:
        return new
    # Not in the template: add it as the first setting.
    return re.sub(
        r"Reveal\.initialize\(\s*\{",
        lambda m: f"{m.group(0)}\n        {key}: {value},",
        text,
        count=1,
    )


def _insert_before(text: str, closing_tag: str, snippet: str) -> str:
    index = text.lower().rfind(closing_tag)
    if index < 0:
        return text + snippet
    return text[:index] + snippet + "\n" + text[index:]
