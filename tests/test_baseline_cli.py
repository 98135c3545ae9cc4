"""--baseline on every command and on check; --max-drop / --max-rise; check --update-baseline."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import SAMPLES

BINARY = str(SAMPLES / "binary.csv")
FIT = str(SAMPLES / "fit.csv")
DENSITY = str(SAMPLES / "density.csv")


@pytest.fixture
def saved(tmp_path, invoke):
    """The binary sample's report, saved as a baseline."""
    path = tmp_path / "main.json"
    code, _, err = invoke("classify", BINARY, "-t", "y_true", "-s", "y_score", "-f", "json", "-o", str(path))
    assert code == 0, err
    return path


def edited(path, tmp_path, **metrics):
    doc = json.loads(path.read_text())
    doc["metrics"].update(metrics)
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(doc))
    return out, doc


def test_json_baseline_block_has_file_and_change_direction_per_metric(saved, tmp_path, invoke):
    base, doc = edited(saved, tmp_path, roc_auc=0.96, log_loss=0.40)
    code, out, _ = invoke("classify", BINARY, "-t", "y_true", "-s", "y_score", "--baseline", str(base), "-f", "json")
    assert code == 0
    report = json.loads(out)
    block = report["baseline"]
    assert block["file"] == str(base)
    now = report["metrics"]
    assert block["changes"]["roc_auc"] == {"baseline": 0.96, "change": now["roc_auc"] - 0.96, "direction": "worse"}
    assert block["changes"]["log_loss"] == {"baseline": 0.40, "change": now["log_loss"] - 0.40, "direction": "better"}
    assert block["changes"]["f1"]["direction"] == "same" and block["changes"]["f1"]["change"] == 0
    assert block["changes"]["tp"]["direction"] == "n/a"  # a count: descriptive
    assert set(block["changes"]) == set(now)


def test_without_baseline_the_json_has_no_baseline_key(invoke):
    code, out, _ = invoke("classify", BINARY, "-f", "json")
    assert "baseline" not in json.loads(out)


def test_table_and_markdown_show_change_and_direction(saved, tmp_path, invoke):
    base, _ = edited(saved, tmp_path, roc_auc=0.96)
    code, out, _ = invoke("classify", BINARY, "--baseline", str(base))
    assert code == 0 and f"against baseline {base}" in out
    row = next(ln for ln in out.splitlines() if ln.startswith("roc_auc") and "worse" in ln)
    assert row.split() == ["roc_auc", "0.9501", "0.9600", "-0.0099", "worse"]
    code, out, _ = invoke("classify", BINARY, "--baseline", str(base), "-f", "markdown")
    assert "| roc\\_auc | 0.9501 | 0.9600 | -0.0099 | worse |" in out


@pytest.mark.parametrize(("old", "gate", "code"), [
    (0.9501049107142856 + 0.005, "roc_auc=0.005", 0),   # exactly the allowed drop passes
    (0.96, "roc_auc=0.005", 1),
    (0.96, "roc_auc=0.01", 0),
])
def test_max_drop_gate(saved, tmp_path, invoke, old, gate, code):
    base, _ = edited(saved, tmp_path, roc_auc=old)
    got, _, err = invoke("classify", BINARY, "--baseline", str(base), "--max-drop", gate, "-q")
    assert got == code, err
    if code:
        assert f"FAILED --max-drop {gate}: roc_auc fell by 0.0099 (0.9600 → 0.9501), more than 0.005" in err


def test_max_rise_gate_on_a_loss(saved, tmp_path, invoke):
    base, _ = edited(saved, tmp_path, log_loss=0.30)
    code, _, err = invoke("classify", BINARY, "--baseline", str(base), "--max-rise", "log_loss=0.01", "-q")
    assert code == 1 and "FAILED --max-rise log_loss=0.01: log_loss rose by 0.0471" in err
    assert invoke("classify", BINARY, "--baseline", str(base), "--max-rise", "log_loss=0.05", "-q")[0] == 0


def test_wrong_direction_gate_and_gate_without_baseline_exit_2(saved, invoke):
    code, _, err = invoke("classify", BINARY, "--baseline", str(saved), "--max-drop", "log_loss=0.01")
    assert code == 2 and "use --max-rise log_loss=0.01" in err
    code, _, err = invoke("classify", BINARY, "--max-drop", "roc_auc=0.01")
    assert code == 2 and "need a baseline report" in err


def test_baseline_of_another_task_exits_2_naming_both(saved, invoke):
    code, out, err = invoke("regress", FIT, "--baseline", str(saved))
    assert code == 2 and out == ""
    assert "is a binary report, this one is regression" in err


def test_baseline_of_another_report_format_exits_2(saved, tmp_path, invoke):
    doc = json.loads(saved.read_text())
    doc["version"] = "9.9.0"
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc))
    code, _, err = invoke("classify", BINARY, "--baseline", str(old))
    assert code == 2 and "has report format 9.9, this evalml writes" in err


def test_baseline_without_the_gated_metric_exits_2(saved, tmp_path, invoke):
    doc = json.loads(saved.read_text())
    del doc["metrics"]["roc_auc"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc))
    code, _, err = invoke("classify", BINARY, "--baseline", str(old), "--max-drop", "roc_auc=0.01")
    assert code == 2 and "has no metric 'roc_auc'" in err


def test_missing_or_bad_baseline_exits_2_before_writing(tmp_path, invoke):
    out = tmp_path / "r.json"
    code, _, err = invoke("classify", BINARY, "--baseline", str(tmp_path / "nope.json"), "-o", str(out))
    assert code == 2 and "does not exist" in err and not out.exists()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = invoke("classify", BINARY, "--baseline", str(bad))
    assert code == 2 and "is not valid JSON" in err


@pytest.mark.parametrize(("cmd", "path", "args", "metric"), [
    ("regress", FIT, ["-t", "data", "-p", "theory"], "rmse"),
    ("density", DENSITY, ["-l", "model_pdf"], "mean_nll"),
])
def test_baseline_on_regress_and_density(tmp_path, invoke, cmd, path, args, metric):
    base = tmp_path / "b.json"
    assert invoke(cmd, path, *args, "-f", "json", "-o", str(base))[0] == 0
    code, out, _ = invoke(cmd, path, *args, "--baseline", str(base), "-f", "json")
    assert code == 0
    changes = json.loads(out)["baseline"]["changes"]
    assert changes and all(c["change"] == 0 for c in changes.values() if c["change"] is not None)
    if metric:
        assert invoke(cmd, path, *args, "--baseline", str(base), "--max-rise", f"{metric}=0")[0] == 0


# --- check --------------------------------------------------------------------------------------

CONFIG = """
[tool.evalml]
baseline_dir = "baselines"

[tool.evalml.evaluations.auc]
command = "classify"
file = "binary.csv"
target = "y_true"
score = "y_score"
require = ["roc_auc>=0.9"]
max_drop = { roc_auc = 0.005 }
max_rise = { log_loss = 0.01 }
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copy(SAMPLES / "binary.csv", tmp_path / "binary.csv")
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_update_baseline_writes_the_report_where_the_config_says(project, invoke):
    code, _, err = invoke("check")
    assert code == 2 and "baselines/auc.json does not exist" in err and "--update-baseline" in err
    code, _, err = invoke("check", "--update-baseline")
    assert code == 0, err
    written = json.loads((project / "baselines" / "auc.json").read_text())
    assert written["task"] == "binary" and "baseline" not in written
    code, out, err = invoke("check", "-f", "json")
    assert code == 0, err
    outcomes = json.loads(out)["evaluations"]["auc"]["outcomes"]
    assert [o["expression"] for o in outcomes] == ["roc_auc>=0.9", "--max-drop roc_auc=0.005", "--max-rise log_loss=0.01"]
    assert [o["value"] for o in outcomes[1:]] == [0.0, 0.0]


def test_check_max_drop_fails_against_a_better_baseline(project, invoke):
    invoke("check", "--update-baseline")
    path = project / "baselines" / "auc.json"
    doc = json.loads(path.read_text())
    doc["metrics"]["roc_auc"] = 0.97
    path.write_text(json.dumps(doc))
    code, out, err = invoke("check")
    assert code == 1 and "FAILED auc: --max-drop roc_auc=0.005: roc_auc fell by 0.0199" in err


def test_check_baseline_option_overrides_the_config(project, invoke, tmp_path_factory):
    invoke("check", "--update-baseline")
    other = tmp_path_factory.mktemp("main") / "auc.json"
    doc = json.loads((project / "baselines" / "auc.json").read_text())
    doc["metrics"]["log_loss"] = 0.2
    other.write_text(json.dumps(doc))
    assert invoke("check", "-q")[0] == 0
    code, _, err = invoke("check", "-q", "--baseline", str(other))
    assert code == 1 and "--max-rise log_loss=0.01" in err
    code, _, err = invoke("check", "-q", "--baseline", str(other.parent))  # a directory: DIR/NAME.json
    assert code == 1
    code, _, err = invoke("check", "-q", "--baseline", str(other), "--max-rise", "log_loss=0.2")
    assert code == 0, err


def test_check_baseline_of_another_task_names_the_evaluation(project, invoke, tmp_path):
    base = tmp_path / "fit.json"
    assert invoke("regress", str(SAMPLES / "fit.csv"), "-f", "json", "-o", str(base))[0] == 0
    code, _, err = invoke("check", "--baseline", str(base))
    assert code == 2 and "evaluation 'auc'" in err and "regression report, this one is binary" in err


def test_update_baseline_without_a_location_is_an_error(project, invoke):
    (project / "pyproject.toml").write_text(CONFIG.replace('baseline_dir = "baselines"', "").replace(
        "max_drop = { roc_auc = 0.005 }\nmax_rise = { log_loss = 0.01 }\n", ""))
    code, _, err = invoke("check", "--update-baseline")
    assert code == 2 and "no baseline location" in err
