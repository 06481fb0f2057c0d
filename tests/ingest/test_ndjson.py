"""Tests for caopan.ingest.ndjson: streaming, strict typing and validation of event lines.

Rule 3 of spec/live-events.md: a bad line is rejected with a reason naming the line and the
field, kept verbatim, and the other lines of the same body are still taken.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caopan.domain.events import EVENT_TYPES, FIELDS, ID_FIELDS, REQUIRED
from caopan.ingest import ndjson

# The required fields per type, restated from the field table of spec/live-events.md (not
# derived from the code, so that a drift between the two is caught).
SPEC_BASE = frozenset({"event_id", "session_id", "ts", "type"})
SPEC_VIEWER = frozenset(
    {
        "impression",
        "enter",
        "leave",
        "like",
        "comment",
        "share",
        "follow",
        "fans_club_join",
        "negative_feedback",
        "product_impression",
        "product_click",
        "order_created",
        "order_paid",
    }
)
SPEC_TYPES = (
    "live_start",
    "live_end",
    "impression",
    "enter",
    "leave",
    "like",
    "comment",
    "share",
    "follow",
    "fans_club_join",
    "negative_feedback",
    "product_impression",
    "product_click",
    "order_created",
    "order_paid",
    "refund",
    "ad_spend",
    "explain_start",
    "explain_end",
    "marker",
)
_BY_FIELD = {
    "source": {"impression", "enter"},
    "product_id": {
        "product_impression",
        "product_click",
        "order_created",
        "order_paid",
        "explain_start",
        "explain_end",
    },
    "order_id": {"order_created", "order_paid", "refund"},
    "quantity": {"order_created", "order_paid"},
    "amount_fen": {"order_created", "order_paid", "refund", "ad_spend"},
    "channel": {"ad_spend"},
    "kind": {"marker"},
}
SPEC_REQUIRED = {
    t: SPEC_BASE
    | ({"user_id"} if t in SPEC_VIEWER else set())
    | {f for f, types in _BY_FIELD.items() if t in types}
    for t in SPEC_TYPES
}

SAMPLE: dict[str, Any] = {
    "user_id": "u1",
    "source": "recommend",
    "product_id": "p1",
    "order_id": "o1",
    "quantity": 2,
    "amount_fen": 1990,
    "channel": "jinniu",
    "kind": "coupon",
}


def event(type_: str = "live_start", event_id: str = "e1", **fields: Any) -> dict[str, Any]:
    """A valid event of `type_` carrying its required fields (overridable)."""
    obj: dict[str, Any] = {"event_id": event_id, "session_id": "s1", "ts": 1000, "type": type_}
    for name in sorted(SPEC_REQUIRED[type_] - SPEC_BASE):
        obj[name] = SAMPLE[name]
    obj.update(fields)
    return obj


def dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


def body(*lines: bytes, end: bytes = b"\n") -> bytes:
    return b"".join(line + end for line in lines)


G1 = dumps(event("live_start", "g1"))
G2 = dumps(event("enter", "g2", is_follower=True))
G3 = dumps(event("order_paid", "g3"))


def ids(parsed: ndjson.Parsed) -> list[tuple[int, str]]:
    return [(r["line"], r["event_id"]) for r in parsed.rows.to_pylist()]


def rejected(parsed: ndjson.Parsed) -> list[tuple[int, str | None]]:
    return [(r.line, r.field) for r in parsed.rejections]


# --------------------------------------------------------------------------- the contract


def test_required_fields_match_the_spec_table() -> None:
    assert set(EVENT_TYPES) == set(SPEC_TYPES)
    assert {t: set(f) for t, f in REQUIRED.items()} == SPEC_REQUIRED
    assert set(ID_FIELDS) == {"event_id", "session_id", "user_id", "product_id", "order_id"}


@pytest.mark.parametrize("type_", SPEC_TYPES)
def test_a_complete_event_of_every_type_is_taken(type_: str) -> None:
    parsed = ndjson.parse_bytes(body(dumps(event(type_))))
    assert parsed.rejections == []
    [row] = parsed.rows.to_pylist()
    assert row["type"] == type_
    assert row["line"] == 1
    for name, value in event(type_).items():
        assert row[name] == value


@pytest.mark.parametrize("type_", SPEC_TYPES)
def test_each_missing_required_field_is_rejected_naming_it(type_: str) -> None:
    required = sorted(SPEC_REQUIRED[type_] - {"type"})
    lines = [G1]
    for name in required:
        obj = event(type_, f"x-{name}")
        del obj[name]
        lines.append(dumps(obj))
    # JSON null is the same as absent.
    nulled = event(type_, "x-null")
    nulled[required[-1]] = None
    lines.append(dumps(nulled))
    lines.append(G2)
    parsed = ndjson.parse_bytes(body(*lines))

    assert ids(parsed) == [(1, "g1"), (len(lines), "g2")]
    expected_fields = [*required, required[-1]]
    assert rejected(parsed) == [(i + 2, f) for i, f in enumerate(expected_fields)]
    for rejection, name in zip(parsed.rejections, expected_fields, strict=True):
        assert rejection.reason.startswith(f"{name}: missing (required for this type)")
        assert f"(type {type_!r})" in rejection.reason
        assert rejection.raw == lines[rejection.line - 1]


# --------------------------------------------------------------------------- bad lines

BAD_LINES: list[tuple[str, bytes, str | None, str]] = [
    ("malformed JSON", b'{"event_id": "b", "session_id": ', None, "malformed JSON"),
    ("unquoted key", b'{event_id: "b"}', None, "malformed JSON"),
    ("trailing comma", dumps(event())[:-1] + b",}", None, "malformed JSON"),
    ("NaN value", dumps(event())[:-1] + b',"amount_fen":NaN}', None, "malformed JSON"),
    ("array", b'[{"event_id": "b"}]', None, "not a JSON object"),
    ("number", b"42", None, "not a JSON object"),
    ("string", b'"live_start"', None, "not a JSON object"),
    ("null", b"null", None, "not a JSON object"),
    ("two objects", dumps(event()) + dumps(event()), None, "malformed JSON"),
    ("ts string", dumps(event(ts="1000")), "ts", "ts: expected an integer, got a string"),
    ("ts 1.0", dumps(event(ts=1.0)), "ts", "ts: expected an integer, got a fractional number"),
    (
        "ts 1e3",  # a number with an exponent is not an integer under strict typing
        b'{"event_id":"b","session_id":"s1","ts":1e3,"type":"live_start"}',
        "ts",
        "ts: expected an integer, got a fractional number",
    ),
    (
        "amount_fen bool",
        dumps(event("refund", amount_fen=True)),
        "amount_fen",
        "amount_fen: expected an integer, got a boolean",
    ),
    (
        "is_follower 1",
        dumps(event("enter", is_follower=1)),
        "is_follower",
        "is_follower: expected true or false, got an integer",
    ),
    (
        "is_follower string",
        dumps(event("enter", is_follower="true")),
        "is_follower",
        "is_follower: expected true or false, got a string",
    ),
    ("event_id number", dumps(event(event_id=7)), "event_id", "expected a string, got an integer"),
    ("session_id object", dumps(event(session_id={})), "session_id", "got an object"),
    ("user_id array", dumps(event("like", user_id=["u"])), "user_id", "got an array"),
    ("ts too big", dumps(event(ts=2**63)), "ts", f"integer {2**63} is out of range"),
    ("unknown type", dumps(event(type="dance")), "type", "type: unknown type 'dance'"),
    ("type wrong case", dumps(event(type="Live_Start")), "type", "unknown type 'Live_Start'"),
    (
        "negative amount",
        dumps(event("refund", amount_fen=-5)),
        "amount_fen",
        "amount_fen: negative amount (-5)",
    ),
    (
        "negative ad spend",
        dumps(event("ad_spend", amount_fen=-1)),
        "amount_fen",
        "negative amount (-1)",
    ),
    (
        "quantity 0",
        dumps(event("order_created", quantity=0)),
        "quantity",
        "quantity: quantity must be at least 1",
    ),
    (
        "quantity negative",
        dumps(event("order_paid", quantity=-3)),
        "quantity",
        "quantity must be at least 1",
    ),
    ("negative ts", dumps(event(ts=-1)), "ts", "ts: negative timestamp"),
    ("blank event_id", dumps(event(event_id="")), "event_id", "event_id: blank"),
    ("blank session_id", dumps(event(session_id="  ")), "session_id", "session_id: blank"),
    ("blank user_id", dumps(event("like", user_id="\t")), "user_id", "user_id: blank"),
    ("blank order_id", dumps(event("refund", order_id=" ")), "order_id", "order_id: blank"),
    (
        "duplicate key",
        b'{"event_id":"b","session_id":"s1","ts":1,"ts":2,"type":"live_start"}',
        "ts",
        "field given twice",
    ),
    (
        "duplicate unknown key",
        b'{"event_id":"b","session_id":"s1","ts":1,"type":"live_start","x":1,"x":1}',
        "x",
        "field given twice",
    ),
    (
        "invalid UTF-8 outside strings",
        b"\xff" + dumps(event()),
        None,
        "not UTF-8 text (byte 1 cannot be decoded)",
    ),
    ("BOM inside the file", ndjson.UTF8_BOM + dumps(event()), None, "malformed JSON"),
]


@pytest.mark.parametrize(
    ("bad", "field", "reason"),
    [pytest.param(b, f, r, id=name) for name, b, f, r in BAD_LINES],
)
def test_a_bad_line_is_rejected_with_its_line_field_and_reason(
    bad: bytes, field: str | None, reason: str
) -> None:
    parsed = ndjson.parse_bytes(body(G1, G2, bad, G3))

    assert ids(parsed) == [(1, "g1"), (2, "g2"), (4, "g3")]
    [rejection] = parsed.rejections
    assert rejection.line == 3
    assert rejection.field == field
    assert reason in rejection.reason
    assert rejection.raw == bad
    assert rejection.message("day1.ndjson") == f"day1.ndjson:3: {rejection.reason}"
    assert rejection.message() == f"line 3: {rejection.reason}"


def test_many_bad_lines_in_one_body_each_get_their_own_line_number() -> None:
    lines = [G1]
    for _, bad, _, _ in BAD_LINES:
        lines.extend([bad, G2])
    parsed = ndjson.parse_bytes(body(*lines))

    good = [n for n, line in enumerate(lines, 1) if line == G2]
    assert [n for n, _ in ids(parsed)] == [1, *good]
    assert rejected(parsed) == [(2 * i + 2, f) for i, (_, _, f, _) in enumerate(BAD_LINES)]
    for rejection in parsed.rejections:
        assert rejection.raw == lines[rejection.line - 1]


def test_several_problems_on_one_line_are_all_named() -> None:
    bad = dumps(event("order_paid", "", quantity=0, amount_fen=-1, order_id=None))
    [rejection] = ndjson.parse_bytes(body(bad)).rejections
    assert rejection.field == "event_id"
    for part in ("event_id: blank", "order_id: missing", "negative amount (-1)", "quantity"):
        assert part in rejection.reason


def test_several_type_errors_on_one_line_are_all_named() -> None:
    bad = dumps(event("enter", ts="soon", is_follower="no", user_id=3))
    [rejection] = ndjson.parse_bytes(body(G1, bad)).rejections
    assert rejection.field == "ts"
    assert "ts: expected an integer, got a string" in rejection.reason
    assert "user_id: expected a string, got an integer" in rejection.reason
    assert "is_follower: expected true or false, got a string" in rejection.reason


def test_a_line_without_type_says_type_is_missing() -> None:
    bad = b'{"event_id":"b","session_id":"s1","ts":1}'
    [rejection] = ndjson.parse_bytes(body(G1, bad)).rejections
    assert rejection.field == "type"
    assert "missing" in rejection.reason


def test_a_large_body_with_a_few_bad_lines_keeps_every_good_line() -> None:
    # More lines than SLOW_PATH_LINES: the fast path is tried on halves of halves.
    lines = [dumps(event("like", f"e{i}", user_id=f"u{i % 7}", ts=i)) for i in range(1, 301)]
    bad_at = {2, 65, 137, 250, 300}
    for n in bad_at:
        lines[n - 1] = dumps(event("like", f"e{n}", ts=f"{n}"))
    parsed = ndjson.parse_bytes(body(*lines))

    assert [n for n, _ in ids(parsed)] == [n for n in range(1, 301) if n not in bad_at]
    assert ids(parsed) == [(n, f"e{n}") for n in range(1, 301) if n not in bad_at]
    assert rejected(parsed) == [(n, "ts") for n in sorted(bad_at)]


def test_a_clean_block_takes_the_fast_path() -> None:
    data = body(G1, G2, G3)
    fast = ndjson._fast_path(data, 10)
    assert fast is not None
    assert fast.schema == ndjson.BATCH_SCHEMA
    assert fast.column("line").to_pylist() == [10, 11, 12]


# --------------------------------------------------------------------------- invalid UTF-8


def test_invalid_utf8_line_is_rejected_among_broken_lines() -> None:
    # With another broken line in the block, the whole block is read line by line.
    bad = dumps(event())[:15] + b"\xff" + dumps(event())[15:]
    parsed = ndjson.parse_bytes(body(G1, bad, b"{", G2))
    assert ids(parsed) == [(1, "g1"), (4, "g2")]
    assert rejected(parsed) == [(2, None), (3, None)]
    assert parsed.rejections[0].reason == "not UTF-8 text (byte 16 cannot be decoded)"
    assert parsed.rejections[0].raw == bad


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(b'{"event_id":"e\xff","session_id":"s1","ts":1,"type":"live_start"}', id="id"),
        pytest.param(
            b'{"event_id":"b","session_id":"s1","ts":1,"type":"comment","user_id":"u",'
            b'"text":"caf\xc3"}',
            id="text",
        ),
        pytest.param(
            b'{"event_id":"b","session_id":"s1","ts":1,"type":"live_start","x":"\xfe"}',
            id="unknown-field",
        ),
    ],
)
def test_invalid_utf8_inside_a_string_is_rejected(bad: bytes) -> None:
    parsed = ndjson.parse_bytes(body(G1, bad, G2))
    assert ids(parsed) == [(1, "g1"), (3, "g2")]
    assert rejected(parsed) == [(2, None)]
    assert "not UTF-8" in parsed.rejections[0].reason


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_UTF8_TAILS = [[], [0x80], [0x9F], [0xA0], [0xBF], [0x80, 0x80], [0x9F, 0xBF], [0xA0, 0x80]]
_UTF8_TAILS += [[0x90, 0x80, 0x80], [0x8F, 0xBF, 0xBF], [0x80, 0x80, 0x80], [0xC0]]
_UTF8_EDGES = [
    bytes([lead, *tail])
    for lead in (0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF)
    for tail in _UTF8_TAILS
]
"""Lead bytes at the edges of UTF-8 (overlong, surrogate, past U+10FFFF) with short tails."""


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=6),
            st.text(max_size=6).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.sampled_from(_UTF8_EDGES),
        ),
        max_size=8,
    ).map(b"".join)
)
def test_the_utf8_check_agrees_with_python_decoding(data: bytes) -> None:
    # surrogates, overlong forms and code points past U+10FFFF are refused by both
    assert ndjson.utf8_valid(data) == _decodes(data)
    assert ndjson.utf8_valid(b"x" * 70 + data) == _decodes(data)


def test_the_utf8_check_agrees_with_python_decoding_on_every_edge() -> None:
    for edge in _UTF8_EDGES:
        assert ndjson.utf8_valid(edge) == _decodes(edge), edge


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_in_an_unknown_field_is_rejected_like_the_slow_path_does(constant: bytes) -> None:
    bad = dumps(event("live_start", "b"))[:-1] + b',"x":' + constant + b"}"
    parsed = ndjson.parse_bytes(body(G1, bad, G2))
    assert rejected(parsed) == [(2, None)]
    assert "malformed JSON" in parsed.rejections[0].reason


# --------------------------------------------------------------------------- layout


def test_blank_lines_are_skipped_and_counted() -> None:
    parsed = ndjson.parse_bytes(body(G1, b"", b"   ", b"\t", G2, b""))
    assert ids(parsed) == [(1, "g1"), (5, "g2")]
    assert parsed.rejections == []
    assert parsed.blank_lines == 4


def test_crlf_line_endings_read_like_lf() -> None:
    bad = dumps(event(ts="x"))
    lf = ndjson.parse_bytes(body(G1, bad, b"", G2))
    crlf = ndjson.parse_bytes(body(G1, bad, b"", G2, end=b"\r\n"))
    assert crlf.rows.to_pylist() == lf.rows.to_pylist()
    assert [(r.line, r.field, r.reason, r.raw) for r in crlf.rejections] == [
        (r.line, r.field, r.reason, r.raw) for r in lf.rejections
    ]
    assert crlf.rejections[0].raw == bad  # the \r is not part of the kept line
    assert crlf.blank_lines == lf.blank_lines == 1


def test_crlf_clean_body_takes_the_fast_path() -> None:
    data = body(G1, G2, end=b"\r\n")
    assert ndjson._fast_path(data, 1) is not None
    assert ids(ndjson.parse_bytes(data)) == [(1, "g1"), (2, "g2")]


def test_a_utf8_bom_at_the_start_is_ignored() -> None:
    plain = ndjson.parse_bytes(body(G1, G2))
    with_bom = ndjson.parse_bytes(ndjson.UTF8_BOM + body(G1, G2))
    assert with_bom.rejections == []
    assert with_bom.rows.to_pylist() == plain.rows.to_pylist()


def test_last_line_without_newline_is_read() -> None:
    parsed = ndjson.parse_bytes(body(G1) + G2)
    assert ids(parsed) == [(1, "g1"), (2, "g2")]


def test_empty_body_gives_nothing() -> None:
    parsed = ndjson.parse_bytes(b"")
    assert parsed.rows.num_rows == 0
    assert parsed.rows.schema == ndjson.BATCH_SCHEMA
    assert parsed.rejections == []


@pytest.mark.parametrize("first_line", [1, 41])
def test_first_line_offsets_line_numbers(first_line: int) -> None:
    parsed = ndjson.parse_bytes(body(G1, b"{", G2), first_line=first_line)
    assert ids(parsed) == [(first_line, "g1"), (first_line + 2, "g2")]
    assert rejected(parsed) == [(first_line + 1, None)]


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize("clean", [True, False], ids=["fast-path", "slow-path"])
def test_unknown_fields_are_kept_in_extra_as_json(clean: bool) -> None:
    obj = event("comment", "c1", text="好", mood="开心", n=[1, {"k": None}], z=None, big=2**70)
    lines = [dumps(obj), G1] if clean else [dumps(obj), G1, b"{"]
    parsed = ndjson.parse_bytes(body(*lines))
    rows = parsed.rows.to_pylist()
    assert json.loads(rows[0]["extra"]) == {
        "mood": "开心",
        "n": [1, {"k": None}],
        "z": None,
        "big": 2**70,
    }
    assert rows[0]["text"] == "好"
    assert rows[1]["extra"] is None
    # Canonical: sorted keys, compact, not ASCII-escaped.
    assert rows[0]["extra"] == json.dumps(
        json.loads(rows[0]["extra"]), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def test_known_fields_with_null_are_absent_not_extra() -> None:
    parsed = ndjson.parse_bytes(body(dumps(event(text=None, channel=None))))
    [row] = parsed.rows.to_pylist()
    assert row["text"] is None
    assert row["extra"] is None


@pytest.mark.parametrize("clean", [True, False], ids=["fast-path", "slow-path"])
def test_is_follower_defaults_to_false_for_enter_only(clean: bool) -> None:
    enter_default = dumps(event("enter", "a"))
    enter_true = dumps(event("enter", "b", is_follower=True))
    enter_null = dumps(event("enter", "c", is_follower=None))
    like = dumps(event("like", "d"))
    like_true = dumps(event("like", "e", is_follower=True))
    lines = [enter_default, enter_true, enter_null, like, like_true]
    if not clean:
        lines.append(b"[]")
    rows = ndjson.parse_bytes(body(*lines)).rows.to_pylist()
    assert [(r["event_id"], r["is_follower"]) for r in rows] == [
        ("a", False),
        ("b", True),
        ("c", False),
        ("d", None),
        ("e", True),
    ]


@pytest.mark.parametrize("clean", [True, False], ids=["fast-path", "slow-path"])
def test_values_are_typed_exactly(clean: bool) -> None:
    obj = event(
        "order_paid",
        'é"\\/直播',
        ts=2**63 - 1,
        amount_fen=0,
        quantity=1,
        text="line\nbreak\u2028",
    )
    lines = [dumps(obj)] if clean else [dumps(obj), b"1"]
    [row] = ndjson.parse_bytes(body(*lines)).rows.to_pylist()
    for name in FIELDS:
        assert row[name] == obj.get(name)


# --------------------------------------------------------------------------- fast = slow

_IDS = st.text(alphabet='ab1_-直播 é"\\/\t', min_size=1, max_size=6).filter(str.strip)
_JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5)
)
_JSON = st.recursive(
    _JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=5,
)
_EXTRA_KEYS = st.sampled_from(["mood", "来源", "line", "extra", "TS", "n"])


def _valid_value(name: str) -> st.SearchStrategy[Any]:
    kind = FIELDS[name]
    if name == "quantity":
        return st.integers(1, 2**63 - 1)
    if kind == "int64":
        return st.integers(0, 2**63 - 1)
    if kind == "boolean":
        return st.booleans()
    if name in ID_FIELDS:
        return _IDS
    return st.text(max_size=8)


_WRONG: dict[str, st.SearchStrategy[Any]] = {
    "string": st.one_of(
        st.integers(),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),  # infinity is the nan_known case
        st.just([]),
        st.just({}),
    ),
    "int64": st.one_of(
        st.text(max_size=3),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.just([1]),
        st.sampled_from([2**63, -(2**63) - 1, 10**30]),
    ),
    "boolean": st.one_of(st.integers(), st.text(max_size=3), st.just({})),
}


@st.composite
def valid_events(draw: st.DrawFn) -> dict[str, Any]:
    type_ = draw(st.sampled_from(SPEC_TYPES))
    obj: dict[str, Any] = {"type": type_}
    for name in sorted(SPEC_REQUIRED[type_] - {"type"}):
        obj[name] = draw(_valid_value(name))
    for name in draw(st.sets(st.sampled_from(sorted(set(FIELDS) - set(obj))), max_size=3)):
        obj[name] = draw(st.none() | _valid_value(name))
    obj.update(draw(st.dictionaries(_EXTRA_KEYS, _JSON, max_size=2)))
    return obj


@st.composite
def serialized(draw: st.DrawFn, obj: dict[str, Any]) -> bytes:
    items = draw(st.permutations(list(obj.items())))
    separators = draw(st.sampled_from([(",", ":"), (", ", ": ")]))
    text = json.dumps(
        dict(items), ensure_ascii=draw(st.booleans()), separators=separators, allow_nan=False
    )
    return text.encode()


@st.composite
def broken_lines(draw: st.DrawFn) -> bytes:
    obj = draw(valid_events())
    how = draw(
        st.sampled_from(
            [
                "wrong_type",
                "missing",
                "unknown_type",
                "negative",
                "blank_id",
                "truncated",
                "not_object",
                "duplicate_key",
                "garbage",
                "nan_known",
                "blank_line",
                "padded",
            ]
        )
    )
    if how == "wrong_type":
        name = draw(st.sampled_from(sorted(FIELDS)))
        obj[name] = draw(_WRONG[FIELDS[name]])
    elif how == "missing":
        name = draw(st.sampled_from(sorted(SPEC_REQUIRED[obj["type"]])))
        if draw(st.booleans()):
            del obj[name]
        else:
            obj[name] = None
    elif how == "unknown_type":
        obj["type"] = draw(st.text(max_size=6).filter(lambda t: t not in SPEC_TYPES))
    elif how == "negative":
        name = draw(st.sampled_from(["amount_fen", "quantity", "ts"]))
        obj[name] = draw(st.integers(-(2**63), 0 if name == "quantity" else -1))
    elif how == "blank_id":
        obj[draw(st.sampled_from(ID_FIELDS))] = draw(st.sampled_from(["", " ", "\t ", "\u3000"]))
    elif how == "nan_known":
        obj[draw(st.sampled_from(sorted(FIELDS)))] = draw(
            st.sampled_from([float("nan"), float("inf"), -float("inf")])
        )
        return json.dumps(obj).encode()
    line = draw(serialized(obj))
    if how == "truncated":
        return line[: draw(st.integers(1, len(line) - 1))]
    if how == "not_object":
        return json.dumps(draw(st.lists(_JSON_LEAF, max_size=2) | _JSON_LEAF)).encode()
    if how == "duplicate_key":
        key = draw(st.sampled_from(sorted(obj)))
        return line[:-1] + b"," + json.dumps(key).encode() + b":" + json.dumps(obj[key]).encode()
    if how == "garbage":
        return draw(st.sampled_from([b"\xff" + line, line + b"x", b"x" + line, line + b"]"]))
    if how == "blank_line":
        return draw(st.sampled_from([b"", b" ", b"\t\t", b"\r"]))
    if how == "padded":
        return b" " + line + b"  "
    return line


@st.composite
def lines_of(draw: st.DrawFn, broken_share: float) -> bytes:
    if draw(st.floats(0, 1)) < broken_share:
        line = draw(broken_lines())
    else:
        line = draw(serialized(draw(valid_events())))
    if draw(st.integers(0, 9)) == 0:
        line += b"\r"
    return line


def _reference(lines: list[bytes]) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]], int]:
    """Each line on its own through the slow path and the validator."""
    rows: list[dict[str, Any]] = []
    rejections: list[tuple[Any, ...]] = []
    blanks = 0
    for number, line in enumerate(lines, 1):
        table, typing_rejections, blank = ndjson._slow_path([line], number)
        good, invalid = ndjson.validate(table)
        rows.extend(good.to_pylist())
        rejections.extend(
            (r.line, r.field, r.reason, line.rstrip(b"\r")) for r in typing_rejections + invalid
        )
        blanks += blank
    return rows, rejections, blanks


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=st.data(),
    broken_share=st.sampled_from([0.0, 0.02, 0.2, 0.7]),
    slow_path_lines=st.sampled_from([1, 3, 64]),
)
def test_fast_path_and_slow_path_agree(
    data: st.DataObject, broken_share: float, slow_path_lines: int
) -> None:
    lines = data.draw(st.lists(lines_of(broken_share), max_size=90), label="lines")
    whole = b"".join(line + b"\n" for line in lines)
    if lines and lines[-1] and data.draw(st.booleans(), label="no final newline"):
        whole = whole[:-1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ndjson, "SLOW_PATH_LINES", slow_path_lines)
        parsed = ndjson.parse_bytes(whole)
    rows, rejections, blanks = _reference(lines)

    assert sorted(parsed.rows.to_pylist(), key=lambda r: r["line"]) == rows
    assert [(r.line, r.field, r.reason, r.raw) for r in parsed.rejections] == rejections
    assert parsed.blank_lines == blanks
    assert len(rows) + len(rejections) + blanks == len(lines)
    assert parsed.rows.schema == ndjson.BATCH_SCHEMA


# --------------------------------------------------------------------------- read_blocks


def _read(data: bytes, chunk: int) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]], int]:
    rows: list[dict[str, Any]] = []
    rejections: list[tuple[Any, ...]] = []
    blanks = 0
    for item in ndjson.read_blocks(io.BytesIO(data), chunk=chunk):
        if isinstance(item, ndjson.Rejection):
            rejections.append((item.line, item.field, item.reason, item.raw))
            continue
        parsed = ndjson.parse_block(item)
        rows.extend(parsed.rows.to_pylist())
        rejections.extend((r.line, r.field, r.reason, r.raw) for r in parsed.rejections)
        blanks += parsed.blank_lines
    return rows, rejections, blanks


MIXED = ndjson.UTF8_BOM + b"".join(
    [
        body(G1),
        body(dumps(event("comment", "c1", user_id="观众", text="直播间好热闹 🎉")), end=b"\r\n"),
        b"\n   \n",
        body(dumps(event("like", "bad", ts="x"))),
        body(G2, b"{", G3),
        *(body(dumps(event("like", f"l{i}", user_id=f"u{i}", ts=i))) for i in range(40)),
        dumps(event("marker", "last", text="末行")),  # no final newline
    ]
)


@pytest.mark.parametrize("chunk", [4, 5, 7, 13, 64, 1000, ndjson.READ_CHUNK])
def test_read_blocks_chunk_size_does_not_change_the_result(chunk: int) -> None:
    expected = _read(MIXED, ndjson.READ_CHUNK)
    rows, rejections, blanks = expected
    assert len(rows) == 45
    assert [r[0] for r in rejections] == [5, 7]
    assert blanks == 2
    assert rows[-1]["event_id"] == "last"
    assert rows[-1]["line"] == 49
    assert _read(MIXED, chunk) == expected


@pytest.mark.parametrize("chunk", [4, 7, 64, ndjson.READ_CHUNK])
def test_read_blocks_cuts_at_line_ends_and_numbers_blocks(chunk: int) -> None:
    blocks = []
    for item in ndjson.read_blocks(io.BytesIO(MIXED), chunk=chunk):
        assert isinstance(item, ndjson.Block)
        blocks.append(item)
    assert b"".join(b.data for b in blocks) == MIXED.removeprefix(ndjson.UTF8_BOM)
    line = 1
    for block in blocks:
        assert block.first_line == line
        assert block.data.endswith(b"\n") or block is blocks[-1]
        line += block.data.count(b"\n")


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_read_blocks_strips_the_bom_whatever_the_read_size(chunk: int) -> None:
    assert _read(MIXED, chunk) == _read(MIXED, ndjson.READ_CHUNK)


# --------------------------------------------------------------------------- long lines

SMALL_MAX = 200  # longer than G1, G2 and G3


@pytest.fixture
def small_max(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(ndjson, "MAX_LINE_BYTES", SMALL_MAX)
    return SMALL_MAX


def _padded(event_id: str, size: int) -> bytes:
    """A valid comment event of exactly `size` bytes."""
    head = dumps(event("comment", event_id, user_id="u", text=""))
    line = head[:-2] + b"a" * (size - len(head)) + b'"}'
    assert len(line) == size
    assert json.loads(line)["event_id"] == event_id
    return line


@pytest.mark.parametrize("chunk", [7, 64, 199, 201, ndjson.READ_CHUNK])
def test_over_long_line_is_rejected_with_its_size_and_later_lines_keep_numbers(
    small_max: int, chunk: int
) -> None:
    assert max(len(G1), len(G2), len(G3)) < small_max
    long_line = _padded("long", 500)
    at_limit = _padded("fits", small_max)
    over_by_one = _padded("over", small_max + 1)
    data = body(G1, long_line, G2, b"[]", at_limit, over_by_one, over_by_one, G3) + long_line
    rows, rejections, blanks = _read(data, chunk)

    assert [(r["line"], r["event_id"]) for r in rows] == [
        (1, "g1"),
        (3, "g2"),
        (5, "fits"),
        (8, "g3"),
    ]
    assert [(line, field) for line, field, _, _ in rejections] == [
        (2, None),
        (4, None),
        (6, None),
        (7, None),
        (9, None),
    ]
    sizes = {2: 500, 6: 201, 7: 201, 9: 500}
    for line, _, reason, raw in rejections:
        if line in sizes:
            assert f"line is {sizes[line]:,} bytes, over the {small_max:,}-byte limit" in reason
            assert raw == data.split(b"\n")[line - 1][:small_max]
    assert "not a JSON object" in rejections[1][2]
    assert blanks == 0


def test_over_long_line_alone_is_rejected(small_max: int) -> None:
    parsed = ndjson.parse_bytes(_padded("long", 5000))
    assert parsed.rows.num_rows == 0
    [rejection] = parsed.rejections
    assert rejection.line == 1
    assert "5,000 bytes" in rejection.reason
    assert len(rejection.raw) == small_max


def test_parse_bytes_rows_are_arrow_tables_of_the_batch_schema() -> None:
    parsed = ndjson.parse_bytes(body(G1, b"{", G2))
    assert isinstance(parsed.rows, pa.Table)
    assert parsed.rows.schema == ndjson.BATCH_SCHEMA
