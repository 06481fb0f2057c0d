"""A slow, obvious reference for the commission calculator, written from the spec's words.

Row by row over plain Python data, with the calendar from `caopan.domain.clock` (zoneinfo)
and the rounding and sharing primitives of `caopan.domain.money`; nothing here is shared with
the Ibis engine. `calculate` returns the calculator's output shape plus, under `"detail"`, each
order's settled commission, effective base and settling instant for the property tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caopan.domain.clock import MS_PER_DAY, month_bounds, month_of, shanghai_date
from caopan.domain.commission import Plan
from caopan.domain.money import PPM, allocate, half_up_div


@dataclass
class Line:
    order_id: str
    session_id: str
    product_id: str | None
    paid: int
    paid_at: int
    received_at: int | None
    refunds: list[tuple[int, int]]  # (amount, at) in (at, position) order, as of as_of
    after_sale_open: bool
    state: str = ""
    base: int = 0  # reported
    eff: int = 0  # what the period counts
    settle_base: int = 0
    settle_at: int | None = None
    uncapped: int = 0
    commission_at_eff: int = 0
    commission: int = 0
    clawbacks: list[tuple[int, int]] = field(default_factory=list)  # (amount, at)


def tier_commission(base: int, plan: Plan) -> int:
    """Each slice of the base at its own rate (progressive), or all of it at the highest
    tier reached (whole); exact, then half-up once."""
    tiers = [(t.from_fen, t.rate_ppm) for t in plan.tiers]
    if plan.tier_mode == "whole":
        rate = 0
        for start, r in tiers:
            if base >= start:
                rate = r
        return half_up_div(base * rate, PPM)
    exact = 0
    for i, (start, r) in enumerate(tiers):
        end = tiers[i + 1][0] if i + 1 < len(tiers) else None
        if base <= start:
            continue
        top = base if end is None else min(base, end)
        exact += (top - start) * r
    return half_up_div(exact, PPM)


def _in_contract(plan: Plan, paid_at: int) -> bool:
    day = shanghai_date(paid_at)
    if plan.valid_from is not None and day < plan.valid_from:
        return False
    return not (plan.valid_to is not None and day > plan.valid_to)


def _settle_at(plan: Plan, line: Line) -> int | None:
    if line.received_at is None:
        return None
    at = line.received_at + plan.settle_lag_days * MS_PER_DAY
    if plan.period == "month":
        at = max(at, month_bounds(month_of(line.paid_at))[1])
    return at


def _state_and_bases(plan: Plan, line: Line, as_of: int) -> None:
    line.settle_at = _settle_at(plan, line)
    received = line.received_at is not None and line.received_at <= as_of
    settles = (
        received
        and line.settle_at is not None
        and line.settle_at <= as_of
        and not line.after_sale_open
    )
    total = sum(a for a, _ in line.refunds)
    if line.settle_at is None:
        before = total
    else:
        before = sum(a for a, at in line.refunds if at < line.settle_at)
    paid = line.paid
    if plan.base == "paid":
        line.state = "settled" if settles else "pending" if received else "estimated"
        line.base = line.eff = line.settle_base = paid
        return
    if settles:
        line.state = "void" if before > 0 and before >= paid else "settled"
    elif total > 0 and total >= paid:
        line.state = "void"
    else:
        line.state = "pending" if received else "estimated"
    now = paid - min(paid, total)
    line.settle_base = paid - min(paid, before)
    settled = line.state == "settled"
    if plan.base == "net_paid":
        line.base = now
        line.eff = line.settle_base if settled else now
    else:
        line.base = now if settled else 0
        line.eff = line.settle_base if settled else 0


def _price_period(plan: Plan, lines: list[Line]) -> None:
    rates = dict(plan.product_rates)
    tiered = []
    for line in lines:
        rate = rates.get(line.product_id) if line.product_id is not None else None
        if rate is None and plan.tiers:
            tiered.append(line)
            continue
        if rate is None:
            rate = plan.rate_ppm or 0
        line.uncapped = half_up_div(line.eff * rate, PPM)
    if tiered:
        total = tier_commission(sum(line.eff for line in tiered), plan)
        shares = allocate(total, [line.eff for line in tiered], [line.order_id for line in tiered])
        for line, share in zip(tiered, shares, strict=True):
            line.uncapped = share
    uncapped = sum(line.uncapped for line in lines)
    if plan.cap_fen is not None and uncapped > plan.cap_fen:
        shares = allocate(
            plan.cap_fen, [line.uncapped for line in lines], [line.order_id for line in lines]
        )
        for line, share in zip(lines, shares, strict=True):
            line.commission_at_eff = share
    else:
        for line in lines:
            line.commission_at_eff = line.uncapped


def _commission_now(plan: Plan, line: Line) -> None:
    c = line.commission_at_eff
    if line.state != "settled" or plan.base == "paid" or line.settle_base == 0:
        line.commission = c
        return
    assert line.settle_at is not None
    refunded = 0
    current = c
    for amount, at in line.refunds:
        refunded += amount
        if at < line.settle_at:
            continue
        base_now = line.paid - min(line.paid, refunded)
        after = half_up_div(c * base_now, line.settle_base)
        if after != current:
            line.clawbacks.append((after - current, at))
        current = after
    line.commission = current


def _period_key(plan: Plan, line: Line) -> str:
    return line.session_id if plan.period == "session" else month_of(line.paid_at)


def calculate(plan_terms: Plan | dict[str, Any], orders: list[dict[str, Any]], as_of: int) -> dict:
    plan = plan_terms if isinstance(plan_terms, Plan) else Plan.from_dict(plan_terms)
    lines: list[Line] = []
    for o in orders:
        if o["paid_at"] > as_of or not _in_contract(plan, o["paid_at"]):
            continue
        refunds = [(r["amount_fen"], r["at"]) for r in o.get("refunds") or [] if r["at"] <= as_of]
        refunds = [r for _, r in sorted(enumerate(refunds), key=lambda p: (p[1][1], p[0]))]
        lines.append(
            Line(
                o["order_id"],
                o["session_id"],
                o.get("product_id"),
                o["paid_fen"],
                o["paid_at"],
                o.get("received_at"),
                refunds,
                bool(o.get("after_sale_open", False)),
            )
        )
    lines.sort(key=lambda line: line.order_id)
    for line in lines:
        _state_and_bases(plan, line, as_of)
    periods: dict[str, list[Line]] = {}
    for line in lines:
        periods.setdefault(_period_key(plan, line), []).append(line)
    for members in periods.values():
        _price_period(plan, members)
    for line in lines:
        _commission_now(plan, line)
    sessions = _sessions(plan, lines)
    months = {month_of(line.paid_at) for line in lines}
    total = sum(s["earnings_fen"] for s in sessions) + len(months) * plan.monthly_fee_fen
    clawbacks = sorted(
        (
            {"order_id": line.order_id, "amount_fen": amount, "at": at}
            for line in lines
            for amount, at in line.clawbacks
        ),
        key=lambda c: (c["order_id"], c["at"]),
    )
    return {
        "orders": [
            {
                "order_id": line.order_id,
                "session_id": line.session_id,
                "base_fen": line.base,
                "commission_fen": line.commission,
                "state": line.state,
            }
            for line in lines
        ],
        "clawbacks": clawbacks,
        "sessions": sessions,
        "total_fen": total,
        "detail": {
            line.order_id: {
                "settled_commission": line.commission_at_eff if line.state == "settled" else None,
                "eff_base": line.eff,
                "settle_at": line.settle_at,
                "uncapped": line.uncapped,
            }
            for line in lines
        },
    }


def _sessions(plan: Plan, lines: list[Line]) -> list[dict[str, Any]]:
    by_session: dict[str, list[Line]] = {}
    for line in lines:
        by_session.setdefault(line.session_id, []).append(line)
    slot = plan.slot_fee_fen
    g = plan.guarantee_fen or 0
    give_back: dict[str, int] = dict.fromkeys(by_session, 0)
    if g and plan.period == "session":
        for sid, members in by_session.items():
            missed = max(0, g - sum(line.eff for line in members))
            give_back[sid] = half_up_div(slot * missed, g)
    elif g:
        slot_month = {sid: month_of(min(x.paid_at for x in m)) for sid, m in by_session.items()}
        for month in set(slot_month.values()):
            sids = sorted(s for s, m in slot_month.items() if m == month)
            base = sum(line.eff for line in lines if month_of(line.paid_at) == month)
            missed = max(0, g - base)
            total = half_up_div(slot * len(sids) * missed, g)
            for sid, share in zip(sids, allocate(total, [slot] * len(sids), sids), strict=True):
                give_back[sid] = share
    out = []
    for sid in sorted(by_session):
        members = by_session[sid]
        commission = sum(line.commission for line in members)
        out.append(
            {
                "session_id": sid,
                "base_fen": sum(line.base for line in members),
                "commission_fen": commission,
                "slot_fee_fen": slot,
                "guarantee_refund_fen": give_back[sid],
                "earnings_fen": commission + slot - give_back[sid],
            }
        )
    return out
