"""Replay a session's events at wall-clock pace (or `speed` times faster) into an intake.

Events are sent in ticks: every `tick_ms` of simulated time becomes one batch, sent when the
wall clock reaches it. Sinks: the store itself (the same validation and dedup as file intake)
or the HTTP intake of a running server (`POST /api/sessions/{id}/events`, NDJSON).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caopan.domain.errors import EngineError, InvalidInput
from caopan.engine import event_log
from caopan.engine.backend import Engine
from caopan.engine.key_index import KeyIndex
from caopan.ingest.ndjson import BATCH_SCHEMA

Sink = Callable[[pa.Table], None]


@dataclass(slots=True)
class ReplayStats:
    batches: int = 0
    events: int = 0
    seconds: float = 0.0


def replay(
    events: pa.Table,
    sink: Sink,
    speed: float = 1.0,
    tick_ms: int = 1_000,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> ReplayStats:
    """Send `events` (sorted by `ts`) to `sink`, one tick at a time, paced by `speed`."""
    if speed <= 0:
        raise InvalidInput(f"--speed must be positive (got {speed})")
    stats = ReplayStats()
    if events.num_rows == 0:
        return stats
    events = events.sort_by([("ts", "ascending"), ("event_id", "ascending")])
    ts = events.column("ts").to_numpy()
    first = int(ts[0])
    ticks = (ts - first) // tick_ms
    bounds = np.flatnonzero(np.diff(ticks)) + 1
    starts = np.concatenate(([0], bounds))
    stops = np.concatenate((bounds, [len(ts)]))
    began = clock()
    for start, stop in zip(starts, stops, strict=True):
        due = (int(ticks[start]) * tick_ms) / 1000.0 / speed
        wait = due - (clock() - began)
        if wait > 0:
            sleep(wait)
        sink(events.slice(int(start), int(stop - start)))
        stats.batches += 1
        stats.events += int(stop - start)
    stats.seconds = clock() - began
    return stats


def store_sink(
    engine: Engine, ingested_at: Callable[[], int], index: KeyIndex | None = None
) -> Sink:
    """Append each batch to the store through the event log (validated, deduplicated)."""
    line = 0

    def send(batch: pa.Table) -> None:
        nonlocal line
        numbers = pa.array(np.arange(line + 1, line + 1 + batch.num_rows, dtype=np.int64))
        line += batch.num_rows
        columns = {name: batch.column(name) for name in batch.column_names}
        columns["line"] = numbers
        rows = pa.Table.from_arrays(
            [
                columns[f.name].cast(f.type)
                if f.name in columns
                else pa.nulls(batch.num_rows, f.type)
                for f in BATCH_SCHEMA
            ],
            schema=BATCH_SCHEMA,
        )
        event_log.append(engine, rows, ingested_at(), index=index)

    return send


def http_sink(base_url: str, token: str, timeout: float = 10.0) -> Sink:
    """POST each batch as NDJSON to a running caopan server's intake."""

    def send(batch: pa.Table) -> None:
        session = pc.unique(batch.column("session_id"))[0].as_py()
        body = "".join(
            json.dumps(
                {k: v for k, v in row.items() if v is not None and k != "ingested_at"},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            + "\n"
            for row in batch.to_pylist()
        ).encode()
        request = urllib.request.Request(
            f"{base_url.rstrip('/')}/api/sessions/{session}/events",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", errors="replace")[:300]
            raise EngineError(f"intake refused a batch: HTTP {exc.code} {detail}") from exc
        except OSError as exc:
            raise EngineError(f"cannot reach the intake at {base_url}: {exc}") from exc

    return send
