"""Redis pub/sub broker: events published by any app process or worker reach the SSE streams
held by every app process.

Publishing is synchronous (services publish from worker threads after commit) and goes
through a thread-safe `redis.Redis` connection pool. Each app process runs one asyncio task
that subscribes to a single channel and hands every message to `deliver_local`, which feeds
the SSE queues of that process. One channel for all members keeps subscriptions constant;
each process drops messages for members it holds no stream for with one dict lookup.

Delivery is at most once, like the in-process broker: an event published while a process is
reconnecting to Redis is lost for that process's streams. Events are notifications, not data:
every client can read the current state from the API after a reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.backoff import NoBackoff
from redis.retry import Retry

from inroad.events.broker import LocalBroker

log = logging.getLogger("inroad.events")

CHANNEL = "inroad:events"


class RedisBroker(LocalBroker):
    # After a failed publish, skip Redis for this long (deliver locally) so that a Redis outage
    # costs each request one failed attempt per second rather than a timeout each.
    PUBLISH_PAUSE_SECONDS = 1.0
    MAX_BACKOFF_SECONDS = 10.0

    def __init__(self, url: str, channel: str = CHANNEL, max_queue: int = 1000,
                 start_timeout: float = 3.0) -> None:
        super().__init__(max_queue)
        self.url = url
        self.channel = channel
        self.start_timeout = start_timeout
        # One quick retry covers a pooled connection that went stale when Redis restarted;
        # more would hold the caller's request thread while Redis is down.
        self._client = redis.Redis.from_url(
            url, socket_timeout=2.0, socket_connect_timeout=2.0, health_check_interval=30,
            retry=Retry(NoBackoff(), 1))
        self._paused_until = 0.0
        self._pause_lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None
        self._subscribed: asyncio.Event | None = None
        # Visible in `CLIENT LIST`, so an operator (or a test) can find this subscriber.
        self.client_name = f"inroad-events-{os.getpid()}-{id(self):x}"

    def publish(self, member_id: str, event: str, data: dict[str, Any]) -> None:
        """Never raises: the change is already committed, so a Redis failure must not turn a
        successful request into an error. Without Redis, this process's streams still get it."""
        if time.monotonic() >= self._paused_until:
            payload = json.dumps({"member_id": member_id, "event": event, "data": data},
                                 separators=(",", ":"))
            try:
                self._client.publish(self.channel, payload)
                return
            except redis.RedisError as exc:
                with self._pause_lock:
                    self._paused_until = time.monotonic() + self.PUBLISH_PAUSE_SECONDS
                log.warning("Redis publish failed (%s); delivering %s in this process only",
                            exc, event)
        self.deliver_local(member_id, event, data)

    @property
    def subscribed(self) -> bool:
        return self._subscribed is not None and self._subscribed.is_set()

    async def start(self) -> None:
        """Start the subscriber task and wait (briefly) until it is subscribed. If Redis is
        down the app still starts; the task keeps retrying in the background."""
        self._subscribed = asyncio.Event()
        self._task = asyncio.create_task(self._listen(), name="inroad-redis-events")
        try:
            await asyncio.wait_for(self._subscribed.wait(), self.start_timeout)
        except TimeoutError:
            log.warning("not subscribed to Redis %s yet; events from other processes will "
                        "arrive once it is", self.channel)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._client.close()

    async def _listen(self) -> None:
        assert self._subscribed is not None
        backoff = 0.1
        while True:
            client = aioredis.Redis.from_url(
                self.url, socket_connect_timeout=5.0, socket_keepalive=True,
                health_check_interval=15, client_name=self.client_name)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    self._subscribed.set()
                    backoff = 0.1
                    log.info("subscribed to Redis channel %s", self.channel)
                    while True:
                        # A timeout (not a blocking read) so health-check PINGs go out and a
                        # dead connection is noticed.
                        message = await pubsub.get_message(timeout=5.0)
                        if message is not None and message["type"] == "message":
                            self._dispatch(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure: reconnect with backoff, never give up
                self._subscribed.clear()
                log.warning("Redis subscription lost (%s); retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.MAX_BACKOFF_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()

    def _dispatch(self, raw: bytes | str) -> None:
        try:
            msg = json.loads(raw)
            member_id, event, data = msg["member_id"], msg["event"], msg["data"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring malformed event on %s: %.200r", self.channel, raw)
            return
        self.deliver_local(member_id, event, data)
