"""Binary classification from one sufficient statistic: weight per distinct score and class.

Every binary metric evalml reports derives from :class:`BinaryState`: the sorted distinct
scores with the summed weight of positives and of negatives at each one. Threshold metrics
read the counts on either side of ``T``; ROC AUC and average precision walk the cumulative
sums from the highest score down (as scikit-learn's ``_binary_clf_curve`` does); log loss and
the Brier score sum the per-score losses times the per-score weights. Because the state is a
table keyed by score, two states merge by re-aggregating their concatenation, so a file can be
read in chunks, or partitions evaluated on a cluster, without changing the numbers.

Unweighted, the same statistic is kept in an equivalent, cheaper form: each class's scores
sorted (two runs). The default metrics read the runs directly — counts by ``searchsorted``,
ROC AUC as the Mann–Whitney sum, sums in blocks — and the table is built only when asked for.

The scikit-learn example used throughout: ``y = [0, 0, 1, 1]``, ``s = [0.1, 0.4, 0.35, 0.8]``
gives ``roc_auc = 0.75`` and ``average_precision = 0.8333…``.
"""

from __future__ import annotations

import numpy as np

from evalml_cli.kernels._result import MetricSet, pow2_scale

_EPS = float(np.finfo(np.float64).eps)
#: Rows per block where a kernel walks rows or runs: temporaries stay in cache, the peak low.
_BLOCK = 1 << 16


class BinaryState:
    """Mergeable sufficient statistics of a binary classifier's output.

    Attributes
    ----------
    scores : (m,) float64, strictly increasing distinct scores.
    pos, neg : (m,) float64, summed sample weight of positives / negatives at each score
        (counts when unweighted).
    n : number of rows aggregated.
    weighted : whether sample weights were given (counts are then floats).
    runs : ``(pos_scores, neg_scores)``, each class's scores sorted ascending, or None.

    An unweighted :func:`binary_update` keeps only ``runs``: the two sorted runs determine the
    table, and every metric evalml reports by default (counts at a threshold, ROC AUC, average
    precision, log loss, Brier) reads them directly with ``searchsorted`` and sums — no merge of
    the runs, and no three m-element arrays. The table (``scores``, ``pos``, ``neg``) is built
    on first access, for the curves, intervals and merges that walk it.
    """

    __slots__ = ("_table", "_buffer", "n", "weighted", "runs")

    def __init__(self, scores: np.ndarray, pos: np.ndarray, neg: np.ndarray, n: int, weighted: bool = False) -> None:
        self._table = (scores, pos, neg)
        self._buffer = None
        self.n = int(n)
        self.weighted = bool(weighted)
        self.runs: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def from_runs(cls, pos_scores: np.ndarray, neg_scores: np.ndarray, *, buffer: np.ndarray | None = None) -> BinaryState:
        """The unweighted state of rows whose positive and negative scores, each sorted
        ascending, are ``pos_scores`` and ``neg_scores``. ``buffer``: the one array the two
        runs are consecutive slices of, owned by the state (the table then reuses it)."""
        st = cls.__new__(cls)
        st._table = None
        st._buffer = buffer
        st.n = int(pos_scores.shape[0] + neg_scores.shape[0])
        st.weighted = False
        st.runs = (pos_scores, neg_scores)
        return st

    def table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(scores, pos, neg)``, merged from the runs on first use. A state that owns its
        runs' buffer builds the table in it, and then has no runs (``runs`` becomes None; arrays
        taken from ``runs`` before are overwritten)."""
        if self._table is None:
            a, b = self.runs
            if self._buffer is not None:
                self._table = _table_of_runs(self._buffer, a.shape[0])
                self._buffer, self.runs = None, None
            else:
                self._table = _table_of_runs(np.concatenate([a, b]), a.shape[0])
        return self._table

    @property
    def scores(self) -> np.ndarray:
        return self.table()[0]

    @property
    def pos(self) -> np.ndarray:
        return self.table()[1]

    @property
    def neg(self) -> np.ndarray:
        return self.table()[2]

    def score_preview(self) -> np.ndarray:
        """The distinct scores when there are at most two, else ``[lowest, NaN, highest]``:
        what :func:`evalml_cli.evaluate.suspicious_scores` reads, without building the table."""
        if self.runs is None:
            s = self.scores
            return s if s.shape[0] <= 2 else np.array([s[0], np.nan, s[-1]])
        runs = [r for r in self.runs if r.shape[0]]
        if not runs:
            return np.empty(0)
        lo, hi = min(float(r[0]) for r in runs), max(float(r[-1]) for r in runs)
        # A sorted run holds only lo and hi when its lo-prefix meets its hi-suffix.
        only_ends = all(np.searchsorted(r, lo, "right") >= np.searchsorted(r, hi, "left") for r in runs)
        if only_ends:
            return np.unique(np.array([lo, hi]))
        return np.array([lo, np.nan, hi])

    def __repr__(self) -> str:
        if self._table is None:
            return f"BinaryState(runs of {self.runs[0].shape[0]} positive, {self.runs[1].shape[0]} negative scores)"
        return f"BinaryState(scores={self.scores!r}, pos={self.pos!r}, neg={self.neg!r}, n={self.n}, weighted={self.weighted})"


def binary_update(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None = None) -> BinaryState:
    """Aggregate rows into a :class:`BinaryState`: each class's scores sorted (unweighted), or
    the table of distinct scores with their summed weights (weighted).

    Parameters
    ----------
    y : (n,) bool, True for the positive class.
    score : (n,) float64, finite. Higher means more positive.
    weight : (n,) float64 or None, finite sample weights (may be negative).

    Examples
    --------
    >>> st = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> [r.tolist() for r in st.runs]
    [[0.35, 0.8], [0.1, 0.4]]
    >>> st.scores.tolist(), st.pos.tolist(), st.neg.tolist()
    ([0.1, 0.35, 0.4, 0.8], [0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 0.0])
    """
    score = np.asarray(score, dtype=np.float64)
    y = np.asarray(y, dtype=bool)
    n = int(score.shape[0])
    if n == 0:
        empty = np.empty(0, dtype=np.float64)
        return BinaryState(empty, empty.copy(), empty.copy(), 0, weight is not None)
    if weight is None:
        # Positives then negatives in one buffer; each class is then sorted on its own (NumPy's
        # SIMD sort is ~4x faster than argsort; the two sorts run in two threads, NumPy
        # releases the GIL). The two runs are the state.
        both, k = _split_by_class(y, score)
        _sort_halves(both, k)
        return BinaryState.from_runs(both[:k], both[k:], buffer=both)
    # Each class on its own: its scores argsorted (the weights must follow them; the two
    # argsorts run in two threads), ties summed into one entry per score, then the two
    # ascending tables merged in one linear pass. Ties need no stable order.
    both, k = _split_by_class(y, score)
    wboth, _ = _split_by_class(y, np.asarray(weight, dtype=np.float64))
    halves = _in_two_threads(_class_table, (both[:k], wboth[:k]), (both[k:], wboth[k:]), n)
    del both, wboth
    (sp, wp), (sn, wn) = halves
    return BinaryState(*merge_sorted_tables([sp, sn], [wp, None], [None, wn]), n, True)


def _class_table(s: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One class's distinct scores, ascending, and the summed weight at each."""
    order = np.argsort(s)
    s = s[order]
    w = w[order]
    del order
    if _all_distinct(s):
        return s, w
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    return s[starts], np.add.reduceat(w, starts)


def _in_two_threads(func, first: tuple, second: tuple, n: int) -> list:
    """``[func(*first), func(*second)]``, the first in a second thread for large inputs (NumPy
    releases the GIL in sorts)."""
    if n < 1 << 20:
        return [func(*first), func(*second)]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as ex:
        done = ex.submit(func, *first)
        other = func(*second)
        return [done.result(), other]


def _split_by_class(y: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, int]:
    """One buffer holding the positives' scores, then the negatives' (each in row order), and
    the number of positives.

    In blocks: ``np.compress`` into slices of the buffer allocates no index array (a whole-array
    compress makes an 8-byte index per selected row) and, in cache, is ~4x faster.
    """
    n = score.shape[0]
    k = int(np.count_nonzero(y))
    both = np.empty(n, dtype=np.float64)
    at_pos, at_neg = 0, k
    for i in range(0, n, _BLOCK):
        yb, sb = y[i : i + _BLOCK], score[i : i + _BLOCK]
        c = int(np.count_nonzero(yb))
        np.compress(yb, sb, out=both[at_pos : at_pos + c])
        np.compress(~yb, sb, out=both[at_neg : at_neg + sb.shape[0] - c])
        at_pos += c
        at_neg += sb.shape[0] - c
    return both, k


def _table_of_runs(both: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The table of two sorted runs ``both[:k]`` (positives) and ``both[k:]`` (negatives); the
    buffer ``both`` is reused (overwritten)."""
    n = both.shape[0]
    # A stable argsort of two sorted runs is a timsort that finds them and merges them in
    # linear time.
    order = np.argsort(both, kind="stable")
    s = both[order]
    if _all_distinct(s):  # every score distinct (continuous scores): one row per entry
        # Reuse the two n-element buffers no longer needed (no fresh 8n-byte allocations,
        # whose page faults cost as much as the arithmetic): pos in ``both``, neg in ``order``.
        pos = both
        np.less(order, k, out=pos)
        neg = order.view(np.float64)
        np.subtract(1.0, pos, out=neg)
        return s, pos, neg
    del both
    is_pos = order < k
    del order
    brk = s[1:] != s[:-1]
    starts = np.flatnonzero(np.r_[True, brk])
    del brk
    pos = np.add.reduceat(is_pos.astype(np.float64), starts)
    neg = np.diff(np.r_[starts, n]).astype(np.float64) - pos
    return s[starts], pos, neg


def _all_distinct(s: np.ndarray, block: int = 1 << 18) -> bool:
    """Whether the sorted ``s`` has no two equal neighbours, in blocks (no n-element mask)."""
    last = s.shape[0] - 1
    for i in range(0, last, block):
        j = min(i + block, last)
        if not (s[i + 1 : j + 1] != s[i:j]).all():
            return False
    return True


def _sort_halves(a: np.ndarray, k: int) -> None:
    """Sort ``a[:k]`` and ``a[k:]`` in place, in two threads for large arrays."""
    sort_in_place([a[:k], a[k:]])


def sort_in_place(arrays: list[np.ndarray]) -> None:
    """Sort each array in place; in two threads (NumPy releases the GIL while sorting) when
    they hold 2^20 values or more, the largest first."""
    if sum(a.shape[0] for a in arrays) < 1 << 20:
        for a in arrays:
            a.sort()
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as ex:
        list(ex.map(np.ndarray.sort, sorted(arrays, key=len, reverse=True)))


def binary_merge(a: BinaryState, b: BinaryState) -> BinaryState:
    """Combine two states as if their rows had been aggregated together."""
    if a.runs is not None and b.runs is not None:
        # Two sorted runs per class: a stable sort of their concatenation merges them (timsort).
        both = np.concatenate([a.runs[0], b.runs[0], a.runs[1], b.runs[1]])
        k = a.runs[0].shape[0] + b.runs[0].shape[0]
        both[:k].sort(kind="stable")
        both[k:].sort(kind="stable")
        return BinaryState.from_runs(both[:k], both[k:], buffer=both)
    scores, pos, neg = merge_sorted_tables([a.scores, b.scores], [a.pos, b.pos], [a.neg, b.neg])
    return BinaryState(scores, pos, neg, a.n + b.n, a.weighted or b.weighted)


def merge_sorted_tables(keys: list[np.ndarray], pos: list[np.ndarray | None], neg: list[np.ndarray | None]
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tables with ascending keys → one table of their distinct keys, weights summed (a weight
    array given as None is zeros).

    Two tables are interleaved by position: an entry's merged index is its own index plus the
    number of the other table's keys before it (``searchsorted``; the first table's entry goes
    before an equal key of the second). More tables: a stable argsort of the concatenated keys,
    a timsort that finds the sorted runs and merges them in linear time (~10x faster than
    ``np.unique``'s quicksort). Either way equal keys sit in the order the tables were given,
    so each key's weights are summed in that order, as ``np.bincount`` would.

    >>> merge_sorted_tables([np.array([1, 3]), np.array([2, 3])], [np.ones(2), np.ones(2)],
    ...                     [None, np.ones(2)])
    (array([1, 2, 3]), array([1., 1., 2.]), array([0., 1., 1.]))
    """
    sizes = [k.shape[0] for k in keys]
    m = sum(sizes)
    if len(keys) == 2:
        at = (np.searchsorted(keys[1], keys[0], side="left") + np.arange(sizes[0]),
              np.searchsorted(keys[0], keys[1], side="right") + np.arange(sizes[1]))
        cat = np.empty(m, dtype=np.result_type(*keys))
        merged = [cat, np.zeros(m), np.zeros(m)]
        for out, parts in zip(merged, (keys, pos, neg)):
            for where, part in zip(at, parts):
                if part is not None:
                    out[where] = part
    else:
        cat = np.concatenate(keys)
        order = np.argsort(cat, kind="stable")
        merged = [cat[order]] + [
            np.concatenate([np.zeros(size) if part is None else part for part, size in zip(parts, sizes)])[order]
            for parts in (pos, neg)
        ]
    cat = merged[0]
    if _all_distinct(cat):  # no key in two tables: nothing to sum
        return tuple(merged)
    starts = np.flatnonzero(np.r_[True, cat[1:] != cat[:-1]])
    return cat[starts], np.add.reduceat(merged[1], starts), np.add.reduceat(merged[2], starts)


def _ratio(ms: MetricSet, name: str, num: float, den: float, *, reason: str) -> None:
    """Set ``name = num / den``; undefined (NaN + ``reason``) unless ``den > 0``.

    ``den`` can only be <= 0 through negative sample weights or an empty group; either way
    the ratio does not estimate what its name says, so it is reported as undefined.
    """
    if den > 0:
        ms.set(name, num / den)
    else:
        ms.set(name, np.nan, reason)


def confusion_at(state: BinaryState, threshold: float) -> tuple[float, float, float, float]:
    """(tp, fp, tn, fn) with a row predicted positive when ``score >= threshold``."""
    if state.runs is not None:
        a, b = state.runs
        fn = int(np.searchsorted(a, threshold, side="left"))
        tn = int(np.searchsorted(b, threshold, side="left"))
        return float(a.shape[0] - fn), float(b.shape[0] - tn), float(tn), float(fn)
    k = int(np.searchsorted(state.scores, threshold, side="left"))
    tp = float(state.pos[k:].sum())
    fp = float(state.neg[k:].sum())
    fn = float(state.pos[:k].sum())
    tn = float(state.neg[:k].sum())
    return tp, fp, tn, fn


def threshold_metrics(state: BinaryState, threshold: float) -> MetricSet:
    """Confusion counts and the ratios built on them, at ``score >= threshold``.

    Formulas (scikit-learn's names): accuracy = (TP+TN)/(P+N); precision = TP/(TP+FP);
    recall = TP/(TP+FN); specificity = TN/(TN+FP); balanced_accuracy = (recall+specificity)/2;
    f1 = 2TP/(2TP+FP+FN); mcc = (TP·TN − FP·FN)/√((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
    A ratio whose denominator is not positive is undefined (NaN), where scikit-learn would
    return 0 with a warning.

    Examples
    --------
    TP=8, FP=2, FN=4, TN=20 gives accuracy 28/34 = 0.8235, precision 0.8, recall 0.6667,
    f1 16/22 = 0.7273.
    """
    ms = MetricSet()
    tp, fp, tn, fn = confusion_at(state, threshold)
    for name, value in (("tp", tp), ("fp", fp), ("tn", tn), ("fn", fn)):
        ms.set(name, value)
    total = tp + fp + tn + fn
    _ratio(ms, "accuracy", tp + tn, total, reason="total weight is not positive")
    _ratio(ms, "precision", tp, tp + fp, reason=f"no predicted positives at threshold {threshold:g}")
    _ratio(ms, "recall", tp, tp + fn, reason="no positive rows")
    _ratio(ms, "specificity", tn, tn + fp, reason="no negative rows")
    if np.isfinite(ms.values["recall"]) and np.isfinite(ms.values["specificity"]):
        ms.set("balanced_accuracy", (ms.values["recall"] + ms.values["specificity"]) / 2)
    else:
        ms.set("balanced_accuracy", np.nan, "needs both classes")
    _ratio(ms, "f1", 2 * tp, 2 * tp + fp + fn, reason="no positive rows and no predicted positives")
    # MCC is scale-free: divide the counts by a power of two near the largest one first, so
    # that TP·TN and the product of the four margins neither overflow (weights of 1e100: the
    # product is ~1e400) nor underflow (weights of 1e-100), and take the square root of each
    # margin separately.
    c = pow2_scale(np.array([tp, fp, tn, fn]))
    tp, fp, tn, fn = tp / c, fp / c, tn / c, fn / c
    margins = (tp + fp, tp + fn, tn + fp, tn + fn)
    if min(margins) > 0:
        root = np.sqrt(margins[0]) * np.sqrt(margins[1]) * np.sqrt(margins[2]) * np.sqrt(margins[3])
        ms.set("mcc", (tp * tn - fp * fn) / root)
    elif min(margins) == 0:
        ms.set("mcc", np.nan, "a row or column of the confusion matrix is empty")
    else:
        ms.set("mcc", np.nan, "a row or column of the confusion matrix has a negative net weight")
    return ms


def ranking_metrics(state: BinaryState) -> MetricSet:
    """Threshold-free metrics: ``roc_auc`` and ``average_precision``.

    With the distinct scores walked from high to low, cumulative weights TPS_i, FPS_i give
    TPR_i = TPS_i/P and FPR_i = FPS_i/N. roc_auc is the trapezoidal area under (FPR, TPR)
    from (0, 0); one point per distinct score makes tied positive/negative pairs count one
    half, exactly as scikit-learn's ``roc_auc_score``. average_precision =
    Σ_i (R_i − R_{i−1}) · P_i with precision P_i = TPS_i/(TPS_i+FPS_i), the step
    (non-interpolated) sum of scikit-learn's ``average_precision_score``.
    roc_auc is undefined unless P > 0 and N > 0; average_precision unless P > 0 and, at every
    score level with positives (pos_k ≠ 0), TPS_k + FPS_k > 0 — only negative weights can break
    the latter. Weights are rescaled by a power of two first, so any common factor c (1e-170 …
    1e300) gives the same values.
    """
    if state.runs is not None:
        return _ranking_metrics_runs(*state.runs)
    ms = MetricSet()
    # Weights are divided by a power of two near their largest per-score sum (exact), so that
    # P·N and the dot product below neither underflow (weights of 1e-170) nor overflow (1e160).
    c = pow2_scale(state.pos, state.neg)
    rpos, rneg = state.pos[::-1], state.neg[::-1]  # from the highest score down (views)
    # In blocks from the highest score down, carrying the cumulative sums TPS and FPS (each
    # block's cumsum starts from the carry, so they are the whole-array cumsums, bit for bit).
    tp_carry = fp_carry = 0.0
    auc = ap = 0.0
    n_bad, first_bad = 0, None
    for i in range(0, rpos.shape[0], _BLOCK):
        pos, neg = rpos[i : i + _BLOCK], rneg[i : i + _BLOCK]
        if c != 1.0:
            pos, neg = pos / c, neg / c
        tps = np.cumsum(np.r_[tp_carry, pos])[1:]
        fps = np.cumsum(np.r_[fp_carry, neg])[1:]
        tp_carry, fp_carry = float(tps[-1]), float(fps[-1])
        # Trapezoid Σ ΔFPR·(TPR_i + TPR_{i−1})/2 written as Σ neg_i·(TPS_i − pos_i/2) / (P·N):
        # dot products, no normalised curve arrays.
        auc += float(neg @ (tps - 0.5 * pos))
        # Σ (R_k − R_{k−1})·P_k = Σ pos_k·precision_k / P; a level with pos_k = 0 adds nothing.
        # Every level that adds something needs a precision, i.e. TPS_k + FPS_k > 0: with
        # negative weights it can net to 0 or less, and AP is then undefined (never 1 or 0).
        predicted = tps + fps
        contributes = pos != 0
        bad = contributes & ~(predicted > 0)
        if bad.any():
            if first_bad is None:
                k = int(np.flatnonzero(bad)[0])
                first_bad = (i + k, float(predicted[k]) * c)
            n_bad += int(bad.sum())
        elif not n_bad:
            ap += float(pos @ np.divide(tps, predicted, out=np.zeros_like(tps), where=contributes))
    p_total, n_total = tp_carry, fp_carry
    if p_total > 0 and n_total > 0:
        ms.set("roc_auc", auc / p_total / n_total)
    else:
        ms.set("roc_auc", np.nan, "needs rows of both classes (only one class present)")
    if p_total > 0 and first_bad is not None:
        k, predicted_k = first_bad
        score = float(state.scores[::-1][k])
        ms.set(
            "average_precision", np.nan,
            f"precision is undefined at {n_bad} score level(s) with positives "
            f"(TP + FP = {predicted_k:g} ≤ 0 at score ≥ {score:g}, negative weights)",
        )
    elif p_total > 0:
        ms.set("average_precision", ap / p_total)
    else:
        ms.set("average_precision", np.nan, "no positive rows")
    return ms


def _ranking_metrics_runs(a: np.ndarray, b: np.ndarray) -> MetricSet:
    """:func:`ranking_metrics` from the sorted positive scores ``a`` and negative scores ``b``.

    For the positive a_i, L_i = #{b < a_i} and R_i = #{b ≤ a_i} (``searchsorted`` left and
    right), so the Mann–Whitney form of the trapezoid gives

        roc_auc · P·N = Σ_i L_i + ½ Σ_i (R_i − L_i) = ½ (Σ L + Σ R),

    an exact integer sum (R = L when no positive ties a negative, checked first). At a_i's
    level TPS = P − F_i, with F_i the index of a_i's first occurrence in ``a``, and
    FPS = N − L_i; average precision = Σ_i TPS/(TPS + FPS) / P, each positive adding the
    precision at its level (tied positives share it), the step sum of the general path.
    The positives are walked in blocks: no n-element temporaries.
    """
    ms = MetricSet()
    p_total, n_total = a.shape[0], b.shape[0]
    if p_total == 0:
        ms.set("roc_auc", np.nan, "needs rows of both classes (only one class present)")
        ms.set("average_precision", np.nan, "no positive rows")
        return ms
    distinct = _all_distinct(a)
    below = ties = 0  # Σ L and Σ (R − L)
    ap = 0.0
    for i in range(0, p_total, _BLOCK):
        ab = a[i : i + _BLOCK]
        left = np.searchsorted(b, ab, side="left")
        below += int(left.sum())
        # a_i ties a negative iff b[L_i] == a_i (L_i = N: all negatives below, none equal).
        if n_total and (np.take(b, left, mode="clip") == ab).any():
            ties += int(np.searchsorted(b, ab, side="right").sum()) - int(left.sum())
        tps = (np.arange(p_total - i, p_total - i - ab.shape[0], -1, dtype=np.float64) if distinct
               else p_total - np.searchsorted(a, ab, side="left").astype(np.float64))
        fps = np.subtract(n_total, left, dtype=np.float64)
        fps += tps
        np.divide(tps, fps, out=tps)
        ap += float(tps.sum())
    if n_total:
        ms.set("roc_auc", (below + 0.5 * ties) / p_total / n_total)
    else:
        ms.set("roc_auc", np.nan, "needs rows of both classes (only one class present)")
    ms.set("average_precision", ap / p_total)
    return ms


def probability_metrics(state: BinaryState) -> MetricSet:
    """``log_loss`` and ``brier`` when every score is a probability in [0, 1].

    log_loss = −Σ w [y log p + (1−y) log(1−p)] / Σ w with p clipped to [ε, 1−ε],
    ε = 2.22e-16 (float64 machine epsilon, scikit-learn's clipping), so a confident wrong
    answer costs at most −log ε ≈ 36.04 instead of infinity. brier = Σ w (p − y)² / Σ w.
    """
    ms = MetricSet()
    preview = state.score_preview()
    if preview.size and (preview[0] < 0.0 or preview[-1] > 1.0):
        why = f"scores are not probabilities: they span [{preview[0]:g}, {preview[-1]:g}], outside [0, 1]"
        ms.set("log_loss", np.nan, why)
        ms.set("brier", np.nan, why)
        return ms
    if state.runs is not None:
        (_, loss_p, sq_p), (_, loss_n, sq_n) = (class_loss_sums(run, positive) for run, positive in
                                                zip(state.runs, (True, False)))
        total = float(state.n)
    else:
        c = pow2_scale(state.pos, state.neg)  # exact rescaling: no overflow of the weighted sums
        s, pos, neg = state.table()
        (w_p, loss_p, sq_p), (w_n, loss_n, sq_n) = (class_loss_sums(s, positive, w, scale=c) for w, positive in
                                                    ((pos, True), (neg, False)))
        total = w_p + w_n
    if not total > 0:
        ms.set("log_loss", np.nan, "total weight is not positive")
        ms.set("brier", np.nan, "total weight is not positive")
        return ms
    ms.set("log_loss", (loss_p + loss_n) / total)
    ms.set("brier", (sq_p + sq_n) / total)
    return ms


def class_loss_sums(p: np.ndarray, positive: bool, w: np.ndarray | None = None, *, scale: float = 1.0
                    ) -> tuple[float, float, float]:
    """``(Σ w, Σ w·loss, Σ w·squared error)`` of one class's scores ``p`` (probabilities):
    loss −ln p and (1 − p)² for positives, −ln(1 − p) and p² for negatives, p clipped to
    [ε, 1 − ε] in the logarithms. ``w`` None counts each row once; weights are divided by
    ``scale`` (a power of two: exact) before summing. In blocks: one scratch buffer."""
    total = loss = sq = 0.0
    t_buf = np.empty(min(_BLOCK, p.shape[0]))
    for i in range(0, p.shape[0], _BLOCK):
        x = p[i : i + _BLOCK]
        t = t_buf[: x.shape[0]]
        wb = None if w is None else (w[i : i + _BLOCK] if scale == 1.0 else w[i : i + _BLOCK] / scale)
        np.clip(x, _EPS, 1.0 - _EPS, out=t)
        if positive:
            np.log(t, out=t)
        else:
            np.negative(t, out=t)
            np.log1p(t, out=t)
        loss -= float(t.sum() if wb is None else wb @ t)
        if positive:
            np.subtract(1.0, x, out=t)
        else:
            np.copyto(t, x)
        np.square(t, out=t)
        sq += float(t.sum() if wb is None else wb @ t)
        total += float(x.shape[0] if wb is None else wb.sum())
    return total, loss, sq


def binary_compute(state: BinaryState, threshold: float = 0.5) -> MetricSet:
    """Every binary metric from one state: threshold, ranking and probability metrics."""
    ms = threshold_metrics(state, threshold)
    ms.update(ranking_metrics(state))
    ms.update(probability_metrics(state))
    return ms
