"""Confidence intervals of a finished report (``--ci``): validated data + Report → Report with
``intervals`` (and ``per_class_intervals``).

The method of each metric is the registry's ``interval`` field (:mod:`evalml_cli.metrics`):
``delong`` (ROC AUC, Sun & Xu's O(n log n) DeLong variance), ``wilson`` (proportions of rows:
accuracy, precision, recall, specificity) and ``bootstrap`` for everything else; metrics whose
entry says None (counts, descriptive numbers) get no interval. With sample weights, or with
``--ci-method bootstrap``, DeLong and Wilson give way to the bootstrap (their variances are
defined for counts of rows, not weights).

The bootstrap comes from :mod:`evalml_cli.kernels.bootstrap`: rows sorted once, replicate counts
drawn per replicate from ``SeedSequence(seed)``, metrics from weighted cumulative sums in
blocks. Metrics that are not functions of sums (multiclass ROC AUC and log loss, the median
absolute error, …) are recomputed per replicate by the report's own kernels with the row
weights multiplied by the replicate counts: a loop over replicates, never over rows.

An interval that cannot be computed is ``Interval(None, None, method)`` plus a warning that
says why; a gate on its bound fails.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Callable

import numpy as np

from evalml_cli import metrics as registry
from evalml_cli.errors import EvalmlError
from evalml_cli.report import Interval, Intervals, Report, finite_or_none


def check_options(ci: float | None, ci_method: str, bootstrap: int, seed: int, *, bootstrap_kind: str) -> None:
    """Exit-2 errors for bad interval options (before any file is read)."""
    if ci is not None and not (isinstance(ci, (int, float)) and 0.0 < float(ci) < 1.0):
        raise EvalmlError(f"--ci level must be strictly between 0 and 1, got {ci}", hint="e.g. --ci 0.95 or --ci 0.9")
    if ci_method not in ("auto", "bootstrap"):
        raise EvalmlError(f"--ci-method must be 'auto' or 'bootstrap', got {ci_method!r}")
    if bootstrap_kind not in ("percentile", "bca"):
        raise EvalmlError(f"--bootstrap-kind must be 'percentile' or 'bca', got {bootstrap_kind!r}")
    if not isinstance(bootstrap, int) or bootstrap < 2:
        raise EvalmlError(f"--bootstrap must be at least 2 replicates, got {bootstrap}", hint="e.g. --bootstrap 1000")
    if not isinstance(seed, int) or seed < 0:
        raise EvalmlError(f"--seed must be a non-negative integer, got {seed}")


class Settings:
    """The interval options of one run."""

    def __init__(self, level: float, method: str = "auto", n_boot: int = 1000, seed: int = 0,
                 *, kind: str = "percentile") -> None:
        self.level, self.method, self.n_boot, self.seed, self.kind = float(level), method, int(n_boot), int(seed), kind

    @property
    def jackknife(self) -> bool:
        return self.kind == "bca"

    def wrap(self, values: dict[str, Interval]) -> Intervals:
        return Intervals(self.level, values, self.n_boot, self.seed, None if self.kind == "percentile" else self.kind)


def _to_report(iv, method: str | None = None) -> Interval:
    """A kernel interval (tuple with .reason) → the report's Interval (None bounds when undefined)."""
    low, high = finite_or_none(iv[0]), finite_or_none(iv[1])
    if low is None or high is None:
        low = high = None
    return Interval(low, high, method or iv.method)


def _undefined(reason: str, method: str):
    from evalml_cli.kernels.intervals import Interval as KInterval

    return KInterval.undefined(reason, method)


def _generic_replicates(n: int, weight: np.ndarray | None, evaluate: Callable[[np.ndarray], dict[str, Any]],
                        names: list[str], *, s: Settings) -> dict[str, Any]:
    """Replicate values of ``names`` by re-evaluating with weights × replicate counts.

    ``evaluate(w)`` returns the metrics of the data with row weights ``w`` (n,). A Python loop
    over replicates (each one a full vectorized evaluation), never over rows. Returns
    name → (values, jackknife or None).
    """
    from evalml_cli.kernels.bootstrap import block_size, jackknife_counts, replicate_counts

    base = np.ones(n) if weight is None else np.asarray(weight, np.float64)
    values = {k: np.full(s.n_boot, np.nan) for k in names}
    with np.errstate(all="ignore"):
        for start, counts in replicate_counts(n, s.n_boot, s.seed, block_size(n, s.n_boot, 16)):
            for i in range(counts.shape[0]):
                got = evaluate(base * counts[i])
                for k in names:
                    v = got.get(k)
                    values[k][start + i] = np.nan if v is None else float(v)
        jack = None
        if s.jackknife:
            g = min(100, n)
            jack = {k: np.full(g, np.nan) for k in names}
            for start, counts in jackknife_counts(n):
                for i in range(counts.shape[0]):
                    got = evaluate(base * counts[i])
                    for k in names:
                        v = got.get(k)
                        jack[k][start + i] = np.nan if v is None else float(v)
    return {k: (values[k], None if jack is None else jack[k]) for k in names}


def _boot(values: np.ndarray, estimate: float | None, jack, s: Settings):
    from evalml_cli.kernels.bootstrap import bootstrap_interval

    return bootstrap_interval(values, s.level, s.kind, estimate, jackknife=jack)


def _finish(report: Report, ivs: dict[str, Any], s: Settings, per_class: dict[str, dict[str, Any]] | None = None,
            *, skipped: list[str] | None = None) -> Report:
    """Attach kernel intervals to the report; undefined ones become null plus one warning each."""
    warnings: list[str] = []
    out: dict[str, Interval] = {}
    for name, iv in ivs.items():
        out[name] = _to_report(iv)
        if out[name].low is None and not (iv.reason or "").endswith("itself is undefined"):
            warnings.append(f"{name} interval is undefined: {iv.reason or 'not finite on this data'}")
    pci = None
    if per_class:
        pci = {}
        undefined: dict[str, list[str]] = {}
        for cls, row in per_class.items():
            pci[cls] = {}
            for name, iv in row.items():
                pci[cls][name] = _to_report(iv)
                if pci[cls][name].low is None and not (iv.reason or "").endswith("is undefined"):
                    undefined.setdefault(f"{name}: {iv.reason or 'not finite on this data'}", []).append(cls)
        for what, classes in undefined.items():
            name, why = what.split(": ", 1)
            shown = ", ".join(classes[:10]) + (f" and {len(classes) - 10} more" if len(classes) > 10 else "")
            warnings.append(f"per-class {name} interval is undefined for {shown} ({why})")
    return replace(report, intervals=s.wrap(out), per_class_intervals=pci, warnings=[*report.warnings, *warnings])


def _wanted(report: Report) -> list[str]:
    """Metrics of the report that get an interval (registry ``interval`` not None)."""
    out = []
    for name in report.ordered_metrics():
        info = registry.lookup(report.task, name)
        if info is not None and info.interval is not None:
            out.append(name)
    return out


def _method(report: Report, name: str, s: Settings, weighted: bool) -> str:
    info = registry.lookup(report.task, name)
    m = info.interval if info is not None else "bootstrap"
    if s.method == "bootstrap" or weighted:
        return "bootstrap"
    return m or "bootstrap"


# ------------------------------------------------------------------------------------- binary


def _binary(report: Report, data, s: Settings) -> Report:
    from evalml_cli.kernels.bootstrap import binary_replicates
    from evalml_cli.kernels.intervals import delong_interval, wilson

    y, score, w = data.y, data.score, data.weight
    threshold = report.inputs.get("threshold")
    threshold = 0.5 if threshold is None else float(threshold)  # an unreachable threshold rule: metrics are null
    names = _wanted(report)
    m = report.metrics
    ivs: dict[str, Any] = {}
    need_boot = []
    for name in names:
        method = _method(report, name, s, w is not None)
        if m.get(name) is None:
            ivs[name] = _undefined(f"{name} itself is undefined", method)
        elif method == "delong":
            ivs[name] = delong_interval(y, score, s.level)
        elif method == "wilson":
            tp, fp, tn, fn = (float(m.get(k) or 0) for k in ("tp", "fp", "tn", "fn"))
            k, total = {"accuracy": (tp + tn, tp + fp + tn + fn), "precision": (tp, tp + fp),
                        "recall": (tp, tp + fn), "specificity": (tn, tn + fp)}[name]
            ivs[name] = wilson(k, total, s.level)
        else:
            need_boot.append(name)
    if need_boot:
        with np.errstate(all="ignore"):
            reps = binary_replicates(y, score, w, threshold, n_boot=s.n_boot, seed=s.seed, jackknife=s.jackknife)
        for name in need_boot:
            ivs[name] = reps.interval(name, s.level, s.kind) if name in reps.values else \
                _undefined("no bootstrap for this metric", "bootstrap")
    return _finish(report, {k: ivs[k] for k in names}, s)


# --------------------------------------------------------------------------------- multiclass


def _multiclass(report: Report, data, s: Settings, ctx: dict[str, Any]) -> Report:
    from evalml_cli import evaluate
    from evalml_cli.kernels.bootstrap import multiclass_replicates
    from evalml_cli.kernels.multiclass import predict_argmax

    names = _wanted(report)
    pred = data.pred if data.pred is not None else predict_argmax(data.scores)
    k = len(data.classes)
    with np.errstate(all="ignore"):
        reps = multiclass_replicates(data.y, pred, k, data.weight, n_boot=s.n_boot, seed=s.seed)
    per_class_names = ("precision", "recall", "f1", "roc_auc")
    fast = [n for n in names if n in reps.values]
    slow = [n for n in names if n not in reps.values]
    slow_pc = [p for p in per_class_names if report.per_class and any(p in row for row in report.per_class.values())
               and p not in ("precision", "recall", "f1")]
    if s.jackknife:  # BCa needs a jackknife: every metric through the per-replicate path
        slow, fast = names, []
        slow_pc = [p for p in per_class_names if report.per_class and any(p in row for row in report.per_class.values())]

    def evaluate_w(w: np.ndarray) -> dict[str, Any]:
        r = evaluate.classify_multiclass(replace(data, weight=w), **ctx)
        out = dict(r.metrics)
        for c, row in (r.per_class or {}).items():
            for p in slow_pc:
                out[f"{p}[{c}]"] = row.get(p)
        return out

    gen_names = slow + [f"{p}[{c}]" for c in data.classes for p in slow_pc]
    gen = _generic_replicates(data.y.shape[0], data.weight, evaluate_w, gen_names, s=s) if gen_names else {}
    ivs: dict[str, Any] = {}
    for name in names:
        if report.metrics.get(name) is None:
            ivs[name] = _undefined(f"{name} itself is undefined", "bootstrap")
        elif name in fast:
            ivs[name] = reps.interval(name, s.level, s.kind)
        else:
            vals, jack = gen[name]
            ivs[name] = _boot(vals, report.metrics.get(name), jack, s)
    per: dict[str, dict[str, Any]] = {}
    for c, cls in enumerate(data.classes):
        row = (report.per_class or {}).get(cls, {})
        per[cls] = {}
        for p in per_class_names:
            if p not in row:
                continue
            if row.get(p) is None:
                per[cls][p] = _undefined(f"{p} of this class is undefined", "bootstrap")
            elif p in slow_pc:
                vals, jack = gen[f"{p}[{cls}]"]
                per[cls][p] = _boot(vals, row.get(p), jack, s)
            else:
                per[cls][p] = reps.interval(f"{p}[{c}]", s.level, s.kind)
    return _finish(report, ivs, s, per)


# --------------------------------------------------------------------------------- regression


def _regression(report: Report, data, s: Settings, ctx: dict[str, Any]) -> Report:
    from evalml_cli import evaluate_regression
    from evalml_cli.kernels.bootstrap import regression_replicates, replicate_sums

    names = _wanted(report)
    mean_pred = data.preds.mean(axis=1) if data.preds.shape[1] > 1 else data.preds[:, 0]
    with np.errstate(all="ignore"):
        reps = regression_replicates(data.y, mean_pred, data.weight, s.n_boot, seed=s.seed, jackknife=s.jackknife)[0]
    chi2_names = {"chi2", "chi2_per_ndof", "p_value", "pull_mean", "pull_std", "pull_max_abs"}
    fast = [n for n in names if n in reps.values]
    chi = [n for n in names if n in chi2_names]
    slow = [n for n in names if n not in fast and n not in chi]

    def evaluate_w(w: np.ndarray) -> dict[str, Any]:
        d = replace(data, weight=w, sigma=None, cov=None, corr=None)
        return evaluate_regression.regress(d, 0, ctx.get("quantile", 0.5)).metrics

    gen = _generic_replicates(data.y.shape[0], data.weight, evaluate_w, slow, s=s) if slow else {}
    ivs: dict[str, Any] = {}
    chi_ivs: dict[str, Any] = {}
    if chi:
        if data.sigma is None or data.corr is not None or data.cov is not None:
            for n in chi:
                chi_ivs[n] = _undefined("a χ² with a full covariance has no independent rows to resample "
                                        "(bootstrap intervals need --sigma without --corr)", "bootstrap")
        else:
            from scipy.special import chdtrc

            z2 = np.square((data.y - mean_pred) / data.sigma)
            order = np.argsort(z2, kind="stable")
            ndof = data.y.shape[0] - int(ctx.get("n_params", 0))
            reps_chi = replicate_sums(z2[order], s.n_boot, s.seed)
            vals = {"chi2": reps_chi, "chi2_per_ndof": reps_chi / ndof if ndof > 0 else reps_chi * np.nan,
                    "p_value": chdtrc(ndof, reps_chi) if ndof > 0 else reps_chi * np.nan}
            jack = None
            if s.jackknife:
                from evalml_cli.kernels.bootstrap import jackknife_sums

                jc = jackknife_sums(z2[order])
                jack = {"chi2": jc, "chi2_per_ndof": jc / ndof if ndof > 0 else jc * np.nan,
                        "p_value": chdtrc(ndof, jc) if ndof > 0 else jc * np.nan}
            for n in chi:
                if n in vals:
                    chi_ivs[n] = _boot(vals[n], report.metrics.get(n), None if jack is None else jack[n], s)
                else:
                    chi_ivs[n] = _undefined("no bootstrap for this metric", "bootstrap")
    for name in names:
        if report.metrics.get(name) is None:
            ivs[name] = _undefined(f"{name} itself is undefined", "bootstrap")
        elif name in fast:
            ivs[name] = reps.interval(name, s.level, s.kind)
        elif name in chi_ivs:
            ivs[name] = chi_ivs[name]
        else:
            vals, jack = gen[name]
            ivs[name] = _boot(vals, report.metrics.get(name), jack, s)
    return _finish(report, ivs, s)


# ------------------------------------------------------------------------------------ density


def _density(report: Report, data, s: Settings) -> Report:
    from evalml_cli.kernels.bootstrap import jackknife_sums, replicate_sums

    names = _wanted(report)
    ivs: dict[str, Any] = {}
    if data.mode != "likelihood":
        for name in names:
            ivs[name] = _undefined("two histograms have no rows to resample (intervals need --likelihood samples)",
                                   "bootstrap")
        return _finish(report, ivs, s)
    w = np.ones_like(data.likelihood) if data.weight is None else data.weight
    nll_row = -np.log(data.likelihood)
    order = np.lexsort((w, nll_row))
    cols = np.column_stack([w[order], (w * nll_row)[order]])
    with np.errstate(all="ignore"):
        sums = replicate_sums(cols, s.n_boot, s.seed)
        jk = jackknife_sums(cols) if s.jackknife else None

    def metrics_of(x: np.ndarray) -> dict[str, np.ndarray]:
        with np.errstate(all="ignore"):
            mean = np.where(x[:, 0] != 0, x[:, 1] / np.where(x[:, 0] != 0, x[:, 0], 1.0), np.nan)
        return {"nll": x[:, 1], "mean_nll": mean, "bits_per_sample": mean / math.log(2.0)}

    vals = metrics_of(sums)
    jack = metrics_of(jk) if jk is not None else None
    for name in names:
        if report.metrics.get(name) is None:
            ivs[name] = _undefined(f"{name} itself is undefined", "bootstrap")
        elif data.likelihood.shape[0] < 2:
            ivs[name] = _undefined("too few rows for a bootstrap interval (1 < 2)", "bootstrap")
        elif name in vals:
            ivs[name] = _boot(vals[name], report.metrics.get(name), None if jack is None else jack[name], s)
        else:
            ivs[name] = _undefined("no bootstrap for this metric", "bootstrap")
    return _finish(report, ivs, s)


def add_intervals(report: Report, data: Any, s: Settings, ctx: dict[str, Any] | None = None) -> Report:
    """``report`` with intervals of every metric computed from ``data`` (the validated arrays).

    ``ctx``: the evaluation options the per-replicate path needs (multiclass: top_k,
    normalize_scores…; regression: n_params, quantile).
    """
    from evalml_cli import io
    from evalml_cli.io.regression import DensityData, RegressionData

    ctx = dict(ctx or {})
    if isinstance(data, io.BinaryData):
        return _binary(report, data, s)
    if isinstance(data, io.MulticlassData):
        return _multiclass(report, data, s, ctx)
    if isinstance(data, RegressionData):
        return _regression(report, data, s, ctx)
    if isinstance(data, DensityData):
        return _density(report, data, s)
    raise TypeError(f"no intervals for {type(data).__name__}")  # pragma: no cover
