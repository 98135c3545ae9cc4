"""The command-line contract: stdout, stderr and exit code, checked separately."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from sklearn import metrics as skm

from conftest import SAMPLES, parse_json, run_evalml, write_csv


def _without_file(report: dict) -> dict:
    report = dict(report)
    report["inputs"] = {k: v for k, v in report["inputs"].items() if k != "file"}
    return report


def test_json_is_identical_across_csv_gzip_tsv_parquet_and_stdin(preds):
    reports = []
    for key in ("csv", "gz", "tsv", "parquet"):
        proc = run_evalml("classify", str(preds[key]), "--target", "y", "--score", "p", "--format", "json")
        assert proc.returncode == 0, proc.stderr
        reports.append(_without_file(json.loads(proc.stdout)))
    proc = run_evalml("classify", "-", "--target", "y", "--score", "p", "--format", "json", stdin=preds["csv"].read_bytes())
    assert proc.returncode == 0, proc.stderr
    stdin_report = json.loads(proc.stdout)
    assert stdin_report["inputs"]["file"] == "<stdin>"
    reports.append(_without_file(stdin_report))
    assert all(r == reports[0] for r in reports[1:])


def test_json_numbers_match_sklearn_end_to_end(preds, invoke):
    code, out, err = invoke("classify", str(preds["parquet"]), "-t", "y", "-s", "p", "-w", "w", "-f", "json")
    assert code == 0, err
    rep = parse_json(out)
    import pyarrow.parquet as pq

    t = pq.read_table(preds["parquet"]).to_pydict()
    y, p, w = np.array(t["y"]), np.array(t["p"]), np.array(t["w"])
    assert rep["task"] == "binary" and rep["n"] == 300
    assert set(rep) >= {"task", "n", "inputs", "metrics", "warnings", "version"}
    assert rep["inputs"] == {"file": str(preds["parquet"]), "target": "y", "score": "p", "weight": "w",
                             "threshold": 0.5, "pos_label": "1"}
    m = rep["metrics"]
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p, sample_weight=w), rel=1e-9)
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, p, sample_weight=w), rel=1e-9)
    assert m["f1"] == pytest.approx(skm.f1_score(y, p >= 0.5, sample_weight=w), rel=1e-9)


def test_columns_are_detected_and_reported_on_stderr(invoke):
    code, out, err = invoke("classify", str(SAMPLES / "binary.csv"), "--threshold", "0.5")
    assert code == 0
    assert "roc_auc" in out and "confusion matrix" in out
    assert "y_true" in err and "y_score" in err and "detected" in err


def test_detection_is_case_insensitive(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "Label,Probability\n0,0.1\n1,0.9\n")
    code, out, err = invoke("classify", str(f), "-f", "json")
    assert code == 0, err
    assert parse_json(out)["inputs"]["target"] == "Label"


def test_stdin_pipeline_to_jq_style_access(preds):
    proc = run_evalml("classify", "-", "-t", "y", "-s", "p", "--format", "json", stdin=preds["csv"].read_bytes())
    assert proc.returncode == 0
    assert 0.5 < json.loads(proc.stdout)["metrics"]["roc_auc"] <= 1.0


# -- gates -------------------------------------------------------------------------------------


def test_passing_gates_exit_0(preds, invoke):
    code, out, err = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "--require", "roc_auc>=0.5",
                            "--require", "log_loss<=5", "-q")
    assert (code, out) == (0, "")
    assert "FAILED" not in err


def test_failed_gate_exits_1_after_rendering_and_prints_failure(preds, invoke):
    code, out, err = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "-f", "json",
                            "--require", "roc_auc>=0.999", "--require", "accuracy>0")
    assert code == 1
    assert parse_json(out)["metrics"]["roc_auc"] < 0.999  # report still rendered
    lines = [ln for ln in err.splitlines() if ln.startswith("FAILED")]
    assert len(lines) == 1 and lines[0].startswith("FAILED roc_auc>=0.999: got 0.")


def test_gate_on_null_metric_fails(tmp_path, invoke):
    f = write_csv(tmp_path / "one.csv", "y,score\n1,0.2\n1,0.9\n")
    code, out, err = invoke("classify", str(f), "--require", "roc_auc>=0.5", "-f", "json")
    assert code == 1
    assert parse_json(out)["metrics"]["roc_auc"] is None
    assert "FAILED roc_auc>=0.5: got null" in err


@pytest.mark.parametrize("expr", ["roc_auc>>0.9", "roc_auc>=", "roc_auc 0.9", ">=0.9", "roc_auc>=abc"])
def test_malformed_requirement_exits_2_before_reading(expr, invoke):
    code, out, err = invoke("classify", "does-not-exist.csv", "--require", expr)
    assert code == 2 and out == ""
    assert "malformed --require" in err and "not found" not in err


def test_unknown_metric_exits_2_with_suggestion(invoke):
    code, out, err = invoke("classify", "does-not-exist.csv", "--require", "roc_uac>=0.9")
    assert code == 2
    assert "unknown metric 'roc_uac'" in err and "roc_auc" in err


def test_equality_gate_and_strict_ops(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,score\n0,0.1\n1,0.9\n")
    assert invoke("classify", str(f), "-r", "roc_auc==1", "-q")[0] == 0
    assert invoke("classify", str(f), "-r", "roc_auc<1", "-q")[0] == 1
    assert invoke("classify", str(f), "-r", "tp>0.5", "-q")[0] == 0


# -- output ------------------------------------------------------------------------------------


def test_output_is_written_and_format_inferred_from_extension(preds, tmp_path, invoke):
    target = tmp_path / "report.json"
    code, out, err = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "--output", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["task"] == "binary"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_not_created_on_error(tmp_path, invoke):
    target = tmp_path / "report.json"
    code, _, _ = invoke("classify", str(tmp_path / "missing.csv"), "--output", str(target))
    assert code == 2 and not target.exists()


def test_output_keeps_previous_file_when_evaluation_fails(tmp_path, invoke):
    target = tmp_path / "report.json"
    target.write_text("old")
    bad = write_csv(tmp_path / "bad.csv", "y,score\n0,abc\n")
    assert invoke("classify", str(bad), "-o", str(target))[0] == 2
    assert target.read_text() == "old"


def test_output_into_missing_directory_is_an_input_error(preds, tmp_path, invoke):
    code, _, err = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "-o", str(tmp_path / "no" / "r.json"))
    assert code == 2 and "does not exist" in err


def test_markdown_format(preds, invoke):
    code, out, _ = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "--format", "markdown")
    assert code == 0
    assert out.startswith("### evalml · binary")
    assert "| `roc_auc` |" in out and "|---:|" in out


def test_quiet_prints_nothing(preds, invoke):
    code, out, err = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "-q")
    assert (code, out, err) == (0, "", "")


def test_undefined_metric_is_null_with_warning_in_json_and_na_in_table(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,score\n0,0.1\n0,0.2\n")
    code, out, _ = invoke("classify", str(f), "-f", "json")
    rep = parse_json(out)
    assert rep["metrics"]["roc_auc"] is None and rep["metrics"]["precision"] is None
    assert any(w.startswith("roc_auc is undefined") for w in rep["warnings"])
    code, out, _ = invoke("classify", str(f))
    assert "n/a" in out and "roc_auc is undefined" in out


def test_json_has_only_finite_numbers(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,score\n1,5.0\n0,-3.0\n")  # not probabilities
    code, out, _ = invoke("classify", str(f), "-f", "json")
    assert code == 0
    rep = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-finite {c}"))
    assert rep["metrics"]["log_loss"] is None and rep["metrics"]["roc_auc"] == 1.0


def test_version(invoke):
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("evalml ")


def test_help_lists_options(invoke):
    code, out, _ = invoke("classify", "--help")
    assert code == 0
    for opt in ("--target", "--score", "--weight", "--pos-label", "--threshold", "--drop-invalid",
                "--format", "--output", "--quiet", "--require"):
        assert opt in out


def test_usage_error_exits_2(invoke):
    code, _, _ = invoke("classify", "x.csv", "--format", "xml")
    assert code == 2
    code, _, _ = invoke("classify", "x.csv", "--threshold", "abc")
    assert code == 2


# -- real subprocess ---------------------------------------------------------------------------


def test_installed_command_exit_codes_and_no_traceback(preds, tmp_path):
    ok = run_evalml("classify", str(preds["parquet"]), "-t", "y", "-s", "p", "-r", "roc_auc>=0.5")
    assert ok.returncode == 0 and b"roc_auc" in ok.stdout
    gate = run_evalml("classify", str(preds["parquet"]), "-t", "y", "-s", "p", "-r", "roc_auc>=0.9999")
    assert gate.returncode == 1 and b"FAILED roc_auc>=0.9999" in gate.stderr
    bad = run_evalml("classify", str(tmp_path / "nope.parquet"))
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr
    assert bad.stderr.decode().count("\n") == 1


def test_no_color_means_no_escape_codes(preds):
    proc = run_evalml("classify", str(preds["csv"]), "-t", "y", "-s", "p", env={"NO_COLOR": "1", "FORCE_COLOR": ""})
    assert b"\x1b[" not in proc.stdout


def test_broken_pipe_is_not_a_failure(preds):
    cmd = f"evalml classify {preds['csv']} -t y -s p -f json | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "0", out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_startup_does_not_import_pandas_scipy_or_sklearn(preds, kind):
    code = (
        "import sys; from evalml_cli.cli import main; sys.argv=['evalml','classify',sys.argv[1],'-t','y','-s','p','-q'];"
        "\ntry:\n main()\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('pandas','scipy','sklearn','matplotlib','pydantic') if m in sys.modules))"
    )
    import sys

    proc = subprocess.run([sys.executable, "-c", code, str(preds[kind])], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_math_isfinite_guard_on_threshold(preds, invoke):
    code, _, err = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "--threshold", "nan")
    assert code == 2 and "finite" in err


def test_unexpected_error_is_one_line_exit_2(preds, invoke, monkeypatch):
    from evalml_cli import evaluate

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(evaluate, "classify_binary", boom)
    code, out, err = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p")
    assert code == 2 and out == ""
    assert err.strip() == "evalml: internal error: RuntimeError: kaboom (set EVALML_DEBUG=1 for a traceback)"


def test_table_output_into_closed_pipe(preds):
    cmd = f"evalml classify {preds['csv']} -t y -s p | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "0" and "Traceback" not in out.stderr


def test_terminal_table_uses_rich_with_colour_and_plain_table_matches_its_content(preds):
    from evalml_cli import evaluate, io
    from evalml_cli.render import render_text

    report = evaluate.classify_binary(io.read_binary(str(preds["csv"]), target="y", score="p"))
    rich_text = render_text(report, "table", width=100, color=True)
    plain = render_text(report, "table", width=100, color=False)
    assert "\x1b[" in rich_text and "\x1b[" not in plain
    for needle in ("roc_auc", "confusion matrix at score ≥ 0.5", "actual positive", f"{report.n:,} rows"):
        assert needle in rich_text and needle in plain
