"""``--by COL`` and ``--gap A,B`` (issue 10): one report per group plus ``all``, each equal to the
report of the group's rows alone (checked against scikit-learn), the gap, gates, --ci per group,
every command, and bad options → exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import mean_squared_error, roc_auc_score


@pytest.fixture
def split_csv(tmp_path):
    rng = np.random.default_rng(9)
    n = 500
    y = rng.integers(0, 2, n)
    split = np.where(rng.random(n) < 0.6, "test", "train")  # test appears first in the file
    noise = np.where(split == "train", 0.6, 1.3)
    p = np.round(1 / (1 + np.exp(-(2 * y - 1) - rng.normal(0, 1, n) * noise)), 5)
    f = tmp_path / "all.csv"
    f.write_text("y,p,split\n" + "".join(f"{a},{b},{c}\n" for a, b, c in zip(y, p, split)))
    return f, y, p, split


def _json(invoke, *args):
    code, out, err = invoke(*args, "-f", "json")
    assert code == 0, err
    return json.loads(out)


def test_groups_match_sklearn_on_each_subset_and_gap_is_train_minus_test(invoke, split_csv):
    f, y, p, split = split_csv
    d = _json(invoke, "classify", str(f), "-t", "y", "-s", "p", "--by", "split")
    assert list(d["groups"]) == ["train", "test", "all"]
    for g in ("train", "test"):
        m = split == g
        assert d["groups"][g]["n"] == int(m.sum())
        assert d["groups"][g]["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(y[m], p[m]), abs=1e-12)
    assert d["groups"]["all"]["metrics"] == d["metrics"]
    assert d["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    tr, te = d["groups"]["train"]["metrics"], d["groups"]["test"]["metrics"]
    for name in ("roc_auc", "f1", "log_loss"):
        assert d["gap"][name] == pytest.approx(tr[name] - te[name], abs=1e-12)
    assert d["inputs"]["by"] == "split"
    assert list(d["groups"]["train"])[:2] == ["n", "metrics"]


def test_group_gates_and_gap_gates(invoke, split_csv):
    f = split_csv[0]
    base = ("classify", str(f), "-t", "y", "-s", "p", "--by", "split", "-q")
    assert invoke(*base, "-r", "groups.test.roc_auc>=0.5", "-r", "gap.roc_auc<=0.5")[0] == 0
    code, _, err = invoke(*base, "-r", "gap.roc_auc<=0.0")
    assert code == 1 and "FAILED gap.roc_auc<=0.0" in err
    code, _, err = invoke(*base, "-r", "groups.validation.roc_auc>=0.5")
    assert code == 2 and "no group 'validation'" in err
    code, _, err = invoke("classify", str(f), "-t", "y", "-s", "p", "-r", "groups.test.roc_auc>=0.5")
    assert code == 2 and "--by" in err


def test_by_with_ci_gives_intervals_per_group(invoke, split_csv):
    f = split_csv[0]
    d = _json(invoke, "classify", str(f), "-t", "y", "-s", "p", "--by", "split", "--ci", "--bootstrap", "100")
    for g in ("train", "test", "all"):
        iv = d["groups"][g]["intervals"]["metrics"]["roc_auc"]
        assert iv["method"] == "delong" and iv["low"] < d["groups"][g]["metrics"]["roc_auc"] < iv["high"]
    code, _, err = invoke("classify", str(f), "-t", "y", "-s", "p", "--by", "split", "--ci", "--bootstrap", "100",
                          "-q", "-r", "groups.test.roc_auc.low>=0.99")
    assert code == 1 and "FAILED groups.test.roc_auc.low>=0.99" in err


def test_table_has_a_column_per_group_and_the_gap(invoke, split_csv):
    f = split_csv[0]
    code, out, _ = invoke("classify", str(f), "-t", "y", "-s", "p", "--by", "split")
    header = next(line for line in out.splitlines() if line.startswith("metric"))
    assert header.split()[:4] == ["metric", "train", "test", "all"] and "gap train − test" in header


def test_gap_option_names_the_groups(invoke, split_csv):
    f = split_csv[0]
    d = _json(invoke, "classify", str(f), "-t", "y", "-s", "p", "--by", "split", "--gap", "test,train")
    assert d["gap"]["roc_auc"] == pytest.approx(
        d["groups"]["test"]["metrics"]["roc_auc"] - d["groups"]["train"]["metrics"]["roc_auc"], abs=1e-12)


@pytest.mark.parametrize("args, needle", [
    (("--gap", "train,test"), "--gap needs --by COLUMN"),
    (("--by", "split", "--gap", "train,val"), "no group 'val'"),
    (("--by", "split", "--gap", "train"), "--gap needs two different group names"),
    (("--by", "nope"), "'nope'"),
])
def test_bad_group_options_exit_2(invoke, split_csv, args, needle):
    f = split_csv[0]
    code, out, err = invoke("classify", str(f), "-t", "y", "-s", "p", *args)
    assert code == 2 and out == ""
    assert needle in err and err.count("\n") == 1


def test_missing_group_value_exit_2(invoke, tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("y,p,split\n0,0.1,train\n1,0.8,\n0,0.3,test\n1,0.6,test\n")
    code, _, err = invoke("classify", str(f), "-t", "y", "-s", "p", "--by", "split")
    assert code == 2 and "1 row(s) without a group (data rows 2)" in err


def test_regress_and_density_by_group(invoke, tmp_path):
    rng = np.random.default_rng(1)
    n = 120
    y = rng.normal(size=n)
    pred = y + rng.normal(0, 0.4, n)
    period = np.where(np.arange(n) % 3 == 0, "2023", "2024")
    f = tmp_path / "r.csv"
    f.write_text("y,pred,period,lik\n" + "".join(
        f"{a},{b},{c},{abs(b) + 0.1}\n" for a, b, c in zip(y, pred, period)))
    d = _json(invoke, "regress", str(f), "-t", "y", "-p", "pred", "--by", "period", "--gap", "2023,2024")
    for g in ("2023", "2024"):
        m = period == g
        assert d["groups"][g]["metrics"]["mse"] == pytest.approx(mean_squared_error(y[m], pred[m]), rel=1e-12)
    assert d["gap"]["mse"] == pytest.approx(d["groups"]["2023"]["metrics"]["mse"] - d["groups"]["2024"]["metrics"]["mse"])
    dd = _json(invoke, "density", str(f), "-l", "lik", "--by", "period", "--ci", "--bootstrap", "50")
    assert set(dd["groups"]) == {"2023", "2024", "all"} and dd["groups"]["2023"]["intervals"]["metrics"]["mean_nll"]


def test_compare_by_group(invoke, split_csv, tmp_path):
    f, y, p, split = split_csv
    rows = f.read_text().splitlines()
    g = tmp_path / "two.csv"
    g.write_text("y,p,q,split\n" + "".join(f"{r.split(',')[0]},{r.split(',')[1]},0.5,{r.split(',')[2]}\n"
                                          for r in rows[1:]))
    d = _json(invoke, "compare", str(g), "-t", "y", "-s", "p", "-s", "q", "--by", "split", "--bootstrap", "50")
    assert set(d["groups"]) == {"train", "test", "all"}
    m = split == "test"
    assert d["groups"]["test"]["delta"]["roc_auc"]["value"] == pytest.approx(0.5 - roc_auc_score(y[m], p[m]), abs=1e-12)


def test_compare_by_groups_carry_each_models_metrics(invoke):
    import json as _json

    from conftest import SAMPLES

    code, out, err = invoke("compare", str(SAMPLES / "binary.csv"), "-t", "y_true", "-s", "weight", "-s", "y_score",
                            "--by", "process", "-f", "json")
    assert code == 0, err
    groups = _json.loads(out)["groups"]
    for name, block in groups.items():
        assert set(block["models"]) == {"weight", "y_score"}, name
        a, b = (block["models"][k]["metrics"]["accuracy"] for k in ("weight", "y_score"))
        assert block["delta"]["accuracy"]["value"] == pytest.approx(b - a, abs=1e-12), name
