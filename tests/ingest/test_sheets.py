"""Reading sheets: the transcoder gives every file's text as UTF-8, block by block."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.ingest.sheets import _Utf8

PIECES = st.sampled_from(["a", ",", "\n", "订单", "￥", "\ufffd", "😀", "\u3000"]).map(
    lambda t: t.encode("utf-8")
) | st.sampled_from(
    [b"\xff", b"\xe8", b"\xe8\xae", b"\x80", b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80"]
)


def transcoded(data: bytes, encoding: str, block: int) -> tuple[bytes, bool]:
    text = _Utf8(io.BytesIO(data), encoding, block)  # type: ignore[arg-type]
    out = io.BytesIO()
    buffer = bytearray(7)
    while size := text.readinto(memoryview(buffer)):
        out.write(buffer[:size])
    return out.getvalue(), text.replaced


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40), st.integers(1, 9))
def test_utf8_passes_through_and_bad_bytes_become_replacement_characters(
    pieces: list[bytes], block: int
) -> None:
    data = b"".join(pieces)
    got, replaced = transcoded(data, "utf-8", block)
    text = data.decode("utf-8", errors="replace")
    assert got == text.encode("utf-8")
    assert replaced == ("\ufffd" in text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="订单号实付款,\n0123456789元", max_size=40), st.integers(1, 9))
def test_gb18030_is_transcoded_to_utf8(text: str, block: int) -> None:
    got, replaced = transcoded(text.encode("gb18030"), "gb18030", block)
    assert (got, replaced) == (text.encode("utf-8"), False)
