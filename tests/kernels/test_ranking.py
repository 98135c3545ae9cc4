"""Ranking state, exact and binned, against scikit-learn, binary.py and a brute-force binning."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from evalml_cli.kernels import ranking as rk
from evalml_cli.kernels.binary import binary_update, ranking_metrics
from evalml_cli.kernels.ranking import (
    RankingState,
    RankingTask,
    average_precision,
    average_precision_error_bound,
    cumulative_counts,
    float_to_key,
    from_binary_state,
    key_to_float,
    ranking_compute,
    ranking_update,
    roc_auc,
    roc_auc_error_bound,
    to_binary_state,
)
from evalml_cli.kernels.state import Batch, merge, reduce_states

REL = 1e-12


def close(a: float, b: float, rel: float = REL, abs_: float = 1e-13) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def contiguous_splits(n: int, k: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """k contiguous [start, stop) parts of range(n) at random cut points (parts may be empty)."""
    cuts = np.sort(rng.integers(0, n + 1, size=k - 1))
    edges = np.r_[0, cuts, n]
    return list(zip(edges[:-1].tolist(), edges[1:].tolist()))


def by_batches(y, s, w, k, budget, seed=0) -> RankingState:
    """Update batch by batch (first half of the parts) and merge states (second half)."""
    parts = contiguous_splits(len(s), k, np.random.default_rng(seed))
    states = [
        ranking_update(None, y[a:b], s[a:b], None if w is None else w[a:b], budget=budget) for a, b in parts
    ]
    return reduce_states(states)


@st.composite
def ranking_rows(draw, min_size=2, max_size=60, weighted=None, tie_heavy=None):
    n = draw(st.integers(min_size, max_size))
    if tie_heavy is None:
        tie_heavy = draw(st.booleans())
    if tie_heavy:  # few distinct values: many ties, within and across classes
        values = st.sampled_from([-3.0, -0.0, 0.0, 0.1, 0.35, 0.4, 0.8, 2.0])
    else:
        values = st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)
    s = np.array(draw(st.lists(values, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    if weighted is None:
        weighted = draw(st.booleans())
    w = np.array(draw(st.lists(st.floats(1e-3, 1e3), min_size=n, max_size=n))) if weighted else None
    return y, s, w


def brute_force_binned(y, s, w, budget):
    """Reference: the smallest shift whose distinct bins fit the budget, by trying every shift."""
    keys = float_to_key(s)
    shift = next(t for t in range(64) if np.unique(keys >> t).size <= budget)
    bins, inv = np.unique(keys >> shift, return_inverse=True)
    ww = np.ones(len(s)) if w is None else w
    pos = np.bincount(inv, weights=np.where(y, ww, 0.0), minlength=bins.size)
    neg = np.bincount(inv, weights=np.where(y, 0.0, ww), minlength=bins.size)
    return bins, pos, neg, shift


def assert_same_state(a: RankingState, b: RankingState, rel: float = REL) -> None:
    assert a.shift == b.shift and a.n == b.n and a.budget == b.budget
    np.testing.assert_array_equal(a.keys, b.keys)
    scale = max(1.0, float(np.abs(a.pos).sum() + np.abs(a.neg).sum()))
    np.testing.assert_allclose(a.pos, b.pos, rtol=rel, atol=rel * scale)
    np.testing.assert_allclose(a.neg, b.neg, rtol=rel, atol=rel * scale)


# ------------------------------------------------------------------ keys


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=50))
@settings(max_examples=100, deadline=None)
@example([-0.0, 0.0, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308])
def test_float_to_key_preserves_order_and_round_trips(values):
    x = np.array(values)
    k = float_to_key(x)
    order = np.argsort(x, kind="stable")
    ks = k[order]
    assert np.all(ks[1:] >= ks[:-1])  # not np.diff: it overflows int64
    # equal scores ⇔ equal keys (−0.0 and 0.0 are one score)
    assert np.array_equal(x[:, None] == x[None, :], k[:, None] == k[None, :])
    np.testing.assert_array_equal(key_to_float(k), x + 0.0)


def test_float_to_key_does_not_modify_its_input():
    x = np.array([-1.5, 2.0])
    float_to_key(x)
    assert x.tolist() == [-1.5, 2.0]


# ------------------------------------------------------------------ exact form


def test_sklearn_doc_example_by_hand():
    st_ = ranking_update(None, np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    assert st_.exact
    assert roc_auc(st_) == 0.75
    assert average_precision(st_) == pytest.approx(5 / 6, rel=1e-15)
    assert roc_auc_error_bound(st_) == 0.0 and average_precision_error_bound(st_) == 0.0


@given(ranking_rows())
@settings(max_examples=100, deadline=None)
def test_exact_roc_auc_and_ap_match_sklearn_with_ties_and_weights(rows):
    y, s, w = rows
    state = ranking_update(None, y, s, w)
    assert state.exact
    if y.all() or not y.any():
        assert math.isnan(roc_auc(state))
        return
    assert close(roc_auc(state), skm.roc_auc_score(y, s, sample_weight=w), rel=1e-12, abs_=1e-12)
    assert close(average_precision(state), skm.average_precision_score(y, s, sample_weight=w), rel=1e-12, abs_=1e-12)


@given(ranking_rows(weighted=None))
@settings(max_examples=100, deadline=None)
def test_exact_state_equals_binary_ranking_metrics(rows):
    y, s, w = rows
    state = ranking_update(None, y, s, w)
    ref = ranking_metrics(binary_update(y, s, w))
    got = ranking_compute(state)
    for name in ("roc_auc", "average_precision"):
        assert close(got.values[name], ref.values[name]), name
        assert got.reasons.get(name) == ref.reasons.get(name)


@given(ranking_rows(weighted=None))
@settings(max_examples=100, deadline=None)
def test_cumulative_counts_match_sklearn_confusion_matrix_at_thresholds(rows):
    y, s, w = rows
    th, tps, fps = cumulative_counts(ranking_update(None, y, s, w))
    _, sk_fps, _, sk_tps, sk_th = skm.confusion_matrix_at_thresholds(y, s, sample_weight=w)
    np.testing.assert_array_equal(th, sk_th + 0.0)
    np.testing.assert_allclose(tps, sk_tps, rtol=1e-12)
    np.testing.assert_allclose(fps, sk_fps, rtol=1e-12)


def test_binary_state_round_trip():
    y, s = np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8])
    bs = binary_update(y, s)
    back = to_binary_state(from_binary_state(bs))
    np.testing.assert_array_equal(back.scores, bs.scores)
    np.testing.assert_array_equal(back.pos, bs.pos)
    assert back.n == bs.n
    with pytest.raises(ValueError, match="binned"):
        to_binary_state(from_binary_state(bs, budget=2))


def test_from_binary_state_of_many_scores_is_binned_like_update():
    rng = np.random.default_rng(3)
    y, s = rng.random(5000) < 0.4, rng.normal(size=5000)
    assert_same_state(from_binary_state(binary_update(y, s), budget=64), ranking_update(None, y, s, budget=64))


def test_budget_none_stays_exact():
    rng = np.random.default_rng(4)
    y, s = rng.random(20_000) < 0.5, rng.random(20_000)
    state = ranking_update(None, y, s, budget=None)
    assert state.exact and state.keys.size == np.unique(s).size


# ------------------------------------------------------------------ binned form


@given(ranking_rows(min_size=2, max_size=200), st.integers(2, 40))
@settings(max_examples=100, deadline=None)
def test_update_bins_like_brute_force_smallest_shift(rows, budget):
    y, s, w = rows
    state = ranking_update(None, y, s, w, budget=budget)
    keys, pos, neg, shift = brute_force_binned(y, s, w, budget)
    assert state.shift == shift
    np.testing.assert_array_equal(state.keys, keys)
    np.testing.assert_allclose(state.pos, pos, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(state.neg, neg, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize(
    "dist", ["normal", "cauchy", "unit", "outlier", "subnormal", "two_values_far_apart"]
)
@pytest.mark.parametrize("weighted", [False, True])
def test_large_batches_bin_like_brute_force_on_both_code_paths(dist, weighted, monkeypatch):
    rng = np.random.default_rng(11)
    n = 20_000
    s = {
        "normal": rng.normal(size=n),
        "cauchy": rng.standard_cauchy(n),
        "unit": rng.random(n),
        "outlier": np.r_[rng.random(n - 1), 1e300],
        "subnormal": rng.random(n) * 1e-310,
        "two_values_far_apart": rng.choice([-1e200, 3.0], n),
    }[dist]
    y = rng.random(n) < 0.4
    w = rng.uniform(0.1, 2.0, n) if weighted else None
    sorted_calls = []
    monkeypatch.setattr(rk, "binary_update", lambda *a: sorted_calls.append(1) or binary_update(*a))
    state = ranking_update(None, y, s, w, budget=100)
    # the histogram path (no sort) serves continuous data; only few distinct values need the sort
    assert bool(sorted_calls) == (dist == "two_values_far_apart")
    keys, pos, neg, shift = brute_force_binned(y, s, w, 100)
    assert state.shift == shift
    np.testing.assert_array_equal(state.keys, keys)
    np.testing.assert_allclose(state.pos, pos, rtol=1e-12)
    np.testing.assert_allclose(state.neg, neg, rtol=1e-12)


@given(ranking_rows(min_size=2, max_size=200, weighted=None), st.integers(2, 40))
@settings(max_examples=100, deadline=None)
@example((np.array([0, 1, 0, 1], bool), np.array([0.1, 0.35, 0.4, 0.8]), None), 2)
def test_binned_auc_and_ap_within_their_error_bounds(rows, budget):
    y, s, w = rows
    binned = ranking_update(None, y, s, w, budget=budget)
    exact = ranking_update(None, y, s, w, budget=None)
    slack = 1e-12
    if not (y.any() and (~y).any()):
        assert math.isnan(roc_auc_error_bound(binned))
    else:
        assert abs(roc_auc(binned) - roc_auc(exact)) <= roc_auc_error_bound(binned) + slack
    if y.any():
        assert abs(average_precision(binned) - average_precision(exact)) <= average_precision_error_bound(binned) + slack


def test_roc_auc_error_bound_is_attained_when_bins_hide_a_perfect_order():
    # Bins {-5} and [1, 1.5): inside the second, both negatives lie below both positives, so
    # the exact AUC is 1; the binned one counts those 4 of 6 pairs as 1/2: 4/6, off by 2/6.
    y = np.array([0, 0, 0, 1, 1], bool)
    s = np.array([-5.0, 1.0, 1.1, 1.2, 1.3])
    binned = ranking_update(None, y, s, budget=2)
    assert binned.neg.tolist() == [1.0, 2.0] and binned.pos.tolist() == [0.0, 2.0]
    assert roc_auc(ranking_update(None, y, s)) == 1.0
    assert roc_auc(binned) == pytest.approx(4 / 6, rel=1e-15)
    # the bound is Σ pos·neg/(P·N) = 4/6, twice the worst case 2/6 that this order attains
    assert roc_auc_error_bound(binned) == pytest.approx(4 / 6, rel=1e-15)


def test_binned_is_exact_with_zero_bound_when_distinct_scores_fit_the_budget():
    rng = np.random.default_rng(5)
    n = 200_000
    s = rng.integers(0, 1000, n) / 999.0  # 1000 distinct scores, 200k rows >> budget
    y = rng.random(n) < 1 / (1 + np.exp(-4 * (s - 0.5)))
    w = rng.uniform(0.5, 2.0, n)
    state = ranking_update(None, y, s, w, budget=4096)
    assert state.exact
    ms = ranking_compute(state)
    assert ms.values["roc_auc_error_bound"] == 0.0 and ms.values["average_precision_error_bound"] == 0.0
    assert close(ms.values["roc_auc"], skm.roc_auc_score(y, s, sample_weight=w))
    assert close(ms.values["average_precision"], skm.average_precision_score(y, s, sample_weight=w))


def test_one_million_continuous_scores_budget_4096_auc_within_reported_bound():
    """The issue's acceptance: |binned − exact| <= roc_auc_error_bound, and the bound is small."""
    rng = np.random.default_rng(2026)
    n = 1_000_000
    y = rng.random(n) < 0.3
    s = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y)))
    binned = ranking_update(None, y, s, budget=4096)
    assert not binned.exact and binned.keys.size <= 4096
    ms = ranking_compute(binned)
    exact_auc = skm.roc_auc_score(y, s)
    exact_ap = skm.average_precision_score(y, s)
    bound = ms.values["roc_auc_error_bound"]
    assert 0 < bound < 1e-3  # 4.6e-4 here: power-of-two bins leave 2,000-4,096 of them
    assert abs(ms.values["roc_auc"] - exact_auc) <= bound
    assert abs(ms.values["average_precision"] - exact_ap) <= ms.values["average_precision_error_bound"]


def test_negative_weights_make_the_bounds_undefined():
    y = np.array([0, 1, 0, 1], bool)
    s = np.array([0.1, 0.2, 0.3, 0.4])
    state = ranking_update(None, y, s, np.array([1.0, -1.0, 2.0, 3.0]), budget=2)
    ms = ranking_compute(state)
    assert math.isnan(ms.values["roc_auc_error_bound"])
    assert "non-negative weights" in ms.reasons["roc_auc_error_bound"]


def test_binned_cumulative_counts_are_exact_at_bin_lower_edges():
    rng = np.random.default_rng(6)
    n = 50_000
    y, s, w = rng.random(n) < 0.5, rng.standard_cauchy(n), rng.uniform(0, 2, n)
    th, tps, fps = cumulative_counts(ranking_update(None, y, s, w, budget=100))
    assert th.size <= 100 and np.all(np.diff(th) < 0)
    order = np.argsort(-s)
    cum_p = np.cumsum(np.where(y, w, 0.0)[order])
    cum_n = np.cumsum(np.where(y, 0.0, w)[order])
    at = np.searchsorted(-s[order], -th, side="right") - 1  # last row with score >= threshold
    np.testing.assert_allclose(tps, cum_p[at], rtol=1e-9)
    np.testing.assert_allclose(fps, cum_n[at], rtol=1e-9)


def test_lowest_bin_edge_is_a_finite_float():
    s = np.array([-1.7976931348623157e308, -1.0, 1.0])
    state = ranking_update(None, np.array([0, 1, 1], bool), s, budget=2)
    assert np.all(np.isfinite(state.edges)) and state.edges[0] <= s.min()


# ------------------------------------------------------------------ merge and batches


@pytest.mark.parametrize("k", [1, 2, 7])
@pytest.mark.parametrize("weighted", [False, True])
def test_k_contiguous_batches_give_the_exact_state(k, weighted):
    rng = np.random.default_rng(10 + k)
    n = 3000
    y, s = rng.random(n) < 0.4, np.round(rng.normal(size=n), 2)
    w = rng.uniform(0.1, 3.0, n) if weighted else None
    whole = ranking_update(None, y, s, w)
    merged_ = by_batches(y, s, w, k, budget=rk.DEFAULT_BUDGET, seed=k)
    assert whole.exact and merged_.exact
    assert_same_state(merged_, whole)
    for name, value in ranking_compute(whole).values.items():
        assert close(ranking_compute(merged_).values[name], value), name


@pytest.mark.parametrize("k", [1, 2, 7])
@pytest.mark.parametrize("weighted", [False, True])
def test_k_contiguous_batches_give_the_same_bins_as_the_whole(k, weighted):
    rng = np.random.default_rng(20 + k)
    n = 200_000
    y = rng.random(n) < 0.3
    s = rng.normal(size=n) + y
    w = rng.uniform(0.1, 3.0, n) if weighted else None
    whole = ranking_update(None, y, s, w, budget=512)
    merged_ = by_batches(y, s, w, k, budget=512, seed=k)
    assert not whole.exact
    assert_same_state(merged_, whole)
    exact_auc = skm.roc_auc_score(y, s, sample_weight=w)
    ms = ranking_compute(merged_)
    assert abs(ms.values["roc_auc"] - exact_auc) <= ms.values["roc_auc_error_bound"]
    for name, value in ranking_compute(whole).values.items():
        assert close(ms.values[name], value), name


@given(ranking_rows(min_size=3, max_size=120), st.integers(2, 30), st.data())
@settings(max_examples=100, deadline=None)
def test_merge_is_associative_and_commutative(rows, budget, data):
    y, s, w = rows
    i = data.draw(st.integers(0, len(s)))
    j = data.draw(st.integers(i, len(s)))
    a, b, c = (
        ranking_update(None, y[p:q], s[p:q], None if w is None else w[p:q], budget=budget)
        for p, q in ((0, i), (i, j), (j, len(s)))
    )
    left = merge(merge(a, b), c)
    assert_same_state(left, merge(a, merge(b, c)))
    assert_same_state(left, merge(merge(c, a), b))
    assert_same_state(left, ranking_update(None, y, s, w, budget=budget))


def test_merging_different_shifts_coarsens_the_finer_state():
    rng = np.random.default_rng(7)
    fine = ranking_update(None, rng.random(100) < 0.5, rng.random(100), budget=64)  # ~0.x scores
    coarse = ranking_update(None, rng.random(100) < 0.5, rng.normal(scale=1e6, size=100), budget=64)
    assert fine.shift < coarse.shift
    m = merge(fine, coarse)
    assert m.shift >= coarse.shift and m.keys.size <= 64
    assert float(m.pos.sum() + m.neg.sum()) == 200.0


def test_exact_plus_exact_becomes_binned_when_over_budget():
    a = ranking_update(None, np.array([0, 1, 0], bool), np.array([1.0, 2.0, 3.0]), budget=4)
    b = ranking_update(None, np.array([1, 0], bool), np.array([4.0, 5.0]), budget=4)
    assert a.exact and b.exact
    m = merge(a, b)
    assert not m.exact and m.keys.size <= 4 and m.n == 5


def test_update_with_a_state_equals_merge_of_updates():
    rng = np.random.default_rng(8)
    y, s = rng.random(10_000) < 0.5, rng.random(10_000)
    first = ranking_update(None, y[:4000], s[:4000], budget=300)
    rest = ranking_update(None, y[4000:], s[4000:], budget=300)
    assert_same_state(ranking_update(first, y[4000:], s[4000:]), merge(first, rest))


def test_merge_refuses_different_budgets():
    a = ranking_update(None, np.array([True]), np.array([1.0]), budget=8)
    b = ranking_update(None, np.array([False]), np.array([1.0]), budget=16)
    with pytest.raises(ValueError, match="different budget"):
        merge(a, b)


@pytest.mark.parametrize("budget", [1, 0, 2.5, -3])
def test_bad_budget_is_refused(budget):
    with pytest.raises(ValueError, match="budget"):
        ranking_update(None, np.array([True]), np.array([1.0]), budget=budget)


def test_empty_batches_merge_as_identity():
    y, s = np.array([0, 1], bool), np.array([0.2, 0.7])
    whole = ranking_update(None, y, s)
    empty = ranking_update(None, y[:0], s[:0])
    assert empty.n == 0 and empty.keys.size == 0
    assert_same_state(merge(empty, whole), whole)
    assert math.isnan(roc_auc(empty)) and math.isnan(average_precision(empty))


def test_ranking_task_follows_the_protocol():
    from evalml_cli.kernels.state import Task

    rng = np.random.default_rng(9)
    y, s = rng.random(1000) < 0.5, rng.random(1000)
    task = RankingTask(budget=64)
    assert isinstance(task, Task)
    state = None
    for a, b in contiguous_splits(1000, 5, rng):
        state = task.update(state, Batch({"y": y[a:b], "score": s[a:b]}, first_row=a))
    assert_same_state(state, ranking_update(None, y, s, budget=64))
    assert task.compute(state).values["roc_auc"] == roc_auc(state)


def test_exact_plus_binned_is_binned_and_equals_the_whole():
    rng = np.random.default_rng(12)
    y, s = rng.random(600) < 0.5, rng.random(600)
    s[:10] = [0.5] * 10
    exact = ranking_update(None, y[:10], s[:10], budget=50)
    binned = ranking_update(None, y[10:], s[10:], budget=50)
    assert exact.exact and not binned.exact
    m = merge(exact, binned)
    assert not m.exact
    assert_same_state(m, ranking_update(None, y, s, budget=50))


def _largest_float_in_bin(state: RankingState, rows_keys: np.ndarray) -> np.ndarray:
    """For each row (given its bin key), the largest float of its bin."""
    return key_to_float(((rows_keys + 1) << state.shift) - 1)


@pytest.mark.parametrize("seed, direction", [(0, 1.0), (1, 1.0), (2, -1.0), (3, -2.0)])
def test_average_precision_error_bound_is_attained_by_an_adversarial_order(seed, direction):
    """Move rows inside their bins (same binned state) to the best and worst exact AP.

    direction < 0 (negatives score higher) makes the lower side decide the bound.
    """
    rng = np.random.default_rng(seed)
    n = 3000
    y = rng.random(n) < 0.4
    s = rng.normal(size=n) + direction * y
    state = ranking_update(None, y, s, budget=16)
    assert not state.exact
    ap_b, bound = average_precision(state), average_precision_error_bound(state)
    row_bin = float_to_key(s) >> state.shift
    top = _largest_float_in_bin(state, row_bin)
    assert not np.any(top == s)
    up_s = np.where(y, top, s)  # each bin's positives tied above its negatives
    down_s = np.where(y, s, top)  # each bin's negatives tied above its positives (distinct)
    for adv in (up_s, down_s):
        assert_same_state(ranking_update(None, y, adv, budget=16), state)
    ap_up = skm.average_precision_score(y, up_s)
    ap_down = skm.average_precision_score(y, down_s)
    assert ap_up - ap_b <= bound + 1e-12 and ap_b - ap_down <= bound + 1e-12
    # the bound is one of the two sides: attained exactly (up) or up to the step-sum gap (down)
    _, tps, fps, pos, neg = rk._walk(state)
    keep = pos > 0
    f1, t1, p = fps[keep], tps[keep], pos[keep]
    gap = float(np.sum(t1 / (t1 + f1) - (t1 - p) / (t1 - p + f1))) / tps[-1]
    assert max(ap_up - ap_b, ap_b - ap_down + gap) >= bound - 1e-12
    assert math.isclose(ap_up - ap_b, bound, rel_tol=1e-9) or ap_b - ap_down >= bound - gap - 1e-12


def test_roc_auc_error_bound_is_attained_by_an_adversarial_order():
    rng = np.random.default_rng(3)
    y = rng.random(3000) < 0.4
    s = rng.normal(size=3000) + y
    state = ranking_update(None, y, s, budget=16)
    top = _largest_float_in_bin(state, float_to_key(s) >> state.shift)
    adv = np.where(y, top, s)
    assert_same_state(ranking_update(None, y, adv, budget=16), state)
    assert math.isclose(skm.roc_auc_score(y, adv) - roc_auc(state), roc_auc_error_bound(state) / 2, rel_tol=1e-9)
