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
