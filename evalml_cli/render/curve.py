"""Curve points (``evalml curve``) as CSV, JSON or Markdown.

CSV: a header of column names, one line per point, floats with full precision (``repr``), an
undefined value (the start point's threshold, an empty bin) as an empty field. JSON:
``{"kind", "file", "columns", "points": [{column: value}]}`` with ``null`` for undefined values.
Markdown: the same table, numbers with 6 significant digits.
"""

from __future__ import annotations

import json

from evalml_cli import __version__


def _csv_field(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    text = str(v)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def render(curve, fmt: str, source: str = "") -> str:
    """``curve`` (a kernels.curves.Curve) in ``fmt``: csv, json or markdown."""
    names = list(curve.columns)
    records = curve.records()
    if fmt == "json":
        doc = {"kind": curve.kind, "file": "<stdin>" if source == "-" else source, "columns": names,
               "points": records, "version": __version__}
        return json.dumps(doc, indent=2, allow_nan=False) + "\n"
    if fmt == "html":
        return _html(curve, names, records, source)
    if fmt == "markdown":
        from evalml_cli.render.markdown import escape

        def cell(v) -> str:
            if v is None:
                return ""
            return f"{v:.6g}" if isinstance(v, float) else escape(str(v))

        lines = [f"### {curve.kind} curve", "", "| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
        lines += ["| " + " | ".join(cell(r[k]) for k in names) + " |" for r in records]
        return "\n".join(lines) + "\n"
    lines = [",".join(names)]
    lines += [",".join(_csv_field(r[k]) for k in names) for r in records]
    return "\n".join(lines) + "\n"


def _html(curve, names, records, source: str) -> str:
    """One self-contained page: the figure (inline SVG) and every point (``data-value`` = JSON)."""
    import html

    from evalml_cli.evaluate_curves import to_report_curve
    from evalml_cli.figures import plot_data
    from evalml_cli.render.html import CSS
    from evalml_cli.render.plot import render_bytes
    from evalml_cli.report import Report

    e = lambda x: html.escape(str(x), quote=True)  # noqa: E731
    stub = Report("binary", 0, {}, {}, curves={curve.kind: to_report_curve(curve)})
    svg = render_bytes(curve.kind, "figure.svg", **plot_data(curve.kind, stub)).decode("utf-8")
    svg = svg[svg.find("<svg"):]

    def cell(v) -> str:
        shown = "" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v))
        return f'<td class="num" data-value="{e(json.dumps(v))}">{e(shown)}</td>'

    head = "".join(f"<th>{e(n)}</th>" for n in names)
    rows = "".join("<tr>" + "".join(cell(r[k]) for k in names) + "</tr>" for r in records)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>evalml {e(curve.kind)} curve'
            f"</title><style>{CSS}</style></head><body><h1>{e(curve.kind)} curve</h1>"
            f'<p class="sub">{e(source)} · {len(records):,} points</p><div class="figs"><figure>{svg}</figure></div>'
            f'<h2>Points</h2><table class="points"><tr>{head}</tr>{rows}</table>'
            f"<footer>evalml {e(__version__)}</footer></body></html>\n")
