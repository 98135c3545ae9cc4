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
