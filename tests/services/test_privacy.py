from __future__ import annotations

from datetime import timedelta

import pytest

from inroad.domain.errors import Conflict, Forbidden, NotFound, Refused, ValidationFailed
from inroad.models import Member
from inroad.services import connections, conversations, credits, inmail, privacy
from tests import factories as f


def send(ctx, a, b, subject="Quick question", body=None):
    return inmail.send(ctx, a.id, b.id, subject, body or f"Hi {b.full_name}, could we talk?")


def refusal(ctx, a, b):
    with pytest.raises(Refused) as err:
        send(ctx, a, b)
    return err.value.code


def test_settings_defaults_and_changes(ctx):
    a = f.member(ctx)
    got = privacy.get_settings(ctx, a.id)
    assert (got.allow_inmail, got.inmail_from, got.open_profile, got.email_notifications,
            got.read_receipts, got.can_open_profile) == (True, "anyone", False, True, True, False)
    got = privacy.update_settings(ctx, a.id, {"inmail_from": "network", "read_receipts": False,
                                              "allow_inmail": None, "email": "x@example.com"})
    assert (got.inmail_from, got.read_receipts, got.allow_inmail) == ("network", False, True)
    assert privacy.get_settings(ctx, a.id) == got
    with pytest.raises(ValidationFailed) as err:
        privacy.update_settings(ctx, a.id, {"inmail_from": "friends"})
    assert "inmail_from" in err.value.fields


def test_open_profile_needs_premium_and_ends_with_a_downgrade(ctx):
    a = f.member(ctx, "Ann")
    with pytest.raises(Forbidden) as err:
        privacy.update_settings(ctx, a.id, {"open_profile": True})
    assert err.value.code == "premium_required"
    assert privacy.update_settings(ctx, a.id, {"open_profile": False}).open_profile is False
    credits.change_plan(ctx, a.id, "career", "tok_visa")
    assert privacy.update_settings(ctx, a.id, {"open_profile": True}).open_profile is True
    sender = f.member(ctx, "Sam", plan="career")
    assert inmail.preflight(ctx, sender.id, a.id).cost == 0

    credits.change_plan(ctx, a.id, "free", None)
    # Settings and delivery both read the flag as off for a free member...
    assert privacy.get_settings(ctx, a.id).open_profile is False
    assert inmail.preflight(ctx, sender.id, a.id).cost == 1
    # ...and the next change of settings tidies the stored flag.
    privacy.update_settings(ctx, a.id, {"email_notifications": False})
    with ctx.db.read() as s:
        assert s.get(Member, a.id).open_profile is False


def test_a_block_either_way_refuses_inmail_and_spends_nothing(ctx):
    a, b = f.member(ctx, "Ann", plan="career"), f.member(ctx, "Bob", plan="career")
    privacy.block(ctx, b.id, a.id)
    assert refusal(ctx, a, b) == "recipient_not_accepting"  # the blocked member is refused
    assert refusal(ctx, b, a) == "recipient_not_accepting"  # and so is the blocker
    assert inmail.preflight(ctx, a.id, b.id).code == "recipient_not_accepting"
    assert credits.summary(ctx, a.id).balance == 5
    assert credits.summary(ctx, b.id).balance == 5
    privacy.unblock(ctx, b.id, a.id)
    assert inmail.preflight(ctx, a.id, b.id).deliverable


def test_a_block_refuses_messages_and_requests_and_ends_the_connection(ctx):
    a, b = f.member(ctx, "Ann"), f.member(ctx, "Bob")
    f.connect(ctx, a, b)
    msg = conversations.send_message(ctx, a.id, b.id, "Hello")
    privacy.block(ctx, b.id, a.id)
    assert connections.list_connections(ctx, a.id, None, 10) == []
    assert connections.list_connections(ctx, b.id, None, 10) == []
    for sender, to in ((a, b), (b, a)):
        with pytest.raises(Forbidden):
            conversations.send_message(ctx, sender.id, to.id, "Still there?")
        with pytest.raises(Forbidden):
            conversations.post_message(ctx, sender.id, msg.conversation_id, "Still there?")
        with pytest.raises(Forbidden) as err:
            connections.request_connection(ctx, sender.id, to.id)
        assert err.value.code == "recipient_not_accepting"


def test_a_block_refuses_replies_in_an_inmail_conversation(ctx):
    a, b = f.member(ctx, "Ann", plan="career"), f.member(ctx, "Bob")
    view, _ = send(ctx, a, b)
    inmail.respond(ctx, b.id, view.id, "accept")
    privacy.block(ctx, b.id, a.id)
    with pytest.raises(Forbidden) as err:
        conversations.post_message(ctx, a.id, view.conversation_id, "Thanks!")
    assert err.value.code == "recipient_not_accepting"


def test_a_block_ends_pending_requests_quietly(ctx):
    a, b, c = f.member(ctx, "Ann"), f.member(ctx, "Bob"), f.member(ctx, "Cy")
    from_a = connections.request_connection(ctx, a.id, b.id)
    from_b = connections.request_connection(ctx, b.id, c.id)
    privacy.block(ctx, b.id, a.id)
    privacy.block(ctx, b.id, c.id)
    # The blocked member's request reads as an ordinary decline; the blocker's is withdrawn.
    [(req_a, _)] = connections.list_requests(ctx, a.id, "outgoing", None, None, 10)
    [(req_b, _)] = connections.list_requests(ctx, b.id, "outgoing", None, None, 10)
    assert (req_a.id, req_a.status) == (from_a.id, "declined")
    assert (req_b.id, req_b.status) == (from_b.id, "withdrawn")
    with pytest.raises(Conflict):
        connections.respond(ctx, b.id, from_a.id, "accept")


def test_blocks_are_idempotent_listed_and_removed(ctx):
    a, b, c = f.member(ctx, "Ann"), f.member(ctx, "Bob"), f.member(ctx, "Cy")
    first = privacy.block(ctx, a.id, b.id)
    ctx.clock.advance(timedelta(minutes=5))
    again = privacy.block(ctx, a.id, b.id)
    assert again.since == first.since and again.member.id == b.id
    privacy.block(ctx, a.id, c.id)
    listed = privacy.list_blocked(ctx, a.id, None, 10)
    assert [x.member.id for x in listed] == [c.id, b.id]  # most recent first
    page = privacy.list_blocked(ctx, a.id, (listed[0].since, listed[0].member.id), 10)
    assert [x.member.id for x in page] == [b.id]
    assert privacy.list_blocked(ctx, b.id, None, 10) == []  # the blocked member sees nothing
    assert privacy.is_blocked(ctx, a.id, b.id) and not privacy.is_blocked(ctx, b.id, a.id)
    with pytest.raises(ValidationFailed):
        privacy.block(ctx, a.id, a.id)
    with pytest.raises(NotFound):
        privacy.block(ctx, a.id, "01NOSUCHMEMBER000000000000")
    privacy.unblock(ctx, a.id, b.id)
    with pytest.raises(NotFound):
        privacy.unblock(ctx, a.id, b.id)
    assert [x.member.id for x in privacy.list_blocked(ctx, a.id, None, 10)] == [c.id]


def test_stop_requests_are_listed_and_lifted(ctx):
    a, b = f.member(ctx, "Ann", plan="career"), f.member(ctx, "Bob")
    view, _ = send(ctx, a, b)
    inmail.respond(ctx, b.id, view.id, "decline", stop_contact=True)
    [stop] = privacy.list_stops(ctx, b.id, None, 10)
    assert stop.member.id == a.id
    assert inmail.preflight(ctx, a.id, b.id).code == "recipient_not_accepting"
    privacy.lift_stop(ctx, b.id, a.id)
    assert privacy.list_stops(ctx, b.id, None, 10) == []
    assert inmail.preflight(ctx, a.id, b.id).deliverable
    with pytest.raises(NotFound):
        privacy.lift_stop(ctx, b.id, a.id)
