"""The engine port and the canonical schema, on every engine."""

from __future__ import annotations

import datetime

import ibis
import pyarrow as pa
import pytest

from caopan.domain.errors import EngineError, InvalidInput
from caopan.domain.events import FIELDS
from caopan.engine.backend import Engine, connect, default_url, normalize_url
from caopan.engine.schema import TABLES, money_columns, schema_of

REQUIRED_TABLES = {
    "providers",
    "operators",
    "merchants",
    "shops",
    "anchors",
    "products",
    "live_sessions",
    "live_events",
    "orders",
    "order_lines",
    "refunds",
    "ad_spend",
    "contracts",
    "commission_lines",
    "ledger_entries",
    "ledger_postings",
    "quarantine",
}


def test_every_canonical_table_is_declared() -> None:
    assert set(TABLES) >= REQUIRED_TABLES


def test_event_table_carries_every_field_of_the_contract() -> None:
    columns = TABLES["live_events"]
    for name, kind in FIELDS.items():
        assert columns[name] == kind


@pytest.mark.parametrize("table", sorted(TABLES))
def test_money_is_integer_fen_and_rates_integer_ppm(table: str) -> None:
    schema = schema_of(table)
    for name in money_columns(table):
        assert schema[name] == ibis.dtype("int64"), f"{table}.{name}"
    for name, dtype in schema.items():
        assert not dtype.is_floating(), f"{table}.{name} must not be a float"
        if name.endswith("_ppm"):
            assert dtype == ibis.dtype("int64")


def test_quarantine_keeps_raw_line_source_reason_time() -> None:
    columns = TABLES["quarantine"]
    assert columns["raw"] == "binary"
    assert {"source", "line", "reason", "received_at"} <= set(columns)


def test_schema_is_created_on_the_engine(engine: Engine) -> None:
    tables = set(engine.con.list_tables())
    assert set(TABLES) <= tables
    for name in TABLES:
        assert engine.table(name).schema() == schema_of(name), name


def test_creating_the_schema_again_changes_nothing(engine: Engine) -> None:
    engine.insert("providers", pa.table({"provider_id": ["p1"], "name": ["星火"]}))
    assert engine.ensure_schema() == []
    assert engine.table("providers").count().to_pyarrow().as_py() == 1
    meta = engine.table("caopan_meta").to_pyarrow().to_pylist()
    assert meta == [{"key": "schema_version", "value": "1"}]


def test_rows_round_trip_with_their_types(engine: Engine) -> None:
    rows = pa.table(
        {
            "quarantine_id": ["q1", "q2"],
            "source": ["a.ndjson", "b.ndjson"],
            "line": [3, 4],
            "reason": ["bad", "worse"],
            "raw": [b"\xff\x00raw", b""],
            "received_at": [1_763_800_000_000, 1_763_800_000_001],
        }
    )
    engine.insert("quarantine", rows)
    got = engine.table("quarantine").order_by("quarantine_id").to_pyarrow().to_pylist()
    assert [r["raw"] for r in got] == [b"\xff\x00raw", b""]
    assert [r["field"] for r in got] == [None, None]
    assert [r["line"] for r in got] == [3, 4]

    merchant = {
        "merchant_id": ["m1"],
        "name": ["雅鹿"],
        "opened_on": [datetime.date(2026, 9, 10)],
        "created_at": [1],
    }
    engine.insert("merchants", pa.table(merchant))
    back = engine.table("merchants").to_pyarrow().to_pylist()[0]
    assert back["opened_on"] == datetime.date(2026, 9, 10)
    assert back["name"] == "雅鹿"


def test_insert_takes_an_ibis_expression(engine: Engine) -> None:
    engine.insert("providers", pa.table({"provider_id": ["p1", "p2"], "name": ["a", "b"]}))
    t = engine.table("providers")
    engine.insert(
        "operators",
        t.select(
            operator_id=t.provider_id + "-op",
            provider_id=t.provider_id,
            name=t.name,
            created_at=ibis.literal(0, "int64"),
        ),
    )
    ops = engine.table("operators").order_by("operator_id").to_pyarrow()
    assert ops.column("operator_id").to_pylist() == ["p1-op", "p2-op"]


def test_unknown_table_is_refused(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="unknown table"):
        engine.table("nope")


def test_urls() -> None:
    assert normalize_url("a/b.duckdb") == "duckdb:///a/b.duckdb"
    assert normalize_url("/abs/b.duckdb") == "duckdb:////abs/b.duckdb"
    assert normalize_url("pyspark://local") == "pyspark://local"


def test_default_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAOPAN_DB", raising=False)
    assert default_url() == "duckdb:///caopan.duckdb"
    monkeypatch.setenv("CAOPAN_DB", "/data/x.duckdb")
    assert default_url() == "duckdb:////data/x.duckdb"


def test_a_duckdb_file_store_persists(tmp_path: object) -> None:
    url = f"duckdb:///{tmp_path}/nested/dir/store.duckdb"
    first = connect(url)
    first.insert("providers", pa.table({"provider_id": ["p1"], "name": ["a"]}))
    first.close()
    second = connect(url)
    assert second.table("providers").count().to_pyarrow().as_py() == 1
    second.close()


def _string_compressions(engine: Engine, table: str) -> set[str]:
    rows = engine.con.con.execute(
        f"SELECT DISTINCT compression FROM pragma_storage_info('{table}') "
        "WHERE segment_type = 'VARCHAR'"
    ).fetchall()
    return {name for (name,) in rows}


def _many_sessions(rows: int) -> pa.Table:
    return pa.table(
        {
            "session_id": [f"S-{k:07d}" for k in range(rows)],
            "merchant_id": [f"M-{k % 7}" for k in range(rows)],
        }
    )


def test_a_new_file_store_is_written_in_the_newer_storage_format(tmp_path: object) -> None:
    engine = connect(f"duckdb:///{tmp_path}/new.duckdb")
    engine.insert("live_sessions", _many_sessions(150_000))
    engine.con.raw_sql("CHECKPOINT")
    # dictionary + FSST in one step exists only from storage format v1.3.0 on
    assert "DICT_FSST" in _string_compressions(engine, "live_sessions")
    engine.close()


def test_a_store_in_the_older_format_opens_and_keeps_its_format(tmp_path: object) -> None:
    import duckdb

    path = f"{tmp_path}/old.duckdb"
    duckdb.connect(path).close()  # DuckDB's default: the oldest readable format
    engine = connect(f"duckdb:///{path}")
    engine.insert("live_sessions", _many_sessions(150_000))
    engine.con.raw_sql("CHECKPOINT")
    assert "DICT_FSST" not in _string_compressions(engine, "live_sessions")
    engine.close()
    again = connect(f"duckdb:///{path}")
    assert again.table("live_sessions").count().to_pyarrow().as_py() == 150_000
    again.close()


def test_an_unreadable_store_is_a_clear_error(tmp_path: object) -> None:
    bad = f"{tmp_path}/not-a-db.duckdb"
    with open(bad, "wb") as f:
        f.write(b"this is not a duckdb file" * 100)
    with pytest.raises(EngineError, match="cannot open the DuckDB store"):
        connect(bad)


def test_unknown_spark_master_is_refused() -> None:
    with pytest.raises(InvalidInput, match="local mode"):
        connect("pyspark://cluster.example:7077")


def test_integer_and_boolean_columns_mixing_nulls_keep_their_values(engine: Engine) -> None:
    """ibis's pyspark memtable goes through pandas, which turns such columns all null."""
    rows = pa.table(
        {
            "event_id": ["a", "b", "c"],
            "session_id": ["s", "s", "s"],
            "ts": [1, 2, 3],
            "type": ["order_paid", "like", "enter"],
            "quantity": pa.array([2, None, None], pa.int64()),
            "amount_fen": pa.array([19_900, None, None], pa.int64()),
            "is_follower": pa.array([None, None, True], pa.bool_()),
        }
    )
    engine.insert("live_events", rows)
    back = engine.table("live_events").order_by("event_id").to_pyarrow()
    assert back.column("amount_fen").to_pylist() == [19_900, None, None]
    assert back.column("quantity").to_pylist() == [2, None, None]
    assert back.column("is_follower").to_pylist() == [None, None, True]
    joined = engine.memtable(rows.select(["event_id", "amount_fen"]))
    assert joined.amount_fen.sum().to_pyarrow().as_py() == 19_900


@pytest.mark.parametrize("ways", [2, 3])
def test_a_split_append_stores_every_row_once(tmp_path: object, ways: int) -> None:
    engine = connect(f"duckdb:///{tmp_path}/split.duckdb")
    rows = _many_sessions(ways * 100_000 + 7)  # slices of unequal length
    with engine.bulk():
        engine.insert_split("live_sessions", rows, ways)
    stored = engine.table("live_sessions").order_by("session_id").to_pyarrow()
    assert stored.num_rows == rows.num_rows
    assert stored.column("session_id").to_pylist() == rows.column("session_id").to_pylist()
    assert stored.column("merchant_id").to_pylist() == rows.column("merchant_id").to_pylist()
    engine.close()


def test_a_split_append_inside_a_transaction_is_one_insert_and_rolls_back(
    tmp_path: object,
) -> None:
    engine = connect(f"duckdb:///{tmp_path}/split.duckdb")
    with pytest.raises(RuntimeError, match="stop"), engine.transaction():
        engine.insert_split("live_sessions", _many_sessions(250_000), 2)
        raise RuntimeError("stop")
    assert engine.table("live_sessions").count().to_pyarrow().as_py() == 0
    engine.close()


def test_a_failed_slice_is_raised_and_the_other_slices_are_whole(tmp_path: object) -> None:
    import duckdb

    engine = connect(f"duckdb:///{tmp_path}/split.duckdb")
    # the second slice breaks a check the first keeps: its append fails whole (DuckDB adds a
    # check only with the table, so the table is made again, same columns, with the check)
    con = engine.con.con
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'live_sessions' ORDER BY ordinal_position"
    ).fetchall()
    check = " CHECK (session_id < 'S-0100000')"
    ddl = ", ".join(f'"{c}" {t}{check if c == "session_id" else ""}' for c, t in columns)
    con.execute("DROP TABLE live_sessions")
    con.execute(f"CREATE TABLE live_sessions ({ddl})")
    with pytest.raises(duckdb.ConstraintException, match="CHECK constraint"):
        engine.insert_split("live_sessions", _many_sessions(200_000), 2)
    assert engine.table("live_sessions").count().to_pyarrow().as_py() == 100_000
    engine.close()
