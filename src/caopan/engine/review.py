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
from caopan.engine import breakdowns
from caopan.engine.backend import Engine
from caopan.engine.measures import compute, compute_many
from caopan.engine.scope import (
    Scope,
    resolve,
    scope_rows,
    scopes_of,
    scopes_table,
    sessions_events,
)


def _metrics(
    engine: Engine,
    scope: Scope,
    window: int | None,
    commission: int | None,
    previous_commission: int | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    if window is None:
        [measures] = compute(engine, scope, [scope.session_span()])
        return {"kind": "session"}, metrics_from_measures(measures, commission)
    spans = scope.window_spans(window)
    current, previous = compute(engine, scope, spans)
    now = metrics_from_measures(current, commission)
    before = metrics_from_measures(previous, previous_commission)
    paired = {key: {"value": now[key], "previous": before[key]} for key in now}
    return {"kind": "window", "minutes": window}, paired


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
    """
    scope = resolve(engine, session_id, as_of)
    if window is not None:
        scope.window_spans(window)  # refuse a bad window before any work
    range_, metrics = _metrics(
        engine, scope, window, commission_est_fen, previous_commission_est_fen
    )
    explains = breakdowns.explain_rows(engine, scope)
    return {
        "session_id": session_id,
        "as_of": scope.as_of,
        "range": range_,
        "metrics": metrics,
        "series": breakdowns.series(engine, scope),
        "products": breakdowns.products(engine, scope, explains),
        "sources": breakdowns.sources(engine, scope),
        "markers": breakdowns.markers(engine, scope, explains),
    }


def review_many(
    engine: Engine, session_ids: Sequence[str] | None = None, *, chunk: int = 25
) -> dict[str, dict[str, Any]]:
    """The review of every session of the store (or of those named) over its session range as
    of its latest event, by session id: exactly `review(engine, sid)` of each, computed by one
    query per part (measures, series, products, sources, explanations, markers) grouped by
    session, for `chunk` sessions at a time, instead of one set of queries per session.
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
