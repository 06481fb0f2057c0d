"""The interners give the codes a plain dict would: dense, in order of first sight, exact even
when 64-bit hashes collide."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.stream import columns
from caopan.stream.columns import Interner, ViewerInterner

NAMES = st.one_of(
    st.none(),
    st.sampled_from(["", "u1", "u2", "用户", "a" * 40]),
    st.text(max_size=12),
)
BATCHES = st.lists(st.lists(NAMES, max_size=60), max_size=12)


def reference(batches: list[list[str | None]]) -> list[list[int]]:
    codes: dict[str, int] = {}
    out = []
    for batch in batches:
        out.append([-1 if v is None else codes.setdefault(v, len(codes)) for v in batch])
    return out


def interned(
    batches: list[list[str | None]], kind: type[Interner | ViewerInterner] = ViewerInterner
) -> tuple[list[list[int]], Interner | ViewerInterner]:
    names = kind()
    return [names.encode(pa.array(b, pa.string())).tolist() for b in batches], names


@pytest.mark.parametrize("kind", [Interner, ViewerInterner])
@settings(max_examples=300, deadline=None)
@given(batches=BATCHES)
def test_codes_are_those_of_a_dict(
    kind: type[Interner | ViewerInterner], batches: list[list[str | None]]
) -> None:
    got, names = interned(batches, kind)
    assert got == reference(batches)
    seen = list(dict.fromkeys(v for b in batches for v in b if v is not None))
    assert names.names == seen and len(names) == len(seen)


@settings(max_examples=200, deadline=None)
@given(BATCHES)
def test_codes_stay_exact_when_every_hash_collides(batches: list[list[str | None]]) -> None:
    # a hash of the length alone: many different strings share each hash
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_hash", lambda starts, lengths, data: lengths.astype(np.uint64))
        got, _ = interned(batches)
    assert got == reference(batches)


def test_many_batches_grow_the_table_and_keep_every_code() -> None:
    names = ViewerInterner()
    rng = np.random.default_rng(3)
    expected: dict[str, int] = {}
    for _ in range(40):
        batch = [f"u{k}" for k in rng.integers(0, 20_000, 3_000)]
        codes = names.encode(pa.array(batch)).tolist()
        assert codes == [expected.setdefault(v, len(expected)) for v in batch]
    assert len(names) == len(expected)
    table = names._table
    assert table.count == len(expected) <= len(table.keys) // 2  # grown, never over half full


def test_chunked_sliced_and_large_strings() -> None:
    names = ViewerInterner()
    chunked = pa.chunked_array([["x", "y"], ["y", None, "z"]])
    assert names.encode(chunked).tolist() == [0, 1, 1, -1, 2]
    sliced = pa.array(["a", "x", "b", "z"]).slice(1, 2)
    assert names.encode(sliced).tolist() == [0, 3]
    assert names.encode(pa.array(["z", "x"], pa.large_string())).tolist() == [2, 0]
    assert names.encode(pa.array([], pa.string())).tolist() == []


def test_a_collision_is_resolved_by_the_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns, "_hash", lambda starts, lengths, data: lengths.astype(np.uint64))
    names = ViewerInterner()
    assert names.encode(pa.array(["ab", "cd", "ab"])).tolist() == [0, 1, 0]
    assert names.encode(pa.array(["ef", "cd", "xy", "ab"])).tolist() == [2, 1, 3, 0]
    assert set(names._collided) == {b"cd", b"ef", b"xy"}  # "ab" holds the hash of length 2
    assert names.names == ["ab", "cd", "ef", "xy"]
