"""The live sessions of a server: built from the store when first needed, then folded.

A session is loaded (rebuilt from every stored event of it) the first time a snapshot of it
is asked for; from then on every batch the event log accepts for it is folded in. Loading and
folding both run on the store's single writer thread, so a batch is either in the store when
a session is loaded or folded after: never lost, never counted twice — after a restart too,
since nothing here outlives the process. Snapshots are read under the session's lock.

A session nobody has asked about and nothing has been folded into for `idle_seconds` is
dropped (`evict`, also on the writer), so a long-running server holds only the sessions being
watched; asked for again, it is rebuilt from the store like after a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import pyarrow as pa

from caopan.stream.session import LiveSession
from caopan.stream.snapshot import check_window, snapshot

log = logging.getLogger("caopan.stream")

Loader = Callable[[str], Iterable[pa.RecordBatch | pa.Table]]
"""Every stored event of a session, in batches of any size and order."""


class Aggregators:
    """Live sessions by id, each with its lock."""

    def __init__(
        self, idle_seconds: float = 1_800.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.sessions: dict[str, LiveSession] = {}
        self.locks: dict[str, threading.Lock] = {}
        self.used: dict[str, float] = {}
        self.idle_seconds = idle_seconds
        self.clock = clock

    def evict(self, watched: Iterable[str] = ()) -> list[str]:
        """Drop the sessions idle for longer than `idle_seconds`, except `watched` ones (a
        screen is subscribed); call on the writer."""
        for session_id in watched:
            if session_id in self.sessions:
                self._touch(session_id)
        limit = self.clock() - self.idle_seconds
        for gone in [s for s in self.used if s not in self.sessions]:
            del self.used[gone]  # asked about while it was being dropped
        idle = [s for s, at in self.used.items() if at < limit]
        for session_id in idle:
            with self.locks[session_id]:
                del self.sessions[session_id]
            del self.used[session_id]
            log.info(
                "live session %r idle: dropped (rebuilt from the store on next use)", session_id
            )
        return idle

    def _touch(self, session_id: str) -> None:
        self.used[session_id] = self.clock()

    def loaded(self, session_id: str) -> bool:
        return session_id in self.sessions

    def load(self, session_id: str, batches: Iterable[pa.RecordBatch | pa.Table]) -> LiveSession:
        """The session, rebuilt from `batches` unless it is loaded (call on the writer)."""
        live = self.sessions.get(session_id)
        if live is not None:
            return live
        live = LiveSession(session_id)
        for batch in batches:
            table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
            live.update(table)
        if live.events:  # an unknown session stays unloaded until it has events
            self.locks[session_id] = threading.Lock()
            self.sessions[session_id] = live
            self._touch(session_id)
        return live

    def fold(self, session_id: str, rows: pa.Table | None) -> bool:
        """Fold newly accepted rows into a loaded session (call on the writer)."""
        live = self.sessions.get(session_id)
        if live is None or rows is None or rows.num_rows == 0:
            return False
        self._touch(session_id)
        with self.locks[session_id]:
            try:
                live.update(rows)
            except Exception:  # a bug must not lose the stored batch: rebuild on next use
                log.exception("folding into live session %r failed; it will be rebuilt", session_id)
                del self.sessions[session_id]
                return False
        return True

    def snapshot(self, session_id: str, window: int | None) -> dict[str, Any]:
        """The snapshot of a loaded session as of its latest event."""
        self._touch(session_id)
        with self.locks[session_id]:
            return snapshot(self.sessions[session_id], window)

    def pair(
        self, session_id: str, window: int | None
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The session snapshot and the window's (None without a window), as of one instant."""
        self._touch(session_id)
        with self.locks[session_id]:
            live = self.sessions[session_id]
            return snapshot(live), None if window is None else snapshot(live, window)

    def comments(
        self, session_id: str, minutes: int, latest: int = 20, top: int = 20
    ) -> dict[str, Any]:
        """The comment panel of a loaded session as of its latest event: the `latest`
        comments, newest first, and the `top` hot words of the last `minutes` minutes."""
        check_window(minutes)
        self._touch(session_id)
        with self.locks[session_id]:
            live = self.sessions[session_id]
            as_of = live.last if live.last is not None else 0
            return {
                "as_of": as_of,
                "total": live.comments.total,
                "latest": live.comments.latest(latest, as_of),
                "hot": {
                    "minutes": minutes,
                    "words": live.comments.hot(as_of - minutes * 60_000, as_of, top),
                },
            }

    def latest(self, session_id: str) -> int | None:
        live = self.sessions.get(session_id)
        return None if live is None else live.last
