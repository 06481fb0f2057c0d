"""Alert rules: each fires on its condition, with its numbers, and only then."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

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


def explained(product: str, paid: int, on: bool = True) -> dict[str, object]:
    return {"product_id": product, "explaining": on, "pay_items": paid}


def stock_rules(products: list, stock: dict, **thresholds: object) -> list[str]:
    found = evaluate({}, {}, 10, Thresholds(**thresholds), products=products, stock=stock)
    return [a.rule for a in found]


def test_explained_product_out_of_stock_fires_and_clears() -> None:
    # sold out while explained: fires
    assert stock_rules([explained("p1", 20)], {"p1": 20}) == ["explained_out_of_stock"]
    assert stock_rules([explained("p1", 23)], {"p1": 20}) == ["explained_out_of_stock"]  # oversold
    # one item left, the explanation ended, stock unknown, not the explained one: silent
    assert stock_rules([explained("p1", 19)], {"p1": 20}) == []
    assert stock_rules([explained("p1", 20, on=False)], {"p1": 20}) == []
    assert stock_rules([explained("p1", 20)], {}) == []
    assert stock_rules([explained("p1", 20)], {"p1": None}) == []
    assert stock_rules([explained("p1", 1), explained("p2", 9, on=False)], {"p2": 9}) == []
    # stock came back (restocked): silent again
    assert stock_rules([explained("p1", 20)], {"p1": 50}) == []
    # a threshold above zero warns early, as 库存告急
    assert stock_rules([explained("p1", 12)], {"p1": 20}, stock_left=10) == [
        "explained_out_of_stock"
    ]
    [alert] = evaluate({}, {}, 10, products=[explained("p1", 23)], stock={"p1": 20})
    assert alert.zh == "讲解中的商品已售罄：p1（剩余 0 件）"
    assert alert.severity == "critical" and alert.evidence == {"stock_left": {"p1": -3}}
    [low] = evaluate(
        {}, {}, 10, Thresholds(stock_left=10), products=[explained("p1", 12)], stock={"p1": 20}
    )
    assert "库存告急" in low.zh and "p1 (8 left)" in low.en


@given(
    st.lists(
        st.tuples(st.sampled_from("abcde"), st.booleans(), st.integers(0, 50)),
        unique_by=lambda x: x[0],
    ),
    st.dictionaries(st.sampled_from("abcdef"), st.one_of(st.none(), st.integers(0, 60))),
    st.integers(0, 20),
)
def test_out_of_stock_equals_a_plain_computation(
    rows: list[tuple[str, bool, int]], stock: dict[str, int | None], limit: int
) -> None:
    products = [explained(p, paid, on) for p, on, paid in rows]
    found = evaluate({}, {}, 5, Thresholds(stock_left=limit), products=products, stock=stock)
    expected = {
        p: stock[p] - paid  # type: ignore[operator]
        for p, on, paid in rows
        if on and stock.get(p) is not None and stock[p] - paid <= limit  # type: ignore[operator]
    }
    if expected:
        [alert] = found
        assert alert.evidence == {"stock_left": dict(sorted(expected.items()))}
    else:
        assert found == []
