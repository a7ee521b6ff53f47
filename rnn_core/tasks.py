"""Small seeded toy sequence tasks for lectures and training demos.

Each task returns a frozen :class:`Task` with inputs ``xs`` (T, B, M), targets and a
one-line description; every random draw takes a ``numpy.random.Generator``.

Example
-------
>>> task = copy_task(np.random.default_rng(0), batch=2)
>>> task.xs.shape, task.targets.shape
((6, 2, 4), (6, 2))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_size

__all__ = [
    "Task",
    "MemoryTask",
    "copy_task",
    "sine_task",
    "parity_task",
    "weather_task",
    "memory_task",
    "WEATHER_FIELDS",
    "MEMORY_INPUTS",
]


@dataclass(frozen=True)
class Task:
    """Inputs (T, B, M), targets (T, B) class indices or (T, B, 1) values, and a description."""

    xs: np.ndarray
    targets: np.ndarray
    kind: str  # "classification" or "regression"
    description: str


def copy_task(
    rng: np.random.Generator, *, n_symbols: int = 3, delay: int = 4, batch: int = 8
) -> Task:
    """Remember the first symbol: it is shown at step 0, blanks follow for ``delay`` steps,
    and the last step must name it. Inputs are one-hot over symbols plus a "recall" flag at
    the last step; targets are the blank class (``n_symbols``) except at the last step."""
    k = check_size("n_symbols", n_symbols)
    d = check_size("delay", delay)
    b = check_size("batch", batch)
    T = d + 2
    symbols = rng.integers(0, k, size=b)
    xs = np.zeros((T, b, k + 1))
    xs[0, np.arange(b), symbols] = 1.0
    xs[-1, :, k] = 1.0  # the recall cue
    targets = np.full((T, b), k, dtype=np.int64)
    targets[-1] = symbols
    return Task(
        xs=xs,
        targets=targets,
        kind="classification",
        description=f"recall the first of {k} symbols after {d} blank steps",
    )


def sine_task(
    rng: np.random.Generator, *, steps: int = 20, batch: int = 8, dt: float = 0.3
) -> Task:
    """Continue a sine wave: input sin(w t + phase), target the next value (regression)."""
    T = check_size("steps", steps)
    b = check_size("batch", batch)
    phase = rng.uniform(0, 2 * np.pi, size=b)
    freq = rng.uniform(0.8, 1.2, size=b)
    t = np.arange(T + 1)[:, None] * dt
    wave = np.sin(freq * t + phase)  # (T+1, B)
    return Task(
        xs=wave[:-1, :, None],
        targets=wave[1:, :, None],
        kind="regression",
        description=f"predict the next value of a sine wave ({T} steps)",
    )


def parity_task(rng: np.random.Generator, *, steps: int = 6, batch: int = 8) -> Task:
    """Running parity of a bit stream: class 1 when an odd number of ones has been seen."""
    T = check_size("steps", steps)
    b = check_size("batch", batch)
    bits = rng.integers(0, 2, size=(T, b))
    xs = np.stack([bits, 1 - bits], axis=-1).astype(np.float64)
    targets = (np.cumsum(bits, axis=0) % 2).astype(np.int64)
    return Task(
        xs=xs,
        targets=targets,
        kind="classification",
        description=f"running parity of {T} random bits",
    )


# The four measurements of the weather record, in column order, with their units.
WEATHER_FIELDS = (
    ("temperature", "\u00b0C"),
    ("pressure", "hPa"),
    ("wind", "m/s"),
    ("humidity", "%"),
)


def weather_task(
    rng: np.random.Generator,
    *,
    hours: int = 96,
    samples_per_hour: int = 6,
    lead_hours: int = 24,
    batch: int = 1,
) -> Task:
    """A synthetic but plausible weather record: one 4-dimensional vector (temperature
    in deg C, pressure in hPa, wind speed in m/s, relative humidity in %) every
    ``60 / samples_per_hour`` minutes for ``hours`` hours, starting at midnight.

    Temperature follows a daily cycle (coolest near 5:00, warmest near 15:00) on a slowly
    wandering mean; pressure wanders slowly; wind is stronger in the afternoon; humidity
    falls as the temperature rises. The target at each step is the temperature
    ``lead_hours`` later (T, B, 1): the last one is the lecture's many-to-one forecast.
    """
    h = check_size("hours", hours)
    per = check_size("samples_per_hour", samples_per_hour)
    lead = check_size("lead_hours", lead_hours)
    b = check_size("batch", batch)
    T = h * per
    n = T + lead * per
    t_hours = np.arange(n)[:, None] / per  # (n, 1)
    day = 2 * np.pi * (t_hours - 9.0) / 24.0  # sin peaks at 15:00, lowest at 03:00
    mean = 12.0 + np.cumsum(rng.normal(0.0, 0.02, size=(n, b)), axis=0)
    temperature = mean + 5.0 * np.sin(day) + rng.normal(0.0, 0.25, size=(n, b))
    pressure = 1013.0 + np.cumsum(rng.normal(0.0, 0.06, size=(n, b)), axis=0)
    wind = np.abs(3.0 + 1.5 * np.sin(day) + rng.normal(0.0, 0.8, size=(n, b)))
    humidity = np.clip(
        72.0 - 3.0 * (temperature - mean) + rng.normal(0.0, 2.0, size=(n, b)), 15.0, 100.0
    )
    record = np.stack([temperature, pressure, wind, humidity], axis=-1)  # (n, B, 4)
    return Task(
        xs=record[:T],
        targets=temperature[lead * per : lead * per + T, :, None],
        kind="regression",
        description=(
            f"forecast the temperature {lead} h ahead from {h} h of weather sampled every "
            f"{60 // per} minutes ({T} four-dimensional vectors)"
        ),
    )


# The memory task's input columns, in order: x^t = (v^t, s^t, r^t). Other tools build
# their own sequences with this layout, so it never changes.
MEMORY_INPUTS = ("value", "store", "recall")


@dataclass(frozen=True)
class MemoryTask(Task):
    """A batch of the memory task: ``xs`` (T, B, 3) with columns :data:`MEMORY_INPUTS`,
    ``targets`` (T, B, 1) holding the stored value at the last step and 0 elsewhere,
    ``mask`` (T, B) equal to 1 at the last step only (the one step the loss counts),
    ``store_step`` (B,) the step whose value is to be kept, and ``stored`` (B,) that value."""

    mask: np.ndarray
    store_step: np.ndarray
    stored: np.ndarray


def memory_task(
    rng: np.random.Generator,
    steps: int = 8,
    batch: int = 8,
    *,
    store_step: int | None = None,
) -> MemoryTask:
    """Store one value, ignore the distractors, give it back when asked.

    At every step t the input is x^t = (v^t, s^t, r^t): the value v^t is uniform in
    [-1, 1] at every step (mostly distractors), the store flag s^t is 1 at exactly one step
    in the first half of the sequence (t < steps // 2, drawn uniformly per sequence unless
    ``store_step`` fixes it) and 0 elsewhere, and the recall flag r^t is 1 at the last step
    only. The target is the value that was stored, asked for at the last step only.
    """
    T = check_size("steps", steps)
    b = check_size("batch", batch)
    if T < 2:
        raise ValueError(f"steps must be at least 2 (a store step and a recall step), got {T}")
    half = T // 2
    if store_step is None:
        where = rng.integers(0, half, size=b)
    else:
        if isinstance(store_step, bool) or not isinstance(store_step, int | np.integer):
            raise ValueError(f"store_step must be an integer step, got {store_step!r}")
        if not 0 <= store_step < half:
            raise ValueError(
                f"store_step = {store_step} is outside the first half 0 .. {half - 1} "
                f"of {T} steps; pick a step in that range"
            )
        where = np.full(b, int(store_step), dtype=np.int64)
    values = rng.uniform(-1.0, 1.0, size=(T, b))
    cols = np.arange(b)
    xs = np.zeros((T, b, len(MEMORY_INPUTS)))
    xs[:, :, 0] = values
    xs[where, cols, 1] = 1.0
    xs[-1, :, 2] = 1.0
    stored = values[where, cols]
    targets = np.zeros((T, b, 1))
    targets[-1, :, 0] = stored
    mask = np.zeros((T, b))
    mask[-1] = 1.0
    return MemoryTask(
        xs=xs,
        targets=targets,
        kind="regression",
        description=(
            f"store the value flagged in the first half of {T} steps, ignore the "
            f"distractors, and give it back at the last step"
        ),
        mask=mask,
        store_step=where.astype(np.int64),
        stored=stored,
    )
