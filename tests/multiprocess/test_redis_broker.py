"""RedisBroker in one process: delivery through Redis, reconnects, and life without Redis."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import threading
import time
from typing import Any

import pytest
import redis

from inroad.events.redis_broker import RedisBroker


def run_isolated(coro):  # type: ignore[no-untyped-def]
    """asyncio.run in a fresh thread: Playwright's sync API (browser tests in the same xdist
    worker) leaves an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def channel() -> str:
    # A channel of our own: other test runs may share this Redis.
    return f"inroad:test:{os.getpid()}:{time.monotonic_ns()}"


async def next_event(queue: asyncio.Queue[Any], timeout: float = 5.0) -> Any:
    return await asyncio.wait_for(queue.get(), timeout)


@pytest.mark.redis
def test_an_event_published_from_a_thread_arrives_through_redis(redis_url):
    async def scenario() -> None:
        broker = RedisBroker(redis_url, channel=channel())
        await broker.start()
        try:
            assert broker.subscribed
            queue = broker.subscribe("m1")
            other = broker.subscribe("m2")
            thread = threading.Thread(target=broker.publish,
                                      args=("m1", "message.created", {"n": 1}))
            thread.start()
            assert await next_event(queue) == ("message.created", {"n": 1})
            thread.join()
            assert other.empty()
        finally:
            await broker.stop()

    run_isolated(scenario())


@pytest.mark.redis
def test_the_subscriber_reconnects_after_redis_drops_it(redis_url):
    client = redis.Redis.from_url(redis_url)

    async def scenario() -> None:
        broker = RedisBroker(redis_url, channel=channel())
        await broker.start()
        try:
            queue = broker.subscribe("m1")
            [conn] = [c for c in client.client_list() if c["name"] == broker.client_name]
            client.client_kill_filter(_id=conn["id"])
            deadline = time.monotonic() + 10
            while client.pubsub_numsub(broker.channel)[0][1] != 1:
                assert time.monotonic() < deadline, "did not resubscribe"
                await asyncio.sleep(0.05)
            await asyncio.to_thread(broker.publish, "m1", "credits.changed", {"balance": 3})
            assert await next_event(queue) == ("credits.changed", {"balance": 3})
        finally:
            await broker.stop()

    try:
        run_isolated(scenario())
    finally:
        client.close()


def test_without_redis_the_app_starts_and_events_stay_in_the_process():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here

    async def scenario() -> None:
        broker = RedisBroker(f"redis://127.0.0.1:{port}/0", channel=channel(),
                             start_timeout=0.3)
        started = time.monotonic()
        await broker.start()
        assert time.monotonic() - started < 2 and not broker.subscribed
        try:
            queue = broker.subscribe("m1")
            await asyncio.to_thread(broker.publish, "m1", "message.created", {"n": 1})
            assert await next_event(queue) == ("message.created", {"n": 1})
        finally:
            await broker.stop()

    run_isolated(scenario())
