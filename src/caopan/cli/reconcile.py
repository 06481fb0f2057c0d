"""`caopan reconcile`: the platform's bill against the contract's commission, order by order."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from caopan.cli.common import EXIT_PARTIAL, JsonFlag, err, open_app, out, print_json
from caopan.cli.ingest import _file_progress


def _yuan(fen: int | None) -> str:
    if fen is None:
        return "-"
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def reconcile(
    bill: Annotated[Path, typer.Argument(help="A 快手 货款账单 (CSV or XLSX, plain or .gz).")],
    merchant: Annotated[
        str | None, typer.Option(help="The merchant, when the bill has no 商家ID column.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """对账 Reconcile a 快手 bill with the contract commission (commission_lines), per order.

    Imports the bill (as `caopan import --kind ks-bill`), then lists per order the contract
    commission, the billed 服务商佣金, the difference and its reason. Exit 3 when any order
    differs or a bill row was quarantined.
    """
    with open_app() as a, _file_progress([bill]) as progress:
        result = a.reconcile(bill, merchant, progress)
    orders = result["orders"]
    if as_json:
        print_json(result)
    else:
        table = Table(title="对账 reconcile: 合同佣金 vs 账单服务商佣金", title_justify="left")
        for column in (
            "订单 order",
            "合同 contract ¥",
            "账单 billed ¥",
            "差额 diff ¥",
            "原因 reason",
        ):
            table.add_column(
                column, justify="left" if "order" in column or "reason" in column else "right"
            )
        for o in orders:
            table.add_row(
                o["order_id"],
                _yuan(o["contract_fen"]),
                _yuan(o["billed_fen"]),
                _yuan(o["difference_fen"]),
                f"{o['reason_zh']} {o['reason']}",
            )
        totals = result["totals"]
        table.add_row(
            f"合计 total ({totals['orders']:,})",
            _yuan(totals["contract_fen"]),
            _yuan(totals["billed_fen"]),
            _yuan(totals["difference_fen"]),
            ", ".join(f"{k} {v}" for k, v in totals["by_reason"].items()),
        )
        out.print(table)
    for problem in result["bill"]["problems"][:20]:
        err.print(problem, highlight=False, markup=False)
    if result["bill"]["rows_quarantined"] or any(o["difference_fen"] for o in orders):
        raise typer.Exit(EXIT_PARTIAL)
