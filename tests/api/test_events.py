"""Server-sent events through the real app, served by uvicorn on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from inroad.web.api import events as events_api
from inroad.web.app import create_app
from tests.sse_client import SseClient


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, base: str, app: Any) -> None:
        self.base, self.app = base, app
        self.http = httpx.Client(base_url=base, timeout=10)

    def signup(self, name: str) -> tuple[str, dict[str, str]]:
        r = self.http.post("/api/v1/auth/signup", json={
            "email": f"{name.lower()}-{time.monotonic_ns()}@example.com",
            "password": "0123456789", "full_name": name})
        assert r.status_code == 201, r.text
        return r.json()["me"]["id"], {"Authorization": f"Bearer {r.json()['token']}"}

    def connect(self, a: dict[str, str], b_id: str, b: dict[str, str]) -> None:
        req = self.http.post("/api/v1/connection-requests", headers=a,
                             json={"to_member_id": b_id}).json()
        r = self.http.post(f"/api/v1/connection-requests/{req['id']}/accept", headers=b)
        assert r.status_code == 200, r.text


@pytest.fixture
def server(settings, db, clock) -> Iterator[Server]:
    app = create_app(settings, clock=clock, migrate=False)
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                       timeout_graceful_shutdown=3))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    srv = Server(f"http://127.0.0.1:{port}", app)
    yield srv
    srv.http.close()
    uv.should_exit = True
    thread.join(timeout=10)
    assert not thread.is_alive(), "uvicorn did not shut down"


@pytest.fixture
def pair(server) -> tuple[tuple[str, dict[str, str]], tuple[str, dict[str, str]]]:
    ann, bob = server.signup("Ann"), server.signup("Bob")
    server.connect(ann[1], *bob)
    return ann, bob


@pytest.mark.parametrize("auth", ["bearer", "query", "cookie"])
def test_a_message_reaches_the_recipients_stream(server, pair, auth):
    (ann_id, ann), (bob_id, bob) = pair
    token = bob["Authorization"].removeprefix("Bearer ")
    request: dict[str, Any] = {
        "bearer": {"headers": bob}, "query": {"params": {"token": token}},
        "cookie": {"headers": {"Cookie": f"inroad_session={token}"}}}[auth]
    stream = SseClient(f"{server.base}/api/v1/events", **request)
    try:
        stream.wait_connected()
        assert stream.headers is not None
        assert stream.headers["content-type"].startswith("text/event-stream")
        sent = server.http.post("/api/v1/messages", headers=ann,
                                json={"to_member_id": bob_id, "body": "hi Bob"})
        assert sent.status_code == 201, sent.text
        data = stream.next("message.created", timeout=5)
        assert data == {"conversation_id": sent.json()["conversation_id"],
                        "message_id": sent.json()["id"], "sender_id": ann_id}
    finally:
        stream.close()


def test_events_go_only_to_their_member(server, pair):
    (_, ann), (bob_id, bob) = pair
    ann_stream = SseClient(f"{server.base}/api/v1/events", headers=ann)
    bob_stream = SseClient(f"{server.base}/api/v1/events", headers=bob)
    try:
        ann_stream.wait_connected()
        bob_stream.wait_connected()
        server.http.post("/api/v1/messages", headers=ann, json={"to_member_id": bob_id,
                                                                "body": "one"})
        bob_stream.next("message.created")
        assert all(name != "message.created" for name, _ in list(ann_stream.frames.queue))
    finally:
        ann_stream.close()
        bob_stream.close()


@pytest.mark.parametrize("request_kw", [
    {}, {"headers": {"Authorization": "Bearer nope"}}, {"params": {"token": "nope"}}])
def test_401_without_a_valid_token(server, request_kw):
    r = server.http.get("/api/v1/events", **request_kw)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"


def test_keepalives_and_a_clean_end_when_the_client_leaves(server, pair, monkeypatch):
    monkeypatch.setattr(events_api, "KEEPALIVE_SECONDS", 0.2)
    (_, _ann), (bob_id, bob) = pair
    broker = server.app.state.broker
    stream = SseClient(f"{server.base}/api/v1/events", headers=bob)
    stream.wait_connected()
    assert stream.next("comment") == "connected"
    assert stream.next("comment", timeout=2) == "keepalive"
    assert bob_id in broker._subs
    stream.close()
    deadline = time.monotonic() + 5
    while bob_id in broker._subs:  # the server noticed and unsubscribed
        assert time.monotonic() < deadline, "subscription left behind after disconnect"
        time.sleep(0.05)
