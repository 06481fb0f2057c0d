"""The measures, metrics and breakdowns of a session, checked by hand and against the oracle.

Hand-made sessions pin the rules literally (re-entries, orphan leaves, visits after
`live_end`, open visits at `as_of`, refund caps, repeated payments, attribution, windows); a
hypothesis property feeds random event sets, in random batches and order, through the real
event log into DuckDB and demands the oracle's (`tests/engine/oracle.py`) review exactly; one
conformance test runs the same review on every engine of `--engines`.

The compiled SQL of the session measures is kept in `tests/engine/snapshots/`; after a
deliberate change, regenerate it with
`CAOPAN_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/engine/test_measures.py -k sql`
and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Session

from caopan.domain.catalog import METRICS
from caopan.domain.errors import InvalidInput, NotFound
from caopan.domain.events import FIELDS
from caopan.engine import event_log
from caopan.engine.backend import Engine, connect
from caopan.engine.measures import measures_table, session_measures, window_measures
from caopan.engine.review import review, review_table
from caopan.engine.schema import schema_of
from caopan.engine.scope import Scope
from caopan.ingest.ndjson import BATCH_SCHEMA

MIN = 60_000
SNAPSHOTS = Path(__file__).parent / "snapshots"


def ev(event_id: str, type_: str, ts: int, **fields: Any) -> dict[str, Any]:
    """One event of session s1 with every contract field (absent ones None)."""
    row: dict[str, Any] = dict.fromkeys(FIELDS)
    row.update(event_id=event_id, session_id="s1", ts=ts, type=type_)
    row.update(fields)
    return row


def enter(eid: str, ts: int, user: str, source: str = "recommend", **f: Any) -> dict[str, Any]:
    return ev(eid, "enter", ts, user_id=user, source=source, **f)


def leave(eid: str, ts: int, user: str) -> dict[str, Any]:
    return ev(eid, "leave", ts, user_id=user)


def paid(eid: str, ts: int, order: str, fen: int, user: str = "u1", **f: Any) -> dict[str, Any]:
    f = {"product_id": "p1", "quantity": 1, **f}
    return ev(eid, "order_paid", ts, user_id=user, order_id=order, amount_fen=fen, **f)


def refund(eid: str, ts: int, order: str, fen: int) -> dict[str, Any]:
    return ev(eid, "refund", ts, order_id=order, amount_fen=fen)


def store(events: Sequence[dict[str, Any]], batches: Sequence[Sequence[int]] = ()) -> Engine:
    """A fresh in-memory DuckDB store fed through the event log (in these batches, if given)."""
    engine = connect("duckdb://:memory:")
    feed(engine, events, batches)
    return engine


def feed(
    engine: Engine, events: Sequence[dict[str, Any]], batches: Sequence[Sequence[int]] = ()
) -> None:
    for indices in batches or [range(len(events))]:
        rows = [{**events[i], "extra": None, "line": n + 1} for n, i in enumerate(indices)]
        if rows:
            result = event_log.append(engine, pa.Table.from_pylist(rows, BATCH_SCHEMA), 1)
            assert not result.conflicts


def measures_of(events: Sequence[dict[str, Any]], as_of: int | None = None) -> dict[str, Any]:
    engine = store(events)
    got = session_measures(engine, "s1", as_of)
    assert got == Session(events, as_of).measures(Session(events, as_of).session_range())
    return got


def metrics_of(events: Sequence[dict[str, Any]], as_of: int | None = None) -> dict[str, Any]:
    got = review(store(events), "s1", as_of)
    assert got == Session(events, as_of).review("s1")
    metrics: dict[str, Any] = got["metrics"]
    return metrics


# ------------------------------------------------------------------------ visits (rule 5)


def test_a_re_entry_ends_the_previous_visit() -> None:
    m = measures_of(
        [
            ev("e0", "live_start", 0),
            enter("e1", 0, "u1"),
            enter("e2", 10_000, "u1"),
            leave("e3", 30_000, "u1"),
            enter("e4", 5_000, "u2"),
            leave("e5", 95_000, "u2"),
        ]
    )
    assert (m["enter_pv"], m["enter_uv"], m["present_uv"]) == (3, 2, 2)
    assert m["watch_ms"] == 10_000 + 20_000 + 90_000
    assert m["peak_online"] == 2  # never 3: u1's re-entry closes u1's first visit
    assert (m["online_at_end"], m["long_visits"], m["orphan_leaves"]) == (0, 1, 0)
    assert m["elapsed_ms"] == 95_000


def test_a_leave_without_an_open_visit_is_an_orphan_and_ignored() -> None:
    m = measures_of(
        [
            leave("e1", 0, "u1"),
            enter("e2", 1_000, "u1"),
            leave("e3", 2_000, "u1"),
            leave("e4", 3_000, "u1"),
            leave("e5", 4_000, "u9"),
        ]
    )
    assert m["orphan_leaves"] == 3
    assert (m["watch_ms"], m["enter_pv"], m["present_uv"]) == (1_000, 1, 1)


def test_a_visit_starting_after_live_end_has_length_zero_but_counts() -> None:
    events = [
        ev("e0", "live_start", 0),
        enter("e1", 10_000, "u1"),
        ev("e2", "live_end", 60_000),
        enter("e3", 90_000, "u2"),
        leave("e4", 120_000, "u2"),
        ev("e5", "comment", 100_000, user_id="u2"),
    ]
    m = measures_of(events)
    assert m["watch_ms"] == 50_000  # u1 until live_end; u2 nothing
    assert (m["enter_pv"], m["enter_uv"], m["present_uv"]) == (2, 2, 2)
    assert (m["online_at_end"], m["peak_online"]) == (0, 1)
    assert m["elapsed_ms"] == 60_000
    assert m["comment_pv"] == 1  # events after live_end still count
    metrics = metrics_of(events)
    assert metrics["avg_online"] == 50_000 / 60_000
    assert metrics["avg_watch_seconds"] == 25.0
    assert metrics["comments_per_min"] == 1.0


def test_an_open_visit_runs_to_as_of() -> None:
    events = [ev("e0", "live_start", 0), enter("e1", 10_000, "u1"), ev("e9", "like", 200_000)]
    m = measures_of(events, as_of=100_000)
    assert (m["watch_ms"], m["online_at_end"], m["long_visits"]) == (90_000, 1, 1)
    assert m["elapsed_ms"] == 100_000
    m = measures_of(events, as_of=50_000)
    assert (m["watch_ms"], m["long_visits"]) == (40_000, 0)
    m = measures_of(events, as_of=10_000)  # a visit opening at as_of: online, length 0
    assert (m["watch_ms"], m["online_at_end"], m["peak_online"], m["present_uv"]) == (0, 1, 1, 1)
    m = measures_of(events)  # default as_of: the latest ts (the like)
    assert m["watch_ms"] == 190_000


def test_events_of_one_user_at_one_instant_go_by_event_id_as_text() -> None:
    # "e10" < "e9" as text: the leave comes first and is an orphan; the visit stays open.
    m = measures_of([enter("e9", 1_000, "u1"), leave("e10", 1_000, "u1"), ev("x", "like", 5_000)])
    assert (m["orphan_leaves"], m["online_at_end"], m["watch_ms"]) == (1, 1, 4_000)
    m = measures_of([enter("e1", 1_000, "u1"), leave("e2", 1_000, "u1"), ev("x", "like", 5_000)])
    assert (m["orphan_leaves"], m["online_at_end"], m["watch_ms"]) == (0, 0, 0)
    assert m["present_uv"] == 1  # a zero-length visit starting in the range


# ------------------------------------------------------------------------ orders (rule 6)


def test_refunds_count_at_most_what_remains_of_the_payment() -> None:
    events = [
        paid("p1", 1_000, "o1", 10_000),
        refund("r1", 2_000, "o1", 6_000),
        refund("r2", 3_000, "o1", 6_000),
        refund("r3", 4_000, "o1", 3_000),
    ]
    m = measures_of(events)
    assert (m["refund_fen"], m["refund_cut_fen"]) == (10_000, 5_000)
    assert metrics_of(events)["refund_rate"] == 1.0
    m = measures_of(events, as_of=2_500)
    assert (m["refund_fen"], m["refund_cut_fen"]) == (6_000, 0)


def test_a_refund_before_the_payment_counts_once_the_order_is_paid() -> None:
    events = [
        ev("e0", "live_start", 0),
        refund("r1", 5_000, "o1", 3_000),
        paid("p1", 10_000, "o1", 10_000),
        refund("r2", 6_000, "o9", 100),  # never paid: counts 0
    ]
    m = measures_of(events)
    assert (m["refund_fen"], m["refund_cut_fen"]) == (3_000, 100)
    m = measures_of(events, as_of=7_000)  # not paid yet as of then
    assert (m["refund_fen"], m["refund_cut_fen"], m["paid_orders"]) == (0, 3_100, 0)


def test_the_earliest_payment_stands_and_repeats_are_counted_once() -> None:
    events = [
        ev("c1", "order_created", 500, user_id="u1", order_id="o1", product_id="p1",
           quantity=1, amount_fen=700),
        paid("p2", 20_000, "o1", 500),
        paid("p1", 20_000, "o1", 700, quantity=2),  # same ts, smaller event_id: it stands
        paid("p0", 30_000, "o1", 900),
        refund("r1", 40_000, "o1", 1_000),
    ]  # fmt: skip
    m = measures_of(events)
    assert (m["paid_orders"], m["pay_gmv_fen"], m["pay_items"], m["pay_uv"]) == (1, 700, 2, 1)
    assert (m["repeated_payments"], m["refund_fen"], m["refund_cut_fen"]) == (2, 700, 300)
    assert (m["created_orders"], m["unpaid_orders"]) == (1, 0)


def test_unpaid_orders_are_created_in_range_and_unpaid_as_of() -> None:
    created = {"user_id": "u1", "product_id": "p1", "quantity": 1, "amount_fen": 100}
    events = [
        ev("c1", "order_created", 1_000, order_id="o1", **created),
        ev("c2", "order_created", 2_000, order_id="o2", **created),
        ev("c3", "order_created", 2_500, order_id="o2", **created),
        paid("p1", 3_000, "o1", 100),
        ev("x", "like", 9_000, user_id="u1"),
    ]
    assert measures_of(events)["unpaid_orders"] == 1
    assert measures_of(events, as_of=2_500)["unpaid_orders"] == 2
    assert measures_of(events)["created_orders"] == 2


def test_payments_without_created_orders_give_a_rate_above_one() -> None:
    events = [
        ev("c1", "order_created", 0, user_id="u1", order_id="o1", product_id="p1",
           quantity=1, amount_fen=100),
        paid("p1", 1_000, "o1", 100),
        paid("p2", 2_000, "o2", 100),
    ]  # fmt: skip
    assert metrics_of(events)["create_to_pay_rate"] == 2.0


# ------------------------------------------------------------------------ attribution (rule 8)


def test_the_latest_entry_at_or_before_the_payment_decides_follower_and_paid() -> None:
    events = [
        enter("a1", 0, "u1", "paid_jinniu", is_follower=False),
        enter("a2", 5_000, "u1", "follow", is_follower=True),
        paid("p1", 5_000, "o1", 1_000, user="u1"),  # entry a2: follower, not paid
        enter("a3", 6_000, "u1", "paid_fentiao"),
        paid("p2", 7_000, "o2", 2_000, user="u1"),  # entry a3: paid; u1's first order was o1
        enter("b1", 1_000, "u2", "paid_jinniu", is_follower=True),
        paid("p3", 2_000, "o3", 4_000, user="u2"),  # entry b1: follower and paid
        paid("p4", 3_000, "o4", 8_000, user="u3"),  # no entry: neither
        enter("c1", 4_000, "u3", "paid_jinniu", is_follower=True),
    ]
    m = measures_of(events)
    assert (m["pay_uv"], m["follower_pay_uv"], m["ad_gmv_fen"]) == (3, 2, 6_000)
    metrics = metrics_of(events)
    assert metrics["follower_buyer_share"] == 2 / 3
    assert metrics["avg_order_value_fen"] == 5_000  # 15000 / 3 buyers


def test_the_first_order_in_the_window_decides_the_buyers_follower_status() -> None:
    events = [
        enter("a1", 0, "u1", is_follower=True),
        paid("p1", 1_000, "o1", 100),
        enter("a2", 2 * MIN, "u1", is_follower=False),
        paid("p2", 3 * MIN, "o2", 100),
        ev("x", "like", 4 * MIN),
    ]
    assert measures_of(events)["follower_pay_uv"] == 1
    current, previous = window_measures(store(events), "s1", 2)
    assert (current["follower_pay_uv"], previous["follower_pay_uv"]) == (0, 1)


# ------------------------------------------------------------------------ ranges and windows


def _windowed() -> list[dict[str, Any]]:
    return [
        ev("s", "live_start", 0),
        enter("a1", 1 * MIN, "u1"),
        leave("a2", 7 * MIN, "u1"),
        enter("b1", 4 * MIN, "u2"),  # open until live_end
        enter("c1", 5 * MIN, "u3"),  # exactly at the current window's start: not in it
        leave("c2", 5 * MIN + 30_000, "u3"),
        ev("i1", "impression", 6 * MIN, user_id="u4", source="search"),
        ev("m1", "comment", 8 * MIN, user_id="u2"),
        paid("p1", 3 * MIN, "o1", 1_000, user="u1"),
        paid("p2", 9 * MIN, "o2", 3_000, user="u2"),
        refund("r1", 9 * MIN, "o1", 400),
        ev("ad", "ad_spend", 6 * MIN, amount_fen=500, channel="jinniu"),
        ev("end", "live_end", 9 * MIN),
        ev("late", "comment", 10 * MIN, user_id="u9"),
    ]


def test_a_window_and_its_previous_window_share_as_of() -> None:
    current, previous = window_measures(store(_windowed()), "s1", 5)  # (5, 10] and (0, 5] min
    oracle = Session(_windowed())
    now, before = (oracle.measures(r) for r in oracle.window_ranges(5))
    assert (current, previous) == (now, before)
    assert (current["enter_pv"], previous["enter_pv"]) == (0, 3)
    assert current["present_uv"] == 3  # u1, u2 and u3 overlap (5, 10]
    assert current["watch_ms"] == 2 * MIN + 4 * MIN + 30_000
    assert previous["watch_ms"] == 4 * MIN + 1 * MIN
    assert (current["peak_online"], previous["peak_online"]) == (3, 3)  # online at 5 min: 3
    assert (current["online_at_end"], previous["online_at_end"]) == (0, 3)
    assert (current["elapsed_ms"], previous["elapsed_ms"]) == (4 * MIN, 5 * MIN)
    assert (current["pay_gmv_fen"], previous["pay_gmv_fen"]) == (3_000, 1_000)
    assert (current["refund_fen"], current["ad_cost_fen"], current["comment_pv"]) == (400, 500, 2)
    assert (current["long_visits"], previous["long_visits"]) == (0, 2)


def test_a_window_review_pairs_each_metric_with_the_previous_window() -> None:
    engine = store(_windowed())
    got = review(engine, "s1", window=5)
    assert got == Session(_windowed()).review("s1", window=5)
    assert got["range"] == {"kind": "window", "minutes": 5}
    assert list(got["metrics"]) == [m.id for m in METRICS]
    assert got["metrics"]["watch_pv"] == {"value": 0, "previous": 3}
    assert got["metrics"]["pay_gmv_fen"] == {"value": 3_000, "previous": 1_000}
    assert got["metrics"]["refund_rate"] == {"value": 400 / 3_000, "previous": 0.0}
    assert got["metrics"]["gpm_fen"] == {"value": None, "previous": 333_333}
    assert got["metrics"]["provider_commission_est_fen"] == {"value": None, "previous": None}
    paid_to_provider = review(engine, "s1", window=5, commission_est_fen=88)["metrics"]
    assert paid_to_provider["provider_commission_est_fen"] == {"value": 88, "previous": None}


def test_the_window_may_reach_before_the_start() -> None:
    events = [ev("s", "live_start", 0), enter("a", 0, "u1"), ev("x", "like", 30_000)]
    current, previous = window_measures(store(events), "s1", 1)
    assert (current["watch_ms"], current["elapsed_ms"], current["enter_pv"]) == (30_000, 30_000, 1)
    assert (previous["watch_ms"], previous["elapsed_ms"], previous["present_uv"]) == (0, 0, 0)


def test_an_empty_session_has_every_quotient_null() -> None:
    metrics = metrics_of([ev("s", "live_start", 1_000)])
    for m in METRICS:
        if "/" in m.formula or m.number == 42:
            assert metrics[m.id] is None, m.id
        else:
            assert metrics[m.id] == 0, m.id


def test_unknown_sessions_and_bad_arguments_are_refused() -> None:
    engine = store([ev("s", "live_start", 1_000)])
    with pytest.raises(NotFound, match="'nope'"):
        review(engine, "nope")
    with pytest.raises(InvalidInput, match="window"):
        review(engine, "s1", window=0)
    with pytest.raises(InvalidInput, match="window"):
        window_measures(engine, "s1", -5)
    with pytest.raises(InvalidInput, match="before the start"):
        session_measures(engine, "s1", as_of=999)
    with pytest.raises(InvalidInput, match="as_of"):
        review(engine, "s1", as_of="soon")  # type: ignore[arg-type]


def test_other_sessions_do_not_leak_in() -> None:
    events = [ev("s", "live_start", 0), enter("a", 0, "u1"), ev("x", "like", 30_000)]
    engine = store(events)
    feed(engine, [{**e, "session_id": "s2", "ts": e["ts"] + 5} for e in events])
    feed(engine, [{**paid("p", 10, "o1", 5), "session_id": "s2"}])
    assert review(engine, "s1") == Session(events).review("s1")


def test_arrival_order_does_not_matter() -> None:
    events = _windowed()
    forward = review(store(events), "s1", window=1)
    backward = review(store(events, [[i] for i in reversed(range(len(events)))]), "s1", window=1)
    assert forward == backward


# ------------------------------------------------------------------------ breakdowns


def test_series_products_sources_and_markers() -> None:
    events = [
        ev("s", "live_start", 30_000),
        enter("a1", 30_000, "u1", "paid_jinniu"),
        enter("a2", 70_000, "u2", "weird_code"),
        leave("a3", 90_000, "u1"),
        ev("x1", "explain_start", 40_000, product_id="p1"),
        ev("x2", "explain_end", 100_000, product_id="p1"),
        ev("x3", "explain_start", 110_000, product_id="p2"),
        ev("k1", "product_click", 45_000, user_id="u1", product_id="p1"),
        ev("k2", "product_click", 46_000, user_id="u1", product_id="p1"),
        paid("p1", 60_000, "o1", 2_000, user="u1"),
        paid("p2", 125_000, "o2", 500, user="u2", product_id="p2"),
        refund("r1", 130_000, "o1", 2_500),
        ev("m1", "marker", 50_000, kind="coupon", text="满199减20"),
        ev("c1", "comment", 61_000, user_id="u2"),
    ]
    got = review(store(events), "s1")
    assert got == Session(events).review("s1")
    series = got["series"]
    assert series["minute"] == [0, 60_000, 120_000]
    assert series["online_now"] == [1, 1, 1]
    assert series["watch_pv"] == [1, 1, 0]
    assert series["pay_gmv_fen"] == [0, 2_000, 500]
    assert series["product_click_uv"] == [1, 0, 0]
    assert series["gpm_fen"] == [0, 2_000_000, None]
    p1, p2 = got["products"]
    assert (p1["product_id"], p1["click_uv"], p1["click_pv"], p1["refund_fen"]) == (
        "p1",
        1,
        2,
        2000,
    )
    assert (p1["click_to_pay_rate"], p1["explaining"]) == (1.0, False)
    assert p1["explains"] == [{"start": 40_000, "end": 100_000}]
    assert (p2["explaining"], p2["explains"], p2["click_to_pay_rate"]) == (
        True, [{"start": 110_000, "end": None}], None,
    )  # fmt: skip
    assert got["sources"] == [
        {"source": "paid_jinniu", "class": "paid", "zh": "磁力金牛", "enter_pv": 1,
         "enter_uv": 1, "pay_orders": 1, "pay_gmv_fen": 2_000, "gpm_fen": 2_000_000},
        {"source": "weird_code", "class": "natural", "zh": None, "enter_pv": 1, "enter_uv": 1,
         "pay_orders": 1, "pay_gmv_fen": 500, "gpm_fen": 500_000},
    ]  # fmt: skip
    assert [(m["ts"], m["kind"], m["end"]) for m in got["markers"]] == [
        (40_000, "explain", 100_000),
        (50_000, "coupon", 50_000),
        (110_000, "explain", None),
    ]


def test_the_review_has_the_spec_shape() -> None:
    got = review(store(_windowed()), "s1")
    assert list(got) == [
        "session_id", "as_of", "range", "metrics", "series", "products", "sources", "markers",
    ]  # fmt: skip
    assert (got["session_id"], got["as_of"], got["range"]) == ("s1", 10 * MIN, {"kind": "session"})
    assert list(got["metrics"]) == [m.id for m in METRICS]


# ------------------------------------------------------------------------ properties

USERS = ("u1", "u2", "u3", "u4")
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
    "product_impression": 1,
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


@st.composite
def event(draw: st.DrawFn, event_id: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(WEIGHTED))
    ts = draw(st.integers(0, 60)) * 15_000 + draw(st.sampled_from([0, 0, 1, 7_500, 14_999]))
    f: dict[str, Any] = {}
    user = draw(st.sampled_from(USERS))
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
        f = {"kind": draw(st.sampled_from(["coupon", "lucky_bag", "violation", "odd"]))}
    elif kind in ("product_impression", "product_click"):
        f = {"user_id": user, "product_id": draw(st.sampled_from(["p1", "p2"]))}
    elif kind not in ("live_start", "live_end"):
        f = {"user_id": user}
    return ev(event_id, kind, ts, **f)


Scenario = tuple[list[dict[str, Any]], list[list[int]], int | None, int | None]


@st.composite
def scenario(draw: st.DrawFn) -> Scenario:
    """Events (unique ids, in random batches and order), an `as_of` and a range."""
    n = draw(st.integers(1, 45))
    ids = draw(st.permutations(range(n)))
    events = [draw(event(f"e{i}")) for i in ids]
    order = draw(st.permutations(range(n)))
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=2)))
    batches = [list(order[a:b]) for a, b in zip([0, *cuts], [*cuts, n], strict=True)]
    start = min(e["ts"] for e in events)
    last = max(e["ts"] for e in events)
    as_of = draw(st.one_of(st.none(), st.integers(start, last + 2 * MIN)))
    window = draw(st.sampled_from([None, 1, 5, 10]))
    return events, batches, as_of, window


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_the_review_agrees_with_the_oracle(case: Scenario) -> None:
    events, batches, as_of, window = case
    others = [{**e, "session_id": "other"} for e in events[:5]]
    first = [*batches[0], *range(len(events), len(events) + len(others))]
    engine = store(events + others, [first, *batches[1:]])
    try:
        assert review(engine, "s1", as_of, window) == Session(events, as_of).review("s1", window)
    finally:
        engine.close()


# ------------------------------------------------------------------------ every engine


def every_case() -> list[dict[str, Any]]:
    """The windowed session plus a refund, an explanation, a marker, a paid entry and its
    order, and a leave without an enter."""
    return [
        *_windowed(),
        refund("r2", 9 * MIN + 1, "o1", 900),
        ev("x1", "explain_start", 2 * MIN, product_id="p1"),
        ev("k1", "marker", 3 * MIN, kind="lucky_bag"),
        enter("d1", 8 * MIN, "u5", "paid_fentiao", is_follower=True),
        paid("p3", 8 * MIN + 1, "o3", 2_500, user="u5"),
        leave("orphan", 8 * MIN, "u7"),
    ]


def test_every_engine_gives_the_oracles_review(engine: Engine) -> None:
    events = every_case()
    feed(engine, events)  # one batch: integer columns mix nulls and values
    oracle = Session(events, 9 * MIN + 1)
    assert session_measures(engine, "s1", 9 * MIN + 1) == oracle.measures(oracle.session_range())
    assert review(engine, "s1", 9 * MIN + 1) == oracle.review("s1")
    assert review(engine, "s1", 9 * MIN + 1, window=5) == oracle.review("s1", window=5)


# ------------------------------------------------------------------------ compiled SQL


_COMPILED = {"session_measures": measures_table, "session_review": review_table}
"""The snapshots: the measures alone, and the whole review's one query."""


def _session_sql(dialect: str, part: str) -> str:
    events = ibis.table(schema_of("live_events"), name="live_events")
    scope = Scope("s1", start=0, end=3_600_000, as_of=3_600_000)
    return ibis.to_sql(_COMPILED[part](events, scope, [scope.session_span()]), dialect=dialect)


@pytest.mark.parametrize("part", sorted(_COMPILED))
@pytest.mark.parametrize("dialect", ["duckdb", "pyspark"])
def test_compiled_sql_of_the_session(dialect: str, part: str) -> None:
    """Regenerate with `CAOPAN_UPDATE_SNAPSHOTS=1 pytest tests/engine/test_measures.py`."""
    path = SNAPSHOTS / f"{part}.{dialect}.sql"
    sql = _session_sql(dialect, part).strip() + "\n"
    if os.environ.get("CAOPAN_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(sql)
    assert path.exists(), f"no snapshot {path}: run with CAOPAN_UPDATE_SNAPSHOTS=1"
    assert sql == path.read_text(), f"{path.name} changed: review it, then regenerate"
