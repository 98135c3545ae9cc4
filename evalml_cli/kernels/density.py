"""Density kernels: negative log-likelihood of evaluated densities, KL and JS divergences.

All logarithms are natural (nats) unless a name says bits.
"""

from __future__ import annotations

import math

import numpy as np

from evalml_cli.kernels._result import MetricSet, pow2_scale

_LN2 = math.log(2.0)
#: Sums farther than this from 1 mean the inputs were counts or unnormalized: add a note.
_NORM_TOL = 1e-9


def nll(likelihood: np.ndarray, w: np.ndarray | None = None) -> MetricSet:
    """Negative log-likelihood of per-row likelihoods (density values at the observed points).

    With weights w (1 when absent) and W = Σ w:

    * ``nll`` = Σ −w log L   (total, nats)
    * ``mean_nll`` = nll / W
    * ``bits_per_sample`` = mean_nll / ln 2

    The caller (evalml_cli.io) rejects L <= 0; if one gets through anyway the result is +inf (or NaN)
    with a reason, never a warning. ``mean_nll`` and ``bits_per_sample`` are undefined (NaN +
    reason) when W <= 0.

    Parameters
    ----------
    likelihood : (n,) float64 > 0.
    w : (n,) float64 weights or None.

    Examples
    --------
    L = [0.5, 0.25]: nll = ln 2 + ln 4 = 2.0794, mean_nll = 1.0397, bits_per_sample = 1.5.

    >>> ms = nll(np.array([0.5, 0.25]))
    >>> round(ms.values["nll"], 4), round(ms.values["mean_nll"], 4), ms.values["bits_per_sample"]
    (2.0794, 1.0397, 1.5)
    """
    L = np.asarray(likelihood, dtype=np.float64).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        neg_log = -np.log(L)
    c = 1.0
    if w is None:
        total = float(neg_log.sum())
        W = float(L.shape[0])
    else:
        # Divide the weights by a power of two near the largest first (exact): Σ w and
        # Σ w·(−ln L) then cannot overflow for weights near 1e308; the scale is put back on
        # the total only.
        w = np.asarray(w, dtype=np.float64).ravel()
        c = pow2_scale(w)
        w = w / c
        with np.errstate(invalid="ignore", over="ignore"):
            total = float(w @ neg_log)
        W = float(w.sum())
    n_bad = int(np.count_nonzero(~(L > 0)))
    why = f"likelihood is zero or negative in {n_bad} row(s)" if n_bad else "the log-likelihood is not finite"
    ms = MetricSet()
    with np.errstate(over="ignore"):
        ms.set("nll", float(np.float64(total) * c), why)
    if W > 0:
        ms.set("mean_nll", total / W, why)
        ms.set("bits_per_sample", total / W / _LN2, why)
    else:
        why_w = "no rows" if L.shape[0] == 0 else f"the sum of weights is {W * c:g}, not positive"
        ms.set("mean_nll", math.nan, why_w)
        ms.set("bits_per_sample", math.nan, why_w)
    return ms


def _kl_terms(p: np.ndarray, q: np.ndarray) -> tuple[float, int]:
    """(Σ_{p>0} p log(p/q), number of bins with p > 0 and q = 0); 0·log 0 = 0.

    The sum is +inf when that count is positive. Rounding can make a sum of terms for p ≈ q
    slightly negative; KL >= 0, so it is clipped at 0.
    """
    support = p > 0
    n_inf = int(np.count_nonzero(support & (q <= 0)))
    if n_inf:
        return math.inf, n_inf
    ps = p[support]
    qs = q[support]
    with np.errstate(over="ignore", divide="ignore"):
        terms = np.log(ps / qs)
    bad = ~np.isfinite(terms)
    if bad.any():  # p/q overflows for q ≈ 1e-320; log p − log q is still finite
        terms[bad] = np.log(ps[bad]) - np.log(qs[bad])
    return max(0.0, float(ps @ terms)), 0


def kl(p: np.ndarray, q: np.ndarray) -> MetricSet:
    """Kullback–Leibler and Jensen–Shannon divergences between two histograms.

    p and q (same shape, nonnegative: counts or probabilities) are each normalized to sum 1,
    dividing by the largest count first so that counts near 1e308 do not overflow the sum;
    a note says so when either sum differed from 1 by more than 1e-9. Then, in nats:

    * ``kl_divergence`` = KL(p‖q) = Σ p log(p/q), with 0·log(0/q) = 0
      (``scipy.stats.entropy(p, q)``)
    * ``kl_divergence_reverse`` = KL(q‖p)
    * ``js_divergence`` = ½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2; always finite, <= ln 2
      (``scipy.spatial.distance.jensenshannon(p, q) ** 2``)

    KL(p‖q) is +inf when q = 0 in a bin where p > 0: the value is inf and the reason says in
    how many bins (the report shows null plus that warning); likewise for the reverse.
    Everything is NaN + reason when p or q sums to 0 or they are empty.

    Examples
    --------
    p = [0.5, 0.5], q = [0.25, 0.75]: KL(p‖q) = ½ ln 2 + ½ ln(2/3) = 0.1438,
    KL(q‖p) = ¼ ln ½ + ¾ ln 1.5 = 0.1308.

    >>> ms = kl(np.array([0.5, 0.5]), np.array([0.25, 0.75]))
    >>> round(ms.values["kl_divergence"], 4), round(ms.values["kl_divergence_reverse"], 4)
    (0.1438, 0.1308)
    """
    p = np.asarray(p, dtype=np.float64).ravel()
    q = np.asarray(q, dtype=np.float64).ravel()
    ms = MetricSet()
    names = ("kl_divergence", "kl_divergence_reverse", "js_divergence")
    # Divide by the largest count first: counts near 1e308 would overflow the plain sum (inf),
    # and p / inf = 0 would make KL = JS = 0.
    mp = float(p.max()) if p.size else 0.0
    mq = float(q.max()) if q.size else 0.0
    sp = float((p / mp).sum()) * mp if mp > 0 else 0.0  # the original sum (may be inf: only for the note)
    sq = float((q / mq).sum()) * mq if mq > 0 else 0.0
    if not (mp > 0 and mq > 0):
        why = "no bins" if p.size == 0 else f"p sums to {sp:g} and q to {sq:g}; both must be positive"
        for name in names:
            ms.set(name, math.nan, why)
        return ms
    if abs(sp - 1.0) > _NORM_TOL or abs(sq - 1.0) > _NORM_TOL:
        ms.notes.append("p and q were normalized to sum to 1")
    p = p / mp
    p /= p.sum()
    q = q / mq
    q /= q.sum()
    forward, n_fwd = _kl_terms(p, q)
    ms.set("kl_divergence", forward, _infinite_reason("q", "p", n_fwd, "KL"))
    reverse, n_rev = _kl_terms(q, p)
    ms.set("kl_divergence_reverse", reverse, _infinite_reason("p", "q", n_rev, "reverse KL"))
    m = 0.5 * (p + q)
    ms.set("js_divergence", 0.5 * _kl_terms(p, m)[0] + 0.5 * _kl_terms(q, m)[0])
    return ms


def _infinite_reason(zero: str, positive: str, bins: int, name: str) -> str:
    """Why a KL is undefined: the bins where it is infinite, or (none such) a numeric overflow."""
    if bins > 0:
        return f"{zero} = 0 in {bins} {'bin' if bins == 1 else 'bins'} where {positive} > 0 ({name} is infinite)"
    return f"{name} is not finite (the ratio {positive}/{zero} overflows float64)"
