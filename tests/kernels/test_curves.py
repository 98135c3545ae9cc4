"""Curves against scikit-learn; threshold rules against a brute force over every distinct score."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels.binary import binary_update
from evalml_cli.kernels.curves import (
    Curve,
    _cumulative_counts,
    choose_threshold,
    det_curve,
    downsample,
    efficiency_curve,
    fpr_at_tpr,
    one_vs_rest,
    parse_threshold_rule,
    pr_curve,
    roc_curve,
    rule_indices,
    tpr_at_fpr,
)

# Dyadic weights keep every sum exact in any order, so exact comparisons (sklearn's
# drop_intermediate, ties between thresholds) agree between two implementations.
DYADIC = [0.0, 0.5, 1.0, 2.0, 3.25]


@st.composite
def data(draw, min_size=1, max_size=40, weights="dyadic", both=False):
    n = draw(st.integers(min_size, max_size))
    y = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    if draw(st.booleans()):
        s = np.array(draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 1.0]), min_size=n, max_size=n)))
    else:
        s = np.array(draw(st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=n, max_size=n)))
    w = None
    if weights == "dyadic" and draw(st.booleans()):
        w = np.array(draw(st.lists(st.sampled_from(DYADIC), min_size=n, max_size=n)))
    elif weights == "float":
        w = np.array(draw(st.lists(st.floats(0.01, 10.0), min_size=n, max_size=n)))
    ww = np.ones(n) if w is None else w
    assume(ww.sum() > 0)
    if both:
        assume(ww[y].sum() > 0 and ww[~y].sum() > 0)
    return y, s, w


def both_classes(y, w):
    ww = np.ones(y.shape) if w is None else w
    return ww[y].sum() > 0 and ww[~y].sum() > 0


def sk(fn, y, s, w, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(y, s, sample_weight=w, **kw)


def test_cumulative_counts_descend_from_the_highest_score():
    st_ = binary_update(np.array([1, 0, 1, 0], bool), np.array([0.2, 0.2, 0.9, 0.5]), np.array([1.0, 2.0, 3.0, 4.0]))
    thr, tps, fps = _cumulative_counts(st_)
    assert thr.tolist() == [0.9, 0.5, 0.2]
    assert tps.tolist() == [3.0, 3.0, 4.0]
    assert fps.tolist() == [0.0, 4.0, 6.0]


@settings(max_examples=100, deadline=None)
@given(data(), st.booleans())
def test_roc_curve_matches_sklearn(d, drop):
    y, s, w = d
    c = roc_curve(binary_update(y, s, w), drop_intermediate=drop)
    fpr, tpr, thr = sk(skm.roc_curve, y, s, w, drop_intermediate=drop)
    assert math.isnan(c.columns["threshold"][0]) and thr[0] == np.inf
    np.testing.assert_array_equal(c.columns["threshold"][1:], thr[1:])
    np.testing.assert_allclose(c.columns["fpr"], fpr, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(c.columns["tpr"], tpr, rtol=1e-12, atol=1e-15)


@settings(max_examples=80, deadline=None)
@given(data(weights="float"))
def test_roc_curve_matches_sklearn_with_float_weights(d):
    y, s, w = d
    c = roc_curve(binary_update(y, s, w))
    fpr, tpr, thr = sk(skm.roc_curve, y, s, w, drop_intermediate=False)
    np.testing.assert_array_equal(c.columns["threshold"][1:], thr[1:])
    np.testing.assert_allclose(c.columns["fpr"], fpr, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(c.columns["tpr"], tpr, rtol=1e-9, atol=1e-12)


def test_roc_drop_intermediate_drops_collinear_points():
    # Four negatives, then two positives: the middle negatives lie on a straight line.
    y = np.array([1, 1, 0, 0, 0, 0], bool)
    s = np.array([0.9, 0.8, 0.4, 0.3, 0.2, 0.1])
    full = roc_curve(binary_update(y, s))
    thin = roc_curve(binary_update(y, s), drop_intermediate=True)
    assert len(full) == 7
    assert thin.columns["threshold"][1:].tolist() == [0.9, 0.8, 0.1]


@settings(max_examples=100, deadline=None)
@given(data(both=True), st.booleans())
def test_pr_curve_matches_sklearn(d, drop):
    y, s, w = d
    c = pr_curve(binary_update(y, s, w), drop_intermediate=drop)
    precision, recall, thr = sk(skm.precision_recall_curve, y, s, w, drop_intermediate=drop)
    np.testing.assert_array_equal(c.columns["threshold"][:-1], thr)
    assert math.isnan(c.columns["threshold"][-1])
    assert c.columns["precision"][-1] == 1.0 and c.columns["recall"][-1] == 0.0
    np.testing.assert_allclose(c.columns["precision"], precision, rtol=1e-12)
    np.testing.assert_allclose(c.columns["recall"], recall, rtol=1e-12)


def test_pr_curve_without_positives_has_undefined_recall():
    c = pr_curve(binary_update(np.array([0, 0], bool), np.array([0.2, 0.6])))
    assert np.isnan(c.columns["recall"][:-1]).all()  # scikit-learn: 1 with a warning


@settings(max_examples=100, deadline=None)
@given(data(both=True), st.booleans())
def test_det_curve_matches_sklearn(d, drop):
    y, s, w = d
    c = det_curve(binary_update(y, s, w), drop_intermediate=drop)
    fpr, fnr, thr = sk(skm.det_curve, y, s, w, drop_intermediate=drop)
    thr = np.where(np.isinf(thr), np.nan, thr)
    np.testing.assert_array_equal(c.columns["threshold"], thr)
    np.testing.assert_allclose(c.columns["fpr"], fpr, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(c.columns["fnr"], fnr, rtol=1e-12, atol=1e-15)


@settings(max_examples=80, deadline=None)
@given(data(both=True))
def test_efficiency_curve_is_the_roc_in_physics_names(d):
    y, s, w = d
    st_ = binary_update(y, s, w)
    c = efficiency_curve(st_)
    roc = roc_curve(st_)
    np.testing.assert_array_equal(c.columns["threshold"], roc.columns["threshold"][1:])
    np.testing.assert_array_equal(c.columns["signal_efficiency"], roc.columns["tpr"][1:])
    np.testing.assert_array_equal(c.columns["background_efficiency"], roc.columns["fpr"][1:])
    eff = c.columns["background_efficiency"]
    rej = c.columns["background_rejection"]
    assert np.isnan(rej[eff == 0]).all()
    np.testing.assert_allclose(rej[eff > 0], 1.0 / eff[eff > 0])


def test_curves_of_an_empty_state_have_undefined_rates():
    st_ = binary_update(np.array([], bool), np.array([]))
    c = roc_curve(st_)
    assert len(c) == 1 and np.isnan(c.columns["fpr"]).all()


def test_one_vs_rest_stacks_one_curve_per_class_like_sklearn():
    rng = np.random.default_rng(3)
    n, k = 80, 3
    y = rng.integers(0, k, n)
    scores = rng.dirichlet(np.ones(k), n).round(2)
    w = rng.uniform(0.5, 2, n)
    c = one_vs_rest("roc", y, scores, w, classes=["a", "b", "c"])
    for j, name in enumerate("abc"):
        rows = c.columns["class"] == name
        fpr, tpr, thr = skm.roc_curve(y == j, scores[:, j], sample_weight=w, drop_intermediate=False)
        np.testing.assert_allclose(c.columns["fpr"][rows], fpr)
        np.testing.assert_allclose(c.columns["tpr"][rows], tpr)
    codes = one_vs_rest("pr", y, scores)
    assert codes.columns["class"].dtype == np.int64 and set(codes.columns["class"].tolist()) == {0, 1, 2}


def test_downsample_keeps_ends_and_requested_rows():
    c = Curve("roc", {"threshold": np.linspace(1, 0, 1000), "fpr": np.linspace(0, 1, 1000)})
    d = downsample(c, 50, keep=[3, 777])
    idx = np.flatnonzero(np.isin(c.columns["threshold"], d.columns["threshold"]))
    assert len(d) == 50
    assert {0, 3, 777, 999} <= set(idx.tolist())
    assert np.all(np.diff(d.columns["fpr"]) > 0)  # order preserved
    assert downsample(c, 5000) is c
    with pytest.raises(EvalmlError):
        downsample(c, 1)


def test_downsample_keeps_the_threshold_rule_rows():
    rng = np.random.default_rng(5)
    y = rng.random(2000) < 0.3
    s = rng.random(2000)
    st_ = binary_update(y, s)
    c = roc_curve(st_)
    ts = [choose_threshold(st_, parse_threshold_rule(r))[0] for r in ("auto:youden", "fpr=0.01", "tpr=0.9")]
    d = downsample(c, 20, keep=rule_indices(c, ts))
    assert set(ts) <= set(d.columns["threshold"].tolist())


# ---------------------------------------------------------------------------------------------
# Threshold rules: brute force over every distinct score, written out here.


def brute(y, s, w):
    """(t, tpr, fpr, precision, f1, mcc, youden) for every distinct weighted score, highest first."""
    w = np.ones(y.shape) if w is None else w
    p = w[y].sum()
    n = w[~y].sum()
    rows = []
    for t in sorted(set(s[w != 0].tolist()), reverse=True):
        pred = s >= t
        tp = w[pred & y].sum()
        fp = w[pred & ~y].sum()
        fn = w[~pred & y].sum()
        tn = w[~pred & ~y].sum()
        tpr = tp / p if p > 0 else math.nan
        fpr = fp / n if n > 0 else math.nan
        prec = tp / (tp + fp) if tp + fp > 0 else math.nan
        f1 = 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn > 0 else math.nan
        m = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
        mcc = (tp * tn - fp * fn) / math.sqrt(m) if m > 0 else math.nan
        rows.append(dict(t=t, tpr=tpr, fpr=fpr, precision=prec, f1=f1, mcc=mcc, youden=tpr - fpr))
    return rows


def brute_rule(rows, kind, x=None):
    if kind in ("youden", "f1", "mcc"):
        ok = [r for r in rows if not math.isnan(r[kind])]
        if not ok:
            return None
        best = max(r[kind] for r in ok)
        return max(r["t"] for r in ok if r[kind] == best)
    if kind == "fpr":
        ts = [r["t"] for r in rows if r["fpr"] <= x]
        return min(ts) if ts else None
    if kind == "tpr":
        ts = [r["t"] for r in rows if r["tpr"] >= x]
        return max(ts) if ts else None
    ts = [r["t"] for r in rows if r["precision"] >= x]
    return min(ts) if ts else None


@settings(max_examples=100, deadline=None)
@given(data(), st.sampled_from(["auto:youden", "auto:f1", "auto:mcc"]))
def test_auto_rules_match_brute_force(d, text):
    y, s, w = d
    rule = parse_threshold_rule(text)
    t, reason = choose_threshold(binary_update(y, s, w), rule)
    assert t == brute_rule(brute(y, s, w), rule.kind), reason


@settings(max_examples=80, deadline=None)
@given(data(), st.sampled_from(["fpr", "tpr", "precision"]), st.sampled_from([0.0, 0.01, 0.2, 0.5, 0.75, 0.9, 1.0]))
def test_target_rules_match_brute_force(d, kind, x):
    y, s, w = d
    rule = parse_threshold_rule(f"{kind}={x}")
    t, reason = choose_threshold(binary_update(y, s, w), rule)
    expected = brute_rule(brute(y, s, w), kind, x)
    assert t == expected, reason
    if t is None:
        assert "unreachable" in reason or "undefined" in reason or "no " in reason


def test_auto_rule_ties_go_to_the_largest_threshold():
    # Thresholds 0.9 and 0.2 both give Youden 0.5: the larger wins.
    y = np.array([1, 0, 1, 0], bool)
    s = np.array([0.9, 0.5, 0.2, 0.1])
    st_ = binary_update(y, s)
    rows = brute(y, s, None)
    best = max(r["youden"] for r in rows)
    assert [r["t"] for r in rows if r["youden"] == best] == [0.9, 0.2]
    assert choose_threshold(st_, parse_threshold_rule("auto:youden"))[0] == 0.9


def test_unreachable_target_gives_none_and_a_reason():
    # The top score is a negative: precision is 0 at 0.9, 1/2 at 0.5, 1/3 at 0.1.
    st_ = binary_update(np.array([0, 1, 0], bool), np.array([0.9, 0.5, 0.1]))
    assert choose_threshold(st_, parse_threshold_rule("precision=0.5"))[0] == 0.5
    t, reason = choose_threshold(st_, parse_threshold_rule("precision=0.6"))
    assert t is None and "highest precision at any threshold is 0.5" in reason
    t, reason = choose_threshold(binary_update(np.array([0, 1], bool), np.array([0.9, 0.1])), parse_threshold_rule("precision=0.9"))
    assert t is None and "unreachable" in reason
    t, reason = choose_threshold(binary_update(np.array([1, 1], bool), np.array([0.9, 0.1])), parse_threshold_rule("fpr=0.1"))
    assert t is None and "no negative rows" in reason
    t, reason = choose_threshold(binary_update(np.array([1, 1], bool), np.array([0.9, 0.1])), parse_threshold_rule("auto:mcc"))
    assert t is None and "undefined" in reason


@pytest.mark.parametrize(
    "text",
    ["auto:", "auto:auc", "fpr=", "fpr=abc", "fpr=1.5", "tpr=-0.1", "precision=nan", "recall=0.5", "nan", "inf", "youden", ""],
)
def test_parse_threshold_rule_rejects_bad_syntax(text):
    with pytest.raises(EvalmlError):
        parse_threshold_rule(text)


def test_parse_threshold_rule_accepts_every_form():
    assert parse_threshold_rule(" AUTO:MCC ").kind == "mcc"
    assert parse_threshold_rule("tpr=0.9").target == 0.9
    assert parse_threshold_rule("precision = 1").target == 1.0
    rule = parse_threshold_rule("0.25")
    assert (rule.kind, rule.target) == ("value", 0.25)
    assert choose_threshold(binary_update(np.array([1], bool), np.array([0.5])), rule)[0] == 0.25


# ---------------------------------------------------------------------------------------------
# tpr_at_fpr / fpr_at_tpr


XS = [0.0, 0.001, 0.01, 0.1, 0.3, 0.5, 0.9, 1.0]


@settings(max_examples=100, deadline=None)
@given(data(both=True))
def test_tpr_at_fpr_and_fpr_at_tpr_match_brute_force(d):
    y, s, w = d
    st_ = binary_update(y, s, w)
    pts = [(0.0, 0.0)] + [(r["fpr"], r["tpr"]) for r in brute(y, s, w)]  # (0, 0): all negative
    got_t = tpr_at_fpr(st_, XS)
    got_f = fpr_at_tpr(st_, XS)
    for x, gt, gf in zip(XS, got_t, got_f):
        assert gt == pytest.approx(max(t for f, t in pts if f <= x), abs=1e-12)
        assert gf == pytest.approx(min(f for f, t in pts if t >= x), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_tpr_at_fpr_and_fpr_at_tpr_with_negative_weights_match_brute_force(draw):
    """Negative weights make the rates fall as the threshold drops: the points are sorted first."""
    n = draw.draw(st.integers(2, 30))
    y = np.array(draw.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    s = np.array(draw.draw(st.lists(st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9]), min_size=n, max_size=n)))
    w = np.array(draw.draw(st.lists(st.sampled_from([-1.0, -0.5, 1.0, 2.0, 3.25]), min_size=n, max_size=n)))
    if not (w[y].sum() > 0 and w[~y].sum() > 0):
        return
    st_ = binary_update(y, s, w)
    pts = [(0.0, 0.0)] + [(r["fpr"], r["tpr"]) for r in brute(y, s, w)]
    for x, gt, gf in zip(XS, tpr_at_fpr(st_, XS), fpr_at_tpr(st_, XS)):
        below = [t for f, t in pts if f <= x]
        above = [f for f, t in pts if t >= x]
        assert gt == pytest.approx(max(below), abs=1e-12)
        assert (math.isnan(gf) and not above) or gf == pytest.approx(min(above), abs=1e-12)


def test_tpr_at_fpr_hand_example():
    # Scores high to low: P N P N P; P = 3, N = 2.
    y = np.array([1, 0, 1, 0, 1], bool)
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    st_ = binary_update(y, s)
    assert tpr_at_fpr(st_, [0.0, 0.5, 0.49]).tolist() == [1 / 3, 2 / 3, 1 / 3]
    assert fpr_at_tpr(st_, [0.0, 0.34, 1.0]).tolist() == [0.0, 0.5, 1.0]


def test_working_points_undefined_with_one_class():
    st_ = binary_update(np.array([1, 1], bool), np.array([0.3, 0.6]))
    assert np.isnan(tpr_at_fpr(st_, [0.1])).all() and np.isnan(fpr_at_tpr(st_, [0.1])).all()
    with pytest.raises(EvalmlError):
        tpr_at_fpr(st_, [1.5])


def test_curve_records_turn_nan_into_none():
    recs = roc_curve(binary_update(np.array([0, 1], bool), np.array([0.2, 0.7]))).records()
    assert recs[0] == {"threshold": None, "fpr": 0.0, "tpr": 0.0}
    assert recs[-1] == {"threshold": 0.2, "fpr": 1.0, "tpr": 1.0}
