"""Benchmark: ingest N live events from NDJSON into the DuckDB store.

Baseline (the floor): DuckDB's own `read_json` of the same file into a bare table, in the same
run, on the same machine. caopan pays on top of it for validation, dedup against the store,
conflict detection and quarantine. Bars (issue 2): ≥ 0.25 of the baseline and ≥ 300,000
events/s.

    .venv/bin/python bench/ingest_files.py [--events 5000000] [--keep]

The default is 1,000,000 events (a few minutes on a shared machine); the bar is stated for
5,000,000. Wall and CPU seconds of the process are printed for each part, with the load
average (the machine is shared: CPU seconds are the steadier figure).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from caopan.app import App
from caopan.engine.backend import STORAGE_VERSION  # the floor's file in the store's format

TYPES = (
    ["impression"] * 30
    + ["enter"] * 12
    + ["leave"] * 10
    + ["like"] * 20
    + ["comment"] * 5
    + ["product_impression"] * 12
    + ["product_click"] * 6
    + ["order_created"] * 2
    + ["order_paid"] * 2
    + ["share", "follow"]
)
SOURCES = ["recommend", "follow", "paid_jinniu", "search", "live_square", "short_video"]


def write_events(path: Path, n: int, sessions: int = 50, seed: int = 1) -> None:
    """A realistic mix of event types over `sessions` sessions, written as NDJSON."""
    rnd = random.Random(seed)
    t0 = 1_763_800_000_000
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            kind = rnd.choice(TYPES)
            s = i % sessions
            event = {
                "event_id": f"e{i}",
                "session_id": f"s{s:03d}",
                "ts": t0 + i * 3,
                "type": kind,
                "user_id": f"u{rnd.randrange(200_000)}",
            }
            if kind in ("impression", "enter"):
                event["source"] = rnd.choice(SOURCES)
            if kind == "enter":
                event["is_follower"] = rnd.random() < 0.3
            if kind.startswith("product_") or kind.startswith("order_"):
                event["product_id"] = f"p{rnd.randrange(40)}"
            if kind.startswith("order_"):
                event["order_id"] = f"o{i // 2}"
                event["quantity"] = 1
                event["amount_fen"] = rnd.choice([5990, 12900, 19900, 39900])
            if kind == "comment":
                event["text"] = "主播好，这件有M码吗"
            f.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")


def baseline(path: Path, db: Path) -> tuple[float, float]:
    """Wall and CPU seconds of DuckDB's own read_json into a bare table."""
    con = duckdb.connect(str(db), config={"storage_compatibility_version": STORAGE_VERSION})
    start, cpu = time.perf_counter(), time.process_time()
    con.execute(
        "CREATE TABLE bare AS SELECT * FROM read_json(?, format='newline_delimited')",
        [str(path)],
    )
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    con.close()
    return elapsed, cpu


def caopan_ingest(path: Path, db: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of `caopan ingest events`, and the events accepted."""
    with App(f"duckdb:///{db}") as app:
        app.init_db()
        start, cpu = time.perf_counter(), time.process_time()
        [report] = app.ingest_event_files([path])
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return elapsed, cpu, report.accepted


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000, help="the issue's size: 5000000")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caopan-bench-") as tmp:
        folder = Path(tmp)
        path = folder / "events.ndjson"
        t = time.perf_counter()
        write_events(path, args.events)
        size_mb = path.stat().st_size / 1e6
        print(
            f"file: {args.events:,} events, {size_mb:,.0f} MB (written in "
            f"{time.perf_counter() - t:.1f} s)"
        )
        print(f"load average before: {load()}")
        floor, floor_cpu = baseline(path, folder / "baseline.duckdb")
        ours, ours_cpu, accepted = caopan_ingest(path, folder / "caopan.duckdb")
        again, again_cpu, _ = caopan_ingest(path, folder / "caopan.duckdb")
        assert accepted == args.events, accepted
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate, floor_rate = args.events / ours, args.events / floor
        print(
            f"baseline duckdb read_json → bare table: {floor:6.2f} s  {floor_rate:12,.0f} ev/s"
            f"   {floor_cpu:6.2f} CPU s"
        )
        print(
            f"caopan ingest events (validate+dedup):  {ours:6.2f} s  {rate:12,.0f} ev/s"
            f"   {ours_cpu:6.2f} CPU s"
        )
        print(
            f"caopan re-ingest (all duplicates):      {again:6.2f} s  "
            f"{args.events / again:12,.0f} ev/s   {again_cpu:6.2f} CPU s"
        )
        print(f"ratio caopan / baseline: {rate / floor_rate:.2f}   (bar ≥ 0.25)")
        print(f"ratio of CPU seconds, baseline / caopan: {floor_cpu / ours_cpu:.2f}")
        print(f"events/s: {rate:,.0f}   (bar ≥ 300,000)")
        print(f"load average after: {load()}")
        print(f"peak RSS: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
