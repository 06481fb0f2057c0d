"""Replay a session at (simulated) wall-clock pace into a sink, and into the store."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from simkit import session, table_of

from caopan.app import App
from caopan.domain.errors import InvalidInput
from caopan.engine.backend import connect
from caopan.sim import replay


class FakeTime:
    """A clock that moves only when someone sleeps (or works, via `spend`)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds

    def spend(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def events() -> pa.Table:
    room, ev = session(3, 5, "新店破0", "服饰")
    return table_of(room, ev)


def _span_s(events: pa.Table) -> float:
    ts = events.column("ts").to_numpy()
    return (int(ts.max()) - int(ts.min())) / 1000.0


@pytest.mark.parametrize(("speed", "tick_ms"), [(1.0, 1_000), (10.0, 1_000), (60.0, 5_000)])
def test_batches_are_paced_by_simulated_time_over_speed(events, speed: float, tick_ms: int):
    fake = FakeTime()
    batches: list[pa.Table] = []
    stats = replay.replay(
        events, batches.append, speed=speed, tick_ms=tick_ms, clock=fake.clock, sleep=fake.sleep
    )
    expected = _span_s(events) / speed
    assert sum(fake.sleeps) == pytest.approx(expected, abs=tick_ms / 1000 / speed + 1e-9)
    assert stats.seconds == pytest.approx(sum(fake.sleeps))
    assert stats.batches == len(batches) > 1
    assert stats.events == events.num_rows
    # each batch is sent when the clock reaches its tick: at (batch's first tick) / speed
    first = int(pc.min(events.column("ts")).as_py())
    sent_at = 0.0
    assert len(fake.sleeps) == len(batches) - 1  # the first batch goes at once
    for batch, slept in zip(batches[1:], fake.sleeps, strict=True):
        sent_at += slept
        tick = (int(pc.min(batch.column("ts")).as_py()) - first) // tick_ms
        assert sent_at == pytest.approx(tick * tick_ms / 1000 / speed)


def test_every_event_is_sent_exactly_once_in_time_order(events):
    fake = FakeTime()
    batches: list[pa.Table] = []
    replay.replay(events, batches.append, speed=5.0, clock=fake.clock, sleep=fake.sleep)
    sent = pa.concat_tables(batches)
    ids = sent.column("event_id").to_pylist()
    assert len(ids) == len(set(ids)) == events.num_rows
    assert set(ids) == set(events.column("event_id").to_pylist())
    ts = sent.column("ts").to_numpy()
    assert np.all(np.diff(ts) >= 0)
    for batch in batches:  # one tick of simulated time per batch
        bts = batch.column("ts").to_numpy()
        assert batch.num_rows > 0
        assert (bts.max() - int(ts[0])) // 1000 == (bts.min() - int(ts[0])) // 1000


def test_arrival_order_of_the_input_does_not_matter(events):
    shuffled = events.take(np.random.default_rng(1).permutation(events.num_rows))
    runs = []
    for table in (events, shuffled):
        fake = FakeTime()
        batches: list[pa.Table] = []
        replay.replay(table, batches.append, speed=3.0, clock=fake.clock, sleep=fake.sleep)
        runs.append(([b.column("event_id").to_pylist() for b in batches], fake.sleeps))
    assert runs[0] == runs[1]


def test_a_slow_sink_is_not_made_to_wait_more(events):
    """When sending takes longer than the simulated gap, the replay does not sleep on top."""
    fake = FakeTime()

    def slow(batch: pa.Table) -> None:
        fake.spend(10.0)

    stats = replay.replay(events, slow, speed=1_000.0, clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == []
    assert stats.seconds == pytest.approx(10.0 * stats.batches)


@pytest.mark.parametrize("speed", [0, 0.0, -1.0])
def test_speed_must_be_positive(events, speed: float):
    sent: list[pa.Table] = []
    with pytest.raises(InvalidInput, match="--speed"):
        replay.replay(events, sent.append, speed=speed, sleep=lambda s: None)
    assert sent == []


def test_nothing_to_replay_sends_nothing(events):
    sent: list[pa.Table] = []
    stats = replay.replay(events.slice(0, 0), sent.append, speed=1.0, sleep=pytest.fail)
    assert sent == [] and stats.batches == stats.events == 0


# -- into the store --------------------------------------------------------------------------


def test_store_sink_stores_every_event_and_a_second_replay_changes_nothing(events):
    engine = connect("duckdb://:memory:")
    sink = replay.store_sink(engine, lambda: 42)
    fake = FakeTime()
    replay.replay(events, sink, speed=1.0, tick_ms=60_000, clock=fake.clock, sleep=fake.sleep)

    def stored() -> pa.Table:
        return engine.table("live_events").to_pyarrow().sort_by("event_id")

    first = stored()
    assert first.num_rows == events.num_rows
    assert first.column("event_id").equals(events.sort_by("event_id").column("event_id"))
    assert set(first.column("ingested_at").to_pylist()) == {42}
    for name in ("ts", "type", "user_id", "amount_fen", "order_id", "is_follower"):
        assert first.column(name).equals(events.sort_by("event_id").column(name)), name
    sessions = engine.table("live_sessions").to_pyarrow()
    assert sessions.column("session_id").to_pylist() == [events.column("session_id")[0].as_py()]

    replay.replay(events, sink, speed=1.0, tick_ms=60_000, clock=fake.clock, sleep=fake.sleep)
    again = stored()
    assert again.equals(first)
    assert engine.table("live_sessions").count().to_pyarrow().as_py() == 1
    assert engine.table("quarantine").count().to_pyarrow().as_py() == 0
    engine.close()


def _cli_shaped(events: pa.Table) -> pa.Table:
    """What `caopan simulate replay` hands to App.replay: the first seconds, no `extra`."""
    first = int(pc.min(events.column("ts")).as_py())
    early = events.filter(pc.less(events.column("ts"), first + 4_000))
    return early.drop_columns(["extra"])


def test_app_replay_into_the_store(events):
    table = _cli_shaped(events)
    with App("duckdb://:memory:") as app:
        stats = app.replay(table, speed=1e6)
        assert stats.events == table.num_rows
        assert app.table_counts()["live_events"] == table.num_rows


def test_app_replay_needs_a_token_for_a_server(events):
    with App("duckdb://:memory:") as app, pytest.raises(InvalidInput, match="--token"):
        app.replay(_cli_shaped(events), speed=1.0, url="http://127.0.0.1:9")


def test_app_replay_twice_like_the_cli_is_idempotent(events):
    table = _cli_shaped(events)
    with App("duckdb://:memory:") as app:
        app.replay(table, speed=1e6)
        app.replay(table, speed=1e6)
        assert app.table_counts()["live_events"] == table.num_rows
