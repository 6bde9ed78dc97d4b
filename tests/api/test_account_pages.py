"""The web pages for your data (export, deletion) and your signed-in sessions, over HTTP."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import browser, connect, csrf_of, premium

CURRENT = re.compile(r'class="session session-current" id="session-([^"]+)"')
PASSWORD = "0123456789"




def current_session_id(c: TestClient) -> str:
    match = CURRENT.search(c.get("/settings/sessions").text)
    assert match, "no session marked as this device"
    return match.group(1)


@pytest.mark.parametrize("path", ["/settings/account", "/settings/account/export",
                                  "/settings/sessions"])
def test_pages_need_a_session(app, path):
    r = TestClient(app, follow_redirects=False).get(path)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_settings_tabs_link_the_new_pages(app, signup):
    c = browser(app, signup().me["email"])
    page = c.get("/settings/privacy").text
    assert 'href="/settings/sessions"' in page and 'href="/settings/account"' in page
    account = c.get("/settings/account").text
    assert '<a href="/settings/account" aria-current="page">Your data</a>' in account
    sessions = c.get("/settings/sessions").text
    assert '<a href="/settings/sessions" aria-current="page">Sessions</a>' in sessions
    for html in (account, sessions):
        assert "<script>" not in html and "style=" not in html


def test_download_your_data(app, signup):
    ann, bob = signup("Ann", company="Acme"), signup("Bob")
    connect(ann, bob)
    ann.post("/api/v1/messages", json={"to_member_id": bob.id, "body": "hello Bob"})
    c = browser(app, ann.me["email"])
    page = c.get("/settings/account")
    assert 'href="/settings/account/export" download' in page.text
    r = c.get("/settings/account/export")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["content-disposition"] == \
        "attachment; filename=inroad-export-2026-01-15.json"  # the test clock's date
    assert r.headers["cache-control"] == "no-store"
    assert r.json() == ann.get("/api/v1/me/export").json()
    assert r.json()["messages"][0]["body"] == "hello Bob"


def test_delete_account_wrong_then_right_password(app, signup):
    ann, bob = signup("Ann Secret", company="Acme"), signup("Bob")
    connect(ann, bob)
    ann.post("/api/v1/messages", json={"to_member_id": bob.id, "body": "hi Bob"})
    premium(ann)
    c = browser(app, ann.me["email"])
    page = c.get("/settings/account")
    assert page.status_code == 200
    assert "Former member" in page.text and "forfeited" in page.text
    assert "(you have 5 credits)" in page.text and "your Premium plan ends" in page.text
    assert 'autocomplete="current-password"' in page.text
    token = csrf_of(page.text)

    assert c.post("/settings/account/delete", data={"password": PASSWORD}).status_code == 403
    for wrong, message in (("not-my-password", "That password is not right."),
                           ("", "This field is required.")):
        r = c.post("/settings/account/delete", data={"csrf_token": token, "password": wrong})
        assert r.status_code == 422
        assert message in r.text and 'aria-invalid="true"' in r.text
        assert 'role="alert">Your account was not deleted.' in r.text
    assert ann.get("/api/v1/me").json()["full_name"] == "Ann Secret"  # nothing deleted
    assert c.get("/settings/account").status_code == 200  # still signed in

    r = c.post("/settings/account/delete", data={"csrf_token": token, "password": PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == "/login?notice=account_deleted"
    assert 'inroad_session=""' in r.headers["set-cookie"]
    assert "Your account is deleted" in c.get(r.headers["location"]).text
    assert c.get("/settings/account").headers["location"].startswith("/login?next=")
    assert ann.get("/api/v1/me").status_code == 401  # every session ended

    [conv] = bob.get("/api/v1/conversations").json()["items"]
    assert conv["other"]["full_name"] == "Former member"
    thread = browser(app, bob.me["email"]).get(f"/conversations/{conv['id']}")
    assert "Former member" in thread.text and "Ann Secret" not in thread.text
    assert "hi Bob" in thread.text


def test_sessions_list_revoke_another_and_everywhere_else(app, signup):
    ann = signup("Ann")  # signing up issued an API token: one session already
    first, second = browser(app, ann.me["email"]), browser(app, ann.me["email"])
    page = first.get("/settings/sessions")
    assert page.status_code == 200
    assert page.text.count('<li class="session') == 3
    assert page.text.count(">This device<") == 1
    kinds = [k.strip() for k in re.findall(r'class="session-name">([^<]+)', page.text)]
    assert sorted(kinds) == ["App or API token", "Web browser", "Web browser"]
    assert "Signed in" in page.text and "Expires" in page.text
    token = csrf_of(page.text)

    other = current_session_id(second)
    assert other != current_session_id(first)
    r = first.post(f"/settings/sessions/{other}/revoke", data={"csrf_token": token})
    assert r.headers["location"] == "/settings/sessions?notice=session_revoked"
    assert "That session is signed out." in first.get(r.headers["location"]).text
    assert second.get("/settings/sessions").headers["location"].startswith("/login?next=")
    assert first.post(f"/settings/sessions/{other}/revoke",
                      data={"csrf_token": token}).status_code == 404
    assert first.post(f"/settings/sessions/{other}/revoke").status_code == 403  # no CSRF

    bob = browser(app, signup("Bob").me["email"])
    mine = current_session_id(first)
    bob_token = csrf_of(bob.get("/settings/sessions").text)
    assert bob.post(f"/settings/sessions/{mine}/revoke",
                    data={"csrf_token": bob_token}).status_code == 404  # not Bob's

    r = first.post("/settings/sessions/others/revoke", data={"csrf_token": token})
    assert r.headers["location"] == "/settings/sessions?notice=others_revoked"
    assert ann.get("/api/v1/me").status_code == 401  # the API token ended too
    page = first.get("/settings/sessions").text
    assert page.count('<li class="session') == 1 and "Sign out everywhere else" not in page

    r = first.post(f"/settings/sessions/{mine}/revoke", data={"csrf_token": token})
    assert r.headers["location"] == "/login?notice=signed_out"
    assert 'inroad_session=""' in r.headers["set-cookie"]
    assert first.get("/settings/sessions").headers["location"].startswith("/login?next=")
