"""The XSS corpus (tests/xss_corpus.py) in every field members control, opened in Chromium as
the sender, the recipient, a reporter and an admin: no payload may run, none may inject an
element or attribute, and each must show up as the text that was typed.

The pages run with the CSP bypassed (`new_page()`), so an escaping mistake cannot hide behind
`script-src 'self'`: an injected inline handler would run. A setter on `window.__xss` records
any payload that ran, a dialog fails the test, and a DOM scan finds injected markup even when
nothing ran (a `data-xss` marker, `on*` / `hx-on` / `autofocus` / `style` attributes,
javascript: URLs, foreign <script>, <iframe>, <base>, <style>...).

The world is set up over the JSON API (fast) on a server of its own: the admin has to be made
through the services, and the clock is moved a week on for the follow-ups list.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from jinja2 import Environment
from jinja2.filters import do_truncate
from playwright.sync_api import expect

from tests.browser.conftest import (
    PASSWORD,
    SHOTS,
    Api,
    Member,
    make_app,
    serving,
    sign_in,
)
from tests.xss_corpus import (
    DOM_SCAN_JS,
    LONG_BODY,
    PAYLOADS,
    PWNED_TITLE,
    TOKEN,
    cast,
    cut,
    joined,
    profile,
    rotate,
    subject_of,
)

pytestmark = pytest.mark.browser

N = len(PAYLOADS)
REPORTER_NOTE = "Reporter\u2019s note:"
SETTLE_MS = 30  # after load: img onerror, autofocus and htmx `load` triggers have fired
WAIT = 15_000

SENTINEL_JS = """
(() => {
  const hits = [];
  Object.defineProperty(window, '__xssHits', {value: hits});
  Object.defineProperty(window, '__xss', {
    configurable: false,
    get() { return hits.length ? hits.slice() : undefined; },
    set(v) { hits.push(String(v)); },
  });
})();
"""

STATE_JS = "() => ({hits: window.__xssHits ? window.__xssHits.slice() : ['no sentinel'], " \
           "title: document.title})"

# Text of each match, without screen-reader-only extras and pills, and whether it is shown.
TEXTS_JS = """
(sel) => [...document.querySelectorAll(sel)].map(e => {
  const c = e.cloneNode(true);
  c.querySelectorAll('.sr-only, .pill').forEach(x => x.remove());
  return [c.textContent, e.getClientRects().length > 0];
})
"""


# ---- a server of our own ----


@dataclass
class Site:
    url: str
    ctx: Any


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    # bulk_max_recipients: the corpus member InMails carry near-identical bodies on purpose.
    app = make_app(tmp_path_factory.mktemp("xss"), bulk_max_recipients=1000)
    with serving(app) as url:
        yield Site(url, app.state.ctx)


@pytest.fixture(scope="module")
def live_server(site: Site) -> str:
    """`new_page()` (conftest) opens pages on this module's server."""
    return site.url


# ---- the world ----


@dataclass
class World:
    s: Member  # the sender: InMails every corpus member, messages R and V
    s2: Member  # InMails R and V; V reports it, gets a strike, appeals
    r: Member  # the recipient
    t: Member  # the compose target: shares a company, skills and R with S
    v: Member  # reports S's messages and S2's InMail, blocks S2
    admin: Member
    corpus: list[Member]
    profiles: dict[str, dict[str, Any]]
    s_r: str = ""  # conversation ids
    t_r: str = ""
    s_v: str = ""
    s2_r: str = ""
    s2_v: str = ""
    s_corpus: list[str] = field(default_factory=list)  # S → corpus member i
    appeal: str = ""
    report_details: list[str] = field(default_factory=list)
    open_reports: list[tuple[str, str]] = field(default_factory=list)  # (body, details)

    def names(self) -> set[str]:
        return {m.name for m in (self.s, self.s2, self.r, self.t, self.v, self.admin,
                                 *self.corpus)}


def _signup(api: Api, name: str, **fields: Any) -> Member:
    email = f"x-{uuid.uuid4().hex[:10]}@example.com"
    r = api.http.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD,
                                                   "full_name": name, **fields})
    assert r.status_code == 201, r.text
    body = r.json()
    return Member(body["me"]["id"], name, email, body["token"])


@pytest.fixture(scope="module")
def world(site: Site) -> Iterator[World]:
    from inroad.services import accounts

    api = Api(site.url)
    profiles: dict[str, dict[str, Any]] = {}

    def member(name: str, i: int, **extra: Any) -> Member:
        fields = {**profile(i), **extra}
        m = _signup(api, cut(name, 120), **fields)
        profiles[m.id] = fields
        return m

    s, s2, r, t, v, corpus = cast(member)
    admin_email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    admin_name = cut(PAYLOADS[16], 120)
    accounts.create_admin(site.ctx, email=admin_email, password=PASSWORD, full_name=admin_name)
    login = api.http.post("/api/v1/auth/login", json={"email": admin_email,
                                                      "password": PASSWORD})
    login.raise_for_status()
    admin = Member(login.json()["me"]["id"], admin_name, admin_email, login.json()["token"])
    w = World(s, s2, r, t, v, admin, corpus, profiles)

    api.put(s, "/me/plan", {"plan": "sales", "payment_token": "tok_visa"})
    api.put(s2, "/me/plan", {"plan": "career", "payment_token": "tok_visa"})
    api.connect(s, r, note=cut(PAYLOADS[5], 300))
    api.connect(t, r, note=cut(PAYLOADS[6], 300))
    api.connect(s, v, note=cut(PAYLOADS[7], 300))
    for i, m in enumerate(corpus):
        api.post(m, "/connection-requests", {"to_member_id": r.id, "note": cut(PAYLOADS[i], 300)})
        api.post(s, "/connection-requests", {"to_member_id": m.id,
                                             "note": cut(rotate(i, 3), 300)})

    # Messages: S → R one payload each (and the long one), T → R all of them in one.
    for p in [*PAYLOADS, LONG_BODY]:
        w.s_r = api.post(s, "/messages", {"to_member_id": r.id, "body": p})["conversation_id"]
    w.t_r = api.post(t, "/messages", {"to_member_id": r.id,
                                      "body": joined(8000)})["conversation_id"]
    s_v_messages = [api.post(s, "/messages", {"to_member_id": v.id, "body": joined(8000, k)})
                    for k in (0, 10, 20)]
    w.s_v = s_v_messages[0]["conversation_id"]

    # InMail: S → every corpus member (subject payload i, body the others), S2 → R and V.
    purposes = ["hiring", "networking", "introduction", "sharing", "other", "job_seeking"]
    for i, m in enumerate(corpus):
        sent = api.post(s, "/inmails", {"to_member_id": m.id, "subject": subject_of(i),
                                        "purpose": purposes[i % len(purposes)],
                                        "body": joined(1900, i + 1)})
        w.s_corpus.append(sent["inmail"]["conversation_id"])
        if i == 0:
            api.post(m, f"/inmails/{sent['inmail']['id']}/accept")
            api.post(m, f"/conversations/{sent['inmail']['conversation_id']}/messages",
                     {"body": joined(8000, 3)})
        elif i == 1:
            api.post(m, f"/inmails/{sent['inmail']['id']}/decline", {"stop_contact": True})
    to_r = api.post(s2, "/inmails", {"to_member_id": r.id, "subject": cut(PAYLOADS[9], 200),
                                     "purpose": "hiring", "body": joined(1900)})
    w.s2_r = to_r["inmail"]["conversation_id"]
    to_v = api.post(s2, "/inmails", {"to_member_id": v.id, "subject": cut(PAYLOADS[12], 200),
                                     "purpose": "sales", "body": joined(1900, 7)})
    w.s2_v = to_v["inmail"]["conversation_id"]

    # V declines S2's InMail (stop contacting me), reports it (and blocks S2) and S's messages.
    api.post(v, f"/inmails/{to_v['inmail']['id']}/decline", {"stop_contact": True})
    w.report_details = [joined(2000, k) for k in (0, 8, 16, 24)]
    api.post(v, "/reports", {"inmail_id": to_v["inmail"]["id"], "reason": "spam",
                             "details": w.report_details[0], "block": True})
    on_messages = [(msg["body"], details, api.post(v, "/reports", {
        "message_id": msg["id"], "reason": "harassment", "details": details})["id"])
        for msg, details in zip(s_v_messages, w.report_details[1:], strict=True)]
    reports = api.get(admin, "/admin/reports?status=open")["items"]
    on_inmail = next(x for x in reports if x.get("inmail_id"))
    api.post(admin, f"/admin/reports/{on_inmail['id']}/resolve", {"action": "strike"})
    api.post(admin, f"/admin/reports/{on_messages[0][2]}/resolve", {"action": "dismiss"})
    w.open_reports = [(body, details) for body, details, _ in on_messages[1:]]
    strike = api.get(s2, "/me/standing")["history"][0]
    w.appeal = joined(2000, 4)
    api.post(s2, f"/me/standing/strikes/{strike['id']}/appeal", {"text": w.appeal})

    # A week and a day on: the unanswered InMails are due a follow-up.
    api.http.post("/api/v1/test-clock/advance", json={"days": 8}).raise_for_status()
    yield w
    api.http.close()


# ---- pages ----


class Tab:
    """A signed-in page that records payloads that ran, dialogs and console errors."""

    def __init__(self, new_page: Any, member: Member) -> None:
        self.page = new_page()
        self.member = member
        self.dialogs: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.page.context.add_init_script(SENTINEL_JS)
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: m.type == "error" and self.console.append(
            (m.text, (m.location or {}).get("url", ""))))
        sign_in(self.page, member)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def visit(self, path: str) -> Any:
        self.page.goto(path)
        self.page.wait_for_timeout(SETTLE_MS)
        self.assert_clean()
        return self.page

    def follow(self, locator: Any) -> Any:
        """Click a link or submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            locator.click()
        self.page.wait_for_timeout(SETTLE_MS)
        self.assert_clean()
        return self.page

    def assert_clean(self) -> None:
        where = self.page.url
        state = self.page.evaluate(STATE_JS)
        assert not state["hits"], f"script ran on {where}: {state['hits']}"
        assert state["title"] != PWNED_TITLE, f"script set the title on {where}"
        assert not self.dialogs, f"a dialog opened on {where}: {self.dialogs}"
        found = self.page.evaluate(DOM_SCAN_JS)
        assert not found, f"injected markup on {where}: {found}"
        # The browser's own /favicon.ico request 404s, and a refused form comes back as a
        # 422 page: neither is a page error.
        errors = [t for t, url in self.console
                  if not url.endswith("/favicon.ico") and url != self.page.url]
        assert not errors, f"console errors on {where}: {errors}"
        assert not [e for e in self.page.errors if "favicon" not in e
                    and not e.startswith("Failed to load resource")], self.page.errors

    def texts(self, selector: str) -> list[str]:
        """The text of every match, each asserted to be on screen."""
        rows = self.page.evaluate(TEXTS_JS, selector)
        for text, shown in rows:
            assert shown, f"{selector} {text[:40]!r} is not shown on {self.page.url}"
        return [re.sub(r"^[ \t\n]+|[ \t\n]+$", "", text) for text, _ in rows]

    def text_of(self, selector: str) -> str:
        texts = self.texts(selector)
        assert len(texts) == 1, f"{len(texts)} matches for {selector} on {self.page.url}"
        return texts[0]

    def screenshot(self, name: str) -> None:
        """For a human look at how the corpus renders (no axe here: it injects a script)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def title(self) -> str:
        return str(self.page.evaluate("() => document.title"))


def truncate(text: str, n: int) -> str:
    """Jinja's `truncate` filter, as the templates use it."""
    return str(do_truncate(Environment(), text, n))


def title_for(text: str) -> str:
    """document.title collapses ASCII whitespace."""
    return re.sub(r"[ \t\n\f\r]+", " ", f"{text} · Inroad").strip(" \t\n\f\r")


def assert_all_in(found: list[str], allowed: set[str], what: str) -> None:
    assert found, f"no {what} on the page"
    stray = [x for x in found if x not in allowed]
    assert not stray, f"{what} not shown as typed: {stray[:3]}"


# ---- the tests ----


def test_profiles_and_search_as_sender(new_page: Any, world: World) -> None:
    s = Tab(new_page, world.s)
    names = world.names()
    for m in world.corpus:
        fields = world.profiles[m.id]
        s.visit(f"/members/{m.id}")
        assert s.text_of("#profile-name") == m.name
        assert s.title() == title_for(m.name)
        assert s.text_of(".headline") == fields["headline"]
        assert s.texts("p.profile-line")[0] == f"{fields['title']} @ {fields['company']}"
        assert s.texts("p.profile-line span") == [fields["location"], fields["industry"]]
        assert s.texts(".tag-list li") == fields["skills"]
        assert s.text_of(".nav-me-name") == world.s.name
        if m is world.corpus[13]:
            s.screenshot("xss-profile")

    # Their own profile: the edit form holds every value as typed.
    page = s.visit(f"/members/{world.s.id}")
    own = world.profiles[world.s.id]
    assert page.locator("#f-full_name").input_value() == world.s.name
    for key in ("headline", "title", "company", "location", "industry"):
        assert page.locator(f"#f-{key}").input_value() == own[key], key
    assert page.locator("#f-skills").input_value() == ", ".join(own["skills"])

    # One search lists every corpus member (two pages); their fields show as text.
    seen: set[str] = set()
    page = s.visit(f"/search?q={TOKEN}")
    while True:
        found = s.texts(".conv-name")
        assert_all_in(found, names, "names")
        seen.update(found)
        assert_all_in(s.texts(".conv-subject"),
                      {f["headline"] for f in world.profiles.values()}, "headlines")
        more = page.get_by_role("link", name="More results")
        if not more.count():
            break
        s.follow(more)
    assert seen == {m.name for m in world.corpus}  # (S, R... are named from the corpus too)

    # The query is reflected in the title, the heading and the search box.
    for p in (PAYLOADS[0], PAYLOADS[11], PAYLOADS[12], PAYLOADS[13], PAYLOADS[14],
              PAYLOADS[16], PAYLOADS[17], PAYLOADS[-2], PAYLOADS[-1]):
        q = p.strip()[:200]
        page = s.visit(f"/search?q={quote(p)}")
        assert page.get_by_role("searchbox", name="Search people").input_value() == q
        assert q in s.text_of("main h1")
        assert s.title() == title_for(f"Search: {q}")


def test_inmail_pages_as_sender(new_page: Any, world: World) -> None:
    s = Tab(new_page, world.s)
    names = world.names()
    subjects = {subject_of(i) for i in range(N)}

    # Each InMail: subject as heading and title, the recipient's name and headline, the body.
    for i, conv in enumerate(world.s_corpus):
        m = world.corpus[i]
        s.visit(f"/conversations/{conv}")
        assert s.text_of("#inmail-subject") == subject_of(i)
        assert s.title() == title_for(subject_of(i))
        assert s.text_of(".thread-name") == m.name
        assert s.text_of(".thread-headline") == world.profiles[m.id]["headline"]
        bodies = s.texts("#thread .msg-body")
        assert bodies[0] == joined(1900, i + 1)
        if i == 0:
            assert bodies[1] == joined(8000, 3)

    # Inbox and InMail lists, every page: names, subjects and snippets as text (a snippet is
    # the start of the last message: one S sent, or the live ones the recipient's test adds).
    bodies = [*PAYLOADS, LONG_BODY, *(joined(n, k) for n in (1900, 8000) for k in range(N + 1))]
    for start, older in (("/inbox", "Older"), ("/inmails", "Older")):
        page = s.visit(start)
        pages = 0
        while True:
            pages += 1
            assert_all_in(s.texts(".conv-name"), names, f"names on {start}")
            assert_all_in(s.texts(".conv-subject"), subjects, f"subjects on {start}")
            for snippet in s.texts(".conv-snippet") if start == "/inbox" else ():
                cut_short = snippet.removeprefix("You: ").removesuffix("...")
                assert (any(text.startswith(cut_short) for text in bodies)
                        or cut_short.startswith(("live-1 ", "reply-1 "))), snippet
            link = page.get_by_role("link", name=older, exact=True)
            if not link.count():
                break
            s.follow(link)
        assert pages >= 2, start

    # My Network: the notes S wrote and the names of those S asked.
    s.visit("/network")
    notes = s.texts("blockquote.note")
    assert sorted(notes) == sorted(cut(rotate(i, 3), 300) for i in range(N))
    assert_all_in(s.texts(".person-name"), names, "names")

    # Messages S sent R: one per payload, then the long one.
    s.visit(f"/conversations/{world.s_r}")
    # (the recipient's test may have added two more since)
    assert s.texts("#thread .msg-body")[:N + 1] == [*PAYLOADS, LONG_BODY]

    # Follow-ups a week on: names and subjects; the link pre-fills "Re: <subject>".
    page = s.visit("/follow-ups")
    assert_all_in(s.texts(".conv-subject"), subjects, "subjects")
    assert_all_in(s.texts(".conv-name"), names, "names")
    first = page.locator(".conv-item").first
    subject = first.locator(".conv-subject").text_content() or ""
    s.follow(first.get_by_role("link", name=re.compile("Write follow-up")))
    assert "/inmail?" in page.url
    assert page.get_by_label("Subject").input_value() == f"Re: {subject}"[:200]

    # Insights: subjects grouped in a table, the chart drawn from data-chart.
    page = s.visit("/insights")
    page.wait_for_function("() => !!(window.Chart && window.Chart.getChart("
                           "document.getElementById('insights-chart')))", timeout=WAIT)
    s.assert_clean()
    for path in ("/insights?group_by=week", "/credits", "/plan", "/inmails?box=received"):
        s.visit(path)


def test_compose_review_and_refusal_keep_text(new_page: Any, world: World) -> None:
    s = Tab(new_page, world.s)
    subject = PAYLOADS[14]
    page = s.visit(f"/members/{world.t.id}/inmail?subject={quote(subject)}")
    assert page.get_by_label("Subject").input_value() == subject
    assert s.title() == title_for(f"InMail to {world.t.name}")

    # The review panel (htmx, on load): common ground names R, the company and the skills.
    panel = page.locator("#review-panel .review-panel")
    expect(panel).to_be_visible(timeout=WAIT)
    s.assert_clean()
    ground = s.texts("#review-panel .tag-list .chip, #review-panel .tag-list .pill")
    shared = world.profiles[world.s.id]
    assert f"You both know {world.r.name}" in ground
    assert f"You both work at {shared['company']}" in ground
    assert set(shared["skills"]) <= set(ground)

    # Typing payloads re-renders the panel; nothing runs.
    body = page.get_by_label("Message")
    score = page.locator("#review-score")
    body.fill(PAYLOADS[13] + "\n" + PAYLOADS[16])
    expect(score).to_be_visible(timeout=WAIT)
    s.assert_clean()

    # A promotional draft is refused: the form comes back with the text as typed.
    text = (PAYLOADS[13] + "\nBuy now! Limited time offer, 50% off, act now!!! "
            "https://deals.example.shop/<b>" + PAYLOADS[1])
    body.fill(text)
    s.follow(page.get_by_role("button", name=re.compile("Send InMail")))
    assert page.get_by_text("Not sent.").is_visible()
    assert page.get_by_label("Subject").input_value() == subject
    assert page.get_by_label("Message").input_value() == text


def test_recipient_pages_and_live_updates(new_page: Any, world: World, site: Site) -> None:
    r = Tab(new_page, world.r)
    names = world.names()

    # Invitations from every corpus member, each with its note.
    r.visit("/network")
    assert sorted(r.texts("blockquote.note")) == sorted(cut(p, 300) for p in PAYLOADS)
    assert_all_in(r.texts(".person-name"), names, "names")
    assert_all_in(r.texts(".person-line"), {f["headline"] for f in world.profiles.values()},
                  "headlines")

    page = r.visit("/inbox")
    assert_all_in(r.texts(".conv-name"), names, "names")
    r.visit("/inmails?box=received")
    assert r.texts(".conv-subject") == [cut(PAYLOADS[9], 200)]

    # S2's InMail, waiting for R's response; the report form is on the page.
    r.visit(f"/conversations/{world.s2_r}")
    assert r.text_of("#inmail-subject") == cut(PAYLOADS[9], 200)
    assert r.texts("#thread .msg-body") == [joined(1900)]
    assert r.text_of("#respond-title") == f"Respond to {world.s2.name}"

    r.visit(f"/conversations/{world.t_r}")
    assert r.texts("#thread .msg-body") == [joined(8000)]
    r.visit(f"/members/{world.s.id}")
    assert r.text_of("#profile-name") == world.s.name

    # The conversation with S: every payload, then live additions swapped in by htmx.
    page = r.visit(f"/conversations/{world.s_r}")
    assert r.texts("#thread .msg-body")[:N] == PAYLOADS
    page.wait_for_timeout(500)  # the EventSource connects
    api = Api(site.url)
    live = "live-1 " + PAYLOADS[0] + PAYLOADS[16]
    api.post(world.s, "/messages", {"to_member_id": world.r.id, "body": live})
    api.http.close()
    page.locator("#thread .msg-body", has_text="live-1").wait_for(timeout=WAIT)
    page.wait_for_timeout(SETTLE_MS)
    r.assert_clean()
    assert r.texts("#thread .msg-body")[-1] == live

    # R replies over htmx: the new message is appended as text.
    reply = "reply-1 " + PAYLOADS[13] + PAYLOADS[1]
    page.get_by_label("Write a message").fill(reply)
    page.get_by_role("button", name="Send", exact=True).click()
    page.locator("#thread .msg.mine .msg-body", has_text="reply-1").wait_for(timeout=WAIT)
    page.wait_for_timeout(SETTLE_MS)
    r.assert_clean()
    assert r.texts("#thread .msg.mine .msg-body")[-1] == reply

    # Too long: the composer comes back (htmx outerHTML swap) with the text kept.
    too_long = PAYLOADS[13] + "x" * 8000
    page.eval_on_selector("#reply-body", "e => e.removeAttribute('maxlength')")
    page.get_by_label("Write a message").fill(too_long)
    page.get_by_role("button", name="Send", exact=True).click()
    page.locator("#reply-error").wait_for(timeout=WAIT)
    page.wait_for_timeout(SETTLE_MS)
    r.assert_clean()
    assert page.get_by_label("Write a message").input_value() == too_long
    r.screenshot("xss-conversation")


def test_reporter_pages(new_page: Any, world: World) -> None:
    v = Tab(new_page, world.v)
    # Blocked (with the report) and asked to stop (with the decline): S2 in both lists.
    v.visit("/settings/blocked")
    assert v.texts(".person-name") == [world.s2.name, world.s2.name]
    assert v.texts(".person-line") == [world.profiles[world.s2.id]["headline"]] * 2
    page = v.visit("/inbox?folder=archived")
    assert world.s.name in v.texts(".conv-name")
    v.visit(f"/conversations/{world.s_v}")
    assert v.texts("#thread .msg-body") == [joined(8000, k) for k in (0, 10, 20)]
    # The report form reflects message_id (cut to 64) into a hidden field.
    for p in (PAYLOADS[1], PAYLOADS[11], PAYLOADS[12]):
        page = v.visit(f"/report?message_id={quote(p)}")
        assert page.locator("input[name=message_id]").input_value() == p[:64]
    v.visit("/settings/privacy")
    v.visit("/standing")


def test_moderation_queues_as_admin(new_page: Any, world: World) -> None:
    a = Tab(new_page, world.admin)
    names = world.names()
    a.visit("/admin/reports")
    # Open reports, oldest first: the reported message (cut to 600) and the reporter's note.
    assert a.texts("blockquote.note") == [truncate(body, 600) for body, _ in world.open_reports]
    notes = [t.removeprefix(REPORTER_NOTE).strip()
             for t in a.texts("main p.small") if t.startswith(REPORTER_NOTE)]
    assert notes == [details for _, details in world.open_reports]
    people = [x for x in a.texts("main a[href^='/members/']") if x in names]
    assert set(people) == {world.s.name, world.v.name}

    a.visit("/admin/reports?status=actioned")
    assert a.text_of("blockquote.note") == cut(PAYLOADS[12], 200) + truncate(joined(1900, 7),
                                                                             600)
    assert [t.removeprefix(REPORTER_NOTE).strip() for t in a.texts("main p.small")
            if t.startswith(REPORTER_NOTE)] == [world.report_details[0]]
    a.visit("/admin/reports?status=dismissed")
    assert a.texts("blockquote.note") == [truncate(joined(8000, 0), 600)]

    a.visit("/admin/appeals")
    assert a.text_of("blockquote.note") == world.appeal
    assert world.s2.name in a.texts("main a[href^='/members/']")


def test_struck_member_pages(new_page: Any, world: World) -> None:
    s2 = Tab(new_page, world.s2)
    s2.visit("/standing")
    s2.visit("/follow-ups")
    assert s2.texts(".conv-name") == [world.r.name]
    assert s2.texts(".conv-subject") == [cut(PAYLOADS[9], 200)]
    s2.visit("/inmails")
    s2.visit(f"/conversations/{world.s2_v}")
    assert s2.text_of("#inmail-subject") == cut(PAYLOADS[12], 200)
