"""Benchmark: import a 快手 order export (generated in the real 61-column layout) and the UCI
Online Retail log (541,909 rows) into the DuckDB store.

Baseline (the floor): DuckDB's own `read_csv` of the same file into a bare table, in the same
run. caopan pays on top of it for encoding detection, the cell rules (ids, 元 → fen, dates),
row-level errors, keying and comparing against the store, and writing orders, lines, refunds
and the fingerprints. Each import runs in a fresh child process, so its peak RSS is its own.
Bars (issue 8): ≥ 100,000 rows/s, ≥ 0.2 of the floor, peak memory < 1 GB for 1 M rows.
Every figure comes with its wall and CPU seconds and the machine's load average, since the
machine may be shared.

    .venv/bin/python bench/imports.py [--rows 1000000] [--no-uci]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

UCI = Path(__file__).resolve().parents[2] / (
    "shared/external-data/online_retail_uci/online_retail_uci.csv.gz"
)


def cpu_seconds() -> float:
    """CPU seconds of this process so far, every thread (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def floor(path: Path, db: Path) -> tuple[float, float]:
    """DuckDB reading the same file into a bare table (its own sniffing, every column): wall
    and CPU seconds."""
    from caopan.engine.backend import STORAGE_VERSION  # the floor's file in the store's format

    con = duckdb.connect(str(db), config={"storage_compatibility_version": STORAGE_VERSION})
    con.execute("SET enable_progress_bar = false")
    start, cpu = time.perf_counter(), cpu_seconds()
    con.execute("CREATE TABLE bare AS SELECT * FROM read_csv(?)", [str(path)])
    elapsed, used = time.perf_counter() - start, cpu_seconds() - cpu
    con.close()
    return elapsed, used


def child(path: str, db: str, merchant: str, mapping: str | None) -> None:
    """Import once, then again (nothing changes); print timings, report and own peak RSS."""
    from caopan.app import App
    from caopan.ingest.imports import Request

    request = Request(merchant=merchant or None, mapping=mapping or None)
    with App(f"duckdb:///{db}") as app:
        app.init_db()
        start, cpu = time.perf_counter(), cpu_seconds()
        [report] = app.import_files([Path(path)], request)
        first, first_cpu = time.perf_counter() - start, cpu_seconds() - cpu
        start, cpu = time.perf_counter(), cpu_seconds()
        [again] = app.import_files([Path(path)], request)
        second, second_cpu = time.perf_counter() - start, cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": first,
                "cpu_seconds": first_cpu,
                "again_seconds": second,
                "again_cpu_seconds": second_cpu,
                "peak_mb": peak,
                "report": report.to_json(),
                "again_unchanged": again.unchanged,
            }
        )
    )


def measure(name: str, path: Path, folder: Path, merchant: str, mapping: str | None) -> None:
    load_before = os.getloadavg()
    base, base_cpu = floor(path, folder / f"{name}-floor.duckdb")
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(path),
            str(folder / f"{name}.duckdb"),
            merchant,
            mapping or "",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    report = result["report"]
    rows = report["rows_read"]
    rate, floor_rate = rows / result["seconds"], rows / base
    print(f"\n{name}: {rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB")
    load_after = os.getloadavg()
    print(
        f"  floor duckdb read_csv → bare table: {base:6.2f} s wall {base_cpu:6.2f} s CPU "
        f"{floor_rate:12,.0f} rows/s"
    )
    print(
        f"  caopan import:                      {result['seconds']:6.2f} s wall "
        f"{result['cpu_seconds']:6.2f} s CPU {rate:12,.0f} rows/s"
    )
    print(
        f"  caopan import again (unchanged {result['again_unchanged']:,}): "
        f"{result['again_seconds']:6.2f} s wall {result['again_cpu_seconds']:6.2f} s CPU"
    )
    print(
        "  load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.1f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.1f}" for x in load_after)
    )
    print(f"  ratio caopan / floor: {rate / floor_rate:.2f}   (bar ≥ 0.2)")
    print(f"  rows/s: {rate:,.0f}   (bar ≥ 100,000)")
    print(f"  peak RSS of the import process: {result['peak_mb']:,.0f} MB   (bar < 1,024 MB)")
    print(
        f"  imported {report['rows_imported']:,}, quarantined {report['rows_quarantined']:,}, "
        f"GMV {report['gmv_fen']:,} fen"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000, help="快手 export rows (1000000)")
    parser.add_argument("--no-uci", action="store_true", help="skip the UCI log")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from caopan.sim.exports import write_ks_orders

    with tempfile.TemporaryDirectory(prefix="caopan-bench-imports-") as tmp:
        folder = Path(tmp)
        path = folder / "ks-orders.csv"
        t = time.perf_counter()
        gmv = write_ks_orders(path, args.rows)
        print(f"generated {args.rows:,} 快手 order rows in {time.perf_counter() - t:.1f} s")
        measure("快手 order export", path, folder, "m-bench", None)
        print(f"  generator's GMV {gmv:,} fen")
        if not args.no_uci and UCI.exists():
            measure("UCI Online Retail", UCI, folder, "", "uci-online-retail")


if __name__ == "__main__":
    main()
