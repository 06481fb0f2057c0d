"""Per-session alert thresholds: read them, and change them with the session owner's token."""

from __future__ import annotations

import json
from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from caopan.domain.alerts import Thresholds
from caopan.domain.errors import InvalidInput
from caopan.web.app import server_of
from caopan.web.routes.intake import provider_of, read_body

router = APIRouter()


@router.get("/api/sessions/{session_id}/alert-thresholds")
async def get_thresholds(session_id: str, request: Request) -> JSONResponse:
    """The thresholds the session's alerts use (the defaults until some are set)."""
    server = server_of(request)
    thresholds = await server.thresholds_of(session_id)
    return JSONResponse({"session_id": session_id, "thresholds": asdict(thresholds)})


@router.put("/api/sessions/{session_id}/alert-thresholds")
async def put_thresholds(session_id: str, request: Request) -> JSONResponse:
    """Change some thresholds (a JSON object of name → number); stored, and applied from the
    next snapshot on. Needs a token of the provider that owns the session."""
    server = server_of(request)
    provider = await provider_of(request, server)
    try:
        values = json.loads(await read_body(request, 64 << 10) or b"null")
    except ValueError as exc:
        raise InvalidInput(f"the body must be a JSON object: {exc}") from exc
    if not isinstance(values, dict):
        raise InvalidInput("the body must be a JSON object of threshold name → number")

    def store() -> Thresholds:
        server.app.check_owner(session_id, provider)
        return server.app.set_alert_thresholds(session_id, values)

    thresholds = await server.run(store)
    server.thresholds[session_id] = thresholds
    server.hub.touch(session_id)
    return JSONResponse({"session_id": session_id, "thresholds": asdict(thresholds)})
