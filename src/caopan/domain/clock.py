"""Time: instants are epoch milliseconds UTC; calendars and display are Asia/Shanghai.

Events carry `ts` in epoch ms (UTC). People read times, dates and months in Beijing time
(UTC+8, no daylight saving), which is also what contract days and statement months mean.

>>> shanghai_text(1_763_800_000_000)
'2025-11-22 16:26:40'
>>> shanghai_date(1_763_800_000_000).isoformat()
'2025-11-22'
>>> month_of(1_763_800_000_000)
'2025-11'
>>> day_start_ms(date(2025, 11, 22))
1763740800000
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import NewType
from zoneinfo import ZoneInfo

EpochMs = NewType("EpochMs", int)
"""An instant: integer milliseconds since 1970-01-01T00:00:00Z."""

SHANGHAI = ZoneInfo("Asia/Shanghai")
MS_PER_SECOND = 1_000
MS_PER_MINUTE = 60_000
MS_PER_DAY = 86_400_000


def to_datetime(ms: int) -> datetime:
    """The instant as an aware datetime in Asia/Shanghai."""
    return (
        datetime.fromtimestamp(ms / 1000, tz=UTC)
        .astimezone(SHANGHAI)
        .replace(microsecond=(ms % 1000) * 1000)
    )


def from_datetime(moment: datetime) -> EpochMs:
    """An aware datetime to epoch ms; a naive one is read as Asia/Shanghai wall time.

    >>> from_datetime(datetime(2026, 9, 10, 8, 0))
    1788998400000
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return EpochMs((delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000)


def shanghai_text(ms: int) -> str:
    """'YYYY-MM-DD HH:MM:SS' in Beijing time."""
    return to_datetime(ms).strftime("%Y-%m-%d %H:%M:%S")


def shanghai_date(ms: int) -> date:
    """The calendar date in Asia/Shanghai of an instant."""
    return to_datetime(ms).date()


def month_of(ms: int) -> str:
    """The calendar month 'YYYY-MM' in Asia/Shanghai of an instant."""
    return to_datetime(ms).strftime("%Y-%m")


def day_start_ms(day: date) -> EpochMs:
    """The first instant of a calendar day in Asia/Shanghai."""
    return from_datetime(datetime(day.year, day.month, day.day, tzinfo=SHANGHAI))


def month_bounds(month: str) -> tuple[EpochMs, EpochMs]:
    """[first instant, first instant of the next month) of 'YYYY-MM' in Asia/Shanghai.

    >>> month_bounds("2026-12")
    (1796054400000, 1798732800000)
    """
    year, mon = (int(part) for part in month.split("-"))
    first = date(year, mon, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return day_start_ms(first), day_start_ms(following)


def now_ms() -> EpochMs:
    """The current instant (the one impure helper here; pass instants in where you can)."""
    return from_datetime(datetime.now(tz=UTC))
