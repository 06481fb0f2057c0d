"""`make demo`: a simulated agency in a fresh store, and what caopan makes of it.

Until the live screen lands, the demo simulates a small agency (providers, merchants, talents
and a few days of live sessions) into a fresh DuckDB file, ingests the example event file that
ships with caopan (two deliberately broken lines show the quarantine), and prints what the store
holds: providers and their merchants' GMV, the biggest sessions, the quarantine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import ibis
from rich.console import Console
from rich.table import Table

from caopan.app import App
from caopan.domain.clock import shanghai_text
from caopan.domain.money import Money
from caopan.sim.world import WorldSpec

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "demo-session.ndjson"
DEMO_WORLD = WorldSpec(providers=4, merchants=10, days=2, seed=7, talents=2)


def run(db: str, world: WorldSpec = DEMO_WORLD, events: Path = EXAMPLE) -> int:
    console = Console()
    path = Path(db.removeprefix("duckdb:///"))
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    with App(db) as app:
        console.rule("[bold]caopan 操盘 — demo")
        started = time.perf_counter()
        with console.status("模拟 simulating an agency…"):
            summary = app.simulate(world)
        console.print(
            f"simulated {summary.providers} providers, {summary.merchants} merchants, "
            f"{summary.anchors} anchors: {summary.sessions} sessions, {summary.events:,} events, "
            f"{summary.orders:,} orders in {time.perf_counter() - started:.1f} s",
            highlight=False,
        )
        [report] = app.ingest_event_files([events])
        console.print(
            f"ingested {events.name}: {report.accepted} accepted, {report.rejected} rejected "
            "→ quarantine",
            highlight=False,
        )
        console.print(_providers(app))
        console.print(_sessions(app))
        console.print("[bold]隔离区 quarantine[/] (caopan quarantine list):")
        for row in app.quarantine():
            console.print(
                f"  {Path(str(row['source'])).name}:{row['line']}  {row['reason']}", markup=False
            )
        console.print(f"store: {app.url} — try: .venv/bin/caopan --db {path} db info")
    return 0


def _providers(app: App) -> Table:
    orders = app.engine.table("orders")
    merchants = app.engine.table("merchants")
    providers = app.engine.table("providers")
    paid = orders.filter(orders.paid_at.notnull())
    joined = paid.join(merchants, paid.merchant_id == merchants.merchant_id)
    per = joined.group_by(joined.provider_id).aggregate(
        merchants=joined.merchant_id.nunique(), orders=joined.count(), gmv=joined.paid_fen.sum()
    )
    rows = per.left_join(providers, per.provider_id == providers.provider_id).order_by(
        ibis.desc("gmv")
    )
    table = Table(title="服务商 providers · 成交 GMV", title_justify="left")
    for col in ("服务商", "类型", "等级", "商家", "订单", "GMV"):
        table.add_column(col)
    for r in rows.to_pyarrow().to_pylist():
        table.add_row(
            r["name"] or "（无服务商 none）",
            r["category"] or "",
            r["tier"] or "",
            str(r["merchants"]),
            f"{r['orders']:,}",
            str(Money(int(r["gmv"]))),
        )
    return table


def _sessions(app: App) -> Table:
    orders = app.engine.table("orders")
    sessions = app.engine.table("live_sessions")
    paid = orders.filter(orders.paid_at.notnull())
    per = paid.group_by("session_id").aggregate(orders=paid.count(), gmv=paid.paid_fen.sum())
    top = per.join(sessions, "session_id").order_by(ibis.desc("gmv")).limit(8)
    table = Table(title="场次 top sessions", title_justify="left")
    for col in ("场次", "直播间", "开播 (北京时间)", "订单", "GMV"):
        table.add_column(col)
    for r in top.to_pyarrow().to_pylist():
        table.add_row(
            r["session_id"],
            r["title"],
            shanghai_text(int(r["created_at"])),
            f"{r['orders']:,}",
            str(Money(int(r["gmv"]))),
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="out/demo.duckdb", help="demo store path")
    args = parser.parse_args()
    raise SystemExit(run(args.db))


if __name__ == "__main__":
    main()
