"""Multiclass kernels against scikit-learn on random inputs, absent classes and ties."""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from evalml_cli.kernels.multiclass import (
    multiclass_compute,
    multiclass_merge,
    multiclass_update,
    normalize_confusion,
    ovo_auc,
    predict_argmax,
    renormalize,
    rows_are_probabilities,
    softmax,
    true_class_rank,
)


def close(a, b, rel=1e-9, abs_=1e-12):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@st.composite
def multiclass_inputs(draw, min_n=1, max_n=80, all_present=False):
    k = draw(st.integers(2, 6))
    n = draw(st.integers(max(min_n, k if all_present else 1), max_n))
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)), dtype=np.int64)
    if all_present:
        y[:k] = np.arange(k)
    # Integer-valued raw scores force ties, then normalized to probabilities.
    raw = np.array(draw(st.lists(st.integers(0, 4), min_size=n * k, max_size=n * k)), dtype=float).reshape(n, k) + 0.5
    scores = raw / raw.sum(axis=1, keepdims=True)
    w = None
    if draw(st.booleans()):
        w = np.array(draw(st.lists(st.floats(0.1, 5.0), min_size=n, max_size=n)))
    return k, y, scores, w


@settings(max_examples=150, deadline=None)
@given(multiclass_inputs(), st.booleans())
def test_label_metrics_match_sklearn(data, use_random_pred):
    k, y, scores, w = data
    pred = predict_argmax(scores)
    if use_random_pred:
        pred = np.roll(y, 1)
    v = multiclass_compute(multiclass_update(y, pred, k, scores, weight=w, probabilities=True)).metrics.values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert close(v["accuracy"], skm.accuracy_score(y, pred, sample_weight=w))
        assert close(v["balanced_accuracy"], skm.balanced_accuracy_score(y, pred, sample_weight=w))
        if math.isfinite(v["mcc"]):
            assert close(v["mcc"], skm.matthews_corrcoef(y, pred, sample_weight=w))
        else:
            assert skm.matthews_corrcoef(y, pred, sample_weight=w) == 0.0
        if math.isfinite(v["cohen_kappa"]):
            assert close(v["cohen_kappa"], skm.cohen_kappa_score(y, pred, sample_weight=w))
        for avg in ("micro", "macro", "weighted"):
            p, r, f, _ = skm.precision_recall_fscore_support(y, pred, average=avg, sample_weight=w)
            assert close(v[f"precision_{avg}"], p), avg
            assert close(v[f"recall_{avg}"], r), avg
            assert close(v[f"f1_{avg}"], f), avg


@settings(max_examples=100, deadline=None)
@given(multiclass_inputs(), st.integers(1, 3))
def test_per_class_and_confusion_match_sklearn(data, _):
    k, y, scores, w = data
    pred = predict_argmax(scores)
    res = multiclass_compute(multiclass_update(y, pred, k, scores, weight=w, probabilities=True))
    labels = np.arange(k)
    np.testing.assert_allclose(res.confusion, skm.confusion_matrix(y, pred, labels=labels, sample_weight=w), rtol=1e-12)
    for how in ("true", "pred", "all"):
        np.testing.assert_allclose(
            normalize_confusion(res.confusion, how),
            skm.confusion_matrix(y, pred, labels=labels, sample_weight=w, normalize=how), rtol=1e-9, atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, f, s = skm.precision_recall_fscore_support(y, pred, labels=labels, sample_weight=w, zero_division=np.nan)
    for c, ms in enumerate(res.per_class):
        for name, ref in (("precision", p[c]), ("recall", r[c]), ("support", s[c])):
            got = ms.values[name]
            assert (math.isnan(got) and math.isnan(ref)) or close(got, ref), (name, c)
            if math.isnan(got):
                assert ms.reasons[name]


@settings(max_examples=100, deadline=None)
@given(multiclass_inputs(min_n=3), st.integers(1, 3))
def test_top_k_and_log_loss_match_sklearn_with_ties(data, top_k):
    k, y, scores, w = data
    top_k = min(top_k, k - 1) if k > 2 else 1
    v = multiclass_compute(multiclass_update(y, predict_argmax(scores), k, scores, weight=w, probabilities=True), top_k=top_k).metrics.values
    if k > 2:
        assert close(v["top_k_accuracy"], skm.top_k_accuracy_score(y, scores, k=top_k, labels=np.arange(k), sample_weight=w))
    assert close(v["log_loss"], skm.log_loss(y, scores, labels=np.arange(k), sample_weight=w))


@settings(max_examples=80, deadline=None)
@given(multiclass_inputs(min_n=4, all_present=True))
def test_roc_auc_ovr_and_ovo_match_sklearn(data):
    k, y, scores, w = data
    if k == 2:
        return  # scikit-learn treats two columns as the binary case
    v = multiclass_compute(multiclass_update(y, predict_argmax(scores), k, scores, weight=w, probabilities=True)).metrics.values
    for avg in ("macro", "weighted"):
        ref = skm.roc_auc_score(y, scores, multi_class="ovr", average=avg, sample_weight=w, labels=np.arange(k))
        assert close(v[f"roc_auc_ovr_{avg}"], ref), avg
        o = ovo_auc(y, scores, k).values  # scikit-learn's OvO takes no sample weights
        assert close(o[f"roc_auc_ovo_{avg}"], skm.roc_auc_score(y, scores, multi_class="ovo", average=avg)), avg


@settings(max_examples=80, deadline=None)
@given(multiclass_inputs(min_n=4, all_present=True), st.sampled_from([1, 3, 7]))
def test_shared_class_runs_and_row_blocks_match_sklearn(data, block):
    """The in-memory path: one ClassRuns serves OvO, then (merged in place) OvR; the update
    walks rows in blocks of a few rows."""
    from evalml_cli.kernels import multiclass as mk

    k, y, scores, _ = data
    runs = mk.class_score_runs(y, scores, k)
    o = ovo_auc(y, scores, k, runs=runs).values
    old = mk._BLOCK
    mk._BLOCK = block
    try:
        state = multiclass_update(y, predict_argmax(scores), k, scores, probabilities=True, runs=runs)
    finally:
        mk._BLOCK = old
    assert all(runs.merged)
    with pytest.raises(ValueError):
        runs.run(0, 1)
    res = multiclass_compute(state, top_k=2)
    v = res.metrics.values
    assert close(v["log_loss"], skm.log_loss(y, scores, labels=np.arange(k)))
    if k > 2:  # scikit-learn's top-k refuses two columns
        assert close(v["top_k_accuracy"], skm.top_k_accuracy_score(y, scores, k=2, labels=np.arange(k)))
    np.testing.assert_array_equal(res.confusion, skm.confusion_matrix(y, predict_argmax(scores), labels=np.arange(k)))
    if k > 2:
        for avg in ("macro", "weighted"):
            assert close(v[f"roc_auc_ovr_{avg}"], skm.roc_auc_score(y, scores, multi_class="ovr", average=avg,
                                                                   labels=np.arange(k))), avg
            assert close(o[f"roc_auc_ovo_{avg}"], skm.roc_auc_score(y, scores, multi_class="ovo", average=avg)), avg


def test_class_runs_sorted_in_two_threads_above_a_million_rows():
    from evalml_cli.kernels import multiclass as mk

    rng = np.random.default_rng(3)
    n, k = (1 << 20) + 77, 3
    y = rng.integers(0, k, n)
    scores = rng.integers(1, 40, (n, k)).astype(float)  # ties within and across classes
    scores /= scores.sum(axis=1, keepdims=True)
    runs = mk.class_score_runs(y, scores, k)
    for c in range(k):
        for j in range(k):
            np.testing.assert_array_equal(runs.run(c, j), np.sort(scores[y == j, c]))
    o = ovo_auc(y, scores, k, runs=runs).values
    assert close(o["roc_auc_ovo_macro"], skm.roc_auc_score(y, scores, multi_class="ovo"))


def test_true_class_rank_ties_follow_sklearn():
    scores = np.array([[0.3, 0.3, 0.4], [0.5, 0.5, 0.0]])
    # Row 0: class 0 ties with 1; the higher index ranks first → class 0 at rank 2.
    assert true_class_rank(np.array([0, 1]), scores).tolist() == [2, 0]
    assert skm.top_k_accuracy_score([0, 1], scores, k=2, labels=[0, 1, 2]) == 0.5


def test_hand_worked_example():
    y = np.array([0, 0, 1, 2])
    pred = np.array([0, 1, 1, 2])
    res = multiclass_compute(multiclass_update(y, pred, 3))
    assert res.confusion.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert res.metrics.values["accuracy"] == 0.75
    assert [m.values["precision"] for m in res.per_class] == [1.0, 0.5, 1.0]
    assert [m.values["recall"] for m in res.per_class] == [0.5, 1.0, 1.0]


def test_absent_and_never_predicted_classes_are_undefined_not_zero():
    y = np.array([0, 0, 1, 1])
    pred = np.array([0, 0, 0, 1])
    res = multiclass_compute(multiclass_update(y, pred, 4))  # classes 2, 3 absent
    assert math.isnan(res.per_class[2].values["precision"]) and math.isnan(res.per_class[2].values["recall"])
    assert res.per_class[2].reasons["recall"].startswith("no support")
    assert res.per_class[3].values["support"] == 0
    assert res.metrics.values["precision_macro"] == pytest.approx((2 / 3 + 1) / 2)


def test_merge_equals_whole():
    rng = np.random.default_rng(3)
    k, n = 4, 200
    y = rng.integers(0, k, n)
    s = rng.dirichlet(np.ones(k), n)
    w = rng.uniform(0.5, 2, n)
    pred = predict_argmax(s)
    whole = multiclass_update(y, pred, k, s, weight=w, probabilities=True)
    merged = multiclass_merge(multiclass_update(y[:70], pred[:70], k, s[:70], weight=w[:70], probabilities=True),
                              multiclass_update(y[70:], pred[70:], k, s[70:], weight=w[70:], probabilities=True))
    a = multiclass_compute(whole, top_k=2).metrics.values
    b = multiclass_compute(merged, top_k=2).metrics.values
    assert a.keys() == b.keys()
    for key in a:
        assert close(a[key], b[key]), key


def test_score_normalization_helpers():
    raw = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
    p = softmax(raw)
    assert rows_are_probabilities(p) and not rows_are_probabilities(raw)
    assert p[1, 0] == pytest.approx(1.0)
    assert renormalize(np.array([[1.0, 3.0]])).tolist() == [[0.25, 0.75]]
    with pytest.raises(ValueError, match="negative"):
        renormalize(raw)


def test_thousand_classes_is_fast():
    rng = np.random.default_rng(0)
    k, n = 1000, 5000
    y = rng.integers(0, k, n)
    s = rng.random((n, k))
    start = time.perf_counter()
    res = multiclass_compute(multiclass_update(y, predict_argmax(s), k, s, weight=None, probabilities=False), top_k=5)
    o = ovo_auc(y, s, k)
    assert time.perf_counter() - start < 30
    assert len(res.per_class) == k and math.isnan(o.values["roc_auc_ovo_macro"])
    assert "at most 100 classes" in o.reasons["roc_auc_ovo_macro"]


def test_update_without_ovr_tables_keeps_every_other_statistic():
    from evalml_cli.kernels.multiclass import multiclass_update

    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 200)
    scores = rng.dirichlet(np.ones(3), 200)
    w = rng.uniform(0.5, 2.0, 200)
    full = multiclass_update(y, scores.argmax(1), 3, scores, weight=w, probabilities=True)
    lean = multiclass_update(y, scores.argmax(1), 3, scores, weight=w, probabilities=True, ovr=False)
    assert lean.ovr is None and full.ovr is not None
    np.testing.assert_array_equal(lean.confusion, full.confusion)
    np.testing.assert_array_equal(lean.rank_hist, full.rank_hist)
    assert lean.nll_sum == full.nll_sum and lean.n == full.n
