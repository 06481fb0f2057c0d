"""The push hub: at most one new snapshot a tick, only when something changed, at once after a
quiet tick, one computation shared by every subscriber, and a current snapshot on resubscribing.

The tick is shortened to keep the tests quick; the computation is a counter of the events
"folded" so far, so each test controls what changes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from caopan.stream.bus import Arrivals, Feed, Hub

TICK = 0.2


class Session:
    """A fake live session: `events` grows on intake; each snapshot is counted."""

    def __init__(self, cost: float = 0.0, costs: tuple[float, ...] = ()) -> None:
        self.events = 0
        self.computed = 0
        self.cost = cost
        self.costs = costs  # the first snapshots' costs, if given

    async def compute(self, session_id: str, window: int | None) -> dict[str, Any]:
        self.computed += 1
        k = self.computed - 1
        await asyncio.sleep(self.costs[k] if k < len(self.costs) else self.cost)
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


class Stream:
    """A steady stream of batches, one every `gap` seconds, each stored for `store` seconds;
    the loop time each was stored at."""

    def __init__(self, hub: Hub, session: Session, gap: float, store: float) -> None:
        self.hub, self.session, self.gap, self.store = hub, session, gap, store
        self.stored: list[float] = []

    async def run(self, start: float, until: float) -> None:
        loop = asyncio.get_running_loop()
        k = 0
        while (due := start + k * self.gap) < until:
            await asyncio.sleep(max(0.0, due - loop.time()))
            with self.hub.storing("s"):
                await asyncio.sleep(self.store)
                self.session.events += 1
                self.hub.touch("s")
                self.stored.append(loop.time())
            k += 1


async def pushes_of(hub: Hub, feed: Feed, until: float, out: list[tuple[float, int]]) -> None:
    """Every snapshot a subscriber receives: when, and how many batches it covers."""
    loop = asyncio.get_running_loop()
    version = feed.version
    while loop.time() < until:
        if await hub.wait_newer(feed, version, max(0.01, until - loop.time())):
            version = feed.version
            out.append((loop.time(), json.loads(feed.payload)["events"]))


STREAM_TICK = 0.5  # a batch every 50 ms, stored in 5 ms: timer jitter is small beside it


async def stream_waits(
    session: Session, offset: float, ticks: int
) -> tuple[list[float], list[float]]:
    """Subscribe, then stream a batch every tenth of a tick, the first `offset` seconds into
    the first tick, for `ticks` ticks. Each batch's wait from being stored to the first push
    that covers it, and the times of the pushes."""
    tick = STREAM_TICK
    hub = Hub(session.compute, tick=tick)
    feed = await hub.subscribe("s", 5)
    loop = asyncio.get_running_loop()
    start = loop.time()
    end = start + ticks * tick
    pushes: list[tuple[float, int]] = []
    watcher = asyncio.create_task(pushes_of(hub, feed, end + 2 * tick, pushes))
    stream = Stream(hub, session, tick / 10, tick / 100)
    await stream.run(start + offset, end)
    await watcher
    hub.unsubscribe(feed)
    waits = []
    for k, at in enumerate(stream.stored, 1):  # batch k leaves `events` at k
        waits.append(min(t for t, events in pushes if events >= k) - at)
    return waits, [t for t, _ in pushes]


def test_a_steady_stream_is_cut_just_after_a_batch() -> None:
    # The first refresh falls due 0.85 of a batch gap after a batch was stored. Cut there,
    # the next batch would wait 0.985 of a tick; the hub waits for that batch instead, and
    # from then on each cut falls just after a batch: no batch waits much over 0.9 tick.
    tick = STREAM_TICK
    gap, store = tick / 10, tick / 100  # as `stream_waits` streams
    offset = 0.15 * gap - store  # batches stored 0.15 gap into each gap: due 0.85 gap after one
    waits, pushes = asyncio.run(stream_waits(Session(), offset, 8))
    assert min(b - a for a, b in itertools.pairwise(pushes)) >= tick * 0.999  # the cap holds
    settled = waits[10:]  # from the second tick on
    assert max(settled) < 0.95 * tick, sorted(settled)[-5:]


def test_after_a_slow_refresh_the_plan_follows_the_held_back_pushes() -> None:
    # The fourth refresh takes half a tick, so the cap holds every later push back by as
    # much. Were the plan kept, each later snapshot would be cut half a tick before it goes
    # out and batches would wait ~1.4 tick; the plan follows, and the cut falls just after
    # a batch again.
    tick = STREAM_TICK
    waits, _ = asyncio.run(stream_waits(Session(costs=(0.0, 0.0, 0.0, 0.5 * tick)), 0.0, 10))
    late = waits[-40:]  # the last four ticks
    assert max(late) < 0.95 * tick, sorted(late)[-5:]


def test_a_cut_waits_for_the_next_batch_only_inside_a_dense_steady_stream() -> None:
    async def run() -> list[float]:
        def stream(gap: float) -> Arrivals:
            arrivals = Arrivals()
            for k in range(5):
                arrivals.record(k * gap)  # the last batch at 4 gaps
            return arrivals

        dense, sparse = stream(0.1), stream(0.5)  # a tick of 1 s: 10 and 2 batches a tick
        return [
            dense.wait_for_next(0.4 + 0.01, 0.25, 1.0),  # just after a batch: cut now
            dense.wait_for_next(0.4 + 0.07, 0.25, 1.0),  # well inside the gap: wait
            dense.wait_for_next(0.4 + 0.2, 0.25, 1.0),  # the stream paused: cut now
            sparse.wait_for_next(2.0 + 0.35, 0.25, 1.0),  # sparse: each batch has its push
            Arrivals().wait_for_next(1.0, 0.25, 1.0),  # nothing known yet
        ]

    just_after, inside, paused, sparse, unknown = asyncio.run(run())
    assert just_after == paused == sparse == unknown == 0.0
    assert 0.03 - 1e-9 <= inside <= 0.03 + 0.1 / 4 + 1e-9  # to the next batch, and a margin
