"""Tests for caopan.domain.events against spec/live-events.md."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain.events import (
    EVENT_TYPES,
    FIELDS,
    MARKER_KINDS,
    REQUIRED,
    SOURCE_CLASS_NAMES,
    SOURCE_CLASSES,
    SOURCE_NAMES,
    ParsedEvent,
    parse_event,
    required_fields,
    source_class,
)

BASE = frozenset({"event_id", "session_id", "ts", "type"})

# The types of spec/live-events.md, "Types" table, group by group.
SPEC_TYPES = {
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
}

# "user_id ... required for viewer types (a buyer is a viewer)".
SPEC_VIEWER_TYPES = {
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

# The "required for" column of the field table, field by field.
SPEC_REQUIRED_FOR = {
    "user_id": SPEC_VIEWER_TYPES,
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

# The field table's type column.
SPEC_FIELD_TYPES = {
    "event_id": "string",
    "session_id": "string",
    "ts": "int64",
    "type": "string",
    "user_id": "string",
    "source": "string",
    "is_follower": "boolean",
    "product_id": "string",
    "order_id": "string",
    "quantity": "int64",
    "amount_fen": "int64",
    "channel": "string",
    "kind": "string",
    "text": "string",
}

# The "Traffic sources" table, copied literally.
SPEC_SOURCE_TABLE = {
    "recommend": ("推荐", "natural"),
    "live_square": ("直播广场", "natural"),
    "nearby": ("同城", "natural"),
    "search": ("搜索", "natural"),
    "short_video": ("短视频引流", "natural"),
    "follow": ("关注页", "private"),
    "profile": ("个人主页/店铺", "private"),
    "private_share": ("私信/群聊/分享", "private"),
    "paid_jinniu": ("磁力金牛", "paid"),
    "paid_fentiao": ("粉条", "paid"),
    "other": ("其他", "natural"),
}

INT64_MAX = 9_223_372_036_854_775_807
INT64_MIN = -9_223_372_036_854_775_808


# --------------------------------------------------------------------------- tables


def test_event_types_are_the_spec_types():
    assert set(EVENT_TYPES) == SPEC_TYPES
    assert len(EVENT_TYPES) == len(SPEC_TYPES) == 20
    assert set(REQUIRED) == SPEC_TYPES


def test_fields_and_their_types_match_the_spec():
    assert FIELDS == SPEC_FIELD_TYPES
    assert list(FIELDS)[:4] == ["event_id", "session_id", "ts", "type"]


@pytest.mark.parametrize("event_type", sorted(SPEC_TYPES))
def test_every_type_requires_the_base_four(event_type):
    assert REQUIRED[event_type] >= BASE
    assert required_fields(event_type) >= BASE


@pytest.mark.parametrize("event_type", sorted(SPEC_VIEWER_TYPES))
def test_viewer_types_require_user_id(event_type):
    assert "user_id" in required_fields(event_type)


@pytest.mark.parametrize("event_type", sorted(SPEC_TYPES - SPEC_VIEWER_TYPES))
def test_non_viewer_types_do_not_require_user_id(event_type):
    assert "user_id" not in required_fields(event_type)


@pytest.mark.parametrize("event_type", sorted(SPEC_TYPES))
def test_required_fields_equal_the_spec_table(event_type):
    expected = BASE | {name for name, kinds in SPEC_REQUIRED_FOR.items() if event_type in kinds}
    assert required_fields(event_type) == expected


@pytest.mark.parametrize(
    ("event_type", "fields"),
    [
        ("order_paid", {"order_id", "product_id", "quantity", "amount_fen", "user_id"}),
        ("order_created", {"order_id", "product_id", "quantity", "amount_fen", "user_id"}),
        ("refund", {"order_id", "amount_fen"}),
        ("ad_spend", {"amount_fen", "channel"}),
        ("marker", {"kind"}),
        ("enter", {"source", "user_id"}),
        ("impression", {"source", "user_id"}),
        ("explain_start", {"product_id"}),
        ("explain_end", {"product_id"}),
        ("product_click", {"product_id", "user_id"}),
        ("live_start", set()),
        ("live_end", set()),
    ],
)
def test_spec_required_field_rows(event_type, fields):
    assert required_fields(event_type) == BASE | fields


def test_optional_fields_are_never_required():
    for event_type in SPEC_TYPES:
        assert "text" not in required_fields(event_type)
        # is_follower has a default (false) on enter, so it is not required.
        assert "is_follower" not in required_fields(event_type)


def test_required_fields_of_unknown_type_is_empty():
    assert required_fields("made_up") == frozenset()
    assert required_fields("") == frozenset()
    assert required_fields("ORDER_PAID") == frozenset()


def test_marker_kinds_match_the_spec():
    assert set(MARKER_KINDS) == {
        "coupon",
        "red_packet",
        "lucky_bag",
        "flash_sale",
        "violation",
        "note",
    }


# --------------------------------------------------------------------------- sources


@pytest.mark.parametrize(("code", "expected"), [(c, v[1]) for c, v in SPEC_SOURCE_TABLE.items()])
def test_source_class_of_every_default_code(code, expected):
    assert source_class(code) == expected


def test_source_tables_cover_exactly_the_spec_codes():
    assert set(SOURCE_CLASSES) == set(SPEC_SOURCE_TABLE)
    assert set(SOURCE_NAMES) == set(SPEC_SOURCE_TABLE)
    assert set(SOURCE_CLASSES.values()) <= set(SOURCE_CLASS_NAMES)
    assert set(SOURCE_CLASS_NAMES) == {"natural", "private", "paid"}
    for code, (chinese, _) in SPEC_SOURCE_TABLE.items():
        assert SOURCE_NAMES[code] == chinese


@pytest.mark.parametrize("code", ["made_up_code", "", "PAID_JINNIU", "jinniu", "paid", "douyin"])
def test_unknown_source_codes_are_natural(code):
    assert source_class(code) == "natural"


def test_source_class_with_configured_classes():
    classes = {"wechat": "private", "other": "paid"}
    assert source_class("wechat", classes) == "private"
    # An unknown code takes the class of `other` in the configured set.
    assert source_class("recommend", classes) == "paid"
    # Without an `other`, an unknown code is natural.
    assert source_class("nope", {"wechat": "private"}) == "natural"


# --------------------------------------------------------------------------- parse_event


def _valid_order_paid() -> dict[str, object]:
    return {
        "event_id": "e1",
        "session_id": "s1",
        "ts": 1_793_462_400_000,
        "type": "order_paid",
        "user_id": "u1",
        "product_id": "p1",
        "order_id": "1234567890123456789",
        "quantity": 2,
        "amount_fen": 3980,
    }


def test_parse_event_valid_object():
    obj = _valid_order_paid()
    parsed = parse_event(obj)
    assert isinstance(parsed, ParsedEvent)
    assert parsed.problems == []
    assert parsed.extra == {}
    assert set(parsed.values) == set(FIELDS)
    for name, value in obj.items():
        assert parsed.values[name] == value
    for name in set(FIELDS) - set(obj):
        assert parsed.values[name] is None


def test_parse_event_from_json_text():
    line = (
        '{"event_id":"e9","session_id":"s1","ts":1700000000000,"type":"enter",'
        '"user_id":"u1","source":"follow","is_follower":true,"colour":"red"}'
    )
    parsed = parse_event(json.loads(line))
    assert parsed.problems == []
    assert parsed.values["is_follower"] is True
    assert parsed.values["ts"] == 1_700_000_000_000
    assert parsed.extra == {"colour": "red"}


@pytest.mark.parametrize("name", ["ts", "quantity", "amount_fen"])
@pytest.mark.parametrize(
    ("value", "got"),
    [
        (True, "a boolean"),
        (False, "a boolean"),
        (1.0, "a fractional number"),
        (1.5, "a fractional number"),
        ("1", "a string"),
        ([1], "an array"),
        ({"v": 1}, "an object"),
    ],
)
def test_parse_event_int_fields_are_strict(name, value, got):
    parsed = parse_event({name: value})
    assert parsed.problems == [(name, f"expected an integer, got {got}")]
    assert parsed.values[name] is None


def test_parse_event_int_from_json_float_literal_is_refused():
    parsed = parse_event(json.loads('{"ts": 1e3, "amount_fen": 100.0, "quantity": 2}'))
    assert parsed.problems == [
        ("ts", "expected an integer, got a fractional number"),
        ("amount_fen", "expected an integer, got a fractional number"),
    ]
    assert parsed.values["quantity"] == 2


@pytest.mark.parametrize("name", ["ts", "quantity", "amount_fen"])
@pytest.mark.parametrize("value", [INT64_MAX, INT64_MIN, 0, -1, 1])
def test_parse_event_int64_bounds_accepted(name, value):
    parsed = parse_event({name: value})
    assert parsed.problems == []
    assert parsed.values[name] == value


@pytest.mark.parametrize("name", ["ts", "quantity", "amount_fen"])
@pytest.mark.parametrize("value", [INT64_MAX + 1, INT64_MIN - 1, 10**30, -(10**30)])
def test_parse_event_int64_out_of_range_refused(name, value):
    parsed = parse_event({name: value})
    assert len(parsed.problems) == 1
    field_name, reason = parsed.problems[0]
    assert field_name == name
    assert "out of range" in reason
    assert str(value) in reason
    assert parsed.values[name] is None


def test_parse_event_out_of_range_from_json_text():
    parsed = parse_event(json.loads('{"amount_fen": 9223372036854775808}'))
    assert parsed.problems == [("amount_fen", "integer 9223372036854775808 is out of range")]


STRING_FIELDS = [name for name, kind in SPEC_FIELD_TYPES.items() if kind == "string"]


@pytest.mark.parametrize("name", STRING_FIELDS)
@pytest.mark.parametrize(
    ("value", "got"),
    [
        (123, "an integer"),
        (1234567890123456789, "an integer"),
        (1.5, "a fractional number"),
        (True, "a boolean"),
        (["a"], "an array"),
        ({"a": 1}, "an object"),
    ],
)
def test_parse_event_string_fields_are_strict(name, value, got):
    parsed = parse_event({name: value})
    assert parsed.problems == [(name, f"expected a string, got {got}")]
    assert parsed.values[name] is None


@pytest.mark.parametrize("name", STRING_FIELDS)
def test_parse_event_string_fields_keep_strings_as_given(name):
    parsed = parse_event({name: " 007 "})
    assert parsed.problems == []
    assert parsed.values[name] == " 007 "


@pytest.mark.parametrize(
    ("value", "got"),
    [
        (1, "an integer"),
        (0, "an integer"),
        ("true", "a string"),
        ("false", "a string"),
        (1.0, "a fractional number"),
        ([True], "an array"),
    ],
)
def test_parse_event_boolean_field_is_strict(value, got):
    parsed = parse_event({"is_follower": value})
    assert parsed.problems == [("is_follower", f"expected true or false, got {got}")]
    assert parsed.values["is_follower"] is None


@pytest.mark.parametrize("value", [True, False])
def test_parse_event_booleans_kept(value):
    parsed = parse_event({"is_follower": value})
    assert parsed.problems == []
    assert parsed.values["is_follower"] is value


def test_parse_event_falsy_valid_values_are_not_treated_as_absent():
    parsed = parse_event({"quantity": 0, "amount_fen": 0, "text": "", "is_follower": False})
    assert parsed.problems == []
    assert parsed.values["quantity"] == 0
    assert parsed.values["amount_fen"] == 0
    assert parsed.values["text"] == ""
    assert parsed.values["is_follower"] is False


def test_parse_event_null_equals_absent():
    full = _valid_order_paid()
    for name in list(full):
        with_null = {**full, name: None}
        without = {k: v for k, v in full.items() if k != name}
        parsed_null, parsed_absent = parse_event(with_null), parse_event(without)
        assert parsed_null.problems == parsed_absent.problems == []
        assert parsed_null.values == parsed_absent.values
        assert parsed_null.values[name] is None
        assert parsed_null.extra == parsed_absent.extra == {}
    assert parse_event(json.loads('{"ts": null, "is_follower": null}')).problems == []


def test_parse_event_unknown_fields_land_in_extra():
    obj = {**_valid_order_paid(), "mood": "happy", "nested": {"a": [1, 2]}, "Ts": 5, "n": None}
    parsed = parse_event(obj)
    assert parsed.problems == []
    assert parsed.extra == {"mood": "happy", "nested": {"a": [1, 2]}, "Ts": 5, "n": None}
    assert "mood" not in parsed.values
    assert parsed.values["ts"] == 1_793_462_400_000


def test_parse_event_reports_every_bad_field_and_keeps_good_ones():
    parsed = parse_event({"event_id": 7, "ts": "soon", "is_follower": 1, "user_id": "u1"})
    assert sorted(parsed.problems) == sorted(
        [
            ("event_id", "expected a string, got an integer"),
            ("ts", "expected an integer, got a string"),
            ("is_follower", "expected true or false, got an integer"),
        ]
    )
    assert parsed.values["user_id"] == "u1"
    assert parsed.values["event_id"] is None


def test_parse_event_does_not_check_required_fields():
    # Presence and ranges are checked afterwards for whole batches, not here.
    parsed = parse_event({"type": "order_paid", "quantity": -3, "amount_fen": -1})
    assert parsed.problems == []
    assert parsed.values["quantity"] == -3


def test_parse_event_does_not_mutate_its_input():
    obj = {"ts": 1.5, "mood": "x"}
    parse_event(obj)
    assert obj == {"ts": 1.5, "mood": "x"}


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _fits(kind: str, value: object) -> bool:
    if kind == "string":
        return type(value) is str
    if kind == "boolean":
        return type(value) is bool
    return type(value) is int and INT64_MIN <= value <= INT64_MAX


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(sorted(SPEC_FIELD_TYPES)), st.text(max_size=6)),
        json_values,
        max_size=10,
    )
)
def test_parse_event_property(obj):
    parsed = parse_event(obj)
    assert set(parsed.values) == set(SPEC_FIELD_TYPES)
    assert parsed.extra == {k: v for k, v in obj.items() if k not in SPEC_FIELD_TYPES}
    bad = set()
    for name, kind in SPEC_FIELD_TYPES.items():
        value = obj.get(name)
        if value is None:
            assert parsed.values[name] is None
        elif _fits(kind, value):
            assert parsed.values[name] == value
            assert type(parsed.values[name]) is type(value)
        else:
            bad.add(name)
            assert parsed.values[name] is None
    problem_fields = [name for name, _ in parsed.problems]
    assert len(problem_fields) == len(set(problem_fields))
    assert set(problem_fields) == bad
