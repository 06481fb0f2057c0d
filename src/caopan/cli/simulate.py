"""`caopan simulate`: fill a store with a simulated world, write one session, replay one."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from caopan.cli.common import JsonFlag, err, fail, open_app, out, print_json
from caopan.domain.clock import shanghai_text
from caopan.sim import frames, history
from caopan.sim.calibration import CATEGORIES, STAGES
from caopan.sim.room import simulate as simulate_room
from caopan.sim.world import DEFAULT_START, WorldSpec, single_room

simulate_app = typer.Typer(
    help="A simulated live-commerce world: providers, merchants, talents, live rooms.",
    invoke_without_command=True,
)


@simulate_app.callback()
def simulate_world(
    ctx: typer.Context,
    providers: Annotated[int, typer.Option(help="Service providers.")] = 8,
    merchants: Annotated[int, typer.Option(help="Merchants.")] = 40,
    days: Annotated[int, typer.Option(help="Days of history.")] = 14,
    seed: Annotated[int, typer.Option(help="Same seed, same world.")] = 1,
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")] = DEFAULT_START.isoformat(),
    talents: Annotated[int | None, typer.Option(help="Talents (default merchants / 4).")] = None,
    events_out: Annotated[
        Path | None, typer.Option(help="Also write the raw event streams to this folder.")
    ] = None,
    events_format: Annotated[str, typer.Option(help="parquet or ndjson.")] = "parquet",
    as_json: JsonFlag = False,
) -> None:
    """Build a world and its history into the store (--db)."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        first = date.fromisoformat(start)
    except ValueError:
        fail(f"--start must be a date YYYY-MM-DD, not {start!r}", 2)
    spec = WorldSpec(providers, merchants, days, seed, first, talents)
    with open_app() as app, _progress() as progress:
        task = progress.add_task("模拟 simulating", total=None)

        def update(done: int, total: int, events: int) -> None:
            progress.update(
                task,
                completed=done,
                total=total,
                description=f"模拟 simulating · {events:,} events",
            )

        summary = app.simulate(spec, update, events_out, events_format)
    if as_json:
        print_json(summary.to_json())
        return
    out.print(
        f"simulated {summary.providers} providers, {summary.merchants} merchants, "
        f"{summary.anchors} anchors, {summary.products} products; "
        f"{summary.sessions:,} sessions with {summary.events:,} events, "
        f"{summary.orders:,} orders (GMV ¥{summary.gmv_fen / 100:,.2f}), "
        f"{summary.refunds:,} refunds",
        highlight=False,
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@simulate_app.command("session")
def simulate_session(
    out_file: Annotated[Path, typer.Option("--out", help="NDJSON file to write.")],
    seed: Annotated[int, typer.Option(help="Same seed, same session.")] = 1,
    minutes: Annotated[int, typer.Option(help="Length of the broadcast.")] = 120,
    stage: Annotated[str, typer.Option(help=f"One of {', '.join(STAGES)}.")] = "KA",
    category: Annotated[str, typer.Option(help=f"One of {', '.join(CATEGORIES)}.")] = "服饰",
    session_id: Annotated[str | None, typer.Option(help="Session id (default sim-SEED).")] = None,
) -> None:
    """Write one simulated session's events as NDJSON (no store needed)."""
    room = single_room(seed, minutes, stage, category, session_id)
    events = simulate_room(room, np.random.default_rng([seed, 10]))
    table = frames.to_arrow(room.session_id, events, room.products)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    history.write_ndjson(table.drop_columns(["extra", "ingested_at"]), out_file)
    err.print(
        f"{room.session_id}: {table.num_rows:,} events, {minutes} min from "
        f"{shanghai_text(room.start_ms)} → {out_file}",
        highlight=False,
    )


@simulate_app.command("replay")
def simulate_replay(
    seed: Annotated[int, typer.Option(help="Same seed, same session.")] = 1,
    minutes: Annotated[int, typer.Option(help="Length of the broadcast.")] = 120,
    stage: Annotated[str, typer.Option(help=f"One of {', '.join(STAGES)}.")] = "KA",
    category: Annotated[str, typer.Option(help=f"One of {', '.join(CATEGORIES)}.")] = "服饰",
    speed: Annotated[float, typer.Option(help="Times faster than wall clock.")] = 1.0,
    to: Annotated[str | None, typer.Option(help="Server base URL; default: into --db.")] = None,
    token: Annotated[str | None, typer.Option(help="Bearer token for --to.")] = None,
    session_id: Annotated[str | None, typer.Option(help="Session id (default sim-SEED).")] = None,
    start_now: Annotated[bool, typer.Option(help="Shift the session to start now.")] = True,
) -> None:
    """Replay a simulated session at wall-clock pace (or --speed K) into the live intake."""
    from caopan.domain.clock import now_ms

    room = single_room(
        seed, minutes, stage, category, session_id, start_ms=now_ms() if start_now else None
    )
    events = simulate_room(room, np.random.default_rng([seed, 10]))
    table = frames.to_arrow(room.session_id, events, room.products)
    with open_app() as app:
        stats = app.replay(table, speed, to, token)
    err.print(
        f"{room.session_id}: replayed {stats.events:,} events in {stats.batches:,} batches "
        f"over {stats.seconds:,.1f} s",
        highlight=False,
    )
