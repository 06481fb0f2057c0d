"""The web application: intake, snapshots and pages over one App, through one store worker.

Every error leaves as a JSON body `{"error": …, "message": …}` with its status; never a
traceback. All store work runs on the single `Writer` thread.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from importlib import resources
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from caopan.app import App, names_of, stock_of
from caopan.domain.alerts import Alert, Thresholds, evaluate, stock_remaining
from caopan.domain.catalog import COMMISSION_METRIC
from caopan.domain.errors import CaopanError
from caopan.engine.backend import Engine
from caopan.engine.scope import MINUTE_MS, Span
from caopan.engine.writer import Writer
from caopan.ingest.http import BatchReport, CheckedBody
from caopan.stream.aggregators import Aggregators
from caopan.stream.bus import Hub

log = logging.getLogger("caopan.web")
T = TypeVar("T")

CHECKPOINT_WAL_BYTES = 16 * 2**20
"""Once the store's log holds this much, the server checkpoints it just after a screen's
refresh (DuckDB's own default threshold). A checkpoint blocks intake while it runs (~80 ms for
16 MB of events); just after a refresh, the batches it holds back still make the next push, a
second away. At a random moment, as DuckDB would take it, it can delay a push, or slow the
refresh itself."""
CHECKPOINT_WAL_LIMIT = 4 * CHECKPOINT_WAL_BYTES
"""Without a screen to time it (nobody watching), intake checkpoints once the log is this
large; DuckDB's own automatic checkpoint waits for a log of 16 times this."""


class Server:
    """What the routes share: the App, its store worker, and the token cache."""

    def __init__(self, app: App, live_idle_minutes: float = 30.0) -> None:
        self.app = app
        self.writer = Writer()
        self.reads = Writer()  # snapshots: a second connection, so intake never waits on them
        self.tokens: dict[str, str] = {}
        self.hub = Hub(self.screen_snapshot, after_refresh=self.after_refresh)
        self._checkpoint_queued = False
        self.live = Aggregators(idle_seconds=live_idle_minutes * 60)
        self._reader: Engine | None = None
        self.alerts: dict[tuple[str, int], dict[str, tuple[Alert, int]]] = {}
        self.thresholds: dict[str, Thresholds] = {}

    async def thresholds_of(self, session_id: str) -> Thresholds:
        """A session's alert thresholds (read from the store once, then kept)."""
        found = self.thresholds.get(session_id)
        if found is None:
            found = await self.read(lambda r: self.app.alert_thresholds(session_id, engine=r))
            self.thresholds.setdefault(session_id, found)
        return found

    async def read(self, operation: Callable[[Engine], T]) -> T:
        """Run a read on the reader thread, over a reader connection of the store."""

        def call() -> T:
            if self._reader is None:
                self._reader = self.writer.run(self.app.engine.reader)
            return operation(self._reader)

        return await asyncio.wrap_future(self.reads.submit(call))

    def ingest(self, checked: CheckedBody, provider: str) -> BatchReport:
        """Store a checked body and fold what was accepted into the live session (on the
        writer thread, so loading a session from the store and folding never interleave)."""
        report = self.app.store_body(checked, provider)
        self.live.fold(checked.session_id, report.rows)
        self._checkpoint(CHECKPOINT_WAL_LIMIT)
        return report

    def open_store(self) -> None:
        """On the writer thread: open the store (and create its schema) before serving, and
        take the timing of checkpoints from DuckDB (see `CHECKPOINT_WAL_BYTES`)."""
        self.app.engine.checkpoint_when(16 * CHECKPOINT_WAL_LIMIT)

    def after_refresh(self, session_id: str) -> None:
        """A screen was just refreshed: checkpoint the store now if its log is large (on the
        writer thread, after the batches already queued)."""
        if not self._checkpoint_queued:
            self._checkpoint_queued = True
            self.writer.submit(self._checkpoint_after_refresh)

    def _checkpoint_after_refresh(self) -> None:
        self._checkpoint_queued = False
        self._checkpoint(CHECKPOINT_WAL_BYTES)

    def _checkpoint(self, wal_bytes: int) -> None:
        """On the writer thread: checkpoint if the log holds `wal_bytes` or more. A failed
        checkpoint loses nothing (the log keeps every write): it is logged and tried again."""
        engine = self.app.engine
        try:
            if engine.wal_bytes() >= wal_bytes:
                engine.checkpoint()
        except Exception as exc:
            log.warning("checkpoint failed; the log keeps every write: %s", exc)

    async def load_live(self, session_id: str) -> None:
        """Rebuild a session's aggregator from the store if it is not loaded yet."""
        if not self.live.loaded(session_id):
            await self.run(lambda: self.live.load(session_id, self.app.stored_events(session_id)))

    async def live_snapshot(
        self, session_id: str, window: int | None, as_of: int | None = None
    ) -> dict[str, Any]:
        """The snapshot from the live aggregator (loaded from the store on first use); an
        `as_of` other than the latest event's falls back to the batch review."""
        await self.load_live(session_id)
        latest = self.live.latest(session_id)
        if latest is not None and (as_of is None or as_of == latest):
            try:
                doc = await asyncio.wrap_future(
                    self.reads.submit(lambda: self.live.snapshot(session_id, window))
                )
            except KeyError:  # dropped for a rebuild meanwhile: the store answers
                pass
            else:
                return await self.add_commission(session_id, doc)
        return await self.read(lambda r: self.app.review(session_id, as_of, window, engine=r))

    async def screen_snapshot(self, session_id: str, window: int | None) -> dict[str, Any]:
        """What a screen shows: the session range and the window, as of the latest event."""
        await self.load_live(session_id)
        try:
            whole, recent = await asyncio.wrap_future(
                self.reads.submit(lambda: self.live.pair(session_id, window))
            )
        except KeyError:  # no events yet (the review says so), or dropped for a rebuild
            whole = await self.read(lambda r: self.app.review(session_id, engine=r))
            recent = None
            if window is not None:
                recent = await self.read(
                    lambda r: self.app.review(session_id, whole["as_of"], window, engine=r)
                )
        else:
            await self.add_commission(session_id, whole)
            if recent is not None:
                await self.add_commission(session_id, recent)
        if recent is None or window is None:
            return {"session": whole, "window": None}
        ids = [p["product_id"] for p in whole["products"]]
        facts = await self.read(lambda r: self.app.product_facts(ids, engine=r)) if ids else {}
        stock: dict[str, int | None] = stock_of(facts)
        names = names_of(facts)
        alerts = await self.track_alerts(session_id, window, recent, whole, stock, names)
        comments = await self.comments(session_id, window)
        left = stock_remaining(whole["products"], stock)
        return {
            "session": whole,
            "window": recent,
            "alerts": alerts,
            "comments": comments,
            "stock_left": left,
            "product_names": names,
        }

    async def comments(self, session_id: str, minutes: int) -> dict[str, Any] | None:
        """The comment panel (latest comments, hot words of the last `minutes`) as of the
        latest event; None for a session with no events."""
        await self.load_live(session_id)
        try:
            return await asyncio.wrap_future(
                self.reads.submit(lambda: self.live.comments(session_id, minutes))
            )
        except KeyError:  # no events yet, or dropped for a rebuild meanwhile
            return None

    async def add_commission(self, session_id: str, doc: dict[str, Any]) -> dict[str, Any]:
        """Metric 42 into an aggregator's snapshot: the commission, under the merchant's
        contract, of the orders paid in its range (and in the window before)."""
        as_of = int(doc["as_of"])
        minutes = doc["range"].get("minutes")
        if minutes is None:
            spans = [Span(-1, as_of)]  # every payment of the session up to as_of
        else:
            width = int(minutes) * MINUTE_MS
            spans = [Span(as_of - width, as_of), Span(as_of - 2 * width, as_of - width)]
        values = await self.read(
            lambda r: self.app.commission_estimates(r, session_id, as_of, spans)
        )
        doc["metrics"][COMMISSION_METRIC] = (
            values[0] if minutes is None else {"value": values[0], "previous": values[1]}
        )
        return doc

    async def track_alerts(
        self,
        session_id: str,
        window: int,
        recent: dict[str, Any],
        whole: dict[str, Any],
        stock: dict[str, int | None],
        names: dict[str, str],
    ) -> list[dict[str, Any]]:
        """Evaluate the rules (`stock`: the known stock of the session's products, `names`
        their names); store what fired and what cleared; return what is active."""
        limits = await self.thresholds_of(session_id)
        found = evaluate(
            recent["metrics"],
            whole["series"],
            window,
            limits,
            products=whole["products"],
            stock=stock,
            names=names,
        )
        raised = {a.rule: a for a in found}
        key = (session_id, window)
        active = self.alerts.setdefault(key, {})
        at = int(recent["as_of"])
        changes = [(a, "fired") for rule, a in raised.items() if rule not in active]
        changes += [(a, "cleared") for rule, (a, _) in active.items() if rule not in raised]
        for alert, state in changes:
            if state == "fired":
                active[alert.rule] = (alert, at)
            else:
                active.pop(alert.rule, None)
        if changes:
            await self.run(lambda: self.app.record_alerts(session_id, window, changes, at))
        return [
            {
                "rule": a.rule,
                "severity": a.severity,
                "zh": a.zh,
                "en": a.en,
                "action_zh": a.action_zh,
                "action_en": a.action_en,
                "fired_at": fired,
            }
            for a, fired in sorted(active.values(), key=lambda x: -x[1])
        ]

    async def run(self, operation: Callable[[], T]) -> T:
        return await asyncio.wrap_future(self.writer.submit(operation))

    def close(self) -> None:
        self.reads.close()
        self.writer.run(self.app.close)
        self.writer.close()


def _error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": kind, "message": message}, status_code=status)


def create_app(app: App, live_idle_minutes: float = 30.0) -> FastAPI:
    """The FastAPI application serving `app`'s store; a live session nobody watches and no
    event reaches for `live_idle_minutes` is dropped from memory (rebuilt when asked for)."""
    server = Server(app, live_idle_minutes)

    async def evict_idle() -> None:
        while True:
            await asyncio.sleep(min(60.0, live_idle_minutes * 60 / 2))
            watched = {session_id for session_id, _ in server.hub.feeds}
            await server.run(partial(server.live.evict, watched))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await server.run(server.open_store)
        # What is loaded by now (the libraries, the store's schema) lives as long as the
        # server: moved out of the collector's reach, a full collection scans the objects made
        # since (~15 ms) instead of every one (~100 ms, which delayed a push when it struck).
        gc.collect()
        gc.freeze()
        sweeper = asyncio.create_task(evict_idle())
        yield
        sweeper.cancel()
        server.close()

    api = FastAPI(title="caopan 操盘", version="0.1.0", lifespan=lifespan)
    api.state.server = server

    @api.exception_handler(CaopanError)
    async def caopan_error(_: Request, exc: CaopanError) -> JSONResponse:
        return _error(exc.status, type(exc).__name__, str(exc))

    @api.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _error(422, "InvalidInput", where)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "HTTPError", str(exc.detail))

    @api.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error", exc_info=exc)
        return _error(500, "InternalError", "internal error; the server log has the details")

    from caopan.web.routes import alerts, commission, intake, pages, sessions
    from caopan.web.routes import diagnosis as diagnosis_routes

    api.include_router(intake.router)
    api.include_router(sessions.router)
    api.include_router(pages.router)
    api.include_router(commission.router)
    api.include_router(diagnosis_routes.router)
    api.include_router(alerts.router)
    static = resources.files("caopan.web") / "static"
    api.mount("/static", StaticFiles(directory=str(static)), name="static")
    return api


def server_of(request: Request) -> Server:
    server: Server = request.app.state.server
    return server
