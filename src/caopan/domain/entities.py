"""The parties of the live-commerce world: providers, operators, merchants, anchors.

Records are frozen and validated when made; storage rows are produced by the engine from them.

>>> Provider("p1", "杭州星火", category="MCN", tier="核心").category
'MCN'
>>> Provider("p1", "x", tier="gold")
Traceback (most recent call last):
...
caopan.domain.errors.InvalidInput: provider tier must be one of 优质, 核心, 战略 (got 'gold')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from caopan.domain.errors import InvalidInput
from caopan.domain.ids import check_id

PROVIDER_CATEGORIES: Final = ("MCN", "产业带", "商家", "品牌")
"""The four kinds of service provider (服务商生态2.0)."""

PROVIDER_TIERS: Final = ("优质", "核心", "战略")
"""Provider tiers, lowest first."""

STAGES: Final = ("新店破0", "爬坡", "KA", "SKA")
"""STEPS lifecycle stages of a merchant, lowest first."""

MERCHANT_CATEGORIES: Final = (
    "服饰",
    "美妆",
    "食品",
    "家居",
    "珠宝玉石",
    "3C",
    "母婴",
    "运动户外",
    "鞋靴箱包",
    "其他",
)

ANCHOR_LAYERS: Final = ("head", "waist", "tail", "new")
"""Talent layering: 头部 / 腰部 / 尾部 / 新人."""


def _one_of(what: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidInput(f"{what} must be one of {', '.join(allowed)} (got {value!r})")


def _name(what: str, value: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{what} name must be text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InvalidInput(f"{what} name must not be empty")
    return text


@dataclass(frozen=True, slots=True)
class Provider:
    """A service provider (服务商): a tenant that operates merchants."""

    provider_id: str
    name: str
    category: str = "MCN"
    tier: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "provider_id", check_id("provider", self.provider_id))
        object.__setattr__(self, "name", _name("provider", self.name))
        _one_of("provider category", self.category, PROVIDER_CATEGORIES)
        _one_of("provider tier", self.tier, PROVIDER_TIERS)


@dataclass(frozen=True, slots=True)
class Operator:
    """An operator (操盘手), a user of one provider."""

    operator_id: str
    provider_id: str
    name: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "operator_id", check_id("operator", self.operator_id))
        object.__setattr__(self, "provider_id", check_id("provider", self.provider_id))
        object.__setattr__(self, "name", _name("operator", self.name))


@dataclass(frozen=True, slots=True)
class Merchant:
    """A merchant (商家) whose goods are sold; served by a provider or by none.

    >>> Merchant("m1", "雅鹿旗舰店", category="服饰", stage="爬坡").stage
    '爬坡'
    """

    merchant_id: str
    name: str
    category: str = "其他"
    stage: str = "新店破0"
    provider_id: str | None = None
    opened_on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "merchant_id", check_id("merchant", self.merchant_id))
        object.__setattr__(self, "name", _name("merchant", self.name))
        if self.provider_id is not None:
            object.__setattr__(self, "provider_id", check_id("provider", self.provider_id))
        _one_of("merchant category", self.category, MERCHANT_CATEGORIES)
        _one_of("stage", self.stage, STAGES)
