"""What a report shows, as plain strings; table.py and markdown.py only lay it out.

A section is (title, header, rows). Task-specific blocks of ``Report.extra`` get a section
builder here, so both renderers stay in step.
"""

from __future__ import annotations

from typing import Callable

from evalml_cli import metrics as registry
from evalml_cli.render import format_value
from evalml_cli.report import Report

Section = tuple[str, list[str], list[list[str]]]


def inputs_line(report: Report) -> str:
    parts = []
    for key, value in report.inputs.items():
        if value is None or value is False or value == []:
            continue
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        parts.append(f"{key}={value}" if key != "file" else str(value))
    if report.n_dropped:
        parts.append(f"dropped {report.n_dropped:,} invalid row(s)")
    return " · ".join(parts)


def metric_rows(report: Report) -> list[tuple[str, str, str]]:
    rows = []
    for name, value in report.metrics.items():
        info = registry.lookup(report.task, name)
        kind = info.kind if info else "value"
        arrow = "" if info is None or info.higher_is_better is None else ("↑" if info.higher_is_better else "↓")
        rows.append((name, format_value(value, kind), arrow))
    return rows


def _binary_confusion(report: Report) -> list[Section]:
    m = report.metrics
    if "tp" not in m:
        return []
    t = report.inputs.get("threshold")

    def f(name: str) -> str:
        return format_value(m.get(name), "count")

    rows = [["actual positive", f("tp"), f("fn")], ["actual negative", f("fp"), f("tn")]]
    return [(f"confusion matrix at score ≥ {t:g}", ["", "predicted positive", "predicted negative"], rows)]


def _shown_classes(report: Report) -> tuple[list[int], int]:
    """Indices of the classes to draw: all, or the ``--show-classes`` worst by f1 then recall."""
    labels = report.extra["confusion_matrix"]["labels"]
    limit = int(report.display.get("show_classes", 20))
    if len(labels) <= limit:
        return list(range(len(labels))), len(labels)
    per = report.extra["per_class"]

    def badness(i: int) -> tuple[float, float]:
        row = per[labels[i]]
        f1 = row.get("f1")
        rec = row.get("recall")
        return (f1 if f1 is not None else -1.0, rec if rec is not None else -1.0)

    worst = sorted(range(len(labels)), key=badness)[:limit]
    return sorted(worst), len(labels)


def _multiclass_confusion(report: Report) -> list[Section]:
    cmx = report.extra.get("confusion_matrix")
    if not cmx:
        return []
    labels = cmx["labels"]
    shown, total = _shown_classes(report)
    if len(shown) < total:
        return []  # a partial K×K matrix misleads; the per-class table says what is hidden
    how = cmx.get("normalize")
    raw = cmx["matrix"]
    values = cmx.get("normalized", raw)
    kind = "count" if how is None else "ratio"
    rows = []
    for i in shown:
        row_total = sum(raw[i])
        rows.append([str(labels[i]), *(format_value(values[i][j], kind) for j in shown),
                     format_value(row_total, "count")])
    col_totals = [sum(raw[i][j] for i in range(len(labels))) for j in shown]
    rows.append(["total", *(format_value(v, "count") for v in col_totals), format_value(sum(col_totals), "count")])
    title = "confusion matrix (rows: true class, columns: predicted)"
    if how:
        title += f", normalized over {'all' if how == 'all' else how + ' class'}; totals are counts"
    return [(title, ["true \\ pred", *(str(labels[j]) for j in shown), "total"], rows)]


def _per_class(report: Report) -> list[Section]:
    per = report.extra.get("per_class")
    if not per:
        return []
    labels = report.extra["confusion_matrix"]["labels"]
    shown, total = _shown_classes(report)
    cols = ["precision", "recall", "f1", "support"] + (["roc_auc"] if any("roc_auc" in v for v in per.values()) else [])
    rows = []
    for i in shown:
        row = per[labels[i]]
        rows.append([str(labels[i]), *(format_value(row.get(c), "count" if c == "support" else "ratio") for c in cols)])
    title = "per class"
    if len(shown) < total:
        title += f": the {len(shown)} worst of {total} classes by f1 (--show-classes N for more; JSON has all)"
    return [(title, ["class", *cols], rows)]


_BUILDERS: dict[str, list[Callable[[Report], list[Section]]]] = {
    registry.BINARY: [_binary_confusion],
    registry.MULTICLASS: [_per_class, _multiclass_confusion],
}


def register(task: str, builder: Callable[[Report], list[Section]]) -> None:
    """Add a section builder for ``task`` (used by the multiclass/regression renderers)."""
    _BUILDERS.setdefault(task, []).append(builder)


def sections(report: Report) -> list[Section]:
    out: list[Section] = []
    for build in _BUILDERS.get(report.task, []):
        out.extend(build(report))
    return out
