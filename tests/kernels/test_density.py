"""Density kernels against scipy and hand-worked values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy

from evalml_cli.kernels.density import kl, nll

REL = 1e-9


def close(a: float, b: float, rel: float = REL, abs_: float = 0.0) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


# ------------------------------------------------------------------ nll


def test_nll_by_hand():
    ms = nll(np.array([0.5, 0.25]))
    assert close(ms.values["nll"], math.log(8))
    assert close(ms.values["mean_nll"], math.log(8) / 2)
    assert close(ms.values["bits_per_sample"], 1.5)
    assert ms.reasons == {}


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(1e-300, 1e300, allow_subnormal=False), min_size=1, max_size=50),
    st.booleans(),
    st.data(),
)
def test_nll_matches_direct_sum(lik, weighted, data):
    L = np.array(lik)
    w = None
    if weighted:
        w = np.array(data.draw(st.lists(st.floats(1e-3, 1e3), min_size=L.size, max_size=L.size)))
    ms = nll(L, w)
    ww = np.ones_like(L) if w is None else w
    total = -np.sum(ww * np.log(L))
    scale = float(np.sum(np.abs(ww * np.log(L))))
    assert close(ms.values["nll"], total, abs_=1e-12 * scale)
    assert close(ms.values["mean_nll"], total / ww.sum(), abs_=1e-12 * scale / ww.sum())
    assert close(ms.values["bits_per_sample"], total / ww.sum() / math.log(2), abs_=1e-12 * scale / ww.sum())


def test_nll_zero_likelihood_is_infinite_with_reason_and_no_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ms = nll(np.array([0.5, 0.0, 0.0]))
    assert ms.values["nll"] == math.inf
    assert ms.reasons["nll"] == "likelihood is zero or negative in 2 row(s)"


def test_nll_nonpositive_weight_sum_leaves_total_defined():
    ms = nll(np.array([0.5, 0.5]), np.array([1.0, -1.0]))
    assert ms.values["nll"] == 0.0
    assert math.isnan(ms.values["mean_nll"]) and "not positive" in ms.reasons["mean_nll"]
    assert math.isnan(ms.values["bits_per_sample"])


# ------------------------------------------------------------------ KL / JS

bins = st.integers(1, 30)


@st.composite
def histogram_pair(draw, zeros=True):
    k = draw(bins)
    value = st.one_of(st.just(0.0), st.floats(1e-6, 1e6)) if zeros else st.floats(1e-6, 1e6)
    p = np.array(draw(st.lists(value, min_size=k, max_size=k)))
    q = np.array(draw(st.lists(value, min_size=k, max_size=k)))
    if p.sum() == 0:
        p[0] = 1.0
    if q.sum() == 0:
        q[-1] = 1.0
    return p, q


@settings(max_examples=100, deadline=None)
@given(histogram_pair())
def test_kl_and_js_match_scipy(pq):
    p, q = pq
    ms = kl(p, q)
    ref = entropy(p, q)
    ref_rev = entropy(q, p)
    if math.isinf(ref):
        assert ms.values["kl_divergence"] == math.inf
        n = int(np.sum((p > 0) & (q == 0)))
        assert ms.reasons["kl_divergence"] == f"q = 0 in {n} {'bin' if n == 1 else 'bins'} where p > 0 (KL is infinite)"
    else:
        assert close(ms.values["kl_divergence"], ref, abs_=1e-12)
    if math.isinf(ref_rev):
        assert ms.values["kl_divergence_reverse"] == math.inf
        assert "reverse KL is infinite" in ms.reasons["kl_divergence_reverse"]
    else:
        assert close(ms.values["kl_divergence_reverse"], ref_rev, abs_=1e-12)
    assert close(ms.values["js_divergence"], jensenshannon(p, q) ** 2, abs_=1e-12)
    assert 0.0 <= ms.values["js_divergence"] <= math.log(2) + 1e-12
    assert ms.values["kl_divergence"] >= 0.0 and ms.values["kl_divergence_reverse"] >= 0.0


def test_kl_by_hand():
    ms = kl(np.array([0.5, 0.5]), np.array([0.25, 0.75]))
    assert close(ms.values["kl_divergence"], 0.5 * math.log(2) + 0.5 * math.log(2 / 3))
    assert close(ms.values["kl_divergence_reverse"], 0.25 * math.log(0.5) + 0.75 * math.log(1.5))
    assert ms.notes == []


def test_identical_histograms_have_zero_divergence():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    ms = kl(p, p.copy())
    assert ms.values == {"kl_divergence": 0.0, "kl_divergence_reverse": 0.0, "js_divergence": 0.0}


def test_disjoint_supports_give_infinite_kl_and_js_ln2():
    ms = kl(np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.5, 0.5]))
    assert ms.values["kl_divergence"] == math.inf
    assert ms.reasons["kl_divergence"] == "q = 0 in 1 bin where p > 0 (KL is infinite)"
    assert ms.values["kl_divergence_reverse"] == math.inf
    assert ms.reasons["kl_divergence_reverse"] == "p = 0 in 2 bins where q > 0 (reverse KL is infinite)"
    assert close(ms.values["js_divergence"], math.log(2))
    assert "js_divergence" not in ms.reasons


def test_counts_are_normalized_with_a_note():
    counts_p, counts_q = np.array([10.0, 30.0]), np.array([25.0, 25.0])
    ms = kl(counts_p, counts_q)
    assert ms.notes == ["p and q were normalized to sum to 1"]
    assert close(ms.values["kl_divergence"], entropy(counts_p, counts_q))
    ms = kl(np.array([0.25, 0.75]), np.array([0.5, 0.5 + 1e-12]))
    assert ms.notes == []


@pytest.mark.parametrize("p, q", [([0.0, 0.0], [0.5, 0.5]), ([0.5, 0.5], [0.0, 0.0]), ([], [])])
def test_empty_or_zero_histograms_are_undefined(p, q):
    ms = kl(np.array(p), np.array(q))
    for name in ("kl_divergence", "kl_divergence_reverse", "js_divergence"):
        assert math.isnan(ms.values[name]) and ms.reasons[name]


def test_kl_reason_never_says_zero_bins():
    # Overflowing ratio p/q (q tiny but positive): infinite without a zero bin.
    ms = kl(np.array([1.0, 1.0]), np.array([1.0, 1e-320]))
    for name in ("kl_divergence", "kl_divergence_reverse"):
        assert "0 bin" not in ms.reasons.get(name, "")
