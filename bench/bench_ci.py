"""Time evalml's interval kernels against the naive way, in one run.

    python bench/bench_ci.py                       # 1,000 replicates on 1M rows; DeLong at 10M
    python bench/bench_ci.py --rows 100000 --boot 200 --delong-rows 1000000   # quick

1. Bootstrap: ``bootstrap.binary_replicates`` (every binary metric, 1,000 replicates, rows sorted
   once, counts in blocks) against a loop that resamples row indices and calls scikit-learn on
   each replicate (roc_auc, average_precision, log_loss, brier and the threshold metrics). The
   naive loop is timed for ``--naive`` replicates and extrapolated to ``--boot``; the ratio is
   printed. The two agree on the percentile interval of roc_auc within Monte-Carlo noise.
   ``--cli`` also times the command end to end (``evalml classify FILE.parquet --ci`` in a
   subprocess: read, every metric, DeLong, Wilson and 1,000 bootstrap replicates) against the
   same command without ``--ci``.
2. DeLong: ``intervals.delong_auc_variance`` at ``--delong-rows`` rows against the plain
   sort-based AUC evalml computes without ``--ci`` (``binary_update`` + ``ranking_metrics``),
   and scikit-learn's ``roc_auc_score`` for scale.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np


def make_data(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, rows).astype(bool)
    p = 1.0 / (1.0 + np.exp(-(np.where(y, 1.0, -1.0) + rng.normal(0.0, 1.5, rows))))
    return y, p


def naive_replicate(y: np.ndarray, p: np.ndarray, rng: np.random.Generator) -> dict[str, float]:
    from sklearn import metrics as m

    idx = rng.integers(0, y.shape[0], y.shape[0])
    yy, pp = y[idx], p[idx]
    pred = pp >= 0.5
    tn, fp, fn, tp = m.confusion_matrix(yy, pred, labels=[False, True]).ravel()
    return dict(
        tp=tp, fp=fp, tn=tn, fn=fn, accuracy=m.accuracy_score(yy, pred),
        precision=m.precision_score(yy, pred), recall=m.recall_score(yy, pred),
        specificity=m.recall_score(yy, pred, pos_label=False),
        balanced_accuracy=m.balanced_accuracy_score(yy, pred), f1=m.f1_score(yy, pred),
        mcc=m.matthews_corrcoef(yy, pred), roc_auc=m.roc_auc_score(yy, pp),
        average_precision=m.average_precision_score(yy, pp), log_loss=m.log_loss(yy, pp),
        brier=m.brier_score_loss(yy, pp),
    )  # fmt: skip


def timed(fn, *args, repeat: int = 1, **kwargs):
    """Best wall time of ``repeat`` runs, and the last result."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t)
    return best, out


def bench_bootstrap(rows: int, boot: int, naive: int) -> None:
    from evalml_cli.kernels.bootstrap import binary_replicates

    y, p = make_data(rows)
    t_ours, reps = timed(binary_replicates, y, p, threshold=0.5, n_boot=boot, seed=0)
    t_iv, ivs = timed(reps.intervals, 0.95)
    rng = np.random.default_rng(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_naive, naive_vals = timed(lambda: [naive_replicate(y, p, rng) for _ in range(naive)])
    t_naive_full = t_naive * boot / naive
    naive_auc = np.array([v["roc_auc"] for v in naive_vals])
    print(f"bootstrap: {rows:,} rows, {boot:,} replicates, {len(reps.values)} metrics each")
    print(f"  evalml  binary_replicates      {t_ours:8.2f} s  (+{t_iv:.3f} s for every interval)")
    print(f"  naive   resample + sklearn     {t_naive_full:8.2f} s  (measured {t_naive:.2f} s for {naive}, x{boot / naive:g})")
    print(f"  ratio   naive / evalml         {t_naive_full / t_ours:8.1f}x   target: evalml < 15 s on 2 cores")
    print(f"  roc_auc 95% interval [{ivs['roc_auc'].low:.5f}, {ivs['roc_auc'].high:.5f}]; "
          f"replicate sd evalml {np.nanstd(reps.values['roc_auc']):.2e}, naive {naive_auc.std():.2e}")  # fmt: skip


def bench_delong(rows: int) -> None:
    from sklearn.metrics import roc_auc_score

    from evalml_cli.kernels.binary import binary_update, ranking_metrics
    from evalml_cli.kernels.intervals import delong_auc_variance

    y, p = make_data(rows, seed=2)
    t_plain, ms = timed(lambda: ranking_metrics(binary_update(y, p)), repeat=2)
    t_delong, (auc, var) = timed(delong_auc_variance, y, p, repeat=2)
    t_sk, auc_sk = timed(roc_auc_score, y, p)
    assert abs(auc - ms.values["roc_auc"]) < 1e-12 and abs(auc - auc_sk) < 1e-9
    print(f"DeLong: {rows:,} rows (AUC {auc:.5f} ± {np.sqrt(var):.2e}), best of 2")
    print(f"  delong_auc_variance            {t_delong:8.2f} s")
    print(f"  plain sort-based AUC (evalml)  {t_plain:8.2f} s   ratio {t_delong / t_plain:.2f}x (target <= 2x)")
    print(f"  sklearn roc_auc_score          {t_sk:8.2f} s")


def bench_cli(rows: int, boot: int) -> None:
    import subprocess
    import sys
    import tempfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    y, p = make_data(rows, seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "preds.parquet")
        pq.write_table(pa.table({"y": y.astype(np.int8), "p": p}), path)
        cmd = [sys.executable, "-m", "evalml_cli", "classify", path, "-t", "y", "-s", "p", "-f", "json", "-q"]

        def run(*extra: str) -> None:
            subprocess.run([*cmd, *extra], check=True)

        t_plain, _ = timed(run, repeat=2)
        t_ci, _ = timed(run, "--ci", "--bootstrap", str(boot), repeat=2)
    print(f"CLI end to end: evalml classify, {rows:,} rows (Parquet), best of 2")
    print(f"  without --ci                   {t_plain:8.2f} s")
    print(f"  --ci --bootstrap {boot:<6}        {t_ci:8.2f} s   target: < 15 s on 2 cores")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--naive", type=int, default=20, help="naive replicates actually timed")
    ap.add_argument("--delong-rows", type=int, default=10_000_000)
    ap.add_argument("--cli", action="store_true", help="also time `evalml classify --ci` end to end")
    args = ap.parse_args()
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    bench_bootstrap(args.rows, args.boot, args.naive)
    if args.cli:
        bench_cli(args.rows, args.boot)
    bench_delong(args.delong_rows)


if __name__ == "__main__":
    main()
