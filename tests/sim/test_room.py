"""One simulated live room: its events keep the contract, and cause comes before effect."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from simkit import (
    PAID_SOURCES,
    explain_intervals,
    live_end,
    metrics,
    ndjson_bytes,
    of_type,
    run,
    session,
    table_of,
    visits,
    with_room,
)

from caopan.domain.errors import InvalidInput
from caopan.domain.events import EVENT_TYPES, MARKER_KINDS, VIEWER_TYPES, required_fields
from caopan.ingest.ndjson import parse_bytes
from caopan.sim import calibration as cal
from caopan.sim.room import AD_CHANNELS, SOURCE, SOURCE_CODES
from caopan.sim.world import single_room

# (stage, category, minutes, seed): all four stages, several categories; short where big.
CASES = [
    ("新店破0", "服饰", 60, 3),
    ("新店破0", "3C", 45, 11),
    ("爬坡", "食品", 30, 3),
    ("爬坡", "珠宝玉石", 40, 4),
    ("KA", "美妆", 8, 3),
    ("KA", "母婴", 12, 6),
    ("SKA", "珠宝玉石", 2, 3),
    ("SKA", "鞋靴箱包", 3, 8),
]
IDS = [f"{s}-{c}-{m}min-seed{seed}" for s, c, m, seed in CASES]


@pytest.fixture(scope="module")
def tables() -> dict[tuple[str, str, int, int], pa.Table]:
    out = {}
    for stage, category, minutes, seed in CASES:
        room, events = session(seed, minutes, stage, category)
        out[(stage, category, minutes, seed)] = table_of(room, events)
    return out


@pytest.fixture(params=CASES, ids=IDS)
def rows(request: pytest.FixtureRequest, tables: dict) -> list[dict]:
    return tables[request.param].to_pylist()


@pytest.fixture(params=CASES, ids=IDS)
def table(request: pytest.FixtureRequest, tables: dict) -> pa.Table:
    return tables[request.param]


# -- the contract ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_event_passes_the_validating_reader(case: tuple, tables: dict, tmp_path: Path):
    table = tables[case]
    data = ndjson_bytes(table, tmp_path)
    parsed = parse_bytes(data)
    assert parsed.rejections == []
    assert parsed.rows.num_rows == table.num_rows == data.count(b"\n")
    # what the reader typed is what was written (nothing coerced, nothing lost)
    for name in ("event_id", "ts", "type", "user_id", "order_id", "amount_fen", "quantity"):
        assert parsed.rows.column(name).to_pylist() == table.column(name).to_pylist(), name


def test_rows_carry_the_fields_their_type_requires(rows: list[dict]):
    for row in rows:
        present = {k for k, v in row.items() if v is not None and k not in ("extra",)}
        missing = required_fields(row["type"]) - present
        assert not missing, (row, missing)
        assert row["type"] in EVENT_TYPES
        if row["type"] in ("impression", "enter"):
            assert row["source"] in SOURCE_CODES
        else:
            assert row["source"] is None, row
        if row["type"] == "enter":
            assert isinstance(row["is_follower"], bool)
        if row["type"] in VIEWER_TYPES:
            assert row["user_id"].startswith("u"), row
        elif row["type"] != "refund":
            assert row["user_id"] is None, row
        if row["type"] == "marker":
            assert row["kind"] in MARKER_KINDS and row["text"], row
        if row["type"] == "ad_spend":
            assert row["channel"] in ("jinniu", "fentiao") and row["amount_fen"] > 0
            assert row["kind"] is None, row
        if row["amount_fen"] is not None:
            assert row["amount_fen"] >= 0
        if row["quantity"] is not None:
            assert 1 <= row["quantity"] <= 5


def test_event_ids_are_unique_and_sorted_with_time(table: pa.Table):
    ids = table.column("event_id").to_pylist()
    assert len(set(ids)) == len(ids)
    ts = table.column("ts").to_numpy()
    assert np.all(np.diff(ts) >= 0), "events are sorted by ts"
    # event ids increase with the rows, so (ts, event_id) order is the row order (rule 4)
    assert ids == sorted(ids)
    sessions = pc.unique(table.column("session_id")).to_pylist()
    assert len(sessions) == 1 and all(i.startswith(f"{sessions[0]}-") for i in ids)


def test_one_live_start_first_and_one_live_end_last(table: pa.Table):
    types = table.column("type").to_pylist()
    ts = table.column("ts").to_numpy()
    assert types.count("live_start") == 1 and types.count("live_end") == 1
    assert types[0] == "live_start" and ts[0] == ts.min()
    end = ts[types.index("live_end")]
    # nothing of the show itself happens after live_end: only late trade (rule 7) and the
    # seconds-late reactions to a card or an impression of the last minute
    late = {t for t, x in zip(types, ts, strict=True) if x > end}
    reactions = {"refund", "order_paid", "order_created", "product_click", "negative_feedback"}
    assert late <= reactions, late
    last = ts[[t in ("product_click", "negative_feedback") for t in types]]
    assert np.all(last <= end + 70_000), "reactions come within seconds"
    before_end = [t for t, x in zip(types, ts, strict=True) if x <= end]
    assert before_end[-1] == "live_end"


def test_session_length_matches_the_room():
    room, events = session(3, 60, "新店破0", "服饰")
    assert live_end(events) - room.start_ms == 60 * 60_000
    assert events.ts[of_type(events, "live_start")][0] == room.start_ms


def test_every_leave_follows_an_enter_of_the_same_user(rows: list[dict]):
    entered: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for row in rows:
        if row["type"] == "enter":
            entered[row["user_id"]] += 1
        elif row["type"] == "leave":
            left[row["user_id"]] += 1
            assert left[row["user_id"]] <= entered[row["user_id"]], row
    assert sum(left.values()) > 0


def test_viewer_actions_come_from_viewers_who_had_an_impression(rows: list[dict]):
    seen: set[str] = set()
    for row in rows:
        if row["type"] == "impression":
            seen.add(row["user_id"])
        elif row["type"] == "enter":
            assert row["user_id"] in seen, row


def test_every_payment_matches_an_earlier_order(rows: list[dict]):
    created = {r["order_id"]: r for r in rows if r["type"] == "order_created"}
    paid = [r for r in rows if r["type"] == "order_paid"]
    assert len({r["order_id"] for r in paid}) == len(paid), "one payment per order"
    for p in paid:
        c = created[p["order_id"]]
        assert c["ts"] < p["ts"]
        for name in ("amount_fen", "quantity", "user_id", "product_id"):
            assert c[name] == p[name], (name, c, p)
    # some orders are abandoned (压单), most are paid
    assert len(paid) <= len(created)


def test_refunds_follow_payment_and_never_exceed_it(rows: list[dict]):
    paid = {r["order_id"]: r for r in rows if r["type"] == "order_paid"}
    refunded: defaultdict[str, int] = defaultdict(int)
    for r in rows:
        if r["type"] != "refund":
            continue
        p = paid[r["order_id"]]
        assert r["ts"] > p["ts"], r
        assert r["user_id"] == p["user_id"] and r["product_id"] == p["product_id"]
        assert r["amount_fen"] > 0
        refunded[r["order_id"]] += r["amount_fen"]
    for order_id, total in refunded.items():
        assert total <= paid[order_id]["amount_fen"], order_id


def test_order_amounts_are_price_times_quantity_at_most():
    room, events = session(3, 30, "爬坡", "食品")
    price = {i: p.price_fen for i, p in enumerate(room.products)}
    created = of_type(events, "order_created")
    for product, quantity, amount in zip(
        events.product[created], events.quantity[created], events.amount[created], strict=True
    ):
        full = price[int(product)] * int(quantity)
        assert 0.69 * full <= amount <= full  # a discount of at most 30 % (flash sale)


def test_explanations_pair_start_and_end_per_product(rows: list[dict]):
    open_: dict[str, int] = {}
    pairs = 0
    for row in rows:
        if row["type"] == "explain_start":
            assert row["product_id"] not in open_, row
            open_[row["product_id"]] = row["ts"]
        elif row["type"] == "explain_end":
            assert open_.pop(row["product_id"]) < row["ts"], row
            pairs += 1
    assert not open_
    assert pairs == sum(1 for r in rows if r["type"] == "explain_start")
    shelf = {r["product_id"] for r in rows if r["type"] == "product_impression"}
    explained = {r["product_id"] for r in rows if r["type"].startswith("explain_")}
    assert explained <= shelf


def test_explanations_exist_in_a_long_session():
    _, events = session(3, 60, "新店破0", "服饰")
    assert len(explain_intervals(events)) >= 5


def test_the_anchor_explains_one_product_at_a_time():
    overlaps = 0
    for seed in range(1, 4):
        _, events = session(seed, 120, "新店破0", "服饰")
        spans = sorted(explain_intervals(events), key=lambda s: s[1])
        overlaps += sum(1 for a, b in itertools.pairwise(spans) if b[1] < a[2])
    assert overlaps == 0


def test_every_event_type_and_source_occurs_somewhere(tables: dict):
    types = set()
    sources = set()
    kinds = set()
    for t in tables.values():
        types |= set(pc.unique(t.column("type")).to_pylist())
        sources |= set(pc.unique(t.column("source")).drop_null().to_pylist())
        kinds |= set(pc.unique(t.column("kind")).drop_null().to_pylist())
    _, long_events = session(3, 120, "爬坡", "服饰")
    long_table = table_of(single_room(3, 120, "爬坡", "服饰"), long_events)
    types |= set(pc.unique(long_table.column("type")).to_pylist())
    kinds |= set(pc.unique(long_table.column("kind")).drop_null().to_pylist())
    assert types == set(EVENT_TYPES)
    # the trade checks above are not vacuous: most cases have payments and refunds
    with_refunds = [
        t for t in tables.values() if pc.sum(pc.equal(t.column("type"), "refund")).as_py()
    ]
    assert len(with_refunds) >= len(CASES) // 2
    assert {"coupon", "lucky_bag", "flash_sale"} <= kinds
    assert {"recommend", "follow", "search", "paid_jinniu"} <= sources


@pytest.mark.parametrize("minutes", [1, 2, 3])
def test_very_short_sessions_are_still_valid(minutes: int, tmp_path: Path):
    room = single_room(5, minutes, "爬坡", "家居")
    events = run(room, 5)
    table = table_of(room, events)
    parsed = parse_bytes(ndjson_bytes(table, tmp_path))
    assert parsed.rejections == [] and parsed.rows.num_rows == table.num_rows
    assert live_end(events) - room.start_ms == minutes * 60_000


def test_single_room_refuses_impossible_parameters():
    with pytest.raises(InvalidInput, match="--minutes"):
        single_room(1, 0, "KA", "服饰")
    with pytest.raises(InvalidInput, match="--stage"):
        single_room(1, 10, "XL", "服饰")
    with pytest.raises(InvalidInput, match="--category"):
        single_room(1, 10, "KA", "玩具")


# -- determinism -------------------------------------------------------------------------


def test_same_seed_same_events_and_bytes(tmp_path: Path):
    a = single_room(7, 20, "爬坡", "美妆")
    b = single_room(7, 20, "爬坡", "美妆")
    assert a == b
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = ndjson_bytes(table_of(a, run(a, 7)), tmp_path / "a")
    second = ndjson_bytes(table_of(b, run(b, 7)), tmp_path / "b")
    assert first == second


def test_another_seed_gives_another_session():
    _, a = session(3, 30, "爬坡", "食品")
    room_b = single_room(4, 30, "爬坡", "食品")
    b = run(room_b, 4)
    assert len(a) != len(b) or not np.array_equal(a.ts, b.ts)


# -- cause and effect --------------------------------------------------------------------

SEEDS = (1, 2, 3, 4)


def _click_rates(events) -> tuple[float, float]:
    """Clicks per minute on a product while it is explained, and while it is not."""
    start = int(events.ts[of_type(events, "live_start")][0])
    end = live_end(events)
    clicks = of_type(events, "product_click") & (events.ts <= end)
    spans: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    for product, a, b in explain_intervals(events):
        spans[product].append((a, b))
    inside = outside = 0
    inside_ms = outside_ms = 0
    for product, intervals in spans.items():
        ts = events.ts[clicks & (events.product == product)]
        during = np.zeros(len(ts), bool)
        length = 0
        for a, b in intervals:
            during |= (ts >= a) & (ts <= b)
            length += b - a
        inside += int(during.sum())
        outside += int((~during).sum())
        inside_ms += length
        outside_ms += (end - start) - length
    return inside / (inside_ms / 60_000), outside / (outside_ms / 60_000)


def test_an_explanation_raises_clicks_on_that_product():
    ratios = []
    for seed in SEEDS:
        _, events = session(seed, 60, "爬坡", "服饰")
        during, otherwise = _click_rates(events)
        assert during > otherwise, seed
        ratios.append(during / otherwise)
    assert np.mean(ratios) > 3.0, ratios


def test_no_ad_budget_means_no_paid_traffic_and_no_spend():
    for seed in SEEDS[:3]:
        room = single_room(seed, 30, "爬坡", "服饰")
        assert room.ad_budget_fen > 0
        with_ads = run(room, seed)
        without = with_room(room, seed, ad_budget_fen=0)
        assert of_type(without, "ad_spend").sum() == 0
        paid_source = np.isin(without.source, PAID_SOURCES)
        assert paid_source.sum() == 0
        assert (of_type(with_ads, "enter") & np.isin(with_ads.source, PAID_SOURCES)).sum() > 0


def test_ad_spend_adds_up_to_the_budget_and_is_paced_within_the_show():
    room = single_room(2, 30, "爬坡", "服饰")
    events = run(room, 2)
    spend = of_type(events, "ad_spend")
    assert int(events.amount[spend].sum()) == room.ad_budget_fen
    assert np.all(events.amount[spend] > 0)
    assert np.all((events.ts[spend] > room.start_ms) & (events.ts[spend] < live_end(events)))


def test_a_larger_budget_buys_more_paid_entries():
    small, large = [], []
    for seed in SEEDS:
        room = single_room(seed, 30, "爬坡", "服饰")
        for budget, into in ((room.ad_budget_fen, small), (room.ad_budget_fen * 4, large)):
            ev = with_room(room, seed, ad_budget_fen=budget)
            into.append(int((of_type(ev, "enter") & np.isin(ev.source, PAID_SOURCES)).sum()))
            assert int(ev.amount[of_type(ev, "ad_spend")].sum()) == budget
    assert sum(large) > 2.5 * sum(small) > 0, (small, large)


def test_some_sessions_also_buy_fentiao_and_its_spend_brings_fentiao_viewers():
    with_fentiao = 0
    for seed in range(40):
        room = single_room(seed, 20, "爬坡", "服饰")
        events = run(room, seed)
        spend = of_type(events, "ad_spend")
        fentiao = spend & (events.kind == AD_CHANNELS.index("fentiao"))
        jinniu = spend & (events.kind == AD_CHANNELS.index("jinniu"))
        assert int(events.amount[fentiao | jinniu].sum()) == room.ad_budget_fen
        viewers = of_type(events, "impression") & (events.source == SOURCE["paid_fentiao"])
        if fentiao.any():
            with_fentiao += 1
            assert events.amount[fentiao].sum() < events.amount[jinniu].sum()
            assert viewers.sum() > 0
        else:
            assert viewers.sum() == 0
    assert 5 <= with_fentiao <= 25, with_fentiao


def test_higher_quality_converts_better_and_gets_more_recommendation():
    low_w2p, high_w2p, low_rec, high_rec = [], [], [], []
    for seed in SEEDS:
        room = single_room(seed, 60, "爬坡", "食品")
        for quality, w2p, rec in ((0.15, low_w2p, low_rec), (0.85, high_w2p, high_rec)):
            ev = with_room(room, seed, quality=quality)
            w2p.append(metrics(ev).watch_to_pay)
            rec.append(int((of_type(ev, "impression") & (ev.source == SOURCE["recommend"])).sum()))
    assert np.mean(high_w2p) > 1.5 * np.mean(low_w2p), (low_w2p, high_w2p)
    assert np.mean(high_rec) > 1.2 * np.mean(low_rec), (low_rec, high_rec)
    assert sum(h > lo for h, lo in zip(high_rec, low_rec, strict=True)) == len(SEEDS)


def test_better_after_sale_service_means_fewer_refunds():
    poor = good = 0.0
    for seed in SEEDS:
        room = single_room(seed, 20, "KA", "服饰")
        poor += metrics(with_room(room, seed, refund_quality=0.0)).refund_rate
        good += metrics(with_room(room, seed, refund_quality=1.0)).refund_rate
    assert poor > 1.4 * good > 0


def test_followers_stay_longer_than_other_viewers():
    for seed in SEEDS[:3]:
        _, events = session(seed, 60, "爬坡", "服饰")
        v = visits(events)
        followers = np.median(v.length_ms[v.follower])
        others = np.median(v.length_ms[~v.follower])
        assert followers > 1.3 * others, (seed, followers, others)


def test_more_followers_bring_more_follower_entries():
    for seed in SEEDS[:2]:
        room = single_room(seed, 30, "爬坡", "服饰")
        few = with_room(room, seed, followers=room.followers // 10)
        many = with_room(room, seed, followers=room.followers * 10)

        def follow_entries(ev):
            return int((of_type(ev, "enter") & (ev.source == SOURCE["follow"])).sum())

        assert follow_entries(many) > 3 * follow_entries(few)


def test_no_products_means_no_goods_or_trade():
    room = single_room(1, 20, "爬坡", "服饰")
    ev = with_room(room, 1, products=())
    for name in ("product_impression", "product_click", "order_created", "order_paid", "refund"):
        assert of_type(ev, name).sum() == 0, name
    assert of_type(ev, "enter").sum() > 0


def test_refund_delay_is_hours_to_days():
    delays = []
    for seed in SEEDS:
        _, events = session(seed, 20, "KA", "服饰")
        paid = {
            int(o): int(t)
            for o, t in zip(
                events.order[of_type(events, "order_paid")],
                events.ts[of_type(events, "order_paid")],
                strict=True,
            )
        }
        refunds = of_type(events, "refund")
        delays += [
            (int(t) - paid[int(o)]) / 3_600_000
            for o, t in zip(events.order[refunds], events.ts[refunds], strict=True)
        ]
    assert len(delays) > 50
    assert 1.0 < float(np.median(delays)) < 72.0


def test_refund_delay_median_is_the_calibrated_one():
    delays = []
    for seed in SEEDS:
        _, events = session(seed, 20, "KA", "服饰")
        paid_ts = dict(
            zip(
                events.order[of_type(events, "order_paid")].tolist(),
                events.ts[of_type(events, "order_paid")].tolist(),
                strict=True,
            )
        )
        refunds = of_type(events, "refund")
        delays += [
            (t - paid_ts[o]) / 3_600_000
            for o, t in zip(
                events.order[refunds].tolist(), events.ts[refunds].tolist(), strict=True
            )
        ]
    median = float(np.median(delays))
    assert 0.5 * cal.REFUND_DELAY_HOURS[0] <= median <= 2 * cal.REFUND_DELAY_HOURS[0], median


def test_a_viewer_is_never_in_the_room_twice_at_once():
    _, events = session(1, 120, "爬坡", "服饰")
    assert visits(events).orphan_leaves == 0


def test_room_is_frozen_and_replace_changes_only_what_is_asked():
    room = single_room(1, 10, "新店破0", "服饰")
    other = dataclasses.replace(room, ad_budget_fen=0)
    assert other.products == room.products and other.quality == room.quality
    with pytest.raises(dataclasses.FrozenInstanceError):
        room.quality = 1.0  # type: ignore[misc]
