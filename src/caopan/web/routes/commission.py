"""Commission pages and their JSON: a contract's terms, a session's earnings, a month's
statement (from the stored commission lines; `caopan settle` writes them)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from caopan.domain.clock import shanghai_text
from caopan.reports.formatting import value_text
from caopan.reports.statement import SESSION_FIGURES
from caopan.web.app import server_of

router = APIRouter()
_env = Environment(
    loader=PackageLoader("caopan.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def money(fen: int | None) -> str:
    return value_text("fen", fen)


_env.globals["money"] = money

HEADLINE = (
    ("provider_earnings_fen", "服务商收益", "provider earnings"),
    ("commission_fen", "服务商佣金", "provider commission"),
    ("gmv_fen", "成交金额", "GMV"),
    ("merchant_result_fen", "商家实得", "merchant result"),
)
PROVIDER_ROWS = (
    ("base_fen", "计佣基数", "commission base", False),
    ("estimated_fen", "预估佣金", "estimated", False),
    ("pending_fen", "待结算佣金", "pending", False),
    ("settled_fen", "已结算佣金", "settled", False),
    ("clawback_fen", "退佣", "clawed back", False),
    ("commission_fen", "服务商佣金", "provider commission", True),
    ("slot_fee_fen", "坑位费", "slot fee", False),
    ("guarantee_refund_fen", "保量退还", "guarantee give-back", False),
    ("provider_earnings_fen", "服务商收益", "provider earnings", True),
)
MERCHANT_ROWS = (
    ("gmv_fen", "成交金额", "GMV", False),
    ("refunds_fen", "− 退款", "refunds", False),
    ("technical_fee_fen", "− 技术服务费", "platform fee", False),
    ("talent_fen", "− 达人佣金", "talent commission", False),
    ("leader_fen", "− 团长服务费", "leader fee", False),
    ("commission_fen", "− 服务商佣金", "provider commission", False),
    ("_slot_net", "− 坑位费 (扣保量退还)", "slot fee net of give-back", False),
    ("ad_spend_fen", "− 投放消耗", "ad spend", False),
    ("merchant_result_fen", "商家实得", "merchant result", True),
)


def _page(template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(template).render(**context))


@router.get("/api/contracts/{contract_id}")
async def contract_json(contract_id: str, request: Request) -> JSONResponse:
    """A contract: every term, and the terms as people read them (`terms`)."""
    server = server_of(request)
    return JSONResponse(await server.read(lambda r: server.app.contract(contract_id, engine=r)))


@router.get("/contracts/{contract_id}", response_class=HTMLResponse)
async def contract_page(contract_id: str, request: Request) -> HTMLResponse:
    server = server_of(request)
    c = await server.read(lambda r: server.app.contract(contract_id, engine=r))
    plan_json = json.dumps(c["plan"], ensure_ascii=False, indent=2)
    return _page("contract.html", title=f"分佣合同 · {contract_id}", c=c, plan_json=plan_json)


@router.get("/api/sessions/{session_id}/earnings")
async def earnings_json(
    session_id: str,
    request: Request,
    as_of: int | None = Query(None, description="epoch ms; default now"),
) -> JSONResponse:
    """A session's earnings, exactly as `caopan earnings --json` gives them."""
    server = server_of(request)
    return JSONResponse(
        await server.read(lambda r: server.app.earnings(session_id, as_of, engine=r))
    )


def _rows(e: dict[str, Any], spec: tuple[tuple[str, str, str, bool], ...]) -> list[dict[str, Any]]:
    return [
        {"zh": zh, "en": en, "value": money(e[key]), "total": total} for key, zh, en, total in spec
    ]


@router.get("/earnings/{session_id}", response_class=HTMLResponse)
async def earnings_page(
    session_id: str, request: Request, as_of: int | None = Query(None)
) -> HTMLResponse:
    server = server_of(request)
    e = await server.read(lambda r: server.app.earnings(session_id, as_of, engine=r))
    e["_slot_net"] = e["slot_fee_fen"] - e["guarantee_refund_fen"]
    roi = e["roi_after_fees"]
    headline = [{"zh": zh, "en": en, "value": money(e[key])} for key, zh, en in HEADLINE]
    headline.append(
        {
            "zh": "服务商后ROI",
            "en": "ROI after service fees",
            "value": "—" if roi is None else f"{roi:.2f}",
        }
    )
    return _page(
        "earnings.html",
        title=f"场次收益 · {session_id}",
        e=e,
        as_of=shanghai_text(e["as_of"]),
        headline=headline,
        provider_rows=_rows(e, PROVIDER_ROWS),
        merchant_rows=_rows(e, MERCHANT_ROWS),
    )


def _strip(statement: dict[str, Any]) -> dict[str, Any]:
    sessions = [
        {k: v for k, v in s.items() if k not in ("lines", "clawbacks")}
        for s in statement["sessions"]
    ]
    return statement | {"sessions": sessions}


@router.get("/api/statements/{merchant_id}/{month}")
async def statement_json(
    merchant_id: str, month: str, request: Request, as_of: int | None = Query(None)
) -> JSONResponse:
    """A merchant's statement for a month (YYYY-MM), from the stored commission lines."""
    server = server_of(request)
    st = await server.read(lambda r: server.app.statement(month, merchant_id, as_of, engine=r))
    return JSONResponse(_strip(st))


@router.get("/statements/{merchant_id}/{month}", response_class=HTMLResponse)
async def statement_page(
    merchant_id: str, month: str, request: Request, as_of: int | None = Query(None)
) -> HTMLResponse:
    server = server_of(request)
    st = await server.read(lambda r: server.app.statement(month, merchant_id, as_of, engine=r))
    return _page(
        "statement.html",
        title=f"月度结算单 · {merchant_id} · {month}",
        st=st,
        as_of=shanghai_text(st["as_of"]),
        figures=SESSION_FIGURES,
    )
