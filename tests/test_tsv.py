"""--format tsv: one metric<TAB>value line per metric, readable by awk and sort -g."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import SAMPLES
from evalml_cli.render.tsv import format_tsv_value, render_tsv


@pytest.fixture(scope="module")
def multiclass_report():
    import evalml_cli

    return evalml_cli.classify(str(SAMPLES / "multiclass.csv"), target="species", score="p_*").to_dict()


def test_every_metric_one_line_with_full_precision(multiclass_report):
    text = render_tsv(multiclass_report["metrics"])
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == len(multiclass_report["metrics"])
    for line, (name, value) in zip(lines, multiclass_report["metrics"].items()):
        key, raw = line.split("\t")
        assert key == name
        assert raw == "null" if value is None else float(raw) == value  # repr round-trips exactly


def test_per_class_lines_use_brackets_in_report_order(multiclass_report):
    per_class = multiclass_report["per_class"]
    lines = render_tsv({}, per_class).splitlines()
    expected = [f"{m}[{c}]" for c, vals in per_class.items() for m in vals]
    assert [ln.split("\t")[0] for ln in lines] == expected
    assert lines[0].startswith("precision[e]\t")
    recall_e = next(ln for ln in lines if ln.startswith("recall[e]\t"))
    assert float(recall_e.split("\t")[1]) == per_class["e"]["recall"]


def test_values_null_ints_bools_and_numpy_scalars():
    np = pytest.importorskip("numpy")
    assert [format_tsv_value(v) for v in (None, float("nan"), float("inf"), 7, False, np.float64(0.25), np.int64(3))] == [
        "null", "null", "null", "7", "false", "0.25", "3",
    ]
    assert format_tsv_value(1e-20) == "1e-20" and format_tsv_value(0.1 + 0.2) == "0.30000000000000004"


def test_tabs_and_newlines_in_names_are_escaped_so_each_line_has_one_tab():
    text = render_tsv({"a\tb": 1.0}, {"x\ny\\": {"recall": 0.5}})
    assert text == "a\\tb\t1.0\nrecall[x\\ny\\\\]\t0.5\n"
    assert all(line.count("\t") == 1 for line in text.splitlines())


def test_no_header_and_empty_input_is_empty():
    assert render_tsv({}) == ""
    assert render_tsv({"accuracy": 0.5}) == "accuracy\t0.5\n"


@pytest.mark.skipif(not (shutil.which("awk") and shutil.which("sort")), reason="needs awk and sort")
def test_awk_and_sort_g_read_it(multiclass_report):
    text = render_tsv(multiclass_report["metrics"])
    out = subprocess.run(["awk", "-F", "\t", '$1 == "accuracy" { print $2 }'], input=text, capture_output=True,
                         text=True, check=True).stdout
    assert float(out) == multiclass_report["metrics"]["accuracy"]
    out = subprocess.run(["sort", "-t", "\t", "-k2,2g"], input=text, capture_output=True, text=True, check=True).stdout
    numeric = [float(ln.split("\t")[1]) for ln in out.splitlines() if not ln.endswith("\tnull")]
    assert numeric == sorted(numeric)
