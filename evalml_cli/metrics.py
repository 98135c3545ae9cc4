"""The metric registry: one entry per (task, metric) with scikit-learn's name.

Gates validate ``--require`` names against it, renderers read ``higher_is_better`` and
``kind``, the README's metric tables are checked against it by ``tests/test_docs.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """One metric of one task.

    higher_is_better : True for scores (``*_score``-like), False for losses, None for
        descriptive numbers (counts, chi2 itself, bias) where neither direction is "good".
    kind : "count" (rendered as an integer when integral), "ratio" or "value".
    formula : plain-text definition, as printed in the README.
    kernel : the function (module path under ``evalml_cli.kernels``) that computes it.
    merge : how it behaves when the input is split into batches whose states are merged —
        "exact" (the same number), "bound" (exact while the distinct scores fit the state's
        budget, beyond it binned with a reported error bound), "sigma" (exact with ``--sigma``;
        a full covariance needs every row), "rows" (needs every row: not mergeable).
    interval : the ``--ci`` method — "delong", "wilson", "bootstrap", or None (counts and
        descriptive numbers get no interval).
    """

    name: str
    task: str
    higher_is_better: bool | None
    kind: str
    formula: str
    kernel: str = ""
    merge: str = "exact"
    interval: str | None = "bootstrap"

    @property
    def mergeable(self) -> bool:
        """Whether merged batch states give this metric (exactly or within a stated bound)."""
        return self.merge != "rows"


#: The kernel of each metric unless its entry names another, per task.
_KERNEL = {
    "binary": "binary.threshold_metrics",
    "multiclass": "multiclass.multiclass_compute",
    "regression": "regression.regression_compute",
    "density": "density.nll",
}
_OVERRIDES: dict[tuple[str, str], dict] = {}


def _m(task: str, name: str, hib: bool | None, kind: str, formula: str) -> Metric:
    opts = {"kernel": _KERNEL[task], "interval": None if kind == "count" or hib is None else "bootstrap"}
    opts.update(_OVERRIDES.get((task, name), {}))
    return Metric(name, task, hib, kind, formula, **opts)


def _set(task: str, names: str, **opts) -> None:
    for name in names.split():
        _OVERRIDES.setdefault((task, name), {}).update(opts)


# What differs from the task's default kernel, merge rule and interval method.
_set("binary", "accuracy precision recall specificity", interval="wilson")
_set("binary", "roc_auc", kernel="binary.ranking_metrics", merge="bound", interval="delong")
_set("binary", "average_precision", kernel="binary.ranking_metrics", merge="bound")
_set("binary", "log_loss brier", kernel="binary.probability_metrics")
_set("binary", "roc_auc_error_bound average_precision_error_bound", kernel="ranking.ranking_compute", interval=None)
_set("multiclass", "roc_auc_ovr_macro roc_auc_ovr_weighted", merge="bound")
_set("multiclass", "roc_auc_ovo_macro roc_auc_ovo_weighted", kernel="multiclass.ovo_auc", merge="rows")
_set("regression", "median_absolute_error", kernel="regression.median_absolute_error", merge="rows")
_set("regression", "max_abs_error", interval=None)
_set("regression", "chi2 ndof chi2_per_ndof p_value pull_mean pull_std pull_max_abs pull_max_row",
     kernel="regression.chi2_cholesky", merge="sigma")
_set("regression", "p_value chi2_per_ndof", interval="bootstrap")
_set("regression", "cond_number", kernel="regression.chi2_cholesky", merge="rows", interval=None)
_set("regression", "n_replicas bias2 variance expected_mse bias2_plus_variance", kernel="regression.bias_variance")
_set("density", "kl_divergence kl_divergence_reverse js_divergence", kernel="density.kl", merge="rows")
_set("binary", "tpr_at_fpr", kernel="curves.tpr_at_fpr", merge="bound", interval=None)
_set("binary", "fpr_at_tpr", kernel="curves.fpr_at_tpr", merge="bound", interval=None)
_set("binary", "signal_efficiency background_efficiency background_rejection s b significance asimov_significance",
     kernel="hep.hep_at", interval=None)
_set("binary", "max_significance max_significance_threshold max_asimov_significance max_asimov_threshold",
     kernel="hep.hep_max", merge="bound", interval=None)
_set("binary", "ks_signal_statistic ks_signal_pvalue ks_background_statistic ks_background_pvalue",
     kernel="hep.overtraining", merge="rows", interval=None)
_set("binary", "ece mce", kernel="calibration.calibration_errors", interval=None)
_set("multiclass", "ece mce", kernel="calibration.multiclass_calibration_errors", interval=None)


BINARY = "binary"
MULTICLASS = "multiclass"
REGRESSION = "regression"
DENSITY = "density"

REGISTRY: tuple[Metric, ...] = (
    _m(BINARY, "tp", None, "count", "Σ w over rows with y = 1 and score ≥ T"),
    _m(BINARY, "fp", None, "count", "Σ w over rows with y = 0 and score ≥ T"),
    _m(BINARY, "tn", None, "count", "Σ w over rows with y = 0 and score < T"),
    _m(BINARY, "fn", None, "count", "Σ w over rows with y = 1 and score < T"),
    _m(BINARY, "accuracy", True, "ratio", "(TP + TN) / (TP + FP + TN + FN)"),
    _m(BINARY, "balanced_accuracy", True, "ratio", "(recall + specificity) / 2"),
    _m(BINARY, "precision", True, "ratio", "TP / (TP + FP)"),
    _m(BINARY, "recall", True, "ratio", "TP / (TP + FN)  (true positive rate, sensitivity)"),
    _m(BINARY, "specificity", True, "ratio", "TN / (TN + FP)  (true negative rate)"),
    _m(BINARY, "f1", True, "ratio", "2·TP / (2·TP + FP + FN)"),
    _m(BINARY, "mcc", True, "ratio", "(TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN))"),
    _m(BINARY, "roc_auc", True, "ratio",
       "trapezoidal area under (FPR, TPR) over the distinct scores; a tied positive/negative pair counts ½"),
    _m(BINARY, "average_precision", True, "ratio",
       "Σₖ (Rₖ − Rₖ₋₁)·Pₖ over the distinct scores from high to low (no interpolation)"),
    _m(BINARY, "roc_auc_error_bound", False, "value",
       "Σ_bins pos_b·neg_b / (P·N): |roc_auc − exact| ≤ it; only when a streamed run's scores outgrew the budget"),
    _m(BINARY, "average_precision_error_bound", False, "value",
       "largest |AP − exact AP| over every order inside the bins (see kernels/ranking.py); with the binned state only"),
    _m(BINARY, "log_loss", False, "value",
       "−Σ w [y ln p + (1−y) ln(1−p)] / Σ w, p clipped to [ε, 1−ε], ε = 2.22e-16"),
    _m(BINARY, "brier", False, "value", "Σ w (p − y)² / Σ w"),
    _m(BINARY, "tpr_at_fpr", True, "ratio",
       "tpr_at_fpr[X]: the largest TPR over thresholds with FPR ≤ X (exact, no interpolation; --tpr-at-fpr X)"),
    _m(BINARY, "fpr_at_tpr", False, "ratio",
       "fpr_at_tpr[X]: the smallest FPR over thresholds with TPR ≥ X (exact, no interpolation; --fpr-at-tpr X)"),
    _m(BINARY, "signal_efficiency", True, "ratio", "TP / P (= recall) at the threshold (--hep)"),
    _m(BINARY, "background_efficiency", False, "ratio", "FP / N (= FPR) at the threshold (--hep)"),
    _m(BINARY, "background_rejection", True, "value", "1 / background_efficiency (null when FPR = 0; --hep)"),
    _m(BINARY, "s", None, "value", "L · Σ w over signal rows with score ≥ T (weighted TP × --lumi-scale L)"),
    _m(BINARY, "b", None, "value", "L · Σ w over background rows with score ≥ T (weighted FP × L)"),
    _m(BINARY, "significance", True, "value", "s / √b (null when b ≤ 0)"),
    _m(BINARY, "asimov_significance", True, "value", "√(2((s + b)·ln(1 + s/b) − s)) (null when b ≤ 0)"),
    _m(BINARY, "max_significance", True, "value", "max over thresholds of s / √b (b > 0)"),
    _m(BINARY, "max_significance_threshold", None, "value", "the (largest) threshold where max_significance is reached"),
    _m(BINARY, "max_asimov_significance", True, "value", "max over thresholds of asimov_significance (b > 0)"),
    _m(BINARY, "max_asimov_threshold", None, "value", "the (largest) threshold where max_asimov_significance is reached"),
    _m(BINARY, "ks_signal_statistic", None, "value",
       "sup |F_train − F_test| of the signal score distributions (--overtraining)"),
    _m(BINARY, "ks_signal_pvalue", True, "value", "two-sample Kolmogorov–Smirnov p-value, signal train vs test"),
    _m(BINARY, "ks_background_statistic", None, "value", "sup |F_train − F_test| of the background scores"),
    _m(BINARY, "ks_background_pvalue", True, "value", "two-sample KS p-value, background train vs test"),
    _m(BINARY, "ece", False, "value",
       "Σ_b (W_b / W)·|fraction positive_b − mean score_b| over --bins bins of the positive-class probability"),
    _m(BINARY, "mce", False, "value", "max_b |fraction positive_b − mean score_b| over non-empty bins"),
    _m(MULTICLASS, "accuracy", True, "ratio", "Σ w [ŷ = y] / Σ w  (trace of the confusion matrix / total)"),
    _m(MULTICLASS, "balanced_accuracy", True, "ratio", "mean over classes with support of recallₖ"),
    _m(MULTICLASS, "mcc", True, "ratio",
       "(c·s − Σₖ pₖtₖ) / √((s² − Σₖ pₖ²)(s² − Σₖ tₖ²)), c = correct, s = total, tₖ/pₖ true/predicted totals"),
    _m(MULTICLASS, "cohen_kappa", True, "ratio", "(pₒ − pₑ) / (1 − pₑ), pₒ = accuracy, pₑ = Σₖ tₖpₖ / s²"),
    _m(MULTICLASS, "precision_micro", True, "ratio", "Σₖ TPₖ / Σₖ (TPₖ + FPₖ)  (= accuracy for single-label data)"),
    _m(MULTICLASS, "precision_macro", True, "ratio", "mean over classes of precisionₖ = TPₖ / (TPₖ + FPₖ)"),
    _m(MULTICLASS, "precision_weighted", True, "ratio", "Σₖ supportₖ · precisionₖ / Σₖ supportₖ"),
    _m(MULTICLASS, "recall_micro", True, "ratio", "Σₖ TPₖ / Σₖ (TPₖ + FNₖ)  (= accuracy)"),
    _m(MULTICLASS, "recall_macro", True, "ratio", "mean over classes of recallₖ = TPₖ / (TPₖ + FNₖ)"),
    _m(MULTICLASS, "recall_weighted", True, "ratio", "Σₖ supportₖ · recallₖ / Σₖ supportₖ  (= accuracy)"),
    _m(MULTICLASS, "f1_micro", True, "ratio", "2·Σ TPₖ / (2·Σ TPₖ + Σ FPₖ + Σ FNₖ)  (= accuracy)"),
    _m(MULTICLASS, "f1_macro", True, "ratio", "mean over classes of f1ₖ = 2·TPₖ / (2·TPₖ + FPₖ + FNₖ)"),
    _m(MULTICLASS, "f1_weighted", True, "ratio", "Σₖ supportₖ · f1ₖ / Σₖ supportₖ"),
    _m(MULTICLASS, "top_k_accuracy", True, "ratio", "Σ w [true class among the k highest scores] / Σ w"),
    _m(MULTICLASS, "log_loss", False, "value", "−Σ w ln p_true / Σ w, p clipped to [ε, 1−ε]"),
    _m(MULTICLASS, "roc_auc_ovr_macro", True, "ratio", "mean over classes of AUC(class k vs rest, score k)"),
    _m(MULTICLASS, "roc_auc_ovr_weighted", True, "ratio", "Σₖ supportₖ · AUC(k vs rest) / Σₖ supportₖ"),
    _m(MULTICLASS, "roc_auc_ovo_macro", True, "ratio",
       "Hand & Till: mean over class pairs (j, k) of ½[AUC(j vs k, score j) + AUC(k vs j, score k)]"),
    _m(MULTICLASS, "roc_auc_ovo_weighted", True, "ratio", "pair AUCs weighted by the pair's prevalence"),
    _m(MULTICLASS, "ece", False, "value",
       "Σ_b (W_b / W)·|accuracy_b − mean confidence_b| over --bins bins of the top-label confidence"),
    _m(MULTICLASS, "mce", False, "value", "max_b |accuracy_b − mean confidence_b| over non-empty bins"),
    _m(REGRESSION, "mse", False, "value", "Σ w r² / Σ w, r = target − prediction"),
    _m(REGRESSION, "rmse", False, "value", "√mse"),
    _m(REGRESSION, "mae", False, "value", "Σ w |r| / Σ w"),
    _m(REGRESSION, "r2", True, "value", "1 − Σ w r² / Σ w (y − ȳ_w)²"),
    _m(REGRESSION, "max_abs_error", False, "value", "max |r| (unweighted, as scikit-learn's max_error)"),
    _m(REGRESSION, "mean_residual", None, "value", "Σ w r / Σ w (bias; > 0 means the prediction is low)"),
    _m(REGRESSION, "chi2", None, "value", "rᵀ C⁻¹ r = zᵀz with C = L Lᵀ (Cholesky) and z = L⁻¹ r"),
    _m(REGRESSION, "ndof", None, "count", "n − n_params"),
    _m(REGRESSION, "chi2_per_ndof", None, "value", "chi2 / ndof"),
    _m(REGRESSION, "p_value", True, "value", "P(χ²_ndof ≥ chi2), the upper tail of the χ² distribution"),
    _m(REGRESSION, "pull_mean", None, "value", "mean of the pulls z = L⁻¹ r (≈ 0 for a good model)"),
    _m(REGRESSION, "pull_std", None, "value", "standard deviation of the pulls, ddof = 0 (≈ 1 for a good model)"),
    _m(REGRESSION, "pull_max_abs", None, "value", "max |zᵢ|"),
    _m(REGRESSION, "pull_max_row", None, "count", "1-based data row of the largest |pull|"),
    _m(REGRESSION, "cond_number", None, "value", "λ_max / λ_min of C (warning above 1e10)"),
    _m(REGRESSION, "n_replicas", None, "count", "number of prediction columns R"),
    _m(REGRESSION, "bias2", None, "value", "Σᵢ wᵢ (m̄ᵢ − yᵢ)² / Σ w, m̄ᵢ = mean over replicas"),
    _m(REGRESSION, "variance", None, "value", "Σᵢ wᵢ · (1/R) Σ_r (ŷᵢᵣ − m̄ᵢ)² / Σ w"),
    _m(REGRESSION, "expected_mse", False, "value", "Σᵢ wᵢ · (1/R) Σ_r (ŷᵢᵣ − yᵢ)² / Σ w: the mean replica MSE"),
    _m(REGRESSION, "bias2_plus_variance", None, "value", "bias2 + variance (equals expected_mse up to rounding)"),
    _m(REGRESSION, "mape", False, "value", "Σ w |r| / max(|y|, ε) / Σ w, ε = 2.22e-16 (a fraction, not %)"),
    _m(REGRESSION, "median_absolute_error", False, "value",
       "median of |r| (weighted: scikit-learn's averaged inverted CDF); needs all rows, not mergeable"),
    _m(REGRESSION, "explained_variance", True, "value", "1 − Σ w (r − r̄_w)² / Σ w (y − ȳ_w)²"),
    _m(REGRESSION, "pinball_loss", False, "value", "Σ w [q·max(r, 0) + (1 − q)·max(−r, 0)] / Σ w, q = --quantile"),
    _m(DENSITY, "nll", False, "value", "−Σ w ln L"),
    _m(DENSITY, "mean_nll", False, "value", "nll / Σ w"),
    _m(DENSITY, "bits_per_sample", False, "value", "mean_nll / ln 2"),
    _m(DENSITY, "kl_divergence", False, "value", "KL(p‖q) = Σ p ln(p/q), p and q normalized to sum 1"),
    _m(DENSITY, "kl_divergence_reverse", False, "value", "KL(q‖p)"),
    _m(DENSITY, "js_divergence", False, "value", "½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2 (nats; ≤ ln 2)"),
)

BY_TASK: dict[str, dict[str, Metric]] = {}
for _metric in REGISTRY:
    BY_TASK.setdefault(_metric.task, {})[_metric.name] = _metric

#: Metrics that exist once per class in a multiclass report and can be gated as ``name[class]``.
PER_CLASS_NAMES: tuple[str, ...] = ("precision", "recall", "f1", "support", "roc_auc")


def names_for(*tasks: str) -> set[str]:
    """All metric names of the given tasks."""
    return {name for task in tasks for name in BY_TASK.get(task, {})}


def lookup(task: str, name: str) -> Metric | None:
    """The entry of ``name``; a level key ``tpr_at_fpr[0.01]`` finds ``tpr_at_fpr``."""
    table = BY_TASK.get(task, {})
    return table.get(name) or (table.get(name.split("[", 1)[0]) if name.endswith("]") else None)


def count_names(task: str) -> frozenset[str]:
    return frozenset(m.name for m in BY_TASK.get(task, {}).values() if m.kind == "count")


#: Headline metrics first, per task (issue 8 item 25); names not listed keep their order after
#: these, and the ``_LAST`` ones (raw counts) close the list.
_HEADLINE: dict[str, tuple[str, ...]] = {
    BINARY: ("roc_auc", "average_precision", "log_loss", "f1", "precision", "recall", "accuracy",
             "balanced_accuracy", "specificity", "mcc", "brier"),
    REGRESSION: ("chi2", "ndof", "p_value"),
}
_LAST: dict[str, tuple[str, ...]] = {BINARY: ("tp", "fp", "tn", "fn")}


def display_order(task: str, names) -> list[str]:
    """``names`` in the order the table and the JSON report show them: the task's headline
    metrics first (binary: roc_auc, average_precision, log_loss, f1, …; regression: chi2,
    ndof, p_value when present), then every other name in its given order, then the raw
    counts (binary tp, fp, tn, fn).

    Examples
    --------
    >>> display_order("binary", ["tp", "fp", "accuracy", "roc_auc", "new_metric"])
    ['roc_auc', 'accuracy', 'new_metric', 'tp', 'fp']
    >>> display_order("regression", ["mse", "chi2", "p_value", "ndof"])
    ['chi2', 'ndof', 'p_value', 'mse']
    """
    names = list(names)
    present = set(names)
    first = [n for n in _HEADLINE.get(task, ()) if n in present]
    last = [n for n in _LAST.get(task, ()) if n in present]
    placed = set(first) | set(last)
    return first + [n for n in names if n not in placed] + last


def registry_table() -> str:
    """The README's registry table (between ``<!-- REGISTRY -->`` markers), made from REGISTRY:
    one row per metric with its task, direction, kernel, merge rule and interval method.
    ``python -m evalml_cli.metrics`` prints it; ``tests/test_docs.py`` checks the README holds it."""
    arrow = {True: "↑", False: "↓", None: ""}
    lines = ["| task | metric | | kernel | batches merge | `--ci` |", "|---|---|---|---|---|---|"]
    for m in REGISTRY:
        lines.append(f"| {m.task} | `{m.name}` | {arrow[m.higher_is_better]} | `kernels.{m.kernel}` | {m.merge} | "
                     f"{m.interval or '—'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(registry_table(), end="")
