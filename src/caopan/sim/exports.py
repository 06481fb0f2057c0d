"""Generate platform export files in their real layouts, at any size, for benchmarks and demos.

`write_ks_orders` writes a 快手小店 order export: all 61 columns of the spec in order, UTF-8 with
a BOM, 19-digit order ids with a leading tab, `-` for empty cells, times in both the export's
and Excel's re-saved forms, a few amounts in 万. It streams in chunks (memory stays flat) and
returns the GMV it wrote, in fen, so a reader can be checked against it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from caopan.domain.layouts import KS_ORDERS

CHUNK: Final = 100_000
PRICES_FEN: Final = np.array([990, 1990, 5990, 6990, 12900, 19900, 39900, 129900], np.int64)
STATUSES: Final = np.array(["交易成功", "已发货", "待发货", "交易关闭"])
AFTER_SALE: Final = np.array(["-", "-", "-", "-", "-", "-", "无售后", "退款成功", "售后中"])
CHANNELS: Final = np.array(["直播", "短视频", "商品卡", "搜索"])
START_MS: Final = 1_788_998_400_000  # 2026-09-10 08:00 Beijing
BOM: Final = b"\xef\xbb\xbf"


def _yuan(fen: np.ndarray) -> pa.Array:
    whole = pa.array(fen // 100).cast(pa.string())
    cents = pc.utf8_lpad(pa.array(fen % 100).cast(pa.string()), 2, "0")
    return pc.binary_join_element_wise(whole, cents, ".")


def _times(ms: np.ndarray, resaved: np.ndarray) -> pa.Array:
    stamps = pa.array(ms + 8 * 3_600_000, pa.timestamp("ms"))
    plain = pc.strftime(stamps, format="%Y-%m-%d %H:%M:%S")
    excel = pc.strftime(stamps, format="%Y/%m/%d %H:%M")
    return pc.if_else(pa.array(resaved), excel, plain)


def ks_orders_chunk(start: int, n: int, rng: np.random.Generator) -> tuple[pa.Table, int]:
    """Rows `start … start + n - 1` of a 快手 order export, and their GMV (Σ 实付款) in fen."""
    index = np.arange(start, start + n, dtype=np.int64)
    quantity = rng.integers(1, 4, n)
    price = PRICES_FEN[rng.integers(0, len(PRICES_FEN), n)]
    discount = np.where(rng.random(n) < 0.3, 1000, 0)
    paid = np.maximum(price * quantity - discount, 1)
    created = START_MS + index * 1_700 + rng.integers(0, 1_000, n)
    resaved = rng.random(n) < 0.2
    paid_text = _yuan(paid)
    wan = paid % 100 == 0
    wan &= rng.random(n) < 0.05
    in_wan = pc.binary_join_element_wise(
        pa.array(paid // 1_000_000).cast(pa.string()),
        pc.utf8_lpad(pa.array((paid // 100) % 10_000).cast(pa.string()), 4, "0"),
        ".",
    )
    paid_text = pc.if_else(pa.array(wan), pc.binary_join_element_wise(in_wan, "万", ""), paid_text)
    dash = pa.array(np.full(n, "-"))
    columns = dict.fromkeys(KS_ORDERS.known, dash)
    columns |= {
        "订单号": pa.array(np.char.add("\t", (2_512_000_000_000_000_000 + index).astype(str))),
        "订单创建时间": _times(created, resaved),
        "订单支付时间": _times(created + 5_000, resaved),
        "订单状态": pa.array(STATUSES[rng.integers(0, len(STATUSES), n)]),
        "实付款": paid_text,
        "快递费": pa.array(np.full(n, "0.00")),
        "店铺优惠": _yuan(discount),
        "成交数量": pa.array(quantity).cast(pa.string()),
        "售后状态": pa.array(AFTER_SALE[rng.integers(0, len(AFTER_SALE), n)]),
        "商品名称": pa.array(np.char.add("雅鹿 羽绒服 款", (index % 40).astype(str))),
        "商品ID": pa.array(np.char.add("\t2233445566", (7700 + index % 40).astype(str))),
        "SKU编码": pa.array(np.char.add("YL-", (index % 160).astype(str))),
        "商品单价": _yuan(price),
        "渠道": pa.array(CHANNELS[rng.integers(0, len(CHANNELS), n)]),
        "CPS达人ID": pa.array(np.char.add("'12345678", (index % 97).astype(str))),
        "收货人姓名": pa.array(np.full(n, "张*")),
        "收货地址-省": pa.array(np.full(n, "浙江省")),
        "收货地址-市": pa.array(np.full(n, "杭州市")),
    }
    return pa.table(columns), int(paid.sum())


def write_ks_orders(path: Path, rows: int, seed: int = 1) -> int:
    """Write a 快手 order export of `rows` rows; return its GMV in fen."""
    rng = np.random.default_rng(seed)
    gmv = 0
    with path.open("wb") as out:
        out.write(BOM)
        writer: pcsv.CSVWriter | None = None
        for start in range(0, rows, CHUNK):
            table, chunk_gmv = ks_orders_chunk(start, min(CHUNK, rows - start), rng)
            gmv += chunk_gmv
            if writer is None:
                writer = pcsv.CSVWriter(out, table.schema)
            writer.write_table(table)
        if writer is not None:
            writer.close()
    return gmv
