"""Diagnose merchants: sums (one pass, grouped by merchant) → readings → stage → findings.

`diagnose_many` serves `caopan diagnose --all` and the single-merchant path alike; the latter
narrows the pass to the merchant's category (its peers), since a peer percentile needs the
peers' readings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from caopan.domain import diagnosis, readings, stages
from caopan.domain.clock import day_start_ms, shanghai_date
from caopan.domain.indicators import INDICATORS
from caopan.domain.readings import Number, Reading
from caopan.engine.backend import Engine
from caopan.engine.indicators import Scope, Span, sums

Values = dict[str, Number | None]


def span_of(as_of: date, window_days: int) -> Span:
    """The window of `window_days` days ending with the day `as_of` (Beijing time)."""
    return Span(
        day_start_ms(as_of - timedelta(days=window_days - 1)), day_start_ms(as_of + timedelta(1))
    )


def stage_input(cur: Values, prev: Values, sale_days: int, window_days: int) -> stages.StageInput:
    scale = 30 / window_days
    gmv, before = int(cur["gmv_fen"] or 0), prev["gmv_fen"]
    return stages.StageInput(
        month_gmv_fen=round(gmv * scale),
        month_orders=round(int(cur["orders"] or 0) * scale),
        growth=readings.ratio(gmv - int(before or 0), before) if before else None,
        self_share=_float(cur["self_broadcast_share"]),
        active_days_per_30=sale_days * scale,
    )


def _float(x: Number | None) -> float | None:
    return None if x is None else float(x)


def diagnose_many(
    engine: Engine,
    as_of: date,
    window_days: int,
    thresholds: stages.Thresholds,
    merchants: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every merchant's diagnosis (or the named ones'), keyed by merchant id. `progress` is
    called with (steps done, steps in all)."""
    span = span_of(as_of, window_days)
    raw = sums(engine, span, merchants, progress)
    values, staged, categories = _evaluate(raw, window_days, thresholds)
    groups = {mid: f"{categories[mid]}|{staged[mid]}" for mid in values}
    with_peers = readings.with_percentiles(values, groups)
    return {
        mid: report(mid, categories[mid], staged[mid], with_peers[mid], span, window_days)
        for mid in values
    }


def _evaluate(
    raw: dict[str, Any], window_days: int, thresholds: stages.Thresholds
) -> tuple[dict[str, tuple[Values, Values]], dict[str, str], dict[str, str | None]]:
    """Each merchant's (current, previous) values, stage and category from the raw sums."""
    rows: dict[tuple[str, str], dict[str, Any]] = raw["rows"]
    values: dict[str, tuple[Values, Values]] = {}
    staged: dict[str, str] = {}
    categories: dict[str, str | None] = {}
    for m in raw["merchants"]:
        mid = str(m["merchant_id"])
        cur_row, prev_row = rows.get((mid, "cur"), {}), rows.get((mid, "prev"), {})
        cur = readings.values_of(cur_row, m, window_days)
        prev = readings.values_of(prev_row, m, window_days)
        values[mid] = (cur, prev)
        x = stage_input(cur, prev, int(cur_row.get("sale_days") or 0), window_days)
        staged[mid] = stages.classify(x, thresholds)
        categories[mid] = m.get("category")
    return values, staged, categories


PeerLookup = Callable[[str, str], dict[str, dict[str, float | None]] | None]
"""(category, stage) → stored peers' values by merchant, or None when none were stored."""


def diagnose_one(
    engine: Engine,
    merchant_id: str,
    as_of: date,
    window_days: int,
    thresholds: stages.Thresholds,
    stored_peers: PeerLookup,
    scope: Scope | None = None,
) -> dict[str, Any] | None:
    """One merchant, its peers' values taken from a stored `diagnose --all` of the same day
    and window; None when nothing was stored for its category and stage, or the merchant is
    unknown (the caller then runs the category pass). `scope`: the merchant's orders and
    lines, already materialised for the same window."""
    span = span_of(as_of, window_days)
    raw = sums(engine, span, [merchant_id], scope=scope)
    values, staged, categories = _evaluate(raw, window_days, thresholds)
    if merchant_id not in values:
        return None
    category, stage = categories[merchant_id], staged[merchant_id]
    peers = {} if category is None else stored_peers(category, stage)
    if peers is None:
        return None
    empty: Values = {}
    for mid, stored in peers.items():
        if mid != merchant_id:
            values[mid] = ({i.id: stored.get(i.id) for i in INDICATORS}, empty)
    with_peers = readings.with_percentiles(values, dict.fromkeys(values, "peers"))
    return report(merchant_id, category, stage, with_peers[merchant_id], span, window_days)


def report(
    merchant_id: str,
    category: str | None,
    stage: str,
    found_readings: dict[str, Reading],
    span: Span,
    window_days: int,
) -> dict[str, Any]:
    """The spec's output shape for one merchant."""
    facts = diagnosis.Facts(found_readings, stage, {"window_days": window_days})
    found = diagnosis.findings(facts)
    day = timedelta(days=1)
    first, last = _day(span.start), _day(span.end) - day
    peers = max((r.peers for r in found_readings.values()), default=0)
    return {
        "merchant_id": merchant_id,
        "category": category,
        "window": {"from": first.isoformat(), "to": last.isoformat(), "days": window_days},
        "previous_window": {
            "from": (first - timedelta(days=window_days)).isoformat(),
            "to": (first - day).isoformat(),
        },
        "stage": stage,
        "stage_focus": {"zh": stages.FOCUS[stage][0], "en": stages.FOCUS[stage][1]},
        "peers": peers,
        "peers_note": None
        if peers >= readings.MIN_PEERS
        else f"同类同阶段商家不足 {readings.MIN_PEERS} 家（{peers} 家），不给百分位 "
        f"fewer than {readings.MIN_PEERS} peers ({peers}): no percentiles",
        "indicators": {i.id: found_readings[i.id].to_json() for i in INDICATORS},
        "unknown": [i.id for i in INDICATORS if found_readings[i.id].value is None],
        "findings": [f.to_json() for f in found],
        "top_actions": [
            {"action": f.action, "action_en": f.action_en, "method": f.method, "rule": f.rule}
            for f in diagnosis.top_actions(found)
        ],
    }


def _day(ms: int) -> date:
    return shanghai_date(ms)
