"""``evalml curve``: the points of a ROC, PR, calibration, DET or efficiency curve."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from evalml_cli.commands._common import DecimalOpt, DropInvalidOpt, OutputOpt, QuietOpt, SepOpt, WeightOpt

EXAMPLES = """
  evalml curve test.csv --kind roc --output roc.csv
  evalml curve test.csv --kind pr --drop-intermediate -f json
  evalml curve test.csv --kind roc --points 200 -o roc_small.csv
  evalml curve events.parquet --kind efficiency -w weight --pos-label signal
  evalml curve multi.csv -t label -s 'p_*' --kind roc   # one-vs-rest, a class column
"""


class Kind(str, Enum):
    roc = "roc"
    pr = "pr"
    calibration = "calibration"
    det = "det"
    efficiency = "efficiency"


class CurveFormat(str, Enum):
    csv = "csv"
    json = "json"
    markdown = "markdown"
    html = "html"


def curve(
    path: Annotated[str, typer.Argument(metavar="FILE", help="Prediction file, as for evalml classify; - for CSV on stdin.")],
    kind: Annotated[Kind, typer.Option("--kind", "-k", help="roc (threshold,fpr,tpr), pr (threshold,precision,recall), "
                    "calibration (bin_low,bin_high,count,mean_score,fraction_positive), det (threshold,fpr,fnr), "
                    "efficiency (threshold,signal_efficiency,background_efficiency,background_rejection).")] = Kind.roc,
    target: Annotated[Optional[str], typer.Option("--target", "-t", metavar="COL", help="True-label column (default: detected).")] = None,
    score: Annotated[Optional[str], typer.Option("--score", "-s", metavar="COL",
                     help="Score column; multiclass: one per class ('p_*'), one curve per class (one-vs-rest).")] = None,
    weight: WeightOpt = None,
    pos_label: Annotated[Optional[str], typer.Option("--pos-label", metavar="VALUE", help="Target value of the positive class.")] = None,
    task: Annotated[Optional[str], typer.Option("--task", metavar="binary|multiclass", help="Force binary or multiclass (default: detected).")] = None,
    classes: Annotated[Optional[str], typer.Option("--classes", metavar="LIST", help="Class of each score column, as for classify.")] = None,
    drop_intermediate: Annotated[bool, typer.Option("--drop-intermediate",
                                 help="Drop points that add nothing to the drawn curve (scikit-learn's default: "
                                 "collinear ROC points; PR/DET: inner points of a run of equal TP).")] = False,
    points: Annotated[Optional[int], typer.Option("--points", metavar="N",
                      help="Down-sample to about N points for plotting, keeping both ends and the points where "
                      "auto:youden, auto:f1 and auto:mcc land.")] = None,
    bins: Annotated[str, typer.Option("--bins", metavar="N|quantile:N", help="calibration: N equal-width bins on [0, 1] "
                    "(right edge closed) or quantile:N equal-mass bins.")] = "15",
    sep: SepOpt = None,
    decimal: DecimalOpt = None,
    drop_invalid: DropInvalidOpt = False,
    fmt: Annotated[Optional[CurveFormat], typer.Option("--format", "-f", help="csv (default), json, markdown or html "
                   "(the figure and the points). With --output and no --format, chosen from the extension (.json, .md, .html).")] = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """The points of a curve: ROC, precision-recall, calibration (reliability), DET or signal/background efficiency; one curve per class for multiclass data."""
    from evalml_cli.commands._common import _err, _stdout, fail
    from evalml_cli.errors import EvalmlError

    kind_ = (fmt.value if fmt is not None else
             "json" if output and output.lower().endswith(".json") else
             "markdown" if output and output.lower().endswith((".md", ".markdown")) else
             "html" if output and output.lower().endswith((".html", ".htm")) else "csv")
    try:
        from evalml_cli import api
        from evalml_cli.io.output import check_destinations, write_all
        from evalml_cli.render.curve import render

        if task not in (None, "binary", "multiclass"):
            raise EvalmlError(f"--task must be binary or multiclass, got {task!r}")
        check_destinations({"--output": output}, {"FILE": path})
        c = api.curve(path, kind=kind.value, target=target, score=score, task=task, weight=weight, pos_label=pos_label,
                      drop_intermediate=drop_intermediate, points=points, bins=bins, classes=classes,
                      drop_invalid=drop_invalid, sep=sep, decimal=decimal)
        if not quiet:
            for note in c.notes:
                _err(f"evalml: {note}")
        text = render(c, kind_, source=path)
        if output is not None and output != "-":
            write_all([(output, text, "--output")])
            if not quiet:
                _err(f"evalml: wrote {kind_} {kind.value} curve ({len(c)} points) to {output}")
        elif output == "-" or not quiet:
            _stdout(text)
    except EvalmlError as exc:
        raise fail(exc) from None
    except Exception as exc:  # noqa: BLE001 - a bug is one line and exit 2, never a traceback
        import os

        if os.environ.get("EVALML_DEBUG"):
            raise
        from evalml_cli.errors import internal_error_line

        _err(internal_error_line(exc))
        raise typer.Exit(2) from None
