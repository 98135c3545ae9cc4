"""`evalml classify` on multiclass files, end to end."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from conftest import SAMPLES, parse_json, run_evalml, write_csv

MC = str(SAMPLES / "multiclass.csv")


def _sample():
    import pyarrow.csv as pacsv

    t = pacsv.read_csv(MC).to_pydict()
    classes = ["e", "mu", "pi", "K"]
    y = np.array([classes.index(v) for v in t["species"]])
    s = np.column_stack([t[f"p_{c}"] for c in classes])
    return classes, y, s, t


def test_scores_glob_matches_sklearn(invoke):
    code, out, err = invoke("classify", MC, "--target", "species", "--score", "p_*", "-f", "json", "--top-k", "2")
    assert code == 0, err
    rep = parse_json(out)
    classes, y, s, _ = _sample()
    pred = s.argmax(axis=1)
    m = rep["metrics"]
    assert rep["task"] == "multiclass" and rep["classes"] == classes
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred), rel=1e-9)
    assert m["f1_macro"] == pytest.approx(skm.f1_score(y, pred, average="macro"), rel=1e-9)
    assert m["precision_weighted"] == pytest.approx(skm.precision_score(y, pred, average="weighted"), rel=1e-9)
    assert m["cohen_kappa"] == pytest.approx(skm.cohen_kappa_score(y, pred), rel=1e-9)
    assert m["mcc"] == pytest.approx(skm.matthews_corrcoef(y, pred), rel=1e-9)
    assert m["top_k_accuracy"] == pytest.approx(skm.top_k_accuracy_score(y, s, k=2), rel=1e-9)
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, s), rel=1e-9)
    assert m["roc_auc_ovr_macro"] == pytest.approx(skm.roc_auc_score(y, s, multi_class="ovr"), rel=1e-9)
    assert m["roc_auc_ovo_weighted"] == pytest.approx(skm.roc_auc_score(y, s, multi_class="ovo", average="weighted"), rel=1e-9)
    cm = rep["confusion_matrix"]
    assert cm["labels"] == classes
    assert cm["matrix"] == skm.confusion_matrix(y, pred).tolist()
    assert set(rep["per_class"]) == set(classes)
    assert rep["per_class"]["pi"]["recall"] == pytest.approx(skm.recall_score(y, pred, average=None)[2], rel=1e-9)
    assert rep["per_class"]["K"]["support"] == int((y == 3).sum())


def test_comma_list_and_labels_only(invoke):
    code, out, _ = invoke("classify", MC, "-t", "species", "-s", "p_e,p_mu,p_pi,p_K", "-f", "json", "--top-k", "2")
    a = parse_json(out)
    assert code == 0 and a["inputs"]["score"] == ["p_e", "p_mu", "p_pi", "p_K"]
    code, out, err = invoke("classify", MC, "--target", "species", "--pred", "predicted", "-f", "json")
    assert code == 0, err
    b = parse_json(out)
    assert b["task"] == "multiclass" and b["metrics"]["accuracy"] == a["metrics"]["accuracy"]
    assert "roc_auc_ovr_macro" not in b["metrics"] and b["classes"] == ["K", "e", "mu", "pi"]


def test_score_columns_detected_without_flags(invoke):
    code, out, err = invoke("classify", MC, "-t", "species", "-f", "json")
    assert code == 0, err
    assert parse_json(out)["inputs"]["score"] == ["p_e", "p_mu", "p_pi", "p_K"]
    assert "detected" in err


def test_per_class_gates(invoke):
    ok = invoke("classify", MC, "-t", "species", "-s", "p_*", "-q", "-r", "recall[e]>=0.95", "-r", "roc_auc[mu]>0.99")
    assert ok[0] == 0, ok[2]
    code, _, err = invoke("classify", MC, "-t", "species", "-s", "p_*", "-q", "-r", "recall[pi]>=0.95")
    assert code == 1 and "FAILED recall[pi]>=0.95: got 0.6" in err
    code, _, err = invoke("classify", MC, "-t", "species", "-s", "p_*", "-q", "-r", "recall[tau]>=0.5")
    assert code == 2 and "no class 'tau'" in err  # a misspelled class is a usage error (issue 8 item 22)


def test_normalize_confusion_in_json_and_table(invoke):
    code, out, _ = invoke("classify", MC, "-t", "species", "-s", "p_*", "-f", "json", "--normalize", "true")
    cm = parse_json(out)["confusion_matrix"]
    assert cm["normalize"] == "true"
    assert np.allclose(np.array(cm["normalized"]).sum(axis=1), 1.0)
    code, out, _ = invoke("classify", MC, "-t", "species", "-s", "p_*", "--normalize", "pred")
    assert code == 0 and "normalized over pred" in out


def test_raw_scores_need_normalize_scores_for_log_loss(tmp_path, invoke):
    rng = np.random.default_rng(5)
    rows = ["y,score_a,score_b,score_c"]
    for _ in range(60):
        c = rng.integers(0, 3)
        raw = rng.normal(0, 1, 3)
        raw[c] += 2
        rows.append(f"{'abc'[c]},{raw[0]:.5f},{raw[1]:.5f},{raw[2]:.5f}")
    f = write_csv(tmp_path / "raw.csv", "\n".join(rows) + "\n")
    code, out, _ = invoke("classify", str(f), "-f", "json")
    rep = parse_json(out)
    assert code == 0 and rep["metrics"]["log_loss"] is None
    assert any("--normalize-scores" in w for w in rep["warnings"])
    code, out, _ = invoke("classify", str(f), "-f", "json", "--normalize-scores", "softmax")
    assert parse_json(out)["metrics"]["log_loss"] > 0
    code, _, err = invoke("classify", str(f), "--normalize-scores", "renormalize")
    assert code == 2 and "negative" in err


def test_label_without_score_column_is_an_error(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,p_a,p_b\na,0.9,0.1\nb,0.2,0.8\nc,0.5,0.5\n")
    code, out, err = invoke("classify", str(f), "-s", "p_*")
    assert code == 2 and out == ""
    assert "label(s) c with no matching class" in err and "p_a→a" in err


def test_absent_class_gives_null_and_warning(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,p_a,p_b,p_c\na,0.8,0.1,0.1\nb,0.2,0.7,0.1\na,0.6,0.3,0.1\n")
    code, out, err = invoke("classify", str(f), "-f", "json")
    assert code == 0, err
    rep = parse_json(out)
    assert rep["per_class"]["c"]["recall"] is None and rep["per_class"]["c"]["support"] == 0
    assert any("per-class recall is undefined for c" in w for w in rep["warnings"])


def test_task_override(tmp_path, invoke):
    f = write_csv(tmp_path / "a.csv", "y,p_a,p_b\na,0.9,0.1\nb,0.2,0.8\n")
    code, _, err = invoke("classify", str(f), "--task", "binary")
    assert code == 2 and "exactly one --score" in err
    g = write_csv(tmp_path / "b.csv", "y,pred\n0,1\n1,1\n1,0\n")
    code, out, _ = invoke("classify", str(g), "-s", "pred", "--task", "multiclass", "-f", "json")
    assert code == 2  # one score column cannot be multiclass
    code, out, _ = invoke("classify", str(g), "--pred", "pred", "-f", "json")
    assert code == 0 and parse_json(out)["task"] == "multiclass"


def test_thousand_classes_table_collapses_json_complete(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    k, n = 1000, 4000
    y = rng.integers(0, k, n)
    pred = np.where(rng.random(n) < 0.7, y, rng.integers(0, k, n))
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"label": y, "predicted": pred}), path)
    proc = run_evalml("classify", str(path), "--pred", "predicted", "--show-classes", "5")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode()
    assert "the 5 worst of" in text and "true \\ pred" not in text
    proc = run_evalml("classify", str(path), "--pred", "predicted", "-f", "json")
    rep = parse_json(proc.stdout.decode())
    assert len(rep["per_class"]) == len(rep["classes"]) and len(rep["confusion_matrix"]["matrix"]) == len(rep["classes"])


def test_top_k_without_scores_is_an_error(invoke):
    code, _, err = invoke("classify", MC, "-t", "species", "--pred", "predicted", "--top-k", "2")
    assert code == 2 and "--top-k needs" in err


def test_markdown_multiclass(invoke):
    code, out, _ = invoke("classify", MC, "-t", "species", "-s", "p_*", "-f", "markdown")
    assert code == 0 and "**per class**" in out and "| e |" in out
