"""``evalml check``: run the evaluations declared in ``[tool.evalml]`` (or evalml.toml) in-process,
print one summary, exit 1 if a requirement failed and 2 on a config or input error."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from evalml_cli.commands._common import (
    BaselineOpt, FormatOpt, MaxDropOpt, MaxRiseOpt, OutputOpt, QuietOpt, SummaryOpt, _err, _stdout, exit_codes,
    resolve_format,
)  # fmt: skip

EXAMPLES = """
  evalml check                                   # every evaluation declared in pyproject.toml
  evalml check nightly-auc --format junit --output evalml-junit.xml
  evalml check --summary "$GITHUB_STEP_SUMMARY"
  evalml check --baseline main-reports/ --max-drop roc_auc=0.01
  evalml check --update-baseline                 # accept the current numbers as the baselines
"""


def check(
    names: Annotated[Optional[list[str]], typer.Argument(metavar="[NAME]...",
                     help="Evaluations to run (default: all, in the config's order).")] = None,
    config: Annotated[Optional[str], typer.Option("--config", metavar="PATH",
                      help="Config file (pyproject.toml with [tool.evalml], or evalml.toml); default: found by "
                      "walking up from the current directory.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    baseline: BaselineOpt = None,
    max_drop: MaxDropOpt = None,
    max_rise: MaxRiseOpt = None,
    summary: SummaryOpt = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline",
                               help="Write each evaluation's new JSON report where the config says its baseline "
                               "lives (baseline, or baseline_dir/NAME.json); no comparison this run.")] = False,
) -> None:
    """Run every evaluation declared in [tool.evalml] (pyproject.toml) or evalml.toml: one summary of every requirement; exit 1 if one fails."""
    from evalml_cli import ci
    from evalml_cli import config as cfg
    from evalml_cli.errors import EvalmlError
    from evalml_cli.io.output import check_destinations, write_all

    with exit_codes():
        if update_baseline and (baseline is not None or max_drop or max_rise):
            raise EvalmlError("--update-baseline writes the baselines; it takes no --baseline, --max-drop or --max-rise")
        conf = cfg.load_config(config)
        selected = cfg.select(conf.evaluations, names, source=conf.path)
        overrides = ci.Overrides(baseline, tuple(max_drop or ()), tuple(max_rise or ()), update_baseline)
        plans = [ci.plan(ev, overrides) for ev in selected]
        check_destinations({"--output": output, "--summary": summary,
                            **{f"pulls of {p.evaluation.name}": p.evaluation.options.get("pulls") for p in plans}},
                           {f"FILE of {p.evaluation.name}": f for p in plans
                            for f in (p.evaluation.options.get("files") or [p.evaluation.options["file"]])})
        if summary is not None:
            ci.check_summary(summary)
        if not quiet:
            for note in conf.notes:
                _err(f"evalml: {note}")
        results = [ci.execute(p) for p in plans]
        kind = resolve_format(fmt, output)
        files = ci.side_files(results, update_baseline)
        if update_baseline:
            ci.make_baseline_dirs(results)
        text = ci.render_check(results, kind, conf.path)
        if output is not None and output != "-":
            files.append((output, text, "--output"))
        write_all(files)
        if summary is not None:
            ci.append_summary(summary, ci.render_check(results, "markdown", conf.path))
        if not quiet:
            for r in results:
                for note in r.notes:
                    _err(f"evalml: {note}")
            if update_baseline:
                for r in results:
                    _err(f"evalml: wrote baseline of {r.name} to {ci._show(r.baseline_path)}")
            if output is not None and output != "-":
                _err(f"evalml: wrote {kind} report to {output}")
        if output == "-" or (output is None and not quiet):
            _stdout(text)
    failures = [f"FAILED {r.name}: {o.expression}: {o.reason}" for r in results for o in r.outcomes if not o.passed]
    for line in failures:
        _err(line)
    if failures:
        raise typer.Exit(1)
