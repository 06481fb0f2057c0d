"""Visits kept as they arrive (rule 5): every `enter` and `leave`, each with the instant of its
user's next one.

A visit is an `enter` row; it ends at `e = max(a, min(next, end))` where `next` is the `ts` of
the user's next enter-or-leave in `(ts, event_id)` order and `end` the session's `live_end`
(applied when measures are taken, so a late `live_end` changes nothing stored). Rows arriving
after everything already known of their user (the usual case) extend the user's timeline in
one vectorised step; a user who receives an earlier or simultaneous row has the whole timeline
re-paired from the stored rows. Either way the result depends only on the set of rows.

The same pairing serves explanations (讲解) from `explain_start` / `explain_end` by product.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caopan.stream.columns import Array, Column

NONE: Final = np.iinfo(np.int64).max
"""`next` of a row that is the last of its user (and `e` of an open visit)."""


def ranks(ids: pa.Array) -> Array:
    """Each string's rank in ascending order (ties share a rank), for sorting by event id."""
    if len(ids) == 0:
        return np.empty(0, np.int64)
    ranked: Array = pc.rank(ids, sort_keys="ascending", tiebreaker="min").to_numpy()
    return ranked.astype(np.int64)


def pair_order(user: Array, ts: Array, ids: Callable[[], pa.Array]) -> Array:
    """Positions sorting rows by `(user, ts, event_id)` (the ids are fetched only for ties)."""
    order: Array = np.lexsort((ts, user))
    u, t = user[order], ts[order]
    if bool(((u[1:] == u[:-1]) & (t[1:] == t[:-1])).any()):  # ties: by event id as text
        order = np.lexsort((ranks(ids()), ts, user))
    return order


def next_in_group(group: Array, ts: Array) -> Array:
    """For rows sorted by group then time: the next row's `ts` in the same group, else NONE."""
    nxt = np.full(len(ts), NONE, np.int64)
    if len(ts) > 1:
        same = group[1:] == group[:-1]
        nxt[:-1] = np.where(same, ts[1:], NONE)
    return nxt


class Timeline:
    """The `enter` and `leave` rows of one session, each with `next`."""

    def __init__(self) -> None:
        self.user = Column(np.int32)
        self.ts = Column(np.int64)
        self.enter = Column(np.bool_)
        self.source = Column(np.int32)
        self.follower = Column(np.bool_)
        self.next = Column(np.int64)
        self._ids: list[pa.Array] = []
        self.last = np.full(1024, -1, np.int64)  # per user: row of the latest event
        self.repairs = 0

    def __len__(self) -> int:
        return self.ts.n

    def ids_at(self, rows: Array) -> pa.Array:
        """The event ids of these rows."""
        if len(self._ids) > 32:
            self._ids = [pa.concat_arrays(self._ids)]
        if not self._ids:
            return pa.array([], pa.string())
        return pa.chunked_array(self._ids).take(pa.array(rows)).combine_chunks()

    def add(
        self,
        user: Array,
        ts: Array,
        enter: Array,
        source: Array,
        follower: Array,
        ids: pa.Array,
    ) -> None:
        """Store rows (users ≥ 0) and pair them."""
        if len(ts) == 0:
            return
        base = len(self)
        self.user.extend(user)
        self.ts.extend(ts)
        self.enter.extend(enter)
        self.source.extend(source)
        self.follower.extend(follower)
        self.next.extend(np.full(len(ts), NONE, np.int64))
        self._ids.append(ids if ids.type == pa.string() else ids.cast(pa.string()))
        top = int(user.max()) + 1
        if top > len(self.last):
            grown = np.full(max(top, 2 * len(self.last)), -1, np.int64)
            grown[: len(self.last)] = self.last
            self.last = grown
        order = pair_order(user, ts, lambda: ids)
        u, t, rows = user[order], ts[order], base + order
        first = np.r_[True, u[1:] != u[:-1]]
        previous = self.last[u[first]]
        known_ts = np.where(
            previous >= 0, self.ts.view[np.maximum(previous, 0)], np.iinfo(np.int64).min
        )
        late = t[first] <= known_ts  # an earlier or simultaneous row: re-pair that user
        group = np.cumsum(first) - 1
        fast_row = ~late[group]
        nxt = next_in_group(u, t)
        self.next.view[rows[fast_row]] = nxt[fast_row]
        extend = ~late & (previous >= 0)
        self.next.view[previous[extend]] = t[first][extend]
        is_last = np.r_[u[1:] != u[:-1], True]
        keep = is_last & fast_row
        self.last[u[keep]] = rows[keep]
        if late.any():
            self._repair(u[first][late])

    def _repair(self, users: Array) -> None:
        """Re-pair every stored row of these users."""
        self.repairs += 1
        mark = np.zeros(len(self.last), bool)
        mark[users] = True
        index = np.flatnonzero(mark[self.user.view])
        u, t = self.user.view[index], self.ts.view[index]
        order = pair_order(u, t, lambda: self.ids_at(index))
        u, t, rows = u[order], t[order], index[order]
        self.next.view[rows] = next_in_group(u, t)
        is_last = np.r_[u[1:] != u[:-1], True]
        self.last[u[is_last]] = rows[is_last]

    def nbytes(self) -> int:
        columns = (self.user, self.ts, self.enter, self.source, self.follower, self.next)
        ids = sum(int(a.nbytes) for a in self._ids)
        return sum(c.nbytes() for c in columns) + ids + int(self.last.nbytes)


class Visits:
    """The visits of a timeline as of `as_of` with the session's `end`: arrays `user`, `a`,
    `e` (NONE while open), `stop` (`e`, or `as_of` while open), `source`, `follower`, and the
    `online` step function."""

    def __init__(self, timeline: Timeline, end: int | None, as_of: int) -> None:
        enter = timeline.enter.view
        self.row = np.flatnonzero(enter)
        self.user = timeline.user.view[self.row]
        self.a = timeline.ts.view[self.row]
        nxt = timeline.next.view[self.row]
        self.e = nxt if end is None else np.maximum(self.a, np.minimum(nxt, end))
        self.open = self.e == NONE
        self.stop = np.where(self.open, as_of, self.e)
        self.source = timeline.source.view[self.row]
        self.follower = timeline.follower.view[self.row]
        real = self.open | (self.e > self.a)
        ended = real & ~self.open
        t = np.concatenate([self.a[real], self.e[ended]])
        step = np.concatenate(
            [np.ones(int(real.sum()), np.int64), -np.ones(int(ended.sum()), np.int64)]
        )
        order = np.argsort(t, kind="stable")
        t, running = t[order], np.cumsum(step[order])
        last = np.r_[t[1:] != t[:-1], True] if len(t) else np.empty(0, bool)
        self.step_t, self.online_after = t[last], running[last]

    def online(self, t: int) -> int:
        """Visits open at instant `t`."""
        i = int(np.searchsorted(self.step_t, t, side="right")) - 1
        return int(self.online_after[i]) if i >= 0 else 0

    def online_at(self, ts: Array) -> Array:
        i = np.searchsorted(self.step_t, ts, side="right") - 1
        padded = np.r_[0, self.online_after]
        result: Array = padded[i + 1]
        return result

    def peak(self, lo: int, hi: int) -> int:
        """Max of `online` over `(lo, hi]`, counting `online(lo)`."""
        i0 = int(np.searchsorted(self.step_t, lo, side="right"))
        i1 = int(np.searchsorted(self.step_t, hi, side="right"))
        inside = int(self.online_after[i0:i1].max()) if i1 > i0 else 0
        return max(self.online(lo), inside)
