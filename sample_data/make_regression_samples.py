"""Regenerate the regression and density samples in sample_data/ (deterministic seeds).

    python sample_data/make_regression_samples.py

fit.csv       a binned spectrum (40 bins): bin, x, data, theory, stat_err (the √diag of cov)
cov.npy/.csv  the data's full 40×40 covariance: statistical (diagonal) plus a correlated
              systematic (10 % normalisation-like, correlation length 0.2 in x)
corr.csv      the matching correlation matrix, for --sigma stat_err --corr corr.csv
replicas.csv  target + 20 Monte Carlo replicas rep_0 … rep_19 of a fitted model (also .parquet)
density.csv   1,000 samples x with the model's density model_pdf at each (a unit Gaussian model
              for data drawn from a slightly wider one)
hist.csv      observed and expected counts over 30 bins
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _csv(path: Path, columns: dict[str, np.ndarray]) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    pacsv.write_csv(pa.table(columns), path)


def spectrum(rng: np.random.Generator, n: int = 40):
    x = (np.arange(n) + 0.5) / n
    theory = 1000.0 * np.exp(-3.0 * x) + 20.0
    stat = np.sqrt(theory)
    syst = 0.05 * theory
    corr_len = 0.2
    rho = np.exp(-np.abs(x[:, None] - x[None, :]) / corr_len)
    cov = np.diag(stat**2) + np.outer(syst, syst) * rho
    data = theory + np.linalg.cholesky(cov) @ rng.standard_normal(n)
    sigma = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sigma, sigma)
    np.fill_diagonal(corr, 1.0)
    return x, np.round(data, 4), np.round(theory, 4), sigma, cov, corr


def main() -> None:
    rng = np.random.default_rng(42)
    x, data, theory, sigma, cov, corr = spectrum(np.random.default_rng(43))
    _csv(HERE / "fit.csv", {"bin": np.arange(1, x.size + 1), "x": x, "data": data, "theory": theory,
                            "stat_err": sigma})
    np.save(HERE / "cov.npy", cov)
    np.savetxt(HERE / "cov.csv", cov, delimiter=",", fmt="%.17g")
    np.savetxt(HERE / "corr.csv", corr, delimiter=",", fmt="%.17g")

    n, reps = 200, 20
    t = np.linspace(0, 2 * np.pi, n)
    y = np.sin(t) + rng.normal(0, 0.1, n)
    columns = {"t": t, "target": np.round(y, 6)}
    for r in range(reps):
        wiggle = rng.normal(0, 0.05) + 0.1 * np.sin(t * rng.uniform(1, 3) + rng.uniform(0, 6))
        columns[f"rep_{r}"] = np.round(0.95 * np.sin(t) + wiggle, 6)
    _csv(HERE / "replicas.csv", columns)
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), HERE / "replicas.parquet")

    samples = rng.normal(0.0, 1.1, 1000)
    pdf = np.exp(-0.5 * samples**2) / np.sqrt(2 * np.pi)
    _csv(HERE / "density.csv", {"x": np.round(samples, 6), "model_pdf": pdf})

    edges = np.linspace(-4, 4, 31)
    observed = np.histogram(rng.normal(0.1, 1.0, 5000), edges)[0]
    centers = (edges[:-1] + edges[1:]) / 2
    expected = 5000 * np.exp(-0.5 * centers**2) / np.sqrt(2 * np.pi) * (edges[1] - edges[0])
    _csv(HERE / "hist.csv", {"bin": np.arange(1, 31), "observed": observed, "expected": np.round(expected, 4)})


if __name__ == "__main__":
    main()
