"""Access control, generated from the OpenAPI route table: every endpoint that takes an id is
tried with a stranger's token, a blocked member's token, a suspended member's token and no
token. A new endpoint is covered automatically; one with a new kind of id fails here until
PARAMS says which resource the id names."""

from __future__ import annotations

import re
from typing import Any

import pytest

from inroad.models import Block
from inroad.services import accounts, connections, conversations, credits, inmail, sessions
from tests import factories as f

# Endpoints a signed-in non-owner may use on purpose, with the status they should get.
PUBLIC = {("GET", "/api/v1/members/{member_id}"): 200}
# Valid bodies, so a refusal is about access and not about input.
BODIES: dict[str, dict[str, Any]] = {
    "/messages": {"body": "hello"},
    "/decline": {"stop_contact": False},
    "/status": {"status": "active", "reason": "test"},
    "/credits": {"amount": 1, "reason": "test"},
    "/resolve": {"action": "dismiss"},
    "/appeal": {"text": "Please review this."},
}
SKIP = {"/api/v1/test-clock/advance"}


@pytest.fixture
def world(ctx, client):
    owner = f.member(ctx, "Owner", plan="business")
    friend, recipient, invitee = f.member(ctx, "Friend"), f.member(ctx, "Recipient"), f.member(
        ctx, "Invitee")
    f.connect(ctx, owner, friend)
    msg = conversations.send_message(ctx, owner.id, friend.id, "private")
    sent, _ = inmail.send(ctx, owner.id, recipient.id, "Hello", "A private InMail")
    request = connections.request_connection(ctx, owner.id, invitee.id, "hi")
    admin = accounts.create_admin(ctx, email="root@example.com", password="0123456789")
    credits.adjust(ctx, admin.id, owner.id, 1, "setup")

    def token(member):
        return accounts.login(ctx, email=member.email, password=f.PASSWORD).token

    stranger, blocked, suspended = f.member(ctx, "Stranger"), f.member(ctx, "Blocked"), f.member(
        ctx, "Suspended")
    tokens = {"stranger": token(stranger), "blocked": token(blocked),
              "suspended": token(suspended), "owner": token(owner)}
    with ctx.db.write() as s:
        s.add(Block(member_id=owner.id, blocked_id=blocked.id, created_at=ctx.now()))
    accounts.set_status(ctx, admin.id, suspended.id, "suspended")
    session_id = sessions.list_sessions(ctx, owner.id, tokens["owner"])[0][0].id
    params = {
        "conversation_id": msg.conversation_id, "inmail_id": sent.id, "request_id": request.id,
        "member_id": owner.id, "session_id": session_id, "strike_id": "01STRIKE", "id": "01X",
        "report_id": "01REPORT", "appeal_id": "01APPEAL",
    }
    return tokens, params


def endpoints(client) -> list[tuple[str, str]]:
    """(method, path template) for every operation with a path parameter; enum parameters
    (like `{action}`) expanded into each of their values."""
    spec = client.get("/api/openapi.json").json()
    found = []
    for path, ops in spec["paths"].items():
        if "{" not in path or path in SKIP:
            continue
        for method, op in ops.items():
            templates = [path]
            for param in op.get("parameters", []):
                enum = param.get("schema", {}).get("enum")
                if param["in"] == "path" and enum:
                    templates = [t.replace("{" + param["name"] + "}", value)
                                 for t in templates for value in enum]
            found += [(method.upper(), t) for t in templates]
    return found


def fill(path: str, params: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in params, f"add `{name}` to the access-matrix params: {path}"
        return str(params[name] or "x")
    return re.sub(r"\{(\w+)\}", one, path)


def call(client, method, path, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)
    return client.request(method, path, headers=headers,
                          json=body if method in ("POST", "PUT", "PATCH", "DELETE") else None)


def test_every_endpoint_with_an_id_is_closed_to_everyone_else(client, world):
    tokens, params = world
    checked = 0
    for method, template in endpoints(client):
        path = fill(template, params)
        admin_only = template.startswith("/api/v1/admin/")
        for role in ("stranger", "blocked"):
            expected = 403 if admin_only else PUBLIC.get((method, template), 404)
            if role == "blocked" and (method, template) in PUBLIC:
                expected = 404  # a block hides the profile too
            r = call(client, method, path, tokens[role])
            assert r.status_code == expected, (role, method, template, r.status_code, r.text)
        for role in ("suspended", None):
            r = call(client, method, path, tokens[role] if role else None)
            assert r.status_code == 401, (role, method, template, r.status_code)
        checked += 1
    assert checked >= 12


def test_the_owner_can_read_what_others_cannot(client, world):
    """Proves the ids above are real: the same GETs succeed for their owner."""
    tokens, params = world
    for method, template in endpoints(client):
        if method == "GET" and not template.startswith("/api/v1/admin/"):
            r = call(client, method, fill(template, params), tokens["owner"])
            assert r.status_code == 200, (template, r.status_code, r.text)
