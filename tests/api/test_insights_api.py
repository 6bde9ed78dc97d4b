"""Insights, CSV, follow-ups and draft review over HTTP, and the pages behind them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api, connect, premium
from tests.api.test_pages import csrf_of
from tests.services.test_insights import wired  # noqa: F401  (fixture)

TOTALS = {"sent", "delivered", "rejected", "opened", "responded", "accepted", "declined",
          "replied", "open_rate", "response_rate", "median_response_hours", "credits_spent",
          "credits_refunded"}


def send(a, b, subject="Role at Acme", body=None, purpose="hiring"):
    r = a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": subject,
                                        "body": body or f"Hi {b.me['full_name']}",
                                        "purpose": purpose})
    assert r.status_code == 201, r.text
    return r.json()["inmail"]


def test_defaults_are_the_last_90_days_by_day(signup):
    a = signup()
    body = a.get("/api/v1/me/insights").json()
    assert (body["from"], body["to"], body["group_by"]) == ("2025-10-18", "2026-01-15", "day")
    assert set(body["totals"]) >= TOTALS and len(body["series"]) == 90
    assert TOTALS - {"median_response_hours"} <= set(body["series"][0]) | {"period"}
    assert body["series"][0]["period"] == "2025-10-18"
    assert body["totals"]["sent"] == 0 and body["totals"]["open_rate"] is None
    assert body["by_subject"] == [] and body["by_purpose"] == []
    assert set(body["platform"]) >= {"open_rate", "response_rate"}


@pytest.mark.parametrize(("query", "field"), [
    ("from=yesterday", "from"), ("to=2026-13-01", "to"), ("from=2026-01-10&to=2026-01-01", "to"),
    ("from=2022-01-01&to=2026-01-01", "to"), ("group_by=year", "group_by"),
    ("from=0001-01-01T00:00:00%2B01:00", "from"), ("to=0001-01-01", "to"),
    ("from=2026-01-01T25:00:00Z", "from"),
])
def test_bad_queries_are_422_with_fields(signup, query, field):
    r = signup().get(f"/api/v1/me/insights?{query}")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"
    assert field in r.json()["error"]["fields"]


def test_insights_from_real_activity_and_csv(client, signup, clock, wired):  # noqa: F811
    a, b, c = signup("Ann"), signup("Bob Stone"), signup("Cy Park")
    premium(a)
    to_b = send(a, b, "Role at Acme, Bob")
    send(a, c, "Role at Acme, Cy", purpose="introduction")
    clock.advance(timedelta(hours=5))
    assert b.post(f"/api/v1/inmails/{to_b['id']}/accept").status_code == 200
    q = "from=2026-01-15T00:00:00Z&to=2026-01-15T23:59:59%2B00:00&group_by=week"
    body = a.get(f"/api/v1/me/insights?{q}").json()
    t = body["totals"]
    assert (t["sent"], t["delivered"], t["opened"], t["accepted"], t["responded"]) == (
        2, 2, 1, 1, 1)
    assert (t["open_rate"], t["response_rate"], t["median_response_hours"]) == (0.5, 0.5, 5.0)
    assert t["response_rate_ci"] == [0.0945, 0.9055]
    assert (t["credits_spent"], t["credits_refunded"]) == (2, 1)
    assert [s["period"] for s in body["series"]] == ["2026-01-12"]
    assert [(s["subject"], s["sent"]) for s in body["by_subject"]] == [
        ("role at acme, {name}", 2)]
    assert {p["purpose"]: p["platform"]["delivered"] for p in body["by_purpose"]} == {
        "hiring": 1, "introduction": 1}
    assert body["platform"]["response_rate"] == 0.5

    csv = a.get(f"/api/v1/me/insights.csv?{q}")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"].startswith("attachment; filename=")
    lines = csv.text.splitlines()
    assert lines[0].split(",")[:4] == ["period", "start", "end", "sent"]
    assert lines[1].startswith("2026-01-12,2026-01-15,2026-01-15,2,2,0,1,1,")
    assert a.get("/api/v1/me/insights.csv?to=x").status_code == 422
    assert client.get("/api/v1/me/insights").status_code == 401


def test_follow_ups(signup, clock):
    a, b, c, d = signup("Ann"), signup("Bob"), signup("Cy"), signup("Di")
    premium(a, "business")
    to_b, to_c, to_d = send(a, b), send(a, c), send(a, d)
    assert a.get("/api/v1/me/follow-ups").json() == {"items": [], "next_cursor": None}
    clock.advance(timedelta(days=7))
    assert c.post(f"/api/v1/inmails/{to_c['id']}/decline").status_code == 200
    page = a.get("/api/v1/me/follow-ups?limit=1").json()
    assert [i["id"] for i in page["items"]] == [to_d["id"]] and page["next_cursor"]
    item = page["items"][0]
    assert item["recipient"]["id"] == d.id and item["subject"] == to_d["subject"]
    assert item["due_since"].startswith("2026-01-22T09:00:00")
    rest = a.get(f"/api/v1/me/follow-ups?limit=1&cursor={page['next_cursor']}").json()
    assert [i["id"] for i in rest["items"]] == [to_b["id"]]
    send(a, b, "Re: Role at Acme")  # the one follow-up: nothing more is due for Bob
    assert [i["id"] for i in a.get("/api/v1/me/follow-ups").json()["items"]] == [to_d["id"]]
    assert b.get("/api/v1/me/follow-ups").json()["items"] == []
    assert a.get("/api/v1/me/follow-ups?cursor=junk").status_code == 422


def test_review(signup):
    a = signup("Ann Lee", company="Acme", skills=["Python", "SQL"])
    b = signup("Dana Whitfield", company="Acme", title="Head of Data", skills=["python"])
    sam = signup("Sam Ortiz")
    connect(a, sam)
    connect(sam, b)
    draft = {"to_member_id": b.id, "subject": "Question about your data team",
             "body": "Hi Dana,\n\nSam Ortiz suggested I write: I'm looking for a role on your "
                     "team.\n\nWould you be open to a short call next week? Thank you!"}
    r = a.post("/api/v1/inmails/review", json=draft)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["score"] == 100 and all(c["ok"] for c in body["checks"])
    assert [c["id"] for c in body["checks"]] == [
        "personalized", "common_ground", "purpose", "call_to_action", "length", "subject",
        "spelling", "thanks", "shouting", "not_promotional"]
    ground = body["common_ground"]
    assert [m["full_name"] for m in ground["shared_connections"]] == ["Sam Ortiz"]
    assert (ground["company"], ground["skills"], ground["groups"]) == ("Acme", ["python"], [])

    weak = a.post("/api/v1/inmails/review", json={**draft, "subject": "",
                                                   "body": "Helo, i wnat a job"}).json()
    assert weak["score"] < 60
    failed = {c["id"]: c["message"] for c in weak["checks"] if not c["ok"]}
    assert {"personalized", "subject", "spelling", "thanks", "call_to_action"} <= set(failed)
    assert "helo" in failed["spelling"]

    missing = a.post("/api/v1/inmails/review", json={**draft, "to_member_id": "nobody"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "recipient_not_found")
    too_long = a.post("/api/v1/inmails/review", json={**draft, "body": "x" * 1901})
    assert "body" in too_long.json()["error"]["fields"]
    nul = a.post("/api/v1/inmails/review", json={**draft, "to_member_id": "a\u0000"})
    assert "to_member_id" in nul.json()["error"]["fields"]


# ---- pages ----


def web_member(client: TestClient, name: str, email: str) -> Api:
    """Signed in on the web (the client's cookies) and on the API (the returned token)."""
    page = client.get("/signup")
    r = client.post("/signup", follow_redirects=False, data={
        "csrf_token": csrf_of(page.text), "full_name": name, "email": email,
        "password": "correct horse battery"})
    assert r.status_code == 303, r.text
    login = client.post("/api/v1/auth/login", json={"email": email,
                                                    "password": "correct horse battery"})
    return Api(client, login.json()["token"], login.json()["me"])


@pytest.mark.parametrize("path", ["/insights", "/insights.csv", "/follow-ups"])
def test_pages_need_a_sign_in(client: TestClient, path: str) -> None:
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_insights_page(client: TestClient, signup, clock, wired) -> None:  # noqa: F811
    ada, ann = web_member(client, "Ada Lovelace", "ada@example.com"), signup("Ann")
    premium(ada)
    send(ada, ann, "Quick question about <b>data</b>")
    page = client.get("/insights?days=30&group_by=week")
    assert page.status_code == 200
    html = page.text
    assert "InMail insights" in html and "Platform average" in html
    assert 'id="insights-chart"' in html and "/static/insights.js" in html
    assert "quick question about &lt;b&gt;data&lt;/b&gt;" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "style=" not in html
    assert 'href="/insights.csv?days=30&amp;group_by=week"' in html
    csv = client.get("/insights.csv?days=30&group_by=week")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    assert client.get("/insights?days=7&group_by=x").status_code == 200  # falls back to defaults
    assert client.get("/follow-ups").status_code == 200


def test_follow_ups_page_links_to_a_prefilled_compose(client: TestClient, signup, clock) -> None:
    ada, bob = web_member(client, "Ada Lovelace", "ada@example.com"), signup("Bob")
    premium(ada)
    im = send(ada, bob, "Role & team")
    clock.advance(timedelta(days=8))
    html = client.get("/follow-ups").text
    assert (f'href="/members/{bob.id}/inmail?subject=Re%3A%20Role%20%26%20team&amp;'
            f'follow_up={im["id"]}"') in html


def test_review_fragment_needs_csrf_and_renders_the_panel(client: TestClient, signup) -> None:
    web_member(client, "Ada Lovelace", "ada@example.com")
    bob = signup("Bob Stone")
    token = csrf_of(client.get("/inbox").text)
    form = {"to_member_id": bob.id, "subject": "Hello", "body": "Hi Bob, thanks!"}
    assert client.post("/fragments/review", data=form).status_code == 403
    r = client.post("/fragments/review", data=form,
                    headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert r.status_code == 200
    assert "Draft review" in r.text and "Score" in r.text and 'data-check="spelling"' in r.text
    empty = client.post("/fragments/review", data={"to_member_id": bob.id},
                        headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert "Start writing" in empty.text and "Score" not in empty.text
    gone = client.post("/fragments/review", data={**form, "to_member_id": "nobody"},
                       headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert gone.headers.get("HX-Retarget") == "#alerts"
