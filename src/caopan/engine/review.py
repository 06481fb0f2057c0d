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

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import ibis.expr.types as ir

from caopan.domain.catalog import metrics_from_measures
from caopan.domain.errors import InvalidInput, NotFound
from caopan.engine import breakdowns, statements
from caopan.engine.backend import Engine
from caopan.engine.measures import compute_many, measures_table, split_measures
from caopan.engine.scope import (
    Scope,
    Span,
    resolve,
    scope_rows,
    scopes_of,
    scopes_table,
    sessions_events,
)


def _jobs(engine: Engine, scope: Scope, spans: Sequence[Span]) -> list[statements.Job]:
    """The six statements of a review: measures, series, products, sources, explanations,
    markers (independent of each other; the longest first)."""

    def over(build: Any) -> Any:
        return lambda sc, _: build(engine.table("live_events"), sc)

    return [
        statements.Job(
            "measures",
            lambda sc, sp: measures_table(engine.table("live_events"), sc, sp),
            scope,
            spans,
        ),
        statements.Job("series", over(breakdowns.series_table), scope),
        statements.Job("products", over(breakdowns.products_table), scope),
        statements.Job("sources", over(breakdowns.sources_table), scope),
        statements.Job("explanations", over(breakdowns.explanations), scope),
        statements.Job("markers", over(breakdowns.marker_events), scope),
    ]


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
    On DuckDB the six statements of the review run two at a time (`statements.run_all`).
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
    session_id = scope.session_id
    spans = [scope.session_span()] if window is None else list(scope.window_spans(window))
    tables = statements.run_all(engine, _jobs(engine, scope, spans))
    measured, series, products, sources, explained, marks = (t.to_pylist() for t in tables)
    rows = split_measures(measured, scope, spans)
    if window is None:
        range_: dict[str, Any] = {"kind": "session"}
        metrics: dict[str, Any] = metrics_from_measures(rows[0], commission_est_fen)
    else:
        now = metrics_from_measures(rows[0], commission_est_fen)
        before = metrics_from_measures(rows[1], previous_commission_est_fen)
        range_ = {"kind": "window", "minutes": window}
        metrics = {key: {"value": now[key], "previous": before[key]} for key in now}
    explains = breakdowns.sorted_explanations(explained)
    return {
        "session_id": session_id,
        "as_of": scope.as_of,
        "range": range_,
        "metrics": metrics,
        "series": breakdowns.series_from(series, scope),
        "products": breakdowns.products_from(products, explains),
        "sources": breakdowns.sources_from(sources),
        "markers": breakdowns.markers_from(marks, explains),
    }


def review_many(
    engine: Engine, session_ids: Sequence[str] | None = None, *, chunk: int = 1
) -> dict[str, dict[str, Any]]:
    """The review of every session of the store (or of those named) over its session range as
    of its latest event, by session id: exactly `review(engine, sid)` of each. The scopes are
    found by one query; then `chunk` sessions at a time are reviewed. With `chunk` 1 (the
    default, the fastest measured) each session runs `review`'s own statements (compiled once
    on DuckDB, two at a time); with more, one query per part (measures, series, products,
    sources, explanations, markers) grouped by session covers the chunk.
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
        return {sid: _review_scope(engine, scopes[sid]) for sid in ordered}
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
    measures = compute_many(engine, scopes, ev)

    def rows_of(table: Any) -> dict[str, list[dict[str, Any]]]:
        by_session: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in engine.to_arrow(table).to_pylist():
            by_session[row.pop("session_id")].append(row)
        return by_session

    series = rows_of(breakdowns.series_of(ev))
    products = rows_of(breakdowns.products_of(ev))
    sources = rows_of(breakdowns.sources_of(ev))
    explains = rows_of(breakdowns.explanations_of(ev))
    marks = rows_of(breakdowns.marker_events_of(ev))
    out = {}
    for sid in sorted(scopes):
        scope = scopes[sid]
        mine = breakdowns.sorted_explanations(explains.get(sid, []))
        out[sid] = {
            "session_id": sid,
            "as_of": scope.as_of,
            "range": {"kind": "session"},
            "metrics": metrics_from_measures(measures[sid], None),
            "series": breakdowns.series_from(series.get(sid, []), scope),
            "products": breakdowns.products_from(products.get(sid, []), mine),
            "sources": breakdowns.sources_from(sources.get(sid, [])),
            "markers": breakdowns.markers_from(marks.get(sid, []), mine),
        }
    return out
