"""--require parsing and checking, independent of any file."""

from __future__ import annotations

import pytest

from evalml_cli.errors import EvalmlError
from evalml_cli.gates import check, parse, parse_all
from evalml_cli.report import Report

KNOWN = {"roc_auc", "log_loss", "accuracy"}


def report(**metrics) -> Report:
    return Report(task="binary", n=10, inputs={}, metrics=metrics,
                  extra={"per_class": {"electron": {"recall": 0.97, "precision": None}}})


@pytest.mark.parametrize(
    "text, name, op, number",
    [("roc_auc>=0.90", "roc_auc", ">=", 0.9), (" log_loss <= 0.35 ", "log_loss", "<=", 0.35),
     ("accuracy>1e-3", "accuracy", ">", 1e-3), ("accuracy<.5", "accuracy", "<", 0.5),
     ("roc_auc==1", "roc_auc", "==", 1.0), ("accuracy>=-1", "accuracy", ">=", -1.0)],
)
def test_parse(text, name, op, number):
    req = parse(text, KNOWN)
    assert (req.name, req.op, req.threshold, req.cls) == (name, op, number, None)


@pytest.mark.parametrize("text", ["roc_auc=>0.9", "roc_auc>=0.9x", "roc_auc", "0.9<=roc_auc", "roc_auc>=0.9;rm"])
def test_malformed(text):
    with pytest.raises(EvalmlError, match="malformed"):
        parse(text, KNOWN)


def test_unknown_metric_suggests_closest():
    with pytest.raises(EvalmlError) as exc:
        parse("acurracy>=0.9", KNOWN)
    assert "did you mean 'accuracy'" in str(exc.value)


def test_per_class_requires_per_class_metric():
    assert parse("recall[electron]>=0.95", KNOWN, {"recall"}).cls == "electron"
    with pytest.raises(EvalmlError, match="no per-class values"):
        parse("log_loss[electron]<=1", KNOWN, {"recall"})


@pytest.mark.parametrize(
    "expr, passes",
    [("roc_auc>=0.9", True), ("roc_auc>=0.95", False), ("roc_auc>0.9", True), ("roc_auc<0.9", False),
     ("roc_auc<=0.9", False), ("roc_auc==0.9300000000001", True), ("roc_auc==0.931", False)],
)
def test_check_operators(expr, passes):
    failures = check(report(roc_auc=0.93), [parse(expr, KNOWN)])
    assert (failures == []) is passes


def test_null_and_absent_metrics_fail():
    reqs = parse_all(["roc_auc>=0.5", "log_loss<=1"], KNOWN)
    failures = check(report(roc_auc=None), reqs)
    assert failures[0] == "FAILED roc_auc>=0.5: got null (metric is undefined on this data)"
    assert failures[1].startswith("FAILED log_loss<=1: got null (log_loss is not in")


def test_per_class_checks():
    pc = {"recall", "precision"}
    assert check(report(), [parse("recall[electron]>=0.95", KNOWN, pc)]) == []
    assert check(report(), [parse("recall[electron]>=0.99", KNOWN, pc)]) == ["FAILED recall[electron]>=0.99: got 0.9700"]
    assert "got null" in check(report(), [parse("precision[electron]>=0.5", KNOWN, pc)])[0]
    assert "no class 'muon'" in check(report(), [parse("recall[muon]>=0.5", KNOWN, pc)])[0]


def test_failure_shows_four_decimals_like_the_docs():
    assert check(report(roc_auc=0.87123), [parse("roc_auc>=0.90", KNOWN)]) == ["FAILED roc_auc>=0.90: got 0.8712"]
    assert check(report(roc_auc=1.5e-7), [parse("roc_auc>=0.90", KNOWN)]) == ["FAILED roc_auc>=0.90: got 1.5e-07"]
