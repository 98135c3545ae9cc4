"""The one user-facing error type. cli.py maps it to one stderr line and exit code 2."""

from __future__ import annotations


class EvalmlError(Exception):
    """A problem with the user's input or options, explained in one line.

    Parameters
    ----------
    message : what is wrong, naming the file, column or option involved.
    hint : what to do about it (optional), appended after the message.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


def internal_error_line(exc: BaseException) -> str:
    """The one line printed for a bug (anything that is not an EvalmlError); exit code 2.

    Used by both last lines of defence: the command runner (also under CliRunner) and the
    console-script entry point.
    """
    return f"evalml: internal error: {type(exc).__name__}: {exc} (set EVALML_DEBUG=1 for a traceback)"
