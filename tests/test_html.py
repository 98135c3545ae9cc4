"""--format html: one self-contained page, checked in a real headless browser (Debian's chromium,
installed by .ci/run; these tests skip with a reason where none is installed): it loads with no
console errors, its screenshot is not blank and shows the pass/fail colours, and the numbers
in the page equal the JSON report's."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from conftest import SAMPLES

BINARY = str(SAMPLES / "binary.csv")
MULTI = [str(SAMPLES / "multiclass.csv"), "-t", "species", "-s", "p_*"]
FIT = [str(SAMPLES / "fit.csv"), "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy")]

CHROMIUM = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="no headless chromium installed (.ci/run installs Debian's chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--hide-scrollbars"]


def chromium(page: Path, *extra: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
                              capture_output=True, timeout=120)


def console_messages(stderr: bytes) -> list[str]:
    return [ln for ln in stderr.decode(errors="replace").splitlines() if ":CONSOLE" in ln]


class Cells(HTMLParser):
    """Collects, per table class, (row key, cell attributes) for every cell with data-value."""

    def __init__(self):
        super().__init__()
        self.table: str | None = None
        self.row: dict = {}
        self.cells: list[tuple[str | None, dict, dict]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "table":
            self.table = a.get("class")
        elif tag == "tr":
            self.row = a
        elif tag == "td" and "data-value" in a:
            self.cells.append((self.table, dict(self.row), a))


def page_of(invoke, tmp_path, *args) -> tuple[Path, dict, int]:
    page = tmp_path / "report.html"
    code, _, err = invoke(*args, "-o", str(page))
    assert code in (0, 1), err
    code_json, out, _ = invoke(*args, "-f", "json")
    assert code_json == code
    return page, json.loads(out), code


def test_page_is_self_contained(invoke, tmp_path):
    page, _, _ = page_of(invoke, tmp_path, "classify", BINARY)
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and text.count("<svg") >= 3  # roc, pr, reliability (+ confusion)
    assert "<script" not in text.lower() and not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text)
    assert "@import" not in text and "url(" not in text.replace("url(#", "")  # only in-page SVG references


def test_html_chosen_by_extension_and_by_format(invoke, tmp_path):
    code, out, _ = invoke("classify", BINARY, "-f", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    page = tmp_path / "r.htm"
    code, _, err = invoke("classify", BINARY, "-o", str(page))
    assert code == 0 and "wrote html report" in err and page.read_text().startswith("<!DOCTYPE html>")


def test_numbers_in_the_page_equal_the_json_report(invoke, tmp_path):
    page, rep, code = page_of(invoke, tmp_path, "classify", *MULTI, "--bins", "10", "-r", "accuracy>=0.5")
    p = Cells()
    p.feed(page.read_text())
    metrics = {r["data-metric"]: json.loads(c["data-value"]) for t, r, c in p.cells if t == "metrics"}
    assert metrics == rep["metrics"]
    per_class = {(r["data-class"], c["data-metric"]): json.loads(c["data-value"]) for t, r, c in p.cells
                 if t == "per-class"}
    assert per_class == {(k, m): v for k, row in rep["per_class"].items() for m, v in row.items()}
    matrix = [json.loads(c["data-value"]) for t, _, c in p.cells if t == "confusion"]
    assert matrix == [v for row in rep["confusion_matrix"]["matrix"] for v in row]


@needs_browser
def test_page_in_headless_chromium_no_console_errors_not_blank_and_numbers_match(invoke, tmp_path):
    page, rep, code = page_of(invoke, tmp_path, "classify", BINARY, "-T", "auto:youden", "--hep",
                              "--tpr-at-fpr", "0.01", "-r", "roc_auc>=0.9", "-r", "f1>=0.99")
    assert code == 1
    dom = chromium(page, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert console_messages(dom.stderr) == []
    p = Cells()
    p.feed(dom.stdout.decode())
    shown = {r["data-metric"]: json.loads(c["data-value"]) for t, r, c in p.cells if t == "metrics"}
    assert shown == rep["metrics"] and "tpr_at_fpr[0.01]" in shown
    gates = [(r["class"], json.loads(c["data-value"])) for t, r, c in p.cells if t == "gates"]
    assert gates == [("pass", rep["metrics"]["roc_auc"]), ("fail", rep["metrics"]["f1"])]
    assert p.tags.count("svg") >= 3

    shot = tmp_path / "shot.png"
    res = chromium(page, f"--screenshot={shot}", "--window-size=1200,1400")
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    assert console_messages(res.stderr) == []
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)[..., :3]
    assert img.shape[:2] == (1400, 1200)
    assert float(img.std()) > 0.05  # not blank
    rgb = np.round(img * 255).astype(int)
    green = ((rgb[..., 0] == 0xDA) & (rgb[..., 1] == 0xFB) & (rgb[..., 2] == 0xE1)).sum()  # passed row
    red = ((rgb[..., 0] == 0xFF) & (rgb[..., 1] == 0xEB) & (rgb[..., 2] == 0xE9)).sum()  # failed row
    assert green > 500 and red > 500


@needs_browser
def test_regress_page_with_figures_loads_cleanly(invoke, tmp_path):
    page, rep, code = page_of(invoke, tmp_path, "regress", *FIT)
    assert code == 0
    dom = chromium(page, "--dump-dom")
    assert dom.returncode == 0 and console_messages(dom.stderr) == []
    p = Cells()
    p.feed(dom.stdout.decode())
    shown = {r["data-metric"]: json.loads(c["data-value"]) for t, r, c in p.cells if t == "metrics"}
    assert shown == rep["metrics"]
    assert p.tags.count("svg") == 2  # residuals and pulls


def test_html_escapes_text_from_the_data(invoke, tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("label,p_<b>a</b>,p_b\n<b>a</b>,0.9,0.1\nb,0.2,0.8\n<b>a</b>,0.6,0.4\n")
    code, out, err = invoke("classify", str(src), "-t", "label", "-s", "p_*", "-f", "html")
    assert code == 0, err
    assert "<b>a</b>" not in out and "&lt;b&gt;a&lt;/b&gt;" in out


def test_chromium_is_not_needed_to_write_html(invoke, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", os.defpath)
    code, out, _ = invoke("density", str(SAMPLES / "hist.csv"), "--p", "observed", "--q", "expected", "-f", "html")
    assert code == 0 and "js_divergence" in out


def test_interval_columns_and_gate_outcomes_from_a_typed_report():
    from evalml_cli import gates
    from evalml_cli.render.html import render
    from evalml_cli.report import Interval, Intervals, Report

    rep = Report("binary", 10, {"file": "x.csv"}, {"roc_auc": 0.8, "f1": None},
                 intervals=Intervals(0.95, {"roc_auc": Interval(0.7, 0.9, "delong")}))
    reqs = gates.parse_all(["roc_auc.low>=0.75", "roc_auc>=0.5"], {"roc_auc", "f1"}, intervals=True)
    page = render(rep, outcomes=gates.evaluate(rep, reqs))
    assert "<th>95% low</th><th>high</th><th>method</th>" in page
    assert 'data-value="0.7">0.7000</td><td class="num" data-value="0.9">0.9000</td><td>delong</td>' in page
    assert '<tr class="fail"><td>roc_auc.low&gt;=0.75</td>' in page and '<tr class="pass"><td>roc_auc&gt;=0.5</td>' in page
    assert 'data-value="null">n/a</td>' in page and "gates FAILED" in page


def test_check_writes_one_page_with_a_section_per_evaluation(invoke, tmp_path, monkeypatch):
    import shutil as sh

    sh.copy(SAMPLES / "binary.csv", tmp_path / "binary.csv")
    sh.copy(SAMPLES / "fit.csv", tmp_path / "fit.csv")
    (tmp_path / "evalml.toml").write_text(
        '[evaluations.auc]\ncommand = "classify"\nfile = "binary.csv"\nrequire = ["roc_auc>=0.99"]\n'
        '[evaluations.fit]\ncommand = "regress"\nfile = "fit.csv"\ntarget = "data"\npred = "theory"\n')
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("check", "-f", "html")
    assert code == 1, err
    assert out.startswith("<!DOCTYPE html>") and out.count("<section data-evaluation=") == 2
    assert '<tr class="fail"><td>roc_auc&gt;=0.99</td>' in out and "<script" not in out
