"""Numeric edge cases (issue 8 items 3, 4, 5, 17): negative event weights, weights at the ends of
the float64 range, histograms whose sum overflows, and no raw NumPy warning on stderr."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from evalml_cli.kernels.binary import binary_compute, binary_update, ranking_metrics, threshold_metrics
from evalml_cli.kernels.multiclass import multiclass_compute, multiclass_update

SCALES = [1e-170, 1e-160, 1.0, 1e160, 1e300]


# ---------------------------------------------------------------------------------------------
# 3. average precision with negative weights
# ---------------------------------------------------------------------------------------------


def _sk_average_precision(y, s, w):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return skm.average_precision_score(y, s, sample_weight=w)


def test_average_precision_is_null_when_tp_plus_fp_nets_to_zero_on_four_rows():
    # At score 0.9 one positive (+1) and one negative (−1): TP + FP = 0, precision undefined.
    # The old kernel took that precision as 1 (AP = 1.0); scikit-learn takes 0 (AP = 0.0).
    y = np.array([1, 0, 0, 0], bool)
    s = np.array([0.9, 0.9, 0.5, 0.1])
    w = np.array([1.0, -1.0, 1.0, 1.0])
    assert _sk_average_precision(y, s, w) == 0.0
    ms = ranking_metrics(binary_update(y, s, w))
    assert math.isnan(ms.values["average_precision"])
    assert "TP + FP" in ms.reasons["average_precision"]


@pytest.mark.parametrize("seed", range(40))
def test_average_precision_with_pm1_weights_equals_sklearn_or_is_null(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 30))
    y = rng.integers(0, 2, n).astype(bool)
    s = rng.integers(0, 6, n) / 5.0  # ties
    w = rng.choice([-1.0, 1.0], n, p=[0.3, 0.7])
    st = binary_update(y, s, w)
    ap = ranking_metrics(st).values["average_precision"]
    pos, neg = st.pos[::-1], st.neg[::-1]
    predicted = np.cumsum(pos) + np.cumsum(neg)
    defined = pos.sum() > 0 and bool((predicted[pos != 0] > 0).all())
    if defined:
        assert math.isclose(ap, _sk_average_precision(y, s, w), rel_tol=1e-9, abs_tol=1e-12)
    else:
        assert math.isnan(ap)


def test_average_precision_with_positive_weights_is_unchanged_and_matches_sklearn():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200).astype(bool)
    s = rng.random(200).round(2)
    w = rng.random(200)
    w[:10] = 0.0  # zero weights never make a contributing level undefined
    ap = ranking_metrics(binary_update(y, s, w)).values["average_precision"]
    assert math.isclose(ap, skm.average_precision_score(y, s, sample_weight=w), rel_tol=1e-9)


def test_mcc_is_null_when_two_margins_are_negative():
    # TP+FP < 0 and TP+FN < 0 make the product of the four margins positive: still undefined.
    y = np.array([1, 0, 1, 0], bool)
    s = np.array([0.9, 0.8, 0.2, 0.1])
    w = np.array([-2.0, 1.0, 1.0, 1.0])
    ms = threshold_metrics(binary_update(y, s, w), 0.5)
    tp, fp, tn, fn = (ms.values[k] for k in ("tp", "fp", "tn", "fn"))
    assert (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn) > 0 and tp + fp < 0 and tp + fn < 0
    assert math.isnan(ms.values["mcc"])


def test_multiclass_mcc_is_null_when_both_covariances_are_negative():
    # s² − Σ t² < 0 and s² − Σ p² < 0 (negative net class weights): the product is positive.
    y = np.array([0, 1, 2, 0, 1, 2])
    w = np.array([3.0, -2.0, -2.0, 0.5, 0.5, 0.5])
    cm_state = multiclass_update(y, y, 3, weight=w)
    ms = multiclass_compute(cm_state).metrics
    assert math.isnan(ms.values["mcc"])


# ---------------------------------------------------------------------------------------------
# 5. weights at the ends of the float64 range
# ---------------------------------------------------------------------------------------------


def _binary_case(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(bool)
    s = rng.random(n).round(2)
    w = rng.uniform(0.5, 2.0, n)
    return y, s, w


@pytest.mark.parametrize("c", SCALES)
def test_binary_metrics_are_invariant_to_a_common_weight_factor(c):
    y, s, w = _binary_case()
    base = binary_compute(binary_update(y, s, w)).values
    scaled = binary_compute(binary_update(y, s, w * c)).values
    for name in ("roc_auc", "average_precision", "mcc", "log_loss", "brier", "precision", "recall", "f1"):
        assert math.isclose(scaled[name], base[name], rel_tol=1e-12), (name, scaled[name], base[name])
    assert math.isclose(base["roc_auc"], skm.roc_auc_score(y, s, sample_weight=w), rel_tol=1e-12)
    assert math.isclose(base["mcc"], skm.matthews_corrcoef(y, s >= 0.5, sample_weight=w), rel_tol=1e-12)


@pytest.mark.parametrize("c", SCALES)
def test_uniform_weights_give_the_unweighted_auc(c):
    y, s, _ = _binary_case(seed=1)
    unweighted = ranking_metrics(binary_update(y, s)).values
    scaled = ranking_metrics(binary_update(y, s, np.full(y.shape, c))).values
    assert math.isclose(scaled["roc_auc"], unweighted["roc_auc"], rel_tol=1e-12)
    assert math.isclose(scaled["roc_auc"], skm.roc_auc_score(y, s), rel_tol=1e-12)


@pytest.mark.parametrize("c", SCALES)
def test_multiclass_metrics_are_invariant_to_a_common_weight_factor(c):
    rng = np.random.default_rng(5)
    n, k = 400, 4
    y = rng.integers(0, k, n)
    scores = rng.dirichlet(np.ones(k), n)
    pred = scores.argmax(axis=1)
    w = rng.uniform(0.5, 2.0, n)
    base = multiclass_compute(multiclass_update(y, pred, k, scores, weight=w, probabilities=True)).metrics.values
    scaled = multiclass_compute(multiclass_update(y, pred, k, scores, weight=w * c, probabilities=True)).metrics.values
    for name in ("mcc", "cohen_kappa", "accuracy", "roc_auc_ovr_macro", "log_loss", "f1_macro"):
        assert math.isclose(scaled[name], base[name], rel_tol=1e-12), (name, scaled[name], base[name])
    assert math.isclose(base["mcc"], skm.matthews_corrcoef(y, pred, sample_weight=w), rel_tol=1e-12)
    assert math.isclose(base["cohen_kappa"], skm.cohen_kappa_score(y, pred, sample_weight=w), rel_tol=1e-12)


# ---------------------------------------------------------------------------------------------
# 4. histograms whose sum overflows float64
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1.0, 1e300, 3e307])
def test_kl_and_js_of_huge_counts_match_scipy_on_scaled_data(scale):
    from scipy.spatial.distance import jensenshannon
    from scipy.special import rel_entr

    from evalml_cli.kernels.density import kl

    p0 = np.array([5.0, 3.0, 1.0, 0.5, 0.5])
    q0 = np.array([4.0, 4.0, 1.0, 1.0, 0.5])
    p, q = p0 * scale, q0 * scale
    with np.errstate(over="ignore"):
        assert np.isfinite(p).all() and (scale < 1e307 or not np.isfinite(p.sum()))  # 3e307: the sum overflows
    ms = kl(p, q)
    pn, qn = p / p.max(), q / q.max()
    pn, qn = pn / pn.sum(), qn / qn.sum()
    assert math.isclose(ms.values["kl_divergence"], rel_entr(pn, qn).sum(), rel_tol=1e-12)
    assert math.isclose(ms.values["kl_divergence_reverse"], rel_entr(qn, pn).sum(), rel_tol=1e-12)
    assert math.isclose(ms.values["js_divergence"], jensenshannon(pn, qn) ** 2, rel_tol=1e-9)
    assert ms.values["kl_divergence"] > 0.01


@pytest.mark.parametrize("c", [*SCALES, 1e307])
def test_mean_nll_is_invariant_to_a_common_weight_factor(c):
    from evalml_cli.kernels.density import nll

    rng = np.random.default_rng(4)
    L = rng.uniform(0.01, 2.0, 50)
    w = rng.uniform(0.5, 2.0, 50)
    base = nll(L, w).values["mean_nll"]
    assert math.isclose(nll(L, w * c).values["mean_nll"], base, rel_tol=1e-12)
    assert math.isclose(base, float(np.average(-np.log(L), weights=w)), rel_tol=1e-12)


# ---------------------------------------------------------------------------------------------
# 26. multiclass log_loss of probabilities rounded to 4 decimals
# ---------------------------------------------------------------------------------------------


def _multiclass_file(tmp_path, probs, y, name="mc.csv"):
    k = probs.shape[1]
    lines = ["y," + ",".join(f"p_{c}" for c in range(k))]
    lines += [f"{t}," + ",".join(f"{v:.{8}g}" for v in row) for t, row in zip(y, probs)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_log_loss_of_rounded_probabilities_matches_sklearn(tmp_path, invoke):
    import json

    rng = np.random.default_rng(0)
    n, k = 500, 10
    probs = rng.dirichlet(np.ones(k) * 0.5, n).round(4)
    y = rng.integers(0, k, n)
    assert np.abs(probs.sum(axis=1) - 1).max() > 1e-6  # the old ±1e-6 check refused these rows
    code, out, err = invoke("classify", str(_multiclass_file(tmp_path, probs, y)), "-t", "y", "-s", "p_*", "-f", "json")
    assert code == 0, err
    rep = json.loads(out)
    ref = skm.log_loss(y, probs / probs.sum(axis=1, keepdims=True), labels=list(range(k)))
    assert rep["metrics"]["log_loss"] == pytest.approx(ref, rel=1e-9)
    assert any("divided by its sum" in w for w in rep["warnings"])


def test_rows_far_from_one_still_give_a_null_log_loss(tmp_path, invoke):
    import json

    probs = np.array([[0.5, 0.3, 0.1], [0.2, 0.2, 0.2], [0.1, 0.1, 0.8]])  # 0.9 and 0.6 are not rounding
    code, out, _ = invoke("classify", str(_multiclass_file(tmp_path, probs, [0, 1, 2])), "-t", "y", "-s", "p_*", "-f", "json")
    rep = json.loads(out)
    assert code == 0 and rep["metrics"]["log_loss"] is None
    assert not any("divided by its sum" in w for w in rep["warnings"])


# ---------------------------------------------------------------------------------------------
# 27. warnings on suspicious scores
# ---------------------------------------------------------------------------------------------

BINARY_Y = [0, 0, 1, 1, 0, 1, 0, 1]
SUSPICIOUS = {
    "percentages": ([10, 40, 35, 80, 20, 90, 5, 60], [], "percentages"),
    "logits": ([-2.1, -0.4, 0.35, 1.8, -1.0, 2.2, -3.0, 0.6], [], "--threshold 0"),
    "hard": ([0, 0, 1, 1, 0, 1, 1, 1], [], "hard 0/1"),
    "swapped": ([0.9, 0.6, 0.35, 0.1, 0.8, 0.2, 0.7, 0.3], [], "below 0.5"),
    "fine": ([0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.05, 0.6], [], None),
    "logits with a threshold": ([-2.1, -0.4, 0.35, 1.8, -1.0, 2.2, -3.0, 0.6], ["-T", "0"], None),
}


@pytest.mark.parametrize("case", list(SUSPICIOUS))
def test_suspicious_scores_warn_only_when_the_condition_holds(case, tmp_path, invoke):
    import json

    scores, extra, needle = SUSPICIOUS[case]
    path = tmp_path / "b.csv"
    path.write_text("y,s\n" + "".join(f"{t},{s}\n" for t, s in zip(BINARY_Y, scores)))
    code, out, err = invoke("classify", str(path), "-t", "y", "-s", "s", *extra, "-f", "json")
    assert code == 0, err
    warns = json.loads(out)["warnings"]
    markers = ("percentages", "--threshold 0", "hard 0/1", "below 0.5")
    hits = [m for m in markers if any(m in w for w in warns)]
    assert hits == ([needle] if needle else []), warns


# ---------------------------------------------------------------------------------------------
# 17. no raw NumPy RuntimeWarning on stderr
# ---------------------------------------------------------------------------------------------

EDGE_FILES = {
    "negative-weights.csv": ("y,s,w\n1,0.9,1\n0,0.9,-1\n0,0.5,1\n0,0.1,1\n", ["classify", "-t", "y", "-s", "s", "-w", "w"]),
    "zero-weights.csv": ("y,s,w\n1,0.9,0\n0,0.8,0\n1,0.5,0\n0,0.1,0\n", ["classify", "-t", "y", "-s", "s", "-w", "w"]),
    "huge-weights.csv": ("y,s,w\n1,0.9,1e300\n0,0.8,1e308\n1,0.8,1e308\n0,0.1,1e308\n", ["classify", "-t", "y", "-s", "s", "-w", "w"]),
    "tiny-weights.csv": ("y,s,w\n1,0.9,1e-320\n0,0.8,1e-320\n1,0.5,1e-320\n0,0.1,1e-320\n", ["classify", "-t", "y", "-s", "s", "-w", "w"]),
    "one-class.csv": ("y,s\n1,0.9\n1,0.8\n1,0.5\n", ["classify", "-t", "y", "-s", "s"]),
    "constant.csv": ("y,s\n1,0.5\n0,0.5\n1,0.5\n", ["classify", "-t", "y", "-s", "s"]),
    "huge-scores.csv": ("y,s\n1,1e300\n0,-1e300\n1,1e308\n", ["classify", "-t", "y", "-s", "s"]),
    "multiclass.csv": ("y,p_a,p_b,p_c,w\na,0.5,0.3,0.2,1e308\nb,0.2,0.6,0.2,1e308\nc,0.1,0.1,0.8,-1e308\na,0.3,0.3,0.4,0\n",
                       ["classify", "-t", "y", "-s", "p_*", "-w", "w"]),
    "regression.csv": ("data,theory,w\n1e200,-1e200,1e308\n2,1,1e308\n3,3,1e308\n", ["regress", "-t", "data", "-p", "theory", "-w", "w"]),
    "regression-zero.csv": ("data,theory,w\n1,1,1\n1,2,-1\n", ["regress", "-t", "data", "-p", "theory", "-w", "w"]),
    "hist.csv": ("observed,expected\n1e307,1e307\n1e307,0\n0,1e307\n", ["density", "--p", "observed", "--q", "expected"]),
    "likelihood.csv": ("model_pdf,w\n1e-300,1e308\n1e-300,1e308\n", ["density", "-l", "model_pdf", "-w", "w"]),
}


@pytest.mark.parametrize("name", list(EDGE_FILES))
def test_no_numpy_runtime_warning_reaches_stderr(name, tmp_path):
    import os
    import subprocess
    import sys

    text, args = EDGE_FILES[name]
    path = tmp_path / name
    path.write_text(text)
    cmd, *opts = args
    proc = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-m", "evalml_cli", cmd, str(path), *opts, "-f", "json"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr


def test_histogram_counts_whose_sum_overflows_read_without_warning(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "h.csv"
    path.write_text("observed,expected\n1e308,1e308\n1e308,1e308\n5e307,1e308\n")
    proc = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-m", "evalml_cli", "density", str(path),
                           "--p", "observed", "--q", "expected"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Warning" not in proc.stderr, proc.stderr
