"""`caopan contract`: create, list, show and end commission contracts (分佣方案)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from caopan.cli.common import JsonFlag, fail, open_app, out, print_json, rows_table

contract_app = typer.Typer(help="Commission contracts (分佣合同).", no_args_is_help=True)


def _terms_table(view: dict[str, Any]) -> Table:
    title = f"分佣合同 {view['contract_id']} · 商家 {view['merchant_id']}"
    title += f" · 服务商 {view['provider_id']}"
    table = Table(title=title, title_justify="left")
    table.add_column("条款 term")
    table.add_column("内容 value")
    for row in view["terms"]:
        table.add_row(f"{row['zh']} {row['en']}", row["text"])
    if view["ended_at"] is not None:
        table.add_row("已终止 ended", f"最后一天 last day {view['last_day']}")
    return table


@contract_app.command("create")
def create(
    plan: Annotated[Path, typer.Argument(help="Plan file, YAML or JSON (the calculator's terms).")],
    merchant: Annotated[str, typer.Option("--merchant", help="Merchant id.")],
    provider: Annotated[str, typer.Option("--provider", help="Provider id.")],
    contract_id: Annotated[
        str | None,
        typer.Option(
            "--id", help="Contract id (default MERCHANT-PROVIDER-YYYYMMDD of valid_from)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Agree a contract from a plan file; an invalid plan is refused with the reason."""
    with open_app() as a:
        view = a.contract_create(merchant, provider, plan, contract_id)
    if as_json:
        print_json(view)
        return
    out.print(f"contract {view['contract_id']} stored", highlight=False)
    out.print(_terms_table(view))


@contract_app.command("list")
def list_(
    merchant: Annotated[
        str | None, typer.Option("--merchant", help="Only this merchant's.")
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Only this provider's.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List contracts."""
    with open_app() as a:
        views = a.contracts(merchant, provider)
    if as_json:
        print_json(views)
        return
    rows = [
        {**v, "rate": v["terms"][1]["text"], "last_day": v["last_day"] or "长期 open"}
        for v in views
    ]
    cols = ["contract_id", "merchant_id", "provider_id", "valid_from", "last_day", "rate"]
    out.print(rows_table("分佣合同 contracts", rows, cols))


@contract_app.command("show")
def show(
    contract_id: Annotated[str, typer.Argument(help="Contract id.")],
    as_json: JsonFlag = False,
) -> None:
    """A contract's terms, in Chinese and English."""
    with open_app() as a:
        view = a.contract(contract_id)
    if as_json:
        print_json(view)
    else:
        out.print(_terms_table(view))


@contract_app.command("end")
def end(
    contract_id: Annotated[str, typer.Argument(help="Contract id.")],
    on: Annotated[str, typer.Option("--on", help="Its last day, YYYY-MM-DD (Asia/Shanghai).")],
    as_json: JsonFlag = False,
) -> None:
    """End a contract: orders paid and sessions started after --on are no longer its."""
    try:
        last_day = date.fromisoformat(on)
    except ValueError:
        fail(f"--on must be a date YYYY-MM-DD, not {on!r}", 2)
    with open_app() as a:
        view = a.contract_end(contract_id, last_day)
    if as_json:
        print_json(view)
    else:
        out.print(f"contract {contract_id} ends after {view['last_day']}", highlight=False)
