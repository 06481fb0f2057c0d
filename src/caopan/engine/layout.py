"""The store's layout on disk: orders and their lines clustered by merchant (`caopan db optimize`).

A store is appended to in time order, so one merchant's orders are spread over every row group
of `orders` and `order_lines`, and a one-merchant query decompresses the whole columns it
reads. `optimize` rewrites both tables sorted by merchant (orders then by the instant paid):
DuckDB keeps a min/max of every column per row group of about 122,880 rows,
and a filter on `merchant_id` then skips every row group of the other merchants. It first
gives the order lines stored without a merchant their order's (`order_lines.merchant_id` is
denormalised: every writer fills it, but lines written by an older version carry none).

Rows appended after an optimisation go to new row groups at the end, which every merchant's
query reads again: run it again when a good part of the store is new (after a day's or a
week's imports). The rows, and so every figure computed from them, are unchanged; only their
order on disk is. Each table is rewritten in one transaction: an interrupted run leaves the
store as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from caopan.domain.errors import InvalidInput
from caopan.engine.backend import Engine

ORDER_KEY = "merchant_id NULLS LAST, paid_at NULLS LAST"
"""The order `orders` is rewritten in: by merchant, then by the instant paid (a window's
filter then skips the older row groups of a large merchant too)."""
LINE_KEY = "merchant_id NULLS LAST"
"""The order `order_lines` is rewritten in (a merchant's lines are read together)."""


@dataclass(frozen=True, slots=True)
class Optimized:
    """What `optimize` did: the rows rewritten, and the lines that had no merchant and were
    given their order's."""

    orders: int
    order_lines: int
    lines_tagged: int


def optimize(engine: Engine) -> Optimized:
    """Give every order line with no merchant its order's, then rewrite `orders` and
    `order_lines` clustered by merchant. DuckDB only."""
    if engine.kind != "duckdb":
        raise InvalidInput(
            f"caopan db optimize lays out a DuckDB store; a {engine.kind} store's layout is "
            "its engine's"
        )
    con = engine.con.con
    (keep,) = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    con.execute("SET preserve_insertion_order = true")  # the rows stay in the sorted order
    try:
        tagged = _tag_lines(con)
        _rewrite(con, "order_lines", f"SELECT * FROM order_lines ORDER BY {LINE_KEY}")
        _rewrite(con, "orders", f"SELECT * FROM orders ORDER BY {ORDER_KEY}")
        con.execute("CHECKPOINT")
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if keep else 'false'}")
    counts = {t: _count(con, t) for t in ("orders", "order_lines")}
    return Optimized(counts["orders"], counts["order_lines"], tagged)


def _tag_lines(con: Any) -> int:
    """Give the lines stored without a merchant their order's; return how many."""
    (untagged,) = con.execute(
        "SELECT count(*) FROM order_lines WHERE merchant_id IS NULL"
    ).fetchone()
    if not untagged:
        return 0
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            """UPDATE order_lines SET merchant_id = o.merchant_id
            FROM (SELECT order_id, min(merchant_id) AS merchant_id FROM orders
                  WHERE order_id IN (SELECT order_id FROM order_lines WHERE merchant_id IS NULL)
                  GROUP BY order_id) o
            WHERE order_lines.order_id = o.order_id AND order_lines.merchant_id IS NULL"""
        )
        (left,) = con.execute(
            "SELECT count(*) FROM order_lines WHERE merchant_id IS NULL"
        ).fetchone()
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(untagged) - int(left)


def _rewrite(con: Any, table: str, select: str) -> None:
    """Replace `table` by the rows of `select`, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f'CREATE OR REPLACE TABLE "{table}" AS {select}')
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _count(con: Any, table: str) -> int:
    return int(con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
