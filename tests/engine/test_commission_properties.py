"""Properties of settlement through the store, the statements and the earnings (hypothesis):

* settlement is idempotent and order-independent: orders stored in any order, settled at any
  sequence of earlier instants first, give the same standing lines and the same journal;
* no base is ever negative, and clawbacks never take back more than was settled;
* shares add up to totals: the months' statements add up to the contract's standing lines,
  and each statement's sessions to its totals;
* money is conserved per session: GMV − refunds = the merchant's result + every fee and
  commission, each part agreeing with its own rule (calculator, domain fees).
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_settlement import DAY, T0, order_sets, plans, settled_orders
from tests.commission_store import parties, store_orders

from caopan.app import App
from caopan.domain.clock import month_of
from caopan.domain.commission import Contract, Plan
from caopan.domain.fees import FeeOrder, FeeTable, distribution_fees, technical_service_fees
from caopan.domain.ledger import PROVIDER_RECEIVABLE, balances
from caopan.engine.backend import Engine
from caopan.engine.contracts import add_contract, load_stored
from caopan.engine.ledger_writer import read_entries
from caopan.engine.settlement import calculate
from caopan.engine.settlement_store import current_lines, settle_contract
from caopan.engine.statement import statement_rows
from caopan.reports.statement import build

CONTENT = ("line_id", "kind", "state", "base_fen", "commission_fen", "dated_at")
SLOW = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # each example runs whole stores:
)  # shrinking took minutes; a failure prints its (unshrunk) example and seed


def _plan(terms: dict[str, Any]) -> Plan:
    terms = {k: v for k, v in terms.items() if k not in ("valid_from", "valid_to")}
    return Plan.from_dict({"valid_from": "2025-12-01"} | terms)


def _store(plan: Plan, orders: list[dict[str, Any]], extra: Any = None) -> App:
    app = App("duckdb://:memory:")
    parties(app)
    add_contract(app.engine, Contract("c1", "m1", "p1", plan), T0)
    store_orders(app.engine, orders, extra=extra)
    return app


def _standing(engine: Engine) -> list[tuple[Any, ...]]:
    rows = current_lines(engine, "c1").to_pyarrow().to_pylist()
    return sorted(tuple(r[c] for c in CONTENT) for r in rows)


def _receivable(engine: Engine) -> int:
    totals = balances(read_entries(engine, "c1"))
    return totals[PROVIDER_RECEIVABLE].fen if PROVIDER_RECEIVABLE in totals else 0


@SLOW
@given(
    terms=plans(),
    orders=st.one_of(order_sets(), settled_orders()),
    earlier=st.lists(st.integers(-5, 90), max_size=3),
    last=st.integers(30, 100),
    seed=st.integers(0, 2**16),
)
def test_settlement_is_idempotent_and_order_independent(terms, orders, earlier, last, seed):
    plan = _plan(terms)
    as_of = T0 + last * DAY
    shuffled = list(orders)
    random.Random(seed).shuffle(shuffled)
    with _store(plan, orders) as once, _store(plan, shuffled) as stepwise:
        settle_contract(once.engine, "c1", as_of, now=as_of)
        for n, day in enumerate(sorted(d for d in earlier if d <= last)):  # earlier runs first
            settle_contract(stepwise.engine, "c1", T0 + day * DAY, now=T0 + n)
        settle_contract(stepwise.engine, "c1", as_of, now=as_of)
        again = settle_contract(stepwise.engine, "c1", as_of, now=as_of + 1)
        assert (again.lines_written, again.entries_posted) == (0, 0)
        assert _standing(stepwise.engine) == _standing(once.engine)
        assert _receivable(stepwise.engine) == _receivable(once.engine)
        rows = current_lines(once.engine, "c1").to_pyarrow().to_pylist()
        settled_c: dict[str, int] = {}
        clawed: dict[str, int] = defaultdict(int)
        for r in rows:
            if r["kind"] == "commission":
                assert r["base_fen"] >= 0 and r["commission_fen"] >= 0  # no negative base
                if r["state"] == "settled":
                    settled_c[r["order_id"]] = r["commission_fen"]
            if r["kind"] == "clawback":
                assert r["commission_fen"] <= 0 and r["base_fen"] < 0
                clawed[r["order_id"]] += r["commission_fen"]
        for oid, amount in clawed.items():  # clawbacks never exceed what was settled
            assert oid in settled_c and -amount <= settled_c[oid]


@SLOW
@given(terms=plans(), orders=st.one_of(order_sets(), settled_orders()), last=st.integers(0, 100))
def test_the_months_statements_add_up_to_the_contracts_lines(terms, orders, last):
    plan = _plan(terms)
    as_of = T0 + last * DAY
    with _store(plan, orders) as app:
        settle_contract(app.engine, "c1", as_of, now=as_of)
        standing = current_lines(app.engine, "c1").to_pyarrow().to_pylist()
        stored = load_stored(app.engine, "c1")
        months = sorted({month_of(T0 + d * DAY) for d in range(-40, 200, 10)})
        total = 0
        seen: list[str] = []
        for month in months:
            rows = statement_rows(app.engine, [stored], month, as_of)
            seen += rows.column("line_id").to_pylist()
            for st_ in build(month, as_of, rows, [stored]):
                for key, value in st_["totals"].items():
                    assert value == sum(s[key] for s in st_["sessions"])
                assert st_["total_fen"] == st_["totals"]["earnings_fen"] + st_["monthly_fee_fen"]
                total += st_["total_fen"]
        assert sorted(seen) == sorted(r["line_id"] for r in standing)  # each row, once
        assert total == sum(r["commission_fen"] for r in standing)


@st.composite
def distribution(draw: st.DrawFn, orders: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        o["order_id"]: {
            "talent_rate_ppm": draw(st.sampled_from((None, 0, 150_000, 333_333))),
            "leader_rate_ppm": draw(st.sampled_from((None, 0, 20_000, 100_000))),
        }
        for o in orders
    }


@SLOW
@given(
    terms=plans(),
    data=st.data(),
    last=st.integers(0, 100),
    ad=st.lists(st.integers(0, 50_000), max_size=3),
)
def test_money_is_conserved_in_every_sessions_earnings(terms, data, last, ad):
    orders = data.draw(st.one_of(order_sets(), settled_orders()))
    extra = data.draw(distribution(orders))
    plan = _plan(terms)
    as_of = T0 + last * DAY
    with _store(plan, orders, extra) as app:
        app.engine.insert(
            "ad_spend",
            pa.table(
                {
                    "spend_id": [f"a{i}" for i in range(len(ad))],
                    "session_id": ["S1"] * len(ad),
                    "ts": pa.array([T0] * len(ad), pa.int64()),
                    "amount_fen": pa.array(ad, pa.int64()),
                }
            ),
        )
        want = calculate(plan, orders, as_of)
        by_session = {s["session_id"]: s for s in want["sessions"]}
        table = FeeTable()
        for sid in sorted({o["session_id"] for o in orders}):
            got = app.earnings(sid, as_of)
            mine = [o for o in orders if o["session_id"] == sid and o["paid_at"] <= as_of]
            refunded = {
                o["order_id"]: min(
                    o["paid_fen"], sum(r["amount_fen"] for r in o["refunds"] if r["at"] <= as_of)
                )
                for o in mine
            }
            assert got["gmv_fen"] == sum(o["paid_fen"] for o in mine)
            assert got["refunds_fen"] == sum(refunded.values())
            fees = technical_service_fees(
                [FeeOrder(o["order_id"], o["paid_at"], o["paid_fen"], "服饰") for o in mine],
                opened_at=None,
                table=table,
            )
            assert got["technical_fee_fen"] == sum(fees.values())
            dist = [
                distribution_fees(
                    o["paid_fen"] - refunded[o["order_id"]],
                    talent_rate_ppm=extra[o["order_id"]]["talent_rate_ppm"],
                    leader_rate_ppm=extra[o["order_id"]]["leader_rate_ppm"],
                )
                for o in mine
            ]
            assert got["talent_fen"] == sum(t for t, _ in dist)
            assert got["leader_fen"] == sum(g for _, g in dist)
            assert got["ad_spend_fen"] == (sum(ad) if sid == "S1" else 0)
            calc = by_session.get(sid)
            assert got["commission_fen"] == (calc["commission_fen"] if calc else 0)
            assert got["commission_fen"] == (
                got["estimated_fen"] + got["pending_fen"] + got["settled_fen"] + got["clawback_fen"]
            )
            assert got["base_fen"] >= 0 and -got["clawback_fen"] <= got["settled_fen"]
            # GMV − refunds = merchant result + every fee and commission
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
