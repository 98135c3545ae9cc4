"""``evalml compare``: two models on the same rows, each model's metrics and the paired delta.

Inputs: two ``--score`` (binary: one column each; multiclass: one glob or list each) or two
``--pred`` (regression) columns of one file, or two files with the same targets (the same
column names, or one ``--score``/``--pred`` each), rows matched on ``--id COL`` or else by
row order. Mismatches are exit 2: a target that differs on a matched row, an id in one file
only, a duplicate id, files of different lengths without ``--id``.

For every metric, ``delta = second − first``. Its interval is paired: both models' metrics on
the SAME bootstrap draws (:func:`evalml_cli.kernels.bootstrap.paired_binary_replicates`,
``regression_replicates`` / ``multiclass_replicates`` with two predictions), except ROC AUC,
which uses DeLong's paired variance (unweighted data). The p-value: DeLong's test for ROC
AUC, McNemar's exact binomial test on the discordant rows for accuracy (unweighted), and the
paired bootstrap otherwise (:func:`bootstrap_p_value`).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import numpy as np

from evalml_cli import metrics as registry
from evalml_cli.errors import EvalmlError
from evalml_cli.evaluate_ci import Settings, _generic_replicates, check_options
from evalml_cli.report import Delta, Report, finite_or_none


def bootstrap_p_value(deltas: np.ndarray) -> float | None:
    """Two-sided paired-bootstrap p-value of H0: Δ = 0 from B replicate deltas Δ*:

        p = min(1, 2·(min(#{Δ* ≤ 0}, #{Δ* ≥ 0}) + 1) / (B + 1)),

    twice the smaller tail around 0 with the usual +1 correction (Davison & Hinkley 1997,
    §4.4), so p is never 0 from a finite number of replicates (its floor is 2/(B + 1)).

    >>> bootstrap_p_value(np.array([0.1, 0.2, -0.1, 0.3]))
    0.8
    """
    d = np.asarray(deltas, np.float64)
    d = d[np.isfinite(d)]
    if d.size == 0:
        return None
    k = min(int(np.count_nonzero(d <= 0.0)), int(np.count_nonzero(d >= 0.0)))
    return float(min(1.0, 2.0 * (k + 1) / (d.size + 1)))


# ---------------------------------------------------------------------------------- inputs


def _files_or_source(data: Any):
    from evalml_cli import api

    return api._source(data)


def _name(data: Any, fallback: str) -> str:
    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data)
    return fallback


def _align_on_id(src1, src2, id_col: str):
    """(src1, src2 reordered to src1's id order) as in-memory sources; exit 2 on any mismatch."""
    from evalml_cli.io import label_text
    from evalml_cli.io.memory import MemorySource

    c1 = src1.column(id_col, (), "id", "--id")[0]
    c2 = src2.column(id_col, (), "id", "--id")[0]
    t1 = src1.read(list(src1.columns))
    t2 = src2.read(list(src2.columns))
    ids = []
    for src, t, c in ((src1, t1, c1), (src2, t2, c2)):
        col = t.column(c).combine_chunks()
        if col.null_count:
            raise EvalmlError(f"--id column {c!r} in {src.display} has {col.null_count} missing value(s)",
                              hint="every row needs an id")
        v = np.array([label_text(x) for x in col.to_pylist()], dtype=object).astype(str)
        uniq, counts = np.unique(v, return_counts=True)
        dup = uniq[counts > 1]
        if dup.size:
            shown = ", ".join(repr(str(x)) for x in dup[:5]) + (", …" if dup.size > 5 else "")
            raise EvalmlError(f"--id column {c!r} in {src.display} has {int(dup.size)} duplicate id(s): {shown}",
                              hint="ids must be unique in each file")
        ids.append(v)
    a, b = ids
    only_a = np.setdiff1d(a, b)
    only_b = np.setdiff1d(b, a)
    if only_a.size or only_b.size:
        parts = []
        for src, only in ((src1, only_a), (src2, only_b)):
            if only.size:
                shown = ", ".join(repr(str(x)) for x in only[:5]) + (", …" if only.size > 5 else "")
                parts.append(f"{only.size} id(s) only in {src.display} ({shown})")
        raise EvalmlError(f"--id {id_col}: {'; '.join(parts)}", hint="both files must hold the same rows")
    order_b = np.argsort(b, kind="stable")
    pos = order_b[np.searchsorted(b[order_b], a)]  # row of file 2 holding each id of file 1
    return (MemorySource(t1, src1.display), MemorySource(t2.take(pos), src2.display), pos)


def _read(kind: str, src, *, target, column, weight, pos_label, task, classes, sep, decimal):
    from evalml_cli import io
    from evalml_cli.io.regression import read_regression

    if kind == "regression":
        return read_regression(src, target=target, pred=column, weight=weight, sep=sep, decimal=decimal)
    return io.read_classification(src, target=target, score=column if kind == "score" else None,
                                  pred=column if kind == "pred" else None, weight=weight, pos_label=pos_label,
                                  task=task, classes=classes, sep=sep, decimal=decimal)


def _mismatch(what: str, bad: np.ndarray, rows: np.ndarray | None = None, ids: np.ndarray | None = None) -> EvalmlError:
    hits = np.flatnonzero(bad)
    shown = ", ".join(str(int(r) + 1) for r in hits[:5]) + (", …" if hits.size > 5 else "")
    extra = ""
    if ids is not None:
        extra = " (ids " + ", ".join(repr(str(x)) for x in ids[hits[:5]]) + (", …" if hits.size > 5 else "") + ")"
    return EvalmlError(f"the target differs between the two models on {int(hits.size)} matched row(s): "
                       f"data rows {shown} of the first file{extra}",
                       hint="both models must be evaluated on the same rows with the same targets" + (
                           "" if ids is not None else "; match rows with --id COL"))


# --------------------------------------------------------------------------------- compare


def compare(
    data: Any,
    data2: Any = None,
    *,
    target: str | None = None,
    score: list[str] | None = None,
    pred: list[str] | None = None,
    id: str | None = None,  # noqa: A002 - the CLI's --id
    task: str | None = None,
    weight: str | None = None,
    pos_label: str | None = None,
    threshold: float = 0.5,
    classes: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    ci: float | None = None,
    ci_method: str = "auto",
    bootstrap: int = 1000,
    seed: int = 0,
    bootstrap_kind: str = "percentile",
    by: str | None = None,
    gap: str | None = None,
    curves: tuple[str, ...] = (),
) -> Report:
    """Compare two models on the same rows (see the module docstring). ``ci`` is the level of
    the delta intervals (default 0.95); ``curves`` (roc, pr, …) are attached to each model's
    report for figures (``--plot``, ``--format html``; never in the JSON)."""
    opts = dict(locals())
    ci = 0.95 if ci is True else None if ci is False else ci  # a config's `ci = true`
    check_options(ci, ci_method, bootstrap, seed, bootstrap_kind=bootstrap_kind)
    score = [score] if isinstance(score, str) else list(score or [])
    pred = [pred] if isinstance(pred, str) else list(pred or [])
    if task not in (None, "binary", "multiclass", "regression"):
        raise EvalmlError(f"--task must be binary, multiclass or regression, got {task!r}")
    if by is not None or gap is not None:
        if data2 is not None:
            raise EvalmlError("--by compares the models of ONE file per group",
                              hint="put both models' columns in one file: --score A --score B")
        from evalml_cli import api
        from evalml_cli.evaluate_groups import by_groups

        return by_groups(api.compare, opts)
    if score and pred:
        raise EvalmlError("give either --score or --pred columns, not both",
                          hint="--score for classification scores, --pred for regression predictions")
    kind = "score" if score else "pred" if pred else "score"
    cols = score or pred
    if kind == "pred" and task != "multiclass":
        kind = "regression"
    if task == "regression":
        kind = "regression"
    if data2 is None:
        if len(cols) != 2:
            raise EvalmlError(f"evalml compare with one file needs two --score (or --pred) columns, got {len(cols)}",
                              hint="e.g. evalml compare test.csv --score old_model --score new_model, or give two files")
        if cols[0] == cols[1]:
            raise EvalmlError(f"both models are column {cols[0]!r}", hint="give two different columns")
        src1 = src2 = _files_or_source(data)
        from evalml_cli.io import TableSource

        if isinstance(src1, str):
            src1 = src2 = TableSource(src1, sep=sep, decimal=decimal)
        names = list(cols)
        col1, col2 = cols
        pos = None
    else:
        if len(cols) > 2:
            raise EvalmlError(f"two files take at most two --score/--pred columns (one per file), got {len(cols)}")
        from evalml_cli.io import TableSource

        s1, s2 = _files_or_source(data), _files_or_source(data2)
        s1 = TableSource(s1, sep=sep, decimal=decimal) if isinstance(s1, str) else s1
        s2 = TableSource(s2, sep=sep, decimal=decimal) if isinstance(s2, str) else s2
        col1 = cols[0] if cols else None
        col2 = cols[-1] if cols else None
        n1, n2 = _name(data, "first"), _name(data2, "second")
        names = [n1, n2] if n1 != n2 else [f"{n1} (1)", f"{n2} (2)"]
        pos = None
        if id is not None:
            src1, src2, pos = _align_on_id(s1, s2, id)
        else:
            src1, src2 = s1, s2
    common = dict(target=target, weight=weight, pos_label=pos_label, task=None if task == "regression" else task,
                  classes=classes, sep=sep, decimal=decimal)
    d1 = _read(kind, src1, column=col1, **common)
    d2 = _read(kind, src2, column=col2, **common)
    if type(d1) is not type(d2):
        raise EvalmlError("the two models are not the same kind of task (one binary, one multiclass)",
                          hint="pass --task binary or --task multiclass")
    n = int(d1.y.shape[0])
    if int(d2.y.shape[0]) != n:
        raise EvalmlError(f"the two models have different numbers of rows ({n:,} and {int(d2.y.shape[0]):,})",
                          hint="evaluate them on the same rows, or match rows with --id COL")
    ids = None
    if pos is not None:
        from evalml_cli.io import label_text

        idc = src1.column(id, (), "id", "--id")[0]
        ids = np.array([label_text(x) for x in src1.read([idc]).column(idc).to_pylist()], dtype=object)
    d1, d2 = _check_same_rows(d1, d2, ids)
    level = 0.95 if ci is None else float(ci)
    s = Settings(level, ci_method, bootstrap, seed, kind=bootstrap_kind)
    from evalml_cli import io

    if isinstance(d1, io.BinaryData):
        r1, r2, delta = _binary(d1, d2, threshold, s)
    elif isinstance(d1, io.MulticlassData):
        r1, r2, delta = _multiclass(d1, d2, s)
    else:
        r1, r2, delta = _regression(d1, d2, s)
    warnings = [f"{names[0]}: {w}" for w in r1.warnings] + [f"{names[1]}: {w}" for w in r2.warnings]
    if d1.weight is not None and d2.weight is not None and not np.array_equal(d1.weight, d2.weight):
        warnings.append("the two files' weights differ: the first file's weights are used for the deltas")
    inputs = {"file": _name(data, "<table>") if data2 is None else [_name(data, "first"), _name(data2, "second")],
              "target": d1.target, ("pred" if kind == "regression" else kind): [col1 or _col(d1), col2 or _col(d2)],
              "weight": d1.weight_name, "id": id, "ci": level, "bootstrap": bootstrap, "seed": seed}
    if kind != "regression" and isinstance(d1, io.BinaryData):
        inputs.update(threshold=threshold, pos_label=d1.pos_label)
    models = {names[0]: _slim(r1), names[1]: _slim(r2)}
    if curves and kind != "regression":
        from evalml_cli.evaluate_curves import curves_block

        models = {name: replace(m, curves=curves_block(d, curves) or None)
                  for (name, m), d in zip(models.items(), (d1, d2))}
    return Report(task="compare", n=n, inputs=inputs, metrics={}, warnings=warnings, models=models, delta=delta,
                  notes=list(d1.notes))


def _col(d) -> Any:
    return getattr(d, "score_name", None) or getattr(d, "score_names", None) or getattr(d, "pred_names", None)


def _slim(r: Report) -> Report:
    """A model's report inside a comparison: its metrics only."""
    return replace(r, class_counts=None, sum_weights=None, weighted=False, classes=None, per_class=None,
                   confusion=None, intervals=None, per_class_intervals=None)


def _check_same_rows(d1, d2, ids):
    """Exit 2 when the targets differ on a matched row; the second model's classes in the first's order."""
    from evalml_cli import io

    if isinstance(d1, io.BinaryData):
        bad = d1.y != d2.y
    elif isinstance(d1, io.MulticlassData):
        if set(d1.classes) != set(d2.classes):
            raise EvalmlError(f"the two models have different classes ({', '.join(d1.classes)} vs "
                              f"{', '.join(d2.classes)})", hint="compare models of the same classes")
        if d1.classes != d2.classes:  # reorder the second model's class indices to the first's
            perm = np.array([d1.classes.index(c) for c in d2.classes])
            d2 = replace(d2, y=perm[d2.y], pred=None if d2.pred is None else perm[d2.pred],
                         scores=None if d2.scores is None else d2.scores[:, np.argsort(perm)], classes=list(d1.classes))
        bad = d1.y != d2.y
    else:
        bad = ~np.isclose(d1.y, d2.y, rtol=1e-12, atol=0.0)
    if bad.any():
        raise _mismatch("target", bad, ids=ids)
    return d1, d2


def _delta_block(r1: Report, r2: Report, special: dict[str, Delta], reps1, *, reps2, gen, s: Settings) -> dict[str, Delta]:
    """Delta of every metric both reports hold; interval/p from ``special``, the paired
    replicates (``reps1``/``reps2``: Replicates on the same draws) or ``gen`` (name → Δ replicates)."""
    from evalml_cli.kernels.bootstrap import bootstrap_interval

    out: dict[str, Delta] = {}
    for name, v1 in r1.ordered_metrics().items():
        if name not in r2.metrics:
            continue
        v2 = r2.metrics[name]
        value = None if v1 is None or v2 is None else finite_or_none(float(v2) - float(v1))
        info = registry.lookup(r1.task, name)
        if info is None or info.interval is None:
            out[name] = Delta(value)
            continue
        if name in special:
            out[name] = replace(special[name], value=value if special[name].value is None else special[name].value)
            continue
        reps = None
        if reps1 is not None and name in reps1.values and name in reps2.values and name not in reps1.reasons \
                and name not in reps2.reasons:
            reps = reps2.values[name] - reps1.values[name]
        elif gen is not None and name in gen:
            reps = gen[name]
        if reps is None or value is None:
            out[name] = Delta(value, method="bootstrap")
            continue
        iv = bootstrap_interval(reps, s.level, "percentile")
        low, high = (finite_or_none(iv[0]), finite_or_none(iv[1])) if iv.reason is None else (None, None)
        p = bootstrap_p_value(reps) if iv.reason is None else None
        out[name] = Delta(value, low, high, p, "bootstrap")
    return out


def _undefined_warnings(delta: dict[str, Delta]) -> list[str]:
    return [f"delta.{k}: the paired interval is undefined on this data" for k, d in delta.items()
            if d.method and d.value is not None and d.low is None]


def _paired_generic(n, weight, eval1, eval2, *, names, s):
    if not names:
        return {}

    def both(w):
        a, b = eval1(w), eval2(w)
        return {**{f"1:{k}": a.get(k) for k in names}, **{f"2:{k}": b.get(k) for k in names}}

    got = _generic_replicates(n, weight, both, [f"{i}:{k}" for i in (1, 2) for k in names], s=Settings(
        s.level, s.method, s.n_boot, s.seed, kind="percentile"))
    return {k: got[f"2:{k}"][0] - got[f"1:{k}"][0] for k in names}


def _mcnemar_delta(correct1: np.ndarray, correct2: np.ndarray, a, b, s: Settings) -> Delta:
    """The accuracy delta's interval (paired bootstrap replicates ``a``, ``b``) with McNemar's
    exact p-value from the rows each model gets right."""
    from evalml_cli.kernels.bootstrap import bootstrap_interval
    from evalml_cli.kernels.intervals import mcnemar_counts, mcnemar_exact

    low, high = bootstrap_interval(b.values["accuracy"] - a.values["accuracy"], s.level, "percentile")
    return Delta(None, finite_or_none(low), finite_or_none(high), mcnemar_exact(*mcnemar_counts(correct1, correct2)),
                 "mcnemar")


def _binary(d1, d2, threshold: float, s: Settings):
    from evalml_cli import evaluate
    from evalml_cli.kernels.bootstrap import paired_binary_replicates
    from evalml_cli.kernels.intervals import delong_paired

    w = d1.weight
    d2 = replace(d2, weight=w)
    r1 = evaluate.classify_binary(d1, threshold)
    r2 = evaluate.classify_binary(d2, threshold)
    with np.errstate(all="ignore"):
        a, b = paired_binary_replicates(d1.y, d1.score, d2.score, w, threshold=threshold, n_boot=s.n_boot, seed=s.seed)
    special: dict[str, Delta] = {}
    if w is None and s.method == "auto":
        dl = delong_paired(d1.y, d1.score, d2.score)
        iv = dl.interval(s.level)
        special["roc_auc"] = Delta(finite_or_none(dl.delta), finite_or_none(iv[0]), finite_or_none(iv[1]),
                                   finite_or_none(dl.p_value), "delong")
        special["accuracy"] = _mcnemar_delta((d1.score >= threshold) == d1.y, (d2.score >= threshold) == d1.y,
                                             a, b, s)
    delta = _delta_block(r1, r2, special, a, reps2=b, gen=None, s=s)
    return r1, r2.with_warnings(*_undefined_warnings(delta)), delta


def _multiclass(d1, d2, s: Settings):
    from evalml_cli import evaluate
    from evalml_cli.kernels.bootstrap import multiclass_replicates
    from evalml_cli.kernels.multiclass import predict_argmax

    w = d1.weight
    d2 = replace(d2, weight=w)
    r1 = evaluate.classify_multiclass(d1)
    r2 = evaluate.classify_multiclass(d2)
    p1 = d1.pred if d1.pred is not None else predict_argmax(d1.scores)
    p2 = d2.pred if d2.pred is not None else predict_argmax(d2.scores)
    with np.errstate(all="ignore"):
        a, b = multiclass_replicates(d1.y, [p1, p2], len(d1.classes), w, n_boot=s.n_boot, seed=s.seed)
    slow = [k for k in r1.metrics if k in r2.metrics and k not in a.values
            and getattr(registry.lookup("multiclass", k), "interval", None) is not None]
    gen = _paired_generic(d1.y.shape[0], w, lambda ww: evaluate.classify_multiclass(replace(d1, weight=ww)).metrics,
                          lambda ww: evaluate.classify_multiclass(replace(d2, weight=ww)).metrics, names=slow, s=s)
    special: dict[str, Delta] = {}
    if w is None and s.method == "auto":
        special["accuracy"] = _mcnemar_delta(p1 == d1.y, p2 == d1.y, a, b, s)
    delta = _delta_block(r1, r2, special, a, reps2=b, gen=gen, s=s)
    return r1, r2.with_warnings(*_undefined_warnings(delta)), delta


def _regression(d1, d2, s: Settings):
    from evalml_cli import evaluate_regression
    from evalml_cli.kernels.bootstrap import regression_replicates

    w = d1.weight
    d2 = replace(d2, weight=w)
    r1 = evaluate_regression.regress(d1)
    r2 = evaluate_regression.regress(d2)
    m1 = d1.preds.mean(axis=1)
    m2 = d2.preds.mean(axis=1)
    with np.errstate(all="ignore"):
        a, b = regression_replicates(d1.y, [m1, m2], w, s.n_boot, seed=s.seed)
    slow = [k for k in r1.metrics if k in r2.metrics and k not in a.values
            and getattr(registry.lookup("regression", k), "interval", None) is not None]
    gen = _paired_generic(d1.y.shape[0], w, lambda ww: evaluate_regression.regress(replace(d1, weight=ww)).metrics,
                          lambda ww: evaluate_regression.regress(replace(d2, weight=ww)).metrics, names=slow, s=s)
    delta = _delta_block(r1, r2, {}, a, reps2=b, gen=gen, s=s)
    return r1, r2.with_warnings(*_undefined_warnings(delta)), delta
