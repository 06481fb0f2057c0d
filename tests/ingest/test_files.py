"""Tests for caopan.ingest.files and App.ingest_event_files: event files into the store.

Rule 1 of spec/live-events.md (idempotency, conflicts: the first one received stands), rule 3
(bad lines rejected and kept, the rest taken) and rule 6 (refunds beyond the paid amount are
reported).
"""

from __future__ import annotations

import functools
import gzip
import io
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caopan.app import App
from caopan.domain.errors import InvalidInput, NotFound
from caopan.domain.events import FIELDS
from caopan.engine.backend import Engine
from caopan.ingest import files, ndjson
from caopan.ingest.files import FileReport, ingest_stream


def line_of(type_: str = "live_start", event_id: str = "e1", **fields: Any) -> bytes:
    obj: dict[str, Any] = {"event_id": event_id, "session_id": "s1", "ts": 1000, "type": type_}
    obj.update(fields)
    return json.dumps(obj, ensure_ascii=False).encode()


def write(path: Path, *lines: bytes, end: bytes = b"\n") -> Path:
    path.write_bytes(b"".join(line + end for line in lines))
    return path


def events_of(engine: Engine) -> list[dict[str, Any]]:
    rows = engine.table("live_events").to_pyarrow().to_pylist()
    return sorted(rows, key=lambda r: (r["session_id"], r["event_id"]))


def content_of(engine: Engine) -> list[dict[str, Any]]:
    """Stored events without the time they were stored."""
    rows = events_of(engine)
    for row in rows:
        del row["ingested_at"]
    return rows


def quarantined(engine: Engine) -> list[dict[str, Any]]:
    rows = engine.table("quarantine").to_pyarrow().to_pylist()
    return sorted(rows, key=lambda r: (r["source"], r["line"]))


START = line_of("live_start", "e1", ts=1000)
ENTER = line_of("enter", "e2", ts=1100, user_id="u1", source="recommend")
PAID = line_of(
    "order_paid",
    "e3",
    ts=1200,
    user_id="u1",
    product_id="p1",
    order_id="o1",
    quantity=1,
    amount_fen=1000,
)
END = line_of("live_end", "e4", ts=9000)


@pytest.fixture
def app(duckdb_file: str) -> Any:
    with App(duckdb_file) as a:
        yield a


# --------------------------------------------------------------------------- reports


def test_clean_file_is_stored_and_reported(app: App, tmp_path: Path) -> None:
    path = write(tmp_path / "day1.ndjson", START, b"", ENTER, PAID, END)
    [report] = app.ingest_event_files([path])

    assert report.file == str(path)
    assert (report.lines, report.accepted, report.blank_lines) == (4, 4, 1)
    assert (report.duplicate, report.conflicting, report.rejected) == (0, 0, 0)
    assert report.new_sessions == ["s1"]
    assert report.refused is None
    assert report.problems == []
    assert report.notices == []
    assert report.clean
    stored = content_of(app.engine)
    assert [r["event_id"] for r in stored] == ["e1", "e2", "e3", "e4"]
    assert stored[1]["is_follower"] is False  # default for enter
    assert stored[2]["amount_fen"] == 1000
    assert app.quarantine_count() == 0
    assert report.to_json() == {
        "file": str(path),
        "lines": 4,
        "accepted": 4,
        "duplicate": 0,
        "conflicting": 0,
        "rejected": 0,
        "blank_lines": 1,
        "new_sessions": ["s1"],
        "refused": None,
        "problems": [],
        "notices": [],
    }


def test_bad_lines_are_reported_quarantined_verbatim_and_the_rest_stored(
    app: App, tmp_path: Path
) -> None:
    bad_type = line_of("live_start", "b1", ts="soon")
    bad_json = b'{"event_id": "b2", '
    path = write(tmp_path / "mixed.ndjson", START, bad_type, ENTER, bad_json, END)
    [report] = app.ingest_event_files([path])

    assert (report.lines, report.accepted, report.rejected) == (5, 3, 2)
    assert not report.clean
    assert report.problems[0] == f"{path}:2: ts: expected an integer, got a string"
    assert report.problems[1].startswith(f"{path}:4: malformed JSON")
    assert [r["event_id"] for r in content_of(app.engine)] == ["e1", "e2", "e4"]
    rows = quarantined(app.engine)
    assert [(r["source"], r["line"], r["field"], r["raw"]) for r in rows] == [
        (str(path), 2, "ts", bad_type),
        (str(path), 4, None, bad_json),
    ]
    listing = app.quarantine()
    assert {(r["line"], r["raw"]) for r in listing} == {
        (2, bad_type.decode()),
        (4, bad_json.decode()),
    }


def test_files_are_ingested_in_order_with_one_report_each(app: App, tmp_path: Path) -> None:
    first = write(tmp_path / "a.ndjson", START, ENTER)
    changed = line_of("enter", "e2", ts=5, user_id="u1", source="recommend")
    second = write(tmp_path / "b.ndjson", changed, PAID)
    reports = app.ingest_event_files([first, second])

    assert [r.file for r in reports] == [str(first), str(second)]
    assert [(r.accepted, r.conflicting) for r in reports] == [(2, 0), (1, 1)]
    assert reports[1].new_sessions == []
    [e2] = [r for r in content_of(app.engine) if r["event_id"] == "e2"]
    assert e2["ts"] == 1100  # the first file's e2 stands


# --------------------------------------------------------------------------- idempotency


def test_ingesting_a_file_twice_changes_nothing(app: App, tmp_path: Path) -> None:
    path = write(tmp_path / "day1.ndjson", START, ENTER, PAID, END)
    [first] = app.ingest_event_files([path])
    before = events_of(app.engine)
    [second] = app.ingest_event_files([path])

    assert first.accepted == 4
    assert (second.lines, second.accepted, second.duplicate) == (4, 0, 4)
    assert (second.conflicting, second.rejected) == (0, 0)
    assert second.new_sessions == []
    assert second.clean
    assert events_of(app.engine) == before  # ingested_at included
    assert app.quarantine_count() == 0


def test_ingesting_a_dirty_file_twice_adds_no_quarantine_entries(app: App, tmp_path: Path) -> None:
    conflicting = line_of("live_start", "e1", ts=2000)
    path = write(tmp_path / "dirty.ndjson", START, b"[]", conflicting, ENTER, b"")
    [first] = app.ingest_event_files([path])
    before_events, before_quarantine = events_of(app.engine), quarantined(app.engine)
    [second] = app.ingest_event_files([path])

    assert (first.accepted, first.rejected, first.conflicting) == (2, 1, 1)
    assert (second.accepted, second.duplicate, second.rejected, second.conflicting) == (
        0,
        2,
        1,
        1,
    )
    assert len(before_quarantine) == 2
    assert quarantined(app.engine) == before_quarantine  # received_at included
    assert events_of(app.engine) == before_events


def test_the_same_content_written_differently_is_a_duplicate(app: App, tmp_path: Path) -> None:
    enter = {"event_id": "e2", "session_id": "s1", "ts": 1100, "type": "enter"}
    enter |= {"user_id": "u1", "source": "recommend", "mood": "开心"}
    again = dict(reversed(list(enter.items())))
    again["is_follower"] = False  # the default, made explicit
    again["text"] = None  # null is absent
    path = write(
        tmp_path / "same.ndjson",
        json.dumps(enter, ensure_ascii=False).encode(),
        json.dumps(again, indent=None, separators=(" ,", " : ")).encode(),
        end=b"\r\n",
    )
    [report] = app.ingest_event_files([path])
    assert (report.accepted, report.duplicate, report.conflicting) == (1, 1, 0)


def test_the_same_event_id_in_two_sessions_is_two_events(app: App, tmp_path: Path) -> None:
    path = write(tmp_path / "two.ndjson", START, line_of("live_start", "e1", session_id="s2"))
    [report] = app.ingest_event_files([path])
    assert (report.accepted, report.conflicting) == (2, 0)
    assert report.new_sessions == ["s1", "s2"]
    assert [(r["session_id"], r["event_id"]) for r in content_of(app.engine)] == [
        ("s1", "e1"),
        ("s2", "e1"),
    ]


# --------------------------------------------------------------------------- conflicts


def test_a_conflict_with_a_stored_event_is_reported_and_quarantined_verbatim(
    app: App, tmp_path: Path
) -> None:
    first = write(tmp_path / "a.ndjson", START, ENTER)
    # Odd spacing and unescaped Chinese: the kept bytes must be exactly these.
    other = ' { "event_id" : "e2", "session_id":"s1", "ts": 1100, "type":"enter", "user_id":"u1",'
    other += ' "source": "follow" , "text":"换了来源"}\t'
    second = write(tmp_path / "b.ndjson", END, other.encode())
    app.ingest_event_files([first])
    [report] = app.ingest_event_files([second])

    assert (report.accepted, report.duplicate, report.conflicting, report.rejected) == (1, 0, 1, 0)
    assert not report.clean
    [problem] = report.problems
    assert problem.startswith(f"{second}:2: conflicting duplicate of event 'e2' in session 's1'")
    assert "first received: stored" in problem
    assert "source 'recommend' vs 'follow'" in problem
    assert "the first one stands" in problem
    [entry] = quarantined(app.engine)
    assert (entry["source"], entry["line"]) == (str(second), 2)
    assert entry["raw"] == other.encode()
    assert "conflicting duplicate" in entry["reason"]
    [e2] = [r for r in content_of(app.engine) if r["event_id"] == "e2"]
    assert (e2["source"], e2["text"]) == ("recommend", None)


def test_a_conflict_within_one_file_names_the_first_line(app: App, tmp_path: Path) -> None:
    changed = line_of("live_start", "e1", ts=999)
    path = write(tmp_path / "c.ndjson", START, ENTER, changed, START, end=b"\r\n")
    [report] = app.ingest_event_files([path])

    assert (report.accepted, report.duplicate, report.conflicting) == (2, 1, 1)
    [problem] = report.problems
    assert problem.startswith(f"{path}:3: conflicting duplicate of event 'e1'")
    assert "first received: line 1" in problem
    assert "ts 1000 vs 999" in problem
    [entry] = quarantined(app.engine)
    assert (entry["line"], entry["raw"]) == (3, changed)
    [e1] = [r for r in content_of(app.engine) if r["event_id"] == "e1"]
    assert e1["ts"] == 1000


def test_a_difference_in_unknown_fields_is_a_conflict(app: App, tmp_path: Path) -> None:
    path = write(
        tmp_path / "x.ndjson",
        line_of("live_start", "e1", room="A"),
        line_of("live_start", "e1", room="B"),
    )
    [report] = app.ingest_event_files([path])
    assert (report.accepted, report.conflicting) == (1, 1)
    assert json.loads(content_of(app.engine)[0]["extra"]) == {"room": "A"}


# --------------------------------------------------------------------------- refunds


def _refund(event_id: str, amount: int, ts: int = 2000) -> bytes:
    return line_of("refund", event_id, ts=ts, order_id="o1", amount_fen=amount)


def test_a_refund_within_the_paid_amount_has_no_notice(app: App, tmp_path: Path) -> None:
    path = write(tmp_path / "r.ndjson", PAID, _refund("r1", 600), _refund("r2", 400))
    [report] = app.ingest_event_files([path])
    assert report.accepted == 3
    assert report.notices == []
    assert report.clean


def test_a_refund_beyond_the_paid_amount_is_stored_with_a_notice(app: App, tmp_path: Path) -> None:
    first = write(tmp_path / "a.ndjson", START, PAID, _refund("r1", 600))
    second = write(tmp_path / "b.ndjson", ENTER, _refund("r2", 600, ts=3000))
    [a] = app.ingest_event_files([first])
    [b] = app.ingest_event_files([second])

    assert a.notices == []
    assert b.accepted == 2
    [notice] = b.notices
    assert notice.startswith(f"{second}:2: ")
    assert "'o1'" in notice
    assert "1200 fen" in notice
    assert "1000 fen paid" in notice
    assert "200 fen will not count" in notice
    assert b.clean  # a notice is not a rejection
    refunds = [r for r in content_of(app.engine) if r["type"] == "refund"]
    assert [(r["event_id"], r["amount_fen"]) for r in refunds] == [("r1", 600), ("r2", 600)]
    assert app.quarantine_count() == 0


def test_a_refund_on_an_unpaid_order_is_stored_with_a_notice(app: App, tmp_path: Path) -> None:
    path = write(tmp_path / "r.ndjson", START, _refund("r1", 100))
    [report] = app.ingest_event_files([path])
    assert report.accepted == 2
    [notice] = report.notices
    assert notice.startswith(f"{path}:2: ")
    assert "no payment" in notice


def test_a_duplicate_refund_adds_no_notice_and_nothing_stored(app: App, tmp_path: Path) -> None:
    path = write(tmp_path / "r.ndjson", PAID, _refund("r1", 700))
    again = write(tmp_path / "r2.ndjson", _refund("r1", 700))
    app.ingest_event_files([path])
    [report] = app.ingest_event_files([again])
    assert (report.accepted, report.duplicate, report.notices) == (0, 1, [])


# --------------------------------------------------------------------------- refused files


def test_an_empty_file_is_refused(app: App, tmp_path: Path) -> None:
    path = tmp_path / "empty.ndjson"
    path.write_bytes(b"")
    [report] = app.ingest_event_files([path])
    assert report.refused is not None
    assert "empty" in report.refused
    assert report.problems == [f"{path}: {report.refused}"]
    assert (report.lines, report.accepted) == (0, 0)
    assert not report.clean
    assert content_of(app.engine) == []


def test_a_binary_file_is_refused_whole(app: App, tmp_path: Path) -> None:
    path = tmp_path / "events.bin"
    path.write_bytes(START + b"\n" + ENTER + b"\n\x00\x01\x02" + END + b"\n")
    [report] = app.ingest_event_files([path])
    assert report.refused is not None
    assert "binary" in report.refused
    assert "NUL" in report.refused
    assert (report.lines, report.accepted, report.rejected) == (0, 0, 0)
    assert content_of(app.engine) == []  # not even the good lines before the NUL
    [entry] = quarantined(app.engine)
    assert entry["source"] == str(path)
    assert entry["raw"].startswith(START)


def test_refusing_the_same_file_twice_keeps_one_quarantine_entry(app: App, tmp_path: Path) -> None:
    path = tmp_path / "empty.ndjson"
    path.write_bytes(b"")
    app.ingest_event_files([path])
    app.ingest_event_files([path])
    assert app.quarantine_count() == 1


def test_a_refused_file_does_not_stop_the_next_one(app: App, tmp_path: Path) -> None:
    empty = tmp_path / "empty.ndjson"
    empty.write_bytes(b"")
    good = write(tmp_path / "good.ndjson", START)
    reports = app.ingest_event_files([empty, good])
    assert [r.refused is None for r in reports] == [False, True]
    assert reports[1].accepted == 1


@pytest.mark.parametrize("missing_first", [True, False])
def test_a_missing_file_raises_before_any_file_is_read(
    app: App, tmp_path: Path, missing_first: bool
) -> None:
    good = write(tmp_path / "good.ndjson", START, ENTER)
    missing = tmp_path / "nope.ndjson"
    paths = [missing, good] if missing_first else [good, missing]
    progress: list[tuple[Path, int]] = []
    with pytest.raises(NotFound, match=r"nope\.ndjson"):
        app.ingest_event_files(paths, lambda p, n: progress.append((p, n)))
    assert progress == []
    assert content_of(app.engine) == []
    assert app.quarantine_count() == 0


def test_a_directory_is_refused_before_any_file_is_read(app: App, tmp_path: Path) -> None:
    good = write(tmp_path / "good.ndjson", START)
    (tmp_path / "dir").mkdir()
    with pytest.raises(InvalidInput, match="not a file"):
        app.ingest_event_files([good, tmp_path / "dir"])
    assert content_of(app.engine) == []


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("name", ["day1.ndjson.gz", "day1.ndjson"])
def test_gzip_compressed_ndjson_is_read(app: App, tmp_path: Path, name: str) -> None:
    # Recognised by its magic bytes, whatever the file is called.
    lines = [line_of("like", f"l{i}", ts=i, user_id=f"u{i}") for i in range(500)]
    plain = b"".join(line + b"\n" for line in [*lines, b"{"])
    path = tmp_path / name
    path.write_bytes(gzip.compress(plain))
    assert path.stat().st_size < len(plain)
    [report] = app.ingest_event_files([path])
    assert (report.lines, report.accepted, report.rejected) == (501, 500, 1)
    assert report.problems[0].startswith(f"{path}:501: ")
    assert len(content_of(app.engine)) == 500


def test_a_gzip_file_of_nothing_is_refused_as_empty(app: App, tmp_path: Path) -> None:
    path = tmp_path / "empty.ndjson.gz"
    path.write_bytes(gzip.compress(b""))
    [report] = app.ingest_event_files([path])
    assert report.refused is not None
    assert "empty" in report.refused


def test_a_truncated_gzip_file_is_reported_not_raised(app: App, tmp_path: Path) -> None:
    data = gzip.compress(
        b"".join(line_of("like", f"l{i}", user_id="u") + b"\n" for i in range(3000))
    )
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(data[: len(data) // 2])
    [report] = app.ingest_event_files([path])
    assert report.refused is not None
    assert any(str(path) in p for p in report.problems)


def test_bom_and_crlf_file_is_read(app: App, tmp_path: Path) -> None:
    path = tmp_path / "win.ndjson"
    path.write_bytes(ndjson.UTF8_BOM + b"".join(x + b"\r\n" for x in (START, ENTER, b"", END)))
    [report] = app.ingest_event_files([path])
    assert (report.lines, report.accepted, report.blank_lines, report.rejected) == (3, 3, 1, 0)


def test_a_file_larger_than_the_sniffed_head_is_read_whole(app: App, tmp_path: Path) -> None:
    lines = [line_of("like", f"l{i:05d}", ts=i, user_id="直播观众") for i in range(700)]
    path = write(tmp_path / "big.ndjson", *lines)
    assert path.stat().st_size > 4 * files.SNIFF_BYTES
    [report] = app.ingest_event_files([path])
    assert (report.lines, report.accepted, report.rejected) == (700, 700, 0)
    stored = content_of(app.engine)
    assert [r["ts"] for r in stored] == list(range(700))


def test_many_flushes_give_the_same_result_as_one(
    duckdb_file: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = line_of("live_start", "e1", ts=5)
    lines = [START, ENTER, b"{", *[line_of("like", f"l{i}", user_id="u") for i in range(9)]]
    lines += [changed, START, PAID, _refund("r1", 5000)]
    path = write(tmp_path / "f.ndjson", *lines)
    monkeypatch.setattr(files, "FLUSH_ROWS", 2)
    monkeypatch.setattr(files, "read_blocks", functools.partial(ndjson.read_blocks, chunk=64))
    with App(duckdb_file) as a:
        [report] = a.ingest_event_files([path])
        stored = content_of(a.engine)
        entries = quarantined(a.engine)

    assert (report.lines, report.accepted, report.duplicate) == (16, 13, 1)
    assert (report.conflicting, report.rejected) == (1, 1)
    assert [(e["line"], e["raw"]) for e in entries] == [(3, b"{"), (13, changed)]
    [notice] = report.notices
    assert notice.startswith(f"{path}:16: ")
    assert len(stored) == 13


@pytest.mark.parametrize("field", ["event_id", "text"])
def test_invalid_utf8_in_a_string_rejects_only_that_line(
    app: App, tmp_path: Path, field: str
) -> None:
    bad = line_of("comment", "c1", user_id="u1", text="ok").replace(
        b'"c1"' if field == "event_id" else b'"ok"', b'"\xff"'
    )
    assert b"\xff" in bad
    path = write(tmp_path / "u.ndjson", START, bad, END)
    [report] = app.ingest_event_files([path])
    assert (report.accepted, report.rejected) == (2, 1)
    assert report.problems[0].startswith(f"{path}:2: not UTF-8")


def test_progress_reaches_the_file_size(app: App, tmp_path: Path) -> None:
    path = write(tmp_path / "p.ndjson", *[line_of("like", f"l{i}", user_id="u") for i in range(50)])
    seen: list[tuple[Path, int]] = []
    app.ingest_event_files([path], lambda p, n: seen.append((p, n)))
    assert seen
    assert {p for p, _ in seen} == {path}
    assert seen[-1][1] == path.stat().st_size


# --------------------------------------------------------------------------- every engine


def test_engine_stream_ingest_is_idempotent(engine: Engine) -> None:
    data = b"".join(x + b"\n" for x in (START, ENTER, b"{", PAID))
    first = ingest_stream(engine, io.BytesIO(data), "http", received_at=1)
    before = content_of(engine)
    second = ingest_stream(engine, io.BytesIO(data), "http", received_at=2)

    assert (first.accepted, first.rejected, first.new_sessions) == (3, 1, ["s1"])
    assert (second.accepted, second.duplicate, second.rejected) == (0, 3, 1)
    assert content_of(engine) == before
    assert [r["event_id"] for r in before] == ["e1", "e2", "e3"]
    assert [(e["line"], e["raw"]) for e in quarantined(engine)] == [(3, b"{")]


def test_engine_conflict_first_stands_and_refund_notice(engine: Engine) -> None:
    changed = line_of("enter", "e2", ts=1100, user_id="u9", source="recommend")
    data = b"".join(x + b"\n" for x in (ENTER, PAID, changed, _refund("r1", 1500)))
    report = ingest_stream(engine, io.BytesIO(data), "http", received_at=1)

    assert (report.accepted, report.conflicting) == (3, 1)
    assert "user_id 'u1' vs 'u9'" in report.problems[0]
    assert [n.split(": ")[0] for n in report.notices] == ["http:4"]
    [e2] = [r for r in content_of(engine) if r["event_id"] == "e2"]
    assert e2["user_id"] == "u1"
    [entry] = quarantined(engine)
    assert (entry["line"], entry["raw"]) == (3, changed)


# --------------------------------------------------------------------------- property

_VARIANTS: list[dict[str, Any]] = [
    {"type": "like", "user_id": "u1", "ts": 100},
    {"type": "like", "user_id": "u1", "ts": 200},
    {"type": "enter", "user_id": "u1", "source": "recommend", "ts": 100},
    {"type": "comment", "user_id": "u1", "ts": 100, "text": "好", "mood": "ok"},
]


def _expected_row(obj: dict[str, Any]) -> dict[str, Any]:
    row = {name: obj.get(name) for name in FIELDS}
    if row["type"] == "enter" and row["is_follower"] is None:
        row["is_follower"] = False
    extra = {k: v for k, v in obj.items() if k not in FIELDS}
    row["extra"] = (
        json.dumps(extra, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if extra
        else None
    )
    return row


@st.composite
def arrival_lines(draw: st.DrawFn) -> tuple[list[bytes], list[dict[str, Any] | None]]:
    """Lines in arrival order, with the event each one carries (None: a bad line)."""
    lines: list[bytes] = []
    events: list[dict[str, Any] | None] = []
    for _ in range(draw(st.integers(1, 20))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from([b"{", b"[]", line_of("dance", "x"), b""])))
            events.append(None)
            continue
        obj: dict[str, Any] = {
            "event_id": draw(st.sampled_from(["e0", "e1", "e2"])),
            "session_id": draw(st.sampled_from(["s1", "s2"])),
        }
        obj |= _VARIANTS[draw(st.integers(0, len(_VARIANTS) - 1))]
        if obj["type"] == "enter" and draw(st.booleans()):
            obj["is_follower"] = False
        items = draw(st.permutations(list(obj.items())))
        text = json.dumps(
            dict(items),
            ensure_ascii=draw(st.booleans()),
            separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])),
        )
        lines.append(text.encode())
        events.append(obj)
    return lines, events


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    arrivals=arrival_lines(),
    cuts=st.lists(st.integers(0, 20), max_size=2),
    flush_rows=st.sampled_from([2, files.FLUSH_ROWS]),
    chunk=st.sampled_from([16, ndjson.READ_CHUNK]),
)
def test_stored_events_are_the_first_received_of_each_id(
    arrivals: tuple[list[bytes], list[dict[str, Any] | None]],
    cuts: list[int],
    flush_rows: int,
    chunk: int,
) -> None:
    lines, events = arrivals
    bounds = [0, *sorted(min(c, len(lines)) for c in cuts), len(lines)]
    parts = [lines[a:b] for a, b in itertools.pairwise(bounds)]
    parts = [p for p in parts if p] or [lines]

    first: dict[tuple[str, str], dict[str, Any]] = {}
    same = differ = bad = 0
    for obj in events:
        if obj is None:
            bad += 1
            continue
        key = (obj["session_id"], obj["event_id"])
        row = _expected_row(obj)
        if key not in first:
            first[key] = row
        elif first[key] == row:
            same += 1
        else:
            differ += 1
    blank = sum(1 for line in lines if not line)

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "FLUSH_ROWS", flush_rows)
        patch.setattr(files, "read_blocks", functools.partial(ndjson.read_blocks, chunk=chunk))
        paths = []
        for i, part in enumerate(parts):
            paths.append(write(Path(tmp) / f"part{i}.ndjson", *part))
        with App(f"duckdb:///{tmp}/store.duckdb") as app:
            reports = app.ingest_event_files(paths)
            stored = events_of(app.engine)
            quarantine_count = app.quarantine_count()
            again = app.ingest_event_files(paths)
            stored_again = events_of(app.engine)
            quarantine_again = app.quarantine_count()

    expected = [first[key] for key in sorted(first)]
    assert [{k: v for k, v in r.items() if k != "ingested_at"} for r in stored] == expected
    assert sum(r.accepted for r in reports) == len(first)
    assert sum(r.duplicate for r in reports) == same
    assert sum(r.conflicting for r in reports) == differ
    assert sum(r.rejected + r.blank_lines for r in reports) == bad
    assert sum(r.blank_lines for r in reports) == blank
    assert quarantine_count == bad - blank + differ

    assert stored_again == stored
    assert quarantine_again == quarantine_count
    assert sum(r.accepted for r in again) == 0
    assert sum(r.duplicate for r in again) == len(first) + same
    assert sum(r.conflicting for r in again) == differ
    assert all(not r.new_sessions for r in again)


# --------------------------------------------------------------------------- 2 GiB

_INGEST_AND_MEASURE = """
import json, resource, sys
from pathlib import Path
from caopan.app import App
with App(sys.argv[1]) as app:
    reports = app.ingest_event_files([Path(sys.argv[2])])
print(json.dumps({
    "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "reports": [r.to_json() for r in reports],
}))
"""


@pytest.mark.slow
def test_a_2_gib_line_is_streamed_past_and_rejected(duckdb_file: str, tmp_path: Path) -> None:
    path = tmp_path / "huge.ndjson"
    before = [START, ENTER, line_of("like", "l1", user_id="u1")]
    after = [line_of("like", "l2", user_id="u2"), b"{", PAID, END]
    head = line_of("comment", "huge", user_id="u3", text="")[:-2]
    piece = b"a" * (64 << 20)
    pieces = 32
    huge_size = len(head) + pieces * len(piece) + 2
    try:
        with path.open("wb") as out:
            out.write(b"".join(x + b"\n" for x in before))
            out.write(head)
            for _ in range(pieces):
                out.write(piece)
            out.write(b'"}\n')
            out.write(b"".join(x + b"\n" for x in after))
        del piece
        assert huge_size > 2 << 30

        done = subprocess.run(
            [sys.executable, "-c", _INGEST_AND_MEASURE, duckdb_file, str(path)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        path.unlink(missing_ok=True)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    result = json.loads(done.stdout)
    [report] = result["reports"]
    assert report["lines"] == 8
    assert report["accepted"] == 6
    assert report["rejected"] == 2
    huge_problem, bad_problem = report["problems"]
    assert huge_problem.startswith(f"{path}:4: line is {huge_size:,} bytes, over the ")
    assert bad_problem.startswith(f"{path}:6: malformed JSON")
    assert result["maxrss_kb"] < 600 * 1024, f"peak RSS {result['maxrss_kb']} KiB"

    with App(duckdb_file) as app:
        stored = {r["event_id"] for r in content_of(app.engine)}
        entries = quarantined(app.engine)
    assert stored == {"e1", "e2", "l1", "l2", "e3", "e4"}
    assert [(e["line"], len(e["raw"])) for e in entries] == [(4, ndjson.MAX_LINE_BYTES), (6, 1)]
    assert entries[0]["raw"].startswith(head)


def test_file_report_clean_flag() -> None:
    assert FileReport("f").clean
    assert not FileReport("f", rejected=1).clean
    assert not FileReport("f", conflicting=1).clean
    assert not FileReport("f", refused="empty file").clean
    assert FileReport("f", duplicate=3, notices=["n"]).clean
