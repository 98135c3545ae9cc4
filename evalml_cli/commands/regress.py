"""``evalml regress`` (MSE to χ² with a covariance) and ``evalml density`` (NLL, KL)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from evalml_cli.commands._common import (
    BaselineOpt, BootstrapKindOpt, BootstrapOpt, ByOpt, CiMethodOpt, CiOpt, DecimalOpt, DropInvalidOpt, EngineOpt,
    FormatOpt, GapOpt, MaxDropOpt, MaxRiseOpt, MemoryLimitOpt, OutputOpt, PlotOpt, QuietOpt, RequireOpt,
    SchedulerOpt, SeedOpt, SepOpt, SummaryOpt, WeightOpt, ci_kwargs, fail, figures, run,
)  # fmt: skip

REGRESS_EXAMPLES = """
  evalml regress preds.csv -t y -p y_pred     # mse, rmse, mae, r2, bias
  evalml regress data.csv -t measured -p theory --sigma err -r 'p_value>=0.05'
  evalml regress data.csv -t measured -p theory --cov cov.npy --n-params 2 --pulls pulls.csv
  evalml regress preds.parquet -t y -p 'rep_*' -f json -o report.json
"""

DENSITY_EXAMPLES = """
  evalml density samples.csv -l likelihood -r 'mean_nll<=1.2'
  evalml density hist.csv --p observed --q expected -r 'kl_divergence<=0.01'
"""

FileArg = Annotated[str, typer.Argument(metavar="FILE", help="Data file: .csv, .csv.gz, .tsv, .parquet, or - for CSV on stdin.")]


def _pulls_csv(rows, residuals, pulls) -> str:
    import numpy as np

    lines = ["row,residual,pull"]
    lines += [f"{int(r)},{float(e)!r},{float(z)!r}" for r, e, z in zip(rows, residuals, np.asarray(pulls))]
    return "\n".join(lines) + "\n"


def regress(
    path: FileArg,
    target: Annotated[Optional[str], typer.Option("--target", "-t", metavar="COL",
                      help="Measured values (default: detected from y_true, target, data, y, measured, observed, truth, label).")] = None,
    pred: Annotated[Optional[str], typer.Option("--pred", "-p", metavar="COL|GLOB",
                    help="Prediction column (default: detected from y_pred, pred, prediction, theory, model, fit, output). "
                    "Several columns (a glob 'rep_*' or a comma list) are replicas: metrics of their mean plus bias²/variance.")] = None,
    weight: WeightOpt = None,
    sigma: Annotated[Optional[str], typer.Option("--sigma", metavar="COL",
                     help="Column of per-row uncertainties σ (uncorrelated unless --corr).")] = None,
    cov: Annotated[Optional[str], typer.Option("--cov", metavar="PATH",
                   help="Full n×n covariance matrix (.npy, .csv, .txt), rows in the file's order.")] = None,
    corr: Annotated[Optional[str], typer.Option("--corr", metavar="PATH",
                    help="Correlation matrix to combine with --sigma: C = diag(σ) R diag(σ).")] = None,
    n_params: Annotated[int, typer.Option("--n-params", min=0, metavar="N",
                        help="Fitted parameters: ndof = n − N for chi2_per_ndof and p_value.")] = 0,
    quantile: Annotated[float, typer.Option("--quantile", metavar="Q", help="Quantile q in (0, 1) of pinball_loss.")] = 0.5,
    plot: PlotOpt = None,
    pulls: Annotated[Optional[str], typer.Option("--pulls", metavar="PATH",
                     help="Write per-row residual and pull (CSV: row,residual,pull), like --output; '-' is stdout.")] = None,
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
    """Regression metrics: MSE, RMSE, MAE, R², bias; χ² with σ or a full covariance, p-value and pulls; bias–variance across replicas."""
    from evalml_cli import metrics
    from evalml_cli.errors import EvalmlError
    from evalml_cli.io.regression import check_uncertainty_options

    try:
        check_uncertainty_options(sigma, cov, corr, pulls)
    except EvalmlError as exc:
        raise fail(exc) from None

    fig = figures(plot, fmt, output)

    def build():
        from evalml_cli import api

        return fig.finish(api.regress(path, target=target, pred=pred, weight=weight, sigma=sigma, cov=cov, corr=corr,
                                      n_params=n_params, quantile=quantile, drop_invalid=drop_invalid, sep=sep,
                                      decimal=decimal, memory_limit=memory_limit,
                                      engine=engine or "local", scheduler=scheduler, progress=not quiet,
                                      pulls=pulls is not None,
                                      **ci_kwargs(ci, ci_method, bootstrap, seed, bootstrap_kind, by, gap)))

    def side_files(report):
        # Written together with --output: both temp files first, then both renames.
        return [(pulls, _pulls_csv(report.pulls.rows, report.pulls.residuals, report.pulls.pulls), "--pulls")] if pulls is not None else []

    run(build, fmt=fmt, output=output, quiet=quiet, requires=require, known=metrics.names_for(metrics.REGRESSION),
        inputs={"FILE": path, "--cov": cov, "--corr": corr}, side_outputs={"--pulls": pulls, **fig.outputs},
        side_files=lambda r: side_files(r) + fig.files(r),
        tasks=(metrics.REGRESSION,), classname=f"regress {path}",
        baseline=baseline, max_drop=max_drop, max_rise=max_rise, summary=summary,
        gate_scopes={"intervals": ci is not None, "groups": by is not None})


def density(
    path: FileArg,
    likelihood: Annotated[Optional[str], typer.Option("--likelihood", "-l", metavar="COL",
                          help="The model's density (or probability) at each observed sample: nll, mean_nll, bits_per_sample.")] = None,
    p: Annotated[Optional[str], typer.Option("--p", metavar="COL", help="Observed distribution over bins (counts or probabilities).")] = None,
    q: Annotated[Optional[str], typer.Option("--q", metavar="COL", help="Model/expected distribution over the same bins.")] = None,
    weight: WeightOpt = None,
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
    """Density metrics: negative log-likelihood of samples, or KL and Jensen–Shannon divergences between two histograms."""
    from evalml_cli import metrics
    from evalml_cli.errors import EvalmlError
    from evalml_cli.io.regression import check_density_options

    try:
        check_density_options(likelihood, p, q, weight)
    except EvalmlError as exc:
        raise fail(exc) from None

    def build():
        from evalml_cli import api

        return api.density(path, likelihood=likelihood, p=p, q=q, weight=weight, drop_invalid=drop_invalid,
                           sep=sep, decimal=decimal, memory_limit=memory_limit, engine=engine or "local",
                           scheduler=scheduler, progress=not quiet,
                           **ci_kwargs(ci, ci_method, bootstrap, seed, bootstrap_kind, by, gap))

    run(build, fmt=fmt, output=output, quiet=quiet, requires=require, known=metrics.names_for(metrics.DENSITY),
        inputs={"FILE": path}, tasks=(metrics.DENSITY,), classname=f"density {path}",
        baseline=baseline, max_drop=max_drop, max_rise=max_rise, summary=summary,
        gate_scopes={"intervals": ci is not None, "groups": by is not None})
