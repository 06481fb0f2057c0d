"""Simulated sessions fall inside the ranges operators quote for real live rooms.

The ranges below mirror docs/simulator.md (keep them in step): each is what a session of
120 minutes should show at every stage, whatever the seed.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from simkit import Metrics, metrics, session

from caopan.domain.entities import MERCHANT_CATEGORIES, STAGES
from caopan.domain.events import SOURCE_CLASSES
from caopan.sim import calibration as cal

# -- the documented ranges (mirror docs/simulator.md) ----------------------------------------
ENTRY_RATE = (0.05, 0.30)
"""曝光-进入率: enter PV / impression PV."""
VISIT_SECONDS = (30.0, 300.0)
"""Average visit length, enter → leave (or live_end), by rule 5 of the event contract."""
WATCH_TO_PAY = (0.003, 0.08)
"""Distinct buyers / distinct viewers who entered (0.3 % – 8 %)."""
GPM_FEN = (10_000, 600_000)
"""1000 × paid GMV / enter PV, in fen (100 – 6,000 元)."""
REFUND_RATE_FACTOR = (0.5, 2.0)
"""Refunded / paid amount of a category, relative to `calibration.CATEGORIES[...].refund_rate`."""

MINUTES = 120
SEEDS = (1, 2, 3)
ORDERED_STAGES = ("新店破0", "爬坡", "KA", "SKA")


@pytest.fixture(scope="module")
def by_stage() -> dict[str, list[Metrics]]:
    return {
        stage: [metrics(session(seed, MINUTES, stage)[1]) for seed in SEEDS]
        for stage in ORDERED_STAGES
    }


def _inside(values: list[float], bounds: tuple[float, float]) -> bool:
    return all(bounds[0] <= v <= bounds[1] for v in values)


@pytest.mark.parametrize("stage", ORDERED_STAGES)
def test_entry_rate(stage: str, by_stage: dict[str, list[Metrics]]):
    rates = [m.entry_rate for m in by_stage[stage]]
    assert _inside(rates, ENTRY_RATE), rates


@pytest.mark.parametrize("stage", ORDERED_STAGES)
def test_average_visit_length(stage: str, by_stage: dict[str, list[Metrics]]):
    seconds = [m.mean_visit_s for m in by_stage[stage]]
    assert _inside(seconds, VISIT_SECONDS), seconds


@pytest.mark.parametrize("stage", ORDERED_STAGES)
def test_watch_to_pay(stage: str, by_stage: dict[str, list[Metrics]]):
    rates = [m.watch_to_pay for m in by_stage[stage]]
    assert _inside(rates, WATCH_TO_PAY), rates


@pytest.mark.parametrize("stage", ORDERED_STAGES)
def test_gpm(stage: str, by_stage: dict[str, list[Metrics]]):
    gpm = [m.gpm_fen for m in by_stage[stage]]
    assert _inside(gpm, GPM_FEN), gpm


def test_larger_stages_draw_more_viewers(by_stage: dict[str, list[Metrics]]):
    medians = [float(np.median([m.watch_uv for m in by_stage[s]])) for s in ORDERED_STAGES]
    assert medians == sorted(medians), dict(zip(ORDERED_STAGES, medians, strict=True))
    for small, large in itertools.pairwise(medians):
        assert large > 2 * small, medians


def _pooled_refund_rate(category: str) -> float:
    refunded = paid = 0
    for seed in (1, 2, 3, 4):
        m = metrics(session(seed, MINUTES, "KA", category)[1])
        refunded += m.refund_fen
        paid += m.paid_gmv_fen
    return refunded / paid


def test_refund_rate_by_category():
    clothes, food = _pooled_refund_rate("服饰"), _pooled_refund_rate("食品")
    assert clothes > 2 * food, (clothes, food)
    for rate, category in ((clothes, "服饰"), (food, "食品")):
        ratio = rate / cal.CATEGORIES[category].refund_rate
        assert REFUND_RATE_FACTOR[0] <= ratio <= REFUND_RATE_FACTOR[1], (category, rate, ratio)


# -- the parameters themselves ---------------------------------------------------------------


def test_parameters_cover_the_domain_vocabularies():
    assert tuple(cal.STAGES) == STAGES
    assert set(cal.STAGE_WEIGHTS) == set(STAGES)
    assert set(cal.CATEGORIES) == set(MERCHANT_CATEGORIES) == set(cal.CATEGORY_WEIGHTS)
    assert set(cal.SOURCES) <= set(SOURCE_CLASSES) - {"other"}
    for weights in (cal.STAGE_WEIGHTS, cal.CATEGORY_WEIGHTS, cal.TALENT_LAYER_WEIGHTS):
        assert math.isclose(sum(weights.values()), 1.0)


def test_parameters_are_in_their_domains():
    previous = None
    for name in STAGES:
        scale = cal.STAGES[name]
        for low, high in (scale.followers, scale.minutes, scale.products, scale.ad_budget_yuan):
            assert 0 <= low <= high, name
        assert 0 < scale.sessions_per_day <= 1 and 0 <= scale.stage_quality <= 1
        if previous is not None:  # every size grows with the stage
            assert scale.followers[0] >= previous.followers[1]
            assert scale.recommend_per_min > previous.recommend_per_min
            assert scale.ad_budget_yuan[0] >= previous.ad_budget_yuan[1]
            assert scale.stage_quality > previous.stage_quality
        previous = scale
    for profile in cal.CATEGORIES.values():
        assert profile.price_yuan > 0 and profile.price_spread > 0
        assert 0 < profile.refund_rate < 1 and 0 < profile.click_to_pay < 1
        assert 0 < profile.margin < 1 and profile.comments
    for source in cal.SOURCES.values():
        assert 0 < source.entry_rate < 1 and source.dwell_median_s > 0
    assert cal.CATEGORIES["服饰"].refund_rate > cal.CATEGORIES["食品"].refund_rate
    assert 0 < cal.PAID_ORDER_RATE < 1 and 0 < cal.RE_ENTRY_RATE < 1
    assert cal.CPM_YUAN[0] < cal.CPM_YUAN[1]
