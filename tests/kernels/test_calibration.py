"""Calibration against a direct loop over the rows (torchmetrics' definition) and scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve as sk_calibration_curve

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels.binary import binary_update
from evalml_cli.kernels.calibration import (
    bin_edges,
    calibration_curve,
    calibration_errors,
    multiclass_calibration_errors,
    parse_bins,
)


def loop_bins(p, y, w, n_bins):
    """Direct loop: bin b = (b/N, (b+1)/N], bin 0 also holds 0. Returns (W_b, mean_b, frac_b) lists."""
    edges = [b / n_bins for b in range(n_bins + 1)]
    out = []
    for b in range(n_bins):
        lo, hi = edges[b], edges[b + 1]
        W = ws = wy = 0.0
        for pi, yi, wi in zip(p, y, w):
            inside = (lo < pi <= hi) or (b == 0 and pi == 0.0)
            if inside:
                W += wi
                ws += wi * pi
                wy += wi * yi
        out.append((W, ws / W if W > 0 else math.nan, wy / W if W > 0 else math.nan))
    return out


def loop_ece_mce(p, y, w, n_bins):
    rows = loop_bins(p, y, w, n_bins)
    total = sum(r[0] for r in rows)
    ece = sum(W / total * abs(f - m) for W, m, f in rows if W > 0)
    mce = max(abs(f - m) for W, m, f in rows if W > 0)
    return ece, mce


@st.composite
def probs(draw, max_size=30):
    n = draw(st.integers(1, max_size))
    y = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    # Include values exactly on bin edges (0, 0.2, 0.5, 1) to pin the right-closed convention.
    grid = st.sampled_from([0.0, 0.2, 0.25, 0.5, 0.6, 0.75, 1.0])
    vals = draw(st.lists(st.one_of(grid, st.floats(0.0, 1.0)), min_size=n, max_size=n))
    p = np.array(vals, dtype=np.float64)
    w = np.array(draw(st.lists(st.floats(0.1, 5.0), min_size=n, max_size=n))) if draw(st.booleans()) else None
    return y, p, w


@settings(max_examples=150, deadline=None)
@given(probs(), st.sampled_from([1, 2, 4, 5, 10, 15]))
def test_ece_mce_match_direct_loop(d, n_bins):
    y, p, w = d
    ms = calibration_errors(binary_update(y, p, w), bins=n_bins).values
    ece, mce = loop_ece_mce(p, y.astype(float), np.ones(len(p)) if w is None else w, n_bins)
    assert ms["ece"] == pytest.approx(ece, rel=1e-9, abs=1e-12)
    assert ms["mce"] == pytest.approx(mce, rel=1e-9, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(probs(), st.sampled_from([1, 3, 5, 10]))
def test_calibration_curve_matches_direct_loop(d, n_bins):
    y, p, w = d
    c = calibration_curve(binary_update(y, p, w), bins=n_bins).columns
    rows = loop_bins(p, y.astype(float), np.ones(len(p)) if w is None else w, n_bins)
    np.testing.assert_allclose(c["count"], [r[0] for r in rows], rtol=1e-12)
    np.testing.assert_allclose(c["mean_score"], [r[1] for r in rows], rtol=1e-9)
    np.testing.assert_allclose(c["fraction_positive"], [r[2] for r in rows], rtol=1e-9)
    np.testing.assert_allclose(c["bin_low"], np.arange(n_bins) / n_bins)
    np.testing.assert_allclose(c["bin_high"], np.arange(1, n_bins + 1) / n_bins)


@settings(max_examples=100, deadline=None)
@given(probs(), st.sampled_from(["uniform", "quantile"]), st.sampled_from([1, 2, 5, 10]))
def test_calibration_curve_matches_sklearn_on_nonempty_bins(d, strategy, n_bins):
    y, p, _ = d
    assume(y.any())  # scikit-learn needs a positive label
    spec = n_bins if strategy == "uniform" else f"quantile:{n_bins}"
    c = calibration_curve(binary_update(y, p), bins=spec).columns
    prob_true, prob_pred = sk_calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    full = c["count"] > 0
    np.testing.assert_allclose(c["fraction_positive"][full], prob_true, rtol=1e-9)
    np.testing.assert_allclose(c["mean_score"][full], prob_pred, rtol=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40), st.integers(1, 12))
def test_quantile_edges_equal_sklearn_percentile_edges(vals, n_bins):
    p = np.round(np.array(vals), 2)  # rounding makes ties
    edges = bin_edges(binary_update(np.zeros(p.shape, bool), p), f"quantile:{n_bins}")
    # scikit-learn's call: np.percentile(y_prob, np.linspace(0, 1, n_bins + 1) * 100)
    np.testing.assert_array_equal(edges, np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100))


def test_weighted_quantile_bins_hold_equal_weight():
    rng = np.random.default_rng(1)
    p = rng.random(4000)
    w = rng.uniform(0.5, 1.5, 4000)
    c = calibration_curve(binary_update(rng.random(4000) < p, p, w), "quantile:4").columns
    np.testing.assert_allclose(c["count"] / w.sum(), 0.25, atol=0.01)


def test_torchmetrics_docstring_examples():
    st_ = binary_update(np.array([0, 0, 1, 1, 1], bool), np.array([0.25, 0.25, 0.55, 0.75, 0.75]))
    ms = calibration_errors(st_, bins=2).values
    assert ms["ece"] == pytest.approx(0.29) and ms["mce"] == pytest.approx(0.31666666, rel=1e-6)
    s = np.array([[0.25, 0.20, 0.55], [0.55, 0.05, 0.40], [0.10, 0.30, 0.60], [0.90, 0.05, 0.05]])
    mc = multiclass_calibration_errors(np.array([0, 1, 2, 0]), s, bins=3).values
    assert mc["ece"] == pytest.approx(0.2) and mc["mce"] == pytest.approx(0.23333333, rel=1e-6)


def test_multiclass_ece_is_top_label_loop():
    rng = np.random.default_rng(2)
    n, k = 60, 4
    s = rng.dirichlet(np.ones(k), n)
    y = rng.integers(0, k, n)
    w = rng.uniform(0.5, 2, n)
    conf = s.max(axis=1)
    correct = (s.argmax(axis=1) == y).astype(float)
    ece, mce = loop_ece_mce(conf, correct, w, 15)
    ms = multiclass_calibration_errors(y, s, w).values
    assert ms["ece"] == pytest.approx(ece, rel=1e-9) and ms["mce"] == pytest.approx(mce, rel=1e-9)


def test_right_edge_is_closed():
    # 0.5 sits on the edge of 2 bins: it belongs to the lower bin (0, 0.5].
    c = calibration_curve(binary_update(np.array([1, 0], bool), np.array([0.5, 1.0])), 2).columns
    assert c["count"].tolist() == [1.0, 1.0]
    assert c["mean_score"].tolist() == [0.5, 1.0]


def test_not_probabilities_gives_undefined_with_reason():
    ms = calibration_errors(binary_update(np.array([1, 0], bool), np.array([-1.0, 2.0])))
    assert math.isnan(ms.values["ece"]) and "not probabilities" in ms.reasons["ece"]
    mc = multiclass_calibration_errors(np.array([0, 1]), np.array([[2.0, -1.0], [0.0, 1.0]]))
    assert math.isnan(mc.values["mce"]) and "not probabilities" in mc.reasons["mce"]


def test_empty_bins_are_nan_and_reported():
    c = calibration_curve(binary_update(np.array([1], bool), np.array([0.95])), 4).columns
    assert c["count"].tolist() == [0.0, 0.0, 0.0, 1.0]
    assert np.isnan(c["mean_score"][:3]).all()


@pytest.mark.parametrize("spec", ["0", "-3", "abc", "quantile:", "quantile:x", "1.5"])
def test_parse_bins_rejects_bad_specs(spec):
    with pytest.raises(EvalmlError):
        parse_bins(spec)


def test_parse_bins_default_forms():
    assert parse_bins(15) == ("uniform", 15)
    assert parse_bins("Quantile:7") == ("quantile", 7)
