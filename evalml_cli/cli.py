"""The command line: the only module (with commands/) that prints or exits.

Exit codes: 0 ok, 1 a ``--require`` failed, 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from evalml_cli import __version__
from evalml_cli.commands import classify as _classify
from evalml_cli.commands import regress as _regress

app = typer.Typer(
    name="evalml",
    help="Evaluate prediction files (CSV, CSV.gz, TSV, Parquet or '-' for CSV on stdin): the metrics "
    "you can trust, as a table, JSON or Markdown, and --require gates for CI.\n\n"
    "Exit codes: 0 ok, 1 a --require failed, 2 usage or input error.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"evalml {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Evaluate prediction files."""


app.command("classify", no_args_is_help=True)(_classify.classify)
app.command("regress", no_args_is_help=True)(_regress.regress)
app.command("density", no_args_is_help=True)(_regress.density)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("evalml: interrupted\n")
        sys.exit(130)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        if os.environ.get("EVALML_DEBUG"):
            raise
        sys.stderr.write(f"evalml: internal error: {type(exc).__name__}: {exc} (set EVALML_DEBUG=1 for a traceback)\n")
        sys.exit(2)
