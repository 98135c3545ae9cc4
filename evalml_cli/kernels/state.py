"""One kernel protocol: ``update`` → ``merge`` → ``compute``, with merges declared per field.

A *state* is a frozen dataclass of sufficient statistics. Each field says how two states
combine through ``dataclasses.field(metadata={"merge": KIND})`` — or the shorthand
:func:`merged` — and one generic :func:`merge` serves every state:

========  ==========================================================================
KIND      merged value
========  ==========================================================================
sum       ``a + b`` (ints, floats, NumPy arrays of one shape)
min       ``min(a, b)`` (element-wise for arrays)
max       ``max(a, b)`` (element-wise for arrays; ``True`` wins for booleans)
concat    ``np.concatenate([a, b])`` along axis 0 (commutative up to row order only)
same      ``a`` after checking ``a == b`` (the number of classes K, replicas, a budget…)
custom    computed jointly by the class's ``_merge_custom(a, b) -> dict`` for all its
          custom fields (a Chan-merged mean and M2, a max with its row, a binned table…)
========  ==========================================================================

``sum``, ``min``, ``max`` and ``same`` are associative and commutative, so a merge built from
them is too, up to floating-point rounding of the sums (tested to 1e-12 relative). A
``custom`` merge must keep both properties; its class's tests say how.

A *task* (:class:`Task`) bundles the three functions with the options they need::

    state = None
    for batch in batches:               # Batch: named arrays + weight + first row number
        state = task.update(state, batch)
    metrics = task.compute(state)       # or reduce_states(map(...)) over partitions

``None`` is the empty state: ``merge(None, s) == s`` and ``update(None, batch)`` starts one.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np

#: The merge kinds a state field may declare.
MERGE_KINDS = ("sum", "min", "max", "concat", "same", "custom")

S = TypeVar("S")


def merged(kind: str, **kwargs: Any) -> Any:
    """A dataclass field that merges by ``kind`` (one of :data:`MERGE_KINDS`).

    Shorthand for ``dataclasses.field(metadata={"merge": kind}, **kwargs)``.

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True)
    ... class Counts:
    ...     n: int = merged("sum")
    ...     hi: float = merged("max")
    >>> merge(Counts(2, 1.5), Counts(3, 0.5))
    Counts(n=5, hi=1.5)
    """
    if kind not in MERGE_KINDS:
        raise ValueError(f"unknown merge kind {kind!r}; expected one of {', '.join(MERGE_KINDS)}")
    return dataclasses.field(metadata={"merge": kind}, **kwargs)


@dataclasses.dataclass(frozen=True)
class Batch:
    """Validated rows handed to :meth:`Task.update`.

    Attributes
    ----------
    arrays : name → (n, …) NumPy array, every array with the same first dimension
        (e.g. ``{"y": …, "score": …}``; each task documents the names it reads).
    weight : (n,) float64 sample weights, or None.
    first_row : 0-based number of the batch's first row in the whole data set, so that a row
        reported by a state (the largest pull, the largest error) is a global row number.

    Examples
    --------
    >>> b = Batch({"likelihood": np.array([0.5, 0.25])}, first_row=10)
    >>> b["likelihood"].tolist(), len(b), b.first_row
    ([0.5, 0.25], 2, 10)
    """

    arrays: Mapping[str, np.ndarray]
    weight: np.ndarray | None = None
    first_row: int = 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def __len__(self) -> int:
        for value in self.arrays.values():
            return int(np.shape(value)[0])
        return 0 if self.weight is None else int(self.weight.shape[0])


@runtime_checkable
class Task(Protocol[S]):
    """The kernel protocol every task implements.

    * ``update(state_or_None, batch) -> state``: fold a :class:`Batch` into a state (``None``
      starts a new one). Must equal ``merge(state, update(None, batch))``.
    * ``merge(a, b) -> state``: as if the rows of both had been aggregated together;
      associative and commutative.
    * ``compute(state) -> metrics``: the numbers (a :class:`~evalml_cli.kernels.MetricSet`).
    """

    def update(self, state: S | None, batch: Batch) -> S: ...

    def merge(self, a: S, b: S) -> S: ...

    def compute(self, state: S) -> Any: ...


def merge_kinds(cls_or_state: Any) -> dict[str, str]:
    """``{field name: merge kind}`` of a state class; TypeError when a field declares none.

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True)
    ... class Counts:
    ...     n: int = merged("sum")
    >>> merge_kinds(Counts)
    {'n': 'sum'}
    """
    cls = cls_or_state if isinstance(cls_or_state, type) else type(cls_or_state)
    return _kinds(cls)


@functools.lru_cache(maxsize=None)
def _kinds(cls: type) -> dict[str, str]:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass state")
    kinds = {}
    for f in dataclasses.fields(cls):
        kind = f.metadata.get("merge")
        if kind not in MERGE_KINDS:
            raise TypeError(
                f"{cls.__name__}.{f.name} declares no merge kind; use merged({'|'.join(MERGE_KINDS)!r})"
            )
        kinds[f.name] = kind
    return kinds


def _merge_value(kind: str, name: str, x: Any, y: Any) -> Any:
    if kind == "sum":
        return x + y
    if kind == "min":
        return np.minimum(x, y) if isinstance(x, np.ndarray) else min(x, y)
    if kind == "max":
        return np.maximum(x, y) if isinstance(x, np.ndarray) else max(x, y)
    if kind == "concat":
        return np.concatenate([x, y], axis=0)
    # "same"
    equal = np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y
    if not equal:
        raise ValueError(f"cannot merge states with different {name}: {x!r} and {y!r}")
    return x


def merge(a: S | None, b: S | None) -> S | None:
    """Combine two states of one class field by field, as each field declares.

    ``None`` is the empty state: ``merge(None, b)`` is ``b``. ``custom`` fields come from
    ``type(a)._merge_custom(a, b)``, a dict with one entry per custom field.

    Raises
    ------
    TypeError
        When the two states are of different classes or a field declares no merge kind.
    ValueError
        When a ``same`` field differs (e.g. two multiclass states with different K).

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True)
    ... class Stats:
    ...     n: int = merged("sum")
    ...     lo: float = merged("min")
    ...     k: int = merged("same")
    ...     rows: np.ndarray = merged("concat")
    >>> m = merge(Stats(2, 0.5, 3, np.array([1, 2])), Stats(1, -1.0, 3, np.array([7])))
    >>> m.n, m.lo, m.k, m.rows.tolist()
    (3, -1.0, 3, [1, 2, 7])
    """
    if a is None:
        return b
    if b is None:
        return a
    cls = type(a)
    if type(b) is not cls:
        raise TypeError(f"cannot merge a {cls.__name__} with a {type(b).__name__}")
    kinds = _kinds(cls)
    values = {}
    for name, kind in kinds.items():
        if kind != "custom":
            values[name] = _merge_value(kind, name, getattr(a, name), getattr(b, name))
    if "custom" in kinds.values():
        custom = cls._merge_custom(a, b)
        missing = {n for n, k in kinds.items() if k == "custom"} - set(custom)
        if missing:
            raise TypeError(f"{cls.__name__}._merge_custom did not return {sorted(missing)}")
        values.update(custom)
    return cls(**values)


def reduce_states(states: Iterable[S | None], merge_fn=merge) -> S | None:
    """Merge any number of states (``None`` entries are skipped); ``None`` when there are none.

    ``merge_fn`` defaults to the generic :func:`merge`; pass a task's ``merge`` for states
    whose class merges otherwise.

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True)
    ... class Counts:
    ...     n: int = merged("sum")
    >>> reduce_states([Counts(1), None, Counts(2), Counts(4)])
    Counts(n=7)
    >>> reduce_states([]) is None
    True
    """
    out = None
    for s in states:
        if s is None:
            continue
        out = s if out is None else merge_fn(out, s)
    return out


def update_all(task: Task[S], batches: Iterable[Batch], state: S | None = None) -> S | None:
    """Fold batches into a state with ``task.update``: the local engine in one line."""
    for batch in batches:
        state = task.update(state, batch)
    return state
