"""`create_app(settings)`: the JSON API, the web pages and the event stream on one app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from inroad import __version__, duties
from inroad.clock import Clock, TestClock
from inroad.config import Settings
from inroad.context import Context
from inroad.db import Database
from inroad.events.broker import make_broker
from inroad.migrate import upgrade
from inroad.services import clock_state
from inroad.web import api, errors, metrics, pages
from inroad.web.inbox_pages import InboxFront, InboxPages
from inroad.web.middleware import BodyLimit, RefuseNul, SecurityHeaders
from inroad.web.schemas import ERROR_RESPONSES, ClockAdvanceIn, ClockOut

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, clock: Clock | None = None,
               migrate: bool = True) -> FastAPI:
    db = Database(settings.database_url)
    if migrate:
        upgrade(db.engine)
    if clock is None:
        clock = TestClock(offset=clock_state.saved_offset(db)) if settings.test_clock else Clock()
    broker = make_broker(settings.redis_url)
    ctx = Context(settings=settings, db=db, clock=clock, publish=broker.publish)
    runner = (duties.DutyRunner(ctx, settings.duty_interval_seconds)
              if settings.run_duties_in_process else None)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        await broker.start()
        if runner:
            runner.start()
        with db.checkpoints():
            yield
        if runner:
            runner.stop()
        await broker.stop()
        db.dispose()

    app = FastAPI(title="Inroad API", version=__version__, lifespan=lifespan,
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  # Prometheus (web/metrics) is the telemetry here. FastAPI's own OpenTelemetry
                  # hook, left on, looks up its providers on every request: 4% of the bare
                  # POST's instructions (bench/RESULTS.md, eighth pass).
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.ctx = ctx
    app.state.broker = broker
    app.state.inbox_pages = InboxPages(settings.inbox_cache_mb * 2**20)
    errors.install(app)
    if settings.bench_endpoints:  # first: the bare POST pays no routing the others skip
        from inroad.web.api import bench
        app.include_router(bench.router)
    api.include(app)
    if isinstance(clock, TestClock):
        app.include_router(_test_clock_router(clock, db))
    app.state.templates = pages.templates()
    pages.include(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # Swagger UI from our own static folder: the CSP allows no other origin.
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="Inroad API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="data:,")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz(request: Request) -> dict[str, str]:
        request.app.state.ctx.db.ping()
        return {"status": "ready"}

    if settings.inbox_cache_mb and db.is_sqlite:  # innermost: the metrics count its answers
        app.add_middleware(InboxFront, ctx=ctx, pages=app.state.inbox_pages,
                           route=api.conversations.inbox_route)
    metrics.install(app, ctx)
    app.add_middleware(RefuseNul)
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app


def _test_clock_router(clock: TestClock, db: Database) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["test clock"], responses=ERROR_RESPONSES)

    @router.post("/test-clock/advance", response_model=ClockOut)
    def advance(body: ClockAdvanceIn) -> ClockOut:
        now = clock.advance(timedelta(days=body.days, hours=body.hours))
        clock_state.save_offset(db, clock.offset)  # survives a restart
        return ClockOut(now=now)

    return router
