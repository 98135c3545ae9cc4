"""``evalml compare`` (issue 10): paired deltas against independent references (DeLong's paired
test written out in O(n²), McNemar against scipy's binomial test, scikit-learn metrics), two files
matched on --id with shuffled rows, the JSON shape, gates, and every mismatch → exit 2."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score


@pytest.fixture
def models(tmp_path):
    rng = np.random.default_rng(5)
    n = 300
    y = rng.integers(0, 2, n)
    a = np.round(1 / (1 + np.exp(-(2 * y - 1) * 0.8 - rng.normal(0, 1, n))), 5)
    b = np.round(1 / (1 + np.exp(-(2 * y - 1) * 1.2 - rng.normal(0, 1, n))), 5)
    ids = rng.permutation(10_000)[:n]
    one = tmp_path / "both.csv"
    one.write_text("id,y,old,new\n" + "".join(f"{i},{t},{u},{v}\n" for i, t, u, v in zip(ids, y, a, b)))
    old = tmp_path / "old.csv"
    old.write_text("id,y,p\n" + "".join(f"{i},{t},{u}\n" for i, t, u in zip(ids, y, a)))
    perm = rng.permutation(n)
    new = tmp_path / "new.csv"
    new.write_text("id,y,p\n" + "".join(f"{ids[k]},{y[k]},{b[k]}\n" for k in perm))
    return {"one": one, "old": old, "new": new, "y": y.astype(bool), "a": a, "b": b, "ids": ids, "dir": tmp_path}


def _json(invoke, *args):
    code, out, err = invoke(*args, "-f", "json")
    assert code == 0, err
    return json.loads(out)


def _delong_paired_quadratic(y, s1, s2):
    def placements(s):
        x, z = s[y], s[~y]
        psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
        return psi.mean(), psi.mean(axis=1), psi.mean(axis=0)

    a1, v10a, v01a = placements(s1)
    a2, v10b, v01b = placements(s2)
    s10 = np.cov(np.vstack([v10a, v10b]))
    s01 = np.cov(np.vstack([v01a, v01b]))
    var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / v10a.size + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / v01a.size
    delta = a2 - a1
    return delta, var, 2 * stats.norm.sf(abs(delta) / math.sqrt(var))


def test_compare_two_columns_json_shape_and_references(invoke, models):
    d = _json(invoke, "compare", str(models["one"]), "-t", "y", "-s", "old", "-s", "new", "--bootstrap", "300")
    assert list(d) == ["task", "n", "inputs", "models", "delta", "warnings", "version"]
    assert d["task"] == "compare" and d["n"] == 300
    assert list(d["models"]) == ["old", "new"]
    assert list(d["models"]["old"]) == ["metrics"]
    y, a, b = models["y"], models["a"], models["b"]
    assert d["models"]["old"]["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(y, a), abs=1e-12)
    assert d["models"]["new"]["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(y, b), abs=1e-12)
    auc = d["delta"]["roc_auc"]
    delta, var, p = _delong_paired_quadratic(y, a, b)
    z = stats.norm.ppf(0.975)
    assert auc["method"] == "delong"
    assert auc["value"] == pytest.approx(delta, abs=1e-12)
    assert auc["p_value"] == pytest.approx(p, rel=1e-9)
    assert (auc["low"], auc["high"]) == pytest.approx((delta - z * math.sqrt(var), delta + z * math.sqrt(var)), abs=1e-12)
    assert set(auc) == {"value", "low", "high", "p_value", "method"}
    # McNemar's exact test at the threshold against scipy's binomial test
    acc = d["delta"]["accuracy"]
    c1, c2 = (a >= 0.5) == y, (b >= 0.5) == y
    nb, nc = int(np.sum(c1 & ~c2)), int(np.sum(~c1 & c2))
    assert acc["method"] == "mcnemar"
    assert acc["value"] == pytest.approx(accuracy_score(y, b >= 0.5) - accuracy_score(y, a >= 0.5), abs=1e-12)
    assert acc["p_value"] == pytest.approx(stats.binomtest(nb, nb + nc, 0.5).pvalue, rel=1e-9)
    assert acc["low"] <= acc["value"] <= acc["high"]
    f1 = d["delta"]["f1"]
    assert f1["method"] == "bootstrap" and f1["low"] <= f1["value"] <= f1["high"] and 0 < f1["p_value"] <= 1
    assert d["delta"]["tp"]["low"] is None and d["delta"]["tp"]["method"] is None


def test_two_files_with_shuffled_rows_match_on_id(invoke, models):
    one = _json(invoke, "compare", str(models["one"]), "-t", "y", "-s", "old", "-s", "new", "--bootstrap", "200")
    two = _json(invoke, "compare", str(models["old"]), str(models["new"]), "-t", "y", "-s", "p", "--id", "id",
                "--bootstrap", "200")
    assert list(two["models"]) == [str(models["old"]), str(models["new"])]
    for name, delta in one["delta"].items():
        for key in ("value", "low", "high", "p_value"):
            if delta[key] is None:
                assert two["delta"][name][key] is None, (name, key)
            else:
                assert two["delta"][name][key] == pytest.approx(delta[key], rel=1e-9, abs=1e-12), (name, key)


def test_without_id_rows_are_matched_by_order_and_the_targets_must_agree(invoke, models):
    code, out, err = invoke("compare", str(models["old"]), str(models["new"]), "-t", "y", "-s", "p")
    assert code == 2 and out == ""
    assert "the target differs between the two models on" in err and "--id" in err


@pytest.mark.parametrize("edit, needle", [
    ("flip", "the target differs between the two models on 1 matched row(s)"),
    ("dup", "duplicate id(s)"),
    ("drop", "id(s) only in"),
])
def test_mismatched_files_exit_2_naming_rows_and_counts(invoke, models, edit, needle):
    lines = models["new"].read_text().splitlines()
    head, rows = lines[0], lines[1:]
    if edit == "flip":
        i, t, p = rows[4].split(",")
        rows[4] = f"{i},{1 - int(t)},{p}"
    elif edit == "dup":
        rows.append(rows[0])
    else:
        rows = rows[:-2]
    bad = models["dir"] / "bad.csv"
    bad.write_text("\n".join([head, *rows]) + "\n")
    code, out, err = invoke("compare", str(models["old"]), str(bad), "-t", "y", "-s", "p", "--id", "id")
    assert code == 2 and out == ""
    assert needle in err and err.startswith("evalml: error:") and err.count("\n") == 1
    if edit == "drop":
        assert "2 id(s) only in" in err


@pytest.mark.parametrize("args, needle", [
    (("-s", "old"), "needs two --score (or --pred) columns, got 1"),
    (("-s", "old", "-s", "old"), "both models are column 'old'"),
    (("-s", "old", "-s", "nope"), "'nope'"),
    (("-s", "old", "-s", "new", "--ci", "2"), "--ci level must be strictly between 0 and 1"),
    (("-s", "old", "-s", "new", "-r", "delta.nope>=0"), "unknown metric"),
    (("-s", "old", "-s", "new", "--bootstrap", "0"), "--bootstrap must be at least 2"),
])
def test_bad_compare_options_exit_2(invoke, models, args, needle):
    code, out, err = invoke("compare", str(models["one"]), "-t", "y", *args)
    assert code == 2 and out == ""
    assert needle in err and err.count("\n") == 1


def test_three_files_and_different_lengths_exit_2(invoke, models):
    code, _, err = invoke("compare", str(models["old"]), str(models["new"]), str(models["one"]), "-t", "y")
    assert code == 2 and "one or two files" in err
    short = models["dir"] / "short.csv"
    short.write_text("\n".join(models["old"].read_text().splitlines()[:-5]) + "\n")
    code, _, err = invoke("compare", str(models["old"]), str(short), "-t", "y", "-s", "p")
    assert code == 2 and "different numbers of rows (300 and 295)" in err


def test_delta_gates(invoke, models):
    base = ("compare", str(models["one"]), "-t", "y", "-s", "old", "-s", "new", "--bootstrap", "200", "-q")
    assert invoke(*base, "-r", "delta.roc_auc>=-0.005", "-r", "delta.roc_auc.low>=0",
                  "-r", "delta.roc_auc.p_value<=0.05")[0] == 0
    code, _, err = invoke(*base, "-r", "delta.roc_auc<=-0.005")
    assert code == 1 and "FAILED delta.roc_auc<=-0.005" in err
    code, _, err = invoke("classify", str(models["one"]), "-t", "y", "-s", "old", "-r", "delta.roc_auc>=0")
    assert code == 2 and "delta.* gates need two models" in err


def test_table_shows_models_side_by_side_with_delta_and_p(invoke, models):
    code, out, _ = invoke("compare", str(models["one"]), "-t", "y", "-s", "old", "-s", "new", "--bootstrap", "100")
    assert code == 0
    header = next(line for line in out.splitlines() if line.startswith("metric"))
    assert "old" in header and "new" in header and "delta" in header and " p" in header
    assert any(line.startswith("roc_auc") and "[" in line for line in out.splitlines())


def test_regression_compare_matches_sklearn(invoke, tmp_path):
    rng = np.random.default_rng(2)
    y = rng.normal(size=200)
    a, b = y + rng.normal(0, 0.5, 200), y + rng.normal(0, 0.3, 200)
    f = tmp_path / "r.csv"
    f.write_text("y,a,b\n" + "".join(f"{u},{v},{w}\n" for u, v, w in zip(y, a, b)))
    d = _json(invoke, "compare", str(f), "-t", "y", "--pred", "a", "--pred", "b", "--bootstrap", "200")
    mse = d["delta"]["mse"]
    assert mse["value"] == pytest.approx(mean_squared_error(y, b) - mean_squared_error(y, a), rel=1e-9)
    assert mse["method"] == "bootstrap" and mse["low"] <= mse["value"] <= mse["high"] < 0
    assert mse["p_value"] < 0.05


def test_multiclass_compare_with_one_glob_per_model(invoke, tmp_path):
    rng = np.random.default_rng(4)
    n, k = 300, 3
    y = rng.integers(0, k, n)
    def probs(strength):
        s = rng.normal(size=(n, k)) + strength * np.eye(k)[y]
        e = np.exp(s)
        return e / e.sum(axis=1, keepdims=True)
    a, b = probs(1.0), probs(2.0)
    f = tmp_path / "m.csv"
    names = ["x", "yy", "z"]
    cols = [f"a_{c}" for c in names] + [f"b_{c}" for c in names]
    f.write_text("t," + ",".join(cols) + "\n" + "".join(
        names[t] + "," + ",".join(f"{v:.6f}" for v in np.r_[pa, pb]) + "\n" for t, pa, pb in zip(y, a, b)))
    d = _json(invoke, "compare", str(f), "-t", "t", "-s", "a_*", "-s", "b_*", "--bootstrap", "50")
    assert list(d["models"]) == ["a_*", "b_*"]
    acc = d["delta"]["accuracy"]
    ya, yb = a.argmax(axis=1), b.argmax(axis=1)
    assert acc["value"] == pytest.approx(np.mean(yb == y) - np.mean(ya == y), abs=1e-12)
    c1, c2 = ya == y, yb == y
    nb, nc = int(np.sum(c1 & ~c2)), int(np.sum(~c1 & c2))
    assert acc["p_value"] == pytest.approx(stats.binomtest(nb, nb + nc, 0.5).pvalue, rel=1e-9)
    assert d["delta"]["log_loss"]["low"] is not None


def test_compare_seed_reproducibility(invoke, models):
    args = ("compare", str(models["one"]), "-t", "y", "-s", "old", "-s", "new", "--bootstrap", "100")
    assert _json(invoke, *args) == _json(invoke, *args)
    other = _json(invoke, *args, "--seed", "3")
    assert other["delta"]["f1"]["low"] != _json(invoke, *args)["delta"]["f1"]["low"]


def test_compare_plot_overlays_both_models(tmp_path):
    import matplotlib.image as mpimg

    from conftest import SAMPLES, run_evalml

    png = tmp_path / "roc.png"
    proc = run_evalml("compare", str(SAMPLES / "binary.csv"), "-t", "y_true", "-s", "y_score", "-s", "weight",
                      "--plot", str(png), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    img = mpimg.imread(png)
    assert img.shape[0] > 100 and img.std() > 0
    assert "curves" not in proc.stdout.decode()  # figures never reach the JSON


def test_compare_baseline_gates_the_candidate_model(tmp_path):
    import json

    from conftest import SAMPLES, run_evalml

    base = tmp_path / "base.json"
    assert run_evalml("classify", str(SAMPLES / "binary.csv"), "-t", "y_true", "-s", "y_score", "-o", str(base),
                      "-q").returncode == 0
    args = ("compare", str(SAMPLES / "binary.csv"), "-t", "y_true", "--baseline", str(base), "--max-drop", "roc_auc=0.005")
    good = run_evalml(*args, "-s", "weight", "-s", "y_score", "-f", "json")
    assert good.returncode == 0, good.stderr
    block = json.loads(good.stdout)["baseline"]
    assert block["model"] == "y_score" and block["changes"]["roc_auc"]["direction"] == "same"
    bad = run_evalml(*args, "-s", "y_score", "-s", "weight", "-q")
    assert bad.returncode == 1 and b"--max-drop roc_auc=0.005" in bad.stderr
    # a saved comparison is a baseline too: its second model is compared with this run's second model
    saved = tmp_path / "cmp.json"
    assert run_evalml("compare", str(SAMPLES / "binary.csv"), "-t", "y_true", "-s", "weight", "-s", "y_score",
                      "-o", str(saved), "-q").returncode == 0
    again = run_evalml("compare", str(SAMPLES / "binary.csv"), "-t", "y_true", "-s", "weight", "-s", "y_score",
                       "--baseline", str(saved), "--max-drop", "roc_auc=0", "-q")
    assert again.returncode == 0, again.stderr
