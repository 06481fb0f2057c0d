"""The vectorised cell readers agree with the scalar cell rules on any text."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain.errors import InvalidInput
from caopan.ingest.columns import READERS, SCALAR

ALPHABET = "0123456789.,-+万¥'\t /:eE年T9０x"
cell = st.one_of(
    st.text(alphabet=ALPHABET, max_size=22),
    st.from_regex(r"\A-?[0-9]{1,13}(\.[0-9]{0,7})?万?\Z"),
    st.from_regex(r"\A[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?\Z"),
    st.from_regex(r"\A[0-9]{5}(\.[0-9]{1,12})?\Z"),
    st.from_regex(r"\A[0-9]{10}([0-9]{3})?\Z"),
    st.sampled_from(["-", "", " ", "null", "17850.0", "6.9E+18", '="0012"', "\t'0012"]),
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
