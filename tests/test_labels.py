"""Columns and labels: exact names before globs, spaces in headers, one class per spelled
number/boolean, uint64 labels, labels named like score columns (issue 8: 1, 2, 6, 13, 15, 19, 20)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.metrics import roc_auc_score

from conftest import parse_json, write_csv


def _one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("evalml: error: ") and "internal error" not in err
    return lines[0]


Y = [0, 0, 1, 1, 0, 1]
S = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2]


# -- item 1: an exact column name wins over a glob reading --------------------------------------
@pytest.mark.parametrize("option", ["--score", "--weight"])
def test_exact_name_beats_glob(tmp_path, invoke, option):
    rows = "\n".join(f"{y},{s},0.5,{s}" for y, s in zip(Y, S))
    f = write_csv(tmp_path / "g.csv", "y,p1,w,p[1]\n" + rows + "\n")
    # p1 would be the glob match of 'p[1]'; the column literally named 'p[1]' must win.
    args = ["-s", "p[1]"] if option == "--score" else ["-s", "p1", "-w", "p[1]"]
    code, out, err = invoke("classify", str(f), "-t", "y", *args, "-f", "json")
    assert code == 0, err
    inputs = parse_json(out)["inputs"]
    assert (inputs["score"] if option == "--score" else inputs["weight"]) == "p[1]"


def test_exact_name_beats_glob_for_regress_replicas(tmp_path, invoke):
    f = write_csv(tmp_path / "r.csv", "y,rep_*,rep_1\n1,1.5,9\n2,2.5,9\n3,2.0,9\n")
    code, out, err = invoke("regress", str(f), "-t", "y", "-p", "rep_*", "-f", "json")
    assert code == 0, err
    assert parse_json(out)["metrics"]["mae"] == pytest.approx(2 / 3)


# -- item 20: spaces around header names ---------------------------------------------------------
def test_header_with_spaces_after_commas(tmp_path, invoke):
    rows = "\n".join(f"{y}, {s}" for y, s in zip(Y, S))
    f = write_csv(tmp_path / "sp.csv", "y, y_score\n" + rows + "\n")
    for args in (["-s", " y_score"], ["-s", "y_score"], []):
        code, out, err = invoke("classify", str(f), *args, "-f", "json")
        assert code == 0, (args, err)
        assert parse_json(out)["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(Y, S))


# -- item 2: spellings of one number/boolean are one class ---------------------------------------
@pytest.mark.parametrize(
    "pos, neg",
    [(["1", "true"], ["0"]), (["1", "1.0"], ["0", "0.0"]), (["True", "true", "TRUE"], ["false", "FALSE"]),
     (["1", "true"], ["0", "false"])],
)
def test_spellings_of_one_label_are_one_class(tmp_path, invoke, pos, neg):
    labels = [pos[i % len(pos)] if y else neg[i % len(neg)] for i, y in enumerate(Y)]
    f = tmp_path / "s.parquet"
    pq.write_table(pa.table({"y": pa.array(labels, pa.string()), "s": S}), f)
    code, out, err = invoke("classify", str(f), "-t", "y", "-s", "s", "-f", "json")
    assert code == 0, err
    report = parse_json(out)
    assert report["class_counts"] == {"positive": 3, "negative": 3}
    assert report["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(Y, S))
    if len(set(pos)) > 1 or len(set(neg)) > 1:
        assert any("denote the same value" in w for w in report["warnings"])


def test_multiclass_labels_1_and_1_0_are_one_class(tmp_path, invoke):
    f = tmp_path / "m.parquet"
    pq.write_table(pa.table({"y": ["1", "1.0", "2", "3", "3.0"], "pred": ["1", "2", "2", "3", "1"]}), f)
    code, out, err = invoke("classify", str(f), "-t", "y", "--pred", "pred", "-f", "json")
    assert code == 0, err
    assert parse_json(out)["classes"] == ["1", "2", "3"]
    assert parse_json(out)["metrics"]["accuracy"] == pytest.approx(3 / 5)


# -- item 6: uint64 labels keep their value -------------------------------------------------------
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_uint64_labels_above_2_63_do_not_wrap(tmp_path, invoke, fmt):
    big = [2**64 - 1, 2**63 + 5, 2**64 - 1, 2**63 + 5]
    if fmt == "parquet":
        f = tmp_path / "u.parquet"
        pq.write_table(pa.table({"y": pa.array(big, pa.uint64()), "pred": pa.array(big[::-1], pa.uint64())}), f)
    else:
        f = write_csv(tmp_path / "u.csv", "y,pred\n" + "\n".join(f"{a},{b}" for a, b in zip(big, big[::-1])) + "\n")
    code, out, err = invoke("classify", str(f), "-t", "y", "--pred", "pred", "-f", "json")
    assert code == 0, err
    assert parse_json(out)["classes"] == [str(2**63 + 5), str(2**64 - 1)]


# -- item 13: cells Python accepts and Arrow does not; nested columns --------------------------------
@pytest.mark.parametrize("cell", ["1_0", "١", "0.5\u00a0"])
def test_python_only_numbers_are_reported_with_rows(tmp_path, invoke, cell):
    f = tmp_path / "n.csv"
    f.write_text(f"y,score\n0,0.1\n1,{cell}\n0,0.3\n", encoding="utf-8")
    code, _, err = invoke("classify", str(f))
    line = _one_error_line(err)
    assert code == 2 and "non-numeric" in line and "data row 2" in line


@pytest.mark.parametrize("column", ["y", "s"])
@pytest.mark.parametrize("typ", ["list", "struct"])
def test_nested_target_or_score_column_is_refused(tmp_path, invoke, column, typ):
    values = [[v] for v in Y] if typ == "list" else [{"a": v} for v in Y]
    cols = {"y": Y, "s": S}
    cols[column] = values
    f = tmp_path / "nested.parquet"
    pq.write_table(pa.table(cols), f)
    code, _, err = invoke("classify", str(f), "-t", "y", "-s", "s")
    line = _one_error_line(err)
    assert code == 2 and f"column {column!r}" in line and f"has type {typ}<" in line


# -- item 15: the class limit comes before the K×K matrix -------------------------------------------
def test_too_many_classes_refused_before_allocating(tmp_path, invoke):
    n = 10_001
    f = tmp_path / "many.parquet"
    pq.write_table(pa.table({"y": np.arange(n), "pred": np.arange(n)[::-1]}), f)
    code, _, err = invoke("classify", str(f), "-t", "y", "--pred", "pred")
    line = _one_error_line(err)
    assert code == 2 and "10,001 classes" in line and "limit of 10,000" in line


# -- item 19: labels named like score columns; predict_proba pairs; one against the rest ----------------
def _multi(tmp_path, labels, columns):
    rng = np.random.default_rng(3)
    n, k = 60, len(columns)
    y = rng.integers(0, k, n)
    p = rng.dirichlet(np.ones(k), n)
    p[np.arange(n), y] += 0.3
    p /= p.sum(1, keepdims=True)
    cols = {"target": [labels[i] for i in y]}
    cols.update({c: p[:, j] for j, c in enumerate(columns)})
    f = tmp_path / "k.parquet"
    pq.write_table(pa.table(cols), f)
    return f, y, p


@pytest.mark.parametrize(
    "labels, columns",
    [([f"Class_{i}" for i in range(1, 10)], [f"Class_{i}" for i in range(1, 10)]),
     (["jet_b", "jet_c", "jet_l"], ["p_jet_b", "p_jet_c", "p_jet_l"])],
)
def test_labels_equal_to_column_names(tmp_path, invoke, labels, columns):
    f, y, p = _multi(tmp_path, labels, columns)
    code, out, err = invoke("classify", str(f), "-t", "target", "-s", ",".join(columns), "-f", "json")
    assert code == 0, err
    assert parse_json(out)["metrics"]["accuracy"] == pytest.approx(np.mean(p.argmax(1) == y))


@pytest.mark.parametrize("spec", ["e,mu,pi", "mu=b,pi=c,e=a"])
def test_classes_option_maps_labels_to_columns(tmp_path, invoke, spec):
    f, y, p = _multi(tmp_path, ["e", "mu", "pi"], ["a", "b", "c"])
    args = ["-s", "a,b,c"] if "=" not in spec else []
    code, out, err = invoke("classify", str(f), "-t", "target", *args, "--classes", spec, "-f", "json")
    assert code == 0, err
    report = parse_json(out)
    expected_classes = ["e", "mu", "pi"] if "=" not in spec else ["mu", "pi", "e"]
    assert report["classes"] == expected_classes
    assert report["metrics"]["accuracy"] == pytest.approx(np.mean(p.argmax(1) == y))


def test_predict_proba_pair_with_binary_target_is_binary(tmp_path, invoke):
    f = tmp_path / "pp.parquet"
    s = np.array(S)
    pq.write_table(pa.table({"y": Y, "p_0": 1 - s, "p_1": s}), f)
    code, out, err = invoke("classify", str(f), "-t", "y", "-s", "p_*", "-f", "json")
    assert code == 0, err
    report = parse_json(out)
    assert report["task"] == "binary" and report["inputs"]["score"] == "p_1"
    assert report["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(Y, S))


def test_one_class_against_the_rest(tmp_path, invoke):
    f, y, p = _multi(tmp_path, ["e", "mu", "pi"], ["p_e", "p_mu", "p_pi"])
    code, out, err = invoke("classify", str(f), "-t", "target", "-s", "p_e", "--pos-label", "e", "-f", "json")
    assert code == 0, err
    report = parse_json(out)
    assert report["task"] == "binary"
    assert report["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(y == 0, p[:, 0]))
    assert any("against the rest" in w for w in report["warnings"])


@pytest.mark.parametrize("typ", [pa.int8(), pa.uint8(), pa.int16(), pa.int32(), pa.int64(), pa.uint64(), pa.bool_()])
@pytest.mark.parametrize("values", [[0, 1], [1], [0], [5, 6], [-2, -1], [0, 1, 2], [3, 9]])
def test_encode_labels_integer_fast_path_codes_and_labels(typ, values):
    from evalml_cli.io import encode_labels

    if typ == pa.bool_() and not set(values) <= {0, 1}:
        return
    if pa.types.is_unsigned_integer(typ) and min(values) < 0:
        return
    rng = np.random.default_rng(0)
    v = rng.choice(values, 40)
    v[: len(values)] = values
    arr = pa.array([bool(x) for x in v] if typ == pa.bool_() else v.tolist(), typ)
    table = pa.table({"y": pa.chunked_array([arr.slice(0, 15), arr.slice(15)])})
    codes, labels = encode_labels(table, "y")
    uniq = sorted(set(v.tolist()))
    # int64, except two-valued columns: their 0/1 codes stay in the column's narrow type
    assert codes.dtype == np.int64 or (len(uniq) <= 2 and np.issubdtype(codes.dtype, np.integer))
    assert labels == ([bool(x) for x in uniq] if typ == pa.bool_() else uniq)
    assert [type(x) for x in labels] == [bool if typ == pa.bool_() else int] * len(uniq)
    assert codes.tolist() == [uniq.index(x) for x in v.tolist()]
