"""The library API (evalml_cli.classify/regress/density) gives the CLI's numbers for paths,
pandas DataFrames, pyarrow Tables and Arrow C stream objects."""

from __future__ import annotations

import json
import math

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import evalml_cli
from evalml_cli.errors import EvalmlError
from tests.conftest import SAMPLES

CASES = [
    ("classify", "binary.csv", [], {}),
    ("classify", "binary.csv", ["-w", "weight"], {"weight": "weight"}),
    ("classify", "multiclass.csv", ["-t", "species", "-s", "p_*", "--top-k", "2"],
     {"target": "species", "score": "p_*", "top_k": 2}),
    ("regress", "fit.csv", ["-t", "data", "-p", "theory", "--cov", str(SAMPLES / "cov.npy")],
     {"target": "data", "pred": "theory", "cov": str(SAMPLES / "cov.npy")}),
    ("regress", "replicas.csv", ["-t", "target", "-p", "rep_*"], {"target": "target", "pred": "rep_*"}),
    ("density", "density.csv", ["--likelihood", "model_pdf"], {"likelihood": "model_pdf"}),
    ("density", "hist.csv", ["--p", "observed", "--q", "expected"], {"p": "observed", "q": "expected"}),
]


def _same(a, b) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if a[key] is None or b[key] is None:
            assert a[key] is b[key], key
        else:
            assert math.isclose(a[key], b[key], rel_tol=1e-12, abs_tol=0.0), key


@pytest.mark.parametrize("command,file,args,kwargs", CASES, ids=[c[0] + ":" + c[1] + str(len(c[2])) for c in CASES])
def test_api_matches_cli_for_path_dataframe_and_arrow(invoke, command, file, args, kwargs):
    import pandas as pd

    path = SAMPLES / file
    if command == "classify" and "weight" in kwargs and "weight" not in pacsv.read_csv(path).column_names:
        pytest.skip("sample has no weight column")
    code, out, err = invoke(command, str(path), *args, "-f", "json")
    assert code == 0, err
    cli = json.loads(out)["metrics"]
    call = getattr(evalml_cli, command)
    for data in (path, str(path), pd.read_csv(path), pacsv.read_csv(path)):
        report = call(data, **kwargs)
        _same(report.metrics, cli)


def test_api_accepts_record_batches_and_arrow_c_stream_objects():
    t = pa.table({"y": [0, 0, 1, 1], "s": [0.1, 0.4, 0.35, 0.8]})
    assert evalml_cli.classify(t.to_batches()[0], target="y", score="s").metrics["roc_auc"] == 0.75

    class Stream:  # any object speaking the Arrow PyCapsule stream protocol
        def __arrow_c_stream__(self, requested_schema=None):
            return t.__arrow_c_stream__(requested_schema)

    assert evalml_cli.classify(Stream(), target="y", score="s").metrics["roc_auc"] == 0.75


def test_api_accepts_polars_frames():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"y": [0, 0, 1, 1], "s": [0.1, 0.4, 0.35, 0.8]})
    assert evalml_cli.classify(df, target="y", score="s").metrics["roc_auc"] == 0.75


def test_api_detects_columns_in_dataframes_like_in_files():
    import pandas as pd

    df = pd.DataFrame({"y_true": [0, 0, 1, 1], "y_score": [0.1, 0.4, 0.35, 0.8]})
    report = evalml_cli.classify(df)
    assert report.metrics["roc_auc"] == 0.75
    assert report.inputs["target"] == "y_true"


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: evalml_cli.classify([1, 2, 3]), "cannot evaluate an object of type list"),
        (lambda: evalml_cli.classify(pa.table({"y": [0, 1], "s": [0.2, 0.7]}), target="nope", score="s"),
         "no such column"),
        (lambda: evalml_cli.classify(pa.table({"y": [0, 1], "s": [0.2, float("nan")]}), target="y", score="s"),
         "NaN"),
        (lambda: evalml_cli.classify(pa.table({"y": pa.array([], pa.int64()), "s": pa.array([], pa.float64())}),
                                     target="y", score="s"), "no data rows"),
        (lambda: evalml_cli.classify(pa.table({"y": [0, 1], "s": [0.2, 0.7]}), task="regression"), "task must be"),
        (lambda: evalml_cli.classify(pa.table({"y": [0, 1], "s": [0.2, 0.7]}), threshold=math.nan), "finite"),
        (lambda: evalml_cli.regress(pa.table({"y": [0.0, 1.0], "p": [0.2, 0.7]}), target="y", pred="p", corr="c.npy"),
         "--corr needs --sigma"),
    ],
)
def test_api_raises_evalml_error_with_the_cli_message(call, match):
    with pytest.raises(EvalmlError, match=match):
        call()


def test_api_import_is_lazy():
    import subprocess
    import sys

    code = "import sys, evalml_cli; assert 'numpy' not in sys.modules and 'pandas' not in sys.modules; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
