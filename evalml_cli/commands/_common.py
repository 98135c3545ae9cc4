"""Options shared by every command, and the one place that turns a Report into output and
an exit code: parse gates → build report → render → write → check gates → exit."""

from __future__ import annotations

import contextlib
import os
import sys
from enum import Enum
from typing import Annotated, Callable, Optional

import typer

from evalml_cli.errors import EvalmlError, internal_error_line


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    junit = "junit"
    tsv = "tsv"
    html = "html"


FormatOpt = Annotated[
    Optional[Format],
    typer.Option("--format", "-f", help="Output format: table (default), json, markdown, junit (one test case per gate), tsv "
                 "(metric<TAB>value lines) or html (one self-contained page with figures). With --output and no --format, "
                 "chosen from the extension (.json, .md, .xml, .tsv, .html)."),
]
OutputOpt = Annotated[
    Optional[str],
    typer.Option("--output", "-o", help="Write the report to this file instead of stdout: a regular file atomically "
                 "(temp file + rename, mode kept), a device or FIFO directly; '-' is stdout.", metavar="PATH"),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success; failed --require lines still go to stderr.")]
RequireOpt = Annotated[
    Optional[list[str]],
    typer.Option("--require", "-r", metavar="EXPR",
                 help="Gate: 'METRIC OP NUMBER' with OP in >= > <= < ==, e.g. 'roc_auc>=0.90'. "
                 "Repeatable. Exit 1 if any fails; a null metric fails."),
]
WeightOpt = Annotated[
    Optional[str], typer.Option("--weight", "-w", metavar="COL", help="Column of per-row sample (event) weights; may be negative.")
]
MemoryLimitOpt = Annotated[
    Optional[str], typer.Option("--memory-limit", metavar="SIZE",
                                help="Peak memory to stay within, e.g. 1G or 512M (at least 256M; default: half the "
                                "available memory). Inputs estimated larger are streamed batch by batch.")
]
EngineOpt = Annotated[
    Optional[str], typer.Option("--engine", metavar="local|dask",
                                help="local (default) or dask: map the batches over a Dask cluster "
                                "(pip install 'evalml-cli[dask]').")
]
SchedulerOpt = Annotated[
    Optional[str], typer.Option("--scheduler", metavar="ADDRESS",
                                help="With --engine dask: the scheduler address, e.g. tcp://10.0.0.5:8786 "
                                "(default: a local cluster of 2 workers).")
]
PlotOpt = Annotated[
    Optional[list[str]],
    typer.Option("--plot", metavar="[KIND=]PATH",
                 help="Write a figure (PNG, SVG or PDF by extension); the kind (roc, pr, calibration, det, efficiency, "
                 "confusion, residuals, pulls) comes from the file name or KIND=PATH. Repeatable."),
]
BaselineOpt = Annotated[
    Optional[str],
    typer.Option("--baseline", metavar="REPORT.json",
                 help="Compare with a saved JSON report: each metric's change and direction (better/worse)."),
]
MaxDropOpt = Annotated[
    Optional[list[str]],
    typer.Option("--max-drop", metavar="METRIC=X",
                 help="Gate against --baseline: fails when a higher-is-better METRIC fell by more than X. Repeatable."),
]
MaxRiseOpt = Annotated[
    Optional[list[str]],
    typer.Option("--max-rise", metavar="METRIC=X",
                 help="Gate against --baseline: fails when a loss (lower is better) rose by more than X. Repeatable."),
]
SummaryOpt = Annotated[
    Optional[str],
    typer.Option("--summary", metavar="PATH",
                 help="Also append the Markdown report to PATH (e.g. \"$GITHUB_STEP_SUMMARY\"), whatever --format says."),
]
SepOpt = Annotated[Optional[str], typer.Option("--sep", metavar="CHAR",
                  help="CSV field separator, e.g. ';' or '\\t'; ' ' = runs of spaces.")]
DecimalOpt = Annotated[Optional[str], typer.Option("--decimal", metavar="CHAR",
                      help="CSV decimal mark, e.g. ',' (with --sep ';').")]
DropInvalidOpt = Annotated[
    bool, typer.Option("--drop-invalid", help="Skip rows with a missing, NaN or inf value instead of failing; the count is reported.")
]


# Error bars, comparisons and groups (issue 10): shared by classify, regress, density, compare.
class CiMethod(str, Enum):
    auto = "auto"
    bootstrap = "bootstrap"


class BootstrapKind(str, Enum):
    percentile = "percentile"
    bca = "bca"


#: Options whose value may be left out (``--ci`` alone means ``--ci 0.95``); cli.py expands them.
OPTIONAL_VALUES = {"--ci": "0.95"}
CiOpt = Annotated[Optional[float], typer.Option("--ci", metavar="[LEVEL]",
                  help="Confidence intervals on every metric at LEVEL (default 0.95 when --ci is given alone): "
                  "DeLong for roc_auc, Wilson for proportions, bootstrap otherwise.")]
CiMethodOpt = Annotated[CiMethod, typer.Option("--ci-method", help="auto (DeLong/Wilson where they apply, else bootstrap) "
                        "or bootstrap for every metric.")]
BootstrapOpt = Annotated[int, typer.Option("--bootstrap", metavar="N", help="Bootstrap replicates for --ci and compare.")]
SeedOpt = Annotated[int, typer.Option("--seed", metavar="S", help="Seed of the bootstrap draws (the same seed gives the same interval).")]
BootstrapKindOpt = Annotated[BootstrapKind, typer.Option("--bootstrap-kind", help="Bootstrap interval: percentile or bca "
                             "(bias-corrected and accelerated).")]
ByOpt = Annotated[Optional[str], typer.Option("--by", metavar="COL", help="One report per value of COL (plus 'all'), "
                  "side by side; groups train and test also give the gap train − test.")]
GapOpt = Annotated[Optional[str], typer.Option("--gap", metavar="A,B", help="With --by: report each metric's gap A − B "
                   "between groups A and B (default train,test when both exist).")]


def ci_kwargs(ci, ci_method, bootstrap, seed, bootstrap_kind, by=None, gap=None) -> dict:
    """The api keyword arguments of the interval/group options."""
    return {"ci": ci, "ci_method": getattr(ci_method, "value", ci_method), "bootstrap": bootstrap, "seed": seed,
            "bootstrap_kind": getattr(bootstrap_kind, "value", bootstrap_kind), "by": by, "gap": gap}


def expand_optional_values(argv: list[str]) -> list[str]:
    """``--ci`` without a number (last, or before another option or the FILE) → ``--ci=0.95``."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + argv[i:]
        if arg in OPTIONAL_VALUES:
            nxt = argv[i + 1] if i + 1 < len(argv) else None
            try:
                float(nxt) if nxt is not None else None
                takes = nxt is not None
            except ValueError:
                takes = False
            if not takes:
                out.append(f"{arg}={OPTIONAL_VALUES[arg]}")
                continue
        out.append(arg)
    return out

def _err(line: str) -> None:
    """One line on stderr; a closed or broken stderr is ignored (it never changes the exit code)."""
    from evalml_cli.io.output import degrade

    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(degrade(line.rstrip("\n") + "\n", getattr(stream, "encoding", None)))
        stream.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null so Python's flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def stdout_error(exc: OSError) -> EvalmlError | None:
    """None for a closed pipe (``evalml … | head``: not an error), else the one-line error."""
    import errno

    _silence_stdout()
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return None
    return EvalmlError(f"cannot write to standard output: {exc.strerror or exc}")


def _stdout(text: str) -> None:
    """Write to stdout in its encoding (``·``/``↑``/box lines degrade to ASCII where needed).

    A closed pipe is silent; any other failure (``/dev/full``, a closed stdout) is an
    EvalmlError, exit 2."""
    from evalml_cli.io.output import degrade

    stream = sys.stdout
    if stream is None:
        raise EvalmlError("cannot write to standard output: it is closed", hint="use --output FILE")
    try:
        stream.write(degrade(text, getattr(stream, "encoding", None)))
        stream.flush()
    except OSError as exc:
        err = stdout_error(exc)
        if err is not None:
            raise err from None


def resolve_format(fmt: Format | None, output: str | None) -> str:
    if fmt is not None:
        return fmt.value
    if output and output != "-":
        low = output.lower()
        if low.endswith(".json"):
            return "json"
        if low.endswith((".md", ".markdown")):
            return "markdown"
        if low.endswith((".html", ".htm")):
            return "html"
        if low.endswith(".xml"):
            return "junit"
        if low.endswith(".tsv"):
            return "tsv"
    return "table"


def figures(plot: list[str] | None, fmt: Format | None, output: str | None):
    """The ``--plot`` files and HTML figures of a run (evalml_cli/figures.py); a bad value exits 2."""
    from evalml_cli.figures import Figures

    try:
        return Figures(plot, html=resolve_format(fmt, output) == "html")
    except EvalmlError as exc:
        raise fail(exc) from None


def fail(exc: EvalmlError) -> typer.Exit:
    _err(f"evalml: error: {exc}")
    return typer.Exit(2)


@contextlib.contextmanager
def exit_codes():
    """The one mapping of errors to the contract's exit code 2 for a command's body: an
    EvalmlError is its one line, MemoryError a line saying so, anything else one internal-error
    line (the traceback only with EVALML_DEBUG=1). A failed gate (exit 1) is raised after it."""
    try:
        yield
    except EvalmlError as exc:
        raise fail(exc) from None
    except MemoryError:
        _err("evalml: error: out of memory reading the input (select fewer columns or a smaller file)")
        raise typer.Exit(2) from None
    except Exception as exc:  # noqa: BLE001 - a bug must still be one line and exit 2, never a traceback
        if os.environ.get("EVALML_DEBUG"):
            raise
        _err(internal_error_line(exc))
        raise typer.Exit(2) from None


def use_color() -> bool:
    """Colour only on a terminal, and never with NO_COLOR or TERM=dumb."""
    return (sys.stdout is not None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM", "") != "dumb")


def _table_for_stdout(report, render_text) -> str:
    # A terminal gets rich (colour unless NO_COLOR or TERM=dumb); a pipe or file gets the
    # same table as plain text, without importing rich.
    import shutil

    tty = sys.stdout is not None and sys.stdout.isatty()
    color = use_color()
    width = shutil.get_terminal_size((100, 24)).columns if tty else 100
    return render_text(report, "table", width=width, color=color)


def run(
    build: Callable[[], object],
    *,
    fmt: Format | None,
    output: str | None,
    quiet: bool,
    requires: list[str] | None,
    known: set[str],
    per_class: set[str] | None = None,
    inputs: dict[str, str | None] | None = None,
    side_outputs: dict[str, str | None] | None = None,
    side_files: Callable[[object], list[tuple[str, str, str]]] | None = None,
    tasks: tuple[str, ...] = (),
    baseline: str | None = None,
    max_drop: list[str] | None = None,
    max_rise: list[str] | None = None,
    summary: str | None = None,
    classname: str = "evalml",
    gate_scopes: dict[str, bool] | None = None,
) -> None:
    """Run one command end to end and exit with the contract's code.

    Order: parse gates → check every destination (not an input, not each other, directory
    writable) → build the report → evaluate gates (a gate that can never be evaluated is
    exit 2 before any output) → write the files (all temps, then all renames) and stdout →
    FAILED lines and exit 1.

    inputs : option → path of every file read (never overwritten).
    side_outputs : option → path of extra files (``--pulls``); ``side_files(report)`` gives
        their ``(path, text, option)``.
    tasks, baseline, max_drop, max_rise, summary, classname : ``--baseline`` and its gates
        (checked against the command's metric ``tasks``), ``--summary``, and the JUnit classname
        (see evalml_cli/ci.py).
    """
    from evalml_cli import ci
    from evalml_cli import gates
    from evalml_cli.io.output import check_destinations, write_all
    from evalml_cli.render import render_text

    side_outputs = {k: v for k, v in (side_outputs or {}).items() if v is not None}
    with exit_codes():
        reqs = gates.parse_all(requires, known, per_class, **(gate_scopes or {}))
        limits = ci.parse_limits(max_drop, max_rise, tasks)
        to_stdout = [opt for opt, p in side_outputs.items() if p == "-"]
        if output == "-" or (output is None and not quiet):
            to_stdout.append("the report")
        if len(to_stdout) > 1:
            raise EvalmlError(f"{' and '.join(to_stdout)} would both go to standard output",
                              hint="give --output FILE, or --quiet to drop the report")
        check_destinations({"--output": output, "--summary": summary, **side_outputs}, inputs or {})
        if summary is not None:
            ci.check_summary(summary)
        saved = ci.prepare_baseline(baseline, limits)
        report = build()
        outcomes = list(gates.evaluate(report, reqs))
        report, more = ci.apply_baseline(report, saved, baseline, limits)
        outcomes += more
        failures = [o.message for o in outcomes if not o.passed]
        kind = resolve_format(fmt, output)
        if not quiet:
            for note in report.notes:
                _err(f"evalml: {note}")
        files = list(side_files(report)) if side_files is not None else []
        if output is not None and output != "-":
            files.append((output, render_text(report, kind, width=100, outcomes=outcomes, classname=classname), "--output"))
        stdout_files = [f for f in files if f[0] == "-"]
        write_all([f for f in files if f[0] != "-"])
        if summary is not None:
            ci.append_summary(summary, render_text(report, "markdown"))
        for _, text, _ in stdout_files:
            _stdout(text)
        if output is not None and output != "-":
            if not quiet:
                _err(f"evalml: wrote {kind} report to {output}")
        elif output == "-" or not quiet:
            text = (_table_for_stdout(report, render_text) if kind == "table"
                    else render_text(report, kind, outcomes=outcomes, classname=classname))
            _stdout(text)
    for line in failures:
        _err(line)
    if failures:
        raise typer.Exit(1)
