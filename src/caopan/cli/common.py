"""What every command shares: the consoles, the store option, JSON and error output."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from caopan.app import App

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3

# Piped output is read by grep and less: do not wrap tables at 80 columns there.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 160)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


class State:
    """Options of the root command, seen by every subcommand."""

    db: str | None = None


def open_app() -> App:
    return App(State.db)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = EXIT_REFUSED) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def rows_table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    return table
