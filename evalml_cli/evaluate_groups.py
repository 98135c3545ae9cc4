"""Per-group reports (``--by COL``) and the generalization gap (``--gap A,B``).

The by-column is read with the columns the command needs (one read of the file, kept in
memory); the rows of each group are one boolean mask from a single ``dictionary_encode`` of
the column (its inverse codes), and every group is evaluated by the command's own reader and
kernels on its masked rows, so a group is validated and reported exactly like a file holding
only those rows. The report of every row is ``all``; its metrics stay the report's top-level
metrics, and the groups (each value of COL in order of first appearance, then ``all``) go to
``Report.groups``. With groups named ``train`` and ``test``, or ``--gap A,B``, each metric's
gap A − B (the training minus test value: the generalization gap) goes to ``Report.gap``.

A Python loop runs over groups, never over rows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

import numpy as np

from evalml_cli.errors import EvalmlError
from evalml_cli.report import Report


def _group_source(base, by_col: str, cache: dict, mask: np.ndarray | None, *, name: str | None):
    """A source that answers like ``base`` but yields only the rows of ``mask``."""
    from evalml_cli.io import TableSource

    class GroupSource(TableSource):
        def __init__(self) -> None:  # noqa: D107 - a view of an open source
            self.__dict__.update(base.__dict__)
            if name is not None:
                self.display = f"{base.display} [{by_col}={name}]"

        def read(self, columns: list[str], types: dict | None = None):
            key = (tuple(columns), repr(sorted((types or {}).items(), key=str)))
            if key not in cache:
                wanted = list(dict.fromkeys([*columns, by_col]))
                cache[key] = base.read(wanted, types) if types else base.read(wanted)
            table = cache[key].select(list(dict.fromkeys(columns)))
            if mask is not None:
                import pyarrow as pa

                table = table.filter(pa.array(mask))
            return table

    return GroupSource()


def pa_types_string(typ) -> bool:
    import pyarrow as pa

    return pa.types.is_string(typ) or pa.types.is_large_string(typ)


def parse_gap(gap: str | None) -> tuple[str, str] | None:
    """``--gap A,B`` → ("A", "B"); exit 2 unless exactly two different non-empty names."""
    if gap is None:
        return None
    parts = [p.strip() for p in gap.split(",")]
    if len(parts) != 2 or not all(parts) or parts[0] == parts[1]:
        raise EvalmlError(f"--gap needs two different group names A,B, got {gap!r}", hint="e.g. --gap train,test")
    return parts[0], parts[1]


def gap_values(a: Report, b: Report) -> dict[str, float | None]:
    """A − B for every metric of A that B also has (None when either is undefined)."""
    out: dict[str, float | None] = {}
    for name, va in a.ordered_metrics().items():
        if name not in b.metrics:
            continue
        vb = b.metrics[name]
        out[name] = None if va is None or vb is None else float(va) - float(vb)
    return out


def by_groups(func: Callable[..., Report], opts: dict[str, Any]) -> Report:
    """Evaluate ``func`` (api.classify / regress / density) on all rows and on each group."""
    from evalml_cli import api
    from evalml_cli.io import TableSource, label_text

    by, gap = opts.get("by"), opts.get("gap")
    pair = parse_gap(gap)
    if by is None:
        raise EvalmlError("--gap needs --by COLUMN", hint="e.g. --by split --gap train,test")
    kwargs = {k: v for k, v in opts.items() if k not in ("data", "by", "gap")}
    src = api._source(opts["data"])
    if isinstance(src, str):
        src = TableSource(src, sep=opts.get("sep"), decimal=opts.get("decimal"))
    by_col = src.column(by, (), "group", "--by")[0]
    cache: dict = {}
    col = _group_source(src, by_col, cache, None, name=None).read([by_col]).column(by_col).combine_chunks()
    missing = np.asarray(col.is_null().to_numpy(zero_copy_only=False), bool)
    if pa_types_string(col.type):  # an empty CSV field is an empty string, not a null
        import pyarrow.compute as pc

        missing |= np.asarray(pc.fill_null(pc.equal(pc.utf8_trim_whitespace(col), ""), False).to_numpy(zero_copy_only=False), bool)
    if missing.any():
        bad = np.flatnonzero(missing)
        rows = ", ".join(str(int(r) + 1) for r in bad[:5]) + (", …" if bad.size > 5 else "")
        raise EvalmlError(f"--by column {by_col!r} has {int(bad.size)} row(s) without a group (data rows {rows})",
                          hint="fill the column, or filter those rows out")
    enc = col.dictionary_encode()
    codes = np.asarray(enc.indices)
    names = [label_text(v) for v in enc.dictionary.to_pylist()]
    if len(set(names)) != len(names):  # 1 and 1.0 spelled differently: merge by their text
        uniq, inv = np.unique(np.array(names, dtype=object), return_inverse=True)
        codes, names = inv[codes], [str(u) for u in uniq]
    if "all" in names:
        raise EvalmlError(f"--by column {by_col!r} has a group named 'all', the name of the report of every row",
                          hint="rename that value")

    # train, validation, test first (in that order), then the other values as they appear
    rank = {k: i for i, k in enumerate(("train", "training", "val", "valid", "validation", "dev", "test", "testing"))}
    order = sorted(range(len(names)), key=lambda g: (rank.get(names[g].lower(), len(rank)), g))
    base = func(_group_source(src, by_col, cache, None, name=None), **kwargs)
    if func is api.classify:  # every group scored like the whole: same task, same positive class
        kwargs["task"] = base.task
        if base.task == "binary":
            kwargs["pos_label"] = base.inputs.get("pos_label")
    groups: dict[str, Report] = {}
    for g in order:
        name = names[g]
        try:
            groups[name] = func(_group_source(src, by_col, cache, codes == g, name=name), **kwargs)
        except EvalmlError as exc:
            raise EvalmlError(f"--by {by_col}, group {name!r}: {exc.message}", hint=exc.hint) from None
    groups["all"] = base
    gap_block = None
    if pair is not None:
        missing = [p for p in pair if p not in groups]
        if missing:
            raise EvalmlError(f"--gap: no group {missing[0]!r} in column {by_col!r}",
                              hint=f"groups: {', '.join(names)}")
        gap_block = gap_values(groups[pair[0]], groups[pair[1]])
    elif "train" in groups and "test" in groups:
        pair = ("train", "test")
        gap_block = gap_values(groups["train"], groups["test"])
    inputs = {**base.inputs, "by": by_col}
    if pair is not None:
        inputs["gap"] = f"{pair[0]},{pair[1]}"
    warnings = list(base.warnings)
    for name, r in groups.items():
        if name != "all":
            warnings += [f"group {name!r}: {w}" for w in r.warnings if w not in base.warnings]
    return replace(base, inputs=inputs, groups=groups, gap=gap_block, warnings=warnings)
