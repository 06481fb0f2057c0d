"""Live alerts (预警): rules over a window's values and their change, as pure functions.

Each rule takes the window's metrics (`{"id": {"value", "previous"}}`), the session's
per-minute series and the thresholds, and returns the alerts it raises (usually none). The
sentence says what happened with its numbers and what to do, in Chinese and English.

>>> window = {"impression_to_entry_rate": {"value": 0.06, "previous": 0.10}}
>>> [a.rule for a in evaluate(window, {}, minutes=10)]
['entry_rate_drop']
>>> evaluate({"impression_to_entry_rate": {"value": 0.09, "previous": 0.10}}, {}, minutes=10)
[]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from caopan.domain.errors import InvalidInput

Window = Mapping[str, Mapping[str, Any]]
Series = Mapping[str, Sequence[Any]]
Products = Sequence[Mapping[str, Any]]
Stock = Mapping[str, int | None]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When rules fire; configurable per session.

    >>> Thresholds.of({"unpaid_orders": 2}).unpaid_orders
    2
    >>> Thresholds.of({"unpaid": 2})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    caopan.domain.errors.InvalidInput: unknown alert threshold 'unpaid' (known: ...)
    """

    entry_rate_drop: float = 0.30
    online_falling_minutes: int = 3
    unpaid_orders: int = 5
    refund_rate: float = 0.30
    ad_roi_target: float = 1.0
    ad_min_cost_fen: int = 10_000
    stock_left: int = 0

    @staticmethod
    def of(values: Mapping[str, Any], base: Thresholds | None = None) -> Thresholds:
        """`base` (default: the defaults) with some values replaced, each checked: a known
        name, a number ≥ 0 (a whole number for counts and money)."""
        known = {f: type(getattr(Thresholds(), f)) for f in Thresholds.__dataclass_fields__}
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if name not in known:
                names = ", ".join(sorted(known))
                raise InvalidInput(f"unknown alert threshold {name!r} (known: {names})")
            whole = known[name] is int
            ok = isinstance(value, int) if whole else isinstance(value, int | float)
            if isinstance(value, bool) or not ok or value < 0:
                kind = "a whole number" if whole else "a number"
                raise InvalidInput(f"alert threshold {name} must be {kind} ≥ 0, not {value!r}")
            changes[name] = value if whole else float(value)
        return replace(base or Thresholds(), **changes)


@dataclass(frozen=True, slots=True)
class Alert:
    """A fired alert: which rule, how bad, what happened, what to do."""

    rule: str
    severity: str  # warning / critical
    zh: str
    en: str
    action_zh: str
    action_en: str
    evidence: dict[str, Any] = field(default_factory=dict)


Rule = Callable[[Window, Series, int, Thresholds], list[Alert]]


def _pair(window: Window, metric: str) -> tuple[Any, Any]:
    item = window.get(metric) or {}
    return item.get("value"), item.get("previous")


def entry_rate_drop(window: Window, series: Series, minutes: int, t: Thresholds) -> list[Alert]:
    value, previous = _pair(window, "impression_to_entry_rate")
    if value is None or not previous or value >= previous * (1 - t.entry_rate_drop):
        return []
    drop = round((1 - value / previous) * 100)
    return [
        Alert(
            "entry_rate_drop",
            "warning",
            f"曝光-进入率 {minutes} 分钟内下降 {drop}%（{previous:.1%} → {value:.1%}）",
            f"Impression-to-entry rate fell {drop}% in {minutes} min "
            f"({previous:.1%} → {value:.1%})",
            "检查封面与标题，考虑加投拉新",
            "Check the cover and title; consider paid traffic",
            {"value": value, "previous": previous},
        )
    ]


def online_falling(window: Window, series: Series, minutes: int, t: Thresholds) -> list[Alert]:
    online = [v for v in series.get("online_now", []) if v is not None]
    n = t.online_falling_minutes
    tail = online[-(n + 1) :]
    if len(tail) < n + 1 or not all(b < a for a, b in pairwise(tail)):
        return []
    return [
        Alert(
            "online_falling",
            "warning",
            f"在线人数连续 {n} 分钟下降（{tail[0]} → {tail[-1]}）",
            f"Online viewers fell {n} minutes in a row ({tail[0]} → {tail[-1]})",
            "上福袋或红包留人，切换讲解爆款",
            "Hold viewers with a lucky bag; explain a hero item",
            {"online": tail},
        )
    ]


def unpaid_piling(window: Window, series: Series, minutes: int, t: Thresholds) -> list[Alert]:
    unpaid, _ = _pair(window, "unpaid_orders")
    if unpaid is None or unpaid < t.unpaid_orders:
        return []
    return [
        Alert(
            "unpaid_piling",
            "warning",
            f"压单 {unpaid} 单（最近 {minutes} 分钟创建未支付）",
            f"{unpaid} orders created but unpaid in the last {minutes} min",
            "口播提醒付款，检查库存与支付链路",
            "Remind viewers to pay; check stock and checkout",
            {"unpaid_orders": unpaid},
        )
    ]


def refund_spike(window: Window, series: Series, minutes: int, t: Thresholds) -> list[Alert]:
    rate, _ = _pair(window, "refund_rate")
    if rate is None or rate < t.refund_rate:
        return []
    return [
        Alert(
            "refund_spike",
            "critical",
            f"退款率 {rate:.0%}（最近 {minutes} 分钟）",
            f"Refund rate {rate:.0%} in the last {minutes} min",
            "核对商品描述、尺码与发货承诺",
            "Check the product description, sizes and delivery promise",
            {"refund_rate": rate},
        )
    ]


def ad_roi_low(window: Window, series: Series, minutes: int, t: Thresholds) -> list[Alert]:
    roi, _ = _pair(window, "ad_roi")
    cost, _ = _pair(window, "ad_cost_fen")
    if roi is None or cost is None or cost < t.ad_min_cost_fen or roi >= t.ad_roi_target:
        return []
    return [
        Alert(
            "ad_roi_low",
            "warning",
            f"投放ROI {roi:.2f}，低于目标 {t.ad_roi_target:.2f}（最近 {minutes} 分钟）",
            f"Ad ROI {roi:.2f} below the target {t.ad_roi_target:.2f} (last {minutes} min)",
            "调整定向或出价，暂停低效计划",
            "Adjust targeting or bids; pause weak campaigns",
            {"ad_roi": roi, "ad_cost_fen": cost},
        )
    ]


def stock_remaining(products: Products, stock: Stock) -> dict[str, int]:
    """Items left of each product whose stock is known: the stock minus the items paid for
    in the session (`pay_items` of the session's product rows).

    >>> stock_remaining([{"product_id": "p1", "pay_items": 3}, {"product_id": "p2"}],
    ...                 {"p1": 5, "p2": None})
    {'p1': 2}
    """
    return {
        p["product_id"]: int(known) - int(p.get("pay_items") or 0)
        for p in products
        if (known := stock.get(p["product_id"])) is not None
    }


def explained_out_of_stock(
    products: Products, stock: Stock, t: Thresholds, names: Mapping[str, str] | None = None
) -> list[Alert]:
    """The product being explained (讲解中) has no stock left (≤ `stock_left` items).

    `products` are the session's product rows (`product_id`, `explaining`, `pay_items`);
    `stock` the known stock of products by id (a product without one never fires); `names`
    the products' names where known (the id is shown otherwise).

    >>> rows = [{"product_id": "p1", "explaining": True, "pay_items": 5}]
    >>> [a.zh for a in explained_out_of_stock(rows, {"p1": 5}, Thresholds())]
    ['讲解中的商品已售罄：p1（剩余 0 件）']
    >>> low = Thresholds(stock_left=3)
    >>> [a.en for a in explained_out_of_stock(rows, {"p1": 7}, low, {"p1": "围巾"})]
    ['The product being explained is low on stock: 围巾 (2 left)']
    >>> explained_out_of_stock(rows, {"p1": 6}, Thresholds())
    []
    """
    left = stock_remaining([p for p in products if p.get("explaining")], stock)
    out = {product: n for product, n in sorted(left.items()) if n <= t.stock_left}
    if not out:
        return []
    label = names or {}
    listed = "、".join(f"{label.get(p, p)}（剩余 {max(n, 0)} 件）" for p, n in out.items())
    listed_en = ", ".join(f"{label.get(p, p)} ({max(n, 0)} left)" for p, n in out.items())
    sold_out = all(n <= 0 for n in out.values())
    return [
        Alert(
            "explained_out_of_stock",
            "critical",
            f"讲解中的商品{'已售罄' if sold_out else '库存告急'}：{listed}",
            f"The product being explained is {'sold out' if sold_out else 'low on stock'}: "
            f"{listed_en}",
            "补库存或切换讲解其他商品",
            "Restock, or switch to explaining another product",
            {"stock_left": out},
        )
    ]


RULES: tuple[Rule, ...] = (entry_rate_drop, online_falling, unpaid_piling, refund_spike, ad_roi_low)


def evaluate(
    window: Window,
    series: Series,
    minutes: int,
    thresholds: Thresholds | None = None,
    *,
    products: Products = (),
    stock: Stock | None = None,
    names: Mapping[str, str] | None = None,
) -> list[Alert]:
    """Every alert the rules raise for this window; with the session's `products` and the
    known `stock`, also the explained-product-out-of-stock rule (products by `names`)."""
    t = thresholds or Thresholds()
    alerts = [alert for rule in RULES for alert in rule(window, series, minutes, t)]
    return alerts + explained_out_of_stock(products, stock or {}, t, names)
