"""A random store of orders, lines and refunds, and the indicators computed in plain Python
over the same rows (the independent computation the engine is checked against)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

from caopan.domain.clock import MS_PER_DAY, day_start_ms
from caopan.engine.backend import Engine

HOUR = 3_600_000
START = date(2026, 3, 1)
DAYS = 150
AS_OF = date(2026, 7, 28)
WINDOW = 30


def build(seed: int, merchants: int = 7) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    orders, lines, refunds, products, ms = [], [], [], [], []
    for m in range(merchants):
        mid = f"m{m}"
        ms.append({"merchant_id": mid, "name": mid, "category": "食品", "stage": "爬坡"})
        n_products = rng.randint(3, 12)
        for p in range(n_products + 2):
            products.append({"product_id": f"{mid}-p{p}", "merchant_id": mid})
        buyers = [f"{mid}-b{b}" for b in range(rng.randint(5, 40))]
        for k in range(rng.randint(20, 160)):
            oid = f"{mid}-o{k}"
            paid = day_start_ms(START) + rng.randrange(DAYS * MS_PER_DAY)
            channel = rng.choice(["self", "distribution", "shelf", None])
            shipped = paid + rng.randrange(80) * HOUR if rng.random() < 0.9 else None
            orders.append(
                {
                    "order_id": oid,
                    "merchant_id": mid,
                    "buyer_id": rng.choice(buyers) if rng.random() < 0.95 else None,
                    "channel": channel,
                    "talent_id": rng.choice(["t1", "t2", "t3"])
                    if channel == "distribution"
                    else None,
                    "paid_at": paid,
                    "shipped_at": shipped,
                    "paid_fen": 0,
                    "freight_fen": 500,
                }
            )
            total = 0
            for line in range(1, rng.randint(1, 3) + 1):
                fen = rng.randint(100, 30_000)
                total += fen
                lines.append(
                    {
                        "order_id": oid,
                        "line_no": line,
                        "product_id": f"{mid}-p{rng.randrange(n_products)}",
                        "quantity": 1,
                        "unit_price_fen": fen,
                        "paid_fen": fen,
                        # a line carries its order's merchant, except some (an older writer)
                        "merchant_id": None if (k + line) % 4 == 0 else mid,
                    }
                )
                if rng.random() < 0.15:
                    refunds.append(
                        {
                            "refund_id": f"{oid}-r{line}",
                            "order_id": oid,
                            "line_no": line,
                            "amount_fen": rng.randint(1, fen),
                            "refunded_at": paid + rng.randrange(10 * MS_PER_DAY),
                            "reason": rng.choice(["质量问题", "不想要了", "尺码不合适", None]),
                        }
                    )
            orders[-1]["paid_fen"] = total + 500
    return {
        "merchants": ms,
        "orders": orders,
        "order_lines": lines,
        "refunds": refunds,
        "products": products,
    }


def load(engine: Engine, data: dict[str, list[dict[str, Any]]]) -> None:
    for table, rows in data.items():
        if rows:
            engine.insert(table, pa.Table.from_pylist(rows))


def expected(data: dict[str, list[dict[str, Any]]], as_of: date, window: int) -> dict[str, Any]:
    """Indicators of every merchant for the window ending `as_of`, in plain Python."""
    end = day_start_ms(as_of + timedelta(days=1))
    start = end - window * MS_PER_DAY
    look = start - 90 * MS_PER_DAY
    line_fen: dict[str, int] = defaultdict(int)
    for li in data["order_lines"]:
        line_fen[li["order_id"]] += li["paid_fen"]
    out: dict[str, Any] = {}
    for m in data["merchants"]:
        mid = m["merchant_id"]
        mine = [o for o in data["orders"] if o["merchant_id"] == mid]
        cur = [o for o in mine if start <= o["paid_at"] < end]
        ids = {o["order_id"] for o in cur}
        gmv = sum(line_fen[o["order_id"]] for o in cur)
        buyers = {o["buyer_id"] for o in cur if o["buyer_id"] is not None}
        before = {o["buyer_id"] for o in mine if look <= o["paid_at"] < start}
        returning = buyers & before
        per_product: dict[str, int] = defaultdict(int)
        for li in data["order_lines"]:
            if li["order_id"] in ids:
                per_product[li["product_id"]] += li["paid_fen"]
        top5 = sum(sorted(per_product.values(), reverse=True)[:5])
        all_ids = {o["order_id"] for o in mine}
        refunded = sum(
            r["amount_fen"]
            for r in data["refunds"]
            if r["order_id"] in all_ids and start <= r["refunded_at"] < end
        )
        due = [o for o in cur if o["paid_at"] <= end - 48 * HOUR]
        fast = [
            o
            for o in due
            if o["shipped_at"] is not None and o["shipped_at"] - o["paid_at"] <= 48 * HOUR
        ]
        by_channel: dict[str | None, int] = defaultdict(int)
        for o in cur:
            by_channel[o["channel"]] += line_fen[o["order_id"]]
        out[mid] = {
            "gmv_fen": gmv,
            "orders": len(cur),
            "skus_sold": len(per_product),
            "buyers": len(buyers),
            "returning_buyers": len(returning),
            "new_buyers": len(buyers) - len(returning),
            "repurchase_rate": len(returning) / len(buyers) if buyers else None,
            "top5_sku_share": top5 / gmv if gmv else None,
            "refund_rate": refunded / gmv if gmv else None,
            "ship_48h_rate": len(fast) / len(due) if due else None,
            "self_broadcast_share": by_channel["self"] / gmv if gmv else None,
            "distribution_share": by_channel["distribution"] / gmv if gmv else None,
            "shelf_share": by_channel["shelf"] / gmv if gmv else None,
            "avg_order_value_fen": round(gmv / len(cur)) if cur else None,
        }
    return out
