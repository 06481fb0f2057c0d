"""Tests for caopan.domain.commission: plan terms, refusals, tier math, overlapping contracts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain.commission import (
    TERMS,
    Contract,
    Plan,
    Tier,
    check_no_overlap,
    overlapping,
    tier_numerator,
    tiered_commission,
)
from caopan.domain.errors import InvalidInput
from caopan.domain.money import PPM

EXAMPLE_2 = (Tier(0, 50_000), Tier(1_000_000, 80_000), Tier(5_000_000, 100_000))


# --------------------------------------------------------------------------- plans


def test_defaults_follow_the_spec():
    plan = Plan.from_dict({})
    assert plan.base == "net_paid"
    assert plan.tier_mode == "progressive"
    assert plan.period == "session"
    assert plan.settle_lag_days == 7
    assert plan.cap_fen is None and plan.guarantee_fen is None
    assert plan.slot_fee_fen == 0 and plan.monthly_fee_fen == 0
    assert plan.kind == "fees"


def test_every_term_is_read():
    plan = Plan.from_dict(
        {
            "base": "settled",
            "tiers": [{"from_fen": 0, "rate_ppm": 50_000}, {"from_fen": 100, "rate_ppm": 60_000}],
            "tier_mode": "whole",
            "period": "month",
            "product_rates": {"p9": 200_000, "p1": 0},
            "slot_fee_fen": 2_000_000,
            "monthly_fee_fen": 300_000,
            "guarantee_fen": 20_000_000,
            "cap_fen": 1_000_000,
            "settle_lag_days": 15,
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
        }
    )
    assert plan.base == "settled" and plan.tier_mode == "whole" and plan.period == "month"
    assert plan.tiers == (Tier(0, 50_000), Tier(100, 60_000))
    assert plan.product_rates == (("p1", 0), ("p9", 200_000))
    assert plan.rate_for("p9") == 200_000 and plan.rate_for("p2") is None
    assert plan.rate_for(None) is None
    assert (plan.slot_fee_fen, plan.monthly_fee_fen) == (2_000_000, 300_000)
    assert (plan.guarantee_fen, plan.cap_fen, plan.settle_lag_days) == (20_000_000, 1_000_000, 15)
    assert (plan.valid_from, plan.valid_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert plan.kind == "tiered"


def test_round_trip_through_dict_and_json():
    plan = Plan.from_dict(
        {
            "rate_ppm": 100_000,
            "product_rates": {"p1": 1},
            "cap_fen": 5,
            "valid_from": "2026-01-01",
        }
    )
    assert Plan.from_dict(plan.to_dict()) == plan
    assert Plan.from_json(plan.to_json()) == plan
    assert set(plan.to_dict()) <= set(TERMS)
    tiered = Plan.from_dict({"tiers": [[0, 1]], "guarantee_fen": 0})
    assert Plan.from_json(tiered.to_json()) == tiered
    assert Plan.from_json(Plan().to_json()) == Plan()


def test_percent_and_per_mille_convert_at_the_edge():
    assert Plan.from_dict({"rate_percent": "10"}).rate_ppm == 100_000
    assert Plan.from_dict({"rate_percent": 5}).rate_ppm == 50_000
    assert Plan.from_dict({"rate_per_mille": 100}).rate_ppm == 100_000
    assert Plan.from_json('{"rate_percent": 12.5}').rate_ppm == 125_000
    tiered = Plan.from_dict({"tiers": [{"from_fen": 0, "rate_percent": "5"}, [1000, 80_000]]})
    assert tiered.tiers == (Tier(0, 50_000), Tier(1000, 80_000))


def test_a_direct_construction_is_checked_too():
    with pytest.raises(InvalidInput, match="tiers must start at from_fen 0"):
        Plan(tiers=(Tier(10, 1),))
    assert Plan(product_rates={"p": 5}).product_rates == (("p", 5),)  # type: ignore[arg-type]
    assert Plan(valid_from="2026-01-01").valid_from == date(2026, 1, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"rate_ppm": 1, "tiers": [[0, 1]]}, "either rate_ppm or tiers"),
        ({"rate_percent": "1", "tiers": [[0, 1]]}, "either rate_ppm or tiers"),
        ({"rate_ppm": 1, "rate_percent": "1"}, "gives the rate twice"),
        ({"tiers": [[100, 1]]}, "tiers must start at from_fen 0"),
        ({"tiers": [[0, 1], [100, 2], [100, 3]]}, "strictly ascending"),
        ({"tiers": [[0, 1], [100, 2], [50, 3]]}, "strictly ascending"),
        ({"tiers": [{"from_fen": 0}]}, r"tiers\[0\]\.rate_ppm is missing"),
        ({"tiers": [{"rate_ppm": 1}]}, r"tiers\[0\]\.from_fen is missing"),
        ({"tiers": [{"from_fen": 0, "rate_ppm": 1, "x": 1}]}, "unknown keys"),
        ({"tiers": "0:5%"}, "tiers must be a list"),
        ({"tiers": [[0, 1_000_001]]}, "rate_ppm must be between 0 and 1000000"),
        ({"rate_ppm": 1_000_001}, "rate_ppm must be between 0 and 1000000"),
        ({"rate_ppm": -1}, "rate_ppm must be between"),
        ({"rate_percent": "100.1"}, "rate_percent must be between"),
        ({"rate_percent": "ten"}, "rate_percent"),
        ({"rate_ppm": 0.1}, "rate_ppm must be an integer"),
        ({"rate_ppm": True}, "rate_ppm must be an integer"),
        ({"rate_ppm": "100000"}, "rate_ppm must be an integer"),
        ({"product_rates": {"p1": 2_000_000}}, r"product_rates\['p1'\]"),
        ({"product_rates": [["p1", 1]]}, "product_rates must map"),
        ({"slot_fee_fen": -1}, "slot_fee_fen must not be negative"),
        ({"monthly_fee_fen": -5}, "monthly_fee_fen must not be negative"),
        ({"guarantee_fen": -5}, "guarantee_fen must not be negative"),
        ({"cap_fen": -5}, "cap_fen must not be negative"),
        ({"slot_fee_fen": Decimal("1.5")}, "slot_fee_fen must be an integer"),
        ({"settle_lag_days": -1}, "settle_lag_days must not be negative"),
        ({"settle_lag_days": 100_000}, "settle_lag_days must be at most"),
        ({"base": "gross"}, "base must be one of net_paid, paid, settled"),
        ({"period": "week"}, "period must be one of session, month"),
        ({"tier_mode": "flat"}, "tier_mode must be one of progressive, whole"),
        ({"valid_from": "2026-02-01", "valid_to": "2026-01-31"}, "valid_to 2026-01-31 is before"),
        ({"valid_from": "01/02/2026"}, "valid_from must be a date YYYY-MM-DD"),
        ({"valid_to": 20260101}, "valid_to must be a date"),
        ({"rate": 100_000}, r"unknown terms \['rate'\]"),
        ({"ratePpm": 1, "cap": 2}, r"unknown terms \['cap', 'ratePpm'\]"),
    ],
)
def test_invalid_plans_are_refused_naming_the_term(terms, message):
    with pytest.raises(InvalidInput, match=message):
        Plan.from_dict(terms)


def test_refusals_of_shape():
    with pytest.raises(InvalidInput, match="mapping of terms"):
        Plan.from_dict([("rate_ppm", 1)])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="not valid JSON"):
        Plan.from_json("{rate_ppm: 1}")


def test_paid_window_is_inclusive_shanghai_days():
    lo, hi = Plan(valid_from=date(2026, 1, 1), valid_to=date(2026, 1, 1)).paid_window()
    assert lo == 1_767_196_800_000  # 2026-01-01 00:00 +08:00
    assert hi == lo + 86_400_000
    assert Plan().paid_window() == (None, None)


# --------------------------------------------------------------------------- tiers


def test_worked_example_2_tiers():
    assert tiered_commission(6_200_000, EXAMPLE_2, "progressive") == 490_000
    assert tiered_commission(6_200_000, EXAMPLE_2, "whole") == 620_000


@pytest.mark.parametrize(
    ("base", "progressive", "whole"),
    [
        (0, 0, 0),
        (999_999, 50_000, 50_000),  # 49,999.95 rounds half-up to 50,000
        (1_000_000, 50_000, 80_000),  # a tier is reached at exactly its from_fen
        (5_000_000, 370_000, 500_000),
        (5_000_001, 370_000, 500_000),  # 370,000.1 and 500,000.1 round down
    ],
)
def test_tier_boundaries(base, progressive, whole):
    assert tiered_commission(base, EXAMPLE_2, "progressive") == progressive
    assert tiered_commission(base, EXAMPLE_2, "whole") == whole


def test_tier_math_refuses_bad_bases():
    with pytest.raises(InvalidInput):
        tier_numerator(-1, EXAMPLE_2, "progressive")
    with pytest.raises(InvalidInput):
        tier_numerator(1, EXAMPLE_2, "累进")


@st.composite
def tier_lists(draw):
    starts = draw(st.lists(st.integers(1, 10_000_000), max_size=4, unique=True))
    rates = draw(st.lists(st.integers(0, PPM), min_size=len(starts) + 1, max_size=len(starts) + 1))
    return tuple(Tier(f, r) for f, r in zip([0, *sorted(starts)], rates, strict=True))


@settings(max_examples=200, deadline=None)
@given(tiers=tier_lists(), base=st.integers(0, 20_000_000))
def test_tier_math_against_exact_fractions(tiers, base):
    reached = [t for t in tiers if base >= t.from_fen]
    whole = Fraction(base * reached[-1].rate_ppm, PPM)
    progressive = Fraction(0)
    for i, tier in enumerate(tiers):
        upper = tiers[i + 1].from_fen if i + 1 < len(tiers) else None
        slice_ = max(0, (base if upper is None else min(base, upper)) - tier.from_fen)
        progressive += Fraction(slice_ * tier.rate_ppm, PPM)
    for mode, exact in (("whole", whole), ("progressive", progressive)):
        got = tiered_commission(base, tiers, mode)
        assert got - Fraction(1, 2) <= exact < got + Fraction(1, 2)  # half-up, once


# --------------------------------------------------------------------------- contracts


def _contract(cid, start, end=None, merchant="m1", provider="p1"):
    plan = Plan(valid_from=date.fromisoformat(start), valid_to=end and date.fromisoformat(end))
    return Contract(cid, merchant, provider, plan)


def test_overlap_of_inclusive_days():
    first = _contract("c1", "2026-01-01", "2026-06-30")
    assert overlapping(_contract("c2", "2026-06-30"), [first]) == ["c1"]  # shares one day
    assert overlapping(_contract("c2", "2026-07-01"), [first]) == []
    assert overlapping(_contract("c2", "2025-01-01", "2025-12-31"), [first]) == []
    assert overlapping(_contract("c2", "2025-01-01"), [first]) == ["c1"]  # open-ended


def test_overlap_only_for_the_same_merchant_and_provider():
    first = _contract("c1", "2026-01-01")
    assert overlapping(_contract("c2", "2026-01-01", merchant="m2"), [first]) == []
    assert overlapping(_contract("c2", "2026-01-01", provider="p2"), [first]) == []
    assert overlapping(first, [first]) == []  # a contract does not overlap itself


def test_check_no_overlap_names_every_clash():
    existing = [_contract("c1", "2026-01-01", "2026-03-31"), _contract("c3", "2026-04-01")]
    with pytest.raises(InvalidInput, match="contract c2 overlaps c1, c3 for merchant m1"):
        check_no_overlap(_contract("c2", "2026-03-01", "2026-04-30"), existing)
    check_no_overlap(_contract("c2", "2025-01-01", "2025-12-31"), existing)


def test_a_contract_needs_its_first_day_and_ids():
    with pytest.raises(InvalidInput, match="valid_from is required"):
        Contract("c1", "m1", "p1", Plan())
    with pytest.raises(InvalidInput, match="merchant id must not be empty"):
        Contract("c1", " ", "p1", Plan(valid_from=date(2026, 1, 1)))
