"""Price bands and RFM buyer segments, for the goods and people lenses.

>>> price_band(4_999), price_band(5_000), price_band(100_000)
('<¥50', '¥50–100', '≥¥500')
>>> [s["segment"] for s in rfm_segments([(3.0, 3, 50_000), (70.0, 1, 100)])]
['重要价值 champions', '新客 new', '一般保持 regular', '流失风险 at risk', '沉睡 dormant']
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median
from typing import Any, Final

PRICE_BANDS: Final = (
    ("<¥50", 0, 5_000),
    ("¥50–100", 5_000, 10_000),
    ("¥100–200", 10_000, 20_000),
    ("¥200–500", 20_000, 50_000),
    ("≥¥500", 50_000, None),
)
"""Unit-price bands (name, from fen inclusive, to fen exclusive)."""


def price_band(unit_price_fen: int | None) -> str:
    price = unit_price_fen or 0
    for name, low, high in PRICE_BANDS:
        if price >= low and (high is None or price < high):
            return name
    return PRICE_BANDS[0][0]


SEGMENTS: Final = (
    "重要价值 champions",
    "新客 new",
    "一般保持 regular",
    "流失风险 at risk",
    "沉睡 dormant",
)


def rfm_segments(buyers: Sequence[tuple[float, int, int]]) -> list[dict[str, Any]]:
    """Buyers by segment from (days since last order, orders, merchandise fen):

    * 重要价值 champions — bought in the last 30 days, more than once, spent at least the median;
    * 新客 new — bought in the last 30 days, once;
    * 一般保持 regular — the other recent buyers;
    * 流失风险 at risk — last bought 30–60 days ago;
    * 沉睡 dormant — longer ago.
    """
    m = median([b[2] for b in buyers]) if buyers else 0
    counts = dict.fromkeys(SEGMENTS, 0)
    spend = dict.fromkeys(SEGMENTS, 0)
    for recency, frequency, monetary in buyers:
        if recency <= 30:
            if frequency >= 2 and monetary >= m:
                name = SEGMENTS[0]
            elif frequency == 1:
                name = SEGMENTS[1]
            else:
                name = SEGMENTS[2]
        elif recency <= 60:
            name = SEGMENTS[3]
        else:
            name = SEGMENTS[4]
        counts[name] += 1
        spend[name] += monetary
    return [{"segment": s, "buyers": counts[s], "monetary_fen": spend[s]} for s in SEGMENTS]
