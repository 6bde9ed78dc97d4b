from __future__ import annotations

from tests.api.conftest import premium


def test_plans_and_packs(client):
    plans = client.get("/api/v1/plans").json()["items"]
    assert [(p["id"], p["monthly_credits"], p["price_cents"]) for p in plans] == [
        ("free", 0, 0), ("career", 5, 2999), ("business", 15, 5999), ("sales", 50, 9999),
        ("recruiter", 30, 17000)]
    packs = client.get("/api/v1/credit-packs").json()["items"]
    assert [(p["credits"], p["price_cents"]) for p in packs] == [
        (5, 1000), (10, 2000), (25, 6000), (50, 12000)]


def test_plan_change_and_declined_payment(signup):
    a = signup()
    r = a.put("/api/v1/me/plan", json={"plan": "career", "payment_token": "tok_declined"})
    assert (r.status_code, r.json()["error"]["code"]) == (402, "payment_declined")
    assert a.put("/api/v1/me/plan", json={"plan": "gold"}).status_code == 422
    premium(a, "business")
    credits = a.get("/api/v1/me/credits").json()
    assert (credits["balance"], credits["spendable"]) == (15, 15)
    assert credits["lots"][0]["source"] == "grant" and credits["next_grant_at"]


def test_purchase_with_idempotency_key(signup):
    a = signup()
    body = {"credits": 5, "payment_token": "tok_visa"}
    r = a.post("/api/v1/me/credits/purchases", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "premium_required")
    premium(a)
    key = {"Idempotency-Key": "buy-1"}
    first = a.post("/api/v1/me/credits/purchases", json=body, headers=key)
    again = a.post("/api/v1/me/credits/purchases", json=body, headers=key)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    other = a.post("/api/v1/me/credits/purchases", json={**body, "credits": 10}, headers=key)
    assert (other.status_code, other.json()["error"]["code"]) == (409, "idempotency_conflict")
    assert a.post("/api/v1/me/credits/purchases", json={**body, "credits": 7}).status_code == 422
    ledger = a.get("/api/v1/me/credits/ledger").json()["items"]
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in ledger] == [
        ("purchase", 5, 10), ("grant", 5, 5)]


def test_inmail_send_respond_refund(client, signup):
    a, b = signup("Ann"), signup("Bob")
    r = a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": "Hi", "body": "Hello"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "premium_required")
    premium(a)
    pre = a.post("/api/v1/inmails/preflight", json={"to_member_id": b.id}).json()
    assert pre == {"deliverable": True, "cost": 1, "code": None, "balance": 5}
    bad = a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": "", "body": "x" * 1901,
                                          "purpose": "spam"})
    assert set(bad.json()["error"]["fields"]) == {"subject", "body", "purpose"}
    sent = a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": "Role at Acme",
                                           "body": "Hi Bob, ...", "purpose": "hiring"},
                  headers={"Idempotency-Key": "im-1"})
    assert sent.status_code == 201
    im = sent.json()["inmail"]
    assert (im["status"], im["cost"], sent.json()["balance"]) == ("delivered", 1, 4)
    assert b.get("/api/v1/inmails", params={"box": "received"}).json()["items"][0]["id"] == im["id"]
    conv = b.get(f"/api/v1/conversations/{im['conversation_id']}").json()
    assert conv["kind"] == "inmail" and conv["subject"] == "Role at Acme"
    assert a.post(f"/api/v1/conversations/{im['conversation_id']}/messages",
                  json={"body": "ping"}).status_code == 403
    assert a.post(f"/api/v1/inmails/{im['id']}/accept").status_code == 404
    b.post(f"/api/v1/conversations/{im['conversation_id']}/read")
    accepted = b.post(f"/api/v1/inmails/{im['id']}/accept").json()
    assert accepted["status"] == "accepted" and accepted["refunded"] is True
    assert a.get("/api/v1/me/credits").json()["balance"] == 5
    assert a.post(f"/api/v1/conversations/{im['conversation_id']}/messages",
                  json={"body": "Thanks!"}).status_code == 201


def test_decline_with_stop_contact(signup):
    a, b = signup("Ann"), signup("Bob")
    premium(a)
    im = a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": "Hi",
                                         "body": "Hello"}).json()["inmail"]
    r = b.post(f"/api/v1/inmails/{im['id']}/decline", json={"stop_contact": True})
    assert r.json()["status"] == "declined"
    again = a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": "Hi", "body": "Hey"})
    assert (again.status_code, again.json()["error"]["code"]) == (403, "recipient_not_accepting")


def test_test_clock_advances_grants(client, signup):
    a = signup()
    premium(a)
    r = client.post("/api/v1/test-clock/advance", json={"days": 31})
    assert r.status_code == 200 and r.json()["now"]
    assert a.get("/api/v1/me").status_code == 401  # 30-day tokens expired meanwhile
    token = client.post("/api/v1/auth/login", json={"email": a.me["email"],
                                                    "password": "0123456789"}).json()["token"]
    r = client.get("/api/v1/me/credits", headers={"Authorization": f"Bearer {token}"})
    assert r.json()["balance"] == 10
    assert client.post("/api/v1/test-clock/advance", json={"days": -1}).status_code == 422


def test_test_clock_absent_without_flag(settings, db):
    from fastapi.testclient import TestClient

    from inroad.web.app import create_app

    app = create_app(settings.model_copy(update={"test_clock": False}), migrate=False)
    with TestClient(app) as c:
        assert c.post("/api/v1/test-clock/advance", json={"days": 1}).status_code == 404


def test_admin_endpoints(client, signup, ctx):
    from inroad.services import accounts

    a = signup()
    assert a.post(f"/api/v1/admin/members/{a.id}/credits",
                  json={"amount": 5, "reason": "x"}).status_code == 403
    accounts.create_admin(ctx, email="root@example.com", password="0123456789")
    token = client.post("/api/v1/auth/login", json={"email": "root@example.com",
                                                    "password": "0123456789"}).json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    r = client.post(f"/api/v1/admin/members/{a.id}/credits", json={"amount": 5, "reason": "gift"},
                    headers=h)
    assert r.json() == {"balance": 5}
    r = client.post(f"/api/v1/admin/members/{a.id}/status",
                    json={"status": "suspended", "reason": "spam"}, headers=h)
    assert r.status_code == 200
    assert a.get("/api/v1/me").status_code == 401
