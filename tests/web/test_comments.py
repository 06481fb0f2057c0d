"""Comments and hot words over HTTP: the comments route and the screen feed agree with the posted
comments."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.web.server import ServerProcess, caopan
from tests.web.test_stream import T0, read_snapshots

TEXTS = ["多少钱", "主播多少钱啊", "上链接", "尺码怎么选", "多少钱？上链接"]


def comment(n: int, text: str, ts: int) -> bytes:
    row = {"event_id": f"c{n}", "session_id": "cm", "ts": ts, "type": "comment"}
    return json.dumps({**row, "user_id": f"u{n}", "text": text}).encode() + b"\n"


def test_latest_comments_and_hot_words(tmp_path: Path) -> None:
    db = tmp_path / "cm.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    token = caopan(db, "token", "create", "--provider", "p1")
    server = ServerProcess(db)
    server.start()
    try:
        early = comment(0, "包邮吗", T0)  # 10 minutes before the others: out of a 5-minute window
        body = early + b"".join(
            comment(i + 1, t, T0 + 600_000 + i * 1000) for i, t in enumerate(TEXTS)
        )
        posted = httpx.post(
            f"{server.url}/api/sessions/cm/events",
            content=body,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert posted.status_code == 200 and posted.json()["accepted"] == 6
        panel = httpx.get(f"{server.url}/api/sessions/cm/comments?minutes=5").json()
        assert panel["total"] == 6 and panel["as_of"] == T0 + 604_000
        assert [c["text"] for c in panel["latest"]] == [*reversed(TEXTS), "包邮吗"]
        assert panel["hot"] == {
            "minutes": 5,
            "words": [
                {"word": "多少钱", "count": 3},
                {"word": "上链接", "count": 2},
                {"word": "尺码", "count": 1},
            ],
        }
        wide = httpx.get(f"{server.url}/api/sessions/cm/comments?minutes=15").json()
        assert {"word": "包邮", "count": 1} in wide["hot"]["words"]
        got: list[dict] = []
        read_snapshots(f"{server.url}/api/sessions/cm/stream?window=5", 1, got)
        assert got[0]["comments"] == panel
        assert httpx.get(f"{server.url}/api/sessions/none/comments").status_code == 404
        bad = httpx.get(f"{server.url}/api/sessions/cm/comments?minutes=0")
        assert bad.status_code == 422 and "window" in bad.json()["message"]
    finally:
        server.stop()
