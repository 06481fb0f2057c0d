"""Benchmark: the live path (盯盘) of issue 5.

(a) Aggregator throughput on one core: a simulated session's events (`caopan.sim`), in
    batches of 10,000 in arrival order with late rows mixed in, folded into a `LiveSession`
    with all measures kept; once with folding alone and once with a full snapshot (session
    and windows of 1, 5, 10 and 15 minutes with their previous windows, series, products,
    sources, markers) after every simulated second of events — what a screen asks for.
    Baseline in the same run: the naive way, each batch appended to a DuckDB store and the
    snapshot (session + 5-minute window) recomputed from the store by the batch review.
    Bar: ≥ 1,000,000 events/s.
(b) End to end over HTTP: a real `caopan serve` process; a client posts batches at a
    sustained 20,000 events/s while an SSE subscriber watches `?window=5`; the latency of a
    POST is from its send to the first pushed snapshot whose `as_of` covers its events.
    Bar: p99 < 1 s (snapshots are pushed at most once a second, so a POST waits for the next
    push: that wait is most of the figure).
(c) Memory per distinct viewer in a session of N viewers (each: an impression, an enter, a
    leave, a like): the state's own count of its arrays, and the process's resident growth.

    .venv/bin/python bench/live.py          # modest: (a) 1 M events, (b) 20 s, (c) 100 k viewers
    .venv/bin/python bench/live.py --full   # (a) 10 M events, (b) 60 s, (c) 1 M viewers
    .venv/bin/python bench/live.py --only a # one part
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa

from caopan.domain.events import FIELDS
from caopan.engine import event_log
from caopan.engine.backend import connect
from caopan.engine.review import review
from caopan.ingest.ndjson import BATCH_SCHEMA
from caopan.sim.frames import to_arrow
from caopan.sim.room import simulate
from caopan.sim.world import single_room
from caopan.stream.session import LiveSession
from caopan.stream.snapshot import snapshot

BATCH = 10_000
WINDOWS = (1, 5, 10, 15)


def simulated(seed: int, target: int) -> pa.Table:
    """A simulated KA 服饰 session of about `target` events, in time order."""
    minutes = max(5, round(60 * target / 1_000_000))
    for _ in range(5):
        room = single_room(seed, minutes, "KA", "服饰")
        events = simulate(room, np.random.default_rng([seed, 10]))
        if abs(len(events) / target - 1) < 0.1:
            break
        minutes = max(2, min(720, round(minutes * target / max(len(events), 1))))
    table = to_arrow(room.session_id, events, room.products)
    return table.select(list(FIELDS))


def arrival(table: pa.Table, seed: int = 1) -> list[pa.Table]:
    """Batches of BATCH rows in time order, with 2 % of the rows arriving up to 3 batches late."""
    rng = np.random.default_rng(seed)
    n = table.num_rows
    position = np.arange(n, dtype=np.float64)
    late = rng.random(n) < 0.02
    position[late] += rng.integers(1, 3 * BATCH, int(late.sum()))
    order = np.argsort(position, kind="stable")
    shuffled = table.take(pa.array(order))
    return [shuffled.slice(i, BATCH) for i in range(0, n, BATCH)]


def fold_only(batches: list[pa.Table]) -> tuple[float, LiveSession]:
    live = LiveSession(batches[0].column("session_id")[0].as_py())
    t0 = time.process_time()
    for batch in batches:
        live.update(batch)
    return time.process_time() - t0, live


def fold_and_snapshot(batches: list[pa.Table]) -> tuple[float, int, float]:
    """Fold, and take every snapshot a screen would see: one per simulated second."""
    live = LiveSession(batches[0].column("session_id")[0].as_py())
    snapshots, worst, shown = 0, 0.0, None
    t0 = time.process_time()
    for batch in batches:
        live.update(batch)
        second = (live.last or 0) // 1000
        if second != shown:
            s0 = time.process_time()
            snapshot(live)
            for window in WINDOWS:
                snapshot(live, window)
            worst = max(worst, time.process_time() - s0)
            snapshots, shown = snapshots + 1, second
    return time.process_time() - t0, snapshots, worst


def naive(batches: list[pa.Table], count: int) -> float:
    """Seconds per batch: append to DuckDB, then the snapshot by the batch review."""
    engine = connect("duckdb://:memory:")
    sid = batches[0].column("session_id")[0].as_py()
    spent = 0.0
    for i, batch in enumerate(batches[:count]):
        rows = batch.append_column("extra", pa.nulls(batch.num_rows, pa.string()))
        rows = rows.append_column("line", pa.array(np.arange(1, batch.num_rows + 1)))
        t0 = time.process_time()
        event_log.append(engine, rows.select(BATCH_SCHEMA.names).cast(BATCH_SCHEMA), i)
        review(engine, sid)
        review(engine, sid, None, 5)
        spent += time.process_time() - t0
    engine.close()
    return spent / count


def part_a(target: int, naive_batches: int) -> None:
    table = simulated(7, target)
    batches = arrival(table)
    n = table.num_rows
    print(f"(a) aggregator: {n:,} events of a simulated session, {len(batches)} batches")
    folding, live = fold_only(batches)
    print(
        f"    fold only:                        {n / folding:>12,.0f} events/s  ({folding:.2f} s)"
    )
    total, count, worst = fold_and_snapshot(batches)
    rate = n / total
    print(
        f"    fold + {count:,} snapshots (5 ranges each):"
        f" {rate:>8,.0f} events/s  ({total:.2f} s; slowest snapshot {worst * 1000:.0f} ms)"
    )
    per_batch = naive(batches, naive_batches)
    naive_rate = BATCH / per_batch
    print(
        f"    naive, DuckDB review per batch:   {naive_rate:>12,.0f} events/s"
        f"  ({per_batch:.3f} s per batch over the first {naive_batches} batches)"
    )
    print(f"    ratio fold+snapshots / naive:     {rate / naive_rate:>12,.0f} x")
    print(f"    state: {live.nbytes() / 1e6:,.0f} MB for {n:,} events")


# -- (b) HTTP -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def caopan(db: Path, *args: str) -> str:
    exe = str(Path(sys.executable).parent / "caopan")
    done = subprocess.run([exe, "--db", str(db), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def part_b(seconds: int, rate: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="caopan-bench-live-"))
    db = folder / "live.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "bench")
    token = caopan(db, "token", "create", "--provider", "p1")
    port = free_port()
    exe = str(Path(sys.executable).parent / "caopan")
    server = subprocess.Popen(
        [exe, "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/api/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        run_b(url, token, seconds, rate, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


def body(first: int, count: int, ts: int, rng: np.random.Generator) -> bytes:
    kinds = rng.choice(["impression", "enter", "leave", "like", "comment"], count)
    lines = []
    for k in range(count):
        event = {
            "event_id": f"b{first + k}",
            "session_id": "bench",
            "ts": ts,
            "type": str(kinds[k]),
            "user_id": f"u{rng.integers(0, 200_000)}",
        }
        if kinds[k] in ("impression", "enter"):
            event["source"] = "recommend"
        lines.append(json.dumps(event))
    return ("\n".join(lines) + "\n").encode()


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the server process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_b(url: str, token: str, seconds: int, rate: int, pid: int) -> None:
    posts_per_second = 10
    per_post = rate // posts_per_second
    rng = np.random.default_rng(3)
    headers = {"Authorization": f"Bearer {token}"}
    client = httpx.Client(timeout=30)
    base = 1_790_000_000_000
    client.post(f"{url}/api/sessions/bench/events", content=body(0, 10, base, rng), headers=headers)
    seen: list[tuple[float, int]] = []  # (arrival time, as_of)
    stop = threading.Event()

    def watch() -> None:
        with httpx.stream("GET", f"{url}/api/sessions/bench/stream?window=5", timeout=None) as r:
            for line in r.iter_lines():
                if line.startswith("data: "):
                    snap = json.loads(line[6:])
                    if "session" not in snap:
                        print("PUSH ERROR", snap)
                        continue
                    seen.append((time.perf_counter(), int(snap["session"]["as_of"])))
                if stop.is_set():
                    return

    posts = seconds * posts_per_second
    # the bodies are made before the clock starts: the client's JSON encoding is not the
    # server's work (a connector would run on its own machine)
    payloads = [body(10 + i * per_post, per_post, base + 1_000 + i, rng) for i in range(posts)]
    threading.Thread(target=watch, daemon=True).start()
    time.sleep(1.5)
    sent: list[tuple[float, int]] = []  # (send time, max ts of the batch)
    answered: list[float] = []  # round trip of each POST
    cpu0, start = server_cpu(pid), time.perf_counter()
    late = 0
    for i in range(posts):
        due = start + i / posts_per_second
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        else:
            late += 1
        ts = base + 1_000 + i
        t0 = time.perf_counter()
        answer = client.post(
            f"{url}/api/sessions/bench/events", content=payloads[i], headers=headers
        )
        answered.append(time.perf_counter() - t0)
        assert answer.status_code == 200, answer.text
        sent.append((t0, ts))
    elapsed = time.perf_counter() - start
    cpu = server_cpu(pid) - cpu0
    time.sleep(2.5)
    stop.set()
    latencies = []
    for t0, ts in sent:
        arrivals = [t for t, as_of in seen if as_of >= ts and t >= t0]
        if arrivals:
            latencies.append(min(arrivals) - t0)
    lat = np.array(latencies)
    achieved = posts * per_post / elapsed
    print(f"(b) HTTP: {posts * per_post:,} events in {posts} POSTs over {elapsed:.1f} s")
    print(f"    sustained rate:                   {achieved:>12,.0f} events/s (target {rate:,})")
    print(f"    POSTs covered by a push:          {len(lat)} of {posts}; pushes seen {len(seen)}")
    print(f"    POSTs sent late (previous pending): {late}")
    rtt = np.array(answered) * 1000
    print(
        f"    POST round trip p50 / p99:        {np.percentile(rtt, 50):>8,.0f} / "
        f"{np.percentile(rtt, 99):,.0f} ms"
    )
    print(f"    server CPU during the run:        {cpu:>12,.1f} s ({cpu / elapsed:.2f} cores)")
    if len(lat):
        p50, p99 = np.percentile(lat, 50), np.percentile(lat, 99)
        print(f"    POST → pushed snapshot p50:       {p50 * 1000:>12,.0f} ms")
        print(f"    POST → pushed snapshot p99:       {p99 * 1000:>12,.0f} ms   (bar < 1,000 ms)")
        print(f"    POST → pushed snapshot max:       {lat.max() * 1000:>12,.0f} ms")
    during = [t for t, _ in seen if start <= t <= start + elapsed + 2.5]
    if len(during) > 1:
        gaps = np.diff(during) * 1000
        print(
            f"    gap between pushes received:      min {gaps.min():,.0f} ms, "
            f"median {np.median(gaps):,.0f} ms (cap: one a second)"
        )
    push_stats(url)


def push_stats(url: str) -> None:
    """The server's own count of its refreshes of the screen's feed (compute + serialise)."""
    for feed in httpx.get(f"{url}/api/health", timeout=5).json().get("push", []):
        ms = feed["refresh_ms"]
        print(
            f"    server refreshes of {feed['session_id']}?window={feed['window']}:"
            f" {feed['refreshes']} (last {ms['count']}: p50 {ms['p50']} ms,"
            f" p99 {ms['p99']} ms, max {ms['max']} ms)"
        )


# -- (c) memory ---------------------------------------------------------------------------------


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def viewers(n: int, first: int) -> pa.Table:
    """Each viewer: an impression, an enter, a like and a leave, spread over 2 hours."""
    rng = np.random.default_rng(first)
    users = np.arange(first, first + n)
    t = 1_790_000_000_000 + rng.integers(0, 7_200_000, n)
    kinds = ["impression", "enter", "like", "leave"]
    cols: dict[str, list[object] | np.ndarray] = {
        "event_id": [f"v{u}-{k}" for k in range(4) for u in users],
        "session_id": ["big"] * (4 * n),
        "ts": np.concatenate([t, t + 1_000, t + 30_000, t + 200_000]),
        "type": [kinds[k] for k in range(4) for _ in users],
        "user_id": [f"user{u}" for _ in range(4) for u in users],
        "source": [("recommend" if k < 2 else None) for k in range(4) for _ in users],
    }
    table = pa.table({k: pa.array(v) for k, v in cols.items()})
    for name, kind in FIELDS.items():
        if name not in table.column_names:
            table = table.append_column(
                name,
                pa.nulls(
                    4 * n,
                    pa.bool_()
                    if kind == "boolean"
                    else pa.int64()
                    if kind == "int64"
                    else pa.string(),
                ),
            )
    return table.select(list(FIELDS))


def part_c(n: int) -> None:
    gc.collect()
    before = rss()
    live = LiveSession("big")
    step = 100_000
    for first in range(0, n, step):
        live.update(viewers(min(step, n - first), first))
    gc.collect()
    grown = rss() - before
    snap = snapshot(live, 5)
    assert snap["metrics"]["watch_uv"]["value"] >= 0
    print(f"(c) memory: {n:,} distinct viewers, {live.events:,} events")
    print(f"    state's own count:                {live.nbytes() / n:>12,.0f} bytes per viewer")
    print(f"    process resident growth:          {grown / n:>12,.0f} bytes per viewer")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="the issue's sizes")
    parser.add_argument("--only", choices=["a", "b", "c"])
    args = parser.parse_args()
    pa.set_cpu_count(1)  # one core: Arrow's kernels must not spread over threads
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.only in (None, "a"):
        part_a(10_000_000 if args.full else 1_000_000, 10)
    if args.only in (None, "b"):
        part_b(60 if args.full else 20, 20_000)
    if args.only in (None, "c"):
        part_c(1_000_000 if args.full else 100_000)
    print(
        f"this process: {time.process_time():.1f} CPU s; load average at end: "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
