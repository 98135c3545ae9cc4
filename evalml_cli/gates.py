"""``--require`` expressions: one grammar, parsed before any file is read, evaluated against a
finished Report into one :class:`Outcome` per requirement.

Grammar (``OP`` is one of ``>= > <= < ==``; ``==`` compares with a relative tolerance of 1e-9,
as floats rarely match exactly)::

    PATH OP NUMBER
    PATH   := METRIC [ '[' KEY ']' ] [ '.low' | '.high' ]
            | 'groups.' NAME '.' METRIC [ '[' KEY ']' ] [ '.low' | '.high' ]
            | 'delta.' METRIC [ '.low' | '.high' | '.p_value' ]
            | 'gap.' METRIC

``KEY`` is a class name or a number (``tpr_at_fpr[0.01]``). Two kinds of mistakes are usage
errors (:class:`EvalmlError`, exit 2), never a failed gate (exit 1):

* at parse time, before any file is read: bad syntax, an unknown metric, a path this command
  cannot produce with the options given (``.low`` without ``--ci``, ``groups.*`` without
  ``--by``, ``delta.*`` outside ``evalml compare``);
* at evaluation time, a path this run's report can never hold: a class that is not in the
  data, a metric of another task (``roc_auc`` on a multiclass file), a metric that needs an
  option that was not given (``p_value`` without ``--sigma``/``--cov``).

A metric that the report holds but that is undefined (null) fails the gate: a gate never
passes on data it could not evaluate.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from evalml_cli import metrics as registry
from evalml_cli.errors import EvalmlError
from evalml_cli.report import Report

_OPS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0),
}

# Every part of this pattern is deterministic (each repetition is delimited by a character the
# repeated part cannot contain, and the number is ``\d+(?:\.\d*)?``, not ``\d+\.?\d*``), so a
# match or a failure is linear in the length of the expression: a 20,000-digit number costs
# microseconds, not the ~10 s of the backtracking form.
_SEG = r"[^\s.\[\]<>=]+"
_EXPR = re.compile(
    rf"""^\s*(?P<path>{_SEG}(?:\.{_SEG})*)
        (?:\[(?P<key>[^\]]*)\](?P<tail>(?:\.{_SEG})*))?
        \s*(?P<op>>=|<=|==|>|<)\s*
        (?P<num>[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*$""",
    re.VERBOSE,
)

_FIELDS = {"low", "high"}
_DELTA_FIELDS = {"low", "high", "p_value"}

#: What produces a metric that a task knows but a run may lack: the hint of the exit-2 error.
_NEEDS: dict[str, str] = {
    **dict.fromkeys(("chi2", "ndof", "chi2_per_ndof", "p_value", "pull_mean", "pull_std", "pull_max_abs",
                     "pull_max_row", "cond_number"), "it needs uncertainties: add --sigma COL or --cov FILE"),
    **dict.fromkeys(("n_replicas", "bias2", "variance", "expected_mse", "bias2_plus_variance"),
                    "it needs several prediction columns (replicas): --pred 'pred_*'"),
    "top_k_accuracy": "add --top-k K",
    **dict.fromkeys(("log_loss", "roc_auc", "roc_auc_ovr_macro", "roc_auc_ovr_weighted", "roc_auc_ovo_macro",
                     "roc_auc_ovo_weighted"), "it needs one score column per class: --score 'p_*'"),
    **dict.fromkeys(("nll", "mean_nll", "bits_per_sample"), "it needs --likelihood COL"),
    **dict.fromkeys(("kl_divergence", "kl_divergence_reverse", "js_divergence"), "it needs --p COL and --q COL"),
    "pinball_loss": "add --quantile Q",
    **dict.fromkeys(("tpr_at_fpr", "fpr_at_tpr"), "write it with a level in brackets, e.g. tpr_at_fpr[0.01], "
                    "and add --tpr-at-fpr / --fpr-at-tpr"),
    **dict.fromkeys(("signal_efficiency", "background_efficiency", "background_rejection", "s", "b", "significance",
                     "asimov_significance", "max_significance", "max_significance_threshold",
                     "max_asimov_significance", "max_asimov_threshold"), "add --hep"),
    **dict.fromkeys(("ks_signal_statistic", "ks_signal_pvalue", "ks_background_statistic", "ks_background_pvalue"),
                    "add --overtraining TRAIN_FILE"),
    **dict.fromkeys(("ece", "mce"), "add --bins N"),
}


def _quote(expr: str, limit: int = 60) -> str:
    """The expression for a message: repr'd, and cut when absurdly long (a 20,000-digit number)."""
    expr = expr.strip()
    return repr(expr if len(expr) <= limit else expr[:limit] + "…")


@dataclass(frozen=True)
class Requirement:
    """One parsed ``--require`` expression.

    ``scope`` is ``"metrics"`` (the report's own numbers), ``"groups"`` (``group`` names the
    group), ``"delta"`` or ``"gap"``; ``field`` is None (the value), ``"low"``, ``"high"`` or
    (delta only) ``"p_value"``; ``cls`` is the bracket key (a class name or a number as written).
    """

    text: str
    name: str
    op: str
    threshold: float
    cls: str | None = None
    scope: str = "metrics"
    group: str | None = None
    field: str | None = None

    @property
    def label(self) -> str:
        """The path without operator and threshold, e.g. ``groups.test.recall[e].low``."""
        out = self.name if self.cls is None else f"{self.name}[{self.cls}]"
        if self.field:
            out += f".{self.field}"
        if self.scope == "groups":
            return f"groups.{self.group}.{out}"
        if self.scope in ("delta", "gap"):
            return f"{self.scope}.{out}"
        return out


@dataclass(frozen=True)
class Outcome:
    """The result of one requirement on one report.

    ``value`` is the number compared (None when undefined); ``reason`` is empty when the
    requirement holds, else what a FAILED line prints after the colon.
    """

    requirement: Requirement
    expression: str
    value: float | None
    passed: bool
    reason: str

    @property
    def message(self) -> str:
        """``FAILED roc_auc>=0.90: got 0.8712`` for a failure, "" for a pass."""
        return "" if self.passed else f"FAILED {self.expression}: {self.reason}"


def _unknown(expr: str, name: str, known: set[str]) -> EvalmlError:
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return EvalmlError(f"--require {_quote(expr)}: unknown metric {name!r}",
                       hint=f"{hint}known metrics: {', '.join(sorted(known))}")


def parse(
    expr: str,
    known: set[str],
    per_class: set[str] | None = None,
    *,
    intervals: bool = False,
    groups: bool = False,
    compare: bool = False,
) -> Requirement:
    """Parse one expression; bad syntax, an unknown metric or a path the command cannot produce
    with the options given (the keyword flags say which) → EvalmlError (exit 2).

    Examples
    --------
    >>> parse("roc_auc>=0.9", {"roc_auc"})
    Requirement(text='roc_auc>=0.9', name='roc_auc', op='>=', threshold=0.9, cls=None, scope='metrics', group=None, field=None)
    >>> parse("groups.test.roc_auc.low > 0.8", {"roc_auc"}, intervals=True, groups=True).label
    'groups.test.roc_auc.low'
    """
    m = _EXPR.match(expr)
    if m is None:
        raise EvalmlError(
            f"malformed --require {_quote(expr)}",
            hint="write METRIC OP NUMBER, e.g. --require 'roc_auc>=0.90'; OP is one of >= > <= < ==; "
            "paths: METRIC[CLASS], METRIC.low, METRIC.high, groups.NAME.METRIC, delta.METRIC, gap.METRIC",
        )
    threshold = float(m.group("num"))
    if not math.isfinite(threshold):
        raise EvalmlError(f"--require {_quote(expr)}: the threshold must be finite",
                          hint="it overflows a float64 (|x| > 1.8e308)")
    parts = m.group("path").split(".")
    key = m.group("key")
    tail = (m.group("tail") or "").split(".")[1:]

    def malformed(why: str) -> EvalmlError:
        return EvalmlError(f"malformed --require {_quote(expr)}: {why}")

    scope, group = "metrics", None
    if parts[0] in ("groups", "delta", "gap") and len(parts) > 1:
        scope = parts[0]
        parts = parts[1:]
        if scope == "groups":
            if len(parts) < 2:
                raise malformed("write groups.NAME.METRIC")
            group, parts = parts[0], parts[1:]
    name, rest = parts[0], parts[1:]
    if key is not None and rest:
        raise malformed(f"[{key}] must follow the metric name directly")
    rest += tail
    allowed_fields = {"metrics": _FIELDS, "groups": _FIELDS, "delta": _DELTA_FIELDS, "gap": set()}[scope]
    if len(rest) > 1 or (rest and rest[0] not in allowed_fields):
        what = ", ".join(f".{f}" for f in sorted(allowed_fields)) or "nothing"
        raise malformed(f"after {'a ' + scope + ' ' if scope != 'metrics' else ''}metric comes {what}")
    field = rest[0] if rest else None

    if key is not None:
        key = key.strip()
        if not key:
            raise malformed("empty [ ]")
        if scope in ("delta", "gap"):
            raise malformed(f"{scope}.METRIC takes no [CLASS]")
        allowed = (per_class or set()) | (set(_LEVELS) & known)
        if name not in allowed:
            what = ", ".join(sorted(allowed)) if allowed else "none for this command"
            raise EvalmlError(f"--require {_quote(expr)}: {name!r} has no per-class values",
                              hint=f"per-class metrics: {what}")
    elif name not in known:
        raise _unknown(expr, name, known)

    if scope == "delta" and not compare:
        raise EvalmlError(f"--require {_quote(expr)}: delta.* gates need two models",
                          hint="use evalml compare OLD NEW --require 'delta.METRIC>=…'")
    if scope in ("groups", "gap") and not groups:
        raise EvalmlError(f"--require {_quote(expr)}: {scope}.* gates need per-group reports",
                          hint="add --by COLUMN" + (" (with groups train and test, or --gap A,B)" if scope == "gap" else ""))
    if field in _FIELDS and scope != "delta" and not intervals:
        raise EvalmlError(f"--require {_quote(expr)}: .{field} is a confidence-interval bound and this run has none",
                          hint="add --ci")
    return Requirement(expr.strip(), name, m.group("op"), threshold, key, scope, group, field)


def parse_all(
    exprs: list[str] | None,
    known: set[str],
    per_class: set[str] | None = None,
    *,
    intervals: bool = False,
    groups: bool = False,
    compare: bool = False,
) -> list[Requirement]:
    """:func:`parse` each expression with the same context."""
    return [parse(e, known, per_class, intervals=intervals, groups=groups, compare=compare) for e in (exprs or [])]


# --------------------------------------------------------------------------------------------
# Reading the report: ONE accessor, so that a typed Report can replace the loose dicts here only.


class _View(NamedTuple):
    """The numbers a gate can read from one report (or one group of it)."""

    task: str
    metrics: dict[str, Any]
    per_class: dict[str, dict[str, Any]] | None
    intervals: dict[str, dict[str, Any]] | None  # metric → {"low", "high", "method"}
    groups: dict[str, dict[str, Any]] | None  # group name → {"metrics", "per_class"?, "intervals"?}
    delta: dict[str, dict[str, Any]] | None  # metric → {"value", "low", "high", "p_value"}
    gap: dict[str, Any] | None  # metric → value


def _intervals(report: Report) -> dict[str, dict[str, Any]] | None:
    """Interval bounds by gate key: ``METRIC`` and, per class, ``METRIC[CLASS]``."""
    if report.intervals is None:
        return None
    out = {k: v.to_dict() for k, v in report.intervals.metrics.items()}
    for cls, ivs in (report.per_class_intervals or {}).items():
        out.update({f"{m}[{cls}]": iv.to_dict() for m, iv in ivs.items()})
    return out


def _view(report: Report | dict, task: str | None = None) -> _View:
    """What gates read: the typed fields of a Report (or the same blocks of a JSON group dict)."""
    if isinstance(report, Report):
        return _View(
            task=task or report.task,
            metrics=report.metrics,
            per_class=report.per_class,
            intervals=_intervals(report),
            groups={k: {"metrics": g.metrics, "per_class": g.per_class,
                        "intervals": {"metrics": _intervals(g)} if g.intervals else None}
                    for k, g in report.groups.items()} if report.groups is not None else None,
            delta={k: v.to_dict() for k, v in report.delta.items()} if report.delta is not None else None,
            gap=report.gap,
        )
    metrics, extra = report.get("metrics") or {}, report
    intervals = extra.get("intervals")
    return _View(
        task=task or "",
        metrics=metrics,
        per_class=extra.get("per_class"),
        intervals=intervals.get("metrics") if isinstance(intervals, dict) else None,
        groups=extra.get("groups"),
        delta=extra.get("delta"),
        gap=extra.get("gap"),
    )


def _names(items, limit: int = 20) -> str:
    items = [str(i) for i in items]
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "") or "none"


def _metric(view: _View, req: Requirement, where: str) -> tuple[Any, str]:
    """The value of ``req``'s metric (and interval bound) in ``view``; EvalmlError when it can never be there."""
    q = _quote(req.text)
    if req.cls is None:
        value = None
        if req.name.endswith("_error_bound") and req.name not in view.metrics \
                and view.metrics.get(req.name[: -len("_error_bound")]) is not None:
            return 0.0, ""  # an exact ranking state (no bins): no error
        if req.name not in view.metrics:
            if registry.lookup(view.task, req.name) is None:
                raise EvalmlError(f"--require {q}: {req.name} is not a {view.task} metric{where}",
                                  hint=f"{view.task} metrics: {_names(registry.names_for(view.task) | set(view.metrics), 80)}")
            raise EvalmlError(f"--require {q}: this run does not compute {req.name}{where}",
                              hint=_NEEDS.get(req.name, "the options given do not produce it"))
        value = view.metrics[req.name]
        bound_key = req.name
    elif req.name in _LEVELS:
        value, bound_key = _level(view, req, q, where)
    else:
        if view.per_class is None:
            raise EvalmlError(f"--require {q}: a {view.task} report has no per-class values{where}",
                              hint=f"write {req.name}{req.op}…; METRIC[CLASS] is for multiclass data")
        if req.cls not in view.per_class:
            import difflib

            close = difflib.get_close_matches(req.cls, [str(c) for c in view.per_class], n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise EvalmlError(f"--require {q}: no class {req.cls!r}{where}",
                              hint=f"{hint}classes: {_names(view.per_class)}")
        row = view.per_class[req.cls]
        if req.name not in row:
            raise EvalmlError(f"--require {q}: this run has no per-class {req.name}{where}",
                              hint=_NEEDS.get(req.name, "the options given do not produce it"))
        value = row[req.name]
        bound_key = f"{req.name}[{req.cls}]"
    if req.field is None:
        return value, "metric is undefined on this data"
    if view.intervals is None:
        raise EvalmlError(f"--require {q}: this report has no confidence intervals{where}", hint="add --ci")
    if bound_key not in view.intervals:
        raise EvalmlError(f"--require {q}: no confidence interval for {bound_key}{where}",
                          hint=f"metrics with intervals: {_names(view.intervals)}")
    return view.intervals[bound_key].get(req.field), "the interval is undefined on this data"


#: Metrics computed at levels named in brackets (``tpr_at_fpr[0.01]``): flat keys of ``metrics``.
_LEVELS = {"tpr_at_fpr": "--tpr-at-fpr", "fpr_at_tpr": "--fpr-at-tpr"}


def _level(view: _View, req: Requirement, q: str, where: str) -> tuple[Any, str]:
    """The flat metrics key ``NAME[X]`` whose level equals ``req.cls`` as a number (0.010 = 0.01)."""
    try:
        x = float(req.cls)
    except ValueError:
        raise EvalmlError(f"--require {q}: {req.name}[{req.cls}] needs a number in the brackets",
                          hint=f"e.g. {req.name}[0.01]") from None
    for key in view.metrics:
        if key.startswith(req.name + "[") and key.endswith("]"):
            try:
                if float(key[len(req.name) + 1:-1]) == x:
                    return view.metrics[key], key
            except ValueError:
                continue
    raise EvalmlError(f"--require {q}: this run does not compute {req.name}[{req.cls}]{where}",
                      hint=f"add {_LEVELS[req.name]} {req.cls} (binary data)")


def _lookup(report: Report, req: Requirement) -> tuple[Any, str]:
    """The value ``req`` compares and why it is null when it is; EvalmlError (exit 2) when the
    report can never hold it."""
    view = _view(report)
    q = _quote(req.text)
    if req.scope == "metrics":
        return _metric(view, req, "")
    if req.scope == "groups":
        if not view.groups:
            raise EvalmlError(f"--require {q}: this report has no groups", hint="add --by COLUMN")
        if req.group not in view.groups:
            raise EvalmlError(f"--require {q}: no group {req.group!r}", hint=f"groups: {_names(view.groups)}")
        return _metric(_view(view.groups[req.group], view.task), req, f" in group {req.group!r}")
    block = view.delta if req.scope == "delta" else view.gap
    if block is None:
        hint = "use evalml compare" if req.scope == "delta" else "add --by COLUMN with groups train and test, or --gap A,B"
        raise EvalmlError(f"--require {q}: this report has no {req.scope} values", hint=hint)
    if req.name not in block:
        raise EvalmlError(f"--require {q}: no {req.scope} for {req.name}", hint=f"{req.scope} metrics: {_names(block)}")
    entry = block[req.name]
    if req.scope == "gap":
        return entry, f"the gap in {req.name} is undefined on this data"
    if not isinstance(entry, dict):  # a bare number is the delta's value
        entry = {"value": entry}
    return entry.get(req.field or "value"), f"delta.{req.name}{'.' + req.field if req.field else ''} is undefined on this data"


def _short(value: float) -> str:
    """0.8712 style (4 decimals) for ordinary magnitudes, 4 significant digits otherwise."""
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.4f}"
    return f"{value:.4g}"


def show(value: float, op: str | None = None, threshold: float | None = None) -> str:
    """``value`` for a gate message: short, but with enough digits that the printed number,
    compared with ``threshold``, gives the same result as the real one (a failure never looks
    like a pass: log_loss 0.347109 against ``<=0.3471`` prints 0.34711, not 0.3471).

    Examples
    --------
    >>> show(0.87123), show(0.347109, "<=", 0.3471), show(0.9310001, "==", 0.931)
    ('0.8712', '0.34711', '0.9310001')
    """
    text = _short(value)
    if op is None or threshold is None:
        return text
    real = _OPS[op](value, threshold)
    for digits in range(5, 18):
        if _OPS[op](float(text), threshold) == real:
            return text
        text = f"{value:.{digits}g}"
    return text if _OPS[op](float(text), threshold) == real else repr(value)


def evaluate(report: Report, requirements: list[Requirement]) -> list[Outcome]:
    """One :class:`Outcome` per requirement, in order. A requirement this report can never
    hold raises EvalmlError (exit 2); a null value is a failed outcome."""
    out = []
    for req in requirements:
        value, why = _lookup(report, req)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            out.append(Outcome(req, req.text, None, False, f"got null ({why})"))
            continue
        value = float(value)
        bound = _error_bound(report, req)
        if bound is not None and req.op in (">=", ">", "<=", "<"):
            # A binned roc_auc (streaming): the gate checks the worst case within the bound.
            worst = value - bound if req.op in (">=", ">") else value + bound
            passed = _OPS[req.op](worst, req.threshold)
            sign = "−" if req.op in (">=", ">") else "+"
            out.append(Outcome(req, req.text, worst, passed, "" if passed else
                               f"got {show(worst, req.op, req.threshold)} (worst case: {req.name} {show(value)} "
                               f"{sign} {req.name}_error_bound {bound:.3g})"))
            continue
        passed = _OPS[req.op](value, req.threshold)
        out.append(Outcome(req, req.text, value, passed, "" if passed else f"got {show(value, req.op, req.threshold)}"))
    return out


def _error_bound(report: Report, req: Requirement) -> float | None:
    """``METRIC_error_bound`` of the report (or group) the requirement reads, when it has one."""
    if req.cls is not None or req.field is not None or req.scope not in ("metrics", "groups"):
        return None
    view = _view(report)
    if req.scope == "groups":
        view = _view(view.groups[req.group], view.task)
    bound = view.metrics.get(f"{req.name}_error_bound")
    return float(bound) if isinstance(bound, (int, float)) and math.isfinite(bound) else None


def check(report: Report, requirements: list[Requirement]) -> list[str]:
    """FAILED lines (empty when every requirement holds)."""
    return [o.message for o in evaluate(report, requirements) if not o.passed]
