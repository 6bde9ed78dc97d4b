"""The web pages over HTTP: sign-in walls, CSRF, escaping, and InMail refusals shown in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from inroad.config import load_settings
from inroad.web.app import create_app
from tests.api.conftest import csrf_of


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app(load_settings(database_url=f"sqlite:///{tmp_path}/t.db", test_clock=True,
                                    run_duties_in_process=False, secret_key="test",
                                    # cheap hashing: these tests are about pages, not argon2
                                    argon2_time_cost=1, argon2_memory_kib=1024))


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, follow_redirects=False) as c:
        yield c


def browser(app) -> TestClient:  # type: ignore[no-untyped-def]
    """A second, independent cookie jar on the same app."""
    return TestClient(app, follow_redirects=False)



def sign_up(c: TestClient, name: str, email: str, **profile: str) -> str:
    page = c.get("/signup")
    assert page.status_code == 200
    r = c.post("/signup", data={"csrf_token": csrf_of(page.text), "full_name": name,
                                "email": email, "password": "correct horse battery",
                                **profile})
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/inbox")
    me = c.get("/me")
    return me.headers["location"].rsplit("/", 1)[1]


def api_token(c: TestClient, email: str) -> dict[str, str]:
    r = c.post("/api/v1/auth/login", json={"email": email, "password": "correct horse battery"})
    assert r.status_code == 200
    return {"Authorization": f"Bearer {r.json()['token']}"}


@pytest.mark.parametrize("path", ["/inbox", "/network", "/search?q=a", "/inmails", "/credits",
                                  "/plan", "/conversations/x", "/members/x",
                                  "/members/x/inmail", "/fragments/unread-badge"])
def test_pages_require_login(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


def test_root_redirects_and_login_returns_to_next(client: TestClient) -> None:
    assert client.get("/").headers["location"] == "/login"
    sign_up(client, "Ada Lovelace", "ada@example.com")
    assert client.get("/").headers["location"] == "/inbox"
    client.cookies.clear()
    page = client.get("/login?next=/network")
    assert 'name="next" value="/network"' in page.text
    r = client.post("/login", data={"csrf_token": csrf_of(page.text), "email": "ada@example.com",
                                    "password": "correct horse battery", "next": "/network"})
    assert r.status_code == 303 and r.headers["location"] == "/network"
    assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=lax" in r.headers["set-cookie"]


def test_login_never_redirects_off_site(client: TestClient) -> None:
    sign_up(client, "Ada Lovelace", "ada@example.com")
    client.cookies.clear()
    page = client.get("/login")
    r = client.post("/login", data={"csrf_token": csrf_of(page.text), "email": "ada@example.com",
                                    "password": "correct horse battery",
                                    "next": "//evil.example/"})
    assert r.headers["location"] == "/inbox"


def test_wrong_password_keeps_email_and_says_so(client: TestClient) -> None:
    sign_up(client, "Ada Lovelace", "ada@example.com")
    client.cookies.clear()
    page = client.get("/login")
    r = client.post("/login", data={"csrf_token": csrf_of(page.text), "email": "ada@example.com",
                                    "password": "nope nope nope"})
    assert r.status_code == 401
    assert "Wrong email or password." in r.text
    assert 'value="ada@example.com"' in r.text


def test_signup_shows_field_errors_and_keeps_input(client: TestClient) -> None:
    page = client.get("/signup")
    r = client.post("/signup", data={"csrf_token": csrf_of(page.text), "full_name": "Grace",
                                     "email": "not-an-email", "password": "short",
                                     "headline": "Admiral"})
    assert r.status_code == 422
    assert 'id="f-email-error"' in r.text and 'id="f-password-error"' in r.text
    assert 'value="Grace"' in r.text and 'value="Admiral"' in r.text


def test_post_without_csrf_token_is_refused(client: TestClient) -> None:
    sign_up(client, "Ada Lovelace", "ada@example.com")
    r = client.post("/logout")
    assert r.status_code == 403
    assert "This form has expired" in r.text
    r = client.post("/logout", data={"csrf_token": "forged"})
    assert r.status_code == 403
    assert client.get("/inbox").status_code == 200  # still signed in


def test_anonymous_forms_need_the_double_submit_cookie(client: TestClient) -> None:
    r = client.post("/signup", data={"csrf_token": "x", "full_name": "Eve",
                                     "email": "eve@example.com", "password": "0123456789ab"})
    assert r.status_code == 403


def test_htmx_csrf_header_is_accepted(client: TestClient) -> None:
    sign_up(client, "Ada Lovelace", "ada@example.com")
    token = csrf_of(client.get("/inbox").text)
    r = client.post("/logout", headers={"X-CSRF-Token": token})
    assert r.status_code == 303


def test_message_with_script_is_escaped(app) -> None:  # type: ignore[no-untyped-def]
    with browser(app) as ada, browser(app) as bob:
        ada_id = sign_up(ada, "Ada Lovelace", "ada@example.com")
        bob_id = sign_up(bob, "Bob Babbage", "bob@example.com")
        req = ada.post("/api/v1/connection-requests", json={"to_member_id": bob_id},
                       headers=api_token(ada, "ada@example.com"))
        bob.post(f"/api/v1/connection-requests/{req.json()['id']}/accept",
                 headers=api_token(bob, "bob@example.com"))
        profile = ada.get(f"/members/{bob_id}")
        assert "Send message" in profile.text
        evil = "<script>window.pwned=1</script><b>hi</b>"
        r = ada.post(f"/members/{bob_id}/message",
                     data={"csrf_token": csrf_of(profile.text), "body": evil})
        assert r.status_code == 303
        conv_url = r.headers["location"].split("?")[0]
        page = bob.get(conv_url)
        assert page.status_code == 200
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;b&gt;hi&lt;/b&gt;" in page.text
        assert "<script>window" not in page.text and "<b>hi" not in page.text
        assert ada_id in page.text  # the profile link of the other member
        inbox = bob.get("/inbox")
        assert "&lt;script&gt;" in inbox.text and "<script>window" not in inbox.text


def test_reply_over_htmx_returns_the_message_and_errors_keep_text(app) -> None:  # type: ignore[no-untyped-def]
    with browser(app) as ada, browser(app) as bob:
        sign_up(ada, "Ada Lovelace", "ada@example.com")
        bob_id = sign_up(bob, "Bob Babbage", "bob@example.com")
        headers = api_token(ada, "ada@example.com")
        req = ada.post("/api/v1/connection-requests", json={"to_member_id": bob_id},
                       headers=headers)
        bob.post(f"/api/v1/connection-requests/{req.json()['id']}/accept",
                 headers=api_token(bob, "bob@example.com"))
        msg = ada.post("/api/v1/messages", json={"to_member_id": bob_id, "body": "Hello"},
                       headers=headers).json()
        conv = f"/conversations/{msg['conversation_id']}"
        page = ada.get(conv)
        token = csrf_of(page.text)
        r = ada.post(f"{conv}/messages", data={"body": "Second line\nthird"},
                     headers={"HX-Request": "true", "X-CSRF-Token": token})
        assert r.status_code == 200 and r.text.lstrip().startswith("<li")
        assert "Second line\nthird" in r.text
        r = ada.post(f"{conv}/messages", data={"body": "   "},
                     headers={"HX-Request": "true", "X-CSRF-Token": token})
        assert r.headers["HX-Retarget"] == "#composer"
        assert "reply-error" in r.text
        r = ada.post(f"{conv}/messages", data={"body": "x" * 8001, "csrf_token": token})
        assert r.status_code == 422 and "x" * 8001 in r.text
        badge = bob.get("/fragments/unread-badge")
        assert badge.text.startswith('<span id="unread-badge" class="badge">1')


def test_compose_page_explains_refusal_for_free_sender(app) -> None:  # type: ignore[no-untyped-def]
    with browser(app) as ada, browser(app) as bob:
        sign_up(ada, "Ada Lovelace", "ada@example.com")
        bob_id = sign_up(bob, "Bob Babbage", "bob@example.com")
        page = ada.get(f"/members/{bob_id}/inmail")
        assert page.status_code == 200
        assert "InMail is a Premium feature" in page.text
        assert 'href="/plan"' in page.text
        assert "Send InMail" not in page.text.split('id="cost-line"')[1]
        # Posting anyway (a stale form) is refused, and what was typed comes back.
        r = ada.post(f"/members/{bob_id}/inmail",
                     data={"csrf_token": csrf_of(page.text), "subject": "Hello there",
                           "body": "A thoughtful note", "purpose": "hiring",
                           "idempotency_key": "k1"})
        assert r.status_code == 422
        assert "Sending InMail needs a Premium plan." in r.text
        assert 'value="Hello there"' in r.text and "A thoughtful note" in r.text


def test_inmail_send_is_idempotent_and_recipient_can_respond(app) -> None:  # type: ignore[no-untyped-def]
    with browser(app) as ada, browser(app) as bob:
        sign_up(ada, "Ada Lovelace", "ada@example.com")
        bob_id = sign_up(bob, "Bob Babbage", "bob@example.com")
        plan = ada.get("/plan")
        r = ada.post("/plan", data={"csrf_token": csrf_of(plan.text), "plan": "career",
                                    "payment_token": "tok_visa"})
        assert r.status_code == 303
        page = ada.get(f"/members/{bob_id}/inmail")
        assert "Cost: 1 credit" in page.text and "Your balance: 5" in page.text
        key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
        assert key
        form = {"csrf_token": csrf_of(page.text), "subject": "Your talk on engines",
                "body": "Loved it.", "purpose": "networking", "idempotency_key": key.group(1)}
        first = ada.post(f"/members/{bob_id}/inmail", data=form)
        second = ada.post(f"/members/{bob_id}/inmail", data=form)
        assert first.status_code == second.status_code == 303
        assert first.headers["location"] == second.headers["location"]
        credits = ada.get("/credits")
        assert 'id="credit-balance">4<' in credits.text
        conv = first.headers["location"].split("?")[0]
        view = bob.get(conv)
        assert "Interested" in view.text and "Stop messages from this member" in view.text
        inmail_id = re.search(r'action="/inmails/([^/]+)/accept"', view.text)
        assert inmail_id
        r = bob.post(f"/inmails/{inmail_id.group(1)}/accept",
                     data={"csrf_token": csrf_of(view.text)})
        assert r.status_code == 303
        assert 'id="credit-balance">5<' in ada.get("/credits").text
        assert "Refund" in ada.get("/credits").text


def test_unknown_conversation_is_a_friendly_404(client: TestClient) -> None:
    sign_up(client, "Ada Lovelace", "ada@example.com")
    r = client.get("/conversations/nope")
    assert r.status_code == 404
    assert "We could not find that" in r.text and "text/html" in r.headers["content-type"]


def test_pages_send_no_inline_script_or_style(client: TestClient) -> None:
    sign_up(client, "Ada Lovelace", "ada@example.com")
    for path in ("/inbox", "/network", "/search?q=ada", "/inmails", "/credits", "/plan", "/me"):
        r = client.get(path, follow_redirects=True)
        assert r.status_code == 200, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", r.text), path
        assert not re.search(r"\son[a-z]+=", r.text), path
        assert "style=" not in r.text, path


def test_layout_wires_live_updates_only_when_signed_in(client: TestClient) -> None:
    login = client.get("/login")
    assert "data-events-url" not in login.text and 'name="csrf-token"' not in login.text
    sign_up(client, "Ada Lovelace", "ada@example.com")
    page = client.get("/inbox").text
    assert '<body data-events-url="/api/v1/events">' in page
    assert f'<meta name="csrf-token" content="{csrf_of(page)}">' in page
    assert 'href="#main"' in page and '<main id="main"' in page
    assert client.get("/fragments/unread-badge").text.strip() == \
        '<span id="unread-badge" class="badge"></span>'


def test_not_interested_with_stop_closes_the_door(app) -> None:  # type: ignore[no-untyped-def]
    with browser(app) as ada, browser(app) as bob:
        sign_up(ada, "Ada Lovelace", "ada@example.com")
        bob_id = sign_up(bob, "Bob Babbage", "bob@example.com")
        plan = ada.get("/plan")
        ada.post("/plan", data={"csrf_token": csrf_of(plan.text), "plan": "business",
                                "payment_token": "tok_visa"})
        page = ada.get(f"/members/{bob_id}/inmail")
        sent = ada.post(f"/members/{bob_id}/inmail",
                        data={"csrf_token": csrf_of(page.text), "subject": "Hello",
                              "body": "Hi Bob, a quick question about engines?",
                              "purpose": "networking", "idempotency_key": "k-stop"})
        conv = sent.headers["location"].split("?")[0]
        assert "You can write again once Bob Babbage responds" in ada.get(conv).text
        view = bob.get(conv)
        inmail_id = re.search(r'action="/inmails/([^/]+)/decline"', view.text)
        assert inmail_id
        r = bob.post(f"/inmails/{inmail_id.group(1)}/decline",
                     data={"csrf_token": csrf_of(view.text), "stop_contact": "1"})
        assert r.status_code == 303 and r.headers["location"].endswith("notice=not_interested")
        assert "Interested</button>" not in bob.get(conv).text
        sender_view = ada.get(conv).text
        assert "Declined" in sender_view and "Refunded" in sender_view
        again = ada.get(f"/members/{bob_id}/inmail").text
        assert "is not accepting InMail from you" in again
        assert ">Send InMail</button>" not in again



def test_compose_prefills_the_follow_up_subject(app) -> None:  # type: ignore[no-untyped-def]
    """The follow-ups page links to the compose form with `?subject=Re: ...`."""
    with browser(app) as ada, browser(app) as bob:
        sign_up(ada, "Ada Lovelace", "ada@example.com")
        bob_id = sign_up(bob, "Bob Babbage", "bob@example.com")
        page = ada.get(f"/members/{bob_id}/inmail", params={"subject": "Re: Coffee <chat>"})
        assert page.status_code == 200
        assert 'value="Re: Coffee &lt;chat&gt;"' in page.text


def test_profile_shows_open_profile_only_while_premium(app) -> None:  # type: ignore[no-untyped-def]
    with browser(app) as ada, browser(app) as bob:
        ada_id = sign_up(ada, "Ada Lovelace", "ada@example.com")
        sign_up(bob, "Bob Babbage", "bob@example.com")
        plan = ada.get("/plan")
        ada.post("/plan", data={"csrf_token": csrf_of(plan.text), "plan": "career",
                                "payment_token": "tok_visa"})
        auth = api_token(ada, "ada@example.com")
        assert ada.patch("/api/v1/me/settings", json={"open_profile": True},
                         headers=auth).status_code == 200
        page = bob.get(f"/members/{ada_id}").text
        assert ">Open Profile</span>" in page and ">Premium</span>" in page
        assert ada.put("/api/v1/me/plan", json={"plan": "free"}, headers=auth).status_code == 200
        page = bob.get(f"/members/{ada_id}").text
        assert ">Open Profile</span>" not in page and ">Premium</span>" not in page
