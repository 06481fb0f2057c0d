"""The layouts of the files operators import, declared once: header names to canonical fields.

A layout names the columns a platform's export has (the spec's header lists), which of them
feed which canonical field and how the cell is read, and the columns whose presence says "this
is that kind of file". Columns are found by header name, in any order; a file may have any
subset of the known columns; every column not mapped is kept raw. Header names are compared
after NFKC normalisation (full-width `（元）` equals `(元)`) and stripping.

>>> detect(["订单号", "实付款", "订单创建时间", "商品ID", "备注X"]).kind
'ks-orders'
>>> detect(["InvoiceNo", "StockCode"]) is None
True
>>> len(KS_ORDERS.known), len(KS_BILL.known)
(61, 40)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal

CellType = Literal["id", "text", "money", "price", "count", "instant"]
"""How a cell is read: see `caopan.domain.cells` (money in fen, price in 10^-6 元)."""

Target = Literal["orders", "bill", "sessions"]


def header_key(name: str) -> str:
    """A header name as compared: NFKC-normalised, stripped, without a BOM.

    >>> header_key("\\ufeff 支付营销回退（元）")
    '支付营销回退(元)'
    """
    return unicodedata.normalize("NFKC", name).replace("\ufeff", "").strip()


@dataclass(frozen=True, slots=True)
class Field:
    """A canonical field read from the first present of `columns` (or their sum, for money
    with `total=True`)."""

    name: str
    columns: tuple[str, ...]
    type: CellType
    required: bool = False
    total: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    kind: str
    title: str
    target: Target
    known: tuple[str, ...]
    fields: tuple[Field, ...]
    signature: tuple[str, ...]
    options: dict[str, object] = field(default_factory=dict)

    def mapped_columns(self) -> set[str]:
        return {header_key(c) for f in self.fields for c in f.columns}

    def missing(self, header: Iterable[str]) -> list[str]:
        """The signature columns this header lacks."""
        present = {header_key(h) for h in header}
        return [c for c in self.signature if header_key(c) not in present]


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _f(name: str, columns: str, kind: CellType, required: bool = False) -> Field:
    return Field(name, tuple(columns.split("|")), kind, required)


KS_ORDERS: Final = Layout(
    kind="ks-orders",
    title="快手小店 订单导出",
    target="orders",
    known=tuple(
        [
            "订单号",
            "赠品订单号",
            "活动订单编号",
            "订单创建时间",
            "订单支付时间",
            "预售定金支付时间",
            "订单状态",
            "实付款",
            "快递费",
            "店铺优惠",
            "平台补贴",
            "主播补贴",
            "混资活动优惠",
            "支付优惠",
            "支付方式",
            "成交数量",
            "买家留言",
            "账号类型",
            "账号明细",
            "订单备注",
            "旗帜颜色",
            "售后状态",
            "活动订单",
            "预售/承诺发货时间",
            "订单载体",
            "商品名称",
            "商品ID",
            "商品规格",
            "SKU编码",
            "商品单价",
            "渠道",
            "CPS达人ID",
            "CPS达人昵称",
            "预估推广佣金",
            "预估推广者分佣比例",
            "团长ID",
            "团长昵称",
            "快赚客ID",
            "快赚客昵称",
            "授权推广者ID",
            "授权推广者昵称",
            "收货人姓名",
            "收货人电话",
            "收货地址-省",
            "收货地址-市",
            "收货地址-区",
            "收货地址-街道",
            "收货地址",
            "发货时间",
            "快递公司",
            "快递单号",
            "物流信息",
            "集运类型",
            "直邮类型",
            "仓库名称",
            "仓库地址",
            "实名姓名",
            "服务门店ID",
            "服务门店名称",
            "服务门店地址",
            "国补/类国补/消费券",
        ]
    ),
    fields=(
        _f("order_id", "订单号", "id", required=True),
        _f("created_at", "订单创建时间", "instant"),
        _f("paid_at", "订单支付时间", "instant"),
        _f("status", "订单状态", "text"),
        _f("paid", "实付款", "money", required=True),
        _f("freight", "快递费", "money"),
        Field(
            "discount",
            ("店铺优惠", "平台补贴", "主播补贴", "混资活动优惠", "支付优惠"),
            "money",
            total=True,
        ),
        _f("quantity", "成交数量", "count"),
        _f("after_sale", "售后状态", "text"),
        _f("product_name", "商品名称", "text"),
        _f("product_id", "商品ID", "id"),
        _f("sku", "SKU编码|商品规格", "text"),
        _f("unit_price", "商品单价", "price"),
        _f("channel", "渠道", "text"),
        _f("talent_id", "CPS达人ID", "id"),
        _f("leader_id", "团长ID", "id"),
        _f("shipped_at", "发货时间", "instant"),
    ),
    signature=("订单号", "实付款", "订单创建时间"),
)

DY_ORDERS: Final = Layout(
    kind="dy-orders",
    title="抖店 订单导出",
    target="orders",
    known=tuple(
        [
            "主订单编号",
            "子订单编号",
            "选购商品",
            "商品规格",
            "商品数量",
            "商品ID",
            "商家编码",
            "商品单价",
            "订单应付金额",
            "运费",
            "优惠总金额",
            "平台优惠",
            "商家优惠",
            "达人优惠",
            "订单提交时间",
            "支付完成时间",
            "订单完成时间",
            "订单状态",
            "售后状态",
            "达人ID",
            "达人昵称",
            "流量来源",
            "流量类型",
            "流量体裁",
            "流量渠道",
            "广告渠道",
            "发货时间",
        ]
    ),
    fields=(
        _f("order_id", "主订单编号", "id", required=True),
        _f("line_key", "子订单编号", "id"),
        _f("product_name", "选购商品", "text"),
        _f("sku", "商家编码|商品规格", "text"),
        _f("quantity", "商品数量", "count"),
        _f("product_id", "商品ID", "id"),
        _f("unit_price", "商品单价", "price"),
        _f("paid", "订单应付金额", "money", required=True),
        _f("freight", "运费", "money"),
        _f("discount", "优惠总金额", "money"),
        _f("created_at", "订单提交时间", "instant"),
        _f("paid_at", "支付完成时间", "instant"),
        _f("received_at", "订单完成时间", "instant"),
        _f("status", "订单状态", "text"),
        _f("after_sale", "售后状态", "text"),
        _f("talent_id", "达人ID", "id"),
        _f("channel", "流量来源", "text"),
        _f("shipped_at", "发货时间", "instant"),
    ),
    signature=("主订单编号", "子订单编号"),
)

KS_BILL: Final = Layout(
    kind="ks-bill",
    title="快手小店 货款账单",
    target="bill",
    known=tuple(
        [
            "商家ID",
            "订单号",
            "商品ID",
            "商品名称",
            "商品数量",
            "订单创建时间",
            "订单实付(元)",
            "政府补贴",
            "支付营销补贴",
            "平台补贴",
            "商家补贴(元)",
            "达人补贴",
            "达人补贴明细",
            "合计收入(元)",
            "订单退款(元)",
            "支付营销回退（元）",
            "技术服务费(元)",
            "预售增收技术服务费（元）",
            "达人ID",
            "MCN机构ID",
            "达人佣金(元)",
            "团长id",
            "团长佣金(元)",
            "佣金模式",
            "快赚客ID",
            "快赚客佣金(元)",
            "服务商ID",
            "服务商佣金(元)",
            "分账基数",
            "其他收费",
            "其他收费明细",
            "合计支出(元)",
            "实际结算金额(元)",
            "实际结算时间",
            "结算规则",
            "资金渠道",
            "账户名称",
            "结算商户号",
            "备注",
            "消费金信息",
        ]
    ),
    fields=(
        _f("merchant_id", "商家ID", "id"),
        _f("order_id", "订单号", "id", required=True),
        _f("product_id", "商品ID", "id"),
        _f("product_name", "商品名称", "text"),
        _f("quantity", "商品数量", "count"),
        _f("created_at", "订单创建时间", "instant"),
        _f("paid", "订单实付(元)", "money"),
        _f("income", "合计收入(元)", "money", required=True),
        _f("refund", "订单退款(元)", "money"),
        _f("tech_fee", "技术服务费(元)", "money"),
        _f("talent_id", "达人ID", "id"),
        _f("talent_commission", "达人佣金(元)", "money"),
        _f("leader_id", "团长id", "id"),
        _f("leader_commission", "团长佣金(元)", "money"),
        _f("provider_id", "服务商ID", "id"),
        _f("provider_commission", "服务商佣金(元)", "money"),
        _f("expense", "合计支出(元)", "money", required=True),
        _f("settled", "实际结算金额(元)", "money", required=True),
        _f("settled_at", "实际结算时间", "instant"),
        _f("rule", "结算规则", "text"),
    ),
    signature=("订单号", "合计收入(元)", "合计支出(元)", "实际结算金额(元)"),
)

SESSIONS: Final = Layout(
    kind="sessions",
    title="直播场次列表",
    target="sessions",
    known=tuple(
        [
            "主播昵称",
            "直播开始时间",
            "直播结束时间",
            "直播时长(分钟)",
            "直播间曝光人数",
            "直播间观看人数",
            "直播间观看次数",
            "直播间商品曝光人数",
            "直播间商品点击人数",
            "直播间成交人数",
            "直播间用户支付金额",
        ]
    ),
    fields=(
        _f("anchor_name", "主播昵称", "text", required=True),
        _f("started_at", "直播开始时间", "instant", required=True),
        _f("ended_at", "直播结束时间", "instant"),
        _f("minutes", "直播时长(分钟)", "count"),
        _f("exposure_users", "直播间曝光人数", "count"),
        _f("viewers", "直播间观看人数", "count"),
        _f("views", "直播间观看次数", "count"),
        _f("product_exposure_users", "直播间商品曝光人数", "count"),
        _f("product_click_users", "直播间商品点击人数", "count"),
        _f("buyers", "直播间成交人数", "count"),
        _f("paid", "直播间用户支付金额", "money"),
    ),
    signature=("主播昵称", "直播开始时间"),
)

LAYOUTS: Final = {layout.kind: layout for layout in (KS_ORDERS, KS_BILL, DY_ORDERS, SESSIONS)}
"""The built-in layouts by kind (`generic` is built from a mapping file)."""

KINDS: Final = ("auto", *LAYOUTS, "generic")


def detect(header: Iterable[str]) -> Layout | None:
    """The built-in layout whose signature the header has, the one knowing most of its
    columns when several do; None when none fits."""
    names = [header_key(h) for h in header]
    present = set(names)
    best: tuple[int, Layout] | None = None
    for layout in LAYOUTS.values():
        if layout.missing(names):
            continue
        score = len(present & {header_key(c) for c in layout.known})
        if best is None or score > best[0]:
            best = (score, layout)
    return None if best is None else best[1]
