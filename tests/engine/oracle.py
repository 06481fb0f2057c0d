"""A slow, obvious reference for the measures and breakdowns, written from the specs' words.

`live-events.md` rules 4–8 and `live-metrics.md`, in plain Python over a list of event dicts
(one session, each `event_id` once). No cleverness: every visit is walked, every instant that
could matter is tried. `tests/engine/test_measures.py` compares the engine against it.

Choices the specs leave open are the ones in `docs/metrics-choices.md`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from caopan.domain.catalog import fen_per, metrics_from_measures, ratio
from caopan.domain.events import SOURCE_NAMES, source_class

Event = dict[str, Any]
MINUTE = 60_000
INF = float("inf")


def order_key(e: Event) -> tuple[int, str]:
    """Rule 4: events are taken in `(ts, event_id)` order."""
    return (e["ts"], e["event_id"])


@dataclass
class Range:
    """A range of time: `closed_lo` says whether `lo` itself belongs (the session range)."""

    lo: int
    hi: int
    closed_lo: bool

    def has(self, t: float) -> bool:
        above = t >= self.lo if self.closed_lo else t > self.lo
        return above and t <= self.hi


@dataclass
class Visit:
    user: str
    event_id: str
    a: int
    end: float  # INF while open

    def stop(self, as_of: int) -> float:
        """An open visit runs to `as_of`."""
        return as_of if self.end == INF else self.end


class Session:
    """One session's events as of `as_of` (default: the latest `ts`)."""

    def __init__(self, events: Iterable[Event], as_of: int | None = None) -> None:
        everything = list(events)
        self.start = min(e["ts"] for e in everything)
        self.as_of = max(e["ts"] for e in everything) if as_of is None else as_of
        # Rule 4: events with ts > as_of are ignored.
        self.events = sorted((e for e in everything if e["ts"] <= self.as_of), key=order_key)
        ends = [e["ts"] for e in self.events if e["type"] == "live_end"]
        self.end: int | None = min(ends) if ends else None
        self.visits, self.orphans = self._pair("user_id", "enter", "leave")
        self.explains, _ = self._pair("product_id", "explain_start", "explain_end")

    # -- ranges -------------------------------------------------------------------------------

    def session_range(self) -> Range:
        return Range(self.start, self.as_of, closed_lo=True)

    def window_ranges(self, minutes: int) -> tuple[Range, Range]:
        n = minutes * MINUTE
        return (
            Range(self.as_of - n, self.as_of, closed_lo=False),
            Range(self.as_of - 2 * n, self.as_of - n, closed_lo=False),
        )

    # -- rule 5: visits -----------------------------------------------------------------------

    def _pair(self, key: str, opener: str, closer: str) -> tuple[list[Visit], list[Event]]:
        """Each opener ends at the first of: the key's next closer, its next opener, live_end.
        A closer whose previous own event is not an opener is an orphan."""
        by_key: dict[str, list[Event]] = {}
        for e in self.events:
            if e["type"] in (opener, closer) and e.get(key) is not None:
                by_key.setdefault(e[key], []).append(e)
        out, orphans = [], []
        for who, mine in by_key.items():
            for i, e in enumerate(mine):
                if e["type"] == closer:
                    if i == 0 or mine[i - 1]["type"] != opener:
                        orphans.append(e)
                    continue
                candidates = []
                if i + 1 < len(mine):
                    candidates.append(mine[i + 1]["ts"])
                if self.end is not None:
                    candidates.append(self.end)
                end = min(candidates) if candidates else INF
                if self.end is not None and e["ts"] > self.end:
                    end = e["ts"]  # a visit that starts after live_end has length 0
                out.append(Visit(who, e["event_id"], e["ts"], end))
        return out, orphans

    def online(self, t: float) -> int:
        """Visits with a <= t that have not ended by t."""
        return sum(1 for v in self.visits if v.a <= t < v.end)

    def overlap(self, v: Visit, r: Range) -> float:
        lo, hi = max(v.a, r.lo), min(v.stop(self.as_of), r.hi)
        return max(0, hi - lo)

    # -- rule 6: orders -----------------------------------------------------------------------

    def payments(self) -> dict[str, Event]:
        """The earliest order_paid of each order by (ts, event_id)."""
        first: dict[str, Event] = {}
        for e in self.events:  # already in (ts, event_id) order
            if e["type"] == "order_paid" and e["order_id"] not in first:
                first[e["order_id"]] = e
        return first

    def counted_refunds(self) -> list[tuple[Event, int]]:
        """Every refund with what it counts after the cap (0 on an order not paid by as_of)."""
        pays = self.payments()
        remaining = {order: pay["amount_fen"] for order, pay in pays.items()}
        out = []
        for e in self.events:
            if e["type"] != "refund":
                continue
            order = e["order_id"]
            if order not in pays:
                out.append((e, 0))
                continue
            counted = min(e["amount_fen"], remaining[order])
            remaining[order] -= counted
            out.append((e, counted))
        return out

    # -- rule 8: attribution ------------------------------------------------------------------

    def entry(self, pay: Event) -> Event | None:
        """The buyer's latest enter at or before the payment."""
        enters = [
            e
            for e in self.events
            if e["type"] == "enter" and e["user_id"] == pay["user_id"] and e["ts"] <= pay["ts"]
        ]
        return max(enters, key=order_key) if enters else None

    # -- measures ------------------------------------------------------------------------------

    def measures(self, r: Range) -> dict[str, int | None]:
        inside = [e for e in self.events if r.has(e["ts"])]

        def of(*types: str) -> list[Event]:
            return [e for e in inside if e["type"] in types]

        def users(*types: str) -> int:
            return len({e["user_id"] for e in of(*types) if e.get("user_id") is not None})

        enters = of("enter")
        m: dict[str, int | None] = {
            "impression_pv": len(of("impression")),
            "impression_uv": users("impression"),
            "enter_pv": len(enters),
            "enter_uv": users("enter"),
        }
        for cls in ("natural", "private", "paid"):
            m[f"enter_pv_{cls}"] = sum(1 for e in enters if source_class(e["source"]) == cls)
        m.update(self._visit_measures(r))
        m.update(
            comment_pv=len(of("comment")),
            comment_uv=users("comment"),
            share_uv=users("share"),
            interact_uv=users("like", "comment", "share"),
            follow_uv=users("follow"),
            fans_club_uv=users("fans_club_join"),
            negative_pv=len(of("negative_feedback")),
            product_impression_uv=users("product_impression"),
            product_click_uv=users("product_click"),
            created_orders=len({e["order_id"] for e in of("order_created")}),
            ad_cost_fen=sum(e["amount_fen"] for e in of("ad_spend")),
        )
        m.update(self._order_measures(r, of("order_created")))
        m["elapsed_ms"] = self._elapsed(r)
        return m

    def _visit_measures(self, r: Range) -> dict[str, int | None]:
        present = {v.user for v in self.visits if self.overlap(v, r) > 0 or r.has(v.a)}
        # online(t) changes only at visit starts and ends: try each of those in R, and for a
        # window its start instant too.
        instants = [t for v in self.visits for t in (v.a, v.end) if r.has(t)]
        instants.append(r.lo)  # session: online(start); window: online at its start counts
        long_visits = [v for v in self.visits if r.has(v.a) and v.stop(self.as_of) - v.a > 60_000]
        return {
            "present_uv": len(present),
            "watch_ms": int(sum(self.overlap(v, r) for v in self.visits)),
            "peak_online": max(self.online(t) for t in instants),
            "online_at_end": self.online(r.hi),
            "long_visits": len(long_visits),
            "orphan_leaves": sum(1 for e in self.orphans if r.has(e["ts"])),
        }

    def _order_measures(self, r: Range, created: list[Event]) -> dict[str, int | None]:
        pays = self.payments()
        paid_here = [p for p in pays.values() if r.has(p["ts"])]
        buyers = {p["user_id"] for p in paid_here}
        followers = 0
        for buyer in buyers:
            first = min((p for p in paid_here if p["user_id"] == buyer), key=order_key)
            entry = self.entry(first)
            followers += bool(entry is not None and entry.get("is_follower"))
        ad_gmv = 0
        for p in paid_here:
            entry = self.entry(p)
            if entry is not None and source_class(entry["source"]) == "paid":
                ad_gmv += p["amount_fen"]
        refunds = [(e, c) for e, c in self.counted_refunds() if r.has(e["ts"])]
        all_paid = [e for e in self.events if e["type"] == "order_paid"]
        return {
            "unpaid_orders": len({e["order_id"] for e in created if e["order_id"] not in pays}),
            "paid_orders": len(paid_here),
            "pay_gmv_fen": sum(p["amount_fen"] for p in paid_here),
            "pay_items": sum(p["quantity"] for p in paid_here),
            "pay_uv": len(buyers),
            "follower_pay_uv": followers,
            "refund_fen": sum(c for _, c in refunds),
            "refund_cut_fen": sum(e["amount_fen"] - c for e, c in refunds),
            "ad_gmv_fen": ad_gmv,
            "repeated_payments": sum(
                1 for e in all_paid if r.has(e["ts"]) and pays[e["order_id"]] is not e
            ),
        }

    def _elapsed(self, r: Range) -> int:
        """The length of R clipped to [start, end] (no end: the broadcast runs on)."""
        lo = max(r.lo, self.start)
        hi = r.hi if self.end is None else min(r.hi, self.end)
        return max(0, hi - lo)

    # -- breakdowns (always the session range) ------------------------------------------------

    def series(self) -> dict[str, list[Any]]:
        first = self.start - self.start % MINUTE
        last = self.as_of - self.as_of % MINUTE
        out: dict[str, list[Any]] = {"minute": list(range(first, last + 1, MINUTE))}
        pays = self.payments()
        for minute in out["minute"]:
            inside = [e for e in self.events if minute <= e["ts"] < minute + MINUTE]
            paid = [p for p in pays.values() if minute <= p["ts"] < minute + MINUTE]
            gmv = sum(p["amount_fen"] for p in paid)
            watch_pv = sum(1 for e in inside if e["type"] == "enter")
            values = {
                "online_now": self.online(min(minute + MINUTE - 1, self.as_of)),
                "watch_pv": watch_pv,
                "pay_gmv_fen": gmv,
                "pay_orders": len(paid),
                "product_click_uv": len(
                    {e["user_id"] for e in inside if e["type"] == "product_click"}
                ),
                "comment_pv": sum(1 for e in inside if e["type"] == "comment"),
                "new_followers": len({e["user_id"] for e in inside if e["type"] == "follow"}),
                "ad_cost_fen": sum(e["amount_fen"] for e in inside if e["type"] == "ad_spend"),
                "gpm_fen": fen_per(1000 * gmv, watch_pv),
            }
            for key, value in values.items():
                out.setdefault(key, []).append(value)
        return out

    def products(self) -> list[dict[str, Any]]:
        pays = self.payments()
        ids = {e["product_id"] for e in self.events if e.get("product_id") is not None}
        rows = []
        for pid in ids:
            seen = [e for e in self.events if e.get("product_id") == pid]
            impressions = [e for e in seen if e["type"] == "product_impression"]
            clicks = [e for e in seen if e["type"] == "product_click"]
            paid = [p for p in pays.values() if p["product_id"] == pid]
            created = {e["order_id"] for e in seen if e["type"] == "order_created"}
            refunds = [
                c
                for e, c in self.counted_refunds()
                if e["order_id"] in pays and pays[e["order_id"]]["product_id"] == pid
            ]
            explains = [x for x in self.explains if x.user == pid]
            click_uv = len({e["user_id"] for e in clicks})
            pay_uv = len({p["user_id"] for p in paid})
            rows.append(
                {
                    "product_id": pid,
                    "impression_pv": len(impressions),
                    "impression_uv": len({e["user_id"] for e in impressions}),
                    "click_pv": len(clicks),
                    "click_uv": click_uv,
                    "paid_orders": len(paid),
                    "pay_items": sum(p["quantity"] for p in paid),
                    "pay_gmv_fen": sum(p["amount_fen"] for p in paid),
                    "pay_uv": pay_uv,
                    "unpaid_orders": len(created - set(pays)),
                    "refund_fen": sum(refunds),
                    "click_to_pay_rate": ratio(pay_uv, click_uv),
                    "explaining": any(x.end == INF for x in explains),
                    "explains": [
                        {"start": x.a, "end": None if x.end == INF else x.end}
                        for x in sorted(explains, key=lambda x: (x.a, x.event_id))
                    ],
                }
            )
        return sorted(rows, key=lambda r: (-r["pay_gmv_fen"], r["product_id"]))

    def sources(self) -> list[dict[str, Any]]:
        enters = [e for e in self.events if e["type"] == "enter"]
        entries = [(p, self.entry(p)) for p in self.payments().values()]
        rows = []
        for code in {e["source"] for e in enters}:
            mine = [e for e in enters if e["source"] == code]
            bought = [p for p, entry in entries if entry is not None and entry["source"] == code]
            gmv = sum(p["amount_fen"] for p in bought)
            rows.append(
                {
                    "source": code,
                    "class": source_class(code),
                    "zh": SOURCE_NAMES.get(code),
                    "enter_pv": len(mine),
                    "enter_uv": len({e["user_id"] for e in mine}),
                    "pay_orders": len(bought),
                    "pay_gmv_fen": gmv,
                    "gpm_fen": fen_per(1000 * gmv, len(mine)),
                }
            )
        return sorted(rows, key=lambda r: (-r["enter_pv"], r["source"]))

    def markers(self) -> list[dict[str, Any]]:
        out = [
            {
                "ts": e["ts"],
                "end": e["ts"],
                "kind": e["kind"],
                "product_id": e.get("product_id"),
                "text": e.get("text"),
                "event_id": e["event_id"],
            }
            for e in self.events
            if e["type"] == "marker"
        ]
        out += [
            {
                "ts": x.a,
                "end": None if x.end == INF else x.end,
                "kind": "explain",
                "product_id": x.user,
                "text": None,
                "event_id": x.event_id,
            }
            for x in self.explains
        ]
        return sorted(out, key=lambda m: (m["ts"], m["event_id"]))

    # -- the whole review ---------------------------------------------------------------------

    def review(self, session_id: str, window: int | None = None) -> dict[str, Any]:
        if window is None:
            metrics: dict[str, Any] = metrics_from_measures(self.measures(self.session_range()))
            range_: dict[str, Any] = {"kind": "session"}
        else:
            current, previous = (self.measures(r) for r in self.window_ranges(window))
            now, before = metrics_from_measures(current), metrics_from_measures(previous)
            metrics = {k: {"value": now[k], "previous": before[k]} for k in now}
            range_ = {"kind": "window", "minutes": window}
        return {
            "session_id": session_id,
            "as_of": self.as_of,
            "range": range_,
            "metrics": metrics,
            "series": self.series(),
            "products": self.products(),
            "sources": self.sources(),
            "markers": self.markers(),
        }
