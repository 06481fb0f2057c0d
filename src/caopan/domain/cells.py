"""Cells of exported spreadsheets: what the platforms write, read as values exactly.

Every function here takes the text of one cell and returns a value, `None` for an empty cell,
or raises `InvalidInput` saying what is wrong with it. The vectorised readers
(`caopan.ingest.columns`) apply the same rules to whole columns and are tested against these.

* **Empty**: blank, or `-` (and `--`, `null`, `NULL`), is missing.
* **Ids** are text: a leading tab or apostrophe (written so Excel keeps 19 digits) and an Excel
  `="…"` wrapper are dropped; a float-written id (`17850.0`) loses its `.0`; an id Excel
  turned into scientific notation (`6.91793E+18`) has lost digits and is refused.
* **Amounts** in 元 with up to 2 decimals become integer fen by integer arithmetic (no float,
  no Decimal): `47.22万` is 472,200 元; `¥`, thousands separators and a leading tab are allowed.
* **Instants** (`2026-09-10 08:00:00`, `2026/9/10 8:00` as Excel re-saves it, epoch seconds or
  milliseconds, or an Excel serial day number) are Asia/Shanghai wall time (UTC+8), returned as
  epoch milliseconds UTC; fractions of a second are dropped.

>>> clean_id("\\t6917926768823643751"), clean_id("'6917926768823643751"), clean_id("-")
('6917926768823643751', '6917926768823643751', None)
>>> yuan_to_fen("47.22万"), yuan_to_fen("-12.5"), yuan_to_fen("¥1,234.56"), yuan_to_fen("-")
(47220000, -1250, 123456, None)
>>> parse_instant("2026/9/10 8:00") == parse_instant("2026-09-10 08:00:00") == 1788998400000
True
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

from caopan.domain.errors import InvalidInput

EMPTY: Final = frozenset({"", "-", "--", "null", "NULL", "None"})
"""Cell texts that mean 'no value'."""

STRIP: Final = " \t\r\n\u3000\ufeff"
"""Characters stripped from both ends of every cell (the ideographic space included)."""

MAX_INTEGER_DIGITS: Final = 12
"""Amounts up to 999,999,999,999 元 (and ids are never numbers)."""

NUMBER: Final = re.compile(r"([+-]?)((?:[0-9]{1,3}(?:,[0-9]{3})+)|[0-9]+)(?:\.([0-9]+))?")
SCIENTIFIC: Final = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+")
DATE_TIME: Final = re.compile(
    r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})"
    r"(?:[ T]([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\.[0-9]+)?)?)?"
)
BEIJING: Final = timezone(timedelta(hours=8))
"""Asia/Shanghai as the exports mean it: UTC+8 (China has had no daylight saving since 1991)."""

MAX_UNITS: Final = 2**63 - 1

EXCEL_EPOCH: Final = datetime(1899, 12, 30)
"""Day 0 of Excel's 1900 date system (serial 1 is 1900-01-01; the 1900 leap bug is before 61)."""


def clean_text(text: str | None) -> str | None:
    """A cell's text stripped, or None when it means empty.

    >>> clean_text("  好物 "), clean_text(" - "), clean_text(None)
    ('好物', None, None)
    """
    if text is None:
        return None
    value = text.strip(STRIP)
    return None if value in EMPTY else value


def clean_id(text: str | None) -> str | None:
    """An id cell as a string id (see the module docstring).

    >>> clean_id('="6917926768823643751"'), clean_id("17850.0"), clean_id("85123A")
    ('6917926768823643751', '17850', '85123A')
    >>> clean_id("6.91793E+18")
    Traceback (most recent call last):
    ...
    caopan.domain.errors.InvalidInput: id in scientific notation, digits lost: '6.91793E+18'
    """
    value = clean_text(text)
    if value is None:
        return None
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    value = value.lstrip("'").strip(STRIP)
    if SCIENTIFIC.fullmatch(value):
        raise InvalidInput(f"id in scientific notation, digits lost: {value!r}")
    if re.fullmatch(r"[0-9]+\.0", value):
        value = value[:-2]
    return value or None


def parse_scaled(text: str | None, scale: int) -> int | None:
    """A decimal number as an integer count of 10^-scale units, exactly; `万` multiplies by
    10,000. More decimals than the scale holds is an error, never a rounding.

    >>> parse_scaled("2.55", 2), parse_scaled("0.001", 6), parse_scaled("1.5万", 2)
    (255, 1000, 1500000)
    >>> parse_scaled("0.001", 2)
    Traceback (most recent call last):
    ...
    caopan.domain.errors.InvalidInput: more than 2 decimals: '0.001'
    """
    value = clean_text(text)
    if value is None:
        return None
    value = value.lstrip("'¥￥").strip(STRIP)
    shift = 0
    if value.endswith("万"):
        value, shift = value[:-1].strip(STRIP), 4
    match = NUMBER.fullmatch(value)
    if match is None:
        raise InvalidInput(f"not a number: {text!r}")
    sign, whole, fraction = match.group(1), match.group(2).replace(",", ""), match.group(3) or ""
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise InvalidInput(f"number too large: {text!r}")
    digits = scale + shift
    if len(fraction) > digits:
        raise InvalidInput(f"more than {scale} decimals: {text!r}")
    units: int = int(whole) * 10**digits + int(fraction.ljust(digits, "0") or "0")
    if units > MAX_UNITS:
        raise InvalidInput(f"number too large: {text!r}")
    return -units if sign == "-" else units


def yuan_to_fen(text: str | None) -> int | None:
    """An amount in 元 as integer fen (2 decimals at most; see `parse_scaled`).

    >>> yuan_to_fen("19.9"), yuan_to_fen("0.07"), yuan_to_fen("\\t-3")
    (1990, 7, -300)
    """
    return parse_scaled(text, 2)


def parse_count(text: str | None) -> int | None:
    """A whole number (a quantity, a count): `6`, `6.0` (as Excel writes it), `1,200`.

    >>> parse_count("6.0"), parse_count("-3"), parse_count("-")
    (6, -3, None)
    """
    value = parse_scaled(text, 6)
    if value is None:
        return None
    whole, rest = divmod(abs(value), 10**6)
    if rest:
        raise InvalidInput(f"not a whole number: {text!r}")
    return -whole if value < 0 else whole


def parse_instant(text: str | None) -> int | None:
    """A time cell as epoch milliseconds UTC, read as Asia/Shanghai wall time.

    >>> parse_instant("2026-09-10 08:00:00"), parse_instant("1788998400")
    (1788998400000, 1788998400000)
    >>> parse_instant("46275.3333333333") == parse_instant("2026/9/10 8:00")
    True
    >>> parse_instant("2026-02-30")
    Traceback (most recent call last):
    ...
    caopan.domain.errors.InvalidInput: not a date: '2026-02-30'
    """
    value = clean_text(text)
    if value is None:
        return None
    match = DATE_TIME.fullmatch(value)
    if match is not None:
        y, mo, d, h, mi, s = (int(p) if p else 0 for p in match.groups())
        try:
            moment = datetime(y, mo, d, h, mi, s, tzinfo=BEIJING)
        except ValueError:
            raise InvalidInput(f"not a date: {text!r}") from None
        return _epoch_ms(moment)
    if re.fullmatch(r"[0-9]{10}", value):
        return int(value) * 1000
    if re.fullmatch(r"[0-9]{13}", value):
        return int(value)
    serial = _excel_serial(value)
    if serial is not None:
        return serial
    raise InvalidInput(f"not a date or time: {text!r}")


def _excel_serial(value: str) -> int | None:
    """An Excel serial day number (days since 1899-12-30, fraction = time of day), to the
    second; only serials from 1970 to 2100 (25569–73051) are taken as dates."""
    match = re.fullmatch(r"([0-9]{5})(?:\.([0-9]{1,15}))?", value)
    if match is None:
        return None
    days = int(match.group(1))
    if not 25_569 <= days <= 73_051:
        return None
    fraction = match.group(2) or ""
    numerator = int(fraction or "0")
    denominator = 10 ** len(fraction)
    seconds = (numerator * 86_400 * 2 + denominator) // (2 * denominator)  # half-up
    wall = EXCEL_EPOCH + timedelta(days=days, seconds=seconds)
    return _epoch_ms(wall.replace(tzinfo=BEIJING))


def _epoch_ms(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000
