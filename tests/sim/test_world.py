"""The simulated world: validation of what to build, determinism, vocabularies, the schedule."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from caopan.domain.clock import day_start_ms
from caopan.domain.entities import (
    ANCHOR_LAYERS,
    MERCHANT_CATEGORIES,
    PROVIDER_CATEGORIES,
    PROVIDER_TIERS,
    STAGES,
)
from caopan.domain.errors import InvalidInput
from caopan.sim import calibration as cal
from caopan.sim.world import (
    DEFAULT_START,
    WorldSpec,
    build_world,
    schedule,
    single_room,
    stage_on,
)

BIG = WorldSpec(providers=6, merchants=120, days=8, seed=3)


@pytest.fixture(scope="module")
def world():
    return build_world(BIG)


@pytest.fixture(scope="module")
def sessions(world):
    return list(schedule(world))


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "option"),
    [
        ({"providers": -1}, "--providers"),
        ({"merchants": -3}, "--merchants"),
        ({"days": 0}, "--days"),
        ({"days": -2}, "--days"),
        ({"seed": -1}, "--seed"),
        ({"seed": 1.5}, "--seed"),
        ({"seed": "7"}, "--seed"),
        ({"seed": None}, "--seed"),
        ({"seed": True}, "--seed"),
        ({"providers": True}, "--providers"),
        ({"merchants": False}, "--merchants"),
        ({"days": True}, "--days"),
        ({"providers": 2.0}, "--providers"),
        ({"merchants": "4"}, "--merchants"),
        ({"days": 1.5}, "--days"),
        ({"talents": -1}, "--talents"),
    ],
)
def test_impossible_specs_are_refused_with_the_option_named(changes: dict, option: str):
    with pytest.raises(InvalidInput, match=option) as caught:
        WorldSpec(**changes)
    assert repr(next(iter(changes.values()))) in str(caught.value) or "negative" in str(
        caught.value
    )


@pytest.mark.parametrize("talents", [1.5, "3", True])
def test_a_talent_count_that_is_not_a_whole_number_is_refused(talents: object):
    with pytest.raises(InvalidInput, match="--talents"):
        WorldSpec(talents=talents)  # type: ignore[arg-type]


def test_zero_parties_and_the_smallest_period_are_allowed():
    spec = WorldSpec(providers=0, merchants=0, days=1, seed=0, talents=0)
    world = build_world(spec)
    assert world.providers == [] and world.merchants == [] and world.anchors == []
    assert list(schedule(world)) == []


def test_talents_default_to_a_quarter_of_the_merchants():
    assert WorldSpec(merchants=41).talent_count == 10
    assert WorldSpec(merchants=41, talents=0).talent_count == 0
    assert WorldSpec(merchants=41, talents=7).talent_count == 7


# -- building ------------------------------------------------------------------------------


def test_build_world_is_deterministic(world):
    again = build_world(BIG)
    assert again.providers == world.providers
    assert again.merchants == world.merchants
    assert again.anchors == world.anchors
    assert again.skill == world.skill


def test_another_seed_builds_another_world(world):
    other = build_world(WorldSpec(providers=6, merchants=120, days=8, seed=4))
    assert [m.category for m in other.merchants] != [m.category for m in world.merchants]


def test_the_world_has_the_size_asked_for(world):
    assert len(world.providers) == BIG.providers
    assert len(world.merchants) == BIG.merchants
    talents = [a for a in world.anchors if a.kind == "talent"]
    assert len(talents) == BIG.talent_count == 30
    assert len(world.anchors) == BIG.merchants + BIG.talent_count
    ids = [p.provider_id for p in world.providers] + [m.merchant_id for m in world.merchants]
    ids += [a.anchor_id for a in world.anchors]
    assert len(set(ids)) == len(ids)


def test_providers_take_their_categories_and_tiers_from_the_vocabularies(world):
    for provider in world.providers:
        assert provider.category in PROVIDER_CATEGORIES
        assert provider.tier in PROVIDER_TIERS
        assert 0 < provider.skill < 1
        # the tier follows the hidden skill: better providers rank higher
        assert provider.tier == PROVIDER_TIERS[min(int(provider.skill * 3), 2)]
        assert provider.operators
        assert all(op_id.startswith(provider.provider_id) for op_id, _ in provider.operators)
    assert {p.category for p in world.providers} == set(PROVIDER_CATEGORIES)


def test_merchants_are_of_known_stages_categories_and_providers(world):
    provider_ids = {p.provider_id for p in world.providers}
    for merchant in world.merchants:
        assert merchant.stage in STAGES
        assert merchant.category in MERCHANT_CATEGORIES
        assert merchant.provider_id is None or merchant.provider_id in provider_ids
        assert merchant.opened_on < BIG.start
        scale = cal.STAGES[merchant.stage]
        assert scale.products[0] <= len(merchant.products) < scale.products[1]
        assert all(p.merchant_id == merchant.merchant_id for p in merchant.products)
        assert all(p.price_fen > 0 for p in merchant.products)
    assert Counter(m.stage for m in world.merchants).keys() == set(STAGES)
    assert any(m.provider_id is None for m in world.merchants)
    assert any(m.provider_id is not None for m in world.merchants)


def test_anchors_are_self_or_talent_and_own_separate_audiences(world):
    merchant_ids = {m.merchant_id for m in world.merchants}
    end = 0
    for anchor in world.anchors:
        assert anchor.kind in ("self", "talent")
        assert anchor.layer in ANCHOR_LAYERS
        assert anchor.followers > 0
        if anchor.kind == "self":
            assert anchor.merchant_id in merchant_ids
        else:
            assert anchor.merchant_id is None
        assert anchor.audience_base == end  # viewer ids of two accounts never collide
        end = anchor.audience_base + anchor.followers + anchor.audience_size


def test_without_providers_nobody_is_served():
    world = build_world(WorldSpec(providers=0, merchants=20, days=3, seed=2))
    assert all(m.provider_id is None for m in world.merchants)
    assert all(a.provider_id is None for a in world.anchors)


# -- leaps ---------------------------------------------------------------------------------


def test_leaps_go_up_one_stage_on_a_day_within_the_period(world):
    leapers = [m for m in world.merchants if m.leap_day is not None]
    assert leapers, "a world of 120 merchants has merchants who leap"
    for merchant in world.merchants:
        stages = [stage_on(merchant, day) for day in range(BIG.days)]
        assert stages[0] == merchant.stage
        if merchant.leap_day is None:
            assert set(stages) == {merchant.stage}
            continue
        assert merchant.stage != "SKA"
        assert 1 <= merchant.leap_day < BIG.days
        up = STAGES[STAGES.index(merchant.stage) + 1]
        assert stages == [merchant.stage] * merchant.leap_day + [up] * (
            BIG.days - merchant.leap_day
        )


def test_a_single_day_has_no_leaps():
    world = build_world(WorldSpec(providers=4, merchants=80, days=1, seed=3))
    assert all(m.leap_day is None for m in world.merchants)


def test_skilled_providers_help_merchants_leap():
    world = build_world(WorldSpec(providers=12, merchants=1500, days=10, seed=8, talents=0))
    skill = world.skill
    served = [m for m in world.merchants if m.stage != "SKA"]
    strong = [m for m in served if skill[m.provider_id] > 0.6]
    weak = [m for m in served if skill[m.provider_id] < 0.4]
    share = [sum(m.leap_day is not None for m in group) / len(group) for group in (strong, weak)]
    assert len(strong) > 50 and len(weak) > 50
    assert share[0] > share[1], share


# -- the schedule --------------------------------------------------------------------------


def test_sessions_come_in_start_order_day_by_day(sessions):
    assert sessions
    days = [s.day for s in sessions]
    assert days == sorted(days)
    for day in set(days):
        starts = [s.room.start_ms for s in sessions if s.day == day]
        assert starts == sorted(starts)
        midnight = day_start_ms(BIG.start + timedelta(days=day))
        assert all(midnight + 10 * 3_600_000 <= t < midnight + 22 * 3_600_000 for t in starts)
    assert set(days) == set(range(BIG.days))


def test_session_ids_and_seeds_are_unique(sessions):
    ids = [s.room.session_id for s in sessions]
    assert len(set(ids)) == len(ids)
    assert len({s.seed for s in sessions}) == len(sessions)


def test_schedule_is_deterministic(world, sessions):
    assert list(schedule(build_world(BIG))) == sessions


def test_rooms_follow_their_merchant_and_stage(world, sessions):
    merchants = {m.merchant_id: m for m in world.merchants}
    anchors = {a.anchor_id: a for a in world.anchors}
    for s in sessions:
        room = s.room
        assert 0 <= room.quality <= 1 and 0 <= room.refund_quality <= 1
        assert room.followers > 0 and room.recommend_per_min > 0 and room.products
        assert room.session_id.startswith(s.anchor_id)
        if s.merchant_id is None:  # a talent's session sells alliance products
            assert anchors[s.anchor_id].kind == "talent"
            assert all(p.role <= 1 for p in room.products)
            assert room.ad_budget_fen == 0
            continue
        merchant = merchants[s.merchant_id]
        assert s.provider_id == merchant.provider_id
        assert room.products == tuple(merchant.products)
        assert room.category == merchant.category
        scale = cal.STAGES[stage_on(merchant, s.day)]
        assert scale.minutes[0] <= room.minutes < scale.minutes[1]
        assert room.ad_budget_fen <= scale.ad_budget_yuan[1] * 100


def test_bigger_stages_broadcast_more_often(world, sessions):
    per_stage = Counter(m.stage for m in world.merchants if m.leap_day is None)
    sessions_of = Counter(
        m.stage
        for s in sessions
        for m in world.merchants
        if m.merchant_id == s.merchant_id and m.leap_day is None
    )
    rate = {st: sessions_of[st] / (per_stage[st] * BIG.days) for st in per_stage}
    assert rate["新店破0"] < rate["爬坡"] < rate["KA"], rate
    for stage, r in rate.items():
        assert abs(r - cal.STAGES[stage].sessions_per_day) < 0.15, (stage, r)


def test_a_later_start_date_moves_every_session():
    a = build_world(WorldSpec(providers=1, merchants=5, days=2, seed=1, talents=0))
    later = WorldSpec(
        providers=1, merchants=5, days=2, seed=1, talents=0, start=DEFAULT_START + timedelta(days=3)
    )
    b = build_world(later)
    first, second = list(schedule(a)), list(schedule(b))
    assert [s.room.start_ms + 3 * 86_400_000 for s in first] == [s.room.start_ms for s in second]


def test_single_room_is_deterministic_and_sized_by_stage():
    assert single_room(4, 30, "KA", "美妆") == single_room(4, 30, "KA", "美妆")
    rooms = [single_room(4, 30, stage, "美妆") for stage in STAGES]
    rec = [r.recommend_per_min for r in rooms]
    assert rec == sorted(rec) and len(set(rec)) == 4
    for stage, room in zip(STAGES, rooms, strict=True):
        lo, hi = cal.STAGES[stage].followers
        assert lo <= room.followers <= hi
        assert room.minutes == 30 and room.category == "美妆"
    assert single_room(4, 30, "KA", "美妆", session_id="x", start_ms=5).session_id == "x"
    assert single_room(4, 30, "KA", "美妆", start_ms=5).start_ms == 5
