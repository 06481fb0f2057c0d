"""The diagnosis indicators (诊断指标), declared once: id, names, lens, unit, direction, inputs.

Five lenses: 货 goods, 场 traffic, 人 people, 服务 service, 渠道 channels. Each indicator
names the inputs it needs; a merchant whose store lacks an input gets `unknown` (None) for
the indicators that need it, never a guess. Units: `fen` (integer money), `ratio` (a float
in 0..1, or a multiple for ROIs), `count`, `hours`, `s` (seconds).

>>> BY_ID["repurchase_rate"].lens.zh, BY_ID["gpm_fen"].needs
('人', 'live')
>>> [lens.id for lens in LENSES]
['goods', 'traffic', 'people', 'service', 'channels']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Need = Literal["orders", "live", "products", "ads", "shipping", "channel", "reasons"]


@dataclass(frozen=True, slots=True)
class Lens:
    id: str
    zh: str
    en: str


GOODS: Final = Lens("goods", "货", "goods")
TRAFFIC: Final = Lens("traffic", "场", "traffic")
PEOPLE: Final = Lens("people", "人", "people")
SERVICE: Final = Lens("service", "服务", "service")
CHANNELS: Final = Lens("channels", "渠道", "channels")
LENSES: Final = (GOODS, TRAFFIC, PEOPLE, SERVICE, CHANNELS)


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    zh: str
    en: str
    lens: Lens
    unit: str
    higher_is_better: bool | None
    needs: Need
    definition: str


def _i(
    id: str,
    zh: str,
    en: str,
    lens: Lens,
    unit: str,
    up: bool | None,
    needs: Need,
    definition: str,
) -> Indicator:
    return Indicator(id, zh, en, lens, unit, up, needs, definition)


INDICATORS: Final = (
    # 货 goods
    _i("gmv_fen", "成交金额", "GMV", GOODS, "fen", True, "orders",
       "paid merchandise (paid less freight) of orders paid in the window"),
    _i("orders", "成交订单数", "paid orders", GOODS, "count", True, "orders",
       "orders paid in the window"),
    _i("skus_sold", "动销商品数", "SKUs sold", GOODS, "count", True, "orders",
       "distinct products with a paid line in the window"),
    _i("top5_sku_share", "爆款集中度(前5商品占比)", "top-5 SKU share", GOODS, "ratio", None,
       "orders", "GMV of the five best-selling products ÷ GMV"),
    _i("hero_skus", "爆款数", "hero SKUs", GOODS, "count", True, "orders",
       "products with at least 10 % of GMV"),
    _i("rising_skus", "上升商品数", "rising SKUs", GOODS, "count", True, "orders",
       "products whose GMV at least doubled against the previous window (and ≥ 1 % of GMV)"),
    _i("dead_sku_share", "滞销商品占比", "dead SKU share", GOODS, "ratio", False, "products",
       "listed products with no paid line in the window ÷ listed products"),
    _i("new_product_share", "新品成交占比", "new-product share", GOODS, "ratio", True, "orders",
       "GMV of products first sold in the window ÷ GMV"),
    _i("quality_refund_rate", "品质退款率", "quality refund rate", GOODS, "ratio", False,
       "reasons", "refunds for quality or not-as-described ÷ GMV (where a reason is known)"),
    # 场 traffic
    _i("sessions", "直播场次", "live sessions", TRAFFIC, "count", True, "live",
       "the merchant's own sessions with events in the window"),
    _i("live_hours", "直播时长(小时)", "live hours", TRAFFIC, "hours", True, "live",
       "sum of sessions' first-to-last event span"),
    _i("live_days", "开播天数", "live days", TRAFFIC, "count", True, "live",
       "days with a session"),
    _i("gpm_fen", "千次观看成交额 GPM", "GPM", TRAFFIC, "fen", True, "live",
       "self-broadcast GMV × 1000 ÷ entries (views)"),
    _i("enter_rate", "曝光-进入率", "impression-to-entry rate", TRAFFIC, "ratio", True, "live",
       "entries ÷ impressions"),
    _i("avg_watch_seconds", "人均观看时长", "average watch time", TRAFFIC, "s", True, "live",
       "sum of visit time ÷ distinct viewers, visits from enter to leave"),
    _i("natural_traffic_share", "自然流量占比", "natural traffic share", TRAFFIC, "ratio", True,
       "live", "entries from recommendation, search and other natural sources ÷ entries"),
    _i("private_traffic_share", "私域流量占比", "private traffic share", TRAFFIC, "ratio", True,
       "live", "entries from the follow feed, profile and shares ÷ entries"),
    _i("paid_traffic_share", "付费流量占比", "paid traffic share", TRAFFIC, "ratio", None,
       "live", "entries from paid sources ÷ entries"),
    _i("ad_spend_fen", "投流消耗", "ad spend", TRAFFIC, "fen", None, "ads",
       "ad spend dated in the window"),
    _i("room_roi", "直播间ROI", "room ROI", TRAFFIC, "ratio", True, "ads",
       "self-broadcast GMV ÷ ad spend"),
    _i("shop_roi", "全店ROI", "whole-shop ROI", TRAFFIC, "ratio", True, "ads",
       "GMV of every channel ÷ ad spend (seed 000: judge by whole-shop ROI)"),
    _i("roi_after_fees", "扣费后ROI", "ROI after fees", TRAFFIC, "ratio", True, "ads",
       "(GMV − refunds − talent commission) ÷ ad spend"),
    _i("new_followers_per_hour", "每小时新增粉丝", "new followers per live hour", TRAFFIC,
       "count", True, "live", "follow events ÷ live hours"),
    # 人 people
    _i("buyers", "成交人数", "buyers", PEOPLE, "count", True, "orders",
       "distinct buyers with an order paid in the window"),
    _i("new_buyers", "新客数", "new buyers", PEOPLE, "count", True, "orders",
       "buyers with no paid order in the 90 days before the window"),
    _i("returning_buyers", "老客数", "returning buyers", PEOPLE, "count", True, "orders",
       "buyers with a paid order in the 90 days before the window"),
    _i("repurchase_rate", "复购率", "repurchase rate", PEOPLE, "ratio", True, "orders",
       "returning buyers ÷ buyers"),
    _i("new_buyer_share", "新客占比", "new-buyer share", PEOPLE, "ratio", None, "orders",
       "new buyers ÷ buyers"),
    _i("follower_buyer_share", "成交老粉占比", "follower share of buyers", PEOPLE, "ratio", True,
       "live", "buyers in the merchant's sessions who entered as followers ÷ those buyers"),
    _i("avg_order_value_fen", "客单价", "average order value", PEOPLE, "fen", True, "orders",
       "GMV ÷ paid orders"),
    _i("orders_per_buyer", "人均订单数", "orders per buyer", PEOPLE, "count", True, "orders",
       "paid orders ÷ buyers"),
    # 服务 service
    _i("refund_rate", "退款率(金额)", "refund rate (amount)", SERVICE, "ratio", False, "orders",
       "refunds dated in the window ÷ GMV"),
    _i("refund_order_rate", "退款率(订单)", "refund rate (orders)", SERVICE, "ratio", False,
       "orders", "orders paid in the window with a refund by the window's end ÷ paid orders"),
    _i("ship_48h_rate", "48小时发货率", "48-hour shipping rate", SERVICE, "ratio", True,
       "shipping", "orders shipped within 48 h of payment ÷ orders paid ≥ 48 h before the end"),
    _i("avg_ship_hours", "平均发货时长(小时)", "average hours to ship", SERVICE, "hours", False,
       "shipping", "mean of shipped − paid over shipped orders"),
    # 渠道 channels
    _i("self_broadcast_share", "自播占比", "self-broadcast share", CHANNELS, "ratio", None,
       "channel", "GMV of the merchant's own sessions ÷ GMV"),
    _i("distribution_share", "分销占比", "distribution share", CHANNELS, "ratio", None,
       "channel", "GMV sold by talents ÷ GMV"),
    _i("shelf_share", "泛货架占比", "shelf share", CHANNELS, "ratio", None, "channel",
       "GMV from shop, search and mall (shelf) ÷ GMV"),
    _i("talents", "带货达人数", "selling talents", CHANNELS, "count", True, "channel",
       "distinct talents with a paid order"),
    _i("top_talent_share", "达人集中度(头部达人占比)", "top-talent share", CHANNELS, "ratio",
       False, "channel", "GMV of the best-selling talent ÷ distribution GMV"),
)  # fmt: skip
"""Every indicator, in report order."""

BY_ID: Final = {i.id: i for i in INDICATORS}

QUALITY_REASONS: Final = ("质量问题", "与描述不符", "quality", "not as described")
"""Refund reasons that count as 品质退款 (quality refunds)."""

SELF_CHANNELS: Final = ("self", "自播")
DISTRIBUTION_CHANNELS: Final = ("distribution", "分销", "talent")
SHELF_CHANNELS: Final = ("shelf", "shop", "search", "mall", "货架", "商城", "搜索")
