from __future__ import annotations

from tests.api.conftest import connect, premium


def test_export_contains_my_data(signup):
    a, b = signup("Ann", company="Acme"), signup("Bob")
    connect(a, b)
    a.post("/api/v1/messages", json={"to_member_id": b.id, "body": "hello Bob"})
    premium(a)
    r = a.get("/api/v1/me/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    data = r.json()
    assert data["profile"]["company"] == "Acme" and data["profile"]["email"] == a.me["email"]
    assert [c["other_id"] for c in data["connections"]] == [b.id]
    assert [m["body"] for m in data["messages"]] == ["hello Bob"]
    assert [e["kind"] for e in data["credit_ledger"]] == ["grant"]
    assert "password_hash" not in str(data)


def test_delete_account_erases_profile_and_forfeits_credits(client, signup):
    a, b = signup("Ann Secret", company="Acme"), signup("Bob")
    connect(a, b)
    msg = a.post("/api/v1/messages", json={"to_member_id": b.id, "body": "hi"}).json()
    premium(a)
    assert a.delete("/api/v1/me", json={"password": "wrong-password"}).status_code == 401
    assert a.delete("/api/v1/me", json={}).status_code == 422
    ledger_before = a.get("/api/v1/me/credits/ledger").json()["items"]
    assert a.delete("/api/v1/me", json={"password": "0123456789"}).status_code == 204
    assert a.get("/api/v1/me").status_code == 401
    r = client.post("/api/v1/auth/login", json={"email": a.me["email"], "password": "0123456789"})
    assert r.status_code == 401
    [conv] = b.get("/api/v1/conversations").json()["items"]
    assert conv["other"]["full_name"] == "Former member" and conv["other"]["company"] == ""
    assert [m["body"] for m in b.get(f"/api/v1/conversations/{msg['conversation_id']}/messages")
            .json()["items"]] == ["hi"]
    assert b.get(f"/api/v1/members/{a.id}").status_code == 404
    assert b.get("/api/v1/members", params={"q": "secret"}).json()["items"] == []
    assert b.get("/api/v1/connections").json()["items"] == []
    r = b.post("/api/v1/messages", json={"to_member_id": a.id, "body": "hello?"})
    assert r.status_code in (403, 404)
    assert len(ledger_before) == 1


def test_deleted_members_ledger_still_sums(ctx, signup):
    from sqlalchemy import func, select

    from inroad.models import CreditLot, LedgerEntry, Member

    a = signup()
    premium(a)
    a.delete("/api/v1/me", json={"password": "0123456789"})
    with ctx.db.read() as s:
        total = s.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.member_id == a.id))
        lots = s.scalar(select(func.sum(CreditLot.remaining)).where(CreditLot.member_id == a.id))
        balance = s.get(Member, a.id).credit_balance
    assert total == lots == balance == 0


def test_sessions_list_and_revoke(client, signup):
    a = signup()
    second = client.post("/api/v1/auth/login", json={"email": a.me["email"],
                                                     "password": "0123456789"}).json()["token"]
    items = a.get("/api/v1/me/sessions").json()["items"]
    assert len(items) == 2 and sum(i["current"] for i in items) == 1
    other = next(i for i in items if not i["current"])
    assert a.delete(f"/api/v1/me/sessions/{other['id']}").status_code == 204
    revoked = client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"})
    assert revoked.status_code == 401
    assert a.delete(f"/api/v1/me/sessions/{other['id']}").status_code == 404
    b = signup()
    mine = next(i for i in items if i["current"])
    assert b.delete(f"/api/v1/me/sessions/{mine['id']}").status_code == 404
    assert a.get("/api/v1/me").status_code == 200
