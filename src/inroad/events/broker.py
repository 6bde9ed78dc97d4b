"""In-process event broker. Services publish from worker threads after commit; each SSE
connection holds an asyncio queue on the event loop, fed with `call_soon_threadsafe`."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict
from typing import Any

Event = tuple[str, dict[str, Any]]


class LocalBroker:
    def __init__(self, max_queue: int = 1000) -> None:
        self._subs: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]]] = (
            defaultdict(set))
        self._lock = threading.Lock()
        self._max_queue = max_queue

    def subscribe(self, member_id: str) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(self._max_queue)
        with self._lock:
            self._subs[member_id].add((asyncio.get_running_loop(), queue))
        return queue

    def unsubscribe(self, member_id: str, queue: asyncio.Queue[Event]) -> None:
        with self._lock:
            subs = self._subs.get(member_id, set())
            subs.difference_update({s for s in subs if s[1] is queue})
            if not subs:
                self._subs.pop(member_id, None)

    def publish(self, member_id: str, event: str, data: dict[str, Any]) -> None:
        self.deliver_local(member_id, event, data)

    def deliver_local(self, member_id: str, event: str, data: dict[str, Any]) -> None:
        with self._lock:
            subs = list(self._subs.get(member_id, ()))
        for loop, queue in subs:
            loop.call_soon_threadsafe(_put, queue, (event, data))

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


def _put(queue: asyncio.Queue[Event], item: Event) -> None:
    if not queue.full():  # a stalled client loses events rather than memory
        queue.put_nowait(item)


def sse_frame(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def make_broker(redis_url: str | None) -> LocalBroker:
    """The in-process broker, or Redis pub/sub when several processes must share events."""
    if not redis_url:
        return LocalBroker()
    from inroad.events.redis_broker import RedisBroker

    return RedisBroker(redis_url)
