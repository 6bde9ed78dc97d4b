from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from inroad.services import accounts
from inroad.web.app import create_app

_n = itertools.count(1)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def browser(app: Any, email: str, password: str = "0123456789") -> TestClient:
    """A signed-in browser (its own cookie jar), through the sign-in form."""
    c = TestClient(app, follow_redirects=False)
    page = c.get("/login")
    r = c.post("/login", data={"csrf_token": csrf_of(page.text), "email": email,
                               "password": password})
    assert r.status_code == 303, r.text
    return c


@pytest.fixture
def app(settings, db, clock):
    return create_app(settings, clock=clock, migrate=False)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


class Api:
    """A signed-in member talking to the API."""

    def __init__(self, client: TestClient, token: str, me: dict[str, Any]) -> None:
        self.client, self.token, self.me = client, token, me
        self.id = me["id"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method: str) -> Any:
        def call(path: str, **kw: Any) -> Any:
            headers = {**self.headers, **kw.pop("headers", {})}
            return self.client.request(method.upper(), path, headers=headers, **kw)
        return call


@pytest.fixture
def signup(client):
    def make(name: str = "Member", **extra: Any) -> Api:
        n = next(_n)
        r = client.post("/api/v1/auth/signup", json={
            "email": f"user{n}@example.com", "password": "0123456789", "full_name": name,
            **extra})
        assert r.status_code == 201, r.text
        return Api(client, r.json()["token"], r.json()["me"])
    return make


@pytest.fixture
def admin(app, client) -> Api:
    accounts.create_admin(app.state.ctx, email="root@example.com", password="0123456789")
    r = client.post("/api/v1/auth/login", json={"email": "root@example.com",
                                                "password": "0123456789"})
    assert r.status_code == 200, r.text
    return Api(client, r.json()["token"], r.json()["me"])


def connect(a: Api, b: Api) -> None:
    req = a.post("/api/v1/connection-requests", json={"to_member_id": b.id}).json()
    assert b.post(f"/api/v1/connection-requests/{req['id']}/accept").status_code == 200


def premium(member: Api, plan: str = "career") -> None:
    r = member.put("/api/v1/me/plan", json={"plan": plan, "payment_token": "tok_visa"})
    assert r.status_code == 200, r.text
