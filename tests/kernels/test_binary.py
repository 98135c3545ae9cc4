"""Binary kernels against scikit-learn on random inputs and hand-worked examples."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from evalml_cli.kernels.binary import (
    BinaryState,
    binary_compute,
    binary_merge,
    binary_update,
    confusion_at,
)

REL = 1e-9


def close(a: float, b: float, rel: float = REL, abs_: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@st.composite
def binary_inputs(draw, min_size=1, max_size=60, weighted=None, tied=None):
    n = draw(st.integers(min_size, max_size))
    y = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    if tied if tied is not None else draw(st.booleans()):
        # A handful of distinct score levels forces ties between classes.
        levels = draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 1.0]), min_size=n, max_size=n))
        s = np.array(levels, dtype=np.float64)
    else:
        s = np.array(draw(st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=n, max_size=n)))
    w = None
    if weighted if weighted is not None else draw(st.booleans()):
        w = np.array(draw(st.lists(st.floats(0.01, 10.0), min_size=n, max_size=n)))
    return y, s, w


def sk_confusion(y, s, w, t):
    pred = s >= t
    cm = skm.confusion_matrix(y, pred, labels=[False, True], sample_weight=w)
    tn, fp, fn, tp = cm.ravel()
    return tp, fp, tn, fn


@settings(max_examples=200, deadline=None)
@given(binary_inputs(), st.sampled_from([0.0, 0.3, 0.5, 0.75, 1.0]))
def test_threshold_metrics_match_sklearn(data, t):
    y, s, w = data
    ms = binary_compute(binary_update(y, s, w), t).values
    tp, fp, tn, fn = sk_confusion(y, s, w, t)
    assert close(ms["tp"], tp) and close(ms["fp"], fp) and close(ms["tn"], tn) and close(ms["fn"], fn)
    pred = s >= t
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert close(ms["accuracy"], skm.accuracy_score(y, pred, sample_weight=w))
        if tp + fp > 0:
            assert close(ms["precision"], skm.precision_score(y, pred, sample_weight=w))
        else:
            assert math.isnan(ms["precision"])
        if tp + fn > 0:
            assert close(ms["recall"], skm.recall_score(y, pred, sample_weight=w))
            assert close(ms["f1"], skm.f1_score(y, pred, sample_weight=w))
        else:
            assert math.isnan(ms["recall"])
        if tn + fp > 0:
            assert close(ms["specificity"], skm.recall_score(y, pred, pos_label=False, sample_weight=w))
        if tp + fn > 0 and tn + fp > 0:
            assert close(ms["balanced_accuracy"], skm.balanced_accuracy_score(y, pred, sample_weight=w))
        else:
            assert math.isnan(ms["balanced_accuracy"])
        if (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn) > 0:
            assert close(ms["mcc"], skm.matthews_corrcoef(y, pred, sample_weight=w))
        else:
            assert math.isnan(ms["mcc"])


@settings(max_examples=200, deadline=None)
@given(binary_inputs())
def test_ranking_and_probability_metrics_match_sklearn(data):
    y, s, w = data
    ms = binary_compute(binary_update(y, s, w)).values
    if y.any() and (~y).any():
        assert close(ms["roc_auc"], skm.roc_auc_score(y, s, sample_weight=w))
    else:
        assert math.isnan(ms["roc_auc"])
    if y.any():
        assert close(ms["average_precision"], skm.average_precision_score(y, s, sample_weight=w))
    else:
        assert math.isnan(ms["average_precision"])
    assert close(ms["log_loss"], skm.log_loss(y, s, sample_weight=w, labels=[False, True]), abs_=1e-12)
    assert close(ms["brier"], skm.brier_score_loss(y, s, sample_weight=w, labels=[False, True]))


def test_roc_auc_matches_sklearn_with_ties_and_sklearn_example():
    y = np.array([0, 0, 1, 1], bool)
    s = np.array([0.1, 0.4, 0.35, 0.8])
    ms = binary_compute(binary_update(y, s)).values
    assert ms["roc_auc"] == pytest.approx(0.75, rel=1e-12)
    assert ms["average_precision"] == pytest.approx(0.8333333333333333, rel=1e-12)
    # All scores equal: every positive/negative pair is a tie → exactly one half.
    ms = binary_compute(binary_update(np.array([0, 1, 0, 1], bool), np.full(4, 0.3))).values
    assert ms["roc_auc"] == 0.5


def test_hand_worked_confusion_table():
    # TP=8, FP=2, FN=4, TN=20 → accuracy 28/34, precision 0.8, recall 2/3, F1 16/22.
    y = np.r_[np.ones(8), np.zeros(2), np.ones(4), np.zeros(20)].astype(bool)
    s = np.r_[np.full(8, 0.9), np.full(2, 0.7), np.full(4, 0.2), np.full(20, 0.1)]
    ms = binary_compute(binary_update(y, s), 0.5).values
    assert (ms["tp"], ms["fp"], ms["fn"], ms["tn"]) == (8, 2, 4, 20)
    assert ms["accuracy"] == pytest.approx(0.8235, abs=5e-5)
    assert ms["precision"] == pytest.approx(0.8)
    assert ms["recall"] == pytest.approx(0.667, abs=5e-4)
    assert ms["f1"] == pytest.approx(0.727, abs=5e-4)
    assert ms["specificity"] == pytest.approx(20 / 22)
    assert ms["mcc"] == pytest.approx((8 * 20 - 2 * 4) / math.sqrt(10 * 12 * 22 * 24))


def test_n_equals_one():
    ms = binary_compute(binary_update(np.array([True]), np.array([0.7]))).values
    assert ms["accuracy"] == 1.0 and ms["precision"] == 1.0 and ms["recall"] == 1.0
    assert math.isnan(ms["roc_auc"]) and math.isnan(ms["specificity"]) and math.isnan(ms["mcc"])
    assert ms["average_precision"] == 1.0
    assert ms["log_loss"] == pytest.approx(-math.log(0.7))


def test_one_class_gives_undefined_with_reasons_not_zero():
    ms = binary_compute(binary_update(np.zeros(5, bool), np.linspace(0, 1, 5)))
    for name in ("roc_auc", "average_precision", "recall", "balanced_accuracy", "mcc"):
        assert math.isnan(ms.values[name]), name
        assert ms.reasons[name]
    assert ms.values["specificity"] == pytest.approx(2 / 5)


def test_precision_without_predicted_positives_is_undefined():
    ms = binary_compute(binary_update(np.array([0, 1], bool), np.array([0.1, 0.2])), 0.5)
    assert math.isnan(ms.values["precision"])
    assert "no predicted positives" in ms.reasons["precision"]
    assert ms.values["f1"] == 0.0  # 2TP/(2TP+FP+FN) = 0/1 is defined


def test_threshold_is_inclusive():
    y = np.array([0, 1], bool)
    s = np.array([0.2, 0.5])
    assert confusion_at(binary_update(y, s), 0.5) == (1.0, 0.0, 1.0, 0.0)
    assert confusion_at(binary_update(y, s), 0.5000001) == (0.0, 0.0, 1.0, 1.0)


def test_log_loss_clips_certain_wrong_answers():
    ms = binary_compute(binary_update(np.array([True, False]), np.array([0.0, 1.0]))).values
    assert ms["log_loss"] == pytest.approx(-math.log(np.finfo(float).eps), rel=1e-9)
    assert ms["brier"] == 1.0


def test_scores_outside_unit_interval_have_no_log_loss():
    ms = binary_compute(binary_update(np.array([True, False]), np.array([2.5, -1.0])))
    assert math.isnan(ms.values["log_loss"]) and "outside [0, 1]" in ms.reasons["log_loss"]
    assert ms.values["roc_auc"] == 1.0


def test_negative_weights_are_summed_and_non_positive_denominators_are_undefined():
    y = np.array([1, 1, 0, 0], bool)
    s = np.array([0.9, 0.8, 0.7, 0.1])
    w = np.array([2.0, -0.5, 1.0, 1.0])
    ms = binary_compute(binary_update(y, s, w), 0.5)
    assert ms.values["tp"] == 1.5 and ms.values["fp"] == 1.0
    assert ms.values["precision"] == pytest.approx(1.5 / 2.5)
    w2 = np.array([1.0, -1.0, 1.0, 1.0])  # net positive weight 0
    ms = binary_compute(binary_update(y, s, w2), 0.5)
    assert math.isnan(ms.values["recall"]) and math.isnan(ms.values["roc_auc"])


@settings(max_examples=100, deadline=None)
@given(binary_inputs(min_size=2), st.data())
def test_merge_of_two_parts_equals_the_whole(data, draw):
    y, s, w = data
    cut = draw.draw(st.integers(1, len(y) - 1))
    part = lambda sl: binary_update(y[sl], s[sl], None if w is None else w[sl])  # noqa: E731
    merged = binary_merge(part(slice(0, cut)), part(slice(cut, None)))
    whole = binary_update(y, s, w)
    np.testing.assert_array_equal(merged.scores, whole.scores)
    np.testing.assert_allclose(merged.pos, whole.pos, rtol=1e-12)
    np.testing.assert_allclose(merged.neg, whole.neg, rtol=1e-12)
    assert merged.n == whole.n
    a, b = binary_compute(merged).values, binary_compute(whole).values
    for k in a:
        assert (math.isnan(a[k]) and math.isnan(b[k])) or close(a[k], b[k]), k


@settings(max_examples=50, deadline=None)
@given(binary_inputs(min_size=2, weighted=False))
def test_row_order_and_weight_scaling_invariance(data):
    y, s, _ = data
    perm = np.random.default_rng(0).permutation(len(y))
    a = binary_compute(binary_update(y, s)).values
    b = binary_compute(binary_update(y[perm], s[perm])).values
    c = binary_compute(binary_update(y, s, np.full(len(y), 3.0))).values
    for k in a:
        if math.isnan(a[k]):
            assert math.isnan(b[k]) and math.isnan(c[k])
            continue
        assert close(a[k], b[k])
        if k not in ("tp", "fp", "tn", "fn"):
            assert close(a[k], c[k]), k
        else:
            assert close(3 * a[k], c[k])


def test_empty_state_is_well_formed():
    st_ = binary_update(np.array([], bool), np.array([]))
    assert isinstance(st_, BinaryState) and st_.n == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=40))
def test_unweighted_ranking_fast_path_equals_the_general_path(counts):
    """The runs path (searchsorted), the unweighted table path and the weighted path agree."""
    from evalml_cli.kernels.binary import BinaryState, probability_metrics, ranking_metrics

    pos = np.array([c[0] for c in counts], dtype=np.float64)
    neg = np.array([c[1] for c in counts], dtype=np.float64)
    levels = np.linspace(0.0, 1.0, len(counts))
    n = int(pos.sum() + neg.sum())
    table = BinaryState(levels, pos, neg, n, False)
    general = BinaryState(levels, pos, neg, n, True)
    runs = BinaryState.from_runs(np.repeat(levels, pos.astype(int)), np.repeat(levels, neg.astype(int)))
    results = [ranking_metrics(s) for s in (table, general, runs)]
    probs = [probability_metrics(s) for s in (table, runs)]
    for name in ("roc_auc", "average_precision"):
        values = [r.values[name] for r in results]
        assert all(np.isnan(v) for v in values) or all(v == pytest.approx(values[1], rel=1e-15, abs=0) for v in values), name
    for name in ("log_loss", "brier"):
        a, b = (r.values[name] for r in probs)
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-13), name
    if n:  # the table built from the runs is the table
        for got, want in zip(runs.table(), table.table()):
            keep = (pos + neg) > 0
            assert np.array_equal(got, want[keep] if got.shape != want.shape else want)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 17])
def test_all_distinct_blocks_cover_every_neighbour_pair(n):
    from evalml_cli.kernels.binary import _all_distinct

    s = np.arange(n, dtype=np.float64)
    assert _all_distinct(s, block=4)
    for i in range(n - 1):  # a tie at any block boundary or inside a block is found
        t = s.copy()
        t[i + 1] = t[i]
        assert not _all_distinct(t, block=4)


def test_continuous_scores_state_equals_the_tied_path_and_reference():
    rng = np.random.default_rng(3)
    y = rng.random(5000) < 0.3
    s = rng.random(5000)
    st_ = binary_update(y, s)
    order = np.argsort(s, kind="stable")
    assert st_.scores.tolist() == s[order].tolist()
    assert st_.pos.tolist() == y[order].astype(float).tolist()
    assert st_.neg.tolist() == (~y[order]).astype(float).tolist()
    s[10] = s[11]  # one tie: the grouped path
    tied = binary_update(y, s)
    assert tied.scores.shape[0] == 4999 and tied.pos.sum() + tied.neg.sum() == 5000


@settings(max_examples=100, deadline=None)
@given(binary_inputs(min_size=1, max_size=60, weighted=False), st.sampled_from([1, 2, 3, 7]))
def test_runs_kernels_in_small_blocks_match_sklearn(data, block):
    """Blocks of a few rows put block boundaries between tied scores, tied classes and runs."""
    from evalml_cli.kernels import binary

    y, s, _ = data
    old = binary._BLOCK
    binary._BLOCK = block
    try:
        state = binary_update(y, s)
        ms = binary_compute(state, 0.5).values
    finally:
        binary._BLOCK = old
    assert state.runs is not None
    np.testing.assert_array_equal(state.runs[0], np.sort(s[y]))
    np.testing.assert_array_equal(state.runs[1], np.sort(s[~y]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if y.any() and (~y).any():
            assert close(ms["roc_auc"], skm.roc_auc_score(y, s))
        if y.any():
            assert close(ms["average_precision"], skm.average_precision_score(y, s))
        assert close(ms["log_loss"], skm.log_loss(y, s, labels=[False, True]), abs_=1e-12)
        assert close(ms["brier"], skm.brier_score_loss(y, s, labels=[False, True]))
        assert ms["tp"] == int(np.count_nonzero(y & (s >= 0.5)))


@pytest.mark.parametrize("levels", [None, 50])
def test_weighted_state_in_two_threads_matches_sklearn(levels):
    """Above 2^20 rows each class's table is built in its own thread, then the two are merged
    by position; with 50 score levels every score is in both classes (ties merge into one entry)."""
    rng = np.random.default_rng(7)
    n = (1 << 20) + 1001
    y = rng.random(n) < 0.3
    s = rng.random(n) if levels is None else rng.integers(0, levels, n) / levels
    w = rng.uniform(0.1, 3.0, n)
    state = binary_update(y, s, w)
    np.testing.assert_array_equal(state.scores, np.unique(s))
    np.testing.assert_allclose(state.pos, np.bincount(np.searchsorted(state.scores, s[y]), w[y], state.scores.size),
                               rtol=1e-12)
    ms = binary_compute(state).values
    assert close(ms["roc_auc"], skm.roc_auc_score(y, s, sample_weight=w))
    assert close(ms["average_precision"], skm.average_precision_score(y, s, sample_weight=w))
    assert close(ms["log_loss"], skm.log_loss(y, s, sample_weight=w))
