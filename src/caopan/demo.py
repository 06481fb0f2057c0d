"""`make demo`: build a demo store and show what caopan holds.

Until the simulator and the live screen land, the demo ingests the example session shipped
in `examples/` (with two deliberately broken lines) into a fresh DuckDB file, then prints the
store, the sessions and the quarantine.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from caopan.app import App
from caopan.domain.clock import shanghai_text
from caopan.domain.entities import Merchant, Provider

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "demo-session.ndjson"


def run(db: str, events: Path = EXAMPLE) -> int:
    console = Console()
    path = Path(db.removeprefix("duckdb:///"))
    if path.exists():
        path.unlink()
    with App(db) as app:
        app.init_db()
        app.add_provider(Provider("p-xinghuo", "杭州星火传媒", category="MCN", tier="核心"))
        app.add_merchant(
            Merchant(
                "m-yalu", "雅鹿服饰旗舰店", category="服饰", stage="爬坡", provider_id="p-xinghuo"
            )
        )
        [report] = app.ingest_event_files([events])
        console.rule("[bold]caopan 操盘 — demo")
        console.print(
            f"ingested {events.name}: {report.lines} lines, {report.accepted} accepted, "
            f"{report.duplicate} duplicate, {report.conflicting} conflicting, "
            f"{report.rejected} rejected → quarantine",
            highlight=False,
        )
        sessions = Table(title="直播场次 sessions", title_justify="left")
        for col in ("session", "events", "start (北京时间)", "last event", "viewers 进场人数"):
            sessions.add_column(col)
        for s in app.session_summaries():
            sessions.add_row(
                str(s["session_id"]),
                f"{s['events']:,}",
                shanghai_text(int(s["start"])),
                shanghai_text(int(s["last"])),
                f"{s['viewers']:,}",
            )
        console.print(sessions)
        console.print("[bold]隔离区 quarantine[/] (caopan quarantine list):")
        for row in app.quarantine():
            console.print(f"  {row['source']}:{row['line']}  {row['reason']}", markup=False)
        console.print(f"store: {app.url}  ({sum(app.table_counts().values()):,} rows)")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="out/demo.duckdb", help="demo store path")
    args = parser.parse_args()
    raise SystemExit(run(args.db))


if __name__ == "__main__":
    main()
