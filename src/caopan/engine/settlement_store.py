"""Settle a stored contract: its commission lines into `commission_lines`, idempotently.

The contract's order lines are the merchant's orders paid in sessions the provider operated
(`live_sessions.provider_id`), one commission line per order line (`order_id#line_no`; an order
without lines is its own line 1); a refund without a line number belongs to line 1. Sessions
the provider operated for the merchant inside the contract's days owe their slot fee even
without an order; the monthly fee is owed for every month the contract is valid up to `as_of`
(statements' reading of rule 9).

`commission_lines` is append-only and versioned: a run computes every row of the contract as of
`as_of`, and appends only rows whose content differs from the row standing for the same
`line_id` (the latest by `computed_at`); rows that no longer exist are appended as `void` with
zero amounts. Running it again over the same data changes nothing. Kinds of rows:

* `commission` — per order line: a settled line carries its settled commission and its base
  when settling; others their estimate as of `as_of`;
* `clawback` — per refund after settling: the base and commission it took back (≤ 0);
* `slot_fee`, `guarantee_refund` (≤ 0) — per session; a give-back is `settled` once its period
  is over (the month the session started has ended, or the month for a `month` plan) and all
  the period's lines have settled or voided, else `estimated`;
* `monthly_fee` — per month of validity, dated at its first instant in the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caopan.domain.clock import day_start_ms, month_bounds, month_of, now_ms
from caopan.domain.commission import Contract, Plan
from caopan.domain.errors import InvalidInput
from caopan.engine.backend import Engine
from caopan.engine.contracts import load_contract
from caopan.engine.exact import Exact, exact_for, i64
from caopan.engine.ledger_writer import post_ledger
from caopan.engine.schema import TABLES
from caopan.engine.settlement import Settlement, settle
from caopan.engine.staging import StoreStaging

COLUMNS = tuple(TABLES["commission_lines"])
CONTENT = ("order_id", "session_id", "kind", "state", "base_fen", "commission_fen", "dated_at")


@dataclass(frozen=True, slots=True)
class SettleReport:
    """What one run wrote: commission line versions appended and ledger entries posted."""

    contract_id: str
    as_of: int
    computed_at: int
    lines_written: int
    entries_posted: int


def contract_inputs(
    engine: Engine, contract: Contract, ended_at: int | None = None
) -> tuple[ir.Table, ir.Table, ir.Table]:
    """The contract's order lines, refunds and sessions, as the settlement engine takes them."""
    sessions = engine.table("live_sessions")
    operated = sessions.filter(
        (sessions.merchant_id == contract.merchant_id)
        & (sessions.provider_id == contract.provider_id)
    )
    o = engine.table("orders")
    o = o.filter((o.merchant_id == contract.merchant_id) & o.paid_at.notnull())
    if ended_at is not None:
        o = o.filter(o.paid_at < ended_at)
        operated = operated.filter(operated.created_at < ended_at)
    o = o.semi_join(operated.select("session_id").distinct(), "session_id")
    ol = engine.table("order_lines")
    j = o.left_join(ol, o.order_id == ol.order_id)
    line_no = j.line_no.coalesce(i64(1)).cast("string")
    lines = j.select(
        line_id=j.order_id.concat("#", line_no),
        order_id=j.order_id,
        session_id=j.session_id,
        product_id=j.product_id,
        paid_fen=j.paid_fen_right.coalesce(j.paid_fen),
        paid_at=j.paid_at,
        received_at=j.received_at,
        after_sale_open=j.after_sale_open.coalesce(False),
    )
    r = engine.table("refunds")
    r = r.filter(r.amount_fen.notnull() & r.refunded_at.notnull())
    refunds = r.select(
        line_id=r.order_id.concat("#", r.line_no.coalesce(i64(1)).cast("string")),
        refund_id=r.refund_id.coalesce(""),
        amount_fen=r.amount_fen,
        at=r.refunded_at,
    )
    lo, hi = contract.plan.paid_window()
    started = operated.created_at.notnull()
    if lo is not None:
        started &= operated.created_at >= lo
    if hi is not None:
        started &= operated.created_at < hi
    operated = operated.filter(started)
    return lines, refunds, operated.select("session_id", started_at=operated.created_at).distinct()


def _rows(contract_id: str, s: Settlement, plan: Plan, as_of: int, x: Exact) -> ir.Table:
    """Every commission line row of the contract as of `as_of` (without `computed_at`)."""
    prefix = f"{contract_id}:"
    lines = s.lines
    settled = lines.state == "settled"
    parts = [
        lines.select(
            line_id=ibis.literal(prefix + "c:").concat(lines.line_id),
            order_id=lines.order_id,
            session_id=lines.session_id,
            kind=ibis.literal("commission"),
            state=lines.state,
            base_fen=ibis.ifelse(settled, lines.settle_base, lines.base_fen),
            commission_fen=ibis.ifelse(settled, lines.settled_commission, lines.commission_fen),
            dated_at=ibis.ifelse(settled, lines.settle_at, lines.paid_at),
        )
    ]
    c = s.clawbacks
    parts.append(
        c.select(
            line_id=ibis.literal(prefix + "k:").concat(c.line_id, ":", c.refund_id),
            order_id=c.order_id,
            session_id=c.session_id,
            kind=ibis.literal("clawback"),
            state=ibis.literal("settled"),
            base_fen=c.base_drop_fen,
            commission_fen=c.amount_fen,
            dated_at=c.at,
        )
    )
    if plan.slot_fee_fen:
        parts.append(_session_rows(prefix, s, plan, as_of, x))
    return ibis.union(*parts)


def _session_rows(prefix: str, s: Settlement, plan: Plan, as_of: int, x: Exact) -> ir.Table:
    ss = s.sessions
    null_order = ibis.null("string")
    slots = ss.select(
        line_id=ibis.literal(prefix + "s:").concat(ss.session_id),
        order_id=null_order,
        session_id=ss.session_id,
        kind=ibis.literal("slot_fee"),
        state=ibis.literal("settled"),
        base_fen=i64(0),
        commission_fen=ss.slot_fee_fen,
        dated_at=ss.started_at,
    )
    if not plan.guarantee_fen:
        return slots
    lines = s.lines
    key = "session_id" if plan.period == "session" else "month"
    open_ = lines.state.isin(("estimated", "pending"))
    periods = lines.group_by(key).aggregate(
        _open=open_.sum(), _last=lines.settle_at.max(where=lines.state == "settled")
    )
    join_on = (
        ss.session_id == periods.session_id
        if key == "session_id"
        else (ss.slot_month == periods.month)
    )
    g = ss.left_join(periods, join_on)
    g = g.mutate(_over=x.month_start(g.slot_month + 1))
    final = (g._open.coalesce(0) == 0) & (g._over <= as_of)
    return slots.union(
        g.select(
            line_id=ibis.literal(prefix + "g:").concat(g.session_id),
            order_id=null_order,
            session_id=g.session_id,
            kind=ibis.literal("guarantee_refund"),
            state=ibis.ifelse(final, "settled", "estimated"),
            base_fen=i64(0),
            commission_fen=-g.guarantee_refund_fen,
            dated_at=ibis.ifelse(
                final, ibis.greatest(g._over, g._last.coalesce(g._over)), g.started_at
            ),
        )
    )


def _monthly_rows(contract_id: str, plan: Plan, ended_at: int | None, as_of: int) -> pa.Table:
    """One `monthly_fee` row per month of validity that has begun by `as_of`."""
    rows: list[tuple[str, int]] = []
    if plan.monthly_fee_fen and plan.valid_from is not None:
        first = day_start_ms(plan.valid_from)
        last_day = plan.valid_to or date.max - timedelta(days=1)
        stop = min(day_start_ms(last_day + timedelta(days=1)), as_of + 1, ended_at or as_of + 1)
        month = month_of(first)
        while first < stop:
            rows.append((month, first))
            first = month_bounds(month)[1]
            month = month_of(first)
    return pa.table(
        {
            "line_id": [f"{contract_id}:m:{month}" for month, _ in rows],
            "order_id": pa.array([None] * len(rows), pa.string()),
            "session_id": pa.array([None] * len(rows), pa.string()),
            "kind": ["monthly_fee"] * len(rows),
            "state": ["settled"] * len(rows),
            "base_fen": pa.array([0] * len(rows), pa.int64()),
            "commission_fen": pa.array([plan.monthly_fee_fen] * len(rows), pa.int64()),
            "dated_at": pa.array([at for _, at in rows], pa.int64()),
        }
    )


def current_lines(engine: Engine, contract_id: str) -> ir.Table:
    """The standing version of every commission line of a contract (latest `computed_at`)."""
    t = engine.table("commission_lines")
    mine = t.filter(t.contract_id == contract_id)
    latest = ibis.window(group_by=[mine.line_id], order_by=[mine.computed_at.desc()])
    ranked = mine.mutate(_v=ibis.row_number().over(latest))
    return ranked.filter(ranked._v == 0).drop("_v")


def _same(new: ir.Table, old: ir.Table) -> ir.BooleanValue:
    result = new.line_id == old._line_id
    for column in CONTENT:
        result &= new[column].identical_to(old[f"_{column}"])
    return result


def settle_contract(
    engine: Engine, contract_id: str, as_of: int, *, now: int | None = None
) -> SettleReport:
    """Settle one stored contract as of `as_of`: append changed commission lines and post the
    ledger entries that bring the contract's ledger to its settled lines."""
    if isinstance(as_of, bool) or not isinstance(as_of, int):
        raise InvalidInput(f"as_of must be epoch milliseconds (an integer), not {as_of!r}")
    contract, ended_at = load_contract(engine, contract_id)
    plan, x = contract.plan, exact_for(engine.con)
    lines, refunds, sessions = contract_inputs(engine, contract, ended_at)
    staging = StoreStaging(engine.con)
    try:
        result = settle(lines, refunds, plan, as_of, x, sessions, staging)
        rows = _rows(contract_id, result, plan, as_of, x)
        monthly = _monthly_rows(contract_id, plan, ended_at, as_of)
        if monthly.num_rows:
            rows = rows.union(ibis.memtable(monthly))
        new = engine.to_arrow(_changes(engine, contract_id, rows))
    finally:
        staging.release()
    computed_at = _next_version(engine, contract_id, now_ms() if now is None else now)
    if new.num_rows:
        stamped = new.append_column("computed_at", pa.array([computed_at] * new.num_rows))
        stamped = stamped.append_column("contract_id", pa.array([contract_id] * new.num_rows))
        engine.insert("commission_lines", stamped.select(list(COLUMNS)))
    posted = post_ledger(engine, contract_id, current_lines(engine, contract_id), computed_at)
    return SettleReport(contract_id, as_of, computed_at, new.num_rows, posted)


def _changes(engine: Engine, contract_id: str, rows: ir.Table) -> ir.Table:
    """The rows to append: new or changed rows, and voids for rows that no longer exist."""
    cur = current_lines(engine, contract_id)
    old = cur.select(_line_id=cur.line_id, **{f"_{c}": cur[c] for c in CONTENT})
    changed = rows.anti_join(old, _same(rows, old))
    zero = i64(0)
    gone = cur.anti_join(rows, cur.line_id == rows.line_id).filter(
        (cur.state != "void") | (cur.base_fen != zero) | (cur.commission_fen != zero)
    )
    voids = gone.select(
        "line_id", "order_id", "session_id", "kind",
        state=ibis.literal("void"), base_fen=zero, commission_fen=zero, dated_at=gone.dated_at,
    )  # fmt: skip
    return changed.union(voids)


def _next_version(engine: Engine, contract_id: str, now: int) -> int:
    t = engine.table("commission_lines")
    latest = t.filter(t.contract_id == contract_id).computed_at.max().to_pyarrow().as_py()
    return now if latest is None else max(now, int(latest) + 1)
