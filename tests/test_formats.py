"""Video formats a lecturer asks for: gif for web pages, webm/mov with alpha for overlays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from render import cli

SCENE = "lstm-gate-extremes"  # the shortest lecture-4 scene


def _render(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["render", SCENE, "-q", "l", "-j", "1", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def test_gif(tmp_path: Path) -> None:
    from PIL import Image

    out = _render(tmp_path, "--format", "gif")
    gif = out / "lecture4" / f"{SCENE}.gif"
    assert gif.read_bytes()[:6] in (b"GIF87a", b"GIF89a")
    with Image.open(gif) as image:
        assert image.n_frames > 10
        assert image.size == (854, 480)
    result = CliRunner().invoke(
        cli, ["render", SCENE, "-q", "l", "--format", "gif", "-o", str(out)]
    )
    assert result.output.startswith("nothing to render"), result.output


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["webm", "mov"])
def test_transparent_overlays_keep_their_alpha(tmp_path: Path, fmt: str) -> None:
    import av

    out = _render(tmp_path, "--format", fmt, "--transparent")
    with av.open(str(out / "lecture4" / f"{SCENE}.{fmt}")) as container:
        stream = container.streams.video[0]
        if fmt == "webm":  # VP9 keeps alpha beside the picture; ffmpeg's own vp9 drops it
            assert stream.metadata.get("alpha_mode") == "1"
            decoder = av.CodecContext.create("libvpx-vp9", "r")
            frames = [f for packet in container.demux(stream) for f in decoder.decode(packet)]
        else:
            frames = list(container.decode(stream))
    last = frames[-1]
    assert "a" in last.format.name, last.format.name  # yuva420p, argb
    alpha = last.to_ndarray(format="rgba")[..., 3]
    assert alpha.min() == 0 and alpha.max() == 255  # see-through background, opaque drawing
    assert np.mean(alpha == 0) > 0.3
