"""The live event contract (`spec/live-events.md`), declared once as data.

Fields, their JSON types, which event types require which fields, and the traffic-source
classes. Readers (files, HTTP), the simulator and the metric engine all take these tables
rather than restating them.

>>> source_class("paid_jinniu"), source_class("made_up_code")
('paid', 'natural')
>>> sorted(required_fields("order_paid"))[:4]
['amount_fen', 'event_id', 'order_id', 'product_id']
>>> parse_event({"event_id": "e1", "session_id": "s1", "ts": 1, "type": "live_start"}).values["ts"]
1
>>> parse_event({"event_id": "e1", "ts": "soon"}).problems
[('ts', 'expected an integer, got a string')]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

FieldType = Literal["string", "int64", "boolean"]

FIELDS: Final[dict[str, FieldType]] = {
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
"""Every field of the contract, in canonical order, with its JSON type."""

ID_FIELDS: Final = ("event_id", "session_id", "user_id", "product_id", "order_id")
"""Fields that must not be blank when present."""

SESSION_TYPES: Final = ("live_start", "live_end")
TRAFFIC_TYPES: Final = ("impression", "enter", "leave")
ENGAGEMENT_TYPES: Final = (
    "like",
    "comment",
    "share",
    "follow",
    "fans_club_join",
    "negative_feedback",
)
GOODS_TYPES: Final = ("product_impression", "product_click")
TRADE_TYPES: Final = ("order_created", "order_paid", "refund")
MARKER_TYPES: Final = ("explain_start", "explain_end", "marker")
EVENT_TYPES: Final = (
    (SESSION_TYPES + TRAFFIC_TYPES + ENGAGEMENT_TYPES + GOODS_TYPES + TRADE_TYPES)
    + ("ad_spend",)
    + MARKER_TYPES
)

VIEWER_TYPES: Final = (
    TRAFFIC_TYPES + ENGAGEMENT_TYPES + GOODS_TYPES + ("order_created", "order_paid")
)
"""Types done by a viewer, which therefore need `user_id` (a buyer is a viewer)."""

MARKER_KINDS: Final = ("coupon", "red_packet", "lucky_bag", "flash_sale", "violation", "note")
"""Known `kind`s of `marker`; another kind is kept as given and shown as a note."""

_BASE: Final = frozenset({"event_id", "session_id", "ts", "type"})
_EXTRA_REQUIRED: Final[dict[str, frozenset[str]]] = {
    "impression": frozenset({"user_id", "source"}),
    "enter": frozenset({"user_id", "source"}),
    "product_impression": frozenset({"user_id", "product_id"}),
    "product_click": frozenset({"user_id", "product_id"}),
    "order_created": frozenset({"user_id", "product_id", "order_id", "quantity", "amount_fen"}),
    "order_paid": frozenset({"user_id", "product_id", "order_id", "quantity", "amount_fen"}),
    "refund": frozenset({"order_id", "amount_fen"}),
    "ad_spend": frozenset({"amount_fen", "channel"}),
    "explain_start": frozenset({"product_id"}),
    "explain_end": frozenset({"product_id"}),
    "marker": frozenset({"kind"}),
}

REQUIRED: Final[dict[str, frozenset[str]]] = {
    kind: _BASE
    | _EXTRA_REQUIRED.get(kind, frozenset())
    | (frozenset({"user_id"}) if kind in VIEWER_TYPES else frozenset())
    for kind in EVENT_TYPES
}
"""For each event type, the fields it must carry."""

SOURCE_CLASSES: Final[dict[str, str]] = {
    "recommend": "natural",
    "live_square": "natural",
    "nearby": "natural",
    "search": "natural",
    "short_video": "natural",
    "follow": "private",
    "profile": "private",
    "private_share": "private",
    "paid_jinniu": "paid",
    "paid_fentiao": "paid",
    "other": "natural",
}
"""Default traffic sources and their class; an unknown code counts as `other` (natural)."""

SOURCE_NAMES: Final[dict[str, str]] = {
    "recommend": "推荐",
    "live_square": "直播广场",
    "nearby": "同城",
    "search": "搜索",
    "short_video": "短视频引流",
    "follow": "关注页",
    "profile": "个人主页/店铺",
    "private_share": "私信/群聊/分享",
    "paid_jinniu": "磁力金牛",
    "paid_fentiao": "粉条",
    "other": "其他",
}

SOURCE_CLASS_NAMES: Final = ("natural", "private", "paid")


def required_fields(event_type: str) -> frozenset[str]:
    """The fields an event of this type must carry (empty for an unknown type)."""
    return REQUIRED.get(event_type, frozenset())


def source_class(code: str, classes: Mapping[str, str] = SOURCE_CLASSES) -> str:
    """The class (natural / private / paid) of a traffic-source code."""
    return classes.get(code, classes.get("other", "natural"))


def _json_type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a fractional number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


_EXPECTED: Final[dict[FieldType, str]] = {
    "string": "a string",
    "int64": "an integer",
    "boolean": "true or false",
}
INT64_MAX: Final = 2**63 - 1


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    """The typed known fields of one JSON object, its unknown fields, and any type problems."""

    values: dict[str, object]
    extra: dict[str, object] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)


def parse_event(obj: Mapping[str, object]) -> ParsedEvent:
    """Type-check the known fields of one decoded JSON object (JSON types are strict).

    A JSON `null` is the same as an absent field. Whether required fields are present and
    values are in range is checked afterwards for whole batches at once.

    >>> for problem in parse_event({"ts": 1.0, "is_follower": 1, "mood": "happy"}).problems:
    ...     print(problem)
    ('ts', 'expected an integer, got a fractional number')
    ('is_follower', 'expected true or false, got an integer')
    >>> parse_event({"mood": "happy"}).extra
    {'mood': 'happy'}
    """
    values: dict[str, object] = {}
    problems: list[tuple[str, str]] = []
    for name, kind in FIELDS.items():
        value = obj.get(name)
        if value is None:
            values[name] = None
            continue
        ok = (
            (kind == "string" and isinstance(value, str))
            or (kind == "boolean" and isinstance(value, bool))
            or (kind == "int64" and isinstance(value, int) and not isinstance(value, bool))
        )
        if ok and kind == "int64" and not -INT64_MAX - 1 <= value <= INT64_MAX:  # type: ignore[operator]
            problems.append((name, f"integer {value} is out of range"))
        elif ok:
            values[name] = value
            continue
        else:
            problems.append((name, f"expected {_EXPECTED[kind]}, got {_json_type_name(value)}"))
        values[name] = None
    extra = {key: value for key, value in obj.items() if key not in FIELDS}
    return ParsedEvent(values, extra, problems)
