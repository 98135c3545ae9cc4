"""The typed report every command produces and every renderer and gate reads.

A :class:`Report` holds what was evaluated (``inputs``) and what came out, each block in a
field of its own type: flat ``metrics``, ``per_class`` values, the multiclass ``confusion``
matrix, ``intervals`` (``low``/``high``/``method`` per metric), ``curves``, per-group reports
(``groups``, with the generalization ``gap``), the models and ``delta`` of a comparison. The
JSON report is :meth:`Report.to_dict`; :meth:`Report.from_dict` reads one back (baselines);
:meth:`Report.to_frame` gives pandas a row per metric. Renderers and gates read these fields,
never loose dicts.

Undefined values have one policy (:func:`finite_or_none`): a kernel's NaN or ±inf becomes
``None`` here, ``null`` in JSON, ``n/a`` in tables, and a gate on it fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from evalml_cli import __version__
from evalml_cli.kernels._result import MetricSet

Number = float | int | None


def finite_or_none(value: float | None) -> float | None:
    """The one undefined-value rule: NaN and ±inf (and None) become None, anything else a float.

    >>> finite_or_none(float("nan")), finite_or_none(0.5), finite_or_none(None)
    (None, 0.5, None)
    """
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Interval:
    """A confidence interval of one metric; ``low``/``high`` None when it could not be computed."""

    low: float | None
    high: float | None
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "method": self.method}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Interval:
        return cls(d.get("low"), d.get("high"), str(d.get("method", "")))


@dataclass(frozen=True)
class Intervals:
    """Intervals of a report's metrics at one confidence ``level`` (``--ci``)."""

    level: float
    metrics: dict[str, Interval]
    bootstrap: int | None = None
    seed: int | None = None
    kind: str | None = None  # percentile | bca, for bootstrap intervals

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level, "bootstrap": self.bootstrap, "seed": self.seed}
        if self.kind is not None:
            out["bootstrap_kind"] = self.kind
        out["metrics"] = {k: v.to_dict() for k, v in self.metrics.items()}
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Intervals:
        return cls(float(d.get("level", 0.95)), {k: Interval.from_dict(v) for k, v in (d.get("metrics") or {}).items()},
                   d.get("bootstrap"), d.get("seed"), d.get("bootstrap_kind"))


@dataclass(frozen=True)
class Confusion:
    """The multiclass confusion matrix: ``matrix[i][j]`` = (weighted) count of true class
    ``labels[i]`` predicted as ``labels[j]``; ``normalized`` with ``--normalize``."""

    labels: list[str]
    matrix: list[list[float]]
    normalize: str | None = None
    normalized: list[list[float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"labels": list(self.labels), "matrix": self.matrix, "normalize": self.normalize}
        if self.normalized is not None:
            out["normalized"] = self.normalized
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Confusion:
        return cls(list(d["labels"]), d["matrix"], d.get("normalize"), d.get("normalized"))


@dataclass(frozen=True)
class Curve:
    """Points of one curve (roc, pr, calibration, det, efficiency): column name → values."""

    kind: str
    columns: dict[str, list]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **{k: list(v) for k, v in self.columns.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Curve:
        return cls(str(d.get("kind", "")), {k: v for k, v in d.items() if k != "kind"})


@dataclass(frozen=True)
class Delta:
    """Second model − first for one metric of a comparison, with its paired interval and test."""

    value: float | None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    method: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "p_value": self.p_value, "method": self.method}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Delta:
        return cls(d.get("value"), d.get("low"), d.get("high"), d.get("p_value"), d.get("method"))


@dataclass(frozen=True)
class Pulls:
    """Per-row residuals and pulls of a χ² fit (for ``--pulls`` and plots; not in the JSON)."""

    rows: Any  # 1-based file row of each kept row
    residuals: Any
    pulls: Any  # None without uncertainties
    predictions: Any = None  # the (mean) prediction of each kept row, for --plot residuals


@dataclass(frozen=True)
class Report:
    """What was evaluated and the numbers that came out.

    ``metrics`` maps a metric name to a finite number or None (undefined; the reason is in
    ``warnings``). The optional blocks are None when the command did not produce them and are
    then absent from the JSON. A Report is immutable: use :meth:`with_warnings` or
    ``dataclasses.replace`` to derive another.
    """

    task: str
    n: int
    inputs: dict[str, Any]
    metrics: dict[str, Number]
    warnings: list[str] = field(default_factory=list)
    n_dropped: int = 0
    notes: list[str] = field(default_factory=list)
    # binary
    class_counts: dict[str, int] | None = None
    sum_weights: float | None = None
    weighted: bool = False  # sum_weights is reported (possibly None when it overflows)
    # multiclass
    classes: list[str] | None = None
    per_class: dict[str, dict[str, Number]] | None = None
    confusion: Confusion | None = None
    # any task
    intervals: Intervals | None = None
    per_class_intervals: dict[str, dict[str, Interval]] | None = None
    curves: dict[str, Curve] | None = None
    groups: dict[str, Report] | None = None
    gap: dict[str, Number] | None = None
    # compare
    models: dict[str, Report] | None = None
    delta: dict[str, Delta] | None = None
    # not serialized: renderer hints and per-row side products
    pulls: Pulls | None = field(default=None, compare=False)
    show_classes: int = field(default=20, compare=False)
    extra_json: dict[str, Any] = field(default_factory=dict)  # blocks added by later features, serialized last

    # -- derived views ---------------------------------------------------------------------
    def ordered_metrics(self) -> dict[str, Number]:
        """``metrics`` with the task's headline metrics first (``metrics.display_order``)."""
        from evalml_cli.metrics import display_order

        return {name: self.metrics[name] for name in display_order(self.task, self.metrics)}

    def with_warnings(self, *more: str) -> Report:
        """The same report with ``more`` warnings appended."""
        return replace(self, warnings=[*self.warnings, *more])

    # -- JSON ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON report (key order is part of the format: tests compare bytes)."""
        out: dict[str, Any] = {"task": self.task, "n": self.n, "n_dropped": self.n_dropped, "inputs": dict(self.inputs)}
        if self.task == "compare":  # a comparison drops no rows (invalid rows are exit 2)
            del out["n_dropped"]
        if self.models is None:
            out["metrics"] = self.ordered_metrics()
        else:
            out.update(_metrics_or_models(self))
        out.update(_blocks(self, top=True))
        out["warnings"] = list(self.warnings)
        out["version"] = __version__
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        """Read a saved JSON report back (the inverse of :meth:`to_dict` for every field it writes).

        >>> r = Report("binary", 4, {"file": "x.csv"}, {"roc_auc": 0.75}, class_counts={"positive": 2, "negative": 2})
        >>> Report.from_dict(r.to_dict()) == r
        True
        """
        from evalml_cli.errors import EvalmlError

        if not isinstance(d, dict) or "task" not in d or not ("metrics" in d or "models" in d):
            raise EvalmlError("not an evalml report: expected a JSON object with 'task' and 'metrics'")
        per_class = d.get("per_class")
        pci = None
        if per_class:
            per_class = {k: dict(v) for k, v in per_class.items()}
            found = {k: v.pop("intervals") for k, v in per_class.items() if isinstance(v.get("intervals"), dict)}
            pci = {k: {m: Interval.from_dict(iv) for m, iv in v.items()} for k, v in found.items()} or None
        known = {"task", "n", "n_dropped", "inputs", "metrics", "models", "warnings", "version", "class_counts",
                 "sum_weights", "classes", "per_class", "confusion_matrix", "intervals", "curves", "groups", "gap",
                 "delta"}
        return cls(
            task=str(d["task"]),
            n=int(d.get("n", 0)),
            inputs=dict(d.get("inputs") or {}),
            metrics=dict(d.get("metrics") or {}),
            warnings=list(d.get("warnings") or []),
            n_dropped=int(d.get("n_dropped", 0)),
            class_counts=d.get("class_counts"),
            sum_weights=d.get("sum_weights"),
            weighted="sum_weights" in d,
            classes=d.get("classes"),
            per_class=per_class,
            confusion=Confusion.from_dict(d["confusion_matrix"]) if d.get("confusion_matrix") else None,
            intervals=Intervals.from_dict(d["intervals"]) if d.get("intervals") else None,
            per_class_intervals=pci,
            curves={k: Curve.from_dict(v) for k, v in d["curves"].items()} if d.get("curves") else None,
            groups={k: cls.from_dict({"task": d["task"], **v}) for k, v in d["groups"].items()} if d.get("groups") else None,
            gap=d.get("gap"),
            models={k: cls.from_dict({"task": d["task"], **v}) for k, v in d["models"].items()} if d.get("models") else None,
            delta={k: Delta.from_dict(v) for k, v in d["delta"].items()} if d.get("delta") else None,
            extra_json={k: v for k, v in d.items() if k not in known},
        )

    def to_frame(self):
        """A pandas DataFrame with one row per metric (``metric``, ``value``; ``low``, ``high``,
        ``method`` when intervals are present; a ``model``/``group`` column for comparisons and
        groups). Imports pandas."""
        import pandas as pd

        def rows(report: Report, **key: str) -> list[dict[str, Any]]:
            out = []
            for name, value in report.ordered_metrics().items():
                row: dict[str, Any] = {**key, "metric": name, "value": value}
                if report.intervals is not None:
                    iv = report.intervals.metrics.get(name)
                    row.update(low=iv.low if iv else None, high=iv.high if iv else None, method=iv.method if iv else None)
                out.append(row)
            return out

        if self.models is not None:
            data = [r for name, m in self.models.items() for r in rows(m, model=name)]
        elif self.groups is not None:
            data = [r for name, g in self.groups.items() for r in rows(g, group=name)]
        else:
            data = rows(self)
        return pd.DataFrame(data)


def _metrics_or_models(r: Report) -> dict[str, Any]:
    """``{"metrics": …}``, or for a comparison ``{"models": {NAME: {"metrics": …}, …}}``."""
    if r.models is None:
        return {"metrics": r.ordered_metrics()}
    return {"models": {name: {"metrics": m.ordered_metrics(), **_blocks(m, top=False)} for name, m in r.models.items()}}


def _blocks(r: Report, *, top: bool) -> dict[str, Any]:
    """The optional JSON blocks of ``r`` in their fixed order."""
    out: dict[str, Any] = {}
    if r.class_counts is not None:
        out["class_counts"] = dict(r.class_counts)
    if r.weighted:
        out["sum_weights"] = r.sum_weights
    if r.intervals is not None:
        out["intervals"] = r.intervals.to_dict()
    if r.classes is not None:
        out["classes"] = list(r.classes)
    if r.per_class is not None:
        per = {k: dict(v) for k, v in r.per_class.items()}
        for cls_name, ivs in (r.per_class_intervals or {}).items():
            if cls_name in per:
                per[cls_name]["intervals"] = {m: iv.to_dict() for m, iv in ivs.items()}
        out["per_class"] = per
    if r.confusion is not None:
        out["confusion_matrix"] = r.confusion.to_dict()
    if r.curves is not None:
        out["curves"] = {k: c.to_dict() for k, c in r.curves.items()}
    if r.groups is not None:
        out["groups"] = {name: {"n": g.n, **_metrics_or_models(g), **_blocks(g, top=False)}
                         for name, g in r.groups.items()}
    if r.gap is not None:
        out["gap"] = dict(r.gap)
    if r.delta is not None:
        out["delta"] = {k: v.to_dict() for k, v in r.delta.items()}
    out.update(r.extra_json)
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
