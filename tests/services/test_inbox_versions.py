"""The SQLite triggers that keep each member's inbox version (models.InboxVersion): a write
bumps the versions of exactly the members whose inbox it changes. Too few bumps would serve a
stale inbox (tests/api/test_inbox_pages.py checks every write path end to end); needless ones
would only cost cache misses, but a credit change touching every partner would be a fan-out
on the hottest row."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from inroad.domain.accounts import CARD_FIELDS
from inroad.models import InboxVersion
from inroad.services import accounts, conversations, credits, inmail, privacy
from tests import factories as f


@pytest.fixture(autouse=True)
def _sqlite_only(db):
    if not db.is_sqlite:
        pytest.skip("PostgreSQL keeps no inbox versions")


def versions(ctx, *members) -> list[int]:
    with ctx.db.read() as s:
        found = dict(s.execute(select(InboxVersion.member_id, InboxVersion.version)).all())
    return [found.get(m.id, 0) for m in members]


def test_the_card_trigger_watches_every_card_field(db) -> None:
    with db.engine.connect() as conn:
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                                "name = 'inbox_version_card_update'")).scalar_one()
    watched = re.search(r"UPDATE OF (.*?) ON members", sql)
    assert watched is not None
    assert set(watched.group(1).split(", ")) == set(CARD_FIELDS) - {"id"}


def test_a_write_bumps_the_inboxes_it_changes(ctx) -> None:
    ann, bob, cy, dee = (f.member(ctx, name) for name in ("Ann", "Bob", "Cy", "Dee"))
    f.connect(ctx, ann, bob)
    f.connect(ctx, ann, cy)
    assert versions(ctx, ann, bob, cy, dee) == [0, 0, 0, 0]

    msg = conversations.send_message(ctx, ann.id, bob.id, "hi")
    conversations.send_message(ctx, ann.id, cy.id, "hi")
    after_messages = versions(ctx, ann, bob, cy, dee)
    assert all(after_messages[:3]) and after_messages[3] == 0

    def bumped(action) -> list[bool]:
        before = versions(ctx, ann, bob, cy, dee)
        action()
        return [a > b for a, b in zip(versions(ctx, ann, bob, cy, dee), before, strict=True)]

    assert bumped(lambda: conversations.mark_read(ctx, bob.id, msg.conversation_id)) == [
        False, True, False, False]
    assert bumped(lambda: conversations.set_archived(ctx, bob.id, msg.conversation_id,
                                                     True)) == [False, True, False, False]
    # Ann's card changes in both partners' inboxes, not in her own.
    assert bumped(lambda: accounts.update_profile(ctx, ann.id, {"headline": "Recruiter"})) == [
        False, True, True, False]
    assert bumped(lambda: privacy.update_settings(ctx, ann.id, {"read_receipts": False})) == [
        False, True, True, False]
    # Nothing a card shows: no inbox changes.
    assert bumped(lambda: accounts.update_profile(ctx, ann.id, {"headline": "Recruiter"})) == [
        False] * 4
    assert bumped(lambda: privacy.update_settings(ctx, ann.id, {"email_notifications": False})
                  ) == [False] * 4
    assert bumped(lambda: credits.change_plan(ctx, ann.id, "career", "tok_visa")) == [
        False, True, True, False]  # the plan shows on a card
    assert bumped(lambda: credits.purchase(ctx, ann.id, 10, "tok_visa", None)) == [False] * 4

    credits.change_plan(ctx, dee.id, "career", "tok_visa")

    sent, _ = inmail.send(ctx, dee.id, cy.id, "Role", "Would you like to hear about a role?")
    assert bumped(lambda: inmail.respond(ctx, cy.id, sent.id, "accept")) == [
        False, False, True, True]
