from __future__ import annotations

import json
import logging

from inroad.logs import JsonFormatter


def test_health_ready_and_metrics(client, signup):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    a, b = signup(), signup()
    a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": "Hi", "body": "Hello"})
    body = client.get("/metrics").text
    sample = 'inroad_request_seconds_count{method="POST",route="/api/v1/inmails",status="403"}'
    assert sample in body
    assert 'inroad_inmail_refusals_total{code="premium_required"}' in body
    assert "inroad_email_outbox_depth 0.0" in body


def test_json_log_lines():
    record = logging.LogRecord("inroad.test", logging.INFO, __file__, 1, "sent %s", ("x",), None)
    record.member_id = "m1"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "sent x" and line["member_id"] == "m1" and line["level"] == "info"


def test_json_logging_leaves_access_lines_off():
    from inroad import logs

    logs.configure()
    assert logging.getLogger("uvicorn.access").propagate is False
    assert logging.getLogger("uvicorn.error").propagate is True


def test_a_restarted_test_clock_server_keeps_its_time(settings, db) -> None:
    """`serve --test-clock`: the offset lives in the database, so a restart (or a crash) goes
    on at the moved time instead of jumping back to the real one."""
    from datetime import UTC, datetime

    from fastapi.testclient import TestClient

    from inroad.web.app import create_app

    with TestClient(create_app(settings, migrate=False)) as first:
        moved = first.post("/api/v1/test-clock/advance", json={"days": 40}).json()["now"]
    with TestClient(create_app(settings, migrate=False)) as second:
        again = second.post("/api/v1/test-clock/advance", json={"hours": 0}).json()["now"]
    gap = datetime.fromisoformat(again) - datetime.fromisoformat(moved)
    assert 0 <= gap.total_seconds() < 60
    assert (datetime.fromisoformat(again) - datetime.now(UTC)).days >= 39
