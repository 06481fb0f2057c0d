"""`caopan import` and `caopan quarantine show/retry` as the installed command."""

from __future__ import annotations

import json
from pathlib import Path

from caopan.domain.layouts import KS_BILL, KS_ORDERS
from tests.ingest.export_files import ks_bill_rows, ks_order_rows, write_csv
from tests.test_cli import db, run

__all__ = ["db"]


def test_import_json_summary_exit_codes_and_quarantine(db: str, tmp_path: Path) -> None:
    rows = ks_order_rows()
    rows[1]["实付款"] = "abc"
    orders = write_csv(tmp_path / "ks.csv", KS_ORDERS.known, rows)
    done = run(db, "import", str(orders), "--merchant", "m1", "--json")
    assert done.returncode == 3, done.stderr
    (summary,) = json.loads(done.stdout)
    assert list(summary)[:9] == [
        "file",
        "kind",
        "rows_read",
        "rows_imported",
        "rows_quarantined",
        "new",
        "changed",
        "unchanged",
        "gmv_fen",
    ]
    assert (summary["kind"], summary["rows_read"], summary["rows_quarantined"]) == (
        "ks-orders",
        5,
        1,
    )
    assert f"{orders}: row 3, column 实付款 = 'abc': not a number" in done.stderr

    listed = json.loads(run(db, "quarantine", "list", "--json").stdout)
    shown = run(db, "quarantine", "show", listed[0]["quarantine_id"][:10])
    assert shown.returncode == 0 and "实付款: abc" in shown.stdout

    rows[1]["实付款"] = "12.00"
    write_csv(orders, KS_ORDERS.known, rows)
    retried = run(db, "quarantine", "retry", str(orders), "--json")
    assert retried.returncode == 0, retried.stderr
    assert json.loads(retried.stdout)["rows_quarantined"] == 0
    assert json.loads(run(db, "quarantine", "list", "--json").stdout) == []

    again = run(db, "import", str(orders), "--merchant", "m1")
    assert again.returncode == 0 and "ks-orders" in again.stdout


def test_import_refuses_a_file_of_the_wrong_kind(db: str, tmp_path: Path) -> None:
    bill = write_csv(tmp_path / "bill.csv", KS_BILL.known, ks_bill_rows())
    done = run(db, "import", str(bill), "--kind", "dy-orders", "--merchant", "m1", "--json")
    assert done.returncode == 1
    assert "not a 抖店 订单导出 (dy-orders)" in json.loads(done.stdout)[0]["refused"]
    assert run(db, "import", str(tmp_path / "missing.csv")).returncode == 1


def test_reconcile_prints_a_table_and_json(db: str, tmp_path: Path) -> None:
    bill = write_csv(tmp_path / "bill.csv", KS_BILL.known, ks_bill_rows())
    done = run(db, "reconcile", str(bill))
    assert done.returncode == 3, done.stderr  # billed commission with no contract
    assert "对账 reconcile" in done.stdout and "合同外订单 not_in_contract" in done.stdout
    as_json = json.loads(run(db, "reconcile", str(bill), "--json").stdout)
    assert as_json["bill"]["unchanged"] == 3
    assert [o["reason"] for o in as_json["orders"]] == ["not_in_contract", "matches"]
