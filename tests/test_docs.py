"""The README stays true: every command, option, metric and JSON key is documented."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from evalml_cli import metrics
from evalml_cli.cli import app

README = (ROOT / "README.md").read_text()


def _commands():
    import typer.main

    group = typer.main.get_command(app)
    return group, group.commands


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    lines = [ln for ln in block.splitlines() if ln.strip()]
    assert len(lines) == 2
    assert "sample_data/" in lines[0] and "pytest" in lines[1]


def test_ci_runs_the_readme_test_command():
    section = README.split("## Quick start", 1)[1].split("##", 1)[0]
    test_cmd = re.search(r"```bash\n(.*?)```", section, re.S).group(1).strip().splitlines()[1].strip()
    assert test_cmd in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("name", sorted({m.name for m in metrics.REGISTRY}))
def test_every_metric_is_in_the_readme(name):
    assert f"`{name}`" in README or re.search(rf"`[^`]*\b{name}\b[^`]*`", README), name


def test_every_command_and_option_is_in_the_readme():
    _, commands = _commands()
    for name, cmd in commands.items():
        assert f"evalml {name}" in README, name
        for param in cmd.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in README, f"{name} {opt}"


def test_every_json_key_is_in_the_readme(preds, invoke):
    code, out, _ = invoke("classify", str(preds["csv"]), "-t", "y", "-s", "p", "-w", "w", "-f", "json")
    import json

    for key in json.loads(out):
        assert f"`{key}`" in README, key


def test_python_api_example_in_the_readme_runs(monkeypatch, capsys):
    section = README.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md#python-api", "exec"), {})
    printed = capsys.readouterr().out.split()
    assert len(printed) == 6 and all(float(x) == float(x) for x in printed)


def test_readme_registry_table_is_generated_from_the_registry():
    block = README.split("<!-- REGISTRY -->\n", 1)[1].split("<!-- /REGISTRY -->", 1)[0]
    assert block == metrics.registry_table(), "regenerate with: python -m evalml_cli.metrics"
