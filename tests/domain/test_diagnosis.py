"""Diagnosis rules, readings, percentiles and stages: pure functions, tested at their edges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caopan.domain import diagnosis as d
from caopan.domain.entities import STAGES
from caopan.domain.errors import InvalidInput
from caopan.domain.indicators import BY_ID, INDICATORS, LENSES
from caopan.domain.readings import MIN_PEERS, Reading, peer_percentile, values_of, with_percentiles
from caopan.domain.stages import StageInput, Thresholds, classify, parse_thresholds, rank


def facts(stage: str = "爬坡", **readings: Reading) -> d.Facts:
    return d.Facts(readings, stage)


def rules_of(found: list[d.Finding]) -> set[str]:
    return {f.rule for f in found}


def test_spec_ids_and_lenses_are_declared_once() -> None:
    spec = [
        "gmv_fen",
        "orders",
        "skus_sold",
        "top5_sku_share",
        "buyers",
        "new_buyers",
        "returning_buyers",
        "repurchase_rate",
        "avg_order_value_fen",
        "refund_rate",
        "sessions",
        "live_hours",
        "gpm_fen",
        "natural_traffic_share",
        "paid_traffic_share",
        "room_roi",
        "ship_48h_rate",
    ]
    assert set(spec) <= set(BY_ID)
    assert len(BY_ID) == len(INDICATORS)
    assert [lens.zh for lens in LENSES] == ["货", "场", "人", "服务", "渠道"]


def test_few_products_needs_share_above_80_percent_and_falling_gmv() -> None:
    hit = facts(top5_sku_share=Reading(0.81, 0.7), gmv_fen=Reading(90, 100))
    assert rules_of(d.few_products(hit)) == {"few_products"}
    assert not d.few_products(facts(top5_sku_share=Reading(0.8, 0.7), gmv_fen=Reading(90, 100)))
    assert not d.few_products(facts(top5_sku_share=Reading(0.9, 0.7), gmv_fen=Reading(100, 100)))
    msg = d.few_products(hit)[0]
    assert "81.0%" in msg.message_zh and "81.0%" in msg.message_en and msg.method == "STAGE:盘货品"


def test_refund_above_the_peer_80th_percentile() -> None:
    assert d.refund_above_peers(facts(refund_rate=Reading(0.3, 0.2, 0.81, 9)))
    assert not d.refund_above_peers(facts(refund_rate=Reading(0.3, 0.2, 0.8, 9)))
    assert not d.refund_above_peers(facts(refund_rate=Reading(0.3, 0.2, None, 2)))


def test_paid_traffic_that_does_not_convert() -> None:
    base = {
        "natural_traffic_share": Reading(0.3, 0.4),
        "paid_traffic_share": Reading(0.4, 0.2),
    }
    assert d.paid_not_converting(facts(**base, room_roi=Reading(1.49, 2.0)))
    assert not d.paid_not_converting(facts(**base, room_roi=Reading(1.5, 2.0)))
    rising_from_zero = {**base, "paid_traffic_share": Reading(0.1, 0.0)}
    assert d.paid_not_converting(facts(**rising_from_zero, room_roi=Reading(1.0, None)))


def test_no_retention_and_fragile_base_and_slow_shipping() -> None:
    low = facts(repurchase_rate=Reading(0.05, 0.1, 0.3, 8), new_buyer_share=Reading(0.95, 0.9))
    assert rules_of(d.no_retention(low)) == {"no_retention"}
    assert not d.no_retention(
        facts(repurchase_rate=Reading(0.05, 0.1, 0.3, 8), new_buyer_share=Reading(0.7, 0.9))
    )
    only_talents = facts(distribution_share=Reading(0.95, 0.9), self_broadcast_share=Reading(0, 0))
    assert d.fragile_base(only_talents)[0].method == "FACT:F"
    assert not d.fragile_base(
        facts(distribution_share=Reading(0.95, 0.9), self_broadcast_share=Reading(0.05, 0))
    )
    assert d.slow_shipping(facts(ship_48h_rate=Reading(0.969, 1.0)))[0].severity == "amber"
    assert not d.slow_shipping(facts(ship_48h_rate=Reading(0.97, 1.0)))
    assert not d.slow_shipping(facts(ship_48h_rate=Reading(None, None)))


def test_unknown_readings_never_trigger_a_rule() -> None:
    unknown = {i.id: Reading(None, None) for i in INDICATORS}
    for stage in STAGES[1:]:
        assert d.findings(d.Facts(unknown, stage)) == []


readings = st.builds(
    Reading,
    st.one_of(st.none(), st.floats(0, 2)),
    st.one_of(st.none(), st.floats(0, 2)),
    st.one_of(st.none(), st.floats(0, 1)),
    st.integers(0, 20),
)


@given(st.fixed_dictionaries({i.id: readings for i in INDICATORS}), st.sampled_from(STAGES))
def test_findings_are_sorted_and_complete(values: dict[str, Reading], stage: str) -> None:
    found = d.findings(d.Facts(values, stage))
    order = [d.SEVERITIES.index(f.severity) for f in found]
    assert order == sorted(order)
    for f in found:
        assert f.message_zh and f.message_en and f.action and f.method.split(":")[0] in (
            "STEPS", "STAGE", "FACT", "5S",
        )  # fmt: skip
    top = d.top_actions(found)
    assert len(top) <= 3 and len({f.action for f in top}) == len(top)


def test_peer_percentile_excludes_the_merchant_and_needs_five_others() -> None:
    assert peer_percentile(5, [1, 2, 3, 4, 5, 9]) == 0.8
    assert peer_percentile(5, [1, 2, 3, 4, 5]) is None  # four others
    assert peer_percentile(None, [1, 2, 3, 4, 5, 6]) is None
    values = {f"m{k}": ({i.id: k for i in INDICATORS}, {i.id: None for i in INDICATORS})
              for k in range(MIN_PEERS + 1)}  # fmt: skip
    out = with_percentiles(values, dict.fromkeys(values, "食品|爬坡"))
    assert out["m0"]["gmv_fen"].percentile == 0.0 and out["m5"]["gmv_fen"].percentile == 1.0
    alone = with_percentiles(values, {m: m for m in values})
    assert alone["m3"]["gmv_fen"].percentile is None and alone["m3"]["gmv_fen"].peers == 0


def test_values_say_unknown_for_missing_inputs() -> None:
    row = {"gmv_fen": 1000, "orders": 4, "buyers": 2, "returning_buyers": 1, "with_channel": 0}
    v = values_of(row, {"has_live": False, "has_ads": False, "has_products": False}, 30)
    assert v["repurchase_rate"] == 0.5 and v["avg_order_value_fen"] == 250
    assert v["gpm_fen"] is None and v["sessions"] is None and v["room_roi"] is None
    assert v["self_broadcast_share"] is None and v["dead_sku_share"] is None


def test_the_yaluo_case_reads_as_concentrated() -> None:
    """Seed 000: 5 SKUs make 60 % of 雅鹿's GMV — concentrated, but below the 80 % bar."""
    case = facts(top5_sku_share=Reading(0.6, 0.6), gmv_fen=Reading(90, 100))
    assert not d.few_products(case)


def test_stages_follow_the_thresholds() -> None:
    t = Thresholds()
    grow = StageInput(t.ka_month_fen, 1_000, 0.0, 0.5, 30.0)
    assert classify(grow, t) == "KA"
    assert classify(StageInput(t.ka_month_fen - 1, 1_000, 0.0, 0.5, 30.0), t) == "爬坡"
    assert classify(StageInput(t.ska_month_fen, 10_000, 0.0, 0.5, 30.0), t) == "SKA"
    assert classify(StageInput(t.ska_month_fen, 10_000, 0.0, 0.5, 10.0), t) == "爬坡"
    assert classify(StageInput(t.ska_month_fen, 10, 0.0, 0.5, 30.0), t) == "新店破0"
    assert rank("SKA") > rank("KA") > rank("爬坡") > rank("新店破0")


@given(st.integers(0, 10**10), st.integers(0, 10**10))
def test_more_gmv_never_means_a_lower_stage(a: int, b: int) -> None:
    t = Thresholds()
    low, high = sorted((a, b))
    at = lambda g: rank(classify(StageInput(g, 10**6, 0.0, 0.5, 30.0), t))  # noqa: E731
    assert at(low) <= at(high)


def test_thresholds_from_toml_refuse_what_they_do_not_know() -> None:
    assert parse_thresholds("[stages]\nka_month_fen = 7\n").ka_month_fen == 7
    with pytest.raises(InvalidInput, match=r"unknown key stages\.nope"):
        parse_thresholds("[stages]\nnope = 1\n", "x.toml")
    with pytest.raises(InvalidInput, match="must be a number"):
        parse_thresholds("[stages]\nka_month_fen = 'lots'\n")
    with pytest.raises(InvalidInput, match="not TOML"):
        parse_thresholds("[stages\n")
