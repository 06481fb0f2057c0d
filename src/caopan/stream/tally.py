"""Per-minute tallies of a session's events: a mergeable accumulator for counts, sums and users.

Events fall into clock minutes `[m, m + 1 min)`. Each minute keeps its rows (instant, type,
user, amount, source class) and, computed when first asked, a `Tally`: events per type,
entries per source class, ad spend, and the distinct users of each `USER_GROUPS` group. When
the minute gets more rows its tally is grown by the new rows alone (`Tally.grown`), so the
minute being filled is not re-counted from scratch at every snapshot. Tallies merge with `+`;
a range `(lo, hi]` is the sum of the tallies of the minutes inside it — a minute whose rows
all lie inside counts as inside — plus tallies of the rows of the (at most two) minutes it
cuts. Distinct users of a merged tally are counted exactly (`Tally.users_of`).

>>> t = Tally.of(Rows.of([5, 6], [KIND["comment"]] * 2, [0, 0], [0, 0], [0, 0]), 1)
>>> (t + t).count("comment"), (t + t).users_of("comment_uv")
(4, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from caopan.domain.clock import MS_PER_MINUTE
from caopan.domain.events import EVENT_TYPES
from caopan.stream.columns import Array, distinct, unique

KIND: Final[dict[str, int]] = {name: i for i, name in enumerate(EVENT_TYPES)}
"""Event types as small integer codes."""
N_KINDS: Final = len(EVENT_TYPES)
CLASSES: Final = ("natural", "private", "paid")

USER_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "impression_uv": ("impression",),
    "enter_uv": ("enter",),
    "comment_uv": ("comment",),
    "share_uv": ("share",),
    "interact_uv": ("like", "comment", "share"),
    "follow_uv": ("follow",),
    "fans_club_uv": ("fans_club_join",),
    "product_impression_uv": ("product_impression",),
    "product_click_uv": ("product_click",),
}
"""Measures that count distinct users of events of these types."""

_GROUP_KINDS: Final = {
    name: np.array([KIND[k] for k in kinds], np.int8) for name, kinds in USER_GROUPS.items()
}
_IN_GROUP: Final = {
    name: np.isin(np.arange(N_KINDS), kinds) for name, kinds in _GROUP_KINDS.items()
}
"""Per group, a lookup by type code: is the type in the group."""


@dataclass(frozen=True, slots=True)
class Rows:
    """Event rows as parallel arrays; `cls` is the source class of an `enter` (else 0)."""

    ts: Array
    kind: Array
    user: Array
    amount: Array
    cls: Array

    @staticmethod
    def of(ts: object, kind: object, user: object, amount: object, cls: object) -> Rows:
        return Rows(
            np.asarray(ts, np.int64),
            np.asarray(kind, np.int8),
            np.asarray(user, np.int32),
            np.asarray(amount, np.int64),
            np.asarray(cls, np.int8),
        )

    def take(self, index: Array) -> Rows:
        return Rows(
            self.ts[index], self.kind[index], self.user[index], self.amount[index], self.cls[index]
        )

    @staticmethod
    def concat(parts: list[Rows]) -> Rows:
        if len(parts) == 1:
            return parts[0]
        return Rows(*(np.concatenate([getattr(p, name) for p in parts]) for name in Rows.__slots__))

    def __len__(self) -> int:
        return len(self.ts)


@dataclass(slots=True)
class Tally:
    """Counts per type, entries per class, ad spend, and users per group (unmerged parts)."""

    counts: Array
    classes: Array
    ad_cost_fen: int
    users: dict[str, list[Array]]
    size: int  # users are codes in [0, size)

    @staticmethod
    def empty(size: int) -> Tally:
        return Tally(np.zeros(N_KINDS, np.int64), np.zeros(3, np.int64), 0, {}, size)

    @staticmethod
    def of(rows: Rows, size: int) -> Tally:
        """The tally of some rows."""
        counts = np.bincount(rows.kind, minlength=N_KINDS).astype(np.int64)
        enters = rows.kind == KIND["enter"]
        classes = np.bincount(rows.cls[enters], minlength=3).astype(np.int64)
        ad = int(rows.amount[rows.kind == KIND["ad_spend"]].sum())
        users = {}
        for name, kinds in _GROUP_KINDS.items():
            if counts[kinds].sum():
                mine = rows.user[_IN_GROUP[name][rows.kind]]
                users[name] = [unique(mine[mine >= 0])]
        return Tally(counts, classes, ad, users, size)

    def __add__(self, other: Tally) -> Tally:
        users = {k: list(v) for k, v in self.users.items()}
        for name, parts in other.users.items():
            users.setdefault(name, []).extend(parts)
        return Tally(
            self.counts + other.counts,
            self.classes + other.classes,
            self.ad_cost_fen + other.ad_cost_fen,
            users,
            max(self.size, other.size),
        )

    def grown(self, more: Tally) -> Tally:
        """This tally with the tally of rows added since (one minute's, each group's users
        kept as one array of distinct codes)."""
        users = dict(self.users)
        for name, parts in more.users.items():
            (fresh,) = parts
            held = users.get(name)
            if held is None:
                users[name] = [fresh]
                continue
            (known,) = held
            if len(fresh):
                fresh = fresh[~np.isin(fresh, known, kind="table")]
                users[name] = [np.concatenate([known, fresh])] if len(fresh) else held
        return Tally(
            self.counts + more.counts,
            self.classes + more.classes,
            self.ad_cost_fen + more.ad_cost_fen,
            users,
            max(self.size, more.size),
        )

    def count(self, kind: str) -> int:
        return int(self.counts[KIND[kind]])

    def users_of(self, group: str) -> int:
        """Distinct users of a `USER_GROUPS` group, exactly."""
        parts = self.users.get(group, [])
        if len(parts) == 1:
            return len(parts[0])  # one tally's users are distinct already
        return distinct(parts, self.size)


@dataclass(slots=True)
class Minute:
    """The rows of one clock minute, their first and last instants, and the tally of the
    first `tallied` rows (None until asked)."""

    parts: list[Rows] = field(default_factory=list)
    tally: Tally | None = None
    size: int = 0
    tallied: int = 0
    low: int = np.iinfo(np.int64).max
    high: int = np.iinfo(np.int64).min

    def rows(self) -> Rows:
        if len(self.parts) > 1:
            self.parts = [Rows.concat(self.parts)]
        return self.parts[0]

    def since(self, start: int) -> Rows:
        """The rows after the first `start` (in the order they were added), without joining
        the parts before them."""
        tail, seen = [], 0
        for part in self.parts:
            if seen + len(part) > start:
                skip = max(0, start - seen)
                tail.append(Rows(*(getattr(part, k)[skip:] for k in Rows.__slots__)))
            seen += len(part)
        return Rows.concat(tail)


class Minutes:
    """A session's events by clock minute."""

    def __init__(self) -> None:
        self.by_minute: dict[int, Minute] = {}

    def add(self, rows: Rows) -> None:
        if len(rows) == 0:
            return
        minute = rows.ts - rows.ts % MS_PER_MINUTE
        first = int(minute[0])
        if bool((minute == first).all()):
            self._put(first, rows)
            return
        order = np.argsort(minute, kind="stable")
        sorted_minutes = minute[order]
        starts = np.flatnonzero(np.r_[True, sorted_minutes[1:] != sorted_minutes[:-1]])
        bounds = np.r_[starts, len(order)]
        for i, start in enumerate(starts):
            self._put(int(sorted_minutes[start]), rows.take(order[start : bounds[i + 1]]))

    def _put(self, minute: int, rows: Rows) -> None:
        slot = self.by_minute.get(minute)
        if slot is None:
            slot = self.by_minute[minute] = Minute()
        slot.parts.append(rows)
        slot.size += len(rows)
        slot.low = min(slot.low, int(rows.ts.min()))
        slot.high = max(slot.high, int(rows.ts.max()))

    def tally(self, minute: int, size: int) -> Tally:
        slot = self.by_minute.get(minute)
        if slot is None:
            return Tally.empty(size)
        if slot.tally is None:  # codes only grow: a kept tally stays right
            slot.tally = Tally.of(slot.rows(), size)
        elif slot.tallied < slot.size:  # rows came since: tally them alone
            slot.tally = slot.tally.grown(Tally.of(slot.since(slot.tallied), size))
        slot.tallied = slot.size
        return slot.tally

    def over(self, lo: int, hi: int, size: int) -> Tally:
        """The tally of the rows with `lo < ts <= hi`."""
        counts, classes = np.zeros(N_KINDS, np.int64), np.zeros(3, np.int64)
        ad, users = 0, dict[str, list[Array]]()
        first = (lo + 1) - (lo + 1) % MS_PER_MINUTE
        for minute in sorted(m for m in self.by_minute if first <= m <= hi):
            slot = self.by_minute[minute]
            if lo < slot.low and slot.high <= hi:  # every row of the minute is inside
                part = self.tally(minute, size)
            else:
                rows = slot.rows()
                inside = (rows.ts > lo) & (rows.ts <= hi)
                if not inside.any():
                    continue
                part = Tally.of(rows.take(np.flatnonzero(inside)), size)
            counts += part.counts
            classes += part.classes
            ad += part.ad_cost_fen
            for name, arrays in part.users.items():
                users.setdefault(name, []).extend(arrays)
        return Tally(counts, classes, ad, users, size)

    def nbytes(self) -> int:
        return sum(
            sum(getattr(p, name).nbytes for name in Rows.__slots__)
            for m in self.by_minute.values()
            for p in m.parts
        )
