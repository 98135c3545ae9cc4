"""Regression kernels against scikit-learn, scipy and simulated data."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg
import scipy.stats
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels import regression as reg
from evalml_cli.kernels.regression import (
    RegressionState,
    bias_variance,
    chi2_cholesky,
    regression_compute,
    regression_merge,
    regression_update,
)

REL = 1e-9

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False)
positive_weight = st.floats(1e-3, 1e3, allow_nan=False, allow_subnormal=False)


def close(a: float, b: float, rel: float = REL, abs_: float = 0.0) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@st.composite
def regression_rows(draw, min_size=1, max_size=40, weighted=None):
    n = draw(st.integers(min_size, max_size))
    y = np.array(draw(st.lists(finite, min_size=n, max_size=n)))
    p = np.array(draw(st.lists(finite, min_size=n, max_size=n)))
    if weighted is None:
        weighted = draw(st.booleans())
    w = np.array(draw(st.lists(positive_weight, min_size=n, max_size=n))) if weighted else None
    return y, p, w


def well_conditioned_target(y: np.ndarray) -> bool:
    """R² (and the merged M2) lose digits when the target's spread is tiny next to its size."""
    # Subnormal spreads (M2 ~ 1e-321) carry only a few significant bits: no relative check there.
    return y.size > 1 and float(np.std(y)) > max(1e-3 * float(np.max(np.abs(y))), 1e-150)


# ------------------------------------------------------------------ always-on metrics


def test_sklearn_doc_example_by_hand():
    ms = regression_compute(regression_update(np.array([3, -0.5, 2, 7]), np.array([2.5, 0.0, 2, 8])))
    assert ms.values["mse"] == 0.375
    assert ms.values["rmse"] == math.sqrt(0.375)
    assert ms.values["mae"] == 0.5
    assert close(ms.values["r2"], 1 - 1.5 / 29.1875)
    assert ms.values["max_abs_error"] == 1.0
    assert ms.values["mean_residual"] == -0.25
    assert ms.values["n"] == 4
    assert ms.reasons == {}


@settings(max_examples=100, deadline=None)
@given(regression_rows())
def test_metrics_match_sklearn_with_and_without_weights(rows):
    y, p, w = rows
    ms = regression_compute(regression_update(y, p, w))
    r = y - p
    scale = float(np.max(np.abs(r)))
    assert close(ms.values["mse"], skm.mean_squared_error(y, p, sample_weight=w))
    assert close(ms.values["rmse"], math.sqrt(skm.mean_squared_error(y, p, sample_weight=w)))
    assert close(ms.values["mae"], skm.mean_absolute_error(y, p, sample_weight=w))
    assert ms.values["max_abs_error"] == skm.max_error(y, p)
    assert ms.values["max_abs_error"] == abs(r[int(regression_update(y, p, w).max_abs_row)])
    assert close(ms.values["mean_residual"], np.average(r, weights=w), abs_=1e-12 * scale)
    assert ms.values["n"] == y.size
    if well_conditioned_target(y):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = skm.r2_score(y, p, sample_weight=w)
        assert close(ms.values["r2"], expected, abs_=1e-9)


@settings(max_examples=100, deadline=None)
@given(regression_rows(min_size=1, max_size=40), st.sampled_from([1, 2, 3, 7]))
def test_update_in_small_blocks_matches_sklearn(rows, block):
    """Blocks of a few rows: block boundaries inside tied maxima, sums and both passes."""
    y, p, w = rows
    old = reg._BLOCK
    reg._BLOCK = block
    try:
        state = regression_update(y, p, w)
    finally:
        reg._BLOCK = old
    whole = regression_update(y, p, w)
    ms = regression_compute(state)
    r = y - p
    assert state.max_abs_row == int(np.argmax(np.abs(r))) == whole.max_abs_row
    assert (state.y_min, state.y_max) == (float(y.min()), float(y.max()))
    assert close(ms.values["mse"], skm.mean_squared_error(y, p, sample_weight=w))
    assert close(ms.values["mae"], skm.mean_absolute_error(y, p, sample_weight=w))
    assert close(ms.values["mape"], skm.mean_absolute_percentage_error(y, p, sample_weight=w))
    if well_conditioned_target(y):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = skm.r2_score(y, p, sample_weight=w)
            ev = skm.explained_variance_score(y, p, sample_weight=w)
        assert close(ms.values["r2"], expected, abs_=1e-9)
        assert close(ms.values["explained_variance"], ev, abs_=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
def test_single_row_r2_undefined_rest_defined(weighted):
    w = np.array([2.5]) if weighted else None
    ms = regression_compute(regression_update(np.array([1.5]), np.array([-0.5]), w))
    assert ms.values["mse"] == 4.0
    assert ms.values["rmse"] == 2.0
    assert ms.values["mae"] == 2.0
    assert ms.values["mean_residual"] == 2.0
    assert ms.values["max_abs_error"] == 2.0
    assert ms.values["n"] == 1
    assert math.isnan(ms.values["r2"])
    assert "constant" in ms.reasons["r2"]


def test_constant_target_r2_is_undefined_where_sklearn_uses_a_convention():
    y = np.full(7, 0.1)
    p = y + np.linspace(-1, 1, 7)
    ms = regression_compute(regression_update(y, p))
    assert math.isnan(ms.values["r2"]) and "constant" in ms.reasons["r2"]
    # y = 0.1 repeated has a mean that is off by one ulp, so a variance-based check sees noise
    # (scikit-learn 1.9 gives r2 = -2.3e33 here); the exact y_min == y_max test does not.
    assert skm.r2_score(np.full(7, 0.5), p) == 0.0  # scikit-learn's convention, not followed
    ms = regression_compute(regression_update(y, y.copy()))
    assert math.isnan(ms.values["r2"]) and ms.values["mse"] == 0.0


def test_zero_weight_rows_do_not_count_toward_target_variance():
    ms = regression_compute(regression_update(np.array([1.0, 5.0]), np.array([0.0, 0.0]), np.array([1.0, 0.0])))
    assert math.isnan(ms.values["r2"])
    assert ms.values["mse"] == 1.0


def test_nonpositive_weight_sum_makes_weighted_metrics_undefined():
    y, p = np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0, 0.0])
    ms = regression_compute(regression_update(y, p, np.array([1.0, -2.0, 0.5])))
    for name in ("mse", "rmse", "mae", "r2", "mean_residual"):
        assert math.isnan(ms.values[name]), name
        assert "-0.5" in ms.reasons[name]
    assert ms.values["max_abs_error"] == 3.0
    assert ms.values["n"] == 3


def test_negative_event_weights_with_positive_sum_are_plain_weighted_means():
    rng = np.random.default_rng(3)
    y, p = rng.normal(size=50), rng.normal(size=50)
    w = rng.normal(1.0, 0.8, size=50)
    assert (w < 0).any() and w.sum() > 0
    ms = regression_compute(regression_update(y, p, w))
    assert close(ms.values["mse"], np.sum(w * (y - p) ** 2) / w.sum())
    assert close(ms.values["mae"], np.sum(w * np.abs(y - p)) / w.sum())
    ybar = np.sum(w * y) / w.sum()
    assert close(ms.values["r2"], 1 - np.sum(w * (y - p) ** 2) / np.sum(w * (y - ybar) ** 2))


def test_empty_state_is_all_undefined_and_merges_as_identity():
    empty = regression_update(np.empty(0), np.empty(0))
    ms = regression_compute(empty)
    assert ms.values["n"] == 0 and math.isnan(ms.values["mse"]) and ms.reasons["mse"] == "no rows"
    st_ = regression_update(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    assert regression_merge(empty, st_) == st_
    assert regression_merge(st_, empty) == st_


def _assert_states_equal(a: RegressionState, b: RegressionState) -> None:
    assert a.n == b.n
    assert a.max_abs_error == b.max_abs_error
    assert a.max_abs_row == b.max_abs_row
    assert (a.y_min, a.y_max) == (b.y_min, b.y_max)
    scale_r = max(abs(a.max_abs_error), 1e-300)
    for field_ in ("sum_w", "sum_w_r2", "sum_w_abs_r"):
        assert close(getattr(a, field_), getattr(b, field_)), field_
    assert close(a.mean_r, b.mean_r, abs_=1e-12 * scale_r)
    scale_y = max(abs(a.y_min), abs(a.y_max))
    assert close(a.mean_y, b.mean_y, abs_=1e-12 * scale_y)


@settings(max_examples=100, deadline=None)
@given(regression_rows(min_size=2, max_size=40), st.data())
def test_merge_of_two_chunks_equals_update_of_the_whole(rows, data):
    y, p, w = rows
    k = data.draw(st.integers(1, y.size - 1), label="split")
    wa = None if w is None else w[:k]
    wb = None if w is None else w[k:]
    merged = regression_merge(regression_update(y[:k], p[:k], wa), regression_update(y[k:], p[k:], wb, row_offset=k))
    whole = regression_update(y, p, w)
    _assert_states_equal(merged, whole)
    if well_conditioned_target(y):
        assert close(merged.m2_y, whole.m2_y, rel=1e-8)
    mm, mw = regression_compute(merged), regression_compute(whole)
    for name in ("mse", "rmse", "mae", "max_abs_error", "n"):
        assert close(mm.values[name], mw.values[name]), name
    if well_conditioned_target(y):
        assert close(mm.values["r2"], mw.values["r2"], abs_=1e-9)


@settings(max_examples=50, deadline=None)
@given(regression_rows(min_size=3, max_size=40, weighted=False), st.data())
def test_merge_is_associative_over_three_chunks(rows, data):
    y, p, _ = rows
    i = data.draw(st.integers(1, y.size - 2))
    j = data.draw(st.integers(i + 1, y.size - 1))
    a, b, c = (regression_update(y[s], p[s], row_offset=s.start) for s in (slice(0, i), slice(i, j), slice(j, None)))
    left = regression_merge(regression_merge(a, b), c)
    right = regression_merge(a, regression_merge(b, c))
    _assert_states_equal(left, regression_update(y, p))
    _assert_states_equal(right, regression_update(y, p))


def test_merge_keeps_first_row_on_tied_max_error():
    y = np.array([0.0, 0.0, 0.0, 0.0])
    p = np.array([1.0, -3.0, 0.0, 3.0])
    whole = regression_update(y, p)
    assert whole.max_abs_row == 1
    a, b = regression_update(y[:2], p[:2]), regression_update(y[2:], p[2:], row_offset=2)
    assert regression_merge(a, b).max_abs_row == 1
    assert regression_merge(b, a).max_abs_row == 1


def test_chan_merge_is_stable_for_large_offset():
    # Σy² − (Σy)²/n would lose every digit here; Chan's update keeps them.
    y = 1e9 + np.arange(10.0)
    a, b = regression_update(y[:4], y[:4]), regression_update(y[4:], y[4:])
    assert close(regression_merge(a, b).m2_y, float(np.sum((np.arange(10.0) - 4.5) ** 2)), rel=1e-12)


# ------------------------------------------------------------------ chi2


def random_spd(n: int, rng: np.random.Generator, spread: float = 1e3) -> np.ndarray:
    """A random SPD matrix with eigenvalues log-spaced over ``spread``."""
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    ev = np.logspace(0, math.log10(spread), n) if n > 1 else np.array([2.0])
    c = (q * ev) @ q.T
    return (c + c.T) / 2


@pytest.mark.parametrize("n", [1, 2, 50, 500])
def test_chi2_matches_dense_solve_and_scipy_sf(n):
    rng = np.random.default_rng(n)
    c = random_spd(n, rng)
    r = rng.multivariate_normal(np.zeros(n), c)
    ms, z = chi2_cholesky(r, cov=c, n_params=0)
    expected = float(r @ scipy.linalg.solve(c, r, assume_a="pos"))
    assert close(ms.values["chi2"], expected, rel=1e-8)
    assert ms.values["ndof"] == n
    assert close(ms.values["chi2_per_ndof"], expected / n, rel=1e-8)
    assert close(ms.values["p_value"], scipy.stats.chi2.sf(ms.values["chi2"], n), rel=1e-9)
    L = np.linalg.cholesky(c)
    z_ref = scipy.linalg.solve_triangular(L, r, lower=True)
    np.testing.assert_allclose(z, z_ref, rtol=1e-8, atol=1e-10)
    assert close(ms.values["pull_mean"], z_ref.mean(), abs_=1e-10)
    assert close(ms.values["pull_std"], z_ref.std(ddof=0), rel=1e-8, abs_=1e-12)
    assert close(ms.values["pull_max_abs"], np.abs(z_ref).max(), rel=1e-8)
    assert ms.values["pull_max_row"] == int(np.argmax(np.abs(z_ref)))
    assert close(ms.values["cond_number"], np.linalg.cond(c), rel=1e-6)


def test_chi2_with_fitted_parameters_reduces_ndof():
    rng = np.random.default_rng(5)
    c = random_spd(10, rng)
    r = rng.normal(size=10)
    ms, _ = chi2_cholesky(r, cov=c, n_params=3)
    assert ms.values["ndof"] == 7
    assert close(ms.values["p_value"], scipy.stats.chi2.sf(ms.values["chi2"], 7))


@pytest.mark.parametrize("n_params", [5, 6])
def test_no_degrees_of_freedom_is_undefined(n_params):
    ms, _ = chi2_cholesky(np.ones(5), sigma=np.ones(5), n_params=n_params)
    assert ms.values["chi2"] == 5.0
    for name in ("ndof", "chi2_per_ndof", "p_value"):
        assert math.isnan(ms.values[name])
        assert "no degrees of freedom" in ms.reasons[name]


def test_sigma_agrees_with_full_diagonal_covariance():
    rng = np.random.default_rng(11)
    sigma = rng.uniform(0.1, 3.0, 40)
    r = rng.normal(size=40) * sigma
    ms_d, z_d = chi2_cholesky(r, sigma=sigma, n_params=2)
    ms_f, z_f = chi2_cholesky(r, cov=np.diag(sigma**2), n_params=2)
    np.testing.assert_allclose(z_d, z_f, rtol=1e-12)
    np.testing.assert_allclose(z_d, r / sigma, rtol=1e-15)
    for name, value in ms_d.values.items():
        assert close(value, ms_f.values[name], rel=1e-9, abs_=1e-14), name
    assert close(ms_d.values["cond_number"], (sigma**2).max() / (sigma**2).min())


@pytest.mark.parametrize("n", [3, 60])
def test_sigma_with_correlation_agrees_with_equivalent_covariance(n):
    rng = np.random.default_rng(n)
    c = random_spd(n, rng)
    d = np.sqrt(np.diag(c))
    corr = c / np.outer(d, d)
    np.fill_diagonal(corr, 1.0)
    r = rng.normal(size=n)
    ms_c, z_c = chi2_cholesky(r, sigma=d, corr=corr)
    ms_f, z_f = chi2_cholesky(r, cov=c)
    np.testing.assert_allclose(z_c, z_f, rtol=1e-8, atol=1e-10)
    for name, value in ms_f.values.items():
        assert close(ms_c.values[name], value, rel=1e-7, abs_=1e-10), name


def test_mean_chi2_equals_ndof_on_simulated_data():
    rng = np.random.default_rng(2024)
    n, draws = 20, 2000
    c = random_spd(n, rng, spread=1e4)
    sims = rng.multivariate_normal(np.zeros(n), c, size=draws)
    chi2 = np.array([chi2_cholesky(s, cov=c)[0].values["chi2"] for s in sims])
    se = math.sqrt(2 * n / draws)  # Var χ²_n = 2n
    assert abs(chi2.mean() - n) < 4 * se
    # and the p-values of a correct model are uniform
    p = scipy.stats.chi2.sf(chi2, n)
    assert scipy.stats.kstest(p, "uniform").pvalue > 1e-3


def test_pulls_are_standard_normal_on_simulated_data():
    rng = np.random.default_rng(77)
    n = 300
    c = random_spd(n, rng, spread=1e2)
    r = rng.multivariate_normal(np.zeros(n), c)
    ms, z = chi2_cholesky(r, cov=c)
    assert abs(ms.values["pull_mean"]) < 4 / math.sqrt(n)
    assert abs(ms.values["pull_std"] - 1) < 4 / math.sqrt(2 * n)
    assert scipy.stats.kstest(z, "norm").pvalue > 1e-3


def test_pull_max_row_points_at_the_planted_outlier():
    rng = np.random.default_rng(8)
    sigma = rng.uniform(0.5, 2.0, 100)
    r = rng.normal(size=100) * sigma * 0.1
    r[37] = 50 * sigma[37]
    ms, z = chi2_cholesky(r, sigma=sigma)
    assert ms.values["pull_max_row"] == 37
    assert close(ms.values["pull_max_abs"], 50.0)
    # with a full covariance the first pull large in magnitude is still at the outlier's row
    ms, z = chi2_cholesky(r, cov=np.diag(sigma**2) + 0.01 * np.outer(sigma, sigma))
    assert ms.values["pull_max_row"] == 37


def test_cond_number_lanczos_estimate_above_exact_size(monkeypatch):
    rng = np.random.default_rng(12)
    monkeypatch.setattr(reg, "EXACT_COND_MAX_N", 100)
    n = 300
    a = rng.standard_normal((n, n))
    c = a @ a.T / n + 0.05 * np.eye(n)  # clustered small eigenvalues: the hard case
    r = rng.normal(size=n)
    ms, _ = chi2_cholesky(r, cov=c)
    exact = np.linalg.cond(c)
    assert ms.values["cond_number"] <= exact * (1 + 1e-9)  # Ritz values are lower bounds
    assert close(ms.values["cond_number"], exact, rel=0.03)
    d = np.sqrt(np.diag(c))
    ms_c, _ = chi2_cholesky(r, sigma=d, corr=c / np.outer(d, d))
    assert close(ms_c.values["cond_number"], exact, rel=0.03)


def test_ill_conditioned_covariance_adds_a_note():
    rng = np.random.default_rng(4)
    c = random_spd(30, rng, spread=1e12)
    ms, _ = chi2_cholesky(rng.normal(size=30), cov=c)
    assert ms.values["cond_number"] > 1e10
    assert any("ill-conditioned" in note for note in ms.notes)
    ms, _ = chi2_cholesky(rng.normal(size=30), cov=random_spd(30, rng, spread=10))
    assert ms.notes == []


def test_not_positive_definite_names_smallest_eigenvalue():
    c = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues -1 and 3
    with pytest.raises(EvalmlError, match=r"covariance is not positive definite: smallest eigenvalue -1\.00e\+00"):
        chi2_cholesky(np.ones(2), cov=c)
    with pytest.raises(EvalmlError, match=r"correlation is not positive definite: smallest eigenvalue -1\.00e\+00"):
        chi2_cholesky(np.ones(2), sigma=np.ones(2), corr=c)


@pytest.mark.parametrize(
    "kwargs",
    [dict(), dict(cov=np.eye(2), sigma=np.ones(2)), dict(corr=np.eye(2)), dict(sigma=np.ones(2), n_params=-1)],
)
def test_wrong_covariance_arguments_are_errors(kwargs):
    with pytest.raises(EvalmlError):
        chi2_cholesky(np.ones(2), **kwargs)


# ------------------------------------------------------------------ bias-variance


@st.composite
def replica_sets(draw, weighted=None):
    n = draw(st.integers(1, 20))
    R = draw(st.integers(1, 8))
    y = np.array(draw(st.lists(finite, min_size=n, max_size=n)))
    if draw(st.booleans()):
        preds = np.array(draw(st.lists(finite, min_size=n * R, max_size=n * R))).reshape(n, R)
    else:  # predictions close to large targets: where a naive m − y loses digits
        small = st.floats(-1e-2, 1e-2, allow_subnormal=False)
        preds = y[:, None] + np.array(draw(st.lists(small, min_size=n * R, max_size=n * R))).reshape(n, R)
    if weighted is None:
        weighted = draw(st.booleans())
    w = np.array(draw(st.lists(positive_weight, min_size=n, max_size=n))) if weighted else None
    return y, preds, w


@settings(max_examples=100, deadline=None)
@given(replica_sets())
@example((np.array([1e6, -3e5]), np.array([[1e6 + 1e-4, 1e6 + 3e-4], [-3e5 - 2e-4, -3e5 + 1e-5]]), None))
def test_expected_mse_is_bias2_plus_variance(data):
    y, preds, w = data
    d = np.abs(preds - y[:, None]).max()
    if 0 < d < 1e-140:  # squares of such differences are subnormal: no 1e-9 precision exists
        return
    ms = bias_variance(y, preds, w)
    total = ms.values["bias2"] + ms.values["variance"]
    assert math.isclose(ms.values["expected_mse"], total, rel_tol=1e-9, abs_tol=0.0)
    assert ms.values["n_replicas"] == preds.shape[1]


def exact_bias_variance(y, preds, w):
    """bias2, variance, expected_mse in exact rational arithmetic (the floats' exact values)."""
    n, R = preds.shape
    ws = [Fraction(1)] * n if w is None else [Fraction(float(v)) for v in w]
    W = sum(ws)
    b2 = var = mse = Fraction(0)
    for i in range(n):
        yi = Fraction(float(y[i]))
        p = [Fraction(float(v)) for v in preds[i]]
        m = sum(p) / R
        b2 += ws[i] * (m - yi) ** 2
        var += ws[i] * sum((v - m) ** 2 for v in p) / R
        mse += ws[i] * sum((v - yi) ** 2 for v in p) / R
    return float(b2 / W), float(var / W), float(mse / W)


@settings(max_examples=60, deadline=None)
@given(replica_sets())
def test_bias_variance_matches_exact_rational_reference(data):
    y, preds, w = data
    d = np.abs(preds - y[:, None]).max()
    if 0 < d < 1e-140:  # subnormal squares
        return
    ms = bias_variance(y, preds, w)
    bias2, variance, mse = exact_bias_variance(y, preds, w)
    # bias2 and variance: each accurate to rounding relative to the total they add up to
    assert close(ms.values["bias2"], bias2, rel=1e-9, abs_=1e-12 * mse)
    assert close(ms.values["variance"], variance, rel=1e-9, abs_=1e-12 * mse)
    assert close(ms.values["expected_mse"], mse, rel=1e-9)


def test_expected_mse_is_the_mean_of_sklearn_replica_mses():
    rng = np.random.default_rng(9)
    y = rng.normal(size=40)
    preds = y[:, None] + rng.normal(0.3, 1.0, size=(40, 5))
    w = rng.uniform(0.5, 2.0, 40)
    ms = bias_variance(y, preds, w)
    per_replica = [skm.mean_squared_error(y, preds[:, k], sample_weight=w) for k in range(5)]
    assert close(ms.values["expected_mse"], float(np.mean(per_replica)))
    m = preds.mean(axis=1)
    assert close(ms.values["bias2"], np.average((m - y) ** 2, weights=w))
    assert close(ms.values["variance"], np.average(preds.var(axis=1), weights=w))


def test_bias_variance_by_hand():
    ms = bias_variance(np.zeros(2), np.array([[1.0, 3.0], [-1.0, 1.0]]))
    assert ms.values == {"n_replicas": 2.0, "bias2": 2.0, "variance": 1.0, "expected_mse": 3.0}
    one = bias_variance(np.array([1.0, 2.0]), np.array([1.5, 2.5]))
    assert one.values["variance"] == 0.0 and one.values["bias2"] == 0.25 and one.values["n_replicas"] == 1


def test_bias_variance_huge_and_tiny_scales_do_not_overflow():
    y = np.zeros(3)
    big = np.array([[1e200, 3e200], [1e200, 1e200], [0.0, 2e200]])
    ms = bias_variance(y, big)
    assert math.isinf(ms.values["expected_mse"])  # 1e400 is out of range: honest overflow
    ms = bias_variance(y, big * 1e-150)
    assert close(ms.values["expected_mse"], ms.values["bias2"] + ms.values["variance"])
    ms = bias_variance(y, big * 1e-340)
    assert close(ms.values["expected_mse"], ms.values["bias2"] + ms.values["variance"])


def test_bias_variance_nonpositive_weight_sum_is_undefined():
    ms = bias_variance(np.zeros(2), np.ones((2, 3)), np.array([1.0, -1.0]))
    assert ms.values["n_replicas"] == 3
    for name in ("bias2", "variance", "expected_mse"):
        assert math.isnan(ms.values[name]) and "not positive" in ms.reasons[name]


# --------------------------------------------------------------------------------------------
# mape, median_absolute_error, explained_variance, pinball_loss (issue 8 item 30)
# --------------------------------------------------------------------------------------------


def _new_metrics(y, p, w=None, q=0.5):
    ms = regression_compute(regression_update(y, p, w), quantile=q)
    ms.update(reg.median_absolute_error(y, p, w))
    return ms.values


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_new_regression_metrics_match_sklearn(seed, weighted, q):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    y = rng.normal(0, 3, n).round(1)  # ties in |r|, some y = 0
    p = y + rng.normal(0, 1, n).round(1)
    w = rng.uniform(0.1, 3.0, n) if weighted else None
    if weighted and seed % 2:
        w = rng.integers(0, 4, n).astype(float)  # integer weights: exact half-way medians, zero weights
        w[0] = 1.0
    v = _new_metrics(y, p, w, q)
    assert close(v["mape"], skm.mean_absolute_percentage_error(y, p, sample_weight=w))
    assert close(v["explained_variance"], skm.explained_variance_score(y, p, sample_weight=w), abs_=1e-12)
    assert close(v["pinball_loss"], skm.mean_pinball_loss(y, p, alpha=q, sample_weight=w), abs_=1e-12)
    assert close(v["median_absolute_error"], skm.median_absolute_error(y, p, sample_weight=w), abs_=1e-12)


def test_median_absolute_error_of_unit_weights_is_the_median():
    y = np.arange(6.0)
    p = np.array([0.5, 1.5, 1.0, 3.5, 7.0, 4.0])  # |r| = .5 .5 1 .5 3 1 → median 0.75
    assert _new_metrics(y, p)["median_absolute_error"] == 0.75
    assert _new_metrics(y, p, np.ones(6))["median_absolute_error"] == 0.75
    assert skm.median_absolute_error(y, p, sample_weight=np.ones(6)) == 0.75


def test_new_metrics_undefined_cases():
    y = np.full(4, 2.0)
    p = np.array([1.0, 2.0, 3.0, 2.5])
    ms = regression_compute(regression_update(y, p))
    assert math.isnan(ms.values["explained_variance"]) and "constant" in ms.reasons["explained_variance"]
    neg = reg.median_absolute_error(y, p, np.array([1.0, -1.0, 1.0, 1.0]))
    assert math.isnan(neg.values["median_absolute_error"])
    zero = regression_compute(regression_update(y, p, np.array([1.0, -1.0, 1.0, -1.0])))
    for name in ("mape", "pinball_loss", "explained_variance"):
        assert math.isnan(zero.values[name]) and "not positive" in zero.reasons[name]


def test_new_metrics_merge_like_the_whole():
    rng = np.random.default_rng(11)
    y = rng.normal(size=50)
    p = y + rng.normal(size=50)
    w = rng.uniform(0.5, 2, 50)
    whole = regression_compute(regression_update(y, p, w), quantile=0.8).values
    merged_state = regression_merge(regression_update(y[:17], p[:17], w[:17] * 1e-3),
                                    regression_update(y[17:], p[17:], w[17:] * 1e-3, row_offset=17))
    merged = regression_compute(merged_state, quantile=0.8).values
    for name in ("mape", "pinball_loss", "explained_variance", "mse", "r2"):
        assert close(merged[name], whole[name]), name


@pytest.mark.parametrize("c", [1e-170, 1e-160, 1e160, 1e300])
def test_regression_metrics_are_invariant_to_a_common_weight_factor(c):
    """Weights near the ends of float64 neither overflow Σ w r² nor underflow Σ w."""
    rng = np.random.default_rng(2)
    y = rng.normal(0, 1e5, 100)
    p = y + rng.normal(0, 1e4, 100)
    w = rng.uniform(0.5, 2.0, 100)
    base = _new_metrics(y, p, w)
    scaled = _new_metrics(y, p, w * c)
    for name in ("mse", "rmse", "mae", "r2", "mean_residual", "mape", "explained_variance", "pinball_loss",
                 "median_absolute_error"):
        assert close(scaled[name], base[name], rel=1e-12), (name, scaled[name], base[name])
    # half the rows in a chunk of tiny weights, merged with one of huge weights: still exact
    a = regression_update(y[:50], p[:50], w[:50] * c)
    b = regression_update(y[50:], p[50:], w[50:] * c, row_offset=50)
    assert close(regression_compute(regression_merge(a, b)).values["mse"], base["mse"], rel=1e-12)
