"""rnn-slides: render the RNN/LSTM lecture scenes as videos, stills, figures and decks.

``python render.py ...`` and the console script ``rnn-slides ...`` are the same click
group. This module selects scenes through ``scenes.registry`` and drives manim; it never
builds mobjects itself. Outputs are written atomically (a temporary file, then a rename),
and a content hash of everything that changes a scene's pixels decides what to re-render.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import importlib.metadata
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from multiprocessing import get_context
from pathlib import Path

import click

__all__ = ["cli"]

VERSION = "0.1.0"
QUALITIES = {  # flag -> (pixel width, height, frame rate)
    "l": (854, 480, 15),
    "m": (1280, 720, 30),
    "h": (1920, 1080, 60),
    "k": (3840, 2160, 60),
}
FORMATS = ("mp4", "webm", "mov", "gif")
DECK_FORMATS = ("html", "pptx", "pdf")
ROOT = Path(__file__).resolve().parent
SLIDES_DIR = "slides"  # under the output folder: manim-slides data for decks


class UserError(click.ClickException):
    """A problem the user can fix: printed as one line, exit code 1."""


def _debug_enabled() -> bool:
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.obj and ctx.obj.get("debug"):
            return True
        ctx = ctx.parent
    return bool(os.environ.get("RNN_SLIDES_DEBUG"))


def friendly(fn: Callable) -> Callable:
    """Turn expected failures into one-line messages (``--debug`` shows the traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except click.ClickException:
            raise
        except KeyboardInterrupt:
            raise UserError(
                "interrupted; finished outputs are intact, partial ones were discarded"
            ) from None
        except Exception as exc:  # noqa: BLE001 - every failure becomes one line
            if _debug_enabled():
                traceback.print_exc()
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if isinstance(exc, ImportError):
                message += (
                    "; run `make setup` (it installs system libraries) or `rnn-slides doctor`"
                )
            if isinstance(exc, KeyError):
                message = str(exc.args[0]) if exc.args else message
            raise UserError(message) from None

    return wrapper


# ---------------------------------------------------------------------------------------
# Scene selection and configuration


def _registry():
    from scenes import registry

    return registry


def _select(ids: tuple[str, ...], lecture: int | None, all_: bool) -> list:
    registry = _registry()
    scenes = registry.all_scenes()
    if ids and (lecture is not None or all_):
        raise UserError("give scene ids or --lecture/--all, not both")
    if ids:
        return [registry.get_scene(i) for i in ids]
    if lecture is not None:
        chosen = [s for s in scenes if s.lecture == lecture]
        if not chosen:
            known = sorted({s.lecture for s in scenes})
            raise UserError(f"no scenes in lecture {lecture}; lectures with scenes: {known}")
        return chosen
    if all_:
        return list(scenes)
    raise UserError("name scene ids, or pass --lecture N or --all (see `rnn-slides list`)")


def _load_config(path: str | None, theme: str | None, seed: int | None):
    from scenes.kit.config import ConfigFile, SceneConfig, load_config

    config = load_config(path) if path else ConfigFile(default=SceneConfig(), lectures={})

    def resolve(lecture: int):
        cfg = config.for_lecture(lecture)
        if theme is not None:
            cfg = SceneConfig(theme=theme, model=cfg.model)
        if seed is not None:
            cfg = cfg.with_model(seed=seed)
        return cfg

    return resolve


def _source_hash(info) -> str:
    """Hash of the code a scene's pixels depend on: its class (and in-module bases), the
    module's shared code, the scene kit and rnn_core."""
    import rnn_core
    import scenes.kit

    h = hashlib.sha256()
    module = sys.modules[info.cls.__module__]
    module_src = inspect.getsource(module)
    own = {c for c in info.cls.__mro__ if c.__module__ == module.__name__}
    for other in getattr(module, "SCENES", []):
        if other not in own:
            module_src = module_src.replace(inspect.getsource(other), "")
    h.update(module_src.encode())
    for package in (scenes.kit, rnn_core):
        for path in sorted(Path(package.__file__).parent.glob("*.py")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _manim_version() -> str:
    return importlib.metadata.version("manim")


def content_hash(info, scene_config, quality: str, fmt: str, transparent: bool) -> str:
    """Everything that changes the pixels of a scene's video, as one hex digest."""
    payload = {
        "source": _source_hash(info),
        "config": _config_dict(scene_config),
        "quality": quality,
        "format": fmt,
        "transparent": transparent,
        "manim": _manim_version(),
        "manim_slides": importlib.metadata.version("manim-slides"),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _config_dict(scene_config) -> dict:
    data = asdict(scene_config)
    weights = data["model"].get("weights")
    if weights:  # the weights' content matters, not just their path
        data["model"]["weights_sha256"] = hashlib.sha256(Path(weights).read_bytes()).hexdigest()
    return data


# ---------------------------------------------------------------------------------------
# Files: atomic writes, the manifest, locking


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UserError(
            f"output folder {str(out)!r} is not writable ({exc.strerror}); choose another with -o"
        ) from None


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """An exclusive lock on the output folder's manifest (runs may overlap safely)."""
    lock = open(out / ".rnn-slides.lock", "a+")  # noqa: SIM115
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would surprise a web server
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_manifest(out: Path) -> dict:
    path = out / "manifest.json"
    if not path.exists():
        return {"outputs": {}}
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {"outputs": {}}


def _update_manifest(out: Path, entries: dict[str, dict]) -> None:
    with _locked(out):
        manifest = _read_manifest(out)
        manifest.setdefault("outputs", {}).update(entries)
        manifest["tool"] = {"rnn-slides": VERSION, "manim": _manim_version()}
        atomic_write_bytes(
            out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode()
        )


def _output_path(out: Path, info, ext: str) -> Path:
    return out / f"lecture{info.lecture}" / f"{info.id}.{ext}"


# ---------------------------------------------------------------------------------------
# Rendering (in worker processes)


def _render_worker(job: dict) -> dict:
    """Render one scene into a private temporary folder; runs in a fresh process."""
    import logging

    from manim import config, tempconfig

    from scenes.kit.config import SceneConfig, parse_config  # noqa: F401
    from scenes.registry import get_scene

    info = get_scene(job["id"])
    scene_config = _scene_config_from_dict(job["config"])
    width, height, fps = QUALITIES[job["quality"]]
    tmp = Path(job["tmp"])
    started = time.perf_counter()
    for name in ("manim", "manim-slides", "manim_slides"):
        logging.getLogger(name).setLevel(logging.ERROR)
    settings = {
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "media_dir": str(tmp / "media"),
        "format": job["format"],
        "transparent": job["transparent"],
        "output_file": info.id,
        "progress_bar": "none",
        "verbosity": "ERROR",
        "disable_caching": True,
        "write_to_movie": True,
    }
    with tempconfig(settings):
        cls = info.cls.configured(scene_config)
        scene = cls(output_folder=tmp / SLIDES_DIR)
        scene.render()
        movie = Path(scene.renderer.file_writer.movie_file_path)
        duration = float(scene.renderer.time)
        steps = len(scene.steps)
        del config
    return {
        "id": info.id,
        "movie": str(movie),
        "duration": duration,
        "steps": steps,
        "seconds": time.perf_counter() - started,
        "slides_name": type(scene).__name__,
    }


def _scene_config_from_dict(data: dict):
    from scenes.kit.config import ModelConfig, SceneConfig

    model = dict(data["model"])
    model.pop("weights_sha256", None)
    if model.get("inputs") is not None:
        model["inputs"] = tuple(tuple(r) for r in model["inputs"])
    return SceneConfig(theme=data["theme"], model=ModelConfig(**model))


def _install_slides(out: Path, tmp: Path, name: str, scene_id: str, digest: str) -> None:
    """Move a scene's manim-slides data from its temporary folder into ``out/slides``,
    rewriting the paths manim-slides records, and write its JSON atomically."""
    src_json = tmp / SLIDES_DIR / f"{name}.json"
    if not src_json.exists():
        return
    slides_root = out / SLIDES_DIR
    files_dir = slides_root / "files" / f"{scene_id}-{digest[:12]}"
    files_dir.parent.mkdir(parents=True, exist_ok=True)
    if not files_dir.exists():  # same digest = same pixels: an existing copy is as good
        staged = files_dir.with_name(f".{files_dir.name}.{uuid.uuid4().hex[:8]}")
        shutil.move(str(tmp / SLIDES_DIR / "files" / name), str(staged))
        try:
            staged.rename(files_dir)
        except OSError:  # a concurrent run installed the same files first
            shutil.rmtree(staged, ignore_errors=True)
    data = json.loads(src_json.read_text())
    # manim-slides reads these paths relative to the folder that holds ``slides/``, so they
    # work whether ``out`` was given as a relative or an absolute path, and if it is moved.
    relative_dir = files_dir.relative_to(out)
    for slide in data["slides"]:
        for key in ("file", "rev_file"):
            if slide.get(key):
                slide[key] = str(relative_dir / Path(slide[key]).name)
    atomic_write_bytes(slides_root / f"{name}.json", json.dumps(data, indent=2).encode())
    for stale in files_dir.parent.glob(f"{scene_id}-*"):  # earlier versions of this scene
        if stale != files_dir and stale.name[len(scene_id) + 1 :].isalnum():
            shutil.rmtree(stale, ignore_errors=True)


def render_scenes(
    infos: list,
    resolve,
    *,
    out: Path,
    quality: str,
    fmt: str,
    transparent: bool,
    jobs: int,
    force: bool,
    echo: Callable[[str], None] = click.echo,
) -> dict[str, dict]:
    """Render what is missing or stale; returns id -> manifest entry for every scene."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    _check_writable(out)
    manifest = _read_manifest(out)["outputs"]
    todo, results = [], {}
    for info in infos:
        scene_config = resolve(info.lecture)
        digest = content_hash(info, scene_config, quality, fmt, transparent)
        target = _output_path(out, info, fmt)
        key = str(target.relative_to(out))
        entry = manifest.get(key)
        slides_ok = fmt != "mp4" or (out / SLIDES_DIR / f"{info.cls.__name__}.json").exists()
        if not force and entry and entry.get("hash") == digest and target.exists() and slides_ok:
            results[info.id] = entry
            continue
        todo.append((info, scene_config, digest, target, key))
    if not todo:
        echo(f"nothing to render: {len(infos)} scene(s) up to date in {out}")
        return results

    run_dir = out / ".tmp" / uuid.uuid4().hex
    run_dir.mkdir(parents=True, exist_ok=True)
    try:
        jobs_list = []
        for info, scene_config, digest, target, key in todo:
            tmp = run_dir / info.id
            tmp.mkdir()
            jobs_list.append(
                {
                    "id": info.id,
                    "config": _config_dict(scene_config),
                    "quality": quality,
                    "format": fmt,
                    "transparent": transparent,
                    "tmp": str(tmp),
                    "_meta": (info, digest, target, key),
                }
            )
        with Progress(
            TextColumn("[bold]rendering"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} scenes"),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            transient=not sys.stdout.isatty(),
        ) as progress:
            task = progress.add_task("", total=len(jobs_list))
            for job, result in _run_jobs(jobs_list, jobs):
                info, digest, target, key = job["_meta"]
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(result["movie"], target)  # same filesystem: atomic
                if fmt == "mp4":
                    _install_slides(out, Path(job["tmp"]), result["slides_name"], info.id, digest)
                entry = {
                    "hash": digest,
                    "config_hash": hashlib.sha256(
                        json.dumps(job["config"], sort_keys=True).encode()
                    ).hexdigest(),
                    "scene": info.id,
                    "lecture": info.lecture,
                    "quality": quality,
                    "format": fmt,
                    "transparent": transparent,
                    "theme": job["config"]["theme"],
                    "duration": round(result["duration"], 3),
                    "steps": result["steps"],
                    "render_seconds": round(result["seconds"], 2),
                }
                _update_manifest(out, {key: entry})
                results[info.id] = entry
                progress.update(task, advance=1, description=info.id)
                echo(f"  {key}  ({result['steps']} steps, {result['duration']:.1f} s)")
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            (out / ".tmp").rmdir()
    return results


def _run_jobs(jobs_list: list[dict], jobs: int) -> Iterator[tuple[dict, dict]]:
    payloads = [{k: v for k, v in job.items() if k != "_meta"} for job in jobs_list]
    if jobs <= 1 or len(jobs_list) == 1:
        for job, payload in zip(jobs_list, payloads, strict=True):
            yield job, _in_subprocess(payload)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = {
            pool.submit(_render_worker, payload): job
            for job, payload in zip(jobs_list, payloads, strict=True)
        }
        for future in as_completed(futures):
            yield futures[future], future.result()


def _in_subprocess(payload: dict) -> dict:
    """One render in a fresh process, so manim's global state never leaks between scenes."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_render_worker, payload).result()


# ---------------------------------------------------------------------------------------
# Steps and stills (in this process, animations skipped)


def _tempconfig_for(quality: str, media: Path):
    from manim import tempconfig

    width, height, fps = {**QUALITIES, "tiny": (256, 144, 5)}[quality]
    return tempconfig(
        {
            "pixel_width": width,
            "pixel_height": height,
            "frame_rate": fps,
            "media_dir": str(media),
            "write_to_movie": False,
            "save_last_frame": False,
            "progress_bar": "none",
            "verbosity": "ERROR",
            "disable_caching": True,
        }
    )


def _construct(info, scene_config, quality: str, capture_step: int | None = None):
    import logging

    for name in ("manim", "manim-slides", "manim_slides"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with (
        tempfile.TemporaryDirectory(prefix="rnn-slides-") as media,
        _tempconfig_for(quality, Path(media)),
    ):
        cls = info.cls.configured(scene_config, capture_step=capture_step)
        scene = cls(output_folder=Path(media) / SLIDES_DIR)
        scene.renderer.skip_animations = True
        scene.render()
        scene.renderer.update_frame(scene, ignore_skipping=True)
        return scene


def count_steps(info, scene_config, out: Path | None = None) -> int:
    """Number of click steps, cached by content hash under the output folder."""
    digest = content_hash(info, scene_config, "steps", "-", False)
    cache_path = (out or Path("out")) / ".cache" / "steps.json"
    cache = {}
    if cache_path.exists():
        with contextlib.suppress(OSError, json.JSONDecodeError):
            cache = json.loads(cache_path.read_text())
    if digest in cache:
        return int(cache[digest])
    steps = len(_construct(info, scene_config, "tiny").steps)  # steps never depend on size
    cache[digest] = steps
    with contextlib.suppress(OSError):
        atomic_write_bytes(cache_path, json.dumps(cache).encode())
    return steps


# ---------------------------------------------------------------------------------------
# The CLI

EXAMPLES_RENDER = """
\b
Examples:
  rnn-slides render lstm-circuit               # one scene, 480p mp4 into out/
  rnn-slides render --lecture 4 -q h -j 2      # lecture 4 at 1080p, two at a time
  rnn-slides render --all --theme dark --format webm --transparent
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="rnn-slides")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Animated RNN/LSTM lecture slides drawn from a verified NumPy core.

    \b
    Examples:
      rnn-slides list
      rnn-slides render --lecture 4
      rnn-slides still lstm-circuit --step 3 -o circuit.png
      rnn-slides deck --all --to html
    """
    ctx.obj = {"debug": debug}


lecture_option = click.option(
    "--lecture", type=click.IntRange(1, 5), help="Only this lecture (1-5)."
)


@cli.command("list")
@lecture_option
@click.option(
    "--steps/--no-steps", default=True, help="Count slide steps (builds each scene once; cached)."
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output folder (where the step cache lives).",
)
@friendly
def list_command(lecture: int | None, steps: bool, out: Path) -> None:
    """List the scenes: id, lecture, title and number of slide steps.

    \b
    Examples:
      rnn-slides list
      rnn-slides list --lecture 4 --no-steps
    """
    from rich.console import Console
    from rich.table import Table

    from scenes.kit.config import SceneConfig

    registry = _registry()
    infos = [s for s in registry.all_scenes() if lecture is None or s.lecture == lecture]
    table = Table(show_edge=False, header_style="bold")
    for column in ("id", "lecture", "title", "steps"):
        table.add_column(column, justify="right" if column in ("lecture", "steps") else "left")
    for info in infos:
        n = str(count_steps(info, SceneConfig(), out)) if steps else "-"
        table.add_row(info.id, str(info.lecture), info.title, n)
    Console(width=140).print(table)


@cli.command()
@click.argument("ids", nargs=-1)
@lecture_option
@click.option("--all", "all_", is_flag=True, help="Every scene of every lecture.")
@click.option(
    "-q",
    "--quality",
    type=click.Choice(list(QUALITIES)),
    default="l",
    show_default=True,
    help="l=480p15, m=720p30, h=1080p60, k=2160p60.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="mp4", show_default=True)
@click.option(
    "--transparent", is_flag=True, help="Transparent background (webm or mov) for overlays."
)
@click.option("--theme", type=click.Choice(["light", "dark"]), help="Override the config's theme.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="TOML config file.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Override the model seed.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=os.cpu_count() or 1,
    show_default="cores",
    help="Scenes rendered in parallel processes.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
)
@click.option("--force", is_flag=True, help="Re-render even when the cache says nothing changed.")
@friendly
def render(
    ids, lecture, all_, quality, fmt, transparent, theme, config_path, seed, jobs, out, force
) -> None:
    """Render scenes to videos in OUT/lecture<N>/<scene-id>.<format>.

    Only scenes whose code, config, theme, quality or format changed are rendered again.
    """
    if transparent and fmt not in ("webm", "mov"):
        raise UserError(
            "--transparent needs --format webm or --format mov (mp4 and gif have no alpha)"
        )
    infos = _select(ids, lecture, all_)
    resolve = _load_config(config_path, theme, seed)
    render_scenes(
        infos,
        resolve,
        out=out,
        quality=quality,
        fmt=fmt,
        transparent=transparent,
        jobs=jobs,
        force=force,
    )


render.help = (render.help or "") + EXAMPLES_RENDER


@cli.command()
@click.argument("scene_id")
@click.option(
    "--step",
    type=click.IntRange(1, None),
    help="End of this slide step (1-based); default: the last frame.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="PNG file to write.",
)
@click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default="h", show_default=True)
@click.option("--theme", type=click.Choice(["light", "dark"]))
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--seed", type=click.IntRange(0, 2**32 - 1))
@friendly
def still(scene_id, step, output, quality, theme, config_path, seed) -> None:
    """Write one frame of a scene as PNG: the last frame, or the end of step K.

    \b
    Examples:
      rnn-slides still lstm-circuit -o circuit.png
      rnn-slides still lstm-circuit --step 3 -q l --theme dark -o step3.png
    """
    from PIL import Image

    if output.suffix.lower() != ".png":
        raise UserError(f"still writes PNG files; name the output *.png, not {output.name!r}")
    info = _registry().get_scene(scene_id)
    scene_config = _load_config(config_path, theme, seed)(info.lecture)
    _check_writable(output.parent if str(output.parent) else Path("."))
    scene = _construct(info, scene_config, quality, capture_step=step)
    if step is not None and scene.captured_frame is None:
        raise UserError(
            f"scene {scene_id!r} has {len(scene.steps)} steps; --step must be 1..{len(scene.steps)}"
        )
    frame = scene.captured_frame if step is not None else scene.renderer.get_frame()
    import io

    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="PNG")
    atomic_write_bytes(output, buffer.getvalue())
    click.echo(f"wrote {output} ({frame.shape[1]}x{frame.shape[0]})")


@cli.command()
@click.argument("ids", nargs=-1)
@lecture_option
@click.option("--all", "all_", is_flag=True, help="Every scene of every lecture.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="TOML config file.")
@click.option("--theme", type=click.Choice(["light", "dark"]), help="Override the config's theme.")
@friendly
def check(ids, lecture, all_, config_path, theme) -> None:
    """Check the layout at the end of every step: overlapping labels, numbers outside their
    cells, text under 2% of the frame height, wires through text, parts outside the frame.
    Prints a table (scene, step, problem, parts); exits 1 when anything is wrong.

    \b
    Examples:
      rnn-slides check lstm-circuit
      rnn-slides check --all --config examples/config.toml --theme dark
    """
    from scenes.kit.lint import check_scene, format_table

    chosen = _select(ids, lecture, all_)
    resolve = _load_config(config_path, theme, None)
    problems = []
    for info in chosen:
        found = check_scene(info.cls, resolve(info.lecture))
        click.echo(f"{info.id}: {len(found) or 'no'} problem{'s' * (len(found) != 1)}", err=True)
        problems += found
    if problems:
        click.echo(format_table(problems))
        click.echo(f"{len(problems)} problems in {len({p.scene for p in problems})} scenes")
        sys.exit(1)
    click.echo(f"{len(chosen)} scenes checked: no layout problems")


@cli.command()
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["png", "svg", "pdf"]),
    multiple=True,
    help="Formats to write (repeatable); default all three.",
)
@click.option("--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True)
@lecture_option
@friendly
def figures(out, fmt, theme, lecture) -> None:
    """Write the static matplotlib figures behind the scenes (PNG, SVG, PDF).

    \b
    Examples:
      rnn-slides figures
      rnn-slides figures --format svg -o handout/
    """
    import io

    from scenes.figures import FIGURES
    from scenes.kit.theme import get_theme

    _check_writable(out)
    formats = fmt or ("png", "svg", "pdf")
    chosen = [f for f in FIGURES if lecture is None or f.lecture == lecture]
    if not chosen:
        raise UserError(f"no figures for lecture {lecture}")
    for spec in chosen:
        figure = spec.make(get_theme(theme))
        for ext in formats:
            buffer = io.BytesIO()
            figure.savefig(buffer, format=ext, dpi=200, facecolor=figure.get_facecolor())
            path = out / f"lecture{spec.lecture}" / f"{spec.id}.{ext}"
            atomic_write_bytes(path, buffer.getvalue())
            click.echo(f"  {path}")


@cli.command()
@lecture_option
@click.option("--all", "all_", is_flag=True, help="Every lecture, in order.")
@click.option("--to", "to", type=click.Choice(DECK_FORMATS), required=True, help="Deck format.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Deck file; default OUT/deck-<lectures>.<format>.",
)
@click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default="l", show_default=True)
@click.option("--theme", type=click.Choice(["light", "dark"]))
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="cores"
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder of the rendered scenes (rendered there first when missing).",
)
@click.option(
    "--offline",
    is_flag=True,
    help="HTML only: inline reveal.js from a local copy (see --revealjs) instead of a CDN.",
)
@click.option(
    "--revealjs",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("node_modules/reveal.js"),
    show_default=True,
    help="A local reveal.js (npm install reveal.js@6.0.1) for --offline.",
)
@friendly
def deck(
    lecture, all_, to, output, quality, theme, config_path, jobs, out, offline, revealjs
) -> None:
    """Build a slide deck (HTML, PPTX or PDF) from the rendered scenes, in lecture order.

    Scenes that are missing or stale are rendered first (mp4, at --quality).

    \b
    Examples:
      rnn-slides deck --all --to html
      rnn-slides deck --lecture 4 --to pptx -o lstm.pptx
      rnn-slides deck --all --to html --offline     # after: npm install reveal.js@6.0.1
    """
    if lecture is None and not all_:
        raise UserError("pass --lecture N or --all")
    if offline and to != "html":
        raise UserError("--offline applies to --to html only (PPTX and PDF never need the network)")
    infos = _select((), lecture, all_)
    resolve = _load_config(config_path, theme, None)
    render_scenes(
        infos,
        resolve,
        out=out,
        quality=quality,
        fmt="mp4",
        transparent=False,
        jobs=jobs,
        force=False,
    )
    names = [info.cls.__name__ for info in infos]
    if len(set(names)) != len(names):
        raise UserError("two scenes share a class name; manim-slides needs unique names")
    label = f"lecture{lecture}" if lecture is not None else "all"
    dest = output or out / f"deck-{label}.{to}"
    _check_writable(dest.parent)
    extra: list[str] = []
    if to == "html":
        from scenes.kit.theme import get_theme

        background = get_theme(resolve(infos[0].lecture).theme).background
        extra = ["-cslide_number=true", f"-cbackground_color={background}"]
        if offline:
            extra += ["--offline", "--one-file", "--revealjs-assets-timeout", "0.5"]
    deck_key = f"decks/{dest.resolve()}"
    deck_digest = _deck_digest(out, names, to, extra)
    entry = _read_manifest(out)["outputs"].get(deck_key)
    if entry and entry.get("hash") == deck_digest and dest.exists():
        click.echo(f"deck up to date: {dest} ({len(names)} scenes)")
        return
    if offline:
        _prime_revealjs_cache(revealjs)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".deck-") as tmp:
        tmp_dest = Path(tmp) / dest.name
        cmd = [
            sys.executable,
            "-m",
            "manim_slides",
            "convert",
            *names,
            str(tmp_dest),
            "--folder",
            str(out / SLIDES_DIR),
            "--to",
            to,
            "-v",
            "error",
        ]
        cmd += extra
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not tmp_dest.exists():
            last = (proc.stderr or proc.stdout).strip().splitlines()
            raise UserError(f"manim-slides convert failed: {last[-1] if last else 'no output'}")
        assets = Path(tmp) / f"{dest.stem}_assets"
        if assets.exists():
            final_assets = dest.parent / assets.name
            old = dest.parent / f".{assets.name}.old-{uuid.uuid4().hex[:8]}"
            if final_assets.exists():
                final_assets.rename(old)
            assets.rename(final_assets)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(tmp_dest, dest)
    _update_manifest(out, {deck_key: {"hash": deck_digest, "format": to, "scenes": names}})
    click.echo(f"wrote {dest} ({len(names)} scenes)")


def _deck_digest(out: Path, names: list[str], to: str, extra: list[str]) -> str:
    """What a deck is made of: each scene's slide data (which names its video files, whose
    names carry the scene's content hash), the format and the conversion options."""
    h = hashlib.sha256(json.dumps([names, to, extra]).encode())
    h.update(importlib.metadata.version("manim-slides").encode())
    for name in names:
        path = out / SLIDES_DIR / f"{name}.json"
        h.update(path.read_bytes() if path.exists() else b"missing")
    return h.hexdigest()


def _prime_revealjs_cache(revealjs: Path) -> None:
    """Copy reveal.js files from a local copy into manim-slides' asset cache, so
    ``--offline`` finds them without the network."""
    from manim_slides.convert import RevealJS
    from platformdirs import user_cache_path

    if not revealjs.is_dir():
        raise UserError(
            f"no reveal.js at {str(revealjs)!r}; run `npm install reveal.js@6.0.1` here "
            "or pass --revealjs DIR"
        )
    version = RevealJS.model_fields["reveal_version"].default
    cache = user_cache_path("manim-slides") / f"revealjs{version}"
    cache.mkdir(parents=True, exist_ok=True)
    by_name: dict[str, Path] = {}
    for path in revealjs.rglob("*"):
        if (
            path.is_file()
            and path.suffix in (".js", ".css")
            and "node_modules" not in path.relative_to(revealjs).parts
        ):
            by_name.setdefault(path.name, path)
    for name, path in by_name.items():
        if not (cache / name).exists():
            shutil.copyfile(path, cache / name)


@cli.command()
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
)
@friendly
def doctor(out: Path) -> None:
    """Check the environment and say what to fix.

    \b
    Examples:
      rnn-slides doctor
      rnn-slides doctor -o /srv/slides
    """
    checks: list[tuple[str, bool, str]] = []

    def check(name: str, fn: Callable[[], str], fix: str) -> None:
        try:
            checks.append((name, True, fn()))
        except Exception as exc:  # noqa: BLE001 - every failed check is reported
            checks.append(
                (
                    name,
                    False,
                    f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__} -> {fix}",
                )
            )

    apt = "apt-get install libcairo2-dev libpango1.0-dev pkg-config, then `make setup`"
    check("cairo (pycairo)", lambda: __import__("cairo").cairo_version_string(), apt)
    check("pango (manimpango)", lambda: importlib.metadata.version("manimpango"), apt)
    check(
        "manim", lambda: _require_version("manim", "0.21"), "pip install 'manim[typst]>=0.21,<0.22'"
    )
    check(
        "manim-slides",
        lambda: _require_version("manim-slides", "5.7"),
        "pip install 'manim-slides>=5.7,<5.8'",
    )
    check("typst (math)", _typst_probe, "pip install typst")
    check("PyAV (video encoding)", lambda: importlib.metadata.version("av"), "pip install av")
    checks.append(
        (
            "LaTeX (optional)",
            True,
            shutil.which("latex") or "not installed; not needed (Typst typesets the math)",
        )
    )

    def writable() -> str:
        _check_writable(out)
        return f"{out.resolve()} is writable"

    check("output folder", writable, "choose a writable folder with -o")
    ok = all(passed for _, passed, _ in checks)
    for name, passed, detail in checks:
        click.echo(f"{'ok ' if passed else 'FIX'}  {name}: {detail}")
    if not ok:
        raise UserError("some checks failed; see the FIX lines above")


def _require_version(package: str, prefix: str) -> str:
    version = importlib.metadata.version(package)
    if not version.startswith(prefix):
        raise RuntimeError(f"{package} {version} is installed; {prefix}.x is needed")
    return version


def _typst_probe() -> str:
    import typst

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "probe.typ"
        src.write_text("$ bold(c)^t = bold(z)^t dot.o bold(i)^t $")
        typst.compile(str(src), format="svg")
    return importlib.metadata.version("typst")


if __name__ == "__main__":
    cli()
