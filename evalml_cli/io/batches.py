"""Batched reading: a source *plans* once, then yields validated batches with their first row.

:class:`BatchSource` opens a file, a glob (``'preds/date=*/part-*.parquet'``), a directory of
parts (read with ``pyarrow.dataset``; hive partitions like ``date=2026-11-01/`` become ordinary
string columns) or stdin, and yields ``(first_row, pyarrow.Table)`` pairs of only the needed
columns: Parquet by row group batches, CSV (also gzip/bz2/zstd, and stdin) by block through
pyarrow's streaming CSV reader. Formats that cannot be streamed (Arrow IPC, JSON Lines, ROOT)
are read whole and sliced — a documented fallback.

A *plan* (:class:`Plan`) is what the whole file must agree on — the task, the resolved column
names, the positive class, the classes — and is made from the schema and a first look at the
data with the same readers as the in-memory path (``io.read_classification`` …) on a sample.
:func:`validate` turns one batch into the same typed data the in-memory path builds
(``BinaryData``, ``MulticlassData``, ``RegressionData``, ``DensityData``), with error messages
naming *file* rows (``io.ROW_OFFSET``). A label first seen in a later batch of a binary file,
that makes more than two, is an error naming its row; multiclass classes come from the score
columns, or from a first pass over the label columns when there are none.
"""

from __future__ import annotations

import glob as _glob
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pyarrow as pa

from evalml_cli import io
from evalml_cli.errors import EvalmlError

#: Rows read for the plan's first look.
SAMPLE_ROWS = 65_536
#: In-memory bytes per input byte of a CSV file (text → float64 columns, plus the parse buffers).
CSV_FACTOR = 3.0
#: Working bytes per byte of the needed columns (as float64) in the in-memory path (read,
#: validate, sort: measured ~12 on 10M rows).
WORK_FACTOR = 12.0
#: Peak RSS of the interpreter with NumPy, pyarrow and evalml loaded.
BASELINE = 100 << 20


def is_multi(path: str) -> bool:
    """A directory, or a glob pattern that is not the name of an existing file."""
    if path == "-":
        return False
    if os.path.isdir(path):
        return True
    return any(ch in path for ch in "*?[") and not os.path.exists(path)


def _glob_root(pattern: str) -> str:
    """The directory part of ``pattern`` before its first wildcard (the hive partition base)."""
    parts = Path(pattern).parts
    fixed = []
    for p in parts:
        if any(ch in p for ch in "*?["):
            break
        fixed.append(p)
    root = str(Path(*fixed)) if fixed else "."
    return root if os.path.isdir(root) else os.path.dirname(root) or "."


@dataclass(frozen=True)
class Part:
    """One unit of work (a file of a dataset): picklable, so a Dask worker can read it."""

    path: str
    kind: str  # parquet, csv, or whole (another format: read whole by one worker)
    partitions: tuple[tuple[str, str], ...] = ()
    first_row: int | None = None  # None when unknown (CSV)
    delimiter: str = ","
    skip: int = 0
    decimal: str | None = None


class BatchSource:
    """A file, glob, directory or stdin read in batches (see the module docstring)."""

    def __init__(self, path: str, *, sep: str | None = None, decimal: str | None = None,
                 stream_stdin: bool = False) -> None:
        self.path = path
        self.display = "<stdin>" if path == "-" else path
        self.sep, self.decimal = sep, decimal
        self._dataset = None
        self._whole: io.TableSource | None = None
        self._stdin = None
        if is_multi(path):
            self._open_dataset(path)
            return
        if path == "-":
            if stream_stdin:
                if not self._open_stdin_stream():
                    self.kind = "not streamable"  # put back on sys.stdin for the in-memory reader
                return
            self._open_stdin()
            return
        self._file = None
        if self._streamable_csv(path, sep):
            self.kind = "csv"
            self._csv_plan(path)
            if self.delimiter is not None:
                return
        self._file = io.TableSource(path, sep=sep, decimal=decimal)
        # Parquet streams by row group; the other formats are read whole (a documented fallback).
        self.kind = "parquet" if self._file.kind == "parquet" and self._file._buffer is None else "whole"
        if self.kind == "whole":
            self._whole = self._file
        self.columns = list(self._file.columns)

    # -- opening -----------------------------------------------------------------------------
    @staticmethod
    def _streamable_csv(path: str, sep: str | None) -> bool:
        """A regular CSV/TSV file (maybe compressed) whose fields are not runs of spaces."""
        try:
            kind, _, _ = io._kind(path)
        except EvalmlError:
            return False
        p = Path(path)
        return (kind == "csv" and p.is_file() and p.stat().st_size > 0
                and sep not in (" ", "space", "whitespace"))

    def _csv_plan(self, path: str) -> None:
        """Delimiter, skipped comment lines and names from the head of a (compressed) CSV file."""
        src = io.TableSource.__new__(io.TableSource)
        src.path, src.display, src.decimal = path, path, self.decimal
        src._table, src._skip, src._tree = None, 0, None
        _, src.delimiter, codec = io._kind(path)
        head = self._head(path, codec)
        src._buffer = pa.py_buffer(head)
        src.kind = "csv"
        if not head.strip():
            raise EvalmlError(f"{path} is empty", hint="expected a header row and data rows")
        lines = [ln for ln in head.split(b"\n") if ln.strip() and not ln.lstrip().startswith(b"#")]
        if src.delimiter is None and self.sep is None and lines and b"," not in lines[0] and b"\t" not in lines[0]:
            self.delimiter = None  # runs of spaces: read whole (TableSource rewrites them)
            return
        src._prepare_csv(self.sep)
        self._codec = codec
        self.delimiter, self.skip = src.delimiter, src._skip
        src._buffer = pa.py_buffer(head[: head.rfind(b"\n") + 1] or head)
        self.columns = src._csv_read(names_only=True)
        self._csv_src = src

    @staticmethod
    def _head(path: str, codec: str | None, n: int = 1 << 16) -> bytes:
        with pa.input_stream(path, compression=codec) as fh:
            return fh.read(n)

    def _open_stdin(self) -> None:
        if sys.stdin is None or sys.stdin.isatty():
            raise EvalmlError("no data on stdin", hint="pipe a file in, e.g. 'cat preds.csv | evalml classify -'")
        # stdin is one stream: read it whole through TableSource (sniffs gzip and the format).
        self._whole = io.TableSource("-", sep=self.sep, decimal=self.decimal)
        self.kind = "whole"
        self.columns = list(self._whole.columns)

    def _open_stdin_stream(self) -> bool:
        """Plain CSV on stdin, read block by block (``kind = "stdin"``): the first MiB is kept
        for the plan, then one streaming CSV reader runs over it and the rest of the pipe. Any
        other stdin (gzip, Parquet, Arrow, comment lines, runs of spaces) is put back and read
        whole — False."""
        if sys.stdin is None or sys.stdin.isatty():
            raise EvalmlError("no data on stdin", hint="pipe a file in, e.g. 'cat preds.csv | evalml classify -'")
        raw = sys.stdin.buffer
        head = raw.read(1 << 20)
        first = head.split(b"\n", 1)[0]
        plain = (head.strip() and io._sniff_magic(head) == ("csv", None) and not head.lstrip().startswith(b"#")
                 and b"\x00" not in head[:4096])
        delimiter = self.sep if self.sep not in (None, " ", "space", "whitespace") else None
        if delimiter is None and self.sep is None:
            delimiter = "," if b"," in first else "\t" if b"\t" in first else None
        if delimiter == "\\t":
            delimiter = "\t"
        if not plain or delimiter is None or len(delimiter) != 1:
            sys.stdin = _Replayed(head, raw)  # the whole-stdin reader starts from the first byte again
            return False
        import pyarrow.csv as pacsv

        cut = head.rfind(b"\n") + 1 if len(head) == 1 << 20 else len(head)
        try:
            self._sample = pacsv.read_csv(pa.BufferReader(head[:cut] or head),
                                          parse_options=pacsv.ParseOptions(delimiter=delimiter),
                                          convert_options=pacsv.ConvertOptions(decimal_point=self.decimal or "."))
        except (pa.ArrowException, OSError) as exc:
            raise EvalmlError(f"cannot read <stdin>: {io.first_line(exc)}") from None
        self._stdin = (head, raw, delimiter)
        self.kind = "stdin"
        self.columns = list(self._sample.column_names)
        return True

    def _stdin_batches(self, columns: list[str], batch_rows: int, types: dict | None) -> Iterator[tuple[int, pa.Table]]:
        import pyarrow.csv as pacsv

        if self._stdin is None:
            raise EvalmlError("stdin can be read only once", hint="write it to a file first")
        head, raw, delimiter = self._stdin
        self._stdin = None
        stream = _Replayed(head, raw).buffer
        read = pacsv.ReadOptions(block_size=int(min(max(batch_rows * 16, 1 << 20), 1 << 28)))
        convert = pacsv.ConvertOptions(include_columns=columns, column_types=types or {},
                                       decimal_point=self.decimal or ".")
        start = 0
        try:
            reader = pacsv.open_csv(pa.PythonFile(stream, mode="r"), read_options=read,
                                    parse_options=pacsv.ParseOptions(delimiter=delimiter), convert_options=convert)
            for rb in reader:
                if rb.num_rows:
                    yield start, pa.Table.from_batches([rb])
                    start += rb.num_rows
        except (pa.ArrowException, OSError, EOFError) as exc:
            raise EvalmlError(f"cannot read <stdin>: {io.first_line(exc)}",
                              hint="a column whose type changes between blocks? pass numbers only") from None

    def _open_dataset(self, path: str) -> None:
        import pyarrow.dataset as ds

        if os.path.isdir(path):
            files = sorted(str(p) for p in Path(path).rglob("*") if p.is_file() and not p.name.startswith((".", "_")))
            root = path
        else:
            files = sorted(f for f in _glob.glob(path, recursive=True) if os.path.isfile(f))
            root = _glob_root(path)
        if not files:
            if os.path.isdir(path):
                raise EvalmlError(f"{path} is a directory with no data files",
                                  hint="give a directory of Parquet or CSV parts, a glob, or a file")
            raise EvalmlError(f"no files match {path}", hint="check the glob pattern")
        kinds = set()
        for f in files:
            try:
                kinds.add(io._kind(f)[0])
            except EvalmlError:
                raise EvalmlError(f"{f} in {path}: unknown format", hint=io._FORMATS_HINT) from None
        if len(kinds) != 1 or not kinds <= {"parquet", "csv"}:
            raise EvalmlError(f"{path} mixes formats or holds files other than Parquet or CSV ({', '.join(sorted(kinds))})",
                              hint="put one format (Parquet or CSV) in a dataset directory")
        fmt = kinds.pop()
        try:
            self._dataset = ds.dataset(files, format=fmt, partitioning=ds.partitioning(flavor="hive"),
                                       partition_base_dir=root)
        except (pa.ArrowException, OSError) as exc:
            raise EvalmlError(f"cannot read {path} as a {fmt} dataset: {io.first_line(exc)}") from None
        self.kind = "dataset"
        self._format = fmt
        self.columns = list(self._dataset.schema.names)

    # -- sizes -------------------------------------------------------------------------------
    def estimate_bytes(self, columns: list[str]) -> int:
        """Bytes the in-memory path would need for ``columns``: Parquet from the metadata's
        uncompressed column sizes (× the working factor), CSV from the file size."""
        columns = set(columns)
        if self.kind == "parquet":
            return int(_parquet_bytes(self.path, columns) * WORK_FACTOR) + BASELINE
        if self.kind == "csv":
            size = os.path.getsize(self.path) * (8 if self._codec else 1)
            share = len(columns) / max(len(self.columns), 1)
            return int(size * CSV_FACTOR * max(share, 0.25) * WORK_FACTOR / 2) + BASELINE
        if self.kind == "dataset":
            total = 0
            for frag in self._dataset.get_fragments():
                if self._format == "parquet":
                    total += _parquet_bytes(frag.path, columns)
                else:
                    total += int(os.path.getsize(frag.path) * CSV_FACTOR)
            return int(total * WORK_FACTOR) + BASELINE
        return 0  # read whole anyway

    # -- reading -----------------------------------------------------------------------------
    def sample(self, rows: int = SAMPLE_ROWS) -> pa.Table:
        """The first rows, every column (for the plan)."""
        if self.kind == "stdin":
            return self._sample
        for _, table in self.batches(self.columns, rows):
            return table
        raise EvalmlError(f"{self.display} has no data rows", hint="expected a header row and data rows")

    def table_source(self):
        """A :class:`~evalml_cli.io.TableSource` over the whole input (the in-memory path)."""
        if self._whole is not None:
            return self._whole
        if self.kind == "dataset":
            return DatasetSource(self)
        return io.TableSource(self.path, sep=self.sep, decimal=self.decimal)

    def parts(self) -> list[Part]:
        """The files (dataset) or row groups (Parquet) as independent units of work."""
        if self.kind == "dataset":
            out, first = [], 0
            for frag in self._dataset.get_fragments():
                values = _partition_values(frag.partition_expression)
                if self._format == "parquet":
                    n = frag.metadata.num_rows
                    out.append(Part(frag.path, "parquet", values, first))
                    first += n
                else:
                    out.append(Part(frag.path, "csv", values, None))
            return out
        if self.kind == "parquet":
            return [Part(self.path, "parquet", (), 0)]
        if self.kind == "csv":
            return [Part(self.path, "csv", (), 0, self.delimiter, self.skip, self.decimal)]
        if self.kind == "whole" and self.path != "-":  # Arrow IPC, JSON Lines, ROOT, whitespace text: one part
            return [Part(self.path, "whole", (), 0, self.sep or "", 0, self.decimal)]
        return []

    def batches(self, columns: list[str], batch_rows: int, types: dict | None = None) -> Iterator[tuple[int, pa.Table]]:
        """``(first_row, table)`` of only ``columns``, in file order, about ``batch_rows`` rows each."""
        columns = list(dict.fromkeys(columns))
        if self.kind == "stdin":
            yield from self._stdin_batches(columns, batch_rows, types)
            return
        if self.kind == "whole":
            table = self._whole.read(columns)
            for start in range(0, table.num_rows, batch_rows):
                yield start, table.slice(start, batch_rows)
            return
        if self.kind == "dataset":
            first = 0
            for part in self.parts():
                rows = 0
                for start, t in read_part(part, columns, batch_rows, self.display, types=types):
                    yield first + start, t
                    rows = start + t.num_rows
                first += rows
            return
        part = self.parts()[0]
        yield from read_part(part, columns, batch_rows, self.display, types=types)


def _partition_values(expr) -> tuple[tuple[str, str], ...]:
    import pyarrow.dataset as ds

    if expr is None:
        return ()
    try:
        return tuple((k, str(v)) for k, v in ds.get_partition_keys(expr).items())
    except Exception:  # noqa: BLE001 - no partition keys
        return ()


def _parquet_bytes(path: str, columns: set[str]) -> int:
    import pyarrow.parquet as pq

    md = pq.ParquetFile(path).metadata
    total = 0
    for i in range(md.num_row_groups):
        rg = md.row_group(i)
        for j in range(rg.num_columns):
            c = rg.column(j)
            if c.path_in_schema in columns:
                # every needed column becomes float64 (or bool/int64 codes) in memory
                total += max(c.total_uncompressed_size, 8 * rg.num_rows)
    return total


def read_part(part: Part, columns: list[str], batch_rows: int, display: str, *, types: dict | None = None) -> Iterator[tuple[int, pa.Table]]:
    """Batches of one :class:`Part`: ``(first row within the part, table)``."""
    pvals = dict(part.partitions)
    file_cols = [c for c in columns if c not in pvals]
    try:
        if part.kind == "whole":
            table = io.TableSource(part.path, sep=part.delimiter or None, decimal=part.decimal).read(file_cols)
            for start in range(0, table.num_rows, batch_rows):
                yield start, table.slice(start, batch_rows)
            return
        if part.kind == "parquet":
            import pyarrow.parquet as pq

            pf = pq.ParquetFile(part.path, pre_buffer=False, buffer_size=1 << 20)  # no read-ahead of the whole file
            start = 0
            for rb in pf.iter_batches(batch_size=batch_rows, columns=file_cols, use_threads=True):
                t = pa.Table.from_batches([rb])
                yield start, _with_partitions(t, columns, pvals)
                start += t.num_rows
            return
        import pyarrow.csv as pacsv

        _, _, codec = io._kind(part.path)
        block = int(min(max(batch_rows * 16, 1 << 20), 1 << 28))
        read = pacsv.ReadOptions(skip_rows=part.skip, block_size=block)
        parse = pacsv.ParseOptions(delimiter=part.delimiter)
        convert = pacsv.ConvertOptions(include_columns=file_cols, column_types=types or {},
                                       decimal_point=part.decimal or ".")
        start = 0
        with pa.input_stream(part.path, compression=codec) as fh:
            reader = pacsv.open_csv(fh, read_options=read, parse_options=parse, convert_options=convert)
            for rb in reader:
                if rb.num_rows == 0:
                    continue
                t = pa.Table.from_batches([rb])
                yield start, _with_partitions(t, columns, pvals)
                start += t.num_rows
    except EvalmlError:
        raise
    except (pa.ArrowException, OSError, EOFError) as exc:
        raise EvalmlError(f"cannot read {display} ({part.path}): {io.first_line(exc)}",
                          hint="a column whose type changes between blocks? pass numbers only") from None


def _with_partitions(t: pa.Table, columns: list[str], pvals: dict[str, str]) -> pa.Table:
    if not pvals:
        return t
    for c in columns:
        if c in pvals:
            t = t.append_column(c, pa.array([pvals[c]] * t.num_rows, pa.string()))
    return t.select(columns)


class DatasetSource(io.TableSource):
    """A dataset (directory or glob) as a :class:`~evalml_cli.io.TableSource` for the in-memory
    path: partition columns are ordinary columns, only the needed columns are read."""

    def __init__(self, src: BatchSource) -> None:  # noqa: D107 - the dataset is already open
        self.path = src.path
        self.display = src.display
        self.kind = "dataset"
        self.delimiter = ""
        self._buffer = None
        self._table = None
        self._batched = src
        self.columns = list(src.columns)

    def read(self, columns: list[str], types: dict | None = None) -> pa.Table:
        parts = [t for _, t in self._batched.batches(list(dict.fromkeys(columns)), 1 << 22)]
        if not parts or sum(t.num_rows for t in parts) == 0:
            raise EvalmlError(f"{self.display} has no data rows", hint="expected a header row and data rows")
        return pa.concat_tables(parts)


# --------------------------------------------------------------------------------------------
# Plans and validated batches
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What every batch must agree on. ``options`` are the reader keyword arguments that make a
    batch read exactly like the plan (resolved column names, task, classes)."""

    task: str  # binary, multiclass, regression, density
    columns: tuple[str, ...]
    options: dict[str, Any]
    display: str
    meta: Any = None  # the sample's typed data (names, notes) for the report
    labels: tuple[str, ...] = ()  # binary: label texts seen so far
    classes: tuple[str, ...] = ()  # multiclass: the classes (from score columns or a first pass)
    types: dict = field(default_factory=dict)


def _memory(table: pa.Table, display: str):
    from evalml_cli.io.memory import MemorySource

    src = MemorySource(table, display)
    return src


def plan_classification(src: BatchSource, *, target=None, score=None, weight=None, pos_label=None, drop_invalid=False,
                        pred=None, task=None, classes=None, batch_rows: int = 1 << 20) -> Plan:
    """Resolve columns, task, positive class and classes from the schema and a first look."""
    sample = src.sample()
    data = io.read_classification(_memory(sample, src.display), target=target, score=score, weight=weight,
                                  pos_label=pos_label, drop_invalid=drop_invalid, pred=pred, task=task,
                                  classes=classes)
    if isinstance(data, io.BinaryData):
        cols = tuple(c for c in (data.target, data.score_name, data.weight_name) if c)
        opts = dict(target=data.target, score=data.score_name, weight=data.weight_name, pos_label=pos_label,
                    drop_invalid=drop_invalid, task="binary")
        labels = tuple(_label_texts(sample.column(data.target)))
        return Plan("binary", cols, opts, src.display, data, labels, types=_types(sample, cols, data.target))
    cols = tuple(c for c in (data.target, *data.score_names, data.pred_name, data.weight_name) if c)
    opts = dict(target=data.target, weight=data.weight_name, drop_invalid=drop_invalid, task="multiclass")
    if data.score_names:
        opts["score"] = ",".join(data.score_names)
        opts["classes"] = ",".join(f"{c}={s}" for c, s in zip(data.classes, data.score_names))
        if data.pred_name:
            opts["pred"] = data.pred_name
        class_list = tuple(data.classes)
    else:
        opts["pred"] = data.pred_name
        if src.kind == "stdin":
            raise EvalmlError("multiclass labels without score columns need two passes over the data; "
                              "stdin can be read once", hint="write stdin to a file, or give --score columns")
        texts: set[str] = set()
        for _, t in src.batches([data.target, data.pred_name], batch_rows):  # the first pass
            for c in (data.target, data.pred_name):
                texts.update(_label_texts(t.column(c)))
        texts.discard("")
        class_list = tuple(sorted(texts, key=io._label_sort_key))
    return Plan("multiclass", cols, opts, src.display, data, classes=class_list,
                types=_types(sample, cols, data.target, data.pred_name))


def _types(sample: pa.Table, cols, *labels) -> dict:
    """CSV column types fixed from the first look, so that every block parses alike: numbers
    as float64, labels as their first type (integers stay integers, text stays text)."""
    out = {}
    for c in cols:
        typ = sample.column(c).type
        if c in labels:
            if pa.types.is_integer(typ) or pa.types.is_boolean(typ) or pa.types.is_string(typ):
                out[c] = typ
            elif pa.types.is_null(typ):
                out[c] = pa.string()
        elif pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_null(typ):
            out[c] = pa.float64()
    return out


def _label_texts(col) -> list[str]:
    import pyarrow.compute as pc

    values = pc.unique(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col)
    return [io.label_text(v) for v in values.to_pylist() if v is not None and not (isinstance(v, float) and v != v)]


def check_binary_labels(plan: Plan, table: pa.Table, first_row: int) -> Plan:
    """A label first seen in this batch that makes more than two: an error naming its row."""
    texts = _label_texts(table.column(plan.options["target"]))
    new = [t for t in texts if t not in plan.labels]
    if not new:
        return plan
    labels = plan.labels + tuple(new)
    if len(labels) > 2 and plan.options.get("pos_label") is None:
        values = [io.label_text(v) for v in table.column(plan.options["target"]).to_pylist()]
        row = next(i for i, v in enumerate(values) if v == new[0])
        shown = ", ".join(labels[:10])
        raise EvalmlError(
            f"target column {plan.options['target']!r} in {plan.display}: label {new[0]!r} first appears at data "
            f"row {first_row + row + 1}, making {len(labels)} distinct values ({shown}); binary classification needs two",
            hint="check --target, evaluate it as multiclass (--task multiclass), or pass --pos-label CLASS",
        )
    return replace(plan, labels=labels)


def validate(plan: Plan, table: pa.Table, first_row: int):
    """One batch → the typed data of the plan's task, messages naming file rows."""
    token = io.ROW_OFFSET.set(first_row)
    try:
        src = _memory(table, plan.display)
        if plan.task in ("binary", "multiclass"):
            data = io.read_classification(src, **plan.options)
            if plan.task == "multiclass" and not plan.options.get("score"):
                data = _remap(data, plan.classes)
            return data
        if plan.task == "regression":
            from evalml_cli.io.regression import read_regression

            return read_regression(src, **plan.options)
        from evalml_cli.io.regression import read_density

        return read_density(src, **plan.options)
    finally:
        io.ROW_OFFSET.reset(token)


def _remap(data: io.MulticlassData, classes: tuple[str, ...]) -> io.MulticlassData:
    """Codes into the batch's own classes → codes into the plan's (first-pass) classes."""
    index = {c: i for i, c in enumerate(classes)}
    lut = np.array([index[c] for c in data.classes], np.int64)
    return replace(data, y=lut[data.y], pred=lut[data.pred] if data.pred is not None else None,
                   classes=list(classes))


def plan_regression(src: BatchSource, *, target=None, pred=None, weight=None, sigma=None, drop_invalid=False) -> Plan:
    from evalml_cli.io.regression import read_regression

    data = read_regression(_memory(src.sample(), src.display), target=target, pred=pred, weight=weight, sigma=sigma,
                           drop_invalid=drop_invalid)
    cols = tuple(c for c in (data.target, *data.pred_names, data.weight_name, data.sigma_name) if c)
    opts = dict(target=data.target, pred=",".join(data.pred_names), weight=data.weight_name, sigma=data.sigma_name,
                drop_invalid=drop_invalid)
    sample = src.sample()
    return Plan("regression", cols, opts, src.display, data, types=_types(sample, cols))


def plan_density(src: BatchSource, *, likelihood=None, weight=None, drop_invalid=False) -> Plan:
    from evalml_cli.io.regression import read_density

    sample = src.sample()
    data = read_density(_memory(sample, src.display), likelihood=likelihood, weight=weight, drop_invalid=drop_invalid)
    cols = tuple(c for c in (data.columns["likelihood"], data.columns["weight"]) if c)
    opts = dict(likelihood=data.columns["likelihood"], weight=data.columns["weight"], drop_invalid=drop_invalid)
    return Plan("density", cols, opts, src.display, data, types=_types(sample, cols))


class _Replayed:
    """``sys.stdin`` with the bytes already read (``head``) put back in front of the pipe."""

    def __init__(self, head: bytes, raw) -> None:
        import io as _pyio

        class _Raw(_pyio.RawIOBase):
            def __init__(self) -> None:
                self.view, self.pos = memoryview(head), 0

            def readable(self) -> bool:
                return True

            def readinto(self, b) -> int:
                if self.pos < len(self.view):
                    n = min(len(b), len(self.view) - self.pos)
                    b[:n] = self.view[self.pos:self.pos + n]
                    self.pos += n
                    return n
                data = raw.read1(len(b)) if hasattr(raw, "read1") else raw.read(len(b))
                b[:len(data)] = data
                return len(data)

        self.buffer = _pyio.BufferedReader(_Raw(), buffer_size=1 << 20)

    def isatty(self) -> bool:
        return False
