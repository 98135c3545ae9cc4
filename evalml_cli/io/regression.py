"""Reading and validating regression and density files (the counterpart of io.read_classification).

Every problem — unknown column, text, NaN/inf, bad sigma, bad covariance — becomes an
EvalmlError here, so the kernels trust their input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from evalml_cli.errors import EvalmlError
from evalml_cli.io import (
    ROW_OFFSET, TableSource, _negative_weight_warning, _row_list, drop_rows, invalid_rows, numeric_column,
    releases_arrow_pages,
)  # fmt: skip

REG_TARGET_CANDIDATES = ("y_true", "target", "data", "y", "measured", "observed", "truth", "label")
REG_PRED_CANDIDATES = ("y_pred", "pred", "prediction", "theory", "model", "fit", "output")


@dataclass
class RegressionData:
    """Validated regression input. ``preds`` is (n, R): R = 1, or R replicas."""

    y: np.ndarray
    preds: np.ndarray
    weight: np.ndarray | None
    sigma: np.ndarray | None
    cov: np.ndarray | None
    corr: np.ndarray | None
    rows: np.ndarray  # 1-based data row (in the file) of each kept row
    source: str
    target: str
    pred_names: list[str]
    weight_name: str | None
    sigma_name: str | None
    cov_path: str | None
    corr_path: str | None
    n_dropped: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_uncertainty_options(sigma: str | None, cov: str | None, corr: str | None, pulls: str | None) -> None:
    """Option combinations, checked before any file is read."""
    if cov is not None and sigma is not None and corr is None:
        raise EvalmlError("--cov and --sigma cannot be used together",
                          hint="give a full covariance with --cov, or --sigma with an optional --corr")
    if cov is not None and corr is not None:
        raise EvalmlError("--corr goes with --sigma, not --cov", hint="use --sigma COL --corr PATH, or --cov PATH alone")
    if corr is not None and sigma is None:
        raise EvalmlError("--corr needs --sigma", hint="C = D R D with D = diag(sigma): pass --sigma COL")
    if pulls is not None and sigma is None and cov is None:
        raise EvalmlError("--pulls needs uncertainties", hint="pass --sigma COL or --cov PATH")


def _matrix(path: str, n_file: int, keep: np.ndarray | None, kind: str, *, warnings: list[str]) -> np.ndarray:
    from evalml_cli.io.matrix import load_matrix, validate_covariance

    name = "covariance" if kind == "cov" else "correlation"
    m = load_matrix(path)
    validate_covariance(m, n_file, name=name, kind=kind)
    if keep is not None:
        m = m[np.ix_(keep, keep)]
        warnings.append(f"--drop-invalid: the {name} matrix was restricted to the {int(keep.sum())} kept rows "
                        "(the marginal covariance of the remaining data)")
    return m


@releases_arrow_pages
def read_regression(
    path: str,
    *,
    target: str | None = None,
    pred: str | None = None,
    weight: str | None = None,
    sigma: str | None = None,
    cov: str | None = None,
    corr: str | None = None,
    drop_invalid: bool = False,
    sep: str | None = None,
    decimal: str | None = None,
) -> RegressionData:
    src = path if isinstance(path, TableSource) else TableSource(path, sep=sep, decimal=decimal)
    target_col, t_det = src.column(target, REG_TARGET_CANDIDATES, "target", "--target")
    if pred is not None:
        pred_cols = src.columns_matching(pred, "--pred")
        p_det = False
    else:
        pred_cols, p_det = [src.column(None, REG_PRED_CANDIDATES, "prediction", "--pred")[0]], True
    if target_col in pred_cols:
        raise EvalmlError(f"column {target_col!r} is both the target and a prediction", hint="give different columns")
    weight_col = src.column(weight, (), "weight", "--weight")[0] if weight is not None else None
    sigma_col = src.column(sigma, (), "sigma", "--sigma")[0] if sigma is not None else None
    table = src.read([c for c in (target_col, *pred_cols, weight_col, sigma_col) if c is not None])
    notes = []
    if t_det or p_det:
        notes.append(f"using target column {target_col!r} and prediction column {pred_cols[0]!r} "
                     "(detected from the column names)")
    n_file = table.num_rows
    y = numeric_column(table, target_col, src.display)
    preds = np.empty((n_file, len(pred_cols)), np.float64)
    masks = {target_col: ~np.isfinite(y)}
    for j, col in enumerate(pred_cols):
        preds[:, j] = numeric_column(table, col, src.display)
        masks[col] = ~np.isfinite(preds[:, j])
    w = numeric_column(table, weight_col, src.display) if weight_col else None
    if w is not None:
        masks[weight_col] = ~np.isfinite(w)
    s = numeric_column(table, sigma_col, src.display) if sigma_col else None
    if s is not None:
        masks[sigma_col] = ~np.isfinite(s)
    keep = invalid_rows(masks, drop_invalid, src.display)
    n_dropped, y, preds, rows, w, s = drop_rows(keep, y, preds, np.arange(1, n_file + 1) + ROW_OFFSET.get(), w, s)
    warnings: list[str] = []
    if s is not None:
        from evalml_cli.io.matrix import validate_sigma

        validate_sigma(s, f"column {sigma_col!r}", rows)
    cov_m = _matrix(cov, n_file, keep, "cov", warnings=warnings) if cov is not None else None
    corr_m = _matrix(corr, n_file, keep, "corr", warnings=warnings) if corr is not None else None
    warnings += _negative_weight_warning(w)
    return RegressionData(y, preds, w, s, cov_m, corr_m, rows, src.display, target_col, pred_cols, weight_col,
                          sigma_col, cov, corr, n_dropped, notes, warnings)


@dataclass
class DensityData:
    """Validated density input: ``likelihood`` mode or ``p``/``q`` mode."""

    mode: str  # "likelihood" or "kl"
    likelihood: np.ndarray | None
    p: np.ndarray | None
    q: np.ndarray | None
    weight: np.ndarray | None
    source: str
    columns: dict[str, str | None]
    n_dropped: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_density_options(likelihood: str | None, p: str | None, q: str | None, weight: str | None) -> None:
    if likelihood is not None and (p is not None or q is not None):
        raise EvalmlError("give either --likelihood or --p/--q, not both")
    if likelihood is None and (p is None or q is None):
        raise EvalmlError("evalml density needs --likelihood COL, or both --p COL and --q COL",
                          hint="e.g. evalml density hist.csv --p observed --q expected")
    if weight is not None and likelihood is None:
        raise EvalmlError("--weight applies to --likelihood only", hint="p and q are already distributions")


@releases_arrow_pages
def read_density(
    path: str,
    *,
    likelihood: str | None = None,
    p: str | None = None,
    q: str | None = None,
    weight: str | None = None,
    drop_invalid: bool = False,
    sep: str | None = None,
    decimal: str | None = None,
) -> DensityData:
    src = path if isinstance(path, TableSource) else TableSource(path, sep=sep, decimal=decimal)
    if likelihood is not None:
        l_col = src.column(likelihood, (), "likelihood", "--likelihood")[0]
        w_col = src.column(weight, (), "weight", "--weight")[0] if weight is not None else None
        table = src.read([c for c in (l_col, w_col) if c is not None])
        lik = numeric_column(table, l_col, src.display)
        w = numeric_column(table, w_col, src.display) if w_col else None
        masks = {l_col: ~np.isfinite(lik)}
        if w is not None:
            masks[w_col] = ~np.isfinite(w)
        keep = invalid_rows(masks, drop_invalid, src.display)
        n_dropped, lik, w, rows = drop_rows(keep, lik, w, np.arange(1, table.num_rows + 1) + ROW_OFFSET.get())
        bad = lik <= 0
        if bad.any():
            raise EvalmlError(
                f"column {l_col!r}: {int(bad.sum())} row(s) have a zero or negative likelihood "
                f"(data rows {_row_list(bad, rows=rows)}); the log-likelihood is -inf there",
                hint="a density must be > 0 at every observed sample; check the model or the column",
            )
        return DensityData("likelihood", lik, None, None, w, src.display,
                           {"likelihood": l_col, "weight": w_col}, n_dropped)
    p_col = src.column(p, (), "p", "--p")[0]
    q_col = src.column(q, (), "q", "--q")[0]
    if p_col == q_col:
        raise EvalmlError(f"--p and --q both name column {p_col!r}", hint="give two different columns")
    table = src.read([p_col, q_col])
    pv = numeric_column(table, p_col, src.display)
    qv = numeric_column(table, q_col, src.display)
    keep = invalid_rows({p_col: ~np.isfinite(pv), q_col: ~np.isfinite(qv)}, drop_invalid, src.display)
    n_dropped, pv, qv, rows = drop_rows(keep, pv, qv, np.arange(1, table.num_rows + 1) + ROW_OFFSET.get())
    for col, v in ((p_col, pv), (q_col, qv)):
        neg = v < 0
        if neg.any():
            raise EvalmlError(f"column {col!r}: {int(neg.sum())} negative value(s) (data rows {_row_list(neg, rows=rows)})",
                              hint="p and q must be counts or probabilities (>= 0)")
        if not v.max() > 0:  # values are ≥ 0 here; a plain sum could overflow
            raise EvalmlError(f"column {col!r} sums to 0: not a distribution")
    return DensityData("kl", None, pv, qv, None, src.display, {"p": p_col, "q": q_col}, n_dropped)
