"""Diagnosis over a simulated world and over an order log alone: the App, the CLI (real console
script), the page, the workbook, the stage history and its leaps."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from openpyxl import load_workbook

from caopan.app import App
from caopan.domain.clock import MS_PER_DAY, day_start_ms
from caopan.domain.entities import STAGES
from caopan.domain.events import SOURCE_CLASSES
from caopan.domain.indicators import INDICATORS
from caopan.domain.stages import Thresholds
from caopan.reports import diagnosis as report
from caopan.sim.world import WorldSpec

CAOPAN = str(Path(sys.executable).parent / "caopan")
SPEC = WorldSpec(providers=2, merchants=6, days=4, seed=11)
AS_OF = SPEC.start + timedelta(days=SPEC.days - 1)
WINDOW = 2
SPEC_IDS = [
    "gmv_fen",
    "orders",
    "skus_sold",
    "top5_sku_share",
    "buyers",
    "new_buyers",
    "returning_buyers",
    "repurchase_rate",
    "avg_order_value_fen",
    "refund_rate",
    "sessions",
    "live_hours",
    "gpm_fen",
    "natural_traffic_share",
    "paid_traffic_share",
    "room_roi",
    "ship_48h_rate",
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CAOPAN, *args], capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("diagnose") / "world.duckdb")
    with App(db) as app:
        app.simulate(SPEC)
    return db


def test_every_simulated_merchant_is_diagnosed_with_the_spec_shape(world: str) -> None:
    with App(world) as app:
        results = app.diagnose_all(WINDOW, AS_OF, record=False)
        merchants = {m["merchant_id"] for m in app.merchants()}
    assert {r["merchant_id"] for r in results} == merchants
    for r in results:
        assert r["stage"] in STAGES
        assert r["window"] == {"from": (AS_OF - timedelta(days=1)).isoformat(),
                               "to": AS_OF.isoformat(), "days": WINDOW}  # fmt: skip
        assert set(SPEC_IDS) <= set(r["indicators"])
        for reading in r["indicators"].values():
            assert set(reading) == {"value", "previous", "change", "percentile", "peers"}
        for f in r["findings"]:
            assert f["severity"] in ("red", "amber", "green")
            assert f["message_zh"] and f["message_en"] and f["action"]
            assert f["method"].split(":")[0] in ("STEPS", "STAGE", "FACT", "5S")
        assert len(r["top_actions"]) <= 3


def test_live_indicators_equal_a_count_over_the_events(world: str) -> None:
    """Sessions, entries by traffic class and the impression-to-entry rate, counted in plain
    Python over the stored events of the merchant's own sessions in the window."""
    end = day_start_ms(AS_OF + timedelta(days=1))
    start = end - WINDOW * MS_PER_DAY
    with App(world) as app:
        results = {r["merchant_id"]: r for r in app.diagnose_all(WINDOW, AS_OF, record=False)}
        sessions = app.engine.table("live_sessions").to_pyarrow().to_pylist()
        ev = app.engine.table("live_events")
        rows = (
            ev.filter((ev.ts >= start) & (ev.ts < end) & ev.type.isin(["enter", "impression"]))
            .select("session_id", "type", "source")
            .to_pyarrow()
            .to_pylist()
        )
    owner = {s["session_id"]: s["merchant_id"] for s in sessions if s["merchant_id"]}
    enters: dict[str, Counter[str]] = {}
    impressions: Counter[str] = Counter()
    for row in rows:
        merchant = owner.get(row["session_id"])
        if merchant is None:
            continue
        if row["type"] == "impression":
            impressions[merchant] += 1
        else:
            klass = SOURCE_CLASSES.get(row["source"] or "other", SOURCE_CLASSES["other"])
            enters.setdefault(merchant, Counter())[klass] += 1
    checked = 0
    for merchant, by_class in enters.items():
        ind = results[merchant]["indicators"]
        total = sum(by_class.values())
        assert ind["natural_traffic_share"]["value"] == pytest.approx(by_class["natural"] / total)
        assert ind["paid_traffic_share"]["value"] == pytest.approx(by_class["paid"] / total)
        assert ind["enter_rate"]["value"] == pytest.approx(total / impressions[merchant])
        checked += 1
    assert checked >= 2


def test_cli_json_html_and_xlsx_of_one_merchant(world: str, tmp_path: Path) -> None:
    page, book = tmp_path / "d.html", tmp_path / "d.xlsx"
    args = (
        "--db",
        world,
        "diagnose",
        "M0001",
        "--window",
        str(WINDOW),
        "--as-of",
        AS_OF.isoformat(),
    )
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"merchant_id", "window", "stage", "indicators", "findings"} <= set(result)
    assert result["merchant_id"] == "M0001"
    done = run(*args, "--html", str(page), "--xlsx", str(book))
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert result["stage"] in html and "最该做的三件事" in html and "echarts" in html
    assert 'src="http' not in html and 'href="http' not in html  # self-contained
    wb = load_workbook(book)
    assert wb.sheetnames == ["概要 summary", "指标 indicators", "发现 findings", "阶段 stages"]
    ids = [row[0].value for row in wb["指标 indicators"].iter_rows(min_row=2)]
    assert ids == [i.id for i in INDICATORS]
    assert wb["发现 findings"].max_row == len(result["findings"]) + 1


def test_cli_all_prints_a_summary_and_records_stages(world: str, tmp_path: Path) -> None:
    summary = tmp_path / "summary.csv"
    done = run("--db", world, "diagnose", "--all", "--window", str(WINDOW),
               "--as-of", AS_OF.isoformat(), "--summary", str(summary))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "诊断汇总" in done.stdout
    lines = summary.read_text(encoding="utf-8").splitlines()
    assert len(lines) == SPEC.merchants + 1 and lines[0].startswith("merchant_id,category,stage")
    done = run("--db", world, "stages", "history", "--json")
    history = json.loads(done.stdout)
    assert {h["merchant_id"] for h in history} >= {
        f"M{k:04d}" for k in range(1, SPEC.merchants + 1)
    }


def test_cli_refusals(world: str) -> None:
    done = run("--db", world, "diagnose", "nobody", "--as-of", AS_OF.isoformat())
    assert done.returncode == 1 and "nobody" in done.stderr
    done = run("--db", world, "diagnose", "M0001", "--as-of", "yesterday")
    assert done.returncode == 1 and "--as-of" in done.stderr
    done = run("--db", world, "diagnose", "M0001", "--window", "0")
    assert done.returncode == 1 and "--window" in done.stderr


def _order_log(app: App, merchant: str, days: int = 60) -> None:
    """An order log as an importer leaves it: orders, lines and refunds, nothing else."""
    base = day_start_ms(date(2011, 1, 1))
    orders, lines, refunds = [], [], []
    for k in range(200):
        paid = base + (k * days * MS_PER_DAY) // 200
        oid = f"{merchant}-{k}"
        orders.append({"order_id": oid, "merchant_id": merchant, "buyer_id": f"c{k % 37}",
                       "status": "paid", "created_at": paid, "paid_at": paid,
                       "paid_fen": 1_000 + k})  # fmt: skip
        lines.append({"order_id": oid, "line_no": 1, "product_id": f"sku{k % 9}", "quantity": 1,
                      "unit_price_fen": 1_000 + k, "paid_fen": 1_000 + k})  # fmt: skip
        if k % 10 == 0:
            refunds.append({"refund_id": f"r{k}", "order_id": oid, "line_no": 1,
                            "amount_fen": 1_000 + k, "refunded_at": paid + 1})  # fmt: skip
    for name, rows in (("orders", orders), ("order_lines", lines), ("refunds", refunds)):
        app.engine.insert(name, pa.Table.from_pylist(rows))


def test_an_order_log_alone_diagnoses_with_live_indicators_unknown(tmp_path: Path) -> None:
    with App(f"duckdb:///{tmp_path / 'log.duckdb'}") as app:
        _order_log(app, "uci")
        result = app.diagnose("uci", 30, date(2011, 3, 1))
        page = report.render(result)
        book = report.xlsx(result)
    ind = result["indicators"]
    for i in INDICATORS:
        if i.needs in ("live", "ads", "shipping", "channel", "products"):
            assert ind[i.id]["value"] is None, i.id
    assert ind["gmv_fen"]["value"] > 0 and ind["refund_rate"]["value"] > 0
    assert ind["returning_buyers"]["value"] > 0
    assert result["peers_note"] is not None and result["category"] is None
    assert "未知 unknown" in page and len(book) > 1000
    assert all(f["rule"] not in ("low_gpm", "paid_not_converting") for f in result["findings"])


def test_stage_changes_are_recorded_once_with_leaps_and_the_provider(world: str) -> None:
    with App(world) as app:
        app.engine.con.raw_sql("DELETE FROM stage_changes")
        low = Thresholds(first_orders=0, breakeven_month_fen=0, ka_month_fen=0, ka_active_days=0,
                         ka_self_share=0, ka_min_growth=-1.0, ska_month_fen=10**15)  # fmt: skip
        high = Thresholds(first_orders=10**9)
        first = app.diagnose_all(WINDOW, AS_OF - timedelta(days=1), high)
        again = app.diagnose_all(WINDOW, AS_OF - timedelta(days=1), high)
        later = app.diagnose_all(WINDOW, AS_OF, low)
        history = app.stage_history()
        providers = {m["merchant_id"]: m["provider_id"] for m in app.merchants()}
        leaps = app.leaps_by_provider()
    assert {r["stage"] for r in first} == {"新店破0"} == {r["stage"] for r in again}
    assert len(history) == 2 * SPEC.merchants  # the second run of a day changed nothing
    moved = [h for h in history if h["changed_on"] == AS_OF]
    assert {h["to_stage"] for h in moved} == {"KA"} == {r["stage"] for r in later}
    assert all(h["leap"] and h["from_stage"] == "新店破0" for h in moved)
    assert all(h["provider_id"] == providers[h["merchant_id"]] for h in moved)
    assert sum(row["leaps"] for row in leaps) == SPEC.merchants


def test_the_web_page_and_json_of_a_merchant(world: str, tmp_path: Path) -> None:
    import httpx

    from tests.web.server import ServerProcess

    server = ServerProcess(Path(world))
    server.start()
    try:
        query = {"window": WINDOW, "as_of": AS_OF.isoformat()}
        page = httpx.get(f"{server.url}/merchants/M0002/diagnosis", params=query, timeout=120)
        data = httpx.get(f"{server.url}/api/merchants/M0002/diagnosis", params=query, timeout=120)
        missing = httpx.get(
            f"{server.url}/api/merchants/nobody/diagnosis", params=query, timeout=120
        )
        bad = httpx.get(
            f"{server.url}/api/merchants/M0002/diagnosis", params={"as_of": "x"}, timeout=120
        )
    finally:
        server.stop()
    assert page.status_code == 200 and "阶段 Stage" in page.text
    assert data.status_code == 200 and data.json()["merchant_id"] == "M0002"
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
    assert bad.status_code == 422 and "as_of" in bad.json()["message"]


def test_the_provider_of_a_stage_change_is_the_one_under_contract_that_day(tmp_path: Path) -> None:
    with App(f"duckdb:///{tmp_path / 'c.duckdb'}") as app:
        _order_log(app, "m1")
        app.engine.insert(
            "merchants",
            pa.Table.from_pylist([{"merchant_id": "m1", "category": "食品", "provider_id": "p1"}]),
        )
        app.engine.insert(
            "contracts",
            pa.Table.from_pylist(
                [
                    {
                        "contract_id": "c1",
                        "merchant_id": "m1",
                        "provider_id": "p2",
                        "plan": "{}",
                        "valid_from": date(2011, 2, 1),
                        "valid_to": None,
                    }
                ]
            ),
        )
        app.diagnose("m1", 30, date(2011, 1, 20), Thresholds(first_orders=0, breakeven_month_fen=0))
        app.diagnose("m1", 30, date(2011, 3, 1), Thresholds(first_orders=10**9))
        history = app.stage_history("m1")
    assert [(h["changed_on"], h["provider_id"]) for h in history] == [
        (date(2011, 1, 20), "p1"),
        (date(2011, 3, 1), "p2"),
    ]
    assert history[0]["to_stage"] == "爬坡" and history[1]["to_stage"] == "新店破0"
    assert not history[1]["leap"]  # a move down is recorded, and is no leap


def test_one_merchant_takes_its_peers_from_the_stored_run_with_the_same_percentiles(
    tmp_path: Path,
) -> None:
    from caopan.engine import diagnosis as engine_diagnosis
    from caopan.engine import readings_store
    from tests.engine import diagnosis_oracle as oracle

    with App(f"duckdb:///{tmp_path / 'p.duckdb'}") as app:
        oracle.load(app.engine, oracle.build(5, merchants=9))
        low = Thresholds(first_orders=0, breakeven_month_fen=0)
        everyone = {r["merchant_id"]: r for r in app.diagnose_all(30, oracle.AS_OF, low)}

        def stored(category: str, stage: str) -> dict[str, dict[str, float | None]] | None:
            return readings_store.peers(app.engine, oracle.AS_OF, 30, category, stage)

        for mid, whole in everyone.items():
            one = engine_diagnosis.diagnose_one(app.engine, mid, oracle.AS_OF, 30, low, stored)
            assert one is not None
            assert one["indicators"] == whole["indicators"], mid
            assert one["findings"] == whole["findings"]
            page = app.diagnose(mid, 30, oracle.AS_OF, low, record=False)
            assert page["indicators"] == whole["indicators"]
        assert any(r["indicators"]["gmv_fen"]["percentile"] is not None for r in everyone.values())
        earlier = oracle.AS_OF - timedelta(days=1)
        nothing = engine_diagnosis.diagnose_one(
            app.engine, "m0", earlier, 30, low,
            lambda c, s: readings_store.peers(app.engine, earlier, 30, c, s),
        )  # fmt: skip
        assert nothing is None  # no stored run for that day: the caller runs the category pass
