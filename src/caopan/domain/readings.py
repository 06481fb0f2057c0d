"""From raw sums to indicator readings: value, previous, change, peer percentile.

Pure arithmetic over the sums `caopan.engine.indicators` returns. A missing input (no live
data, no ad spend, no product list, no shipping times, no channels) gives `None` — said as
`unknown` — for the indicators that need it; so does a zero denominator.

>>> ratio(3, 4), ratio(1, 0), ratio(None, 4)
(0.75, None, None)
>>> peer_percentile(5.0, [1.0, 2.0, 5.0, 9.0, 3.0, 5.0])
0.7
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from caopan.domain.indicators import BY_ID, INDICATORS, Indicator

MIN_PEERS: Final = 5
"""With fewer peers than this, no percentile is given (the report says so)."""

Number = int | float


@dataclass(frozen=True, slots=True)
class Reading:
    """One indicator of one merchant."""

    value: Number | None
    previous: Number | None
    percentile: float | None = None
    peers: int = 0

    @property
    def change(self) -> float | None:
        """Relative change from the previous window (None when it cannot be said)."""
        if self.value is None or self.previous is None or self.previous == 0:
            return None
        return (self.value - self.previous) / abs(self.previous)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "previous": self.previous,
            "change": None if self.change is None else round(self.change, 6),
            "percentile": self.percentile,
            "peers": self.peers,
        }


def ratio(numerator: Number | None, denominator: Number | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _int(row: Mapping[str, Any], key: str) -> int:
    value = row.get(key)
    return int(value) if value is not None else 0


def values_of(
    row: Mapping[str, Any], presence: Mapping[str, Any], window_days: int
) -> dict[str, Number | None]:
    """One period's indicator values from its sums; `presence` says which inputs exist."""
    g = _int(row, "gmv_fen")
    orders = _int(row, "orders")
    buyers = _int(row, "buyers")
    returning = _int(row, "returning_buyers")
    refund = _int(row, "refund_fen")
    live = bool(presence.get("has_live"))
    ads = live or bool(presence.get("has_ads"))
    products = bool(presence.get("has_products"))
    shipping = _int(row, "with_shipping") > 0 or presence.get("has_shipping", False)
    channel = _int(row, "with_channel") > 0
    reasons = _int(row, "refunds") == 0 or _int(row, "refunds_with_reason") > 0
    spend = _int(row, "ad_spend_fen")
    live_hours = _int(row, "live_ms") / 3_600_000
    enters = _int(row, "enters")
    distribution = _int(row, "distribution_fen")
    v: dict[str, Number | None] = {
        "gmv_fen": g,
        "orders": orders,
        "skus_sold": _int(row, "skus_sold"),
        "top5_sku_share": ratio(_int(row, "top5_fen"), g),
        "hero_skus": _int(row, "hero_skus"),
        "rising_skus": row.get("rising_skus"),
        "dead_sku_share": ratio(_int(row, "dead"), _int(row, "listed")) if products else None,
        "new_product_share": ratio(_int(row, "new_product_fen"), g),
        "quality_refund_rate": ratio(_int(row, "quality_refund_fen"), g) if reasons else None,
        "sessions": _int(row, "sessions"),
        "live_hours": round(live_hours, 3),
        "live_days": _int(row, "live_days"),
        "gpm_fen": _gpm(_int(row, "own_room_fen"), enters),
        "enter_rate": ratio(enters, _int(row, "impressions")),
        "avg_watch_seconds": _seconds(ratio(_int(row, "visit_ms"), _int(row, "viewers"))),
        "natural_traffic_share": ratio(_int(row, "natural"), enters),
        "private_traffic_share": ratio(_int(row, "private"), enters),
        "paid_traffic_share": ratio(_int(row, "paid"), enters),
        "new_followers_per_hour": ratio(_int(row, "follows"), live_hours),
        "ad_spend_fen": spend,
        "room_roi": ratio(_int(row, "own_room_fen"), spend),
        "shop_roi": ratio(g, spend),
        "roi_after_fees": ratio(g - refund - _int(row, "talent_commission_fen"), spend),
        "buyers": buyers,
        "new_buyers": buyers - returning,
        "returning_buyers": returning,
        "repurchase_rate": ratio(returning, buyers),
        "new_buyer_share": ratio(buyers - returning, buyers),
        "follower_buyer_share": ratio(_int(row, "follower_buyers"), _int(row, "live_buyers")),
        "avg_order_value_fen": round(g / orders) if orders else None,
        "orders_per_buyer": ratio(orders, buyers),
        "refund_rate": ratio(refund, g),
        "refund_order_rate": ratio(_int(row, "refunded_orders"), orders),
        "ship_48h_rate": ratio(_int(row, "ship_48h"), _int(row, "ship_due")),
        "avg_ship_hours": ratio(row.get("ship_hours_sum") or 0.0, _int(row, "with_shipping")),
        "self_broadcast_share": ratio(_int(row, "self_fen"), g),
        "distribution_share": ratio(distribution, g),
        "shelf_share": ratio(_int(row, "shelf_fen"), g),
        "talents": _int(row, "talents"),
        "top_talent_share": ratio(_int(row, "top_talent_fen"), distribution),
    }
    known = {
        "orders": True,
        "live": live,
        "ads": ads,
        "products": products,
        "shipping": shipping,
        "channel": channel,
        "reasons": reasons,
    }
    for ind in INDICATORS:
        if not known[ind.needs]:
            v[ind.id] = None
    del window_days
    return v


def _gpm(gmv: int, views: int) -> int | None:
    return round(gmv * 1000 / views) if views else None


def _seconds(ms: float | None) -> float | None:
    return None if ms is None else round(ms / 1000, 1)


def peer_percentile(value: Number | None, peers: Sequence[Number | None]) -> float | None:
    """Share of the other peers' values below `value` (ties count half); `peers` holds the
    merchant's own value once, which is left out. None with fewer than `MIN_PEERS` others or
    an unknown value."""
    return _percentile(value, sorted(p for p in peers if p is not None))


def _percentile(value: Number | None, ordered: Sequence[Number]) -> float | None:
    if value is None or len(ordered) - 1 < MIN_PEERS:
        return None
    below = bisect_left(ordered, value)
    same = bisect_right(ordered, value) - below - 1
    return round((below + same / 2) / (len(ordered) - 1), 4)


def with_percentiles(
    values: Mapping[str, tuple[dict[str, Number | None], dict[str, Number | None]]],
    groups: Mapping[str, str],
) -> dict[str, dict[str, Reading]]:
    """Readings for every merchant: `values` maps merchant → (current, previous) values;
    `groups` maps merchant → its peer group (category and stage)."""
    members: dict[str, list[str]] = {}
    for merchant in values:
        members.setdefault(groups.get(merchant, merchant), []).append(merchant)
    columns: dict[tuple[str, str], list[Number]] = {}
    for group, names in members.items():
        for ind in INDICATORS:
            known = (values[m][0][ind.id] for m in names)
            columns[group, ind.id] = sorted(v for v in known if v is not None)
    out: dict[str, dict[str, Reading]] = {}
    for merchant, (cur, prev) in values.items():
        group = groups.get(merchant, merchant)
        readings = {}
        for ind in INDICATORS:
            column = columns[group, ind.id]
            value = cur[ind.id]
            others = len(column) - (value is not None)
            readings[ind.id] = Reading(value, prev.get(ind.id), _percentile(value, column), others)
        out[merchant] = readings
    return out


def indicator(indicator_id: str) -> Indicator:
    return BY_ID[indicator_id]
