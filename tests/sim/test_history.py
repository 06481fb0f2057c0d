"""A simulated world and its history in a store: every table filled, consistent, reproducible."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from caopan.engine.backend import Engine, connect
from caopan.engine.contracts import stored_contracts
from caopan.engine.settlement_store import settle_contract
from caopan.ingest.ndjson import parse_bytes
from caopan.sim import history
from caopan.sim.room import TYPE, simulate
from caopan.sim.world import WorldSpec, build_world, schedule

# A small world whose merchants are 新店破0/爬坡 (fast), with a talent session, ad spend,
# refunds and abandoned orders; TINY is smaller still, for the tests that write files.
SPEC = WorldSpec(providers=2, merchants=4, days=2, seed=376)
TINY = WorldSpec(providers=2, merchants=4, days=2, seed=543)
NEEDED = (
    "providers",
    "operators",
    "merchants",
    "shops",
    "anchors",
    "products",
    "live_sessions",
    "live_events",
    "orders",
    "order_lines",
    "refunds",
    "ad_spend",
)


def _populate(spec: WorldSpec = SPEC, **kwargs) -> tuple[Engine, history.Summary]:
    engine = connect("duckdb://:memory:")
    return engine, history.populate(engine, spec, **kwargs)


def _table(engine: Engine, name: str, key: str | list[str]) -> pa.Table:
    keys = [key] if isinstance(key, str) else key
    return engine.table(name).to_pyarrow().sort_by([(k, "ascending") for k in keys])


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[Engine, history.Summary]]:
    engine, summary = _populate()
    yield engine, summary
    engine.close()


@pytest.fixture(scope="module")
def events(store) -> pa.Table:
    return _table(store[0], "live_events", ["session_id", "event_id"])


def _count(engine: Engine, name: str) -> int:
    return int(engine.table(name).count().to_pyarrow().as_py())


def test_every_table_the_rest_of_caopan_needs_is_filled(store):
    engine, summary = store
    counts = {name: _count(engine, name) for name in NEEDED}
    assert all(counts.values()), counts
    assert counts["providers"] == summary.providers == SPEC.providers
    assert counts["merchants"] == counts["shops"] == summary.merchants == SPEC.merchants
    assert counts["anchors"] == summary.anchors == SPEC.merchants + SPEC.talent_count
    assert counts["products"] == summary.products
    assert counts["live_sessions"] == summary.sessions == len(list(schedule(build_world(SPEC))))
    assert counts["live_events"] == summary.events
    assert counts["orders"] == counts["order_lines"] == summary.orders
    assert counts["refunds"] == summary.refunds


def test_the_summary_is_json_ready(store):
    summary = store[1].to_json()
    assert summary["events"] == store[1].events and summary["files"] == []
    assert set(summary) >= {"providers", "merchants", "sessions", "events", "orders", "gmv_fen"}


def test_stored_events_are_the_simulated_sessions(store, events):
    """What is stored is exactly what `simulate` gives for each scheduled session."""
    world = build_world(SPEC)
    horizon = history.horizon_ms(SPEC)
    expected = 0
    for s in schedule(world):
        ev = simulate(s.room, np.random.default_rng(list(s.seed)))
        late = (ev.type == TYPE["refund"]) & (ev.ts > horizon)
        expected += len(ev) - int(late.sum())
        stored = events.filter(pc.equal(events.column("session_id"), s.room.session_id))
        assert stored.num_rows > 0
        assert stored.column("ts").to_numpy().min() == s.room.start_ms
    assert events.num_rows == expected


def test_every_session_is_described(store, events):
    engine = store[0]
    sessions = _table(engine, "live_sessions", "session_id")
    ids = set(sessions.column("session_id").to_pylist())
    assert ids == set(pc.unique(events.column("session_id")).to_pylist())
    anchors = set(_table(engine, "anchors", "anchor_id").column("anchor_id").to_pylist())
    merchants = set(_table(engine, "merchants", "merchant_id").column("merchant_id").to_pylist())
    for row in sessions.to_pylist():
        assert row["anchor_id"] in anchors and row["session_id"].startswith(row["anchor_id"])
        assert row["merchant_id"] is None or row["merchant_id"] in merchants
    assert any(r["merchant_id"] is None for r in sessions.to_pylist()), "a talent session"


def test_products_and_parties_are_consistent(store, events):
    engine = store[0]
    products = _table(engine, "products", "product_id").to_pylist()
    merchants = {r["merchant_id"] for r in _table(engine, "merchants", "merchant_id").to_pylist()}
    for p in products:
        assert p["merchant_id"] in merchants
        assert 0 < p["cost_fen"] < p["price_fen"]
        assert p["in_alliance"] == (p["role"] in ("引流款", "爆款"))
    sold = set(pc.unique(events.column("product_id")).drop_null().to_pylist())
    assert sold <= {p["product_id"] for p in products}
    providers = {r["provider_id"] for r in _table(engine, "providers", "provider_id").to_pylist()}
    operators = _table(engine, "operators", "operator_id").to_pylist()
    assert {o["provider_id"] for o in operators} == providers


def test_orders_are_what_the_events_imply(store, events):
    engine = store[0]
    orders = _table(engine, "orders", "order_id")
    kind = events.column("type")
    created = events.filter(pc.equal(kind, "order_created"))
    paid = events.filter(pc.equal(kind, "order_paid"))
    assert sorted(orders.column("order_id").to_pylist()) == sorted(
        created.column("order_id").to_pylist()
    )
    paid_by_order = dict(
        zip(paid.column("order_id").to_pylist(), paid.column("amount_fen").to_pylist(), strict=True)
    )
    assert len(paid_by_order) == paid.num_rows  # one payment per order
    assert pc.sum(orders.column("paid_fen")).as_py() == sum(paid_by_order.values())
    assert store[1].gmv_fen == sum(paid_by_order.values())
    for row in orders.to_pylist():
        assert row["paid_fen"] == paid_by_order.get(row["order_id"])
        if row["paid_fen"] is None:
            assert row["status"] == "closed" and row["paid_at"] is None
        else:
            assert row["created_at"] < row["paid_at"] <= row["shipped_at"] < row["received_at"]
        assert row["shop_id"] == f"{row['merchant_id']}-shop"
        assert row["channel"] == ("distribution" if row["talent_id"] else "self")
    lines = _table(engine, "order_lines", "order_id")
    assert lines.column("order_id").equals(orders.column("order_id"))
    assert lines.column("paid_fen").equals(orders.column("paid_fen"))
    assert set(orders.column("channel").to_pylist()) == {"self", "distribution"}


def test_an_order_belongs_to_the_merchant_of_its_product(store):
    engine = store[0]
    owner = {
        r["product_id"]: r["merchant_id"]
        for r in _table(engine, "products", "product_id").to_pylist()
    }
    orders = _table(engine, "orders", "order_id").to_pylist()
    lines = {r["order_id"]: r for r in _table(engine, "order_lines", "order_id").to_pylist()}
    for order in orders:
        assert owner[lines[order["order_id"]]["product_id"]] == order["merchant_id"]


def test_refund_rows_match_refund_events(store, events):
    engine = store[0]
    refunds = _table(engine, "refunds", "refund_id")
    refund_events = events.filter(pc.equal(events.column("type"), "refund")).sort_by("event_id")
    assert refunds.num_rows == refund_events.num_rows > 0
    assert refunds.column("refund_id").to_pylist() == refund_events.column("event_id").to_pylist()
    assert (
        refunds.column("amount_fen").to_pylist() == refund_events.column("amount_fen").to_pylist()
    )
    assert refunds.column("refunded_at").to_pylist() == refund_events.column("ts").to_pylist()
    assert refunds.column("order_id").to_pylist() == refund_events.column("order_id").to_pylist()
    assert set(refunds.column("reason").to_pylist()) <= set(history.REFUND_REASONS)
    # an order is "refunded" exactly when refunds cover what it paid
    orders = _table(engine, "orders", "order_id").to_pylist()
    total: dict[str, int] = {}
    for r in refunds.to_pylist():
        total[r["order_id"]] = total.get(r["order_id"], 0) + r["amount_fen"]
    for o in orders:
        fully = o["paid_fen"] is not None and total.get(o["order_id"], 0) >= o["paid_fen"]
        assert (o["status"] == "refunded") == fully, o


def test_refunds_after_the_horizon_have_not_happened_yet(monkeypatch: pytest.MonkeyPatch, store):
    monkeypatch.setattr(history, "HORIZON_DAYS", 0)
    horizon = history.horizon_ms(SPEC)
    engine, _ = _populate()
    refunds = _table(engine, "refunds", "refund_id")
    stored = _table(engine, "live_events", "event_id")
    stored_refunds = stored.filter(pc.equal(stored.column("type"), "refund"))
    assert pc.max(stored_refunds.column("ts")).as_py() <= horizon
    assert refunds.num_rows == stored_refunds.num_rows
    # without a horizon cut the same world has more refunds: some were really cut
    expected = 0
    for s in schedule(build_world(SPEC)):
        ev = simulate(s.room, np.random.default_rng(list(s.seed)))
        expected += int(((ev.type == TYPE["refund"]) & (ev.ts <= horizon)).sum())
    assert refunds.num_rows == expected
    assert store[1].refunds > refunds.num_rows
    # order statuses are as of the horizon: nothing received after it
    for o in _table(engine, "orders", "order_id").to_pylist():
        if o["received_at"] is not None:
            assert o["received_at"] <= horizon
        if o["status"] in ("paid", "shipped"):
            assert o["received_at"] is None
    engine.close()


def test_ad_spend_rows_equal_ad_spend_events(store, events):
    engine = store[0]
    spend = _table(engine, "ad_spend", "spend_id")
    spend_events = events.filter(pc.equal(events.column("type"), "ad_spend")).sort_by("event_id")
    assert spend.num_rows == spend_events.num_rows > 0
    assert spend.column("spend_id").to_pylist() == spend_events.column("event_id").to_pylist()
    assert spend.column("amount_fen").to_pylist() == spend_events.column("amount_fen").to_pylist()
    assert spend.column("ts").to_pylist() == spend_events.column("ts").to_pylist()
    assert set(spend.column("channel").to_pylist()) == {"jinniu"}
    sessions = {
        r["session_id"]: r["merchant_id"]
        for r in _table(engine, "live_sessions", "session_id").to_pylist()
    }
    for row in spend.to_pylist():
        assert row["merchant_id"] == sessions[row["session_id"]] is not None


# -- determinism -----------------------------------------------------------------------------


def test_same_seed_same_history(store, events):
    engine, _ = _populate()
    assert _table(engine, "live_events", ["session_id", "event_id"]).equals(events)
    for name, key in (
        ("orders", "order_id"),
        ("refunds", "refund_id"),
        ("products", "product_id"),
        ("ad_spend", "spend_id"),
        ("order_lines", "order_id"),
    ):
        assert _table(engine, name, key).equals(_table(store[0], name, key)), name
    engine.close()


def test_another_seed_gives_another_history(events):
    engine, _ = _populate(TINY)  # the same sizes, another seed
    other = _table(engine, "live_events", ["session_id", "event_id"])
    assert other.num_rows != events.num_rows or not other.equals(events)
    names = _table(engine, "merchants", "merchant_id").column("name").to_pylist()
    assert names != [m.name for m in build_world(SPEC).merchants]
    engine.close()


def test_chunk_size_does_not_change_the_stored_events(monkeypatch: pytest.MonkeyPatch, events):
    monkeypatch.setattr(history, "CHUNK_EVENTS", 25_000)
    progress: list[tuple[int, int, int]] = []
    engine, summary = _populate(progress=lambda *a: progress.append(a))
    assert _table(engine, "live_events", ["session_id", "event_id"]).equals(events)
    assert summary.events == events.num_rows
    # progress: every session reported once, in order, events never going back
    assert [p[0] for p in progress] == list(range(1, summary.sessions + 1))
    assert {p[1] for p in progress} == {summary.sessions}
    assert [p[2] for p in progress] == sorted(p[2] for p in progress)
    assert progress[-1][2] == events.num_rows
    engine.close()


def test_chunk_size_does_not_change_the_stored_orders(monkeypatch: pytest.MonkeyPatch, store):
    monkeypatch.setattr(history, "CHUNK_EVENTS", 25_000)
    engine, _ = _populate()
    for name, key in (("orders", "order_id"), ("refunds", "refund_id")):
        assert _table(engine, name, key).equals(_table(store[0], name, key)), name
    engine.close()


@pytest.mark.parametrize("fmt", ["parquet", "ndjson"])
def test_events_out_files_are_byte_identical_across_runs(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(history, "CHUNK_EVENTS", 5_000)
    runs = []
    for name in ("a", "b"):
        engine, summary = _populate(TINY, events_out=tmp_path / name, events_format=fmt)
        stored = _table(engine, "live_events", ["session_id", "event_id"])
        engine.close()
        files = sorted((tmp_path / name).iterdir())
        assert [str(f) for f in files] == sorted(summary.files)
        assert len(files) >= 2, "several chunks, several files"
        assert all(f.suffix == f".{fmt}" for f in files)
        runs.append(files)
    for a, b in zip(*runs, strict=True):
        assert a.name == b.name and a.read_bytes() == b.read_bytes()
    # the files hold exactly the stored events, in the contract's columns
    if fmt == "parquet":
        written = pa.concat_tables(pq.read_table(f) for f in runs[0])
        assert "ingested_at" not in written.column_names and "extra" not in written.column_names
        written = written.sort_by([("session_id", "ascending"), ("event_id", "ascending")])
        assert written.equals(stored.drop_columns(["extra", "ingested_at"]))
    else:
        parsed = [parse_bytes(f.read_bytes()) for f in runs[0]]
        assert [p.rejections for p in parsed] == [[]] * len(parsed)
        ids = sorted(i for p in parsed for i in p.rows.column("event_id").to_pylist())
        assert ids == sorted(stored.column("event_id").to_pylist())


def test_events_out_creates_its_folder(tmp_path: Path):
    folder = tmp_path / "deep" / "er"
    engine, summary = _populate(
        WorldSpec(providers=1, merchants=2, days=1, seed=3, talents=0), events_out=folder
    )
    engine.close()
    assert folder.is_dir()
    assert [Path(f).parent for f in summary.files] == [folder] * len(summary.files)


def test_write_ndjson_leaves_out_absent_fields(tmp_path: Path):
    table = pa.table(
        {
            "event_id": ["e1", "e2"],
            "session_id": ["s", "s"],
            "ts": [1, 2],
            "type": ["live_start", "enter"],
            "user_id": [None, "u1"],
            "text": [None, "你好"],
        }
    )
    path = tmp_path / "x.ndjson"
    history.write_ndjson(table, path)
    assert path.read_bytes().decode("utf-8").splitlines() == [
        '{"event_id":"e1","session_id":"s","ts":1,"type":"live_start"}',
        '{"event_id":"e2","session_id":"s","ts":2,"type":"enter","user_id":"u1","text":"你好"}',
    ]


def test_horizon_is_a_week_after_the_last_day():
    from datetime import timedelta

    from caopan.domain.clock import day_start_ms

    assert history.horizon_ms(SPEC) == day_start_ms(SPEC.start + timedelta(days=SPEC.days + 7))


def test_every_served_merchant_has_a_contract_with_its_provider_in_force(store):
    engine, _ = store
    merchants = _table(engine, "merchants", "merchant_id").to_pylist()
    served = [m for m in merchants if m["provider_id"] is not None]
    assert served
    contracts = {c.contract.merchant_id: c for c in stored_contracts(engine)}
    assert set(contracts) == {m["merchant_id"] for m in served}
    for m in served:
        stored = contracts[m["merchant_id"]]
        assert stored.contract.provider_id == m["provider_id"]
        assert stored.in_force(SPEC.start, SPEC.start + timedelta(days=SPEC.days - 1))
        plan = stored.contract.plan
        assert (plan.rate_ppm is None) != (not plan.tiers)  # a flat rate or tiers, not both
    # settling them as of the horizon earns commission on the simulated orders
    for stored in contracts.values():
        settle_contract(engine, stored.contract.contract_id, history.horizon_ms(SPEC))
    lines = engine.table("commission_lines").to_pyarrow().to_pylist()
    earned = sum(line["commission_fen"] for line in lines if line["kind"] == "commission")
    assert earned > 0
