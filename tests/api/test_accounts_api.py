from __future__ import annotations

from tests.api.conftest import connect


def test_signup_login_me_logout(client, signup):
    ann = signup("Ann", company="Acme", skills=["python", "sql"])
    assert ann.me["email"].startswith("user") and ann.me["settings"]["allow_inmail"] is True
    me = ann.get("/api/v1/me").json()
    assert (me["full_name"], me["company"], me["skills"], me["credits"]) == (
        "Ann", "Acme", ["python", "sql"], 0)
    r = client.post("/api/v1/auth/login", json={"email": ann.me["email"],
                                                "password": "0123456789"})
    assert r.status_code == 200 and r.json()["me"]["id"] == ann.id
    assert ann.post("/api/v1/auth/logout").status_code == 204
    assert ann.get("/api/v1/me").status_code == 401


def test_errors_have_the_contract_shape(client, signup):
    r = client.post("/api/v1/auth/signup", json={"email": "nope", "password": "short"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "validation_error"
    assert set(err["fields"]) == {"email", "password", "full_name"}
    r = client.get("/api/v1/me")
    assert (r.status_code, r.json()["error"]["code"]) == (401, "unauthorized")
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer bogus"})
    assert r.status_code == 401
    ann = signup()
    r = client.post("/api/v1/auth/signup", json={"email": ann.me["email"],
                                                 "password": "0123456789", "full_name": "X"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "conflict")
    r = client.post("/api/v1/auth/login", json={"email": ann.me["email"], "password": "wrong!"})
    assert r.status_code == 401


def test_bad_input_never_500(client, signup):
    ann = signup()
    for body in (b"{not json", b"[]", b'{"full_name": "\\u0000"}', b'{"skills": "x"}',
                 b'{"full_name": "\\ud800"}'):
        r = ann.patch("/api/v1/me", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, (body, r.text)
    assert ann.get("/api/v1/conversations?limit=0").status_code == 422
    assert ann.get("/api/v1/conversations?cursor=garbage").status_code == 422
    assert ann.get("/api/v1/conversations?folder=spam").status_code == 422


def test_nul_in_the_url_is_a_422_naming_where(client, signup):
    """PostgreSQL cannot hold NUL in text: an id or a search term with one was a 500 there."""
    ann = signup()
    for path in ("/api/v1/conversations/%00", "/api/v1/inmails/a%00b", "/api/v1/members/%00",
                 "/api/v1/conversations/%00/messages", "/conversations/%00"):
        r = ann.get(path)
        assert (r.status_code, r.json()["error"]["fields"]) == (
            422, {"path": "must not contain NUL characters"}), path
    assert ann.post("/api/v1/inmails/%00/accept").status_code == 422
    r = ann.get("/api/v1/members?q=ab%00")
    assert (r.status_code, r.json()["error"]["fields"]) == (
        422, {"q": "must not contain NUL characters"})
    assert ann.get("/api/v1/members?q=ab%2500").status_code == 200  # "%00", escaped: no NUL


def test_patch_me_and_profiles_with_degree(signup):
    a, b, c = signup("Ann"), signup("Bob"), signup("Cid")
    assert a.patch("/api/v1/me", json={"headline": "Recruiter at Acme"}).json()["headline"] == (
        "Recruiter at Acme")
    connect(a, b)
    connect(b, c)
    got = a.get(f"/api/v1/members/{c.id}").json()
    assert (got["degree"], got["shared_connections"]) == (2, 1)
    assert "email" not in got
    assert a.get("/api/v1/members/unknown").status_code == 404
    found = a.get("/api/v1/members", params={"q": "recruiter"}).json()
    assert [m["id"] for m in found["items"]] == [a.id]


def test_search_pages(signup):
    me = signup("Zed")
    for i in range(5):
        signup(f"Pat Number{i}")
    seen, cursor = [], None
    while True:
        page = me.get("/api/v1/members", params={"q": "pat", "limit": 2,
                                                 **({"cursor": cursor} if cursor else {})}).json()
        seen += [m["full_name"] for m in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Pat Number{i}" for i in range(5)]


def test_security_headers_and_body_limit(client, signup):
    r = client.get("/api/v1/plans")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    ann = signup()
    r = ann.patch("/api/v1/me", content=b'{"headline": "' + b"x" * 2_000_000 + b'"}',
                  headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_openapi_and_docs(client):
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/v1/inmails", "/api/v1/me/credits/purchases", "/api/v1/conversations"):
        assert path in spec["paths"]
    assert client.get("/api/docs").status_code == 200
