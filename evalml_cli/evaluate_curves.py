"""Curves, working points, calibration and physics metrics of validated data: the library
logic behind ``evalml curve`` and classify's ``--threshold RULE``, ``--threshold-from``,
``--tpr-at-fpr``, ``--fpr-at-tpr``, ``--hep``, ``--overtraining``, ``--bins`` and the curves
that ``--plot`` and ``--format html`` draw.

Every curve and every rule reads one cumulative-counts kernel
(:func:`evalml_cli.kernels.ranking.cumulative_counts`, through :mod:`evalml_cli.kernels.curves`).
Nothing here prints or reads options; ``api.py`` calls it.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels import curves as kc
from evalml_cli.kernels.binary import BinaryState, binary_update
from evalml_cli.report import Curve as ReportCurve
from evalml_cli.report import Report, finite_or_none

CURVE_KINDS = ("roc", "pr", "calibration", "det", "efficiency")
#: Threshold metrics: null when the threshold rule cannot be met.
THRESHOLD_METRICS = ("tp", "fp", "tn", "fn", "accuracy", "balanced_accuracy", "precision", "recall",
                     "specificity", "f1", "mcc")
HEP_METRICS = ("signal_efficiency", "background_efficiency", "background_rejection", "s", "b", "significance",
               "asimov_significance", "max_significance", "max_significance_threshold", "max_asimov_significance",
               "max_asimov_threshold")
KS_METRICS = ("ks_signal_statistic", "ks_signal_pvalue", "ks_background_statistic", "ks_background_pvalue")
#: Points a curve drawn in a figure keeps at most (both ends and the rule points always stay).
PLOT_POINTS = 1000


def level_key(name: str, x: float) -> str:
    """The metrics key of a working-point level: ``tpr_at_fpr[0.01]`` (the shortest repr of X).

    >>> level_key("tpr_at_fpr", 0.010), level_key("fpr_at_tpr", 1e-5)
    ('tpr_at_fpr[0.01]', 'fpr_at_tpr[1e-05]')
    """
    return f"{name}[{float(x)!r}]"


def parse_levels(text: str | list | tuple | None, option: str) -> list[float]:
    """``"0.01,0.001"`` (or a list of such strings / numbers) → [0.01, 0.001]; each in [0, 1].

    >>> parse_levels("0.01, 0.001", "--tpr-at-fpr")
    [0.01, 0.001]
    """
    if text is None:
        return []
    items = [text] if isinstance(text, (str, int, float)) else list(text)
    out: list[float] = []
    for item in items:
        for part in str(item).split(","):
            part = part.strip()
            if not part:
                continue
            try:
                x = float(part)
            except ValueError:
                raise EvalmlError(f"{option} {part!r} is not a number", hint=f"e.g. {option} 0.01,0.001") from None
            if not 0.0 <= x <= 1.0:  # also NaN
                raise EvalmlError(f"{option} {part}: must be in [0, 1]", hint=f"e.g. {option} 0.01,0.001")
            if x not in out:
                out.append(x)
    if not out:
        raise EvalmlError(f"{option} needs at least one number", hint=f"e.g. {option} 0.01,0.001")
    return out


# --------------------------------------------------------------------------------------------
# Curves


def _rule_points(state: BinaryState) -> list[float | None]:
    """Where the auto rules land (kept by ``--points``)."""
    return [kc.choose_threshold(state, kc.parse_threshold_rule(r))[0] for r in ("auto:youden", "auto:f1", "auto:mcc")]


def binary_curve(state: BinaryState, kind: str, *, drop_intermediate: bool = False, points: int | None = None,
                 bins: str | int = 15, keep: list[float | None] = ()) -> kc.Curve:
    """One curve of ``kind`` from a binary state; ``points`` down-samples, keeping both ends
    and the points where the auto rules (and the thresholds in ``keep``) land."""
    from evalml_cli.kernels.calibration import calibration_curve

    if kind == "calibration":
        curve = calibration_curve(state, bins)
    elif kind == "efficiency":
        curve = kc.efficiency_curve(state)
        if drop_intermediate:
            idx = kc._drop_collinear(curve.columns["background_efficiency"], curve.columns["signal_efficiency"])
            curve = curve.take(idx)
    else:
        curve = kc.binary_curve(kind, state, drop_intermediate=drop_intermediate)
    if points is not None:
        wanted = [*_rule_points(state), *keep] if kind != "calibration" else []
        curve = kc.downsample(curve, points, kc.rule_indices(curve, wanted))
    return curve


def multiclass_curve(y: np.ndarray, scores: np.ndarray, weight: np.ndarray | None, classes: list[str], *, kind: str,
                     **options) -> kc.Curve:
    """One-vs-rest: class k positive with score column k, one curve per class stacked with a
    ``class`` column first."""
    parts = []
    for j, name in enumerate(classes):  # a loop over classes, never over rows
        c = binary_curve(binary_update(y == j, scores[:, j], weight), kind, **options)
        label = np.empty(len(c), dtype=object)
        label[:] = name
        parts.append({"class": label, **c.columns})
    return kc.Curve(kind, {name: np.concatenate([p[name] for p in parts]) for name in parts[0]})


def curve_of(data, kind: str, *, state: BinaryState | None = None, **options) -> kc.Curve:
    """The curve of validated classification data (``io.BinaryData`` or ``io.MulticlassData``);
    ``state``: the binary data's BinaryState when the caller has it (no second sort)."""
    if kind not in CURVE_KINDS:
        raise EvalmlError(f"unknown curve kind {kind!r}", hint=f"use one of {', '.join(CURVE_KINDS)}")
    if hasattr(data, "score"):
        st = state if state is not None else binary_update(data.y, data.score, data.weight)
        return binary_curve(st, kind, **options)
    if data.scores is None:
        raise EvalmlError("a multiclass curve needs one score column per class", hint="pass --score 'p_*'")
    return multiclass_curve(data.y, data.scores, data.weight, list(data.classes), kind=kind, **options)


def to_report_curve(curve: kc.Curve) -> ReportCurve:
    """Kernel curve (arrays, NaN) → the report's curve (lists, None)."""
    cols = {}
    for name, values in curve.columns.items():
        if values.dtype.kind == "f":
            cols[name] = [None if not np.isfinite(v) else v for v in values.tolist()]
        else:
            cols[name] = values.tolist()
    return ReportCurve(curve.kind, cols)


def _probabilities(data) -> bool:
    scores = data.score if hasattr(data, "score") else data.scores
    return scores is not None and scores.size > 0 and float(scores.min()) >= 0.0 and float(scores.max()) <= 1.0


def curves_block(data, kinds, *, bins: str | int = 15, keep: list[float | None] = (),
                 state: BinaryState | None = None) -> dict[str, ReportCurve]:
    """Curves for figures (``--plot``, ``--format html``), each down-sampled to PLOT_POINTS;
    binary curves share one BinaryState (``state``, or one built here)."""
    if hasattr(data, "score") and state is None and kinds:
        state = binary_update(data.y, data.score, data.weight)
    out = {}
    for kind in kinds:
        if kind == "calibration" and not _probabilities(data):
            continue
        if kind in CURVE_KINDS and (hasattr(data, "score") or data.scores is not None):
            extra = {"keep": keep, "state": state} if hasattr(data, "score") else {}
            out[kind] = to_report_curve(curve_of(data, kind, points=PLOT_POINTS, bins=bins, **extra))
    return out


# --------------------------------------------------------------------------------------------
# Working points


def null_threshold_metrics(report: Report, why: str) -> Report:
    """The report with every threshold metric null and one warning saying why."""
    values = dict(report.metrics)
    for name in THRESHOLD_METRICS:
        if name in values:
            values[name] = None
    # The metrics were computed at a stand-in threshold: their own reasons would be about it.
    stale = tuple(f"{name} is undefined:" for name in THRESHOLD_METRICS)
    kept = [w for w in report.warnings if not w.startswith(stale)]
    return replace(report, metrics=values, warnings=[*kept, f"threshold metrics are undefined: {why}"])


def add_metrics(report: Report, values: dict[str, Any], reasons: dict[str, str] | None = None) -> Report:
    """Append ``values`` to the report's metrics (NaN → None + a warning with its reason)."""
    merged = dict(report.metrics)
    warnings = list(report.warnings)
    for name, value in values.items():
        v = finite_or_none(value)
        if v is None:
            warnings.append(f"{name} is undefined: {(reasons or {}).get(name, 'undefined on this data')}")
        merged[name] = v
    return replace(report, metrics=merged, warnings=warnings)


def working_levels(report: Report, state: BinaryState, tpr_at: list[float], fpr_at: list[float]) -> Report:
    """``tpr_at_fpr[X]`` and ``fpr_at_tpr[X]`` as flat metrics keys (exact, no interpolation)."""
    values: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    why = "needs positive and negative rows with positive total weight"
    if tpr_at:
        for x, v in zip(tpr_at, kc.tpr_at_fpr(state, tpr_at).tolist()):
            values[level_key("tpr_at_fpr", x)] = v
            reasons[level_key("tpr_at_fpr", x)] = why
    if fpr_at:
        for x, v in zip(fpr_at, kc.fpr_at_tpr(state, fpr_at).tolist()):
            values[level_key("fpr_at_tpr", x)] = v
            reasons[level_key("fpr_at_tpr", x)] = why
    return add_metrics(report, values, reasons)


def hep_metrics(report: Report, state: BinaryState, threshold: float | None, lumi_scale: float) -> Report:
    """``--hep``: physics metrics at the threshold and the maxima over thresholds."""
    from evalml_cli.kernels.hep import hep_at, hep_max

    if threshold is None:
        values = dict.fromkeys(HEP_METRICS[:7], float("nan"))
        reasons = dict.fromkeys(HEP_METRICS[:7], "no threshold was chosen")
    else:
        ms = hep_at(state, threshold, lumi_scale)
        values, reasons = dict(ms.values), dict(ms.reasons)
    mx = hep_max(state, lumi_scale)
    values.update(mx.values)
    reasons.update(mx.reasons)
    return add_metrics(report, {k: values[k] for k in HEP_METRICS}, reasons)


def overtraining_metrics(report: Report, train, test) -> Report:
    """``--overtraining``: KS statistics and p-values, signal and background, train vs test."""
    from evalml_cli.kernels.hep import overtraining

    ms = overtraining(train.y, train.score, test.y, test.score, train_weight=train.weight, test_weight=test.weight)
    return add_metrics(report, {k: ms.values[k] for k in KS_METRICS}, ms.reasons)


def calibration_metrics(report: Report, data, bins: str | int | None, normalize_scores: str | None = None, *,
                        state: BinaryState | None = None) -> Report:
    """ece and mce (binary: positive-class probability; multiclass: top label) over ``bins``.

    ``bins=None`` is the default run: 15 equal-width bins, and the two metrics are added only
    when the scores are probabilities (no extra warnings for logits). An explicit ``--bins``
    always adds them, null with the reason when they are undefined. ``state``: the run's
    BinaryState, so the scores are not sorted twice.
    """
    with np.errstate(all="ignore"):  # overflowing weights give NaN (→ null + reason), never a warning
        return _calibration_metrics(report, data, bins, normalize_scores, state=state)


def _calibration_metrics(report: Report, data, bins, normalize_scores, *, state) -> Report:
    from evalml_cli.kernels.calibration import calibration_errors, multiclass_calibration_errors

    explicit = bins is not None
    bins = 15 if bins is None else bins
    if not explicit and (not _probabilities(data) or (not hasattr(data, "score") and data.scores is None)):
        return report
    if hasattr(data, "score"):
        ms = calibration_errors(state if state is not None else binary_update(data.y, data.score, data.weight), bins)
    else:
        if data.scores is None:
            raise EvalmlError("--bins needs one score column per class", hint="pass --score 'p_*'")
        from evalml_cli.kernels import multiclass as mk

        scores = data.scores
        if normalize_scores == "softmax":
            scores = mk.softmax(scores)
        elif normalize_scores == "renormalize":
            scores = mk.renormalize(scores)
        ms = multiclass_calibration_errors(data.y, scores, data.weight, bins)
    if not explicit and not all(math.isfinite(ms.values[k]) for k in ("ece", "mce")):
        return report
    return add_metrics(report, {"ece": ms.values["ece"], "mce": ms.values["mce"]}, ms.reasons)
