"""Items read ahead on a second thread: in order, errors in place, stopped when left."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from caopan.domain.errors import InvalidInput
from caopan.ingest.ahead import read_ahead


def test_read_ahead_keeps_the_order_raises_in_place_and_stops_when_left() -> None:
    produced: list[int] = []

    def items(fail_at: int | None) -> Iterator[int]:
        for i in range(50):
            if i == fail_at:
                raise InvalidInput(f"bad item {i}")
            produced.append(i)
            yield i

    assert list(read_ahead(items(None))) == list(range(50))
    got: list[int] = []
    with pytest.raises(InvalidInput, match="bad item 7"):
        for item in read_ahead(items(7)):
            got.append(item)
    assert got == list(range(7))  # every item before the failure, then the failure
    produced.clear()
    ahead = read_ahead(items(None), depth=2)
    for item in ahead:
        if item == 3:
            break
    ahead.close()
    assert not [t for t in threading.enumerate() if t.name == "caopan-read"]  # it has ended
    assert len(produced) <= 4 + 2 + 1  # at most `depth` ahead, and one in hand
