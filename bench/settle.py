"""Benchmark: settlement of simulated orders with refunds, vectorised engine against the
row-by-row reference (issue 6).

A mix of contracts — flat-rate per-session plans (with slot fees, a guarantee, product rates)
and monthly tiered plans (progressive and whole, one with a cap) — each over its own
merchant's orders in October–November 2026: 85 % received, 15 % refunded (half in full, part
after settling, so there are voids and clawbacks), settled as of 31 December.

* Engine: `caopan.engine.settlement.settle` on DuckDB over the orders in DuckDB tables (loaded
  before the clock, as a store holds them), every line, clawback and session computed into
  DuckDB tables (the store's writes of them are not timed).
* Reference: the slow, obvious row-by-row calculator of the tests
  (`tests/engine/commission_oracle.py`) on a sample of the same shape, timed and scaled up to
  orders per second. Before any figure is printed, the engine's calculator on the sample must
  give exactly the reference's output (orders, clawbacks, sessions, totals) for every contract.

Bars (with `--full`: 10 million orders, 100,000-order sample): < 60 s and ≥ 20× the reference.

    .venv/bin/python bench/settle.py            # 1,000,000 orders, 20,000-order sample
    .venv/bin/python bench/settle.py --full     # 10,000,000 orders, 100,000-order sample
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caopan.domain.clock import MS_PER_DAY, day_start_ms
from caopan.domain.commission import Plan
from caopan.engine.backend import connect
from caopan.engine.exact import exact_for
from caopan.engine.settlement import calculate, settle
from caopan.engine.staging import StoreStaging

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "engine"))
import commission_oracle as oracle

OCT = day_start_ms(date(2026, 10, 1))
AS_OF = day_start_ms(date(2027, 1, 1)) - 1
TIERS = [
    {"from_fen": 0, "rate_ppm": 50_000},
    {"from_fen": 10_000_000, "rate_ppm": 80_000},
    {"from_fen": 50_000_000, "rate_ppm": 100_000},
]
CONTRACTS: tuple[dict[str, Any], ...] = (
    {"rate_ppm": 100_000, "slot_fee_fen": 2_000_000},
    {"rate_ppm": 80_000, "guarantee_fen": 50_000_000, "slot_fee_fen": 1_000_000},
    {"rate_ppm": 120_000, "product_rates": {"p7": 200_000, "p8": 150_000}},
    {"rate_ppm": 60_000, "base": "paid", "settle_lag_days": 15},
    {"tiers": TIERS, "period": "month", "tier_mode": "progressive", "monthly_fee_fen": 500_000},
    {"tiers": TIERS, "period": "month", "tier_mode": "whole"},
    {"tiers": TIERS, "period": "month", "cap_fen": 3_000_000_000, "product_rates": {"p3": 90_000}},
    {"tiers": TIERS, "period": "month", "guarantee_fen": 2_000_000_000, "slot_fee_fen": 300_000},
)
PLANS = tuple(Plan.from_dict(terms | {"valid_from": "2026-10-01"}) for terms in CONTRACTS)
ORDERS_PER_SESSION = 2_000


def orders(n: int, seed: int, prefix: str) -> tuple[pa.Table, pa.Table]:
    """`n` order lines (`LINE_COLUMNS`) and their refunds (`REFUND_COLUMNS`), reproducibly."""
    rng = np.random.default_rng(seed)
    sessions = max(1, n // ORDERS_PER_SESSION)
    session = rng.integers(0, sessions, n)
    start = OCT + rng.integers(0, 60, sessions) * MS_PER_DAY + 19 * 3_600_000
    paid_at = start[session] + rng.integers(0, 3 * 3_600_000, n)
    paid = rng.integers(990, 60_000, n)
    received = paid_at + rng.integers(1, 6, n) * MS_PER_DAY
    got = rng.random(n) < 0.85
    ids = pc.binary_join_element_wise(prefix, pa.array(np.arange(n)).cast(pa.string()), "")
    lines = pa.table(
        {
            "line_id": pc.binary_join_element_wise(ids, "#1", ""),
            "order_id": ids,
            "session_id": pc.binary_join_element_wise(
                prefix + "s", pa.array(session).cast(pa.string()), ""
            ),
            "product_id": pc.binary_join_element_wise(
                "p", pa.array(rng.integers(0, 10, n)).cast(pa.string()), ""
            ),
            "paid_fen": pa.array(paid, pa.int64()),
            "paid_at": pa.array(paid_at, pa.int64()),
            "received_at": pa.array(received, pa.int64(), mask=~got),
            "after_sale_open": pa.array(rng.random(n) < 0.01),
        }
    )
    refunded = np.flatnonzero(rng.random(n) < 0.15)
    full = rng.random(len(refunded)) < 0.5
    amount = np.where(full, paid[refunded], rng.integers(1, paid[refunded]))
    at = paid_at[refunded] + rng.integers(0, 30 * MS_PER_DAY, len(refunded))
    refunds = pa.table(
        {
            "line_id": pc.take(lines["line_id"], pa.array(refunded)),
            "refund_id": pc.take(ids, pa.array(refunded)),
            "amount_fen": pa.array(amount, pa.int64()),
            "at": pa.array(at, pa.int64()),
        }
    )
    return lines, refunds


def calculator_orders(lines: pa.Table, refunds: pa.Table) -> list[dict[str, Any]]:
    """The same orders in the calculator's shape (for the reference and the check)."""
    by_line: dict[str, list[dict[str, int]]] = {}
    for r in refunds.to_pylist():
        by_line.setdefault(r["line_id"], []).append({"amount_fen": r["amount_fen"], "at": r["at"]})
    return [
        {
            "order_id": row["order_id"],
            "session_id": row["session_id"],
            "product_id": row["product_id"],
            "paid_fen": row["paid_fen"],
            "paid_at": row["paid_at"],
            "received_at": row["received_at"],
            "refunds": by_line.get(row["line_id"], []),
            "after_sale_open": row["after_sale_open"],
        }
        for row in lines.to_pylist()
    ]


def split(total: int) -> list[int]:
    share = total // len(PLANS)
    return [share + (1 if k < total % len(PLANS) else 0) for k in range(len(PLANS))]


def run_engine(total: int) -> tuple[float, float, int, int]:
    """Settle `total` orders across the contracts; (seconds, CPU seconds, lines, clawbacks)."""
    data = [orders(n, 1_000 + k, f"k{k}-") for k, n in enumerate(split(total))]
    engine = connect("duckdb://:memory:")
    engine.con.raw_sql("SET preserve_insertion_order = false")  # as the App's bulk writes
    x = exact_for(engine.con)
    tables = []
    for k, (lines, refunds) in enumerate(data):  # the orders are in the store before the clock
        engine.con.con.register(f"l{k}_in", lines)
        engine.con.con.execute(f"CREATE TABLE l{k} AS SELECT * FROM l{k}_in")
        engine.con.con.register(f"r{k}_in", refunds)
        engine.con.con.execute(f"CREATE TABLE r{k} AS SELECT * FROM r{k}_in")
        tables.append((engine.con.table(f"l{k}"), engine.con.table(f"r{k}")))
    del data
    n_lines = n_claws = 0
    started, cpu = time.perf_counter(), time.process_time()
    for plan, (lines, refunds) in zip(PLANS, tables, strict=True):
        staging = StoreStaging(engine.con)
        result = settle(lines, refunds, plan, AS_OF, x, None, staging)
        # every result computed in full inside DuckDB (as the store's insert would), counted
        claws = result.clawbacks.cache()
        sessions = result.sessions.cache()
        n_lines += int(result.lines.count().to_pyarrow().as_py())
        n_claws += int(claws.count().to_pyarrow().as_py())
        for table in (claws, sessions):
            table.release()
        staging.release()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.close()
    return seconds, cpu, n_lines, n_claws


def run_reference(sample: int) -> tuple[float, float, int]:
    """The row-by-row reference on `sample` orders; checks the engine gives the same."""
    spent = spent_cpu = 0.0
    for k, (plan, n) in enumerate(zip(PLANS, split(sample), strict=True)):
        lines, refunds = orders(n, 9_000 + k, f"r{k}-")
        rows = calculator_orders(lines, refunds)
        started, cpu = time.perf_counter(), time.process_time()
        want = oracle.calculate(plan, rows, AS_OF)
        spent += time.perf_counter() - started
        spent_cpu += time.process_time() - cpu
        want.pop("detail")
        got = calculate(plan, rows, AS_OF)
        if got != want:
            raise SystemExit(f"contract {k}: the engine and the reference differ on the sample")
    return spent, spent_cpu, sample


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--full", action="store_true", help="10 M orders, 100,000-order sample")
    args = parser.parse_args()
    total, sample = (10_000_000, 100_000) if args.full else (args.orders, args.sample)
    print(f"contracts: {len(PLANS)} (4 flat per session, 4 tiered per month)")
    ref_s, ref_cpu, ref_n = run_reference(sample)
    ref_rate = ref_n / ref_s
    print(
        f"reference (row by row): {ref_n:,} orders in {ref_s:.2f} s (CPU {ref_cpu:.2f} s) "
        f"= {ref_rate:,.0f} orders/s; load average {_load()}"
    )
    print("engine on the sample: identical to the reference (orders, clawbacks, sessions, total)")
    seconds, cpu, n_lines, n_claws = run_engine(total)
    rate = total / seconds
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"engine (DuckDB): {total:,} orders ({n_lines:,} lines, {n_claws:,} clawbacks) "
        f"in {seconds:.2f} s (CPU {cpu:.2f} s) = {rate:,.0f} orders/s; peak RSS {peak:,.0f} MB; "
        f"load average {_load()}"
    )
    print(f"ratio engine / reference: {rate / ref_rate:.1f}×")
    print(f"reference scaled to {total:,} orders: {total / ref_rate:.1f} s")
    if args.full:
        ok = seconds < 60 and rate / ref_rate >= 20
        print(f"bars (< 60 s, ≥ 20×): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
