"""The table format as plain text, for pipes, files and NO_COLOR: same content and layout as
the rich table (render/table.py) without importing rich, which costs ~0.08 s of start-up."""

from __future__ import annotations

import textwrap

from evalml_cli.render.sections import inputs_line, metric_rows, sections
from evalml_cli.report import Report


def _grid(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        out = [str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(cells)]
        return "   ".join(out).rstrip()

    body = [line(r) for r in rows]
    head = line(header)
    return [head, "─" * max(len(x) for x in [head, *body]), *body]


def render(report: Report, width: int = 100) -> str:
    lines = [f"evalml · {report.task} · {report.n:,} rows"]
    lines += textwrap.wrap(inputs_line(report), width) or [""]
    lines += _grid(["metric", "value", ""], [list(r) for r in metric_rows(report)])
    for title, header, rows in sections(report):
        lines += ["", *textwrap.wrap(title, width)]
        lines += _grid(header, rows)
    if report.warnings:
        lines += ["", "warnings:"]
        for w in report.warnings:
            lines += textwrap.wrap(w, width, initial_indent="  • ", subsequent_indent="    ")
    return "\n".join(lines) + "\n"
