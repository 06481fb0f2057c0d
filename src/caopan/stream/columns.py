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
    """Dense integer codes for strings, in order of first sight."""

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
