"""The push hub: at most one new snapshot a tick, only when something changed, at once after a
quiet tick, one computation shared by every subscriber, and a current snapshot on resubscribing.

The tick is shortened to keep the tests quick; the computation is a counter of the events
"folded" so far, so each test controls what changes.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from caopan.stream.bus import Feed, Hub

TICK = 0.2


class Session:
    """A fake live session: `events` grows on intake; each snapshot is counted."""

    def __init__(self, cost: float = 0.0) -> None:
        self.events = 0
        self.computed = 0
        self.cost = cost

    async def compute(self, session_id: str, window: int | None) -> dict[str, Any]:
        self.computed += 1
        await asyncio.sleep(self.cost)
        return {"session": session_id, "window": window, "events": self.events}


async def collect(hub: Hub, feed: Feed, until: float, out: list[tuple[float, int]]) -> None:
    """Every version a subscriber sees, with the loop time it saw it."""
    loop = asyncio.get_running_loop()
    version = feed.version
    out.append((loop.time(), version))
    while loop.time() < until:
        if await hub.wait_newer(feed, version, max(0.01, until - loop.time())):
            version = feed.version
            out.append((loop.time(), version))


def test_at_most_one_push_a_tick_under_constant_intake() -> None:
    async def run() -> tuple[list[tuple[float, int]], Session, float]:
        session = Session(cost=0.03)
        hub = Hub(session.compute, tick=TICK)
        feed = await hub.subscribe("s", 5)
        loop = asyncio.get_running_loop()
        end = loop.time() + 12 * TICK
        seen: list[tuple[float, int]] = []
        watcher = asyncio.create_task(collect(hub, feed, end, seen))
        while loop.time() < end - TICK:  # intake every 10 ms, with varying costs
            session.events += 1
            hub.touch("s")
            await asyncio.sleep(0.01)
        await watcher
        hub.unsubscribe(feed)
        return seen, session, TICK

    seen, session, tick = asyncio.run(run())
    times = [t for t, _ in seen]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(seen) >= 8  # it kept pushing while events came
    assert min(gaps) >= tick  # never two snapshots less than a tick apart
    assert session.computed <= len(seen) + 1  # no snapshot computed and thrown away


def test_nothing_is_pushed_when_nothing_changed() -> None:
    async def run() -> tuple[int, int, int]:
        session = Session()
        hub = Hub(session.compute, tick=TICK)
        feed = await hub.subscribe("s", None)
        first = feed.version
        await asyncio.sleep(3 * TICK)  # no intake: no refresh at all
        quiet = session.computed
        hub.touch("s")  # touched, but the snapshot is the same: no new version
        await asyncio.sleep(2 * TICK)
        same = feed.version
        hub.unsubscribe(feed)
        return first, quiet, same

    first, quiet, same = asyncio.run(run())
    assert first == 1
    assert quiet == 1  # only the snapshot taken on subscribing
    assert same == 1


def test_a_change_after_a_quiet_tick_is_pushed_at_once() -> None:
    async def run() -> float:
        session = Session()
        hub = Hub(session.compute, tick=TICK)
        feed = await hub.subscribe("s", 5)
        loop = asyncio.get_running_loop()
        await asyncio.sleep(1.5 * TICK)
        session.events += 1
        sent = loop.time()
        hub.touch("s")
        assert await hub.wait_newer(feed, 1, 2 * TICK)
        waited = loop.time() - sent
        hub.unsubscribe(feed)
        return waited

    assert asyncio.run(run()) < TICK / 4


def test_a_change_within_the_tick_waits_for_exactly_the_tick() -> None:
    async def run() -> tuple[float, float]:
        session = Session()
        hub = Hub(session.compute, tick=TICK)
        feed = await hub.subscribe("s", 5)
        loop = asyncio.get_running_loop()
        subscribed = loop.time()
        session.events += 1
        hub.touch("s")
        assert await hub.wait_newer(feed, 1, 3 * TICK)
        waited = loop.time() - subscribed
        hub.unsubscribe(feed)
        return waited, TICK

    waited, tick = asyncio.run(run())
    assert tick <= waited < 1.5 * tick


def test_subscribers_share_one_computation_and_a_new_one_resumes_with_the_current() -> None:
    async def run() -> tuple[int, int, str, str, int]:
        session = Session()
        hub = Hub(session.compute, tick=TICK)
        a = await hub.subscribe("s", 5)
        b = await hub.subscribe("s", 5)
        assert a is b
        session.events += 3
        hub.touch("s")
        assert await hub.wait_newer(a, 1, 3 * TICK)
        computed = session.computed
        hub.unsubscribe(b)  # a connection drops ...
        c = await hub.subscribe("s", 5)  # ... and comes back: the current snapshot, at once
        current = c.payload
        hub.unsubscribe(a)
        hub.unsubscribe(c)
        assert not hub.feeds
        d = await hub.subscribe("s", 5)  # every screen gone, then one back: computed afresh
        again = d.payload
        hub.unsubscribe(d)
        return computed, c.version, current, again, session.computed

    computed, version, current, again, total = asyncio.run(run())
    assert computed == 2  # the first snapshot and one refresh, for both subscribers
    assert version == 2
    assert '"events":3' in current
    assert again == current
    assert total == 3


def test_a_refresh_due_while_a_batch_is_stored_waits_for_it_but_not_for_long() -> None:
    async def run() -> tuple[float, str, float, float]:
        session = Session()
        hub = Hub(session.compute, tick=TICK, hold=TICK)
        feed = await hub.subscribe("s", 5)
        loop = asyncio.get_running_loop()
        subscribed = loop.time()
        session.events += 1
        hub.touch("s")  # due one tick after subscribing
        with hub.storing("s"):  # a batch is being stored when the refresh falls due
            await asyncio.sleep(1.25 * TICK)
            session.events += 1
            hub.touch("s")
        assert await hub.wait_newer(feed, 1, 2 * TICK)
        waited = loop.time() - subscribed
        held = feed.payload
        with hub.storing("s"):  # a batch that takes too long is not waited for past `hold`
            session.events += 1
            hub.touch("s")
            start = loop.time()
            assert await hub.wait_newer(feed, 2, 4 * TICK)
            late = loop.time() - start
        hub.unsubscribe(feed)
        return waited, held, late, TICK

    waited, held, late, tick = asyncio.run(run())
    assert 1.25 * tick <= waited < 1.6 * tick
    assert '"events":2' in held  # the snapshot covers the batch it waited for
    assert 1.0 * tick <= late < 2.5 * tick  # a tick after the last refresh, plus the hold
