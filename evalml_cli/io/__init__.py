"""Reading prediction files and turning them into validated NumPy arrays.

Everything the user can get wrong about a file — missing, empty, unknown column, text in a
numeric column, NaN/inf, labels — becomes an :class:`EvalmlError` here, so the kernels can
trust their input. Only the needed columns are read, through pyarrow.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from evalml_cli.errors import EvalmlError

TARGET_CANDIDATES = ("y_true", "target", "label", "y", "truth")
SCORE_CANDIDATES = (
    "y_score", "score", "prob", "proba", "probability", "y_prob",
    "y_pred", "pred", "prediction", "output",
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Sources

_CSV_SUFFIXES = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": None, ".dat": None}  # None: sniff , \t or spaces
_PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}
_ARROW_SUFFIXES = {".arrow", ".feather", ".ipc", ".arrows"}
_JSON_SUFFIXES = {".jsonl", ".ndjson"}
_COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd"}
_FORMATS_HINT = "use .csv, .tsv, .txt/.dat, .parquet, .arrow/.feather, .jsonl (optionally .gz/.bz2/.zst) or file.root:tree"

#: Largest number of classes a multiclass file may have: the K×K confusion matrix and the
#: one-vs-one AUCs grow with K² (10,000 classes: an 800 MB matrix).
MAX_CLASSES = 10_000
#: Largest CSV block (pyarrow parses in blocks; one field may not straddle two blocks).
MAX_BLOCK_SIZE = 1 << 30
WHITESPACE = " "  # --sep ' ': fields separated by runs of spaces/tabs


def _strip_compression(name: str) -> tuple[str, str | None]:
    for suffix, codec in _COMPRESSIONS.items():
        if name.endswith(suffix):
            return name[: -len(suffix)], codec
    return name, None


def _kind(path: str) -> tuple[str, str | None, str | None]:
    """(kind, delimiter, compression) from the file name. kind: csv, parquet, arrow, json."""
    name, codec = _strip_compression(path.lower())
    suffix = Path(name).suffix
    if suffix in _PARQUET_SUFFIXES:
        return "parquet", None, codec
    if suffix in _ARROW_SUFFIXES:
        return "arrow", None, codec
    if suffix in _JSON_SUFFIXES:
        return "json", None, codec
    if suffix in _CSV_SUFFIXES:
        return "csv", _CSV_SUFFIXES[suffix], codec
    if suffix == ".root":
        raise EvalmlError(f"{path} is a ROOT file: name the tree as {path}:TREE", hint="e.g. events.root:Events")
    raise EvalmlError(
        f"cannot tell the format of {path!r} from its extension {suffix or '(none)'!r}", hint=_FORMATS_HINT
    )


def _sniff_magic(head: bytes) -> tuple[str, str | None]:
    """(kind, compression) of a stream from its first bytes: gzip/bz2/zstd, Parquet, Arrow IPC, else CSV."""
    if head[:2] == b"\x1f\x8b":
        return "", "gzip"
    if head[:3] == b"BZh":
        return "", "bz2"
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "", "zstd"
    if head[:4] == b"PAR1":
        return "parquet", None
    if head[:6] == b"ARROW1" or head[:4] == b"\xff\xff\xff\xff":
        return "arrow", None
    return "csv", None


def max_decompressed(compressed_size: int) -> int:
    """The most bytes a compressed input may expand to.

    ``EVALML_MAX_DECOMPRESSED`` (bytes) when set; otherwise 100× the compressed size plus
    64 MiB (real CSV compresses 3–10×; a decompression bomb 1000×), at most 8 GiB and half
    the available memory.
    """
    env = os.environ.get("EVALML_MAX_DECOMPRESSED")
    if env:
        try:
            return int(float(env))
        except ValueError:
            raise EvalmlError(f"EVALML_MAX_DECOMPRESSED must be a number of bytes, got {env!r}") from None
    limit = min(100 * compressed_size + (64 << 20), 8 << 30)
    try:
        limit = min(limit, os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2)
    except (ValueError, OSError, AttributeError):
        pass
    return max(limit, 1 << 20)


def _decompress(raw, codec: str, compressed_size: int, display: str) -> pa.Buffer:
    """Stream-decompress ``raw`` (a pyarrow input stream) in 1 MiB chunks, stopping at the limit."""
    limit = max_decompressed(compressed_size)
    out = bytearray()
    try:
        stream = pa.CompressedInputStream(raw, codec)
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            out += chunk
            if len(out) > limit:
                raise EvalmlError(
                    f"{display} decompresses to more than {limit:,} bytes from {compressed_size:,} "
                    "(a decompression bomb?)",
                    hint="set EVALML_MAX_DECOMPRESSED=BYTES to allow more",
                )
    except (pa.ArrowException, OSError, EOFError, ValueError) as exc:
        raise EvalmlError(f"{display} is a truncated or corrupt {codec} stream: {first_line(exc)}") from None
    return pa.py_buffer(out)


def _split_root(path: str) -> tuple[str, str | None] | None:
    """``events.root:tree`` → (``events.root``, ``tree``); ``events.root`` → (…, None); else None."""
    low = path.lower()
    at = low.rfind(".root:")
    if at >= 0:
        return path[: at + 5], path[at + 6 :] or None
    if low.endswith(".root"):
        return path, None
    return None


class TableSource:
    """A table file or stdin whose column names are known before any data is read.

    Formats: CSV/TSV/whitespace text, Parquet, Arrow IPC/Feather, JSON Lines (each optionally
    gzip/bz2/zstd-compressed), ROOT TTrees (``file.root:tree``, needs uproot); ``-`` is stdin,
    whose format is told by its first bytes. A FIFO is read as a stream.
    """

    def __init__(self, path: str, sep: str | None = None, decimal: str | None = None) -> None:
        self.path = path
        self.display = "<stdin>" if path == "-" else path
        self.decimal = decimal
        self._buffer: pa.Buffer | None = None
        self._table: pa.Table | None = None  # formats read whole (JSON, ROOT)
        self._skip = 0
        self._tree = None
        codec = None
        root = _split_root(path) if path != "-" else None
        if path == "-":
            if sys.stdin is None or sys.stdin.isatty():
                raise EvalmlError("no data on stdin", hint="pipe a file in, e.g. 'cat preds.csv | evalml classify -'")
            self._buffer, self.kind = self._read_stream(sys.stdin.buffer, "<stdin>")
            self.delimiter = ","
        else:
            file = root[0] if root else path
            p = Path(file)
            if not p.exists():
                raise EvalmlError(f"file not found: {file}", hint="check the path")
            if p.is_dir():
                raise EvalmlError(f"{file} is a directory, not a file", hint="give a file inside it")
            regular = p.is_file()
            if regular and p.stat().st_size == 0:
                raise EvalmlError(f"{file} is empty", hint="expected a header row and data rows")
            if root:
                self.kind, self.delimiter = "root", None
                self._open_root(root[0], root[1])
            elif regular:
                self.kind, self.delimiter, codec = _kind(path)
                if codec is not None:
                    with pa.OSFile(path) as raw:
                        self._buffer = _decompress(raw, codec, p.stat().st_size, path)
            else:  # a FIFO or character device: read it as a stream, like stdin
                with open(path, "rb") as fh:
                    self._buffer, self.kind = self._read_stream(fh, path)
                self.delimiter = _CSV_SUFFIXES.get(Path(_strip_compression(path.lower())[0]).suffix, ",")
        if self._buffer is not None and len(self._buffer) == 0 or (
            self.kind == "csv" and self._buffer is not None and not bytes(self._buffer[:4096]).strip()
        ):
            raise EvalmlError(f"{self.display} is empty", hint="expected a header row and data rows")
        if self.kind == "csv":
            self._prepare_csv(sep)
        elif sep is not None or decimal is not None:
            raise EvalmlError("--sep and --decimal apply to CSV/text input only")
        self.columns: list[str] = self._read_names()

    def _read_stream(self, fh, display: str) -> tuple[pa.Buffer, str]:
        data = fh.read()
        kind, codec = _sniff_magic(data[:8])
        if codec is not None:
            buf = _decompress(pa.BufferReader(data), codec, len(data), display)
            kind = _sniff_magic(bytes(buf[:8]))[0] or "csv"
            return buf, kind
        return pa.py_buffer(data), kind

    # -- CSV helpers -------------------------------------------------------------------------
    def _head(self, n: int = 1 << 16) -> bytes:
        if self._buffer is not None:
            return bytes(self._buffer[:n])
        with open(self.path, "rb") as fh:
            return fh.read(n)

    def _all_bytes(self) -> bytes:
        if self._buffer is not None:
            return self._buffer.to_pybytes()
        with open(self.path, "rb") as fh:
            return fh.read()

    def _prepare_csv(self, sep: str | None) -> None:
        """Delimiter (given, by extension, or sniffed), leading '#' lines, a UTF-8 header."""
        head = self._head()
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        lines = head.split(b"\n")
        skip = 0
        while skip < len(lines) - 1 and lines[skip].lstrip().startswith(b"#"):
            skip += 1
        self._skip = skip
        header = lines[skip] if skip < len(lines) else b""
        try:
            header.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EvalmlError(
                f"the header of {self.display} is not valid UTF-8 (byte 0x{header[exc.start]:02x} at column {exc.start + 1})",
                hint="re-encode the file as UTF-8, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8.csv",
            ) from None
        if sep is not None:
            sep = {"\\t": "\t", "tab": "\t", "space": WHITESPACE, "whitespace": WHITESPACE}.get(sep, sep)
            if len(sep) != 1 or sep in "\n\r\"":
                raise EvalmlError(f"--sep must be one character, got {sep!r}", hint="e.g. --sep ';' or --sep '\\t'")
            self.delimiter = sep
        elif self.delimiter is None:  # .txt/.dat: comma, tab, or runs of whitespace
            self.delimiter = "," if b"," in header else "\t" if b"\t" in header else WHITESPACE
        if self.decimal is not None and (len(self.decimal) != 1 or self.decimal == self.delimiter):
            raise EvalmlError(f"--decimal must be one character other than the separator, got {self.decimal!r}")
        if self.delimiter == WHITESPACE:
            import re

            data = self._all_bytes()
            data = re.sub(rb"(?m)^[ \t]+|[ \t]+(?=\r?$)", b"", data)
            self._buffer = pa.py_buffer(re.sub(rb"[ \t]+", b"\t", data))
            self.delimiter = "\t"

    def _csv_input(self):
        if self._buffer is not None:
            return pa.BufferReader(self._buffer)
        return self.path

    def _csv_read(self, include: list[str] | None = None, types: dict | None = None, names_only: bool = False):
        """pyarrow's CSV reader with our options; a field larger than a block gets a larger block."""
        import pyarrow.csv as pacsv

        bad_rows: list[str] = []

        def on_invalid(row) -> str:
            if row.text.lstrip().startswith("#"):
                return "skip"
            bad_rows.append(row.text)
            return "error"

        parse = pacsv.ParseOptions(delimiter=self.delimiter, invalid_row_handler=on_invalid)
        convert = pacsv.ConvertOptions(include_columns=include or [], column_types=types or {},
                                       decimal_point=self.decimal or ".")
        block = 1 << 20
        while True:
            read = pacsv.ReadOptions(skip_rows=self._skip, block_size=block)
            try:
                if names_only:
                    with pacsv.open_csv(self._csv_input(), read_options=read, parse_options=parse,
                                        convert_options=convert) as reader:
                        return list(reader.schema.names)
                return pacsv.read_csv(self._csv_input(), read_options=read, parse_options=parse,
                                      convert_options=convert)
            except pa.ArrowInvalid as exc:
                if "straddl" in str(exc) and block < MAX_BLOCK_SIZE:
                    block *= 16
                    continue
                if bad_rows:
                    raise self._parse_error(exc, bad_rows[0]) from None
                raise

    def _parse_error(self, exc: BaseException, text: str) -> EvalmlError:
        """'line N: expected 2 columns, got 3' with a hint for European CSV."""
        data = self._all_bytes()
        raw = text.encode("utf-8", "surrogateescape")
        at = data.find(b"\n" + raw)
        line = data.count(b"\n", 0, at + 1) + 1 if at >= 0 else None
        message = first_line(exc).removeprefix("CSV parse error: ")
        where = f"line {line}" if line else "a line"
        hint = None
        if "Expected 1 columns" in message or (self.delimiter == "," and b";" in data[:4096]):
            hint = "a European CSV? try --sep ';' --decimal ','"
        return EvalmlError(f"cannot read {self.display}: {where}: {message}", hint=hint)

    # -- other formats -----------------------------------------------------------------------
    def _source(self):
        if self._buffer is not None:
            return pa.BufferReader(self._buffer)
        return pa.memory_map(self.path) if self.kind == "arrow" else self.path

    def _arrow_reader(self):
        try:
            return pa.ipc.open_file(self._source())
        except pa.ArrowInvalid:
            return pa.ipc.open_stream(self._source())

    def _open_root(self, file: str, tree: str | None) -> None:
        try:
            import uproot
        except ImportError:
            raise EvalmlError(
                "reading ROOT files needs uproot, which is not installed",
                hint="pip install 'evalml-cli[root]'",
            ) from None
        try:
            f = uproot.open(file)
            trees = [k for k in f.keys(cycle=False) if f.classname_of(k).startswith("TTree")]
            if tree is None:
                if len(trees) != 1:
                    raise EvalmlError(f"{file} holds {len(trees)} trees: name one as {file}:TREE",
                                      hint=f"trees: {', '.join(trees) or '(none)'}")
                tree = trees[0]
            if tree not in f:
                raise EvalmlError(f"{file} has no tree {tree!r}", hint=f"trees: {', '.join(trees) or '(none)'}")
            self._tree = f[tree]
        except EvalmlError:
            raise
        except Exception as exc:  # noqa: BLE001 - uproot raises many types for a bad file
            raise EvalmlError(f"cannot read {file} as ROOT: {first_line(exc)}") from None

    def _read_root(self, columns: list[str]) -> pa.Table:
        arrays = self._tree.arrays(columns, library="np")
        out = {}
        for name in columns:
            values = np.asarray(arrays[name])
            if values.dtype == object or values.ndim != 1:
                raise EvalmlError(f"branch {name!r} of {self.display} holds arrays per entry, expected one number",
                                  hint="flatten it into one value per entry")
            out[name] = pa.array(values)
        return pa.table(out)

    def _read_names(self) -> list[str]:
        try:
            if self.kind == "parquet":
                import pyarrow.parquet as pq

                return list(pq.ParquetFile(self._source()).schema_arrow.names)
            if self.kind == "arrow":
                return list(self._arrow_reader().schema.names)
            if self.kind == "json":
                import pyarrow.json as pajson

                self._table = pajson.read_json(self._source())
                return list(self._table.column_names)
            if self.kind == "root":
                return [str(k) for k in self._tree.keys()]
            return self._csv_read(names_only=True)
        except EvalmlError:
            raise
        except (pa.ArrowException, OSError, EOFError) as exc:
            raise EvalmlError(f"cannot read {self.display} as {self.kind.upper()}: {first_line(exc)}") from None

    def read(self, columns: list[str], types: dict | None = None) -> pa.Table:
        """Read only ``columns`` (already resolved against :attr:`columns`); ``types`` forces CSV column types."""
        columns = list(dict.fromkeys(columns))
        try:
            if self.kind == "parquet":
                import pyarrow.parquet as pq

                # ParquetFile.read, not pq.read_table: the latter goes through pyarrow.dataset,
                # which imports pandas (+0.4 s start-up). No pre-buffering: it holds the whole
                # column chunks' compressed bytes beside the decoded ones (+60 MB peak at 10M
                # rows, and pages the allocator keeps), for no gain on a local file.
                with pq.ParquetFile(self._source(), pre_buffer=False) as pf:
                    table = pf.read(columns=columns)
            elif self.kind == "arrow":
                table = self._arrow_reader().read_all().select(columns)
            elif self.kind == "json":
                table = self._table.select(columns)
            elif self.kind == "root":
                table = self._read_root(columns)
            else:
                table = self._csv_read(columns, types)
        except EvalmlError:
            raise
        except (pa.ArrowException, OSError, EOFError) as exc:
            raise EvalmlError(f"cannot read {self.display}: {first_line(exc)}") from None
        # Arrow's allocator keeps the pages of the reader's scratch buffers (decompressed pages,
        # CSV blocks: ~2× the columns read); hand them back before the arrays are computed,
        # or they count in the peak memory of the whole run.
        pa.default_memory_pool().release_unused()
        if table.num_rows == 0:
            raise EvalmlError(f"{self.display} has no data rows", hint="expected a header row and data rows")
        return table

    # -- Columns -----------------------------------------------------------------------------
    def _unknown(self, name: str, option: str) -> EvalmlError:
        import difflib

        close = difflib.get_close_matches(name, self.columns, n=1, cutoff=0.5)
        if not close:
            lowered = {c.lower(): c for c in self.columns}
            close = [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)]
        did = f"did you mean {close[0]!r}? " if close else ""
        return EvalmlError(
            f"{option} {name!r}: no such column in {self.display}",
            hint=f"{did}available columns: {', '.join(self.columns)}",
        )

    def _exact(self, given: str, option: str) -> str | None:
        """The column named ``given``: exactly, then with surrounding spaces ignored, then also
        ignoring case. None when nothing matches; an error when several do."""
        if given in self.columns:
            return self._unique(given, option)
        for key in (lambda c: c.strip(), lambda c: c.strip().lower()):
            hits = [c for c in self.columns if key(c) == key(given)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise EvalmlError(
                    f"{option} {given!r} matches several columns when case and spaces are ignored: "
                    f"{', '.join(repr(h) for h in hits)}",
                    hint="give the exact name",
                )
        return None

    def column(self, given: str | None, candidates: tuple[str, ...], role: str, option: str) -> tuple[str, bool]:
        """Resolve one column: the name given (exact, then ignoring spaces, then case) or detected.

        Returns (column name, detected?).
        """
        if given is not None:
            hit = self._exact(given, option)
            if hit is None:
                raise self._unknown(given, option)
            return hit, False
        lowered = {}
        for c in self.columns:
            lowered.setdefault(c.strip().lower(), c)
        for cand in candidates:
            if cand in lowered:
                return self._unique(lowered[cand], option), True
        raise EvalmlError(
            f"cannot find the {role} column in {self.display}",
            hint=f"pass {option} COLUMN; looked for {', '.join(candidates)}; available: {', '.join(self.columns)}",
        )

    def _unique(self, name: str, option: str) -> str:
        count = self.columns.count(name)
        if count > 1:
            raise EvalmlError(
                f"{option} {name!r}: {self.display} has {count} columns with that name",
                hint="rename the duplicates so each column name is unique",
            )
        return name

    def columns_matching(self, spec: str, option: str) -> list[str]:
        """Expand a comma list of names and globs (``p_*``, ``rep_*``) in file order.

        A column named exactly like the whole spec or a part wins over any glob reading of it
        (``p[1]`` is the column ``p[1]`` when there is one).
        """
        import fnmatch

        if spec in self.columns:
            return [self._unique(spec, option)]
        out: list[str] = []
        for part in spec.split(","):
            if not part.strip():
                continue
            hit = self._exact(part, option)
            if hit is not None:
                out.append(hit)
            elif any(ch in part for ch in "*?["):
                pattern = part.strip()
                hits = [self._unique(c, option) for c in self.columns if fnmatch.fnmatchcase(c.strip(), pattern)]
                if not hits:
                    raise EvalmlError(
                        f"{option} {pattern!r} matches no column in {self.display}",
                        hint=f"available columns: {', '.join(self.columns)}",
                    )
                out.extend(hits)
            else:
                raise self._unknown(part.strip(), option)
        if not out:
            raise EvalmlError(f"{option} is empty", hint="give a column name, a comma list or a glob like 'p_*'")
        return list(dict.fromkeys(out))


def first_line(exc: BaseException, limit: int = 200) -> str:
    """A library's error message cut to one printable line of at most ``limit`` characters
    (without numpy's `usecols` advice); control and binary characters are shown escaped."""
    text = str(exc).strip().splitlines()
    line = text[0].split("; use `usecols`")[0] if text else type(exc).__name__
    line = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line[: limit * 2])
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Column conversion


#: Rows before the table being validated (set by evalml_cli.io.batches for a batch of a larger file).
ROW_OFFSET = __import__("contextvars").ContextVar("evalml_row_offset", default=0)


def _row_list(mask: np.ndarray, limit: int = 5, rows: np.ndarray | None = None) -> str:
    """'2, 5, 9, …': the 1-based data rows where ``mask`` holds (``rows`` maps kept → file rows)."""
    hits = np.flatnonzero(mask)[:limit]
    rows = hits + 1 + ROW_OFFSET.get() if rows is None else rows[hits]
    more = ", …" if int(mask.sum()) > limit else ""
    return ", ".join(str(r) for r in rows) + more


_NUMPY_TYPES = {
    pa.int8(): np.int8, pa.int16(): np.int16, pa.int32(): np.int32, pa.int64(): np.int64,
    pa.uint8(): np.uint8, pa.uint16(): np.uint16, pa.uint32(): np.uint32, pa.uint64(): np.uint64,
    pa.float32(): np.float32, pa.float64(): np.float64,
}


def _chunk_to_numpy(ch: pa.Array, dtype, fill) -> np.ndarray:
    """One Arrow chunk → NumPy ``dtype`` with nulls set to ``fill``, straight from its buffers."""
    n, off = len(ch), ch.offset
    validity, data = ch.buffers()[0], ch.buffers()[1]
    if pa.types.is_boolean(ch.type):
        bits = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")[off : off + n]
        out = bits.astype(dtype)
    else:
        src = _NUMPY_TYPES[ch.type]
        out = np.frombuffer(data, dtype=src, count=n + off)[off:].astype(dtype, copy=False)
    if ch.null_count:
        valid = np.unpackbits(np.frombuffer(validity, np.uint8), bitorder="little")[off : off + n].astype(bool)
        out = np.where(valid, out, np.asarray(fill, dtype=dtype))
    return out


def to_numpy(col: pa.ChunkedArray, dtype=np.float64, fill=np.nan) -> np.ndarray:
    """A numeric or boolean Arrow column as a NumPy array, nulls replaced by ``fill``.

    Reads the Arrow buffers directly: ``ChunkedArray.to_numpy`` imports pandas and ``cast``
    imports pyarrow.compute, together a quarter of a second of start-up in every pipeline step.
    """
    if not (pa.types.is_boolean(col.type) or col.type in _NUMPY_TYPES):
        col = col.cast(pa.float64() if dtype == np.float64 else pa.int64())
    parts = [_chunk_to_numpy(ch, dtype, fill) for ch in col.chunks if len(ch)]
    if not parts:
        return np.empty(0, dtype)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _nested_type_error(name: str, display: str, typ, expected: str) -> EvalmlError:
    return EvalmlError(f"column {name!r} in {display} has type {typ}, expected {expected}",
                       hint="choose a column with one value per row")


def _is_nested(typ) -> bool:
    return pa.types.is_nested(typ) or pa.types.is_dictionary(typ) and pa.types.is_nested(typ.value_type)


#: The numbers pyarrow's string → float64 cast accepts (checked against pyarrow 14–26):
#: no '_' separators, no non-ASCII digits, no surrounding spaces; inf/nan in any case.
_ARROW_NUMBER = r"^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))$"


def numeric_column(table: pa.Table, name: str, display: str) -> np.ndarray:
    """The column as float64 (nulls → NaN). Text that is not a number → EvalmlError.

    A text cell is a number exactly when pyarrow's cast accepts it, so ``1_0``, Arabic-Indic
    digits and a trailing no-break space are reported (with their rows), as Arrow rejects them.
    """
    col = table.column(name)
    typ = col.type
    if pa.types.is_dictionary(typ):
        col = col.cast(typ.value_type)
        typ = col.type
    if pa.types.is_boolean(typ) or pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        return to_numpy(col)
    if pa.types.is_null(typ):
        return np.full(len(col), np.nan)
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        import pyarrow.compute as pc

        try:
            return to_numpy(pc.cast(col, pa.float64()))
        except pa.ArrowException:
            pass
        ok = pc.match_substring_regex(col, _ARROW_NUMBER)
        bad = ~to_numpy(pc.fill_null(ok, True), np.bool_)
        if not bad.any():
            raise EvalmlError(f"column {name!r} in {display} must be numeric but cannot be converted to numbers")
        first = int(np.argmax(bad))
        raise EvalmlError(
            f"column {name!r} in {display} must be numeric but has {int(bad.sum())} non-numeric value(s), "
            f"first {col[first].as_py()!r} at data row {first + 1 + ROW_OFFSET.get()} (data rows {_row_list(bad)})",
            hint="fix the file or choose another column; numbers use '.' and ASCII digits without separators",
        )
    raise _nested_type_error(name, display, typ, "numbers")


def encode_labels(table: pa.Table, name: str, warnings: list[str] | None = None,
                  display: str = "") -> tuple[np.ndarray, list]:
    """Sorted distinct labels and integer codes into them; -1 marks a missing/NaN label.

    The codes are int64, except for a two-valued integer or boolean column without nulls,
    whose 0/1 codes keep the column's own integer type (no 8-byte copy of a 1-byte target).

    Works for integers, floats, booleans and strings via pyarrow's dictionary encoding, so no
    Python loop touches the rows. Text labels that spell the same number or boolean
    (``1``, ``1.0``, ``true``, ``TRUE``) become one class, with a warning appended to
    ``warnings``; unsigned 64-bit labels keep their value.
    """
    col = table.column(name)
    if _is_nested(col.type):
        raise _nested_type_error(name, display or "the file", col.type, "labels (numbers, text or booleans)")
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    if col.type == pa.uint64() and len(col) and col.null_count == 0:
        values = to_numpy(col, np.uint64, 0)
        if int(values.max()) > np.iinfo(np.int64).max:
            uniq, inv = np.unique(values, return_inverse=True)
            return inv.reshape(-1).astype(np.int64), [int(v) for v in uniq.tolist()]
    is_bool = pa.types.is_boolean(col.type)
    if (is_bool or pa.types.is_integer(col.type)) and col.null_count == 0 and len(col):
        # Integer labels without nulls (the common 0/1 file): no NaN possible, no float copy.
        # min/max on the column's own type (a view of the Arrow buffer for one chunk), so that
        # the common two-valued target (0/1, True/False) takes one int64 conversion and no bincount.
        raw = to_numpy(col, np.uint8 if is_bool else _NUMPY_TYPES[col.type])
        lo, hi = int(raw.min()), int(raw.max())
        if hi - lo <= 1:  # both extremes are present: codes are the offsets from the minimum
            # In the column's own integer type (a 0/1 int8 target stays 1 byte a row, often a
            # view of the Arrow buffer): codes 0 and 1 fit any type, -1 is never needed here.
            codes = raw if lo == 0 else raw - raw.dtype.type(lo)
            uniq = list(range(lo, hi + 1))
            return codes, [bool(v) for v in uniq] if is_bool else uniq
        offsets = raw.astype(np.int64)
        del raw
        if hi - lo < 1_000_000:
            if lo != 0:
                offsets = offsets - lo
            present = np.bincount(offsets, minlength=1) > 0
            remap = np.cumsum(present) - 1
            codes = offsets if (present.all() and lo == 0) else remap[offsets]
            uniq = (np.flatnonzero(present) + lo).tolist()
            return codes, [bool(v) for v in uniq] if is_bool else uniq
    if is_bool or pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
        values = to_numpy(col)
        finite = np.isfinite(values)
        lo = float(values[finite].min()) if finite.any() else 0.0
        hi = float(values[finite].max()) if finite.any() else 0.0
        if hi - lo < 1e6 and np.array_equal(values[finite], np.round(values[finite])):
            # Small integer labels (the common 0/1 case): a bincount, no sort.
            offsets = np.where(finite, values - lo, 0.0).astype(np.int64)
            present = np.bincount(offsets[finite], minlength=1) > 0
            uniq = np.flatnonzero(present).astype(np.float64) + lo
            remap = np.cumsum(present) - 1
            codes = np.where(finite, remap[offsets], -1).astype(np.int64)
        else:
            uniq, inv = np.unique(np.where(finite, values, lo), return_inverse=True)
            codes = np.where(finite, inv.reshape(-1), -1).astype(np.int64)
            if not finite.all():
                keep = np.unique(codes[codes >= 0])
                uniq = uniq[keep]
                codes = np.where(codes >= 0, np.searchsorted(keep, codes), -1)
        if is_bool:
            return codes, [bool(v) for v in uniq.tolist()]
        return codes, [_tidy(v) for v in uniq.tolist()]
    import pyarrow.compute as pc

    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    enc = pc.dictionary_encode(arr)
    dictionary = enc.dictionary.to_pylist()
    indices = to_numpy(pa.chunked_array([enc.indices]), np.int64, -1)
    order = sorted(range(len(dictionary)), key=lambda i: (str(type(dictionary[i])), dictionary[i]))
    rank = np.empty(len(dictionary) + 1, np.int64)
    rank[-1] = -1
    rank[np.array(order, dtype=np.int64)] = np.arange(len(order))
    codes = rank[indices]
    labels = [dictionary[i] for i in order]
    if labels and all(isinstance(v, str) for v in labels):
        codes, labels = _merge_spellings(codes, labels, name, warnings)
    return codes, labels


#: Integers and decimals that denote a number when used as a label (not inf/nan: those are text).
_LABEL_INT = r"[+-]?[0-9]+"
_LABEL_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def canonical_label(text: str):
    """The number or boolean a label text denotes, else None: ``'1.0'`` → 1, ``'TRUE'`` → True."""
    import re

    t = text.strip()
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if re.fullmatch(_LABEL_INT, t):
        return int(t)
    if re.fullmatch(_LABEL_NUMBER, t):
        v = float(t)
        return _tidy(v) if np.isfinite(v) else None
    return None


def _merge_spellings(codes: np.ndarray, labels: list[str], name: str, warnings: list[str] | None):
    """Distinct texts denoting the same number or boolean (``1``, ``1.0``, ``true``) → one class.

    True ≡ 1 and False ≡ 0. The loop runs over the distinct labels, not the rows.
    """
    keys: dict = {}
    group = np.arange(len(labels) + 1, dtype=np.int64)
    merged: dict[int, list[str]] = {}
    for i, text in enumerate(labels):
        value = canonical_label(text)
        if value is None:
            continue
        key = int(value) if isinstance(value, bool) else value
        if key in keys:
            j = keys[key]
            group[i] = j
            merged.setdefault(j, [labels[j]]).append(text)
        else:
            keys[key] = i
    if not merged:
        return codes, labels
    new_labels = list(labels)
    for j, texts in merged.items():
        values = [canonical_label(t) for t in texts]
        if all(isinstance(v, bool) for v in values):
            new_labels[j] = bool(values[0])
        else:
            value = values[0]
            new_labels[j] = int(value) if isinstance(value, bool) else value
        if warnings is not None:
            warnings.append(f"column {name!r}: labels {', '.join(repr(t) for t in texts)} denote the same value "
                            f"and are one class, {label_text(new_labels[j])}")
    roots = np.unique(group[:-1])
    rank = np.full(len(labels) + 1, -1, np.int64)
    rank[roots] = np.arange(len(roots))
    lut = rank[group]
    lut[-1] = -1
    return lut[codes], [new_labels[r] for r in roots.tolist()]


def _tidy(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def label_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_tidy(value))


def _matches(value, text: str) -> bool:
    """Does ``--pos-label text`` name this label? Same text, or the same number/boolean (1 ≡ 1.0 ≡ true)."""
    if label_text(value) == text:
        return True
    if isinstance(value, bool) and text.lower() in (("yes",) if value else ("no",)):
        return True
    a, b = canonical_label(label_text(value)), canonical_label(text)
    if a is None or b is None:
        return False
    return (int(a) if isinstance(a, bool) else a) == (int(b) if isinstance(b, bool) else b)


# --------------------------------------------------------------------------------------------
# Typed data


@dataclass
class BinaryData:
    """Validated binary-classification input: what the kernels receive."""

    y: np.ndarray  # bool
    score: np.ndarray  # float64, finite
    weight: np.ndarray | None  # float64, finite
    source: str
    target: str
    score_name: str
    weight_name: str | None
    pos_label: str
    n_dropped: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def invalid_rows(named: dict[str, np.ndarray], drop_invalid: bool, display: str) -> np.ndarray | None:
    """Combine per-column invalid masks; error unless ``drop_invalid``. Returns the keep mask."""
    bad_total = None
    for column, bad in named.items():
        if bad is None or not bad.any():
            continue
        if not drop_invalid:
            raise EvalmlError(
                f"column {column!r} in {display} has {int(bad.sum())} row(s) with a missing, NaN or "
                f"infinite value (data rows {_row_list(bad)})",
                hint="fix the file, or pass --drop-invalid to skip those rows",
            )
        bad_total = bad if bad_total is None else (bad_total | bad)
    if bad_total is None:
        return None
    keep = ~bad_total
    if not keep.any():
        raise EvalmlError(f"no valid rows left in {display} after --drop-invalid")
    return keep


@dataclass
class MulticlassData:
    """Validated multiclass input: int64 class indices into ``classes``."""

    y: np.ndarray  # int64 in [0, K)
    pred: np.ndarray | None  # int64 in [0, K), from a predicted-label column
    scores: np.ndarray | None  # (n, K) float64, finite, column k = class k
    classes: list[str]
    weight: np.ndarray | None
    source: str
    target: str
    score_names: list[str]
    pred_name: str | None
    weight_name: str | None
    n_dropped: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


SCORE_PREFIXES = ("p_", "prob_", "proba_", "probability_", "score_", "y_score_", "y_prob_")
_SEPARATORS = "_-.:"


def class_names_from_columns(columns: list[str]) -> list[str]:
    """``p_cat, p_dog`` → ``cat, dog``: strip the common prefix up to its last separator.

    Falls back to the column names when that would leave an empty or duplicate name.
    """
    if len(columns) < 2:
        return list(columns)
    prefix = os.path.commonprefix(columns)
    cut = max(prefix.rfind(ch) for ch in _SEPARATORS) + 1
    names = [c[cut:] for c in columns]
    if cut == 0 or any(not n for n in names) or len(set(names)) != len(names):
        return list(columns)
    return names


def _negative_weight_warning(w: np.ndarray | None) -> list[str]:
    if w is None or not (w < 0).any():
        return []
    return [
        f"{int((w < 0).sum())} row(s) have negative weights: counts are net weighted sums and "
        "ratios may leave their usual range; a ratio whose denominator is not positive is undefined"
    ]


def releases_arrow_pages(func):
    """Decorate a reader: once it returns, the Arrow table it built is gone, and the pages
    Arrow's allocator kept for it go back to the OS (mimalloc keeps freed pages; at 10M rows of
    three score columns that is ~250 MB of peak for the rest of the run)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        finally:
            pa.default_memory_pool().release_unused()

    return wrapper


@releases_arrow_pages
def read_classification(
    path: str,
    *,
    target: str | None = None,
    score: str | None = None,
    weight: str | None = None,
    pos_label: str | None = None,
    drop_invalid: bool = False,
    pred: str | None = None,
    task: str | None = None,
    classes: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
) -> BinaryData | MulticlassData:
    """Read a classification file; decide binary vs multiclass unless ``task`` says.

    Multiclass when the target has more than two classes, several score columns are given
    (``--score 'p_*'`` or ``p_a,p_b``), or a predicted-label column (``--pred``) is given.
    Binary instead when two score columns (``p_0,p_1`` as ``predict_proba`` writes) meet a
    two-valued target (the positive class's column is the score), or one score column and
    ``pos_label`` meet a many-valued target (that class against the rest).
    ``classes`` names the class of each score column: ``a,b,c`` in column order, or
    ``label=column`` pairs (which also select the score columns).
    """
    src = path if isinstance(path, TableSource) else TableSource(path, sep=sep, decimal=decimal)
    target_col, t_detected = src.column(target, TARGET_CANDIDATES, "target", "--target")
    score_cols: list[str] = []
    detected_scores = False
    pairs = _parse_classes(classes, src) if classes is not None else None
    if pairs is not None and pairs[1] is not None:
        if score is not None and set(src.columns_matching(score, "--score")) != set(pairs[1]):
            raise EvalmlError("--classes label=column pairs and --score name different columns",
                              hint="give the score columns in one of them")
        score_cols = pairs[1]
    elif score is not None:
        score_cols = src.columns_matching(score, "--score")
    elif pred is None:
        try:
            score_cols = [src.column(None, SCORE_CANDIDATES, "score", "--score")[0]]
            detected_scores = True
        except EvalmlError:
            groups = [
                [c for c in src.columns if c.strip().lower().startswith(pfx) and c != target_col]
                for pfx in SCORE_PREFIXES
            ]
            groups = [g for g in groups if len(g) >= 2]
            if not groups:
                raise
            score_cols, detected_scores = groups[0], True
    pred_col = src.column(pred, (), "predicted label", "--pred")[0] if pred is not None else None
    weight_col = src.column(weight, (), "weight", "--weight")[0] if weight is not None else None
    for col in score_cols + [pred_col]:
        if col is not None and col == target_col:
            raise EvalmlError(f"column {target_col!r} is both the target and a prediction", hint="give different columns")
    wanted = [c for c in (target_col, *score_cols, pred_col, weight_col) if c is not None]
    table = src.read(wanted)
    if src.kind == "csv":
        # pyarrow infers integers above 2**63 as float64: exact labels need the text.
        as_text = {}
        for col in (target_col, pred_col):
            if col is not None and pa.types.is_floating(table.column(col).type):
                v = to_numpy(table.column(col))
                v = v[np.isfinite(v)]
                if v.size and float(np.abs(v).max()) >= 2.0**53:
                    as_text[col] = pa.string()
        if as_text:
            table = src.read(wanted, types=as_text)
    notes = []
    if t_detected or detected_scores:
        used = ", ".join(repr(c) for c in score_cols)
        notes.append(f"using target column {target_col!r} and score column(s) {used} (detected from the column names)")
    label_warnings: list[str] = []
    codes, labels = encode_labels(table, target_col, label_warnings, src.display)
    w = numeric_column(table, weight_col, src.display) if weight_col else None
    names = pairs[0] if pairs is not None else None
    if names is not None and len(names) != len(score_cols):
        raise EvalmlError(f"--classes names {len(names)} classes but there are {len(score_cols)} score columns",
                          hint="give one class name per score column, in column order")
    if task is None and pred_col is None:
        if len(score_cols) == 1 and len(labels) > 2 and pos_label is not None:
            task = "binary"  # one class against the rest
        elif len(score_cols) == 2 and len(labels) <= 2:
            # predict_proba's two columns: binary, scored by the positive class's column.
            cls = _class_names(score_cols, labels, names)
            try:
                pos_code = _positive_class(labels, pos_label, target_col, src.display)[0]
            except EvalmlError:
                pos_code = None
            if pos_code is not None and cls is not None:
                k = int(_lookup_codes([labels[pos_code]], cls, "target", target_col, display=src.display, hint="")[0])
                if k >= 0:
                    data = _binary_from(src, table, codes, labels, target_col=target_col, score_col=score_cols[k], w=w, weight_col=weight_col,
                                        pos_label=pos_label, drop_invalid=drop_invalid, notes=notes)
                    data.warnings[:0] = label_warnings
                    data.notes.append(f"two score columns and two classes: scored by {score_cols[k]!r}, "
                                      f"the column of the positive class {data.pos_label}")
                    return data
    if task is None:
        task = "multiclass" if (len(score_cols) > 1 or pred_col is not None or len(labels) > 2) else "binary"
    if task == "binary":
        if pred_col is not None or len(score_cols) != 1:
            raise EvalmlError(
                "binary classification needs exactly one --score column"
                + (" (--pred is for multiclass)" if pred_col is not None else f", got {len(score_cols)}"),
                hint="pass one --score column, or --task multiclass",
            )
        data = _binary_from(src, table, codes, labels, target_col=target_col, score_col=score_cols[0], w=w, weight_col=weight_col, pos_label=pos_label,
                            drop_invalid=drop_invalid, notes=notes)
    else:
        data = _multiclass_from(src, table, codes, labels, target_col=target_col, score_cols=score_cols, pred_col=pred_col, w=w, weight_col=weight_col,
                                drop_invalid=drop_invalid, notes=notes, names=names)
    data.warnings[:0] = label_warnings
    return data


def _parse_classes(spec: str, src: TableSource) -> tuple[list[str], list[str] | None]:
    """``--classes``: (class names, score columns or None). ``a,b,c`` names the score columns'
    classes in column order; ``a=p_0,b=p_1`` also chooses the score columns."""
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise EvalmlError("--classes is empty", hint="e.g. --classes cat,dog or --classes cat=p_0,dog=p_1")
    with_eq = [("=" in p) for p in parts]
    if any(with_eq) and not all(with_eq):
        raise EvalmlError("--classes mixes label=column pairs and plain names", hint="use one form")
    if not any(with_eq):
        names, cols = parts, None
    else:
        split = [p.split("=", 1) for p in parts]
        names = [a.strip() for a, _ in split]
        cols = [src.column(b.strip(), (), "score", "--classes")[0] for _, b in split]
    if len(set(names)) != len(names):
        raise EvalmlError(f"--classes repeats a class name: {spec}")
    return names, cols


def _class_names(score_cols: list[str], labels: list, given: list[str] | None) -> list[str] | None:
    """Names for the score columns' classes that every target label matches, else None.

    Tried in turn: ``given`` (--classes); the columns without their common prefix
    (``p_cat`` → ``cat``); without a known score prefix (``p_jet_b`` → ``jet_b``); the full
    column names (Kaggle's ``Class_1`` labels with ``Class_1`` columns).
    """
    if given is not None:
        return given
    schemes = [class_names_from_columns(score_cols)]
    for pfx in SCORE_PREFIXES:
        if all(c.strip().lower().startswith(pfx) for c in score_cols):
            stripped = [c.strip()[len(pfx):] for c in score_cols]
            if all(stripped) and len(set(stripped)) == len(stripped):
                schemes.append(stripped)
            break
    schemes.append([c.strip() for c in score_cols])
    for names in schemes:
        index = _class_index(names)
        if all(index(label_text(v)) is not None for v in labels):
            return names
    return None


def drop_rows(keep: np.ndarray | None, *arrays):
    """``(n_dropped, arrays…)`` with each array (None passes through) restricted to ``keep``,
    the mask from :func:`invalid_rows`; ``keep is None`` means nothing was dropped."""
    if keep is None:
        return (0, *arrays)
    return (int((~keep).sum()), *(None if a is None else a[keep] for a in arrays))


def read_binary(path: str, *, target: str | None = None, score: str | None = None, weight: str | None = None,
                pos_label: str | None = None, drop_invalid: bool = False) -> BinaryData:
    """Read and validate a binary-classification file."""
    data = read_classification(path, target=target, score=score, weight=weight, pos_label=pos_label,
                               drop_invalid=drop_invalid, task="binary")
    assert isinstance(data, BinaryData)
    return data


def _binary_from(src, table, codes, labels, *, target_col, score_col, w, weight_col, pos_label, drop_invalid, notes):
    s = numeric_column(table, score_col, src.display)
    masks = {target_col: codes < 0, score_col: ~np.isfinite(s)}
    if w is not None:
        masks[weight_col] = ~np.isfinite(w)
    keep = invalid_rows(masks, drop_invalid, src.display)
    n_dropped, codes, s, w = drop_rows(keep, codes, s, w)
    if keep is not None:
        present = np.unique(codes)
        labels = [labels[i] for i in present]
        codes = np.searchsorted(present, codes)
    pos_code, pos_text, warnings = _positive_class(labels, pos_label, target_col, src.display)
    y = codes == pos_code if pos_code is not None else np.zeros(codes.shape[0], bool)
    warnings += _negative_weight_warning(w)
    return BinaryData(y, s, w, src.display, target_col, score_col, weight_col, pos_text, n_dropped, notes, warnings)


def _class_index(classes: list[str]):
    """text → index into ``classes``: exact, then ignoring case, then the same number (1 ≡ 1.0)."""
    exact = {c: i for i, c in enumerate(classes)}
    folded: dict[str, int] = {}
    numeric: dict = {}
    for i, c in enumerate(classes):
        folded.setdefault(c.lower(), i)
        value = canonical_label(c)
        if value is not None:
            numeric.setdefault(int(value) if isinstance(value, bool) else value, i)

    def index(text: str) -> int | None:
        if text in exact:
            return exact[text]
        if text.lower() in folded:
            return folded[text.lower()]
        value = canonical_label(text)
        if value is not None and not isinstance(value, bool):
            return numeric.get(value)
        return None

    return index


def _lookup_codes(labels: list, classes: list[str], role: str, column: str, *, display: str, hint: str) -> np.ndarray:
    """Map each label (by its text) to its index in ``classes``: exact, then case-insensitive,
    then as the same number."""
    index = _class_index(classes)
    out = np.empty(len(labels) + 1, np.int64)
    out[-1] = -1  # code -1 (missing) maps to -1
    missing = []
    for j, v in enumerate(labels):
        t = label_text(v)
        idx = index(t)
        if idx is None:
            missing.append(t)
            idx = -1
        out[j] = idx
    if missing:
        raise EvalmlError(
            f"{role} column {column!r} in {display} has label(s) {', '.join(missing[:10])} with no matching class",
            hint=hint,
        )
    return out


def _check_class_count(k: int, display: str) -> None:
    if k > MAX_CLASSES:
        raise EvalmlError(
            f"{display} has {k:,} classes, more than evalml's limit of {MAX_CLASSES:,}: the {k:,}×{k:,} "
            f"confusion matrix alone would take {k * k * 8 / 1e9:.1f} GB",
            hint="check --target (an id or a continuous column?), or group the classes",
        )


def _multiclass_from(src, table, codes, labels, *, target_col, score_cols, pred_col, w, weight_col, drop_invalid, notes,
                     names=None):
    masks: dict[str, np.ndarray] = {target_col: codes < 0}
    scores = None
    if score_cols:
        if len(score_cols) < 2:
            shown = ", ".join(label_text(v) for v in labels[:10]) + (", …" if len(labels) > 10 else "")
            raise EvalmlError(
                f"target column {target_col!r} in {src.display} has {len(labels)} distinct values ({shown}) "
                f"but there is one score column {score_cols[0]!r}: multiclass needs one score column per class",
                hint="pass --score 'p_*' or a comma list, --pred COL for predicted labels, "
                "--pos-label CLASS for one class against the rest, or check --target",
            )
        _check_class_count(len(score_cols), src.display)
        classes = _class_names(score_cols, labels, names) or class_names_from_columns(score_cols)
        mapping = ", ".join(f"{c}→{k}" for c, k in zip(score_cols, classes))
        lut = _lookup_codes(labels, classes, "target", target_col, display=src.display,
                            hint=f"score columns and their classes: {mapping}; map them with --classes LABEL=COLUMN,…")
        y = lut[codes]
        scores = np.empty((table.num_rows, len(score_cols)), np.float64)
        for k, col in enumerate(score_cols):
            scores[:, k] = numeric_column(table, col, src.display)
            masks[col] = ~np.isfinite(scores[:, k])
    if pred_col is not None:
        p_codes, p_labels = encode_labels(table, pred_col, None, src.display)
        if scores is None:
            _check_class_count(len(labels), src.display)
            _check_class_count(len(p_labels), src.display)
            texts = sorted({label_text(v) for v in labels} | {label_text(v) for v in p_labels}, key=_label_sort_key)
            _check_class_count(len(texts), src.display)
            classes = texts
            y = _lookup_codes(labels, classes, "target", target_col, display=src.display, hint="")[codes]
        pred_arr = _lookup_codes(p_labels, classes, "predicted-label", pred_col, display=src.display,
                                 hint=f"classes: {', '.join(classes[:20])}")[p_codes]
        masks[pred_col] = pred_arr < 0
    else:
        pred_arr = None
    if w is not None:
        masks[weight_col] = ~np.isfinite(w)
    keep = invalid_rows(masks, drop_invalid, src.display)
    n_dropped, y, scores, pred_arr, w = drop_rows(keep, y, scores, pred_arr, w)
    return MulticlassData(y, pred_arr, scores, classes, w, src.display, target_col, score_cols, pred_col, weight_col,
                          n_dropped, notes, _negative_weight_warning(w))


def _label_sort_key(text: str):
    try:
        return (0, float(text), text)
    except ValueError:
        return (1, 0.0, text)


def _positive_class(labels: list, pos_label: str | None, target: str, display: str) -> tuple[int | None, str, list[str]]:
    """Which label code is positive. Two labels, or any number with ``pos_label`` (that class
    against the rest); 0/1, -1/1 and booleans (in any spelling: ``1.0``, ``TRUE``) need no flag."""
    shown = ", ".join(label_text(v) for v in labels[:10]) + (", …" if len(labels) > 10 else "")
    too_many = EvalmlError(
        f"target column {target!r} in {display} has {len(labels)} distinct values ({shown}); "
        "binary classification needs two",
        hint="check --target, evaluate it as multiclass, or pass --pos-label CLASS for one class against the rest",
    )
    warnings: list[str] = []
    if pos_label is not None:
        hits = [i for i, v in enumerate(labels) if _matches(v, pos_label)]
        if hits:
            if len(labels) == 1:
                warnings.append(f"target column {target!r} holds only the positive class {pos_label!r}")
            if len(labels) > 2:
                warnings.append(f"one class against the rest: {pos_label!r} is positive, the other "
                                f"{len(labels) - 1} values of {target!r} are negative")
            return hits[0], pos_label, warnings
        if len(labels) > 2:
            raise too_many
        if len(labels) == 2:
            raise EvalmlError(
                f"--pos-label {pos_label!r} is not a value of target column {target!r} (values: {shown})",
                hint="pass one of the values shown",
            )
        warnings.append(f"target column {target!r} holds only {shown}; --pos-label {pos_label!r} never occurs")
        return None, pos_label, warnings
    if len(labels) > 2:
        raise too_many
    values = [canonical_label(label_text(v)) for v in labels]
    values = [int(v) if isinstance(v, bool) else v for v in values]
    for negative, positive in (({0}, {1}), ({-1}, {1})):
        if all(v is not None and v in negative | positive for v in values):
            pos_idx = [i for i, v in enumerate(values) if v in positive]
            if not pos_idx:
                warnings.append(f"target column {target!r} holds only the negative class {shown}")
                texts = {label_text(v).lower() for v in labels}
                return None, "true" if "false" in texts else "1", warnings
            if len(labels) == 1:
                warnings.append(f"target column {target!r} holds only the positive class {shown}")
            return pos_idx[0], label_text(labels[pos_idx[0]]), warnings
    raise EvalmlError(
        f"target column {target!r} in {display} has labels {shown}: which one is positive?",
        hint=f"pass --pos-label, e.g. --pos-label {label_text(labels[-1])}",
    )


# --------------------------------------------------------------------------------------------
# Output

from evalml_cli.io.output import check_writable, write_atomic  # noqa: F401
