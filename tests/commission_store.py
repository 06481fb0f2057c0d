"""A store with a provider, a merchant, sessions and orders, for commission tests.

Orders are written in the calculator's shape (one line each), so every test can compare what
the store gives with the store-free calculator on the very same orders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from caopan.app import App
from caopan.domain.clock import MS_PER_DAY, from_datetime
from caopan.domain.entities import Merchant, Provider
from caopan.engine.backend import Engine

DAY = MS_PER_DAY
OCT = from_datetime(datetime(2026, 10, 1))
"""2026-10-01 00:00 Beijing time."""


def parties(app: App, merchant: str = "m1", provider: str = "p1") -> None:
    app.add_provider(Provider(provider, "星火传媒"))
    app.add_merchant(Merchant(merchant, "好物旗舰店", "服饰", "爬坡", provider))


def order(
    oid: str,
    session: str,
    paid: int,
    paid_at: int,
    received_at: int | None = None,
    refunds: list[tuple[int, int]] | None = None,
    product: str = "p-1",
) -> dict[str, Any]:
    return {
        "order_id": oid,
        "session_id": session,
        "product_id": product,
        "paid_fen": paid,
        "paid_at": paid_at,
        "received_at": received_at,
        "refunds": [{"amount_fen": a, "at": at} for a, at in refunds or []],
    }


def store_orders(
    engine: Engine,
    orders: list[dict[str, Any]],
    *,
    merchant: str = "m1",
    provider: str = "p1",
    sessions: dict[str, int] | None = None,
    extra: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Write calculator-shaped orders (one line each), their refunds and their sessions.

    `extra` adds order-line columns per order id (`talent_rate_ppm`, `leader_rate_ppm`)."""
    started = dict(sessions or {})
    for o in orders:
        started[o["session_id"]] = min(started.get(o["session_id"], o["paid_at"]), o["paid_at"])
    engine.insert(
        "live_sessions",
        pa.table(
            {
                "session_id": list(started),
                "merchant_id": [merchant] * len(started),
                "provider_id": [provider] * len(started),
                "created_at": pa.array(list(started.values()), pa.int64()),
            }
        ),
    )
    if not orders:
        return
    extra = extra or {}
    ids = [o["order_id"] for o in orders]
    engine.insert(
        "orders",
        pa.table(
            {
                "order_id": ids,
                "merchant_id": [merchant] * len(orders),
                "session_id": [o["session_id"] for o in orders],
                "channel": [extra.get(i, {}).get("channel", "live") for i in ids],
                "paid_at": pa.array([o["paid_at"] for o in orders], pa.int64()),
                "received_at": pa.array([o["received_at"] for o in orders], pa.int64()),
                "paid_fen": pa.array([o["paid_fen"] for o in orders], pa.int64()),
            }
        ),
    )
    engine.insert(
        "order_lines",
        pa.table(
            {
                "order_id": ids,
                "line_no": pa.array([1] * len(orders), pa.int64()),
                "product_id": [o["product_id"] for o in orders],
                "paid_fen": pa.array([o["paid_fen"] for o in orders], pa.int64()),
                "after_sale_open": [bool(o.get("after_sale_open")) for o in orders],
                "talent_rate_ppm": pa.array(
                    [extra.get(i, {}).get("talent_rate_ppm") for i in ids], pa.int64()
                ),
                "leader_rate_ppm": pa.array(
                    [extra.get(i, {}).get("leader_rate_ppm") for i in ids], pa.int64()
                ),
            }
        ),
    )
    refunds = [(o["order_id"], k, r) for o in orders for k, r in enumerate(o["refunds"])]
    engine.insert(
        "refunds",
        pa.table(
            {
                "refund_id": [f"{oid}-{k:02d}" for oid, k, _ in refunds],
                "order_id": [oid for oid, _, _ in refunds],
                "line_no": pa.array([1] * len(refunds), pa.int64()),
                "amount_fen": pa.array([r["amount_fen"] for _, _, r in refunds], pa.int64()),
                "refunded_at": pa.array([r["at"] for _, _, r in refunds], pa.int64()),
            }
        ),
    )


def october_orders() -> list[dict[str, Any]]:
    """Two October sessions: estimates, a void order, a settled order clawed back in October."""
    s1, s2 = OCT + 2 * DAY, OCT + 10 * DAY
    return [
        order("A", "live-1", 19_900, s1, s1 + DAY),  # settles on day 10
        order("B", "live-1", 5_990, s1 + 1, s1 + DAY, [(4_000, s1 + 20 * DAY)]),  # clawback
        order("C", "live-1", 12_900, s1 + 2, None, [(12_900, s1 + DAY)]),  # void
        order("D", "live-2", 3_333, s2, None, [(1_000, s2 + DAY)]),  # estimated, base 2333
        order("E", "live-2", 250_000, s2 + 5, s2 + 14 * DAY),  # pending at the as_of below
    ]


OCTOBER_AS_OF = OCT + 25 * DAY
