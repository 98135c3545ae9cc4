"""classify's working points through the command line, each against a brute force over all
distinct scores written here: --threshold rules, --threshold-from, --tpr-at-fpr/--fpr-at-tpr
and their gates, --hep (Asimov against its formula), --overtraining (scipy's KS), --bins (ECE
against a direct loop)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from conftest import SAMPLES


def write(path, y, p, w=None):
    cols = "y,p" + (",w" if w is not None else "")
    rows = zip(y.tolist(), p.tolist(), *( [w.tolist()] if w is not None else []))
    path.write_text(cols + "\n" + "\n".join(",".join(repr(v) if isinstance(v, float) else str(v) for v in r)
                                           for r in rows) + "\n")
    return path


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(12)
    n = 300
    y = rng.integers(0, 2, n)
    p = np.round(np.clip(0.5 + 0.2 * (2 * y - 1) + rng.normal(0, 0.22, n), 0, 1), 2)  # ties
    w = np.round(rng.uniform(0.5, 2.0, n), 3)
    return write(tmp_path / "test.csv", y, p, w), y, p, w


def brute(y, p, w):
    """Every working-point quantity at every distinct score t (positive when p >= t), by loops."""
    out = []
    P, N = w[y == 1].sum(), w[y == 0].sum()
    for t in sorted(set(p.tolist()), reverse=True):
        sel = p >= t
        tp, fp = w[sel & (y == 1)].sum(), w[sel & (y == 0)].sum()
        fn, tn = P - tp, N - fp
        prec = tp / (tp + fp) if tp + fp > 0 else math.nan
        f1 = 2 * tp / (2 * tp + fp + fn)
        den = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        mcc = (tp * tn - fp * fn) / den if den > 0 else math.nan
        out.append({"t": t, "tpr": tp / P, "fpr": fp / N, "precision": prec, "f1": f1, "mcc": mcc,
                    "youden": tp / P - fp / N, "tp": tp, "fp": fp})
    return out


def best(points, key):
    """The largest t maximizing ``key`` (points are in decreasing t)."""
    vals = [pt[key] for pt in points]
    m = max(v for v in vals if not math.isnan(v))
    return next(pt["t"] for pt in points if pt[key] == m)


def report(invoke, *args, code=0):
    c, out, err = invoke("classify", *args, "-f", "json")
    assert c == code, err
    return json.loads(out), err


ARGS = ("-t", "y", "-s", "p", "-w", "w")


@pytest.mark.parametrize("rule", ["auto:youden", "auto:f1", "auto:mcc", "fpr=0.1", "tpr=0.9", "precision=0.8"])
def test_threshold_rule_matches_brute_force(invoke, data, rule):
    path, y, p, w = data
    pts = brute(y, p, w)
    if rule.startswith("auto:"):
        expected = best(pts, rule[5:])
    else:
        name, x = rule.split("=")
        x = float(x)
        if name == "fpr":
            expected = min(pt["t"] for pt in pts if pt["fpr"] <= x)
        elif name == "tpr":
            expected = max(pt["t"] for pt in pts if pt["tpr"] >= x)
        else:
            expected = min(pt["t"] for pt in pts if pt["precision"] >= x)
    rep, _ = report(invoke, str(path), *ARGS, "--threshold", rule)
    assert rep["inputs"]["threshold"] == expected
    assert rep["inputs"]["threshold_rule"] == rule
    fixed, _ = report(invoke, str(path), *ARGS, "--threshold", repr(expected))
    for name in ("tp", "fp", "f1", "recall", "precision", "mcc"):
        assert rep["metrics"][name] == fixed["metrics"][name]
    assert "threshold_rule" not in fixed["inputs"]  # a number keeps the old report


def test_unreachable_target_gives_null_threshold_metrics_a_warning_and_exit_0(invoke, tmp_path):
    y = np.array([0, 0, 1, 1, 0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.1])  # the top scores are negatives: precision 1 is unreachable
    path = write(tmp_path / "bad.csv", y, p)
    rep, _ = report(invoke, str(path), "-t", "y", "-s", "p", "--threshold", "precision=1")
    assert rep["inputs"]["threshold"] is None and rep["inputs"]["threshold_rule"] == "precision=1"
    for name in ("tp", "fp", "tn", "fn", "precision", "recall", "f1", "accuracy", "mcc"):
        assert rep["metrics"][name] is None
    assert rep["metrics"]["roc_auc"] is not None
    assert any("unreachable" in w for w in rep["warnings"])
    # no warning about the stand-in threshold the metrics were computed at (0.5: nothing predicted positive)
    low = write(tmp_path / "low.csv", y, p / 2)
    rep, _ = report(invoke, str(low), "-t", "y", "-s", "p", "--threshold", "precision=1")
    assert rep["metrics"]["precision"] is None and any("unreachable" in w for w in rep["warnings"])
    assert not any(w.startswith(("precision is undefined", "mcc is undefined")) for w in rep["warnings"])
    code, _, err = invoke("classify", str(path), "-t", "y", "-s", "p", "--threshold", "precision=1", "-q",
                          "-r", "recall>=0.1")
    assert code == 1 and "FAILED recall>=0.1: got null" in err
    for fmt in ("table", "markdown", "html"):  # every renderer copes with a null threshold
        code, out, err = invoke("classify", str(path), "-t", "y", "-s", "p", "-T", "precision=1", "-f", fmt,
                                "--plot", str(tmp_path / f"{fmt}_cm.png"), "--plot", str(tmp_path / f"{fmt}_roc.png"))
        assert code == 0 and "unreachable" in out, err
        assert (tmp_path / f"{fmt}_cm.png").stat().st_size > 1000


def test_threshold_from_chooses_on_the_validation_file(invoke, data, tmp_path):
    path, y, p, w = data
    rng = np.random.default_rng(99)
    yv = rng.integers(0, 2, 200)
    pv = np.round(np.clip(0.5 + 0.15 * (2 * yv - 1) + rng.normal(0, 0.3, 200), 0, 1), 3)
    wv = np.ones(200)
    val = write(tmp_path / "val.csv", yv, pv, wv)
    expected = best(brute(yv, pv, wv), "youden")
    rep, _ = report(invoke, str(path), *ARGS, "--threshold", "auto:youden", "--threshold-from", str(val))
    assert rep["inputs"]["threshold"] == expected and rep["inputs"]["threshold_from"] == str(val)
    fixed, _ = report(invoke, str(path), *ARGS, "--threshold", repr(expected))
    assert rep["metrics"]["f1"] == fixed["metrics"]["f1"]
    # the validation file is an input: -o naming it is refused before reading
    code, _, err = invoke("classify", str(path), *ARGS, "-T", "auto:f1", "--threshold-from", str(val), "-o", str(val))
    assert code == 2 and "--threshold-from" in err


def test_tpr_at_fpr_and_fpr_at_tpr_match_brute_force_and_gate_with_brackets(invoke, data):
    path, y, p, w = data
    pts = brute(y, p, w)
    levels = [0.0, 0.01, 0.05, 0.3]
    rep, _ = report(invoke, str(path), *ARGS, "--tpr-at-fpr", ",".join(map(str, levels)), "--fpr-at-tpr", "0.5,0.95")
    for x in levels:
        expected = max([0.0] + [pt["tpr"] for pt in pts if pt["fpr"] <= x])
        assert rep["metrics"][f"tpr_at_fpr[{x!r}]"] == pytest.approx(expected, rel=1e-12)
    for x in (0.5, 0.95):
        expected = min(pt["fpr"] for pt in pts if pt["tpr"] >= x)
        assert rep["metrics"][f"fpr_at_tpr[{x!r}]"] == pytest.approx(expected, rel=1e-12)
    value = rep["metrics"]["tpr_at_fpr[0.05]"]
    code, _, err = invoke("classify", str(path), *ARGS, "--tpr-at-fpr", "0.05", "-q",
                          "-r", f"tpr_at_fpr[0.050]>={value}", "-r", f"tpr_at_fpr[0.05]<{value}")
    assert code == 1 and err.count("FAILED") == 1 and f"tpr_at_fpr[0.05]<{value}" in err
    code, _, err = invoke("classify", str(path), *ARGS, "--tpr-at-fpr", "0.05", "-q", "-r", "tpr_at_fpr[0.01]>=0.3")
    assert code == 2 and "--tpr-at-fpr 0.01" in err
    code, _, err = invoke("classify", str(path), *ARGS, "--tpr-at-fpr", "1.5")
    assert code == 2 and "[0, 1]" in err


def test_hep_metrics_match_their_formulas(invoke, data):
    path, y, p, w = data
    lumi = 2.5
    rep, _ = report(invoke, str(path), *ARGS, "--hep", "--lumi-scale", str(lumi), "--threshold", "0.5")
    m = rep["metrics"]
    sel = p >= 0.5
    s, b = lumi * w[sel & (y == 1)].sum(), lumi * w[sel & (y == 0)].sum()
    assert m["s"] == pytest.approx(s, rel=1e-12) and m["b"] == pytest.approx(b, rel=1e-12)
    assert m["significance"] == pytest.approx(s / math.sqrt(b), rel=1e-12)
    assert m["asimov_significance"] == pytest.approx(math.sqrt(2 * ((s + b) * math.log(1 + s / b) - s)), rel=1e-10)
    assert m["signal_efficiency"] == pytest.approx(m["recall"], rel=1e-12)
    assert m["background_rejection"] == pytest.approx(1 / m["background_efficiency"], rel=1e-12)
    za = []
    for pt in brute(y, p, w):
        s_, b_ = lumi * pt["tp"], lumi * pt["fp"]
        za.append((math.sqrt(2 * ((s_ + b_) * math.log(1 + s_ / b_) - s_)) if b_ > 0 else -1, pt["t"]))
    top = max(z for z, _ in za)
    assert m["max_asimov_significance"] == pytest.approx(top, rel=1e-10)
    assert m["max_asimov_threshold"] == max(t for z, t in za if z == top or abs(z - top) < 1e-12 * top)


def test_asimov_tends_to_s_over_sqrt_b_for_small_s(invoke, tmp_path):
    # 1 signal row with a tiny weight above 1e6 background weight: Z_A ≈ s/√b
    y = np.array([1, 0, 0])
    p = np.array([0.9, 0.8, 0.1])
    w = np.array([1e-3, 1e6, 1.0])
    path = write(tmp_path / "tiny.csv", y, p, w)
    rep, _ = report(invoke, str(path), *ARGS, "--hep", "--threshold", "0.5")
    m = rep["metrics"]
    assert m["asimov_significance"] == pytest.approx(m["s"] / math.sqrt(m["b"]), rel=1e-6)


def test_hep_b_zero_is_null_with_a_warning(invoke, tmp_path):
    path = write(tmp_path / "pure.csv", np.array([1, 1, 0]), np.array([0.9, 0.8, 0.1]))
    rep, _ = report(invoke, str(path), "-t", "y", "-s", "p", "--hep")
    assert rep["metrics"]["significance"] is None and rep["metrics"]["background_rejection"] is None
    assert any(w.startswith("significance is undefined") for w in rep["warnings"])


def test_overtraining_ks_pvalues_match_scipy(invoke, data, tmp_path):
    path, y, p, _ = data
    rng = np.random.default_rng(4)
    yt = rng.integers(0, 2, 250)
    pt = np.round(np.clip(0.5 + 0.3 * (2 * yt - 1) + rng.normal(0, 0.2, 250), 0, 1), 3)
    train = write(tmp_path / "train.csv", yt, pt)
    rep, _ = report(invoke, str(path), "-t", "y", "-s", "p", "--overtraining", str(train))
    for name, cls in (("signal", 1), ("background", 0)):
        res = stats.ks_2samp(pt[yt == cls], p[y == cls])
        assert rep["metrics"][f"ks_{name}_pvalue"] == pytest.approx(res.pvalue, rel=1e-9)
        assert rep["metrics"][f"ks_{name}_statistic"] == pytest.approx(res.statistic, rel=1e-12)


def ece_loop(conf, correct, w, nb):
    """ECE/MCE by a direct loop over equal-width bins (right edge closed, first bin [0, e1])."""
    tot, acc, worst = w.sum(), 0.0, 0.0
    edges = np.linspace(0, 1, nb + 1)
    for b in range(nb):
        lo, hi = edges[b], edges[b + 1]
        idx = [i for i in range(len(conf)) if (conf[i] > lo or (b == 0 and conf[i] >= lo)) and conf[i] <= hi]
        if not idx:
            continue
        wb = w[idx].sum()
        gap = abs((w[idx] * correct[idx]).sum() / wb - (w[idx] * conf[idx]).sum() / wb)
        acc += wb / tot * gap
        worst = max(worst, gap)
    return acc, worst


def test_ece_binary_and_multiclass_match_a_direct_loop(invoke, data, tmp_path):
    path, y, p, w = data
    rep, _ = report(invoke, str(path), *ARGS, "--bins", "7")
    ece, mce = ece_loop(p, y.astype(float), w, 7)
    assert rep["metrics"]["ece"] == pytest.approx(ece, rel=1e-10)
    assert rep["metrics"]["mce"] == pytest.approx(mce, rel=1e-10)
    import pandas as pd

    df = pd.read_csv(SAMPLES / "multiclass.csv").head(600)
    cols = [c for c in df.columns if c.startswith("p_")]
    scores = df[cols].to_numpy()
    pred = scores.argmax(axis=1)
    conf = scores[np.arange(len(df)), pred]
    correct = (np.array([c[2:] for c in cols])[pred] == df["species"].astype(str).to_numpy()).astype(float)
    ece, mce = ece_loop(conf, correct, np.ones(len(df)), 5)
    small = tmp_path / "mc_small.csv"
    df.to_csv(small, index=False)
    rep, _ = report(invoke, str(small), "-t", "species", "-s", "p_*", "--bins", "5")
    assert rep["metrics"]["ece"] == pytest.approx(ece, rel=1e-10)
    assert rep["metrics"]["mce"] == pytest.approx(mce, rel=1e-10)


def test_ece_needs_probabilities(invoke, tmp_path):
    path = write(tmp_path / "logits.csv", np.array([0, 1, 0, 1]), np.array([-2.0, 3.0, 0.5, 1.5]))
    rep, _ = report(invoke, str(path), "-t", "y", "-s", "p", "--bins", "10", "-T", "0")
    assert rep["metrics"]["ece"] is None and any("not probabilities" in w for w in rep["warnings"])
    code, _, err = invoke("classify", str(path), "-t", "y", "-s", "p", "--bins", "quantile:0")
    assert code == 2 and err.startswith("evalml: error: invalid --bins")


def test_binary_only_options_warn_on_multiclass(invoke):
    rep, _ = report(invoke, str(SAMPLES / "multiclass.csv"), "-t", "species", "-s", "p_*", "--hep",
                    "--tpr-at-fpr", "0.1", "-T", "auto:f1")
    assert any("--tpr-at-fpr, --hep are ignored" in w for w in rep["warnings"])
    assert "signal_efficiency" not in rep["metrics"]


def test_new_keys_appear_only_with_their_options(invoke, data):
    path, *_ = data
    rep, _ = report(invoke, str(path), *ARGS)
    assert not {"ece", "s", "significance", "ks_signal_pvalue"} & set(rep["metrics"])
    assert not any("[" in k for k in rep["metrics"]) and "threshold_rule" not in rep["inputs"]
