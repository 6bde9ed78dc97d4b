"""Latency from sending a message to its `message.created` frame on the recipient's stream.

    python bench/sse_latency.py [--messages 200] [--redis redis://127.0.0.1:6379/0]
                                [--base http://127.0.0.1:8000]

Without `--base` it serves a fresh app (temporary SQLite database) in this process; with
`--redis` events go through Redis pub/sub even though sender and stream share one process, so
the difference between the two runs is the Redis hop. With `--base` it measures a running
server (e.g. two processes behind a load balancer). Prints POST latency and send-to-frame
latency percentiles in milliseconds.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.sse_client import SseClient


def serve(redis_url: str | None) -> str:
    import uvicorn

    from inroad.config import load_settings
    from inroad.web.app import create_app

    folder = tempfile.mkdtemp(prefix="inroad-bench-")
    settings = load_settings(database_url=f"sqlite:///{folder}/bench.db", redis_url=redis_url,
                             argon2_time_cost=1, argon2_memory_kib=1024,
                             run_duties_in_process=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}"


def signup(http: httpx.Client, name: str) -> tuple[str, dict[str, str]]:
    r = http.post("/api/v1/auth/signup", json={
        "email": f"{name}-{time.time_ns()}@example.com", "password": "0123456789",
        "full_name": name})
    r.raise_for_status()
    return r.json()["me"]["id"], {"Authorization": f"Bearer {r.json()['token']}"}


def pct(values: list[float], p: float) -> float:
    return sorted(values)[min(len(values) - 1, int(p * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--redis")
    parser.add_argument("--base")
    args = parser.parse_args()
    base = args.base or serve(args.redis)
    http = httpx.Client(base_url=base, timeout=30)
    _, ann = signup(http, "Ann")
    bob_id, bob = signup(http, "Bob")
    req = http.post("/api/v1/connection-requests", headers=ann,
                    json={"to_member_id": bob_id}).json()
    http.post(f"/api/v1/connection-requests/{req['id']}/accept", headers=bob).raise_for_status()
    stream = SseClient(f"{base}/api/v1/events", headers=bob)
    stream.wait_connected()
    post_ms, frame_ms = [], []
    for i in range(args.messages):
        started = time.perf_counter()
        r = http.post("/api/v1/messages", headers=ann,
                      json={"to_member_id": bob_id, "body": f"message {i}"})
        posted = time.perf_counter()
        r.raise_for_status()
        data = stream.next("message.created", timeout=10)
        arrived = time.perf_counter()
        assert data["message_id"] == r.json()["id"]
        post_ms.append((posted - started) * 1000)
        frame_ms.append((arrived - started) * 1000)
    stream.close()
    for name, values in (("POST /messages", post_ms), ("send -> frame", frame_ms)):
        print(f"{name:15} p50 {statistics.median(values):6.2f} ms  p95 {pct(values, 0.95):6.2f}"
              f" ms  max {max(values):6.2f} ms  (n={len(values)})")


if __name__ == "__main__":
    main()
