from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from inroad.domain.errors import Conflict, Forbidden, NotFound, Refused
from inroad.models import InMailRejection
from inroad.services import accounts, conversations, credits, inmail
from tests import factories as f
from tests.services.test_credits import assert_consistent


def send(ctx, a, b, **kw):
    return inmail.send(ctx, a.id, b.id, kw.pop("subject", "Quick question"),
                       kw.pop("body", f"Hi {b.full_name}, could we talk?"), **kw)


def code_of(ctx, a, b, **kw):
    with pytest.raises(Refused) as err:
        send(ctx, a, b, **kw)
    return err.value.code


def test_send_spends_one_credit_and_opens_a_conversation(ctx):
    a, b = f.member(ctx, "Ann", plan="career"), f.member(ctx, "Bob")
    view, balance = send(ctx, a, b, purpose="hiring")
    assert (view.status, view.cost, balance, view.purpose) == ("delivered", 1, 4, "hiring")
    [conv] = conversations.list_conversations(ctx, b.id)
    assert conv.kind == "inmail" and conv.subject == "Quick question" and conv.unread_count == 1
    assert conv.inmail is not None and conv.inmail.id == view.id
    assert ctx.publish.names(b.id)[-1] == "inmail.received"
    assert [e.ref for e in credits.ledger(ctx, a.id, None, 1)] == [f"inmail:{view.id}"]
    assert_consistent(ctx, a.id)


def test_refusals_spend_nothing_and_record_rejected_only_for_recipient_reasons(ctx):
    a, b = f.member(ctx, "Ann", plan="career"), f.member(ctx, "Bob")
    f.set_member(ctx, b.id, allow_inmail=False)
    assert code_of(ctx, a, b) == "recipient_not_accepting"
    free = f.member(ctx, "Fay")
    assert code_of(ctx, free, f.member(ctx)) == "premium_required"
    c = f.member(ctx)
    f.connect(ctx, a, c)
    assert code_of(ctx, a, c) == "already_connected"
    assert credits.summary(ctx, a.id).balance == 5
    with ctx.db.read() as s:
        codes = [r.code for r in s.scalars(select(InMailRejection))]
    assert codes == ["recipient_not_accepting"]


def test_insufficient_credits(ctx):
    a = f.member(ctx, plan="career")
    for _ in range(5):
        send(ctx, a, f.member(ctx))
    # Another text: a sixth copy of the same one would be refused as bulk (rule 9 before 10).
    assert code_of(ctx, a, f.member(ctx), body="Another question") == "insufficient_credits"
    assert_consistent(ctx, a.id)


def test_open_profile_is_free_even_for_free_senders(ctx):
    free, b = f.member(ctx), f.member(ctx, plan="career")
    f.set_member(ctx, b.id, open_profile=True)
    view, balance = send(ctx, free, b)
    assert (view.cost, balance) == (0, 0)


def test_network_only_and_premium_to_premium(ctx):
    a = f.member(ctx, plan="career")
    b, c = f.member(ctx), f.member(ctx, plan="business")
    for r in (b, c):
        f.set_member(ctx, r.id, inmail_from="network")
    assert code_of(ctx, a, b) == "recipient_not_accepting"
    send(ctx, a, c)  # Premium reaches Premium whatever the filter


def test_blocks_and_stop_requests(ctx):
    from inroad.models import Block

    a, b = f.member(ctx, plan="career"), f.member(ctx)
    with ctx.db.write() as s:
        s.add(Block(member_id=b.id, blocked_id=a.id, created_at=ctx.now()))
    assert code_of(ctx, a, b) == "recipient_not_accepting"
    c = f.member(ctx)
    view, _ = send(ctx, a, c)
    inmail.respond(ctx, c.id, view.id, "decline", stop_contact=True)
    assert code_of(ctx, a, c) == "recipient_not_accepting"


def test_restricted_sender(ctx):
    admin = accounts.create_admin(ctx, email="root@example.com", password="0123456789")
    a, b = f.member(ctx, plan="career"), f.member(ctx)
    accounts.set_status(ctx, admin.id, a.id, "restricted")
    assert code_of(ctx, a, b) == "account_restricted"


def test_preflight_matches_send_without_side_effects(ctx):
    a, b, c = f.member(ctx, plan="career"), f.member(ctx), f.member(ctx)
    f.set_member(ctx, c.id, allow_inmail=False)
    ok = inmail.preflight(ctx, a.id, b.id)
    assert (ok.deliverable, ok.cost, ok.code, ok.balance) == (True, 1, None, 5)
    refused = inmail.preflight(ctx, a.id, c.id)
    assert (refused.deliverable, refused.code) == (False, "recipient_not_accepting")
    missing = inmail.preflight(ctx, a.id, "nobody")
    assert missing.code == "recipient_not_found"
    assert credits.summary(ctx, a.id).balance == 5
    with ctx.db.read() as s:
        assert list(s.scalars(select(InMailRejection))) == []


def test_idempotent_send(ctx):
    a, b = f.member(ctx, plan="career"), f.member(ctx)
    first, _ = send(ctx, a, b, idempotency_key="k1")
    again, balance = send(ctx, a, b, idempotency_key="k1")
    assert again.id == first.id and balance == 4
    with pytest.raises(Conflict) as err:
        send(ctx, a, b, idempotency_key="k1", subject="Other")
    assert err.value.code == "idempotency_conflict"


def test_sender_waits_recipient_reply_refunds_once(ctx):
    a, b = f.member(ctx, plan="career"), f.member(ctx)
    view, _ = send(ctx, a, b)
    with pytest.raises(Forbidden):
        conversations.post_message(ctx, a.id, view.conversation_id, "Hello again?")
    conversations.mark_read(ctx, b.id, view.conversation_id)
    assert inmail.get(ctx, a.id, view.id).status == "opened"
    conversations.post_message(ctx, b.id, view.conversation_id, "Sure, happy to talk")
    replied = inmail.get(ctx, a.id, view.id)
    assert (replied.status, replied.refunded) == ("replied", True)
    assert credits.summary(ctx, a.id).balance == 5
    conversations.post_message(ctx, a.id, view.conversation_id, "Great, thanks!")
    conversations.post_message(ctx, b.id, view.conversation_id, "You're welcome")
    assert credits.summary(ctx, a.id).balance == 5  # later messages refund nothing
    with pytest.raises(Conflict):
        inmail.respond(ctx, b.id, view.id, "decline")
    assert "inmail.responded" in ctx.publish.names(a.id)
    assert_consistent(ctx, a.id)


def test_accept_and_decline(ctx):
    a, b, c = f.member(ctx, plan="career"), f.member(ctx), f.member(ctx)
    v1, _ = send(ctx, a, b)
    v2, _ = send(ctx, a, c)
    assert inmail.respond(ctx, b.id, v1.id, "accept").status == "accepted"
    assert inmail.respond(ctx, b.id, v1.id, "accept").status == "accepted"  # repeat is harmless
    assert inmail.respond(ctx, c.id, v2.id, "decline").status == "declined"
    assert credits.summary(ctx, a.id).balance == 5
    with pytest.raises(NotFound):
        inmail.respond(ctx, a.id, v1.id, "accept")  # the sender cannot respond
    conversations.post_message(ctx, a.id, v1.conversation_id, "Thanks for accepting")


def test_no_refund_after_90_days(ctx, clock):
    a, b = f.member(ctx, plan="business"), f.member(ctx)
    view, _ = send(ctx, a, b)
    clock.advance(timedelta(days=90, seconds=1))
    before = credits.summary(ctx, a.id).balance
    inmail.respond(ctx, b.id, view.id, "accept")
    assert inmail.get(ctx, a.id, view.id).refunded is False
    assert credits.summary(ctx, a.id).balance == before


def test_read_receipts_off_hides_opened_from_sender(ctx):
    a, b = f.member(ctx, plan="career"), f.member(ctx)
    f.set_member(ctx, b.id, read_receipts=False)
    view, _ = send(ctx, a, b)
    conversations.mark_read(ctx, b.id, view.conversation_id)
    seen = inmail.get(ctx, a.id, view.id)
    assert (seen.status, seen.opened_at) == ("delivered", None)
    assert inmail.get(ctx, b.id, view.id).opened_at is not None
    assert "inmail.opened" not in ctx.publish.names(a.id)
    [sent] = inmail.list_inmails(ctx, a.id, "sent", None, 10)
    assert sent.opened_at is None


def test_inmail_is_private_to_its_two_members(ctx):
    a, b, c = f.member(ctx, plan="career"), f.member(ctx), f.member(ctx)
    view, _ = send(ctx, a, b)
    with pytest.raises(NotFound):
        inmail.get(ctx, c.id, view.id)
    with pytest.raises(NotFound):
        conversations.get_conversation(ctx, c.id, view.conversation_id)


def test_preflight_counts_the_grant_that_fell_due(ctx, clock):
    """A month on, preflight makes the due grant first (the one write it may do): the balance
    it reports includes it, as the send would."""
    a, b = f.member(ctx, plan="career"), f.member(ctx)
    clock.advance(timedelta(days=31))
    pre = inmail.preflight(ctx, a.id, b.id)
    assert (pre.deliverable, pre.balance) == (True, 10)
    assert credits.summary(ctx, a.id).balance == 10
