"""Live parts of the UI in Chromium: the insights chart, the InMail review panel that updates
as you type, and the unread badge updated over server-sent events."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Api, axe, shot, sign_in

pytestmark = pytest.mark.browser

WAIT = 15_000


def watch(page: Any) -> None:
    """Record where each console error came from: the browser's own /favicon.ico request
    (the app links no icon) 404s and is not a page error."""
    page.sources = []
    page.on("console", lambda m: m.type == "error"
            and page.sources.append((m.text, (m.location or {}).get("url", ""))))


def real_errors(page: Any) -> list[str]:
    icon = [t for t, url in page.sources if url.endswith("/favicon.ico")]
    rest = list(page.errors)
    for t in icon:
        rest.remove(t)
    return rest


def test_insights_chart_renders_with_data(new_page: Any, api: Api) -> None:
    s = uuid.uuid4().hex[:6]
    a = api.signup(f"Iris Sender{s}", headline="Recruiter", company="Acme")
    others = [api.signup(f"{first} Target{s}", headline="Engineer", company=co)
              for first, co in (("Olga", "Initech"), ("Pavel", "Globex"), ("Quinn", "Umbrella"))]
    api.put(a, "/me/plan", {"plan": "business", "payment_token": "tok_visa"})
    ids = []
    for other, topic in zip(others, ("build systems", "compilers", "data pipelines"),
                            strict=True):
        first = other.name.split()[0]
        sent = api.post(a, "/inmails", {
            "to_member_id": other.id, "subject": f"Question about {topic}",
            "purpose": "networking",
            "body": f"Hi {first}, I enjoyed your post on {topic}. Would you share how your "
                    f"team approaches it? Thank you, Iris"})
        ids.append(sent["inmail"]["id"])
    api.post(others[0], f"/inmails/{ids[0]}/accept")

    page = new_page()
    watch(page)
    sign_in(page, a)
    page.goto("/insights")
    canvas = page.locator(".chart-box canvas#insights-chart")
    expect(canvas).to_be_visible(timeout=WAIT)
    page.wait_for_function(
        "() => { const c = document.getElementById('insights-chart');"
        " return !!(window.Chart && c && window.Chart.getChart(c)); }", timeout=WAIT)
    size = page.evaluate("() => { const c = document.getElementById('insights-chart');"
                         " return [c.width, c.height]; }")
    assert size[0] > 0 and size[1] > 0
    sent_tile = page.locator(".stat", has=page.get_by_text("InMails sent", exact=True))
    expect(sent_tile.locator(".stat-value")).to_have_text("3")
    assert not real_errors(page), real_errors(page)
    axe(page)
    shot(page, "insights-chart")


def test_review_panel_updates_while_typing(new_page: Any, api: Api) -> None:
    s = uuid.uuid4().hex[:6]
    a = api.signup(f"Rita Writer{s}", headline="Talent partner", company="Acme")
    b = api.signup(f"Sven Reader{s}", headline="Staff engineer", company="Initech")
    api.put(a, "/me/plan", {"plan": "business", "payment_token": "tok_visa"})

    page = new_page()
    watch(page)
    sign_in(page, a)
    page.goto(f"/members/{b.id}/inmail")
    panel = page.locator("#review-panel")
    expect(panel.locator(".review-panel")).to_be_visible(timeout=WAIT)
    page.get_by_label("Subject").fill("A quick question")
    body = page.get_by_label("Message")
    body.fill("hi")
    score = panel.locator("#review-score")
    expect(score).to_be_visible(timeout=WAIT)
    old = score.inner_text()
    personal = panel.locator('[data-check="personalized"]')
    expect(personal.locator(".pill-warn")).to_be_visible()

    body.fill("")
    body.press_sequentially(
        "Hi Sven, your talk on build systems at Initech was great. Could you spare 20 "
        "minutes next week to tell me how your team ships? Thank you, Rita", delay=5)
    expect(score).not_to_have_text(old, timeout=WAIT)
    expect(personal.locator(".pill-ok")).to_be_visible(timeout=WAIT)
    expect(personal).to_contain_text("Sven")
    assert not real_errors(page), real_errors(page)
    axe(page)
    shot(page, "inmail-review-live")


def test_live_unread_badge(new_page: Any, api: Api) -> None:
    s = uuid.uuid4().hex[:6]
    a = api.signup(f"Lena Live{s}", headline="Analyst")
    b = api.signup(f"Marc Badge{s}", headline="Engineer")
    api.connect(a, b)

    page = new_page()
    watch(page)
    sign_in(page, b)
    page.goto("/inbox")
    badge = page.locator("#unread-badge")
    expect(badge).to_have_text("")
    # Give the EventSource a moment to connect before the message is sent.
    page.wait_for_timeout(1000)
    api.post(a, "/messages", {"to_member_id": b.id, "body": "Hello Marc, a live hello!"})
    expect(page.locator("#unread-badge")).to_have_text(re.compile(r"^\s*1(\s*unread)?\s*$"),
                                                  timeout=WAIT)
    assert "/inbox" in page.url
    assert not real_errors(page), real_errors(page)
    axe(page)
    shot(page, "inbox-live-badge")
