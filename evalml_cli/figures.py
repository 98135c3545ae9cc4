"""``--plot`` and the figures of ``--format html``: which curves a run needs, and the images
drawn from a finished :class:`Report` (its ``curves``, metrics, confusion matrix and pulls).

:class:`Figures` is made from the command's options before anything is read (a bad
``--plot`` value is a usage error, exit 2), names every plot file for the destination checks
(never an input, never another output), asks the library for the curves it draws, and
renders the images in memory so that they are written with the other outputs in one step.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from evalml_cli.report import Report

CURVES = ("roc", "pr", "calibration", "det", "efficiency")


class Figures:
    """The plots asked for on the command line (``--plot [KIND=]PATH``, repeatable)."""

    def __init__(self, specs: list[str] | None, html: bool = False):
        from evalml_cli.render.plot import parse_plot_spec

        self.plots = [parse_plot_spec(s) for s in (specs or [])]
        self.html = html
        self._images: list[tuple[str, bytes, str]] = []

    @property
    def outputs(self) -> dict[str, str]:
        """Option label → path of every plot (for ``output.check_destinations``)."""
        return {f"--plot {kind}={path}": path for kind, path in self.plots}

    def curves(self, html_kinds: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The curve kinds the library must attach to the report."""
        kinds = [k for k, _ in self.plots if k in CURVES]
        if self.html:
            kinds += [k for k in html_kinds if k not in kinds]
        return tuple(dict.fromkeys(kinds))

    def finish(self, report: Report) -> Report:
        """Draw every ``--plot`` from ``report`` (in memory); the curves stay in the report only
        for the HTML page, so the JSON of a run with ``--plot`` is that of a run without."""
        from evalml_cli.render.plot import render_bytes

        self._images = [(path, render_bytes(kind, path, **plot_data(kind, report)), "--plot") for kind, path in self.plots]
        if not self.html:
            report = _without_curves(report)
        return report

    def files(self, report: Report) -> list[tuple[str, bytes, str]]:  # noqa: ARG002 - run()'s side_files signature
        return list(self._images)


def _without_curves(report: Report) -> Report:
    if report.models is not None:
        report = replace(report, models={k: _without_curves(m) for k, m in report.models.items()})
    return replace(report, curves=None) if report.curves is not None else report


# --------------------------------------------------------------------------------------------
# Report → the arrays each plot function takes


def _overlay(kind: str, report: Report) -> dict[str, Any]:
    """A comparison (``report.models``): each model's figure data, overlaid with the model's name."""
    merged: dict[str, Any] = {}
    for name, model in report.models.items():
        data = plot_data(kind, model)
        curves = data.get("curves")
        curves = [curves] if isinstance(curves, dict) else list(curves or [])
        for c in curves:
            c["label"] = name if c.get("label") in (None, "model") else f"{name}: {c['label']}"
        merged.setdefault("curves", []).extend(curves)
        for key in ("working_point", "base_rate"):
            if key in data:
                value = data[key]
                value = value if isinstance(value, list) else [value] if value is not None else []
                merged.setdefault(key, []).extend(value)
    if "working_point" in merged:
        merged["working_point"] = [w for w in merged["working_point"] if w is not None] or None
    return merged


def _split(curve, names: list[str] | None = None) -> list[tuple[str | None, dict[str, list]]]:
    """One (class, columns) per class of a one-vs-rest curve; (None, columns) for a binary one."""
    cols = curve.columns
    if "class" not in cols:
        return [(None, cols)]
    import numpy as np

    labels = np.asarray(cols["class"], dtype=object)
    out = []
    for name in dict.fromkeys(labels.tolist()):
        keep = labels == name
        out.append((name, {k: [v for v, m in zip(vals, keep) if m] for k, vals in cols.items() if k != "class"}))
    return out


def _float(values) -> Any:
    import numpy as np

    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _curve(report: Report, kind: str):
    from evalml_cli.errors import EvalmlError

    if report.curves is None or kind not in report.curves:
        raise EvalmlError(f"--plot {kind}: this report has no {kind} curve",
                          hint="curves need score columns (binary: one score; multiclass: one per class)")
    return report.curves[kind]


def _ci(report: Report, name: str):
    if report.intervals is None or name not in report.intervals.metrics:
        return None
    iv = report.intervals.metrics[name]
    return (iv.low, iv.high)


def _num(x) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def plot_data(kind: str, report: Report) -> dict[str, Any]:
    """Keyword arguments of ``render.plot.plot_<kind>`` taken from ``report``."""
    from evalml_cli.errors import EvalmlError

    if report.models is not None and kind in CURVES:
        return _overlay(kind, report)
    per_class = report.per_class or {}
    m = report.metrics
    if kind in ("residuals", "pulls"):
        if report.pulls is None:
            raise EvalmlError(f"--plot {kind} is for evalml regress")
        if kind == "pulls":
            if report.pulls.pulls is None:
                raise EvalmlError("--plot pulls needs uncertainties", hint="add --sigma COL or --cov FILE")
            return {"pulls": report.pulls.pulls}
        pred = report.pulls.predictions
        return {"y_true": pred + report.pulls.residuals, "y_pred": pred}
    if kind == "confusion":
        if report.confusion is not None:
            return {"matrix": report.confusion.matrix, "labels": report.confusion.labels,
                    "normalize": report.confusion.normalize}
        if all(k in m for k in ("tp", "fp", "tn", "fn")):
            pos = str(report.inputs.get("pos_label", "positive"))
            if any(m[k] is None for k in ("tp", "fp", "tn", "fn")):  # a threshold rule that could not be met
                rule = report.inputs.get("threshold_rule") or "the threshold"
                return {"matrix": [[0, 0], [0, 0]], "labels": [f"not {pos}", pos],
                        "title": f"Confusion matrix: undefined ({rule} unreachable)"}
            return {"matrix": [[m["tn"], m["fp"]], [m["fn"], m["tp"]]], "labels": [f"not {pos}", pos]}
        raise EvalmlError("--plot confusion is for evalml classify")
    if kind not in CURVES:
        raise EvalmlError(f"--plot {kind} is not available for this command")
    parts = _split(_curve(report, kind))
    binary = parts[0][0] is None
    label = "model"
    if kind == "roc":
        curves = []
        for name, c in parts:
            auc = m.get("roc_auc") if binary else per_class.get(name, {}).get("roc_auc")
            curves.append({"fpr": _float(c["fpr"]), "tpr": _float(c["tpr"]), "label": label if binary else str(name),
                           "auc": _num(auc), "auc_ci": _ci(report, "roc_auc") if binary else None})
        wp = None
        t = report.inputs.get("threshold")
        if binary and t is not None and m.get("recall") is not None and m.get("specificity") is not None:
            rule = report.inputs.get("threshold_rule")
            wp = {"fpr": 1.0 - m["specificity"], "tpr": m["recall"],
                  "label": f"t = {t:g}" + (f" ({rule})" if rule else "")}
        return {"curves": curves, "working_point": wp}
    if kind == "pr":
        curves, rates = [], []
        total = float(sum(report.class_counts.values())) if report.class_counts else None
        for name, c in parts:
            curves.append({"precision": _float(c["precision"]), "recall": _float(c["recall"]),
                           "label": label if binary else str(name),
                           "ap": _num(m.get("average_precision")) if binary else None,
                           "ap_ci": _ci(report, "average_precision") if binary else None})
            if binary:
                rates.append(report.class_counts["positive"] / total if total else None)
            else:
                sup = per_class.get(name, {}).get("support")
                all_sup = sum((row.get("support") or 0) for row in per_class.values())
                rates.append(sup / all_sup if sup is not None and all_sup else None)
        return {"curves": curves, "base_rate": rates}
    if kind == "calibration":
        return {"curves": [{**{k: _float(v) for k, v in c.items()}, "label": label if binary else str(name),
                            "ece": _num(m.get("ece")) if binary else None} for name, c in parts]}
    if kind == "det":
        return {"curves": [{"fpr": _float(c["fpr"]), "fnr": _float(c["fnr"]), "label": label if binary else str(name)}
                           for name, c in parts]}
    curves = [{"signal_efficiency": _float(c["signal_efficiency"]),
               "background_rejection": _float(c["background_rejection"]), "label": label if binary else str(name)}
              for name, c in parts]
    wp = None
    if binary and m.get("signal_efficiency") is not None and m.get("background_rejection") is not None:
        wp = {"signal_efficiency": m["signal_efficiency"], "background_rejection": m["background_rejection"]}
    return {"curves": curves, "working_point": wp}
