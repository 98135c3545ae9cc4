"""Physics working-point metrics and the Kolmogorov–Smirnov overtraining test.

Signal is the positive class, background the negative one. At a threshold t (a row is
selected when score ≥ t), with L the luminosity scale (``--lumi-scale``, default 1):

    s = L · Σ_{signal, score ≥ t} w        b = L · Σ_{background, score ≥ t} w
    significance        Z₀ = s / √b
    asimov_significance Z_A = √(2((s + b)·ln(1 + s/b) − s))

Z_A is the median discovery significance of a counting experiment with known background
(Cowan, Cranmer, Gross, Vitells, Eur. Phys. J. C 71 (2011) 1554, eq. 97); it tends to s/√b
for s ≪ b. Both are undefined (NaN + reason) when b ≤ 0, and Z_A also when s < 0 (only
negative weights give that). Their maxima over all thresholds come from the cumulative
counts in one vectorized pass; ties go to the largest threshold.

Example: s = 10, b = 100 gives Z₀ = 1 and Z_A = √(2(110·ln 1.1 − 10)) = 0.9840.

>>> round(float(asimov(10.0, 100.0)), 4)
0.984
"""

from __future__ import annotations

import warnings

import numpy as np

from evalml_cli.kernels._result import MetricSet
from evalml_cli.kernels.binary import BinaryState, confusion_at
from evalml_cli.kernels.curves import _counts

__all__ = ["asimov", "hep_at", "hep_max", "ks_2samp", "overtraining", "significance"]

# f(x) = (1 + x)·ln(1 + x) − x = Σ_{k≥2} (−1)^k x^k / (k(k − 1)): coefficients for k = 2..17.
# Below |x| = 0.1 the direct form loses ~2ε/x of relative precision to cancellation; the
# truncated series is exact to ~1e-16 there.
#: Thresholds per block in :func:`hep_max`.
_BLOCK = 1 << 16
_SERIES = np.array([(-1.0) ** k / (k * (k - 1)) for k in range(2, 18)])


def _f(x: np.ndarray) -> np.ndarray:
    """(1 + x)·ln(1 + x) − x, stable for small |x|."""
    direct = (1.0 + x) * np.log1p(x) - x
    small = np.abs(x) < 0.1
    if np.any(small):
        xs = x[small]
        acc = np.zeros_like(xs)
        for c in _SERIES[::-1]:  # Horner over 16 coefficients, not over rows
            acc = acc * xs + c
        direct[small] = acc * xs * xs
    return direct


def asimov(s, b) -> np.ndarray:
    """Asimov significance √(2((s + b)·ln(1 + s/b) − s)), NaN where b ≤ 0 or s < 0.

    Written as √(2 b f(s/b)) with f(x) = (1 + x)ln(1 + x) − x, evaluated by its series for
    s/b < 0.1, so s ≪ b gives s/√b to full precision instead of cancelling to 0.

    >>> round(float(asimov(1e-3, 1e6) / (1e-3 / np.sqrt(1e6))), 9)  # s/√b = 1e-6
    1.0
    >>> np.isnan(asimov(1.0, 0.0))
    np.True_
    """
    s, b = np.broadcast_arrays(np.asarray(s, dtype=np.float64), np.asarray(b, dtype=np.float64))
    shape = s.shape
    s, b = s.ravel(), b.ravel()
    ok = (b > 0) & (s >= 0)
    x = np.divide(s, b, out=np.zeros(s.shape), where=ok)
    z = np.sqrt(np.maximum(2.0 * np.where(ok, b, 0.0) * _f(x), 0.0))
    return np.where(ok, z, np.nan).reshape(shape)


def significance(s, b) -> np.ndarray:
    """s/√b, NaN where b ≤ 0.

    >>> float(significance(10.0, 100.0))
    1.0
    """
    s = np.asarray(s, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.divide(s, np.sqrt(np.maximum(b, 0.0)), out=np.full(np.broadcast(s, b).shape, np.nan), where=b > 0)


def hep_at(state: BinaryState, threshold: float, lumi_scale: float = 1.0) -> MetricSet:
    """Physics metrics at ``score ≥ threshold``.

    signal_efficiency = TP/P (recall), background_efficiency = FP/N (FPR),
    background_rejection = 1/background_efficiency (NaN when it is 0), s = L·TP, b = L·FP,
    significance, asimov_significance (module docstring).

    >>> from evalml_cli.kernels.binary import binary_update
    >>> st = binary_update(np.array([1, 1, 0, 0, 0], bool), np.array([.9, .8, .7, .2, .1]))
    >>> v = hep_at(st, 0.5, lumi_scale=4.0).values
    >>> v["s"], v["b"], v["significance"], v["background_rejection"]
    (8.0, 4.0, 4.0, 3.0)
    """
    ms = MetricSet()
    tp, fp, tn, fn = confusion_at(state, threshold)
    p, n = tp + fn, fp + tn
    ms.set("signal_efficiency", tp / p if p > 0 else np.nan, "no signal rows")
    ms.set("background_efficiency", fp / n if n > 0 else np.nan, "no background rows")
    eff_b = ms.values["background_efficiency"]
    ms.set(
        "background_rejection",
        1.0 / eff_b if eff_b > 0 else np.nan,
        "no background rows" if not n > 0 else f"no background selected at threshold {threshold:g}",
    )
    s, b = lumi_scale * tp, lumi_scale * fp
    ms.set("s", s)
    ms.set("b", b)
    why = f"b = {b:g} ≤ 0 at threshold {threshold:g}"
    ms.set("significance", float(significance(s, b)), why)
    ms.set("asimov_significance", float(asimov(s, b)), why if b <= 0 else "s < 0 (negative weights)")
    return ms


def hep_max(state: BinaryState, lumi_scale: float = 1.0) -> MetricSet:
    """The largest significance and Asimov significance over all thresholds, and where.

    Keys: ``max_significance``, ``max_significance_threshold``, ``max_asimov_significance``,
    ``max_asimov_threshold``. Thresholds range over the distinct scores; those with b ≤ 0 are
    skipped; ties → the largest threshold. All NaN + reason when no threshold has b > 0.

    >>> from evalml_cli.kernels.binary import binary_update
    >>> st = binary_update(np.array([1, 1, 0, 1, 0], bool), np.array([.9, .8, .7, .6, .1]))
    >>> v = hep_max(st).values
    >>> v["max_significance"], v["max_significance_threshold"]
    (3.0, 0.6)
    """
    ms = MetricSet()
    thr, tps, fps = _counts(state)
    best = {"significance": (-np.inf, np.nan), "asimov": (-np.inf, np.nan)}
    # In blocks of thresholds (the formulas' temporaries stay small); thresholds descend, and
    # only a strictly larger value replaces the best, so ties keep the largest threshold.
    for i in range(0, thr.shape[0], _BLOCK):
        s, b = lumi_scale * tps[i : i + _BLOCK], lumi_scale * fps[i : i + _BLOCK]
        for kind, z in (("significance", significance(s, b)), ("asimov", asimov(s, b))):
            if not np.all(np.isnan(z)):
                k = int(np.nanargmax(z))
                if z[k] > best[kind][0]:
                    best[kind] = (float(z[k]), float(thr[i + k]))
    for name, key, kind in (("max_significance", "max_significance_threshold", "significance"),
                            ("max_asimov_significance", "max_asimov_threshold", "asimov")):
        if best[kind][0] > -np.inf:  # some threshold has b > 0
            ms.set(name, best[kind][0])
            ms.set(key, best[kind][1])
        else:
            why = "b ≤ 0 at every threshold (no background weight selected)"
            ms.set(name, np.nan, why)
            ms.set(key, np.nan, why)
    return ms


def _weighted_ks(a: np.ndarray, b: np.ndarray, wa: np.ndarray, wb: np.ndarray) -> tuple[float, float]:
    """Weighted two-sample KS: D = sup |F_a − F_b| of the weighted ECDFs; p from effective sizes."""
    from scipy import stats

    oa, ob = np.argsort(a), np.argsort(b)
    a, wa, b, wb = a[oa], wa[oa], b[ob], wb[ob]
    ca = np.r_[0.0, np.cumsum(wa)]
    cb = np.r_[0.0, np.cumsum(wb)]
    both = np.concatenate([a, b])
    fa = ca[np.searchsorted(a, both, side="right")] / ca[-1]
    fb = cb[np.searchsorted(b, both, side="right")] / cb[-1]
    d = float(np.max(np.abs(fa - fb)))
    # Kish effective sizes n_eff = (Σw)²/Σw², then scipy's asymptotic two-sided formula.
    na = ca[-1] ** 2 / float(wa @ wa)
    nb = cb[-1] ** 2 / float(wb @ wb)
    m, n = sorted([na, nb], reverse=True)
    en = m * n / (m + n)
    if np.round(en) < 1:
        return d, float("nan")
    return d, float(np.clip(stats.kstwo.sf(d, np.round(en)), 0.0, 1.0))


def ks_2samp(
    a: np.ndarray, b: np.ndarray, wa: np.ndarray | None = None, wb: np.ndarray | None = None
) -> tuple[float, float, str | None]:
    """Two-sample Kolmogorov–Smirnov test: (statistic, two-sided p-value, reason if undefined).

    Unweighted: ``scipy.stats.ks_2samp`` (exact p-value for small samples, asymptotic
    otherwise). Weighted: D = sup_x |F_a(x) − F_b(x)| with the weighted ECDFs
    F(x) = Σ_{x_i ≤ x} w_i / Σ w_i, and the p-value of scipy's asymptotic formula
    (``kstwo.sf(D, round(n_a n_b/(n_a + n_b)))``) with the Kish effective sizes
    n = (Σw)²/Σw² in place of the counts, as ROOT's weighted ``KolmogorovTest`` does; with
    equal weights this is scipy's ``method="asymp"``. Undefined for an empty sample,
    negative weights or a non-positive weight total.

    >>> d, p, _ = ks_2samp(np.array([0.1, 0.2, 0.3]), np.array([0.4, 0.5, 0.6]))
    >>> d, round(p, 3)
    (1.0, 0.1)
    """
    from scipy import stats

    if a.size == 0 or b.size == 0:
        return float("nan"), float("nan"), "a sample is empty"
    if wa is None and wb is None:
        with warnings.catch_warnings():  # "exact calculation unsuccessful, switching to asymp"
            warnings.simplefilter("ignore", RuntimeWarning)
            res = stats.ks_2samp(a, b)
        return float(res.statistic), float(res.pvalue), None
    wa = np.ones(a.shape) if wa is None else np.asarray(wa, dtype=np.float64)
    wb = np.ones(b.shape) if wb is None else np.asarray(wb, dtype=np.float64)
    if (wa < 0).any() or (wb < 0).any():
        return float("nan"), float("nan"), "negative weights: the weighted KS test needs weights ≥ 0"
    if not (wa.sum() > 0 and wb.sum() > 0):
        return float("nan"), float("nan"), "a sample has no positive total weight"
    d, p = _weighted_ks(a, b, wa, wb)
    return d, p, (None if np.isfinite(p) else "effective sample size below 1")


def overtraining(
    train_y: np.ndarray,
    train_score: np.ndarray,
    test_y: np.ndarray,
    test_score: np.ndarray,
    *, train_weight: np.ndarray | None = None,
    test_weight: np.ndarray | None = None,
) -> MetricSet:
    """KS overtraining check: signal-train vs signal-test and background-train vs background-test.

    Keys ``ks_signal_statistic``, ``ks_signal_pvalue``, ``ks_background_statistic``,
    ``ks_background_pvalue`` (:func:`ks_2samp`; weighted when either file has weights). A
    small p-value says the score distributions of training and test differ: overtraining.
    """
    ms = MetricSet()
    weighted = train_weight is not None or test_weight is not None
    if weighted:
        train_weight = np.ones(train_y.shape) if train_weight is None else train_weight
        test_weight = np.ones(test_y.shape) if test_weight is None else test_weight
    for name, cls in (("signal", True), ("background", False)):
        tr = train_y == cls
        te = test_y == cls
        d, p, why = ks_2samp(
            train_score[tr],
            test_score[te],
            train_weight[tr] if weighted else None,
            test_weight[te] if weighted else None,
        )
        ms.set(f"ks_{name}_statistic", d, why)
        ms.set(f"ks_{name}_pvalue", p, why)
    return ms
