"""The vectorised cell readers agree with the scalar cell rules on any text."""

from __future__ import annotations

import json

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain.cells import clean_text
from caopan.domain.errors import InvalidInput
from caopan.ingest.columns import READERS, SCALAR
from caopan.ingest.rows import raw_json

ALPHABET = "0123456789.,-+万¥'\t /:eE年T9０x\u3000\ufeff\r=\""
cell = st.one_of(
    st.text(alphabet=ALPHABET, max_size=22),
    st.from_regex(r"\A-?[0-9]{1,13}(\.[0-9]{0,7})?万?\Z"),
    st.from_regex(r"\A[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?\Z"),
    st.from_regex(r"\A[0-9]{5}(\.[0-9]{1,12})?\Z"),
    # the fixed-width shapes the fast paths read by position, with any digits in them
    st.from_regex(
        r"\A[0-9]{4}[-/.][0-9]{2}[-/.][0-9]{2}"
        r"([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{0,11})?)?)?\Z"
    ),
    st.from_regex(
        r"\A(19|20)[0-9]{2}-(0[1-9]|1[0-2])-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\Z"
    ),
    st.from_regex(r"\A[+-]?0*[0-9]{1,14}\.?[0-9]{0,8}\Z"),
    st.from_regex(r"\A[0-9]{10}([0-9]{3})?\Z"),
    st.sampled_from(["-", "", " ", "null", "17850.0", "6.9E+18", '="0012"', "\t'0012"]),
    st.sampled_from(
        [
            "0000-01-01",
            "0000-01-01 00:00:00",
            "2024-02-29 23:59:59",
            "2023-02-29 00:00:00",
            "2026-09-10 24:00:00",
            "2026-13-01",
            "2026-09-10 08:00:00.791",
            "2026-09-10 08:00:00.",
            "2026/09/10 08:00",
            "-0.00",
            "-000000000000.5",
        ]
    ),
)


def scalar(kind: str, text: str) -> tuple[bool, object]:
    try:
        return False, SCALAR[kind](text)  # type: ignore[index]
    except InvalidInput:
        return True, None


@settings(max_examples=300, deadline=None)
@given(st.lists(cell, min_size=1, max_size=30))
def test_column_readers_equal_the_scalar_rules(texts: list[str]) -> None:
    column = pa.array(texts, pa.string())
    for kind, read in READERS.items():
        values, bad = read(column)
        for text, value, is_bad in zip(texts, values.to_pylist(), bad.tolist(), strict=True):
            expected_bad, expected = scalar(kind, text)
            assert (is_bad, value) == (expected_bad, expected), (kind, text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), min_size=1, max_size=20))
def test_raw_json_is_the_json_of_the_cells_kept(cells: list[tuple[str, str]]) -> None:
    chunk = pa.table({"c0": [a for a, _ in cells], "c1": [b for _, b in cells]})
    got = raw_json(chunk, [(0, "甲"), (1, 'b"\\')]).to_pylist()
    for (a, b), text in zip(cells, got, strict=True):
        kept = {k: clean_text(v) for k, v in (("甲", a), ('b"\\', b)) if clean_text(v) is not None}
        assert (json.loads(text) if text is not None else {}) == kept


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET + "a\\\n\x01", max_size=8), min_size=1, max_size=20))
def test_raw_json_of_one_column(cells: list[str]) -> None:
    got = raw_json(pa.table({"c0": cells}), [(0, "国家")]).to_pylist()
    for cell, text in zip(cells, got, strict=True):
        kept = {"国家": clean_text(cell)} if clean_text(cell) is not None else {}
        assert (json.loads(text) if text is not None else {}) == kept
