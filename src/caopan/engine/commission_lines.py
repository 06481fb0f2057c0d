"""Order commission lines as Ibis expressions: state, base, commission, clawbacks.

The precise rules of `spec/commission.md`, one projection at a time, over a table of order
lines (`LINE_COLUMNS`) and their refunds (`REFUND_COLUMNS`) as of an instant `as_of`:

* scope — lines paid at or before `as_of` and inside the plan's validity (rules 1, 3);
* state — `settled` when received, `settle_at` ≤ `as_of` and no after-sale is open
  (`settle_at` = received + lag, for a `month` plan no earlier than the next month); `void` when
  fully refunded before settling; else `pending` when received, `estimated` when not (rules 2–4);
* base — each line's *effective* base is what the period's tiers, cap and guarantee count: a
  settled line at its base when settling (frozen, rule 5), an unsettled one as it stands, a
  void one 0; base `paid` ignores refunds, base `settled` counts settled lines only (rule 6);
* commission — flat and product rates per line, rounded half-up on their own; a tiered total
  per period computed exactly, rounded once and shared by largest remainder over the lines'
  effective bases; a binding cap shared over the uncapped commissions (rules 7, 8);
* clawbacks — for a settled line, each refund at or after its settling instant lowers its
  commission to `half_up(C × base_now ÷ base_at_settling)`; the drop is one negative clawback
  dated at the refund (rule 5).
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from caopan.domain.clock import MS_PER_DAY
from caopan.domain.commission import Plan, Tier
from caopan.domain.money import PPM
from caopan.engine.exact import PLAIN, Exact, as_i64, group_sum, i64
from caopan.engine.staging import Staging

LINE_COLUMNS: Final = {
    "line_id": "string",
    "order_id": "string",
    "session_id": "string",
    "product_id": "string",
    "paid_fen": "int64",
    "paid_at": "int64",
    "received_at": "int64",
    "after_sale_open": "boolean",
}
"""One order line: the unit a commission is computed on (`line_id` breaks sharing ties)."""

REFUND_COLUMNS: Final = {
    "line_id": "string",
    "refund_id": "string",
    "amount_fen": "int64",
    "at": "int64",
}
"""One refund of a line; refunds of a line are taken in `(at, refund_id)` order."""

STATES: Final = ("estimated", "pending", "settled", "void")


def in_scope(lines: ir.Table, plan: Plan, as_of: int) -> ir.Table:
    """The lines paid at or before `as_of` and inside the plan's validity days."""
    lo, hi = plan.paid_window()
    keep = lines.paid_at <= as_of
    if lo is not None:
        keep &= lines.paid_at >= lo
    if hi is not None:
        keep &= lines.paid_at < hi
    return lines.filter(keep)


def with_states(
    lines: ir.Table,
    refunds: ir.Table,
    plan: Plan,
    as_of: int,
    x: Exact,
    staging: Staging = PLAIN,
) -> ir.Table:
    """Add `month`, `settle_at`, `refunded`, `refunded_before`, `state`, `base_fen` (as
    reported), `eff_base` (what the period counts) and `settle_base` (base when settling).
    `staging` keeps the refund totals per line."""
    t = _with_settle_at(x.with_month(lines, "paid_at", "month"), plan, x)
    t = _with_refund_totals(t, lines, refunds, plan, as_of, x, staging)
    t = t.mutate(state=_state(t, plan, as_of))
    paid = t.paid_fen
    t = t.mutate(
        _now=paid - ibis.least(paid, t.refunded),
        settle_base=paid - ibis.least(paid, t.refunded_before),
    )
    settled = t.state == "settled"
    zero = i64(0)
    if plan.base == "paid":
        t = t.mutate(base_fen=paid, eff_base=paid, settle_base=paid)
    elif plan.base == "net_paid":
        t = t.mutate(base_fen=t._now, eff_base=ibis.ifelse(settled, t.settle_base, t._now))
    else:
        t = t.mutate(
            base_fen=ibis.ifelse(settled, t._now, zero),
            eff_base=ibis.ifelse(settled, t.settle_base, zero),
        )
    return t


def _with_settle_at(t: ir.Table, plan: Plan, x: Exact) -> ir.Table:
    """Add `settle_at` to lines with `received_at` (and `month` for a `month` plan)."""
    due = t.received_at + plan.settle_lag_days * MS_PER_DAY
    if plan.period == "month":
        due = ibis.greatest(due, x.month_start(t.month + 1))
    return t.mutate(settle_at=ibis.ifelse(t.received_at.isnull(), ibis.null("int64"), due))


def _with_refund_totals(
    t: ir.Table,
    lines: ir.Table,
    refunds: ir.Table,
    plan: Plan,
    as_of: int,
    x: Exact,
    staging: Staging,
) -> ir.Table:
    """Add `refunded` (as of `as_of`) and `refunded_before` (before the settling instant).

    The refunds are joined to the raw `lines` (the ones `t` was made from), and the settling
    instant is worked out again on the joined refunds only, a few of the lines."""
    seen = refunds.filter(refunds.at <= as_of)
    keys = lines.select(_lid=lines.line_id, received_at=lines.received_at, paid_at=lines.paid_at)
    joined = seen.join(keys, seen.line_id == keys._lid)
    if plan.period == "month":
        joined = x.with_month(joined, "paid_at", "month")
    joined = _with_settle_at(joined, plan, x)
    before = joined.settle_at.isnull() | (joined.at < joined.settle_at)
    totals = joined.group_by("_lid").aggregate(
        _refunded=as_i64(joined.amount_fen.sum()),
        _before=as_i64(joined.amount_fen.sum(where=before)),
    )
    totals = staging.keep(totals)
    t = t.left_join(totals, t.line_id == totals._lid)
    return t.select(
        *(c for c in t.columns if c not in ("_lid", "_refunded", "_before")),
        refunded=t._refunded.coalesce(i64(0)),
        refunded_before=t._before.coalesce(i64(0)),
    )


def _state(t: ir.Table, plan: Plan, as_of: int) -> ir.StringValue:
    received = (t.received_at.notnull() & (t.received_at <= as_of)).coalesce(False)
    due = (t.settle_at <= as_of) & ~t.after_sale_open.coalesce(False)
    settleable = (received & due).coalesce(False)
    if plan.base == "paid":
        paid_state: ir.StringValue = ibis.cases(
            (settleable, "settled"), (received, "pending"), else_="estimated"
        )
        return paid_state
    paid, ra, rb = t.paid_fen, t.refunded, t.refunded_before
    voided_before_settling = (rb > 0) & (rb >= paid)
    state: ir.StringValue = ibis.cases(
        (settleable & ~voided_before_settling, "settled"),
        (settleable, "void"),
        ((ra > 0) & (ra >= paid), "void"),
        (received, "pending"),
        else_="estimated",
    )
    return state


def tier_numerator(base: ir.IntegerValue, tiers: tuple[Tier, ...], mode: str) -> ir.IntegerValue:
    """The exact tiered commission of a base in fen × ppm (see `domain.commission`)."""
    if mode == "whole":
        cases = [(base >= i64(t.from_fen), base * i64(t.rate_ppm)) for t in reversed(tiers)]
        result: ir.IntegerValue = ibis.cases(*cases, else_=i64(0))
        return result
    total: ir.IntegerValue = i64(0)
    for i, tier in enumerate(tiers):
        top = base if i + 1 == len(tiers) else ibis.least(base, i64(tiers[i + 1].from_fen))
        total = total + ibis.greatest(i64(0), top - tier.from_fen) * i64(tier.rate_ppm)
    return total


def with_commission(t: ir.Table, plan: Plan, x: Exact, staging: Staging = PLAIN) -> ir.Table:
    """Add `period`, `uncapped`, `settled_commission` (C, settled lines only) and
    `commission_fen` (the commission as of `as_of`, after any clawback). `staging` keeps the
    grouped sums and names the uncapped lines."""
    keep = [c for c in t.columns if c != "_now"]
    t = _with_uncapped(t, plan, x, staging)
    if plan.cap_fen is not None:
        t = staging.view(t)
        pk = _period_key(plan)
        t = group_sum(t, [pk], "uncapped", "_uncapped_total", staging=staging)
        t = t.mutate(_cap_total=ibis.least(t._uncapped_total, i64(plan.cap_fen)))
        t = x.share(
            t,
            by=[pk],
            total="_cap_total",
            weight="uncapped",
            key="line_id",
            out="_eff",
            staging=staging,
            weight_sum="_uncapped_total",
        )
    else:
        t = t.mutate(_eff=t.uncapped)
    settled = t.state == "settled"
    if plan.base == "paid":
        now = t._eff
    else:
        scaled = x.half_up(t._eff * t._now, ibis.greatest(t.settle_base, i64(1)))
        now = ibis.ifelse(~settled | (t.settle_base == 0), t._eff, scaled)
    return t.select(
        *keep,
        "period",
        "uncapped",
        settled_commission=ibis.ifelse(settled, t._eff, ibis.null("int64")),
        commission_fen=now,
    )


def _period_key(plan: Plan) -> str:
    """The column a period is grouped by (`period` itself is its name as a string)."""
    return "session_id" if plan.period == "session" else "month"


def _with_uncapped(t: ir.Table, plan: Plan, x: Exact, staging: Staging) -> ir.Table:
    """Add `period`, `_tiered` and `uncapped`: a product or flat rate per line, rounded on its
    own, or the line's largest-remainder share of its period's tiered total."""
    if plan.product_rates:  # a handful of products: a CASE, not a join
        rates = [(t.product_id == pid, i64(rate)) for pid, rate in plan.product_rates]
        t = t.mutate(_prate=ibis.cases(*rates, else_=ibis.null("int64")))
    else:
        t = t.mutate(_prate=ibis.null("int64"))
    flat = i64(plan.rate_ppm) if plan.rate_ppm is not None else ibis.null("int64")
    rate = t._prate.coalesce(flat).coalesce(i64(0))
    t = t.mutate(
        period=t.session_id if plan.period == "session" else t.month.cast("string"),
        _tiered=t._prate.isnull() if plan.tiers else ibis.literal(False),
        _flat=x.half_up(t.eff_base * rate, PPM),
    )
    if not plan.tiers:
        return t.mutate(uncapped=t._flat)
    pk = _period_key(plan)
    t = group_sum(t, [pk], "eff_base", "_tiered_base", where=t._tiered, staging=staging)
    t = t.mutate(_tiered_base=t._tiered_base.coalesce(i64(0)))
    t = t.mutate(_tier_num=tier_numerator(t._tiered_base, plan.tiers, plan.tier_mode))
    t = t.mutate(
        _tier_total=ibis.ifelse(t._tiered, x.half_up(t._tier_num, PPM), i64(0)),
        _tier_weight=ibis.ifelse(t._tiered, t.eff_base, i64(0)),
    )
    t = x.share(
        t,
        by=[pk, "_tiered"],
        total="_tier_total",
        weight="_tier_weight",
        key="line_id",
        out="_tier_share",
        staging=staging,
        weight_sum="_tiered_base",  # the tiered rows' sum; other rows share a zero total
    )
    return t.mutate(uncapped=ibis.ifelse(t._tiered, t._tier_share, t._flat))


def clawbacks(lines: ir.Table, refunds: ir.Table, plan: Plan, as_of: int, x: Exact) -> ir.Table:
    """One row per refund after settling that lowered a settled line's base: `line_id`,
    `order_id`, `session_id`, `refund_id`, `at`, `base_drop_fen` (< 0) and `amount_fen` (≤ 0,
    the drop in commission; 0 when rounding leaves the commission as it was)."""
    settled = lines.filter(lines.state == "settled").select(
        _lid=lines.line_id,
        order_id=lines.order_id,
        session_id=lines.session_id,
        _paid=lines.paid_fen,
        _settle_at=lines.settle_at,
        _c=lines.settled_commission,
        _sb=lines.settle_base,
    )
    seen = refunds.filter(refunds.at <= as_of)
    j = seen.join(settled, seen.line_id == settled._lid).drop("_lid")
    if plan.base == "paid":
        return j.filter(ibis.literal(False)).select(
            "line_id", "order_id", "session_id", "refund_id", "at",
            base_drop_fen=i64(0), amount_fen=i64(0),
        )  # fmt: skip
    running = ibis.window(
        group_by=[j.line_id], order_by=[j.at, j.refund_id], preceding=None, following=0
    )
    j = j.mutate(_cum=as_i64(j.amount_fen.sum().over(running)))
    j = j.filter(j.at >= j._settle_at)
    j = j.mutate(
        _after=j._paid - ibis.least(j._paid, j._cum),
        _before=j._paid - ibis.least(j._paid, j._cum - j.amount_fen),
    )
    j = j.mutate(_num_after=j._c * j._after, _num_before=j._c * j._before)
    divisor = ibis.greatest(j._sb, i64(1))
    j = j.mutate(
        _drop=x.half_up(j._num_after, divisor) - x.half_up(j._num_before, divisor),
        base_drop_fen=j._after - j._before,
    )
    j = j.filter(((j._drop != 0) | (j.base_drop_fen != 0)) & (j._sb > 0))
    return j.select(
        "line_id", "order_id", "session_id", "refund_id", "at", "base_drop_fen",
        amount_fen=j._drop,
    )  # fmt: skip
