"""Tests for caopan.domain.fees: 技术服务费 with the new-merchant policy, 达人/团长, results."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain.errors import InvalidInput
from caopan.domain.fees import (
    DEFAULT_CATEGORY_RATES,
    FeeOrder,
    FeeTable,
    NewMerchantPolicy,
    SessionResult,
    distribution_fees,
    leader_rate_ppm,
    technical_service_fee,
    technical_service_fees,
)
from caopan.domain.money import PPM

DAY = 86_400_000
OPENED = 1_767_196_800_000


def test_worked_example_4_new_merchant_fee():
    """Day 10 after opening, 99,990,000 fen counted before, an order of 50,000 fen at 5 %:
    10,000 at 1 % = 100 and 40,000 at 5 % = 2,000 → 2,100."""
    fee = technical_service_fee(
        50_000, 50_000, paid_at=OPENED + 9 * DAY, opened_at=OPENED, gmv_before_fen=99_990_000
    )
    assert fee == 2_100


def test_the_same_example_through_the_sequence():
    orders = [
        FeeOrder("o2", OPENED + 9 * DAY, 50_000, "服饰"),
        FeeOrder("o1", OPENED + 1 * DAY, 99_990_000, "服饰"),
    ]
    fees = technical_service_fees(orders, opened_at=OPENED, table=FeeTable({"服饰": 50_000}))
    assert fees == {"o1": 999_900, "o2": 2_100}


def test_the_window_and_the_threshold():
    policy = NewMerchantPolicy()
    assert policy.applies(OPENED, OPENED)
    assert policy.applies(OPENED + 30 * DAY - 1, OPENED)
    assert not policy.applies(OPENED + 30 * DAY, OPENED)
    assert not policy.applies(OPENED - 1, OPENED)
    assert not policy.applies(OPENED, None)
    assert not NewMerchantPolicy(enabled=False).applies(OPENED, OPENED)
    after = technical_service_fee(
        50_000, 50_000, paid_at=OPENED + 30 * DAY, opened_at=OPENED, gmv_before_fen=0
    )
    assert after == 2_500
    past_threshold = technical_service_fee(
        50_000, 50_000, paid_at=OPENED, opened_at=OPENED, gmv_before_fen=100_000_000
    )
    assert past_threshold == 2_500


def test_fees_are_rounded_once_over_both_parts():
    # 1 fen at 1 % (0.01) and 149 fen at 5 % (7.45): 7.46 → 7; rounding each part gives 0 + 7.
    fee = technical_service_fee(
        150, 50_000, paid_at=OPENED, opened_at=OPENED, gmv_before_fen=100_000_000 - 1
    )
    assert fee == 7
    # 50 fen at 1 % = 0.5 and 50 at 5 % = 2.5: together 3.0 → 3 (each half-up alone: 1 + 3 = 4).
    fee = technical_service_fee(
        100, 50_000, paid_at=OPENED, opened_at=OPENED, gmv_before_fen=100_000_000 - 50
    )
    assert fee == 3


def test_orders_after_the_window_do_not_count_towards_the_threshold():
    orders = [
        FeeOrder("late", OPENED + 40 * DAY, 10_000, None),
        FeeOrder("early", OPENED + 2 * DAY, 10_000, None),
        FeeOrder("tie-b", OPENED + 3 * DAY, 10_000, None),
        FeeOrder("tie-a", OPENED + 3 * DAY, 10_000, None),
    ]
    policy = NewMerchantPolicy(threshold_fen=25_000)
    fees = technical_service_fees(orders, opened_at=OPENED, policy=policy)
    # in payment order: early 10,000 at 1 %, tie-a 10,000 at 1 %, tie-b 5,000 at 1 % + 5,000 at 5 %
    assert fees == {"early": 100, "late": 500, "tie-a": 100, "tie-b": 300}
    with pytest.raises(InvalidInput, match="listed twice"):
        technical_service_fees([orders[0], orders[0]], opened_at=OPENED)


@settings(max_examples=100, deadline=None)
@given(
    amounts=st.lists(st.integers(0, 60_000_000), min_size=1, max_size=8),
    rate=st.integers(0, PPM),
)
def test_split_fees_stay_within_half_a_fen_of_the_exact_fee(amounts, rate):
    orders = [FeeOrder(f"o{i}", OPENED + i, a) for i, a in enumerate(amounts)]
    fees = technical_service_fees(orders, opened_at=OPENED, table=FeeTable({}, default_ppm=rate))
    counted = 0
    for order in orders:
        cheap = max(0, min(order.gmv_fen, 100_000_000 - counted))
        exact = Fraction(cheap * 10_000 + (order.gmv_fen - cheap) * rate, PPM)
        assert abs(fees[order.order_id] - exact) <= Fraction(1, 2)
        counted += order.gmv_fen


def test_fee_table_defaults_and_checks():
    table = FeeTable()
    assert table.rate_for("服饰") == DEFAULT_CATEGORY_RATES["服饰"]
    assert table.rate_for(None) == table.default_ppm
    with pytest.raises(InvalidInput):
        FeeTable({"服饰": PPM + 1})
    with pytest.raises(InvalidInput):
        NewMerchantPolicy(threshold_fen=-1)
    with pytest.raises(InvalidInput):
        technical_service_fee(-1, 1, paid_at=0, opened_at=None, gmv_before_fen=0)


def test_distribution_fees_and_per_mille_leader_rates():
    assert leader_rate_ppm(100) == 100_000
    assert leader_rate_ppm("15") == 15_000
    assert distribution_fees(19_900, talent_rate_ppm=200_000, leader_rate_ppm=15_000) == (
        3_980,
        299,  # 298.5 rounds half-up
    )
    assert distribution_fees(100, talent_rate_ppm=None, leader_rate_ppm=None) == (0, 0)
    with pytest.raises(InvalidInput):
        leader_rate_ppm(1_001)
    with pytest.raises(InvalidInput):
        distribution_fees(100, talent_rate_ppm=PPM + 1, leader_rate_ppm=0)


def test_merchant_result_and_roi_after_service_fees():
    result = SessionResult(
        gmv_fen=1_000_000,
        refunds_fen=100_000,
        technical_fee_fen=45_000,
        talent_fen=0,
        leader_fen=0,
        provider_commission_fen=90_000,
        slot_fee_fen=200_000,
        ad_spend_fen=210_000,
    )
    assert result.merchant_result_fen == 355_000
    assert result.roi_after_service_fees == Fraction(1_000_000, 500_000)
    assert SessionResult(gmv_fen=5).roi_after_service_fees is None
    with pytest.raises(InvalidInput):
        SessionResult(gmv_fen=1.5)  # type: ignore[arg-type]
