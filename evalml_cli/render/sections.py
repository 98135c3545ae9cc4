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


_BUILDERS: dict[str, list[Callable[[Report], list[Section]]]] = {
    registry.BINARY: [_binary_confusion],
}


def register(task: str, builder: Callable[[Report], list[Section]]) -> None:
    """Add a section builder for ``task`` (used by the multiclass/regression renderers)."""
    _BUILDERS.setdefault(task, []).append(builder)


def sections(report: Report) -> list[Section]:
    out: list[Section] = []
    for build in _BUILDERS.get(report.task, []):
        out.extend(build(report))
    return out
