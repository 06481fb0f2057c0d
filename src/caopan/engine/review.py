"""The review (复盘) of one session as of one instant, in the output shape of the metrics spec.

```json
{"session_id": "s1", "as_of": 1763800000000, "range": {"kind": "session"},
 "metrics": {"watch_uv": 1234, "...": null}, "series": {}, "products": [], "sources": [],
 "markers": []}
```

For a window, `range` is `{"kind": "window", "minutes": N}` and each metric is
`{"value": v, "previous": p}`. Series, products, sources and markers always cover the session
range (see `caopan.engine.breakdowns`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis.expr.types as ir

from caopan.domain.catalog import metrics_from_measures
from caopan.domain.errors import InvalidInput, NotFound
from caopan.engine import breakdowns, statements
from caopan.engine.backend import Engine
from caopan.engine.measures import join_by_session, measures_of, split_measures
from caopan.engine.scope import (
    Scope,
    Span,
    resolve,
    scope_rows,
    scopes_of,
    scopes_table,
    session_events,
    sessions_events,
)


def review_of(ev: ir.Table, spans: Sequence[Span]) -> ir.Table:
    """One row per session of `ev` (`session_events` or `sessions_events`): the measures of
    these spans (`measures_of`) beside each breakdown's rows over the session range
    (`breakdowns.lists_of`). One query, so the parts share what they have in common: the
    store is read three times in all, and visits and payments are found once."""
    return join_by_session([measures_of(ev, spans), *breakdowns.lists_of(ev)])


def review_table(events: ir.Table, scope: Scope, spans: Sequence[Span]) -> ir.Table:
    """`review_of` the scope's session: one row."""
    return review_of(session_events(events, scope), spans)


def _job(engine: Engine, scope: Scope, spans: Sequence[Span]) -> statements.Job:
    """The review's one statement, compiled once per shape on DuckDB (`statements`)."""
    return statements.Job(
        "review", lambda sc, sp: review_table(engine.table("live_events"), sc, sp), scope, spans
    )


def review(
    engine: Engine,
    session_id: str,
    as_of: int | None = None,
    window: int | None = None,
    *,
    commission_est_fen: int | None = None,
    previous_commission_est_fen: int | None = None,
) -> dict[str, Any]:
    """The session's 42 metrics with series, products, sources and markers, as plain JSON data.

    `window` is a number of minutes (`None`: the session range). Metric 42 is
    `commission_est_fen` as given (the previous window's: `previous_commission_est_fen`).
    The review is one query (`review_of`), compiled once per shape on DuckDB.
    """
    scope = resolve(engine, session_id, as_of)
    return _review_scope(engine, scope, window, commission_est_fen, previous_commission_est_fen)


def _review_scope(
    engine: Engine,
    scope: Scope,
    window: int | None = None,
    commission_est_fen: int | None = None,
    previous_commission_est_fen: int | None = None,
) -> dict[str, Any]:
    """`review` of a resolved scope."""
    spans = [scope.session_span()] if window is None else list(scope.window_spans(window))
    job = _job(engine, scope, spans)
    [row] = statements.run(engine, job.key, job.build, scope, spans).to_pylist()
    return _document(scope, spans, row, window, commission_est_fen, previous_commission_est_fen)


def _document(
    scope: Scope,
    spans: Sequence[Span],
    row: dict[str, Any],
    window: int | None = None,
    commission_est_fen: int | None = None,
    previous_commission_est_fen: int | None = None,
) -> dict[str, Any]:
    """The review of one session from its row of `review_of` over these spans."""
    rows = split_measures([row], scope, spans)
    if window is None:
        range_: dict[str, Any] = {"kind": "session"}
        metrics: dict[str, Any] = metrics_from_measures(rows[0], commission_est_fen)
    else:
        now = metrics_from_measures(rows[0], commission_est_fen)
        before = metrics_from_measures(rows[1], previous_commission_est_fen)
        range_ = {"kind": "window", "minutes": window}
        metrics = {key: {"value": now[key], "previous": before[key]} for key in now}
    parts = {name: row.get(name) or [] for name in breakdowns.PARTS}
    explains = breakdowns.sorted_explanations(parts["explanations"])
    return {
        "session_id": scope.session_id,
        "as_of": scope.as_of,
        "range": range_,
        "metrics": metrics,
        "series": breakdowns.series_from(parts["series"], scope),
        "products": breakdowns.products_from(parts["products"], explains),
        "sources": breakdowns.sources_from(parts["sources"]),
        "markers": breakdowns.markers_from(parts["markers"], explains),
    }


def review_many(
    engine: Engine, session_ids: Sequence[str] | None = None, *, chunk: int = 1
) -> dict[str, dict[str, Any]]:
    """The review of every session of the store (or of those named) over its session range as
    of its latest event, by session id: exactly `review(engine, sid)` of each. The scopes are
    found by one query; then `chunk` sessions at a time are reviewed. With `chunk` 1 (the
    default, the fastest measured) each session runs `review`'s own query (compiled once on
    DuckDB), two sessions at a time; with more, one query grouped by session covers the
    chunk.
    Metric 42 is null (no contract is looked up here)."""
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk <= 0:
        raise InvalidInput(f"chunk must be a whole number of sessions > 0, not {chunk!r}")
    events = engine.table("live_events")
    ids = None if session_ids is None else sorted(set(session_ids))
    scopes = scopes_of(engine.to_arrow(scopes_table(events, ids)).to_pylist())
    missing = [] if ids is None else [sid for sid in ids if sid not in scopes]
    if missing:
        raise NotFound(f"session {missing[0]!r} has no events")
    ordered = sorted(scopes)
    out: dict[str, dict[str, Any]] = {}
    if chunk == 1:
        spans = {sid: [scopes[sid].session_span()] for sid in ordered}
        jobs = [_job(engine, scopes[sid], spans[sid]) for sid in ordered]
        tables = statements.run_all(engine, jobs)
        for sid, table in zip(ordered, tables, strict=True):
            [row] = table.to_pylist()
            out[sid] = _document(scopes[sid], spans[sid], row)
        return out
    for k in range(0, len(ordered), chunk):
        part = ordered[k : k + chunk]
        whole = ids is None and len(ordered) <= chunk  # every session: no filter on ids
        out.update(
            _review_chunk(engine, {sid: scopes[sid] for sid in part}, None if whole else part)
        )
    return out


def _review_chunk(
    engine: Engine, scopes: dict[str, Scope], ids: Sequence[str] | None
) -> dict[str, dict[str, Any]]:
    """`review_many` of these sessions (`ids`; `None`: every session of the store)."""
    table = engine.memtable(scope_rows(list(scopes.values())))
    try:
        return _review_scoped(
            engine, scopes, sessions_events(engine.table("live_events"), table, ids)
        )
    finally:
        engine.release()


def _review_scoped(
    engine: Engine, scopes: dict[str, Scope], ev: ir.Table
) -> dict[str, dict[str, Any]]:
    rows = engine.to_arrow(review_of(ev, [Span(0, 0, whole=True)])).to_pylist()
    out = {}
    for row in rows:
        scope = scopes[row["session_id"]]
        out[scope.session_id] = _document(scope, [scope.session_span()], row)
    return dict(sorted(out.items()))
