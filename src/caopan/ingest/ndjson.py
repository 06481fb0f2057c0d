"""Read live events from NDJSON: stream, type, validate; never lose a line.

A file is read in blocks of whole lines (never whole, never a line over `MAX_LINE_BYTES` held
in memory). Each block is typed by Arrow's JSON reader when every line of it is a well-typed
object (the fast path); a block that fails is cut in halves until the failing lines are found,
and those are read one by one with `json` and `caopan.domain.events.parse_event` (the slow
path), which applies the same strict JSON types. Then one vectorised pass checks what the
contract requires (required fields per type, known types, no negative money, quantity ≥ 1).

Every line that is not taken comes back as a `Rejection` naming the line, the field and the
reason, with the line's bytes kept verbatim (up to `MAX_LINE_BYTES`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from caopan.domain.events import EVENT_TYPES, FIELDS, ID_FIELDS, REQUIRED, parse_event

MAX_LINE_BYTES: Final = 1 << 20
"""A longer line is rejected unread; its first `MAX_LINE_BYTES` are kept in quarantine."""

READ_CHUNK: Final = 8 << 20
UTF8_BOM: Final = b"\xef\xbb\xbf"
SLOW_PATH_LINES: Final = 64
"""Blocks of at most this many lines that fail the fast path are read line by line."""

_ARROW_TYPES: Final = {"string": pa.string(), "int64": pa.int64(), "boolean": pa.bool_()}
EVENT_SCHEMA: Final = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in FIELDS.items()])
BATCH_SCHEMA: Final = EVENT_SCHEMA.append(pa.field("extra", pa.string())).append(
    pa.field("line", pa.int64())
)
"""The typed rows a reader produces: every contract field, unknown fields as JSON, line number."""

_PARSE = pj.ParseOptions(explicit_schema=EVENT_SCHEMA, unexpected_field_behavior="infer")
_READ = pj.ReadOptions(use_threads=False, block_size=READ_CHUNK + 2 * MAX_LINE_BYTES)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A line that was not taken: where, which field, why, and its bytes."""

    line: int
    field: str | None
    reason: str
    raw: bytes

    def message(self, source: str = "") -> str:
        where = f"{source}:{self.line}" if source else f"line {self.line}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Block:
    """Whole lines of a file, the first of which is line `first_line` (1-based)."""

    first_line: int
    data: bytes


def read_blocks(
    stream: BinaryIO, chunk: int = READ_CHUNK, first_line: int = 1
) -> Iterator[Block | Rejection]:
    """Cut a byte stream into blocks of whole lines; over-long lines come out as rejections.

    A UTF-8 byte-order mark at the very start is dropped, however the stream's reads fall.
    A block is the start of a line left over from the read before, then a read up to its last
    newline: one copy of the bytes (the read itself is handed on when it ends a line).
    """
    line = first_line
    buf = bytearray()  # bytes read but not yet handed on: no newline in them but after a skip
    for data in _without_bom(stream, chunk):
        cut = data.rfind(b"\n")
        if cut >= 0:
            if buf:
                block = b"".join((buf, memoryview(data)[: cut + 1]))
            else:
                block = data if cut + 1 == len(data) else data[: cut + 1]
            buf = bytearray(memoryview(data)[cut + 1 :])
            yield Block(line, block)
            line += block.count(b"\n")
            continue
        buf += data
        cut = buf.rfind(b"\n")  # only after a skipped line: what followed it
        if cut >= 0:
            block = bytes(buf[: cut + 1])
            del buf[: cut + 1]
            yield Block(line, block)
            line += block.count(b"\n")
        elif len(buf) > MAX_LINE_BYTES:
            preview, size = bytes(buf[:MAX_LINE_BYTES]), len(buf)
            rest, ended = _skip_line(stream, chunk)
            size += rest
            yield Rejection(
                line,
                None,
                f"line is {size:,} bytes, over the {MAX_LINE_BYTES:,}-byte limit; "
                "not read (its first bytes are kept)",
                preview,
            )
            line += 1
            buf = bytearray(ended)
    if buf:
        yield Block(line, bytes(buf))


def _without_bom(stream: BinaryIO, chunk: int) -> Iterator[bytes]:
    """The stream's reads (none empty), without a UTF-8 byte-order mark at the very start."""
    head, ended = b"", False
    while len(head) < len(UTF8_BOM) and not ended:
        data = stream.read(chunk)
        head += data
        ended = not data
    head = head.removeprefix(UTF8_BOM)
    if head:
        yield head
    if ended:
        return
    while data := stream.read(chunk):
        yield data


def _skip_line(stream: BinaryIO, chunk: int) -> tuple[int, bytes]:
    """Read past the end of the current line; return bytes skipped and what follows it."""
    skipped = 0
    while True:
        data = stream.read(chunk)
        if not data:
            return skipped, b""
        newline = data.find(b"\n")
        if newline >= 0:
            return skipped + newline, data[newline + 1 :]
        skipped += len(data)


@dataclass(frozen=True, slots=True)
class Parsed:
    """Rows that passed (typed, `BATCH_SCHEMA`), rejections, and blank lines skipped."""

    rows: pa.Table
    rejections: list[Rejection]
    blank_lines: int = 0
    raw: RawLines | None = None


def parse_block(block: Block) -> Parsed:
    """Type and validate one block of lines."""
    typed, rejections, blanks, raw_of = _type_block(block.data, block.first_line)
    good, invalid = validate(typed, raw_of)
    return Parsed(good, sorted(rejections + invalid, key=lambda r: r.line), blanks, raw_of)


def parse_bytes(data: bytes, first_line: int = 1) -> Parsed:
    """Type and validate a whole body held in memory (an HTTP request, a test)."""
    results = [
        parse_block(item) if isinstance(item, Block) else Parsed(_empty(), [item])
        for item in read_blocks(io.BytesIO(data), first_line=first_line)
    ]
    raw = RawLines(data, first_line)
    if not results:
        return Parsed(_empty(), [], raw=raw)
    return Parsed(
        pa.concat_tables([r.rows for r in results]),
        [rej for r in results for rej in r.rejections],
        sum(r.blank_lines for r in results),
        raw,
    )


def _empty() -> pa.Table:
    return BATCH_SCHEMA.empty_table()


class RawLines:
    """The bytes of a line of a block, found by its number, without copying the block."""

    def __init__(self, data: bytes, first_line: int) -> None:
        self.data = data
        self.first_line = first_line
        self._starts: np.ndarray | None = None

    def __call__(self, line: int) -> bytes:
        if self._starts is None:
            arr = np.frombuffer(self.data, dtype=np.uint8)
            self._starts = np.concatenate(([0], np.flatnonzero(arr == 10) + 1))
        i = line - self.first_line
        start = int(self._starts[i])
        end = int(self._starts[i + 1]) - 1 if i + 1 < len(self._starts) else len(self.data)
        return self.data[start:end].rstrip(b"\r")[:MAX_LINE_BYTES]


def _type_block(data: bytes, first_line: int) -> tuple[pa.Table, list[Rejection], int, RawLines]:
    raw_of = RawLines(data, first_line)
    tables: list[pa.Table] = []
    rejections: list[Rejection] = []
    blanks = 0
    stack = [(data, first_line)]
    while stack:
        part, start = stack.pop()
        fast = _fast_path(part, start)
        if fast is not None:
            tables.append(fast)
            continue
        lines = part.split(b"\n")
        if part.endswith(b"\n"):
            lines.pop()
        if len(lines) > SLOW_PATH_LINES:
            half = len(lines) // 2
            cut = sum(len(x) + 1 for x in lines[:half])
            stack.append((part[cut:], start + half))
            stack.append((part[:cut], start))
            continue
        table, rejected, blank = _slow_path(lines, start)
        tables.append(table)
        rejections.extend(rejected)
        blanks += blank
    tables = [t for t in tables if t.num_rows]
    typed = pa.concat_tables(tables) if tables else _empty()
    return typed, rejections, blanks, raw_of


def _fast_path(data: bytes, first_line: int) -> pa.Table | None:
    """Arrow's reader, when every line is one non-blank object of the right types."""
    if not data:
        return _empty()
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    ends = newlines if data.endswith(b"\n") else np.append(newlines, len(data))
    starts = np.concatenate(([0], newlines + 1))[: len(ends)]
    last = ends - 1
    if len(last) and (np.any(ends - starts > MAX_LINE_BYTES) or np.any(last < starts)):
        return None
    last = np.where(arr[last] == 13, last - 1, last)  # CRLF files
    if np.any(last < starts) or np.any(arr[starts] != 123) or np.any(arr[last] != 125):
        return None
    if not utf8_valid(data):  # Arrow's reader does not check UTF-8 inside strings
        return None
    try:
        table = pj.read_json(pa.BufferReader(data), read_options=_READ, parse_options=_PARSE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != len(ends):
        return None
    extra: pa.Array
    if table.num_columns > len(FIELDS):
        lines = data.split(b"\n")
        try:
            objects = [_strict_loads(line.decode("utf-8")) for line in lines[: len(ends)]]
        except ValueError:  # NaN or Infinity in an unknown field: the slow path says why
            return None
        extra = pa.array([_extra_json(obj) for obj in objects], pa.string())
    else:
        extra = pa.nulls(table.num_rows, pa.string())
    numbers = pa.array(np.arange(first_line, first_line + len(ends), dtype=np.int64))
    columns = [table.column(name) for name in FIELDS] + [extra, numbers]
    return pa.Table.from_arrays(columns, schema=BATCH_SCHEMA)


def utf8_valid(data: bytes) -> bool:
    """Whether `data` is UTF-8 that `bytes.decode` accepts (the same rules: no surrogates,
    no overlong forms, nothing past U+10FFFF), checked by Arrow without building a `str`.

    >>> utf8_valid("直播".encode()), utf8_valid(b"\\xed\\xa0\\x80"), utf8_valid(b"\\xc0\\xaf")
    (True, False, False)
    """
    if data.isascii():
        return True
    offsets = pa.py_buffer(np.array([0, len(data)], np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _extra_json(obj: dict[str, object]) -> str | None:
    extra = {key: value for key, value in obj.items() if key not in FIELDS}
    if not extra:
        return None
    return json.dumps(extra, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _DuplicateKey(ValueError):
    pass


def _strict_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj: dict[str, object] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(key)
        obj[key] = value
    return obj


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _strict_loads(text: str) -> Any:
    """`json.loads` that refuses NaN, Infinity and keys given twice."""
    return json.loads(text, object_pairs_hook=_strict_object, parse_constant=_no_constants)


def _slow_path(lines: list[bytes], first_line: int) -> tuple[pa.Table, list[Rejection], int]:
    rows: list[dict[str, object]] = []
    rejections: list[Rejection] = []
    blanks = 0
    for offset, line in enumerate(lines):
        number = first_line + offset
        raw = line.rstrip(b"\r")
        if not raw.strip():
            blanks += 1
            continue
        if len(raw) > MAX_LINE_BYTES:
            reason = f"line is {len(raw):,} bytes, over the {MAX_LINE_BYTES:,}-byte limit"
            rejections.append(Rejection(number, None, reason, raw[:MAX_LINE_BYTES]))
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8 text (byte {exc.start + 1} cannot be decoded)"
            rejections.append(Rejection(number, None, reason, raw))
            continue
        try:
            obj = json.loads(text, object_pairs_hook=_strict_object, parse_constant=_no_constants)
        except _DuplicateKey as exc:
            rejections.append(Rejection(number, str(exc), "field given twice", raw))
            continue
        except ValueError as exc:
            rejections.append(Rejection(number, None, f"malformed JSON: {exc}", raw))
            continue
        if not isinstance(obj, dict):
            kind = type(obj).__name__
            rejections.append(Rejection(number, None, f"not a JSON object (a {kind})", raw))
            continue
        parsed = parse_event(obj)
        if parsed.problems:
            field, _ = parsed.problems[0]
            reason = "; ".join(f"{name}: {why}" for name, why in parsed.problems)
            rejections.append(Rejection(number, field, reason, raw))
            continue
        row = dict(parsed.values)
        row["extra"] = _extra_json(obj)
        row["line"] = number
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=BATCH_SCHEMA), rejections, blanks


def _types_requiring(name: str) -> list[str]:
    return [kind for kind, fields in REQUIRED.items() if name in fields]


_TYPE_SET: Final = pa.array(EVENT_TYPES, pa.string())
_REQUIRED_BY_CODE: Final = {
    name: np.array([kind in _types_requiring(name) for kind in EVENT_TYPES] + [False])
    for name in FIELDS
}
"""Per field: is it required for the type at each position of EVENT_TYPES (last: none)."""


def validate(table: pa.Table, raw_of: RawLines | None = None) -> tuple[pa.Table, list[Rejection]]:
    """Check what the contract requires, for all rows at once; split good rows from bad.

    Also fills the default `is_follower = false` of `enter` events.
    """
    n = table.num_rows
    if n == 0:
        return table, []
    problems: list[tuple[np.ndarray, str, str]] = []

    def flag(mask: pa.Array | pa.ChunkedArray, field: str, reason: str) -> None:
        values = np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), bool)
        if values.any():
            problems.append((values, field, reason))

    kind = table.column("type")
    flag(pc.is_null(kind), "type", "missing")
    # each row's type as a position in EVENT_TYPES (the last position: null or unknown), so
    # that "required for this type" is one table look-up per field, not a string match
    positions = pc.index_in(kind, value_set=_TYPE_SET)  # null: a null or unknown type
    flag(pc.is_null(positions), "type", "unknown type")
    codes = np.asarray(
        pc.fill_null(positions, len(EVENT_TYPES)).to_numpy(zero_copy_only=False), np.intp
    )
    for name in FIELDS:
        column = table.column(name)
        if column.null_count:
            needed = _REQUIRED_BY_CODE[name][codes]
            if needed.any():
                nulls = np.asarray(column.is_null().to_numpy(zero_copy_only=False), bool)
                missing = needed & nulls
                if missing.any():
                    problems.append((missing, name, "missing (required for this type)"))
        if name in ID_FIELDS:  # empty or only (Unicode) whitespace, as a trim would find
            blank = pc.or_(pc.equal(pc.binary_length(column), 0), pc.utf8_is_space(column))
            flag(blank, name, "blank")
    flag(pc.less(table.column("amount_fen"), 0), "amount_fen", "negative amount")
    flag(pc.less(table.column("quantity"), 1), "quantity", "quantity must be at least 1")
    flag(pc.less(table.column("ts"), 0), "ts", "negative timestamp")

    if problems:
        bad = np.logical_or.reduce([mask for mask, _, _ in problems])
        lines = table.column("line").to_numpy()
        types = kind.to_pylist()
        rejections = []
        for i in np.flatnonzero(bad):
            reasons = [(f, r) for mask, f, r in problems if mask[i]]
            first_field = reasons[0][0]
            text = "; ".join(
                f"{f}: {r}" + (f" {types[i]!r}" if r == "unknown type" else "") for f, r in reasons
            )
            if types[i] is not None and any("required" in r for _, r in reasons):
                text += f" (type {types[i]!r})"
            for f, r in reasons:
                if r == "negative amount":
                    text = text.replace(r, f"negative amount ({table.column(f)[int(i)]})", 1)
            raw = raw_of(int(lines[i])) if raw_of is not None else b""
            rejections.append(Rejection(int(lines[i]), first_field, text, raw))
        table = table.filter(pa.array(~bad))
    else:
        rejections = []

    is_enter = pc.equal(table.column("type"), "enter")
    follower = pc.if_else(
        pc.and_(is_enter, pc.is_null(table.column("is_follower"))),
        False,
        table.column("is_follower"),
    )
    table = table.set_column(FIELDS_INDEX["is_follower"], "is_follower", follower)
    return table, rejections


FIELDS_INDEX: Final = {name: i for i, name in enumerate(BATCH_SCHEMA.names)}
