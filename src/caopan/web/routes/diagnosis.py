"""Diagnosis (诊断) over HTTP: a merchant's page and its JSON.

`GET /merchants/{id}/diagnosis?window=30&as_of=YYYY-MM-DD` is the self-contained report page;
`GET /api/merchants/{id}/diagnosis` the spec's JSON (with the page's breakdowns). Reading does
not record a stage change: `caopan diagnose` and `caopan stages track` do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from caopan.domain.errors import InvalidInput
from caopan.reports import diagnosis as diagnosis_page
from caopan.web.app import server_of

router = APIRouter()


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"as_of must be a date YYYY-MM-DD (got {text!r})") from None


async def _diagnose(request: Request, merchant_id: str, window: int, as_of: str | None) -> Any:
    server = server_of(request)
    day = _as_of(as_of)
    return await server.read(
        lambda r: server.app.diagnose(merchant_id, window, day, record=False, engine=r)
    )


@router.get("/api/merchants/{merchant_id}/diagnosis")
async def diagnosis_json(
    request: Request,
    merchant_id: str,
    window: int = Query(30, description="Window in days (vs the one before)."),
    as_of: str | None = Query(None, description="Last day of the window (default today)."),
) -> dict[str, Any]:
    result: dict[str, Any] = await _diagnose(request, merchant_id, window, as_of)
    return result


@router.get("/merchants/{merchant_id}/diagnosis", response_class=HTMLResponse)
async def diagnosis_html(
    request: Request,
    merchant_id: str,
    window: int = Query(30, description="Window in days (vs the one before)."),
    as_of: str | None = Query(None, description="Last day of the window (default today)."),
) -> HTMLResponse:
    result = await _diagnose(request, merchant_id, window, as_of)
    return HTMLResponse(diagnosis_page.render(result))
