"""Push snapshots to screens: at most once a second, only when something changed.

One `Feed` per (session, window) computes the snapshot once per refresh for all its
subscribers and serialises it once. It refreshes only when the session received events since
the last snapshot: intake marks it and wakes the feed, which refreshes at once if its last
refresh started a tick ago or more, and otherwise exactly when it becomes a tick old (the
schedule is kept from the planned instant, so timer lateness does not pile up from one
refresh to the next). A snapshot is as of the latest event, so nothing else changes it.

Where a refresh is cut against the batches decides the latency: a batch stored just after a
cut waits a whole tick for the next one, one stored just before it waits only for the refresh.
So a refresh falling due

* while a batch of the session is being stored (`storing`) waits for that batch, at most
  `HOLD_SECONDS`; the plan stays where it was;
* well inside the usual gap between the batches of a steady, dense stream (`Arrivals`: four
  batches a tick or more, and more than `JUST_AFTER_SECONDS` after the last one) waits for
  the next batch, at most `HOLD_SECONDS`, and the plan moves with it: the cut then falls just
  after a batch, tick after tick, instead of wherever the first refresh happened to put it;
* otherwise runs at once.

These only ever delay a refresh, so the cap holds.

Publishing keeps the cap too: a new version is published no sooner than a tick after the
previous one, so a subscriber never receives two snapshots less than a tick apart. A slow
refresh therefore holds every later publication back; when publications fall behind the plan
by more than `FOLLOW_SECONDS`, the plan follows them, so a snapshot is not computed early and
then kept, stale, until the cap lets it out. Subscribers wait for a newer version; a dropped
connection resumes with the current one. Each feed keeps the wall time of its recent
refreshes (`Feed.timings`) for the health page and the benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

Compute = Callable[[str, int | None], Awaitable[dict[str, Any]]]
"""(session_id, window minutes or None) → snapshot."""

TICK_SECONDS = 1.0
TIMINGS_KEPT = 512
HOLD_SECONDS = 0.25
GAPS_KEPT = 9  # the usual gap between batches is the median of the last ones
JUST_AFTER_SECONDS = 0.02  # a cut this soon after a batch is stored counts as just after it
FOLLOW_SECONDS = 0.02  # publications this much behind the plan move the plan


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


@dataclass(slots=True)
class Arrivals:
    """When a session's recent batches were stored, to expect the next one."""

    last: float | None = None
    gaps: deque[float] = field(default_factory=lambda: deque(maxlen=GAPS_KEPT))
    next: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, now: float) -> None:
        if self.last is not None:
            self.gaps.append(now - self.last)
        self.last = now
        self.next.set()  # wake whoever waits for this batch; later ones wait on a new event
        self.next = asyncio.Event()

    def wait_for_next(self, now: float, hold: float, tick: float) -> float:
        """How long to wait at `now` for the next batch: 0 unless the stream is steady and
        dense (three gaps or more, usually a quarter tick or less, the last batch less than
        one and a half usual gaps ago) and `now` is not just after the last batch
        (`JUST_AFTER_SECONDS`, or a fifth of the gap). A sparser stream gains nothing from
        waiting: each batch gets its own push anyway."""
        if self.last is None or len(self.gaps) < 3:
            return 0.0
        gap = _median(self.gaps)
        if gap > tick / 4:
            return 0.0
        since = now - self.last
        if since < min(JUST_AFTER_SECONDS, gap / 5) or since >= 1.5 * gap:
            return 0.0
        return min(hold, max(0.0, self.last + gap - now) + gap / 4)


class Hub:
    """All feeds of a server."""

    def __init__(
        self,
        compute: Compute,
        tick: float = TICK_SECONDS,
        hold: float = HOLD_SECONDS,
        after_refresh: Callable[[str], None] | None = None,
    ) -> None:
        """`after_refresh(session_id)` is called as each refresh of a feed is done (and
        published, if it changed): the moment its next one is furthest away. The server
        checkpoints its store then."""
        self.compute = compute
        self.after_refresh = after_refresh
        self.tick = tick
        self.hold = hold
        self.feeds: dict[tuple[str, int | None], Feed] = {}
        self.busy: dict[str, int] = {}  # batches of a session being stored
        self.stored: dict[str, asyncio.Event] = {}  # set when none is
        self.arrivals: dict[str, Arrivals] = {}

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

    async def _settled(self, session_id: str) -> bool:
        """Wait, at most `hold`, until no batch of the session is being stored; or, when the
        cut would fall well inside the usual gap between batches, for the next batch (see the
        module). True if it waited for a next batch (the schedule moves with it)."""
        done = self.stored.get(session_id)
        if done is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), self.hold)
            return False
        arrivals = self.arrivals.get(session_id)
        if arrivals is None:
            return False
        wait = arrivals.wait_for_next(asyncio.get_running_loop().time(), self.hold, self.tick)
        if not wait:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrivals.next.wait(), wait)
        return True

    def touch(self, session_id: str) -> None:
        """Events arrived for a session: its feeds recompute at their next tick."""
        watched = False
        for (sid, _), feed in self.feeds.items():
            if sid == session_id:
                feed.dirty = True
                feed.wake.set()
                watched = True
        if watched:  # only watched sessions' arrivals are kept (and dropped with their feeds)
            arrivals = self.arrivals.get(session_id)
            if arrivals is None:
                arrivals = self.arrivals[session_id] = Arrivals()
            arrivals.record(asyncio.get_running_loop().time())

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
            if not any(sid == feed.session_id for sid, _ in self.feeds):
                self.arrivals.pop(feed.session_id, None)

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
            if feed.published is not None and feed.timings:
                # the cap holds publications back: follow them if they fell behind the plan
                recent = itertools.islice(reversed(feed.timings), 5)
                late = feed.published + self.tick - _median(recent) - due
                if late > FOLLOW_SECONDS:
                    due += late
            now = loop.time()
            if now < due:
                await _sleep_until(loop, due)
                last = due  # the planned instant: lateness of the timer does not add up
            else:
                last = now
            if await self._settled(feed.session_id):
                last = loop.time()  # realigned just after a batch: the plan counts from here
            feed.wake.clear()
            if feed.dirty:
                await self._refresh(feed)
                if self.after_refresh is not None:
                    self.after_refresh(feed.session_id)

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


def _median(values: Iterable[float]) -> float:
    """The median of `values`; 0 for none."""
    kept = sorted(values)
    return kept[len(kept) // 2] if kept else 0.0


def _percentile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)
