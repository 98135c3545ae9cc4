"""The README's CI recipes run as written.

The shell lines of every recipe (bash blocks, GitHub Actions ``run:`` steps, GitLab ``script:``,
the pre-commit ``entry`` and the Makefile targets) are taken from README.md and run by bash in a
temporary copy of the repository: ``sample_data/``, ``pyproject.toml`` with the README's
``[tool.evalml]`` block, a git history whose ``main`` branch holds the baselines and an
``origin`` remote, so ``git fetch origin main`` works. Only environment variables are supplied
(``$GITHUB_STEP_SUMMARY``); ``pip install`` lines are skipped (evalml is this checkout, through
an ``evalml`` shim on PATH).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text()
SECTION = README.split("\n## CI recipes\n", 1)[1].split("\n## ", 1)[0]

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                                reason="the recipes need git and bash")


def blocks(lang: str, section: str = SECTION) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", section, re.S)


def subsection(title: str) -> str:
    return SECTION.split(f"\n### {title}\n", 1)[1].split("\n### ", 1)[0]


def shell_lines(block: str) -> list[str]:
    """Commands of a bash block: continuation lines joined, comments and blank lines dropped."""
    joined = block.replace("\\\n", " ")
    return [ln.strip() for ln in joined.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def _skip(cmd: str) -> bool:
    return cmd.startswith("pip install")


class Repo:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env

    def sh(self, script: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        proc = subprocess.run(["bash", "-e", "-c", script], cwd=self.root, env=self.env, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode in ok, f"{script!r} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        return proc


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Repo:
    base = tmp_path_factory.mktemp("recipes")
    root = base / "repo"
    root.mkdir()
    shutil.copytree(ROOT / "sample_data", root / "sample_data")
    (toml,) = blocks("toml", subsection("Configuration: `[tool.evalml]`"))
    (root / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text() + "\n" + toml)
    shim = base / "bin" / "evalml"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m evalml_cli "$@"\n')
    shim.chmod(0o755)
    summary = base / "step_summary.md"
    env = {
        **os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": str(ROOT),
        "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": str(summary), "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    r = Repo(root, env)
    r.summary = summary  # type: ignore[attr-defined]
    # On main: accept the baselines with the Makefile recipe, save reports/main.json with the
    # Baselines recipe, commit, publish as origin; then work on a pull-request branch.
    r.sh("git init -q -b main . && git add -A && git commit -qm init")
    (make,) = blocks("make", subsection("Makefile"))
    (root / "Makefile").write_text(make)
    r.sh("make -s eval-baseline")
    for cmd in shell_lines(blocks("bash", subsection("Baselines"))[0]):
        r.sh(cmd)
    r.sh(f"git add -A && git commit -qm baselines && git clone -q --bare . {base / 'origin.git'} && "
         f"git remote add origin file://{base / 'origin.git'} && git checkout -q -b pr")
    return r


def test_the_config_block_declares_the_sample_evaluations(repo):
    from evalml_cli.config import load_config

    cfg = load_config(repo.root / "pyproject.toml")
    assert [e.name for e in cfg.evaluations] == ["test-auc", "species", "fit"]
    assert all(Path(e.options["file"]).is_file() for e in cfg.evaluations)
    assert (repo.root / "reports" / "baselines" / "test-auc.json").is_file()
    assert (repo.root / "reports" / "main.json").is_file()


@pytest.mark.parametrize("title", ["`evalml check`", "Baselines", "Formats for CI"])
def test_bash_blocks_run_as_written(repo, title):
    for block in blocks("bash", subsection(title)):
        for cmd in shell_lines(block):
            repo.sh(cmd)


def test_formats_block_tsv_pipeline_prints_the_auc(repo):
    (block,) = blocks("bash", subsection("Formats for CI"))
    tsv = next(c for c in shell_lines(block) if "--format tsv" in c)
    assert float(repo.sh(tsv).stdout.strip()) == pytest.approx(0.9501, abs=1e-4)


def _steps(yaml_text: str) -> list[dict]:
    yaml = pytest.importorskip("yaml")
    doc = yaml.safe_load(textwrap.dedent(yaml_text))
    return doc if isinstance(doc, list) else doc["jobs"]["evaluate"]["steps"]


def test_github_actions_workflow_steps_run_as_written(repo):
    import junitparser

    workflow, fragment = blocks("yaml", subsection("GitHub Actions"))
    repo.summary.write_text("")
    (repo.root / "evalml-junit.xml").unlink(missing_ok=True)
    ran = []
    for step in _steps(workflow) + _steps(fragment):
        script = step.get("run")
        if script is None or _skip(script):
            continue
        repo.sh(script)
        ran.append(step.get("name"))
    assert ran == ["Baselines from main", "Evaluate", "Compare with main"]
    xml = junitparser.JUnitXml.fromfile(str(repo.root / "evalml-junit.xml"))
    cases = [(c.classname, c.name) for suite in xml for c in suite]
    assert ("test-auc", "--max-drop roc_auc=0.005") in cases and ("fit", "r2>=0.99") in cases
    text = repo.summary.read_text()
    assert text.startswith("## evalml check\n") and "### evalml · binary" in text
    assert "against baseline main.json" in text


def test_a_worse_model_fails_the_github_evaluate_step_with_exit_1(repo):
    workflow, _ = blocks("yaml", subsection("GitHub Actions"))
    evaluate = next(s["run"] for s in _steps(workflow) if s.get("name") == "Evaluate")
    path = repo.root / "reports" / "baselines" / "test-auc.json"
    saved = path.read_text()
    try:
        path.write_text(saved.replace('"roc_auc": 0.95', '"roc_auc": 0.99', 1))
        proc = repo.sh(evaluate, ok=(1,))
        assert "FAILED test-auc: --max-drop roc_auc=0.005" in proc.stderr
    finally:
        path.write_text(saved)


def test_gitlab_script_runs_as_written(repo):
    yaml = pytest.importorskip("yaml")
    (block,) = blocks("yaml", subsection("GitLab CI"))
    job = yaml.safe_load(block)["evalml"]
    assert job["artifacts"]["reports"]["junit"] == "evalml-junit.xml"
    for cmd in job["script"]:
        if not _skip(cmd):
            repo.sh(cmd)
    assert (repo.root / "evalml-junit.xml").read_text().startswith('<?xml version="1.0"')


def test_pre_commit_hook_entry_runs_as_written(repo):
    yaml = pytest.importorskip("yaml")
    (block,) = blocks("yaml", subsection("pre-commit hook"))
    (hook,) = yaml.safe_load(block)["repos"][0]["hooks"]
    assert hook["language"] == "system" and hook["pass_filenames"] is False
    repo.sh(hook["entry"])


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_makefile_targets_run_as_written(repo):
    repo.sh("make -s eval")
    repo.sh("make -s eval-baseline && git diff --exit-code --quiet -- reports/baselines")
