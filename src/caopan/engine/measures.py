"""The measures of `spec/live-metrics.md` over one session, as one Ibis expression per call.

`measures_of` builds a table holding every measure (and the diagnostics of
`caopan.domain.catalog.DIAGNOSTICS`) for each of several ranges, as columns `r{i}__{key}`, one
row per session: the derived tables (visits, standing payments, counted refunds) are built once
and every range is a filtered aggregate over them. `measures_table` is one session's row,
`compute_many` runs it for many sessions at once. The expression uses only portable Ibis
(filters, joins, window functions, aggregates, `nunique`), so the same one runs on DuckDB and
on Spark.

`session_measures` and `window_measures` run it and return plain mappings, ready for
`caopan.domain.catalog.metrics_from_measures`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from caopan.domain.catalog import DIAGNOSTICS, MEASURE_KEYS
from caopan.engine import orders, statements, visits
from caopan.engine.backend import Engine
from caopan.engine.scope import (
    Scope,
    Span,
    partition,
    resolve,
    session_events,
    sparse_events,
)
from caopan.engine.sources import source_class

Row = dict[str, int | None]

_USER_COUNTS = {
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
"""Measures that count distinct `user_id` of events of these types."""

_EVENT_COUNTS = {
    "impression_pv": "impression",
    "enter_pv": "enter",
    "comment_pv": "comment",
    "negative_pv": "negative_feedback",
}
"""Measures that count events of one type."""


def _span_label(ts: ir.IntegerValue, spans: Sequence[Span]) -> ir.IntegerValue:
    """The index of the (disjoint) span holding `ts`, or -1."""
    if len(spans) == 1 and spans[0].whole:
        return ibis.literal(0, "int64")
    return ibis.cases(*[(span.contains(ts), i) for i, span in enumerate(spans)], else_=-1)


def _by_session(table: ir.Table, aggregates: dict[str, ir.Scalar]) -> ir.Table:
    return table.group_by("session_id").aggregate(**aggregates)


@ibis.udf.agg.builtin(name="bit_or")  # type: ignore[untyped-decorator]
def _bit_or(bits: int) -> int:  # type: ignore[empty-body]
    """The bitwise or of a group's values (`bit_or`, built into DuckDB and Spark SQL)."""


@ibis.udf.scalar.builtin(name="array_position")  # type: ignore[untyped-decorator]
def _array_position(items: list[str], item: str) -> int:  # type: ignore[empty-body]
    """The 1-based place of `item` in `items` (`array_position` of DuckDB and Spark SQL; not
    found: null on DuckDB, 0 on Spark)."""


def _type_bits() -> dict[str, int]:
    """Each type a distinct-user count looks at, with its bit: 2, 4, 8, … in name order (bit 1
    stands for every other type)."""
    kinds = sorted(set().union(*_USER_COUNTS.values()))
    return {kind: 1 << (k + 1) for k, kind in enumerate(kinds)}


def _type_bit(kind: ir.StringValue) -> ir.IntegerValue:
    """The bit of each event's type (`_type_bits`): 1 shifted by its place in the list of
    types (0 when not in it). One list lookup per row costs less than a comparison per type."""
    names = ibis.literal(list(_type_bits()), type="array<string>")
    place = _array_position(names, kind).coalesce(0)
    return (ibis.literal(1, "int64") << place).cast("int64")


def _event_aggregates(ev: ir.Table, sparse: ir.Table, spans: Sequence[Span]) -> list[ir.Table]:
    """Per session, the measures counted straight from events, for every span.

    Three grouped passes replace a filtered count per measure:

    * one row per session, span and user, with the set of the user's event types as bits
      (`bit_or`): each distinct-user count is the number of rows with a user whose bits meet
      the measure's types;
    * one row per session, span and type with its events and amount: the event counts and
      the ad spend are sums over these few rows. Every session with an event has a row here
      (span -1 holds events outside every span);
    * the entries per source class, from `sparse` (`sparse_events`), so the grouping of all
      events needs no source.
    """
    bits = _type_bits()
    by_user = ev.select(
        "session_id", "user_id", _span=_span_label(ev.ts, spans), _bit=_type_bit(ev.type)
    )
    users = by_user.group_by(["session_id", "_span", "user_id"]).aggregate(
        kinds=_bit_or(by_user._bit)
    )
    by_type = ev.select(  # a table of its own, not shared: each pass reads the store
        "session_id", "type", "amount_fen", _span=_span_label(ev.ts, spans)
    )
    kinds = by_type.group_by(["session_id", "_span", "type"]).aggregate(
        n=by_type.count(), amount=by_type.amount_fen.sum()
    )
    # Every row of `sparse`, not only the entries: a reader with no filter keeps DuckDB from
    # filtering the common table again, with the others' filters, before it is stored.
    rows = sparse.mutate(_span=_span_label(sparse.ts, spans), _class=source_class(sparse.source))
    distinct: dict[str, ir.Scalar] = {}
    counted: dict[str, ir.Scalar] = {}
    entered: dict[str, ir.Scalar] = {}
    for i, _ in enumerate(spans):
        mine = users._span == i
        for key, types in _USER_COUNTS.items():
            mask = sum(bits[t] for t in types)
            meets = (users.kinds & mask) != 0
            distinct[f"r{i}__{key}"] = users.user_id.count(where=mine & meets)
        here = kinds._span == i
        for key, kind in _EVENT_COUNTS.items():
            counted[f"r{i}__{key}"] = kinds.n.sum(where=here & (kinds.type == kind)).coalesce(0)
        spend = here & (kinds.type == "ad_spend")
        counted[f"r{i}__ad_cost_fen"] = kinds.amount.sum(where=spend).coalesce(0)
        for name in ("natural", "private", "paid"):
            entry = (rows.type == "enter") & (rows._span == i) & (rows._class == name)
            entered[f"r{i}__enter_pv_{name}"] = rows.count(where=entry)
    return [
        _by_session(kinds, counted),
        _by_session(users, distinct),
        _by_session(rows, entered),
    ]


def _payment_aggregates(pays: ir.Table, spans: Sequence[Span]) -> dict[str, ir.Scalar]:
    out: dict[str, ir.Scalar] = {}
    for i, span in enumerate(spans):
        r = span.contains(pays.pay_ts)
        out[f"r{i}__paid_orders"] = pays.order_id.count(where=r)
        out[f"r{i}__pay_gmv_fen"] = pays.amount_fen.sum(where=r).coalesce(0)
        out[f"r{i}__pay_items"] = pays.quantity.sum(where=r).coalesce(0)
        out[f"r{i}__pay_uv"] = pays.buyer.nunique(where=r)
        paid_entry = r & (pays.entry_class == "paid")
        out[f"r{i}__ad_gmv_fen"] = pays.amount_fen.sum(where=paid_entry).coalesce(0)
        first = r & (pays.first_in_range == 0) & pays.entry_follower
        out[f"r{i}__follower_pay_uv"] = pays.buyer.nunique(where=first)
    return out


def _repeat_aggregates(ranked: ir.Table, spans: Sequence[Span]) -> dict[str, ir.Scalar]:
    return {
        f"r{i}__repeated_payments": ranked.event_id.count(
            where=span.contains(ranked.ts) & (ranked["rank"] > 0)
        )
        for i, span in enumerate(spans)
    }


def _with_first_in_range(pays: ir.Table, spans: Sequence[Span]) -> ir.Table:
    """Rank each buyer's payments within the (disjoint) span holding them: 0 = the first."""
    labelled = pays.mutate(_span=_span_label(pays.pay_ts, spans))
    w = ibis.window(
        group_by=partition(labelled, "buyer", "_span"),
        order_by=[labelled.pay_ts, labelled.pay_id],
    )
    return labelled.mutate(first_in_range=ibis.row_number().over(w))


def _refund_aggregates(refunds: ir.Table, spans: Sequence[Span]) -> dict[str, ir.Scalar]:
    out: dict[str, ir.Scalar] = {}
    for i, span in enumerate(spans):
        r = span.contains(refunds.ts)
        out[f"r{i}__refund_fen"] = refunds.counted.sum(where=r).coalesce(0)
        cut = refunds.amount_fen - refunds.counted
        out[f"r{i}__refund_cut_fen"] = cut.sum(where=r).coalesce(0)
    return out


def _created_aggregates(created: ir.Table, spans: Sequence[Span]) -> dict[str, ir.Scalar]:
    out: dict[str, ir.Scalar] = {}
    for i, span in enumerate(spans):
        r = span.contains(created.ts)
        out[f"r{i}__created_orders"] = created.order_id.nunique(where=r)
        out[f"r{i}__unpaid_orders"] = created.order_id.nunique(where=r & ~created.is_paid)
    return out


def _check_disjoint(spans: Sequence[Span]) -> None:
    ordered = sorted(spans, key=lambda s: s.lo)
    for before, after in itertools.pairwise(ordered):
        if after.lo < before.hi:
            raise ValueError(f"ranges {before} and {after} overlap")


def measures_of(ev: ir.Table, spans: Sequence[Span]) -> ir.Table:
    """One row per session: every measure and diagnostic for each span, as columns
    `r{i}__{key}`, beside `session_id` (a measure with no rows is null: 0).

    `ev` is `session_events` or `sessions_events`; spans must not overlap.
    """
    _check_disjoint(spans)
    sparse = sparse_events(ev)
    line = visits.timeline(sparse, "user_id", "enter", "leave")
    v = visits.intervals(line, "user_id", "enter")
    steps = visits.online_steps(v)
    orphans = visits.orphan_leaves(line)
    ranked = orders.ranked_payments(sparse)
    standing = orders.payments(sparse)
    pays = _with_first_in_range(orders.attributed(standing, sparse), spans)
    refunds = orders.counted_refunds(sparse, standing)
    created = orders.created_orders(sparse, standing)
    parts = [
        *_event_aggregates(ev, sparse, spans),
        _by_session(v, visits.visit_aggregates(v, spans)),
        _by_session(steps, visits.online_aggregates(steps, spans)),
        _by_session(orphans, visits.orphan_aggregates(orphans, spans)),
        _by_session(pays, _payment_aggregates(pays, spans)),
        _by_session(ranked, _repeat_aggregates(ranked, spans)),
        _by_session(refunds, _refund_aggregates(refunds, spans)),
        _by_session(created, _created_aggregates(created, spans)),
    ]
    return join_by_session(parts)


def join_by_session(parts: Sequence[ir.Table]) -> ir.Table:
    """The tables, one row per `session_id` each, side by side: every session of the first,
    the others left-joined to it."""
    out = parts[0]
    for k, part in enumerate(parts[1:]):
        key = f"_sid{k}"
        keyed = part.rename({key: "session_id"})
        out = out.left_join(keyed, out.session_id == keyed[key]).drop(key)
    return out


def measures_table(events: ir.Table, scope: Scope, spans: Sequence[Span]) -> ir.Table:
    """`measures_of` the scope's session: one row.

    `events` is the whole event table (or any table with its columns); spans must not overlap.
    `elapsed_ms` needs no data and is not in the table (see `Scope.elapsed_ms`).
    """
    return measures_of(session_events(events, scope), spans)


def _split(row: dict[str, object], scope: Scope, spans: Sequence[Span]) -> list[Row]:
    keys = [k for k in MEASURE_KEYS if k != "elapsed_ms"] + list(DIAGNOSTICS)
    out = []
    for i, span in enumerate(spans):
        values: Row = {key: _as_int(row[f"r{i}__{key}"]) for key in keys}
        values["elapsed_ms"] = scope.elapsed_ms(span)
        out.append({key: values[key] for key in (*MEASURE_KEYS, *DIAGNOSTICS)})
    return out


def _as_int(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a measure came back as {type(value).__name__}: {value!r}")
    return value


def compute(engine: Engine, scope: Scope, spans: Sequence[Span]) -> list[Row]:
    """Run `measures_table` for these spans and return one mapping per span."""
    table = statements.run(
        engine,
        "measures",
        lambda sc, sp: measures_table(engine.table("live_events"), sc, sp),
        scope,
        spans,
    )
    return split_measures(table.to_pylist(), scope, spans)


def split_measures(
    rows: Sequence[dict[str, object]], scope: Scope, spans: Sequence[Span]
) -> list[Row]:
    """The one row of a run of `measures_table`, as one mapping per span."""
    [row] = rows
    return _split(row, scope, spans)


def session_measures(engine: Engine, session_id: str, as_of: int | None = None) -> Row:
    """The measures (and diagnostics) of the session range `[start, as_of]`."""
    scope = resolve(engine, session_id, as_of)
    return compute(engine, scope, [scope.session_span()])[0]


def window_measures(
    engine: Engine, session_id: str, minutes: int, as_of: int | None = None
) -> tuple[Row, Row]:
    """The measures of the window `(as_of - N min, as_of]` and of the window before it."""
    scope = resolve(engine, session_id, as_of)
    current, previous = compute(engine, scope, scope.window_spans(minutes))
    return current, previous
