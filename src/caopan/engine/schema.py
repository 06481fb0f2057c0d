"""The canonical tables, declared once.

Every table caopan stores, with its columns and types. Money columns end in `_fen` and are
64-bit integers (分); rates end in `_ppm`; instants end in `_at` or are named `ts` and are epoch
milliseconds UTC; calendar days are `date`s in Asia/Shanghai. The event table carries every
field of the event contract (`caopan.domain.events.FIELDS`) plus the unknown fields (`extra`,
JSON text) and when it was stored.
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.schema as sch

from caopan.domain.events import FIELDS

SCHEMA_VERSION: Final = 1

_EVENT_COLUMNS: dict[str, str] = {name: kind for name, kind in FIELDS.items()}
_EVENT_COLUMNS |= {"extra": "string", "ingested_at": "int64"}

TABLES: Final[dict[str, dict[str, str]]] = {
    "caopan_meta": {"key": "string", "value": "string"},
    "providers": {
        "provider_id": "string",
        "name": "string",
        "category": "string",
        "tier": "string",
        "created_at": "int64",
    },
    "operators": {
        "operator_id": "string",
        "provider_id": "string",
        "name": "string",
        "created_at": "int64",
    },
    "merchants": {
        "merchant_id": "string",
        "name": "string",
        "category": "string",
        "stage": "string",
        "provider_id": "string",
        "opened_on": "date",
        "created_at": "int64",
    },
    "shops": {
        "shop_id": "string",
        "merchant_id": "string",
        "platform": "string",
        "name": "string",
        "opened_at": "int64",
    },
    "anchors": {
        "anchor_id": "string",
        "name": "string",
        "kind": "string",
        "merchant_id": "string",
        "followers": "int64",
        "layer": "string",
    },
    "products": {
        "product_id": "string",
        "merchant_id": "string",
        "name": "string",
        "category": "string",
        "price_fen": "int64",
        "cost_fen": "int64",
        "stock": "int64",
        "role": "string",
        "cps_rate_ppm": "int64",
        "in_alliance": "boolean",
    },
    "live_sessions": {
        "session_id": "string",
        "merchant_id": "string",
        "anchor_id": "string",
        "provider_id": "string",
        "title": "string",
        "created_at": "int64",
    },
    "live_events": _EVENT_COLUMNS,
    "orders": {
        "order_id": "string",
        "merchant_id": "string",
        "shop_id": "string",
        "session_id": "string",
        "anchor_id": "string",
        "buyer_id": "string",
        "channel": "string",
        "talent_id": "string",
        "leader_id": "string",
        "status": "string",
        "created_at": "int64",
        "paid_at": "int64",
        "shipped_at": "int64",
        "received_at": "int64",
        "paid_fen": "int64",
        "freight_fen": "int64",
        "discount_fen": "int64",
        "source_file": "string",
        "raw": "string",
    },
    "order_lines": {
        "order_id": "string",
        "line_no": "int64",
        "product_id": "string",
        "sku": "string",
        "quantity": "int64",
        "unit_price_fen": "int64",
        "paid_fen": "int64",
        "after_sale_open": "boolean",
        "talent_rate_ppm": "int64",
        "leader_rate_ppm": "int64",
        # issue 7: the order's merchant, denormalised so a store clustered by merchant
        # (`caopan db optimize`) reads one merchant's lines alone; NULL: look it up in `orders`
        "merchant_id": "string",
    },
    "refunds": {
        "refund_id": "string",
        "order_id": "string",
        "line_no": "int64",
        "amount_fen": "int64",
        "refunded_at": "int64",
        "reason": "string",
    },
    "ad_spend": {
        "spend_id": "string",
        "session_id": "string",
        "merchant_id": "string",
        "channel": "string",
        "ts": "int64",
        "amount_fen": "int64",
    },
    "contracts": {
        "contract_id": "string",
        "merchant_id": "string",
        "provider_id": "string",
        "valid_from": "date",
        "valid_to": "date",
        "plan": "string",
        "created_at": "int64",
        "ended_at": "int64",
    },
    "commission_lines": {
        "line_id": "string",
        "contract_id": "string",
        "order_id": "string",
        "session_id": "string",
        "kind": "string",
        "state": "string",
        "base_fen": "int64",
        "commission_fen": "int64",
        "dated_at": "int64",
        "computed_at": "int64",
    },
    "ledger_entries": {
        "entry_id": "string",
        "posted_at": "int64",
        "description": "string",
        "reference": "string",
    },
    "ledger_postings": {
        "entry_id": "string",
        "posting_no": "int64",
        "account": "string",
        "amount_fen": "int64",
    },
    "alerts": {
        "session_id": "string",
        "rule": "string",
        "severity": "string",
        "state": "string",
        "message_zh": "string",
        "message_en": "string",
        "action_zh": "string",
        "action_en": "string",
        "window_minutes": "int64",
        "at": "int64",
    },
    "api_tokens": {
        "token_hash": "string",
        "provider_id": "string",
        "created_at": "int64",
        "revoked_at": "int64",
    },
    "quarantine": {
        "quarantine_id": "string",
        "source": "string",
        "line": "int64",
        "field": "string",
        "reason": "string",
        "raw": "binary",
        "received_at": "int64",
    },
    # -- imports (issue 8): settlement bills, session lists, and what each import wrote --
    "settlement_lines": {
        "line_id": "string",
        "merchant_id": "string",
        "order_id": "string",
        "product_id": "string",
        "product_name": "string",
        "quantity": "int64",
        "order_created_at": "int64",
        "paid_fen": "int64",
        "income_fen": "int64",
        "refund_fen": "int64",
        "tech_fee_fen": "int64",
        "talent_id": "string",
        "talent_commission_fen": "int64",
        "leader_id": "string",
        "leader_commission_fen": "int64",
        "provider_id": "string",
        "provider_commission_fen": "int64",
        "expense_fen": "int64",
        "settled_fen": "int64",
        "settled_at": "int64",
        "rule": "string",
        "source_file": "string",
        "raw": "string",
    },
    "session_stats": {
        "session_id": "string",
        "merchant_id": "string",
        "anchor_name": "string",
        "started_at": "int64",
        "ended_at": "int64",
        "minutes": "int64",
        "exposure_users": "int64",
        "viewers": "int64",
        "views": "int64",
        "product_exposure_users": "int64",
        "product_click_users": "int64",
        "buyers": "int64",
        "paid_fen": "int64",
        "source_file": "string",
        "raw": "string",
    },
    "imported_rows": {
        "target": "string",
        "row_key": "string",
        "group_key": "string",
        "fingerprint": "string",
        "source_file": "string",
        "imported_at": "int64",
    },
    # -- diagnosis (issue 7): every stage change; a move up is a leap (跃迁) ----------------
    "stage_changes": {
        "merchant_id": "string",
        "changed_on": "date",
        "from_stage": "string",
        "to_stage": "string",
        "leap": "boolean",
        "provider_id": "string",
        "window_days": "int64",
        "recorded_at": "int64",
    },
    # -- issue 5: per-session alert thresholds (append-only; the latest row of a session wins)
    "alert_thresholds": {
        "session_id": "string",
        "settings": "string",
        "set_at": "int64",
    },
    # every merchant's readings from `diagnose --all`: the peers of a one-merchant diagnosis
    "diagnosis_readings": {
        "as_of": "date",
        "window_days": "int64",
        "merchant_id": "string",
        "category": "string",
        "stage": "string",
        "indicator": "string",
        "value_micro": "int64",
        "recorded_at": "int64",
    },
}
"""Table name → column name → Ibis type name."""


def schema_of(table: str) -> sch.Schema:
    """The Ibis schema of a canonical table."""
    return ibis.schema(TABLES[table])


def money_columns(table: str) -> list[str]:
    """The columns of a table that hold money (fen)."""
    return [name for name in TABLES[table] if name.endswith("_fen")]
