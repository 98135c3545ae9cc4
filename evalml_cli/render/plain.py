"""The table format as plain text, for pipes, files and NO_COLOR: same content and layout as
the rich table (render/table.py) without importing rich, which costs ~0.08 s of start-up.

Nothing is ever cut: only the first column (metric or class names) wraps when a table is
wider than ``width``; numbers keep their natural width (see render/sections.py)."""

from __future__ import annotations

import textwrap

from evalml_cli.render.sections import FIRST_MIN, GAP, inputs_line, metric_table, sections
from evalml_cli.report import Report


def _grid(header: list[str], rows: list[list[str]], width: int | None = None) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    if width is not None and len(widths) > 1:
        rest = sum(widths[1:]) + GAP * (len(widths) - 1)
        widths[0] = max(min(widths[0], width - rest), min(widths[0], FIRST_MIN))
    sep = " " * GAP

    def lines(cells: list[str]) -> list[str]:
        first = str(cells[0])
        parts = [first] if len(first) <= widths[0] else textwrap.wrap(first, widths[0], break_on_hyphens=False)
        out = []
        for k, part in enumerate(parts or [""]):
            cols = [part.ljust(widths[0])]
            if k == 0:
                cols += [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:])]
            out.append(sep.join(cols).rstrip())
        return out

    head = lines(header)
    body = [ln for r in rows for ln in lines(r)]
    return [*head, "─" * max(len(x) for x in [*head, *body]), *body]


def _wrap(text: str, width: int) -> list[str]:
    """Wrap prose at spaces only: a long word (a file name, a number) overflows, never splits."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def render(report: Report, width: int = 100) -> str:
    lines = [f"evalml · {report.task} · {report.n:,} rows"]
    lines += _wrap(inputs_line(report), width)
    lines += _grid(*metric_table(report), width)
    for sec in sections(report, width):
        lines += ["", *_wrap(sec.title, width)]
        if sec.header:
            lines += _grid(sec.header, sec.rows, width)
        lines += list(sec.notes)
    if report.warnings:
        lines += ["", "warnings:"]
        for w in report.warnings:
            lines += textwrap.wrap(w, width, initial_indent="  • ", subsequent_indent="    ",
                                   break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) + "\n"
