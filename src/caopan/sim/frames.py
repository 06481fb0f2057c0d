"""Turn a simulated session (arrays of codes) into Arrow tables of the canonical shape.

Vectorised with Arrow compute: ids are built by string kernels, not Python loops, so the
simulator can fill a platform-scale store.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caopan.domain.events import EVENT_TYPES, MARKER_KINDS
from caopan.ingest.ndjson import EVENT_SCHEMA
from caopan.sim import calibration as cal
from caopan.sim.room import (
    _MARKER_TEXTS,
    AD_CHANNELS,
    ROLES,
    SOURCE_CODES,
    TYPE,
    Events,
    Product,
    Room,
)

LIVE_EVENT_SCHEMA = EVENT_SCHEMA.append(pa.field("extra", pa.string())).append(
    pa.field("ingested_at", pa.int64())
)


def _coded(codes: np.ndarray, dictionary: Sequence[str]) -> pa.Array:
    """Codes into `dictionary` as strings; negative codes are nulls."""
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(
        indices, pa.array(list(dictionary), pa.string())
    ).dictionary_decode()


def _ids(prefix: str, numbers: np.ndarray, width: int = 0) -> pa.Array:
    """`prefix` + number (zero-padded to `width`); negative numbers are nulls."""
    text = pc.cast(pa.array(numbers, mask=numbers < 0), pa.string())
    if width:
        text = pc.utf8_lpad(text, width=width, padding="0")
    return pc.binary_join_element_wise(prefix, text, "")


def _nullable(values: np.ndarray, empty: int, dtype: pa.DataType) -> pa.Array:
    return pa.array(values, type=dtype, mask=values == empty)


def to_arrow(
    session_id: str, events: Events, products: Sequence[Product], ingested_at: int = 0
) -> pa.Table:
    """The session's events as rows of `live_events` (every contract field, in order)."""
    n = len(events)
    width = max(len(str(n)), 6)
    seq = np.arange(n, dtype=np.int64)
    texts = list(events.texts) + list(_MARKER_TEXTS)
    text_codes = np.where(events.text <= -2, len(events.texts) + (-2 - events.text), events.text)
    is_spend = events.type == TYPE["ad_spend"]
    columns = {
        "event_id": _ids(f"{session_id}-", seq, width),
        "session_id": _coded(np.zeros(n, np.int32), [session_id]),
        "ts": pa.array(events.ts, pa.int64()),
        "type": _coded(events.type.astype(np.int32), EVENT_TYPES),
        "user_id": _ids("u", events.user),
        "source": _coded(events.source.astype(np.int32), SOURCE_CODES),
        "is_follower": pa.array(events.follower == 1, pa.bool_(), mask=events.follower < 0),
        "product_id": _coded(events.product, [p.product_id for p in products] or [""]),
        "order_id": _ids(f"{session_id}-o", events.order, 5),
        "quantity": pa.array(events.quantity.astype(np.int64), mask=events.quantity == 0),
        "amount_fen": _nullable(events.amount, -1, pa.int64()),
        "channel": _coded(np.where(is_spend, events.kind, -1).astype(np.int32), AD_CHANNELS),
        "kind": _coded(np.where(is_spend, -1, events.kind).astype(np.int32), MARKER_KINDS),
        "text": _coded(text_codes.astype(np.int32), texts),
        "extra": pa.nulls(n, pa.string()),
        "ingested_at": pa.array(np.full(n, ingested_at, np.int64)),
    }
    return pa.Table.from_arrays(list(columns.values()), schema=LIVE_EVENT_SCHEMA)


def shelf_table(merchant_id: str, category: str, room: Room, seed: int) -> pa.Table:
    """The `products` rows of a room's shelf, for a merchant of `category`: names from the
    category's items, cost from its margin, a stock of 50–2,000 each (seeded)."""
    rng = np.random.default_rng([seed, 12])
    margin = cal.CATEGORIES[category].margin
    n = len(room.products)
    return pa.table(
        {
            "product_id": [p.product_id for p in room.products],
            "merchant_id": [merchant_id] * n,
            "name": [cal.item_name(category, k) for k in range(n)],
            "category": [category] * n,
            "price_fen": [p.price_fen for p in room.products],
            "cost_fen": [int(p.price_fen * (1 - margin)) for p in room.products],
            "stock": rng.integers(50, 2_000, n).tolist(),
            "role": [ROLES[p.role] for p in room.products],
            "cps_rate_ppm": (rng.integers(10, 31, n) * 10_000).tolist(),
            "in_alliance": [p.role <= 1 for p in room.products],
        }
    )
