"""Insight counts (exact, in the event's transaction, under concurrency) and the report read
back from them, on SQLite and PostgreSQL."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from inroad.domain.errors import Refused, ValidationFailed
from inroad.models import InMail, InMailRejection, InsightCount
from inroad.services import conversations, followups, insights, privacy
from inroad.services import inmail as inmail_service
from inroad.web.schemas_insights import insights_csv
from tests import factories as f

WIRED = "count_sent" in inspect.getsource(inmail_service)


def _changed_from_none(obj: Any, attr: str) -> bool:
    hist = sa_inspect(obj).attrs[attr].history
    return bool(hist.added) and hist.added[0] not in (None, False) and (
        not hist.deleted or hist.deleted[0] in (None, False))


def _count_on_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    """Until services/inmail.py calls the counting functions itself, count what each flush
    writes: the same calls, at the same point (the end of the event's transaction)."""
    for obj in list(session.new):
        if isinstance(obj, InMail):
            insights.count_sent(session, obj)
        elif isinstance(obj, InMailRejection):
            insights.count_rejected(session, obj.sender_id, obj.subject, obj.purpose,
                                    obj.created_at, obj.recipient_id)
    for obj in list(session.dirty):
        if not isinstance(obj, InMail):
            continue
        if _changed_from_none(obj, "opened_at"):
            insights.count_opened(session, obj, obj.opened_at)
        if _changed_from_none(obj, "responded_at"):
            insights.count_response(session, obj, obj.status, obj.responded_at)
        if _changed_from_none(obj, "refunded"):
            insights.count_refund(session, obj, obj.responded_at)


@pytest.fixture
def wired() -> Iterator[None]:
    if WIRED:
        yield
        return
    event.listen(Session, "before_flush", _count_on_flush)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", _count_on_flush)


def hammer(n: int, fn: Any) -> list[Any]:
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def rows(ctx: Any, member_id: str) -> dict[tuple[str, str], InsightCount]:
    with ctx.db.read() as s:
        return {(r.dim, r.dim_value): r for r in s.scalars(
            select(InsightCount).where(InsightCount.member_id == member_id))}


def transient(sender_id: str, recipient_id: str, sent_at: datetime, subject: str = "Hello",
              purpose: str = "hiring", cost: int = 1) -> InMail:
    """An InMail as the counting functions see it; not stored."""
    return InMail(id=f"im-{sent_at.timestamp()}", conversation_id="c", sender_id=sender_id,
                  recipient_id=recipient_id, subject=subject, body="b", purpose=purpose,
                  cost=cost, status="delivered", sent_at=sent_at, refunded=False)


# ---- counting ----


def test_counts_go_to_sender_and_platform_under_each_dimension(ctx, clock):
    a, b = f.member(ctx, "Ann Lee"), f.member(ctx, "Bob Stone")
    im = transient(a.id, b.id, clock.now(), subject="Re: Quick question for Bob, 2 roles")
    with ctx.db.write() as s:
        insights.count_sent(s, im)
        insights.count_rejected(s, a.id, "Quick question for Bob, 12 roles!", "sales",
                                clock.now(), b.id)
    mine, platform = rows(ctx, a.id), rows(ctx, "*")
    assert set(mine) == {("all", ""), ("subject", "quick question for {name}, # roles"),
                         ("purpose", "hiring"), ("purpose", "sales")}
    assert set(platform) == {("all", ""), ("purpose", "hiring"), ("purpose", "sales")}
    for r in (mine[("all", "")], platform[("all", "")]):
        assert (r.sent, r.delivered, r.rejected, r.credits_spent) == (2, 1, 1, 1)
        assert r.day == datetime(2026, 1, 15, tzinfo=UTC)
    assert mine[("subject", "quick question for {name}, # roles")].sent == 2
    assert (mine[("purpose", "sales")].rejected, mine[("purpose", "sales")].delivered) == (1, 0)


def test_later_events_count_on_the_day_the_inmail_was_sent(ctx, clock):
    a, b = f.member(ctx), f.member(ctx)
    sent = clock.now()
    im = transient(a.id, b.id, sent)
    later = sent + timedelta(days=3, hours=6)
    with ctx.db.write() as s:
        insights.count_sent(s, im)
        assert insights.count_opened(s, im, later)
        insights.count_response(s, im, "accepted", later)
        insights.count_refund(s, im, later)
    [r] = [r for r in rows(ctx, a.id).values() if r.dim == "all"]
    assert r.day == datetime(2026, 1, 15, tzinfo=UTC)
    assert (r.opened, r.accepted, r.credits_refunded) == (1, 1, 1)
    assert r.response_hours_total == pytest.approx(78.0)
    with ctx.db.write() as s, pytest.raises(ValueError):
        insights.count_response(s, im, "opened", later)


def test_read_receipts_off_never_count_as_opened(ctx, clock):
    a, b = f.member(ctx), f.member(ctx)
    f.set_member(ctx, b.id, read_receipts=False)
    im = transient(a.id, b.id, clock.now())
    with ctx.db.write() as s:
        insights.count_sent(s, im)
        assert insights.count_opened(s, im, clock.now()) is False
    assert rows(ctx, a.id)[("all", "")].opened == 0
    assert rows(ctx, "*")[("all", "")].opened == 0


def test_parallel_counting_is_exact(ctx, clock):
    senders = [f.member(ctx) for _ in range(4)]
    b = f.member(ctx)
    now = clock.now()

    def work(i: int) -> None:
        sender = senders[i % 4]
        for j in range(4):
            im = transient(sender.id, b.id, now, subject=f"Role {i}", purpose="hiring")
            with ctx.db.write() as s:
                insights.count_sent(s, im)
                insights.count_opened(s, im, now)
                if j % 2 == 0:
                    insights.count_response(s, im, "replied", now + timedelta(hours=2))

    hammer(8, work)
    platform = rows(ctx, "*")[("all", "")]
    assert (platform.sent, platform.opened, platform.replied) == (32, 32, 16)
    assert platform.response_hours_total == pytest.approx(32.0)
    assert rows(ctx, "*")[("purpose", "hiring")].sent == 32
    for sender in senders:
        mine = rows(ctx, sender.id)
        assert (mine[("all", "")].sent, mine[("subject", "role #")].sent) == (8, 8)
        assert mine[("all", "")].replied == 4


# ---- the report, from a hand-built history through the real services ----

JAN15, JAN22 = date(2026, 1, 15), date(2026, 1, 22)


@pytest.fixture
def history(ctx, clock, wired):
    """Ann (Sales Navigator) writes to five people over a week; Bea writes to one."""
    ann, bea = f.member(ctx, "Ann Lee", plan="sales"), f.member(ctx, "Bea Cho", plan="career")
    bob, cy, di, ed = (f.member(ctx, n) for n in ("Bob Stone", "Cy Park", "Di Ray", "Ed Wu"))
    fay, zed = f.member(ctx, "Fay Moss"), f.member(ctx, "Zed Ash")
    f.set_member(ctx, fay.id, read_receipts=False)
    f.set_member(ctx, zed.id, allow_inmail=False)

    topics = iter(("robots", "gardens", "jazz", "ledgers", "bridges", "compilers", "tea"))

    def send(to, subject, purpose, sender=ann):
        body = f"Hi {to.full_name}, I read your notes on {next(topics)}."
        return inmail_service.send(ctx, sender.id, to.id, subject, body, purpose)[0]

    to_bob = send(bob, "Quick question, Bob", "hiring")
    to_cy = send(cy, "Quick question, Cy", "hiring")
    to_fay = send(fay, "Coffee chat?", "networking")
    with pytest.raises(Refused):
        send(zed, "Quick question, Zed", "hiring")
    clock.advance(timedelta(hours=1))
    conversations.mark_read(ctx, cy.id, to_cy.conversation_id)
    conversations.mark_read(ctx, bob.id, to_bob.conversation_id)
    clock.advance(timedelta(hours=3))
    inmail_service.respond(ctx, bob.id, to_bob.id, "accept")  # 4 h
    clock.advance(timedelta(hours=6))
    conversations.mark_read(ctx, fay.id, to_fay.conversation_id)  # receipts off: not opened
    conversations.post_message(ctx, fay.id, to_fay.conversation_id, "Sure, Tuesday?")  # 10 h
    clock.advance(timedelta(hours=14))  # 16 Jan 09:00
    to_di = send(di, "Intro: data team", "introduction")
    clock.advance(timedelta(hours=2))
    inmail_service.respond(ctx, di.id, to_di.id, "decline")  # 2 h, opened by responding
    from_bea = send(cy, "Hello from Bea", "networking", sender=bea)
    inmail_service.respond(ctx, cy.id, from_bea.id, "accept")
    clock.advance(timedelta(days=6))  # 22 Jan
    send(ed, "Quick question, Ed", "hiring")
    return {"ann": ann, "fay": fay}


def test_totals(ctx, history):
    t = insights.get_insights(ctx, history["ann"].id, JAN15, JAN22).totals
    c = t.counts
    assert (c.sent, c.delivered, c.rejected, c.opened) == (6, 5, 1, 3)
    assert (c.accepted, c.declined, c.replied, c.responded) == (1, 1, 1, 3)
    assert (c.credits_spent, c.credits_refunded) == (5, 3)
    assert t.median_response_hours == pytest.approx(4.0)
    assert c.response_hours_total == pytest.approx(16.0)


def test_series_by_day_and_week(ctx, history):
    ins = insights.get_insights(ctx, history["ann"].id, JAN15, JAN22, "day")
    assert [p.key for p, _ in ins.series][:2] == ["2026-01-15", "2026-01-16"]
    assert len(ins.series) == 8
    by_key = {p.key: st for p, st in ins.series}
    jan15, jan16 = by_key["2026-01-15"], by_key["2026-01-16"]
    assert (jan15.counts.sent, jan15.counts.delivered, jan15.counts.opened) == (4, 3, 2)
    assert (jan15.counts.responded, jan15.median_response_hours) == (2, pytest.approx(7.0))
    assert (jan16.counts.declined, jan16.median_response_hours) == (1, pytest.approx(2.0))
    assert by_key["2026-01-19"].counts.sent == 0 and by_key["2026-01-22"].counts.sent == 1

    weeks = insights.get_insights(ctx, history["ann"].id, JAN15, JAN22, "week").series
    assert [(p.key, p.start, p.end, st.counts.sent) for p, st in weeks] == [
        ("2026-01-12", JAN15, date(2026, 1, 18), 5), ("2026-01-19", date(2026, 1, 19), JAN22, 1)]
    months = insights.get_insights(ctx, history["ann"].id, JAN15, JAN22, "month").series
    assert [(p.key, st.counts.sent) for p, st in months] == [("2026-01", 6)]


def test_by_subject_and_purpose_with_platform(ctx, history):
    ins = insights.get_insights(ctx, history["ann"].id, JAN15, JAN22)
    subjects = {g.value: g.stats.counts for g in ins.by_subject}
    assert list(subjects) == ["quick question, {name}", "coffee chat", "intro: data team"]
    q = subjects["quick question, {name}"]
    assert (q.sent, q.delivered, q.rejected, q.opened, q.responded) == (4, 3, 1, 2, 1)
    purposes = {g.value: g for g in ins.by_purpose}
    assert list(purposes) == ["hiring", "introduction", "networking"]
    assert purposes["hiring"].stats.counts.sent == 4
    # Bea's networking InMail counts for the platform, not for Ann.
    assert purposes["networking"].stats.counts.delivered == 1
    assert purposes["networking"].platform.delivered == 2
    p = ins.platform
    assert (p.delivered, p.opened, p.responded) == (6, 4, 4)


def test_turning_read_receipts_on_later_does_not_rewrite_history(ctx, history):
    before = insights.get_insights(ctx, history["ann"].id, JAN15, JAN22).totals.counts
    privacy.update_settings(ctx, history["fay"].id, {"read_receipts": True})
    after = insights.get_insights(ctx, history["ann"].id, JAN15, JAN22).totals.counts
    assert before.opened == after.opened == 3


def test_other_ranges_and_limits(ctx, history):
    ann = history["ann"].id
    only_22 = insights.get_insights(ctx, ann, JAN22, JAN22)
    assert only_22.totals.counts.sent == 1 and only_22.totals.median_response_hours is None
    empty = insights.get_insights(ctx, ann, date(2025, 1, 1), date(2025, 3, 31))
    assert empty.totals.counts.sent == 0 and empty.by_subject == []
    with pytest.raises(ValidationFailed):
        insights.get_insights(ctx, ann, JAN22, JAN15)
    with pytest.raises(ValidationFailed):
        insights.get_insights(ctx, ann, date(2023, 1, 1), date(2026, 1, 2))
    insights.get_insights(ctx, ann, date(2023, 1, 15), JAN15)  # exactly three years


def test_csv_has_a_header_and_one_row_per_period(ctx, history):
    text = insights_csv(insights.get_insights(ctx, history["ann"].id, JAN15, JAN22, "week"))
    lines = text.splitlines()
    assert lines[0].startswith("period,start,end,sent,delivered,rejected,opened,responded")
    assert lines[1].startswith("2026-01-12,2026-01-15,2026-01-18,5,4,1,3,3,")
    assert len(lines) == 3


# ---- follow-ups due ----


def test_follow_ups_due_only_where_one_polite_follow_up_is_still_allowed(ctx, clock):
    ann = f.member(ctx, "Ann", plan="sales")
    quiet, answered, blocked, blocker, gone, connected, followed = (
        f.member(ctx, n) for n in ("Quiet", "Answered", "Blocked", "Blocker", "Gone",
                                   "Connected", "Followed"))
    topics = ("robots", "gardens", "jazz", "ledgers", "bridges", "compilers", "tea")
    sent = {m.id: inmail_service.send(ctx, ann.id, m.id, "Hello",
                                      f"Hi {m.full_name}, I read your notes on {topic}.")[0]
            for m, topic in zip((quiet, answered, blocked, blocker, gone, connected, followed),
                                topics, strict=True)}
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert followups.due(ctx, ann.id) == []
    clock.advance(timedelta(seconds=1))
    inmail_service.respond(ctx, answered.id, sent[answered.id].id, "accept")
    privacy.block(ctx, ann.id, blocked.id)
    privacy.block(ctx, blocker.id, ann.id)
    f.set_member(ctx, gone.id, status="suspended")
    f.connect(ctx, ann, connected)
    inmail_service.send(ctx, ann.id, followed.id, "Re: Hello", "Hi again")
    due = followups.due(ctx, ann.id)
    assert [d.recipient.id for d in due] == [quiet.id]
    assert due[0].inmail.id == sent[quiet.id].id
    assert due[0].due_since == sent[quiet.id].sent_at + timedelta(days=7)


def test_counts_agree_with_the_inmails_under_concurrent_sends_and_responses(ctx, clock, wired):
    """Sends, opens and responses from parallel threads: the counts equal what the `inmails`
    table says, for each sender and for the platform (and PostgreSQL reports no deadlock)."""
    senders = [f.member(ctx, f"Sender {i}", plan="business") for i in range(3)]
    people = [f.member(ctx, f"Person {i}") for i in range(6)]
    first = {}
    for i, sender in enumerate(senders):
        for j, person in enumerate(people[:3]):
            first[(i, j)] = inmail_service.send(
                ctx, sender.id, person.id, f"Hello {i}",
                f"Hi {person.full_name}, note {i}-{j} about {j * 'x'} things.")[0]

    def work(k: int) -> None:
        i, j = divmod(k, 4)
        if j < 3:  # respond to an InMail from the first round
            im = first[(i, j)]
            if j == 0:
                conversations.mark_read(ctx, people[j].id, im.conversation_id)
                inmail_service.respond(ctx, people[j].id, im.id, "accept")
            elif j == 1:
                conversations.post_message(ctx, people[j].id, im.conversation_id, "Hello!")
            else:
                inmail_service.respond(ctx, people[j].id, im.id, "decline")
        else:  # a new InMail to someone not written to yet
            inmail_service.send(ctx, senders[i].id, people[3 + i].id, "Later",
                                f"Hi {people[3 + i].full_name}, later note {i}.")

    hammer(12, work)
    with ctx.db.read() as s:
        truth = list(s.scalars(select(InMail)))
    for member_id in [m.id for m in senders] + ["*"]:
        mine = [im for im in truth if member_id in ("*", im.sender_id)]
        got = rows(ctx, member_id)[("all", "")]
        assert (got.sent, got.delivered) == (len(mine), len(mine))
        for status in ("accepted", "declined", "replied"):
            assert getattr(got, status) == sum(im.status == status for im in mine)
        assert got.opened == sum(im.opened_at is not None for im in mine)
        assert got.credits_refunded == sum(im.refunded for im in mine)
