"""Time evalml's chi2_cholesky against a naive np.linalg.inv χ², in one run.

    python bench/bench_chi2.py --n 5000 [--repeat 3]

Builds a random SPD covariance C = A Aᵀ/n + 0.1 I (A standard normal, condition ≈ 41), then times
``chi2_cholesky(r, cov=C)`` end to end (Cholesky, triangular solve, p-value, pulls, condition
number) and the naive ``r @ inv(C) @ r``, checks they agree, and prints both and the ratio.
Finally it writes the n rows as a CSV and C as ``cov.npy`` and times the installed
``evalml regress FILE --cov cov.npy -f json`` in a fresh subprocess ``--repeat`` times (wall
clock: start-up, reading, loading and validating the matrix, the scipy import, χ², rendering),
printing every run, the best and the median.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="number of rows (covariance is n×n)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="end-to-end subprocess runs")
    args = parser.parse_args()
    n = args.n

    from evalml_cli.kernels.regression import chi2_cholesky
    from evalml_cli.io.matrix import validate_covariance

    rng = np.random.default_rng(args.seed)
    a = rng.standard_normal((n, n))
    cov = a @ a.T / n + 0.1 * np.eye(n)
    r = rng.standard_normal(n)
    import scipy.linalg  # noqa: F401  (import cost kept out of both timings)
    import scipy.special  # noqa: F401

    t0 = time.perf_counter()
    validate_covariance(cov, n)
    t_valid = time.perf_counter() - t0

    t0 = time.perf_counter()
    ms, _ = chi2_cholesky(r, cov=cov)
    t_chol = time.perf_counter() - t0

    t0 = time.perf_counter()
    chi2_naive = float(r @ np.linalg.inv(cov) @ r)
    t_inv = time.perf_counter() - t0

    chi2 = ms.values["chi2"]
    print(f"n = {n}")
    print(f"evalml chi2_cholesky: {t_chol:8.3f} s   chi2 = {chi2:.10g}   cond = {ms.values['cond_number']:.4g}")
    print(f"validate_covariance : {t_valid:8.3f} s   (shape, finiteness, symmetry)")
    print(f"naive np.linalg.inv : {t_inv:8.3f} s   chi2 = {chi2_naive:.10g}")
    print(f"ratio inv / cholesky: {t_inv / t_chol:8.2f}x   relative difference {abs(chi2 - chi2_naive) / chi2:.2e}")

    # End to end: the installed command on a CSV with a .npy covariance, in a subprocess.
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "fit.csv"
        y = rng.standard_normal(n)
        pred = y - r
        data.write_text("data,theory\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(y, pred)))
        np.save(Path(tmp) / "cov.npy", cov)
        exe = shutil.which("evalml")
        cmd = [exe] if exe else [sys.executable, "-m", "evalml_cli"]
        import json
        import statistics

        walls = []
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            proc = subprocess.run([*cmd, "regress", str(data), "--cov", str(Path(tmp) / "cov.npy"), "-f", "json"],
                                  capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr)
        chi2_cli = json.loads(proc.stdout)["metrics"]["chi2"]
        assert abs(chi2_cli - chi2) <= 1e-9 * chi2, (chi2_cli, chi2)
        runs = ", ".join(f"{t:.2f}" for t in walls)
        print(f"evalml regress --cov (end to end, subprocess): best {min(walls):6.3f} s, "
              f"median {statistics.median(walls):6.3f} s   (runs: {runs})   chi2 = {chi2_cli:.10g}")


if __name__ == "__main__":
    main()
