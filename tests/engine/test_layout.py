"""`caopan db optimize`: orders and lines clustered by merchant, every line given its order's
merchant, no row and no figure changed; older stores gain the new column."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
from tests.engine import diagnosis_oracle as oracle

from caopan.domain.errors import InvalidInput
from caopan.domain.stages import Thresholds
from caopan.engine.backend import Engine, connect
from caopan.engine.diagnosis import diagnose_many, span_of
from caopan.engine.indicators import merchant_scope, sums
from caopan.engine.layout import Optimized, optimize


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    return list(engine.con.con.execute(sql).fetchall())


def _store(tmp_path: Path, seed: int = 1) -> tuple[Engine, dict[str, list[dict[str, object]]]]:
    engine = connect(f"duckdb:///{tmp_path / 'store.duckdb'}")
    data = oracle.build(seed)
    # appended as a store grows: day by day, every merchant mixed
    data["orders"].sort(key=lambda o: (o["paid_at"], o["order_id"]))
    oracle.load(engine, data)
    return engine, data


def test_optimize_clusters_by_merchant_and_tags_every_line(tmp_path: Path) -> None:
    engine, data = _store(tmp_path)
    orders_before = Counter(_rows(engine, "SELECT * FROM orders"))
    lines_before = _rows(engine, "SELECT * FROM order_lines")
    untagged = sum(1 for li in data["order_lines"] if li["merchant_id"] is None)
    assert untagged > 0

    done = optimize(engine)

    assert done.orders == len(data["orders"]) and done.order_lines == len(lines_before)
    assert done.lines_tagged == untagged
    assert Counter(_rows(engine, "SELECT * FROM orders")) == orders_before
    merchant_of = {o["order_id"]: o["merchant_id"] for o in data["orders"]}
    columns = [c for c in engine.table("order_lines").columns if c != "merchant_id"]
    tagged = Counter((*row[:-1], merchant_of[row[0]]) for row in lines_before)
    select = f"SELECT {', '.join(columns)}, merchant_id FROM order_lines"
    assert Counter(_rows(engine, select)) == tagged
    # stored in the order of the key: the rows come back sorted without an ORDER BY
    stored = _rows(engine, "SELECT merchant_id, paid_at FROM orders")
    assert stored == sorted(stored)
    stored_lines = _rows(engine, "SELECT merchant_id FROM order_lines")
    assert stored_lines == sorted(stored_lines)
    engine.close()


def test_optimize_changes_no_figure(tmp_path: Path) -> None:
    engine, _ = _store(tmp_path, seed=2)
    span = span_of(oracle.AS_OF, oracle.WINDOW)
    before = diagnose_many(engine, oracle.AS_OF, oracle.WINDOW, Thresholds())
    with merchant_scope(engine, span, "m0") as scope:
        one_before = sums(engine, span, ["m0"], scope=scope)
    optimize(engine)
    assert optimize(engine).lines_tagged == 0  # a second run finds nothing to tag
    assert diagnose_many(engine, oracle.AS_OF, oracle.WINDOW, Thresholds()) == before
    with merchant_scope(engine, span, "m0") as scope:
        assert sums(engine, span, ["m0"], scope=scope) == one_before
    engine.close()


def test_optimize_keeps_the_session_setting(tmp_path: Path) -> None:
    engine, _ = _store(tmp_path)
    engine.con.con.execute("SET preserve_insertion_order = false")
    optimize(engine)
    setting = _rows(engine, "SELECT current_setting('preserve_insertion_order')")
    assert setting == [(False,)]
    engine.close()


def test_optimize_is_refused_off_duckdb(engine: Engine) -> None:
    if engine.kind == "duckdb":  # an empty DuckDB store: laid out, nothing to rewrite
        assert optimize(engine) == Optimized(0, 0, 0)
        return
    with pytest.raises(InvalidInput, match="DuckDB store"):
        optimize(engine)


def test_an_older_store_gains_the_line_merchant_column(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        """CREATE TABLE order_lines (order_id VARCHAR, line_no BIGINT, product_id VARCHAR,
        sku VARCHAR, quantity BIGINT, unit_price_fen BIGINT, paid_fen BIGINT,
        after_sale_open BOOLEAN, talent_rate_ppm BIGINT, leader_rate_ppm BIGINT)"""
    )
    con.execute("INSERT INTO order_lines VALUES ('o1', 1, 'p', NULL, 1, 100, 100, false, 0, 0)")
    con.close()
    engine = connect(f"duckdb:///{path}")
    assert engine.table("order_lines").columns[-1] == "merchant_id"
    assert _rows(engine, "SELECT order_id, paid_fen, merchant_id FROM order_lines") == [
        ("o1", 100, None)
    ]
    engine.close()
