"""The simulated world: providers, operators, merchants, shops, anchors, talents, products,
and the schedule of live sessions over the simulated days.

A provider's hidden `skill` (0..1) shapes every room it operates and the after-sale service of
its merchants, and helps its merchants leap a stage, so provider evaluation has something real
to find. Merchants without a provider run on their own stage craft alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from caopan.domain.clock import day_start_ms
from caopan.domain.entities import PROVIDER_CATEGORIES, PROVIDER_TIERS, STAGES
from caopan.domain.errors import InvalidInput
from caopan.sim import calibration as cal
from caopan.sim.room import Product, Room

DEFAULT_START = date(2026, 9, 1)
SURNAMES = [
    "杭州",
    "广州",
    "义乌",
    "临沂",
    "常熟",
    "深圳",
    "成都",
    "武汉",
    "青岛",
    "泉州",
    "郑州",
    "南京",
]
BRANDS = [
    "星火",
    "云集",
    "优选",
    "好物",
    "源头",
    "臻品",
    "雅韵",
    "东方",
    "初心",
    "匠心",
    "鲜享",
    "乐购",
    "潮牌",
    "小满",
    "一木",
]
NICKS = [
    "小雅",
    "阿珍",
    "大鹏",
    "老铁",
    "糖糖",
    "娜娜",
    "阿杰",
    "小米",
    "芳芳",
    "辉哥",
    "琪琪",
    "乐乐",
    "晨晨",
    "一一",
    "西西",
    "木木",
]


@dataclass(frozen=True, slots=True)
class WorldSpec:
    """What to build. Invalid values are refused before anything is written."""

    providers: int = 8
    merchants: int = 40
    days: int = 14
    seed: int = 1
    start: date = DEFAULT_START
    talents: int | None = None
    """Distribution talents (达人); default a quarter of the merchants."""

    def __post_init__(self) -> None:
        for name in ("providers", "merchants", "days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput(f"--{name} must be a whole number, not {value!r}")
        if self.providers < 0 or self.merchants < 0:
            raise InvalidInput("--providers and --merchants must not be negative")
        if self.days < 1:
            raise InvalidInput(f"--days must be at least 1 (got {self.days})")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or self.seed < 0:
            raise InvalidInput(f"--seed must be a non-negative integer (got {self.seed!r})")
        if self.talents is not None and (
            isinstance(self.talents, bool) or not isinstance(self.talents, int) or self.talents < 0
        ):
            raise InvalidInput(f"--talents must be a whole number ≥ 0 (got {self.talents!r})")

    @property
    def talent_count(self) -> int:
        return self.merchants // 4 if self.talents is None else self.talents


@dataclass(slots=True)
class ProviderRow:
    provider_id: str
    name: str
    category: str
    tier: str
    skill: float
    operators: list[tuple[str, str]]


@dataclass(slots=True)
class MerchantRow:
    merchant_id: str
    name: str
    category: str
    stage: str
    provider_id: str | None
    opened_on: date
    anchor_id: str
    products: list[Product]
    leap_day: int | None
    """The day (0-based) the merchant moves up one stage, if it does."""
    growth: float
    audience_base: int = 0


@dataclass(slots=True)
class AnchorRow:
    anchor_id: str
    name: str
    kind: str  # self / talent
    merchant_id: str | None
    followers: int
    layer: str
    affinity: str  # the category its audience likes best
    provider_id: str | None = None
    audience_base: int = 0
    audience_size: int = 0
    craft: float = 0.5


@dataclass(slots=True)
class World:
    spec: WorldSpec
    providers: list[ProviderRow]
    merchants: list[MerchantRow]
    anchors: list[AnchorRow]
    skill: dict[str | None, float] = field(default_factory=dict)

    def products(self) -> Iterator[tuple[MerchantRow, Product]]:
        for m in self.merchants:
            for p in m.products:
                yield m, p


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys])
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def build_world(spec: WorldSpec) -> World:
    """Everything but the sessions, deterministic in `spec.seed`."""
    rng = np.random.default_rng([spec.seed, 0])
    providers = [_provider(i, rng) for i in range(spec.providers)]
    merchants: list[MerchantRow] = []
    anchors: list[AnchorRow] = []
    for i in range(spec.merchants):
        merchant, anchor = _merchant(i, spec, providers, rng)
        merchants.append(merchant)
        anchors.append(anchor)
    mcns = [p for p in providers if p.category == "MCN"] or providers
    for i in range(spec.talent_count):
        anchors.append(_talent(i, mcns, rng))
    base = 0
    for anchor in anchors:
        anchor.audience_base = base
        base += anchor.followers + anchor.audience_size
    skill: dict[str | None, float] = {p.provider_id: p.skill for p in providers}
    skill[None] = 0.3
    return World(spec, providers, merchants, anchors, skill)


def _provider(i: int, rng: np.random.Generator) -> ProviderRow:
    skill = float(rng.beta(2.2, 2.2))
    tier = PROVIDER_TIERS[min(int(skill * 3), 2)]
    category = PROVIDER_CATEGORIES[i % len(PROVIDER_CATEGORIES)]
    suffix = "传媒" if category == "MCN" else "电商"
    name = f"{SURNAMES[i % len(SURNAMES)]}{BRANDS[(i * 7) % len(BRANDS)]}{suffix}"
    operators = [
        (f"P{i + 1:03d}-op{k + 1}", f"{NICKS[(i + k) % len(NICKS)]}(操盘手)")
        for k in range(int(rng.integers(2, 6)))
    ]
    return ProviderRow(f"P{i + 1:03d}", name, category, tier, skill, operators)


def _merchant(
    i: int, spec: WorldSpec, providers: list[ProviderRow], rng: np.random.Generator
) -> tuple[MerchantRow, AnchorRow]:
    category = _pick(rng, cal.CATEGORY_WEIGHTS)
    stage = _pick(rng, cal.STAGE_WEIGHTS)
    rank = STAGES.index(stage)
    served = providers and rng.random() < 0.45 + 0.15 * rank
    provider = providers[int(rng.integers(0, len(providers)))] if served else None
    skill = provider.skill if provider else 0.3
    leaps = rank < len(STAGES) - 1 and rng.random() < 0.08 + 0.35 * skill * (1 - 0.25 * rank)
    leap_day = int(rng.integers(1, spec.days)) if leaps and spec.days > 1 else None
    age_days = int(rng.integers(3, 28)) if stage == "新店破0" else int(rng.integers(60, 2000))
    merchant_id = f"M{i + 1:04d}"
    scale = cal.STAGES[stage]
    profile = cal.CATEGORIES[category]
    products = []
    for k in range(int(rng.integers(*scale.products))):
        role = 0 if k < 2 else (1 if k < 6 else 2)
        factor = (0.45, 1.0, 1.35)[role]
        price = profile.price_yuan * factor * float(rng.lognormal(0.0, profile.price_spread))
        price_fen = max(int(round(price, 1) * 100), 990) - 10  # prices end in 9.90 style
        products.append(Product(f"{merchant_id}-p{k + 1:02d}", price_fen, role, merchant_id))
    name = f"{BRANDS[i % len(BRANDS)]}{category}{'旗舰店' if rank >= 2 else '小店'}{i + 1}"
    followers = int(_log_uniform(rng, *scale.followers))
    anchor = AnchorRow(
        f"A{i + 1:04d}",
        f"{name}直播间",
        "self",
        merchant_id,
        followers,
        "head" if rank == 3 else "waist" if rank == 2 else "tail" if rank == 1 else "new",
        category,
        provider.provider_id if provider else None,
        audience_size=int(scale.recommend_per_min * 600),
        craft=float(rng.uniform(0.3, 0.7)),
    )
    merchant = MerchantRow(
        merchant_id,
        name,
        category,
        stage,
        provider.provider_id if provider else None,
        spec.start - timedelta(days=age_days),
        anchor.anchor_id,
        products,
        leap_day,
        float(rng.uniform(-0.1, 0.25) + 0.3 * skill),
    )
    return merchant, anchor


def _talent(i: int, mcns: list[ProviderRow], rng: np.random.Generator) -> AnchorRow:
    layer = _pick(rng, cal.TALENT_LAYER_WEIGHTS)
    followers = int(_log_uniform(rng, *cal.TALENT_LAYERS[layer]))
    provider = mcns[int(rng.integers(0, len(mcns)))] if mcns and rng.random() < 0.6 else None
    return AnchorRow(
        f"T{i + 1:04d}",
        f"{NICKS[i % len(NICKS)]}{'的好物分享' if i % 2 else '严选'}",
        "talent",
        None,
        followers,
        layer,
        _pick(rng, cal.CATEGORY_WEIGHTS),
        provider.provider_id if provider else None,
        audience_size=int(followers * 3),
        craft=float(rng.uniform(0.3, 0.8)),
    )


@dataclass(frozen=True, slots=True)
class Session:
    """One scheduled broadcast: the room, and who it belongs to."""

    room: Room
    day: int
    merchant_id: str | None
    anchor_id: str
    provider_id: str | None
    title: str
    seed: tuple[int, int, int]


def stage_on(merchant: MerchantRow, day: int) -> str:
    """The merchant's stage on a given day of the simulation (after a leap, the next one)."""
    rank = STAGES.index(merchant.stage)
    if merchant.leap_day is not None and day >= merchant.leap_day:
        rank += 1
    return STAGES[rank]


def schedule(world: World) -> Iterator[Session]:
    """Every session of the simulated period, day by day, in start order within a day."""
    spec = world.spec
    alliance = _alliance(world)
    for day in range(spec.days):
        rng = np.random.default_rng([spec.seed, 1, day])
        today: list[Session] = []
        for index, merchant in enumerate(world.merchants):
            session = _self_session(world, merchant, index, day, rng)
            if session is not None:
                today.append(session)
        for index, anchor in enumerate(a for a in world.anchors if a.kind == "talent"):
            session = _talent_session(world, anchor, index, day, rng, alliance)
            if session is not None:
                today.append(session)
        yield from sorted(today, key=lambda s: (s.room.start_ms, s.room.session_id))


def _start_ms(spec: WorldSpec, day: int, rng: np.random.Generator) -> int:
    hour = int(rng.choice([10, 12, 14, 18, 19, 19, 20, 20, 20, 21]))
    minute = int(rng.integers(0, 4)) * 15
    midnight = day_start_ms(spec.start + timedelta(days=day))
    return midnight + (hour * 60 + minute) * 60_000


def _self_session(
    world: World, merchant: MerchantRow, index: int, day: int, rng: np.random.Generator
) -> Session | None:
    stage = stage_on(merchant, day)
    scale = cal.STAGES[stage]
    if rng.random() >= scale.sessions_per_day:
        return None
    anchor = world.anchors[index]
    skill = world.skill[merchant.provider_id]
    progress = day / max(world.spec.days - 1, 1)
    growth = 1.0 + merchant.growth * progress
    quality = float(np.clip(0.45 * scale.stage_quality + 0.4 * skill + 0.15 * anchor.craft, 0, 1))
    start = _start_ms(world.spec, day, rng)
    session_id = f"{anchor.anchor_id}-{day + 1:03d}"
    budget = int(_log_uniform(rng, max(scale.ad_budget_yuan[0], 1), scale.ad_budget_yuan[1]) * 100)
    if scale.ad_budget_yuan[0] == 0 and rng.random() < 0.5:
        budget = 0
    room = Room(
        session_id=session_id,
        start_ms=start,
        minutes=int(rng.integers(*scale.minutes)),
        category=merchant.category,
        followers=int(anchor.followers * growth),
        recommend_per_min=scale.recommend_per_min * growth * float(rng.lognormal(0, 0.25)),
        quality=quality,
        products=tuple(merchant.products),
        ad_budget_fen=budget,
        audience_base=anchor.audience_base,
        audience_size=anchor.audience_size,
        refund_quality=skill,
    )
    title = f"{merchant.name} · 自播"
    seed = (world.spec.seed, 2, day * 100_000 + index)
    return Session(
        room, day, merchant.merchant_id, anchor.anchor_id, merchant.provider_id, title, seed
    )


def _alliance(world: World) -> dict[str, list[Product]]:
    """好物联盟: by category, the products merchants offer to talents (traffic and hero items)."""
    pool: dict[str, list[Product]] = {}
    for merchant, product in world.products():
        if product.role <= 1:
            pool.setdefault(merchant.category, []).append(product)
    return pool


_TALENT_TRAFFIC = {"head": 2_400.0, "waist": 520.0, "tail": 110.0, "new": 18.0}


def _talent_session(
    world: World,
    anchor: AnchorRow,
    index: int,
    day: int,
    rng: np.random.Generator,
    alliance: dict[str, list[Product]],
) -> Session | None:
    if rng.random() >= 0.3:
        return None
    shelf = alliance.get(anchor.affinity) or [p for ps in alliance.values() for p in ps]
    if not shelf:
        return None
    picks = rng.choice(len(shelf), size=min(len(shelf), int(rng.integers(4, 12))), replace=False)
    products = tuple(shelf[int(k)] for k in sorted(picks))
    skill = world.skill[anchor.provider_id]
    quality = float(np.clip(0.5 * anchor.craft + 0.35 * skill + 0.1, 0, 1))
    session_id = f"{anchor.anchor_id}-{day + 1:03d}"
    room = Room(
        session_id=session_id,
        start_ms=_start_ms(world.spec, day, rng),
        minutes=int(rng.integers(90, 240)),
        category=anchor.affinity,
        followers=anchor.followers,
        recommend_per_min=_TALENT_TRAFFIC[anchor.layer] * float(rng.lognormal(0, 0.3)),
        quality=quality,
        products=products,
        audience_base=anchor.audience_base,
        audience_size=anchor.audience_size,
        refund_quality=skill,
    )
    seed = (world.spec.seed, 3, day * 100_000 + index)
    return Session(
        room, day, None, anchor.anchor_id, anchor.provider_id, f"{anchor.name} · 好物专场", seed
    )


def single_room(
    seed: int,
    minutes: int,
    stage: str = "KA",
    category: str = "服饰",
    session_id: str | None = None,
    start_ms: int | None = None,
    shelf: str = "M0001-p",
) -> Room:
    """One self-broadcast room of a merchant at `stage` in `category` (for `simulate session`);
    its products are `{shelf}01`, `{shelf}02`, …"""
    if minutes < 1:
        raise InvalidInput(f"--minutes must be at least 1 (got {minutes})")
    if stage not in cal.STAGES:
        raise InvalidInput(f"--stage must be one of {', '.join(cal.STAGES)} (got {stage!r})")
    if category not in cal.CATEGORIES:
        raise InvalidInput(
            f"--category must be one of {', '.join(cal.CATEGORIES)} (got {category!r})"
        )
    spec = WorldSpec(providers=1, merchants=0, days=1, seed=seed)
    rng = np.random.default_rng([seed, 9])
    provider = _provider(0, rng)
    _merchant(0, spec, [provider], rng)  # draws as the world does, so a seed's session is stable
    scale = cal.STAGES[stage]
    profile = cal.CATEGORIES[category]
    products = []
    for k in range(int(rng.integers(*scale.products))):
        role = 0 if k < 2 else (1 if k < 6 else 2)
        price = profile.price_yuan * (0.45, 1.0, 1.35)[role] * float(rng.lognormal(0, 0.4))
        products.append(Product(f"{shelf}{k + 1:02d}", max(int(price) * 100 - 10, 990), role))
    followers = int(_log_uniform(rng, *scale.followers))
    return Room(
        session_id=session_id or f"sim-{seed}",
        start_ms=start_ms if start_ms is not None else day_start_ms(DEFAULT_START) + 20 * 3_600_000,
        minutes=minutes,
        category=category,
        followers=followers,
        recommend_per_min=scale.recommend_per_min,
        quality=float(np.clip(0.45 * scale.stage_quality + 0.4 * provider.skill + 0.1, 0, 1)),
        products=tuple(products),
        ad_budget_fen=int(np.mean(scale.ad_budget_yuan) * 100 * minutes / np.mean(scale.minutes)),
        audience_size=int(scale.recommend_per_min * 600),
        refund_quality=provider.skill,
    )
