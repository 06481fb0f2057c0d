"""Reconcile a provider's contract commission with the platform's bill, order by order.

The contract side is the standing version of every commission line (`commission_lines`, the
latest `computed_at` per contract and line, voids left out): per order, its `commission` and
`clawback` rows. The bill side is the imported settlement lines (`settlement_lines`) of one
bill file: per order, the 服务商佣金 billed — a settlement row's commission counts as earned
(whichever sign the bill writes it with), a refund row's (订单退款 ≠ 0 or 实际结算金额 < 0) as
taken back. Each order gets the difference and the reason for it:

* `matches` — the same to the fen;
* `not_in_bill` — the contract has commission for an order of the bill's merchant, settled
  inside the bill's period, that the bill does not carry;
* `not_in_contract` — billed, but no contract line (the order was not in an operated session);
* `estimated` — the contract's commission for the order is still an estimate (not settled);
* `rounding` — off by at most 1 fen per line;
* `refund` — the bill took commission back on a refund and the contract's clawback differs;
* `rate_or_base` — anything else: a different rate or base.
"""

from __future__ import annotations

from typing import Any

from caopan.engine.backend import Engine

REASONS_ZH = {
    "matches": "一致",
    "not_in_bill": "账单未含",
    "not_in_contract": "合同外订单",
    "estimated": "合同佣金尚为预估",
    "rounding": "舍入差",
    "refund": "退款追回不同",
    "rate_or_base": "费率或基数不同",
}


def reconcile(engine: Engine, source: str) -> list[dict[str, Any]]:
    """Per order of the bill imported from `source` (and contract orders it lacks)."""
    con = engine.con.con
    query = """
    WITH bill AS (
        SELECT order_id, any_value(merchant_id) AS merchant_id, count(*) AS bill_lines,
            sum(CASE WHEN coalesce(refund_fen, 0) <> 0 OR settled_fen < 0
                THEN -abs(coalesce(provider_commission_fen, 0))
                ELSE abs(coalesce(provider_commission_fen, 0)) END) AS billed_fen,
            bool_or(coalesce(refund_fen, 0) <> 0 OR settled_fen < 0) AS refunded,
            min(settled_at) AS first_at, max(settled_at) AS last_at
        FROM settlement_lines WHERE source_file = ? GROUP BY order_id),
    period AS (SELECT min(first_at) AS start, max(last_at) AS stop,
        list(DISTINCT merchant_id) AS merchants FROM bill),
    standing AS (
        SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY contract_id, line_id
            ORDER BY computed_at DESC) AS v FROM commission_lines) WHERE v = 1
            AND state <> 'void' AND order_id IS NOT NULL),
    contract AS (
        SELECT s.order_id, count(*) AS contract_lines,
            sum(commission_fen) AS contract_fen,
            sum(commission_fen) FILTER (WHERE kind = 'clawback') AS clawback_fen,
            bool_or(state <> 'settled') AS estimated,
            bool_and(state = 'settled') AND max(dated_at) BETWEEN any_value(p.start)
                AND any_value(p.stop) AS settled_in_period,
            list_contains(any_value(p.merchants), any_value(c.merchant_id)) AS same_merchant
        FROM standing s JOIN contracts c USING (contract_id), period p
        GROUP BY s.order_id)
    SELECT coalesce(b.order_id, c.order_id) AS order_id, c.contract_fen, b.billed_fen,
        coalesce(b.bill_lines, 0) AS bill_lines, coalesce(c.contract_lines, 0) AS contract_lines,
        coalesce(b.refunded, false) AS refunded, c.clawback_fen, coalesce(c.estimated, false)
            AS estimated
    FROM bill b FULL JOIN contract c ON b.order_id = c.order_id
    WHERE b.order_id IS NOT NULL OR (c.settled_in_period AND c.same_merchant)
    ORDER BY 1"""
    rows = con.execute(query, [source]).fetchall()
    result = []
    for order_id, contract, billed, bill_lines, lines, refunded, clawback, estimated in rows:
        difference = (billed or 0) - (contract or 0)
        reason = _reason(
            contract, billed, difference, lines + bill_lines, refunded, clawback, estimated
        )
        result.append(
            {
                "order_id": order_id,
                "contract_fen": None if contract is None else int(contract),
                "billed_fen": None if billed is None else int(billed),
                "difference_fen": int(difference),
                "reason": reason,
                "reason_zh": REASONS_ZH[reason],
            }
        )
    return result


def _reason(
    contract: int | None,
    billed: int | None,
    difference: int,
    lines: int,
    refunded: bool,
    clawback: int | None,
    estimated: bool,
) -> str:
    if contract is None:
        return "not_in_contract" if billed else "matches"
    if billed is None:
        return "not_in_bill"
    if difference == 0:
        return "matches"
    if estimated:
        return "estimated"
    if abs(difference) <= max(lines, 1):
        return "rounding"
    if refunded or clawback:
        return "refund"
    return "rate_or_base"
