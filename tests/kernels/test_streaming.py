"""Streaming states: merged over k random contiguous batches = the whole-array kernel, 1e-12."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels.density import nll
from evalml_cli.kernels.regression import (
    RegressionState,
    bias_variance,
    chi2_cholesky,
    regression_compute,
    regression_update,
)
from evalml_cli.kernels.state import Batch, Task, merge, reduce_states
from evalml_cli.kernels.streaming import (
    BiasVarianceState,
    BiasVarianceTask,
    Chi2SigmaState,
    Chi2SigmaTask,
    NllState,
    NllTask,
    RegressionTask,
    bias_variance_compute,
    bias_variance_update,
    chi2_sigma_compute,
    chi2_sigma_update,
    nll_compute,
    nll_update,
)

REL = 1e-12


def contiguous_splits(n: int, k: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """k contiguous [start, stop) parts of range(n) at random cut points (parts may be empty)."""
    cuts = np.sort(rng.integers(0, n + 1, size=k - 1))
    edges = np.r_[0, cuts, n]
    return list(zip(edges[:-1].tolist(), edges[1:].tolist()))


def run_task(task: Task, arrays: dict, weight, k: int, seed: int):
    """Half the parts folded with update, the rest updated alone and merged: both paths."""
    n = len(next(iter(arrays.values())))
    parts = contiguous_splits(n, k, np.random.default_rng(seed))
    batches = [
        Batch({name: a[p:q] for name, a in arrays.items()}, None if weight is None else weight[p:q], first_row=p)
        for p, q in parts
    ]
    half = len(batches) // 2
    folded = None
    for b in batches[:half]:
        folded = task.update(folded, b)
    rest = [task.update(None, b) for b in batches[half:]]
    return task.compute(reduce_states([folded, *rest], task.merge))


def assert_metrics_equal(got, want, rel: float = REL) -> None:
    assert set(got.values) == set(want.values)
    for name, value in want.values.items():
        g = got.values[name]
        if math.isnan(value) or math.isinf(value):
            assert (math.isnan(g) and math.isnan(value)) or g == value, name
        else:
            assert math.isclose(g, value, rel_tol=rel, abs_tol=rel * 1e-3), (name, g, value)
    assert got.reasons == want.reasons
    assert got.notes == want.notes


KS = [1, 2, 7]


# ------------------------------------------------------------------ (a) density NLL


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_over_k_batches_equals_whole_nll(k, weighted):
    rng = np.random.default_rng(k)
    n = 5000
    L = rng.uniform(0.01, 0.9, n)  # −ln L > 0: no cancellation, so 1e-12 relative is fair
    w = rng.uniform(0.1, 3.0, n) if weighted else None
    assert_metrics_equal(run_task(NllTask(), {"likelihood": L}, w, k, seed=k), nll(L, w))


@pytest.mark.parametrize(
    "L, w",
    [
        (np.array([0.5, 0.0, 0.25]), None),  # a zero likelihood: nll = inf with its reason
        (np.array([0.5, -1.0, 0.25]), None),  # a negative one: NaN
        (np.array([0.5, 0.25]), np.array([1.0, -1.0])),  # Σ w = 0
        (np.array([0.5, 0.25]), np.array([-1.0, -1.0])),  # Σ w < 0
        (np.empty(0), None),  # no rows
    ],
)
@pytest.mark.parametrize("k", [2, 7])
def test_nll_undefined_cases_match_whole_nll(L, w, k):
    assert_metrics_equal(run_task(NllTask(), {"likelihood": L}, w, k, seed=k), nll(L, w))


def test_nll_state_fields_merge_by_addition():
    st_ = merge(NllState(1.0, 2.0, 2, 0), NllState(0.5, 1.0, 1, 1))
    assert st_ == NllState(1.5, 3.0, 3, 1)
    assert nll_compute(st_).values["mean_nll"] == 0.5


# ------------------------------------------------------------------ (b) bias–variance


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bias_variance_over_k_batches_equals_whole(k, weighted):
    rng = np.random.default_rng(10 + k)
    n, R = 3000, 5
    y = rng.normal(size=n)
    preds = y[:, None] + 0.3 + rng.normal(scale=0.5, size=(n, R))
    w = rng.uniform(0.1, 3.0, n) if weighted else None
    got = run_task(BiasVarianceTask(), {"y": y, "preds": preds}, w, k, seed=k)
    assert_metrics_equal(got, bias_variance(y, preds, w))


def test_bias_variance_merges_states_of_very_different_scales():
    y = np.zeros(4)
    preds = np.array([[1e-3, 2e-3], [1e150, -1e150], [0.0, 0.0], [3e150, 1e150]])
    w = np.random.default_rng(1).uniform(1, 2, 4)
    for seed in range(5):
        got = run_task(BiasVarianceTask(), {"y": y, "preds": preds}, w, 7, seed=seed)
        assert np.isfinite(got.values["expected_mse"])  # squares of 1e150 without overflow
        assert_metrics_equal(got, bias_variance(y, preds, w))


@pytest.mark.parametrize(
    "y, preds, w",
    [
        (np.zeros(3), np.ones((3, 2)), np.array([1.0, -1.0, 0.0])),  # Σ w = 0
        (np.zeros(2), np.zeros((2, 3)), None),  # all d = 0
        (np.empty(0), np.empty((0, 2)), None),  # no rows
        (np.arange(3.0), np.empty((3, 0)), None),  # no replicas
    ],
)
def test_bias_variance_undefined_and_zero_cases_match_whole(y, preds, w):
    assert_metrics_equal(run_task(BiasVarianceTask(), {"y": y, "preds": preds}, w, 2, seed=0), bias_variance(y, preds, w))


def test_bias_variance_refuses_to_merge_different_replica_counts():
    a = bias_variance_update(None, np.zeros(2), np.ones((2, 2)))
    b = bias_variance_update(None, np.zeros(2), np.ones((2, 3)))
    with pytest.raises(ValueError, match="n_replicas"):
        merge(a, b)


def test_bias_variance_state_accepts_one_replica_as_a_vector():
    st_ = bias_variance_update(None, np.array([0.0, 1.0]), np.array([1.0, 1.0]))
    assert isinstance(st_, BiasVarianceState) and st_.n_replicas == 1
    assert bias_variance_compute(st_).values["variance"] == 0.0


# ------------------------------------------------------------------ (c) χ² with σ only


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_chi2_sigma_over_k_batches_equals_chi2_cholesky(k, offset):
    rng = np.random.default_rng(20 + k)
    n = 4000
    sigma = rng.uniform(0.5, 2.0, n)
    y = rng.normal(size=n)
    pred = y - sigma * (offset + rng.normal(size=n))  # pulls ~ offset ± 1: Chan keeps pull_std exact
    want, _ = chi2_cholesky(y - pred, sigma=sigma, n_params=3)
    got = run_task(Chi2SigmaTask(n_params=3), {"y": y, "pred": pred, "sigma": sigma}, None, k, seed=k)
    assert_metrics_equal(got, want)


def test_chi2_sigma_max_pull_row_is_global_and_first_on_ties():
    r = np.array([0.1, 3.0, -0.2, -3.0, 0.5, 3.0])
    sigma = np.ones(6)
    for k in KS:
        for seed in range(5):
            got = run_task(Chi2SigmaTask(), {"y": r, "pred": np.zeros(6), "sigma": sigma}, None, k, seed)
            assert got.values["pull_max_row"] == 1.0 and got.values["pull_max_abs"] == 3.0


@pytest.mark.parametrize(
    "r, sigma, n_params",
    [
        (np.array([1.0, 2.0]), np.array([1.0, 2.0]), 2),  # ndof = 0
        (np.empty(0), np.empty(0), 0),  # no rows
        (np.array([1.0, 1.0, 1.0]), np.array([1e-6, 1.0, 1e3]), 0),  # ill-conditioned: a note
    ],
)
def test_chi2_sigma_edge_cases_match_chi2_cholesky(r, sigma, n_params):
    want, _ = chi2_cholesky(r, sigma=sigma, n_params=n_params)
    got = run_task(Chi2SigmaTask(n_params), {"y": r, "pred": np.zeros_like(r), "sigma": sigma}, None, 2, seed=1)
    assert_metrics_equal(got, want)


def test_chi2_sigma_p_value_matches_scipy():
    rng = np.random.default_rng(5)
    r, sigma = rng.normal(size=50), rng.uniform(0.5, 1.5, 50)
    ms = chi2_sigma_compute(chi2_sigma_update(None, r, sigma))
    chi2 = float(np.sum((r / sigma) ** 2))
    assert math.isclose(ms.values["p_value"], scipy.stats.chi2.sf(chi2, 50), rel_tol=1e-12)


@pytest.mark.parametrize("n_params", [-1, 1.5])
def test_chi2_sigma_refuses_bad_n_params(n_params):
    with pytest.raises(EvalmlError, match="non-negative integer"):
        chi2_sigma_compute(chi2_sigma_update(None, np.ones(3), np.ones(3)), n_params)


@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(0.1, 10.0)), min_size=1, max_size=40), st.data())
@settings(max_examples=100, deadline=None)
def test_chi2_sigma_merge_is_associative_and_commutative(rows, data):
    r, sigma = (np.array(c) for c in zip(*rows))
    i = data.draw(st.integers(0, len(r)))
    j = data.draw(st.integers(i, len(r)))
    a, b, c = (chi2_sigma_update(None, r[p:q], sigma[p:q], first_row=p) for p, q in ((0, i), (i, j), (j, len(r))))
    want, _ = chi2_cholesky(r, sigma=sigma)
    for s in (merge(merge(a, b), c), merge(a, merge(b, c)), merge(c, merge(b, a))):
        assert isinstance(s, Chi2SigmaState)
        got = chi2_sigma_compute(s)
        for name, v in want.values.items():
            assert math.isclose(got.values[name], v, rel_tol=1e-12, abs_tol=1e-9), name


# ------------------------------------------------------------------ (d) regression basics


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("weighted", [False, True])
def test_regression_over_k_batches_equals_whole(k, weighted):
    rng = np.random.default_rng(30 + k)
    n = 5000
    y = 100.0 + rng.normal(size=n)
    pred = y + rng.normal(scale=0.3, size=n)
    w = rng.uniform(0.1, 3.0, n) if weighted else None
    got = run_task(RegressionTask(), {"y": y, "pred": pred}, w, k, seed=k)
    assert_metrics_equal(got, regression_compute(regression_update(y, pred, w)))


def test_regression_task_reports_a_global_max_error_row():
    y, pred = np.zeros(10), np.zeros(10)
    pred[7] = 5.0
    for k in KS:
        st_ = None
        for p, q in contiguous_splits(10, k, np.random.default_rng(k)):
            st_ = RegressionTask().update(st_, Batch({"y": y[p:q], "pred": pred[p:q]}, first_row=p))
        assert isinstance(st_, RegressionState) and st_.max_abs_row == 7


def test_every_task_follows_the_protocol():
    for task in (NllTask(), BiasVarianceTask(), Chi2SigmaTask(), RegressionTask()):
        assert isinstance(task, Task)
