"""`evalml regress` and `evalml density` end to end, against scipy/scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from conftest import SAMPLES, parse_json, run_evalml, write_csv

FIT = str(SAMPLES / "fit.csv")


def _fit():
    import pyarrow.csv as pacsv

    t = pacsv.read_csv(FIT).to_pydict()
    return np.array(t["data"]), np.array(t["theory"]), np.array(t["stat_err"])


def _json(invoke, *args):
    code, out, err = invoke(*args, "-f", "json")
    assert code == 0, err
    return parse_json(out)


def test_plain_regression_matches_sklearn(invoke):
    rep = _json(invoke, "regress", FIT, "--target", "data", "--pred", "theory")
    y, p, _ = _fit()
    m = rep["metrics"]
    assert rep["task"] == "regression" and rep["n"] == 40
    assert m["mse"] == pytest.approx(skm.mean_squared_error(y, p), rel=1e-9)
    assert m["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, p)), rel=1e-9)
    assert m["mae"] == pytest.approx(skm.mean_absolute_error(y, p), rel=1e-9)
    assert m["r2"] == pytest.approx(skm.r2_score(y, p), rel=1e-9)
    assert m["max_abs_error"] == pytest.approx(skm.max_error(y, p), rel=1e-9)
    assert m["mean_residual"] == pytest.approx(np.mean(y - p), rel=1e-9)
    assert "chi2" not in m


def test_chi2_with_full_covariance_matches_scipy(invoke):
    from scipy import linalg, stats

    rep = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy"), "--n-params", "3")
    y, p, _ = _fit()
    c = np.load(SAMPLES / "cov.npy")
    r = y - p
    chi2 = r @ linalg.solve(c, r, assume_a="pos")
    m = rep["metrics"]
    assert m["chi2"] == pytest.approx(chi2, rel=1e-9)
    assert m["ndof"] == 37 and m["chi2_per_ndof"] == pytest.approx(chi2 / 37, rel=1e-9)
    assert m["p_value"] == pytest.approx(stats.chi2.sf(chi2, 37), rel=1e-9)
    z = linalg.solve_triangular(np.linalg.cholesky(c), r, lower=True)
    assert m["pull_mean"] == pytest.approx(z.mean(), rel=1e-9, abs=1e-12)
    assert m["pull_std"] == pytest.approx(z.std(), rel=1e-9)
    assert m["pull_max_row"] == int(np.argmax(np.abs(z))) + 1
    assert m["cond_number"] == pytest.approx(np.linalg.cond(c), rel=1e-6)


def test_sigma_equals_diagonal_cov_and_corr_equals_cov(invoke, tmp_path):
    y, p, s = _fit()
    np.save(tmp_path / "diag.npy", np.diag(s**2))
    a = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--sigma", "stat_err")["metrics"]
    b = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--cov", str(tmp_path / "diag.npy"))["metrics"]
    for key in ("chi2", "p_value", "pull_mean", "pull_std", "pull_max_abs"):
        assert a[key] == pytest.approx(b[key], rel=1e-9), key
    full = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy"))["metrics"]
    viacorr = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--sigma", "stat_err",
                    "--corr", str(SAMPLES / "corr.csv"))["metrics"]
    assert viacorr["chi2"] == pytest.approx(full["chi2"], rel=1e-9)


def test_npy_and_csv_covariance_give_identical_reports(invoke):
    a = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy"))
    b = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.csv"))
    a["inputs"].pop("cov"), b["inputs"].pop("cov")
    assert a == b


def test_p_value_gate(invoke):
    base = ("regress", FIT, "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy"), "-q")
    assert invoke(*base, "--require", "p_value>=0.05")[0] == 0
    code, _, err = invoke(*base, "--require", "p_value>=0.99")
    assert code == 1 and "FAILED p_value>=0.99" in err
    code, _, err = invoke(*base, "--require", "roc_auc>=0.5")
    assert code == 2 and "unknown metric" in err


def test_pulls_file(invoke, tmp_path):
    out = tmp_path / "pulls.csv"
    code, _, err = invoke("regress", FIT, "-t", "data", "-p", "theory", "--sigma", "stat_err", "--pulls", str(out), "-q")
    assert code == 0, err
    lines = out.read_text().splitlines()
    assert lines[0] == "row,residual,pull" and len(lines) == 41
    y, p, s = _fit()
    row, res, pull = lines[5].split(",")
    assert int(row) == 5 and float(res) == pytest.approx(y[4] - p[4]) and float(pull) == pytest.approx((y[4] - p[4]) / s[4])


def test_pulls_not_written_on_error(invoke, tmp_path):
    out = tmp_path / "pulls.csv"
    bad = np.eye(3)
    np.save(tmp_path / "bad.npy", bad)
    code, _, _ = invoke("regress", FIT, "-t", "data", "-p", "theory", "--cov", str(tmp_path / "bad.npy"), "--pulls", str(out))
    assert code == 2 and not out.exists()


def _cov_error(invoke, tmp_path, matrix, name="c.npy"):
    path = tmp_path / name
    np.save(path, matrix) if name.endswith(".npy") else path.write_text(matrix)
    code, out, err = invoke("regress", FIT, "-t", "data", "-p", "theory", "--cov", str(path))
    assert code == 2 and out == ""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err
    return lines[0]


def test_every_bad_covariance(invoke, tmp_path):
    c = np.load(SAMPLES / "cov.npy")
    assert "square" in _cov_error(invoke, tmp_path, c[:, :39])
    assert "40" in _cov_error(invoke, tmp_path, c[:39, :39]) and "39" in _cov_error(invoke, tmp_path, c[:39, :39])
    asym = c.copy()
    asym[3, 7] += 5.0
    assert "not symmetric" in _cov_error(invoke, tmp_path, asym)
    notpd = c.copy()
    notpd[0, 1] = notpd[1, 0] = 10 * np.sqrt(c[0, 0] * c[1, 1])
    line = _cov_error(invoke, tmp_path, notpd)
    assert "not positive definite" in line and "smallest eigenvalue -" in line
    nan = c.copy()
    nan[2, 2] = np.nan
    assert "NaN or infinite" in _cov_error(invoke, tmp_path, nan)
    assert "cannot parse" in _cov_error(invoke, tmp_path, "1,2\n3,x\n", name="c.csv")


def test_missing_covariance_file(invoke):
    code, _, err = invoke("regress", FIT, "-t", "data", "-p", "theory", "--cov", "nope.npy")
    assert code == 2 and "not found" in err


def test_zero_or_negative_sigma(invoke, tmp_path):
    f = write_csv(tmp_path / "s.csv", "data,theory,err\n1,1.1,0.1\n2,2.1,0\n3,2.9,-1\n")
    code, _, err = invoke("regress", str(f), "--sigma", "err")
    assert code == 2 and "2 row(s) have a zero or negative uncertainty" in err and "data row 2" in err


@pytest.mark.parametrize(
    "args, needle",
    [(["--cov", "c.npy", "--sigma", "stat_err"], "cannot be used together"),
     (["--corr", "c.csv"], "--corr needs --sigma"),
     (["--pulls", "p.csv"], "--pulls needs uncertainties")],
)
def test_usage_errors_before_reading(invoke, args, needle):
    code, _, err = invoke("regress", "missing.csv", *args)
    assert code == 2 and needle in err and "not found" not in err


def test_replicas_bias_variance_identity(invoke):
    rep = _json(invoke, "regress", str(SAMPLES / "replicas.parquet"), "--target", "target", "--pred", "rep_*")
    m = rep["metrics"]
    assert m["n_replicas"] == 20 and len(rep["inputs"]["pred"]) == 20
    assert m["bias2"] + m["variance"] == pytest.approx(m["expected_mse"], rel=1e-12)
    assert m["bias2_plus_variance"] == pytest.approx(m["expected_mse"], rel=1e-12)
    import pyarrow.parquet as pq

    t = pq.read_table(SAMPLES / "replicas.parquet").to_pydict()
    y = np.array(t["target"])
    preds = np.column_stack([t[f"rep_{i}"] for i in range(20)])
    assert m["mse"] == pytest.approx(skm.mean_squared_error(y, preds.mean(axis=1)), rel=1e-9)
    assert m["expected_mse"] == pytest.approx(np.mean((preds - y[:, None]) ** 2), rel=1e-9)


def test_weighted_regression(invoke, tmp_path):
    f = write_csv(tmp_path / "w.csv", "y,pred,w\n1,1.5,1\n2,2.0,3\n4,3.0,0.5\n")
    m = _json(invoke, "regress", str(f), "-w", "w")["metrics"]
    assert m["mse"] == pytest.approx(skm.mean_squared_error([1, 2, 4], [1.5, 2, 3], sample_weight=[1, 3, 0.5]), rel=1e-9)
    assert m["r2"] == pytest.approx(skm.r2_score([1, 2, 4], [1.5, 2, 3], sample_weight=[1, 3, 0.5]), rel=1e-9)


def test_drop_invalid_restricts_covariance(invoke, tmp_path):
    f = write_csv(tmp_path / "d.csv", "data,theory\n1,1.1\nnan,2\n3,2.9\n")
    c = np.array([[1.0, 0.2, 0.1], [0.2, 2.0, 0.3], [0.1, 0.3, 1.5]])
    np.save(tmp_path / "c.npy", c)
    rep = _json(invoke, "regress", str(f), "--cov", str(tmp_path / "c.npy"), "--drop-invalid")
    r = np.array([-0.1, 0.1])
    sub = c[np.ix_([0, 2], [0, 2])]
    assert rep["n_dropped"] == 1 and rep["metrics"]["chi2"] == pytest.approx(r @ np.linalg.solve(sub, r), rel=1e-9)
    assert any("restricted" in w for w in rep["warnings"])


def test_density_likelihood(invoke):
    rep = _json(invoke, "density", str(SAMPLES / "density.csv"), "--likelihood", "model_pdf")
    import pyarrow.csv as pacsv

    lik = np.array(pacsv.read_csv(SAMPLES / "density.csv").to_pydict()["model_pdf"])
    assert rep["task"] == "density"
    assert rep["metrics"]["nll"] == pytest.approx(-np.log(lik).sum(), rel=1e-9)
    assert rep["metrics"]["bits_per_sample"] == pytest.approx(-np.log2(lik).mean(), rel=1e-9)


def test_density_kl_matches_scipy_and_infinite_is_null(invoke, tmp_path):
    from scipy.spatial.distance import jensenshannon
    from scipy.stats import entropy

    f = write_csv(tmp_path / "h.csv", "observed,expected\n10,12\n20,18\n5,6\n0,1\n")
    rep = _json(invoke, "density", str(f), "--p", "observed", "--q", "expected")
    p, q = np.array([10, 20, 5, 0.0]), np.array([12, 18, 6, 1.0])
    m = rep["metrics"]
    assert m["kl_divergence"] == pytest.approx(entropy(p, q), rel=1e-9)
    assert m["kl_divergence_reverse"] is None  # p = 0 where q > 0
    assert m["js_divergence"] == pytest.approx(jensenshannon(p, q) ** 2, rel=1e-9)
    assert any("normalized" in w for w in rep["warnings"])
    assert any("kl_divergence_reverse is undefined" in w for w in rep["warnings"])
    code, _, err = invoke("density", str(f), "--p", "observed", "--q", "expected", "-q", "-r", "kl_divergence_reverse<=1")
    assert code == 1 and "got null" in err


def test_density_bad_inputs(invoke, tmp_path):
    f = write_csv(tmp_path / "l.csv", "pdf\n0.5\n0\n-0.1\n0.2\n")
    code, _, err = invoke("density", str(f), "--likelihood", "pdf")
    assert code == 2 and "2 row(s) have a zero or negative likelihood" in err and "data rows 2, 3" in err
    code, _, err = invoke("density", str(f))
    assert code == 2 and "--likelihood" in err
    code, _, err = invoke("density", str(f), "--likelihood", "pdf", "--p", "pdf")
    assert code == 2


def test_installed_regress_subprocess():
    proc = run_evalml("regress", FIT, "--target", "data", "--pred", "theory", "--cov", str(SAMPLES / "cov.npy"),
                      "--require", "p_value>=0.05")
    assert proc.returncode == 0 and b"chi2" in proc.stdout


# --------------------------------------------------------------------------------------------
# The example commands, literally (file names made to match in tmp_path)


def _to_parquet(src, dst, rename=None):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    t = pacsv.read_csv(src)
    if rename:
        t = t.rename_columns([rename.get(c, c) for c in t.column_names])
    pq.write_table(t, dst)
    return dst


def test_example_parquet_cov_n_params_gate_with_detected_columns(invoke, tmp_path):
    fit = _to_parquet(FIT, tmp_path / "fit.parquet")
    (tmp_path / "cov.npy").write_bytes((SAMPLES / "cov.npy").read_bytes())
    code, out, err = invoke("regress", str(fit), "--cov", str(tmp_path / "cov.npy"), "--n-params", "3",
                            "--require", "p_value>=0.05", "-f", "json")
    assert code == 0, err
    assert "'data'" in err and "'theory'" in err and "detected" in err  # the detection note
    rep = parse_json(out)
    ref = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy"), "--n-params", "3")
    assert rep["metrics"] == ref["metrics"] and rep["inputs"]["n_params"] == 3 and rep["metrics"]["ndof"] == 37


def test_example_sigma_corr_pulls_match_scipy(invoke, tmp_path):
    from scipy import linalg

    import pyarrow.csv as pacsv

    t = pacsv.read_csv(FIT)
    fit = tmp_path / "fit.csv"
    pacsv.write_csv(t.rename_columns(["bin", "x", "data", "theory", "err"]), fit)
    pulls = tmp_path / "pulls.csv"
    code, out, err = invoke("regress", str(fit), "--sigma", "err", "--corr", str(SAMPLES / "corr.csv"),
                            "--pulls", str(pulls), "-f", "json")
    assert code == 0, err
    rep = parse_json(out)
    y, p, _ = _fit()
    r = y - p
    c = np.load(SAMPLES / "cov.npy")
    z = linalg.solve_triangular(linalg.cholesky(c, lower=True), r, lower=True)
    rows = np.loadtxt(pulls, delimiter=",", skiprows=1)
    assert pulls.read_text().splitlines()[0] == "row,residual,pull"
    np.testing.assert_array_equal(rows[:, 0], np.arange(1, 41))
    np.testing.assert_allclose(rows[:, 1], r, rtol=1e-12)
    np.testing.assert_allclose(rows[:, 2], z, rtol=1e-8, atol=1e-12)
    assert rep["metrics"]["chi2"] == pytest.approx(z @ z, rel=1e-9)
    assert rep["inputs"]["sigma"] == "err" and rep["inputs"]["corr"] == str(SAMPLES / "corr.csv")
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".")]  # no temp file left


def test_example_density_commands(invoke, tmp_path):
    samples = _to_parquet(SAMPLES / "density.csv", tmp_path / "samples.parquet")
    code, out, err = invoke("density", str(samples), "--likelihood", "model_pdf")
    assert code == 0, err
    assert "nll" in out
    code, out, err = invoke("density", str(SAMPLES / "hist.csv"), "--p", "observed", "--q", "expected", "-f", "json")
    assert code == 0, err
    rep = parse_json(out)
    assert rep["inputs"] == {"file": str(SAMPLES / "hist.csv"), "p": "observed", "q": "expected"}
    assert "p and q were normalized to sum to 1" in rep["warnings"]


# --------------------------------------------------------------------------------------------
# More contract


def test_infinite_kl_is_null_with_warning_and_fails_a_gate(invoke, tmp_path):
    f = write_csv(tmp_path / "h.csv", "p,q\n0.5,0.5\n0.5,0\n")
    code, out, err = invoke("density", str(f), "--p", "p", "--q", "q", "-f", "json")
    assert code == 0, err
    rep = parse_json(out)
    assert rep["metrics"]["kl_divergence"] is None and "Infinity" not in out
    assert any("kl_divergence" in w and "infinite" in w for w in rep["warnings"])
    assert rep["metrics"]["js_divergence"] is not None
    code, _, err = invoke("density", str(f), "--p", "p", "--q", "q", "-q", "--require", "kl_divergence<=0.1")
    assert code == 1 and "FAILED kl_divergence<=0.1: got null" in err


def test_density_negative_p_weight_with_pq_and_nan_rows(invoke, tmp_path):
    f = write_csv(tmp_path / "h.csv", "p,q,w\n1,2,1\n-1,2,1\n3,1,1\n")
    code, _, err = invoke("density", str(f), "--p", "p", "--q", "q")
    assert code == 2 and "negative" in err and "data rows 2" in err
    code, _, err = invoke("density", str(f), "--p", "p", "--q", "q", "-w", "w")
    assert code == 2 and "--weight" in err
    g = write_csv(tmp_path / "l.csv", "pdf,w\n0.5,1\n,1\n0.25,3\n")
    code, _, err = invoke("density", str(g), "--likelihood", "pdf")
    assert code == 2 and "data rows 2" in err
    m = _json(invoke, "density", str(g), "--likelihood", "pdf", "-w", "w", "--drop-invalid")["metrics"]
    assert m["nll"] == pytest.approx(-(np.log(0.5) + 3 * np.log(0.25)), rel=1e-12)
    assert m["mean_nll"] == pytest.approx(m["nll"] / 4, rel=1e-12)


def test_inf_covariance_and_bad_correlation(invoke, tmp_path):
    c = np.load(SAMPLES / "cov.npy").copy()
    c[5, 5] = np.inf
    assert "NaN or infinite" in _cov_error(invoke, tmp_path, c)
    r = np.loadtxt(SAMPLES / "corr.csv", delimiter=",")
    r[0, 0] = 2.0
    np.savetxt(tmp_path / "r.csv", r, delimiter=",")
    code, _, err = invoke("regress", FIT, "-t", "data", "-p", "theory", "--sigma", "stat_err", "--corr", str(tmp_path / "r.csv"))
    assert code == 2 and "correlation diagonal must be 1" in err and len(err.strip().splitlines()) == 1


def test_txt_covariance_and_sigma_vs_sigma_times_identity_corr(invoke, tmp_path):
    c = np.load(SAMPLES / "cov.npy")
    np.savetxt(tmp_path / "cov.txt", c, fmt="%.17g")
    a = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy"))
    b = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--cov", str(tmp_path / "cov.txt"))
    assert a["metrics"] == b["metrics"]
    np.savetxt(tmp_path / "eye.csv", np.eye(40), delimiter=",")
    s = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--sigma", "stat_err")["metrics"]
    e = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--sigma", "stat_err", "--corr", str(tmp_path / "eye.csv"))
    assert e["metrics"]["chi2"] == pytest.approx(s["chi2"], rel=1e-12)


def test_pulls_and_pull_max_row_use_file_rows_after_drop_invalid(invoke, tmp_path):
    f = write_csv(tmp_path / "d.csv", "data,theory,err\n1,1.1,0.1\n,2,1\n3,2.0,0.5\n4,4.1,1\n")
    out = tmp_path / "pulls.csv"
    rep = _json(invoke, "regress", str(f), "--sigma", "err", "--drop-invalid", "--pulls", str(out))
    assert rep["n"] == 3 and rep["n_dropped"] == 1
    assert rep["metrics"]["pull_max_row"] == 3  # (3 − 2)/0.5 = 2 in file row 3
    assert [ln.split(",")[0] for ln in out.read_text().splitlines()[1:]] == ["1", "3", "4"]


def test_bad_output_directory_leaves_no_pulls_file(invoke, tmp_path):
    out = tmp_path / "pulls.csv"
    code, _, err = invoke("regress", FIT, "-t", "data", "-p", "theory", "--sigma", "stat_err", "--pulls", str(out),
                          "-o", str(tmp_path / "missing" / "r.json"))
    assert code == 2 and "does not exist" in err and not out.exists()
    code, _, err = invoke("regress", FIT, "-t", "data", "-p", "theory", "--sigma", "stat_err", "--pulls", str(out),
                          "-o", str(out))
    assert code == 2 and not out.exists()


def test_output_file_and_no_partial_report_on_error(invoke, tmp_path):
    report = tmp_path / "r.json"
    code, out, err = invoke("regress", FIT, "-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy"), "-o", str(report))
    assert code == 0 and out == "" and parse_json(report.read_text())["task"] == "regression"
    bad = tmp_path / "bad.json"
    np.save(tmp_path / "small.npy", np.eye(3))
    code, _, err = invoke("regress", FIT, "-t", "data", "-p", "theory", "--cov", str(tmp_path / "small.npy"), "-o", str(bad))
    assert code == 2 and "3×3 but there are 40 data rows" in err and not bad.exists()
    code, _, err = invoke("regress", FIT, "-o", str(bad), "-r", "nosuch>=1")
    assert code == 2 and "unknown metric" in err and not bad.exists()


def test_ill_conditioned_covariance_warns(invoke, tmp_path):
    f = write_csv(tmp_path / "c.csv", "data,theory\n1,1.1\n2,2\n3,3\n")
    np.save(tmp_path / "c.npy", np.diag([1.0, 1.0, 1e-12]))
    rep = _json(invoke, "regress", str(f), "--cov", str(tmp_path / "c.npy"))
    assert rep["metrics"]["cond_number"] == pytest.approx(1e12, rel=1e-6)
    assert any("ill-conditioned" in w for w in rep["warnings"])


def test_n_params_edge_cases(invoke, tmp_path):
    f = write_csv(tmp_path / "c.csv", "data,theory,err\n1,1.1,1\n2,2,1\n")
    rep = _json(invoke, "regress", str(f), "--sigma", "err", "--n-params", "2")
    assert rep["metrics"]["ndof"] is None and rep["metrics"]["p_value"] is None
    assert any("no degrees of freedom" in w for w in rep["warnings"])
    rep = _json(invoke, "regress", str(f), "--n-params", "1")
    assert "chi2" not in rep["metrics"] and any("--n-params 1 is ignored" in w for w in rep["warnings"])
    code, _, err = invoke("regress", str(f), "--n-params", "-1")
    assert code == 2


def test_table_markdown_and_stdin(invoke):
    code, out, err = invoke("regress", str(SAMPLES / "replicas.csv"), "-t", "target", "-p", "rep_*")
    assert code == 0 and "bias2" in out and "expected_mse" in out
    code, out, _ = invoke("regress", FIT, "-t", "data", "-p", "theory", "--sigma", "stat_err", "-f", "markdown")
    assert code == 0 and "| `p_value` |" in out
    code, out, _ = invoke("regress", "-", "-t", "data", "-p", "theory", "-f", "json", input=open(FIT).read())
    assert code == 0 and parse_json(out)["inputs"]["file"] == "<stdin>"


def test_plain_regress_and_density_do_not_import_scipy_or_pandas():
    import subprocess
    import sys

    code = (
        "import sys\nfrom evalml_cli.cli import app\n"
        "for args in (['regress', %r, '-q'], ['density', %r, '--p', 'observed', '--q', 'expected', '-q']):\n"
        "    try:\n        app(args)\n    except SystemExit as e:\n        assert e.code in (0, None), e.code\n"
        "print(sorted(m for m in ('pandas', 'scipy', 'sklearn') if m in sys.modules))"
    ) % (FIT, str(SAMPLES / "hist.csv"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_new_regression_metrics_and_quantile_match_sklearn(invoke):
    y, p, _ = _fit()
    m = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory", "--quantile", "0.9")["metrics"]
    assert m["mape"] == pytest.approx(skm.mean_absolute_percentage_error(y, p), rel=1e-9)
    assert m["median_absolute_error"] == pytest.approx(skm.median_absolute_error(y, p), rel=1e-9)
    assert m["explained_variance"] == pytest.approx(skm.explained_variance_score(y, p), rel=1e-9)
    assert m["pinball_loss"] == pytest.approx(skm.mean_pinball_loss(y, p, alpha=0.9), rel=1e-9)
    default = _json(invoke, "regress", FIT, "-t", "data", "-p", "theory")
    assert default["inputs"]["quantile"] == 0.5
    assert default["metrics"]["pinball_loss"] == pytest.approx(skm.mean_pinball_loss(y, p, alpha=0.5), rel=1e-9)


@pytest.mark.parametrize("q", ["0", "1", "-0.1", "1.5"])
def test_quantile_outside_the_open_unit_interval_is_a_usage_error(invoke, q):
    code, out, err = invoke("regress", FIT, "-t", "data", "-p", "theory", "--quantile", q)
    assert code == 2 and out == ""
    assert err.startswith("evalml: error:") and "--quantile" in err and len(err.strip().splitlines()) <= 2
