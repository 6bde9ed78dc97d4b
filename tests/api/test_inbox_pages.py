"""The inbox page cache (web/inbox_pages) never serves a stale page: after every kind of write
that changes what an inbox lists, each member's inbox from an app that caches pages equals,
byte for byte and header for header, the one from an app on the same database that renders
every page afresh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from inroad.store import driver
from inroad.web.app import create_app
from inroad.web.inbox_pages import InboxPages
from tests.api.conftest import Api, connect, premium

VARIANTS: list[dict[str, Any]] = [
    {}, {"folder": "archived"}, {"unread": "true"}, {"kind": "inmail"}, {"kind": "message"},
    {"limit": 1}]


@pytest.fixture
def fresh(settings, db, clock) -> Iterator[TestClient]:
    """The same product without the cache."""
    app = create_app(settings.model_copy(update={"inbox_cache_mb": 0}), clock=clock,
                     migrate=False)
    with TestClient(app) as c:
        yield c


def check(fresh: TestClient, *members: Api) -> None:
    for m in members:
        for params in VARIANTS:
            for _page in range(2):  # and the second page, through the cursor of the first
                expected = fresh.get("/api/v1/conversations", params=params, headers=m.headers)
                for _read in range(2):  # read (or hit) once, then surely a hit
                    cached = m.get("/api/v1/conversations", params=params)
                    assert cached.content == expected.content, (m.me["full_name"], params)
                    assert cached.headers == expected.headers
                cursor = cached.json()["next_cursor"]
                if cursor is None:
                    break
                params = {**params, "cursor": cursor}


def test_every_inbox_write_shows_at_once(fresh, signup, admin) -> None:
    a, b, c = signup("Ann"), signup("Bob"), signup("Cy")
    connect(a, b)
    premium(c)
    check(fresh, a, b, c)

    conv = a.post("/api/v1/messages", json={"to_member_id": b.id, "body": "hi"}).json()
    check(fresh, a, b)
    assert b.post(f"/api/v1/conversations/{conv['conversation_id']}/read").status_code == 204
    check(fresh, a, b)
    b.post(f"/api/v1/conversations/{conv['conversation_id']}/messages", json={"body": "hey"})
    check(fresh, a, b)

    im = c.post("/api/v1/inmails", json={"to_member_id": a.id, "subject": "Role",
                                         "body": "Would you like to talk about a role?"}
                ).json()["inmail"]
    check(fresh, a, c)
    a.post(f"/api/v1/conversations/{im['conversation_id']}/read")  # opened
    check(fresh, a, c)
    assert a.patch("/api/v1/me/settings", json={"read_receipts": False}).status_code == 200
    check(fresh, a, b, c)  # Cy's InMail no longer shows the open
    assert a.post(f"/api/v1/inmails/{im['id']}/accept").status_code == 200
    check(fresh, a, c)
    a.post(f"/api/v1/conversations/{im['conversation_id']}/messages", json={"body": "Sure"})
    check(fresh, a, c)

    for action in ("archive", "unarchive", "archive"):
        b.post(f"/api/v1/conversations/{conv['conversation_id']}/{action}")
        check(fresh, b)
    assert b.patch("/api/v1/me", json={"full_name": "Robert", "headline": "Staff engineer"}
                   ).status_code == 200
    check(fresh, a, b)
    premium(b)  # the plan shows on Bob's card
    check(fresh, a, b)

    im2 = c.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": "Another role",
                                          "body": "A second role you might like to hear of."}
                 ).json()["inmail"]
    check(fresh, b, c)
    b.post(f"/api/v1/inmails/{im2['id']}/decline", json={"stop_contact": True})
    check(fresh, b, c)
    assert admin.post(f"/api/v1/admin/members/{c.id}/status",
                      json={"status": "restricted", "reason": "spam"}).status_code == 200
    check(fresh, a, b)
    assert b.delete("/api/v1/me", json={"password": "0123456789"}).status_code == 204
    check(fresh, a, c)  # Bob's card now reads as a former member


def test_an_unchanged_inbox_is_not_read_again(client, signup, ctx) -> None:
    if not ctx.db.is_sqlite:
        pytest.skip("PostgreSQL keeps no inbox versions")
    a, b = signup("Ann"), signup("Bob")
    connect(a, b)
    a.post("/api/v1/messages", json={"to_member_id": b.id, "body": "hi"})
    statements: list[str] = []
    driver.listeners.append(statements.append)
    try:
        first = b.get("/api/v1/conversations")
        read = len(statements)
        second = b.get("/api/v1/conversations")
        again = len(statements) - read
        b.post(f"/api/v1/conversations/{first.json()['items'][0]['id']}/read")
        third = b.get("/api/v1/conversations")
    finally:
        driver.listeners.remove(statements.append)
    assert second.content == first.content
    # A hit runs the token check (it reads the version), not the page; a miss runs the front's
    # token check, the route's, and the page.
    assert (read, again) == (3, 1)
    assert third.json()["items"][0]["unread_count"] == 0


def test_a_cached_page_needs_a_token_the_route_would_take(client, signup, admin) -> None:
    """The front answers only for a token the route accepts: a page cached for a member is
    not served once they log out or are suspended, nor without the Bearer scheme."""
    a, b = signup("Ann"), signup("Bob")
    for m in (a, b):
        assert m.get("/api/v1/conversations").status_code == 200  # cached
    bare = {"Authorization": a.token}
    assert client.get("/api/v1/conversations", headers=bare).status_code == 401
    assert a.post("/api/v1/auth/logout").status_code == 204
    assert a.get("/api/v1/conversations").status_code == 401
    assert admin.post(f"/api/v1/admin/members/{b.id}/status",
                      json={"status": "suspended"}).status_code == 200
    assert b.get("/api/v1/conversations").status_code == 401


def test_pages_are_kept_by_version_within_their_bytes() -> None:
    pages = InboxPages(capacity=10)
    pages.put("a", 1, b"aaaa")
    pages.put("b", 1, b"bbbb")
    assert pages.get("a", 1) == b"aaaa" and pages.get("a", 2) is None
    assert pages.get("a", None) is None
    pages.put("c", 1, b"cccc")  # over 10 bytes: "b", used least recently, goes
    assert (pages.get("b", 1), pages.get("a", 1), pages.size) == (None, b"aaaa", 8)
    pages.put("a", 2, b"aa")  # a newer version replaces the page
    assert (pages.get("a", 1), pages.get("a", 2), pages.size) == (None, b"aa", 6)
    pages.put("big", 1, b"x" * 11)  # larger than the whole cache: not kept
    pages.put("none", None, b"x")  # no version: not kept
    assert pages.get("big", 1) is None and pages.size == 6
