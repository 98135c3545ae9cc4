"""`evalml check`: evaluations declared once in [tool.evalml] / evalml.toml, run in-process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES
from evalml_cli import ci, config

CONFIG = """
[tool.evalml]
baseline_dir = "reports/baselines"

[tool.evalml.evaluations.test-auc]
command = "classify"
file = "data/binary.csv"
target = "y_true"
score = "y_score"
require = ["roc_auc>=0.90", "log_loss<=0.40"]

[tool.evalml.evaluations.species]
command = "classify"
file = "data/multiclass.csv"
target = "species"
score = "p_*"
require = ["accuracy>=0.7", "recall[e]>=0.9"]

[tool.evalml.evaluations.fit]
command = "regress"
file = "data/fit.csv"
target = "data"
pred = "theory"
require = ["r2>=0.99"]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("binary.csv", "multiclass.csv", "fit.csv"):
        shutil.copy(SAMPLES / name, data / name)
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_runs_every_evaluation_and_prints_one_summary_table(project, invoke):
    code, out, err = invoke("check")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1].split() == ["evaluation", "requirement", "value", "result"]
    rows = [ln.split() for ln in lines[3:-1]]
    assert [(r[0], r[1], r[-1]) for r in rows] == [
        ("test-auc", "roc_auc>=0.90", "pass"), ("test-auc", "log_loss<=0.40", "pass"),
        ("species", "accuracy>=0.7", "pass"), ("species", "recall[e]>=0.9", "pass"), ("fit", "r2>=0.99", "pass")]
    assert lines[-1] == "3 evaluations, 5 requirements, 0 failed"


def test_check_values_equal_the_library_api(project, invoke):
    import evalml_cli

    code, out, _ = invoke("check", "--format", "json")
    doc = json.loads(out)
    auc = evalml_cli.classify(project / "data/binary.csv", target="y_true", score="y_score").metrics["roc_auc"]
    assert doc["evaluations"]["test-auc"]["report"]["metrics"]["roc_auc"] == auc
    assert doc["evaluations"]["test-auc"]["outcomes"][0] == {
        "expression": "roc_auc>=0.90", "value": auc, "passed": True, "reason": ""}
    assert doc["passed"] is True and list(doc["evaluations"]) == ["test-auc", "species", "fit"]


def test_check_runs_in_process_not_via_subprocess(project, invoke, monkeypatch):
    import subprocess

    def boom(*a, **k):
        raise AssertionError("check must not start a subprocess")

    monkeypatch.setattr(subprocess, "run", boom)
    monkeypatch.setattr(subprocess, "Popen", boom)
    assert invoke("check")[0] == 0


def test_check_selected_names_in_the_given_order(project, invoke):
    code, out, _ = invoke("check", "fit", "test-auc", "-f", "tsv")
    assert code == 0
    assert [ln.split("\t")[0] for ln in out.splitlines()][0] == "fit"
    assert {ln.split("\t")[0] for ln in out.splitlines()} == {"fit", "test-auc"}


def test_a_failed_requirement_exits_1_with_a_failed_line(project, invoke):
    text = CONFIG.replace("roc_auc>=0.90", "roc_auc>=0.99")
    (project / "pyproject.toml").write_text(text)
    code, out, err = invoke("check")
    assert code == 1
    assert "FAILED test-auc: roc_auc>=0.99: got 0.9501" in err
    assert "test-auc     roc_auc>=0.99" in out and "FAIL" in out
    assert out.splitlines()[-1] == "3 evaluations, 5 requirements, 1 failed"


def test_unknown_key_is_a_config_error_naming_file_key_path_and_closest(project, invoke):
    (project / "pyproject.toml").write_text(CONFIG.replace('score = "y_score"', 'scroe = "y_score"'))
    code, out, err = invoke("check")
    assert code == 2 and out == ""
    assert err.startswith("evalml: error: pyproject.toml: unknown key tool.evalml.evaluations.test-auc.scroe")
    assert "did you mean 'score'?" in err and len(err.strip().splitlines()) == 1


def test_unknown_evaluation_name_exits_2(project, invoke):
    code, _, err = invoke("check", "test-aux")
    assert code == 2 and "did you mean 'test-auc'?" in err


def test_config_flag_names_an_evalml_toml_and_paths_are_relative_to_it(project, invoke, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("cfg")
    shutil.copytree(project / "data", elsewhere / "data")
    body = CONFIG.replace("[tool.evalml.", "[").replace("[tool.evalml]", "")
    (elsewhere / "evalml.toml").write_text(body)
    (project / "pyproject.toml").unlink()
    code, out, err = invoke("check", "--config", str(elsewhere / "evalml.toml"), "fit")
    assert code == 0, err and "fit" in out


def test_discovery_walks_up_from_a_subdirectory(project, invoke, monkeypatch):
    (project / "sub" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(project / "sub" / "deeper")
    assert invoke("check", "fit")[0] == 0


def test_no_config_anywhere_exits_2(tmp_path, invoke, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke("check")
    assert code == 2 and "no evalml configuration found" in err


def test_missing_data_file_names_the_evaluation_and_exits_2(project, invoke):
    (project / "data" / "fit.csv").unlink()
    code, _, err = invoke("check")
    assert code == 2 and err.startswith("evalml: error: evaluation 'fit':")


def test_a_key_the_api_does_not_take_is_refused_not_ignored(project, invoke, monkeypatch):
    # Simulate a key the config table knows but this evalml's api function does not take.
    monkeypatch.setitem(config.KEYS, "frobnicate", config.Key("bool", ("regress",), "--frobnicate"))
    monkeypatch.setitem(config.ALLOWED, "regress", config.ALLOWED["regress"] | {"frobnicate"})
    (project / "pyproject.toml").write_text(CONFIG + "frobnicate = true\n")
    code, _, err = invoke("check")
    assert code == 2
    assert "tool.evalml.evaluations.fit.frobnicate: this evalml's regress has no --frobnicate option" in err


def test_a_command_without_an_api_function_is_a_config_error(project, invoke, monkeypatch):
    monkeypatch.setitem(ci.RUNNERS, "regress", ci.Runner("no_such_api", ("regression",)))
    code, _, err = invoke("check")
    assert code == 2 and "command 'regress' is not available in this evalml" in err


def test_dispatch_table_covers_every_config_command():
    assert set(ci.RUNNERS) == set(config.COMMANDS)


def test_output_and_format_options_override_and_quiet_prints_nothing(project, invoke):
    code, out, err = invoke("check", "-q", "-o", "r.xml")
    assert code == 0 and out == "" and err == ""
    assert (project / "r.xml").read_text().startswith('<?xml version="1.0"')


def test_requirement_gate_errors_are_exit_2_before_running(project, invoke):
    (project / "pyproject.toml").write_text(CONFIG.replace("r2>=0.99", "r3>=0.99"))
    code, out, err = invoke("check")
    assert code == 2 and out == "" and "tool.evalml.evaluations.fit" in err and "unknown metric 'r3'" in err


# --- KEYS stay in sync with the real command-line options ------------------------------------

OUTPUT_ONLY = {"--format", "--output", "--quiet", "--summary", "--help"}


def _cli_options():
    import typer.main

    from evalml_cli.cli import app

    group = typer.main.get_command(app)
    return {name: {o for p in cmd.params for o in p.opts if o.startswith("--")} for name, cmd in group.commands.items()}


def test_every_cli_option_of_a_command_is_a_config_key_of_that_command():
    cli = _cli_options()
    for cmd in config.COMMANDS:
        if cmd not in cli:
            continue
        keys = {spec.flag for k, spec in config.KEYS.items() if cmd in spec.commands and spec.flag}
        assert cli[cmd] - OUTPUT_ONLY <= keys, (cmd, sorted(cli[cmd] - OUTPUT_ONLY - keys))


def test_every_config_key_is_a_cli_option_or_refused_by_check(tmp_path):
    """A key whose option the command does not have must be refused by check (exit 2), never ignored."""
    cli = _cli_options()
    for key, spec in config.KEYS.items():
        for cmd in spec.commands:
            if cmd not in cli or spec.flag is None:
                continue
            if spec.flag in cli[cmd]:
                continue
            ev = config.Evaluation("e", cmd, {"file": "x.csv", key: "v"}, config_path=tmp_path / "pyproject.toml")
            with pytest.raises(config.EvalmlError, match="has no"):
                ci.runner_for(ev)


def test_check_is_in_the_readme_with_its_options():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "evalml check" in readme
    for opt in _cli_options()["check"]:
        if opt != "--help":
            assert f"`{opt}" in readme, opt


def test_pulls_key_writes_the_pulls_csv_like_the_command(project, invoke):
    (project / "pyproject.toml").write_text(CONFIG.replace('pred = "theory"', 'pred = "theory"\nsigma = "stat_err"\n'
                                                           'pulls = "out/pulls.csv"'))
    (project / "out").mkdir()
    code, _, err = invoke("check", "fit")
    assert code == 0, err
    via_check = (project / "out" / "pulls.csv").read_text()
    code, _, _ = invoke("regress", "data/fit.csv", "-t", "data", "-p", "theory", "--sigma", "stat_err",
                        "--pulls", "direct.csv", "-q")
    assert via_check == (project / "direct.csv").read_text() and via_check.startswith("row,residual,pull\n")


def test_an_internal_error_is_one_line_and_exit_2(project, invoke, monkeypatch):
    monkeypatch.delenv("EVALML_DEBUG", raising=False)

    def bug(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(ci, "execute", bug)
    code, out, err = invoke("check")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "internal error" in err
