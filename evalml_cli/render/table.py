"""The terminal table (rich). Colour follows the terminal and NO_COLOR; width follows the
terminal, so narrow terminals wrap instead of overflowing."""

from __future__ import annotations

import io as _io

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from evalml_cli.render.sections import inputs_line, metric_rows, sections
from evalml_cli.report import Report


def renderable(report: Report) -> Group:
    parts = [
        Text(f"evalml · {report.task} · {report.n:,} rows", style="bold"),
        Text(inputs_line(report), style="dim"),
    ]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("", justify="center", style="dim")
    for name, value, arrow in metric_rows(report):
        table.add_row(name, Text(value, style="yellow" if value == "n/a" else ""), arrow)
    parts.append(table)
    for title, header, rows in sections(report):
        t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for i, h in enumerate(header):
            t.add_column(h, justify="left" if i == 0 else "right")
        for row in rows:
            t.add_row(*row)
        parts.append(t)
    if report.warnings:
        warn = Text("warnings:\n", style="bold yellow")
        for w in report.warnings:
            warn.append(f"  • {w}\n", style="yellow")
        parts.append(warn)
    return Group(*parts)


def to_text(report: Report, width: int | None = None, color: bool = False) -> str:
    buf = _io.StringIO()
    console = Console(file=buf, width=width or 100, color_system="standard" if color else None,
                      force_terminal=color, highlight=False)
    console.print(renderable(report))
    return buf.getvalue()
