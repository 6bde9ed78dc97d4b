"""Two real app processes sharing one database and one Redis: an event caused on one reaches an
SSE stream held by the other. Plus one `inroad worker --once` round over the same database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from inroad.models import EmailOutbox
from tests.sse_client import SseClient

pytestmark = pytest.mark.redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Proc:
    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log = logs / f"{name}.log"
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


@pytest.fixture
def environment(database_url, db, redis_url) -> dict[str, str]:
    # `db` has migrated the database (so the two processes don't race to migrate it) and
    # empties it afterwards, once the processes are gone (fixtures finish in reverse order).
    env = {k: v for k, v in os.environ.items() if not k.startswith("INROAD_")}
    env.update(INROAD_DATABASE_URL=database_url, INROAD_REDIS_URL=redis_url,
               INROAD_SECRET_KEY="test-secret", INROAD_RUN_DUTIES_IN_PROCESS="false",
               INROAD_ARGON2_TIME_COST="1", INROAD_ARGON2_MEMORY_KIB="1024")
    return env


@pytest.fixture
def servers(environment, tmp_path) -> Iterator[list[str]]:
    procs: list[Proc] = []
    try:
        bases = []
        for name in ("a", "b"):
            port = free_port()
            procs.append(Proc(name, [sys.executable, "-m", "uvicorn", "inroad.web.asgi:app",
                                     "--host", "127.0.0.1", "--port", str(port),
                                     "--log-level", "info"], environment, tmp_path))
            bases.append(f"http://127.0.0.1:{port}")
        for proc, base in zip(procs, bases, strict=True):
            wait_ready(proc, base)
        yield bases
    finally:
        for proc in procs:
            proc.stop()


def wait_ready(proc: Proc, base: str, timeout: float = 120.0) -> None:
    # Generous: importing the app takes seconds, and much longer on a busy CI machine.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            pytest.fail(f"server {proc.name} exited:\n{proc.output()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"server {proc.name} not ready in {timeout} s:\n{proc.output()}")


def signup(http: httpx.Client, name: str) -> tuple[str, dict[str, str]]:
    r = http.post("/api/v1/auth/signup", json={
        "email": f"{name.lower()}-{time.monotonic_ns()}@example.com", "password": "0123456789",
        "full_name": name})
    assert r.status_code == 201, r.text
    return r.json()["me"]["id"], {"Authorization": f"Bearer {r.json()['token']}"}


def test_an_event_from_process_a_reaches_a_stream_on_process_b(servers, environment, db,
                                                               tmp_path):
    base_a, base_b = servers
    with httpx.Client(base_url=base_a, timeout=10) as a:
        ann_id, ann = signup(a, "Ann")
        bob_id, bob = signup(a, "Bob")
        req = a.post("/api/v1/connection-requests", headers=ann,
                     json={"to_member_id": bob_id}).json()
        assert a.post(f"/api/v1/connection-requests/{req['id']}/accept",
                      headers=bob).status_code == 200

        stream = SseClient(f"{base_b}/api/v1/events", headers=bob)
        try:
            stream.wait_connected()
            started = time.monotonic()
            sent = a.post("/api/v1/messages", headers=ann,
                          json={"to_member_id": bob_id, "body": "hello across processes"})
            assert sent.status_code == 201, sent.text
            data = stream.next("message.created", timeout=5)
            assert time.monotonic() - started < 5
            assert data == {"conversation_id": sent.json()["conversation_id"],
                            "message_id": sent.json()["id"], "sender_id": ann_id}
        finally:
            stream.close()

    # One worker round over the same database sends (here: logs) the queued email.
    worker = subprocess.run(
        [sys.executable, "-c", "from inroad.cli import main; main()", "worker", "--once"],
        env=environment, capture_output=True, text=True, timeout=60)
    assert worker.returncode == 0, worker.stderr
    assert "Ann sent you a message on Inroad" in worker.stderr
    with db.read() as s:
        [email] = s.scalars(select(EmailOutbox)).all()
    assert email.sent_at is not None and email.attempts == 0
