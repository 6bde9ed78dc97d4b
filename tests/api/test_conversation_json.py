"""The conversation read routes write their JSON themselves (web/api/conversations.py). It must
be exactly what their `response_model` would send: the same fields in the same order, the same
datetime format, the same nulls and types. So every body has to come back unchanged, byte for
byte, from a round trip through the model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pydantic_core
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from inroad.web.api.conversations import json_response
from inroad.web.schemas import ConversationOut, MessageOut, Page
from tests.api.conftest import connect, premium

INBOX = TypeAdapter(Page[ConversationOut])
CONVERSATION = TypeAdapter(ConversationOut)
MESSAGES = TypeAdapter(Page[MessageOut])


def body_of(r: Any, model: TypeAdapter[Any]) -> Any:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.content == model.dump_json(model.validate_json(r.content))
    return r.json()


def test_bodies_are_what_the_response_models_send(signup):
    ann = signup("Ann O'Brien ✓", headline="Engineer at Acme", company="Acme",
                 skills=["python", "sql"])
    bob, cat = signup("Bob"), signup("Cat")
    connect(ann, bob)
    msg = ann.post("/api/v1/messages", json={"to_member_id": bob.id, "body": "Hi Bob"}).json()
    bob.post(f"/api/v1/conversations/{msg['conversation_id']}/messages",
             json={"body": 'héllo <b>&</b> "quoted" \\ 😀\n\t\u2028'})
    premium(cat)
    assert bob.patch("/api/v1/me/settings", json={"read_receipts": False}).status_code == 200
    im = cat.post("/api/v1/inmails", json={"to_member_id": bob.id, "subject": "Role at Acme",
                                           "body": "Hi Bob", "purpose": "hiring"})
    conv_id = im.json()["inmail"]["conversation_id"]
    assert bob.post(f"/api/v1/conversations/{conv_id}/read").status_code == 204

    inbox = body_of(bob.get("/api/v1/conversations"), INBOX)
    assert [(c["kind"], c["other"]["id"]) for c in inbox["items"]] == [
        ("inmail", cat.id), ("message", ann.id)]
    assert inbox["items"][0]["inmail"]["opened_at"] is not None
    assert inbox["items"][1]["other"]["skills"] == ["python", "sql"]
    assert (inbox["items"][1]["subject"], inbox["items"][1]["inmail"]) == (None, None)
    assert inbox["next_cursor"] is None
    # Bob keeps his opens to himself: Cat, the sender, does not see it.
    [sent] = body_of(cat.get("/api/v1/conversations"), INBOX)["items"]
    assert sent["inmail"]["opened_at"] is None
    first = body_of(bob.get("/api/v1/conversations", params={"limit": 1}), INBOX)
    assert first["next_cursor"]
    rest = body_of(bob.get("/api/v1/conversations", params={"cursor": first["next_cursor"]}),
                   INBOX)
    assert first["items"] + rest["items"] == inbox["items"]
    assert body_of(bob.get("/api/v1/conversations", params={"folder": "archived"}), INBOX) == {
        "items": [], "next_cursor": None}

    for member in (ann, bob, cat):
        for c in body_of(member.get("/api/v1/conversations"), INBOX)["items"]:
            assert body_of(member.get(f"/api/v1/conversations/{c['id']}"), CONVERSATION) == c
            path = f"/api/v1/conversations/{c['id']}/messages"
            msgs = body_of(member.get(path), MESSAGES)
            assert msgs["items"][0] == c["last_message"]
            page = body_of(member.get(path, params={"limit": 1}), MESSAGES)
            after = body_of(member.get(path, params={"cursor": page["next_cursor"]}), MESSAGES)
            assert page["items"] + after["items"] == msgs["items"]


@given(st.datetimes(timezones=st.sampled_from([UTC, None])),
       st.text(alphabet=st.characters(blacklist_categories=["Cs"])),
       st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1),
                 st.floats(allow_nan=False, allow_infinity=False)))
def test_json_response_writes_what_pydantic_writes(at: datetime, text: str, value: Any) -> None:
    """orjson writes the bodies; any difference from pydantic's JSON (a datetime's fraction,
    an escape, a float) would change a body that clients already parse."""
    content = {"at": at, "text": text, "value": value, "items": [{"at": at, "text": text}]}
    assert json_response(content).body == pydantic_core.to_json(content)
