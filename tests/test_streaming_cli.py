"""Issue 11, streaming: files, globs and hive-partitioned directories; --memory-limit; errors that
name file rows; the binned ROC AUC with its bound in the report and in the gates; no progress bar
in pipes; the Dask extra's error."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from evalml_cli import api
from evalml_cli.cli import app

runner = CliRunner()
BINNED = {"EVALML_RANKING_BUDGET": "64"}


def _invoke(args, env=None):
    return runner.invoke(app, args, env=env)


@pytest.fixture
def parts(tmp_path):
    """A hive-partitioned dataset of 3 days and the concatenated table."""
    rng = np.random.default_rng(0)
    tables = []
    for i, day in enumerate(["2026-11-01", "2026-11-02", "2026-11-03"]):
        n = 500 + 100 * i
        y = rng.random(n) < 0.4
        t = pa.table({"y": y.astype(np.int64), "s": np.clip(rng.normal(0.4 + 0.3 * y, 0.2), 0, 1)})
        d = tmp_path / "preds" / f"date={day}"
        d.mkdir(parents=True)
        pq.write_table(t, d / "part-0.parquet")
        tables.append(t)
    return tmp_path / "preds", pa.concat_tables(tables)


def test_directory_and_glob_give_the_numbers_of_the_concatenated_table(parts):
    root, table = parts
    ref = api.classify(table, target="y", score="s").metrics
    for path in (str(root), str(root) + "/", str(root / "date=*" / "part-*.parquet")):
        res = _invoke(["classify", path, "-t", "y", "-s", "s", "-f", "json"])
        assert res.exit_code == 0, res.stderr
        assert json.loads(res.stdout)["metrics"] == pytest.approx(ref, rel=1e-12)
        streamed = _invoke(["classify", path, "-t", "y", "-s", "s", "-f", "json"], env={"EVALML_RANKING_BUDGET": "100000"})
        assert streamed.exit_code == 0, streamed.stderr
        assert json.loads(streamed.stdout)["metrics"] == pytest.approx(ref, rel=1e-12)


def test_hive_partitions_are_ordinary_columns(parts):
    from evalml_cli.io.batches import BatchSource

    root, _ = parts
    src = BatchSource(str(root))
    assert "date" in src.columns
    table = src.table_source().read(["y", "date"])
    assert sorted(set(table.column("date").to_pylist())) == ["2026-11-01", "2026-11-02", "2026-11-03"]


def test_binned_report_carries_the_bound_and_a_warning():
    res = _invoke(["classify", str(SAMPLES / "binary.csv"), "-f", "json"], env=BINNED)
    assert res.exit_code == 0, res.stderr
    rep = json.loads(res.stdout)
    exact = api.classify(str(SAMPLES / "binary.csv")).metrics
    bound = rep["metrics"]["roc_auc_error_bound"]
    assert 0 < bound < 0.1 and abs(rep["metrics"]["roc_auc"] - exact["roc_auc"]) <= bound
    assert rep["metrics"]["average_precision_error_bound"] > 0
    assert any("roc_auc_error_bound" in w for w in rep["warnings"])
    for name in ("tp", "fp", "tn", "fn", "f1", "log_loss", "brier"):  # exact in streaming
        assert rep["metrics"][name] == pytest.approx(exact[name], rel=1e-12)


def test_roc_auc_gate_checks_the_worst_case_within_the_bound():
    rep = json.loads(_invoke(["classify", str(SAMPLES / "binary.csv"), "-f", "json"], env=BINNED).stdout)
    auc, bound = rep["metrics"]["roc_auc"], rep["metrics"]["roc_auc_error_bound"]
    between = auc - bound / 2  # auc passes, auc − bound does not
    res = _invoke(["classify", str(SAMPLES / "binary.csv"), "-q", "-r", f"roc_auc>={between}"], env=BINNED)
    assert res.exit_code == 1 and "worst case" in res.stderr and "roc_auc_error_bound" in res.stderr
    res = _invoke(["classify", str(SAMPLES / "binary.csv"), "-q", "-r", f"roc_auc>={auc - 1.01 * bound}"], env=BINNED)
    assert res.exit_code == 0, res.stderr
    # the same gate on the exact (in-memory) report passes
    assert _invoke(["classify", str(SAMPLES / "binary.csv"), "-q", "-r", f"roc_auc>={between}"]).exit_code == 0
    # a gate on the bound itself: 0 for an exact run
    assert _invoke(["classify", str(SAMPLES / "binary.csv"), "-q", "-r", "roc_auc_error_bound<=0"]).exit_code == 0


def test_memory_limit_streams_a_file_estimated_larger(tmp_path):
    rng = np.random.default_rng(1)
    n = 1_200_000
    y = rng.random(n) < 0.3
    s = rng.random(n) * 0.5 + 0.3 * y
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"y": y.astype(np.int8), "s": s}), path, row_group_size=200_000)
    # A wrapper process runs evalml and reports its child's peak RSS: ru_maxrss of a process
    # forked from pytest would include pytest's own peak (Linux keeps it across exec).
    code = ("import json, resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "sys.stderr.write(p.stderr + '\\n' + str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
            "sys.stdout.write(p.stdout); sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "evalml_cli", "classify", str(path),
                           "-t", "y", "-s", "s", "-f", "json", "--memory-limit", "256M"],
                          capture_output=True, text=True, env={**os.environ})
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(proc.stdout)
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    assert peak_kib * 1024 < 256 * 2**20
    from sklearn.metrics import roc_auc_score

    bound = rep["metrics"]["roc_auc_error_bound"]
    assert abs(rep["metrics"]["roc_auc"] - roc_auc_score(y, s)) <= bound < 1e-2
    assert rep["metrics"]["tp"] == int(((s >= 0.5) & y).sum())


def test_a_label_first_seen_in_a_later_batch_is_an_error_naming_its_row(tmp_path):
    n = 80_000
    y = np.tile([0, 1], n // 2)
    y[75_000] = 2
    path = tmp_path / "late.parquet"
    pq.write_table(pa.table({"y": y, "s": np.linspace(0, 1, n)}), path, row_group_size=10_000)
    res = _invoke(["classify", str(path), "-t", "y", "-s", "s"], env=BINNED)
    assert res.exit_code == 2
    assert "data row 75001" in res.stderr and "'2'" in res.stderr and "Traceback" not in res.stderr


def test_invalid_value_in_a_later_batch_names_the_file_row(tmp_path):
    n = 5000
    s = np.linspace(0, 1, n)
    s[4321] = np.nan
    path = tmp_path / "nan.parquet"
    pq.write_table(pa.table({"y": np.tile([0, 1], n // 2), "s": s}), path, row_group_size=1000)
    res = _invoke(["classify", str(path), "-t", "y", "-s", "s"], env=BINNED)
    assert res.exit_code == 2 and "data rows 4322" in res.stderr, res.stderr


def test_csv_gzip_streams_block_by_block(tmp_path):
    import gzip

    text = (SAMPLES / "binary.csv").read_bytes()
    path = tmp_path / "b.csv.gz"
    path.write_bytes(gzip.compress(text))
    res = _invoke(["classify", str(path), "-f", "json"], env={"EVALML_RANKING_BUDGET": "100000"})
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["metrics"] == pytest.approx(api.classify(str(SAMPLES / "binary.csv")).metrics, rel=1e-12)


@pytest.mark.parametrize("args, message", [
    (["--memory-limit", "100M"], "256M"),
    (["--memory-limit", "lots"], "not a size"),
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
    (["--engine", "spark"], "--engine must be"),
])
def test_bad_engine_options_exit_2(args, message):
    res = _invoke(["classify", str(SAMPLES / "binary.csv"), *args])
    assert res.exit_code == 2 and message in res.stderr, res.stderr


def test_full_covariance_needs_all_rows_when_streaming():
    res = _invoke(["regress", str(SAMPLES / "fit.csv"), "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy")],
                  env=BINNED)
    assert res.exit_code == 2 and "--cov" in res.stderr and "needs all rows" in res.stderr


def test_regress_and_density_stream_to_the_same_report():
    for cmd, args in (("regress", ["-t", "data", "-p", "theory", "--sigma", "stat_err"]),
                      ("density", ["--likelihood", "model_pdf"])):
        name = "fit.csv" if cmd == "regress" else "density.csv"
        whole = _invoke([cmd, str(SAMPLES / name), *args, "-f", "json"])
        streamed = _invoke([cmd, str(SAMPLES / name), *args, "-f", "json"], env=BINNED)
        assert streamed.exit_code == 0, streamed.stderr
        assert json.loads(streamed.stdout)["metrics"] == pytest.approx(json.loads(whole.stdout)["metrics"], rel=1e-12)


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys):
    from evalml_cli.engine.local import Progress

    bar = Progress(True)
    assert not bar.enabled  # pytest's stderr is not a terminal
    assert not Progress(False).enabled
    res = _invoke(["classify", str(SAMPLES / "binary.csv"), "-f", "json"], env=BINNED)
    assert "evaluating" not in res.stderr and "━" not in res.stderr


def test_missing_dask_is_exit_2_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    monkeypatch.setitem(sys.modules, "dask", None)
    res = _invoke(["classify", str(SAMPLES / "binary.parquet"), "--engine", "dask"])
    assert res.exit_code == 2 and "pip install 'evalml-cli[dask]'" in res.stderr, res.stderr


def test_stdin_csv_streams_block_by_block_with_a_memory_limit(tmp_path):
    """Issue 9: stdin is read by block (pyarrow's streaming CSV reader), not whole."""
    import json as _json

    import numpy as _np

    from conftest import run_evalml

    rng = _np.random.default_rng(3)
    n = 30_000
    y = rng.integers(0, 2, n)
    p = _np.round(1 / (1 + _np.exp(-(2 * y - 1) - rng.normal(0, 1.5, n))), 9)
    path = tmp_path / "s.csv"
    path.write_text("y,p\n" + "".join(f"{a},{float(b)!r}\n" for a, b in zip(y, p)))
    env = {"EVALML_RANKING_BUDGET": "64"}  # force streaming with a small binned ranking state
    args = ("classify", "-", "-t", "y", "-s", "p", "--memory-limit", "256M", "-f", "json")
    piped = run_evalml(*args, stdin=path.read_bytes(), env=env)
    assert piped.returncode == 0, piped.stderr
    from_file = run_evalml("classify", str(path), *args[2:], env=env)
    a, b = _json.loads(piped.stdout)["metrics"], _json.loads(from_file.stdout)["metrics"]
    assert a["roc_auc_error_bound"] > 0  # the streamed (binned) path ran
    assert a.keys() == b.keys()
    for key in a:  # batch boundaries differ (pipe blocks vs file blocks): sums agree to rounding
        assert a[key] == pytest.approx(b[key], rel=1e-12, abs=1e-15), key
    whole = _json.loads(run_evalml("classify", str(path), "-t", "y", "-s", "p", "-f", "json").stdout)["metrics"]
    assert abs(a["roc_auc"] - whole["roc_auc"]) <= a["roc_auc_error_bound"]
    assert {k: a[k] for k in ("tp", "fp", "tn", "fn")} == {k: whole[k] for k in ("tp", "fp", "tn", "fn")}
    assert a["log_loss"] == pytest.approx(whole["log_loss"], rel=1e-12)


def test_stdin_that_is_not_plain_csv_is_read_whole_with_a_memory_limit(tmp_path):
    import gzip as _gzip

    from conftest import SAMPLES, run_evalml

    data = _gzip.compress((SAMPLES / "binary.csv").read_bytes())
    proc = run_evalml("classify", "-", "--memory-limit", "1G", "-q", "-r", "roc_auc>=0.9", stdin=data)
    assert proc.returncode == 0, proc.stderr


def _multiclass_file(path, n, seed=11):
    """4 classes; scores = softmax of random normals shifted towards the true class, 12 digits."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    z = rng.normal(0.0, 1.0, (n, 4))
    z[np.arange(n), y] += 1.0
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p = np.round(p / p.sum(axis=1, keepdims=True), 12)
    names = ["a", "b", "c", "d"]
    pq.write_table(pa.table({"y": np.array(names)[y], **{c: p[:, i] for i, c in enumerate(names)}}), path)
    return ["classify", str(path), "-t", "y", "-s", "a,b,c,d", "-f", "json"]


def test_streamed_multiclass_ovr_auc_is_binned_with_a_bound_beyond_the_budget(tmp_path):
    """Issue 11: per-class one-vs-rest ranking states are bounded (64 bins here), not one entry
    per distinct score; the OvR AUCs come from them with the worst per-class bound in a warning,
    and everything else stays exact."""
    args = _multiclass_file(tmp_path / "mc.parquet", 20_000)
    whole = _invoke(args)
    assert whole.exit_code == 0, whole.stderr
    ref = json.loads(whole.stdout)
    res = _invoke(args + ["--memory-limit", "256M"], env=BINNED)
    assert res.exit_code == 0, res.stderr
    rep = json.loads(res.stdout)
    warning = [w for w in rep["warnings"] if "come from binned ranking states" in w]
    assert len(warning) == 1 and "roc_auc_error_bound up to" in warning[0], rep["warnings"]
    bound = float(warning[0].rsplit("up to ", 1)[1])
    assert 0 < bound < 0.5
    assert rep["metrics"].keys() == ref["metrics"].keys()  # no new metric keys
    for name in ("roc_auc_ovr_macro", "roc_auc_ovr_weighted"):
        assert abs(rep["metrics"][name] - ref["metrics"][name]) <= bound, name
    assert rep["metrics"]["roc_auc_ovr_macro"] != ref["metrics"]["roc_auc_ovr_macro"]  # the binned path ran
    for cls, row in ref["per_class"].items():
        assert abs(rep["per_class"][cls]["roc_auc"] - row["roc_auc"]) <= bound, cls
    for name in ("accuracy", "log_loss", "balanced_accuracy", "f1_macro", "mcc", "cohen_kappa"):
        assert rep["metrics"][name] == pytest.approx(ref["metrics"][name], rel=1e-12, abs=1e-15), name
    assert rep["confusion_matrix"] == ref["confusion_matrix"]


def test_streamed_multiclass_within_the_budget_equals_in_memory(tmp_path):
    args = _multiclass_file(tmp_path / "mc.parquet", 2_000)
    ref = json.loads(_invoke(args).stdout)
    res = _invoke(args + ["--memory-limit", "256M"], env={"EVALML_RANKING_BUDGET": "100000"})
    assert res.exit_code == 0, res.stderr
    rep = json.loads(res.stdout)
    assert not any("binned" in w for w in rep["warnings"]), rep["warnings"]
    assert rep["metrics"] == pytest.approx(ref["metrics"], rel=1e-12, abs=1e-15)
    for cls, row in ref["per_class"].items():
        assert rep["per_class"][cls] == pytest.approx(row, rel=1e-12, abs=1e-15), cls
    assert rep["confusion_matrix"] == ref["confusion_matrix"]
    assert rep["warnings"] == ref["warnings"]


def test_streamed_multiclass_with_the_default_budget_equals_in_memory(tmp_path):
    """No EVALML_RANKING_BUDGET: the engine's own budget (from --memory-limit 256M) holds every
    class's distinct scores, so 7 batches merge to the in-memory report (1e-12)."""
    from evalml_cli.engine import local
    from evalml_cli.io import batches as B

    args = _multiclass_file(tmp_path / "mc.parquet", 3_000)
    ref = api.classify(args[1], target="y", score="a,b,c,d").to_dict()
    src = B.BatchSource(args[1])
    plan = B.plan_classification(src, target="y", score="a,b,c,d")
    whole = src.table_source().read(list(plan.columns))
    limits = local.Limits.from_memory(256 << 20, width=len(plan.columns))
    assert limits.budget >= 4096 > 3_000
    edges = [0, 100, 450, 1000, 1001, 1800, 2500, 3_000]
    report = local.run(local.StreamTask(plan, plan.task, {"threshold": 0.5}, limits),
                       [(a, whole.slice(a, b - a)) for a, b in zip(edges[:-1], edges[1:])]).to_dict()
    assert report.keys() == ref.keys()
    assert report["metrics"] == pytest.approx(ref["metrics"], rel=1e-12, abs=1e-300)
    for cls, row in ref["per_class"].items():
        assert report["per_class"][cls] == pytest.approx(row, rel=1e-12, abs=1e-300), cls
    assert report["confusion_matrix"] == ref["confusion_matrix"] and report["warnings"] == ref["warnings"]
