"""A live session's review as of its latest event, in the same JSON as the batch review.

`snapshot(live, window)` gives exactly what `caopan.engine.review.review` gives for the same
events with `as_of` at the latest `ts`: the 42 metrics of the session range or of a window
with the previous window, the per-minute series, products, sources and markers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from caopan.domain.catalog import MEASURE_KEYS, fen_per, metrics_from_measures, ratio
from caopan.domain.clock import MS_PER_MINUTE
from caopan.domain.errors import InvalidInput, NotFound
from caopan.domain.events import SOURCE_NAMES, source_class
from caopan.stream.columns import distinct
from caopan.stream.keyed import distinct_by, sum_by
from caopan.stream.session import LiveSession
from caopan.stream.tally import USER_GROUPS
from caopan.stream.timeline import NONE, Visits
from caopan.stream.trades import Orders

LONG_VISIT_MS = 60_000
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


class View:
    """The derived state of a live session as of its latest event (visits, orders)."""

    def __init__(self, live: LiveSession) -> None:
        if live.start is None or live.last is None:
            raise NotFound(f"session {live.session_id!r} has no events")
        self.live = live
        self.start, self.as_of, self.end = live.start, live.last, live.end
        self.visits = Visits(live.timeline, self.end, self.as_of)
        self.n_users, self.n_orders = len(live.users), len(live.orders)
        self.orders = Orders(live.trades, self.visits, live.timeline, live.classes(), self.n_orders)

    def elapsed_ms(self, lo: int, hi: int) -> int:
        stop = hi if self.end is None else min(hi, self.end)
        return max(0, stop - max(lo, self.start))

    def measures(self, lo: int, hi: int) -> dict[str, int | None]:
        """Every measure of the range `(lo, hi]`."""
        tally = self.live.minutes.over(lo, hi, self.n_users)
        whole = lo < self.start and hi >= self.as_of
        m: dict[str, int | None] = {
            "impression_pv": tally.count("impression"),
            "enter_pv": tally.count("enter"),
            "comment_pv": tally.count("comment"),
            "negative_pv": tally.count("negative_feedback"),
            "ad_cost_fen": tally.ad_cost_fen,
            "enter_pv_natural": int(tally.classes[0]),
            "enter_pv_private": int(tally.classes[1]),
            "enter_pv_paid": int(tally.classes[2]),
        }
        for group in USER_GROUPS:
            m[group] = self.live.seen[group].count if whole else tally.users_of(group)
        m.update(self._visit_measures(lo, hi))
        m.update(self.orders.measures(lo, hi, self.n_users, self.n_orders))
        m["elapsed_ms"] = self.elapsed_ms(lo, hi)
        return {key: m[key] for key in MEASURE_KEYS}

    def _visit_measures(self, lo: int, hi: int) -> dict[str, int]:
        v = self.visits
        overlap = np.maximum(np.minimum(v.stop, hi) - np.maximum(v.a, lo), 0)
        starts_in = (v.a > lo) & (v.a <= hi)
        return {
            "watch_ms": int(overlap.sum()),
            "present_uv": distinct([v.user[starts_in | (overlap > 0)]], self.n_users),
            "long_visits": int((starts_in & (v.stop - v.a > LONG_VISIT_MS)).sum()),
            "peak_online": v.peak(lo, hi),
            "online_at_end": v.online(hi),
        }


def view_of(live: LiveSession) -> View:
    """The session's `View`, kept until the next update."""
    view = live.cache.get("view")
    if view is None:
        view = live.cache["view"] = View(live)
    assert isinstance(view, View)
    return view


def check_window(window: int | None) -> None:
    if window is None:
        return
    if isinstance(window, bool) or not isinstance(window, int) or window <= 0:
        raise InvalidInput(f"window must be a whole number of minutes > 0, not {window!r}")


def snapshot(
    live: LiveSession,
    window: int | None = None,
    *,
    commission_est_fen: int | None = None,
    previous_commission_est_fen: int | None = None,
) -> dict[str, Any]:
    """The review JSON of the session as of its latest event (see `caopan.engine.review`)."""
    check_window(window)
    view = view_of(live)
    if window is None:
        range_: Record = {"kind": "session"}
        metrics: Record = metrics_from_measures(
            view.measures(view.start - 1, view.as_of), commission_est_fen
        )
    else:
        width = window * MS_PER_MINUTE
        now = metrics_from_measures(
            view.measures(view.as_of - width, view.as_of), commission_est_fen
        )
        before = metrics_from_measures(
            view.measures(view.as_of - 2 * width, view.as_of - width),
            previous_commission_est_fen,
        )
        range_ = {"kind": "window", "minutes": window}
        metrics = {key: {"value": now[key], "previous": before[key]} for key in now}
    breakdowns = live.cache.get("breakdowns")
    if breakdowns is None:
        explains = explanations(view)
        breakdowns = live.cache["breakdowns"] = {
            "series": series(view),
            "products": products(view, explains),
            "sources": sources(view),
            "markers": markers(view, explains),
        }
    return {
        "session_id": live.session_id,
        "as_of": view.as_of,
        "range": range_,
        "metrics": metrics,
        **breakdowns,
    }


# -- breakdowns ------------------------------------------------------------------------------


def series(view: View) -> Record:
    """Per clock minute from the one holding `start` to the one holding `as_of` (minutes with
    no events are zeros: only the minutes that have rows are visited)."""
    first = view.start - view.start % MS_PER_MINUTE
    last = view.as_of - view.as_of % MS_PER_MINUTE
    minutes = np.arange(first, last + 1, MS_PER_MINUTE, dtype=np.int64)
    ends = np.minimum(minutes + MS_PER_MINUTE - 1, view.as_of)
    index = (view.orders.pay_ts - first) // MS_PER_MINUTE
    columns = {key: np.zeros(len(minutes), np.int64) for key in SERIES_KEYS}
    columns["online_now"] = view.visits.online_at(ends)
    columns["pay_gmv_fen"] = sum_by(index, view.orders.amount, len(minutes))
    columns["pay_orders"] = np.bincount(index, minlength=len(minutes)).astype(np.int64)
    for minute in view.live.minutes.by_minute:
        if not first <= minute <= last:
            continue
        i = (minute - first) // MS_PER_MINUTE
        tally = view.live.minutes.tally(minute, view.n_users)
        columns["watch_pv"][i] = tally.count("enter")
        columns["comment_pv"][i] = tally.count("comment")
        columns["product_click_uv"][i] = tally.users_of("product_click_uv")
        columns["new_followers"][i] = tally.users_of("follow_uv")
        columns["ad_cost_fen"][i] = tally.ad_cost_fen
    out: Record = {"minute": minutes.tolist()}
    for key in SERIES_KEYS:
        if key != "gpm_fen":
            out[key] = columns[key].tolist()
    out["gpm_fen"] = [
        fen_per(1000 * gmv, pv) if pv else None
        for gmv, pv in zip(out["pay_gmv_fen"], out["watch_pv"], strict=True)
    ]
    return {"minute": out["minute"], **{key: out[key] for key in SERIES_KEYS}}


def explanations(view: View) -> list[Record]:
    """Explanation intervals by `(a, event_id)`: product, event id, `a`, `e` (None while on)."""
    end = view.end
    by_product: dict[str, list[Any]] = {}
    for mark in view.live.marks:
        if mark.type != "marker" and mark.product_id is not None:
            by_product.setdefault(mark.product_id, []).append(mark)
    out = []
    for product, marks in by_product.items():
        marks.sort(key=lambda m: (m.ts, m.event_id))
        for i, mark in enumerate(marks):
            if mark.type != "explain_start":
                continue
            nxt = marks[i + 1].ts if i + 1 < len(marks) else None
            e = nxt if end is None else max(mark.ts, min(end if nxt is None else nxt, end))
            out.append({"product_id": product, "event_id": mark.event_id, "a": mark.ts, "e": e})
    return sorted(out, key=lambda r: (r["a"], r["event_id"]))


def products(view: View, explains: list[Record]) -> list[Record]:
    """Per product seen in any event, by GMV (highest first) then id."""
    live, orders = view.live, view.orders
    n = len(live.products)
    paid = np.bincount(orders.product[orders.product >= 0], minlength=n)
    items = sum_by(orders.product, orders.quantity, n)
    gmv = sum_by(orders.product, orders.amount, n)
    buyers = distinct_by(orders.product, orders.buyer, n)
    unpaid = ~orders.created_paid
    waiting = distinct_by(orders.created_product[unpaid], orders.created_order[unpaid], n)
    refunds = sum_by(orders.refund_product, orders.refund_counted, n)
    rows = []
    for code, name in enumerate(live.products.names):
        mine = [x for x in explains if x["product_id"] == name]
        click_uv, pay_uv = live.product_click_users.get(code), int(buyers[code])
        rows.append(
            {
                "product_id": name,
                "impression_pv": live.product_impressions.get(code),
                "impression_uv": live.product_impression_users.get(code),
                "click_pv": live.product_clicks.get(code),
                "click_uv": click_uv,
                "paid_orders": int(paid[code]),
                "pay_items": int(items[code]),
                "pay_gmv_fen": int(gmv[code]),
                "pay_uv": pay_uv,
                "unpaid_orders": int(waiting[code]),
                "refund_fen": int(refunds[code]),
                "click_to_pay_rate": ratio(pay_uv, click_uv),
                "explaining": any(x["e"] is None for x in mine),
                "explains": [{"start": x["a"], "end": x["e"]} for x in mine],
            }
        )
    return sorted(rows, key=lambda r: (-r["pay_gmv_fen"], r["product_id"]))


def sources(view: View) -> list[Record]:
    """Per source code of an `enter`, by `enter_pv` (highest first) then code."""
    live, orders = view.live, view.orders
    n = len(live.sources)
    gmv = sum_by(orders.entry_source, orders.amount, n)
    count = np.bincount(orders.entry_source[orders.entry_source >= 0], minlength=n)
    rows = []
    for code, name in enumerate(live.sources.names):
        enter_pv = live.source_enters.get(code)
        rows.append(
            {
                "source": name,
                "class": source_class(name),
                "zh": SOURCE_NAMES.get(name),
                "enter_pv": enter_pv,
                "enter_uv": live.source_users.get(code),
                "pay_orders": int(count[code]),
                "pay_gmv_fen": int(gmv[code]),
                "gpm_fen": fen_per(1000 * int(gmv[code]), enter_pv),
            }
        )
    return sorted(rows, key=lambda r: (-r["enter_pv"], r["source"]))


def markers(view: View, explains: list[Record]) -> list[Record]:
    """`marker` events (`end` = `ts`) and explanations (`kind` "explain"), by `(ts, event_id)`."""
    marks = [
        {
            "ts": m.ts,
            "end": m.ts,
            "kind": m.kind,
            "product_id": m.product_id,
            "text": m.text,
            "event_id": m.event_id,
        }
        for m in view.live.marks
        if m.type == "marker"
    ]
    spans = [
        {
            "ts": x["a"],
            "end": x["e"],
            "kind": "explain",
            "product_id": x["product_id"],
            "text": None,
            "event_id": x["event_id"],
        }
        for x in explains
    ]
    return sorted(marks + spans, key=lambda m: (m["ts"], m["event_id"]))


__all__ = ["NONE", "View", "snapshot"]
