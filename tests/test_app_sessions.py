"""A session announced before its first event: its provider owns it, its merchant's contract
gives it metric 42, and events then come in under the provider's token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caopan.app import App
from caopan.domain.entities import Merchant, Provider
from caopan.domain.errors import AlreadyExists, Forbidden, NotFound


def _event(i: int, type_: str, ts: int, **fields: object) -> str:
    return json.dumps(
        {"event_id": f"e{i}", "session_id": "live-1", "ts": ts, "type": type_, **fields}
    )


def _body() -> bytes:
    start = 1_790_000_000_000
    lines = [
        _event(1, "live_start", start),
        _event(2, "enter", start + 1_000, user_id="u1", source="recommend", is_follower=False),
        _event(
            3,
            "order_created",
            start + 2_000,
            user_id="u1",
            order_id="o1",
            product_id="p1",
            quantity=1,
            amount_fen=10_000,
        ),
        _event(
            4,
            "order_paid",
            start + 3_000,
            user_id="u1",
            order_id="o1",
            product_id="p1",
            quantity=1,
            amount_fen=10_000,
        ),
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def app(tmp_path: Path):
    with App(f"duckdb:///{tmp_path / 's.duckdb'}") as app:
        app.init_db()
        app.add_provider(Provider("p1", "星火传媒"))
        app.add_provider(Provider("p2", "别家传媒"))
        app.add_merchant(
            Merchant("m1", "雅鹿旗舰店", category="服饰", stage="爬坡", provider_id="p1")
        )
        yield app


def test_an_announced_session_is_owned_and_linked_before_its_events(app: App, tmp_path: Path):
    assert app.add_session("live-1", "p1", merchant_id="m1", title="直播") is True
    assert app.add_session("live-1", "p1", merchant_id="m1", title="直播") is False
    with pytest.raises(AlreadyExists):
        app.add_session("live-1", "p2", merchant_id="m1", title="直播")
    with pytest.raises(Forbidden):
        app.ingest_body("live-1", _body(), "p2")
    report = app.ingest_body("live-1", _body(), "p1")
    assert report.accepted == 4
    rows = app.engine.table("live_sessions").to_pyarrow().to_pylist()
    assert [(r["session_id"], r["merchant_id"], r["provider_id"]) for r in rows] == [
        ("live-1", "m1", "p1")
    ]


def test_metric_42_comes_from_the_linked_merchants_contract(app: App, tmp_path: Path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"rate_ppm": 100_000, "valid_from": "2026-01-01"}))
    app.contract_create("m1", "p1", plan)
    app.add_session("live-1", "p1", merchant_id="m1")
    app.ingest_body("live-1", _body(), "p1")
    metrics = app.review("live-1")["metrics"]
    assert metrics["pay_gmv_fen"] == 10_000
    assert metrics["provider_commission_est_fen"] == 1_000  # 10 % of 100 元


def test_unknown_parties_are_refused(app: App):
    with pytest.raises(NotFound):
        app.add_session("live-2", "nobody")
    with pytest.raises(NotFound):
        app.add_session("live-2", "p1", merchant_id="nobody")


def test_the_live_screen_snapshot_carries_metric_42(app: App, tmp_path: Path):
    """Over a real server: the aggregator's snapshot gets the contract's commission, for the
    session and for the window and the one before, equal to the batch review's."""
    import httpx

    from tests.web.server import ServerProcess

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"rate_ppm": 100_000, "valid_from": "2026-01-01"}))
    app.contract_create("m1", "p1", plan)
    app.add_session("live-1", "p1", merchant_id="m1")
    token = app.create_token("p1")
    db = app.url.removeprefix("duckdb:///")
    app.close()
    server = ServerProcess(Path(db))
    server.start()
    try:
        auth = {"Authorization": f"Bearer {token}"}
        posted = httpx.post(
            f"{server.url}/api/sessions/live-1/events", content=_body(), headers=auth, timeout=60
        )
        assert posted.status_code == 200, posted.text
        snap = {}
        for key, query in (("session", ""), ("window", "?window=5")):
            got = httpx.get(f"{server.url}/api/sessions/live-1/snapshot{query}", timeout=60)
            assert got.status_code == 200, got.text
            snap[key] = got.json()
    finally:
        server.stop()
    with App(f"duckdb:///{db}") as again:
        whole = again.review("live-1")
        window = again.review("live-1", window=5)
    assert snap["session"]["metrics"]["provider_commission_est_fen"] == 1_000
    assert snap["session"]["metrics"] == whole["metrics"]
    assert snap["window"]["metrics"]["provider_commission_est_fen"] == {
        "value": 1_000,
        "previous": 0,
    }
    assert snap["window"]["metrics"] == window["metrics"]


def test_a_live_shelf_is_added_once_and_named(app: App) -> None:
    from caopan.sim import frames
    from caopan.sim.world import single_room

    room = single_room(11, 30, "爬坡", "服饰", session_id="live-1", shelf="m1-live-")
    shelf = frames.shelf_table("m1", "服饰", room, seed=11)
    assert shelf.num_rows == len(room.products) >= 2
    assert app.add_products(shelf) == shelf.num_rows
    assert app.add_products(shelf) == 0  # known ids are left as they are
    ids = [p.product_id for p in room.products]
    assert ids[0] == "m1-live-01"
    names = app.product_names([*ids, "unknown"])
    assert names == dict(zip(ids, shelf.column("name").to_pylist(), strict=True))
    assert names["m1-live-01"] == "羊毛双面呢大衣"
    assert set(app.product_stock(ids).values()) <= set(range(50, 2_000))


def test_products_of_an_unknown_merchant_are_refused(app: App) -> None:
    from caopan.sim import frames
    from caopan.sim.world import single_room

    room = single_room(11, 30, "爬坡", "服饰", shelf="x-")
    with pytest.raises(NotFound):
        app.add_products(frames.shelf_table("nobody", "服饰", room, seed=11))


def test_review_many_equals_each_review_with_metric_42(app: App, tmp_path: Path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"rate_ppm": 100_000, "valid_from": "2026-01-01"}))
    app.contract_create("m1", "p1", plan)
    app.add_session("live-1", "p1", merchant_id="m1")
    app.ingest_body("live-1", _body(), "p1")
    rows = [json.loads(line) for line in _body().decode().splitlines()]
    moved = [{**r, "session_id": "live-2", "event_id": "x" + r["event_id"]} for r in rows]
    other = "".join(json.dumps(r) + "\n" for r in moved).encode()
    app.add_session("live-2", "p2")
    app.ingest_body("live-2", other, "p2")
    many = app.review_many()
    assert [doc["session_id"] for doc in many] == ["live-1", "live-2"]
    assert many == [app.review("live-1"), app.review("live-2")]
    assert many[0]["metrics"]["provider_commission_est_fen"] == 1_000
    assert many[1]["metrics"]["provider_commission_est_fen"] is None
    assert app.review_many(["live-2"]) == many[1:]
