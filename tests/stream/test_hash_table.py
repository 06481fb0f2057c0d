"""The fold's numpy structures behave like their plain Python counterparts: the hash table like
a dict (keys sharing home slots, repeated keys, growth, probes finished one by one or in
vectorised rounds), the string hash like its definition, `unique` like `np.unique`, `Bitmap`
like a set."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.stream import columns
from caopan.stream.columns import Bitmap, HashTable, mix, unique

# keys from a small pool (so calls repeat keys and meet held ones), many sharing their low bits
# (so they share home slots and probe far)
KEYS = st.lists(
    st.tuples(st.integers(0, 40), st.sampled_from([0, 1, 5, 1023]), st.booleans()),
    max_size=80,
).map(lambda keys: np.array([(a << 24) | b | (top << 63) for a, b, top in keys], np.uint64))
CALLS = st.lists(st.tuples(KEYS, st.booleans()), max_size=12)


def check_against_dict(calls: list[tuple[np.ndarray, bool]]) -> None:
    table, reference = HashTable(capacity=16), {}
    next_value = 0
    for keys, probe_first in calls:
        values = np.arange(next_value, next_value + len(keys))
        next_value += len(keys)
        slots = None
        if probe_first:
            found, slots = table.find(keys)
            assert found.tolist() == [reference.get(k, -1) for k in keys.tolist()]
            held = found >= 0
            assert (table.keys[slots[held]] == keys[held]).all()
            assert (table.values[slots[~held]] < 0).all()  # the free slot the probe met
        placed = table.put(keys, values, slots)
        expected = []
        for key, value in zip(keys.tolist(), values.tolist(), strict=True):
            expected.append(key not in reference)
            reference.setdefault(key, value)  # the first of equal keys is added
        assert placed.tolist() == expected
        assert table.count == len(reference) <= len(table.keys) // 2
    probe = np.array([*reference, 12345, 2**63 + 7], np.uint64)  # two keys never added
    assert table.get(probe).tolist() == [*reference.values(), -1, -1]


@settings(max_examples=300, deadline=None)
@given(CALLS)
def test_the_table_is_a_dict(calls: list[tuple[np.ndarray, bool]]) -> None:
    check_against_dict(calls)


@pytest.mark.parametrize("tail", [0, 10_000])
@settings(max_examples=100, deadline=None)
@given(calls=CALLS)
def test_rounds_and_one_by_one_agree(tail: int, calls: list[tuple[np.ndarray, bool]]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_TAIL", tail)  # all vectorised rounds, or all one by one
        check_against_dict(calls)


def polynomial(text: str) -> int:
    """The string hash by its definition, before mixing."""
    raw = text.encode()
    total = len(raw) * 0x94D049BB133111EB
    for j, byte in enumerate(raw):
        total += byte * pow(0x100000001B3, j, 2**64)
    return total % 2**64


@pytest.mark.parametrize("span", [1, 7, 1 << 16])
@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(max_size=20), min_size=1, max_size=40), skip=st.integers(0, 3))
def test_the_string_hash_is_its_definition(span: int, texts: list[str], skip: int) -> None:
    strings = pa.array(["x" * skip, *texts]).slice(1)  # an offset into the buffers
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_SPAN", span)  # runs cut after every string, or hashed at once
        got = columns._hash(*columns._utf8(strings))
    expected = mix(np.array([polynomial(t) for t in texts], np.uint64))
    assert got.tolist() == expected.tolist()


@given(st.lists(st.integers(-(2**40), 2**40), max_size=60))
def test_unique_is_numpys(values: list[int]) -> None:
    array = np.array(values, np.int64)
    assert unique(array).tolist() == np.unique(array).tolist()


@given(st.lists(st.lists(st.integers(0, 3_000), max_size=50), max_size=10))
def test_a_bitmap_counts_a_set(batches: list[list[int]]) -> None:
    bitmap, reference = Bitmap(), set()
    for batch in batches:
        bitmap.add(np.array(batch, np.int64))
        reference.update(batch)
        assert bitmap.count == len(reference)
    assert set(np.flatnonzero(bitmap.bits).tolist()) == reference


@given(st.lists(st.integers(0, 2**64 - 1), unique=True, max_size=200))
def test_mix_keeps_distinct_keys_distinct(keys: list[int]) -> None:
    mixed = mix(np.array(keys, np.uint64)).tolist()
    assert len(set(mixed)) == len(keys)
