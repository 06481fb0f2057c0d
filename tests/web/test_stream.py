"""Server-sent snapshots: pushed when events arrive, and again to a client that reconnects."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx

from tests.web.server import ServerProcess, caopan

T0 = 1_788_264_000_000


def like(i: int) -> bytes:
    return (
        json.dumps(
            {
                "event_id": f"l{i}",
                "session_id": "sse",
                "ts": T0 + i,
                "type": "like",
                "user_id": f"u{i}",
            }
        ).encode()
        + b"\n"
    )


def read_snapshots(url: str, count: int, out: list[dict]) -> None:
    with httpx.stream("GET", url, timeout=30) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                out.append(json.loads(line[6:]))
                if len(out) >= count:
                    return


def test_snapshots_are_pushed_when_events_arrive(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    token = caopan(db, "token", "create", "--provider", "p1")
    server = ServerProcess(db)
    server.start()
    try:
        headers = {"Authorization": f"Bearer {token}"}
        post = f"{server.url}/api/sessions/sse/events"
        assert httpx.post(post, content=like(1), headers=headers).status_code == 200
        got: list[dict] = []
        stream = f"{server.url}/api/sessions/sse/stream?window=5"
        reader = threading.Thread(target=read_snapshots, args=(stream, 2, got))
        reader.start()
        while not got and reader.is_alive():
            reader.join(0.1)
        assert httpx.post(post, content=like(2) + like(3), headers=headers).status_code == 200
        reader.join(20)
        assert len(got) == 2
        first, second = got
        assert first["session"]["metrics"]["share_uv"] == 0
        assert second["window"]["range"] == {"kind": "window", "minutes": 5}
        assert second["session"]["as_of"] == T0 + 3 > first["session"]["as_of"]
        again: list[dict] = []
        read_snapshots(stream, 1, again)  # a reconnecting client gets the current one at once
        assert again[0] == second
    finally:
        server.stop()


def test_alerts_reach_the_screen_feed(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    token = caopan(db, "token", "create", "--provider", "p1")
    server = ServerProcess(db)
    server.start()
    try:
        created = b"".join(
            json.dumps(
                {
                    "event_id": f"o{i}",
                    "session_id": "al",
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
            for i in range(6)
        )
        answer = httpx.post(
            f"{server.url}/api/sessions/al/events",
            content=created,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 200
        got: list[dict] = []
        read_snapshots(f"{server.url}/api/sessions/al/stream?window=5", 1, got)
        [alert] = got[0]["alerts"]
        assert alert["rule"] == "unpaid_piling"
        assert "压单 6 单" in alert["zh"]
    finally:
        server.stop()


def test_an_idle_live_session_is_dropped_then_rebuilt(tmp_path: Path) -> None:
    db = tmp_path / "idle.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    token = caopan(db, "token", "create", "--provider", "p1")
    server = ServerProcess(db, "--idle-minutes", "0.05")  # 3 s; swept every 1.5 s
    server.start()
    try:
        headers = {"Authorization": f"Bearer {token}"}
        post = f"{server.url}/api/sessions/sse/events"
        assert httpx.post(post, content=like(1) + like(2), headers=headers).status_code == 200
        snapshot = f"{server.url}/api/sessions/sse/snapshot?window=5"
        first = httpx.get(snapshot).json()
        assert httpx.get(f"{server.url}/api/health").json()["live_sessions"] == ["sse"]
        deadline = time.monotonic() + 30
        while httpx.get(f"{server.url}/api/health").json()["live_sessions"]:
            assert time.monotonic() < deadline, "the idle session was never dropped"
            time.sleep(0.5)
        assert httpx.get(snapshot).json() == first  # rebuilt from the store, equal
        assert httpx.get(f"{server.url}/api/health").json()["live_sessions"] == ["sse"]
    finally:
        server.stop()
