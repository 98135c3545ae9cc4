"""The command-line contract around the parser and the help (issue 8, items 12, 21, 24, 29):
every parser error is one ``evalml: error: … (hint)`` line with exit 2, help is plain and
complete, multiclass-only options on binary data warn, TERM=dumb gets no escape codes."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES, _evalml_cmd, parse_json, run_evalml
from evalml_cli import metrics

BINARY = str(SAMPLES / "binary.csv")
FIT = str(SAMPLES / "fit.csv")
ONE_LINE = re.compile(r"^evalml: error: [^\n]+ \([^\n]+\)\n$")


# --- item 12: parser errors -------------------------------------------------------------------

PARSER_ERRORS = [
    (["classify", BINARY, "--thresh", "3"], "no such option --thresh", "did you mean --threshold"),
    (["classify", BINARY, "--treshold", "3"], "no such option --treshold", "--threshold?"),
    (["classify", BINARY, "--format", "csv"], "'csv' is not one of 'table', 'json', 'markdown'", "evalml classify --help"),
    (["classify", BINARY, "-T", "abc"], "invalid threshold 'abc'", "auto:youden"),
    (["classify", BINARY, "--top-k", "0"], "0 is not in the range x>=1", "evalml classify --help"),
    (["regress", FIT, "--n-params", "1.5"], "'1.5' is not a valid int", "evalml regress --help"),
    (["classify", BINARY, "-r"], "option '-r' requires an argument", "evalml classify --help"),
    (["density", BINARY, "--bogus"], "no such option --bogus", "evalml density --help"),
    (["clasify", BINARY], "no such command 'clasify'", "did you mean 'classify'?"),
    (["classify", "-t", "y"], "missing argument 'FILE'", "usage: evalml classify [OPTIONS] FILE"),
    (["classify", BINARY, "extra"], "got unexpected extra argument(s) (extra)", "evalml classify --help"),
    (["classify", BINARY, "--format", "a\nb"], "'a\\nb' is not one of", "evalml classify --help"),
]


@pytest.mark.parametrize("args,message,hint", PARSER_ERRORS, ids=[" ".join(a[2:] or a[:1]) for a, _, _ in PARSER_ERRORS])
def test_parser_errors_are_one_line_with_a_hint(invoke, args, message, hint):
    code, out, err = invoke(*args)
    assert code == 2 and out == ""
    assert ONE_LINE.match(err), err
    assert message in err and hint in err
    assert "╭" not in err and "Usage:" not in err


def test_parser_error_from_the_console_script_is_the_same_line():
    proc = run_evalml("classify", BINARY, "--thresh", "3")
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode() == "evalml: error: no such option --thresh (did you mean --threshold?)\n"


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["classify", "-h"], ["regress", "--help"], ["density", "-h"], ["-V"]])
def test_help_and_version_exit_0(invoke, args):
    code, out, err = invoke(*args)
    assert code == 0 and out and err == ""


@pytest.mark.parametrize("args", [[], ["classify"], ["regress"]])
def test_no_arguments_prints_help_and_exits_2_not_1(invoke, args):
    code, out, err = invoke(*args)
    assert code == 2
    assert "Usage: evalml" in err


# --- item 29: help shows examples, gate metrics, METRIC[CLASS], FILE plainly -------------------

@pytest.mark.parametrize("command,tasks", [("classify", ("binary", "multiclass")), ("regress", ("regression",)),
                                          ("density", ("density",))])
def test_help_has_examples_and_every_gate_metric(invoke, command, tasks):
    code, out, _ = invoke(command, "--help")
    assert code == 0
    assert f"Usage: evalml {command} [OPTIONS] FILE\n" in out
    assert "{FILE}" not in out and "TEXT" not in out and "╭" not in out and "\x1b" not in out
    examples = out.split("Examples:", 1)[1]
    assert f"evalml {command} " in examples
    flat = " ".join(out.split())
    for name in metrics.names_for(*tasks):
        assert re.search(rf"\b{name}\b", flat), name
    if command == "classify":
        assert "METRIC[CLASS]" in out
        for name in metrics.PER_CLASS_NAMES:
            assert name in flat


def test_root_help_lists_commands_without_truncation(invoke):
    code, out, _ = invoke("--help")
    assert code == 0
    for name in ("classify", "regress", "density"):
        line = next(ln for ln in out.splitlines() if ln.startswith(f"  {name}  "))
        assert not line.endswith("..."), line


# --- item 21: multiclass-only options on binary data warn --------------------------------------

@pytest.mark.parametrize("args,name", [(["--top-k", "2"], "--top-k"), (["--normalize", "true"], "--normalize"),
                                       (["--normalize-scores", "softmax"], "--normalize-scores"),
                                       (["--show-classes", "5"], "--show-classes")])
def test_multiclass_only_options_on_binary_data_warn(invoke, args, name):
    code, out, err = invoke("classify", BINARY, "-f", "json", *args)
    assert code == 0, err
    warnings = parse_json(out)["warnings"]
    assert any(w.startswith(name + " ") and "ignored for binary data" in w for w in warnings), warnings


def test_binary_run_without_multiclass_options_has_no_such_warning(invoke):
    code, out, _ = invoke("classify", BINARY, "-f", "json")
    assert not any("ignored for binary" in w for w in parse_json(out)["warnings"])


# --- item 24: TERM=dumb gets no ANSI codes on a terminal ---------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
@pytest.mark.parametrize("term,no_color,ansi", [("xterm-256color", None, True), ("dumb", None, False),
                                                ("xterm-256color", "1", False)])
def test_terminal_colour_follows_term_and_no_color(term, no_color, ansi):
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update({"TERM": term, "COLUMNS": "100", "PYTHONPATH": str(ROOT)})
    if no_color:
        env["NO_COLOR"] = no_color
    proc = subprocess.Popen([*_evalml_cmd(), "classify", BINARY], stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(120)
    os.close(master)
    text = b"".join(chunks)
    assert proc.returncode == 0
    assert b"roc_auc" in text
    assert (b"\x1b[" in text) is ansi


# --- gates are checked before any output (an impossible gate is exit 2 with nothing written) ---

def test_a_gate_error_exits_2_before_the_report_is_written(invoke, tmp_path, monkeypatch):
    from evalml_cli import gates
    from evalml_cli.errors import EvalmlError

    def impossible(report, reqs):
        raise EvalmlError("recall[electron] can never be evaluated", hint="no class 'electron'")

    monkeypatch.setattr(gates, "evaluate", impossible)
    out = tmp_path / "r.json"
    code, stdout, err = invoke("classify", BINARY, "-o", str(out), "-r", "recall>=0.5")
    assert code == 2 and not out.exists() and stdout == ""
    assert err.strip().splitlines()[-1] == "evalml: error: recall[electron] can never be evaluated (no class 'electron')"
    code, stdout, err = invoke("classify", BINARY, "-r", "recall>=0.5")
    assert code == 2 and stdout == ""


def test_failed_gate_still_prints_the_report_then_exits_1(invoke, tmp_path):
    out = tmp_path / "r.json"
    code, stdout, err = invoke("classify", BINARY, "-o", str(out), "-r", "roc_auc>=0.9999")
    assert code == 1 and out.exists()
    assert err.strip().splitlines()[-1].startswith("FAILED roc_auc>=0.9999")
