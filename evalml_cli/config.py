"""``[tool.evalml]`` configuration: discovery, validation, typed evaluations.

Where the configuration comes from
----------------------------------
``--config PATH`` names a file: a ``pyproject.toml`` (its ``[tool.evalml]`` table is read) or
any other TOML file such as ``evalml.toml`` (its top-level table *is* the evalml table).
Without it, evalml walks up from the current directory, as pytest and ruff do, and stops at
the **first directory** that has an ``evalml.toml``, or a ``pyproject.toml`` containing
``[tool.evalml]`` (a ``pyproject.toml`` without that table is passed over). The nearest
directory wins; within one directory ``evalml.toml`` wins over ``pyproject.toml`` (a note
says that the other one is ignored).

Schema
------
::

    [tool.evalml]
    baseline_dir = "reports/baselines"      # optional: where --update-baseline writes NAME.json

    [tool.evalml.evaluations.test-auc]
    command = "classify"                    # classify | regress | density | compare | curve
    file = "preds/test.parquet"             # relative to the config file's directory
    target = "y"
    score = "p"
    require = ["roc_auc>=0.90", "log_loss<=0.35"]
    max_drop = { roc_auc = 0.005 }          # against the baseline report
    max_rise = { log_loss = 0.01 }

Which keys each command accepts is one table, :data:`KEYS` (key → value type, commands,
command-line flag); :data:`ALLOWED` is derived from it. Unknown keys are errors that name the
file, the key path (``tool.evalml.evaluations.test-auc.scroe``) and the closest known key.
Paths (``file``, ``files``, ``cov``, ``corr``, ``pulls``, ``baseline``, ``baseline_dir``) are
relative to the directory of the config file; ``~`` is expanded; URLs (``s3://…``) are kept.

TOML is read with :mod:`tomllib` (Python ≥ 3.11) or the ``tomli`` package on Python 3.10.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from evalml_cli.errors import EvalmlError

PYPROJECT = "pyproject.toml"
EVALML_TOML = "evalml.toml"

CLASSIFY, REGRESS, DENSITY, COMPARE, CURVE = "classify", "regress", "density", "compare", "curve"
COMMANDS: tuple[str, ...] = (CLASSIFY, REGRESS, DENSITY, COMPARE, CURVE)

#: The metric tasks each command's report can have (for max_drop / max_rise names).
COMMAND_TASKS: dict[str, tuple[str, ...]] = {
    CLASSIFY: ("binary", "multiclass"),
    REGRESS: ("regression",),
    DENSITY: ("density",),
    COMPARE: ("binary", "multiclass", "regression"),
    CURVE: (),
}

_ALL = COMMANDS
_REPORTS = (CLASSIFY, REGRESS, DENSITY, COMPARE)  # commands whose output is a metric report
_CLS = (CLASSIFY, COMPARE, CURVE)


@dataclass(frozen=True)
class Key:
    """One evaluation key: its value type, the commands that accept it, its command-line flag.

    kind : "str", "path", "paths" (list of paths), "int", "count" (int ≥ 0), "positive"
        (int ≥ 1), "number" (finite float), "number_or_str", "str_or_int", "str_or_strs",
        "bool", "bool_or_level" (true/false or a level in (0, 1)), "strs" (list of strings),
        "limits" (table metric → finite number ≥ 0).
    flag : the command-line option (None: not passed as an option, e.g. ``file``, ``require``
        is passed as ``--require``, see :meth:`Evaluation.argv`).
    """

    kind: str
    commands: tuple[str, ...]
    flag: str | None = None


#: The one table of evaluation keys. Keep in sync with the commands' options (tests/test_check_cli.py
#: checks it against the CLI). Output options (--format, --output, --quiet, --summary) belong to
#: ``evalml check`` itself, not to an evaluation. ``evalml check`` refuses (exit 2) a key whose
#: option this evalml's api function does not take yet (e.g. ``by`` before per-group reports exist).
KEYS: dict[str, Key] = {
    "command": Key("str", _ALL),
    "file": Key("path", _ALL),
    "files": Key("paths", (COMPARE,)),
    "target": Key("str", (CLASSIFY, REGRESS, COMPARE, CURVE), "--target"),
    "score": Key("str_or_strs", _CLS, "--score"),
    "pred": Key("str_or_strs", (CLASSIFY, REGRESS, COMPARE), "--pred"),
    "weight": Key("str", _ALL, "--weight"),
    "pos_label": Key("str_or_int", _CLS, "--pos-label"),
    "threshold": Key("number_or_str", (CLASSIFY, COMPARE), "--threshold"),
    "task": Key("str", _CLS, "--task"),
    "top_k": Key("positive", (CLASSIFY, COMPARE), "--top-k"),
    "normalize": Key("str", (CLASSIFY,), "--normalize"),
    "normalize_scores": Key("str", (CLASSIFY, COMPARE), "--normalize-scores"),
    "show_classes": Key("positive", (CLASSIFY,), "--show-classes"),
    "classes": Key("str", (CLASSIFY, COMPARE, CURVE), "--classes"),
    "threshold_from": Key("path", (CLASSIFY,), "--threshold-from"),
    "tpr_at_fpr": Key("number_or_str", (CLASSIFY,), "--tpr-at-fpr"),
    "fpr_at_tpr": Key("number_or_str", (CLASSIFY,), "--fpr-at-tpr"),
    "hep": Key("bool", (CLASSIFY,), "--hep"),
    "lumi_scale": Key("number", (CLASSIFY,), "--lumi-scale"),
    "overtraining": Key("path", (CLASSIFY,), "--overtraining"),
    "bins": Key("str_or_int", (CLASSIFY, CURVE), "--bins"),
    "plot": Key("path", (CLASSIFY, REGRESS, COMPARE), "--plot"),
    "quantile": Key("number", (REGRESS,), "--quantile"),
    "sigma": Key("str", (REGRESS, COMPARE), "--sigma"),
    "cov": Key("path", (REGRESS, COMPARE), "--cov"),
    "corr": Key("path", (REGRESS, COMPARE), "--corr"),
    "n_params": Key("count", (REGRESS, COMPARE), "--n-params"),
    "pulls": Key("path", (REGRESS,), "--pulls"),
    "likelihood": Key("str", (DENSITY,), "--likelihood"),
    "p": Key("str", (DENSITY,), "--p"),
    "q": Key("str", (DENSITY,), "--q"),
    "kind": Key("str", (CURVE,), "--kind"),
    "points": Key("positive", (CURVE,), "--points"),
    "drop_intermediate": Key("bool", (CURVE,), "--drop-intermediate"),
    "id": Key("str", (COMPARE,), "--id"),
    "by": Key("str", _REPORTS, "--by"),
    "ci": Key("bool_or_level", _REPORTS, "--ci"),
    "bootstrap": Key("positive", _REPORTS, "--bootstrap"),
    "ci_method": Key("str", _REPORTS, "--ci-method"),
    "bootstrap_kind": Key("str", _REPORTS, "--bootstrap-kind"),
    "gap": Key("str", _REPORTS, "--gap"),
    "seed": Key("int", _REPORTS, "--seed"),
    "memory_limit": Key("str", (CLASSIFY, REGRESS, DENSITY), "--memory-limit"),
    "engine": Key("str", (CLASSIFY, REGRESS, DENSITY), "--engine"),
    "scheduler": Key("str", (CLASSIFY, REGRESS, DENSITY), "--scheduler"),
    "drop_invalid": Key("bool", _ALL, "--drop-invalid"),
    "sep": Key("str", _ALL, "--sep"),
    "decimal": Key("str", _ALL, "--decimal"),
    "require": Key("strs", _REPORTS, "--require"),
    "baseline": Key("path", _REPORTS, "--baseline"),
    "max_drop": Key("limits", _REPORTS, "--max-drop"),
    "max_rise": Key("limits", _REPORTS, "--max-rise"),
}

#: command → the keys it accepts, derived from :data:`KEYS`.
ALLOWED: dict[str, frozenset[str]] = {
    cmd: frozenset(k for k, spec in KEYS.items() if cmd in spec.commands) for cmd in COMMANDS
}

#: Keys of the ``[tool.evalml]`` table itself.
TOP_KEYS: dict[str, str] = {"baseline_dir": "path", "evaluations": "table"}

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Evaluation:
    """One named evaluation of the configuration, validated and with paths resolved.

    Attributes
    ----------
    name : the table name (``test-auc``); also the JUnit classname and the baseline file stem.
    command : one of :data:`COMMANDS`.
    options : the command's options by parameter name (``file``, ``target``, ``pos_label``,
        ``n_params``, …), paths already absolute; ``require``, ``baseline``, ``max_drop`` and
        ``max_rise`` are kept in their own fields, not here.
    requirements : the ``require`` expressions as written (parsed by the gates at run time).
    baseline : the report to compare against: ``baseline`` if given, else
        ``baseline_dir/NAME.json`` when ``baseline_dir`` is set, else None.
    baseline_explicit : True when ``baseline`` was written in the evaluation (a missing file is
        then an error), False when it was derived from ``baseline_dir``.
    max_drop, max_rise : metric → allowed change against the baseline.
    config_path : the file this evaluation was read from.
    """

    name: str
    command: str
    options: dict[str, Any]
    requirements: tuple[str, ...] = ()
    baseline: Path | None = None
    baseline_explicit: bool = False
    max_drop: dict[str, float] = field(default_factory=dict)
    max_rise: dict[str, float] = field(default_factory=dict)
    config_path: Path | None = None

    def argv(self) -> list[str]:
        """The equivalent command line (without the program name), for ``check`` and messages.

        Lists become repeated flags for ``compare`` (two ``--score`` columns) and a comma list
        otherwise; ``true`` booleans become bare flags; ``ci = 0.9`` becomes ``--ci 0.9``.

        Examples
        --------
        >>> Evaluation("a", "classify", {"file": "t.csv", "target": "y", "drop_invalid": True},
        ...            ("roc_auc>=0.9",)).argv()
        ['classify', 't.csv', '--target', 'y', '--drop-invalid', '--require', 'roc_auc>=0.9']
        """
        out = [self.command]
        files = self.options.get("files") or ([self.options["file"]] if "file" in self.options else [])
        out += [str(f) for f in files]
        for key, value in self.options.items():
            flag = KEYS[key].flag
            if flag is None or value is None or value is False:
                continue
            if value is True:
                out.append(flag)
            elif isinstance(value, list):
                if self.command == COMPARE:
                    for v in value:
                        out += [flag, str(v)]
                else:
                    out += [flag, ",".join(map(str, value))]
            else:
                out += [flag, str(value)]
        for req in self.requirements:
            out += ["--require", req]
        if self.baseline is not None:
            out += ["--baseline", str(self.baseline)]
        for flag, limits in (("--max-drop", self.max_drop), ("--max-rise", self.max_rise)):
            for metric, amount in limits.items():
                out += [flag, f"{metric}={amount!r}"]
        return out


@dataclass(frozen=True)
class Config:
    """A loaded configuration.

    path : the file read. baseline_dir : resolved ``baseline_dir`` or None.
    evaluations : in file order. notes : informational lines (e.g. an ignored second config).
    """

    path: Path
    baseline_dir: Path | None
    evaluations: tuple[Evaluation, ...]
    notes: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Reading and discovery


def _show(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when inside it."""
    try:
        return os.path.relpath(path) if Path.cwd() in path.resolve().parents else str(path)
    except (OSError, ValueError):
        return str(path)


def _toml_module():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise EvalmlError(
                "reading the evalml configuration needs a TOML parser",
                hint="on Python 3.10 install it: pip install tomli",
            ) from None
    return tomllib


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; unreadable or invalid → EvalmlError naming the file (and the line)."""
    tomllib = _toml_module()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EvalmlError(f"config file {_show(path)} does not exist") from None
    except IsADirectoryError:
        raise EvalmlError(f"config path {_show(path)} is a directory", hint="name a .toml file") from None
    except OSError as exc:
        raise EvalmlError(f"cannot read config file {_show(path)}: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise EvalmlError(f"config file {_show(path)} is not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise EvalmlError(f"config file {_show(path)} is not valid TOML: {exc}") from None


def _has_tool_evalml(data: dict[str, Any]) -> bool:
    tool = data.get("tool")
    return isinstance(tool, dict) and "evalml" in tool


def discover(start: str | os.PathLike | None = None) -> tuple[Path, tuple[str, ...]] | None:
    """The config file that applies in ``start`` (default: the current directory), or None.

    Walks up from ``start`` to the filesystem root; the first directory with an
    ``evalml.toml``, or a ``pyproject.toml`` that has ``[tool.evalml]``, wins. Within one
    directory ``evalml.toml`` wins; the notes then say that ``[tool.evalml]`` is ignored.

    Returns
    -------
    (path, notes) or None when no directory up to the root has a configuration.
    """
    here = Path(start if start is not None else Path.cwd()).absolute()
    for directory in (here, *here.parents):
        own, pyproject = directory / EVALML_TOML, directory / PYPROJECT
        has_pyproject = pyproject.is_file() and _has_tool_evalml(read_toml(pyproject))
        if own.is_file():
            notes = ()
            if has_pyproject:
                notes = (f"using {_show(own)}; [tool.evalml] in {_show(pyproject)} is ignored",)
            return own, notes
        if has_pyproject:
            return pyproject, ()
    return None


def load_config(path: str | os.PathLike | None = None, start: str | os.PathLike | None = None) -> Config:
    """Read and validate the configuration.

    Parameters
    ----------
    path : ``--config PATH``; None → :func:`discover` from ``start``.
    start : where discovery begins (default: the current directory).

    Raises
    ------
    EvalmlError
        no configuration found, invalid TOML, an unknown key, a wrong type, a bad value.
    """
    notes: tuple[str, ...] = ()
    if path is None:
        found = discover(start)
        if found is None:
            where = Path(start if start is not None else Path.cwd()).absolute()
            raise EvalmlError(
                f"no evalml configuration found in {where} or its parents",
                hint="add [tool.evalml.evaluations.NAME] to pyproject.toml, or write an evalml.toml, "
                "or pass --config PATH",
            )
        cfg_path, notes = found
    else:
        cfg_path = Path(path).expanduser().absolute()
    data = read_toml(cfg_path)
    if cfg_path.name == PYPROJECT:
        if not _has_tool_evalml(data):
            raise EvalmlError(
                f"{_show(cfg_path)} has no [tool.evalml] table",
                hint="add [tool.evalml.evaluations.NAME] sections",
            )
        table, prefix = data["tool"]["evalml"], ("tool", "evalml")
    else:
        table, prefix = data, ()
    return _parse(table, cfg_path, prefix, notes)


# ---------------------------------------------------------------------------------------------
# Validation


def _key_path(parts: Iterable[str]) -> str:
    """Dotted TOML key path, quoting keys that are not bare (``evaluations."a b".file``)."""
    return ".".join(p if _BARE_KEY.match(p) else '"' + p.replace('"', '\\"') + '"' for p in parts)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list):
        return "list"
    return {int: "int", float: "float", str: "str"}.get(type(value), type(value).__name__)


class _Ctx:
    """Error factory bound to one file and key path."""

    def __init__(self, cfg: Path, parts: tuple[str, ...]) -> None:
        self.cfg, self.parts = cfg, parts

    def child(self, key: str) -> _Ctx:
        return _Ctx(self.cfg, (*self.parts, key))

    @property
    def where(self) -> str:
        return _key_path(self.parts)

    def error(self, what: str, hint: str | None = None) -> EvalmlError:
        return EvalmlError(f"{_show(self.cfg)}: {self.where}: {what}", hint=hint)

    def unknown(self, key: str, known: Iterable[str], context: str, extra_hint: str = "") -> EvalmlError:
        known = sorted(known)
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        hint += extra_hint or f"known keys{context}: {', '.join(known)}"
        return EvalmlError(f"{_show(self.cfg)}: unknown key {self.child(key).where}", hint=hint)


def _resolve(value: str, base: Path) -> str:
    """A config path relative to the config file's directory; URLs and absolute paths unchanged."""
    if "://" in value:
        return value
    p = Path(value).expanduser()
    return os.path.normpath(p if p.is_absolute() else base / p)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_value(kind: str, value: Any, ctx: _Ctx, base: Path) -> Any:
    """Type-check one value and return it normalized (paths resolved, pos_label as text)."""

    def bad(expected: str, hint: str | None = None) -> EvalmlError:
        return ctx.error(f"must be {expected}, got {_type_name(value)}", hint)

    if kind == "str":
        if not isinstance(value, str):
            raise bad("a string")
        return value
    if kind == "path":
        if not isinstance(value, str) or not value:
            raise bad("a path (a non-empty string)")
        return _resolve(value, base)
    if kind in ("paths", "strs"):
        noun = "paths" if kind == "paths" else "strings"
        example = ' e.g. ["a.csv", "b.csv"]' if kind == "paths" else ' e.g. ["roc_auc>=0.9"]'
        if not isinstance(value, list):
            raise bad(f"a list of {noun}", hint=f"write a TOML array{example}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise ctx.child(str(i)).error(f"must be a non-empty string, got {_type_name(item)} {item!r}")
        return [_resolve(v, base) for v in value] if kind == "paths" else list(value)
    if kind == "str_or_strs":
        if isinstance(value, str):
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return list(value)
        raise bad("a string or a list of strings")
    if kind == "str_or_int":
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return str(value)
        raise bad("a string or an integer")
    if kind in ("int", "count", "positive"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad("an integer")
        low = {"int": None, "count": 0, "positive": 1}[kind]
        if low is not None and value < low:
            raise ctx.error(f"must be ≥ {low}, got {value}")
        return value
    if kind == "number":
        if not _number(value) or not math.isfinite(value):
            raise bad("a finite number")
        return value
    if kind == "number_or_str":
        if isinstance(value, str):
            return value
        if _number(value) and math.isfinite(value):
            return value
        raise bad("a finite number or a string")
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind == "bool_or_level":
        if isinstance(value, bool):
            return value
        if _number(value) and 0 < value < 1:
            return float(value)
        raise bad("true, false or a confidence level in (0, 1)") if not _number(value) else ctx.error(
            f"must be a confidence level in (0, 1), got {value}"
        )
    raise AssertionError(kind)  # pragma: no cover - KEYS only uses the kinds above


def _limits(value: Any, ctx: _Ctx, command: str, kind: str) -> dict[str, float]:
    from evalml_cli import baseline

    if not isinstance(value, dict):
        raise ctx.error(f"must be a table of metric = number, got {_type_name(value)}",
                        hint=f"e.g. {ctx.parts[-1]} = {{ roc_auc = 0.005 }}")
    out: dict[str, float] = {}
    for metric, amount in value.items():
        sub = ctx.child(metric)
        if not _number(amount) or not math.isfinite(amount):
            raise sub.error(f"must be a finite number, got {_type_name(amount)}")
        if amount < 0:
            raise sub.error(f"must be ≥ 0, got {amount}", hint="it is the largest change allowed")
        try:
            baseline.validate_limit(baseline.Limit(kind, metric, float(amount)), COMMAND_TASKS[command],
                                    config=True)
        except EvalmlError as exc:
            raise sub.error(exc.message, exc.hint) from None
        out[metric] = float(amount)
    return out


def _parse_evaluation(name: str, table: Any, ctx: _Ctx, base: Path, *, baseline_dir: Path | None) -> Evaluation:
    if not isinstance(table, dict):
        raise ctx.error(f"must be a table, got {_type_name(table)}",
                        hint=f"write [{_key_path((*ctx.parts[:-1], name))}] followed by its keys")
    if not _NAME.match(name):
        raise ctx.error("evaluation names may use letters, digits, '_', '-' and '.', starting with a letter or digit",
                        hint="the name is used on the command line and as the baseline file name")
    if "command" not in table:
        raise ctx.error("missing key 'command'", hint=f"one of {', '.join(COMMANDS)}")
    command = table["command"]
    if not isinstance(command, str):
        raise ctx.child("command").error(f"must be a string, got {_type_name(command)}")
    if command not in COMMANDS:
        close = difflib.get_close_matches(command, COMMANDS, n=1)
        hint = (f"did you mean {close[0]!r}? " if close else "") + f"commands: {', '.join(COMMANDS)}"
        raise ctx.child("command").error(f"unknown command {command!r}", hint=hint)

    allowed = ALLOWED[command]
    for key in table:
        if key not in allowed:
            if key in KEYS:
                owners = ", ".join(KEYS[key].commands)
                raise ctx.child(key).error(f"{command} has no option {key!r}", hint=f"{key!r} belongs to: {owners}")
            raise ctx.unknown(key, allowed, f" for {command}")

    options: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for key, value in table.items():
        if key == "command":
            continue
        spec = KEYS[key]
        sub = ctx.child(key)
        if spec.kind == "limits":
            fields[key] = _limits(value, sub, command, key)
        elif key == "require":
            fields[key] = tuple(_check_value("strs", value, sub, base))
        elif key == "baseline":
            fields[key] = Path(_check_value("path", value, sub, base))
        else:
            options[key] = _check_value(spec.kind, value, sub, base)

    if command == COMPARE:
        if "file" in options and "files" in options:
            raise ctx.error("give 'file' or 'files', not both")
        if "files" in options and len(options["files"]) not in (1, 2):
            raise ctx.child("files").error(f"must name one or two files, got {len(options['files'])}")
        if "file" not in options and "files" not in options:
            raise ctx.error("missing key 'file' (or 'files')", hint="the prediction file(s) to evaluate")
    elif "file" not in options:
        raise ctx.error("missing key 'file'", hint="the prediction file to evaluate, relative to the config file")

    explicit = "baseline" in fields
    base_path = fields.get("baseline")
    if base_path is None and baseline_dir is not None:
        base_path = baseline_dir / f"{name}.json"
    if (fields.get("max_drop") or fields.get("max_rise")) and base_path is None:
        raise ctx.error("max_drop/max_rise need a baseline",
                        hint="set baseline = \"REPORT.json\" here or baseline_dir in the evalml table")
    return Evaluation(
        name=name,
        command=command,
        options=options,
        requirements=fields.get("require", ()),
        baseline=base_path,
        baseline_explicit=explicit,
        max_drop=fields.get("max_drop", {}),
        max_rise=fields.get("max_rise", {}),
        config_path=ctx.cfg,
    )


def _parse(table: Any, cfg: Path, prefix: tuple[str, ...], notes: tuple[str, ...]) -> Config:
    ctx = _Ctx(cfg, prefix)
    if not isinstance(table, dict):
        raise EvalmlError(f"{_show(cfg)}: {ctx.where} must be a table, got {_type_name(table)}")
    for key in table:
        if key not in TOP_KEYS:
            hint = ""
            if not prefix and key == "tool":
                hint = "an evalml.toml holds the evalml table itself: write [evaluations.NAME], not [tool.evalml…]"
            elif key in KEYS:
                hint = f"{key!r} belongs inside an evaluation: [{_key_path((*prefix, 'evaluations', 'NAME'))}]"
            raise ctx.unknown(key, TOP_KEYS, "", extra_hint=hint)
    base = cfg.parent
    baseline_dir = None
    if "baseline_dir" in table:
        baseline_dir = Path(_check_value("path", table["baseline_dir"], ctx.child("baseline_dir"), base))
    evals_table = table.get("evaluations", {})
    ectx = ctx.child("evaluations")
    if not isinstance(evals_table, dict):
        raise ectx.error(f"must be a table of named evaluations, got {_type_name(evals_table)}")
    evaluations = tuple(
        _parse_evaluation(name, body, ectx.child(name), base, baseline_dir=baseline_dir) for name, body in evals_table.items()
    )
    return Config(path=cfg, baseline_dir=baseline_dir, evaluations=evaluations, notes=notes)


def select(evaluations: Iterable[Evaluation], names: Iterable[str] | None = None,
           source: Path | None = None) -> list[Evaluation]:
    """The evaluations named (in the order given, duplicates once), or all of them.

    Raises
    ------
    EvalmlError
        an unknown name (listing the known ones), or no evaluation at all.

    Examples
    --------
    >>> evs = [Evaluation("a", "classify", {}), Evaluation("b", "regress", {})]
    >>> [e.name for e in select(evs, ["b", "a", "b"])]
    ['b', 'a']
    """
    evals = list(evaluations)
    by_name = {e.name: e for e in evals}
    where = f" in {_show(source)}" if source is not None else ""
    if not evals:
        raise EvalmlError(f"no evaluations declared{where}",
                          hint="add a [tool.evalml.evaluations.NAME] table with command and file")
    names = list(dict.fromkeys(names or []))
    if not names:
        return evals
    unknown = [n for n in names if n not in by_name]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(by_name), n=1)
        hint = (f"did you mean {close[0]!r}? " if close else "") + f"known: {', '.join(by_name)}"
        label = "evaluation" if len(unknown) == 1 else "evaluations"
        raise EvalmlError(f"unknown {label} {', '.join(map(repr, unknown))}{where}", hint=hint)
    return [by_name[n] for n in names]


__all__: list[str] = [
    "ALLOWED", "COMMANDS", "Config", "Evaluation", "KEYS", "discover", "load_config", "read_toml", "select",
]
