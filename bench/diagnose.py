"""Benchmark: diagnose every merchant of a store in one pass (issue 7).

A store of N merchants and M orders over 90 days is generated straight into a DuckDB file by
SQL (orders, one line each, refunds with reasons, products, merchants with categories and
providers, the merchants' own live sessions and their ad spend; no live *events*: at 20 M
orders a simulated world would hold billions of them, see docs/performance.md). Order counts
per merchant are skewed (a few large merchants, many small), so every STEPS stage is present.

The store is then laid out as a user's would be: by `App.optimize_store`, what
`caopan db optimize` runs (orders and order lines clustered by merchant), timed on its own.
Wall time, the process's CPU seconds and the load average are printed for every step (the
machine may be shared).

(a0), (b0) With `--before K` (default 3): the pass and K merchants' reports on the store as
    generated (appended in time order, every merchant in every row group), before optimising;
    the reports must come out identical after.
(a) `App.diagnose_all`: every merchant in one pass (grouped by merchant): seconds and
    merchants/s. Bar: all 1,000 in < 120 s.
(b) The single-merchant path (`App.diagnose`: the merchant alone, its peers' values read from
    the readings (a) stored, plus the page's breakdowns and the HTML page) for a sample of
    merchants from the largest to the smallest, timed and scaled to N; the ratio of (b) × N
    over (a). Bar: one merchant's report < 3 s.

    .venv/bin/python bench/diagnose.py            # 100 merchants, 2 M orders
    .venv/bin/python bench/diagnose.py --full     # 1,000 merchants, 20 M orders
    .venv/bin/python bench/diagnose.py --full --db STORE --before 0   # keep the store
    .venv/bin/python bench/diagnose.py --db STORE --before 0 --skip-optimize  # time it again
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from caopan.app import App
from caopan.domain.clock import MS_PER_DAY, day_start_ms
from caopan.domain.entities import STAGES
from caopan.reports import diagnosis as report

START = date(2026, 6, 1)
DAYS = 90
AS_OF = START + timedelta(days=DAYS - 1)
CATEGORIES = ("服饰", "食品", "美妆", "家居", "母婴", "3C", "珠宝玉石", "鞋靴箱包")
REASONS = ("尺码不合适", "质量问题", "不想要了", "与描述不符", "发货太慢", "拍错了")


def u(key: str) -> str:
    """A deterministic uniform number in [0, 1) from a SQL expression."""
    return f"((hash({key}) % 1000000007)::DOUBLE / 1000000007)"


def generate(app: App, merchants: int, orders: int) -> float:
    con = app.engine.con.con
    t0 = time.perf_counter()
    start = day_start_ms(START)
    span = DAYS * MS_PER_DAY
    cats = "[" + ",".join(f"'{c}'" for c in CATEGORIES) + "]"
    reasons = "[" + ",".join(f"'{r}'" for r in REASONS) + "]"
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"""
        INSERT INTO providers SELECT 'P' || lpad(i::VARCHAR, 3, '0'), '服务商' || i, 'MCN', '核心',
            {start}
        FROM range(20) t(i)""")
    con.execute(f"""
        INSERT INTO merchants SELECT 'M' || lpad(i::VARCHAR, 4, '0'), '商家' || i,
            {cats}[1 + i % {len(CATEGORIES)}], NULL, 'P' || lpad((i % 20)::VARCHAR, 3, '0'),
            DATE '{START}', {start}
        FROM range({merchants}) t(i)""")
    con.execute(f"""
        INSERT INTO products SELECT 'M' || lpad(m::VARCHAR, 4, '0') || '-p' || p,
            'M' || lpad(m::VARCHAR, 4, '0'), '商品' || p, NULL, 1000 + p * 700, NULL, 100, NULL,
            NULL, NULL
        FROM range({merchants}) a(m), range(40) b(p)""")
    # Merchant of an order: skewed (u^2.5), so a few merchants hold most orders.
    con.execute(f"""
        CREATE TEMP TABLE g AS SELECT i,
            floor({merchants} * pow({u("i, 'm'")}, 2.5))::BIGINT AS m,
            {start} + (hash(i, 't') % {span})::BIGINT AS paid_at,
            {u("i, 'c'")} AS c,
            1000 + (hash(i, 'a') % 30000)::BIGINT AS fen
        FROM range({orders}) t(i)""")
    con.execute(f"""
        INSERT INTO orders SELECT 'o' || i, 'M' || lpad(m::VARCHAR, 4, '0'), NULL,
            CASE WHEN c < 0.6 THEN 'M' || lpad(m::VARCHAR, 4, '0') || '-s'
                 || ((paid_at - {start}) // {MS_PER_DAY}) END,
            NULL, 'b' || m || '-' || (hash(i, 'b') % (200 + m * 3)),
            CASE WHEN c < 0.6 THEN 'self' WHEN c < 0.9 THEN 'distribution' ELSE 'shelf' END,
            CASE WHEN c >= 0.6 AND c < 0.9 THEN 't' || (hash(i, 'k') % 300) END, NULL, 'paid',
            paid_at - 30000, paid_at, paid_at + (6 + hash(i, 's') % 50) * 3600000, NULL,
            fen, 0, 0, NULL, NULL
        FROM g""")
    con.execute("""
        INSERT INTO order_lines SELECT 'o' || i, 1,
            'M' || lpad(m::VARCHAR, 4, '0') || '-p' || floor(30 * pow(c, 3))::BIGINT, NULL, 1, fen,
            fen, false, CASE WHEN c >= 0.6 AND c < 0.9 THEN 200000 END, NULL,
            'M' || lpad(m::VARCHAR, 4, '0')
        FROM g""")
    con.execute(f"""
        INSERT INTO refunds SELECT 'r' || i, 'o' || i, 1,
            CASE WHEN hash(i, 'f') % 4 = 0 THEN fen // 2 ELSE fen END,
            paid_at + (hash(i, 'w') % (5 * {MS_PER_DAY}))::BIGINT,
            {reasons}[(1 + hash(i, 'y') % {len(REASONS)})::BIGINT]
        FROM g WHERE hash(i, 'r') % 100 < 9""")
    con.execute("""
        INSERT INTO live_sessions SELECT DISTINCT session_id, merchant_id, NULL, NULL, NULL, 0
        FROM orders WHERE session_id IS NOT NULL""")
    con.execute(f"""
        INSERT INTO ad_spend SELECT 'ad-' || session_id, session_id, merchant_id, 'paid_jinniu',
            {start} + (regexp_extract(session_id, '-s(\\d+)$', 1)::BIGINT) * {MS_PER_DAY},
            (hash(session_id) % 50000)::BIGINT
        FROM live_sessions""")
    con.execute("DROP TABLE g")
    con.execute("CHECKPOINT")
    return time.perf_counter() - t0


def cpu_seconds() -> float:
    """CPU time of this process (all of DuckDB's threads): a figure less bent by other work on
    a shared machine than the wall clock."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


class Clock:
    """Wall and CPU seconds of one step, and the load average when it ended."""

    def __enter__(self) -> Clock:
        self.t0, self.c0 = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = cpu_seconds() - self.c0
        self.load = load()

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.1f} CPU s, load {self.load}"


def one_pass(app: App, label: str) -> tuple[list[dict[str, Any]], float]:
    with Clock() as clock:
        results = app.diagnose_all(30, AS_OF)  # stores readings: (b) reads its peers
    stages = {s: sum(1 for r in results if r["stage"] == s) for s in STAGES}
    findings = sum(len(r["findings"]) for r in results)
    print(f"({label}) one pass: {len(results):,} merchants in {clock} = "
          f"{len(results) / clock.wall:,.1f} merchants/s; stages {stages}; "
          f"{findings:,} findings")  # fmt: skip
    return results, clock.wall


def singles(app: App, label: str, picked: list[str], n: int) -> tuple[float, float, dict[str, Any]]:
    """Time the single-merchant path (diagnosis + page) for `picked`; mean, worst, results."""
    times, cpus, found = [], [], {}
    for merchant in picked:
        with Clock() as clock:
            result = app.diagnose(merchant, 30, AS_OF, record=False)
            report.render(result)
        times.append(clock.wall)
        cpus.append(clock.cpu)
        found[merchant] = result
        orders = result["indicators"]["orders"]["value"]
        print(f"    {merchant} ({orders:,} orders in the window): {clock}")
    mean = sum(times) / len(times)
    print(f"({label}) single-merchant path (diagnosis + page): mean {mean:.2f} s "
          f"({sum(cpus) / len(cpus):.2f} CPU s), worst {max(times):.2f} s wall, "
          f"{max(cpus):.2f} CPU s over {len(picked)} merchants (largest to smallest); "
          f"× {n:,} = {mean * n:,.0f} s")  # fmt: skip
    return mean, max(times), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="1,000 merchants, 20 M orders")
    parser.add_argument("--merchants", type=int, default=100)
    parser.add_argument("--orders", type=int, default=2_000_000)
    parser.add_argument("--sample", type=int, default=10, help="merchants timed one by one")
    parser.add_argument(
        "--before",
        type=int,
        default=3,
        help="merchants also timed on the store as generated, before `db optimize` (0: none)",
    )
    parser.add_argument(
        "--db", type=Path, help="keep the store here, or reuse it if it exists (default a temp dir)"
    )
    parser.add_argument(
        "--skip-optimize",
        action="store_true",
        help="a reused store is already clustered (kept by a run with --db): do not rewrite it",
    )
    args = parser.parse_args()
    if args.full:
        args.merchants, args.orders = 1_000, 20_000_000
    print(f"machine: {os.cpu_count()} cores, load average {load()} at the start")
    with tempfile.TemporaryDirectory(prefix="caopan-bench-diagnose-") as tmp:
        db = args.db or Path(tmp) / "diagnose.duckdb"
        reuse = db.exists()
        with App(str(db)) as app:
            if reuse:  # a store kept by an earlier run with --db
                counts = app.table_counts()
                args.merchants, args.orders = counts["merchants"], counts["orders"]
                made = 0.0
            else:
                app.init_db()
                made = generate(app, args.merchants, args.orders)
            app.engine.con.raw_sql("SET enable_progress_bar = false")
            how = "reused" if reuse else f"generated in {made:.1f} s"
            print(f"store: {args.merchants:,} merchants, {args.orders:,} orders over {DAYS} days "
                  f"{how}")  # fmt: skip
            threads = app.engine.con.con.execute("SELECT current_setting('threads')").fetchone()
            print(f"DuckDB threads: {threads[0]}")
            before: dict[str, Any] = {}
            if args.before:
                as_is = "as stored" if reuse else "as generated"
                results, _ = one_pass(app, f"a0, {as_is}")
                picked = pick(results, args.before)
                _, _, before = singles(app, f"b0, {as_is}", picked, len(results))
            if reuse and args.skip_optimize:
                print("caopan db optimize: skipped (the reused store is already clustered)")
            else:
                with Clock() as clock:
                    done = app.optimize_store()  # what a user runs: caopan db optimize
                rows = f"{done['orders']:,} orders, {done['order_lines']:,} lines"
                print(f"caopan db optimize: {rows} clustered by merchant in {clock}")
            results, pass_s = one_pass(app, "a")
            picked = pick(results, args.sample)
            mean, worst, after = singles(app, "b", picked, len(results))
            same = all(json.dumps(before[m], default=str) == json.dumps(after[m], default=str)
                       for m in before if m in after)  # fmt: skip
            if before:
                print(f"reports before and after optimising: {'identical' if same else 'DIFFER'}")
            scaled = mean * len(results)
            print(f"ratio: one pass is {scaled / pass_s:,.1f}× faster than the single-merchant "
                  f"path × {len(results):,} (sampled and scaled)")  # fmt: skip
            print(f"machine: {os.cpu_count()} cores, load average {load()} at the end")
            print(
                f"bars: all in < 120 s: {'PASS' if pass_s < 120 else 'FAIL'} ({pass_s:.1f} s); "
                f"one report < 3 s: {'PASS' if worst < 3 else 'FAIL'} ({worst:.2f} s worst)"
            )


def pick(results: list[dict[str, Any]], k: int) -> list[str]:
    """`k` merchants spread from the largest to the smallest (by orders in the window)."""
    ranked = sorted(results, key=lambda r: -(r["indicators"]["orders"]["value"] or 0))
    step = max(1, len(ranked) // k)
    chosen = [*ranked[::step][: k - 1], ranked[-1]] if k > 1 else ranked[:1]
    return [r["merchant_id"] for r in chosen]


if __name__ == "__main__":
    main()
