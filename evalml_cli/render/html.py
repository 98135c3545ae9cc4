"""``--format html``: one self-contained page (inline CSS and SVG figures; no network, no
JavaScript) with the inputs, the gates' outcome, the metric table (with intervals when
present), the per-class table, the confusion matrix, the figures and the warnings.

Every number is shown rounded and carries its exact JSON value in ``data-value`` (``repr`` of
the float, ``null`` when undefined), so a test or a scraper reads the same numbers as the JSON
report. Figures are matplotlib SVG (Agg-free, text as paths), drawn from the report's curves,
confusion matrix and pulls by the same code as ``--plot``.
"""

from __future__ import annotations

import html
import json
from typing import Any

from evalml_cli import metrics as registry
from evalml_cli.render import format_value
from evalml_cli.report import Report

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
.sub{color:#57606a;margin-top:0}
table{border-collapse:collapse;margin:.5rem 0;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums;font-family:ui-monospace,monospace}
tr.pass td{background:#dafbe1}tr.fail td{background:#ffebe9}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.8rem;font-weight:600;color:#fff}
.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}
.figs{display:flex;flex-wrap:wrap;gap:1rem}.figs figure{margin:0;max-width:520px}
.figs svg{width:100%;height:auto}figcaption{color:#57606a;font-size:.85rem;text-align:center}
ul.warn li{color:#9a6700}footer{margin-top:2rem;color:#8c959f;font-size:.8rem}
"""

__all__ = ["render", "render_many"]


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _data(value: Any) -> str:
    """The exact JSON text of a value (the attribute a test compares with the JSON report)."""
    return _e(json.dumps(value))


def _cell(value: Any, kind: str = "value", attrs: str = "") -> str:
    return f'<td class="num"{attrs} data-value="{_data(value)}">{_e(format_value(value, kind))}</td>'


def _kind(task: str, name: str) -> str:
    m = registry.lookup(task, name.split("[")[0])
    return m.kind if m else "value"


def _inputs(report: Report) -> str:
    def show(v: Any) -> str:
        return "—" if v is None else ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)

    rows = "".join(f"<tr><th>{_e(k)}</th><td data-input=\"{_e(k)}\">{_e(show(v))}</td></tr>"
                   for k, v in report.inputs.items())
    return f"<h2>Inputs</h2><table class=\"inputs\">{rows}</table>"


def _gates(outcomes) -> str:
    if not outcomes:
        return ""
    ok = all(o.passed for o in outcomes)
    badge = f'<span class="badge {"pass" if ok else "fail"}">{"all gates pass" if ok else "gates FAILED"}</span>'
    rows = "".join(
        f'<tr class="{"pass" if o.passed else "fail"}"><td>{_e(o.expression)}</td>'
        f'{_cell(o.value)}<td>{"PASS" if o.passed else "FAIL"}</td><td>{_e(o.reason)}</td></tr>'
        for o in outcomes
    )
    return (f'<h2>Gates {badge}</h2><table class="gates"><tr><th>requirement</th><th>value</th><th>result</th>'
            f"<th>reason</th></tr>{rows}</table>")


def _metrics(report: Report, title: str = "Metrics") -> str:
    ivs = report.intervals.metrics if report.intervals is not None else None
    head = "<tr><th>metric</th><th>value</th>"
    if ivs is not None:
        head += f"<th>{_e(format(report.intervals.level, '.0%'))} low</th><th>high</th><th>method</th>"
    head += "</tr>"
    rows = []
    for name, value in report.ordered_metrics().items():
        row = f'<tr data-metric="{_e(name)}"><th>{_e(name)}</th>{_cell(value, _kind(report.task, name))}'
        if ivs is not None:
            iv = ivs.get(name)
            if iv is None:
                row += "<td></td><td></td><td></td>"
            else:
                row += f"{_cell(iv.low)}{_cell(iv.high)}<td>{_e(iv.method)}</td>"
        rows.append(row + "</tr>")
    return f'<h2>{_e(title)}</h2><table class="metrics">{head}{"".join(rows)}</table>'


def _per_class(report: Report) -> str:
    if not report.per_class:
        return ""
    cols = list(dict.fromkeys(k for row in report.per_class.values() for k in row))
    head = "<tr><th>class</th>" + "".join(f"<th>{_e(c)}</th>" for c in cols) + "</tr>"
    rows = "".join(
        f'<tr data-class="{_e(cls)}"><th>{_e(cls)}</th>'
        + "".join(_cell(row.get(c), "count" if c == "support" else "value", f' data-metric="{_e(c)}"') for c in cols)
        + "</tr>"
        for cls, row in report.per_class.items()
    )
    return f'<h2>Per class</h2><table class="per-class">{head}{rows}</table>'


def _confusion(report: Report) -> str:
    c = report.confusion
    if c is None or len(c.labels) > 40:
        return ""
    head = "<tr><th>true \\ predicted</th>" + "".join(f"<th>{_e(x)}</th>" for x in c.labels) + "</tr>"
    rows = "".join(f"<tr><th>{_e(lab)}</th>" + "".join(_cell(v, "count") for v in row) + "</tr>"
                   for lab, row in zip(c.labels, c.matrix))
    return f'<h2>Confusion matrix</h2><table class="confusion">{head}{rows}</table>'


def _svg(kind: str, report: Report) -> str | None:
    from evalml_cli.errors import EvalmlError
    from evalml_cli.figures import plot_data
    from evalml_cli.render.plot import render_bytes

    try:
        data = plot_data(kind, report)
    except EvalmlError:
        return None
    text = render_bytes(kind, "figure.svg", **data).decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else None


def _figures(report: Report) -> str:
    kinds = list(report.curves or {})
    if report.task in ("binary", "multiclass") and (report.confusion is not None or "tp" in report.metrics):
        kinds.append("confusion")
    if report.pulls is not None and report.pulls.predictions is not None:
        kinds.append("residuals")
        if report.pulls.pulls is not None:
            kinds.append("pulls")
    figs = []
    for kind in kinds:
        svg = _svg(kind, report)
        if svg:
            figs.append(f'<figure data-kind="{_e(kind)}">{svg}<figcaption>{_e(kind)}</figcaption></figure>')
    return f'<h2>Figures</h2><div class="figs">{"".join(figs)}</div>' if figs else ""


def _groups(report: Report) -> str:
    out = []
    for name, g in (report.groups or {}).items():
        out.append(_metrics(g, f"Group {name}"))
    for name, m in (report.models or {}).items():
        out.append(_metrics(m, f"Model {name}"))
    if report.delta:
        rows = "".join(f'<tr data-metric="{_e(k)}"><th>{_e(k)}</th>{_cell(d.value)}{_cell(d.low)}{_cell(d.high)}'
                       f"{_cell(d.p_value)}</tr>" for k, d in report.delta.items())
        out.append("<h2>Delta</h2><table class=\"delta\"><tr><th>metric</th><th>value</th><th>low</th><th>high</th>"
                   f"<th>p-value</th></tr>{rows}</table>")
    return "".join(out)


def _body(report: Report, outcomes, heading: str) -> list[str]:
    parts = [
        f"<h1>{heading}</h1>",
        f'<p class="sub"><span data-n="{report.n}">{report.n:,} rows</span>'
        + (f", {report.n_dropped:,} dropped" if report.n_dropped else "") + "</p>",
        _gates(outcomes),
        _inputs(report),
        _metrics(report) if report.models is None else "",
        _per_class(report),
        _confusion(report),
        _groups(report),
        _figures(report),
    ]
    if report.warnings:
        parts.append("<h2>Warnings</h2><ul class=\"warn\">" + "".join(f"<li>{_e(w)}</li>" for w in report.warnings)
                     + "</ul>")
    return parts


def _page(title: str, parts: list[str]) -> str:
    from evalml_cli import __version__

    head = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"]
    tail = [f"<footer>evalml {_e(__version__)}</footer></body></html>"]
    return "\n".join(p for p in head + parts + tail if p) + "\n"


def render(report: Report, outcomes=None) -> str:
    """The HTML page of ``report``; ``outcomes`` are ``gates.evaluate`` records (may be empty)."""
    title = f"evalml · {report.task} · {report.inputs.get('file', '')}"
    return _page(title, _body(report, outcomes, f"evalml report: {_e(report.task)}"))


def render_many(results) -> str:
    """One page for ``evalml check``: ``results`` are (name, report, outcomes), one section each."""
    parts = []
    for name, report, outcomes in results:
        parts.append(f'<section data-evaluation="{_e(name)}">')
        parts += _body(report, outcomes, f"{_e(name)}: {_e(report.task)}")
        parts.append("</section>")
    return _page("evalml check", parts)
