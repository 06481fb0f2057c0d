"""A contract's terms as people read them: Chinese first, with English, every term spelled out.

>>> from caopan.domain.commission import Plan
>>> rows = terms_rows(Plan.from_dict({"rate_ppm": 100_000, "slot_fee_fen": 2_000_000}))
>>> [(r["zh"], r["text"]) for r in rows][1:4]
[('佣金比例', '固定 10%'), ('单品比例', '无 none'), ('坑位费', '¥20,000.00 / 场')]
"""

from __future__ import annotations

from typing import Any

from caopan.domain.commission import Plan
from caopan.domain.money import Money, Rate
from caopan.engine.contracts import StoredContract

BASE_TEXT = {
    "net_paid": "实付 − 退款 (net_paid)",
    "paid": "实付, 不扣退款 (paid)",
    "settled": "仅已结算订单 (settled)",
}
PERIOD_TEXT = {"session": "每场 (session)", "month": "每自然月 (month)"}
MODE_TEXT = {"progressive": "累进 (progressive)", "whole": "全额 (whole)"}


def _row(zh: str, en: str, text: str) -> dict[str, str]:
    return {"zh": zh, "en": en, "text": text}


def _rate_text(plan: Plan) -> str:
    if plan.rate_ppm is not None:
        return f"固定 {Rate(plan.rate_ppm)}"
    if not plan.tiers:
        return "无 (只收费用与单品比例) none"
    steps = [f"≥ {Money(t.from_fen)}: {Rate(t.rate_ppm)}" for t in plan.tiers]
    return f"阶梯 {MODE_TEXT[plan.tier_mode]}, 按{PERIOD_TEXT[plan.period]}: " + "; ".join(steps)


def terms_rows(plan: Plan) -> list[dict[str, str]]:
    """Every term of a plan as `{"zh", "en", "text"}`, in the contract table's order."""
    none = "无 none"
    rows = [
        _row("计佣基数", "base", BASE_TEXT[plan.base]),
        _row("佣金比例", "rate", _rate_text(plan)),
        _row("坑位费", "slot fee", f"{Money(plan.slot_fee_fen)} / 场"),
        _row("月服务费", "monthly fee", f"{Money(plan.monthly_fee_fen)} / 月"),
        _row(
            "保量",
            "guarantee",
            none if not plan.guarantee_fen else f"{Money(plan.guarantee_fen)} (未达按比例退坑位费)",
        ),
        _row("封顶", "cap", none if plan.cap_fen is None else str(Money(plan.cap_fen))),
        _row("考核周期", "period", PERIOD_TEXT[plan.period]),
        _row("结算周期", "settlement lag", f"确认收货后 {plan.settle_lag_days} 天"),
        _row("生效日", "valid from", str(plan.valid_from or "—")),
        _row("截止日", "valid to", str(plan.valid_to or "长期 open")),
    ]
    rates = "; ".join(f"{p}: {Rate(r)}" for p, r in plan.product_rates)
    rows.insert(2, _row("单品比例", "product rates", rates or none))
    return rows


def contract_view(stored: StoredContract) -> dict[str, Any]:
    """A stored contract as JSON-ready data with its terms."""
    c = stored.contract
    return {
        "contract_id": c.contract_id,
        "merchant_id": c.merchant_id,
        "provider_id": c.provider_id,
        "valid_from": c.plan.valid_from.isoformat() if c.plan.valid_from else None,
        "valid_to": c.plan.valid_to.isoformat() if c.plan.valid_to else None,
        "last_day": stored.last_day.isoformat() if stored.last_day else None,
        "created_at": stored.created_at,
        "ended_at": stored.ended_at,
        "kind": c.plan.kind,
        "plan": c.plan.to_dict(),
        "terms": terms_rows(c.plan),
    }
