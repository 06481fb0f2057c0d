"""The registry of live sessions: loaded from stored rows once, folded after, rebuilt on error."""

from __future__ import annotations

import pyarrow as pa
import pytest

from caopan.domain.errors import NotFound
from caopan.stream.aggregators import Aggregators
from tests.stream.test_aggregator import ev, table


def test_load_once_then_fold() -> None:
    live = Aggregators()
    stored = table([ev("a", "enter", 0, user_id="u1", source="recommend")])
    assert not live.fold("s1", stored)  # not loaded: the store has it; nothing to fold into
    live.load("s1", [stored])
    assert live.load("s1", [stored]).events == 1  # loaded already: not read again
    assert live.fold("s1", table([ev("b", "leave", 5_000, user_id="u1")]))
    whole, window = live.pair("s1", 5)
    assert whole["metrics"]["avg_watch_seconds"] == 5.0
    assert window is not None and window["range"] == {"kind": "window", "minutes": 5}
    assert live.latest("s1") == 5_000


def test_an_unknown_session_is_not_kept() -> None:
    live = Aggregators()
    live.load("none", [])
    assert not live.loaded("none") and live.latest("none") is None
    with pytest.raises(KeyError):
        live.snapshot("none", None)
    with pytest.raises(NotFound):
        from caopan.stream.session import LiveSession
        from caopan.stream.snapshot import snapshot

        snapshot(LiveSession("none"))


def test_a_failed_fold_drops_the_session_for_a_rebuild() -> None:
    live = Aggregators()
    live.load("s1", [table([ev("a", "like", 0, user_id="u1")])])
    broken = pa.table({"ts": [1]})  # not event rows: folding fails
    assert not live.fold("s1", broken)
    assert not live.loaded("s1")


def test_an_idle_session_is_dropped_and_rebuilt_equal() -> None:
    now = [0.0]
    live = Aggregators(idle_seconds=60, clock=lambda: now[0])
    stored = table([ev("a", "enter", 0, user_id="u1", source="recommend")])
    live.load("watched", [stored])
    live.load("idle", [stored])
    before = live.snapshot("idle", 5)
    now[0] = 50.0
    live.snapshot("watched", None)  # asked about: stays
    now[0] = 61.0
    assert live.evict() == ["idle"]
    assert not live.loaded("idle") and live.loaded("watched")
    with pytest.raises(KeyError):  # the server falls back to the store, then reloads it
        live.snapshot("idle", 5)
    assert live.evict() == []  # the ask above left nothing behind
    assert live.load("idle", [stored]) is not None and live.snapshot("idle", 5) == before
    now[0] = 100.0
    assert live.fold("watched", table([ev("b", "leave", 5_000, user_id="u1")]))  # events: stays
    now[0] = 150.0
    assert live.evict() == ["idle"]
    assert live.loaded("watched")
    now[0] = 500.0
    assert live.evict(watched=["watched"]) == []  # a screen is subscribed to it
    now[0] = 559.0
    assert live.evict() == [] and live.loaded("watched")
