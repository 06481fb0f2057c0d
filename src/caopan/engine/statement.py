"""The rows of a month's statement: a stored contract's standing commission lines that belong
to one calendar month (Asia/Shanghai), with the order figures a statement shows beside them.

Each standing row of `commission_lines` belongs to exactly one month, so the months' statements
add up to the contract's lines:

* `commission` — the month its order was paid (rule 1), whatever its state;
* `clawback` — the month of the refund that made it (charged to the period it happens in);
* `slot_fee`, `guarantee_refund` — the month its session started (rule 9);
* `monthly_fee` — its own month.

Beside each commission row: the line's paid amount, paid instant and refunds as of `as_of`
(capped at the paid amount). Everything is one Ibis expression per contract.
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caopan.domain.clock import month_bounds
from caopan.engine.backend import Engine
from caopan.engine.contracts import StoredContract
from caopan.engine.exact import i64
from caopan.engine.settlement_store import contract_inputs, current_lines

COLUMNS: Final = (
    "contract_id",
    "session_id",
    "line_id",
    "order_id",
    "kind",
    "state",
    "paid_at",
    "paid_fen",
    "refunded_fen",
    "base_fen",
    "commission_fen",
    "dated_at",
)


def month_rows(engine: Engine, stored: StoredContract, month: str, as_of: int) -> ir.Table:
    """The contract's standing rows that belong to `month` ('YYYY-MM'), `COLUMNS` each."""
    contract = stored.contract
    cid = contract.contract_id
    lo, hi = month_bounds(month)
    cur = current_lines(engine, cid)
    lines, refunds, sessions = contract_inputs(engine, contract, stored.ended_at)
    seen = refunds.filter(refunds.at <= as_of)
    refunded = seen.group_by(_rl="line_id").aggregate(_refunded=seen.amount_fen.sum())
    lines = lines.view()  # a projection of a join: join it as a table of its own
    order = lines.left_join(refunded, lines.line_id == refunded._rl)
    order = order.select(
        _key=ibis.literal(f"{cid}:c:").concat(order.line_id),
        _paid_at=order.paid_at,
        _paid=order.paid_fen,
        _refunded=ibis.least(order.paid_fen, order._refunded.coalesce(i64(0))),
    )
    started = sessions.select(_sid=sessions.session_id, _started=sessions.started_at)
    j = cur.left_join(order, [("line_id", "_key")])
    j = j.left_join(started, [("session_id", "_sid")])
    commission = j.kind == "commission"
    at = ibis.cases(
        (commission, j._paid_at),
        (j.kind.isin(("slot_fee", "guarantee_refund")), j._started),
        else_=j.dated_at,
    ).coalesce(j.dated_at)
    j = j.filter((at >= lo) & (at < hi))
    zero = i64(0)
    return j.select(
        contract_id=ibis.literal(cid),
        session_id=j.session_id,
        line_id=j.line_id,
        order_id=j.order_id,
        kind=j.kind,
        state=j.state,
        paid_at=ibis.ifelse(commission, j._paid_at, ibis.null("int64")),
        paid_fen=ibis.ifelse(commission, j._paid.coalesce(zero), zero),
        refunded_fen=ibis.ifelse(commission, j._refunded.coalesce(zero), zero),
        base_fen=j.base_fen,
        commission_fen=j.commission_fen,
        dated_at=j.dated_at,
    )


def statement_rows(
    engine: Engine, contracts: list[StoredContract], month: str, as_of: int
) -> pa.Table:
    """The month's rows of every given contract, by contract, session, kind and line."""
    if not contracts:
        schema = {c: "string" for c in COLUMNS} | {
            c: "int64"
            for c in (
                "paid_at",
                "paid_fen",
                "refunded_fen",
                "base_fen",
                "commission_fen",
                "dated_at",
            )
        }
        return ibis.schema(schema).to_pyarrow().empty_table()
    parts = [month_rows(engine, s, month, as_of) for s in contracts]
    union = parts[0] if len(parts) == 1 else ibis.union(*parts)
    return engine.to_arrow(union.order_by(["contract_id", "session_id", "kind", "line_id"]))
