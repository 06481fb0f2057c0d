"""Which (session_id, event_id) keys are stored: a fast, approximate membership test.

The event log must tell new events from repeats without re-reading every stored event of a
session for each batch (that made intake slower with every batch). The index keeps a 64-bit
hash of every stored key of the sessions it has seen, in sorted arrays. A hit only makes a row
*suspect*: suspects are compared exactly with the store, so a hash collision costs one extra
comparison and never changes a result. A miss is certain (every stored key of a loaded session
is in the index), as long as every write of events goes through the event log of the process
holding the index — the store's single writer.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from caopan.engine.backend import Engine

MAX_CHUNKS = 8


class KeyIndex:
    """Hashes of the stored event keys of the sessions loaded so far."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions: set[str] = set()
        self.chunks: list[np.ndarray] = []
        self._hasher = duckdb.connect()
        self._hasher.execute("SET threads = 1")  # a hash per row: threads cost more than they save

    def hash(self, keys: pa.Table) -> np.ndarray:
        """64-bit hashes of the rows' (session_id, event_id)."""
        if keys.num_rows == 0:
            return np.empty(0, np.uint64)
        self._hasher.register("keys", keys.select(["session_id", "event_id"]))
        try:
            result = self._hasher.sql("SELECT hash(session_id, event_id) AS h FROM keys")
            hashes = result.to_arrow_table().column("h").to_numpy()
        finally:
            self._hasher.unregister("keys")
        return np.asarray(hashes, np.uint64)

    def load(self, sessions: set[str]) -> None:
        """Read the stored keys of sessions not loaded yet (once per session)."""
        fresh = sorted(sessions - self.sessions)
        if not fresh:
            return
        events = self.engine.table("live_events")
        stored = events.filter(events.session_id.isin(fresh)).select("session_id", "event_id")
        self.add(self.hash(stored.to_pyarrow()))
        self.sessions.update(fresh)

    def seen(self, hashes: np.ndarray) -> np.ndarray:
        """Which hashes are (probably) stored."""
        order = np.argsort(hashes, kind="stable")  # sorted needles search far faster
        needles = hashes[order]
        found = np.zeros(len(hashes), bool)
        for chunk in self.chunks:
            at = np.minimum(np.searchsorted(chunk, needles), len(chunk) - 1)
            found |= chunk[at] == needles
        result = np.empty_like(found)
        result[order] = found
        return result

    def suspects(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which rows are (probably) stored or repeated among `hashes`, and the hashes sorted.

        One sort serves both questions: equal neighbours are repeats, and sorted needles
        search the index fast. In a normal intake nothing is found and no row is visited
        again; only found values are looked up per row.
        """
        ordered = np.sort(hashes)
        found = [ordered[1:][ordered[1:] == ordered[:-1]]]
        for chunk in self.chunks:
            at = np.minimum(np.searchsorted(chunk, ordered), len(chunk) - 1)
            hit = chunk[at] == ordered
            if hit.any():
                found.append(ordered[hit])
        hot = np.concatenate(found)
        if len(hot) == 0:
            return np.zeros(len(hashes), bool), ordered
        return np.isin(hashes, hot), ordered

    def add(self, hashes: np.ndarray, ordered: bool = False) -> None:
        """Remember stored keys' hashes (`ordered`: they are sorted already)."""
        if len(hashes) == 0:
            return
        self.chunks.append(hashes if ordered else np.sort(hashes))
        if len(self.chunks) > MAX_CHUNKS:  # sorted runs: the stable sort merges them
            self.chunks = [np.sort(np.concatenate(self.chunks), kind="stable")]

    def close(self) -> None:
        self._hasher.close()
