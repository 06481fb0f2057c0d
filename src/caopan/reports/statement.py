"""The monthly statement (月度结算单) per merchant: data, and the XLSX workbook in Chinese.

`build` groups a month's statement rows (`engine.statement`) by merchant and session;
`write_xlsx` writes one merchant's statement as a workbook with a summary sheet (汇总) and one
sheet per session. Money is written in 元 as exact decimals (two places); the figures of every
sheet add up, to the fen, to the summary's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from caopan.domain.clock import shanghai_text
from caopan.engine.contracts import StoredContract

STATE_ZH: Final = {"estimated": "预估", "pending": "待结算", "settled": "已结算", "void": "已失效"}
KIND_ZH: Final = {
    "commission": "佣金",
    "clawback": "退佣",
    "slot_fee": "坑位费",
    "guarantee_refund": "保量退还",
    "monthly_fee": "月服务费",
}
SESSION_FIGURES: Final = (
    ("orders", "订单数", "orders"),
    ("gmv_fen", "成交金额", "GMV"),
    ("refunds_fen", "退款金额", "refunds"),
    ("base_fen", "计佣基数", "base"),
    ("estimated_fen", "预估佣金", "estimated"),
    ("pending_fen", "待结算佣金", "pending"),
    ("settled_fen", "已结算佣金", "settled"),
    ("clawback_fen", "退佣", "clawed back"),
    ("slot_fee_fen", "坑位费", "slot fee"),
    ("guarantee_refund_fen", "保量退还", "guarantee give-back"),
    ("earnings_fen", "服务商收益", "provider earnings"),
)
"""A session's figures in the statement: key, Chinese and English headings."""


def _session(session_id: str | None, contract_id: str) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "contract_id": contract_id,
        **{key: 0 for key, _, _ in SESSION_FIGURES},
        "lines": [],
        "clawbacks": [],
    }


def _add(s: dict[str, Any], row: dict[str, Any]) -> None:
    kind, amount = row["kind"], int(row["commission_fen"])
    if kind == "commission":
        s["gmv_fen"] += row["paid_fen"]
        s["refunds_fen"] += row["refunded_fen"]
        s["base_fen"] += row["base_fen"]
        if row["state"] in ("estimated", "pending", "settled"):
            s[f"{row['state']}_fen"] += amount
        s["lines"].append(row)
    elif kind == "clawback":  # its base drop too: base = the lines' base as it stands
        s["clawback_fen"] += amount
        s["base_fen"] += row["base_fen"]
        s["clawbacks"].append(row)
    elif kind == "slot_fee":
        s["slot_fee_fen"] += amount
    elif kind == "guarantee_refund":
        s["guarantee_refund_fen"] += amount
    s["earnings_fen"] += amount


def build(
    month: str, as_of: int, rows: pa.Table, contracts: list[StoredContract]
) -> list[dict[str, Any]]:
    """One statement per merchant with a contract in force in the month, by merchant id."""
    merchant_of = {s.contract.contract_id: s.contract.merchant_id for s in contracts}
    out: dict[str, dict[str, Any]] = {}
    for stored in sorted(contracts, key=lambda s: s.contract.contract_id):
        c = stored.contract
        st = out.setdefault(
            c.merchant_id,
            {
                "month": month,
                "as_of": as_of,
                "merchant_id": c.merchant_id,
                "contracts": [],
                "sessions": {},
                "monthly_fee_fen": 0,
            },
        )
        st["contracts"].append({"contract_id": c.contract_id, "provider_id": c.provider_id})
    sessions: dict[tuple[str, str | None, str], dict[str, Any]] = defaultdict(dict)
    for row in rows.to_pylist():
        merchant = merchant_of[row["contract_id"]]
        if row["kind"] == "monthly_fee":
            out[merchant]["monthly_fee_fen"] += int(row["commission_fen"])
            continue
        key = (merchant, row["session_id"], row["contract_id"])
        if not sessions[key]:
            sessions[key] = _session(row["session_id"], row["contract_id"])
        _add(sessions[key], row)
    for (merchant, _, _), s in sorted(sessions.items(), key=lambda kv: str(kv[0])):
        s["orders"] = len({line["order_id"] for line in s["lines"]})
        out[merchant]["sessions"][f"{s['session_id']}@{s['contract_id']}"] = s
    result = []
    for merchant in sorted(out):
        st = out[merchant]
        st["sessions"] = list(st["sessions"].values())
        totals = {key: sum(s[key] for s in st["sessions"]) for key, _, _ in SESSION_FIGURES}
        st["totals"] = totals
        st["total_fen"] = totals["earnings_fen"] + st["monthly_fee_fen"]
        result.append(st)
    return result


def yuan(fen: int) -> Decimal:
    """Fen as an exact amount of 元 (two decimal places)."""
    return Decimal(int(fen)).scaleb(-2).quantize(Decimal("0.01"))


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
MONEY_FORMAT: Final = "#,##0.00"
_HEAD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDE6F5")


def sheet_name(session_id: str | None, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\) for a session.

    >>> sheet_name("live:2026/10/01", set())
    '场次 live_2026_10_01'
    """
    base = "场次 " + _BAD_SHEET_CHARS.sub("_", session_id or "—")
    name, n = base[:31], 1
    while name in taken:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}~{n}"
    taken.add(name)
    return name


def _header(ws: Worksheet, row: int, headings: list[str]) -> None:
    for col, text in enumerate(headings, 1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font, cell.fill = _HEAD, _FILL
        cell.alignment = Alignment(wrap_text=True)


def _put(ws: Worksheet, row: int, values: list[Any], money: set[int]) -> None:
    for col, value in enumerate(values, 1):
        cell = ws.cell(row=row, column=col, value=yuan(value) if col in money else value)
        if col in money:
            cell.number_format = MONEY_FORMAT


def _summary(ws: Worksheet, st: dict[str, Any]) -> None:
    ws["A1"] = f"月度结算单 Monthly statement · 商家 merchant {st['merchant_id']} · {st['month']}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"截至 as of {shanghai_text(st['as_of'])} (北京时间); 金额单位 元 (CNY)"
    ws["A3"] = "合同 contracts: " + ", ".join(
        f"{c['contract_id']} (服务商 {c['provider_id']})" for c in st["contracts"]
    )
    headings = ["场次 session", "合同 contract"] + [f"{zh} {en}" for _, zh, en in SESSION_FIGURES]
    _header(ws, 5, headings)
    money = set(range(4, len(headings) + 1))
    row = 6
    for s in st["sessions"]:
        values = [s["session_id"], s["contract_id"], *(s[k] for k, _, _ in SESSION_FIGURES)]
        _put(ws, row, values, money)
        row += 1
    total = ["合计 sessions total", "", *(st["totals"][k] for k, _, _ in SESSION_FIGURES)]
    _put(ws, row, total, money)
    for cell in ws[row]:
        cell.font = _HEAD
    row += 2
    _put(ws, row, ["月服务费 monthly fee", "", st["monthly_fee_fen"]], {3})
    _put(ws, row + 1, ["本月服务商收益合计 provider earnings", "", st["total_fen"]], {3})
    ws.cell(row=row + 1, column=1).font = _HEAD
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 24
    for col in range(3, len(headings) + 1):
        ws.column_dimensions[ws.cell(row=5, column=col).column_letter].width = 14


_LINE_HEAD: Final = [
    "订单 order",
    "明细 line",
    "支付时间 paid at",
    "状态 state",
    "实付 paid",
    "退款 refunded",
    "计佣基数 base",
    "佣金 commission",
    "入账日期 dated",
]


def _session_sheet(ws: Worksheet, s: dict[str, Any]) -> None:
    ws["A1"] = f"场次 session {s['session_id']} · 合同 contract {s['contract_id']}"
    ws["A1"].font = Font(bold=True, size=13)
    _header(ws, 3, _LINE_HEAD)
    row = 4
    for line in s["lines"]:
        values = [
            line["order_id"],
            line["line_id"].rsplit("#", 1)[-1],
            shanghai_text(line["paid_at"]) if line["paid_at"] is not None else "",
            f"{STATE_ZH[line['state']]} {line['state']}",
            line["paid_fen"],
            line["refunded_fen"],
            line["base_fen"],
            line["commission_fen"],
            shanghai_text(line["dated_at"]),
        ]
        _put(ws, row, values, {5, 6, 7, 8})
        row += 1
    for claw in s["clawbacks"]:
        values = [claw["order_id"], "退佣 clawback", "", "已结算 settled", 0, 0]
        values += [claw["base_fen"], claw["commission_fen"], shanghai_text(claw["dated_at"])]
        _put(ws, row, values, {5, 6, 7, 8})
        row += 1
    row += 1
    for key, zh, en in SESSION_FIGURES:
        _put(ws, row, [f"{zh} {en}", s[key]], set() if key == "orders" else {2})
        ws.cell(row=row, column=1).font = _HEAD
        row += 1
    for col, width in zip("ABCDEFGHI", (26, 8, 20, 16, 14, 14, 14, 14, 20), strict=True):
        ws.column_dimensions[col].width = width


def write_xlsx(statement: dict[str, Any], path: Path) -> Path:
    """Write one merchant's statement as an XLSX workbook; the path written."""
    wb = Workbook()
    summary = wb.worksheets[0]
    summary.title = "汇总 summary"
    _summary(summary, statement)
    taken = {summary.title}
    for s in statement["sessions"]:
        _session_sheet(wb.create_sheet(sheet_name(s["session_id"], taken)), s)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
