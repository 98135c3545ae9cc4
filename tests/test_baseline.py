"""Baselines: loading, compatibility, per-metric direction, --max-drop / --max-rise gates."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from conftest import SAMPLES
from evalml_cli import baseline as bl
from evalml_cli import metrics
from evalml_cli.baseline import (
    MAX_DROP, MAX_RISE, Limit, Outcome, check_limits, compare_to_baseline, load_baseline, parse_limit,
    parse_limits, report_format, validate_limit,
)  # fmt: skip
from evalml_cli.errors import EvalmlError


def report(task="binary", version="0.1.0", **values):
    return {"task": task, "n": 10, "inputs": {}, "metrics": dict(values), "warnings": [], "version": version}


@pytest.fixture(scope="module")
def binary_report():
    import evalml_cli

    return evalml_cli.classify(str(SAMPLES / "binary.csv")).to_dict()


# --- load_baseline --------------------------------------------------------------------------


def test_load_baseline_reads_a_saved_report(tmp_path, binary_report):
    path = tmp_path / "main.json"
    path.write_text(json.dumps(binary_report))
    assert load_baseline(path) == binary_report


def test_load_baseline_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(EvalmlError, match="does not exist") as info:
        load_baseline(tmp_path / "main.json")
    assert "--update-baseline" in str(info.value) and "main.json" in str(info.value)


def test_load_baseline_invalid_json_names_file_and_position(tmp_path):
    path = tmp_path / "main.json"
    path.write_text('{"task": "binary",\n "metrics": {')
    with pytest.raises(EvalmlError) as info:
        load_baseline(path)
    assert f"baseline {path} is not valid JSON (line 2" in str(info.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[1, 2]", "expected a JSON object, got list"),
        ('{"metrics": {}, "version": "0.1.0"}', "no 'task' key"),
        ('{"task": "binary", "version": "0.1.0"}', "no 'metrics' object"),
        ('{"task": "binary", "metrics": {}}', "no 'version' or 'format_version' key"),
    ],
)
def test_load_baseline_rejects_json_that_is_not_a_report(tmp_path, content, problem):
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(EvalmlError) as info:
        load_baseline(path)
    assert str(path) in str(info.value) and problem in str(info.value)


def test_load_baseline_binary_garbage_is_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "b.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(EvalmlError, match="not a JSON report"):
        load_baseline(path)


# --- compatibility --------------------------------------------------------------------------


def test_report_format_prefers_format_version_then_major_minor():
    assert report_format({"version": "0.1.0"}) == "0.1"
    assert report_format({"version": "0.1.7"}) == "0.1"
    assert report_format({"version": "2.10.0rc1"}) == "2.10"
    assert report_format({"version": "0.1.0", "format_version": 3}) == "3"
    assert report_format({}) is None


def test_a_patch_release_keeps_the_baseline_valid():
    changes = compare_to_baseline(report(version="0.1.4", roc_auc=0.9), report(version="0.1.0", roc_auc=0.9))
    assert [c.direction for c in changes] == ["same"]


def test_another_report_format_is_an_error_naming_both_versions():
    with pytest.raises(EvalmlError) as info:
        compare_to_baseline(report(version="0.2.0", roc_auc=0.9), report(version="0.1.0", roc_auc=0.9), name="main.json")
    assert "baseline main.json has report format 0.1, this evalml writes 0.2" in str(info.value)


def test_format_version_key_decides_over_the_package_version():
    cur = {**report(version="0.3.0", roc_auc=0.9), "format_version": 1}
    old = {**report(version="0.1.0", roc_auc=0.9), "format_version": 1}
    assert compare_to_baseline(cur, old)[0].direction == "same"
    with pytest.raises(EvalmlError, match="report format 2, this evalml writes 1"):
        compare_to_baseline(cur, {**old, "format_version": 2})


def test_another_task_is_an_error_naming_both_tasks():
    with pytest.raises(EvalmlError, match="the baseline is a multiclass report, this one is binary"):
        compare_to_baseline(report(roc_auc=0.9), report("multiclass", accuracy=0.9))


# --- compare_to_baseline --------------------------------------------------------------------


def test_direction_follows_the_registry_for_scores_losses_and_descriptive_metrics():
    cur = report(roc_auc=0.91, f1=0.80, log_loss=0.30, brier=0.12, tp=12, accuracy=0.7)
    old = report(roc_auc=0.93, f1=0.75, log_loss=0.35, brier=0.10, tp=10, accuracy=0.7)
    changes = {c.name: c for c in compare_to_baseline(cur, old)}
    assert {n: c.direction for n, c in changes.items()} == {
        "roc_auc": "worse", "f1": "better", "log_loss": "better", "brier": "worse", "tp": "n/a", "accuracy": "same",
    }
    assert changes["roc_auc"].change == pytest.approx(-0.02)
    assert changes["log_loss"].change == pytest.approx(-0.05)
    assert changes["tp"].change == 2 and changes["tp"].current == 12 and changes["tp"].baseline == 10


def test_direction_for_regression_and_density_losses():
    changes = compare_to_baseline(report("regression", mse=2.0, r2=0.5, chi2=3.0), report("regression", mse=1.0, r2=0.4, chi2=1.0))
    assert [c.direction for c in changes] == ["worse", "better", "n/a"]
    changes = compare_to_baseline(report("density", mean_nll=1.0), report("density", mean_nll=1.5))
    assert changes[0].direction == "better"


def test_a_last_bit_difference_is_the_same_value():
    a = 0.1 + 0.2  # 0.30000000000000004
    changes = compare_to_baseline(report(roc_auc=a), report(roc_auc=0.3))
    assert changes[0].direction == "same" and changes[0].change == pytest.approx(0, abs=1e-15)


def test_null_or_missing_values_have_no_change_and_no_direction():
    changes = compare_to_baseline(report(roc_auc=None, f1=0.5, mcc=0.2), report(roc_auc=0.9, f1=None))
    assert [(c.name, c.change, c.direction) for c in changes] == [
        ("roc_auc", None, "n/a"), ("f1", None, "n/a"), ("mcc", None, "n/a"),
    ]
    assert changes[2].baseline is None


def test_unknown_metric_has_no_direction_and_lookup_can_be_injected():
    changes = compare_to_baseline(report(novel=2.0), report(novel=1.0))
    assert changes[0].direction == "n/a"
    fake = metrics.Metric("novel", "binary", True, "value", "")
    changes = compare_to_baseline(report(novel=2.0), report(novel=1.0), lambda task, name: fake)
    assert changes[0].direction == "better"


def test_a_real_report_against_itself_is_all_same_or_na(binary_report):
    changes = compare_to_baseline(binary_report, json.loads(json.dumps(binary_report)))
    assert {c.name for c in changes} == set(binary_report["metrics"])
    for c in changes:
        expected = "n/a" if metrics.lookup("binary", c.name).higher_is_better is None else "same"
        assert c.direction == expected and c.change == 0


# --- parse and validate limits --------------------------------------------------------------


def test_parse_limit_reads_metric_and_amount():
    assert parse_limit("roc_auc=0.005", MAX_DROP) == Limit(MAX_DROP, "roc_auc", 0.005)
    assert parse_limit(" log_loss = 1e-3 ", MAX_RISE) == Limit(MAX_RISE, "log_loss", 0.001)
    assert parse_limit("roc_auc=0", MAX_DROP).amount == 0.0
    assert parse_limits(["roc_auc=0.01"], ["brier=0.02"]) == [
        Limit(MAX_DROP, "roc_auc", 0.01), Limit(MAX_RISE, "brier", 0.02),
    ]
    assert Limit(MAX_DROP, "roc_auc", 0.005).expression == "--max-drop roc_auc=0.005"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("roc_auc", "malformed --max-drop 'roc_auc'"),
        ("roc_auc>=0.9", "malformed --max-drop"),
        ("=0.1", "malformed --max-drop"),
        ("roc_auc=abc", "'abc' is not a number"),
        ("roc_auc=-0.01", "X must be a finite number ≥ 0, got -0.01"),
        ("roc_auc=nan", "X must be a finite number ≥ 0"),
        ("roc_auc=inf", "X must be a finite number ≥ 0"),
    ],
)
def test_parse_limit_errors_are_clear(text, message):
    with pytest.raises(EvalmlError) as info:
        parse_limit(text, MAX_DROP)
    assert message in str(info.value)


def test_max_drop_on_a_loss_suggests_max_rise_and_vice_versa():
    with pytest.raises(EvalmlError) as info:
        validate_limit(parse_limit("log_loss=0.01", MAX_DROP), ["binary"])
    assert "--max-drop log_loss: log_loss is a loss (lower is better)" in str(info.value)
    assert "use --max-rise log_loss=0.01" in str(info.value)
    with pytest.raises(EvalmlError) as info:
        validate_limit(parse_limit("r2=0.01", MAX_RISE), ["regression"])
    assert "r2 is a score (higher is better)" in str(info.value) and "use --max-drop r2=0.01" in str(info.value)


def test_limit_on_a_descriptive_metric_suggests_require():
    with pytest.raises(EvalmlError, match=r"chi2 is descriptive .*--require 'chi2<=X'"):
        validate_limit(parse_limit("chi2=1", MAX_RISE), ["regression"])


def test_limit_on_an_unknown_metric_suggests_the_closest():
    with pytest.raises(EvalmlError, match="unknown metric 'roc_acu'.*did you mean 'roc_auc'"):
        validate_limit(parse_limit("roc_acu=0.01", MAX_DROP), ["binary", "multiclass"])


# --- check_limits ---------------------------------------------------------------------------


def drop(cur, old, x, name="roc_auc"):
    (o,) = check_limits(report(**{name: cur}), report(**{name: old}), [parse_limit(f"{name}={x}", MAX_DROP)])
    return o


def rise(cur, old, x, name="log_loss"):
    (o,) = check_limits(report(**{name: cur}), report(**{name: old}), [parse_limit(f"{name}={x}", MAX_RISE)])
    return o


def test_max_drop_fails_only_when_the_score_fell_by_more_than_x():
    assert drop(0.946, 0.95, 0.005).passed
    o = drop(0.94, 0.95, 0.005)
    assert not o.passed and o.value == pytest.approx(0.01)
    assert o.expression == "--max-drop roc_auc=0.005"
    assert o.reason == "roc_auc fell by 0.0100 (0.9500 → 0.9400), more than 0.005"
    assert o.message == "FAILED --max-drop roc_auc=0.005: " + o.reason


def test_max_drop_passes_at_exactly_x_despite_float_rounding():
    assert 0.95 - 0.945 > 0.005  # the floating-point trap the tolerance is for
    assert drop(0.945, 0.95, 0.005).passed
    assert not drop(0.9449, 0.95, 0.005).passed


def test_max_drop_passes_when_the_score_improved():
    o = drop(0.97, 0.95, 0.0)
    assert o.passed and o.value == pytest.approx(-0.02) and o.reason == "" and o.message == ""


def test_max_rise_fails_only_when_the_loss_rose_by_more_than_x():
    assert rise(0.355, 0.35, 0.01).passed and rise(0.355, 0.35, 0.01).reason == ""
    o = rise(0.37, 0.35, 0.01)
    assert not o.passed and o.value == pytest.approx(0.02)
    assert o.reason.startswith("log_loss rose by 0.0200 (0.3500 → 0.3700)")
    assert rise(0.30, 0.35, 0.0).passed  # the loss fell: better


def test_max_drop_zero_tolerates_only_rounding_noise():
    assert drop(0.1 + 0.2 - 1e-13, 0.30000000000000004, 0).passed
    assert not drop(0.3 - 1e-9, 0.3, 0).passed


def test_null_value_on_either_side_fails_the_gate():
    o = drop(None, 0.95, 0.005)
    assert not o.passed and o.value is None and o.reason == "got null (roc_auc is undefined in this report)"
    o = drop(0.95, None, 0.005)
    assert not o.passed and o.reason == "got null (roc_auc is undefined in the baseline)"


def test_metric_missing_from_the_baseline_is_an_error_naming_it():
    with pytest.raises(EvalmlError) as info:
        check_limits(report(roc_auc=0.9), report(f1=0.9), [parse_limit("roc_auc=0.01", MAX_DROP)], name="main.json")
    assert "--max-drop roc_auc=0.01: baseline main.json has no metric 'roc_auc'" in str(info.value)


def test_metric_missing_from_the_current_report_fails_like_require():
    (o,) = check_limits(report("multiclass", accuracy=0.9), report("multiclass", accuracy=0.9, top_k_accuracy=0.95),
                        [parse_limit("top_k_accuracy=0.01", MAX_DROP)])
    assert not o.passed and o.reason == "got null (top_k_accuracy is not in this multiclass report)"


def test_limit_on_a_metric_of_another_task_is_an_error():
    with pytest.raises(EvalmlError, match="unknown metric 'roc_auc_ovr_macro'"):
        check_limits(report(roc_auc=0.9), report(roc_auc=0.9), [parse_limit("roc_auc_ovr_macro=0.01", MAX_DROP)])


def test_check_limits_checks_task_and_format_first():
    with pytest.raises(EvalmlError, match="regression report, this one is binary"):
        check_limits(report(roc_auc=0.9), report("regression", mse=1.0), [parse_limit("roc_auc=0.01", MAX_DROP)])
    with pytest.raises(EvalmlError, match="report format 0.0"):
        check_limits(report(roc_auc=0.9), report(version="0.0.9", roc_auc=0.9), [])


def test_gates_on_a_real_report_against_a_worse_and_a_better_baseline(binary_report):
    auc, loss = binary_report["metrics"]["roc_auc"], binary_report["metrics"]["log_loss"]
    limits = parse_limits(["roc_auc=0.005"], ["log_loss=0.01"])
    better_base = {**binary_report, "metrics": {**binary_report["metrics"], "roc_auc": auc + 0.01, "log_loss": loss - 0.02}}
    worse_base = {**binary_report, "metrics": {**binary_report["metrics"], "roc_auc": auc - 0.01, "log_loss": loss + 0.02}}
    assert [o.passed for o in check_limits(binary_report, better_base, limits)] == [False, False]
    assert [o.passed for o in check_limits(binary_report, worse_base, limits)] == [True, True]


def test_outcome_has_the_gate_record_fields():
    assert [f.name for f in dataclasses.fields(Outcome)] == ["expression", "value", "passed", "reason"]
