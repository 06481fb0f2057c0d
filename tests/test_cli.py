"""Tests for the `caopan` command, run as the installed console script in a subprocess.

Exit codes: 0 done, 1 refused, 2 usage, 3 some lines rejected or conflicting. Errors go to
stderr; with --json, stdout carries only JSON. No traceback ever reaches the user.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from caopan.app import App

CAOPAN = Path(sys.executable).parent / "caopan"


def good_line(event_id: str, ts: int = 1000, **fields: Any) -> bytes:
    obj = {"event_id": event_id, "session_id": "s1", "ts": ts, "type": "live_start", **fields}
    return json.dumps(obj, ensure_ascii=False).encode()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"duckdb:///{tmp_path / 'cli.duckdb'}"


def run(
    db: str | None, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run caopan; assert that no traceback leaked to stderr, whatever the outcome.

    It runs in the store's folder, so a store made by mistake in the working directory
    lands in the test's temporary folder.
    """
    store = db or (env or {})["CAOPAN_DB"]
    cwd = Path(store.removeprefix("duckdb:///")).parent
    argv = [str(CAOPAN), *(["--db", db] if db else []), *args]
    environment = {k: v for k, v in os.environ.items() if k != "CAOPAN_DB"}
    environment |= {"COLUMNS": "200", "NO_COLOR": "1"} | (env or {})
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=120, env=environment, cwd=cwd, check=False
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout
    return done


def test_the_console_script_is_installed() -> None:
    assert CAOPAN.exists()


def test_db_init_creates_the_store_and_is_repeatable(db: str, tmp_path: Path) -> None:
    done = run(db, "db", "init")
    assert done.returncode == 0, done.stderr
    assert "tables created" in done.stdout
    assert (tmp_path / "cli.duckdb").exists()
    again = run(db, "db", "init")
    assert again.returncode == 0, again.stderr
    assert "0 tables created" in again.stdout


def test_db_optimize_gives_lines_their_merchant_and_reports_json(db: str) -> None:
    with App(db) as app:
        app.init_db()
        orders = [{"order_id": f"o{k}", "merchant_id": f"m{k % 2}", "paid_at": k} for k in range(4)]
        lines = [{"order_id": f"o{k}", "line_no": 1, "paid_fen": 100 + k} for k in range(4)]
        app.engine.insert("orders", pa.Table.from_pylist(orders))
        app.engine.insert("order_lines", pa.Table.from_pylist(lines))
    done = run(db, "db", "optimize", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["orders"], report["order_lines"], report["lines_tagged"]) == (4, 4, 4)
    with App(db) as app:
        got = app.engine.table("order_lines").select("order_id", "merchant_id").to_pyarrow()
    assert got.to_pylist() == [
        {"order_id": o, "merchant_id": m}
        for o, m in (("o0", "m0"), ("o2", "m0"), ("o1", "m1"), ("o3", "m1"))
    ]
    again = run(db, "db", "optimize")
    assert again.returncode == 0 and "0 lines given their order's merchant" in again.stdout


def test_provider_add_list_and_conflicting_add(db: str) -> None:
    assert run(db, "db", "init").returncode == 0
    added = run(db, "provider", "add", "p1", "--name", "杭州星火", "--tier", "核心")
    assert added.returncode == 0, added.stderr
    assert "p1 added" in added.stdout

    listed = run(db, "provider", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert (row["provider_id"], row["name"], row["category"], row["tier"]) == (
        "p1",
        "杭州星火",
        "MCN",
        "核心",
    )

    same = run(db, "provider", "add", "p1", "--name", "杭州星火", "--tier", "核心")
    assert same.returncode == 0, same.stderr
    assert "already exists" in same.stdout

    clash = run(db, "provider", "add", "p1", "--name", "别的名字")
    assert clash.returncode == 1
    assert clash.stdout == ""
    assert "error:" in clash.stderr
    assert "p1" in clash.stderr
    assert "already exists" in clash.stderr
    [unchanged] = json.loads(run(db, "provider", "list", "--json").stdout)
    assert unchanged["name"] == "杭州星火"


def test_merchant_with_an_unknown_provider_is_refused(db: str) -> None:
    done = run(db, "merchant", "add", "m1", "--name", "小店", "--provider", "unknown")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "provider 'unknown' does not exist" in done.stderr


def test_ingest_a_clean_file_prints_exactly_the_json_report(db: str, tmp_path: Path) -> None:
    path = tmp_path / "day1.ndjson"
    path.write_bytes(good_line("e1") + b"\n" + good_line("e2", ts=2000, type="live_end") + b"\n")
    done = run(db, "ingest", "events", str(path), "--json")

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {
            "file": str(path),
            "lines": 2,
            "accepted": 2,
            "duplicate": 0,
            "conflicting": 0,
            "rejected": 0,
            "blank_lines": 0,
            "new_sessions": ["s1"],
            "refused": None,
            "problems": [],
            "notices": [],
        }
    ]


def test_ingest_with_a_bad_line_exits_3_and_quarantines_it(db: str, tmp_path: Path) -> None:
    path = tmp_path / "day2.ndjson"
    bad = b'{"event_id":"e2","session_id":"s1","ts":"soon","type":"live_end"}'
    path.write_bytes(good_line("e1") + b"\n" + bad + b"\n")
    done = run(db, "ingest", "events", str(path), "--json")

    assert done.returncode == 3, done.stderr
    [report] = json.loads(done.stdout)
    assert (report["accepted"], report["rejected"]) == (1, 1)
    assert f"{path}:2: ts: expected an integer, got a string" in done.stderr

    listed = run(db, "quarantine", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [entry] = json.loads(listed.stdout)
    assert (entry["source"], entry["line"], entry["field"]) == (str(path), 2, "ts")
    assert entry["raw"] == bad.decode()
    assert entry["reason"] == "ts: expected an integer, got a string"

    text = run(db, "quarantine", "list")
    assert text.returncode == 0
    assert f"{path}:2" in text.stdout


def test_ingest_a_conflict_exits_3(db: str, tmp_path: Path) -> None:
    path = tmp_path / "c.ndjson"
    path.write_bytes(good_line("e1") + b"\n" + good_line("e1", ts=5) + b"\n")
    done = run(db, "ingest", "events", str(path), "--json")
    assert done.returncode == 3
    [report] = json.loads(done.stdout)
    assert (report["accepted"], report["conflicting"]) == (1, 1)
    assert f"{path}:2: conflicting duplicate" in done.stderr


def test_ingest_a_refused_file_exits_1(db: str, tmp_path: Path) -> None:
    path = tmp_path / "empty.ndjson"
    path.write_bytes(b"")
    done = run(db, "ingest", "events", str(path), "--json")
    assert done.returncode == 1
    [report] = json.loads(done.stdout)
    assert "empty" in report["refused"]
    assert str(path) in done.stderr


def test_ingest_a_missing_file_exits_1_with_the_message_on_stderr(db: str, tmp_path: Path) -> None:
    good = tmp_path / "good.ndjson"
    good.write_bytes(good_line("e1") + b"\n")
    done = run(db, "ingest", "events", str(good), str(tmp_path / "nope.ndjson"), "--json")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "nope.ndjson" in done.stderr
    assert "no such file" in done.stderr


def test_unknown_command_is_a_usage_error(db: str) -> None:
    done = run(db, "frobnicate")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "frobnicate" in done.stderr


def test_bad_option_value_is_a_usage_error(db: str) -> None:
    done = run(db, "quarantine", "list", "--limit", "0")
    assert done.returncode == 2
    assert done.stdout == ""


def test_the_store_can_be_named_by_caopan_db(db: str) -> None:
    assert run(db, "provider", "add", "p7", "--name", "星").returncode == 0
    done = run(None, "provider", "list", "--json", env={"CAOPAN_DB": db})
    assert done.returncode == 0, done.stderr
    assert [r["provider_id"] for r in json.loads(done.stdout)] == ["p7"]
