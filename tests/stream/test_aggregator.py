"""The live aggregator against the batch review and the plain-Python oracle.

Random event sets — re-entries, leaves without enters, repeated payments, refunds over the
cap, events after `live_end`, explanations, ad spend — are fed to `LiveSession` in random
chunks and random order, the same event sometimes offered twice (the event log lets only the
first through), and the snapshot must equal the oracle's review (`tests/engine/oracle.py`),
and the DuckDB batch review for the same events, for the session and every window.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caopan.domain.errors import InvalidInput, NotFound
from caopan.domain.events import FIELDS
from caopan.engine import event_log
from caopan.engine.backend import connect
from caopan.engine.review import review
from caopan.ingest.ndjson import BATCH_SCHEMA
from caopan.stream.session import LiveSession
from caopan.stream.snapshot import snapshot
from caopan.stream.tally import USER_GROUPS

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
from oracle import Session

MIN = 60_000
USERS = ("u1", "u2", "u3", "u4", "u5")
SOURCES = ("recommend", "follow", "paid_jinniu", "paid_fentiao", "weird_code")
KINDS = {
    "enter": 8,
    "leave": 6,
    "impression": 2,
    "like": 1,
    "comment": 2,
    "share": 1,
    "follow": 1,
    "fans_club_join": 1,
    "negative_feedback": 1,
    "product_impression": 2,
    "product_click": 2,
    "order_created": 2,
    "order_paid": 3,
    "refund": 2,
    "ad_spend": 1,
    "live_start": 1,
    "live_end": 1,
    "explain_start": 1,
    "explain_end": 1,
    "marker": 1,
}
WEIGHTED = [kind for kind, n in KINDS.items() for _ in range(n)]


def ev(event_id: str, type_: str, ts: int, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(FIELDS)
    row.update(event_id=event_id, session_id="s1", ts=ts, type=type_)
    row.update(fields)
    return row


@st.composite
def event(draw: st.DrawFn, event_id: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(WEIGHTED))
    ts = draw(st.integers(0, 80)) * 15_000 + draw(st.sampled_from([0, 0, 1, 7_500, 14_999]))
    user = draw(st.sampled_from(USERS))
    f: dict[str, Any] = {}
    if kind in ("enter", "impression"):
        f = {"user_id": user, "source": draw(st.sampled_from(SOURCES))}
        if kind == "enter":
            f["is_follower"] = draw(st.sampled_from([None, False, True]))
    elif kind in ("order_created", "order_paid"):
        f = {
            "user_id": user,
            "order_id": draw(st.sampled_from(["o1", "o2", "o3", "o4"])),
            "product_id": draw(st.sampled_from(["p1", "p2"])),
            "quantity": draw(st.integers(1, 3)),
            "amount_fen": draw(st.integers(0, 5_000)),
        }
    elif kind == "refund":
        f = {"order_id": draw(st.sampled_from(["o1", "o2", "o3", "o5"]))}
        f["amount_fen"] = draw(st.integers(0, 4_000))
    elif kind == "ad_spend":
        f = {"amount_fen": draw(st.integers(0, 3_000)), "channel": "jinniu"}
    elif kind in ("explain_start", "explain_end"):
        f = {"product_id": draw(st.sampled_from(["p1", "p2", "p3"]))}
    elif kind == "marker":
        f = {"kind": draw(st.sampled_from(["coupon", "lucky_bag", "odd"])), "text": "t"}
    elif kind in ("product_impression", "product_click"):
        f = {"user_id": user, "product_id": draw(st.sampled_from(["p1", "p2"]))}
    elif kind not in ("live_start", "live_end"):
        f = {"user_id": user}
    return ev(event_id, kind, ts, **f)


Case = tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]


@st.composite
def case(draw: st.DrawFn, most: int = 60) -> Case:
    """Events with unique ids, and the chunks they arrive in: shuffled, some offered twice."""
    n = draw(st.integers(1, most))
    events = [draw(event(f"e{i:03d}")) for i in draw(st.permutations(range(n)))]
    rng = random.Random(draw(st.integers(0, 2**32)))
    offered = events + rng.sample(events, rng.randint(0, n))
    rng.shuffle(offered)
    chunks, i = [], 0
    while i < len(offered):
        size = rng.randint(1, max(1, len(offered) // 2))
        chunks.append(offered[i : i + size])
        i += size
    return events, chunks


def table(rows: list[dict[str, Any]]) -> pa.Table:
    lines = [{**r, "extra": None, "line": n + 1} for n, r in enumerate(rows)]
    return pa.Table.from_pylist(lines, BATCH_SCHEMA)


def fold(chunks: list[list[dict[str, Any]]]) -> LiveSession:
    """What the server does: each chunk through the event log, the accepted rows folded in."""
    live = LiveSession("s1")
    seen: set[str] = set()
    for chunk in chunks:
        fresh = []
        for row in chunk:
            if row["event_id"] not in seen:
                seen.add(row["event_id"])
                fresh.append(row)
        if fresh:
            live.update(table(fresh))
    return live


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(), st.sampled_from([None, 1, 5, 10, 15]))
def test_the_stream_equals_the_oracle(example: Case, window: int | None) -> None:
    events, chunks = example
    live = fold(chunks)
    assert snapshot(live, window) == Session(events).review("s1", window)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(most=80))
def test_the_stream_equals_the_batch_review_through_the_event_log(example: Case) -> None:
    _, chunks = example
    engine = connect("duckdb://:memory:")
    live = LiveSession("s1")
    for chunk in chunks:
        result = event_log.append(engine, table(chunk), 1)
        assert not result.conflicts
        if result.rows is not None:
            assert result.rows.num_rows == result.accepted
            live.update(result.rows)
    for window in (None, 1, 5, 15):
        assert snapshot(live, window) == review(engine, "s1", None, window)
    engine.close()


def test_the_accumulator_is_checked_after_every_update() -> None:
    """River's way: after each chunk the stream equals a batch over what it has seen."""
    rng = random.Random(5)
    events = [
        ev(f"e{i}", "enter", rng.randint(0, 40) * 10_000, user_id=f"u{i % 6}", source="recommend")
        for i in range(40)
    ]
    events += [
        ev(f"l{i}", "leave", rng.randint(0, 40) * 10_000, user_id=f"u{i % 6}") for i in range(30)
    ]
    rng.shuffle(events)
    live = LiveSession("s1")
    for i in range(0, len(events), 7):
        live.update(table(events[i : i + 7]))
        seen = events[: i + 7]
        assert snapshot(live, 5) == Session(seen).review("s1", 5)


def test_late_re_entry_and_payment_re_pair_visits_and_attribution() -> None:
    live = LiveSession("s1")
    live.update(
        table(
            [
                ev("a", "enter", 0, user_id="u1", source="recommend"),
                ev(
                    "b",
                    "order_paid",
                    100_000,
                    user_id="u1",
                    order_id="o1",
                    product_id="p1",
                    quantity=1,
                    amount_fen=1_000,
                ),
                ev("c", "leave", 200_000, user_id="u1"),
            ]
        )
    )
    first = snapshot(live)["metrics"]
    assert (first["watch_pv"], first["ad_roi"], first["long_stay_rate"]) == (1, None, 1.0)
    live.update(
        table(
            [  # arrives late: a paid re-entry before the payment
                ev("d", "enter", 50_000, user_id="u1", source="paid_jinniu"),
                ev("e", "ad_spend", 60_000, amount_fen=500, channel="jinniu"),
            ]
        )
    )
    second = snapshot(live)["metrics"]
    assert second["peak_online"] == 1 and second["watch_pv"] == 2
    assert second["ad_roi"] == 2.0  # the payment is now attributed to the paid entry
    assert live.timeline.repairs == 1


def test_refunds_over_the_cap_and_before_the_payment() -> None:
    rows = [
        ev("r1", "refund", 1_000, order_id="o1", amount_fen=700),
        ev(
            "p1",
            "order_paid",
            2_000,
            user_id="u1",
            order_id="o1",
            product_id="p1",
            quantity=1,
            amount_fen=1_000,
        ),
        ev("r2", "refund", 3_000, order_id="o1", amount_fen=700),
        ev("r3", "refund", 4_000, order_id="o9", amount_fen=50),
    ]
    live = LiveSession("s1")
    for row in reversed(rows):
        live.update(table([row]))
    metrics = snapshot(live)["metrics"]
    assert metrics["refund_fen"] == 1_000 and metrics["refund_rate"] == 1.0


def test_an_empty_session_and_bad_windows() -> None:
    with pytest.raises(NotFound):
        snapshot(LiveSession("nothing"))
    live = LiveSession("s1")
    live.update(table([ev("a", "live_start", 0)]))
    with pytest.raises(InvalidInput, match="window"):
        snapshot(live, 0)
    only = snapshot(live, 5)["metrics"]
    assert only["watch_uv"] == {"value": 0, "previous": 0}
    assert only["avg_online"] == {"value": None, "previous": None}


def test_the_distinct_groups_are_the_engines() -> None:
    from caopan.engine import measures

    assert USER_GROUPS == measures._USER_COUNTS
