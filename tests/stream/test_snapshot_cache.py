"""Snapshots taken between updates: what is kept from one snapshot to the next (each minute's
tally, grown by the rows it gets later) must never make a later snapshot differ from a batch
review of the events seen so far — rows arriving late into a minute already tallied included.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caopan.stream.session import LiveSession
from caopan.stream.snapshot import snapshot
from tests.stream.test_aggregator import MIN, Case, case, ev, table

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
from oracle import Session


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(most=50), st.sampled_from([None, 1, 5, 15]))
def test_a_snapshot_after_every_chunk_equals_the_review_of_what_was_seen(
    example: Case, window: int | None
) -> None:
    _, chunks = example
    live = LiveSession("s1")
    seen: dict[str, dict] = {}
    for chunk in chunks:
        fresh = []
        for row in chunk:  # the event log lets each id through once
            if row["event_id"] not in seen:
                seen[row["event_id"]] = row
                fresh.append(row)
        if fresh:
            live.update(table(fresh))
        if seen:
            events = list(seen.values())
            assert snapshot(live, window) == Session(events).review("s1", window)
            assert snapshot(live) == Session(events).review("s1")


def test_late_rows_into_a_tallied_minute_are_counted() -> None:
    live = LiveSession("s1")
    early = [
        ev("c1", "comment", 10_000, user_id="u1", text="hi"),
        ev("c2", "comment", 20_000, user_id="u2", text="hi"),
        ev("c3", "comment", 3 * MIN + 5_000, user_id="u1", text="hi"),
    ]
    live.update(table(early))
    before = snapshot(live, 5)  # minute 0 is tallied now, and the minute of `as_of` too
    assert before["series"]["comment_pv"] == [2, 0, 0, 1]
    late = [
        ev("c4", "comment", 30_000, user_id="u3", text="hi"),  # a new user, minute 0
        ev("c5", "comment", 40_000, user_id="u2", text="hi"),  # a known one, minute 0
        ev("c6", "comment", 3 * MIN + 1_000, user_id="u3", text="hi"),  # the last minute
    ]
    live.update(table(late))
    after = snapshot(live, 5)
    events = early + late
    assert after == Session(events).review("s1", 5)
    assert after["series"]["comment_pv"] == [4, 0, 0, 2]
    assert after["metrics"]["comment_uv"]["value"] == 3
    whole = snapshot(live)
    assert whole == Session(events).review("s1")
    assert sum(whole["series"]["comment_pv"]) == 6
    more = ev("c7", "comment", 3 * MIN + 6_000, user_id="u4", text="hi")
    live.update(table([more]))  # the last minute grows again after its tally was grown
    assert snapshot(live, 1) == Session([*events, more]).review("s1", 1)
    assert snapshot(live, 1)["metrics"]["comment_uv"]["value"] == 3
