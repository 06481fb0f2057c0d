"""A few rows in the UCI Online Retail layout through `--mapping uci-online-retail`, then the
diagnosis: postage is freight the buyer paid (not taken off the goods twice) and a cancellation
is a refund, not a paid order."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from caopan.app import App
from caopan.engine import imports as engine_imports
from caopan.ingest.imports import Request

HEADER = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]
ROWS = [
    ["536365", "85123A", "HANGING HEART", "6", "2011-12-01 08:26:00", "2.55", "17850.0", "UK"],
    ["536365", "POST", "POSTAGE", "1", "2011-12-01 08:26:00", "18.00", "17850.0", "UK"],
    ["536366", "22633", "HAND WARMER", "3", "2011-12-02 10:00:00", "1.85", "13047.0", "UK"],
    ["C536367", "85123A", "HANGING HEART", "-2", "2011-12-03 09:00:00", "2.55", "12345.0", "UK"],
    ["C536367", "POST", "POSTAGE", "-1", "2011-12-03 09:00:00", "18.00", "12345.0", "UK"],
]


def test_postage_and_cancellations_in_orders_and_the_diagnosis(tmp_path: Path) -> None:
    path = tmp_path / "retail.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *ROWS])
    with App(f"duckdb:///{tmp_path / 'uci.duckdb'}") as app:
        (report,) = app.import_files([path], Request(mapping="uci-online-retail"))
        assert report.refused is None and report.gmv_fen == 6 * 255 + 3 * 185
        orders = app.engine.con.con.execute(
            "SELECT order_id, status, paid_at IS NOT NULL, paid_fen, freight_fen FROM orders "
            "ORDER BY order_id"
        ).fetchall()
        result = app.diagnose("uci-online-retail", 30, date(2011, 12, 9), record=False)
    assert orders == [
        ("536365", None, True, 6 * 255 + 1800, 1800),  # the buyer paid the postage too
        ("536366", None, True, 3 * 185, 0),
        ("C536367", "cancelled", False, 0, -1800),  # a cancellation is not a paid order
    ]
    ind = {k: v["value"] for k, v in result["indicators"].items()}
    assert ind["gmv_fen"] == 6 * 255 + 3 * 185  # goods only: postage is not merchandise
    assert (ind["orders"], ind["buyers"]) == (2, 2)  # the cancelling customer bought nothing
    assert ind["refund_rate"] == 2 * 255 / (6 * 255 + 3 * 185)


def test_orders_of_one_row_read_as_orders_of_several(tmp_path: Path) -> None:
    """An order of one row is written without grouping; it must read as a grouped one would."""
    rows = [
        ["536369", "POST", "POSTAGE", "1", "2011-12-04 10:00:00", "18.00", "13047.0", "UK"],
        ["C536370", "22633", "HAND WARMER", "-1", "2011-12-04 11:00:00", "1.85", "", "UK"],
        ["536371", "22633", "HAND WARMER", "2", "2011-12-04 12:00:00", "1.85", "13047.0", "-"],
        ["536372", "22633", "HAND WARMER", "2", "2011-12-04 13:00:00", "1.85", "13047.0", "UK"],
        ["536372", "POST", "POSTAGE", "1", "2011-12-04 13:00:00", "18.00", "13047.0", "FR"],
    ]
    path = tmp_path / "retail.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])
    with App(f"duckdb:///{tmp_path / 'uci.duckdb'}") as app:
        (report,) = app.import_files([path], Request(mapping="uci-online-retail"))
        assert report.refused is None and report.rows_imported == 5
        orders = app.engine.con.con.execute(
            "SELECT order_id, buyer_id, status, created_at, paid_at IS NOT NULL, paid_fen, "
            "freight_fen, discount_fen, raw FROM orders ORDER BY order_id"
        ).fetchall()
    at = {h: 1322971200000 + (h - 12) * 3_600_000 for h in (10, 11, 12, 13)}  # 2011-12-04
    post = '{"Country":"UK","non_product":{"POST":1800}}'
    assert orders == [
        ("536369", "13047", None, at[10], True, 1800, 1800, 0, post),
        ("536371", "13047", None, at[12], True, 2 * 185, 0, 0, None),
        ("536372", "13047", None, at[13], True, 2 * 185 + 1800, 1800, 0, post),
        ("C536370", None, "cancelled", at[11], False, 0, 0, 0, '{"Country":"UK"}'),
    ]


def test_orders_of_one_row_each_are_keyed_as_numbered_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose orders all have one row is keyed `order_id#1` without numbering; every
    table must read as the numbered keying writes it (and the shortcut must have been taken)."""
    rows = [
        ["536369", "POST", "POSTAGE", "1", "2011-12-04 10:00:00", "18.00", "13047.0", "UK"],
        ["C536370", "22633", "HAND WARMER", "-1", "2011-12-04 11:00:00", "1.85", "", "UK"],
        ["536371", "22633", "HAND WARMER", "2", "2011-12-04 12:00:00", "1.85", "13047.0", "-"],
        ["536372", "85123A", "HANGING HEART", "6", "2011-12-04 13:00:00", "2.55", "", "FR"],
    ]
    path = tmp_path / "retail.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])
    taken: list[bool] = []
    real = engine_imports._one_row_each

    def spy(con: object) -> bool:
        taken.append(real(con))
        return taken[-1]

    def tables(name: str) -> dict[str, list[tuple[object, ...]]]:
        with App(f"duckdb:///{tmp_path / name}") as app:
            (report,) = app.import_files([path], Request(mapping="uci-online-retail"))
            assert report.refused is None and report.new == 4
            sql = app.engine.con.con.execute
            return {
                t: sorted(sql(f"SELECT {columns} FROM {t}").fetchall(), key=str)
                for t, columns in (
                    ("orders", "*"),
                    ("order_lines", "*"),
                    ("refunds", "*"),
                    ("products", "*"),
                    ("imported_rows", "* EXCLUDE (imported_at)"),  # the time of the import
                )
            }

    monkeypatch.setattr(engine_imports, "_one_row_each", spy)
    fast = tables("fast.duckdb")
    monkeypatch.setattr(engine_imports, "_one_row_each", lambda con: False)
    numbered = tables("numbered.duckdb")
    assert taken == [True]
    assert fast == numbered
    assert sorted(r[1] for r in fast["imported_rows"]) == [
        "536369#1",
        "536371#1",
        "536372#1",
        "C536370#1",
    ]
