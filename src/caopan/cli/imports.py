"""`caopan import`: platform exports (快手, 抖店, bills, session lists, mapped files)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from caopan.cli.common import EXIT_PARTIAL, EXIT_REFUSED, JsonFlag, err, open_app, out, print_json
from caopan.cli.ingest import _file_progress
from caopan.domain.layouts import KINDS
from caopan.ingest.imports import ImportReport, Request

MAX_SHOWN = 20


def import_files(
    files: Annotated[list[Path], typer.Argument(help="CSV or XLSX exports (plain or .gz).")],
    kind: Annotated[
        str, typer.Option(help=f"What the files are: {', '.join(KINDS)} (auto: from the header).")
    ] = "auto",
    mapping: Annotated[
        str | None,
        typer.Option(help="A mapping file (YAML/JSON) or a shipped name: uci-online-retail."),
    ] = None,
    merchant: Annotated[str | None, typer.Option(help="The merchant the rows belong to.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import platform exports (see spec imports.md).

    Prints per file the rows read, imported and quarantined, how many were new, changed and
    unchanged, and the GMV (fen) the imported rows carry. Bad rows are kept in quarantine with
    file, row, column and value (`caopan quarantine list`); a file that is not what it claims
    is refused whole, before anything is written.
    """
    request = Request(kind=kind, mapping=mapping, merchant=merchant)
    with open_app() as a, _file_progress(files) as progress:
        reports = a.import_files(files, request, progress)
    if as_json:
        print_json([r.to_json() for r in reports])
    else:
        print_reports(reports)
    for report in reports:
        for problem in report.problems[:MAX_SHOWN]:
            err.print(problem, highlight=False, markup=False)
        if report.rows_quarantined > MAX_SHOWN:
            more = report.rows_quarantined - MAX_SHOWN
            err.print(f"… and {more:,} more rows (caopan quarantine list --source …)")
        for notice in report.notices:
            err.print(f"note: {report.file}: {notice}", highlight=False, markup=False)
    if any(r.refused for r in reports):
        raise typer.Exit(EXIT_REFUSED)
    if not all(r.clean for r in reports):
        raise typer.Exit(EXIT_PARTIAL)


def print_reports(reports: list[ImportReport]) -> None:
    table = Table(title="导入 import", title_justify="left")
    columns = ("file", "kind", "read", "imported", "quarantined", "new", "changed", "unchanged")
    for column in (*columns, "GMV ¥"):
        table.add_column(column, justify="left" if column in ("file", "kind") else "right")
    for r in reports:
        if r.refused:
            table.add_row(r.file, r.kind or "-", "refused", "", "", "", "", "", "")
            continue
        table.add_row(
            r.file,
            r.kind or "-",
            f"{r.rows_read:,}",
            f"{r.rows_imported:,}",
            f"{r.rows_quarantined:,}",
            f"{r.new:,}",
            f"{r.changed:,}",
            f"{r.unchanged:,}",
            f"{r.gmv_fen // 100:,}.{r.gmv_fen % 100:02d}",
        )
    out.print(table)
    for r in reports:
        for item in r.non_product:
            fen = int(item["amount_fen"])
            sign = "-" if fen < 0 else ""
            out.print(
                f"  {r.file}: non-product {item['product_id']} ({item['label']}): "
                f"{item['rows']:,} rows, {sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d} "
                "kept out of GMV",
                highlight=False,
                markup=False,
            )
