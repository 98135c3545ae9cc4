"""``evalml classify``: binary classification metrics from a prediction file."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from evalml_cli.commands._common import (
    DropInvalidOpt, FormatOpt, OutputOpt, QuietOpt, RequireOpt, WeightOpt, run,
)  # fmt: skip


def classify(
    path: Annotated[str, typer.Argument(metavar="FILE", help="Prediction file: .csv, .csv.gz, .tsv, .parquet, or - for CSV on stdin.")],
    target: Annotated[Optional[str], typer.Option("--target", "-t", metavar="COL",
                      help="True-label column (default: detected from y_true, target, label, y, truth).")] = None,
    score: Annotated[Optional[str], typer.Option("--score", "-s", metavar="COL",
                     help="Score/probability column (default: detected from y_score, score, prob, proba, …).")] = None,
    weight: WeightOpt = None,
    pos_label: Annotated[Optional[str], typer.Option("--pos-label", metavar="VALUE",
                         help="Target value of the positive class (needed unless labels are 0/1, -1/1 or booleans).")] = None,
    threshold: Annotated[float, typer.Option("--threshold", "-T", help="A row is predicted positive when score >= T.")] = 0.5,
    drop_invalid: DropInvalidOpt = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    require: RequireOpt = None,
) -> None:
    """Classification metrics: confusion matrix, accuracy, precision, recall, F1, MCC, ROC AUC,
    average precision, log loss and Brier score, with optional --require gates."""
    from evalml_cli import metrics

    def build():
        import math

        from evalml_cli import evaluate, io
        from evalml_cli.errors import EvalmlError

        if not math.isfinite(threshold):
            raise EvalmlError(f"--threshold must be a finite number, got {threshold}")
        data = io.read_binary(path, target, score, weight, pos_label, drop_invalid)
        return evaluate.classify_binary(data, threshold)

    run(build, fmt=fmt, output=output, quiet=quiet, requires=require, known=metrics.names_for(metrics.BINARY))
