"""The commission plan (分佣方案): its terms, checked once where they enter, and the tier math.

A plan is what a merchant and a provider agree before operating (`spec/commission.md`, the
contract table). `Plan.from_dict` takes the calculator's JSON/YAML shape and refuses every
invalid plan with an `InvalidInput` naming the term; `tiered_commission` computes a tiered
commission exactly over a whole base and rounds half-up once.

>>> plan = Plan.from_dict({"rate_ppm": 100_000, "slot_fee_fen": 2_000_000})
>>> plan.base, plan.period, plan.settle_lag_days, plan.kind
('net_paid', 'session', 7, 'flat')
>>> Plan.from_dict({"rate_percent": "5.5"}).rate_ppm
55000
>>> Plan.from_dict({"rate_ppm": 1, "tiers": [{"from_fen": 0, "rate_ppm": 2}]})
Traceback (most recent call last):
...
caopan.domain.errors.InvalidInput: plan: give either rate_ppm or tiers, not both
>>> tiers = (Tier(0, 50_000), Tier(1_000_000, 80_000), Tier(5_000_000, 100_000))
>>> tiered_commission(6_200_000, tiers, "progressive"), tiered_commission(6_200_000, tiers, "whole")
(490000, 620000)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Final

from caopan.domain.clock import day_start_ms
from caopan.domain.errors import InvalidInput
from caopan.domain.ids import check_id
from caopan.domain.money import PPM, Rate, half_up_div

BASES: Final = ("net_paid", "paid", "settled")
"""What a line's commission is computed on: paid − refunded (default), paid, or settled only."""

PERIODS: Final = ("session", "month")
"""What tiers, caps and guarantees are measured over."""

TIER_MODES: Final = ("progressive", "whole")
"""累进: each slice at its own rate; 全额: the whole base at the highest tier reached."""

TERMS: Final = (
    "base",
    "rate_ppm",
    "rate_percent",
    "rate_per_mille",
    "tiers",
    "tier_mode",
    "period",
    "product_rates",
    "slot_fee_fen",
    "monthly_fee_fen",
    "guarantee_fen",
    "cap_fen",
    "settle_lag_days",
    "valid_from",
    "valid_to",
)
"""Every term `Plan.from_dict` accepts (`rate_percent`/`rate_per_mille` convert to ppm)."""

MAX_LAG_DAYS: Final = 3650


def _integer(term: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise InvalidInput(f"plan: {term} must be an integer, not {value!r}")
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise InvalidInput(f"plan: {term} must be an integer, not {value}")
        return int(value)
    return value


def _fen(term: str, value: object) -> int:
    amount = _integer(term, value)
    if amount < 0:
        raise InvalidInput(f"plan: {term} must not be negative (got {amount})")
    return amount


def _ppm(term: str, value: object) -> int:
    ppm = _integer(term, value)
    if not 0 <= ppm <= PPM:
        raise InvalidInput(f"plan: {term} must be between 0 and {PPM} ppm (100 %), not {ppm}")
    return ppm


def _one_of(term: str, value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidInput(f"plan: {term} must be one of {', '.join(allowed)} (got {value!r})")
    return str(value)


def _day(term: str, value: object) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInput(f"plan: {term} must be a date YYYY-MM-DD, not {value!r}")


def _rate_alias(term: str, value: object) -> int:
    """A rate given as `rate_ppm`, `rate_percent` ("10" = 10 %) or `rate_per_mille` (100 = 10 %)."""
    if term.endswith("_ppm"):
        return _ppm(term, value)
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise InvalidInput(f"plan: {term} must be a number given as text or an integer")
    try:
        rate = Rate.from_percent(value) if term.endswith("percent") else Rate.from_per_mille(value)
    except InvalidInput as exc:
        raise InvalidInput(f"plan: {term}: {exc}") from exc
    return _ppm(term, rate.ppm)


def _rate_of(where: str, entry: Mapping[str, object]) -> int | None:
    given = [k for k in ("rate_ppm", "rate_percent", "rate_per_mille") if entry.get(k) is not None]
    if len(given) > 1:
        raise InvalidInput(f"plan: {where} gives the rate twice ({', '.join(given)})")
    if not given:
        return None
    return _rate_alias(f"{where}{given[0]}", entry[given[0]])


@dataclass(frozen=True, slots=True)
class Tier:
    """One tier: from `from_fen` of the period's base on, the rate `rate_ppm`."""

    from_fen: int
    rate_ppm: int

    def __post_init__(self) -> None:
        _fen("tiers.from_fen", self.from_fen)
        _ppm("tiers.rate_ppm", self.rate_ppm)


def _tier(i: int, entry: object) -> Tier:
    where = f"tiers[{i}]."
    if isinstance(entry, Mapping):
        unknown = set(entry) - {"from_fen", "rate_ppm", "rate_percent", "rate_per_mille"}
        if unknown:
            raise InvalidInput(f"plan: {where[:-1]} has unknown keys {sorted(unknown)}")
        if "from_fen" not in entry:
            raise InvalidInput(f"plan: {where}from_fen is missing")
        rate = _rate_of(where, entry)
        if rate is None:
            raise InvalidInput(f"plan: {where}rate_ppm is missing")
        return Tier(_fen(f"{where}from_fen", entry["from_fen"]), rate)
    if isinstance(entry, list | tuple) and len(entry) == 2:
        return Tier(_fen(f"{where}from_fen", entry[0]), _ppm(f"{where}rate_ppm", entry[1]))
    raise InvalidInput(f"plan: {where[:-1]} must be {{from_fen, rate_ppm}}, not {entry!r}")


def _check_tiers(tiers: tuple[Tier, ...]) -> None:
    if not tiers:
        return
    if tiers[0].from_fen != 0:
        raise InvalidInput(f"plan: tiers must start at from_fen 0 (got {tiers[0].from_fen})")
    for lower, upper in pairwise(tiers):
        if upper.from_fen <= lower.from_fen:
            raise InvalidInput(
                "plan: tiers must be strictly ascending by from_fen "
                f"({lower.from_fen} then {upper.from_fen})"
            )


@dataclass(frozen=True, slots=True)
class Plan:
    """Every term of a commission plan; constructing an invalid plan raises `InvalidInput`.

    `product_rates` is kept as sorted `(product_id, rate_ppm)` pairs so the plan stays hashable;
    `rate_for` reads it. `valid_from`/`valid_to` are inclusive Asia/Shanghai days (None: open).
    """

    base: str = "net_paid"
    rate_ppm: int | None = None
    tiers: tuple[Tier, ...] = ()
    tier_mode: str = "progressive"
    period: str = "session"
    product_rates: tuple[tuple[str, int], ...] = ()
    slot_fee_fen: int = 0
    monthly_fee_fen: int = 0
    guarantee_fen: int | None = None
    cap_fen: int | None = None
    settle_lag_days: int = 7
    valid_from: date | None = None
    valid_to: date | None = None
    _rates: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        _one_of("base", self.base, BASES)
        _one_of("tier_mode", self.tier_mode, TIER_MODES)
        _one_of("period", self.period, PERIODS)
        object.__setattr__(self, "tiers", tuple(self.tiers))
        if self.rate_ppm is not None:
            _ppm("rate_ppm", self.rate_ppm)
            if self.tiers:
                raise InvalidInput("plan: give either rate_ppm or tiers, not both")
        _check_tiers(self.tiers)
        pairs = list(
            self.product_rates.items()
            if isinstance(self.product_rates, Mapping)
            else self.product_rates
        )
        rates = dict(sorted(pairs))
        if len(rates) != len(pairs):
            raise InvalidInput("plan: product_rates names a product twice")
        for product_id, ppm in rates.items():
            check_id("product_rates product", product_id)
            _ppm(f"product_rates[{product_id!r}]", ppm)
        object.__setattr__(self, "product_rates", tuple(rates.items()))
        object.__setattr__(self, "_rates", rates)
        for term in ("slot_fee_fen", "monthly_fee_fen", "guarantee_fen", "cap_fen"):
            value = getattr(self, term)
            if value is not None:
                _fen(term, value)
        lag = _fen("settle_lag_days", self.settle_lag_days)
        if lag > MAX_LAG_DAYS:
            raise InvalidInput(f"plan: settle_lag_days must be at most {MAX_LAG_DAYS} (got {lag})")
        object.__setattr__(self, "valid_from", _day("valid_from", self.valid_from))
        object.__setattr__(self, "valid_to", _day("valid_to", self.valid_to))
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise InvalidInput(
                f"plan: valid_to {self.valid_to} is before valid_from {self.valid_from}"
            )

    @classmethod
    def from_dict(cls, terms: Mapping[str, object]) -> Plan:
        """Read a plan in the calculator's shape; refuse unknown terms and invalid values.

        >>> Plan.from_dict({"tiers": [[0, 50_000], [0, 40_000]]})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        caopan.domain.errors.InvalidInput: plan: tiers must be strictly ascending... (0 then 0)
        >>> Plan.from_dict({"rate_ppm": 1_200_000})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        caopan.domain.errors.InvalidInput: plan: rate_ppm must be between 0 and 1000000 ppm...
        """
        if not isinstance(terms, Mapping):
            raise InvalidInput(f"plan must be a mapping of terms, not {type(terms).__name__}")
        unknown = sorted(str(k) for k in terms if k not in TERMS)
        if unknown:
            raise InvalidInput(f"plan: unknown terms {unknown}; known: {', '.join(TERMS)}")
        tiers_in = terms.get("tiers") or []
        if not isinstance(tiers_in, list | tuple):
            raise InvalidInput("plan: tiers must be a list of {from_fen, rate_ppm}")
        rates_in = terms.get("product_rates") or {}
        if not isinstance(rates_in, Mapping):
            raise InvalidInput("plan: product_rates must map product_id to rate_ppm")
        optional = {k: terms[k] for k in ("guarantee_fen", "cap_fen") if terms.get(k) is not None}
        return cls(
            base=_one_of("base", terms.get("base", "net_paid"), BASES),
            rate_ppm=_rate_of("", terms),
            tiers=tuple(_tier(i, entry) for i, entry in enumerate(tiers_in)),
            tier_mode=_one_of("tier_mode", terms.get("tier_mode", "progressive"), TIER_MODES),
            period=_one_of("period", terms.get("period", "session"), PERIODS),
            product_rates=tuple(
                (str(p), _ppm(f"product_rates[{p!r}]", r)) for p, r in rates_in.items()
            ),
            slot_fee_fen=_fen("slot_fee_fen", terms.get("slot_fee_fen", 0) or 0),
            monthly_fee_fen=_fen("monthly_fee_fen", terms.get("monthly_fee_fen", 0) or 0),
            guarantee_fen=_fen("guarantee_fen", optional["guarantee_fen"])
            if "guarantee_fen" in optional
            else None,
            cap_fen=_fen("cap_fen", optional["cap_fen"]) if "cap_fen" in optional else None,
            settle_lag_days=_fen("settle_lag_days", terms.get("settle_lag_days", 7)),
            valid_from=_day("valid_from", terms.get("valid_from")),
            valid_to=_day("valid_to", terms.get("valid_to")),
        )

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """Parse a JSON plan; decimals are read exactly (never as binary floats)."""
        try:
            terms = json.loads(text, parse_float=Decimal)
        except ValueError as exc:
            raise InvalidInput(f"plan: not valid JSON: {exc}") from exc
        return cls.from_dict(terms)

    def to_dict(self) -> dict[str, object]:
        """The plan in the calculator's shape, every term spelled out (JSON-ready)."""
        return {
            "base": self.base,
            "rate_ppm": self.rate_ppm,
            "tiers": [{"from_fen": t.from_fen, "rate_ppm": t.rate_ppm} for t in self.tiers],
            "tier_mode": self.tier_mode,
            "period": self.period,
            "product_rates": dict(self.product_rates),
            "slot_fee_fen": self.slot_fee_fen,
            "monthly_fee_fen": self.monthly_fee_fen,
            "guarantee_fen": self.guarantee_fen,
            "cap_fen": self.cap_fen,
            "settle_lag_days": self.settle_lag_days,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @property
    def kind(self) -> str:
        """`flat` (one rate), `tiered`, or `fees` (neither: only fees and product rates)."""
        if self.rate_ppm is not None:
            return "flat"
        return "tiered" if self.tiers else "fees"

    def rate_for(self, product_id: str | None) -> int | None:
        """The product's override rate, or None when the product has none."""
        return None if product_id is None else self._rates.get(product_id)

    def paid_window(self) -> tuple[int | None, int | None]:
        """`[lo, hi)` epoch ms of payments that belong to the plan (None: open on that side).

        >>> Plan(valid_from=date(2026, 1, 1), valid_to=date(2026, 1, 31)).paid_window()
        (1767196800000, 1769875200000)
        """
        lo = day_start_ms(self.valid_from) if self.valid_from else None
        hi = day_start_ms(self.valid_to + timedelta(days=1)) if self.valid_to else None
        return lo, hi


def tier_numerator(base_fen: int, tiers: Iterable[Tier], mode: str) -> int:
    """The exact tiered commission in fen × ppm (not yet divided by 1,000,000 nor rounded).

    A tier is reached when the base is ≥ its `from_fen`.

    >>> tier_numerator(1_500_000, (Tier(0, 50_000), Tier(1_000_000, 80_000)), "progressive")
    90000000000
    """
    if isinstance(base_fen, bool) or not isinstance(base_fen, int) or base_fen < 0:
        raise InvalidInput(f"tiered base must be a non-negative integer of fen, not {base_fen!r}")
    steps = tuple(tiers)
    _check_tiers(steps)
    _one_of("tier_mode", mode, TIER_MODES)
    if mode == "whole":
        reached = [t.rate_ppm for t in steps if base_fen >= t.from_fen]
        return base_fen * (reached[-1] if reached else 0)
    total = 0
    for i, tier in enumerate(steps):
        upper = steps[i + 1].from_fen if i + 1 < len(steps) else base_fen
        total += max(0, min(base_fen, upper) - tier.from_fen) * tier.rate_ppm
    return total


def tiered_commission(base_fen: int, tiers: Iterable[Tier], mode: str) -> int:
    """The tiered commission over a whole base, exact and rounded half-up once."""
    return half_up_div(tier_numerator(base_fen, tiers, mode), PPM)


@dataclass(frozen=True, slots=True)
class Contract:
    """A plan agreed between one merchant and one provider, valid from its first day on."""

    contract_id: str
    merchant_id: str
    provider_id: str
    plan: Plan

    def __post_init__(self) -> None:
        object.__setattr__(self, "contract_id", check_id("contract", self.contract_id))
        object.__setattr__(self, "merchant_id", check_id("merchant", self.merchant_id))
        object.__setattr__(self, "provider_id", check_id("provider", self.provider_id))
        if self.plan.valid_from is None:
            raise InvalidInput(f"contract {self.contract_id}: valid_from is required")

    def overlaps(self, other: Contract) -> bool:
        """Same merchant and provider, and the inclusive validity ranges share a day.

        >>> a = Contract("c1", "m1", "p1", Plan(valid_from=date(2026, 1, 1)))
        >>> b = Contract("c2", "m1", "p1", Plan(valid_from=date(2025, 1, 1),
        ...                                     valid_to=date(2025, 12, 31)))
        >>> a.overlaps(b), b.overlaps(a)
        (False, False)
        """
        if (self.merchant_id, self.provider_id) != (other.merchant_id, other.provider_id):
            return False
        return _days_overlap(
            self.plan.valid_from, self.plan.valid_to, other.plan.valid_from, other.plan.valid_to
        )


def _days_overlap(
    a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None
) -> bool:
    a_lo, b_lo = a_from or date.min, b_from or date.min
    a_hi, b_hi = a_to or date.max, b_to or date.max
    return a_lo <= b_hi and b_lo <= a_hi


def overlapping(new: Contract, existing: Iterable[Contract]) -> list[str]:
    """Ids of the existing contracts (other than `new` itself) whose validity overlaps `new`'s."""
    return sorted(
        c.contract_id for c in existing if c.contract_id != new.contract_id and new.overlaps(c)
    )


def check_no_overlap(new: Contract, existing: Iterable[Contract]) -> None:
    """Refuse a contract whose validity overlaps another of the same merchant and provider.

    >>> a = Contract("c1", "m1", "p1", Plan(valid_from=date(2026, 1, 1)))
    >>> check_no_overlap(Contract("c2", "m1", "p1", Plan(valid_from=date(2026, 6, 1))), [a])
    Traceback (most recent call last):
    ...
    caopan.domain.errors.InvalidInput: contract c2 overlaps c1 for merchant m1 and provider p1
    """
    clashes = overlapping(new, existing)
    if clashes:
        raise InvalidInput(
            f"contract {new.contract_id} overlaps {', '.join(clashes)} "
            f"for merchant {new.merchant_id} and provider {new.provider_id}"
        )
