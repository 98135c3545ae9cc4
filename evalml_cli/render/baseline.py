"""The "against baseline" section of table and Markdown reports (``--baseline``).

One row per metric of the report's ``baseline`` block: the value now, the baseline's, the
change (now − baseline, signed) and its direction (``better``/``worse``/``same`` by the
registry, ``n/a`` for descriptive metrics and nulls).
"""

from __future__ import annotations

from evalml_cli.report import Report


def _signed(change) -> str:
    from evalml_cli.render import format_value

    if change is None:
        return "n/a"
    text = format_value(change)
    return text if text.startswith("-") or change == 0 else "+" + text


def baseline_sections(report: Report) -> list[tuple]:
    """[(title, header, rows)] for a report with a ``baseline`` block, else []."""
    from evalml_cli import metrics as registry
    from evalml_cli.render import format_value

    block = report.extra_json.get("baseline")
    if not isinstance(block, dict):
        return []
    rows = []
    for name, c in (block.get("changes") or {}).items():
        info = registry.lookup(report.task, name)
        kind = info.kind if info else "value"
        rows.append([name, format_value(report.metrics.get(name), kind), format_value(c.get("baseline"), kind),
                     _signed(c.get("change")), str(c.get("direction"))])
    return [(f"against baseline {block.get('file')}", ["metric", "value", "baseline", "change", "direction"], rows)]
