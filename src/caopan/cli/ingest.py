"""Commands that bring data in and account for what was not taken: ingest, quarantine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from caopan.cli.common import (
    EXIT_PARTIAL,
    EXIT_REFUSED,
    JsonFlag,
    err,
    open_app,
    out,
    print_json,
)
from caopan.domain.clock import shanghai_text
from caopan.ingest.files import FileReport

ingest_app = typer.Typer(help="Bring data in.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Lines that were not taken, and why.", no_args_is_help=True)


@ingest_app.command("events")
def ingest_events(
    files: Annotated[list[Path], typer.Argument(help="NDJSON files (plain or .gz).")],
    as_json: JsonFlag = False,
) -> None:
    """Ingest live events from NDJSON files (see spec live-events.md).

    Prints accepted / duplicate / conflicting / rejected counts per file. Rejected and
    conflicting lines are kept in quarantine with their reasons (`caopan quarantine list`).
    """
    with open_app() as a, _file_progress(files) as progress:
        reports = a.ingest_event_files(files, progress)
    if as_json:
        print_json([r.to_json() for r in reports])
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
    with open_app() as a:
        rows = a.quarantine(source, limit)
        total = a.quarantine_count()
    if as_json:
        print_json(rows)
        return
    out.print(f"[bold]隔离区 quarantine[/]: newest {len(rows)} of {total}", highlight=False)
    for row in rows:
        when = shanghai_text(int(row["received_at"]))
        out.print(f"[cyan]{row['source']}:{row['line']}[/] [dim]{when}[/]", highlight=False)
        out.print(f"  {row['reason']}", highlight=False, markup=False)
        raw = str(row["raw"])
        out.print(f"  [dim]{raw[:160]}{'…' if len(raw) > 160 else ''}[/]", highlight=False)


@quarantine_app.command("show")
def quarantine_show(
    quarantine_id: Annotated[str, typer.Argument(help="The id (or its first characters).")],
    as_json: JsonFlag = False,
) -> None:
    """One quarantined row in full: why, and its cells column by column."""
    with open_app() as a:
        row = a.quarantine_entry(quarantine_id)
    if as_json:
        print_json(row)
        return
    when = shanghai_text(int(row["received_at"]))
    out.print(f"[cyan]{row['source']}:{row['line']}[/] [dim]{when}[/]", highlight=False)
    out.print(f"  {row['reason']}", highlight=False, markup=False)
    if "import" in row:
        out.print(f"  [dim]imported as {row['import']}[/]", highlight=False, markup=False)
    for name, value in (row.get("cells") or {}).items():
        out.print(f"  {name}: {value}", highlight=False, markup=False)
    if row.get("raw") is not None:
        out.print(f"  {row['raw']}", highlight=False, markup=False)


@quarantine_app.command("retry")
def quarantine_retry(
    source: Annotated[str, typer.Argument(help="The source file of quarantined rows.")],
    as_json: JsonFlag = False,
) -> None:
    """Import a fixed file again as it was imported; its rows that now import leave quarantine."""
    from caopan.cli.imports import print_reports

    with open_app() as a, _file_progress([Path(source)]) as progress:
        report = a.quarantine_retry(source, progress)
    if as_json:
        print_json(report.to_json())
    else:
        print_reports([report])
    for problem in report.problems[:20]:
        err.print(problem, highlight=False, markup=False)
    if report.refused:
        raise typer.Exit(EXIT_REFUSED)
    if not report.clean:
        raise typer.Exit(EXIT_PARTIAL)
