"""Time the binned ranking state against the exact one, update + compute, in one run.

    python bench/bench_binned.py                       # 10M rows, budget 4096
    python bench/bench_binned.py --rows 1000000 --repeat 5 --budget 1024

Generates N rows (y, sigmoid scores) in memory, then times, best of --repeat:

* exact:  ``binary_update`` + ``ranking_metrics`` (kernels/binary.py, one entry per distinct score)
* binned: ``ranking_update`` + ``ranking_compute`` (kernels/ranking.py, <= budget bins)
* binned over 8 batches: update per batch, then merge (what a chunked reader or Dask does)

and prints wall times, the ratio exact / binned, the state sizes, and the binned AUC's error
against the exact one next to the reported ``roc_auc_error_bound``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from evalml_cli.kernels.binary import binary_update, ranking_metrics
from evalml_cli.kernels.ranking import ranking_compute, ranking_update
from evalml_cli.kernels.state import reduce_states


def best_of(repeat: int, fn):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--budget", type=int, default=4096)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    rng = np.random.default_rng(0)
    y = rng.random(args.rows) < 0.3
    s = 1 / (1 + np.exp(-(rng.normal(size=args.rows) + 1.2 * y)))

    def exact():
        st = binary_update(y, s)
        return st, ranking_metrics(st)

    def binned():
        st = ranking_update(None, y, s, budget=args.budget)
        return st, ranking_compute(st)

    def batched():
        cuts = np.linspace(0, args.rows, 9).astype(int)
        parts = [ranking_update(None, y[a:b], s[a:b], budget=args.budget) for a, b in zip(cuts[:-1], cuts[1:])]
        st = reduce_states(parts)
        return st, ranking_compute(st)

    t_exact, (st_e, ms_e) = best_of(args.repeat, exact)
    t_binned, (st_b, ms_b) = best_of(args.repeat, binned)
    t_batched, (st_k, ms_k) = best_of(args.repeat, batched)

    auc_e, auc_b = ms_e.values["roc_auc"], ms_b.values["roc_auc"]
    bound = ms_b.values["roc_auc_error_bound"]
    print(f"rows {args.rows:,}  budget {args.budget:,}  best of {args.repeat}")
    print(f"exact   update+compute {t_exact:8.3f} s   {st_e.scores.size:>10,} distinct scores")
    print(f"binned  update+compute {t_binned:8.3f} s   {st_b.keys.size:>10,} bins (shift {st_b.shift})")
    print(f"binned  8 batches+merge{t_batched:8.3f} s   {st_k.keys.size:>10,} bins (same as whole: "
          f"{np.array_equal(st_k.keys, st_b.keys)})")
    print(f"ratio exact / binned   {t_exact / t_binned:8.2f}x")
    print(f"roc_auc exact {auc_e:.10f}  binned {auc_b:.10f}  |diff| {abs(auc_e - auc_b):.2e}  "
          f"bound {bound:.2e}  holds: {abs(auc_e - auc_b) <= bound}")
    ap_e, ap_b = ms_e.values["average_precision"], ms_b.values["average_precision"]
    print(f"average_precision |diff| {abs(ap_e - ap_b):.2e}  bound "
          f"{ms_b.values['average_precision_error_bound']:.2e}")


if __name__ == "__main__":
    main()
