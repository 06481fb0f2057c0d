"""Ingest event files: stream each file through the reader into the event log.

Plain or gzip-compressed NDJSON. A file is refused whole, before anything is written, when it
cannot be events at all (missing, a directory, binary); every other file is read to the end,
its good lines stored and every other line accounted for in the report and the quarantine.
"""

from __future__ import annotations

import bisect
import gzip
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from caopan.domain.clock import now_ms
from caopan.domain.errors import InvalidInput, NotFound
from caopan.engine import event_log
from caopan.engine.backend import Engine
from caopan.engine.key_index import KeyIndex
from caopan.ingest import quarantine
from caopan.ingest.ahead import read_ahead
from caopan.ingest.ndjson import Block, Parsed, RawLines, Rejection, parse_block, read_blocks

FLUSH_ROWS = 500_000
"""Rows gathered before one append to the store."""

PARSE_AHEAD = 3
"""Parsed blocks that may wait for the store."""

SNIFF_BYTES = 8192
GZIP_MAGIC = b"\x1f\x8b"

Progress = Callable[[int], None]
"""Called with the number of bytes of the file read so far."""


@dataclass(slots=True)
class FileReport:
    """What became of each line of one file."""

    file: str
    lines: int = 0
    accepted: int = 0
    duplicate: int = 0
    conflicting: int = 0
    rejected: int = 0
    blank_lines: int = 0
    new_sessions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    refused: str | None = None

    @property
    def clean(self) -> bool:
        return self.refused is None and self.rejected == 0 and self.conflicting == 0

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "lines": self.lines,
            "accepted": self.accepted,
            "duplicate": self.duplicate,
            "conflicting": self.conflicting,
            "rejected": self.rejected,
            "blank_lines": self.blank_lines,
            "new_sessions": self.new_sessions,
            "refused": self.refused,
            "problems": self.problems,
            "notices": self.notices,
        }


def check_readable(path: Path) -> None:
    """Refuse a path that is not a readable file, before any file is read."""
    if not path.exists():
        raise NotFound(f"{path}: no such file")
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")


@contextmanager
def open_events(path: Path) -> Iterator[tuple[BinaryIO, BinaryIO]]:
    """Open a file for reading bytes, decompressing gzip transparently.

    Yields the stream to read and the raw file under it (whose position is the progress).
    """
    with path.open("rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield unzipped, raw  # type: ignore[misc]
        else:
            yield raw, raw


def _binary(head: bytes) -> bool:
    return b"\x00" in head


class _Counting:
    """Wraps a stream, reporting how far the underlying file has been read."""

    def __init__(self, stream: BinaryIO, raw: BinaryIO, progress: Progress | None) -> None:
        self.stream, self.raw, self.progress = stream, raw, progress

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if self.progress is not None:
            self.progress(self.raw.tell())
        return data


def ingest_file(
    engine: Engine,
    path: Path,
    progress: Progress | None = None,
    index: KeyIndex | None = None,
) -> FileReport:
    """Ingest one NDJSON event file (see the module docstring)."""
    source = str(path)
    report = FileReport(file=source)
    received_at = now_ms()
    with open_events(path) as (stream, raw_file):
        try:
            head = stream.read(SNIFF_BYTES)
        except (OSError, EOFError) as exc:
            return _refuse(engine, report, f"cannot be read: {exc}", b"", received_at)
        if not head:
            return _refuse(engine, report, "empty file: no events", b"", received_at)
        if _binary(head):
            return _refuse(
                engine, report, "binary file (NUL bytes), not NDJSON text", head[:1024], received_at
            )
        body = _Chain(head, _Counting(stream, raw_file, progress))
        try:
            _ingest_stream(engine, body, source, report, received_at, index)  # type: ignore[arg-type]
        except (OSError, EOFError) as exc:
            report.problems.append(f"{source}: reading stopped: {exc}")
            report.refused = f"reading stopped after line {report.lines}: {exc}"
    return report


class _Chain:
    """Bytes already sniffed, then the rest of the stream."""

    def __init__(self, head: bytes, rest: _Counting) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            data, self.head = self.head, b""
            return data + self.rest.read(max(size - len(data), 0)) if size > 0 else data
        return self.rest.read(size)


def _refuse(
    engine: Engine, report: FileReport, reason: str, raw: bytes, received_at: int
) -> FileReport:
    report.refused = reason
    report.problems.append(f"{report.file}: {reason}")
    quarantine.store(engine, [quarantine.Entry(report.file, 0, None, reason, raw)], received_at)
    return report


def ingest_stream(
    engine: Engine, stream: BinaryIO, source: str, received_at: int | None = None
) -> FileReport:
    """Ingest NDJSON from any byte stream (an HTTP body, a pipe)."""
    report = FileReport(file=source)
    _ingest_stream(engine, stream, source, report, received_at or now_ms())
    return report


def _ingest_stream(
    engine: Engine,
    stream: BinaryIO,
    source: str,
    report: FileReport,
    received_at: int,
    index: KeyIndex | None = None,
) -> None:
    """Read, check and store a whole stream in one transaction (on engines that have them).

    Accepted rows gather until `FLUSH_ROWS` and are appended together: DuckDB writes large
    appends into full row groups, and one commit per file instead of one per flush. When
    reading stops on an error, what was read before it is stored and the error is raised.
    """
    pending: list[pa.Table] = []
    raws: list[RawLines] = []
    pending_rows = 0
    rejected: list[Rejection] = []
    stopped: OSError | EOFError | None = None
    with engine.transaction():
        try:
            for item in _parsed(stream):
                if isinstance(item, Rejection):
                    rejected.append(item)
                    report.lines += 1
                    continue
                parsed, lines = item
                report.lines += lines - parsed.blank_lines
                report.blank_lines += parsed.blank_lines
                rejected.extend(parsed.rejections)
                if parsed.rows.num_rows:
                    pending.append(parsed.rows)
                    pending_rows += parsed.rows.num_rows
                    if parsed.raw is not None:
                        raws.append(parsed.raw)
                if pending_rows >= FLUSH_ROWS:
                    _flush(engine, pending, raws, rejected, source, report, received_at, index)
                    pending, raws, pending_rows, rejected = [], [], 0, []
        except (OSError, EOFError) as exc:
            stopped = exc
        _flush(engine, pending, raws, rejected, source, report, received_at, index)
    if stopped is not None:
        raise stopped


def _line_count(block: Block) -> int:
    return block.data.count(b"\n") + (0 if block.data.endswith(b"\n") else 1)


def _parsed(stream: BinaryIO) -> Iterator[tuple[Parsed, int] | Rejection]:
    """Blocks read and parsed on a second thread, so parsing overlaps with storing (at most
    `PARSE_AHEAD` blocks held in memory)."""

    def parsed() -> Iterator[tuple[Parsed, int] | Rejection]:
        for block in read_blocks(stream):
            if isinstance(block, Rejection):
                yield block
            else:
                yield parse_block(block), _line_count(block)

    return read_ahead(parsed(), PARSE_AHEAD, name="caopan-parse")


def _flush(
    engine: Engine,
    pending: list[pa.Table],
    raws: list[RawLines],
    rejected: list[Rejection],
    source: str,
    report: FileReport,
    received_at: int,
    index: KeyIndex | None = None,
) -> None:
    entries = [quarantine.Entry(source, r.line, r.field, r.reason, r.raw) for r in rejected]
    report.rejected += len(rejected)
    report.problems.extend(r.message(source) for r in rejected)
    if pending:
        batch = pa.concat_tables(pending)
        result = event_log.append(engine, batch, received_at, index=index)
        report.accepted += result.accepted
        report.duplicate += result.duplicate
        report.conflicting += len(result.conflicts)
        report.new_sessions.extend(result.new_sessions)
        for conflict in result.conflicts:
            reason = conflict.reason()
            report.problems.append(f"{source}:{conflict.line}: {reason}")
            raw = _raw_line(raws, conflict.line)
            entries.append(quarantine.Entry(source, conflict.line, None, reason, raw))
        report.notices.extend(f"{source}:{n.line}: {n.message}" for n in result.notices)
    quarantine.store(engine, entries, received_at)


def _raw_line(raws: list[RawLines], line: int) -> bytes:
    """The verbatim bytes of a line among the pending blocks (sorted by first line)."""
    starts = [r.first_line for r in raws]
    return raws[bisect.bisect_right(starts, line) - 1](line)
