"""The library API: validated data in, :class:`Report` out. This is what cli.py calls."""

from __future__ import annotations

from evalml_cli import io, metrics
from evalml_cli.evaluate_regression import quiet_numpy
from evalml_cli.kernels.binary import binary_compute, binary_update
from evalml_cli.report import Report, metrics_from


def suspicious_scores(distinct: "np.ndarray", threshold: float, roc_auc: float | None) -> list[str]:
    """Warnings about scores that look like a mistake; each only when its condition holds.

    ``distinct`` is the sorted array of distinct scores, or the lowest, NaN and the highest
    (:meth:`BinaryState.score_preview`) when there are more than two. Percentages: every score in [0, 100]
    and some > 1. Logits: some score outside [0, 1] (and not percentages) with the default
    threshold 0.5. Hard predictions: the only values are 0 and 1. A swapped label: roc_auc < 0.5.

    >>> import numpy as np
    >>> suspicious_scores(np.array([0.0, 1.0]), 0.5, 0.8)[0][:28]
    'scores are hard 0/1 predicti'
    """
    out: list[str] = []
    if distinct.size:
        lo, hi = float(distinct[0]), float(distinct[-1])
        if lo >= 0.0 and 1.0 < hi <= 100.0:
            out.append(
                f"scores look like percentages (0–100; max {hi:g}): divide by 100, or pass --threshold "
                "on the same scale; log_loss and brier need probabilities in [0, 1]"
            )
        elif (lo < 0.0 or hi > 1.0) and threshold == 0.5:
            out.append(
                f"scores are not probabilities (they span [{lo:g}, {hi:g}]); threshold 0.5 may be "
                "meaningless for logits: pass --threshold 0"
            )
        if distinct.size <= 2 and set(distinct.tolist()) <= {0.0, 1.0}:
            out.append(
                "scores are hard 0/1 predictions: roc_auc/average_precision are those of a single "
                "threshold; pass the model's probabilities or scores"
            )
    if roc_auc is not None and roc_auc < 0.5:
        out.append(f"roc_auc below 0.5 ({roc_auc:.4g}): is --pos-label swapped, or the score reversed?")
    return out


@quiet_numpy
def classify_binary(data: io.BinaryData, threshold: float = 0.5, *, state=None) -> Report:
    """Every binary metric of ``data`` at ``score >= threshold`` (``state``: its BinaryState when
    the caller already built it — the one sort is not repeated).

    Examples
    --------
    >>> import numpy as np
    >>> d = io.BinaryData(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]), None,
    ...                   "x.csv", "y", "s", None, "1")
    >>> classify_binary(d).metrics["roc_auc"]
    0.75
    """
    if state is None:
        state = binary_update(data.y, data.score, data.weight)
    from evalml_cli.report import finite_or_none

    n_pos = int(data.y.sum())
    # None when the sum overflows float64
    sum_weights = finite_or_none(data.weight.sum()) if data.weight is not None else None
    return binary_report(state, data, threshold, n=int(data.y.shape[0]), n_pos=n_pos, sum_weights=sum_weights)


def binary_report(state, data: io.BinaryData, threshold: float, *, n: int, n_pos: int, sum_weights: float | None,
                  ms=None, extremes: "np.ndarray | None" = None) -> Report:
    """The binary Report from a merged :class:`BinaryState` (``data`` gives the names, notes and
    warnings; its arrays are not read). The streaming engine passes ``ms`` (metrics computed
    from its own states) and ``extremes`` (the smallest and largest score) instead of a state."""
    weighted = data.weight is not None
    if ms is None:
        ms = binary_compute(state, threshold)
    values, warnings = metrics_from(ms, metrics.count_names(metrics.BINARY) if not weighted else frozenset())
    warnings += suspicious_scores(state.score_preview() if extremes is None else extremes, threshold,
                                 values.get("roc_auc"))
    inputs = {
        "file": data.source,
        "target": data.target,
        "score": data.score_name,
        "weight": data.weight_name,
        "threshold": threshold,
        "pos_label": data.pos_label,
    }
    return Report(
        task=metrics.BINARY,
        n=n,
        inputs=inputs,
        metrics=values,
        warnings=data.warnings + warnings,
        n_dropped=data.n_dropped,
        notes=list(data.notes),
        class_counts={"positive": n_pos, "negative": n - n_pos},
        sum_weights=sum_weights,
        weighted=weighted,
    )


@quiet_numpy
def classify_multiclass(
    data: io.MulticlassData,
    top_k: int | None = None,
    normalize: str | None = None,
    normalize_scores: str | None = None,
    *, show_classes: int = 20,
) -> Report:
    """Multiclass metrics: K×K confusion matrix, per-class table, averages, AUCs, top-k.

    The predicted class is the ``--pred`` column when given, else the argmax of the scores
    (ties → the first class in column order).
    """
    from evalml_cli.kernels import multiclass as mk

    k = len(data.classes)
    _check_multiclass_options(data.scores is not None, k, top_k, normalize_scores)
    scores, probabilities, worst = prepare_scores(data.scores, normalize_scores)
    warnings = list(data.warnings)
    if worst is not None:
        warnings.append(rounded_warning(worst))
    pred = data.pred if data.pred is not None else mk.predict_argmax(scores)
    # Unweighted, one sort of each score column by class serves every OvO and then (merged in
    # place) every OvR table: OvO first.
    runs = (mk.class_score_runs(data.y, scores, k)
            if scores is not None and data.weight is None and k <= mk.OVO_MAX_CLASSES else None)
    ovo = mk.ovo_auc(data.y, scores, k, data.weight, runs=runs) if scores is not None else None
    state = mk.multiclass_update(data.y, pred, k, scores=scores, weight=data.weight, probabilities=probabilities,
                                 runs=runs)
    return multiclass_report(state, data, n=int(data.y.shape[0]), ovo=ovo, probabilities=probabilities,
                             warnings=warnings, top_k=top_k, normalize=normalize, normalize_scores=normalize_scores,
                             show_classes=show_classes)


def _check_multiclass_options(has_scores: bool, k: int, top_k: int | None, normalize_scores: str | None) -> None:
    from evalml_cli.errors import EvalmlError

    if not has_scores:
        if top_k is not None:
            raise EvalmlError("--top-k needs one score column per class", hint="pass --score 'p_*'")
        if normalize_scores is not None:
            raise EvalmlError("--normalize-scores needs score columns", hint="pass --score 'p_*'")
    elif top_k is not None and top_k > k:
        raise EvalmlError(f"--top-k {top_k} is larger than the number of classes ({k})")


def rounded_warning(worst: float) -> str:
    return (f"score rows sum to 1 only within {worst:.2g} (rounded probabilities): "
            "each row was divided by its sum")


def prepare_scores(scores, normalize_scores: str | None):
    """(scores, probabilities, worst): scores normalized as asked; whether every row is a
    probability vector; the largest |row sum − 1| when rounded probabilities were renormalized."""
    import numpy as np

    from evalml_cli.errors import EvalmlError
    from evalml_cli.kernels import multiclass as mk

    if scores is None:
        return None, False, None
    worst = None
    if normalize_scores == "softmax":
        scores = mk.softmax(scores)
    elif normalize_scores == "renormalize":
        try:
            scores = mk.renormalize(scores)
        except ValueError as exc:
            raise EvalmlError(f"--normalize-scores renormalize: {exc}", hint="try --normalize-scores softmax") from None
    probabilities = mk.rows_are_probabilities(scores)
    if not probabilities and normalize_scores is None:
        # Probabilities rounded to d decimals sum to 1 only within K·½·10⁻ᵈ: accept and
        # renormalize them (scikit-learn's log_loss renormalizes every row silently).
        tol = mk.rounding_tolerance(scores)
        if tol > 1e-6 and mk.rows_are_probabilities(scores, tol):
            worst = float(np.abs(scores.sum(axis=1) - 1.0).max())
            scores = mk.renormalize(scores)
            probabilities = True
    return scores, probabilities, worst


def multiclass_report(state, data: io.MulticlassData, *, n: int, ovo, probabilities: bool, warnings: list[str],
                      top_k: int | None = None, normalize: str | None = None, normalize_scores: str | None = None,
                      show_classes: int = 20) -> Report:
    """The multiclass Report from a merged :class:`MulticlassState` (``data`` gives the names;
    its arrays are not read). ``ovo`` is the OvO AUC MetricSet, or None without scores."""
    import numpy as np

    from evalml_cli.kernels import multiclass as mk
    from evalml_cli.report import finite_or_none

    warnings = list(warnings)
    result = mk.multiclass_compute(state, top_k=top_k)
    ms = result.metrics
    if data.score_names and ovo is not None:
        ms.update(ovo)
        if not probabilities:
            ms.set("log_loss", np.nan, "score rows are not probabilities in [0, 1] summing to 1 (±1e-6); "
                   "use --normalize-scores softmax|renormalize")
    values, more = metrics_from(ms)
    warnings += more

    per_class: dict[str, dict] = {}
    undefined: dict[str, list[str]] = {}
    for name, cls_ms in zip(data.classes, result.per_class):
        row = {}
        for metric, value in cls_ms.values.items():
            v = finite_or_none(value)
            if v is None:
                undefined.setdefault(f"{metric}: {cls_ms.reasons.get(metric, 'undefined')}", []).append(name)
            elif metric == "support" and data.weight is None and float(v).is_integer():
                v = int(v)
            row[metric] = v
        per_class[name] = row
    for what, names in undefined.items():
        metric, reason = what.split(": ", 1)
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        warnings.append(f"per-class {metric} is undefined for {shown} ({reason})")

    cm = result.confusion
    matrix = cm.astype(np.int64).tolist() if data.weight is None else cm.tolist()
    from evalml_cli.report import Confusion

    normalized = mk.normalize_confusion(cm, normalize).tolist() if normalize is not None else None
    confusion = Confusion(list(data.classes), matrix, normalize, normalized)
    inputs = {
        "file": data.source,
        "target": data.target,
        "score": data.score_names or None,
        "pred": data.pred_name,
        "weight": data.weight_name,
        "top_k": top_k,
        "normalize_scores": normalize_scores,
    }
    return Report(
        task=metrics.MULTICLASS,
        n=n,
        inputs=inputs,
        metrics=values,
        warnings=warnings,
        n_dropped=data.n_dropped,
        notes=list(data.notes),
        classes=list(data.classes),
        per_class=per_class,
        confusion=confusion,
        show_classes=show_classes,
    )


# regress() and density() live in evaluate_regression.py until they are folded in here;
# re-exported so that evaluate.regress / evaluate.density work already.
from evalml_cli.evaluate_regression import density, regress  # noqa: E402,F401
