"""Fill a store with a simulated world and its history, streamed in chunks.

The parties go in first; then the sessions of every day in start order, their events written
in chunks of about `CHUNK_EVENTS` rows (bounded memory however large the world), with the
orders, order lines, refunds and ad spend that the events imply. A chunk is written to the
store on one background thread while the next is generated (DuckDB's appends and Arrow release
the GIL, so the two use both cores); at most one chunk is being written while the next is
gathered, and chunks are written one after another in order. The store's "now" is
`HORIZON_DAYS` after the last simulated day: refunds later than that have not happened yet, and
order statuses are as of then.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from caopan.domain.clock import MS_PER_DAY, day_start_ms
from caopan.domain.commission import Contract, Plan
from caopan.engine.backend import Engine
from caopan.engine.contracts import add_contract
from caopan.sim import frames
from caopan.sim.calibration import CATEGORIES, CONTRACT_TERMS, item_name
from caopan.sim.room import ROLES, Product, simulate
from caopan.sim.world import MerchantRow, Session, World, WorldSpec, build_world, schedule

CHUNK_EVENTS: Final = 1_000_000
HORIZON_DAYS: Final = 7
REFUND_REASONS: Final = ("尺码不合适", "质量问题", "不想要了", "与描述不符", "发货太慢", "拍错了")

Progress = Callable[[int, int, int], None]
"""Called with (sessions done, sessions in all, events so far)."""


@dataclass(slots=True)
class Summary:
    providers: int = 0
    merchants: int = 0
    anchors: int = 0
    products: int = 0
    sessions: int = 0
    events: int = 0
    orders: int = 0
    refunds: int = 0
    gmv_fen: int = 0
    files: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


def horizon_ms(spec: WorldSpec) -> int:
    return day_start_ms(spec.start + timedelta(days=spec.days + HORIZON_DAYS))


def populate(
    engine: Engine,
    spec: WorldSpec,
    progress: Progress | None = None,
    events_out: Path | None = None,
    events_format: str = "parquet",
) -> Summary:
    """Build the world of `spec` and write it, with its history, into `engine`."""
    world = build_world(spec)
    summary = Summary()
    _write_parties(engine, world, summary)
    sessions = list(schedule(world))
    writer = _ChunkWriter(engine, world, summary, events_out, events_format)
    try:
        for done, session in enumerate(sessions, 1):
            room = session.room
            events = simulate(room, np.random.default_rng(list(session.seed)))
            end = room.start_ms + room.minutes * 60_000
            table = frames.to_arrow(room.session_id, events, room.products, ingested_at=end)
            writer.add(session, table)
            if progress is not None:
                progress(done, len(sessions), summary.events + writer.pending_rows)
        writer.flush()
    finally:
        writer.close()
    summary.sessions = len(sessions)
    return summary


def _write_parties(engine: Engine, world: World, summary: Summary) -> None:
    created = day_start_ms(world.spec.start)
    providers = world.providers
    engine.insert(
        "providers",
        pa.table(
            {
                "provider_id": [p.provider_id for p in providers],
                "name": [p.name for p in providers],
                "category": [p.category for p in providers],
                "tier": [p.tier for p in providers],
                "created_at": [created] * len(providers),
            }
        ),
    )
    ops = [(op, p.provider_id, name) for p in providers for op, name in p.operators]
    engine.insert(
        "operators",
        pa.table(
            {
                "operator_id": [o[0] for o in ops],
                "provider_id": [o[1] for o in ops],
                "name": [o[2] for o in ops],
                "created_at": [created] * len(ops),
            }
        ),
    )
    ms = world.merchants
    engine.insert(
        "merchants",
        pa.table(
            {
                "merchant_id": [m.merchant_id for m in ms],
                "name": [m.name for m in ms],
                "category": [m.category for m in ms],
                "stage": [m.stage for m in ms],
                "provider_id": [m.provider_id for m in ms],
                "opened_on": pa.array([m.opened_on for m in ms], pa.date32()),
                "created_at": [created] * len(ms),
            }
        ),
    )
    engine.insert(
        "shops",
        pa.table(
            {
                "shop_id": [f"{m.merchant_id}-shop" for m in ms],
                "merchant_id": [m.merchant_id for m in ms],
                "platform": ["kuaishou"] * len(ms),
                "name": [m.name for m in ms],
                "opened_at": [day_start_ms(m.opened_on) for m in ms],
            }
        ),
    )
    an = world.anchors
    engine.insert(
        "anchors",
        pa.table(
            {
                "anchor_id": [a.anchor_id for a in an],
                "name": [a.name for a in an],
                "kind": [a.kind for a in an],
                "merchant_id": [a.merchant_id for a in an],
                "followers": [a.followers for a in an],
                "layer": [a.layer for a in an],
            }
        ),
    )
    rng = np.random.default_rng([world.spec.seed, 4])
    products = list(world.products())
    margin = {m.category: CATEGORIES[m.category].margin for m, _ in products}
    engine.insert(
        "products",
        pa.table(
            {
                "product_id": [p.product_id for _, p in products],
                "merchant_id": [m.merchant_id for m, _ in products],
                "name": _names(products),
                "category": [m.category for m, _ in products],
                "price_fen": [p.price_fen for _, p in products],
                "cost_fen": [int(p.price_fen * (1 - margin[m.category])) for m, p in products],
                "stock": rng.integers(5, 5_000, len(products)).tolist(),
                "role": [ROLES[p.role] for _, p in products],
                "cps_rate_ppm": (rng.integers(10, 31, len(products)) * 10_000).tolist(),
                "in_alliance": [p.role <= 1 for _, p in products],
            }
        ),
    )
    _write_contracts(engine, world, created)
    summary.providers, summary.merchants = len(providers), len(ms)
    summary.anchors, summary.products = len(an), len(products)


def _jittered(rate_ppm: object, jitter: float) -> int:
    """A rate moved by `jitter`, to a whole per-mille."""
    assert isinstance(rate_ppm, int)
    return round(rate_ppm * jitter / 1_000) * 1_000


def _write_contracts(engine: Engine, world: World, created: int) -> None:
    """A contract between every served merchant and its provider, from the first day on."""
    rng = np.random.default_rng([world.spec.seed, 5])
    for merchant in world.merchants:
        if merchant.provider_id is None:
            continue
        terms = dict(CONTRACT_TERMS[merchant.stage])
        jitter = float(rng.uniform(0.8, 1.2))
        if "rate_ppm" in terms:
            terms["rate_ppm"] = _jittered(terms["rate_ppm"], jitter)
        else:
            tiers = terms["tiers"]
            assert isinstance(tiers, list)
            terms["tiers"] = [{**t, "rate_ppm": _jittered(t["rate_ppm"], jitter)} for t in tiers]
        terms["valid_from"] = world.spec.start.isoformat()
        contract = Contract(
            f"C-{merchant.merchant_id}",
            merchant.merchant_id,
            merchant.provider_id,
            Plan.from_dict(terms),
        )
        add_contract(engine, contract, created)


class _ChunkWriter:
    """Gathers sessions' events and writes them (and what they imply) in large chunks, on one
    writing thread: the only user of the engine while the world is generated."""

    def __init__(
        self,
        engine: Engine,
        world: World,
        summary: Summary,
        events_out: Path | None,
        events_format: str,
    ) -> None:
        self.engine, self.world, self.summary = engine, world, summary
        self.events_out, self.events_format = events_out, events_format
        self.tables: list[pa.Table] = []
        self.sessions: list[Session] = []
        self.pending_rows = 0
        self.chunk = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caopan-sim-writer")
        self._writing: Future[Path | None] | None = None
        self.horizon = horizon_ms(world.spec)
        self.merchant_of = {p.product_id: m.merchant_id for m, p in world.products()}
        if events_out is not None:
            events_out.mkdir(parents=True, exist_ok=True)

    def add(self, session: Session, table: pa.Table) -> None:
        late_refund = pc.and_(
            pc.equal(table.column("type"), "refund"), pc.greater(table.column("ts"), self.horizon)
        )
        if pc.any(late_refund).as_py():
            table = table.filter(pc.invert(late_refund))
        self.tables.append(table)
        self.sessions.append(session)
        self.pending_rows += table.num_rows
        if self.pending_rows >= CHUNK_EVENTS:
            self.flush()

    def flush(self) -> None:
        """Derive what the gathered events imply, then hand the chunk to the writing thread
        (after the previous chunk is written)."""
        if not self.tables:
            return
        events = pa.concat_tables(self.tables)
        sessions = _sessions_table(self.sessions)
        orders, lines, refunds, spend = derive(
            events, self.sessions, self.merchant_of, self.horizon, self.world.spec.seed
        )
        self.summary.events += events.num_rows
        self.summary.orders += orders.num_rows
        self.summary.refunds += refunds.num_rows
        self.summary.gmv_fen += int(pc.sum(orders.column("paid_fen")).as_py() or 0)
        tables = (
            ("live_events", events),
            ("live_sessions", sessions),
            ("orders", orders),
            ("order_lines", lines),
            ("refunds", refunds),
            ("ad_spend", spend),
        )
        self.wait()
        self._writing = self._pool.submit(self._write, tables, self.chunk)
        self.tables, self.sessions, self.pending_rows = [], [], 0
        self.chunk += 1

    def wait(self) -> None:
        """Block until the chunk being written is in the store; its error, if any, is raised."""
        writing, self._writing = self._writing, None
        if writing is not None:
            path = writing.result()
            if path is not None:
                self.summary.files.append(str(path))

    def close(self) -> None:
        """Wait for the last chunk and stop the writing thread."""
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)

    def _write(self, tables: tuple[tuple[str, pa.Table], ...], chunk: int) -> Path | None:
        for name, table in tables:  # a large table's slices are appended at once
            self.engine.insert_split(name, table)
        if self.events_out is None:
            return None
        return self._write_out(tables[0][1], chunk)

    def _write_out(self, events: pa.Table, chunk: int) -> Path:
        assert self.events_out is not None
        body = events.drop_columns(["extra", "ingested_at"])
        if self.events_format == "ndjson":
            path = self.events_out / f"events-{chunk:05d}.ndjson"
            write_ndjson(body, path)
        else:
            path = self.events_out / f"events-{chunk:05d}.parquet"
            pq.write_table(body, path, compression="zstd")
        return path


def _sessions_table(sessions: list[Session]) -> pa.Table:
    return pa.table(
        {
            "session_id": [s.room.session_id for s in sessions],
            "merchant_id": [s.merchant_id for s in sessions],
            "anchor_id": [s.anchor_id for s in sessions],
            "provider_id": [s.provider_id for s in sessions],
            "title": [s.title for s in sessions],
            "created_at": [s.room.start_ms for s in sessions],
        }
    )


def derive(
    events: pa.Table,
    sessions: list[Session],
    merchant_of: dict[str, str],
    horizon: int,
    seed: int,
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Orders, order lines, refunds and ad spend implied by a chunk of events.

    What is drawn here (shipping and receipt times, refund reasons) depends only on the world's
    seed and the order's id, not on how the events were cut into chunks.
    """
    kind = events.column("type")
    created = events.filter(pc.equal(kind, "order_created")).select(
        ["session_id", "order_id", "user_id", "product_id", "quantity", "amount_fen", "ts"]
    )
    paid = events.filter(pc.equal(kind, "order_paid")).select(["order_id", "ts", "amount_fen"])
    paid = paid.rename_columns(["order_id", "paid_at", "paid_fen"])
    orders = created.join(paid, "order_id", join_type="left outer").sort_by("order_id")
    n = orders.num_rows
    meta = {s.room.session_id: s for s in sessions}
    session_ids = orders.column("session_id").to_pylist()
    product_ids = orders.column("product_id").to_pylist()
    talent = [meta[s].merchant_id is None for s in session_ids]
    paid_at = orders.column("paid_at").to_numpy(zero_copy_only=False)
    paid_at = np.where(np.isnan(paid_at.astype(float)), -1, paid_at).astype(np.int64)
    order_ids = orders.column("order_id").to_pylist()
    draws = np.array([_draw(seed, "ship", o) for o in order_ids], np.int64).reshape(n)
    shipped = paid_at + (6 + draws % 54) * 3_600_000
    received = shipped + (1 + (draws // 54) % 4) * MS_PER_DAY
    refunds = events.filter(pc.equal(kind, "refund")).select(
        ["event_id", "order_id", "amount_fen", "ts"]
    )
    refunded = refunds.group_by("order_id").aggregate([("amount_fen", "sum")])
    refund_of = dict(
        zip(
            refunded.column("order_id").to_pylist(),
            refunded.column("amount_fen_sum").to_pylist(),
            strict=True,
        )
    )
    paid_fen = orders.column("paid_fen").to_pylist()
    status = []
    for i, order_id in enumerate(orders.column("order_id").to_pylist()):
        if paid_at[i] < 0:
            status.append("closed")
        elif refund_of.get(order_id, 0) >= (paid_fen[i] or 0):
            status.append("refunded")
        elif received[i] <= horizon:
            status.append("received")
        elif shipped[i] <= horizon:
            status.append("shipped")
        else:
            status.append("paid")
    unpaid = paid_at < 0
    ship_mask = unpaid | (shipped > horizon)
    receive_mask = unpaid | (received > horizon)
    quantity = orders.column("quantity")
    amount = orders.column("amount_fen")
    unit = pc.divide(amount, quantity)
    merchant = [merchant_of[p] for p in product_ids]
    order_table = pa.table(
        {
            "order_id": orders.column("order_id"),
            "merchant_id": merchant,
            "shop_id": [f"{m}-shop" for m in merchant],
            "session_id": orders.column("session_id"),
            "anchor_id": [meta[s].anchor_id for s in session_ids],
            "buyer_id": orders.column("user_id"),
            "channel": ["distribution" if t else "self" for t in talent],
            "talent_id": [
                meta[s].anchor_id if t else None for s, t in zip(session_ids, talent, strict=True)
            ],
            "status": status,
            "created_at": orders.column("ts"),
            "paid_at": pa.array(paid_at, mask=unpaid),
            "shipped_at": pa.array(shipped, mask=ship_mask),
            "received_at": pa.array(received, mask=receive_mask),
            "paid_fen": orders.column("paid_fen"),
            "freight_fen": pa.array(np.zeros(n, np.int64)),
            "discount_fen": pa.array(np.zeros(n, np.int64)),
            "source_file": pa.nulls(n, pa.string()),
        }
    )
    lines = pa.table(
        {
            "order_id": orders.column("order_id"),
            "line_no": pa.array(np.ones(n, np.int64)),
            "product_id": orders.column("product_id"),
            "quantity": quantity,
            "unit_price_fen": unit,
            "paid_fen": orders.column("paid_fen"),
            "after_sale_open": pa.array(np.zeros(n, bool)),
            "talent_rate_ppm": pa.array(np.where(talent, 200_000, 0), mask=~np.array(talent, bool)),
            "merchant_id": merchant,
        }
    )
    refund_table = pa.table(
        {
            "refund_id": refunds.column("event_id"),
            "order_id": refunds.column("order_id"),
            "line_no": pa.array(np.ones(refunds.num_rows, np.int64)),
            "amount_fen": refunds.column("amount_fen"),
            "refunded_at": refunds.column("ts"),
            "reason": [
                REFUND_REASONS[_draw(seed, "reason", r) % len(REFUND_REASONS)]
                for r in refunds.column("event_id").to_pylist()
            ],
        }
    )
    spend = events.filter(pc.equal(kind, "ad_spend"))
    spend_sessions = spend.column("session_id").to_pylist()
    spend_table = pa.table(
        {
            "spend_id": spend.column("event_id"),
            "session_id": spend.column("session_id"),
            "merchant_id": [meta[s].merchant_id for s in spend_sessions],
            "channel": spend.column("channel"),
            "ts": spend.column("ts"),
            "amount_fen": spend.column("amount_fen"),
        }
    )
    return order_table, lines, refund_table, spend_table


def _draw(seed: int, purpose: str, key: str) -> int:
    """A stable pseudo-random number for (seed, purpose, key)."""
    return zlib.crc32(f"{seed}:{purpose}:{key}".encode())


def write_ndjson(table: pa.Table, path: Path) -> None:
    """Events as NDJSON in the contract's field order, absent fields left out."""
    import json

    names = table.column_names
    with path.open("w", encoding="utf-8") as f:
        for batch in table.to_batches(max_chunksize=65_536):
            columns = [batch.column(i).to_pylist() for i in range(len(names))]
            for row in zip(*columns, strict=True):
                record = {k: v for k, v in zip(names, row, strict=True) if v is not None}
                f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                f.write("\n")


def _names(products: list[tuple[MerchantRow, Product]]) -> list[str]:
    """Product names: the k-th product of a merchant's shelf gets its category's k-th name."""
    seen: dict[str, int] = {}
    names = []
    for m, _ in products:
        k = seen.get(m.merchant_id, 0)
        names.append(item_name(m.category, k))
        seen[m.merchant_id] = k + 1
    return names
