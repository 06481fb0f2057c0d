"""Tests for caopan.domain.catalog: the 42 metrics as the spec declares them, and their formulas."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain import catalog
from caopan.domain.catalog import (
    GROUPS,
    MEASURE_KEYS,
    MEASURES,
    METRIC_IDS,
    METRICS,
    metrics_from_measures,
    zero_measures,
)

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "live-metrics.md"

# The metric table of spec/live-metrics.md, copied literally: number, id, unit, group.
SPEC_METRICS = """
1 impression_uv 人 traffic
2 impression_pv 次 traffic
3 watch_uv 人 traffic
4 watch_pv 次 traffic
5 impression_to_entry_rate ratio traffic
6 online_now 人 traffic
7 avg_online 人 traffic
8 peak_online 人 traffic
9 avg_watch_seconds s traffic
10 long_stay_rate ratio traffic
11 natural_traffic_share ratio traffic
12 paid_traffic_share ratio traffic
13 comment_uv 人 engagement
14 comments_per_min 次 engagement
15 share_uv 人 engagement
16 interaction_rate ratio engagement
17 new_followers 人 engagement
18 follow_rate ratio engagement
19 fans_club_rate ratio engagement
20 negative_feedback_rate ratio engagement
21 product_impression_uv 人 goods
22 product_click_uv 人 goods
23 watch_to_click_rate ratio goods
24 product_ctr ratio goods
25 click_to_pay_rate ratio goods
26 watch_to_pay_rate ratio goods
27 create_to_pay_rate ratio goods
28 unpaid_orders 单 goods
29 pay_gmv_fen fen trade
30 pay_orders 单 trade
31 pay_uv 人 trade
32 pay_items 件 trade
33 avg_order_value_fen fen trade
34 gpm_fen fen trade
35 uv_value_fen fen trade
36 refund_fen fen trade
37 refund_rate ratio trade
38 follower_buyer_share ratio trade
39 ad_cost_fen fen paid
40 ad_roi ratio paid
41 room_roi ratio paid
42 provider_commission_est_fen fen earnings
"""

SPEC_MEASURES = """
impression_pv impression_uv enter_pv enter_uv enter_pv[class] present_uv watch_seconds online(t)
peak_online online_at_end long_visits comment_pv,comment_uv share_uv interact_uv follow_uv
fans_club_uv negative_pv product_impression_uv product_click_uv created_orders unpaid_orders
paid_orders pay_gmv_fen pay_items pay_uv follower_pay_uv refund_fen ad_cost_fen ad_gmv_fen
elapsed_seconds
"""

LOWER_IS_BETTER = {
    "paid_traffic_share",
    "negative_feedback_rate",
    "unpaid_orders",
    "refund_fen",
    "refund_rate",
    "ad_cost_fen",
}


def _measures(**values: int) -> dict[str, int | None]:
    return {**zero_measures(), **values}


# ------------------------------------------------------------------------ the declarations


def test_exactly_42_metrics_in_the_spec_order_with_units_and_groups() -> None:
    expected = [line.split() for line in SPEC_METRICS.strip().splitlines()]
    assert len(METRICS) == 42
    got = [[str(m.number), m.id, m.unit, m.group.id] for m in METRICS]
    assert got == expected
    assert [m.number for m in METRICS] == list(range(1, 43))
    assert len(set(METRIC_IDS)) == 42


def test_groups_have_chinese_and_english_names_in_screen_order() -> None:
    assert [(g.id, g.zh, g.en) for g in GROUPS] == [
        ("traffic", "流量", "traffic"),
        ("engagement", "互动", "engagement"),
        ("goods", "商品与转化", "goods and conversion"),
        ("trade", "交易", "trade"),
        ("paid", "投放", "paid traffic"),
        ("earnings", "收益", "earnings"),
    ]
    assert [m.group for m in METRICS] == sorted((m.group for m in METRICS), key=GROUPS.index)


def test_every_metric_is_named_in_both_languages_and_money_ids_end_in_fen() -> None:
    for m in METRICS:
        assert m.zh and m.en and m.formula
        assert (m.unit == "fen") == m.id.endswith("_fen"), m.id
        assert m.unit in catalog.UNITS


def test_lower_is_better_metrics() -> None:
    assert {m.id for m in METRICS if not m.higher_is_better} == LOWER_IS_BETTER


def test_every_measure_of_the_spec_table_is_declared_with_a_definition() -> None:
    assert [m.name.replace(" ", "") for m in MEASURES] == SPEC_MEASURES.split()
    assert all(m.definition for m in MEASURES)
    assert len(set(MEASURE_KEYS)) == len(MEASURE_KEYS)
    assert "watch_ms" in MEASURE_KEYS and "elapsed_ms" in MEASURE_KEYS


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec folder is not beside the repo")
def test_the_catalog_matches_the_spec_file_literally() -> None:
    rows = re.findall(
        r"^\| (\d+) \| `(\w+)` \| ([^|]+?) \| (.+?) \| (\S+) \|$", SPEC.read_text(), re.M
    )
    assert len(rows) == 42
    for m, (number, id_, zh, formula, unit) in zip(METRICS, rows, strict=True):
        assert (m.number, m.id, m.zh, m.unit) == (int(number), id_, zh, unit)
        assert m.formula == formula.replace("`", "").strip() or m.number == 42
    assert "commission.md" in METRICS[41].formula


# ------------------------------------------------------------------------ the formulas


def test_an_empty_range_has_counts_zero_and_every_quotient_null() -> None:
    values = metrics_from_measures(zero_measures())
    for m in METRICS:
        quotient = "/" in m.formula
        if m.number == 42:
            assert values[m.id] is None
        elif quotient:
            assert values[m.id] is None, m.id
        else:
            assert values[m.id] == 0, m.id
    assert list(values) == list(METRIC_IDS)


def test_null_exactly_where_the_denominator_is_zero() -> None:
    values = metrics_from_measures(_measures(impression_pv=10, enter_pv=0, pay_gmv_fen=500))
    assert values["impression_to_entry_rate"] == 0.0
    assert values["negative_feedback_rate"] == 0.0
    assert values["gpm_fen"] is None
    assert values["avg_order_value_fen"] is None
    assert values["refund_rate"] == 0.0
    assert values["room_roi"] is None


def test_sums_and_counts_are_the_measures_themselves() -> None:
    m = _measures(
        impression_uv=7, enter_uv=5, enter_pv=9, online_at_end=3, peak_online=8, follow_uv=2,
        paid_orders=4, pay_gmv_fen=123_456, pay_items=6, refund_fen=99, ad_cost_fen=1000,
        unpaid_orders=2,
    )  # fmt: skip
    v = metrics_from_measures(m)
    assert (v["impression_uv"], v["watch_uv"], v["watch_pv"]) == (7, 5, 9)
    assert (v["online_now"], v["peak_online"], v["new_followers"]) == (3, 8, 2)
    assert (v["pay_orders"], v["pay_gmv_fen"], v["pay_items"]) == (4, 123_456, 6)
    assert (v["refund_fen"], v["ad_cost_fen"], v["unpaid_orders"]) == (99, 1000, 2)
    assert all(isinstance(v[k], int) for k in ("pay_gmv_fen", "refund_fen", "ad_cost_fen"))


def test_money_per_unit_rounds_half_up_to_a_whole_fen() -> None:
    v = metrics_from_measures(_measures(pay_gmv_fen=5, pay_uv=2, enter_pv=3, enter_uv=4))
    assert v["avg_order_value_fen"] == 3  # 2.5 → 3 (not banker's 2)
    assert v["gpm_fen"] == 1667  # 5000 / 3 = 1666.67
    assert v["uv_value_fen"] == 1  # 1.25 → 1
    v = metrics_from_measures(_measures(pay_gmv_fen=1, enter_pv=2000, enter_uv=2))
    assert v["gpm_fen"] == 1  # 1000 / 2000 = 0.5 → 1
    assert v["uv_value_fen"] == 1  # 0.5 → 1
    assert all(isinstance(v[k], int) for k in ("gpm_fen", "uv_value_fen"))


def test_gpm_is_exact_for_large_amounts() -> None:
    gmv = 10**15 + 1  # beyond float precision once multiplied by 1000
    v = metrics_from_measures(_measures(pay_gmv_fen=gmv, enter_pv=3))
    assert v["gpm_fen"] == (1000 * gmv * 2 + 3) // 6


def test_ratios_and_seconds_are_unrounded_and_may_exceed_one() -> None:
    m = _measures(
        paid_orders=3, created_orders=2, refund_fen=150, pay_gmv_fen=100, pay_uv=1,
        watch_ms=100_001, present_uv=3, elapsed_ms=7_000, comment_pv=1, ad_gmv_fen=300,
        ad_cost_fen=200,
    )  # fmt: skip
    v = metrics_from_measures(m)
    assert v["create_to_pay_rate"] == 1.5
    assert v["refund_rate"] == 1.5
    assert v["avg_watch_seconds"] == 100_001 / 3000
    assert v["avg_online"] == 100_001 / 7_000
    assert v["comments_per_min"] == 60_000 / 7_000
    assert v["ad_roi"] == 1.5 and v["room_roi"] == 0.5


def test_each_rate_uses_the_spec_denominator() -> None:
    m = _measures(
        impression_pv=200, enter_pv=50, enter_uv=40, present_uv=25, enter_pv_natural=30,
        enter_pv_private=10, enter_pv_paid=10, long_visits=5, interact_uv=5, follow_uv=2,
        fans_club_uv=1, negative_pv=4, product_impression_uv=20, product_click_uv=10, pay_uv=5,
        follower_pay_uv=2,
    )  # fmt: skip
    v = metrics_from_measures(m)
    assert v["impression_to_entry_rate"] == 0.25
    assert v["long_stay_rate"] == 0.1
    assert (v["natural_traffic_share"], v["paid_traffic_share"]) == (0.6, 0.2)
    assert (v["interaction_rate"], v["follow_rate"], v["fans_club_rate"]) == (0.2, 0.08, 0.04)
    assert v["negative_feedback_rate"] == 0.02
    assert (v["watch_to_click_rate"], v["product_ctr"]) == (0.4, 0.5)
    assert (v["click_to_pay_rate"], v["watch_to_pay_rate"]) == (0.5, 0.2)
    assert v["follower_buyer_share"] == 0.4


def test_commission_is_passed_in() -> None:
    assert metrics_from_measures(zero_measures())["provider_commission_est_fen"] is None
    got = metrics_from_measures(zero_measures(), commission_est_fen=4321)
    assert got["provider_commission_est_fen"] == 4321


def test_an_unknown_measure_propagates_as_null() -> None:
    v = metrics_from_measures({**zero_measures(), "pay_gmv_fen": None, "enter_pv": 4})
    assert v["pay_gmv_fen"] is None and v["gpm_fen"] is None and v["room_roi"] is None


def test_a_missing_measure_is_a_bug() -> None:
    with pytest.raises(KeyError):
        metrics_from_measures({"enter_pv": 1})


def test_every_metric_computes_through_its_own_function() -> None:
    m = {key: i + 1 for i, key in enumerate(MEASURE_KEYS)}
    values = metrics_from_measures(m, commission_est_fen=7)
    for metric in METRICS:
        assert metric.compute({**m, catalog.COMMISSION_KEY: 7}) == values[metric.id]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**12), st.integers(0, 10**6))
def test_money_per_unit_matches_exact_half_up_rounding(gmv: int, n: int) -> None:
    v = metrics_from_measures(_measures(pay_gmv_fen=gmv, enter_pv=n, enter_uv=n, pay_uv=n))
    if n == 0:
        assert v["gpm_fen"] is None and v["uv_value_fen"] is None
        return
    assert v["gpm_fen"] == math.floor(Fraction(1000 * gmv, n) + Fraction(1, 2))
    assert v["uv_value_fen"] == math.floor(Fraction(gmv, n) + Fraction(1, 2))
    assert v["avg_order_value_fen"] == v["uv_value_fen"]
