"""A session sells out the product it is explaining: the alert fires on the screen feed, clears
when the explanation ends, and both are stored."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import httpx

from tests.web.server import ServerProcess, caopan
from tests.web.test_stream import T0, read_snapshots


def event(n: int, kind: str, **fields: object) -> bytes:
    row = {"event_id": f"e{n}", "session_id": "so", "ts": T0 + n * 1000, "type": kind, **fields}
    return json.dumps(row).encode() + b"\n"


def paid(n: int, quantity: int) -> bytes:
    order = {"user_id": f"u{n}", "product_id": "p1", "order_id": f"o{n}", "quantity": quantity}
    return event(n, "order_created", amount_fen=9_900 * quantity, **order).replace(
        f'"e{n}"'.encode(), f'"c{n}"'.encode()
    ) + event(n, "order_paid", amount_fen=9_900 * quantity, **order)


def rules(url: str) -> list[str]:
    got: list[dict] = []
    read_snapshots(url, 1, got)
    return [a["rule"] for a in got[0]["alerts"]]


def test_selling_out_the_explained_product_raises_and_clears_the_alert(tmp_path: Path) -> None:
    db = tmp_path / "so.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    token = caopan(db, "token", "create", "--provider", "p1")
    with duckdb.connect(str(db)) as con:
        con.execute(
            "insert into products (product_id, merchant_id, name, price_fen, stock) "
            "values ('p1', 'm1', '羊毛围巾', 9900, 3), ('p2', 'm1', '帽子', 5900, 1)"
        )
    server = ServerProcess(db)
    server.start()
    headers = {"Authorization": f"Bearer {token}"}
    post = f"{server.url}/api/sessions/so/events"
    stream = f"{server.url}/api/sessions/so/stream?window=5"
    try:
        opening = event(1, "live_start") + event(2, "explain_start", product_id="p1")
        assert httpx.post(post, content=opening + paid(3, 2), headers=headers).status_code == 200
        assert "explained_out_of_stock" not in rules(stream)  # 1 of 3 left
        assert httpx.post(post, content=paid(4, 1), headers=headers).status_code == 200
        got: list[dict] = []
        read_snapshots(stream, 1, got)
        [alert] = [a for a in got[0]["alerts"] if a["rule"] == "explained_out_of_stock"]
        assert alert["zh"] == "讲解中的商品已售罄：羊毛围巾（剩余 0 件）"
        assert alert["severity"] == "critical" and alert["fired_at"] == T0 + 4000
        assert got[0]["stock_left"] == {"p1": 0}  # p2 has stock but is not in the session
        assert got[0]["product_names"] == {"p1": "羊毛围巾"}  # the board shows names
        [product] = [p for p in got[0]["session"]["products"] if p["product_id"] == "p1"]
        assert product["explaining"] and product["pay_items"] == 3
        ended = event(5, "explain_end", product_id="p1")
        assert httpx.post(post, content=ended, headers=headers).status_code == 200
        assert "explained_out_of_stock" not in rules(stream)
    finally:
        server.stop()
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            'select state, "at" from alerts where rule = \'explained_out_of_stock\' order by "at"'
        ).fetchall()
    assert stored == [("fired", T0 + 4000), ("cleared", T0 + 5000)]
