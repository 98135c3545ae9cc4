"""Input formats and sources: stdin by magic bytes, compressed input, FIFOs, CSV dialects, Arrow
IPC, JSON Lines, ROOT — and the one-line error for each way they can be broken (issue 8: 13–16, 28, 30)."""

from __future__ import annotations

import bz2
import gzip
import io
import os
import threading

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from conftest import parse_json, write_csv


def _one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("evalml: error: ")
    assert "internal error" not in err and "Traceback" not in err
    return lines[0]


def _auc(out: str) -> float:
    return parse_json(out)["metrics"]["roc_auc"]


@pytest.fixture
def table(preds):
    return pacsv.read_csv(preds["csv"])


@pytest.fixture
def expected_auc(preds, invoke):
    code, out, _ = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "-f", "json")
    assert code == 0
    return _auc(out)


# -- stdin: the format from the first bytes (item 14) ------------------------------------------
@pytest.mark.parametrize("kind", ["csv", "gzip", "parquet", "arrow", "bz2"])
def test_stdin_format_from_magic_bytes(kind, table, preds, invoke, expected_auc):
    if kind == "csv":
        data = preds["csv"].read_bytes()
    elif kind == "gzip":
        data = gzip.compress(preds["csv"].read_bytes())
    elif kind == "bz2":
        data = bz2.compress(preds["csv"].read_bytes())
    else:
        sink = io.BytesIO()
        if kind == "parquet":
            pq.write_table(table, sink)
        else:
            feather.write_feather(table, sink)
        data = sink.getvalue()
    code, out, err = invoke("classify", "-", "-t", "y", "-s", "p", "-f", "json", input=data)
    assert code == 0, err
    assert _auc(out) == expected_auc


def test_binary_garbage_on_stdin_is_one_printable_line(invoke):
    code, _, err = invoke("classify", "-", input=b"PAR1\x00\x01\x02\xff\xfe" * 50)
    line = _one_error_line(err)
    assert code == 2 and line.isprintable() and len(line) < 400


@pytest.mark.parametrize("where", ["stdin", "file"])
def test_truncated_gzip_is_named(where, tmp_path, preds, invoke):
    data = gzip.compress(preds["csv"].read_bytes())[:-30]
    if where == "stdin":
        code, _, err = invoke("classify", "-", input=data)
    else:
        f = tmp_path / "t.csv.gz"
        f.write_bytes(data)
        code, _, err = invoke("classify", str(f))
    assert code == 2 and "truncated or corrupt gzip stream" in _one_error_line(err)


def test_gzip_bomb_is_refused_with_bounded_memory(tmp_path, invoke):
    # 100 MB of one repeated row compresses to ~100 kB: 1000×, past the 100× + 64 MiB limit.
    row = b"0,0.5\n"
    f = tmp_path / "bomb.csv.gz"
    with gzip.open(f, "wb", compresslevel=9) as fh:
        fh.write(b"y,score\n")
        chunk = row * (1 << 20)
        for _ in range(16):
            fh.write(chunk)
    code, _, err = invoke("classify", str(f))
    assert code == 2 and "decompression bomb" in _one_error_line(err)


def test_decompressed_limit_is_configurable(tmp_path, preds, invoke, monkeypatch):
    monkeypatch.setenv("EVALML_MAX_DECOMPRESSED", "100")
    code, _, err = invoke("classify", str(preds["gz"]), "-t", "y", "-s", "p")
    assert code == 2 and "EVALML_MAX_DECOMPRESSED" in _one_error_line(err)


# -- files: existence before format, directories, FIFOs (item 15, 16) --------------------------
def test_missing_file_without_extension_is_not_found(invoke):
    code, _, err = invoke("classify", "no_such_file")
    assert code == 2 and "file not found: no_such_file" in _one_error_line(err)


def test_directory_is_named(tmp_path, invoke):
    d = tmp_path / "parts"
    d.mkdir()
    code, _, err = invoke("classify", str(d))
    assert code == 2 and "is a directory" in _one_error_line(err)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_with_data_is_read_as_a_stream(tmp_path, preds, invoke, expected_auc):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    data = preds["csv"].read_bytes()

    def feed():
        with open(fifo, "wb") as fh:
            fh.write(data)

    t = threading.Thread(target=feed)
    t.start()
    code, out, err = invoke("classify", str(fifo), "-t", "y", "-s", "p", "-f", "json")
    if t.is_alive():  # evalml never opened the FIFO: unblock the writer
        with open(fifo, "rb") as fh:
            fh.read()
    t.join(10)
    assert code == 0, err
    assert _auc(out) == expected_auc


# -- CSV dialects (item 28) ---------------------------------------------------------------------
def test_european_csv_error_suggests_sep_and_decimal(tmp_path, invoke):
    f = write_csv(tmp_path / "eu.csv", "y;score\n0;0,1\n1;0,8\n0;0,3\n")
    code, _, err = invoke("classify", str(f))
    line = _one_error_line(err)
    assert code == 2 and "--sep ';' --decimal ','" in line and "line 2" in line


def test_sep_and_decimal_read_european_csv(tmp_path, invoke):
    f = write_csv(tmp_path / "eu.csv", "y;score\n0;0,1\n1;0,8\n0;0,3\n1;0,2\n")
    code, out, err = invoke("classify", str(f), "--sep", ";", "--decimal", ",", "-f", "json")
    assert code == 0, err
    assert _auc(out) == 0.75


def test_parse_error_names_the_line(tmp_path, invoke):
    f = write_csv(tmp_path / "x.csv", "y,score\n0,0.1\n1,0.2\n1,0.4,7\n")
    code, _, err = invoke("classify", str(f))
    line = _one_error_line(err)
    assert code == 2 and "line 4" in line and "Expected 2 columns, got 3" in line


def test_comment_lines_are_skipped(tmp_path, invoke):
    f = write_csv(tmp_path / "c.csv", "# made by run 7\n# second note\ny,score\n0,0.1\n# mid-file note\n1,0.8\n")
    code, out, err = invoke("classify", str(f), "-f", "json")
    assert code == 0, err
    assert parse_json(out)["n"] == 2 and _auc(out) == 1.0


@pytest.mark.parametrize("suffix", [".txt", ".dat"])
def test_whitespace_separated_text(tmp_path, invoke, suffix):
    f = write_csv(tmp_path / f"w{suffix}", "  y    score\n 0  0.1\n1\t\t0.8 \n0 0.3\n1   0.2\n")
    code, out, err = invoke("classify", str(f), "-f", "json")
    assert code == 0, err
    assert parse_json(out)["n"] == 4 and _auc(out) == 0.75


def test_field_larger_than_a_block_is_read(tmp_path, invoke):
    f = tmp_path / "big.csv"
    f.write_text("y,score,note\n0,0.1,a\n1,0.9," + "x" * (3 << 20) + "\n")
    code, out, err = invoke("classify", str(f), "-t", "y", "-s", "score", "-f", "json")
    assert code == 0, err
    assert _auc(out) == 1.0


def test_invalid_utf8_header_is_named(tmp_path, invoke):
    f = tmp_path / "latin1.csv"
    f.write_bytes("y,scöre\n0,0.1\n1,0.9\n".encode("latin-1"))
    code, _, err = invoke("classify", str(f))
    line = _one_error_line(err)
    assert code == 2 and "not valid UTF-8" in line and "latin1.csv" in line and "re-encode" in line


# -- more formats (item 30) ---------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".arrow", ".feather", ".jsonl", ".jsonl.gz"])
def test_arrow_ipc_feather_and_json_lines(suffix, tmp_path, table, invoke, expected_auc):
    f = tmp_path / f"preds{suffix}"
    if suffix == ".arrow":
        with pa.ipc.new_file(f, table.schema) as w:
            w.write_table(table)
    elif suffix == ".feather":
        feather.write_feather(table, f)
    else:
        import json

        text = "".join(json.dumps(r) + "\n" for r in table.to_pylist()).encode()
        f.write_bytes(gzip.compress(text) if suffix.endswith(".gz") else text)
    code, out, err = invoke("classify", str(f), "-t", "y", "-s", "p", "-f", "json")
    assert code == 0, err
    assert _auc(out) == pytest.approx(expected_auc, abs=1e-15)


def test_root_tree_via_uproot(tmp_path, invoke):
    uproot = pytest.importorskip("uproot")
    y = np.array([0, 0, 1, 1], np.int32)
    s = np.array([0.1, 0.4, 0.35, 0.8])
    path = tmp_path / "events.root"
    with uproot.recreate(path) as f:
        f["Events"] = {"y": y, "bdt": s}
    code, out, err = invoke("classify", f"{path}:Events", "-t", "y", "-s", "bdt", "-f", "json")
    assert code == 0, err
    assert _auc(out) == 0.75
    code, _, err = invoke("classify", f"{path}:Nope", "-t", "y", "-s", "bdt")
    assert code == 2 and "no tree 'Nope'" in _one_error_line(err)


def test_root_without_uproot_names_the_extra(tmp_path, invoke, monkeypatch):
    import sys

    path = tmp_path / "events.root"
    path.write_bytes(b"root")
    monkeypatch.setitem(sys.modules, "uproot", None)
    code, _, err = invoke("classify", f"{path}:Events")
    assert code == 2 and "evalml-cli[root]" in _one_error_line(err)
