"""Tests for caopan.domain.clock: epoch ms UTC instants, Asia/Shanghai dates and months."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain.clock import (
    MS_PER_DAY,
    SHANGHAI,
    day_start_ms,
    from_datetime,
    month_bounds,
    month_of,
    now_ms,
    shanghai_date,
    shanghai_text,
    to_datetime,
)

MAX_MS = 4 * 10**12  # 2096-10-02


def _utc_ms(year: int, month: int, day: int, hour=0, minute=0, second=0, ms=0) -> int:
    """Epoch ms of a UTC wall time, computed independently of the module under test."""
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) * 1000 + ms


def test_utc_ms_helper_matches_literals():
    assert _utc_ms(1970, 1, 1, 0, 0, 0) == 0
    assert _utc_ms(2026, 10, 31, 16, 0, 0) == 1_793_462_400_000
    assert _utc_ms(2026, 10, 31, 15, 59, 59, 999) == 1_793_462_399_999


# --------------------------------------------------------------------------- day and month


@pytest.mark.parametrize(
    ("ms", "day", "month"),
    [
        # 2026-10-31T16:00:00Z is midnight 2026-11-01 in Shanghai (UTC+8).
        (1_793_462_400_000, date(2026, 11, 1), "2026-11"),
        # One millisecond earlier is still 23:59:59.999 on 2026-10-31.
        (1_793_462_399_999, date(2026, 10, 31), "2026-10"),
        # 2026-10-31T00:00Z is 08:00 on the 31st.
        (_utc_ms(2026, 10, 31, 0, 0, 0), date(2026, 10, 31), "2026-10"),
        # Year boundary: 2026-12-31T16:00Z is 2027-01-01 00:00 in Shanghai.
        (_utc_ms(2026, 12, 31, 16, 0, 0), date(2027, 1, 1), "2027-01"),
        (_utc_ms(2026, 12, 31, 15, 59, 59, 999), date(2026, 12, 31), "2026-12"),
        # Leap day.
        (_utc_ms(2028, 2, 28, 16, 0, 0), date(2028, 2, 29), "2028-02"),
        (_utc_ms(2028, 2, 29, 16, 0, 0), date(2028, 3, 1), "2028-03"),
        # The epoch is 08:00 on 1970-01-01 in Shanghai.
        (0, date(1970, 1, 1), "1970-01"),
        # Module docstring example.
        (1_763_800_000_000, date(2025, 11, 22), "2025-11"),
    ],
)
def test_shanghai_date_and_month_of(ms, day, month):
    assert shanghai_date(ms) == day
    assert month_of(ms) == month


def test_shanghai_text():
    assert shanghai_text(1_763_800_000_000) == "2025-11-22 16:26:40"
    assert shanghai_text(1_793_462_400_000) == "2026-11-01 00:00:00"
    assert shanghai_text(1_793_462_399_999) == "2026-10-31 23:59:59"
    assert shanghai_text(0) == "1970-01-01 08:00:00"


def test_to_datetime_is_aware_shanghai_with_milliseconds():
    moment = to_datetime(1_793_462_399_999)
    assert moment.utcoffset() == timedelta(hours=8)
    assert moment.tzinfo is not None
    assert (moment.year, moment.month, moment.day) == (2026, 10, 31)
    assert (moment.hour, moment.minute, moment.second) == (23, 59, 59)
    assert moment.microsecond == 999_000
    assert moment == datetime(2026, 10, 31, 15, 59, 59, 999_000, tzinfo=UTC)
    assert to_datetime(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert to_datetime(1).microsecond == 1000


# --------------------------------------------------------------------------- from_datetime


def test_from_datetime_naive_is_shanghai_wall_time():
    # Module docstring: 08:00 Beijing time is 00:00 UTC.
    assert from_datetime(datetime(2026, 9, 10, 8, 0)) == 1_788_998_400_000
    assert from_datetime(datetime(2026, 9, 10, 8, 0)) == _utc_ms(2026, 9, 10, 0, 0, 0)
    assert from_datetime(datetime(2026, 11, 1, 0, 0)) == 1_793_462_400_000
    assert from_datetime(datetime(2026, 10, 31, 23, 59, 59, 999_000)) == 1_793_462_399_999
    assert from_datetime(datetime(1970, 1, 1, 8, 0)) == 0


def test_from_datetime_aware_uses_its_own_offset():
    expected = _utc_ms(2026, 9, 10, 0, 0, 0)
    assert from_datetime(datetime(2026, 9, 10, 0, 0, tzinfo=UTC)) == expected
    assert from_datetime(datetime(2026, 9, 10, 8, 0, tzinfo=SHANGHAI)) == expected
    minus_five = timezone(timedelta(hours=-5))
    assert from_datetime(datetime(2026, 9, 9, 19, 0, tzinfo=minus_five)) == expected
    plus_530 = timezone(timedelta(hours=5, minutes=30))
    assert from_datetime(datetime(2026, 9, 10, 5, 30, tzinfo=plus_530)) == expected
    # A naive and an aware datetime with the same wall clock differ unless the zone is Shanghai.
    assert from_datetime(datetime(2026, 9, 10, 0, 0)) == expected - 8 * 3_600_000


def test_from_datetime_truncates_sub_millisecond_parts():
    base = _utc_ms(2026, 9, 10, 0, 0, 0)
    assert from_datetime(datetime(2026, 9, 10, 0, 0, 0, 999, tzinfo=UTC)) == base
    assert from_datetime(datetime(2026, 9, 10, 0, 0, 0, 1_000, tzinfo=UTC)) == base + 1
    assert from_datetime(datetime(2026, 9, 10, 0, 0, 0, 999_999, tzinfo=UTC)) == base + 999


def test_from_datetime_returns_int():
    value = from_datetime(datetime(2026, 9, 10, 8, 0))
    assert type(value) is int


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=MAX_MS))
def test_round_trip_ms_to_datetime_and_back(ms):
    assert from_datetime(to_datetime(ms)) == ms


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=MAX_MS))
def test_to_datetime_is_the_same_instant_as_utc(ms):
    expected = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    assert to_datetime(ms) == expected
    assert to_datetime(ms).microsecond == (ms % 1000) * 1000


@settings(max_examples=200)
@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2096, 1, 1)))
def test_round_trip_naive_shanghai_wall_time(moment):
    # Away from historical DST transitions, naive Shanghai wall times round-trip (to the ms).
    if date(1986, 1, 1) <= moment.date() <= date(1992, 1, 1):
        return
    back = to_datetime(from_datetime(moment))
    assert back.replace(tzinfo=None) == moment.replace(
        microsecond=moment.microsecond // 1000 * 1000
    )


# --------------------------------------------------------------------------- day_start and month


def test_day_start_ms():
    assert day_start_ms(date(2025, 11, 22)) == 1_763_740_800_000
    assert day_start_ms(date(2026, 11, 1)) == 1_793_462_400_000
    assert day_start_ms(date(1970, 1, 2)) == 16 * 3_600_000


@settings(max_examples=200)
@given(st.dates(min_value=date(1992, 1, 1), max_value=date(2096, 1, 1)))
def test_day_start_is_the_first_instant_of_the_day(day):
    start = day_start_ms(day)
    assert shanghai_date(start) == day
    assert shanghai_date(start - 1) == day - timedelta(days=1)
    assert day_start_ms(day + timedelta(days=1)) - start == MS_PER_DAY


def test_month_bounds_december_crosses_the_year():
    start, end = month_bounds("2026-12")
    assert (start, end) == (1_796_054_400_000, 1_798_732_800_000)
    assert start == _utc_ms(2026, 11, 30, 16, 0, 0)
    assert end == _utc_ms(2026, 12, 31, 16, 0, 0)
    assert month_of(start) == "2026-12"
    assert month_of(start - 1) == "2026-11"
    assert month_of(end - 1) == "2026-12"
    assert month_of(end) == "2027-01"
    assert end - start == 31 * MS_PER_DAY


def test_month_bounds_february_of_a_leap_year():
    start, end = month_bounds("2028-02")
    assert (start, end) == (1_832_947_200_000, 1_835_452_800_000)
    assert start == _utc_ms(2028, 1, 31, 16, 0, 0)
    assert end == _utc_ms(2028, 2, 29, 16, 0, 0)
    assert end - start == 29 * MS_PER_DAY
    assert shanghai_date(end - 1) == date(2028, 2, 29)
    assert shanghai_date(end) == date(2028, 3, 1)


def test_month_bounds_february_of_a_common_year():
    start, end = month_bounds("2027-02")
    assert (start, end) == (_utc_ms(2027, 1, 31, 16, 0, 0), _utc_ms(2027, 2, 28, 16, 0, 0))
    assert end - start == 28 * MS_PER_DAY


@pytest.mark.parametrize(
    ("month", "days"),
    [("2026-01", 31), ("2026-04", 30), ("2026-11", 30), ("2100-02", 28), ("2000-02", 29)],
)
def test_month_bounds_lengths(month, days):
    start, end = month_bounds(month)
    assert end - start == days * MS_PER_DAY
    assert month_of(start) == month
    assert month_of(end - 1) == month
    assert month_of(end) != month


@settings(max_examples=200)
@given(st.integers(min_value=_utc_ms(1992, 1, 1, 0, 0, 0), max_value=MAX_MS))
def test_month_bounds_contain_the_instant(ms):
    start, end = month_bounds(month_of(ms))
    assert start <= ms < end
    assert month_of(start) == month_of(ms)
    assert month_of(start - 1) != month_of(ms)
    assert shanghai_date(start).day == 1


def test_now_ms_is_current_epoch_ms():
    before = time.time_ns() // 1_000_000
    value = now_ms()
    after = time.time_ns() // 1_000_000
    assert before <= value <= after + 1
