"""Import platform exports: find the layout, read every row, keep the good, quarantine the bad.

One file at a time: open it (`sheets`), decide its layout from the header (or check the one
asked for), and refuse it whole — before anything is written — when it is not that kind of
file. Then stream it chunk by chunk: a second thread reads and types each chunk while the
previous one is stored; typed rows go to a Parquet stage, each bad row goes to quarantine
with every problem it has; at the end the stage is written to the canonical tables
(`caopan.engine.imports`). `rows_read = rows_imported + rows_quarantined` always holds.

A quarantined row keeps the file's header and its cells verbatim (JSON) with the kind, mapping
and merchant it was imported with, so `caopan quarantine retry SOURCE` can import the file again
once it is fixed; importing a source again drops its quarantined rows that now import.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pyarrow.parquet as pq

from caopan.domain.clock import now_ms
from caopan.domain.errors import CaopanError, InvalidInput
from caopan.domain.layouts import KINDS, LAYOUTS, Layout, detect
from caopan.engine.backend import Engine
from caopan.engine.imports import write_stage
from caopan.ingest import quarantine
from caopan.ingest.ahead import read_ahead
from caopan.ingest.mappings import load_mapping
from caopan.ingest.rows import Plan, Problem, Staged, description_row, field_types, stage_chunk
from caopan.ingest.sheets import BadRecord, Progress, Sheet, open_sheet

MAX_PROBLEMS: Final = 200
"""Problems listed in a report (all of them are in quarantine)."""

IMPORT_MARK: Final = b'{"import":'


@dataclass(slots=True)
class ImportReport:
    """What became of each row of one file (the spec's per-file summary, and more)."""

    file: str
    kind: str | None = None
    rows_read: int = 0
    rows_imported: int = 0
    rows_quarantined: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    gmv_fen: int = 0
    format: str | None = None
    encoding: str | None = None
    merchant_id: str | None = None
    description_row: bool = False
    blank_rows: int = 0
    raw_columns: list[str] = field(default_factory=list)
    non_product: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    refused: str | None = None

    @property
    def clean(self) -> bool:
        return self.refused is None and self.rows_quarantined == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_quarantined": self.rows_quarantined,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "gmv_fen": self.gmv_fen,
            "merchant_id": self.merchant_id,
            "format": self.format,
            "encoding": self.encoding,
            "description_row": self.description_row,
            "blank_rows": self.blank_rows,
            "raw_columns": self.raw_columns,
            "non_product": self.non_product,
            "refused": self.refused,
            "problems": self.problems,
            "notices": self.notices,
        }


@dataclass(frozen=True, slots=True)
class Request:
    """How to import: the kind (or auto), a mapping for generic files, the merchant."""

    kind: str = "auto"
    mapping: str | None = None
    merchant: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"kind": self.kind, "mapping": self.mapping, "merchant": self.merchant}


def resolve_layout(request: Request, header: list[str], path: Path) -> Layout:
    """The layout of a file, or InvalidInput saying why the file is not what was asked."""
    if request.kind not in KINDS:
        raise InvalidInput(f"unknown kind {request.kind!r}; known: {', '.join(KINDS)}")
    shown = ", ".join(h for h in header[:8] if h) + (", …" if len(header) > 8 else "")
    if request.mapping is not None or request.kind == "generic":
        if request.mapping is None:
            raise InvalidInput("--kind generic needs --mapping (a file or a shipped name)")
        layout = load_mapping(request.mapping)
        missing = layout.missing(header)
        if missing:
            raise InvalidInput(
                f"{path}: does not fit the mapping {layout.options['name']}: no column "
                f"{', '.join(missing)} (the header has {shown})"
            )
        return layout
    found = detect(header)
    if request.kind == "auto":
        if found is None:
            raise InvalidInput(
                f"{path}: no known header (the first row has {shown}); known kinds: "
                f"{', '.join(LAYOUTS)}; for other files use --kind generic --mapping MAP"
            )
        return found
    layout = LAYOUTS[request.kind]
    missing = layout.missing(header)
    if missing:
        looks = f"; it looks like {found.title} ({found.kind})" if found else ""
        raise InvalidInput(
            f"{path}: not a {layout.title} ({layout.kind}): no column {', '.join(missing)}{looks}"
        )
    return layout


def import_file(
    engine: Engine,
    path: Path,
    request: Request,
    progress: Progress | None = None,
    source: str | None = None,
) -> ImportReport:
    """Import one file (see the module docstring); a refused file comes back with `refused`."""
    report = ImportReport(file=source or str(path))
    if engine.kind == "duckdb":  # stdout carries only results: no progress bars from DuckDB
        engine.con.con.execute("SET enable_progress_bar = false")
    try:
        with ExitStack() as stack:
            _import(engine, path, request, report, stack, progress)
    except CaopanError as exc:
        if report.rows_read and report.refused is None:
            raise
        report.refused = str(exc)
        report.problems.append(str(exc))
    return report


def _import(
    engine: Engine,
    path: Path,
    request: Request,
    report: ImportReport,
    stack: ExitStack,
    progress: Progress | None,
) -> None:
    sheet = open_sheet(path, stack, progress)
    layout = resolve_layout(request, sheet.header, path)
    report.kind, report.format, report.encoding = layout.kind, sheet.format, sheet.encoding
    merchant = request.merchant or _option(layout, "merchant")
    has_merchant_column = "merchant_id" in _plan_fields(layout, sheet.header)
    if merchant is None and not (layout.target == "bill" and has_merchant_column):
        raise InvalidInput(f"{path}: name the merchant these rows belong to with --merchant ID")
    report.merchant_id = merchant
    plan = Plan.of(layout, sheet.header)
    report.raw_columns = [name for _, name in plan.raw]
    stage = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="caopan-import-")))
    writer: pq.ParquetWriter | None = None
    context = json.dumps(
        {**request.to_json(), "kind": layout.kind, "merchant": merchant}, ensure_ascii=False
    )
    received_at = now_ms()
    bad_rows: list[int] = []
    items = stack.enter_context(closing(read_ahead(_staged(sheet, plan))))
    for item in items:
        if isinstance(item, BadRecord):
            report.rows_read += 1
            report.rows_quarantined += 1
            bad_rows.append(item.row)
            problem = Problem(item.row, None, None, item.reason)
            _problems(report, [problem])
            raw = _raw(context, sheet.header, None, item.text)
            entry = quarantine.Entry(report.file, item.row, None, item.reason, raw)
            quarantine.store(engine, [entry], received_at)
            continue
        if item.described is not None:
            report.description_row = True
            report.notices.append(f"row {item.described} describes the columns: not data, skipped")
        staged = item.staged
        report.rows_read += item.rows
        report.rows_imported += staged.rows.num_rows
        report.rows_quarantined += len(staged.bad_rows)
        _problems(report, staged.problems)
        entries = _entries(report.file, context, sheet.header, staged.problems, staged.bad_rows)
        bad_rows.extend(staged.bad_rows)
        quarantine.store(engine, entries, received_at)
        if staged.rows.num_rows:
            if writer is None:
                writer = pq.ParquetWriter(stage / "stage.parquet", staged.rows.schema)
            writer.write_table(staged.rows)
    if writer is not None:
        writer.close()
    report.blank_rows = len(sheet.blank_rows)
    if report.rows_read == 0:
        report.notices.append("no data rows under the header")
    postage = _option_list(layout, "postage")
    written = write_stage(
        engine,
        layout.target,
        stage,
        list(field_types(layout)),
        merchant,
        report.file,
        received_at,
        postage,
    )
    report.new, report.changed, report.unchanged = written.new, written.changed, written.unchanged
    report.gmv_fen = written.gmv_fen
    report.non_product = written.non_product
    report.notices.extend(written.notices)
    _forget_fixed(engine, report.file, bad_rows)


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A chunk read and staged: its data rows, the stage, and the record number of the
    description row skipped at its start (if any)."""

    rows: int
    staged: Staged
    described: int | None = None


def _staged(sheet: Sheet, plan: Plan) -> Iterator[BadRecord | _Chunk]:
    """Read and stage the sheet's chunks in order (on the read-ahead thread)."""
    first = True
    for item in sheet.chunks:
        if isinstance(item, BadRecord):
            yield item
            continue
        chunk, described = item, None
        if first:
            first = False
            if description_row(plan, chunk):
                described = int(chunk.column("row")[0].as_py())
                chunk = chunk.slice(1)
        yield _Chunk(chunk.num_rows, stage_chunk(plan, chunk, sheet.replaced), described)


def _plan_fields(layout: Layout, header: list[str]) -> set[str]:
    return set(Plan.of(layout, header).sources)


def _option(layout: Layout, name: str) -> str | None:
    value = layout.options.get(name)
    return None if value is None else str(value)


def _option_list(layout: Layout, name: str) -> list[str]:
    value = layout.options.get(name)
    return [str(v) for v in value] if isinstance(value, list) else []


def _problems(report: ImportReport, problems: list[Problem]) -> None:
    room = MAX_PROBLEMS - len(report.problems)
    report.problems.extend(p.message(report.file) for p in problems[: max(room, 0)])


def _raw(context: str, header: list[str], cells: list[str] | None, text: str | None) -> bytes:
    body = {"header": header, "cells": cells} if cells is not None else {"text": text}
    return (f'{{"import":{context},' + json.dumps(body, ensure_ascii=False)[1:]).encode("utf-8")


def _entries(
    source: str,
    context: str,
    header: list[str],
    problems: list[Problem],
    bad_rows: dict[int, list[str]],
) -> list[quarantine.Entry]:
    by_row: dict[int, list[Problem]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p)
    entries = []
    for row, cells in bad_rows.items():
        found = by_row.get(row, [])
        reason = "; ".join(
            (f"{p.column} = {p.value!r}: {p.reason}" if p.column else p.reason) for p in found
        )
        first = found[0].column if found else None
        raw = _raw(context, header, cells, None)
        entries.append(quarantine.Entry(source, row, first, reason or "bad row", raw))
    return entries


def _forget_fixed(engine: Engine, source: str, bad_rows: list[int]) -> None:
    """Drop this source's quarantined import rows that imported this time."""
    con = engine.con.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE caopan_bad_rows AS SELECT unnest(?::BIGINT[]) AS line",
        [bad_rows],
    )
    con.execute(
        """DELETE FROM quarantine WHERE source = ? AND raw[1:10] = '{"import":'::BLOB
        AND line NOT IN (SELECT line FROM caopan_bad_rows)""",
        [source],
    )
    con.execute("DROP TABLE caopan_bad_rows")


def import_context(raw: bytes) -> tuple[Request, dict[str, Any]] | None:
    """The request and the row of a quarantined import row (None for other entries)."""
    if not raw.startswith(IMPORT_MARK):
        return None
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    ctx = body.pop("import")
    request = Request(ctx.get("kind") or "auto", ctx.get("mapping"), ctx.get("merchant"))
    return request, body
