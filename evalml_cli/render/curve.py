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
