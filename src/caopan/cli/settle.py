"""`caopan settle` (a month's settlement and statements) and `caopan earnings` (one session)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from caopan.cli.common import JsonFlag, open_app, out, print_json
from caopan.reports.formatting import value_text
from caopan.reports.statement import SESSION_FIGURES


def _money(fen: int) -> str:
    return value_text("fen", fen)


def _statement_table(st: dict[str, Any]) -> Table:
    table = Table(
        title=f"月度结算单 {st['month']} · 商家 {st['merchant_id']}", title_justify="left"
    )
    table.add_column("场次 session")
    for _, zh, _ in SESSION_FIGURES:
        table.add_column(zh, justify="right")
    for s in st["sessions"]:
        figures = [str(s[k]) if k == "orders" else _money(s[k]) for k, _, _ in SESSION_FIGURES]
        table.add_row(s["session_id"], *figures)
    totals = st["totals"]
    table.add_row(
        "合计 total",
        *(str(totals[k]) if k == "orders" else _money(totals[k]) for k, _, _ in SESSION_FIGURES),
    )
    return table


def settle(
    month: Annotated[str, typer.Option("--month", help="Calendar month YYYY-MM (Asia/Shanghai).")],
    merchant: Annotated[
        str | None, typer.Option("--merchant", help="Only this merchant's contracts.")
    ] = None,
    as_of: Annotated[
        int | None,
        typer.Option("--as-of", help="Settle as of this instant (epoch ms; default now)."),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Write the statement workbook here (one per merchant)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Settle every contract in force in a month (idempotent) and give each merchant's
    monthly statement (月度结算单)."""
    with open_app() as a:
        result = a.settle_month(month, merchant, as_of, xlsx)
    if as_json:
        for st in result["statements"]:
            for s in st["sessions"]:
                s.pop("lines")
                s.pop("clawbacks")
        print_json(result)
        return
    for report in result["settled"]:
        out.print(
            f"contract {report['contract_id']}: {report['lines_written']} line versions, "
            f"{report['entries_posted']} journal entries",
            highlight=False,
        )
    for st in result["statements"]:
        out.print(_statement_table(st))
        out.print(
            f"月服务费 monthly fee {_money(st['monthly_fee_fen'])} · "
            f"本月收益合计 total {_money(st['total_fen'])}",
            highlight=False,
        )
    for path in result["files"]:
        out.print(f"statement written: {path}", highlight=False)


EARNINGS_ROWS = (
    ("gmv_fen", "成交金额 GMV"),
    ("refunds_fen", "退款 refunds"),
    ("base_fen", "计佣基数 commission base"),
    ("estimated_fen", "预估佣金 estimated"),
    ("pending_fen", "待结算佣金 pending"),
    ("settled_fen", "已结算佣金 settled"),
    ("clawback_fen", "退佣 clawed back"),
    ("commission_fen", "服务商佣金 provider commission"),
    ("slot_fee_fen", "坑位费 slot fee"),
    ("guarantee_refund_fen", "保量退还 guarantee give-back"),
    ("provider_earnings_fen", "服务商收益 provider earnings"),
    ("technical_fee_fen", "技术服务费 platform fee"),
    ("talent_fen", "达人佣金 talent commission"),
    ("leader_fen", "团长服务费 leader fee"),
    ("ad_spend_fen", "投放消耗 ad spend"),
    ("merchant_result_fen", "商家实得 merchant result"),
)
"""A session's earnings figures in the order people read them, with their labels."""


def earnings(
    session_id: Annotated[str, typer.Argument(help="Session id.")],
    as_of: Annotated[
        int | None, typer.Option("--as-of", help="As of this instant (epoch ms; default now).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """A session's earnings (收益): commission by state, fees, the merchant's result, ROI."""
    with open_app() as a:
        result = a.earnings(session_id, as_of)
    if as_json:
        print_json(result)
        return
    title = f"场次收益 {session_id} · 商家 {result['merchant_id']}"
    table = Table(title=f"{title} · 服务商 {result['provider_id']}", title_justify="left")
    table.add_column("项目 item")
    table.add_column("金额 amount", justify="right")
    for key, label in EARNINGS_ROWS:
        table.add_row(label, _money(result[key]))
    roi = result["roi_after_fees"]
    table.add_row("服务商后ROI ROI after service fees", "—" if roi is None else f"{roi:.2f}")
    out.print(table)
    contracts = ", ".join(result["contracts"]) or "无 none"
    out.print(f"合同 contracts: {contracts}", highlight=False)
