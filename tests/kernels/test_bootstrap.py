"""The bootstrap engine: each replicate against scikit-learn with sample_weight = counts,
coverage on simulated data, BCa against scipy.stats.bootstrap, seeds and undefined cases."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn import metrics as skm

from evalml_cli.kernels.binary import binary_compute, binary_update
from evalml_cli.kernels.bootstrap import (
    BINARY_METRICS,
    binary_replicates,
    block_size,
    bootstrap_interval,
    bootstrap_sums,
    confusion_replicates,
    delta_replicates,
    jackknife_counts,
    jackknife_sums,
    mean_replicates,
    multiclass_replicates,
    paired_binary_replicates,
    regression_replicates,
    replicate_counts,
    replicate_row_order,
    replicate_sums,
)
from evalml_cli.kernels.multiclass import MulticlassState, multiclass_compute


def all_counts(n: int, n_boot: int, seed: int) -> np.ndarray:
    return np.vstack([c for _, c in replicate_counts(n, n_boot, seed)])


def sklearn_binary(y, s, sw, threshold):
    """Every binary metric by scikit-learn on rows weighted by ``sw`` (counts × weights)."""
    pred = s >= threshold
    tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[False, True], sample_weight=sw).ravel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = {
            "tp": tp, "fp": fp, "tn": tn, "fn": fn,
            "accuracy": skm.accuracy_score(y, pred, sample_weight=sw),
            "precision": skm.precision_score(y, pred, sample_weight=sw, zero_division=np.nan),
            "recall": skm.recall_score(y, pred, sample_weight=sw, zero_division=np.nan),
            "specificity": skm.recall_score(~y, ~pred, sample_weight=sw, zero_division=np.nan),
            "balanced_accuracy": skm.balanced_accuracy_score(y, pred, sample_weight=sw),
            "f1": skm.f1_score(y, pred, sample_weight=sw, zero_division=np.nan),
            "mcc": skm.matthews_corrcoef(y, pred, sample_weight=sw),
            "roc_auc": skm.roc_auc_score(y, s, sample_weight=sw),
            "average_precision": skm.average_precision_score(y, s, sample_weight=sw),
        }  # fmt: skip
        if s.min() >= 0 and s.max() <= 1:
            out["log_loss"] = skm.log_loss(y, s, sample_weight=sw, labels=[False, True])
            out["brier"] = skm.brier_score_loss(y, s, sample_weight=sw)
    return out


def check_replicates_against_sklearn(y, s, w, threshold, n_boot=6, seed=5, reps=None, order=None):
    reps = reps or binary_replicates(y, s, w, threshold, n_boot=n_boot, seed=seed)
    order = replicate_row_order(y, s, w) if order is None else order
    counts = all_counts(y.shape[0], n_boot, seed)
    for r in range(n_boot):
        row_counts = np.zeros(y.shape[0])
        row_counts[order] = counts[r]
        sw = row_counts if w is None else row_counts * w
        drawn = sw > 0
        if drawn[y].sum() == 0 or drawn[~y].sum() == 0:
            assert math.isnan(reps.values["roc_auc"][r])
            continue
        ref = sklearn_binary(y[drawn], s[drawn], sw[drawn], threshold)
        for name, value in ref.items():
            got = reps.values[name][r]
            if name == "mcc" and math.isnan(got):
                assert value == 0.0  # scikit-learn returns 0 where the formula is 0/0
                continue
            assert got == pytest.approx(value, rel=1e-9, abs=1e-12, nan_ok=True), (name, r)


def binormal(rng, n, mu=1.0, frac=0.4, decimals=None):
    y = rng.random(n) < frac
    s = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + mu * y)))
    return y, (np.round(s, decimals) if decimals else s)


# ------------------------------------------------- the cumulative-sum trick vs scikit-learn


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("decimals", [None, 2])  # continuous scores / many ties
@pytest.mark.parametrize("threshold", [0.5, 0.3])
def test_binary_replicate_equals_sklearn_with_sample_weight_counts(weighted, decimals, threshold):
    rng = np.random.default_rng(11)
    y, s = binormal(rng, 400, decimals=decimals)
    w = rng.uniform(0.2, 3.0, 400) if weighted else None
    check_replicates_against_sklearn(y, s, w, threshold)


def test_binary_replicate_equals_sklearn_on_more_rows_than_one_draw_chunk():
    # > 65536 rows: the counts come from several chunks (see _draw_counts).
    rng = np.random.default_rng(12)
    y, s = binormal(rng, 70_000, decimals=3)
    check_replicates_against_sklearn(y, s, None, 0.5, n_boot=2)


@st.composite
def small_binary(draw):
    n = draw(st.integers(2, 30))
    y = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    s = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), np.float64) / 4
    w = None
    if draw(st.booleans()):
        w = np.array(draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)), np.float64) / 2
    return y, s, w, draw(st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.1]))


@settings(max_examples=60, deadline=None)
@given(small_binary())
def test_binary_replicates_match_sklearn_on_small_tied_data(data):
    y, s, w, threshold = data
    check_replicates_against_sklearn(y, s, w, threshold, n_boot=4, seed=2)


def test_binary_estimate_equals_binary_compute():
    rng = np.random.default_rng(3)
    y, s = binormal(rng, 500, decimals=2)
    w = rng.uniform(0.5, 2.0, 500)
    for weight in (None, w):
        reps = binary_replicates(y, s, weight, threshold=0.4, n_boot=3)
        ref = binary_compute(binary_update(y, s, weight), threshold=0.4).values
        for name in BINARY_METRICS:
            assert reps.estimate[name] == pytest.approx(ref[name], rel=1e-12), name


def test_scores_outside_unit_interval_have_no_log_loss():
    y = np.array([0, 1, 0, 1], bool)
    reps = binary_replicates(y, np.array([-1.0, 2.0, 0.5, 3.0]), n_boot=10)
    assert "log_loss" not in reps.values
    assert "not probabilities" in reps.reasons["log_loss"]


# --------------------------------------------------------------------------- paired draws


@pytest.mark.parametrize("weighted", [False, True])
def test_paired_replicates_equal_sklearn_for_both_models_on_the_same_counts(weighted):
    rng = np.random.default_rng(21)
    y, s1 = binormal(rng, 300, decimals=2)
    s2 = np.clip(s1 + rng.normal(0, 0.2, 300), 0, 1).round(2)
    w = rng.uniform(0.5, 2.0, 300) if weighted else None
    a, b = paired_binary_replicates(y, s1, s2, w, n_boot=5, seed=4)
    order = replicate_row_order(y, s1, w, s2)
    check_replicates_against_sklearn(y, s1, w, 0.5, n_boot=5, seed=4, reps=a, order=order)
    check_replicates_against_sklearn(y, s2, w, 0.5, n_boot=5, seed=4, reps=b, order=order)
    d = delta_replicates(a, b)
    assert np.allclose(d.values["roc_auc"], b.values["roc_auc"] - a.values["roc_auc"])
    assert d.estimate["roc_auc"] == pytest.approx(skm.roc_auc_score(y, s2, sample_weight=w) - skm.roc_auc_score(y, s1, sample_weight=w))


def test_paired_delta_interval_detects_a_better_model():
    rng = np.random.default_rng(5)
    y, s1 = binormal(rng, 2000, mu=0.5)
    s2 = 1 / (1 + np.exp(-(rng.normal(0, 1, 2000) + 2.0 * y)))
    a, b = paired_binary_replicates(y, s1, s2, n_boot=300, seed=0)
    iv = delta_replicates(a, b).interval("roc_auc")
    assert iv.low > 0
    # Same model twice: every paired delta is exactly 0 (the same draws) → zero variance.
    a2, b2 = paired_binary_replicates(y, s1, s1, n_boot=50)
    assert np.all(delta_replicates(a2, b2).values["roc_auc"] == 0)


# ------------------------------------------------------------------------- draws and seeds


def test_counts_are_multinomial_n_over_n():
    n, B = 150_000, 40  # several 65536-row chunks plus a partial one
    c = all_counts(n, B, seed=9)
    assert c.dtype == np.int64 and np.all(c.sum(axis=1) == n)
    # Marginal Binomial(n, 1/n): P(0) = (1 − 1/n)^n ≈ e⁻¹, mean 1, variance 1 − 1/n.
    assert np.mean(c == 0) == pytest.approx((1 - 1 / n) ** n, abs=0.003)
    assert c.mean() == 1.0 and c.var() == pytest.approx(1 - 1 / n, abs=0.01)
    # Every region (full chunks and the last, partial one) is drawn at the same rate.
    regions = np.add.reduceat(c.sum(axis=0), [0, 65536, 131072])
    expected = np.array([65536, 65536, n - 131072]) * B
    chi2 = np.sum((regions - expected) ** 2 / expected)
    assert chi2 < stats.chi2.ppf(0.999, 2)


def test_seed_gives_the_same_replicates_and_block_size_does_not_matter():
    rng = np.random.default_rng(1)
    y, s = binormal(rng, 1000)
    r1 = binary_replicates(y, s, n_boot=50, seed=0)
    r2 = binary_replicates(y, s, n_boot=50, seed=0)
    r3 = binary_replicates(y, s, n_boot=50, seed=1)
    assert np.array_equal(r1.values["roc_auc"], r2.values["roc_auc"])
    assert r1.interval("roc_auc") == r2.interval("roc_auc")
    assert not np.array_equal(r1.values["roc_auc"], r3.values["roc_auc"])
    blocks = np.vstack([c for _, c in replicate_counts(1000, 50, 0, block=7)])
    assert np.array_equal(blocks, all_counts(1000, 50, 0))


def test_shuffled_rows_give_the_same_interval():
    rng = np.random.default_rng(2)
    y, s = binormal(rng, 800, decimals=2)
    w = rng.integers(1, 4, 800).astype(float)
    p = rng.permutation(800)
    a = binary_replicates(y, s, w, n_boot=100)
    b = binary_replicates(y[p], s[p], w[p], n_boot=100)
    for name in ("roc_auc", "f1", "log_loss"):
        assert np.array_equal(a.values[name], b.values[name])


def test_block_size_bounds_memory():
    assert block_size(1_000_000, 1000) * 1_000_000 * 64 <= 256 * 2**20
    assert block_size(10**9, 1000) == 1
    assert block_size(100, 1000) == 1000


# ---------------------------------------------------------------------------------- coverage


def test_percentile_interval_covers_true_auc_at_nominal_rate():
    # Binormal model: positives N(μ, 1), negatives N(0, 1) → true AUC = Φ(μ/√2).
    rng = np.random.default_rng(2024)
    mu, n, datasets = 1.0, 200, 200
    true_auc = stats.norm.cdf(mu / math.sqrt(2))
    hits = 0
    for k in range(datasets):
        y = rng.random(n) < 0.5
        s = rng.normal(0, 1, n) + mu * y
        iv = binary_replicates(y, s, n_boot=300, seed=k).interval("roc_auc", 0.95)
        hits += iv.low <= true_auc <= iv.high
    assert 0.88 <= hits / datasets <= 0.99


# ----------------------------------------------------------------------------------- BCa


def test_bca_matches_scipy_bootstrap_on_a_mean():
    rng = np.random.default_rng(8)
    x = rng.exponential(1.0, 60)  # skewed: BCa differs visibly from the percentile interval
    ours = mean_replicates(x, n_boot=20000, seed=0, jackknife=True).interval("mean", 0.95, "bca")
    ref = stats.bootstrap((x,), np.mean, n_resamples=20000, method="BCa", random_state=1).confidence_interval
    width = ref.high - ref.low
    assert ours.method == "bca"
    assert abs(ours.low - ref.low) < 0.03 * width
    assert abs(ours.high - ref.high) < 0.03 * width
    pct = mean_replicates(x, n_boot=20000, seed=0).interval("mean", 0.95)
    assert abs(pct.high - ours.high) > 0.03 * width  # the test can tell BCa from percentile


def test_jackknife_sums_leave_one_row_out_when_n_is_small():
    v = np.arange(12.0).reshape(6, 2)
    loo = jackknife_sums(v)
    assert np.allclose(loo, v.sum(axis=0) - v)
    # and equal the count-engine jackknife
    jc = np.vstack([c for _, c in jackknife_counts(6)])
    assert np.allclose(bootstrap_sums(v, jc), loo)


def test_binary_bca_is_defined_and_near_percentile():
    rng = np.random.default_rng(4)
    y, s = binormal(rng, 3000)
    reps = binary_replicates(y, s, n_boot=500, jackknife=True)
    assert reps.jackknife["roc_auc"].shape == (100,)
    bca, pct = reps.interval("roc_auc", kind="bca"), reps.interval("roc_auc")
    assert bca.reason is None and bca.low < reps.estimate["roc_auc"] < bca.high
    assert abs(bca.low - pct.low) < 0.01 and abs(bca.high - pct.high) < 0.01


# ------------------------------------------------------------------------ undefined cases


def test_single_class_gives_nan_interval_with_reason():
    reps = binary_replicates(np.ones(50, bool), np.linspace(0, 1, 50), n_boot=20)
    iv = reps.interval("roc_auc")
    assert math.isnan(iv.low) and math.isnan(iv.high) and "one class" in iv.reason
    assert "no negative rows" in reps.interval("specificity").reason
    assert "zero variance" in reps.interval("precision").reason  # every replicate is 1
    assert reps.interval("recall").reason is None and reps.interval("accuracy").reason is None
    neg = binary_replicates(np.zeros(50, bool), np.linspace(0, 1, 50), n_boot=20)
    assert "no positive rows" in neg.interval("average_precision").reason


def test_too_few_rows_gives_reason():
    reps = binary_replicates(np.array([True]), np.array([0.7]), n_boot=10)
    assert "too few rows" in reps.interval("accuracy").reason


def test_mostly_undefined_replicates_give_reason():
    reps = np.r_[np.full(60, np.nan), np.linspace(0, 1, 40)]
    iv = bootstrap_interval(reps)
    assert math.isnan(iv.low) and "more than half" in iv.reason
    iv = bootstrap_interval(np.r_[np.full(40, np.nan), np.linspace(0, 1, 60)], 0.9)
    assert iv.low == pytest.approx(np.quantile(np.linspace(0, 1, 60), 0.05))
    assert "every" in bootstrap_interval(np.full(5, np.nan)).reason
    assert "zero variance" in bootstrap_interval(np.ones(5)).reason


def test_bad_level_or_kind_raise():
    with pytest.raises(ValueError):
        bootstrap_interval(np.arange(5.0), 1.0)
    with pytest.raises(ValueError):
        bootstrap_interval(np.arange(5.0), 0.9, "normal")


def test_rare_class_replicates_become_nan_not_errors():
    y = np.zeros(40, bool)
    y[0] = True  # one positive: most replicates still draw it, ~37 % do not
    reps = binary_replicates(y, np.linspace(0, 1, 40), n_boot=200)
    nan_frac = np.isnan(reps.values["roc_auc"]).mean()
    assert 0.25 < nan_frac < 0.5


# ------------------------------------------------------------- regression, density, multiclass


def test_regression_replicates_equal_sklearn_with_sample_weight_counts():
    rng = np.random.default_rng(6)
    n = 250
    y = rng.normal(3, 2, n)
    p1 = y + rng.normal(0, 1, n)
    p2 = y + rng.normal(0.3, 0.5, n)
    w = rng.uniform(0.5, 2, n)
    a, b = regression_replicates(y, [p1, p2], w, n_boot=5, seed=3)
    order = np.lexsort((w, p2, p1, y))
    counts = all_counts(n, 5, 3)
    for r in range(5):
        rc = np.zeros(n)
        rc[order] = counts[r]
        sw = rc * w
        for reps, p in ((a, p1), (b, p2)):
            assert reps.values["mse"][r] == pytest.approx(skm.mean_squared_error(y, p, sample_weight=sw), rel=1e-10)
            assert reps.values["rmse"][r] == pytest.approx(math.sqrt(skm.mean_squared_error(y, p, sample_weight=sw)), rel=1e-10)
            assert reps.values["mae"][r] == pytest.approx(skm.mean_absolute_error(y, p, sample_weight=sw), rel=1e-10)
            assert reps.values["r2"][r] == pytest.approx(skm.r2_score(y, p, sample_weight=sw), rel=1e-9)
            assert reps.values["mean_residual"][r] == pytest.approx(np.average(y - p, weights=sw), rel=1e-9)
    assert a.estimate["r2"] == pytest.approx(skm.r2_score(y, p1, sample_weight=w), rel=1e-12)
    d = delta_replicates(a, b)
    assert np.allclose(d.values["mse"], b.values["mse"] - a.values["mse"])


def test_regression_bca_uses_exact_leave_one_out():
    rng = np.random.default_rng(7)
    y = rng.normal(0, 1, 50)
    p = y + rng.normal(0, 0.5, 50)
    (reps,) = regression_replicates(y, p, n_boot=2000, jackknife=True)
    order = np.lexsort((np.ones(50), p, y))
    loo = [skm.mean_squared_error(np.delete(y[order], i), np.delete(p[order], i)) for i in range(50)]
    assert np.allclose(reps.jackknife["mse"], loo)
    assert reps.interval("mse", kind="bca").reason is None


def test_constant_target_r2_interval_has_reason():
    (reps,) = regression_replicates(np.ones(20), np.linspace(0, 2, 20), n_boot=20)
    assert "constant" in reps.interval("r2").reason


def test_mean_replicates_weighted_mean_nll():
    rng = np.random.default_rng(8)
    v = rng.exponential(2, 100)
    w = rng.uniform(0.5, 2, 100)
    reps = mean_replicates(v, w, name="mean_nll", n_boot=4, seed=1)
    order = np.lexsort((w, v))
    counts = all_counts(100, 4, 1)
    for r in range(4):
        rc = np.zeros(100)
        rc[order] = counts[r]
        assert reps.values["mean_nll"][r] == pytest.approx(np.average(v, weights=rc * w), rel=1e-12)


def test_replicate_sums_are_counts_times_values():
    v = np.arange(20.0).reshape(10, 2)
    sums = replicate_sums(v, n_boot=7, seed=3)
    assert np.allclose(sums, all_counts(10, 7, 3) @ v)


@pytest.mark.parametrize("weighted", [False, True])
def test_confusion_and_multiclass_replicates_equal_sklearn(weighted):
    rng = np.random.default_rng(9)
    n, k = 300, 4
    y = rng.integers(0, k, n)
    pred = np.where(rng.random(n) < 0.6, y, rng.integers(0, k, n))
    w = rng.uniform(0.5, 2, n) if weighted else None
    reps, full = confusion_replicates(y, pred, k, w, n_boot=5, seed=2)
    assert np.allclose(full, skm.confusion_matrix(y, pred, labels=range(k), sample_weight=w))
    cell = y * k + pred
    order = np.lexsort((cell,) if w is None else (w, cell))
    counts = all_counts(n, 5, 2)
    mc = multiclass_replicates(y, pred, k, w, n_boot=5, seed=2)
    for r in range(5):
        rc = np.zeros(n)
        rc[order] = counts[r]
        sw = rc if w is None else rc * w
        assert np.allclose(reps[r], skm.confusion_matrix(y, pred, labels=range(k), sample_weight=sw))
        assert mc.values["f1_macro"][r] == pytest.approx(skm.f1_score(y, pred, average="macro", sample_weight=sw))
        assert mc.values["accuracy"][r] == pytest.approx(skm.accuracy_score(y, pred, sample_weight=sw))
        assert mc.values["recall[2]"][r] == pytest.approx(skm.recall_score(y, pred, labels=[2], average=None, sample_weight=sw)[0])
    est = multiclass_compute(MulticlassState(confusion=full, n=n)).metrics.values
    assert mc.estimate["mcc"] == pytest.approx(est["mcc"])
    assert mc.interval("accuracy").reason is None


@pytest.mark.parametrize("jackknife", [False, True])
def test_empty_input_gives_reasons_not_errors(jackknife):
    empty = np.array([])
    r = binary_replicates(empty.astype(bool), empty, n_boot=5, jackknife=jackknife)
    assert "too few rows" in r.interval("accuracy").reason
    (reg,) = regression_replicates(empty, empty, n_boot=5, jackknife=jackknife)
    assert "too few rows" in reg.interval("mse").reason
    assert "too few rows" in mean_replicates(empty, n_boot=5, jackknife=jackknife).interval("mean").reason


def test_paired_multiclass_replicates_share_draws_and_match_sklearn():
    rng = np.random.default_rng(10)
    n, k = 200, 3
    y = rng.integers(0, k, n)
    p1 = np.where(rng.random(n) < 0.5, y, rng.integers(0, k, n))
    p2 = np.where(rng.random(n) < 0.8, y, rng.integers(0, k, n))
    w = rng.uniform(0.5, 2, n)
    (r1, f1), (r2, f2) = confusion_replicates(y, [p1, p2], k, w, n_boot=4, seed=6)
    order = np.lexsort((w, p2, p1, y))
    counts = all_counts(n, 4, 6)
    for r in range(4):
        rc = np.zeros(n)
        rc[order] = counts[r]
        assert np.allclose(r1[r], skm.confusion_matrix(y, p1, labels=range(k), sample_weight=rc * w))
        assert np.allclose(r2[r], skm.confusion_matrix(y, p2, labels=range(k), sample_weight=rc * w))
    a, b = multiclass_replicates(y, [p1, p2], k, w, n_boot=200)
    d = delta_replicates(a, b)
    assert d.estimate["accuracy"] == pytest.approx(
        skm.accuracy_score(y, p2, sample_weight=w) - skm.accuracy_score(y, p1, sample_weight=w)
    )
    assert d.interval("accuracy").low > 0  # the second model is clearly better


def test_bca_without_jackknife_says_so():
    reps = mean_replicates(np.arange(30.0), n_boot=50)
    assert "jackknife=True" in reps.interval("mean", kind="bca").reason


def test_grouped_jackknife_bca_matches_scipy_full_jackknife_bca():
    # n = 500 > 100 groups: the acceleration comes from the grouped jackknife, scipy's from
    # all 500 leave-one-out means; the intervals agree within Monte-Carlo noise while the
    # percentile interval is visibly off on this skewed sample.
    rng = np.random.default_rng(0)
    x = rng.lognormal(0, 1.0, 500)
    ours = mean_replicates(x, n_boot=20000, jackknife=True).interval("mean", 0.95, "bca")
    ref = stats.bootstrap((x,), np.mean, n_resamples=20000, method="BCa", random_state=1).confidence_interval
    width = ref.high - ref.low
    assert abs(ours.low - ref.low) < 0.03 * width and abs(ours.high - ref.high) < 0.03 * width
    pct = mean_replicates(x, n_boot=20000).interval("mean", 0.95)
    assert abs(pct.high - ref.high) > 0.05 * width


def test_negative_weights_make_a_replicate_ap_undefined_not_one():
    # The top-scored level holds a positive whose level nets to zero predicted weight.
    y = np.array([1, 0, 1, 0], bool)
    s = np.array([0.9, 0.9, 0.2, 0.1])
    w = np.array([1.0, -1.0, 1.0, 1.0])
    reps = binary_replicates(y, s, w, n_boot=1)
    assert math.isnan(reps.estimate["average_precision"])
