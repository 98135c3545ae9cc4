"""Markdown for CI job summaries and pull-request comments."""

from __future__ import annotations

from evalml_cli.render.sections import inputs_line, metric_rows, sections
from evalml_cli.report import Report


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_escape(h) for h in header) + " |"]
    out.append("|" + "|".join(":---" if i == 0 else "---:" for i in range(len(header))) + "|")
    out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
    return out


def render(report: Report) -> str:
    lines = [f"### evalml · {report.task} · {report.n:,} rows", "", inputs_line(report), ""]
    rows = [[f"`{name}`", value, arrow] for name, value, arrow in metric_rows(report)]
    lines += _table(["metric", "value", ""], rows)
    for title, header, body in sections(report):
        lines += ["", f"**{title}**", ""]
        lines += _table(header, body)
    if report.warnings:
        lines += ["", "**Warnings**", ""]
        lines += [f"- {_escape(w)}" for w in report.warnings]
    return "\n".join(lines) + "\n"

