"""Many sessions reviewed at once (`review_many`) equal each session's own review exactly.

The per-session review is itself checked against the oracle (`test_measures.py`); here the
grouped queries of `review_many` must give, for every session of a store, the same document
as `review(engine, sid)`, and the oracle's, on hand-made sessions (on every engine of
`--engines`) and on random ones (hypothesis, DuckDB), with sessions that share user, order
and product ids, so that nothing leaks from one session into another.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Session
from test_measures import MIN, enter, ev, event, every_case, feed, leave, paid, refund, store

from caopan.domain.errors import NotFound
from caopan.engine.backend import Engine
from caopan.engine.review import review, review_many


def _in(session_id: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**e, "session_id": session_id, "event_id": f"{session_id}-{e['event_id']}"} for e in events
    ]


def _sessions() -> dict[str, list[dict[str, Any]]]:
    """Three sessions sharing ids: one ended, one still open (open visits, no live_end), one
    with only a marker."""
    s1 = every_case()
    s2 = [
        enter("a1", 5 * MIN + 7, "u1", "follow"),
        enter("a2", 6 * MIN, "u2"),
        leave("a3", 7 * MIN, "u1"),
        paid("a4", 6 * MIN + 30_000, "o1", 1_200, user="u2"),
        refund("a5", 8 * MIN, "o1", 5_000),
        ev("a6", "product_click", 6 * MIN, user_id="u2", product_id="p1"),
        ev("a7", "explain_start", 5 * MIN, product_id="p2"),
    ]
    s3 = [ev("m1", "marker", 42 * MIN, kind="note", text="only a note")]
    return {"s1": _in("s1", s1), "s2": _in("s2", s2), "s3": _in("s3", s3)}


@pytest.mark.parametrize("chunk", [1, 2, 25])
def test_every_engine_reviews_many_sessions_as_each_alone(engine: Engine, chunk: int) -> None:
    sessions = _sessions()
    feed(engine, [e for events in sessions.values() for e in events])
    many = review_many(engine, chunk=chunk)
    assert sorted(many) == ["s1", "s2", "s3"]
    for sid, events in sessions.items():
        assert many[sid] == review(engine, sid)
        assert many[sid] == Session(events).review(sid)
    assert review_many(engine, ["s2"], chunk=chunk) == {"s2": many["s2"]}


def test_an_unknown_session_is_refused() -> None:
    engine = store(_sessions()["s2"])
    with pytest.raises(NotFound, match="nope"):
        review_many(engine, ["s2", "nope"])


@st.composite
def stores(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    count = draw(st.integers(1, 3))
    out = {}
    for k in range(count):
        n = draw(st.integers(1, 25))
        out[f"s{k}"] = _in(f"s{k}", [draw(event(f"e{i}")) for i in range(n)])
    return out


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stores(), st.sampled_from([1, 2, 25]))
def test_random_sessions_reviewed_together_equal_the_oracle(
    sessions: dict[str, Any], chunk: int
) -> None:
    engine = store([e for events in sessions.values() for e in events])
    try:
        many = review_many(engine, chunk=chunk)
        assert many == {sid: Session(events).review(sid) for sid, events in sessions.items()}
    finally:
        engine.close()
