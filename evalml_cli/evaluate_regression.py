"""The library API for regression and density data: validated data in, :class:`Report` out.

The counterpart of ``evaluate.classify_binary`` / ``classify_multiclass`` for ``evalml regress``
and ``evalml density`` (to be folded into evaluate.py). scipy is imported only inside the χ²
kernel, so importing this module costs NumPy alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalml_cli import metrics
from evalml_cli.report import Pulls, Report, metrics_from


def quiet_numpy(func):
    """Run ``func`` under ``np.errstate(all="ignore")``: kernels turn every NaN/inf they can make
    (0/0 with zero or negative weights, sums of weights beyond 1.8e308) into a null metric with
    a reason, so NumPy's own RuntimeWarning must never reach stderr (issue 8 item 17)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import numpy as np

        with np.errstate(all="ignore"):
            return func(*args, **kwargs)

    return wrapper

if TYPE_CHECKING:
    from evalml_cli.io.regression import DensityData, RegressionData


@quiet_numpy
def regress(data: RegressionData, n_params: int = 0, quantile: float = 0.5) -> Report:
    """Regression metrics of the (mean) prediction; χ², p-value and pulls with uncertainties;
    the bias–variance decomposition across replicas when there are several prediction columns.

    With R prediction columns the main metrics (``mse``, ``rmse``, ``mae``, ``r2``,
    ``max_abs_error``, ``mean_residual``, ``mape``, ``median_absolute_error``,
    ``explained_variance``, ``pinball_loss`` at ``quantile``) are those of the row-wise mean prediction, and χ² uses
    r = target − mean prediction. ``pull_max_row`` is the 1-based data row in the file (rows
    skipped by ``--drop-invalid`` keep their numbers). Per-row residuals and pulls (for
    ``--pulls``) are in ``report.pulls`` (rows, residuals, pulls arrays).

    Examples
    --------
    >>> import numpy as np
    >>> from evalml_cli.io.regression import RegressionData
    >>> d = RegressionData(np.array([1.0, 2.0]), np.array([[0.0], [0.0]]), None, np.array([1.0, 2.0]),
    ...                    None, None, np.array([1, 2]), "x.csv", "y", ["p"], None, "s", None, None)
    >>> m = regress(d).metrics
    >>> m["mse"], m["chi2"], m["ndof"], round(m["p_value"], 4)
    (2.5, 2.0, 2, 0.3679)
    """
    import numpy as np

    from evalml_cli.errors import EvalmlError
    from evalml_cli.kernels.regression import (
        bias_variance, chi2_cholesky, median_absolute_error, regression_compute, regression_update,
    )  # fmt: skip

    if not 0.0 < quantile < 1.0:
        raise EvalmlError(f"--quantile must be strictly between 0 and 1, got {quantile:g}", hint="e.g. --quantile 0.9")
    n_preds = data.preds.shape[1]
    mean_pred = data.preds.mean(axis=1) if n_preds > 1 else data.preds[:, 0]
    ms = regression_compute(regression_update(data.y, mean_pred, data.weight), quantile=quantile)
    ms.update(median_absolute_error(data.y, mean_pred, data.weight))  # needs the rows: not mergeable
    ms.values.pop("n", None)  # n is the report's top-level count
    residual = data.y - mean_pred
    warnings = list(data.warnings)
    pulls = None
    if data.sigma is not None or data.cov is not None:
        chi, pulls = chi2_cholesky(residual, cov=data.cov, sigma=data.sigma, corr=data.corr, n_params=n_params)
        row = chi.values.get("pull_max_row")
        if row is not None and np.isfinite(row):
            chi.values["pull_max_row"] = float(data.rows[int(row)])  # 0-based kept row → 1-based file row
        ms.update(chi)
        if data.weight is not None:
            warnings.append("--weight does not enter chi2 or the pulls: their weights are the inverse covariance")
    elif n_params:
        warnings.append(f"--n-params {n_params} is ignored: it only sets ndof for chi2, which needs --sigma or --cov")
    if n_preds > 1:
        bv = bias_variance(data.y, data.preds, data.weight)
        ms.update(bv)
        # The decomposition's check, side by side with the mean replica MSE (expected_mse).
        ms.set("bias2_plus_variance", bv.values["bias2"] + bv.values["variance"], bv.reasons.get("bias2"))
    return regression_report(ms, data, n=int(data.y.shape[0]), n_preds=n_preds, n_params=n_params, quantile=quantile,
                             warnings=warnings, pulls=Pulls(data.rows, residual, pulls, mean_pred))


def regression_report(ms, data: RegressionData, *, n: int, n_preds: int, n_params: int, quantile: float,
                      warnings: list[str], pulls: Pulls | None = None) -> Report:
    """The regression Report from computed metrics (``data`` gives the names; its arrays are not read)."""
    values, more = metrics_from(ms, metrics.count_names(metrics.REGRESSION))
    inputs = {
        "file": data.source,
        "target": data.target,
        "pred": list(data.pred_names) if n_preds > 1 else data.pred_names[0],
        "weight": data.weight_name,
        "sigma": data.sigma_name,
        "cov": data.cov_path,
        "corr": data.corr_path,
        "n_params": n_params,
        "quantile": quantile,
    }
    return Report(
        task=metrics.REGRESSION,
        n=n,
        inputs=inputs,
        metrics=values,
        warnings=warnings + more,
        n_dropped=data.n_dropped,
        notes=list(data.notes),
        pulls=pulls,
    )


@quiet_numpy
def density(data: DensityData) -> Report:
    """Negative log-likelihood of per-sample densities (``mode == "likelihood"``), or the KL
    divergences both ways and the Jensen–Shannon divergence of two histograms (``"kl"``).

    An infinite KL (q = 0 in a bin where p > 0) is reported as None with a warning that says
    so; a note says when p and q were normalized.

    Examples
    --------
    >>> import numpy as np
    >>> from evalml_cli.io.regression import DensityData
    >>> d = DensityData("kl", None, np.array([1.0, 1.0]), np.array([1.0, 3.0]), None, "h.csv", {"p": "a", "q": "b"})
    >>> r = density(d)
    >>> round(r.metrics["kl_divergence"], 4), r.warnings
    (0.1438, ['p and q were normalized to sum to 1'])
    """
    from evalml_cli.kernels.density import kl, nll

    if data.mode == "likelihood":
        ms = nll(data.likelihood, data.weight)
        n = int(data.likelihood.shape[0])
    else:
        ms = kl(data.p, data.q)
        n = int(data.p.shape[0])
    return density_report(ms, data, n=n)


def density_report(ms, data: DensityData, *, n: int) -> Report:
    """The density Report from computed metrics (``data`` gives the names; its arrays are not read)."""
    values, warnings = metrics_from(ms)
    return Report(
        task=metrics.DENSITY,
        n=n,
        inputs={"file": data.source, **data.columns},
        metrics=values,
        warnings=data.warnings + warnings,
        n_dropped=data.n_dropped,
        notes=list(data.notes),
    )
