"""Write an import's staged rows into the canonical tables: keyed, compared, updated in place.

The stage (Parquet files of typed rows, one per chunk) is keyed per target:

* **orders** — each row is `order_id#n`, `n` numbering the order's rows by `line_key` then
  record; goods rows become `order_lines` (line_no `n`), rows of a cancellation become
  `refunds`, rows of non-product codes become order-level amounts (postage into freight and
  the paid amount, as 快手 实付款 includes freight; the rest kept in `orders.raw` under
  `non_product`); an order's rows make one `orders` row, a cancellation's with no payment time
  (it is not a paid order);
  products not yet known for the merchant are added to `products` (name, last unit price);
* **bill** — each row is a settlement line `order_id#n` (several per order); a row carrying a
  refund is also a `refunds` row `bill:<line_id>`;
* **sessions** — one session per (merchant, anchor, start): `live_sessions` and `session_stats`.

Every row's content is fingerprinted and kept in `imported_rows`; importing again compares
fingerprints, so an identical file writes nothing, and an updated export rewrites exactly the
groups (orders, lines, sessions) with a new or changed row (last export wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caopan.domain.errors import InvalidInput
from caopan.engine.backend import Engine

MEMORY_LIMIT = "512MB"
"""DuckDB's memory while writing an import (the keyed rows are a table on disk, so it spills)."""

AFTER_SALE_REFUNDED = ("退款成功", "已退款", "退货退款成功")


@dataclass(slots=True)
class Written:
    """What writing one file's stage did."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    gmv_fen: int = 0
    non_product: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: object) -> str:
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''") + "'"


def _fingerprint(columns: list[str]) -> str:
    """A row's content as a 64-bit hash of its columns (DuckDB's `hash`, null-aware): only
    compared with fingerprints the same installation wrote (after a DuckDB upgrade that
    changes the hash, a re-import rewrites rows once, as `changed`)."""
    return "CAST(hash(" + ", ".join(_q(c) for c in columns) + ", merchant) AS VARCHAR)"


def write_stage(
    engine: Engine,
    target: str,
    stage: Path,
    typed: list[str],
    merchant_id: str | None,
    source: str,
    now: int,
    postage: list[str] | None = None,
) -> Written:
    """Key, compare and write a staged file (see the module docstring)."""
    if engine.kind != "duckdb":
        raise InvalidInput("caopan import writes to a DuckDB store (--db duckdb:///FILE)")
    con = engine.con.con
    files = sorted(str(p) for p in stage.glob("*.parquet"))
    if not files:
        return Written()
    con.execute("SET enable_progress_bar = false")
    (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    on_disk = not engine.url.rstrip("/").endswith((":memory:", "duckdb:"))
    if on_disk:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    try:
        return _write(con, target, files, typed, merchant_id, source, now, postage)
    finally:
        for view in (_ROWS, "caopan_rows", "caopan_stage"):
            con.execute(f"DROP VIEW IF EXISTS {view}")
        for name in (*_SCRATCH, "caopan_import_keyed", "caopan_import_touched"):
            con.execute(f"DROP TABLE IF EXISTS {name}")
        if on_disk:
            con.execute(f"SET memory_limit = '{limit}'")


def _write(
    con: Any,
    target: str,
    files: list[str],
    typed: list[str],
    merchant_id: str | None,
    source: str,
    now: int,
    postage: list[str] | None,
) -> Written:
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW caopan_stage AS SELECT * FROM read_parquet({files!r})"
    )
    content = [*typed, "raw"]
    merchant = f"CAST({_lit(merchant_id)} AS VARCHAR)"
    if target == "orders":
        content += ["is_refund", "non_product"]
        order = "ORDER BY line_key NULLS LAST, row"
        key = f"order_id || '#' || row_number() OVER (PARTITION BY order_id {order})"
        group = "order_id"
    elif target == "bill":
        order = "ORDER BY product_id NULLS LAST, settled_at NULLS LAST, row"
        key = f"order_id || '#' || row_number() OVER (PARTITION BY order_id {order})"
        group = "row_key"
    else:
        key = (
            f"'ses-' || substr(md5(concat_ws('|', {merchant}, anchor_name, "
            "CAST(started_at AS VARCHAR))), 1, 16)"
        )
        group = "row_key"
    rows, extra = "caopan_stage s", ""
    if target != "sessions" and _one_row_each(con):  # as numbered below, without numbering
        key, extra = "s.order_id || '#1'", ", CAST(1 AS BIGINT) AS lines"
    elif target != "sessions":  # number the rows on the narrow columns, then join them back
        lines = "count(*) OVER (PARTITION BY order_id)"
        rows += (
            f" JOIN (SELECT row, {key} AS row_key, {lines} AS lines FROM caopan_stage) n"
            " ON n.row = s.row"
        )
        key, extra = "n.row_key", ", n.lines"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE caopan_import_keyed AS
        SELECT *, {group} AS group_key,
            {_fingerprint(content)} AS fp
        FROM (SELECT s.*, {merchant} AS merchant, {key} AS row_key{extra} FROM {rows})"""
    )
    if target == "sessions":  # the same session twice in a file: the last row stands
        con.execute(
            """DELETE FROM caopan_import_keyed WHERE (row_key, row) IN (
            SELECT row_key, row FROM (SELECT row_key, row, row_number() OVER (
            PARTITION BY row_key ORDER BY row DESC) AS n FROM caopan_import_keyed) WHERE n > 1)"""
        )
    written = _compare(con, target)
    con.execute("BEGIN TRANSACTION")
    try:
        if written.new or written.changed:
            _touched_rows(con, every=written.unchanged == 0)
            _WRITERS[target](con, merchant_id, source, postage or [])
            con.execute(
                f"""DELETE FROM imported_rows WHERE target = {_lit(target)}
                AND group_key IN (SELECT group_key FROM caopan_import_touched)"""
            )
            con.execute(
                f"""INSERT INTO imported_rows SELECT {_lit(target)}, row_key, group_key, fp,
                {_lit(source)}, {int(now)} FROM {_ROWS}"""
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    _summaries(con, target, written)
    return written


def _one_row_each(con: Any) -> bool:
    """Whether every staged row has an order id of its own (no null, none twice): then each
    row is `order_id#1`, an order of one line (as in most order exports)."""
    (single,) = con.execute(
        "SELECT count(DISTINCT order_id) = count(*) FROM caopan_stage"
    ).fetchone()
    return bool(single)


def _compare(con: Any, target: str) -> Written:
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE caopan_import_status AS
        SELECT k.row_key, k.group_key, CASE WHEN i.row_key IS NULL THEN 'new'
            WHEN i.fingerprint = k.fp THEN 'unchanged' ELSE 'changed' END AS status
        FROM caopan_import_keyed k LEFT JOIN imported_rows i
        ON i.target = {_lit(target)} AND i.row_key = k.row_key"""
    )
    counts = dict(
        con.execute("SELECT status, count(*) FROM caopan_import_status GROUP BY 1").fetchall()
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE caopan_import_touched AS
        SELECT DISTINCT group_key FROM caopan_import_status WHERE status <> 'unchanged'"""
    )
    con.execute("DROP TABLE caopan_import_status")
    return Written(
        new=int(counts.get("new", 0)),
        changed=int(counts.get("changed", 0)),
        unchanged=int(counts.get("unchanged", 0)),
    )


_TOUCHED = "SELECT group_key FROM caopan_import_touched"
_ROWS = "caopan_import_rows"
"""A view of the keyed rows of the touched groups, which the writers read (several times)."""
_SCRATCH = ("caopan_import_subset", "caopan_import_adj", "caopan_import_status")


def _touched_rows(con: Any, every: bool) -> None:
    """`_ROWS`: the keyed rows themselves when every group is touched (no row unchanged),
    else those of the touched groups, selected once."""
    rows = "caopan_import_keyed"
    if not every:
        rows = "caopan_import_subset"
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {rows} AS SELECT * FROM caopan_import_keyed
            WHERE group_key IN ({_TOUCHED})"""
        )
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_ROWS} AS SELECT * FROM {rows}")


def _write_orders(con: Any, merchant_id: str | None, source: str, postage: list[str]) -> None:
    refunded = " OR ".join(f"after_sale LIKE '%{word}%'" for word in AFTER_SALE_REFUNDED)
    postal = ", ".join(_lit(p) for p in postage) or "NULL"
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW caopan_rows AS
        SELECT *, CAST(split_part(row_key, '#', -1) AS BIGINT) AS line_no,
            non_product IS NULL AND NOT is_refund AS goods
        FROM {_ROWS}"""
    )
    con.execute(f"DELETE FROM order_lines WHERE order_id IN ({_TOUCHED})")
    con.execute(
        f"DELETE FROM refunds WHERE order_id IN ({_TOUCHED}) AND refund_id NOT LIKE 'bill:%'"
    )
    con.execute(f"DELETE FROM orders WHERE order_id IN ({_TOUCHED})")
    con.execute(
        f"""INSERT INTO order_lines SELECT order_id, line_no, product_id, sku, quantity,
            CAST(sign(unit_price) * ((abs(unit_price) * 2 + 10000) // 20000) AS BIGINT),
            paid, coalesce(after_sale NOT IN ('无售后', '售后关闭', '售后完成', '退款关闭')
                AND NOT ({refunded}), false), NULL, NULL, {_lit(merchant_id)}
        FROM caopan_rows WHERE goods"""
    )
    con.execute(
        f"""INSERT INTO refunds
        SELECT row_key, order_id, line_no, abs(paid), coalesce(created_at, paid_at),
            'cancelled: ' || coalesce(product_id, '?')
        FROM caopan_rows WHERE is_refund AND non_product IS NULL
        UNION ALL
        SELECT row_key || ':after-sale', order_id, line_no, paid, NULL, after_sale
        FROM caopan_rows WHERE goods AND ({refunded})"""
    )
    con.execute(
        f"""INSERT INTO products (product_id, merchant_id, name, price_fen)
        SELECT product_id, {_lit(merchant_id)}, arg_max(product_name, row),
            CAST(arg_max(sign(unit_price) * ((abs(unit_price) * 2 + 10000) // 20000), row)
                AS BIGINT)
        FROM caopan_rows r WHERE goods AND product_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM products p WHERE p.product_id = r.product_id
            AND p.merchant_id IS NOT DISTINCT FROM {_lit(merchant_id)})
        GROUP BY product_id"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE caopan_import_adj AS
            SELECT order_id, to_json(map_from_entries(list(struct_pack(k := product_id,
                v := fen) ORDER BY product_id))) AS amounts,
                sum(fen) FILTER (WHERE product_id IN ({postal})) AS postage
            FROM (SELECT order_id, product_id, sum(paid) AS fen FROM caopan_rows
                  WHERE non_product IS NOT NULL GROUP BY ALL)
            GROUP BY order_id"""
    )
    adj = "WITH adj AS (SELECT * FROM caopan_import_adj)"
    # An order of one row is that row (the aggregates below, without grouping).
    con.execute(
        f"""INSERT INTO orders {adj}
        SELECT r.order_id, {_lit(merchant_id)}, NULL, NULL, NULL,
            buyer_id, channel, talent_id, leader_id,
            CASE WHEN is_refund THEN 'cancelled' ELSE status END,
            created_at, CASE WHEN NOT is_refund THEN paid_at END,
            shipped_at, received_at,
            CASE WHEN goods THEN coalesce(paid, 0) ELSE 0 END
                + CASE WHEN NOT is_refund THEN coalesce(adj.postage, 0) ELSE 0 END,
            coalesce(freight, 0) + coalesce(adj.postage, 0),
            coalesce(discount, 0), {_lit(source)},
            CASE WHEN adj.amounts IS NULL THEN raw
                ELSE CAST(json_merge_patch(coalesce(raw, '{{}}'),
                    json_object('non_product', json(adj.amounts))) AS VARCHAR) END
        FROM caopan_rows r LEFT JOIN adj ON adj.order_id = r.order_id
        WHERE r.lines = 1"""
    )
    con.execute(
        f"""INSERT INTO orders {adj}
        SELECT r.order_id, {_lit(merchant_id)}, NULL, NULL, NULL,
            min(buyer_id), min(channel), min(talent_id), min(leader_id),
            CASE WHEN bool_or(is_refund) THEN 'cancelled' ELSE min(status) END,
            min(created_at), CASE WHEN NOT bool_or(is_refund) THEN min(paid_at) END,
            max(shipped_at), max(received_at),
            coalesce(sum(paid) FILTER (WHERE goods), 0)
                + CASE WHEN NOT bool_or(is_refund) THEN coalesce(any_value(adj.postage), 0)
                    ELSE 0 END,
            coalesce(max(freight), 0) + coalesce(any_value(adj.postage), 0),
            coalesce(max(discount), 0), {_lit(source)},
            CASE WHEN any_value(adj.amounts) IS NULL THEN arg_min(raw, row)
                ELSE CAST(json_merge_patch(coalesce(arg_min(raw, row), '{{}}'),
                    json_object('non_product', json(any_value(adj.amounts)))) AS VARCHAR) END
        FROM caopan_rows r LEFT JOIN adj ON adj.order_id = r.order_id
        WHERE r.lines > 1
        GROUP BY r.order_id"""
    )
    con.execute("DROP VIEW caopan_rows")
    con.execute("DROP TABLE caopan_import_adj")


def _write_bill(con: Any, merchant_id: str | None, source: str, postage: list[str]) -> None:
    rows = f"FROM {_ROWS}"
    con.execute(f"DELETE FROM settlement_lines WHERE line_id IN ({_TOUCHED})")
    con.execute(
        f"DELETE FROM refunds WHERE refund_id IN (SELECT 'bill:' || g FROM ({_TOUCHED}) t(g))"
    )
    con.execute(
        f"""INSERT INTO settlement_lines SELECT row_key, coalesce(merchant_id, merchant),
            order_id, product_id, product_name, quantity, created_at, paid, income, refund,
            tech_fee, talent_id, talent_commission, leader_id, leader_commission, provider_id,
            provider_commission, expense, settled, settled_at, rule, {_lit(source)}, raw {rows}"""
    )
    con.execute(
        f"""INSERT INTO refunds SELECT 'bill:' || row_key, order_id, NULL,
            CASE WHEN coalesce(refund, 0) <> 0 THEN abs(refund) ELSE abs(settled) END,
            settled_at, coalesce(rule, '结算后退款 refund after settlement')
        {rows} WHERE (coalesce(refund, 0) <> 0 OR settled < 0)"""
    )


def _write_sessions(con: Any, merchant_id: str | None, source: str, postage: list[str]) -> None:
    rows = f"FROM {_ROWS}"
    con.execute(f"DELETE FROM live_sessions WHERE session_id IN ({_TOUCHED})")
    con.execute(f"DELETE FROM session_stats WHERE session_id IN ({_TOUCHED})")
    con.execute(
        f"""INSERT INTO live_sessions SELECT row_key, merchant, NULL, NULL,
            anchor_name || ' ' || strftime(make_timestamp(started_at * 1000)
                + INTERVAL 8 HOUR, '%Y-%m-%d %H:%M'), started_at {rows}"""
    )
    con.execute(
        f"""INSERT INTO session_stats SELECT row_key, merchant, anchor_name, started_at,
            ended_at, minutes, exposure_users, viewers, views, product_exposure_users,
            product_click_users, buyers, paid, {_lit(source)}, raw {rows}"""
    )


_WRITERS = {"orders": _write_orders, "bill": _write_bill, "sessions": _write_sessions}


def _summaries(con: Any, target: str, written: Written) -> None:
    if target == "orders":
        (gmv,) = con.execute(
            "SELECT coalesce(sum(paid), 0) FROM caopan_import_keyed "
            "WHERE NOT is_refund AND non_product IS NULL"
        ).fetchone()
        written.non_product = [
            {"product_id": code, "label": label, "rows": int(n), "amount_fen": int(fen)}
            for code, label, n, fen in con.execute(
                """SELECT product_id, non_product, count(*), coalesce(sum(paid), 0)
                FROM caopan_import_keyed WHERE non_product IS NOT NULL GROUP BY 1, 2 ORDER BY 1"""
            ).fetchall()
        ]
        (negative,) = con.execute(
            "SELECT count(*) FROM caopan_import_keyed WHERE quantity < 0 AND NOT is_refund "
            "AND non_product IS NULL"
        ).fetchone()
        if negative:
            written.notices.append(
                f"{negative:,} goods lines have a negative quantity (kept as they are)"
            )
    elif target == "bill":
        (gmv,) = con.execute(
            """SELECT coalesce(sum(p), 0) FROM (SELECT max(paid) AS p FROM caopan_import_keyed
            GROUP BY order_id, product_id)"""
        ).fetchone()
    else:
        (gmv,) = con.execute("SELECT coalesce(sum(paid), 0) FROM caopan_import_keyed").fetchone()
        (over,) = con.execute(
            "SELECT count(*) FROM caopan_import_keyed "
            "WHERE buyers > viewers OR viewers > exposure_users"
        ).fetchone()
        if over:
            written.notices.append(
                f"{over:,} sessions have a conversion above 100 % (kept, flagged)"
            )
    written.gmv_fen = int(gmv)
