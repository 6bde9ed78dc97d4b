"""End-to-end flows in Chromium: connecting and messaging, InMail with a refund, every page
at desktop and phone width with axe, and keyboard basics."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, Api, Member, axe, shot, sign_in

pytestmark = pytest.mark.browser


def sign_up(page: Any, name: str, **profile: str) -> Member:
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/signup")
    axe(page)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    for label, value in profile.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Agree & join").click()
    page.wait_for_url("**/inbox?notice=welcome")
    page.goto("/me")
    member_id = page.url.rstrip("/").rsplit("/", 1)[1]
    return Member(member_id, name, email, token="")


def test_connect_and_message(new_page: Any) -> None:
    ada, bob = new_page(), new_page()
    suffix = uuid.uuid4().hex[:6]
    sign_up(ada, f"Ada Lovelace{suffix}", Headline="Analyst")
    b = sign_up(bob, f"Bob Babbage{suffix}", Headline="Engine builder")

    # Ada finds Bob with the search box in the top bar.
    ada.goto("/inbox")
    axe(ada)
    ada.get_by_role("searchbox", name="Search people").fill(f"babbage{suffix}")
    ada.get_by_role("searchbox", name="Search people").press("Enter")
    ada.wait_for_url("**/search?q=*")
    axe(ada)
    ada.get_by_role("link", name=re.compile(f"Bob Babbage{suffix}")).click()
    ada.wait_for_url(f"**/members/{b.id}")
    axe(ada)
    ada.get_by_label("Add a note").fill("We met at the Analytical Society — let's connect!")
    ada.get_by_role("button", name="Send request").click()
    ada.wait_for_url("**notice=request_sent")
    assert ada.get_by_text("Request pending").is_visible()

    # Bob reads the note on My Network and accepts.
    bob.goto("/network")
    axe(bob)
    assert bob.get_by_text("We met at the Analytical Society").is_visible()
    bob.get_by_role("button", name=f"Accept Ada Lovelace{suffix}").click()
    bob.wait_for_url("**/network?notice=accepted")
    assert bob.get_by_role("link", name=f"Ada Lovelace{suffix}", exact=True).is_visible()

    # Ada messages Bob from his profile; the body is plain text, never HTML.
    evil = "<script>window.pwned=1</script><b>hi</b>"
    ada.goto(f"/members/{b.id}")
    ada.get_by_label("Your message").fill(evil)
    ada.get_by_role("button", name="Send message").click()
    ada.wait_for_url("**/conversations/*")
    axe(ada)

    bob.goto("/inbox")
    item = bob.locator(".conv-item.unread").first
    assert item.is_visible()
    assert "1" in bob.locator("#unread-badge").inner_text()
    item.click()
    bob.wait_for_url("**/conversations/*")
    axe(bob)
    assert bob.get_by_text(evil).is_visible()
    assert bob.evaluate("() => typeof window.pwned") == "undefined"
    assert bob.locator("#thread b").count() == 0
    assert bob.locator("#unread-badge").inner_text().strip() == ""

    # Bob replies over htmx: the message appears and the box clears, without a reload.
    bob.get_by_label("Write a message").fill("Line one\nLine two")
    bob.get_by_role("button", name="Send").click()
    mine = bob.locator("#thread .msg.mine").last
    mine.wait_for()
    assert "Line one\nLine two" in mine.inner_text()
    assert bob.get_by_label("Write a message").input_value() == ""
    assert "/conversations/" in bob.url and "#" not in bob.url

    # The reply reaches Ada's open conversation live (server-sent events → htmx refresh).
    ada.locator("#thread .msg:not(.mine)", has_text="Line two").wait_for()


def test_inmail_upgrade_send_accept_refund(new_page: Any, api: Api) -> None:
    suffix = uuid.uuid4().hex[:6]
    a = api.signup(f"Alice Recruiter{suffix}", headline="Talent partner", company="Acme")
    b = api.signup(f"Bruno Engineer{suffix}", headline="Staff engineer", company="Initech")
    alice, bruno = new_page(), new_page()
    sign_in(alice, a)

    alice.goto("/plan")
    axe(alice)
    card = alice.locator(".plan", has=alice.get_by_role("heading", name="Premium Career"))
    assert card.get_by_label("Payment token").input_value() == "tok_visa"
    card.get_by_role("button", name="Switch to Premium Career").click()
    alice.wait_for_url("**/plan?notice=plan_changed")
    assert alice.locator(".plan-current").get_by_text("Premium Career").is_visible()

    alice.goto(f"/members/{b.id}")
    assert alice.get_by_role("button", name="Send request").is_visible()  # not connected
    alice.get_by_role("link", name="Send InMail").click()
    alice.wait_for_url(f"**/members/{b.id}/inmail")
    axe(alice)
    cost = alice.locator("#cost-line").inner_text()
    assert "Cost: 1 credit" in cost and "Your balance: 5" in cost
    alice.get_by_label("Subject").fill("Staff role at Acme")
    alice.get_by_label("Purpose").select_option("hiring")
    alice.get_by_label("Message").fill(
        "Hi Bruno,\n\nYour work at Initech on build systems caught my eye. Would you be open "
        "to a 20-minute chat about a staff role at Acme?\n\nThanks, Alice")
    alice.get_by_role("button", name=re.compile("Send InMail")).click()
    alice.wait_for_url("**/conversations/*?notice=inmail_sent")
    axe(alice)
    assert alice.get_by_text("You can write again once").is_visible()
    assert alice.locator(".facts").get_by_text("Delivered").is_visible()

    sign_in(bruno, b)
    bruno.goto("/inbox")
    bruno.get_by_role("link", name=re.compile("Staff role at Acme")).click()
    bruno.wait_for_url("**/conversations/*")
    axe(bruno)
    assert bruno.get_by_role("heading", name="Staff role at Acme").is_visible()
    bruno.get_by_role("button", name="Interested", exact=True).click()
    bruno.wait_for_url("**notice=interested")
    assert bruno.get_by_label(re.compile("Write a message")).is_visible()

    alice.goto("/credits")
    axe(alice)
    assert alice.locator("#credit-balance").inner_text() == "5"
    refund = alice.locator("tr.ledger-refund")
    assert refund.count() == 1
    assert "+1" in refund.inner_text()
    assert "-1" in alice.locator("tr.ledger-spend").inner_text()


def _seed(api: Api) -> dict[str, Any]:
    """A small world for screenshots: a recruiter on Premium with history, two connections,
    a pending invitation with a note, messages and InMails in several states."""
    s = uuid.uuid4().hex[:4]
    ada = api.signup(f"Ada Park{s}", headline="Senior Technical Recruiter · Hiring for "
                     "platform teams", company="Northwind", title="Senior Recruiter",
                     location="Berlin, Germany", industry="Staffing and Recruiting",
                     skills=["Technical recruiting", "Sourcing", "Employer branding"])
    ben = api.signup(f"Ben Okafor{s}", headline="Staff Engineer, distributed systems",
                     company="Contoso", title="Staff Engineer", location="Lagos")
    cara = api.signup(f"Cara Lindqvist{s}", headline="Engineering Manager", company="Fabrikam",
                      location="Stockholm")
    dev = api.signup(f"Dev Patel{s}", headline="Product designer", company="Tailspin")
    eli = api.signup(f"Eli Moreau{s}", headline="Founder at a stealth startup",
                     company="Stealth")
    api.put(ada, "/me/plan", {"plan": "recruiter", "payment_token": "tok_visa"})
    api.post(ada, "/me/credits/purchases", {"credits": 10, "payment_token": "tok_visa"},
             headers={"Idempotency-Key": f"seed-{s}"})
    api.connect(ada, ben)
    api.connect(cara, ben)  # Ada and Cara share Ben: 2nd degree
    api.post(ada, "/messages", {"to_member_id": ben.id,
                                "body": "Hi Ben — thanks for connecting! Are you around next "
                                        "week for a coffee?"})
    api.post(ben, "/messages", {"to_member_id": ada.id,
                                "body": "Sure, Tuesday works.\nSay 10:00 at the usual place?"})
    sent = api.post(ada, "/inmails", {"to_member_id": cara.id, "subject": "Engineering "
                                      "leadership role at Northwind", "purpose": "hiring",
                                      "body": "Hi Cara,\n\nBen speaks highly of your team at "
                                              "Fabrikam. We're hiring a Head of Platform and "
                                              "I'd love 20 minutes of your time.\n\nThanks,\nAda"})
    api.post(ada, "/inmails", {"to_member_id": eli.id, "subject": "Advising a stealth founder",
                               "purpose": "networking", "body": "Hi Eli, congrats on the "
                               "launch — would you share what you look for in early hires?"})
    api.post(eli, f"/inmails/{api.get(eli, '/inmails?box=received')['items'][0]['id']}/accept")
    fay = api.signup(f"Fay Nakamura{s}", headline="VP Engineering", company="Litware")
    api.put(fay, "/me/plan", {"plan": "business", "payment_token": "tok_visa"})
    api.post(fay, "/inmails", {"to_member_id": ada.id, "subject": "Looking for a recruiting "
                               "partner", "purpose": "hiring", "body": "Hi Ada, we are "
                               "growing our platform team in Berlin. Could we talk?"})
    api.post(dev, "/connection-requests", {"to_member_id": ada.id,
                                           "note": "Hi Ada, I design hiring tools — would love "
                                                   "to swap notes on candidate experience."})
    return {"ada": ada, "ben": ben, "cara": cara, "dev": dev, "eli": eli,
            "inmail": sent["inmail"]}


def test_every_page_desktop_and_phone(new_page: Any, api: Api) -> None:
    world = _seed(api)
    ada, cara, dev = world["ada"], world["cara"], world["dev"]

    anon = new_page()
    anon.goto("/login")
    shot(anon, "login")
    anon.goto("/signup")
    shot(anon, "signup")
    anon.get_by_role("button", name="Agree & join").click()
    anon.wait_for_load_state()
    shot(anon, "signup-errors")

    page = new_page()
    sign_in(page, ada)
    page.goto("/inbox")
    shot(page, "inbox")
    page.get_by_role("link", name=re.compile(world["ben"].name)).click()
    page.wait_for_url("**/conversations/*")
    shot(page, "conversation")
    page.goto(f"/conversations/{world['inmail']['conversation_id']}")
    shot(page, "inmail-sender")
    page.goto(f"/members/{cara.id}")
    shot(page, "profile-2nd")
    page.goto(f"/members/{world['ben'].id}")
    shot(page, "profile-connected")
    page.goto(f"/members/{ada.id}")
    shot(page, "profile-own")
    page.goto(f"/members/{dev.id}/inmail")
    shot(page, "inmail-compose")
    page.goto("/network")
    shot(page, "network")
    page.goto(f"/search?q={ada.name[-4:]}")
    shot(page, "search")
    page.goto("/search?q=nobody-by-this-name")
    shot(page, "search-empty")
    page.goto("/inmails")
    shot(page, "inmails-sent")
    page.goto("/inmails?box=received")
    shot(page, "inmails-received")
    page.goto("/credits")
    shot(page, "credits")
    page.goto("/plan")
    shot(page, "plan")
    page.goto("/conversations/does-not-exist")
    shot(page, "not-found")

    recipient = new_page()
    sign_in(recipient, cara)
    recipient.goto("/inbox")
    shot(recipient, "inbox-inmail")
    recipient.goto(f"/conversations/{world['inmail']['conversation_id']}")
    shot(recipient, "inmail-recipient")

    free = new_page()
    sign_in(free, dev)
    free.goto(f"/members/{ada.id}/inmail")
    shot(free, "inmail-compose-free")
    free.goto("/credits")
    shot(free, "credits-free")


def test_skip_link_is_first_and_moves_focus_to_main(new_page: Any, api: Api) -> None:
    member = api.signup("Kim Keyboard")
    page = new_page()
    sign_in(page, member)
    for path in ("/inbox", "/network", "/credits"):
        page.goto(path)
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.className, "
                                "document.activeElement.textContent.trim()]")
        assert focused == ["skip-link", "Skip to main content"], path
        assert page.locator(".skip-link").is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main", path
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.getElementById('main')"
                             ".contains(document.activeElement)"), path


def test_pages_run_under_the_real_csp(new_page: Any, api: Api) -> None:
    """No bypass here: htmx, app.js and the layout must work with `script-src 'self'` and
    `style-src 'self'`, and nothing may trip the policy."""
    a, b = api.signup("Csp Alpha"), api.signup("Csp Beta")
    api.connect(a, b)
    msg = api.post(a, "/messages", {"to_member_id": b.id, "body": "Hello under CSP"})
    page = new_page(csp=True)
    sign_in(page, b)
    for path in ("/inbox", "/network", "/credits", "/plan", "/inmails", f"/members/{a.id}"):
        page.goto(path)
    page.goto(f"/conversations/{msg['conversation_id']}")
    page.get_by_label("Write a message").fill("Sent with htmx")
    page.get_by_role("button", name="Send").click()
    page.locator("#thread .msg.mine", has_text="Sent with htmx").wait_for()
    assert page.get_by_label("Write a message").input_value() == ""
    assert not [e for e in page.errors if "Content Security Policy" in e or "Refused" in e], \
        page.errors
    assert not page.errors, page.errors
