"""Prometheus metrics at `/metrics`: request latency by route, InMail sends and refusals by
code, and the email outbox depth. With several worker processes, set PROMETHEUS_MULTIPROC_DIR
(prometheus-client's multiprocess mode) so a scrape sees every process."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inroad.context import Context
from inroad.models import EmailOutbox

REQUEST_SECONDS = Histogram(
    "inroad_request_seconds", "HTTP request latency", ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
INMAILS_SENT = Counter("inroad_inmails_sent_total", "InMails delivered")
INMAIL_REFUSALS = Counter("inroad_inmail_refusals_total", "InMails refused", ["code"])


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # (method, route object, status) -> (labelled child, counts as a delivered InMail):
        # `labels()` and the label itself cost more than the observation.
        self._children: dict[tuple[str, int, int], tuple[Any, bool]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            key = (scope["method"], id(scope.get("route")), status)
            entry = self._children.get(key)
            if entry is None:
                label = _route_label(scope)
                entry = (REQUEST_SECONDS.labels(key[0], label, str(status)),
                         label == "/api/v1/inmails" and key[0] == "POST" and status == 201)
                if scope.get("route") is not None:  # routes live as long as the app
                    self._children[key] = entry
            entry[0].observe(time.perf_counter() - start)
            if entry[1]:
                INMAILS_SENT.inc()


def _route_label(scope: Scope) -> str:
    """The route template (`/api/v1/conversations/{conversation_id}`), not the raw path, so ids
    do not explode the label set."""
    if scope.get("route") is None:
        return "unmatched"
    path: str = scope["path"]
    for name, value in (scope.get("path_params") or {}).items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return path


def count_refusal(code: str) -> None:
    INMAIL_REFUSALS.labels(code).inc()


class OutboxDepth(Collector):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.ctx.db.read() as s:
            depth = s.scalar(select(func.count()).select_from(EmailOutbox)
                             .where(EmailOutbox.sent_at.is_(None))) or 0
        yield GaugeMetricFamily("inroad_email_outbox_depth", "Emails waiting to be sent",
                                value=depth)


def install(app: FastAPI, ctx: Context) -> None:
    outbox = OutboxDepth(ctx)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        registry = REGISTRY
        if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
        body += generate_latest(_single(outbox))
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(MetricsMiddleware)


def _single(collector: Collector) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(collector)
    return registry
