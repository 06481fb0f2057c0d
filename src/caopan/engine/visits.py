"""Visits (rule 5) and the `online(t)` step function, as Ibis expressions.

A visit of a user starts at `enter` (instant `a`) and ends at the first of: the user's next
`leave`, the user's next `enter`, `live_end`. One user's events are taken in `(ts, event_id)`
order, so the visit ends at `e = max(a, min(next, end))` where `next` is the `ts` of the user's
next enter-or-leave: a visit starting after `live_end` has length 0. With neither a next event
nor `live_end`, the visit is *open* (`e` is null) and runs to `as_of`.

The same pairing gives the explanation (讲解) intervals of a product from `explain_start` and
`explain_end`.

A visit `[a, e)` is online at t when `a <= t < e`; so `online` steps +1 at `a` and -1 at `e`
(zero-length visits never count), and `online(t)` is the running sum of the steps at
instants `<= t`.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from caopan.engine.scope import Span, partition

LONG_VISIT_MS = 60_000
"""A visit longer than this is a long visit (超1分钟停留)."""


def timeline(events: ir.Table, key: str, opener: str, closer: str) -> ir.Table:
    """The opener and closer events of each `key` of each session, each with the `ts` of the
    next one and the type of the previous one, in `(ts, event_id)` order."""
    t = events.filter(events.type.isin([opener, closer]) & events[key].notnull())
    w = ibis.window(group_by=partition(t, key), order_by=[t.ts, t.event_id])
    return t.mutate(next_ts=t.ts.lead().over(w), prev_type=t.type.lag().over(w))


def intervals(line: ir.Table, key: str, opener: str) -> ir.Table:
    """One row per opener: `session_id`, `key`, `event_id`, `a`, `e` (null when open),
    `stop` (`e` or the scope's `as_of`) and `is_open`; `line` carries the scope columns."""
    opens = line.filter(line.type == opener)
    live_end = opens.scope_end
    ended = ibis.greatest(opens.ts, ibis.least(opens.next_ts.coalesce(live_end), live_end))
    e = ibis.cases((live_end.isnull(), opens.next_ts), else_=ended)
    rows = opens.select(
        opens.session_id, opens[key], opens.event_id, opens.scope_as_of, a=opens.ts, e=e
    )
    return rows.mutate(stop=rows.e.coalesce(rows.scope_as_of), is_open=rows.e.isnull())


def visits(events: ir.Table) -> ir.Table:
    """Every visit of the sessions' events (see `intervals`), keyed by `user_id`."""
    return intervals(timeline(events, "user_id", "enter", "leave"), "user_id", "enter")


def orphan_leaves(line: ir.Table) -> ir.Table:
    """`leave` events whose user's previous enter-or-leave is not an `enter`."""
    leaves = line.filter(line.type == "leave")
    return leaves.filter(leaves.prev_type.isnull() | (leaves.prev_type != "enter"))


def orphan_aggregates(orphans: ir.Table, spans: Sequence[Span]) -> dict[str, ir.Scalar]:
    """`orphan_leaves` per span, named `r{i}__orphan_leaves`."""
    return {
        f"r{i}__orphan_leaves": orphans.event_id.count(where=span.contains(orphans.ts))
        for i, span in enumerate(spans)
    }


def overlap_ms(v: ir.Table, span: Span) -> ir.IntegerValue:
    """Milliseconds of each visit `[a, stop)` inside `span`."""
    if span.whole:  # a visit starts at or after `start` and stops at or before `as_of`
        return v.stop - v.a
    inside = ibis.least(v.stop, span.hi) - ibis.greatest(v.a, span.lo)
    return ibis.greatest(inside, 0)


def visit_aggregates(v: ir.Table, spans: Sequence[Span]) -> dict[str, ir.Scalar]:
    """`watch_ms`, `present_uv` and `long_visits` per span, named `r{i}__{measure}`."""
    out: dict[str, ir.Scalar] = {}
    for i, span in enumerate(spans):
        overlap = overlap_ms(v, span)
        starts_in = span.contains(v.a)
        out[f"r{i}__watch_ms"] = overlap.sum().coalesce(0)
        out[f"r{i}__present_uv"] = v.user_id.nunique(where=starts_in | (overlap > 0))
        long_ = starts_in & (v.stop - v.a > LONG_VISIT_MS)
        out[f"r{i}__long_visits"] = v.a.count(where=long_)
    return out


def step_events(v: ir.Table) -> ir.Table:
    """Every change of `online`, one row each, not summed per instant: columns `session_id`,
    `t`, `step` (+1 at each real visit's start, -1 at its end when it has one)."""
    real = v.filter(v.e.isnull() | (v.e > v.a))
    ups = real.select("session_id", t=real.a, step=ibis.literal(1, "int64"))
    ended = real.filter(real.e.notnull())
    downs = ended.select("session_id", t=ended.e, step=ibis.literal(-1, "int64"))
    return ups.union(downs, distinct=False)


def online_steps(v: ir.Table) -> ir.Table:
    """`online` after each instant `t` where it changes, per session: columns `session_id`,
    `t`, `step`, `online`."""
    steps = step_events(v).group_by(["session_id", "t"]).aggregate(step=ibis._.step.sum())
    running = ibis.window(group_by=partition(steps), order_by=steps.t, preceding=None, following=0)
    return steps.mutate(online=steps.step.sum().over(running))


def online_aggregates(steps: ir.Table, spans: Sequence[Span]) -> dict[str, ir.Scalar]:
    """`peak_online` and `online_at_end` per span, named `r{i}__{measure}`.

    The peak over `(lo, hi]` also counts `online(lo)`, the window's start instant (for the
    session range `lo = start - 1`, where nothing is online yet).
    """
    out: dict[str, ir.Scalar] = {}
    for i, span in enumerate(spans):
        if span.whole:  # every step lies in `[start, as_of]`: nothing online at `start - 1`
            out[f"r{i}__peak_online"] = ibis.greatest(steps.online.max().coalesce(0), 0)
            out[f"r{i}__online_at_end"] = steps.step.sum().coalesce(0)
            continue
        at_lo = steps.step.sum(where=steps.t <= span.lo).coalesce(0)
        inside = steps.online.max(where=span.contains(steps.t)).coalesce(0)
        out[f"r{i}__peak_online"] = ibis.greatest(at_lo, inside)
        out[f"r{i}__online_at_end"] = steps.step.sum(where=steps.t <= span.hi).coalesce(0)
    return out
