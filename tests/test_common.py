"""Invariants over the metric registry: every reported metric is registered (so gates, the
README and the renderers know it), and every registered metric is reported by some run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import SAMPLES
from evalml_cli import metrics

RUNS = {
    "binary": ["classify", str(SAMPLES / "binary.csv")],
    "multiclass": ["classify", str(SAMPLES / "multiclass.csv"), "-t", "species", "-s", "p_*", "--top-k", "2"],
    "binary-working-points": ["classify", str(SAMPLES / "binary.csv"), "--threshold", "auto:youden", "--hep",
                              "--tpr-at-fpr", "0.01", "--fpr-at-tpr", "0.9", "--bins", "10",
                              "--overtraining", str(SAMPLES / "binary.parquet")],
    "multiclass-calibration": ["classify", str(SAMPLES / "multiclass.csv"), "-t", "species", "-s", "p_*", "--bins", "5"],
    "regression-cov": ["regress", str(SAMPLES / "fit.csv"), "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy")],
    "regression-replicas": ["regress", str(SAMPLES / "replicas.csv"), "-t", "target", "-p", "rep_*"],
    "density-likelihood": ["density", str(SAMPLES / "density.csv"), "--likelihood", "model_pdf"],
    "density-kl": ["density", str(SAMPLES / "hist.csv"), "--p", "observed", "--q", "expected"],
    # streamed with a ranking budget of 64 bins: roc_auc from the binned state, with its bounds
    "binary-binned": ["classify", str(SAMPLES / "binary.csv")],
}
ENV = {"binary-binned": {"EVALML_RANKING_BUDGET": "64"}}


@pytest.fixture(scope="module")
def reports():
    from typer.testing import CliRunner

    from evalml_cli.cli import app

    runner = CliRunner()
    out = {}
    for key, args in RUNS.items():
        result = runner.invoke(app, [*args, "-f", "json"], env=ENV.get(key))
        assert result.exit_code == 0, (key, result.stderr)
        out[key] = json.loads(result.stdout)
    return out


def test_every_reported_metric_is_registered_for_its_task(reports):
    for key, rep in reports.items():
        unknown = {n.split("[")[0] for n in rep["metrics"]} - metrics.names_for(rep["task"])
        assert not unknown, (key, unknown)


def test_every_registered_metric_is_reported_somewhere(reports):
    reported = {(rep["task"], name.split("[")[0]) for rep in reports.values() for name in rep["metrics"]}
    missing = {(m.task, m.name) for m in metrics.REGISTRY} - reported
    assert not missing


def test_registry_entries_are_unique_and_well_formed():
    keys = [(m.task, m.name) for m in metrics.REGISTRY]
    assert len(keys) == len(set(keys))
    for m in metrics.REGISTRY:
        assert m.kind in {"count", "ratio", "value"} and m.formula and m.higher_is_better in (True, False, None)


@pytest.mark.parametrize("key", list(RUNS))
def test_reports_are_row_order_invariant(key, tmp_path, reports):
    """Shuffling the rows of the file changes no metric (beyond rounding)."""
    if key in ("regression-cov", "density-kl"):
        pytest.skip("the covariance / the histogram bins are tied to the row order")
    if key in ENV:
        pytest.skip("streamed with an environment setting (tests/test_merge_whole.py covers batching)")
    import pyarrow.csv as pacsv

    src = RUNS[key][1]
    table = pacsv.read_csv(src)
    perm = np.random.default_rng(0).permutation(table.num_rows)
    shuffled = tmp_path / "shuffled.csv"
    pacsv.write_csv(table.take(perm), shuffled)
    from typer.testing import CliRunner

    from evalml_cli.cli import app

    args = list(RUNS[key])
    args[1] = str(shuffled)
    result = CliRunner().invoke(app, [*args, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.stdout)["metrics"]
    for name, value in reports[key]["metrics"].items():
        if value is None or name == "pull_max_row":
            continue
        assert got[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("metric", metrics.REGISTRY, ids=lambda m: f"{m.task}:{m.name}")
def test_every_registry_entry_names_a_kernel_that_exists(metric):
    import importlib

    module, function = metric.kernel.split(".")
    assert callable(getattr(importlib.import_module(f"evalml_cli.kernels.{module}"), function))
    assert metric.merge in {"exact", "bound", "sigma", "rows"}
    assert metric.interval in {None, "delong", "wilson", "bootstrap"}
