"""`caopan commission calc`: the what-if calculator of commission plans (no store needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from caopan.app import App
from caopan.cli.common import JsonFlag, out, print_json
from caopan.reports.formatting import value_text

commission_app = typer.Typer(help="Commission plans (分佣方案).", no_args_is_help=True)


@commission_app.command("calc")
def calc(
    plan: Annotated[Path, typer.Option("--plan", help="Plan file, YAML or JSON.")],
    orders: Annotated[Path, typer.Option("--orders", help="Order lines, NDJSON.")],
    as_of: Annotated[
        int | None, typer.Option("--as-of", help="Evaluate as of this instant (epoch ms).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """What would this plan earn on these orders? (the spec's calculator interface)"""
    result = App.commission_calc(plan, orders, as_of)
    if as_json:
        print_json(result)
        return
    table = Table(title="分佣测算 commission what-if", title_justify="left")
    for col in (
        "场次 session",
        "基数 base",
        "佣金 commission",
        "坑位费 slot fee",
        "保量退还 guarantee",
        "收益 earnings",
    ):
        table.add_column(col, justify="left" if col.startswith("场次") else "right")
    for s in result["sessions"]:
        table.add_row(
            s["session_id"],
            value_text("fen", s["base_fen"]),
            value_text("fen", s["commission_fen"]),
            value_text("fen", s["slot_fee_fen"]),
            value_text("fen", s["guarantee_refund_fen"]),
            value_text("fen", s["earnings_fen"]),
        )
    out.print(table)
    out.print(f"合计 total: {value_text('fen', result['total_fen'])}", highlight=False)
