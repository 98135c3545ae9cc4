"""The command line: the only module (with commands/) that prints or exits.

Exit codes: 0 ok, 1 a ``--require`` failed, 2 usage or input error (130 / SIGTERM when
interrupted). Errors of the option parser become the same one line as every other error,
``evalml: error: <message> (<hint>)``, both for the console script and under CliRunner: the
group's ``main`` runs click in non-standalone mode and formats ``UsageError`` itself.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from evalml_cli import __version__
from evalml_cli.commands import check as _check
from evalml_cli.commands import classify as _classify
from evalml_cli.commands import compare as _compare
from evalml_cli.commands import curve as _curve
from evalml_cli.commands import regress as _regress

try:  # typer ≥ 0.24 vendors click as typer._click; older typer uses click itself
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover
    from click import exceptions as _cx


def _one_line(text: str) -> str:
    """Control characters (a newline in an option value) shown escaped: the error stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text.strip())


def _option_names(cmd: Any) -> list[str]:
    return [o for p in getattr(cmd, "params", []) for o in (*p.opts, *p.secondary_opts) if o.startswith("-")]


def usage_line(exc: Any, fallback: str = "evalml") -> str:
    """``evalml: error: <message> (<hint>)`` for a click UsageError (``fallback``: the command
    path when click gives no context, as for an option missing its value)."""
    ctx = exc.ctx
    path = ctx.command_path if ctx is not None else fallback
    see = f"see '{path} --help'"
    message = exc.message if isinstance(exc, _cx.NoSuchOption) else exc.format_message()
    message = _one_line(message).rstrip(".")
    hint = see
    if isinstance(exc, _cx.NoSuchOption):
        message = f"no such option {_one_line(exc.option_name)}"
        # Closest first: click's own suggestions come in alphabetical order.
        pool = list(exc.possibilities or []) or _option_names(exc.cmd)
        options = difflib.get_close_matches(exc.option_name, pool, n=3, cutoff=0.6) or list(exc.possibilities or [])[:3]
        if options and difflib.SequenceMatcher(None, exc.option_name, options[0]).ratio() >= 0.8:
            options = options[:1]  # one clear winner: name only it
        if options:
            hint = f"did you mean {' or '.join(options)}?"
    elif message.startswith("No such command"):
        message, _, did = message.partition(". Did you mean ")
        hint = f"did you mean {did.rstrip('?')}?" if did else f"commands: {', '.join(ctx.command.list_commands(ctx))}"
    elif isinstance(exc, _cx.MissingParameter) and ctx is not None:
        hint = f"usage: {ctx.command_path} {' '.join(ctx.command.collect_usage_pieces(ctx))}"
    if message[:1].isupper() and not message[1:2].isupper():
        message = message[0].lower() + message[1:]
    return f"evalml: error: {message} ({hint})"


def _stderr(text: str) -> None:
    from evalml_cli.commands._common import _err

    _err(text)


class EvalmlGroup(TyperGroup):
    """The root group: click runs non-standalone; its errors become one line and exit 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: ANN001
        from evalml_cli.commands._common import expand_optional_values

        args = expand_optional_values(list(sys.argv[1:] if args is None else args))
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _cx.NoArgsIsHelpError as exc:  # `evalml` / `evalml classify` alone: help, exit 2
            _stderr(exc.format_message())
            code = 2
        except _cx.UsageError as exc:
            argv = list(sys.argv[1:] if args is None else args)
            name = next((a for a in argv if a in self.commands), None)
            _stderr(usage_line(exc, f"evalml {name}" if name else "evalml"))
            code = 2
        except typer.Abort:
            _stderr("evalml: error: aborted")
            code = 2
        except _cx.ClickException as exc:  # pragma: no cover - evalml raises none itself
            _stderr(f"evalml: error: {_one_line(exc.format_message())}")
            code = 2
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


class EvalmlCommand(TyperCommand):
    """A command whose usage line shows ``FILE`` plainly (typer would print ``{FILE}``)."""

    def collect_usage_pieces(self, ctx):  # noqa: ANN001
        return [re.sub(r"^\{(.*)\}$", r"\1", p) for p in super().collect_usage_pieces(ctx)]


app = typer.Typer(
    name="evalml",
    help="Evaluate prediction files (CSV/TSV, gzip, Parquet, Arrow/Feather, JSON Lines, ROOT, a directory or "
    "glob of parts, or '-' for stdin): the metrics you can trust, as a table, JSON, Markdown, HTML, JUnit or "
    "TSV, with intervals, comparisons, baselines and --require gates for CI.\n\n"
    "Exit codes: 0 ok, 1 a --require failed, 2 usage or input error.",
    cls=EvalmlGroup,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
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


def _wrap(words: list[str], indent: str = "  ", width: int = 76) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(", ".join(words), width, initial_indent=indent, subsequent_indent=indent))


def epilog(examples: str, *tasks: str, per_class: bool = False) -> str:
    """Examples, then the metric names a ``--require`` gate can use (from the registry).

    Each paragraph starts with click's ``\\b`` marker so it is printed as written."""
    from evalml_cli import metrics

    names = sorted(metrics.names_for(*tasks))
    parts = ["\b\nExamples:\n" + examples.strip("\n"),
             "\b\nGate metrics (--require 'METRIC OP NUMBER', OP one of >= > <= < ==):\n" + _wrap(names)]
    if per_class:
        parts.append("\b\nPer class (multiclass): --require 'METRIC[CLASS] OP NUMBER' with METRIC one of\n"
                     + _wrap(list(metrics.PER_CLASS_NAMES)) + "\n  e.g. --require 'recall[electron]>=0.9'")
    return "\n\n".join(parts)


def _command(name: str, func, short: str, examples: str, *tasks: str, per_class: bool = False) -> None:
    app.command(name, cls=EvalmlCommand, no_args_is_help=True, short_help=short,
                epilog=epilog(examples, *tasks, per_class=per_class))(func)


_command("classify", _classify.classify, "Binary and multiclass classification metrics.", _classify.EXAMPLES,
         "binary", "multiclass", per_class=True)
_command("curve", _curve.curve, "Points of a ROC, PR, calibration, DET or efficiency curve.", _curve.EXAMPLES)
_command("regress", _regress.regress, "Regression metrics; χ² with σ or a covariance, pulls.",
         _regress.REGRESS_EXAMPLES, "regression")
_command("density", _regress.density, "NLL of samples; KL and JS between histograms.", _regress.DENSITY_EXAMPLES,
         "density")
_command("compare", _compare.compare, "Two models on the same rows: metrics, paired deltas, p-values.",
         _compare.EXAMPLES, "binary", "multiclass", "regression")
app.command("check", cls=EvalmlCommand, short_help="Run the evaluations declared in [tool.evalml]; one summary.",
            epilog="\b\nExamples:\n" + _check.EXAMPLES.strip("\n"))(_check.check)


def _prepare_streams() -> None:
    """A closed stderr (``2>&-``) must not change the exit code: write to /dev/null instead.
    A closed stdout stays None and is reported where a report is printed."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives until exit


def _flush_stdout(code: int) -> int:
    """Flush stdout now, so Python's own flush at exit cannot fail and change the exit code."""
    from evalml_cli.commands._common import stdout_error

    if sys.stdout is None:
        return code
    try:
        sys.stdout.flush()
    except OSError as exc:
        err = stdout_error(exc)  # also points fd 1 at /dev/null
        if err is not None:
            _stderr(f"evalml: error: {err}")
            return 2
    except ValueError:  # closed file object
        pass
    return code


def main() -> None:
    """Console-script entry point."""
    import signal

    from evalml_cli.io.output import Terminated

    _prepare_streams()
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        _stderr("evalml: interrupted")
        code = 130
    except Terminated:
        _flush_stdout(0)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        code = 143
    except BaseException as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        if isinstance(exc, SystemExit):
            raise
        if os.environ.get("EVALML_DEBUG"):
            raise
        from evalml_cli.errors import internal_error_line

        _stderr(internal_error_line(exc))
        code = 2
    code = code if isinstance(code, int) else 0
    sys.exit(_flush_stdout(code))
