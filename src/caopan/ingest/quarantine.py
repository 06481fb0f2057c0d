"""Quarantine: every line caopan did not take, verbatim, with where it came from and why.

Keyed by (source, line, bytes), so reading the same file again adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from caopan.engine.backend import Engine


@dataclass(frozen=True, slots=True)
class Entry:
    """One quarantined line."""

    source: str
    line: int
    field: str | None
    reason: str
    raw: bytes


def entry_id(source: str, line: int, raw: bytes) -> str:
    digest = hashlib.sha256(f"{source}\0{line}\0".encode())
    digest.update(raw)
    return digest.hexdigest()[:32]


def store(engine: Engine, entries: Iterable[Entry], received_at: int) -> int:
    """Keep entries not already kept; return how many were new."""
    rows = {
        entry_id(e.source, e.line, e.raw): e for e in entries
    }  # a line is kept once even if several checks refused it
    if not rows:
        return 0
    table = pa.table(
        {
            "quarantine_id": list(rows),
            "source": [e.source for e in rows.values()],
            "line": pa.array([e.line for e in rows.values()], pa.int64()),
            "field": [e.field for e in rows.values()],
            "reason": [e.reason for e in rows.values()],
            "raw": pa.array([e.raw for e in rows.values()], pa.binary()),
            "received_at": pa.array([received_at] * len(rows), pa.int64()),
        }
    )
    fresh = engine.memtable(engine.conform("quarantine", table)).anti_join(
        engine.table("quarantine"), "quarantine_id"
    )
    try:
        new_rows = fresh.to_pyarrow()
        engine.insert("quarantine", new_rows)
        return int(new_rows.num_rows)
    finally:
        engine.release()


def listing(engine: Engine, source: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The most recent quarantined lines, newest first, raw bytes shown as text."""
    table = engine.table("quarantine")
    if source is not None:
        table = table.filter(table.source == source)
    rows = table.order_by([ibis.desc("received_at"), "source", "line"]).limit(limit)
    result = []
    for row in rows.to_pyarrow().to_pylist():
        raw = row.pop("raw") or b""
        row["raw"] = raw.decode("utf-8", errors="backslashreplace")
        result.append(row)
    return result


def count(engine: Engine) -> int:
    return int(engine.table("quarantine").count().to_pyarrow().as_py())
