"""`caopan review` and `caopan metrics` through the real console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from caopan.domain.catalog import METRIC_IDS

CAOPAN = str(Path(sys.executable).parent / "caopan")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "demo-session.ndjson"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CAOPAN, *args], capture_output=True, text=True, timeout=300, check=False)


def test_review_json_has_the_spec_shape() -> None:
    done = run("review", "--events", str(EXAMPLE), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {
        "session_id",
        "as_of",
        "range",
        "metrics",
        "series",
        "products",
        "sources",
        "markers",
    }
    assert result["range"] == {"kind": "session"}
    assert list(result["metrics"]) == list(METRIC_IDS)
    assert result["metrics"]["provider_commission_est_fen"] is None


def test_review_window_json_pairs_value_and_previous() -> None:
    done = run("review", "--events", str(EXAMPLE), "--window", "5", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["range"] == {"kind": "window", "minutes": 5}
    assert all(set(v) == {"value", "previous"} for v in result["metrics"].values())


def test_review_of_a_stored_session_and_its_html(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    assert run("--db", db, "ingest", "events", str(EXAMPLE)).returncode == 3  # 2 bad lines
    page = tmp_path / "r.html"
    done = run("--db", db, "review", "demo-s1", "--html", str(page))
    assert done.returncode == 0, done.stderr
    assert page.stat().st_size > 1_000_000
    table = run("--db", db, "review", "demo-s1")
    assert "累计观看人数" in table.stdout and "GPM" in table.stdout


def test_review_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    run("--db", db, "ingest", "events", str(EXAMPLE))
    empty = tmp_path / "empty.ndjson"
    empty.write_text("")
    cases = {
        ("review", "nope"): "has no events",
        ("review", "demo-s1", "--window", "0"): "window",
        ("review", "demo-s1", "--window", "-5"): "window",
        ("review", "demo-s1", "--as-of", "5"): "before the start",
        ("review", "--events", str(empty)): "no events",
    }
    for args, message in cases.items():
        done = run("--db", db, *args)
        assert done.returncode == 1, args
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stdout == ""


def test_metrics_lists_the_catalog() -> None:
    done = run("metrics", "--json")
    assert done.returncode == 0
    listed = json.loads(done.stdout)
    assert [m["id"] for m in listed] == list(METRIC_IDS)
    assert [m["number"] for m in listed] == list(range(1, 43))
    assert "直播间曝光人数" in run("metrics").stdout


def test_review_all_equals_each_sessions_review(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    run("--db", db, "ingest", "events", str(EXAMPLE))
    done = run("--db", db, "review", "--all", "--json")
    assert done.returncode == 0, done.stderr
    one = run("--db", db, "review", "demo-s1", "--json")
    assert json.loads(done.stdout) == [json.loads(one.stdout)]
    table = run("--db", db, "review", "--all")
    assert table.returncode == 0, table.stderr
    assert "demo-s1" in table.stdout and "累计观看人数" in table.stdout
    mixed = run("--db", db, "review", "--all", "demo-s1")
    assert mixed.returncode != 0 and "--all" in mixed.stderr
