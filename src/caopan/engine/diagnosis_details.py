"""The charts of one merchant's diagnosis page: daily GMV, SKU Pareto with refunds per
product, price bands, traffic-source mix, refund reasons and RFM buyer segments."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from caopan.domain.clock import MS_PER_DAY
from caopan.domain.events import SOURCE_CLASSES
from caopan.domain.segments import PRICE_BANDS, rfm_segments
from caopan.engine.backend import Engine
from caopan.engine.indicators import (
    SHANGHAI_OFFSET_MS,
    Scope,
    Span,
    merchant_lines,
    merchant_scope,
)
from caopan.engine.sources import source_class

Row = dict[str, Any]
PARETO_TOP = 20


def _rows(expr: ir.Table) -> list[Row]:
    return list(expr.to_pyarrow().to_pylist())


def details(
    engine: Engine, merchant_id: str, span: Span, scope: Scope | None = None
) -> dict[str, Any]:
    """Every breakdown of one merchant over the window and the one before; `scope`: its paid
    orders and lines already materialised for `span` (the diagnosis's), else made here."""
    if scope is None:
        with merchant_scope(engine, span, merchant_id) as made:
            return details(engine, merchant_id, span, made)
    return {
        "daily": daily(scope.orders),
        "products": products(engine, scope, span),
        "price_bands": price_bands(scope.sold),
        "sources": sources(engine, merchant_id, span),
        "refund_reasons": refund_reasons(scope.refunds, span),
        "segments": segments(scope.orders, span),
    }


def daily(orders: ir.Table) -> list[Row]:
    o = orders.filter(orders.period != "hist")
    day = ((o.paid_at + SHANGHAI_OFFSET_MS) / MS_PER_DAY).floor().cast("int64")
    per = o.group_by(day=day).aggregate(gmv_fen=o.merch_fen.sum(), orders=o.count())
    return [{**r, "day": _date_text(r["day"])} for r in _rows(per.order_by("day"))]


def _date_text(day_number: int) -> str:
    from datetime import date, timedelta

    return (date(1970, 1, 1) + timedelta(days=int(day_number))).isoformat()


def products(engine: Engine, scope: Scope, span: Span) -> list[Row]:
    """Products by GMV in the window (all of them), with cumulative share, previous GMV, the
    lines sold in the window (`orders`) and the refunds dated in the window on their lines."""
    sold = scope.sold
    per = sold.group_by("product").aggregate(
        gmv_fen=ibis.cases((sold.period == "cur", sold.fen), else_=0).sum(),
        previous_fen=ibis.cases((sold.period == "prev", sold.fen), else_=0).sum(),
        orders=ibis.cases((sold.period == "cur", sold.lines), else_=0).sum(),
    )
    r = scope.refunds
    r = r.filter((r.refunded_at >= span.start) & (r.refunded_at < span.end))
    r = r.semi_join(scope.orders, r.order_id == scope.orders.order_id)
    # Only the lines of the refunded orders are read for their products.
    refunded = merchant_lines(engine, scope.merchant_id, r.select(_id=r.order_id))
    refunds_per = _refunds_per_product(refunded, r)
    joined = per.left_join(refunds_per, per.product == refunds_per._rp)
    names = engine.table("products").select(_pid=ibis._.product_id, name=ibis._.name)
    joined = joined.select(*per.columns, refund_fen=joined.refund_fen.coalesce(0))
    joined = joined.left_join(names, joined.product == names._pid).select(*joined.columns, "name")
    rows = _rows(joined.filter((joined.gmv_fen > 0) | (joined.previous_fen > 0)))
    rows.sort(key=lambda x: (-x["gmv_fen"], x["product"] is None, x["product"] or ""))
    total = sum(x["gmv_fen"] for x in rows) or 1
    running = 0
    for x in rows:
        running += x["gmv_fen"]
        x["cumulative_share"] = running / total
        x["share"] = x["gmv_fen"] / total
        x["refund_rate"] = x["refund_fen"] / x["gmv_fen"] if x["gmv_fen"] else None
    return rows


def _refunds_per_product(lines: ir.Table, refunds: ir.Table) -> ir.Table:
    lk = lines.select(
        _lo=lines.order_id, _ln=lines.line_no, _rp=lines.product_id.coalesce(lines.sku)
    )
    j = refunds.inner_join(lk, (refunds.order_id == lk._lo) & (refunds.line_no == lk._ln))
    return j.group_by("_rp").aggregate(refund_fen=j.amount_fen.sum())


def price_bands(sold: ir.Table) -> list[Row]:
    """Merchandise and lines sold in the window by unit-price band, every band listed."""
    cur = sold.filter(sold.period == "cur")
    per = cur.group_by("band").aggregate(gmv_fen=cur.fen.sum(), lines=cur.lines.sum())
    found = {r["band"]: r for r in _rows(per)}
    return [
        {
            "band": b,
            "gmv_fen": (found[b]["gmv_fen"] or 0) if b in found else 0,
            "lines": found[b]["lines"] if b in found else 0,
        }
        for b, _, _ in PRICE_BANDS
    ]


def sources(engine: Engine, merchant_id: str, span: Span) -> list[Row]:
    """Entries by traffic class in each period (empty without live data)."""
    s = engine.table("live_sessions")
    own = s.filter(s.merchant_id == merchant_id).select(_s=s.session_id).distinct()
    ev = engine.table("live_events")
    ev = ev.filter((ev.type == "enter") & (ev.ts >= span.prev_start) & (ev.ts < span.end))
    ev = ev.inner_join(own, ev.session_id == own._s)
    period = ibis.cases((ev.ts >= span.start, "cur"), else_="prev")
    per = ev.group_by(
        period=period, traffic_class=source_class(ev.source, SOURCE_CLASSES)
    ).aggregate(enters=ev.count())
    return _rows(per.order_by(["period", "traffic_class"]))


def refund_reasons(refunds: ir.Table, span: Span) -> list[Row]:
    """Refunds dated in the window by reason (`refunds`: those of the merchant's orders)."""
    j = refunds.filter((refunds.refunded_at >= span.start) & (refunds.refunded_at < span.end))
    per = j.group_by(reason=j.reason.coalesce("未知 unknown")).aggregate(
        refund_fen=j.amount_fen.sum(), refunds=j.count()
    )
    return _rows(per.order_by([ibis.desc("refund_fen"), ibis.asc("reason")]))


def segments(orders: ir.Table, span: Span) -> list[Row]:
    """RFM segments of the buyers of the window and the 90 days before (as of its end)."""
    o = orders.filter(orders.buyer_id.notnull() & (orders.paid_at >= span.start - 90 * MS_PER_DAY))
    per = o.group_by("buyer_id").aggregate(
        last=o.paid_at.max(), frequency=o.count(), monetary=o.merch_fen.sum()
    )
    rows = _rows(per)
    return rfm_segments(
        [((span.end - r["last"]) / MS_PER_DAY, r["frequency"], r["monetary"]) for r in rows]
    )
