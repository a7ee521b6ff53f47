"""Screenshots of an HTML deck as a projector shows it: headless Chromium at 1920 x 1080.

The deck is served over HTTP from its folder (as a lecturer opens it from a laptop or a
course page) and each slide is opened at ``deck.html#/N`` (reveal.js counts from 0); the
page is given ``--wait`` seconds of browser time, so the slide's video plays to its end and
the deck shows what rests on the screen while the lecturer talks.

    .venv/bin/python tools/deck_screenshot.py out/deck-all.html 12 40 -o shots/
    .venv/bin/python tools/deck_screenshot.py out/deck-all.html 12 --wait 0.3  # mid-video

Needs Chromium (Debian: ``apt-get install chromium``). Writes ``shots/slide-<N>.png``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("deck_screenshot: no Chromium found; Debian: apt-get install chromium")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deck", type=Path, help="the HTML deck")
    parser.add_argument("slides", type=int, nargs="+", help="slide numbers (from 0)")
    parser.add_argument("-o", "--out", type=Path, default=Path("shots"))
    parser.add_argument("--wait", type=float, default=12.0, help="browser seconds per slide")
    parser.add_argument("--size", default="1920,1080", help="window size, W,H")
    args = parser.parse_args()
    if not args.deck.is_file():
        raise SystemExit(f"deck_screenshot: {args.deck} is not a file; build it with make slides")
    args.out.mkdir(parents=True, exist_ok=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(args.deck.resolve().parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = _browser()
    try:
        for number in args.slides:
            shot = args.out / f"slide-{number}.png"
            url = f"http://127.0.0.1:{server.server_port}/{args.deck.name}#/{number}"
            with tempfile.TemporaryDirectory() as profile:
                cmd = [
                    browser,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--hide-scrollbars",
                    "--mute-audio",
                    "--autoplay-policy=no-user-gesture-required",
                    f"--user-data-dir={profile}",
                    f"--window-size={args.size}",
                    f"--virtual-time-budget={int(args.wait * 1000)}",
                    f"--screenshot={shot.resolve()}",
                    url,
                ]
                try:
                    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
                except subprocess.TimeoutExpired:
                    print(f"failed: {url} (Chromium took over 120 s; try another --wait)")
                    continue
            print(f"{shot}" if shot.exists() else f"failed: {url}")
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
