"""``--ci`` end to end (issue 10): DeLong vs its O(n²) definition and pROC's aSAH numbers, Wilson
vs its closed form, bootstrap coverage, --seed reproducibility, the option forms, bad options,
table/Markdown/JSON shapes and gates on bounds."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

ASAH = Path(__file__).parent / "kernels" / "data" / "asah.csv"


def _json(invoke, *args):
    code, out, err = invoke(*args, "-f", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def binary_csv(tmp_path):
    rng = np.random.default_rng(3)
    n = 400
    y = rng.integers(0, 2, n)
    p = np.round(1 / (1 + np.exp(-(2 * y - 1) - rng.normal(0, 1.2, n))), 5)
    w = np.round(rng.uniform(0.5, 2.0, n), 4)
    path = tmp_path / "b.csv"
    path.write_text("y,p,w\n" + "".join(f"{a},{b},{c}\n" for a, b, c in zip(y, p, w)))
    return path, y.astype(bool), p


def _delong_quadratic(y, s):
    """DeLong et al. (1988) by the definition: ψ over every positive/negative pair."""
    x, z = s[y], s[~y]
    psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
    auc = psi.mean()
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    var = v10.var(ddof=1) / x.size + v01.var(ddof=1) / z.size
    return auc, var


def test_roc_auc_interval_matches_quadratic_delong(invoke, binary_csv):
    path, y, p = binary_csv
    d = _json(invoke, "classify", str(path), "-t", "y", "-s", "p", "--ci", "0.9")
    auc, var = _delong_quadratic(y, p)
    half = stats.norm.ppf(0.95) * math.sqrt(var)
    iv = d["intervals"]["metrics"]["roc_auc"]
    assert iv["method"] == "delong"
    assert iv["low"] == pytest.approx(auc - half, abs=1e-12)
    assert iv["high"] == pytest.approx(auc + half, abs=1e-12)
    assert d["intervals"]["level"] == 0.9


def test_asah_s100b_matches_proc_published_interval(invoke):
    # pROC: roc(aSAH$outcome, aSAH$s100b) → AUC 0.7314, 95% CI 0.6301–0.8326 (DeLong)
    d = _json(invoke, "classify", str(ASAH), "-t", "outcome", "-s", "s100b", "--pos-label", "Poor", "--ci")
    iv = d["intervals"]["metrics"]["roc_auc"]
    assert round(d["metrics"]["roc_auc"], 4) == 0.7314
    assert (round(iv["low"], 4), round(iv["high"], 4)) == (0.6301, 0.8326)
    code, out, _ = invoke("classify", str(ASAH), "-t", "outcome", "-s", "s100b", "--pos-label", "Poor", "--ci")
    assert "0.7314 [0.6301, 0.8326]" in out
    code, out, _ = invoke("classify", str(ASAH), "-t", "outcome", "-s", "s100b", "--pos-label", "Poor", "--ci",
                          "-f", "markdown")
    assert "| 0.7314 [0.6301, 0.8326] |" in out  # as the issue writes it: brackets without "(" are no link


def _wilson(k, n, z):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_proportions_get_wilson_intervals_matching_the_closed_form(invoke, binary_csv):
    path, y, p = binary_csv
    d = _json(invoke, "classify", str(path), "-t", "y", "-s", "p", "--ci")
    m, ivs = d["metrics"], d["intervals"]["metrics"]
    z = stats.norm.ppf(0.975)
    expected = {"accuracy": (m["tp"] + m["tn"], d["n"]), "precision": (m["tp"], m["tp"] + m["fp"]),
                "recall": (m["tp"], m["tp"] + m["fn"]), "specificity": (m["tn"], m["tn"] + m["fp"])}
    for name, (k, n) in expected.items():
        low, high = _wilson(k, n, z)
        assert ivs[name]["method"] == "wilson"
        assert (ivs[name]["low"], ivs[name]["high"]) == pytest.approx((low, high), abs=1e-12), name
    for name in ("f1", "mcc", "average_precision", "log_loss", "brier", "balanced_accuracy"):
        assert ivs[name]["method"] == "bootstrap"
        assert ivs[name]["low"] <= m[name] <= ivs[name]["high"], name
    assert "tp" not in ivs  # counts get no interval
    assert list(d["intervals"]) == ["level", "bootstrap", "seed", "metrics"]
    assert (d["intervals"]["bootstrap"], d["intervals"]["seed"]) == (1000, 0)


def test_weights_and_ci_method_bootstrap_replace_delong_and_wilson(invoke, binary_csv):
    path, _, _ = binary_csv
    weighted = _json(invoke, "classify", str(path), "-t", "y", "-s", "p", "-w", "w", "--ci", "--bootstrap", "200")
    forced = _json(invoke, "classify", str(path), "-t", "y", "-s", "p", "--ci", "--ci-method", "bootstrap",
                   "--bootstrap", "200")
    for d in (weighted, forced):
        assert {iv["method"] for iv in d["intervals"]["metrics"].values()} == {"bootstrap"}


def test_seed_reproducibility_and_row_order_invariance(invoke, binary_csv, tmp_path):
    path, _, _ = binary_csv
    args = ("classify", str(path), "-t", "y", "-s", "p", "--ci", "--bootstrap", "300")
    a = _json(invoke, *args)
    b = _json(invoke, *args)
    assert a == b
    c = _json(invoke, *args, "--seed", "7")
    assert c["intervals"]["seed"] == 7
    assert c["intervals"]["metrics"]["f1"] != a["intervals"]["metrics"]["f1"]
    assert c["intervals"]["metrics"]["roc_auc"] == a["intervals"]["metrics"]["roc_auc"]  # DeLong: no draws
    lines = path.read_text().splitlines()
    rng = np.random.default_rng(0)
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("\n".join([lines[0], *rng.permutation(lines[1:])]) + "\n")
    s = _json(invoke, "classify", str(shuffled), *args[2:])
    for name, iv in a["intervals"]["metrics"].items():
        assert s["intervals"]["metrics"][name]["low"] == pytest.approx(iv["low"], rel=1e-9, abs=1e-12), name


def test_bootstrap_coverage_is_near_the_nominal_level(tmp_path):
    """95 % percentile intervals of mean_nll cover the true expected NLL ≈ 95 % of the time."""
    import pyarrow as pa

    from evalml_cli import api

    truth = 0.5 * math.log(2 * math.pi) + 0.5  # E[−ln φ(x)] for x ~ N(0, 1)
    rng = np.random.default_rng(11)
    hits = 0
    trials = 120
    for _ in range(trials):
        x = rng.normal(size=150)
        table = pa.table({"l": stats.norm.pdf(x)})
        r = api.density(table, likelihood="l", ci=0.95, bootstrap=300, seed=int(rng.integers(1 << 30)))
        iv = r.intervals.metrics["mean_nll"]
        hits += iv.low <= truth <= iv.high
    assert 0.88 <= hits / trials <= 0.99


@pytest.mark.parametrize("form", [
    ("--ci",), ("--ci", "0.9"), ("--ci=0.8",), ("--ci", "--require", "roc_auc.low>=0.1"),
])
def test_ci_option_forms(invoke, binary_csv, form):
    path, _, _ = binary_csv
    code, out, err = invoke("classify", str(path), "-t", "y", "-s", "p", "--bootstrap", "50", *form, "-f", "json")
    assert code == 0, err
    level = {"--ci": 0.95, "0.9": 0.9, "--ci=0.8": 0.8}.get(form[-1] if len(form) < 3 else "--ci", 0.95)
    if form == ("--ci", "0.9"):
        level = 0.9
    assert json.loads(out)["intervals"]["level"] == level


def test_ci_before_the_file_means_the_default_level(invoke, binary_csv):
    path, _, _ = binary_csv
    code, out, err = invoke("classify", "--ci", str(path), "-t", "y", "-s", "p", "--bootstrap", "50", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["intervals"]["level"] == 0.95


@pytest.mark.parametrize("args, needle", [
    (("--ci", "1.5"), "--ci level must be strictly between 0 and 1"),
    (("--ci", "0"), "--ci level must be strictly between 0 and 1"),
    (("--ci", "--bootstrap", "1"), "--bootstrap must be at least 2"),
    (("--ci", "--seed", "-1"), "--seed must be a non-negative integer"),
    (("--ci", "--ci-method", "delong"), "--ci-method"),
    (("--ci", "--bootstrap-kind", "basic"), "--bootstrap-kind"),
    (("-r", "roc_auc.low>=0.5"), ".low is a confidence-interval bound and this run has none"),
])
def test_bad_interval_options_exit_2_with_one_line(invoke, binary_csv, args, needle):
    path, _, _ = binary_csv
    code, out, err = invoke("classify", str(path), "-t", "y", "-s", "p", *args)
    assert code == 2
    assert out == ""
    assert needle in err and err.startswith("evalml: error:") and err.count("\n") == 1


def test_gates_on_bounds_pass_fail_and_undefined(invoke, binary_csv, tmp_path):
    path, _, _ = binary_csv
    base = ("classify", str(path), "-t", "y", "-s", "p", "--ci", "--bootstrap", "100", "-q")
    assert invoke(*base, "-r", "roc_auc.low>=0.5", "-r", "log_loss.high<=2")[0] == 0
    code, _, err = invoke(*base, "-r", "roc_auc.low>=0.99")
    assert code == 1 and "FAILED roc_auc.low>=0.99" in err
    one = tmp_path / "one.csv"
    one.write_text("y,p\n1,0.2\n1,0.7\n1,0.9\n")
    code, out, err = invoke("classify", str(one), "-t", "y", "-s", "p", "--ci", "-r", "recall.low>=0", "-f", "json")
    assert code == 0
    d = json.loads(out)
    assert d["intervals"]["metrics"]["roc_auc"] == {"low": None, "high": None, "method": "delong"}
    code, _, err = invoke("classify", str(one), "-t", "y", "-s", "p", "--ci", "-r", "roc_auc.low>=0", "-q")
    assert code == 1 and "undefined" in err


def test_single_class_interval_is_null_with_a_warning(invoke, tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("y,p\n0,0.2\n0,0.3\n1,0.9\n")  # one positive: DeLong needs 2 of each class
    d = _json(invoke, "classify", str(f), "-t", "y", "-s", "p", "--ci")
    assert d["intervals"]["metrics"]["roc_auc"]["low"] is None
    assert any("roc_auc interval is undefined" in w and "at least 2 rows of each class" in w for w in d["warnings"])


def test_bca_kind_is_reported(invoke, binary_csv):
    path, _, _ = binary_csv
    d = _json(invoke, "classify", str(path), "-t", "y", "-s", "p", "--ci", "--bootstrap", "200",
              "--bootstrap-kind", "bca")
    assert d["intervals"]["bootstrap_kind"] == "bca"
    f1 = d["intervals"]["metrics"]["f1"]
    assert f1["method"] == "bca" and f1["low"] <= d["metrics"]["f1"] <= f1["high"]


def test_multiclass_intervals_and_per_class_intervals(invoke):
    d = _json(invoke, "classify", "sample_data/multiclass.csv", "-t", "species", "-s", "p_*", "--ci",
              "--bootstrap", "40")
    ivs = d["intervals"]["metrics"]
    for name in ("accuracy", "f1_macro", "log_loss", "roc_auc_ovr_macro"):
        assert ivs[name]["method"] == "bootstrap" and ivs[name]["low"] <= d["metrics"][name] <= ivs[name]["high"]
    for cls, row in d["per_class"].items():
        assert set(row["intervals"]) >= {"precision", "recall", "f1", "roc_auc"}, cls
    code, _, err = invoke("classify", "sample_data/multiclass.csv", "-t", "species", "-s", "p_*", "--ci",
                          "--bootstrap", "40", "-q", "-r", "recall[e].low>=0.5", "-r", "f1_macro.high<=0.99")
    assert code == 0, err


def test_regression_intervals_and_chi2_with_sigma(invoke, tmp_path):
    d = _json(invoke, "regress", "sample_data/fit.csv", "-t", "data", "-p", "theory", "--sigma", "stat_err",
              "--ci", "--bootstrap", "200", "--seed", "7")
    ivs = d["intervals"]["metrics"]
    for name in ("mse", "rmse", "mae", "r2", "p_value", "chi2_per_ndof", "median_absolute_error"):
        assert ivs[name]["low"] is not None, name
    assert "chi2" not in ivs and "ndof" not in ivs
    cov = _json(invoke, "regress", "sample_data/fit.csv", "-t", "data", "-p", "theory", "--cov", "sample_data/cov.csv",
                "--ci", "--bootstrap", "50")
    assert cov["intervals"]["metrics"]["p_value"]["low"] is None
    assert any("p_value interval is undefined" in w for w in cov["warnings"])


def test_density_mean_nll_interval(invoke):
    d = _json(invoke, "density", "sample_data/density.csv", "-l", "model_pdf", "--ci", "--bootstrap", "200")
    iv = d["intervals"]["metrics"]["mean_nll"]
    assert iv["method"] == "bootstrap" and iv["low"] < d["metrics"]["mean_nll"] < iv["high"]


def test_reports_without_ci_are_unchanged(invoke, binary_csv):
    path, _, _ = binary_csv
    d = _json(invoke, "classify", str(path), "-t", "y", "-s", "p")
    assert "intervals" not in d


def test_installed_command_accepts_a_bare_ci(binary_csv):
    from conftest import run_evalml

    path, _, _ = binary_csv
    for args in (("--ci",), ("--ci", "0.9"), ("--ci", "-q", "-r", "roc_auc.low>=0.99")):
        r = run_evalml("classify", str(path), "-t", "y", "-s", "p", "--bootstrap", "20", *args)
        expected = 1 if "-q" in args else 0
        assert r.returncode == expected, r.stderr
        if expected == 0:
            assert "[" in r.stdout.decode()


def test_interval_options_without_ci_warn_that_they_are_ignored(invoke):
    from conftest import SAMPLES

    code, out, err = invoke("classify", str(SAMPLES / "binary.csv"), "--bootstrap", "50", "--seed", "3", "-f", "json")
    assert code == 0, err
    import json

    report = json.loads(out)
    assert "intervals" not in report
    assert any("--bootstrap, --seed are ignored without --ci" in w for w in report["warnings"])


def test_per_class_intervals_appear_in_the_table_and_markdown(invoke):
    from conftest import SAMPLES

    args = ("classify", str(SAMPLES / "multiclass.csv"), "-t", "species", "-s", "p_*", "--ci", "--bootstrap", "100")
    report = _json(invoke, *args)
    iv = report["per_class"]["e"]["intervals"]["recall"]
    for fmt in ("table", "markdown"):
        code, out, err = invoke(*args, "-f", fmt)
        assert code == 0, err
        recall = report["per_class"]["e"]["recall"]
        assert f"{recall:.4f} [{iv['low']:.4f}, {iv['high']:.4f}]" in out, fmt
