"""Malformed files thrown at every importer: no crash, no traceback, every row accounted for.

Each example starts from a valid file in one layout and breaks it: cells replaced by random
text, bytes inserted or removed (quotes, newlines, NUL, bytes that are not UTF-8), the file cut
short. The import must either refuse the file whole, writing nothing, or read it to the end
with `rows_read = rows_imported + rows_quarantined` and every quarantined row in quarantine.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tests.ingest.export_files import (
    csv_bytes,
    dy_order_rows,
    ks_bill_rows,
    ks_order_rows,
    session_rows,
)

from caopan.domain.errors import CaopanError
from caopan.domain.layouts import DY_ORDERS, KS_BILL, KS_ORDERS, SESSIONS
from caopan.engine.backend import connect
from caopan.ingest.imports import Request, import_file

MAPPING = "name: erp\ncolumns:\n  order_id: 单号\n  paid: 金额\n  created_at: 时间\n"
GENERIC = "单号,金额,时间,备注\nA1,10.50,2026-01-01 10:00,x\nA2,3,2026/1/2 9:00,y\n"

LAYOUTS = {
    "ks-orders": (KS_ORDERS.known, ks_order_rows),
    "ks-bill": (KS_BILL.known, ks_bill_rows),
    "dy-orders": (DY_ORDERS.known, dy_order_rows),
    "sessions": (SESSIONS.known, session_rows),
}
NASTY = st.sampled_from(
    ['"', "\n", "\r\n", ",", "\x00", "-", "万", "9" * 25, "1e400", "2026-02-30", "\t'", "'"]
)
cell_text = st.one_of(NASTY, st.text(max_size=12))


@st.composite
def broken_file(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from([*LAYOUTS, "generic"]))
    if kind == "generic":
        text = GENERIC
    else:
        header, make = LAYOUTS[kind]
        rows = make()
        for row in rows:
            for name in draw(st.lists(st.sampled_from(header), max_size=4)):
                row[name] = draw(cell_text)
        text = csv_bytes(header, rows)
    data = bytearray(text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "cut"]))
        if action == "insert":
            blob = draw(st.one_of(st.binary(max_size=6), NASTY.map(str.encode)))
            data[at:at] = blob
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        else:
            del data[max(at, 1) :]
    return kind, bytes(data)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=broken_file())
def test_broken_files_never_crash_and_every_row_is_accounted_for(
    tmp_path: Path, case: tuple[str, bytes]
) -> None:
    kind, data = case
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    mapping = tmp_path / "erp.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    request = (
        Request(kind="generic", mapping=str(mapping), merchant="m")
        if kind == "generic"
        else Request(kind=kind, merchant="m")
    )
    engine = connect("duckdb://:memory:")
    try:
        try:
            report = import_file(engine, path, request)
        except CaopanError as exc:  # a refusal raised rather than reported is still clean
            report = None
            message = str(exc)
            assert message
        con = engine.con.con
        stored = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("orders", "settlement_lines", "session_stats", "quarantine", "imported_rows")
        }
        if report is None or report.refused is not None:
            event("refused")
            assert sum(stored.values()) == 0, (report, stored)
            return
        event("some rows quarantined" if report.rows_quarantined else "every row imported")
        assert report.rows_read == report.rows_imported + report.rows_quarantined
        assert stored["quarantine"] == report.rows_quarantined
        assert len(report.problems) >= min(report.rows_quarantined, 1)
        assert stored["imported_rows"] <= report.rows_imported
        if kind != "sessions":
            assert stored["imported_rows"] == report.rows_imported
    finally:
        engine.close()
