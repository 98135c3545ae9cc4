"""The Dask engine against the local engine on 20 Parquet parts (10M rows in total), one run.

    python bench/bench_dask.py --rows 10000000 --parts 20

Writes a hive-partitioned dataset ``part=i/data.parquet``; times ``evalml classify DIR``
(in memory), ``evalml classify DIR --engine dask`` (a LocalCluster of 2 worker processes on
127.0.0.1, started by the run and included in the time) and checks that every metric agrees;
prints the overhead ratio.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_classify import run_measured  # noqa: E402


def main() -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--parts", type=int, default=20)
    args = ap.parse_args()
    evalml = shutil.which("evalml")
    cmd = [evalml] if evalml else [sys.executable, "-m", "evalml_cli"]
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "preds"
        per = args.rows // args.parts
        for i in range(args.parts):
            y = rng.integers(0, 2, per, dtype=np.int8)
            p = 1.0 / (1.0 + np.exp(-(np.where(y == 1, 1.0, -1.0) + rng.normal(0.0, 1.5, per))))
            (root / f"part={i}").mkdir(parents=True)
            pq.write_table(pa.table({"y": y, "p": p}), root / f"part={i}" / "data.parquet")
        base = [*cmd, "classify", str(root), "-t", "y", "-s", "p", "-f", "json"]
        w1, r1, o1 = run_measured(base)
        w2, r2, o2 = run_measured([*base, "--engine", "dask"])
        a, b = json.loads(o1)["metrics"], json.loads(o2)["metrics"]
        worst = max(abs(a[k] - b[k]) / max(abs(a[k]), 1e-300) for k in a if a[k] is not None)
        print(f"rows: {per * args.parts:,} in {args.parts} parts")
        print(f"local engine : {w1:7.2f} s  peak {r1:6.0f} MiB")
        print(f"dask engine  : {w2:7.2f} s  (client peak {r2:6.0f} MiB; LocalCluster start included)")
        print(f"overhead ratio dask/local = {w2 / w1:.2f}; same keys: {set(a) == set(b)}; "
              f"largest relative difference {worst:.1e}")


if __name__ == "__main__":
    main()
