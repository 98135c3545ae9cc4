"""The terminal table (rich). Colour follows the terminal and NO_COLOR; width follows the
terminal. Nothing is ever cut: numeric columns never wrap and keep their natural width, only
the first column (metric or class names) folds; a table that cannot fit even so is drawn at
its minimum width and the terminal wraps the line (see render/sections.py for the layout)."""

from __future__ import annotations

import io as _io

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from evalml_cli.render.sections import column_widths, inputs_line, metric_table, min_table_width, sections
from evalml_cli.report import Report


def _table(header: list[str], rows: list[list[str]], width: int, centre_last: bool = False) -> Table:
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    widths = column_widths(header, rows)
    for i, h in enumerate(header):
        if i == 0:
            t.add_column(h, justify="left", overflow="fold")
        else:
            justify = "center" if centre_last and i == len(header) - 1 else "right"
            t.add_column(h, justify=justify, no_wrap=True, overflow="fold", min_width=widths[i],
                         style="dim" if justify == "center" else None)
    for row in rows:
        t.add_row(*(Text(c, style="yellow") if c == "n/a" else c for c in row))
    need = min_table_width(header, rows)
    if need > width:
        t.width = need  # wider than the terminal rather than a cut number
    return t


def renderable(report: Report, width: int = 100) -> Group:
    parts = [
        Text(f"evalml · {report.task} · {report.n:,} rows", style="bold"),
        Text(inputs_line(report), style="dim"),
        _table(*metric_table(report), width, centre_last=True),
    ]
    for sec in sections(report, width):
        # The title above the table, wrapped at the terminal's width rather than the table's.
        parts += [Text(""), Text(sec.title, style="italic")]
        if sec.header:
            parts.append(_table(sec.header, sec.rows, width))
        parts += [Text(line, style="dim") for line in sec.notes]
    if report.warnings:
        parts.append(Text(""))
        warn = Text("warnings:\n", style="bold yellow")
        for w in report.warnings:
            warn.append(f"  • {w}\n", style="yellow")
        parts.append(warn)
    return Group(*parts)


def to_text(report: Report, width: int | None = None, color: bool = False) -> str:
    buf = _io.StringIO()
    width = width or 100
    console = Console(file=buf, width=width, color_system="standard" if color else None,
                      force_terminal=color, highlight=False)
    console.print(renderable(report, width), crop=False)
    return buf.getvalue()
