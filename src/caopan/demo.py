"""`make demo`: a simulated agency, the server on 127.0.0.1:8000, and a session broadcast live.

1. If the demo store has no world yet, simulate a small agency into it (providers, merchants,
   talents, two days of sessions: about ten million viewer events) and ingest the example event
   file that ships with caopan (two broken lines show the quarantine).
2. Start the web server, and replay a freshly simulated session through its HTTP intake in real
   time (or `--speed K` times faster), so the big screen moves.
3. Print the URLs: the home page, the live screen, the review.

`--no-serve` stops after step 1 and prints a summary instead.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import httpx
import numpy as np
from rich.console import Console

from caopan.app import App
from caopan.domain.clock import now_ms
from caopan.domain.money import Money
from caopan.sim import frames, replay
from caopan.sim.room import Room, simulate
from caopan.sim.world import WorldSpec, single_room

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "demo-session.ndjson"
DEMO_WORLD = WorldSpec(providers=4, merchants=10, days=2, seed=7, talents=2)
LIVE_SESSION = "live-demo"


def prepare(app: App, console: Console, world: WorldSpec = DEMO_WORLD) -> None:
    """Simulate the agency into the store unless it is there already."""
    if app.providers():
        console.print(f"using the agency already in {app.url}", highlight=False)
        return
    started = time.perf_counter()
    with console.status("模拟 simulating an agency…"):
        summary = app.simulate(world)
    console.print(
        f"simulated {summary.providers} providers, {summary.merchants} merchants, "
        f"{summary.anchors} anchors: {summary.sessions} sessions, {summary.events:,} events, "
        f"{summary.orders:,} orders (GMV {Money(summary.gmv_fen)}) "
        f"in {time.perf_counter() - started:.0f} s",
        highlight=False,
    )
    [report] = app.ingest_event_files([EXAMPLE])
    console.print(
        f"ingested {EXAMPLE.name}: {report.accepted} accepted, {report.rejected} rejected "
        "→ quarantine (caopan quarantine list)",
        highlight=False,
    )


def broadcast(
    base_url: str,
    token: str,
    room: Room,
    speed: float,
    stop: threading.Event,
    console: Console,
) -> None:
    """Replay a simulated session, shifted to start now, into the server's intake."""
    session = room.session_id
    for _ in range(200):  # wait for the server to listen
        try:
            httpx.get(f"{base_url}/api/health", timeout=1.0)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    table = frames.to_arrow(
        room.session_id, simulate(room, np.random.default_rng([11, 10])), room.products
    )
    console.print(f"[bold green]直播中 live[/]: {base_url}/screen/{session}", highlight=False)

    def sleep(seconds: float) -> None:
        if stop.wait(seconds):
            raise SystemExit

    try:
        replay.replay(table, replay.http_sink(base_url, token), speed, sleep=sleep)
    except SystemExit:
        return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="out/demo.duckdb", help="demo store path")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--speed", type=float, default=1.0, help="replay speed (1 = real time)")
    parser.add_argument("--minutes", type=int, default=180, help="length of the live session")
    parser.add_argument("--no-serve", action="store_true", help="build the store and stop")
    args = parser.parse_args()
    console = Console()
    console.rule("[bold]caopan 操盘 — demo")
    app = App(args.db)
    prepare(app, console)
    if args.no_serve:
        console.print(f"store: {app.url} ({sum(app.table_counts().values()):,} rows)")
        app.close()
        return
    served = [m for m in app.merchants() if m["provider_id"] is not None]
    merchant = served[0] if served else None
    provider = str(merchant["provider_id"] if merchant else app.providers()[0]["provider_id"])
    session = f"{LIVE_SESSION}-{time.strftime('%H%M%S')}"
    merchant_id = str(merchant["merchant_id"]) if merchant else None
    category = str(merchant["category"]) if merchant else "服饰"
    app.add_session(session, provider, merchant_id=merchant_id, title="直播演示 live demo")
    # the room sells the merchant's live shelf, so the screen shows product names and stock
    room = single_room(
        seed=11,
        minutes=args.minutes,
        stage="爬坡",
        category=category,
        session_id=session,
        start_ms=now_ms(),
        shelf=f"{merchant_id or 'M0001'}-live-",
    )
    if merchant_id is not None:
        app.add_products(frames.shelf_table(merchant_id, category, room, seed=11))
    token = app.create_token(provider)

    import uvicorn

    from caopan.web.app import create_app

    base = f"http://{args.host}:{args.port}"
    stop = threading.Event()
    thread = threading.Thread(
        target=broadcast,
        args=(base, token, room, args.speed, stop, console),
        daemon=True,
    )
    thread.start()
    console.print(f"首页 home: {base}/   (Ctrl-C stops)", highlight=False)
    console.print(
        f"服务商令牌 provider token ({provider}), for ⚙ 预警设置 on the screen:", highlight=False
    )
    console.print(token, highlight=False, soft_wrap=True)
    try:
        uvicorn.run(create_app(app), host=args.host, port=args.port, log_level="warning")
    finally:
        stop.set()


if __name__ == "__main__":
    main()
