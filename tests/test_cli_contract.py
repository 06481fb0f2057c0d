"""`caopan contract` and `caopan settle` through the real command over a store file: plans from
YAML and JSON, refusals with reasons, ending, and the monthly statement workbook read back."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from caopan.app import App
from caopan.engine.settlement import calculate
from tests.commission_store import OCTOBER_AS_OF, october_orders, parties, store_orders

CAOPAN = str(Path(sys.executable).parent / "caopan")
PLAN = {"rate_ppm": 100_000, "slot_fee_fen": 50_000, "monthly_fee_fen": 30_000}
PLAN_YAML = """# 10 % on net paid, a slot fee per session and a monthly fee
rate_ppm: 100000
slot_fee_fen: 50000
monthly_fee_fen: 30000
valid_from: "2026-10-01"
valid_to: "2026-10-31"
"""


def run(db: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [CAOPAN, "--db", str(db), *args], capture_output=True, text=True, timeout=300, check=False
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with App(str(path)) as app:
        parties(app)
        store_orders(app.engine, october_orders())
    return path


def test_contract_create_list_show_and_end(db: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN_YAML, encoding="utf-8")
    made = json.loads(
        run(
            db, "contract", "create", "--merchant", "m1", "--provider", "p1", str(plan), "--json"
        ).stdout
    )
    assert made["contract_id"] == "m1-p1-20261001"
    assert made["plan"]["rate_ppm"] == 100_000 and made["valid_to"] == "2026-10-31"
    shown = run(db, "contract", "show", "m1-p1-20261001").stdout
    for text in ("计佣基数", "实付 − 退款", "固定 10%", "坑位费", "¥500.00 / 场", "¥300.00 / 月"):
        assert text in shown
    listed = json.loads(run(db, "contract", "list", "--json").stdout)
    assert [c["contract_id"] for c in listed] == ["m1-p1-20261001"]
    # the same plan again changes nothing; an overlapping one is refused with the reason
    again = run(db, "contract", "create", "--merchant", "m1", "--provider", "p1", str(plan))
    assert "m1-p1-20261001" in again.stdout
    clash = tmp_path / "clash.json"
    clash.write_text(json.dumps({"rate_ppm": 1, "valid_from": "2026-10-15"}))
    refused = run(
        db, "contract", "create", "--merchant", "m1", "--provider", "p1", str(clash), ok=False
    )
    assert refused.returncode == 1 and "overlaps m1-p1-20261001" in refused.stderr
    # ending it on the 14th frees the days after it
    ended = json.loads(run(db, "contract", "end", "m1-p1-20261001", "--on", "2026-10-14",
                           "--json").stdout)  # fmt: skip
    assert ended["last_day"] == "2026-10-14" and ended["ended_at"] is not None
    run(db, "contract", "create", "--merchant", "m1", "--provider", "p1", str(clash))
    assert len(json.loads(run(db, "contract", "list", "--json").stdout)) == 2
    late = run(db, "contract", "end", "m1-p1-20261001", "--on", "2026-11-30", ok=False)
    assert late.returncode == 1 and "after its last day 2026-10-31" in late.stderr


@pytest.mark.parametrize(
    ("plan", "reason"),
    [
        ({"rate_ppm": 1, "tiers": [[0, 1]], "valid_from": "2026-10-01"}, "not both"),
        ({"tiers": [[0, 1], [0, 2]], "valid_from": "2026-10-01"}, "strictly ascending"),
        ({"rate_ppm": 1_000_001, "valid_from": "2026-10-01"}, "between 0 and 1000000"),
        ({"rate_ppm": 1, "slot_fee_fen": -1, "valid_from": "2026-10-01"}, "must not be negative"),
        ({"rate_ppm": 1}, "needs valid_from"),
        ({"rate_pmm": 1, "valid_from": "2026-10-01"}, "unknown terms ['rate_pmm']"),
    ],
)
def test_invalid_plans_are_refused_with_the_reason(
    db: Path, tmp_path: Path, plan: dict[str, Any], reason: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    done = run(
        db, "contract", "create", "--merchant", "m1", "--provider", "p1", str(path), ok=False
    )
    assert done.returncode == 1 and reason in done.stderr and str(path) in done.stderr
    assert json.loads(run(db, "contract", "list", "--json").stdout) == []


def test_unknown_parties_and_contracts_are_refused(db: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN_YAML, encoding="utf-8")
    done = run(
        db, "contract", "create", "--merchant", "m9", "--provider", "p1", str(plan), ok=False
    )
    assert done.returncode == 1 and "m9" in done.stderr
    assert run(db, "contract", "show", "nope", ok=False).returncode == 1
    assert run(db, "contract", "end", "nope", "--on", "2026-01-01", ok=False).returncode == 1
    assert run(db, "settle", "--month", "2026-13", ok=False).returncode == 1


def _fen(value: Any) -> int:
    """An amount of 元 read back from a sheet, as fen (exact: via its decimal text)."""
    fen = Decimal(str(value)) * 100
    assert fen == fen.to_integral_value()
    return int(fen)


def _figures(sheet: list[list[Any]]) -> dict[str, Any]:
    """The label → value pairs in columns A and B of a session sheet."""
    return {row[0]: row[1] for row in sheet if len(row) > 1 and isinstance(row[0], str)}


def test_settle_a_month_writes_a_statement_that_adds_up_to_the_fen(
    db: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN_YAML, encoding="utf-8")
    run(db, "contract", "create", "--merchant", "m1", "--provider", "p1", str(plan))
    out = tmp_path / "statement.xlsx"
    args = ["settle", "--month", "2026-10", "--as-of", str(OCTOBER_AS_OF), "--xlsx", str(out)]
    first = json.loads(run(db, *args, "--json").stdout)
    [report] = first["settled"]
    assert report["lines_written"] > 0 and report["entries_posted"] > 0
    [st] = first["statements"]
    # the store-free calculator on the same orders gives the same money
    want = calculate(PLAN | {"valid_from": "2026-10-01"}, october_orders(), OCTOBER_AS_OF)
    by_session = {s["session_id"]: s for s in st["sessions"]}
    for s in want["sessions"]:
        got = by_session[s["session_id"]]
        assert got["earnings_fen"] == s["earnings_fen"]
        assert got["slot_fee_fen"] == s["slot_fee_fen"]
    assert st["total_fen"] == want["total_fen"]
    live1 = by_session["live-1"]
    assert (live1["gmv_fen"], live1["refunds_fen"]) == (19_900 + 5_990 + 12_900, 4_000 + 12_900)
    assert live1["settled_fen"] == 1_990 + 599 and live1["clawback_fen"] == -400
    assert live1["base_fen"] == 19_900 + 1_990 + 0  # settled lines less their clawed base
    assert by_session["live-2"]["estimated_fen"] == 233
    assert by_session["live-2"]["pending_fen"] == 25_000
    # running it again changes nothing
    second = json.loads(run(db, *args, "--json").stdout)
    assert [r["lines_written"] for r in second["settled"]] == [0]
    assert [r["entries_posted"] for r in second["settled"]] == [0]
    assert second["statements"] == first["statements"]
    # the workbook reads back with both readers, to the fen
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["汇总 summary", "场次 live-1", "场次 live-2"]
    summary = book.get_sheet_by_name("汇总 summary").to_python()
    assert "月度结算单" in summary[0][0]
    total_row = next(r for r in summary if r[0] == "本月服务商收益合计 provider earnings")
    assert _fen(total_row[2]) == want["total_fen"]
    session_sum = 0
    for name, sid in (("场次 live-1", "live-1"), ("场次 live-2", "live-2")):
        rows = book.get_sheet_by_name(name).to_python()
        figures = _figures(rows)
        earnings = _fen(figures["服务商收益 provider earnings"])
        assert earnings == by_session[sid]["earnings_fen"]
        lines = [r for r in rows[3:] if r[0] and len(r) > 7 and r[7] != ""]
        parts = sum(_fen(r[7]) for r in lines)
        parts += _fen(figures["坑位费 slot fee"]) + _fen(figures["保量退还 guarantee give-back"])
        assert parts == earnings  # the lines and clawbacks add up to the session's earnings
        session_sum += earnings
    monthly = next(r for r in summary if r[0] == "月服务费 monthly fee")
    assert session_sum + _fen(monthly[2]) == want["total_fen"]
    wb = openpyxl.load_workbook(out)
    assert wb["汇总 summary"]["A1"].value.startswith("月度结算单")


def test_earnings_of_a_session_from_the_command(db: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN_YAML, encoding="utf-8")
    run(db, "contract", "create", "--merchant", "m1", "--provider", "p1", str(plan))
    as_of = str(OCTOBER_AS_OF)
    got = json.loads(run(db, "earnings", "live-2", "--as-of", as_of, "--json").stdout)
    assert (got["estimated_fen"], got["pending_fen"], got["slot_fee_fen"]) == (233, 25_000, 50_000)
    assert got["provider_earnings_fen"] == 233 + 25_000 + 50_000
    text = run(db, "earnings", "live-2", "--as-of", as_of).stdout
    assert "商家实得" in text and "服务商后ROI" in text and "¥752.33" in text
    missing = run(db, "earnings", "nope", ok=False)
    assert missing.returncode == 1 and "nope" in missing.stderr
