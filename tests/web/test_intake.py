"""The HTTP intake against a real server process: validation, auth, limits, durability."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.server import ServerProcess, caopan

T0 = 1_788_264_000_000


def event(i: int, session: str = "live1", **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "event_id": f"e{i}",
        "session_id": session,
        "ts": T0 + i * 100,
        "type": "like",
        "user_id": f"u{i % 7}",
    }
    base.update(fields)
    return base


def ndjson(events: list[dict[str, object]]) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    db = tmp_path_factory.mktemp("intake") / "store.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    caopan(db, "provider", "add", "p2", "--name", "云集")
    return (
        db,
        caopan(db, "token", "create", "--provider", "p1"),
        caopan(db, "token", "create", "--provider", "p2"),
    )


@pytest.fixture(scope="module")
def server(store: tuple[Path, str, str]) -> Iterator[ServerProcess]:
    proc = ServerProcess(store[0])
    proc.start()
    yield proc
    proc.stop()


def post(server: ServerProcess, token: str | None, body: bytes, session: str = "live1"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        f"{server.url}/api/sessions/{session}/events", content=body, headers=headers, timeout=30
    )


def test_a_batch_is_stored_and_counted(server: ServerProcess, store) -> None:
    _, token, _ = store
    body = ndjson([event(i) for i in range(50)])
    first = post(server, token, body)
    assert first.status_code == 200
    assert first.json() | {"problems": [], "notices": []} == {
        "session_id": "live1",
        "accepted": 50,
        "duplicate": 0,
        "conflicting": 0,
        "rejected": 0,
        "problems": [],
        "notices": [],
    }
    again = post(server, token, body)
    assert (again.json()["accepted"], again.json()["duplicate"]) == (0, 50)


def test_bad_lines_are_reported_by_line_and_the_rest_taken(server: ServerProcess, store) -> None:
    _, token, _ = store
    body = (
        ndjson([event(100)])
        + b"not json\n"
        + ndjson(
            [event(101, amount_fen=-1, type="refund", order_id="o1"), event(102, session="other")]
        )
    )
    answer = post(server, token, body)
    assert answer.status_code == 200
    report = answer.json()
    assert report["accepted"] == 1 and report["rejected"] == 3
    lines = {p["line"]: p for p in report["problems"]}
    assert "malformed JSON" in lines[2]["reason"]
    assert lines[3]["field"] == "amount_fen"
    assert "not the session of the URL" in lines[4]["reason"]


def test_a_body_with_nothing_usable_is_422(server: ServerProcess, store) -> None:
    _, token, _ = store
    answer = post(server, token, b'{"event_id": 1}\n[]\n')
    assert answer.status_code == 422
    assert answer.json()["rejected"] == 2


def test_conflicting_repeats_are_reported(server: ServerProcess, store) -> None:
    _, token, _ = store
    post(server, token, ndjson([event(200, text="first")]))
    answer = post(server, token, ndjson([event(200, text="second")]))
    assert answer.json()["conflicting"] == 1
    assert "first one stands" in answer.json()["problems"][0]["reason"]


def test_tokens(server: ServerProcess, store) -> None:
    _, _, other = store
    body = ndjson([event(300)])
    missing = post(server, None, body)
    assert missing.status_code == 401 and missing.json()["error"] == "Unauthorized"
    wrong = post(server, "cp_not-a-token", body)
    assert wrong.status_code == 403
    assert post(server, other, body).status_code == 403  # live1 belongs to p1
    mine = post(server, other, ndjson([event(1, session="p2s")]), session="p2s")
    assert mine.status_code == 200


def test_limits(server: ServerProcess, store) -> None:
    _, token, _ = store
    too_many = post(server, token, ndjson([event(10_000 + i) for i in range(10_001)]))
    assert too_many.status_code == 413
    assert "10,000" in too_many.json()["message"]
    huge = post(server, token, b"a" * (17 << 20))
    assert huge.status_code == 413


def test_errors_are_json_never_tracebacks(server: ServerProcess) -> None:
    for url in (
        "/api/sessions/nope/snapshot",
        "/api/sessions/live1/snapshot?window=abc",
        "/api/sessions/live1/snapshot?window=0",
        "/nowhere",
    ):
        answer = httpx.get(server.url + url, timeout=30)
        assert answer.status_code in (404, 422), url
        body = answer.json()
        assert set(body) == {"error", "message"}
        assert "Traceback" not in answer.text


def test_the_snapshot_equals_the_review_of_the_same_events(
    server: ServerProcess, store, tmp_path: Path
) -> None:
    _, token, _ = store
    events = [event(i, session="snap", type="enter", source="recommend") for i in range(20)]
    events += [event(20 + i, session="snap", type="leave") for i in range(10)]
    body = ndjson(events)
    assert post(server, token, body, session="snap").status_code == 200
    snap = httpx.get(f"{server.url}/api/sessions/snap/snapshot", timeout=30).json()
    file = tmp_path / "snap.ndjson"
    file.write_bytes(body)
    review = json.loads(
        caopan(tmp_path / "scratch.duckdb", "review", "--events", str(file), "--json")
    )
    assert snap == review


def mixed(i: int, rng: random.Random) -> dict[str, object]:
    """An event of session r1 whose type and user vary: visits, likes, orders."""
    kind = rng.choice(["enter", "enter", "leave", "like", "comment", "order_paid"])
    fields: dict[str, object] = {"type": kind, "user_id": f"u{rng.randint(0, 40)}"}
    if kind == "enter":
        fields["source"] = rng.choice(["recommend", "paid_jinniu", "follow"])
    if kind == "order_paid":
        fields |= {"order_id": f"o{i % 50}", "product_id": "p1", "quantity": 1}
        fields["amount_fen"] = rng.randint(100, 5_000)
    return event(i, session="r1", ts=T0 + rng.randint(0, 1_800_000), **fields)


@pytest.mark.slow
def test_killed_at_random_moments_no_acknowledged_event_is_lost_or_doubled(
    tmp_path: Path,
) -> None:
    """SIGKILL during intake, restart: the store and the live aggregator rebuilt from it hold
    every acknowledged event once; the live snapshot equals `caopan review` of the store."""
    db = tmp_path / "restart.duckdb"
    caopan(db, "provider", "add", "p1", "--name", "星火")
    token = caopan(db, "token", "create", "--provider", "p1")
    rng = random.Random(11)
    acknowledged: set[str] = set()
    sent: list[dict[str, object]] = []
    proc = ServerProcess(db)

    def send(batch: list[dict[str, object]]) -> bool:
        sent.extend(batch)
        resend = rng.sample(sent, min(len(sent), 30))  # repeats must not count twice
        answer = post(proc, token, ndjson(batch + resend), session="r1")
        if answer.status_code == 200:
            acknowledged.update(str(e["event_id"]) for e in batch)
        return answer.status_code == 200

    for round_ in range(6):
        proc.start()
        if round_:  # the aggregator is rebuilt from the store, then folds what comes next
            assert httpx.get(f"{proc.url}/api/sessions/r1/snapshot", timeout=60).is_success
        for _ in range(rng.randint(2, 6)):
            batch = [mixed(len(sent) + k, rng) for k in range(rng.randint(50, 400))]
            try:
                send(batch)
            except httpx.HTTPError:
                break
        proc.kill()  # SIGKILL: no shutdown, no flush
    proc.start()
    rebuilt = httpx.get(f"{proc.url}/api/sessions/r1/snapshot?window=5", timeout=60).json()
    assert send([mixed(len(sent) + k, rng) for k in range(100)])
    folded = httpx.get(f"{proc.url}/api/sessions/r1/snapshot?window=5", timeout=60).json()
    proc.stop()
    stored = json.loads(caopan(db, "db", "info", "--json"))["tables"]["live_events"]
    sent_ids = {str(e["event_id"]) for e in sent}
    assert acknowledged <= sent_ids
    assert len(acknowledged) <= stored <= len(sent_ids)  # nothing acked lost, nothing doubled
    review = json.loads(caopan(db, "review", "r1", "--window", "5", "--json"))
    assert folded == review
    assert rebuilt["metrics"]["watch_pv"]["value"] <= review["metrics"]["watch_pv"]["value"]
