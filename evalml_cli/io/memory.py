"""An in-memory table (pandas, pyarrow, Arrow C stream) as a source the readers accept.

It answers the same questions as :class:`evalml_cli.io.TableSource` — the column names and a
table of the needed columns — so a DataFrame is validated exactly like a file.
"""

from __future__ import annotations

import pyarrow as pa

from evalml_cli.errors import EvalmlError
from evalml_cli.io import TableSource


class MemorySource(TableSource):
    """A pyarrow Table standing in for a file (``display`` names it in messages)."""

    def __init__(self, table: pa.Table, display: str = "<table>") -> None:  # noqa: D107 - no file to open
        self.path = display
        self.display = display
        self.kind = "arrow"
        self.delimiter = ""
        self._buffer = None
        self._table = table
        self.columns = [str(c) for c in table.column_names]

    def read(self, columns: list[str]) -> pa.Table:
        columns = list(dict.fromkeys(columns))
        table = self._table.select(columns)
        if table.num_rows == 0:
            raise EvalmlError(f"{self.display} has no data rows", hint="expected at least one row")
        return table
