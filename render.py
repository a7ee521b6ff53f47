"""rnn-slides: render the RNN/LSTM lecture scenes as videos, stills, figures and decks.

``python render.py ...`` and the console script ``rnn-slides ...`` are the same click
group. This module is the command line only: it selects scenes through ``slidebuild.registry``,
resolves the user's config and hands the work to the build engine (``slidebuild.engine``:
content hash, manifest, worker pool, atomic installs). Importing it loads neither manim
nor the scenes, and nothing POSIX-only: ``import render`` works on Windows too.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from slidebuild import engine, outputs
from slidebuild.engine import FORMATS, QUALITIES, VERSION, RenderSettings

__all__ = ["cli"]

DECK_FORMATS = ("html", "pptx", "pdf", "handout")  # handout: vector PDF, a page per step
ROOT = Path(__file__).resolve().parent


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
        except OSError as exc:  # a full disk, permission denied: the path and what to do
            if _debug_enabled():
                traceback.print_exc()
            raise UserError(outputs.os_error_message(exc)) from None
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
    from slidebuild import registry

    return registry


def _select(ids: tuple[str, ...], lecture: int | None, all_: bool) -> list:
    registry = _registry()
    if ids and (lecture is not None or all_):
        raise UserError("give scene ids or --lecture/--all, not both")
    if lecture is not None and all_:
        raise UserError(f"pass --lecture {lecture} or --all, not both (--all is every lecture)")
    if ids:
        return [registry.get_scene(i) for i in ids]
    if lecture is not None:
        chosen = list(registry.lecture_scenes(lecture))  # reads that lecture's file only
        if not chosen:
            known = sorted({s.lecture for s in registry.all_scenes()})
            raise UserError(f"no scenes in lecture {lecture}; lectures with scenes: {known}")
        return chosen
    if all_:
        return list(registry.all_scenes())
    raise UserError("name scene ids, or pass --lecture N or --all (see `rnn-slides list`)")


def _load_config(path: str | None, theme: str | None, seed: int | None):
    from scenes.kit.config import (
        LECTURE_MODELS,
        ConfigFile,
        SceneConfig,
        load_config,
        lstm_preset,
        validate_for_lecture,
    )

    config = load_config(path) if path else ConfigFile(default=SceneConfig(), lectures={})
    told: set[int] = set()

    def resolve(lecture: int):
        cfg = config.for_lecture(lecture)
        if theme is not None:
            cfg = SceneConfig(theme=theme, model=cfg.model)
        if seed is not None:
            cfg = cfg.with_model(seed=seed)
            trained = LECTURE_MODELS.get(lecture) == "lstm" and lstm_preset(cfg.model) == "trained"
            if trained and lecture not in told:  # an option with no effect says so
                told.add(lecture)
                click.echo(
                    f"warning: lecture {lecture} draws the trained LSTM, which ignores --seed "
                    f"(only seeded side figures change); for the seeded LSTM set "
                    f'preset = "random" under [lecture.{lecture}.model] in a --config file',
                    err=True,
                )
        # Planning resolves every selected scene before the first render: a lecture whose
        # weights do not fit its model (e.g. RNN weights for the LSTM lectures) stops it here.
        validate_for_lecture(cfg, lecture, config.source)
        return cfg

    return resolve


def _config_inputs(path: str | None, resolve, lectures) -> list[Path]:
    """The files a command reads besides the scenes: the config and its weights files."""
    files = [Path(path)] if path else []
    for lecture in sorted(set(lectures)):
        weights = resolve(lecture).model.weights
        if weights:
            files.append(Path(weights))
    return files


# ---------------------------------------------------------------------------------------
# The CLI


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


narration_option = click.option(
    "--narration",
    "narration_spec",
    metavar="DIR|tts",
    help="Narrate every click step: recordings DIR/<scene-id>/<step>.wav (mp3, m4a, ogg), "
    "or 'tts' for a draft voice reading the speaker notes (offline).",
)
voice_option = click.option(
    "--voice", help="With --narration tts: the system voice (see `rnn-slides voices`)."
)


def _narration(spec: str | None, voice: str | None, infos: list, resolve, out: Path):
    """scene id -> SceneNarration for ``--narration`` (None without it); bad input stops
    here, before anything renders, with one line naming the file."""
    if spec is None:
        if voice is not None:
            raise UserError("--voice applies to --narration tts")
        return None
    from slidebuild import narration

    if spec == "tts":
        from slidebuild.lecture_video import step_notes

        notes = {
            info.id: step_notes(info, resolve(info.lecture), out) for info in infos
        }
        found = narration.from_tts(notes, out / ".cache" / "tts", voice)
        click.echo(
            "narration: draft voice (text-to-speech) reading the speaker notes; "
            "record your own for publishing (--narration DIR)"
        )
        return found
    if voice is not None:
        raise UserError("--voice applies to --narration tts, not to recordings")
    found = narration.from_folder(
        Path(spec),
        infos,
        lambda info: engine.count_steps(info, resolve(info.lecture), out),
        known_ids=[s.id for s in _registry().all_scenes()],
    )
    steps = sum(len(n.steps) for n in found.values())
    click.echo(f"narration: {steps} recordings for {len(found)} of {len(infos)} scenes")
    return found


lecture_option = click.option(
    "--lecture",
    type=click.IntRange(min=1),
    help="Only this lecture (its number; `rnn-slides list` shows them all).",
)
fps_option = click.option(
    "--fps",
    type=click.IntRange(1, 120),
    help="Frames per second instead of the quality's own (-q h --fps 30: 1080p30, "
    "what `make slides` renders).",
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
    if not infos:
        known = sorted({s.lecture for s in registry.all_scenes()})
        raise UserError(f"no scenes in lecture {lecture}; lectures with scenes: {known}")
    table = Table(show_edge=False, header_style="bold")
    for column in ("id", "lecture", "title", "steps"):
        table.add_column(column, justify="right" if column in ("lecture", "steps") else "left")
    for info in infos:
        n = str(engine.count_steps(info, SceneConfig(), out)) if steps else "-"
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
@fps_option
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
    help="Output FOLDER: videos go to OUT/lecture<N>/.",
)
@click.option("--force", is_flag=True, help="Re-render even when the cache says nothing changed.")
@narration_option
@voice_option
@click.option(
    "--join",
    is_flag=True,
    help="With --lecture N: also write OUT/lecture<N>.<format>, its scenes in order in one "
    "video with their sound and captions.",
)
@friendly
def render(
    ids,
    lecture,
    all_,
    quality,
    fps,
    fmt,
    transparent,
    theme,
    config_path,
    seed,
    jobs,
    out,
    force,
    narration_spec,
    voice,
    join,
) -> None:
    """Render scenes to videos in OUT/lecture<N>/<scene-id>.<format> (other qualities
    than 480p as <scene-id>-<height>p<fps>.<format>, beside it).

    Only scenes whose code, config, theme, quality or format changed are rendered again.

    \b
    Examples:
      rnn-slides render lstm-circuit               # one scene, 480p mp4 into out/
      rnn-slides render --lecture 4 -q h -j 2      # lecture 4 at 1080p, two at a time
      rnn-slides render --all -q h --fps 30        # 1080p30, as the default deck
      rnn-slides render --all --theme dark --format webm --transparent
      rnn-slides render why-not-dcl --format gif   # for a web page
      rnn-slides render --lecture 4 --narration recordings/ --join   # out/lecture4.mp4

    Every video gets captions beside it (<scene-id>.vtt, .srt), one cue per click step.
    """
    if transparent and fmt not in ("webm", "mov"):
        raise UserError(
            "--transparent needs --format webm or --format mov (mp4 and gif have no alpha)"
        )
    if fmt == "gif" and (narration_spec or join):
        raise UserError(
            f"{'--narration' if narration_spec else '--join'} needs a video with sound: "
            "--format mp4, webm or mov (a gif has none)"
        )
    if join and lecture is None:
        raise UserError("--join makes one video of a lecture: pass --lecture N")
    infos = _select(ids, lecture, all_)
    resolve = _load_config(config_path, theme, seed)
    found = _narration(narration_spec, voice, infos, resolve, out)
    settings = RenderSettings(
        quality=quality,
        fmt=fmt,
        transparent=transparent,
        jobs=jobs,
        force=force,
        fps=fps,
        narration=found,
    )
    engine.build(infos, resolve, out=out, settings=settings, echo=click.echo)
    if join:
        from slidebuild.lecture_video import join_lecture

        dest, seconds, wrote = join_lecture(out, infos, lecture, fmt, settings.spec)
        state = "wrote" if wrote else "up to date:"
        click.echo(f"{state} {dest} ({len(infos)} scenes, {seconds:.1f} s) with captions")


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
    type=click.Path(path_type=Path),
    required=True,
    help="The FILE to write: .png, or .svg / .pdf for vectors (crisp at any zoom).",
)
@click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default="h", show_default=True)
@click.option("--theme", type=click.Choice(["light", "dark"]))
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--seed", type=click.IntRange(0, 2**32 - 1))
@friendly
def still(scene_id, step, output, quality, theme, config_path, seed) -> None:
    """Write one frame of a scene: the last frame, or the end of step K. The output's
    suffix picks the format: PNG, or SVG/PDF drawn as vectors from the same mobjects.

    \b
    Examples:
      rnn-slides still lstm-circuit -o circuit.png
      rnn-slides still lstm-circuit --step 3 -q l --theme dark -o step3.png
      rnn-slides still lstm-odyssey --step 3 -o odyssey.svg   # vectors, for papers
    """
    from PIL import Image

    suffix = output.suffix.lower().lstrip(".")
    info = _registry().get_scene(scene_id)
    resolve = _load_config(config_path, theme, seed)
    scene_config = resolve(info.lecture)
    outputs.check_output(
        output,
        suffixes=(".png", ".svg", ".pdf"),
        writes="still writes .png, .svg or .pdf files (the suffix picks the format)",
        inputs=_config_inputs(config_path, resolve, [info.lecture]),
    )
    scene = engine.construct(info, scene_config, quality, capture_step=step)
    if step is not None and scene.captured_frame is None:
        raise UserError(
            f"scene {scene_id!r} has {len(scene.steps)} steps; --step must be 1..{len(scene.steps)}"
        )
    if suffix in ("svg", "pdf"):
        from slidebuild.vector import write_vector_still

        write_vector_still(scene, output)  # the scene stops at the end of step K
        camera = scene.renderer.camera
        click.echo(f"wrote {output} ({camera.pixel_width}x{camera.pixel_height} pt, vectors)")
        return
    frame = scene.captured_frame if step is not None else scene.renderer.get_frame()
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="PNG")
    engine.atomic_write_bytes(output, buffer.getvalue())
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
    from scenes.kit.lint import Problem, check_scene, format_table

    chosen = _select(ids, lecture, all_)
    resolve = _load_config(config_path, theme, None)
    problems = []
    for info in chosen:
        try:
            found = check_scene(info.cls, resolve(info.lecture))
        except Exception as exc:  # noqa: BLE001 - one scene failing must not hide the others
            if _debug_enabled():
                traceback.print_exc()
            message = (str(exc).splitlines() or [type(exc).__name__])[0]
            found = [Problem("build failed", (message,), scene=info.id, step=0)]
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
    help="Output FOLDER: figures go to OUT/lecture<N>/.",
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
    from scenes.kit.theme import get_theme
    from slidebuild.figures import FIGURES

    engine.check_writable(out)
    formats = fmt or ("png", "svg", "pdf")
    chosen = [f for f in FIGURES if lecture is None or f.lecture == lecture]
    if not chosen:
        raise UserError(f"no figures for lecture {lecture}")
    for spec in chosen:  # every target passes the output rule before any is drawn
        for ext in formats:
            path = out / f"lecture{spec.lecture}" / f"{spec.id}.{ext}"
            outputs.check_output(
                path, suffixes=(f".{ext}",), writes="", out=out, fix="write them elsewhere with -o"
            )
    import matplotlib

    # Print-grade text: SVG keeps it as <text> (searchable, editable in Inkscape), PDF
    # embeds TrueType fonts (journals refuse Type 3).
    text_as_text = {"svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42}
    for spec in chosen:
        figure = spec.make(get_theme(theme))
        for ext in formats:
            buffer = io.BytesIO()
            with matplotlib.rc_context(text_as_text):
                figure.savefig(buffer, format=ext, dpi=200, facecolor=figure.get_facecolor())
            path = out / f"lecture{spec.lecture}" / f"{spec.id}.{ext}"
            engine.atomic_write_bytes(path, buffer.getvalue())
            click.echo(f"  {path}")


@cli.command()
@click.argument("ids", nargs=-1)
@lecture_option
@click.option("--all", "all_", is_flag=True, help="Every lecture, in order.")
@click.option("--to", "to", type=click.Choice(DECK_FORMATS), required=True, help="Deck format.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Deck FILE to write; default OUT/deck-<lectures>.<format> (handout: .pdf).",
)
@click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default="l", show_default=True)
@fps_option
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
@narration_option
@voice_option
@friendly
def deck(
    ids,
    lecture,
    all_,
    to,
    output,
    quality,
    fps,
    theme,
    config_path,
    jobs,
    out,
    offline,
    revealjs,
    narration_spec,
    voice,
) -> None:
    """Build a slide deck (HTML, PPTX or PDF) from the rendered scenes, in lecture order,
    or a handout: a vector PDF with one page per click step and its speaker notes.

    Scenes that are missing or stale are rendered first (mp4, at --quality); a handout
    needs no video and is drawn from the scenes directly.

    \b
    Examples:
      rnn-slides deck --all --to html --offline     # after: make revealjs
      rnn-slides deck lstm-circuit bptt --to html -o two.html  # chosen scenes, in that order
      rnn-slides deck --all --to html -q h --fps 30 # 1080p30, crisp on a projector
      rnn-slides deck --lecture 4 --to pptx -o lstm.pptx
      rnn-slides deck --lecture 4 --to handout -o lecture4.pdf
      rnn-slides deck --lecture 4 --to pptx --narration recordings/   # every step speaks

    The HTML deck shows the current step's caption under the slide: press C.
    """
    if lecture is None and not all_ and not ids:
        raise UserError("name scene ids, or pass --lecture N or --all (see `rnn-slides list`)")
    if offline and to != "html":
        raise UserError("--offline applies to --to html only (PPTX and PDF never need the network)")
    infos = _select(ids, lecture, all_)
    resolve = _load_config(config_path, theme, None)
    source = click.get_current_context().get_parameter_source
    if source("revealjs") == click.core.ParameterSource.COMMANDLINE and not offline:
        click.echo("warning: --revealjs is used with --offline only; ignored", err=True)
    label = f"lecture{lecture}" if lecture is not None else "all" if all_ else "scenes"
    inputs = _config_inputs(config_path, resolve, [info.lecture for info in infos])
    if to == "handout":
        if narration_spec is not None:
            raise UserError("a handout is paper: --narration applies to html, pptx and pdf decks")
        if source("jobs") == click.core.ParameterSource.COMMANDLINE:
            click.echo("warning: -j has no effect on a handout (drawn in this process)", err=True)
        default = out / f"handout-{label}.pdf"
        dest = output or default
        outputs.check_output(
            dest,
            suffixes=(".pdf",),
            writes="a handout is a PDF (*.pdf)",
            out=out,
            inputs=inputs,
            instead=default,
        )
        _write_handout(infos, resolve, dest, quality, _deck_title(lecture))
        return
    settings = RenderSettings(quality=quality, jobs=jobs, fps=fps)
    quality = settings.spec  # decks and their slide data are keyed by quality and frame rate
    if quality != engine.DEFAULT_QUALITY:  # decks of other qualities sit beside it
        label += f"-{engine.quality_tag(quality)}"
    default = out / f"deck-{label}.{to}"
    dest = output or default
    videos = [out / engine.output_key(info, "mp4", quality) for info in infos]
    outputs.check_output(  # before anything renders
        dest,
        suffixes=(".html", ".htm") if to == "html" else (f".{to}",),
        writes=f"--to {to} writes .{to} files",
        out=out,
        own=f"decks/{dest.resolve().as_posix()}",  # as engine.build_deck keys it
        inputs=inputs + videos,
        instead=default,
    )
    found = _narration(narration_spec, voice, infos, resolve, out)
    engine.build(
        infos,
        resolve,
        out=out,
        settings=dataclasses.replace(settings, narration=found),
        echo=click.echo,
    )
    names = [info.class_name for info in infos]  # manim-slides keys its data by class name
    if len(set(names)) != len(names):
        raise UserError("two scenes share a class name; manim-slides needs unique names")
    extra: list[str] = []
    if to == "html":
        from scenes.kit.theme import get_theme

        background = get_theme(resolve(infos[0].lecture).theme).background
        extra = ["-cslide_number=true", f"-cbackground_color={background}"]
        if offline:
            extra += ["--offline", "--one-file", "--revealjs-assets-timeout", "0.5"]
    prepare = functools.partial(_prime_revealjs_cache, revealjs) if offline else None
    finish, finish_tag = None, ""
    if to == "html":
        from slidebuild.captions import read_slide_captions

        title = _deck_title(lecture)
        captions = read_slide_captions(out / engine.slides_dir(quality), names)
        rests = engine.read_slide_rests(out, names, quality)
        narrated = found is not None
        finish = functools.partial(
            _polish_html_deck, title=title, captions=captions, narrated=narrated, rests=rests
        )
        rest_names = [p.relative_to(out).as_posix() if p else None for p in rests or []]
        finish_tag = f"polish_html:{POLISH_VERSION}:{title}:{narrated}:{captions}:{rest_names}"
    if engine.build_deck(
        out,
        names,
        dest,
        to,
        extra,
        prepare=prepare,
        finish=finish,
        finish_tag=finish_tag,
        quality=quality,
    ):
        click.echo(f"wrote {dest} ({len(names)} scenes)")
    else:
        click.echo(f"deck up to date: {dest} ({len(names)} scenes)")


def _write_handout(infos: list, resolve, dest: Path, quality: str, title: str) -> None:
    """One vector page per click step of every scene, with the step's notes."""
    from slidebuild.vector import Handout, with_step_hook

    with Handout(dest, title=title) as handout:
        for number, info in enumerate(infos, 1):
            click.echo(f"  [{number}/{len(infos)}] {info.id}")

            def page(scene, record, info=info) -> None:
                label = f"Lecture {info.lecture} - {info.title} - step {record.index}"
                handout.add_step(scene, label=label, notes=record.notes)

            engine.construct(
                info,
                resolve(info.lecture),
                quality,
                wrap=functools.partial(with_step_hook, on_step_end=page),
            )
    click.echo(f"wrote {dest} ({handout.pages} pages, vectors)")


@cli.group()
def weights() -> None:
    """Weights files for model.weights, from the frameworks lecturers train in.

    \b
    Examples:
      rnn-slides weights import lstm.pt --from torch -o my_lstm.npz
      rnn-slides weights import --help
    """


@weights.command("import")
@click.argument("src", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "framework",
    type=click.Choice(["torch", "keras"]),
    required=True,
    help="torch: an nn.LSTM / nn.RNN state_dict (.npz, or .pt/.pth with torch installed); "
    "keras: an LSTM layer's kernel, recurrent_kernel, bias (.npz).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The .npz FILE to write, in rnn_core's array names.",
)
@click.option(
    "--layer",
    metavar="NAME",
    help="The recurrent layer to import when SRC holds several (e.g. encoder, decoder): "
    "the prefix of its keys.",
)
@friendly
def weights_import(src: Path, framework: str, output: Path, layer: str | None) -> None:
    """Convert a PyTorch or Keras model's weights into an rnn_core weights file.

    Gates are reordered (PyTorch i, f, g, o; Keras i, f, c, o), PyTorch's two biases are
    summed and Keras' kernels transposed; peepholes stay off (a file without them means
    peepholes = false). An nn.RNN gives U W b, plus V c from a linear layer saved with it.

    \b
    Examples:
      rnn-slides weights import lstm.pt --from torch -o my_lstm.npz   # torch installed
      rnn-slides weights import sd.npz --from torch -o my_lstm.npz    # numpy.savez'd state_dict
      rnn-slides weights import keras_lstm.npz --from keras -o my_lstm.npz
      rnn-slides weights import seq2seq.pt --from torch --layer encoder -o enc.npz
    Then in the config: [lecture.4.model] weights = "my_lstm.npz"

    What is written is checked as a config checks its weights file (finite values within
    -100..100, sizes the slides draw); a file it would refuse is not written.
    """
    import numpy as np

    from rnn_core.interop import LayerChoiceError, import_weights
    from scenes.kit.config import ConfigError, check_weights_file

    outputs.check_output(
        output,
        suffixes=(".npz",),
        writes="weights files are .npz archives (*.npz)",
        inputs=[src],
        instead=output.with_name(f"{output.stem or src.stem}-rnn_core.npz")
        if output.suffix.lower() == ".npz"
        else None,
    )
    try:
        arrays = import_weights(src, framework, layer=layer)
    except LayerChoiceError as exc:
        names = [name or '""' for name in exc.layers]  # "": keys without a prefix
        if exc.wanted is None:
            raise UserError(
                f"{src.name} holds {len(names)} recurrent layers ({', '.join(names)}); choose "
                f"one with --layer, e.g. --layer {names[0]}"
            ) from None
        raise UserError(
            f"{src.name} has no recurrent layer {exc.wanted!r}; its layers: {', '.join(names)} "
            f"(e.g. --layer {names[0]})"
        ) from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    rnn_without_output = "U" in arrays and "V" not in arrays  # V, c added by hand
    with tempfile.TemporaryDirectory(prefix="rnn-slides-") as staging:
        staged = Path(staging) / output.name  # messages name the file as it will be named
        staged.write_bytes(buffer.getvalue())
        try:
            check_weights_file(staged, missing_ok=("V", "c") if rnn_without_output else ())
        except ConfigError as exc:
            raise UserError(f"not written (a config would refuse it): {exc}") from None
    engine.atomic_write_bytes(output, buffer.getvalue())
    kind = "LSTM" if "W_z" in arrays else "simple RNN"
    shape = arrays["W_z"].shape if "W_z" in arrays else arrays["U"].shape
    click.echo(
        f"wrote {output}: {kind} with {shape[0]} units and {shape[1]} inputs"
        + ("" if kind == "LSTM" or "V" in arrays else "; add V and c (the output layer) by hand")
    )


POLISH_VERSION = "4"  # bump when slidebuild.deck_html changes what it writes


def _deck_title(lecture: int | None) -> str:
    titles = _registry().lecture_titles()
    if lecture is not None:
        return f"Lecture {lecture}. {titles[lecture]}"
    return "Recurrent networks, lectures " + ", ".join(str(n) for n in sorted(titles))


def _polish_html_deck(
    path: Path,
    *,
    title: str,
    captions: list[str] | None = None,
    narrated: bool = False,
    rests: list[Path | None] | None = None,
) -> None:
    """Classroom fixes on manim-slides' HTML (muted videos, or sound for a narrated deck;
    title, hash, Space, slide number, captions on C, vector resting frames)."""
    from slidebuild.deck_html import polish_html, rest_url

    urls = None if rests is None else [rest_url(p.read_bytes()) if p else None for p in rests]
    text = polish_html(
        path.read_text(encoding="utf-8"),
        title=title,
        captions=captions,
        narrated=narrated,
        rests=urls,
    )
    path.write_text(text, encoding="utf-8")


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
@friendly
def voices() -> None:
    """List the system voices `--narration tts --voice NAME` can use (offline).

    \b
    Examples:
      rnn-slides voices
      rnn-slides render lstm-circuit --narration tts --voice "English (Great Britain)"
    """
    from slidebuild.narration import tts_voices

    for voice_id, name in tts_voices():
        click.echo(f"{name}\t{voice_id}")


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
    import importlib.metadata

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
    from slidebuild.narration import tts_problem

    checks.append(
        (
            "speech engine (optional)",
            True,
            tts_problem() or "offline draft voice for --narration tts",
        )
    )
    checks.append(
        (
            "LaTeX (optional)",
            True,
            shutil.which("latex") or "not installed; not needed (Typst typesets the math)",
        )
    )

    def writable() -> str:
        engine.check_writable(out)
        return f"{out.resolve()} is writable"

    check("output folder", writable, "choose a writable folder with -o")
    ok = all(passed for _, passed, _ in checks)
    for name, passed, detail in checks:
        click.echo(f"{'ok ' if passed else 'FIX'}  {name}: {detail}")
    if not ok:
        raise UserError("some checks failed; see the FIX lines above")


def _require_version(package: str, prefix: str) -> str:
    import importlib.metadata

    version = importlib.metadata.version(package)
    if not version.startswith(prefix):
        raise RuntimeError(f"{package} {version} is installed; {prefix}.x is needed")
    return version


def _typst_probe() -> str:
    import importlib.metadata

    import typst

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "probe.typ"
        src.write_text("$ bold(c)^t = bold(z)^t dot.o bold(i)^t $")
        typst.compile(str(src), format="svg")
    return importlib.metadata.version("typst")


if __name__ == "__main__":
    cli()
