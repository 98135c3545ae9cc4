"""Issue 9 item 3: a file split into k random contiguous batches, each batch validated and folded
into the task's state, the states merged — the report equals the whole file's (every key,
1e-12 relative), for every task; and the binned ranking state's acceptance (1M scores)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from conftest import SAMPLES
from evalml_cli import api
from evalml_cli.io import batches as B
from evalml_cli.engine import local

CASES = {
    "binary": ("classify", "binary.csv", {}, {"threshold": 0.5}),
    "binary-weighted": ("classify", "binary.csv", {"weight": "weight"}, {"threshold": 0.3}),
    "binary-parquet": ("classify", "binary.parquet", {}, {"threshold": 0.5}),
    "multiclass-scores": ("classify", "multiclass.csv", {"target": "species", "score": "p_*"},
                          {"threshold": 0.5, "top_k": 2}),
    "multiclass-pred": ("classify", "multiclass.csv", {"target": "species", "pred": "predicted"}, {"threshold": 0.5}),
    "regression-sigma": ("regress", "fit.csv", {"target": "data", "pred": "theory", "sigma": "stat_err"},
                         {"n_params": 2, "quantile": 0.5}),
    "regression-replicas": ("regress", "replicas.csv", {"target": "target", "pred": "rep_*"},
                            {"n_params": 0, "quantile": 0.9}),
    "density-nll": ("density", "density.csv", {"likelihood": "model_pdf"}, {}),
}


def assert_same(a, b, path="report"):
    """Equal structure; floats equal to 1e-12 relative; everything else equal."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, set(a) ^ set(b))
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300), (path, a, b)
    else:
        assert a == b, (path, a, b)


def split(table: pa.Table, k: int, seed: int) -> list[tuple[int, pa.Table]]:
    """k random contiguous batches, each with its first row."""
    rng = np.random.default_rng(seed)
    n = table.num_rows
    cuts = sorted(rng.choice(np.arange(1, n), k - 1, replace=False).tolist()) if k > 1 else []
    edges = [0, *cuts, n]
    return [(a, table.slice(a, b - a)) for a, b in zip(edges[:-1], edges[1:])]


def streamed(command: str, path: str, reader: dict, opts: dict, k: int, seed: int, limits: local.Limits):
    src = B.BatchSource(path)
    planner = {"classify": B.plan_classification, "regress": B.plan_regression, "density": B.plan_density}[command]
    plan = planner(src, **reader)
    whole = src.table_source().read(list(plan.columns))
    task = local.StreamTask(plan, plan.task, opts, limits)
    return local.run(task, split(whole, k, seed))


@pytest.mark.parametrize("k", [1, 2, 7])
@pytest.mark.parametrize("case", list(CASES))
def test_merged_batches_give_the_whole_file_report(case, k):
    command, name, reader, opts = CASES[case]
    path = str(SAMPLES / name)
    whole = getattr(api, command)(path, **reader, **{o: v for o, v in opts.items() if command == "classify" or o != "threshold"})
    limits = local.Limits(1 << 30, 1000, 1 << 20, 1 << 20)
    for seed in range(2):
        report = streamed(command, path, reader, opts, k, seed * 10 + k, limits)
        assert_same(whole.to_dict(), report.to_dict())


def test_what_needs_all_rows_is_null_with_a_reason_beyond_the_row_budget():
    """OvO AUC and median_absolute_error: null and the reason, never a number from part of the rows."""
    limits = local.Limits(1 << 30, 1000, 1 << 20, 10)
    rep = streamed("classify", str(SAMPLES / "multiclass.csv"), {"target": "species", "score": "p_*"},
                   {"threshold": 0.5}, 3, 0, limits)
    assert rep.metrics["roc_auc_ovo_macro"] is None
    assert any("OvO AUC needs all rows" in w for w in rep.warnings)
    rep = streamed("regress", str(SAMPLES / "fit.csv"), {"target": "data", "pred": "theory"}, {}, 3, 0, limits)
    assert rep.metrics["median_absolute_error"] is None and rep.metrics["mse"] is not None


def _continuous(n: int, seed: int):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    s = rng.normal(size=n) + 1.2 * y
    return y, s


def test_binned_acceptance_one_million_scores_budget_4096():
    """|binned − exact| ≤ roc_auc_error_bound = Σ pos·neg/(P·N), the bound in the report."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    y, s = _continuous(1_000_000, 1)
    table = pa.table({"y": y.astype(np.int8), "s": s})
    plan = B.plan_classification(_Mem(table), target="y", score="s")
    limits = local.Limits(1 << 30, 200_000, 4096, 1 << 16)
    rep = local.run(local.StreamTask(plan, "binary", {"threshold": 0.5}, limits), split(table, 5, 0))
    exact_auc, exact_ap = roc_auc_score(y, s), average_precision_score(y, s)
    bound = rep.metrics["roc_auc_error_bound"]
    assert 0 < bound < 1e-2
    assert abs(rep.metrics["roc_auc"] - exact_auc) <= bound
    assert abs(rep.metrics["average_precision"] - exact_ap) <= rep.metrics["average_precision_error_bound"]
    assert any("roc_auc_error_bound" in w for w in rep.warnings)
    # threshold metrics stay exact
    pred = s >= 0.5
    assert rep.metrics["tp"] == int((pred & y).sum()) and rep.metrics["fn"] == int((~pred & y).sum())


def test_binned_bound_is_the_issue_formula():
    from evalml_cli.kernels.ranking import ranking_update, roc_auc_error_bound

    y, s = _continuous(20_000, 2)
    st = ranking_update(None, y, s, budget=64)
    assert not st.exact
    assert roc_auc_error_bound(st) == pytest.approx(float(st.pos @ st.neg) / (st.pos.sum() * st.neg.sum()), rel=1e-12)


def test_at_most_budget_distinct_scores_is_exact_with_no_bound():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    y = rng.random(300_000) < 0.4
    s = np.round(rng.random(300_000) + 0.3 * y, 3)  # ≤ 1,301 distinct scores
    table = pa.table({"y": y.astype(np.int8), "s": s})
    plan = B.plan_classification(_Mem(table), target="y", score="s")
    limits = local.Limits(1 << 30, 50_000, 4096, 1 << 16)
    rep = local.run(local.StreamTask(plan, "binary", {"threshold": 0.5}, limits), split(table, 7, 1))
    assert "roc_auc_error_bound" not in rep.metrics
    assert rep.metrics["roc_auc"] == pytest.approx(roc_auc_score(y, s), rel=1e-12)
    from evalml_cli.kernels.ranking import ranking_compute, ranking_update

    ms = ranking_compute(ranking_update(None, y, s, budget=4096))
    assert ms.values["roc_auc_error_bound"] == 0.0


class _Mem(B.BatchSource):
    """A BatchSource over an in-memory table (the plan's first look reads its head)."""

    def __init__(self, table: pa.Table) -> None:  # noqa: D107
        self.path = self.display = "<table>"
        self.kind = "memory"
        self._table = table
        self.columns = list(table.column_names)

    def batches(self, columns, batch_rows, types=None):
        t = self._table.select(list(dict.fromkeys(columns)))
        for start in range(0, t.num_rows, batch_rows):
            yield start, t.slice(start, batch_rows)


def test_every_engine_state_declares_how_each_field_merges():
    """Issue 9: one generic merge (kernels/state.py) serves every task's state."""
    from evalml_cli.engine import local
    from evalml_cli.kernels import state, streaming

    for cls in (local.BinaryStream, local.MulticlassStream, local.RegressionStream, local.DensityStream):
        kinds = state.merge_kinds(cls)
        assert kinds and set(kinds.values()) <= set(state.MERGE_KINDS), cls
    for name in dir(streaming):
        obj = getattr(streaming, name)
        if isinstance(obj, type) and name.endswith("State") and obj.__module__ == streaming.__name__:
            assert state.merge_kinds(obj), name
