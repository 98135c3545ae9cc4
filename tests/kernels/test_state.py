"""The generic merge: declared kinds, associativity and commutativity on random states (1e-12)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalml_cli.kernels.ranking import ranking_update
from evalml_cli.kernels.state import Batch, Task, merge, merge_kinds, merged, reduce_states, update_all
from evalml_cli.kernels.streaming import (
    NllTask,
    bias_variance_update,
    chi2_sigma_update,
    nll_update,
)

REL = 1e-12


@dataclasses.dataclass(frozen=True)
class Demo:
    """One field of every plain kind (``custom`` is exercised by the real states below)."""

    n: int = merged("sum")
    total: float = merged("sum")
    hist: np.ndarray = merged("sum")
    lo: float = merged("min")
    hi: np.ndarray = merged("max")
    flag: bool = merged("max")
    k: int = merged("same")
    rows: np.ndarray = merged("concat")


positive = st.floats(1e-6, 1e6, allow_nan=False)  # sums of positives: 1e-12 relative is fair
anyfloat = st.floats(-1e9, 1e9, allow_nan=False)


@st.composite
def demo_states(draw):
    return Demo(
        n=draw(st.integers(0, 10**6)),
        total=draw(positive),
        hist=np.array(draw(st.lists(positive, min_size=3, max_size=3))),
        lo=draw(anyfloat),
        hi=np.array(draw(st.lists(anyfloat, min_size=2, max_size=2))),
        flag=draw(st.booleans()),
        k=4,
        rows=np.array(draw(st.lists(st.integers(0, 100), max_size=5)), dtype=np.int64),
    )


def assert_close(a, b, *, sort_concat: bool = False) -> None:
    """Field-by-field equality to 1e-12 relative (NaN equals NaN); concat compared as multisets."""
    assert type(a) is type(b)
    for name, kind in merge_kinds(a).items():
        x, y = getattr(a, name), getattr(b, name)
        if kind == "concat" and sort_concat:
            x, y = np.sort(x, axis=0), np.sort(y, axis=0)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            np.testing.assert_allclose(np.asarray(x, float), np.asarray(y, float), rtol=REL, atol=0, equal_nan=True)
        elif isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
            assert (math.isnan(x) and math.isnan(y)) or x == y, name
        else:
            assert x == pytest.approx(y, rel=REL, abs=0), name


@given(demo_states(), demo_states(), demo_states())
@settings(max_examples=200, deadline=None)
def test_generic_merge_is_associative_and_commutative(a, b, c):
    left = merge(merge(a, b), c)
    assert_close(left, merge(a, merge(b, c)))
    # concat is commutative only up to row order: states that need order carry row numbers
    assert_close(merge(a, b), merge(b, a), sort_concat=True)
    assert_close(left, merge(c, merge(b, a)), sort_concat=True)


def test_each_kind_merges_as_declared():
    a = Demo(1, 0.5, np.array([1.0, 2.0, 3.0]), -1.0, np.array([0.0, 5.0]), False, 4, np.array([1, 2]))
    b = Demo(2, 0.25, np.array([1.0, 1.0, 1.0]), 3.0, np.array([2.0, -5.0]), True, 4, np.array([9]))
    m = merge(a, b)
    assert (m.n, m.total, m.lo, m.flag, m.k) == (3, 0.75, -1.0, True, 4)
    assert m.hist.tolist() == [2.0, 3.0, 4.0] and m.hi.tolist() == [2.0, 5.0] and m.rows.tolist() == [1, 2, 9]


def test_same_fields_must_agree():
    a = Demo(1, 0.5, np.zeros(3), 0.0, np.zeros(2), False, 4, np.zeros(0, np.int64))
    with pytest.raises(ValueError, match="different k: 4 and 5"):
        merge(a, dataclasses.replace(a, k=5))


def test_none_is_the_empty_state():
    a = Demo(1, 0.5, np.zeros(3), 0.0, np.zeros(2), False, 4, np.zeros(0, np.int64))
    assert merge(None, a) is a and merge(a, None) is a and merge(None, None) is None
    assert reduce_states([None, a, None]) is a
    assert reduce_states([]) is None


def test_a_field_without_a_merge_kind_is_refused():
    @dataclasses.dataclass(frozen=True)
    class Bad:
        n: int = merged("sum")
        m: int = 0

    with pytest.raises(TypeError, match=r"Bad\.m declares no merge kind"):
        merge(Bad(1, 1), Bad(2, 2))


def test_unknown_merge_kind_and_mixed_classes_are_refused():
    with pytest.raises(ValueError, match="unknown merge kind"):
        merged("mean")

    @dataclasses.dataclass(frozen=True)
    class One:
        n: int = merged("sum")

    @dataclasses.dataclass(frozen=True)
    class Two:
        n: int = merged("sum")

    with pytest.raises(TypeError, match="cannot merge a One with a Two"):
        merge(One(1), Two(1))


def test_custom_merge_must_return_every_custom_field():
    @dataclasses.dataclass(frozen=True)
    class Half:
        a: int = merged("custom")
        b: int = merged("custom")

        @classmethod
        def _merge_custom(cls, x, y):
            return {"a": x.a + y.a}

    with pytest.raises(TypeError, match=r"did not return \['b'\]"):
        merge(Half(1, 1), Half(1, 1))


# ------------------------------------------------------------------ real states, custom merges


def _three_parts(n: int, data) -> list[tuple[int, int]]:
    i = data.draw(st.integers(0, n))
    j = data.draw(st.integers(i, n))
    return [(0, i), (i, j), (j, n)]


def _check_assoc_comm(a, b, c) -> None:
    left = merge(merge(a, b), c)
    assert_close(left, merge(a, merge(b, c)))
    assert_close(left, merge(c, merge(b, a)))
    assert_close(merge(a, b), merge(b, a))


values = st.lists(st.floats(0.01, 100.0), min_size=1, max_size=40)


@given(values, st.data())
@settings(max_examples=100, deadline=None)
def test_nll_state_merge_is_associative_and_commutative(L, data):
    L = np.array(L)
    w = np.array(data.draw(st.lists(st.floats(0.1, 10.0), min_size=len(L), max_size=len(L))))
    _check_assoc_comm(*(nll_update(None, L[p:q], w[p:q]) for p, q in _three_parts(len(L), data)))


@given(values, st.data())
@settings(max_examples=100, deadline=None)
def test_bias_variance_state_merge_is_associative_and_commutative(y, data):
    y = np.array(y)
    noise = data.draw(st.lists(st.floats(-5, 5), min_size=2 * len(y), max_size=2 * len(y)))
    preds = y[:, None] + np.array(noise).reshape(-1, 2)
    _check_assoc_comm(*(bias_variance_update(None, y[p:q], preds[p:q]) for p, q in _three_parts(len(y), data)))


@given(values, st.data())
@settings(max_examples=100, deadline=None)
def test_chi2_sigma_state_merge_is_associative_and_commutative(r, data):
    r = np.array(r)  # positive pulls: the Chan mean never cancels, 1e-12 relative is fair
    sigma = np.array(data.draw(st.lists(st.floats(0.1, 10.0), min_size=len(r), max_size=len(r))))
    parts = _three_parts(len(r), data)
    a, b, c = (chi2_sigma_update(None, r[p:q], sigma[p:q], first_row=p) for p, q in parts)
    left = merge(merge(a, b), c)
    for other in (merge(a, merge(b, c)), merge(c, merge(b, a)), merge(b, merge(c, a))):
        # M2 can be ~0 (equal pulls) where only an absolute tolerance makes sense
        assert other.m2_z == pytest.approx(left.m2_z, rel=REL, abs=REL * left.chi2)
        assert_close(dataclasses.replace(left, m2_z=0.0), dataclasses.replace(other, m2_z=0.0))


@given(
    st.lists(st.tuples(st.booleans(), st.floats(-1e3, 1e3)), min_size=1, max_size=80),
    st.integers(2, 16),
    st.data(),
)
@settings(max_examples=100, deadline=None)
def test_ranking_state_merge_is_associative_and_commutative(rows, budget, data):
    y, s = (np.array(c) for c in zip(*rows))
    parts = _three_parts(len(s), data)
    _check_assoc_comm(*(ranking_update(None, y[p:q].astype(bool), s[p:q], budget=budget) for p, q in parts))


def test_update_all_folds_batches_with_a_task():
    task = NllTask()
    assert isinstance(task, Task)
    batches = [Batch({"likelihood": np.array([0.5])}), Batch({"likelihood": np.array([0.25, 0.5])}, first_row=1)]
    state = update_all(task, batches)
    assert state.n == 3 and len(batches[1]) == 2
    assert task.compute(state).values["bits_per_sample"] == pytest.approx(4 / 3, rel=1e-15)
