"""Growable numpy columns and string interning: the storage the live accumulators build on.

Strings (users, orders, products, sources) become dense integer codes once, when first seen,
so every accumulator works on numpy integer arrays; -1 stands for a missing value.

>>> names = Interner()
>>> names.encode(pa.array(["u1", None, "u2", "u1"])).tolist()
[0, -1, 1, 0]
>>> col = Column(np.int64)
>>> col.extend(np.arange(3)); col.extend(np.arange(2)); col.view.tolist()
[0, 1, 2, 0, 1]
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Array = np.ndarray[Any, Any]


class Column:
    """An append-only numpy array that grows by doubling."""

    __slots__ = ("_data", "n")

    def __init__(self, dtype: Any, capacity: int = 256) -> None:
        self._data: Array = np.empty(capacity, dtype)
        self.n = 0

    def extend(self, values: Array) -> None:
        size = self.n + len(values)
        if size > len(self._data):
            grown = np.empty(max(size, 2 * len(self._data)), self._data.dtype)
            grown[: self.n] = self._data[: self.n]
            self._data = grown
        self._data[self.n : size] = values
        self.n = size

    @property
    def view(self) -> Array:
        """The filled part (a view: writes go through)."""
        return self._data[: self.n]

    def nbytes(self) -> int:
        return int(self._data.nbytes)


class Bitmap:
    """A growable boolean array indexed by code, with the number of set codes (counted when
    asked, once per change)."""

    __slots__ = ("_count", "bits")

    def __init__(self) -> None:
        self.bits: Array = np.zeros(1024, bool)
        self._count: int | None = 0

    def add(self, codes: Array) -> None:
        """Set `codes` (≥ 0)."""
        if len(codes) == 0:
            return
        top = int(codes.max())
        if top >= len(self.bits):
            grown = np.zeros(max(top + 1, 2 * len(self.bits)), bool)
            grown[: len(self.bits)] = self.bits
            self.bits = grown
        self.bits[codes] = True
        self._count = None

    @property
    def count(self) -> int:
        """How many codes are set."""
        if self._count is None:
            self._count = int(np.count_nonzero(self.bits))
        return self._count


def unique(values: Array) -> Array:
    """The distinct values, ascending (by one sort: cheaper than `np.unique` for the short
    integer arrays of a batch)."""
    if len(values) < 2:
        return values.copy()
    ordered = np.sort(values)
    keep = np.empty(len(ordered), bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    result: Array = ordered[keep]
    return result


def distinct(parts: list[Array], size: int) -> int:
    """The number of distinct codes (in `[0, size)`) over several arrays, exactly."""
    if not parts:
        return 0
    if sum(len(p) for p in parts) < 4096:
        return len(unique(np.concatenate(parts)))
    mark = np.zeros(size, bool)
    for part in parts:
        mark[part] = True
    return int(np.count_nonzero(mark))


class Interner:
    """Dense integer codes for strings, in order of first sight, in a dict: for small
    vocabularies (orders, products, sources), where a batch holds few distinct strings."""

    __slots__ = ("codes", "names")

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.names: list[str] = []

    def __len__(self) -> int:
        return len(self.names)

    def encode(self, values: pa.Array | pa.ChunkedArray) -> Array:
        """The codes of `values` as int32 (-1 for null)."""
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if len(values) == 0:
            return np.empty(0, np.int32)
        encoded = pc.dictionary_encode(values)
        uniques = encoded.dictionary.to_pylist()
        mapping = np.empty(len(uniques) + 1, np.int32)
        mapping[:-1] = list(map(self.codes.get, uniques, itertools.repeat(-1)))
        missing = np.flatnonzero(mapping[:-1] < 0)
        if len(missing):  # first sight: the next codes, in order
            base = len(self.names)
            fresh = [uniques[i] for i in missing.tolist()]
            self.names.extend(fresh)
            self.codes.update(zip(fresh, range(base, base + len(fresh)), strict=True))
            mapping[missing] = np.arange(base, base + len(fresh), dtype=np.int32)
        mapping[-1] = -1
        indices = pc.fill_null(encoded.indices, len(uniques)).to_numpy(zero_copy_only=False)
        result: Array = mapping[indices]
        return result

    def nbytes(self) -> int:
        """Rough memory held by the names and the lookup table."""
        per_name = 60 + 8 + 100  # the str object, the list slot, a dict entry
        return len(self.names) * per_name


class ViewerInterner:
    """Dense integer codes for strings, in order of first sight, for large vocabularies (the
    viewers of a session: hundreds of thousands of ids).

    Kept in numpy, not in a Python dict, so that a batch costs no Python object per string:
    each distinct string of a batch (Arrow's dictionary encoding) is hashed to 64 bits from its
    UTF-8 bytes, the hash is looked up in an open-addressing table of the hashes seen so far
    (linear probing, every probe round vectorised, at most half full), and a match is then
    checked byte for byte against the stored string, so the codes are exact. A string whose
    hash is already taken by another (a collision, astronomically rare) is kept in a small dict
    instead. The bytes of every name are stored once, back to back.
    """

    __slots__ = ("_bytes", "_collided", "_listed", "_offsets", "_table")

    def __init__(self) -> None:
        self._bytes = Column(np.uint8, 1024)
        self._offsets = Column(np.int64)
        self._offsets.extend(np.zeros(1, np.int64))
        self._table = HashTable()
        self._collided: dict[bytes, int] = {}
        self._listed: list[str] = []

    def __len__(self) -> int:
        return self._offsets.n - 1

    @property
    def names(self) -> list[str]:
        """Every name, by code (decoded when asked for; meant for small vocabularies)."""
        offsets, data = self._offsets.view, self._bytes.view
        for code in range(len(self._listed), len(self)):
            self._listed.append(bytes(data[offsets[code] : offsets[code + 1]]).decode())
        return self._listed

    def encode(self, values: pa.Array | pa.ChunkedArray) -> Array:
        """The codes of `values` as int32 (-1 for null)."""
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if len(values) == 0:
            return np.empty(0, np.int32)
        if not pa.types.is_string(values.type):
            values = values.cast(pa.string())
        encoded = pc.dictionary_encode(values)
        strings = encoded.dictionary
        starts, lengths, data = _utf8(strings)
        hashes = _hash(starts, lengths, data)
        codes, slots = self._table.find(hashes)
        found = np.flatnonzero(codes >= 0)
        if len(found):
            same = self._same(codes[found], strings.take(pa.array(found)))
            for k in found[~same].tolist():  # the hash belongs to another string
                codes[k] = self._collided.get(_bytes_of(k, starts, lengths, data), -1)
        missing = np.flatnonzero(codes < 0)
        if len(missing):
            codes[missing] = self._add(missing, hashes, slots, strings)
        return _by_index(encoded.indices, codes)

    def _same(self, codes: Array, strings: pa.Array) -> Array:
        """Whether each stored name `codes` is `strings`, byte for byte."""
        stored = pa.LargeStringArray.from_buffers(
            len(self), pa.py_buffer(self._offsets.view), pa.py_buffer(self._bytes.view)
        ).take(pa.array(codes))
        same: Array = pc.equal(stored, strings.cast(pa.large_string())).to_numpy(
            zero_copy_only=False
        )
        return same

    def _add(self, missing: Array, hashes: Array, slots: Array, strings: pa.Array) -> Array:
        """New codes for the `strings` at `missing` (indices, in order of first sight)."""
        base = len(self)
        codes = np.arange(base, base + len(missing), dtype=np.int64)
        starts, lengths, data = _utf8(strings.take(pa.array(missing)))
        first = int(starts[0])
        self._bytes.extend(data[first : first + int(lengths.sum())])
        self._offsets.extend(self._offsets.view[-1] + np.cumsum(lengths))
        # not placed: the hash is held by another string, or by an earlier new one
        placed = self._table.put(hashes[missing], codes, slots[missing])
        for k in np.flatnonzero(~placed).tolist():
            self._collided[_bytes_of(k, starts, lengths, data)] = int(codes[k])
        return codes

    def nbytes(self) -> int:
        """Memory held: the names' bytes and offsets, the hash table, the listed names."""
        listed = len(self._listed) * 60
        return self._bytes.nbytes() + self._offsets.nbytes() + self._table.nbytes() + listed


class HashTable:
    """Distinct 64-bit keys to values (≥ 0): open addressing with linear probing, at most half
    full, each probe round done for the whole batch of keys at once.

    A key is always placed in the first free slot from its home slot on, and no slot is ever
    freed, so a probe that meets a free slot knows the key is not held.

    >>> t = HashTable(); t.put(np.array([7, 9, 7], np.uint64), np.array([0, 1, 2])).tolist()
    [True, True, False]
    >>> t.get(np.array([9, 8, 7], np.uint64)).tolist()
    [1, -1, 0]
    """

    __slots__ = ("count", "keys", "values")

    def __init__(self, capacity: int = 1024) -> None:
        self.keys: Array = np.zeros(capacity, np.uint64)
        self.values: Array = np.full(capacity, -1, np.int64)
        self.count = 0

    def get(self, keys: Array) -> Array:
        """The value of each key, -1 for a key not held."""
        return self.find(keys)[0]

    def find(self, keys: Array) -> tuple[Array, Array]:
        """The value of each key (-1 for a key not held) and its slot: where the key is, or
        the free slot where its probe stopped (where `put` would place it now)."""
        out = np.full(len(keys), -1, np.int64)
        mask = len(self.keys) - 1
        slot = (keys & np.uint64(mask)).astype(np.int64)
        pending = np.arange(len(keys))
        while len(pending) > _TAIL:
            at = slot[pending]
            value = self.values[at]
            held = value >= 0
            hit = held & (self.keys[at] == keys[pending])
            out[pending[hit]] = value[hit]
            probe = held ^ hit  # another key sits here: look at the next slot
            pending = pending[probe]
            slot[pending] = (at[probe] + 1) & mask
        for i in pending.tolist():  # the last few, one by one
            j, key = int(slot[i]), keys[i]
            while self.values[j] >= 0 and self.keys[j] != key:
                j = (j + 1) & mask
            out[i], slot[i] = self.values[j], j
        return out, slot

    def put(self, keys: Array, values: Array, slots: Array | None = None) -> Array:
        """Add keys with their values (≥ 0); return which were added: not a key held already,
        nor one equal to an earlier key of the call. `slots`, from a `find` of these keys
        since the last `put`, saves probing again."""
        if self.count + len(keys) > len(self.keys) // 2:
            held = self.values >= 0
            old_keys, old_values = self.keys[held], self.values[held]
            size = len(self.keys)
            while self.count + len(keys) > size // 2:
                size *= 2
            self.keys = np.zeros(size, np.uint64)
            self.values = np.full(size, -1, np.int64)
            self.count = 0
            self._place(old_keys, old_values, None)
            slots = None  # the slots of another table
        return self._place(keys, values, slots)

    def _place(self, keys: Array, values: Array, slots: Array | None) -> Array:
        mask = len(self.keys) - 1
        slot = (keys & np.uint64(mask)).astype(np.int64) if slots is None else slots.copy()
        placed = np.zeros(len(keys), bool)
        pending = np.arange(len(keys))
        while len(pending) > _TAIL:
            at = slot[pending]
            held = self.values[at] >= 0
            same = held & (self.keys[at] == keys[pending])  # held already: not added
            free = np.flatnonzero(~held)
            claim, where = pending[free], at[free]
            self.values[where] = len(keys)  # several may claim a slot: the first gets it
            np.minimum.at(self.values, where, claim)
            won = self.values[where] == claim
            self.keys[where[won]] = keys[claim[won]]
            self.values[where[won]] = values[claim[won]]
            placed[claim[won]] = True
            advance = held ^ same
            slot[pending[advance]] = (at[advance] + 1) & mask
            retry = np.zeros(len(pending), bool)
            retry[free[~won]] = True  # the slot went to another: probe on from it
            pending = pending[advance | retry]
        for i in pending.tolist():  # the last few, one by one, first key first
            j, key = int(slot[i]), keys[i]
            while self.values[j] >= 0 and self.keys[j] != key:
                j = (j + 1) & mask
            if self.values[j] < 0:
                self.keys[j], self.values[j] = key, values[i]
                placed[i] = True
        self.count += int(placed.sum())
        return placed

    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.values.nbytes)


_TAIL = 32
"""Keys left probing when a table finishes them one by one (cheaper than a vectorised round
for a few keys: the longest probes would otherwise cost a round each)."""

_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_PRIME = 0x100000001B3
_SPAN = 1 << 16
"""Bytes hashed at once, at most (unless one string is longer): the powers kept are this long."""
_POWERS: dict[int, Array] = {}


def _powers(base: int, n: int) -> Array:
    """base ** k (mod 2**64) for k < n, kept for the next call."""
    have = _POWERS.get(base)
    if have is None or len(have) < n:
        size = max(n, 1024, 0 if have is None else 2 * len(have))
        have = np.full(size, base, np.uint64)
        have[0] = 1
        np.cumprod(have, out=have)  # wraps around mod 2**64
        _POWERS[base] = have
    return have[:n]


def _utf8(strings: pa.Array) -> tuple[Array, Array, Array]:
    """The start and length of each string's bytes in the returned byte array (no copy)."""
    _, offset_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offset_buffer, np.int32, len(strings) + 1, strings.offset * 4)
    data = (
        np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.empty(0, np.uint8)
    )
    starts = offsets[:-1].astype(np.int64)
    return starts, np.diff(offsets).astype(np.int64), data


def _hash(starts: Array, lengths: Array, data: Array) -> Array:
    """A 64-bit hash of each string's bytes: `mix(length * c + sum(byte[j] * p ** j))`, the
    sum over the string's bytes (mod 2**64).

    The strings of an Arrow array lie back to back, so the sum is taken over their bytes at
    once, each byte weighted by `p ** g` for its place `g` in the run, and each string's sum
    brought back to its own start by `p ** -start` (p is odd: it has an inverse mod 2**64).
    Runs are cut at `_SPAN` bytes so the powers kept stay small.
    """
    out = lengths.astype(np.uint64) * _MIX2
    ends = starts + lengths
    i, n = 0, len(starts)
    while i < n:
        j = max(i + 1, int(np.searchsorted(ends, starts[i] + _SPAN, side="right")))
        first, size = int(starts[i]), int(ends[j - 1] - starts[i])
        if size:
            terms = data[first : first + size].astype(np.uint64)
            terms *= _powers(_PRIME, size)
            at = starts[i:j] - first
            nonempty = np.flatnonzero(lengths[i:j] > 0)
            sums = np.add.reduceat(terms, at[nonempty])
            sums *= _powers(_INVERSE, size)[at[nonempty]]
            out[i + nonempty] += sums
        i = j
    return mix(out)


_INVERSE = pow(_PRIME, -1, 2**64)


def mix(keys: Array) -> Array:
    """splitmix64's finaliser: a bijection of 64-bit integers that spreads every input bit
    over the output (so distinct keys stay distinct, and near ones land far apart).

    >>> len(set(mix(np.arange(1000, dtype=np.uint64)).tolist()))
    1000
    """
    out = keys.astype(np.uint64)  # a copy
    with np.errstate(over="ignore"):
        out ^= out >> np.uint64(30)
        out *= _MIX1
        out ^= out >> np.uint64(27)
        out *= _MIX2
        out ^= out >> np.uint64(31)
    return out


def _bytes_of(k: int, starts: Array, lengths: Array, data: Array) -> bytes:
    return bytes(data[starts[k] : starts[k] + lengths[k]])


def _by_index(indices: pa.Array, codes: Array) -> Array:
    """`codes[i]` for each dictionary index `i`, as int32; -1 for a null index."""
    mapping = np.empty(len(codes) + 1, np.int32)
    mapping[:-1] = codes
    mapping[-1] = -1
    if indices.null_count:
        indices = pc.fill_null(indices, len(codes))
    result: Array = mapping[indices.to_numpy(zero_copy_only=False)]
    return result
