"""Compliance as delivery rule 9 (SPEC §4) through `inmail.send`, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inroad.context import Context
from inroad.domain.errors import Refused
from inroad.models import InMailFingerprint, InMailRejection, Member, Strike
from inroad.services import accounts, credits, inmail, standing
from tests import factories as f

PITCH = ("Hi {name}, I came across your profile and was impressed by your background in "
         "software engineering. We are a fast-growing fintech startup in Berlin building "
         "payment infrastructure. I am looking for senior backend engineers who enjoy Python "
         "and distributed systems. Would you be open to a short call next week? Best, Sam")

TOPICS = ["your talk on async IO", "the Postgres migration write-up", "your open-source CLI",
          "the Lisbon meetup", "your article on hiring juniors", "the payroll rebuild",
          "your design system demo", "the podcast about on-call", "your thesis on caching",
          "the hackathon you won", "your book chapter on queues", "the conference keynote"]


def personal(i: int, name: str) -> str:
    return (f"Hi {name}, I really enjoyed {TOPICS[i % len(TOPICS)]} and it made me think about "
            f"problem number {i} we keep hitting at work. Could I ask you two questions about "
            f"it over a call sometime?")


def send(ctx: Context, a: Member, b: Member, body: str | None = None, subject: str = "Hello"):
    return inmail.send(ctx, a.id, b.id, subject, body or PITCH.format(name=b.full_name))


def refusal(ctx: Context, a: Member, b: Member, body: str | None = None,
            subject: str = "Hello") -> Refused:
    with pytest.raises(Refused) as err:
        send(ctx, a, b, body, subject)
    return err.value


def rejections(ctx: Context) -> list[str]:
    with ctx.db.read() as s:
        return list(s.scalars(select(InMailRejection.code).order_by(InMailRejection.created_at)))


def strikes(ctx: Context, member_id: str) -> list[tuple[str, str]]:
    with ctx.db.read() as s:
        return [(x.source, x.outcome) for x in s.scalars(
            select(Strike).where(Strike.member_id == member_id).order_by(Strike.created_at))]


def test_sixth_identical_inmail_is_refused_spends_nothing_and_counts_as_rejected(ctx):
    sam = f.member(ctx, "Sam Ortiz", plan="business")
    people = [f.member(ctx, name) for name in
              ("Dana Kim", "Li Wei", "Bo Chan", "Ann Lee", "Raj Patel", "Eva Novak", "Tom Berg")]
    for p in people[:5]:
        send(ctx, sam, p)
    err = refusal(ctx, sam, people[5])
    assert err.code == "bulk_identical"
    assert "ersonaliz" in err.extra["hint"] and "5 other members" in err.message
    assert credits.summary(ctx, sam.id).balance == 15 - 5
    assert rejections(ctx) == ["bulk_identical"]
    # A personal InMail still goes through.
    send(ctx, sam, people[6], personal(1, "Tom Berg"))
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(InMailFingerprint)) == 6


def test_every_process_counts_the_copies_the_others_delivered(ctx, settings, db, clock):
    """Each process keeps its own in-memory index of a sender's window and catches up from the
    database on every check: copies sent through four processes still add up to five."""
    others = [Context(settings=settings, db=db, clock=clock) for _ in range(3)]
    sam = f.member(ctx, "Sam Ortiz", plan="business")
    people = [f.member(ctx, name) for name in
              ("Dana Kim", "Li Wei", "Bo Chan", "Ann Lee", "Raj Patel", "Eva Novak")]
    processes = [ctx, *others]
    for i, p in enumerate(people[:5]):
        clock.advance(timedelta(hours=1))
        send(processes[i % 4], sam, p)
    for process in processes:
        assert refusal(process, sam, people[5]).code == "bulk_identical"


def test_the_index_forgets_senders_and_copies_outside_the_window(ctx, settings, db, clock):
    """A process that keeps one InMail's worth of windows reads a sender's window back from the
    database whenever it needs it, and copies older than the window stop counting."""
    small = Context(settings=settings.model_copy(update={"bulk_index_inmails": 1}), db=db,
                    clock=clock)
    sam, kim = f.member(ctx, "Sam Ortiz", plan="business"), f.member(ctx, plan="business")
    people = [f.member(ctx) for _ in range(12)]
    for p in people[:5]:
        send(small, sam, p)
        send(small, kim, p, personal(people.index(p), p.full_name))
    assert refusal(small, sam, people[5]).code == "bulk_identical"
    clock.advance(timedelta(days=ctx.settings.bulk_window_days, minutes=1))
    send(small, sam, people[6])
    send(ctx, sam, people[7])


def test_light_rewording_and_reordering_are_still_bulk(ctx):
    sam = f.member(ctx, plan="business")
    sentences = PITCH.split(". ")
    variants = [
        PITCH,
        PITCH.replace("impressed", "amazed"),
        ". ".join(reversed(sentences)),
        PITCH.replace("short", "quick"),
        ". ".join(sentences[1:] + sentences[:1]),
        PITCH.replace("Berlin", "Munich"),
    ]
    people = [f.member(ctx) for _ in variants]
    for p, body in zip(people[:5], variants, strict=False):
        send(ctx, sam, p, body.format(name=p.full_name))
    assert refusal(ctx, sam, people[5], variants[5].format(name=people[5].full_name)).code == \
        "bulk_identical"


def test_a_mail_merge_with_the_company_is_still_bulk(ctx):
    sam = f.member(ctx, plan="business")
    companies = ["Acme", "Northwind Traders", "Globex", "Stark Analytics", "Initech", "Hooli"]
    people = [f.member(ctx, company=c) for c in companies]
    text = PITCH + " I have followed {company} for a while and admire what the team built."
    for p in people[:5]:
        send(ctx, sam, p, text.format(name=p.full_name, company=p.company))
    last = people[5]
    assert refusal(ctx, sam, last, text.format(name=last.full_name, company=last.company)) \
        .code == "bulk_identical"


def test_the_same_member_twice_and_old_copies_do_not_count(ctx, clock):
    sam = f.member(ctx, plan="business")
    people = [f.member(ctx) for _ in range(8)]
    for p in people[:4]:
        send(ctx, sam, p)
    clock.advance(timedelta(days=7, minutes=1))  # a follow-up to people[0] is allowed now
    send(ctx, sam, people[0])  # the same member again: still 4 distinct others for the next
    send(ctx, sam, people[4])  # 4 others within the window -> allowed
    clock.advance(timedelta(days=1))  # people[1..3] leave the 7-day window
    for p in people[5:8]:
        send(ctx, sam, p)


def test_follow_up_rule_through_send_and_preflight(ctx, clock):
    sam, dana = f.member(ctx, plan="business"), f.member(ctx, "Dana Kim")
    first, _ = send(ctx, sam, dana, personal(1, "Dana Kim"))
    clock.advance(timedelta(days=6, hours=23))
    pre = inmail.preflight(ctx, sam.id, dana.id)
    assert (pre.deliverable, pre.code, pre.cost) == (False, "follow_up_too_soon", 0)
    err = refusal(ctx, sam, dana, personal(2, "Dana Kim"))
    assert err.code == "follow_up_too_soon" and err.extra["retry_after"] == 3600
    clock.advance(timedelta(hours=1))
    assert inmail.preflight(ctx, sam.id, dana.id).deliverable
    send(ctx, sam, dana, personal(3, "Dana Kim"))
    clock.advance(timedelta(days=30))
    assert refusal(ctx, sam, dana, personal(4, "Dana Kim")).code == "contact_limit"
    assert inmail.preflight(ctx, sam.id, dana.id).code == "contact_limit"
    inmail.respond(ctx, dana.id, first.id, "accept")
    send(ctx, sam, dana, personal(5, "Dana Kim"))
    assert rejections(ctx) == ["follow_up_too_soon", "contact_limit"]


def test_preflight_has_no_side_effects(ctx, clock):
    sam, dana = f.member(ctx, plan="business"), f.member(ctx)
    send(ctx, sam, dana, personal(1, "x"))
    for _ in range(5):
        assert inmail.preflight(ctx, sam.id, dana.id).code == "follow_up_too_soon"
    assert rejections(ctx) == [] and strikes(ctx, sam.id) == []


def test_promotional_inmail_is_refused_with_its_phrases(ctx):
    sam, dana = f.member(ctx, plan="business"), f.member(ctx)
    err = refusal(ctx, sam, dana, "Hi! Get 40% off our CRM today, only $29/month. Buy now at "
                                  "https://crm.example.com", subject="LIMITED OFFER")
    assert err.code == "looks_promotional"
    assert {"40% off", "$29", "Buy now", "https://crm.example.com",
            "LIMITED OFFER"} <= set(err.extra["phrases"])
    assert "40% off" in err.message
    honest = ("Hi Dana, we are hiring a data engineer; the range is $150k-$170k and the posting "
              "is at https://jobs.example.com/7. Are you free to chat next week? Thanks!")
    send(ctx, sam, dana, honest)
    assert credits.summary(ctx, sam.id).balance == 14


def test_three_compliance_refusals_make_a_warning_then_a_restriction(ctx, clock):
    sam = f.member(ctx, plan="business")
    promo = "Huge sale: 50% off, buy now at https://x.example.com, today only!"
    for _ in range(2):
        refusal(ctx, sam, f.member(ctx), promo)
    assert strikes(ctx, sam.id) == []
    refusal(ctx, sam, f.member(ctx), promo)
    assert strikes(ctx, sam.id) == [("compliance", "warning")]
    for _ in range(3):
        refusal(ctx, sam, f.member(ctx), promo)
    assert strikes(ctx, sam.id)[-1] == ("compliance", "restricted_24h")
    assert accounts.get_me(ctx, sam.id).status == "restricted"
    assert refusal(ctx, sam, f.member(ctx), personal(1, "x")).code == "account_restricted"
    # The restriction ends on time: the next send lifts it.
    clock.advance(timedelta(hours=24))
    send(ctx, sam, f.member(ctx), personal(2, "y"))
    assert accounts.get_me(ctx, sam.id).status == "active"
    assert len(strikes(ctx, sam.id)) == 2


def test_recipient_rules_win_over_compliance(ctx):
    sam, dana = f.member(ctx, plan="business"), f.member(ctx)
    f.set_member(ctx, dana.id, allow_inmail=False)
    promo = "Huge sale: 50% off, buy now at https://x.example.com, today only!"
    assert refusal(ctx, sam, dana, promo).code == "recipient_not_accepting"


def test_open_profile_inmail_comes_before_compliance_but_is_fingerprinted(ctx):
    sam, open_ = f.member(ctx, plan="business"), f.member(ctx, plan="career")
    f.set_member(ctx, open_.id, open_profile=True)
    promo = "Huge sale: 50% off, buy now at https://x.example.com, today only!"
    view, _ = send(ctx, sam, open_, promo)
    assert view.cost == 0
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(InMailFingerprint)) == 1


def test_low_response_rate_warns_then_caps(ctx, clock):
    lowctx = Context(settings=ctx.settings.model_copy(update={
        "low_response_min_inmails": 6, "low_response_cap_per_day": 2}),
        db=ctx.db, clock=clock, publish=ctx.publish)
    sam = f.member(lowctx, plan="business")
    people = [f.member(lowctx) for _ in range(12)]
    for i, p in enumerate(people[:6]):
        inmail.send(lowctx, sam.id, p.id, "Hi", personal(i, p.full_name))
    me = accounts.get_me(lowctx, sam.id)
    assert me.low_response_warned_at == clock.now() and me.inmail_capped_until is None
    assert ("standing.changed", {"low_response": "warn"}) in [
        (e, d) for m, e, d in ctx.publish if m == sam.id]
    inmail.send(lowctx, sam.id, people[6].id, "Hi", personal(6, "x"))  # same day: no cap
    assert accounts.get_me(lowctx, sam.id).inmail_capped_until is None
    clock.advance(timedelta(days=1))
    inmail.send(lowctx, sam.id, people[7].id, "Hi", personal(7, "x"))
    me = accounts.get_me(lowctx, sam.id)
    assert me.inmail_capped_until == clock.now() + timedelta(days=14)
    assert [d for m, e, d in ctx.publish if m == sam.id and e == "standing.changed"] == [
        {"low_response": "warn"}, {"low_response": "cap"}]
    shown = standing.get_standing(lowctx, sam.id)
    assert shown.inmail_capped_until == me.inmail_capped_until
    assert shown.low_response_warned_at is not None
    inmail.send(lowctx, sam.id, people[8].id, "Hi", personal(8, "x"))  # 2nd today: the cap
    with pytest.raises(Refused) as err:
        inmail.send(lowctx, sam.id, people[9].id, "Hi", personal(9, "x"))
    assert err.value.code == "rate_limited" and err.value.extra["limit"] == 2


def test_responses_keep_the_rate_up(ctx, clock):
    lowctx = Context(settings=ctx.settings.model_copy(update={"low_response_min_inmails": 6}),
                     db=ctx.db, clock=clock, publish=ctx.publish)
    sam = f.member(lowctx, plan="business")
    people = [f.member(lowctx) for _ in range(7)]
    view, _ = inmail.send(lowctx, sam.id, people[0].id, "Hi", personal(0, "x"))
    inmail.respond(lowctx, people[0].id, view.id, "decline")
    for i, p in enumerate(people[1:7], start=1):
        inmail.send(lowctx, sam.id, p.id, "Hi", personal(i, p.full_name))
    assert accounts.get_me(lowctx, sam.id).low_response_warned_at is None  # 1 of 7 >= 13%
