"""--require parsing and checking, independent of any file."""

from __future__ import annotations

import time

import pytest

from evalml_cli.errors import EvalmlError
from evalml_cli.gates import Outcome, check, evaluate, parse, parse_all, show
from evalml_cli.report import Report

KNOWN = {"roc_auc", "log_loss", "accuracy", "recall", "p_value", "chi2", "top_k_accuracy"}
PC = {"recall", "precision", "roc_auc"}


def report(task="binary", extra=None, **metrics) -> Report:
    return Report.from_dict({"task": task, "n": 10, "inputs": {}, "metrics": metrics, **(extra or {})})


def mc_report(**metrics) -> Report:
    per_class = {"electron": {"recall": 0.97, "precision": None}, "muon": {"recall": 0.5, "precision": 0.6}}
    return report("multiclass", {"per_class": per_class}, accuracy=0.8, **metrics)


@pytest.mark.parametrize(
    "text, name, op, number",
    [("roc_auc>=0.90", "roc_auc", ">=", 0.9), (" log_loss <= 0.35 ", "log_loss", "<=", 0.35),
     ("accuracy>1e-3", "accuracy", ">", 1e-3), ("accuracy<.5", "accuracy", "<", 0.5),
     ("roc_auc==1", "roc_auc", "==", 1.0), ("accuracy>=-1", "accuracy", ">=", -1.0),
     ("accuracy>=1.", "accuracy", ">=", 1.0), ("accuracy>=+2E-2", "accuracy", ">=", 0.02)],
)
def test_parse(text, name, op, number):
    req = parse(text, KNOWN)
    assert (req.name, req.op, req.threshold, req.cls, req.scope, req.field) == (name, op, number, None, "metrics", None)


@pytest.mark.parametrize("text", ["roc_auc=>0.9", "roc_auc>=0.9x", "roc_auc", "0.9<=roc_auc", "roc_auc>=0.9;rm",
                                  "roc_auc>=1..2", "roc_auc.mid>=0.5", "roc_auc.low.high>=0.5", "recall[]>=0.5",
                                  "roc_auc.low[e]>=0.5", "groups.test>=0.5", "gap.roc_auc.low<=0.1",
                                  "delta.roc_auc.value>=0", "delta.recall[e]>=0", "roc_auc>=٠.٩"])
def test_malformed(text):
    with pytest.raises(EvalmlError, match="malformed"):
        parse(text, KNOWN, PC, intervals=True, groups=True, compare=True)


@pytest.mark.parametrize(
    "text, scope, group, name, cls, field",
    [("roc_auc.low>=0.85", "metrics", None, "roc_auc", None, "low"),
     ("roc_auc.high<1", "metrics", None, "roc_auc", None, "high"),
     ("recall[electron]>=0.9", "metrics", None, "recall", "electron", None),
     ("recall[ electron ].low>=0.9", "metrics", None, "recall", "electron", "low"),
     ("groups.test.roc_auc>=0.8", "groups", "test", "roc_auc", None, None),
     ("groups.2023-Q1.recall[e].high<=1", "groups", "2023-Q1", "recall", "e", "high"),
     ("delta.roc_auc>=-0.005", "delta", None, "roc_auc", None, None),
     ("delta.roc_auc.low>=0", "delta", None, "roc_auc", None, "low"),
     ("delta.roc_auc.high>=0", "delta", None, "roc_auc", None, "high"),
     ("delta.roc_auc.p_value<=0.05", "delta", None, "roc_auc", None, "p_value"),
     ("gap.roc_auc<=0.05", "gap", None, "roc_auc", None, None),
     ("roc_auc[0.01]>=0.5", "metrics", None, "roc_auc", "0.01", None)],
)
def test_grammar_paths(text, scope, group, name, cls, field):
    req = parse(text, KNOWN, PC, intervals=True, groups=True, compare=True)
    assert (req.scope, req.group, req.name, req.cls, req.field) == (scope, group, name, cls, field)
    assert text.startswith(req.label.replace("[electron]", "[ electron ]") if "[ " in text else req.label)


@pytest.mark.parametrize(
    "text, flags, hint",
    [("roc_auc.low>=0.85", {}, "add --ci"), ("recall[e].high<=1", {}, "add --ci"),
     ("groups.test.roc_auc>=0.8", {"intervals": True}, "add --by"), ("gap.roc_auc<=0.05", {}, "add --by"),
     ("delta.roc_auc>=0", {"groups": True}, "evalml compare"), ("delta.roc_auc.low>=0", {"intervals": True}, "evalml compare"),
     ("groups.test.roc_auc.low>=0.8", {"groups": True}, "add --ci")],
)
def test_paths_the_command_cannot_produce_are_usage_errors_at_parse(text, flags, hint):
    with pytest.raises(EvalmlError) as exc:
        parse(text, KNOWN, PC, **flags)
    assert hint in str(exc.value)


def test_delta_bounds_need_compare_not_ci():
    assert parse("delta.roc_auc.low>=0", KNOWN, compare=True).field == "low"


def test_unknown_metric_suggests_closest():
    with pytest.raises(EvalmlError) as exc:
        parse("acurracy>=0.9", KNOWN)
    assert "did you mean 'accuracy'" in str(exc.value)
    with pytest.raises(EvalmlError, match="unknown metric 'roc_uac'"):
        parse("groups.test.roc_uac>=0.9", KNOWN, groups=True)


def test_per_class_requires_per_class_metric():
    assert parse("recall[electron]>=0.95", KNOWN, {"recall"}).cls == "electron"
    with pytest.raises(EvalmlError, match="no per-class values"):
        parse("log_loss[electron]<=1", KNOWN, {"recall"})


@pytest.mark.parametrize("expr", ["roc_auc>=" + "1" * 20000, "roc_auc>=" + "1" * 20000 + "x",
                                  "roc_auc>=1." + "0" * 20000 + "e", "roc_auc" + "." * 20000 + ">=1",
                                  "a." * 10000 + ">=1", "roc_auc" + " " * 20000 + "x>=1"])
def test_parse_is_linear_on_long_input(expr):
    """Issue 8 item 16: the old number pattern backtracked quadratically on a failed match
    (a 20,000-digit number took ~10 s)."""
    t = time.perf_counter()
    with pytest.raises(EvalmlError):
        parse(expr, KNOWN)
    assert time.perf_counter() - t < 0.05


def test_overflowing_threshold_is_an_error_with_a_short_message():
    with pytest.raises(EvalmlError, match="threshold must be finite") as exc:
        parse("roc_auc>=" + "1" * 20000, KNOWN)
    assert len(str(exc.value)) < 300
    with pytest.raises(EvalmlError, match="threshold must be finite"):
        parse("log_loss<=1e999", KNOWN)


@pytest.mark.parametrize(
    "expr, passes",
    [("roc_auc>=0.9", True), ("roc_auc>=0.95", False), ("roc_auc>0.9", True), ("roc_auc<0.9", False),
     ("roc_auc<=0.9", False), ("roc_auc==0.9300000000001", True), ("roc_auc==0.931", False)],
)
def test_check_operators(expr, passes):
    failures = check(report(roc_auc=0.93), [parse(expr, KNOWN)])
    assert (failures == []) is passes


def test_evaluate_returns_outcome_records():
    reqs = parse_all(["roc_auc>=0.9", "log_loss<=0.1", "accuracy>=0.5"], KNOWN)
    out = evaluate(report(roc_auc=0.93, log_loss=0.25, accuracy=None), reqs)
    assert all(isinstance(o, Outcome) for o in out)
    assert [(o.expression, o.value, o.passed) for o in out] == [
        ("roc_auc>=0.9", 0.93, True), ("log_loss<=0.1", 0.25, False), ("accuracy>=0.5", None, False)]
    assert out[0].reason == "" and out[0].message == ""
    assert out[1].reason == "got 0.2500" and out[1].message == "FAILED log_loss<=0.1: got 0.2500"
    assert out[2].reason == "got null (metric is undefined on this data)"
    assert out[1].requirement is reqs[1]


def test_null_metric_fails():
    failures = check(report(roc_auc=None), parse_all(["roc_auc>=0.5"], KNOWN))
    assert failures == ["FAILED roc_auc>=0.5: got null (metric is undefined on this data)"]


@pytest.mark.parametrize(
    "rep, expr, message, hint",
    [  # item 22: requirements this run can never evaluate exit 2 with a hint, never 1
        (mc_report(), "recall[electon]>=0.9", "no class 'electon'", "did you mean 'electron'?"),
        (mc_report(), "recall[tau]>=0.9", "no class 'tau'", "classes: electron, muon"),
        (mc_report(), "roc_auc>=0.9", "roc_auc is not a multiclass metric", "multiclass metrics:"),
        (mc_report(), "roc_auc[muon]>=0.9", "no per-class roc_auc", "--score"),
        (mc_report(), "top_k_accuracy>=0.9", "does not compute top_k_accuracy", "--top-k"),
        (report("regression", mse=1.0), "p_value>=0.05", "does not compute p_value", "--sigma"),
        (report("regression", mse=1.0), "chi2<=10", "does not compute chi2", "--cov"),
        (report(roc_auc=0.9), "recall[electron]>=0.9", "binary report has no per-class values", "multiclass"),
    ],
)
def test_requirements_the_run_can_never_hold_are_usage_errors(rep, expr, message, hint):
    req = parse(expr, KNOWN, PC)
    with pytest.raises(EvalmlError) as exc:
        evaluate(rep, [req])
    assert message in exc.value.message and hint in exc.value.hint
    with pytest.raises(EvalmlError):
        check(rep, [req])


def test_per_class_checks():
    rep = mc_report()
    assert check(rep, [parse("recall[electron]>=0.95", KNOWN, PC)]) == []
    assert check(rep, [parse("recall[electron]>=0.99", KNOWN, PC)]) == ["FAILED recall[electron]>=0.99: got 0.9700"]
    assert "got null" in check(rep, [parse("precision[electron]>=0.5", KNOWN, PC)])[0]


def test_failure_shows_four_decimals_like_the_docs():
    assert check(report(roc_auc=0.87123), [parse("roc_auc>=0.90", KNOWN)]) == ["FAILED roc_auc>=0.90: got 0.8712"]
    assert check(report(roc_auc=1.5e-7), [parse("roc_auc>=0.90", KNOWN)]) == ["FAILED roc_auc>=0.90: got 1.5e-07"]


@pytest.mark.parametrize(
    "value, expr, shown",
    [(0.347109, "log_loss<=0.3471", "0.34711"), (0.34709, "log_loss>=0.3471", "0.34709"),
     (0.90000000001, "log_loss<0.9", "0.9000"), (0.9 + 2**-52, "log_loss<=0.9", repr(0.9 + 2**-52)),
     (0.9310001, "log_loss==0.931", "0.9310001"), (0.5, "log_loss<0.5", "0.5000"),
     (123456.5, "log_loss<=123456", "1.235e+05"), (123456.5, "log_loss>=123457", "123456")],
)
def test_failure_shows_enough_digits_to_see_why(value, expr, shown):
    """Issue 8 item 23: 'FAILED log_loss<=0.3471: got 0.3471' looked like a pass."""
    req = parse(expr, KNOWN)
    (line,) = check(report(log_loss=value), [req])
    assert line == f"FAILED {expr}: got {shown}"
    # the printed number, compared as the gate compares, fails as the real value did
    from evalml_cli.gates import _OPS

    assert not _OPS[req.op](float(shown), req.threshold)


def test_show_without_comparison_is_short():
    assert show(0.87123) == "0.8712" and show(2.5e-9) == "2.5e-09"


def _rich_report() -> Report:
    extra = {
        "per_class": {"e": {"recall": 0.9}},
        "intervals": {"metrics": {"roc_auc": {"low": 0.88, "high": 0.95, "method": "delong"},
                                  "log_loss": {"low": None, "high": None, "method": "bootstrap"}}},
        "groups": {"train": {"n": 5, "metrics": {"roc_auc": 0.99}, "intervals": {"metrics": {"roc_auc": {"low": 0.97, "high": 1.0}}}},
                   "test": {"n": 5, "metrics": {"roc_auc": 0.8, "log_loss": None}}},
        "delta": {"roc_auc": {"value": 0.01, "low": -0.002, "high": 0.02, "p_value": 0.03}, "log_loss": {"value": None}},
        "gap": {"roc_auc": 0.19, "log_loss": None},
    }
    return Report.from_dict({"task": "binary", "n": 10, "inputs": {}, "metrics": {"roc_auc": 0.9, "log_loss": 0.3}, **extra})


@pytest.mark.parametrize(
    "expr, passed, value",
    [("roc_auc.low>=0.85", True, 0.88), ("roc_auc.high<0.95", False, 0.95), ("log_loss.low>=0", False, None),
     ("groups.train.roc_auc>=0.95", True, 0.99), ("groups.test.roc_auc>=0.95", False, 0.8),
     ("groups.test.log_loss<=1", False, None), ("groups.train.roc_auc.low>=0.95", True, 0.97),
     ("delta.roc_auc>=0", True, 0.01), ("delta.roc_auc.low>=0", False, -0.002), ("delta.roc_auc.high>0.01", True, 0.02),
     ("delta.roc_auc.p_value<=0.05", True, 0.03), ("delta.log_loss<=0", False, None),
     ("gap.roc_auc<=0.05", False, 0.19), ("gap.log_loss<=0.05", False, None)],
)
def test_evaluate_reads_intervals_groups_delta_gap(expr, passed, value):
    (o,) = evaluate(_rich_report(), [parse(expr, KNOWN, PC, intervals=True, groups=True, compare=True)])
    assert (o.passed, o.value) == (passed, value)
    if value is None:
        assert o.reason.startswith("got null (")


@pytest.mark.parametrize(
    "expr, message",
    [("top_k_accuracy.low>=0.5", "not a binary metric"), ("recall[e].low>=0.5", r"no confidence interval for recall\[e\]"),
     ("groups.valid.roc_auc>=0.5", "no group 'valid'"), ("groups.test.top_k_accuracy>=0.5", "not a binary metric in group 'test'"),
     ("groups.test.accuracy>=0.5", "does not compute accuracy in group 'test'"),
     ("groups.test.roc_auc.low>=0.5", "no confidence intervals in group 'test'"),
     ("delta.accuracy>=0", "no delta for accuracy"), ("gap.accuracy<=0", "no gap for accuracy")],
)
def test_paths_absent_from_the_report_are_usage_errors(expr, message):
    with pytest.raises(EvalmlError, match=message):
        evaluate(_rich_report(), [parse(expr, KNOWN, PC, intervals=True, groups=True, compare=True)])


@pytest.mark.parametrize("expr", ["roc_auc.low>=0.5", "groups.test.roc_auc>=0.5", "delta.roc_auc>=0", "gap.roc_auc<=1"])
def test_blocks_missing_from_the_report_are_usage_errors(expr):
    with pytest.raises(EvalmlError):
        evaluate(report(roc_auc=0.9), [parse(expr, KNOWN, intervals=True, groups=True, compare=True)])


def test_cli_gate_mistakes_exit_2(invoke, tmp_path):
    """A misspelled class and a binary-only metric on multiclass data are usage errors."""
    f = tmp_path / "mc.csv"
    f.write_text("y,p_a,p_b,p_c\na,0.7,0.2,0.1\nb,0.2,0.7,0.1\nc,0.1,0.2,0.7\na,0.5,0.3,0.2\n")
    base = ("classify", str(f), "-t", "y", "-s", "p_*", "-q")
    assert invoke(*base, "-r", "recall[a]>=0.5")[0] == 0
    code, _, err = invoke(*base, "-r", "recall[electron]>=0.5")
    assert code == 2 and "no class 'electron'" in err and "classes: a, b, c" in err
    code, _, err = invoke(*base, "-r", "roc_auc>=0.5")
    assert code == 2 and "not a multiclass metric" in err
    code, _, err = invoke(*base, "-r", "top_k_accuracy>=0.5")
    assert code == 2 and "--top-k" in err
    code, _, err = invoke("classify", "does-not-exist.csv", "-r", "roc_auc.low>=0.5")
    assert code == 2 and "add --ci" in err and "not found" not in err


def test_cli_p_value_without_uncertainties_exits_2(invoke, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("y,p\n1,1.1\n2,1.9\n3,3.2\n")
    code, _, err = invoke("regress", str(f), "-t", "y", "-p", "p", "-q", "-r", "p_value>=0.05")
    assert code == 2 and "p_value" in err and "--sigma" in err
