"""Options shared by every command, and the one place that turns a Report into output and
an exit code: parse gates → build report → render → write → check gates → exit."""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated, Callable, Optional

import typer

from evalml_cli.errors import EvalmlError


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


FormatOpt = Annotated[
    Optional[Format],
    typer.Option("--format", "-f", help="Output format: table (default), json or markdown. "
                 "With --output and no --format, chosen from the extension (.json, .md)."),
]
OutputOpt = Annotated[
    Optional[str],
    typer.Option("--output", "-o", help="Write the report to this file (atomically: temp file + rename) "
                 "instead of stdout.", metavar="PATH"),
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
DropInvalidOpt = Annotated[
    bool, typer.Option("--drop-invalid", help="Skip rows with a missing, NaN or inf value instead of failing; the count is reported.")
]


def _err(line: str) -> None:
    try:
        sys.stderr.write(line.rstrip("\n") + "\n")
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        pass


def _stdout(text: str) -> None:
    """Write to stdout; a closed pipe (``evalml … | head``) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def resolve_format(fmt: Format | None, output: str | None) -> str:
    if fmt is not None:
        return fmt.value
    if output:
        low = output.lower()
        if low.endswith(".json"):
            return "json"
        if low.endswith((".md", ".markdown")):
            return "markdown"
    return "table"


def fail(exc: EvalmlError) -> typer.Exit:
    _err(f"evalml: error: {exc}")
    return typer.Exit(2)


def run(
    build: Callable[[], object],
    *,
    fmt: Format | None,
    output: str | None,
    quiet: bool,
    requires: list[str] | None,
    known: set[str],
    per_class: set[str] | None = None,
) -> None:
    """Run one command end to end and exit with the contract's code."""
    from evalml_cli import gates
    from evalml_cli.io import write_atomic
    from evalml_cli.render import render_text

    try:
        reqs = gates.parse_all(requires, known, per_class)
        report = build()
        kind = resolve_format(fmt, output)
        if not quiet:
            for note in report.notes:
                _err(f"evalml: {note}")
        if output:
            text = render_text(report, kind, width=100)
            write_atomic(output, text)
            if not quiet:
                _err(f"evalml: wrote {kind} report to {output}")
        elif not quiet:
            if kind == "table":
                # A terminal gets rich (colour unless NO_COLOR); a pipe or file gets the same
                # table as plain text, without importing rich.
                import shutil

                tty = sys.stdout.isatty()
                color = tty and not os.environ.get("NO_COLOR")
                width = shutil.get_terminal_size((100, 24)).columns if tty else 100
                text = render_text(report, kind, width=width, color=color)
            else:
                text = render_text(report, kind)
            _stdout(text)
        failures = gates.check(report, reqs)
    except EvalmlError as exc:
        raise fail(exc) from None
    except MemoryError:
        _err("evalml: error: out of memory reading the input (select fewer columns or a smaller file)")
        raise typer.Exit(2) from None
    except Exception as exc:  # noqa: BLE001 - a bug must still be one line and exit 2, never a traceback
        if os.environ.get("EVALML_DEBUG"):
            raise
        _err(f"evalml: internal error: {type(exc).__name__}: {exc} (set EVALML_DEBUG=1 for a traceback)")
        raise typer.Exit(2) from None
    for line in failures:
        _err(line)
    if failures:
        raise typer.Exit(1)
