"""Every plot kind is written, opens, has the expected size and is not blank; writes are atomic."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels.binary import binary_update, ranking_metrics
from evalml_cli.kernels.calibration import calibration_curve, calibration_errors
from evalml_cli.kernels.curves import det_curve, efficiency_curve, pr_curve, roc_curve
from evalml_cli.render import plot


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    n = 3000
    y = rng.random(n) < 0.35
    p = np.clip(1 / (1 + np.exp(-(2.0 * y - 1) * 1.2 - rng.normal(0, 1, n))), 0, 1)
    q = np.clip(p + rng.normal(0, 0.1, n), 0, 1)  # a second, worse model for the overlay
    return y, p, q


def inputs(kind, data):
    """Plain arrays/dicts per kind, as the lead will build them from a Report."""
    y, p, q = data
    a, b = binary_update(y, p), binary_update(y, q)
    if kind == "roc":
        curves = []
        for st_, name in ((a, "model A"), (b, "model B")):
            c = roc_curve(st_, drop_intermediate=True).columns
            curves.append({"fpr": c["fpr"], "tpr": c["tpr"], "label": name,
                           "auc": ranking_metrics(st_).values["roc_auc"], "auc_ci": (0.80, 0.85)})
        return {"curves": curves, "working_point": {"fpr": 0.1, "tpr": 0.6, "label": "t = 0.5"}}
    if kind == "pr":
        c = pr_curve(a).columns
        return {"curves": {"precision": c["precision"], "recall": c["recall"], "ap": 0.7}, "base_rate": float(y.mean())}
    if kind == "calibration":
        return {"curves": [dict(calibration_curve(a, 10).columns, label="A", ece=calibration_errors(a).values["ece"]),
                           dict(calibration_curve(b, 10).columns, label="B")]}
    if kind == "det":
        return {"curves": det_curve(a).columns}
    if kind == "efficiency":
        return {"curves": efficiency_curve(a).columns,
                "working_point": {"signal_efficiency": 0.5, "background_rejection": 20.0}}
    if kind == "confusion":
        return {"matrix": np.array([[50, 3, 1], [4, 40, 6], [0, 2, 70]]), "labels": ["cat", "dog", "bird"]}
    if kind == "residuals":
        rng = np.random.default_rng(1)
        t = rng.normal(size=500)
        return {"y_true": t, "y_pred": t + rng.normal(0, 0.3, 500)}
    return {"pulls": np.random.default_rng(2).normal(0.1, 1.1, 2000)}


def assert_png(path: Path, size=(480, 640)):
    import matplotlib.image as mpimg

    img = mpimg.imread(path)
    assert img.shape[:2] == size
    assert float(img[..., :3].std()) > 0.01  # not blank


@pytest.mark.parametrize("kind", plot.KINDS)
def test_every_kind_writes_a_nonblank_png(tmp_path, data, kind):
    out = tmp_path / f"{kind}.png"
    assert plot.write_plot(kind, str(out), **inputs(kind, data)) == str(out)
    size = {"calibration": (640, 640), "confusion": (480, 600)}.get(kind, (480, 640))
    assert_png(out, size)
    assert os.listdir(tmp_path) == [out.name]  # the temp file was renamed, nothing left over


@pytest.mark.parametrize("kind", ["roc", "calibration", "confusion", "pulls"])
def test_svg_parses_as_xml_and_pdf_starts_with_magic(tmp_path, data, kind):
    svg = tmp_path / f"{kind}.svg"
    pdf = tmp_path / f"{kind}.pdf"
    plot.write_plot(kind, str(svg), **inputs(kind, data))
    plot.write_plot(kind, str(pdf), **inputs(kind, data))
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and len(list(root.iter())) > 50
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def test_roc_legend_carries_auc_and_interval(tmp_path, data):
    out = tmp_path / "roc.svg"
    d = inputs("roc", data)
    plot.plot_roc(str(out), **d)
    text = out.read_text()
    auc = d["curves"][0]["auc"]
    assert f"AUC {auc:.3f} [0.800, 0.850]" in text
    assert "chance" in text and "t = 0.5" in text


def test_pr_draws_the_positive_rate_baseline(tmp_path, data):
    out = tmp_path / "pr.svg"
    plot.plot_pr(str(out), **inputs("pr", data))
    assert f"positive rate {data[0].mean():.3f}" in out.read_text()


def test_pulls_compare_with_standard_normal(tmp_path, data):
    out = tmp_path / "pulls.svg"
    plot.plot_pulls(str(out), **inputs("pulls", data))
    assert "N(0, 1)" in out.read_text()


def test_residuals_switch_to_hexbin_for_many_points(tmp_path):
    rng = np.random.default_rng(3)
    t = rng.normal(size=60_000)
    out = tmp_path / "residuals.png"
    plot.plot_residuals(str(out), t, t + rng.normal(0, 0.5, t.size))
    assert_png(out)


def test_confusion_normalized_and_many_classes(tmp_path):
    rng = np.random.default_rng(4)
    cm = rng.integers(0, 50, (40, 40))
    out = tmp_path / "cm.png"
    plot.plot_confusion(str(out), cm, normalize="true")
    import matplotlib.image as mpimg

    assert mpimg.imread(out)[..., :3].std() > 0.01


def test_degenerate_curves_still_draw(tmp_path):
    st_ = binary_update(np.array([1, 1], bool), np.array([0.2, 0.8]))  # one class: rates NaN
    c = roc_curve(st_).columns
    out = tmp_path / "roc.png"
    plot.plot_roc(str(out), {"fpr": c["fpr"], "tpr": c["tpr"], "auc": float("nan")})
    assert_png(out)
    eff = efficiency_curve(st_).columns
    plot.plot_efficiency(str(tmp_path / "efficiency.png"), eff)
    assert_png(tmp_path / "efficiency.png")


@pytest.mark.parametrize(
    "text,kind",
    [
        ("roc.png", "roc"),
        ("out/test_roc.svg", "roc"),
        ("model-pr.pdf", "pr"),
        ("precision_recall.png", "pr"),
        ("myroc.png", "roc"),
        ("calibration.pdf", "calibration"),
        ("reliability.png", "calibration"),
        ("det.png", "det"),
        ("efficiency.svg", "efficiency"),
        ("confusion_matrix.png", "confusion"),
        ("residuals.png", "residuals"),
        ("pulls.png", "pulls"),
        ("roc=figure.png", "roc"),
        ("PR=preds_roc.png", "pr"),
    ],
)
def test_parse_plot_spec_kind_from_name(text, kind):
    assert plot.parse_plot_spec(text)[0] == kind


@pytest.mark.parametrize("text", ["figure.png", "roc_vs_pr.png", "roc.jpg", "roc", "foo=figure.png", "preds.png"])
def test_parse_plot_spec_rejects_unknown(text):
    with pytest.raises(EvalmlError):
        plot.parse_plot_spec(text)


def test_write_into_missing_directory_is_an_error(tmp_path, data):
    with pytest.raises(EvalmlError, match="does not exist"):
        plot.write_plot("pulls", str(tmp_path / "nope" / "pulls.png"), **inputs("pulls", data))
    with pytest.raises(EvalmlError, match="unknown plot kind"):
        plot.write_plot("pie", str(tmp_path / "pie.png"))


def test_failed_write_leaves_no_temp_file(tmp_path, data, monkeypatch):
    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(plot.os, "replace", boom)
    with pytest.raises(EvalmlError, match="No space left"):
        plot.write_plot("pulls", str(tmp_path / "pulls.png"), **inputs("pulls", data))
    assert os.listdir(tmp_path) == []


def test_plot_module_imports_no_matplotlib_at_import_time():
    import subprocess
    import sys

    code = "import sys, evalml_cli.render.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
