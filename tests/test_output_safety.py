"""No file of the user's is clobbered, no partial or temp file is left (issue 8, items 7–11, 13).

A device cannot be created in a test, so a FIFO and symlinks to /dev/null and /dev/full in
tmp_path stand in: the old code replaced the link (or, as root, the device) by a regular file.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, _evalml_cmd, run_evalml

BINARY = str(SAMPLES / "binary.csv")
FIT = str(SAMPLES / "fit.csv")
REGRESS = ["-t", "data", "-p", "theory", "--sigma", "stat_err"]


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# --- item 7: only regular files are replaced; devices, FIFOs and links are respected ----------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_output_to_a_fifo_is_written_directly_and_stays_a_fifo(invoke, tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = invoke("classify", BINARY, "-q", "-f", "json", "-o", str(fifo))
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert b'"roc_auc"' in got[0]
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_output_to_a_symlink_to_dev_null_keeps_the_link_and_the_device(invoke, tmp_path):
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    code, _, err = invoke("classify", BINARY, "-q", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_to_a_full_device_is_exit_2_and_the_device_stays(invoke, tmp_path):
    link = tmp_path / "full"
    link.symlink_to("/dev/full")
    code, out, err = invoke("classify", BINARY, "-o", str(link))
    assert code == 2
    assert err.strip().splitlines()[-1] == f"evalml: error: cannot write --output {link}: No space left on device"
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_output_through_a_symlink_to_a_regular_file_replaces_the_target_and_keeps_the_link(invoke, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target.name)
    code, _, err = invoke("classify", BINARY, "-q", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink()
    assert '"roc_auc"' in target.read_text()
    assert _leftovers(tmp_path) == []


def test_output_dash_is_standard_output(invoke, tmp_path):
    code, out, err = invoke("classify", BINARY, "-f", "json", "-o", "-")
    assert code == 0, err
    assert out.lstrip().startswith("{") and '"roc_auc"' in out
    assert not (Path.cwd() / "-").exists()


def test_pulls_dash_is_standard_output_and_cannot_share_it_with_the_report(invoke, tmp_path):
    code, out, err = invoke("regress", FIT, *REGRESS, "--pulls", "-", "-q")
    assert code == 0, err
    assert out.splitlines()[0] == "row,residual,pull"
    code, out, err = invoke("regress", FIT, *REGRESS, "--pulls", "-")
    assert code == 2 and out == ""
    assert "both go to standard output" in err


# --- item 8: an output that is an input is refused before reading ----------------------------

@pytest.mark.parametrize("how", ["same", "relative", "hardlink", "symlink"])
def test_output_naming_the_input_is_refused_before_reading(invoke, tmp_path, monkeypatch, how):
    data = tmp_path / "preds.csv"
    data.write_bytes(Path(BINARY).read_bytes())
    before = data.read_bytes()
    out = {"same": data, "relative": Path("preds.csv"), "hardlink": tmp_path / "hard.csv",
           "symlink": tmp_path / "sym.csv"}[how]
    if how == "hardlink":
        os.link(data, out)
    if how == "symlink":
        out.symlink_to(data)
    monkeypatch.chdir(tmp_path)
    code, out_text, err = invoke("classify", str(data), "-o", str(out))
    assert code == 2 and out_text == ""
    assert "is the input FILE" in err and err.count("\n") == 1
    assert data.read_bytes() == before


@pytest.mark.parametrize("option", ["--pulls", "--output"])
def test_regress_outputs_naming_an_input_or_each_other_are_refused(invoke, tmp_path, option):
    data = tmp_path / "fit.csv"
    data.write_bytes(Path(FIT).read_bytes())
    cov = tmp_path / "cov.npy"
    cov.write_bytes((SAMPLES / "cov.npy").read_bytes())
    for victim in (data, cov):
        before = victim.read_bytes()
        code, _, err = invoke("regress", str(data), "-t", "data", "-p", "theory", "--cov", str(cov), option, str(victim))
        assert code == 2 and "is the input" in err, err
        assert victim.read_bytes() == before
    other = tmp_path / "hard.csv"
    (tmp_path / "r.csv").write_text("x")
    os.link(tmp_path / "r.csv", other)
    code, _, err = invoke("regress", str(data), *REGRESS, "--pulls", str(tmp_path / "r.csv"), "-o", str(other))
    assert code == 2 and "both name" in err


# --- item 9: modes follow the umask; an existing file keeps its mode --------------------------

@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_output_gets_the_umask_mode(invoke, tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        code, _, err = invoke("classify", BINARY, "-q", "-o", str(tmp_path / "r.json"))
        code2, _, err2 = invoke("regress", FIT, *REGRESS, "-q", "--pulls", str(tmp_path / "p.csv"))
    finally:
        os.umask(old)
    assert code == 0 and code2 == 0, err + err2
    assert stat.S_IMODE(os.stat(tmp_path / "r.json").st_mode) == mode
    assert stat.S_IMODE(os.stat(tmp_path / "p.csv").st_mode) == mode


def test_existing_output_keeps_its_mode(invoke, tmp_path):
    out = tmp_path / "r.json"
    out.write_text("old")
    os.chmod(out, 0o640)
    code, _, err = invoke("classify", BINARY, "-q", "-o", str(out))
    assert code == 0, err
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640 and '"roc_auc"' in out.read_text()


# --- item 10: destinations checked first; both files or neither; temp files always removed ----

def test_pulls_is_not_left_behind_when_output_fails_at_write_time(invoke, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    pulls = tmp_path / "pulls.csv"
    full = tmp_path / "full"
    full.symlink_to("/dev/full")
    code, _, err = invoke("regress", FIT, *REGRESS, "--pulls", str(pulls), "-o", str(full))
    assert code == 2 and "No space left on device" in err
    assert not pulls.exists() and _leftovers(tmp_path) == []


def test_every_destination_is_checked_before_the_input_is_read(invoke, tmp_path):
    code, _, err = invoke("regress", str(tmp_path / "missing.csv"), *REGRESS,
                          "--pulls", str(tmp_path / "nodir" / "p.csv"))
    assert code == 2 and "--pulls" in err and "does not exist" in err and "missing.csv" not in err


def test_a_failed_rename_removes_every_temp_and_new_file(tmp_path, monkeypatch):
    from evalml_cli.io import output

    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", flaky)
    with pytest.raises(output.EvalmlError, match="No space left"):
        output.write_all([(str(tmp_path / "a.csv"), "a", "--pulls"), (str(tmp_path / "b.json"), "b", "--output")])
    assert sorted(os.listdir(tmp_path)) == []


def test_sigterm_during_a_write_removes_the_temp_file(tmp_path):
    """A real SIGTERM, delivered while the temp file is being written."""
    script = f"""
import os, signal, sys
from evalml_cli.io import output
real = output._write_fd
def slow(fd, data):
    real(fd, data[:10])
    os.kill(os.getpid(), signal.SIGTERM)
    real(fd, data[10:])
output._write_fd = slow
try:
    output.write_atomic({str(tmp_path / 'big.csv')!r}, 'x' * 10_000_000, '--output')
except output.Terminated:
    print(sorted(os.listdir({str(tmp_path)!r})))
    sys.exit(0)
print('not interrupted')
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_sigterm_during_a_write_ends_the_process_by_sigterm_without_leftovers(tmp_path):
    script = f"""
import os, signal, sys
from evalml_cli import cli
from evalml_cli.io import output
real = output._write_fd
def slow(fd, data):
    os.kill(os.getpid(), signal.SIGTERM)
    real(fd, data)
output._write_fd = slow
sys.argv = ['evalml', 'classify', {BINARY!r}, '-q', '-o', {str(tmp_path / 'r.json')!r}]
cli.main()
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == -15, (proc.returncode, proc.stderr)
    assert os.listdir(tmp_path) == []


# --- item 11: closed or full standard streams, a deleted working directory ------------------

def _sh(cmd: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = " ".join(f"'{c}'" for c in _evalml_cmd())
    return subprocess.run(["sh", "-c", cmd.replace("EVALML", exe)], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})


def test_closed_stderr_keeps_exit_0_and_still_writes_the_output(tmp_path):
    proc = _sh(f"EVALML classify {BINARY} -o r.json 2>&-", tmp_path)
    assert proc.returncode == 0
    assert '"roc_auc"' in (tmp_path / "r.json").read_text()
    proc = _sh(f"EVALML classify {BINARY} -q -r 'roc_auc>=0.999' 2>&-", tmp_path)
    assert proc.returncode == 1


def test_closed_stdout_is_exit_2_with_one_line(tmp_path):
    proc = _sh(f"EVALML classify {BINARY} -q -f json -o - >&-", tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("evalml: error: cannot write to standard output")
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_stdout_on_dev_full_is_exit_2_no_space_left(fmt):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([*_evalml_cmd(), "classify", BINARY, "-f", fmt], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == \
        "evalml: error: cannot write to standard output: No space left on device"
    assert "Exception ignored" not in proc.stderr


def test_broken_pipe_is_silent_and_keeps_the_exit_code(tmp_path):
    proc = _sh(f"EVALML classify {BINARY} | head -c 1 >/dev/null", tmp_path)
    assert proc.returncode == 0 and proc.stderr.count("error") == 0
    script = f"set -o pipefail 2>/dev/null; EVALML classify {BINARY} -r 'roc_auc>=0.999' | head -c 1 >/dev/null"
    proc = subprocess.run(["bash", "-c", script.replace("EVALML", " ".join(_evalml_cmd()))], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 1, proc.stderr
    assert "Broken pipe" not in proc.stderr and "Exception" not in proc.stderr


def test_deleted_working_directory_is_exit_2_not_internal_error(tmp_path):
    proc = _sh(f"mkdir gone && cd gone && rmdir ../gone && EVALML classify {BINARY} -o r.json", tmp_path)
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("evalml: error:") and "current directory no longer exists" in last


# --- item 13: missing or unwritable directory, long names, non-UTF-8 stdout ------------------

def test_missing_output_directory_is_one_line_exit_2(invoke, tmp_path):
    code, out, err = invoke("classify", BINARY, "-o", str(tmp_path / "no" / "r.json"))
    assert code == 2 and out == ""
    assert err.strip() == (f"evalml: error: cannot write --output {tmp_path / 'no' / 'r.json'}: "
                           f"directory '{tmp_path / 'no'}' does not exist (create it first or choose another path)")


def test_unwritable_output_directory_is_one_line_exit_2(invoke, tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o555)
    if os.access(ro, os.W_OK):  # root: os.access says yes, so make it say no as a non-root user sees it
        from evalml_cli.io import output

        monkeypatch.setattr(output.os, "access", lambda p, m: Path(p) != ro)
    code, _, err = invoke("classify", BINARY, "-o", str(ro / "r.json"))
    assert code == 2
    assert err.strip() == f"evalml: error: cannot write --output {ro / 'r.json'}: permission denied in directory '{ro}'"


@pytest.mark.parametrize("length", [250, 255])
def test_long_output_name_gets_a_short_temp_name(invoke, tmp_path, length):
    out = tmp_path / ("r" * (length - 5) + ".json")
    code, _, err = invoke("classify", BINARY, "-q", "-o", str(out))
    assert code == 0, err
    assert '"roc_auc"' in out.read_text()
    assert _leftovers(tmp_path) == []


def test_temp_prefix_fits_name_max_for_multibyte_names():
    from evalml_cli.io.output import _temp_prefix

    for name in ("é" * 127, "a" * 255, "x"):
        assert len(os.fsencode(_temp_prefix(name))) + 8 + len(".tmp") <= 255


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_ascii_stdout_degrades_symbols_instead_of_failing(fmt):
    proc = run_evalml("classify", BINARY, "-f", fmt, env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, proc.stderr
    proc.stdout.decode("ascii")
    if fmt == "table":
        assert proc.stdout.startswith(b"evalml - binary - 4,000 rows")
    proc = run_evalml("regress", FIT, *REGRESS, env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, proc.stderr
    proc.stdout.decode("ascii")


def test_degrade_maps_the_report_symbols():
    from evalml_cli.io.output import degrade

    assert degrade("a · b ↑ ↓ ≥ χ² … ─│┌", "ascii") == "a - b ^ v >= chi2 ... -|+"
    assert degrade("électron ☃", "ascii") == "electron ?"
    assert degrade("χ²", "utf-8") == "χ²"
    assert degrade("· é", "latin-1") == "· é"


def test_density_output_naming_its_input_is_refused(invoke, tmp_path):
    data = tmp_path / "hist.csv"
    data.write_bytes((SAMPLES / "hist.csv").read_bytes())
    before = data.read_bytes()
    code, _, err = invoke("density", str(data), "--p", "observed", "--q", "expected", "-o", str(data))
    assert code == 2 and "is the input FILE" in err
    assert data.read_bytes() == before
