"""Commands for the store and the parties in it: db, provider, merchant."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated

import typer

from caopan.cli.common import JsonFlag, fail, open_app, out, print_json, rows_table
from caopan.domain.entities import MERCHANT_CATEGORIES, PROVIDER_CATEGORIES, Merchant, Provider

db_app = typer.Typer(help="The store: create it, see what it holds.", no_args_is_help=True)
provider_app = typer.Typer(help="Service providers (服务商).", no_args_is_help=True)
merchant_app = typer.Typer(help="Merchants (商家).", no_args_is_help=True)


@db_app.command("init")
def db_init() -> None:
    """Create the store and its tables (nothing changes if they exist)."""
    with open_app() as a:
        created = a.init_db()
        out.print(f"store {a.url}: {len(created)} tables created", highlight=False)


@db_app.command("info")
def db_info(as_json: JsonFlag = False) -> None:
    """Row counts of every table."""
    with open_app() as a:
        counts = a.table_counts()
        if as_json:
            print_json({"url": a.url, "tables": counts})
            return
        rows = [{"table": k, "rows": v} for k, v in counts.items()]
        out.print(rows_table(f"store {a.url}", rows, ["table", "rows"]))


@db_app.command("optimize")
def db_optimize(as_json: JsonFlag = False) -> None:
    """Cluster orders and order lines by merchant (DuckDB): one merchant's diagnosis then
    reads only its own rows. Run it again after large imports."""
    with open_app() as a:
        t0 = time.perf_counter()
        done = a.optimize_store()
        seconds = round(time.perf_counter() - t0, 3)
        if as_json:
            print_json({"url": a.url, **done, "seconds": seconds})
            return
        out.print(
            f"store {a.url}: {done['orders']:,} orders and {done['order_lines']:,} order lines "
            f"clustered by merchant ({done['lines_tagged']:,} lines given their order's "
            f"merchant) in {seconds:.1f} s",
            highlight=False,
        )


# -- providers and merchants -------------------------------------------------------------


@provider_app.command("add")
def provider_add(
    provider_id: Annotated[str, typer.Argument(help="Provider id.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    category: Annotated[
        str, typer.Option(help=f"One of: {', '.join(PROVIDER_CATEGORIES)}.")
    ] = "MCN",
    tier: Annotated[str | None, typer.Option(help="优质, 核心 or 战略.")] = None,
) -> None:
    """Add a service provider (服务商)."""
    with open_app() as a:
        added = a.add_provider(Provider(provider_id, name, category=category, tier=tier))
        out.print(f"provider {provider_id} {'added' if added else 'already exists'}")


@provider_app.command("list")
def provider_list(as_json: JsonFlag = False) -> None:
    """List service providers."""
    with open_app() as a:
        rows = a.providers()
    if as_json:
        print_json(rows)
    else:
        cols = ["provider_id", "name", "category", "tier"]
        out.print(rows_table("服务商 providers", rows, cols))


@merchant_app.command("add")
def merchant_add(
    merchant_id: Annotated[str, typer.Argument(help="Merchant id.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    category: Annotated[
        str, typer.Option(help=f"One of: {', '.join(MERCHANT_CATEGORIES)}.")
    ] = "其他",
    stage: Annotated[str, typer.Option(help="新店破0, 爬坡, KA or SKA.")] = "新店破0",
    provider: Annotated[
        str | None, typer.Option("--provider", help="Id of the provider serving it.")
    ] = None,
    opened_on: Annotated[
        str | None, typer.Option(help="Shop opening date, YYYY-MM-DD (Asia/Shanghai).")
    ] = None,
) -> None:
    """Add a merchant (商家)."""
    try:
        opened = date.fromisoformat(opened_on) if opened_on else None
    except ValueError:
        fail(f"--opened-on must be a date YYYY-MM-DD, not {opened_on!r}", 2)
    merchant = Merchant(merchant_id, name, category, stage, provider, opened)
    with open_app() as a:
        added = a.add_merchant(merchant)
        out.print(f"merchant {merchant_id} {'added' if added else 'already exists'}")


@merchant_app.command("list")
def merchant_list(
    provider: Annotated[
        str | None, typer.Option("--provider", help="Only this provider's.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List merchants."""
    with open_app() as a:
        rows = a.merchants(provider)
    if as_json:
        print_json(rows)
    else:
        cols = ["merchant_id", "name", "category", "stage", "provider_id", "opened_on"]
        out.print(rows_table("商家 merchants", rows, cols))
