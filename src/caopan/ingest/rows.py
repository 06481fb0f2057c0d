"""Turn a chunk of text cells into typed stage rows, and every bad cell into a problem.

A chunk (from `caopan.ingest.sheets`) is read field by field with the vectorised cell rules
(`caopan.ingest.columns`); a row with a bad cell, a missing required value or (bills) a broken
identity is set aside with every problem it has, each naming the row, the column and the value.
Good rows become the layout's stage table: the canonical fields, the record number (`row`),
and every column the layout does not map, kept raw as one JSON object (`raw`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caopan.domain.cells import STRIP, clean_text
from caopan.domain.layouts import CellType, Field, Layout, header_key
from caopan.ingest.columns import READERS, clean, reason
from caopan.ingest.mappings import GENERIC_FIELDS
from caopan.ingest.shapes import has_byte

MICROS_PER_FEN: Final = 10_000
TYPES: Final[dict[CellType, pa.DataType]] = {
    "id": pa.string(),
    "text": pa.string(),
    "money": pa.int64(),
    "price": pa.int64(),
    "count": pa.int64(),
    "instant": pa.int64(),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one row: where, which column, the value, why."""

    row: int
    column: str | None
    value: str | None
    reason: str

    def message(self, source: str) -> str:
        where = f"{source}: row {self.row}"
        if self.column is None:
            return f"{where}: {self.reason}"
        return f"{where}, column {self.column} = {self.value!r}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Plan:
    """How a file's header maps onto a layout: the cell column(s) of each field and the
    columns kept raw."""

    layout: Layout
    header: list[str]
    sources: dict[str, list[int]]
    raw: list[tuple[int, str]]

    @classmethod
    def of(cls, layout: Layout, header: list[str]) -> Plan:
        keys = [header_key(h) for h in header]
        sources: dict[str, list[int]] = {}
        used: set[int] = set()
        for f in layout.fields:
            found = [keys.index(header_key(c)) for c in f.columns if header_key(c) in keys]
            if found:
                sources[f.name] = found if f.total else found[:1]
                used.update(sources[f.name])
        raw = [(i, h or f"column {i + 1}") for i, h in enumerate(header) if i not in used]
        names: set[str] = set()
        unique = []
        for i, given in raw:
            name = given
            while name in names:
                name += "'"
            names.add(name)
            unique.append((i, name))
        return cls(layout, header, sources, unique)

    def stage_schema(self) -> pa.Schema:
        fields = [pa.field(f, TYPES[t]) for f, t in field_types(self.layout).items()]
        fields += [pa.field("row", pa.int64())]
        if self.layout.target == "orders":
            fields += [pa.field("is_refund", pa.bool_()), pa.field("non_product", pa.string())]
        fields += [pa.field("raw", pa.string())]
        return pa.schema(fields)


def field_types(layout: Layout) -> dict[str, CellType]:
    """The stage fields of a layout's target: every order-line field for order files."""
    if layout.target == "orders":
        return dict(GENERIC_FIELDS)
    return {f.name: f.type for f in layout.fields}


@dataclass(slots=True)
class Staged:
    rows: pa.Table
    problems: list[Problem]
    bad_rows: dict[int, list[str]]
    typed_cells: int = 0


def stage_chunk(plan: Plan, chunk: pa.Table, undecodable: bool = True) -> Staged:
    """Read one chunk: the good rows as the stage table, the bad rows with their problems
    (`undecodable`: the file had bytes its encoding could not decode, so look for U+FFFD)."""
    n = chunk.num_rows
    rows = chunk.column("row")
    numbers = rows.to_numpy()
    bad = np.zeros(n, dtype=bool)
    problems: list[tuple[int, Problem]] = []
    values: dict[str, pa.Array] = {}
    if undecodable:
        _undecodable(plan, chunk, numbers, bad, problems)
    by_name = {f.name: f for f in plan.layout.fields}
    for name, kind in field_types(plan.layout).items():
        field = by_name.get(name)
        if field is None or name not in plan.sources:
            values[name] = pa.nulls(n, TYPES[kind])
            continue
        values[name] = _read_field(plan, field, chunk, numbers, bad, problems)
        if field.required:
            missing = ~np.asarray(pc.is_valid(values[name]).to_numpy(zero_copy_only=False)) & ~bad
            column = plan.header[plan.sources[name][0]]
            for j in np.flatnonzero(missing).tolist():
                problems.append((j, Problem(int(numbers[j]), column, "", "missing value")))
            bad |= missing
    for name, f in by_name.items():
        if f.required and name not in plan.sources:  # a generic mapping's column is absent
            for k in range(n):
                problems.append((k, Problem(int(numbers[k]), f.columns[0], None, "no such column")))
            bad[:] = True
    if plan.layout.target == "orders":
        _order_rules(plan, values, numbers, bad, problems)
    if plan.layout.target == "bill":
        _bill_identity(plan, values, numbers, bad, problems)
    columns = dict(values)
    columns["row"] = rows.combine_chunks() if isinstance(rows, pa.ChunkedArray) else rows
    if plan.layout.target == "orders":
        columns |= _order_flags(plan, values)
    columns["raw"] = raw_json(chunk, plan.raw)
    table = pa.table(columns, schema=plan.stage_schema())
    bad_rows = {
        int(numbers[i]): [str(chunk.column(f"c{j}")[int(i)]) for j in range(len(plan.header))]
        for i in np.flatnonzero(bad)
    }
    kept = table.filter(pa.array(~bad)) if bad.any() else table
    return Staged(kept, [p for _, p in problems], bad_rows)


_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
_SPECIAL = np.zeros(256, dtype=bool)
_SPECIAL[[*range(0x20), ord('"'), ord("\\")]] = True
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


def raw_json(chunk: pa.Table, raw: list[tuple[int, str]]) -> pa.Array:
    """The unmapped cells of each row as a JSON object (header → text), empty cells left out;
    built column-wise (a row with a rare control character goes through `json.dumps`).

    >>> t = pa.table({"c0": ["a", "-"], "c1": ["好", ""]})
    >>> raw_json(t, [(0, "x"), (1, "y")]).to_pylist()
    ['{"x":"a","y":"好"}', None]
    """
    if not raw:
        return pa.nulls(chunk.num_rows, pa.string())
    pieces = []
    odd = np.zeros(chunk.num_rows, dtype=bool)
    for index, name in raw:
        text = clean(chunk.column(f"c{index}"))
        if text.null_count == len(text):  # empty all the way down: nothing to keep
            continue
        if has_byte(text, _SPECIAL):
            odd |= np.asarray(
                pc.fill_null(pc.match_substring_regex(text, _CONTROL), False).to_numpy(False),
                bool,
            )
            for char, escaped in _ESCAPES:
                text = pc.replace_substring(text, char, escaped)
        pieces.append((json.dumps(name, ensure_ascii=False), text))
    if not pieces:
        return pa.nulls(chunk.num_rows, pa.string())
    if len(pieces) == 1:  # one column with cells: {"key":"text"}, null where it is empty
        key, text = pieces[0]
        result = pc.binary_join_element_wise(f'{{{key}:"', text, '"}', "")
    else:
        body = pc.binary_join_element_wise(
            *(pc.binary_join_element_wise(f',{key}:"', text, '"', "") for key, text in pieces),
            "",
            null_handling="replace",
            null_replacement="",
        )
        joined = pc.binary_join_element_wise("{", pc.utf8_slice_codeunits(body, 1), "}", "")
        result = pc.if_else(pc.equal(body, ""), pa.scalar(None, pa.string()), joined)
    if odd.any():
        values = result.to_pylist()
        for i in np.flatnonzero(odd).tolist():
            cells = {name: chunk.column(f"c{index}")[i].as_py() for index, name in raw}
            kept = {k: v.strip(STRIP) for k, v in cells.items() if clean_text(v) is not None}
            values[i] = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
        result = pa.array(values, pa.string())
    return result


def _undecodable(
    plan: Plan,
    chunk: pa.Table,
    numbers: np.ndarray,
    bad: np.ndarray,
    problems: list[tuple[int, Problem]],
) -> None:
    """Cells with bytes the file's encoding could not decode (read as U+FFFD)."""
    for index, name in enumerate(plan.header):
        cells = chunk.column(f"c{index}")
        mask = np.asarray(
            pc.fill_null(pc.match_substring(cells, "\ufffd"), False).to_numpy(False), bool
        )
        for i in np.flatnonzero(mask & ~bad).tolist():
            text = cells[i].as_py()
            why = "bytes that are not text in the file's encoding (shown as \ufffd)"
            problems.append((i, Problem(int(numbers[i]), name, text, why)))
        bad |= mask


def _read_field(
    plan: Plan,
    field: Field,
    chunk: pa.Table,
    numbers: np.ndarray,
    bad: np.ndarray,
    problems: list[tuple[int, Problem]],
) -> pa.Array:
    total: pa.Array | None = None
    for index in plan.sources[field.name]:
        cells = chunk.column(f"c{index}")
        parsed, mask = READERS[field.type](cells)
        if mask.any():
            texts = pc.take(cells, pa.array(np.flatnonzero(mask))).to_pylist()
            for i, text in zip(np.flatnonzero(mask), texts, strict=True):
                why = reason(field.type, text)
                problems.append((int(i), Problem(int(numbers[i]), plan.header[index], text, why)))
            bad |= mask
        if total is None:
            total = parsed
        else:  # a total of several money columns: null only when all are
            both = pc.add_checked(pc.fill_null(total, 0), pc.fill_null(parsed, 0))
            total = pc.if_else(pc.and_(pc.is_null(total), pc.is_null(parsed)), None, both)
    assert total is not None
    return total


def _order_rules(
    plan: Plan,
    values: dict[str, pa.Array],
    numbers: np.ndarray,
    bad: np.ndarray,
    problems: list[tuple[int, Problem]],
) -> None:
    """A generic file without a paid column pays quantity × unit price, half-up to the fen."""
    if "paid" in plan.sources or "unit_price" not in plan.sources:
        return
    quantity = values["quantity"]
    price = values["unit_price"]
    q = np.asarray(pc.fill_null(quantity, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    p = np.asarray(pc.fill_null(price, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    with np.errstate(over="ignore"):
        large = np.abs(q.astype(np.float64) * p.astype(np.float64)) >= 9.2e18
        product = np.where(large, 0, q * p)
    fen = np.sign(product) * ((np.abs(product) * 2 + MICROS_PER_FEN) // (2 * MICROS_PER_FEN))
    missing = np.asarray(pc.or_(pc.is_null(quantity), pc.is_null(price)).to_numpy(False))
    quantity_column = (
        plan.header[plan.sources["quantity"][0]] if "quantity" in plan.sources else None
    )
    for mask, why in (
        (large & ~bad, "quantity × unit price is too large"),
        (missing & ~bad, "quantity and unit price are both needed for the paid amount"),
    ):
        for i in np.flatnonzero(mask):
            problems.append((int(i), Problem(int(numbers[i]), quantity_column, str(q[i]), why)))
        bad |= mask
    values["paid"] = pa.array(fen, pa.int64(), mask=missing | large)


def _order_flags(plan: Plan, values: dict[str, pa.Array]) -> dict[str, pa.Array]:
    options = plan.layout.options
    order_id = values["order_id"]
    prefix = options.get("refund_prefix")
    if prefix:
        is_refund = pc.fill_null(pc.starts_with(order_id, str(prefix)), False)
    else:
        is_refund = pa.array(np.zeros(len(order_id), dtype=bool))
    labels = options.get("non_product") or {}
    assert isinstance(labels, dict)
    if labels:
        keys = pa.array(list(labels), pa.string())
        index = pc.index_in(values["product_id"], value_set=keys)
        label = pc.take(pa.array(list(labels.values()), pa.string()), index)
    else:
        label = pa.nulls(len(order_id), pa.string())
    return {"is_refund": is_refund, "non_product": label}


def _bill_identity(
    plan: Plan,
    values: dict[str, pa.Array],
    numbers: np.ndarray,
    bad: np.ndarray,
    problems: list[tuple[int, Problem]],
) -> None:
    """实际结算金额 = 合计收入 − 合计支出 on every row (支出 written positive or negative)."""
    income, expense, settled = (
        np.asarray(pc.fill_null(values[k], 0).to_numpy(zero_copy_only=False), dtype=np.int64)
        for k in ("income", "expense", "settled")
    )
    broken = (settled != income - np.abs(expense)) & ~bad
    column = plan.header[plan.sources["settled"][0]]
    for i in np.flatnonzero(broken):
        why = (
            f"实际结算金额 {_yuan(settled[i])} ≠ 合计收入 {_yuan(income[i])} − "
            f"合计支出 {_yuan(abs(int(expense[i])))}"
        )
        problems.append((int(i), Problem(int(numbers[i]), column, _yuan(settled[i]), why)))
    bad |= broken


def _yuan(fen: int | np.integer) -> str:
    value = int(fen)
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


def description_row(plan: Plan, chunk: pa.Table) -> bool:
    """Whether the first row of a file is a description of the columns, not data: its order id
    (if the layout has one) has no run of 4 digits, none of its typed cells (amounts, counts,
    times) reads as a value, and at least one holds text."""
    if chunk.num_rows == 0:
        return False
    if "order_id" in plan.sources:  # a data row's order id has digits; a description has words
        key = chunk.column(f"c{plan.sources['order_id'][0]}")[0].as_py() or ""
        if re.search(r"[0-9]{4}", key):
            return False
    typed = [
        (f, i)
        for f in plan.layout.fields
        if f.type in ("money", "price", "count", "instant")
        for i in plan.sources.get(f.name, [])
    ]
    present = 0
    for f, i in typed:
        cell = chunk.column(f"c{i}").slice(0, 1)
        if clean(cell).null_count == 1:
            continue
        present += 1
        _, mask = READERS[f.type](cell)
        if not mask[0]:
            return False
    return present > 0
