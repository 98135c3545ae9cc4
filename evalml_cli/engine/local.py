"""The local engine: ``reduce(merge, map(update, batches))`` per task, then the same Report.

Each task has a *stream state* that merges by addition (counts, sums, min/max) plus the
kernel states (:class:`~evalml_cli.kernels.ranking.RankingState`,
:class:`~evalml_cli.kernels.multiclass.MulticlassState`, the regression, σ-χ², bias–variance
and NLL states). :func:`finish` turns the merged state into the Report with the in-memory
path's own report builders (``evaluate.binary_report`` …), so a streamed run reports exactly
the in-memory numbers — except ROC AUC and average precision once the distinct scores
outgrow the ranking budget: they then come from the binned state, with
``roc_auc_error_bound`` and ``average_precision_error_bound`` in the metrics and a warning.

What needs every row keeps its rows while they fit the row budget and is otherwise reported
as null with a reason (OvO AUC, ``median_absolute_error``); χ² with a full covariance
(``--cov``/``--corr``) and ``--pulls`` are an error when streaming.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from evalml_cli.io import batches as B
from evalml_cli import io
from evalml_cli.errors import EvalmlError
from evalml_cli.kernels.state import merge as merge_states
from evalml_cli.kernels.state import merged



# --------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------

MIN_LIMIT = 256 << 20
#: RSS of the interpreter with NumPy, pyarrow and evalml imported, plus slack.
_BASELINE = 200 << 20


def parse_size(text: str | int | None) -> int | None:
    """``1G``, ``512M``, ``1.5GiB``, ``300000000`` → bytes (powers of 1024)."""
    if text is None or isinstance(text, int):
        return text
    import re

    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kmgt]?)(i?b)?\s*", str(text).lower())
    if not m:
        raise EvalmlError(f"--memory-limit {text!r} is not a size", hint="e.g. --memory-limit 1G or 512M")
    value = float(m.group(1)) * 1024 ** " kmgt".index(m.group(2) or " ")
    return int(value)


def default_memory_limit() -> int:
    """Half of the machine's available memory (``MemAvailable`` in /proc/meminfo)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024 // 2
    except OSError:
        pass
    return 4 << 30


@dataclass(frozen=True)
class Limits:
    """Batch size and state budgets chosen from a memory limit (bytes)."""

    memory: int
    batch_rows: int
    budget: int  # ranking bins
    row_budget: int  # rows kept for what needs all rows (OvO AUC, median)

    @classmethod
    def from_memory(cls, memory: int, width: int = 1) -> "Limits":
        if memory < MIN_LIMIT:
            raise EvalmlError(f"--memory-limit {memory / 2**20:.0f}M is below the smallest supported limit, 256M",
                              hint="pass --memory-limit 256M or more")
        free = memory - _BASELINE
        # ~120 bytes per row and column of a batch (Arrow buffers, float64 copies, sort keys and
        # their temporaries); ~150 bytes per ranking bin while two states merge.
        batch_rows = int(max(1 << 14, min(free * 0.35 / (120 * max(width, 1)), 1 << 23)))
        budget = int(max(4096, free * 0.5 / 120))
        return cls(memory, batch_rows, budget, int(max(1 << 16, free * 0.1 / (16 * max(width, 1)))))


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


class Progress:
    """A rich progress bar on stderr after ~2 s, only when stderr is a terminal and wanted."""

    def __init__(self, enabled: bool, total: int | None = None, what: str = "rows") -> None:
        import sys

        self.enabled = bool(enabled and sys.stderr is not None and sys.stderr.isatty())
        self.start = time.monotonic()
        self.total, self.what, self.done = total, what, 0
        self._bar = None

    def advance(self, rows: int) -> None:
        self.done += rows
        if not self.enabled:
            return
        if self._bar is None and time.monotonic() - self.start > 2.0:
            from rich.console import Console
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(f"evaluating {self.what}", total=self.total)
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# --------------------------------------------------------------------------------------------
# Warnings of many batches
# --------------------------------------------------------------------------------------------

_ALL_BATCHES = ("holds only",)  # kept only when every batch says so (true of the whole file)
_RECOMPUTED = ("row(s) have negative weights", "one class against the rest")


def _merge_warnings(lists: list[list[str]]) -> list[str]:
    out: list[str] = []
    for ws in lists:
        for w in ws:
            if w in out or any(k in w for k in _RECOMPUTED):
                continue
            if any(k in w for k in _ALL_BATCHES) and not all(w in other for other in lists):
                continue
            out.append(w)
    return out


def _negative_weights(count: int) -> list[str]:
    if not count:
        return []
    text = io._negative_weight_warning(np.array([-1.0]))[0]
    return [text.replace("1 row(s)", f"{count} row(s)", 1)]


# --------------------------------------------------------------------------------------------
# Ranking states: many at once
# --------------------------------------------------------------------------------------------


def merge_ranking(states: list) -> Any:
    """Merge many :class:`RankingState` objects with one sort (the pairwise merge, n-ary)."""
    from evalml_cli.kernels.binary import merge_sorted_tables
    from evalml_cli.kernels.ranking import RankingState, _coarsen

    states = [s for s in states if s is not None]
    if len(states) <= 1:
        return states[0] if states else None
    shift = max(s.shift for s in states)
    keys, pos, neg = merge_sorted_tables([s.keys >> (shift - s.shift) for s in states],
                                         [s.pos for s in states], [s.neg for s in states])
    budget = states[0].budget
    keys, pos, neg, shift = _coarsen(keys, pos, neg, shift, budget=budget)
    return RankingState(keys, pos, neg, shift, sum(s.n for s in states), budget,
                        any(s.weighted for s in states), any(s.negative_weights for s in states))


class _Pending:
    """Ranking states waiting to be merged: merged in one go when they hold > budget entries."""

    def __init__(self, budget: int) -> None:
        self.budget, self.items, self.size = budget, [], 0

    def add(self, st) -> None:
        self.items.append(st)
        self.size += st.keys.shape[0]
        if self.size > 2 * self.budget and len(self.items) > 1:
            merged = merge_ranking(self.items)
            self.items, self.size = [merged], merged.keys.shape[0]

    def result(self):
        return merge_ranking(self.items)


# --------------------------------------------------------------------------------------------
# Binary
# --------------------------------------------------------------------------------------------


@dataclass
class BinaryStream:
    """Everything a binary report needs; each field declares its merge (kernels/state.py)."""

    ranking: list = merged("sum", default_factory=list)  # RankingStates (list +: concatenation), merged at the end
    confusion: np.ndarray = merged("sum", default_factory=lambda: np.zeros(4))  # tp, fp, tn, fn
    loss: float = merged("sum", default=0.0)  # Σ w·(−ln clip(p)) over the true class
    sq: float = merged("sum", default=0.0)  # Σ w·(p − y)²
    total_w: float = merged("sum", default=0.0)
    smin: float = merged("min", default=math.inf)
    smax: float = merged("max", default=-math.inf)
    n: int = merged("sum", default=0)
    n_pos: int = merged("sum", default=0)
    n_negative_w: int = merged("sum", default=0)
    sum_w: float = merged("sum", default=0.0)
    n_dropped: int = merged("sum", default=0)
    warnings: list = merged("sum", default_factory=list)
    pos_text: str | None = merged("custom", default=None)
    labels: tuple = merged("custom", default=())

    @staticmethod
    def _merge_custom(a: BinaryStream, b: BinaryStream) -> dict:
        return {"pos_text": a.pos_text or b.pos_text, "labels": tuple(dict.fromkeys(a.labels + b.labels))}


def binary_update(plan: B.Plan, table, first_row: int, threshold: float, *, budget: int) -> BinaryStream:
    from evalml_cli.kernels.binary import class_loss_sums
    from evalml_cli.kernels.ranking import ranking_update

    data = B.validate(plan, table, first_row)
    y, s, w = data.y, data.score, data.weight
    st = BinaryStream()
    st.n = int(y.shape[0])
    st.n_dropped = data.n_dropped
    st.warnings = [list(data.warnings)]
    st.labels = plan.labels
    if st.n == 0:
        return st
    st.ranking = [ranking_update(None, y, s, w, budget=budget)]
    above = s >= threshold
    if w is None:
        tp = int(np.count_nonzero(y & above))
        fp = int(np.count_nonzero(above)) - tp
        n_pos = int(np.count_nonzero(y))
        st.confusion = np.array([tp, fp, st.n - n_pos - fp, n_pos - tp], dtype=np.float64)
        st.total_w = float(st.n)
    else:
        st.confusion = np.array([w[y & above].sum(), w[~y & above].sum(), w[~y & ~above].sum(), w[y & ~above].sum()])
        st.total_w = float(w.sum())
        st.n_negative_w = int(np.count_nonzero(w < 0))
        st.sum_w = float(w.sum())
    st.n_pos = int(np.count_nonzero(y))
    st.smin, st.smax = float(s.min()), float(s.max())
    with np.errstate(all="ignore"):  # scores outside [0, 1] give no log loss (checked at the end)
        for cls in (y, ~y):
            _, loss, sq = class_loss_sums(s[cls], cls is y, None if w is None else w[cls])
            st.loss += loss
            st.sq += sq
    if st.n_pos:
        st.pos_text = data.pos_label
    return st


def binary_merge(a: BinaryStream, b: BinaryStream, pending: _Pending | None = None) -> BinaryStream:
    """The generic merge; with ``pending`` the ranking states go to it (merged as they grow)."""
    if pending is not None:
        for r in b.ranking:
            pending.add(r)
        a, b = dataclasses.replace(a, ranking=[]), dataclasses.replace(b, ranking=[])
    return merge_states(a, b)


def binary_finish(plan: B.Plan, st: BinaryStream, threshold: float, ranking=None):
    from evalml_cli import evaluate
    from evalml_cli.kernels._result import MetricSet
    from evalml_cli.kernels.binary import BinaryState, threshold_metrics
    from evalml_cli.kernels.ranking import ranking_compute, to_binary_state
    from evalml_cli.report import finite_or_none

    ranking = ranking if ranking is not None else merge_ranking(st.ranking)
    meta: io.BinaryData = plan.meta
    weighted = meta.weight is not None
    warnings = _merge_warnings(st.warnings) + _negative_weights(st.n_negative_w)
    pos = plan.options.get("pos_label")
    if pos is not None and len(st.labels) > 2:
        warnings.append(f"one class against the rest: {pos!r} is positive, the other "
                        f"{len(st.labels) - 1} values of {meta.target!r} are negative")
    data = dataclasses.replace(meta, weight=np.empty(0) if weighted else None, n_dropped=st.n_dropped,
                               warnings=warnings, pos_label=st.pos_text or meta.pos_label)
    sum_weights = finite_or_none(st.sum_w) if weighted else None
    if ranking is None:
        raise EvalmlError(f"{plan.display} has no data rows", hint="expected a header row and data rows")
    if ranking.exact:
        return evaluate.binary_report(to_binary_state(ranking), data, threshold, n=st.n, n_pos=st.n_pos,
                                      sum_weights=sum_weights)
    tp, fp, tn, fn = st.confusion
    fake = BinaryState(np.array([-np.inf, threshold]), np.array([fn, tp]), np.array([tn, fp]), st.n, weighted)
    with np.errstate(all="ignore"):
        ms = threshold_metrics(fake, threshold)
        rk = ranking_compute(ranking)
    ms.update(rk)
    prob = MetricSet()
    if st.smin < 0.0 or st.smax > 1.0:
        why = f"scores are not probabilities: they span [{st.smin:g}, {st.smax:g}], outside [0, 1]"
        prob.set("log_loss", np.nan, why)
        prob.set("brier", np.nan, why)
    elif not st.total_w > 0:
        prob.set("log_loss", np.nan, "total weight is not positive")
        prob.set("brier", np.nan, "total weight is not positive")
    else:
        prob.set("log_loss", st.loss / st.total_w)
        prob.set("brier", st.sq / st.total_w)
    ms.update(prob)
    bound = rk.values.get("roc_auc_error_bound")
    report = evaluate.binary_report(None, data, threshold, n=st.n, n_pos=st.n_pos, sum_weights=sum_weights, ms=ms,
                                    extremes=np.array([st.smin, np.nan, st.smax]))
    ap_bound = rk.values.get("average_precision_error_bound")
    if bound is not None and math.isfinite(bound):
        report = report.with_warnings(
            f"roc_auc and average_precision come from a binned ranking state ({ranking.keys.shape[0]:,} score bins; "
            f"more distinct scores than the budget): roc_auc_error_bound = {bound:.3g}, "
            f"average_precision_error_bound = {ap_bound:.3g}; a --require on roc_auc checks roc_auc − bound"
        )
    return report


# --------------------------------------------------------------------------------------------
# Multiclass
# --------------------------------------------------------------------------------------------


@dataclass
class MulticlassStream:
    """Everything a multiclass report needs; each field declares its merge (kernels/state.py).

    ``state`` is the kernel's MulticlassState WITHOUT its exact one-vs-rest tables (they grow
    with the distinct scores); ``ovr`` holds one bounded :class:`RankingState` per class instead,
    exact while the class's distinct scores fit the ranking budget, binned beyond it.
    """

    state: Any = merged("custom", default=None)  # MulticlassState with ovr=None (kernels/multiclass.multiclass_merge)
    ovr: tuple | None = merged("custom", default=None)  # one RankingState per class (y == c, scores[:, c], w)
    probabilities: bool = merged("min", default=True)  # every batch's rows are probabilities
    worst: float | None = merged("custom", default=None)
    rows: list = merged("sum", default_factory=list)  # (y, scores, w) while within the row budget
    kept: int = merged("sum", default=0)
    overflow: bool = merged("max", default=False)
    n: int = merged("sum", default=0)
    n_dropped: int = merged("sum", default=0)
    warnings: list = merged("sum", default_factory=list)

    @staticmethod
    def _merge_custom(a: MulticlassStream, b: MulticlassStream) -> dict:
        from evalml_cli.kernels import multiclass as mk

        state = b.state if a.state is None else a.state if b.state is None else mk.multiclass_merge(a.state, b.state)
        ovr = b.ovr if a.ovr is None else a.ovr if b.ovr is None else tuple(
            merge_ranking([ra, rb]) for ra, rb in zip(a.ovr, b.ovr))
        return {"state": state, "ovr": ovr,
                "worst": max((w for w in (a.worst, b.worst) if w is not None), default=None)}


def multiclass_update(plan: B.Plan, table, first_row: int, opts: dict, *, row_budget: int,
                      budget: int) -> MulticlassStream:
    from evalml_cli import evaluate
    from evalml_cli.kernels import multiclass as mk
    from evalml_cli.kernels.ranking import ranking_update

    data = B.validate(plan, table, first_row)
    k = len(plan.classes) if plan.classes else len(data.classes)
    scores, prob, worst = evaluate.prepare_scores(data.scores, opts.get("normalize_scores"))
    pred = data.pred if data.pred is not None else mk.predict_argmax(scores)
    st = MulticlassStream(n=int(data.y.shape[0]), n_dropped=data.n_dropped, warnings=[list(data.warnings)])
    y = np.asarray(data.y, dtype=np.int64)
    if scores is not None:
        scores = np.asarray(scores, dtype=np.float64)
    st.state = mk.multiclass_update(y, pred, k, scores, weight=data.weight, probabilities=prob, ovr=False)
    st.probabilities = prob if scores is not None else False
    st.worst = worst
    if scores is not None:
        st.ovr = tuple(ranking_update(None, y == c, scores[:, c], data.weight, budget=budget) for c in range(k))
        _keep_rows(st, (data.y, scores, data.weight), row_budget)
    return st


def multiclass_merge(a: MulticlassStream, b: MulticlassStream, row_budget: int) -> MulticlassStream:
    return _within_budget(merge_states(a, b), row_budget)


def _keep_rows(st, rows: tuple, row_budget: int) -> None:
    """Keep a batch's rows for what needs all rows (OvO AUC, the median) while within budget."""
    if st.n <= row_budget:
        st.rows, st.kept = [rows], st.n
    else:
        st.overflow = True


def _within_budget(st, row_budget: int):
    """Kept rows beyond the row budget are dropped and the state remembers it (``overflow``)."""
    if st.kept > row_budget:
        return dataclasses.replace(st, rows=[], kept=0, overflow=True)
    return st


def multiclass_finish(plan: B.Plan, st: MulticlassStream, opts: dict, row_budget: int):
    from evalml_cli import evaluate
    from evalml_cli.kernels import multiclass as mk
    from evalml_cli.kernels._result import MetricSet

    meta: io.MulticlassData = plan.meta
    k = len(plan.classes)
    warnings = _merge_warnings(st.warnings)
    if st.worst is not None and st.probabilities:
        warnings.append(evaluate.rounded_warning(st.worst))
    ovo = None
    if meta.score_names:
        if not st.overflow:
            y = np.concatenate([r[0] for r in st.rows])
            scores = np.concatenate([r[1] for r in st.rows])
            w = None if meta.weight is None else np.concatenate([r[2] for r in st.rows])
            with np.errstate(all="ignore"):
                ovo = mk.ovo_auc(y, scores, k, w)
        else:
            ovo = MetricSet()
            why = (f"OvO AUC needs all rows; more than {row_budget:,} rows were streamed "
                   "(raise --memory-limit to compute it in memory)")
            for name in ("roc_auc_ovo_macro", "roc_auc_ovo_weighted"):
                ovo.set(name, np.nan, why)
    data = dataclasses.replace(meta, weight=np.empty(0) if meta.weight is not None else None,
                               n_dropped=st.n_dropped, classes=list(plan.classes))
    state = st.state
    if st.ovr is not None:
        ovr, bound = _ovr_binary_states(st.ovr)
        state = dataclasses.replace(state, ovr=ovr)
        if bound is not None:
            warnings.append(f"roc_auc_ovr_* and per-class roc_auc come from binned ranking states (more distinct "
                            f"scores than the budget of {st.ovr[0].budget:,} bins): per-class roc_auc_error_bound "
                            + (f"up to {bound:.3g}" if math.isfinite(bound) else
                               "undefined (a weight is negative or a binned class lacks rows in or outside it)"))
    with np.errstate(all="ignore"):
        return evaluate.multiclass_report(state, data, n=st.n, ovo=ovo, probabilities=st.probabilities,
                                          warnings=warnings, top_k=opts.get("top_k"), normalize=opts.get("normalize"),
                                          normalize_scores=opts.get("normalize_scores"),
                                          show_classes=opts.get("show_classes", 20))


def _ovr_binary_states(ovr: tuple) -> tuple[tuple, float | None]:
    """The per-class BinaryStates the report builder reads, and the worst per-class AUC bound.

    An exact RankingState is its BinaryState (the in-memory table). A binned one becomes the
    BinaryState whose distinct scores are the bins' lower edges: each bin one tie, so its AUC is
    the binned state's (kernels/ranking.roc_auc). The bound (None when every class is exact) is
    the largest finite ``roc_auc_error_bound`` of the binned classes (ranking_compute).
    """
    from evalml_cli.kernels.binary import BinaryState
    from evalml_cli.kernels.ranking import ranking_compute, to_binary_state

    if all(r.exact for r in ovr):
        return tuple(to_binary_state(r) for r in ovr), None
    out, bounds = [], []
    for r in ovr:
        if r.exact:
            out.append(to_binary_state(r))
            continue
        out.append(BinaryState(r.edges, r.pos, r.neg, r.n, r.weighted))
        with np.errstate(all="ignore"):
            b = ranking_compute(r).values.get("roc_auc_error_bound")
        if b is not None and math.isfinite(b):
            bounds.append(b)
    return tuple(out), max(bounds, default=math.nan)


# --------------------------------------------------------------------------------------------
# Regression and density
# --------------------------------------------------------------------------------------------


@dataclass
class RegressionStream:
    reg: Any = merged("custom", default=None)  # RegressionState (kernels/regression.regression_merge)
    chi2: Any = merged("custom", default=None)  # σ-χ² state (kernels/streaming, generic merge)
    bv: Any = merged("custom", default=None)  # bias–variance state (kernels/streaming, generic merge)
    rows: list = merged("sum", default_factory=list)  # (|r|, w) for the median while within the row budget
    kept: int = merged("sum", default=0)
    overflow: bool = merged("max", default=False)
    n: int = merged("sum", default=0)
    n_negative_w: int = merged("sum", default=0)
    n_dropped: int = merged("sum", default=0)
    warnings: list = merged("sum", default_factory=list)

    @staticmethod
    def _merge_custom(a: RegressionStream, b: RegressionStream) -> dict:
        from evalml_cli.kernels.regression import regression_merge as reg_merge

        reg = b.reg if a.reg is None else a.reg if b.reg is None else reg_merge(a.reg, b.reg)
        return {"reg": reg, "chi2": merge_states(a.chi2, b.chi2), "bv": merge_states(a.bv, b.bv)}


def regression_update(plan: B.Plan, table, first_row: int, row_budget: int) -> RegressionStream:
    from evalml_cli.kernels.regression import regression_update as reg_update
    from evalml_cli.kernels.streaming import bias_variance_update, chi2_sigma_update

    data = B.validate(plan, table, first_row)
    st = RegressionStream(n=int(data.y.shape[0]), n_dropped=data.n_dropped, warnings=[list(data.warnings)])
    if st.n == 0:
        return st
    mean_pred = data.preds.mean(axis=1) if data.preds.shape[1] > 1 else data.preds[:, 0]
    st.reg = reg_update(data.y, mean_pred, data.weight, row_offset=first_row)
    r = data.y - mean_pred
    if data.sigma is not None:
        c = chi2_sigma_update(None, r, data.sigma)
        st.chi2 = dataclasses.replace(c, max_row=int(data.rows[c.max_row]) - 1)
    if data.preds.shape[1] > 1:
        st.bv = bias_variance_update(None, data.y, data.preds, data.weight)
    if data.weight is not None:
        st.n_negative_w = int(np.count_nonzero(data.weight < 0))
    _keep_rows(st, (data.y, mean_pred, data.weight), row_budget)
    return st


def regression_merge(a: RegressionStream, b: RegressionStream, row_budget: int) -> RegressionStream:
    return _within_budget(merge_states(a, b), row_budget)


def regression_finish(plan: B.Plan, st: RegressionStream, n_params: int, quantile: float, *, row_budget: int):
    from evalml_cli.evaluate_regression import regression_report
    from evalml_cli.kernels._result import MetricSet
    from evalml_cli.kernels.regression import median_absolute_error, regression_compute
    from evalml_cli.kernels.streaming import bias_variance_compute, chi2_sigma_compute

    if st.reg is None:
        raise EvalmlError(f"{plan.display} has no data rows", hint="expected a header row and data rows")
    meta = plan.meta
    with np.errstate(all="ignore"):
        ms = regression_compute(st.reg, quantile=quantile)
        if not st.overflow:
            y = np.concatenate([r[0] for r in st.rows])
            p = np.concatenate([r[1] for r in st.rows])
            w = None if meta.weight is None else np.concatenate([r[2] for r in st.rows])
            ms.update(median_absolute_error(y, p, w))
        else:
            med = MetricSet()
            med.set("median_absolute_error", np.nan,
                    f"it needs all rows; more than {row_budget:,} rows were streamed (raise --memory-limit)")
            ms.update(med)
        ms.values.pop("n", None)
        warnings = _merge_warnings(st.warnings)
        if st.chi2 is not None:
            chi = chi2_sigma_compute(st.chi2, n_params)
            if math.isfinite(chi.values.get("pull_max_row", math.nan)):
                chi.values["pull_max_row"] = float(st.chi2.max_row + 1)
            ms.update(chi)
            if meta.weight is not None:
                warnings.append("--weight does not enter chi2 or the pulls: their weights are the inverse covariance")
        elif n_params:
            warnings.append(f"--n-params {n_params} is ignored: it only sets ndof for chi2, which needs --sigma or --cov")
        if st.bv is not None:
            bv = bias_variance_compute(st.bv)
            ms.update(bv)
            ms.set("bias2_plus_variance", bv.values["bias2"] + bv.values["variance"], bv.reasons.get("bias2"))
    warnings += _negative_weights(st.n_negative_w)
    data = dataclasses.replace(meta, n_dropped=st.n_dropped)
    return regression_report(ms, data, n=st.n, n_preds=len(meta.pred_names), n_params=n_params, quantile=quantile,
                             warnings=warnings)


@dataclass
class DensityStream:
    nll: Any = merged("custom", default=None)  # NLL state (kernels/streaming, generic merge)
    n: int = merged("sum", default=0)
    n_dropped: int = merged("sum", default=0)

    @staticmethod
    def _merge_custom(a: DensityStream, b: DensityStream) -> dict:
        return {"nll": merge_states(a.nll, b.nll)}


def density_update(plan: B.Plan, table, first_row: int) -> DensityStream:
    from evalml_cli.kernels.streaming import nll_update

    data = B.validate(plan, table, first_row)
    return DensityStream(nll_update(None, data.likelihood, data.weight), int(data.likelihood.shape[0]), data.n_dropped)


def density_merge(a: DensityStream, b: DensityStream) -> DensityStream:
    return merge_states(a, b)


def density_finish(plan: B.Plan, st: DensityStream):
    from evalml_cli.evaluate_regression import density_report
    from evalml_cli.kernels.streaming import nll_compute

    with np.errstate(all="ignore"):
        ms = nll_compute(st.nll)
    return density_report(ms, dataclasses.replace(plan.meta, n_dropped=st.n_dropped), n=st.n)


# --------------------------------------------------------------------------------------------
# One task = plan + update + merge + finish
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamTask:
    """What an engine maps over batches: picklable (a Dask worker runs ``update``)."""

    plan: B.Plan
    kind: str
    opts: dict
    limits: Limits

    def update(self, table, first_row: int):
        if self.kind == "binary":
            return binary_update(self.plan, table, first_row, self.opts["threshold"], budget=self.limits.budget)
        if self.kind == "multiclass":
            return multiclass_update(self.plan, table, first_row, self.opts, row_budget=self.limits.row_budget,
                                     budget=self.limits.budget)
        if self.kind == "regression":
            return regression_update(self.plan, table, first_row, self.limits.row_budget)
        return density_update(self.plan, table, first_row)

    def merge(self, a, b, pending=None):
        if a is None:
            if pending is not None and self.kind == "binary":
                return binary_merge(BinaryStream(labels=self.plan.labels), b, pending)
            return b
        if self.kind == "binary":
            return binary_merge(a, b, pending)
        if self.kind == "multiclass":
            return multiclass_merge(a, b, self.limits.row_budget)
        if self.kind == "regression":
            return regression_merge(a, b, self.limits.row_budget)
        return density_merge(a, b)

    def finish(self, state, ranking=None):
        if state is None:
            raise EvalmlError(f"{self.plan.display} has no data rows", hint="expected a header row and data rows")
        if self.kind == "binary":
            return binary_finish(self.plan, state, self.opts["threshold"], ranking)
        if self.kind == "multiclass":
            return multiclass_finish(self.plan, state, self.opts, self.limits.row_budget)
        if self.kind == "regression":
            return regression_finish(self.plan, state, self.opts.get("n_params", 0), self.opts.get("quantile", 0.5),
                                     row_budget=self.limits.row_budget)
        return density_finish(self.plan, state)

    def update_part(self, part: B.Part, batch_rows: int):
        """A Dask partition: fold every batch of one part (its ranking states merged)."""
        state = None
        pending = _Pending(self.limits.budget) if self.kind == "binary" else None
        first = part.first_row or 0
        for start, table in B.read_part(part, list(self.plan.columns), batch_rows, self.plan.display, types=self.plan.types):
            state = self._fold(state, table, first + start, pending)
        if state is not None and pending is not None:
            state.ranking = [pending.result()] if pending.items else []
        return state

    def _fold(self, state, table, first_row: int, pending):
        if self.kind == "binary":
            plan = self.plan if state is None else dataclasses.replace(self.plan, labels=state.labels)
            plan = B.check_binary_labels(plan, table, first_row)
            new = binary_update(plan, table, first_row, self.opts["threshold"], budget=self.limits.budget)
            new.labels = plan.labels
            return self.merge(state, new, pending)
        return self.merge(state, self.update(table, first_row))


def run(task: StreamTask, tables: Iterable[tuple[int, Any]], progress: Progress | None = None):
    """The local engine: fold ``(first_row, table)`` batches into one state, then the Report."""
    pending = _Pending(task.limits.budget) if task.kind == "binary" else None
    state = None
    for first_row, table in tables:
        state = task._fold(state, table, first_row, pending)
        if progress is not None:
            progress.advance(table.num_rows)
    if progress is not None:
        progress.close()
    ranking = pending.result() if pending is not None else None
    return task.finish(state, ranking)
