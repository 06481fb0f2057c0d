"""The breakdowns of one merchant's page (products, price bands, refund reasons, daily GMV)
against a plain-Python computation over the same rows, on every engine."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
from tests.engine import diagnosis_oracle as oracle

from caopan.domain.clock import MS_PER_DAY, day_start_ms, shanghai_date
from caopan.domain.segments import PRICE_BANDS, price_band
from caopan.engine.backend import Engine
from caopan.engine.diagnosis import span_of
from caopan.engine.diagnosis_details import details
from caopan.engine.indicators import price_band_of

BOUNDARIES = [None, -1, 0, 4_999, 5_000, 9_999, 10_000, 19_999, 20_000, 49_999, 50_000, 80_000]


def _data() -> dict[str, list[dict[str, Any]]]:
    """The oracle's store, with some lines known by SKU alone, unit prices on every band's
    edges and refunds dated before their order's window."""
    data = oracle.build(1)
    for k, line in enumerate(data["order_lines"]):
        line["sku"] = None
        if k % 7 == 0:
            line["product_id"], line["sku"] = None, f"sku-{k % 3}"
        if k % 5 == 0:
            line["unit_price_fen"] = BOUNDARIES[k % len(BOUNDARIES)]
    for k, refund in enumerate(data["refunds"]):
        if k % 6 == 0:
            refund["refunded_at"] -= 40 * MS_PER_DAY
    return data


def _expected(data: dict[str, list[dict[str, Any]]], mid: str) -> dict[str, Any]:
    end = day_start_ms(oracle.AS_OF + timedelta(days=1))
    start = end - oracle.WINDOW * MS_PER_DAY
    prev_start = start - oracle.WINDOW * MS_PER_DAY
    history = prev_start - 90 * MS_PER_DAY
    mine = [o for o in data["orders"] if o["merchant_id"] == mid]
    period = {}
    for o in mine:
        if start <= o["paid_at"] < end:
            period[o["order_id"]] = "cur"
        elif prev_start <= o["paid_at"] < start:
            period[o["order_id"]] = "prev"
        elif history <= o["paid_at"] < prev_start:
            period[o["order_id"]] = "hist"
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    bands = {b: {"gmv_fen": 0, "lines": 0} for b, _, _ in PRICE_BANDS}
    product_of = {}
    for line in data["order_lines"]:
        p = period.get(line["order_id"])
        if p is None:
            continue
        key = line["product_id"] or line["sku"]
        product_of[(line["order_id"], line["line_no"])] = key
        if p == "cur":
            per[key]["gmv_fen"] += line["paid_fen"]
            per[key]["orders"] += 1
            band = bands[price_band(line["unit_price_fen"])]
            band["gmv_fen"] += line["paid_fen"]
            band["lines"] += 1
        elif p == "prev":
            per[key]["previous_fen"] += line["paid_fen"]
    reasons: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ids = {o["order_id"] for o in mine}
    for r in data["refunds"]:
        if r["order_id"] in ids and start <= r["refunded_at"] < end:
            reason = reasons[r["reason"] or "未知 unknown"]
            reason["refund_fen"] += r["amount_fen"]
            reason["refunds"] += 1
            key = product_of.get((r["order_id"], r["line_no"]))
            if (r["order_id"], r["line_no"]) in product_of:
                per[key]["refund_fen"] += r["amount_fen"]
    products = {
        k: (v["gmv_fen"], v["previous_fen"], v["orders"], v["refund_fen"])
        for k, v in per.items()
        if v["gmv_fen"] > 0 or v["previous_fen"] > 0
    }
    daily: dict[str, int] = defaultdict(int)
    for o in mine:
        if period.get(o["order_id"]) in ("cur", "prev"):
            daily[shanghai_date(o["paid_at"]).isoformat()] += o["paid_fen"] - o["freight_fen"]
    return {
        "products": products,
        "price_bands": [{"band": b, **v} for b, v in bands.items()],
        "refund_reasons": {k: dict(v) for k, v in reasons.items()},
        "daily": dict(daily),
    }


def test_page_breakdowns_equal_plain_python(engine: Engine) -> None:
    data = _data()
    oracle.load(engine, data)
    span = span_of(oracle.AS_OF, oracle.WINDOW)
    for mid in ("m0", "m3", "m6"):
        got = details(engine, mid, span)
        want = _expected(data, mid)
        products = {
            r["product"]: (r["gmv_fen"], r["previous_fen"], r["orders"], r["refund_fen"])
            for r in got["products"]
        }
        assert products == want["products"], mid
        gmv = [r["gmv_fen"] for r in got["products"]]
        assert gmv == sorted(gmv, reverse=True)
        assert got["price_bands"] == want["price_bands"], mid
        reasons = {r["reason"]: {"refund_fen": r["refund_fen"], "refunds": r["refunds"]}
                   for r in got["refund_reasons"]}  # fmt: skip
        assert reasons == want["refund_reasons"], mid
        assert {r["day"]: r["gmv_fen"] for r in got["daily"]} == want["daily"], mid


@pytest.mark.parametrize("price", BOUNDARIES)
def test_the_price_band_in_sql_is_the_domain_band(engine: Engine, price: int | None) -> None:
    import ibis

    expr = price_band_of(ibis.literal(price, "int64"))
    assert engine.con.execute(expr) == price_band(price)
