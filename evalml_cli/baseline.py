"""Baselines: compare a report with a saved one, and the ``--max-drop`` / ``--max-rise`` gates.

A baseline is a JSON report written earlier (``--format json --output``, or ``evalml check
--update-baseline``). Comparing needs the same task and the same **report format**: the
``format_version`` key when the report has one, else the major.minor part of its ``version``
key (``"0.1.0"`` → ``"0.1"``), so a patch release keeps baselines valid and a minor release asks
for new ones. Either difference is an error (exit 2), never a silent comparison.

Each metric's ``change`` is current − baseline; its ``direction`` comes from the registry's
``higher_is_better``: ``better``/``worse``, ``same`` when the two agree to a relative 1e-12
(different summation orders of the same data), ``n/a`` for descriptive metrics (counts, χ²,
bias), unknown metrics and undefined (null) values.

Gates, both against the baseline:

- ``--max-drop METRIC=X`` for a higher-is-better metric: fails when baseline − current > X.
- ``--max-rise METRIC=X`` for a loss (lower is better): fails when current − baseline > X.

A drop (or rise) equal to X up to a relative 1e-9 (absolute 1e-12) passes, so that
``0.95 → 0.945`` passes ``--max-drop roc_auc=0.005`` although 0.95 − 0.945 is
0.0050000000000000044 in floating point. A null value on either side fails the gate (as a
``--require`` on a null metric does); a metric missing from the baseline is an error (exit 2);
a metric missing from the current report fails the gate, as ``--require`` does.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from evalml_cli.errors import EvalmlError

MAX_DROP, MAX_RISE = "max_drop", "max_rise"
_FLAG = {MAX_DROP: "--max-drop", MAX_RISE: "--max-rise"}
_SAME_REL = 1e-12
_GATE_REL, _GATE_ABS = 1e-9, 1e-12

Lookup = Callable[[str, str], Any]


@dataclass(frozen=True)
class Outcome:
    """The result of one gate: what was asked, the value it was decided on, pass/fail, why.

    The fields and conventions of the ``--require`` outcome record of :mod:`evalml_cli.gates`
    (which also carries the parsed requirement): ``reason`` is "" when the gate holds, else
    what a ``FAILED EXPRESSION: REASON`` line prints, e.g. ``roc_auc fell by 0.0100 (0.9500 →
    0.9400), more than 0.005`` or ``got null (roc_auc is undefined in this report)``.
    """

    @property
    def message(self) -> str:
        """``FAILED --max-drop roc_auc=0.005: roc_auc fell by …`` for a failure, "" for a pass."""
        return "" if self.passed else f"FAILED {self.expression}: {self.reason}"

    expression: str
    value: float | None
    passed: bool
    reason: str


@dataclass(frozen=True)
class Change:
    """One metric against the baseline.

    change : current − baseline (None when either is null or missing).
    direction : "better", "worse", "same" or "n/a" (descriptive metric, unknown metric, null).
    """

    name: str
    current: float | None
    baseline: float | None
    change: float | None
    direction: str


@dataclass(frozen=True)
class Limit:
    """One ``--max-drop``/``--max-rise`` gate: ``kind`` is "max_drop" or "max_rise"."""

    kind: str
    metric: str
    amount: float

    @property
    def expression(self) -> str:
        """The gate as it is written on the command line, e.g. ``--max-drop roc_auc=0.005``."""
        return f"{_FLAG[self.kind]} {self.metric}={self.amount!r}"


def _lookup(registry_lookup: Lookup | None) -> Lookup:
    if registry_lookup is not None:
        return registry_lookup
    from evalml_cli import metrics

    return metrics.lookup


# ---------------------------------------------------------------------------------------------
# Loading and compatibility


def load_baseline(path: str | Path) -> dict[str, Any]:
    """Read a saved JSON report.

    Raises
    ------
    EvalmlError
        the file is missing or unreadable, not JSON, or not an evalml report (a JSON object
        with ``task``, a ``metrics`` object and ``version`` or ``format_version``).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvalmlError(
            f"baseline report {p} does not exist",
            hint="save one with --format json --output PATH, or evalml check --update-baseline",
        ) from None
    except UnicodeDecodeError:
        raise EvalmlError(f"baseline {p} is not a JSON report (not UTF-8 text)") from None
    except OSError as exc:
        raise EvalmlError(f"cannot read baseline {p}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvalmlError(
            f"baseline {p} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            hint="a baseline is a report saved with --format json",
        ) from None
    problem = _not_a_report(data)
    if problem:
        raise EvalmlError(f"baseline {p} is not an evalml report: {problem}",
                          hint="a baseline is a report saved with --format json")
    return data


def _not_a_report(data: Any) -> str:
    if not isinstance(data, dict):
        return f"expected a JSON object, got {type(data).__name__}"
    if not isinstance(data.get("task"), str):
        return "no 'task' key"
    if data.get("task") == "compare" and isinstance(data.get("models"), dict) and data["models"]:
        return ""  # a comparison: its last model is the baseline (evalml compare --baseline)
    if not isinstance(data.get("metrics"), dict):
        return "no 'metrics' object"
    if report_format(data) is None:
        return "no 'version' or 'format_version' key"
    return ""


def report_format(report: dict[str, Any]) -> str | None:
    """The report-format version: ``format_version`` if present, else ``version``'s major.minor.

    Examples
    --------
    >>> report_format({"version": "0.1.0"}), report_format({"version": "1.4.2rc1", "format_version": 2})
    ('0.1', '2')
    """
    if report.get("format_version") is not None:
        return str(report["format_version"])
    version = report.get("version")
    if not isinstance(version, str):
        return None
    m = re.match(r"^\s*(\d+)\.(\d+)", version)
    return f"{m.group(1)}.{m.group(2)}" if m else version


def check_compatible(current: dict[str, Any], baseline: dict[str, Any], name: str | None = None) -> None:
    """Raise EvalmlError when ``baseline`` has another task or report format than ``current``."""
    what = f"baseline {name}" if name else "the baseline"
    problem = _not_a_report(current)
    if problem:
        raise EvalmlError(f"cannot compare with {what}: the current report has {problem}")
    if current["task"] != baseline.get("task"):
        raise EvalmlError(
            f"{what} is a {baseline.get('task')} report, this one is {current['task']}",
            hint="compare reports of the same task",
        )
    have, want = report_format(baseline), report_format(current)
    if have != want:
        raise EvalmlError(
            f"{what} has report format {have}, this evalml writes {want}",
            hint="write a new baseline with this version (evalml check --update-baseline)",
        )


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def _direction(change: float, current: float, base: float, higher_is_better: bool | None) -> str:
    if higher_is_better is None:
        return "n/a"
    if change == 0 or math.isclose(current, base, rel_tol=_SAME_REL, abs_tol=0.0):
        return "same"
    return "better" if (change > 0) == bool(higher_is_better) else "worse"


def compare_to_baseline(current: dict[str, Any], baseline: dict[str, Any],
                        registry_lookup: Lookup | None = None, *, name: str | None = None) -> list[Change]:
    """Each metric of ``current`` against ``baseline``, in ``current``'s order.

    Parameters
    ----------
    current, baseline : JSON reports (``Report.to_dict()`` / :func:`load_baseline`).
    registry_lookup : ``(task, metric) -> Metric | None`` (default :func:`evalml_cli.metrics.lookup`).
    name : the baseline as named in messages (its path).

    Returns
    -------
    list of Change; a metric missing from the baseline has ``baseline=None`` and ``n/a``.

    Examples
    --------
    >>> cur = {"task": "binary", "version": "0.1.0", "metrics": {"roc_auc": 0.91, "log_loss": 0.30, "tp": 5}}
    >>> old = {"task": "binary", "version": "0.1.3", "metrics": {"roc_auc": 0.93, "log_loss": 0.35, "tp": 4}}
    >>> [(c.name, c.direction) for c in compare_to_baseline(cur, old)]
    [('roc_auc', 'worse'), ('log_loss', 'better'), ('tp', 'n/a')]
    """
    check_compatible(current, baseline, name)
    lookup = _lookup(registry_lookup)
    task = current["task"]
    old = baseline["metrics"]
    out = []
    for metric, value in current["metrics"].items():
        cur, base = _float(value), _float(old.get(metric))
        entry = lookup(task, metric)
        hib = entry.higher_is_better if entry is not None else None
        if cur is None or base is None:
            out.append(Change(metric, cur, base, None, "n/a"))
            continue
        change = cur - base
        out.append(Change(metric, cur, base, change, _direction(change, cur, base, hib)))
    return out


# ---------------------------------------------------------------------------------------------
# --max-drop / --max-rise

_LIMIT = re.compile(r"^\s*(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<num>\S.*?)\s*$")


def parse_limit(text: str, kind: str) -> Limit:
    """Parse ``METRIC=X`` (X a finite number ≥ 0) of ``--max-drop`` or ``--max-rise``.

    Examples
    --------
    >>> parse_limit("roc_auc=0.005", "max_drop")
    Limit(kind='max_drop', metric='roc_auc', amount=0.005)
    """
    flag = _FLAG[kind]
    m = _LIMIT.match(text)
    if m is None:
        raise EvalmlError(f"malformed {flag} {text!r}",
                          hint=f"write METRIC=X, e.g. {flag} {'roc_auc' if kind == MAX_DROP else 'log_loss'}=0.005")
    try:
        amount = float(m.group("num"))
    except ValueError:
        raise EvalmlError(f"{flag} {text!r}: {m.group('num')!r} is not a number",
                          hint=f"write METRIC=X, e.g. {flag} {m.group('metric')}=0.005") from None
    if not math.isfinite(amount) or amount < 0:
        raise EvalmlError(f"{flag} {text!r}: X must be a finite number ≥ 0, got {m.group('num')}",
                          hint="X is the largest change allowed against the baseline")
    return Limit(kind, m.group("metric"), amount)


def parse_limits(max_drop: Iterable[str] | None = None, max_rise: Iterable[str] | None = None) -> list[Limit]:
    """Parse every ``--max-drop`` then every ``--max-rise``."""
    return [parse_limit(t, MAX_DROP) for t in (max_drop or [])] + [parse_limit(t, MAX_RISE) for t in (max_rise or [])]


def _spell(kind: str, metric: str, amount: float, config: bool) -> str:
    """How a gate is written: on the command line, or as a config key."""
    if config:
        return f"{kind} = {{ {metric} = {amount!r} }}"
    return f"{_FLAG[kind]} {metric}={amount!r}"


def validate_limit(limit: Limit, tasks: Iterable[str], registry_lookup: Lookup | None = None,
                   *, config: bool = False) -> None:
    """Check, before any file is read, that ``limit`` names a metric of one of ``tasks`` whose
    direction fits the gate: ``--max-drop`` needs higher-is-better, ``--max-rise`` a loss.

    ``config=True`` words the messages for a config file (``max_rise = { log_loss = 0.01 }``)
    instead of the command line (``--max-rise log_loss=0.01``); the caller adds the key path.

    Raises
    ------
    EvalmlError
        an unknown metric (with the closest name), or the wrong direction (naming the right gate).
    """
    lookup = _lookup(registry_lookup)
    tasks = tuple(tasks)
    entries = [e for e in (lookup(t, limit.metric) for t in tasks) if e is not None]
    m = limit.metric
    prefix = "" if config else f"{_FLAG[limit.kind]} {m}: "
    if not entries:
        from evalml_cli import metrics

        known = sorted(metrics.names_for(*tasks))
        close = difflib.get_close_matches(m, known, n=1)
        hint = (f"did you mean {close[0]!r}? " if close else "") + f"known metrics: {', '.join(known)}"
        raise EvalmlError(f"{prefix}unknown metric {m!r}", hint=hint)
    hib = {e.higher_is_better for e in entries}
    want = limit.kind == MAX_DROP
    if hib == {want}:
        return
    if None in hib:
        raise EvalmlError(f"{prefix}{m} is descriptive (neither higher nor lower is better)",
                          hint=f"gate its value instead: {'require = [' if config else '--require '}'{m}<=X'{']' if config else ''}")
    other = MAX_RISE if limit.kind == MAX_DROP else MAX_DROP
    what = "a loss (lower is better)" if limit.kind == MAX_DROP else "a score (higher is better)"
    raise EvalmlError(f"{prefix}{m} is {what}", hint=f"use {_spell(other, m, limit.amount, config)}")


def _show(value: float) -> str:
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.4f}"
    return f"{value:.4g}"


def check_limits(current: dict[str, Any], baseline: dict[str, Any], limits: Iterable[Limit],
                 registry_lookup: Lookup | None = None, *, name: str | None = None) -> list[Outcome]:
    """One Outcome per limit; ``value`` is the drop (baseline − current) for ``--max-drop`` and
    the rise (current − baseline) for ``--max-rise`` (negative when the metric improved).

    Raises
    ------
    EvalmlError
        another task or report format (:func:`check_compatible`), a metric missing from the
        baseline, a metric or direction that does not fit the report's task.

    Examples
    --------
    >>> cur = {"task": "binary", "version": "0.1.0", "metrics": {"roc_auc": 0.945}}
    >>> old = {"task": "binary", "version": "0.1.0", "metrics": {"roc_auc": 0.95}}
    >>> check_limits(cur, old, [parse_limit("roc_auc=0.005", "max_drop")])[0].passed
    True
    """
    check_compatible(current, baseline, name)
    lookup = _lookup(registry_lookup)
    task = current["task"]
    what = f"baseline {name}" if name else "the baseline"
    out = []
    for limit in limits:
        validate_limit(limit, (task,), lookup)
        m = limit.metric
        if m not in baseline["metrics"]:
            raise EvalmlError(f"{limit.expression}: {what} has no metric {m!r}",
                              hint="write a new baseline that reports it (evalml check --update-baseline)")
        if m not in current["metrics"]:
            out.append(Outcome(limit.expression, None, False, f"got null ({m} is not in this {task} report)"))
            continue
        cur, base = _float(current["metrics"][m]), _float(baseline["metrics"][m])
        if cur is None or base is None:
            side = "this report" if cur is None else what
            out.append(Outcome(limit.expression, None, False, f"got null ({m} is undefined in {side})"))
            continue
        moved = base - cur if limit.kind == MAX_DROP else cur - base
        passed = moved <= limit.amount or math.isclose(moved, limit.amount, rel_tol=_GATE_REL, abs_tol=_GATE_ABS)
        verb = "fell" if limit.kind == MAX_DROP else "rose"
        reason = "" if passed else f"{m} {verb} by {_show(moved)} ({_show(base)} → {_show(cur)}), more than {limit.amount!r}"
        out.append(Outcome(limit.expression, moved, passed, reason))
    return out
