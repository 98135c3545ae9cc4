"""`evalml curve`: every kind against scikit-learn through the command line (CSV, JSON, Markdown),
weights, --drop-intermediate, --points, multiclass one-vs-rest, --output and its checks."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from sklearn import metrics as skm

from conftest import SAMPLES


@pytest.fixture
def ties(tmp_path):
    """Rounded scores (many ties), weights, 400 rows."""
    rng = np.random.default_rng(3)
    n = 400
    y = rng.integers(0, 2, n)
    p = np.round(np.clip(0.5 + 0.25 * (2 * y - 1) + rng.normal(0, 0.25, n), 0, 1), 2)
    w = np.round(rng.uniform(0.2, 3.0, n), 3)
    path = tmp_path / "ties.csv"
    path.write_text("y,p,w\n" + "\n".join(f"{a},{b!r},{c!r}" for a, b, c in zip(y.tolist(), p.tolist(), w.tolist())) + "\n")
    return path, y, p, w


def read_csv(text: str) -> dict[str, np.ndarray]:
    """CSV text → column → float array (empty field → NaN; a text column stays text)."""
    lines = text.strip().splitlines()
    names = lines[0].split(",")
    rows = [ln.split(",") for ln in lines[1:]]
    out = {}
    for j, name in enumerate(names):
        col = [r[j] for r in rows]
        try:
            out[name] = np.array([np.nan if v == "" else float(v) for v in col])
        except ValueError:
            out[name] = np.array(col)
    return out


def curve(invoke, *args):
    code, out, err = invoke("curve", *args)
    assert code == 0, err
    return out


def sk_thr(t):
    """scikit-learn's inf start threshold is an empty field (NaN) in evalml's CSV."""
    t = np.asarray(t, dtype=float).copy()
    t[~np.isfinite(t)] = np.nan
    return t


@pytest.mark.parametrize("weighted", [False, True])
def test_roc_matches_sklearn_roc_curve_without_drop_intermediate(invoke, ties, weighted):
    path, y, p, w = ties
    args = [str(path), "-t", "y", "-s", "p", "--kind", "roc"] + (["-w", "w"] if weighted else [])
    c = read_csv(curve(invoke, *args))
    fpr, tpr, thr = skm.roc_curve(y, p, sample_weight=w if weighted else None, drop_intermediate=False)
    assert list(c) == ["threshold", "fpr", "tpr"]
    np.testing.assert_allclose(c["fpr"], fpr, rtol=1e-12)
    np.testing.assert_allclose(c["tpr"], tpr, rtol=1e-12)
    np.testing.assert_array_equal(c["threshold"], sk_thr(thr))
    assert np.isnan(c["threshold"][0]) and c["fpr"][0] == 0 and c["tpr"][0] == 0
    assert len(c["fpr"]) == len(np.unique(p)) + 1  # one point per distinct score plus the start


def test_roc_drop_intermediate_matches_sklearn_default(invoke, ties):
    path, y, p, w = ties
    c = read_csv(curve(invoke, str(path), "-t", "y", "-s", "p", "-w", "w", "--kind", "roc", "--drop-intermediate"))
    fpr, tpr, thr = skm.roc_curve(y, p, sample_weight=w)
    np.testing.assert_allclose(c["fpr"], fpr, rtol=1e-12)
    np.testing.assert_allclose(c["tpr"], tpr, rtol=1e-12)
    np.testing.assert_array_equal(c["threshold"], sk_thr(thr))


@pytest.mark.parametrize("weighted", [False, True])
def test_pr_matches_sklearn_precision_recall_curve(invoke, ties, weighted):
    path, y, p, w = ties
    args = [str(path), "-t", "y", "-s", "p", "--kind", "pr"] + (["-w", "w"] if weighted else [])
    c = read_csv(curve(invoke, *args))
    prec, rec, thr = skm.precision_recall_curve(y, p, sample_weight=w if weighted else None)
    assert list(c) == ["threshold", "precision", "recall"]
    np.testing.assert_allclose(c["precision"], prec, rtol=1e-12)
    np.testing.assert_allclose(c["recall"], rec, rtol=1e-12)
    np.testing.assert_array_equal(c["threshold"][:-1], thr)
    assert np.isnan(c["threshold"][-1])


def test_det_matches_sklearn_det_curve(invoke, ties):
    path, y, p, w = ties
    c = read_csv(curve(invoke, str(path), "-t", "y", "-s", "p", "-w", "w", "--kind", "det"))
    fpr, fnr, thr = skm.det_curve(y, p, sample_weight=w)
    assert list(c) == ["threshold", "fpr", "fnr"]
    np.testing.assert_allclose(c["fpr"], fpr, rtol=1e-12)
    np.testing.assert_allclose(c["fnr"], fnr, rtol=1e-12)
    np.testing.assert_array_equal(c["threshold"], sk_thr(thr))


def test_calibration_matches_sklearn_calibration_curve(invoke, ties):
    from sklearn.calibration import calibration_curve

    path, y, p, _ = ties
    for bins, strategy in (("10", "uniform"), ("quantile:5", "quantile")):
        c = read_csv(curve(invoke, str(path), "-t", "y", "-s", "p", "--kind", "calibration", "--bins", bins))
        assert list(c) == ["bin_low", "bin_high", "count", "mean_score", "fraction_positive"]
        prob_true, prob_pred = calibration_curve(y, p, n_bins=int(bins.split(":")[-1]), strategy=strategy)
        full = c["count"] > 0
        np.testing.assert_allclose(c["fraction_positive"][full], prob_true, rtol=1e-12)
        np.testing.assert_allclose(c["mean_score"][full], prob_pred, rtol=1e-12)
        assert c["count"].sum() == len(y)


def test_efficiency_is_the_roc_with_physics_names(invoke, ties):
    path, y, p, w = ties
    c = read_csv(curve(invoke, str(path), "-t", "y", "-s", "p", "-w", "w", "--kind", "efficiency"))
    assert list(c) == ["threshold", "signal_efficiency", "background_efficiency", "background_rejection"]
    fpr, tpr, thr = skm.roc_curve(y, p, sample_weight=w, drop_intermediate=False)
    np.testing.assert_allclose(c["signal_efficiency"], tpr[1:], rtol=1e-12)
    np.testing.assert_allclose(c["background_efficiency"], fpr[1:], rtol=1e-12)
    np.testing.assert_array_equal(c["threshold"], thr[1:])
    with np.errstate(divide="ignore"):
        expected = np.where(fpr[1:] > 0, 1 / fpr[1:], np.nan)
    np.testing.assert_allclose(c["background_rejection"], expected, rtol=1e-12)


def test_points_keeps_both_ends_and_the_rule_points(invoke, tmp_path):
    rng = np.random.default_rng(5)
    n = 2000
    y = rng.integers(0, 2, n)
    p = rng.random(n) * 0.5 + 0.4 * y
    path = tmp_path / "many.csv"
    path.write_text("y,score\n" + "\n".join(f"{a},{b!r}" for a, b in zip(y.tolist(), p.tolist())) + "\n")
    full = read_csv(curve(invoke, str(path), "--kind", "roc"))
    small = read_csv(curve(invoke, str(path), "--kind", "roc", "--points", "50"))
    assert len(small["fpr"]) <= 53 and len(small["fpr"]) >= 50
    assert np.isnan(small["threshold"][0]) and small["threshold"][-1] == full["threshold"][-1]
    # the youden point (max TPR − FPR; ties → largest threshold) survives
    j = full["tpr"] - full["fpr"]
    youden_t = full["threshold"][int(np.nanargmax(j))]
    assert youden_t in small["threshold"]
    # a subset of the full curve
    assert set(small["threshold"][1:]) <= set(full["threshold"][1:])
    code, _, err = invoke("curve", str(path), "--points", "1")
    assert code == 2 and "at least 2" in err


def test_multiclass_one_vs_rest_has_a_class_column(invoke):
    import pandas as pd

    df = pd.read_csv(SAMPLES / "multiclass.csv")
    out = curve(invoke, str(SAMPLES / "multiclass.csv"), "-t", "species", "-s", "p_*", "--kind", "roc")
    got = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])
    assert list(got.columns) == ["class", "threshold", "fpr", "tpr"]
    classes = [c[2:] for c in df.columns if c.startswith("p_")]
    assert list(dict.fromkeys(got["class"])) == classes
    for cls in classes:
        fpr, tpr, _ = skm.roc_curve(df["species"] == cls, df[f"p_{cls}"], drop_intermediate=False)
        part = got[got["class"] == cls]
        np.testing.assert_allclose(part["fpr"], fpr, rtol=1e-12)
        np.testing.assert_allclose(part["tpr"], tpr, rtol=1e-12)


def test_json_and_markdown_formats(invoke, ties, tmp_path):
    path, y, p, _ = ties
    doc = json.loads(curve(invoke, str(path), "-t", "y", "-s", "p", "--kind", "roc", "-f", "json"))
    assert doc["kind"] == "roc" and doc["columns"] == ["threshold", "fpr", "tpr"]
    assert doc["points"][0] == {"threshold": None, "fpr": 0.0, "tpr": 0.0}
    fpr, _, _ = skm.roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose([pt["fpr"] for pt in doc["points"]], fpr, rtol=1e-12)
    md = curve(invoke, str(path), "-t", "y", "-s", "p", "--kind", "pr", "-f", "markdown")
    assert "| threshold | precision | recall |" in md
    out = tmp_path / "roc.json"
    code, stdout, err = invoke("curve", str(path), "-t", "y", "-s", "p", "-o", str(out))
    assert code == 0 and stdout == "" and "wrote json roc curve" in err
    assert json.loads(out.read_text())["kind"] == "roc"


def test_output_is_checked_before_reading_and_never_the_input(invoke, ties):
    path, *_ = ties
    before = path.read_bytes()
    code, out, err = invoke("curve", str(path), "-t", "y", "-s", "p", "-o", str(path))
    assert code == 2 and out == "" and err.startswith("evalml: error: --output") and "is the input" in err
    assert path.read_bytes() == before
    code, _, err = invoke("curve", str(path), "--kind", "lift")
    assert code == 2 and err.count("\n") == 1


def test_library_curve_matches_the_command(ties):
    import evalml_cli

    path, y, p, _ = ties
    c = evalml_cli.api.curve(str(path), kind="roc", target="y", score="p")
    fpr, tpr, _ = skm.roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose(c.columns["tpr"], tpr, rtol=1e-12)


def test_html_page_holds_the_figure_and_the_json_points(invoke, ties, tmp_path):
    import re

    path, *_ = ties
    page = tmp_path / "roc.html"
    code, _, err = invoke("curve", str(path), "-t", "y", "-s", "p", "--kind", "roc", "-o", str(page))
    assert code == 0, err
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "<script" not in text
    doc = json.loads(curve(invoke, str(path), "-t", "y", "-s", "p", "--kind", "roc", "-f", "json"))
    values = [json.loads(v.replace("&quot;", '"')) for v in re.findall(r'data-value="([^"]*)"', text)]
    assert values == [pt[k] for pt in doc["points"] for k in doc["columns"]]


def test_detected_columns_are_noted_on_stderr_unless_quiet(invoke):
    code, out, err = invoke("curve", str(SAMPLES / "binary.csv"), "--points", "2")
    assert code == 0 and "using target column 'y_true'" in err and out.startswith("threshold,fpr,tpr")
    code, out, err = invoke("curve", str(SAMPLES / "binary.csv"), "-q")
    assert code == 0 and err == "" and out == ""
