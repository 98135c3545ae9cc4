"""``--require`` expressions: parse before any work, check against a finished Report.

Grammar: ``METRIC OP NUMBER`` or ``METRIC[CLASS] OP NUMBER`` with OP one of
``>= > <= < ==``. ``==`` compares with a relative tolerance of 1e-9 (floats rarely match
exactly). A requirement on a metric that is undefined (null) or absent from the report fails:
a gate never passes on data it could not evaluate.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass

from evalml_cli.errors import EvalmlError
from evalml_cli.report import Report

_OPS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0),
}

_EXPR = re.compile(
    r"""^\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)
        (?:\[(?P<cls>[^\]]+)\])?
        \s*(?P<op>>=|<=|==|>|<)\s*
        (?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Requirement:
    """One parsed ``--require`` expression."""

    text: str
    name: str
    op: str
    threshold: float
    cls: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name}[{self.cls}]" if self.cls is not None else self.name


def parse(expr: str, known: set[str], per_class: set[str] | None = None) -> Requirement:
    """Parse one expression; unknown metric or bad syntax → EvalmlError (exit 2).

    Examples
    --------
    >>> parse("roc_auc>=0.9", {"roc_auc"})
    Requirement(text='roc_auc>=0.9', name='roc_auc', op='>=', threshold=0.9, cls=None)
    """
    m = _EXPR.match(expr)
    if m is None:
        raise EvalmlError(
            f"malformed --require {expr!r}",
            hint="write METRIC OP NUMBER, e.g. --require 'roc_auc>=0.90'; OP is one of >= > <= < ==",
        )
    name, cls = m.group("name"), m.group("cls")
    if cls is not None:
        allowed = per_class or set()
        if name not in allowed:
            what = ", ".join(sorted(allowed)) if allowed else "none for this command"
            raise EvalmlError(
                f"--require {expr!r}: {name!r} has no per-class values",
                hint=f"per-class metrics: {what}",
            )
        cls = cls.strip()
    elif name not in known:
        import difflib

        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise EvalmlError(
            f"--require {expr!r}: unknown metric {name!r}",
            hint=f"{hint}known metrics: {', '.join(sorted(known))}",
        )
    return Requirement(expr.strip(), name, m.group("op"), float(m.group("num")), cls)


def parse_all(exprs: list[str] | None, known: set[str], per_class: set[str] | None = None) -> list[Requirement]:
    return [parse(e, known, per_class) for e in (exprs or [])]


def _value(report: Report, req: Requirement) -> tuple[float | None, str]:
    """The report's value for ``req`` and, when it is missing, why."""
    if req.cls is None:
        if req.name not in report.metrics:
            return None, f"{req.name} is not in this {report.task} report"
        value = report.metrics[req.name]
    else:
        per_class = report.extra.get("per_class", {})
        if req.cls not in per_class:
            names = ", ".join(list(per_class)[:20])
            return None, f"no class {req.cls!r} in this report (classes: {names or 'none'})"
        value = per_class[req.cls].get(req.name)
    if value is None:
        return None, "metric is undefined on this data"
    return float(value), ""


def _show(value: float) -> str:
    """0.8712 style (4 decimals) for ordinary magnitudes, 4 significant digits otherwise."""
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.4f}"
    return f"{value:.4g}"


def check(report: Report, requirements: list[Requirement]) -> list[str]:
    """Failure messages (empty when every requirement holds)."""
    failures = []
    for req in requirements:
        value, why = _value(report, req)
        if value is None:
            failures.append(f"FAILED {req.text}: got null ({why})")
        elif not _OPS[req.op](value, req.threshold):
            failures.append(f"FAILED {req.text}: got {_show(value)}")
    return failures
