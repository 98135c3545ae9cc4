"""Load and validate a covariance or correlation matrix (and per-row sigmas) for χ².

Validation happens here, once, at the boundary (STYLE rule 3): every problem becomes an
:class:`EvalmlError` naming the file or option and what is wrong, with numbers. Positive
definiteness is the one property checked later, by the Cholesky factorization itself in
:func:`evalml_cli.kernels.regression.chi2_cholesky` (a separate check would cost a second O(n³)).
Row and column numbers in messages are 1-based, like the data rows in io.py's messages.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from evalml_cli.errors import EvalmlError
from evalml_cli.io import first_line as _first_line

_FORMATS_HINT = (
    "use .npy (numpy.save), .csv (comma-separated numbers only, no header row) or "
    ".txt/.dat (whitespace-separated numbers)"
)
#: Relative tolerance for symmetry (of max |C|) and for a correlation's unit diagonal / bounds.
SYM_RTOL = 1e-8
CORR_TOL = 1e-8


def load_matrix(path: str) -> np.ndarray:
    """Read a 2-D float64 matrix from ``.npy``, ``.csv`` or whitespace-separated text.

    * ``.npy``: ``np.load(path, allow_pickle=False)``; must be a real numeric 2-D array.
    * ``.csv`` / ``.csv.gz``: ``np.loadtxt(path, delimiter=",", ndmin=2)``; numbers only, a
      header row is an error.
    * anything else (``.txt``, ``.dat``, …): ``np.loadtxt(path, ndmin=2)``, whitespace-separated.

    Raises
    ------
    EvalmlError
        "matrix file not found: cov.csv", "cannot parse matrix file cov.csv: could not convert
        string 'a' to float64 at row 0, column 1.", "matrix file cov.npy is empty", "matrix file
        cov.npy holds a 1-D array of shape (5,), expected a 2-D matrix", … each with a hint.

    Examples
    --------
    A file ``cov.csv`` with lines ``1,0.5`` and ``0.5,2`` loads as ``[[1.0, 0.5], [0.5, 2.0]]``.
    """
    p = Path(path)
    if not p.exists():
        raise EvalmlError(f"matrix file not found: {path}", hint="check the path")
    if p.is_dir():
        raise EvalmlError(f"matrix file {path} is a directory, not a file")
    if not p.is_file():
        # A FIFO or device would block, or never end: a matrix is read from a regular file.
        raise EvalmlError(f"matrix file {path} is not a regular file (a pipe or device)",
                          hint="write the matrix to a file first, e.g. .npy with numpy.save")
    name = p.name.lower()
    try:
        with warnings.catch_warnings():
            # np.loadtxt warns on an empty file; we raise instead.
            warnings.simplefilter("ignore")
            if name.endswith(".npy"):
                # Memory-mapped: the Cholesky factorization makes the one copy it needs, so a
                # 200 MB covariance is not also read into a second buffer first.
                arr = np.load(path, mmap_mode="r", allow_pickle=False)
            elif name.endswith(".npz"):
                raise EvalmlError(
                    f"matrix file {path} is an .npz archive; one matrix is expected",
                    hint="save it with numpy.save(path, matrix) as .npy",
                )
            elif name.endswith((".csv", ".csv.gz")):
                arr = np.loadtxt(path, delimiter=",", ndmin=2, dtype=np.float64)
            else:
                arr = np.loadtxt(path, ndmin=2, dtype=np.float64)
    except EvalmlError:
        raise
    except (ValueError, OSError, EOFError, UnicodeDecodeError, TypeError, SyntaxError, OverflowError) as exc:
        raise EvalmlError(f"cannot parse matrix file {path}: {_first_line(exc)}", hint=_FORMATS_HINT) from None
    if not isinstance(arr, np.ndarray):
        raise EvalmlError(f"matrix file {path} does not hold a single array", hint=_FORMATS_HINT)
    if arr.dtype.kind not in "iuf":
        raise EvalmlError(
            f"matrix file {path} holds {arr.dtype} values, expected real numbers", hint=_FORMATS_HINT
        )
    if arr.size == 0:
        raise EvalmlError(f"matrix file {path} is empty", hint=_FORMATS_HINT)
    if arr.ndim != 2:
        raise EvalmlError(
            f"matrix file {path} holds a {arr.ndim}-D array of shape {arr.shape}, expected a 2-D matrix",
            hint=_FORMATS_HINT,
        )
    return np.ascontiguousarray(arr, dtype=np.float64)


def _largest_asymmetry(c: np.ndarray, block: int = 256) -> tuple[float, int, int]:
    """(max |C[i,j] − C[j,i]|, i, j) with i >= j, tile by tile.

    ``np.abs(c - c.T)`` at n = 5000 makes two 200 MB temporaries and reads ``c.T`` with a
    stride of a whole row: 0.7 s. Comparing 256×256 tiles of the lower triangle with their
    mirror tiles stays in cache: 0.05 s. The loop is over tiles, not rows.
    """
    n = c.shape[0]
    worst, wi, wj = 0.0, 0, 0
    for i0 in range(0, n, block):
        for j0 in range(0, i0 + 1, block):
            d = np.abs(c[i0 : i0 + block, j0 : j0 + block] - c[j0 : j0 + block, i0 : i0 + block].T)
            flat = int(np.argmax(d))
            if d.flat[flat] > worst:
                di, dj = np.unravel_index(flat, d.shape)
                worst, wi, wj = float(d.flat[flat]), i0 + int(di), j0 + int(dj)
    return worst, max(wi, wj), min(wi, wj)


def validate_covariance(c: np.ndarray, n: int, name: str = "covariance", kind: str = "cov") -> None:
    """Check that ``c`` can be the covariance (``kind="cov"``) or correlation (``"corr"``) of n rows.

    Checks, in order: 2-D; square; every entry finite; n×n; symmetric within
    |C − Cᵀ| <= 1e-8·max|C| (only the lower triangle is used afterwards); for a correlation,
    unit diagonal within 1e-8 and every |entry| <= 1 + 1e-8. Positive definiteness is left to
    the Cholesky factorization in ``chi2_cholesky``.

    Raises
    ------
    EvalmlError
        e.g. "covariance must be a square matrix, got shape (3, 4)", "covariance has 2
        NaN or infinite entries (first at row 1, column 3)", "covariance is 4×4 but there are
        5 data rows", "covariance is not symmetric: |C[2,1] − C[1,2]| = 0.1 (tolerance
        2e-08 = 1e-8·max|C|)", "correlation diagonal must be 1: 1 entry differs (first at row 2: 0.9)",
        "correlation has 2 entries with |value| > 1 (first at row 1, column 2: 1.5)".

    Examples
    --------
    >>> validate_covariance(np.array([[2.0, 0.5], [0.5, 1.0]]), 2)  # passes silently
    """
    if kind not in ("cov", "corr"):
        raise ValueError(f"kind must be 'cov' or 'corr', got {kind!r}")
    c = np.asarray(c)
    if c.ndim != 2:
        raise EvalmlError(f"{name} must be a 2-D matrix, got {c.ndim} dimension(s) with shape {c.shape}")
    if c.shape[0] != c.shape[1]:
        raise EvalmlError(f"{name} must be a square matrix, got shape {c.shape}")
    if not np.isfinite(c).all():
        bad = ~np.isfinite(c)
        i, j = np.unravel_index(int(np.argmax(bad)), c.shape)
        raise EvalmlError(
            f"{name} has {int(np.count_nonzero(bad))} NaN or infinite entries (first at row {i + 1}, column {j + 1})",
            hint="every entry must be a finite number",
        )
    k = c.shape[0]
    if k != n:
        raise EvalmlError(
            f"{name} is {k}×{k} but there are {n} data rows",
            hint="the matrix needs one row and one column per data row of the file, in file order, "
            "including rows --drop-invalid skips (they are removed from the matrix too)",
        )
    scale = max(float(c.max()), -float(c.min())) if c.size else 0.0
    worst, i, j = _largest_asymmetry(c)
    tol = SYM_RTOL * scale
    if worst > tol:
        raise EvalmlError(
            f"{name} is not symmetric: |C[{i + 1},{j + 1}] − C[{j + 1},{i + 1}]| = {worst:.3g} "
            f"(tolerance {tol:.3g} = 1e-8·max|C|)",
            hint="if the asymmetry is rounding, symmetrize it: (C + C.T) / 2",
        )
    if kind == "corr":
        diag_off = np.abs(np.diagonal(c) - 1.0) > CORR_TOL
        n_diag = int(np.count_nonzero(diag_off))
        if n_diag:
            i = int(np.argmax(diag_off))
            raise EvalmlError(
                f"{name} diagonal must be 1: {n_diag} entr{'y differs' if n_diag == 1 else 'ies differ'} "
                f"(first at row {i + 1}: {c[i, i]:g})",
                hint="a correlation matrix has ones on the diagonal; pass a covariance with --cov instead",
            )
        over = np.abs(c) > 1.0 + CORR_TOL
        n_over = int(np.count_nonzero(over))
        if n_over:
            i, j = np.unravel_index(int(np.argmax(over)), c.shape)
            raise EvalmlError(
                f"{name} has {n_over} entries with |value| > 1 (first at row {i + 1}, column {j + 1}: {c[i, j]:g})",
                hint="correlations lie in [-1, 1]; is this a covariance?",
            )


def validate_sigma(sigma: np.ndarray, name: str, rows: np.ndarray | None = None) -> None:
    """Check per-row standard deviations: every one finite and strictly positive.

    Raises
    ------
    EvalmlError
        "column 'sigma': 3 row(s) have a zero or negative uncertainty (first at data row 7: 0)".

    ``rows`` gives each entry's 1-based data row in the file (after ``--drop-invalid``);
    by default entry i is row i + 1.

    Examples
    --------
    >>> validate_sigma(np.array([0.1, 2.0]), "column 'sigma'")  # passes silently
    """
    sigma = np.asarray(sigma, dtype=np.float64)
    rows = np.arange(1, sigma.shape[0] + 1) if rows is None else rows
    bad = ~np.isfinite(sigma)
    if bad.any():
        i = int(np.argmax(bad))
        raise EvalmlError(
            f"{name}: {int(bad.sum())} row(s) have a NaN or infinite uncertainty (first at data row {int(rows[i])})",
            hint="every sigma must be a finite positive number",
        )
    bad = sigma <= 0
    if bad.any():
        i = int(np.argmax(bad))
        raise EvalmlError(
            f"{name}: {int(bad.sum())} row(s) have a zero or negative uncertainty "
            f"(first at data row {int(rows[i])}: {sigma[i]:g})",
            hint="sigma is a standard deviation and must be > 0; drop or fix those rows",
        )
