"""对账: a 快手 bill against standing commission lines, each difference with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from tests.ingest.export_files import ks_bill_rows, write_csv

from caopan.app import App
from caopan.domain.cells import parse_instant
from caopan.domain.errors import InvalidInput
from caopan.domain.layouts import KS_BILL

SETTLED_AT = parse_instant("2026-09-25 10:00:00")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    with App(f"duckdb:///{tmp_path / 'store.duckdb'}") as a:
        yield a


def commission(app: App, *lines: tuple[str, str, str, str, int, int]) -> None:
    """Commission line versions (line_id, order_id, kind, state, commission, computed_at)."""
    app.engine.insert(
        "contracts",
        pa.table({"contract_id": ["c1"], "merchant_id": ["m-ks-1"], "provider_id": ["p1"]}),
    )
    app.engine.insert(
        "commission_lines",
        pa.table(
            {
                "line_id": [x[0] for x in lines],
                "contract_id": ["c1"] * len(lines),
                "order_id": [x[1] for x in lines],
                "kind": [x[2] for x in lines],
                "state": [x[3] for x in lines],
                "commission_fen": pa.array([x[4] for x in lines], pa.int64()),
                "dated_at": pa.array([SETTLED_AT] * len(lines), pa.int64()),
                "computed_at": pa.array([x[5] for x in lines], pa.int64()),
            }
        ),
    )


def test_reconcile_gives_every_order_its_difference_and_reason(app: App, tmp_path: Path) -> None:
    rows = ks_bill_rows()  # 567: 服务商佣金 -5.99, then a refund row; 568: none billed
    extra = dict(rows[2], 订单号="2512345678901234570", **{"服务商佣金(元)": "-1.00"})
    other = dict(rows[2], 订单号="2512345678901234571", **{"服务商佣金(元)": "3.00"})
    bill = write_csv(tmp_path / "bill.csv", KS_BILL.known, [*rows, extra, other])
    commission(
        app,
        ("567#1", "2512345678901234567", "commission", "settled", 599, 1),
        ("567#1:refund", "2512345678901234567", "clawback", "settled", -200, 1),
        ("568#1", "2512345678901234568", "commission", "estimated", 500, 1),
        ("568#1", "2512345678901234568", "commission", "estimated", 1200, 2),  # standing
        ("570#1", "2512345678901234570", "commission", "settled", 101, 1),
        ("999#1", "2512345678901234999", "commission", "settled", 100, 1),
        ("998#1", "2512345678901234998", "commission", "void", 0, 1),
    )
    result = app.reconcile(bill)
    got = {
        o["order_id"][-3:]: (o["contract_fen"], o["billed_fen"], o["difference_fen"], o["reason"])
        for o in result["orders"]
    }
    assert got == {
        "567": (399, 599, 200, "refund"),
        "568": (1200, 0, -1200, "estimated"),
        "570": (101, 100, -1, "rounding"),
        "571": (None, 300, 300, "not_in_contract"),
        "999": (100, None, -100, "not_in_bill"),
    }
    assert result["totals"]["difference_fen"] == 200 - 1200 - 1 + 300 - 100
    assert result["bill"]["rows_imported"] == 5


def test_reconcile_matches_and_refuses_a_file_that_is_not_a_bill(app: App, tmp_path: Path) -> None:
    rows = ks_bill_rows()[:1]
    bill = write_csv(tmp_path / "bill.csv", KS_BILL.known, rows)
    commission(app, ("567#1", "2512345678901234567", "commission", "settled", 599, 1))
    result = app.reconcile(bill)
    assert [(o["reason"], o["difference_fen"]) for o in result["orders"]] == [("matches", 0)]
    wrong = tmp_path / "x.csv"
    wrong.write_text("订单号,实付款,订单创建时间\n1,2,2026-01-01\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not a 快手小店 货款账单"):
        app.reconcile(wrong)
