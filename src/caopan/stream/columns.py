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
    """A growable boolean array indexed by code, with the number of set codes."""

    __slots__ = ("bits", "count")

    def __init__(self) -> None:
        self.bits: Array = np.zeros(1024, bool)
        self.count = 0

    def add(self, codes: Array) -> Array:
        """Set `codes` (≥ 0); return the codes that were not set before (each once)."""
        if len(codes) == 0:
            return codes
        top = int(codes.max())
        if top >= len(self.bits):
            grown = np.zeros(max(top + 1, 2 * len(self.bits)), bool)
            grown[: len(self.bits)] = self.bits
            self.bits = grown
        fresh = codes[~self.bits[codes]]
        if len(fresh):
            fresh = np.unique(fresh)
            self.bits[fresh] = True
            self.count += len(fresh)
        return fresh


def distinct(parts: list[Array], size: int) -> int:
    """The number of distinct codes (in `[0, size)`) over several arrays, exactly."""
    if not parts:
        return 0
    if sum(len(p) for p in parts) < 4096:
        return len(np.unique(np.concatenate(parts)))
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
        starts, lengths, data = _utf8(encoded.dictionary)
        hashes = _hash(starts, lengths, data)
        mapping = np.empty(len(hashes) + 1, np.int32)
        mapping[:-1] = self._lookup(hashes, starts, lengths, data)
        missing = np.flatnonzero(mapping[:-1] < 0)
        if len(missing):
            mapping[missing] = self._add(missing, hashes, starts, lengths, data)
        mapping[-1] = -1
        indices = pc.fill_null(encoded.indices, len(hashes)).to_numpy(zero_copy_only=False)
        result: Array = mapping[indices]
        return result

    def _lookup(self, hashes: Array, starts: Array, lengths: Array, data: Array) -> Array:
        """The code of each string, -1 where unseen; checked byte for byte."""
        codes = self._table.get(hashes)
        found = np.flatnonzero(codes >= 0)
        if len(found):
            same = self._same(codes[found], starts[found], lengths[found], data)
            for k in found[~same].tolist():  # the hash belongs to another string
                name = bytes(data[starts[k] : starts[k] + lengths[k]])
                codes[k] = self._collided.get(name, -1)
        return codes

    def _same(self, codes: Array, starts: Array, lengths: Array, data: Array) -> Array:
        """Whether each stored name `codes` has exactly the bytes at `starts`/`lengths`."""
        offsets = self._offsets.view
        same = np.asarray((offsets[codes + 1] - offsets[codes]) == lengths)
        check = np.flatnonzero(same & (lengths > 0))
        if len(check) == 0:
            return same
        size = lengths[check]
        segment, within = _spans(size)
        mine = data[np.repeat(starts[check], size) + within]
        stored = self._bytes.view[np.repeat(offsets[codes[check]], size) + within]
        same[check] = np.add.reduceat(mine != stored, segment) == 0
        return same

    def _add(
        self, missing: Array, hashes: Array, starts: Array, lengths: Array, data: Array
    ) -> Array:
        """New codes for the strings `missing` (indices, in order of first sight)."""
        base = len(self)
        codes = np.arange(base, base + len(missing), dtype=np.int64)
        _, within = _spans(lengths[missing])
        self._bytes.extend(data[np.repeat(starts[missing], lengths[missing]) + within])
        self._offsets.extend(self._offsets.view[-1] + np.cumsum(lengths[missing]))
        fresh = hashes[missing]
        taken = self._table.get(fresh) >= 0  # a hash already held by another string
        _, first = np.unique(fresh, return_index=True)
        twice = np.ones(len(missing), bool)
        twice[first] = False  # two new strings of this batch with one hash
        for k in np.flatnonzero(taken | twice).tolist():
            i = int(missing[k])
            self._collided[bytes(data[starts[i] : starts[i] + lengths[i]])] = int(codes[k])
        keep = ~(taken | twice)
        self._table.put(fresh[keep], codes[keep])
        return codes

    def nbytes(self) -> int:
        """Memory held: the names' bytes and offsets, the hash table, the listed names."""
        listed = len(self._listed) * 60
        return self._bytes.nbytes() + self._offsets.nbytes() + self._table.nbytes() + listed


class HashTable:
    """Distinct 64-bit keys to int64 values: open addressing with linear probing, at most half
    full, each probe round done for the whole batch of keys at once.

    >>> t = HashTable(); t.put(np.array([7, 9], np.uint64), np.array([0, 1]))
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
        out = np.full(len(keys), -1, np.int64)
        mask = len(self.keys) - 1
        slot = (keys & np.uint64(mask)).astype(np.int64)
        pending = np.arange(len(keys))
        while len(pending):
            at = slot[pending]
            value = self.values[at]
            hit = (value >= 0) & (self.keys[at] == keys[pending])
            out[pending[hit]] = value[hit]
            probe = (value >= 0) & ~hit  # another key sits here: look at the next slot
            pending = pending[probe]
            slot[pending] = (at[probe] + 1) & mask
        return out

    def put(self, keys: Array, values: Array) -> None:
        """Add keys not held yet (distinct) with their values (≥ 0)."""
        if self.count + len(keys) > len(self.keys) // 2:
            held = self.values >= 0
            old_keys, old_values = self.keys[held], self.values[held]
            size = len(self.keys)
            while self.count + len(keys) > size // 2:
                size *= 2
            self.keys = np.zeros(size, np.uint64)
            self.values = np.full(size, -1, np.int64)
            self.count = 0
            self._place(old_keys, old_values)
        self._place(keys, values)

    def _place(self, keys: Array, values: Array) -> None:
        mask = len(self.keys) - 1
        slot = (keys & np.uint64(mask)).astype(np.int64)
        pending = np.arange(len(keys))
        while len(pending):
            at = slot[pending]
            free = self.values[at] < 0
            _, first = np.unique(at[free], return_index=True)
            won = np.flatnonzero(free)[first]  # one key per free slot this round
            self.keys[at[won]] = keys[pending[won]]
            self.values[at[won]] = values[pending[won]]
            left = np.ones(len(pending), bool)
            left[won] = False
            busy = ~free
            slot[pending[busy]] = (at[busy] + 1) & mask
            pending = pending[left]
        self.count += len(keys)

    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.values.nbytes)


_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_PRIME = np.uint64(0x100000001B3)
_POWERS: list[Array] = [np.ones(1, np.uint64)]


def _powers(n: int) -> Array:
    """_PRIME ** k (mod 2**64) for k < n."""
    if len(_POWERS[0]) < n:
        size = max(n, 2 * len(_POWERS[0]))
        out = np.empty(size, np.uint64)
        out[0] = 1
        with np.errstate(over="ignore"):
            for k in range(1, size):
                out[k] = out[k - 1] * _PRIME
        _POWERS[0] = out
    return _POWERS[0][:n]


def _utf8(strings: pa.Array) -> tuple[Array, Array, Array]:
    """The start and length of each string's bytes in the returned byte array (no copy)."""
    _, offset_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offset_buffer, np.int32, len(strings) + 1, strings.offset * 4)
    data = (
        np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.empty(0, np.uint8)
    )
    starts = offsets[:-1].astype(np.int64)
    return starts, np.diff(offsets).astype(np.int64), data


def _spans(lengths: Array) -> tuple[Array, Array]:
    """For strings of `lengths` laid end to end: where each starts, and each byte's place
    within its string."""
    segment = np.cumsum(lengths) - lengths
    return segment, np.arange(int(lengths.sum())) - np.repeat(segment, lengths)


def _hash(starts: Array, lengths: Array, data: Array) -> Array:
    """A 64-bit hash of each string's bytes: a polynomial over the bytes, mixed (splitmix64)."""
    out = lengths.astype(np.uint64) * _MIX2
    total = int(lengths.sum())
    if total:
        segment, within = _spans(lengths)
        raw = data[np.repeat(starts, lengths) + within].astype(np.uint64)
        with np.errstate(over="ignore"):
            terms = raw * _powers(int(lengths.max()))[within]
        nonempty = lengths > 0
        out[nonempty] += np.add.reduceat(terms, segment[nonempty])
    with np.errstate(over="ignore"):
        out ^= out >> np.uint64(30)
        out *= _MIX1
        out ^= out >> np.uint64(27)
        out *= _MIX2
        out ^= out >> np.uint64(31)
    return out
