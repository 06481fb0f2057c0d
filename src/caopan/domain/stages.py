"""STEPS lifecycle stages (新店破0 → 爬坡 → KA → SKA) by rules with configurable thresholds.

No platform publishes the thresholds; these defaults are ours (documented in docs/diagnosis.md)
and a provider may set its own in a TOML file:

```
[stages]
first_orders = 100                # fewer paid orders a month: still 新店破0
breakeven_month_fen = 3_000_000   # below ¥30,000 a month: still 新店破0
ka_month_fen = 50_000_000         # ¥500,000 a month for KA …
ka_self_share = 0.2               # … with at least 20 % self-broadcast (when channels are known)
ka_active_days = 15               # … selling on at least 15 days of 30
ka_min_growth = -0.3              # … and GMV not down more than 30 %
ska_month_fen = 500_000_000       # ¥5,000,000 a month for SKA …
ska_active_days = 20              # … selling on at least 20 days of 30
```

>>> t = Thresholds()
>>> classify(StageInput(month_gmv_fen=0, month_orders=0, growth=None, self_share=None,
...                     active_days_per_30=0), t)
'新店破0'
>>> classify(StageInput(200_000_000, 5_000, 0.1, 0.5, 28.0), t)
'KA'
>>> classify(StageInput(200_000_000, 5_000, 0.1, 0.05, 28.0), t)
'爬坡'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from typing import Final

from caopan.domain.entities import STAGES
from caopan.domain.errors import InvalidInput

FOCUS: Final = {
    "新店破0": ("通过分销测品，找到受众愿意买的货", "test products through distribution"),
    "爬坡": ("开自播、投流，涨粉提 GPM", "start self-broadcast and paid traffic; grow followers"),
    "KA": ("参加官方活动，扩大分销矩阵", "official campaigns; scale distribution"),
    "SKA": ("联合营销、品牌建设、C2M 新品", "joint marketing, brand building, C2M products"),
}
"""Each stage's typical focus (spec diagnosis.md), 中文 and English."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    first_orders: int = 100
    breakeven_month_fen: int = 3_000_000
    ka_month_fen: int = 50_000_000
    ka_self_share: float = 0.2
    ka_active_days: float = 15.0
    ka_min_growth: float = -0.3
    ska_month_fen: int = 500_000_000
    ska_active_days: float = 20.0


@dataclass(frozen=True, slots=True)
class StageInput:
    """What the rules look at, normalised to 30 days."""

    month_gmv_fen: int
    month_orders: int
    growth: float | None
    self_share: float | None
    active_days_per_30: float


def classify(x: StageInput, t: Thresholds) -> str:
    """The merchant's stage."""
    if x.month_orders < t.first_orders or x.month_gmv_fen < t.breakeven_month_fen:
        return "新店破0"
    self_ok = x.self_share is None or x.self_share >= t.ka_self_share
    stable = x.growth is None or x.growth >= t.ka_min_growth
    if x.month_gmv_fen >= t.ska_month_fen and x.active_days_per_30 >= t.ska_active_days and self_ok:
        return "SKA"
    if (
        x.month_gmv_fen >= t.ka_month_fen
        and x.active_days_per_30 >= t.ka_active_days
        and self_ok
        and stable
    ):
        return "KA"
    return "爬坡"


def rank(stage: str) -> int:
    """The stage's place in STEPS (0 for 新店破0)."""
    return STAGES.index(stage)


def parse_thresholds(text: str, source: str = "stages config") -> Thresholds:
    """Thresholds from TOML text (a `[stages]` table; missing keys keep their defaults).

    >>> parse_thresholds("[stages]\\nka_month_fen = 5\\n").ka_month_fen
    5
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{source}: not TOML: {exc}") from None
    table = doc.get("stages", {})
    if not isinstance(table, dict):
        raise InvalidInput(f"{source}: [stages] must be a table")
    known = {f.name: f.type for f in fields(Thresholds)}
    values: dict[str, int | float] = {}
    for key, value in table.items():
        if key not in known:
            raise InvalidInput(f"{source}: unknown key stages.{key}; known: {', '.join(known)}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(f"{source}: stages.{key} must be a number (got {value!r})")
        values[key] = int(value) if known[key] == "int" else float(value)
    return replace(Thresholds(), **values)  # type: ignore[arg-type]
