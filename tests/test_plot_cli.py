"""--plot on classify and regress: every kind is written (PNG/SVG/PDF), opens, has its size and
is not blank; plot files are outputs (checked before reading, never the input, written with the
report); the JSON of a run with --plot equals the run without."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import SAMPLES

BINARY = str(SAMPLES / "binary.csv")
MULTI = [str(SAMPLES / "multiclass.csv"), "-t", "species", "-s", "p_*"]
FIT = [str(SAMPLES / "fit.csv"), "-t", "data", "-p", "theory"]


def assert_png(path: Path, size=None):
    import matplotlib.image as mpimg

    img = mpimg.imread(path)
    if size is not None:
        assert img.shape[:2] == size
    assert img.shape[0] > 200 and img.shape[1] > 200
    assert float(img[..., :3].std()) > 0.01  # not blank


def test_classify_writes_every_binary_kind(invoke, tmp_path):
    names = ["roc.png", "pr.png", "calibration.png", "det.png", "efficiency.png", "confusion.png"]
    args = [a for n in names for a in ("--plot", str(tmp_path / n))]
    code, out, err = invoke("classify", BINARY, *args, "-T", "auto:youden", "--hep", "-q")
    assert code == 0 and out == "", err
    for n in names:
        assert_png(tmp_path / n, (640, 640) if n.startswith("calibration") else None)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)  # no temp file left


def test_svg_and_pdf_by_extension_and_legend_contents(invoke, tmp_path):
    svg, pdf = tmp_path / "model_roc.svg", tmp_path / "figure.pdf"
    code, _, err = invoke("classify", BINARY, "--plot", str(svg), "--plot", f"pr={pdf}", "-T", "auto:f1", "-q")
    assert code == 0, err
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text()
    assert "AUC 0.950" in text and "chance" in text and "auto:f1" in text  # AUC, diagonal, working point
    assert pdf.read_bytes().startswith(b"%PDF")


def test_json_with_plot_equals_json_without(invoke, tmp_path):
    code, with_plot, _ = invoke("classify", BINARY, "--plot", str(tmp_path / "roc.png"), "-f", "json")
    code2, without, _ = invoke("classify", BINARY, "-f", "json")
    assert code == code2 == 0 and json.loads(with_plot) == json.loads(without)


def test_multiclass_roc_per_class_and_confusion_heat_map(invoke, tmp_path):
    roc, cm = tmp_path / "roc.svg", tmp_path / "cm.png"
    code, _, err = invoke("classify", *MULTI, "--plot", str(roc), "--plot", str(cm), "-q")
    assert code == 0, err
    text = roc.read_text()
    for cls in ("e", "mu", "pi", "K"):
        assert f"<!-- {cls} (AUC" in text
    assert_png(cm)


def test_regress_residuals_and_pulls(invoke, tmp_path):
    res, pulls = tmp_path / "residuals.png", tmp_path / "pulls.svg"
    code, _, err = invoke("regress", *FIT, "--cov", str(SAMPLES / "cov.npy"), "--plot", str(res),
                          "--plot", str(pulls), "-q")
    assert code == 0, err
    assert_png(res)
    assert "N(0, 1)" in pulls.read_text()
    code, _, err = invoke("regress", *FIT, "--plot", str(tmp_path / "pulls2.png"), "-q")
    assert code == 2 and "--sigma" in err and not (tmp_path / "pulls2.png").exists()


@pytest.mark.parametrize("spec, message", [
    ("figure.png", "no plot kind in the file name"),
    ("roc.gif", "unsupported image type"),
    ("lift=out.png", "unknown plot kind 'lift'"),
])
def test_bad_plot_values_exit_2_before_reading(invoke, tmp_path, spec, message):
    value = spec.replace("=", f"={tmp_path}/") if "=" in spec else str(tmp_path / spec)
    code, out, err = invoke("classify", str(tmp_path / "missing.csv"), "--plot", value)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_plot_files_are_checked_like_outputs(invoke, tmp_path):
    import os

    data = tmp_path / "data.csv"
    data.write_bytes(Path(BINARY).read_bytes())
    before = data.read_bytes()
    os.link(data, tmp_path / "roc.png")  # a hard link: the plot would overwrite the input
    code, _, err = invoke("classify", str(data), "--plot", str(tmp_path / "roc.png"))
    assert code == 2 and "is the input" in err and data.read_bytes() == before
    (tmp_path / "roc.png").unlink()
    report = tmp_path / "r.json"
    code, _, err = invoke("classify", BINARY, "-o", str(report), "--plot", str(tmp_path / "nodir" / "roc.png"))
    assert code == 2 and "does not exist" in err and not report.exists()
    code, _, err = invoke("classify", BINARY, "--plot", str(tmp_path / "roc.png"), "--plot",
                          f"pr={tmp_path / 'roc.png'}", "-q")
    assert code == 2 and not (tmp_path / "roc.png").exists()


def test_failed_gate_still_writes_plots_and_exits_1(invoke, tmp_path):
    roc = tmp_path / "roc.png"
    code, _, err = invoke("classify", BINARY, "--plot", str(roc), "-q", "-r", "roc_auc>=0.99")
    assert code == 1 and "FAILED" in err
    assert_png(roc)


def test_a_comparison_overlays_both_models(tmp_path):
    """`compare` reports carry one Report per model; each model's curve is drawn on one figure."""
    from dataclasses import replace

    import evalml_cli
    from evalml_cli.figures import Figures
    from evalml_cli.report import Report

    a = evalml_cli.api.classify(BINARY, curves=["roc"])
    b = evalml_cli.api.classify(BINARY, threshold="auto:f1", curves=["roc"])
    both = Report("binary", a.n, {}, {}, models={"old": a, "new": b})
    out = tmp_path / "roc.svg"
    figs = Figures([str(out)])
    stripped = figs.finish(both)
    assert all(m.curves is None for m in stripped.models.values())  # not in the JSON
    (path, data, _), = figs.files(stripped)
    text = data.decode()
    assert "<!-- old (AUC 0.950) -->" in text and "<!-- new (AUC 0.950) -->" in text and "auto:f1" in text
    assert replace(a, curves=None).to_dict() == stripped.models["old"].to_dict()
