"""Findings: a tuple of pure rules from a merchant's indicator readings to findings.

Each rule looks at the readings (value, previous, change, peer percentile) and the stage and
returns findings; a finding carries its severity, a sentence in Chinese and English with the
numbers that triggered it, the evidence, and an action tagged with the method it comes from
(STEPS, STAGE, FACT or 5S; see the seed documents). Business problems are values here, never
exceptions.

>>> from caopan.domain.readings import Reading
>>> facts = Facts({"ship_48h_rate": Reading(0.9, 0.98)}, "爬坡")
>>> [(f.rule, f.severity) for f in slow_shipping(facts)]
[('slow_shipping', 'red')]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from caopan.domain.readings import Number, Reading

SEVERITIES: Final = ("red", "amber", "green")
SEVERITY_ZH: Final = {"red": "严重", "amber": "关注", "green": "良好"}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    lens: str
    severity: str
    message_zh: str
    message_en: str
    evidence: Mapping[str, Any]
    action: str
    action_en: str
    method: str
    weight: int = 1
    """How much acting on it is worth, for picking the top actions (higher first)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "lens": self.lens,
            "severity": self.severity,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "evidence": dict(self.evidence),
            "action": self.action,
            "action_en": self.action_en,
            "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class Facts:
    """What rules see: readings by indicator id, and the stage."""

    readings: Mapping[str, Reading]
    stage: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def value(self, indicator_id: str) -> Number | None:
        r = self.readings.get(indicator_id)
        return None if r is None else r.value

    def previous(self, indicator_id: str) -> Number | None:
        r = self.readings.get(indicator_id)
        return None if r is None else r.previous

    def change(self, indicator_id: str) -> float | None:
        r = self.readings.get(indicator_id)
        return None if r is None else r.change

    def percentile(self, indicator_id: str) -> float | None:
        r = self.readings.get(indicator_id)
        return None if r is None else r.percentile

    def evidence(self, *ids: str) -> dict[str, Any]:
        return {i: self.readings[i].to_json() for i in ids if i in self.readings}


Rule = Callable[[Facts], list[Finding]]


def pct(x: float | None) -> str:
    """A ratio as a percentage for sentences.

    >>> pct(0.8123), pct(None)
    ('81.2%', '—')
    """
    return "—" if x is None else f"{x * 100:.1f}%"


def yuan(fen: Number | None) -> str:
    """Fen as 元 for sentences.

    >>> yuan(123456789)
    '¥1,234,567.89'
    """
    return "—" if fen is None else f"¥{int(fen) / 100:,.2f}"


def _f(
    rule: str,
    lens: str,
    severity: str,
    zh: str,
    en: str,
    evidence: dict[str, Any],
    action: tuple[str, str, str],
    weight: int = 1,
) -> Finding:
    method, action_zh, action_en = action
    return Finding(rule, lens, severity, zh, en, evidence, action_zh, action_en, method, weight)


# -- the six of the spec ----------------------------------------------------------------------


def few_products(facts: Facts) -> list[Finding]:
    """Top-5 SKU share above 80 % and falling GMV: dependence on few products (货)."""
    share, change = facts.value("top5_sku_share"), facts.change("gmv_fen")
    if share is None or change is None or not (share > 0.8 and change < 0):
        return []
    return [
        _f(
            "few_products",
            "goods",
            "red" if change < -0.2 else "amber",
            f"前5商品占成交 {pct(share)}，成交金额环比 {pct(change)}：过度依赖少数爆款。",
            f"The top 5 SKUs make {pct(share)} of GMV while GMV changed {pct(change)}: "
            "the shop depends on a few products.",
            facts.evidence("top5_sku_share", "gmv_fen", "skus_sold"),
            (
                "STAGE:盘货品",
                "盘货品：补充引流款与利润款，培育第二梯队爆款",
                "Review the range: add traffic and profit items, grow a second line of heroes",
            ),
            weight=8,
        )
    ]


def refund_above_peers(facts: Facts) -> list[Finding]:
    """Refund rate above the peers' 80th percentile: a quality or description problem."""
    rate, p = facts.value("refund_rate"), facts.percentile("refund_rate")
    if rate is None or p is None or p <= 0.8:
        return []
    return [
        _f(
            "refund_above_peers",
            "service",
            "red",
            f"退款率 {pct(rate)}，高于 {pct(p)} 的同类同阶段商家：商品质量或描述可能有问题。",
            f"Refund rate {pct(rate)} is above {pct(p)} of peers (same category and stage): "
            "a quality or description problem.",
            facts.evidence("refund_rate", "quality_refund_rate", "refund_order_rate"),
            (
                "STAGE:盘货品",
                "逐个排查高退款商品的质量与详情页描述，必要时下架",
                "Check the high-refund products' quality and descriptions; delist if needed",
            ),
            weight=9,
        )
    ]


def paid_not_converting(facts: Facts) -> list[Finding]:
    """Natural share falling, paid share rising, room ROI below 1.5: buying traffic that does
    not convert (场)."""
    nat, paid, roi = (facts.change("natural_traffic_share"), facts.change("paid_traffic_share"),
                      facts.value("room_roi"))  # fmt: skip
    paid_now, paid_before = facts.value("paid_traffic_share"), facts.previous("paid_traffic_share")
    rising = (paid is not None and paid > 0) or (
        paid_before == 0 and paid_now is not None and paid_now > 0
    )
    if nat is None or roi is None or not (nat < 0 and rising and roi < 1.5):
        return []
    return [
        _f(
            "paid_not_converting",
            "traffic",
            "red",
            f"自然流量占比 {pct(facts.value('natural_traffic_share'))}（环比 {pct(nat)}），"
            f"付费流量占比升至 {pct(paid_now)}，直播间ROI 仅 {roi:.2f}：买来的流量没有转化。",
            f"Natural traffic share is {pct(facts.value('natural_traffic_share'))} "
            f"({pct(nat)}), paid share rose to {pct(paid_now)} and room ROI is only {roi:.2f}: "
            "bought traffic does not convert.",
            facts.evidence("natural_traffic_share", "paid_traffic_share", "room_roi", "shop_roi"),
            (
                "STAGE:盘商业化",
                "暂停低效投流，先提升场景与话术的转化，再按全店ROI投放",
                "Pause wasteful ads; fix conversion first, then buy traffic by whole-shop ROI",
            ),
            weight=8,
        )
    ]


def no_retention(facts: Facts) -> list[Finding]:
    """Repurchase rate below peers with a high new-buyer share: no private-domain retention."""
    rate, p, new = (facts.value("repurchase_rate"), facts.percentile("repurchase_rate"),
                    facts.value("new_buyer_share"))  # fmt: skip
    if rate is None or p is None or new is None or not (p < 0.5 and new > 0.7):
        return []
    return [
        _f(
            "no_retention",
            "people",
            "amber",
            f"复购率 {pct(rate)}，低于 {pct(1 - p)} 的同类商家；新客占 {pct(new)}："
            "没有沉淀私域，老客不回来。",
            f"Repurchase rate {pct(rate)} is below {pct(1 - p)} of peers and new buyers are "
            f"{pct(new)}: no private-domain retention.",
            facts.evidence("repurchase_rate", "new_buyer_share", "buyers"),
            (
                "STEPS:爬坡",
                "建粉丝团与老客福利（专属券、回购礼），直播中引导关注",
                "Build a fans club and returning-buyer perks; ask viewers to follow",
            ),
            weight=6,
        )
    ]


def slow_shipping(facts: Facts) -> list[Finding]:
    """48-hour shipping rate below 97 % (Kuaishou's bar for supply providers)."""
    rate = facts.value("ship_48h_rate")
    if rate is None or rate >= 0.97:
        return []
    return [
        _f(
            "slow_shipping",
            "service",
            "red" if rate < 0.93 else "amber",
            f"48小时发货率 {pct(rate)}，低于 97% 的要求：履约有风险，会拉低店铺体验分。",
            f"48-hour shipping rate is {pct(rate)}, below the 97 % bar: a fulfilment risk "
            "that lowers the store experience score.",
            facts.evidence("ship_48h_rate", "avg_ship_hours", "orders"),
            (
                "5S:服务",
                "与仓配约定48小时发货，大促前备货，预售商品标明发货时间",
                "Agree 48-hour dispatch with the warehouse; stock up before campaigns",
            ),
            weight=9,
        )
    ]


def fragile_base(facts: Facts) -> list[Finding]:
    """Distribution above 90 % of GMV with no self-broadcast: FACT's F is missing."""
    dist, own = facts.value("distribution_share"), facts.value("self_broadcast_share")
    if dist is None or dist <= 0.9 or (own or 0) > 0:
        return []
    return [
        _f(
            "fragile_base",
            "channels",
            "amber",
            f"分销占成交 {pct(dist)}，没有自播：基本盘脆弱（FACT 缺 F）。",
            f"Distribution is {pct(dist)} of GMV with no self-broadcast: a fragile base "
            "(FACT without F).",
            facts.evidence("distribution_share", "self_broadcast_share", "talents"),
            (
                "FACT:F",
                "开自播（商家自播），把分销带来的人群承接到自己的直播间（川流计划）",
                "Start self-broadcast and take over the audiences talents bring (川流计划)",
            ),
            weight=7,
        )
    ]


# -- what a seasoned operator also checks -----------------------------------------------------


def gmv_drop(facts: Facts) -> list[Finding]:
    """GMV down more than 30 % against the previous window."""
    change = facts.change("gmv_fen")
    if change is None or change > -0.3:
        return []
    return [
        _f(
            "gmv_drop",
            "goods",
            "red" if change <= -0.5 else "amber",
            f"成交金额 {yuan(facts.value('gmv_fen'))}，环比下降 {pct(-change)}。",
            f"GMV {yuan(facts.value('gmv_fen'))} fell {pct(-change)} against the previous window.",
            facts.evidence("gmv_fen", "orders", "buyers", "sessions"),
            (
                "STAGE:盘直播",
                "复盘最近场次：开播频次、时段、主推品和流量来源哪里变了",
                "Review recent sessions: what changed in frequency, slot, hero items, traffic",
            ),
            weight=7,
        )
    ]


def growth(facts: Facts) -> list[Finding]:
    """GMV up at least 30 % with refunds in hand: ready to push for the next stage."""
    change, refund = facts.change("gmv_fen"), facts.value("refund_rate")
    if change is None or change < 0.3 or (refund is not None and refund > 0.4):
        return []
    return [
        _f(
            "growth",
            "goods",
            "green",
            f"成交金额环比增长 {pct(change)}，达 {yuan(facts.value('gmv_fen'))}："
            "可以冲击下一阶段。",
            f"GMV grew {pct(change)} to {yuan(facts.value('gmv_fen'))}: push for the next stage.",
            facts.evidence("gmv_fen", "refund_rate"),
            (
                "STEPS:跃迁",
                "加大在增长品上的投入，制定冲阶段目标与节奏",
                "Invest behind the growing products; set a target for the next stage",
            ),
            weight=3,
        )
    ]


def quality_refunds(facts: Facts) -> list[Finding]:
    """Quality and not-as-described refunds above 5 % of GMV."""
    rate = facts.value("quality_refund_rate")
    if rate is None or rate <= 0.05:
        return []
    return [
        _f(
            "quality_refunds",
            "goods",
            "red" if rate > 0.1 else "amber",
            f"品质退款（质量问题、与描述不符）占成交 {pct(rate)}：会拉低商品分与带货口碑分。",
            f"Quality refunds (defects, not as described) are {pct(rate)} of GMV: this lowers "
            "the product and word-of-mouth scores.",
            facts.evidence("quality_refund_rate", "refund_rate"),
            (
                "STAGE:盘货品",
                "抽检高退款批次，修正详情页与直播话术中的夸大描述",
                "Inspect the batches refunded for quality; correct exaggerated descriptions",
            ),
            weight=8,
        )
    ]


def dead_stock(facts: Facts) -> list[Finding]:
    """More than half the listed products sold nothing in the window."""
    share = facts.value("dead_sku_share")
    if share is None or share <= 0.5:
        return []
    return [
        _f(
            "dead_stock",
            "goods",
            "amber",
            f"{pct(share)} 的在架商品本期零成交：货盘臃肿，讲解时间被浪费。",
            f"{pct(share)} of listed products sold nothing: a bloated range wastes airtime.",
            facts.evidence("dead_sku_share", "skus_sold"),
            (
                "STAGE:盘货品",
                "清理滞销款，把讲解时间留给爆款与潜力款",
                "Clear dead items; give the airtime to heroes and rising items",
            ),
            weight=4,
        )
    ]


def low_gpm(facts: Facts) -> list[Finding]:
    """GPM in the bottom fifth of peers."""
    gpm, p = facts.value("gpm_fen"), facts.percentile("gpm_fen")
    if gpm is None or p is None or p >= 0.2:
        return []
    return [
        _f(
            "low_gpm",
            "traffic",
            "amber",
            f"GPM {yuan(gpm)}，仅高于 {pct(p)} 的同类商家：直播间变现效率低。",
            f"GPM {yuan(gpm)} beats only {pct(p)} of peers: the room monetises poorly.",
            facts.evidence("gpm_fen", "enter_rate", "avg_watch_seconds"),
            (
                "STAGE:盘直播",
                "优化排品与讲解节奏，用福利款拉停留、用爆款收割",
                "Rework the running order: welfare items to hold viewers, heroes to convert",
            ),
            weight=6,
        )
    ]


def low_enter_rate(facts: Facts) -> list[Finding]:
    """Impression-to-entry rate below 5 %: the room's cover and scene do not attract."""
    rate = facts.value("enter_rate")
    if rate is None or rate >= 0.05:
        return []
    return [
        _f(
            "low_enter_rate",
            "traffic",
            "amber",
            f"曝光-进入率 {pct(rate)}，低于 5%：直播间封面、标题和场景不吸引人。",
            f"Impression-to-entry rate is {pct(rate)}, below 5 %: the cover, title and scene "
            "do not pull viewers in.",
            facts.evidence("enter_rate", "natural_traffic_share"),
            (
                "STAGE:盘亮点",
                "重做直播间场景与封面，开场设置亮点和福利",
                "Redo the scene and cover; open with a highlight and a giveaway",
            ),
            weight=5,
        )
    ]


def short_watch(facts: Facts) -> list[Finding]:
    """Average watch time under 30 s."""
    s = facts.value("avg_watch_seconds")
    if s is None or s >= 30:
        return []
    return [
        _f(
            "short_watch",
            "traffic",
            "amber",
            f"人均观看时长 {s:.0f} 秒，不足 30 秒：内容留不住人。",
            f"Average watch time is {s:.0f} s, under 30 s: the content does not hold viewers.",
            facts.evidence("avg_watch_seconds", "enter_rate"),
            (
                "STAGE:盘福利",
                "用福袋、红包和整点福利拉长停留",
                "Hold viewers with lucky bags, red packets and on-the-hour giveaways",
            ),
            weight=4,
        )
    ]


def irregular_live(facts: Facts) -> list[Finding]:
    """Past 新店破0, broadcasting on fewer than 12 days of 30."""
    days, sessions = facts.value("live_days"), facts.value("sessions")
    window = int(facts.extra.get("window_days", 30))
    if days is None or facts.stage == "新店破0" or days * 30 >= 12 * window:
        return []
    return [
        _f(
            "irregular_live",
            "traffic",
            "amber",
            f"{window} 天内只开播 {days} 天（{sessions} 场）：开播不稳定，平台难以持续推流。",
            f"Live on only {days} of {window} days ({sessions} sessions): irregular "
            "broadcasting keeps the feed from learning the room.",
            facts.evidence("live_days", "sessions", "live_hours"),
            (
                "STEPS:爬坡",
                "固定开播时段，每周至少 4–5 场",
                "Fix a broadcast schedule: at least 4–5 sessions a week",
            ),
            weight=5,
        )
    ]


def talent_concentration(facts: Facts) -> list[Finding]:
    """One talent sells more than half of the distribution GMV."""
    share, dist = facts.value("top_talent_share"), facts.value("distribution_share")
    if share is None or dist is None or dist < 0.2 or share <= 0.5:
        return []
    return [
        _f(
            "talent_concentration",
            "channels",
            "amber",
            f"头部达人贡献分销成交的 {pct(share)}：分销依赖单一达人。",
            f"One talent makes {pct(share)} of distribution GMV: distribution hangs on one talent.",
            facts.evidence("top_talent_share", "talents", "distribution_share"),
            (
                "5S:分销",
                "扩大腰部与尾部达人矩阵，进好物联盟选品库",
                "Widen the waist and tail talent matrix; list items in the alliance library",
            ),
            weight=4,
        )
    ]


def no_first_orders(facts: Facts) -> list[Finding]:
    """A shop still at 新店破0: few or no orders yet."""
    if facts.stage != "新店破0":
        return []
    orders = facts.value("orders") or 0
    return [
        _f(
            "no_first_orders",
            "goods",
            "amber",
            f"本期仅 {orders} 单，成交 {yuan(facts.value('gmv_fen'))}：新店尚未破0。",
            f"Only {orders} orders and {yuan(facts.value('gmv_fen'))} GMV: the new shop has "
            "not broken zero yet.",
            facts.evidence("orders", "gmv_fen", "talents"),
            (
                "STEPS:新店破0",
                "上架好物联盟，找匹配达人分销测品，确定受众爱买的货",
                "List in the alliance library and test products with matched talents",
            ),
            weight=6,
        )
    ]


def aov_drop(facts: Facts) -> list[Finding]:
    """Average order value down more than 20 %."""
    change = facts.change("avg_order_value_fen")
    if change is None or change > -0.2:
        return []
    return [
        _f(
            "aov_drop",
            "people",
            "amber",
            f"客单价 {yuan(facts.value('avg_order_value_fen'))}，环比下降 {pct(-change)}。",
            f"Average order value {yuan(facts.value('avg_order_value_fen'))} fell {pct(-change)}.",
            facts.evidence("avg_order_value_fen", "top5_sku_share"),
            (
                "STAGE:盘商业化",
                "设计组合装与满减，用利润款提升客单价",
                "Bundles and tiered discounts; lift the basket with profit items",
            ),
            weight=3,
        )
    ]


def low_follower_buyers(facts: Facts) -> list[Finding]:
    """Fewer than 20 % of live buyers are followers at 爬坡 or above."""
    share = facts.value("follower_buyer_share")
    if share is None or facts.stage == "新店破0" or share >= 0.2:
        return []
    return [
        _f(
            "low_follower_buyers",
            "people",
            "amber",
            f"成交老粉占比 {pct(share)}：粉丝没有成为购买主力，私域薄弱。",
            f"Followers are only {pct(share)} of live buyers: the private domain is thin.",
            facts.evidence("follower_buyer_share", "new_followers_per_hour"),
            (
                "STEPS:爬坡",
                "直播中引导关注与入团，给粉丝专属价",
                "Ask viewers to follow and join the fans club; give followers their own price",
            ),
            weight=4,
        )
    ]


RULES: Final[tuple[Rule, ...]] = (
    few_products,
    refund_above_peers,
    paid_not_converting,
    no_retention,
    slow_shipping,
    fragile_base,
    gmv_drop,
    growth,
    quality_refunds,
    dead_stock,
    low_gpm,
    low_enter_rate,
    short_watch,
    irregular_live,
    talent_concentration,
    no_first_orders,
    aov_drop,
    low_follower_buyers,
)
"""Every rule, in no particular order: findings are sorted by severity and weight."""


def findings(facts: Facts, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    """Every finding of every rule, the most severe (then most valuable) first."""
    found = [f for rule in rules for f in rule(facts)]
    return sorted(found, key=lambda f: (SEVERITIES.index(f.severity), -f.weight, f.rule))


def top_actions(found: list[Finding], n: int = 3) -> list[Finding]:
    """The `n` most valuable actions: red and amber findings by weight, one per action."""
    seen: set[str] = set()
    picked = []
    for f in sorted(found, key=lambda f: (f.severity == "green", -f.weight, f.rule)):
        if f.action not in seen:
            seen.add(f.action)
            picked.append(f)
        if len(picked) == n:
            break
    return picked
