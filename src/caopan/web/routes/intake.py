"""`POST /api/sessions/{session_id}/events`: live events over HTTP, NDJSON, token-protected."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from caopan.domain.errors import Forbidden, TooLarge, Unauthorized
from caopan.ingest.http import MAX_BODY_BYTES, MAX_EVENTS, check_body, too_many_events
from caopan.web.app import Server, server_of

router = APIRouter()


async def provider_of(request: Request, server: Server) -> str:
    """The provider of the request's bearer token: 401 without one, 403 for a wrong one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Unauthorized("an Authorization: Bearer <token> header is required")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    token = token.strip()
    if token not in server.tokens:
        provider = await server.run(lambda: server.app.token_provider(token))
        if provider is None:
            raise Forbidden("unknown or revoked token")
        server.tokens[token] = provider
    return server.tokens[token]


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"body of {int(declared):,} bytes is over the {limit:,}-byte limit")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"body is over the {limit:,}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/api/sessions/{session_id}/events")
async def post_events(session_id: str, request: Request) -> JSONResponse:
    """Validate, deduplicate and store a batch; answered once it is stored durably.

    200 with the counts when anything in the body was usable (or nothing was wrong); 422 with
    the reasons by line when every line was refused.
    """
    server = server_of(request)
    provider = await provider_of(request, server)
    body = await read_body(request)
    events = too_many_events(body)
    if events is not None:
        raise TooLarge(f"{events:,} events in one request; at most {MAX_EVENTS:,}")
    # checked off the event loop and off the store thread: the next body is parsed while
    # the previous one is stored
    with server.hub.storing(session_id):  # a push falling due meanwhile waits for this batch
        checked = await asyncio.to_thread(check_body, session_id, body)
        report = await server.run(lambda: server.ingest(checked, provider))
        if report.accepted:
            server.hub.touch(session_id)
    return JSONResponse(report.to_json(), status_code=200 if report.usable else 422)
