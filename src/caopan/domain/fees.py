"""Platform fees and the merchant's real result (`spec/commission.md`, platform fees).

* 技术服务费 (technical service fee): a rate per product category from a configurable
  `FeeTable`; the new-merchant policy (`NewMerchantPolicy`, on by default) charges 1 % on the
  first 1,000,000 yuan of GMV, counted in payment order, within 30 days of the shop opening;
  an order crossing the threshold is split, and the fee is computed exactly over both parts and
  rounded half-up once.
* 达人佣金 and 团长 service fee on distribution (CPS) orders: each party's rate on the order's
  base, rounded half-up; Kuaishou's per-mille 团长 rates convert with `leader_rate_ppm`.
* The merchant's result and the ROI after service fees (服务商后ROI).

>>> table = FeeTable({"服饰": 50_000})
>>> opened = 1_767_196_800_000                      # the shop opened at this instant
>>> day_10 = opened + 9 * 86_400_000
>>> technical_service_fee(50_000, table.rate_for("服饰"), paid_at=day_10, opened_at=opened,
...                       gmv_before_fen=99_990_000)
2100
>>> distribution_fees(10_000, talent_rate_ppm=200_000, leader_rate_ppm=leader_rate_ppm(100))
(2000, 1000)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from caopan.domain.clock import MS_PER_DAY
from caopan.domain.errors import InvalidInput
from caopan.domain.money import PPM, Rate, half_up_div

DEFAULT_CATEGORY_RATES: Final[Mapping[str, int]] = MappingProxyType(
    {
        "服饰": 50_000,
        "美妆": 50_000,
        "食品": 30_000,
        "家居": 50_000,
        "珠宝玉石": 50_000,
        "3C": 20_000,
        "母婴": 30_000,
        "运动户外": 50_000,
        "鞋靴箱包": 50_000,
        "其他": 50_000,
    }
)
"""Placeholder 技术服务费 rates (ppm) per merchant category, in the 2–5 % range platforms
publish; they are not any platform's current table — configure yours with `FeeTable`."""

DEFAULT_FEE_PPM: Final = 50_000
"""The rate for a category the table does not name."""


def _ppm(what: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= PPM:
        raise InvalidInput(f"{what} must be an integer between 0 and {PPM} ppm, not {value!r}")
    return value


def _fen(what: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{what} must be a non-negative integer of fen, not {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class FeeTable:
    """技术服务费 rates per category, in ppm; `default_ppm` for categories not named."""

    rates: Mapping[str, int] = field(default_factory=lambda: DEFAULT_CATEGORY_RATES)
    default_ppm: int = DEFAULT_FEE_PPM

    def __post_init__(self) -> None:
        for category, ppm in self.rates.items():
            _ppm(f"fee rate of {category!r}", ppm)
        _ppm("default fee rate", self.default_ppm)
        object.__setattr__(self, "rates", MappingProxyType(dict(self.rates)))

    def rate_for(self, category: str | None) -> int:
        """The category's rate, or the default.

        >>> FeeTable().rate_for("食品"), FeeTable().rate_for("未知")
        (30000, 50000)
        """
        if category is None:
            return self.default_ppm
        return self.rates.get(category, self.default_ppm)


@dataclass(frozen=True, slots=True)
class NewMerchantPolicy:
    """Within `window_days` × 24 h of the shop opening, the first `threshold_fen` of GMV (in
    payment order) is charged `rate_ppm` instead of the category rate."""

    enabled: bool = True
    window_days: int = 30
    threshold_fen: int = 100_000_000
    rate_ppm: int = 10_000

    def __post_init__(self) -> None:
        _fen("window_days", self.window_days)
        _fen("threshold_fen", self.threshold_fen)
        _ppm("new-merchant rate", self.rate_ppm)

    def applies(self, paid_at: int, opened_at: int | None) -> bool:
        """Whether an order paid at `paid_at` falls in the window (`opened_at` None: never)."""
        if not self.enabled or opened_at is None:
            return False
        return opened_at <= paid_at < opened_at + self.window_days * MS_PER_DAY


def technical_service_fee(
    amount_fen: int,
    category_ppm: int,
    *,
    paid_at: int,
    opened_at: int | None,
    gmv_before_fen: int,
    policy: NewMerchantPolicy | None = None,
) -> int:
    """One order's 技术服务费: the part of `amount_fen` below the new-merchant threshold (given
    the GMV counted before it, `gmv_before_fen`) at the policy rate, the rest at the category
    rate; exact over both parts, rounded half-up once.

    >>> technical_service_fee(50_000, 50_000, paid_at=0, opened_at=None, gmv_before_fen=0)
    2500
    """
    policy = NewMerchantPolicy() if policy is None else policy
    _fen("order amount", amount_fen)
    _fen("GMV before the order", gmv_before_fen)
    _ppm("category rate", category_ppm)
    discounted = 0
    if policy.applies(paid_at, opened_at):
        discounted = max(0, min(amount_fen, policy.threshold_fen - gmv_before_fen))
    numerator = discounted * policy.rate_ppm + (amount_fen - discounted) * category_ppm
    return half_up_div(numerator, PPM)


@dataclass(frozen=True, slots=True)
class FeeOrder:
    """What the fee needs to know of an order: when it was paid, its GMV and its category."""

    order_id: str
    paid_at: int
    gmv_fen: int
    category: str | None = None

    def __post_init__(self) -> None:
        _fen(f"GMV of order {self.order_id}", self.gmv_fen)
        if isinstance(self.paid_at, bool) or not isinstance(self.paid_at, int):
            raise InvalidInput(f"paid_at of order {self.order_id} must be epoch ms")


def technical_service_fees(
    orders: Sequence[FeeOrder],
    *,
    opened_at: int | None,
    table: FeeTable | None = None,
    policy: NewMerchantPolicy | None = None,
) -> dict[str, int]:
    """The 技术服务费 of every order of one shop, counting GMV in payment order (ties: order id).

    >>> day = 86_400_000
    >>> orders = [FeeOrder("b", 2 * day, 60_000_000), FeeOrder("a", day, 60_000_000)]
    >>> technical_service_fees(orders, opened_at=0, table=FeeTable({}, default_ppm=50_000))
    {'a': 600000, 'b': 1400000}
    """
    table = FeeTable() if table is None else table
    policy = NewMerchantPolicy() if policy is None else policy
    counted = 0
    fees: dict[str, int] = {}
    for order in sorted(orders, key=lambda o: (o.paid_at, o.order_id)):
        if order.order_id in fees:
            raise InvalidInput(f"order {order.order_id} is listed twice")
        fees[order.order_id] = technical_service_fee(
            order.gmv_fen,
            table.rate_for(order.category),
            paid_at=order.paid_at,
            opened_at=opened_at,
            gmv_before_fen=counted,
            policy=policy,
        )
        if policy.applies(order.paid_at, opened_at):
            counted += order.gmv_fen
    return dict(sorted(fees.items()))


def leader_rate_ppm(per_mille: str | int | Decimal) -> int:
    """Kuaishou 团长 rates are per mille (100 = 10 %): convert at the edge.

    >>> leader_rate_ppm(100), leader_rate_ppm("2.5")
    (100000, 2500)
    """
    return _ppm("团长 rate", Rate.from_per_mille(per_mille).ppm)


def distribution_fees(
    base_fen: int, *, talent_rate_ppm: int | None, leader_rate_ppm: int | None
) -> tuple[int, int]:
    """(达人佣金, 团长 service fee) of a distribution order: each rate on the order's base."""
    _fen("distribution base", base_fen)
    talent = _ppm("达人 rate", talent_rate_ppm or 0)
    leader = _ppm("团长 rate", leader_rate_ppm or 0)
    return half_up_div(base_fen * talent, PPM), half_up_div(base_fen * leader, PPM)


@dataclass(frozen=True, slots=True)
class SessionResult:
    """A session's money from the merchant's side, all in fen."""

    gmv_fen: int
    refunds_fen: int = 0
    technical_fee_fen: int = 0
    talent_fen: int = 0
    leader_fen: int = 0
    provider_commission_fen: int = 0
    slot_fee_fen: int = 0
    ad_spend_fen: int = 0

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput(f"{name} must be an integer of fen, not {value!r}")

    @property
    def merchant_result_fen(self) -> int:
        """GMV − refunds − 技术服务费 − 达人/团长 − provider commission and slot fee − ad spend.

        >>> SessionResult(100_000, 10_000, 4_500, 0, 0, 9_000, 20_000, 30_000).merchant_result_fen
        26500
        """
        return (
            self.gmv_fen
            - self.refunds_fen
            - self.technical_fee_fen
            - self.talent_fen
            - self.leader_fen
            - self.provider_commission_fen
            - self.slot_fee_fen
            - self.ad_spend_fen
        )

    @property
    def roi_after_service_fees(self) -> Fraction | None:
        """服务商后ROI = GMV ÷ (ad spend + provider commission + slot fee), exact; None when
        nothing was spent.

        >>> SessionResult(100_000, provider_commission_fen=10_000, ad_spend_fen=30_000,
        ...               slot_fee_fen=10_000).roi_after_service_fees
        Fraction(2, 1)
        """
        spent = self.ad_spend_fen + self.provider_commission_fen + self.slot_fee_fen
        return None if spent == 0 else Fraction(self.gmv_fen, spent)
