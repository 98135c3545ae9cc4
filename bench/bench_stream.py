"""Streaming a Parquet file larger than --memory-limit: peak RSS, rows/s and the AUC bound.

    python bench/bench_stream.py --rows 200000000 --memory-limit 1G    # the issue's run (~3.2 GB file)
    python bench/bench_stream.py --rows 20000000 --memory-limit 256M   # a quick run

Writes N rows (y int8, p float64; continuous scores) to a Parquet file in row groups, then runs,
each in its own process with peak RSS from wait4's rusage: ``evalml classify FILE
--memory-limit LIMIT`` (streamed) and, for the rows/s reference, ``evalml classify`` on the
first ``--inmem-rows`` rows in memory. Prints peak RSS against the limit, rows/s of both, their
ratio, and the reported roc_auc_error_bound.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_classify import run_measured  # noqa: E402


def write(path: Path, rows: int, chunk: int = 5_000_000, seed: int = 0) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    schema = pa.schema([("y", pa.int8()), ("p", pa.float64())])
    with pq.ParquetWriter(path, schema) as w:
        done = 0
        while done < rows:
            n = min(chunk, rows - done)
            y = rng.integers(0, 2, n, dtype=np.int8)
            p = 1.0 / (1.0 + np.exp(-(np.where(y == 1, 1.0, -1.0) + rng.normal(0.0, 1.5, n))))
            w.write_table(pa.table({"y": y, "p": p}, schema=schema), row_group_size=1_000_000)
            done += n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--memory-limit", default="256M")
    ap.add_argument("--inmem-rows", type=int, default=10_000_000)
    ap.add_argument("--dir", default=None, help="where to write the file (default: a temp directory)")
    args = ap.parse_args()
    evalml = shutil.which("evalml")
    cmd = [evalml] if evalml else [sys.executable, "-m", "evalml_cli"]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        big = Path(tmp) / "big.parquet"
        small = Path(tmp) / "small.parquet"
        write(big, args.rows)
        write(small, min(args.inmem_rows, args.rows))
        print(f"rows: {args.rows:,}  file: {os.path.getsize(big) / 2**30:.2f} GiB  --memory-limit {args.memory_limit}"
              f"  cores: {os.cpu_count()}")
        wall, rss, out = run_measured([*cmd, "classify", str(big), "-t", "y", "-s", "p", "-f", "json",
                                       "--memory-limit", args.memory_limit])
        rep = json.loads(out)
        w2, rss2, _ = run_measured([*cmd, "classify", str(small), "-t", "y", "-s", "p", "-f", "json"])
        n_small = min(args.inmem_rows, args.rows)
        rate, rate2 = args.rows / wall, n_small / w2
        print(f"streamed : {wall:8.2f} s  {rate / 1e6:6.2f} M rows/s  peak {rss:7.0f} MiB")
        print(f"in memory: {w2:8.2f} s  {rate2 / 1e6:6.2f} M rows/s  peak {rss2:7.0f} MiB  ({n_small:,} rows)")
        print(f"streamed rows/s = {rate / rate2:.0%} of in-memory; roc_auc {rep['metrics']['roc_auc']:.9f}, "
              f"roc_auc_error_bound {rep['metrics'].get('roc_auc_error_bound', 0.0):.3g}")


if __name__ == "__main__":
    main()
