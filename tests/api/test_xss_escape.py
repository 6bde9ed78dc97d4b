"""The XSS corpus (tests/xss_corpus.py) over HTTP, fast: every field members control is filled
with it through the API, every page that shows the fields (and every page that reflects a query
parameter or re-renders a refused form) is fetched, and the HTML must carry each payload escaped
and never raw, with no injected element or attribute (parsed, not pattern-matched). The emails
are checked the same way. tests/browser/test_xss.py runs the same corpus in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from jinja2 import Environment
from jinja2.filters import do_truncate
from sqlalchemy import select

from inroad import mailer
from inroad.config import load_settings
from inroad.models import EmailOutbox
from inroad.services import accounts, notifications
from inroad.web.app import create_app
from tests.xss_corpus import (
    LONG_BODY,
    PAYLOADS,
    TOKEN,
    cast,
    cut,
    dangerous,
    escaped,
    injected_markup,
    joined,
    profile,
    rotate,
    subject_of,
)

PASSWORD = "correct horse battery"
N = len(PAYLOADS)
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
# Every form a payload takes in a field (cut to the field's limit), and the long body's tag.
RAW = sorted({v for p in [*PAYLOADS, LONG_BODY]
              for n in (60, 64, 100, 120, 140, 200, 220, 300, 600, 1900, 2000, 8000)
              if dangerous(v := cut(p, n))} | {LONG_BODY[:50]})


def check(r: Any, expected: list[str] | tuple[str, ...] = (), status: int = 200) -> str:
    """The page came back with `status`, shows each of `expected` escaped, shows no payload
    raw, and has no injected element or attribute."""
    assert r.status_code == status, (r.request.url, r.status_code, r.text[:300])
    html = r.text
    where = unquote(str(r.request.url))[:120]
    injected = injected_markup(html)
    assert not injected, f"injected markup on {where}: {injected[:5]}"
    raw = [p for p in RAW if p in html]
    assert not raw, f"raw payload on {where}: {raw[:3]}"
    missing = [e for e in expected if escaped(e) not in html]
    assert not missing, f"not shown on {where}: {missing[:3]}"
    return html


def truncate(text: str, n: int) -> str:
    return str(do_truncate(Environment(), text, n))


# ---- the world ----


@dataclass
class Who:
    id: str
    name: str
    email: str
    token: str
    web: TestClient | None = None

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def page(self) -> TestClient:
        assert self.web is not None
        return self.web


@dataclass
class World:
    app: Any
    s: Who
    s2: Who
    r: Who
    t: Who
    v: Who
    admin: Who
    corpus: list[Who]
    profiles: dict[str, dict[str, Any]]
    s_r: str = ""
    s_v_message: str = ""
    s_corpus: list[str] = field(default_factory=list)
    s2_v: str = ""
    strike: str = ""
    open_strike: str = ""  # not appealed
    appeal: str = ""


def web_login(app: Any, who: Who) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    page = c.get("/login")
    csrf = CSRF_FIELD.search(page.text)
    assert csrf
    r = c.post("/login", data={"csrf_token": csrf.group(1), "email": who.email,
                               "password": PASSWORD})
    assert r.status_code == 303, r.text
    return c


def csrf(c: TestClient) -> str:
    found = CSRF_META.search(c.get("/plan").text)
    assert found
    return found.group(1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("xss-http")
    app = create_app(load_settings(database_url=f"sqlite:///{tmp}/x.db", test_clock=True,
                                   run_duties_in_process=False, secret_key="test",
                                   argon2_time_cost=1, argon2_memory_kib=1024,
                                   bulk_max_recipients=1000))
    api = TestClient(app)
    profiles: dict[str, dict[str, Any]] = {}
    seq = iter(range(10_000))

    def post(who: Who, path: str, body: Any = None) -> Any:
        r = api.post(f"/api/v1{path}", json=body, headers=who.auth)
        assert r.status_code in (200, 201, 204), (path, r.text)
        return r.json() if r.content else None

    def member(name: str, i: int, **extra: Any) -> Who:
        fields = {**profile(i), **extra}
        email = f"x{next(seq)}@example.com"
        r = api.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD,
                                                  "full_name": cut(name, 120), **fields})
        assert r.status_code == 201, r.text
        who = Who(r.json()["me"]["id"], cut(name, 120), email, r.json()["token"])
        profiles[who.id] = fields
        return who

    def connect(a: Who, b: Who, note: str) -> None:
        req = post(a, "/connection-requests", {"to_member_id": b.id, "note": note})
        post(b, f"/connection-requests/{req['id']}/accept")

    s, s2, r, t, v, corpus = cast(member)
    admin_name = cut(PAYLOADS[16], 120)
    accounts.create_admin(app.state.ctx, email="root@example.com", password=PASSWORD,
                          full_name=admin_name)
    login = api.post("/api/v1/auth/login", json={"email": "root@example.com",
                                                 "password": PASSWORD}).json()
    admin = Who(login["me"]["id"], admin_name, "root@example.com", login["token"])
    w = World(app, s, s2, r, t, v, admin, corpus, profiles)

    api.put("/api/v1/me/plan", json={"plan": "sales", "payment_token": "tok_visa"},
            headers=s.auth).raise_for_status()
    api.put("/api/v1/me/plan", json={"plan": "career", "payment_token": "tok_visa"},
            headers=s2.auth).raise_for_status()
    connect(s, r, cut(PAYLOADS[5], 300))
    connect(t, r, cut(PAYLOADS[6], 300))
    connect(s, v, cut(PAYLOADS[7], 300))
    for i, m in enumerate(corpus):
        post(m, "/connection-requests", {"to_member_id": r.id, "note": cut(PAYLOADS[i], 300)})
        post(s, "/connection-requests", {"to_member_id": m.id, "note": cut(rotate(i, 3), 300)})
    for p in [*PAYLOADS, LONG_BODY]:
        w.s_r = post(s, "/messages", {"to_member_id": r.id, "body": p})["conversation_id"]
    post(t, "/messages", {"to_member_id": r.id, "body": joined(8000)})
    w.s_v_message = post(s, "/messages", {"to_member_id": v.id, "body": joined(8000)})["id"]
    for i, m in enumerate(corpus):
        sent = post(s, "/inmails", {"to_member_id": m.id, "subject": subject_of(i),
                                    "purpose": "networking", "body": joined(1900, i + 1)})
        w.s_corpus.append(sent["inmail"]["conversation_id"])
    post(s2, "/inmails", {"to_member_id": r.id, "subject": cut(PAYLOADS[9], 200),
                          "purpose": "hiring", "body": joined(1900)})
    to_v = post(s2, "/inmails", {"to_member_id": v.id, "subject": cut(PAYLOADS[12], 200),
                                 "purpose": "sales", "body": joined(1900, 7)})
    w.s2_v = to_v["inmail"]["conversation_id"]
    to_c3 = post(s2, "/inmails", {"to_member_id": corpus[3].id, "subject": subject_of(3),
                                  "purpose": "other", "body": joined(1900, 3)})
    post(v, f"/inmails/{to_v['inmail']['id']}/decline", {"stop_contact": True})
    report = post(v, "/reports", {"inmail_id": to_v["inmail"]["id"], "reason": "spam",
                                  "details": joined(2000), "block": True})
    post(v, "/reports", {"message_id": w.s_v_message, "reason": "harassment",
                         "details": joined(2000, 9)})
    post(admin, f"/admin/reports/{report['id']}/resolve", {"action": "strike"})
    w.strike = api.get("/api/v1/me/standing", headers=s2.auth).json()["history"][0]["id"]
    third = post(corpus[3], "/reports", {"inmail_id": to_c3["inmail"]["id"], "reason": "other",
                                         "details": joined(2000, 20)})
    post(admin, f"/admin/reports/{third['id']}/resolve", {"action": "strike"})
    w.open_strike = next(x["id"] for x in api.get("/api/v1/me/standing", headers=s2.auth)
                         .json()["history"] if x["id"] != w.strike)
    w.appeal = joined(2000, 4)
    post(s2, f"/me/standing/strikes/{w.strike}/appeal", {"text": w.appeal})
    api.post("/api/v1/test-clock/advance", json={"days": 8}).raise_for_status()

    for who in (s, s2, r, t, v, admin):
        who.web = web_login(app, who)
    yield w
    for who in (s, s2, r, t, v, admin):
        who.page.close()
    api.close()


def follow_pages(c: TestClient, path: str, link: str) -> Iterator[str]:
    """Each page of a paged list, following its `link` ("Older", "More results")."""
    seen = 0
    while True:
        html = check(c.get(path))
        yield html
        seen += 1
        nxt = re.search(rf'<a class="btn btn-sm" href="([^"]+)">{link}</a>', html)
        if not nxt:
            break
        path = nxt.group(1).replace("&amp;", "&")
        assert seen < 10


# ---- stored fields ----


def test_profiles_and_search(world: World) -> None:
    c = world.s.page
    for m in world.corpus:
        f = world.profiles[m.id]
        check(c.get(f"/members/{m.id}"), [m.name, f"{m.name} · Inroad", f["headline"],
                                          f["title"], f["company"], f["location"],
                                          f["industry"], *f["skills"]])
    own = world.profiles[world.s.id]
    check(c.get(f"/members/{world.s.id}"),
          [world.s.name, own["headline"], own["company"], ", ".join(own["skills"])])
    shown = "".join(follow_pages(c, f"/search?q={TOKEN}", "More results"))
    for m in world.corpus:
        f = world.profiles[m.id]
        for text in (m.name, f["headline"], f["company"], f["location"]):
            assert escaped(text) in shown


def test_conversations_inbox_and_lists(world: World) -> None:
    s, r = world.s.page, world.r.page
    for i, conv in enumerate(world.s_corpus):
        m = world.corpus[i]
        check(s.get(f"/conversations/{conv}"),
              [subject_of(i), m.name, world.profiles[m.id]["headline"], joined(1900, i + 1)])
    check(r.get(f"/conversations/{world.s_r}"), [*PAYLOADS, LONG_BODY, world.s.name])
    check(r.get(f"/conversations/{world.s_r}/thread"), [*PAYLOADS, LONG_BODY])
    check(r.get("/fragments/unread-badge"))

    names = "".join(follow_pages(s, "/inbox", "Older"))
    subjects = "".join(follow_pages(s, "/inmails", "Older"))
    for i, m in enumerate(world.corpus):
        assert escaped(m.name) in names and escaped(subject_of(i)) in names
        assert escaped(m.name) in subjects and escaped(subject_of(i)) in subjects
    check(r.get("/inbox"), [world.s.name, world.t.name, world.s2.name,
                            truncate(joined(8000), 140)])  # T's message, the last from T
    check(r.get("/inmails?box=received"), [world.s2.name, cut(PAYLOADS[9], 200)])
    check(r.get(f"/members/{world.s.id}"), [world.s.name])

    check(r.get("/network"), [cut(p, 300) for p in PAYLOADS] + [m.name for m in world.corpus])
    check(s.get("/network"), [cut(rotate(i, 3), 300) for i in range(N)]
          + [world.r.name, world.v.name])


def test_follow_ups_insights_and_account_pages(world: World) -> None:
    s = world.s.page
    html = "".join(follow_pages(s, "/follow-ups", "Older"))
    # The follow-up link carries the subject URL-encoded; it comes back pre-filled.
    links = re.findall(r'href="(/members/[^"]+/inmail\?subject=[^"]+)"', html)
    assert len(links) == N
    for link in links:
        target = link.replace("&amp;", "&")
        subject = unquote(target.split("subject=", 1)[1].split("&follow_up=")[0])
        assert subject.startswith("Re: ")
        check(s.get(target), [subject])
    for i in range(N):
        assert escaped(subject_of(i)) in html
    for path in ("/insights", "/insights?group_by=week", "/insights?group_by=month&days=365",
                 "/insights.csv", "/credits", "/plan", "/settings/privacy", "/standing"):
        r = s.get(path)
        assert r.status_code == 200, path
        if path.endswith(".csv"):
            assert r.headers["content-type"].startswith("text/csv")
            assert not any(p in r.text for p in PAYLOADS)
        else:
            check(r, [world.s.name])


def test_safety_and_moderation_pages(world: World) -> None:
    v, a, s2 = world.v.page, world.admin.page, world.s2.page
    check(v.get("/settings/blocked"), [world.s2.name])
    check(v.get("/inbox?folder=archived"), [world.s.name, world.s2.name])
    check(v.get(f"/conversations/{world.s2_v}"), [cut(PAYLOADS[12], 200), joined(1900, 7)])
    check(a.get("/admin/reports"), [world.s.name, world.v.name, truncate(joined(8000), 600),
                                    joined(2000, 9)])
    check(a.get("/admin/reports?status=actioned"),
          [world.s2.name, cut(PAYLOADS[12], 200), joined(2000)])
    check(a.get("/admin/appeals"), [world.s2.name, world.appeal])
    check(s2.get("/standing"), [world.s2.name])
    check(s2.get("/follow-ups"), [world.r.name, cut(PAYLOADS[9], 200)])


# ---- reflected input ----


def test_reflected_query_parameters(world: World) -> None:
    c = world.s.page
    anon = TestClient(world.app, follow_redirects=False)
    for p in PAYLOADS:
        q = p.strip()[:200]
        check(c.get(f"/search?q={quote(p)}"), [q, f"Search: {q}"])
        check(c.get(f"/members/{world.t.id}/inmail?subject={quote(p)}"), [p[:200]])
        check(c.get(f"/report?message_id={quote(p)}&inmail_id={quote(p)}"), [p[:64]])
        check(anon.get(f"/login?next=/{quote(p)}"), [f"/{p}"])
    anon.close()


# Breaking out of a quoted or unquoted attribute, of a tag, or of a URL.
BREAKERS = [PAYLOADS[i] for i in (0, 1, 2, 4, 11, 12, 13, 16, 17)]


@pytest.mark.parametrize("p", BREAKERS)
def test_parameters_that_are_not_shown(world: World, p: str) -> None:
    """Parameters checked against a list (or decoded) before use: a payload changes nothing."""
    c = world.s.page
    x = quote(p, safe="")
    check(c.get(f"/login?next=/{x}"), status=303)  # signed in: sent on
    for path in (f"/inbox?folder={x}&unread={x}&kind={x}", f"/inmails?box={x}",
                 f"/insights?days={x}&group_by={x}", f"/report/sent?blocked={x}",
                 f"/plan?notice={x}", f"/settings?notice={x}"):
        r = c.get(path)
        check(r, status=r.status_code)
        assert r.status_code in (200, 303), path
    for path in (f"/admin/reports?status={x}", f"/admin/reports?cursor={x}",
                 f"/credits?cursor={x}", f"/network?cursor={x}", f"/follow-ups?cursor={x}",
                 f"/settings/blocked?stops={x}&blocked={x}", f"/search?q=a&cursor={x}",
                 f"/conversations/{world.s_r}?cursor={x}", f"/inbox?cursor={x}"):
        r = c.get(path)
        check(r, status=r.status_code)
        assert r.status_code in (200, 403, 422), path
    for path in (f"/conversations/{x}", f"/members/{x}", f"/members/{x}/inmail"):
        r = c.get(path)  # an encoded "/" can make it another route's path
        check(r, status=r.status_code)
        assert r.status_code in (307, 404, 405), path


# ---- refused forms come back with the text as typed ----


def test_refused_forms_keep_text_escaped(world: World) -> None:
    s, t = world.s.page, world.t.page
    token = csrf(s)
    long_text = PAYLOADS[13] + "x" * 8000

    anon = TestClient(world.app, follow_redirects=False)
    page = anon.get("/signup")
    form_csrf = CSRF_FIELD.search(page.text)
    assert form_csrf
    values = {"full_name": PAYLOADS[11], "email": PAYLOADS[1], "headline": PAYLOADS[13],
              "title": PAYLOADS[14], "company": PAYLOADS[12], "location": PAYLOADS[0]}
    check(anon.post("/signup", data={"csrf_token": form_csrf.group(1), "password": "short",
                                     **values}), list(values.values()), status=422)
    check(anon.post("/login", data={"csrf_token": form_csrf.group(1), "email": PAYLOADS[1],
                                    "password": "whatever1", "next": "/" + PAYLOADS[11]}),
          [PAYLOADS[1], "/" + PAYLOADS[11]], status=401)
    anon.close()

    profile_form = {"full_name": "", **{k: cut(PAYLOADS[i], 120) for i, k in enumerate(
        ("headline", "title", "company", "location", "industry"), start=11)},
        "skills": PAYLOADS[2]}
    check(s.post("/me/profile", data={"csrf_token": token, **profile_form}),
          [v for k, v in profile_form.items() if k != "full_name"], status=422)
    note = PAYLOADS[13] + "n" * 300
    check(s.post(f"/members/{world.t.id}/connect",
                 data={"csrf_token": token, "note": note}), [note], status=422)
    check(s.post(f"/members/{world.r.id}/message", data={"csrf_token": token,
                                                         "body": long_text}),
          [long_text], status=422)
    check(s.post(f"/conversations/{world.s_r}/messages",
                 data={"csrf_token": token, "body": long_text}), [long_text], status=422)
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    check(s.post(f"/conversations/{world.s_r}/messages", data={"body": long_text},
                 headers=htmx), [long_text])
    sent = check(s.post(f"/conversations/{world.s_r}/messages", data={"body": PAYLOADS[14]},
                        headers=htmx), [PAYLOADS[14]])
    assert 'class="msg mine"' in sent

    # The compose form: refused as promotional (the phrases quoted), or invalid; the fields
    # come back as typed.
    link = "https://deals.example.shop/{{7*7}}&amp;"
    body = PAYLOADS[13] + "\nBuy now! Limited time offer, 50% off, act now!!! " + link + \
        " " + PAYLOADS[1]
    refused = check(s.post(f"/members/{world.t.id}/inmail",
                           data={"csrf_token": token, "subject": PAYLOADS[14],
                                 "purpose": "sales", "body": body}),
                    [PAYLOADS[14], body, f"“{link}”"], status=422)
    assert "Not sent." in refused
    check(s.post(f"/members/{world.t.id}/inmail",
                 data={"csrf_token": token, "subject": PAYLOADS[14], "purpose": PAYLOADS[0],
                       "body": body}), [PAYLOADS[14], body], status=422)
    check(s.post(f"/members/{world.t.id}/inmail",
                 data={"csrf_token": token, "subject": PAYLOADS[14] * 10, "purpose": "sales",
                       "body": PAYLOADS[16]}), [PAYLOADS[14] * 10, PAYLOADS[16]], status=422)
    # The live review: the recipient's name, shared company and skills, a shared connection.
    shared = world.profiles[world.s.id]
    check(s.post("/fragments/review", headers=htmx,
                 data={"to_member_id": world.t.id, "subject": PAYLOADS[9],
                       "body": joined(1900)}),
          [world.r.name, shared["company"], *shared["skills"]])
    check(s.post("/fragments/review", headers=htmx,
                 data={"to_member_id": world.t.id, "subject": "", "body": ""}))

    details = joined(2000, 3)
    check(world.r.page.post("/report", data={
        "csrf_token": csrf(world.r.page), "message_id": PAYLOADS[1][:64], "reason": PAYLOADS[0],
        "details": details}), [details, PAYLOADS[1][:64]], status=422)
    appeal = PAYLOADS[13] + "a" * 2000
    check(world.s2.page.post(f"/standing/strikes/{world.open_strike}/appeal",
                             data={"csrf_token": csrf(world.s2.page), "text": appeal}),
          [appeal], status=422)
    token_too_long = PAYLOADS[11] * 6  # over 200 characters: refused, shown again
    check(t.post("/plan", data={"csrf_token": csrf(t), "plan": "career",
                                "payment_token": token_too_long}), [token_too_long], status=422)
    check(t.post("/plan", data={"csrf_token": csrf(t), "plan": PAYLOADS[1],
                                "payment_token": PAYLOADS[12]}), status=422)
    check(s.post("/credits/purchase", data={"csrf_token": token, "credits": PAYLOADS[0],
                                            "payment_token": PAYLOADS[12],
                                            "idempotency_key": PAYLOADS[11]}),
          [PAYLOADS[12], PAYLOADS[11]], status=422)


# ---- emails ----


def test_emails_escape_the_html_part(world: World) -> None:
    with world.app.state.ctx.db.read() as session:
        queued = list(session.scalars(select(EmailOutbox)))
    assert queued, "the corpus InMails and messages queue emails"
    for email in queued:
        content = notifications.email_content(email)
        assert "\n" not in content.subject
        _check_email(content.html)

    for name in ("new_inmail", "new_message", "inmail_reminder"):
        for k in range(N):
            context = {"sender_name": cut(rotate(k), 120), "sender_headline": rotate(k, 1),
                       "subject": rotate(k, 2), "preview": rotate(k, 3), "days": rotate(k, 4),
                       "url": "https://inroad.example/c/1",
                       "settings_url": "https://inroad.example/settings"}
            out = mailer.render(name, **context)
            assert "\n" not in out.subject and len(out.subject) <= 300
            _check_email(out.html, [context["sender_name"], context["preview"]])
            assert context["preview"] in out.text  # the text part is plain text


def _check_email(html: str, expected: list[str] | None = None) -> None:
    # Emails style inline (mail clients ignore stylesheets): only the `style` rule is lifted.
    injected = [x for x in injected_markup(html) if " style=" not in x]
    assert not injected, injected[:5]
    raw = [p for p in RAW if p in html]
    assert not raw, raw[:3]
    for e in expected or []:
        assert escaped(e) in html
