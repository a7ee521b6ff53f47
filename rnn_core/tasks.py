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


# ---------------------------------------------------------------------------------------
# Lecture 1's tasks: voice recognition (CTC), named entities (bidirectional), captioning.
# Each generator takes a numpy Generator and a count and returns a list of examples.

__all__ += [
    "speech_task",
    "ner_task",
    "caption_task",
    "SPEECH_LETTERS",
    "SPEECH_WORDS",
    "SPEECH_BANDS",
    "speech_templates",
    "NER_AMBIGUOUS",
    "NER_VOCABULARY",
    "CAPTION_COLOURS",
    "CAPTION_SHAPES",
    "CAPTION_RELATIONS",
    "CAPTION_SIZE",
    "CAPTION_BACKGROUND",
]

# The letters the synthetic voice can say (CTC symbol k + 1 is SPEECH_LETTERS[k]; 0 is the
# blank) and the words it says: "tee", "bee" and "ebb" double a letter, so a CTC decoder
# must put a blank between the two (the collapse would merge them otherwise).
SPEECH_LETTERS = ("a", "b", "c", "e", "t")
SPEECH_WORDS = (
    "cat", "cab", "tab", "bat", "bet", "act", "ace", "tea", "eat", "ate", "tee", "bee", "ebb",
)  # fmt: skip
SPEECH_BANDS = 12  # F: features per frame, like the frequency bands of a spectrogram

# Each letter's sound: two "formants" (band centre, height) over the SPEECH_BANDS bands.
_FORMANTS = {
    "a": ((3.0, 1.0), (6.5, 0.8)),
    "b": ((0.5, 1.0), (4.5, 0.5)),
    "c": ((8.0, 0.6), (11.0, 1.0)),
    "e": ((1.5, 0.9), (9.0, 1.0)),
    "t": ((5.0, 0.6), (10.0, 0.9)),
}


def speech_templates() -> dict[str, np.ndarray]:
    """The sound of each letter at full loudness: letter -> (F,) band energies."""
    bands = np.arange(SPEECH_BANDS)
    return {
        letter: sum(h * np.exp(-0.5 * (bands - c) ** 2) for c, h in peaks)
        for letter, peaks in _FORMANTS.items()
    }


def speech_task(rng: np.random.Generator, n: int) -> list[tuple[np.ndarray, str]]:
    """``n`` synthetic utterances ``(frames (T, F), word)``: a word of :data:`SPEECH_WORDS`
    spoken letter by letter as feature frames (F = :data:`SPEECH_BANDS`).

    Each letter sounds as its template (:func:`speech_templates`) for 3 to 6 frames, with a
    swell in the middle of the letter (loudness 0.3 at its edges up to 1), so two equal
    letters in a row ("tee") are heard as two; 2 to 4 frames of silence come before and
    after, the whole word has a random loudness (0.7 to 1.3), and every band of every frame
    gets Gaussian noise (sd 0.1). T is about 20 frames: several frames per letter, so the
    CTC collapse has work to do."""
    count = check_size("n", n)
    templates = speech_templates()
    out = []
    for _ in range(count):
        word = SPEECH_WORDS[int(rng.integers(len(SPEECH_WORDS)))]
        gain = rng.uniform(0.7, 1.3)
        parts = [np.zeros((int(rng.integers(2, 5)), SPEECH_BANDS))]
        for letter in word:
            d = int(rng.integers(3, 7))
            swell = 0.3 + 0.7 * np.sin(np.pi * (np.arange(d) + 0.5) / d)  # (d,)
            parts.append(gain * swell[:, None] * templates[letter])
        parts.append(np.zeros((int(rng.integers(2, 5)), SPEECH_BANDS)))
        frames = np.concatenate(parts)  # (T, F)
        frames = frames + rng.normal(0.0, 0.1, size=frames.shape)
        out.append((frames, word))
    return out


# Named entities: the first word of a sentence may be a first name or the first half of
# a common noun ("Teddy Roosevelt was ..." vs "Teddy bears are ..."): the word after it
# decides. NER_AMBIGUOUS maps each such word to the nouns that can follow it.
NER_AMBIGUOUS = {
    "Teddy": ("bears",),
    "Rose": ("bushes", "petals"),
    "April": ("showers",),
    "Olive": ("trees",),
    "Ginger": ("biscuits", "cats"),
}
_NER_FIRST_NAMES = ("John", "Mary", "Anna", "Peter", "Lucy")
_NER_SURNAMES = ("Roosevelt", "Smith", "Parker", "Brown", "Baker", "Jones")
_NER_NAME_ENDINGS = (
    ("was", "a", "great", "president"),
    ("is", "my", "friend"),
    ("lives", "next", "door"),
    ("sold", "the", "house"),
    ("was", "here", "today"),
)
_NER_NOUN_ENDINGS = (
    ("are", "on", "sale"),
    ("are", "in", "the", "garden"),
    ("were", "everywhere"),
    ("are", "lovely"),
)
_NER_DETERMINERS = ("The", "These", "My")
_NER_MEETINGS = (("I", "met"), ("We", "saw"))
_NER_TIMES = ("today", "yesterday")
_NER_NOUNS = tuple(n for nouns in NER_AMBIGUOUS.values() for n in nouns)
NER_VOCABULARY = tuple(
    sorted(
        {
            *NER_AMBIGUOUS,
            *_NER_NOUNS,
            *_NER_FIRST_NAMES,
            *_NER_SURNAMES,
            *(w for e in _NER_NAME_ENDINGS + _NER_NOUN_ENDINGS for w in e),
            *_NER_DETERMINERS,
            *(w for m in _NER_MEETINGS for w in m),
            *_NER_TIMES,
        }
    )
)


def ner_task(rng: np.random.Generator, n: int) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """``n`` sentences ``(tokens, labels)`` from a small grammar; label 1 marks a token
    that is part of a person's name, 0 any other token.

    Half the sentences start with an ambiguous word of :data:`NER_AMBIGUOUS`, as a name
    ("Teddy Roosevelt was a great president": 1 1 0 0 0 0) or as part of a noun ("Teddy
    bears are on sale": all 0), each with probability 1/2: only the second word tells which.
    The rest start with an unambiguous first name ("Mary Smith is my friend"), a determiner
    ("The bears are lovely") or a meeting ("I met Rose Parker today", where the verb
    already says a name follows)."""
    count = check_size("n", n)

    def pick(options):
        return options[int(rng.integers(len(options)))]

    out = []
    for _ in range(count):
        kind = rng.uniform()
        if kind < 0.5:  # the ambiguous first word
            first = pick(tuple(NER_AMBIGUOUS))
            if rng.uniform() < 0.5:
                tokens = (first, pick(_NER_SURNAMES), *pick(_NER_NAME_ENDINGS))
                labels = (1, 1) + (0,) * (len(tokens) - 2)
            else:
                tokens = (first, pick(NER_AMBIGUOUS[first]), *pick(_NER_NOUN_ENDINGS))
                labels = (0,) * len(tokens)
        elif kind < 0.7:  # an unambiguous name
            tokens = (pick(_NER_FIRST_NAMES), pick(_NER_SURNAMES), *pick(_NER_NAME_ENDINGS))
            labels = (1, 1) + (0,) * (len(tokens) - 2)
        elif kind < 0.85:  # no name at all
            tokens = (pick(_NER_DETERMINERS), pick(_NER_NOUNS), *pick(_NER_NOUN_ENDINGS))
            labels = (0,) * len(tokens)
        else:  # a name after a verb of meeting
            name = pick(_NER_FIRST_NAMES + tuple(NER_AMBIGUOUS))
            tokens = (*pick(_NER_MEETINGS), name, pick(_NER_SURNAMES), pick(_NER_TIMES))
            labels = (0, 0, 1, 1, 0)
        out.append((tokens, labels))
    return out


# Captioning: small pictures of one or two coloured shapes on a light background.
CAPTION_COLOURS = {
    "red": (0.85, 0.12, 0.10),
    "green": (0.10, 0.60, 0.20),
    "blue": (0.12, 0.30, 0.90),
}
CAPTION_SHAPES = ("circle", "square", "triangle")
CAPTION_RELATIONS = ("above", "left of")
CAPTION_SIZE = 16  # H = W pixels
CAPTION_BACKGROUND = 0.95  # the light grey every picture starts from


def _draw_shape(image: np.ndarray, shape: str, colour: tuple, cy: float, cx: float, s: float):
    """Paint one shape of half-size ``s`` centred at (cy, cx) (pixel units) in place, each
    pixel covered in proportion to its area inside the shape (4 x 4 samples per pixel), so
    a circle's rounded edge differs from a square's corner even a few pixels across."""
    size = image.shape[0]
    r0, r1 = max(int(cy - s) - 1, 0), min(int(cy + s) + 2, size)  # the shape's bounding box
    c0, c1 = max(int(cx - s) - 1, 0), min(int(cx + s) + 2, size)
    dy = (np.arange(4 * r0, 4 * r1) + 0.5)[:, None] / 4.0 - cy  # sample points, 4 per pixel
    dx = (np.arange(4 * c0, 4 * c1) + 0.5)[None, :] / 4.0 - cx
    if shape == "circle":
        inside = dy**2 + dx**2 <= s**2
    elif shape == "square":
        inside = np.maximum(np.abs(dy), np.abs(dx)) <= 0.85 * s
    else:  # a triangle pointing up: apex at cy - s, base at cy + s
        inside = (np.abs(dy) <= s) & (np.abs(dx) <= 0.55 * (dy + s))
    cover = inside.reshape(r1 - r0, 4, c1 - c0, 4).mean(axis=(1, 3))[:, :, None]
    box = image[r0:r1, c0:c1]
    box *= 1.0 - cover
    box += cover * np.asarray(colour)


def caption_task(rng: np.random.Generator, n: int) -> list[tuple[np.ndarray, str]]:
    """``n`` pictures ``(image (H, W, 3) in 0..1, caption)`` with H = W = :data:`CAPTION_SIZE`.

    A third hold one shape ("green triangle"); the rest two different ones (a colour of
    :data:`CAPTION_COLOURS` and a shape of :data:`CAPTION_SHAPES` each), one above the other
    or side by side (never touching), named top first or left first: "red circle above blue
    square", "blue square left of green circle". Sizes (half-size 2 to 3 pixels) and positions
    vary, and every pixel gets a little noise (sd 0.03), so pictures with the same caption
    differ pixel by pixel."""
    count = check_size("n", n)
    size = CAPTION_SIZE
    colours = tuple(CAPTION_COLOURS)
    out = []
    for _ in range(count):
        image = np.full((size, size, 3), CAPTION_BACKGROUND)
        objects = []
        while len(objects) < (1 if rng.uniform() < 1 / 3 else 2):
            obj = (colours[int(rng.integers(3))], CAPTION_SHAPES[int(rng.integers(3))])
            if obj not in objects:
                objects.append(obj)
        s = rng.uniform(2.6, 3.2, size=len(objects))
        if len(objects) == 1:
            cy, cx = rng.uniform(size / 2 - 1.5, size / 2 + 1.5, size=2)
            places = [(cy, cx)]
            caption = " ".join(objects[0])
        else:
            relation = CAPTION_RELATIONS[int(rng.integers(2))]
            # centres at least 7 pixels apart along the relation, so the shapes never touch
            near = rng.uniform(size / 2 - 1.5, size / 2 + 1.5)  # the shared row or column
            first = (rng.uniform(3.4, 4.2), near + rng.uniform(-1.0, 1.0))
            second = (rng.uniform(size - 4.2, size - 3.4), near + rng.uniform(-1.0, 1.0))
            if relation == "left of":  # the same layout turned on its side
                first, second = first[::-1], second[::-1]
            places = [first, second]
            caption = f"{' '.join(objects[0])} {relation} {' '.join(objects[1])}"
        for (colour, shape), (cy, cx), half in zip(objects, places, s, strict=True):
            _draw_shape(image, shape, CAPTION_COLOURS[colour], cy, cx, half)
        image = np.clip(image + rng.normal(0.0, 0.03, size=image.shape), 0.0, 1.0)
        out.append((image, caption))
    return out


# translation_task: English-like SVO sentences to Japanese-like SOV with particles
# (lecture 6: seq2seq, attention, Transformer)

# The lexicon: English word -> Japanese-like word, by word class. A word's translation never
# depends on its context, so every target word but a particle translates one source word.
TRANSLATION_PRONOUNS = {
    "I": "watashi",
    "you": "anata",
    "he": "kare",
    "she": "kanojo",
    "we": "watashitachi",
    "they": "karera",
}
TRANSLATION_NOUNS = {
    # people
    "student": "gakusei",
    "teacher": "sensei",
    "doctor": "isha",
    "boy": "shounen",
    "girl": "shoujo",
    # animals
    "cat": "neko",
    "dog": "inu",
    "bird": "tori",
    # food
    "apple": "ringo",
    "fish": "sakana",
    "bread": "pan",
    # drinks
    "water": "mizu",
    "tea": "ocha",
    "milk": "gyuunyuu",
    # things to read
    "book": "hon",
    "letter": "tegami",
    "newspaper": "shinbun",
}
TRANSLATION_ADJECTIVES = {
    "big": "ookii",
    "small": "chiisai",
    "young": "wakai",
    "new": "atarashii",
    "old": "furui",
    "red": "akai",
    "white": "shiroi",
    "black": "kuroi",
    "hot": "atsui",
    "cold": "tsumetai",
}
# Verb: (form after I/you/we/they, form after he/she/a noun) -> the sentence-final verb.
TRANSLATION_VERBS = {
    ("eat", "eats"): "taberu",
    ("drink", "drinks"): "nomu",
    ("read", "reads"): "yomu",
    ("see", "sees"): "miru",
    ("buy", "buys"): "kau",
}
TRANSLATION_ADVERBS = {"often": "yoku", "always": "itsumo", "sometimes": "tokidoki"}
TRANSLATION_BE = {"am": "desu", "is": "desu", "are": "desu"}  # the copula goes to the end too
TRANSLATION_ARTICLES = ("a", "an", "the")  # no Japanese counterpart
TRANSLATION_TOPIC = "wa"  # particle after the subject
TRANSLATION_OBJECT = "o"  # particle after the object

_PEOPLE = ("student", "teacher", "doctor", "boy", "girl")
_ANIMALS = ("cat", "dog", "bird")
_FOOD = ("apple", "fish", "bread")
_DRINKS = ("water", "tea", "milk")
_READING = ("book", "letter", "newspaper")
_MASS = ("bread", "water", "tea", "milk", "fish")  # may stand without an article
_SIZE = ("big", "small")
_COLOUR = ("red", "white", "black")
# Which adjectives a noun takes, in English (and Japanese) order: size, age, colour.
_ADJECTIVE_SLOTS = {
    **{n: (_SIZE, ("young",)) for n in _PEOPLE},
    **{n: (_SIZE, ("young",), _COLOUR) for n in _ANIMALS},
    **{n: (_SIZE, ("new", "old"), _COLOUR) for n in (*_FOOD, *_READING)},
    **{n: (("hot", "cold"),) for n in _DRINKS},
}
# Who does what to what: verb -> (subject nouns, object nouns); pronouns are subjects of all.
_VERB_FRAMES = {
    "eat": (_PEOPLE + _ANIMALS, _FOOD),
    "drink": (_PEOPLE + _ANIMALS, _DRINKS),
    "read": (_PEOPLE, _READING),
    "see": (_PEOPLE + _ANIMALS, _PEOPLE + _ANIMALS + _READING),
    "buy": (_PEOPLE, _FOOD + _DRINKS + _READING),
}
_BASE_FORM = {base: third for base, third in TRANSLATION_VERBS}
_VERB_WORD = {form: jp for forms, jp in TRANSLATION_VERBS.items() for form in forms}
_SINGULAR_PRONOUNS = ("I", "you", "he", "she")  # copula sentences keep a singular predicate

# The seeds' example, and a longer one whose verb jumps from the middle to the end.
TRANSLATION_EXAMPLE = ("I", "am", "a", "student")
TRANSLATION_EXAMPLE_LONG = ("the", "black", "cat", "often", "eats", "a", "small", "fish")

TranslationPair = tuple[tuple[str, ...], tuple[str, ...], tuple[int | None, ...]]


def translation_source_words() -> tuple[str, ...]:
    """Every English word the task uses, in a fixed order (a model's source vocabulary)."""
    verbs = [form for forms in TRANSLATION_VERBS for form in forms]
    return (
        *TRANSLATION_PRONOUNS,
        *TRANSLATION_NOUNS,
        *TRANSLATION_ADJECTIVES,
        *verbs,
        *TRANSLATION_ADVERBS,
        *TRANSLATION_BE,
        *TRANSLATION_ARTICLES,
    )


def translation_target_words() -> tuple[str, ...]:
    """Every Japanese-like word the task uses, in a fixed order (a target vocabulary)."""
    return (
        *TRANSLATION_PRONOUNS.values(),
        *TRANSLATION_NOUNS.values(),
        *TRANSLATION_ADJECTIVES.values(),
        *dict.fromkeys(TRANSLATION_VERBS.values()),
        *TRANSLATION_ADVERBS.values(),
        "desu",
        TRANSLATION_TOPIC,
        TRANSLATION_OBJECT,
    )


def translate_reference(
    source: str | tuple[str, ...] | list[str],
) -> tuple[tuple[str, ...], tuple[int | None, ...]]:
    """The reference translation of one sentence of the task and its alignment.

    The grammar (subject, optional adverb, verb or copula, object or predicate noun)::

        subject  = pronoun | "the" adjective* noun
        object   = [article] adjective* noun
        English  : subject [adverb] verb object
        Japanese : subject "wa" [adverb] object "o" verb         (verb sentences)
        English  : subject am/is/are object
        Japanese : subject "wa" object "desu"                     (copula sentences)

    Articles have no translation; ``alignment[j]`` is the index of the source word that
    target word j translates, or ``None`` for the particles "wa" and "o". Words are split on
    spaces when ``source`` is a string. Raises ``ValueError`` (one line) for a sentence
    outside the grammar.
    """
    words = tuple(source.split()) if isinstance(source, str) else tuple(source)
    known = set(translation_source_words())
    unknown = [w for w in words if w not in known]
    if unknown:
        raise ValueError(
            f"unknown word(s) {', '.join(map(repr, unknown))}; the task's English words are "
            f"{', '.join(translation_source_words())}"
        )
    where = " ".join(words)

    def noun_phrase(start: int, role: str) -> tuple[list[int], int]:
        # [article] adjective* noun -> indices of the adjectives and the noun, next index
        k = start
        if k < len(words) and words[k] in TRANSLATION_ARTICLES:
            k += 1
        content = []
        while k < len(words) and words[k] in TRANSLATION_ADJECTIVES:
            content.append(k)
            k += 1
        if k >= len(words) or words[k] not in TRANSLATION_NOUNS:
            raise ValueError(f"{where!r}: expected the {role}'s noun at word {k + 1}")
        return [*content, k], k + 1

    if not words:
        raise ValueError("the sentence is empty; give words such as 'I am a student'")
    if words[0] in TRANSLATION_PRONOUNS:
        subject, k = [0], 1
    else:
        subject, k = noun_phrase(0, "subject")
    adverb = []
    if k < len(words) and words[k] in TRANSLATION_ADVERBS:
        adverb, k = [k], k + 1
    if k >= len(words) or (words[k] not in _VERB_WORD and words[k] not in TRANSLATION_BE):
        raise ValueError(f"{where!r}: expected a verb or am/is/are at word {k + 1}")
    verb = k
    copula = words[verb] in TRANSLATION_BE
    if copula and adverb:
        raise ValueError(f"{where!r}: the adverb comes with a verb, not with am/is/are")
    obj, k = noun_phrase(verb + 1, "object")
    if k != len(words):
        raise ValueError(f"{where!r}: the sentence should end at word {k} ({words[k - 1]!r})")

    def word(i: int) -> str:
        w = words[i]
        for table in (TRANSLATION_PRONOUNS, TRANSLATION_NOUNS, TRANSLATION_ADJECTIVES):
            if w in table:
                return table[w]
        return TRANSLATION_ADVERBS.get(w) or TRANSLATION_BE.get(w) or _VERB_WORD[w]

    if copula:
        order = [*subject, None, *obj, verb]
    else:
        order = [*subject, None, *adverb, *obj, "o", verb]
    target, alignment = [], []
    for i in order:
        if i is None or i == "o":
            target.append(TRANSLATION_TOPIC if i is None else TRANSLATION_OBJECT)
            alignment.append(None)
        else:
            target.append(word(i))
            alignment.append(i)
    return tuple(target), tuple(alignment)


def _pick(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _noun_phrase_words(rng: np.random.Generator, noun: str, article: str | None) -> list[str]:
    """[article] adjective* noun with 0, 1 or 2 adjectives (probabilities 0.3, 0.35, 0.35, as
    many as the noun has slots), in English order."""
    slots = _ADJECTIVE_SLOTS[noun]
    u = rng.random()
    n_adj = min(0 if u < 0.3 else 1 if u < 0.65 else 2, len(slots))
    chosen = sorted(rng.permutation(len(slots))[:n_adj].tolist())
    words = [*(_pick(rng, slots[s]) for s in chosen), noun]
    if article == "a" and words[0][0] in "aeiou":
        article = "an"
    return ([article] if article else []) + words


def _random_sentence(rng: np.random.Generator) -> tuple[str, ...]:
    copula = rng.random() < 0.2
    verb = ""
    if copula:
        frame_subjects, objects = _PEOPLE, _PEOPLE
    else:
        verb = _pick(rng, tuple(_VERB_FRAMES))
        frame_subjects, objects = _VERB_FRAMES[verb]
    pronouns = _SINGULAR_PRONOUNS if copula else tuple(TRANSLATION_PRONOUNS)
    if rng.random() < 0.4:
        subject = [_pick(rng, pronouns)]
    else:
        subject = _noun_phrase_words(rng, _pick(rng, frame_subjects), "the")
    if copula:
        be = {"I": "am", "you": "are"}.get(subject[0], "is")
        return (*subject, be, *_noun_phrase_words(rng, _pick(rng, objects), "a"))
    adverb = [_pick(rng, tuple(TRANSLATION_ADVERBS))] if rng.random() < 0.4 else []
    noun = _pick(rng, objects)
    article = _pick(rng, ("the", "") if noun in _MASS else ("a", "the"))
    third_person = subject[0] not in ("I", "you", "we", "they")
    verb_form = _BASE_FORM[verb] if third_person else verb
    obj = _noun_phrase_words(rng, noun, article or None)
    return (*subject, *adverb, verb_form, *obj)


def translation_task(rng: np.random.Generator, n: int) -> list[TranslationPair]:
    """``n`` random sentence pairs of the toy translation task (lecture 6).

    Each item is ``(source_tokens, target_tokens, alignment)``: an English-like
    subject-verb-object sentence ("the black cat often eats a small fish"), its Japanese-like
    subject-object-verb translation with the particles "wa" (after the subject) and "o"
    (after the object) ("kuroi neko wa yoku chiisai sakana o taberu"), and for each target
    word the index of the source word it translates, or ``None`` for a particle. One
    sentence in five is a copula sentence ("I am a student" -> "watashi wa gakusei desu").
    Nouns take 0 to 2 adjectives, verbs an optional adverb, so sources run from 3 to 10
    words and targets from 4 to 10; the verb (or am/is/are) always moves to the end, so the
    alignment is not a diagonal. Subjects and objects respect who can do what ("the dog
    drinks milk", never "the milk reads a dog"); verbs agree with their subject.
    """
    count = check_size("n", n)
    out = []
    for _ in range(count):
        source = _random_sentence(rng)
        target, alignment = translate_reference(source)
        out.append((source, target, alignment))
    return out


def translation_example(long: bool = False) -> TranslationPair:
    """The lecture's example pair: the seeds' "I am a student" -> "watashi wa gakusei
    desu", or (``long=True``) :data:`TRANSLATION_EXAMPLE_LONG`, "the black cat often eats a
    small fish" -> "kuroi neko wa yoku chiisai sakana o taberu"."""
    source = TRANSLATION_EXAMPLE_LONG if long else TRANSLATION_EXAMPLE
    target, alignment = translate_reference(source)
    return source, target, alignment


__all__ += [
    "TRANSLATION_EXAMPLE",
    "TRANSLATION_EXAMPLE_LONG",
    "TranslationPair",
    "translate_reference",
    "translation_example",
    "translation_source_words",
    "translation_target_words",
    "translation_task",
]
