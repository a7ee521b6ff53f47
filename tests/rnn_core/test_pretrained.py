"""The shipped trained models and the story their gates tell.

The lecture's claim for ``memory-lstm``: it recalls the stored value, and one cell is a
memory cell whose input gate opens once (at the store step), whose forget gate holds near 1
until the recall, and whose output gate opens at the recall. These tests check the shipped
file on fresh sequences, a short retrain (so a broken backward pass or optimiser fails the
default run), and (slow) the whole retrain, which must tell the same story (not the same
bits: training is an iterated computation and BLAS rounding may differ).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest

from rnn_core import LSTMParams, lstm_forward, pretrained, rnn_forward
from rnn_core.pretrained import (
    MODELS,
    ORDER_LIMITS,
    STORY_LIMITS,
    MemoryRecipe,
    OrderRecipe,
    PretrainedRNN,
    example_sequence,
    fresh_sequences,
    load,
    memory_story,
    order_story,
    story_failures,
    train_memory_lstm,
    train_order_rnn,
)
from rnn_core.tasks import memory_task

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def model():
    return load("memory-lstm")


@pytest.fixture(scope="module")
def story(model):
    return memory_story(model, fresh_sequences(seed=2024, n=1000, steps=8))


def test_shipped_model_shape(model):
    assert isinstance(model.params, LSTMParams)
    assert (model.params.n_in, model.params.n_hidden) == (3, 3)
    assert model.params.peepholes and np.any(model.params.p_f != 0)
    assert model.W_out.shape == (1, 3) and model.b_out.shape == (1,)
    assert model.meta["name"] == "memory-lstm"
    # weights are read-only: a scene cannot change them for the next one by accident
    with pytest.raises(ValueError):
        model.params.W_i[0, 0] = 1.0


def test_shipped_model_recalls_the_stored_value(story):
    # predicting 0 scores about 0.5
    assert story["sequences"] == 1000 and story["steps"] == 8
    assert story["recall_error"] <= 0.1


def test_shipped_model_has_a_memory_cell(story):
    assert story["tracking"] >= 0.9
    assert story["forget_hold"] >= 0.85  # the highway holds from store to recall
    assert story["input_store"] >= 0.5  # the input gate opens at the store step
    assert story["input_elsewhere"] <= 0.1  # and stays mostly shut elsewhere
    assert story["output_recall"] >= 0.5  # the output gate opens at the recall
    assert story["output_elsewhere"] <= 0.3
    assert story_failures(story) == []


@pytest.mark.parametrize("steps", [6, 10])
def test_story_holds_over_the_trained_lengths(model, steps):
    assert story_failures(memory_story(model, fresh_sequences(seed=7, n=500, steps=steps))) == []


def test_story_measures_what_it_says(model):
    """The measures, recomputed by hand from the trace for a small batch."""
    task = memory_task(np.random.default_rng(5), 8, 50)
    s = memory_story(model, task)
    tr = lstm_forward(model.params, task.xs)
    k = s["memory_cell"]
    pred = tr.y[-1] @ model.W_out[0] + model.b_out[0]
    assert s["recall_error"] == pytest.approx(np.mean(np.abs(pred - task.stored)))
    f_after, i_else, i_store = [], [], []
    for b in range(50):
        st = task.store_step[b]
        f_after += list(tr.f[st + 1 :, b, k])
        i_store.append(tr.i[st, b, k])
        i_else += [tr.i[t, b, k] for t in range(8) if t != st]
    assert s["forget_hold"] == pytest.approx(np.mean(f_after))
    assert s["input_store"] == pytest.approx(np.mean(i_store))
    assert s["input_elsewhere"] == pytest.approx(np.mean(i_else))
    assert s["output_recall"] == pytest.approx(tr.o[-1, :, k].mean())
    assert s["output_elsewhere"] == pytest.approx(tr.o[:-1, :, k].mean())
    corr = [abs(np.corrcoef(tr.c[-1, :, j], task.stored)[0, 1]) for j in range(3)]
    assert k == int(np.argmax(corr))
    np.testing.assert_allclose(s["tracking_by_cell"], corr)


def test_story_fails_for_a_random_model():
    """The checks can fail: an untrained LSTM with a read-out misses them."""
    rng = np.random.default_rng(0)
    untrained = pretrained.PretrainedLSTM(
        LSTMParams.init(3, 3, rng), rng.normal(size=(1, 3)), np.zeros(1), {}
    )
    bad = story_failures(memory_story(untrained, fresh_sequences(n=300)))
    assert any(b.startswith("recall_error") for b in bad)


def test_example_sequence_is_answered(model):
    ex = example_sequence()
    assert ex.xs.shape == (8, 3)
    assert ex.stored == pytest.approx(0.80) and ex.xs[ex.store_step, 0] == pytest.approx(0.80)
    assert ex.store_step < 8 // 2 and ex.recall_step == 7
    np.testing.assert_array_equal(ex.xs[:, 1], np.eye(8)[ex.store_step])
    np.testing.assert_array_equal(ex.xs[:, 2], np.eye(8)[7])
    distractors = np.delete(ex.xs[:, 0], ex.store_step)
    assert np.all(np.abs(distractors) <= 1) and np.all(np.abs(distractors - 0.8) > 0.3)
    assert abs(model.predict(ex.xs)[-1, 0] - ex.stored) <= 0.1
    # and its memory cell tells the story on this very sequence
    tr = lstm_forward(model.params, ex.xs)
    k = memory_story(model)["memory_cell"]
    assert tr.i[ex.store_step, k] > 0.5 > np.delete(tr.i[:, k], ex.store_step).max()
    assert tr.f[ex.store_step + 1 :, k].min() > 0.85
    assert tr.o[-1, k] > 0.5


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="known models: .*memory-lstm") as info:
        load("memory-gru")
    assert "\n" not in str(info.value)


def test_damaged_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "memory-lstm.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="not a readable model file"):
        pretrained._read(bad)
    np.savez(bad, W_z=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="lacks"):
        pretrained._read(bad)


def test_weights_ship_as_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["rnn_core"]
    for name in MODELS:
        path = pretrained.model_path(name)
        assert path.is_file()
        rel = path.relative_to(ROOT / "rnn_core").as_posix()
        assert any(fnmatch(rel, g) for g in globs), f"{rel} is not package data"


def test_short_retrain_learns_the_task():
    """A few hundred steps of the recipe already recall (the full run is the slow test):
    a change that breaks the LSTM backward pass or Adam fails here."""
    model, losses = train_memory_lstm(MemoryRecipe(n_steps=300))
    assert losses[-50:].mean() < 0.1 * losses[:20].mean()
    assert memory_story(model, fresh_sequences(n=500))["recall_error"] <= 0.1


def test_failed_retrain_writes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "memory-lstm.npz"
    target.write_bytes(b"the good old file")
    monkeypatch.setattr(
        pretrained, "train_memory_lstm", lambda: train_memory_lstm(MemoryRecipe(n_steps=2))
    )
    assert pretrained.main(["--retrain", "--name", "memory-lstm", "--out", str(tmp_path)]) == 2
    assert target.read_bytes() == b"the good old file"
    assert [p.name for p in tmp_path.iterdir()] == ["memory-lstm.npz"]


def test_shipped_story_under_another_blas_kernel():
    env = dict(os.environ, OPENBLAS_CORETYPE="Haswell", OPENBLAS_L2_SIZE="512")
    run = subprocess.run(
        [sys.executable, "-m", "rnn_core.pretrained"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "recall_error" in run.stdout and "accuracy = 1.000" in run.stdout
    assert run.stderr == ""  # no warning either (e.g. runpy's about a pre-imported module)


@pytest.mark.slow
def test_retrain_from_the_seed_tells_the_story(tmp_path):
    """The whole recipe, written where the CLI writes: the new file loads and passes."""
    assert pretrained.main(["--retrain", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.npz" for n in MODELS)
    fresh = pretrained._read(tmp_path / "memory-lstm.npz")
    assert story_failures(memory_story(fresh, fresh_sequences(seed=2024))) == []
    assert set(fresh.meta["story"]) >= set(STORY_LIMITS)
    # close to the shipped model in what it does, whatever the last bits of its weights
    ex = example_sequence()
    assert abs(fresh.predict(ex.xs)[-1, 0] - load("memory-lstm").predict(ex.xs)[-1, 0]) < 0.1


# ---------------------------------------------------------------------------------------
# order-rnn: lecture 1's "cat cat dog" vs "dog cat cat"


@pytest.fixture(scope="module")
def order_model():
    return load("order-rnn")


def test_order_rnn_answers_both_orders_where_the_bag_cannot(order_model):
    m = order_model
    assert isinstance(m, PretrainedRNN)
    assert m.classes == ("dog", "cat")
    assert (m.params.n_in, m.params.n_hidden, m.params.n_out) == (3, 3, 2)
    a, b = m.classify("cat cat dog"), m.classify("dog cat cat")
    assert a[m.classes.index("cat")] >= 0.9 and b[m.classes.index("dog")] >= 0.9
    # the same network as a DCL on the bag: one answer for both, so one of them is wrong
    bag_a, bag_b = m.classify_bag("cat cat dog"), m.classify_bag("dog cat cat")
    np.testing.assert_array_equal(bag_a, bag_b)
    assert np.argmax(bag_a) != np.argmax(a) or np.argmax(bag_b) != np.argmax(b)
    # the bag really is the sum of the word vectors, computed with rnn_forward
    bag = m.words["cat"] * 2 + m.words["dog"]
    np.testing.assert_allclose(bag_a, rnn_forward(m.params, bag[None], np.zeros(1, int)).y_hat[0])


def test_order_rnn_story_and_fresh_retrain(order_model):
    assert story_failures(order_story(order_model), ORDER_LIMITS) == []
    fresh, losses = train_order_rnn()  # full-batch, a fraction of a second
    assert losses[-1] < 0.1 * losses[0]
    assert story_failures(order_story(fresh), ORDER_LIMITS) == []
    # a barely trained network fails the story: the check can fail
    weak, _ = train_order_rnn(OrderRecipe(n_steps=1))
    assert story_failures(order_story(weak), ORDER_LIMITS) != []


def test_order_rnn_words_are_exact_two_decimals(order_model):
    for vec in order_model.words.values():
        np.testing.assert_array_equal(vec, np.round(vec, 2))
    with pytest.raises(ValueError, match="use one or more of the words"):
        order_model.encode("cat bird")
