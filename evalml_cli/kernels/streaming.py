"""Mergeable states for density NLL, bias–variance, χ² with per-row σ, and regression basics.

Each state follows :mod:`evalml_cli.kernels.state`: ``update(state_or_None, …) -> state``,
the generic ``merge(a, b)`` (fields declare ``sum``/``min``/``max``/``same``/``custom``) and
``compute(state) -> MetricSet``, which returns what the whole-array kernel
(:func:`~evalml_cli.kernels.density.nll`, :func:`~evalml_cli.kernels.regression.bias_variance`,
:func:`~evalml_cli.kernels.regression.chi2_cholesky` with ``sigma``,
:func:`~evalml_cli.kernels.regression.regression_compute`) returns on all rows at once, to
rounding (tested to 1e-12 relative over random contiguous splits). The regression basics reuse
:class:`~evalml_cli.kernels.regression.RegressionState` and its Chan merge unchanged.

χ² with a full covariance (or σ with a correlation matrix) couples rows, so it has no state:
it needs the whole residual vector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels._result import MetricSet
from evalml_cli.kernels.regression import (
    COND_WARN,
    RegressionState,
    regression_compute,
    regression_merge,
    regression_update,
)
from evalml_cli.kernels.state import Batch, merge, merged

_LN2 = math.log(2.0)


# --------------------------------------------------------------------------------------------
# (a) Density: negative log-likelihood
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NllState:
    """Sums for the negative log-likelihood; every field merges by addition.

    Attributes
    ----------
    total : Σ −w ln L (nats; +inf or NaN when some L <= 0).
    sum_w : Σ w (the row count when unweighted).
    n : number of rows.
    n_bad : rows with L <= 0 (or NaN), for the reason text.
    """

    total: float = merged("sum")
    sum_w: float = merged("sum")
    n: int = merged("sum")
    n_bad: int = merged("sum")


def nll_update(state: NllState | None, likelihood: np.ndarray, w: np.ndarray | None = None) -> NllState:
    """Fold rows into an :class:`NllState`.

    Examples
    --------
    >>> st = merge(nll_update(None, np.array([0.5])), nll_update(None, np.array([0.25])))
    >>> round(st.total, 4), st.sum_w, st.n
    (2.0794, 2.0, 2)
    """
    L = np.asarray(likelihood, dtype=np.float64).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        neg_log = -np.log(L)
        if w is None:
            total, sum_w = float(neg_log.sum()), float(L.shape[0])
        else:
            w = np.asarray(w, dtype=np.float64).ravel()
            total, sum_w = float(w @ neg_log), float(w.sum())
    new = NllState(total, sum_w, int(L.shape[0]), int(np.count_nonzero(~(L > 0))))
    return merge(state, new)


def nll_compute(state: NllState) -> MetricSet:
    """``nll`` = Σ −w ln L, ``mean_nll`` = nll / Σ w, ``bits_per_sample`` = mean_nll / ln 2.

    The same values and reasons as :func:`evalml_cli.kernels.density.nll` on all rows.

    Examples
    --------
    L = [0.5, 0.25]: nll = ln 2 + ln 4, mean_nll = 1.0397, bits_per_sample = 1.5.

    >>> ms = nll_compute(nll_update(None, np.array([0.5, 0.25])))
    >>> round(ms.values["mean_nll"], 4), ms.values["bits_per_sample"]
    (1.0397, 1.5)
    """
    why = (
        f"likelihood is zero or negative in {state.n_bad} row(s)"
        if state.n_bad
        else "the log-likelihood is not finite"
    )
    ms = MetricSet()
    ms.set("nll", state.total, why)
    W = state.sum_w
    if W > 0:
        ms.set("mean_nll", state.total / W, why)
        ms.set("bits_per_sample", state.total / W / _LN2, why)
    else:
        why_w = "no rows" if state.n == 0 else f"the sum of weights is {W:g}, not positive"
        ms.set("mean_nll", math.nan, why_w)
        ms.set("bits_per_sample", math.nan, why_w)
    return ms


# --------------------------------------------------------------------------------------------
# (b) Bias–variance across replicas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BiasVarianceState:
    """Weighted sums of the per-row bias², variance and MSE, scaled against overflow.

    Attributes
    ----------
    sums : (3,) float64, Σ_i w_i·(b_i², v_i, e_i) / scale², with d_ik = pred_ik − y_i,
        b_i = mean_k d_ik, v_i = mean_k (d_ik − b_i)², e_i = mean_k d_ik².
    scale : max |d_ik| over the rows seen (0 when every d is 0 or there are no rows).
    sum_w : Σ w (the row count when unweighted).
    n : number of rows.
    n_replicas : R, the number of replicas (must agree to merge).

    Merging rescales to the larger scale s: sums = sums_a·(s_a/s)² + sums_b·(s_b/s)²; all
    factors are <= 1, so nothing overflows.
    """

    sums: np.ndarray = merged("custom")
    scale: float = merged("custom")
    sum_w: float = merged("sum")
    n: int = merged("sum")
    n_replicas: int = merged("same")

    @classmethod
    def _merge_custom(cls, a: "BiasVarianceState", b: "BiasVarianceState") -> dict:
        s = max(a.scale, b.scale)
        if s == 0.0:
            return {"sums": a.sums + b.sums, "scale": 0.0}
        return {"sums": a.sums * (a.scale / s) ** 2 + b.sums * (b.scale / s) ** 2, "scale": s}


def bias_variance_update(
    state: BiasVarianceState | None, y: np.ndarray, preds: np.ndarray, w: np.ndarray | None = None
) -> BiasVarianceState:
    """Fold rows into a :class:`BiasVarianceState`.

    Parameters
    ----------
    y : (n,) float64 targets.
    preds : (n, R) float64, one column per replica ((n,) is one replica).
    w : (n,) float64 row weights or None.

    Examples
    --------
    >>> st = bias_variance_update(None, np.zeros(2), np.array([[1.0, 3.0], [-1.0, 1.0]]))
    >>> (st.sums * st.scale**2).round(12).tolist(), st.scale, st.n_replicas   # Σ b², Σ v, Σ e
    ([4.0, 2.0, 6.0], 3.0, 2)
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    preds = np.asarray(preds, dtype=np.float64)
    if preds.ndim == 1:
        preds = preds[:, None]
    n, R = preds.shape
    sum_w = float(n) if w is None else float(np.sum(w, dtype=np.float64))
    sums = np.zeros(3)
    scale = 0.0
    if n and R:
        d = preds - y[:, None]
        scale = float(np.max(np.abs(d)))
        if scale > 0.0:
            d /= scale
            bias = d.mean(axis=1)
            dev = d - bias[:, None]
            per_row = np.stack([bias * bias, np.einsum("ik,ik->i", dev, dev) / R, np.einsum("ik,ik->i", d, d) / R])
            sums = per_row.sum(axis=1) if w is None else per_row @ np.asarray(w, dtype=np.float64).ravel()
    return merge(state, BiasVarianceState(sums, scale, sum_w, int(n), int(R)))


def bias_variance_compute(state: BiasVarianceState) -> MetricSet:
    """``bias2``, ``variance``, ``expected_mse`` = Σ w·(…) / Σ w and ``n_replicas``.

    expected_mse = bias2 + variance; the same values and reasons as
    :func:`evalml_cli.kernels.regression.bias_variance` on all rows.

    Examples
    --------
    y = [0, 0], replicas [[1, 3], [-1, 1]]: bias2 = 2, variance = 1, expected_mse = 3.

    >>> ms = bias_variance_compute(bias_variance_update(None, np.zeros(2), np.array([[1.0, 3.0], [-1.0, 1.0]])))
    >>> ms.values["bias2"], ms.values["variance"], ms.values["expected_mse"]
    (2.0, 1.0, 3.0)
    """
    ms = MetricSet()
    ms.set("n_replicas", float(state.n_replicas))
    names = ("bias2", "variance", "expected_mse")
    W = state.sum_w
    if state.n == 0 or state.n_replicas == 0 or not W > 0:
        why = (
            "no rows or no replicas"
            if state.n == 0 or state.n_replicas == 0
            else f"the sum of weights is {W:g}, not positive"
        )
        for name in names:
            ms.set(name, math.nan, why)
        return ms
    for name, total in zip(names, state.sums):
        ms.set(name, float(total) / W * state.scale * state.scale)
    return ms


# --------------------------------------------------------------------------------------------
# (c) χ² with per-row σ only
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chi2SigmaState:
    """Sufficient statistics of the pulls z = r/σ for χ² with a diagonal covariance.

    Attributes
    ----------
    chi2 : Σ z².
    n : number of rows.
    mean_z, m2_z : mean of z and Σ (z − mean)², merged with Chan et al.'s update
        (mean = mean_a + δ·n_b/n, M2 = M2_a + M2_b + δ²·n_a·n_b/n, δ = mean_b − mean_a),
        which keeps ``pull_std`` accurate when the pulls have a large common offset.
    max_abs_z, max_row : largest |z| and its global 0-based row (the smaller row on ties);
        NaN and -1 when empty.
    sigma_min, sigma_max : smallest and largest σ, for the condition number.
    """

    chi2: float = merged("sum")
    n: int = merged("sum")
    mean_z: float = merged("custom")
    m2_z: float = merged("custom")
    max_abs_z: float = merged("custom")
    max_row: int = merged("custom")
    sigma_min: float = merged("min")
    sigma_max: float = merged("max")

    @classmethod
    def _merge_custom(cls, a: "Chi2SigmaState", b: "Chi2SigmaState") -> dict:
        out = {}
        if a.n == 0 or b.n == 0:
            src = b if a.n == 0 else a
            out.update(mean_z=src.mean_z, m2_z=src.m2_z)
        else:
            n = a.n + b.n
            delta = b.mean_z - a.mean_z
            out["mean_z"] = a.mean_z + delta * (b.n / n)
            out["m2_z"] = a.m2_z + b.m2_z + delta * delta * (a.n * b.n / n)
        if b.n and (a.n == 0 or b.max_abs_z > a.max_abs_z or (b.max_abs_z == a.max_abs_z and b.max_row < a.max_row)):
            out.update(max_abs_z=b.max_abs_z, max_row=b.max_row)
        else:
            out.update(max_abs_z=a.max_abs_z, max_row=a.max_row)
        return out


def chi2_sigma_update(
    state: Chi2SigmaState | None, r: np.ndarray, sigma: np.ndarray, first_row: int = 0
) -> Chi2SigmaState:
    """Fold residuals r = target − prediction and their σ > 0 into a :class:`Chi2SigmaState`.

    ``first_row`` is the global 0-based number of the first row, so ``max_row`` is global.

    Examples
    --------
    >>> a = chi2_sigma_update(None, np.array([1.0]), np.array([1.0]))
    >>> st = merge(a, chi2_sigma_update(None, np.array([-4.0]), np.array([2.0]), first_row=1))
    >>> st.chi2, st.mean_z, st.max_abs_z, st.max_row
    (5.0, -0.5, 2.0, 1)
    """
    r = np.asarray(r, dtype=np.float64).ravel()
    sigma = np.asarray(sigma, dtype=np.float64).ravel()
    n = int(r.shape[0])
    if n == 0:
        new = Chi2SigmaState(0.0, 0, 0.0, 0.0, math.nan, -1, math.inf, -math.inf)
    else:
        z = r / sigma
        mean = float(z.mean())
        dz = z - mean
        abs_z = np.abs(z)
        k = int(np.argmax(abs_z))
        new = Chi2SigmaState(
            float(z @ z), n, mean, float(dz @ dz), float(abs_z[k]), k + int(first_row),
            float(sigma.min()), float(sigma.max()),
        )  # fmt: skip
    return merge(state, new)


def chi2_sigma_compute(state: Chi2SigmaState, n_params: int = 0) -> MetricSet:
    """χ², degrees of freedom, p-value, pull statistics and condition number.

    With z_i = r_i/σ_i: ``chi2`` = Σ z²; ``ndof`` = n − n_params; ``chi2_per_ndof`` =
    chi2/ndof; ``p_value`` = P(χ²_ndof >= chi2); ``pull_mean``, ``pull_std`` (ddof 0),
    ``pull_max_abs``, ``pull_max_row`` (global row); ``cond_number`` = max σ² / min σ² — the
    same values, reasons and notes as :func:`evalml_cli.kernels.regression.chi2_cholesky` with
    ``sigma`` on all rows.

    Examples
    --------
    r = [1, 2], σ = [1, 2]: z = [1, 1], chi2 = 2, ndof = 2, p_value = e⁻¹ = 0.3679.

    >>> ms = chi2_sigma_compute(chi2_sigma_update(None, np.array([1.0, 2.0]), np.array([1.0, 2.0])))
    >>> ms.values["chi2"], round(ms.values["p_value"], 4), ms.values["cond_number"]
    (2.0, 0.3679, 4.0)
    """
    import scipy.special

    if int(n_params) != n_params or n_params < 0:
        raise EvalmlError(f"the number of fitted parameters must be a non-negative integer, got {n_params!r}")
    ms = MetricSet()
    n = state.n
    ms.set("chi2", state.chi2)
    ndof = n - int(n_params)
    if ndof > 0:
        ms.set("ndof", float(ndof))
        ms.set("chi2_per_ndof", state.chi2 / ndof)
        ms.set("p_value", float(scipy.special.chdtrc(ndof, state.chi2)))
    else:
        why = f"no degrees of freedom: {n} rows − {int(n_params)} fitted parameters = {ndof}"
        for name in ("ndof", "chi2_per_ndof", "p_value"):
            ms.set(name, math.nan, why)
    if n:
        ms.set("pull_mean", state.mean_z)
        ms.set("pull_std", math.sqrt(max(state.m2_z, 0.0) / n))
        ms.set("pull_max_abs", state.max_abs_z)
        ms.set("pull_max_row", float(state.max_row))
        cond = (state.sigma_max * state.sigma_max) / (state.sigma_min * state.sigma_min)
    else:
        for name in ("pull_mean", "pull_std", "pull_max_abs", "pull_max_row"):
            ms.set(name, math.nan, "no rows")
        cond = math.nan
    ms.set("cond_number", cond, "no rows" if n == 0 else "the covariance is numerically singular")
    if cond > COND_WARN:
        ms.notes.append(
            f"the covariance is ill-conditioned (condition number {cond:.2e} > {COND_WARN:.0e}): "
            "chi2 and the pulls may carry few correct digits"
        )
    return ms


# --------------------------------------------------------------------------------------------
# Tasks: the protocol over Batch objects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NllTask:
    """Density NLL; reads ``batch["likelihood"]`` and ``batch.weight``.

    Examples
    --------
    >>> t = NllTask()
    >>> st = t.update(t.update(None, Batch({"likelihood": np.array([0.5])})), Batch({"likelihood": np.array([0.25])}))
    >>> t.compute(st).values["bits_per_sample"]
    1.5
    """

    def update(self, state: NllState | None, batch: Batch) -> NllState:
        return nll_update(state, batch["likelihood"], batch.weight)

    def merge(self, a: NllState, b: NllState) -> NllState:
        return merge(a, b)

    def compute(self, state: NllState) -> MetricSet:
        return nll_compute(state)


@dataclass(frozen=True)
class BiasVarianceTask:
    """Bias–variance; reads ``batch["y"]`` (n,), ``batch["preds"]`` (n, R) and ``batch.weight``."""

    def update(self, state: BiasVarianceState | None, batch: Batch) -> BiasVarianceState:
        return bias_variance_update(state, batch["y"], batch["preds"], batch.weight)

    def merge(self, a: BiasVarianceState, b: BiasVarianceState) -> BiasVarianceState:
        return merge(a, b)

    def compute(self, state: BiasVarianceState) -> MetricSet:
        return bias_variance_compute(state)


@dataclass(frozen=True)
class Chi2SigmaTask:
    """χ² with per-row σ; reads ``batch["y"]``, ``batch["pred"]``, ``batch["sigma"]`` and
    ``batch.first_row`` (weights do not enter χ²)."""

    n_params: int = 0

    def update(self, state: Chi2SigmaState | None, batch: Batch) -> Chi2SigmaState:
        r = np.asarray(batch["y"], dtype=np.float64) - np.asarray(batch["pred"], dtype=np.float64)
        return chi2_sigma_update(state, r, batch["sigma"], batch.first_row)

    def merge(self, a: Chi2SigmaState, b: Chi2SigmaState) -> Chi2SigmaState:
        return merge(a, b)

    def compute(self, state: Chi2SigmaState) -> MetricSet:
        return chi2_sigma_compute(state, self.n_params)


@dataclass(frozen=True)
class RegressionTask:
    """``mse``, ``rmse``, ``mae``, ``r2``, ``max_abs_error``, ``mean_residual``, ``n``.

    Reuses :func:`~evalml_cli.kernels.regression.regression_update` and its Chan merge
    (:func:`~evalml_cli.kernels.regression.regression_merge`); reads ``batch["y"]``,
    ``batch["pred"]``, ``batch.weight`` and ``batch.first_row``.

    Examples
    --------
    >>> t, y, p = RegressionTask(), np.array([3, -0.5, 2, 7]), np.array([2.5, 0.0, 2, 8])
    >>> a = t.update(None, Batch({"y": y[:1], "pred": p[:1]}))
    >>> st = t.update(a, Batch({"y": y[1:], "pred": p[1:]}, first_row=1))
    >>> ms = t.compute(st)
    >>> ms.values["mse"], ms.values["max_abs_error"], round(ms.values["r2"], 4)
    (0.375, 1.0, 0.9486)
    """

    def update(self, state: RegressionState | None, batch: Batch) -> RegressionState:
        new = regression_update(batch["y"], batch["pred"], batch.weight, row_offset=batch.first_row)
        return new if state is None else regression_merge(state, new)

    def merge(self, a: RegressionState, b: RegressionState) -> RegressionState:
        return regression_merge(a, b)

    def compute(self, state: RegressionState) -> MetricSet:
        return regression_compute(state)
