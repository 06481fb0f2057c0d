"""Orders (rule 6) and attribution (rule 8), as Ibis expressions over one or many sessions
(orders, buyers and their entries are matched within a session).

* The payment that stands for an order is its earliest `order_paid` by `(ts, event_id)`;
  later ones are repeats.
* A buyer's *entry* for an order is the buyer's latest `enter` with `ts` at or before the
  standing payment's `ts` (ties by `event_id`, the greater being the later).
* Refunds of an order are taken in `(ts, event_id)` order; each counts at most what remains of
  the paid amount, so the running counted total is `min(paid, running refunded total)`. A
  refund on an order with no payment as of `as_of` counts 0.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from caopan.engine.scope import partition
from caopan.engine.sources import source_class


def ranked_payments(events: ir.Table) -> ir.Table:
    """Every `order_paid` event with `rank` 0 for the payment that stands, 1, 2, … repeats."""
    paid = events.filter((events.type == "order_paid") & events.order_id.notnull())
    w = ibis.window(group_by=partition(paid, "order_id"), order_by=[paid.ts, paid.event_id])
    return paid.mutate(rank=ibis.row_number().over(w))


def payments(events: ir.Table) -> ir.Table:
    """The standing payment of each order: `session_id`, `order_id`, `pay_ts`, `pay_id`, `buyer`,
    `amount_fen`, `quantity`, `product_id`."""
    ranked = ranked_payments(events)
    first = ranked.filter(ranked["rank"] == 0)
    return first.select(
        "session_id",
        "order_id",
        "amount_fen",
        "quantity",
        "product_id",
        pay_ts=first.ts,
        pay_id=first.event_id,
        buyer=first.user_id,
    )


def attributed(pays: ir.Table, events: ir.Table) -> ir.Table:
    """`payments` with the buyer's entry: `entry_source`, `entry_class`, `entry_follower`
    (null `entry_source` when the buyer has no entry)."""
    enters = events.filter(events.type == "enter")
    entries = enters.select(
        _session=enters.session_id,
        _user=enters.user_id,
        _ts=enters.ts,
        _id=enters.event_id,
        entry_source=enters.source,
        entry_follower=enters.is_follower.coalesce(False),
    )
    on = [pays.session_id == entries._session, pays.buyer == entries._user]
    joined = pays.left_join(entries, [*on, entries._ts <= pays.pay_ts]).select(
        *pays.columns, "_ts", "_id", "entry_source", "entry_follower"
    )
    latest = ibis.window(
        group_by=partition(joined, "order_id"),
        order_by=[joined._ts.desc(), joined._id.desc()],
    )
    ranked = joined.mutate(_pick=ibis.row_number().over(latest))
    picked = ranked.filter(ranked._pick == 0)
    return picked.select(
        *pays.columns,
        "entry_source",
        entry_class=source_class(picked.entry_source),
        entry_follower=picked.entry_follower.coalesce(False),
    )


def counted_refunds(events: ir.Table, pays: ir.Table) -> ir.Table:
    """Every `refund` with `counted` (after the cap; 0 for an order not paid as of `as_of`),
    its `amount_fen` as given, and the `product_id` of the order's standing payment."""
    refunds = events.filter((events.type == "refund") & events.order_id.notnull())
    paid = pays.select(
        _session=pays.session_id,
        _order=pays.order_id,
        _paid=pays.amount_fen,
        _product=pays.product_id,
    )
    on = [refunds.session_id == paid._session, refunds.order_id == paid._order]
    joined = refunds.left_join(paid, on).select(
        "session_id", "order_id", "event_id", "ts", "amount_fen", "_paid", "_product"
    )
    running = ibis.window(
        group_by=partition(joined, "order_id"),
        order_by=[joined.ts, joined.event_id],
        preceding=None,
        following=0,
    )
    total = joined.amount_fen.sum().over(running)
    with_total = joined.mutate(_total=total)
    cap = with_total._paid
    counted = ibis.least(cap, with_total._total) - ibis.least(
        cap, with_total._total - with_total.amount_fen
    )
    return with_total.select(
        "session_id",
        "order_id",
        "event_id",
        "ts",
        "amount_fen",
        product_id=with_total._product,
        counted=ibis.cases((cap.isnull(), ibis.literal(0, "int64")), else_=counted),
    )


def created_orders(events: ir.Table, pays: ir.Table) -> ir.Table:
    """Every `order_created` event with `is_paid`: its order has a payment as of `as_of`."""
    created = events.filter((events.type == "order_created") & events.order_id.notnull())
    paid = pays.select(_session=pays.session_id, _order=pays.order_id)
    on = [created.session_id == paid._session, created.order_id == paid._order]
    joined = created.left_join(paid, on)
    return joined.select(
        "session_id",
        "order_id",
        "ts",
        "product_id",
        "event_id",
        is_paid=joined._order.notnull(),
    )
