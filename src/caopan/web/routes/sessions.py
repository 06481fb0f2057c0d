"""Sessions over HTTP: the list, and the snapshot (the review's JSON as of an instant)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from caopan.domain.errors import NotFound
from caopan.web.app import server_of

router = APIRouter()
KEEPALIVE_SECONDS = 15.0


@router.get("/api/health")
async def health(request: Request) -> JSONResponse:
    """Cheap liveness: the server answers (the store is opened before it listens), the live
    sessions it holds in memory, and its push feeds with the wall time of recent refreshes."""
    server = server_of(request)
    return JSONResponse(
        {"ok": True, "live_sessions": sorted(server.live.sessions), "push": server.hub.stats()}
    )


@router.get("/api/sessions")
async def list_sessions(request: Request) -> JSONResponse:
    server = server_of(request)
    rows = await server.read(lambda r: server.app.session_summaries(engine=r))
    return JSONResponse(rows)


@router.get("/api/sessions/{session_id}/snapshot")
async def snapshot(
    session_id: str,
    request: Request,
    window: int | None = Query(None, description="minutes: 1, 5, 10, 15 …"),
    as_of: int | None = Query(None, description="epoch ms; default: the latest event"),
) -> JSONResponse:
    """The session's 42 metrics and breakdowns, exactly as `caopan review --json` gives them."""
    server = server_of(request)
    result = await server.live_snapshot(session_id, window, as_of)
    return JSONResponse(result)


@router.get("/api/sessions/{session_id}/comments")
async def comments(
    session_id: str,
    request: Request,
    minutes: int = Query(5, description="hot words of the last minutes: 1, 5, 10, 15 …"),
) -> JSONResponse:
    """The latest comments (newest first) and the hot words of the last `minutes` minutes
    with the number of comments having each, as of the latest event."""
    server = server_of(request)
    found = await server.comments(session_id, minutes)
    if found is None:
        raise NotFound(f"no events for session {session_id!r}")
    return JSONResponse(found)


@router.get("/api/sessions/{session_id}/stream")
async def stream(
    session_id: str,
    request: Request,
    window: int | None = Query(None, description="minutes: 1, 5, 10, 15 …"),
) -> StreamingResponse:
    """Server-sent events: `{"session": snapshot, "window": snapshot}` whenever it changes
    (at most once a second); a comment line every 15 s keeps idle connections open. A client
    that reconnects gets the current snapshot at once."""
    server = server_of(request)
    feed = await server.hub.subscribe(session_id, window)

    async def events() -> AsyncIterator[str]:
        version = -1
        try:
            while not await request.is_disconnected():
                if feed.version > version:
                    version = feed.version
                    yield f"id: {version}\nevent: snapshot\ndata: {feed.payload}\n\n"
                elif not await server.hub.wait_newer(feed, version, KEEPALIVE_SECONDS):
                    yield ": keep-alive\n\n"
        finally:
            server.hub.unsubscribe(feed)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
