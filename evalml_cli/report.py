"""The report object every command produces and every renderer and gate reads."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from evalml_cli import __version__
from evalml_cli.kernels._result import MetricSet


def finite_or_none(value: float | None) -> float | int | None:
    """JSON-safe number: NaN and ±inf become None; integral counts stay ints upstream."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Report:
    """What was evaluated and the numbers that came out.

    ``metrics`` maps a metric name to a finite float or None (undefined; the reason is in
    ``warnings``). ``extra`` holds task-specific blocks (``per_class``, ``confusion_matrix``,
    ``chi2`` details…) that are copied to the top level of the JSON report.
    """

    task: str
    n: int
    inputs: dict[str, Any]
    metrics: dict[str, float | None]
    warnings: list[str] = field(default_factory=list)
    n_dropped: int = 0
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    display: dict[str, Any] = field(default_factory=dict)  # renderer hints, not part of JSON

    def ordered_metrics(self) -> dict[str, float | None]:
        """``metrics`` with the task's headline metrics first (``metrics.display_order``)."""
        from evalml_cli.metrics import display_order

        return {name: self.metrics[name] for name in display_order(self.task, self.metrics)}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "task": self.task,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "inputs": dict(self.inputs),
            "metrics": self.ordered_metrics(),
        }
        out.update(self.extra)
        out["warnings"] = list(self.warnings)
        out["version"] = __version__
        return out


def metrics_from(ms: MetricSet, integer_names: frozenset[str] = frozenset()) -> tuple[dict, list[str]]:
    """Turn a kernel MetricSet into report metrics (None for undefined) and warnings.

    Counts named in ``integer_names`` become ints when integral (unweighted data).
    """
    metrics: dict[str, float | int | None] = {}
    warnings: list[str] = []
    for name, value in ms.values.items():
        v = finite_or_none(value)
        if v is None:
            warnings.append(f"{name} is undefined: {ms.reasons.get(name, 'undefined on this data')}")
        elif name in integer_names and float(v).is_integer():
            v = int(v)
        metrics[name] = v
    warnings.extend(ms.notes)
    return metrics, warnings
