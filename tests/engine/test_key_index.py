"""The key index: faster dedup, the same results, even when every hash collides."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from caopan.engine import event_log
from caopan.engine.backend import connect
from caopan.engine.key_index import KeyIndex
from caopan.ingest.ndjson import BATCH_SCHEMA


def ev(line: int, event_id: str, session: str = "s1", ts: int = 1000) -> dict:
    row = dict.fromkeys(BATCH_SCHEMA.names)
    row.update(event_id=event_id, session_id=session, ts=ts, type="like", user_id="u", line=line)
    return row


BATCHES = [
    [ev(1, "a"), ev(2, "b"), ev(3, "b"), ev(4, "c", ts=5)],
    [ev(5, "a"), ev(6, "c", ts=6), ev(7, "d", session="s2"), ev(8, "e")],
    [ev(9, "d", session="s2"), ev(10, "f"), ev(11, "f", ts=9)],
]


def run(index_kind: str | None) -> tuple[list, list]:
    engine = connect("duckdb://:memory:")
    index = None
    if index_kind is not None:
        index = KeyIndex(engine)
        if index_kind == "colliding":
            index.hash = lambda keys: np.zeros(keys.num_rows, np.uint64)  # type: ignore[method-assign]
    outcomes = []
    for rows in BATCHES:
        r = event_log.append(engine, pa.Table.from_pylist(rows, BATCH_SCHEMA), 1, index=index)
        outcomes.append((r.accepted, r.duplicate, [(c.line, c.differences) for c in r.conflicts]))
    stored = engine.table("live_events").order_by(["session_id", "event_id"]).to_pyarrow()
    return outcomes, stored.select(["session_id", "event_id", "ts"]).to_pylist()


@pytest.mark.parametrize("kind", ["index", "colliding"])
def test_the_index_changes_nothing_but_speed(kind: str) -> None:
    assert run(kind) == run(None)


def test_results_are_what_the_rules_say() -> None:
    outcomes, stored = run("index")
    assert outcomes[0][2] == []  # c at line 4 is new; b at line 3 repeats b identically
    assert outcomes[1][2] == [(6, {"ts": (5, 6)})]  # c again, another ts: a conflict
    assert outcomes[2][2] == [(11, {"ts": (1000, 9)})]  # f twice in one batch, differing
    assert [o[0] for o in outcomes] == [3, 2, 1]  # a b c | d e | f
    assert [o[1] for o in outcomes] == [1, 1, 1]  # b again | a again | d again
    assert len(stored) == 6


def test_the_index_loads_stored_keys_once_per_session() -> None:
    engine = connect("duckdb://:memory:")
    event_log.append(engine, pa.Table.from_pylist([ev(1, "a")], BATCH_SCHEMA), 1)
    index = KeyIndex(engine)  # made after the store has events: it must read them
    result = event_log.append(
        engine, pa.Table.from_pylist([ev(1, "a"), ev(2, "z")], BATCH_SCHEMA), 2, index=index
    )
    assert (result.accepted, result.duplicate) == (1, 1)
    assert index.sessions == {"s1"}
    assert index.seen(index.hash(pa.Table.from_pylist([ev(0, "z")], BATCH_SCHEMA))).tolist() == [
        True
    ]
