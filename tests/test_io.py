"""The bad-input catalogue: every problem is exit 2 with one readable stderr line."""

from __future__ import annotations

import gzip

import pytest

from conftest import parse_json, write_csv


def _one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("evalml: error: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    "content, needle",
    [
        ("", "is empty"),
        ("y,score\n", "no data rows"),
        ("y,score\n0,abc\n1,0.3\n", "non-numeric"),
        ("y,score\n0,0.2\n1,\n", "missing, NaN or infinite"),
        ("y,score\n0,0.2\n1,nan\n", "missing, NaN or infinite"),
        ("y,score\n0,inf\n1,0.5\n", "missing, NaN or infinite"),
        ("y,score\n0,0.2\n1,0.4\n2,0.5\n", "one score column per class"),
        ("y,score\nsignal,0.2\nbackground,0.4\n", "--pos-label"),
        ("y,score\n0,0.2\n1,0.4,7\n", "cannot read"),
        ("a,b\n0,0.2\n", "cannot find the target column"),
        ("y,b\n0,0.2\n", "cannot find the score column"),
    ],
)
def test_bad_csv_exits_2_with_one_line(tmp_path, invoke, content, needle):
    f = write_csv(tmp_path / "bad.csv", content)
    code, out, err = invoke("classify", str(f))
    assert code == 2 and out == ""
    assert needle in _one_error_line(err)


def test_more_than_two_labels_in_binary_mode(tmp_path, invoke):
    f = write_csv(tmp_path / "three.csv", "y,score\n0,0.2\n1,0.4\n2,0.5\n")
    code, out, err = invoke("classify", str(f), "--task", "binary")
    assert code == 2 and out == ""
    assert "3 distinct values (0, 1, 2)" in _one_error_line(err)


def test_missing_file(invoke):
    code, _, err = invoke("classify", "nope/missing.csv")
    assert code == 2 and "file not found: nope/missing.csv" in _one_error_line(err)


def test_unknown_extension(tmp_path, invoke):
    f = write_csv(tmp_path / "x.xlsx", "y,score\n0,1\n")
    code, _, err = invoke("classify", str(f))
    assert code == 2 and ".xlsx" in _one_error_line(err)


def test_corrupt_parquet(tmp_path, invoke):
    f = tmp_path / "x.parquet"
    f.write_bytes(b"not parquet at all")
    code, _, err = invoke("classify", str(f))
    assert code == 2 and "cannot read" in _one_error_line(err)


def test_corrupt_gzip(tmp_path, invoke):
    f = tmp_path / "x.csv.gz"
    f.write_bytes(gzip.compress(b"y,score\n0,0.1\n")[:-8] + b"garbage!")
    code, _, err = invoke("classify", str(f))
    assert code == 2
    _one_error_line(err)


def test_unknown_column_lists_available_and_closest(preds, invoke):
    code, _, err = invoke("classify", str(preds["csv"]), "--target", "yy", "--score", "p")
    line = _one_error_line(err)
    assert code == 2
    assert "--target 'yy'" in line and "did you mean 'y'" in line and "available columns: y, p, w, kind" in line


def test_unknown_column_in_parquet(preds, invoke):
    code, _, err = invoke("classify", str(preds["parquet"]), "-t", "y", "-s", "prob")
    assert code == 2 and "available columns" in _one_error_line(err)


def test_nan_error_names_column_and_count(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,score,w\n0,0.1,1\n1,nan,1\n1,0.8,inf\n0,,2\n")
    code, _, err = invoke("classify", str(f), "-w", "w")
    line = _one_error_line(err)
    assert code == 2 and "'score'" in line and "2 row(s)" in line and "--drop-invalid" in line


def test_drop_invalid_reports_dropped_count(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,score,w\n0,0.1,1\n1,nan,1\n1,0.8,inf\n0,,2\n1,0.7,1\n,0.3,1\n")
    code, out, err = invoke("classify", str(f), "-w", "w", "--drop-invalid", "-f", "json")
    assert code == 0, err
    rep = parse_json(out)
    assert rep["n"] == 2 and rep["n_dropped"] == 4
    assert rep["metrics"]["roc_auc"] == 1.0


def test_drop_invalid_with_nothing_left(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,score\n0,nan\n1,nan\n")
    code, _, err = invoke("classify", str(f), "--drop-invalid")
    assert code == 2 and "no valid rows" in _one_error_line(err)


def test_text_in_weight_column(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,score,w\n0,0.1,1\n1,0.2,heavy\n")
    code, _, err = invoke("classify", str(f), "-w", "w")
    line = _one_error_line(err)
    assert code == 2 and "'w'" in line and "'heavy'" in line and "data row 2" in line


def test_pos_label_with_string_labels(preds, invoke):
    code, out, err = invoke("classify", str(preds["csv"]), "-t", "kind", "-s", "p", "--pos-label", "signal", "-f", "json")
    assert code == 0, err
    via_kind = parse_json(out)["metrics"]
    code, out, _ = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "-f", "json")
    assert parse_json(out)["metrics"] == via_kind


def test_pos_label_flips_the_classes(preds, invoke):
    _, out, _ = invoke("classify", str(preds["csv"]), "-t", "kind", "-s", "p", "--pos-label", "background", "-f", "json")
    flipped = parse_json(out)["metrics"]
    _, out, _ = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "-f", "json")
    normal = parse_json(out)["metrics"]
    assert flipped["roc_auc"] == pytest.approx(1 - normal["roc_auc"], rel=1e-12)


def test_pos_label_not_a_value(preds, invoke):
    code, _, err = invoke("classify", str(preds["csv"]), "-t", "kind", "-s", "p", "--pos-label", "muon")
    line = _one_error_line(err)
    assert code == 2 and "'muon'" in line and "background, signal" in line


def test_boolean_and_minus_one_labels(tmp_path, invoke):
    f = write_csv(tmp_path / "b.csv", "y,score\ntrue,0.9\nfalse,0.2\ntrue,0.4\n")
    code, out, err = invoke("classify", str(f), "-f", "json")
    assert code == 0, err
    assert parse_json(out)["inputs"]["pos_label"] == "true"
    assert parse_json(out)["metrics"]["tp"] == 1
    f = write_csv(tmp_path / "c.csv", "y,score\n1,0.9\n-1,0.2\n1,0.4\n")
    code, out, _ = invoke("classify", str(f), "-f", "json")
    assert code == 0 and parse_json(out)["metrics"]["roc_auc"] == 1.0


def test_float_labels_zero_one(tmp_path, invoke):
    f = write_csv(tmp_path / "c.csv", "y,score\n1.0,0.9\n0.0,0.2\n")
    code, out, _ = invoke("classify", str(f), "-f", "json")
    assert code == 0 and parse_json(out)["metrics"]["accuracy"] == 1.0


def test_same_column_for_target_and_score(preds, invoke):
    code, _, err = invoke("classify", str(preds["csv"]), "-t", "p", "-s", "p")
    assert code == 2 and "both the target and a prediction" in _one_error_line(err)


def test_empty_stdin(invoke):
    code, _, err = invoke("classify", "-", input="")
    assert code == 2 and "stdin" in _one_error_line(err)


def test_negative_weights_warn(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,score,w\n0,0.1,1\n1,0.9,-0.5\n1,0.8,2\n")
    code, out, _ = invoke("classify", str(f), "-w", "w", "-f", "json")
    rep = parse_json(out)
    assert code == 0 and rep["metrics"]["tp"] == 1.5
    assert any("negative weights" in w for w in rep["warnings"])


@pytest.mark.parametrize("typ", ["int8", "int32", "int64", "uint16", "float32", "float64", "bool"])
def test_to_numpy_matches_pyarrow_with_nulls_offsets_and_chunks(typ):
    import numpy as np
    import pyarrow as pa

    from evalml_cli.io import to_numpy

    rng = np.random.default_rng(1)
    values = [None if rng.random() < 0.2 else (bool(v % 2) if typ == "bool" else int(v)) for v in rng.integers(0, 100, 50)]
    arr = pa.array(values, type=getattr(pa, typ if typ != "bool" else "bool_")())
    chunked = pa.chunked_array([arr.slice(3, 20), arr.slice(23, 27), arr.slice(0, 0)])
    expected = np.array([np.nan if v is None else float(v) for v in values[3:50]])
    np.testing.assert_array_equal(to_numpy(chunked), expected)


def test_duplicate_column_names_are_an_error(tmp_path, invoke):
    f = write_csv(tmp_path / "dup.csv", "y,score,score\n0,0.1,0.2\n1,0.9,0.3\n")
    code, _, err = invoke("classify", str(f))
    assert code == 2 and "2 columns with that name" in _one_error_line(err)


def test_dictionary_encoded_parquet_labels(tmp_path, invoke):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "cat.parquet"
    labels = pa.array(["sig", "bkg", "sig", "bkg"]).dictionary_encode()
    pq.write_table(pa.table({"label": labels, "score": [0.9, 0.2, 0.1, 0.4]}), path)
    code, out, err = invoke("classify", str(path), "--pos-label", "sig", "-f", "json")
    assert code == 0, err
    assert parse_json(out)["metrics"]["roc_auc"] == 0.5


def test_utf8_bom_and_crlf(tmp_path, invoke):
    f = tmp_path / "bom.csv"
    f.write_bytes(b"\xef\xbb\xbfy,score\r\n0,0.1\r\n1,0.9\r\n")
    code, out, err = invoke("classify", str(f), "-f", "json")
    assert code == 0, err
    assert parse_json(out)["inputs"]["target"] == "y"
