"""CI logic behind ``--baseline``/``--max-drop``/``--max-rise``, ``--summary``, ``--format
junit|tsv`` and ``evalml check``. No typer here: commands/_common.py and commands/check.py call
these functions and map EvalmlError to exit 2.

Baseline block of the JSON report (only with ``--baseline``)::

    "baseline": {
      "file": "reports/main.json",
      "changes": {"roc_auc": {"baseline": 0.9501, "change": -0.0012, "direction": "worse"}, …}
    }

``change`` is current − baseline (null when either is null or the baseline lacks the metric),
``direction`` is ``better``/``worse``/``same`` by the registry's ``higher_is_better``, ``n/a``
for descriptive metrics and nulls (:mod:`evalml_cli.baseline`).
"""

from __future__ import annotations

import inspect
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from evalml_cli import baseline as bl
from evalml_cli.errors import EvalmlError
from evalml_cli.report import Report

# ---------------------------------------------------------------------------------------------
# Baselines on one report


def parse_limits(max_drop: Sequence[str] | None, max_rise: Sequence[str] | None,
                 tasks: Sequence[str]) -> list[bl.Limit]:
    """``--max-drop``/``--max-rise`` parsed and checked against the command's tasks (before reading)."""
    limits = bl.parse_limits(max_drop, max_rise)
    for limit in limits:
        bl.validate_limit(limit, tasks)
    return limits


def prepare_baseline(path: str | os.PathLike | None, limits: Sequence[bl.Limit]) -> dict[str, Any] | None:
    """The saved report (read before the data), or None without ``--baseline``; gates need one."""
    if path is None:
        if limits:
            flags = sorted({lim.expression.split()[0] for lim in limits})
            raise EvalmlError(f"{' and '.join(flags)} need a baseline report",
                              hint="add --baseline REPORT.json (a report saved with --format json)")
        return None
    return bl.load_baseline(path)


def apply_baseline(report: Report, saved: dict[str, Any] | None, path: str | os.PathLike | None,
                   limits: Sequence[bl.Limit]) -> tuple[Report, list[bl.Outcome]]:
    """The report with its ``baseline`` block, and one outcome per limit.

    Raises EvalmlError (exit 2) for a baseline of another task or report format, or one that
    lacks a metric a gate names.
    """
    if saved is None:
        return report, []
    from evalml_cli.render.json import _clean

    name = str(path)
    current = _clean(report.to_dict())
    model = None
    if report.models:  # compare: the candidate (second) model against the saved report
        model, candidate = list(report.models.items())[-1]
        current = {**current, "task": candidate.task, "metrics": _clean({"m": candidate.metrics})["m"]}
        if saved.get("task") == "compare" and saved.get("models"):
            saved = {**saved, "task": candidate.task, "metrics": list(saved["models"].values())[-1].get("metrics", {})}
    changes = bl.compare_to_baseline(current, saved, name=name)
    outcomes = bl.check_limits(current, saved, limits, name=name)
    block = {"file": name, "changes": {c.name: {"baseline": c.baseline, "change": c.change, "direction": c.direction}
                                       for c in changes}}
    if model is not None:
        block = {"file": name, "model": model, "changes": block["changes"]}
    return replace(report, extra_json={**report.extra_json, "baseline": block}), outcomes


# ---------------------------------------------------------------------------------------------
# --summary: the one file that is appended to, not replaced


def check_summary(path: str) -> None:
    """Refuse (before reading) a summary target that is a directory, a socket or in a missing dir."""
    from evalml_cli.io.output import check_writable

    if path == "-":
        raise EvalmlError("--summary needs a file name, not '-'", hint="the report itself goes to standard output")
    check_writable(path, "--summary")


def append_summary(path: str, text: str) -> None:
    """Append ``text`` to ``path`` (``$GITHUB_STEP_SUMMARY``): ``O_APPEND``, never truncated.

    A regular file (new or existing), a device or a FIFO is accepted; a directory or socket is
    refused. A new file gets ``0666 & ~umask``.
    """
    check_summary(path)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOCTTY", 0)
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and not (stat.S_ISREG(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        raise EvalmlError(f"cannot append --summary {path}: not a regular file, device or FIFO")
    data = text.encode("utf-8")
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        raise EvalmlError(f"cannot append --summary {path}: {exc.strerror or exc}") from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise EvalmlError(f"cannot append --summary {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# Rendering one command's report in any format


def render(report: Report, kind: str, outcomes: Sequence[Any] = (), classname: str = "evalml",
           *, width: int | None = None) -> str:
    """``table``/``json``/``markdown``/``tsv`` of the report; ``junit`` of its gate outcomes."""
    from evalml_cli.render import render_text

    return render_text(report, kind, width=width, outcomes=outcomes, classname=classname)


# ---------------------------------------------------------------------------------------------
# evalml check: the dispatch table


@dataclass(frozen=True)
class Runner:
    """How ``check`` runs one command in-process: the api function, the metric tasks of its report
    and the gate context. Adding a command is one line in :data:`RUNNERS`."""

    api: str
    tasks: tuple[str, ...]
    per_class: bool = False
    compare: bool = False

    def function(self) -> Callable[..., Report] | None:
        from evalml_cli import api

        return getattr(api, self.api, None)


RUNNERS: dict[str, Runner] = {
    "classify": Runner("classify", ("binary", "multiclass"), per_class=True),
    "regress": Runner("regress", ("regression",)),
    "density": Runner("density", ("density",)),
    "compare": Runner("compare", ("binary", "multiclass", "regression"), per_class=True, compare=True),
    "curve": Runner("curve", ("binary",)),
}

#: Config keys that are not api keyword arguments (handled by check itself).
_NOT_KWARGS = {"file", "files", "pulls"}


def _show(path) -> str:
    from evalml_cli.config import _show as show

    return show(Path(path))


def _where(ev) -> str:
    from evalml_cli.config import _key_path, _show

    prefix = ("tool", "evalml") if ev.config_path is not None and ev.config_path.name == "pyproject.toml" else ()
    return f"{_show(ev.config_path) if ev.config_path else 'config'}: {_key_path((*prefix, 'evaluations', ev.name))}"


def runner_for(ev) -> tuple[Runner, Callable[..., Report], dict[str, Any]]:
    """The runner, the api function and its keyword arguments for one evaluation.

    A command this evalml does not have, or a key its api function does not take, is a config
    error (exit 2): no key is ignored.
    """
    runner = RUNNERS.get(ev.command)
    fn = runner.function() if runner is not None else None
    if fn is None:
        raise EvalmlError(f"{_where(ev)}: command {ev.command!r} is not available in this evalml",
                          hint=f"commands: {', '.join(k for k, r in RUNNERS.items() if r.function())}")
    params = inspect.signature(fn).parameters
    kwargs = {}
    for key, value in ev.options.items():
        if key in _NOT_KWARGS:
            continue
        if key not in params:
            raise EvalmlError(f"{_where(ev)}.{key}: this evalml's {ev.command} has no --{key.replace('_', '-')} option",
                              hint="remove the key or upgrade evalml")
        kwargs[key] = value
    return runner, fn, kwargs


def pulls_csv(report: Report) -> str:
    """The ``--pulls`` CSV (``row,residual,pull``) of a χ² report."""
    import numpy as np

    p = report.pulls
    lines = ["row,residual,pull"]
    lines += [f"{int(r)},{float(e)!r},{float(z)!r}" for r, e, z in zip(p.rows, p.residuals, np.asarray(p.pulls))]
    return "\n".join(lines) + "\n"


@dataclass
class Planned:
    """One evaluation ready to run: everything that can fail without reading data has been checked."""

    evaluation: Any
    runner: Runner
    fn: Callable[..., Report]
    kwargs: dict[str, Any]
    requirements: list
    limits: list[bl.Limit]
    baseline_path: Path | None
    saved: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)


@dataclass
class Result:
    """One evaluation after its run: the report (with its baseline block) and every gate outcome."""

    name: str
    command: str
    report: Report
    outcomes: list
    baseline_path: Path | None
    notes: list[str]
    pulls_path: str | None = None

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)


@dataclass(frozen=True)
class Overrides:
    """Command-line options of ``check`` that override the config for one run.

    baseline : a report file used by every selected evaluation, or a directory holding NAME.json.
    max_drop, max_rise : ``METRIC=X`` limits replacing (or adding) that metric's limit.
    update : ``--update-baseline`` (no comparison; the new reports are written as baselines).
    """

    baseline: str | None = None
    max_drop: tuple[str, ...] = ()
    max_rise: tuple[str, ...] = ()
    update: bool = False


def plan(ev, overrides: Overrides) -> Planned:
    """Check one evaluation before anything is read: its command and keys, its requirements,
    its gates and its baseline."""
    from evalml_cli import gates, metrics

    runner, fn, kwargs = runner_for(ev)
    opts = ev.options
    try:
        reqs = gates.parse_all(list(ev.requirements), metrics.names_for(*runner.tasks),
                               set(metrics.PER_CLASS_NAMES) if runner.per_class else None,
                               intervals=bool(opts.get("ci") or opts.get("bootstrap")), groups=bool(opts.get("by")),
                               compare=runner.compare)
        limits = {(lim.kind, lim.metric): lim.amount for lim in
                  [bl.Limit(bl.MAX_DROP, m, a) for m, a in ev.max_drop.items()]
                  + [bl.Limit(bl.MAX_RISE, m, a) for m, a in ev.max_rise.items()]}
        for lim in parse_limits(overrides.max_drop, overrides.max_rise, runner.tasks):
            limits[(lim.kind, lim.metric)] = lim.amount
        limit_list = [bl.Limit(k, m, a) for (k, m), a in limits.items()]
    except EvalmlError as exc:
        raise EvalmlError(f"{_where(ev)}: {exc.message}", exc.hint) from None

    path = ev.baseline
    explicit = ev.baseline_explicit
    if overrides.baseline is not None:
        given = Path(overrides.baseline)
        path, explicit = (given / f"{ev.name}.json", False) if given.is_dir() else (given, True)
    notes: list[str] = []
    saved = None
    if overrides.update:
        if path is None:
            raise EvalmlError(f"{_where(ev)}: no baseline location for --update-baseline",
                              hint="set baseline_dir in the evalml table, or baseline = \"PATH\" in the evaluation")
        return Planned(ev, runner, fn, kwargs, reqs, [], path, None, notes)
    if path is not None and not path.exists() and not explicit:
        if limit_list:
            raise EvalmlError(f"{_where(ev)}: baseline {_show(path)} does not exist, so max_drop/max_rise cannot be checked",
                              hint="write it with evalml check --update-baseline")
        notes.append(f"{ev.name}: no baseline yet at {_show(path)} (evalml check --update-baseline writes it)")
        path = None
    if path is not None:
        try:
            saved = bl.load_baseline(path)
        except EvalmlError as exc:
            raise EvalmlError(f"{_where(ev)}: {exc.message}", exc.hint) from None
    elif limit_list:
        raise EvalmlError(f"{_where(ev)}: max_drop/max_rise need a baseline", hint="pass --baseline REPORT.json")
    return Planned(ev, runner, fn, kwargs, reqs, limit_list, path, saved, notes)


def execute(p: Planned) -> Result:
    """Run one planned evaluation in-process and gate it."""
    from evalml_cli import gates

    ev = p.evaluation
    # Relative to the current directory when inside it: a baseline written from the repository
    # root names "sample_data/binary.csv", not a machine's absolute path.
    data = [_show(f) if "://" not in f else f for f in (ev.options.get("files") or [ev.options["file"]])]
    try:
        report = p.fn(*data, **p.kwargs)
        outcomes = list(gates.evaluate(report, p.requirements))
        report, limit_outcomes = apply_baseline(report, p.saved, _show(p.baseline_path) if p.baseline_path else None,
                                                p.limits)
    except EvalmlError as exc:
        raise EvalmlError(f"evaluation {ev.name!r}: {exc.message}", exc.hint) from None
    return Result(ev.name, ev.command, report, outcomes + limit_outcomes, p.baseline_path,
                  [*p.notes, *(f"{ev.name}: {n}" for n in report.notes)], ev.options.get("pulls"))


def side_files(results: Sequence[Result], update: bool) -> list[tuple[str, str, str]]:
    """Files written with the run: ``pulls`` CSVs, and the new baselines with --update-baseline."""
    from evalml_cli.render.json import render as render_json

    files = []
    for r in results:
        if r.pulls_path and r.report.pulls is not None:
            files.append((r.pulls_path, pulls_csv(r.report), f"pulls of {r.name}"))
    if update:
        for r in results:
            files.append((str(r.baseline_path), render_json(r.report), f"baseline of {r.name}"))
    return files


def make_baseline_dirs(results: Sequence[Result]) -> None:
    """Create the directories the config names for baselines (``baseline_dir``) if missing."""
    for r in results:
        try:
            Path(r.baseline_path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EvalmlError(f"cannot create the baseline directory of {r.name}: {exc.strerror or exc}") from None


# ---------------------------------------------------------------------------------------------
# check output


def _value(o) -> str:
    from evalml_cli.render import format_value

    return format_value(o.value)


def summary_rows(results: Sequence[Result]) -> list[list[str]]:
    """(evaluation, requirement, value, result) rows; an evaluation without gates gets one row."""
    rows = []
    for r in results:
        if not r.outcomes:
            rows.append([r.name, "(no requirements)", "", "ran"])
        for o in r.outcomes:
            rows.append([r.name, o.expression, _value(o), "pass" if o.passed else "FAIL"])
    return rows


def _totals(results: Sequence[Result]) -> str:
    n = sum(len(r.outcomes) for r in results)
    failed = sum(1 for r in results for o in r.outcomes if not o.passed)
    ev = len(results)
    return (f"{ev} evaluation{'s' if ev != 1 else ''}, {n} requirement{'s' if n != 1 else ''}, "
            f"{failed} failed")


def render_check(results: Sequence[Result], kind: str, config_path: Path | None = None) -> str:
    """The whole run in ``kind``: table (the summary), markdown, json, junit or tsv."""
    header = ["evaluation", "requirement", "value", "result"]
    if kind == "table":
        rows = summary_rows(results)
        widths = [max(len(c) for c in col) for col in zip(header, *rows)]

        def line(cells: list[str]) -> str:
            return "   ".join(c.rjust(w) if i == 2 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        rule = "─" * (sum(widths) + 3 * (len(widths) - 1))
        return "\n".join(["evalml check", line(header), rule, *map(line, rows), _totals(results)]) + "\n"
    if kind == "markdown":
        from evalml_cli.render.markdown import _table, escape
        from evalml_cli.render.markdown import render as render_md

        lines = ["## evalml check", "", escape(_totals(results)), ""]
        table = _table(header, [[*row[:3], "✅ pass" if row[3] == "pass" else ("❌ FAIL" if row[3] == "FAIL" else row[3])]
                                for row in summary_rows(results)])
        table[1] = "|:---|:---|---:|:---|"
        lines += table
        text = "\n".join(lines) + "\n"
        for r in results:
            text += "\n" + render_md(r.report).replace("### evalml ·", f"### {escape(r.name)} · evalml ·", 1)
        return text
    if kind == "json":
        import json

        from evalml_cli.render.json import _clean

        doc = {
            "config": str(config_path) if config_path is not None else None,
            "passed": all(r.passed for r in results),
            "evaluations": {r.name: {
                "command": r.command,
                "passed": r.passed,
                "outcomes": [{"expression": o.expression, "value": o.value, "passed": o.passed, "reason": o.reason}
                             for o in r.outcomes],
                "report": r.report.to_dict(),
            } for r in results},
        }
        return json.dumps(_clean(doc), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    if kind == "junit":
        from evalml_cli.render.junit import render_junit

        return render_junit([(r.name, r.outcomes) for r in results])
    if kind == "html":
        from evalml_cli.render.html import render_many

        return render_many([(r.name, r.report, r.outcomes) for r in results])
    if kind == "tsv":
        from evalml_cli.render.tsv import _name, format_tsv_value

        lines = []
        for r in results:
            lines += [f"{_name(r.name)}\t{_name(k)}\t{format_tsv_value(v)}" for k, v in r.report.ordered_metrics().items()]
        return "".join(line + "\n" for line in lines)
    raise AssertionError(kind)  # pragma: no cover - the Format enum lists the kinds above
