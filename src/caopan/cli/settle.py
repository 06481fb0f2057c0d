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
