"""A live room, viewer by viewer.

One session is simulated in two steps, both vectorised with numpy:

1. **Minutes.** For every minute: the product being explained (讲解), the markers in force
   (coupon, lucky bag, red packet, flash sale, violation), the ad spend, and the impressions of
   every traffic source. The recommendation feed reacts to the room: its impressions follow a
   quality score that rises with the minute's expected conversion and retention and decays
   back (the feed "tests" a room and pushes more traffic to rooms that convert).
2. **Viewers.** Impressions become entries with a per-source probability; each entry is a visit
   whose length is drawn from a log-normal survival curve (followers stay longer, lucky bags
   hold viewers); some viewers come back. Each visit then produces likes, comments, shares,
   follows, fans-club joins, product impressions and clicks (the explained product gets most),
   orders created and paid or abandoned, and refunds hours to days later.

Everything depends only on the `Room` and the random generator: same seed, same events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from caopan.domain.events import EVENT_TYPES, MARKER_KINDS
from caopan.sim import calibration as cal

MS_MIN: Final = 60_000
TYPE: Final = {name: code for code, name in enumerate(EVENT_TYPES)}
SOURCE_CODES: Final = tuple(cal.SOURCES)
SOURCE: Final = {name: code for code, name in enumerate(SOURCE_CODES)}
AD_CHANNELS: Final = ("jinniu", "fentiao")
"""Ad products, by the code an `ad_spend` event carries in its `kind` slot while simulated."""
KIND: Final = {name: code for code, name in enumerate(MARKER_KINDS)}
ROLES: Final = ("引流款", "爆款", "利润款")
ROLE_CLICK: Final = np.array([1.25, 1.1, 0.85])
ROLE_BUY: Final = np.array([1.4, 1.1, 0.8])
ROLE_WEIGHT: Final = np.array([1.0, 1.6, 0.7])


@dataclass(frozen=True, slots=True)
class Product:
    """A product on the room's shelf."""

    product_id: str
    price_fen: int
    role: int  # index into ROLES
    merchant_id: str = ""


@dataclass(frozen=True, slots=True)
class Room:
    """Everything that shapes one session."""

    session_id: str
    start_ms: int
    minutes: int
    category: str
    followers: int
    recommend_per_min: float
    quality: float
    """0..1: the merchant's stage craft, the anchor and the provider's skill together."""
    products: tuple[Product, ...]
    ad_budget_fen: int = 0
    audience_base: int = 0
    """Viewers of this account are users `audience_base + k`; followers come first."""
    audience_size: int = 0
    refund_quality: float = 0.5
    """0..1: how well the provider serves after the sale (lower refunds)."""


@dataclass(slots=True)
class Events:
    """A session's events as parallel arrays of codes (see `caopan.sim.frames`)."""

    ts: np.ndarray
    type: np.ndarray
    user: np.ndarray
    source: np.ndarray
    follower: np.ndarray
    product: np.ndarray
    order: np.ndarray
    quantity: np.ndarray
    amount: np.ndarray
    kind: np.ndarray
    text: np.ndarray
    texts: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.ts)


class _Collector:
    """Gathers event columns piece by piece, filling the fields a piece does not have."""

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, ts: np.ndarray, type_name: str, **columns: np.ndarray | int) -> None:
        n = len(ts)
        if n == 0:
            return
        part: dict[str, np.ndarray] = {
            "ts": np.asarray(ts, np.int64),
            "type": np.full(n, TYPE[type_name], np.int8),
        }
        for name, value in columns.items():
            part[name] = np.broadcast_to(np.asarray(value), (n,))
        self.parts.append(part)

    def events(self, texts: tuple[str, ...]) -> Events:
        defaults = {
            "user": (-1, np.int64),
            "source": (-1, np.int8),
            "follower": (-1, np.int8),
            "product": (-1, np.int32),
            "order": (-1, np.int64),
            "quantity": (0, np.int32),
            "amount": (-1, np.int64),
            "kind": (-1, np.int8),
            "text": (-1, np.int16),
        }
        ts = np.concatenate([p["ts"] for p in self.parts])
        kinds = np.concatenate([p["type"] for p in self.parts])
        columns = {}
        for name, (fill, dtype) in defaults.items():
            columns[name] = np.concatenate(
                [
                    p[name].astype(dtype) if name in p else np.full(len(p["ts"]), fill, dtype)
                    for p in self.parts
                ]
            )
        order = np.lexsort((kinds, ts))
        return Events(
            ts=ts[order],
            type=kinds[order],
            texts=texts,
            **{name: column[order] for name, column in columns.items()},
        )


@dataclass(slots=True)
class _Minutes:
    """Per-minute state of the room."""

    explain: np.ndarray  # product index explained at the start of each minute, -1 none
    convert: np.ndarray  # conversion multiplier (coupons, flash sales)
    stay: np.ndarray  # retention multiplier (lucky bags, red packets)
    traffic: np.ndarray  # traffic multiplier (violations)
    discount: np.ndarray  # price discount in force
    spend: np.ndarray  # ad spend in fen on 磁力金牛 (jinniu)
    fentiao: np.ndarray  # ad spend in fen on 粉条 (fentiao)


def simulate(room: Room, rng: np.random.Generator) -> Events:
    """All events of one session, sorted by time."""
    out = _Collector()
    end = room.start_ms + room.minutes * MS_MIN
    texts = cal.CATEGORIES.get(room.category, cal.CATEGORIES["其他"]).comments
    minutes = _plan(room, rng, out, end, texts)
    visits = _traffic(room, rng, out, minutes, end)
    _engagement(room, rng, out, visits, minutes, texts)
    _funnel(room, rng, out, visits, minutes, end)
    out.add(np.array([room.start_ms]), "live_start")
    out.add(np.array([end]), "live_end")
    return out.events(texts)


# -- step 1: the minutes ----------------------------------------------------------------


def _plan(
    room: Room,
    rng: np.random.Generator,
    out: _Collector,
    end: int,
    texts: tuple[str, ...],
) -> _Minutes:
    m = room.minutes
    explain = np.full(m, -1, np.int32)
    convert = np.ones(m)
    stay = np.ones(m)
    traffic = np.ones(m)
    discount = np.zeros(m)
    n_products = len(room.products)
    roles = np.array([p.role for p in room.products])
    order = _explain_order(roles, rng)
    t, k = int(rng.integers(1, 4)), 0
    previous_end = room.start_ms
    while t < m - 1 and n_products:
        length = int(rng.integers(3, 10))
        product = int(order[k % len(order)])
        stop = min(t + length, m - 1)
        explain[t:stop] = product
        start_ms = max(room.start_ms + t * MS_MIN + int(rng.integers(0, 20_000)), previous_end + 1)
        stop_ms = max(room.start_ms + stop * MS_MIN + int(rng.integers(0, 20_000)), start_ms + 1)
        previous_end = min(stop_ms, end - 1)
        out.add(np.array([start_ms]), "explain_start", product=product)
        out.add(np.array([previous_end]), "explain_end", product=product)
        t, k = stop + int(rng.integers(0, 2)), k + 1
    for minute in range(int(rng.integers(3, 9)), m, int(rng.integers(35, 60))):
        convert[minute : minute + 12] *= 1.25
        discount[minute : minute + 12] = np.maximum(discount[minute : minute + 12], 0.08)
        _marker(out, room, minute, rng, "coupon", "满199减20")
    for minute in range(int(rng.integers(10, 20)), m - 5, int(rng.integers(15, 26))):
        stay[minute : minute + 5] *= 1.6
        _marker(out, room, minute, rng, "lucky_bag", "福袋: 关注主播参与")
    for _ in range(int(rng.integers(0, 3))):
        minute = int(rng.integers(0, m))
        stay[minute : minute + 3] *= 1.3
        _marker(out, room, minute, rng, "red_packet", "红包雨")
    traffic_products = np.flatnonzero(roles == 0)
    for _ in range(int(rng.integers(1, 4)) if len(traffic_products) else 0):
        minute = int(rng.integers(0, max(m - 2, 1)))
        convert[minute : minute + 2] *= 1.8
        discount[minute : minute + 2] = 0.3
        explain[minute : minute + 2] = int(rng.choice(traffic_products))
        _marker(out, room, minute, rng, "flash_sale", "限时秒杀")
    if rng.random() < 0.04:
        minute = int(rng.integers(0, m))
        traffic[minute : minute + 10] *= 0.4
        _marker(out, room, minute, rng, "violation", "违规提醒: 夸大宣传")
    spend = _spend(room, rng)
    # Some operators put part of the budget on 粉条 (fentiao), cheaper reach with weaker intent.
    share = float(rng.uniform(*cal.FENTIAO_SHARE)) if rng.random() < cal.FENTIAO_USERS else 0.0
    fentiao = np.floor(spend * share).astype(np.int64)
    spend = spend - fentiao
    minute_ends = room.start_ms + (np.arange(m) + 1) * MS_MIN - 1
    for channel, amounts in enumerate((spend, fentiao)):
        paying = amounts > 0
        out.add(minute_ends[paying], "ad_spend", amount=amounts[paying], kind=channel)
    return _Minutes(explain, convert, stay, traffic, discount, spend, fentiao)


def _explain_order(roles: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Traffic drivers first, then heroes and profit items interleaved (the 排品 of a script)."""
    by_role = [rng.permutation(np.flatnonzero(roles == r)) for r in range(3)]
    seq: list[int] = list(by_role[0][:1])
    heroes, profits = list(by_role[1]), list(by_role[2])
    while heroes or profits:
        if heroes:
            seq.append(int(heroes.pop()))
        if profits:
            seq.append(int(profits.pop()))
    seq.extend(int(x) for x in by_role[0][1:])
    return np.array(seq or [0])


def _marker(
    out: _Collector, room: Room, minute: int, rng: np.random.Generator, kind: str, text: str
) -> None:
    ts = room.start_ms + minute * MS_MIN + int(rng.integers(0, 30_000))
    out.add(np.array([ts]), "marker", kind=KIND[kind], text=_MARKER_TEXT[text])


_MARKER_TEXTS: Final = (
    "满199减20",
    "福袋: 关注主播参与",
    "红包雨",
    "限时秒杀",
    "违规提醒: 夸大宣传",
)
_MARKER_TEXT: Final = {text: -2 - i for i, text in enumerate(_MARKER_TEXTS)}
"""Marker texts are coded below zero so they share the `text` column with comments."""


def marker_text(code: int) -> str:
    return _MARKER_TEXTS[-2 - code]


def _spend(room: Room, rng: np.random.Generator) -> np.ndarray:
    """Ad spend per minute in fen: the budget paced with noise, summing to the budget."""
    if room.ad_budget_fen <= 0:
        return np.zeros(room.minutes, np.int64)
    weights = rng.gamma(4.0, 1.0, room.minutes)
    weights[: min(5, room.minutes)] *= 1.5  # operators push hardest at the opening
    exact = room.ad_budget_fen * weights / weights.sum()
    spend = np.floor(exact).astype(np.int64)
    short = room.ad_budget_fen - int(spend.sum())
    spend[np.argsort(spend - exact)[:short]] += 1
    return np.asarray(spend, np.int64)


# -- step 2: traffic and visits ---------------------------------------------------------


@dataclass(slots=True)
class _Visits:
    user: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    source: np.ndarray
    follower: np.ndarray


def _impressions(room: Room, minutes: _Minutes, rng: np.random.Generator) -> np.ndarray:
    """Expected impressions per minute and source (minutes × sources)."""
    m = room.minutes
    grid = np.arange(m)
    ramp = 1.0 - np.exp(-(grid + 1) / 6.0)
    expected_conv = minutes.convert * (0.6 + 0.8 * room.quality)
    quality = np.empty(m)
    q = 0.8 + 0.4 * room.quality
    for i in range(m):  # the feed's response to the room: a short memory of how it converts
        q = 0.8 * q + 0.2 * (0.5 * expected_conv[i] + 0.5 * minutes.stay[i]) * (
            0.7 + 0.6 * room.quality
        )
        quality[i] = q
    noise = rng.lognormal(0.0, 0.18, m)
    rec = room.recommend_per_min * ramp * quality * noise * minutes.traffic
    lam = np.zeros((m, len(SOURCE_CODES)))
    lam[:, SOURCE["recommend"]] = rec
    lam[:, SOURCE["live_square"]] = 0.05 * rec
    lam[:, SOURCE["nearby"]] = 0.02 * rec
    lam[:, SOURCE["short_video"]] = 0.07 * rec
    lam[:, SOURCE["search"]] = 0.03 * room.recommend_per_min * minutes.traffic
    notify = room.followers * cal.NOTIFY_RATE
    lam[:, SOURCE["follow"]] = notify * (np.exp(-grid / 10.0) / 10.0 + 0.4 / max(m, 1))
    lam[:, SOURCE["profile"]] = 0.1 * notify / max(m, 1) + 0.01 * rec
    lam[1:, SOURCE["private_share"]] = 0.02 * rec[:-1] * (0.5 + room.quality)
    cpm_fen = rng.uniform(*cal.CPM_YUAN) * 100
    lam[:, SOURCE["paid_jinniu"]] = minutes.spend / cpm_fen * 1000.0 * minutes.traffic
    if minutes.fentiao.any():
        fentiao_cpm_fen = rng.uniform(*cal.FENTIAO_CPM_YUAN) * 100
        lam[:, SOURCE["paid_fentiao"]] = (
            minutes.fentiao / fentiao_cpm_fen * 1000.0 * minutes.traffic
        )
    return lam


def _traffic(
    room: Room, rng: np.random.Generator, out: _Collector, minutes: _Minutes, end: int
) -> _Visits:
    lam = _impressions(room, minutes, rng)
    counts = rng.poisson(lam)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    minute, source = np.divmod(cell, len(SOURCE_CODES))
    n = len(cell)
    ts = room.start_ms + minute * MS_MIN + rng.integers(0, MS_MIN, n)
    private = np.isin(source, [SOURCE["follow"], SOURCE["profile"]])
    user = _viewers(room, rng, n, private)
    is_follower = user < room.audience_base + room.followers
    entry_rate = np.array([cal.SOURCES[s].entry_rate for s in SOURCE_CODES])[source]
    attract = (0.7 + 0.6 * room.quality) * np.where(minutes.stay[minute] > 1.0, 1.2, 1.0)
    enters = rng.random(n) < np.minimum(entry_rate * attract, 0.95)
    out.add(ts, "impression", user=user, source=source)
    shunned = ~enters & (rng.random(n) < 0.004 * (1.6 - room.quality))
    out.add(
        ts[shunned] + rng.integers(500, 3_000, int(shunned.sum())),
        "negative_feedback",
        user=user[shunned],
    )
    start = ts[enters] + rng.integers(500, 5_000, int(enters.sum()))
    visits = _Visits(user[enters], start, start, source[enters], is_follower[enters])
    visits = _stays(room, rng, visits, minutes, end)
    visits = _one_visit_at_a_time(visits)
    keep = visits.start < end
    visits = _Visits(
        *(a[keep] for a in (visits.user, visits.start, visits.stop, visits.source, visits.follower))
    )
    out.add(
        visits.start,
        "enter",
        user=visits.user,
        source=visits.source,
        follower=visits.follower.astype(np.int8),
    )
    left = visits.stop < end
    out.add(visits.stop[left], "leave", user=visits.user[left])
    visits.stop = np.minimum(visits.stop, end)
    return visits


def _one_visit_at_a_time(v: _Visits) -> _Visits:
    """Drop visits that start while the same viewer is still in the room from an earlier one
    (one person is in a room once; the feed may show the room to someone already inside)."""
    order = np.lexsort((v.start, v.user))
    user, start, stop = v.user[order], v.start[order], v.stop[order]
    keep = np.ones(len(order), bool)
    while True:
        idx = np.flatnonzero(keep)
        same = user[idx[1:]] == user[idx[:-1]]
        overlap = same & (start[idx[1:]] <= stop[idx[:-1]])
        if not overlap.any():
            break
        # only the first overlap of each run is certain; drop those and look again
        first = overlap & ~np.concatenate(([False], overlap[:-1]))
        keep[idx[1:][first]] = False
    chosen = np.sort(order[keep])
    return _Visits(
        v.user[chosen], v.start[chosen], v.stop[chosen], v.source[chosen], v.follower[chosen]
    )


def _viewers(room: Room, rng: np.random.Generator, n: int, private: np.ndarray) -> np.ndarray:
    """User ids: followers for private sources, else the account's wider audience (skewed, so
    some viewers come back day after day)."""
    pool = max(room.audience_size, 1)
    wide = room.audience_base + room.followers + (pool * rng.random(n) ** 2).astype(np.int64)
    own = room.audience_base + (max(room.followers, 1) * rng.random(n) ** 1.5).astype(np.int64)
    share = min(cal.FEED_FOLLOWER_SHARE_MAX, room.followers / (room.followers + pool))
    from_followers = private | (rng.random(n) < share)
    return np.where(from_followers, own, wide)


def _dwell(
    room: Room, rng: np.random.Generator, source: np.ndarray, follower: np.ndarray, stay: np.ndarray
) -> np.ndarray:
    median = np.array([cal.SOURCES[s].dwell_median_s for s in SOURCE_CODES])[source]
    median = median * np.where(follower, cal.FOLLOWER_DWELL_FACTOR, 1.0) * stay
    median = median * (0.75 + 0.5 * room.quality)
    seconds = rng.lognormal(np.log(median), cal.DWELL_SIGMA)
    return np.asarray((seconds * 1000).astype(np.int64) + 1_000, np.int64)


def _stays(
    room: Room, rng: np.random.Generator, v: _Visits, minutes: _Minutes, end: int
) -> _Visits:
    """Visit lengths, and second visits by some of the viewers."""
    minute_of = np.clip((v.start - room.start_ms) // MS_MIN, 0, room.minutes - 1)
    v.stop = v.start + _dwell(room, rng, v.source, v.follower, minutes.stay[minute_of])
    again = (rng.random(len(v.start)) < cal.RE_ENTRY_RATE) & (v.stop < end)
    back = v.stop[again] + rng.exponential(240_000, int(again.sum())).astype(np.int64) + 2_000
    source = np.where(v.follower[again], SOURCE["follow"], v.source[again])
    minute_back = np.clip((back - room.start_ms) // MS_MIN, 0, room.minutes - 1)
    stop = back + _dwell(room, rng, source, v.follower[again], minutes.stay[minute_back])
    return _Visits(
        np.concatenate([v.user, v.user[again]]),
        np.concatenate([v.start, back]),
        np.concatenate([v.stop, stop]),
        np.concatenate([v.source, source]),
        np.concatenate([v.follower, v.follower[again]]),
    )


# -- engagement --------------------------------------------------------------------------


def _uniform_in(v: _Visits, index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    span = np.maximum(v.stop[index] - v.start[index], 1)
    return np.asarray(v.start[index] + (rng.random(len(index)) * span).astype(np.int64), np.int64)


def _engagement(
    room: Room,
    rng: np.random.Generator,
    out: _Collector,
    v: _Visits,
    minutes: _Minutes,
    texts: tuple[str, ...],
) -> None:
    dwell_min = (v.stop - v.start) / MS_MIN
    q = room.quality
    likes = rng.poisson(np.minimum(dwell_min, 30) * 0.9 * (0.5 + q))
    who = np.repeat(np.arange(len(dwell_min)), likes)
    out.add(_uniform_in(v, who, rng), "like", user=v.user[who])
    comments = rng.poisson(np.minimum(dwell_min, 30) * 0.1 * (0.6 + q))
    who = np.repeat(np.arange(len(dwell_min)), comments)
    out.add(
        _uniform_in(v, who, rng),
        "comment",
        user=v.user[who],
        text=rng.integers(0, len(texts), len(who)),
    )
    sharing = np.flatnonzero(rng.random(len(dwell_min)) < 0.012 * (0.6 + q))
    out.add(_uniform_in(v, sharing, rng), "share", user=v.user[sharing])
    p_follow = 0.02 * (0.5 + q) * np.minimum(1.0, dwell_min / 2.0)
    follows = np.flatnonzero(~v.follower & (rng.random(len(dwell_min)) < p_follow))
    out.add(_uniform_in(v, follows, rng), "follow", user=v.user[follows])
    joins = np.flatnonzero(v.follower & (rng.random(len(dwell_min)) < 0.025 * q))
    out.add(_uniform_in(v, joins, rng), "fans_club_join", user=v.user[joins])


# -- goods, orders, refunds --------------------------------------------------------------


def _funnel(
    room: Room, rng: np.random.Generator, out: _Collector, v: _Visits, minutes: _Minutes, end: int
) -> None:
    if not room.products:
        return
    q = room.quality
    prices = np.array([p.price_fen for p in room.products], np.int64)
    roles = np.array([p.role for p in room.products])
    dwell_min = (v.stop - v.start) / MS_MIN
    shown = rng.poisson(0.45 + 0.55 * np.minimum(dwell_min, 8))
    who = np.repeat(np.arange(len(dwell_min)), np.minimum(shown, 6))
    ts = _uniform_in(v, who, rng)
    minute = np.clip((ts - room.start_ms) // MS_MIN, 0, room.minutes - 1)
    explained = minutes.explain[minute]
    weights = ROLE_WEIGHT[roles] / ROLE_WEIGHT[roles].sum()
    other = rng.choice(len(prices), len(who), p=weights)
    product = np.where((explained >= 0) & (rng.random(len(who)) < 0.65), explained, other)
    out.add(ts, "product_impression", user=v.user[who], product=product)

    median_price = float(np.median(prices))
    price_factor = (median_price / prices[product]) ** 0.3
    is_explained = product == explained
    p_click = 0.085 * np.where(is_explained, 2.0, 1.0) * (0.6 + 0.8 * q) * price_factor
    p_click = p_click * ROLE_CLICK[roles[product]]
    clicked = rng.random(len(who)) < np.minimum(p_click, 0.9)
    c_ts = ts[clicked] + rng.integers(1_000, 8_000, int(clicked.sum()))
    c_user, c_product = v.user[who][clicked], product[clicked]
    out.add(c_ts, "product_click", user=c_user, product=c_product)

    profile = cal.CATEGORIES.get(room.category, cal.CATEGORIES["其他"])
    c_minute = np.clip((c_ts - room.start_ms) // MS_MIN, 0, room.minutes - 1)
    p_buy = profile.click_to_pay * minutes.convert[c_minute] * (0.55 + 0.9 * q)
    p_buy = p_buy * ROLE_BUY[roles[c_product]]
    buys = rng.random(len(c_ts)) < np.minimum(p_buy, 0.9)
    o_ts = c_ts[buys] + rng.integers(8_000, 60_000, int(buys.sum()))
    o_user, o_product = c_user[buys], c_product[buys]
    n = len(o_ts)
    order = np.arange(n, dtype=np.int64)
    quantity = 1 + rng.geometric(0.78, n) - 1
    quantity = np.minimum(quantity, 5).astype(np.int32)
    discount = minutes.discount[np.clip((o_ts - room.start_ms) // MS_MIN, 0, room.minutes - 1)]
    amount = np.floor(prices[o_product] * quantity * (1.0 - discount)).astype(np.int64)
    out.add(
        o_ts,
        "order_created",
        user=o_user,
        product=o_product,
        order=order,
        quantity=quantity,
        amount=amount,
    )
    paid = rng.random(n) < cal.PAID_ORDER_RATE
    p_ts = o_ts[paid] + rng.lognormal(np.log(25_000), 0.6, int(paid.sum())).astype(np.int64)
    out.add(
        p_ts,
        "order_paid",
        user=o_user[paid],
        product=o_product[paid],
        order=order[paid],
        quantity=quantity[paid],
        amount=amount[paid],
    )

    rate = profile.refund_rate * (1.3 - 0.6 * room.refund_quality)
    refunded = rng.random(len(p_ts)) < rate
    median_h, sigma = cal.REFUND_DELAY_HOURS
    delay_h = rng.lognormal(np.log(median_h), sigma, int(refunded.sum()))
    r_ts = p_ts[refunded] + (delay_h * 3_600_000).astype(np.int64)
    full = rng.random(len(r_ts)) < 0.78
    paid_amount = amount[paid][refunded]
    part = np.floor(paid_amount * rng.uniform(0.3, 0.7, len(r_ts))).astype(np.int64)
    out.add(
        r_ts,
        "refund",
        user=o_user[paid][refunded],
        product=o_product[paid][refunded],
        order=order[paid][refunded],
        amount=np.where(full, paid_amount, part),
    )
