"""Markdown for CI job summaries and pull-request comments.

Every cell and line of text is escaped (:func:`escape`): class names, file names and warnings
come from the user's data, and ``*star*``, ``__init__``, ``<b>x</b>`` or ``a|b`` must show as
written, not as emphasis, HTML or an extra table column.
"""

from __future__ import annotations

import re

from evalml_cli.render.sections import inputs_line, metric_table, sections
from evalml_cli.report import Report

_ESCAPES = str.maketrans({
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "~": "\\~", "[": "\\[", "]": "\\]", "$": "\\$",
    "|": "\\|", "&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " ",
})


def escape(text: str) -> str:
    """``text`` as literal GitHub-flavoured Markdown inside a table cell or a list item.

    Examples
    --------
    >>> escape("*star* __init__ <b>x</b> a|b")
    '\\\\*star\\\\* \\\\_\\\\_init\\\\_\\\\_ &lt;b&gt;x&lt;/b&gt; a\\\\|b'
    """
    return str(text).translate(_ESCAPES)


_INTERVAL = re.compile(r"^[-+0-9.,eE n/a]* \[[-+0-9.,eE n/a]*\]$")


def _cell(text: str) -> str:
    """A table cell: a number with its interval (``0.7314 [0.6301, 0.8326]``) stays as written
    (no Markdown reads brackets without a following ``(`` as a link); anything else is escaped."""
    return text if _INTERVAL.match(text) else escape(text)


def _code(name: str) -> str:
    """A metric name as inline code (its characters are literal there), unless it holds a
    backtick or a pipe, which a code span cannot show inside a table."""
    return f"`{name}`" if not any(c in name for c in "`|\n") else escape(name)


def _table(header: list[str], rows: list[list[str]], raw_first: bool = False) -> list[str]:
    def cell(i: int, c: str) -> str:
        return c if raw_first and i == 0 else _cell(c)

    out = ["| " + " | ".join(escape(h) for h in header) + " |"]
    out.append("|" + "|".join(":---" if i == 0 else "---:" for i in range(len(header))) + "|")
    out += ["| " + " | ".join(cell(i, c) for i, c in enumerate(row)) + " |" for row in rows]
    return out


def render(report: Report) -> str:
    lines = [f"### evalml · {escape(report.task)} · {report.n:,} rows", "", escape(inputs_line(report)), ""]
    header, rows = metric_table(report)
    lines += _table(header, [[_code(r[0]), *r[1:]] for r in rows], raw_first=True)
    for sec in sections(report):
        lines += ["", f"**{escape(sec.title)}**", ""]
        if sec.header:
            lines += _table(sec.header, sec.rows)
        lines += [escape(n) for n in sec.notes]
    if report.warnings:
        lines += ["", "**Warnings**", ""]
        lines += [f"- {escape(w)}" for w in report.warnings]
    return "\n".join(lines) + "\n"
