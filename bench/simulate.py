"""Benchmark: simulated events generated and stored per second, single process.

Baseline (the floor): writing the same number of rows of random data with the same Arrow
schema (`live_events`) into a fresh DuckDB store, in the same chunk size, with the same
settings, in the same run. Bars (issue 3): ≥ 1,000,000 events/s and ≥ 0.3 of the floor;
100 million events in bounded memory (< 4 GB peak), streamed in chunks.

    .venv/bin/python bench/simulate.py [--merchants 20 --days 3 --seed 1]
    .venv/bin/python bench/simulate.py --merchants 40 --days 10     # ~100 M events
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caopan.app import App
from caopan.engine import backend
from caopan.sim.frames import LIVE_EVENT_SCHEMA
from caopan.sim.history import CHUNK_EVENTS
from caopan.sim.world import WorldSpec


def random_chunk(rows: int, rng: np.random.Generator) -> pa.Table:
    """Random values for every column of `live_events`, in the simulator's null pattern."""

    def text(prefix: str, high: int, share: float = 1.0) -> pa.Array:
        numbers = rng.integers(0, high, rows)
        return pc.binary_join_element_wise(
            prefix, pc.cast(pa.array(numbers, mask=rng.random(rows) >= share), pa.string()), ""
        )

    columns = {
        "event_id": text("s-", 10**9),
        "session_id": text("A", 10**3),
        "ts": pa.array(rng.integers(1.7e12, 1.8e12, rows)),
        "type": text("t", 20),
        "user_id": text("u", 10**6, 0.95),
        "source": text("src", 10, 0.6),
        "is_follower": pa.array(rng.random(rows) < 0.3, mask=rng.random(rows) >= 0.07),
        "product_id": text("p", 60, 0.15),
        "order_id": text("o", 10**6, 0.01),
        "quantity": pa.array(rng.integers(1, 4, rows), mask=rng.random(rows) >= 0.01),
        "amount_fen": pa.array(rng.integers(0, 10**5, rows), mask=rng.random(rows) >= 0.01),
        "channel": text("c", 2, 0.001),
        "kind": text("k", 6, 0.001),
        "text": text("t", 12, 0.03),
        "extra": pa.nulls(rows, pa.string()),
        "ingested_at": pa.array(rng.integers(1.7e12, 1.8e12, rows)),
    }
    return pa.Table.from_arrays(list(columns.values()), schema=LIVE_EVENT_SCHEMA)


def floor(rows: int, folder: Path) -> float:
    rng = np.random.default_rng(0)
    with App(f"duckdb:///{folder / 'floor.duckdb'}") as app:
        engine = app.engine
        chunks = [random_chunk(CHUNK_EVENTS, rng) for _ in range(3)]  # made before the clock
        start = time.perf_counter()
        left, k = rows, 0
        with engine.bulk():  # the simulator's settings, and its way of appending events
            while left > 0:
                chunk = chunks[k % 3].slice(0, min(left, CHUNK_EVENTS))
                engine.insert_split("live_events", chunk)
                left -= chunk.num_rows
                k += 1
        engine.con.raw_sql("CHECKPOINT")
        return time.perf_counter() - start


def ours(spec: WorldSpec, folder: Path) -> tuple[float, int]:
    with App(f"duckdb:///{folder / 'sim.duckdb'}") as app:
        start = time.perf_counter()
        summary = app.simulate(spec)
        app.engine.con.raw_sql("CHECKPOINT")
        return time.perf_counter() - start, summary.events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--providers", type=int, default=6)
    parser.add_argument("--merchants", type=int, default=20)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--floor-rows",
        type=int,
        default=10_000_000,
        help="rows for the floor (its rate does not need all of a 100 M run)",
    )
    parser.add_argument(
        "--ways",
        type=int,
        default=backend.SPLIT_APPEND_WAYS,
        help="slices of each chunk of events appended at once (1: one append at a time)",
    )
    args = parser.parse_args()
    backend.SPLIT_APPEND_WAYS = args.ways
    spec = WorldSpec(args.providers, args.merchants, args.days, args.seed)
    with tempfile.TemporaryDirectory(prefix="caopan-bench-") as tmp:
        folder = Path(tmp)
        elapsed, events = ours(spec, folder)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        floor_rows = min(events, args.floor_rows)
        base = floor(floor_rows, folder)
    rate, base_rate = events / elapsed, floor_rows / base
    print(
        f"world: {args.providers} providers, {args.merchants} merchants, {args.days} days; "
        f"events appended {args.ways} slices at once"
    )
    print(
        f"caopan simulate (generate+store): {elapsed:7.1f} s  {rate:12,.0f} events/s "
        f"({events:,} events)"
    )
    print(
        f"floor: random rows, same schema:  {base:7.1f} s  {base_rate:12,.0f} rows/s "
        f"({floor_rows:,} rows)"
    )
    print(f"ratio simulate / floor: {rate / base_rate:.2f}   (bar ≥ 0.3)")
    print(f"events/s: {rate:,.0f}   (bar ≥ 1,000,000)")
    print(f"peak RSS during simulate: {peak_mb:,.0f} MB   (bar < 4,096 MB)")


if __name__ == "__main__":
    main()
