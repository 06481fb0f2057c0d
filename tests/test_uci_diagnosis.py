"""The UCI Online Retail log (541,909 rows) imported by the real CLI as one merchant's order
history and diagnosed by the real CLI, against the goods and people figures computed here
straight from the CSV in plain Python (issue 7, "Real data").

The conventions are the documented ones (docs/imports.md, docs/diagnosis.md): InvoiceDate is a
Beijing wall time, so a window's days are the dates InvoiceDate shows; a line's amount is
Quantity × UnitPrice rounded half-up (away from zero) to the fen; the non-product codes are out
of GMV; an invoice starting with C is a cancellation: its goods rows are refunds dated at its
InvoiceDate, and it is not a paid order; every other invoice is a paid order; a buyer is a
CustomerID; ratios are plain quotients, the average order value rounded to the fen.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from caopan.domain.entities import STAGES
from caopan.domain.indicators import INDICATORS
from caopan.ingest.mappings import load_mapping

UCI = Path(__file__).parents[2] / "shared/external-data/online_retail_uci/online_retail_uci.csv.gz"
CAOPAN = str(Path(sys.executable).parent / "caopan")
MERCHANT = "uci-online-retail"
LAST_DAY = date(2011, 12, 9)  # the log's last day
WINDOW = 30
LOOKBACK = 90
NON_PRODUCT = {"POST", "DOT", "C2", "M", "m", "D", "S", "B", "BANK CHARGES", "AMAZONFEE"}
NON_PRODUCT |= {"CRUK", "PADS"}  # as docs/imports.md lists them
COLUMNS = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not UCI.exists(), reason="the UCI Online Retail file is not here"),
]


@dataclass
class Log:
    """The file read once: invoices (first time, customer), goods lines, cancellations."""

    invoice_day: dict[str, date] = field(default_factory=dict)
    invoice_customer: dict[str, str | None] = field(default_factory=dict)
    lines: list[tuple[str, str, int]] = field(default_factory=list)  # invoice, product, fen
    refunds: list[tuple[date, int]] = field(default_factory=list)  # day, fen


@cache
def fen(quantity: str, price: str) -> int:
    return int((Decimal(quantity) * Decimal(price) * 100).quantize(Decimal(1), ROUND_HALF_UP))


def read_log() -> Log:
    log = Log()
    first: dict[str, str] = {}
    with gzip.open(UCI, "rt", encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        assert next(rows) == COLUMNS
        for invoice, code, _, quantity, when, price, customer_id, _ in rows:
            amount = fen(quantity, price)
            if invoice.startswith("C"):
                if code not in NON_PRODUCT:
                    log.refunds.append((date.fromisoformat(when[:10]), abs(amount)))
                continue
            if invoice not in first or when < first[invoice]:
                first[invoice] = when
            customer = customer_id.removesuffix(".0") or None
            if customer is not None:
                log.invoice_customer[invoice] = min(
                    customer, log.invoice_customer.get(invoice) or customer
                )
            else:
                log.invoice_customer.setdefault(invoice, None)
            if code not in NON_PRODUCT:
                log.lines.append((invoice, code, amount))
    log.invoice_day = {i: date.fromisoformat(t[:10]) for i, t in first.items()}
    return log


def figures(log: Log, last: date, days: int, seen_days: int) -> dict[str, Any]:
    """The window of `days` days ending `last`, computed from the file's rows alone; a product
    is new when it sold nothing in the `seen_days` before the window (the history the
    diagnosis reads: the previous window and the 90 days before it for the current window,
    90 days for the previous one)."""
    start = last - timedelta(days=days - 1)
    history = start - timedelta(days=LOOKBACK)
    in_window = {i for i, d in log.invoice_day.items() if start <= d <= last}
    before = {i for i, d in log.invoice_day.items() if history <= d < start}
    new_since = start - timedelta(days=seen_days)
    earlier = {i for i, d in log.invoice_day.items() if new_since <= d < start}
    last_window = {
        i for i, d in log.invoice_day.items() if start - timedelta(days=days) <= d < start
    }
    last_fen: dict[str, int] = defaultdict(int)
    per_product: dict[str, int] = defaultdict(int)
    earlier_fen: dict[str, int] = defaultdict(int)
    gmv = 0
    sold = set()
    for invoice, product, amount in log.lines:
        if invoice in in_window:
            gmv += amount
            per_product[product] += amount
            sold.add(product)
        elif invoice in earlier:
            earlier_fen[product] += amount
        if invoice in last_window:
            last_fen[product] += amount
    selling = sorted((v for v in per_product.values() if v > 0), reverse=True)
    buyers = {log.invoice_customer[i] for i in in_window} - {None}
    returning = buyers & ({log.invoice_customer[i] for i in before} - {None})
    listed = {p for _, p, _ in log.lines}  # every product the import has seen
    refunded = sum(a for d, a in log.refunds if start <= d <= last)
    orders = len(in_window)
    new_fen = sum(v for p, v in per_product.items() if v > 0 and earlier_fen.get(p, 0) == 0)
    return {
        "gmv_fen": gmv,
        "orders": orders,
        "skus_sold": len(selling),
        "top5_sku_share": sum(selling[:5]) / gmv,
        "hero_skus": sum(1 for v in selling if v * 10 >= gmv),
        "rising_skus": sum(
            1 for p, v in per_product.items() if v > 0 and last_fen[p] * 2 <= v and v * 100 >= gmv
        ),
        "new_product_share": new_fen / gmv,
        "dead_sku_share": len(listed - sold) / len(listed),
        "buyers": len(buyers),
        "returning_buyers": len(returning),
        "new_buyers": len(buyers - returning),
        "repurchase_rate": len(returning) / len(buyers),
        "new_buyer_share": len(buyers - returning) / len(buyers),
        "avg_order_value_fen": round(gmv / orders),
        "orders_per_buyer": orders / len(buyers),
        "refund_rate": refunded / gmv,
        "sale_days": len({log.invoice_day[i] for i in in_window}),
    }


def caopan(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAOPAN_DB": str(db)}
    return subprocess.run(
        [CAOPAN, *args], capture_output=True, text=True, timeout=900, check=False, env=env
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file imported with the real CLI into a DuckDB file, once."""
    db = tmp_path_factory.mktemp("uci") / "uci.duckdb"
    imported = caopan(db, "import", str(UCI), "--mapping", MERCHANT, "--json")
    assert imported.returncode == 0, imported.stderr
    (summary,) = json.loads(imported.stdout)
    assert summary["rows_read"] == summary["rows_imported"] == 541_909
    return db


@pytest.fixture(scope="module")
def diagnosed(store: Path) -> dict[str, Any]:
    run = caopan(store, "diagnose", MERCHANT, "--as-of", LAST_DAY.isoformat(), "--json")
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


@pytest.fixture(scope="module")
def log() -> Log:
    return read_log()


def test_the_documented_non_product_codes_are_the_mappings() -> None:
    assert set(load_mapping(MERCHANT).options["non_product"]) == NON_PRODUCT  # type: ignore[call-overload]


def test_goods_and_people_equal_an_independent_computation(
    diagnosed: dict[str, Any], log: Log
) -> None:
    assert diagnosed["window"] == {"from": "2011-11-10", "to": "2011-12-09", "days": WINDOW}
    assert diagnosed["previous_window"] == {"from": "2011-10-11", "to": "2011-11-09"}
    now = figures(log, LAST_DAY, WINDOW, WINDOW + LOOKBACK)
    before = figures(log, LAST_DAY - timedelta(days=WINDOW), WINDOW, LOOKBACK)
    found = diagnosed["indicators"]
    for key in now.keys() - {"sale_days", "rising_skus"}:
        assert (found[key]["value"], found[key]["previous"]) == (now[key], before[key]), key
    assert (found["rising_skus"]["value"], found["rising_skus"]["previous"]) == (
        now["rising_skus"],
        None,  # rising is said of the current window only
    )


def test_live_shipping_channel_and_ad_indicators_are_unknown(diagnosed: dict[str, Any]) -> None:
    unknown = {i.id for i in INDICATORS if i.needs in ("live", "ads", "shipping", "channel")}
    assert {"sessions", "live_hours", "gpm_fen", "room_roi", "ship_48h_rate"} <= unknown
    assert {"natural_traffic_share", "paid_traffic_share", "follower_buyer_share"} <= unknown
    for key in unknown:
        assert diagnosed["indicators"][key]["value"] is None, key
        assert diagnosed["indicators"][key]["previous"] is None, key
    assert set(diagnosed["unknown"]) == unknown
    assert diagnosed["category"] is None and diagnosed["peers_note"] is not None


def test_stage_and_findings_follow_from_the_figures(diagnosed: dict[str, Any], log: Log) -> None:
    from caopan.domain.stages import StageInput, Thresholds, classify

    now = figures(log, LAST_DAY, WINDOW, WINDOW + LOOKBACK)
    before = figures(log, LAST_DAY - timedelta(days=WINDOW), WINDOW, LOOKBACK)
    growth = (now["gmv_fen"] - before["gmv_fen"]) / before["gmv_fen"]
    stage = classify(
        StageInput(now["gmv_fen"], now["orders"], growth, None, float(now["sale_days"])),
        Thresholds(),
    )
    assert diagnosed["stage"] == stage and stage in STAGES
    rules = {f["rule"] for f in diagnosed["findings"]}
    assert ("growth" in rules) == (growth >= 0.3 and now["refund_rate"] <= 0.4)
    assert not rules & {"low_gpm", "paid_not_converting", "slow_shipping", "fragile_base"}
    for f in diagnosed["findings"]:
        assert f["severity"] in ("red", "amber", "green") and f["message_zh"] and f["message_en"]
    assert len(diagnosed["top_actions"]) <= 3


def test_the_page_and_the_workbook_are_written(store: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    page, book = tmp_path / "uci.html", tmp_path / "uci.xlsx"
    day = LAST_DAY.isoformat()
    run = caopan(
        store, "diagnose", MERCHANT, "--as-of", day, "--html", str(page), "--xlsx", str(book)
    )
    assert run.returncode == 0, run.stderr
    text = page.read_text(encoding="utf-8")
    assert "未知 unknown" in text and "uci-online-retail" in text
    assert len(load_workbook(book).sheetnames) > 1
