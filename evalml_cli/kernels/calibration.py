"""Calibration: the reliability curve, ECE and MCE from a :class:`BinaryState`.

Binning works on the state's distinct scores, each carrying the summed weight of positives
and negatives, so it costs one ``searchsorted`` over the distinct scores and two
``bincount``; it merges like the state it reads.

Bins: ``bins=N`` gives N equal-width bins on [0, 1] with the right edge closed,
(e_{b−1}, e_b], the first one [0, e_1] (as scikit-learn's ``calibration_curve``; torchmetrics
closes the left edge instead and gives a score of exactly 1 a bin of its own, so the two
differ only for scores lying exactly on an inner edge or equal to 1). ``quantile:N`` gives
equal-mass bins: edges at the N-quantiles of the scores (NumPy's linear percentile over the
rows when unweighted, exactly scikit-learn's ``strategy="quantile"``; the weighted
inverted-CDF quantile when weighted); repeated edges leave empty bins.

With W_b the weight in bin b, W = Σ_b W_b, mean_score_b = Σ_{i∈b} w_i s_i / W_b and
fraction_positive_b = Σ_{i∈b} w_i y_i / W_b:

    ECE = Σ_b (W_b / W) · |fraction_positive_b − mean_score_b|,
    MCE = max_b |fraction_positive_b − mean_score_b|   (over bins with W_b > 0),

torchmetrics' ``BinaryCalibrationError`` (norm "l1" and "max", 15 bins by default) on the
positive-class probability; for multiclass the score is the top-label confidence and "y" is
whether the arg-max class is right (``MulticlassCalibrationError``).

torchmetrics' docstring example: preds = [0.25, 0.25, 0.55, 0.75, 0.75], target =
[0, 0, 1, 1, 1], 2 bins → ECE 0.29, MCE 0.3167.

>>> from evalml_cli.kernels.binary import binary_update
>>> st = binary_update(np.array([0, 0, 1, 1, 1], bool), np.array([0.25, 0.25, 0.55, 0.75, 0.75]))
>>> ms = calibration_errors(st, bins=2)
>>> round(ms.values["ece"], 4), round(ms.values["mce"], 4)
(0.29, 0.3167)
"""

from __future__ import annotations

import numpy as np

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels._result import MetricSet
from evalml_cli.kernels.binary import BinaryState, binary_update
from evalml_cli.kernels.curves import Curve
from evalml_cli.kernels.multiclass import predict_argmax

DEFAULT_BINS = 15

__all__ = [
    "DEFAULT_BINS",
    "bin_edges",
    "calibration_curve",
    "calibration_errors",
    "multiclass_calibration_errors",
    "parse_bins",
    "top_label_state",
]


def parse_bins(spec: str | int) -> tuple[str, int]:
    """``"15"`` or 15 → ("uniform", 15); ``"quantile:10"`` → ("quantile", 10).

    >>> parse_bins("quantile:10")
    ('quantile', 10)
    """
    text = str(spec).strip().lower()
    strategy = "uniform"
    if text.startswith("quantile:"):
        strategy, text = "quantile", text[len("quantile:"):]
    try:
        n = int(text)
    except ValueError:
        raise EvalmlError(f"invalid --bins {spec!r}", "use a whole number N or quantile:N, N ≥ 1") from None
    if n < 1:
        raise EvalmlError(f"invalid --bins {spec!r}: need at least 1 bin")
    return strategy, n


def _linear_percentile(values: np.ndarray, counts: np.ndarray, q: np.ndarray) -> np.ndarray:
    """np.percentile(np.repeat(values, counts), 100 q) without repeating: ``values`` sorted, counts ≥ 0 integers.

    Linear method: rank h = (n − 1) q; x(h) = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋), with NumPy's
    lerp (the other end when the fraction is ≥ ½, so the result is exact at the ends).
    """
    cum = np.cumsum(counts)
    n = int(cum[-1])
    # NumPy's own arithmetic (percent / 100, then (n − 1)·q), so the edges agree bit for bit.
    q = (q * 100.0) / 100.0
    h = (n - 1) * q
    lo = np.floor(h)
    frac = h - lo
    lo = lo.astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    a = values[np.searchsorted(cum, lo, side="right")]
    b = values[np.searchsorted(cum, hi, side="right")]
    diff = b - a
    out = a + diff * frac
    return np.where(frac >= 0.5, b - diff * (1 - frac), out)


def bin_edges(state: BinaryState, bins: str | int = DEFAULT_BINS) -> np.ndarray:
    """The N + 1 bin edges for ``bins`` (see the module docstring).

    >>> bin_edges(binary_update(np.array([1], bool), np.array([0.5])), 4).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    strategy, n = parse_bins(bins)
    if strategy == "uniform" or state.scores.size == 0:
        return np.linspace(0.0, 1.0, n + 1)
    q = np.linspace(0.0, 1.0, n + 1)
    mass = state.pos + state.neg
    if not state.weighted:
        return _linear_percentile(state.scores, np.rint(mass).astype(np.int64), q)
    # Weighted: the smallest score whose cumulative weight reaches q·W (inverted CDF).
    cum = np.cumsum(np.maximum(mass, 0.0))
    idx = np.searchsorted(cum, q * cum[-1], side="left")
    return state.scores[np.minimum(idx, state.scores.size - 1)]


def _binned(state: BinaryState, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(W_b, Σ w s, Σ w y) per bin; bin b = (e_b, e_{b+1}], bin 0 closed on the left."""
    nb = edges.shape[0] - 1
    b = np.searchsorted(edges[1:-1], state.scores, side="left")
    mass = state.pos + state.neg
    w = np.bincount(b, weights=mass, minlength=nb)
    ws = np.bincount(b, weights=mass * state.scores, minlength=nb)
    wy = np.bincount(b, weights=state.pos, minlength=nb)
    return w, ws, wy


def _not_probabilities(state: BinaryState) -> str | None:
    if state.scores.size and (state.scores[0] < 0.0 or state.scores[-1] > 1.0):
        return (
            f"scores are not probabilities: they span [{state.scores[0]:g}, {state.scores[-1]:g}], "
            "outside [0, 1]"
        )
    return None


def calibration_curve(state: BinaryState, bins: str | int = DEFAULT_BINS) -> Curve:
    """Reliability curve ``bin_low, bin_high, count, mean_score, fraction_positive``.

    One row per bin, empty bins included (count 0, means NaN). ``count`` is the summed
    weight W_b (the number of rows when unweighted). Where bins are non-empty, mean_score
    and fraction_positive are scikit-learn's ``prob_pred`` and ``prob_true``.

    >>> st = binary_update(np.array([0, 0, 1, 1, 1], bool), np.array([0.25, 0.25, 0.55, 0.75, 0.75]))
    >>> c = calibration_curve(st, bins=2)
    >>> c.columns["count"].tolist(), c.columns["fraction_positive"].tolist()
    ([2.0, 3.0], [0.0, 1.0])
    """
    edges = bin_edges(state, bins)
    w, ws, wy = _binned(state, edges)
    nan = np.full(w.shape, np.nan)
    return Curve(
        "calibration",
        {
            "bin_low": edges[:-1].copy(),
            "bin_high": edges[1:].copy(),
            "count": w,
            "mean_score": np.divide(ws, w, out=nan.copy(), where=w > 0),
            "fraction_positive": np.divide(wy, w, out=nan.copy(), where=w > 0),
        },
    )


def calibration_errors(state: BinaryState, bins: str | int = DEFAULT_BINS) -> MetricSet:
    """``ece`` and ``mce`` of the positive-class probability (see the module docstring).

    Undefined (NaN + reason) when the scores are not in [0, 1] or the total weight is not
    positive.
    """
    ms = MetricSet()
    why = _not_probabilities(state)
    if why is None:
        edges = bin_edges(state, bins)
        w, ws, wy = _binned(state, edges)
        total = float(w.sum())
        if total > 0:
            full = w > 0
            gap = np.abs(wy[full] / w[full] - ws[full] / w[full])
            ms.set("ece", float(w[full] @ gap) / total)
            ms.set("mce", float(gap.max()))
            return ms
        why = "total weight is not positive"
    ms.set("ece", np.nan, why)
    ms.set("mce", np.nan, why)
    return ms


def top_label_state(y: np.ndarray, scores: np.ndarray, weight: np.ndarray | None = None) -> BinaryState:
    """Binary state of (arg-max is right, top-label confidence) for multiclass calibration.

    ``y`` (n,) int64 codes, ``scores`` (n, K); the arg-max breaks ties to the lowest class.
    """
    pred = predict_argmax(scores)
    conf = scores[np.arange(scores.shape[0]), pred]
    return binary_update(pred == y, conf, weight)


def multiclass_calibration_errors(
    y: np.ndarray, scores: np.ndarray, weight: np.ndarray | None = None, bins: str | int = DEFAULT_BINS
) -> MetricSet:
    """Top-label ``ece`` and ``mce`` (torchmetrics' ``MulticlassCalibrationError``, l1 / max).

    Its docstring example, 3 bins: ECE 0.2000, MCE 0.2333.

    >>> s = np.array([[.25, .20, .55], [.55, .05, .40], [.10, .30, .60], [.90, .05, .05]])
    >>> ms = multiclass_calibration_errors(np.array([0, 1, 2, 0]), s, bins=3)
    >>> round(ms.values["ece"], 4), round(ms.values["mce"], 4)
    (0.2, 0.2333)
    """
    if scores.size and (scores.min() < 0.0 or scores.max() > 1.0):
        ms = MetricSet()
        why = f"scores are not probabilities: they span [{scores.min():g}, {scores.max():g}], outside [0, 1]"
        ms.set("ece", np.nan, why)
        ms.set("mce", np.nan, why)
        return ms
    return calibration_errors(top_label_state(y, scores, weight), bins)
