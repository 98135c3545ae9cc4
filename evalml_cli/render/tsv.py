"""``--format tsv``: one ``metric<TAB>value`` line per metric, for ``cut``, ``awk`` and ``sort -g``.

- No header; metrics in the report's order, then per-class values as ``NAME[CLASS]`` lines,
  class by class in the report's order (the ``per_class`` JSON block, flattened).
- Floats with full precision (``repr``: the shortest text that reads back to the same float),
  integers as integers, booleans as ``true``/``false``.
- An undefined value (JSON null; also NaN or ±inf, which a report never holds) is ``null``:
  ``sort -g`` and ``awk '$2 >= 0.9'`` then treat it as text, not as a number, and
  ``grep -v null`` drops it.
- A backslash, tab, newline or carriage return inside a name is written as ``\\\\``, ``\\t``,
  ``\\n``, ``\\r`` (as PostgreSQL's text format does), so every line has exactly one tab.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _name(text: Any) -> str:
    return str(text).translate(_ESCAPES)


def format_tsv_value(value: Any) -> str:
    """One value as TSV text.

    Examples
    --------
    >>> [format_tsv_value(v) for v in (0.1 + 0.2, 3, None, float("nan"), True)]
    ['0.30000000000000004', '3', 'null', 'null', 'true']
    """
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # NumPy scalars
        value = value.item()
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    return _name(value)


def render_tsv(metrics: Mapping[str, Any], per_class: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The metrics (and per-class values) as ``name<TAB>value`` lines.

    Parameters
    ----------
    metrics : metric name → number or None (``Report.metrics``).
    per_class : class → {metric → value} (the report's ``per_class`` block), optional.

    Examples
    --------
    >>> render_tsv({"roc_auc": 0.95, "tp": 12, "mcc": None}, {"e": {"recall": 0.5}}).splitlines()
    ['roc_auc\\t0.95', 'tp\\t12', 'mcc\\tnull', 'recall[e]\\t0.5']
    """
    lines = [f"{_name(k)}\t{format_tsv_value(v)}" for k, v in metrics.items()]
    for cls, values in (per_class or {}).items():
        lines += [f"{_name(k)}[{_name(cls)}]\t{format_tsv_value(v)}" for k, v in values.items()]
    return "".join(line + "\n" for line in lines)
