"""Comments and hot words: segmentation examples, and the panel equal to a plain computation
whatever the order and chunking of the events."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.stream.aggregators import Aggregators
from caopan.stream.words import Comments, words
from tests.stream.test_aggregator import ev, table

TEXTS = [
    "多少钱",
    "主播这个多少钱啊",
    "链接在哪",
    "怎么还没上链接",
    "尺码怎么选",
    "有M码吗",
    "发货快吗",
    "哈哈哈哈",
    "已拍",
    "保质期多久",
    "显瘦吗？显瘦吗？",
    "",
    None,
]


def test_words_of_typical_comments() -> None:
    assert words("主播这个多少钱啊") == ("多少钱",)
    assert words("怎么还没上链接") == ("上链接",)
    assert words("尺码怎么选，有M码吗") == ("尺码", "M码")
    assert words("显瘦吗？显瘦吗？") == ("显瘦",)  # once per comment
    assert words("哈哈哈哈 666 !!!") == ()
    assert words(None) == () and words("") == ()


def plain(comments: list[tuple[int, str, str | None]], minutes: int) -> dict[str, Any]:
    """The panel computed directly from the set of comments."""
    kept = [(ts, eid, text) for ts, eid, text in comments if text]
    as_of = max(ts for ts, _, _ in comments)
    latest = sorted(kept, reverse=True)[:5]
    counts = Counter(
        w for ts, _, text in kept if as_of - minutes * 60_000 < ts <= as_of for w in words(text)
    )
    hot = sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:6]
    return {
        "as_of": as_of,
        "total": len(kept),
        "latest": [{"ts": ts, "event_id": eid, "text": text} for ts, eid, text in latest],
        "hot": {"minutes": minutes, "words": [{"word": w, "count": n} for w, n in hot]},
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 40).map(lambda m: m * 15_000),
            st.sampled_from([0, 1, 14_999, 30_000]),
            st.sampled_from(TEXTS),
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([1, 5, 10]),
    st.randoms(use_true_random=False),
)
def test_panel_equals_a_plain_computation(
    drawn: list[tuple[int, int, str | None]], minutes: int, rnd: Any
) -> None:
    comments = [(a + b, f"c{i:03d}", text) for i, (a, b, text) in enumerate(drawn)]
    rows = [ev(eid, "comment", ts, user_id="u1", text=text) for ts, eid, text in comments]
    rnd.shuffle(rows)
    live = Aggregators()
    cut = rnd.randint(0, len(rows))
    live.load("s1", [table(rows[:cut])] if cut else [])
    if not live.loaded("s1"):
        live.load("s1", [table(rows[cut:])])
    else:
        live.fold("s1", table(rows[cut:]))
    live.comments("s1", minutes, latest=5, top=6)  # warm the minute caches, then ask again
    assert live.comments("s1", minutes, latest=5, top=6) == plain(comments, minutes)


def test_a_minute_cache_is_dropped_when_the_minute_gets_more() -> None:
    c = Comments()
    c.add([60_000], ["a"], ["多少钱"])
    assert c.hot(0, 200_000, 5) == [{"word": "多少钱", "count": 1}]
    c.add([60_500], ["b"], ["多少钱？链接"])
    assert c.hot(0, 200_000, 5) == [{"word": "多少钱", "count": 2}, {"word": "链接", "count": 1}]
    assert c.hot(60_000, 200_000, 5) == [
        {"word": "多少钱", "count": 1},
        {"word": "链接", "count": 1},
    ]
