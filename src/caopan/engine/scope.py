"""Where a computation stands: one session, its `start` and `end`, the instant `as_of`, ranges.

Rules 4 and 7 of the event contract. `start` is the smallest `ts` of the session, `end` the
`ts` of its earliest `live_end` at or before `as_of` (none: the broadcast has not ended as of
then), and `as_of` defaults to the latest `ts`. Every range is a half-open interval of integer
milliseconds `(lo, hi]`: the session range `[start, as_of]` is `(start - 1, as_of]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa

from caopan.domain.errors import InvalidInput, NotFound
from caopan.engine.backend import Engine

MINUTE_MS = 60_000


@dataclass(frozen=True, slots=True)
class Span:
    """A range `(lo, hi]` of epoch milliseconds.

    `whole` marks the session range `[start, as_of]` of a scope: it holds every event of
    `session_events` (`start` is the session's smallest `ts`, and later events are left out),
    and every instant derived from them (a visit's start and end, a payment), so a query needs
    no test against it; a query over many sessions then needs no per-session bounds.
    """

    lo: int
    hi: int
    whole: bool = False

    def contains(self, ts: ir.IntegerValue) -> ir.BooleanValue:
        if self.whole:
            return ibis.literal(True)
        return (ts > self.lo) & (ts <= self.hi)


@dataclass(frozen=True, slots=True)
class Scope:
    """One session as of one instant."""

    session_id: str
    start: int
    end: int | None
    as_of: int

    def session_span(self) -> Span:
        """`[start, as_of]`, written `(start - 1, as_of]`."""
        return Span(self.start - 1, self.as_of, whole=True)

    def window_spans(self, minutes: int) -> tuple[Span, Span]:
        """The window of `minutes` ending at `as_of`, and the window before it."""
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            raise InvalidInput(f"window must be a whole number of minutes > 0, not {minutes!r}")
        width = minutes * MINUTE_MS
        return Span(self.as_of - width, self.as_of), Span(
            self.as_of - 2 * width, self.as_of - width
        )

    def elapsed_ms(self, span: Span) -> int:
        """Length of `span` clipped to `[start, end]` (no `end`: the broadcast runs on)."""
        stop = span.hi if self.end is None else min(span.hi, self.end)
        return max(0, stop - max(span.lo, self.start))


SCOPE_COLUMNS = ("scope_start", "scope_end", "scope_as_of")
"""The columns `session_events` and `sessions_events` add: each event's session's scope."""


def session_events(events: ir.Table, scope: Scope) -> ir.Table:
    """The session's events with `ts <= as_of` (rule 4: later events are ignored), with the
    scope as the columns `SCOPE_COLUMNS`."""
    mine = events.filter((events.session_id == scope.session_id) & (events.ts <= scope.as_of))
    return mine.mutate(
        session_id=ibis.literal(scope.session_id, "string"),  # a constant: free to group by
        scope_start=ibis.literal(scope.start, "int64"),
        scope_end=ibis.literal(scope.end, "int64"),
        scope_as_of=ibis.literal(scope.as_of, "int64"),
    )


BULK_TYPES = ("impression", "like", "product_impression")
"""The event types that make up most of a session (about 85 % of the simulated events)."""

SPARSE_COLUMNS = (
    "event_id",
    "ts",
    "type",
    "user_id",
    "source",
    "is_follower",
    "product_id",
    "order_id",
    "quantity",
    "amount_fen",
)
"""The columns of the events that `sparse_events` keeps, besides the session and its scope."""


def sparse_events(ev: ir.Table) -> ir.Table:
    """The events of `ev` (`session_events` or `sessions_events`) of every type but
    `BULK_TYPES`, with `SPARSE_COLUMNS`, the session and its scope, as one named common table
    (`sparse_events`).

    Visits, entries, payments, orders and refunds all read these few rows, so a query reads
    the store once for all of them: on DuckDB each read of a string column such as `user_id`
    costs nearly a full decode of it, however few rows it keeps, and a common table
    referenced more than once is computed once. The session and scope of one session are
    literals: they are added after the table, not stored in it.
    """
    keys = ("session_id", *SCOPE_COLUMNS)
    constant = {k: lit for k in keys if (lit := _literal(ev[k].op())) is not None}
    stored = [k for k in (*keys, *SPARSE_COLUMNS) if k not in constant]
    kept = ev.filter(~ev.type.isin(BULK_TYPES)).select(*stored).alias("sparse_events")
    added = kept.mutate(**{k: lit.to_expr() for k, lit in constant.items()})
    return added.select("session_id", *SPARSE_COLUMNS, *SCOPE_COLUMNS)


def _literal(value: ops.Value) -> ops.Literal | None:
    """The literal every row of this column holds, if the expression shows it; else `None`.

    Follows a column through projections, filters, aggregates, joins, aliases and unions
    back to where it was made; anything else is taken as not constant.
    """
    if isinstance(value, ops.Literal):
        return value
    if not isinstance(value, ops.Field):
        return None
    rel, name = value.rel, value.name
    if isinstance(rel, ops.Union):
        left = _literal(ops.Field(rel.left, name))
        right = _literal(ops.Field(rel.right, name))
        return left if left is not None and left == right else None
    if isinstance(rel, ops.AliasedRelation | ops.SelfReference | ops.JoinReference):
        return _literal(ops.Field(rel.parent, name))
    if isinstance(rel, ops.Project | ops.Filter | ops.Aggregate | ops.JoinChain):
        return _literal(rel.values[name])
    return None


def partition(t: ir.Table, *keys: str | ir.Column) -> list[ir.Value]:
    """The keys of a window over `t` that works session by session: `session_id`, then
    `keys`. When every row holds the same session id as a literal (`session_events`: one
    session), the session is left out: it would change nothing but cost a comparison in every
    step of the window's sort."""
    own = [t[k] if isinstance(k, str) else k for k in keys]
    if _literal(t.session_id.op()) is not None:
        return own
    return [t.session_id, *own]


def scopes_table(events: ir.Table, session_ids: Sequence[str] | None = None) -> ir.Table:
    """Each session's scope as of its latest event (`resolve` with no `as_of`), as rows
    `session_id` and `SCOPE_COLUMNS`; every session, or those named."""
    mine = events if session_ids is None else events.filter(events.session_id.isin(session_ids))
    return mine.group_by("session_id").aggregate(
        scope_start=mine.ts.min(),
        scope_end=mine.ts.min(where=mine.type == "live_end"),
        scope_as_of=mine.ts.max(),
    )


def sessions_events(
    events: ir.Table, scopes: ir.Table, session_ids: Sequence[str] | None = None
) -> ir.Table:
    """The events of the sessions of `scopes` (rows of `scopes_table`; `session_ids`, when
    given, names the same sessions so that the store reads only theirs), each with its
    session's scope as of the session's latest event: `session_events` for many sessions at
    once. Every event is at or before its session's `as_of`, and each session's whole range is
    `Span(..., whole=True)`."""
    keyed = scopes.rename(_sid="session_id")
    mine = events if session_ids is None else events.filter(events.session_id.isin(session_ids))
    joined = mine.inner_join(keyed, mine.session_id == keyed._sid)
    return joined.select(*mine.columns, *SCOPE_COLUMNS)


def scope_rows(scopes: Sequence[Scope]) -> pa.Table:
    """The scopes as an Arrow table of the columns of `scopes_table`."""
    return pa.table(
        {
            "session_id": pa.array([s.session_id for s in scopes], pa.string()),
            "scope_start": pa.array([s.start for s in scopes], pa.int64()),
            "scope_end": pa.array([s.end for s in scopes], pa.int64()),
            "scope_as_of": pa.array([s.as_of for s in scopes], pa.int64()),
        }
    )


def scopes_of(rows: Sequence[dict[str, object]]) -> dict[str, Scope]:
    """`Scope`s from rows of `scopes_table`, by session id."""
    out = {}
    for row in rows:
        sid, start, end, as_of = (
            row["session_id"],
            row["scope_start"],
            row["scope_end"],
            row["scope_as_of"],
        )
        assert isinstance(sid, str) and isinstance(start, int) and isinstance(as_of, int)
        out[sid] = Scope(sid, start, end if isinstance(end, int) else None, as_of)
    return out


def resolve(engine: Engine, session_id: str, as_of: int | None = None) -> Scope:
    """Find the session's `start`, `end` and `as_of`; refuse unknown sessions and bad instants."""
    if as_of is not None and (isinstance(as_of, bool) or not isinstance(as_of, int)):
        raise InvalidInput(f"as_of must be epoch milliseconds (an integer), not {as_of!r}")
    from caopan.engine import statements  # it runs expressions of this module's types

    def stats(scope: Scope, _: Sequence[Span]) -> ir.Table:
        t = engine.table("live_events")
        mine = t.filter(t.session_id == scope.session_id)
        return mine.aggregate(
            n=mine.count(),
            start=mine.ts.min(),
            last=mine.ts.max(),
            first_end=mine.ts.min(where=mine.type == "live_end"),
        )

    [row] = statements.run(engine, "scope", stats, Scope(session_id, 0, None, 0)).to_pylist()
    if not row["n"]:
        raise NotFound(f"session {session_id!r} has no events")
    start, first_end = int(row["start"]), row["first_end"]
    if as_of is None:
        as_of = int(row["last"])
    if as_of < start:
        raise InvalidInput(f"as_of {as_of} is before the start of session {session_id!r} ({start})")
    end = int(first_end) if first_end is not None and first_end <= as_of else None
    return Scope(session_id, start, end, as_of)
