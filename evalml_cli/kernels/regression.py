"""Regression kernels: mergeable error statistics, χ² with a covariance, bias–variance.

Three independent pieces:

* :class:`RegressionState` with :func:`regression_update`, :func:`regression_merge` and
  :func:`regression_compute` — the always-on metrics (``mse``, ``rmse``, ``mae``, ``r2``,
  ``max_abs_error``, ``mean_residual``, ``n``) from sufficient statistics that merge exactly,
  so a file can be evaluated in chunks or on a cluster.
* :func:`chi2_cholesky` — χ² = rᵀC⁻¹r, its p-value and the whitened residuals ("pulls") for a
  diagonal, full, or σ + correlation covariance, through a Cholesky factor (never an inverse).
* :func:`bias_variance` — the decomposition of the mean replica MSE for an ensemble of
  predictions.

Residuals are always ``r = target − prediction``.

The example used throughout: ``y = [3, -0.5, 2, 7]``, ``pred = [2.5, 0.0, 2, 8]`` (scikit-learn's
``mean_squared_error`` example) gives ``mse = 0.375``, ``mae = 0.5``, ``r2 = 0.9486…``,
``max_abs_error = 1`` (row 3) and ``mean_residual = -0.25``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels._result import MetricSet, pow2_scale

#: Above this size the condition number is estimated by Lanczos instead of a full eigvalsh
#: (eigvalsh is O(n³) with a large constant: ~0.1 s at n = 1000, ~12 s at n = 5000 on 2 cores).
EXACT_COND_MAX_N = 1000
#: A covariance this ill-conditioned gets a note: χ² then carries few correct digits.
COND_WARN = 1e10


# --------------------------------------------------------------------------------------------
# Mergeable sufficient statistics
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegressionState:
    """Mergeable sufficient statistics of (target, prediction[, weight]) rows.

    Attributes
    ----------
    n : number of rows aggregated.
    sum_w : Σ w (``n`` when unweighted). Weights may be negative (event weights).
    mean_r : weighted mean of the residual r = y − pred, Σ w r / Σ w.
    mean_y : weighted mean of the target, Σ w y / Σ w.
    m2_y : Σ w (y − mean_y)², merged with Chan et al.'s parallel update (numerically stable,
        unlike Σ w y² − (Σ w y)² / Σ w).
    sum_w_r2 : Σ w r².
    sum_w_abs_r : Σ w |r|.
    max_abs_error : max |r| over all rows, ignoring weights (as scikit-learn's ``max_error``);
        NaN for an empty state.
    max_abs_row : 0-based row index of ``max_abs_error`` (first one on ties); -1 when empty.
    y_min, y_max : smallest and largest target, so that an exactly constant target is told apart
        from rounding noise in ``m2_y``.
    m2_r : Σ w (r − mean_r)² (Chan merge), for ``explained_variance``.
    sum_w_ape : Σ w |r| / max(|y|, ε), ε = 2.22e-16, for ``mape``.
    sum_w_pos_r : Σ w max(r, 0), so that ``pinball_loss`` at any quantile q is
        (q·Σ w max(r, 0) + (1 − q)·Σ w max(−r, 0)) / Σ w with Σ w max(−r, 0) = sum_w_abs_r − sum_w_pos_r.
    w_scale : the weighted sums (sum_w, m2_y, m2_r, sum_w_*) are in units of this power of two
        near the largest |weight| (1 when unweighted; 0 when every weight is 0): weights are
        divided by it first, so that sums of weights near 1e308 or products with tiny weights
        neither overflow nor underflow. Every metric is a ratio of two such sums.

    Notes
    -----
    A state whose own Σ w is exactly 0 (only possible with negative weights) has undefined
    means (NaN); merging it into another state keeps ``r2`` and ``mean_residual`` undefined.
    """

    n: int
    sum_w: float
    mean_r: float
    mean_y: float
    m2_y: float
    sum_w_r2: float
    sum_w_abs_r: float
    max_abs_error: float
    max_abs_row: int
    y_min: float
    y_max: float
    m2_r: float = 0.0
    sum_w_ape: float = 0.0
    sum_w_pos_r: float = 0.0
    w_scale: float = 1.0

    def rescaled(self, scale: float) -> "RegressionState":
        """The same state with its weighted sums in units of ``scale`` (≥ ``w_scale``)."""
        if scale == self.w_scale or scale == 0.0:
            return self
        f = self.w_scale / scale  # a power of two ≤ 1: exact unless it underflows (negligible)
        return dataclasses.replace(
            self, sum_w=self.sum_w * f, m2_y=self.m2_y * f, sum_w_r2=self.sum_w_r2 * f,
            sum_w_abs_r=self.sum_w_abs_r * f, m2_r=self.m2_r * f, sum_w_ape=self.sum_w_ape * f,
            sum_w_pos_r=self.sum_w_pos_r * f, w_scale=scale,
        )


_EMPTY = RegressionState(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, math.nan, -1, math.inf, -math.inf, w_scale=0.0)
_APE_EPS = float(np.finfo(np.float64).eps)


def regression_update(
    y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None, row_offset: int = 0
) -> RegressionState:
    """Aggregate rows into a :class:`RegressionState` (two vectorized passes).

    Parameters
    ----------
    y, pred : (n,) float64, finite.
    w : (n,) float64 or None, finite sample weights (may be negative).
    row_offset : index of the first row in the whole data set, so that ``max_abs_row`` stays
        a global row index when chunks are merged.

    Examples
    --------
    >>> st = regression_update(np.array([3, -0.5, 2, 7]), np.array([2.5, 0.0, 2, 8]))
    >>> st.n, st.mean_y, st.m2_y, st.sum_w_r2, st.max_abs_error, st.max_abs_row
    (4, 2.875, 29.1875, 1.5, 1.0, 3)
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    pred = np.asarray(pred, dtype=np.float64).ravel()
    n = int(y.shape[0])
    if n == 0:
        return _EMPTY
    w_scale = 1.0
    if w is not None:
        w = np.asarray(w, dtype=np.float64).ravel()
        w_scale = pow2_scale(w) if np.any(w) else 0.0
    # Two passes over the rows in blocks (temporaries of one block, in cache): sums, the
    # largest |r| and the extremes first; then squared deviations from the means.
    sum_w = float(n) if w is None else 0.0
    s_y = s_r = sum_w_r2 = sum_w_abs_r = sum_w_ape = sum_w_pos_r = 0.0
    max_abs, k = -1.0, 0
    y_min, y_max = math.inf, -math.inf
    for i, yb, r, wb in _blocks(y, pred, w, w_scale):
        abs_r = np.abs(r)
        kb = int(np.argmax(abs_r))
        if abs_r[kb] > max_abs:  # strictly: the first row wins ties, as np.argmax
            max_abs, k = float(abs_r[kb]), i + kb
        y_min, y_max = min(y_min, float(yb.min())), max(y_max, float(yb.max()))
        ape = np.maximum(np.abs(yb), _APE_EPS)  # scikit-learn's mean_absolute_percentage_error
        np.divide(abs_r, ape, out=ape)
        pos_r = np.maximum(r, 0.0)
        if wb is not None:
            sum_w += float(wb.sum())
        s_y += _wsum(wb, yb)
        s_r += _wsum(wb, r)
        sum_w_r2 += _wsum(wb, r, r)
        sum_w_abs_r += _wsum(wb, abs_r)
        sum_w_ape += _wsum(wb, ape)
        sum_w_pos_r += _wsum(wb, pos_r)
    if sum_w != 0.0:
        mean_y, mean_r = s_y / sum_w, s_r / sum_w
        m2_y = m2_r = 0.0
        for _, yb, r, wb in _blocks(y, pred, w, w_scale):
            dy = yb - mean_y
            r -= mean_r
            m2_y += _wsum(wb, dy, dy)
            m2_r += _wsum(wb, r, r)
    else:
        mean_y = mean_r = m2_y = m2_r = math.nan
    return RegressionState(
        n=n,
        sum_w=sum_w,
        mean_r=mean_r,
        mean_y=mean_y,
        m2_y=m2_y,
        sum_w_r2=sum_w_r2,
        sum_w_abs_r=sum_w_abs_r,
        max_abs_error=max_abs,
        max_abs_row=k + int(row_offset),
        y_min=y_min,
        y_max=y_max,
        m2_r=m2_r,
        sum_w_ape=sum_w_ape,
        sum_w_pos_r=sum_w_pos_r,
        w_scale=w_scale,
    )


#: Rows per block in :func:`regression_update`.
_BLOCK = 1 << 16


def _wsum(w: np.ndarray | None, a: np.ndarray, b: np.ndarray | None = None) -> float:
    """Σ w·a (Σ w·a·b with ``b``); without weights a plain sum (dot product)."""
    if b is None:
        return float(a.sum() if w is None else w @ a)
    return float(a @ b if w is None else w @ (a * b))


def _blocks(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None, w_scale: float):
    """``(first row, y, r = y − pred, w / w_scale or None)`` for each block of rows (``r`` a
    fresh array the caller may overwrite)."""
    for i in range(0, y.shape[0], _BLOCK):
        yb = y[i : i + _BLOCK]
        wb = None
        if w is not None:
            wb = w[i : i + _BLOCK]
            if w_scale:
                wb = wb / w_scale  # exact: |w| < 1 now, no overflow of Σ w or Σ w r²
        yield i, yb, yb - pred[i : i + _BLOCK], wb


def regression_merge(a: RegressionState, b: RegressionState) -> RegressionState:
    """Combine two states as if their rows had been aggregated together.

    Chan, Golub & LeVeque (1979), weighted: with W = Wa + Wb and δ = mean_b − mean_a,
    mean = mean_a + δ·Wb/W and M2 = M2a + M2b + δ²·Wa·Wb/W. Sums add; the larger
    ``max_abs_error`` wins (the smaller row index on ties).

    Examples
    --------
    >>> y, p = np.array([3, -0.5, 2, 7]), np.array([2.5, 0.0, 2, 8])
    >>> st = regression_merge(regression_update(y[:1], p[:1]), regression_update(y[1:], p[1:], row_offset=1))
    >>> st.mean_y, round(st.m2_y, 12), st.max_abs_row
    (2.875, 29.1875, 3)
    """
    if a.n == 0:
        return b
    if b.n == 0:
        return a
    scale = max(a.w_scale, b.w_scale)
    a, b = a.rescaled(scale), b.rescaled(scale)
    sum_w = a.sum_w + b.sum_w
    if sum_w != 0.0:
        frac_b = b.sum_w / sum_w
        delta_y = b.mean_y - a.mean_y
        delta_r = b.mean_r - a.mean_r
        mean_y = a.mean_y + delta_y * frac_b
        mean_r = a.mean_r + delta_r * frac_b
        m2_y = a.m2_y + b.m2_y + delta_y * delta_y * a.sum_w * frac_b
        m2_r = a.m2_r + b.m2_r + delta_r * delta_r * a.sum_w * frac_b
    else:
        mean_y = mean_r = m2_y = m2_r = math.nan
    if b.max_abs_error > a.max_abs_error or (
        b.max_abs_error == a.max_abs_error and b.max_abs_row < a.max_abs_row
    ):
        max_abs_error, max_abs_row = b.max_abs_error, b.max_abs_row
    else:
        max_abs_error, max_abs_row = a.max_abs_error, a.max_abs_row
    return RegressionState(
        n=a.n + b.n,
        sum_w=sum_w,
        mean_r=mean_r,
        mean_y=mean_y,
        m2_y=m2_y,
        sum_w_r2=a.sum_w_r2 + b.sum_w_r2,
        sum_w_abs_r=a.sum_w_abs_r + b.sum_w_abs_r,
        max_abs_error=max_abs_error,
        max_abs_row=max_abs_row,
        y_min=min(a.y_min, b.y_min),
        y_max=max(a.y_max, b.y_max),
        m2_r=m2_r,
        sum_w_ape=a.sum_w_ape + b.sum_w_ape,
        sum_w_pos_r=a.sum_w_pos_r + b.sum_w_pos_r,
        w_scale=scale,
    )


def regression_compute(state: RegressionState, quantile: float = 0.5) -> MetricSet:
    """The always-on regression metrics from a state.

    With weights w (1 when absent), r = y − pred and W = Σ w:

    * ``mse`` = Σ w r² / W;  ``rmse`` = √mse;  ``mae`` = Σ w |r| / W
    * ``r2`` = 1 − Σ w r² / Σ w (y − ȳ_w)²
    * ``mean_residual`` = Σ w r / W (the bias; positive means predictions are too low)
    * ``max_abs_error`` = max |r| over all rows (weights ignored, as scikit-learn's max_error)
    * ``mape`` = Σ w |r| / max(|y|, ε) / W, ε = 2.22e-16 (scikit-learn's
      ``mean_absolute_percentage_error``: a fraction, not percent; huge when y = 0)
    * ``explained_variance`` = 1 − Σ w (r − r̄_w)² / Σ w (y − ȳ_w)² (``explained_variance_score``)
    * ``pinball_loss`` = Σ w [q·max(r, 0) + (1 − q)·max(−r, 0)] / W at ``quantile`` q
      (``mean_pinball_loss(alpha=q)``; q = 0.5 gives mae / 2)
    * ``n`` = number of rows

    Undefined (NaN + reason): every weighted metric when W <= 0 (negative event weights) or
    there are no rows; ``rmse`` when a signed-weight ``mse`` is negative; ``r2`` when the
    target is constant or its weighted variance is not positive (``explained_variance`` too).
    scikit-learn's ``r2_score``
    returns 1.0 (perfect predictions) or 0.0 for a constant target by convention; evalml calls
    it undefined, because R² compares against a variance that is zero.

    Examples
    --------
    >>> ms = regression_compute(regression_update(np.array([3, -0.5, 2, 7]), np.array([2.5, 0.0, 2, 8])))
    >>> ms.values["mse"], ms.values["mae"], round(ms.values["r2"], 4), ms.values["mean_residual"]
    (0.375, 0.5, 0.9486, -0.25)
    """
    ms = MetricSet()
    ms.set("n", float(state.n))
    weighted = ("mse", "rmse", "mae", "r2", "mean_residual", "mape", "explained_variance", "pinball_loss")
    if state.n == 0:
        for name in (*weighted, "max_abs_error"):
            ms.set(name, math.nan, "no rows")
        return ms
    W = state.sum_w
    if not W > 0:
        why = f"the sum of weights is {W * state.w_scale:g}, not positive"
        for name in weighted:
            ms.set(name, math.nan, why)
    else:
        mse = state.sum_w_r2 / W
        ms.set("mse", mse)
        if mse >= 0:
            ms.set("rmse", math.sqrt(mse))
        else:
            ms.set("rmse", math.nan, f"mse is negative ({mse:g}) with negative weights")
        ms.set("mae", state.sum_w_abs_r / W)
        ms.set("mean_residual", state.mean_r, "the sum of weights of a merged chunk is exactly 0")
        if state.y_min == state.y_max:
            ms.set("r2", math.nan, f"the target is constant ({state.y_min:g}): R² needs target variance")
        elif not state.m2_y > 0:
            ms.set("r2", math.nan, "the weighted target variance is not positive")
        else:
            ms.set("r2", 1.0 - state.sum_w_r2 / state.m2_y)
    ms.set("max_abs_error", state.max_abs_error)
    if W > 0:
        ms.set("mape", state.sum_w_ape / W)
        neg_part = state.sum_w_abs_r - state.sum_w_pos_r  # Σ w max(−r, 0)
        ms.set("pinball_loss", (quantile * state.sum_w_pos_r + (1.0 - quantile) * neg_part) / W)
        if state.y_min == state.y_max:
            ms.set("explained_variance", math.nan,
                   f"the target is constant ({state.y_min:g}): explained variance needs target variance")
        elif not state.m2_y > 0:
            ms.set("explained_variance", math.nan, "the weighted target variance is not positive")
        else:
            ms.set("explained_variance", 1.0 - state.m2_r / state.m2_y)
    return ms


def median_absolute_error(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> MetricSet:
    """``median_absolute_error`` = the (weighted) median of |r|, r = y − pred.

    Not mergeable: a median needs every row (no fixed-size sufficient statistic), so it is
    computed from the rows after they are read, never from merged chunk states.

    Unweighted it is ``np.median(|r|)``. Weighted it is scikit-learn's (≥ 1.8)
    ``_weighted_percentile(|r|, w, 50, average=True)``, the "averaged inverted CDF": sort |r|
    ascending with cumulative weights Cᵢ and W = Σ w; take the first i with Cᵢ ≥ W/2; if
    Cᵢ = W/2 exactly, average |r|ᵢ with the next value of positive weight. Undefined with a
    negative weight (the weighted CDF is not monotone) or when W is 0.

    Examples
    --------
    >>> median_absolute_error(np.array([3, -0.5, 2, 7]), np.array([2.5, 0.0, 2, 8])).values
    {'median_absolute_error': 0.5}
    """
    ms = MetricSet()
    a = np.subtract(np.asarray(y, dtype=np.float64), np.asarray(pred, dtype=np.float64)).ravel()
    np.abs(a, out=a)  # one n-element array, ours: the median may partition it in place
    if a.size == 0:
        ms.set("median_absolute_error", math.nan, "no rows")
        return ms
    if w is None:
        ms.set("median_absolute_error", float(np.median(a, overwrite_input=True)))
        return ms
    w = np.asarray(w, dtype=np.float64).ravel()
    if (w < 0).any():
        ms.set("median_absolute_error", math.nan, "a weighted median needs nonnegative weights")
        return ms
    if not w.any():
        ms.set("median_absolute_error", math.nan, "every weight is 0")
        return ms
    w = w / pow2_scale(w)
    order = np.argsort(a, kind="stable")
    a, w = a[order], w[order]
    cdf = np.cumsum(w)
    half = 0.5 * cdf[-1]
    i = min(int(np.searchsorted(cdf, half, side="left")), a.size - 1)
    if cdf[i] - half > _APE_EPS * cdf[-1]:
        value = a[i]
    else:
        # Exactly at the half: average with the next value that has weight.
        j = min(int(np.searchsorted(cdf, cdf[i], side="right")), a.size - 1)
        value = 0.5 * (a[i] + a[j])
    ms.set("median_absolute_error", float(value))
    return ms


# --------------------------------------------------------------------------------------------
# χ² with a covariance
# --------------------------------------------------------------------------------------------


def _lanczos_max(matvec, n: int, max_steps: int = 40, rtol: float = 1e-3) -> float:
    """Largest eigenvalue of a symmetric operator, by Lanczos with full reorthogonalization.

    The Ritz value never exceeds the true λmax, so the result is a lower bound. A fixed
    pseudo-random start vector makes it reproducible. Stops when the Ritz value changes by
    less than ``rtol`` relative between steps, when the Krylov space is invariant (exact), or
    after ``max_steps`` matrix-vector products. The loop is over Lanczos steps, not rows.
    """
    steps = min(max_steps, n)
    V = np.empty((steps, n))
    v = np.random.default_rng(20240607).standard_normal(n)
    V[0] = v / np.linalg.norm(v)
    alpha = np.zeros(steps)
    beta = np.zeros(steps)
    theta = -math.inf
    for j in range(steps):
        w = matvec(V[j])
        alpha[j] = V[j] @ w
        # Full reorthogonalization against every previous vector (twice is enough).
        w -= V[: j + 1].T @ (V[: j + 1] @ w)
        w -= V[: j + 1].T @ (V[: j + 1] @ w)
        b = float(np.linalg.norm(w))
        T = np.diag(alpha[: j + 1]) + np.diag(beta[:j], 1) + np.diag(beta[:j], -1)
        new_theta = float(np.linalg.eigvalsh(T)[-1])
        converged = abs(new_theta - theta) <= rtol * abs(new_theta)
        theta = new_theta
        if converged or j + 1 == steps or b <= 1e-12 * abs(theta):
            break
        beta[j] = b
        V[j + 1] = w / b
    return theta


def _cholesky_upper(a: np.ndarray) -> np.ndarray | None:
    """Upper factor U with UᵀU = A from A's lower triangle; None when A is not positive definite.

    LAPACK ``dpotrf`` is called on ``a.T`` (a Fortran-ordered view of a C-ordered array) with
    uplo = "U": that is A's lower triangle, and it saves the 200 MB transposing copy that
    ``scipy.linalg.cholesky(a, lower=True)`` makes at n = 5000. L = Uᵀ is A's lower factor.
    """
    from scipy.linalg import lapack

    U, info = lapack.dpotrf(a.T, lower=0, clean=0, overwrite_a=0)
    return U if info == 0 else None


def _solve_lower(U: np.ndarray, b: np.ndarray) -> np.ndarray:
    """z = L⁻¹ b with L = Uᵀ (the lower Cholesky factor): one triangular solve."""
    from scipy.linalg import solve_triangular

    return solve_triangular(U, b, trans="T", lower=False, check_finite=False)


def _solve_full(U: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A⁻¹ b = U⁻¹ (U⁻ᵀ b): two triangular solves, no inverse."""
    from scipy.linalg import solve_triangular

    return solve_triangular(U, _solve_lower(U, b), lower=False, check_finite=False)


def _cond_exact(c: np.ndarray) -> float:
    """2-norm condition λmax/λmin from all eigenvalues; inf when rounding makes λmin <= 0."""
    import scipy.linalg

    ev = scipy.linalg.eigvalsh(c, check_finite=False)
    return float(ev[-1] / ev[0]) if ev[0] > 0 else math.inf


def _not_pd_error(matrix: np.ndarray, label: str) -> EvalmlError:
    """The error for a covariance/correlation that Cholesky rejected, with λmin (exact)."""
    import scipy.linalg

    # Only on this failure path: exact smallest eigenvalue (O(n³), ~12 s at n = 5000).
    lam = float(scipy.linalg.eigvalsh(matrix, subset_by_index=[0, 0], check_finite=False)[0])
    return EvalmlError(
        f"{label} is not positive definite: smallest eigenvalue {lam:.2e}",
        hint=(
            f"a {label} matrix must be symmetric positive definite; check that it belongs to these "
            "rows in this order and is in the target's units, or add the uncorrelated (statistical) "
            "variances to the diagonal"
        ),
    )


def chi2_cholesky(
    r: np.ndarray,
    cov: np.ndarray | None = None,
    sigma: np.ndarray | None = None,
    corr: np.ndarray | None = None,
    *, n_params: int = 0,
) -> tuple[MetricSet, np.ndarray]:
    """χ² = rᵀ C⁻¹ r through a Cholesky factor, with p-value and pulls.

    Give exactly one of ``sigma`` (C = diag σ²), ``cov`` (full C), or ``sigma`` + ``corr``
    (C = D R D, D = diag σ; then R is factored and z = L_R⁻¹ (r/σ)). With C = L Lᵀ (lower
    Cholesky; only the lower triangle of ``cov`` or ``corr`` is read) the whitened residuals ("pulls") are z = L⁻¹ r, found by one
    triangular solve, and

    * ``chi2`` = zᵀz = rᵀ C⁻¹ r;  ``ndof`` = n − n_params;  ``chi2_per_ndof`` = chi2 / ndof
    * ``p_value`` = P(χ²_ndof ≥ chi2) = ``scipy.stats.chi2.sf(chi2, ndof)`` (computed with
      ``scipy.special.chdtrc``, the same function, without importing scipy.stats)
    * ``pull_mean``, ``pull_std`` (population std, ddof = 0), ``pull_max_abs`` = max |z| and
      ``pull_max_row`` = its 0-based row. For a diagonal C, z_i = r_i / σ_i. With correlations
      z_i mixes rows 0..i (Cholesky order), so ``pull_max_row`` marks where the discrepancy
      becomes visible, not necessarily its only cause.
    * ``cond_number`` = λmax/λmin of C (2-norm condition). Diagonal: max σ² / min σ². Full, n <=
      1000: exact, from ``eigvalsh`` (~0.1 s at n = 1000). Full, n > 1000: eigvalsh would take
      ~12 s at n = 5000 on 2 cores, so λmax comes from Lanczos on C and 1/λmin from Lanczos on
      C⁻¹ applied through the factor (two triangular solves per step, no inverse), <= 40 steps
      each, stopping when the Ritz value moves by < 1e-4 relative: ~0.3-0.9 s at n = 5000. Ritz
      values are lower bounds, so this is a lower bound on κ₂, measured within 0.3 % on
      Wishart, log-spaced, clustered and uniform spectra (good to 2-3 significant digits).
      LAPACK's ``dpocon`` was rejected: it estimates the 1-norm condition, which can exceed
      the 2-norm one by up to a factor n (250× on a random 5000×5000 covariance). A note is
      added when ``cond_number`` > 1e10.

    The factorization is LAPACK ``dpotrf`` on the lower triangle (no copy beyond the one that
    protects the caller's array); the solves are ``scipy.linalg.solve_triangular`` with the
    transposed upper factor, which is the same L = Uᵀ. Never an explicit inverse.

    Parameters
    ----------
    r : (n,) float64 residuals, target − prediction.
    cov : (n, n) float64 symmetric positive definite, or None.
    sigma : (n,) float64 > 0 standard deviations, or None.
    corr : (n, n) float64 correlation matrix (unit diagonal), only together with ``sigma``.
    n_params : number of parameters fitted to these data, subtracted from the degrees of freedom.

    Returns
    -------
    (MetricSet, z) : the metrics above and the (n,) pulls z.

    Raises
    ------
    EvalmlError
        "covariance is not positive definite: smallest eigenvalue -1.20e-03" (or "correlation
        …") when the Cholesky factorization fails; λmin is then computed exactly. Also for a
        wrong combination of ``cov`` / ``sigma`` / ``corr`` or a negative ``n_params``.

    Undefined (NaN + reason): ``ndof``, ``chi2_per_ndof`` and ``p_value`` when n − n_params <= 0.

    Examples
    --------
    r = [1, 2], σ = [1, 2]: z = [1, 1], chi2 = 2, ndof = 2, p_value = e⁻¹ = 0.3679.

    >>> ms, z = chi2_cholesky(np.array([1.0, 2.0]), sigma=np.array([1.0, 2.0]))
    >>> ms.values["chi2"], z.tolist(), round(ms.values["p_value"], 4)
    (2.0, [1.0, 1.0], 0.3679)
    """
    import scipy.special

    r = np.asarray(r, dtype=np.float64).ravel()
    n = int(r.shape[0])
    if (cov is None) == (sigma is None):
        raise EvalmlError(
            "give exactly one of a covariance matrix or per-row sigmas (optionally with a correlation matrix)"
        )
    if corr is not None and sigma is None:
        raise EvalmlError("a correlation matrix needs per-row sigmas to build the covariance")
    if int(n_params) != n_params or n_params < 0:
        raise EvalmlError(f"the number of fitted parameters must be a non-negative integer, got {n_params!r}")
    ms = MetricSet()
    if sigma is not None:
        sigma = np.asarray(sigma, dtype=np.float64).ravel()
        scaled = r / sigma
        if corr is None:
            z = scaled
            var = sigma * sigma
            cond = float(var.max() / var.min()) if n else math.nan
        else:
            # C = D R D = (D L_R)(D L_R)ᵀ, so z = L_R⁻¹ (r / σ): factor R, which is better scaled.
            corr = np.asarray(corr, dtype=np.float64)
            U = _cholesky_upper(corr)
            if U is None:
                raise _not_pd_error(corr, "correlation")
            z = _solve_lower(U, scaled)
            if n <= EXACT_COND_MAX_N:
                cond = _cond_exact(sigma[:, None] * corr * sigma[None, :])
            else:
                lmax = _lanczos_max(lambda x: sigma * (corr @ (sigma * x)), n)
                inv_min = _lanczos_max(lambda x: _solve_full(U, x / sigma) / sigma, n)
                cond = lmax * inv_min
    else:
        cov = np.asarray(cov, dtype=np.float64)
        U = _cholesky_upper(cov)
        if U is None:
            raise _not_pd_error(cov, "covariance")
        z = _solve_lower(U, r)
        if n <= EXACT_COND_MAX_N:
            cond = _cond_exact(cov)
        else:
            lmax = _lanczos_max(lambda x: cov @ x, n)
            inv_min = _lanczos_max(lambda x: _solve_full(U, x), n)
            cond = lmax * inv_min

    chi2 = float(z @ z)
    ms.set("chi2", chi2)
    ndof = n - int(n_params)
    if ndof > 0:
        ms.set("ndof", float(ndof))
        ms.set("chi2_per_ndof", chi2 / ndof)
        ms.set("p_value", float(scipy.special.chdtrc(ndof, chi2)))
    else:
        why = f"no degrees of freedom: {n} rows − {int(n_params)} fitted parameters = {ndof}"
        for name in ("ndof", "chi2_per_ndof", "p_value"):
            ms.set(name, math.nan, why)
    if n:
        abs_z = np.abs(z)
        k = int(np.argmax(abs_z))
        ms.set("pull_mean", float(z.mean()))
        ms.set("pull_std", float(z.std()))
        ms.set("pull_max_abs", float(abs_z[k]))
        ms.set("pull_max_row", float(k))
    else:
        for name in ("pull_mean", "pull_std", "pull_max_abs", "pull_max_row"):
            ms.set(name, math.nan, "no rows")
    ms.set("cond_number", cond, "no rows" if n == 0 else "the covariance is numerically singular")
    if cond > COND_WARN:
        ms.notes.append(
            f"the covariance is ill-conditioned (condition number {cond:.2e} > {COND_WARN:.0e}): "
            "chi2 and the pulls may carry few correct digits"
        )
    return ms, z


# --------------------------------------------------------------------------------------------
# Replicas: bias–variance
# --------------------------------------------------------------------------------------------


def bias_variance(y: np.ndarray, preds: np.ndarray, w: np.ndarray | None = None) -> MetricSet:
    """Bias–variance decomposition of the mean replica MSE.

    ``preds`` holds R replicas (ensemble members, bootstrap refits…) of the prediction for each
    of n rows. With d_ik = pred_ik − y_i, m_i − y_i = mean_k d_ik and row weights w (1 when
    absent), W = Σ w:

    * ``bias2`` = Σ_i w_i (m_i − y_i)² / W
    * ``variance`` = Σ_i w_i · mean_k (pred_ik − m_i)² / W   (per-row variance, ddof = 0)
    * ``expected_mse`` = Σ_i w_i · mean_k (pred_ik − y_i)² / W   (the mean replica MSE)
    * ``n_replicas`` = R

    and expected_mse = bias2 + variance exactly in real arithmetic (to rounding here: every
    term is computed from d, scaled by max |d| against under/overflow, with no cancellation).
    The irreducible noise term of the textbook decomposition is not observable: it needs
    repeated targets for the same input, so "bias2" here includes the noise.

    Undefined (NaN + reason) when W <= 0 or there are no rows.

    Parameters
    ----------
    y : (n,) float64 targets.
    preds : (n, R) float64 predictions, one column per replica ((n,) is one replica).
    w : (n,) float64 row weights or None.

    Examples
    --------
    y = [0, 0], replicas [[1, 3], [-1, 1]]: m = [2, 0], bias2 = (4 + 0)/2 = 2,
    variance = (1 + 1)/2 = 1, expected_mse = ((1 + 9)/2 + (1 + 1)/2)/2 = 3 = 2 + 1.

    >>> ms = bias_variance(np.zeros(2), np.array([[1.0, 3.0], [-1.0, 1.0]]))
    >>> ms.values["bias2"], ms.values["variance"], ms.values["expected_mse"]
    (2.0, 1.0, 3.0)
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    preds = np.asarray(preds, dtype=np.float64)
    if preds.ndim == 1:
        preds = preds[:, None]
    n, R = preds.shape
    ms = MetricSet()
    ms.set("n_replicas", float(R))
    names = ("bias2", "variance", "expected_mse")
    W = float(n) if w is None else float(np.sum(w, dtype=np.float64))
    if n == 0 or R == 0 or not W > 0:
        why = "no rows or no replicas" if n == 0 or R == 0 else f"the sum of weights is {W:g}, not positive"
        for name in names:
            ms.set(name, math.nan, why)
        return ms
    d = preds - y[:, None]
    scale = float(np.max(np.abs(d)))
    if scale == 0.0:
        for name in names:
            ms.set(name, 0.0)
        return ms
    d /= scale  # |d| <= 1: squares neither overflow nor (for the dominant terms) underflow
    bias = d.mean(axis=1)
    dev = d - bias[:, None]
    per_row_var = np.einsum("ik,ik->i", dev, dev) / R
    per_row_mse = np.einsum("ik,ik->i", d, d) / R
    per_row_b2 = bias * bias
    if w is None:
        sums = (per_row_b2.sum(), per_row_var.sum(), per_row_mse.sum())
    else:
        w = np.asarray(w, dtype=np.float64).ravel()
        sums = (w @ per_row_b2, w @ per_row_var, w @ per_row_mse)
    for name, total in zip(names, sums):
        # Multiply the scale back one factor at a time: no spurious overflow or underflow.
        ms.set(name, float(total) / W * scale * scale)
    return ms
