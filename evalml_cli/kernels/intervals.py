"""Closed-form confidence intervals and paired tests: DeLong, Wilson, McNemar.

Everything here is pure NumPy on validated arrays (scipy only for the normal and binomial
tails, imported inside the function that needs it). The bootstrap, which every other metric's
interval uses, lives in :mod:`evalml_cli.kernels.bootstrap`.

An interval is an :class:`Interval`: a ``(low, high)`` tuple that also carries the method and,
when it cannot be computed, ``(nan, nan)`` plus a ``reason`` string for the report's warnings.

Weighted data: DeLong's variance and McNemar's test are defined for counts of rows, not for
sample weights, and the Wilson interval needs a number of trials; with weights the caller uses
the bootstrap (``bootstrap.binary_replicates(..., weight=w)``) instead. The functions here take
no weights on purpose.

References
----------
DeLong E.R., DeLong D.M., Clarke-Pearson D.L. (1988). Comparing the areas under two or more
correlated receiver operating characteristic curves: a nonparametric approach. Biometrics 44,
837-845.
Sun X., Xu W. (2014). Fast implementation of DeLong's algorithm for comparing the areas under
correlated receiver operating characteristic curves. IEEE Signal Processing Letters 21(11),
1389-1393.
Wilson E.B. (1927). Probable inference, the law of succession, and statistical inference.
JASA 22, 209-212.
McNemar Q. (1947). Note on the sampling error of the difference between correlated
proportions or percentages. Psychometrika 12, 153-157.
Robin X. et al. (2011). pROC: an open-source package for R and S+ to analyze and compare ROC
curves. BMC Bioinformatics 12, 77.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from evalml_cli.kernels.binary import BinaryState, binary_update


class Interval(tuple):
    """A ``(low, high)`` pair with ``.method`` and ``.reason`` (None when defined).

    Unpacks like a plain tuple; an interval that cannot be computed is ``(nan, nan)`` and
    ``reason`` says why.

    Examples
    --------
    >>> iv = Interval(0.2, 0.4, method="wilson")
    >>> low, high = iv
    >>> (low, high, iv.method, iv.reason)
    (0.2, 0.4, 'wilson', None)
    >>> Interval.undefined("no rows").reason
    'no rows'
    """

    def __new__(cls, low: float, high: float, method: str = "", reason: str | None = None) -> "Interval":
        self = super().__new__(cls, (float(low), float(high)))
        self.method = method
        self.reason = reason
        return self

    @classmethod
    def undefined(cls, reason: str, method: str = "") -> "Interval":
        return cls(math.nan, math.nan, method, reason)

    @property
    def low(self) -> float:
        return self[0]

    @property
    def high(self) -> float:
        return self[1]

    @property
    def defined(self) -> bool:
        return self.reason is None

    def __repr__(self) -> str:
        why = f", reason={self.reason!r}" if self.reason else ""
        return f"Interval({self[0]!r}, {self[1]!r}, method={self.method!r}{why})"


def _z(level: float) -> float:
    """Two-sided normal quantile Φ⁻¹(1 − (1 − level)/2); 1.959964 for level 0.95."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    from scipy.special import ndtri

    return float(ndtri(0.5 + level / 2.0))


# --------------------------------------------------------------------------------------- DeLong


class DeLongGroups(NamedTuple):
    """Placement values per distinct score (Sun & Xu's midrank differences, grouped).

    ``v10[g]`` is the placement of a positive with score ``scores[g]`` and ``v01[g]`` the
    placement of a negative there; ``pos[g]``/``neg[g]`` count the rows of each class.
    """

    scores: np.ndarray
    pos: np.ndarray
    neg: np.ndarray
    v10: np.ndarray
    v01: np.ndarray
    auc: float


def _delong_groups(state: BinaryState) -> DeLongGroups:
    """Placement values from a :class:`BinaryState` (distinct scores ascending, class counts).

    Sun & Xu compute, for m positives X and n negatives Y, the midranks T_Z of every row in the
    pooled sample, T_X of a positive among positives and T_Y of a negative among negatives;
    then V10_i = (T_Z(X_i) − T_X(X_i))/n and V01_j = 1 − (T_Z(Y_j) − T_Y(Y_j))/m.
    With the rows grouped by distinct score (p_g positives, q_g negatives at score s_g and the
    cumulative counts P_g, Q_g below it), a midrank is "rows below + (rows tied + 1)/2", so the
    differences collapse to counts: T_Z − T_X = Q_{g−1} + q_g/2 for a positive and
    T_Z − T_Y = P_{g−1} + p_g/2 for a negative. The one sort is the one ``binary_update``
    already does; the rest is O(number of distinct scores).
    """
    p, q = state.pos, state.neg
    m, n = float(p.sum()), float(q.sum())
    q_below = np.cumsum(q) - q
    p_below = np.cumsum(p) - p
    with np.errstate(invalid="ignore", divide="ignore"):
        v10 = (q_below + 0.5 * q) / n  # fraction of negatives a positive beats (ties half)
        v01 = 1.0 - (p_below + 0.5 * p) / m  # fraction of positives that beat a negative
        auc = float(p @ v10) / m if m > 0 and n > 0 else math.nan
    return DeLongGroups(state.scores, p, q, v10, v01, auc)


def delong_auc_variance(y: np.ndarray, score: np.ndarray) -> tuple[float, float]:
    """ROC AUC and its DeLong variance in O(n log n) (Sun & Xu 2014).

    AUC = (1/(m·n)) Σ_i Σ_j ψ(X_i, Y_j) with ψ = 1 if X > Y, 1/2 if X = Y, 0 otherwise, over
    the m positive scores X and n negative scores Y. The placement values
    V10_i = (1/n) Σ_j ψ(X_i, Y_j) and V01_j = (1/m) Σ_i ψ(X_i, Y_j) both average to the AUC,
    and DeLong et al. (1988) estimate its variance as

        var = S10/m + S01/n,  S10 = Σ_i (V10_i − AUC)²/(m − 1),  S01 = Σ_j (V01_j − AUC)²/(n − 1).

    The placements come from midranks (see :func:`_delong_groups`): one sort, no pair loop.
    This is pROC's ``var(roc(...), method="delong")``.

    Parameters
    ----------
    y : (n,) bool, True for the positive class.
    score : (n,) float64, higher means more positive.

    Returns
    -------
    (auc, var) : floats. ``var`` is NaN when a class has fewer than 2 rows (S10 or S01 needs
    two); ``auc`` is NaN when a class is absent. Weighted data: not defined (the caller uses
    the bootstrap).

    Examples
    --------
    >>> y = np.array([0, 0, 1, 1], bool)
    >>> auc, var = delong_auc_variance(y, np.array([0.1, 0.4, 0.35, 0.8]))
    >>> auc, var  # S10 = S01 = 0.125 (placements 0.5 and 1), var = 0.125/2 + 0.125/2
    (0.75, 0.125)
    """
    return delong_from_state(binary_update(np.asarray(y, bool), np.asarray(score, np.float64)))


def delong_from_state(state: BinaryState) -> tuple[float, float]:
    """:func:`delong_auc_variance` from an already aggregated, unweighted :class:`BinaryState`."""
    if state.weighted:
        return math.nan, math.nan
    g = _delong_groups(state)
    m, n = float(g.pos.sum()), float(g.neg.sum())
    if not (m >= 2 and n >= 2):
        return g.auc, math.nan
    pos_in = g.pos > 0
    neg_in = g.neg > 0
    s10 = float(g.pos[pos_in] @ np.square(g.v10[pos_in] - g.auc)) / (m - 1)
    s01 = float(g.neg[neg_in] @ np.square(g.v01[neg_in] - g.auc)) / (n - 1)
    return g.auc, s10 / m + s01 / n


def _delong_reason(y: np.ndarray) -> str | None:
    m = int(np.count_nonzero(y))
    n = int(y.shape[0]) - m
    if m == 0 or n == 0:
        return "needs rows of both classes (only one class present)"
    if m < 2 or n < 2:
        return f"DeLong's variance needs at least 2 rows of each class ({m} positive, {n} negative)"
    return None


def delong_interval(y: np.ndarray, score: np.ndarray, level: float = 0.95) -> Interval:
    """DeLong confidence interval for the ROC AUC (pROC's ``ci.auc(method="delong")``).

    low, high = AUC ∓ z·√var with z = Φ⁻¹(1 − (1 − level)/2), clipped to [0, 1]; var from
    :func:`delong_auc_variance`. Undefined (``(nan, nan)`` plus a reason) when a class has
    fewer than 2 rows. With sample weights DeLong is not defined: use the bootstrap.

    Examples
    --------
    >>> iv = delong_interval(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> [round(v, 4) for v in iv], iv.method
    ([0.057, 1.0], 'delong')
    """
    y = np.asarray(y, bool)
    why = _delong_reason(y)
    if why:
        return Interval.undefined(why, "delong")
    auc, var = delong_auc_variance(y, score)
    half = _z(level) * math.sqrt(max(var, 0.0))
    return Interval(max(0.0, auc - half), min(1.0, auc + half), "delong")


class DeLongPaired(NamedTuple):
    """DeLong's test for two correlated ROC curves; ``delta = auc2 − auc1``.

    Unpacks as ``(auc1, auc2, delta, var_delta, z, p_value)``; :meth:`interval` gives the
    normal interval of the delta.
    """

    auc1: float
    auc2: float
    delta: float
    var_delta: float
    z: float
    p_value: float

    def interval(self, level: float = 0.95) -> Interval:
        """Δ ∓ Φ⁻¹(1 − (1 − level)/2)·√var(Δ) (pROC's ``roc.test(...)$conf.int``), not clipped."""
        if not math.isfinite(self.var_delta):
            return Interval.undefined("DeLong's variance needs at least 2 rows of each class", "delong")
        half = _z(level) * math.sqrt(self.var_delta)
        return Interval(self.delta - half, self.delta + half, "delong")


def _row_placements(y: np.ndarray, score: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """AUC, V10 for every positive row and V01 for every negative row (in row order)."""
    g = _delong_groups(binary_update(y, score))
    k = np.searchsorted(g.scores, score)  # each row's distinct-score group
    return g.auc, g.v10[k[y]], g.v01[k[~y]]


def delong_paired(y: np.ndarray, s1: np.ndarray, s2: np.ndarray) -> DeLongPaired:
    """DeLong's test comparing the AUCs of two scores on the same rows (pROC ``roc.test``).

    With placement values of both scores on the same positives (V10⁽¹⁾, V10⁽²⁾) and negatives
    (V01⁽¹⁾, V01⁽²⁾), S10 and S01 are their 2×2 sample covariance matrices and

        var(Δ) = (S10₁₁ + S10₂₂ − 2·S10₁₂)/m + (S01₁₁ + S01₂₂ − 2·S01₁₂)/n,
        Δ = AUC₂ − AUC₁,  z = Δ/√var(Δ),  p = 2·(1 − Φ(|z|)),

    and ``.interval(level)`` is Δ ∓ z_level·√var(Δ). ``delta`` is second minus first (evalml compare's
    convention); pROC's ``roc.test(roc1, roc2)`` reports AUC₁ − AUC₂, so its statistic is
    ``-z`` of ``delong_paired(y, s1=roc1's, s2=roc2's)`` and the p-value is the same.
    Identical scores give z = 0, p = 1 (pROC's convention). Undefined (NaN) when a class has
    fewer than 2 rows. Not defined for weighted data: use the paired bootstrap.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 1, 1, 1], bool)
    >>> r = delong_paired(y, np.array([1., 2, 3, 2, 3, 4]), np.array([1., 2, 3, 4, 5, 6]))
    >>> round(r.auc1, 4), r.auc2, round(r.delta, 4), round(r.p_value, 4)
    (0.7778, 1.0, 0.2222, 0.285)
    >>> auc1, auc2, delta, var_delta, z, p_value = r
    >>> [round(v, 4) for v in r.interval(0.95)]
    [-0.1852, 0.6296]
    """
    y = np.asarray(y, bool)
    s1 = np.asarray(s1, np.float64)
    s2 = np.asarray(s2, np.float64)
    a1, v10a, v01a = _row_placements(y, s1)
    a2, v10b, v01b = _row_placements(y, s2)
    delta = a2 - a1
    if _delong_reason(y):
        return DeLongPaired(a1, a2, delta, math.nan, math.nan, math.nan)
    m, n = v10a.shape[0], v01a.shape[0]
    d10 = v10b - v10a  # var(b − a) = var(a) + var(b) − 2 cov(a, b), computed directly
    d01 = v01b - v01a
    var = float(np.var(d10, ddof=1)) / m + float(np.var(d01, ddof=1)) / n
    if var <= 0.0:
        # Identical rankings: no evidence of a difference (pROC returns Z = 0, p = 1).
        if delta == 0.0:
            return DeLongPaired(a1, a2, delta, 0.0, 0.0, 1.0)
        return DeLongPaired(a1, a2, delta, 0.0, math.copysign(math.inf, delta), 0.0)
    from scipy.special import ndtr

    z = delta / math.sqrt(var)
    return DeLongPaired(a1, a2, delta, var, z, float(2.0 * ndtr(-abs(z))))


# --------------------------------------------------------------------------------------- Wilson


def wilson(successes: float, total: float, level: float = 0.95) -> Interval:
    """Wilson score interval for a proportion p̂ = k/n (Wilson 1927).

        centre = (p̂ + z²/(2n)) / (1 + z²/n),
        half   = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/(4n²)),

    z = Φ⁻¹(1 − (1 − level)/2): the set of p whose score test |p̂ − p|/√(p(1−p)/n) ≤ z
    does not reject. Unlike the Wald interval it stays inside [0, 1] and is not empty at
    k = 0 or k = n. Undefined (reason) when n = 0. For weighted data an "effective count" has
    no clear meaning, so evalml uses the bootstrap there instead.

    Examples
    --------
    >>> [round(v, 4) for v in wilson(8, 10)]
    [0.4902, 0.9433]
    >>> wilson(0, 0).reason
    'no rows (the proportion is undefined)'
    """
    k = float(successes)
    n = float(total)
    if not n > 0:
        return Interval.undefined("no rows (the proportion is undefined)", "wilson")
    z = _z(level)
    p = k / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(max(p * (1.0 - p) / n + z2n / (4.0 * n), 0.0))
    return Interval(max(0.0, centre - half), min(1.0, centre + half), "wilson")


# ------------------------------------------------------------------------------------- McNemar


def mcnemar_exact(b: int, c: int) -> float:
    """Exact two-sided McNemar test on the discordant pairs (b, c).

    Under H0 (both models equally accurate) each of the b + c discordant rows is equally
    likely to favour either model, so b ~ Binomial(b + c, 1/2) and

        p = min(1, 2·F(min(b, c); b + c, 1/2)),

    F the binomial CDF. No discordant pairs gives p = 1. Counts of rows only (with weights
    use the paired bootstrap).

    Examples
    --------
    >>> round(mcnemar_exact(1, 9), 6)  # 2·(1 + 10)/1024
    0.021484
    >>> mcnemar_exact(0, 0)
    1.0
    """
    b, c = int(b), int(c)
    if b < 0 or c < 0:
        raise ValueError("discordant counts must be non-negative")
    if b + c == 0:
        return 1.0
    from scipy.special import bdtr

    return float(min(1.0, 2.0 * bdtr(min(b, c), b + c, 0.5)))


def mcnemar_counts(correct1: np.ndarray, correct2: np.ndarray) -> tuple[int, int]:
    """Discordant counts (b, c): rows only the first / only the second model gets right."""
    c1 = np.asarray(correct1, bool)
    c2 = np.asarray(correct2, bool)
    return int(np.count_nonzero(c1 & ~c2)), int(np.count_nonzero(~c1 & c2))
