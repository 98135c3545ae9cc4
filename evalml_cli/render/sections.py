"""What a report shows, as plain strings; plain.py, table.py and markdown.py only lay it out.

A section is (title, header, rows, notes). Task-specific blocks of ``Report.extra`` get a
section builder here, so every renderer stays in step.

Width rules (issue 8 item 18): a number is never cut. Tables are laid out with columns three
spaces apart; only the first column (metric or class names) may wrap. A K×K confusion matrix
that does not fit the width numbers its classes (columns, then rows too) with a legend line,
and when even that does not fit it is left out with a note pointing to ``--format json``.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from evalml_cli import metrics as registry
from evalml_cli.render import format_value
from evalml_cli.report import Report

#: Spaces between two table columns (plain.py draws them; rich's SIMPLE_HEAD box without edges
#: draws padding + separator + padding, the same three).
GAP = 3
#: The first column is never squeezed below this many characters (or its natural width).
FIRST_MIN = 8


class Section(NamedTuple):
    """One titled table. An empty ``header`` means "no table, just the title" (a note);
    ``notes`` are lines printed under the table (e.g. a legend), already fitted to the width."""

    title: str
    header: list[str]
    rows: list[list[str]]
    notes: tuple[str, ...] = ()


def column_widths(header: list[str], rows: list[list[str]]) -> list[int]:
    """The natural width of every column (the widest cell, header included)."""
    return [max(len(str(c)) for c in col) for col in zip(header, *rows)]


def min_table_width(header: list[str], rows: list[list[str]]) -> int:
    """The narrowest a table can be drawn without cutting a number: the first column wrapped
    down to FIRST_MIN, every other column at its natural width."""
    widths = column_widths(header, rows)
    return min(widths[0], FIRST_MIN) + sum(widths[1:]) + GAP * (len(widths) - 1)


def natural_table_width(header: list[str], rows: list[list[str]]) -> int:
    widths = column_widths(header, rows)
    return sum(widths) + GAP * (len(widths) - 1)


def pack(items: list[str], width: int | None, sep: str = "  ") -> list[str]:
    """Join ``items`` into lines of at most ``width`` characters without splitting an item
    (an item longer than the width gets a line of its own)."""
    lines: list[str] = []
    for item in items:
        if lines and (width is None or len(lines[-1]) + len(sep) + len(item) <= width):
            lines[-1] += sep + item
        else:
            lines.append(item)
    return lines


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


#: Multiclass micro averages that equal accuracy on single-label data: one table row.
_MICRO = ("precision_micro", "recall_micro", "f1_micro")


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(a)))


def metric_rows(report: Report) -> list[tuple[str, str, str]]:
    """(name, value, direction arrow) per metric, headline first (``metrics.display_order``).
    In a multiclass report the micro precision, recall and F1 are shown once, on the accuracy
    row, when they equal it (JSON keeps all four keys)."""
    values = report.ordered_metrics()
    collapse = (report.task == registry.MULTICLASS and "accuracy" in values
                and all(k in values and _same(values[k], values["accuracy"]) for k in _MICRO))
    rows = []
    for name, value in values.items():
        if collapse and name in _MICRO:
            continue
        info = registry.lookup(report.task, name)
        kind = info.kind if info else "value"
        arrow = "" if info is None or info.higher_is_better is None else ("↑" if info.higher_is_better else "↓")
        label = "accuracy (= micro P/R/F1)" if collapse and name == "accuracy" else name
        rows.append((label, with_interval(report, name, format_value(value, kind)), arrow))
    return rows


def metric_table(report: Report) -> tuple[list[str], list[list[str]]]:
    """The main table: metric, value, arrow — or, side by side, a column per group (``--by``,
    plus the gap A − B) or per model (``evalml compare``, plus delta [low, high] and p)."""
    if report.models:
        names = list(report.models)
        first = report.models[names[0]]
        rows = []
        for name in first.ordered_metrics():
            info = registry.lookup(first.task, name)
            kind = info.kind if info else "value"
            arrow = "" if info is None or info.higher_is_better is None else ("↑" if info.higher_is_better else "↓")
            cells = [format_value(m.metrics.get(name), kind) for m in report.models.values()]
            d = (report.delta or {}).get(name)
            if d is None:
                delta, p = "", ""
            else:
                delta = format_value(d.value, kind)
                if d.low is not None or d.high is not None:
                    delta += f" [{format_value(d.low)}, {format_value(d.high)}]"
                p = format_value(d.p_value) if d.p_value is not None else ""
            rows.append([name, *cells, delta, p, arrow])
        return ["metric", *names, "delta (2nd − 1st)", "p", ""], rows
    if report.groups:
        groups = report.groups
        ref = groups.get("all", report)
        gap = report.gap
        rows = []
        for name in ref.ordered_metrics():
            info = registry.lookup(report.task, name)
            kind = info.kind if info else "value"
            arrow = "" if info is None or info.higher_is_better is None else ("↑" if info.higher_is_better else "↓")
            cells = [with_interval(g, name, format_value(g.metrics.get(name), kind)) for g in groups.values()]
            extra = [format_value(gap.get(name), kind) if name in gap else ""] if gap is not None else []
            rows.append([name, *cells, *extra, arrow])
        pair = str(report.inputs.get("gap", "")).replace(",", " − ")
        return ["metric", *groups, *([f"gap {pair}"] if gap is not None else []), ""], rows
    return ["metric", "value", ""], [list(r) for r in metric_rows(report)]


def with_interval(report: Report, name: str, text: str) -> str:
    """``0.7314 [0.6301, 0.8326]`` when the report has an interval for ``name`` (``--ci``)."""
    return _bracketed(text, report.intervals.metrics.get(name) if report.intervals is not None else None)


def _bracketed(text: str, iv) -> str:
    """``text`` followed by the interval ``[low, high]`` (``[n/a]`` when it is undefined)."""
    if iv is None:
        return text
    if iv.low is None or iv.high is None:
        return f"{text} [n/a]"
    return f"{text} [{format_value(iv.low)}, {format_value(iv.high)}]"


def _binary_confusion(report: Report, width: int | None = None) -> list[Section]:
    m = report.metrics
    t = report.inputs.get("threshold")
    if "tp" not in m or t is None:  # no threshold: a --threshold rule that could not be met
        return []

    def f(name: str) -> str:
        return format_value(m.get(name), "count")

    rows = [["actual positive", f("tp"), f("fn")], ["actual negative", f("fp"), f("tn")]]
    return [Section(f"confusion matrix at score ≥ {t:g}", ["", "predicted positive", "predicted negative"], rows)]


def _shown_classes(report: Report) -> tuple[list[int], int]:
    """Indices of the classes to draw: all, or the ``--show-classes`` worst by f1 then recall."""
    labels = report.confusion.labels
    limit = report.show_classes
    if len(labels) <= limit:
        return list(range(len(labels))), len(labels)
    per = report.per_class

    def badness(i: int) -> tuple[float, float]:
        row = per[labels[i]]
        f1 = row.get("f1")
        rec = row.get("recall")
        return (f1 if f1 is not None else -1.0, rec if rec is not None else -1.0)

    worst = sorted(range(len(labels)), key=badness)[:limit]
    return sorted(worst), len(labels)


def _multiclass_confusion(report: Report, width: int | None = None) -> list[Section]:
    cmx = report.confusion
    if cmx is None:
        return []
    labels = cmx.labels
    shown, total = _shown_classes(report)
    if len(shown) < total:
        return []  # a partial K×K matrix misleads; the per-class table says what is hidden
    how = cmx.normalize
    raw = cmx.matrix
    values = cmx.normalized if cmx.normalized is not None else raw
    kind = "count" if how is None else "ratio"
    cells = [[format_value(values[i][j], kind) for j in shown] for i in shown]
    row_totals = [format_value(sum(raw[i]), "count") for i in shown]
    col_totals = [sum(raw[i][j] for i in range(len(labels))) for j in shown]
    last = ["total", *(format_value(v, "count") for v in col_totals), format_value(sum(col_totals), "count")]
    title = "confusion matrix (rows: true class, columns: predicted)"
    if how:
        title += f", normalized over {'all' if how == 'all' else how + ' class'}; totals are counts"
    names = [str(labels[i]) for i in shown]
    numbers = [str(k + 1) for k in range(len(shown))]

    def table(col_heads: list[str], row_heads: list[str]) -> tuple[list[str], list[list[str]]]:
        rows = [[h, *c, t] for h, c, t in zip(row_heads, cells, row_totals)]
        return ["true \\ pred", *col_heads, "total"], [*rows, last]

    header, rows = table(names, names)
    if width is None or natural_table_width(header, rows) <= width:
        return [Section(title, header, rows)]
    # Too wide: number the classes, first the columns only, then the rows too, with a legend.
    legend = pack(["classes:", *(f"{n}={name}" for n, name in zip(numbers, names))], width)
    for row_heads in ([f"{n} {name}" for n, name in zip(numbers, names)], numbers):
        header, rows = table(numbers, row_heads)
        if natural_table_width(header, rows) <= width:
            return [Section(title + "; classes numbered", header, rows, tuple(legend))]
    return [Section(f"confusion matrix omitted at this width ({width} columns): see --format json", [], [])]


def _per_class(report: Report, width: int | None = None) -> list[Section]:
    per = report.per_class
    if not per or report.confusion is None:
        return []
    labels = report.confusion.labels
    shown, total = _shown_classes(report)
    cols = ["precision", "recall", "f1", "support"] + (["roc_auc"] if any("roc_auc" in v for v in per.values()) else [])
    intervals = report.per_class_intervals or {}
    rows = []
    for i in shown:
        row = per[labels[i]]
        ivs = intervals.get(labels[i], {})

        rows.append([str(labels[i]), *(_bracketed(format_value(row.get(c), "count" if c == "support" else "ratio"),
                                                  ivs.get(c)) for c in cols)])
    title = "per class"
    if len(shown) < total:
        title += f": the {len(shown)} worst of {total} classes by f1 (--show-classes N for more; JSON has all)"
    return [Section(title, ["class", *cols], rows)]


# (builder, takes_width): builders registered from outside take the report only.
_BUILDERS: dict[str, list[tuple[Callable[..., list], bool]]] = {
    registry.BINARY: [(_binary_confusion, True)],
    registry.MULTICLASS: [(_per_class, True), (_multiclass_confusion, True)],
}


def register(task: str, builder: Callable[..., list], *, width_aware: bool = False) -> None:
    """Add a section builder for ``task``: ``builder(report)`` (or ``builder(report, width)``
    with ``width_aware=True``) returns (title, header, rows[, notes]) tuples."""
    _BUILDERS.setdefault(task, []).append((builder, width_aware))


def sections(report: Report, width: int | None = None) -> list[Section]:
    """Every section of ``report``, laid out for ``width`` columns (None: no limit, Markdown)."""
    out: list[Section] = []
    for build, takes_width in _BUILDERS.get(report.task, []):
        for sec in (build(report, width) if takes_width else build(report)):
            out.append(Section(*sec))
    from evalml_cli.render.baseline import baseline_sections  # --baseline: every task

    out += [Section(*sec) for sec in baseline_sections(report)]
    return out
