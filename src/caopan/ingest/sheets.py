"""Read exported sheets (CSV or XLSX, plain or gzip) as a header and chunks of text cells.

Never whole: a CSV streams through Arrow's reader in blocks (UTF-8 with or without a BOM, or
GBK/GB18030, told apart from the first bytes); an XLSX streams row by row through calamine.
Every chunk is an Arrow table of string columns `c0 … cN` (one per header cell, so duplicate or
blank header names cannot collide) plus `row`, the record number in the file (the header is
record 1). A record with the wrong number of cells comes back as a `BadRecord`; a record whose
cells are all empty is skipped and counted.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from caopan.domain.errors import InvalidInput, NotFound

CHUNK_ROWS: Final = 100_000
"""Chunks read ahead of the one being stored (bounded, so memory stays flat)."""
BLOCK_BYTES: Final = 8 << 20
SNIFF_BYTES: Final = 1 << 16
GZIP_MAGIC: Final = b"\x1f\x8b"
ZIP_MAGIC: Final = b"PK\x03\x04"

Progress = Callable[[int], None]
"""Called with the bytes of the file read so far."""


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that could not be cut into the header's cells."""

    row: int
    reason: str
    text: str


@dataclass(slots=True)
class Sheet:
    """An open sheet: its format, encoding, header, and an iterator of chunks."""

    path: Path
    format: str
    encoding: str
    header: list[str]
    chunks: Iterator[pa.Table | BadRecord]
    blank_rows: list[int] = field(default_factory=list)
    text: Any = None
    """The UTF-8 transcoder of a CSV (its `replaced` says whether any byte did not decode)."""

    @property
    def replaced(self) -> bool:
        return bool(self.text is not None and self.text.replaced)


def columns_of(header: list[str]) -> list[str]:
    return [f"c{i}" for i in range(len(header))]


class _Counting(io.RawIOBase):
    """A readable stream reporting how far the file under it has been read."""

    def __init__(self, stream: BinaryIO, raw: BinaryIO, progress: Progress | None) -> None:
        self.stream, self.raw, self.progress = stream, raw, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        if self.progress is not None:
            self.progress(self.raw.tell())
        return len(data)


def open_sheet(path: Path, stack: ExitStack, progress: Progress | None = None) -> Sheet:
    """Open a file for reading; refuse it whole (InvalidInput) if it cannot be a sheet."""
    if not path.exists():
        raise NotFound(f"{path}: no such file")
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")
    raw = stack.enter_context(path.open("rb"))
    stream: BinaryIO = raw
    if raw.read(2) == GZIP_MAGIC:
        raw.seek(0)
        stream = stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))  # type: ignore[assignment]
    else:
        raw.seek(0)
    try:
        head = stream.read(SNIFF_BYTES)
    except (OSError, EOFError) as exc:
        raise InvalidInput(f"{path}: cannot be read: {exc}") from None
    if not head.strip():
        raise InvalidInput(f"{path}: empty file, no header row")
    if head.startswith(ZIP_MAGIC):
        return _open_xlsx(path, stream, head, stack, raw, progress)
    if b"\x00" in head:
        raise InvalidInput(f"{path}: binary file (NUL bytes), neither CSV nor XLSX")
    encoding = sniff_encoding(head)
    counting = _Counting(_Prefixed(head, stream), raw, progress)  # type: ignore[arg-type]
    text = _Utf8(counting, encoding)
    sheet = _open_csv(path, io.BufferedReader(text, BLOCK_BYTES), head, encoding)
    sheet.text = text
    return sheet


class _Utf8(io.RawIOBase):
    """Text in any encoding as UTF-8 bytes; bytes that do not decode become U+FFFD, which the
    row reader refuses (so a bad byte costs its row, never the file). UTF-8 input passes
    through as it is once a block is found valid."""

    def __init__(self, stream: io.RawIOBase, encoding: str, block: int = BLOCK_BYTES) -> None:
        self.stream, self.block = stream, block
        self.utf8 = codecs.lookup(encoding).name == "utf-8"
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self.carry = b""
        self.pending = memoryview(b"")
        self.done = False
        self.replaced = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.pending and not self.done:
            data = self.stream.read(self.block)
            self.done = not data
            self.pending = memoryview(self._utf8(data or b""))
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def _utf8(self, data: bytes) -> bytes:
        if self.utf8:
            block = self.carry + data
            used = len(block) if self.done else _complete(block)
            if _valid_utf8(block, used):
                self.carry = block[used:]
                self.replaced = self.replaced or b"\xef\xbf\xbd" in block
                return block[:used]
            text, used = codecs.utf_8_decode(block, "replace", self.done)
            self.replaced = True
            self.carry = block[used:]
            return text.encode("utf-8")
        text = self.decoder.decode(data, final=self.done)
        self.replaced = self.replaced or "\ufffd" in text
        return text.encode("utf-8")


def _complete(block: bytes) -> int:
    """How many bytes of `block` end on a character boundary: an incomplete UTF-8 sequence at
    its end waits for the next block."""
    for back in range(1, min(4, len(block)) + 1):
        byte = block[-back]
        if byte & 0xC0 != 0x80:  # not a continuation byte: ASCII or a lead byte
            need = 2 if 0xC0 <= byte < 0xE0 else 3 if 0xE0 <= byte < 0xF0 else 4
            return len(block) - back if byte >= 0xC0 and need > back else len(block)
    return len(block)


def _valid_utf8(block: bytes, size: int) -> bool:
    """Whether the first `size` bytes of `block` are UTF-8 (Arrow's validator, no copy)."""
    offsets = pa.py_buffer(np.array([0, size], np.int32).tobytes())
    text = pa.StringArray.from_buffers(1, offsets, pa.py_buffer(block))
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


class _Prefixed:
    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if not self.head:
            return self.rest.read(size)
        if size < 0:
            data, self.head = self.head + self.rest.read(), b""
            return data
        data, self.head = self.head[:size], self.head[size:]
        return data


def sniff_encoding(head: bytes) -> str:
    """The text encoding of a file from its first bytes: UTF-8 (with or without a BOM) if they
    decode as UTF-8, else GB18030 (a superset of GBK, which older Excel writes).

    >>> sniff_encoding("订单号".encode()), sniff_encoding("订单号".encode("gbk"))
    ('utf-8', 'gb18030')
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _open_csv(path: Path, body: Any, head: bytes, encoding: str) -> Sheet:
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]  # as Arrow cuts records
    try:
        first = next(csv.reader(io.StringIO(line)), [])
    except csv.Error as exc:
        raise InvalidInput(f"{path}: the header row cannot be read: {exc}") from None
    if not any(cell.strip() for cell in first):
        raise InvalidInput(f"{path}: the first row is empty; expected a header row")
    names = columns_of(first)
    bad: list[BadRecord] = []

    def invalid(row: pcsv.InvalidRow) -> str:
        reason = f"{row.actual_columns} cells where the header has {row.expected_columns}"
        bad.append(BadRecord(row.number or 0, reason, row.text))
        return "skip"

    try:
        reader = pcsv.open_csv(
            body,
            read_options=pcsv.ReadOptions(
                column_names=names,
                skip_rows=1,
                use_threads=False,
                block_size=BLOCK_BYTES,
                encoding="utf8",
            ),
            parse_options=pcsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=invalid
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: not a readable CSV file: {exc}") from None
    sheet = Sheet(path, "csv", encoding, [c.strip() for c in first], iter(()))
    sheet.chunks = _csv_chunks(reader, bad, sheet.blank_rows, path)
    return sheet


def _csv_chunks(
    reader: pcsv.CSVStreamingReader, bad: list[BadRecord], blanks: list[int], path: Path
) -> Iterator[pa.Table | BadRecord]:
    next_row = 2
    skipped: set[int] = set()
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            yield from bad
            reason = f"reading stopped here, the rest of the file is not read: {exc}"
            yield BadRecord(next_row, reason, "")
            return
        for record in bad:
            skipped.add(record.row)
            yield record
        bad.clear()
        rows = _numbers(next_row, batch.num_rows, skipped)
        if len(rows):
            next_row = int(rows[-1]) + 1
            skipped.difference_update(range(int(rows[0]), next_row))
        table = pa.Table.from_batches([batch]).append_column("row", pa.array(rows, pa.int64()))
        yield from _without_blanks(table, blanks)
    for record in bad:
        yield record


def _numbers(first: int, n: int, skipped: set[int]) -> np.ndarray:
    """The record numbers of `n` rows from `first` on, passing over the `skipped` ones."""
    if not skipped:
        return np.arange(first, first + n, dtype=np.int64)
    candidates = np.arange(first, first + n + len(skipped), dtype=np.int64)
    kept = candidates[~np.isin(candidates, np.fromiter(skipped, np.int64, len(skipped)))]
    return kept[:n]


def _without_blanks(table: pa.Table, blanks: list[int]) -> Iterator[pa.Table]:
    if table.num_rows == 0:
        return
    rows: np.ndarray | None = None  # the rows blank so far (None: all of them)
    for name in (c for c in table.column_names if c != "row"):
        column = table.column(name)
        if rows is not None:  # only rows blank so far can still be blank
            column = column.take(pa.array(rows))
        blank = pc.equal(pc.utf8_trim_whitespace(column), "").to_numpy()
        rows = np.flatnonzero(blank) if rows is None else rows[blank]
        if not rows.size:
            yield table
            return
    if rows is not None:
        blanks.extend(table.column("row").take(pa.array(rows)).to_pylist())
        keep = np.ones(table.num_rows, dtype=bool)
        keep[rows] = False
        table = table.filter(pa.array(keep))
    if table.num_rows:
        yield table


# -- XLSX --------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A calamine cell as the text a CSV export would carry.

    >>> cell_text(17850.0), cell_text(2.55), cell_text(dt.datetime(2026, 9, 10, 8, 0))
    ('17850', '2.55', '2026-09-10 08:00:00')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _open_xlsx(
    path: Path,
    stream: BinaryIO,
    head: bytes,
    stack: ExitStack,
    raw: BinaryIO,
    progress: Progress | None,
) -> Sheet:
    from python_calamine import CalamineWorkbook

    source: Path = path
    if stream is not raw:  # gzip: calamine needs a seekable file
        scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="caopan-xlsx-"))
        source = Path(scratch) / "book.xlsx"
        with source.open("wb") as out:
            out.write(head)
            shutil.copyfileobj(stream, out)
    try:
        book = CalamineWorkbook.from_path(str(source))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        first = next(rows, None)
    except Exception as exc:  # calamine raises its own error types
        raise InvalidInput(f"{path}: not a readable XLSX workbook: {exc}") from None
    if first is None or not any(cell_text(c).strip() for c in first):
        raise InvalidInput(f"{path}: the first row is empty; expected a header row")
    header = [cell_text(c).strip() for c in first]
    result = Sheet(path, "xlsx", "xlsx", header, iter(()))
    total = path.stat().st_size
    height = max(int(sheet.height), 1)

    def done(row: int) -> None:
        if progress is not None:
            progress(total * min(row, height) // height)

    result.chunks = _xlsx_chunks(rows, len(header), result.blank_rows, done)
    return result


def _xlsx_chunks(
    rows: Iterator[list[Any]],
    width: int,
    blanks: list[int],
    done: Callable[[int], None],
) -> Iterator[pa.Table | BadRecord]:
    columns: list[list[str]] = [[] for _ in range(width)]
    numbers: list[int] = []
    count = 0
    for number, cells in enumerate(rows, start=2):
        texts = [cell_text(c) for c in cells]
        if len(texts) > width and any(t.strip() for t in texts[width:]):
            line = ",".join(texts)
            yield BadRecord(number, f"{len(texts)} cells where the header has {width}", line)
            continue
        texts = (texts + [""] * width)[:width]
        if not any(t.strip() for t in texts):
            blanks.append(number)
            continue
        for column, text in zip(columns, texts, strict=True):
            column.append(text)
        numbers.append(number)
        count += 1
        if count == CHUNK_ROWS:
            yield _table(columns, numbers)
            done(number)
            columns, numbers, count = [[] for _ in range(width)], [], 0
    if numbers:
        yield _table(columns, numbers)
    done(1 << 62)


def _table(columns: list[list[str]], numbers: list[int]) -> pa.Table:
    arrays = [pa.array(c, pa.string()) for c in columns] + [pa.array(numbers, pa.int64())]
    return pa.table(arrays, names=[*columns_of([""] * len(columns)), "row"])
