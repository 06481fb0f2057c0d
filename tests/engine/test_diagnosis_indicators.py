"""The diagnosis indicators against an independent computation, on every engine."""

from __future__ import annotations

import pytest
from tests.engine import diagnosis_oracle as oracle

from caopan.domain.indicators import INDICATORS
from caopan.domain.stages import Thresholds
from caopan.engine.backend import Engine
from caopan.engine.diagnosis import diagnose_many

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
