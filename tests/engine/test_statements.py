"""Statements compiled once per shape: the same rows as building the expression every time.

Every review test on DuckDB already goes through `caopan.engine.statements`; these pin the
mechanism itself: values substituted where the sentinels stood (a session id with a quote in
it too), one compilation per shape, and the ordinary path when a value derived from the scope
would be left in the SQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caopan.engine import statements
from caopan.engine.backend import Engine, connect
from caopan.engine.measures import measures_table
from caopan.engine.scope import Scope, Span, session_events

ROWS = [
    # session, ts, type, user
    ("s1", 1_000, "enter", "u1"),
    ("s1", 2_000, "like", "u1"),
    ("s1", 3_000, "enter", "u2"),
    ("s1", 9_000, "live_end", None),
    ("o'neil", 1_500, "enter", "u9"),
    ("o'neil", 2_500, "comment", "u9"),
    ("o'neil", 2_600, "comment", "u8"),
]


def _store() -> Engine:
    engine = connect("duckdb://:memory:")
    engine.ensure_schema()
    schema = engine.arrow_schema("live_events")
    columns: dict[str, list[object]] = {name: [None] * len(ROWS) for name in schema.names}
    for k, (session, ts, type_, user) in enumerate(ROWS):
        columns["event_id"][k] = f"e{k}"
        columns["session_id"][k] = session
        columns["ts"][k] = ts
        columns["type"][k] = type_
        columns["user_id"][k] = user
        columns["ingested_at"][k] = 1
    engine.insert("live_events", pa.table(columns, schema=schema))
    return engine


def _counts(engine: Engine) -> statements.Build:
    def build(scope: Scope, spans: Sequence[Span]) -> ir.Table:
        ev = session_events(engine.table("live_events"), scope)
        return ev.aggregate(
            **{f"n{i}": ev.count(where=span.contains(ev.ts)) for i, span in enumerate(spans)},
            users=ev.user_id.nunique(),
            ended=ibis.literal(scope.end, "int64").isnull(),
        )

    return build


def test_values_replace_the_sentinels_for_each_run() -> None:
    engine = _store()
    build = _counts(engine)
    cases = [
        (Scope("s1", 1_000, 9_000, 9_000), [Span(0, 2_000), Span(2_000, 9_000)]),
        (Scope("s1", 1_000, None, 2_500), [Span(0, 1_000), Span(1_000, 2_500)]),
        (Scope("o'neil", 1_500, None, 2_550), [Span(1_000, 2_000), Span(2_000, 3_000)]),
    ]
    for scope, spans in cases:
        got = statements.run(engine, "test-counts", build, scope, spans)
        assert got.to_pylist() == engine.to_arrow(build(scope, spans)).to_pylist()
    assert [
        statements.run(engine, "test-counts", build, s, sp).to_pylist()[0] for s, sp in cases
    ] == [
        {"n0": 2, "n1": 2, "users": 2, "ended": False},
        {"n0": 1, "n1": 1, "users": 1, "ended": True},
        {"n0": 1, "n1": 1, "users": 1, "ended": True},
    ]


def test_one_compilation_per_shape(monkeypatch) -> None:
    engine = _store()
    compiled: list[object] = []
    original = statements._compile

    def counting(*args: object) -> object:
        compiled.append(args)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(statements, "_compile", counting)
    build = _counts(engine)
    for as_of in (2_000, 2_500, 3_000):
        statements.run(engine, "test-shape", build, Scope("s1", 1_000, None, as_of), [Span(0, 1)])
    statements.run(engine, "test-shape", build, Scope("s1", 1_000, 9_000, 9_000), [Span(0, 1)])
    spans = [Span(0, 1), Span(1, 2)]
    statements.run(engine, "test-shape", build, Scope("s1", 1_000, 9_000, 9_000), spans)
    whole = [Span(999, 9_000, whole=True)]
    statements.run(engine, "test-shape", build, Scope("s1", 1_000, 9_000, 9_000), whole)
    assert len(compiled) == 4  # open session, ended session, two spans, the session range


def test_the_session_range_is_compiled_as_a_whole_range() -> None:
    """A statement of the session range has no bounds to fill in: it tests no row against
    them, as the expression built directly does not (`Span.whole`)."""
    engine = _store()
    scope = Scope("s1", 1_000, 9_000, 9_000)

    def build(sc: Scope, sp: Sequence[Span]) -> ir.Table:
        return measures_table(engine.table("live_events"), sc, sp)

    statement = statements._compile(build, scope, [scope.session_span()])
    assert statement is not None
    assert not {"lo0", "hi0"} & set(statement.slots[1::2])
    got = statements.run(engine, "test-whole", build, scope, [scope.session_span()])
    assert got.to_pylist() == engine.to_arrow(build(scope, [scope.session_span()])).to_pylist()


def test_a_value_derived_from_the_scope_falls_back_to_building_each_time() -> None:
    engine = _store()

    def build(scope: Scope, spans: Sequence[Span]) -> ir.Table:
        ev = session_events(engine.table("live_events"), scope)
        return ev.aggregate(n=ev.count(where=ev.ts <= scope.as_of - 1_000))

    assert statements._compile(build, Scope("s1", 0, None, 5), []) is None
    for as_of, expected in ((2_000, 1), (3_000, 2), (9_000, 3)):
        got = statements.run(engine, "test-derived", build, Scope("s1", 1_000, None, as_of))
        assert got.to_pylist() == [{"n": expected}]


def test_the_measures_statement_equals_the_expression_on_a_real_shape() -> None:
    engine = _store()
    scope = Scope("s1", 1_000, 9_000, 9_000)
    spans = [Span(0, 3_000), Span(3_000, 9_000)]

    def build(sc: Scope, sp: Sequence[Span]) -> ir.Table:
        return measures_table(engine.table("live_events"), sc, sp)

    got = statements.run(engine, "test-measures", build, scope, spans)
    assert got.to_pylist() == engine.to_arrow(build(scope, spans)).to_pylist()
    assert got.to_pylist()[0]["r0__enter_pv"] == 2
