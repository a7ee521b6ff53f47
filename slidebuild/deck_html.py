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

import base64
import gzip
import html as html_lib
import re

__all__ = [
    "polish_html",
    "external_assets",
    "rest_url",
    "SLIDE_NUMBER_CSS",
    "CAPTIONS_KEY",
    "RESTS_CSS",
]

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


def polish_html(
    text: str,
    *,
    title: str,
    captions: list[str] | None = None,
    narrated: bool = False,
    rests: list[str | None] | None = None,
) -> str:
    """The deck ``text`` with every background video muted (or, for a ``narrated`` deck,
    every one playing its sound), ``title`` as the page title, URL hash navigation, Space
    advancing, a readable slide number, and, given one caption per slide, the current
    slide's caption under it, shown and hidden with the C key (hidden at first); given one
    resting frame per slide (an image URL, or an SVG packed by :func:`rest_url`, or None), each
    slide shows its resting frame over the video once the video has played to its end.

    Applying it twice gives the same text as applying it once.
    """
    if _MARK in text:
        return text
    text = _set_title(text, title)
    text = _unmute_all_videos(text) if narrated else _mute_all_videos(text)
    if narrated:
        text = _insert_before(text, "</body>", _SOUND_SCRIPT)
    captioned = _attach_captions(text, captions) if captions is not None else None
    if captioned is not None:
        style = f'<style id="{_MARK}-captions-css">{CAPTIONS_CSS}</style>'
        text = _insert_before(captioned, "</head>", style)
        text = _insert_before(text, "</body>", _CAPTIONS_HTML)
    rested = _attach(text, "data-rnn-rest", rests) if rests is not None else None
    if rested is not None:
        style = f'<style id="{_MARK}-rests-css">{RESTS_CSS}</style>'
        text = _insert_before(rested, "</head>", style)
        text = _insert_before(text, "</body>", _RESTS_SCRIPT)
    for key, value in _SETTINGS.items():
        text = _set_reveal_setting(text, key, value)
    text = _insert_before(text, "</head>", f'<style id="{_MARK}-css">{SLIDE_NUMBER_CSS}</style>')
    text = _insert_before(text, "</body>", _KEYS_SCRIPT)
    return text


CAPTIONS_KEY = "C"  # shows and hides the captions
CAPTIONS_CSS = (
    "#rnn-captions { position: fixed; left: 50%; bottom: 8px; transform: translateX(-50%);"
    " width: max-content; max-width: 72vw; z-index: 30; padding: 6px 16px; border-radius: 6px;"
    " background-color: rgba(0, 0, 0, 0.8); color: #fff; font-size: 26px; line-height: 1.3;"
    " text-align: center; font-family: sans-serif; pointer-events: none; }"
    " #rnn-captions[hidden] { display: none; }"
)
# The caption of the current slide (its data-rnn-caption) under it: while it shows, the
# slide's video is drawn in the space above it (never under it); C shows and hides it.
_CAPTIONS_HTML = f"""<div id="rnn-captions" role="status" aria-live="polite" hidden></div>
<script id="{_MARK}-captions">
  (function () {{
    var box = document.getElementById("rnn-captions");
    var on = false;
    function show() {{
      var slide = Reveal.getCurrentSlide();
      var text = slide ? slide.getAttribute("data-rnn-caption") || "" : "";
      box.textContent = text;
      box.hidden = !on || !text;
      var room = box.hidden ? "" : "calc(100% - " + (box.offsetHeight + 16) + "px)";
      document.querySelectorAll(".reveal .backgrounds").forEach(function (b) {{
        b.style.height = room;
      }});
    }}
    Reveal.addKeyBinding({{ keyCode: 67, key: "{CAPTIONS_KEY}", description: "Captions on/off" }},
      function () {{ on = !on; show(); }});
    Reveal.on("ready", show);
    Reveal.on("slidechanged", show);
    if (Reveal.isReady()) show();
  }})();
</script>"""
# A narrated deck: browsers start a video with sound only after the viewer has pressed a
# key or clicked once; then the current slide's video starts again, with its sound.
_SOUND_SCRIPT = f"""<script id="{_MARK}-sound">
  (function () {{
    function play() {{
      var slide = Reveal.getCurrentSlide();
      var background = slide && Reveal.getSlideBackground(slide);
      var video = background && background.querySelector("video");
      if (video) {{ video.muted = false; if (video.paused) video.play().catch(function () {{}}); }}
    }}
    ["keydown", "pointerdown"].forEach(function (name) {{
      document.addEventListener(name, function () {{ setTimeout(play, 0); }}, {{ once: true }});
    }});
    Reveal.on("slidechanged", function () {{ setTimeout(play, 0); }});
  }})();
</script>"""


# A slide's resting frame lies over its video, in the same box and fit, and shows once the
# video has ended; it hides while the video plays (a slide visited again plays it anew).
RESTS_CSS = (
    ".reveal .slide-background-content img.rnn-rest { position: absolute; left: 0; top: 0;"
    " width: 100%; height: 100%; max-width: none; max-height: none; object-fit: contain;"
    " pointer-events: none; }"
    " .reveal .slide-background-content img.rnn-rest[hidden] { display: none; }"
)
_RESTS_SCRIPT = f"""<script id="{_MARK}-rests">
  (function () {{
    function slideOf(video) {{
      var slides = Reveal.getSlides();
      for (var i = 0; i < slides.length; i++) {{
        var background = Reveal.getSlideBackground(slides[i]);
        if (background && background.contains(video)) return slides[i];
      }}
      return null;
    }}
    // "gzip:<base64>" is an SVG packed to a quarter of its size: unpacked here once, into
    // an object URL (a browser without DecompressionStream rests on the video's last frame)
    function source(url) {{
      if (url.indexOf("gzip:") !== 0) return Promise.resolve(url);
      var bytes = Uint8Array.from(atob(url.slice(5)), function (c) {{ return c.charCodeAt(0); }});
      var svg = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Response(svg).blob().then(function (blob) {{
        return URL.createObjectURL(new Blob([blob], {{ type: "image/svg+xml" }}));
      }});
    }}
    function rest(video, show) {{
      var slide = slideOf(video);
      var url = slide && slide.getAttribute("data-rnn-rest");
      if (!url) return;
      var box = video.parentElement;
      var image = box.querySelector("img.rnn-rest");
      if (!image) {{
        image = document.createElement("img");
        image.className = "rnn-rest";
        image.alt = "";
        image.hidden = true;
        box.appendChild(image);
        source(url).then(function (src) {{ image.src = src; }}, function () {{}});
      }}
      image.style.objectFit = getComputedStyle(video).objectFit || "contain";
      image.hidden = !show;
    }}
    function isVideo(event) {{ return event.target && event.target.tagName === "VIDEO"; }}
    function atEnd(video) {{
      return video.ended || video.currentTime >= video.duration - 0.04;
    }}
    ["ended", "timeupdate"].forEach(function (name) {{
      document.addEventListener(name, function (event) {{
        if (isVideo(event) && atEnd(event.target)) rest(event.target, true);
      }}, true);
    }});
    ["play", "seeking", "loadstart"].forEach(function (name) {{
      document.addEventListener(name, function (event) {{
        if (isVideo(event) && !atEnd(event.target)) rest(event.target, false);
      }}, true);
    }});
  }})();
</script>"""


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


def _unmute_all_videos(text: str) -> str:
    def unmute(match: re.Match[str]) -> str:
        return re.sub(r"\s+data-background-video-muted\b", "", match.group(0))

    return re.sub(r"<section\b[^>]*>", unmute, text)


def _attach_captions(text: str, captions: list[str]) -> str | None:
    """Each video slide's caption as its ``data-rnn-caption``, in order; None when the
    deck's slides and the captions do not pair up."""
    return _attach(text, "data-rnn-caption", [" ".join(c.split()) for c in captions])


def _attach(text: str, attribute: str, values: list[str | None]) -> str | None:
    """Each video slide's value as its ``attribute``, in order (None: none for that slide);
    None when the deck's slides and the values do not pair up."""
    tags = re.finditer(r"<section\b[^>]*>", text)
    slides = [m for m in tags if "data-background-video" in m.group(0)]
    if len(slides) != len(values):
        return None
    parts, last = [], 0
    for match, value in zip(slides, values, strict=True):
        if value is None:
            continue
        tag = match.group(0)
        escaped = html_lib.escape(value, quote=True)
        parts += [text[last : match.start()], tag[:-1].rstrip(), f' {attribute}="{escaped}">']
        last = match.end()
    parts.append(text[last:])
    return "".join(parts)


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


def rest_url(svg: bytes) -> str:
    """A resting frame (SVG) packed for the deck, which stays one file: ``gzip:`` and the
    gzip of the SVG in base64 (a quarter of the SVG's size; the deck's script unpacks it).
    The same SVG always packs to the same text."""
    packed = gzip.compress(svg, compresslevel=9, mtime=0)
    return "gzip:" + base64.b64encode(packed).decode("ascii")
