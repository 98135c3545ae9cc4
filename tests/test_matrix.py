"""Covariance / correlation / sigma loading and the catalogue of bad matrices."""

from __future__ import annotations

import numpy as np
import pytest

from evalml_cli.errors import EvalmlError
from evalml_cli.kernels.regression import chi2_cholesky
from evalml_cli.io.matrix import load_matrix, validate_covariance, validate_sigma


def spd(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    return a @ a.T / n + np.eye(n)


# ------------------------------------------------------------------ loading


def test_npy_csv_and_txt_load_identically(tmp_path):
    c = spd(6)
    np.save(tmp_path / "c.npy", c)
    np.savetxt(tmp_path / "c.csv", c, delimiter=",", fmt="%.17g")
    np.savetxt(tmp_path / "c.txt", c, fmt="%.17g")
    np.savetxt(tmp_path / "c.dat", c, fmt="%.17g")
    from_npy = load_matrix(str(tmp_path / "c.npy"))
    assert from_npy.dtype == np.float64
    np.testing.assert_array_equal(from_npy, c)
    for name in ("c.csv", "c.txt", "c.dat"):
        np.testing.assert_array_equal(load_matrix(str(tmp_path / name)), from_npy)


def test_gzipped_csv_and_integer_npy_load(tmp_path):
    import gzip

    (tmp_path / "c.csv.gz").write_bytes(gzip.compress(b"2,1\n1,2\n"))
    np.testing.assert_array_equal(load_matrix(str(tmp_path / "c.csv.gz")), [[2.0, 1.0], [1.0, 2.0]])
    np.save(tmp_path / "i.npy", np.array([[4, 0], [0, 9]]))
    loaded = load_matrix(str(tmp_path / "i.npy"))
    assert loaded.dtype == np.float64 and loaded.tolist() == [[4.0, 0.0], [0.0, 9.0]]


def test_one_by_one_matrix_from_a_single_number(tmp_path):
    (tmp_path / "c.csv").write_text("2.5\n")
    assert load_matrix(str(tmp_path / "c.csv")).shape == (1, 1)


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("h.csv", "a,b\n1,2\n", r"cannot parse matrix file .*h\.csv: could not convert string 'a'"),
        ("r.csv", "1,2\n3\n", r"cannot parse matrix file .*r\.csv: the number of columns changed"),
        ("t.txt", "1 2\n3 x\n", r"cannot parse matrix file .*t\.txt: could not convert string 'x'"),
        ("s.csv", "1;2\n3;4\n", r"cannot parse matrix file .*s\.csv"),
        ("e.csv", "", r"matrix file .*e\.csv is empty"),
        ("b.npy", "not a numpy file", r"cannot parse matrix file .*b\.npy"),
    ],
)
def test_unreadable_text_is_one_line_error(tmp_path, filename, content, message):
    (tmp_path / filename).write_text(content)
    with pytest.raises(EvalmlError, match=message) as info:
        load_matrix(str(tmp_path / filename))
    assert "\n" not in str(info.value)
    assert "usecols" not in str(info.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(EvalmlError, match=r"matrix file not found: .*nope\.csv") as info:
        load_matrix(str(tmp_path / "nope.csv"))
    assert info.value.hint == "check the path"
    with pytest.raises(EvalmlError, match="is a directory"):
        load_matrix(str(tmp_path))


def test_npy_of_wrong_kind(tmp_path):
    np.save(tmp_path / "v.npy", np.arange(3.0))
    with pytest.raises(EvalmlError, match=r"holds a 1-D array of shape \(3,\), expected a 2-D matrix"):
        load_matrix(str(tmp_path / "v.npy"))
    np.save(tmp_path / "s.npy", np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(EvalmlError, match="expected real numbers"):
        load_matrix(str(tmp_path / "s.npy"))
    np.save(tmp_path / "o.npy", np.array([[{}, 1]], dtype=object), allow_pickle=True)
    with pytest.raises(EvalmlError, match="cannot parse matrix file"):
        load_matrix(str(tmp_path / "o.npy"))  # allow_pickle=False refuses object arrays
    np.savez(tmp_path / "z.npz", c=np.eye(2))
    with pytest.raises(EvalmlError, match=r"\.npz archive"):
        load_matrix(str(tmp_path / "z.npz"))


# ------------------------------------------------------------------ validation


def test_good_covariance_and_correlation_pass():
    c = spd(5)
    validate_covariance(c, 5)
    d = np.sqrt(np.diag(c))
    validate_covariance(c / np.outer(d, d), 5, name="correlation", kind="corr")


def test_not_two_dimensional():
    with pytest.raises(EvalmlError, match=r"covariance must be a 2-D matrix, got 1 dimension\(s\) with shape \(4,\)"):
        validate_covariance(np.ones(4), 4)


def test_not_square():
    with pytest.raises(EvalmlError, match=r"covariance must be a square matrix, got shape \(3, 4\)"):
        validate_covariance(np.ones((3, 4)), 3)


def test_size_mismatch_gives_both_numbers():
    with pytest.raises(EvalmlError, match=r"covariance is 4×4 but there are 5 data rows") as info:
        validate_covariance(spd(4), 5)
    assert "one row and one column per data row" in info.value.hint


def test_nan_and_inf_are_counted():
    c = spd(4)
    c[0, 2] = np.nan
    c[3, 1] = np.inf
    with pytest.raises(EvalmlError, match=r"covariance has 2 NaN or infinite entries \(first at row 1, column 3\)"):
        validate_covariance(c, 4)


def test_asymmetry_names_largest_entry_and_tolerance():
    c = spd(5)
    c[3, 1] += 1e-3
    c[4, 0] += 0.25
    with pytest.raises(EvalmlError, match=r"covariance is not symmetric: \|C\[5,1\] − C\[1,5\]\| = 0\.25 \(tolerance ") as info:
        validate_covariance(c, 5)
    assert "(C + C.T) / 2" in info.value.hint


@pytest.mark.parametrize("i, j", [(699, 3), (3, 699), (511, 256), (599, 598)])
def test_asymmetry_is_located_across_tiles(i, j):
    c = spd(700)
    c[i, j] += 0.5
    lo, hi = min(i, j) + 1, max(i, j) + 1
    with pytest.raises(EvalmlError, match=rf"\|C\[{hi},{lo}\] − C\[{lo},{hi}\]\| = 0\.5 "):
        validate_covariance(c, 700)


def test_asymmetry_within_tolerance_passes():
    c = spd(5) * 1e6
    c[3, 1] *= 1 + 1e-12
    validate_covariance(c, 5)


def test_correlation_diagonal_must_be_one():
    r = np.eye(3)
    r[1, 1] = 0.9
    with pytest.raises(EvalmlError, match=r"correlation diagonal must be 1: 1 entry differs \(first at row 2: 0\.9\)"):
        validate_covariance(r, 3, name="correlation", kind="corr")


def test_correlation_entries_must_be_within_one():
    r = np.eye(3)
    r[0, 1] = r[1, 0] = 1.5
    with pytest.raises(EvalmlError, match=r"correlation has 2 entries with \|value\| > 1 \(first at row 1, column 2: 1\.5\)"):
        validate_covariance(r, 3, name="correlation", kind="corr")


def test_covariance_kind_does_not_require_unit_diagonal():
    validate_covariance(np.diag([4.0, 9.0]), 2, kind="cov")


def test_not_positive_definite_is_caught_by_cholesky_with_smallest_eigenvalue():
    rng = np.random.default_rng(1)
    q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    c = (q * np.array([-1.2e-3, 1, 2, 3, 4, 5])) @ q.T
    c = (c + c.T) / 2
    validate_covariance(c, 6)  # symmetric and finite: validation passes, Cholesky does not
    with pytest.raises(EvalmlError) as info:
        chi2_cholesky(np.ones(6), cov=c)
    assert info.value.message == "covariance is not positive definite: smallest eigenvalue -1.20e-03"
    assert "positive definite" in info.value.hint


def test_singular_covariance_is_not_positive_definite():
    c = np.ones((3, 3))  # rank 1
    with pytest.raises(EvalmlError, match="covariance is not positive definite: smallest eigenvalue"):
        chi2_cholesky(np.ones(3), cov=c)


@pytest.mark.parametrize(
    "sigma, message",
    [
        ([1.0, 0.0, 2.0, -1.0], r"column 'sigma': 2 row\(s\) have a zero or negative uncertainty \(first at data row 2: 0\)"),
        ([1.0, 2.0, -0.5], r"column 'sigma': 1 row\(s\) have a zero or negative uncertainty \(first at data row 3: -0\.5\)"),
        ([1.0, np.nan, np.inf], r"column 'sigma': 2 row\(s\) have a NaN or infinite uncertainty \(first at data row 2\)"),
    ],
)
def test_bad_sigma(sigma, message):
    with pytest.raises(EvalmlError, match=message):
        validate_sigma(np.array(sigma), "column 'sigma'")


def test_good_sigma_passes():
    validate_sigma(np.array([1e-300, 1.0, 1e300]), "column 'sigma'")


# -- issue 8 items 13, 15, 16: a matrix from a pipe, a corrupt .npy, the size hint -----------------
def _one_line(err):
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("evalml: error: ") and "internal error" not in err, err
    return lines[0]


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_cov_on_a_fifo_is_refused_without_blocking(tmp_path, invoke):
    import os

    f = tmp_path / "d.csv"
    f.write_text("y,pred,s\n1,1.1,0.1\n2,2.1,0.1\n")
    fifo = tmp_path / "cov.csv"
    os.mkfifo(fifo)
    code, _, err = invoke("regress", str(f), "--cov", str(fifo))
    assert code == 2 and "not a regular file" in _one_line(err)


def test_npy_with_negative_shape_is_an_input_error(tmp_path, invoke):
    import numpy as np

    f = tmp_path / "d.csv"
    f.write_text("y,pred\n1,1.1\n2,2.1\n")
    m = tmp_path / "cov.npy"
    np.save(m, np.eye(2))
    m.write_bytes(m.read_bytes().replace(b"(2, 2)", b"(-2, 2)"))
    code, _, err = invoke("regress", str(f), "--cov", str(m))
    assert code == 2 and "cannot parse matrix file" in _one_line(err)


def test_cov_size_hint_counts_all_file_rows(tmp_path, invoke):
    f = tmp_path / "d.csv"
    f.write_text("y,pred\n1,1.1\n2,\n3,3.1\n")
    m = tmp_path / "cov.csv"
    m.write_text("1,0\n0,1\n")
    code, _, err = invoke("regress", str(f), "--cov", str(m), "--drop-invalid")
    line = _one_line(err)
    assert code == 2 and "2×2 but there are 3 data rows" in line and "including rows --drop-invalid skips" in line
