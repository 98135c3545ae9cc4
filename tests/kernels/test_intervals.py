"""DeLong, Wilson and McNemar against their O(n²) / closed-form definitions, scipy and pROC."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import roc_auc_score

from evalml_cli.kernels.binary import binary_update
from evalml_cli.kernels.intervals import (
    Interval,
    delong_auc_variance,
    delong_from_state,
    delong_interval,
    delong_paired,
    mcnemar_counts,
    mcnemar_exact,
    wilson,
)

ASAH = Path(__file__).parent / "data" / "asah.csv"


def asah() -> dict[str, np.ndarray]:
    """pROC's aSAH data: outcome (Poor = positive), wfns (ordinal 1-5), s100b, ndka."""
    import pandas as pd

    d = pd.read_csv(ASAH)
    return {
        "y": (d["outcome"] == "Poor").to_numpy(),
        "wfns": d["wfns"].to_numpy(np.float64),
        "s100b": d["s100b"].to_numpy(np.float64),
        "ndka": d["ndka"].to_numpy(np.float64),
    }


# ----------------------------------------------------------------- the O(n²) definition


def psi(x: np.ndarray, yv: np.ndarray) -> np.ndarray:
    """Kernel ψ(X_i, Y_j): 1 if X > Y, 1/2 if tied, 0 otherwise (m × n matrix)."""
    return (x[:, None] > yv[None, :]) + 0.5 * (x[:, None] == yv[None, :])


def brute_placements(y: np.ndarray, s: np.ndarray):
    x, yv = s[y], s[~y]
    k = psi(x, yv)
    return k.mean(), k.mean(axis=1), k.mean(axis=0)  # AUC, V10 (positives), V01 (negatives)


def brute_delong(y, s):
    auc, v10, v01 = brute_placements(y, s)
    return auc, np.var(v10, ddof=1) / v10.size + np.var(v01, ddof=1) / v01.size


def brute_paired(y, s1, s2):
    a1, v10a, v01a = brute_placements(y, s1)
    a2, v10b, v01b = brute_placements(y, s2)
    s10 = np.cov(np.vstack([v10a, v10b]))
    s01 = np.cov(np.vstack([v01a, v01b]))
    m, n = v10a.size, v01a.size
    var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / n
    return a1, a2, var


@st.composite
def tied_binary(draw, min_size=4, max_size=40):
    n = draw(st.integers(min_size, max_size))
    y = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    # Few distinct values so ties (within and across classes) are common.
    levels = draw(st.integers(1, 6))
    s1 = np.array(draw(st.lists(st.integers(0, levels), min_size=n, max_size=n)), np.float64)
    s2 = np.array(draw(st.lists(st.integers(0, levels), min_size=n, max_size=n)), np.float64)
    return y, s1, s2


@settings(max_examples=100, deadline=None)
@given(tied_binary())
def test_delong_variance_matches_on2_definition_with_ties(data):
    y, s, _ = data
    if y.sum() < 2 or (~y).sum() < 2:
        auc, var = delong_auc_variance(y, s)
        assert math.isnan(var)
        return
    auc, var = delong_auc_variance(y, s)
    auc_ref, var_ref = brute_delong(y, s)
    assert auc == pytest.approx(auc_ref, abs=1e-12)
    assert auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert var == pytest.approx(var_ref, rel=1e-9, abs=1e-15)


@settings(max_examples=100, deadline=None)
@given(tied_binary())
def test_delong_paired_matches_on2_covariance_definition(data):
    y, s1, s2 = data
    if y.sum() < 2 or (~y).sum() < 2:
        r = delong_paired(y, s1, s2)
        assert math.isnan(r.p_value) and r.interval().reason
        return
    r = delong_paired(y, s1, s2)
    a1, a2, var = brute_paired(y, s1, s2)
    assert (r.auc1, r.auc2) == (pytest.approx(a1, abs=1e-12), pytest.approx(a2, abs=1e-12))
    assert r.delta == pytest.approx(a2 - a1, abs=1e-12)
    assert r.var_delta == pytest.approx(max(var, 0.0), rel=1e-9, abs=1e-14)
    if var > 1e-12:
        z = (a2 - a1) / math.sqrt(var)
        assert r.z == pytest.approx(z, rel=1e-6)
        assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-6, abs=1e-12)
        half = stats.norm.ppf(0.975) * math.sqrt(var)
        assert tuple(r.interval()) == pytest.approx((a2 - a1 - half, a2 - a1 + half), abs=1e-9)


def test_delong_large_random_matches_brute_force():
    rng = np.random.default_rng(3)
    y = rng.random(700) < 0.3
    s = np.round(rng.normal(y * 0.8, 1.0), 1)  # rounded: many ties
    auc, var = delong_auc_variance(y, s)
    auc_ref, var_ref = brute_delong(y, s)
    assert auc == pytest.approx(auc_ref, abs=1e-12)
    assert var == pytest.approx(var_ref, rel=1e-10)


# ----------------------------------------------------------------- pROC's published numbers


def test_delong_ci_matches_proc_on_asah_s100b():
    # pROC: roc(aSAH$outcome, aSAH$s100b) → AUC 0.7314, 95% CI 0.6301–0.8326 (DeLong).
    d = asah()
    iv = delong_interval(d["y"], d["s100b"], 0.95)
    auc, _ = delong_auc_variance(d["y"], d["s100b"])
    assert round(auc, 4) == 0.7314
    assert (round(iv.low, 4), round(iv.high, 4)) == (0.6301, 0.8326)
    assert iv.method == "delong" and iv.reason is None


@pytest.mark.parametrize(
    "first, second, z, p, low, high",
    [
        # pROC tests/testthat/test-roc.test.R: roc.test(r.wfns, r.s100b) etc. reports
        # AUC(roc1) − AUC(roc2); delong_paired reports second − first, so roc1 is `second`.
        ("s100b", "wfns", 2.20898359144091, 0.0271757822291882, 0.0104061769564846, 0.174214419249478),
        ("ndka", "wfns", 2.79777591868904, 0.00514557970691098, 0.0634011709339876, 0.3600405634833566),
        ("s100b", "ndka", -1.39077002573558, 0.164295175223054, -0.2876917446341914, 0.0488706064228094),
    ],
)
def test_delong_paired_matches_proc_roc_test_on_asah(first, second, z, p, low, high):
    d = asah()
    r = delong_paired(d["y"], d[first], d[second])
    assert r.z == pytest.approx(z, rel=1e-9)
    assert r.p_value == pytest.approx(p, rel=1e-9)
    assert tuple(r.interval(0.95)) == pytest.approx((low, high), rel=1e-9)


def test_delong_paired_identical_scores_gives_z0_p1():
    # pROC: roc.test(r.wfns, r.wfns) → Z = 0, p = 1.
    d = asah()
    r = delong_paired(d["y"], d["wfns"], d["wfns"])
    assert (r.z, r.p_value, r.delta) == (0.0, 1.0, 0.0)
    assert tuple(r.interval()) == (0.0, 0.0)


def test_delong_interval_undefined_cases_give_reason():
    one_class = delong_interval(np.ones(5, bool), np.arange(5.0))
    assert math.isnan(one_class.low) and "one class" in one_class.reason
    single_pos = delong_interval(np.array([1, 0, 0, 0], bool), np.arange(4.0))
    assert math.isnan(single_pos.high) and "at least 2" in single_pos.reason


def test_delong_interval_clipped_to_unit_interval():
    y = np.array([0, 0, 0, 1, 1, 1], bool)
    iv = delong_interval(y, np.array([1.0, 2, 3, 4, 5, 6]))  # perfect separation: var = 0
    assert tuple(iv) == (1.0, 1.0)
    iv = delong_interval(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    assert iv.high == 1.0 and iv.low == pytest.approx(0.75 - stats.norm.ppf(0.975) * math.sqrt(0.125))


# --------------------------------------------------------------------------------- Wilson


def wilson_closed_form(k, n, level):
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    centre = (k + z * z / 2) / (n + z * z)
    half = z * math.sqrt(n) / (n + z * z) * math.sqrt(p * (1 - p) + z * z / (4 * n))
    return centre - half, centre + half


@pytest.mark.parametrize("k, n", [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (17, 113), (500, 1000), (1, 10**6)])
@pytest.mark.parametrize("level", [0.8, 0.95, 0.99])
def test_wilson_matches_scipy_binomtest_and_closed_form(k, n, level):
    iv = wilson(k, n, level)
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    assert tuple(iv) == pytest.approx((ref.low, ref.high), abs=1e-12)
    assert tuple(iv) == pytest.approx(wilson_closed_form(k, n, level), abs=1e-12)
    assert iv.method == "wilson"


def test_wilson_no_rows_is_undefined():
    iv = wilson(0, 0)
    assert math.isnan(iv.low) and math.isnan(iv.high) and iv.reason


def test_wilson_rejects_bad_level():
    with pytest.raises(ValueError):
        wilson(1, 2, 1.5)


# -------------------------------------------------------------------------------- McNemar


@pytest.mark.parametrize("b, c", [(0, 1), (1, 0), (1, 9), (9, 1), (5, 5), (3, 7), (0, 25), (40, 61), (250, 190)])
def test_mcnemar_exact_matches_scipy_binomtest(b, c):
    ref = stats.binomtest(b, b + c, 0.5, alternative="two-sided").pvalue
    assert mcnemar_exact(b, c) == pytest.approx(ref, rel=1e-10)
    assert mcnemar_exact(b, c) == mcnemar_exact(c, b)


def test_mcnemar_binomial_tail_by_hand():
    # b=1, c=9: p = 2·(C(10,0) + C(10,1))/2¹⁰ = 22/1024.
    assert mcnemar_exact(1, 9) == pytest.approx(22 / 1024, rel=1e-12)
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(4, 4) == 1.0  # 2·F(4; 8, ½) > 1 → capped


def test_mcnemar_counts_discordant_pairs():
    c1 = np.array([1, 1, 0, 0, 1], bool)
    c2 = np.array([1, 0, 1, 1, 0], bool)
    assert mcnemar_counts(c1, c2) == (2, 2)


def test_interval_unpacks_as_pair():
    low, high = Interval(0.1, 0.2, "x")
    assert (low, high) == (0.1, 0.2)


def test_delong_is_not_defined_for_weighted_state():
    y = np.array([0, 0, 1, 1, 0, 1], bool)
    s = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    auc, var = delong_from_state(binary_update(y, s, np.full(6, 2.0)))
    assert math.isnan(auc) and math.isnan(var)
    assert delong_from_state(binary_update(y, s)) == delong_auc_variance(y, s)
