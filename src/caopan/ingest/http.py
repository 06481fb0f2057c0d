"""Events posted over HTTP: one NDJSON body for one session, validated like a file.

The body is typed and validated exactly as file lines are (`caopan.ingest.ndjson`); lines for
another session than the URL's are rejected; the rest is appended through the event log, and
every line not taken goes to quarantine under the source `http:SESSION`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from caopan.engine import event_log
from caopan.engine.backend import Engine
from caopan.engine.key_index import KeyIndex
from caopan.ingest import quarantine
from caopan.ingest.ndjson import RawLines, Rejection, parse_bytes

MAX_EVENTS = 10_000
MAX_BODY_BYTES = 16 << 20


@dataclass(slots=True)
class BatchReport:
    """What became of each line of one posted body."""

    session_id: str
    accepted: int = 0
    duplicate: int = 0
    conflicting: int = 0
    rejected: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    rows: pa.Table | None = None
    """The events stored from this body (for the live aggregator; not part of the JSON)."""

    @property
    def usable(self) -> bool:
        return self.accepted + self.duplicate > 0 or self.rejected + self.conflicting == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "accepted": self.accepted,
            "duplicate": self.duplicate,
            "conflicting": self.conflicting,
            "rejected": self.rejected,
            "problems": self.problems,
            "notices": self.notices,
        }


@dataclass(frozen=True, slots=True)
class CheckedBody:
    """A posted body typed and validated, its lines for other sessions refused; nothing
    stored yet. Checking needs no store, so a server does it off its store thread."""

    session_id: str
    rows: pa.Table
    rejections: list[Rejection]
    raw: RawLines | None


def check_body(session_id: str, body: bytes) -> CheckedBody:
    """Type and validate a body as file lines are; refuse lines of another session."""
    parsed = parse_bytes(body)
    rejections = list(parsed.rejections)
    rows = parsed.rows
    if rows.num_rows:
        other = pc.not_equal(rows.column("session_id"), session_id)
        if pc.any(other).as_py():
            for line, sid in zip(
                rows.filter(other).column("line").to_pylist(),
                rows.filter(other).column("session_id").to_pylist(),
                strict=True,
            ):
                reason = f"session_id {sid!r} is not the session of the URL ({session_id!r})"
                raw = parsed.raw(line) if parsed.raw is not None else b""
                rejections.append(Rejection(line, "session_id", reason, raw))
            rows = rows.filter(pc.invert(other))
    return CheckedBody(session_id, rows, rejections, parsed.raw)


def store_body(
    engine: Engine,
    checked: CheckedBody,
    owner: str | None,
    received_at: int,
    index: KeyIndex | None = None,
) -> BatchReport:
    """Deduplicate and store a checked body, quarantine what was not taken; durable when
    this returns."""
    session_id, rows, rejections = checked.session_id, checked.rows, checked.rejections
    report = BatchReport(session_id)
    source = f"http:{session_id}"
    entries = [quarantine.Entry(source, r.line, r.field, r.reason, r.raw) for r in rejections]
    report.rejected = len(rejections)
    report.problems = [
        {"line": r.line, "field": r.field, "reason": r.reason}
        for r in sorted(rejections, key=lambda r: r.line)
    ]
    if rows.num_rows:
        result = event_log.append(engine, rows, received_at, owner, index)
        report.accepted, report.duplicate = result.accepted, result.duplicate
        report.conflicting = len(result.conflicts)
        report.rows = result.rows
        for c in result.conflicts:
            report.problems.append({"line": c.line, "field": None, "reason": c.reason()})
            raw = checked.raw(c.line) if checked.raw is not None else b""
            entries.append(quarantine.Entry(source, c.line, None, c.reason(), raw))
        report.notices = [
            {"line": n.line, "field": n.field, "message": n.message} for n in result.notices
        ]
    quarantine.store(engine, entries, received_at)
    return report


def ingest_body(
    engine: Engine,
    session_id: str,
    body: bytes,
    owner: str | None,
    received_at: int,
    index: KeyIndex | None = None,
) -> BatchReport:
    """Validate, deduplicate and store one body; durable when this returns."""
    return store_body(engine, check_body(session_id, body), owner, received_at, index)


def count_lines(body: bytes) -> int:
    """Non-blank lines of a body (for the event-count limit, before parsing)."""
    return sum(1 for line in body.split(b"\n") if line.strip())


def too_many_events(body: bytes) -> int | None:
    """The number of events when a body holds more than `MAX_EVENTS`, else None (a body of
    few lines is not split to count them)."""
    if body.count(b"\n") < MAX_EVENTS:
        return None
    events = count_lines(body)
    return events if events > MAX_EVENTS else None
