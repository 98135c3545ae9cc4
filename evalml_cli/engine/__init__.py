"""Engines: evaluate a file, glob, directory or stdin batch by batch when it would not fit.

``local`` folds the batches in this process (:mod:`evalml_cli.engine.local`); ``dask`` maps
the same update over the dataset's parts on a Dask cluster and merges the states on the client
(:mod:`evalml_cli.engine.dask`). :func:`evaluate` decides: streaming is automatic when the
input's estimated in-memory size (Parquet metadata, file sizes) exceeds ``--memory-limit``
(default: half the machine's available memory); otherwise it returns None and the caller reads
the input whole (the fast in-memory path).
"""

from __future__ import annotations

import os
from typing import Any

from evalml_cli.errors import EvalmlError

ENGINES = ("local", "dask")


def _plan(src, task: str, reader: dict):
    from evalml_cli.io import batches as B

    if task == "classify":
        return B.plan_classification(src, **reader)
    if task == "regress":
        return B.plan_regression(src, **reader)
    return B.plan_density(src, **reader)


def evaluate(data: Any, task: str, reader: dict, opts: dict, *, memory_limit: str | int | None = None,
             engine: str = "local", scheduler: str | None = None, progress: bool = False):
    """The Report from the batched engines, or None when the input should be read in memory.

    task : "classify", "regress" or "density"; ``reader`` the plan's reader options (columns,
    --pos-label, --drop-invalid …); ``opts`` the metric options (threshold, top_k, n_params …).
    """
    from evalml_cli.engine import local

    if engine not in ENGINES:
        raise EvalmlError(f"--engine must be 'local' or 'dask', got {engine!r}")
    if scheduler is not None and engine != "dask":
        raise EvalmlError("--scheduler needs --engine dask", hint="pass --engine dask --scheduler tcp://HOST:8786")
    forced = os.environ.get("EVALML_RANKING_BUDGET")  # tests and tuning: stream with this ranking budget
    given = local.parse_size(memory_limit)
    limit = given if given is not None else local.default_memory_limit()
    if given is not None and given < local.MIN_LIMIT:
        local.Limits.from_memory(given)  # the error message
    if not isinstance(data, (str, os.PathLike)):
        if engine == "dask":
            raise EvalmlError("--engine dask needs a file, glob or directory, not an in-memory table")
        return None
    path = os.fspath(data)
    from evalml_cli.io import batches as B

    if path == "-" and engine == "local" and (given is not None or forced):
        # stdin has no size to estimate: an explicit --memory-limit streams it block by block
        src = B.BatchSource(path, sep=reader.pop("sep", None), decimal=reader.pop("decimal", None), stream_stdin=True)
        if src.kind != "stdin":
            return None  # not plain CSV: read whole (a documented fallback)
        plan = _plan(src, task, reader)
        return _run_local(src, plan, opts, limit, forced=forced, progress=progress)
    if path == "-" or not (B.is_multi(path) or os.path.isfile(path.split(".root:")[0])):
        if engine == "dask":
            raise EvalmlError(f"--engine dask reads files, globs or directories, not {path}",
                              hint="give a Parquet or CSV file, a glob or a directory")
        return None  # stdin, a FIFO or a missing file: the in-memory reader reads (or reports) it

    if engine == "local" and not forced and not B.is_multi(path) and os.path.isfile(path):
        # The cheapest look first: a file whose size, times the largest expansion factor,
        # fits the limit is read in memory without opening it twice.
        factor = B.WORK_FACTOR * B.CSV_FACTOR * (8 if path.lower().endswith((".gz", ".bz2", ".zst")) else 1)
        if os.path.getsize(path) * factor <= limit:
            return None
    src = B.BatchSource(path, sep=reader.pop("sep", None), decimal=reader.pop("decimal", None))
    if engine == "local" and src.kind == "whole":
        return None
    if engine == "local" and not forced and src.estimate_bytes(src.columns) <= limit:
        return None
    plan = _plan(src, task, reader)
    if engine == "local" and not forced and src.estimate_bytes(list(plan.columns)) <= limit:
        return None
    if engine == "dask":
        _check_streamable(src, plan, opts, limit)
        limits = _limits(plan, limit, forced)
        from evalml_cli.engine import dask as dask_engine

        return dask_engine.run(local.StreamTask(plan, plan.task, dict(opts), limits), src, scheduler)
    return _run_local(src, plan, opts, limit, forced=forced, progress=progress)


def _check_streamable(src, plan, opts: dict, limit: int) -> None:
    if plan.task == "regression" and (opts.get("cov") or opts.get("corr")):
        option = "--cov" if opts.get("cov") else "--corr"
        raise EvalmlError(f"{option} (χ² with a full covariance) needs all rows, but {src.display} is streamed "
                          f"(larger than --memory-limit {limit / 2**30:.3g}G)",
                          hint="use --sigma COL (a diagonal covariance streams), or raise --memory-limit")
    if opts.get("pulls"):
        raise EvalmlError(f"--pulls writes one row per input row: not available when {src.display} is streamed",
                          hint="raise --memory-limit")


def _limits(plan, limit: int, forced):
    from evalml_cli.engine import local

    limits = local.Limits.from_memory(max(limit, local.MIN_LIMIT), width=len(plan.columns))
    if forced:
        import dataclasses

        limits = dataclasses.replace(limits, budget=max(2, int(forced)), batch_rows=min(limits.batch_rows, 1000))
    return limits


def _run_local(src, plan, opts: dict, limit: int, *, forced, progress: bool):
    from evalml_cli.engine import local

    _check_streamable(src, plan, opts, limit)
    limits = _limits(plan, limit, forced)
    stream = local.StreamTask(plan, plan.task, dict(opts), limits)
    total = None
    if src.kind in ("parquet", "dataset") and plan.task is not None:
        try:
            total = sum(_rows(p) for p in src.parts())
        except Exception:  # noqa: BLE001 - the bar then has no total
            total = None
    bar = local.Progress(progress, total)
    return local.run(stream, src.batches(list(plan.columns), limits.batch_rows, plan.types), bar)


def _rows(part) -> int:
    import pyarrow.parquet as pq

    if part.kind != "parquet":
        raise ValueError("unknown")
    return pq.ParquetFile(part.path).metadata.num_rows
