"""The library: one call per command, the same options as the CLI, a :class:`Report` back.

``data`` is a path (CSV, TSV, gzip, Parquet, …), a pandas ``DataFrame``, a pyarrow ``Table``
or ``RecordBatch``, or anything that exposes the Arrow C stream (``__arrow_c_stream__``, e.g. a
polars DataFrame). pandas is imported only when a DataFrame is passed. Every problem with the
data or the options raises :class:`evalml_cli.errors.EvalmlError` with the message the CLI
prints.

Examples
--------
>>> import evalml_cli
>>> report = evalml_cli.classify("sample_data/binary.csv", target="y_true", score="y_score")
>>> round(report.metrics["roc_auc"], 4)
0.9501
>>> import pyarrow as pa
>>> t = pa.table({"y": [0, 0, 1, 1], "s": [0.1, 0.4, 0.35, 0.8]})
>>> evalml_cli.classify(t, target="y", score="s").metrics["roc_auc"]
0.75
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from typing import Any

from evalml_cli.errors import EvalmlError
from evalml_cli.report import Report

__all__ = ["classify", "curve", "regress", "density", "compare"]


def _source(data: Any):
    """A path string for files, else an in-memory source over an Arrow table."""
    if isinstance(data, (str, os.PathLike)):
        from evalml_cli.io.batches import BatchSource, is_multi

        path = os.fspath(data)
        return BatchSource(path).table_source() if is_multi(path) else path
    from evalml_cli.io import TableSource
    from evalml_cli.io.memory import MemorySource

    if isinstance(data, TableSource):  # a source already opened (per-group evaluation, --by)
        return data

    return MemorySource(_to_arrow(data))


def _to_arrow(data: Any):
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        import pandas as pd

        if isinstance(data, pd.DataFrame):
            return pa.Table.from_pandas(data, preserve_index=False)
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise EvalmlError(
        f"cannot evaluate an object of type {type(data).__name__}",
        hint="pass a file path, a pandas DataFrame, a pyarrow Table or an object with __arrow_c_stream__",
    )


def classify(
    data: Any,
    *,
    target: str | None = None,
    score: str | None = None,
    pred: str | None = None,
    task: str | None = None,
    weight: str | None = None,
    pos_label: str | None = None,
    threshold: float | str = 0.5,
    top_k: int | None = None,
    normalize: str | None = None,
    normalize_scores: str | None = None,
    show_classes: int = 20,
    drop_invalid: bool = False,
    classes: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    threshold_from: Any = None,
    tpr_at_fpr: str | list | None = None,
    fpr_at_tpr: str | list | None = None,
    hep: bool = False,
    lumi_scale: float = 1.0,
    overtraining: Any = None,
    bins: str | int | None = None,
    curves: list[str] | tuple[str, ...] = (),
    ci: float | None = None,
    ci_method: str = "auto",
    bootstrap: int = 1000,
    seed: int = 0,
    bootstrap_kind: str = "percentile",
    by: str | None = None,
    gap: str | None = None,
    memory_limit: str | int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    progress: bool = False,
) -> Report:
    """Binary or multiclass classification metrics, as ``evalml classify``.

    Options are those of the command line (``--pos-label`` → ``pos_label``…). Binary vs
    multiclass is detected unless ``task`` is ``"binary"`` or ``"multiclass"``. ``threshold``
    is a number or a rule (``auto:youden``, ``fpr=0.01``…), chosen on ``threshold_from``
    when given; ``curves`` names the curves to attach to ``report.curves`` (roc, pr,
    calibration, det, efficiency), down-sampled for drawing. ``ci``, ``ci_method``, ``bootstrap``, ``seed``,
    ``bootstrap_kind``: ``--ci`` intervals; ``by``, ``gap``: one report per group (``--by``, ``--gap``).
    """
    opts = dict(locals())
    if by is not None or gap is not None:
        return _extras(classify, opts)
    from evalml_cli import evaluate, io
    from evalml_cli import evaluate_curves as ec
    from evalml_cli.kernels.curves import parse_threshold_rule

    rule = parse_threshold_rule(str(threshold))
    if rule.kind == "value":
        threshold = rule.target
    if not math.isfinite(lumi_scale) or lumi_scale <= 0:
        raise EvalmlError(f"--lumi-scale must be a positive number, got {lumi_scale}")
    tpr_levels = ec.parse_levels(tpr_at_fpr, "--tpr-at-fpr")
    fpr_levels = ec.parse_levels(fpr_at_tpr, "--fpr-at-tpr")
    if bins is not None:
        from evalml_cli.kernels.calibration import parse_bins

        parse_bins(bins)
    if task not in (None, "binary", "multiclass"):
        raise EvalmlError(f"task must be 'binary' or 'multiclass', got {task!r}")
    if normalize not in (None, "true", "pred", "all"):
        raise EvalmlError(f"normalize must be 'true', 'pred' or 'all', got {normalize!r}")
    if normalize_scores not in (None, "softmax", "renormalize"):
        raise EvalmlError(f"normalize_scores must be 'softmax' or 'renormalize', got {normalize_scores!r}")
    if top_k is not None and top_k < 1:
        raise EvalmlError(f"top_k must be at least 1, got {top_k}")
    from evalml_cli import engine as engines

    whole_only = [name for name, given in (
        ("a --threshold rule", rule.kind != "value"), ("--threshold-from", threshold_from is not None),
        ("--tpr-at-fpr", bool(tpr_levels)), ("--fpr-at-tpr", bool(fpr_levels)), ("--hep", hep),
        ("--overtraining", overtraining is not None), ("--bins", bins is not None), ("curves or plots", bool(curves)),
        ("--ci", bool(opts.get("ci"))),
    ) if given]
    if whole_only and engine != "local":
        raise EvalmlError(f"{', '.join(whole_only)} need(s) all rows in memory: not available with --engine {engine}",
                          hint="use --engine local")
    if not whole_only:  # these read the input in memory (a documented fallback)
        report = engines.evaluate(
            data, "classify", dict(target=target, score=score, weight=weight, pos_label=pos_label,
                                   drop_invalid=drop_invalid, pred=pred, task=task, classes=classes, sep=sep,
                                   decimal=decimal),
            dict(threshold=threshold, top_k=top_k, normalize=normalize, normalize_scores=normalize_scores,
                 show_classes=show_classes),
            memory_limit=memory_limit, engine=engine, scheduler=scheduler, progress=progress)
        if report is not None:
            return _engine_warnings(report, pos_label=pos_label, threshold=threshold, top_k=top_k, normalize=normalize,
                                    normalize_scores=normalize_scores, show_classes=show_classes)
    data_ = io.read_classification(_source(data), target=target, score=score, weight=weight, pos_label=pos_label,
                                   drop_invalid=drop_invalid, pred=pred, task=task,
                                   classes=classes, sep=sep, decimal=decimal)
    def read(source, option):
        return io.read_classification(_source(source), target=target, score=score, weight=weight, pos_label=pos_label,
                                      drop_invalid=drop_invalid, pred=pred, task="binary", classes=classes, sep=sep,
                                      decimal=decimal)

    if isinstance(data_, io.BinaryData):
        from evalml_cli.kernels.binary import binary_update
        from evalml_cli.kernels.curves import choose_threshold

        state = binary_update(data_.y, data_.score, data_.weight)
        chosen: float | None = threshold if rule.kind == "value" else None
        why = ""
        if rule.kind != "value":
            basis = state if threshold_from is None else _state_of(read(threshold_from, "--threshold-from"))
            chosen, why = choose_threshold(basis, rule)
        report = evaluate.classify_binary(data_, chosen if chosen is not None else 0.5, state=state)
        if rule.kind != "value":
            inputs = {**report.inputs, "threshold": chosen, "threshold_rule": rule.text}
            if threshold_from is not None:
                inputs["threshold_from"] = threshold_from if isinstance(threshold_from, str) else "<data>"
            report = replace(report, inputs=inputs)
            report = ec.null_threshold_metrics(report, why) if chosen is None else report
        elif threshold_from is not None:
            report = report.with_warnings("--threshold-from is ignored with a fixed --threshold number "
                                          "(give a rule such as auto:youden or fpr=0.01)")
        if tpr_levels or fpr_levels:
            report = ec.working_levels(report, state, tpr_levels, fpr_levels)
        if hep:
            report = ec.hep_metrics(report, state, chosen, lumi_scale)
        if overtraining is not None:
            report = ec.overtraining_metrics(report, read(overtraining, "--overtraining"), data_)
        if bins is not None:
            report = ec.calibration_metrics(report, data_, bins, state=state)
        if curves:
            report = replace(report, curves=ec.curves_block(data_, curves, bins=bins or 15, keep=[chosen],
                                                                  state=state))
        ignored = [name for name, given in (("--top-k", top_k is not None), ("--normalize", normalize is not None),
                                            ("--normalize-scores", normalize_scores is not None),
                                            ("--show-classes", show_classes != 20)) if given]
        if ignored:
            report = report.with_warnings(f"{', '.join(ignored)} {'is' if len(ignored) == 1 else 'are'} ignored "
                                          "for binary data (multiclass only)")
        return _with_ci(report, data_, opts)
    report = evaluate.classify_multiclass(
        data_, top_k=top_k, normalize=normalize, normalize_scores=normalize_scores, show_classes=show_classes,
    )
    if pos_label is not None:
        report = report.with_warnings("--pos-label is ignored for multiclass data")
    if rule.kind != "value" or threshold != 0.5:
        report = report.with_warnings("--threshold is ignored for multiclass data (the predicted class is the argmax)")
    ignored = [name for name, given in (("--threshold-from", threshold_from is not None),
                                        ("--tpr-at-fpr", bool(tpr_levels)), ("--fpr-at-tpr", bool(fpr_levels)),
                                        ("--hep", hep), ("--overtraining", overtraining is not None)) if given]
    if ignored:
        report = report.with_warnings(f"{', '.join(ignored)} {'is' if len(ignored) == 1 else 'are'} ignored "
                                      "for multiclass data (binary only)")
    if bins is not None:
        report = ec.calibration_metrics(report, data_, bins, normalize_scores)
    if curves:
        report = replace(report, curves=ec.curves_block(data_, curves, bins=bins or 15))
    return _with_ci(report, data_, opts, top_k=top_k, normalize=normalize, normalize_scores=normalize_scores,
                    show_classes=show_classes)


def _state_of(data_):
    from evalml_cli.kernels.binary import binary_update

    return binary_update(data_.y, data_.score, data_.weight)


def curve(
    data: Any,
    *,
    kind: str = "roc",
    target: str | None = None,
    score: str | None = None,
    task: str | None = None,
    weight: str | None = None,
    pos_label: str | None = None,
    drop_intermediate: bool = False,
    points: int | None = None,
    bins: str | int = 15,
    classes: str | None = None,
    drop_invalid: bool = False,
    sep: str | None = None,
    decimal: str | None = None,
):
    """The points of one curve, as ``evalml curve``: a :class:`evalml_cli.kernels.curves.Curve`
    (``.columns`` name → array, ``.records()`` one dict per point). Multiclass data gives one
    curve per class (one-vs-rest) with a ``class`` column.

    >>> import pyarrow as pa
    >>> t = pa.table({"y": [0, 0, 1, 1], "s": [0.1, 0.4, 0.35, 0.8]})
    >>> curve(t, kind="roc", target="y", score="s").columns["tpr"].tolist()
    [0.0, 0.5, 0.5, 1.0, 1.0]
    """
    from evalml_cli import evaluate_curves as ec
    from evalml_cli import io
    from evalml_cli.kernels.calibration import parse_bins

    if kind not in ec.CURVE_KINDS:
        raise EvalmlError(f"unknown curve kind {kind!r}", hint=f"use one of {', '.join(ec.CURVE_KINDS)}")
    if points is not None and points < 2:
        raise EvalmlError(f"--points must be at least 2, got {points}")
    if task not in (None, "binary", "multiclass"):
        raise EvalmlError(f"task must be 'binary' or 'multiclass', got {task!r}")
    parse_bins(bins)
    data_ = io.read_classification(_source(data), target=target, score=score, weight=weight, pos_label=pos_label,
                                   drop_invalid=drop_invalid, task=task, classes=classes, sep=sep, decimal=decimal)
    c = ec.curve_of(data_, kind, drop_intermediate=drop_intermediate, points=points, bins=bins)
    return replace(c, notes=(*data_.notes, *getattr(data_, "warnings", ())))


def _engine_warnings(report: Report, *, pos_label, threshold, top_k, normalize, normalize_scores,
                     show_classes) -> Report:
    """Options that do not apply to the detected task (a report of the batched engines)."""
    from evalml_cli import metrics

    if report.task == metrics.BINARY:
        ignored = [name for name, given in (("--top-k", top_k is not None), ("--normalize", normalize is not None),
                                            ("--normalize-scores", normalize_scores is not None),
                                            ("--show-classes", show_classes != 20)) if given]
        if ignored:
            report = report.with_warnings(f"{', '.join(ignored)} {'is' if len(ignored) == 1 else 'are'} ignored "
                                          "for binary data (multiclass only)")
        return report
    if pos_label is not None:
        report = report.with_warnings("--pos-label is ignored for multiclass data")
    if threshold != 0.5:
        report = report.with_warnings("--threshold is ignored for multiclass data (the predicted class is the argmax)")
    return report


def regress(
    data: Any,
    *,
    target: str | None = None,
    pred: str | None = None,
    weight: str | None = None,
    sigma: str | None = None,
    cov: str | None = None,
    corr: str | None = None,
    n_params: int = 0,
    quantile: float = 0.5,
    drop_invalid: bool = False,
    sep: str | None = None,
    decimal: str | None = None,
    ci: float | None = None,
    ci_method: str = "auto",
    bootstrap: int = 1000,
    seed: int = 0,
    bootstrap_kind: str = "percentile",
    by: str | None = None,
    gap: str | None = None,
    memory_limit: str | int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    progress: bool = False,
    pulls: bool = False,
) -> Report:
    """Regression metrics, as ``evalml regress`` (``cov``/``corr`` are matrix file paths)."""
    opts = dict(locals())
    if by is not None or gap is not None:
        return _extras(regress, opts)
    from evalml_cli import evaluate_regression
    from evalml_cli.io.regression import check_uncertainty_options, read_regression

    if n_params < 0:
        raise EvalmlError(f"n_params must be ≥ 0, got {n_params}")
    check_uncertainty_options(sigma, cov, corr, None)
    if not 0.0 < quantile < 1.0:
        raise EvalmlError(f"--quantile must be strictly between 0 and 1, got {quantile:g}", hint="e.g. --quantile 0.9")
    from evalml_cli import engine as engines

    report = None if opts.get("ci") else engines.evaluate(
        data, "regress", dict(target=target, pred=pred, weight=weight, sigma=sigma, drop_invalid=drop_invalid,
                              sep=sep, decimal=decimal),
        dict(n_params=n_params, quantile=quantile, cov=cov, corr=corr, pulls=pulls),
        memory_limit=memory_limit, engine=engine, scheduler=scheduler, progress=progress)
    if report is not None:
        return report
    data_ = read_regression(_source(data), target=target, pred=pred, weight=weight, sigma=sigma, cov=cov, corr=corr,
                            drop_invalid=drop_invalid, sep=sep, decimal=decimal)
    return _with_ci(evaluate_regression.regress(data_, n_params, quantile), data_, opts, n_params=n_params,
                    quantile=quantile)


def density(
    data: Any,
    *,
    likelihood: str | None = None,
    p: str | None = None,
    q: str | None = None,
    weight: str | None = None,
    drop_invalid: bool = False,
    sep: str | None = None,
    decimal: str | None = None,
    ci: float | None = None,
    ci_method: str = "auto",
    bootstrap: int = 1000,
    seed: int = 0,
    bootstrap_kind: str = "percentile",
    by: str | None = None,
    gap: str | None = None,
    memory_limit: str | int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    progress: bool = False,
) -> Report:
    """Density metrics, as ``evalml density``: NLL of samples, or KL/JS of two histograms."""
    opts = dict(locals())
    if by is not None or gap is not None:
        return _extras(density, opts)
    from evalml_cli import evaluate_regression
    from evalml_cli.io.regression import check_density_options, read_density

    check_density_options(likelihood, p, q, weight)
    if likelihood is not None and not (opts.get("ci") or by is not None or gap is not None):
        from evalml_cli import engine as engines

        report = engines.evaluate(
            data, "density", dict(likelihood=likelihood, weight=weight, drop_invalid=drop_invalid, sep=sep,
                                  decimal=decimal),
            {}, memory_limit=memory_limit, engine=engine, scheduler=scheduler, progress=progress)
        if report is not None:
            return report
    data_ = read_density(_source(data), likelihood=likelihood, p=p, q=q, weight=weight, drop_invalid=drop_invalid,
                         sep=sep, decimal=decimal)
    return _with_ci(evaluate_regression.density(data_), data_, opts)


# ``evalml compare``: two models on the same rows — each model's metrics and, per metric,
# delta = second − first with a paired interval and p-value. Its signature (the CLI's options
# as keywords) lives once, in evalml_cli/evaluate_compare.py.
from evalml_cli.evaluate_compare import compare  # noqa: E402


def _with_ci(report: Report, data: Any, opts: dict[str, Any], **ctx: Any) -> Report:
    """``report`` with ``--ci`` intervals when ``opts["ci"]`` is set (evaluate_ci.add_intervals)."""
    from evalml_cli.evaluate_ci import Settings, add_intervals, check_options

    if isinstance(opts.get("ci"), bool):  # a config's `ci = true` / `ci = false`
        opts = {**opts, "ci": 0.95 if opts["ci"] else None}
    check_options(opts.get("ci"), opts["ci_method"], opts["bootstrap"], opts["seed"], bootstrap_kind=opts["bootstrap_kind"])
    if opts.get("ci") is None:
        given = [flag for flag, key, default in (("--ci-method", "ci_method", "auto"), ("--bootstrap", "bootstrap", 1000),
                                                 ("--seed", "seed", 0), ("--bootstrap-kind", "bootstrap_kind", "percentile"))
                 if opts.get(key, default) != default]
        if given:
            report = report.with_warnings(f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} ignored without --ci")
        return report
    s = Settings(opts["ci"], opts["ci_method"], opts["bootstrap"], opts["seed"], kind=opts["bootstrap_kind"])
    return add_intervals(report, data, s, ctx)


def _extras(func: Any, opts: dict[str, Any]) -> Report:
    """``--by COL`` / ``--gap A,B``: one report per group plus ``all`` (evaluate_groups.by_groups)."""
    from evalml_cli.evaluate_groups import by_groups

    return by_groups(func, opts)
