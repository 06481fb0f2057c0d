"""A session's earnings (收益): what the provider earns and what the merchant keeps.

From the store as of an instant: the session's orders (`orders`, `order_lines`, `refunds`),
the commission under every contract between its merchant and provider that applies to them
(settled in the engine as `caopan settle` would, nothing written), the platform's fees
(`domain.fees`: 技术服务费 with the new-merchant policy, 达人 and 团长 on distribution lines) and
the ad spend. The merchant's result and the ROI after service fees are `domain.fees.SessionResult`.

* GMV is the paid amount of the session's order lines paid by `as_of`; refunds are those
  dated by `as_of`, each line's capped at what it paid.
* 技术服务费 is charged on each line's GMV at its product's category rate (the merchant's
  category when the product is unknown); the new-merchant window counts the merchant's GMV in
  payment order from the shop's `opened_at` (else the merchant's `opened_on`).
* 达人 and 团长 fees are each line's rate (`order_lines.talent_rate_ppm`, `leader_rate_ppm`)
  on its net paid amount.
* Ad spend is the `ad_spend` table's rows for the session; without any, its `ad_spend` events.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import ibis
import ibis.expr.types as ir

from caopan.domain.clock import MS_PER_DAY, day_start_ms, shanghai_date
from caopan.domain.errors import NotFound
from caopan.domain.fees import (
    FeeOrder,
    FeeTable,
    NewMerchantPolicy,
    SessionResult,
    distribution_fees,
    technical_service_fees,
)
from caopan.engine.backend import Engine
from caopan.engine.commission_estimate import applying, session_parties, settle_for_session
from caopan.engine.contracts import StoredContract, stored_contracts
from caopan.engine.exact import i64
from caopan.engine.settlement_store import contract_inputs

COMMISSION_KEYS = (
    "base_fen",
    "estimated_fen",
    "pending_fen",
    "settled_fen",
    "clawback_fen",
    "commission_fen",
    "void_lines",
    "slot_fee_fen",
    "guarantee_refund_fen",
)


def _order_lines(
    engine: Engine, where: Callable[[ir.Table], ir.BooleanValue] | None, as_of: int
) -> ir.Table:
    """Order lines (an order without lines is its own line 1) with category and refunds."""
    o = engine.table("orders")
    o = o.filter(o.paid_at.notnull() & (o.paid_at <= as_of))
    if where is not None:
        o = o.filter(where(o))
    ol = engine.table("order_lines")
    j = o.left_join(ol, o.order_id == ol.order_id)
    line_no = j.line_no.coalesce(i64(1)).cast("string")
    lines = j.select(
        line_id=j.order_id.concat("#", line_no),
        order_id=j.order_id,
        shop_id=j.shop_id,
        product_id=j.product_id,
        paid_fen=j.paid_fen_right.coalesce(j.paid_fen).coalesce(i64(0)),
        paid_at=j.paid_at,
        talent_rate_ppm=j.talent_rate_ppm,
        leader_rate_ppm=j.leader_rate_ppm,
    ).view()
    r = engine.table("refunds")
    r = r.filter(r.amount_fen.notnull() & (r.refunded_at <= as_of))
    r = r.select(
        _rl=r.order_id.concat("#", r.line_no.coalesce(i64(1)).cast("string")), _a=r.amount_fen
    )
    refunded = r.group_by("_rl").aggregate(_refunded=r._a.sum())
    p = engine.table("products").select(_pid="product_id", _category="category")
    t = lines.left_join(refunded, lines.line_id == refunded._rl)
    t = t.left_join(p, [("product_id", "_pid")])
    return t.select(
        *lines.columns,
        category=t._category,
        refunded_fen=ibis.least(t.paid_fen, t._refunded.coalesce(i64(0))),
    )


def _merchant(engine: Engine, merchant_id: str) -> dict[str, Any]:
    m = engine.table("merchants")
    rows = engine.to_arrow(m.filter(m.merchant_id == merchant_id).limit(1)).to_pylist()
    return rows[0] if rows else {"category": None, "opened_on": None}


def _opened_at(engine: Engine, merchant_id: str, shop_ids: set[str]) -> int | None:
    shops = engine.table("shops")
    rows = engine.to_arrow(
        shops.filter((shops.merchant_id == merchant_id) & shops.opened_at.notnull())
    ).to_pylist()
    known = [int(r["opened_at"]) for r in rows if not shop_ids or r["shop_id"] in shop_ids]
    if known:
        return min(known)
    opened_on = _merchant(engine, merchant_id)["opened_on"]
    return None if opened_on is None else day_start_ms(opened_on)


def _platform_fees(
    engine: Engine,
    merchant_id: str,
    lines: list[dict[str, Any]],
    as_of: int,
    table: FeeTable,
    policy: NewMerchantPolicy,
) -> dict[str, int]:
    """技术服务费, 达人 and 团长 fees of the session's lines."""
    category = _merchant(engine, merchant_id)["category"]
    opened = _opened_at(engine, merchant_id, {str(x["shop_id"]) for x in lines if x["shop_id"]})
    fee_orders = {x["line_id"]: x for x in lines}
    if opened is not None and policy.enabled:  # the window counts the merchant's other GMV
        lo, hi = opened, opened + policy.window_days * MS_PER_DAY
        earlier = _order_lines(
            engine,
            lambda o: (o.merchant_id == merchant_id) & (o.paid_at >= lo) & (o.paid_at < hi),
            as_of,
        )
        for x in engine.to_arrow(earlier).to_pylist():
            fee_orders.setdefault(x["line_id"], x)
    fees = technical_service_fees(
        [
            FeeOrder(lid, int(x["paid_at"]), int(x["paid_fen"]), x["category"] or category)
            for lid, x in fee_orders.items()
        ],
        opened_at=opened,
        table=table,
        policy=policy,
    )
    talent = leader = 0
    for x in lines:
        t, g = distribution_fees(
            int(x["paid_fen"]) - int(x["refunded_fen"]),
            talent_rate_ppm=x["talent_rate_ppm"],
            leader_rate_ppm=x["leader_rate_ppm"],
        )
        talent, leader = talent + t, leader + g
    return {
        "technical_fee_fen": sum(fees[x["line_id"]] for x in lines),
        "talent_fen": talent,
        "leader_fen": leader,
    }


def _commission(
    engine: Engine, stored: StoredContract, session_id: str, as_of: int
) -> dict[str, int]:
    lines, refunds, sessions = contract_inputs(engine, stored.contract, stored.ended_at)
    lines = lines.view()
    lines = lines.filter(lines.session_id == session_id)
    if stored.contract.plan.period == "session":
        sessions = sessions.filter(sessions.session_id == session_id)
    s = settle_for_session(engine, stored, session_id, lines, refunds, as_of, sessions)
    mine = s.lines.filter(s.lines.session_id == session_id)
    claws = s.clawbacks.filter(s.clawbacks.session_id == session_id)
    state = mine.state
    row = engine.to_arrow(
        mine.aggregate(
            base_fen=mine.base_fen.sum(),
            estimated_fen=mine.commission_fen.sum(where=state == "estimated"),
            pending_fen=mine.commission_fen.sum(where=state == "pending"),
            settled_fen=mine.settled_commission.sum(where=state == "settled"),
            commission_fen=mine.commission_fen.sum(),
            void_lines=(state == "void").sum(),
        )
    ).to_pylist()[0]
    clawed = engine.to_arrow(claws.aggregate(c=claws.amount_fen.sum())).column("c")[0].as_py()
    ss = s.sessions.filter(s.sessions.session_id == session_id)
    fee_rows = engine.to_arrow(ss.select("slot_fee_fen", "guarantee_refund_fen")).to_pylist()
    fees = fee_rows[0] if fee_rows else {"slot_fee_fen": 0, "guarantee_refund_fen": 0}
    out = {k: int(v or 0) for k, v in row.items()}
    return out | {
        "clawback_fen": int(clawed or 0),
        "slot_fee_fen": int(fees["slot_fee_fen"] or 0),
        "guarantee_refund_fen": int(fees["guarantee_refund_fen"] or 0),
    }


def _ad_spend(engine: Engine, session_id: str, as_of: int) -> int:
    a = engine.table("ad_spend")
    mine = a.filter((a.session_id == session_id) & (a.ts <= as_of))
    rows = engine.to_arrow(mine.aggregate(n=mine.count(), s=mine.amount_fen.sum())).to_pylist()[0]
    if rows["n"]:
        return int(rows["s"] or 0)
    ev = engine.table("live_events")
    spent = ev.filter((ev.session_id == session_id) & (ev.type == "ad_spend") & (ev.ts <= as_of))
    return int(
        engine.to_arrow(spent.aggregate(s=spent.amount_fen.sum())).column("s")[0].as_py() or 0
    )


def _ratio(value: Fraction | None) -> tuple[float | None, str | None]:
    if value is None:
        return None, None
    return round(float(value), 4), f"{value.numerator}/{value.denominator}"


def session_earnings(
    engine: Engine,
    session_id: str,
    as_of: int,
    table: FeeTable | None = None,
    policy: NewMerchantPolicy | None = None,
) -> dict[str, Any]:
    """A session's earnings as of `as_of` (see the module's notes), as JSON-ready data."""
    parties = session_parties(engine, session_id)
    if parties is None:
        raise NotFound(f"session {session_id!r} has no merchant and provider in live_sessions")
    merchant, provider, started = parties
    lines = engine.to_arrow(
        _order_lines(engine, lambda o: o.session_id == session_id, as_of).order_by("line_id")
    ).to_pylist()
    first = min([int(x["paid_at"]) for x in lines] + ([started] if started else []) + [as_of])
    contracts = applying(stored_contracts(engine, merchant, provider), first, as_of)
    commission = {k: 0 for k in COMMISSION_KEYS}
    for stored in contracts:
        for key, value in _commission(engine, stored, session_id, as_of).items():
            commission[key] += value
    fees = _platform_fees(
        engine, merchant, lines, as_of, table or FeeTable(), policy or NewMerchantPolicy()
    )
    gmv = sum(int(x["paid_fen"]) for x in lines)
    refunds = sum(int(x["refunded_fen"]) for x in lines)
    ad = _ad_spend(engine, session_id, as_of)
    slot_net = commission["slot_fee_fen"] - commission["guarantee_refund_fen"]
    result = SessionResult(
        gmv_fen=gmv,
        refunds_fen=refunds,
        technical_fee_fen=fees["technical_fee_fen"],
        talent_fen=fees["talent_fen"],
        leader_fen=fees["leader_fen"],
        provider_commission_fen=commission["commission_fen"],
        slot_fee_fen=slot_net,
        ad_spend_fen=ad,
    )
    roi, roi_exact = _ratio(result.roi_after_service_fees)
    platform = None if ad == 0 else Fraction(gmv, ad)
    return {
        "session_id": session_id,
        "merchant_id": merchant,
        "provider_id": provider,
        "as_of": as_of,
        "as_of_day": shanghai_date(as_of).isoformat(),
        "contracts": [c.contract.contract_id for c in contracts],
        "orders": len({x["order_id"] for x in lines}),
        "gmv_fen": gmv,
        "refunds_fen": refunds,
        **commission,
        "provider_earnings_fen": commission["commission_fen"] + slot_net,
        **fees,
        "ad_spend_fen": ad,
        "merchant_result_fen": result.merchant_result_fen,
        "roi_after_fees": roi,
        "roi_after_fees_exact": roi_exact,
        "platform_roi": _ratio(platform)[0],
    }
