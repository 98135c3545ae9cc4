"""Renderers: nothing cut at any width, Markdown escaping, headline-first metric order."""

from __future__ import annotations

import json
import os
import re

import numpy as np
import pytest

from evalml_cli import evaluate, io, metrics
from evalml_cli.render import format_value, render_text
from evalml_cli.render.markdown import escape
from evalml_cli.report import Report

ANSI = re.compile(r"\x1b\[[0-9;]*m")

TWELVE = ["electron", "muon", "pion_plus", "kaon_minus", "proton", "deuteron", "photon", "neutron",
          "tau_lepton", "jet_b", "jet_c", "jet_light"]


def _multiclass_report(tmp_path, classes, weight_scale=None, seed=0, rows_per_class=40) -> Report:
    """A multiclass report from a file with a target and a predicted-label column (70 % right)."""
    rng = np.random.default_rng(seed)
    k = len(classes)
    y = np.repeat(np.arange(k), rows_per_class)
    pred = np.where(rng.random(y.size) < 0.7, y, rng.integers(0, k, y.size))
    lines = ["y,pred" + (",w" if weight_scale else "")]
    w = rng.integers(weight_scale // 2, weight_scale * 2, y.size) if weight_scale else None
    for i in range(y.size):
        line = f"{classes[y[i]]},{classes[pred[i]]}"
        lines.append(line + (f",{w[i]}" if weight_scale else ""))
    f = tmp_path / "mc.csv"
    f.write_text("\n".join(lines) + "\n")
    data = io.read_classification(os.path.relpath(f), target="y", pred="pred", weight="w" if weight_scale else None)
    return evaluate.classify_multiclass(data)


def _renders(report: Report, width: int) -> dict[str, str]:
    return {
        "plain": render_text(report, "table", width=width, color=False),
        "rich": ANSI.sub("", render_text(report, "table", width=width, color=True)),
    }


def _expected_tokens(report: Report, with_matrix: bool) -> list[str]:
    """Every number of the JSON report that the table shows, as the table formats it."""
    rep = json.loads(render_text(report, "json"))
    out = [format_value(v, "ratio") for k, v in rep["metrics"].items()]
    for row in rep["per_class"].values():
        out += [format_value(v, "count" if k == "support" else "ratio") for k, v in row.items()]
    if with_matrix:
        out += [format_value(v, "count") for row in rep["confusion_matrix"]["matrix"] for v in row]
    return out


@pytest.mark.parametrize("width", [60, 80, 100])
@pytest.mark.parametrize("case", ["twelve classes", "ten classes with 5-digit counts"])
def test_table_never_cuts_a_number_or_a_class_name(tmp_path, monkeypatch, width, case):
    """Issue 8 item 18: rich cut numbers to '2…' and '18,…' and names to 'el…' at 80 columns."""
    monkeypatch.chdir(tmp_path)  # a short file name in the inputs line
    if case == "twelve classes":
        report = _multiclass_report(tmp_path, TWELVE)
    else:
        report = _multiclass_report(tmp_path, TWELVE[:10], weight_scale=1000)
        assert max(max(r) for r in report.confusion.matrix) >= 10_000
    for name, text in _renders(report, width).items():
        assert "…" not in text, (name, text)
        assert all(len(line) <= width for line in text.splitlines()), (name, width, text)
        tokens = set(text.replace("│", " ").split())
        omitted = "confusion matrix omitted at this width" in text
        assert omitted or "confusion matrix (rows: true class" in text
        for value in _expected_tokens(report, with_matrix=not omitted):
            assert value in tokens, (name, width, value, text)
        for cls in report.classes:
            assert cls in tokens, (name, width, cls)  # whole in the per-class table
        if omitted:
            assert "see --format json" in " ".join(text.split())


def test_wide_matrix_gets_numbered_columns_with_a_legend(tmp_path):
    report = _multiclass_report(tmp_path, TWELVE)
    text = render_text(report, "table", width=80, color=False)
    assert "classes numbered" in text
    legend = text[text.index("classes:"):]
    for k, cls in enumerate(report.classes, 1):
        assert f"{k}={cls}" in legend
    # at 100 columns the full names fit and no legend is needed... for 4 short classes
    small = _multiclass_report(tmp_path, ["e", "mu", "pi", "K"])
    text = render_text(small, "table", width=100, color=False)
    assert "classes numbered" not in text and "true \\ pred" in text


def test_matrix_omitted_when_nothing_fits(tmp_path):
    report = _multiclass_report(tmp_path, TWELVE[:10], weight_scale=1000)
    text = render_text(report, "table", width=60, color=False)
    assert "confusion matrix omitted at this width (60 columns): see --format json" in " ".join(text.split())


def test_long_class_names_wrap_in_the_per_class_table_but_numbers_stay_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    long = ["a_very_long_particle_species_name_number_one", "another_quite_long_class_label_two", "c"]
    report = _multiclass_report(tmp_path, long)
    for name, text in _renders(report, 60).items():
        assert "…" not in text
        assert all(len(line) <= 60 for line in text.splitlines()), (name, text)
        tokens = set(text.split())
        for value in _expected_tokens(report, with_matrix=False):
            assert value in tokens, (name, value)
        # the wrapped name reads back whole when its pieces are joined
        flat = "".join(text.split())
        assert all(cls in flat for cls in long)


def test_binary_table_fits_at_60_columns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "b.csv"
    f.write_text("y,p\n" + "".join(f"{i % 2},{(i * 37 % 100) / 100}\n" for i in range(200)))
    report = evaluate.classify_binary(io.read_binary("b.csv", target="y", score="p"))
    for text in _renders(report, 60).values():
        assert "…" not in text and all(len(line) <= 60 for line in text.splitlines())


# --------------------------------------------------------------------------------------------
# Markdown escaping (issue 8 item 24)

NASTY = ["*star*", "__init__", "<b>x</b>", "a|b", "`tick`"]


@pytest.mark.parametrize(
    "raw, escaped",
    [("*star*", "\\*star\\*"), ("__init__", "\\_\\_init\\_\\_"), ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
     ("a|b", "a\\|b"), ("`tick`", "\\`tick\\`"), ("a\\b", "a\\\\b"), ("[x](http://e)", "\\[x\\](http://e)"),
     ("A&amp;", "A&amp;amp;"), ("~~s~~", "\\~\\~s\\~\\~"), ("two\nlines", "two lines")],
)
def test_markdown_escape(raw, escaped):
    assert escape(raw) == escaped


def test_markdown_escapes_class_names_and_keeps_table_columns(tmp_path):
    report = _multiclass_report(tmp_path, NASTY, rows_per_class=5)
    md = render_text(report, "markdown")
    for cls in NASTY:
        assert escape(cls) in md
    assert "<b>" not in md and "*star*" not in md.replace("\\*star\\*", "") and "__init__" not in md
    for block in md.split("\n\n"):
        rows = [ln for ln in block.splitlines() if ln.startswith("|")]
        if rows:  # every row of a table has as many unescaped pipes as its header
            counts = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
            assert len(counts) == 1, block


def test_markdown_escapes_inputs_and_warnings():
    report = Report(task="binary", n=1, inputs={"file": "my_data/*.csv", "target": "y"}, metrics={"roc_auc": None},
                    warnings=["roc_auc is undefined: class <b>x</b> | has no rows"])
    md = render_text(report, "markdown")
    assert "my\\_data/\\*.csv" in md
    assert "- roc\\_auc is undefined: class &lt;b&gt;x&lt;/b&gt; \\| has no rows" in md
    assert "| `roc_auc` | n/a |" in md  # metric names stay inline code


# --------------------------------------------------------------------------------------------
# Headline first (issue 8 item 25)


def test_display_order_per_task():
    binary = list(metrics.BY_TASK[metrics.BINARY])
    order = metrics.display_order(metrics.BINARY, binary)
    assert order[:4] == ["roc_auc", "average_precision", "log_loss", "f1"]
    assert order[-4:] == ["tp", "fp", "tn", "fn"] and sorted(order) == sorted(binary)
    reg = ["mse", "rmse", "chi2", "ndof", "chi2_per_ndof", "p_value", "pull_mean"]
    assert metrics.display_order(metrics.REGRESSION, reg) == ["chi2", "ndof", "p_value", "mse", "rmse",
                                                               "chi2_per_ndof", "pull_mean"]
    assert metrics.display_order(metrics.REGRESSION, ["mse", "r2"]) == ["mse", "r2"]
    assert metrics.display_order(metrics.DENSITY, ["nll", "mean_nll"]) == ["nll", "mean_nll"]


def test_json_and_table_put_the_headline_first(tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("y,p\n0,0.1\n0,0.4\n1,0.35\n1,0.8\n")
    report = evaluate.classify_binary(io.read_binary(str(f), target="y", score="p"))
    keys = list(json.loads(render_text(report, "json"))["metrics"])
    assert keys[:4] == ["roc_auc", "average_precision", "log_loss", "f1"] and keys[-4:] == ["tp", "fp", "tn", "fn"]
    text = render_text(report, "table", width=100)
    assert text.index("roc_auc") < text.index("accuracy") < text.index("\ntp ")


def test_multiclass_micro_averages_collapse_into_the_accuracy_row(tmp_path):
    report = _multiclass_report(tmp_path, ["a", "b", "c"])
    rep = json.loads(render_text(report, "json"))
    assert {"precision_micro", "recall_micro", "f1_micro", "accuracy"} <= set(rep["metrics"])  # JSON keeps all
    for fmt in ("table", "markdown"):
        text = render_text(report, fmt, width=100)
        assert "accuracy (= micro P/R/F1)" in text
        assert "precision_micro" not in text and "recall_micro" not in text and "f1_micro" not in text
    # when they differ (never on single-label data, but a report may say so) each keeps its row
    odd = Report(task="multiclass", n=3, inputs={}, metrics={"accuracy": 0.5, "precision_micro": 0.5,
                                                             "recall_micro": 0.5, "f1_micro": 0.6})
    text = render_text(odd, "table", width=100)
    assert "f1_micro" in text and "(= micro" not in text
