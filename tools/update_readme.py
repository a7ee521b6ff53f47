"""Regenerate the README's scene table from the registry.

Run after adding or renaming a scene: ``.venv/bin/python tools/update_readme.py``.
The table sits between ``<!-- scenes:start -->`` and ``<!-- scenes:end -->``;
``tests/test_render_cli.py`` checks every registered id is listed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slidebuild.registry import all_scenes, lecture_titles  # noqa: E402


def scene_table() -> str:
    titles = lecture_titles()
    rows = ["| lecture | id | title |", "|---|---|---|"]
    for info in all_scenes():
        rows.append(f"| {info.lecture}. {titles[info.lecture]} | `{info.id}` | {info.title} |")
    return "\n".join(rows)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    pattern = re.compile(r"(<!-- scenes:start -->\n).*?(\n<!-- scenes:end -->)", re.S)
    if not pattern.search(text):
        sys.exit("README.md has no <!-- scenes:start --> ... <!-- scenes:end --> block")
    new = pattern.sub(lambda m: m.group(1) + scene_table() + m.group(2), text)
    tmp = readme.with_suffix(".md.tmp")
    tmp.write_text(new)
    tmp.replace(readme)
    print(f"README.md: {len(all_scenes())} scenes listed")


if __name__ == "__main__":
    main()
