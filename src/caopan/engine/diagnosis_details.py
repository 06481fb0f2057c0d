"""The charts of one merchant's diagnosis page: daily GMV, SKU Pareto with refunds per
product, price bands, traffic-source mix, refund reasons and RFM buyer segments."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from caopan.domain.clock import MS_PER_DAY
from caopan.domain.events import SOURCE_CLASSES
from caopan.domain.segments import PRICE_BANDS, price_band, rfm_segments
from caopan.engine.backend import Engine
from caopan.engine.indicators import SHANGHAI_OFFSET_MS, Scope, Span, merchant_scope
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
    orders, lines = scope.orders, scope.lines
    return {
        "daily": daily(orders),
        "products": products(engine, orders, lines, span),
        "price_bands": price_bands(lines, orders),
        "sources": sources(engine, merchant_id, span),
        "refund_reasons": refund_reasons(engine, scope.owned, merchant_id, span),
        "segments": segments(orders, span),
    }


def daily(orders: ir.Table) -> list[Row]:
    o = orders.filter(orders.period != "hist")
    day = ((o.paid_at + SHANGHAI_OFFSET_MS) / MS_PER_DAY).floor().cast("int64")
    per = o.group_by(day=day).aggregate(gmv_fen=o.merch_fen.sum(), orders=o.count())
    return [{**r, "day": _date_text(r["day"])} for r in _rows(per.order_by("day"))]


def _date_text(day_number: int) -> str:
    from datetime import date, timedelta

    return (date(1970, 1, 1) + timedelta(days=int(day_number))).isoformat()


def products(engine: Engine, orders: ir.Table, all_lines: ir.Table, span: Span) -> list[Row]:
    """Products by GMV in the window (all of them), with cumulative share, previous GMV and
    the refunds dated in the window on their lines (`all_lines`: the orders' lines)."""
    lines = all_lines
    key = lines.product_id.coalesce(lines.sku)
    lines = lines.select(
        _order=lines.order_id, line_no=lines.line_no, product=key, fen=lines.paid_fen
    )
    o = orders.select("order_id", "period")
    j = o.inner_join(lines, o.order_id == lines._order)
    per = j.group_by("product").aggregate(
        gmv_fen=ibis.cases((j.period == "cur", j.fen), else_=0).sum(),
        previous_fen=ibis.cases((j.period == "prev", j.fen), else_=0).sum(),
        orders=ibis.cases((j.period == "cur", 1), else_=0).sum(),
    )
    r = engine.table("refunds")
    r = r.filter((r.refunded_at >= span.start) & (r.refunded_at < span.end))
    mine = orders.select(_o=orders.order_id).distinct()
    rl = r.inner_join(mine, r.order_id == mine._o)
    refunds_per = _refunds_per_product(all_lines, rl)
    joined = per.left_join(refunds_per, per.product == refunds_per._rp)
    names = engine.table("products").select(_pid=ibis._.product_id, name=ibis._.name)
    joined = joined.select(*per.columns, refund_fen=joined.refund_fen.coalesce(0))
    joined = joined.left_join(names, joined.product == names._pid).select(*joined.columns, "name")
    rows = _rows(joined.filter((joined.gmv_fen > 0) | (joined.previous_fen > 0)))
    rows.sort(key=lambda x: (-x["gmv_fen"], x["product"]))
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


def price_bands(lines: ir.Table, orders: ir.Table) -> list[Row]:
    o = orders.filter(orders.period == "cur").select("order_id")
    j = o.inner_join(lines, o.order_id == lines.order_id)
    per = j.group_by(unit=j.unit_price_fen).aggregate(gmv_fen=j.paid_fen.sum(), lines=j.count())
    gmv = dict.fromkeys((b[0] for b in PRICE_BANDS), 0)
    count = dict.fromkeys((b[0] for b in PRICE_BANDS), 0)
    for r in _rows(per):
        band = price_band(r["unit"])
        gmv[band] += r["gmv_fen"] or 0
        count[band] += r["lines"]
    return [{"band": b, "gmv_fen": gmv[b], "lines": count[b]} for b in gmv]


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


def refund_reasons(engine: Engine, owned: ir.Table, merchant_id: str, span: Span) -> list[Row]:
    """Refunds dated in the window by reason (`owned`: the orders, or a part holding the
    merchant's)."""
    r = engine.table("refunds")
    r = r.filter((r.refunded_at >= span.start) & (r.refunded_at < span.end))
    o = owned
    mine = o.filter(o.merchant_id == merchant_id).select(_o=o.order_id)
    j = r.inner_join(mine, r.order_id == mine._o)
    per = j.group_by(reason=j.reason.coalesce("未知 unknown")).aggregate(
        refund_fen=j.amount_fen.sum(), refunds=j.count()
    )
    return _rows(per.order_by(ibis.desc("refund_fen")))


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
