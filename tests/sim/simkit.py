"""Helpers shared by the simulator tests: run a room, read its events, compute what operators
measure (per the contract's rules, independently of `caopan.engine`)."""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from caopan.sim import frames, history
from caopan.sim.room import SOURCE, TYPE, Events, Room, simulate
from caopan.sim.world import single_room

PAID_SOURCES = (SOURCE["paid_jinniu"], SOURCE["paid_fentiao"])


def run(room: Room, seed: int) -> Events:
    """The room's events with the generator `simulate session` uses."""
    return simulate(room, np.random.default_rng([seed, 10]))


@lru_cache(maxsize=64)
def session(seed: int, minutes: int, stage: str, category: str = "服饰") -> tuple[Room, Events]:
    """A single room and its events (cached: several tests read the same sessions)."""
    room = single_room(seed, minutes, stage, category)
    return room, run(room, seed)


def with_room(room: Room, seed: int, **changes: object) -> Events:
    return run(dataclasses.replace(room, **changes), seed)


def table_of(room: Room, events: Events) -> pa.Table:
    return frames.to_arrow(room.session_id, events, room.products)


def ndjson_bytes(table: pa.Table, tmp: Path) -> bytes:
    """The table as the NDJSON `simulate session` writes."""
    path = tmp / f"{table.column('session_id')[0].as_py()}.ndjson"
    history.write_ndjson(table.drop_columns(["extra", "ingested_at"]), path)
    return path.read_bytes()


def of_type(ev: Events, name: str) -> np.ndarray:
    return ev.type == TYPE[name]


def live_end(ev: Events) -> int:
    return int(ev.ts[of_type(ev, "live_end")].min())


@dataclasses.dataclass(frozen=True)
class Visits:
    user: np.ndarray
    start: np.ndarray
    length_ms: np.ndarray
    follower: np.ndarray
    orphan_leaves: int


def visits(ev: Events) -> Visits:
    """Visits by rule 5: an `enter` ends at the user's next `leave` or `enter`, or `live_end`."""
    end = live_end(ev)
    seq = np.arange(len(ev))  # events are in (ts, event_id) order: event ids follow the index
    sel = of_type(ev, "enter") | of_type(ev, "leave")
    user, ts, kind, idx = ev.user[sel], ev.ts[sel], ev.type[sel], seq[sel]
    order = np.lexsort((idx, user))
    user, ts, kind, idx = user[order], ts[order], kind[order], idx[order]
    is_enter = kind == TYPE["enter"]
    same_next = np.zeros(len(user), bool)
    same_next[:-1] = user[1:] == user[:-1]
    next_ts = np.where(same_next, np.roll(ts, -1), end)
    stop = np.minimum(next_ts, end)
    length = np.maximum(stop - ts, 0)
    prev_is_open_enter = np.zeros(len(user), bool)
    prev_is_open_enter[1:] = (user[1:] == user[:-1]) & is_enter[:-1]
    orphans = int(np.sum(~is_enter & ~prev_is_open_enter))
    follower = ev.follower[idx] == 1
    return Visits(user[is_enter], ts[is_enter], length[is_enter], follower[is_enter], orphans)


def explain_intervals(ev: Events) -> list[tuple[int, int, int]]:
    """(product, start ts, end ts) of each explanation, pairing starts and ends per product."""
    out = []
    starts = np.flatnonzero(of_type(ev, "explain_start"))
    ends = np.flatnonzero(of_type(ev, "explain_end"))
    pending: dict[int, list[int]] = {}
    for i in starts:
        pending.setdefault(int(ev.product[i]), []).append(int(ev.ts[i]))
    for j in ends:
        product = int(ev.product[j])
        out.append((product, pending[product].pop(0), int(ev.ts[j])))
    return out


@dataclasses.dataclass(frozen=True)
class Metrics:
    impression_pv: int
    enter_pv: int
    watch_uv: int
    buyers: int
    paid_gmv_fen: int
    refund_fen: int
    mean_visit_s: float

    @property
    def entry_rate(self) -> float:
        return self.enter_pv / self.impression_pv

    @property
    def watch_to_pay(self) -> float:
        return self.buyers / self.watch_uv

    @property
    def gpm_fen(self) -> float:
        return 1000.0 * self.paid_gmv_fen / self.enter_pv

    @property
    def refund_rate(self) -> float:
        return self.refund_fen / self.paid_gmv_fen


def metrics(ev: Events) -> Metrics:
    enter = of_type(ev, "enter")
    paid = of_type(ev, "order_paid")
    _, first_paid = np.unique(ev.order[paid], return_index=True)
    return Metrics(
        impression_pv=int(of_type(ev, "impression").sum()),
        enter_pv=int(enter.sum()),
        watch_uv=len(np.unique(ev.user[enter])),
        buyers=len(np.unique(ev.user[paid])),
        paid_gmv_fen=int(ev.amount[paid][first_paid].sum()),
        refund_fen=int(ev.amount[of_type(ev, "refund")].sum()),
        mean_visit_s=float(visits(ev).length_ms.mean() / 1000.0),
    )
