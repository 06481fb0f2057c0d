"""How numbers read, for people: money in 元, ratios in %, seconds as minutes and seconds.

One place, used by the CLI tables, the HTML review and the screen labels.

>>> value_text("fen", 4330500), value_text("ratio", 0.0098012), value_text("s", 164.15)
('¥43,305.00', '0.98%', '2分44秒')
>>> value_text("人", 25303), value_text("ratio", None), value_text("ratio", 3.5345, "ad_roi")
('25,303', '—', '3.53')
>>> change_text(80, 100)
'-20.0%'
"""

from __future__ import annotations

from caopan.domain.money import Money

NULL = "—"


def value_text(unit: str, value: float | int | None, metric_id: str = "") -> str:
    """A metric value in its unit, as a person reads it (an ROI as a multiple, 3.53)."""
    if value is None:
        return NULL
    if metric_id.endswith("_roi"):
        return f"{value:.2f}"
    if unit == "fen":
        return str(Money(int(value)))
    if unit == "ratio":
        return f"{value * 100:.2f}%"
    if unit == "s":
        seconds = round(value)
        return f"{seconds // 60}分{seconds % 60:02d}秒" if seconds >= 60 else f"{value:.1f}秒"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def change_text(value: float | int | None, previous: float | int | None) -> str:
    """The relative change from `previous` to `value` (—, when it cannot be said)."""
    if value is None or previous is None or previous == 0:
        return NULL
    return f"{(value - previous) / abs(previous) * 100:+.1f}%"
