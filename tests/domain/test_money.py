"""Tests for caopan.domain.money: integer fen, ppm rates, half-up rounding, largest remainder."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain.errors import CaopanError, InvalidInput, UnitMismatch
from caopan.domain.money import PPM, Money, Rate, allocate, half_up_div

BIG = 10**30


def _decimal_half_up(numerator: int, denominator: int) -> int:
    """Reference: Decimal(a) / Decimal(b) quantized ROUND_HALF_UP, with ample precision."""
    with localcontext() as ctx:
        ctx.prec = 200
        quotient = Decimal(numerator) / Decimal(denominator)
        return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- half_up_div


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (5, 2, 3),
        (-5, 2, -3),
        (5, -2, -3),
        (-5, -2, 3),
        (1, 2, 1),
        (-1, 2, -1),
        (3, 2, 2),
        (25, 10, 3),  # half-up, not banker's rounding (which would give 2)
        (-25, 10, -3),
        (15, 10, 2),
        (7, 3, 2),
        (-7, 3, -2),
        (8, 3, 3),
        (-8, 3, -3),
        (1, 3, 0),
        (-1, 3, 0),
        (2, 3, 1),
        (-2, 3, -1),
        (0, 7, 0),
        (6, 3, 2),
        (-6, 3, -2),
        (2333, 10, 233),
        (2335, 10, 234),
        (-2335, 10, -234),
        (499_999, 1_000_000, 0),
        (500_000, 1_000_000, 1),
        (-500_000, 1_000_000, -1),
        (333_300_000, 1_000_000, 333),
    ],
)
def test_half_up_div_examples(numerator, denominator, expected):
    assert half_up_div(numerator, denominator) == expected


def test_half_up_div_by_zero_raises():
    with pytest.raises(ZeroDivisionError):
        half_up_div(1, 0)
    with pytest.raises(ZeroDivisionError):
        half_up_div(0, 0)


@pytest.mark.parametrize(("numerator", "denominator"), [(1.0, 2), (1, 2.0), (Decimal(1), 2)])
def test_half_up_div_refuses_non_integers(numerator, denominator):
    with pytest.raises(UnitMismatch):
        half_up_div(numerator, denominator)


@settings(max_examples=200)
@given(
    st.integers(min_value=-BIG, max_value=BIG),
    st.integers(min_value=-BIG, max_value=BIG).filter(lambda b: b != 0),
)
def test_half_up_div_matches_decimal_round_half_up(numerator, denominator):
    assert half_up_div(numerator, denominator) == _decimal_half_up(numerator, denominator)


@settings(max_examples=200)
@given(st.integers(min_value=-(10**6), max_value=10**6), st.integers(1, 1000))
def test_half_up_div_exact_halves_go_away_from_zero(k, half):
    # (2k + 1) / 2 is exactly k + 0.5: rounds to k + 1 for k >= 0, to k for k < 0.
    denominator = 2 * half
    numerator = (2 * k + 1) * half
    expected = k + 1 if k >= 0 else k
    assert half_up_div(numerator, denominator) == expected
    assert half_up_div(-numerator, denominator) == -expected


@settings(max_examples=200)
@given(st.integers(min_value=-BIG, max_value=BIG), st.integers(1, 10**9))
def test_half_up_div_is_odd_and_within_half(numerator, denominator):
    result = half_up_div(numerator, denominator)
    assert half_up_div(-numerator, denominator) == -result
    assert abs(Fraction(numerator, denominator) - result) <= Fraction(1, 2)


# --------------------------------------------------------------------------- allocate


def test_allocate_worked_example_2_monthly_tiers_shared_to_sessions():
    # commission.md worked example 2: 490,000 fen shared to S1 2,000,000 and S2 4,200,000.
    assert allocate(490_000, [2_000_000, 4_200_000], ids=["S1", "S2"]) == [158_065, 331_935]
    # The same with the sessions listed the other way round.
    assert allocate(490_000, [4_200_000, 2_000_000], ids=["S2", "S1"]) == [331_935, 158_065]
    shares = Money(490_000).split([2_000_000, 4_200_000], ids=["S1", "S2"])
    assert shares == [Money(158_065), Money(331_935)]


@pytest.mark.parametrize(
    ("total", "weights", "ids", "expected"),
    [
        (100, [1, 1, 1], None, [34, 33, 33]),
        (10, [1, 1, 1], None, [4, 3, 3]),
        (10, [1, 1, 1], ["c", "a", "b"], [3, 4, 3]),
        (10, [1, 1, 1], ["a", "c", "b"], [4, 3, 3]),
        (2, [1, 1, 1, 1], None, [1, 1, 0, 0]),
        (2, [1, 1, 1, 1], ["d", "c", "b", "a"], [0, 0, 1, 1]),
        (100, [1, 2, 3, 4], None, [10, 20, 30, 40]),
        (7, [1, 2], None, [2, 5]),  # 2.33 / 4.67: the larger fraction gets the fen
        (1, [2, 1], None, [1, 0]),
        (1, [1, 2], None, [0, 1]),
        (10, [0, 1, 1], None, [0, 5, 5]),
        (11, [0, 1, 1], None, [0, 6, 5]),
        (0, [3, 5], None, [0, 0]),
        (5, [7], None, [5]),
        (5, [0], None, [5]),
    ],
)
def test_allocate_examples(total, weights, ids, expected):
    assert allocate(total, weights, ids) == expected


def test_allocate_ties_compare_ids_as_strings_not_numbers():
    # "10" < "9" as strings, so "10" wins the tie although 10 > 9 as numbers.
    assert allocate(1, [1, 1], ids=["9", "10"]) == [0, 1]
    assert allocate(1, [1, 1], ids=["10", "9"]) == [1, 0]
    # Leading zeros matter in string order.
    assert allocate(1, [1, 1], ids=["1", "01"]) == [0, 1]


def test_allocate_default_ties_follow_position_beyond_ten_items():
    # Positions must compare numerically (position 10 after position 2), not as plain strings.
    assert allocate(11, [1] * 12) == [1] * 11 + [0]
    assert allocate(3, [1] * 12) == [1, 1, 1] + [0] * 9
    assert allocate(-3, [1] * 12) == [-1, -1, -1] + [0] * 9


def test_allocate_all_zero_weights_share_equally():
    assert allocate(7, [0, 0, 0]) == [3, 2, 2]
    assert allocate(6, [0, 0, 0]) == [2, 2, 2]
    assert allocate(7, [0, 0, 0], ids=["z", "y", "x"]) == [2, 2, 3]
    assert allocate(-7, [0, 0, 0]) == [-3, -2, -2]
    assert allocate(0, [0, 0]) == [0, 0]


def test_allocate_negative_total_mirrors():
    assert allocate(-10, [1, 1, 1]) == [-4, -3, -3]
    assert allocate(-490_000, [2_000_000, 4_200_000], ids=["S1", "S2"]) == [-158_065, -331_935]


def test_allocate_refusals():
    with pytest.raises(InvalidInput, match="no weights"):
        allocate(5, [])
    with pytest.raises(InvalidInput):
        allocate(-5, [])
    assert allocate(0, []) == []
    with pytest.raises(InvalidInput, match="negative"):
        allocate(10, [1, -1, 2])
    with pytest.raises(InvalidInput, match="length"):
        allocate(10, [1, 1], ids=["a"])
    with pytest.raises(InvalidInput, match="length"):
        allocate(10, [1], ids=["a", "b"])


weights_st = st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12)
totals_st = st.integers(min_value=-(10**12), max_value=10**12)
ids_st = st.text(alphabet="abcXYZ019-_", min_size=1, max_size=4)


@st.composite
def weighted_ids(draw):
    """A non-empty list of (weight, id) with unique ids; weights often tie."""
    weight = st.one_of(st.integers(0, 10**7), st.sampled_from([0, 1, 2, 3, 1000]))
    return draw(
        st.lists(st.tuples(weight, ids_st), min_size=1, max_size=12, unique_by=lambda p: p[1])
    )


@settings(max_examples=200)
@given(totals_st, weights_st)
def test_allocate_sums_exactly_to_total(total, weights):
    shares = allocate(total, weights)
    assert len(shares) == len(weights)
    assert all(isinstance(share, int) for share in shares)
    assert sum(shares) == total


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**12), weights_st)
def test_allocate_each_share_is_floor_or_floor_plus_one(total, weights):
    shares = allocate(total, weights)
    effective = weights if sum(weights) > 0 else [1] * len(weights)
    weight_sum = sum(effective)
    for share, weight in zip(shares, effective, strict=True):
        exact = Fraction(total * weight, weight_sum)
        floor = total * weight // weight_sum
        assert share in (floor, floor + 1)
        assert abs(share - exact) < 1


@settings(max_examples=200)
@given(totals_st, weights_st)
def test_allocate_each_share_within_one_of_exact_for_any_sign(total, weights):
    shares = allocate(total, weights)
    effective = weights if sum(weights) > 0 else [1] * len(weights)
    weight_sum = sum(effective)
    for share, weight in zip(shares, effective, strict=True):
        assert abs(share - Fraction(total * weight, weight_sum)) < 1


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**12), weighted_ids())
def test_allocate_gives_leftover_to_largest_remainders_then_ascending_id(total, pairs):
    weights = [w for w, _ in pairs]
    ids = [i for _, i in pairs]
    shares = allocate(total, weights, ids)
    effective = weights if sum(weights) > 0 else [1] * len(weights)
    weight_sum = sum(effective)
    floors = [total * w // weight_sum for w in effective]
    remainders = [total * w % weight_sum for w in effective]
    bumped = {k for k in range(len(shares)) if shares[k] == floors[k] + 1}
    assert all(shares[k] in (floors[k], floors[k] + 1) for k in range(len(shares)))
    assert len(bumped) == total - sum(floors)
    for winner in bumped:
        for loser in set(range(len(shares))) - bumped:
            assert remainders[winner] > remainders[loser] or (
                remainders[winner] == remainders[loser] and ids[winner] < ids[loser]
            )


@settings(max_examples=200)
@given(totals_st, weighted_ids(), st.data())
def test_allocate_with_ids_does_not_depend_on_listing_order(total, pairs, data):
    weights = [w for w, _ in pairs]
    ids = [i for _, i in pairs]
    by_id = dict(zip(ids, allocate(total, weights, ids), strict=True))
    order = data.draw(st.permutations(range(len(pairs))))
    shuffled_w = [weights[k] for k in order]
    shuffled_ids = [ids[k] for k in order]
    shuffled = allocate(total, shuffled_w, shuffled_ids)
    assert shuffled == [by_id[i] for i in shuffled_ids]


@settings(max_examples=200)
@given(totals_st, weighted_ids())
def test_allocate_is_deterministic(total, pairs):
    weights = [w for w, _ in pairs]
    ids = [i for _, i in pairs]
    first = allocate(total, weights, ids)
    assert allocate(total, list(weights), list(ids)) == first
    assert allocate(total, tuple(weights), tuple(ids)) == first


@settings(max_examples=200)
@given(st.integers(min_value=1, max_value=10**12), weighted_ids())
def test_allocate_negative_total_is_mirror_of_positive(total, pairs):
    weights = [w for w, _ in pairs]
    ids = [i for _, i in pairs]
    positive = allocate(total, weights, ids)
    assert allocate(-total, weights, ids) == [-share for share in positive]
    assert all(share >= 0 for share in positive)


@settings(max_examples=200)
@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(1, 20))
def test_allocate_all_zero_weights_equal_within_one(total, n):
    shares = allocate(total, [0] * n)
    assert sum(shares) == total
    assert max(shares) - min(shares) <= 1
    # The extra fen go to the first positions (default ids are positions).
    magnitudes = [abs(share) for share in shares]
    assert magnitudes == sorted(magnitudes, reverse=True)


@settings(max_examples=200)
@given(totals_st, weights_st)
def test_allocate_zero_weight_gets_nothing_when_some_weight_is_positive(total, weights):
    if sum(weights) == 0:
        weights = [*weights, 1]
    shares = allocate(total, weights)
    assert all(share == 0 for share, w in zip(shares, weights, strict=True) if w == 0)


# --------------------------------------------------------------------------- Money


def test_money_holds_integer_fen_and_refuses_other_types():
    assert Money(1990).fen == 1990
    for bad in (19.9, 1.0, True, False, Decimal("1"), "1990", None):
        with pytest.raises(UnitMismatch):
            Money(bad)


def test_unit_mismatch_is_a_caopan_error_and_a_type_error():
    assert issubclass(UnitMismatch, CaopanError)
    assert issubclass(UnitMismatch, TypeError)
    with pytest.raises(CaopanError):
        Money(1) + 1
    with pytest.raises(TypeError):
        Money(1) + 1


def test_money_addition_and_subtraction():
    assert Money(1990) + Money(599) == Money(2589)
    assert Money(100) - Money(250) == Money(-150)
    assert -Money(42) == Money(-42)
    assert -Money(-42) == Money(42)


@pytest.mark.parametrize("other", [1, 1.5, 0.0, True, Rate(100_000), Decimal("1"), "1"])
def test_money_add_and_sub_refuse_non_money(other):
    with pytest.raises(UnitMismatch):
        Money(100) + other
    with pytest.raises(UnitMismatch):
        Money(100) - other


def test_money_times_int_is_exact_either_side():
    assert Money(1990) * 3 == Money(5970)
    assert 3 * Money(1990) == Money(5970)
    assert Money(-7) * 0 == Money(0)


@pytest.mark.parametrize("other", [1.5, 2.0, True, Money(2), Decimal("2"), "2"])
def test_money_multiplication_refuses_floats_bools_and_money(other):
    with pytest.raises(UnitMismatch):
        Money(100) * other
    with pytest.raises(UnitMismatch):
        other * Money(100)


@pytest.mark.parametrize(
    ("fen", "ppm", "expected"),
    [
        (3333, 100_000, 333),  # 333.3
        (5, 500_000, 3),  # 2.5 rounds up
        (-5, 500_000, -3),  # -2.5 rounds away from zero
        (5990, 100_000, 599),
        (19900, 100_000, 1990),
        (2333, 100_000, 233),  # worked example 1, order D: 233.3 -> 233
        (1, 499_999, 0),
        (1, 500_000, 1),
        (15, 100_000, 2),  # 1.5
        (25, 100_000, 3),  # 2.5, not banker's 2
        (6_200_000, 100_000, 620_000),  # worked example 2, whole-tier mode
        (12345, 0, 0),
        (12345, PPM, 12345),
    ],
)
def test_money_times_rate_rounds_half_up_once(fen, ppm, expected):
    assert Money(fen) * Rate(ppm) == Money(expected)
    assert Rate(ppm) * Money(fen) == Money(expected)
    assert Rate(ppm).of(fen) == expected


@settings(max_examples=200)
@given(st.integers(-(10**15), 10**15), st.integers(0, 2 * PPM))
def test_money_times_rate_matches_decimal_reference(fen, ppm):
    expected = _decimal_half_up(fen * ppm, PPM)
    assert Money(fen) * Rate(ppm) == Money(expected)
    assert Rate(ppm).of(fen) == expected


def test_money_times_rate_is_one_rounding_not_two():
    # 0.5 fen computed as 1 fen times 50 %: rounded once gives 1. A rate first rounded to a
    # whole percent or an amount first truncated would give something else.
    assert Money(1) * Rate(500_000) == Money(1)
    assert Money(3) * Rate(166_667) == Money(1)  # 0.500001
    assert Money(3) * Rate(166_666) == Money(0)  # 0.499998


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("19.90", 1990),
        ("19.9", 1990),
        ("47.22万", 47_220_000),
        ("-3.5", -350),
        (" 1,234.56 ", 123_456),
        ("0", 0),
        ("0.01", 1),
        ("0.005", 1),  # half-up beyond two decimals
        ("0.004", 0),
        ("-0.005", -1),  # half away from zero
        ("1万", 1_000_000),
        (" 47.22万 ", 47_220_000),
        ("12,345,678.90", 1_234_567_890),
        ("123456789012345678.99", 12_345_678_901_234_567_899),  # exact beyond float precision
    ],
)
def test_money_from_yuan_text_is_exact(text, fen):
    assert Money.from_yuan(text) == Money(fen)


def test_money_from_yuan_int_and_decimal():
    assert Money.from_yuan(3) == Money(300)
    assert Money.from_yuan(-3) == Money(-300)
    assert Money.from_yuan(Decimal("19.90")) == Money(1990)
    assert Money.from_yuan(Decimal("0.1")) == Money(10)


@pytest.mark.parametrize("text", ["abc", "", "   ", "万", "NaN", "Infinity", "-inf", "1.2.3", "¥5"])
def test_money_from_yuan_rejects_non_numbers(text):
    with pytest.raises(InvalidInput):
        Money.from_yuan(text)


@pytest.mark.parametrize("value", [19.9, 0.1, 3.0, -3.5, True])
def test_money_from_yuan_refuses_float_and_bool_input(value):
    # "No binary floating point touches money": a float must be refused, not str()-ed,
    # exactly as Rate.from_percent refuses it (UnitMismatch).
    with pytest.raises(UnitMismatch):
        Money.from_yuan(value)


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (123456, "¥1,234.56"),
        (1990, "¥19.90"),
        (0, "¥0.00"),
        (5, "¥0.05"),
        (100, "¥1.00"),
        (-5, "-¥0.05"),
        (-123456, "-¥1,234.56"),
        (123_456_789_012, "¥1,234,567,890.12"),
        (47_220_000, "¥472,200.00"),
    ],
)
def test_money_str(fen, text):
    assert str(Money(fen)) == text


def test_money_repr_yuan_and_ordering():
    assert repr(Money(1990)) == "Money(1990)"
    assert Money(1990).yuan == Decimal("19.90")
    assert Money(-5).yuan == Decimal("-0.05")
    assert Money(1) < Money(2) < Money(10)
    assert sorted([Money(3), Money(-1), Money(2)]) == [Money(-1), Money(2), Money(3)]
    assert Money(5) == Money(5)
    assert Money(5) != 5


@settings(max_examples=200)
@given(st.integers(-(10**15), 10**15))
def test_money_str_and_yuan_round_trip_through_from_yuan(fen):
    assert Money.from_yuan(str(Money(fen)).replace("¥", "")) == Money(fen)
    assert Money.from_yuan(Money(fen).yuan) == Money(fen)


def test_money_split_returns_money():
    assert Money(100).split([1, 1, 1]) == [Money(34), Money(33), Money(33)]
    assert Money(-10).split([1, 1, 1], ids=["c", "a", "b"]) == [Money(-3), Money(-4), Money(-3)]


def test_money_is_frozen():
    with pytest.raises(AttributeError):
        Money(1).fen = 2  # type: ignore[misc]


# --------------------------------------------------------------------------- Rate


def test_rate_refuses_non_integers():
    for bad in (0.1, True, Decimal("1"), "100000"):
        with pytest.raises(UnitMismatch):
            Rate(bad)


@pytest.mark.parametrize(
    ("percent", "ppm"),
    [
        ("10", 100_000),
        (10, 100_000),
        ("5.5", 55_000),
        (100, 1_000_000),
        ("0", 0),
        ("0.0001", 1),
        ("0.00005", 1),  # half a ppm rounds up
        ("0.00004", 0),
        (Decimal("12.5"), 125_000),
        (" 8 ", 80_000),
    ],
)
def test_rate_from_percent(percent, ppm):
    assert Rate.from_percent(percent) == Rate(ppm)


@pytest.mark.parametrize(
    ("per_mille", "ppm"),
    [(100, 100_000), ("100", 100_000), ("2.5", 2_500), (1000, 1_000_000), ("0.0005", 1)],
)
def test_rate_from_per_mille(per_mille, ppm):
    assert Rate.from_per_mille(per_mille) == Rate(ppm)


@pytest.mark.parametrize("value", [10.0, 5.5, True])
def test_rate_constructors_refuse_floats_and_bools(value):
    with pytest.raises(UnitMismatch):
        Rate.from_percent(value)
    with pytest.raises(UnitMismatch):
        Rate.from_per_mille(value)


@pytest.mark.parametrize("text", ["abc", "", "NaN", "inf"])
def test_rate_constructors_reject_non_numbers(text):
    with pytest.raises(InvalidInput):
        Rate.from_percent(text)
    with pytest.raises(InvalidInput):
        Rate.from_per_mille(text)


@pytest.mark.parametrize(
    ("ppm", "text"),
    [(100_000, "10%"), (55_000, "5.5%"), (0, "0%"), (1, "0.0001%"), (1_000_000, "100%")],
)
def test_rate_str(ppm, text):
    assert str(Rate(ppm)) == text
    assert repr(Rate(ppm)) == f"Rate({ppm})"


def test_worked_example_2_progressive_and_whole_tiers():
    # The tier arithmetic of worked example 2 with Rate and Money, then the sharing.
    five, eight, ten = Rate.from_percent(5), Rate.from_percent(8), Rate.from_percent(10)
    progressive = Money(1_000_000) * five + Money(4_000_000) * eight + Money(1_200_000) * ten
    assert progressive == Money(490_000)
    assert Money(6_200_000) * ten == Money(620_000)
    s1, s2 = progressive.split([2_000_000, 4_200_000], ids=["S1", "S2"])
    assert (s1, s2) == (Money(158_065), Money(331_935))
