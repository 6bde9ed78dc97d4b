"""Hammer credits, grants and idempotency from parallel threads, each with its own
connection and transaction, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from inroad.context import Context
from inroad.domain.errors import DomainError
from inroad.models import CreditGrant, InMail, Message, Purchase
from inroad.services import conversations, credits, inmail
from tests import factories as f
from tests.services.test_credits import assert_consistent


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


WORDS = [f"topic {chr(65 + i % 26)}{i * 7919 % 1000} case {i ** 3}" for i in range(50)]


def test_fifty_parallel_sends_with_five_credits_deliver_exactly_five(ctx):
    sender = f.member(ctx, plan="career")
    recipients = [f.member(ctx) for _ in range(50)]
    results = hammer(50, lambda i: inmail.send(ctx, sender.id, recipients[i].id, "Hello",
                                               f"Hi {recipients[i].full_name}, note {i}")[0].id)
    outcome = Counter("sent" if r.startswith("0") else r for r in results)
    assert outcome == {"sent": 5, "insufficient_credits": 45}
    assert credits.summary(ctx, sender.id).balance == 0
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(InMail)) == 5
    assert_consistent(ctx, sender.id)


def test_parallel_copies_through_four_processes_deliver_exactly_five(ctx, settings, db, clock):
    """The bulk rule's in-memory index (store/fingerprints) is per process: four contexts stand
    for four server processes, each catching up from the database under the sender's lock."""
    processes = [ctx, *(Context(settings=settings, db=db, clock=clock) for _ in range(3))]
    sender = f.member(ctx, plan="business")
    recipients = [f.member(ctx) for _ in range(24)]
    body = ("I am hiring senior platform engineers for a remote team building payments "
            "infrastructure; would you like to hear more about the role this week?")
    results = hammer(24, lambda i: inmail.send(processes[i % 4], sender.id, recipients[i].id,
                                               "Hello", body)[0].id)
    outcome = Counter("sent" if r.startswith("0") else r for r in results)
    # Refusals earn strikes, and strikes restrict the sender before the last attempts.
    assert outcome["sent"] == 5 and outcome["bulk_identical"] >= 3
    assert set(outcome) == {"sent", "bulk_identical", "account_restricted"}


def test_twenty_parallel_purchases_with_one_key_charge_once(ctx):
    m = f.member(ctx, plan="career")
    results = hammer(20, lambda i: credits.purchase(ctx, m.id, 10, "tok_visa", "same-key"))
    assert len({r[1]["id"] for r in results}) == 1
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Purchase)) == 1
    assert credits.summary(ctx, m.id).balance == 15
    assert_consistent(ctx, m.id)


def test_parallel_idempotent_sends_deliver_once(ctx):
    a, b = f.member(ctx, plan="business"), f.member(ctx)
    results = hammer(10, lambda i: inmail.send(ctx, a.id, b.id, "Hello", "Hi Bob",
                                               idempotency_key="send-1")[0].id)
    assert len(set(results)) == 1
    assert credits.summary(ctx, a.id).balance == 14


def test_concurrent_grant_runs_grant_once_per_period(ctx, clock):
    members = [f.member(ctx, plan="career") for _ in range(5)]
    clock.advance(timedelta(days=31))

    def run(i):
        if i % 2:
            return credits.run_due_duties(ctx)
        return credits.summary(ctx, members[i % 5].id).balance

    hammer(16, run)
    with ctx.db.read() as s:
        per_member = Counter(s.scalars(select(CreditGrant.member_id)))
    assert per_member == {m.id: 2 for m in members}
    for m in members:
        assert credits.summary(ctx, m.id).balance == 10
        assert_consistent(ctx, m.id)


def test_the_database_itself_refuses_a_second_grant_for_a_period(ctx):
    m = f.member(ctx, plan="career")
    with ctx.db.read() as s:
        period = s.scalar(select(CreditGrant.period_start).where(CreditGrant.member_id == m.id))
    with pytest.raises(IntegrityError), ctx.db.write() as s:
        s.add(CreditGrant(member_id=m.id, period_start=period, credits=5, created_at=ctx.now()))


def test_parallel_refunds_and_sends_keep_the_ledger_consistent(ctx):
    a = f.member(ctx, plan="sales")
    recipients = [f.member(ctx) for _ in range(20)]
    # Distinct bodies: the same text to more than five members is refused as bulk.
    views = [inmail.send(ctx, a.id, r.id, "Hello", f"Hi {r.full_name}, note {i}")[0]
             for i, r in enumerate(recipients)]
    more = [f.member(ctx) for _ in range(20)]

    def run(i):
        if i < 20:
            return inmail.respond(ctx, recipients[i].id, views[i].id, "accept").status
        return inmail.send(ctx, a.id, more[i - 20].id, "Hi", f"Hello there, note {i}")[0].status

    assert set(hammer(40, run)) == {"accepted", "delivered"}
    assert credits.summary(ctx, a.id).balance == 50 - 20
    assert_consistent(ctx, a.id)


def test_parallel_first_messages_between_a_pair_share_one_conversation(ctx):
    """Both members of each pair write first at once: the loser of the race to create the
    pair's conversation retries and joins the winner's."""
    pairs = [(f.member(ctx), f.member(ctx)) for _ in range(6)]
    for a, b in pairs:
        f.connect(ctx, a, b)

    def first_message(i):
        a, b = pairs[i // 2]
        sender, to = (a, b) if i % 2 == 0 else (b, a)
        return conversations.send_message(ctx, sender.id, to.id, f"hello {i}").conversation_id

    ids = hammer(12, first_message)
    assert all(ids[i] == ids[i + 1] for i in range(0, 12, 2))
    assert len(set(ids)) == 6
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 12
