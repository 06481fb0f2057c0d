"""Push snapshots to screens: at most once a second, only when something changed.

One `Feed` per (session, window) computes the snapshot once per refresh for all its
subscribers and serialises it once. It refreshes only when the session received events since
the last snapshot: intake marks it and wakes the feed, which refreshes at once if its last
refresh started a tick ago or more, and otherwise exactly when it becomes a tick old (the
schedule is kept from the planned instant, so timer lateness does not pile up from one
refresh to the next). A snapshot is as of the latest event, so nothing else changes it.

A refresh that falls due while a batch of the session is being stored waits for that batch
(`storing`), at most `HOLD_SECONDS`: the snapshot then covers it, instead of leaving it for the
next tick a second later. This only ever delays a refresh, so the cap holds.

Publishing keeps the cap too: a new version is published no sooner than a tick after the
previous one (a refresh that computed faster than the one before waits the difference), so a
subscriber never receives two snapshots less than a tick apart. Subscribers wait for a newer
version; a dropped connection resumes with the current one. Each feed keeps the wall time of
its recent refreshes (`Feed.timings`) for the health page and the benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Compute = Callable[[str, int | None], Awaitable[dict[str, Any]]]
"""(session_id, window minutes or None) → snapshot."""

TICK_SECONDS = 1.0
TIMINGS_KEPT = 512
HOLD_SECONDS = 0.25


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
    published: float | None = None  # loop time of the latest new version
    refreshes: int = 0
    timings: deque[float] = field(default_factory=lambda: deque(maxlen=TIMINGS_KEPT))


class Hub:
    """All feeds of a server."""

    def __init__(
        self, compute: Compute, tick: float = TICK_SECONDS, hold: float = HOLD_SECONDS
    ) -> None:
        self.compute = compute
        self.tick = tick
        self.hold = hold
        self.feeds: dict[tuple[str, int | None], Feed] = {}
        self.busy: dict[str, int] = {}  # batches of a session being stored
        self.stored: dict[str, asyncio.Event] = {}  # set when none is

    @contextlib.contextmanager
    def storing(self, session_id: str) -> Iterator[None]:
        """Around the storing of a batch of the session (touch it after, if it changed)."""
        self.busy[session_id] = self.busy.get(session_id, 0) + 1
        self.stored.setdefault(session_id, asyncio.Event()).clear()
        try:
            yield
        finally:
            self.busy[session_id] -= 1
            if not self.busy[session_id]:
                del self.busy[session_id]
                self.stored.pop(session_id).set()

    async def _settled(self, session_id: str) -> None:
        """Wait, at most `hold`, until no batch of the session is being stored."""
        done = self.stored.get(session_id)
        if done is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), self.hold)

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
        last = loop.time()  # the first snapshot was taken on subscribing
        while True:
            await feed.wake.wait()
            due = last + self.tick
            now = loop.time()
            if now < due:
                await _sleep_until(loop, due)
                last = due  # the planned instant: lateness of the timer does not add up
            else:
                last = now
            await self._settled(feed.session_id)
            feed.wake.clear()
            if feed.dirty:
                await self._refresh(feed)

    async def _refresh(self, feed: Feed) -> None:
        loop = asyncio.get_running_loop()
        feed.dirty = False
        started = loop.time()
        try:
            snapshot = await self.compute(feed.session_id, feed.window)
            payload = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
            feed.error = None
        except Exception as exc:  # a session not yet known, a bad window: tell the screen
            payload = json.dumps(
                {"error": type(exc).__name__, "message": str(exc)}, ensure_ascii=False
            )
            feed.error = str(exc)
        feed.refreshes += 1
        feed.timings.append(loop.time() - started)
        if payload != feed.payload:
            if feed.published is not None:  # never two versions less than a tick apart
                await _sleep_until(loop, feed.published + self.tick)
            async with feed.changed:
                feed.payload = payload
                feed.version += 1
                feed.published = loop.time()
                feed.changed.notify_all()

    def stats(self) -> list[dict[str, Any]]:
        """Per feed: subscribers, refreshes, and the wall time of the recent ones (ms)."""
        out = []
        for feed in self.feeds.values():
            ms = sorted(1000 * t for t in feed.timings)
            out.append(
                {
                    "session_id": feed.session_id,
                    "window": feed.window,
                    "subscribers": feed.subscribers,
                    "version": feed.version,
                    "refreshes": feed.refreshes,
                    "refresh_ms": {
                        "count": len(ms),
                        "p50": _percentile(ms, 0.50),
                        "p99": _percentile(ms, 0.99),
                        "max": round(ms[-1], 1) if ms else None,
                    },
                }
            )
        return out


async def _sleep_until(loop: asyncio.AbstractEventLoop, instant: float) -> None:
    """Sleep until the loop's clock reads `instant` or later (a timer may fire a little early)."""
    while (left := instant - loop.time()) > 0:
        await asyncio.sleep(left)


def _percentile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)
