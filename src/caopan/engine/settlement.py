"""Settlement: a plan over order lines as of an instant — lines, clawbacks, sessions, months.

`settle` builds the whole computation as Ibis expressions (no Python loop per order), so it
runs on whichever engine holds the lines; `calculate` is the store-free what-if calculator of
`spec/commission.md`, running the same expressions on an in-memory DuckDB and returning the
calculator's output shape exactly.

Per session (rule 9): its slot fee belongs to the month it started in (in the calculator, the
month of its earliest order); a guarantee's give-back is `half_up(slot fees × missed ÷
guarantee)` over the period — the session itself, or for a `month` plan the month's slot fees,
shared back to its sessions by largest remainder in proportion to their slot fees. A session's
earnings are its commission + slot fee − give-back; the total adds the monthly fee of every
month with at least one order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from caopan.domain.commission import Plan
from caopan.domain.errors import InvalidInput
from caopan.engine import commission_lines as cl
from caopan.engine.backend import connect
from caopan.engine.exact import PLAIN, Exact, as_i64, exact_for, i64
from caopan.engine.order_lines import calculator_tables
from caopan.engine.staging import ArrowStaging, Staging

SESSION_COLUMNS = {"session_id": "string", "started_at": "int64"}
"""Sessions operated, with when each started (for its slot fee's month)."""


@dataclass(frozen=True, slots=True)
class Settlement:
    """The settlement of one plan as of one instant, as Ibis tables (not yet executed).

    * `lines`: every in-scope line with `state`, `base_fen`, `eff_base`, `settle_at`,
      `settle_base`, `period`, `month`, `uncapped`, `settled_commission`, `commission_fen`;
    * `clawbacks`: one row per refund after settling that lowered a line's base;
    * `sessions`: `session_id`, `started_at`, `slot_month`, `base_fen`, `commission_fen`,
      `slot_fee_fen`, `guarantee_refund_fen`, `earnings_fen`;
    * `months`: every month (numbered `year × 12 + month − 1`) with at least one line.
    """

    lines: ir.Table
    clawbacks: ir.Table
    sessions: ir.Table
    months: ir.Table


def settle(
    lines: ir.Table,
    refunds: ir.Table,
    plan: Plan,
    as_of: int,
    x: Exact,
    sessions: ir.Table | None = None,
    staging: Staging = PLAIN,
) -> Settlement:
    """Settle `plan` over order lines (`commission_lines.LINE_COLUMNS`) and their refunds
    (`REFUND_COLUMNS`) as of `as_of`. `sessions` (`SESSION_COLUMNS`) adds sessions operated
    without an order and fixes when sessions started; by default a session starts with its
    earliest order. `staging` cuts the computation into statements (see `staging`): it keeps
    the grouped results and the priced lines, on which the clawbacks, sessions and months are
    built; the caller releases it when done with the result."""
    scoped = cl.in_scope(lines, plan, as_of)
    stated = cl.with_states(scoped, refunds, plan, as_of, x, staging)
    # tiers and caps read the lines in several statements: compute their states once
    multi_pass = bool(plan.tiers) or plan.cap_fen is not None
    stated = staging.keep(stated) if multi_pass else staging.view(stated)
    priced = staging.keep(cl.with_commission(stated, plan, x, staging))
    claws = cl.clawbacks(priced, refunds, plan, as_of, x)
    months = priced.select("month").distinct()
    return Settlement(priced, claws, _sessions(priced, plan, as_of, x, sessions), months)


def _sessions(
    lines: ir.Table, plan: Plan, as_of: int, x: Exact, given: ir.Table | None
) -> ir.Table:
    per = lines.group_by("session_id").aggregate(
        _first=lines.paid_at.min(),
        base_fen=as_i64(lines.base_fen.sum()),
        commission_fen=as_i64(lines.commission_fen.sum()),
        _g_base=as_i64(lines.eff_base.sum()),
    )
    if given is not None:
        started = given.filter(given.started_at <= as_of)
        known = started.select(_sid=started.session_id, _started=started.started_at)
        per = per.outer_join(known, per.session_id == known._sid)
        per = per.mutate(
            session_id=per.session_id.coalesce(per._sid),
            started_at=per._started.coalesce(per._first),
        ).drop("_sid", "_started")
    else:
        per = per.mutate(started_at=per._first)
    zero = i64(0)
    s = per.mutate(
        base_fen=per.base_fen.coalesce(zero),
        commission_fen=per.commission_fen.coalesce(zero),
        _g_base=per._g_base.coalesce(zero),
        slot_fee_fen=i64(plan.slot_fee_fen),
    ).drop("_first")
    s = x.with_month(s, "started_at", "slot_month")
    g = plan.guarantee_fen
    if not g:
        s = s.mutate(guarantee_refund_fen=zero)
    elif plan.period == "session":
        s = s.mutate(_missed_num=s.slot_fee_fen * ibis.greatest(zero, g - s._g_base))
        s = s.mutate(guarantee_refund_fen=x.half_up(s._missed_num, g)).drop("_missed_num")
    else:
        s = _monthly_give_back(s, lines, g, x)
    s = s.mutate(earnings_fen=s.commission_fen + s.slot_fee_fen - s.guarantee_refund_fen)
    return s.drop("_g_base")


def _monthly_give_back(s: ir.Table, lines: ir.Table, guarantee: int, x: Exact) -> ir.Table:
    """Each month's give-back from its slot fees, shared back to its sessions."""
    zero = i64(0)
    bases = lines.group_by("month").aggregate(_m_base=as_i64(lines.eff_base.sum()))
    s = s.left_join(bases, s.slot_month == bases.month).drop("month")
    month = ibis.window(group_by=[s.slot_month])
    s = s.mutate(
        _slot_total=as_i64(s.slot_fee_fen.sum().over(month)),
        _missed=ibis.greatest(zero, guarantee - s._m_base.coalesce(zero)),
    )
    s = s.mutate(_num=s._slot_total * s._missed)
    s = s.mutate(_give_back=x.half_up(s._num, guarantee))
    s = x.share(
        s,
        by=["slot_month"],
        total="_give_back",
        weight="slot_fee_fen",
        key="session_id",
        out="guarantee_refund_fen",
    )
    return s.drop("_m_base", "_slot_total", "_missed", "_num", "_give_back")


def _rows(con: Any, expr: ir.Table) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = con.to_pyarrow(expr).to_pylist()
    return rows


def calculate_detail(
    plan: Plan | Mapping[str, object], order_lines: Sequence[Mapping[str, object]], as_of: int
) -> dict[str, Any]:
    """Every column of the settlement, for explaining a result: `lines` (one row per order,
    every column of `Settlement.lines`, by `line_id`), `clawbacks` (including refunds whose
    rounding took nothing back), `sessions`, `months` (numbered months with an order) and
    the calculator's `total_fen`."""
    if not isinstance(plan, Plan):
        plan = Plan.from_dict(plan)
    if isinstance(as_of, bool) or not isinstance(as_of, int):
        raise InvalidInput(f"as_of must be epoch milliseconds (an integer), not {as_of!r}")
    line_rows, refund_rows = calculator_tables(order_lines)
    engine = connect("duckdb://:memory:", create=False)
    try:
        con = engine.con
        result = settle(
            ibis.memtable(line_rows),
            ibis.memtable(refund_rows),
            plan,
            as_of,
            exact_for(con),
            staging=ArrowStaging(con),
        )
        sessions = _rows(con, result.sessions.order_by("session_id"))
        months = sorted(row["month"] for row in _rows(con, result.months))
        return {
            "lines": _rows(con, result.lines.order_by("line_id")),
            "clawbacks": _rows(con, result.clawbacks.order_by(["order_id", "at", "refund_id"])),
            "sessions": sessions,
            "months": months,
            "total_fen": sum(row["earnings_fen"] for row in sessions)
            + len(months) * plan.monthly_fee_fen,
        }
    finally:
        engine.close()


_ORDER_KEYS = ("order_id", "session_id", "base_fen", "commission_fen", "state")
_CLAWBACK_KEYS = ("order_id", "amount_fen", "at")
_SESSION_KEYS = (
    "session_id",
    "base_fen",
    "commission_fen",
    "slot_fee_fen",
    "guarantee_refund_fen",
    "earnings_fen",
)


def calculate(
    plan: Plan | Mapping[str, object], order_lines: Sequence[Mapping[str, object]], as_of: int
) -> dict[str, Any]:
    """The what-if calculator: `plan` over calculator order lines as of `as_of` (epoch ms).

    Returns `{"orders", "clawbacks", "sessions", "total_fen"}` exactly as the spec's calculator
    interface prints it; orders by `order_id`, clawbacks by `(order_id, at)`, sessions by id.

    >>> day = 86_400_000
    >>> line = {"order_id": "A", "session_id": "S1", "product_id": "p", "paid_fen": 3333,
    ...         "paid_at": 1_767_200_000_000, "received_at": None,
    ...         "refunds": [{"amount_fen": 1000, "at": 1_767_200_000_000 + day}]}
    >>> out = calculate({"rate_ppm": 100_000}, [line], as_of=1_767_200_000_000 + 2 * day)
    >>> out["orders"], out["total_fen"]
    ([{'order_id': 'A', 'session_id': 'S1', 'base_fen': 2333, 'commission_fen': 233, \
'state': 'estimated'}], 233)
    """
    detail = calculate_detail(plan, order_lines, as_of)
    return {
        "orders": [{k: row[k] for k in _ORDER_KEYS} for row in detail["lines"]],
        "clawbacks": [
            {k: row[k] for k in _CLAWBACK_KEYS}
            for row in detail["clawbacks"]
            if row["amount_fen"] != 0
        ],
        "sessions": [{k: row[k] for k in _SESSION_KEYS} for row in detail["sessions"]],
        "total_fen": detail["total_fen"],
    }
