"""``evalml classify``: binary classification metrics from a prediction file."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from evalml_cli.commands._common import (
    BaselineOpt, BootstrapKindOpt, BootstrapOpt, ByOpt, CiMethodOpt, CiOpt, DecimalOpt, DropInvalidOpt, EngineOpt,
    FormatOpt, GapOpt, MaxDropOpt, MaxRiseOpt, MemoryLimitOpt, OutputOpt, PlotOpt, QuietOpt, RequireOpt,
    SchedulerOpt, SeedOpt, SepOpt, SummaryOpt, WeightOpt, ci_kwargs, figures, run,
)  # fmt: skip


EXAMPLES = """
  evalml classify preds.csv          # columns detected, table on stdout
  evalml classify preds.parquet -t y -s p -f json -o report.json
  evalml classify test.parquet -q -r 'roc_auc>=0.90' -r 'log_loss<=0.35'
  evalml classify events.parquet -t process -s bdt -w weight --pos-label signal
  evalml classify multi.csv -t label -s 'p_*' --top-k 3 -r 'recall[electron]>=0.9'
  cat preds.csv | evalml classify - -f markdown >> "$GITHUB_STEP_SUMMARY"
  evalml classify test.csv --threshold auto:youden --plot roc.png --plot pr.svg
  evalml classify test.csv --tpr-at-fpr 0.01,0.001 -r 'tpr_at_fpr[0.01]>=0.3'
  evalml classify events.parquet -w weight --hep --lumi-scale 2.5 --overtraining train.parquet
  evalml classify test.csv -f html -o report.html
"""


class Task(str, Enum):
    binary = "binary"
    multiclass = "multiclass"


class Normalize(str, Enum):
    true = "true"
    pred = "pred"
    all = "all"


class NormalizeScores(str, Enum):
    softmax = "softmax"
    renormalize = "renormalize"


def classify(
    path: Annotated[str, typer.Argument(metavar="FILE", help="Prediction file: .csv, .csv.gz, .tsv, .parquet, or - for CSV on stdin.")],
    target: Annotated[Optional[str], typer.Option("--target", "-t", metavar="COL",
                      help="True-label column (default: detected from y_true, target, label, y, truth).")] = None,
    score: Annotated[Optional[str], typer.Option("--score", "-s", metavar="COL",
                     help="Score/probability column (default: detected from y_score, score, prob, proba, …). "
                     "Multiclass: one column per class, as a glob ('p_*') or a comma list (p_e,p_mu,p_pi).")] = None,
    pred: Annotated[Optional[str], typer.Option("--pred", metavar="COL",
                    help="Predicted-label column (multiclass); with --score too, it replaces the argmax.")] = None,
    task: Annotated[Optional[Task], typer.Option("--task", help="Force binary or multiclass (default: detected).")] = None,
    weight: WeightOpt = None,
    pos_label: Annotated[Optional[str], typer.Option("--pos-label", metavar="VALUE",
                         help="Target value of the positive class (needed unless labels are 0/1, -1/1 or booleans).")] = None,
    threshold: Annotated[str, typer.Option("--threshold", "-T", metavar="T|RULE",
                         help="A row is predicted positive when score >= T. Or a rule choosing T among the distinct "
                         "scores: auto:youden, auto:f1, auto:mcc (the maximum; ties → the largest T), fpr=X (smallest T "
                         "with FPR <= X), tpr=X (largest T with TPR >= X), precision=X (smallest T with precision >= X).")] = "0.5",
    threshold_from: Annotated[Optional[str], typer.Option("--threshold-from", metavar="FILE",
                              help="Choose the --threshold rule's T on this (validation) file, evaluate on FILE.")] = None,
    tpr_at_fpr: Annotated[Optional[str], typer.Option("--tpr-at-fpr", metavar="X[,X…]",
                          help="Report tpr_at_fpr[X]: the largest TPR over thresholds with FPR <= X (exact).")] = None,
    fpr_at_tpr: Annotated[Optional[str], typer.Option("--fpr-at-tpr", metavar="X[,X…]",
                          help="Report fpr_at_tpr[X]: the smallest FPR over thresholds with TPR >= X (exact).")] = None,
    hep: Annotated[bool, typer.Option("--hep", help="Physics metrics: signal/background efficiency, background rejection, "
                   "s, b, s/√b, Asimov significance and their maxima over thresholds.")] = False,
    lumi_scale: Annotated[float, typer.Option("--lumi-scale", metavar="L", help="--hep: multiply s and b by L.")] = 1.0,
    overtraining: Annotated[Optional[str], typer.Option("--overtraining", metavar="TRAIN_FILE",
                            help="KS test of the score distributions, train vs FILE, per class "
                            "(ks_signal_pvalue, ks_background_pvalue).")] = None,
    bins: Annotated[Optional[str], typer.Option("--bins", metavar="N|quantile:N",
                    help="Report ece and mce over N bins (equal-width on [0, 1]; quantile:N for equal mass).")] = None,
    plot: PlotOpt = None,
    top_k: Annotated[Optional[int], typer.Option("--top-k", min=1, metavar="K",
                     help="Multiclass: also report top_k_accuracy (true class among the K highest scores).")] = None,
    normalize: Annotated[Optional[Normalize], typer.Option("--normalize",
                         help="Multiclass confusion matrix shown normalized over true rows, predicted columns or all.")] = None,
    normalize_scores: Annotated[Optional[NormalizeScores], typer.Option("--normalize-scores",
                                help="Multiclass: turn raw scores into probabilities (softmax, or divide by the row sum) "
                                "before log_loss.")] = None,
    show_classes: Annotated[int, typer.Option("--show-classes", min=1, metavar="N",
                            help="Multiclass table: show at most N classes (the worst by f1); JSON stays complete.")] = 20,
    classes: Annotated[Optional[str], typer.Option("--classes", metavar="LIST",
                       help="Class of each score column: names in column order (a,b,c) or LABEL=COLUMN pairs.")] = None,
    sep: SepOpt = None,
    decimal: DecimalOpt = None,
    ci: CiOpt = None,
    ci_method: CiMethodOpt = "auto",
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    bootstrap_kind: BootstrapKindOpt = "percentile",
    by: ByOpt = None,
    gap: GapOpt = None,
    drop_invalid: DropInvalidOpt = False,
    memory_limit: MemoryLimitOpt = None,
    engine: EngineOpt = None,
    scheduler: SchedulerOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    require: RequireOpt = None,
    baseline: BaselineOpt = None,
    max_drop: MaxDropOpt = None,
    max_rise: MaxRiseOpt = None,
    summary: SummaryOpt = None,
) -> None:
    """Binary or multiclass classification metrics: confusion matrix, accuracy, precision, recall, F1, MCC, ROC AUC, average precision, log loss, Brier; per-class tables, top-k, OvR/OvO AUC."""
    from evalml_cli import metrics

    fig = figures(plot, fmt, output)

    def build():
        from evalml_cli import api

        return fig.finish(api.classify(
            path, target=target, score=score, pred=pred, task=task.value if task else None, weight=weight,
            pos_label=pos_label, threshold=threshold, top_k=top_k, normalize=normalize.value if normalize else None,
            normalize_scores=normalize_scores.value if normalize_scores else None, show_classes=show_classes,
            drop_invalid=drop_invalid, classes=classes, sep=sep, decimal=decimal, threshold_from=threshold_from,
            tpr_at_fpr=tpr_at_fpr, fpr_at_tpr=fpr_at_tpr, hep=hep, lumi_scale=lumi_scale, overtraining=overtraining,
            bins=bins, curves=fig.curves(("roc", "pr", "calibration")),
            memory_limit=memory_limit, engine=engine or "local", scheduler=scheduler, progress=not quiet,
            **ci_kwargs(ci, ci_method, bootstrap, seed, bootstrap_kind, by, gap),
        ))

    run(build, fmt=fmt, output=output, quiet=quiet, requires=require,
        known=metrics.names_for(metrics.BINARY, metrics.MULTICLASS), per_class=set(metrics.PER_CLASS_NAMES),
        inputs={"FILE": path, "--threshold-from": threshold_from, "--overtraining": overtraining},
        side_outputs=fig.outputs, side_files=fig.files,
        tasks=(metrics.BINARY, metrics.MULTICLASS), classname=f"classify {path}",
        baseline=baseline, max_drop=max_drop, max_rise=max_rise, summary=summary,
        gate_scopes={"intervals": ci is not None, "groups": by is not None})
