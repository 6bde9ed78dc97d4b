"""Privacy and safety, and moderation, over HTTP (API.md)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api, browser, connect, csrf_of, premium


def code(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


@pytest.fixture
def ctx_app(app):
    return app.state.ctx


def test_everything_needs_a_token(client):
    for method, path in (("GET", "/api/v1/me/settings"), ("PATCH", "/api/v1/me/settings"),
                         ("GET", "/api/v1/blocks"), ("POST", "/api/v1/blocks"),
                         ("DELETE", "/api/v1/blocks/x"), ("GET", "/api/v1/me/stops"),
                         ("DELETE", "/api/v1/me/stops/x"), ("POST", "/api/v1/reports"),
                         ("GET", "/api/v1/me/standing"),
                         ("POST", "/api/v1/me/standing/strikes/x/appeal"),
                         ("GET", "/api/v1/admin/reports"),
                         ("POST", "/api/v1/admin/reports/x/resolve"),
                         ("GET", "/api/v1/admin/appeals"),
                         ("POST", "/api/v1/admin/appeals/x/resolve")):
        r = client.request(method, path, json={})
        assert code(r) == (401, "unauthorized"), (method, path)


def test_settings(signup):
    a = signup("Ann")
    assert a.get("/api/v1/me/settings").json() == {
        "allow_inmail": True, "inmail_from": "anyone", "open_profile": False,
        "email_notifications": True, "read_receipts": True}
    r = a.patch("/api/v1/me/settings", json={"inmail_from": "premium_members",
                                             "read_receipts": False})
    assert r.status_code == 200
    assert (r.json()["inmail_from"], r.json()["read_receipts"]) == ("premium_members", False)
    assert a.get("/api/v1/me/settings").json() == r.json()
    r = a.patch("/api/v1/me/settings", json={"inmail_from": "friends"})
    assert code(r) == (422, "validation_error") and "inmail_from" in r.json()["error"]["fields"]
    assert code(a.patch("/api/v1/me/settings", json={"allow_inmail": "maybe"}))[0] == 422
    assert code(a.patch("/api/v1/me/settings", json={"open_profile": True})) == (
        403, "premium_required")
    premium(a)
    assert a.patch("/api/v1/me/settings", json={"open_profile": True}).json()["open_profile"]
    assert a.put("/api/v1/me/plan", json={"plan": "free"}).status_code == 200
    assert a.get("/api/v1/me/settings").json()["open_profile"] is False


def test_blocks(signup):
    a, b, c = signup("Ann"), signup("Bob"), signup("Cy")
    connect(a, b)
    r = a.post("/api/v1/blocks", json={"member_id": b.id})
    assert r.status_code == 201 and r.json()["id"] == b.id and r.json()["since"]
    again = a.post("/api/v1/blocks", json={"member_id": b.id})
    assert again.status_code == 201 and again.json() == r.json()  # idempotent
    assert a.get("/api/v1/connections").json()["items"] == []
    assert code(a.post("/api/v1/blocks", json={"member_id": a.id}))[0] == 422
    assert code(a.post("/api/v1/blocks", json={})) == (422, "validation_error")
    assert code(a.post("/api/v1/blocks", json={"member_id": "nobody"})) == (404, "not_found")
    a.post("/api/v1/blocks", json={"member_id": c.id})
    page = a.get("/api/v1/blocks", params={"limit": 1}).json()
    assert [m["id"] for m in page["items"]] == [c.id] and page["next_cursor"]
    rest = a.get("/api/v1/blocks", params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [m["id"] for m in rest["items"]] == [b.id]
    assert b.get("/api/v1/blocks").json()["items"] == []
    # The blocked member is refused with the same words a closed inbox gives.
    r = b.post("/api/v1/connection-requests", json={"to_member_id": a.id})
    assert code(r) == (403, "recipient_not_accepting")
    assert a.delete(f"/api/v1/blocks/{b.id}").status_code == 204
    assert code(a.delete(f"/api/v1/blocks/{b.id}")) == (404, "not_found")
    assert b.post("/api/v1/connection-requests", json={"to_member_id": a.id}).status_code == 201


def test_a_blocked_sender_gets_recipient_not_accepting_and_spends_nothing(signup):
    a, b = signup("Ann"), signup("Bob")
    premium(a)
    b.post("/api/v1/blocks", json={"member_id": a.id})
    r = a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": "Hi",
                                        "body": "Hello Bob, a quick question."})
    assert code(r) == (403, "recipient_not_accepting")
    assert a.get("/api/v1/me/credits").json()["balance"] == 5


def test_stops(signup):
    a, b = signup("Ann"), signup("Bob")
    premium(a)
    sent = a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": "Hi",
                                           "body": "Hello Bob, a quick question."})
    im = sent.json()["inmail"]
    b.post(f"/api/v1/inmails/{im['id']}/decline", json={"stop_contact": True})
    assert [m["id"] for m in b.get("/api/v1/me/stops").json()["items"]] == [a.id]
    assert a.get("/api/v1/me/stops").json()["items"] == []
    assert code(a.delete(f"/api/v1/me/stops/{b.id}")) == (404, "not_found")
    assert b.delete(f"/api/v1/me/stops/{a.id}").status_code == 204
    assert b.get("/api/v1/me/stops").json()["items"] == []
    assert a.post("/api/v1/inmails/preflight", json={"to_member_id": b.id}).json()["deliverable"]


def _message(sender: Api, to: Api, body: str = "Buy my course") -> dict:
    r = sender.post("/api/v1/messages", json={"to_member_id": to.id, "body": body})
    assert r.status_code == 201, r.text
    return r.json()


def test_reports(signup):
    sam, rita, other = signup("Sam"), signup("Rita"), signup("Olga")
    connect(sam, rita)
    msg = _message(sam, rita)
    r = rita.post("/api/v1/reports", json={"message_id": msg["id"], "reason": "spam",
                                           "details": "Again"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["status"], body["reason"], body["message_id"], body["inmail_id"]) == (
        "open", "spam", msg["id"], None)
    assert body["id"] and body["created_at"].endswith("Z") and "reporter_id" not in body
    assert rita.get("/api/v1/conversations").json()["items"] == []
    assert len(rita.get("/api/v1/conversations", params={"folder": "archived"})
               .json()["items"]) == 1
    assert code(rita.post("/api/v1/reports", json={"message_id": msg["id"],
                                                   "reason": "other"})) == (409, "conflict")
    assert code(rita.post("/api/v1/reports", json={"reason": "spam"}))[0] == 422
    assert code(rita.post("/api/v1/reports", json={"message_id": msg["id"],
                                                   "inmail_id": "x", "reason": "spam"}))[0] == 422
    assert code(rita.post("/api/v1/reports", json={"message_id": msg["id"],
                                                   "reason": "rude"}))[0] == 422
    assert code(rita.post("/api/v1/reports", json={"message_id": msg["id"], "reason": "spam",
                                                   "details": "x" * 2001}))[0] == 422
    assert code(sam.post("/api/v1/reports", json={"message_id": msg["id"],
                                                  "reason": "spam"}))[0] == 422
    assert code(other.post("/api/v1/reports", json={"message_id": msg["id"],
                                                    "reason": "spam"})) == (404, "not_found")
    assert code(other.post("/api/v1/reports", json={"inmail_id": "nope",
                                                    "reason": "spam"})) == (404, "not_found")


def test_report_an_inmail_and_block(signup):
    sam, rita = signup("Sam"), signup("Rita")
    premium(sam)
    im = sam.post("/api/v1/inmails", json={"to_member_id": rita.id, "subject": "Hi",
                                           "body": "Hello Rita, a question."}).json()["inmail"]
    r = rita.post("/api/v1/reports", json={"inmail_id": im["id"], "reason": "misrepresentation",
                                           "block": True})
    assert r.status_code == 201 and r.json()["inmail_id"] == im["id"]
    assert [m["id"] for m in rita.get("/api/v1/blocks").json()["items"]] == [sam.id]


def test_moderation_queue_and_standing(signup, admin):
    sam, rita = signup("Sam"), signup("Rita")
    connect(sam, rita)
    ids = []
    for reason in ("spam", "harassment", "commercial"):
        msg = _message(sam, rita, f"Message about {reason}")
        ids.append(rita.post("/api/v1/reports", json={"message_id": msg["id"],
                                                      "reason": reason}).json()["id"])
    assert code(rita.get("/api/v1/admin/reports")) == (403, "forbidden")
    assert code(rita.post(f"/api/v1/admin/reports/{ids[0]}/resolve",
                          json={"action": "strike"})) == (403, "forbidden")
    queue = admin.get("/api/v1/admin/reports", params={"limit": 2}).json()
    assert [x["id"] for x in queue["items"]] == ids[:2] and queue["next_cursor"]
    first = queue["items"][0]
    assert (first["reporter_id"], first["reported_member_id"], first["status"]) == (
        rita.id, sam.id, "open")
    assert first["content"] == {"subject": None, "body": "Message about spam"}
    rest = admin.get("/api/v1/admin/reports",
                     params={"limit": 2, "cursor": queue["next_cursor"]}).json()
    assert [x["id"] for x in rest["items"]] == ids[2:] and rest["next_cursor"] is None
    assert code(admin.get("/api/v1/admin/reports", params={"status": "closed"}))[0] == 422

    r = admin.post(f"/api/v1/admin/reports/{ids[0]}/resolve", json={"action": "dismiss"})
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    assert code(admin.post(f"/api/v1/admin/reports/{ids[0]}/resolve",
                           json={"action": "strike"})) == (409, "conflict")
    assert code(admin.post("/api/v1/admin/reports/nope/resolve",
                           json={"action": "strike"})) == (404, "not_found")
    assert code(admin.post(f"/api/v1/admin/reports/{ids[1]}/resolve",
                           json={"action": "ban"}))[0] == 422
    for report_id in ids[1:]:
        r = admin.post(f"/api/v1/admin/reports/{report_id}/resolve", json={"action": "strike"})
        assert r.json()["status"] == "actioned"
    assert [x["id"] for x in admin.get("/api/v1/admin/reports",
                                       params={"status": "actioned"}).json()["items"]] == [
        ids[2], ids[1]]

    seen = sam.get("/api/v1/me/standing").json()
    assert (seen["status"], seen["strikes"]) == ("restricted", 2)
    assert seen["restricted_until"].endswith("Z")
    assert [h["outcome"] for h in seen["history"]] == ["restricted_24h", "warning"]
    assert rita.id not in str(seen)
    assert set(seen["history"][0]) >= {"id", "source", "reason", "outcome", "created_at",
                                       "appeal"}
    assert sam.get("/api/v1/me").json()["status"] == "restricted"
    r = sam.post("/api/v1/inmails/preflight", json={"to_member_id": signup("Tess").id})
    assert r.json()["code"] == "account_restricted"
    assert rita.get("/api/v1/me/standing").json() == {
        "status": "active", "strikes": 0, "restricted_until": None, "history": [],
        "low_response_warned_at": None, "inmail_capped_until": None}


def test_appeals(signup, admin, client):
    sam, rita = signup("Sam"), signup("Rita")
    connect(sam, rita)
    for reason in ("spam", "harassment"):
        msg = _message(sam, rita, f"About {reason}")
        report = rita.post("/api/v1/reports", json={"message_id": msg["id"], "reason": reason})
        admin.post(f"/api/v1/admin/reports/{report.json()['id']}/resolve",
                   json={"action": "strike"})
    latest = sam.get("/api/v1/me/standing").json()["history"][0]
    url = f"/api/v1/me/standing/strikes/{latest['id']}/appeal"
    assert code(sam.post(url, json={"text": ""}))[0] == 422
    assert code(rita.post(url, json={"text": "Not mine"})) == (404, "not_found")
    r = sam.post(url, json={"text": "It was a genuine offer."})
    assert r.status_code == 201
    assert (r.json()["status"], r.json()["strike_id"]) == ("open", latest["id"])
    assert code(sam.post(url, json={"text": "Again"})) == (409, "conflict")
    assert sam.get("/api/v1/me/standing").json()["history"][0]["appeal"]["status"] == "open"

    assert code(sam.get("/api/v1/admin/appeals")) == (403, "forbidden")
    [case] = admin.get("/api/v1/admin/appeals").json()["items"]
    assert (case["id"], case["member_id"], case["strike"]["id"]) == (
        r.json()["id"], sam.id, latest["id"])
    resolve = f"/api/v1/admin/appeals/{case['id']}/resolve"
    assert code(sam.post(resolve, json={"action": "grant"})) == (403, "forbidden")
    assert code(admin.post(resolve, json={"action": "forgive"}))[0] == 422
    assert code(admin.post("/api/v1/admin/appeals/nope/resolve",
                           json={"action": "grant"})) == (404, "not_found")
    done = admin.post(resolve, json={"action": "grant"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["strike"]["voided"]) == ("granted", True)
    assert code(admin.post(resolve, json={"action": "uphold"})) == (409, "conflict")
    seen = sam.get("/api/v1/me/standing").json()
    assert (seen["status"], seen["strikes"], seen["restricted_until"]) == ("active", 1, None)
    assert admin.get("/api/v1/admin/appeals").json()["items"] == []
    assert len(admin.get("/api/v1/admin/appeals",
                         params={"status": "granted"}).json()["items"]) == 1


def test_openapi_lists_the_safety_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/me/settings", "/api/v1/blocks", "/api/v1/blocks/{member_id}",
                 "/api/v1/me/stops", "/api/v1/reports", "/api/v1/me/standing",
                 "/api/v1/admin/reports", "/api/v1/admin/reports/{report_id}/resolve",
                 "/api/v1/admin/appeals"):
        assert path in paths


# ---- pages ----





def test_pages_need_a_session(app):
    c = TestClient(app, follow_redirects=False)
    for path in ("/settings/privacy", "/settings/blocked", "/standing", "/report?message_id=x",
                 "/admin/reports", "/admin/appeals"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path


def test_privacy_settings_page(app, signup):
    ann = signup("Ann")
    c = browser(app, ann.me["email"])
    page = c.get("/settings/privacy")
    assert page.status_code == 200
    assert 'name="open_profile" value="1"' in page.text and " disabled" in page.text
    assert "Open Profile is a Premium feature" in page.text
    assert "<script>" not in page.text and "style=" not in page.text
    token = csrf_of(page.text)
    form = {"allow_inmail": "1", "inmail_from": "network", "email_notifications": "1"}
    assert c.post("/settings/privacy", data=form).status_code == 403  # no CSRF token
    r = c.post("/settings/privacy", data={**form, "csrf_token": token})
    assert r.status_code == 303
    assert r.headers["location"] == "/settings/privacy?notice=settings_saved"
    saved = c.get(r.headers["location"])
    assert "Privacy settings saved." in saved.text
    assert 'value="network" checked' in saved.text
    assert ann.get("/api/v1/me/settings").json() == {
        "allow_inmail": True, "inmail_from": "network", "open_profile": False,
        "email_notifications": True, "read_receipts": False}
    r = c.post("/settings/privacy", data={**form, "open_profile": "1", "csrf_token": token})
    assert r.status_code == 403 and "Open Profile needs a Premium plan." in r.text
    r = c.post("/settings/privacy", data={**form, "inmail_from": "friends", "csrf_token": token})
    assert r.status_code == 422
    premium(ann)
    assert " disabled" not in c.get("/settings/privacy").text


def test_block_from_a_profile_and_unblock(app, signup):
    ann, bob = signup("Ann"), signup("Bob Stone")
    c = browser(app, ann.me["email"])
    token = csrf_of(c.get("/settings/privacy").text)
    r = c.post(f"/members/{bob.id}/block", data={"csrf_token": token})
    assert r.headers["location"] == "/settings/blocked?notice=blocked"
    page = c.get(r.headers["location"])
    assert "Bob Stone" in page.text and "They are not told" in page.text
    r = c.post(f"/settings/blocked/{bob.id}/unblock", data={"csrf_token": token})
    assert r.headers["location"] == "/settings/blocked?notice=unblocked"
    assert "Bob Stone" not in c.get("/settings/blocked").text
    assert c.post(f"/settings/blocked/{bob.id}/unblock",
                  data={"csrf_token": token}).status_code == 404


def test_report_standing_and_moderation_pages(app, signup, admin):
    sam, rita = signup("Sam Seller"), signup("Rita Reader")
    connect(sam, rita)
    msg = _message(sam, rita, "Buy my course today")
    rc = browser(app, rita.me["email"])
    form = rc.get(f"/report?message_id={msg['id']}")
    assert form.status_code == 200 and 'name="reason"' in form.text
    token = csrf_of(form.text)
    r = rc.post("/report", data={"csrf_token": token, "message_id": msg["id"], "reason": ""})
    assert r.status_code == 422
    r = rc.post("/report", data={"csrf_token": token, "message_id": msg["id"],
                                 "reason": "spam", "details": "Every day"})
    assert r.headers["location"] == "/report/sent"
    assert "Thank you for your report" in rc.get("/report/sent").text
    again = rc.post("/report", data={"csrf_token": token, "message_id": msg["id"],
                                     "reason": "spam"})
    assert again.status_code == 409

    assert rc.get("/admin/reports").status_code == 403
    assert rc.get("/admin/appeals").status_code == 403
    assert rc.post("/admin/reports/x/resolve",
                   data={"csrf_token": token, "action": "strike"}).status_code == 403
    ac = browser(app, "root@example.com")
    queue = ac.get("/admin/reports")
    assert queue.status_code == 200
    assert "Buy my course today" in queue.text and "Every day" in queue.text
    assert ">Dismiss</button>" in queue.text and ">Strike</button>" in queue.text
    [report] = admin.get("/api/v1/admin/reports").json()["items"]
    r = ac.post(f"/admin/reports/{report['id']}/resolve",
                data={"csrf_token": csrf_of(queue.text), "action": "strike"})
    assert r.headers["location"] == "/admin/reports?notice=report_actioned"
    assert "No open reports." in ac.get(r.headers["location"]).text

    sc = browser(app, sam.me["email"])
    standing = sc.get("/standing")
    assert standing.status_code == 200
    assert "Warning" in standing.text and "spam" in standing.text
    assert "Rita" not in standing.text and "Every day" not in standing.text
    assert "Appeal this strike" in standing.text
    [strike] = sam.get("/api/v1/me/standing").json()["history"]
    url = f"/standing/strikes/{strike['id']}/appeal"
    assert sc.post(url, data={"csrf_token": csrf_of(standing.text), "text": " "}).status_code \
        == 422
    r = sc.post(url, data={"csrf_token": csrf_of(standing.text), "text": "It was a real job."})
    assert r.headers["location"] == "/standing?notice=appealed"
    assert "Under review" in sc.get("/standing").text

    appeals = ac.get("/admin/appeals")
    assert "It was a real job." in appeals.text and "Grant appeal" in appeals.text
    [case] = admin.get("/api/v1/admin/appeals").json()["items"]
    r = ac.post(f"/admin/appeals/{case['id']}/resolve",
                data={"csrf_token": csrf_of(appeals.text), "action": "grant"})
    assert r.headers["location"] == "/admin/appeals?notice=appeal_granted"
    assert "No longer counts" in sc.get("/standing").text


def test_partials_for_other_pages(app):
    env = app.state.templates.env
    report = env.get_template("safety/_report_form.html")
    html = report.render(report_inmail_id="IM1", csrf="tok", values={"reason": "x"})
    assert "<details" in html and 'action="/report"' in html
    assert 'name="inmail_id" value="IM1"' in html and 'name="csrf_token" value="tok"' in html
    assert "selected" not in html  # the including page's `values` do not leak in
    # Without a CSRF token (an htmx fragment) it links to the full report page instead.
    assert 'href="/report?message_id=M1"' in report.render(report_message_id="M1")
    block = env.get_template("safety/_block_button.html")
    member = SimpleNamespace(id="B1", full_name="Bob")
    html = block.render(member=member, csrf="tok")
    assert 'action="/members/B1/block"' in html and "data-confirm" in html
    assert 'action="/settings/blocked/B1/unblock"' in block.render(member=member, csrf="tok",
                                                                   blocked=True)


def test_standing_page_explains_a_low_response_cap(app, signup, db, clock) -> None:
    from datetime import timedelta

    from inroad.models import Member

    sam = signup("Sam Sender")
    page = browser(app, sam.me["email"])
    assert "Few members answered" not in page.get("/standing").text
    with db.write() as s:
        member = s.get(Member, sam.me["id"])
        assert member is not None
        member.low_response_warned_at = clock.now() - timedelta(days=1)
        member.inmail_capped_until = clock.now() + timedelta(days=13)
    html = page.get("/standing").text
    assert "you can send 10 InMails a day until" in html
    shown = sam.get("/api/v1/me/standing").json()
    assert shown["inmail_capped_until"] and shown["low_response_warned_at"]
