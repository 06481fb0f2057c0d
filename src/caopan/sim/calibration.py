"""The simulator's parameters, declared once: what a live room looks like by stage and category.

No public statistical model of a live room exists. These are our choices, set so simulated
sessions fall inside the ranges operators quote (see `docs/simulator.md`, which lists each range
and where it comes from); `tests/sim/test_calibration.py` checks that they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class StageScale:
    """How big a merchant's room is at a lifecycle stage (STEPS)."""

    followers: tuple[int, int]
    """Followers of the merchant's own anchor account (min, max; log-uniform)."""
    recommend_per_min: float
    """Recommendation-feed impressions per minute at a neutral room quality."""
    minutes: tuple[int, int]
    """Session length range in minutes."""
    sessions_per_day: float
    """Probability of a self-broadcast on a given day."""
    products: tuple[int, int]
    """SKUs on the merchant's shelf."""
    ad_budget_yuan: tuple[int, int]
    """Paid-traffic budget per session (元)."""
    stage_quality: float
    """Room craft independent of the provider: sets, anchors, scripts (0..1)."""


STAGES: Final[dict[str, StageScale]] = {
    "新店破0": StageScale((200, 5_000), 18.0, (60, 150), 0.35, (5, 15), (0, 300), 0.25),
    "爬坡": StageScale((5_000, 80_000), 90.0, (90, 210), 0.6, (10, 30), (300, 3_000), 0.45),
    "KA": StageScale((80_000, 600_000), 420.0, (150, 300), 0.85, (20, 50), (3_000, 20_000), 0.6),
    "SKA": StageScale(
        (600_000, 4_000_000), 1_400.0, (180, 360), 0.95, (30, 70), (20_000, 80_000), 0.75
    ),
}


@dataclass(frozen=True, slots=True)
class CategoryProfile:
    """What differs by product category."""

    price_yuan: float
    """Median unit price (元)."""
    price_spread: float
    """Log-normal sigma of unit prices."""
    refund_rate: float
    """Share of paid orders refunded (品质/尺码/冲动消费), before the provider's service effect."""
    click_to_pay: float
    """Base probability that a product click ends in an order."""
    margin: float
    """Gross margin (1 − cost / price)."""
    comments: tuple[str, ...]
    """What viewers of this category typically ask."""


_COMMON: Final = ("多少钱", "链接在哪", "有优惠吗", "已拍", "主播好", "发货快吗", "怎么还没上链接")

CATEGORIES: Final[dict[str, CategoryProfile]] = {
    "服饰": CategoryProfile(
        139.0, 0.5, 0.38, 0.051, 0.55, (*_COMMON, "尺码怎么选", "有M码吗", "显瘦吗")
    ),
    "美妆": CategoryProfile(119.0, 0.5, 0.14, 0.060, 0.65, (*_COMMON, "适合油皮吗", "是正品吗")),
    "食品": CategoryProfile(49.0, 0.45, 0.06, 0.084, 0.35, (*_COMMON, "保质期多久", "好吃吗")),
    "家居": CategoryProfile(89.0, 0.6, 0.12, 0.054, 0.45, (*_COMMON, "尺寸多大", "包安装吗")),
    "珠宝玉石": CategoryProfile(599.0, 0.9, 0.30, 0.030, 0.6, (*_COMMON, "有证书吗", "是天然的吗")),
    "3C": CategoryProfile(299.0, 0.7, 0.09, 0.036, 0.25, (*_COMMON, "保修多久", "兼容吗")),
    "母婴": CategoryProfile(99.0, 0.5, 0.10, 0.066, 0.4, (*_COMMON, "几个月能用", "安全吗")),
    "运动户外": CategoryProfile(159.0, 0.55, 0.20, 0.048, 0.45, (*_COMMON, "防水吗", "尺码准吗")),
    "鞋靴箱包": CategoryProfile(
        179.0, 0.55, 0.28, 0.042, 0.5, (*_COMMON, "偏大还是偏小", "是真皮吗")
    ),
    "其他": CategoryProfile(79.0, 0.6, 0.12, 0.054, 0.4, _COMMON),
}

ITEM_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "服饰": (
        "羊毛双面呢大衣",
        "针织开衫",
        "高腰阔腿裤",
        "纯棉打底衫",
        "羽绒马甲",
        "连帽卫衣",
        "法式碎花裙",
        "直筒牛仔裤",
        "真丝衬衫",
        "加绒休闲裤",
    ),
    "美妆": (
        "玻尿酸补水面膜",
        "氨基酸洁面乳",
        "持妆粉底液",
        "丝绒哑光口红",
        "修护精华液",
        "防晒喷雾",
        "眼影盘",
        "卸妆水",
        "保湿乳液",
        "气垫BB霜",
    ),
    "食品": (
        "每日坚果礼盒",
        "手撕牛肉干",
        "螺蛳粉",
        "低脂鸡胸肉",
        "原味蜂蜜",
        "黑芝麻丸",
        "自热火锅",
        "冻干咖啡",
        "海苔脆",
        "五常大米",
    ),
    "家居": (
        "四件套床品",
        "乳胶枕",
        "收纳箱",
        "香薰蜡烛",
        "电热毯",
        "懒人沙发",
        "浴巾套装",
        "不粘锅",
        "保温杯",
        "落地灯",
    ),
    "珠宝玉石": (
        "和田玉手镯",
        "天然珍珠项链",
        "翡翠吊坠",
        "足金转运珠",
        "银手链",
        "南红耳钉",
        "琥珀蜜蜡手串",
        "水晶手链",
        "黄金戒指",
        "玛瑙挂件",
    ),
    "3C": (
        "蓝牙耳机",
        "快充充电宝",
        "机械键盘",
        "无线鼠标",
        "智能手表",
        "手机支架",
        "数据线",
        "平板保护壳",
        "移动硬盘",
        "桌面音箱",
    ),
    "母婴": (
        "婴儿纸尿裤",
        "恒温水壶",
        "儿童保温杯",
        "宝宝辅食米粉",
        "婴儿湿巾",
        "学步鞋",
        "儿童绘本",
        "安抚奶嘴",
        "爬行垫",
        "婴儿睡袋",
    ),
    "运动户外": (
        "速干T恤",
        "瑜伽垫",
        "跑步鞋",
        "冲锋衣",
        "登山杖",
        "运动水壶",
        "护膝",
        "露营椅",
        "跳绳",
        "骑行手套",
    ),
    "鞋靴箱包": (
        "真皮切尔西靴",
        "帆布鞋",
        "双肩包",
        "托特包",
        "老爹鞋",
        "雪地靴",
        "钱包",
        "行李箱",
        "斜挎包",
        "乐福鞋",
    ),
    "其他": (
        "香氛礼盒",
        "宠物零食",
        "文具套装",
        "绿植盆栽",
        "车载香薰",
        "手机壳",
        "雨伞",
        "拼图",
        "桌游",
        "便签本",
    ),
}
"""What a merchant of each category sells: the product names of the simulated shelves."""


def item_name(category: str, k: int) -> str:
    """The `k`-th (0-based) product name of a simulated shelf in `category`.

    >>> item_name("食品", 0), item_name("食品", 10)
    ('每日坚果礼盒', '每日坚果礼盒 2号')
    """
    names = ITEM_NAMES.get(category, ITEM_NAMES["其他"])
    name = names[k % len(names)]
    return name if k < len(names) else f"{name} {k // len(names) + 1}号"


CATEGORY_WEIGHTS: Final[dict[str, float]] = {
    "服饰": 0.28,
    "美妆": 0.14,
    "食品": 0.15,
    "家居": 0.09,
    "珠宝玉石": 0.07,
    "3C": 0.06,
    "母婴": 0.08,
    "运动户外": 0.05,
    "鞋靴箱包": 0.05,
    "其他": 0.03,
}

STAGE_WEIGHTS: Final[dict[str, float]] = {"新店破0": 0.4, "爬坡": 0.33, "KA": 0.2, "SKA": 0.07}


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """A traffic source: how likely an impression becomes an entry, and how long visits last."""

    entry_rate: float
    """Probability an impression from this source becomes an `enter` (neutral room)."""
    dwell_median_s: float
    """Median visit length (log-normal)."""


SOURCES: Final[dict[str, SourceProfile]] = {
    "recommend": SourceProfile(0.11, 38.0),
    "live_square": SourceProfile(0.08, 30.0),
    "nearby": SourceProfile(0.09, 35.0),
    "search": SourceProfile(0.42, 95.0),
    "short_video": SourceProfile(0.16, 55.0),
    "follow": SourceProfile(0.38, 160.0),
    "profile": SourceProfile(0.45, 120.0),
    "private_share": SourceProfile(0.30, 80.0),
    "paid_jinniu": SourceProfile(0.065, 42.0),
    "paid_fentiao": SourceProfile(0.05, 36.0),
}

DWELL_SIGMA: Final = 1.15
"""Log-normal sigma of visit lengths: a long tail of viewers who stay for the whole show."""

FOLLOWER_DWELL_FACTOR: Final = 1.8
FEED_FOLLOWER_SHARE_MAX: Final = 0.3
"""At most this share of feed (non-private) impressions reaches the account's own followers."""
RE_ENTRY_RATE: Final = 0.09
"""Share of visits followed by a re-entry of the same viewer later in the session."""

CPM_YUAN: Final = (25.0, 60.0)
FENTIAO_USERS: Final = 0.35
"""Share of sessions that put part of their ad budget on 粉条 (fentiao) besides 磁力金牛."""
FENTIAO_SHARE: Final = (0.15, 0.45)
"""The part of the budget those sessions spend on 粉条."""
FENTIAO_CPM_YUAN: Final = (15.0, 35.0)
"""粉条 buys reach cheaper than 磁力金牛; its viewers enter less often (`SOURCES`)."""
"""Cost per 1,000 paid impressions (磁力金牛), 元."""

NOTIFY_RATE: Final = 0.012
"""Share of followers reached by the start notification and the follow feed in the first hour."""

PAID_ORDER_RATE: Final = 0.86
"""Share of created orders that get paid (the rest are abandoned: 压单 then cancelled)."""

REFUND_DELAY_HOURS: Final = (20.0, 1.1)
"""Refund delay after payment: log-normal (median hours, sigma)."""

TALENT_LAYERS: Final[dict[str, tuple[int, int]]] = {
    "head": (1_000_000, 20_000_000),
    "waist": (100_000, 1_000_000),
    "tail": (10_000, 100_000),
    "new": (500, 10_000),
}
TALENT_LAYER_WEIGHTS: Final[dict[str, float]] = {
    "head": 0.05,
    "waist": 0.2,
    "tail": 0.45,
    "new": 0.3,
}

CONTRACT_TERMS: Final[dict[str, dict[str, object]]] = {
    "新店破0": {"rate_ppm": 150_000, "slot_fee_fen": 0, "settle_lag_days": 7},
    "爬坡": {"rate_ppm": 100_000, "slot_fee_fen": 100_000, "settle_lag_days": 7},
    "KA": {
        "tiers": [
            {"from_fen": 0, "rate_ppm": 50_000},
            {"from_fen": 5_000_000, "rate_ppm": 70_000},
            {"from_fen": 20_000_000, "rate_ppm": 90_000},
        ],
        "tier_mode": "progressive",
        "period": "session",
        "slot_fee_fen": 300_000,
        "settle_lag_days": 10,
    },
    "SKA": {
        "tiers": [
            {"from_fen": 0, "rate_ppm": 30_000},
            {"from_fen": 100_000_000, "rate_ppm": 45_000},
        ],
        "tier_mode": "whole",
        "period": "month",
        "monthly_fee_fen": 2_000_000,
        "cap_fen": 50_000_000,
        "settle_lag_days": 15,
    },
}
"""The commission plan a provider agrees with a merchant it serves, by the merchant's stage
when the contract is signed (the first day of the simulation): a high flat rate for a new shop
(little GMV, much work), a slot fee from 爬坡 on, session tiers for KA, monthly whole tiers with
a monthly fee and a cap for SKA. Rates are jittered by up to ±20 % per contract."""
