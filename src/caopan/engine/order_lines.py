"""The calculator's order lines, checked where they enter and turned into Arrow tables.

Each line (one JSON object of the calculator's NDJSON) has `order_id`, `session_id`,
`product_id`, `paid_fen`, `paid_at` (epoch ms), `received_at` (epoch ms or null), `refunds`
(a list of `{"amount_fen", "at"}`) and optionally `after_sale_open` (default false). Amounts
and instants must be integers (never floats), amounts non-negative, `order_id`s unique;
unknown fields are refused so a misspelt field cannot silently change a result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import pyarrow as pa

from caopan.domain.clock import month_bounds
from caopan.domain.errors import InvalidInput
from caopan.domain.ids import check_id

FIELDS: Final = (
    "order_id",
    "session_id",
    "product_id",
    "paid_fen",
    "paid_at",
    "received_at",
    "refunds",
    "after_sale_open",
)
REQUIRED: Final = ("order_id", "session_id", "paid_fen", "paid_at")

LAST_INSTANT: Final = month_bounds("2100-02")[0] - 1
"""Instants run from 1970 to the end of January 2100 (the engine's calendar arithmetic)."""

_LINES = pa.schema(
    [
        ("line_id", pa.string()),
        ("order_id", pa.string()),
        ("session_id", pa.string()),
        ("product_id", pa.string()),
        ("paid_fen", pa.int64()),
        ("paid_at", pa.int64()),
        ("received_at", pa.int64()),
        ("after_sale_open", pa.bool_()),
    ]
)
_REFUNDS = pa.schema(
    [
        ("line_id", pa.string()),
        ("refund_id", pa.string()),
        ("amount_fen", pa.int64()),
        ("at", pa.int64()),
    ]
)


def _integer(where: str, name: str, value: object, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{where}: {name} must be an integer, not {value!r}")
    if minimum is not None and value < minimum:
        raise InvalidInput(f"{where}: {name} must be at least {minimum}, not {value}")
    return value


def _instant(where: str, name: str, value: object) -> int:
    ms = _integer(where, name, value, minimum=0)
    if ms > LAST_INSTANT:
        raise InvalidInput(f"{where}: {name} must be before 2100-02-01 (epoch ms), not {ms}")
    return ms


def _refunds(where: str, value: object) -> list[tuple[int, int]]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"{where}: refunds must be a list of {{amount_fen, at}}")
    out = []
    for k, refund in enumerate(value):
        here = f"{where} refunds[{k}]"
        if not isinstance(refund, Mapping):
            raise InvalidInput(f"{here} must be an object {{amount_fen, at}}")
        unknown = set(refund) - {"amount_fen", "at"}
        if unknown or "amount_fen" not in refund or "at" not in refund:
            raise InvalidInput(f"{here} must have exactly amount_fen and at")
        amount = _integer(here, "amount_fen", refund["amount_fen"], minimum=0)
        out.append((amount, _instant(here, "at", refund["at"])))
    return out


def calculator_tables(lines: Sequence[Mapping[str, object]]) -> tuple[pa.Table, pa.Table]:
    """Check the calculator's order lines; return the line and refund tables of
    `caopan.engine.commission_lines` (a line's `line_id` is its `order_id`)."""
    if isinstance(lines, Mapping | str | bytes):
        raise InvalidInput("order lines must be a list of objects")
    cols: dict[str, list[object]] = {name: [] for name in _LINES.names}
    refund_cols: dict[str, list[object]] = {name: [] for name in _REFUNDS.names}
    seen: set[str] = set()
    for i, line in enumerate(lines):
        where = f"order line {i + 1}"
        if not isinstance(line, Mapping):
            raise InvalidInput(f"{where} must be an object")
        unknown = sorted(str(k) for k in line if k not in FIELDS)
        if unknown:
            raise InvalidInput(f"{where}: unknown fields {unknown}; known: {', '.join(FIELDS)}")
        missing = [name for name in REQUIRED if line.get(name) is None]
        if missing:
            raise InvalidInput(f"{where}: missing {', '.join(missing)}")
        order_id = check_id("order", line["order_id"])  # type: ignore[arg-type]
        if order_id in seen:
            raise InvalidInput(f"{where}: order {order_id} is listed twice")
        seen.add(order_id)
        where = f"order {order_id}"
        product = line.get("product_id")
        received = line.get("received_at")
        after_sale = line.get("after_sale_open", False)
        if not isinstance(after_sale, bool):
            raise InvalidInput(f"{where}: after_sale_open must be true or false")
        cols["line_id"].append(order_id)
        cols["order_id"].append(order_id)
        cols["session_id"].append(check_id("session", line["session_id"]))  # type: ignore[arg-type]
        cols["product_id"].append(None if product is None else check_id("product", product))  # type: ignore[arg-type]
        cols["paid_fen"].append(_integer(where, "paid_fen", line["paid_fen"], minimum=0))
        cols["paid_at"].append(_instant(where, "paid_at", line["paid_at"]))
        cols["received_at"].append(
            None if received is None else _instant(where, "received_at", received)
        )
        cols["after_sale_open"].append(after_sale)
        for k, (amount, at) in enumerate(_refunds(where, line.get("refunds"))):
            refund_cols["line_id"].append(order_id)
            refund_cols["refund_id"].append(f"{k:06d}")
            refund_cols["amount_fen"].append(amount)
            refund_cols["at"].append(at)
    return (
        pa.table({n: pa.array(cols[n], _LINES.field(n).type) for n in _LINES.names}),
        pa.table({n: pa.array(refund_cols[n], _REFUNDS.field(n).type) for n in _REFUNDS.names}),
    )
