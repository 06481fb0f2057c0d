"""The diagnosis indicators against an independent computation, on every engine."""

from __future__ import annotations

import pytest
from tests.engine import diagnosis_oracle as oracle

from caopan.domain.indicators import INDICATORS
from caopan.domain.stages import Thresholds
from caopan.engine.backend import Engine
from caopan.engine.diagnosis import diagnose_many, span_of
from caopan.engine.indicators import merchant_scope, sums

LIVE_NEEDS = ("live",)


@pytest.mark.parametrize("seed", [1, 2])
def test_indicators_equal_plain_python(engine: Engine, seed: int) -> None:
    data = oracle.build(seed)
    oracle.load(engine, data)
    got = diagnose_many(engine, oracle.AS_OF, oracle.WINDOW, Thresholds())
    want = oracle.expected(data, oracle.AS_OF, oracle.WINDOW)
    assert set(got) == set(want)
    for mid, expected in want.items():
        indicators = got[mid]["indicators"]
        for key, value in expected.items():
            assert indicators[key]["value"] == pytest.approx(value), (mid, key)


def test_merchant_without_live_data_gets_unknown(engine: Engine) -> None:
    data = oracle.build(3, merchants=2)
    oracle.load(engine, data)
    got = diagnose_many(engine, oracle.AS_OF, oracle.WINDOW, Thresholds())
    for result in got.values():
        for ind in INDICATORS:
            if ind.needs in LIVE_NEEDS or ind.needs == "ads":
                assert result["indicators"][ind.id]["value"] is None, ind.id
                assert ind.id in result["unknown"]
        assert result["indicators"]["gmv_fen"]["value"] > 0
        assert result["peers_note"] is not None  # two merchants: fewer than five peers


def test_one_merchant_scope_gives_the_pass_sums(engine: Engine) -> None:
    """The single-merchant path (its orders and lines materialised once, in a `Scope`) gives
    exactly the sums the pass over every merchant gives that merchant."""
    data = oracle.build(1)
    oracle.load(engine, data)
    span = span_of(oracle.AS_OF, oracle.WINDOW)
    everyone = sums(engine, span)
    per_merchant: dict[str, int] = {}
    for o in data["orders"]:
        per_merchant[o["merchant_id"]] = per_merchant.get(o["merchant_id"], 0) + 1
    ranked = sorted(per_merchant, key=lambda m: (-per_merchant[m], m))
    for mid in (ranked[0], ranked[-1]):
        with merchant_scope(engine, span, mid) as scope:
            one = sums(engine, span, [mid], scope=scope)
        assert one["merchants"] == [m for m in everyone["merchants"] if m["merchant_id"] == mid]
        mine = {k: v for k, v in everyone["rows"].items() if k[0] == mid}
        assert mine, mid
        assert one["rows"] == mine, mid
