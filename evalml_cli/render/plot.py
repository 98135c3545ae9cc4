"""Figures for ``--plot``: ROC, PR, reliability, DET, efficiency, confusion, residuals, pulls.

Every function takes plain arrays and dicts (never the Report), draws one matplotlib
:class:`~matplotlib.figure.Figure` on the Agg canvas (no pyplot, no global backend switch, no
display) and writes it atomically: a temporary file in the destination directory, then a
rename, so a reader never sees half a file. The format comes from the extension: ``.png``,
``.svg`` or ``.pdf``. matplotlib is imported inside the functions, only when a plot is asked
for.

The kind of plot comes from the file name (:func:`parse_plot_spec`): ``roc.png``,
``model_pr.svg``, ``calibration.pdf`` … or explicitly ``roc=PATH``. Curves given as a list are
overlaid (``compare`` draws both models on one figure).
"""

from __future__ import annotations

import contextvars
import math
import os
import re
from pathlib import Path

import numpy as np

from evalml_cli.errors import EvalmlError

KINDS = ("roc", "pr", "calibration", "det", "efficiency", "confusion", "residuals", "pulls")
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
#: File-name words that name a kind besides the kind itself.
_SYNONYMS = {
    "precision_recall": "pr",
    "reliability": "calibration",
    "calib": "calibration",
    "residual": "residuals",
    "pull": "pulls",
    "cm": "confusion",
    "eff": "efficiency",
}
FIGSIZE = (6.4, 4.8)
DPI = 100

__all__ = [
    "FORMATS",
    "KINDS",
    "parse_plot_spec",
    "plot_calibration",
    "plot_confusion",
    "plot_det",
    "plot_efficiency",
    "plot_pr",
    "plot_pulls",
    "plot_residuals",
    "plot_roc",
    "render_bytes",
    "write_plot",
]


def parse_plot_spec(text: str) -> tuple[str, str]:
    """``--plot`` value → (kind, path).

    ``KIND=PATH`` names the kind; otherwise the words of the file name decide (split on
    anything that is not a letter or digit, e.g. ``test_roc.png`` → roc; ``reliability``,
    ``residual``, ``pull``, ``cm`` are accepted too); failing that a kind contained in the
    name (``myroc.png``; not ``pr``, which hides in too many words). None or several →
    :class:`EvalmlError`. The extension must be .png, .svg or .pdf.

    >>> parse_plot_spec("out/model_roc.png")
    ('roc', 'out/model_roc.png')
    >>> parse_plot_spec("pr=figure.svg")
    ('pr', 'figure.svg')
    >>> parse_plot_spec("reliability-v2.pdf")
    ('calibration', 'reliability-v2.pdf')
    """
    hint = f"name the kind explicitly, e.g. --plot roc=PATH; kinds: {', '.join(KINDS)}"
    m = re.fullmatch(r"([A-Za-z]+)=(.+)", text.strip())
    if m and m.group(1).lower() in KINDS:
        kind, path = m.group(1).lower(), m.group(2)
    elif m and m.group(1).lower() in _SYNONYMS:
        kind, path = _SYNONYMS[m.group(1).lower()], m.group(2)
    elif m:
        raise EvalmlError(f"--plot {text}: unknown plot kind {m.group(1)!r}", hint)
    else:
        path = text.strip()
        stem = Path(path).stem.lower()
        words = [w for w in re.split(r"[^a-z0-9]+", stem) if w]
        found = {w for w in words if w in KINDS} | {_SYNONYMS[w] for w in words if w in _SYNONYMS}
        if "precision" in words and "recall" in words:
            found.add("pr")
        if not found:
            found = {k for k in KINDS if k != "pr" and k in stem}
        if len(found) != 1:
            what = "no plot kind" if not found else f"several plot kinds ({', '.join(sorted(found))})"
            raise EvalmlError(f"--plot {path}: {what} in the file name", hint)
        kind = found.pop()
    _format(path)
    return kind, path


def _format(path: str) -> str:
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise EvalmlError(f"--plot {path}: unsupported image type {ext or '(none)'!r}", "use .png, .svg or .pdf")
    return FORMATS[ext]


def _figure(figsize=FIGSIZE, axes: bool = True):
    """A Figure on the Agg canvas and its single Axes (no pyplot state touched)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, (fig.add_subplot() if axes else None)


#: While :func:`render_bytes` runs, ``_save`` puts the image here instead of writing a file.
_CAPTURE: contextvars.ContextVar[list | None] = contextvars.ContextVar("evalml_plot_capture", default=None)


def render_bytes(kind: str, path: str, **data) -> bytes:
    """The image ``write_plot(kind, path, **data)`` would write, as bytes (format from ``path``'s
    extension); nothing is written, so the caller writes it with its other outputs."""
    box: list = []
    token = _CAPTURE.set(box)
    try:
        write_plot(kind, path, **data)
    finally:
        _CAPTURE.reset(token)
    return box[0]


def _save(fig, path: str) -> str:
    """Write ``fig`` to ``path`` atomically (temp file in the same directory + rename)."""
    import tempfile

    fmt = _format(path)
    box = _CAPTURE.get()
    if box is not None:
        import io

        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=DPI, metadata={"Date": None} if fmt in ("svg", "pdf") else None)
        box.append(buf.getvalue())
        return path
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise EvalmlError(f"cannot write --plot {path}: directory {str(directory)!r} does not exist")
    if target.is_dir():
        raise EvalmlError(f"cannot write --plot {path}: it is a directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            # Fixed metadata keeps SVG/PDF output reproducible run to run.
            meta = {"Date": None} if fmt in ("svg", "pdf") else None
            fig.savefig(fh, format=fmt, dpi=DPI, metadata=meta)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise EvalmlError(f"cannot write --plot {path}: {exc.strerror or exc}") from None
    return path


def _as_list(curves) -> list[dict]:
    return [curves] if isinstance(curves, dict) else list(curves)


def _fmt_ci(ci) -> str:
    if ci is None:
        return ""
    lo, hi = ci
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return ""
    return f" [{lo:.3f}, {hi:.3f}]"


def _finite(*arrays):
    """Drop the points where any array is NaN (the start point's null threshold is fine)."""
    arrs = [np.asarray(a, dtype=np.float64) for a in arrays]
    keep = np.ones(arrs[0].shape, bool)
    for a in arrs:
        keep &= np.isfinite(a)
    return [a[keep] for a in arrs]


def plot_roc(path: str, curves, working_point=None, title: str | None = None) -> str:
    """ROC curve(s) with AUC (and its interval) in the legend, the chance diagonal and working points.

    Parameters
    ----------
    curves : dict or list of dicts with ``fpr``, ``tpr`` arrays and optional ``label``,
        ``auc`` (float) and ``auc_ci`` ((low, high)); a list overlays models (compare).
    working_point : dict or list of dicts with ``fpr``, ``tpr`` and optional ``label``
        (e.g. ``"t = 0.42 (auto:youden)"``), drawn as markers.
    """
    fig, ax = _figure()
    ax.plot([0, 1], [0, 1], linestyle="--", color="0.6", linewidth=1, label="chance")
    for c in _as_list(curves):
        x, y = _finite(c["fpr"], c["tpr"])
        label = c.get("label") or "model"
        if c.get("auc") is not None and math.isfinite(c["auc"]):
            label += f" (AUC {c['auc']:.3f}{_fmt_ci(c.get('auc_ci'))})"
        ax.plot(x, y, drawstyle="default", linewidth=1.8, label=label)
    for wp in _as_list(working_point or []):
        ax.plot([wp["fpr"]], [wp["tpr"]], marker="o", markersize=7, linestyle="none",
                label=wp.get("label") or "working point")
    ax.set(xlim=(-0.01, 1.01), ylim=(-0.01, 1.01), xlabel="False positive rate", ylabel="True positive rate",
           title=title or "ROC curve")
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    return _save(fig, path)


def plot_pr(path: str, curves, base_rate=None, title: str | None = None) -> str:
    """Precision-recall curve(s) as steps, with the positive-rate baseline (precision of chance).

    ``curves``: dict(s) with ``recall``, ``precision`` and optional ``label``, ``ap``.
    ``base_rate``: the fraction of positive weight P/(P+N), a float (or one per curve).
    """
    fig, ax = _figure()
    cs = _as_list(curves)
    rates = base_rate if isinstance(base_rate, (list, tuple)) else [base_rate] * len(cs)
    for c, rate in zip(cs, rates):
        r, p = _finite(c["recall"], c["precision"])
        label = c.get("label") or "model"
        if c.get("ap") is not None and math.isfinite(c["ap"]):
            label += f" (AP {c['ap']:.3f}{_fmt_ci(c.get('ap_ci'))})"
        (line,) = ax.plot(r, p, drawstyle="steps-post", linewidth=1.8, label=label)
        if rate is not None and math.isfinite(rate):
            ax.axhline(rate, linestyle="--", color=line.get_color(), alpha=0.6, linewidth=1,
                       label=f"positive rate {rate:.3f}")
    ax.set(xlim=(-0.01, 1.01), ylim=(-0.01, 1.01), xlabel="Recall", ylabel="Precision",
           title=title or "Precision-recall curve")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize="small")
    return _save(fig, path)


def plot_calibration(path: str, curves, title: str | None = None) -> str:
    """Reliability diagram (fraction positive vs mean score per bin) over the score histogram.

    ``curves``: dict(s) with the calibration curve columns ``bin_low``, ``bin_high``,
    ``count``, ``mean_score``, ``fraction_positive`` and optional ``label``, ``ece``.
    """
    from matplotlib.gridspec import GridSpec

    fig, _ = _figure(figsize=(6.4, 6.4), axes=False)
    gs = GridSpec(2, 1, height_ratios=[3, 1], figure=fig)
    ax = fig.add_subplot(gs[0])
    hist = fig.add_subplot(gs[1], sharex=ax)
    ax.plot([0, 1], [0, 1], linestyle="--", color="0.6", linewidth=1, label="perfectly calibrated")
    cs = _as_list(curves)
    for c in cs:
        ms, fp = _finite(c["mean_score"], c["fraction_positive"])
        label = c.get("label") or "model"
        if c.get("ece") is not None and math.isfinite(c["ece"]):
            label += f" (ECE {c['ece']:.3f})"
        (line,) = ax.plot(ms, fp, marker="o", linewidth=1.5, label=label)
        low = np.asarray(c["bin_low"], dtype=np.float64)
        high = np.asarray(c["bin_high"], dtype=np.float64)
        count = np.asarray(c["count"], dtype=np.float64)
        hist.bar(low, count, width=high - low, align="edge", alpha=0.5 if len(cs) > 1 else 0.8,
                 color=line.get_color(), edgecolor="white", linewidth=0.5)
    ax.set(xlim=(-0.01, 1.01), ylim=(-0.01, 1.01), ylabel="Fraction positive", title=title or "Reliability diagram")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    hist.set(xlabel="Mean predicted probability", ylabel="Count")
    hist.grid(alpha=0.3)
    return _save(fig, path)


def plot_det(path: str, curves, title: str | None = None) -> str:
    """DET curve(s): FNR vs FPR on normal-deviate axes (scikit-learn's ``DetCurveDisplay``).

    ``curves``: dict(s) with ``fpr``, ``fnr`` and optional ``label``. Rates of 0 or 1 are
    clipped to [1e-4, 1 − 1e-4] so they stay on the plot.
    """
    from scipy.stats import norm

    fig, ax = _figure()
    for c in _as_list(curves):
        x, y = _finite(c["fpr"], c["fnr"])
        x, y = norm.ppf(np.clip(x, 1e-4, 1 - 1e-4)), norm.ppf(np.clip(y, 1e-4, 1 - 1e-4))
        ax.plot(x, y, linewidth=1.8, label=c.get("label") or "model")
    ticks = np.array([0.001, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 0.999])
    loc = norm.ppf(ticks)
    labels = [f"{t:.0%}" if t >= 0.01 else f"{t:.1%}" for t in ticks]
    ax.set_xticks(loc, labels)
    ax.set_yticks(loc, labels)
    lim = (norm.ppf(5e-4), norm.ppf(1 - 5e-4))
    ax.set(xlim=lim, ylim=lim, xlabel="False positive rate", ylabel="False negative rate",
           title=title or "Detection error tradeoff")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")
    return _save(fig, path)


def plot_efficiency(path: str, curves, working_point=None, title: str | None = None) -> str:
    """Background rejection (log scale) against signal efficiency, the physicists' ROC.

    ``curves``: dict(s) with ``signal_efficiency``, ``background_rejection`` (NaN where no
    background is selected) and optional ``label``. ``working_point``: dict(s) with
    ``signal_efficiency``, ``background_rejection``, optional ``label``.
    """
    fig, ax = _figure()
    drawn = False
    for c in _as_list(curves):
        x, y = _finite(c["signal_efficiency"], c["background_rejection"])
        keep = y > 0
        ax.plot(x[keep], y[keep], linewidth=1.8, label=c.get("label") or "model")
        drawn |= bool(keep.any())
    for wp in _as_list(working_point or []):
        if wp.get("background_rejection") is not None and wp["background_rejection"] > 0:
            ax.plot([wp["signal_efficiency"]], [wp["background_rejection"]], marker="o", linestyle="none",
                    label=wp.get("label") or "working point")
    if drawn:
        ax.set_yscale("log")
    ax.set(xlim=(-0.01, 1.01), xlabel="Signal efficiency", ylabel="Background rejection (1 / bkg. eff.)",
           title=title or "Background rejection vs signal efficiency")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper right", fontsize="small")
    return _save(fig, path)


def plot_confusion(path: str, matrix, labels=None, normalize: str | None = None, *, title: str | None = None) -> str:
    """Confusion-matrix heat map (rows true, columns predicted), cells annotated up to 30 classes.

    ``matrix``: (K, K) counts or weights; ``labels``: K names; ``normalize``: None, "true"
    (rows sum to 1), "pred" (columns) or "all", as scikit-learn's.
    """
    cm = np.asarray(matrix, dtype=np.float64)
    k = cm.shape[0]
    if normalize:
        axis = {"true": 1, "pred": 0, "all": None}[normalize]
        den = cm.sum(axis=axis, keepdims=axis is not None)
        cm = np.divide(cm, den, out=np.zeros_like(cm), where=den != 0)
    names = [str(x) for x in (labels if labels is not None else range(k))]
    side = min(max(4.8, 0.45 * k + 2.5), 16)
    fig, ax = _figure(figsize=(side + 1.2, side))
    im = ax.imshow(cm, cmap="Blues", interpolation="nearest")
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_xticks(range(k), names, rotation=45 if k > 4 else 0, ha="right" if k > 4 else "center")
    ax.set_yticks(range(k), names)
    if k <= 30:
        top = cm.max() if cm.size else 0.0
        for i in range(k):  # a loop over cells of a K×K figure, not over rows
            for j in range(k):
                v = cm[i, j]
                text = f"{v:.2f}" if normalize or not float(v).is_integer() else f"{int(v)}"
                ax.text(j, i, text, ha="center", va="center", fontsize="small",
                        color="white" if top and v > top / 2 else "black")
    ax.set(xlabel="Predicted class", ylabel="True class", title=title or "Confusion matrix")
    return _save(fig, path)


def plot_residuals(path: str, y_true, y_pred, label: str | None = None, *, title: str | None = None) -> str:
    """Residuals y − ŷ against ŷ, with the zero line (a hexbin density above 50 000 points)."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    r = y_true - y_pred
    fig, ax = _figure()
    if r.shape[0] > 50_000:
        hb = ax.hexbin(y_pred, r, gridsize=80, bins="log", cmap="viridis", mincnt=1)
        fig.colorbar(hb, ax=ax, label="rows")
    else:
        ax.scatter(y_pred, r, s=8, alpha=0.6, linewidths=0, label=label or "residuals", rasterized=True)
    ax.axhline(0.0, color="0.3", linewidth=1)
    ax.set(xlabel="Prediction ŷ", ylabel="Residual y − ŷ", title=title or "Residuals")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_pulls(path: str, pulls, label: str | None = None, bins: int = 40, *, title: str | None = None) -> str:
    """Histogram of pulls (y − ŷ)/σ as a density against the standard normal N(0, 1).

    The legend gives the pulls' mean and standard deviation (0 and 1 when σ is right).
    """
    pulls = np.asarray(pulls, dtype=np.float64)
    pulls = pulls[np.isfinite(pulls)]
    fig, ax = _figure()
    lim = max(4.0, float(np.quantile(np.abs(pulls), 0.995)) if pulls.size else 4.0)
    edges = np.linspace(-lim, lim, bins + 1)
    mean = float(pulls.mean()) if pulls.size else float("nan")
    sd = float(pulls.std(ddof=1)) if pulls.size > 1 else float("nan")
    ax.hist(np.clip(pulls, -lim, lim), bins=edges, density=True, alpha=0.7,
            label=f"{label or 'pulls'} (mean {mean:.3f}, sd {sd:.3f})")
    x = np.linspace(-lim, lim, 400)
    ax.plot(x, np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi), color="black", linewidth=1.5, label="N(0, 1)")
    ax.set(xlabel="Pull (y − ŷ) / σ", ylabel="Density", title=title or "Pulls")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")
    return _save(fig, path)


_PLOTTERS = {
    "roc": plot_roc,
    "pr": plot_pr,
    "calibration": plot_calibration,
    "det": plot_det,
    "efficiency": plot_efficiency,
    "confusion": plot_confusion,
    "residuals": plot_residuals,
    "pulls": plot_pulls,
}


def write_plot(kind: str, path: str, **data) -> str:
    """Dispatch to ``plot_<kind>(path, **data)``; returns the path written."""
    try:
        fn = _PLOTTERS[kind]
    except KeyError:
        raise EvalmlError(f"unknown plot kind {kind!r}", f"use one of {', '.join(KINDS)}") from None
    return fn(path, **data)
