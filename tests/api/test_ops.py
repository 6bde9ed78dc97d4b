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
