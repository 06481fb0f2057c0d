"""A session's earnings and metric 42 (本场预估服务商佣金) over a real store: commission by state
against the store-free calculator, platform fees against the domain's fee rules, money
conservation, and metric 42 in the review (session and window) from the live events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from tests.commission_store import (
    DAY,
    OCT,
    OCTOBER_AS_OF,
    october_orders,
    order,
    parties,
    store_orders,
)

from caopan.app import App
from caopan.domain.commission import Contract, Plan
from caopan.domain.errors import NotFound
from caopan.engine.commission_estimate import commission_estimates
from caopan.engine.contracts import add_contract
from caopan.engine.scope import Span
from caopan.engine.settlement import calculate, calculate_detail

PLAN = {"rate_ppm": 100_000, "slot_fee_fen": 50_000, "valid_from": "2026-10-01"}


@pytest.fixture
def app() -> Iterator[App]:
    with App("duckdb://:memory:") as a:
        parties(a)
        yield a


def _contract(app: App, terms: dict[str, Any], cid: str = "c1") -> None:
    add_contract(app.engine, Contract(cid, "m1", "p1", Plan.from_dict(terms)), OCT)


def test_earnings_of_a_session(app: App) -> None:
    orders = october_orders()
    extra = {"A": {"talent_rate_ppm": 200_000, "leader_rate_ppm": 50_000, "channel": "cps"}}
    store_orders(app.engine, orders, extra=extra)
    app.engine.insert(
        "ad_spend",
        pa.table(
            {
                "spend_id": ["a1", "a2"],
                "session_id": ["live-1", "live-1"],
                "merchant_id": ["m1", "m1"],
                "ts": pa.array([OCT + 2 * DAY, OCTOBER_AS_OF + 1], pa.int64()),  # one too late
                "amount_fen": pa.array([20_000, 99_999], pa.int64()),
            }
        ),
    )
    _contract(app, PLAN)
    got = app.earnings("live-1", OCTOBER_AS_OF)
    live1 = [o for o in orders if o["session_id"] == "live-1"]
    detail = calculate_detail(PLAN, live1, OCTOBER_AS_OF)
    [session] = detail["sessions"]
    lines = {x["order_id"]: x for x in detail["lines"]}
    assert got["contracts"] == ["c1"] and got["orders"] == 3
    assert got["gmv_fen"] == 19_900 + 5_990 + 12_900
    assert got["refunds_fen"] == 4_000 + 12_900
    assert got["base_fen"] == session["base_fen"] == 19_900 + 1_990 + 0
    assert got["settled_fen"] == lines["A"]["settled_commission"] + lines["B"]["settled_commission"]
    assert got["settled_fen"] == 1_990 + 599
    assert got["clawback_fen"] == -400 and got["estimated_fen"] == got["pending_fen"] == 0
    assert got["void_lines"] == 1
    assert got["commission_fen"] == session["commission_fen"] == 1_990 + 199
    assert got["slot_fee_fen"] == 50_000 and got["guarantee_refund_fen"] == 0
    assert got["provider_earnings_fen"] == session["earnings_fen"]
    # 技术服务费: 服饰 at 5 % per line, rounded half-up each (995 + 299.5 + 645)
    assert got["technical_fee_fen"] == 995 + 300 + 645
    assert (got["talent_fen"], got["leader_fen"]) == (3_980, 995)
    assert got["ad_spend_fen"] == 20_000
    spent = 20_000 + got["commission_fen"] + 50_000
    assert Fraction(got["roi_after_fees_exact"]) == Fraction(38_790, spent)
    assert got["roi_after_fees"] == round(38_790 / spent, 4)
    # money is conserved: GMV − refunds = merchant result + every fee and commission
    assert got["gmv_fen"] - got["refunds_fen"] == (
        got["merchant_result_fen"]
        + got["technical_fee_fen"]
        + got["talent_fen"]
        + got["leader_fen"]
        + got["commission_fen"]
        + got["slot_fee_fen"]
        - got["guarantee_refund_fen"]
        + got["ad_spend_fen"]
    )
    assert (
        got["merchant_result_fen"]
        == 38_790 - 16_900 - 1_940 - 3_980 - 995 - 2_189 - 50_000 - 20_000
    )


def test_new_merchant_fee_counts_the_merchants_gmv_in_payment_order(app: App) -> None:
    """Worked example 4 through a store: day 10 after opening, 99,990,000 fen before."""
    opened = OCT
    app.engine.insert(
        "shops",
        pa.table({"shop_id": ["s1"], "merchant_id": ["m1"], "opened_at": pa.array([opened])}),
    )
    day10 = opened + 9 * DAY
    store_orders(
        app.engine,
        [order("before", "live-0", 99_990_000, day10 - 1), order("X", "live-9", 50_000, day10)],
    )
    app.engine.insert("products", pa.table({"product_id": ["p-1"], "category": ["服饰"]}))  # 5 %
    got = app.earnings("live-9", day10 + DAY)
    assert got["technical_fee_fen"] == 2_100
    assert got["contracts"] == [] and got["commission_fen"] == 0


def test_a_session_without_provider_is_not_found(app: App) -> None:
    with pytest.raises(NotFound, match="live_sessions"):
        app.earnings("nope", OCTOBER_AS_OF)


# --------------------------------------------------------------------------- metric 42


def _events(path: Path, session: str, orders: list[dict[str, Any]]) -> Path:
    t0 = min(o["paid_at"] for o in orders) - 60_000
    rows: list[dict[str, Any]] = [
        {"event_id": "start", "session_id": session, "ts": t0, "type": "live_start"}
    ]
    for o in orders:
        rows.append(
            {
                "event_id": f"pay-{o['order_id']}",
                "session_id": session,
                "ts": o["paid_at"],
                "type": "order_paid",
                "user_id": f"u-{o['order_id']}",
                "order_id": o["order_id"],
                "product_id": o["product_id"],
                "quantity": 1,
                "amount_fen": o["paid_fen"],
            }
        )
        for k, r in enumerate(o["refunds"]):
            rows.append(
                {
                    "event_id": f"refund-{o['order_id']}-{k}",
                    "session_id": session,
                    "ts": r["at"],
                    "type": "refund",
                    "user_id": f"u-{o['order_id']}",
                    "order_id": o["order_id"],
                    "amount_fen": r["amount_fen"],
                }
            )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


MINUTE = 60_000


def _live_orders() -> list[dict[str, Any]]:
    t = OCT + 2 * DAY + 20 * 3_600_000  # 20:00 on 3 October
    return [
        order("A", "live-1", 19_900, t),
        order("B", "live-1", 5_990, t + 3 * MINUTE),
        order("C", "live-1", 12_900, t + 7 * MINUTE, refunds=[(12_900, t + 8 * MINUTE)]),
        order("D", "live-1", 3_333, t + 8 * MINUTE, refunds=[(1_000, t + 9 * MINUTE)]),
    ]


def test_metric_42_in_the_review_is_the_calculators_estimate(app: App, tmp_path: Path) -> None:
    """Worked example 1 from live events: 10 % on net paid, 2,822 fen for the session."""
    orders = _live_orders()
    app.ingest_event_files([_events(tmp_path / "e.ndjson", "live-1", orders)])
    as_of = max(o["paid_at"] for o in orders) + 2 * MINUTE
    sessions = {"live-1": orders[0]["paid_at"] - MINUTE}
    store_orders(app.engine, [], sessions=sessions)
    # no contract yet: metric 42 is null
    assert app.review("live-1", as_of)["metrics"]["provider_commission_est_fen"] is None
    _contract(app, {"rate_ppm": 100_000, "valid_from": "2026-10-01"})
    review = app.review("live-1", as_of)
    want = calculate({"rate_ppm": 100_000}, orders, as_of)
    assert review["metrics"]["provider_commission_est_fen"] == want["total_fen"] == 2_822
    # a 5-minute window: orders paid in (as_of − 5 min, as_of] and the five minutes before
    windowed = app.review("live-1", as_of, 5)["metrics"]["provider_commission_est_fen"]
    assert windowed == {"value": 0 + 233, "previous": 1_990 * 0 + 599}
    assert app.review("live-1", as_of)["metrics"]["pay_gmv_fen"] is not None


def test_metric_42_is_null_for_a_session_no_contract_covers(app: App, tmp_path: Path) -> None:
    orders = _live_orders()
    app.ingest_event_files([_events(tmp_path / "e.ndjson", "live-1", orders)])
    as_of = orders[-1]["paid_at"]
    # not in live_sessions: nobody's session
    assert commission_estimates(app.engine, "live-1", as_of, [Span(0, as_of)]) == [None]
    store_orders(app.engine, [], sessions={"live-1": orders[0]["paid_at"]})
    _contract(app, {"rate_ppm": 100_000, "valid_from": "2026-11-01"})  # starts later
    assert commission_estimates(app.engine, "live-1", as_of, [Span(0, as_of)]) == [None]
    _contract(
        app,
        {"rate_ppm": 50_000, "valid_from": "2026-09-01", "valid_to": "2026-10-02"},
        "c0",
    )  # ended the day before the session
    assert commission_estimates(app.engine, "live-1", as_of, [Span(0, as_of)]) == [None]


def test_metric_42_under_monthly_tiers_counts_the_months_other_sessions(
    app: App, tmp_path: Path
) -> None:
    """Worked example 2's tiers: S1 (stored, 2,000,000) and the live S2 (4,200,000)."""
    tiers = [[0, 50_000], [1_000_000, 80_000], [5_000_000, 100_000]]
    _contract(app, {"tiers": tiers, "period": "month", "valid_from": "2026-10-01"})
    s1 = [order("s1-a", "S1", 2_000_000, OCT + DAY)]
    store_orders(app.engine, s1)
    live = [order("s2-a", "S2", 4_200_000, OCT + 5 * DAY)]
    app.ingest_event_files([_events(tmp_path / "e.ndjson", "S2", live)])
    store_orders(app.engine, [], sessions={"S2": OCT + 5 * DAY - MINUTE})
    as_of = OCT + 5 * DAY + MINUTE
    got = app.review("S2", as_of)["metrics"]["provider_commission_est_fen"]
    assert got == 331_935  # the month's 490,000 shared: S1 158,065 and S2 331,935
