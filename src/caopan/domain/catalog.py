"""The metric catalog (`spec/live-metrics.md`), declared once: measures, groups, the 42 metrics.

A *measure* is a mergeable aggregate of a session's events over a range (a count, a sum, an
exact distinct count, a maximum, a visit overlap); the batch engine computes measures with Ibis
and the live path keeps them in accumulators. A *metric* is a formula over measures; the
formulas live here only, in `metrics_from_measures`, and both paths call it.

Measures travel as a mapping from key to integer. Times are exact integer milliseconds
(`watch_ms`, `elapsed_ms`, spec `watch_seconds`, `elapsed_seconds`); `enter_pv[class]` travels
as `enter_pv_natural`, `enter_pv_private` and `enter_pv_paid`.

>>> [m.id for m in METRICS][:4], len(METRICS)
(['impression_uv', 'impression_pv', 'watch_uv', 'watch_pv'], 42)
>>> METRICS[33].id, METRICS[33].unit, METRICS[33].group.zh
('gpm_fen', 'fen', '交易')
>>> m = dict(zero_measures(), enter_pv=3, enter_uv=2, present_uv=2, pay_gmv_fen=1001, pay_uv=2)
>>> values = metrics_from_measures(m)
>>> values["gpm_fen"], values["avg_order_value_fen"], values["uv_value_fen"]
(333667, 501, 501)
>>> values["refund_rate"], values["impression_to_entry_rate"]
(0.0, None)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from caopan.domain.money import half_up_div

Unit = Literal["人", "次", "单", "件", "fen", "s", "ratio"]
Value = int | float | None
Measures = Mapping[str, int | None]
Compute = Callable[[Measures], Value]

UNITS: Final[dict[str, str]] = {
    "人": "people",
    "次": "events",
    "单": "orders",
    "件": "items",
    "fen": "money in 分 (fen)",
    "s": "seconds",
    "ratio": "a plain number (0.0312 means 3.12 %)",
}

COMMISSION_KEY: Final = "commission_est_fen"
COMMISSION_METRIC: Final = "provider_commission_est_fen"
"""Id of metric 42, whose value is `COMMISSION_KEY`'s as given (it needs a contract, not events)."""
"""Key under which `metrics_from_measures` hands metric 42 its value (not a measure)."""


@dataclass(frozen=True, slots=True)
class Measure:
    """A measure of the spec table: its spec name, the keys carrying it, and its definition."""

    name: str
    keys: tuple[str, ...]
    definition: str


MEASURES: Final[tuple[Measure, ...]] = (
    Measure("impression_pv", ("impression_pv",), "count of `impression`"),
    Measure("impression_uv", ("impression_uv",), "distinct `user_id` of `impression`"),
    Measure("enter_pv", ("enter_pv",), "count of `enter`"),
    Measure("enter_uv", ("enter_uv",), "distinct `user_id` of `enter`"),
    Measure(
        "enter_pv[class]",
        ("enter_pv_natural", "enter_pv_private", "enter_pv_paid"),
        "count of `enter` whose source class is natural / private / paid",
    ),
    Measure(
        "present_uv",
        ("present_uv",),
        "distinct users with a visit overlapping R, a zero-length visit counting when it "
        "starts in R (session range: equals `enter_uv`)",
    ),
    Measure(
        "watch_seconds",
        ("watch_ms",),
        "total overlap, in seconds, of all visits with R (open visits run to `as_of`); "
        "carried as exact milliseconds `watch_ms`",
    ),
    Measure("online(t)", (), "number of visits open at instant t (a function, not a number)"),
    Measure(
        "peak_online",
        ("peak_online",),
        "max of `online(t)` for t in R; for a window, `online` at its start instant counts",
    ),
    Measure(
        "online_at_end",
        ("online_at_end",),
        "`online` at the end of R (`as_of` for the session and the current window)",
    ),
    Measure(
        "long_visits",
        ("long_visits",),
        "visits that start in R and last more than 60 s (an open visit: its length so far)",
    ),
    Measure(
        "comment_pv, comment_uv",
        ("comment_pv", "comment_uv"),
        "count / distinct users of `comment`",
    ),
    Measure("share_uv", ("share_uv",), "distinct users of `share`"),
    Measure(
        "interact_uv", ("interact_uv",), "distinct users with any `like`, `comment` or `share`"
    ),
    Measure("follow_uv", ("follow_uv",), "distinct users of `follow` (there is no unfollow event)"),
    Measure("fans_club_uv", ("fans_club_uv",), "distinct users of `fans_club_join`"),
    Measure("negative_pv", ("negative_pv",), "count of `negative_feedback`"),
    Measure(
        "product_impression_uv",
        ("product_impression_uv",),
        "distinct users of `product_impression`",
    ),
    Measure("product_click_uv", ("product_click_uv",), "distinct users of `product_click`"),
    Measure("created_orders", ("created_orders",), "distinct `order_id` of `order_created`"),
    Measure(
        "unpaid_orders",
        ("unpaid_orders",),
        "orders created in R with no `order_paid` at or before `as_of`",
    ),
    Measure("paid_orders", ("paid_orders",), "orders whose (earliest) payment is in R"),
    Measure("pay_gmv_fen", ("pay_gmv_fen",), "Σ paid `amount_fen` of those orders"),
    Measure("pay_items", ("pay_items",), "Σ `quantity` of those orders"),
    Measure("pay_uv", ("pay_uv",), "distinct buyers (`user_id`) of those orders"),
    Measure(
        "follower_pay_uv",
        ("follower_pay_uv",),
        "buyers whose entry for their first order paid in R was as a follower",
    ),
    Measure(
        "refund_fen",
        ("refund_fen",),
        "Σ counted refund amounts (after the per-order cap) with `ts` in R, on this session's "
        "orders",
    ),
    Measure("ad_cost_fen", ("ad_cost_fen",), "Σ `amount_fen` of `ad_spend`"),
    Measure(
        "ad_gmv_fen",
        ("ad_gmv_fen",),
        "Σ paid amount of the orders of `paid_orders` whose entry came from a *paid* source",
    ),
    Measure(
        "elapsed_seconds",
        ("elapsed_ms",),
        "length of R clipped to [`start`, `end`], in seconds; carried as exact milliseconds "
        "`elapsed_ms`",
    ),
)
"""Every measure of the spec table, in the spec's order."""

MEASURE_KEYS: Final[tuple[str, ...]] = tuple(key for m in MEASURES for key in m.keys)
"""Every key a complete measures mapping carries."""

DIAGNOSTICS: Final[dict[str, str]] = {
    "orphan_leaves": "`leave` events in R whose user's previous enter/leave was not an `enter`",
    "repeated_payments": "`order_paid` events in R repeating an order already paid earlier",
    "refund_cut_fen": "refund amounts with `ts` in R that the per-order cap did not count",
}
"""Reported alongside the measures (what rules 5 and 6 ignore or cut); no metric uses them."""


def zero_measures() -> dict[str, int | None]:
    """Every measure key set to 0 (the measures of an empty range).

    >>> len(zero_measures()) == len(MEASURE_KEYS)
    True
    """
    return dict.fromkeys(MEASURE_KEYS, 0)


@dataclass(frozen=True, slots=True)
class Group:
    """A group of metrics on the screen."""

    id: str
    zh: str
    en: str


TRAFFIC: Final = Group("traffic", "流量", "traffic")
ENGAGEMENT: Final = Group("engagement", "互动", "engagement")
GOODS: Final = Group("goods", "商品与转化", "goods and conversion")
TRADE: Final = Group("trade", "交易", "trade")
PAID: Final = Group("paid", "投放", "paid traffic")
EARNINGS: Final = Group("earnings", "收益", "earnings")
GROUPS: Final = (TRAFFIC, ENGAGEMENT, GOODS, TRADE, PAID, EARNINGS)


def ratio(numerator: int | None, denominator: int | None) -> float | None:
    """`numerator / denominator` unrounded; `None` when either is unknown or the divisor is 0.

    >>> ratio(3, 2), ratio(1, 0), ratio(None, 5)
    (1.5, None, None)
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def fen_per(numerator_fen: int | None, denominator: int | None) -> int | None:
    """Money per unit, rounded half-up to a whole fen with integer arithmetic; `None` on 0.

    >>> fen_per(5, 2), fen_per(7, 3), fen_per(7, 0)
    (3, 2, None)
    """
    if numerator_fen is None or denominator is None or denominator == 0:
        return None
    return half_up_div(numerator_fen, denominator)


def _scaled(value: int | None, factor: int) -> int | None:
    return None if value is None else value * factor


def _measure(key: str) -> Compute:
    def compute(measures: Measures) -> Value:
        return measures[key]

    return compute


def _ratio(num: str, den: str, num_factor: int = 1, den_factor: int = 1) -> Compute:
    """`(num × num_factor) / (den × den_factor)` with one float division of exact integers."""

    def compute(measures: Measures) -> Value:
        return ratio(_scaled(measures[num], num_factor), _scaled(measures[den], den_factor))

    return compute


def _fen_per(num: str, den: str, num_factor: int = 1) -> Compute:
    def compute(measures: Measures) -> Value:
        return fen_per(_scaled(measures[num], num_factor), measures[den])

    return compute


@dataclass(frozen=True, slots=True)
class Metric:
    """One of the 42 metrics: identity, names, group, unit, formula and its computation.

    `higher_is_better` says which way a change is good (the screen colours arrows by it).
    """

    number: int
    id: str
    zh: str
    en: str
    group: Group
    unit: Unit
    formula: str
    higher_is_better: bool
    compute: Compute


def _metric(
    number: int,
    id_: str,
    zh: str,
    en: str,
    group: Group,
    formula: str,
    unit: Unit,
    compute: Compute,
    *,
    higher_is_better: bool = True,
) -> Metric:
    return Metric(number, id_, zh, en, group, unit, formula, higher_is_better, compute)


_COMMISSION_FORMULA: Final = (
    "the service provider's commission on this session's orders under the merchant's active "
    "contract, on the contract's base (see `commission.md`); `null` when no contract applies"
)

# fmt: off
METRICS: Final[tuple[Metric, ...]] = (
    _metric(1, "impression_uv", "直播间曝光人数", "Room impression viewers", TRAFFIC,
            "impression_uv", "人", _measure("impression_uv")),
    _metric(2, "impression_pv", "直播间曝光次数", "Room impressions", TRAFFIC,
            "impression_pv", "次", _measure("impression_pv")),
    _metric(3, "watch_uv", "累计观看人数 (进场人数)", "Viewers (entered)", TRAFFIC,
            "enter_uv", "人", _measure("enter_uv")),
    _metric(4, "watch_pv", "观看次数 (进场人次)", "Views (entries)", TRAFFIC,
            "enter_pv", "次", _measure("enter_pv")),
    _metric(5, "impression_to_entry_rate", "曝光-进入率(次数)", "Impression-to-entry rate",
            TRAFFIC, "enter_pv / impression_pv", "ratio", _ratio("enter_pv", "impression_pv")),
    _metric(6, "online_now", "实时在线人数", "Online now", TRAFFIC,
            "online_at_end", "人", _measure("online_at_end")),
    _metric(7, "avg_online", "平均在线人数", "Average online", TRAFFIC,
            "watch_seconds / elapsed_seconds", "人", _ratio("watch_ms", "elapsed_ms")),
    _metric(8, "peak_online", "峰值在线人数", "Peak online", TRAFFIC,
            "peak_online", "人", _measure("peak_online")),
    _metric(9, "avg_watch_seconds", "人均观看时长", "Average watch time", TRAFFIC,
            "watch_seconds / present_uv", "s", _ratio("watch_ms", "present_uv", den_factor=1000)),
    _metric(10, "long_stay_rate", "超1分钟停留率", "Over-1-minute stay rate", TRAFFIC,
            "long_visits / enter_pv", "ratio", _ratio("long_visits", "enter_pv")),
    _metric(11, "natural_traffic_share", "自然流量占比", "Natural traffic share", TRAFFIC,
            "enter_pv[natural] / enter_pv", "ratio", _ratio("enter_pv_natural", "enter_pv")),
    _metric(12, "paid_traffic_share", "付费流量占比", "Paid traffic share", TRAFFIC,
            "enter_pv[paid] / enter_pv", "ratio", _ratio("enter_pv_paid", "enter_pv"),
            higher_is_better=False),
    _metric(13, "comment_uv", "评论人数", "Commenters", ENGAGEMENT,
            "comment_uv", "人", _measure("comment_uv")),
    _metric(14, "comments_per_min", "分钟评论数", "Comments per minute", ENGAGEMENT,
            "comment_pv / (elapsed_seconds / 60)", "次",
            _ratio("comment_pv", "elapsed_ms", num_factor=60_000)),
    _metric(15, "share_uv", "分享人数", "Sharers", ENGAGEMENT,
            "share_uv", "人", _measure("share_uv")),
    _metric(16, "interaction_rate", "互动率", "Interaction rate", ENGAGEMENT,
            "interact_uv / present_uv", "ratio", _ratio("interact_uv", "present_uv")),
    _metric(17, "new_followers", "新增粉丝数", "New followers", ENGAGEMENT,
            "follow_uv", "人", _measure("follow_uv")),
    _metric(18, "follow_rate", "转粉率 (观看-关注率)", "Follow rate", ENGAGEMENT,
            "follow_uv / present_uv", "ratio", _ratio("follow_uv", "present_uv")),
    _metric(19, "fans_club_rate", "加团率", "Fans-club join rate", ENGAGEMENT,
            "fans_club_uv / present_uv", "ratio", _ratio("fans_club_uv", "present_uv")),
    _metric(20, "negative_feedback_rate", "负反馈率", "Negative feedback rate", ENGAGEMENT,
            "negative_pv / impression_pv", "ratio", _ratio("negative_pv", "impression_pv"),
            higher_is_better=False),
    _metric(21, "product_impression_uv", "商品曝光人数", "Product impression viewers", GOODS,
            "product_impression_uv", "人", _measure("product_impression_uv")),
    _metric(22, "product_click_uv", "商品点击人数", "Product clickers", GOODS,
            "product_click_uv", "人", _measure("product_click_uv")),
    _metric(23, "watch_to_click_rate", "观看-商品点击率", "Watch-to-click rate", GOODS,
            "product_click_uv / present_uv", "ratio", _ratio("product_click_uv", "present_uv")),
    _metric(24, "product_ctr", "商品曝光-点击率", "Product click-through rate", GOODS,
            "product_click_uv / product_impression_uv", "ratio",
            _ratio("product_click_uv", "product_impression_uv")),
    _metric(25, "click_to_pay_rate", "商品点击-成交转化率", "Click-to-pay rate", GOODS,
            "pay_uv / product_click_uv", "ratio", _ratio("pay_uv", "product_click_uv")),
    _metric(26, "watch_to_pay_rate", "观看-成交转化率", "Watch-to-pay rate", GOODS,
            "pay_uv / present_uv", "ratio", _ratio("pay_uv", "present_uv")),
    _metric(27, "create_to_pay_rate", "订单支付率", "Order payment rate", GOODS,
            "paid_orders / created_orders", "ratio", _ratio("paid_orders", "created_orders")),
    _metric(28, "unpaid_orders", "未支付订单数 (压单)", "Unpaid orders", GOODS,
            "unpaid_orders", "单", _measure("unpaid_orders"), higher_is_better=False),
    _metric(29, "pay_gmv_fen", "成交金额 (GMV)", "GMV", TRADE,
            "pay_gmv_fen", "fen", _measure("pay_gmv_fen")),
    _metric(30, "pay_orders", "成交订单数", "Paid orders", TRADE,
            "paid_orders", "单", _measure("paid_orders")),
    _metric(31, "pay_uv", "成交人数", "Buyers", TRADE,
            "pay_uv", "人", _measure("pay_uv")),
    _metric(32, "pay_items", "成交件数", "Items sold", TRADE,
            "pay_items", "件", _measure("pay_items")),
    _metric(33, "avg_order_value_fen", "客单价", "Spend per buyer", TRADE,
            "pay_gmv_fen / pay_uv", "fen", _fen_per("pay_gmv_fen", "pay_uv")),
    _metric(34, "gpm_fen", "千次观看成交金额 (GPM)", "GMV per 1,000 views (GPM)", TRADE,
            "1000 × pay_gmv_fen / enter_pv", "fen",
            _fen_per("pay_gmv_fen", "enter_pv", num_factor=1000)),
    _metric(35, "uv_value_fen", "UV价值", "Value per viewer", TRADE,
            "pay_gmv_fen / enter_uv", "fen", _fen_per("pay_gmv_fen", "enter_uv")),
    _metric(36, "refund_fen", "退款金额", "Refunds", TRADE,
            "refund_fen", "fen", _measure("refund_fen"), higher_is_better=False),
    _metric(37, "refund_rate", "退款率", "Refund rate", TRADE,
            "refund_fen / pay_gmv_fen", "ratio", _ratio("refund_fen", "pay_gmv_fen"),
            higher_is_better=False),
    _metric(38, "follower_buyer_share", "成交老粉占比", "Follower share of buyers", TRADE,
            "follower_pay_uv / pay_uv", "ratio", _ratio("follower_pay_uv", "pay_uv")),
    _metric(39, "ad_cost_fen", "投放消耗", "Ad spend", PAID,
            "ad_cost_fen", "fen", _measure("ad_cost_fen"), higher_is_better=False),
    _metric(40, "ad_roi", "投放ROI", "Ad ROI", PAID,
            "ad_gmv_fen / ad_cost_fen", "ratio", _ratio("ad_gmv_fen", "ad_cost_fen")),
    _metric(41, "room_roi", "整体ROI", "Room ROI", PAID,
            "pay_gmv_fen / ad_cost_fen", "ratio", _ratio("pay_gmv_fen", "ad_cost_fen")),
    _metric(42, COMMISSION_METRIC, "本场预估服务商佣金",
            "Provider commission estimate", EARNINGS, _COMMISSION_FORMULA, "fen",
            _measure(COMMISSION_KEY)),
)
# fmt: on
"""The 42 metrics in the spec's order (`number` is the position, 1-based)."""

METRIC_IDS: Final[tuple[str, ...]] = tuple(m.id for m in METRICS)
BY_ID: Final[dict[str, Metric]] = {m.id: m for m in METRICS}


def metric(metric_id: str) -> Metric:
    """The metric with this id.

    >>> metric("ad_roi").number, metric("ad_roi").higher_is_better
    (40, True)
    """
    return BY_ID[metric_id]


def metrics_from_measures(
    measures: Measures, commission_est_fen: int | None = None
) -> dict[str, Value]:
    """All 42 metrics, in catalog order, from one range's measures (every `MEASURE_KEYS` key).

    A zero denominator gives `None`; money per unit is rounded half-up to a whole fen; ratios
    and seconds are unrounded floats; metric 42 is `commission_est_fen` as given.

    >>> empty = metrics_from_measures(zero_measures())
    >>> empty["watch_uv"], empty["avg_online"], empty["gpm_fen"], empty["ad_roi"]
    (0, None, None, None)
    >>> m = dict(zero_measures(), watch_ms=90_500, present_uv=2, elapsed_ms=60_000, comment_pv=3)
    >>> v = metrics_from_measures(m, commission_est_fen=1200)
    >>> v["avg_watch_seconds"], v["avg_online"], v["comments_per_min"]
    (45.25, 1.5083333333333333, 3.0)
    >>> v["provider_commission_est_fen"]
    1200
    """
    values: dict[str, int | None] = {**measures, COMMISSION_KEY: commission_est_fen}
    return {m.id: m.compute(values) for m in METRICS}
