"""Pages for people: the home page (sessions), the big screen, the review."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from caopan.domain.catalog import GROUPS, METRICS
from caopan.domain.clock import shanghai_text
from caopan.reports import review as review_page
from caopan.web.app import server_of

router = APIRouter()
_env = Environment(
    loader=PackageLoader("caopan.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
WINDOWS = (1, 5, 10, 15)


def catalog_json() -> str:
    """The catalog as the screen needs it (labels in both languages, units, which way is up)."""
    return json.dumps(
        {
            "groups": [{"id": g.id, "zh": g.zh, "en": g.en} for g in GROUPS],
            "metrics": [
                {
                    "number": m.number,
                    "id": m.id,
                    "zh": m.zh,
                    "en": m.en,
                    "group": m.group.id,
                    "unit": m.unit,
                    "up": m.higher_is_better,
                }
                for m in METRICS
            ],
        },
        ensure_ascii=False,
    )


def _lang(lang: str | None) -> str:
    return "en" if lang == "en" else "zh"


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    return Response(status_code=204)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, lang: str | None = Query(None)) -> HTMLResponse:
    server = server_of(request)
    sessions: list[dict[str, Any]] = await server.read(
        lambda r: server.app.session_summaries(engine=r)
    )
    for s in sessions:
        s["start_text"] = shanghai_text(int(s["start"]))
        s["last_text"] = shanghai_text(int(s["last"]))
    sessions.sort(key=lambda s: -int(s["last"]))
    html = _env.get_template("home.html").render(sessions=sessions, lang=_lang(lang))
    return HTMLResponse(html)


@router.get("/screen/{session_id}", response_class=HTMLResponse)
async def screen(
    session_id: str,
    lang: str | None = Query(None),
    window: int = Query(5, description="1, 5, 10 or 15 minutes"),
) -> HTMLResponse:
    html = _env.get_template("screen.html").render(
        session_id=session_id,
        session_json=json.dumps(session_id),
        lang=_lang(lang),
        window=window if window in WINDOWS else 5,
        windows=WINDOWS,
        catalog=catalog_json(),
    )
    return HTMLResponse(html)


@router.get("/review/{session_id}", response_class=HTMLResponse)
async def review(
    session_id: str, request: Request, window: int | None = Query(None)
) -> HTMLResponse:
    server = server_of(request)
    result = await server.read(lambda r: server.app.review(session_id, None, window, engine=r))
    return HTMLResponse(review_page.render(result))
