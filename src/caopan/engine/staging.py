"""Staging a long computation: which intermediate results are computed once, which are named.

The settlement is a per-line chain joined to several grouped results of itself (a period's
tiered base, a share's weight sums and remainder counts, a cap's totals). As one statement,
every intermediate used twice becomes a common table expression that DuckDB materialises with
all its columns — a million wide rows each time — and Ibis rewrites the whole tree for every
statement, seconds of Python for a long chain. A `Staging` cuts the chain:

* `keep(t)` computes `t` now and returns a table of its rows: the small grouped results, and
  the priced lines that the clawbacks and sessions read again;
* `view(t)` names `t` without computing it: later expressions start from the name, so they
  are short to compile, and the engine recomputes the rows where they are read, streaming.

`Staging()` keeps and names nothing: the settlement stays one expression, as any engine runs
it. `StoreStaging` keeps in temporary tables (`Table.cache`) on any engine and names with
temporary views on DuckDB; `release()` drops what it made. It compiles its statements with
Ibis's `fuse_selects` off: nested projections stay nested subqueries (the engine's optimiser
flattens them alike) instead of being merged in Python, a third of the compile time of a
settlement. The option is process-wide, so it is switched off only while a statement is
compiled and run; it changes how the SQL is written, never what it computes.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

_lock = threading.Lock()


@contextmanager
def _unfused() -> Iterator[None]:
    with _lock:
        before = ibis.options.sql.fuse_selects
        ibis.options.sql.fuse_selects = False
        try:
            yield
        finally:
            ibis.options.sql.fuse_selects = before


class Staging:
    """Keep and name nothing: one expression."""

    def keep(self, t: ir.Table) -> ir.Table:
        """`t`'s rows, computed once (here: `t` itself)."""
        return t

    def view(self, t: ir.Table) -> ir.Table:
        """`t` under a name, computed where read (here: `t` itself)."""
        return t

    def release(self) -> None:
        """Drop what was kept and named."""


class StoreStaging(Staging):
    """Kept results as temporary tables of the connection, views as DuckDB temporary views."""

    def __init__(self, con: Any) -> None:
        self._con = con
        self._kept: list[ir.Table] = []
        self._views: list[str] = []

    def keep(self, t: ir.Table) -> ir.Table:
        with _unfused():
            kept = t.cache()
        self._kept.append(kept)
        return kept

    def view(self, t: ir.Table) -> ir.Table:
        if self._con.name != "duckdb" or t.op().find(ops.InMemoryTable):
            return t  # in-memory tables are registered per statement: no view over them
        name = f"caopan_stage_{uuid.uuid4().hex}"
        with _unfused():
            sql = self._con.compile(t)
        self._con.con.execute(f'CREATE TEMP VIEW "{name}" AS {sql}')
        self._views.append(name)
        view: ir.Table = self._con.table(name)
        return view

    def release(self) -> None:
        while self._views:
            self._con.con.execute(f'DROP VIEW IF EXISTS "{self._views.pop()}"')
        while self._kept:
            self._kept.pop().release()


class ArrowStaging(Staging):
    """Everything kept as Arrow in memory (`ibis.memtable`): for small inputs on a private
    connection, where every stage is cheap to compute and short to compile."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def keep(self, t: ir.Table) -> ir.Table:
        kept: ir.Table = ibis.memtable(self._con.to_pyarrow(t))
        return kept

    def view(self, t: ir.Table) -> ir.Table:
        return self.keep(t)
