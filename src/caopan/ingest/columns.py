"""The cell rules of `caopan.domain.cells`, applied to whole Arrow columns at once.

Each reader takes a string column and returns the typed values (null where the cell is empty
or bad) and a mask of the bad cells; the reason for a bad cell comes from the scalar rule
(`reason`), which the tests hold equal to these readers on random text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caopan.domain import cells
from caopan.domain.errors import InvalidInput
from caopan.domain.layouts import CellType
from caopan.ingest import shapes
from caopan.ingest.shapes import days_from_civil, days_in_month

_STRIP: Final = cells.STRIP
_EMPTY: Final = pa.array(sorted(cells.EMPTY), pa.string())
_NUMBER: Final = r"^(?P<sign>[+-]?)(?P<whole>(?:\d{1,3}(?:,\d{3})+)|\d+)(?:\.(?P<frac>\d+))?$"
_DATE: Final = (
    r"^(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[ T](?P<h>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})(?:\.\d+)?)?)?$"
)
_EXPONENT: Final = np.zeros(256, dtype=bool)
_EXPONENT[[ord("e"), ord("E")]] = True
_EXCEL: Final = r"^\d{5}(?:\.\d{1,15})?$"
BEIJING_MS: Final = 8 * 3_600_000

Column = Any
"""A pyarrow Array or ChunkedArray of strings."""
Parsed = tuple[pa.Array, np.ndarray]
"""Typed values and a boolean mask of bad cells."""


def _np_bool(mask: Column) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _np_int(values: Column) -> np.ndarray:
    return np.asarray(pc.fill_null(values, 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def clean(column: Column) -> pa.Array:
    """Stripped text, null where the cell means empty."""
    column = shapes.as_array(column)
    if shapes.all_dashes(column):
        return pa.nulls(len(column), pa.string())
    text = pc.utf8_trim(column, characters=_STRIP) if shapes.may_need_trim(column) else column
    return pc.if_else(pc.is_in(text, _EMPTY), pa.scalar(None, pa.string()), text)


def read_text(column: Column) -> Parsed:
    values = clean(column)
    return _array(values), np.zeros(len(values), dtype=bool)


def _any(mask: Column) -> bool:
    return bool(pc.any(mask).as_py())


def read_id(column: Column) -> Parsed:
    """Ids (see `cells.clean_id`); each step only when some cell needs it."""
    text = clean(column)
    if text.null_count == len(text):
        return _array(text), np.zeros(len(text), dtype=bool)
    wrapped = pc.and_(pc.starts_with(text, '="'), pc.ends_with(text, '"'))
    unwrapped = _any(wrapped)
    if unwrapped:
        text = pc.if_else(wrapped, pc.utf8_slice_codeunits(text, 2, -1), text)
    if unwrapped or _any(pc.starts_with(text, "'")):
        text = pc.utf8_trim(pc.utf8_ltrim(text, characters="'"), characters=_STRIP)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    if shapes.has_byte(text, _EXPONENT):
        mask = _np_bool(pc.match_substring_regex(text, r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$"))
    else:  # no `e` anywhere: nothing in scientific notation
        mask = np.zeros(len(text), dtype=bool)
    if _any(pc.ends_with(text, ".0")):
        text = pc.replace_substring_regex(text, r"^(\d+)\.0$", r"\1")
    if mask.any():
        text = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), text)
    return _array(text), mask


def read_scaled(column: Column, scale: int) -> Parsed:
    """Numbers as integer counts of 10^-scale (see `cells.parse_scaled`); plain decimals by
    the fast path of `shapes`."""
    cells_ = shapes.as_array(column)
    return shapes.split(
        cells_,
        shapes.plain_number(cells_, scale),
        lambda plain: _plain(plain, scale),
        lambda other: _read_scaled(other, scale),
    )


def _plain(column: pa.Array, scale: int) -> Parsed:
    units = shapes.read_plain_number(column, scale)
    return pa.array(units, pa.int64()), np.zeros(len(units), dtype=bool)


def _read_scaled(column: Column, scale: int) -> Parsed:
    text = clean(column)
    if text.null_count == len(text):  # an empty column (often: `-` all the way down)
        return pa.nulls(len(text), pa.int64()), np.zeros(len(text), dtype=bool)
    present = _np_bool(pc.is_valid(text))
    text = pc.utf8_trim(pc.utf8_ltrim(text, characters="'¥￥"), characters=_STRIP)
    wan = pc.ends_with(text, "万")
    text = pc.if_else(wan, pc.utf8_trim(pc.utf8_slice_codeunits(text, 0, -1), _STRIP), text)
    parts = pc.extract_regex(text, _NUMBER)
    matched = _np_bool(pc.is_valid(parts))
    whole_text = pc.replace_substring(pc.struct_field(parts, "whole"), ",", "")
    frac = pc.struct_field(parts, "frac")
    digits = scale + 4 * _np_bool(wan).astype(np.int64)
    frac_len = _np_int(pc.utf8_length(frac))
    whole_len = _np_int(pc.utf8_length(pc.utf8_ltrim(whole_text, characters="0")))
    ok = matched & (whole_len <= cells.MAX_INTEGER_DIGITS) & (frac_len <= digits)
    whole = _np_int(pc.cast(pc.if_else(pa.array(ok), whole_text, "0"), pa.int64()))
    padded = pc.utf8_rpad(pc.if_else(pa.array(ok), frac, ""), width=10, padding="0")
    frac10 = _np_int(pc.cast(pc.utf8_slice_codeunits(padded, 0, 10), pa.int64()))
    power = (10**digits).astype(np.int64)
    with np.errstate(over="ignore"):
        big = whole.astype(np.float64) * power.astype(np.float64) >= 9.2e18
        ok &= ~big
        units = np.where(ok, whole * power + frac10 // (10 ** (10 - digits)), 0)
    units = np.where(_np_bool(pc.equal(pc.struct_field(parts, "sign"), "-")), -units, units)
    bad = present & ~ok
    return pa.array(units, pa.int64(), mask=~(present & ok)), bad


def read_count(column: Column) -> Parsed:
    units, bad = read_scaled(column, 6)
    values = _np_int(units)
    fraction = values % 1_000_000 != 0
    bad = bad | (fraction & _np_bool(pc.is_valid(units)))
    null = ~_np_bool(pc.is_valid(units)) | bad
    return pa.array(values // 1_000_000, pa.int64(), mask=null), bad


def read_instant(column: Column) -> Parsed:
    """Times as epoch ms UTC (see `cells.parse_instant`); the fixed-width forms by position
    (`shapes.read_date_time`)."""
    cells_ = shapes.as_array(column)
    matrix, lengths = shapes.byte_matrix(cells_, shapes.DATE_WIDTH)
    fast = shapes.date_time_shape(matrix, lengths)
    if fast.all():
        return shapes.read_date_time(matrix, lengths, BEIJING_MS)
    return shapes.split(
        cells_,
        fast,
        lambda dated: shapes.read_date_time(
            *shapes.byte_matrix(dated, shapes.DATE_WIDTH), BEIJING_MS
        ),
        _read_instant,
    )


def _read_instant(column: Column) -> Parsed:
    text = clean(column)
    if text.null_count == len(text):
        return pa.nulls(len(text), pa.int64()), np.zeros(len(text), dtype=bool)
    present = _np_bool(pc.is_valid(text))
    parts = pc.extract_regex(text, _DATE)
    dated = _np_bool(pc.is_valid(parts))
    y, mo, d, h, mi, s = (
        _np_int(pc.cast(pc.if_else(pc.equal(f, ""), "0", f), pa.int64()))
        for f in (pc.struct_field(parts, k) for k in ("y", "mo", "d", "h", "mi", "s"))
    )
    days = days_from_civil(y, mo, d)
    valid = (
        (mo >= 1)
        & (mo <= 12)
        & (d >= 1)
        & (d <= days_in_month(y, mo))
        & (y >= 1)
        & (h < 24)
        & (mi < 60)
        & (s < 60)
    )
    ms = ((days * 86_400 + h * 3_600 + mi * 60 + s) * 1000) - BEIJING_MS
    ok = dated & valid
    values = np.where(ok, ms, 0)
    digits = _np_int(pc.utf8_length(text))
    numeric = _np_bool(pc.match_substring_regex(text, r"^\d+$")) & ~dated
    seconds = numeric & (digits == 10)
    millis = numeric & (digits == 13)
    number = _np_int(pc.cast(pc.if_else(pa.array(seconds | millis), text, "0"), pa.int64()))
    values = np.where(seconds, number * 1000, np.where(millis, number, values))
    ok |= seconds | millis
    excel = np.flatnonzero(_np_bool(pc.match_substring_regex(text, _EXCEL)) & ~ok)
    if len(excel):
        texts = pc.take(text, pa.array(excel)).to_pylist()
        for i, cell in zip(excel, texts, strict=True):
            serial = cells._excel_serial(cell)
            if serial is not None:
                values[i], ok[i] = serial, True
    bad = present & ~ok
    return pa.array(values, pa.int64(), mask=~(present & ok)), bad


def _array(values: Column) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


READERS: Final[dict[CellType, Callable[[Column], Parsed]]] = {
    "id": read_id,
    "text": read_text,
    "money": lambda c: read_scaled(c, 2),
    "price": lambda c: read_scaled(c, 6),
    "count": read_count,
    "instant": read_instant,
}

SCALAR: Final[dict[CellType, Callable[[str], object]]] = {
    "id": cells.clean_id,
    "text": cells.clean_text,
    "money": cells.yuan_to_fen,
    "price": lambda t: cells.parse_scaled(t, 6),
    "count": cells.parse_count,
    "instant": cells.parse_instant,
}

DESCRIBED: Final[dict[CellType, str]] = {
    "id": "an id",
    "text": "text",
    "money": "an amount in 元 (2 decimals at most)",
    "price": "a price in 元",
    "count": "a whole number",
    "instant": "a date and time",
}


def reason(kind: CellType, text: str) -> str:
    """Why a cell the column reader found bad is bad, in the scalar rule's words."""
    try:
        SCALAR[kind](text)
    except InvalidInput as exc:
        return f"{exc} (expected {DESCRIBED[kind]})"
    return f"not {DESCRIBED[kind]}: {text!r}"
