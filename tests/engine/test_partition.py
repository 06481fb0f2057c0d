"""Windows over one session leave the session out of their keys; over many, they keep it.

`caopan.engine.scope.partition` decides from the expression alone: a session id that is the
same literal on every row. Getting it wrong the other way round would mix sessions, so the
cases where it must keep the session are pinned as closely as the ones where it drops it.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from caopan.engine import orders, visits
from caopan.engine.scope import (
    Scope,
    partition,
    scope_rows,
    session_events,
    sessions_events,
    sparse_events,
)

EVENTS = ibis.table(
    {
        "event_id": "string",
        "session_id": "string",
        "ts": "int64",
        "type": "string",
        "user_id": "string",
        "source": "string",
        "is_follower": "boolean",
        "product_id": "string",
        "order_id": "string",
        "quantity": "int64",
        "amount_fen": "int64",
        "kind": "string",
        "text": "string",
    },
    name="live_events",
)
SCOPE = Scope("s1", 1_000, None, 9_000)


def _names(keys: list[ir.Value]) -> list[str]:
    return [k.get_name() for k in keys]


def _one() -> ir.Table:
    return session_events(EVENTS, SCOPE)


def _many() -> ir.Table:
    scopes = ibis.memtable(scope_rows([SCOPE, Scope("s2", 1_000, None, 9_000)]))
    return sessions_events(EVENTS, scopes)


def test_one_session_is_not_a_key() -> None:
    assert _names(partition(_one(), "user_id")) == ["user_id"]
    assert _names(partition(_one())) == []


def test_many_sessions_are_a_key() -> None:
    assert _names(partition(_many(), "user_id")) == ["session_id", "user_id"]
    assert _names(partition(_many())) == ["session_id"]


def test_the_store_itself_keeps_the_session() -> None:
    assert _names(partition(EVENTS, "order_id")) == ["session_id", "order_id"]


def test_the_literal_is_followed_through_derived_tables() -> None:
    """Through the common table, filters, windows, joins, aggregates and a union."""
    for ev, expected in ((_one(), []), (_many(), ["session_id"])):
        sparse = sparse_events(ev)
        steps = visits.step_events(visits.visits(sparse))
        summed = steps.group_by(["session_id", "t"]).aggregate(step=steps.step.sum())
        pays = orders.attributed(orders.payments(sparse), sparse)
        for table in (sparse, steps, summed, pays):
            assert _names(partition(table)) == expected


def test_two_different_literals_are_not_one_session() -> None:
    a = EVENTS.select("ts", session_id=ibis.literal("s1"))
    b = EVENTS.select("ts", session_id=ibis.literal("s2"))
    assert _names(partition(a.union(b))) == ["session_id"]
    assert _names(partition(a.union(a))) == []


def test_the_visits_of_one_session_have_no_session_key() -> None:
    """In SQL: the window of the visits of one session is partitioned by user only."""
    sql = str(ibis.to_sql(visits.visits(sparse_events(_one())), dialect="duckdb"))
    assert 'PARTITION BY "t' in sql
    assert '"session_id", "' not in sql.split("PARTITION BY", 1)[1].split("ORDER BY", 1)[0]
