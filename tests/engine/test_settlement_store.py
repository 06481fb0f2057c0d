"""Settling stored contracts: commission lines versioned idempotently, a balanced journal, and
the conformance tests that run settlement on every engine of `--engines`."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_settlement import DAY, HOUR, T0, day, order, order_sets, plans

from caopan.domain.clock import month_bounds
from caopan.domain.commission import Contract, Plan
from caopan.domain.errors import AlreadyExists, InvalidInput, NotFound
from caopan.domain.ledger import MERCHANT_PAYABLE, PROVIDER_RECEIVABLE, balances
from caopan.engine.backend import Engine, connect
from caopan.engine.contracts import add_contract, load_contract
from caopan.engine.exact import exact_for
from caopan.engine.ledger_writer import read_entries
from caopan.engine.order_lines import calculator_tables
from caopan.engine.settlement import calculate, settle
from caopan.engine.settlement_store import current_lines, settle_contract


def store_orders(
    engine: Engine,
    orders: list[dict[str, Any]],
    *,
    merchant: str = "m1",
    provider: str = "p1",
    sessions: dict[str, int] | None = None,
) -> None:
    """Write calculator-shaped orders into the store (one line each) and their sessions."""
    started = dict(sessions or {})
    for o in orders:
        started[o["session_id"]] = min(started.get(o["session_id"], o["paid_at"]), o["paid_at"])
    if started:
        engine.insert(
            "live_sessions",
            pa.table(
                {
                    "session_id": list(started),
                    "merchant_id": [merchant] * len(started),
                    "provider_id": [provider] * len(started),
                    "created_at": pa.array(list(started.values()), pa.int64()),
                }
            ),
        )
    if not orders:
        return
    ids = [o["order_id"] for o in orders]
    engine.insert(
        "orders",
        pa.table(
            {
                "order_id": ids,
                "merchant_id": [merchant] * len(orders),
                "session_id": [o["session_id"] for o in orders],
                "paid_at": pa.array([o["paid_at"] for o in orders], pa.int64()),
                "received_at": pa.array([o["received_at"] for o in orders], pa.int64()),
                "paid_fen": pa.array([o["paid_fen"] for o in orders], pa.int64()),
            }
        ),
    )
    engine.insert(
        "order_lines",
        pa.table(
            {
                "order_id": ids,
                "line_no": pa.array([1] * len(orders), pa.int64()),
                "product_id": [o["product_id"] for o in orders],
                "paid_fen": pa.array([o["paid_fen"] for o in orders], pa.int64()),
                "after_sale_open": [bool(o.get("after_sale_open")) for o in orders],
            }
        ),
    )
    refunds = [(o["order_id"], k, r) for o in orders for k, r in enumerate(o["refunds"])]
    engine.insert(
        "refunds",
        pa.table(
            {
                "refund_id": [f"{oid}-{k:02d}" for oid, k, _ in refunds],
                "order_id": [oid for oid, _, _ in refunds],
                "line_no": pa.array([1] * len(refunds), pa.int64()),
                "amount_fen": pa.array([r["amount_fen"] for _, _, r in refunds], pa.int64()),
                "refunded_at": pa.array([r["at"] for _, _, r in refunds], pa.int64()),
            }
        ),
    )


def contract(terms: dict[str, Any], cid: str = "c1") -> Contract:
    return Contract(cid, "m1", "p1", Plan.from_dict({"valid_from": "2025-12-01"} | terms))


def lines_of(engine: Engine, cid: str = "c1") -> dict[str, dict[str, Any]]:
    rows = current_lines(engine, cid).to_pyarrow().to_pylist()
    return {row["line_id"]: row for row in rows}


def ledger_matches_settled_lines(engine: Engine, cid: str = "c1") -> dict[str, Any]:
    entries = read_entries(engine, cid)  # each entry is rebuilt, so each must balance
    totals = balances(entries)
    settled = sum(
        r["commission_fen"] for r in lines_of(engine, cid).values() if r["state"] == "settled"
    )
    assert totals.get(PROVIDER_RECEIVABLE, 0) in (0, totals.get(PROVIDER_RECEIVABLE))
    assert (totals[PROVIDER_RECEIVABLE].fen if totals else 0) == settled
    assert (totals[MERCHANT_PAYABLE].fen if totals else 0) == -settled
    return {e.entry_id: e for e in entries}


@pytest.fixture
def store():
    engine = connect("duckdb://:memory:")
    yield engine
    engine.close()


# --------------------------------------------------------------------------- contracts


def test_contracts_are_added_once_and_never_overlap(store):
    first = contract({"rate_ppm": 1, "valid_to": "2026-06-30"})
    assert add_contract(store, first, T0)
    assert not add_contract(store, first, T0 + 1)  # the same contract again: nothing changes
    with pytest.raises(AlreadyExists, match="c1"):
        add_contract(store, contract({"rate_ppm": 2}), T0)
    with pytest.raises(InvalidInput, match="overlaps c1"):
        add_contract(store, contract({"valid_from": "2026-06-30"}, "c2"), T0)
    assert add_contract(store, contract({"valid_from": "2026-07-01"}, "c2"), T0)
    other_provider = Contract("c3", "m1", "p2", Plan(valid_from=date(2026, 1, 1)))
    assert add_contract(store, other_provider, T0)
    loaded, ended = load_contract(store, "c1")
    assert loaded == first and ended is None
    with pytest.raises(NotFound, match="c9"):
        load_contract(store, "c9")
    with pytest.raises(NotFound):
        settle_contract(store, "c9", T0)


# --------------------------------------------------------------------------- settling


def test_worked_example_5_through_the_store_and_the_journal(store):
    add_contract(store, contract({"rate_ppm": 100_000}), T0)
    store_orders(store, [order("A", 10_000, received=day(1), refunds=((4_000, day(20)),))])
    first = settle_contract(store, "c1", day(10), now=day(10))
    assert (first.lines_written, first.entries_posted) == (1, 1)
    row = lines_of(store)["c1:c:A#1"]
    assert (row["state"], row["base_fen"], row["commission_fen"]) == ("settled", 10_000, 1_000)
    assert row["dated_at"] == day(8)
    entries = ledger_matches_settled_lines(store)
    assert entries["c1:c:A#1#1"].posted_at == day(8)

    later = settle_contract(store, "c1", day(21), now=day(21))
    assert (later.lines_written, later.entries_posted) == (1, 1)
    claw = lines_of(store)["c1:k:A#1:A-00"]
    assert claw["kind"] == "clawback" and claw["state"] == "settled"
    assert (claw["base_fen"], claw["commission_fen"], claw["dated_at"]) == (-4_000, -400, day(20))
    entries = ledger_matches_settled_lines(store)
    assert balances(entries.values())[PROVIDER_RECEIVABLE].fen == 600

    again = settle_contract(store, "c1", day(21), now=day(22))
    assert (again.lines_written, again.entries_posted) == (0, 0)
    assert store.table("commission_lines").count().to_pyarrow().as_py() == 2


def test_estimates_settle_later_and_each_version_is_kept(store):
    add_contract(store, contract({"rate_ppm": 100_000}), T0)
    store_orders(store, [order("A", 10_000, received=day(1)), order("B", 5_000)])
    settle_contract(store, "c1", day(2), now=day(2))
    rows = lines_of(store)
    assert rows["c1:c:A#1"]["state"] == "pending" and rows["c1:c:B#1"]["state"] == "estimated"
    assert read_entries(store, "c1") == []  # nothing is owed before it settles
    report = settle_contract(store, "c1", day(9), now=day(9))
    assert report.lines_written == 1  # A settled; B unchanged
    assert store.table("commission_lines").count().to_pyarrow().as_py() == 3
    ledger_matches_settled_lines(store)


def test_rows_that_no_longer_exist_are_voided_and_reversed(store):
    add_contract(store, contract({"rate_ppm": 100_000, "settle_lag_days": 0}), T0)
    store_orders(store, [order("A", 10_000, received=day(1)), order("B", 1_000, at=day(5))])
    settle_contract(store, "c1", day(30), now=day(30))
    assert balances(read_entries(store, "c1"))[PROVIDER_RECEIVABLE].fen == 1_000
    # settled again as of an earlier instant: B has not been paid then, A not received
    report = settle_contract(store, "c1", day(0.5), now=day(31))
    rows = lines_of(store)
    assert rows["c1:c:B#1"]["state"] == "void" and rows["c1:c:B#1"]["commission_fen"] == 0
    assert rows["c1:c:A#1"]["state"] == "estimated"
    assert report.entries_posted == 1  # A's settlement reversed by an adjusting entry
    entries = ledger_matches_settled_lines(store)
    assert entries["c1:c:A#1#2"].description == "commission adjustment"
    assert entries["c1:c:A#1#2"].posted_at == report.computed_at


def test_only_the_providers_sessions_and_fees_of_the_contract(store):
    add_contract(
        store,
        contract(
            {
                "rate_ppm": 100_000,
                "slot_fee_fen": 1_000,
                "guarantee_fen": 100_000,
                "monthly_fee_fen": 77,
                "valid_from": "2026-01-01",
                "valid_to": "2026-02-10",
            }
        ),
        T0,
    )
    store_orders(store, [order("A", 10_000, sid="S1", received=day(1))], sessions={"S0": day(3)})
    store_orders(store, [order("X", 99_999, sid="S9")], provider="p2")  # another provider's
    settle_contract(store, "c1", day(60), now=day(60))
    rows = lines_of(store)
    assert "c1:c:X#1" not in rows
    assert rows["c1:s:S0"]["commission_fen"] == 1_000  # operated without an order: still owed
    assert rows["c1:s:S1"]["dated_at"] == day(0)
    # S1: base 10,000 of 100,000 → 900 of its slot fee back; S0: all of it
    assert rows["c1:g:S1"]["commission_fen"] == -900 and rows["c1:g:S1"]["state"] == "settled"
    assert rows["c1:g:S0"]["commission_fen"] == -1_000
    months = sorted(k for k in rows if k.startswith("c1:m:"))
    assert months == ["c1:m:2026-01", "c1:m:2026-02"]  # every month of validity
    assert rows["c1:m:2026-02"]["dated_at"] == month_bounds("2026-02")[0]
    ledger_matches_settled_lines(store)


def test_a_guarantee_give_back_waits_for_its_period(store):
    add_contract(
        store, contract({"rate_ppm": 0, "slot_fee_fen": 1_000, "guarantee_fen": 2_000}), T0
    )
    store_orders(store, [order("A", 1_000, received=day(1)), order("B", 500, at=day(2))])
    settle_contract(store, "c1", day(40), now=day(40))
    give_back = lines_of(store)["c1:g:S1"]
    assert give_back["state"] == "estimated"  # B is not received yet
    assert give_back["commission_fen"] == -250


def test_order_without_lines_and_refunds_without_line_numbers(store):
    add_contract(store, contract({"rate_ppm": 100_000}), T0)
    store_orders(store, [], sessions={"S1": day(0)})
    store.insert(
        "orders",
        pa.table(
            {
                "order_id": ["Z"],
                "merchant_id": ["m1"],
                "session_id": ["S1"],
                "paid_at": pa.array([day(0)], pa.int64()),
                "paid_fen": pa.array([8_000], pa.int64()),
            }
        ),
    )
    store.insert(
        "refunds",
        pa.table(
            {
                "refund_id": ["r"],
                "order_id": ["Z"],
                "amount_fen": pa.array([3_000], pa.int64()),
                "refunded_at": pa.array([day(1)], pa.int64()),
            }
        ),
    )
    settle_contract(store, "c1", day(2), now=day(2))
    row = lines_of(store)["c1:c:Z#1"]
    assert (row["base_fen"], row["commission_fen"]) == (5_000, 500)


def test_as_of_must_be_an_instant(store):
    add_contract(store, contract({}), T0)
    with pytest.raises(InvalidInput, match="as_of"):
        settle_contract(store, "c1", "now")  # type: ignore[arg-type]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    terms=plans(),
    orders=order_sets(),
    first=st.integers(0, 60),
    gap=st.integers(0, 40),
)
def test_the_store_agrees_with_the_calculator_and_the_journal_balances(terms, orders, first, gap):
    terms = {k: v for k, v in terms.items() if k not in ("valid_from", "valid_to")}
    engine = connect("duckdb://:memory:")
    try:
        add_contract(engine, contract(terms), T0)
        store_orders(engine, orders)
        for as_of in (T0 + first * DAY, T0 + (first + gap) * DAY):
            settle_contract(engine, "c1", as_of, now=as_of)
            ledger_matches_settled_lines(engine)
        again = settle_contract(engine, "c1", as_of, now=as_of + 1)
        assert (again.lines_written, again.entries_posted) == (0, 0)
        rows = lines_of(engine)
        per_order: dict[str, int] = {}
        for row in rows.values():
            if row["kind"] in ("commission", "clawback"):
                per_order[row["order_id"]] = (
                    per_order.get(row["order_id"], 0) + row["commission_fen"]
                )
        plan = contract(terms).plan
        want = calculate(plan, orders, T0 + (first + gap) * DAY)
        assert per_order == {o["order_id"]: o["commission_fen"] for o in want["orders"]}
    finally:
        engine.close()


# --------------------------------------------------------------------------- conformance


def _input(engine: Engine, name: str, rows: pa.Table) -> ibis.Table:
    """Rows as a table on the engine. Not `ibis.memtable` on Spark: ibis 12 registers a
    memtable there through pandas, which turns a nullable int64 column into floats that Spark
    then reads as all NULL (`received_at`)."""
    if engine.kind != "spark":
        return ibis.memtable(rows)
    engine.con._session.createDataFrame(rows).createOrReplaceTempView(name)
    return engine.con.table(name)


def test_settlement_runs_on_every_engine(engine: Engine):
    """The same expressions on the engine under test give the calculator's answers."""
    feb = month_bounds("2026-02")[0]
    plan = Plan.from_dict(
        {
            "tiers": [
                {"from_fen": 0, "rate_ppm": 50_000},
                {"from_fen": 10_000, "rate_ppm": 80_000},
            ],
            "period": "month",
            "product_rates": {"p9": 200_000},
            "cap_fen": 2_000,
            "slot_fee_fen": 500,
            "guarantee_fen": 40_000,
        }
    )
    orders = [
        order("a", 12_000, sid="S1", received=day(1), refunds=((2_000, feb + 3 * DAY),)),
        order("b", 9_000, sid="S2", at=day(3), received=day(4)),
        order("c", 4_000, sid="S2", pid="p9", at=day(5), refunds=((4_000, day(6)),)),
        order("d", 7_777, sid="S3", at=feb + HOUR),
    ]
    as_of = feb + 10 * DAY
    lines, refunds = calculator_tables(orders)
    result = settle(
        _input(engine, "_lines", lines),
        _input(engine, "_refunds", refunds),
        plan,
        as_of,
        exact_for(engine.con),
    )
    got = engine.con.to_pyarrow(result.lines.select("order_id", "state", "commission_fen"))
    want = calculate(plan, orders, as_of)
    assert sorted(got.to_pylist(), key=lambda r: r["order_id"]) == [
        {k: o[k] for k in ("order_id", "state", "commission_fen")} for o in want["orders"]
    ]
    sessions = engine.con.to_pyarrow(result.sessions.select("session_id", "earnings_fen"))
    assert sorted(sessions.to_pylist(), key=lambda r: r["session_id"]) == [
        {"session_id": s["session_id"], "earnings_fen": s["earnings_fen"]} for s in want["sessions"]
    ]


def test_settle_contract_runs_on_every_engine(engine: Engine):
    add_contract(engine, contract({"rate_ppm": 100_000, "slot_fee_fen": 300}), T0)
    store_orders(
        engine,
        [
            order("A", 10_000, received=day(1), refunds=((4_000, day(20)),)),
            order("B", 5_000, at=day(2)),  # never received: a null received_at
        ],
    )
    settle_contract(engine, "c1", day(21), now=day(21))
    again = settle_contract(engine, "c1", day(21), now=day(22))
    assert (again.lines_written, again.entries_posted) == (0, 0)
    rows = lines_of(engine)
    assert {k: (r["state"], r["commission_fen"]) for k, r in rows.items()} == {
        "c1:c:A#1": ("settled", 1_000),
        "c1:c:B#1": ("estimated", 500),
        "c1:k:A#1:A-00": ("settled", -400),
        "c1:s:S1": ("settled", 300),
    }
    assert balances(ledger_matches_settled_lines(engine).values())[PROVIDER_RECEIVABLE].fen == 900
