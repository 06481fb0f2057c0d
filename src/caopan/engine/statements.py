"""Compiled statements kept for reuse: an Ibis expression built once per shape, run with values.

Building and compiling the review's expression costs more than running it on a session of a
million events (some 0.4 s of Ibis and SQL generation, against ~0.2 s to run). An
expression depends on its session only through literal values — the session id, `as_of`, `end`
and the bounds of the spans — so on DuckDB it is compiled once with sentinel values in their
place, and each run substitutes the real values into the SQL text (integers as digits, the
session id as a quoted string literal). Other engines build and run the expression every time.

Nothing is trusted blindly: if a sentinel-like literal other than the known ones is left in the
SQL (a value derived in Python from a sentinel, say), the shape is not kept and the expression
runs the ordinary way. The review tests go through this path on DuckDB and are checked against
the plain-Python oracle and against Spark, which does not use it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caopan.engine.backend import Engine
from caopan.engine.scope import Scope, Span

Build = Callable[[Scope, Sequence[Span]], ir.Table]

_BASE = 4_611_686_018_427_000_000
"""Sentinel integers are `_BASE + k`: 19 digits, far beyond any epoch millisecond."""
_SENTINEL_INT = re.compile(r"(?<![\d.])4611686018427\d{6}(?![\d.])")
_SENTINEL_SESSION = "caopan_sentinel_session_5e1f"


@dataclass(frozen=True, slots=True)
class _Statement:
    schema: pa.Schema
    slots: tuple[str, ...]
    """The SQL split at each sentinel: text, slot name, text, slot name, …, text."""


_cache: dict[Hashable, _Statement | None] = {}
_lock = threading.Lock()


def _sentinels(scope: Scope, spans: Sequence[Span]) -> tuple[Scope, list[Span], dict[str, str]]:
    """A scope and spans of the same shape with sentinel values, and sentinel → slot name."""
    names = {str(_BASE + 9000): "start", str(_BASE + 9001): "as_of", str(_BASE + 9002): "end"}
    end = None if scope.end is None else _BASE + 9002
    fake_scope = Scope(_SENTINEL_SESSION, _BASE + 9000, end, _BASE + 9001)
    fake_spans = []
    for i, span in enumerate(spans):  # disjoint, increasing: the shape checks still pass
        lo, hi = _BASE + 100 * i + 1, _BASE + 100 * i + 2
        names[str(lo)], names[str(hi)] = f"lo{i}", f"hi{i}"
        fake_spans.append(Span(lo, hi, whole=span.whole))
    return fake_scope, fake_spans, names


def _compile(build: Build, scope: Scope, spans: Sequence[Span]) -> _Statement | None:
    fake_scope, fake_spans, names = _sentinels(scope, spans)
    expr = build(fake_scope, fake_spans)
    sql = str(ibis.to_sql(expr, dialect="duckdb"))
    quoted = f"'{_SENTINEL_SESSION}'"
    pieces: list[str] = []
    for k, part in enumerate(sql.split(quoted)):
        if k:
            pieces.append("session_id")
        last = 0
        for match in _SENTINEL_INT.finditer(part):
            name = names.get(match.group())
            if name is None:
                return None  # a value derived from a sentinel: cannot substitute it
            pieces.extend((part[last : match.start()], name))
            last = match.end()
        pieces.append(part[last:])
    text = "".join(pieces[0::2])
    if _SENTINEL_SESSION in text:
        return None  # the session id inside a longer literal
    return _Statement(expr.schema().to_pyarrow(), tuple(pieces))


def _values(scope: Scope, spans: Sequence[Span]) -> dict[str, str]:
    out = {
        "session_id": "'" + scope.session_id.replace("'", "''") + "'",
        "start": str(int(scope.start)),
        "as_of": str(int(scope.as_of)),
        "end": "NULL" if scope.end is None else str(int(scope.end)),
    }
    for i, span in enumerate(spans):
        out[f"lo{i}"], out[f"hi{i}"] = str(int(span.lo)), str(int(span.hi))
    return out


def sql_for(statement: _Statement, scope: Scope, spans: Sequence[Span]) -> str:
    """The statement's SQL with this scope's and these spans' values in place."""
    values = _values(scope, spans)
    slots = statement.slots
    return "".join(part if k % 2 == 0 else values[part] for k, part in enumerate(slots))


def _statement(
    engine: Engine, key: str, build: Build, scope: Scope, spans: Sequence[Span]
) -> _Statement | None:
    """The cached statement of this shape (compiled now if new), or `None` on other engines
    and for shapes that cannot be kept."""
    if engine.kind != "duckdb":
        return None
    shape = (key, tuple(span.whole for span in spans), scope.end is None)
    with _lock:
        known = shape in _cache
        statement = _cache.get(shape)
    if not known:
        statement = _compile(build, scope, spans)
        with _lock:
            _cache[shape] = statement
    return statement


def _execute(con: Any, statement: _Statement, scope: Scope, spans: Sequence[Span]) -> pa.Table:
    cursor = con.execute(sql_for(statement, scope, spans))
    return cursor.to_arrow_table().cast(statement.schema)


def run(
    engine: Engine, key: str, build: Build, scope: Scope, spans: Sequence[Span] = ()
) -> pa.Table:
    """`build(scope, spans)` as Arrow: on DuckDB from a statement compiled once per shape.

    `key` names the expression; `build` must depend on the scope and spans only through their
    values (it is called with sentinel ones).
    """
    statement = _statement(engine, key, build, scope, spans)
    if statement is None:
        return engine.to_arrow(build(scope, spans))
    return _execute(engine.con.con, statement, scope, spans)


@dataclass(frozen=True, slots=True)
class Job:
    """One `run` of a batch: the expression's name, its builder, scope and spans."""

    key: str
    build: Build
    scope: Scope
    spans: Sequence[Span] = ()


WORKERS = 2
"""Statements of a batch run at once on DuckDB (one cursor each): the machine's two cores.
A statement alone keeps both busy only part of the time (its small joins and windows run on
one thread), so two at once fill the gaps: `review_many` reviews two sessions at a time."""


def run_all(engine: Engine, jobs: Sequence[Job], workers: int = WORKERS) -> list[pa.Table]:
    """`run` of each job, in order. On DuckDB the statements are compiled here (on the calling
    thread) and then run `workers` at a time, each on a cursor of its own (DuckDB releases
    the GIL while it runs); a shape that cannot be kept runs the ordinary way afterwards.
    Other engines run the jobs one after another."""
    statements = [_statement(engine, j.key, j.build, j.scope, j.spans) for j in jobs]
    out: list[pa.Table | None] = [None] * len(jobs)
    ready = [k for k, st in enumerate(statements) if st is not None]
    if len(ready) > 1 and workers > 1:
        local = threading.local()

        def execute(k: int) -> pa.Table:
            con = getattr(local, "con", None)
            if con is None:
                con = local.con = engine.con.con.cursor()
                opened.append(con)
            statement = statements[k]
            assert statement is not None
            return _execute(con, statement, jobs[k].scope, jobs[k].spans)

        opened: list[Any] = []
        try:
            with ThreadPoolExecutor(max_workers=min(workers, len(ready))) as pool:
                for k, table in zip(ready, pool.map(execute, ready), strict=True):
                    out[k] = table
        finally:
            for con in opened:
                con.close()
    for k, job in enumerate(jobs):
        if out[k] is None:
            out[k] = run(engine, job.key, job.build, job.scope, job.spans)
    return [table for table in out if table is not None]
