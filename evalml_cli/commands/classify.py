"""``evalml classify``: binary classification metrics from a prediction file."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from evalml_cli.commands._common import (
    DropInvalidOpt, EngineOpt, MemoryLimitOpt, SchedulerOpt, FormatOpt, OutputOpt, QuietOpt, RequireOpt, WeightOpt, run,
)  # fmt: skip


EXAMPLES = """
  evalml classify preds.csv          # columns detected, table on stdout
  evalml classify preds.parquet -t y -s p -f json -o report.json
  evalml classify test.parquet -q -r 'roc_auc>=0.90' -r 'log_loss<=0.35'
  evalml classify events.parquet -t process -s bdt -w weight --pos-label signal
  evalml classify multi.csv -t label -s 'p_*' --top-k 3 -r 'recall[electron]>=0.9'
  cat preds.csv | evalml classify - -f markdown >> "$GITHUB_STEP_SUMMARY"
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
    threshold: Annotated[float, typer.Option("--threshold", "-T", metavar="T", help="A row is predicted positive when score >= T.")] = 0.5,
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
    sep: Annotated[Optional[str], typer.Option("--sep", metavar="CHAR", help="CSV field separator, e.g. ';' or '\\t'; ' ' = runs of spaces.")] = None,
    decimal: Annotated[Optional[str], typer.Option("--decimal", metavar="CHAR", help="CSV decimal mark, e.g. ',' (with --sep ';').")] = None,
    drop_invalid: DropInvalidOpt = False,
    memory_limit: MemoryLimitOpt = None,
    engine: EngineOpt = None,
    scheduler: SchedulerOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    require: RequireOpt = None,
) -> None:
    """Binary or multiclass classification metrics: confusion matrix, accuracy, precision, recall, F1, MCC, ROC AUC, average precision, log loss, Brier; per-class tables, top-k, OvR/OvO AUC."""
    from evalml_cli import metrics

    def build():
        from evalml_cli import api

        return api.classify(
            path, target=target, score=score, pred=pred, task=task.value if task else None, weight=weight,
            pos_label=pos_label, threshold=threshold, top_k=top_k, normalize=normalize.value if normalize else None,
            normalize_scores=normalize_scores.value if normalize_scores else None, show_classes=show_classes,
            drop_invalid=drop_invalid, classes=classes, sep=sep, decimal=decimal,
            memory_limit=memory_limit, engine=engine or "local", scheduler=scheduler, progress=not quiet,
        )

    run(build, fmt=fmt, output=output, quiet=quiet, requires=require,
        known=metrics.names_for(metrics.BINARY, metrics.MULTICLASS), per_class=set(metrics.PER_CLASS_NAMES),
        inputs={"FILE": path})
