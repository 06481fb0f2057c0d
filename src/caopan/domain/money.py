"""Money in integer fen, rates in parts per million, one rounding policy.

Every amount caopan stores or computes is an integer number of 分 (fen); every rate is an
integer number of parts per million (ppm; 10 % = 100_000). No binary floating point touches
money: amounts are parsed from text with `Decimal`, products and quotients are exact integer
arithmetic, and rounding is **half-up to a whole fen, once per computed amount**.

>>> Money.from_yuan("19.90")
Money(1990)
>>> str(Money(123456))
'¥1,234.56'
>>> Money(5990) * Rate.from_percent("10")
Money(599)
>>> half_up_div(2333, 10)
233
>>> allocate(100, [1, 1, 1])
[34, 33, 33]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from caopan.domain.errors import InvalidInput, UnitMismatch

PPM = 1_000_000
"""One whole (100 %) in parts per million."""


def half_up_div(numerator: int, denominator: int) -> int:
    """Divide two integers and round half away from zero to an integer.

    >>> half_up_div(5, 2), half_up_div(-5, 2), half_up_div(7, 3), half_up_div(-7, 3)
    (3, -3, 2, -2)
    """
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (numerator, denominator)):
        raise UnitMismatch("half_up_div takes integers only")
    if denominator == 0:
        raise ZeroDivisionError("half_up_div by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def allocate(total: int, weights: Sequence[int], ids: Sequence[str] | None = None) -> list[int]:
    """Share `total` in proportion to integer `weights` by largest remainder.

    Each share is floored; the fen left over go one each to the largest fractional parts,
    ties to the ascending id (ids compared as strings; default: position). The shares always
    add up to `total` exactly. A negative total is shared as the mirror of its absolute value.
    All-zero weights share equally.

    >>> allocate(489_999 + 1, [2_000_000, 4_200_000])
    [158065, 331935]
    >>> allocate(10, [1, 1, 1], ids=["c", "a", "b"])
    [3, 4, 3]
    >>> allocate(-10, [1, 1, 1])
    [-4, -3, -3]
    >>> allocate(5, [])
    Traceback (most recent call last):
    ...
    caopan.domain.errors.InvalidInput: cannot share 5 over no weights
    """
    if ids is not None and len(ids) != len(weights):
        raise InvalidInput("allocate: ids and weights differ in length")
    if not weights:
        if total == 0:
            return []
        raise InvalidInput(f"cannot share {total} over no weights")
    if any(w < 0 for w in weights):
        raise InvalidInput("allocate: weights must not be negative")
    if total < 0:
        return [-share for share in allocate(-total, weights, ids)]
    weight_sum = sum(weights)
    effective = list(weights) if weight_sum > 0 else [1] * len(weights)
    weight_sum = sum(effective)
    floors = [total * w // weight_sum for w in effective]
    remainders = [total * w % weight_sum for w in effective]
    keys = list(ids) if ids is not None else [f"{i:012d}" for i in range(len(weights))]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], keys[i]))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
"""A plain decimal number, optionally with thousands separators: no exponents, no `_`."""


def _refuse_binary(value: object) -> None:
    if isinstance(value, bool | float):
        raise UnitMismatch(f"money must not come from {type(value).__name__}: {value!r}")


def _to_decimal(text: str | int | Decimal) -> Decimal:
    _refuse_binary(text)
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    elif isinstance(text, str) and _NUMBER.fullmatch(text.strip()):
        value = Decimal(text.strip().replace(",", ""))
    else:
        raise InvalidInput(f"not a number: {text!r}")
    if not value.is_finite():
        raise InvalidInput(f"not a finite number: {text!r}")
    return value


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount of money in integer fen (分). Arithmetic refuses anything but Money and int."""

    fen: int

    def __post_init__(self) -> None:
        if not isinstance(self.fen, int) or isinstance(self.fen, bool):
            raise UnitMismatch(f"Money takes integer fen, not {type(self.fen).__name__}")

    @classmethod
    def from_yuan(cls, yuan: str | int | Decimal) -> Money:
        """Parse an amount in 元 given as text, exactly; more than 2 decimals rounds half-up.

        >>> Money.from_yuan("47.22万"), Money.from_yuan("-0.005"), Money.from_yuan(3)
        (Money(47220000), Money(-1), Money(300))
        """
        _refuse_binary(yuan)
        text = str(yuan).strip()
        scale = Decimal(1)
        if text.endswith("万"):
            text, scale = text[:-1], Decimal(10_000)
        fen = (_to_decimal(text) * scale * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return cls(int(fen))

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise UnitMismatch(f"cannot add {type(other).__name__} to Money")
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise UnitMismatch(f"cannot subtract {type(other).__name__} from Money")
        return Money(self.fen - other.fen)

    def __neg__(self) -> Money:
        return Money(-self.fen)

    def __mul__(self, other: Rate | int) -> Money:
        """Money × Rate rounds half-up once; Money × int is exact."""
        if isinstance(other, Rate):
            return Money(half_up_div(self.fen * other.ppm, PPM))
        if isinstance(other, int) and not isinstance(other, bool):
            return Money(self.fen * other)
        raise UnitMismatch(f"cannot multiply Money by {type(other).__name__}")

    __rmul__ = __mul__

    def split(self, weights: Sequence[int], ids: Sequence[str] | None = None) -> list[Money]:
        """Share this amount by largest remainder (see `allocate`)."""
        return [Money(share) for share in allocate(self.fen, weights, ids)]

    @property
    def yuan(self) -> Decimal:
        """The exact amount in 元 as a Decimal (for display and exports, never for arithmetic)."""
        return Decimal(self.fen).scaleb(-2)

    def __str__(self) -> str:
        sign = "-" if self.fen < 0 else ""
        whole, cents = divmod(abs(self.fen), 100)
        return f"{sign}¥{whole:,}.{cents:02d}"

    def __repr__(self) -> str:
        return f"Money({self.fen})"


@dataclass(frozen=True, order=True, slots=True)
class Rate:
    """A rate in integer parts per million (ppm). 10 % = 100_000 ppm."""

    ppm: int

    def __post_init__(self) -> None:
        if not isinstance(self.ppm, int) or isinstance(self.ppm, bool):
            raise UnitMismatch(f"Rate takes integer ppm, not {type(self.ppm).__name__}")

    @classmethod
    def from_percent(cls, percent: str | int | Decimal) -> Rate:
        """Convert a percentage given as text or an integer.

        >>> Rate.from_percent("5.5"), Rate.from_percent(100)
        (Rate(55000), Rate(1000000))
        """
        return cls(int((_to_decimal(percent) * 10_000).quantize(Decimal(1), ROUND_HALF_UP)))

    @classmethod
    def from_per_mille(cls, per_mille: str | int | Decimal) -> Rate:
        """Kuaishou 团长 rates are per mille (100 = 10 %).

        >>> Rate.from_per_mille(100)
        Rate(100000)
        """
        return cls(int((_to_decimal(per_mille) * 1_000).quantize(Decimal(1), ROUND_HALF_UP)))

    def of(self, fen: int) -> int:
        """`fen × rate`, rounded half-up to a whole fen.

        >>> Rate(100_000).of(3333)
        333
        """
        return half_up_div(fen * self.ppm, PPM)

    def __str__(self) -> str:
        return f"{Decimal(self.ppm).scaleb(-4).normalize():f}%"

    def __repr__(self) -> str:
        return f"Rate({self.ppm})"
