"""Your data and your sessions in Chromium: download the export, sign out another session,
delete the account (wrong password first), and the other side of a conversation then shows
"Former member"."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, Api, axe, shot, sign_in

pytestmark = pytest.mark.browser


def test_export_sessions_and_delete_account(new_page: Any, api: Api) -> None:
    s = uuid.uuid4().hex[:6]
    ann = api.signup(f"Ann Leaving{s}", headline="Data steward", company="Acme")
    bob = api.signup(f"Bob Staying{s}")
    api.connect(ann, bob)
    msg = api.post(ann, "/messages", {"to_member_id": bob.id, "body": "Thanks for everything"})

    page, elsewhere = new_page(), new_page(csp=True)  # the second one runs under the real CSP
    sign_in(page, ann)
    sign_in(elsewhere, ann)
    for path in ("/settings/account", "/settings/sessions"):
        elsewhere.goto(path)
    assert not elsewhere.errors, elsewhere.errors

    # Your data: the settings tab, the download, and what deletion does.
    page.goto("/settings")
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Your data").click()
    page.wait_for_url("**/settings/account")
    assert page.get_by_role("heading", name="Download your data").is_visible()
    assert page.get_by_text("Former member").is_visible()
    assert page.get_by_text("credits are forfeited").is_visible()
    shot(page, "settings-account")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download your data as a JSON file").click()
    download = info.value
    assert re.fullmatch(r"inroad-export-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text())
    assert data["profile"]["email"] == ann.email and data["profile"]["company"] == "Acme"
    assert [m["body"] for m in data["messages"]] == ["Thanks for everything"]

    # Sessions: this browser, the other browser, and the API token from signing up.
    page.get_by_role("link", name="Sessions").click()
    page.wait_for_url("**/settings/sessions")
    assert page.get_by_role("heading", name="Signed-in sessions").is_visible()
    rows = page.locator("li.session")
    assert rows.count() == 3
    assert page.locator("li.session-current").get_by_text("This device", exact=True).is_visible()
    assert page.get_by_role("button", name="Sign out everywhere else").is_visible()
    shot(page, "settings-sessions")
    other = page.locator("li.session:not(.session-current)", has_text="Web browser")
    assert other.count() == 1
    other.get_by_role("button", name=re.compile("^Sign out Web browser")).click()
    page.wait_for_url("**/settings/sessions?notice=session_revoked")
    assert page.get_by_text("That session is signed out.").is_visible()
    assert rows.count() == 2
    elsewhere.goto("/settings/sessions")
    elsewhere.wait_for_url("**/login?next=**")  # that browser is signed out

    # Delete: a wrong password changes nothing and says so next to the field.
    page.goto("/settings/account")
    password = page.get_by_label("Your password")
    password.fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="Your account was not deleted").is_visible()
    assert page.get_by_text("That password is not right.").is_visible()
    assert password.get_attribute("aria-invalid") == "true"
    assert "That password is not right." in password.evaluate(
        "el => el.getAttribute('aria-describedby').split(' ')"
        ".map(id => document.getElementById(id).textContent).join(' ')")
    shot(page, "settings-account-wrong-password")
    assert api.get(ann, "/me")["full_name"] == ann.name

    password.fill(PASSWORD)
    password.press("Enter")  # keyboard only
    page.wait_for_url("**/login?notice=account_deleted")
    assert page.get_by_text("Your account is deleted").is_visible()
    axe(page)
    page.goto("/settings/account")
    page.wait_for_url("**/login?next=**")

    # Bob's side of the conversation: the messages stay, from "Former member".
    bobs = new_page()
    sign_in(bobs, bob)
    bobs.goto(f"/conversations/{msg['conversation_id']}")
    assert bobs.get_by_role("heading", name="Former member").is_visible()
    assert bobs.get_by_text("Thanks for everything").is_visible()
    assert bobs.get_by_text(ann.name).count() == 0
    axe(bobs)
