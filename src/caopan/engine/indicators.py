"""The diagnosis indicators of every merchant, for a window and the window before, in one pass.

Every query groups by merchant, so one pass serves one merchant or a thousand, on DuckDB and on
Spark alike (`merchants` narrows the pass to some merchants: the single-merchant path). The
result is one row per (merchant, period) with the raw sums; `caopan.domain.diagnosis` turns them
into indicators (ratios, `unknown` where an input is missing).

Periods: `cur` is `[start, end)`, `prev` the same length before it; the history a buyer or a
product is judged *returning* or *not new* against is the 90 days before each period's start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from caopan.domain.clock import MS_PER_DAY
from caopan.domain.events import SOURCE_CLASSES
from caopan.domain.indicators import (
    DISTRIBUTION_CHANNELS,
    QUALITY_REASONS,
    SELF_CHANNELS,
    SHELF_CHANNELS,
)
from caopan.domain.segments import PRICE_BANDS
from caopan.engine.backend import Engine
from caopan.engine.sources import source_class

LOOKBACK_DAYS = 90
HOUR_MS = 3_600_000
SHANGHAI_OFFSET_MS = 8 * HOUR_MS
PERIODS = ("cur", "prev")

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Span:
    """The current window `[start, end)` in epoch ms; the previous one has the same length."""

    start: int
    end: int

    @property
    def prev_start(self) -> int:
        return self.start - (self.end - self.start)

    @property
    def history_start(self) -> int:
        return self.prev_start - LOOKBACK_DAYS * MS_PER_DAY


def _period(ts: ir.IntegerValue, span: Span) -> ir.StringValue:
    return ibis.cases(
        ((ts >= span.start) & (ts < span.end), ibis.literal("cur")),
        ((ts >= span.prev_start) & (ts < span.start), ibis.literal("prev")),
        else_=ibis.literal("hist"),
    )


def _i64(value: int) -> ir.IntegerScalar:
    return ibis.literal(value, "int64")


def _sum_if(column: ir.IntegerValue, condition: ir.BooleanValue) -> ir.IntegerScalar:
    return ibis.cases((condition, column), else_=_i64(0)).sum()


def _count_if(condition: ir.BooleanValue) -> ir.IntegerScalar:
    return ibis.cases((condition, _i64(1)), else_=_i64(0)).sum()


def _narrow(t: ir.Table, merchants: Sequence[str] | None) -> ir.Table:
    return t if merchants is None else t.filter(t.merchant_id.isin(list(merchants)))


ORDER_COLUMNS = (
    "order_id",
    "merchant_id",
    "buyer_id",
    "channel",
    "talent_id",
    "session_id",
    "paid_at",
    "shipped_at",
    "paid_fen",
    "freight_fen",
)
"""The columns of `orders` the diagnosis reads."""
LINE_COLUMNS = (
    "order_id",
    "line_no",
    "product_id",
    "sku",
    "unit_price_fen",
    "paid_fen",
    "talent_rate_ppm",
)
"""The columns of `order_lines` the diagnosis reads."""


def _orders_in(engine: Engine, span: Span, merchants: Sequence[str] | None) -> ir.Table:
    """Orders paid from the history start to the window's end, as stored."""
    o = _narrow(engine.table("orders"), merchants)
    return o.filter(
        o.paid_at.notnull() & (o.paid_at >= span.history_start) & (o.paid_at < span.end)
    )


def paid_orders(
    engine: Engine,
    span: Span,
    merchants: Sequence[str] | None,
    lines: ir.Table | None = None,
) -> ir.Table:
    """Orders paid from the history start to the window's end, one row each, with their
    merchandise (`merch_fen`), whether it was sold in the merchant's own session (`own_room`)
    and its `period`. `lines`: a part of the order lines holding those of the orders with no
    paid amount (see `Scope`)."""
    o = _orders_in(engine, span, merchants)
    # The merchandise of an order is its paid amount less freight; only an order with no paid
    # amount (an import that gives lines alone) is summed from its lines.
    lines = engine.table("order_lines") if lines is None else lines
    wanted = o.filter(o.paid_fen.isnull()).select(_id=o.order_id)
    lines = lines.inner_join(wanted, lines.order_id == wanted._id)
    per_order = lines.group_by(_order=lines.order_id).aggregate(_lines_fen=lines.paid_fen.sum())
    sessions = engine.table("live_sessions")
    rooms = sessions.select(_session=sessions.session_id, room_merchant=sessions.merchant_id)
    rooms = rooms.filter(rooms.room_merchant.notnull()).distinct()
    j = o.left_join(per_order, o.order_id == per_order._order)
    j = j.left_join(rooms, j.session_id == rooms._session)
    merch = (j.paid_fen - j.freight_fen.coalesce(0)).coalesce(j._lines_fen)
    return j.select(
        "merchant_id",
        "order_id",
        "buyer_id",
        "channel",
        "talent_id",
        "paid_at",
        "shipped_at",
        merch_fen=merch.cast("int64"),
        own_room=(j.room_merchant == j.merchant_id).coalesce(False),
        period=_period(j.paid_at, span),
    )


@dataclass(frozen=True, slots=True)
class Scope:
    """One merchant's orders and lines over a span, staged once for its sums and for the
    page's breakdowns, so that the store's `orders`, `order_lines` and `refunds` are each read
    once per report:

    * `orders`: its paid orders (`paid_orders`, from the history start to the window's end);
    * `sold`: their lines grouped by (merchant, product, period, price band), with the
      merchandise (`fen`), the talent commission and the number of lines (`line_sales`);
    * `refunds`: every refund of any of its orders (the refunds' columns).

    An order is identified by its `order_id` (every writer keeps it unique), so a refund of
    the merchant's order is the merchant's once."""

    merchant_id: str
    orders: ir.Table
    sold: ir.Table
    refunds: ir.Table


@contextmanager
def merchant_scope(engine: Engine, span: Span, merchant_id: str) -> Iterator[Scope]:
    """The `Scope` of one merchant over `span`, released on exit."""
    paid = _orders_in(engine, span, [merchant_id])
    # Lines are read for the merchandise of orders with no paid amount alone (imports that
    # give lines only); on other stores this reads nothing.
    unpaid = merchant_lines(
        engine, merchant_id, paid.filter(paid.paid_fen.isnull()).select(_id=paid.order_id)
    )
    refunds = engine.table("refunds")
    with paid_orders(engine, span, [merchant_id], lines=unpaid).cache() as orders:
        sold = line_sales(orders, merchant_lines(engine, merchant_id))
        # Every order of the merchant: those just read, and the others (unpaid, or paid
        # outside the span: on a clustered store, a few row groups at most).
        o = _narrow(engine.table("orders"), [merchant_id])
        outside = o.paid_at.isnull() | (o.paid_at < span.history_start) | (o.paid_at >= span.end)
        ids = ibis.union(
            orders.select(_o=orders.order_id),
            o.filter(outside).select(_o=o.order_id),
            distinct=False,
        )
        theirs = refunds.semi_join(ids, refunds.order_id == ids._o)
        with sold.cache() as grouped, theirs.cache() as refunded:
            yield Scope(merchant_id, orders, grouped, refunded)


def merchant_lines(engine: Engine, merchant_id: str, ids: ir.Table | None = None) -> ir.Table:
    """The lines of the orders `ids` (column `_id`, orders of `merchant_id`; None: any of
    its orders, to be joined with them): those stored with the merchant (a store clustered
    by `caopan db optimize` reads only its row groups), and those stored without one (an
    older writer) looked up by order."""
    lines = engine.table("order_lines")
    tagged = lines.filter(lines.merchant_id == merchant_id)
    untagged = lines.filter(lines.merchant_id.isnull())
    if ids is not None:
        tagged = tagged.semi_join(ids, tagged.order_id == ids._id)
        untagged = untagged.semi_join(ids, untagged.order_id == ids._id)
    return ibis.union(tagged.select(*LINE_COLUMNS), untagged.select(*LINE_COLUMNS), distinct=False)


def price_band_of(unit_price_fen: ir.IntegerValue) -> ir.StringValue:
    """The unit-price band of a line (`caopan.domain.segments.price_band`, in SQL)."""
    price = unit_price_fen.coalesce(0)
    (first, _, _), *rest = PRICE_BANDS
    return ibis.cases(
        *((price >= low, ibis.literal(name)) for name, low, _ in reversed(rest)),
        else_=ibis.literal(first),
    )


def line_sales(orders: ir.Table, lines: ir.Table) -> ir.Table:
    """The lines of `orders` (paid orders; `lines`: a part of the order lines holding
    theirs) grouped by (merchant, product, period, price band): merchandise (`fen`), talent
    commission (paid × the line's rate, rounded per line) and lines. `product_sales` and the
    page's breakdowns are sums of these rows."""
    key = lines.product_id.coalesce(lines.sku)
    commission = (lines.paid_fen * lines.talent_rate_ppm / 1_000_000).round().cast("int64")
    lines = lines.select(
        _order=lines.order_id,
        product=key,
        band=price_band_of(lines.unit_price_fen),
        fen=lines.paid_fen,
        commission=commission,
    )
    j = orders.select("merchant_id", "order_id", "period").inner_join(
        lines, orders.order_id == lines._order
    )
    return j.group_by("merchant_id", "product", "period", "band").aggregate(
        fen=j.fen.sum(), commission=j.commission.sum(), lines=j.count()
    )


def order_sums(orders: ir.Table, refunds: ir.Table, span: Span) -> ir.Table:
    """Per (merchant, period): GMV, orders, buyers, channel GMV, shipping, refunded orders."""
    first_refund = refunds.group_by(_rorder=refunds.order_id).aggregate(
        _first_refund=refunds.refunded_at.min()
    )
    o = orders.filter(orders.period != "hist")
    o = o.left_join(first_refund, o.order_id == first_refund._rorder)
    period_end = ibis.cases((o.period == "cur", _i64(span.end)), else_=_i64(span.start))
    ship_due = o.paid_at <= period_end - 48 * HOUR_MS
    ship_hours = (o.shipped_at - o.paid_at).cast("float64") / HOUR_MS
    channel = o.channel
    return o.group_by("merchant_id", "period").aggregate(
        gmv_fen=o.merch_fen.sum(),
        orders=o.count(),
        with_channel=_count_if(channel.notnull()),
        self_fen=_sum_if(o.merch_fen, channel.isin(SELF_CHANNELS)),
        distribution_fen=_sum_if(o.merch_fen, channel.isin(DISTRIBUTION_CHANNELS)),
        shelf_fen=_sum_if(o.merch_fen, channel.isin(SHELF_CHANNELS)),
        own_room_fen=_sum_if(o.merch_fen, o.own_room),
        talents=o.talent_id.nunique(),
        with_shipping=_count_if(o.shipped_at.notnull()),
        ship_due=_count_if(ship_due),
        ship_48h=_count_if(
            ship_due & o.shipped_at.notnull() & (o.shipped_at - o.paid_at <= 48 * HOUR_MS)
        ),
        ship_hours_sum=ibis.cases((o.shipped_at.notnull(), ship_hours), else_=0.0).sum(),
        refunded_orders=_count_if(o._first_refund.notnull() & (o._first_refund < period_end)),
        sale_days=((o.paid_at + SHANGHAI_OFFSET_MS) / MS_PER_DAY).floor().nunique(),
    )


def top_talent(orders: ir.Table) -> ir.Table:
    """Per (merchant, period): the GMV of the best-selling talent."""
    o = orders.filter((orders.period != "hist") & orders.talent_id.notnull())
    per = o.group_by("merchant_id", "period", "talent_id").aggregate(fen=o.merch_fen.sum())
    return per.group_by("merchant_id", "period").aggregate(top_talent_fen=per.fen.max())


def buyer_sums(orders: ir.Table, span: Span) -> ir.Table:
    """Per (merchant, period): buyers, and those who had bought in the 90 days before."""
    o = orders.filter(orders.buyer_id.notnull())
    look = LOOKBACK_DAYS * MS_PER_DAY
    cur_hist = (o.paid_at >= span.start - look) & (o.paid_at < span.start)
    prev_hist = (o.paid_at >= span.prev_start - look) & (o.paid_at < span.prev_start)
    per = o.group_by("merchant_id", "buyer_id").aggregate(
        in_cur=(o.period == "cur").any(),
        in_prev=(o.period == "prev").any(),
        before_cur=cur_hist.any(),
        before_prev=prev_hist.any(),
    )
    cur = per.group_by("merchant_id").aggregate(
        buyers=_count_if(per.in_cur),
        returning_buyers=_count_if(per.in_cur & per.before_cur),
    )
    prev = per.group_by("merchant_id").aggregate(
        buyers=_count_if(per.in_prev),
        returning_buyers=_count_if(per.in_prev & per.before_prev),
    )
    return ibis.union(
        cur.mutate(period=ibis.literal("cur")), prev.mutate(period=ibis.literal("prev"))
    )


def product_sales(engine: Engine, orders: ir.Table, lines: ir.Table | None = None) -> ir.Table:
    """Per (merchant, product, period incl. hist): merchandise sold and talent commission on
    it (paid × the line's talent rate). `lines`: the order lines, or a part holding those of
    `orders`."""
    lines = engine.table("order_lines") if lines is None else lines
    key = lines.product_id.coalesce(lines.sku)
    commission = (lines.paid_fen * lines.talent_rate_ppm / 1_000_000).round().cast("int64")
    lines = lines.select(
        _order=lines.order_id, product=key, fen=lines.paid_fen, commission=commission
    )
    j = orders.select("merchant_id", "order_id", "period").inner_join(
        lines, orders.order_id == lines._order
    )
    return j.group_by("merchant_id", "product", "period").aggregate(
        fen=j.fen.sum(), commission=j.commission.sum()
    )


def sold_products(sold: ir.Table) -> ir.Table:
    """`product_sales` from the rows of `line_sales`."""
    return sold.group_by("merchant_id", "product", "period").aggregate(
        fen=sold.fen.sum(), commission=sold.commission.sum()
    )


def product_sums(sales: ir.Table) -> ir.Table:
    """Per (merchant, period): SKUs sold, top-5 GMV, hero SKUs, rising SKUs, new-product GMV.

    A product is *new* in a period when it sold nothing in the history before the period
    (the previous window and the 90 days before it, as far as the pass reads); *rising* when
    its GMV at least doubled against the previous window and is at least 1 % of the GMV
    (current window only)."""
    s = sales.filter(sales.product.notnull())
    per = s.group_by("merchant_id", "product").aggregate(
        cur=_sum_if(s.fen, s.period == "cur"),
        prev=_sum_if(s.fen, s.period == "prev"),
        hist=_sum_if(s.fen, s.period == "hist"),
    )
    totals = per.group_by(_m=per.merchant_id).aggregate(
        total_cur=per.cur.sum(), total_prev=per.prev.sum()
    )
    per = per.inner_join(totals, per.merchant_id == totals._m)
    parts = []
    for period in PERIODS:
        value, total = per[period], per["total_" + period]
        w = ibis.window(group_by=per.merchant_id, order_by=[value.desc(), per.product])
        ranked = per.filter(value > 0).mutate(_rank=ibis.row_number().over(w))
        value, total = ranked[period], ranked["total_" + period]
        before = (ranked.hist + ranked.prev) if period == "cur" else ranked.hist
        rising = (ranked.prev * 2 <= value) & (value * 100 >= total)
        parts.append(
            ranked.group_by("merchant_id")
            .aggregate(
                skus_sold=ranked.count(),
                top5_fen=_sum_if(value, ranked._rank < 5),
                hero_skus=_count_if(value * 10 >= total),
                rising_skus=_count_if(rising),
                new_product_fen=_sum_if(value, before == 0),
            )
            .mutate(period=ibis.literal(period))
        )
        if period == "prev":
            parts[-1] = parts[-1].mutate(rising_skus=ibis.null("int64"))
    return ibis.union(*parts)


def listed_products(engine: Engine, sales: ir.Table, merchants: Sequence[str] | None) -> ir.Table:
    """Per (merchant, period): listed products and those of them with no sale in the period."""
    products = _narrow(engine.table("products"), merchants)
    listed = products.select("merchant_id", product=products.product_id).distinct()
    parts = []
    for period in PERIODS:
        sold = sales.filter(sales.period == period)
        sold = sold.select(_m=sold.merchant_id, _p=sold.product).distinct()
        j = listed.left_join(sold, (listed.merchant_id == sold._m) & (listed.product == sold._p))
        parts.append(
            j.group_by("merchant_id")
            .aggregate(listed=j.count(), dead=_count_if(j._p.isnull()))
            .mutate(period=ibis.literal(period))
        )
    return ibis.union(*parts)


def refund_sums(
    engine: Engine, span: Span, merchants: Sequence[str] | None, scope: Scope | None = None
) -> ir.Table:
    """Per (merchant, period of the refund's date): refunded amount, quality refunds, refunds
    with a known reason (`scope`: the refunds of one merchant's orders, already read)."""
    r = engine.table("refunds") if scope is None else scope.refunds
    r = r.filter((r.refunded_at >= span.prev_start) & (r.refunded_at < span.end))
    if scope is None:
        o = _narrow(engine.table("orders"), merchants)
        owners = o.select(_order=o.order_id, merchant_id=o.merchant_id)
        j = r.inner_join(owners, r.order_id == owners._order)
    else:
        j = r.mutate(merchant_id=ibis.literal(scope.merchant_id, "string"))
    j = j.mutate(period=_period(j.refunded_at, span))
    return j.group_by("merchant_id", "period").aggregate(
        refund_fen=j.amount_fen.sum(),
        quality_refund_fen=_sum_if(j.amount_fen, j.reason.isin(QUALITY_REASONS)),
        refunds=j.count(),
        refunds_with_reason=_count_if(j.reason.notnull()),
    )


def ad_sums(engine: Engine, span: Span, merchants: Sequence[str] | None) -> ir.Table:
    """Per (merchant, period): ad spend."""
    a = _narrow(engine.table("ad_spend"), merchants)
    a = a.filter(a.merchant_id.notnull() & (a.ts >= span.prev_start) & (a.ts < span.end))
    a = a.mutate(period=_period(a.ts, span))
    return a.group_by("merchant_id", "period").aggregate(ad_spend_fen=a.amount_fen.sum())


def talent_commission(sales: ir.Table) -> ir.Table:
    """Per (merchant, period): talent commission on the lines sold."""
    s = sales.filter(sales.period != "hist")
    return s.group_by("merchant_id", "period").aggregate(
        talent_commission_fen=s.commission.sum().coalesce(0)
    )


def live_sums(engine: Engine, span: Span, merchants: Sequence[str] | None) -> ir.Table:
    """Per (merchant, period of the event): sessions, live hours and days, impressions,
    entries by class, viewers, visit time, follows, and buyers who entered as followers."""
    sessions = _narrow(engine.table("live_sessions"), merchants)
    own = sessions.filter(sessions.merchant_id.notnull())
    own = own.select(_s=own.session_id, merchant_id=own.merchant_id).distinct()
    ev = engine.table("live_events")
    ev = ev.filter((ev.ts >= span.prev_start) & (ev.ts < span.end))
    ev = ev.inner_join(own, ev.session_id == own._s)
    ev = ev.mutate(period=_period(ev.ts, span))
    kind = ev.type
    rel = ev.ts - span.prev_start  # small numbers: sums of instants stay far from overflow
    keys = ("merchant_id", "period", "session_id")
    spans = ev.group_by(*keys).aggregate(
        first=ev.ts.min(),
        last=ev.ts.max(),
        last_rel=rel.max(),
        impressions=_count_if(kind == "impression"),
        follows=_count_if(kind == "follow"),
    )
    # Entries and leaves are a small part of the events: aggregate them on their own.
    el = ev.filter(kind.isin(["enter", "leave"]))
    el_rel = el.ts - span.prev_start
    enter = el.type == "enter"
    klass = source_class(el.source, SOURCE_CLASSES)
    visits = el.group_by(_m=el.merchant_id, _p=el.period, _s=el.session_id).aggregate(
        enters=_count_if(enter),
        leaves=_count_if(~enter),
        enter_rel=_sum_if(el_rel, enter),
        leave_rel=_sum_if(el_rel, ~enter),
        natural=_count_if(enter & (klass == "natural")),
        private=_count_if(enter & (klass == "private")),
        paid=_count_if(enter & (klass == "paid")),
        viewers=el.user_id.nunique(where=enter),
    )
    j0 = spans.left_join(
        visits,
        (spans.merchant_id == visits._m)
        & (spans.period == visits._p)
        & (spans.session_id == visits._s),
    )
    counts = ("enters", "leaves", "enter_rel", "leave_rel", "natural", "private", "paid", "viewers")
    per_session = j0.select(*spans.columns, **{c: j0[c].coalesce(0) for c in counts})
    ps = per_session
    # A visit runs from an enter to the viewer's leave, or to the session's last event: the
    # visit time is Σ leave − Σ enter + (enters − leaves) × last, with no pairing needed.
    visit = ps.leave_rel - ps.enter_rel + (ps.enters - ps.leaves) * ps.last_rel
    day = ((ps.first + SHANGHAI_OFFSET_MS) / MS_PER_DAY).floor()
    base = ps.group_by("merchant_id", "period").aggregate(
        sessions=ps.count(),
        live_ms=(ps.last - ps.first).sum(),
        live_days=day.nunique(),
        impressions=ps.impressions.sum(),
        enters=ps.enters.sum(),
        natural=ps.natural.sum(),
        private=ps.private.sum(),
        paid=ps.paid.sum(),
        viewers=ps.viewers.sum(),
        follows=ps.follows.sum(),
        visit_ms=ibis.greatest(visit, 0).sum(),
    )
    buyers = _follower_buyers(ev)
    j = base.left_join(buyers, (base.merchant_id == buyers._m) & (base.period == buyers._p))
    return j.select(*base.columns, "live_buyers", "follower_buyers")


def _follower_buyers(ev: ir.Table) -> ir.Table:
    """Per (merchant, period): paying viewers, and those of them who entered as followers."""
    paying = ev.filter((ev.type == "order_paid") & ev.user_id.notnull())
    paying = paying.select("merchant_id", "period", "session_id", "user_id").distinct()
    fans = ev.filter((ev.type == "enter") & ev.is_follower.coalesce(False))
    fans = fans.select(_s=fans.session_id, _u=fans.user_id).distinct()
    j = paying.left_join(fans, (paying.session_id == fans._s) & (paying.user_id == fans._u))
    per = j.group_by("merchant_id", "period", "user_id").aggregate(follower=j._u.notnull().any())
    return per.group_by(_m=per.merchant_id, _p=per.period).aggregate(
        live_buyers=per.count(),
        follower_buyers=_count_if(per.follower),
    )


def presence(engine: Engine, merchants: Sequence[str] | None) -> ir.Table:
    """Per merchant: whether the store holds live sessions, ad spend, products, shipping
    times."""
    listed = _narrow(engine.table("merchants"), merchants).select("merchant_id", "category")
    o = _narrow(engine.table("orders"), merchants)
    sellers = o.filter(o.merchant_id.notnull()).select("merchant_id").distinct()
    sellers = sellers.filter(~sellers.merchant_id.isin(listed.merchant_id))
    m = ibis.union(listed, sellers.mutate(category=ibis.null("string")))
    sessions = engine.table("live_sessions")
    live = (
        sessions.filter(sessions.merchant_id.notnull()).select(_l=sessions.merchant_id).distinct()
    )
    ads = engine.table("ad_spend")
    ads = ads.filter(ads.merchant_id.notnull()).select(_a=ads.merchant_id).distinct()
    products = engine.table("products").select(_pr=ibis._.merchant_id).distinct()
    j = m.left_join(live, m.merchant_id == live._l).select("merchant_id", "category", "_l")
    j = j.left_join(ads, j.merchant_id == ads._a).select("merchant_id", "category", "_l", "_a")
    j = j.left_join(products, j.merchant_id == products._pr)
    return j.select(
        "merchant_id",
        "category",
        has_live=j._l.notnull(),
        has_ads=j._a.notnull(),
        has_products=j._pr.notnull(),
    )


def _fetch(expr: ir.Table) -> list[Row]:
    return list(expr.to_pyarrow().to_pylist())


def sums(
    engine: Engine,
    span: Span,
    merchants: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    scope: Scope | None = None,
) -> dict[str, Any]:
    """Every raw sum the indicators need, for every merchant (or the ones named; `scope`, when
    given, holds the paid orders, sales and refunds of the one merchant named).

    Returns `{"merchants": [{merchant_id, category, has_live, …}], "rows": {(merchant, period):
    {sum: value}}}`; a merchant with no row for a part has no data of that kind in the period.
    """
    rows: dict[tuple[str, str], Row] = {}
    refunds = engine.table("refunds")
    # The product sales are read by three parts: computed once, then released. The paid
    # orders are not materialised for the pass: at 20 M orders writing them out cost more
    # than the four parts reading `orders` again (docs/performance.md, issue 7).
    with ExitStack() as stack:
        if scope is None:
            orders = paid_orders(engine, span, merchants)
            sales = stack.enter_context(product_sales(engine, orders).cache())
            if merchants is not None:  # only their refunds: no pass over every order's
                refunds = refunds.semi_join(orders, refunds.order_id == orders.order_id)
        else:  # the merchant's refunds, already read
            orders, sales, refunds = scope.orders, sold_products(scope.sold), scope.refunds
        parts = (
            order_sums(orders, refunds, span),
            top_talent(orders),
            buyer_sums(orders, span),
            product_sums(sales),
            listed_products(engine, sales, merchants),
            refund_sums(engine, span, merchants, scope),
            ad_sums(engine, span, merchants),
            talent_commission(sales),
            live_sums(engine, span, merchants),
        )
        for done, part in enumerate(parts, 1):
            for row in _fetch(part):
                key = (str(row.pop("merchant_id")), str(row.pop("period")))
                rows.setdefault(key, {}).update(row)
            if progress is not None:
                progress(done, len(parts) + 1)
        known = _fetch(presence(engine, merchants))
    if progress is not None:
        progress(len(parts) + 1, len(parts) + 1)
    return {"merchants": known, "rows": rows}
