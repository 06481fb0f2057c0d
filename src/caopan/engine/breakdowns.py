"""What a snapshot carries besides the 42 numbers: per-minute series, products, sources, markers.

All four cover the session range `[start, as_of]` (the screen's trend, leaderboard and traffic
panels show the whole session whatever window the metrics use).

* **Series**: clock minutes `[m, m + 1 min)` from the minute holding `start` to the one holding
  `as_of`, every minute present. `online_now` is `online` at the minute's last millisecond (the
  last minute: at `as_of`); the others are the metric over that minute alone.
* **Products**: per `product_id` seen in any event; orders and refunds belong to the product of
  the order's standing payment, unpaid orders to the product of their `order_created`.
* **Sources**: per source code as given; GMV goes to the source of the buyer's entry (rule 8);
  orders with no entry go to no source.
* **Markers**: `marker` events and explanation (讲解) intervals, by `(ts, event_id)`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from caopan.domain.catalog import fen_per, ratio
from caopan.domain.events import SOURCE_NAMES
from caopan.domain.events import source_class as class_of
from caopan.engine import orders, visits
from caopan.engine.scope import MINUTE_MS, Scope, sparse_events

Record = dict[str, Any]

SERIES_KEYS = (
    "online_now",
    "watch_pv",
    "pay_gmv_fen",
    "pay_orders",
    "product_click_uv",
    "comment_pv",
    "new_followers",
    "ad_cost_fen",
    "gpm_fen",
)
PRODUCT_COUNTS = (
    "impression_pv",
    "impression_uv",
    "click_pv",
    "click_uv",
    "paid_orders",
    "pay_items",
    "pay_gmv_fen",
    "pay_uv",
    "unpaid_orders",
    "refund_fen",
)


def _zero() -> ir.IntegerScalar:
    return ibis.literal(0, "int64")


def _stack(parts: Sequence[ir.Table], key: str, columns: Sequence[str]) -> ir.Table:
    """Union parts that each fill some of `columns` (the rest 0) and sum them per session and
    `key`."""
    keys = ["session_id", key]
    filled = [
        p.select(*keys, **{c: (p[c] if c in p.columns else _zero()) for c in columns})
        for p in parts
    ]
    stacked = filled[0].union(*filled[1:], distinct=False)
    return stacked.group_by(keys).aggregate(**{c: stacked[c].sum() for c in columns})


# -- series ----------------------------------------------------------------------------------


def _origin(scope: Scope) -> int:
    return scope.start - scope.start % MINUTE_MS


def _minute(ts: ir.IntegerValue) -> ir.IntegerValue:
    """The start of the clock minute holding `ts` (integer arithmetic; `ts >= 0` by the event
    contract, so these are the minutes counted from `_origin`)."""
    return ts - ts % MINUTE_MS


def series_of(ev: ir.Table) -> ir.Table:
    """Per session and minute that has any data: the additive series and `online_step` (its
    net change)."""
    sparse = sparse_events(ev)
    kinds = ["enter", "comment", "product_click", "follow", "ad_spend"]
    t = sparse.filter(sparse.type.isin(kinds))
    t = t.mutate(minute=_minute(t.ts))
    counts = t.group_by(["session_id", "minute"]).aggregate(
        watch_pv=t.event_id.count(where=t.type == "enter"),
        comment_pv=t.event_id.count(where=t.type == "comment"),
        product_click_uv=t.user_id.nunique(where=t.type == "product_click"),
        new_followers=t.user_id.nunique(where=t.type == "follow"),
        ad_cost_fen=t.amount_fen.sum(where=t.type == "ad_spend").coalesce(0),
    )
    p = orders.payments(sparse)
    p = p.mutate(minute=_minute(p.pay_ts))
    pays = p.group_by(["session_id", "minute"]).aggregate(
        pay_orders=p.order_id.count(), pay_gmv_fen=p.amount_fen.sum()
    )
    steps = visits.step_events(visits.visits(sparse))  # no running sum: each minute's net
    steps = steps.mutate(minute=_minute(steps.t))
    online = steps.group_by(["session_id", "minute"]).aggregate(online_step=steps.step.sum())
    columns = [k for k in SERIES_KEYS if k not in ("online_now", "gpm_fen")] + ["online_step"]
    return _stack([counts, pays, online], "minute", columns)


def series_from(rows: Sequence[Record], scope: Scope) -> Record:
    """`series` from the session's rows of `series_of`: a minute without a row is all 0 (its
    GPM null, as no one entered), and `online_now` adds up each minute's `online_step`.

    The minutes run to `as_of`, which may be days after the broadcast (a late refund), so the
    lists are made whole at once and only the minutes with rows are filled in.
    """
    first, last = _origin(scope), scope.as_of - scope.as_of % MINUTE_MS
    minutes = list(range(first, last + 1, MINUTE_MS))
    filled = [k for k in SERIES_KEYS if k not in ("online_now", "gpm_fen")]
    out: Record = {"minute": minutes, **{k: [0] * len(minutes) for k in filled}}
    steps = [0] * len(minutes)
    gpm: list[int | None] = [None] * len(minutes)
    for row in rows:
        at = (row["minute"] - first) // MINUTE_MS
        if not 0 <= at < len(minutes):
            continue  # none by construction: every event lies in [start, as_of]
        for key in filled:
            out[key][at] = row.get(key) or 0
        steps[at] = row.get("online_step") or 0
        gpm[at] = fen_per(1000 * (row.get("pay_gmv_fen") or 0), row.get("watch_pv") or 0)
    out["online_now"] = list(itertools.accumulate(steps))
    out["gpm_fen"] = gpm
    return {key: out[key] for key in ("minute", *SERIES_KEYS)}


# -- products --------------------------------------------------------------------------------


def products_of(ev: ir.Table) -> ir.Table:
    """One row per session and product with the `PRODUCT_COUNTS` of the session range."""
    # One read of the store for every event that names a product (the contract requires
    # `product_id` on product impressions and clicks), shared by the goods and the list.
    named = ev.filter(ev.product_id.notnull()).select("session_id", "type", "user_id", "product_id")
    named = named.alias("product_events")
    goods = named.filter(named.type.isin(["product_impression", "product_click"]))
    seen = goods.group_by(["session_id", "product_id"]).aggregate(
        impression_pv=goods.count(where=goods.type == "product_impression"),
        impression_uv=goods.user_id.nunique(where=goods.type == "product_impression"),
        click_pv=goods.count(where=goods.type == "product_click"),
        click_uv=goods.user_id.nunique(where=goods.type == "product_click"),
    )
    sparse = sparse_events(ev)
    standing = orders.payments(sparse)
    paid = standing.group_by(["session_id", "product_id"]).aggregate(
        paid_orders=standing.order_id.count(),
        pay_items=standing.quantity.sum(),
        pay_gmv_fen=standing.amount_fen.sum(),
        pay_uv=standing.buyer.nunique(),
    )
    created = orders.created_orders(sparse, standing)
    unpaid = created.group_by(["session_id", "product_id"]).aggregate(
        unpaid_orders=created.order_id.nunique(where=~created.is_paid)
    )
    refunds = orders.counted_refunds(sparse, standing)
    refunds = refunds.filter(refunds.product_id.notnull())
    refunded = refunds.group_by(["session_id", "product_id"]).aggregate(
        refund_fen=refunds.counted.sum()
    )
    listed = named.select("session_id", "product_id").distinct()
    return _stack([listed, seen, paid, unpaid, refunded], "product_id", PRODUCT_COUNTS)


def explanations_of(ev: ir.Table) -> ir.Table:
    """Explanation intervals: `session_id`, `product_id`, `event_id`, `a`, `e` (null while
    explaining)."""
    line = visits.timeline(sparse_events(ev), "product_id", "explain_start", "explain_end")
    spans = visits.intervals(line, "product_id", "explain_start")
    return spans.select("session_id", "product_id", "event_id", "a", "e")


def products_from(rows: Sequence[Record], explains: Sequence[Record]) -> list[Record]:
    """`products` from the session's rows of `products_of`."""
    out = []
    for row in sorted(rows, key=lambda r: (-(r["pay_gmv_fen"] or 0), r["product_id"])):
        counts = {key: row[key] or 0 for key in PRODUCT_COUNTS}
        mine = [x for x in explains if x["product_id"] == row["product_id"]]
        out.append(
            {
                "product_id": row["product_id"],
                **counts,
                "click_to_pay_rate": ratio(counts["pay_uv"], counts["click_uv"]),
                "explaining": any(x["e"] is None for x in mine),
                "explains": [{"start": x["a"], "end": x["e"]} for x in mine],
            }
        )
    return out


# -- sources and markers ---------------------------------------------------------------------


def sources_of(ev: ir.Table) -> ir.Table:
    """Per session and source code: `enter_pv`, `enter_uv`, and `pay_gmv_fen`, `pay_orders`
    by entry."""
    sparse = sparse_events(ev)
    enters = sparse.filter(sparse.type == "enter")
    entered = enters.group_by(["session_id", "source"]).aggregate(
        enter_pv=enters.event_id.count(), enter_uv=enters.user_id.nunique()
    )
    pays = orders.attributed(orders.payments(sparse), sparse)
    pays = pays.filter(pays.entry_source.notnull())
    bought = pays.group_by(["session_id", pays.entry_source.name("source")]).aggregate(
        pay_gmv_fen=pays.amount_fen.sum(), pay_orders=pays.order_id.count()
    )
    columns = ("enter_pv", "enter_uv", "pay_gmv_fen", "pay_orders")
    return _stack([entered, bought], "source", columns)


def sources_from(rows: Sequence[Record]) -> list[Record]:
    """`sources` from the session's rows of `sources_of`."""
    out = []
    for row in sorted(rows, key=lambda r: (-(r["enter_pv"] or 0), r["source"])):
        enter_pv, gmv = row["enter_pv"] or 0, row["pay_gmv_fen"] or 0
        out.append(
            {
                "source": row["source"],
                "class": class_of(row["source"]),
                "zh": SOURCE_NAMES.get(row["source"]),
                "enter_pv": enter_pv,
                "enter_uv": row["enter_uv"] or 0,
                "pay_orders": row["pay_orders"] or 0,
                "pay_gmv_fen": gmv,
                "gpm_fen": fen_per(1000 * gmv, enter_pv),
            }
        )
    return out


def marker_events_of(ev: ir.Table) -> ir.Table:
    marks = ev.filter(ev.type == "marker")
    return marks.select("session_id", "ts", "event_id", "kind", "product_id", "text")


def markers_from(rows: Sequence[Record], explains: Sequence[Record]) -> list[Record]:
    """`markers` from the session's rows of `marker_events_of` and its explanations."""
    marks = [{**m, "end": m["ts"]} for m in rows]
    spans = [
        {
            "ts": x["a"],
            "event_id": x["event_id"],
            "kind": "explain",
            "product_id": x["product_id"],
            "text": None,
            "end": x["e"],
        }
        for x in explains
    ]
    keys = ("ts", "end", "kind", "product_id", "text", "event_id")
    both = sorted(marks + spans, key=lambda m: (m["ts"], m["event_id"]))
    return [{k: m[k] for k in keys} for m in both]


PARTS = {
    "series": series_of,
    "products": products_of,
    "sources": sources_of,
    "explanations": explanations_of,
    "markers": marker_events_of,
}
"""The breakdowns of a review, by name, each built from `session_events` or
`sessions_events`."""


def lists_of(ev: ir.Table) -> list[ir.Table]:
    """Each breakdown of `PARTS` as a table of one row per session that has rows in it, with
    those rows as a list of records in a column named after the breakdown (no order)."""
    out = []
    for name, build in PARTS.items():
        t = build(ev)
        record = ibis.struct({c: t[c] for c in t.columns if c != "session_id"})
        out.append(t.group_by("session_id").aggregate(**{name: record.collect()}))
    return out


def sorted_explanations(rows: Sequence[Record]) -> list[Record]:
    return sorted(rows, key=lambda r: (r["a"], r["event_id"]))
