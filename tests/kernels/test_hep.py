"""Physics metrics against their formulas, a brute force over thresholds and scipy's KS test."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from evalml_cli.kernels.binary import binary_update
from evalml_cli.kernels.hep import asimov, hep_at, hep_max, ks_2samp, overtraining, significance


def asimov_formula(s, b):
    """The textbook form, straight from the definition (no log1p, no series)."""
    return math.sqrt(2 * ((s + b) * math.log(1 + s / b) - s))


@pytest.mark.parametrize("s,b", [(10, 100), (5, 5), (100, 1), (0.5, 3.0), (1e3, 1e4), (0.2, 0.2), (50, 2000)])
def test_asimov_matches_the_formula(s, b):
    assert float(asimov(s, b)) == pytest.approx(asimov_formula(s, b), rel=1e-12)


@pytest.mark.parametrize("s,b", [(1e-3, 1e6), (1e-8, 1.0), (1.0, 1e12), (1e-4, 1.0), (3.0, 1e4)])
def test_asimov_tends_to_s_over_sqrt_b_for_small_signal(s, b):
    x = s / b
    # Z_A² = (s²/b)(1 − x/3 + x²/6 − x³/10 + …); for x ≤ 3e-4 the terms left out are < 1e-15.
    expected = s / math.sqrt(b) * math.sqrt(1 - x / 3 + x * x / 6 - x**3 / 10)
    assert float(asimov(s, b)) == pytest.approx(expected, rel=1e-12)
    assert float(asimov(s, b)) == pytest.approx(s / math.sqrt(b), rel=x)


def asimov_decimal(s, b):
    """The definition in 60-digit decimal arithmetic: no cancellation to worry about."""
    from decimal import Decimal, getcontext

    getcontext().prec = 60
    s, b = Decimal(s), Decimal(b)
    return float((2 * ((s + b) * (1 + s / b).ln() - s)).sqrt())


@pytest.mark.parametrize("s,b", [(0.05, 1.0), (0.0999, 1.0), (1e-5, 3.0), (2e-3, 1.0), (7.0, 80.0), (1e-7, 1e-2)])
def test_asimov_is_accurate_where_the_direct_form_cancels(s, b):
    assert float(asimov(s, b)) == pytest.approx(asimov_decimal(s, b), rel=1e-13)


def test_asimov_series_and_direct_form_agree_at_the_switch():
    x = np.array([0.0999999, 0.1, 0.1000001])
    z = asimov(x, 1.0)
    direct = np.array([asimov_formula(v, 1.0) for v in x])
    np.testing.assert_allclose(z, direct, rtol=1e-12)


def test_asimov_and_significance_undefined_without_background():
    assert np.isnan(asimov(3.0, 0.0)) and np.isnan(significance(3.0, 0.0))
    assert np.isnan(asimov(-1.0, 4.0))
    assert float(asimov(0.0, 4.0)) == 0.0
    np.testing.assert_allclose(significance(np.array([2.0, 3.0]), np.array([4.0, 9.0])), [1.0, 1.0])


@st.composite
def events(draw):
    n = draw(st.integers(2, 40))
    y = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    s = np.array(draw(st.lists(st.sampled_from([0.1, 0.2, 0.3, 0.5, 0.7, 0.9]), min_size=n, max_size=n)))
    w = np.array(draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.25]), min_size=n, max_size=n)))
    return y, s, w


@settings(max_examples=150, deadline=None)
@given(events(), st.sampled_from([1.0, 2.5]), st.sampled_from([None, 1, 2, 3]))
def test_hep_max_matches_brute_force_over_thresholds(d, lumi, block):
    """Also in blocks of 1-3 thresholds: a maximum tied across blocks keeps the largest t."""
    from evalml_cli.kernels import hep

    y, s, w = d
    old = hep._BLOCK
    hep._BLOCK = block or old
    try:
        got = hep_max(binary_update(y, s, w), lumi).values
    finally:
        hep._BLOCK = old
    best_z = best_a = -1.0
    t_z = t_a = None
    for t in sorted(set(s.tolist()), reverse=True):  # ties keep the largest t
        sig = lumi * w[(s >= t) & y].sum()
        bkg = lumi * w[(s >= t) & ~y].sum()
        if bkg <= 0:
            continue
        z = sig / math.sqrt(bkg)
        a = asimov_formula(sig, bkg)
        if z > best_z:
            best_z, t_z = z, t
        if a > best_a + 1e-12:
            best_a, t_a = a, t
    if t_z is None:
        assert math.isnan(got["max_significance"]) and math.isnan(got["max_asimov_threshold"])
        return
    assert got["max_significance"] == pytest.approx(best_z, rel=1e-12)
    assert got["max_significance_threshold"] == t_z
    assert got["max_asimov_significance"] == pytest.approx(best_a, rel=1e-9)
    assert got["max_asimov_threshold"] == t_a


def test_hep_at_hand_example_and_lumi_scaling():
    y = np.array([1, 1, 1, 0, 0, 0, 0], bool)
    s = np.array([0.9, 0.8, 0.3, 0.85, 0.4, 0.2, 0.1])
    w = np.array([2.0, 1.0, 1.0, 1.0, 1.0, 3.0, 1.0])
    v = hep_at(binary_update(y, s, w), 0.5, lumi_scale=2.0).values
    # Selected: signal 2 + 1 = 3, background 1; P = 4, N = 6.
    assert v["s"] == 6.0 and v["b"] == 2.0
    assert v["signal_efficiency"] == 0.75 and v["background_efficiency"] == pytest.approx(1 / 6)
    assert v["background_rejection"] == pytest.approx(6.0)
    assert v["significance"] == pytest.approx(6 / math.sqrt(2))
    assert v["asimov_significance"] == pytest.approx(asimov_formula(6.0, 2.0))
    one = hep_at(binary_update(y, s, w), 0.5).values
    assert v["asimov_significance"] == pytest.approx(math.sqrt(2) * one["asimov_significance"])


def test_hep_at_without_selected_background_is_undefined_with_reason():
    ms = hep_at(binary_update(np.array([1, 0], bool), np.array([0.9, 0.1])), 0.5)
    assert math.isnan(ms.values["significance"]) and "b = 0" in ms.reasons["significance"]
    assert math.isnan(ms.values["asimov_significance"]) and math.isnan(ms.values["background_rejection"])
    mx = hep_max(binary_update(np.array([1, 1], bool), np.array([0.9, 0.1])))
    assert math.isnan(mx.values["max_asimov_significance"]) and "b ≤ 0" in mx.reasons["max_asimov_significance"]


# ---------------------------------------------------------------------------------------------
# Kolmogorov–Smirnov


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.5, 0.7, 1.0]) | st.floats(0, 1), min_size=1, max_size=40),
    st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.5, 0.7, 1.0]) | st.floats(0, 1), min_size=1, max_size=40),
)
def test_unweighted_ks_is_scipy(a, b):
    a, b = np.array(a), np.array(b)
    d, p, why = ks_2samp(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = stats.ks_2samp(a, b)
    assert why is None and d == ref.statistic and p == ref.pvalue


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.5, 0.7, 1.0]) | st.floats(0, 1), min_size=1, max_size=60),
    st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.5, 0.7, 1.0]) | st.floats(0, 1), min_size=1, max_size=60),
    st.sampled_from([1.0, 0.5, 3.0]),
)
def test_equal_weights_ks_is_scipy_asymptotic(a, b, c):
    a, b = np.array(a), np.array(b)
    assume(round(len(a) * len(b) / (len(a) + len(b))) >= 1)
    d, p, why = ks_2samp(a, b, np.full(a.shape, c), np.full(b.shape, c))
    ref = stats.ks_2samp(a, b, method="asymp")
    assert d == pytest.approx(ref.statistic, abs=1e-12)
    assert p == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)


def test_weighted_ks_equals_ks_on_the_repeated_sample():
    # Integer weights = repeated rows: the statistic is the one of the repeated samples.
    rng = np.random.default_rng(4)
    a, b = rng.normal(0, 1, 30), rng.normal(0.3, 1, 25)
    wa, wb = rng.integers(1, 4, 30).astype(float), rng.integers(1, 4, 25).astype(float)
    d, p, _ = ks_2samp(a, b, wa, wb)
    ref = stats.ks_2samp(np.repeat(a, wa.astype(int)), np.repeat(b, wb.astype(int)))
    assert d == pytest.approx(ref.statistic, abs=1e-12)
    assert 0 < p < 1


def test_weighted_ks_undefined_cases():
    assert ks_2samp(np.array([]), np.array([1.0]))[2] == "a sample is empty"
    assert "negative" in ks_2samp(np.array([1.0]), np.array([2.0]), np.array([-1.0]), None)[2]


def test_overtraining_detects_a_shifted_test_sample():
    rng = np.random.default_rng(9)
    n = 2000
    y_tr, y_te = rng.random(n) < 0.5, rng.random(n) < 0.5
    s_tr = np.where(y_tr, rng.beta(5, 2, n), rng.beta(2, 5, n))
    same = np.where(y_te, rng.beta(5, 2, n), rng.beta(2, 5, n))
    v = overtraining(y_tr, s_tr, y_te, same).values
    assert v["ks_signal_pvalue"] > 1e-3 and v["ks_background_pvalue"] > 1e-3
    assert v["ks_signal_pvalue"] == stats.ks_2samp(s_tr[y_tr], same[y_te]).pvalue
    shifted = np.where(y_te, rng.beta(3, 2, n), rng.beta(2, 5, n))  # signal scores less extreme
    v = overtraining(y_tr, s_tr, y_te, shifted, train_weight=np.ones(n), test_weight=None).values
    assert v["ks_signal_pvalue"] < 1e-6 and v["ks_background_pvalue"] > 1e-3


@pytest.mark.parametrize("block", [1, 2, 1 << 16])
def test_hep_max_exact_tie_across_blocks_keeps_the_largest_threshold(block):
    """z(0.9) = 2/√4 = 1 and z(0.5) = 3/√9 = 1: the tie keeps 0.9, whatever the block size."""
    from evalml_cli.kernels import hep

    y = np.array([1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], bool)
    s = np.array([0.9] * 6 + [0.5] * 6)
    old = hep._BLOCK
    hep._BLOCK = block
    try:
        got = hep_max(binary_update(y, s), 1.0).values
    finally:
        hep._BLOCK = old
    assert got["max_significance"] == 1.0
    assert got["max_significance_threshold"] == 0.9
