"""The numbers behind the backprop lecture, computed once and shared by its scenes and its
static figures (so a figure and a slide never disagree). Everything comes from
``rnn_core``; this module only chooses settings and arranges results.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from rnn_core import (
    LSTMParams,
    LSTMTrace,
    RNNParams,
    lstm_backward,
    lstm_forward,
    rnn_backward,
    rnn_forward,
    rnn_gradient_contributions,
)
from rnn_core.clipping import clip_by_global_norm, clip_by_value
from rnn_core.jacobians import (
    lstm_highway_products,
    lstm_jacobian_norms,
    lstm_loss_errors,
    rnn_gradient_bound,
    rnn_jacobian_norms,
    rnn_loss_errors,
    rnn_with_spectral_norm,
)
from rnn_core.landscape import CliffDemo, DescentPath, find_cliff, pascanu_cliff
from rnn_core.train import ClippingDemo, TrainHistory
from scenes.kit.config import SceneConfig, lstm_preset, lstm_readout, lstm_setup, rnn_setup

__all__ = [
    "ChainExample",
    "chain_examples",
    "LSTMBackward",
    "lstm_backward_example",
    "delta_terms",
    "ErrorsThroughTime",
    "rnn_errors_through_time",
    "lstm_errors_through_time",
    "GradientNorms",
    "gradient_norms",
    "CliffData",
    "cliff_data",
    "CliffRuns",
    "cliff_runs",
    "clipping_histories",
    "finite_difference",
]


def finite_difference(f: Callable[[float], float], x: float, h: float = 1e-6) -> float:
    """Central difference (f(x+h) - f(x-h)) / 2h."""
    return (f(x + h) - f(x - h)) / (2 * h)


# ---------------------------------------------------------------------------------------
# Chain rules on small graphs


@dataclass(frozen=True)
class ChainExample:
    """One graph of functions at a point: node values, the local derivative on each edge,
    the terms of the chain rule (one product per route), their sum and a finite difference.
    """

    name: str
    values: dict[str, float]
    local: dict[tuple[str, str], float]  # d(target)/d(source) for the edge source -> target
    routes: list[list[str]]  # node names from the input to the output
    terms: list[float]  # product of local derivatives along each route
    derivative: float  # sum of the terms
    numeric: float  # finite difference of the composed function


def _example(name, x0, forward, local, routes) -> ChainExample:
    values = forward(x0)
    loc = local(values)
    terms = [float(np.prod([loc[(a, b)] for a, b in zip(r, r[1:], strict=False)])) for r in routes]
    numeric = finite_difference(lambda x: forward(x)["L"], x0)
    return ChainExample(name, values, loc, routes, terms, float(sum(terms)), numeric)


def chain_examples() -> dict[str, ChainExample]:
    """The three graphs of the lecture with concrete functions at x = 0.5."""

    def single(x):  # x -> u = x^2 -> v = sin(u) -> L = v^2 ... a single chain
        u = x * x
        v = math.sin(u)
        return {"x": x, "u": u, "v": v, "L": v * v}

    def single_local(s):
        return {("x", "u"): 2 * s["x"], ("u", "v"): math.cos(s["u"]), ("v", "L"): 2 * s["v"]}

    def two(x):  # x -> u = x^2, v = sin x -> L = u v + u
        u, v = x * x, math.sin(x)
        return {"x": x, "u": u, "v": v, "L": u * v + u}

    def two_local(s):
        return {
            ("x", "u"): 2 * s["x"],
            ("x", "v"): math.cos(s["x"]),
            ("u", "L"): s["v"] + 1,
            ("v", "L"): s["u"],
        }

    n = 4

    def general(x):  # x -> y_k = sin(k x), k = 1..n -> L = sum_k y_k^2 / k
        out = {"x": x}
        for k in range(1, n + 1):
            out[f"y{k}"] = math.sin(k * x)
        out["L"] = sum(out[f"y{k}"] ** 2 / k for k in range(1, n + 1))
        return out

    def general_local(s):
        loc = {}
        for k in range(1, n + 1):
            loc[("x", f"y{k}")] = k * math.cos(k * s["x"])
            loc[(f"y{k}", "L")] = 2 * s[f"y{k}"] / k
        return loc

    return {
        "single": _example("single", 0.5, single, single_local, [["x", "u", "v", "L"]]),
        "two": _example("two", 0.5, two, two_local, [["x", "u", "L"], ["x", "v", "L"]]),
        "general": _example(
            "general", 0.5, general, general_local, [["x", f"y{k}", "L"] for k in range(1, n + 1)]
        ),
    }


# ---------------------------------------------------------------------------------------
# LSTM backward pass of the lecture


@dataclass(frozen=True)
class LSTMBackward:
    """A forward and backward pass of the configured LSTM with the loss
    L = sum_t 1/2 ||y^t - target^t||^2; ``t`` is the step the scene zooms into (the one
    before the last, so the next step's errors flow back into it)."""

    params: LSTMParams
    trace: LSTMTrace
    targets: np.ndarray  # (T, N)
    dy_ext: np.ndarray  # (T, N) = y - target, the error from above
    grads: LSTMParams
    deltas: object  # LSTMDeltas
    t: int
    # The trained model (preset "trained"): its read-out (W_out, b_out) and pred - target at
    # the recall step. Its loss is at the recall step only, and the deltas are those of one
    # unit of read-out error (dL/dpred = 1): the model is right to within about 0.01, so
    # the true deltas, (pred - target) times these, would all round to 0.00 on a slide.
    readout: tuple[np.ndarray, np.ndarray] | None = None
    recall_error: float | None = None

    @property
    def recall_only(self) -> bool:
        """True for the trained model: one loss, at the recall (last) step."""
        return self.readout is not None

    def objective(self, params: LSTMParams) -> float:
        """The function of the parameters whose gradient ``grads`` is: the loss
        sum_t 1/2 ||y^t - target^t||^2, or for the trained model the read-out at the recall
        step (a unit error there: ``recall_error`` times it is the true loss's gradient)."""
        trace = lstm_forward(params, self.trace.xs)
        if self.readout is None:
            return 0.5 * float(np.sum((trace.y - self.targets) ** 2))
        W_out, b_out = self.readout
        return float((W_out @ trace.y[-1] + b_out)[0])

    def at(self, name: str, t: int | None = None) -> np.ndarray:
        """A delta (``dy do_bar dc df_bar di_bar dz_bar``) or a forward value at step t;
        steps past the end give zeros (nothing flows back from beyond the sequence)."""
        t = self.t if t is None else t
        source = self.deltas if hasattr(self.deltas, name) else self.trace
        arr = getattr(source, name)
        if t >= arr.shape[0]:
            return np.zeros(arr.shape[1:])
        return arr[t]


def delta_terms(ex: LSTMBackward) -> dict[str, dict[str, np.ndarray]]:
    """Each delta at the zoomed step t split into the terms of its equation (Greff et al.),
    by the term's name in the lecture's equation table: the error each route brings. Every
    factor is a value ``lstm_forward`` / ``lstm_backward`` computed; the terms of a delta
    sum to the delta ``lstm_backward`` returned (tested).

    ``dy``: ``ext`` = Delta^t, ``rec_g`` = R_g^T delta g-bar^(t+1); ``dc``: ``via_y`` =
    delta y ⊙ o ⊙ tanh'(c), ``peep_o`` = p_o ⊙ delta o-bar^t, ``peep_i`` / ``peep_f`` =
    p_i ⊙ delta i-bar^(t+1) / p_f ⊙ delta f-bar^(t+1), ``highway`` = delta c^(t+1) ⊙
    f^(t+1); the one-term deltas (``do_bar df_bar di_bar dz_bar``) under ``main``.
    """
    p, t = ex.params, ex.t
    dy, c, o = ex.at("dy"), ex.at("c"), ex.at("o")
    terms: dict[str, dict[str, np.ndarray]] = {
        "dy": {"ext": ex.dy_ext[t].copy()},
        "dc": {
            "via_y": dy * o * (1.0 - np.tanh(c) ** 2),
            "peep_o": p.p_o * ex.at("do_bar"),
            "peep_i": p.p_i * ex.at("di_bar", t + 1),
            "peep_f": p.p_f * ex.at("df_bar", t + 1),
            "highway": ex.at("dc", t + 1) * ex.at("f", t + 1),
        },
    }
    for g in "zifo":
        terms["dy"][f"rec_{g}"] = getattr(p, f"R_{g}").T @ ex.at(f"d{g}_bar", t + 1)
    for key in ("do_bar", "df_bar", "di_bar", "dz_bar"):
        terms[key] = {"main": ex.at(key).copy()}
    return terms


def lstm_backward_example(cfg: SceneConfig) -> LSTMBackward:
    params, xs = lstm_setup(cfg)
    trace = lstm_forward(params, xs)
    readout = lstm_readout(cfg)
    if readout is not None:
        # The trained memory LSTM on its example: the loss 1/2 (pred - target)^2 is at the
        # recall (last) step only, pred = W_out y^T + b_out; the error enters there as
        # W_out^T dL/dpred, per unit of read-out error (see LSTMBackward.recall_error), and
        # the block view zooms into the store step, where it must arrive.
        W_out, b_out = readout
        targets = np.zeros((trace.T, 1))
        targets[-1, 0] = xs[int(np.argmax(xs[:, 1])), 0]  # the stored value
        pred = float((W_out @ trace.y[-1] + b_out)[0])
        dy_ext = np.zeros_like(trace.y)
        dy_ext[-1] = W_out[0]  # W_out^T times dL/dpred = 1
        grads, deltas = lstm_backward(params, trace, dy_ext)
        store = int(np.argmax(xs[:, 1]))
        return LSTMBackward(
            params,
            trace,
            targets,
            dy_ext,
            grads,
            deltas,
            min(store, trace.T - 2),
            readout=readout,
            recall_error=pred - float(targets[-1, 0]),
        )
    rng = np.random.default_rng(cfg.model.seed + 1)
    targets = np.round(rng.uniform(-0.5, 0.5, size=trace.y.shape), 2)
    dy_ext = trace.y - targets
    grads, deltas = lstm_backward(params, trace, dy_ext)
    return LSTMBackward(params, trace, targets, dy_ext, grads, deltas, max(trace.T - 2, 0))


# ---------------------------------------------------------------------------------------
# Errors through time, per source step


@dataclass(frozen=True)
class ErrorsThroughTime:
    """The gradient of one weight matrix split by the loss step its error comes from:
    ``contributions[s]`` is d L^s / d(param); their sum is the full gradient."""

    param: str
    contributions: np.ndarray  # (T, rows, cols)
    total: np.ndarray
    losses: np.ndarray  # (T,)
    # With one loss (the trained model's recall step) the gradient is split instead by the
    # step where the error reaches the parameter: ``contributions[s]`` is that step's share
    # (e.g. delta z-bar^s (x^s)^T for W_z), ``share_label`` its Typst label with ``{t}``
    # for the 1-based step, ``notes`` the speaker notes ("intro", 0..T-1, "sum").
    share_label: str | None = None
    notes: dict | None = None
    # The size of the error each loss sends back: ``error_norms[s, k]`` = ||d L^s / d h^k||
    # (the simple RNN's h^k; the LSTM's state (c^k, y^k), both deltas together), zero for
    # k > s. ``rnn_core.jacobians.rnn_loss_errors`` / ``lstm_loss_errors``.
    error_norms: np.ndarray | None = None  # (T, T)
    state_expr: str = "bold(h)"  # Typst name of the state the errors reach

    @property
    def shares(self) -> np.ndarray:
        """(T,) each contribution's part of the summed magnitudes (sum |entries|): the
        share of the gradient that comes from each step, in 0..1."""
        sizes = np.abs(self.contributions).reshape(self.contributions.shape[0], -1).sum(axis=1)
        return sizes / max(float(sizes.sum()), 1e-300)


def rnn_errors_through_time(cfg: SceneConfig) -> ErrorsThroughTime:
    """Simple RNN: the contributions to dL/dW (``rnn_gradient_contributions``) and the
    size of every loss's error at every earlier state (``rnn_loss_errors``)."""
    params, xs, targets = rnn_setup(cfg)
    trace = rnn_forward(params, xs, targets)
    grads, _ = rnn_backward(params, trace)
    norms = np.linalg.norm(rnn_loss_errors(params, trace), axis=2)  # (T, T)
    return ErrorsThroughTime(
        "W",
        rnn_gradient_contributions(params, trace),
        grads.W,
        trace.losses,
        error_norms=norms,
    )


def _lstm_error_norms(ex: LSTMBackward) -> np.ndarray:
    """(T, T) ||(delta c^k, delta y^k)|| of each loss step's error alone."""
    dc, dy = lstm_loss_errors(ex.params, ex.trace, ex.dy_ext)
    return np.sqrt(np.sum(dc**2, axis=2) + np.sum(dy**2, axis=2))


def lstm_errors_through_time(cfg: SceneConfig, param: str = "R_f") -> ErrorsThroughTime:
    """LSTM: backprop the error of one loss step at a time (linearity: they sum to the
    gradient of the whole loss)."""
    ex = lstm_backward_example(cfg)
    T = ex.trace.T
    if ex.recall_only:
        return _recall_errors_through_time(ex, param)
    parts = []
    for s in range(T):
        dy = np.zeros_like(ex.dy_ext)
        dy[s] = ex.dy_ext[s]
        g, _ = lstm_backward(ex.params, ex.trace, dy)
        parts.append(getattr(g, param))
    losses = 0.5 * np.sum(ex.dy_ext**2, axis=1)
    return ErrorsThroughTime(
        param,
        np.array(parts),
        getattr(ex.grads, param),
        losses,
        error_norms=_lstm_error_norms(ex),
        state_expr="(bold(c), bold(y))",
    )


def _recall_errors_through_time(ex: LSTMBackward, param: str) -> ErrorsThroughTime:
    """The trained model's one loss (at the recall step), its gradient of ``param``
    (``W_g`` or ``R_g``) split by the step where the error reaches the parameter:
    delta g-bar^s (x^s)^T for W_g, delta g-bar^(s+1) (y^s)^T for R_g (lstm_backward's sums,
    term by term)."""
    from scenes.kit.components import format_value as fmt  # how the slides write numbers

    kind, gate = param.split("_") if "_" in param else ("", "")
    if kind not in ("W", "R") or gate not in ("z", "i", "f", "o"):
        raise ValueError(f"split by step needs a W_g or R_g matrix, got {param!r}")
    tr, d = ex.trace, ex.deltas
    dbar = getattr(d, f"d{gate}_bar")  # (T, N)
    T = tr.T
    if kind == "W":
        parts = np.array([np.outer(dbar[s], tr.xs[s]) for s in range(T)])
        label = f"delta macron(bold({gate}))^({{t}}) (bold(x)^({{t}}))^T"
    else:
        zero = np.zeros((dbar.shape[1], tr.y.shape[1]))
        parts = np.array([np.outer(dbar[s + 1], tr.y[s]) if s + 1 < T else zero for s in range(T)])
        label = f"delta macron(bold({gate}))^({{t}}+1) (bold(y)^({{t}}))^T"
    losses = np.zeros(T)
    losses[-1] = 0.5 * ex.recall_error**2
    store = ex.t
    sizes = np.abs(parts).reshape(T, -1).max(axis=1)
    share = float(np.sum(np.abs(parts[store])) / max(np.sum(np.abs(parts)), 1e-300))
    W_out, b_out = ex.readout
    pred = float((W_out @ tr.y[-1] + b_out)[0])
    notes: dict = {
        "intro": (
            f"The trained memory LSTM is asked only at the recall step t = {T}: one loss, "
            f"L = 1/2 (pred - target)^2, with pred = {fmt(pred)} for the stored "
            f"{fmt(ex.targets[-1, 0])}. Its error travels back through every earlier step. "
            "The model is nearly right, so the numbers are drawn per unit of the read-out's "
            f"error (pred - target = {fmt(ex.recall_error)}; times that, they are the "
            "gradient of L)."
        ),
        "sum": (
            f"The shares add up to the gradient of {param} for the one loss: "
            f"{share:.0%} of it (summed magnitudes) comes from t = {store + 1}, the store "
            f"step, {T - 1 - store} steps before the recall where the error started. The "
            "forget gates carried it there along the cell highway; the parameters are "
            "renewed once per sequence."
        ),
    }
    for s in range(T):
        where = " (the store step)" if s == store else " (the recall step)" if s == T - 1 else ""
        notes[s] = (
            f"The recall's error reaches step {s + 1}{where} as delta c^{s + 1} = "
            f"({', '.join(fmt(a) for a in d.dc[s])}), with the input gate at "
            f"({', '.join(fmt(a) for a in tr.i[s])}). Its share of the gradient of {param} "
            f"here: largest entry {fmt(sizes[s])}."
        )
    return ErrorsThroughTime(
        param,
        parts,
        getattr(ex.grads, param),
        losses,
        share_label=label,
        notes=notes,
        error_norms=_lstm_error_norms(ex),
        state_expr="(bold(c), bold(y))",
    )


# ---------------------------------------------------------------------------------------
# Vanishing and exploding gradients


@dataclass(frozen=True)
class GradientNorms:
    """||d h^t / d h^0|| against t for simple RNNs with ||W|| below and above 1/gamma
    (gamma = 1 for tanh), their bounds (gamma ||W||)^t, and for an LSTM the joint state
    Jacobian and the forget-gate highway product."""

    distances: np.ndarray  # (T,) t - k = 0..T-1
    sigmas: tuple[float, float]
    rnn: tuple[np.ndarray, np.ndarray]
    bounds: tuple[np.ndarray, np.ndarray]
    lstm: np.ndarray
    highway: np.ndarray
    forget_bias: float  # of the seeded LSTM; nan for the trained one
    # "trained": the LSTM curves are the trained memory LSTM's on a T-step memory sequence
    # that stores a value at step 0 (k = 0 is the store step: the memory span is the whole
    # axis); "init": a seeded LSTM with forget-gate bias ``forget_bias``.
    lstm_model: str = "init"


def _rnn_norms(sigma: float, n_hidden: int, T: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    params: RNNParams = rnn_with_spectral_norm(2, n_hidden, 2, sigma, rng)
    xs = rng.uniform(-0.1, 0.1, size=(T, 2))
    trace = rnn_forward(params, xs, np.zeros(T, dtype=int))
    norms = rnn_jacobian_norms(params, trace)[:, 0]
    return norms, rnn_gradient_bound(params.W, np.arange(T))


def gradient_norms(cfg: SceneConfig, T: int = 30) -> GradientNorms:
    """All curves of the vanishing/exploding-gradient slide, from ``rnn_core.jacobians``."""
    seed, n = cfg.model.seed, cfg.model.n_hidden
    sigmas = (0.75, 1.25)
    low, low_bound = _rnn_norms(sigmas[0], n, T, seed)
    high, high_bound = _rnn_norms(sigmas[1], n, T, seed)
    rng = np.random.default_rng(seed)
    if lstm_preset(cfg.model) == "trained":
        from rnn_core.pretrained import load
        from rnn_core.tasks import memory_task

        trained = load("memory-lstm").params
        task = memory_task(rng, steps=T, batch=1, store_step=0)
        trace = lstm_forward(trained, task.xs[:, 0, :])  # (T, 3): value, store, recall
        return GradientNorms(
            distances=np.arange(T),
            sigmas=sigmas,
            rnn=(low, high),
            bounds=(low_bound, high_bound),
            lstm=lstm_jacobian_norms(trained, trace)[:, 0],
            highway=lstm_highway_products(trace)[:, 0],
            forget_bias=float("nan"),
            lstm_model="trained",
        )
    params = LSTMParams.init(2, n, rng)
    forget_bias = 2.0  # a common initialisation: forget gates start mostly open
    params = dataclasses.replace(params, b_f=np.full(n, forget_bias))
    xs = rng.uniform(-1, 1, size=(T, 2))
    trace = lstm_forward(params, xs)
    return GradientNorms(
        distances=np.arange(T),
        sigmas=sigmas,
        rnn=(low, high),
        bounds=(low_bound, high_bound),
        lstm=lstm_jacobian_norms(params, trace)[:, 0],
        highway=lstm_highway_products(trace)[:, 0],
        forget_bias=forget_bias,
    )


# ---------------------------------------------------------------------------------------
# The cliff and gradient clipping


@dataclass(frozen=True)
class CliffData:
    """The loss surface on a grid (one vectorised ``pascanu_cliff`` call), the two descent
    runs of :class:`rnn_core.landscape.CliffDemo`, and the gradient at the clipped step
    with both clipping rules applied to it."""

    w: np.ndarray  # (n,)
    b: np.ndarray  # (m,)
    loss: np.ndarray  # (m, n): loss[j, i] at (w[i], b[j])
    plain: DescentPath
    clipped: DescentPath
    threshold: float
    cliff_step: int
    gradient: np.ndarray  # (2,) at the cliff step, before clipping
    norm_clipped: np.ndarray
    value_clipped: np.ndarray
    # A drawing mesh that follows the cliff (see :func:`cliff_mesh`): mesh_*[i, r] is row r
    # of column i, rows placed at equal arc length along each column's loss profile.
    mesh_w: np.ndarray  # (columns, rows)
    mesh_b: np.ndarray
    mesh_loss: np.ndarray
    cliff_line: np.ndarray  # (columns,) the cliff's b in each column


def cliff_mesh(
    w: np.ndarray,
    b_range: tuple[float, float],
    rows: int = 48,
    fine: int = 3000,
    loss_weight: float = 0.6,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(W, B, loss, cliff_b): a drawing mesh over ``w`` x ``b_range`` that follows the cliff.

    A regular grid saws a diagonal cliff (or a steep slope) into a staircase, one step per
    grid cell. Here each column places its ``rows`` points at equal arc length along the
    loss profile over b (sampled at ``fine`` points, b scaled to the range and the loss by
    ``loss_weight``): flat stretches get few rows, steep ones and the wall many, so the
    features line up across columns. Every loss is ``pascanu_cliff`` at a sample point or
    linear between two neighbouring samples; the cliff's b per column is by bisection
    (:func:`rnn_core.landscape.find_cliff`).
    """
    lo, hi = b_range
    w = np.asarray(w, dtype=float)
    cliff_b = np.array([find_cliff(w=float(wi), lo=lo, hi=hi) for wi in w])
    bf = np.linspace(lo, hi, fine)
    WF, BF = np.meshgrid(w, bf, indexing="ij")  # (n, fine)
    lf, _, _ = pascanu_cliff(WF, BF)
    lf = np.asarray(lf)
    span = max(float(np.ptp(lf)), 1e-12)
    seg = np.hypot(np.diff(bf)[None, :] / (hi - lo), loss_weight * np.diff(lf, axis=1) / span)
    arc = np.concatenate([np.zeros((len(w), 1)), np.cumsum(seg, axis=1)], axis=1)
    B = np.empty((len(w), rows))
    L = np.empty((len(w), rows))
    for i in range(len(w)):
        targets = np.linspace(0.0, arc[i, -1], rows)
        B[i] = np.interp(targets, arc[i], bf)
        L[i] = np.interp(targets, arc[i], lf[i])
    W = np.broadcast_to(w[:, None], B.shape).copy()
    return W, B, L, cliff_b


@dataclass(frozen=True)
class CliffRuns:
    """The two descent runs of a :class:`rnn_core.landscape.CliffDemo` and the gradient at
    the first clipped step, before clipping and after each clipping rule."""

    plain: DescentPath
    clipped: DescentPath
    threshold: float
    cliff_step: int
    gradient: np.ndarray
    norm_clipped: np.ndarray
    value_clipped: np.ndarray


def cliff_runs(demo: CliffDemo) -> CliffRuns:
    """Both runs of ``demo`` and the clipping panel's vectors (no grid, so it is cheap: the
    determinism tests recompute it from perturbed starts)."""
    plain, clipped = demo.paths()
    k = int(np.argmax(clipped.clipped))
    _, dw, db = pascanu_cliff(*clipped.points[k])
    g = np.array([float(dw), float(db)])
    norm_clipped, _ = clip_by_global_norm(g, demo.threshold)
    value_clipped = clip_by_value(g, demo.threshold)
    return CliffRuns(
        plain,
        clipped,
        demo.threshold,
        k,
        g,
        np.asarray(norm_clipped),
        np.asarray(value_clipped),
    )


@cache
def cliff_data(n: int = 61, w_range=(3.0, 6.5), b_range=(-4.0, -1.0)) -> CliffData:
    """Everything the clipping scene and figures draw (about a second to compute, so it is
    computed once per process; its arrays are read-only because callers share them)."""
    runs = cliff_runs(CliffDemo())
    w = np.linspace(*w_range, n)
    b = np.linspace(*b_range, n)
    W, B = np.meshgrid(w, b)  # (n, n)
    loss, _, _ = pascanu_cliff(W, B)
    data = CliffData(
        w,
        b,
        loss,
        runs.plain,
        runs.clipped,
        runs.threshold,
        runs.cliff_step,
        runs.gradient,
        runs.norm_clipped,
        runs.value_clipped,
        *cliff_mesh(np.linspace(*w_range, 41), b_range),
    )
    for part in (data, runs.plain, runs.clipped):
        for value in vars(part).values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
    return data


def clipping_histories() -> tuple[TrainHistory, TrainHistory]:
    """Gradient descent on the one-unit RNN of the cliff, with and without norm clipping
    (``ClippingDemo``: the cliff scene's two runs, step by step)."""
    return ClippingDemo().histories()
