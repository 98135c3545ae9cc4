"""Curves and working points from one cumulative-counts kernel.

Every curve and every threshold rule reads the same three arrays: the distinct scores from the
highest down and the cumulative weight of positives (TPS) and negatives (FPS) scoring at or
above each one (scikit-learn's ``_binary_clf_curve``). A row is predicted positive when its
score is ≥ the threshold t, so at the i-th threshold TP = TPS_i, FP = FPS_i, FN = P − TPS_i,
TN = N − FPS_i with P = TPS_last, N = FPS_last.

Score levels that carry no weight at all (only zero-weight rows) are left out, as
scikit-learn drops zero-weight samples before building a curve: they would only repeat the
next point. Undefined rates (no positive or no negative weight) are NaN, where scikit-learn
fills NaN (ROC), 1 (recall without positives) or 0 (precision without predicted positives).

The scikit-learn example: ``y = [0, 0, 1, 1]``, ``s = [0.1, 0.4, 0.35, 0.8]``.

>>> from evalml_cli.kernels.binary import binary_update
>>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
>>> c = roc_curve(st)
>>> c.columns["fpr"].tolist(), c.columns["tpr"].tolist()
([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
>>> choose_threshold(st, parse_threshold_rule("auto:youden"))
(0.8, 'auto:youden: TPR − FPR = 0.5')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels.binary import BinaryState, binary_update

__all__ = [
    "Curve",
    "ThresholdRule",
    "choose_threshold",
    "det_curve",
    "downsample",
    "efficiency_curve",
    "fpr_at_tpr",
    "one_vs_rest",
    "parse_threshold_rule",
    "pr_curve",
    "roc_curve",
    "rule_indices",
    "tpr_at_fpr",
]


# --------------------------------------------------------------------------------------------
# The kernel


def _cumulative_counts(state: BinaryState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, tps, fps) from the highest distinct score down.

    ``thresholds[i]`` is the i-th highest distinct score; ``tps[i]`` / ``fps[i]`` the summed
    weight of positives / negatives with score ≥ ``thresholds[i]``. Same arrays as
    scikit-learn's ``_binary_clf_curve`` (which returns them as fps, tps, thresholds).
    The one kernel is ``kernels.ranking.cumulative_counts``; a :class:`BinaryState` (the exact
    table of distinct scores) is read through it as an exact ranking state whose bin edges are
    the scores, and a ranking state is passed as it is.

    >>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> [a.tolist() for a in _cumulative_counts(st)]
    [[0.8, 0.4, 0.35, 0.1], [1.0, 1.0, 2.0, 2.0], [0.0, 1.0, 1.0, 2.0]]
    """
    from evalml_cli.kernels.ranking import cumulative_counts

    if not hasattr(state, "edges"):
        state = _ExactTable(state.scores, state.pos, state.neg)
    thr, tps, fps = cumulative_counts(state)
    return thr.copy(), tps, fps


@dataclass(frozen=True)
class _ExactTable:
    """A :class:`BinaryState` seen as an exact ranking table (bin edges = the distinct scores)."""

    edges: np.ndarray
    pos: np.ndarray
    neg: np.ndarray


def _counts(state: BinaryState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_cumulative_counts` without the score levels that carry no weight.

    Works on the cumulative arrays only (a level adds nothing to either sum), so it serves
    any state that ``_cumulative_counts`` accepts.
    """
    thr, tps, fps = _cumulative_counts(state)
    if thr.size:
        keep = (np.diff(tps, prepend=0.0) != 0) | (np.diff(fps, prepend=0.0) != 0)
        if not keep.all():
            thr, tps, fps = thr[keep], tps[keep], fps[keep]
    return thr, tps, fps


def _rate(counts: np.ndarray, total: float) -> np.ndarray:
    """counts / total, all NaN when the total is not positive (undefined rate)."""
    if total > 0:
        return counts / total
    return np.full(counts.shape, np.nan)


def _drop_collinear(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices kept by scikit-learn's ROC ``drop_intermediate``: ends and corners.

    A point is dropped when both second differences vanish, i.e. it lies on the straight
    segment between its neighbours (exact float comparison, as scikit-learn).
    """
    if x.shape[0] <= 2:
        return np.arange(x.shape[0])
    corner = np.logical_or(np.diff(x, 2), np.diff(y, 2))
    return np.flatnonzero(np.r_[True, corner, True])


def _drop_same_tps(tps: np.ndarray) -> np.ndarray:
    """Indices kept by scikit-learn's PR/DET ``drop_intermediate``: first and last of each TPS run."""
    if tps.shape[0] <= 2:
        return np.arange(tps.shape[0])
    keep = np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:]))
    return np.flatnonzero(np.r_[True, keep, True])


# --------------------------------------------------------------------------------------------
# Curves


@dataclass(frozen=True)
class Curve:
    """Named columns of equal length; a NaN threshold is the start/end point (JSON null).

    Attributes
    ----------
    kind : "roc", "pr", "det", "efficiency" or "calibration".
    columns : column name → (m,) array, in output order (``class`` first for one-vs-rest).
    """

    kind: str
    columns: dict[str, np.ndarray]
    notes: tuple[str, ...] = ()  # what the reader detected (columns), for the command's stderr

    def __len__(self) -> int:
        return int(next(iter(self.columns.values())).shape[0]) if self.columns else 0

    def take(self, index: np.ndarray) -> "Curve":
        """The rows at ``index`` (an integer array), as a new curve."""
        return Curve(self.kind, {k: v[index] for k, v in self.columns.items()})

    def records(self) -> list[dict]:
        """One dict per point, NaN → None (for JSON/CSV writers).

        >>> Curve("roc", {"threshold": np.array([np.nan, 1.0]), "fpr": np.array([0.0, 1.0])}).records()
        [{'threshold': None, 'fpr': 0.0}, {'threshold': 1.0, 'fpr': 1.0}]
        """
        out = []
        names = list(self.columns)
        for row in zip(*(self.columns[k].tolist() for k in names)):
            out.append({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in zip(names, row)})
        return out


def roc_curve(state: BinaryState, drop_intermediate: bool = False) -> Curve:
    """ROC curve ``threshold, fpr, tpr``: the start point then one point per distinct score.

    FPR_i = FPS_i / N, TPR_i = TPS_i / P from the highest threshold down; the first row is
    (threshold NaN, 0, 0), where scikit-learn's ``roc_curve`` puts ``inf``. With
    ``drop_intermediate`` the points collinear with their neighbours go, exactly as
    scikit-learn's default (second differences of FPS and TPS both zero). A rate is NaN
    throughout when its class has no positive total weight.

    >>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> roc_curve(st).columns["threshold"].tolist()
    [nan, 0.8, 0.4, 0.35, 0.1]
    """
    thr, tps, fps = _counts(state)
    if drop_intermediate:
        idx = _drop_collinear(fps, tps)
        thr, tps, fps = thr[idx], tps[idx], fps[idx]
    p = float(tps[-1]) if tps.size else 0.0
    n = float(fps[-1]) if fps.size else 0.0
    tps = np.r_[0.0, tps]
    fps = np.r_[0.0, fps]
    return Curve("roc", {"threshold": np.r_[np.nan, thr], "fpr": _rate(fps, n), "tpr": _rate(tps, p)})


def pr_curve(state: BinaryState, drop_intermediate: bool = False) -> Curve:
    """Precision-recall curve ``threshold, precision, recall`` as scikit-learn's.

    Thresholds ascend (the lowest distinct score first); precision_i = TPS_i/(TPS_i+FPS_i),
    recall_i = TPS_i/P; a last point (threshold NaN, precision 1, recall 0) closes the curve,
    scikit-learn's convention (its ``thresholds`` array is one shorter than precision and
    recall). ``drop_intermediate`` keeps the first and last point of each run of equal TPS,
    as scikit-learn's. Precision without predicted weight and recall without positives are
    NaN (scikit-learn: 0 and 1).

    >>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> c = pr_curve(st)
    >>> c.columns["precision"].round(4).tolist(), c.columns["recall"].tolist()
    ([0.5, 0.6667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0])
    """
    thr, tps, fps = _counts(state)
    if drop_intermediate:
        idx = _drop_same_tps(tps)
        thr, tps, fps = thr[idx], tps[idx], fps[idx]
    ps = tps + fps
    precision = np.divide(tps, ps, out=np.full(tps.shape, np.nan), where=ps != 0)
    recall = _rate(tps, float(tps[-1]) if tps.size else 0.0)
    return Curve(
        "pr",
        {
            "threshold": np.r_[thr[::-1], np.nan],
            "precision": np.r_[precision[::-1], 1.0],
            "recall": np.r_[recall[::-1], 0.0],
        },
    )


def det_curve(state: BinaryState, drop_intermediate: bool = False) -> Curve:
    """Detection error tradeoff ``threshold, fpr, fnr`` as scikit-learn's ``det_curve``.

    FNR_i = (P − TPS_i)/P. Points run from the lowest threshold up (FPR decreasing), from the
    last point where FNR is still 0 to the first where FPR reaches 0; the all-negative point
    (threshold NaN, scikit-learn's ``inf``) appears only when no finite threshold has FPR 0.

    >>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> c = det_curve(st)
    >>> c.columns["threshold"].tolist(), c.columns["fpr"].tolist(), c.columns["fnr"].tolist()
    ([0.35, 0.4, 0.8], [0.5, 0.5, 0.0], [0.0, 0.5, 0.5])
    """
    thr, tps, fps = _counts(state)
    thr = np.r_[np.nan, thr]
    tps = np.r_[0.0, tps]
    fps = np.r_[0.0, fps]
    if drop_intermediate:
        idx = _drop_same_tps(tps)
        thr, tps, fps = thr[idx], tps[idx], fps[idx]
    p = float(tps[-1])
    n = float(fps[-1])
    first = int(np.searchsorted(fps, fps[0], side="right")) - 1
    last = int(np.searchsorted(tps, tps[-1])) + 1
    sl = slice(max(first, 0), last)
    return Curve(
        "det",
        {
            "threshold": thr[sl][::-1],
            "fpr": _rate(fps[sl], n)[::-1],
            "fnr": _rate(p - tps[sl], p)[::-1],
        },
    )


def efficiency_curve(state: BinaryState) -> Curve:
    """Physics names: ``threshold, signal_efficiency, background_efficiency, background_rejection``.

    One point per distinct score from the highest down: signal efficiency = TPS_i/P (the
    TPR), background efficiency = FPS_i/N (the FPR), background rejection = 1/background
    efficiency, NaN where the efficiency is 0.

    >>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> efficiency_curve(st).columns["background_rejection"].tolist()
    [nan, 2.0, 2.0, 1.0]
    """
    thr, tps, fps = _counts(state)
    eff_s = _rate(tps, float(tps[-1]) if tps.size else 0.0)
    eff_b = _rate(fps, float(fps[-1]) if fps.size else 0.0)
    rejection = np.divide(1.0, eff_b, out=np.full(eff_b.shape, np.nan), where=eff_b > 0)
    return Curve(
        "efficiency",
        {
            "threshold": thr,
            "signal_efficiency": eff_s,
            "background_efficiency": eff_b,
            "background_rejection": rejection,
        },
    )


_BINARY_CURVES = {"roc": roc_curve, "pr": pr_curve, "det": det_curve, "efficiency": efficiency_curve}


def binary_curve(kind: str, state: BinaryState, **options) -> Curve:
    """Dispatch on ``kind`` ("roc", "pr", "det", "efficiency"); options go to the curve."""
    try:
        fn = _BINARY_CURVES[kind]
    except KeyError:
        raise EvalmlError(f"unknown curve kind {kind!r}", f"use one of {', '.join(_BINARY_CURVES)}") from None
    return fn(state, **options)


def one_vs_rest(
    kind: str,
    y: np.ndarray,
    scores: np.ndarray,
    weight: np.ndarray | None = None,
    *, classes: list | None = None,
    **options,
) -> Curve:
    """One curve per class (class k positive, the others negative), stacked with a ``class`` column.

    Parameters
    ----------
    kind : curve kind, as :func:`binary_curve`.
    y : (n,) int64 class codes in [0, K).
    scores : (n, K) float64, column k the score of class k.
    weight : (n,) or None.
    classes : K names for the ``class`` column (default: the codes 0..K−1).

    >>> y = np.array([0, 1, 2, 2])
    >>> s = np.array([[.8, .1, .1], [.2, .7, .1], [.1, .2, .7], [.3, .3, .4]])
    >>> c = one_vs_rest("roc", y, s, classes=["a", "b", "c"])
    >>> c.columns["class"].tolist()[:5], len(c)
    (['a', 'a', 'a', 'a', 'a'], 14)
    """
    k = scores.shape[1]
    names = list(range(k)) if classes is None else list(classes)
    parts = []
    for j in range(k):  # a loop over classes, never over rows
        c = binary_curve(kind, binary_update(y == j, scores[:, j], weight), **options)
        label = np.empty(len(c), dtype=object)
        label[:] = [names[j]] * len(c)
        parts.append({"class": label, **c.columns})
    columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    if all(isinstance(n, (int, np.integer)) for n in names):
        columns["class"] = columns["class"].astype(np.int64)
    return Curve(kind, columns)


def downsample(curve: Curve, points: int, keep: list[int] | np.ndarray = ()) -> Curve:
    """At most ``max(points, |must keep|)`` rows, evenly spaced by index.

    Both ends and the rows in ``keep`` (e.g. where threshold rules land, see
    :func:`rule_indices`) are always kept; the rest of the budget is spread evenly over the
    remaining rows. A curve already short enough is returned unchanged.

    >>> c = Curve("roc", {"x": np.arange(100.0)})
    >>> downsample(c, 5, keep=[42]).columns["x"].tolist()
    [0.0, 33.0, 42.0, 66.0, 99.0]
    """
    m = len(curve)
    if points < 2:
        raise EvalmlError(f"--points must be at least 2, got {points}")
    if m <= points:
        return curve
    must = np.unique(np.r_[0, m - 1, np.asarray(keep, dtype=np.int64)])
    must = must[(must >= 0) & (must < m)]
    budget = points - must.shape[0]
    if budget > 0:
        even = np.unique(np.round(np.linspace(0, m - 1, budget + 2)).astype(np.int64))
        extra = np.setdiff1d(even, must)[:budget]
        must = np.union1d(must, extra)
    return curve.take(must)


# --------------------------------------------------------------------------------------------
# Working points


@dataclass(frozen=True)
class ThresholdRule:
    """A parsed ``--threshold`` value.

    kind : "value" (a fixed threshold), "youden", "f1", "mcc" (auto rules), "fpr", "tpr" or
        "precision" (targets).
    target : the number (the threshold for "value", X for the targets), None for auto rules.
    text : the rule as written, for the report's ``threshold_rule``.
    """

    kind: str
    target: float | None
    text: str


_AUTO = ("youden", "f1", "mcc")
_TARGETS = ("fpr", "tpr", "precision")


def parse_threshold_rule(text: str) -> ThresholdRule:
    """Parse ``auto:youden|auto:f1|auto:mcc``, ``fpr=X``, ``tpr=X``, ``precision=X`` or a number.

    X must lie in [0, 1]. Raises :class:`EvalmlError` on anything else.

    >>> parse_threshold_rule("fpr=0.01")
    ThresholdRule(kind='fpr', target=0.01, text='fpr=0.01')
    >>> parse_threshold_rule("auto:f1").kind
    'f1'
    >>> parse_threshold_rule("0.3").target
    0.3
    """
    raw = text.strip()
    hint = "use a number, auto:youden, auto:f1, auto:mcc, fpr=X, tpr=X or precision=X with X in [0, 1]"
    low = raw.lower()
    if low.startswith("auto:"):
        name = low[5:].strip()
        if name in _AUTO:
            return ThresholdRule(name, None, f"auto:{name}")
        raise EvalmlError(f"unknown threshold rule {raw!r}", hint)
    m = re.fullmatch(r"\s*([a-z]+)\s*=\s*(\S+)\s*", low)
    if m:
        name, value = m.groups()
        if name not in _TARGETS:
            raise EvalmlError(f"unknown threshold rule {raw!r}", hint)
        try:
            x = float(value)
        except ValueError:
            raise EvalmlError(f"threshold rule {raw!r}: {value!r} is not a number", hint) from None
        if not 0.0 <= x <= 1.0:  # also rejects NaN
            raise EvalmlError(f"threshold rule {raw!r}: {name} must be in [0, 1]", hint)
        return ThresholdRule(name, x, f"{name}={value}")
    try:
        x = float(raw)
    except ValueError:
        raise EvalmlError(f"invalid threshold {raw!r}", hint) from None
    if not math.isfinite(x):
        raise EvalmlError(f"invalid threshold {raw!r}: must be finite", hint)
    return ThresholdRule("value", x, raw)


class _Rates(dict):
    """Every working-point quantity at every distinct score (highest first), vectorized, each
    computed on first access (a rule or a level reads one or two of them: at 10M distinct
    scores each is 80 MB)."""

    def __init__(self, state: BinaryState) -> None:
        thr, tp, fp = _counts(state)
        p = float(tp[-1]) if tp.size else 0.0
        n = float(fp[-1]) if fp.size else 0.0
        super().__init__(threshold=thr, p=np.float64(p), n=np.float64(n))
        self._tp, self._fp = tp, fp

    def __missing__(self, key: str) -> np.ndarray:
        tp, fp, p, n = self._tp, self._fp, float(self["p"]), float(self["n"])
        nan = np.full(tp.shape, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            if key == "tpr":
                value = _rate(tp, p)
            elif key == "fpr":
                value = _rate(fp, n)
            elif key == "youden":
                value = self["tpr"] - self["fpr"]
            elif key == "precision":
                predicted = tp + fp
                value = np.divide(tp, predicted, out=nan, where=predicted > 0)
            elif key == "f1":
                f1_den = 2 * tp + fp + (p - tp)
                value = np.divide(2 * tp, f1_den, out=nan, where=f1_den > 0)
            elif key == "mcc":
                fn, tn = p - tp, n - fp
                margins = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
                value = np.divide(tp * tn - fp * fn, np.sqrt(np.maximum(margins, 0.0)), out=nan, where=margins > 0)
            else:
                raise KeyError(key)
        self[key] = value
        return value


def _rates(state: BinaryState) -> _Rates:
    """Every working-point quantity at every distinct score (highest first), on demand."""
    return _Rates(state)


def _choose_index(r: dict[str, np.ndarray], rule: ThresholdRule) -> tuple[int | None, str]:
    """Index into ``r["threshold"]`` (highest score first) chosen by ``rule``, or None + reason."""
    thr = r["threshold"]
    if thr.size == 0:
        return None, f"{rule.text}: no rows"
    if rule.kind in _AUTO:
        crit = r[rule.kind]
        if np.all(np.isnan(crit)):
            return None, f"{rule.text}: the criterion is undefined at every threshold (needs both classes)"
        i = int(np.nanargmax(crit))  # first maximum = the largest threshold among ties
        label = {"youden": "TPR − FPR", "f1": "F1", "mcc": "MCC"}[rule.kind]
        return i, f"{rule.text}: {label} = {crit[i]:.6g}"
    x = float(rule.target)
    if rule.kind == "fpr":
        if not r["n"] > 0:
            return None, f"{rule.text}: no negative rows, FPR is undefined"
        ok = np.flatnonzero(r["fpr"] <= x)
        if ok.size == 0:
            return None, f"{rule.text}: unreachable, the lowest FPR at any threshold is {np.nanmin(r['fpr']):.6g}"
        return int(ok[-1]), f"{rule.text}: the smallest threshold with FPR ≤ {x:g}"
    if rule.kind == "tpr":
        if not r["p"] > 0:
            return None, f"{rule.text}: no positive rows, TPR is undefined"
        ok = np.flatnonzero(r["tpr"] >= x)
        if ok.size == 0:
            return None, f"{rule.text}: unreachable, the highest TPR at any threshold is {np.nanmax(r['tpr']):.6g}"
        return int(ok[0]), f"{rule.text}: the largest threshold with TPR ≥ {x:g}"
    if rule.kind == "precision":
        ok = np.flatnonzero(r["precision"] >= x)
        if ok.size == 0:
            best = np.nanmax(r["precision"]) if np.any(~np.isnan(r["precision"])) else float("nan")
            return None, f"{rule.text}: unreachable, the highest precision at any threshold is {best:.6g}"
        return int(ok[-1]), f"{rule.text}: the smallest threshold with precision ≥ {x:g}"
    raise ValueError(f"not a data-driven rule: {rule.kind}")


def choose_threshold(state: BinaryState, rule: ThresholdRule) -> tuple[float | None, str]:
    """The threshold t chosen by ``rule`` among the distinct scores, and why.

    A row is positive when score ≥ t. auto:youden maximizes TPR − FPR, auto:f1 F1 =
    2TP/(2TP+FP+FN), auto:mcc MCC (ties → the largest t; thresholds where the criterion is
    undefined are skipped). ``fpr=X``: the smallest t with FPR ≤ X; ``tpr=X``: the largest t
    with TPR ≥ X; ``precision=X``: the smallest t with precision ≥ X. An unreachable target
    gives ``(None, reason)``. A "value" rule returns its number unchanged.

    >>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> choose_threshold(st, parse_threshold_rule("tpr=1"))
    (0.35, 'tpr=1: the largest threshold with TPR ≥ 1')
    >>> choose_threshold(st, parse_threshold_rule("precision=1"))[0]
    0.8
    """
    if rule.kind == "value":
        return float(rule.target), f"fixed threshold {rule.target:g}"
    r = _rates(state)
    i, reason = _choose_index(r, rule)
    return (None if i is None else float(r["threshold"][i])), reason


def rule_indices(curve: Curve, thresholds: list[float | None]) -> list[int]:
    """Rows of ``curve`` whose threshold equals one of ``thresholds`` (for :func:`downsample`)."""
    col = curve.columns.get("threshold")
    if col is None:
        return []
    wanted = np.array([t for t in thresholds if t is not None], dtype=np.float64)
    return np.flatnonzero(np.isin(col, wanted)).tolist()


def _check_levels(xs, name: str) -> np.ndarray:
    xs = np.atleast_1d(np.asarray(xs, dtype=np.float64))
    if not np.all((xs >= 0) & (xs <= 1)):
        raise EvalmlError(f"{name} values must be in [0, 1], got {xs.tolist()}")
    return xs


def tpr_at_fpr(state: BinaryState, xs) -> np.ndarray:
    """``tpr_at_fpr[X]`` = the largest TPR over thresholds with FPR ≤ X, for each X.

    Exact from the cumulative counts, no interpolation. The trivial all-negative point
    (FPR 0, TPR 0; threshold above every score) counts, so the answer is ≥ 0 whenever both
    classes are present; NaN when either class has no positive total weight.

    >>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> tpr_at_fpr(st, [0.0, 0.5, 1.0]).tolist()
    [0.5, 1.0, 1.0]
    """
    xs = _check_levels(xs, "tpr_at_fpr")
    points = _roc_points(state, by="fpr")
    if points is None:
        return np.full(xs.shape, np.nan)
    fpr, tpr = points
    best = np.maximum.accumulate(tpr)  # best TPR among points with FPR ≤ fpr[j]
    j = np.searchsorted(fpr, xs, side="right") - 1  # ≥ 0: the (0, 0) point is there
    return best[j]


def _roc_points(state: BinaryState, *, by: str) -> tuple[np.ndarray, np.ndarray] | None:
    """``(fpr, tpr)`` of every threshold plus the all-negative point (0, 0), ordered by ``by``
    (stable), or None when either class has no positive total weight. The points come in
    that order already unless negative weights make a rate fall as the threshold drops."""
    r = _rates(state)
    if not (r["p"] > 0 and r["n"] > 0):
        return None
    fpr = np.r_[0.0, r["fpr"]]
    tpr = np.r_[0.0, r["tpr"]]
    key = fpr if by == "fpr" else tpr
    if not np.all(key[1:] >= key[:-1]):
        order = np.argsort(key, kind="stable")
        fpr, tpr = fpr[order], tpr[order]
    return fpr, tpr


def fpr_at_tpr(state: BinaryState, xs) -> np.ndarray:
    """``fpr_at_tpr[X]`` = the smallest FPR over thresholds with TPR ≥ X, for each X.

    Exact, no interpolation; the trivial all-negative point (0, 0) counts (so X = 0 gives
    0). The lowest threshold has TPR 1, so every X in [0, 1] is reachable; NaN when either
    class has no positive total weight.

    >>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> fpr_at_tpr(st, [0.0, 0.5, 1.0]).tolist()
    [0.0, 0.0, 0.5]
    """
    xs = _check_levels(xs, "fpr_at_tpr")
    points = _roc_points(state, by="tpr")
    if points is None:
        return np.full(xs.shape, np.nan)
    fpr, tpr = points
    best = np.minimum.accumulate(fpr[::-1])[::-1]  # best FPR among points with TPR ≥ tpr[j]
    j = np.searchsorted(tpr, xs, side="left")
    out = np.full(xs.shape, np.nan)
    ok = j < tpr.shape[0]
    out[ok] = best[j[ok]]
    return out
