"""Shared fixtures: the conformance suite runs once per engine named by `--engines`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pytest

from caopan.engine.backend import Engine, connect, spark_session

ENGINES = ("duckdb", "spark")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engines",
        default="duckdb",
        help="comma-separated engines for the conformance suite: duckdb, spark",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        names = [n.strip() for n in metafunc.config.getoption("engines").split(",") if n.strip()]
        unknown = set(names) - set(ENGINES)
        if unknown:
            raise pytest.UsageError(f"unknown engines {sorted(unknown)}; known: {ENGINES}")
        metafunc.parametrize("engine_name", names, scope="session")


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Any:
    session = spark_session(str(tmp_path_factory.mktemp("spark-warehouse")))
    yield session
    session.stop()


_databases = itertools.count()


@pytest.fixture
def engine(engine_name: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A fresh, empty store with the schema, on the engine under test."""
    if engine_name == "duckdb":
        eng = connect("duckdb://:memory:")
        yield eng
        eng.close()
        return
    session = request.getfixturevalue("spark")
    name = f"caopan_test_{next(_databases)}"
    session.sql(f"CREATE DATABASE {name}")
    session.catalog.setCurrentDatabase(name)
    eng = Engine(url="pyspark://local", kind="spark", con=ibis.pyspark.connect(session))
    eng.ensure_schema()
    yield eng
    session.catalog.setCurrentDatabase("default")
    session.sql(f"DROP DATABASE {name} CASCADE")


@pytest.fixture
def duckdb_file(tmp_path: Path) -> str:
    """A URL of a fresh DuckDB file store."""
    return f"duckdb:///{tmp_path / 'store.duckdb'}"
