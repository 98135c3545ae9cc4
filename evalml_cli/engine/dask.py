"""The Dask engine: the local engine's update mapped over the dataset's parts on a cluster.

Each part (a file of a dataset, or a whole file; a format other than Parquet and CSV is one part
read whole by one worker) is read and folded into a state on
a worker with :meth:`StreamTask.update_part`; the states come back to the client and merge
there, and the client builds the Report — the same numbers as ``--engine local``. Without
``--scheduler`` a ``LocalCluster`` of 2 workers on 127.0.0.1 is started for the run. Dask is
an optional extra, imported only here.
"""

from __future__ import annotations

from evalml_cli.errors import EvalmlError

INSTALL_HINT = "pip install 'evalml-cli[dask]'"


def _import():
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise EvalmlError("--engine dask needs dask.distributed, which is not installed", hint=INSTALL_HINT) from None
    return Client, LocalCluster


def run(task, src, scheduler: str | None = None):
    """Map ``task.update_part`` over ``src.parts()`` on the cluster, merge, finish."""
    from evalml_cli.engine import local

    Client, LocalCluster = _import()
    parts = src.parts()
    if not parts:
        raise EvalmlError(f"--engine dask reads files, globs or directories, not {src.display}",
                          hint="give a Parquet or CSV file, a glob or a directory")
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            try:
                import os

                client = Client(scheduler, timeout=float(os.environ.get("EVALML_DASK_TIMEOUT", "10")))
            except (OSError, TimeoutError) as exc:
                raise EvalmlError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}",
                                  hint="check the address (tcp://HOST:8786) and that the scheduler runs") from None
        try:
            futures = client.map(task.update_part, parts, batch_rows=task.limits.batch_rows, pure=False)
            states = client.gather(futures)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
    pending = local._Pending(task.limits.budget) if task.kind == "binary" else None
    state = None
    for st in states:
        if st is not None:
            state = task.merge(state, st, pending) if pending is not None else task.merge(state, st)
    if task.kind == "binary" and state is not None:
        labels = state.labels
        if len(labels) > 2 and task.plan.options.get("pos_label") is None:
            raise EvalmlError(f"target column {task.plan.options['target']!r} in {src.display} has {len(labels)} "
                              f"distinct values ({', '.join(labels[:10])}); binary classification needs two",
                              hint="check --target, evaluate it as multiclass, or pass --pos-label CLASS")
    return task.finish(state, pending.result() if pending is not None else None)
