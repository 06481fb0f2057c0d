"""Stream equals batch over real HTTP: shuffled, duplicated events posted in random chunks to a
running server; its snapshot (from the live aggregator) must equal `caopan review --json` of
the same events, for the session and for a window."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.stream.test_aggregator import case
from tests.web.server import ServerProcess, caopan

_sessions = itertools.count()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str]]:
    db = tmp_path_factory.mktemp("live") / "store.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    token = caopan(db, "token", "create", "--provider", "p1")
    proc = ServerProcess(db)
    proc.start()
    yield proc, token
    proc.stop()


def ndjson(rows: list[dict[str, Any]], session: str) -> bytes:
    return b"".join(
        json.dumps(
            {k: v for k, v in {**r, "session_id": session}.items() if v is not None}
        ).encode()
        + b"\n"
        for r in rows
    )


@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case(most=120), st.sampled_from([1, 5, 15]))
def test_the_live_snapshot_equals_caopan_review(
    live_server: tuple[ServerProcess, str], tmp_path: Path, example: Any, window: int
) -> None:
    server, token = live_server
    events, chunks = example
    session = f"h{next(_sessions)}"
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{server.url}/api/sessions/{session}"
    first, rest = chunks[0], chunks[1:]
    assert httpx.post(f"{url}/events", content=ndjson(first, session), headers=headers).is_success
    assert httpx.get(f"{url}/snapshot", timeout=30).is_success  # loaded: the rest is folded
    for chunk in rest:
        answer = httpx.post(f"{url}/events", content=ndjson(chunk, session), headers=headers)
        assert answer.is_success and answer.json()["conflicting"] == 0
    file = tmp_path / f"{session}.ndjson"
    file.write_bytes(ndjson(random.Random(1).sample(events, len(events)), session))
    scratch = tmp_path / f"{session}.duckdb"
    for query, args in (("", ()), (f"?window={window}", ("--window", str(window)))):
        snap = httpx.get(f"{url}/snapshot{query}", timeout=30).json()
        review = caopan(scratch, "review", "--events", str(file), "--json", *args)
        assert snap == json.loads(review)
