"""Small keyed accumulators: counts per code, and distinct users per code.

>>> c = Counts(); c.add(np.array([2, 2, 0])); c.get(2), c.get(5)
(2, 0)
>>> p = PairCounts(); p.add(np.array([1, 1, 1]), np.array([7, 7, 8])); p.get(1)
2
"""

from __future__ import annotations

import numpy as np

from caopan.stream.columns import Array, unique


class Counts:
    """A growable count per code (codes ≥ 0)."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: Array = np.zeros(16, np.int64)

    def add(self, codes: Array) -> None:
        if len(codes) == 0:
            return
        counts = np.bincount(codes)
        if len(counts) > len(self.values):
            grown = np.zeros(max(len(counts), 2 * len(self.values)), np.int64)
            grown[: len(self.values)] = self.values
            self.values = grown
        self.values[: len(counts)] += counts

    def get(self, code: int) -> int:
        return int(self.values[code]) if code < len(self.values) else 0


class PairCounts:
    """Distinct `user`s per `key`, exactly: the pairs seen, and per key how many."""

    __slots__ = ("counts", "seen")

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.counts = Counts()

    def add(self, keys: Array, users: Array) -> None:
        if len(keys) == 0:
            return
        pairs = unique((keys.astype(np.int64) << 32) | users.astype(np.int64))
        seen = self.seen
        fresh = [p for p in pairs.tolist() if p not in seen]
        if fresh:
            seen.update(fresh)
            self.counts.add(np.array(fresh, np.int64) >> 32)

    def get(self, key: int) -> int:
        return self.counts.get(key)

    def nbytes(self) -> int:
        return len(self.seen) * 60 + int(self.counts.values.nbytes)


def sum_by(codes: Array, values: Array, size: int) -> Array:
    """Integer sums of `values` per code in `[0, size)` (codes < 0 are dropped)."""
    out = np.zeros(size, np.int64)
    keep = codes >= 0
    np.add.at(out, codes[keep], values[keep].astype(np.int64))
    return out


def distinct_by(codes: Array, users: Array, size: int) -> Array:
    """Distinct `users` per code in `[0, size)` (codes < 0 are dropped)."""
    keep = codes >= 0
    pairs = unique((codes[keep].astype(np.int64) << 32) | users[keep].astype(np.int64))
    return np.bincount(pairs >> 32, minlength=size).astype(np.int64)[:size] if size else pairs[:0]
