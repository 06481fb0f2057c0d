"""The `caopan` command: a thin translation of arguments into App calls.

Errors go to stderr with a non-zero exit; stdout carries only results (JSON with `--json`).
Exit codes: 0 done; 1 refused (a caopan error: bad input, missing thing); 2 usage;
3 done, but some lines were rejected or conflicting (they are in quarantine).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from caopan.app import App
from caopan.domain.clock import shanghai_text
from caopan.domain.entities import MERCHANT_CATEGORIES, PROVIDER_CATEGORIES, Merchant, Provider
from caopan.domain.errors import CaopanError
from caopan.ingest.files import FileReport

EXIT_REFUSED = 1
EXIT_PARTIAL = 3

app = typer.Typer(
    name="caopan",
    help="操盘 caopan — operator system for live-commerce service providers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The store: create it, see what it holds.", no_args_is_help=True)
provider_app = typer.Typer(help="Service providers (服务商).", no_args_is_help=True)
merchant_app = typer.Typer(help="Merchants (商家).", no_args_is_help=True)
ingest_app = typer.Typer(help="Bring data in.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Lines that were not taken, and why.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(provider_app, name="provider")
app.add_typer(merchant_app, name="merchant")
app.add_typer(ingest_app, name="ingest")
app.add_typer(quarantine_app, name="quarantine")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


class State:
    db: str | None = None


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="CAOPAN_DB",
            help="Store URL or path: duckdb:///file.duckdb (default ./caopan.duckdb), "
            "pyspark://local, or any Ibis URL.",
        ),
    ] = None,
) -> None:
    State.db = db


def _app() -> App:
    return App(State.db)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def _fail(message: str, code: int = EXIT_REFUSED) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _rows_table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    return table


# -- db ----------------------------------------------------------------------------------


@db_app.command("init")
def db_init() -> None:
    """Create the store and its tables (nothing changes if they exist)."""
    with _app() as a:
        created = a.init_db()
        out.print(f"store {a.url}: {len(created)} tables created", highlight=False)


@db_app.command("info")
def db_info(as_json: JsonFlag = False) -> None:
    """Row counts of every table."""
    with _app() as a:
        counts = a.table_counts()
        if as_json:
            _print_json({"url": a.url, "tables": counts})
            return
        rows = [{"table": k, "rows": v} for k, v in counts.items()]
        out.print(_rows_table(f"store {a.url}", rows, ["table", "rows"]))


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
    with _app() as a:
        added = a.add_provider(Provider(provider_id, name, category=category, tier=tier))
        out.print(f"provider {provider_id} {'added' if added else 'already exists'}")


@provider_app.command("list")
def provider_list(as_json: JsonFlag = False) -> None:
    """List service providers."""
    with _app() as a:
        rows = a.providers()
    if as_json:
        _print_json(rows)
    else:
        cols = ["provider_id", "name", "category", "tier"]
        out.print(_rows_table("服务商 providers", rows, cols))


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
        _fail(f"--opened-on must be a date YYYY-MM-DD, not {opened_on!r}", 2)
    merchant = Merchant(merchant_id, name, category, stage, provider, opened)
    with _app() as a:
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
    with _app() as a:
        rows = a.merchants(provider)
    if as_json:
        _print_json(rows)
    else:
        cols = ["merchant_id", "name", "category", "stage", "provider_id", "opened_on"]
        out.print(_rows_table("商家 merchants", rows, cols))


# -- ingest ------------------------------------------------------------------------------


@ingest_app.command("events")
def ingest_events(
    files: Annotated[list[Path], typer.Argument(help="NDJSON files (plain or .gz).")],
    as_json: JsonFlag = False,
) -> None:
    """Ingest live events from NDJSON files (see spec live-events.md).

    Prints accepted / duplicate / conflicting / rejected counts per file. Rejected and
    conflicting lines are kept in quarantine with their reasons (`caopan quarantine list`).
    """
    with _app() as a, _file_progress(files) as progress:
        reports = a.ingest_event_files(files, progress)
    if as_json:
        _print_json([r.to_json() for r in reports])
    else:
        _print_reports(reports)
    for report in reports:
        for problem in report.problems[:20]:
            err.print(problem, highlight=False, markup=False)
        if len(report.problems) > 20:
            err.print(f"… and {len(report.problems) - 20} more (caopan quarantine list)")
        for notice in report.notices[:20]:
            err.print(f"note: {notice}", highlight=False, markup=False)
    if any(r.refused for r in reports):
        raise typer.Exit(EXIT_REFUSED)
    if not all(r.clean for r in reports):
        raise typer.Exit(EXIT_PARTIAL)


class _file_progress:
    """A Rich progress bar on stderr over the bytes of each file."""

    def __init__(self, files: list[Path]) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        self.tasks: dict[Path, Any] = {}
        self.files = files

    def __enter__(self) -> Any:
        self.progress.start()

        def update(path: Path, done: int) -> None:
            if path not in self.tasks:
                total = path.stat().st_size if path.exists() else None
                self.tasks[path] = self.progress.add_task(path.name, total=total)
            self.progress.update(self.tasks[path], completed=done)

        return update

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def _print_reports(reports: list[FileReport]) -> None:
    table = Table(title="导入 ingest", title_justify="left")
    for column in ("file", "lines", "accepted", "duplicate", "conflicting", "rejected"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for r in reports:
        table.add_row(
            r.file,
            f"{r.lines:,}",
            f"{r.accepted:,}",
            f"{r.duplicate:,}",
            f"{r.conflicting:,}",
            f"{r.rejected:,}" + (" (file refused)" if r.refused else ""),
        )
    out.print(table)


# -- quarantine --------------------------------------------------------------------------


@quarantine_app.command("list")
def quarantine_list(
    source: Annotated[str | None, typer.Option(help="Only lines from this source.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most lines to show.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """The most recent quarantined lines, with source, line, field and reason."""
    with _app() as a:
        rows = a.quarantine(source, limit)
        total = a.quarantine_count()
    if as_json:
        _print_json(rows)
        return
    out.print(f"[bold]隔离区 quarantine[/]: newest {len(rows)} of {total}", highlight=False)
    for row in rows:
        when = shanghai_text(int(row["received_at"]))
        out.print(f"[cyan]{row['source']}:{row['line']}[/] [dim]{when}[/]", highlight=False)
        out.print(f"  {row['reason']}", highlight=False, markup=False)
        raw = str(row["raw"])
        out.print(f"  [dim]{raw[:160]}{'…' if len(raw) > 160 else ''}[/]", highlight=False)


# -- entry point -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, translating caopan errors into a message on stderr and exit code 1."""
    try:
        app(args=argv)
    except CaopanError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(EXIT_REFUSED)


if __name__ == "__main__":
    main()
