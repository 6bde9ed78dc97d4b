"""Compliance refusals and rate limits as clients see them: codes, statuses, extras, headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from inroad.web.app import create_app
from tests.api.conftest import Api, premium


def inmail(a: Api, b: Api, body: str, subject: str = "Hello"):
    return a.post("/api/v1/inmails", json={"to_member_id": b.id, "subject": subject,
                                           "body": body})


def note(i: int) -> str:
    return f"Hi, I read your note number {i} on topic {i * 11} and have question {i * 5} for you."


@pytest.fixture
def limited_client(settings, db, clock):
    app = create_app(settings.model_copy(update={"inmails_per_day": 2,
                                                 "login_attempts_per_account": 2}),
                     clock=clock, migrate=False)
    with TestClient(app) as c:
        yield c


def test_looks_promotional_lists_the_phrases(signup):
    a, b = signup("Ann"), signup("Bob")
    premium(a)
    r = inmail(a, b, "Get 50% off today only! Buy now: https://shop.example.com")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "looks_promotional"
    assert {"50% off", "today only", "Buy now", "https://shop.example.com"} <= \
        set(error["phrases"])


def test_bulk_identical_carries_a_hint(signup):
    a = signup("Ann")
    premium(a, "business")
    people = [signup(f"Person {n}") for n in range(6)]
    text = "Hi {name}, we are hiring backend engineers in Berlin. Would you be open to a chat?"
    for p in people[:5]:
        assert inmail(a, p, text.format(name=p.me["full_name"])).status_code == 201
    r = inmail(a, people[5], text.format(name=people[5].me["full_name"]))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "bulk_identical" and r.json()["error"]["hint"]


def test_follow_up_too_soon_is_429_with_retry_after(client, signup, clock):
    a, b = signup("Ann"), signup("Bob")
    premium(a)
    assert inmail(a, b, note(1)).status_code == 201
    clock.advance(timedelta(days=6))
    pre = a.post("/api/v1/inmails/preflight", json={"to_member_id": b.id}).json()
    assert (pre["deliverable"], pre["code"]) == (False, "follow_up_too_soon")
    r = inmail(a, b, note(2))
    assert r.status_code == 429 and r.json()["error"]["code"] == "follow_up_too_soon"
    assert r.headers["Retry-After"] == "86400" and r.json()["error"]["retry_after"] == 86400
    clock.advance(timedelta(days=1))
    assert inmail(a, b, note(3)).status_code == 201
    r = inmail(a, b, note(4))
    assert (r.status_code, r.json()["error"]["code"]) == (409, "contact_limit")


def test_daily_limit_is_429_with_retry_after(limited_client):
    def make(name: str) -> Api:
        r = limited_client.post("/api/v1/auth/signup", json={
            "email": f"{name}@example.com", "password": "0123456789", "full_name": name})
        return Api(limited_client, r.json()["token"], r.json()["me"])

    a = make("ann")
    premium(a)
    people = [make(f"p{i}") for i in range(3)]
    for i, p in enumerate(people[:2]):
        assert inmail(a, p, note(i)).status_code == 201
    r = inmail(a, people[2], note(9))
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) == r.json()["error"]["retry_after"] > 0


def test_login_throttling_is_429_with_retry_after(limited_client):
    limited_client.post("/api/v1/auth/signup", json={
        "email": "eve@example.com", "password": "0123456789", "full_name": "Eve"})
    login = {"email": "eve@example.com", "password": "not the password"}
    for _ in range(2):
        assert limited_client.post("/api/v1/auth/login", json=login).status_code == 401
    r = limited_client.post("/api/v1/auth/login",
                            json={**login, "password": "0123456789"})
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
