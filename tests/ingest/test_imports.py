"""Importing platform exports (spec imports.md): each real layout with its quirks, bad rows,
refusals, re-imports and updated exports, on a real DuckDB store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.ingest.export_files import (
    bill_description_row,
    dy_order_rows,
    fen,
    ks_bill_rows,
    ks_order_rows,
    session_rows,
    write_csv,
    write_xlsx,
)

from caopan.app import App
from caopan.domain.cells import parse_instant
from caopan.domain.layouts import DY_ORDERS, KS_BILL, KS_ORDERS, SESSIONS
from caopan.ingest.imports import Request

KS = Request(kind="auto", merchant="m-ks-1")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    with App(f"duckdb:///{tmp_path / 'store.duckdb'}") as a:
        yield a


def rows(app: App, sql: str) -> list[tuple[Any, ...]]:
    return list(app.engine.con.con.execute(sql).fetchall())


def count(app: App, table: str) -> int:
    return int(rows(app, f"SELECT count(*) FROM {table}")[0][0])


# -- 快手 orders ---------------------------------------------------------------------------


def test_ks_orders_import_with_every_quirk(app: App, tmp_path: Path) -> None:
    source = ks_order_rows()
    header = [*KS_ORDERS.known, "新加的列"]
    for row in source:
        row["新加的列"] = "未知"
    path = write_csv(tmp_path / "ks.csv", header, source)
    (report,) = app.import_files([path], KS)
    assert report.kind == "ks-orders" and report.refused is None, report.problems
    assert (report.rows_read, report.rows_imported, report.rows_quarantined) == (5, 5, 0)
    assert (
        report.gmv_fen
        == sum(fen(r["实付款"]) for r in source)
        == 5990 + 1_200_000 + 7 + 129_900 + 550
    )
    assert report.new == 5 and report.changed == report.unchanged == 0
    orders = {
        r[0]: r
        for r in rows(
            app,
            "SELECT order_id, merchant_id, status, created_at, paid_at, paid_fen, freight_fen, "
            "discount_fen, talent_id, channel, raw FROM orders",
        )
    }
    assert set(orders) == {
        "2512345678901234567",
        "2512345678901234568",
        "2512345678901234569",
        "2512345678901234570",
    }
    first = orders["2512345678901234567"]
    assert first[1:8] == ("m-ks-1", "交易成功", 1788998400000, 1788998405000, 5990, 0, 1000)
    assert first[8:10] == ("1234567890123456", "直播")
    raw = json.loads(first[10])
    assert raw["新加的列"] == "未知" and raw["收货人姓名"] == "张*" and "实付款" not in raw
    second = orders["2512345678901234568"]
    assert second[3:7] == (parse_instant("2026-09-10 08:01:00"), 1788998520000, 1_200_000, 1200)
    third = orders["2512345678901234569"]
    assert third[3] == parse_instant("2026-09-10 08:01:00") and third[4] is None  # Excel serial
    assert orders["2512345678901234570"][5] == 129_900 + 550
    lines = rows(
        app,
        "SELECT order_id, line_no, product_id, quantity, unit_price_fen, paid_fen, "
        "after_sale_open FROM order_lines ORDER BY order_id, line_no",
    )
    assert lines[0] == ("2512345678901234567", 1, "22334455667788", 1, 6990, 5990, False)
    assert [(r[0][-2:], r[1], r[5]) for r in lines[-2:]] == [("70", 1, 129_900), ("70", 2, 550)]
    refunds = rows(app, "SELECT refund_id, order_id, line_no, amount_fen, reason FROM refunds")
    assert refunds == [
        ("2512345678901234570#1:after-sale", "2512345678901234570", 1, 129_900, "退款成功")
    ]
    products = rows(
        app, "SELECT product_id, merchant_id, name, price_fen FROM products ORDER BY product_id"
    )
    assert products[0] == ("22334455660000", "m-ks-1", None, 129_900)
    assert ("22334455667788", "m-ks-1", "雅鹿 羽绒服", 7) in products  # the last row's price


@pytest.mark.parametrize("variant", ["gbk", "utf-8-no-bom", "gzip", "xlsx", "xlsx-gzip"])
def test_every_encoding_and_format_gives_the_same_rows(
    app: App, tmp_path: Path, variant: str
) -> None:
    source = ks_order_rows()
    reference = write_csv(tmp_path / "ref.csv", KS_ORDERS.known, source)
    with App(f"duckdb:///{tmp_path / 'ref.duckdb'}") as ref:
        ref.import_files([reference], KS)
        expected = rows(ref, "SELECT * EXCLUDE (source_file) FROM orders ORDER BY order_id")
        expected_lines = rows(ref, "SELECT * FROM order_lines ORDER BY order_id, line_no")
    path = tmp_path / f"ks-{variant}"
    if variant == "gbk":
        write_csv(path, KS_ORDERS.known, source, encoding="gbk")
    elif variant == "utf-8-no-bom":
        write_csv(path, KS_ORDERS.known, source, encoding="utf-8")
    elif variant == "gzip":
        write_csv(path, KS_ORDERS.known, source, gzipped=True)
    else:
        write_xlsx(path, KS_ORDERS.known, source)
        if variant == "xlsx-gzip":
            import gzip

            path.write_bytes(gzip.compress(path.read_bytes()))
    (report,) = app.import_files([path], KS)
    assert report.refused is None and report.rows_quarantined == 0, report.problems
    got = rows(app, "SELECT * EXCLUDE (source_file) FROM orders ORDER BY order_id")
    assert got == expected
    assert rows(app, "SELECT * FROM order_lines ORDER BY order_id, line_no") == expected_lines


def test_reimport_changes_nothing_and_an_updated_export_updates_in_place(
    app: App, tmp_path: Path
) -> None:
    source = ks_order_rows()
    path = write_csv(tmp_path / "ks.csv", KS_ORDERS.known, source)
    app.import_files([path], KS)
    before = {
        t: rows(app, f"SELECT * FROM {t} ORDER BY ALL")
        for t in ("orders", "order_lines", "refunds")
    }
    (again,) = app.import_files([path], KS)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 5)
    assert {t: rows(app, f"SELECT * FROM {t} ORDER BY ALL") for t in before} == before

    source[0]["实付款"] = "49.90"  # the platform corrected an amount
    source[0]["订单状态"] = "已退款"
    extra = dict(source[2], 订单号="2512345678901234599", 实付款="3.00")
    updated = write_csv(tmp_path / "ks-updated.csv", KS_ORDERS.known, [*source, extra])
    (report,) = app.import_files([updated], KS)
    assert (report.new, report.changed, report.unchanged) == (1, 1, 4)
    assert rows(
        app, "SELECT status, paid_fen FROM orders WHERE order_id = '2512345678901234567'"
    ) == [("已退款", 4990)]
    assert count(app, "orders") == 5 and count(app, "order_lines") == 6


# -- bad rows and refusals -----------------------------------------------------------------


def test_bad_rows_are_named_quarantined_and_the_good_rows_imported(
    app: App, tmp_path: Path
) -> None:
    source = ks_order_rows()
    source[1]["实付款"] = "12..5"
    source[2]["订单号"] = "2.51235E+18"
    source[3]["订单创建时间"] = "2026-13-01 08:00"
    path = write_csv(tmp_path / "bad.csv", KS_ORDERS.known, source)
    (report,) = app.import_files([path], KS)
    assert (report.rows_read, report.rows_imported, report.rows_quarantined) == (5, 2, 3)
    assert report.rows_read == report.rows_imported + report.rows_quarantined
    messages = "\n".join(report.problems)
    assert f"{path}: row 3, column 实付款 = '12..5': not a number" in messages
    assert f"{path}: row 4, column 订单号 = '2.51235E+18': id in scientific notation" in messages
    assert f"{path}: row 5, column 订单创建时间 = '2026-13-01 08:00': not a date" in messages
    assert report.gmv_fen == fen(source[0]["实付款"]) + fen(source[4]["实付款"])
    listed = app.quarantine(str(path))
    assert sorted(r["line"] for r in listed) == [3, 4, 5]
    shown = app.quarantine_entry(next(r for r in listed if r["line"] == 3)["quarantine_id"][:12])
    assert shown["cells"]["实付款"] == "12..5" and shown["field"] == "实付款"
    assert shown["import"] == {"kind": "ks-orders", "mapping": None, "merchant": "m-ks-1"}

    source[1]["实付款"] = "12.5"  # the operator fixes the file and retries
    write_csv(path, KS_ORDERS.known, source)
    retried = app.quarantine_retry(str(path))
    assert (retried.rows_imported, retried.rows_quarantined, retried.new) == (3, 2, 1)
    assert sorted(r["line"] for r in app.quarantine(str(path))) == [4, 5]


def test_a_file_of_the_wrong_kind_is_refused_before_anything_is_written(
    app: App, tmp_path: Path
) -> None:
    bill = write_csv(tmp_path / "bill.csv", KS_BILL.known, ks_bill_rows())
    (report,) = app.import_files([bill], Request(kind="ks-orders", merchant="m"))
    assert report.refused is not None
    assert "not a 快手小店 订单导出 (ks-orders): no column 实付款" in report.refused
    assert "it looks like 快手小店 货款账单 (ks-bill)" in report.refused
    unknown = tmp_path / "other.csv"
    unknown.write_text("a,b\n1,2\n", encoding="utf-8")
    (other,) = app.import_files([unknown], KS)
    assert other.refused is not None and "no known header" in other.refused
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    (refused,) = app.import_files([binary], KS)
    assert refused.refused is not None and "binary" in refused.refused
    assert sum(count(app, t) for t in ("orders", "settlement_lines", "quarantine")) == 0


def test_merchant_is_required_for_orders(app: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ks.csv", KS_ORDERS.known, ks_order_rows())
    (report,) = app.import_files([path], Request())
    assert report.refused is not None and "--merchant" in report.refused
    assert count(app, "orders") == 0


def test_a_record_with_too_many_cells_is_quarantined(app: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ks.csv", KS_ORDERS.known, ks_order_rows())
    text = path.read_text(encoding="utf-8-sig") + "1,2,3\r\n\r\n"
    path.write_text(text, encoding="utf-8")
    (report,) = app.import_files([path], KS)
    assert (report.rows_read, report.rows_imported, report.rows_quarantined) == (6, 5, 1)
    assert report.blank_rows == 1
    assert "row 7: 3 cells where the header has 61" in report.problems[0]


# -- bills, 抖店, sessions -------------------------------------------------------------------


def test_ks_bill_with_a_description_row_refunds_after_settlement_and_the_identity(
    app: App, tmp_path: Path
) -> None:
    source = ks_bill_rows()
    broken = dict(source[2], 订单号="2512345678901234580", **{"实际结算金额(元)": "11300.00"})
    path = write_csv(
        tmp_path / "bill.csv", KS_BILL.known, [bill_description_row(), *source, broken]
    )
    (report,) = app.import_files([path], Request())
    assert report.kind == "ks-bill" and report.description_row
    assert (report.rows_read, report.rows_imported, report.rows_quarantined) == (4, 3, 1)
    assert "实际结算金额 11300.00 ≠ 合计收入 12000.00 − 合计支出 600.00" in report.problems[0]
    assert "row 6" in report.problems[0]
    assert report.gmv_fen == fen("59.90") + fen("1.2万")
    lines = rows(
        app,
        "SELECT line_id, merchant_id, income_fen, expense_fen, settled_fen, "
        "provider_id, provider_commission_fen FROM settlement_lines ORDER BY 1",
    )
    assert lines == [
        ("2512345678901234567#1", "m-ks-1", 5990, -898, 5092, "p1", -599),
        ("2512345678901234567#2", "m-ks-1", 0, 2000, -2000, None, None),
        ("2512345678901234568#1", "m-ks-1", 1_200_000, 60_000, 1_140_000, None, None),
    ]
    refunds = rows(app, "SELECT refund_id, order_id, amount_fen, refunded_at, reason FROM refunds")
    assert refunds == [
        (
            "bill:2512345678901234567#2",
            "2512345678901234567",
            2000,
            parse_instant("2026-09-28 09:00:00"),
            "结算后退款",
        )
    ]
    (again,) = app.import_files([path], Request())
    assert (again.new, again.changed, again.unchanged) == (0, 0, 3)


def test_dy_orders(app: App, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "dy.xlsx", DY_ORDERS.known, dy_order_rows())
    (report,) = app.import_files([path], Request(merchant="m-dy"))
    assert report.kind == "dy-orders" and report.rows_imported == 2, report.problems
    assert report.gmv_fen == 7980 + 990
    assert rows(app, "SELECT order_id, paid_fen, talent_id, channel FROM orders") == [
        ("6917926768823643751", 8970, "88880000", "直播")
    ]
    lines = rows(
        app,
        "SELECT line_no, product_id, sku, quantity, unit_price_fen, paid_fen "
        "FROM order_lines ORDER BY line_no",
    )
    assert lines == [
        (1, "3600000000000001", "DY-T-01", 2, 3990, 7980),
        (2, "3600000000000002", None, 1, 990, 990),
    ]


def test_sessions_keep_odd_values_and_flag_them(app: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "sessions.csv", SESSIONS.known, session_rows())
    (report,) = app.import_files([path], Request(merchant="m-ks-1"))
    assert report.kind == "sessions" and report.rows_imported == 2
    assert report.gmv_fen == 47_220_000 + 100_050
    assert any("conversion above 100 %" in n for n in report.notices)
    stats = rows(
        app,
        "SELECT anchor_name, started_at, viewers, buyers, paid_fen "
        "FROM session_stats ORDER BY started_at",
    )
    assert stats[0] == ("雅鹿小鹿", 1789038000000, 30000, 900, 47_220_000)
    assert stats[1][3] == 400  # more buyers than viewers: kept
    assert count(app, "live_sessions") == 2


def test_a_generic_mapping_file(app: App, tmp_path: Path) -> None:
    mapping = tmp_path / "erp.yaml"
    mapping.write_text(
        "name: erp\ncolumns:\n  order_id: 单号\n  paid: 金额\n  created_at: 时间\n"
        "  buyer_id: 客户\n",
        encoding="utf-8",
    )
    path = tmp_path / "erp.csv"
    path.write_text(
        "单号,金额,时间,客户,备注\nA1,10.50,2026-01-01 10:00,c1,x\nA2,abc,2026-01-01,c2,y\n",
        encoding="gb18030",
    )
    (report,) = app.import_files(
        [path], Request(kind="generic", mapping=str(mapping), merchant="m-erp")
    )
    assert (report.rows_imported, report.rows_quarantined, report.gmv_fen) == (1, 1, 1050)
    assert rows(app, "SELECT buyer_id, raw FROM orders") == [("c1", '{"备注":"x"}')]
    (wrong,) = app.import_files(
        [write_csv(tmp_path / "ks.csv", KS_ORDERS.known, ks_order_rows())],
        Request(mapping=str(mapping), merchant="m"),
    )
    assert wrong.refused is not None and "does not fit the mapping erp" in wrong.refused


def test_a_broken_or_empty_workbook_is_refused(app: App, tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "ks.xlsx", KS_ORDERS.known, ks_order_rows())
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(book.read_bytes()[:2000])
    (report,) = app.import_files([cut], KS)
    assert report.refused is not None and "not a readable XLSX workbook" in report.refused
    empty = write_xlsx(tmp_path / "empty.xlsx", [], [])
    (nothing,) = app.import_files([empty], KS)
    assert nothing.refused is not None and "header row" in nothing.refused
    assert count(app, "orders") == count(app, "quarantine") == 0


def test_a_bad_first_data_row_is_not_mistaken_for_a_description(app: App, tmp_path: Path) -> None:
    source = ks_bill_rows()
    for name in (
        "订单实付(元)",
        "合计收入(元)",
        "合计支出(元)",
        "实际结算金额(元)",
        "实际结算时间",
    ):
        source[0][name] = "?"
    path = write_csv(tmp_path / "bill.csv", KS_BILL.known, source)
    (report,) = app.import_files([path], Request())
    assert not report.description_row
    assert (report.rows_read, report.rows_imported, report.rows_quarantined) == (3, 2, 1)


def test_a_header_after_a_stray_carriage_return_is_refused(app: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ks.csv", KS_ORDERS.known, ks_order_rows(), encoding="utf-8")
    path.write_bytes(b"\r" + path.read_bytes())
    (report,) = app.import_files([path], KS)
    assert report.refused is not None and "first row is empty" in report.refused
    quoted = tmp_path / "quoted.csv"
    quoted.write_bytes(b'"a\x00b,c\n')
    (other,) = app.import_files([quoted], KS)
    assert other.refused is not None
