from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from inroad import duties
from inroad.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    Refused,
    Unauthorized,
    ValidationFailed,
)
from inroad.services import accounts, conversations, credits, inmail, moderation, privacy
from inroad.services import standing as standing_service
from tests import factories as f


@pytest.fixture
def admin(ctx):
    return accounts.create_admin(ctx, email="root@example.com", password="0123456789")


@pytest.fixture
def pair(ctx):
    """Sam (Premium) messages his connection Rita, who reports him."""
    sam, rita = f.member(ctx, "Sam", plan="career"), f.member(ctx, "Rita")
    f.connect(ctx, sam, rita)
    return sam, rita


def report_message(ctx, reporter, sender, reason="spam", **kw):
    msg = conversations.send_message(ctx, sender.id, reporter.id, "Buy my course")
    return moderation.report(ctx, reporter.id, message_id=msg.id, reason=reason, **kw), msg


def test_report_archives_for_the_reporter_only(ctx, pair):
    sam, rita = pair
    report, msg = report_message(ctx, rita, sam, details="Third time this week")
    assert (report.status, report.reason, report.message_id, report.details) == (
        "open", "spam", msg.id, "Third time this week")
    assert conversations.list_conversations(ctx, rita.id) == []
    [archived] = conversations.list_conversations(ctx, rita.id, folder="archived")
    assert archived.id == msg.conversation_id
    assert [c.id for c in conversations.list_conversations(ctx, sam.id)] == [
        msg.conversation_id]


def test_reporting_an_inmail(ctx, admin):
    sam, rita = f.member(ctx, "Sam", plan="career"), f.member(ctx, "Rita")
    view, _ = inmail.send(ctx, sam.id, rita.id, "Offer", "Hi Rita, a great offer for you.")
    with pytest.raises(ValidationFailed):
        moderation.report(ctx, sam.id, inmail_id=view.id, reason="spam")
    with pytest.raises(NotFound):
        moderation.report(ctx, f.member(ctx).id, inmail_id=view.id, reason="spam")
    report = moderation.report(ctx, rita.id, inmail_id=view.id, reason="commercial", block=True)
    assert (report.inmail_id, report.message_id) == (view.id, None)
    [case] = moderation.list_reports(ctx, admin.id)
    assert (case.subject, case.body) == ("Offer", "Hi Rita, a great offer for you.")
    assert conversations.list_conversations(ctx, rita.id) == []
    assert privacy.is_blocked(ctx, rita.id, sam.id)


def test_report_rules(ctx, pair):
    sam, rita = pair
    msg = conversations.send_message(ctx, sam.id, rita.id, "Hello")
    bad = ValidationFailed
    with pytest.raises(bad):  # neither item
        moderation.report(ctx, rita.id, reason="spam")
    with pytest.raises(bad):  # both
        moderation.report(ctx, rita.id, message_id=msg.id, inmail_id=msg.id, reason="spam")
    with pytest.raises(bad):
        moderation.report(ctx, rita.id, message_id=msg.id, reason="rude")
    with pytest.raises(bad):  # your own message
        moderation.report(ctx, sam.id, message_id=msg.id, reason="spam")
    with pytest.raises(NotFound):  # not in that conversation
        moderation.report(ctx, f.member(ctx).id, message_id=msg.id, reason="spam")
    with pytest.raises(NotFound):
        moderation.report(ctx, rita.id, message_id="01NOSUCHMESSAGE00000000000", reason="spam")
    moderation.report(ctx, rita.id, message_id=msg.id, reason="spam")
    with pytest.raises(Conflict):
        moderation.report(ctx, rita.id, message_id=msg.id, reason="other")


def test_the_queue_is_for_admins_oldest_first(ctx, pair, admin):
    sam, rita = pair
    first, _ = report_message(ctx, rita, sam)
    ctx.clock.advance(timedelta(minutes=1))
    second, _ = report_message(ctx, rita, sam, reason="harassment")
    with pytest.raises(Forbidden):
        moderation.list_reports(ctx, rita.id)
    with pytest.raises(Forbidden):
        moderation.resolve_report(ctx, rita.id, first.id, "dismiss")
    queue = moderation.list_reports(ctx, admin.id)
    assert [c.report.id for c in queue] == [first.id, second.id]
    assert queue[0].reporter.id == rita.id and queue[0].reported.id == sam.id
    assert queue[0].body == "Buy my course"
    page = moderation.list_reports(ctx, admin.id, after=(first.created_at, first.id))
    assert [c.report.id for c in page] == [second.id]

    done = moderation.resolve_report(ctx, admin.id, first.id, "dismiss")
    assert (done.report.status, done.report.resolved_by) == ("dismissed", admin.id)
    with pytest.raises(Conflict):
        moderation.resolve_report(ctx, admin.id, first.id, "strike")
    with pytest.raises(NotFound):
        moderation.resolve_report(ctx, admin.id, "01NOSUCHREPORT000000000000", "dismiss")
    assert [c.report.id for c in moderation.list_reports(ctx, admin.id)] == [second.id]
    assert [c.report.id for c in moderation.list_reports(ctx, admin.id, "dismissed")] == [
        first.id]
    assert standing_service.get_standing(ctx, sam.id).history == []  # a dismissal costs nothing


def test_the_reported_member_never_learns_who_reported(ctx, pair, admin):
    sam, rita = pair
    report, _ = report_message(ctx, rita, sam, details="I am Rita from Acme")
    moderation.resolve_report(ctx, admin.id, report.id, "strike")
    seen = standing_service.get_standing(ctx, sam.id)
    [strike] = seen.history
    assert (strike.source, strike.outcome) == ("report", "warning")
    assert "spam" in strike.reason
    assert rita.id not in repr(seen) and "Rita" not in repr(seen) and "Acme" not in repr(seen)


def test_confirmed_reports_climb_the_ladder_and_the_restriction_ends(ctx, pair, admin):
    sam, rita = pair
    stranger = f.member(ctx, "Tess")
    start = ctx.now()
    first, _ = report_message(ctx, rita, sam)
    moderation.resolve_report(ctx, admin.id, first.id, "strike")
    assert standing_service.get_standing(ctx, sam.id).status == "active"  # a warning only

    second, _ = report_message(ctx, rita, sam, reason="harassment")
    moderation.resolve_report(ctx, admin.id, second.id, "strike")
    seen = standing_service.get_standing(ctx, sam.id)
    assert (seen.status, seen.strikes) == ("restricted", 2)
    assert seen.restricted_until == start + timedelta(hours=24)
    assert [s.outcome for s in seen.history] == ["restricted_24h", "warning"]

    with pytest.raises(Refused) as err:
        inmail.send(ctx, sam.id, stranger.id, "Hello", "Hi Tess, may I ask you something?")
    assert err.value.code == "account_restricted"
    assert credits.summary(ctx, sam.id).balance == 5
    # Replies in existing conversations stay allowed while restricted.
    conversations.send_message(ctx, sam.id, rita.id, "Sorry about that.")
    accounts.authenticate(ctx, accounts.login(ctx, email=sam.email,
                                              password=f.PASSWORD).token)

    ctx.clock.advance(timedelta(hours=23))
    duties.run_once(ctx)
    assert accounts.get_me(ctx, sam.id).status == "restricted"
    ctx.clock.advance(timedelta(hours=2))
    assert duties.run_once(ctx) >= 1
    me = accounts.get_me(ctx, sam.id)
    assert (me.status, me.restricted_until) == ("active", None)
    assert inmail.preflight(ctx, sam.id, stranger.id).deliverable


def test_reading_standing_ends_a_restriction_that_ran_out(ctx, pair, admin):
    sam, _ = pair
    with ctx.db.write() as s:
        for reason in ("one", "two"):
            standing_service.add_strike(s, sam.id, "compliance", reason, ctx.now())
    assert standing_service.get_standing(ctx, sam.id).status == "restricted"
    ctx.clock.advance(timedelta(hours=25))
    seen = standing_service.get_standing(ctx, sam.id)
    assert (seen.status, seen.restricted_until) == ("active", None)
    assert standing_service.lift_due_restrictions(ctx) == 0


def test_suspension_after_the_ladder_signs_the_member_out(ctx, pair):
    sam, _ = pair
    token = accounts.login(ctx, email=sam.email, password=f.PASSWORD).token
    with ctx.db.write() as s:
        for n in range(5):
            standing_service.add_strike(s, sam.id, "compliance", f"strike {n}", ctx.now())
    assert accounts.get_me(ctx, sam.id).status == "suspended"
    with pytest.raises(Unauthorized):
        accounts.authenticate(ctx, token)
    with pytest.raises(Forbidden):
        accounts.login(ctx, email=sam.email, password=f.PASSWORD)


def test_appeal_once_per_strike_and_a_grant_voids_it(ctx, pair, admin):
    sam, rita = pair
    for reason in ("spam", "harassment"):
        report, _ = report_message(ctx, rita, sam, reason=reason)
        moderation.resolve_report(ctx, admin.id, report.id, "strike")
    restricting, warning = standing_service.get_standing(ctx, sam.id).history

    with pytest.raises(NotFound):  # not Rita's strike
        standing_service.appeal_strike(ctx, rita.id, restricting.id, "Not mine")
    with pytest.raises(ValidationFailed):
        standing_service.appeal_strike(ctx, sam.id, restricting.id, "   ")
    appeal = standing_service.appeal_strike(ctx, sam.id, restricting.id, "It was a real offer.")
    assert (appeal.status, appeal.strike_id) == ("open", restricting.id)
    with pytest.raises(Conflict):
        standing_service.appeal_strike(ctx, sam.id, restricting.id, "Again")
    shown = standing_service.get_standing(ctx, sam.id).history[0]
    assert shown.appeal is not None and shown.appeal.status == "open"

    with pytest.raises(Forbidden):
        moderation.list_appeals(ctx, sam.id)
    [case] = moderation.list_appeals(ctx, admin.id)
    assert (case.appeal.id, case.member.id, case.strike.id) == (appeal.id, sam.id,
                                                                restricting.id)
    granted = moderation.resolve_appeal(ctx, admin.id, appeal.id, "grant")
    assert (granted.appeal.status, granted.strike.voided) == ("granted", True)
    with pytest.raises(Conflict):
        moderation.resolve_appeal(ctx, admin.id, appeal.id, "uphold")
    seen = standing_service.get_standing(ctx, sam.id)
    assert (seen.status, seen.restricted_until, seen.strikes) == ("active", None, 1)
    assert seen.history[0].voided and seen.history[0].appeal.status == "granted"
    second = standing_service.appeal_strike(ctx, sam.id, warning.id, "Please")
    upheld = moderation.resolve_appeal(ctx, admin.id, second.id, "uphold")
    assert (upheld.appeal.status, upheld.strike.voided) == ("upheld", False)
    assert moderation.list_appeals(ctx, admin.id) == []
    assert [c.appeal.id for c in moderation.list_appeals(ctx, admin.id, "granted")] == [
        appeal.id]


def test_parallel_duplicates_settle_to_one_report_one_appeal_one_resolution(ctx, pair, admin):
    sam, rita = pair
    msg = conversations.send_message(ctx, sam.id, rita.id, "Hello")
    results = hammer(8, lambda i: moderation.report(ctx, rita.id, message_id=msg.id,
                                                    reason="spam").id)
    assert sorted(r for r in results if r == "conflict") == ["conflict"] * 7
    [report_id] = [r for r in results if r != "conflict"]
    results = hammer(8, lambda i: moderation.resolve_report(ctx, admin.id, report_id,
                                                            "strike").report.status)
    assert sorted(results) == ["actioned"] + ["conflict"] * 7
    [strike] = standing_service.get_standing(ctx, sam.id).history
    results = hammer(8, lambda i: standing_service.appeal_strike(ctx, sam.id, strike.id,
                                                                 f"Appeal {i}").status)
    assert sorted(results) == ["conflict"] * 7 + ["open"]
    block = hammer(4, lambda i: privacy.block(ctx, rita.id, sam.id).since)
    assert len(set(block)) == 1


def hammer(n, fn):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        try:
            return fn(i)
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))
