"""The server times the store's checkpoints: just after a screen's refresh once the log is
large, during intake only when nobody watches long enough for the log to grow much larger, and
never at DuckDB's own random moment before that. A real store file, the server's own writer
thread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import caopan.web.app as web_app
from caopan.app import App
from caopan.ingest.http import check_body
from caopan.web.app import Server

T0 = 1_788_264_000_000


def body(first: int, count: int) -> bytes:
    lines = [
        {
            "event_id": f"e{first + k}",
            "session_id": "s1",
            "ts": T0 + first + k,
            "type": "like",
            "user_id": f"u{k % 13}",
        }
        for k in range(count)
    ]
    return "".join(json.dumps(e) + "\n" for e in lines).encode()


def stored(server: Server, first: int, count: int) -> None:
    checked = check_body("s1", body(first, count))
    report = server.writer.run(lambda: server.ingest(checked, None))
    assert report.accepted == count


def test_the_log_is_checkpointed_just_after_a_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_app, "CHECKPOINT_WAL_BYTES", 1)  # any log is large
    app = App(f"duckdb:///{tmp_path}/store.duckdb")
    server = Server(app)
    try:
        server.writer.run(server.open_store)
        (threshold,) = app.engine.con.con.execute(
            "SELECT current_setting('checkpoint_threshold')"
        ).fetchone() or ("",)
        assert threshold.endswith("GiB")  # DuckDB's own checkpoint waits for a far larger log
        stored(server, 0, 500)
        assert app.engine.wal_bytes() > 0  # intake alone leaves a small log alone
        server.after_refresh("s1")
        server.after_refresh("s1")  # a second refresh meanwhile queues nothing more
        server.writer.run(lambda: None)  # after what was queued
        assert app.engine.wal_bytes() == 0
        stored(server, 500, 500)
        assert app.engine.wal_bytes() > 0
        count = app.engine.table("live_events").count().to_pyarrow().as_py()
        assert count == 1000
    finally:
        server.close()
    again = App(f"duckdb:///{tmp_path}/store.duckdb")
    assert again.engine.table("live_events").count().to_pyarrow().as_py() == 1000
    again.close()


def test_without_screens_intake_checkpoints_a_log_grown_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = App(f"duckdb:///{tmp_path}/store.duckdb")
    server = Server(app)
    try:
        server.writer.run(server.open_store)
        stored(server, 0, 500)
        small = app.engine.wal_bytes()
        assert 0 < small < web_app.CHECKPOINT_WAL_LIMIT
        monkeypatch.setattr(web_app, "CHECKPOINT_WAL_LIMIT", small + 1)
        stored(server, 500, 500)  # the log passes the limit: this intake checkpoints it
        assert app.engine.wal_bytes() == 0
    finally:
        server.close()


def test_a_store_in_memory_has_no_log_to_checkpoint() -> None:
    app = App("duckdb://:memory:")
    server = Server(app)
    try:
        server.writer.run(server.open_store)
        stored(server, 0, 10)
        assert app.engine.wal_bytes() == 0
        server.after_refresh("s1")
        server.writer.run(lambda: None)
    finally:
        server.close()
