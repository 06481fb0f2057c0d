"""Small export files in each real layout (the spec's header lists), with the quirks real
files have, written by the tests themselves. Amounts are given as exact decimal text; the
expected fen are computed here with `Decimal`, independently of the importer."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl

from caopan.domain.layouts import DY_ORDERS, KS_BILL, KS_ORDERS, SESSIONS

Row = dict[str, str]


def fen(text: str) -> int:
    """Expected fen of an amount text, by Decimal (the oracle, not the importer's rule)."""
    value = text.strip().lstrip("\t'¥￥").replace(",", "")
    scale = Decimal(1)
    if value.endswith("万"):
        value, scale = value[:-1], Decimal(10_000)
    return int(Decimal(value) * scale * 100)


def ks_order_rows() -> list[Row]:
    """Five 快手 order lines: tab- and apostrophe-prefixed 19-digit ids, `-` for empty, a 万
    amount, Excel re-saved dates, an after-sale refund."""
    base = {h: "-" for h in KS_ORDERS.known}
    rows = [
        {
            "订单号": "\t2512345678901234567",
            "订单创建时间": "2026-09-10 08:00:00",
            "订单支付时间": "2026-09-10 08:00:05",
            "订单状态": "交易成功",
            "实付款": "59.90",
            "快递费": "0.00",
            "店铺优惠": "10.00",
            "成交数量": "1",
            "售后状态": "-",
            "商品名称": "雅鹿 羽绒服",
            "商品ID": "\t22334455667788",
            "SKU编码": "YL-001-黑-L",
            "商品单价": "69.90",
            "渠道": "直播",
            "CPS达人ID": "'1234567890123456",
            "收货人姓名": "张*",
        },
        {
            "订单号": "'2512345678901234568",
            "订单创建时间": "2026/9/10 8:01",
            "订单支付时间": "2026/9/10 8:02",
            "订单状态": "已发货",
            "实付款": "1.2万",
            "快递费": "12",
            "成交数量": "100",
            "售后状态": "无售后",
            "商品名称": "整箱 批发",
            "商品ID": "22334455667799",
            "商品单价": "120.00",
        },
        {
            "订单号": "2512345678901234569",
            "订单创建时间": "46275.3340277778",
            "订单支付时间": "-",
            "订单状态": "待付款",
            "实付款": "0.07",
            "成交数量": "1",
            "商品ID": "22334455667788",
            "商品单价": "￥0.07",
        },
        {
            "订单号": "2512345678901234570",
            "订单创建时间": "2026-09-10 09:00:00",
            "订单支付时间": "2026-09-10 09:00:01",
            "订单状态": "交易关闭",
            "实付款": "1,299.00",
            "成交数量": "1",
            "售后状态": "退款成功",
            "商品ID": "22334455660000",
            "商品单价": "1299",
        },
        {
            "订单号": "2512345678901234570",
            "订单创建时间": "2026-09-10 09:00:00",
            "订单支付时间": "2026-09-10 09:00:01",
            "订单状态": "交易关闭",
            "实付款": "5.5",
            "成交数量": "2",
            "商品ID": "22334455661111",
            "商品单价": "2.75",
        },
    ]
    return [{**base, **row} for row in rows]


def ks_bill_rows() -> list[Row]:
    """Settlement rows: two for one order (goods, then a refund after settlement), one for a
    second order; fees negative or positive as bills write them."""
    base = {h: "-" for h in KS_BILL.known}
    rows = [
        {
            "商家ID": "m-ks-1",
            "订单号": "\t2512345678901234567",
            "商品ID": "22334455667788",
            "商品数量": "1",
            "订单创建时间": "2026-09-10 08:00:00",
            "订单实付(元)": "59.90",
            "合计收入(元)": "59.90",
            "技术服务费(元)": "-2.99",
            "服务商ID": "p1",
            "服务商佣金(元)": "-5.99",
            "合计支出(元)": "-8.98",
            "实际结算金额(元)": "50.92",
            "实际结算时间": "2026-09-25 10:00:00",
            "结算规则": "确认收货后T+7",
        },
        {
            "商家ID": "m-ks-1",
            "订单号": "\t2512345678901234567",
            "商品ID": "22334455667788",
            "商品数量": "1",
            "订单创建时间": "2026-09-10 08:00:00",
            "订单实付(元)": "59.90",
            "合计收入(元)": "0",
            "订单退款(元)": "-20.00",
            "合计支出(元)": "20.00",
            "实际结算金额(元)": "-20.00",
            "实际结算时间": "2026/9/28 9:00",
            "结算规则": "结算后退款",
        },
        {
            "商家ID": "m-ks-1",
            "订单号": "2512345678901234568",
            "商品ID": "22334455667799",
            "商品数量": "100",
            "订单创建时间": "2026-09-10 08:01:00",
            "订单实付(元)": "1.2万",
            "合计收入(元)": "12000.00",
            "技术服务费(元)": "600",
            "合计支出(元)": "600.00",
            "实际结算金额(元)": "11400.00",
            "实际结算时间": "2026-09-25 10:00:00",
        },
    ]
    return [{**base, **row} for row in rows]


def bill_description_row() -> Row:
    """The description row some settlement exports put under the header."""
    row = {h: "说明" for h in KS_BILL.known}
    row |= {"订单实付(元)": "订单实付金额，单位元", "实际结算时间": "结算到账时间"}
    return row


def dy_order_rows() -> list[Row]:
    base = {h: "" for h in DY_ORDERS.known}
    rows = [
        {
            "主订单编号": "\t6917926768823643751",
            "子订单编号": "\t6917926768823643752",
            "选购商品": "抖音 T恤",
            "商品数量": "2",
            "商品ID": "3600000000000001",
            "商家编码": "DY-T-01",
            "商品单价": "39.90",
            "订单应付金额": "79.80",
            "运费": "0",
            "优惠总金额": "-",
            "订单提交时间": "2026-09-11 20:00:00",
            "支付完成时间": "2026-09-11 20:00:30",
            "订单状态": "已完成",
            "售后状态": "-",
            "达人ID": "'88880000",
            "流量来源": "直播",
        },
        {
            "主订单编号": "\t6917926768823643751",
            "子订单编号": "\t6917926768823643753",
            "选购商品": "抖音 袜子",
            "商品数量": "1",
            "商品ID": "3600000000000002",
            "商品单价": "9.90",
            "订单应付金额": "9.90",
            "订单提交时间": "2026-09-11 20:00:00",
            "支付完成时间": "2026-09-11 20:00:30",
            "订单状态": "已完成",
        },
    ]
    return [{**base, **row} for row in rows]


def session_rows() -> list[Row]:
    base = {h: "-" for h in SESSIONS.known}
    rows = [
        {
            "主播昵称": "雅鹿小鹿",
            "直播开始时间": "2026-09-10 19:00:00",
            "直播结束时间": "2026-09-10 23:00:00",
            "直播时长(分钟)": "240",
            "直播间曝光人数": "120000",
            "直播间观看人数": "30000",
            "直播间观看次数": "45000",
            "直播间商品曝光人数": "20000",
            "直播间商品点击人数": "4000",
            "直播间成交人数": "900",
            "直播间用户支付金额": "47.22万",
        },
        {
            "主播昵称": "雅鹿小鹿",
            "直播开始时间": "2026/9/11 19:00",
            "直播时长(分钟)": "60",
            "直播间曝光人数": "100",
            "直播间观看人数": "300",
            "直播间成交人数": "400",
            "直播间用户支付金额": "1000.5",
        },
    ]
    return [{**base, **row} for row in rows]


def csv_bytes(header: Sequence[str], rows: Sequence[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return buffer.getvalue()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Row],
    *,
    encoding: str = "utf-8-sig",
    gzipped: bool = False,
) -> Path:
    data = csv_bytes(header, rows).encode(encoding)
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Row]) -> Path:
    """An XLSX as Excel leaves it: ids as text, amounts and counts as numbers where they are
    plain numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        cells: list[object] = []
        for h in header:
            text = row.get(h, "")
            plain = text.replace(".", "", 1).lstrip("-").isdigit() and len(text) < 12
            cells.append(float(text) if plain and "." in text else int(text) if plain else text)
        sheet.append(cells)
    book.save(path)
    return path
