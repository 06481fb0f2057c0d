"""Fast paths for the shapes most cells have: plain decimals and fixed-width date-times.

Nearly every amount in an export is written `398.00` or `-12.5`, and nearly every time
`2026-09-10 08:00:00` (with or without milliseconds) or Excel's `2026/09/10 08:00`. Cells of
exactly those shapes are read here with a few Arrow kernels or by position in a byte matrix;
every other cell (`47.22万`, `¥1,234.56`, `2026/9/10 8:00`, epoch seconds, padding, typos) goes
through the general readers of `caopan.ingest.columns`, so the fast paths only decide what they
are sure of. The property tests hold the combination equal to `caopan.domain.cells` on random
text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Parsed = tuple[pa.Array, np.ndarray]
"""Typed values and a boolean mask of bad cells."""

MAX_WHOLE_DIGITS: Final = 12
"""As `caopan.domain.cells.MAX_INTEGER_DIGITS`: with at most 6 decimals a value has at most
18 digits, so it always fits an int64."""

DATE_WIDTH: Final = 29
"""`YYYY-MM-DD HH:MM:SS` and up to 9 digits of a fraction of a second."""


def as_array(column: Any) -> pa.Array:
    """One Arrow array of the column (a ChunkedArray is combined)."""
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def plain_number(column: pa.Array, scale: int) -> np.ndarray:
    """Which cells are a plain decimal `-?D{1,12}(.D{1,scale})?` with nothing around it."""
    pattern = rf"^-?[0-9]{{1,{MAX_WHOLE_DIGITS}}}(?:\.[0-9]{{1,{scale}}})?$"
    return _mask(pc.match_substring_regex(column, pattern))


def read_plain_number(column: pa.Array, scale: int) -> np.ndarray:
    """Plain decimals (every cell passes `plain_number`) as integer counts of 10^-scale,
    exactly: the digits without the point, times 10^(scale - decimals)."""
    length = _int(pc.binary_length(column))
    point = _int(pc.find_substring(column, "."))
    decimals = np.where(point >= 0, length - point - 1, 0)
    digits = _int(pc.cast(pc.replace_substring(column, ".", ""), pa.int64()))
    powers = 10 ** np.arange(scale + 1, dtype=np.int64)
    return np.asarray(digits * powers[scale - decimals], dtype=np.int64)


_EDGE_FIRST: Final = np.zeros(256, dtype=bool)
_EDGE_FIRST[list(b" \t\r\n\xe3\xef")] = True
_EDGE_LAST: Final = np.zeros(256, dtype=bool)
_EDGE_LAST[list(b" \t\r\n\x80\xbf")] = True


def _offsets(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets of a string column's cells and its data bytes."""
    _, offsets_buffer, data_buffer = column.buffers()
    n = len(column)
    offsets = np.frombuffer(offsets_buffer, np.int32)[column.offset : column.offset + n + 1]
    if data_buffer is None or n == 0:
        return offsets, np.zeros(0, np.uint8)
    return offsets, np.frombuffer(data_buffer, np.uint8)


def may_need_trim(column: pa.Array) -> bool:
    """Whether any cell may start or end with a character of `cells.STRIP` (white space,
    U+3000, U+FEFF), judged by its first and last byte (the lead byte of U+3000 and U+FEFF,
    the last byte of both): False means no cell does. (A null cell has no bytes.)"""
    offsets, data = _offsets(column)
    if data.size == 0:
        return False
    # an empty cell looks at a neighbour's byte: at worst a needless trim
    first = data[np.minimum(offsets[:-1], data.size - 1)]
    last = data[np.maximum(offsets[1:] - 1, 0)]
    return bool(_EDGE_FIRST[first].any() or _EDGE_LAST[last].any())


def all_dashes(column: pa.Array) -> bool:
    """Whether every cell is exactly `-` (a column the export left empty all the way down)."""
    offsets, data = _offsets(column)
    span = data[offsets[0] : offsets[-1]]
    return bool(column.null_count == 0 and span.size == len(column) and (span == 45).all())


def has_byte(column: pa.Array, table: np.ndarray) -> bool:
    """Whether any cell holds a byte marked in `table` (256 booleans)."""
    offsets, data = _offsets(column)
    if data.size == 0:
        return False
    return bool(table[data[offsets[0] : offsets[-1]]].any())


def byte_matrix(column: pa.Array, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's first `width` bytes as a row of an (n, width) matrix, and each cell's
    length in bytes (a null cell has length 0). Bytes past a cell's length are undefined (the
    next cells' or zero): readers look only at positions below the length."""
    if column.null_count:
        column = pc.fill_null(column, "")
    n = len(column)
    _, offsets_buffer, data_buffer = column.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int32)[column.offset : column.offset + n + 1]
    lengths = (offsets[1:] - offsets[:-1]).astype(np.int64)
    data = np.zeros(offsets[-1] - offsets[0] + width if n else width, np.uint8)
    if n and data_buffer is not None and data_buffer.size:
        used = np.frombuffer(data_buffer, np.uint8)[offsets[0] : offsets[-1]]
        data[: used.size] = used
    windows = np.lib.stride_tricks.sliding_window_view(data, width)
    return windows[offsets[:-1] - offsets[0]], lengths


def _digits(matrix: np.ndarray, start: int, stop: int) -> np.ndarray:
    found = (matrix[:, start] - np.uint8(48)) <= 9
    for j in range(start + 1, stop):  # column by column: numpy is slow along a short axis
        found &= (matrix[:, j] - np.uint8(48)) <= 9
    return np.asarray(found, dtype=bool)


def _one_of(column: np.ndarray, characters: bytes) -> np.ndarray:
    found = column == characters[0]
    for character in characters[1:]:
        found |= column == character
    return np.asarray(found, dtype=bool)


def date_time_shape(matrix: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Which cells are `YYYY?MM?DD`, `… HH:MM`, `… HH:MM:SS` or `… HH:MM:SS.f…` exactly
    (? one of `-/.`, the date and time parted by a space or `T`)."""
    ok = (lengths == 10) | (lengths == 16) | (lengths == 19)
    ok |= (lengths >= 21) & (lengths <= DATE_WIDTH)
    ok &= _digits(matrix, 0, 4) & _digits(matrix, 5, 7) & _digits(matrix, 8, 10)
    ok &= _one_of(matrix[:, 4], b"-/.") & _one_of(matrix[:, 7], b"-/.")
    timed = lengths >= 16
    ok &= ~timed | (
        _one_of(matrix[:, 10], b" T")
        & _digits(matrix, 11, 13)
        & (matrix[:, 13] == ord(":"))
        & _digits(matrix, 14, 16)
    )
    ok &= (lengths < 19) | (_digits(matrix, 17, 19) & (matrix[:, 16] == ord(":")))
    fraction = ok & (lengths >= 21)
    if fraction.any():
        ok &= ~fraction | (matrix[:, 19] == ord("."))
        for j in range(20, DATE_WIDTH):
            ok &= (lengths <= j) | ((matrix[:, j] - np.uint8(48)) <= 9)
    return np.asarray(ok, dtype=bool)


def read_date_time(matrix: np.ndarray, lengths: np.ndarray, offset_ms: int) -> Parsed:
    """Cells of `date_time_shape` as epoch ms UTC (wall time minus `offset_ms`), and the ones
    that are no real date or time (month 13, 30 February, 24:00)."""

    def two(i: int) -> np.ndarray:
        tens = matrix[:, i].astype(np.int64) - 48
        return np.asarray(tens * 10 + matrix[:, i + 1] - 48, dtype=np.int64)

    y = two(0) * 100 + two(2)
    mo, day = two(5), two(8)
    timed = lengths >= 16
    h, mi = np.where(timed, two(11), 0), np.where(timed, two(14), 0)
    s = np.where(lengths >= 19, two(17), 0)
    valid = (y >= 1) & (mo >= 1) & (mo <= 12) & (day >= 1) & (h < 24) & (mi < 60) & (s < 60)
    valid &= day <= days_in_month(y, mo)
    days = days_from_civil(y, mo, day)
    ms = (days * 86_400 + h * 3_600 + mi * 60 + s) * 1000 - offset_ms
    return pa.array(np.where(valid, ms, 0), pa.int64(), mask=~valid), ~valid


def days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm).

    >>> int(days_from_civil(np.array([2026]), np.array([9]), np.array([10]))[0])
    20706
    """
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return np.asarray(era * 146_097 + doe - 719_468, dtype=np.int64)


def days_in_month(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    table = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    return np.asarray(table[np.clip(m, 0, 12)] + (leap & (m == 2)), dtype=np.int64)


def split(
    column: pa.Array,
    fast: np.ndarray,
    read_fast: Callable[[pa.Array], Parsed],
    read_general: Callable[[pa.Array], Parsed],
) -> Parsed:
    """Read the `fast` cells with `read_fast` and the others with `read_general`, in order."""
    if fast.all():
        return read_fast(column)
    if not fast.any():
        return read_general(column)
    quick, other = np.flatnonzero(fast), np.flatnonzero(~fast)
    values_fast, bad_fast = read_fast(column.take(pa.array(quick)))
    values_other, bad_other = read_general(column.take(pa.array(other)))
    where = np.empty(len(column), np.int64)
    where[quick] = np.arange(len(quick))
    where[other] = len(quick) + np.arange(len(other))
    values = pa.concat_arrays([as_array(values_fast), as_array(values_other)])
    bad = np.concatenate([bad_fast, bad_other])[where]
    return values.take(pa.array(where)), bad


def _mask(values: Any) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _int(values: Any) -> np.ndarray:
    return np.asarray(pc.fill_null(values, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
