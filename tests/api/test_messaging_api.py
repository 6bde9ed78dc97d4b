from __future__ import annotations

from tests.api.conftest import connect


def test_connection_request_lifecycle(signup):
    a, b = signup("Ann"), signup("Bob")
    r = a.post("/api/v1/connection-requests", json={"to_member_id": b.id, "note": "Hi Bob"})
    assert r.status_code == 201
    req = r.json()
    assert (req["status"], req["note"], req["from_member_id"]) == ("pending", "Hi Bob", a.id)
    dup = a.post("/api/v1/connection-requests", json={"to_member_id": b.id})
    assert (dup.status_code, dup.json()["error"]["code"]) == (409, "already_pending")
    long_note = a.post("/api/v1/connection-requests", json={"to_member_id": b.id,
                                                            "note": "x" * 301})
    assert long_note.status_code == 422 and "note" in long_note.json()["error"]["fields"]
    incoming = b.get("/api/v1/connection-requests", params={"direction": "incoming"}).json()
    assert [r["id"] for r in incoming["items"]] == [req["id"]]
    assert a.post(f"/api/v1/connection-requests/{req['id']}/accept").status_code == 404
    assert b.post(f"/api/v1/connection-requests/{req['id']}/accept").json()["status"] == "accepted"
    assert [m["id"] for m in a.get("/api/v1/connections").json()["items"]] == [b.id]
    assert a.delete(f"/api/v1/connections/{b.id}").status_code == 204
    assert a.delete(f"/api/v1/connections/{b.id}").status_code == 404


def test_messages_inbox_read_archive(signup):
    a, b, stranger = signup("Ann"), signup("Bob"), signup("Eve")
    r = a.post("/api/v1/messages", json={"to_member_id": b.id, "body": "hi"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_connected")
    connect(a, b)
    msg = a.post("/api/v1/messages", json={"to_member_id": b.id, "body": "<b>hi</b>"}).json()
    conv_id = msg["conversation_id"]
    inbox = b.get("/api/v1/conversations").json()["items"]
    assert [(c["id"], c["kind"], c["unread_count"], c["other"]["id"]) for c in inbox] == [
        (conv_id, "message", 1, a.id)]
    assert inbox[0]["last_message"]["body"] == "<b>hi</b>"
    assert b.get("/api/v1/conversations", params={"unread": "true"}).json()["items"]
    assert b.post(f"/api/v1/conversations/{conv_id}/read").status_code == 204
    assert b.get("/api/v1/conversations", params={"unread": "true"}).json()["items"] == []
    reply = b.post(f"/api/v1/conversations/{conv_id}/messages", json={"body": "hello"})
    assert reply.status_code == 201
    msgs = a.get(f"/api/v1/conversations/{conv_id}/messages").json()["items"]
    assert [m["body"] for m in msgs] == ["hello", "<b>hi</b>"]
    assert b.post(f"/api/v1/conversations/{conv_id}/archive").status_code == 204
    assert b.get("/api/v1/conversations").json()["items"] == []
    archived = b.get("/api/v1/conversations", params={"folder": "archived"}).json()["items"]
    assert [c["id"] for c in archived] == [conv_id]
    assert b.post(f"/api/v1/conversations/{conv_id}/unarchive").status_code == 204
    empty = b.post(f"/api/v1/conversations/{conv_id}/messages", json={"body": "   "})
    assert empty.status_code == 422
    for path in (f"/api/v1/conversations/{conv_id}", f"/api/v1/conversations/{conv_id}/messages"):
        assert stranger.get(path).status_code == 404
    for path in ("read", "archive", "messages"):
        r = stranger.post(f"/api/v1/conversations/{conv_id}/{path}", json={"body": "x"})
        assert r.status_code == 404, path
