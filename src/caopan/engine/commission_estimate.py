"""Metric 42, 本场预估服务商佣金 (`provider_commission_est_fen`): the provider's commission on a
session's orders under the merchant's contract, as the session runs.

The session's orders are its live events, the same ones the screen's GMV counts: each
`order_paid` (the earliest per `order_id` by `(ts, event_id)`) is one order line, paid at its
`ts`, never received yet; each `refund` of the session is a refund of its order, dated at its
`ts`. The contract is every stored contract between the session's merchant and provider
(`live_sessions`) in force on some day of the session; an order belongs to the contract in
force when it was paid. For a `month` plan the month's tiers also count the contract's stored
orders of the merchant's other sessions paid in the same months. Settlement runs as of `as_of`
(`engine.settlement.settle`, no store written), and a range's value is the sum of the
commission of the session's lines paid in that range. `None` when no contract applies.

`commission_estimates` is the one function both the batch review and the live screen call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import ibis
import ibis.expr.types as ir

from caopan.domain.clock import month_bounds, month_of, shanghai_date
from caopan.engine.backend import Engine
from caopan.engine.contracts import StoredContract, stored_contracts
from caopan.engine.exact import exact_for
from caopan.engine.settlement import Settlement, settle
from caopan.engine.settlement_store import contract_inputs


class Range(Protocol):
    """A range `(lo, hi]` of epoch ms (`engine.scope.Span` is one)."""

    @property
    def lo(self) -> int: ...

    @property
    def hi(self) -> int: ...


def session_parties(engine: Engine, session_id: str) -> tuple[str, str, int | None] | None:
    """The session's merchant, provider and start (`live_sessions`), or None if unknown."""
    t = engine.table("live_sessions")
    known = (t.session_id == session_id) & t.merchant_id.notnull() & t.provider_id.notnull()
    rows = engine.to_arrow(t.filter(known).limit(1)).to_pylist()
    if not rows:
        return None
    start = rows[0]["created_at"]
    return str(rows[0]["merchant_id"]), str(rows[0]["provider_id"]), start


def event_lines(engine: Engine, session_id: str, as_of: int) -> tuple[ir.Table, ir.Table]:
    """The session's order lines and refunds from its live events, as `settle` takes them."""
    ev = engine.table("live_events")
    mine = ev.filter((ev.session_id == session_id) & (ev.ts <= as_of) & ev.order_id.notnull())
    paid = mine.filter((mine.type == "order_paid") & mine.amount_fen.notnull())
    first = ibis.window(group_by=[paid.order_id], order_by=[paid.ts, paid.event_id])
    paid = paid.mutate(_n=ibis.row_number().over(first))
    paid = paid.filter(paid._n == 0)
    lines = paid.select(
        line_id=paid.order_id.concat("#1"),
        order_id=paid.order_id,
        session_id=paid.session_id,
        product_id=paid.product_id,
        paid_fen=paid.amount_fen.cast("int64"),
        paid_at=paid.ts.cast("int64"),
        received_at=ibis.null("int64"),
        after_sale_open=ibis.literal(False),
    )
    refund = mine.filter((mine.type == "refund") & mine.amount_fen.notnull())
    refunds = refund.select(
        line_id=refund.order_id.concat("#1"),
        refund_id=refund.event_id,
        amount_fen=refund.amount_fen.cast("int64"),
        at=refund.ts.cast("int64"),
    )
    return lines, refunds


def applying(contracts: list[StoredContract], first_ms: int, as_of: int) -> list[StoredContract]:
    lo, hi = shanghai_date(min(first_ms, as_of)), shanghai_date(as_of)
    return [c for c in contracts if c.in_force(lo, hi)]


def _month_range(lines: ir.Table, engine: Engine) -> tuple[int, int] | None:
    row = engine.to_arrow(lines.aggregate(lo=lines.paid_at.min(), hi=lines.paid_at.max()))
    lo, hi = row.column("lo")[0].as_py(), row.column("hi")[0].as_py()
    if lo is None:
        return None
    return month_bounds(month_of(int(lo)))[0], month_bounds(month_of(int(hi)))[1]


def settle_for_session(
    engine: Engine,
    stored: StoredContract,
    session_id: str,
    lines: ir.Table,
    refunds: ir.Table,
    as_of: int,
    sessions: ir.Table | None = None,
) -> Settlement:
    """Settle `stored`'s plan over a session's `lines` as of `as_of`, widened for a `month`
    plan to the contract's stored lines of its other sessions paid in the same months (a
    month's tiers, cap and guarantee count the whole month)."""
    plan = stored.contract.plan
    if stored.ended_at is not None:
        lines = lines.filter(lines.paid_at < stored.ended_at)
    mine = lines.select(_l=lines.line_id)
    refunds = refunds.view()
    refunds = refunds.semi_join(mine, refunds.line_id == mine._l)
    if plan.period == "month":
        span = _month_range(lines, engine)
        if span is not None:
            others, other_refunds, _ = contract_inputs(engine, stored.contract, stored.ended_at)
            others = others.view()
            others = others.filter(
                (others.session_id != session_id)
                & (others.paid_at >= span[0])
                & (others.paid_at < span[1])
            )
            other_refunds = other_refunds.view()
            theirs = others.select(_o=others.line_id)
            other_refunds = other_refunds.semi_join(theirs, other_refunds.line_id == theirs._o)
            lines = lines.union(others.select(*lines.columns))
            refunds = refunds.union(other_refunds.select(*refunds.columns))
    return settle(lines, refunds, plan, as_of, exact_for(engine.con), sessions)


def _one_contract(
    engine: Engine,
    stored: StoredContract,
    session_id: str,
    lines: ir.Table,
    refunds: ir.Table,
    as_of: int,
    ranges: Sequence[Range],
) -> list[int]:
    result = settle_for_session(engine, stored, session_id, lines, refunds, as_of)
    mine = result.lines.filter(result.lines.session_id == session_id)
    sums = {
        f"r{i}": mine.commission_fen.sum(where=(mine.paid_at > r.lo) & (mine.paid_at <= r.hi))
        for i, r in enumerate(ranges)
    }
    row = engine.to_arrow(mine.aggregate(**sums)).to_pylist()[0]
    return [int(row[f"r{i}"] or 0) for i in range(len(ranges))]


def commission_estimates(
    engine: Engine, session_id: str, as_of: int, ranges: Sequence[Range]
) -> list[int | None]:
    """Metric 42 for each range `(lo, hi]` of payment instants, evaluated as of `as_of`:
    the commission of the session's orders paid in the range; `None` for every range when no
    contract between the session's merchant and provider is in force during the session."""
    parties = session_parties(engine, session_id)
    if parties is None:
        return [None] * len(ranges)
    merchant, provider, started = parties
    lines, refunds = event_lines(engine, session_id, as_of)
    first = as_of if started is None else started  # the session's days: its start to as_of
    contracts = applying(stored_contracts(engine, merchant, provider), first, as_of)
    if not contracts:
        return [None] * len(ranges)
    totals = [0] * len(ranges)
    for stored in contracts:
        for i, value in enumerate(
            _one_contract(engine, stored, session_id, lines, refunds, as_of, ranges)
        ):
            totals[i] += value
    return list(totals)
