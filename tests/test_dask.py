"""Issue 11, beyond one machine: ``--engine dask`` on a LocalCluster (127.0.0.1, 2 workers) gives
every metric of the local engine on a partitioned dataset."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

pytest.importorskip("dask.distributed", reason="dask is not installed (pip install 'evalml-cli[dask]')")

from evalml_cli import api  # noqa: E402
from evalml_cli.cli import app  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    # Threads, not processes: starting worker processes costs seconds; the map/merge is the same.
    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, host="127.0.0.1", protocol="tcp",
                     dashboard_address=None)
    yield c
    c.close()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("dask") / "preds"
    rng = np.random.default_rng(7)
    for i in range(6):
        n = 700 + 50 * i
        y = rng.integers(0, 3, n)
        p = rng.dirichlet(np.ones(3), n)
        p[np.arange(n), y] += 0.5
        p /= p.sum(axis=1, keepdims=True)
        t = pa.table({"label": y, "p_0": p[:, 0], "p_1": p[:, 1], "p_2": p[:, 2], "y": (y == 1).astype(np.int64),
                      "w": rng.random(n) + 0.5, "target": rng.normal(size=n), "sigma": rng.random(n) + 0.5})
        t = t.append_column("pred", pa.array(t.column("target").to_numpy() + rng.normal(0, 0.3, n)))
        d = root / f"part={i}"
        d.mkdir(parents=True)
        pq.write_table(t, d / "data.parquet")
    return str(root)


@pytest.mark.parametrize("command, kwargs", [
    ("classify", dict(target="y", score="p_1")),
    ("classify", dict(target="y", score="p_1", weight="w", threshold=0.3)),
    ("classify", dict(target="label", score="p_*", top_k=2)),
    ("regress", dict(target="target", pred="pred", sigma="sigma", n_params=1)),
])
def test_dask_engine_reports_the_local_engines_numbers(cluster, dataset, command, kwargs):
    fn = getattr(api, command)
    local = fn(dataset, **kwargs)
    remote = fn(dataset, **kwargs, engine="dask", scheduler=cluster.scheduler_address)
    assert remote.n == local.n
    assert set(remote.metrics) == set(local.metrics)
    for name, value in local.metrics.items():
        if value is None:
            assert remote.metrics[name] is None, name
        else:
            assert remote.metrics[name] == pytest.approx(value, rel=1e-12), name
    if local.confusion is not None:
        assert remote.confusion.matrix == local.confusion.matrix


def test_cli_engine_dask_with_a_scheduler_address(cluster, dataset):
    runner = CliRunner()
    res = runner.invoke(app, ["classify", dataset, "-t", "y", "-s", "p_1", "-f", "json", "--engine", "dask",
                              "--scheduler", cluster.scheduler_address])
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["metrics"] == pytest.approx(api.classify(dataset, target="y", score="p_1").metrics,
                                                              rel=1e-12)


def test_unreachable_scheduler_is_exit_2(dataset):
    res = CliRunner().invoke(app, ["classify", dataset, "-t", "y", "-s", "p_1", "--engine", "dask",
                                   "--scheduler", "tcp://127.0.0.1:9"], env={"EVALML_DASK_TIMEOUT": "1"})
    assert res.exit_code == 2 and "Dask scheduler" in res.stderr, res.stderr


@pytest.mark.parametrize("suffix", [".arrow", ".jsonl", ".txt"])
def test_a_file_of_another_format_is_one_part_read_whole_by_a_worker(cluster, tmp_path, suffix):
    """Arrow IPC, JSON Lines and whitespace-separated text have no row groups: one worker reads
    the file whole, and the numbers are the local engine's."""
    import pyarrow.feather as feather
    import pyarrow.json  # noqa: F401 - the reader evalml uses must be importable

    rng = np.random.default_rng(11)
    n = 900
    y = rng.integers(0, 2, n)
    p = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0.0, 1.0)
    w = rng.random(n) + 0.5
    path = tmp_path / f"preds{suffix}"
    if suffix == ".arrow":
        feather.write_feather(pa.table({"y": y, "p": p, "w": w}), path)
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps({"y": int(a), "p": float(b), "w": float(c)}) + "\n"
                                for a, b, c in zip(y, p, w)))
    else:
        path.write_text("y p w\n" + "".join(f"{a} {float(b)!r} {float(c)!r}\n" for a, b, c in zip(y, p, w)))
    local = api.classify(str(path), target="y", score="p", weight="w")
    remote = api.classify(str(path), target="y", score="p", weight="w", engine="dask",
                          scheduler=cluster.scheduler_address)
    assert remote.n == local.n == n
    for name, value in local.metrics.items():
        assert remote.metrics[name] == pytest.approx(value, rel=1e-12), name
