"""Per-session alert thresholds over HTTP: defaults, a change stored and applied, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.web.server import ServerProcess, caopan
from tests.web.test_stream import T0, read_snapshots


def created(i: int, session: str) -> bytes:
    return (
        json.dumps(
            {
                "event_id": f"o{i}",
                "session_id": session,
                "ts": T0 + i * 1000,
                "type": "order_created",
                "user_id": f"u{i}",
                "product_id": "p1",
                "order_id": f"o{i}",
                "quantity": 1,
                "amount_fen": 9_900,
            }
        ).encode()
        + b"\n"
    )


def test_thresholds_are_per_session_stored_and_applied(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    caopan(db, "provider", "add", "p2", "--name", "云集")
    token = caopan(db, "token", "create", "--provider", "p1")
    other = caopan(db, "token", "create", "--provider", "p2")
    server = ServerProcess(db)
    server.start()
    mine = {"Authorization": f"Bearer {token}"}
    url = f"{server.url}/api/sessions/th/alert-thresholds"
    try:
        body = b"".join(created(i, "th") for i in range(3))
        posted = httpx.post(f"{server.url}/api/sessions/th/events", content=body, headers=mine)
        assert posted.status_code == 200
        assert httpx.get(url).json()["thresholds"]["unpaid_orders"] == 5
        stream = f"{server.url}/api/sessions/th/stream?window=5"
        got: list[dict] = []
        read_snapshots(stream, 1, got)
        assert got[0]["alerts"] == []  # 3 unpaid orders: under the default 5
        changed = httpx.put(url, json={"unpaid_orders": 2}, headers=mine)
        assert changed.status_code == 200
        assert changed.json()["thresholds"]["unpaid_orders"] == 2
        again: list[dict] = []
        read_snapshots(stream, 1, again)
        assert [a["rule"] for a in again[0]["alerts"]] == ["unpaid_piling"]
        assert httpx.put(url, json={"unpaid_orders": 1}).status_code == 401
        assert (
            httpx.put(
                url, json={"unpaid_orders": 1}, headers={"Authorization": f"Bearer {other}"}
            ).status_code
            == 403
        )
        bad = httpx.put(url, json={"unpaid": 1}, headers=mine)
        assert bad.status_code == 422 and "unknown alert threshold" in bad.json()["message"]
        assert httpx.put(url, json={"refund_rate": -1}, headers=mine).status_code == 422
        assert httpx.put(url, content=b"[1]", headers=mine).status_code == 422
    finally:
        server.stop()
    server.start()  # stored: a restarted server applies them
    try:
        assert httpx.get(url).json()["thresholds"]["unpaid_orders"] == 2
        other_session = f"{server.url}/api/sessions/elsewhere/alert-thresholds"
        assert httpx.get(other_session).json()["thresholds"]["unpaid_orders"] == 5
    finally:
        server.stop()
