"""One session's live state, folded from Arrow batches of accepted events in any order.

`LiveSession.update` takes rows of the event table (the columns of
`caopan.domain.events.FIELDS`) that the event log has just accepted — each `event_id` once —
and folds them into:

* `Minutes`: the rows by clock minute, with mergeable per-minute tallies (counts, sums,
  distinct users) for every range and the per-minute series;
* `Bitmap`s of the users seen per group, for the session's exact distinct counts;
* `Timeline`: enters and leaves paired into visits (rule 5);
* `Trades`: orders, payments and refunds (rules 6 and 8);
* counts and distinct users per product and per source; explanations and markers;
* `Comments`: the comments' texts by minute, for the latest ones and the hot words.

Nothing here depends on the order rows arrive in. `caopan.stream.snapshot` turns the state
into the review's JSON as of the latest event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caopan.domain.events import source_class
from caopan.stream.columns import Array, Bitmap, Interner, ViewerInterner
from caopan.stream.keyed import Counts, PairCounts
from caopan.stream.tally import _GROUP_KINDS, CLASSES, KIND, N_KINDS, Minutes, Rows
from caopan.stream.timeline import Timeline
from caopan.stream.trades import CREATED, PAID, REFUND, Trades
from caopan.stream.words import Comments

_TRADE_CODES = np.full(N_KINDS, -1, np.int8)
for _kind, _code in (("order_created", CREATED), ("order_paid", PAID), ("refund", REFUND)):
    _TRADE_CODES[KIND[_kind]] = _code
"""Per type code: the trade code (-1 for other types)."""
_MARKS = ("explain_start", "explain_end", "marker")
_IS_MARK = np.isin(np.arange(N_KINDS), [KIND[k] for k in _MARKS])
"""Per type code: whether rows of the type are kept as `Mark`s."""
_ENTER, _LEAVE = KIND["enter"], KIND["leave"]


@dataclass(slots=True)
class Mark:
    """An explanation boundary or a marker, kept as given."""

    ts: int
    event_id: str
    type: str
    product_id: str | None
    kind: str | None = None
    text: str | None = None


@dataclass
class LiveSession:
    """The accumulated state of one session (see the module docstring)."""

    session_id: str
    users: ViewerInterner = field(default_factory=ViewerInterner)
    orders: Interner = field(default_factory=Interner)
    products: Interner = field(default_factory=Interner)
    sources: Interner = field(default_factory=Interner)
    minutes: Minutes = field(default_factory=Minutes)
    timeline: Timeline = field(default_factory=Timeline)
    trades: Trades = field(default_factory=Trades)
    seen: dict[str, Bitmap] = field(default_factory=lambda: {g: Bitmap() for g in _GROUP_KINDS})
    product_impressions: Counts = field(default_factory=Counts)
    product_clicks: Counts = field(default_factory=Counts)
    product_impression_users: PairCounts = field(default_factory=PairCounts)
    product_click_users: PairCounts = field(default_factory=PairCounts)
    source_enters: Counts = field(default_factory=Counts)
    source_users: PairCounts = field(default_factory=PairCounts)
    marks: list[Mark] = field(default_factory=list)
    comments: Comments = field(default_factory=Comments)
    start: int | None = None
    last: int | None = None
    end: int | None = None
    events: int = 0
    version: int = 0
    cache: dict[str, Any] = field(default_factory=dict)

    def classes(self) -> Array:
        """The source class code (natural 0, private 1, paid 2) of every source code."""
        return np.array(
            [CLASSES.index(source_class(name)) for name in self.sources.names] or [0], np.int8
        )

    def update(self, batch: pa.Table) -> None:
        """Fold newly accepted events (each `event_id` of the session at most once, ever)."""
        if batch.num_rows == 0:
            return
        batch = batch.combine_chunks()
        ts = _ints(batch, "ts")
        kind = _kinds(batch.column("type"))
        user = self.users.encode(batch.column("user_id"))
        amount = _ints(batch, "amount_fen")
        product = self.products.encode(batch.column("product_id"))
        ids = batch.column("event_id").combine_chunks()
        is_enter = kind == _ENTER
        source = np.full(len(ts), -1, np.int32)
        if is_enter.any():
            source[is_enter] = self.sources.encode(batch.column("source").filter(is_enter))
        cls = np.zeros(len(ts), np.int8)
        cls[is_enter] = self.classes()[source[is_enter]]
        self._bounds(ts, kind)
        self.minutes.add(Rows(ts, kind, user, amount, cls))
        self._seen(kind, user)
        self._visits(batch, ts, kind, user, source, ids)
        self._trades(batch, ts, kind, user, product, amount, ids)
        self._goods(kind, product, user)
        self.source_enters.add(source[is_enter])
        self.source_users.add(source[is_enter], user[is_enter])
        self._marks(batch, kind)
        self._comments(batch, kind)
        self.events += batch.num_rows
        self.version += 1
        self.cache.clear()

    def _bounds(self, ts: Array, kind: Array) -> None:
        low, high = int(ts.min()), int(ts.max())
        self.start = low if self.start is None else min(self.start, low)
        self.last = high if self.last is None else max(self.last, high)
        ends = ts[kind == KIND["live_end"]]
        if len(ends):
            first = int(ends.min())
            self.end = first if self.end is None else min(self.end, first)

    def _seen(self, kind: Array, user: Array) -> None:
        """Mark each group's users, from the rows sorted by type once."""
        by_kind = user[np.argsort(kind, kind="stable")]
        bounds = np.zeros(N_KINDS + 1, np.int64)
        np.cumsum(np.bincount(kind, minlength=N_KINDS), out=bounds[1:])
        anonymous = bool((user < 0).any())
        for group, kinds in _GROUP_KINDS.items():
            parts = [by_kind[bounds[k] : bounds[k + 1]] for k in kinds.tolist()]
            codes = parts[0] if len(parts) == 1 else np.concatenate(parts)
            if anonymous:
                codes = codes[codes >= 0]
            if len(codes):
                self.seen[group].add(codes)

    def _visits(
        self,
        batch: pa.Table,
        ts: Array,
        kind: Array,
        user: Array,
        source: Array,
        ids: pa.Array,
    ) -> None:
        mine = ((kind == _ENTER) | (kind == _LEAVE)) & (user >= 0)
        if not mine.any():
            return
        follower = pc.fill_null(batch.column("is_follower"), False).to_numpy(zero_copy_only=False)
        self.timeline.add(
            user[mine],
            ts[mine],
            kind[mine] == _ENTER,
            source[mine],
            np.asarray(follower, bool)[mine],
            ids.filter(pa.array(mine)),
        )

    def _trades(
        self,
        batch: pa.Table,
        ts: Array,
        kind: Array,
        user: Array,
        product: Array,
        amount: Array,
        ids: pa.Array,
    ) -> None:
        codes = _TRADE_CODES[kind]
        trade = codes >= 0
        if not trade.any():
            return
        rows = np.flatnonzero(trade)  # orders are interned from these rows only
        order = np.full(len(kind), -1, np.int32)
        order[rows] = self.orders.encode(batch.column("order_id").take(pa.array(rows)))
        mine = trade & (order >= 0)
        if not mine.any():
            return
        quantity = _ints(batch, "quantity")
        self.trades.add(
            codes[mine],
            ts[mine],
            user[mine],
            order[mine],
            product[mine],
            amount[mine],
            quantity[mine],
            ids.filter(pa.array(mine)),
        )

    def _goods(self, kind: Array, product: Array, user: Array) -> None:
        for k, counts, users in (
            (KIND["product_impression"], self.product_impressions, self.product_impression_users),
            (KIND["product_click"], self.product_clicks, self.product_click_users),
        ):
            mine = (kind == k) & (product >= 0)
            if mine.any():
                counts.add(product[mine])
                with_user = mine & (user >= 0)
                users.add(product[with_user], user[with_user])

    def _marks(self, batch: pa.Table, kind: Array) -> None:
        wanted = _IS_MARK[kind]
        if not wanted.any():
            return
        rows = batch.select(["ts", "event_id", "type", "product_id", "kind", "text"]).filter(
            pa.array(wanted)
        )
        self.marks.extend(Mark(**row) for row in rows.to_pylist())

    def _comments(self, batch: pa.Table, kind: Array) -> None:
        wanted = kind == KIND["comment"]
        if not wanted.any():
            return
        rows = batch.select(["ts", "event_id", "text"]).filter(pa.array(wanted))
        self.comments.add(
            rows.column("ts").to_pylist(),
            rows.column("event_id").to_pylist(),
            rows.column("text").to_pylist(),
        )

    def nbytes(self) -> int:
        """Approximate memory held by the state."""
        seen = sum(int(b.bits.nbytes) for b in self.seen.values())
        interned = sum(i.nbytes() for i in (self.users, self.orders, self.products, self.sources))
        pairs = sum(
            p.nbytes()
            for p in (self.product_impression_users, self.product_click_users, self.source_users)
        )
        return (
            self.minutes.nbytes()
            + self.timeline.nbytes()
            + self.trades.nbytes()
            + seen
            + interned
            + pairs
            + self.comments.nbytes()
        )


def _ints(batch: pa.Table, name: str) -> Array:
    column = batch.column(name)
    if column.null_count:
        column = pc.fill_null(column, 0)
    values: Array = column.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return values


_TYPES = pa.array(list(KIND))
"""The event types in `KIND` code order."""


def _kinds(types: pa.ChunkedArray | pa.Array) -> Array:
    """Event types as `KIND` codes (types are validated before they are stored)."""
    found = pc.index_in(types, value_set=_TYPES)
    if found.null_count:
        raise ValueError("an event type that is not one of EVENT_TYPES")
    codes: Array = found.to_numpy(zero_copy_only=False)
    return codes.astype(np.int8)
