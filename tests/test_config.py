"""[tool.evalml] configuration: discovery walking up, precedence, validation, paths."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from evalml_cli import config
from evalml_cli.config import ALLOWED, KEYS, discover, load_config, select
from evalml_cli.errors import EvalmlError

GOOD = """
[tool.evalml]
baseline_dir = "reports/baselines"

[tool.evalml.evaluations.test-auc]
command = "classify"
file = "preds/test.parquet"
target = "y"
score = "p"
pos_label = 1
threshold = 0.4
require = ["roc_auc>=0.90", "log_loss<=0.35"]
max_drop = { roc_auc = 0.005 }
max_rise = { log_loss = 0.01 }

[tool.evalml.evaluations.fit]
command = "regress"
file = "fit.csv"
sigma = "err"
cov = "../shared/cov.npy"
n_params = 3
baseline = "reports/fit-main.json"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str, name: str = "pyproject.toml") -> str:
    cfg = write(tmp_path / name, text)
    with pytest.raises(EvalmlError) as info:
        load_config(cfg)
    return str(info.value)


def evaluation_toml(body: str, name: str = "e") -> str:
    return f"[tool.evalml.evaluations.{name}]\n{body}\n"


# --- discovery ------------------------------------------------------------------------------


def test_discovery_walks_up_to_the_nearest_pyproject_with_tool_evalml(tmp_path, monkeypatch):
    write(tmp_path / "pyproject.toml", GOOD)
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    cfg = load_config()
    assert cfg.path == tmp_path / "pyproject.toml"
    assert [e.name for e in cfg.evaluations] == ["test-auc", "fit"]


def test_discovery_passes_over_a_pyproject_without_tool_evalml(tmp_path, monkeypatch):
    write(tmp_path / "pyproject.toml", GOOD)
    write(tmp_path / "sub" / "pyproject.toml", "[project]\nname = 'x'\n[tool.ruff]\nline-length = 100\n")
    monkeypatch.chdir(tmp_path / "sub")
    assert discover() == (tmp_path / "pyproject.toml", ())


def test_nearest_directory_wins_over_a_parent_evalml_toml(tmp_path, monkeypatch):
    write(tmp_path / "evalml.toml", '[evaluations.outer]\ncommand = "density"\nfile = "d.csv"\n')
    write(tmp_path / "sub" / "pyproject.toml", evaluation_toml('command = "classify"\nfile = "t.csv"', "inner"))
    monkeypatch.chdir(tmp_path / "sub")
    assert [e.name for e in load_config().evaluations] == ["inner"]


def test_evalml_toml_wins_over_pyproject_in_the_same_directory_with_a_note(tmp_path, monkeypatch):
    write(tmp_path / "pyproject.toml", GOOD)
    write(tmp_path / "evalml.toml", '[evaluations.own]\ncommand = "density"\nfile = "d.csv"\n')
    monkeypatch.chdir(tmp_path)
    cfg = load_config()
    assert cfg.path == tmp_path / "evalml.toml"
    assert [e.name for e in cfg.evaluations] == ["own"]
    assert len(cfg.notes) == 1 and "ignored" in cfg.notes[0] and "pyproject.toml" in cfg.notes[0]


def test_no_configuration_anywhere_is_an_error_naming_the_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # tmp_path's parents (/tmp, /) hold no evalml configuration on a test machine
    if discover(tmp_path) is not None:
        pytest.skip("a parent of the temporary directory has an evalml configuration")
    with pytest.raises(EvalmlError, match="no evalml configuration found") as info:
        load_config()
    assert str(tmp_path) in str(info.value) and "--config" in str(info.value)


def test_explicit_config_path_is_used_without_discovery(tmp_path, monkeypatch):
    write(tmp_path / "pyproject.toml", GOOD)
    other = write(tmp_path / "ci" / "nightly.toml", '[evaluations.nightly]\ncommand = "classify"\nfile = "n.csv"\n')
    monkeypatch.chdir(tmp_path)
    cfg = load_config(other)
    assert [e.name for e in cfg.evaluations] == ["nightly"]
    assert cfg.evaluations[0].options["file"] == str(tmp_path / "ci" / "n.csv")


def test_explicit_pyproject_without_tool_evalml_is_an_error(tmp_path):
    msg = error_of(tmp_path, "[project]\nname = 'x'\n")
    assert "pyproject.toml has no [tool.evalml] table" in msg


def test_missing_explicit_config_file_is_an_error(tmp_path):
    with pytest.raises(EvalmlError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_invalid_toml_names_the_file_and_line(tmp_path):
    msg = error_of(tmp_path, "[tool.evalml\ncommand = 1\n")
    assert "pyproject.toml is not valid TOML" in msg and "line 1" in msg


def test_invalid_toml_in_a_parent_pyproject_found_while_walking_up_is_an_error(tmp_path, monkeypatch):
    write(tmp_path / "pyproject.toml", "this is = = not toml")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    with pytest.raises(EvalmlError, match="not valid TOML"):
        load_config()


def test_evalml_toml_with_a_tool_evalml_table_gets_a_hint(tmp_path):
    msg = error_of(tmp_path, GOOD, name="evalml.toml")
    assert "unknown key tool" in msg and "[evaluations.NAME]" in msg


# --- the parsed evaluations -----------------------------------------------------------------


def test_good_config_gives_typed_evaluations_with_resolved_paths(tmp_path):
    cfg = load_config(write(tmp_path / "pyproject.toml", GOOD))
    auc, fit = cfg.evaluations
    assert auc.command == "classify" and auc.config_path == tmp_path / "pyproject.toml"
    assert auc.options == {
        "file": str(tmp_path / "preds" / "test.parquet"), "target": "y", "score": "p",
        "pos_label": "1", "threshold": 0.4,
    }
    assert auc.requirements == ("roc_auc>=0.90", "log_loss<=0.35")
    assert auc.max_drop == {"roc_auc": 0.005} and auc.max_rise == {"log_loss": 0.01}
    # no explicit baseline: baseline_dir/NAME.json
    assert cfg.baseline_dir == tmp_path / "reports" / "baselines"
    assert auc.baseline == tmp_path / "reports" / "baselines" / "test-auc.json" and not auc.baseline_explicit
    # explicit baseline wins, relative to the config file
    assert fit.baseline == tmp_path / "reports" / "fit-main.json" and fit.baseline_explicit
    assert fit.options["cov"] == str(tmp_path.parent / "shared" / "cov.npy")  # normalized, not resolved
    assert fit.options["n_params"] == 3 and fit.requirements == ()


def test_paths_are_relative_to_the_config_file_not_the_current_directory(tmp_path, monkeypatch):
    write(tmp_path / "proj" / "pyproject.toml", evaluation_toml('command = "classify"\nfile = "p.csv"'))
    (tmp_path / "proj" / "deep").mkdir()
    monkeypatch.chdir(tmp_path / "proj" / "deep")
    (e,) = load_config().evaluations
    assert e.options["file"] == str(tmp_path / "proj" / "p.csv")


def test_absolute_paths_and_urls_are_kept(tmp_path):
    body = f'command = "compare"\nfiles = ["{tmp_path / "a.csv"}", "s3://bucket/b.parquet"]'
    (e,) = load_config(write(tmp_path / "pyproject.toml", evaluation_toml(body))).evaluations
    assert e.options["files"] == [str(tmp_path / "a.csv"), "s3://bucket/b.parquet"]


def test_argv_is_the_equivalent_command_line(tmp_path):
    cfg = load_config(write(tmp_path / "pyproject.toml", GOOD))
    assert cfg.evaluations[0].argv() == [
        "classify", str(tmp_path / "preds" / "test.parquet"), "--target", "y", "--score", "p",
        "--pos-label", "1", "--threshold", "0.4", "--require", "roc_auc>=0.90", "--require", "log_loss<=0.35",
        "--baseline", str(tmp_path / "reports" / "baselines" / "test-auc.json"),
        "--max-drop", "roc_auc=0.005", "--max-rise", "log_loss=0.01",
    ]


def test_compare_scores_list_becomes_repeated_flags(tmp_path):
    body = 'command = "compare"\nfile = "t.csv"\nscore = ["old", "new"]\nci = 0.9'
    (e,) = load_config(write(tmp_path / "pyproject.toml", evaluation_toml(body))).evaluations
    assert e.argv() == ["compare", str(tmp_path / "t.csv"), "--score", "old", "--score", "new", "--ci", "0.9"]


# --- validation -----------------------------------------------------------------------------


def test_unknown_key_names_file_key_path_and_closest_key(tmp_path):
    msg = error_of(tmp_path, evaluation_toml('command = "classify"\nfile = "t.csv"\nscroe = "p"', "test-auc"))
    assert "pyproject.toml: unknown key tool.evalml.evaluations.test-auc.scroe" in msg
    assert "did you mean 'score'?" in msg


def test_unknown_key_in_evalml_toml_has_the_path_without_tool_prefix(tmp_path):
    msg = error_of(tmp_path, '[evaluations.a]\ncommand = "regress"\nfile = "f.csv"\nsigmma = "e"\n', "evalml.toml")
    assert "evalml.toml: unknown key evaluations.a.sigmma" in msg and "did you mean 'sigma'?" in msg


def test_hyphenated_key_suggests_the_underscore_spelling(tmp_path):
    msg = error_of(tmp_path, evaluation_toml('command = "classify"\nfile = "t.csv"\npos-label = "yes"'))
    assert "unknown key tool.evalml.evaluations.e.pos-label" in msg and "did you mean 'pos_label'?" in msg


def test_unknown_top_level_key_is_an_error(tmp_path):
    msg = error_of(tmp_path, '[tool.evalml]\nbaseline_dirs = "b"\n')
    assert "unknown key tool.evalml.baseline_dirs" in msg and "did you mean 'baseline_dir'?" in msg


def test_evaluation_option_at_top_level_points_inside_an_evaluation(tmp_path):
    msg = error_of(tmp_path, '[tool.evalml]\nrequire = ["roc_auc>=0.9"]\n')
    assert "unknown key tool.evalml.require" in msg and "evaluations.NAME" in msg


def test_key_of_another_command_names_its_owners(tmp_path):
    msg = error_of(tmp_path, evaluation_toml('command = "classify"\nfile = "t.csv"\nsigma = "err"'))
    assert "tool.evalml.evaluations.e.sigma: classify has no option 'sigma'" in msg
    assert "regress" in msg


def test_key_path_quotes_names_that_are_not_bare_keys(tmp_path):
    msg = error_of(tmp_path, '[tool.evalml.evaluations."v1.2"]\ncommand = "classify"\nfile = "t.csv"\nscroe = 1\n')
    assert 'tool.evalml.evaluations."v1.2".scroe' in msg


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('require = 1', "tool.evalml.evaluations.e.require: must be a list of strings, got int"),
        ('require = "roc_auc>=0.9"', "must be a list of strings, got str"),
        ('require = ["roc_auc>=0.9", 3]', "tool.evalml.evaluations.e.require.1: must be a non-empty string, got int"),
        ('threshold = true', "threshold: must be a finite number or a string, got bool"),
        ('threshold = nan', "threshold: must be a finite number or a string, got float"),
        ('top_k = 0', "top_k: must be ≥ 1, got 0"),
        ('top_k = 2.0', "top_k: must be an integer, got float"),
        ('drop_invalid = "yes"', "drop_invalid: must be true or false, got str"),
        ('target = 3', "target: must be a string, got int"),
        ('pos_label = 1.5', "pos_label: must be a string or an integer, got float"),
        ('ci = 1.5', "ci: must be a confidence level in (0, 1), got 1.5"),
        ('max_drop = 0.01', "max_drop: must be a table of metric = number, got float"),
        ('max_drop = { roc_auc = "0.01" }', "max_drop.roc_auc: must be a finite number, got str"),
        ('max_drop = { roc_auc = -0.01 }', "max_drop.roc_auc: must be ≥ 0, got -0.01"),
        ('max_drop = { roc_acu = 0.01 }', "did you mean 'roc_auc'?"),
        ('max_drop = { log_loss = 0.01 }', "log_loss is a loss (lower is better) (use max_rise = { log_loss = 0.01 })"),
        ('max_rise = { roc_auc = 0.01 }', "roc_auc is a score (higher is better) (use max_drop = { roc_auc = 0.01 })"),
        ('max_rise = { tp = 1 }', "tp is descriptive (neither higher nor lower is better) (gate its value instead: require = ['tp<=X'])"),
    ],
)
def test_wrong_types_and_values_name_the_key_path(tmp_path, body, expected):
    toml = evaluation_toml(f'command = "classify"\nfile = "t.csv"\nbaseline = "b.json"\n{body}')
    msg = error_of(tmp_path, toml)
    assert msg.startswith("pyproject.toml: ") or "pyproject.toml" in msg
    assert expected in msg


def test_missing_command_and_unknown_command(tmp_path):
    assert "tool.evalml.evaluations.e: missing key 'command'" in error_of(tmp_path, evaluation_toml('file = "t.csv"'))
    msg = error_of(tmp_path, evaluation_toml('command = "clasify"\nfile = "t.csv"'))
    assert "unknown command 'clasify'" in msg and "did you mean 'classify'?" in msg


def test_missing_file_is_an_error(tmp_path):
    assert "missing key 'file'" in error_of(tmp_path, evaluation_toml('command = "regress"'))
    assert "missing key 'file' (or 'files')" in error_of(tmp_path, evaluation_toml('command = "compare"'))


def test_compare_takes_file_or_files_not_both(tmp_path):
    msg = error_of(tmp_path, evaluation_toml('command = "compare"\nfile = "a.csv"\nfiles = ["a.csv", "b.csv"]'))
    assert "'file' or 'files', not both" in msg
    msg = error_of(tmp_path, evaluation_toml('command = "compare"\nfiles = ["a", "b", "c"]'))
    assert "must name one or two files, got 3" in msg


def test_max_drop_without_any_baseline_is_an_error(tmp_path):
    msg = error_of(tmp_path, evaluation_toml('command = "classify"\nfile = "t.csv"\nmax_drop = { roc_auc = 0.01 }'))
    assert "max_drop/max_rise need a baseline" in msg


def test_evaluation_must_be_a_table_and_name_must_be_usable(tmp_path):
    assert "must be a table, got int" in error_of(tmp_path, "[tool.evalml.evaluations]\ne = 1\n")
    msg = error_of(tmp_path, '[tool.evalml.evaluations."a b"]\ncommand = "classify"\nfile = "t.csv"\n')
    assert 'evaluations."a b": evaluation names may use' in msg


def test_bool_is_not_accepted_as_an_integer(tmp_path):
    # TOML true is a Python bool, which is an int subclass: it must not pass as n_params = 1.
    msg = error_of(tmp_path, evaluation_toml('command = "regress"\nfile = "f.csv"\nn_params = true'))
    assert "n_params: must be an integer, got bool" in msg


def test_every_key_belongs_to_a_command_and_every_command_has_file_and_require_rules():
    assert set(ALLOWED) == set(config.COMMANDS)
    for key, spec in KEYS.items():
        assert spec.commands and set(spec.commands) <= set(config.COMMANDS), key
    for cmd in config.COMMANDS:
        assert {"command", "file"} <= ALLOWED[cmd]
    assert "files" in ALLOWED["compare"] and "files" not in ALLOWED["classify"]


def test_flags_look_like_cli_options():
    for key, spec in KEYS.items():
        if spec.flag is not None:
            assert spec.flag == "--" + key.replace("_", "-"), key


# --- select ---------------------------------------------------------------------------------


def test_select_all_by_default_and_by_name_in_the_given_order(tmp_path):
    cfg = load_config(write(tmp_path / "pyproject.toml", GOOD))
    assert [e.name for e in select(cfg.evaluations)] == ["test-auc", "fit"]
    assert [e.name for e in select(cfg.evaluations, ["fit", "test-auc", "fit"])] == ["fit", "test-auc"]


def test_select_unknown_name_lists_the_known_ones(tmp_path):
    cfg = load_config(write(tmp_path / "pyproject.toml", GOOD))
    with pytest.raises(EvalmlError) as info:
        select(cfg.evaluations, ["test-aux"], source=cfg.path)
    msg = str(info.value)
    assert "unknown evaluation 'test-aux'" in msg and "did you mean 'test-auc'?" in msg and "known: test-auc, fit" in msg


def test_select_from_a_config_without_evaluations_is_an_error(tmp_path):
    cfg = load_config(write(tmp_path / "pyproject.toml", '[tool.evalml]\nbaseline_dir = "b"\n'))
    assert cfg.evaluations == ()
    with pytest.raises(EvalmlError, match="no evaluations declared"):
        select(cfg.evaluations)


def test_missing_toml_parser_on_python_310_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    with pytest.raises(EvalmlError, match="pip install tomli"):
        load_config(write(tmp_path / "pyproject.toml", GOOD))

# The README's CI recipes (config block, YAML, commands) are tested in tests/test_recipes.py.
