"""Shared fixtures: small prediction files in every supported format."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

try:
    from typer.testing import CliRunner
except ImportError as exc:  # the package and its test extra are not installed in this interpreter
    raise pytest.UsageError(
        f"{exc}: install evalml with its test extra first — pip install -e '.[test]' && python -m pytest "
        "(the README's test command; .ci/run does the same in a fresh virtualenv)"
    ) from None

from evalml_cli.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"


def _evalml_cmd() -> list[str]:
    exe = shutil.which("evalml")
    return [exe] if exe else [sys.executable, "-m", "evalml_cli"]


def run_evalml(*args: str, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed console command in a real subprocess."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [*_evalml_cmd(), *args], input=stdin, capture_output=True, env=full_env, timeout=120
    )


class Invoke:
    """CliRunner wrapper returning (exit_code, stdout, stderr)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None):
        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def invoke() -> Invoke:
    return Invoke()


@pytest.fixture
def preds(tmp_path: Path) -> dict[str, Path]:
    """The same 300 rows as CSV, gzip CSV, TSV and Parquet (columns y, p, w, kind)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(7)
    n = 300
    y = rng.integers(0, 2, n)
    p = np.round(1 / (1 + np.exp(-(2 * y - 1) * 1.5 - rng.normal(0, 1, n))), 6)
    w = np.round(rng.uniform(0.5, 2.0, n), 6)
    kind = np.where(y == 1, "signal", "background")
    table = pa.table({"y": y, "p": p, "w": w, "kind": kind})
    out = {"csv": tmp_path / "preds.csv", "tsv": tmp_path / "preds.tsv", "parquet": tmp_path / "preds.parquet"}
    pacsv.write_csv(table, out["csv"])
    pacsv.write_csv(table, out["tsv"], write_options=pacsv.WriteOptions(delimiter="\t"))
    pq.write_table(table, out["parquet"])
    out["gz"] = tmp_path / "preds.csv.gz"
    out["gz"].write_bytes(gzip.compress(out["csv"].read_bytes()))
    return out


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def parse_json(text: str) -> dict:
    return json.loads(text)
