"""Idempotent event appends (rule 1 of the event contract), on every engine."""

from __future__ import annotations

import pyarrow as pa

from caopan.engine import event_log
from caopan.engine.backend import Engine
from caopan.ingest.ndjson import BATCH_SCHEMA


def ev(line: int, event_id: str, type_: str = "like", ts: int = 1000, **fields: object) -> dict:
    row = dict.fromkeys(BATCH_SCHEMA.names)
    row.update(event_id=event_id, session_id="s1", ts=ts, type=type_, user_id="u1", line=line)
    row.update(fields)
    return row


def batch(*rows: dict) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=BATCH_SCHEMA)


def stored(engine: Engine) -> list[tuple[str, int]]:
    t = engine.table("live_events").order_by("event_id").to_pyarrow()
    return list(zip(t.column("event_id").to_pylist(), t.column("ts").to_pylist(), strict=True))


def test_new_events_are_accepted_and_sessions_registered(engine: Engine) -> None:
    result = event_log.append(engine, batch(ev(1, "e1"), ev(2, "e2", ts=2000)), ingested_at=7)
    assert (result.accepted, result.duplicate, result.conflicts) == (2, 0, [])
    assert result.new_sessions == ["s1"]
    assert stored(engine) == [("e1", 1000), ("e2", 2000)]
    sessions = engine.table("live_sessions").to_pyarrow().to_pylist()
    assert [(s["session_id"], s["created_at"]) for s in sessions] == [("s1", 7)]
    stamps = engine.table("live_events").ingested_at.to_pyarrow().to_pylist()
    assert stamps == [7, 7]


def test_a_repeat_in_the_same_batch_is_a_duplicate_or_a_conflict(engine: Engine) -> None:
    result = event_log.append(
        engine,
        batch(ev(1, "e1"), ev(2, "e1"), ev(3, "e1", ts=5), ev(4, "e2", text="hi")),
        ingested_at=1,
    )
    assert result.accepted == 2
    assert result.duplicate == 1
    [conflict] = result.conflicts
    assert conflict.line == 3
    assert conflict.against == "line 1"
    assert conflict.differences == {"ts": (1000, 5)}
    assert "first one stands" in conflict.reason()
    assert stored(engine) == [("e1", 1000), ("e2", 1000)]


def test_the_first_received_stands_against_the_store(engine: Engine) -> None:
    event_log.append(engine, batch(ev(1, "e1", amount_fen=None)), ingested_at=1)
    result = event_log.append(engine, batch(ev(9, "e1", text="changed")), ingested_at=2)
    assert result.accepted == 0
    [conflict] = result.conflicts
    assert (conflict.line, conflict.against) == (9, "stored")
    assert conflict.differences == {"text": (None, "changed")}
    assert engine.table("live_events").text.to_pyarrow().to_pylist() == [None]


def test_appending_the_same_batch_twice_changes_nothing(engine: Engine) -> None:
    rows = batch(ev(1, "e1"), ev(2, "e2"), ev(3, "e2", ts=9))
    first = event_log.append(engine, rows, ingested_at=1)
    before = engine.table("live_events").to_pyarrow()
    second = event_log.append(engine, rows, ingested_at=2)
    assert (first.accepted, second.accepted) == (2, 0)
    assert second.duplicate == 2
    assert len(second.conflicts) == 1
    assert engine.table("live_events").to_pyarrow().equals(before)


def test_the_same_event_id_in_another_session_is_another_event(engine: Engine) -> None:
    result = event_log.append(engine, batch(ev(1, "e1"), ev(2, "e1", session_id="s2")), 1)
    assert result.accepted == 2
    assert sorted(result.new_sessions) == ["s1", "s2"]


def test_refunds_beyond_the_paid_amount_are_kept_and_reported(engine: Engine) -> None:
    paid = dict(order_id="o1", product_id="p1", quantity=1, amount_fen=10_000)
    rows = batch(
        ev(1, "pay", "order_paid", **paid),
        ev(2, "r1", "refund", ts=2000, user_id=None, order_id="o1", amount_fen=6_000),
        ev(3, "r2", "refund", ts=3000, user_id=None, order_id="o1", amount_fen=6_000),
        ev(4, "r3", "refund", ts=3000, user_id=None, order_id="o9", amount_fen=100),
    )
    result = event_log.append(engine, rows, ingested_at=1)
    assert result.accepted == 4
    notices = {n.line: n.message for n in result.notices}
    assert set(notices) == {2, 3, 4}
    assert "12000 fen, over the 10000 fen paid: 2000 fen will not count" in notices[3]
    assert "no payment stored yet" in notices[4]
