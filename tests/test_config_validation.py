"""Bad configs and weights files are refused with one short line naming the file, the key
and the fix, before anything renders: non-real or non-numeric weights, arrays under
unknown names, files that are not .npz archives, inputs that are not numbers or would not
fit on a slide, wrong-typed tables, non-UTF-8 files, huge values, and weights that do not
fit the model a selected lecture draws.

Loader functions are called directly where the check is the loader's; the CLI is used
(through click's CliRunner) only where the refusal happens before any render.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from render import cli
from scenes.kit import config as config_module
from scenes.kit.config import (
    LECTURE_MODELS,
    MAX_MESSAGE,
    VALUE_LIMIT,
    ConfigError,
    ModelConfig,
    SceneConfig,
    check_model,
    load_config,
    lstm_setup,
    rnn_setup,
    validate_for_lecture,
)

ROOT = Path(__file__).resolve().parent.parent
LSTM_SCENE = "lstm-gate-extremes"  # lecture 4
RNN_SCENE = "rnn-neurons"  # lecture 2
LINE_LIMIT = 200  # "Error: " + message


def lstm_arrays(n_in: int = 3, n_hidden: int = 3) -> dict[str, np.ndarray]:
    from rnn_core.lstm import LSTMParams

    params = LSTMParams.init(n_in, n_hidden, np.random.default_rng(5))
    return {name: getattr(params, name) for name in params.array_names()}


def rnn_arrays(n_in: int = 3, n_hidden: int = 3, n_out: int = 3) -> dict[str, np.ndarray]:
    from rnn_core.rnn import RNNParams

    params = RNNParams.init(n_in, n_hidden, n_out, np.random.default_rng(5))
    return {name: getattr(params, name) for name in ("U", "W", "V", "b", "c")}


def write(tmp_path: Path, text: str | bytes, name: str = "cfg.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    """The message load_config refuses a file with (one line, short)."""
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert len(message.splitlines()) == 1 and len(message) <= MAX_MESSAGE, message
    assert "Traceback" not in message
    return message


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_cli_refusal(result, *needles: str) -> str:
    """Non-zero exit, exactly one line 'Error: ...' of at most ~200 characters."""
    assert result.exit_code != 0, result.output[:500]
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output[:500]
    line = lines[0]
    assert line.startswith("Error: ") and "Traceback" not in line, line[:300]
    assert len(line) <= LINE_LIMIT, f"{len(line)} characters: {line[:300]}"
    for needle in needles:
        assert needle in line, line
    return line


def no_outputs(out: Path) -> bool:
    return not out.exists() or not any(p.suffix in (".mp4", ".png") for p in out.rglob("*"))


# ---------------------------------------------------------------------------------------
# Weights: real numeric arrays only, under known names


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda a: a.astype(np.complex128), "complex"),
        (lambda a: a > 0, "booleans"),
        (lambda a: a.astype(str), "strings"),
        (lambda a: a.astype(np.float64).astype("S8"), "bytes"),
        (lambda a: np.array([{"evil": 1}], dtype=object), "objects"),
    ],
    ids=["complex", "bool", "str", "bytes", "object"],
)
def test_weights_must_be_real_numbers(tmp_path: Path, make, needle: str) -> None:
    arrays = lstm_arrays()
    arrays["R_f"] = make(arrays["R_f"])
    np.savez(tmp_path / "w.npz", **arrays)
    message = refusal(write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\n"))
    for part in ("cfg.toml", "lecture.4.model.weights", "w.npz", "'R_f'", needle, "float or int"):
        assert part in message, message
    assert "allow_pickle" not in message


def test_complex_weights_are_refused_at_render_time_too(tmp_path: Path) -> None:
    """A scene building its model from a config (as the render worker does) gets the same
    refusal, never a ComplexWarning and a silently dropped imaginary part."""
    arrays = lstm_arrays()
    arrays["W_z"] = arrays["W_z"] + 1j
    np.savez(tmp_path / "w.npz", **arrays)
    cfg = SceneConfig(model=ModelConfig(weights=str(tmp_path / "w.npz")))
    with pytest.raises(ConfigError, match="complex"):
        lstm_setup(cfg)


@pytest.mark.parametrize(
    ("value", "needle"),
    [(np.nan, "NaN or infinite"), (np.inf, "NaN or infinite"), (1e308, "-100..100")],
)
def test_weights_must_be_finite_and_fit_on_a_slide(tmp_path: Path, value, needle) -> None:
    arrays = rnn_arrays()
    arrays["W"] = arrays["W"].copy()
    arrays["W"][0, 0] = value
    np.savez(tmp_path / "w.npz", **arrays)
    message = refusal(write(tmp_path, "[lecture.2.model]\nweights = 'w.npz'\n"))
    assert "'W'" in message and needle in message, message


def test_integer_weights_are_accepted(tmp_path: Path) -> None:
    arrays = {k: np.round(v * 10).astype(np.int32) for k, v in rnn_arrays().items()}
    np.savez(tmp_path / "w.npz", **arrays)
    cfg = load_config(write(tmp_path, "[lecture.2.model]\nweights = 'w.npz'\n")).for_lecture(2)
    params, _, _ = rnn_setup(cfg)
    assert params.W.dtype == np.float64
    np.testing.assert_array_equal(params.W, arrays["W"])


@pytest.mark.parametrize(
    ("arrays", "extra", "lecture", "suggestion"),
    [
        (lstm_arrays, "W_zz", 4, "did you mean 'W_z'?"),
        (lstm_arrays, "bias", 5, "LSTM: W_z..W_o"),
        (rnn_arrays, "w", 2, "did you mean 'W'?"),
    ],
)
def test_arrays_under_unknown_names_are_refused_with_the_nearest_name(
    tmp_path: Path, arrays, extra: str, lecture: int, suggestion: str
) -> None:
    data = arrays()
    data[extra] = np.zeros(3)
    np.savez(tmp_path / "w.npz", **data)
    message = refusal(write(tmp_path, f"[lecture.{lecture}.model]\nweights = 'w.npz'\n"))
    assert f"'{extra}'" in message and suggestion in message and "w.npz" in message, message


@pytest.mark.parametrize(
    "extra",
    [np.array(["trained on weather"]), np.array([True, False]), np.array([{"a": 1}], dtype=object)],
    ids=["str", "bool", "object"],
)
def test_non_numeric_arrays_under_other_names_are_refused(tmp_path: Path, extra) -> None:
    """Extra arrays next to complete weights (notes, masks, metadata) are not ignored."""
    np.savez(tmp_path / "w.npz", **lstm_arrays(), notes=extra)
    message = refusal(write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\n"))
    assert "w.npz" in message and "'notes'" in message, message


def test_shared_weights_with_an_unknown_name_are_refused(tmp_path: Path) -> None:
    data = rnn_arrays()
    data["V_out"] = data.pop("V")
    np.savez(tmp_path / "w.npz", **data)
    message = refusal(write(tmp_path, "[model]\nweights = 'w.npz'\n"))
    assert "model.weights" in message and "'V_out'" in message and "'V'" in message, message


# ---------------------------------------------------------------------------------------
# Files that are not weights files


def test_npy_renamed_npz_is_refused_naming_what_a_weights_file_is(tmp_path: Path) -> None:
    np.save(tmp_path / "single.npy", np.zeros((3, 3)))
    (tmp_path / "single.npy").rename(tmp_path / "single.npz")
    message = refusal(write(tmp_path, "[lecture.4.model]\nweights = 'single.npz'\n"))
    assert "single.npz" in message and ".npy" in message, message
    assert ".npz archive of named arrays" in message and "numpy.savez" in message, message


def test_a_folder_as_weights_file_is_named_a_folder(tmp_path: Path) -> None:
    (tmp_path / "weights").mkdir()
    message = refusal(write(tmp_path, "[lecture.4.model]\nweights = 'weights'\n"))
    assert "'weights' is a folder, not a file" in message and "does not exist" not in message
    cfg = SceneConfig(model=ModelConfig(weights=str(tmp_path / "weights")))
    with pytest.raises(ConfigError, match="is a folder, not a file"):
        check_model(cfg, "lstm")


def _npz_with_header(path: Path, key: str, shape: tuple[int, ...], data: bytes) -> Path:
    """An .npz holding one array whose .npy header claims ``shape`` over ``data``."""
    import io
    import zipfile

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{key}.npy", header.getvalue() + data)
    return path


def test_absurd_array_headers_are_refused_before_reading(tmp_path: Path) -> None:
    """NumPy allocates what a header claims (74.5 GiB here) before it reads a byte."""
    _npz_with_header(tmp_path / "w.npz", "W_z", (100000, 100000), b"\0" * 64)
    message = refusal(write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\n"))
    for needle in ("w.npz", "'W_z'", "(100000, 100000)", "74.5 GiB", "right file"):
        assert needle in message, message
    result = run("render", LSTM_SCENE, "--config", str(tmp_path / "cfg.toml"))
    assert_cli_refusal(result, "w.npz", "'W_z'", "74.5 GiB")


def test_a_header_the_data_does_not_fill_is_named_damaged(tmp_path: Path) -> None:
    _npz_with_header(tmp_path / "w.npz", "W_z", (3, 3), b"\0" * 16)
    message = refusal(write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\n"))
    assert "'W_z' is damaged" in message and "(3, 3)" in message, message


def test_check_weights_file_is_the_configs_check(tmp_path: Path) -> None:
    """``rnn-slides weights import`` checks what it writes with this; it must give what a
    config naming the file gives, and the model the config would draw."""
    arrays = lstm_arrays(2, 5)
    np.savez(tmp_path / "good.npz", **arrays)
    model = config_module.check_weights_file(tmp_path / "good.npz")
    config = load_config(write(tmp_path, "[model]\nweights = 'good.npz'\n")).default.model
    assert model == config and (model.n_in, model.n_hidden) == (2, 5)
    arrays["R_o"] = arrays["R_o"] * 1000
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ConfigError) as info:
        config_module.check_weights_file(tmp_path / "bad.npz")
    assert str(info.value) in refusal(write(tmp_path, "[model]\nweights = 'bad.npz'\n"))


@pytest.mark.parametrize(
    "content",
    [b"W_z = [[1, 2, 3]]\n", b"", b"\x00\x01binary junk\xff" * 10, b"PK\x03\x04 truncated zip"],
    ids=["text", "empty", "binary", "broken-zip"],
)
def test_files_that_are_not_npz_archives_are_refused(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "w.npz").write_bytes(content)
    message = refusal(write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\n"))
    assert "w.npz" in message and ".npz archive of named arrays" in message, message
    assert "allow_pickle" not in message and "pickle" not in message.lower(), message


def test_text_weights_file_via_the_cli_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "w.npz").write_text("this is not a weights file\n")
    config = write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\n")
    out = tmp_path / "out"
    result = run("render", LSTM_SCENE, "-q", "l", "--config", str(config), "-o", str(out))
    line = assert_cli_refusal(result, "w.npz", "text file", "numpy.savez")
    assert "allow_pickle" not in line
    assert no_outputs(out)


# ---------------------------------------------------------------------------------------
# Inputs: numbers (not booleans or strings) within the documented range


@pytest.mark.parametrize(
    ("row", "needles"),
    [
        ("[1e308, 0, 0]", ("model.inputs[0][0]", "1e+308", "-100..100")),
        ("[0, -101, 0]", ("model.inputs[0][1]", "-100..100")),
        ("[0, 0, nan]", ("model.inputs[0][2]", "nan")),
        ("[inf, 0, 0]", ("model.inputs[0][0]", "inf")),
        ("[true, false, true]", ("model.inputs[0][0]", "must be a number", "boolean true")),
        ("['1', '2', '3']", ("model.inputs[0][0]", "must be a number", "string '1'")),
        ("[0.5, [1], 0]", ("model.inputs[0][1]", "must be a number")),
    ],
)
def test_inputs_must_be_numbers_within_range(tmp_path: Path, row: str, needles) -> None:
    message = refusal(write(tmp_path, f"[model]\ninputs = [{row}, [0.1, 0.2, 0.3]]\n"))
    for needle in ("cfg.toml", *needles):
        assert needle in message, message


def test_inputs_at_the_limit_are_accepted(tmp_path: Path) -> None:
    limit = int(VALUE_LIMIT)
    cfg = load_config(write(tmp_path, f"[model]\ninputs = [[{limit}, -{limit}, 0]]\n"))
    assert cfg.default.model.inputs == ((VALUE_LIMIT, -VALUE_LIMIT, 0.0),)


def test_ragged_or_empty_inputs_are_refused(tmp_path: Path) -> None:
    for rows in ("[]", "[[]]", "[[1, 2, 3], [1, 2]]", "[1, 2, 3]"):
        message = refusal(write(tmp_path, f"[model]\ninputs = {rows}\n"))
        assert "model.inputs" in message, (rows, message)


def test_bool_inputs_via_the_cli(tmp_path: Path) -> None:
    config = write(tmp_path, "[lecture.4.model]\ninputs = [[true, false, true]]\n")
    out = tmp_path / "out"
    result = run("render", LSTM_SCENE, "-q", "l", "--config", str(config), "-o", str(out))
    assert_cli_refusal(result, "cfg.toml", "lecture.4.model.inputs[0][0]", "must be a number")
    assert no_outputs(out)


# ---------------------------------------------------------------------------------------
# Huge values: every message stays one short line


HUGE = "x" * 1_000_000


@pytest.mark.parametrize(
    "toml",
    [
        f"theme = '{HUGE}'\n",
        f"{HUGE} = 1\n",
        f"[model]\nseed = '{HUGE}'\n",
        f"[model]\n{HUGE} = 1\n",
        f"[model]\nweights = '{HUGE[:5000]}.npz'\n",
        f"[lecture.4]\ntheme = '{HUGE}'\n",
        f"[lecture.4]\nmodel = '{HUGE}'\n",
        f"[lecture.{HUGE[:100000]}]\ntheme = 'dark'\n",
        "[model]\ninputs = [[" + ", ".join(["1e308"] * 100_000) + "]]\n",
        "[model]\ninputs = [[0.1, '" + HUGE + "', 0.3]]\n",
    ],
    ids=[
        "theme",
        "top-key",
        "seed",
        "model-key",
        "weights-path",
        "lecture-theme",
        "lecture-model",
        "lecture-number",
        "inputs-row",
        "inputs-string",
    ],
)
def test_huge_values_give_short_messages(tmp_path: Path, toml: str) -> None:
    message = refusal(write(tmp_path, toml))
    assert "cfg.toml" in message and "..." in message, message


def test_one_mb_theme_via_the_cli_is_one_short_line(tmp_path: Path) -> None:
    config = write(tmp_path, f"theme = '{HUGE}'\n")
    out = tmp_path / "out"
    result = run("still", LSTM_SCENE, "-q", "l", "--config", str(config), "-o", str(out / "x.png"))
    assert_cli_refusal(result, "cfg.toml", "theme must be one of light, dark")
    assert no_outputs(out)


def test_line_breaks_in_values_stay_on_one_line(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, 'theme = "dark\\nError: fake\\u2028second\\r"\n'))
    assert "theme must be one of" in message, message


def test_long_config_path_keeps_its_file_name(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 80) / ("e" * 80)
    deep.mkdir(parents=True)
    message = refusal(write(deep, "theme = 'pink'\n", name="lecture-config.toml"))
    assert "lecture-config.toml" in message and "theme" in message, message


# ---------------------------------------------------------------------------------------
# Encoding and wrong-typed tables


def test_non_utf8_config_names_the_file_and_the_fix(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "theme = 'ライト'\n".encode("shift_jis")))
    assert "cfg.toml" in message and "UTF-8" in message and "0x" in message, message
    assert "codec" not in message, message


def test_non_utf8_config_via_the_cli(tmp_path: Path) -> None:
    config = write(tmp_path, b"theme = 'light' # caf\xe9\n")
    result = run("render", LSTM_SCENE, "--config", str(config), "-o", str(tmp_path / "out"))
    assert_cli_refusal(result, "cfg.toml", "not UTF-8", "save it as UTF-8 TOML")


def test_utf8_with_bom_is_read(tmp_path: Path) -> None:
    config = write(tmp_path, "\ufefftheme = 'dark'\n".encode())
    assert load_config(config).default.theme == "dark"


@pytest.mark.parametrize(
    ("toml", "needles"),
    [
        ("[lecture.4]\nmodel = 5\n", ("lecture.4.model must be a table", "[lecture.4.model]")),
        ("[lecture.4]\nmodel = 'abc'\n", ("lecture.4.model must be a table", "string 'abc'")),
        ("[lecture.4]\nmodel = []\n", ("lecture.4.model must be a table",)),
        ("[lecture]\n4 = 5\n", ("lecture.4 must be a table", "[lecture.4]")),
        ("lecture = 3\n", ("lecture must be a table of tables",)),
        ("lecture = [1, 2]\n", ("lecture must be a table of tables",)),
        ("model = []\n", ("model must be a table", "[model]")),
        ("model = 'lstm'\n", ("model must be a table", "[model]")),
        ("theme = 5\n", ("theme must be one of light, dark", "got 5")),
        ("theme = ['dark']\n", ("theme must be one of light, dark",)),
        ("[lecture.4]\ntheme = true\n", ("lecture.4.theme must be one of", "got true")),
        ("[model]\nseed = 1.5\n", ("model.seed must be int", "float 1.5")),
        ("[model]\nseed = true\n", ("model.seed must be int", "boolean true")),
        ("[model]\nn_in = '3'\n", ("model.n_in must be int", "string '3'")),
        ("[model]\npeepholes = 'yes'\n", ("model.peepholes must be bool",)),
        ("[model]\nweights = 5\n", ("model.weights must be str", "integer 5")),
        ("[model]\ninputs = {a = 1}\n", ("model.inputs must be list", "table")),
        ("[model]\ninputs = 0.5\n", ("model.inputs must be list",)),
        ("[lecture.04]\ntheme = 'dark'\n", ("lecture.04", "1..5")),
        ("[lecture.x]\ntheme = 'dark'\n", ("lecture.x", "1..5")),
    ],
)
def test_wrong_types_name_the_key(tmp_path: Path, toml: str, needles) -> None:
    message = refusal(write(tmp_path, toml))
    for needle in ("cfg.toml", *needles):
        assert needle in message, message


def test_lecture_model_of_wrong_type_via_the_cli(tmp_path: Path) -> None:
    config = write(tmp_path, "[lecture.4]\nmodel = 5\n")
    result = run("render", LSTM_SCENE, "--config", str(config), "-o", str(tmp_path / "out"))
    assert_cli_refusal(result, "lecture.4.model must be a table")


# ---------------------------------------------------------------------------------------
# Weights that do not fit a selected lecture's model: refused before the first render


def _setups_called(path: Path, helpers: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """For each function of a module (and the module as a whole, under ""), which of
    rnn_setup / lstm_setup it calls, directly or through ``helpers`` (name -> setups)."""
    import ast

    helpers = helpers or {}
    tree = ast.parse(path.read_text())
    found: dict[str, set[str]] = {}
    for node in [tree, *[n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]]:
        called = {
            n.func.id
            for n in ast.walk(node)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        kinds = {name.split("_")[0] for name in called if name in ("rnn_setup", "lstm_setup")}
        for name in called & helpers.keys():
            kinds |= helpers[name]
        found[getattr(node, "name", "")] = kinds
    return found


def test_lecture_models_follow_the_scenes() -> None:
    """LECTURE_MODELS (what validate_for_lecture checks) matches the code: lectures 1-2
    build the simple RNN, 4-5 the LSTM, 3 neither."""
    lesson = ROOT / "scenes" / "lesson_data.py"
    helpers = _setups_called(lesson)
    helpers = _setups_called(lesson, helpers)  # one level of helper-calls-helper
    from slidebuild.registry import lecture_scenes, lecture_titles

    for lecture in lecture_titles():
        # the lecture module and the topic modules its scenes live in
        paths = {info.path for info in lecture_scenes(lecture)}
        uses = set().union(*(_setups_called(path, helpers)[""] for path in paths))
        want = {LECTURE_MODELS[lecture]} if lecture in LECTURE_MODELS else set()
        assert uses == want, (lecture, sorted(p.name for p in paths), uses)


def test_expected_shapes_agree_with_rnn_core() -> None:
    for n_in, n_hidden, n_out in [(1, 1, 1), (3, 4, 2), (6, 6, 6)]:
        model = ModelConfig(n_in=n_in, n_hidden=n_hidden, n_out=n_out)
        for kind, arrays in (
            ("lstm", lstm_arrays(n_in, n_hidden)),
            ("rnn", rnn_arrays(n_in, n_hidden, n_out)),
        ):
            shapes = config_module._expected_shapes(kind, model)
            assert shapes == {k: v.shape for k, v in arrays.items()}, kind


def test_rnn_weights_are_refused_for_an_lstm_lecture(tmp_path: Path) -> None:
    np.savez(tmp_path / "rnn.npz", **rnn_arrays())
    config = load_config(write(tmp_path, "[model]\nweights = 'rnn.npz'\n"))
    validate_for_lecture(config.for_lecture(2), 2, config.source)  # fits the simple RNN
    validate_for_lecture(config.for_lecture(3), 3, config.source)  # lecture 3 draws no model
    with pytest.raises(ConfigError) as info:
        validate_for_lecture(config.for_lecture(4), 4, config.source)
    message = str(info.value)
    for needle in ("cfg.toml", "lecture 4", "rnn.npz", "simple-RNN", "LSTM", "[lecture.N.model]"):
        assert needle in message, message
    with pytest.raises(ConfigError, match="simple-RNN arrays, not LSTM"):
        check_model(config.for_lecture(5), "lstm")


def test_lstm_weights_for_a_simple_rnn_lecture_are_refused_at_load(tmp_path: Path) -> None:
    np.savez(tmp_path / "lstm.npz", **lstm_arrays())
    message = refusal(write(tmp_path, "[lecture.1.model]\nweights = 'lstm.npz'\n"))
    assert "lecture.1.model.weights" in message and "LSTM arrays, not simple-RNN" in message, (
        message
    )


def test_check_model_imports_neither_manim_nor_rnn_core(tmp_path: Path) -> None:
    """The engine validates configs before deciding anything renders: loading the module on
    its own (without the scenes.kit package) and checking weights pulls in neither."""
    np.savez(tmp_path / "rnn.npz", **rnn_arrays())
    code = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('kit_config', sys.argv[1])\n"
        "mod = importlib.util.module_from_spec(spec)\n"
        "sys.modules['kit_config'] = mod\n"
        "spec.loader.exec_module(mod)\n"
        "cfg = mod.SceneConfig(model=mod.ModelConfig(weights=sys.argv[2]))\n"
        "mod.validate_for_lecture(cfg, 2)\n"
        "try:\n"
        "    mod.validate_for_lecture(cfg, 4)\n"
        "except ValueError as exc:\n"
        "    print('refused:', exc)\n"
        "print(sorted(m for m in ('manim', 'rnn_core', 'scenes') if m in sys.modules))\n"
    )
    module = ROOT / "scenes" / "kit" / "config.py"
    out = subprocess.run(
        [sys.executable, "-c", code, str(module), str(tmp_path / "rnn.npz")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "refused:" in out and "simple-RNN" in out, out
    assert out.splitlines()[-1] == "[]", out


def test_rnn_weights_for_lstm_lecture_refused_before_any_render(tmp_path: Path) -> None:
    """`render rnn-neurons lstm-gate-extremes` with simple-RNN weights in the shared
    [model]: the lecture-4 scene cannot use them, so nothing renders at all (not even the
    lecture-2 scene that could)."""
    np.savez(tmp_path / "rnn.npz", **rnn_arrays())
    config = write(tmp_path, "[model]\nweights = 'rnn.npz'\n")
    out = tmp_path / "out"
    args = ("--config", str(config), "-q", "l", "-o", str(out))
    result = run("render", RNN_SCENE, LSTM_SCENE, *args)
    assert no_outputs(out), sorted(out.rglob("*"))
    assert_cli_refusal(result, "cfg.toml", "lecture 4", "rnn.npz", "simple-RNN")


def test_still_and_deck_validate_the_lecture_first(tmp_path: Path) -> None:
    np.savez(tmp_path / "rnn.npz", **rnn_arrays())
    config = write(tmp_path, "[model]\nweights = 'rnn.npz'\n")
    out = tmp_path / "out"
    result = run("still", LSTM_SCENE, "--config", str(config), "-q", "l", "-o", str(out / "x.png"))
    assert_cli_refusal(result, "lecture 4", "simple-RNN")
    result = run(
        "deck",
        "--lecture",
        "4",
        "--to",
        "html",
        "--config",
        str(config),
        "-o",
        str(out / "d.html"),
        "--out",
        str(out),
    )
    assert_cli_refusal(result, "lecture 4", "simple-RNN")
    assert no_outputs(out)


# ---------------------------------------------------------------------------------------
# What a weights file implies: sizes, and no peepholes for imported framework models


def test_imported_lstm_implies_its_sizes_and_no_peepholes(tmp_path: Path) -> None:
    from rnn_core.interop import lstm_from_torch

    rng = np.random.default_rng(1)
    state = {
        "weight_ih_l0": rng.normal(size=(16, 2)),
        "weight_hh_l0": rng.normal(size=(16, 4)),
        "bias_ih_l0": rng.normal(size=16),
        "bias_hh_l0": rng.normal(size=16),
    }
    np.savez(tmp_path / "torch.npz", **lstm_from_torch(state))
    config = load_config(write(tmp_path, "[lecture.4.model]\nweights = 'torch.npz'\n"))
    model = config.for_lecture(4).model
    assert (model.n_in, model.n_hidden, model.peepholes) == (2, 4, False)
    params, xs = lstm_setup(config.for_lecture(4))
    assert params.W_z.shape == (4, 2) and xs.shape[1] == 2
    assert not params.p_i.any()


def test_explicit_peepholes_with_an_imported_lstm_is_refused(tmp_path: Path) -> None:
    arrays = {k: v for k, v in lstm_arrays().items() if not k.startswith("p_")}
    np.savez(tmp_path / "w.npz", **arrays)
    message = refusal(write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\npeepholes = true\n"))
    assert "p_i" in message


def test_large_trained_lstms_are_accepted_and_shown_in_part(tmp_path: Path) -> None:
    """A real model runs at full size (the LSTM slides show some of its cells); the simple
    RNN's slides draw every unit, so its files keep the slide limit."""
    np.savez(tmp_path / "lstm64.npz", **lstm_arrays(n_in=10, n_hidden=64))
    config = load_config(write(tmp_path, "[lecture.4.model]\nweights = 'lstm64.npz'\n"))
    assert (config.for_lecture(4).model.n_in, config.for_lecture(4).model.n_hidden) == (10, 64)
    np.savez(tmp_path / "lstm300.npz", **lstm_arrays(n_in=3, n_hidden=300))
    message = refusal(write(tmp_path, "[lecture.4.model]\nweights = 'lstm300.npz'\n"))
    assert "n_hidden = 300" in message and "1..256" in message
    np.savez(tmp_path / "rnn8.npz", **rnn_arrays(n_hidden=8))
    message = refusal(write(tmp_path, "[lecture.2.model]\nweights = 'rnn8.npz'\n"))
    assert "n_hidden = 8" in message and "1..6" in message


# ---------------------------------------------------------------------------------------
# model.preset: the trained memory LSTM by default, the seeded model on request


def test_default_lstm_is_the_trained_memory_model_on_its_example() -> None:
    from rnn_core.pretrained import example_sequence, load
    from scenes.kit.config import lstm_preset, lstm_readout

    cfg = SceneConfig()
    assert lstm_preset(cfg.model) == "trained"
    params, xs = lstm_setup(cfg)
    trained = load("memory-lstm")
    np.testing.assert_array_equal(params.W_i, trained.params.W_i)
    np.testing.assert_array_equal(xs, example_sequence().xs)
    W_out, b_out = lstm_readout(cfg)
    np.testing.assert_array_equal(W_out, trained.W_out)


def test_random_preset_and_other_sizes_draw_the_seeded_model(tmp_path: Path) -> None:
    from rnn_core.lstm import LSTMParams
    from scenes.kit.config import lstm_preset, lstm_readout

    config = load_config(write(tmp_path, "[model]\npreset = 'random'\nseed = 4\n"))
    cfg = config.for_lecture(4)
    assert lstm_preset(cfg.model) == "random" and lstm_readout(cfg) is None
    params, xs = lstm_setup(cfg)
    seeded = LSTMParams.init(3, 3, np.random.default_rng(4))
    np.testing.assert_array_equal(params.W_z, seeded.W_z)
    assert xs.shape == (4, 3)
    for changes in ({"n_hidden": 6}, {"n_in": 2}, {"peepholes": False}):
        assert lstm_preset(cfg.with_model(preset="trained", **changes).model) == "random"


def test_weights_override_the_preset(tmp_path: Path) -> None:
    from scenes.kit.config import lstm_preset

    np.savez(tmp_path / "w.npz", **lstm_arrays())
    config = load_config(write(tmp_path, "[lecture.4.model]\nweights = 'w.npz'\n"))
    assert lstm_preset(config.for_lecture(4).model) == "weights"


def test_unknown_preset_is_refused(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "[model]\npreset = 'pretrained'\n"))
    assert "preset must be one of trained, random" in message and "cfg.toml" in message


# ---------------------------------------------------------------------------------------
# model.show_cells / model.show_inputs: which cells and inputs of a large LSTM the slides show


@pytest.fixture()
def lstm64(tmp_path: Path) -> Path:
    np.savez(tmp_path / "lstm64.npz", **lstm_arrays(n_in=10, n_hidden=64))
    return tmp_path


def test_a_selection_of_cells_and_inputs_is_read_sorted(lstm64: Path) -> None:
    config = load_config(
        write(
            lstm64,
            "[model]\nweights = 'lstm64.npz'\nshow_cells = [63, 0, 5]\nshow_inputs = [9]\n",
        )
    )
    for lecture in (4, 5):
        model = config.for_lecture(lecture).model
        assert (model.show_cells, model.show_inputs) == ((0, 5, 63), (9,))
    hash(config.for_lecture(4))  # frozen and hashable: tuples
    # absent: None, the scenes show the first cells that fit
    absent = load_config(write(lstm64, "[model]\nweights = 'lstm64.npz'\n")).default.model
    assert (absent.show_cells, absent.show_inputs) == (None, None)


def test_a_selection_survives_the_render_cache_round_trip() -> None:
    from slidebuild.engine import config_dict, scene_config_from_dict

    cfg = SceneConfig(model=ModelConfig(show_cells=(0, 3, 5), show_inputs=(1,)))
    again = scene_config_from_dict(config_dict(cfg))  # JSON gives lists back
    assert again == cfg and hash(again) == hash(cfg)


@pytest.mark.parametrize(
    "line, needles",
    [
        ("show_cells = 3", ["model.show_cells must be an array", "e.g. show_cells = [0, 3, 5]"]),
        ("show_cells = '0, 3'", ["model.show_cells must be an array", "string"]),
        ("show_cells = []", ["model.show_cells is empty", "leave the key out"]),
        ("show_cells = [0, 1.5]", ["model.show_cells[1] must be an integer", "float 1.5"]),
        ("show_inputs = [true]", ["model.show_inputs[0] must be an integer", "boolean"]),
        ("show_cells = ['1']", ["model.show_cells[0] must be an integer", "string"]),
        ("show_cells = [-1]", ["model.show_cells[0] = -1 is negative", "count from 0"]),
        ("show_cells = [3, 1, 3]", ["model.show_cells names cell index 3 twice"]),
        ("show_cells = [0, 1, 2, 3]", ["names 4 cells", "room for 3", "at most 3"]),
        ("show_inputs = [0, 1, 2, 3]", ["names 4 inputs", "room for 3"]),
        ("show_cells = [0, 64]", ["show_cells has 64 but the model has 64 cells (0..63)"]),
        ("show_cells = [70]", ["show_cells has 70 but the model has 64 cells (0..63)"]),
        ("show_inputs = [2, 10]", ["show_inputs has 10 but the model has 10 inputs (0..9)"]),
    ],
)
def test_bad_selections_are_refused_naming_the_key(lstm64: Path, line: str, needles) -> None:
    message = refusal(write(lstm64, f"[model]\nweights = 'lstm64.npz'\n{line}\n"))
    for needle in needles:
        assert needle in message, message


def test_selection_indices_are_checked_against_sizes_a_weights_file_implies(
    lstm64: Path,
) -> None:
    # n_hidden comes from the file (64), not the default 3: index 40 is fine
    ok = load_config(
        write(lstm64, "[lecture.4.model]\nweights = 'lstm64.npz'\nshow_cells = [40]\n")
    )
    assert ok.for_lecture(4).model.show_cells == (40,)
    # the same index for a lecture of 3 cells is refused, naming the lecture's key
    message = refusal(write(lstm64, "[lecture.5.model]\nshow_cells = [40]\n"))
    assert "lecture.5.model.show_cells has 40 but the model has 3 cells (0..2)" in message
    # set under [model] and used by lecture 5, whose model is the default 3-cell one
    message = refusal(
        write(lstm64, "[model]\nshow_cells = [40]\n[lecture.4.model]\nweights = 'lstm64.npz'\n")
    )
    assert "model.show_cells has 40 but lecture 5" not in message
    assert "model.show_cells has 40 but the model has 3 cells" in message


def test_a_lecture_inheriting_a_selection_names_its_own_model(lstm64: Path) -> None:
    message = refusal(
        write(
            lstm64,
            "[model]\nweights = 'lstm64.npz'\nshow_cells = [40]\n"
            "[lecture.5.model]\npreset = 'random'\nweights = 'small.npz'\n",
        )
    )
    assert "weights file" in message  # small.npz is missing: refused first
    np.savez(lstm64 / "small.npz", **lstm_arrays(n_in=3, n_hidden=4))
    message = refusal(
        write(
            lstm64,
            "[model]\nweights = 'lstm64.npz'\nshow_cells = [40]\n"
            "[lecture.5.model]\nweights = 'small.npz'\n",
        )
    )
    assert "model.show_cells has 40 but lecture 5's model has 4 cells (0..3)" in message


def test_simple_rnn_lectures_refuse_a_selection_of_their_own(tmp_path: Path) -> None:
    """The simple-RNN slides draw every unit: a selection under their own table is refused;
    one under [model] is for the LSTM lectures and ignored by the RNN ones."""
    for lecture in (1, 2):
        message = refusal(write(tmp_path, f"[lecture.{lecture}.model]\nshow_cells = [0]\n"))
        assert f"lecture.{lecture}.model.show_cells" in message
        assert "draws every unit" in message and "[lecture.4.model]" in message
    config = load_config(write(tmp_path, "[model]\nshow_cells = [0, 2]\n"))
    assert config.for_lecture(2).model.show_cells == (0, 2)  # carried, not drawn


def test_check_model_refuses_a_selection_beyond_the_model() -> None:
    cfg = SceneConfig(model=ModelConfig(show_inputs=(3,)))
    with pytest.raises(ConfigError, match=r"show_inputs has 3 but the model has 3 inputs \(0..2\)"):
        check_model(cfg, "lstm")
    check_model(cfg, "rnn")  # the simple-RNN lectures do not use it
