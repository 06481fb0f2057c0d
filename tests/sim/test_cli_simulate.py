"""`caopan simulate`, run as the installed console script: results, refusals, determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from caopan.app import App
from caopan.domain.errors import InvalidInput
from caopan.engine.backend import connect
from caopan.ingest.ndjson import parse_bytes
from caopan.sim.world import WorldSpec, single_room

CAOPAN = Path(sys.executable).parent / "caopan"
WORLD = ("--providers", "2", "--merchants", "3", "--days", "1", "--seed", "2", "--talents", "0")


def caopan(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script in `cwd`; no traceback may reach the user, whatever happens."""
    environment = {k: v for k, v in os.environ.items() if k != "CAOPAN_DB"}
    environment |= {"COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run(
        [str(CAOPAN), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        cwd=cwd,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout
    return done


def _stored_events(store: Path) -> int:
    engine = connect(f"duckdb:///{store}")
    try:
        return int(engine.table("live_events").count().to_pyarrow().as_py())
    finally:
        engine.close()


def test_simulate_a_world_prints_a_json_summary(tmp_path: Path):
    store = tmp_path / "w.duckdb"
    done = caopan(tmp_path, "--db", str(store), "simulate", *WORLD, "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # stdout is JSON and nothing else
    assert summary["providers"] == 2 and summary["merchants"] == 3 and summary["anchors"] == 3
    assert summary["sessions"] >= 1 and summary["events"] > 0
    assert summary["orders"] >= 0 and summary["gmv_fen"] >= 0 and summary["files"] == []
    assert store.exists()
    assert _stored_events(store) == summary["events"]


def test_simulate_writes_the_raw_event_streams_and_says_what_it_made(tmp_path: Path):
    out = tmp_path / "streams"
    store = tmp_path / "w.duckdb"
    args = ("simulate", *WORLD, "--events-out", str(out), "--events-format", "ndjson")
    done = caopan(tmp_path, "--db", str(store), *args)
    assert done.returncode == 0, done.stderr
    assert "simulated 2 providers, 3 merchants, 3 anchors" in done.stdout
    files = sorted(out.iterdir())
    assert files and all(f.suffix == ".ndjson" for f in files)
    rows = 0
    for f in files:
        parsed = parse_bytes(f.read_bytes())
        assert parsed.rejections == []
        rows += parsed.rows.num_rows
    assert rows == _stored_events(store)
    assert f"with {rows:,} events" in done.stdout


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--days", "0"), "--days"),
        (("--providers", "-1"), "--providers"),
    ],
)
def test_impossible_parameters_are_refused_before_anything_is_written(
    tmp_path: Path, args: tuple[str, ...], option: str
):
    store = tmp_path / "w.duckdb"
    out = tmp_path / "streams"
    done = caopan(
        tmp_path, "--db", str(store), "simulate", "--events-out", str(out), *args, "--json"
    )
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert option in done.stderr and "error" in done.stderr
    assert done.stdout == ""
    assert not store.exists() and not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_seed_that_is_not_an_integer_is_a_usage_error(tmp_path: Path):
    store = tmp_path / "w.duckdb"
    done = caopan(tmp_path, "--db", str(store), "simulate", "--seed", "abc")
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stderr.strip()
    assert not store.exists()


def test_simulate_session_is_byte_identical_for_a_seed(tmp_path: Path):
    files = [tmp_path / name / "f.ndjson" for name in ("a", "b")]
    # a 爬坡 room: the size of the session does not matter here, and KA would be 10× slower
    args = ("simulate", "session", "--seed", "3", "--minutes", "10", "--stage", "爬坡", "--out")
    with ThreadPoolExecutor(2) as pool:  # two independent processes: run them side by side
        runs = list(pool.map(lambda f: caopan(tmp_path, *args, str(f)), files))
    for done in runs:
        assert done.returncode == 0, done.stderr
        assert "sim-3" in done.stderr and done.stdout == ""
    outputs = [f.read_bytes() for f in files]
    assert outputs[0] == outputs[1]
    parsed = parse_bytes(outputs[0])
    assert parsed.rejections == [] and parsed.rows.num_rows == outputs[0].count(b"\n") > 0
    assert not (tmp_path / "caopan.duckdb").exists(), "no store needed"


def test_refusals_that_need_no_process_of_their_own(tmp_path: Path):
    """What the command relies on, checked in-process to keep the suite fast: an unknown
    --events-format is refused before the store is opened, and `simulate session` with
    impossible parameters refuses before writing (single_room raises first)."""
    store = tmp_path / "w.duckdb"
    with App(str(store)) as app, pytest.raises(InvalidInput, match="--events-format"):
        app.simulate(
            WorldSpec(providers=1, merchants=1, days=1),
            events_out=tmp_path / "o",
            events_format="csv",
        )
    assert not store.exists() and not (tmp_path / "o").exists()
    for args in ((3, 0, "KA", "服饰"), (3, 10, "XL", "服饰"), (3, 10, "KA", "玩具")):
        with pytest.raises(InvalidInput, match="--"):
            single_room(*args)
