"""The engine port: connect to a store by URL and create the canonical schema on it.

* `duckdb:///path/to/file.duckdb` — the default, an embedded single-file store;
  `duckdb://:memory:` (or `duckdb://`) keeps everything in memory.
* `pyspark://local` — Spark in local mode (needs Java); `?warehouse=DIR` sets where its tables
  live (default `./spark-warehouse`).
* any other URL is handed to `ibis.connect` unchanged.

The rest of caopan speaks Ibis expressions to `Engine.con` and never imports a backend.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from caopan.domain.errors import EngineError, InvalidInput
from caopan.engine.schema import SCHEMA_VERSION, TABLES, schema_of

DEFAULT_DB = "caopan.duckdb"

STORAGE_VERSION = "v1.3.0"
"""The DuckDB storage format a new store file is written in. DuckDB writes new files in its
oldest readable format unless asked; this newer one compresses strings by dictionary plus FSST
in one step, which costs ~40 % less CPU to append the same rows (measured on 6 M rows of
`live_events`: 5.9–6.8 CPU s against 10.3–13.5) for a ~20 % larger file, and reads as fast. A
store written in it opens with DuckDB 1.3 or later only (caopan pins a later one). A store
created earlier keeps its format."""

BULK_APPEND_THREADS = 1
BULK_APPEND_MIN_ROWS = 100_000
"""In bulk mode, an append of at least this many rows runs on `BULK_APPEND_THREADS` DuckDB
threads: measured on 1 M events, one thread appends with about half the CPU time of two (the
file reader parses on another thread meanwhile). So does the commit of a transaction (1 M
events: 0.5 CPU s on one thread against 0.9–1.4 on two). Queries keep every thread."""

SPLIT_APPEND_WAYS = 2
"""`Engine.insert_split` appends this many slices at once. One append keeps one core busy only
part of the time (it also waits on the file); two appends from two cursors of the same
database overlap, for the same CPU seconds. One DuckDB thread each (`BULK_APPEND_THREADS`)."""


def default_url() -> str:
    """`CAOPAN_DB` if set (a URL or a plain path), else `./caopan.duckdb`."""
    return normalize_url(os.environ.get("CAOPAN_DB") or DEFAULT_DB)


def normalize_url(url_or_path: str) -> str:
    """Turn a plain file path into a `duckdb:///` URL; leave URLs as they are.

    >>> normalize_url("data/shop.duckdb")
    'duckdb:///data/shop.duckdb'
    >>> normalize_url("pyspark://local")
    'pyspark://local'
    """
    if "://" in url_or_path:
        return url_or_path
    return f"duckdb:///{url_or_path}"


@dataclass
class Engine:
    """A connected store: the Ibis backend plus what caopan needs to know about it."""

    url: str
    kind: str
    con: BaseBackend
    _arrow_schemas: dict[str, pa.Schema] = field(default_factory=dict, repr=False)
    _scratch: Path | None = field(default=None, repr=False)
    _views: list[str] = field(default_factory=list, repr=False)
    _in_transaction: bool = field(default=False, repr=False)
    _bulk: bool = field(default=False, repr=False)
    _wal: str | None = field(default=None, repr=False)  # the log's path ("" for none), once known

    def memtable(self, rows: pa.Table) -> ir.Table:
        """An Arrow table as an Ibis table on this engine, every type kept exactly, until
        `release()`.

        DuckDB reads Arrow as it is, registered under a scratch name (ibis's own memtables
        stay registered for the connection's life: a long-running writer grew by every batch).
        Spark gets a Parquet file: ibis's pyspark backend would go through pandas, where an
        int64 column with nulls becomes float and then all null.
        """
        if self.kind == "duckdb":
            view = f"caopan_scratch_{uuid.uuid4().hex}"
            self.con.con.register(view, rows)
            self._views.append(view)
            return self.con.table(view)
        if self.kind != "spark":
            return ibis.memtable(rows)
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="caopan-spark-"))
        path = self._scratch / f"{uuid.uuid4().hex}.parquet"
        pq.write_table(rows, path)
        return self.con.read_parquet(str(path))

    def ensure_schema(self) -> list[str]:
        """Create every canonical table that is missing, and on DuckDB add the columns a
        newer version declares to the tables an older one made; return the names created."""
        existing = set(self.con.list_tables())
        created = []
        for name in TABLES:
            if name not in existing:
                self.con.create_table(name, schema=schema_of(name))
                created.append(name)
            elif self.kind == "duckdb":
                self._add_missing_columns(name)
        if "caopan_meta" in created:
            self.insert(
                "caopan_meta",
                pa.table({"key": ["schema_version"], "value": [str(SCHEMA_VERSION)]}),
            )
        return created

    def _add_missing_columns(self, name: str) -> None:
        """Append the declared columns a table lacks (NULL in the rows already stored)."""
        have = set(self.con.get_schema(name).names)
        for column, kind in TABLES[name].items():
            if column not in have:
                sql_type = self.con.compiler.type_mapper.from_ibis(ibis.dtype(kind)).sql("duckdb")
                self.con.raw_sql(f'ALTER TABLE "{name}" ADD COLUMN "{column}" {sql_type}')

    def table(self, name: str) -> ir.Table:
        if name not in TABLES:
            raise InvalidInput(f"unknown table {name!r}")
        return self.con.table(name)

    def arrow_schema(self, name: str) -> pa.Schema:
        if name not in self._arrow_schemas:
            self._arrow_schemas[name] = schema_of(name).to_pyarrow()
        return self._arrow_schemas[name]

    def conform(self, name: str, rows: pa.Table) -> pa.Table:
        """Select and cast `rows` to the table's columns; missing columns become nulls."""
        schema = self.arrow_schema(name)
        columns = [
            rows.column(f.name).cast(f.type)
            if f.name in rows.column_names
            else pa.nulls(rows.num_rows, f.type)
            for f in schema
        ]
        return pa.Table.from_arrays(columns, schema=schema)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction: committed at its end, rolled back if it raises.

        On DuckDB one large commit costs far less than many small ones (appends fill whole
        row groups). A block inside another runs in the outer transaction. Engines without
        transactions here (Spark) run the block as it is.
        """
        if self.kind != "duckdb" or self._in_transaction:
            yield
            return
        con = self.con.con
        con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._in_transaction = False
            con.execute("ROLLBACK")
            raise
        self._in_transaction = False
        with self._append_threads(BULK_APPEND_MIN_ROWS):  # in bulk mode, on one thread too
            con.execute("COMMIT")

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Bulk appends on DuckDB: insertion order is not kept (queries sort explicitly), and
        a large append runs on `BULK_APPEND_THREADS` threads (see there). Other engines: as is.
        """
        if self.kind != "duckdb" or self._bulk:
            yield
            return
        self.con.con.execute("SET preserve_insertion_order = false")
        self._bulk = True
        try:
            yield
        finally:
            self._bulk = False
            self.con.con.execute("SET preserve_insertion_order = true")

    def release(self) -> None:
        """Forget the scratch tables made by `memtable`."""
        while self._views:
            self.con.con.unregister(self._views.pop())

    def insert(self, name: str, rows: pa.Table | ir.Table) -> None:
        """Append rows (an Arrow table or an Ibis expression with the table's columns)."""
        if isinstance(rows, pa.Table):
            if rows.num_rows == 0:
                return
            conformed = self.conform(name, rows)
            if self.kind == "duckdb":
                with self._append_threads(conformed.num_rows):
                    _append_arrow(self.con.con, name, conformed)
                return
            rows = self.memtable(conformed)
        self.con.insert(name, rows)

    def wal_bytes(self) -> int:
        """The size of a DuckDB file store's write-ahead log (what the next checkpoint
        writes into the file); 0 for other engines and stores in memory."""
        if self.kind != "duckdb":
            return 0
        if self._wal is None:
            row = self.con.con.execute(
                "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
            ).fetchone()
            self._wal = f"{row[0]}.wal" if row is not None and row[0] else ""
        if not self._wal:
            return 0
        try:
            return os.path.getsize(self._wal)
        except OSError:  # no log: everything is in the file
            return 0

    def checkpoint(self) -> None:
        """Write the log into the file now (DuckDB); other engines: nothing to do."""
        if self.kind == "duckdb":
            self.con.con.execute("CHECKPOINT")

    def checkpoint_when(self, wal_bytes: int) -> None:
        """Leave DuckDB's automatic checkpoints to logs of `wal_bytes` (a checkpoint blocks
        every write while it runs; a caller that knows better moments calls `checkpoint`)."""
        if self.kind == "duckdb":
            self.con.con.execute(f"SET checkpoint_threshold = '{int(wal_bytes)}B'")

    def insert_split(self, name: str, rows: pa.Table, ways: int | None = None) -> None:
        """Append a large Arrow table as `ways` slices at once (default `SPLIT_APPEND_WAYS`),
        each on its own DuckDB cursor and in its own transaction. Each slice is whole or absent
        if one fails, and the error is raised after all have finished. Inside a transaction, on
        small tables and on other engines: one `insert`."""
        ways = SPLIT_APPEND_WAYS if ways is None else ways
        if (
            self.kind != "duckdb"
            or self._in_transaction
            or ways < 2
            or rows.num_rows < ways * BULK_APPEND_MIN_ROWS
        ):
            self.insert(name, rows)
            return
        conformed = self.conform(name, rows)
        size = -(-conformed.num_rows // ways)
        parts = [conformed.slice(k * size, size) for k in range(ways)]

        def append(part: pa.Table) -> None:
            cursor = self.con.con.cursor()
            try:
                _append_arrow(cursor, name, part)
            finally:
                cursor.close()

        with self._append_threads(conformed.num_rows), ThreadPoolExecutor(ways) as pool:
            futures = [pool.submit(append, part) for part in parts]
            for future in futures:
                future.result()

    @contextmanager
    def _append_threads(self, rows: int) -> Iterator[None]:
        if not self._bulk or rows < BULK_APPEND_MIN_ROWS:
            yield
            return
        con = self.con.con
        (threads,) = con.execute("SELECT current_setting('threads')").fetchone() or (0,)
        con.execute(f"SET threads = {BULK_APPEND_THREADS}")
        try:
            yield
        finally:
            con.execute(f"SET threads = {int(threads)}")

    def reader(self) -> Engine:
        """Another connection to the same store for reads on another thread.

        DuckDB: a cursor of the same database (reads see committed writes, run concurrently
        with the writer). Other engines share their connection.
        """
        if self.kind != "duckdb":
            return self
        cursor = self.con.con.cursor()
        return Engine(url=self.url, kind=self.kind, con=ibis.duckdb.from_connection(cursor))

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        return expr.to_pyarrow()

    def close(self) -> None:
        if self.kind != "spark":  # a Spark session is shared; its owner stops it
            disconnect = getattr(self.con, "disconnect", None)
            if disconnect is not None:
                disconnect()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def _append_arrow(con: Any, name: str, rows: pa.Table) -> None:
    """Append an Arrow table on a DuckDB connection, straight from Arrow, nothing left
    registered."""
    view = f"caopan_in_{uuid.uuid4().hex}"
    con.register(view, rows)
    try:
        con.execute(f'INSERT INTO "{name}" SELECT * FROM "{view}"')
    finally:
        con.unregister(view)


def _connect_duckdb(url: str) -> Engine:
    parsed = urlparse(url)
    path = parsed.path if not parsed.netloc else parsed.netloc + parsed.path
    if url.startswith("duckdb:////"):
        path = "/" + path.lstrip("/")  # duckdb:////abs/path → /abs/path
    elif path.startswith("/"):
        path = path[1:]  # duckdb:///rel/path → rel/path
    if path in ("", ":memory:"):
        con = ibis.duckdb.connect()
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            con = ibis.duckdb.connect(database=path, storage_compatibility_version=STORAGE_VERSION)
        except Exception as exc:  # duckdb raises its own IOException family
            raise EngineError(f"cannot open the DuckDB store {path}: {exc}") from exc
    return Engine(url=url, kind="duckdb", con=con)


def spark_session(warehouse: str) -> Any:
    """A local-mode SparkSession bound to loopback, quiet, with its own warehouse folder."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError("Spark is not installed: install caopan with the [spark] extra") from exc
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("caopan")
        .config("spark.sql.warehouse.dir", str(Path(warehouse).resolve()))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _connect_spark(url: str) -> Engine:
    parsed = urlparse(url)
    if parsed.netloc not in ("local", ""):
        raise InvalidInput(f"only Spark local mode is built in (pyspark://local), not {url}")
    options = parse_qs(parsed.query)
    warehouse = options.get("warehouse", [os.environ.get("CAOPAN_SPARK_WAREHOUSE", "")])[0]
    session = spark_session(warehouse or "spark-warehouse")
    return Engine(url=url, kind="spark", con=ibis.pyspark.connect(session))


def connect(url: str | None = None, *, create: bool = True) -> Engine:
    """Connect to the store at `url` (default: `default_url()`), creating the schema."""
    url = normalize_url(url) if url else default_url()
    scheme = url.split("://", 1)[0]
    if scheme == "duckdb":
        engine = _connect_duckdb(url)
    elif scheme == "pyspark":
        engine = _connect_spark(url)
    else:
        try:
            engine = Engine(url=url, kind=scheme, con=ibis.connect(url))
        except Exception as exc:
            raise EngineError(f"cannot connect to {url}: {exc}") from exc
    if create:
        engine.ensure_schema()
    return engine
