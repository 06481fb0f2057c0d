"""Alert rules: each fires on its condition, with its numbers, and only then."""

from __future__ import annotations

from caopan.domain.alerts import RULES, Thresholds, evaluate


def pairs(**metrics: tuple[object, object]) -> dict[str, dict[str, object]]:
    return {k: {"value": v, "previous": p} for k, (v, p) in metrics.items()}


def rules(window: dict, series: dict | None = None, **thresholds: object) -> list[str]:
    return [a.rule for a in evaluate(window, series or {}, 10, Thresholds(**thresholds))]


def test_entry_rate_drop_fires_past_the_threshold_only() -> None:
    assert rules(pairs(impression_to_entry_rate=(0.069, 0.10))) == ["entry_rate_drop"]
    assert rules(pairs(impression_to_entry_rate=(0.071, 0.10))) == []
    assert rules(pairs(impression_to_entry_rate=(0.05, None))) == []
    assert rules(pairs(impression_to_entry_rate=(0.08, 0.10)), entry_rate_drop=0.1) == [
        "entry_rate_drop"
    ]
    [alert] = evaluate(pairs(impression_to_entry_rate=(0.06, 0.10)), {}, 10)
    assert "下降 40%" in alert.zh and "10.0% → 6.0%" in alert.zh
    assert alert.action_zh and alert.en.startswith("Impression-to-entry rate fell 40%")


def test_online_falling_needs_every_minute_lower() -> None:
    assert rules({}, {"online_now": [90, 100, 80, 70, 60]}) == ["online_falling"]
    assert rules({}, {"online_now": [100, 80, 85, 60]}) == []
    assert rules({}, {"online_now": [80, 70]}) == []


def test_unpaid_refund_and_roi() -> None:
    assert rules(pairs(unpaid_orders=(5, 0))) == ["unpaid_piling"]
    assert rules(pairs(unpaid_orders=(4, 0))) == []
    assert rules(pairs(refund_rate=(0.31, 0.0))) == ["refund_spike"]
    assert rules(pairs(refund_rate=(None, 0.5))) == []
    low = pairs(ad_roi=(0.8, 2.0), ad_cost_fen=(20_000, 10_000))
    assert rules(low) == ["ad_roi_low"]
    assert rules(low, ad_roi_target=0.5) == []
    assert rules(pairs(ad_roi=(0.8, 2.0), ad_cost_fen=(5_000, 0))) == []  # too little spend


def test_a_quiet_window_raises_nothing() -> None:
    quiet = pairs(impression_to_entry_rate=(0.1, 0.1), unpaid_orders=(0, 0), refund_rate=(0.0, 0.0))
    assert evaluate(quiet, {"online_now": [10, 11, 12, 13]}, 5) == []
    assert len(RULES) >= 5
