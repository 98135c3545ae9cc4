"""``evalml compare``: two models on the same rows — each model's metrics and the paired delta."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from evalml_cli.commands._common import (
    BaselineOpt, BootstrapKindOpt, BootstrapOpt, ByOpt, CiMethodOpt, CiOpt, DecimalOpt, FormatOpt, GapOpt,
    MaxDropOpt, MaxRiseOpt, OutputOpt, PlotOpt, QuietOpt, RequireOpt, SeedOpt, SepOpt, SummaryOpt, WeightOpt,
    ci_kwargs, fail, figures, run,
)  # fmt: skip

EXAMPLES = """
  evalml compare test.csv --score old_model --score new_model     # paired: same rows, same targets
  evalml compare old.parquet new.parquet --id event_id -r 'delta.roc_auc.low>=0'
  evalml compare test.csv -s 'old_*' -s 'new_*'                   # multiclass: one glob per model
  evalml compare fit.csv -t y --pred model_a --pred model_b       # regression
"""


class CompareTask(str, Enum):
    binary = "binary"
    multiclass = "multiclass"
    regression = "regression"


def compare(
    files: Annotated[list[str], typer.Argument(metavar="FILE [FILE2]",
                     help="One file with both models' columns, or two files (first model, second model).")],
    target: Annotated[Optional[str], typer.Option("--target", "-t", metavar="COL",
                      help="True-label (or measured-value) column, the same in both files (default: detected).")] = None,
    score: Annotated[Optional[list[str]], typer.Option("--score", "-s", metavar="COL",
                     help="A model's score column (multiclass: a glob or comma list). Twice for two models in one "
                     "file; once (or not at all: detected) for two files.")] = None,
    pred: Annotated[Optional[list[str]], typer.Option("--pred", "-p", metavar="COL",
                    help="A model's prediction column (regression; with --task multiclass, predicted labels). "
                    "Twice for one file.")] = None,
    id_col: Annotated[Optional[str], typer.Option("--id", metavar="COL",
                      help="Match the rows of two files on this column (default: row order).")] = None,
    task: Annotated[Optional[CompareTask], typer.Option("--task", help="Force binary, multiclass or regression "
                    "(default: --score → classification detected as for classify; --pred → regression).")] = None,
    weight: WeightOpt = None,
    pos_label: Annotated[Optional[str], typer.Option("--pos-label", metavar="VALUE",
                         help="Target value of the positive class (binary).")] = None,
    threshold: Annotated[float, typer.Option("--threshold", "-T", metavar="T",
                         help="A row is predicted positive when score >= T (accuracy, McNemar).")] = 0.5,
    classes: Annotated[Optional[str], typer.Option("--classes", metavar="LIST",
                       help="Class of each score column (multiclass), as for classify.")] = None,
    sep: SepOpt = None,
    decimal: DecimalOpt = None,
    ci: CiOpt = None,
    ci_method: CiMethodOpt = "auto",
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    bootstrap_kind: BootstrapKindOpt = "percentile",
    by: ByOpt = None,
    gap: GapOpt = None,
    plot: PlotOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    require: RequireOpt = None,
    summary: SummaryOpt = None,
    baseline: BaselineOpt = None,
    max_drop: MaxDropOpt = None,
    max_rise: MaxRiseOpt = None,
) -> None:
    """Compare two models on the same rows: each model's metrics, and per metric delta = second − first with a paired interval and p-value (DeLong for roc_auc, McNemar for accuracy, paired bootstrap otherwise)."""
    from evalml_cli import metrics
    from evalml_cli.errors import EvalmlError

    if len(files) > 2:
        raise fail(EvalmlError(f"evalml compare takes one or two files, got {len(files)}",
                               hint="one file with two --score columns, or two files"))

    fig = figures(plot, fmt, output)

    def build():
        from evalml_cli import api

        return fig.finish(api.compare(files[0], files[1] if len(files) == 2 else None, target=target, score=score, pred=pred,
                           id=id_col, task=task.value if task else None, weight=weight, pos_label=pos_label,
                           threshold=threshold, classes=classes, sep=sep, decimal=decimal,
                           curves=fig.curves(("roc", "pr")),
                           **ci_kwargs(ci, ci_method, bootstrap, seed, bootstrap_kind, by, gap)))

    run(build, fmt=fmt, output=output, quiet=quiet, requires=require,
        known=metrics.names_for(metrics.BINARY, metrics.MULTICLASS, metrics.REGRESSION),
        inputs={"FILE": files[0], "FILE2": files[1] if len(files) > 1 else None},
        side_outputs=fig.outputs, side_files=fig.files, summary=summary, baseline=baseline, max_drop=max_drop,
        max_rise=max_rise, tasks=(metrics.BINARY, metrics.MULTICLASS, metrics.REGRESSION),
        classname=f"compare {' '.join(files)}",
        gate_scopes={"compare": True, "intervals": ci is not None, "groups": by is not None})
