"""Time `evalml classify` against pandas + scikit-learn computing the same metrics, in one run.

    python bench/bench_classify.py --rows 10000000
    python bench/bench_classify.py --rows 1000 --repeat 5     # start-up dominated

Generates N rows (y, p), writes CSV and Parquet to a temp directory, then runs each contender
(evalml, pandas + scikit-learn, and the floor: a pyarrow read of the two columns + one np.sort)
as its own subprocess (so peak memory is per process, from wait4's rusage) and prints wall
time, peak RSS and the ratio. Also checks the two agree on roc_auc.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REFERENCE = r"""
import json, sys, time
import pandas as pd
from sklearn import metrics as m
path = sys.argv[1]
df = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)
y, p = df["y"].to_numpy(), df["p"].to_numpy()
pred = p >= 0.5
tn, fp, fn, tp = m.confusion_matrix(y, pred, labels=[0, 1]).ravel()
out = dict(tp=int(tp), fp=int(fp), tn=int(tn), fn=int(fn),
    accuracy=m.accuracy_score(y, pred), balanced_accuracy=m.balanced_accuracy_score(y, pred),
    precision=m.precision_score(y, pred), recall=m.recall_score(y, pred),
    specificity=m.recall_score(y, pred, pos_label=0), f1=m.f1_score(y, pred),
    mcc=m.matthews_corrcoef(y, pred), roc_auc=m.roc_auc_score(y, p),
    average_precision=m.average_precision_score(y, p), log_loss=m.log_loss(y, p),
    brier=m.brier_score_loss(y, p))
print(json.dumps({"metrics": out}))
"""


FLOOR = r"""
import sys
import numpy as np
path = sys.argv[1]
if path.endswith(".parquet"):
    import pyarrow.parquet as pq
    t = pq.ParquetFile(path).read(columns=["y", "p"])
else:
    import pyarrow.csv as pacsv
    t = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(include_columns=["y", "p"]))
y = t.column("y").to_numpy()
s = np.sort(t.column("p").to_numpy())
print('{"metrics": {}}')
"""


def make_data(rows: int, directory: Path) -> dict[str, Path]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, rows, dtype=np.int8)
    p = 1.0 / (1.0 + np.exp(-(np.where(y == 1, 1.0, -1.0) + rng.normal(0.0, 1.5, rows))))
    table = pa.table({"y": y, "p": p})
    files = {"parquet": directory / "bench.parquet", "csv": directory / "bench.csv"}
    pq.write_table(table, files["parquet"])
    pacsv.write_csv(table, files["csv"])
    return files


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """Run via a tiny wrapper so peak RSS belongs to this command alone."""
    wrapper = (
        "import os, subprocess, sys, time, json\n"
        "t = time.perf_counter(); p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)\n"
        "out, _ = p.communicate(); w = time.perf_counter() - t\n"
        "import resource; r = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stdout.write(json.dumps({'wall': w, 'rss': r, 'rc': p.returncode, 'out': out.decode()}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True)
    res = json.loads(proc.stdout)
    if res["rc"] != 0:
        sys.exit(f"command failed ({res['rc']}): {' '.join(cmd)}\n{proc.stderr}")
    return res["wall"], res["rss"] / 1024.0, res["out"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=1, help="runs per contender; the best wall time is kept")
    ap.add_argument("--formats", default="parquet,csv")
    args = ap.parse_args()

    evalml = shutil.which("evalml")
    evalml_cmd = [evalml] if evalml else [sys.executable, "-m", "evalml_cli"]
    with tempfile.TemporaryDirectory() as tmp:
        files = make_data(args.rows, Path(tmp))
        ref = Path(tmp) / "reference.py"
        ref.write_text(REFERENCE)
        floor = Path(tmp) / "floor.py"
        floor.write_text(FLOOR)
        print(f"rows: {args.rows:,}   python {sys.version.split()[0]}   cores: {os.cpu_count()}")
        print(f"{'format':8} {'contender':24} {'wall s':>8} {'peak MiB':>9}")
        for fmt in args.formats.split(","):
            path = str(files[fmt])
            results = {}
            for name, cmd in (
                ("evalml classify", [*evalml_cmd, "classify", path, "-t", "y", "-s", "p", "-f", "json"]),
                ("pandas + scikit-learn", [sys.executable, str(ref), path]),
                ("floor (read + np.sort)", [sys.executable, str(floor), path]),
            ):
                best = min((run_measured(cmd) for _ in range(args.repeat)), key=lambda r: r[0])
                results[name] = best
                print(f"{fmt:8} {name:24} {best[0]:8.3f} {best[1]:9.0f}")
            a = json.loads(results["evalml classify"][2])["metrics"]
            b = json.loads(results["pandas + scikit-learn"][2])["metrics"]
            worst = max(abs(a[k] - b[k]) / max(abs(b[k]), 1e-300) for k in b)
            speed = results["pandas + scikit-learn"][0] / results["evalml classify"][0]
            mem = results["pandas + scikit-learn"][1] / results["evalml classify"][1]
            floor_ratio = results["evalml classify"][0] / results["floor (read + np.sort)"][0]
            print(f"{fmt:8} ratio: evalml is {speed:.1f}x faster, {mem:.1f}x less memory; "
                  f"{floor_ratio:.2f}x the floor; largest relative difference over all metrics {worst:.1e}")


if __name__ == "__main__":
    main()
