"""Commission pages over real HTTP: a contract's terms, a session's earnings and a month's
statement, server-rendered in Chinese first, and their JSON; errors are JSON messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from caopan.app import App
from tests.commission_store import OCTOBER_AS_OF, october_orders, parties, store_orders
from tests.web.server import ServerProcess

PLAN_YAML = """rate_ppm: 100000
slot_fee_fen: 50000
monthly_fee_fen: 30000
valid_from: "2026-10-01"
valid_to: "2026-10-31"
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, dict]]:
    root = tmp_path_factory.mktemp("commission-web")
    db = root / "store.duckdb"
    plan = root / "plan.yaml"
    plan.write_text(PLAN_YAML, encoding="utf-8")
    with App(str(db)) as app:
        parties(app)
        store_orders(app.engine, october_orders())
        app.contract_create("m1", "p1", plan, "c-oct")
        settled = app.settle_month("2026-10", "m1", OCTOBER_AS_OF)
    proc = ServerProcess(Path(db))
    proc.start()
    yield proc, settled
    proc.stop()


def get(server: ServerProcess, path: str) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", timeout=60)


def test_contract_page_and_json(server) -> None:
    proc, _ = server
    page = get(proc, "/contracts/c-oct")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for text in (
        "分佣合同 · c-oct",
        "计佣基数",
        "固定 10%",
        "¥500.00 / 场",
        "¥300.00 / 月",
        "2026-10-31",
    ):
        assert text in page.text
    data = get(proc, "/api/contracts/c-oct").json()
    assert data["plan"]["rate_ppm"] == 100_000 and data["terms"][0]["zh"] == "计佣基数"
    missing = get(proc, "/contracts/nope")
    assert missing.status_code == 404
    assert missing.json() == {"error": "NotFound", "message": "contract 'nope' does not exist"}


def test_earnings_page_and_json(server) -> None:
    proc, _ = server
    data = get(proc, f"/api/sessions/live-2/earnings?as_of={OCTOBER_AS_OF}").json()
    assert (data["estimated_fen"], data["pending_fen"]) == (233, 25_000)
    assert data["provider_earnings_fen"] == 233 + 25_000 + 50_000
    page = get(proc, f"/earnings/live-2?as_of={OCTOBER_AS_OF}")
    assert page.status_code == 200
    for text in ("场次收益 · live-2", "服务商收益", "¥752.33", "商家实得", "服务商后ROI", "c-oct"):
        assert text in page.text
    bad = get(proc, "/api/sessions/live-2/earnings?as_of=soon")
    assert bad.status_code == 422 and bad.json()["error"] == "InvalidInput"


def test_statement_page_and_json(server) -> None:
    proc, settled = server
    [want] = settled["statements"]
    data = get(proc, f"/api/statements/m1/2026-10?as_of={OCTOBER_AS_OF}").json()
    assert data["total_fen"] == want["total_fen"]
    assert [s["earnings_fen"] for s in data["sessions"]] == [
        s["earnings_fen"] for s in want["sessions"]
    ]
    page = get(proc, f"/statements/m1/2026-10?as_of={OCTOBER_AS_OF}")
    assert page.status_code == 200
    assert "月度结算单 · m1 · 2026-10" in page.text
    assert str(want["total_fen"] // 100) in page.text.replace(",", "")
    assert 'href="/earnings/live-1"' in page.text
    wrong = get(proc, "/api/statements/m1/2026-13")
    assert wrong.status_code == 422 and "YYYY-MM" in wrong.json()["message"]
    none = get(proc, "/statements/m9/2026-10")
    assert none.status_code == 404 and "m9" in none.json()["message"]
