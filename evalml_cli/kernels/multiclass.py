"""Multiclass classification from mergeable sufficient statistics.

The state is the K×K weighted confusion matrix (rows = true class, columns = predicted), a
histogram of the true class's rank among the scores (for top-k accuracy), the summed negative
log-probability of the true class (for log loss), and one :class:`BinaryState` per class for the
one-vs-rest ROC AUC. All of them merge by addition (the binary states by
:func:`binary_merge`). One-vs-one AUC needs pairs of classes over the rows and is computed from
the rows directly (:func:`ovo_auc`).

Labels arrive encoded: ``y`` and ``pred`` are int64 class indices in [0, K).

Example (hand-checkable): y = [0, 0, 1, 2], pred = [0, 1, 1, 2] gives the confusion matrix
[[1, 1, 0], [0, 1, 0], [0, 0, 1]], accuracy 3/4, precision per class (1, ½, 1), recall
(½, 1, 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from evalml_cli.kernels._result import MetricSet, pow2_scale
from evalml_cli.kernels.binary import BinaryState, binary_merge, binary_update, ranking_metrics, sort_in_place

_EPS = float(np.finfo(np.float64).eps)
#: OvO AUC walks K(K−1)/2 class pairs over the rows; above this many classes it is skipped.
OVO_MAX_CLASSES = 100
#: Rows per block in :func:`multiclass_update`.
_BLOCK = 1 << 16


@dataclass(frozen=True)
class MulticlassState:
    """Mergeable sufficient statistics of a multiclass classifier.

    confusion : (K, K) float64 summed weights, rows = true class, columns = predicted class.
    n : rows aggregated.
    rank_hist : (K,) float64 or None; rank_hist[r] = weight of rows whose true class is at
        rank r (0 = highest score; ties ordered as scikit-learn's top_k_accuracy_score).
    nll_sum : Σ w·(−ln clip(p_true, ε, 1−ε)) or None when the scores are not probabilities.
    ovr : one BinaryState per class (y == k, scores[:, k], w) or None without scores.
    """

    confusion: np.ndarray
    n: int
    rank_hist: np.ndarray | None = None
    nll_sum: float | None = None
    ovr: tuple[BinaryState, ...] | None = None


@dataclass
class MulticlassResult:
    metrics: MetricSet
    per_class: list[MetricSet] = field(default_factory=list)
    confusion: np.ndarray | None = None


def predict_argmax(scores: np.ndarray) -> np.ndarray:
    """Predicted class = column of the highest score; ties go to the lowest class index."""
    return np.argmax(scores, axis=1).astype(np.int64)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax exp(sₖ − max s) / Σⱼ exp(sⱼ − max s) (shifted, so no overflow)."""
    z = np.exp(scores - scores.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def renormalize(scores: np.ndarray) -> np.ndarray:
    """Divide each row by its sum; scores must be ≥ 0 with a positive row sum."""
    if (scores < 0).any():
        row = int(np.flatnonzero((scores < 0).any(axis=1))[0]) + 1
        raise ValueError(f"negative scores cannot be renormalized (first at data row {row})")
    sums = scores.sum(axis=1, keepdims=True)
    if (sums <= 0).any():
        row = int(np.flatnonzero(sums[:, 0] <= 0)[0]) + 1
        raise ValueError(f"a row of scores sums to 0 (first at data row {row})")
    return scores / sums


def rows_are_probabilities(scores: np.ndarray, tol: float = 1e-6) -> bool:
    """Every score in [0, 1] and every row summing to 1 within ``tol``."""
    if scores.size == 0:
        return False
    return bool((scores >= 0).all() and (scores <= 1).all() and np.abs(scores.sum(axis=1) - 1.0).max() <= tol)


def rounding_tolerance(scores: np.ndarray, max_decimals: int = 8) -> float:
    """How far from 1 a row sum of probabilities rounded to d decimals may be: K·½·10⁻ᵈ.

    d is the fewest decimals (1 … ``max_decimals``) that represent every score exactly (to
    1e-9); each of the K rounded scores is off by at most ½·10⁻ᵈ. Scores with more decimals
    (not rounded) get the plain 1e-6; the result is capped at 0.01·K (2 decimals).

    >>> rounding_tolerance(np.array([[0.3333, 0.3333, 0.3333]]))
    0.00015000000000000001
    """
    k = scores.shape[1] if scores.ndim == 2 else 1
    for d in range(1, max_decimals + 1):
        scaled = scores * 10.0**d
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return max(1e-6, min(k * 0.5 * 10.0**-d, 0.01 * k))
    return 1e-6


def true_class_rank(y: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Rank of the true class among each row's scores (0 = top).

    Ties follow scikit-learn's ``top_k_accuracy_score`` (a stable ascending argsort, reversed):
    among equal scores the class with the HIGHER index ranks first. So
    rank = #{j: sⱼ > s_y} + #{j > y: sⱼ = s_y}.
    """
    s_true = scores[np.arange(y.shape[0]), y][:, None]
    higher = (scores > s_true).sum(axis=1)
    later_ties = ((scores == s_true) & (np.arange(scores.shape[1])[None, :] > y[:, None])).sum(axis=1)
    return (higher + later_ties).astype(np.int64)


@dataclass
class ClassRuns:
    """Each score column's values on each class's rows, sorted: ``run(c, j)`` is column c on
    the rows of class j, ascending. One sort of each column serves every one-vs-one table of
    unweighted data (a pair's table is two of these runs) and then, merged in place by
    :meth:`rest`, every one-vs-rest table.

    Column c holds class c's group first, then the other classes' groups in class order.
    """

    columns: tuple[np.ndarray, ...]
    counts: np.ndarray  # (k,) rows per class
    merged: list[bool]  # rest(c) has merged column c's other groups

    def _start(self, c: int, j: int) -> int:
        if j == c:
            return 0
        return int(self.counts[c] + self.counts[:j].sum() - (self.counts[c] if c < j else 0))

    def run(self, c: int, j: int) -> np.ndarray:
        if self.merged[c] and j != c:
            raise ValueError(f"column {c}'s runs were merged by rest({c})")
        start = self._start(c, j)
        return self.columns[c][start : start + int(self.counts[j])]

    def rest(self, c: int) -> np.ndarray:
        """Column c on the rows of every class but c, sorted: its groups merged in place (a
        timsort finds the sorted runs), after which ``run(c, j)`` for j ≠ c is gone."""
        out = self.columns[c][int(self.counts[c]) :]
        if not self.merged[c]:
            out.sort(kind="stable")
            self.merged[c] = True
        return out


def class_score_runs(y: np.ndarray, scores: np.ndarray, k: int) -> ClassRuns:
    """The :class:`ClassRuns` of ``scores`` (n, k) under the class codes ``y``."""
    y = np.asarray(y, dtype=np.int64)
    counts = np.bincount(y, minlength=k)
    cum = np.r_[0, np.cumsum(counts)]
    perm = np.argsort(y, kind="stable")  # rows grouped by class, in row order within each
    columns = []
    for c in range(k):
        col, at = np.empty(y.shape[0]), 0
        for rows in (perm[cum[c] : cum[c + 1]], perm[: cum[c]], perm[cum[c + 1] :]):  # class c first
            np.take(scores[:, c], rows, out=col[at : at + rows.shape[0]], mode="clip")  # unbuffered
            at += rows.shape[0]
        columns.append(col)
    del perm
    runs = ClassRuns(tuple(columns), counts, [False] * k)
    sort_in_place([runs.run(c, j) for c in range(k) for j in range(k)])
    return runs


def multiclass_update(
    y: np.ndarray,
    pred: np.ndarray,
    k: int,
    scores: np.ndarray | None = None,
    *, weight: np.ndarray | None = None,
    probabilities: bool = False,
    ovr: bool = True,
    runs: ClassRuns | None = None,
) -> MulticlassState:
    """Aggregate rows into a :class:`MulticlassState` (vectorized: bincounts, no row loop).

    ``ovr=False`` leaves out the exact one-vs-rest tables (the streaming engine keeps bounded
    ranking states per class instead). ``runs``: the scores' :class:`ClassRuns` (unweighted),
    from which the one-vs-rest tables are built without sorting again — merged in place, so a
    caller needing one-vs-one runs (:func:`ovo_auc`) uses them first."""
    y = np.asarray(y, dtype=np.int64)
    pred = np.asarray(pred, dtype=np.int64)
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    n = int(y.shape[0])
    if scores is not None:
        scores = np.asarray(scores, dtype=np.float64)
    confusion = np.zeros(k * k)
    rank_hist = np.zeros(k) if scores is not None else None
    nll = 0.0 if scores is not None and probabilities else None
    # In blocks of rows (temporaries of one block: the (rows, k) comparisons of the ranks stay
    # small), unless a block's k² histogram would cost more than its rows.
    block = _BLOCK if k * k <= _BLOCK else max(n, 1)
    for i in range(0, n, block):
        yb = y[i : i + block]
        wb = None if w is None else w[i : i + block]
        confusion += np.bincount(yb * k + pred[i : i + block], weights=wb, minlength=k * k)
        if scores is None:
            continue
        sb = scores[i : i + block]
        rank_hist += np.bincount(true_class_rank(yb, sb), weights=wb, minlength=k)
        if probabilities:
            losses = np.clip(sb[np.arange(yb.shape[0]), yb], _EPS, 1.0 - _EPS)
            np.log(losses, out=losses)
            nll -= float(losses.sum() if wb is None else losses @ wb)
    confusion = confusion.reshape(k, k)
    want_ovr, ovr = ovr, None
    if scores is not None:
        if want_ovr and runs is not None and w is None:
            ovr = tuple(BinaryState.from_runs(runs.run(c, c), runs.rest(c), buffer=runs.columns[c]) for c in range(k))
        elif want_ovr:
            ovr = tuple(binary_update(y == c, scores[:, c], w) for c in range(k))
    return MulticlassState(confusion, int(y.shape[0]), rank_hist, nll, ovr)


def multiclass_merge(a: MulticlassState, b: MulticlassState) -> MulticlassState:
    """Combine two states as if their rows had been aggregated together."""

    def add(x, y):
        return None if x is None or y is None else x + y

    ovr = None
    if a.ovr is not None and b.ovr is not None:
        ovr = tuple(binary_merge(sa, sb) for sa, sb in zip(a.ovr, b.ovr))
    return MulticlassState(a.confusion + b.confusion, a.n + b.n, add(a.rank_hist, b.rank_hist),
                           add(a.nll_sum, b.nll_sum), ovr)


def normalize_confusion(cm: np.ndarray, how: str | None) -> np.ndarray:
    """scikit-learn's ``confusion_matrix(normalize=…)``: 'true' rows, 'pred' columns, 'all'.

    0/0 (an empty row or column) gives 0, as scikit-learn does.
    """
    cm = np.asarray(cm, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if how == "true":
            out = cm / cm.sum(axis=1, keepdims=True)
        elif how == "pred":
            out = cm / cm.sum(axis=0, keepdims=True)
        elif how == "all":
            out = cm / cm.sum()
        else:
            return cm
    return np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)


def _per_class(cm: np.ndarray, names: list[str] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[MetricSet]]:
    k = cm.shape[0]
    tp = np.diag(cm)
    pred_tot = cm.sum(axis=0)
    true_tot = cm.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(pred_tot > 0, tp / pred_tot, np.nan)
        recall = np.where(true_tot > 0, tp / true_tot, np.nan)
        f1_den = pred_tot + true_tot  # = 2TP + FP + FN
        f1 = np.where(f1_den > 0, 2 * tp / f1_den, np.nan)
    out = []
    for c in range(k):
        ms = MetricSet()
        ms.set("precision", precision[c], "never predicted")
        ms.set("recall", recall[c], "no support (no rows of this class)")
        ms.set("f1", f1[c], "neither in the target nor predicted")
        ms.set("support", true_tot[c])
        out.append(ms)
    return precision, recall, f1, true_tot, out


def multiclass_compute(state: MulticlassState, top_k: int | None = None) -> MulticlassResult:
    """Every multiclass metric from one state.

    Averages follow scikit-learn's ``precision_recall_fscore_support`` with its default
    ``zero_division``: they run over the classes present in the target or the predictions;
    a per-class value that is undefined (a class never predicted has no precision) counts as
    0 in the macro and weighted averages, while the per-class value itself is reported as
    undefined. micro = pooled counts (= accuracy for single-label data); weighted = by support.
    balanced_accuracy = mean recall over classes with support (scikit-learn's rule).
    mcc = (c·s − Σ pₖtₖ)/√((s² − Σ pₖ²)(s² − Σ tₖ²)); cohen_kappa = (pₒ − pₑ)/(1 − pₑ).
    Where scikit-learn returns 0 for a zero denominator (mcc), this returns NaN + reason.
    """
    cm = state.confusion
    k = cm.shape[0]
    ms = MetricSet()
    total = float(cm.sum())
    correct = float(np.trace(cm))
    precision, recall, f1, support, per_class = _per_class(cm)
    pred_tot = cm.sum(axis=0)
    if total > 0:
        ms.set("accuracy", correct / total)
    else:
        ms.set("accuracy", np.nan, "total weight is not positive")
    has_support = support > 0
    if has_support.any():
        ms.set("balanced_accuracy", float(np.mean(recall[has_support])))
    else:
        ms.set("balanced_accuracy", np.nan, "no class has support")
    # mcc and kappa are scale-free and multiply weight sums: divide them by a power of two near
    # the largest cell first (exact), so that s² neither overflows (weights of 1e160) nor
    # underflows (weights of 1e-170).
    c = pow2_scale(cm)
    t_sum, p_sum, s_, c_ = support / c, pred_tot / c, total / c, correct / c
    cov_tp = c_ * s_ - float(t_sum @ p_sum)
    cov_pp = s_**2 - float(p_sum @ p_sum)
    cov_tt = s_**2 - float(t_sum @ t_sum)
    if cov_pp > 0 and cov_tt > 0:
        ms.set("mcc", cov_tp / np.sqrt(cov_tt) / np.sqrt(cov_pp))
    elif cov_pp == 0 or cov_tt == 0:
        ms.set("mcc", np.nan, "all rows are in one true class or all predictions are one class")
    else:
        ms.set("mcc", np.nan, "a class total has a negative net weight (s² − Σ t² or s² − Σ p² < 0)")
    # κ = 1 − (s − c)/(s − Σ tₖpₖ/s) = 1 − s(s − c)/(s² − Σ tₖpₖ); the second form has no
    # division inside the difference, so one class (s² = Σ tₖpₖ) gives exactly 0, not rounding dust.
    disagree_expected = s_**2 - float(t_sum @ p_sum)
    if s_ > 0 and disagree_expected > 1e-12 * s_**2:
        ms.set("cohen_kappa", 1.0 - s_ * (s_ - c_) / disagree_expected)
    else:
        ms.set("cohen_kappa", np.nan, "chance agreement is total (one class only)")

    labels = has_support | (pred_tot > 0)  # scikit-learn's unique_labels(y_true, y_pred)
    for name, values in (("precision", precision), ("recall", recall), ("f1", f1)):
        v = np.nan_to_num(values[labels], nan=0.0)
        if labels.any():
            ms.set(f"{name}_micro", correct / total if total > 0 else np.nan, "total weight is not positive")
            ms.set(f"{name}_macro", float(v.mean()))
            sw = support[labels]
            if sw.sum() > 0:
                ms.set(f"{name}_weighted", float(v @ sw / sw.sum()))
            else:
                ms.set(f"{name}_weighted", np.nan, "total support is not positive")
        else:
            for avg in ("micro", "macro", "weighted"):
                ms.set(f"{name}_{avg}", np.nan, "no rows")

    if top_k is not None and state.rank_hist is not None:
        if total > 0:
            ms.set("top_k_accuracy", float(state.rank_hist[:top_k].sum()) / total)
        else:
            ms.set("top_k_accuracy", np.nan, "total weight is not positive")
    if state.nll_sum is not None:
        if total > 0:
            ms.set("log_loss", state.nll_sum / total)
        else:
            ms.set("log_loss", np.nan, "total weight is not positive")

    if state.ovr is not None:
        aucs = np.array([ranking_metrics(st).values["roc_auc"] for st in state.ovr])
        for c in range(k):
            reason = "no rows of this class" if support[c] <= 0 else "every row is of this class"
            per_class[c].set("roc_auc", aucs[c], reason)
        defined = np.isfinite(aucs)
        if defined.any():
            ms.set("roc_auc_ovr_macro", float(aucs[defined].mean()))
            sw = support[defined]
            if sw.sum() > 0:
                ms.set("roc_auc_ovr_weighted", float(aucs[defined] @ sw / sw.sum()))
            else:
                ms.set("roc_auc_ovr_weighted", np.nan, "no support")
            if not defined.all():
                ms.notes.append(
                    f"roc_auc_ovr averages leave out {int((~defined).sum())} class(es) with no rows"
                )
        else:
            ms.set("roc_auc_ovr_macro", np.nan, "needs at least one class with rows in and outside it")
            ms.set("roc_auc_ovr_weighted", np.nan, "needs at least one class with rows in and outside it")
    return MulticlassResult(ms, per_class, cm)


def ovo_auc(y: np.ndarray, scores: np.ndarray, k: int, weight: np.ndarray | None = None, *,
            runs: ClassRuns | None = None) -> MetricSet:
    """One-vs-one ROC AUC (Hand & Till 2001), scikit-learn's ``multi_class='ovo'``.

    For each pair (a, b) of classes present in ``y``: on the rows of a or b,
    A(a|b) = AUC of ``scores[:, a]`` for a-vs-b and A(b|a) likewise; the pair scores
    ½(A(a|b) + A(b|a)). macro = mean over pairs; weighted = mean weighted by the pair's
    prevalence (share of rows — of weight, with ``weight`` — in a or b). Not mergeable: it
    needs the rows. Skipped (NaN) above ``OVO_MAX_CLASSES`` classes.
    """
    ms = MetricSet()
    present = np.flatnonzero(np.bincount(y, minlength=k) > 0)
    if present.shape[0] > OVO_MAX_CLASSES:
        why = f"OvO AUC is computed for at most {OVO_MAX_CLASSES} classes ({present.shape[0]} present)"
        ms.set("roc_auc_ovo_macro", np.nan, why)
        ms.set("roc_auc_ovo_weighted", np.nan, why)
        return ms
    if present.shape[0] < 2:
        ms.set("roc_auc_ovo_macro", np.nan, "needs at least two classes with rows")
        ms.set("roc_auc_ovo_weighted", np.nan, "needs at least two classes with rows")
        return ms
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    total = float(y.shape[0]) if w is None else float(w.sum())
    pair_scores, prevalence = [], []
    if runs is None and w is None and present.shape[0] > 2:
        runs = class_score_runs(y, scores, k)  # each column sorted once, not once per pair
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            if runs is not None and w is None:
                # a vs b on column a: a's run is positive, b's negative; likewise on column b
                auc_a = ranking_metrics(BinaryState.from_runs(runs.run(a, a), runs.run(a, b))).values["roc_auc"]
                auc_b = ranking_metrics(BinaryState.from_runs(runs.run(b, b), runs.run(b, a))).values["roc_auc"]
                pair_scores.append((auc_a + auc_b) / 2.0)
                prevalence.append(float(runs.counts[a] + runs.counts[b]) / total)
                continue
            mask = (y == a) | (y == b)
            ya = y[mask] == a
            wm = None if w is None else w[mask]
            auc_a = ranking_metrics(binary_update(ya, scores[mask, a], wm)).values["roc_auc"]
            auc_b = ranking_metrics(binary_update(~ya, scores[mask, b], wm)).values["roc_auc"]
            pair_scores.append((auc_a + auc_b) / 2.0)
            prevalence.append((float(mask.sum()) if w is None else float(wm.sum())) / total)
    pair = np.array(pair_scores)
    prev = np.array(prevalence)
    if np.isfinite(pair).all():
        ms.set("roc_auc_ovo_macro", float(pair.mean()))
        ms.set("roc_auc_ovo_weighted", float(pair @ prev / prev.sum()) if prev.sum() > 0 else np.nan,
               "pair weights are not positive")
    else:
        ms.set("roc_auc_ovo_macro", np.nan, "a class pair has no positive net weight")
        ms.set("roc_auc_ovo_weighted", np.nan, "a class pair has no positive net weight")
    return ms
