"""Push snapshots to screens: at most once a second, only when something changed.

One `Feed` per (session, window) computes the snapshot at most once per tick for all its
subscribers. It recomputes only when the session received events since the last snapshot:
intake marks it and wakes the feed, which refreshes at once if its last refresh is a tick old
and otherwise when it becomes so. A snapshot is as of the latest event, so nothing else
changes it. Subscribers wait for a newer version; a dropped connection resumes with the
current one.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

Compute = Callable[[str, int | None], Awaitable[dict[str, Any]]]
"""(session_id, window minutes or None) → snapshot."""

TICK_SECONDS = 1.0


@dataclass(slots=True)
class Feed:
    """The latest snapshot of one (session, window), with a version that counts changes."""

    session_id: str
    window: int | None
    version: int = 0
    payload: str = ""
    dirty: bool = True
    subscribers: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    error: str | None = None


class Hub:
    """All feeds of a server."""

    def __init__(self, compute: Compute, tick: float = TICK_SECONDS) -> None:
        self.compute = compute
        self.tick = tick
        self.feeds: dict[tuple[str, int | None], Feed] = {}

    def touch(self, session_id: str) -> None:
        """Events arrived for a session: its feeds recompute at their next tick."""
        for (sid, _), feed in self.feeds.items():
            if sid == session_id:
                feed.dirty = True
                feed.wake.set()

    async def subscribe(self, session_id: str, window: int | None) -> Feed:
        key = (session_id, window)
        feed = self.feeds.get(key)
        if feed is None:
            feed = Feed(session_id, window)
            self.feeds[key] = feed
            await self._refresh(feed)  # the first snapshot before anything is sent
            feed.task = asyncio.create_task(self._run(feed))
        feed.subscribers += 1
        return feed

    def unsubscribe(self, feed: Feed) -> None:
        feed.subscribers -= 1
        if feed.subscribers <= 0 and feed.task is not None:
            feed.task.cancel()
            self.feeds.pop((feed.session_id, feed.window), None)

    async def wait_newer(self, feed: Feed, version: int, timeout: float) -> bool:
        """Wait until the feed is newer than `version`; False on timeout (send a heartbeat)."""
        async with feed.changed:
            try:
                await asyncio.wait_for(
                    feed.changed.wait_for(lambda: feed.version > version), timeout
                )
            except TimeoutError:
                return False
        return True

    async def _run(self, feed: Feed) -> None:
        """Refresh as soon as events arrive, but at most once per tick."""
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await feed.wake.wait()
            feed.wake.clear()
            pause = last + self.tick - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
            last = loop.time()
            if feed.dirty:
                await self._refresh(feed)

    async def _refresh(self, feed: Feed) -> None:
        feed.dirty = False
        try:
            snapshot = await self.compute(feed.session_id, feed.window)
            payload = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
            feed.error = None
        except Exception as exc:  # a session not yet known, a bad window: tell the screen
            payload = json.dumps(
                {"error": type(exc).__name__, "message": str(exc)}, ensure_ascii=False
            )
            feed.error = str(exc)
        if payload != feed.payload:
            async with feed.changed:
                feed.payload = payload
                feed.version += 1
                feed.changed.notify_all()
