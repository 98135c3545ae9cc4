"""Byte-for-byte JSON reports of the bundled samples, before and after a refactoring.

    python bench/json_snapshot.py --write     # record bench/snapshots/*.json
    python bench/json_snapshot.py             # compare today's output with the record (exit 1 on a difference)

Each case runs the installed ``evalml`` in a subprocess from the repository root, so the
``file`` paths in the reports are the same relative paths every time. A refactoring that must
not change any number, message or key (the design issue) keeps this script silent; a change
that means to alter a report re-records the snapshots in the same commit.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "bench" / "snapshots"

CASES: dict[str, list[str]] = {
    "binary": ["classify", "sample_data/binary.csv"],
    "binary_parquet_t03": ["classify", "sample_data/binary.parquet", "-T", "0.3"],
    "binary_weighted": ["classify", "sample_data/binary.csv", "-w", "weight"],
    "multiclass": ["classify", "sample_data/multiclass.csv", "-t", "species", "-s", "p_*", "--top-k", "2",
                   "--normalize", "true"],
    "multiclass_pred": ["classify", "sample_data/multiclass.parquet", "-t", "species", "--pred", "predicted"],
    "regress_cov": ["regress", "sample_data/fit.csv", "-t", "data", "-p", "theory", "--cov", "sample_data/cov.npy"],
    "regress_sigma": ["regress", "sample_data/fit.csv", "-t", "data", "-p", "theory", "--sigma", "stat_err",
                      "--n-params", "2"],
    "regress_corr": ["regress", "sample_data/fit.csv", "-t", "data", "-p", "theory", "--sigma", "stat_err",
                     "--corr", "sample_data/corr.csv"],
    "replicas": ["regress", "sample_data/replicas.csv", "-t", "target", "-p", "rep_*"],
    "density_nll": ["density", "sample_data/density.csv", "--likelihood", "model_pdf"],
    "density_kl": ["density", "sample_data/hist.csv", "--p", "observed", "--q", "expected"],
}


def run_case(args: list[str]) -> str:
    exe = shutil.which("evalml")
    cmd = [exe] if exe else [sys.executable, "-m", "evalml_cli"]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    out = subprocess.run([*cmd, *args, "-f", "json"], cwd=ROOT, capture_output=True, text=True, env=env)
    return f"exit {out.returncode}\n{out.stdout}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="record the snapshots instead of comparing")
    args = parser.parse_args()
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    differ = 0
    for name, case in CASES.items():
        text = run_case(case)
        path = SNAPSHOTS / f"{name}.json"
        if args.write:
            path.write_text(text)
            continue
        before = path.read_text() if path.exists() else ""
        if text != before:
            differ += 1
            sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), text.splitlines(True), str(path), "now"))
    if not args.write:
        print(f"{len(CASES) - differ} identical, {differ} different")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
