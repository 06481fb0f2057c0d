"""Stage history (the `stage_changes` table): record a merchant's stage when it changes.

A row says: on this day the merchant moved from one stage to another (`from_stage` null for
the first stage recorded), whether that was a leap (跃迁: a move up), and which provider served
the merchant that day (its contract then, else the merchant's provider). Recording is
idempotent: a day already recorded for a merchant is not recorded again, and a stage equal to
the latest one recorded before that day is no change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import ibis
import pyarrow as pa

from caopan.domain.clock import day_start_ms
from caopan.domain.stages import rank
from caopan.engine.backend import Engine


def history(engine: Engine, merchant_id: str | None = None) -> list[dict[str, Any]]:
    """Recorded stage changes, oldest first (of one merchant, or all)."""
    t = engine.table("stage_changes")
    if merchant_id is not None:
        t = t.filter(t.merchant_id == merchant_id)
    return list(
        t.order_by([ibis.asc("merchant_id"), ibis.asc("changed_on")]).to_pyarrow().to_pylist()
    )


def providers_on(engine: Engine, day: date) -> dict[str, str | None]:
    """The provider serving each merchant on `day`: its contract valid and not ended that day
    (the latest starting, if several), else the merchant's own provider."""
    m = engine.table("merchants").select("merchant_id", "provider_id").to_pyarrow().to_pylist()
    serving: dict[str, str | None] = {r["merchant_id"]: r["provider_id"] for r in m}
    c = engine.table("contracts")
    running = c.ended_at.isnull() | (c.ended_at >= day_start_ms(day))
    valid = c.filter((c.valid_from <= day) & (c.valid_to.isnull() | (c.valid_to >= day)) & running)
    for row in (
        valid.order_by("valid_from").select("merchant_id", "provider_id").to_pyarrow().to_pylist()
    ):
        serving[row["merchant_id"]] = row["provider_id"]
    return serving


def record(
    engine: Engine, day: date, stages: Mapping[str, str], window_days: int, recorded_at: int
) -> list[dict[str, Any]]:
    """Record the stages found on `day`; return the rows appended (the changes)."""
    latest: dict[str, dict[str, Any]] = {}
    recorded_days: set[str] = set()
    for row in history(engine):
        if row["changed_on"] == day:
            recorded_days.add(row["merchant_id"])
        if row["changed_on"] <= day:
            latest[row["merchant_id"]] = row
    serving = providers_on(engine, day)
    rows = []
    for merchant_id, stage in sorted(stages.items()):
        if merchant_id in recorded_days:
            continue
        before = latest.get(merchant_id)
        if before is not None and before["to_stage"] == stage:
            continue
        from_stage = None if before is None else before["to_stage"]
        rows.append(
            {
                "merchant_id": merchant_id,
                "changed_on": day,
                "from_stage": from_stage,
                "to_stage": stage,
                "leap": from_stage is not None and rank(stage) > rank(from_stage),
                "provider_id": serving.get(merchant_id),
                "window_days": window_days,
                "recorded_at": recorded_at,
            }
        )
    if rows:
        engine.insert(
            "stage_changes", pa.Table.from_pylist(rows, engine.arrow_schema("stage_changes"))
        )
    return rows


def leaps_by_provider(engine: Engine) -> list[dict[str, Any]]:
    """How many leaps each provider helped (providers are judged by this)."""
    t = engine.table("stage_changes")
    t = t.filter(t.leap)
    per = t.group_by("provider_id").aggregate(leaps=t.count(), merchants=t.merchant_id.nunique())
    return list(
        per.order_by([ibis.desc("leaps"), ibis.asc("provider_id")]).to_pyarrow().to_pylist()
    )
