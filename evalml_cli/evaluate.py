"""The library API: validated data in, :class:`Report` out. This is what cli.py calls."""

from __future__ import annotations

from evalml_cli import io, metrics
from evalml_cli.kernels.binary import binary_compute, binary_update
from evalml_cli.report import Report, metrics_from


def classify_binary(data: io.BinaryData, threshold: float = 0.5) -> Report:
    """Every binary metric of ``data`` at ``score >= threshold``.

    Examples
    --------
    >>> import numpy as np
    >>> d = io.BinaryData(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]), None,
    ...                   "x.csv", "y", "s", None, "1")
    >>> classify_binary(d).metrics["roc_auc"]
    0.75
    """
    state = binary_update(data.y, data.score, data.weight)
    ms = binary_compute(state, threshold)
    values, warnings = metrics_from(ms, metrics.count_names(metrics.BINARY) if data.weight is None else frozenset())
    inputs = {
        "file": data.source,
        "target": data.target,
        "score": data.score_name,
        "weight": data.weight_name,
        "threshold": threshold,
        "pos_label": data.pos_label,
    }
    n_pos = int(data.y.sum())
    extra = {
        "class_counts": {"positive": n_pos, "negative": int(data.y.shape[0]) - n_pos},
    }
    if data.weight is not None:
        extra["sum_weights"] = float(data.weight.sum())
    return Report(
        task=metrics.BINARY,
        n=int(data.y.shape[0]),
        inputs=inputs,
        metrics=values,
        warnings=data.warnings + warnings,
        n_dropped=data.n_dropped,
        notes=list(data.notes),
        extra=extra,
    )
