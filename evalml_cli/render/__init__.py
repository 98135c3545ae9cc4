"""Renderers: Report → text. They never print; cli.py decides where text goes."""

from __future__ import annotations

from evalml_cli.report import Report

FORMATS = ("table", "json", "markdown", "junit", "tsv", "html")


def format_value(value, kind: str = "value") -> str:
    """Human formatting shared by the table and Markdown renderers (JSON keeps full precision)."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    v = float(value)
    if kind == "count" and v.is_integer():
        return f"{int(v):,}"
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e5:
        return f"{v:.4f}"
    return f"{v:.4g}"


def render_text(report: Report, fmt: str, width: int | None = None, color: bool = False,
                *, outcomes=(), classname: str = "evalml") -> str:
    """The report in ``fmt`` as a string (the table drawn without colour unless asked).
    ``junit`` renders the gate ``outcomes`` as one test suite named ``classname``; the HTML page shows them too."""
    if fmt == "html":
        from evalml_cli.render.html import render

        return render(report, outcomes=outcomes)
    if fmt == "junit":
        from evalml_cli.render.junit import render_junit

        return render_junit([(classname, outcomes)])
    if fmt == "tsv":
        from evalml_cli.render.tsv import render_tsv

        return render_tsv(report.ordered_metrics(), report.per_class)
    if fmt == "json":
        from evalml_cli.render.json import render

        return render(report)
    if fmt == "markdown":
        from evalml_cli.render.markdown import render

        return render(report)
    if not color:
        from evalml_cli.render.plain import render

        return render(report, width=width or 100)
    from evalml_cli.render.table import to_text

    return to_text(report, width=width, color=color)
