"""The stored event log: append events idempotently, keyed by (`session_id`, `event_id`).

Rule 1 of the event contract, as one Ibis expression (so it runs on every engine): an event
whose key is already stored, or appears earlier in the same batch, is a *duplicate* when its
content is identical and a *conflict* when it differs; the first one received stands. Only the
rest is appended. Appending the same batch twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caopan.domain.events import FIELDS
from caopan.engine.backend import Engine
from caopan.engine.key_index import KeyIndex

KEYS = ("session_id", "event_id")
CONTENT = (*tuple(name for name in FIELDS if name not in KEYS), "extra")
"""The columns whose difference makes a repeated event a conflict."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """A repeated event id whose content differs from the one that stands."""

    line: int
    session_id: str
    event_id: str
    differences: dict[str, tuple[object, object]]
    against: str  # "stored" or "line N"

    def reason(self) -> str:
        diffs = ", ".join(
            f"{name} {first!r} vs {here!r}" for name, (first, here) in self.differences.items()
        )
        return (
            f"conflicting duplicate of event {self.event_id!r} in session {self.session_id!r} "
            f"(first received: {self.against}); differs in {diffs}; the first one stands"
        )


@dataclass(frozen=True, slots=True)
class Notice:
    """Something taken as given but worth saying (rule 6: a refund that will be capped)."""

    line: int
    field: str
    message: str


@dataclass(slots=True)
class AppendResult:
    accepted: int = 0
    duplicate: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    new_sessions: list[str] = field(default_factory=list)
    rows: pa.Table | None = None
    """The rows appended (what a live aggregator folds in), or None when none were."""


def _same(left: ir.Table, prefix: str) -> ir.BooleanValue:
    checks = [left[c].identical_to(left[f"{prefix}{c}"]) for c in CONTENT]
    result = checks[0]
    for check in checks[1:]:
        result = result & check
    return result


def classify(engine: Engine, batch: pa.Table) -> pa.Table:
    """Each row of `batch` with a `_status` of accept / duplicate / conflict, and what it met."""
    new = engine.memtable(batch)
    ranked = new.mutate(_rank=ibis.row_number().over(group_by=list(KEYS), order_by=new.line))
    stored_all = engine.table("live_events")
    stored_rows = stored_all.semi_join(new.select(*KEYS).distinct(), list(KEYS))
    stored = stored_rows.select(
        _s_session_id=stored_rows.session_id,
        _s_event_id=stored_rows.event_id,
        **{f"_s_{c}": stored_rows[c] for c in CONTENT},
    )
    firsts = ranked.filter(ranked._rank == 0)
    first = firsts.select(
        _f_session_id=firsts.session_id,
        _f_event_id=firsts.event_id,
        _f_line=firsts.line,
        **{f"_f_{c}": firsts[c] for c in CONTENT},
    )
    joined = ranked.left_join(
        stored,
        [ranked.session_id == stored._s_session_id, ranked.event_id == stored._s_event_id],
    ).left_join(
        first, [ranked.session_id == first._f_session_id, ranked.event_id == first._f_event_id]
    )
    joined = joined.select(
        *ranked.columns, *[c for c in stored.columns + first.columns if c in joined.columns]
    )
    in_store = joined._s_ts.notnull()
    status = ibis.cases(
        (in_store & _same(joined, "_s_"), "duplicate"),
        (in_store, "conflict"),
        (joined._rank == 0, "accept"),
        (_same(joined, "_f_"), "duplicate"),
        else_="conflict",
    )
    joined = joined.mutate(_status=status)
    conflict = joined._status == "conflict"
    detail = [c for c in joined.columns if c not in ("line", "_status", *KEYS)]
    # what a conflict's report needs, for conflicts only: a re-ingested file is all
    # duplicates, and carrying every column of both sides back for them cost more than the join
    return (
        joined.select(
            "line",
            "_status",
            *KEYS,
            **{c: ibis.ifelse(conflict, joined[c], ibis.null(joined[c].type())) for c in detail},
        )
        .order_by("line")
        .to_pyarrow()
    )


def _screen(engine: Engine, batch: pa.Table) -> pa.Table:
    """Per row, cheaply: is its key stored already, and how often is it in this batch?

    Only keys are compared here; content is compared (in `classify`) just for the rows this
    marks as suspect, which in a normal intake are none.
    """
    new = engine.memtable(batch.select(["session_id", "event_id", "line"]))
    sessions = new.select("session_id").distinct()
    stored = engine.table("live_events").semi_join(sessions, "session_id")
    hits = stored.select(
        _h_session_id=stored.session_id, _h_event_id=stored.event_id, _hit=ibis.literal(True)
    )
    counted = new.mutate(_n=new.count().over(group_by=list(KEYS)))
    joined = counted.left_join(
        hits, [counted.session_id == hits._h_session_id, counted.event_id == hits._h_event_id]
    )
    return joined.select("line", "_n", "_hit").order_by("line").to_pyarrow()


def _suspects(batch: pa.Table, index: KeyIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows whose key is (probably) stored or repeated in the batch, by the key index; the
    rows' hashes, and the same hashes sorted."""
    index.load(set(pc.unique(batch.column("session_id")).to_pylist()))
    hashes = index.hash(batch)
    suspect, ordered = index.suspects(hashes)
    return suspect, hashes, ordered


def append(
    engine: Engine,
    batch: pa.Table,
    ingested_at: int,
    owner: str | None = None,
    index: KeyIndex | None = None,
) -> AppendResult:
    """Append the new events of `batch` (rows of `caopan.ingest.ndjson.BATCH_SCHEMA`).

    Sessions first seen here are registered, owned by `owner` (a provider id) if given. With a
    key index (the single writer's), repeats are found without re-reading the store.
    """
    try:
        return _append(engine, batch, ingested_at, owner, index)
    finally:
        engine.release()


def _append(
    engine: Engine,
    batch: pa.Table,
    ingested_at: int,
    owner: str | None,
    index: KeyIndex | None,
) -> AppendResult:
    result = AppendResult()
    if batch.num_rows == 0:
        return result
    lines = batch.column("line").to_numpy()
    if len(lines) > 1 and bool(np.any(lines[1:] < lines[:-1])):
        batch = batch.sort_by("line")
    hashes = ordered = None
    if index is not None:
        flags, hashes, ordered = _suspects(batch, index)
        suspect = pa.array(flags)
        any_suspect = bool(flags.any())
    else:
        screened = _screen(engine, batch)
        suspect = pc.or_(
            pc.fill_null(screened.column("_hit"), False), pc.greater(screened.column("_n"), 1)
        )
        any_suspect = bool(pc.any(suspect).as_py())
    accept = pc.invert(suspect)
    if any_suspect:
        classified = classify(engine, batch.filter(suspect))
        status = classified.column("_status")
        result.duplicate = int(pc.sum(pc.equal(status, "duplicate")).as_py() or 0)
        result.conflicts = _conflicts(classified.filter(pc.equal(status, "conflict")))
        accepted_lines = classified.filter(pc.equal(status, "accept")).column("line")
        accept = pc.or_(accept, pc.is_in(batch.column("line"), accepted_lines))
    accepted = batch.filter(accept) if any_suspect else batch
    result.accepted = accepted.num_rows
    if accepted.num_rows:
        stamps = pa.array(np.full(accepted.num_rows, ingested_at, np.int64))
        stamped = accepted.append_column("ingested_at", stamps)
        engine.insert("live_events", stamped)
        result.rows = stamped
        if index is not None and hashes is not None and ordered is not None:
            if any_suspect:
                index.add(hashes[np.asarray(accept.to_numpy(zero_copy_only=False), bool)])
            else:
                index.add(ordered, ordered=True)
        result.new_sessions = _register_sessions(engine, accepted, ingested_at, owner)
        result.notices = refund_notices(engine, accepted)
    return result


def _conflicts(rows: pa.Table) -> list[Conflict]:
    conflicts = []
    for row in rows.to_pylist():
        prefix = "_s_" if row["_s_ts"] is not None else "_f_"
        against = "stored" if prefix == "_s_" else f"line {row['_f_line']}"
        differences = {
            c: (row[f"{prefix}{c}"], row[c]) for c in CONTENT if row[f"{prefix}{c}"] != row[c]
        }
        conflicts.append(
            Conflict(row["line"], row["session_id"], row["event_id"], differences, against)
        )
    return conflicts


def session_owners(engine: Engine, session_ids: list[str]) -> dict[str, set[str]]:
    """The sessions among `session_ids` that `live_sessions` knows, with their providers
    (an empty set for a session stored without one).

    On DuckDB one parameterised statement (a live intake asks this for every request, and
    building the Ibis expression cost more than running it); elsewhere an Ibis expression.
    """
    if not session_ids:
        return {}
    if engine.kind == "duckdb":
        rows = engine.con.con.execute(
            "SELECT session_id, provider_id FROM live_sessions "
            "WHERE session_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": session_ids},
        ).fetchall()
    else:
        known = engine.table("live_sessions")
        found = known.filter(known.session_id.isin(session_ids)).select("session_id", "provider_id")
        rows = [(r["session_id"], r["provider_id"]) for r in found.to_pyarrow().to_pylist()]
    owners: dict[str, set[str]] = {}
    for session_id, provider_id in rows:
        found = owners.setdefault(session_id, set())
        if provider_id is not None:
            found.add(provider_id)
    return owners


def _register_sessions(
    engine: Engine, accepted: pa.Table, created_at: int, owner: str | None = None
) -> list[str]:
    """Sessions first seen in this batch get a row in `live_sessions`."""
    ids = pc.unique(accepted.column("session_id")).to_pylist()
    known = session_owners(engine, ids)
    fresh = [session_id for session_id in ids if session_id not in known]
    if fresh:
        engine.insert(
            "live_sessions",
            pa.table(
                {
                    "session_id": fresh,
                    "provider_id": pa.array([owner] * len(fresh), pa.string()),
                    "created_at": [created_at] * len(fresh),
                }
            ),
        )
    return sorted(fresh)


def refund_notices(engine: Engine, accepted: pa.Table) -> list[Notice]:
    """Refunds just stored that exceed what their order paid, or whose order has no payment.

    Rule 6 caps them when results are computed (a payment may still arrive), so they are
    stored as given and reported here rather than rejected.
    """
    refunds = accepted.filter(pc.equal(accepted.column("type"), "refund"))
    if refunds.num_rows == 0:
        return []
    touched = engine.memtable(refunds.select(["session_id", "order_id", "line", "amount_fen"]))
    orders = touched.select("session_id", "order_id").distinct()
    events = engine.table("live_events").semi_join(orders, ["session_id", "order_id"])
    payments = events.filter(events.type == "order_paid")
    first = payments.mutate(
        _rank=ibis.row_number().over(
            group_by=["session_id", "order_id"], order_by=[payments.ts, payments.event_id]
        )
    )
    paid = first.filter(first._rank == 0).select("session_id", "order_id", paid=first.amount_fen)
    refunded = (
        events.filter(events.type == "refund")
        .group_by(["session_id", "order_id"])
        .aggregate(refunded=ibis._.amount_fen.sum())
    )
    totals = refunded.left_join(paid, ["session_id", "order_id"]).select(
        "session_id", "order_id", "refunded", "paid"
    )
    over = totals.filter(totals.paid.isnull() | (totals.refunded > totals.paid))
    flagged = {
        (r["session_id"], r["order_id"]): (r["refunded"], r["paid"])
        for r in over.to_pyarrow().to_pylist()
    }
    notices = []
    for row in refunds.select(["session_id", "order_id", "line"]).to_pylist():
        key = (row["session_id"], row["order_id"])
        if key not in flagged:
            continue
        refunded_fen, paid_fen = flagged[key]
        if paid_fen is None:
            text = (
                f"refund on order {key[1]!r} which has no payment stored yet: it counts 0 "
                "until the payment arrives (rule 6)"
            )
        else:
            text = (
                f"refunds on order {key[1]!r} total {refunded_fen} fen, over the {paid_fen} fen "
                f"paid: {refunded_fen - paid_fen} fen will not count (rule 6)"
            )
        notices.append(Notice(row["line"], "amount_fen", text))
    return notices
