from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from inroad.domain.errors import Unauthorized
from inroad.events.broker import sse_frame
from inroad.services import accounts
from inroad.web.deps import bearer

router = APIRouter(tags=["events"])

# Comments every 15 s keep proxies from closing an idle stream and reveal dead clients.
KEEPALIVE_SECONDS = 15.0
# Browsers' EventSource reconnects after this many milliseconds when the stream drops.
RETRY_MS = 3000


@router.get("/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})
async def events(request: Request, token: str | None = Query(default=None, max_length=200)
                 ) -> StreamingResponse:
    """Server-sent events for the signed-in member: `event:` the name, `data:` a JSON object.
    Browsers may pass `?token=`; the web app's cookie session works too. At most once: a
    client that reconnects reads current state from the API."""
    ctx = request.app.state.ctx
    creds = await bearer(request)
    raw = (creds.credentials if creds else None) or token or request.cookies.get("inroad_session")
    if not raw:
        raise Unauthorized("Send `Authorization: Bearer <token>`.")
    member = await asyncio.to_thread(accounts.authenticate, ctx, raw)
    broker = request.app.state.broker

    async def stream() -> AsyncIterator[str]:
        # Subscribe inside the generator so the `finally` always pairs with it: a client that
        # leaves before the first byte must not leave a queue behind in the broker.
        queue = broker.subscribe(member.id)
        try:
            # ": connected" tells clients (and tests) the subscription is live.
            yield f": connected\nretry: {RETRY_MS}\n\n"
            while True:
                try:
                    event, data = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    # Uvicorn (ASGI 2.3) cancels this generator as soon as the client goes;
                    # servers on ASGI 2.4 do not, so look here too (and a failed send ends it).
                    if await request.is_disconnected():
                        return
                    yield ": keepalive\n\n"
                    continue
                yield sse_frame(event, data)
        finally:
            broker.unsubscribe(member.id, queue)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
