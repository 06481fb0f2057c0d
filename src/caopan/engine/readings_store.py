"""Stored readings (the `diagnosis_readings` table): every merchant's indicator values from the
latest `diagnose --all` for a day and window, so that a one-merchant diagnosis can take its
peers' values from them instead of computing its whole category again.

No float is stored: a value is kept in millionths (`value_micro`, an integer), exact for money
and counts and to 10⁻⁶ for ratios.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pyarrow as pa

from caopan.engine.backend import Engine

MICRO = 1_000_000


def save(
    engine: Engine, as_of: date, window_days: int, results: Sequence[dict[str, Any]], at: int
) -> int:
    """Store the current values of every result; return the rows written."""
    rows = [
        {
            "as_of": as_of,
            "window_days": window_days,
            "merchant_id": r["merchant_id"],
            "category": r["category"],
            "stage": r["stage"],
            "indicator": indicator,
            "value_micro": None if reading["value"] is None else round(reading["value"] * MICRO),
            "recorded_at": at,
        }
        for r in results
        for indicator, reading in r["indicators"].items()
    ]
    schema = engine.arrow_schema("diagnosis_readings")
    engine.insert("diagnosis_readings", pa.Table.from_pylist(rows, schema))
    return len(rows)


def peers(
    engine: Engine, as_of: date, window_days: int, category: str, stage: str
) -> dict[str, dict[str, float | None]] | None:
    """The latest stored values of the merchants of one category and stage, by merchant; None
    when no `diagnose --all` was stored for that day and window."""
    t = engine.table("diagnosis_readings")
    run = t.filter((t.as_of == as_of) & (t.window_days == window_days))
    latest = run.recorded_at.max().to_pyarrow().as_py()
    if latest is None:
        return None
    mine = run.filter(
        (run.recorded_at == latest) & (run.category == category) & (run.stage == stage)
    )
    out: dict[str, dict[str, float | None]] = {}
    for row in mine.select("merchant_id", "indicator", "value_micro").to_pyarrow().to_pylist():
        micro = row["value_micro"]
        out.setdefault(row["merchant_id"], {})[row["indicator"]] = (
            None if micro is None else micro / MICRO
        )
    return out
