"""Binary ranking state with bounded memory: exact while small, binned when it outgrows a budget.

:class:`RankingState` is a table of *ordered score bins* with the summed weight of positives
and negatives in each. Bins come from an order-preserving map of float64 to int64 keys (the
IEEE-754 bits, with the non-sign bits flipped for negative numbers)::

    key(x) = bits(x) ^ ((bits(x) >> 63) & 0x7FFF_FFFF_FFFF_FFFF)     x < y  ⇔  key(x) < key(y)

and ``bin = key >> shift``. Every bin is a contiguous range of floats, any score range works
with no prior knowledge of its minimum or maximum, and a coarser shift merges neighbouring
bins (``(k >> a) >> b == k >> (a + b)``). With ``shift == 0`` a bin is one distinct score:
the state is *exact*, the same table as :class:`~evalml_cli.kernels.binary.BinaryState`.

The state always uses the smallest shift that keeps the number of occupied bins within
``budget`` (default 4,096). That makes the state a function of the rows alone — not of how
they were split into batches — so ``update`` and ``merge`` give the same bins whatever the
batching (exactly; only the summed weights round differently), and ``merge`` is associative
and commutative. Merging two states with different shifts coarsens the finer one first.

One kernel, :func:`cumulative_counts`, gives the cumulative TP and FP weight from the highest
bin down; ROC AUC, average precision, curves and threshold rules derive from it. From a binned
state each bin counts as a tie, and the worst case of the unknown order inside the bins is
reported: :func:`roc_auc_error_bound`, :func:`average_precision_error_bound` (both 0 for an
exact state).

**Threshold metrics do not come from a binned state.** The cumulative counts at a bin's lower
edge are exact (every row of that bin and above has a score >= the edge), but a threshold T
inside a bin splits it in an unknown way, so confusion counts at ``--threshold`` belong in a
separate exact accumulator (four sums that merge by addition), not in this state.

The scikit-learn example: ``y = [0, 0, 1, 1]``, ``s = [0.1, 0.4, 0.35, 0.8]`` gives
``roc_auc = 0.75`` and ``average_precision = 0.8333…``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evalml_cli.kernels._result import MetricSet
from evalml_cli.kernels.binary import BinaryState, binary_update, merge_sorted_tables
from evalml_cli.kernels.state import Batch, merge, merged

#: Default number of bins a state may hold before it coarsens.
DEFAULT_BUDGET = 4096
_MASK = np.int64(0x7FFF_FFFF_FFFF_FFFF)
_MAX_SHIFT = 63
#: Largest histogram (entries) ``update`` builds to count occupied bins without sorting.
_BINCOUNT_LIMIT = 1 << 22


# --------------------------------------------------------------------------------------------
# Order-preserving keys
# --------------------------------------------------------------------------------------------


def float_to_key(x: np.ndarray) -> np.ndarray:
    """Monotone int64 keys of finite float64 values: ``x < y ⇔ key(x) < key(y)``.

    ``-0.0`` is first turned into ``0.0`` (they are one score), so equal scores get equal keys.

    Examples
    --------
    >>> float_to_key(np.array([-1.0, -0.0, 0.0, 5e-324, 1.0])).tolist()
    [-4607182418800017409, 0, 0, 1, 4607182418800017408]
    """
    bits = (np.asarray(x, dtype=np.float64) + 0.0).view(np.int64)  # + 0.0: a copy, and -0 → +0
    flip = np.right_shift(bits, 63)  # one temporary, reused: -1 for negatives, 0 otherwise
    np.bitwise_and(flip, _MASK, out=flip)
    bits ^= flip
    return bits


def key_to_float(k: np.ndarray) -> np.ndarray:
    """Inverse of :func:`float_to_key` (the map is an involution on the bits).

    Examples
    --------
    >>> key_to_float(float_to_key(np.array([-2.5, 0.0, 3.0]))).tolist()
    [-2.5, 0.0, 3.0]
    """
    k = np.array(k, dtype=np.int64)
    k ^= (k >> 63) & _MASK
    return k.view(np.float64)


_KEY_MIN = int(float_to_key(np.array([-np.finfo(np.float64).max]))[0])


# --------------------------------------------------------------------------------------------
# The state
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingState:
    """Weight of positives and negatives per ordered score bin.

    Attributes
    ----------
    keys : (m,) int64, strictly increasing bin numbers ``key(score) >> shift``.
    pos, neg : (m,) float64, summed weight of positives / negatives in each bin.
    shift : bits dropped from the keys; 0 means one bin per distinct score (exact).
    n : number of rows aggregated.
    budget : largest number of bins, or None for always exact (memory grows with the number
        of distinct scores).
    weighted : whether sample weights were given.
    negative_weights : whether any weight was negative (the error bounds then do not hold
        and are undefined).
    """

    keys: np.ndarray = merged("custom")
    pos: np.ndarray = merged("custom")
    neg: np.ndarray = merged("custom")
    shift: int = merged("custom")
    n: int = merged("sum")
    budget: int | None = merged("same")
    weighted: bool = merged("max")
    negative_weights: bool = merged("max")

    @property
    def exact(self) -> bool:
        """True when every bin is one distinct score."""
        return self.shift == 0

    @property
    def edges(self) -> np.ndarray:
        """(m,) float64 lower edge of each bin: the smallest float it holds.

        For an exact state these are the distinct scores. The lowest possible bin's edge is
        clamped to −1.797e308 (its smallest key would be a NaN bit pattern).
        """
        return key_to_float(np.maximum(self.keys << self.shift, _KEY_MIN))

    @classmethod
    def _merge_custom(cls, a: "RankingState", b: "RankingState") -> dict:
        if a.budget != b.budget:
            raise ValueError(f"cannot merge ranking states with budgets {a.budget} and {b.budget}")
        shift = max(a.shift, b.shift)
        keys, pos, neg = merge_sorted_tables([a.keys >> (shift - a.shift), b.keys >> (shift - b.shift)],
                                             [a.pos, b.pos], [a.neg, b.neg])
        keys, pos, neg, shift = _coarsen(keys, pos, neg, shift, budget=a.budget)
        return {"keys": keys, "pos": pos, "neg": neg, "shift": shift}


def _empty(budget: int | None, weighted: bool) -> RankingState:
    e = np.empty(0, dtype=np.float64)
    return RankingState(np.empty(0, dtype=np.int64), e, e.copy(), 0, 0, budget, weighted, False)


def _check_budget(budget: int | None) -> None:
    if budget is not None and (int(budget) != budget or budget < 2):
        raise ValueError(f"budget must be an integer >= 2 or None, got {budget!r}")


def _distinct(sorted_keys: np.ndarray, t: int) -> int:
    """Number of distinct values of ``sorted_keys >> t`` (the keys sorted ascending)."""
    b = sorted_keys >> t
    return 1 + int(np.count_nonzero(b[1:] != b[:-1])) if b.size else 0


def _coarsen(
    keys: np.ndarray, pos: np.ndarray, neg: np.ndarray, shift: int, *, budget: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Merge neighbouring bins with the smallest extra shift that leaves <= ``budget`` bins.

    ``keys`` are sorted and distinct. The number of distinct ``keys >> t`` does not grow with
    t, so the smallest t is found by bisection (each step one pass over m <= 2·budget keys;
    at total shift 63 there are at most 2 bins, so a budget >= 2 is always met).
    """
    if budget is None or keys.shape[0] <= budget:
        return keys, pos, neg, shift
    lo, hi = 1, _MAX_SHIFT - shift
    while lo < hi:
        mid = (lo + hi) // 2
        if _distinct(keys, mid) <= budget:
            hi = mid
        else:
            lo = mid + 1
    b = keys >> lo
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    return b[starts], np.add.reduceat(pos, starts), np.add.reduceat(neg, starts), shift + lo


def _from_binary(bs: BinaryState, budget: int | None, negative_weights: bool) -> RankingState:
    keys, pos, neg, shift = _coarsen(float_to_key(bs.scores), bs.pos, bs.neg, 0, budget=budget)
    return RankingState(keys, pos, neg, shift, bs.n, budget, bs.weighted, negative_weights)


def from_binary_state(bs: BinaryState, budget: int | None = DEFAULT_BUDGET) -> RankingState:
    """The ranking state of a :class:`BinaryState`'s rows (binned when it has > budget scores).

    ``negative_weights`` is inferred from negative per-score sums, which can miss negative
    weights that were cancelled by positive ones at the same score.

    Examples
    --------
    >>> bs = binary_update(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> from_binary_state(bs).exact, to_binary_state(from_binary_state(bs)).scores.tolist()
    (True, [0.1, 0.35, 0.4, 0.8])
    """
    _check_budget(budget)
    negative = bool(bs.weighted and (np.any(bs.pos < 0) or np.any(bs.neg < 0)))
    return _from_binary(bs, budget, negative)


def to_binary_state(state: RankingState) -> BinaryState:
    """The :class:`BinaryState` of an exact ranking state; ValueError for a binned one."""
    if not state.exact:
        raise ValueError(f"a binned ranking state (shift {state.shift}) has no exact scores")
    return BinaryState(key_to_float(state.keys), state.pos, state.neg, state.n, state.weighted)


def _rows_to_state(
    y: np.ndarray, score: np.ndarray, weight: np.ndarray | None, budget: int | None
) -> RankingState:
    y = np.asarray(y, dtype=bool)
    score = np.asarray(score, dtype=np.float64)
    n = int(score.shape[0])
    negative = bool(weight is not None and n and np.min(weight) < 0)
    if n == 0:
        return _empty(budget, weight is not None)
    if budget is None or n <= budget:
        # At most n <= budget distinct scores: the exact table (one sort) is within budget.
        return _from_binary(binary_update(y, score, weight), budget, negative)
    keys = float_to_key(score)
    kmin, kmax = int(keys.min()), int(keys.max())
    # The finest shift whose key range fits a histogram of `limit` entries: counting occupied
    # bins there is O(n + limit), no sort. If they already fit the budget, a finer shift might
    # too, which only the exact table can tell (the sort below).
    limit = min(_BINCOUNT_LIMIT, max(4 * n, budget))
    s_f = next(s for s in range(_MAX_SHIFT + 1) if (kmax >> s) - (kmin >> s) < limit)
    keys >>= s_f
    keys -= kmin >> s_f
    counts = np.bincount(keys)
    occupied = np.flatnonzero(counts)
    if s_f > 0 and occupied.shape[0] <= budget:
        del keys, counts
        return _from_binary(binary_update(y, score, weight), budget, negative)
    if weight is None:
        pos = np.bincount(keys[y], minlength=counts.shape[0])[occupied].astype(np.float64)
        neg = counts[occupied] - pos
    else:
        w = np.asarray(weight, dtype=np.float64)
        pos = np.bincount(keys, weights=np.where(y, w, 0.0), minlength=counts.shape[0])[occupied]
        neg = np.bincount(keys, weights=np.where(y, 0.0, w), minlength=counts.shape[0])[occupied]
    bins = occupied.astype(np.int64) + (kmin >> s_f)
    bins, pos, neg, shift = _coarsen(bins, pos, neg, s_f, budget=budget)
    return RankingState(bins, pos, neg, shift, n, budget, weight is not None, negative)


def ranking_update(
    state: RankingState | None,
    y: np.ndarray,
    score: np.ndarray,
    weight: np.ndarray | None = None,
    *,
    budget: int | None = DEFAULT_BUDGET,
) -> RankingState:
    """Fold rows into a ranking state (``None`` starts one), vectorized.

    Parameters
    ----------
    state : a previous state or None. Its budget wins over ``budget``.
    y : (n,) bool, True for the positive class.
    score : (n,) float64, finite.
    weight : (n,) float64 sample weights, or None.
    budget : most bins a state may hold (>= 2), or None to stay exact.

    With n <= budget rows the exact table comes from one sort (``binary_update``). Otherwise
    the keys are shifted to the finest level whose range fits a histogram of <= 4·n (at most
    4M) entries and counted with ``np.bincount``; when more than ``budget`` bins are occupied
    there, the table is built from that histogram and coarsened; when not, a finer shift might
    fit, so the exact table is built by sorting and then coarsened.

    Examples
    --------
    >>> y, s = np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8])
    >>> st = ranking_update(None, y, s)
    >>> st.exact, st.edges.tolist(), st.pos.tolist(), st.neg.tolist()
    (True, [0.1, 0.35, 0.4, 0.8], [0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 0.0])
    >>> b = ranking_update(None, y, s, budget=2)   # bins [2⁻⁷, 2⁻³) ∋ 0.1 and [2⁻³, 2) ∋ 0.35, 0.4, 0.8
    >>> b.exact, b.edges.tolist(), b.pos.tolist(), b.neg.tolist()
    (False, [0.0078125, 0.125], [0.0, 2.0], [1.0, 1.0])
    """
    if state is not None:
        budget = state.budget
    _check_budget(budget)
    new = _rows_to_state(y, score, weight, budget)
    return new if state is None else merge(state, new)


def ranking_merge(a: RankingState | None, b: RankingState | None) -> RankingState | None:
    """Combine two states as if their rows had been aggregated together (the generic merge).

    Both are coarsened to the larger shift, their bins re-aggregated, and the result coarsened
    further if it holds more than ``budget`` bins. Exact + exact stays exact while the distinct
    scores fit the budget.
    """
    return merge(a, b)


# --------------------------------------------------------------------------------------------
# One cumulative-counts kernel and what derives from it
# --------------------------------------------------------------------------------------------


def _walk(state: RankingState) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, tps, fps, pos, neg), every array from the highest bin down."""
    pos = state.pos[::-1]
    neg = state.neg[::-1]
    return state.edges[::-1], np.cumsum(pos), np.cumsum(neg), pos, neg


def cumulative_counts(state: RankingState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, tps, fps) from the highest score (bin) down, like sklearn's ``_binary_clf_curve``.

    ``tps[i]`` / ``fps[i]`` is the weight of positives / negatives with ``score >= thresholds[i]``.
    For an exact state the thresholds are the distinct scores; for a binned state they are the
    bins' lower edges, and the counts are still exact at those thresholds.

    Examples
    --------
    >>> st = ranking_update(None, np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> [a.tolist() for a in cumulative_counts(st)]
    [[0.8, 0.4, 0.35, 0.1], [1.0, 1.0, 2.0, 2.0], [0.0, 1.0, 1.0, 2.0]]
    """
    th, tps, fps, _, _ = _walk(state)
    return th, tps, fps


def _totals(tps: np.ndarray, fps: np.ndarray) -> tuple[float, float]:
    return (float(tps[-1]), float(fps[-1])) if tps.size else (0.0, 0.0)


def roc_auc(state: RankingState) -> float:
    """Area under the ROC curve, NaN unless both classes have positive total weight.

    With TPS_i, FPS_i the cumulative counts and pos_i, neg_i the weight at level i:
    AUC = Σ_i neg_i · (TPS_i − pos_i/2) / (P·N), the trapezoid through one point per level,
    so a positive and a negative at one level count one half (scikit-learn's ``roc_auc_score``
    with ties). For a binned state every bin is such a tie.

    Examples
    --------
    >>> roc_auc(ranking_update(None, np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8])))
    0.75
    """
    _, tps, fps, pos, neg = _walk(state)
    p_total, n_total = _totals(tps, fps)
    if not (p_total > 0 and n_total > 0):
        return math.nan
    return float(neg @ (tps - 0.5 * pos)) / (p_total * n_total)


def average_precision(state: RankingState) -> float:
    """Average precision Σ_i pos_i · TPS_i/(TPS_i + FPS_i) / P (step sum, no interpolation).

    scikit-learn's ``average_precision_score``; NaN unless P > 0. A binned state treats each
    bin as tied scores.

    Examples
    --------
    >>> st = ranking_update(None, np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> round(average_precision(st), 4)
    0.8333
    """
    _, tps, fps, pos, _ = _walk(state)
    p_total, _ = _totals(tps, fps)
    if not p_total > 0:
        return math.nan
    predicted = tps + fps
    precision = np.divide(tps, predicted, out=np.ones_like(tps), where=predicted != 0)
    return float(pos @ precision) / p_total


def roc_auc_error_bound(state: RankingState) -> float:
    """The error bound of a binned AUC: Σ_b pos_b · neg_b / (P·N), the issue's formula.

    A positive–negative pair in different bins is ordered correctly by the bins. A pair in one
    bin b counts 1/2 in the binned AUC and, in the exact one, 1 (positive above), 0 (below) or
    1/2 (equal scores). So the exact AUC lies in the interval

        AUC_binned ± Σ_b pos_b · neg_b / (2·P·N)

    whose *width* Σ_b pos_b·neg_b/(P·N) is returned: |binned − exact| never exceeds it, and
    the true worst case (the binned value is the interval's centre) is half of it — attained
    when every bin holds at least two distinct scores with all its positives on one side.
    0 for an exact state. NaN when either class has no positive weight or a weight was
    negative (pairs with negative weight break the argument).

    Examples
    --------
    Budget 2 puts 0.1 (a negative) in one bin and 0.35, 0.4, 0.8 (2 positives, 1 negative) in
    the other: bound = 2·1 / (2·2) = 0.5; the exact AUC 0.75 lies in 0.75 ± 0.25.

    >>> st = ranking_update(None, np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]), budget=2)
    >>> roc_auc(st), roc_auc_error_bound(st)
    (0.75, 0.5)
    """
    p_total, n_total = float(state.pos.sum()), float(state.neg.sum())
    if state.negative_weights or not (p_total > 0 and n_total > 0):
        return math.nan
    if state.exact:
        return 0.0
    return float(state.pos @ state.neg) / (p_total * n_total)


def average_precision_error_bound(state: RankingState) -> float:
    """The worst case of |binned AP − exact AP| over every order (and tie) inside the bins.

    Derivation (weights >= 0). AP = Σ_levels Δtp · precision / P. Walk the bins from the top;
    for bin b let (T0, F0) be the cumulative weights above it and (T1, F1) = (T0 + p_b,
    F0 + n_b) through it, with p_b, n_b its positive and negative weight.

    1. Bins below b see all of b as "above", whatever its inner order, so the order inside b
       changes b's own term only, and every bin can move independently.
    2. The binned AP credits p_b at c_b = T1/(T1+F1) (the bin as one tie).
    3. Highest exact term: all of b's positives tied above its negatives, all at precision
       hi_b = T1/(T1+F0) (a tie group is credited at its end). So up_b = p_b·(hi_b − c_b).
    4. Lowest exact term: the negatives first, then each positive alone, at precisions
       (T0+t)/(T0+t+F1) as tp = T0+t climbs to T1. For an unweighted state (unit steps) the
       sum Σ_{j=1..p_b} f(T0+j), f(t) = t/(t+F1) increasing, is >= ∫_{T0}^{T1} f =
       p_b − F1·ln(1 + p_b/(T0+F1)); with weights, one tiny positive weight first can sit at
       T0/(T0+F1), so the bound uses p_b·T0/(T0+F1). down_b = p_b·c_b − that.
    5. All bins up, or all down, are each realizable, so

           |AP_binned − AP_exact| <= max(Σ_b up_b, Σ_b down_b) / P,

       attained on the upper side, and on the lower side up to the integral's rounding of
       the step sum (unweighted) — or in the limit of vanishing weights (weighted).

    0 for an exact state; NaN when P <= 0 or a weight was negative.

    Examples
    --------
    Budget 2: bins {0.1} and {0.35, 0.4, 0.8} (2 positives, 1 negative, nothing above it):
    c = 2/3, hi = 2/2, so up = 2·(1 − 2/3); down = 2·2/3 − (2 − 1·ln 3); bound = up/2 = 1/3.

    >>> st = ranking_update(None, np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]), budget=2)
    >>> round(average_precision(st), 4), round(average_precision_error_bound(st), 4)
    (0.6667, 0.3333)

    The exact AP, 0.8333, is within 0.6667 ± 0.3333.
    """
    _, tps, fps, pos, neg = _walk(state)
    p_total, _ = _totals(tps, fps)
    if state.negative_weights or not p_total > 0:
        return math.nan
    if state.exact:
        return 0.0
    keep = pos > 0
    t1, f1, p, f0 = tps[keep], fps[keep], pos[keep], (fps - neg)[keep]
    t0 = t1 - p
    c = t1 / (t1 + f1)  # t1 >= p > 0
    hi = t1 / (t1 + f0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if state.weighted:
            low_sum = p * np.where(f1 > 0, t0 / (t0 + f1), 1.0)
        else:
            low_sum = p - np.where(f1 > 0, f1 * np.log1p(p / (t0 + f1)), 0.0)
    up = float(p @ (hi - c))
    down = float(np.sum(p * c - low_sum))
    return max(up, down, 0.0) / p_total


def ranking_compute(state: RankingState) -> MetricSet:
    """``roc_auc``, ``average_precision`` and their error bounds (0 when exact).

    Examples
    --------
    >>> st = ranking_update(None, np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> ms = ranking_compute(st)
    >>> ms.values["roc_auc"], ms.values["roc_auc_error_bound"]
    (0.75, 0.0)
    """
    ms = MetricSet()
    both = "needs rows of both classes (only one class present)"
    ms.set("roc_auc", roc_auc(state), both)
    ms.set("average_precision", average_precision(state), "no positive rows")
    neg_w = "the error bound needs non-negative weights"
    ms.set("roc_auc_error_bound", roc_auc_error_bound(state), neg_w if state.negative_weights else both)
    ms.set(
        "average_precision_error_bound",
        average_precision_error_bound(state),
        neg_w if state.negative_weights else "no positive rows",
    )
    return ms


@dataclass(frozen=True)
class RankingTask:
    """The :class:`~evalml_cli.kernels.state.Task` for ranking metrics.

    Reads ``batch["y"]`` (bool) and ``batch["score"]`` (float64) and ``batch.weight``.

    Examples
    --------
    >>> from evalml_cli.kernels.state import Batch, reduce_states
    >>> y, s = np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8])
    >>> task = RankingTask()
    >>> parts = [task.update(None, Batch({"y": y[i:i + 2], "score": s[i:i + 2]}, first_row=i)) for i in (0, 2)]
    >>> task.compute(reduce_states(parts, task.merge)).values["roc_auc"]
    0.75
    """

    budget: int | None = DEFAULT_BUDGET

    def update(self, state: RankingState | None, batch: Batch) -> RankingState:
        return ranking_update(state, batch["y"], batch["score"], batch.weight, budget=self.budget)

    def merge(self, a: RankingState, b: RankingState) -> RankingState:
        return merge(a, b)

    def compute(self, state: RankingState) -> MetricSet:
        return ranking_compute(state)
