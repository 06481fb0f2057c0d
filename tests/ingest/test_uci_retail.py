"""The UCI Online Retail log through `--mapping uci-online-retail`, against the published
aggregates (SOURCE.md) and against DuckDB reading the same file on its own."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from caopan.app import App
from caopan.ingest.imports import Request
from caopan.ingest.mappings import load_mapping

UCI = Path(__file__).parents[3] / "shared/external-data/online_retail_uci/online_retail_uci.csv.gz"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not UCI.exists(), reason="the UCI Online Retail file is not here"),
]


def file_figures() -> tuple[int, int, int, int]:
    """Rows, goods GMV in fen (non-cancelled invoices, product codes only), customers with a
    non-cancelled invoice, and goods rows of cancellations, read from the file by DuckDB alone."""
    codes = list(load_mapping("uci-online-retail").options["non_product"])  # type: ignore[call-overload]
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{UCI}', all_varchar = true)")
    (n,) = con.execute("SELECT count(*) FROM t").fetchone()  # type: ignore[misc]
    (gmv,) = con.execute(
        "SELECT sum(CAST(Quantity AS BIGINT) * CAST(CAST(UnitPrice AS DECIMAL(18, 2)) * 100 "
        "AS BIGINT)) FROM t WHERE NOT starts_with(InvoiceNo, 'C') AND list_contains(?, "
        "StockCode) IS NOT true",
        [codes],
    ).fetchone()  # type: ignore[misc]
    (customers,) = con.execute(
        "SELECT count(DISTINCT CustomerID) FROM t WHERE NOT starts_with(InvoiceNo, 'C')"
    ).fetchone()  # type: ignore[misc]
    (cancelled,) = con.execute(
        "SELECT count(*) FROM t WHERE starts_with(InvoiceNo, 'C') AND NOT list_contains(?, "
        "StockCode)",
        [codes],
    ).fetchone()  # type: ignore[misc]
    return int(n), int(gmv), int(customers), int(cancelled)


def test_uci_online_retail_imports_with_the_published_aggregates(tmp_path: Path) -> None:
    rows, gmv, customers, cancelled = file_figures()
    assert (rows, customers) == (541_909, 4_339)
    with App(f"duckdb:///{tmp_path / 'uci.duckdb'}") as app:
        (report,) = app.import_files([UCI], Request(mapping="uci-online-retail"))
        assert report.refused is None
        assert report.rows_read == 541_909
        assert report.rows_read == report.rows_imported + report.rows_quarantined
        assert app.quarantine_count() == report.rows_quarantined
        assert report.gmv_fen == gmv
        con = app.engine.con.con
        assert con.execute(
            "SELECT count(DISTINCT buyer_id) FROM orders WHERE status IS DISTINCT FROM 'cancelled'"
        ).fetchone() == (4_339,)
        assert con.execute("SELECT sum(paid_fen) FROM order_lines").fetchone() == (gmv,)
        assert con.execute("SELECT DISTINCT merchant_id FROM orders").fetchall() == [
            ("uci-online-retail",)
        ]
        reported = {item["product_id"]: item for item in report.non_product}
        assert {"POST", "DOT", "M", "D", "BANK CHARGES", "AMAZONFEE"} <= set(reported)
        assert con.execute(
            "SELECT count(*) FROM refunds WHERE starts_with(order_id, 'C')"
        ).fetchone() == (cancelled,)
        (again,) = app.import_files([UCI], Request(mapping="uci-online-retail"))
        assert (again.new, again.changed, again.unchanged) == (0, 0, 541_909)
