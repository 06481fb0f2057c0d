"""Orders as they arrive (rules 6 and 8): `order_created`, `order_paid` and `refund` rows.

Trade events are few beside views and likes, so the rows are kept as they come and the
order-dependent parts are derived from them when measures are taken (`Orders`): the payment
that stands for each order (earliest by `(ts, event_id)`), the buyer's entry for it (latest
`enter` at or before the payment), the counted part of each refund (capped by what remains
of the paid amount, in `(ts, event_id)` order) and whether each created order is paid. All of
it is vectorised and depends only on the set of rows.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pyarrow as pa

from caopan.stream.columns import Array, Column, distinct
from caopan.stream.timeline import Timeline, Visits, ranks

CREATED: Final = 0
PAID: Final = 1
REFUND: Final = 2
PAID_CLASS: Final = 2  # the source class codes are natural 0, private 1, paid 2


class Trades:
    """The trade rows of one session."""

    def __init__(self) -> None:
        self.kind = Column(np.int8)
        self.ts = Column(np.int64)
        self.user = Column(np.int32)
        self.order = Column(np.int32)
        self.product = Column(np.int32)
        self.amount = Column(np.int64)
        self.quantity = Column(np.int64)
        self._ids: list[pa.Array] = []

    def __len__(self) -> int:
        return self.ts.n

    def add(
        self,
        kind: Array,
        ts: Array,
        user: Array,
        order: Array,
        product: Array,
        amount: Array,
        quantity: Array,
        ids: pa.Array,
    ) -> None:
        if len(ts) == 0:
            return
        for column, values in (
            (self.kind, kind),
            (self.ts, ts),
            (self.user, user),
            (self.order, order),
            (self.product, product),
            (self.amount, amount),
            (self.quantity, quantity),
        ):
            column.extend(values)
        self._ids.append(ids if ids.type == pa.string() else ids.cast(pa.string()))

    def ids(self) -> pa.Array:
        if len(self._ids) > 1:
            self._ids = [pa.concat_arrays(self._ids)]
        return self._ids[0] if self._ids else pa.array([], pa.string())

    def nbytes(self) -> int:
        columns = (self.kind, self.ts, self.user, self.order, self.product, self.amount)
        return sum(c.nbytes() for c in (*columns, self.quantity)) + sum(
            int(a.nbytes) for a in self._ids
        )


def _first_of_groups(group: Array) -> Array:
    return np.r_[True, group[1:] != group[:-1]] if len(group) else np.empty(0, bool)


class Orders:
    """What the trade rows say as of the latest event (see the module docstring)."""

    def __init__(
        self, trades: Trades, visits: Visits, timeline: Timeline, classes: Array, n: int
    ) -> None:
        kind, ts = trades.kind.view, trades.ts.view
        order_of, rank = trades.order.view, ranks(trades.ids())
        # the standing payments
        p = np.flatnonzero(kind == PAID)
        p = p[np.lexsort((rank[p], ts[p], order_of[p]))]
        s = p[_first_of_groups(order_of[p])]
        self.order = order_of[s]
        self.pay_ts, self.pay_rank = ts[s], rank[s]
        self.buyer, self.product = trades.user.view[s], trades.product.view[s]
        self.amount, self.quantity = trades.amount.view[s], trades.quantity.view[s]
        self.cap = np.full(max(n, 1), -1, np.int64)
        self.cap[self.order] = self.amount
        self.product_of = np.full(max(n, 1), -1, np.int32)
        self.product_of[self.order] = self.product
        self._attribute(visits, timeline, classes)
        # refunds, capped in (ts, event_id) order per order
        r = np.flatnonzero(kind == REFUND)
        r = r[np.lexsort((rank[r], ts[r], order_of[r]))]
        o, amount = order_of[r], trades.amount.view[r]
        running = np.cumsum(amount)
        starts = np.maximum.accumulate(np.where(_first_of_groups(o), np.arange(len(o)), 0))
        total = running - (running[starts] - amount[starts]) if len(o) else running
        cap = self.cap[o]
        counted = np.minimum(cap, total) - np.minimum(cap, total - amount)
        self.refund_ts = ts[r]
        self.refund_counted = np.where(cap < 0, 0, counted)
        self.refund_product = self.product_of[o]
        # created orders
        c = np.flatnonzero(kind == CREATED)
        self.created_order, self.created_ts = order_of[c], ts[c]
        self.created_product = trades.product.view[c]
        self.created_paid = self.cap[self.created_order] >= 0

    def _attribute(self, visits: Visits, timeline: Timeline, classes: Array) -> None:
        """Each standing payment's entry: the buyer's latest `enter` with `ts <= pay_ts`."""
        n = len(self.order)
        self.entry_source = np.full(n, -1, np.int32)
        self.entry_class = np.full(n, -1, np.int8)
        self.entry_follower = np.zeros(n, bool)
        if n == 0 or len(visits.user) == 0:
            return
        buyers = np.zeros(int(max(visits.user.max(), self.buyer.max())) + 1, bool)
        buyers[self.buyer] = True
        cand = np.flatnonzero(buyers[visits.user])
        if len(cand) == 0:
            return
        rows = visits.row[cand]
        order = np.lexsort((visits.a[cand], visits.user[cand]))
        same = (np.diff(visits.user[cand][order]) == 0) & (np.diff(visits.a[cand][order]) == 0)
        sub = ranks(timeline.ids_at(rows)) if same.any() else np.zeros(len(cand), np.int64)
        user = np.r_[visits.user[cand], self.buyer]
        at = np.r_[visits.a[cand], self.pay_ts]
        tag = np.r_[np.zeros(len(cand), np.int8), np.ones(n, np.int8)]
        tie = np.r_[sub, np.zeros(n, np.int64)]
        which = np.r_[cand, np.arange(n)]
        order = np.lexsort((tie, tag, at, user))
        user, tag, which = user[order], tag[order], which[order]
        position = np.where(tag == 0, np.arange(len(order)), -1)
        latest = np.maximum.accumulate(position)
        pays = np.flatnonzero(tag == 1)
        found = latest[pays]
        ok = (found >= 0) & (user[np.maximum(found, 0)] == user[pays])
        visit = which[found[ok]]
        pay = which[pays[ok]]
        self.entry_source[pay] = visits.source[visit]
        self.entry_class[pay] = classes[visits.source[visit]]
        self.entry_follower[pay] = visits.follower[visit]

    def measures(self, lo: int, hi: int, n_users: int, n_orders: int) -> dict[str, int]:
        """The order measures of the range `(lo, hi]`."""
        inside = (self.pay_ts > lo) & (self.pay_ts <= hi)
        idx = np.flatnonzero(inside)
        idx = idx[np.lexsort((self.pay_rank[idx], self.pay_ts[idx], self.buyer[idx]))]
        first = idx[_first_of_groups(self.buyer[idx])]
        created = (self.created_ts > lo) & (self.created_ts <= hi)
        refunds = (self.refund_ts > lo) & (self.refund_ts <= hi)
        paid_entry = inside & (self.entry_class == PAID_CLASS)
        return {
            "created_orders": distinct([self.created_order[created]], n_orders),
            "unpaid_orders": distinct([self.created_order[created & ~self.created_paid]], n_orders),
            "paid_orders": int(inside.sum()),
            "pay_gmv_fen": int(self.amount[inside].sum()),
            "pay_items": int(self.quantity[inside].sum()),
            "pay_uv": distinct([self.buyer[inside]], n_users),
            "follower_pay_uv": int(self.entry_follower[first].sum()),
            "refund_fen": int(self.refund_counted[refunds].sum()),
            "ad_gmv_fen": int(self.amount[paid_entry].sum()),
        }
