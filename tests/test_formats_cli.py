"""--format junit and tsv on every command and on check; --summary appends the Markdown report."""

from __future__ import annotations

import json
import os
import shutil
import stat

import pytest

from conftest import SAMPLES

BINARY = str(SAMPLES / "binary.csv")
MULTI = str(SAMPLES / "multiclass.csv")
FIT = str(SAMPLES / "fit.csv")


def junit_cases(path):
    junitparser = pytest.importorskip("junitparser")
    xml = junitparser.JUnitXml.fromfile(str(path))
    return [(case.classname, case.name, [type(r).__name__ for r in case.result], case.result) for suite in xml
            for case in suite]


# --- junit ----------------------------------------------------------------------------------------


def test_junit_one_testcase_per_requirement_parsed_by_junitparser(tmp_path, invoke):
    out = tmp_path / "j.xml"
    code, stdout, err = invoke("classify", BINARY, "-r", "roc_auc>=0.9", "-r", "log_loss<=0.3", "-f", "junit",
                               "-o", str(out))
    assert code == 1 and stdout == ""
    cases = junit_cases(out)
    assert [(c[0], c[1], c[2]) for c in cases] == [
        (f"classify {BINARY}", "roc_auc>=0.9", []),
        (f"classify {BINARY}", "log_loss<=0.3", ["Failure"]),
    ]
    failure = cases[1][3][0]
    assert failure.message == "log_loss<=0.3: got 0.3471"
    assert "value: 0.3471094622867752" in failure.text and "reason: got 0.3471" in failure.text


def test_junit_includes_max_drop_and_max_rise_testcases(tmp_path, invoke):
    base = tmp_path / "b.json"
    invoke("classify", BINARY, "-o", str(base))
    doc = json.loads(base.read_text())
    doc["metrics"]["roc_auc"] = 0.99
    base.write_text(json.dumps(doc))
    code, out, _ = invoke("classify", BINARY, "--baseline", str(base), "--max-drop", "roc_auc=0.01",
                          "--max-rise", "log_loss=0.01", "-f", "junit")
    assert code == 1
    path = tmp_path / "j.xml"
    path.write_text(out)
    cases = junit_cases(path)
    assert [(c[1], c[2]) for c in cases] == [("--max-drop roc_auc=0.01", ["Failure"]), ("--max-rise log_loss=0.01", [])]
    assert "roc_auc fell by 0.0399" in cases[0][3][0].message


def test_output_extension_xml_means_junit_and_tsv_means_tsv(tmp_path, invoke):
    assert invoke("regress", FIT, "-o", str(tmp_path / "r.xml"), "-r", "r2>=0.9")[0] == 0
    assert junit_cases(tmp_path / "r.xml")[0][:2] == (f"regress {FIT}", "r2>=0.9")
    assert invoke("regress", FIT, "-o", str(tmp_path / "r.tsv"))[0] == 0
    assert (tmp_path / "r.tsv").read_text().splitlines()[0].split("\t")[0] in {"mse", "chi2", "rmse"}


# --- tsv ------------------------------------------------------------------------------------------


def test_tsv_is_metric_tab_value_matching_json_exactly(invoke):
    _, out, _ = invoke("classify", BINARY, "-f", "tsv")
    _, js, _ = invoke("classify", BINARY, "-f", "json")
    metrics = json.loads(js)["metrics"]
    pairs = [ln.split("\t") for ln in out.splitlines()]
    assert all(len(p) == 2 for p in pairs)
    assert [k for k, _ in pairs] == list(metrics)
    assert {k: float(v) for k, v in pairs} == metrics


def test_tsv_multiclass_has_per_class_lines(invoke):
    code, out, _ = invoke("classify", MULTI, "-t", "species", "-s", "p_*", "-f", "tsv")
    assert code == 0
    names = [ln.split("\t")[0] for ln in out.splitlines()]
    assert "accuracy" in names and "recall[e]" in names


# --- --summary ------------------------------------------------------------------------------------


def test_summary_appends_markdown_whatever_the_format(tmp_path, invoke):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    code, out, _ = invoke("classify", BINARY, "-f", "json", "--summary", str(summary))
    assert code == 0 and json.loads(out)["task"] == "binary"
    code, _, _ = invoke("regress", FIT, "-q", "--summary", str(summary))
    text = summary.read_text()
    assert text.startswith("earlier step\n### evalml · binary · 4,000 rows")
    assert text.count("### evalml ·") == 2 and "### evalml · regression" in text


def test_summary_is_appended_with_o_append_never_replaced(tmp_path, invoke):
    summary = tmp_path / "summary.md"
    summary.write_text("x\n")
    os.chmod(summary, 0o640)
    inode = summary.stat().st_ino
    assert invoke("classify", BINARY, "-q", "--summary", str(summary))[0] == 0
    st = summary.stat()
    assert st.st_ino == inode and stat.S_IMODE(st.st_mode) == 0o640


def test_summary_is_appended_even_when_a_gate_fails(tmp_path, invoke):
    summary = tmp_path / "s.md"
    code, _, _ = invoke("classify", BINARY, "-q", "-r", "roc_auc>=0.99", "--summary", str(summary))
    assert code == 1 and "### evalml · binary" in summary.read_text()


def test_summary_refuses_a_directory_and_accepts_a_fifo(tmp_path, invoke):
    code, _, err = invoke("classify", BINARY, "--summary", str(tmp_path))
    assert code == 2 and "--summary" in err and "directory" in err
    code, _, err = invoke("classify", BINARY, "--summary", "-")
    assert code == 2
    assert invoke("classify", BINARY, "-q", "--summary", os.devnull)[0] == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_summary_in_a_missing_directory_exits_2_before_reading(tmp_path, invoke):
    code, _, err = invoke("classify", BINARY, "--summary", str(tmp_path / "no" / "s.md"))
    assert code == 2 and "does not exist" in err


# --- check ----------------------------------------------------------------------------------------

CONFIG = """
[tool.evalml.evaluations.nightly-auc]
command = "classify"
file = "binary.csv"
require = ["roc_auc>=0.9", "log_loss<=0.3"]

[tool.evalml.evaluations.fit]
command = "regress"
file = "fit.csv"
require = ["r2>=0.9"]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    for name in ("binary.csv", "fit.csv"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_junit_classname_is_the_evaluation(project, invoke):
    code, _, _ = invoke("check", "nightly-auc", "--format", "junit", "--output", "evalml-junit.xml")
    assert code == 1
    cases = junit_cases(project / "evalml-junit.xml")
    assert [(c[0], c[1], c[2]) for c in cases] == [
        ("nightly-auc", "roc_auc>=0.9", []), ("nightly-auc", "log_loss<=0.3", ["Failure"])]


def test_check_summary_appends_the_summary_table_and_reports(project, invoke):
    summary = project / "step.md"
    code, out, _ = invoke("check", "--summary", str(summary), "-f", "json")
    assert code == 1 and json.loads(out)["passed"] is False
    text = summary.read_text()
    assert text.startswith("## evalml check\n")
    assert "| nightly-auc | log\\_loss&lt;=0.3 | 0.3471 | ❌ FAIL |" in text
    assert "### nightly-auc · evalml · binary" in text and "### fit · evalml · regression" in text


def test_check_tsv_is_evaluation_metric_value(project, invoke):
    code, out, _ = invoke("check", "-f", "tsv")
    rows = [ln.split("\t") for ln in out.splitlines()]
    assert all(len(r) == 3 for r in rows)
    assert ["nightly-auc", "roc_auc"] == rows[0][:2] and {r[0] for r in rows} == {"nightly-auc", "fit"}
