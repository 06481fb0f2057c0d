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

from typing import Any

from caopan.domain.catalog import metrics_from_measures
from caopan.engine import breakdowns
from caopan.engine.backend import Engine
from caopan.engine.measures import compute
from caopan.engine.scope import Scope, resolve


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
